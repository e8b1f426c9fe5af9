/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The opener's credentials, read from /proc/<pid> (see opener.h). */
#include "opener.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define CAP_SYS_ADMIN_BIT 21   /* include/uapi/linux/capability.h */
/* init_user_ns's fixed nsfs inode (PROC_USER_INIT_INO, include/linux/proc_ns.h). */
#define USER_NS_INIT_INO 0xEFFFFFFDU

/* The CapEff mask from /proc/<pid>/status, or false if it cannot be read. */
static bool read_cap_eff(pid_t pid, uint64_t *caps)
{
	char path[64];
	char line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (strncmp(line, "CapEff:", 7) == 0 && sscanf(line + 7, "%llx", &v) == 1) {
			*caps = v;
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * Namespaces are equal when their nsfs inodes are (namespaces(7)).  The
 * initial user namespace is recognised by its fixed inode rather than through
 * /proc/1/ns/user: pid 1 may be unreadable (a sandboxing init we may not
 * ptrace, seen on the test VM) or live in a container's namespace.
 */
static bool in_initial_user_ns(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (stat(path, &st) != 0)
		return false;
	return st.st_ino == USER_NS_INIT_INO;
}

bool opener_has_cap_sys_admin(pid_t pid)
{
	uint64_t caps;

	if (pid <= 0 || !read_cap_eff(pid, &caps))
		return false;
	if (!(caps & ((uint64_t)1 << CAP_SYS_ADMIN_BIT)))
		return false;
	return in_initial_user_ns(pid);
}

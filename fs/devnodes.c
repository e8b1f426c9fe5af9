/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /dev nodes for ndctl and daxctl, and the module guard (devnodes.h). */
#include "devnodes.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include "nd_chardev.h"

#define DEV_DIR "/dev"

static struct chardev_follower *follower;

/* devtmpfs_create_node() / devtmpfs_delete_node(): 0600 root:root nodes. */
static void keep_node(void *ctx, const char *name, int major, int minor, bool add)
{
	g_autofree char *path = g_build_filename(DEV_DIR, name, NULL);

	(void)ctx;
	unlink(path);
	if (add && mknod(path, S_IFCHR | 0600, makedev(major, minor)) != 0)
		fprintf(stderr, "hotplugfs: cannot make %s: %s\n", path, strerror(errno));
}

int devnodes_serve(struct ns_mounts *mounts, struct machine *m)
{
	int rc;

	if (!chardevs_exist(m))
		return 0;
	rc = ns_replace_entries(mounts, DEV_DIR, NULL, 0);
	/* Writable, as devtmpfs is for root; still nodev and nosuid. */
	if (rc == 0 && mount(NULL, DEV_DIR, NULL, MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			     "mode=0755") != 0)
		rc = -errno;
	if (rc < 0) {
		fprintf(stderr, "hotplugfs: cannot make /dev for the machine's devices: %s\n",
			strerror(-rc));
		return rc;
	}
	chardevs_list(m, keep_node, NULL);
	follower = chardevs_follow(m, keep_node, NULL);
	return 0;
}

void devnodes_stop(struct machine *m)
{
	(void)m;
	chardevs_unfollow(follower);
	follower = NULL;
}

#if defined(__x86_64__)
#define GUARD_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define GUARD_ARCH AUDIT_ARCH_AARCH64
#elif defined(__s390x__)
#define GUARD_ARCH AUDIT_ARCH_S390X
#endif

int module_guard_child(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		/* Another ABI (i386 on x86_64): no module syscalls at all. */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, GUARD_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_init_module, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_finit_module, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_delete_module, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		return -errno;
	return 0;
}

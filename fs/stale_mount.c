/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Clearing the mount of a dead FUSE daemon (stale_mount.h). */
#include "stale_mount.h"

#include <errno.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/wait.h>

extern char **environ;

/* A request on a connection whose daemon is gone fails with ENOTCONN
 * (fuse_simple_request, fs/fuse/dev.c 6.12).  statfs always sends one;
 * stat may be answered from the root's cached attributes. */
static bool is_stale(const char *mountpoint)
{
	struct statfs st;

	return statfs(mountpoint, &st) != 0 && errno == ENOTCONN;
}

/* fusermount3 -u -z: the unprivileged way to detach our own FUSE mount. */
static int fusermount_lazy(const char *mountpoint)
{
	char *argv[] = { "fusermount3", "-u", "-z", "--", (char *)mountpoint, NULL };
	pid_t pid;
	int status, rc = posix_spawnp(&pid, "fusermount3", NULL, NULL, argv, environ);

	if (rc)
		return -rc;
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EPERM;
}

int stale_mount_clear(const char *mountpoint)
{
	int rc = 0;

	if (!is_stale(mountpoint))
		return 0;
	if (umount2(mountpoint, MNT_DETACH) != 0)
		rc = errno == EPERM ? fusermount_lazy(mountpoint) : -errno;
	if (!rc && is_stale(mountpoint))
		rc = -ENOTCONN;
	if (rc) {
		fprintf(stderr, "hotplugfs: %s is the mount of a daemon that is gone, and it could "
			"not be unmounted: %s\n", mountpoint, strerror(-rc));
		return rc;
	}
	fprintf(stderr, "hotplugfs: %s: unmounted the mount of a daemon that is gone "
		"(ENOTCONN)\n", mountpoint);
	return 0;
}

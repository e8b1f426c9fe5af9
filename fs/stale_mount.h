/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A mountpoint left behind by a FUSE daemon that died (kill -9, a crash):
 * the kernel keeps the mount, and every access to it fails with ENOTCONN
 * until it is unmounted.  `hotplugfs mount` clears it before mounting again.
 */
#ifndef HOTPLUGFS_STALE_MOUNT_H
#define HOTPLUGFS_STALE_MOUNT_H

/* If mountpoint is such a mount, detaches it (umount2 MNT_DETACH as root,
 * else fusermount3 -u -z) and says so on stderr.  0 when there was nothing
 * to clear or it is cleared; -errno with a message on stderr. */
int stale_mount_clear(const char *mountpoint);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The FUSE low-level adapter: serves a machine's tree (core/tree.h). */
#ifndef HOTPLUGFS_FUSE_FS_H
#define HOTPLUGFS_FUSE_FS_H

#include <stdbool.h>

struct machine;
struct fuse_session;

/* Creates a session serving m and mounts it at mountpoint (allow_other,
 * default_permissions, fsname "hotplugfs", subtype "hotplugfs").  NULL on error
 * with a message on stderr. */
struct fuse_session *hotplugfs_session_new(struct machine *m, const char *mountpoint);
/* Runs the single-threaded loop until unmounted or fuse_session_exit(). */
int hotplugfs_session_loop(struct fuse_session *se);
/* Unmounts and destroys the session. */
void hotplugfs_session_destroy(struct fuse_session *se);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The FUSE low-level adapter: serves a backend's tree (core/backend.h, core/tree.h). */
#ifndef HOTPLUGFS_FUSE_FS_H
#define HOTPLUGFS_FUSE_FS_H

#include <stdbool.h>

#include <json-c/json.h>

/* FUSE opcodes counted one by one; the rest as "other" (include/uapi/linux/fuse.h). */
#define FUSE_REQUEST_KINDS 64

struct backend;
struct fuse_session;
struct hotplugfs_session;

/* Creates a session serving b and mounts it at mountpoint (default_permissions,
 * fsname "hotplugfs", subtype "hotplugfs", then options: FUSE's -o list, such
 * as "allow_other,ro", or NULL).  NULL on error with a message on stderr.
 * b must outlive the session. */
struct hotplugfs_session *hotplugfs_session_new(struct backend *b, const char *mountpoint,
					       const char *options);
/* The libfuse session, for fuse_set_signal_handlers() and fuse_daemonize(). */
struct fuse_session *hotplugfs_session_fuse(struct hotplugfs_session *s);
/* Serves the control socket (fs/control.h, docs/control-protocol.md) at path
 * from the session's loop.  Call before hotplugfs_session_loop, before any
 * other thread exists (the socket is created under a temporary umask).
 * 0, or -errno with a message on stderr. */
int hotplugfs_session_control(struct hotplugfs_session *s, const char *path);
/* Adds {"fuse_requests": {"LOOKUP": N, ..., "total": N}} to out: the
 * requests received so far, by opcode (the control socket's stats). */
void hotplugfs_session_request_counts(void *session, json_object *out);
/* Runs the single-threaded loop until unmounted or fuse_session_exit() (a
 * stop signal with fuse_set_signal_handlers).  Slow stores (STORE_PENDING)
 * are answered from it when the backend's completion fd says so or their
 * writer is interrupted; stores that find the hotplug lock taken
 * (STORE_RETRY) wait in order behind them.  0, or -errno on a FUSE error. */
int hotplugfs_session_loop(struct hotplugfs_session *s);
/* Unmounts and destroys the session, first answering a pending store EINTR
 * (the offline is rolled back) and queued stores ENODEV, and waiting for the
 * notifier thread while requests are still answered. */
void hotplugfs_session_destroy(struct hotplugfs_session *s);

#endif

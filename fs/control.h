/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket (docs/control-protocol.md): a Unix stream socket, mode
 * 0600 and only for the daemon's own user (SO_PEERCRED), speaking JSON
 * lines, served from the FUSE session's own single-threaded loop.  Each request runs to completion inside one loop
 * iteration, so FUSE readers see the machine before or after an op, never in
 * the middle.  A reply is held back until the notifier thread has dropped
 * the kernel's cached names the op removed (fs/inval.h), so a client that
 * got its answer never stats a ghost.
 */
#ifndef HOTPLUGFS_CONTROL_H
#define HOTPLUGFS_CONTROL_H

#include <json-c/json.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

struct backend;
struct inval;
struct control;

/* Adds the front end's own counters to a stats reply (may be NULL). */
typedef void (*control_stats_fn)(void *ctx, json_object *out);

/*
 * What the daemon gives control clients (docs/control-protocol.md,
 * "Limits"): the output it holds for all of them together (unsent replies
 * and events), for one watcher, and how long a client may sit idle (nothing
 * under way, not watching, nothing sent) or stalled (output waiting, none
 * of it read) before it is closed.
 */
struct control_limits {
	size_t out_total;
	size_t watch_max;
	int idle_ms;
	int stall_ms;
};

/* Binds and listens at path (an existing socket nobody listens on is
 * replaced; anything else there is an error).  iv may be NULL (no FUSE
 * cache to invalidate).  NULL with a message on stderr. */
struct control *control_new(struct backend *b, const char *path, struct inval *iv,
			    control_stats_fn stats, void *stats_ctx);
/* Closes every client and the listener and removes the socket file. */
void control_free(struct control *c);
/* Other limits than the defaults (tests). */
void control_set_limits(struct control *c, const struct control_limits *limits);
/* Bytes held for all clients now: unsent output and held replies. */
size_t control_buffered(const struct control *c);

/* The descriptors to poll, appended to pfds (a GArray of struct pollfd). */
void control_poll_fds(struct control *c, void *pfds_garray);
/* Handles the revents of the n pollfds control_poll_fds appended, starting
 * at pfd, then does all the work that can be done now: requests, replies
 * released by inval_done() == done, events for watchers, writes. */
void control_dispatch(struct control *c, const struct pollfd *pfd, unsigned n, uint64_t done);
/* Work that needs no descriptor event: new events for watchers after a FUSE
 * store, replies released by a finished batch.  Call once per iteration
 * after anything may have changed. */
void control_work(struct control *c, uint64_t done);
/* Milliseconds until a client must be dropped (closing, idle or stalled);
 * -1: none. */
int control_timeout_ms(const struct control *c);

#endif

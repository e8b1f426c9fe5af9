/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket (docs/control-protocol.md): a Unix stream socket, mode
 * 0600, speaking JSON lines, served from the FUSE session's own
 * single-threaded loop.  Each request runs to completion inside one loop
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

/* Binds and listens at path (an existing socket nobody listens on is
 * replaced; anything else there is an error).  iv may be NULL (no FUSE
 * cache to invalidate).  NULL with a message on stderr. */
struct control *control_new(struct backend *b, const char *path, struct inval *iv,
			    control_stats_fn stats, void *stats_ctx);
/* Closes every client and the listener and removes the socket file. */
void control_free(struct control *c);

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
/* Milliseconds until a closing client must be dropped; -1: none. */
int control_timeout_ms(const struct control *c);

#endif

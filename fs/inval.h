/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Cache invalidation for the FUSE mount.  The kernel caches entries and
 * attributes for an hour (fs/fuse_fs.c), so when the machine loses a memory
 * block or a firmware-map entry its cached name must be dropped, or a stat
 * of memory32 would still succeed after the DIMM went away.  Added names
 * need nothing: a failed lookup is answered with an error, which the kernel
 * never caches (fuse_lookup: -ENOENT from the daemon -> the new negative
 * dentry gets fuse_invalidate_entry_cache()).
 *
 * What changed comes from the backend's event log, as each event is logged
 * (event_log_subscribe), and the file tree says which nodes an event touched
 * (tree_event_changes).  The notifications are sent by a thread of their
 * own: fuse_lowlevel_notify_inval_entry takes the parent directory's inode
 * lock in the kernel, and a lookup in that directory may hold it while it
 * waits for the loop; a page being read stays locked until the loop answers
 * the read.  Work is grouped in numbered batches so that a reply
 * (an op over the control socket) can be held until the names its op
 * removed are gone from the cache.
 */
#ifndef HOTPLUGFS_INVAL_H
#define HOTPLUGFS_INVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "tree.h"

struct backend;
struct fuse_session;
struct inval;

/* Where the notifications go: 0, -ENOENT (nothing was cached), or -errno. */
struct inval_sink {
	int (*entry)(void *ctx, tree_node parent, const char *name);   /* drop a name */
	int (*inode)(void *ctx, tree_node ino);    /* drop attributes, pages, dirents */
	int (*attrs)(void *ctx, tree_node ino);    /* drop attributes only */
	void *ctx;
};

/* Subscribes to b's events; the notifications go to the FUSE session.  NULL
 * with a message on stderr on failure. */
struct inval *inval_new(struct fuse_session *se, struct backend *b);
/* The same with another sink (tests). */
struct inval *inval_new_with_sink(struct backend *b, const struct inval_sink *sink);
/* Starts the notifier thread: in the process that runs the loop (after
 * fuse_daemonize's fork).  Idempotent; 0 or -errno with a message. */
int inval_start(struct inval *iv);
/*
 * Stops the notifier thread; what is still queued is dropped.  A
 * notification in progress may wait in the kernel for a lookup that only
 * the loop can answer, so serve(ctx) (if not NULL) is called to answer FUSE
 * requests until the thread has ended.  False if it did not end within 30 s: the thread
 * may still use the session, which must then not be destroyed.
 */
bool inval_stop(struct inval *iv, void (*serve)(void *ctx), void *ctx);
/* Unsubscribes and frees; the thread must have been stopped (or never run). */
void inval_free(struct inval *iv);

/* Queues the invalidation of n's attributes and cached contents (a file
 * whose contents changed: fs/page_cache.c). */
void inval_node(struct inval *iv, tree_node n);
/*
 * Drops n's attributes now, from the calling (loop) thread: for a file of
 * which the kernel holds the size but no page.  Safe where inval_node is
 * not: without an offset the kernel locks no page
 * (fuse_reverse_inval_inode(), fs/fuse/inode.c), so nothing it does waits
 * for the loop, and the store's reply needs no batch.
 */
void inval_attrs_now(struct inval *iv, tree_node n);
/* fn(ctx) is called when a batch is about to close, to queue what it
 * knows only then (the page cache's re-checked files). */
void inval_set_settle(struct inval *iv, void (*fn)(void *ctx), void *ctx);
/* Closes the current batch: the invalidations queued since the last flush
 * are done when inval_done() reaches the returned number (at once when
 * nothing was queued).  Cheap when nothing happened. */
uint64_t inval_flush(struct inval *iv);
/* An eventfd readable when a batch is done; poll it with POLLIN. */
int inval_fd(const struct inval *iv);
/* Clears the eventfd and returns the last batch done. */
uint64_t inval_done(struct inval *iv);

/* Counters for the curious (docs/control-protocol.md "stats"). */
struct inval_stats {
	uint64_t queued;      /* notifications queued */
	uint64_t sent;        /* accepted by the kernel: a cached name was dropped */
	uint64_t not_cached;  /* ENOENT: nothing was cached under that name */
	uint64_t failed;      /* any other error */
};
void inval_get_stats(const struct inval *iv, struct inval_stats *out);

#endif

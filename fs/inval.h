/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Dentry invalidation for the FUSE mount.  The kernel caches entries and
 * attributes for an hour (fs/fuse_fs.c), so when the machine loses a memory
 * block or a firmware-map entry its cached name must be dropped, or a stat
 * of memory32 would still succeed after the DIMM went away.  Added names
 * need nothing: a failed lookup is answered with an error, which the kernel
 * never caches (fuse_lookup: -ENOENT from the daemon → the new negative
 * dentry gets fuse_invalidate_entry_cache()).
 *
 * What was removed comes from the machine's event log (uevent remove, memmap
 * remove), scanned after every loop iteration.  The notifications are sent
 * by a thread of their own: fuse_lowlevel_notify_inval_entry takes the
 * parent directory's inode lock in the kernel, and a lookup in that
 * directory may hold it while it waits for the loop (notes §5.2).  Work is
 * grouped in numbered batches so the control socket can hold a reply until
 * the names its op removed are gone from the cache.
 */
#ifndef HOTPLUGFS_INVAL_H
#define HOTPLUGFS_INVAL_H

#include <stdint.h>

struct machine;
struct fuse_session;
struct inval;

/* NULL with a message on stderr on failure.  Events up to the log's current
 * last one are taken as already handled. */
struct inval *inval_new(struct fuse_session *se, struct machine *m);
/* Starts the notifier thread: in the process that runs the loop (after
 * fuse_daemonize's fork).  Idempotent; 0 or -errno with a message. */
int inval_start(struct inval *iv);
/* Stops the thread (what is still queued is dropped) and frees. */
void inval_free(struct inval *iv);

/* Queues invalidations for the names removed by the events logged since the
 * last scan.  Returns the batch that must be done before the change can be
 * called complete: inval_done() already when nothing was queued.  Cheap when
 * nothing happened (one comparison). */
uint64_t inval_scan(struct inval *iv);
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
	uint64_t overflows;   /* scans that found the event ring had wrapped */
};
void inval_get_stats(const struct inval *iv, struct inval_stats *out);

#endif

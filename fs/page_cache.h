/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's page cache of our files.  A file opened for reading only is
 * served through the page cache (FOPEN_KEEP_CACHE): the first read asks us,
 * later opens and reads do not, until the contents change.  This tracker
 * remembers which files' contents (or sizes) the kernel holds and has them
 * dropped
 * (inval_node) as soon as they may differ, in the batch of the change that
 * made them differ, so a read that starts after a change was answered never
 * sees the old contents.  What may change is the tree's word
 * (tree_cache_class):
 *   STATIC   never tracked: the same bytes for as long as the file exists,
 *            and again if it is re-created (phys_index, removable, ...);
 *   OBJECT   dropped on any event naming the file's block (its uevents and
 *            notifier calls): state, online, an online block's valid_zones;
 *   GLOBAL   re-rendered after every change and dropped if its bytes differ:
 *            an offline block's valid_zones, the hotplug parameters, ...
 * The cost of a change is the number of GLOBAL files cached, never the size
 * of the machine; a change nobody has cached anything of costs nothing.  An
 * OBJECT file of which the kernel holds only the size loses its attributes
 * at once, from the loop (inval_attrs_now), not through the thread.
 * Removing a block or a firmware-map entry also drops its STATIC files, so
 * a descriptor opened before reads ENODEV, not the old bytes.
 */
#ifndef HOTPLUGFS_PAGE_CACHE_H
#define HOTPLUGFS_PAGE_CACHE_H

#include <glib.h>

#include "tree.h"

struct backend;
struct inval;
struct page_cache;

/* Tracks b's files; invalidations go to iv.  Subscribes to b's events. */
struct page_cache *page_cache_new(struct backend *b, struct inval *iv);
void page_cache_free(struct page_cache *pc);

/* What the kernel got of a file: its length (st_size), or its contents too. */
enum page_cache_held {
	PAGE_CACHE_SIZE = 1,
	PAGE_CACHE_PAGES = 2,
};
/* The kernel got n's contents (a page-cache read) or their length (st_size):
 * they were these. */
void page_cache_seen(struct page_cache *pc, tree_node n, const GString *contents,
		     enum page_cache_held held);
/* After anything may have changed (one loop iteration): queue the drops of
 * the GLOBAL files whose contents differ now.  Cheap when nothing changed. */
void page_cache_check(struct page_cache *pc);

/* Counters for the stats: files tracked now, drops queued so far. */
struct page_cache_stats {
	unsigned object, global;
	uint64_t dropped;
};
void page_cache_get_stats(const struct page_cache *pc, struct page_cache_stats *out);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An attribute: a file's name, mode and show/store pair, as the kernel's
 * DEVICE_ATTR tables declare them.  The tables live beside the code they
 * serve (attrs_*.c), one per kind of directory; core/tree.c places them in
 * the tree and does nothing else with them.
 */
#ifndef HOTPLUGFS_ATTR_H
#define HOTPLUGFS_ATTR_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "machine.h"
#include "tree.h"

/* show(): the file's contents for obj: a block id, a memmap entry, a cpu, a
 * notifier action; for power/ files the node id of their device's directory,
 * for the other files of a fixed directory that directory's node id. */
typedef int attr_show(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		      GString *out);
/* store(): one write of len bytes; 0 or the kernel's -errno. */
typedef int attr_store(struct machine *m, uint64_t obj, const char *buf, size_t len);

struct attr {
	const char *name;
	enum tree_type type;
	mode_t mode;
	attr_show *show;
	attr_store *store;
	const char *link;        /* TREE_LINK target */
	bool (*exists)(const struct machine *m);   /* NULL: always */
	/* How its contents may change (tree.h); TREE_CACHE_GLOBAL unless said. */
	enum tree_cache cache;
	/* The class depends on the object's state (valid_zones); overrides cache. */
	enum tree_cache (*cache_class)(const struct machine *m, uint64_t obj);
};

/* A directory kind's attributes, in the order the kernel lists them. */
struct attrs {
	const struct attr *v;
	unsigned n;
};
#define ATTRS(table) { table, G_N_ELEMENTS(table) }

#define ATTR_RO(n, fn, ...) { .name = #n, .type = TREE_FILE, .mode = 0444, .show = fn, __VA_ARGS__ }
#define ATTR_RW(n, fn, st, ...) \
	{ .name = #n, .type = TREE_FILE, .mode = 0644, .show = fn, .store = st, __VA_ARGS__ }
#define ATTR_WO(n, st, ...) { .name = #n, .type = TREE_FILE, .mode = 0200, .store = st, __VA_ARGS__ }
#define ATTR_DIR(n) { .name = #n, .type = TREE_DIR, .mode = 0755 }
#define ATTR_LINK(n, target) { .name = #n, .type = TREE_LINK, .mode = 0777, .link = target }
/* Extra fields for the macros above. */
#define STATIC .cache = TREE_CACHE_STATIC
#define OBJECT .cache = TREE_CACHE_OBJECT
#define UNCACHED .cache = TREE_CACHE_NONE

static inline const struct memory_block *block_of(const struct machine *m, uint64_t id)
{
	return memory_blocks_find(&m->blocks, id);
}

/* attrs_memory.c: /sys/devices/system/memory, its blocks and power/
 * directories, the memory_hotplug parameters, /sys/firmware/memmap/N */
extern const struct attrs memory_root_attrs, block_attrs, power_attrs, memory_param_attrs,
	memmap_attrs;
enum { BLOCK_ATTR_POWER = 3 };    /* block_attrs.v[] index of power/ */
attr_show show_iomem;

/* attrs_debugfs.c: notifier-error-inject/memory/actions/X/ and hotplugfs/memoryN/ */
extern const struct attrs inject_attrs, fault_attrs;
extern const enum mem_action inject_order[];
extern const unsigned inject_order_len;

/* attrs_kexec.c: /proc files and /sys/kernel files kexec reads, cpuN/ */
extern const struct attrs proc_attrs, kernel_attrs, cpu_attrs;

#endif

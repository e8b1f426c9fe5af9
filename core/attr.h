/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An attribute: a file's name, mode and show/store pair, as the kernel's
 * DEVICE_ATTR tables declare them.  The tables live beside the code they
 * serve (attrs_*.c); core/tree.c places them in the tree.
 */
#ifndef HOTPLUGFS_ATTR_H
#define HOTPLUGFS_ATTR_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "machine.h"
#include "tree.h"

/* show(): the file's contents for obj (a block id, a memmap entry, a cpu, a
 * notifier action, or for power/ files the id of the device's directory). */
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
};

#define ATTR_RO(n, show) { #n, TREE_FILE, 0444, show, NULL, NULL, NULL }
#define ATTR_RW(n, show, store) { #n, TREE_FILE, 0644, show, store, NULL, NULL }
#define ATTR_WO(n, store) { #n, TREE_FILE, 0200, NULL, store, NULL, NULL }

static inline const struct memory_block *block_of(const struct machine *m, uint64_t id)
{
	return memory_blocks_find(&m->blocks, id);
}

/* attrs_memory.c */
extern const struct attr power_attrs[], block_attrs[], memmap_attrs[];
extern const unsigned power_attrs_len, block_attrs_len, memmap_attrs_len;
enum { BLOCK_ATTR_POWER = 3 };    /* block_attrs[] index of power/ */
attr_show show_empty, show_iomem, show_block_size, show_auto_online, show_crash_hotplug,
	show_online_policy, show_ratio, show_numa_aware, show_memmap_on_memory;
attr_store store_uevent, store_auto_online, store_online_policy, store_ratio, store_numa_aware,
	store_probe, store_hard_offline, store_soft_offline;

/* attrs_debugfs.c */
extern const struct attr inject_error_attr, fault_attrs[];
extern const unsigned fault_attrs_len;
extern const enum mem_action inject_order[];
extern const unsigned inject_order_len;

/* attrs_kexec.c */
extern const struct attr cpu_attrs[];
extern const unsigned cpu_attrs_len;
attr_show show_cmdline, show_kcore, show_kallsyms, show_kexec_loaded, show_kexec_crash_loaded,
	show_kexec_crash_size, show_vmcoreinfo;
attr_store store_kexec_crash_size;

#endif

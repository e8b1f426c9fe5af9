/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Online types and the memory-hotplug parameters
 * (/sys/module/memory_hotplug/parameters, auto_online_blocks, movable_node),
 * each enumeration with its one string table.
 */
#ifndef HOTPLUGFS_PARAMS_H
#define HOTPLUGFS_PARAMS_H

#include <stdbool.h>

#include "strtab.h"

/* MMOP_* (include/linux/memory_hotplug.h): what a store to state asks for. */
enum mmop { MMOP_OFFLINE, MMOP_ONLINE, MMOP_ONLINE_KERNEL, MMOP_ONLINE_MOVABLE };
/* online_type_to_str[] (mm/memory_hotplug.c): "offline", "online", ... */
DECLARE_STRING_TABLE_LOOKUP(mmop, enum mmop, MMOP_ONLINE_MOVABLE + 1);

/* memory_hotplug.online_policy: online_policy_to_str[] */
enum online_policy { ONLINE_POLICY_CONTIG_ZONES, ONLINE_POLICY_AUTO_MOVABLE };
DECLARE_STRING_TABLE_LOOKUP(online_policy, enum online_policy, ONLINE_POLICY_AUTO_MOVABLE + 1);

/* memory_hotplug.memmap_on_memory: N, Y, and "force" since 6.6 */
enum memmap_on_memory { MEMMAP_ON_MEMORY_N, MEMMAP_ON_MEMORY_Y, MEMMAP_ON_MEMORY_FORCE };
DECLARE_STRING_TABLE_LOOKUP(memmap_on_memory, enum memmap_on_memory,
			    MEMMAP_ON_MEMORY_FORCE + 1);

struct hotplug_params {
	enum mmop auto_online;            /* auto_online_blocks */
	enum online_policy online_policy;
	unsigned auto_movable_ratio;
	bool auto_movable_numa_aware;
	enum memmap_on_memory memmap_on_memory;
	bool movable_node;                /* "movable_node" on the command line */
};

#endif

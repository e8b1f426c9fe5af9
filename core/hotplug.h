/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Adding and removing memory (mm/memory_hotplug.c, 6.12): the
 * resource, the memory blocks and their node links, the firmware-map entry
 * for "System RAM", auto-onlining, memory groups and memmap_on_memory.
 */
#ifndef HOTPLUGFS_HOTPLUG_H
#define HOTPLUGFS_HOTPLUG_H

#include "machine.h"

/* MHP_* flags (include/linux/memory_hotplug.h) */
enum {
	MHP_NONE = 0,
	MHP_MERGE_RESOURCE = 1 << 0,
	MHP_MEMMAP_ON_MEMORY = 1 << 1,
	MHP_NID_IS_MGID = 1 << 2,
	MHP_OFFLINE_INACCESSIBLE = 1 << 3,
};

/* memory_group_register_static()/_dynamic(): the group id (>= 1) or -errno. */
int memory_group_register_static(struct machine *m, int nid, uint64_t max_pages);
int memory_group_register_dynamic(struct machine *m, int nid, uint64_t unit_pages);
/* -EBUSY while blocks of the group remain. */
int memory_group_unregister(struct machine *m, int mgid);

/* register_memory_resource(): __request_region under iomem; -EEXIST on conflict,
 * -E2BIG beyond the pluggable range.  *out is the new resource.  name must
 * outlive it (a static string or the machine's): merging compares pointers. */
int register_memory_resource(struct machine *m, uint64_t start, uint64_t size, const char *name,
			     struct resource **out);
/* add_memory_resource(): blocks, node links, firmware map, merge, auto-online. */
int add_memory_resource(struct machine *m, int nid, struct resource *res, unsigned mhp_flags);
/* __add_memory(): "System RAM" + add_memory_resource; the resource is released on failure. */
int add_memory(struct machine *m, int nid, uint64_t start, uint64_t size, unsigned mhp_flags);
/* add_memory_driver_managed(): name must be "System RAM (...)". */
int add_memory_driver_managed(struct machine *m, int nid, uint64_t start, uint64_t size,
			      const char *name, unsigned mhp_flags);
/* try_remove_memory(): -EBUSY unless every block in range is offline. */
int remove_memory(struct machine *m, uint64_t start, uint64_t size);
/* offline_and_remove_memory(): offline all (rolling back on failure), then remove. */
int offline_and_remove_memory(struct machine *m, uint64_t start, uint64_t size);

/* mhp_supports_memmap_on_memory() for a range of size bytes. */
bool supports_memmap_on_memory(const struct machine *m, uint64_t size);

/* probe_store(): one block at a physical address (CONFIG_ARCH_MEMORY_PROBE). */
int memory_probe_store(struct machine *m, const char *buf, size_t len);

#endif

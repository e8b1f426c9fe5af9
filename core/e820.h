/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The x86 e820 tables (arch/x86/kernel/e820.c, 6.1 == 6.12). */
#ifndef HOTPLUGFS_E820_H
#define HOTPLUGFS_E820_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "profile.h"

/* e820 types (arch/x86/include/asm/e820/types.h) */
enum e820_type {
	E820_TYPE_RAM = 1,
	E820_TYPE_RESERVED = 2,
	E820_TYPE_ACPI = 3,
	E820_TYPE_NVS = 4,
	E820_TYPE_UNUSABLE = 5,
	E820_TYPE_PMEM = 7,
	E820_TYPE_PRAM = 12,
	E820_TYPE_SOFT_RESERVED = 0xefffffff,
	E820_TYPE_RESERVED_KERN = 128,
};

/* e820_type_to_string(): the resource name and firmware-map type. */
const char *e820_type_to_string(uint32_t type);

/* E820_MAX_ENTRIES (arch/x86/include/asm/e820/types.h): 128 for the zero
 * page plus three per NUMA node; Debian's CONFIG_NODES_SHIFT=10 makes 3200. */
#define E820_MAX_ENTRIES (128 + 3 * MAX_NUMNODES)

/* Steps e820_sanitize() has taken since start (sort comparisons, boundaries
 * and heap moves): a statistic for tests (the model is single-threaded). */
extern uint64_t e820_sanitize_steps;

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
};

/* e820__update_table(): sorted, disjoint, adjacent equal types merged; where
 * entries overlap the larger type number wins.  A sort and one sweep. */
void e820_sanitize(GArray *table);
/* e820__range_remove(..., check_type = true): cuts [addr, addr+size) out of
 * the entries of old_type. */
void e820_remove_type(GArray *table, uint64_t addr, uint64_t size, uint32_t old_type);
/* memmap=SIZE{@,#,$,!}START (parse_memmap_one); false if malformed. */
bool e820_apply_memmap(GArray *table, const char *spec);
/* e820_type_to_iomem_type(), e820_type_to_iores_desc(), do_mark_busy() */
uint32_t e820_iomem_flags(uint32_t type);
int e820_iores_desc(uint32_t type);
bool e820_do_mark_busy(uint32_t type, uint64_t start);

#endif

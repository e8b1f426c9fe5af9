/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Zones and their spans per node; zone selection for onlining (spec §3.4). */
#ifndef HOTPLUGFS_ZONE_H
#define HOTPLUGFS_ZONE_H

#include <stdbool.h>
#include <stdint.h>

enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE, NR_ZONES,
		 ZONE_NONE = NR_ZONES /* block spans several zones or nodes */ };

/* MMOP_* (include/linux/memory_hotplug.h) */
enum mmop { MMOP_OFFLINE, MMOP_ONLINE, MMOP_ONLINE_KERNEL, MMOP_ONLINE_MOVABLE };

struct zone {
	uint64_t start, end;      /* span, inclusive; empty when end < start */
	uint64_t present;         /* bytes of online memory in the zone */
	uint64_t present_early;   /* of which boot memory (present_early_pages) */
};

static inline bool zone_is_empty(const struct zone *z)
{
	return z->end < z->start;
}
static inline bool zone_intersects(const struct zone *z, uint64_t start, uint64_t size)
{
	return !zone_is_empty(z) && start <= z->end && start + size - 1 >= z->start;
}

const char *zone_name(enum zone_type z);   /* "DMA", "DMA32", "Normal", "Movable" */
bool zone_parse(const char *s, enum zone_type *out);

#endif

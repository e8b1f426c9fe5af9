/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Zones: their spans per node, and which zone a block goes to when it is
 * onlined (zone_for_pfn_range(), mm/memory_hotplug.c) with the contig-zones
 * and auto-movable policies, and what valid_zones shows.
 */
#ifndef HOTPLUGFS_ZONE_H
#define HOTPLUGFS_ZONE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "params.h"
#include "strtab.h"

struct machine;
struct memory_block;

enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE, NR_ZONES,
		 ZONE_NONE = NR_ZONES /* block spans several zones or nodes */ };
/* "DMA", "DMA32", "Normal", "Movable", "none" */
DECLARE_STRING_TABLE_LOOKUP(zone, enum zone_type, ZONE_NONE + 1);

struct zone {
	uint64_t start, end;      /* span, inclusive; empty when end < start */
	uint64_t present;         /* bytes of online memory in the zone */
	uint64_t present_early;   /* of which boot memory (present_early_pages) */
};

static inline void zone_init_empty(struct zone *z)
{
	*z = (struct zone){ .start = 1, .end = 0 };
}
static inline bool zone_is_empty(const struct zone *z)
{
	return z->end < z->start;
}
static inline bool zone_intersects(const struct zone *z, uint64_t start, uint64_t size)
{
	return !zone_is_empty(z) && start <= z->end && start + size - 1 >= z->start;
}

/* zone_for_pfn_range(): the zone a block of group (0: none) would be onlined
 * to with this online type. */
enum zone_type zone_for_pfn_range(const struct machine *m, enum mmop type, int nid, int group,
				  uint64_t start, uint64_t size);
/* valid_zones_show(): the text without the newline, appended to out. */
void valid_zones_show(const struct machine *m, const struct memory_block *b, GString *out);
/* Zone of a boot block: the one populated zone of its node whose span meets
 * it, ZONE_NONE when several do (early_node_zone_for_memory_block, 6.12). */
enum zone_type early_zone_for_block(const struct machine *m, int nid, uint64_t start);
/* Recomputes every node's zone spans from the online blocks (and boot memory). */
void zones_recompute(struct machine *m);
/* move_pfn_range_to_zone(): an onlined block's present memory joins zone z of
 * its node (resize_zone_range, adjust_present_page_count). */
void zone_add_block(struct machine *m, struct memory_block *b, enum zone_type z);
/* remove_pfn_range_from_zone(): it leaves its zone again (shrink_zone_span);
 * the block's zone becomes ZONE_NONE. */
void zone_remove_block(struct machine *m, struct memory_block *b);
/* Boot spans straight from present memory (free_area_init). */
void zones_boot(struct machine *m);

#endif

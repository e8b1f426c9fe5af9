/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "zone.h"

#include <string.h>

#include "machine.h"
#include "units.h"

/* zone_names[] in mm/page_alloc.c; "none": valid_zones of a block that spans
 * several zones or nodes. */
const char *const zone_table[ZONE_NONE + 1] = {
	[ZONE_DMA] = "DMA", [ZONE_DMA32] = "DMA32", [ZONE_NORMAL] = "Normal",
	[ZONE_MOVABLE] = "Movable", [ZONE_NONE] = "none",
};
DEFINE_STRING_TABLE_LOOKUP(zone, enum zone_type)

static void node_zones_clear(struct numa_node *n)
{
	for (int z = 0; z < NR_ZONES; z++)
		zone_init_empty(&n->zones[z]);
}

/* The architecture's limits [lo, hi) of a kernel zone (profile_dma_limits). */
static void zone_limits(const struct profile *p, enum zone_type z, uint64_t *lo, uint64_t *hi)
{
	uint64_t dma, dma32;

	profile_dma_limits(p, &dma, &dma32);
	switch (z) {
	case ZONE_DMA: *lo = 0; *hi = dma; break;
	case ZONE_DMA32: *lo = dma; *hi = dma32; break;
	case ZONE_NORMAL: *lo = dma32; *hi = UINT64_MAX; break;
	default: *lo = *hi = 0; break;
	}
}

static void zone_extend(struct zone *z, uint64_t start, uint64_t end, bool early)
{
	if (early)
		z->present_early += end - start + 1;
	if (zone_is_empty(z)) {
		z->start = start;
		z->end = end;
	} else {
		z->start = MIN(z->start, start);
		z->end = MAX(z->end, end);
	}
	z->present += end - start + 1;
}

struct extent;

struct span_ctx {
	struct machine *m;
	int zone;          /* forced zone, or ZONE_NONE: by the arch limits */
	int nid;           /* forced node, or -1: by the NUMA ranges */
	bool early;        /* boot memory (early_section()) */
	struct extent *extent;   /* block_extent()'s result */
};

static void add_piece_to_zones(void *ctx, uint64_t start, uint64_t end, int nid)
{
	struct span_ctx *c = ctx;
	struct numa_node *n = machine_node_add(c->m, c->nid >= 0 ? c->nid : nid);

	if (c->zone != ZONE_NONE) {
		zone_extend(&n->zones[c->zone], start, end, c->early);
		return;
	}
	for (int z = ZONE_DMA; z <= ZONE_NORMAL; z++) {
		uint64_t lo, hi;

		zone_limits(&c->m->profile, z, &lo, &hi);
		if (lo >= hi || start >= hi || end < lo)
			continue;
		zone_extend(&n->zones[z], MAX(start, lo), MIN(end, hi - 1), c->early);
	}
}

/* The memory group's counters for an online block (adjust_present_page_count:
 * the whole block, vmemmap pages included). */
static void group_account(struct machine *m, const struct memory_block *b, int sign)
{
	struct memory_group *g = (struct memory_group *)machine_group(m, b->group);
	uint64_t pages = m->block_size >> PAGE_SHIFT;
	uint64_t *counter;

	if (!g)
		return;
	counter = b->zone == ZONE_MOVABLE ? &g->present_movable_pages : &g->present_kernel_pages;
	*counter = sign > 0 ? *counter + pages : *counter - pages;
}

/* A block's present memory, with the zones it counts in: its own zone and
 * node once it was onlined, or (a boot block across zones or nodes) the
 * architecture's zone limits and the NUMA ranges.  c->extent is kept. */
static void for_each_block_piece(struct machine *m, const struct memory_block *b, bool early,
				 present_piece_fn fn, struct span_ctx *c)
{
	uint64_t s = block_start(m, b);

	*c = (struct span_ctx){ .m = m, .zone = ZONE_NONE, .nid = -1, .early = early,
				.extent = c->extent };
	if (b->zone != ZONE_NONE) {
		c->zone = b->zone;
		c->nid = b->nid;
	}
	machine_for_each_present_piece(m, s, s + m->block_size - 1, fn, c);
}

/*
 * A zone spans from its first to its last online page of its node: boot
 * spans (free_area_init) and every later resize (resize_zone_range on online,
 * shrink_zone_span on offline, mm/memory_hotplug.c 6.12) keep that invariant.
 * Built from scratch at boot; zone_add_block/zone_remove_block keep it.
 */
void zones_recompute(struct machine *m)
{
	struct span_ctx c = { 0 };

	for (guint i = 0; i < m->nodes->len; i++)
		node_zones_clear(&g_array_index(m->nodes, struct numa_node, i));
	for (guint i = 0; i < m->groups->len; i++) {
		struct memory_group *g = &g_array_index(m->groups, struct memory_group, i);

		g->present_kernel_pages = g->present_movable_pages = 0;
	}
	for (size_t i = 0; i < m->blocks.n; i++) {
		const struct memory_block *b = &m->blocks.v[i];

		if (b->state == BLOCK_OFFLINE)
			continue;
		for_each_block_piece(m, b, !(b->flags & BLOCK_HOTPLUGGED), add_piece_to_zones, &c);
		group_account(m, b, +1);
	}
}

void zone_add_block(struct machine *m, struct memory_block *b, enum zone_type z)
{
	struct span_ctx c = { 0 };

	b->zone = (uint8_t)z;
	for_each_block_piece(m, b, !(b->flags & BLOCK_HOTPLUGGED), add_piece_to_zones, &c);
	group_account(m, b, +1);
}

/* Where a block's present memory lies within (nid, zone), if anywhere. */
struct extent {
	int nid;
	enum zone_type zone;
	uint64_t lo, hi;
	bool any;
};

static void extent_piece(void *ctx, uint64_t start, uint64_t end, int nid)
{
	struct span_ctx *c = ctx;
	struct extent *x = c->extent;
	uint64_t lo = 0, hi = UINT64_MAX;

	if ((c->nid >= 0 ? c->nid : nid) != x->nid)
		return;
	if (c->zone == ZONE_NONE) {
		zone_limits(&c->m->profile, x->zone, &lo, &hi);
		if (lo >= hi || start >= hi || end < lo)
			return;
		start = MAX(start, lo);
		end = MIN(end, hi - 1);
	} else if (c->zone != (int)x->zone) {
		return;
	}
	x->lo = x->any ? MIN(x->lo, start) : start;
	x->hi = x->any ? MAX(x->hi, end) : end;
	x->any = true;
}

static bool block_extent(struct machine *m, const struct memory_block *b, struct extent *x)
{
	struct span_ctx c = { .extent = x };

	for_each_block_piece(m, b, false, extent_piece, &c);
	return x->any;
}

static void subtract_piece(void *ctx, uint64_t start, uint64_t end, int nid)
{
	struct span_ctx *c = ctx;
	struct zone *z = &machine_node(c->m, c->nid >= 0 ? c->nid : nid)->zones[c->zone];

	z->present -= end - start + 1;
	if (c->early)
		z->present_early -= end - start + 1;
}

/*
 * remove_pfn_range_from_zone() -> shrink_zone_span(), mm/memory_hotplug.c
 * 6.12: the zone loses the block's pages; when they were at an edge of its
 * span, the span shrinks to the nearest online memory of the zone and node
 * (find_smallest_section_pfn / find_biggest_section_pfn scan for it, as
 * the loops below scan the blocks).
 */
void zone_remove_block(struct machine *m, struct memory_block *b)
{
	size_t at = memory_blocks_lower_bound(&m->blocks, b->id);
	struct zone *z = &machine_node(m, b->nid)->zones[b->zone];
	uint64_t s = block_start(m, b), e = s + m->block_size - 1;
	struct span_ctx c = { 0 };

	g_return_if_fail(b->zone != ZONE_NONE);
	for_each_block_piece(m, b, !(b->flags & BLOCK_HOTPLUGGED), subtract_piece, &c);
	group_account(m, b, -1);
	if (!z->present) {
		zone_init_empty(z);
	} else {
		if (z->start >= s && z->start <= e) {
			for (size_t i = at + 1; i < m->blocks.n; i++) {
				struct extent x = { .nid = b->nid, .zone = b->zone };

				if (m->blocks.v[i].state != BLOCK_OFFLINE &&
				    block_extent(m, &m->blocks.v[i], &x)) {
					z->start = x.lo;
					break;
				}
			}
		}
		if (z->end >= s && z->end <= e) {
			for (size_t i = at; i-- > 0;) {
				struct extent x = { .nid = b->nid, .zone = b->zone };

				if (m->blocks.v[i].state != BLOCK_OFFLINE &&
				    block_extent(m, &m->blocks.v[i], &x)) {
					z->end = x.hi;
					break;
				}
			}
		}
	}
	b->zone = ZONE_NONE;
}

void zones_boot(struct machine *m)
{
	struct span_ctx c = { .m = m, .zone = ZONE_NONE, .nid = -1, .early = true };

	for (guint i = 0; i < m->nodes->len; i++)
		node_zones_clear(&g_array_index(m->nodes, struct numa_node, i));
	machine_for_each_present_piece(m, 0, UINT64_MAX, add_piece_to_zones, &c);
}

static const struct zone *node_zone(const struct machine *m, int nid, enum zone_type z)
{
	static const struct zone empty = { .start = 1, .end = 0 };
	const struct numa_node *n = machine_node(m, nid);

	return n ? &n->zones[z] : &empty;
}

/* default_kernel_zone_for_pfn(), mm/memory_hotplug.c 6.1/6.12 */
static enum zone_type default_kernel_zone(const struct machine *m, int nid, uint64_t start,
					  uint64_t size)
{
	for (int z = ZONE_DMA; z < ZONE_NORMAL; z++)
		if (zone_intersects(node_zone(m, nid, z), start, size))
			return z;
	return ZONE_NORMAL;
}

enum zone_type early_zone_for_block(const struct machine *m, int nid, uint64_t start)
{
	enum zone_type found = ZONE_NONE;

	for (int z = 0; z < NR_ZONES; z++) {
		const struct zone *zone = node_zone(m, nid, z);

		if (!zone->present || !zone_intersects(zone, start, m->block_size))
			continue;
		if (found != ZONE_NONE)
			return ZONE_NONE;
		found = z;
	}
	return found;
}

/* A group's present_kernel_pages and present_movable_pages. */
static void group_pages(const struct machine *m, int id, uint64_t *kernel, uint64_t *movable)
{
	const struct memory_group *g = machine_group(m, id);

	*kernel = g ? g->present_kernel_pages : 0;
	*movable = g ? g->present_movable_pages : 0;
}

/* auto_movable_can_online_movable(), mm/memory_hotplug.c 6.12: MOVABLE may
 * grow while it stays within ratio% of the kernel zones' boot memory, over
 * all nodes (nid < 0) or one; memory in other dynamic groups counts with the
 * kernel memory it requires. */
static bool can_online_movable(const struct machine *m, int nid, const struct memory_group *group,
			       uint64_t nr_pages)
{
	uint64_t kernel_early = 0, movable = 0, req_kernel = 0, group_movable = 0, k, mv;
	unsigned ratio = m->params.auto_movable_ratio;

	for (guint i = 0; i < m->nodes->len; i++) {
		const struct numa_node *n = &g_array_index(m->nodes, struct numa_node, i);

		if (nid >= 0 && n->nid != nid)
			continue;
		for (int z = 0; z < NR_ZONES; z++) {
			if (!n->zones[z].present)
				continue;    /* populated_zone() */
			if (z == ZONE_MOVABLE)
				movable += n->zones[z].present >> PAGE_SHIFT;
			else
				kernel_early += n->zones[z].present_early >> PAGE_SHIFT;
		}
	}
	/* walk_dynamic_memory_groups(nid, auto_movable_stats_account_group, group) */
	for (guint i = 0; m->groups && i < m->groups->len; i++) {
		const struct memory_group *g = &g_array_index(m->groups, struct memory_group, i);
		int64_t pages;

		if (!g->dynamic || g == group || (nid >= 0 && g->nid != nid))
			continue;
		group_pages(m, g->id, &k, &mv);
		pages = (int64_t)(mv * 100 / ratio) - (int64_t)k;
		if (pages > 0)
			req_kernel += (uint64_t)pages;
		group_movable += mv;
	}
	if (kernel_early <= req_kernel)
		return false;
	kernel_early -= req_kernel;
	movable -= group_movable;
	if (group && group->dynamic) {
		group_pages(m, group->id, &k, &mv);
		kernel_early += k;
	}
	movable += nr_pages;
	return movable <= (uint64_t)ratio * kernel_early / 100;
}

/* auto_movable_zone_for_pfn(), mm/memory_hotplug.c 6.12 */
static enum zone_type auto_movable_zone(const struct machine *m, int nid, int group_id,
					uint64_t start, uint64_t size)
{
	const struct memory_group *group = machine_group(m, group_id);
	uint64_t nr_pages = size >> PAGE_SHIFT, max_pages = nr_pages, online = 0, k, mv;

	if (!m->params.auto_movable_ratio)
		goto kernel_zone;
	if (group && !group->dynamic) {
		/* If anything of the group is online !MOVABLE, so is the rest. */
		group_pages(m, group->id, &k, &mv);
		if (k)
			goto kernel_zone;
		max_pages = group->max_pages;
		online = mv;
	} else if (group && group->unit_pages != nr_pages) {
		/* The whole unit goes to one zone: look at what is online of it. */
		uint64_t unit = group->unit_pages << 12, first = start / unit * unit;

		max_pages = group->unit_pages;
		for (uint64_t a = first; a < first + unit; a += m->block_size) {
			const struct memory_block *b = memory_blocks_find(&m->blocks, a / m->block_size);

			if (!b || b->state == BLOCK_OFFLINE)
				continue;
			if (b->zone != ZONE_MOVABLE)
				goto kernel_zone;
			online += m->block_size >> PAGE_SHIFT;
		}
	}
	nr_pages = max_pages - online;
	if (!can_online_movable(m, -1, group, nr_pages) ||
	    (m->params.auto_movable_numa_aware && !can_online_movable(m, nid, group, nr_pages)))
		goto kernel_zone;
	return ZONE_MOVABLE;
kernel_zone:
	return default_kernel_zone(m, nid, start, size);
}

/* zone_for_pfn_range() and default_zone_for_pfn(), mm/memory_hotplug.c 6.12 */
enum zone_type zone_for_pfn_range(const struct machine *m, enum mmop type, int nid, int group,
				  uint64_t start, uint64_t size)
{
	enum zone_type kernel = default_kernel_zone(m, nid, start, size);
	bool in_kernel, in_movable;

	if (type == MMOP_ONLINE_KERNEL)
		return kernel;
	if (type == MMOP_ONLINE_MOVABLE)
		return ZONE_MOVABLE;
	if (m->params.online_policy == ONLINE_POLICY_AUTO_MOVABLE)
		return auto_movable_zone(m, nid, group, start, size);
	in_kernel = zone_intersects(node_zone(m, nid, kernel), start, size);
	in_movable = zone_intersects(node_zone(m, nid, ZONE_MOVABLE), start, size);
	if (in_kernel != in_movable)
		return in_kernel ? kernel : ZONE_MOVABLE;
	return m->params.movable_node ? ZONE_MOVABLE : kernel;
}

/* valid_zones_show(), drivers/base/memory.c 6.12 */
void valid_zones_show(const struct machine *m, const struct memory_block *b, GString *out)
{
	uint64_t start = block_start(m, b), size = m->block_size;
	enum zone_type def, kernel;

	if (b->literal_zones) {
		g_string_append(out, g_ptr_array_index(m->literals, b->literal_zones));
		return;
	}
	if (b->state == BLOCK_ONLINE) {
		/* A block spanning zones or nodes has no zone and prints "none". */
		g_string_append(out, zone_to_string(b->zone));
		return;
	}
	def = zone_for_pfn_range(m, MMOP_ONLINE, b->nid, b->group, start, size);
	g_string_append(out, zone_to_string(def));
	kernel = zone_for_pfn_range(m, MMOP_ONLINE_KERNEL, b->nid, b->group, start, size);
	if (kernel != def)
		g_string_append_printf(out, " %s", zone_to_string(kernel));
	if (def != ZONE_MOVABLE)
		g_string_append(out, " Movable");
}

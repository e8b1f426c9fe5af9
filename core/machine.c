/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "machine.h"

#include "device.h"

#include <string.h>

#define GiB (1ull << 30)
#define MiB (1ull << 20)

struct machine *machine_new(const struct profile *profile)
{
	struct machine *m = g_new0(struct machine, 1);

	m->profile = *profile;
	/* iomem_resource (kernel/resource.c): the root, never printed. */
	m->iomem = (struct resource){ .name = "PCI mem", .start = 0, .end = UINT64_MAX,
				      .flags = IORESOURCE_MEM };
	m->names = g_string_chunk_new(4096);
	firmware_map_init(&m->firmware_map);
	m->nodes = g_array_new(FALSE, TRUE, sizeof(struct numa_node));
	m->numa = g_array_new(FALSE, FALSE, sizeof(struct numa_range));
	m->present = g_array_new(FALSE, FALSE, sizeof(struct mem_range));
	m->groups = g_array_new(FALSE, FALSE, sizeof(struct memory_group));
	m->possible_nodes = g_array_new(FALSE, FALSE, sizeof(int));
	m->literal_nodes = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
						 (GDestroyNotify)g_array_unref);
	m->literals = g_ptr_array_new_with_free_func(g_free);
	m->power = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	notifier_chain_init(&m->memory_chain);
	error_inject_init(&m->inject, &m->memory_chain, 0);
	faults_init(&m->faults);
	event_log_init(&m->log);
	g_ptr_array_add(m->literals, NULL);
	m->devices = g_ptr_array_new_with_free_func((GDestroyNotify)device_free);
	return m;
}

void machine_free(struct machine *m)
{
	if (!m)
		return;
	/* Devices first: their notifiers are on the chain, their names in the pool. */
	g_ptr_array_free(m->devices, TRUE);
	for (struct resource *r = m->iomem.child, *next; r; r = next) {
		next = r->sibling;
		r->parent = r->sibling = NULL;
		resource_free(r);
	}
	g_string_chunk_free(m->names);
	firmware_map_clear(&m->firmware_map);
	memory_blocks_free(&m->blocks);
	g_array_free(m->nodes, TRUE);
	g_array_free(m->numa, TRUE);
	g_array_free(m->present, TRUE);
	g_array_free(m->groups, TRUE);
	g_array_free(m->possible_nodes, TRUE);
	g_hash_table_destroy(m->literal_nodes);
	g_ptr_array_free(m->literals, TRUE);
	g_hash_table_destroy(m->power);
	notifier_chain_clear(&m->memory_chain);
	faults_clear(&m->faults);
	event_log_clear(&m->log);
	g_free(m);
}

const char *machine_strdup(struct machine *m, const char *s)
{
	return g_string_chunk_insert(m->names, s);
}

const char *machine_intern(struct machine *m, const char *s)
{
	return g_string_chunk_insert_const(m->names, s);
}

uint16_t machine_literal(struct machine *m, const char *s)
{
	for (guint i = 1; i < m->literals->len; i++)
		if (strcmp(g_ptr_array_index(m->literals, i), s) == 0)
			return (uint16_t)i;
	g_assert(m->literals->len < UINT16_MAX);
	g_ptr_array_add(m->literals, g_strdup(s));
	return (uint16_t)(m->literals->len - 1);
}

void machine_log_iomem(struct machine *m, enum change c, const struct resource *r)
{
	struct event *e = event_log_add(&m->log, EVENT_IOMEM);

	e->change = c;
	e->start = r->start;
	e->end = r->end;
	e->name = r->name ? r->name : "<BAD>";
}

void machine_log_firmware_map(struct machine *m, enum change c, const struct firmware_map_entry *fe)
{
	struct event *e = event_log_add(&m->log, EVENT_FIRMWARE_MAP);

	e->change = c;
	e->nr = fe->nr;
	e->start = fe->start;
	e->end = fe->end;
	e->name = fe->type;
}

struct numa_node *machine_node(const struct machine *m, int nid)
{
	for (guint i = 0; i < m->nodes->len; i++) {
		struct numa_node *n = &g_array_index(m->nodes, struct numa_node, i);

		if (n->nid == nid)
			return n;
	}
	return NULL;
}

static void zones_clear(struct numa_node *n)
{
	for (int z = 0; z < NR_ZONES; z++)
		n->zones[z] = (struct zone){ .start = 1, .end = 0 };
}

struct numa_node *machine_node_add(struct machine *m, int nid)
{
	struct numa_node *n = machine_node(m, nid);
	guint i = 0;

	if (n)
		return n;
	while (i < m->nodes->len && g_array_index(m->nodes, struct numa_node, i).nid < nid)
		i++;
	struct numa_node fresh = { .nid = nid };

	zones_clear(&fresh);
	g_array_insert_val(m->nodes, i, fresh);
	return &g_array_index(m->nodes, struct numa_node, i);
}

bool machine_node_possible(const struct machine *m, int nid)
{
	if (nid < 0 || nid >= MAX_NUMNODES)
		return false;
	if (machine_node(m, nid))
		return true;
	for (guint i = 0; i < m->possible_nodes->len; i++)
		if (g_array_index(m->possible_nodes, int, i) == nid)
			return true;
	return false;
}

int machine_nid_of(const struct machine *m, uint64_t addr)
{
	for (guint i = 0; i < m->numa->len; i++) {
		const struct numa_range *r = &g_array_index(m->numa, struct numa_range, i);

		if (addr >= r->start && addr <= r->end)
			return r->nid;
	}
	/* Addresses outside every SRAT range: early_pfn_to_nid() falls back to 0. */
	return 0;
}

/* Calls fn for each piece of present memory in [start, end], split at NUMA
 * range boundaries, with the owning node. */
typedef void (*piece_fn)(void *ctx, uint64_t start, uint64_t end, int nid);

static void for_each_present_piece(const struct machine *m, uint64_t start, uint64_t end,
				   piece_fn fn, void *ctx)
{
	for (guint i = 0; i < m->present->len; i++) {
		const struct mem_range *p = &g_array_index(m->present, struct mem_range, i);
		uint64_t s = MAX(p->start, start), e = MIN(p->end, end);

		if (s > e)
			continue;
		while (s <= e) {
			int nid = machine_nid_of(m, s);
			uint64_t piece_end = e;

			for (guint j = 0; j < m->numa->len; j++) {
				const struct numa_range *r =
					&g_array_index(m->numa, struct numa_range, j);

				if (r->start > s && r->start - 1 < piece_end)
					piece_end = r->start - 1;
				if (s >= r->start && s <= r->end && r->end < piece_end)
					piece_end = r->end;
			}
			fn(ctx, s, piece_end, nid);
			if (piece_end == UINT64_MAX)
				break;
			s = piece_end + 1;
		}
	}
}

void machine_present_add(struct machine *m, uint64_t start, uint64_t end)
{
	guint i = 0;
	struct mem_range r = { .start = start, .end = end };

	while (i < m->present->len && g_array_index(m->present, struct mem_range, i).start < start)
		i++;
	g_array_insert_val(m->present, i, r);
	/* Merge touching neighbours so ranges stay disjoint and maximal. */
	for (i = 0; i + 1 < m->present->len;) {
		struct mem_range *a = &g_array_index(m->present, struct mem_range, i);
		const struct mem_range *b = a + 1;

		if (a->end != UINT64_MAX && a->end + 1 >= b->start) {
			a->end = MAX(a->end, b->end);
			g_array_remove_index(m->present, i + 1);
		} else {
			i++;
		}
	}
}

void machine_present_remove(struct machine *m, uint64_t start, uint64_t end)
{
	for (guint i = 0; i < m->present->len; i++) {
		struct mem_range *p = &g_array_index(m->present, struct mem_range, i);

		if (p->end < start || p->start > end)
			continue;
		if (p->start < start && p->end > end) {
			struct mem_range tail = { .start = end + 1, .end = p->end };

			p->end = start - 1;
			g_array_insert_val(m->present, i + 1, tail);
			return;
		}
		if (p->start < start) {
			p->end = start - 1;
		} else if (p->end > end) {
			p->start = end + 1;
		} else {
			g_array_remove_index(m->present, i);
			i--;
		}
	}
}

static void count_bytes(void *ctx, uint64_t start, uint64_t end, int nid)
{
	(void)nid;
	*(uint64_t *)ctx += end - start + 1;
}

uint64_t machine_present_bytes(const struct machine *m, uint64_t start, uint64_t size)
{
	uint64_t total = 0;

	for_each_present_piece(m, start, start + size - 1, count_bytes, &total);
	return total;
}

struct node_set {
	int *nids;
	int n, max;
};

static void collect_node(void *ctx, uint64_t start, uint64_t end, int nid)
{
	struct node_set *set = ctx;
	int i = 0;

	(void)start, (void)end;
	while (i < set->n && set->nids[i] < nid)
		i++;
	if ((i < set->n && set->nids[i] == nid) || set->n == set->max)
		return;
	memmove(&set->nids[i + 1], &set->nids[i], (size_t)(set->n - i) * sizeof(int));
	set->nids[i] = nid;
	set->n++;
}

int block_nodes(const struct machine *m, const struct memory_block *b, int *nids, int max)
{
	struct node_set set = { .nids = nids, .max = max };

	const GArray *captured;

	if (!(b->flags & BLOCK_MULTI_NODE)) {
		nids[0] = b->nid;
		return 1;
	}
	captured = g_hash_table_lookup(m->literal_nodes, &b->id);
	if (captured) {
		for (guint i = 0; i < captured->len && (int)i < max; i++)
			nids[i] = g_array_index(captured, int, i);
		return MIN((int)captured->len, max);
	}
	for_each_present_piece(m, block_start(m, b), block_start(m, b) + m->block_size - 1,
			       collect_node, &set);
	return set.n;
}

/* Zone limits [lo, hi) of the kernel zones per architecture: x86_64
 * MAX_DMA_PFN 16 MiB and MAX_DMA32_PFN 4 GiB; s390 ZONE_DMA below 2 GiB;
 * arm64 ZONE_DMA below 4 GiB with an empty DMA32 (zone_dma_bits 32). */
static void zone_limits(enum arch arch, enum zone_type z, uint64_t *lo, uint64_t *hi)
{
	uint64_t dma = 16 * MiB, dma32 = 4 * GiB;

	if (arch == ARCH_S390X)
		dma = dma32 = 2 * GiB;
	else if (arch == ARCH_AARCH64)
		dma = dma32 = 4 * GiB;
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

struct span_ctx {
	struct machine *m;
	int zone;          /* forced zone, or ZONE_NONE: by the arch limits */
	int nid;           /* forced node, or -1: by the NUMA ranges */
	bool early;        /* boot memory (early_section()) */
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

		zone_limits(c->m->profile.arch, z, &lo, &hi);
		if (lo >= hi || start >= hi || end < lo)
			continue;
		zone_extend(&n->zones[z], MAX(start, lo), MIN(end, hi - 1), c->early);
	}
}

/*
 * A zone spans from its first to its last online page of its node: boot
 * spans (free_area_init) and every later resize (resize_zone_range on online,
 * shrink_zone_span on offline, mm/memory_hotplug.c 6.12) keep that invariant.
 */
void machine_recompute_zones(struct machine *m)
{
	for (guint i = 0; i < m->nodes->len; i++)
		zones_clear(&g_array_index(m->nodes, struct numa_node, i));
	for (size_t i = 0; i < m->blocks.n; i++) {
		const struct memory_block *b = &m->blocks.v[i];
		struct span_ctx c = { .m = m, .zone = ZONE_NONE, .nid = -1,
				      .early = !(b->flags & BLOCK_HOTPLUGGED) };
		uint64_t s = block_start(m, b);

		if (b->state == BLOCK_OFFLINE)
			continue;
		if (b->zone != ZONE_NONE) {
			c.zone = b->zone;
			c.nid = b->nid;
		}
		for_each_present_piece(m, s, s + m->block_size - 1, add_piece_to_zones, &c);
	}
}

void machine_boot_zones(struct machine *m)
{
	struct span_ctx c = { .m = m, .zone = ZONE_NONE, .nid = -1, .early = true };

	for (guint i = 0; i < m->nodes->len; i++)
		zones_clear(&g_array_index(m->nodes, struct numa_node, i));
	for_each_present_piece(m, 0, UINT64_MAX, add_piece_to_zones, &c);
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

enum zone_type machine_early_zone(const struct machine *m, int nid, uint64_t start)
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

const struct memory_group *machine_group(const struct machine *m, int id)
{
	for (guint i = 0; m->groups && i < m->groups->len; i++) {
		const struct memory_group *g = &g_array_index(m->groups, struct memory_group, i);

		if (g->id == id)
			return g;
	}
	return NULL;
}

/* A group's present_kernel_pages and present_movable_pages: its online
 * blocks (vmemmap pages included, as adjust_present_page_count counts them). */
static void group_pages(const struct machine *m, int id, uint64_t *kernel, uint64_t *movable)
{
	*kernel = *movable = 0;
	for (size_t i = 0; i < m->blocks.n; i++) {
		const struct memory_block *b = &m->blocks.v[i];

		if (b->group != id || b->state == BLOCK_OFFLINE)
			continue;
		if (b->zone == ZONE_MOVABLE)
			*movable += m->block_size >> 12;
		else
			*kernel += m->block_size >> 12;
	}
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
				movable += n->zones[z].present >> 12;
			else
				kernel_early += n->zones[z].present_early >> 12;
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
	uint64_t nr_pages = size >> 12, max_pages = nr_pages, online = 0, k, mv;

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
			online += m->block_size >> 12;
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
enum zone_type machine_zone_for_range(const struct machine *m, enum mmop type, int nid, int group,
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
void machine_valid_zones(const struct machine *m, const struct memory_block *b, GString *out)
{
	uint64_t start = block_start(m, b), size = m->block_size;
	enum zone_type def, kernel;

	if (b->literal_zones) {
		g_string_append(out, g_ptr_array_index(m->literals, b->literal_zones));
		return;
	}
	if (b->state == BLOCK_ONLINE) {
		/* A block spanning zones or nodes has no zone and prints "none". */
		g_string_append(out, zone_name(b->zone));
		return;
	}
	def = machine_zone_for_range(m, MMOP_ONLINE, b->nid, b->group, start, size);
	g_string_append(out, zone_name(def));
	kernel = machine_zone_for_range(m, MMOP_ONLINE_KERNEL, b->nid, b->group, start, size);
	if (kernel != def)
		g_string_append_printf(out, " %s", zone_name(kernel));
	if (def != ZONE_MOVABLE)
		g_string_append(out, " Movable");
}

static const char *const mmop_names[] = {
	[MMOP_OFFLINE] = "offline",
	[MMOP_ONLINE] = "online",
	[MMOP_ONLINE_KERNEL] = "online_kernel",
	[MMOP_ONLINE_MOVABLE] = "online_movable",
};

const char *mmop_name(enum mmop t)
{
	return mmop_names[t];
}

/* sysfs_streq(): equal, except that one trailing newline on either side is
 * ignored.  daxctl also writes the terminating NUL, which the kernel's
 * NUL-terminated buffer absorbs. */
bool sysfs_streq_len(const char *buf, size_t len, const char *word)
{
	size_t wl = strlen(word);

	len = strnlen(buf, len);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	return len == wl && memcmp(buf, word, wl) == 0;
}

bool mmop_parse(const char *buf, size_t len, enum mmop *out)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(mmop_names); i++) {
		if (sysfs_streq_len(buf, len, mmop_names[i])) {
			*out = (enum mmop)i;
			return true;
		}
	}
	return false;
}

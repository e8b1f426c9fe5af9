/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "machine.h"

#include <string.h>


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
	m->literal_fw_nodes = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	m->literals = g_ptr_array_new_with_free_func(g_free);
	m->power = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	g_mutex_init(&m->kexec.lock);
	notifier_chain_init(&m->memory_chain);
	error_inject_init(&m->inject, &m->memory_chain, 0);
	faults_init(&m->faults);
	event_log_init(&m->log);
	g_ptr_array_add(m->literals, NULL);
	/* Owned by core/device.c, which sets the free function. */
	m->devices = g_ptr_array_new();
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
	g_hash_table_destroy(m->literal_fw_nodes);
	g_ptr_array_free(m->literals, TRUE);
	g_hash_table_destroy(m->power);
	notifier_chain_clear(&m->memory_chain);
	faults_clear(&m->faults);
	event_log_clear(&m->log);
	g_mutex_clear(&m->kexec.lock);
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
	event_log_add(&m->log, (struct event){ .kind = EVENT_IOMEM, .change = c, .start = r->start,
					      .end = r->end, .name = r->name ? r->name : "<BAD>" });
}

void machine_log_firmware_map(struct machine *m, enum change c, const struct firmware_map_entry *fe)
{
	event_log_add(&m->log, (struct event){ .kind = EVENT_FIRMWARE_MAP, .change = c, .nr = fe->nr,
					      .start = fe->start, .end = fe->end, .name = fe->type });
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

struct numa_node *machine_node_add(struct machine *m, int nid)
{
	struct numa_node *n = machine_node(m, nid);
	guint i = 0;

	if (n)
		return n;
	while (i < m->nodes->len && g_array_index(m->nodes, struct numa_node, i).nid < nid)
		i++;
	struct numa_node fresh = { .nid = nid };

	for (int z = 0; z < NR_ZONES; z++)
		zone_init_empty(&fresh.zones[z]);
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

/* The NUMA range holding addr, or the first one after it (m->numa is
 * ascending and disjoint: a binary search, for machines of many ranges);
 * m->numa->len if none. */
static guint numa_from(const struct machine *m, uint64_t addr)
{
	guint lo = 0, hi = m->numa->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(m->numa, struct numa_range, mid).end < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The same for the present ranges (ascending, disjoint). */
static guint present_from(const struct machine *m, uint64_t addr)
{
	guint lo = 0, hi = m->present->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(m->present, struct mem_range, mid).end < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int machine_nid_of(const struct machine *m, uint64_t addr)
{
	guint i = numa_from(m, addr);

	if (i < m->numa->len && g_array_index(m->numa, struct numa_range, i).start <= addr)
		return g_array_index(m->numa, struct numa_range, i).nid;
	/* Addresses outside every SRAT range: early_pfn_to_nid() falls back to 0. */
	return 0;
}

/* Pieces of [start, end] that are present and within one node: the present
 * ranges from the first reaching start, each cut at NUMA boundaries. */
void machine_for_each_present_piece(const struct machine *m, uint64_t start, uint64_t end,
				    present_piece_fn fn, void *ctx)
{
	for (guint i = present_from(m, start); i < m->present->len; i++) {
		const struct mem_range *p = &g_array_index(m->present, struct mem_range, i);
		uint64_t s = MAX(p->start, start), e = MIN(p->end, end);

		if (p->start > end)
			break;
		while (s <= e) {
			guint k = numa_from(m, s);
			uint64_t piece_end = e;
			int nid = 0;

			if (k < m->numa->len) {
				const struct numa_range *r = &g_array_index(m->numa, struct numa_range, k);

				if (r->start <= s) {
					nid = r->nid;
					piece_end = MIN(e, r->end);
				} else {
					piece_end = MIN(e, r->start - 1);
				}
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

	machine_for_each_present_piece(m, start, start + size - 1, count_bytes, &total);
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
	machine_for_each_present_piece(m, block_start(m, b), block_start(m, b) + m->block_size - 1,
			       collect_node, &set);
	return set.n;
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Chooses the bands the address map draws, within MAP_MAX_* (map_bands.h). */
#include <stdlib.h>
#include <string.h>

#include "map_bands.h"

/* ----------------------------------------------------------------- resources */

static uint64_t resource_size(const struct map_resource *r)
{
	return r->end - r->start;             /* minus one: cannot overflow */
}

/* Larger first; among equals, earlier first. */
static int compare_by_size(gconstpointer a, gconstpointer b, gpointer data)
{
	const GArray *rs = data;
	guint i = *(const guint *)a, j = *(const guint *)b;
	uint64_t x = resource_size(&g_array_index(rs, struct map_resource, i));
	uint64_t y = resource_size(&g_array_index(rs, struct map_resource, j));

	return x != y ? (x < y) - (x > y) : (i > j) - (i < j);
}

/*
 * Whole nesting levels, deepest left out first: a level is drawn only with
 * all its parents.  With more top-level resources than the bound, the largest
 * of them (a machine's RAM rather than its APICs), in address order.
 */
static void choose_resources(const struct map_model *model, struct map_bands *bands)
{
	const GArray *rs = model->resources;
	guint per_depth[MAP_MAX_DEPTH] = { 0 }, total = 0;
	g_autofree bool *keep = g_new0(bool, rs->len + 1);
	unsigned depths = 0;

	for (guint i = 0; i < rs->len; i++) {
		const struct map_resource *r = &g_array_index(rs, struct map_resource, i);

		if (r->depth < MAP_MAX_DEPTH)
			per_depth[r->depth]++;
	}
	while (depths < MAP_MAX_DEPTH && per_depth[depths] &&
	       total + per_depth[depths] <= MAP_MAX_RESOURCES)
		total += per_depth[depths++];
	if (depths) {
		for (guint i = 0; i < rs->len; i++)
			keep[i] = g_array_index(rs, struct map_resource, i).depth < depths;
	} else if (rs->len) {
		g_autoptr(GArray) top = g_array_new(FALSE, FALSE, sizeof(guint));

		for (guint i = 0; i < rs->len; i++)
			if (g_array_index(rs, struct map_resource, i).depth == 0)
				g_array_append_val(top, i);
		g_array_sort_with_data(top, compare_by_size, (gpointer)rs);
		for (guint k = 0; k < MAP_MAX_RESOURCES; k++)
			keep[g_array_index(top, guint, k)] = true;
		depths = 1;
		bands->top_level_cut = true;
	}
	for (guint i = 0; i < rs->len; i++)
		if (keep[i])
			g_ptr_array_add(bands->resources, &g_array_index(rs, struct map_resource, i));
	bands->depths = depths;
	bands->resources_left_out = rs->len - bands->resources->len;
}

/* ------------------------------------------------------------- memory blocks */

static uint64_t run_end(const struct map_block_run *r)
{
	return r->first + r->count;                   /* exclusive */
}

uint64_t map_band_blocks_in_run(const struct map_model *model, const struct map_block_band *band,
				guint i)
{
	const struct map_block_run *r = &g_array_index(model->runs, struct map_block_run, i);
	uint64_t lo = MAX(r->first, band->first), hi = MIN(run_end(r) - 1, band->last);

	return lo <= hi ? hi - lo + 1 : 0;
}

static int compare_uint(gconstpointer a, gconstpointer b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return (x > y) - (x < y);
}

/* "0,1": the nodes of runs first..last, each once, ascending. */
static char *union_of_nodes(const struct map_model *model, guint first, guint last)
{
	g_autoptr(GArray) nids = g_array_new(FALSE, FALSE, sizeof(unsigned));
	GString *s = g_string_new(NULL);

	for (guint i = first; i <= last; i++) {
		const struct map_block_run *r = &g_array_index(model->runs, struct map_block_run, i);
		g_auto(GStrv) parts = g_strsplit(r->nodes, ",", -1);

		for (guint k = 0; parts[k] && *parts[k]; k++) {
			unsigned nid = (unsigned)strtoul(parts[k], NULL, 10);

			g_array_append_val(nids, nid);
		}
	}
	g_array_sort(nids, compare_uint);
	for (guint i = 0; i < nids->len; i++)
		if (!i || g_array_index(nids, unsigned, i) != g_array_index(nids, unsigned, i - 1))
			g_string_append_printf(s, "%s%u", s->len ? "," : "",
					       g_array_index(nids, unsigned, i));
	return g_string_free(s, FALSE);
}

static void add_block_band(const struct map_model *model, struct map_bands *bands,
			   uint64_t first, uint64_t last, guint run_first, guint run_last)
{
	struct map_block_band b = { first, last, 0, 0, run_first, run_last, run_first != run_last,
				    union_of_nodes(model, run_first, run_last) };
	struct map_block_run span = { .first = first, .count = last - first + 1 };

	map_run_range(model, &span, &b.start, &b.end);
	g_array_append_val(bands->blocks, b);
}

/* A group that run k alone fills, right after the band of run k: it grows. */
static bool continues_band(const struct map_model *model, struct map_bands *bands, guint k,
			   uint64_t pos, uint64_t end)
{
	struct map_block_band *prev;
	struct map_block_run span;

	if (!bands->blocks->len)
		return false;
	prev = &g_array_index(bands->blocks, struct map_block_band, bands->blocks->len - 1);
	if (prev->mixed || prev->run_first != k || prev->last + 1 != pos)
		return false;
	prev->last = end - 1;
	span = (struct map_block_run){ .first = prev->first, .count = end - prev->first };
	map_run_range(model, &span, &prev->start, &prev->end);
	return true;
}

/*
 * One band per run while there are at most MAP_MAX_BLOCK_BANDS runs.  Beyond,
 * the block numbers are cut into aligned groups of `group` blocks (a power of
 * two, so that at most MAP_MAX_BLOCK_BANDS groups hold blocks): a group that
 * one run fills alone stays part of that run's band, a group holding several
 * runs becomes one mixed band.
 */
static void choose_blocks(const struct map_model *model, struct map_bands *bands)
{
	const GArray *runs = model->runs;
	uint64_t group = 1, last_id, pos;
	guint k = 0;

	if (!runs->len)
		return;
	last_id = run_end(&g_array_index(runs, struct map_block_run, runs->len - 1)) - 1;
	if (runs->len > MAP_MAX_BLOCK_BANDS)
		while (last_id / group >= MAP_MAX_BLOCK_BANDS)
			group *= 2;
	bands->blocks_per_group = group;
	if (group == 1) {
		for (guint i = 0; i < runs->len; i++) {
			const struct map_block_run *r = &g_array_index(runs, struct map_block_run, i);

			add_block_band(model, bands, r->first, run_end(r) - 1, i, i);
		}
		return;
	}
	pos = g_array_index(runs, struct map_block_run, 0).first;
	while (k < runs->len) {
		const struct map_block_run *r = &g_array_index(runs, struct map_block_run, k);
		uint64_t group_end, end;
		guint j = k;

		pos = MAX(pos, r->first);
		/* no overflow: last_id / group < MAP_MAX_BLOCK_BANDS */
		group_end = pos - pos % group + group;
		while (j + 1 < runs->len &&
		       g_array_index(runs, struct map_block_run, j + 1).first < group_end)
			j++;
		end = MIN(run_end(&g_array_index(runs, struct map_block_run, j)), group_end);
		if (j > k || !continues_band(model, bands, k, pos, end))
			add_block_band(model, bands, pos, end - 1, k, j);
		pos = group_end;
		while (k < runs->len && run_end(&g_array_index(runs, struct map_block_run, k)) <= pos)
			k++;
	}
}

static void choose_nodes(struct map_bands *bands)
{
	for (guint i = 0; i < bands->blocks->len; i++) {
		const struct map_block_band *b = &g_array_index(bands->blocks, struct map_block_band, i);
		struct map_node_band *prev = bands->nodes->len ?
			&g_array_index(bands->nodes, struct map_node_band, bands->nodes->len - 1) : NULL;

		if (prev && prev->end == b->start && strcmp(prev->nodes, b->nodes) == 0) {
			prev->end = b->end;
		} else {
			struct map_node_band n = { b->start, b->end, g_strdup(b->nodes) };

			g_array_append_val(bands->nodes, n);
		}
	}
}

static void block_band_clear(gpointer p)
{
	g_free(((struct map_block_band *)p)->nodes);
}

static void node_band_clear(gpointer p)
{
	g_free(((struct map_node_band *)p)->nodes);
}

void map_bands_build(const struct map_model *model, struct map_bands *bands)
{
	*bands = (struct map_bands){ 0 };
	bands->resources = g_ptr_array_new();
	bands->blocks = g_array_new(FALSE, FALSE, sizeof(struct map_block_band));
	g_array_set_clear_func(bands->blocks, block_band_clear);
	bands->nodes = g_array_new(FALSE, FALSE, sizeof(struct map_node_band));
	g_array_set_clear_func(bands->nodes, node_band_clear);
	bands->blocks_per_group = 1;
	choose_resources(model, bands);
	choose_blocks(model, bands);
	choose_nodes(bands);
}

void map_bands_clear(struct map_bands *bands)
{
	g_clear_pointer(&bands->resources, g_ptr_array_unref);
	g_clear_pointer(&bands->blocks, g_array_unref);
	g_clear_pointer(&bands->nodes, g_array_unref);
}

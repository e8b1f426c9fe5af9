/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The piecewise logarithmic scale of the address map (map_scale.h). */
#include "map_scale.h"

/* log2(x) in 1/256ths, linear between powers of two (off by < 0.09): integer
 * arithmetic, so the same input draws the same bytes on every machine. */
static uint64_t log2_256(uint64_t x)
{
	unsigned msb = 63 - (unsigned)__builtin_clzll(x);
	uint64_t rest = x - (UINT64_C(1) << msb);
	uint64_t frac = msb >= 8 ? rest >> (msb - 8) : (rest << 8) >> msb;

	return 256 * (uint64_t)msb + frac;
}

int map_scale_piece_px(uint64_t size)
{
	uint64_t l;

	if (size <= MAP_SCALE_PAGE)
		return MAP_SCALE_MIN_PX;
	l = log2_256(size) - log2_256(MAP_SCALE_PAGE);
	return MAP_SCALE_MIN_PX + (int)((l * MAP_SCALE_DOUBLING_PX + 128) / 256);
}

static int compare_u64(gconstpointer a, gconstpointer b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Index of the last cut <= addr. */
static guint cut_index(const struct map_scale *scale, uint64_t addr)
{
	guint lo = 0, hi = scale->cuts->len;

	while (hi - lo > 1) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index(scale->cuts, uint64_t, mid) <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static void add_range(GArray *cuts, uint64_t start, uint64_t end)
{
	g_array_append_val(cuts, start);
	g_array_append_val(cuts, end);
}

/* Sets and clears flags on the pieces inside [start, end). */
static void mark(struct map_scale *scale, uint64_t start, uint64_t end, guint8 set, guint8 clear)
{
	for (guint i = cut_index(scale, start); i + 1 < scale->cuts->len; i++) {
		if (g_array_index(scale->cuts, uint64_t, i) >= end)
			break;
		g_array_index(scale->pieces, guint8, i) =
			(g_array_index(scale->pieces, guint8, i) | set) & ~clear;
	}
}

void map_scale_build(const struct map_model *model, const struct map_bands *bands,
		     struct map_scale *scale)
{
	GArray *cuts = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	guint n = 0;
	int y = 0;

	*scale = (struct map_scale){ .cuts = cuts };
	for (guint i = 0; i < bands->resources->len; i++) {
		const struct map_resource *r = g_ptr_array_index(bands->resources, i);

		add_range(cuts, r->start, map_exclusive_end(r->end));
	}
	for (guint i = 0; i < bands->blocks->len; i++) {
		const struct map_block_band *b = &g_array_index(bands->blocks, struct map_block_band, i);

		add_range(cuts, b->start, b->end);
	}
	g_array_sort(cuts, compare_u64);
	for (guint i = 0; i < cuts->len; i++)
		if (!n || g_array_index(cuts, uint64_t, i) != g_array_index(cuts, uint64_t, n - 1))
			g_array_index(cuts, uint64_t, n++) = g_array_index(cuts, uint64_t, i);
	g_array_set_size(cuts, n);

	scale->pieces = g_array_sized_new(FALSE, FALSE, sizeof(guint8), n);
	for (guint i = 0; i + 1 < n; i++) {
		guint8 hole = MAP_PIECE_HOLE;

		g_array_append_val(scale->pieces, hole);
	}
	for (guint i = 0; i < model->resources->len; i++) {
		const struct map_resource *r = &g_array_index(model->resources, struct map_resource, i);

		if (r->depth == 0)
			mark(scale, r->start, map_exclusive_end(r->end), 0, MAP_PIECE_HOLE);
	}
	for (guint i = 0; i < bands->blocks->len; i++) {
		const struct map_block_band *b = &g_array_index(bands->blocks, struct map_block_band, i);

		mark(scale, b->start, b->end, MAP_PIECE_BLOCKS,
		     model->resources->len ? 0 : MAP_PIECE_HOLE);
	}

	scale->ys = g_array_sized_new(FALSE, FALSE, sizeof(int), n);
	for (guint i = 0; i < n; i++) {
		g_array_append_val(scale->ys, y);
		if (i + 1 < n)
			y += g_array_index(scale->pieces, guint8, i) & MAP_PIECE_HOLE ?
				MAP_SCALE_HOLE_PX :
				map_scale_piece_px(g_array_index(cuts, uint64_t, i + 1) -
						   g_array_index(cuts, uint64_t, i));
	}
	scale->height = y;
}

void map_scale_clear(struct map_scale *scale)
{
	g_clear_pointer(&scale->cuts, g_array_unref);
	g_clear_pointer(&scale->ys, g_array_unref);
	g_clear_pointer(&scale->pieces, g_array_unref);
}

int map_scale_y(const struct map_scale *scale, uint64_t addr)
{
	return scale->cuts->len ? g_array_index(scale->ys, int, cut_index(scale, addr)) : 0;
}

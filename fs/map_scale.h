/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vertical scale of the address map, piecewise: the address space is cut
 * at every start and end of a drawn band, and each piece between two cuts gets
 * a height that grows with the logarithm of its size, so that a 1 KiB IOAPIC
 * and 4 TiB of RAM are both visible and every piece has room for a line of
 * text.  Every edge drawn is a cut, so nothing needs a position inside a
 * piece.  A hole (a piece that no resource covers; without /proc/iomem, one
 * that no memory block covers) gets a fixed, small height.
 */
#ifndef HOTPLUGFS_MAP_SCALE_H
#define HOTPLUGFS_MAP_SCALE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "map_bands.h"

#define MAP_SCALE_PAGE 4096            /* pieces of this size or less are the shortest */
#define MAP_SCALE_MIN_PX 16            /* ... and this tall: one line of text */
#define MAP_SCALE_DOUBLING_PX 2        /* each doubling of the size beyond adds this */
#define MAP_SCALE_HOLE_PX 24           /* any hole */

enum {
	MAP_PIECE_HOLE = 1,            /* no top-level resource (or block) is there */
	MAP_PIECE_BLOCKS = 2,          /* a memory block is there */
};

struct map_scale {
	GArray *cuts;                  /* uint64_t, ascending, distinct */
	GArray *ys;                    /* int, the y of each cut; ys[0] = 0 */
	GArray *pieces;                /* guint8 MAP_PIECE_*, per piece [cuts[i], cuts[i + 1]) */
	int height;                    /* y of the last cut */
};

/* Cuts at the edges of the bands; holes where none of the model's top-level
 * resources (drawn or not) is. */
void map_scale_build(const struct map_model *model, const struct map_bands *bands,
		     struct map_scale *scale);
void map_scale_clear(struct map_scale *scale);

/* The y of a cut (of the last cut below, for any other address). */
int map_scale_y(const struct map_scale *scale, uint64_t addr);
/* The height of a piece of size bytes that is not a hole. */
int map_scale_piece_px(uint64_t size);

/* A range's end + 1, saturating: cuts are exclusive ends. */
static inline uint64_t map_exclusive_end(uint64_t end)
{
	return end == UINT64_MAX ? end : end + 1;
}

#endif

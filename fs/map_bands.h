/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the address map draws, within fixed bounds whatever the machine: at
 * most MAP_MAX_RESOURCES resources (whole nesting levels are left out, deepest
 * first, to stay below it; of more top-level ones, the largest) and at most
 * MAP_MAX_BLOCK_BANDS bands of memory blocks (runs of equal state, zone and nodes; where there would be more,
 * aligned groups of blocks holding several runs become one "mixed" band that
 * counts them).  Everything else in the picture grows with these two numbers.
 */
#ifndef HOTPLUGFS_MAP_BANDS_H
#define HOTPLUGFS_MAP_BANDS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "map_model.h"

#define MAP_MAX_RESOURCES 512
#define MAP_MAX_DEPTH 8               /* nesting levels drawn at most */
#define MAP_MAX_BLOCK_BANDS 256

/* Blocks first..last (phys_index), drawn as one band over [start, end). */
struct map_block_band {
	uint64_t first, last;
	uint64_t start, end;
	guint run_first, run_last;    /* the model's runs it covers (clipped to first..last) */
	bool mixed;                   /* more than one run */
	char *nodes;                  /* the nodes of its blocks, e.g. "0" or "0,1" */
};

/* Adjacent block bands of the same nodes. */
struct map_node_band {
	uint64_t start, end;
	char *nodes;
};

struct map_bands {
	GPtrArray *resources;         /* const struct map_resource *, the drawn ones, in order */
	unsigned depths;              /* nesting levels among them */
	guint resources_left_out;
	bool top_level_cut;           /* some top-level ones too (the smallest) */
	GArray *blocks;               /* struct map_block_band, ascending */
	GArray *nodes;                /* struct map_node_band, ascending */
	uint64_t blocks_per_group;    /* 1, or the size of the groups mixed bands stand for */
};

void map_bands_build(const struct map_model *model, struct map_bands *bands);
void map_bands_clear(struct map_bands *bands);

/* Blocks of band in run i of the model (0 when they do not meet). */
uint64_t map_band_blocks_in_run(const struct map_model *model, const struct map_block_band *band,
				guint i);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The address map as a tool sees it: the resources of /proc/iomem and the
 * memory blocks of /sys/devices/system/memory, read through the file tree
 * (core/tree.h) and parsed from their text, never from the machine's structs,
 * so that any backend serving the same files draws the same picture.
 */
#ifndef HOTPLUGFS_MAP_MODEL_H
#define HOTPLUGFS_MAP_MODEL_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct machine;

/* One line of /proc/iomem. */
struct map_resource {
	uint64_t start, end;          /* inclusive, as printed */
	unsigned depth;               /* 0 = top level; rebuilt past the printed cap */
	char *name;
};

/* Consecutive memory blocks whose state, valid_zones and nodes agree. */
struct map_block_run {
	uint64_t first, count;        /* phys_index of the first block, blocks in the run */
	char *state;                  /* "online", "offline", "going-offline" */
	char *zones;                  /* valid_zones: the zone of an online block, else the choices */
	char *nodes;                  /* "0", "0,1" (memoryN/nodeK links), "" without any */
};

struct map_model {
	bool has_iomem, has_memory;
	GArray *resources;            /* struct map_resource, in /proc/iomem order */
	GArray *runs;                 /* struct map_block_run, by phys_index */
	uint64_t block_size;          /* block_size_bytes; 0 without memory blocks */
	uint64_t n_blocks;
};

/* Reads the machine's files; false with err when a file does not parse. */
bool map_model_read(const struct machine *m, struct map_model *model, GError **err);
void map_model_clear(struct map_model *model);

/* The address range of a run: [*start, *end) in bytes, saturating at 2^64 - 1. */
void map_run_range(const struct map_model *model, const struct map_block_run *run,
		   uint64_t *start, uint64_t *end);

#endif

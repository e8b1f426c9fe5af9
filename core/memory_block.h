/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory blocks (drivers/base/memory.c): a compact array sorted by id, so a
 * machine with a million blocks costs tens of bytes per block and lookups are
 * a binary search.  Everything else a block's files show is derived.
 */
#ifndef HOTPLUGFS_MEMORY_BLOCK_H
#define HOTPLUGFS_MEMORY_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "strtab.h"

/* mem->state values that are visible (include/linux/memory.h), in the order
 * state_show() (drivers/base/memory.c) lists them. */
enum block_state { BLOCK_ONLINE, BLOCK_OFFLINE, BLOCK_GOING_OFFLINE };
/* "online", "offline", "going-offline" */
DECLARE_STRING_TABLE_LOOKUP(block_state, enum block_state, BLOCK_GOING_OFFLINE + 1);

enum block_flags {
	BLOCK_MULTI_NODE = 1 << 0,     /* boot block with pages of several nodes */
	BLOCK_NOT_REMOVABLE = 1 << 1,  /* removable reads 0 (captured old kernels) */
	BLOCK_HOTPLUGGED = 1 << 2,     /* created by add_memory, not at boot */
	BLOCK_ALTMAP = 1 << 3,         /* memmap_on_memory: its memmap sits at its start */
};

struct memory_block {
	uint64_t id;                   /* phys / block_size */
	int32_t phys_device;           /* s390 storage increment; 0 elsewhere */
	uint16_t nid;                  /* mem->nid: the last node linked */
	uint16_t literal_zones;        /* 0: derived; else machine literal string index */
	uint8_t state;                 /* enum block_state */
	uint8_t zone;                  /* enum zone_type while online (ZONE_NONE: several) */
	uint8_t flags;                 /* enum block_flags */
	uint8_t online_type;           /* enum mmop requested by the last store */
	uint16_t group;                /* memory group id; 0: none */
	/* Which block of this id it is: the machine's count of blocks created
	 * after boot when it was made (0 at boot, wrapping).  A block added
	 * again is a new device, and its files new files (core/tree.c). */
	uint16_t gen;
};

struct memory_blocks {
	struct memory_block *v;
	size_t n, cap;
};

void memory_blocks_free(struct memory_blocks *b);
/* Appends in ascending id order (boot); returns the new block. */
struct memory_block *memory_blocks_append(struct memory_blocks *b, uint64_t id);
/* Inserts keeping order; NULL if the id exists. */
struct memory_block *memory_blocks_insert(struct memory_blocks *b, uint64_t id);
/* Removes the blocks with ids first to last, with one move of those after
 * them (one by one, ejecting N blocks moved O(N^2)). */
void memory_blocks_remove(struct memory_blocks *b, uint64_t first, uint64_t last);
/* Binary search; NULL if absent. */
struct memory_block *memory_blocks_find(const struct memory_blocks *b, uint64_t id);
/* Index of the first block with id >= the given id (b->n if none). */
size_t memory_blocks_lower_bound(const struct memory_blocks *b, uint64_t id);

#endif

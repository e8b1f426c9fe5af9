/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "memory_block.h"

#include <glib.h>
#include <string.h>

/* A million blocks cost 24 bytes each: the generation lives in padding. */
G_STATIC_ASSERT(sizeof(struct memory_block) == 24);

/* state_show(), drivers/base/memory.c */
const char *const block_state_table[BLOCK_GOING_OFFLINE + 1] = {
	[BLOCK_ONLINE] = "online",
	[BLOCK_OFFLINE] = "offline",
	[BLOCK_GOING_OFFLINE] = "going-offline",
};
DEFINE_STRING_TABLE_LOOKUP(block_state, enum block_state)

void memory_blocks_free(struct memory_blocks *b)
{
	g_free(b->v);
	*b = (struct memory_blocks){ 0 };
}

size_t memory_blocks_lower_bound(const struct memory_blocks *b, uint64_t id)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (b->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct memory_block *memory_blocks_find(const struct memory_blocks *b, uint64_t id)
{
	size_t i = memory_blocks_lower_bound(b, id);

	return i < b->n && b->v[i].id == id ? &b->v[i] : NULL;
}

static void grow(struct memory_blocks *b)
{
	if (b->n < b->cap)
		return;
	b->cap = b->cap ? b->cap * 2 : 64;
	b->v = g_renew(struct memory_block, b->v, b->cap);
}

static struct memory_block *init_block(struct memory_block *blk, uint64_t id)
{
	*blk = (struct memory_block){ .id = id, .state = BLOCK_OFFLINE, .zone = 0xff };
	return blk;
}

struct memory_block *memory_blocks_append(struct memory_blocks *b, uint64_t id)
{
	g_return_val_if_fail(b->n == 0 || b->v[b->n - 1].id < id, NULL);
	grow(b);
	return init_block(&b->v[b->n++], id);
}

struct memory_block *memory_blocks_insert(struct memory_blocks *b, uint64_t id)
{
	size_t i = memory_blocks_lower_bound(b, id);

	if (i < b->n && b->v[i].id == id)
		return NULL;
	grow(b);
	memmove(&b->v[i + 1], &b->v[i], (b->n - i) * sizeof(b->v[0]));
	b->n++;
	return init_block(&b->v[i], id);
}

void memory_blocks_remove(struct memory_blocks *b, uint64_t first, uint64_t last)
{
	size_t i = memory_blocks_lower_bound(b, first);
	size_t end = last == UINT64_MAX ? b->n : memory_blocks_lower_bound(b, last + 1);

	memmove(&b->v[i], &b->v[end], (b->n - end) * sizeof(b->v[0]));
	b->n -= end - i;
}

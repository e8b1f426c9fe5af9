/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel's page cache of our files (page_cache.h). */
#include "page_cache.h"

#include <stdint.h>

#include "backend.h"
#include "inval.h"

/* Node ids and content hashes are kept in the tables' pointers themselves:
 * no allocation per file (a million blocks' state files fit). */
G_STATIC_ASSERT(sizeof(gpointer) >= sizeof(tree_node));
#define NODE_KEY(n) ((gpointer)(uintptr_t)(n))
#define KEY_NODE(p) ((tree_node)(uintptr_t)(p))

struct page_cache {
	struct backend *b;
	struct inval *iv;
	GHashTable *object;        /* tree_node -> enum held: OBJECT files the kernel holds */
	GHashTable *global;        /* tree_node -> content hash: GLOBAL files it holds */
	GString *scratch;          /* re-rendered contents */
	uint64_t generation;       /* the model's, when last checked */
	uint64_t last_event;       /* the log's, when last checked */
	uint64_t dropped;
};

/* FNV-1a, 64 bits: equal contents, equal hash; a change almost surely shows. */
static uint64_t content_hash(const GString *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (gsize i = 0; i < s->len; i++)
		h = (h ^ (guchar)s->str[i]) * UINT64_C(0x100000001b3);
	return h ^ s->len;
}

/* Node ids differ in their object bits (16 and up) and attribute bits: fold
 * both into the hash. */
static guint node_hash(gconstpointer p)
{
	tree_node n = KEY_NODE(p);

	return (guint)(n ^ (n >> 16) ^ (n >> 40));
}

static void drop(struct page_cache *pc, tree_node n)
{
	inval_node(pc->iv, n);
	pc->dropped++;
}

/* One of a block's files: dropped if the kernel holds it as OBJECT or GLOBAL.
 * Of a file nobody read through the page cache (a store loop's state: its
 * size came with a lookup) only the attributes go, at once (inval.h). */
static void drop_block_file(void *ctx, tree_node n)
{
	struct page_cache *pc = ctx;
	enum page_cache_held held = GPOINTER_TO_UINT(g_hash_table_lookup(pc->object, NODE_KEY(n)));

	if (held == PAGE_CACHE_SIZE) {
		g_hash_table_remove(pc->object, NODE_KEY(n));
		inval_attrs_now(pc->iv, n);
		pc->dropped++;
	} else if (g_hash_table_remove(pc->object, NODE_KEY(n)) ||
		   g_hash_table_remove(pc->global, NODE_KEY(n))) {
		drop(pc, n);
	}
}

/*
 * A file going away: an open file must read ENODEV from now on (kernfs:
 * kernfs_seq_start() fails kernfs_get_active()), so what the kernel holds of
 * it is dropped, and the next read asks us.  STATIC files are not tracked
 * (their bytes never change while they exist), so theirs are dropped
 * whether or not the kernel has them: a few notifications per removed
 * block, answered "not cached" by a kernel that has none.
 */
static void drop_removed_file(void *ctx, tree_node n)
{
	struct page_cache *pc = ctx;

	if (g_hash_table_remove(pc->object, NODE_KEY(n)) ||
	    g_hash_table_remove(pc->global, NODE_KEY(n)) ||
	    tree_cache_class(pc->b->model, n) == TREE_CACHE_STATIC)
		drop(pc, n);
}

/* Every event naming a block may change its OBJECT files: dropped at once. */
static void on_event(void *ctx, const struct event *e)
{
	struct page_cache *pc = ctx;

	if ((e->kind == EVENT_UEVENT && e->uevent == UEVENT_REMOVE) ||
	    (e->kind == EVENT_FIRMWARE_MAP && e->change == CHANGE_REMOVE))
		tree_removed_files(pc->b->model, e, drop_removed_file, pc);
	else if ((e->kind == EVENT_UEVENT || e->kind == EVENT_NOTIFY) &&
		 (g_hash_table_size(pc->object) || g_hash_table_size(pc->global)))
		tree_block_files(pc->b->model, e->block, drop_block_file, pc);
}

struct page_cache *page_cache_new(struct backend *b, struct inval *iv)
{
	struct page_cache *pc = g_new0(struct page_cache, 1);

	pc->b = b;
	pc->iv = iv;
	pc->object = g_hash_table_new(node_hash, g_direct_equal);
	pc->global = g_hash_table_new(node_hash, g_direct_equal);
	pc->scratch = g_string_new(NULL);
	pc->generation = *b->generation;
	pc->last_event = event_log_last(b->log);
	event_log_subscribe(b->log, on_event, pc);
	return pc;
}

void page_cache_free(struct page_cache *pc)
{
	if (!pc)
		return;
	event_log_unsubscribe(pc->b->log, on_event, pc);
	g_hash_table_destroy(pc->object);
	g_hash_table_destroy(pc->global);
	g_string_free(pc->scratch, TRUE);
	g_free(pc);
}

void page_cache_seen(struct page_cache *pc, tree_node n, const GString *contents,
		     enum page_cache_held held)
{
	switch (tree_cache_class(pc->b->model, n)) {
	case TREE_CACHE_OBJECT:
		held |= GPOINTER_TO_UINT(g_hash_table_lookup(pc->object, NODE_KEY(n)));
		g_hash_table_insert(pc->object, NODE_KEY(n), GUINT_TO_POINTER(held));
		break;
	case TREE_CACHE_GLOBAL:
		g_hash_table_insert(pc->global, NODE_KEY(n),
				    (gpointer)(uintptr_t)content_hash(contents));
		break;
	case TREE_CACHE_STATIC:
	case TREE_CACHE_NONE:
		break;
	}
}

void page_cache_check(struct page_cache *pc)
{
	const struct tree_reader reader = { .cap_sys_admin = true };
	GHashTableIter it;
	gpointer key, value;

	if (pc->generation == *pc->b->generation && pc->last_event == event_log_last(pc->b->log))
		return;
	pc->generation = *pc->b->generation;
	pc->last_event = event_log_last(pc->b->log);
	g_hash_table_iter_init(&it, pc->global);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		tree_node n = KEY_NODE(key);

		g_string_truncate(pc->scratch, 0);
		if (tree_read(pc->b->model, n, &reader, pc->scratch) == 0 &&
		    content_hash(pc->scratch) == (uint64_t)(uintptr_t)value)
			continue;
		drop(pc, n);
		g_hash_table_iter_remove(&it);
	}
}

void page_cache_get_stats(const struct page_cache *pc, struct page_cache_stats *out)
{
	out->object = g_hash_table_size(pc->object);
	out->global = g_hash_table_size(pc->global);
	out->dropped = pc->dropped;
}

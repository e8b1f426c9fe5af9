/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reads the address map through the file tree: /proc/iomem as a privileged
 * reader sees it, block_size_bytes, and each memoryN's phys_index, state,
 * valid_zones and nodeK links.  Blocks are grouped into runs here, so a
 * million blocks cost a few runs, not a million strings.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "map_model.h"
#include "tree.h"

#define MAP_ERROR (map_error_quark())
static G_DEFINE_QUARK(hotplugfs-map-error, map_error)

/* r_show() prints at most MAX_IORES_LEVEL (5) levels of indentation; deeper
 * resources print 10 spaces too (kernel/resource.c, 6.12). */
#define IOMEM_MAX_LEVEL 5

#define MEMORY_DIR "sys/devices/system/memory"

/* ---------------------------------------------------------------- /proc/iomem */

/* "%*s%0*llx-%0*llx : %s" (r_show): false unless the line has that shape. */
static bool parse_iomem_line(const char *line, unsigned *level, uint64_t *start, uint64_t *end,
			     const char **name)
{
	size_t spaces = strspn(line, " ");
	const char *p = line + spaces;
	char *e;

	if (spaces % 2 || spaces > 2 * IOMEM_MAX_LEVEL || !g_ascii_isxdigit(*p))
		return false;
	*level = spaces / 2;
	errno = 0;
	*start = g_ascii_strtoull(p, &e, 16);
	if (errno || *e != '-' || !g_ascii_isxdigit(e[1]))
		return false;
	*end = g_ascii_strtoull(e + 1, &e, 16);
	if (errno || !g_str_has_prefix(e, " : ") || *end < *start)
		return false;
	*name = e + 3;
	return true;
}

/*
 * The depth of a line: its printed level below the cap; at the cap, one more
 * than the deepest open resource (of depth >= cap - 1) that contains it, since
 * siblings never overlap.  open holds the indices of the resources on the path
 * to the previous line.  -1 when no open resource can be its parent.
 */
static int iomem_depth(const GArray *resources, const GArray *open, unsigned level,
		       uint64_t start, uint64_t end)
{
	if (level < IOMEM_MAX_LEVEL)
		return level <= open->len ? (int)level : -1;
	for (int i = (int)open->len - 1; i >= IOMEM_MAX_LEVEL - 1; i--) {
		const struct map_resource *r = &g_array_index(resources, struct map_resource,
							      g_array_index(open, guint, i));

		if (r->start <= start && end <= r->end)
			return i + 1;
	}
	return -1;
}

static bool read_iomem(const struct machine *m, struct map_model *model, GError **err)
{
	const struct tree_reader root = { .cap_sys_admin = true };
	g_autoptr(GString) text = g_string_new(NULL);
	g_autoptr(GArray) open = g_array_new(FALSE, FALSE, sizeof(guint));
	g_auto(GStrv) lines = NULL;
	tree_node n;
	int rc;

	if (tree_resolve(m, "proc/iomem", &n))
		return true;                       /* a literal fixture without iomem */
	rc = tree_read(m, n, &root, text);
	if (rc) {
		g_set_error(err, MAP_ERROR, -rc, "proc/iomem: %s", g_strerror(-rc));
		return false;
	}
	model->has_iomem = true;
	lines = g_strsplit(text->str, "\n", -1);
	for (guint i = 0; lines[i] && *lines[i]; i++) {
		struct map_resource r;
		const char *name;
		unsigned level;
		int depth;

		if (!parse_iomem_line(lines[i], &level, &r.start, &r.end, &name)) {
			g_set_error(err, MAP_ERROR, EINVAL,
				    "proc/iomem: line %u: not \"START-END : NAME\": %s", i + 1,
				    lines[i]);
			return false;
		}
		depth = iomem_depth(model->resources, open, level, r.start, r.end);
		if (depth < 0) {
			g_set_error(err, MAP_ERROR, EINVAL,
				    "proc/iomem: line %u: indented %u spaces but no resource above "
				    "encloses it", i + 1, 2 * level);
			return false;
		}
		r.depth = (unsigned)depth;
		r.name = g_strdup(name);
		g_array_set_size(open, r.depth);
		g_array_append_val(open, model->resources->len);
		g_array_append_val(model->resources, r);
	}
	return true;
}

/* ------------------------------------------------- /sys/devices/system/memory */

/* A memory block before grouping: its phys_index and its interned key. */
struct block {
	uint64_t id;
	guint key;
};

/* The distinct (state, valid_zones, nodes) triples, each stored once. */
struct keys {
	GHashTable *index;            /* "state\nzones\nnodes" -> position + 1 */
	GPtrArray *triples;           /* the same strings, in order of first use */
};

static guint intern_key(struct keys *k, const char *state, const char *zones, const char *nodes)
{
	char *joined = g_strjoin("\n", state, zones, nodes, NULL);
	gpointer pos = g_hash_table_lookup(k->index, joined);

	if (pos) {
		g_free(joined);
		return GPOINTER_TO_UINT(pos) - 1;
	}
	g_ptr_array_add(k->triples, joined);
	g_hash_table_insert(k->index, joined, GUINT_TO_POINTER(k->triples->len));
	return k->triples->len - 1;
}

struct dir_entry {
	char *name;
	tree_node node;
	enum tree_type type;
};

static void dir_entry_clear(gpointer p)
{
	g_free(((struct dir_entry *)p)->name);
}

static int collect_entry(void *ctx, const char *name, tree_node n, enum tree_type type,
			 uint64_t next)
{
	struct dir_entry e = { g_strdup(name), n, type };

	(void)next;
	g_array_append_val((GArray *)ctx, e);
	return 0;
}

static GArray *list_dir(const struct machine *m, tree_node dir)
{
	GArray *entries = g_array_new(FALSE, FALSE, sizeof(struct dir_entry));

	g_array_set_clear_func(entries, dir_entry_clear);
	tree_readdir(m, dir, 0, collect_entry, entries);
	return entries;
}

/* A sysfs attribute's one line, without its newline; dir and attr name it in
 * an error ("memory12", "state"). */
static bool read_attr(const struct machine *m, tree_node n, const char *dir, const char *attr,
		      GString *out, GError **err)
{
	const struct tree_reader root = { .cap_sys_admin = true };
	int rc;

	g_string_truncate(out, 0);
	rc = tree_read(m, n, &root, out);
	if (rc) {
		g_set_error(err, MAP_ERROR, -rc, MEMORY_DIR "/%s%s%s: %s", dir, *dir ? "/" : "", attr,
			    g_strerror(-rc));
		return false;
	}
	if (out->len && out->str[out->len - 1] == '\n')
		g_string_truncate(out, out->len - 1);
	return true;
}

/* "%lx" without a prefix, as block_size_bytes and phys_index print. */
static bool parse_hex(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = g_ascii_strtoull(s, &end, 16);
	return g_ascii_isxdigit(*s) && !*end && !errno;
}

static int compare_nids(gconstpointer a, gconstpointer b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return (x > y) - (x < y);
}

/* The entries of a memoryN directory the map reads. */
struct block_dir {
	bool has_index, has_state, has_zones;
	tree_node index, state, zones;
	GArray *nids;                 /* unsigned, from the nodeK links */
};

static int note_block_entry(void *ctx, const char *name, tree_node n, enum tree_type type,
			    uint64_t next)
{
	struct block_dir *d = ctx;
	char *end;

	(void)next;
	if (type == TREE_LINK && g_str_has_prefix(name, "node") && g_ascii_isdigit(name[4])) {
		unsigned nid = (unsigned)strtoul(name + 4, &end, 10);

		if (!*end)
			g_array_append_val(d->nids, nid);
	} else if (type == TREE_FILE && strcmp(name, "phys_index") == 0) {
		d->has_index = true, d->index = n;
	} else if (type == TREE_FILE && strcmp(name, "state") == 0) {
		d->has_state = true, d->state = n;
	} else if (type == TREE_FILE && strcmp(name, "valid_zones") == 0) {
		d->has_zones = true, d->zones = n;
	}
	return 0;
}

/* Buffers reused from one block to the next. */
struct scratch {
	GArray *nids;
	GString *index, *state, *zones, *nodes;
};

/* One memoryN directory: phys_index, state, valid_zones and its nodeK links. */
static bool read_block(const struct machine *m, tree_node dir, const char *name,
		       struct keys *keys, struct scratch *s, struct block *b, GError **err)
{
	struct block_dir d = { .nids = s->nids };

	g_array_set_size(s->nids, 0);
	g_string_truncate(s->zones, 0);
	g_string_truncate(s->nodes, 0);
	tree_readdir(m, dir, 0, note_block_entry, &d);
	if (!d.has_index || !d.has_state) {
		g_set_error(err, MAP_ERROR, ENOENT, MEMORY_DIR "/%s: no %s", name,
			    d.has_index ? "state" : "phys_index");
		return false;
	}
	if (!read_attr(m, d.index, name, "phys_index", s->index, err) ||
	    !read_attr(m, d.state, name, "state", s->state, err) ||
	    (d.has_zones && !read_attr(m, d.zones, name, "valid_zones", s->zones, err)))
		return false;
	if (!parse_hex(s->index->str, &b->id)) {
		g_set_error(err, MAP_ERROR, EINVAL, MEMORY_DIR "/%s/phys_index: not a hex number: %s",
			    name, s->index->str);
		return false;
	}
	g_array_sort(s->nids, compare_nids);
	for (guint i = 0; i < s->nids->len; i++)
		g_string_append_printf(s->nodes, "%s%u", i ? "," : "",
				       g_array_index(s->nids, unsigned, i));
	b->key = intern_key(keys, s->state->str, s->zones->str, s->nodes->str);
	return true;
}

static int compare_blocks(gconstpointer a, gconstpointer b)
{
	uint64_t x = ((const struct block *)a)->id, y = ((const struct block *)b)->id;

	return (x > y) - (x < y);
}

static void append_run(struct map_model *model, const struct keys *keys, uint64_t first,
		       uint64_t count, guint key)
{
	g_auto(GStrv) parts = g_strsplit(g_ptr_array_index(keys->triples, key), "\n", 3);
	struct map_block_run run = { first, count, g_strdup(parts[0]), g_strdup(parts[1]),
				     g_strdup(parts[2]) };

	g_array_append_val(model->runs, run);
}

static bool read_blocks(const struct machine *m, struct map_model *model, GError **err)
{
	g_autoptr(GArray) blocks = g_array_new(FALSE, FALSE, sizeof(struct block));
	g_autoptr(GArray) entries = NULL;
	g_autoptr(GString) value = g_string_new(NULL), index_text = g_string_new(NULL);
	g_autoptr(GString) state = g_string_new(NULL), zones = g_string_new(NULL);
	g_autoptr(GString) nodes = g_string_new(NULL);
	g_autoptr(GArray) nids = g_array_new(FALSE, FALSE, sizeof(unsigned));
	struct scratch scratch = { nids, index_text, state, zones, nodes };
	g_autoptr(GHashTable) index = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GPtrArray) triples = g_ptr_array_new_with_free_func(g_free);
	struct keys keys = { index, triples };
	tree_node dir;

	if (tree_resolve(m, MEMORY_DIR, &dir))
		return true;
	model->has_memory = true;
	entries = list_dir(m, dir);
	for (guint i = 0; i < entries->len; i++) {
		const struct dir_entry *e = &g_array_index(entries, struct dir_entry, i);
		struct block b;

		if (e->type == TREE_FILE && strcmp(e->name, "block_size_bytes") == 0) {
			if (!read_attr(m, e->node, "", "block_size_bytes", value, err))
				return false;
			if (!parse_hex(value->str, &model->block_size) || !model->block_size) {
				g_set_error(err, MAP_ERROR, EINVAL,
					    MEMORY_DIR "/block_size_bytes: not a block size: %s",
					    value->str);
				return false;
			}
			continue;
		}
		if (e->type != TREE_DIR || !g_str_has_prefix(e->name, "memory") ||
		    !g_ascii_isdigit(e->name[6]))
			continue;
		if (!read_block(m, e->node, e->name, &keys, &scratch, &b, err))
			return false;
		g_array_append_val(blocks, b);
	}
	if (blocks->len && !model->block_size) {
		g_set_error(err, MAP_ERROR, ENOENT, MEMORY_DIR "/block_size_bytes: missing");
		return false;
	}
	/* sysfs lists a directory in hash order on a real kernel: sort. */
	g_array_sort(blocks, compare_blocks);
	model->n_blocks = blocks->len;
	for (guint i = 0, start = 0; i < blocks->len; i++) {
		const struct block *b = &g_array_index(blocks, struct block, i);
		const struct block *next = i + 1 < blocks->len ?
			&g_array_index(blocks, struct block, i + 1) : NULL;

		if (next && next->id == b->id + 1 && next->key == b->key)
			continue;
		append_run(model, &keys, g_array_index(blocks, struct block, start).id,
			   i + 1 - start, b->key);
		start = i + 1;
	}
	return true;
}

/* ------------------------------------------------------------------ the model */

static void resource_clear(gpointer p)
{
	g_free(((struct map_resource *)p)->name);
}

static void run_clear(gpointer p)
{
	struct map_block_run *r = p;

	g_free(r->state);
	g_free(r->zones);
	g_free(r->nodes);
}

bool map_model_read(const struct machine *m, struct map_model *model, GError **err)
{
	*model = (struct map_model){ 0 };
	model->resources = g_array_new(FALSE, FALSE, sizeof(struct map_resource));
	g_array_set_clear_func(model->resources, resource_clear);
	model->runs = g_array_new(FALSE, FALSE, sizeof(struct map_block_run));
	g_array_set_clear_func(model->runs, run_clear);
	if (read_iomem(m, model, err) && read_blocks(m, model, err))
		return true;
	map_model_clear(model);
	return false;
}

void map_model_clear(struct map_model *model)
{
	g_clear_pointer(&model->resources, g_array_unref);
	g_clear_pointer(&model->runs, g_array_unref);
}

void map_run_range(const struct map_model *model, const struct map_block_run *run,
		   uint64_t *start, uint64_t *end)
{
	/* phys_index is the block's number, start_section_nr / sections_per_block
	 * (phys_index_show(), drivers/base/memory.c 6.12), so the block starts at
	 * phys_index * block_size_bytes. */
	uint64_t bs = model->block_size;

	*start = run->first <= UINT64_MAX / bs ? run->first * bs : UINT64_MAX;
	*end = run->first + run->count <= UINT64_MAX / bs ? (run->first + run->count) * bs :
								  UINT64_MAX;
}

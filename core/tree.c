/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file tree: a skeleton of fixed directories, each with the attribute
 * table of its files (attrs_*.c), and per-object directories (memory blocks,
 * firmware-map entries, nodes, cpus, notifier actions) whose files come from
 * their kind's table, in the style of the kernel's DEVICE_ATTR tables.
 * Every node kind has one row of operations (struct kind_ops); nothing is
 * allocated per file; node ids are computed (see tree.h).
 */
#include "tree.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "device.h"
#include "firmware_map.h"
#include "machine.h"
#include "nd_tree.h"
#include "numbered_name.h"

/* ---- node ids ---------------------------------------------------------- */

enum kind {
	K_DIR,               /* sub: fixed directory index + 1 */
	K_DIR_ATTR,          /* obj: fixed directory index, sub: its files' index */
	K_BLOCK,             /* obj: block id */
	K_BLOCK_ATTR,        /* obj: block id, sub: block_attrs index */
	K_BLOCK_POWER_ATTR,  /* obj: block id, sub: power_attrs index */
	K_BLOCK_NODE_LINK,   /* obj: block id, sub: nid */
	K_BLOCK_FW_LINK,     /* obj: the block's: memoryN/firmware_node */
	K_MEMMAP,            /* obj: entry number */
	K_MEMMAP_ATTR,       /* obj: entry number, sub: memmap_attrs index */
	K_NODE,              /* obj: nid */
	K_NODE_BLOCK_LINK,   /* obj: block id, sub: nid */
	K_BUS_BLOCK_LINK,    /* obj: block id */
	K_INJECT_ACTION,     /* obj: enum mem_action */
	K_INJECT_ATTR,       /* obj: enum mem_action, sub: inject_attrs index */
	K_FAULT_BLOCK,       /* obj: block id */
	K_FAULT_ATTR,        /* obj: block id, sub: fault_attrs index */
	K_CPU,               /* obj: cpu number */
	K_CPU_ATTR,          /* obj: cpu number, sub: cpu_attrs index */
	K_ND,                /* obj: nd object (nd_tree.h); sub 0: its directory, else file sub - 1 */
	K_ND_LINK,           /* obj: nd object, sub: link role (nd_tree.c) */
	NR_KINDS
};

#define OBJ_BITS 40
#define OBJ_MAX ((UINT64_C(1) << OBJ_BITS) - 1)

/*
 * A block's object bits: its id, and the low bits of its generation above
 * (struct memory_block.gen).  A block added again has other node ids, so an
 * open file of the removed one never reaches it; its files just no longer
 * exist (ENODEV, as kernfs_get_active() fails on a removed node).  Ids stay
 * below 2^25: boot and hot-add keep blocks within MAX_PHYSMEM_BITS (at most
 * 52 or 53 bits of 128 or 256 MiB blocks, core/profile.h).  The generation's
 * high bits are the FUSE generation (tree_generation), so an id and
 * generation pair repeats only after 65,536 blocks have been created.
 */
#define BLOCK_ID_BITS 26
#define BLOCK_ID_MASK ((UINT64_C(1) << BLOCK_ID_BITS) - 1)
#define BLOCK_GEN_MASK ((1u << (OBJ_BITS - BLOCK_ID_BITS)) - 1)

static tree_node make(enum kind k, uint64_t obj, unsigned sub)
{
	return (uint64_t)k << 56 | (obj & OBJ_MAX) << 16 | sub;
}
static enum kind kind_of(tree_node n) { return (enum kind)(n >> 56); }
static uint64_t obj_of(tree_node n) { return (n >> 16) & OBJ_MAX; }
static unsigned sub_of(tree_node n) { return n & 0xffff; }

/* The object bits of a block's nodes, and back. */
static uint64_t block_obj(const struct memory_block *b)
{
	return b->id | (uint64_t)(b->gen & BLOCK_GEN_MASK) << BLOCK_ID_BITS;
}
static uint64_t block_id_of(tree_node n) { return obj_of(n) & BLOCK_ID_MASK; }

/* The block a node of a block kind names, if that very block exists now. */
static const struct memory_block *node_block(const struct machine *m, tree_node n)
{
	const struct memory_block *b = block_of(m, block_id_of(n));

	return b && block_obj(b) == obj_of(n) ? b : NULL;
}

/* ---- the fixed directories ---------------------------------------------- */

static bool has_memory(const struct machine *m) { return m->has_memory_dir; }
static bool has_memmap(const struct machine *m) { return m->has_firmware_map; }

/* Objects a fixed directory lists after its fixed entries. */
enum objects { OBJ_NONE, OBJ_BLOCKS, OBJ_NODES, OBJ_MEMMAP, OBJ_BUS_BLOCKS, OBJ_INJECT,
	       OBJ_FAULT_BLOCKS, OBJ_CPUS, OBJ_ND };

struct fixed_dir {
	const char *name;
	int parent;                              /* fixed directory index */
	mode_t mode;
	bool (*exists)(const struct machine *m); /* NULL: always */
	const struct attrs *files;               /* NULL: none */
	enum tree_file_class cls;                /* of its files */
	enum objects objects;
};

enum {
	D_ROOT, D_PROC, D_SYS, D_DEVICES, D_SYSTEM, D_MEMORY, D_MEMORY_POWER, D_NODE,
	D_FIRMWARE, D_MEMMAP, D_BUS, D_BUS_MEMORY, D_BUS_DEVICES, D_MODULE, D_MODULE_MHP,
	D_PARAMS, D_KERNEL, D_DEBUG, D_NEI, D_NEI_MEMORY, D_NEI_ACTIONS, D_HOTPLUGFS_DEBUG,
	D_CPU, NR_FIXED_DIRS
};

static const struct fixed_dir dirs[NR_FIXED_DIRS] = {
	[D_ROOT] = { "", D_ROOT, 0755, NULL, NULL, TREE_SYSFS, OBJ_NONE },
	[D_PROC] = { "proc", D_ROOT, 0755, NULL, &proc_attrs, TREE_PROCFS, OBJ_NONE },
	[D_SYS] = { "sys", D_ROOT, 0755, NULL, NULL, TREE_SYSFS, OBJ_ND },
	[D_DEVICES] = { "devices", D_SYS, 0755, has_memory, NULL, TREE_SYSFS, OBJ_ND },
	[D_SYSTEM] = { "system", D_DEVICES, 0755, has_memory, NULL, TREE_SYSFS, OBJ_NONE },
	[D_MEMORY] = { "memory", D_SYSTEM, 0755, has_memory, &memory_root_attrs, TREE_SYSFS,
		       OBJ_BLOCKS },
	[D_MEMORY_POWER] = { "power", D_MEMORY, 0755, has_memory, &power_attrs, TREE_SYSFS,
			     OBJ_NONE },
	[D_NODE] = { "node", D_SYSTEM, 0755, has_memory, NULL, TREE_SYSFS, OBJ_NODES },
	[D_FIRMWARE] = { "firmware", D_SYS, 0755, has_memmap, NULL, TREE_SYSFS, OBJ_NONE },
	[D_MEMMAP] = { "memmap", D_FIRMWARE, 0755, has_memmap, NULL, TREE_SYSFS, OBJ_MEMMAP },
	[D_BUS] = { "bus", D_SYS, 0755, has_memory, NULL, TREE_SYSFS, OBJ_ND },
	[D_BUS_MEMORY] = { "memory", D_BUS, 0755, has_memory, NULL, TREE_SYSFS, OBJ_NONE },
	[D_BUS_DEVICES] = { "devices", D_BUS_MEMORY, 0755, has_memory, NULL, TREE_SYSFS,
			    OBJ_BUS_BLOCKS },
	[D_MODULE] = { "module", D_SYS, 0755, has_memory, NULL, TREE_SYSFS, OBJ_ND },
	[D_MODULE_MHP] = { "memory_hotplug", D_MODULE, 0755, has_memory, NULL, TREE_SYSFS,
			   OBJ_NONE },
	[D_PARAMS] = { "parameters", D_MODULE_MHP, 0755, has_memory, &memory_param_attrs,
		       TREE_SYSFS, OBJ_NONE },
	[D_KERNEL] = { "kernel", D_SYS, 0755, NULL, &kernel_attrs, TREE_SYSFS, OBJ_NONE },
	/* debugfs is mounted mode 0700 */
	[D_DEBUG] = { "debug", D_KERNEL, 0700, has_memory, NULL, TREE_SYSFS, OBJ_NONE },
	[D_NEI] = { "notifier-error-inject", D_DEBUG, 0755, has_memory, NULL, TREE_SYSFS,
		    OBJ_NONE },
	[D_NEI_MEMORY] = { "memory", D_NEI, 0755, has_memory, NULL, TREE_SYSFS, OBJ_NONE },
	[D_NEI_ACTIONS] = { "actions", D_NEI_MEMORY, 0755, has_memory, NULL, TREE_SYSFS,
			    OBJ_INJECT },
	[D_HOTPLUGFS_DEBUG] = { "hotplugfs", D_DEBUG, 0755, has_memory, NULL, TREE_SYSFS,
				OBJ_FAULT_BLOCKS },
	[D_CPU] = { "cpu", D_SYSTEM, 0755, has_memory, NULL, TREE_SYSFS, OBJ_CPUS },
};

static tree_node dir_node(int d)
{
	return make(K_DIR, 0, (unsigned)d + 1);
}

/* ---- the nd and dax devices (nd_tree.c) ----------------------------------- */

tree_node tree_nd_node(uint64_t obj, unsigned sub)
{
	return make(K_ND, obj, sub);
}
tree_node tree_nd_link(uint64_t obj, unsigned role)
{
	return make(K_ND_LINK, obj, role);
}
tree_node tree_nd_anchor(enum nd_anchor at)
{
	static const int anchor_dirs[NR_ND_ANCHORS] = {
		[ND_AT_SYS] = D_SYS, [ND_AT_DEVICES] = D_DEVICES, [ND_AT_BUS] = D_BUS,
		[ND_AT_MODULE] = D_MODULE,
	};

	return dir_node(anchor_dirs[at]);
}
static enum nd_anchor anchor_of(int d)
{
	return d == D_DEVICES ? ND_AT_DEVICES : d == D_BUS ? ND_AT_BUS :
	       d == D_MODULE ? ND_AT_MODULE : ND_AT_SYS;
}

struct nd_find {
	const char *name;
	tree_node found;
};

static bool nd_find_entry(void *ctx, const char *name, tree_node n, enum tree_type type)
{
	struct nd_find *f = ctx;

	(void)type;
	if (strcmp(name, f->name) != 0)
		return true;
	f->found = n;
	return false;
}
static int dir_index(tree_node n)
{
	return (int)sub_of(n) - 1;
}
static bool dir_exists(const struct machine *m, int d)
{
	return !dirs[d].exists || dirs[d].exists(m);
}

/* ---- helpers ------------------------------------------------------------ */

/* "memory%u"-style names (numbered_name.h) of an object the tree can number. */
static bool parse_numbered(const char *name, const char *prefix, uint64_t *out)
{
	return parse_numbered_name(name, prefix, out) && *out <= OBJ_MAX;
}

static bool block_in_node(const struct machine *m, const struct memory_block *b, int nid)
{
	int nids[64];
	int n = block_nodes(m, b, nids, G_N_ELEMENTS(nids));

	for (int i = 0; i < n; i++)
		if (nids[i] == nid)
			return true;
	return false;
}

static bool attr_exists(const struct machine *m, const struct attr *a)
{
	return !a->exists || a->exists(m);
}

/* The attribute called name in t, as a node of kind k. */
static int lookup_attr(const struct machine *m, const struct attrs *t, enum kind k, uint64_t obj,
		       const char *name, tree_node *child)
{
	for (unsigned i = 0; i < t->n; i++) {
		if (strcmp(t->v[i].name, name) == 0 && attr_exists(m, &t->v[i])) {
			*child = make(k, obj, i);
			return 0;
		}
	}
	return -ENOENT;
}

static bool attr_index_exists(const struct machine *m, const struct attrs *t, unsigned sub)
{
	return sub < t->n && attr_exists(m, &t->v[sub]);
}

/* ---- readdir walks -------------------------------------------------------- */

struct dir_walk {
	tree_dirent_fn fn;
	void *ctx;
	uint64_t pos;            /* cursor of the entry being considered */
	uint64_t from;           /* first cursor to emit */
	bool stopped;
};

/* Offers one entry; returns false once the caller asked to stop. */
static bool emit(struct dir_walk *w, const char *name, tree_node n, enum tree_type type)
{
	uint64_t pos = w->pos++;

	if (w->stopped)
		return false;
	if (pos < w->from)
		return true;
	if (w->fn(w->ctx, name, n, type, pos + 1))
		w->stopped = true;
	return !w->stopped;
}

/* nd_tree.c's listings go through emit(). */
static bool nd_emit_entry(void *ctx, const char *name, tree_node n, enum tree_type type)
{
	return emit(ctx, name, n, type);
}

static void emit_attrs(struct dir_walk *w, const struct machine *m, const struct attrs *t,
		       enum kind k, uint64_t obj)
{
	for (unsigned i = 0; i < t->n; i++)
		if (attr_exists(m, &t->v[i]) && !emit(w, t->v[i].name, make(k, obj, i), t->v[i].type))
			return;
}

static void emit_blocks(struct dir_walk *w, const struct machine *m, enum kind k,
			enum tree_type type, int only_nid)
{
	char name[32];
	size_t first = 0;

	/* Cursors past the fixed entries index the block array directly. */
	if (w->from > w->pos) {
		first = MIN((size_t)(w->from - w->pos), m->blocks.n);
		w->pos += first;
	}
	for (size_t i = first; i < m->blocks.n; i++) {
		const struct memory_block *b = &m->blocks.v[i];

		if (only_nid >= 0 && !block_in_node(m, b, only_nid)) {
			w->pos++;
			continue;
		}
		snprintf(name, sizeof(name), "memory%" PRIu64, b->id);
		if (!emit(w, name, make(k, block_obj(b), only_nid >= 0 ? (unsigned)only_nid : 0), type))
			return;
	}
}

static void emit_objects(struct dir_walk *w, const struct machine *m, enum objects o)
{
	char name[32];

	switch (o) {
	case OBJ_BLOCKS:
		emit_blocks(w, m, K_BLOCK, TREE_DIR, -1);
		break;
	case OBJ_BUS_BLOCKS:
		emit_blocks(w, m, K_BUS_BLOCK_LINK, TREE_LINK, -1);
		break;
	case OBJ_FAULT_BLOCKS:
		emit_blocks(w, m, K_FAULT_BLOCK, TREE_DIR, -1);
		break;
	case OBJ_INJECT:
		for (unsigned i = 0; i < inject_order_len; i++) {
			enum mem_action a = inject_order[i];

			if (mem_action_exists(&m->profile, a) &&
			    !emit(w, mem_action_name(a), make(K_INJECT_ACTION, a, 0), TREE_DIR))
				return;
		}
		break;
	case OBJ_NODES:
		for (guint i = 0; i < m->nodes->len; i++) {
			int nid = g_array_index(m->nodes, struct numa_node, i).nid;

			snprintf(name, sizeof(name), "node%d", nid);
			if (!emit(w, name, make(K_NODE, (uint64_t)nid, 0), TREE_DIR))
				return;
		}
		break;
	case OBJ_MEMMAP:
		for (guint i = 0; i < firmware_map_len(&m->firmware_map); i++) {
			unsigned nr = firmware_map_at(&m->firmware_map, i)->nr;

			snprintf(name, sizeof(name), "%u", nr);
			if (!emit(w, name, make(K_MEMMAP, nr, 0), TREE_DIR))
				return;
		}
		break;
	case OBJ_CPUS:
		for (unsigned cpu = 0; cpu < m->cpus; cpu++) {
			snprintf(name, sizeof(name), "cpu%u", cpu);
			if (!emit(w, name, make(K_CPU, cpu, 0), TREE_DIR))
				return;
		}
		break;
	case OBJ_ND:      /* listed by dir_emit, which knows the directory */
	case OBJ_NONE:
		break;
	}
}

/* ---- one row per kind ----------------------------------------------------- */

struct kind_ops {
	/* Whether the node exists now (ids outlive objects). */
	bool (*exists)(const struct machine *m, tree_node n);
	/* The attribute a file, link or attribute directory stands for. */
	const struct attr *(*attr)(tree_node n);
	tree_node (*parent)(tree_node n);
	/* Instead of parent where the machine decides (an nd bus's place). */
	tree_node (*parent_in)(const struct machine *m, tree_node n);
	/* Directories: */
	int (*lookup)(const struct machine *m, tree_node dir, const char *name, tree_node *child);
	void (*emit)(struct dir_walk *w, const struct machine *m, tree_node dir);
	/* Links that are not attributes, and (optional) their target's node: */
	void (*readlink)(const struct machine *m, tree_node n, GString *out);
	tree_node (*target)(const struct machine *m, tree_node n);
	/* What a show/store callback gets as its object. */
	uint64_t (*callback_obj)(tree_node n);
	/* Object directories: the attribute table of their files, and its kind. */
	const struct attrs *files;
	enum kind file_kind;
	/* Files of an object directory: their table and the directory's kind. */
	const struct attrs *table;
	enum kind dir;
};

static uint64_t obj_callback(tree_node n)
{
	return obj_of(n);
}

static uint64_t block_callback(tree_node n)
{
	return block_id_of(n);
}

/* An object's directory whose files are its kind's attribute table
 * (kind_ops.files), and those files (kind_ops.table, in kind_ops.dir). */
static const struct kind_ops *ops_of(tree_node n);

static int object_dir_lookup(const struct machine *m, tree_node dir, const char *name,
			     tree_node *child)
{
	const struct kind_ops *k = ops_of(dir);

	return lookup_attr(m, k->files, k->file_kind, obj_of(dir), name, child);
}
static void object_dir_emit(struct dir_walk *w, const struct machine *m, tree_node dir)
{
	const struct kind_ops *k = ops_of(dir);

	emit_attrs(w, m, k->files, k->file_kind, obj_of(dir));
}
static tree_node object_attr_parent(tree_node n)
{
	return make(ops_of(n)->dir, obj_of(n), 0);
}
static bool object_attr_exists(const struct machine *m, tree_node n)
{
	const struct kind_ops *k = ops_of(n);
	tree_node dir = object_attr_parent(n);

	return ops_of(dir)->exists(m, dir) && attr_index_exists(m, k->table, sub_of(n));
}
static const struct attr *object_attr(tree_node n)
{
	return &ops_of(n)->table->v[sub_of(n)];
}

/* K_DIR: a fixed directory. */
static bool dir_node_exists(const struct machine *m, tree_node n)
{
	return sub_of(n) >= 1 && sub_of(n) <= NR_FIXED_DIRS && obj_of(n) == 0 &&
	       dir_exists(m, dir_index(n));
}
static tree_node dir_parent(tree_node n)
{
	return dir_node(dirs[dir_index(n)].parent);
}
static int dir_lookup(const struct machine *m, tree_node dir, const char *name, tree_node *child)
{
	const struct memory_block *b;
	int d = dir_index(dir);
	uint64_t id;

	for (int i = 1; i < NR_FIXED_DIRS; i++) {
		if (dirs[i].parent == d && dir_exists(m, i) && strcmp(dirs[i].name, name) == 0) {
			*child = dir_node(i);
			return 0;
		}
	}
	if (dirs[d].files && lookup_attr(m, dirs[d].files, K_DIR_ATTR, (uint64_t)d, name, child) == 0)
		return 0;
	switch (dirs[d].objects) {
	case OBJ_BLOCKS:
	case OBJ_BUS_BLOCKS:
	case OBJ_FAULT_BLOCKS:
		if (!parse_numbered(name, "memory", &id) || !(b = block_of(m, id)))
			return -ENOENT;
		*child = make(dirs[d].objects == OBJ_BLOCKS ? K_BLOCK :
			      dirs[d].objects == OBJ_BUS_BLOCKS ? K_BUS_BLOCK_LINK : K_FAULT_BLOCK,
			      block_obj(b), 0);
		return 0;
	case OBJ_NODES:
		if (!parse_numbered(name, "node", &id) || id >= MAX_NUMNODES ||
		    !machine_node(m, (int)id))
			return -ENOENT;
		*child = make(K_NODE, id, 0);
		return 0;
	case OBJ_MEMMAP:
		if (!parse_numbered(name, "", &id) || id > UINT32_MAX ||
		    !firmware_map_find(&m->firmware_map, (unsigned)id))
			return -ENOENT;
		*child = make(K_MEMMAP, id, 0);
		return 0;
	case OBJ_INJECT: {
		enum mem_action a;

		if (!mem_action_parse(name, &a) || !mem_action_exists(&m->profile, a))
			return -ENOENT;
		*child = make(K_INJECT_ACTION, a, 0);
		return 0;
	}
	case OBJ_CPUS:
		if (!parse_numbered(name, "cpu", &id) || id >= m->cpus)
			return -ENOENT;
		*child = make(K_CPU, id, 0);
		return 0;
	case OBJ_ND: {
		struct nd_find f = { name, 0 };

		nd_anchor_list(m, anchor_of(d), nd_find_entry, &f);
		if (!f.found)
			return -ENOENT;
		*child = f.found;
		return 0;
	}
	case OBJ_NONE:
		break;
	}
	return -ENOENT;
}
static void dir_emit(struct dir_walk *w, const struct machine *m, tree_node dir)
{
	int d = dir_index(dir);

	/* The kernel lists subdirectories, then attributes, then objects. */
	for (int i = 1; i < NR_FIXED_DIRS; i++)
		if (dirs[i].parent == d && dir_exists(m, i) &&
		    !emit(w, dirs[i].name, dir_node(i), TREE_DIR))
			return;
	if (dirs[d].files)
		emit_attrs(w, m, dirs[d].files, K_DIR_ATTR, (uint64_t)d);
	if (dirs[d].objects == OBJ_ND)
		nd_anchor_list(m, anchor_of(d), nd_emit_entry, w);
	emit_objects(w, m, dirs[d].objects);
}

/* K_DIR_ATTR: a file of a fixed directory. */
static bool dir_attr_exists(const struct machine *m, tree_node n)
{
	uint64_t d = obj_of(n);

	return d < NR_FIXED_DIRS && dirs[d].files && dir_exists(m, (int)d) &&
	       attr_index_exists(m, dirs[d].files, sub_of(n));
}
static const struct attr *dir_attr(tree_node n)
{
	return &dirs[obj_of(n)].files->v[sub_of(n)];
}
static tree_node dir_attr_parent(tree_node n)
{
	return dir_node((int)obj_of(n));
}
/* A fixed directory's power/ files belong to its device: the directory. */
static uint64_t dir_attr_callback(tree_node n)
{
	return dir_node((int)obj_of(n));
}

/* The target of a block's firmware_node link: captured, or its simulated
 * ACPI memory device's; false when it has none. */
static bool block_firmware_node(const struct machine *m, const struct memory_block *b,
				GString *out)
{
	const char *captured = b ? g_hash_table_lookup(m->literal_fw_nodes, &b->id) : NULL;

	if (!captured)
		return dimm_firmware_node(m, b, out);
	if (out)
		g_string_append(out, captured);
	return true;
}

/* K_BLOCK: memoryN/ */
static bool block_exists(const struct machine *m, tree_node n)
{
	return m->has_memory_dir && node_block(m, n);
}
static tree_node block_parent(tree_node n)
{
	(void)n;
	return dir_node(D_MEMORY);
}
static int block_lookup(const struct machine *m, tree_node dir, const char *name, tree_node *child)
{
	uint64_t obj = obj_of(dir), nid;

	if (lookup_attr(m, &block_attrs, K_BLOCK_ATTR, obj, name, child) == 0)
		return 0;
	if (strcmp(name, "firmware_node") == 0 &&
	    block_firmware_node(m, node_block(m, dir), NULL)) {
		*child = make(K_BLOCK_FW_LINK, obj, 0);
		return 0;
	}
	if (parse_numbered(name, "node", &nid) && nid < MAX_NUMNODES &&
	    block_in_node(m, node_block(m, dir), (int)nid)) {
		*child = make(K_BLOCK_NODE_LINK, obj, (unsigned)nid);
		return 0;
	}
	return -ENOENT;
}
static void block_emit(struct dir_walk *w, const struct machine *m, tree_node dir)
{
	uint64_t obj = obj_of(dir);
	int nids[64];
	int n = block_nodes(m, node_block(m, dir), nids, G_N_ELEMENTS(nids));
	char name[32];

	/* Right before node0, where kernfs's hash order puts it too (seen on
	 * 6.1 and 6.12: uevent, firmware_node, node0, power, online ...). */
	if (block_firmware_node(m, node_block(m, dir), NULL) &&
	    !emit(w, "firmware_node", make(K_BLOCK_FW_LINK, obj, 0), TREE_LINK))
		return;
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "node%d", nids[i]);
		if (!emit(w, name, make(K_BLOCK_NODE_LINK, obj, (unsigned)nids[i]), TREE_LINK))
			return;
	}
	emit_attrs(w, m, &block_attrs, K_BLOCK_ATTR, obj);
}

/* K_BLOCK_ATTR: memoryN/FILE, and memoryN/power/ */
static int block_power_lookup(const struct machine *m, tree_node dir, const char *name,
			      tree_node *child)
{
	if (sub_of(dir) != BLOCK_ATTR_POWER)
		return -ENOTDIR;
	return lookup_attr(m, &power_attrs, K_BLOCK_POWER_ATTR, obj_of(dir), name, child);
}
static void block_power_emit(struct dir_walk *w, const struct machine *m, tree_node dir)
{
	emit_attrs(w, m, &power_attrs, K_BLOCK_POWER_ATTR, obj_of(dir));
}

/* K_BLOCK_POWER_ATTR: memoryN/power/FILE */
static bool block_power_attr_exists(const struct machine *m, tree_node n)
{
	return block_exists(m, n) && attr_index_exists(m, &power_attrs, sub_of(n));
}
static tree_node block_power_attr_parent(tree_node n)
{
	return make(K_BLOCK_ATTR, obj_of(n), BLOCK_ATTR_POWER);
}
/* power/ files belong to their device: memoryN/power itself. */
static uint64_t block_power_callback(tree_node n)
{
	return make(K_BLOCK_ATTR, obj_of(n), BLOCK_ATTR_POWER);
}

/* K_BLOCK_NODE_LINK: memoryN/nodeK -> ../../node/nodeK */
static bool block_node_link_exists(const struct machine *m, tree_node n)
{
	const struct memory_block *b = node_block(m, n);

	return b && block_in_node(m, b, (int)sub_of(n));
}
static void block_node_readlink(const struct machine *m, tree_node n, GString *out)
{
	(void)m;
	g_string_append_printf(out, "../../node/node%u", sub_of(n));
}

/* K_BLOCK_FW_LINK: memoryN/firmware_node -> its ACPI memory device (obj: the block's) */
static bool block_fw_link_exists(const struct machine *m, tree_node n)
{
	return block_exists(m, n) && block_firmware_node(m, node_block(m, n), NULL);
}
static void block_fw_readlink(const struct machine *m, tree_node n, GString *out)
{
	block_firmware_node(m, node_block(m, n), out);
}

/* K_NODE_BLOCK_LINK: nodeK/memoryN -> ../../memory/memoryN */
static tree_node node_block_link_parent(tree_node n)
{
	return make(K_NODE, sub_of(n), 0);
}
static void node_block_readlink(const struct machine *m, tree_node n, GString *out)
{
	(void)m;
	g_string_append_printf(out, "../../memory/memory%" PRIu64, block_id_of(n));
}

/* K_BUS_BLOCK_LINK: bus/memory/devices/memoryN */
static bool any_block_exists(const struct machine *m, tree_node n)
{
	return node_block(m, n) != NULL;
}
static tree_node bus_block_parent(tree_node n)
{
	(void)n;
	return dir_node(D_BUS_DEVICES);
}
static void bus_block_readlink(const struct machine *m, tree_node n, GString *out)
{
	(void)m;
	g_string_append_printf(out, "../../../devices/system/memory/memory%" PRIu64,
			       block_id_of(n));
}

/* K_MEMMAP: /sys/firmware/memmap/N */
static bool memmap_exists(const struct machine *m, tree_node n)
{
	return m->has_firmware_map && obj_of(n) <= UINT32_MAX &&
	       firmware_map_find(&m->firmware_map, (unsigned)obj_of(n));
}
static tree_node memmap_parent(tree_node n)
{
	(void)n;
	return dir_node(D_MEMMAP);
}

/* K_NODE: /sys/devices/system/node/nodeK */
static bool node_exists(const struct machine *m, tree_node n)
{
	return m->has_memory_dir && obj_of(n) < MAX_NUMNODES && machine_node(m, (int)obj_of(n));
}
static tree_node node_parent(tree_node n)
{
	(void)n;
	return dir_node(D_NODE);
}
static int node_lookup(const struct machine *m, tree_node dir, const char *name, tree_node *child)
{
	const struct memory_block *b;
	uint64_t id;

	if (!parse_numbered(name, "memory", &id) || !(b = block_of(m, id)) ||
	    !block_in_node(m, b, (int)obj_of(dir)))
		return -ENOENT;
	*child = make(K_NODE_BLOCK_LINK, block_obj(b), (unsigned)obj_of(dir));
	return 0;
}
static void node_emit(struct dir_walk *w, const struct machine *m, tree_node dir)
{
	emit_blocks(w, m, K_NODE_BLOCK_LINK, TREE_LINK, (int)obj_of(dir));
}

/* K_INJECT_ACTION: notifier-error-inject/memory/actions/MEM_X/ */
static bool inject_exists(const struct machine *m, tree_node n)
{
	return m->has_memory_dir && obj_of(n) < NR_MEM_ACTIONS &&
	       mem_action_exists(&m->profile, (enum mem_action)obj_of(n));
}
static tree_node inject_parent(tree_node n)
{
	(void)n;
	return dir_node(D_NEI_ACTIONS);
}

/* K_FAULT_BLOCK: debug/hotplugfs/memoryN/ */
static tree_node fault_block_parent(tree_node n)
{
	(void)n;
	return dir_node(D_HOTPLUGFS_DEBUG);
}

/* K_CPU: /sys/devices/system/cpu/cpuN */
static bool cpu_exists(const struct machine *m, tree_node n)
{
	return m->has_memory_dir && obj_of(n) < m->cpus;
}
static tree_node cpu_parent(tree_node n)
{
	(void)n;
	return dir_node(D_CPU);
}

/* K_ND and K_ND_LINK: nd_tree.c */
static bool nd_exists(const struct machine *m, tree_node n)
{
	return sub_of(n) ? nd_file_exists(m, obj_of(n), sub_of(n)) : nd_dir_exists(m, obj_of(n));
}
static const struct attr *nd_attr(tree_node n)
{
	return sub_of(n) ? nd_file_attr(obj_of(n), sub_of(n)) : NULL;
}
static tree_node nd_parent(const struct machine *m, tree_node n)
{
	return sub_of(n) ? make(K_ND, obj_of(n), 0) : nd_dir_parent(m, obj_of(n));
}
static int nd_lookup(const struct machine *m, tree_node dir, const char *name, tree_node *child)
{
	struct nd_find f = { name, 0 };

	if (nd_attr_lookup(m, obj_of(dir), name, child))
		return 0;
	nd_dir_list(m, obj_of(dir), nd_find_entry, &f);
	if (!f.found)
		return -ENOENT;
	*child = f.found;
	return 0;
}
static void nd_emit(struct dir_walk *w, const struct machine *m, tree_node dir)
{
	nd_dir_list(m, obj_of(dir), nd_emit_entry, w);
}
static bool nd_link_node_exists(const struct machine *m, tree_node n)
{
	return nd_link_exists(m, obj_of(n), sub_of(n));
}
static tree_node nd_link_node_parent(tree_node n)
{
	return nd_link_parent(obj_of(n), sub_of(n));
}
static void nd_link_readlink(const struct machine *m, tree_node n, GString *out)
{
	nd_readlink(m, obj_of(n), sub_of(n), out);
}
static tree_node nd_link_node_target(const struct machine *m, tree_node n)
{
	return make(K_ND, nd_link_target(m, obj_of(n), sub_of(n)), 0);
}

#define OBJECT_DIR(tbl, fk) .lookup = object_dir_lookup, .emit = object_dir_emit, \
	.files = &(tbl), .file_kind = (fk)
#define OBJECT_FILE_OF(tbl, dk, cb) .exists = object_attr_exists, .attr = object_attr, \
	.parent = object_attr_parent, .callback_obj = (cb), .table = &(tbl), .dir = (dk)
#define OBJECT_FILE(tbl, dk) OBJECT_FILE_OF(tbl, dk, obj_callback)
/* A block's files: their show and store get the block id. */
#define BLOCK_FILE(tbl, dk) OBJECT_FILE_OF(tbl, dk, block_callback)

static const struct kind_ops kinds[NR_KINDS] = {
	[K_DIR] = { .exists = dir_node_exists, .parent = dir_parent, .lookup = dir_lookup,
		    .emit = dir_emit },
	[K_DIR_ATTR] = { .exists = dir_attr_exists, .attr = dir_attr, .parent = dir_attr_parent,
			 .callback_obj = dir_attr_callback },
	[K_BLOCK] = { .exists = block_exists, .parent = block_parent, .lookup = block_lookup,
		      .emit = block_emit },
	/* memoryN/power is one of these files, and a directory. */
	[K_BLOCK_ATTR] = { BLOCK_FILE(block_attrs, K_BLOCK), .lookup = block_power_lookup,
			   .emit = block_power_emit },
	[K_BLOCK_POWER_ATTR] = { .exists = block_power_attr_exists, .attr = object_attr,
				 .parent = block_power_attr_parent,
				 .callback_obj = block_power_callback, .table = &power_attrs },
	[K_BLOCK_NODE_LINK] = { .exists = block_node_link_exists, .parent = object_attr_parent,
				.readlink = block_node_readlink, .dir = K_BLOCK },
	[K_BLOCK_FW_LINK] = { .exists = block_fw_link_exists, .parent = object_attr_parent,
			      .readlink = block_fw_readlink, .dir = K_BLOCK },
	[K_MEMMAP] = { .exists = memmap_exists, .parent = memmap_parent,
		       OBJECT_DIR(memmap_attrs, K_MEMMAP_ATTR) },
	[K_MEMMAP_ATTR] = { OBJECT_FILE(memmap_attrs, K_MEMMAP) },
	[K_NODE] = { .exists = node_exists, .parent = node_parent, .lookup = node_lookup,
		     .emit = node_emit },
	[K_NODE_BLOCK_LINK] = { .exists = block_node_link_exists, .parent = node_block_link_parent,
				.readlink = node_block_readlink },
	[K_BUS_BLOCK_LINK] = { .exists = any_block_exists, .parent = bus_block_parent,
			       .readlink = bus_block_readlink },
	[K_INJECT_ACTION] = { .exists = inject_exists, .parent = inject_parent,
			      OBJECT_DIR(inject_attrs, K_INJECT_ATTR) },
	[K_INJECT_ATTR] = { OBJECT_FILE(inject_attrs, K_INJECT_ACTION) },
	[K_FAULT_BLOCK] = { .exists = any_block_exists, .parent = fault_block_parent,
			    OBJECT_DIR(fault_attrs, K_FAULT_ATTR) },
	[K_FAULT_ATTR] = { BLOCK_FILE(fault_attrs, K_FAULT_BLOCK) },
	[K_CPU] = { .exists = cpu_exists, .parent = cpu_parent, OBJECT_DIR(cpu_attrs, K_CPU_ATTR) },
	[K_CPU_ATTR] = { OBJECT_FILE(cpu_attrs, K_CPU) },
	[K_ND] = { .exists = nd_exists, .attr = nd_attr, .parent_in = nd_parent, .lookup = nd_lookup,
		   .emit = nd_emit, .callback_obj = obj_callback },
	[K_ND_LINK] = { .exists = nd_link_node_exists, .parent = nd_link_node_parent,
			.readlink = nd_link_readlink, .target = nd_link_node_target },
};

/* The row of n, or NULL for an id no kind has. */
static const struct kind_ops *ops_of(tree_node n)
{
	return kind_of(n) < NR_KINDS ? &kinds[kind_of(n)] : NULL;
}

static bool exists(const struct machine *m, tree_node n)
{
	const struct kind_ops *k = ops_of(n);

	return k && k->exists(m, n);
}

/* The attribute n stands for, or NULL (directories, links that are not one). */
static const struct attr *attr_of(tree_node n)
{
	const struct kind_ops *k = ops_of(n);

	return k && k->attr ? k->attr(n) : NULL;
}

/* ---- the interface -------------------------------------------------------- */

int tree_lookup(const struct machine *m, tree_node dir, const char *name, tree_node *child)
{
	const struct attr *a;

	if (!exists(m, dir))
		return -ENOENT;
	a = attr_of(dir);
	if (!ops_of(dir)->lookup || (a && a->type != TREE_DIR))
		return -ENOTDIR;
	return ops_of(dir)->lookup(m, dir, name, child);
}

int tree_stat(const struct machine *m, tree_node n, struct tree_stat *st)
{
	const struct kind_ops *k;
	const struct attr *a;

	if (!exists(m, n))
		return -ENOENT;
	k = ops_of(n);
	a = attr_of(n);
	*st = (struct tree_stat){ .type = TREE_DIR, .mode = 0755, .cls = TREE_SYSFS, .nlink = 2 };
	if (k->readlink) {
		*st = (struct tree_stat){ .type = TREE_LINK, .mode = 0777, .cls = TREE_SYSFS,
					  .nlink = 1 };
	} else if (a) {
		st->type = a->type;
		st->mode = a->mode;
		st->nlink = a->type == TREE_DIR ? 2 : 1;
		/* proc_create_reg(): procfs files report size 0. */
		if (kind_of(n) == K_DIR_ATTR)
			st->cls = dirs[obj_of(n)].cls;
	} else if (kind_of(n) == K_DIR) {
		enum objects o = dirs[dir_index(n)].objects;

		st->mode = dirs[dir_index(n)].mode;
		st->listing_changes = o == OBJ_BLOCKS || o == OBJ_BUS_BLOCKS ||
				      o == OBJ_FAULT_BLOCKS || o == OBJ_NODES || o == OBJ_MEMMAP;
	} else if (kind_of(n) == K_NODE || kind_of(n) == K_ND) {
		st->listing_changes = true;
	}
	return 0;
}

tree_node tree_parent(const struct machine *m, tree_node n)
{
	const struct kind_ops *k = ops_of(n);

	if (!k)
		return TREE_ROOT;
	return k->parent_in ? k->parent_in(m, n) : k->parent(n);
}

int tree_readdir(const struct machine *m, tree_node dir, uint64_t cursor, tree_dirent_fn fn,
		 void *ctx)
{
	struct dir_walk w = { .fn = fn, .ctx = ctx, .from = cursor };
	struct tree_stat st;
	int rc = tree_stat(m, dir, &st);

	if (rc)
		return rc;
	if (st.type != TREE_DIR || !ops_of(dir)->emit)
		return -ENOTDIR;
	ops_of(dir)->emit(&w, m, dir);
	return 0;
}

bool tree_exists(const struct machine *m, tree_node n)
{
	return exists(m, n);
}

uint32_t tree_generation(const struct machine *m, tree_node n)
{
	const struct memory_block *b;

	switch (kind_of(n)) {
	case K_BLOCK: case K_BLOCK_ATTR: case K_BLOCK_POWER_ATTR: case K_BLOCK_NODE_LINK:
	case K_NODE_BLOCK_LINK: case K_BUS_BLOCK_LINK: case K_FAULT_BLOCK: case K_FAULT_ATTR:
		b = node_block(m, n);
		return b ? b->gen : 0;
	default:
		return 0;
	}
}

/* kernfs_get_active() fails once a node is removed: -ENODEV for I/O. */
int tree_read(const struct machine *m, tree_node n, const struct tree_reader *who, GString *out)
{
	const struct attr *a;

	if (!exists(m, n))
		return -ENODEV;
	a = attr_of(n);
	if (!a || a->type == TREE_DIR)
		return -EISDIR;
	if (a->type != TREE_FILE)
		return -EINVAL;
	/* kernfs_fop_open(): no show() means the file cannot be opened for reading. */
	if (!a->show)
		return -EACCES;
	return a->show(m, ops_of(n)->callback_obj(n), who, out);
}

int tree_write(struct machine *m, tree_node n, const char *buf, size_t len)
{
	const struct attr *a;

	if (!exists(m, n))
		return -ENODEV;
	a = attr_of(n);
	if (!a || a->type == TREE_DIR)
		return -EISDIR;
	if (a->type != TREE_FILE || !a->store)
		return -EACCES;
	/* An empty write: sysfs_kf_write() (6.12) stores nothing; debugfs's
	 * simple_attr_write() parses the empty string.  Either way the store
	 * sees a string, as kernfs and debugfs copy and terminate the bytes. */
	if (len == 0) {
		if (kind_of(n) != K_INJECT_ATTR && kind_of(n) != K_FAULT_ATTR)
			return 0;
		buf = "";
	}
	return a->store(m, ops_of(n)->callback_obj(n), buf, len);
}

int tree_readlink(const struct machine *m, tree_node n, GString *out)
{
	const struct attr *a;

	if (!exists(m, n))
		return -ENOENT;
	if (ops_of(n)->readlink) {
		ops_of(n)->readlink(m, n, out);
		return 0;
	}
	a = attr_of(n);
	if (!a || a->type != TREE_LINK)
		return -EINVAL;
	g_string_append(out, a->link);
	return 0;
}

/* The node the text of link leads to, walked from the link's directory
 * ("../../node/node0"). */
static int follow_text(const struct machine *m, tree_node link, tree_node *out)
{
	g_autoptr(GString) text = g_string_new(NULL);
	g_auto(GStrv) parts = NULL;
	tree_node n = tree_parent(m, link);
	int rc = tree_readlink(m, link, text);

	if (rc)
		return rc;
	parts = g_strsplit(text->str, "/", -1);
	for (char **p = parts; *p; p++) {
		if (!strcmp(*p, ".."))
			n = tree_parent(m, n);
		else if (**p && strcmp(*p, ".") && (rc = tree_lookup(m, n, *p, &n)))
			return rc;
	}
	*out = n;
	return 0;
}

int tree_link_target(const struct machine *m, tree_node link, tree_node *out)
{
	tree_node n;
	int rc;

	if (!exists(m, link))
		return -ENOENT;
	if (!ops_of(link)->target)
		return follow_text(m, link, out);
	n = ops_of(link)->target(m, link);
	rc = exists(m, n) ? 0 : -ENOENT;
	if (!rc)
		*out = n;
	return rc;
}

int tree_resolve(const struct machine *m, const char *path, tree_node *out)
{
	g_auto(GStrv) parts = g_strsplit(path, "/", -1);
	tree_node n = TREE_ROOT;

	for (char **p = parts; *p; p++) {
		int rc;

		if (!**p || strcmp(*p, ".") == 0)
			continue;
		rc = tree_lookup(m, n, *p, &n);
		if (rc)
			return rc;
	}
	*out = n;
	return 0;
}

struct name_search {
	tree_node want;
	GString *name;
};

static int match_name(void *ctx, const char *name, tree_node n, enum tree_type type,
		      uint64_t cursor)
{
	struct name_search *s = ctx;

	(void)type;
	(void)cursor;
	if (n != s->want)
		return 0;
	g_string_assign(s->name, name);
	return 1;
}

int tree_path(const struct machine *m, tree_node n, GString *out)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

	if (!exists(m, n))
		return -ENOENT;
	/* Each name is found in its parent's listing: a store's path is asked
	 * for once, and the longest listing is memory/'s. */
	while (n != TREE_ROOT) {
		tree_node parent = tree_parent(m, n);
		struct name_search s = { n, g_string_new(NULL) };

		tree_readdir(m, parent, 0, match_name, &s);
		if (!s.name->len) {
			g_string_free(s.name, TRUE);
			return -ENOENT;
		}
		g_ptr_array_add(names, g_string_free(s.name, FALSE));
		n = parent;
	}
	g_string_truncate(out, 0);
	for (guint i = names->len; i-- > 0;) {
		if (out->len)
			g_string_append_c(out, '/');
		g_string_append(out, names->pdata[i]);
	}
	return 0;
}

/* ---- caching ---------------------------------------------------------------- */

enum tree_cache tree_cache_class(const struct machine *m, tree_node n)
{
	const struct attr *a;

	if (!exists(m, n))
		return TREE_CACHE_NONE;
	a = attr_of(n);
	if (!a || a->type != TREE_FILE)
		return TREE_CACHE_NONE;
	if (a->cache_class)
		return a->cache_class(m, ops_of(n)->callback_obj(n));
	return a->cache;
}

void tree_block_files(const struct machine *m, uint64_t id, void (*fn)(void *ctx, tree_node n),
		      void *ctx)
{
	const struct memory_block *b = block_of(m, id);
	uint64_t obj;

	if (!b)
		return;
	obj = block_obj(b);
	for (unsigned i = 0; i < block_attrs.n; i++)
		fn(ctx, make(K_BLOCK_ATTR, obj, i));
	for (unsigned i = 0; i < power_attrs.n; i++)
		fn(ctx, make(K_BLOCK_POWER_ATTR, obj, i));
	for (unsigned i = 0; i < fault_attrs.n; i++)
		fn(ctx, make(K_FAULT_ATTR, obj, i));
}

void tree_removed_files(const struct machine *m, const struct event *e,
			void (*fn)(void *ctx, tree_node n), void *ctx)
{
	if (e->kind == EVENT_UEVENT && e->uevent == UEVENT_REMOVE)
		tree_block_files(m, e->block, fn, ctx);
	if (e->kind == EVENT_FIRMWARE_MAP && e->change == CHANGE_REMOVE)
		for (unsigned i = 0; i < memmap_attrs.n; i++)
			fn(ctx, make(K_MEMMAP_ATTR, e->nr, i));
}

/* ---- what a change did ---------------------------------------------------- */

static void block_gone(const struct machine *m, uint64_t id, tree_change_fn fn, void *ctx)
{
	char name[32];

	snprintf(name, sizeof(name), "memory%" PRIu64, id);
	fn(ctx, TREE_NAME_REMOVED, dir_node(D_MEMORY), name);
	fn(ctx, TREE_NAME_REMOVED, dir_node(D_BUS_DEVICES), name);
	fn(ctx, TREE_NAME_REMOVED, dir_node(D_HOTPLUGFS_DEBUG), name);
	/* The block's node went with it: its link is dropped from every node
	 * (few; a node that never had it costs the caller nothing cached). */
	for (guint i = 0; i < m->nodes->len; i++)
		fn(ctx, TREE_NAME_REMOVED,
		   make(K_NODE, (uint64_t)g_array_index(m->nodes, struct numa_node, i).nid, 0), name);
}

void tree_event_changes(const struct machine *m, const struct event *e, tree_change_fn fn,
			void *ctx)
{
	char name[16];

	switch (e->kind) {
	case EVENT_UEVENT:
		/* A synthetic uevent changes nothing (a write to the uevent file). */
		if (e->synth)
			break;
		if (e->uevent == UEVENT_REMOVE)
			block_gone(m, e->block, fn, ctx);
		/* Listings and link counts (which count subdirectories) change. */
		if (e->uevent == UEVENT_REMOVE || e->uevent == UEVENT_ADD) {
			fn(ctx, TREE_NODE_CHANGED, dir_node(D_MEMORY), NULL);
			fn(ctx, TREE_NODE_CHANGED, dir_node(D_BUS_DEVICES), NULL);
			fn(ctx, TREE_NODE_CHANGED, dir_node(D_HOTPLUGFS_DEBUG), NULL);
			/* A block may bring its node online, and joins its listing. */
			fn(ctx, TREE_NODE_CHANGED, dir_node(D_NODE), NULL);
			for (guint i = 0; i < m->nodes->len; i++)
				fn(ctx, TREE_NODE_CHANGED,
				   make(K_NODE, (uint64_t)g_array_index(m->nodes, struct numa_node, i).nid,
					0), NULL);
		}
		break;
	case EVENT_FIRMWARE_MAP:
		if (e->change == CHANGE_REMOVE) {
			snprintf(name, sizeof(name), "%u", e->nr);
			fn(ctx, TREE_NAME_REMOVED, dir_node(D_MEMMAP), name);
		}
		fn(ctx, TREE_NODE_CHANGED, dir_node(D_MEMMAP), NULL);
		break;
	case EVENT_DEVICE:
		/* nd and dax devices came, went or changed drivers; their bus,
		 * class and /sys/dev/char listings with them. */
		if (!nd_event_is_ours(e))
			break;
		fn(ctx, TREE_NODE_CHANGED, dir_node(D_SYS), NULL);
		fn(ctx, TREE_NODE_CHANGED, dir_node(D_DEVICES), NULL);
		fn(ctx, TREE_NODE_CHANGED, dir_node(D_BUS), NULL);
		fn(ctx, TREE_NODE_CHANGED, dir_node(D_MODULE), NULL);
		nd_event_changes(m, fn, ctx);
		break;
	case EVENT_NOTIFY:
	case EVENT_IOMEM:
	case EVENT_DEVICE_UEVENT:   /* its EVENT_DEVICE said what changed */
		break;
	}
}

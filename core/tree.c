/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file tree: static directories and files from one table, and per-object
 * directories (memory blocks, firmware-map entries, nodes, cpus) from the
 * attribute tables of attrs_*.c, in the style of the kernel's DEVICE_ATTR_RW
 * tables.  Nothing is allocated per file; node ids are computed (see tree.h).
 */
#include "tree.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "machine.h"

/* ---- node ids ---------------------------------------------------------- */

enum kind {
	K_STATIC,            /* sub: static index + 1 */
	K_BLOCK,             /* obj: block id */
	K_BLOCK_ATTR,        /* obj: block id, sub: block_attrs[] index */
	K_BLOCK_POWER_ATTR,  /* obj: block id, sub: power_attrs[] index */
	K_BLOCK_NODE_LINK,   /* obj: block id, sub: nid */
	K_MEMMAP,            /* obj: entry number */
	K_MEMMAP_ATTR,       /* obj: entry number, sub: memmap_attrs[] index */
	K_NODE,              /* obj: nid */
	K_NODE_BLOCK_LINK,   /* obj: block id, sub: nid */
	K_BUS_BLOCK_LINK,    /* obj: block id */
	K_INJECT_ACTION,     /* obj: enum mem_action */
	K_INJECT_ERROR,      /* obj: enum mem_action */
	K_FAULT_BLOCK,       /* obj: block id */
	K_FAULT_ATTR,        /* obj: block id, sub: fault_attrs[] index */
	K_CPU,               /* obj: cpu number */
	K_CPU_ATTR,          /* obj: cpu number, sub: cpu_attrs[] index */
};

#define OBJ_BITS 40
#define OBJ_MAX ((UINT64_C(1) << OBJ_BITS) - 1)

static tree_node make(enum kind k, uint64_t obj, unsigned sub)
{
	return (uint64_t)k << 56 | (obj & OBJ_MAX) << 16 | sub;
}
static enum kind kind_of(tree_node n) { return (enum kind)(n >> 56); }
static uint64_t obj_of(tree_node n) { return (n >> 16) & OBJ_MAX; }
static unsigned sub_of(tree_node n) { return n & 0xffff; }

static bool has_iomem(const struct machine *m) { return m->has_iomem; }
static bool has_memory(const struct machine *m) { return m->has_memory_dir; }
static bool has_memmap(const struct machine *m) { return m->has_firmware_map; }
static bool has_probe(const struct machine *m)
{
	return m->has_memory_dir && m->profile.memory_probe;
}
static bool has_crash_hotplug(const struct machine *m)
{
	return m->has_memory_dir && profile_has_crash_hotplug(&m->profile);
}
/* CONFIG_MEMORY_FAILURE: Debian's x86_64 kernels have it. */
static bool has_memory_failure(const struct machine *m)
{
	return m->has_memory_dir && m->profile.arch == ARCH_X86_64;
}

enum dynamic { DYN_NONE, DYN_BLOCKS, DYN_NODES, DYN_MEMMAP, DYN_BUS_BLOCKS, DYN_INJECT,
	       DYN_FAULT_BLOCKS, DYN_CPUS };

struct static_entry {
	struct attr a;
	int parent;                            /* static index */
	bool (*exists)(const struct machine *m); /* NULL: always */
	enum dynamic dyn;                      /* objects listed after the fixed entries */
	bool power;                            /* a power/ directory of a device */
};

enum {
	S_ROOT, S_PROC, S_SYS, S_DEVICES, S_SYSTEM, S_MEMORY, S_MEMORY_POWER, S_NODE,
	S_FIRMWARE, S_MEMMAP, S_BUS, S_BUS_MEMORY, S_BUS_DEVICES, S_MODULE, S_MODULE_MHP,
	S_PARAMS, S_KERNEL, S_DEBUG, S_NEI, S_NEI_MEMORY, S_NEI_ACTIONS, S_HOTPLUGFS_DEBUG,
	S_CPU,
	S_FIXED_DIRS
};

#define DIR_MODE(n, mode, p, ex, dy) { { n, TREE_DIR, mode, NULL, NULL, NULL, NULL }, p, ex, dy, false }
#define DIR_ENTRY(n, p, ex, dy) DIR_MODE(n, 0755, p, ex, dy)
#define FILE_ENTRY(attr, p, ex) { attr, p, ex, DYN_NONE, false }

static const struct static_entry statics[] = {
	[S_ROOT] = DIR_ENTRY("", S_ROOT, NULL, DYN_NONE),
	[S_PROC] = DIR_ENTRY("proc", S_ROOT, NULL, DYN_NONE),
	[S_SYS] = DIR_ENTRY("sys", S_ROOT, NULL, DYN_NONE),
	[S_DEVICES] = DIR_ENTRY("devices", S_SYS, has_memory, DYN_NONE),
	[S_SYSTEM] = DIR_ENTRY("system", S_DEVICES, has_memory, DYN_NONE),
	[S_MEMORY] = DIR_ENTRY("memory", S_SYSTEM, has_memory, DYN_BLOCKS),
	[S_MEMORY_POWER] = { { "power", TREE_DIR, 0755, NULL, NULL, NULL, NULL }, S_MEMORY, has_memory,
			     DYN_NONE, true },
	[S_NODE] = DIR_ENTRY("node", S_SYSTEM, has_memory, DYN_NODES),
	[S_FIRMWARE] = DIR_ENTRY("firmware", S_SYS, has_memmap, DYN_NONE),
	[S_MEMMAP] = DIR_ENTRY("memmap", S_FIRMWARE, has_memmap, DYN_MEMMAP),
	[S_BUS] = DIR_ENTRY("bus", S_SYS, has_memory, DYN_NONE),
	[S_BUS_MEMORY] = DIR_ENTRY("memory", S_BUS, has_memory, DYN_NONE),
	[S_BUS_DEVICES] = DIR_ENTRY("devices", S_BUS_MEMORY, has_memory, DYN_BUS_BLOCKS),
	[S_MODULE] = DIR_ENTRY("module", S_SYS, has_memory, DYN_NONE),
	[S_MODULE_MHP] = DIR_ENTRY("memory_hotplug", S_MODULE, has_memory, DYN_NONE),
	[S_PARAMS] = DIR_ENTRY("parameters", S_MODULE_MHP, has_memory, DYN_NONE),
	[S_KERNEL] = DIR_ENTRY("kernel", S_SYS, NULL, DYN_NONE),
	/* debugfs is mounted mode 0700 */
	[S_DEBUG] = DIR_MODE("debug", 0700, S_KERNEL, has_memory, DYN_NONE),
	[S_NEI] = DIR_ENTRY("notifier-error-inject", S_DEBUG, has_memory, DYN_NONE),
	[S_NEI_MEMORY] = DIR_ENTRY("memory", S_NEI, has_memory, DYN_NONE),
	[S_NEI_ACTIONS] = DIR_ENTRY("actions", S_NEI_MEMORY, has_memory, DYN_INJECT),
	[S_HOTPLUGFS_DEBUG] = DIR_ENTRY("hotplugfs", S_DEBUG, has_memory, DYN_FAULT_BLOCKS),
	[S_CPU] = DIR_ENTRY("cpu", S_SYSTEM, has_memory, DYN_CPUS),
	/* files */
	FILE_ENTRY(ATTR_RO(iomem, show_iomem), S_PROC, has_iomem),
	FILE_ENTRY(ATTR_RO(cmdline, show_cmdline), S_PROC, NULL),
	FILE_ENTRY(ATTR_RO(kallsyms, show_kallsyms), S_PROC, NULL),
	/* proc_create("kcore", S_IRUSR, ...) */
	{ { "kcore", TREE_FILE, 0400, show_kcore, NULL, NULL, NULL }, S_PROC, NULL, DYN_NONE, false },
	FILE_ENTRY(ATTR_RO(kexec_loaded, show_kexec_loaded), S_KERNEL, NULL),
	FILE_ENTRY(ATTR_RO(kexec_crash_loaded, show_kexec_crash_loaded), S_KERNEL, NULL),
	FILE_ENTRY(ATTR_RW(kexec_crash_size, show_kexec_crash_size, store_kexec_crash_size), S_KERNEL,
		   NULL),
	FILE_ENTRY(ATTR_RO(vmcoreinfo, show_vmcoreinfo), S_KERNEL, NULL),
	FILE_ENTRY(ATTR_RW(auto_online_blocks, show_auto_online, store_auto_online), S_MEMORY,
		   has_memory),
	FILE_ENTRY(ATTR_RO(block_size_bytes, show_block_size), S_MEMORY, has_memory),
	FILE_ENTRY(ATTR_RO(crash_hotplug, show_crash_hotplug), S_MEMORY, has_crash_hotplug),
	FILE_ENTRY(ATTR_WO(probe, store_probe), S_MEMORY, has_probe),
	FILE_ENTRY(ATTR_WO(hard_offline_page, store_hard_offline), S_MEMORY, has_memory_failure),
	FILE_ENTRY(ATTR_WO(soft_offline_page, store_soft_offline), S_MEMORY, has_memory_failure),
	FILE_ENTRY(ATTR_RW(uevent, show_empty, store_uevent), S_MEMORY, has_memory),
	FILE_ENTRY(ATTR_RO(memmap_on_memory, show_memmap_on_memory), S_PARAMS, has_memory),
	FILE_ENTRY(ATTR_RW(online_policy, show_online_policy, store_online_policy), S_PARAMS,
		   has_memory),
	FILE_ENTRY(ATTR_RW(auto_movable_ratio, show_ratio, store_ratio), S_PARAMS, has_memory),
	FILE_ENTRY(ATTR_RW(auto_movable_numa_aware, show_numa_aware, store_numa_aware), S_PARAMS,
		   has_memory),
};

/* The memory root device's power/ files reuse power_attrs with the
 * K_BLOCK_POWER_ATTR kind and an object id that no block can have. */
#define ROOT_DEVICE OBJ_MAX

static bool static_exists(const struct machine *m, int i)
{
	return !statics[i].exists || statics[i].exists(m);
}

/* ---- name helpers ------------------------------------------------------ */

/* "memory%u"-style names: the prefix then a canonical decimal number. */
static bool parse_numbered(const char *name, const char *prefix, uint64_t *out)
{
	size_t pl = strlen(prefix);
	const char *digits = name + pl;
	char *end;

	if (strncmp(name, prefix, pl) != 0 || !g_ascii_isdigit(digits[0]) ||
	    (digits[0] == '0' && digits[1]))
		return false;
	errno = 0;
	*out = strtoull(digits, &end, 10);
	return !*end && !errno && *out <= OBJ_MAX;
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

/* ---- lookup ------------------------------------------------------------ */

static bool attr_exists(const struct machine *m, const struct attr *a)
{
	return !a->exists || a->exists(m);
}

static int find_attr(const struct machine *m, const struct attr *attrs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(attrs[i].name, name) == 0 && attr_exists(m, &attrs[i]))
			return (int)i;
	return -1;
}

/* The attribute called name of an object's directory, as a node of kind k. */
static int lookup_attr(const struct machine *m, const struct attr *attrs, unsigned n, enum kind k,
		       uint64_t obj, const char *name, tree_node *child)
{
	int a = find_attr(m, attrs, n, name);

	if (a < 0)
		return -ENOENT;
	*child = make(k, obj, (unsigned)a);
	return 0;
}

static int lookup_static(const struct machine *m, int dir, const char *name, tree_node *child)
{
	uint64_t id;

	for (int i = 0; i < (int)G_N_ELEMENTS(statics); i++) {
		if (i != S_ROOT && statics[i].parent == dir && static_exists(m, i) &&
		    strcmp(statics[i].a.name, name) == 0) {
			*child = make(K_STATIC, 0, (unsigned)i + 1);
			return 0;
		}
	}
	if (statics[dir].power)
		return lookup_attr(m, power_attrs, power_attrs_len, K_BLOCK_POWER_ATTR, ROOT_DEVICE,
				   name, child);
	switch (statics[dir].dyn) {
	case DYN_BLOCKS:
		if (!parse_numbered(name, "memory", &id) || !block_of(m, id))
			return -ENOENT;
		*child = make(K_BLOCK, id, 0);
		return 0;
	case DYN_BUS_BLOCKS:
		if (!parse_numbered(name, "memory", &id) || !block_of(m, id))
			return -ENOENT;
		*child = make(K_BUS_BLOCK_LINK, id, 0);
		return 0;
	case DYN_NODES:
		if (!parse_numbered(name, "node", &id) || id >= MAX_NUMNODES ||
		    !machine_node(m, (int)id))
			return -ENOENT;
		*child = make(K_NODE, id, 0);
		return 0;
	case DYN_MEMMAP:
		if (!parse_numbered(name, "", &id) || id > UINT32_MAX ||
		    !firmware_map_find(&m->firmware_map, (unsigned)id))
			return -ENOENT;
		*child = make(K_MEMMAP, id, 0);
		return 0;
	case DYN_INJECT: {
		enum mem_action a;

		if (!mem_action_parse(name, &a) || !mem_action_exists(&m->profile, a))
			return -ENOENT;
		*child = make(K_INJECT_ACTION, a, 0);
		return 0;
	}
	case DYN_FAULT_BLOCKS:
		if (!parse_numbered(name, "memory", &id) || !block_of(m, id))
			return -ENOENT;
		*child = make(K_FAULT_BLOCK, id, 0);
		return 0;
	case DYN_CPUS:
		if (!parse_numbered(name, "cpu", &id) || id >= m->cpus)
			return -ENOENT;
		*child = make(K_CPU, id, 0);
		return 0;
	case DYN_NONE:
		break;
	}
	return -ENOENT;
}

static int lookup_block(const struct machine *m, uint64_t id, const char *name, tree_node *child)
{
	int a = find_attr(m, block_attrs, block_attrs_len, name);
	uint64_t nid;

	if (a >= 0) {
		*child = make(K_BLOCK_ATTR, id, (unsigned)a);
		return 0;
	}
	if (parse_numbered(name, "node", &nid) && nid < MAX_NUMNODES &&
	    block_in_node(m, block_of(m, id), (int)nid)) {
		*child = make(K_BLOCK_NODE_LINK, id, (unsigned)nid);
		return 0;
	}
	return -ENOENT;
}

static bool node_exists(const struct machine *m, tree_node n);

int tree_lookup(const struct machine *m, tree_node dir, const char *name, tree_node *child)
{
	uint64_t obj = obj_of(dir), id;

	if (!node_exists(m, dir))
		return -ENOENT;
	switch (kind_of(dir)) {
	case K_STATIC:
		if (statics[sub_of(dir) - 1].a.type != TREE_DIR)
			return -ENOTDIR;
		return lookup_static(m, (int)sub_of(dir) - 1, name, child);
	case K_BLOCK:
		return lookup_block(m, obj, name, child);
	case K_BLOCK_ATTR:
		if (sub_of(dir) != BLOCK_ATTR_POWER)
			return -ENOTDIR;
		return lookup_attr(m, power_attrs, power_attrs_len, K_BLOCK_POWER_ATTR, obj, name, child);
	case K_MEMMAP:
		return lookup_attr(m, memmap_attrs, memmap_attrs_len, K_MEMMAP_ATTR, obj, name, child);
	case K_NODE:
		if (!parse_numbered(name, "memory", &id) || !block_of(m, id) ||
		    !block_in_node(m, block_of(m, id), (int)obj))
			return -ENOENT;
		*child = make(K_NODE_BLOCK_LINK, id, (unsigned)obj);
		return 0;
	case K_INJECT_ACTION:
		if (strcmp(name, inject_error_attr.name) != 0)
			return -ENOENT;
		*child = make(K_INJECT_ERROR, obj, 0);
		return 0;
	case K_FAULT_BLOCK:
		return lookup_attr(m, fault_attrs, fault_attrs_len, K_FAULT_ATTR, obj, name, child);
	case K_CPU:
		return lookup_attr(m, cpu_attrs, cpu_attrs_len, K_CPU_ATTR, obj, name, child);
	default:
		return -ENOTDIR;
	}
}

/* Whether a node id names something that exists now (ids outlive objects). */
static bool node_exists(const struct machine *m, tree_node n)
{
	uint64_t obj = obj_of(n);
	unsigned sub = sub_of(n);

	switch (kind_of(n)) {
	case K_STATIC:
		return sub >= 1 && sub <= G_N_ELEMENTS(statics) && static_exists(m, (int)sub - 1);
	case K_BLOCK:
		return m->has_memory_dir && block_of(m, obj);
	case K_BLOCK_ATTR:
		return block_of(m, obj) && sub < block_attrs_len;
	case K_BLOCK_POWER_ATTR:
		return sub < power_attrs_len && attr_exists(m, &power_attrs[sub]) &&
		       (obj == ROOT_DEVICE ? m->has_memory_dir : block_of(m, obj) != NULL);
	case K_BLOCK_NODE_LINK:
	case K_NODE_BLOCK_LINK:
		return block_of(m, obj) && block_in_node(m, block_of(m, obj), (int)sub);
	case K_MEMMAP:
	case K_MEMMAP_ATTR:
		return m->has_firmware_map && obj <= UINT32_MAX &&
		       firmware_map_find(&m->firmware_map, (unsigned)obj) &&
		       (kind_of(n) == K_MEMMAP || sub < memmap_attrs_len);
	case K_NODE:
		return m->has_memory_dir && obj < MAX_NUMNODES && machine_node(m, (int)obj);
	case K_BUS_BLOCK_LINK:
		return block_of(m, obj) != NULL;
	case K_INJECT_ACTION:
	case K_INJECT_ERROR:
		return m->has_memory_dir && obj < NR_MEM_ACTIONS &&
		       mem_action_exists(&m->profile, (enum mem_action)obj);
	case K_FAULT_BLOCK:
		return block_of(m, obj) != NULL;
	case K_FAULT_ATTR:
		return block_of(m, obj) && sub < fault_attrs_len;
	case K_CPU:
	case K_CPU_ATTR:
		return m->has_memory_dir && obj < m->cpus &&
		       (kind_of(n) == K_CPU || sub < cpu_attrs_len);
	}
	return false;
}

/* The attribute a file or link node stands for, or NULL for directories. */
static const struct attr *attr_of(tree_node n)
{
	switch (kind_of(n)) {
	case K_STATIC: return &statics[sub_of(n) - 1].a;
	case K_BLOCK_ATTR: return &block_attrs[sub_of(n)];
	case K_BLOCK_POWER_ATTR: return &power_attrs[sub_of(n)];
	case K_MEMMAP_ATTR: return &memmap_attrs[sub_of(n)];
	case K_INJECT_ERROR: return &inject_error_attr;
	case K_FAULT_ATTR: return &fault_attrs[sub_of(n)];
	case K_CPU_ATTR: return &cpu_attrs[sub_of(n)];
	default: return NULL;
	}
}

int tree_stat(const struct machine *m, tree_node n, struct tree_stat *st)
{
	const struct attr *a;

	if (!node_exists(m, n))
		return -ENOENT;
	a = attr_of(n);
	*st = (struct tree_stat){ .type = TREE_DIR, .mode = 0755, .cls = TREE_SYSFS, .nlink = 2 };
	switch (kind_of(n)) {
	case K_BLOCK_NODE_LINK:
	case K_NODE_BLOCK_LINK:
	case K_BUS_BLOCK_LINK:
		st->type = TREE_LINK;
		st->mode = 0777;
		st->nlink = 1;
		return 0;
	default:
		break;
	}
	if (a) {
		st->type = a->type;
		st->mode = a->mode;
		st->nlink = a->type == TREE_DIR ? 2 : 1;
		/* proc_create_reg(): procfs files report size 0. */
		if (kind_of(n) == K_STATIC && sub_of(n) - 1 >= S_FIXED_DIRS &&
		    statics[sub_of(n) - 1].parent == S_PROC)
			st->cls = TREE_PROCFS;
	}
	return 0;
}

tree_node tree_parent(const struct machine *m, tree_node n)
{
	(void)m;
	switch (kind_of(n)) {
	case K_STATIC:
		return make(K_STATIC, 0, (unsigned)statics[sub_of(n) - 1].parent + 1);
	case K_BLOCK:
		return make(K_STATIC, 0, S_MEMORY + 1);
	case K_BLOCK_POWER_ATTR:
		if (obj_of(n) == ROOT_DEVICE)
			return make(K_STATIC, 0, S_MEMORY_POWER + 1);
		return make(K_BLOCK_ATTR, obj_of(n), BLOCK_ATTR_POWER);
	case K_BLOCK_ATTR:
	case K_BLOCK_NODE_LINK:
		return make(K_BLOCK, obj_of(n), 0);
	case K_MEMMAP:
		return make(K_STATIC, 0, S_MEMMAP + 1);
	case K_MEMMAP_ATTR:
		return make(K_MEMMAP, obj_of(n), 0);
	case K_NODE:
		return make(K_STATIC, 0, S_NODE + 1);
	case K_NODE_BLOCK_LINK:
		return make(K_NODE, sub_of(n), 0);
	case K_BUS_BLOCK_LINK:
		return make(K_STATIC, 0, S_BUS_DEVICES + 1);
	case K_INJECT_ACTION:
		return make(K_STATIC, 0, S_NEI_ACTIONS + 1);
	case K_INJECT_ERROR:
		return make(K_INJECT_ACTION, obj_of(n), 0);
	case K_FAULT_BLOCK:
		return make(K_STATIC, 0, S_HOTPLUGFS_DEBUG + 1);
	case K_FAULT_ATTR:
		return make(K_FAULT_BLOCK, obj_of(n), 0);
	case K_CPU:
		return make(K_STATIC, 0, S_CPU + 1);
	case K_CPU_ATTR:
		return make(K_CPU, obj_of(n), 0);
	}
	return TREE_ROOT;
}

/* ---- readdir ----------------------------------------------------------- */

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

static void emit_attrs(struct dir_walk *w, const struct machine *m, const struct attr *attrs,
		       size_t n, enum kind k, uint64_t obj)
{
	for (size_t i = 0; i < n; i++)
		if (attr_exists(m, &attrs[i]) &&
		    !emit(w, attrs[i].name, make(k, obj, (unsigned)i), attrs[i].type))
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
		if (!emit(w, name, make(k, b->id, only_nid >= 0 ? (unsigned)only_nid : 0), type))
			return;
	}
}

static void emit_static_dir(struct dir_walk *w, const struct machine *m, int dir)
{
	char name[32];

	for (int i = 1; i < (int)G_N_ELEMENTS(statics); i++)
		if (statics[i].parent == dir && static_exists(m, i) &&
		    !emit(w, statics[i].a.name, make(K_STATIC, 0, (unsigned)i + 1), statics[i].a.type))
			return;
	if (statics[dir].power)
		emit_attrs(w, m, power_attrs, power_attrs_len, K_BLOCK_POWER_ATTR, ROOT_DEVICE);
	switch (statics[dir].dyn) {
	case DYN_BLOCKS:
		emit_blocks(w, m, K_BLOCK, TREE_DIR, -1);
		break;
	case DYN_BUS_BLOCKS:
		emit_blocks(w, m, K_BUS_BLOCK_LINK, TREE_LINK, -1);
		break;
	case DYN_FAULT_BLOCKS:
		emit_blocks(w, m, K_FAULT_BLOCK, TREE_DIR, -1);
		break;
	case DYN_INJECT:
		for (unsigned i = 0; i < inject_order_len; i++) {
			enum mem_action a = inject_order[i];

			if (mem_action_exists(&m->profile, a) &&
			    !emit(w, mem_action_name(a), make(K_INJECT_ACTION, a, 0), TREE_DIR))
				return;
		}
		break;
	case DYN_NODES:
		for (guint i = 0; i < m->nodes->len; i++) {
			int nid = g_array_index(m->nodes, struct numa_node, i).nid;

			snprintf(name, sizeof(name), "node%d", nid);
			if (!emit(w, name, make(K_NODE, (uint64_t)nid, 0), TREE_DIR))
				return;
		}
		break;
	case DYN_MEMMAP:
		for (guint i = 0; i < firmware_map_len(&m->firmware_map); i++) {
			unsigned nr = firmware_map_at(&m->firmware_map, i)->nr;

			snprintf(name, sizeof(name), "%u", nr);
			if (!emit(w, name, make(K_MEMMAP, nr, 0), TREE_DIR))
				return;
		}
		break;
	case DYN_CPUS:
		for (unsigned cpu = 0; cpu < m->cpus; cpu++) {
			snprintf(name, sizeof(name), "cpu%u", cpu);
			if (!emit(w, name, make(K_CPU, cpu, 0), TREE_DIR))
				return;
		}
		break;
	case DYN_NONE:
		break;
	}
}

static void emit_block_dir(struct dir_walk *w, const struct machine *m, uint64_t id)
{
	int nids[64];
	int n = block_nodes(m, block_of(m, id), nids, G_N_ELEMENTS(nids));
	char name[32];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "node%d", nids[i]);
		if (!emit(w, name, make(K_BLOCK_NODE_LINK, id, (unsigned)nids[i]), TREE_LINK))
			return;
	}
	emit_attrs(w, m, block_attrs, block_attrs_len, K_BLOCK_ATTR, id);
}

int tree_readdir(const struct machine *m, tree_node dir, uint64_t cursor, tree_dirent_fn fn,
		 void *ctx)
{
	struct dir_walk w = { .fn = fn, .ctx = ctx, .from = cursor };
	struct tree_stat st;
	int rc = tree_stat(m, dir, &st);

	if (rc)
		return rc;
	if (st.type != TREE_DIR)
		return -ENOTDIR;
	switch (kind_of(dir)) {
	case K_STATIC:
		emit_static_dir(&w, m, (int)sub_of(dir) - 1);
		break;
	case K_BLOCK:
		emit_block_dir(&w, m, obj_of(dir));
		break;
	case K_BLOCK_ATTR:   /* memoryN/power */
		emit_attrs(&w, m, power_attrs, power_attrs_len, K_BLOCK_POWER_ATTR, obj_of(dir));
		break;
	case K_MEMMAP:
		emit_attrs(&w, m, memmap_attrs, memmap_attrs_len, K_MEMMAP_ATTR, obj_of(dir));
		break;
	case K_NODE:
		emit_blocks(&w, m, K_NODE_BLOCK_LINK, TREE_LINK, (int)obj_of(dir));
		break;
	case K_INJECT_ACTION:
		emit(&w, inject_error_attr.name, make(K_INJECT_ERROR, obj_of(dir), 0), TREE_FILE);
		break;
	case K_FAULT_BLOCK:
		emit_attrs(&w, m, fault_attrs, fault_attrs_len, K_FAULT_ATTR, obj_of(dir));
		break;
	case K_CPU:
		emit_attrs(&w, m, cpu_attrs, cpu_attrs_len, K_CPU_ATTR, obj_of(dir));
		break;
	default:
		return -ENOTDIR;
	}
	return 0;
}

/* ---- read, write, readlink -------------------------------------------- */

/* The object a show/store callback gets: the block id, entry number, or the
 * device whose power/ file it is. */
static uint64_t callback_obj(tree_node n)
{
	if (kind_of(n) == K_BLOCK_POWER_ATTR)
		return n & ~(uint64_t)0xffff;   /* one id per device, any attribute */
	return obj_of(n);
}

int tree_read(const struct machine *m, tree_node n, const struct tree_reader *who, GString *out)
{
	const struct attr *a;

	if (!node_exists(m, n))
		return -ENOENT;
	a = attr_of(n);
	if (!a || a->type == TREE_DIR)
		return -EISDIR;
	if (a->type != TREE_FILE)
		return -EINVAL;
	/* kernfs_fop_open(): no show() means the file cannot be opened for reading. */
	if (!a->show)
		return -EACCES;
	return a->show(m, callback_obj(n), who, out);
}

int tree_write(struct machine *m, tree_node n, const char *buf, size_t len)
{
	const struct attr *a;

	if (!node_exists(m, n))
		return -ENOENT;
	a = attr_of(n);
	if (!a || a->type == TREE_DIR)
		return -EISDIR;
	if (a->type != TREE_FILE || !a->store)
		return -EACCES;
	return a->store(m, callback_obj(n), buf, len);
}

int tree_readlink(const struct machine *m, tree_node n, GString *out)
{
	const struct attr *a;

	if (!node_exists(m, n))
		return -ENOENT;
	a = attr_of(n);
	switch (kind_of(n)) {
	case K_BLOCK_NODE_LINK:
		g_string_append_printf(out, "../../node/node%u", sub_of(n));
		return 0;
	case K_NODE_BLOCK_LINK:
		g_string_append_printf(out, "../../memory/memory%" PRIu64, obj_of(n));
		return 0;
	case K_BUS_BLOCK_LINK:
		g_string_append_printf(out, "../../../devices/system/memory/memory%" PRIu64,
				       obj_of(n));
		return 0;
	default:
		if (a && a->type == TREE_LINK) {
			g_string_append(out, a->link);
			return 0;
		}
		return -EINVAL;
	}
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


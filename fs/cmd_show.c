/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hotplugfs show [--json] [--step N] FIXTURE VIEW: the files a mount would
 * serve, read through the same tree, without mounting.  iomem prints
 * /proc/iomem as a privileged reader sees it; memmap, memory and node print
 * every file below the view's directory as "path: content" (sysfs files end
 * in a newline; an empty one prints <empty>, a failing one the error) and
 * every link as "path -> target"; steps prints the number of scenario ops.
 * The machine is the fixture's after its scenario ops, or after the first N.
 *
 * --json: memory in the shape of `lsmem -J -a -b -o RANGE,SIZE,STATE,
 * REMOVABLE,BLOCK,NODE,ZONES` (util-linux 2.38, sys-utils/lsmem.c), computed
 * from the same files lsmem reads; iomem as a tree of {start, end, name,
 * children}; memmap and node as one object per directory (a file's content
 * without its newline, a link as {"link": target}); steps as {"steps": N}.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "backend.h"
#include "cli.h"
#include "commands.h"
#include "fixture.h"
#include "tree.h"

static const struct {
	const char *view;
	const char *path;
} views[] = {
	{ "iomem", "proc/iomem" },
	{ "memmap", "sys/firmware/memmap" },
	{ "memory", "sys/devices/system/memory" },
	{ "node", "sys/devices/system/node" },
};

static const struct tree_reader privileged = { .cap_sys_admin = true };

struct walk {
	GPtrArray *names;     /* entries of one directory, collected before descending */
	GArray *nodes;
};

static int collect(void *ctx, const char *name, tree_node n, enum tree_type type,
		   uint64_t next)
{
	struct walk *w = ctx;

	(void)type, (void)next;
	g_ptr_array_add(w->names, g_strdup(name));
	g_array_append_val(w->nodes, n);
	return 0;
}

/* The entries of dir in readdir order. */
static void list_dir(const struct machine *m, tree_node dir, GPtrArray *names, GArray *nodes)
{
	struct walk w = { .names = names, .nodes = nodes };

	tree_readdir(m, dir, 0, collect, &w);
}

/* ---- text --------------------------------------------------------------- */

static void print_node(const struct machine *m, tree_node n, const char *path);

static void print_dir(const struct machine *m, tree_node dir, const char *path)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(tree_node));

	list_dir(m, dir, names, nodes);
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *child = *path ? g_strdup_printf("%s/%s", path,
				(char *)g_ptr_array_index(names, i)) : g_strdup(g_ptr_array_index(names, i));

		print_node(m, g_array_index(nodes, tree_node, i), child);
	}
}

static void print_node(const struct machine *m, tree_node n, const char *path)
{
	g_autoptr(GString) s = g_string_new(NULL);
	struct tree_stat st;
	int rc;

	tree_stat(m, n, &st);
	switch (st.type) {
	case TREE_DIR:
		print_dir(m, n, path);
		return;
	case TREE_LINK:
		tree_readlink(m, n, s);
		printf("%s -> %s\n", path, s->str);
		return;
	case TREE_FILE:
		if (!(st.mode & 0444))
			return;                  /* write-only, like probe */
		rc = tree_read(m, n, &privileged, s);
		if (rc)
			printf("%s: <%s>\n", path, g_strerror(-rc));
		else if (!s->len)
			printf("%s: <empty>\n", path);
		else if (s->str[s->len - 1] != '\n')
			printf("%s: %s <no newline>\n", path, s->str);
		else
			printf("%s: %s", path, s->str);
		return;
	}
}

/* ---- JSON --------------------------------------------------------------- */

/* A file's content without its final newline, or NULL if it cannot be read. */
static char *read_text(const struct machine *m, tree_node dir, const char *name)
{
	g_autoptr(GString) s = g_string_new(NULL);
	tree_node n;

	if (tree_lookup(m, dir, name, &n) || tree_read(m, n, &privileged, s))
		return NULL;
	if (s->len && s->str[s->len - 1] == '\n')
		g_string_truncate(s, s->len - 1);
	return g_string_free(g_steal_pointer(&s), FALSE);
}

/* A directory as an object: files' contents, links as {"link": target}. */
static json_object *dir_json(const struct machine *m, tree_node dir)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(tree_node));
	json_object *o = json_object_new_object();

	list_dir(m, dir, names, nodes);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		tree_node n = g_array_index(nodes, tree_node, i);
		g_autoptr(GString) s = g_string_new(NULL);
		struct tree_stat st;
		json_object *v;
		int rc;

		tree_stat(m, n, &st);
		if (st.type == TREE_DIR) {
			v = dir_json(m, n);
		} else if (st.type == TREE_LINK) {
			tree_readlink(m, n, s);
			v = json_object_new_object();
			json_object_object_add(v, "link", json_object_new_string(s->str));
		} else if (!(st.mode & 0444)) {
			continue;
		} else if ((rc = tree_read(m, n, &privileged, s)) != 0) {
			v = json_object_new_object();
			json_object_object_add(v, "error", json_object_new_string(g_strerror(-rc)));
		} else {
			if (s->len && s->str[s->len - 1] == '\n')
				g_string_truncate(s, s->len - 1);
			v = json_object_new_string_len(s->str, (int)s->len);
		}
		json_object_object_add(o, name, v);
	}
	return o;
}

/* "memoryN": N, or -1 (lsmem's memory_block_filter). */
static long long block_number(const char *name)
{
	const char *d = name + 6;

	if (strncmp(name, "memory", 6) || !*d || strspn(d, "0123456789") != strlen(d))
		return -1;
	return g_ascii_strtoll(d, NULL, 10);
}

/* The node of a block as lsmem finds it: the first "nodeN" entry in
 * directory order, or -1 (memory_block_get_node(), 2.38). */
static int block_node(const struct machine *m, tree_node blk)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(tree_node));
	int node = -1;

	list_dir(m, blk, names, nodes);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);

		if (strncmp(name, "node", 4) == 0 && name[4] &&
		    strspn(name + 4, "0123456789") == strlen(name + 4)) {
			node = atoi(name + 4);
			break;
		}
	}
	return node;
}

/* valid_zones words as lsmem names them (zone_name_to_id(), zone_names[]). */
static void zones_json(const char *valid, GString *out)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal", "Highmem", "Movable",
					     "Device", "None" };
	g_auto(GStrv) words = g_strsplit(valid ? valid : "", " ", -1);

	for (char **w = words; *w; w++) {
		const char *name = "Unknown";

		if (!**w)
			continue;
		for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
			if (g_ascii_strcasecmp(*w, names[i]) == 0)
				name = names[i];
		if (out->len)
			g_string_append_c(out, '/');
		g_string_append(out, name);
	}
}

struct block_entry {
	long long index;
	tree_node n;
};

static int by_index(gconstpointer a, gconstpointer b)
{
	long long x = ((const struct block_entry *)a)->index;
	long long y = ((const struct block_entry *)b)->index;

	return (x > y) - (x < y);
}

/* One object per block, as lsmem -J -a -b with every column of 2.38. */
static json_object *memory_json(const struct machine *m, tree_node dir)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(tree_node));
	g_autoptr(GArray) blocks = g_array_new(FALSE, FALSE, sizeof(struct block_entry));
	g_autofree char *bs = read_text(m, dir, "block_size_bytes");
	json_object *list = json_object_new_array(), *top = json_object_new_object();
	uint64_t block_size = bs ? g_ascii_strtoull(bs, NULL, 16) : 0;
	bool have_nodes = false, have_zones = false;

	list_dir(m, dir, names, nodes);
	for (guint i = 0; i < names->len; i++) {
		struct block_entry e = { block_number(g_ptr_array_index(names, i)),
					 g_array_index(nodes, tree_node, i) };

		if (e.index >= 0)
			g_array_append_val(blocks, e);
	}
	/* scandir(..., versionsort): numeric order. */
	g_array_sort(blocks, by_index);
	if (blocks->len) {
		tree_node first = g_array_index(blocks, struct block_entry, 0).n, z;

		have_nodes = block_node(m, first) != -1;
		/* lsmem asks for memory0/valid_zones (read_basic_info()). */
		have_zones = tree_resolve(m, "sys/devices/system/memory/memory0/valid_zones", &z) == 0;
	}
	for (guint i = 0; i < blocks->len; i++) {
		const struct block_entry *e = &g_array_index(blocks, struct block_entry, i);
		g_autofree char *state = read_text(m, e->n, "state");
		g_autofree char *removable = read_text(m, e->n, "removable");
		g_autofree char *valid = have_zones ? read_text(m, e->n, "valid_zones") : NULL;
		g_autofree char *range = NULL, *index = NULL;
		g_autoptr(GString) zones = g_string_new(NULL);
		uint64_t start = (uint64_t)e->index * block_size;
		const char *st = "?";
		json_object *o = json_object_new_object();

		if (!g_strcmp0(state, "online"))
			st = "online";
		else if (!g_strcmp0(state, "offline"))
			st = "offline";
		else if (!g_strcmp0(state, "going-offline"))
			st = "on->off";
		range = g_strdup_printf("0x%016" PRIx64 "-0x%016" PRIx64, start,
					start + block_size - 1);
		index = g_strdup_printf("%lld", e->index);
		json_object_object_add(o, "range", json_object_new_string(range));
		json_object_object_add(o, "size", json_object_new_uint64(block_size));
		json_object_object_add(o, "state", json_object_new_string(st));
		/* lsmem fills REMOVABLE for online blocks only; libsmartcols
		 * prints an empty boolean cell as false. */
		json_object_object_add(o, "removable", json_object_new_boolean(
			!strcmp(st, "online") && removable && g_ascii_strtoull(removable, NULL, 10)));
		json_object_object_add(o, "block", json_object_new_string(index));
		json_object_object_add(o, "node", have_nodes ?
				       json_object_new_int(block_node(m, e->n)) : NULL);
		if (have_zones)
			zones_json(valid, zones);
		json_object_object_add(o, "zones", have_zones && zones->len ?
				       json_object_new_string(zones->str) : NULL);
		json_object_array_add(list, o);
	}
	json_object_object_add(top, "memory", list);
	return top;
}

/* One resource a line, "%*s%0*llx-%0*llx : %s" (r_show(), kernel/resource.c). */
static json_object *iomem_json(const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	json_object *top = json_object_new_array();
	json_object *parents[16] = { top };

	for (char **l = lines; *l; l++) {
		size_t indent = strspn(*l, " ");
		unsigned level = (unsigned)(indent / 2);
		const char *dash = strchr(*l, '-'), *colon = strstr(*l, " : ");
		json_object *r, *children;

		if (!dash || !colon || dash > colon)
			continue;
		if (level >= G_N_ELEMENTS(parents) - 1)
			level = G_N_ELEMENTS(parents) - 2;
		while (level > 0 && !parents[level])
			level--;
		r = json_object_new_object();
		g_autofree char *start = g_strdup_printf("0x%.*s", (int)(dash - (*l + indent)),
							 *l + indent);
		g_autofree char *end = g_strdup_printf("0x%.*s", (int)(colon - dash - 1), dash + 1);

		json_object_object_add(r, "start", json_object_new_string(start));
		json_object_object_add(r, "end", json_object_new_string(end));
		json_object_object_add(r, "name", json_object_new_string(colon + 3));
		children = json_object_new_array();
		json_object_object_add(r, "children", children);
		json_object_array_add(parents[level], r);
		parents[level + 1] = children;
		for (size_t k = level + 2; k < G_N_ELEMENTS(parents); k++)
			parents[k] = NULL;
	}
	{
		json_object *o = json_object_new_object();

		json_object_object_add(o, "iomem", top);
		return o;
	}
}

static void print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
			JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* ---- the command ---------------------------------------------------------- */

static int show_steps(const char *fixture, bool json)
{
	/* The number of scenario ops, for scripts that walk the steps. */
	g_autoptr(GError) err = NULL;
	g_autofree char *path = cli_find_fixture(fixture);
	g_autoptr(fixture) fx = fixture_load(path, &err);

	if (!fx) {
		fprintf(stderr, "%s\n", err->message);
		return EXIT_USAGE;
	}
	if (json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "steps", json_object_new_uint64(fixture_scenario_len(fx)));
		print_json(o);
	} else {
		printf("%zu\n", fixture_scenario_len(fx));
	}
	return 0;
}

int cmd_show(int argc, char **argv)
{
	g_autoptr(backend) b = NULL;
	gboolean json = FALSE;
	g_autofree char *step = NULL;
	const GOptionEntry entries[] = {
		{ "json", 'J', 0, G_OPTION_ARG_NONE, &json,
		  "JSON (memory: the shape of lsmem -J -a -b with every column)", NULL },
		{ "step", 0, 0, G_OPTION_ARG_STRING, &step,
		  "The machine after the first N scenario ops, not all of them", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const struct cli_spec spec = {
		.name = "show", .params = "FIXTURE VIEW",
		.summary = "Print a view of the machine FIXTURE describes, read through the same\n"
			   "files a mount serves, without mounting.  VIEW: iomem (as a privileged\n"
			   "reader sees /proc/iomem), memmap, memory, node (every file below the\n"
			   "directory as \"path: content\"), or steps (the number of scenario ops).",
		.entries = entries,
	};
	size_t steps = SIZE_MAX;
	tree_node n;
	int rc = cli_parse(&spec, &argc, &argv);

	if (rc >= 0)
		return rc;
	if (argc != 3)
		return cli_usage_error("show", "expected FIXTURE VIEW "
				       "(iomem, memmap, memory, node or steps)");
	if (step) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(step, &end, 10);
		if (!g_ascii_isdigit(step[0]) || *end || errno)
			return cli_usage_error("show", "--step %s: not a number of steps", step);
		steps = (size_t)v;
	}
	if (strcmp(argv[2], "steps") == 0)
		return show_steps(argv[1], json);
	for (unsigned i = 0; i < G_N_ELEMENTS(views); i++) {
		if (strcmp(argv[2], views[i].view) != 0)
			continue;
		b = load_backend_or_report(argv[1], steps);
		if (!b)
			return EXIT_USAGE;
		if (tree_resolve(b->model, views[i].path, &n)) {
			fprintf(stderr, "hotplugfs: this machine has no /%s\n", views[i].path);
			return EXIT_REFUSED;
		}
		if (i == 0) {
			g_autoptr(GString) s = g_string_new(NULL);

			tree_read(b->model, n, &privileged, s);
			if (json)
				print_json(iomem_json(s->str));
			else
				fwrite(s->str, 1, s->len, stdout);
		} else if (!json) {
			print_dir(b->model, n, "");
		} else if (i == 2) {
			print_json(memory_json(b->model, n));
		} else {
			json_object *o = json_object_new_object();

			json_object_object_add(o, views[i].view, dir_json(b->model, n));
			print_json(o);
		}
		return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
	}
	return cli_usage_error("show", "unknown view '%s' (iomem, memmap, memory, node, steps)",
			       argv[2]);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hotplugfs show FIXTURE VIEW [--step N]: the files a mount would serve, read through
 * the same tree, without mounting.  iomem prints /proc/iomem as a privileged
 * reader sees it; memmap, memory and node print every file below the view's
 * directory as "path: content" (sysfs files end in a newline; an empty one
 * prints <empty>, a failing one the error) and every link as "path -> target".
 * The machine is the fixture's after its scenario ops, or after the first N.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
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

static void print_node(const struct machine *m, tree_node n, const char *path);

static void print_dir(const struct machine *m, tree_node dir, const char *path)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(tree_node));
	struct walk w = { .names = names, .nodes = nodes };

	tree_readdir(m, dir, 0, collect, &w);
	for (guint i = 0; i < names->len; i++) {
		g_autofree char *child = *path ? g_strdup_printf("%s/%s", path,
				(char *)g_ptr_array_index(names, i)) : g_strdup(g_ptr_array_index(names, i));

		print_node(m, g_array_index(nodes, tree_node, i), child);
	}
}

static void print_node(const struct machine *m, tree_node n, const char *path)
{
	const struct tree_reader root = { .cap_sys_admin = true };
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
		rc = tree_read(m, n, &root, s);
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

static int usage(void)
{
	fprintf(stderr, "usage: hotplugfs show FIXTURE iomem|memmap|memory|node [--step N]\n"
			"       hotplugfs show FIXTURE steps\n");
	return EXIT_USAGE;
}

int cmd_show(int argc, char **argv)
{
	g_autoptr(backend) b = NULL;
	const struct tree_reader root = { .cap_sys_admin = true };
	size_t steps = SIZE_MAX;
	tree_node n;

	if (argc == 5 && strcmp(argv[3], "--step") == 0) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(argv[4], &end, 10);
		if (!g_ascii_isdigit(argv[4][0]) || *end || errno)
			return usage();
		steps = (size_t)v;
	} else if (argc != 3) {
		return usage();
	}
	if (strcmp(argv[2], "steps") == 0) {
		/* The number of scenario ops, for scripts that walk the steps. */
		g_autoptr(GError) err = NULL;
		g_autoptr(fixture) fx = fixture_load(argv[1], &err);

		if (!fx) {
			fprintf(stderr, "%s\n", err->message);
			return EXIT_USAGE;
		}
		printf("%zu\n", fixture_scenario_len(fx));
		return 0;
	}
	for (unsigned i = 0; i < G_N_ELEMENTS(views); i++) {
		if (strcmp(argv[2], views[i].view) != 0)
			continue;
		b = load_backend_or_report(argv[1], steps);
		if (!b)
			return EXIT_USAGE;
		if (tree_resolve(b->model, views[i].path, &n)) {
			fprintf(stderr, "hotplugfs: this machine has no /%s\n", views[i].path);
			return 1;
		}
		if (i == 0) {
			g_autoptr(GString) s = g_string_new(NULL);

			tree_read(b->model, n, &root, s);
			fwrite(s->str, 1, s->len, stdout);
		} else {
			print_dir(b->model, n, "");
		}
		return 0;
	}
	fprintf(stderr, "hotplugfs: unknown view '%s' (iomem, memmap, memory, node)\n", argv[2]);
	return EXIT_USAGE;
}

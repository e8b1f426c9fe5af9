/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fuzz_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

struct fixture *fuzz_fixture(const char *name)
{
	const char *src = g_getenv("SRCDIR") ? g_getenv("SRCDIR") : HOTPLUGFS_SRCDIR;
	g_autofree char *path = g_build_filename(src, "fixtures", name, NULL);
	g_autoptr(GError) err = NULL;
	struct fixture *fx = fixture_load(path, &err);

	if (!fx) {
		fprintf(stderr, "fuzz: %s\n", err->message);
		abort();
	}
	return fx;
}

struct machine *fuzz_boot(const struct fixture *fx)
{
	g_autoptr(GError) err = NULL;
	struct machine *m = machine_boot(fx, &err);

	if (!m || !scenario_run(m, fx, SIZE_MAX, &err)) {
		fprintf(stderr, "fuzz: %s\n", err->message);
		abort();
	}
	return m;
}

struct walk {
	const struct machine *m;
	unsigned budget;
	GString *buf;
};

struct entry {
	tree_node n;
	enum tree_type type;
};

static int collect(void *ctx, const char *name, tree_node n, enum tree_type type, uint64_t next)
{
	GArray *entries = ctx;
	struct entry e = { n, type };

	(void)name, (void)next;
	g_array_append_val(entries, e);
	return 0;
}

static void walk_node(struct walk *w, tree_node n, enum tree_type type)
{
	static const struct tree_reader root = { .cap_sys_admin = true }, user = { 0 };
	struct tree_stat st;

	if (!w->budget)
		return;
	w->budget--;
	tree_stat(w->m, n, &st);
	tree_parent(w->m, n);
	tree_cache_class(w->m, n);
	switch (type) {
	case TREE_DIR: {
		g_autoptr(GArray) entries = g_array_new(FALSE, FALSE, sizeof(struct entry));

		tree_readdir(w->m, n, 0, collect, entries);
		for (guint i = 0; i < entries->len && w->budget; i++) {
			struct entry *e = &g_array_index(entries, struct entry, i);

			/* What ".." and tree_path() see: the directory that lists it. */
			if (tree_parent(w->m, e->n) != n) {
				fprintf(stdout, "fuzz: node %#" PRIx64 " listed in %#" PRIx64
					" has parent %#" PRIx64 "\n", e->n, n, tree_parent(w->m, e->n));
				fflush(stdout);
				abort();
			}
			walk_node(w, e->n, e->type);
		}
		break;
	}
	case TREE_LINK:
		g_string_truncate(w->buf, 0);
		tree_readlink(w->m, n, w->buf);
		break;
	case TREE_FILE:
		g_string_truncate(w->buf, 0);
		tree_read(w->m, n, &root, w->buf);
		if (st.cls == TREE_PROCFS) {
			g_string_truncate(w->buf, 0);
			tree_read(w->m, n, &user, w->buf);
		}
		break;
	}
}

void fuzz_walk(const struct machine *m, unsigned budget)
{
	fuzz_walk_path(m, "", budget);
}

void fuzz_walk_path(const struct machine *m, const char *path, unsigned budget)
{
	struct walk w = { .m = m, .budget = budget, .buf = g_string_new(NULL) };
	struct tree_stat st;
	tree_node n;

	if (tree_resolve(m, path, &n) == 0 && tree_stat(m, n, &st) == 0)
		walk_node(&w, n, st.type);
	g_string_free(w.buf, TRUE);
}

void fuzz_quiet(void)
{
	FILE *null;

	if (g_getenv("HOTPLUGFS_FUZZ_VERBOSE"))
		return;
	null = fopen("/dev/null", "w");
	if (null)
		stderr = null;
}

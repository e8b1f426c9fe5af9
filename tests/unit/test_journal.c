/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal of acknowledged changes (core/journal.h, docs/journal.md)
 * through the backend seam, as `hotplugfs mount --state` uses it: a machine
 * rebuilt from the fixture and the journal reads byte for byte like the one
 * that wrote it, with stores, ops, kernel failures, slow offlines finished,
 * interrupted and cut off, ops made while one was running, binary stores
 * and kexec loads, blocks removed and added again (with the same node ids,
 * which carry block generations); a torn last record is dropped; a changed
 * fixture, a corrupt or diverging journal, a second user and a backend
 * without a journal are refused.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "journal.h"
#include "util.h"

static const char guest[] =
	"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.12\",\"hypervisor\":true,"
	"\"memory_hotplug\":{\"auto_online_blocks\":\"offline\"},"
	"\"e820\":[{\"start\":\"0\",\"end\":\"0x9fbff\",\"type\":\"ram\"},"
	"{\"start\":\"0x100000\",\"end\":\"0x3ffdffff\",\"type\":\"ram\"}]}";

struct files {
	char *dir, *fixture, *journal;
};

static void files_init(struct files *f)
{
	g_autoptr(GError) err = NULL;

	f->dir = g_dir_make_tmp("hotplugfs-journal.XXXXXX", &err);
	g_assert_no_error(err);
	f->fixture = g_build_filename(f->dir, "fixture.json", NULL);
	f->journal = g_build_filename(f->dir, "state", NULL);
	g_assert_true(g_file_set_contents(f->fixture, guest, -1, NULL));
}

static void files_clear(struct files *f)
{
	unlink(f->fixture);
	unlink(f->journal);
	rmdir(f->dir);
	g_free(f->dir);
	g_free(f->fixture);
	g_free(f->journal);
}

/* f's fixture becomes the bundled fixtures/NAME, as booted when !scenario. */
static void use_bundled(const struct files *f, const char *name, bool scenario)
{
	g_autofree char *path = g_test_build_filename(G_TEST_DIST, "..", "fixtures", name, NULL);
	json_object *fx = json_object_from_file(path);

	g_assert_nonnull(fx);
	if (!scenario)
		json_object_object_del(fx, "scenario");
	g_assert_cmpint(json_object_to_file(f->fixture, fx), ==, 0);
	json_object_put(fx);
}

/* The fixture's machine with the journal replayed and attached. */
static struct backend *open_journaled(const struct files *f)
{
	g_autoptr(GError) err = NULL;
	struct backend *b = sim_backend_load(f->fixture, SIZE_MAX, &err);

	g_assert_no_error(err);
	g_assert_true(backend_journal(b, f->fixture, f->journal, &err));
	g_assert_no_error(err);
	return b;
}

/* ---- every view, as text ---------------------------------------------------- */

struct entry {
	char *name;
	tree_node n;
	enum tree_type type;
};

static int collect(void *ctx, const char *name, tree_node n, enum tree_type type, uint64_t next)
{
	GArray *entries = ctx;
	struct entry e = { g_strdup(name), n, type };

	(void)next;
	g_array_append_val(entries, e);
	return 0;
}

static void render_dir(const struct machine *m, tree_node dir, const char *path, GString *out)
{
	static const struct tree_reader root = { .cap_sys_admin = true };
	g_autoptr(GArray) entries = g_array_new(FALSE, FALSE, sizeof(struct entry));

	tree_readdir(m, dir, 0, collect, entries);
	for (guint i = 0; i < entries->len; i++) {
		struct entry *e = &g_array_index(entries, struct entry, i);
		g_autofree char *child = g_strdup_printf("%s/%s", path, e->name);
		g_autoptr(GString) s = g_string_new(NULL);
		int rc;

		switch (e->type) {
		case TREE_DIR:
			g_string_append_printf(out, "%s/ #%" G_GINT64_MODIFIER "x\n", child,
					       (guint64)e->n);
			render_dir(m, e->n, child, out);
			break;
		case TREE_LINK:
			tree_readlink(m, e->n, s);
			g_string_append_printf(out, "%s -> %s #%" G_GINT64_MODIFIER "x\n", child,
					       s->str, (guint64)e->n);
			break;
		case TREE_FILE:
			rc = tree_read(m, e->n, &root, s);
			g_string_append_printf(out, "%s: [%d] #%" G_GINT64_MODIFIER "x %s\n", child,
					       rc, (guint64)e->n, s->str);
			break;
		}
		g_free(e->name);
	}
}

/* Every file and link of the machine with its node id (an inode number a
 * tool may hold: it carries the block's generation). */
static char *render_files(const struct backend *b)
{
	GString *out = g_string_new(NULL);

	render_dir(b->model, TREE_ROOT, "", out);
	return g_string_free(out, FALSE);
}

/* The same, with the machine's event log and generation. */
static char *render(const struct backend *b)
{
	const struct machine *m = b->model;
	GString *out = g_string_new(NULL);

	render_dir(m, TREE_ROOT, "", out);
	for (uint64_t seq = 1; seq <= event_log_last(&m->log); seq++)
		event_format(event_log_get(&m->log, seq), out), g_string_append_c(out, '\n');
	g_string_append_printf(out, "generation %" G_GUINT64_FORMAT " kexec %d %d %u\n",
			       m->generation, m->kexec.loaded, m->kexec.crash_loaded, m->kexec.loads);
	return g_string_free(out, FALSE);
}

/* ---- driving the backend --------------------------------------------------------- */

static int op(struct backend *b, const char *json)
{
	g_autoptr(GError) err = NULL;
	json_object *req = json_tokener_parse(json), *result = NULL;
	int rc;

	g_assert_nonnull(req);
	rc = backend_op(b, req, &result, &err);
	json_object_put(result);
	json_object_put(req);
	return rc;
}

static int store(struct backend *b, const char *path, const char *buf, size_t len)
{
	tree_node n;

	g_assert_cmpint(tree_resolve(b->model, path, &n), ==, 0);
	return backend_store(b, n, buf, len);
}

#define STATE(id) "sys/devices/system/memory/memory" #id "/state"

/* The pending store ends when the backend's timer says so. */
static int wait_complete(struct backend *b)
{
	struct pollfd p = { .fd = b->completion_fd, .events = POLLIN };
	int rc = STORE_PENDING;

	for (int i = 0; i < 100 && rc == STORE_PENDING; i++) {
		g_assert_cmpint(poll(&p, 1, 1000), ==, 1);
		rc = backend_complete(b);
	}
	return rc;
}

/* Everything the journal records, in one history. */
static void make_history(struct backend *b)
{
	tree_node first, second;

	g_assert_cmpint(op(b, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"512M\"}"),
			==, 0);
	g_assert_cmpint(op(b, "{\"op\":\"state\",\"block\":32,\"state\":\"online_movable\"}"), ==, 0);
	g_assert_cmpint(store(b, STATE(33), "online\n", 7), ==, 0);
	/* daxctl's trailing NUL: recorded as hex */
	g_assert_cmpint(store(b, STATE(34), "online_movable\0", 15), ==, 0);
	/* a slow offline that finishes, with an op while it runs */
	g_assert_cmpint(op(b, "{\"op\":\"fault\",\"block\":33,\"slow_offline_ms\":20}"), ==, 0);
	g_assert_cmpint(store(b, STATE(33), "offline", 7), ==, STORE_PENDING);
	g_assert_cmpint(op(b, "{\"op\":\"inject\",\"action\":\"MEM_GOING_ONLINE\",\"errno\":0}"), ==,
			0);
	g_assert_cmpint(store(b, STATE(34), "offline", 7), ==, STORE_RETRY);
	/* an op that takes the hotplug lock is refused meanwhile: no record */
	g_assert_cmpint(op(b, "{\"op\":\"dimm-add\",\"start\":\"0x140000000\",\"size\":\"256M\"}"),
			==, -EINVAL);
	g_assert_cmpint(wait_complete(b), ==, 0);
	/* a DIMM removed and added again: its blocks' second generation */
	g_assert_cmpint(op(b, "{\"op\":\"dimm-add\",\"start\":\"0x140000000\",\"size\":\"256M\"}"),
			==, 0);
	g_assert_cmpint(tree_resolve(b->model, STATE(40), &first), ==, 0);
	g_assert_cmpint(op(b, "{\"op\":\"dimm-eject\",\"device\":\"dimm1\"}"), ==, 0);
	g_assert_cmpint(op(b, "{\"op\":\"dimm-add\",\"start\":\"0x140000000\",\"size\":\"256M\"}"),
			==, 0);
	g_assert_cmpint(tree_resolve(b->model, STATE(40), &second), ==, 0);
	g_assert_cmpuint(first, !=, second);
	/* one interrupted by its writer's signal */
	g_assert_cmpint(op(b, "{\"op\":\"fault\",\"block\":32,\"slow_offline_ms\":5000}"), ==, 0);
	g_assert_cmpint(store(b, STATE(32), "offline\n", 8), ==, STORE_PENDING);
	g_assert_cmpint(backend_interrupt(b), ==, -EINTR);
	/* kernel failures: a vetoed online, an eject that cannot offline */
	g_assert_cmpint(op(b, "{\"op\":\"inject\",\"action\":\"MEM_GOING_ONLINE\",\"errno\":"
			      "\"EBUSY\"}"), ==, 0);
	g_assert_cmpint(store(b, STATE(35), "online", 6), ==, -EBUSY);
	g_assert_cmpint(op(b, "{\"op\":\"fault\",\"block\":34,\"unmovable\":true}"), ==, 0);
	g_assert_cmpint(op(b, "{\"op\":\"dimm-eject\",\"device\":\"dimm0\"}"), ==, -EBUSY);
	/* what changes nothing is not recorded */
	g_assert_cmpint(op(b, "{\"op\":\"dimm-eject\",\"device\":\"dimm7\"}"), ==, -EINVAL);
	g_assert_cmpint(store(b, STATE(33), "bogus", 5), ==, -EINVAL);
	g_assert_cmpint(op(b, "{\"op\":\"dump\"}"), ==, 0);
	backend_kexec_record(b, true, false);
	g_assert_cmpint(store(b, "sys/devices/system/memory/auto_online_blocks", "online", 6), ==, 0);
}

static unsigned count_lines(const char *file)
{
	g_autofree char *text = NULL;
	unsigned n = 0;

	g_assert_true(g_file_get_contents(file, &text, NULL, NULL));
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

static void test_replay(void)
{
	struct files f;
	g_autofree char *before = NULL, *after = NULL, *again = NULL, *more = NULL;
	struct backend *b;

	files_init(&f);
	b = open_journaled(&f);
	make_history(b);
	before = render(b);
	backend_free(b);
	/* The header and 20 records: 12 ops and 6 stores that changed something
	 * (the slow ones where they started), 2 ends, 1 kexec load; not the
	 * store that waited for the lock, nor what was refused or only read. */
	g_assert_cmpuint(count_lines(f.journal), ==, 1 + 20);

	b = open_journaled(&f);
	after = render(b);
	g_assert_cmpstr(after, ==, before);
	/* and it goes on from there */
	g_assert_cmpint(op(b, "{\"op\":\"inject\",\"action\":\"MEM_GOING_ONLINE\",\"errno\":0}"), ==,
			0);
	g_assert_cmpint(store(b, STATE(35), "online_kernel", 13), ==, 0);
	more = render(b);
	backend_free(b);
	b = open_journaled(&f);
	again = render(b);
	g_assert_cmpstr(again, ==, more);
	backend_free(b);
	files_clear(&f);
}

/* A slow offline running at the kill was never answered: the restart ends
 * it as its writer's signal would, and records that. */
static void test_pending_at_kill(void)
{
	struct files f;
	g_autofree char *want = NULL, *got = NULL, *text = NULL;
	struct backend *b;

	files_init(&f);
	b = open_journaled(&f);
	g_assert_cmpint(op(b, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\"}"),
			==, 0);
	g_assert_cmpint(store(b, STATE(32), "online", 6), ==, 0);
	g_assert_cmpint(op(b, "{\"op\":\"fault\",\"block\":32,\"slow_offline_ms\":60000}"), ==, 0);
	g_assert_cmpint(store(b, STATE(32), "offline", 7), ==, STORE_PENDING);
	/* an op while it runs is acknowledged, and kept */
	g_assert_cmpint(op(b, "{\"op\":\"auto-online\",\"value\":\"online\"}"), ==, 0);
	backend_free(b);   /* the kill: nothing ends the store */

	b = open_journaled(&f);
	got = render(b);
	g_assert_true(g_regex_match_simple("memory32/state: \\[0\\] #[0-9a-f]+ online\n", got, 0, 0));
	backend_free(b);
	g_assert_true(g_file_get_contents(f.journal, &text, NULL, NULL));
	g_assert_true(g_str_has_suffix(text, "\"n\":6}\n"));
	g_assert_true(strstr(text, "{\"end\":\"interrupt\",\"rc\":-4,"));

	/* the same as a machine whose writer was signalled */
	unlink(f.journal);
	b = open_journaled(&f);
	g_assert_cmpint(op(b, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\"}"),
			==, 0);
	g_assert_cmpint(store(b, STATE(32), "online", 6), ==, 0);
	g_assert_cmpint(op(b, "{\"op\":\"fault\",\"block\":32,\"slow_offline_ms\":60000}"), ==, 0);
	g_assert_cmpint(store(b, STATE(32), "offline", 7), ==, STORE_PENDING);
	g_assert_cmpint(op(b, "{\"op\":\"auto-online\",\"value\":\"online\"}"), ==, 0);
	g_assert_cmpint(backend_interrupt(b), ==, -EINTR);
	want = render(b);
	g_assert_cmpstr(got, ==, want);
	backend_free(b);
	files_clear(&f);
}

/* A record cut short by the kill was never synced nor answered. */
static void test_torn_tail(void)
{
	struct files f;
	g_autofree char *before = NULL, *after = NULL, *text = NULL;
	struct backend *b;
	FILE *fp;

	files_init(&f);
	b = open_journaled(&f);
	g_assert_cmpint(op(b, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\"}"),
			==, 0);
	before = render(b);
	backend_free(b);
	fp = fopen(f.journal, "a");
	fputs("{\"store\":\"sys/devices/system/memory/memory32/state\",\"data\":\"onl", fp);
	fclose(fp);

	b = open_journaled(&f);
	after = render(b);
	g_assert_cmpstr(after, ==, before);
	g_assert_cmpint(store(b, STATE(32), "online", 6), ==, 0);
	backend_free(b);
	g_assert_true(g_file_get_contents(f.journal, &text, NULL, NULL));
	g_assert_null(strstr(text, "\"onl\""));
	g_assert_cmpuint(count_lines(f.journal), ==, 3);
	backend_free(open_journaled(&f));
	/* a header cut short: as if new */
	g_assert_true(g_file_set_contents(f.journal, "{\"hotplugfs-jour", -1, NULL));
	backend_free(open_journaled(&f));
	g_assert_cmpuint(count_lines(f.journal), ==, 1);
	files_clear(&f);
}

/* The journal refuses what it cannot stand for; nothing is changed. */
static void expect_refused(const struct files *f, int code, const char *message)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(backend) b = sim_backend_load(f->fixture, SIZE_MAX, &err);

	g_assert_no_error(err);
	g_assert_false(backend_journal(b, f->fixture, f->journal, &err));
	g_assert_error(err, JOURNAL_ERROR, code);
	if (!strstr(err->message, message))
		g_error("\"%s\" does not say \"%s\"", err->message, message);
}

static void rewrite(const char *file, const char *from, const char *to)
{
	g_autofree char *text = NULL;
	g_autoptr(GString) s = NULL;

	g_assert_true(g_file_get_contents(file, &text, NULL, NULL));
	s = g_string_new(text);
	g_assert_cmpint(g_string_replace(s, from, to, 1), ==, 1);
	g_assert_true(g_file_set_contents(file, s->str, -1, NULL));
}

static void test_refusals(void)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL, *changed = g_strconcat(guest, "\n", NULL);
	struct files f;
	struct backend *b, *other;

	files_init(&f);
	b = open_journaled(&f);
	g_assert_cmpint(op(b, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\"}"),
			==, 0);
	g_assert_cmpint(store(b, STATE(32), "online", 6), ==, 0);
	/* in use */
	other = sim_backend_load(f.fixture, SIZE_MAX, &err);
	g_assert_false(backend_journal(other, f.fixture, f.journal, &err));
	g_assert_error(err, JOURNAL_ERROR, JOURNAL_ERROR_BUSY);
	g_assert_true(strstr(err->message, "in use by another hotplugfs"));
	backend_free(other);
	backend_free(b);
	g_assert_true(g_file_get_contents(f.journal, &text, NULL, NULL));

	/* the fixture changed, if only by a byte */
	g_assert_true(g_file_set_contents(f.fixture, changed, -1, NULL));
	expect_refused(&f, JOURNAL_ERROR_FIXTURE, "the fixture changed");
	g_assert_true(g_file_set_contents(f.fixture, guest, -1, NULL));
	/* a result that does not come out again */
	rewrite(f.journal, "\"rc\":0,", "\"rc\":-16,");
	expect_refused(&f, JOURNAL_ERROR_DIVERGED, "line 2: replays to rc 0");
	g_assert_true(g_file_set_contents(f.journal, text, -1, NULL));
	rewrite(f.journal, "memory32/state", "memory99/state");
	expect_refused(&f, JOURNAL_ERROR_DIVERGED,
		       "line 3: sys/devices/system/memory/memory99/state does not exist");
	/* not a journal, another version, a broken line, a missing one */
	g_assert_true(g_file_set_contents(f.journal, "[]\n", -1, NULL));
	expect_refused(&f, JOURNAL_ERROR_CORRUPT, "line 1: not a hotplugfs journal");
	g_assert_true(g_file_set_contents(f.journal, text, -1, NULL));
	rewrite(f.journal, "\"hotplugfs-journal\":1", "\"hotplugfs-journal\":2");
	expect_refused(&f, JOURNAL_ERROR_CORRUPT, "journal format 2; this hotplugfs reads 1");
	g_assert_true(g_file_set_contents(f.journal, text, -1, NULL));
	rewrite(f.journal, "{\"op\":{", "{\"op\":[");
	expect_refused(&f, JOURNAL_ERROR_CORRUPT, "line 2: not a JSON object");
	g_assert_true(g_file_set_contents(f.journal, text, -1, NULL));
	rewrite(f.journal, "\"n\":1}", "\"n\":7}");
	expect_refused(&f, JOURNAL_ERROR_CORRUPT, "line 2: expected record number 1");
	g_assert_true(g_file_set_contents(f.journal, text, -1, NULL));
	rewrite(f.journal, "\"store\":\"sys/devices/system/memory/memory32/state\"", "\"store\":32");
	expect_refused(&f, JOURNAL_ERROR_CORRUPT, "line 3: store: expected a path");
	g_assert_true(g_file_set_contents(f.journal, text, -1, NULL));
	rewrite(f.journal, "\"data\":\"online\"", "\"data_hex\":\"6f6\"");
	expect_refused(&f, JOURNAL_ERROR_CORRUPT, "line 3: a store record needs data or data_hex");
	/* the file is as it was: a refusal writes nothing */
	g_assert_true(g_file_set_contents(f.journal, text, -1, NULL));
	backend_free(open_journaled(&f));
	files_clear(&f);
}

struct named {
	const struct machine *m;
	unsigned nodes;
};

static int check_named(void *ctx, const char *name, tree_node n, enum tree_type type,
		       uint64_t next)
{
	struct named *w = ctx;
	g_autofree char *path = journal_path(w->m, n);
	tree_node back;

	(void)name, (void)next;
	g_assert_nonnull(path);
	g_assert_cmpint(tree_resolve(w->m, path, &back), ==, 0);
	g_assert_cmphex(back, ==, n);
	w->nodes++;
	if (type == TREE_DIR)
		tree_readdir(w->m, n, 0, check_named, w);
	return 0;
}

/* A store record names its file by path: every node of a machine (DIMMs,
 * memmap entries, debugfs, power/, nd and dax devices) has one that
 * resolves back to it. */
static void test_every_node_has_a_path(void)
{
	struct files f;
	struct backend *b;
	struct named w = { 0 };

	files_init(&f);
	b = open_journaled(&f);
	g_assert_cmpint(op(b, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\"}"),
			==, 0);
	w.m = b->model;
	tree_readdir(w.m, TREE_ROOT, 0, check_named, &w);
	g_assert_cmpuint(w.nodes, >, 300);
	backend_free(b);
	/* legacy pmem: its nd bus is e820_pmem's ndbus0, not the NFIT's */
	use_bundled(&f, "legacy-pmem-vm.json", true);
	unlink(f.journal);
	b = open_journaled(&f);
	w = (struct named){ b->model, 0 };
	tree_readdir(w.m, TREE_ROOT, 0, check_named, &w);
	g_assert_cmpuint(w.nodes, >, 1000);
	backend_free(b);
	files_clear(&f);
}

/* ndctl create-namespace's stores to a namespace seed (uuid, name, size), a
 * kill, and a restart: the same machine.  Before, the uuid store went
 * unrecorded and the restart refused the journal (the size replayed to
 * -ENXIO: "the namespace must be named first"). */
static void test_namespace_seed(void)
{
#define SEED "sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/namespace0.0/"
	g_autofree char *before = NULL, *after = NULL;
	struct files f;
	struct backend *b;

	files_init(&f);
	/* the machine as booted: a seed, no namespace yet */
	use_bundled(&f, "nvdimm-kmem.json", false);
	b = open_journaled(&f);
	g_assert_cmpint(store(b, SEED "uuid", "6f90f47e-8261-4dcd-98d8-eda579d6ff4e", 37), ==, 0);
	g_assert_cmpint(store(b, SEED "alt_name", "mine", 5), ==, 0);
	g_assert_cmpint(store(b, SEED "sector_size", "4096", 5), ==, 0);
	g_assert_cmpint(store(b, SEED "size", "536870912", 10), ==, 0);
	before = render(b);
	backend_free(b);
	g_assert_cmpuint(count_lines(f.journal), ==, 1 + 4);
	b = open_journaled(&f);
	after = render(b);
	g_assert_cmpstr(after, ==, before);
	backend_free(b);
	files_clear(&f);
#undef SEED
}

/* ---- what a store changed is recorded ---------------------------------------- */

struct writable {
	GPtrArray *paths;         /* below the root */
	GHashTable *shapes;       /* the paths with their numbers as N: one of each */
	GString *path;
	const struct machine *m;
};

/* memoryN/state for memory32/state: files alike by their place. */
static char *shape(const char *path)
{
	GString *out = g_string_new(NULL);

	for (const char *p = path; *p; p++) {
		if (!g_ascii_isdigit(*p))
			g_string_append_c(out, *p);
		else if (p == path || !g_ascii_isdigit(p[-1]))
			g_string_append_c(out, 'N');
	}
	return g_string_free(out, FALSE);
}

static int collect_writable(void *ctx, const char *name, tree_node n, enum tree_type type,
			    uint64_t next)
{
	struct writable *w = ctx;
	size_t len = w->path->len;
	struct tree_stat st;

	(void)next;
	g_string_append_printf(w->path, "%s%s", len ? "/" : "", name);
	if (type == TREE_DIR)
		tree_readdir(w->m, n, 0, collect_writable, w);
	else if (type == TREE_FILE && tree_stat(w->m, n, &st) == 0 && (st.mode & 0200) &&
		 g_hash_table_add(w->shapes, shape(w->path->str)))
		g_ptr_array_add(w->paths, g_strdup(w->path->str));
	g_string_truncate(w->path, len);
	return 0;
}

/*
 * The journal records a store by what it did to the generation and the
 * event log (and the page cache drops by them too): a store that changes
 * what any file shows must move one of them.  One file of each kind
 * (memoryN/state for all blocks) of nd, dax, CXL, virtio-mem, s390 and DIMM
 * machines, with the words their stores take.  Before, a namespace seed's
 * uuid went unrecorded, and a restart refused the journal of `ndctl
 * create-namespace`.
 */
static void test_every_change_is_recorded(void)
{
	static const struct { const char *name; bool scenario; } machines[] = {
		{ "nvdimm-kmem.json", false }, { "nvdimm-kmem.json", true },
		{ "cxl-kmem.json", true }, { "legacy-pmem-vm.json", true },
		{ "virtio-mem-6.12.json", true }, { "s390-standby-6.12.json", true },
		{ "dimm-hotplug-6.1.json", true }, { "chmem-vm.json", true },
	};
	static const char *const words[] = {
		"6f90f47e-8261-4dcd-98d8-eda579d6ff4e\n", "mine\n", "536870912\n", "0\n", "1\n",
		"4096\n", "2097152\n", "pmem\n", "devdax\n", "namespace0.0\n", "dax0.0\n",
		"pfn0.0\n", "online\n", "offline\n", "on\n", "auto\n", "Y\n",
		"add\n", "0x100000000\n",
	};
	g_autoptr(GString) missed = g_string_new(NULL);
	unsigned stores = 0, changes = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(machines); i++) {
		g_autoptr(GError) err = NULL;
		struct backend *b = sim_backend_new(machines[i].scenario ?
						    boot_bundled_scenario(machines[i].name) :
						    boot_bundled_fixture(machines[i].name), &err);
		g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
		g_autoptr(GHashTable) shapes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
								     NULL);
		g_autoptr(GString) path = g_string_new(NULL);
		struct writable w = { paths, shapes, path, b->model };
		char *before;

		g_assert_no_error(err);
		tree_readdir(b->model, TREE_ROOT, 0, collect_writable, &w);
		before = render_files(b);
		for (guint f = 0; f < paths->len; f++) {
			for (size_t k = 0; k < G_N_ELEMENTS(words); k++) {
				uint64_t gen = *b->generation, seq = event_log_last(b->log);
				tree_node n;
				char *after;
				int rc;

				if (tree_resolve(b->model, paths->pdata[f], &n) != 0)
					break;
				rc = backend_store(b, n, words[k], strlen(words[k]));
				if (rc == STORE_PENDING)
					rc = wait_complete(b);
				stores++;
				after = render_files(b);
				if (strcmp(before, after)) {
					changes++;
					if (gen == *b->generation && seq == event_log_last(b->log))
						g_string_append_printf(missed, "%s%s: %s: \"%.*s\" (%d)",
								       missed->len ? "; " : "",
								       machines[i].name,
								       (char *)paths->pdata[f],
								       (int)strlen(words[k]) - 1,
								       words[k], rc);
				}
				g_free(before);
				before = after;
			}
		}
		g_free(before);
		backend_free(b);
		g_test_message("%s: %u writable files", machines[i].name, paths->len);
	}
	g_test_message("%u stores, %u changed a file", stores, changes);
	g_assert_cmpuint(changes, >, 50);
	g_assert_cmpstr(missed->str, ==, "");
}

/* The same for ops: each example of docs/control-protocol.md, in turn, on
 * machines of every kind. */
static void test_every_op_is_recorded(void)
{
	static const char *const machines[] = {
		"nvdimm-kmem.json", "cxl-kmem.json", "legacy-pmem-vm.json", "virtio-mem-6.12.json",
		"s390-standby-6.12.json", "dimm-hotplug-6.1.json",
	};
	static const char *const ops[] = {
		"{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"512M\"}",
		"{\"op\":\"state\",\"block\":32,\"state\":\"online_movable\"}",
		"{\"op\":\"fault\",\"block\":35,\"unmovable\":true}",
		"{\"op\":\"inject\",\"action\":\"MEM_GOING_OFFLINE\",\"errno\":\"EBUSY\"}",
		"{\"op\":\"auto-online\",\"value\":\"online\"}",
		"{\"op\":\"dimm-eject\",\"device\":\"dimm0\"}",
		"{\"op\":\"nvdimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\",\"slot\":0}",
		"{\"op\":\"probe\",\"addr\":\"0x140000000\"}",
		"{\"op\":\"virtio-mem-add\",\"start\":\"0x140000000\",\"region_size\":\"1G\"}",
		"{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"256M\"}",
		"{\"op\":\"pmem-namespace-create\",\"region\":\"region0\",\"size\":\"512M\","
		"\"mode\":\"devdax\"}",
		"{\"op\":\"namespace-reconfigure\",\"device\":\"namespace0.0\",\"mode\":\"system-ram\"}",
		"{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\",\"mode\":\"system-ram\"}",
		"{\"op\":\"dax-memmap-on-memory\",\"device\":\"dax0.0\",\"enable\":true}",
		"{\"op\":\"kmem-unbind\",\"device\":\"dax0.0\"}",
		"{\"op\":\"hmem-add\",\"start\":\"0x1040000000\"}",
		"{\"op\":\"cxl-window-add\",\"start\":\"0x2000000000\",\"size\":\"4G\"}",
		"{\"op\":\"cxl-region-create\",\"window\":\"cxl_window0\",\"size\":\"1G\"}",
		"{\"op\":\"s390-standby-add\",\"start\":\"0x80000000\",\"size\":\"2G\"}",
		"{\"op\":\"s390-standby-fault\",\"block\":20,\"standby\":true}",
		"{\"op\":\"dump\"}",
	};
	g_autoptr(GString) missed = g_string_new(NULL);
	unsigned changes = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(machines); i++) {
		g_autoptr(GError) err = NULL;
		struct backend *b = sim_backend_new(boot_bundled_scenario(machines[i]), &err);
		char *before;

		g_assert_no_error(err);
		before = render(b);
		for (size_t k = 0; k < G_N_ELEMENTS(ops); k++) {
			uint64_t gen = *b->generation, seq = event_log_last(b->log);
			int rc = op(b, ops[k]);
			char *after = render(b);

			if (strcmp(before, after)) {
				changes++;
				if (gen == *b->generation && seq == event_log_last(b->log))
					g_string_append_printf(missed, "%s%s: %s (%d)", missed->len ? "; " : "",
							       machines[i], ops[k], rc);
			}
			g_free(before);
			before = after;
		}
		g_free(before);
		backend_free(b);
	}
	g_assert_cmpuint(changes, >, 20);
	g_assert_cmpstr(missed->str, ==, "");
}

/* A backend whose state is not its own (the live kernel's) has no journal
 * operation: refused with the reason, and no file is made. */
static void test_unsupported(void)
{
	static const struct backend_ops no_journal = { 0 };
	struct backend live = { .ops = &no_journal, .name = "live" };
	g_autoptr(GError) err = NULL;
	struct files f;

	files_init(&f);
	g_assert_false(backend_journal(&live, NULL, f.journal, &err));
	g_assert_error(err, JOURNAL_ERROR, JOURNAL_ERROR_UNSUPPORTED);
	g_assert_true(g_str_has_suffix(err->message, "state: the live backend keeps no journal; "
				       "--state is for a simulated machine"));
	g_assert_false(g_file_test(f.journal, G_FILE_TEST_EXISTS));
	files_clear(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/journal/replay", test_replay);
	g_test_add_func("/journal/pending-at-kill", test_pending_at_kill);
	g_test_add_func("/journal/torn-tail", test_torn_tail);
	g_test_add_func("/journal/refusals", test_refusals);
	g_test_add_func("/journal/every-node-has-a-path", test_every_node_has_a_path);
	g_test_add_func("/journal/unsupported", test_unsupported);
	g_test_add_func("/journal/namespace-seed", test_namespace_seed);
	g_test_add_func("/journal/every-change-is-recorded", test_every_change_is_recorded);
	g_test_add_func("/journal/every-op-is-recorded", test_every_op_is_recorded);
	return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the fuzzers of tests/fuzz found, one test each, at the level of the
 * interface that was wrong (the inputs themselves are replayed from
 * tests/fuzz/regress/ by the replay_* tests).
 */
#include <errno.h>
#include <string.h>

#include "util.h"

static const char guest[] =
	"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.1\",\"hypervisor\":true,"
	"\"pm_advanced_debug\":true,\"memory_hotplug\":{\"probe\":true},"
	"\"e820\":[{\"start\":\"0\",\"end\":\"0x9fbff\",\"type\":\"ram\"},"
	"{\"start\":\"0x100000\",\"end\":\"0x3ffdffff\",\"type\":\"ram\"}]}";

static int collect(void *ctx, const char *name, tree_node n, enum tree_type type, uint64_t next)
{
	GArray *found = ctx;

	(void)name, (void)type, (void)next;
	g_array_append_val(found, n);
	return 0;
}

/* Every writable file of m, found by listing the tree. */
static GArray *writable_files(const struct machine *m)
{
	GArray *dirs = g_array_new(FALSE, FALSE, sizeof(tree_node));
	GArray *files = g_array_new(FALSE, FALSE, sizeof(tree_node));
	tree_node root = TREE_ROOT;

	g_array_append_val(dirs, root);
	for (guint i = 0; i < dirs->len; i++) {
		g_autoptr(GArray) found = g_array_new(FALSE, FALSE, sizeof(tree_node));

		tree_readdir(m, g_array_index(dirs, tree_node, i), 0, collect, found);
		for (guint j = 0; j < found->len; j++) {
			tree_node n = g_array_index(found, tree_node, j);
			struct tree_stat st;

			g_assert_cmpint(tree_stat(m, n, &st), ==, 0);
			if (st.type == TREE_DIR)
				g_array_append_val(dirs, n);
			else if (st.type == TREE_FILE && (st.mode & 0222))
				g_array_append_val(files, n);
		}
	}
	g_array_unref(dirs);
	return files;
}

/*
 * fuzz_store: a store of zero bytes from a NULL buffer reached the store
 * methods, and kexec_crash_size's (kstrtoull0: strlen of g_strndup(NULL, 0))
 * crashed; UBSan saw strnlen(NULL, 0) in sysfs_streq_len first.  The kernel
 * never calls a sysfs store() for zero bytes (sysfs_kf_write): every sysfs
 * file answers 0 and nothing changes.  debugfs files (simple_attr_write)
 * parse the empty string: EINVAL.
 */
static void test_empty_store(void)
{
	g_autoptr(machine) m = boot_fixture_json(guest);
	g_autoptr(GArray) files = writable_files(m);
	uint64_t gen = m->generation, last = event_log_last(&m->log);
	unsigned debugfs = 0;

	g_assert_cmpuint(files->len, >, 50);
	for (guint i = 0; i < files->len; i++) {
		tree_node n = g_array_index(files, tree_node, i);
		tree_node up = n, root = TREE_ROOT;
		char one = 'x';
		int want;

		/* is it below sys/kernel/debug? */
		g_assert_cmpint(tree_resolve(m, "sys/kernel/debug", &root), ==, 0);
		while (up != TREE_ROOT && up != root)
			up = tree_parent(m, up);
		want = up == root ? -EINVAL : 0;
		debugfs += up == root;
		g_assert_cmpint(tree_write(m, n, NULL, 0), ==, want);
		g_assert_cmpint(tree_write(m, n, &one, 0), ==, want);
	}
	g_assert_cmpuint(debugfs, >, 10);
	g_assert_cmpuint(m->generation, ==, gen);
	g_assert_cmpuint(event_log_last(&m->log), ==, last);
}

/*
 * fuzz_fixture: an element of faults.blocks that is not an object (a string,
 * a number, null, an array) went to check_keys as if it were one, and the
 * key walk dereferenced the NULL table of a non-object: a segfault at
 * parse time.  Each is a precise error naming the element.
 */
static void test_fault_run_not_an_object(void)
{
	static const char *const elements[] = { "\"online_movable\"", "7", "null", "[]", "true" };
	static const char *const found[] = { "a string", "an integer", "null", "an array",
					     "a boolean" };

	for (size_t i = 0; i < G_N_ELEMENTS(elements); i++) {
		g_autofree char *json = g_strdup_printf(
			"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"e820\":[{\"start\":\"0\","
			"\"size\":\"1G\",\"type\":\"ram\"}],\"faults\":{\"blocks\":[{\"first\":1,"
			"\"count\":1,\"unmovable\":true},%s]}}", elements[i]);
		g_autofree char *want = g_strdup_printf(
			"t.json: $.faults.blocks[1]: expected an object, found %s", found[i]);
		g_autoptr(GError) err = NULL;
		g_autoptr(fixture) fx = fixture_parse("t.json", json, strlen(json), &err);

		g_assert_null(fx);
		g_assert_error(err, FIXTURE_ERROR, FIXTURE_ERROR_INVALID);
		g_assert_cmpstr(err->message, ==, want);
	}
}

/*
 * fuzz_store (its corpus replayed after nd and dax came to the tree): "0"
 * to the size of a namespace seed that was never named or sized -- what
 * `ndctl destroy-namespace` writes -- found its region's seed settings not
 * yet allocated and dereferenced NULL.  It is 0 and leaves the seed
 * unsized, as __size_store() shrinking nothing (namespace_devs.c).
 */
static void test_seed_size_zero(void)
{
	static const char seed[] =
		"sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/namespace0.0/";
	g_autofree char *path = g_build_filename(g_getenv("G_TEST_SRCDIR"), "..", "fixtures",
						 "nvdimm-kmem.json", NULL);
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_load(path, &err);
	g_autoptr(machine) m = NULL;
	g_autofree char *size = g_strconcat(seed, "size", NULL);
	g_autofree char *uuid = g_strconcat(seed, "uuid", NULL);
	g_autofree char *before = NULL, *after = NULL, *name = NULL;
	tree_node n;

	g_assert_no_error(err);
	m = machine_boot(fx, &err);
	g_assert_no_error(err);
	before = read_tree(m, size);
	g_assert_cmpstr(before, ==, "0\n");
	g_assert_cmpint(tree_resolve(m, size, &n), ==, 0);
	g_assert_cmpint(tree_write(m, n, "0\n", 2), ==, 0);
	after = read_tree(m, size);
	g_assert_cmpstr(after, ==, "0\n");
	name = read_tree(m, uuid);
	g_assert_cmpstr(name, ==, "\n");
	/* and a size still needs a name first (-ENXIO) */
	g_assert_cmpint(tree_write(m, n, "4096\n", 5), ==, -ENXIO);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fuzz-found/empty-store", test_empty_store);
	g_test_add_func("/fuzz-found/fault-run-not-an-object", test_fault_run_not_an_object);
	g_test_add_func("/fuzz-found/seed-size-zero", test_seed_size_zero);
	return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The file tree: modes, classes, links, readdir cursors, reads and stores. */
#include <errno.h>
#include <string.h>

#include "device.h"
#include "fixture.h"
#include "numbered_name.h"
#include "ops.h"
#include "tree.h"
#include "util.h"

static const char vm_json[] =
	"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.12\",\"hypervisor\":true,"
	"\"memory_hotplug\":{\"probe\":true,\"auto_online_blocks\":\"offline\"},"
	"\"e820\":[{\"start\":\"0\",\"end\":\"0x9fbff\",\"type\":\"ram\"},"
	"{\"start\":\"0x9fc00\",\"end\":\"0x9ffff\",\"type\":\"reserved\"},"
	"{\"start\":\"0x100000\",\"end\":\"0x3fffffff\",\"type\":\"ram\"}]}";

static struct machine *boot(void)
{
	return boot_fixture_json(vm_json);
}

static tree_node resolve(const struct machine *m, const char *path)
{
	tree_node n = 0;

	g_assert_cmpint(tree_resolve(m, path, &n), ==, 0);
	return n;
}

static void assert_mode(const struct machine *m, const char *path, enum tree_type type,
			mode_t mode, enum tree_file_class cls)
{
	struct tree_stat st;

	g_assert_cmpint(tree_stat(m, resolve(m, path), &st), ==, 0);
	g_assert_cmpint(st.type, ==, type);
	g_assert_cmphex(st.mode, ==, mode);
	if (type == TREE_FILE)
		g_assert_cmpint(st.cls, ==, cls);
}

static void test_modes(void)
{
	g_autoptr(machine) m = boot();

	assert_mode(m, "proc/iomem", TREE_FILE, 0444, TREE_PROCFS);
	assert_mode(m, "sys/devices/system/memory", TREE_DIR, 0755, TREE_SYSFS);
	assert_mode(m, "sys/devices/system/memory/block_size_bytes", TREE_FILE, 0444, TREE_SYSFS);
	assert_mode(m, "sys/devices/system/memory/auto_online_blocks", TREE_FILE, 0644, TREE_SYSFS);
	assert_mode(m, "sys/devices/system/memory/probe", TREE_FILE, 0200, TREE_SYSFS);
	assert_mode(m, "sys/devices/system/memory/crash_hotplug", TREE_FILE, 0444, TREE_SYSFS);
	assert_mode(m, "sys/devices/system/memory/uevent", TREE_FILE, 0644, TREE_SYSFS);
	assert_mode(m, "sys/devices/system/memory/memory1/state", TREE_FILE, 0644, TREE_SYSFS);
	assert_mode(m, "sys/devices/system/memory/memory1/online", TREE_FILE, 0644, TREE_SYSFS);
	assert_mode(m, "sys/devices/system/memory/memory1/valid_zones", TREE_FILE, 0444, TREE_SYSFS);
	assert_mode(m, "sys/devices/system/memory/memory1/power/control", TREE_FILE, 0644, TREE_SYSFS);
	assert_mode(m, "sys/devices/system/memory/memory1/subsystem", TREE_LINK, 0777, TREE_SYSFS);
	assert_mode(m, "sys/devices/system/memory/memory1/node0", TREE_LINK, 0777, TREE_SYSFS);
	assert_mode(m, "sys/firmware/memmap/0/start", TREE_FILE, 0444, TREE_SYSFS);
	assert_mode(m, "sys/module/memory_hotplug/parameters/memmap_on_memory", TREE_FILE, 0444,
		    TREE_SYSFS);
	assert_mode(m, "sys/module/memory_hotplug/parameters/online_policy", TREE_FILE, 0644,
		    TREE_SYSFS);
}

static void assert_link(const struct machine *m, const char *path, const char *target)
{
	g_autoptr(GString) s = g_string_new(NULL);

	g_assert_cmpint(tree_readlink(m, resolve(m, path), s), ==, 0);
	g_assert_cmpstr(s->str, ==, target);
}

static void test_links(void)
{
	g_autoptr(machine) m = boot();

	assert_link(m, "sys/devices/system/memory/memory3/node0", "../../node/node0");
	assert_link(m, "sys/devices/system/memory/memory3/subsystem", "../../../../bus/memory");
	assert_link(m, "sys/devices/system/node/node0/memory3", "../../memory/memory3");
	assert_link(m, "sys/bus/memory/devices/memory3", "../../../devices/system/memory/memory3");
}

/* What every entry of the tree checks: a lookup of its name finds it, its
 * path is the one walked, and a link's target node is where its text
 * leads, resolved from the root. */
struct follow_check {
	const struct machine *m;
	GString *path;            /* the directory being listed, below the root */
	unsigned entries, links;
};

static void check_dir(struct follow_check *c, tree_node dir);

static void check_link(struct follow_check *c, tree_node n)
{
	g_autoptr(GString) text = g_string_new(NULL);
	g_autofree char *joined = NULL, *path = NULL;
	tree_node target, want;
	int rc;

	c->links++;
	g_assert_cmpint(tree_readlink(c->m, n, text), ==, 0);
	joined = g_strdup_printf("/%s/%s", c->path->str, text->str);
	path = g_canonicalize_filename(joined, "/");
	rc = tree_resolve(c->m, path + 1, &want);
	g_assert_cmpint(tree_link_target(c->m, n, &target), ==, rc);
	if (!rc)
		g_assert_cmpuint(target, ==, want);
}

static int check_entry(void *ctx, const char *name, tree_node n, enum tree_type type,
		       uint64_t next)
{
	struct follow_check *c = ctx;
	g_autoptr(GString) got = g_string_new(NULL);
	size_t len = c->path->len;
	tree_node found;

	(void)next;
	c->entries++;
	g_assert_cmpint(tree_lookup(c->m, tree_parent(c->m, n), name, &found), ==, 0);
	g_assert_cmpuint(found, ==, n);
	if (type == TREE_LINK)
		check_link(c, n);
	g_string_append_printf(c->path, "%s%s", len ? "/" : "", name);
	g_assert_cmpint(tree_path(c->m, n, got), ==, 0);
	g_assert_cmpstr(got->str, ==, c->path->str);
	if (type == TREE_DIR)
		check_dir(c, n);
	g_string_truncate(c->path, len);
	return 0;
}

static void check_dir(struct follow_check *c, tree_node dir)
{
	g_assert_cmpint(tree_readdir(c->m, dir, 0, check_entry, c), ==, 0);
}

/* Over the whole tree of every bundled fixture, after its scenario. */
static void test_lookup_and_follow(void)
{
	g_autofree char *dir_path = g_test_build_filename(G_TEST_DIST, "..", "fixtures", NULL);
	g_autoptr(GDir) dir = g_dir_open(dir_path, 0, NULL);
	unsigned fixtures = 0;
	const char *name;

	g_assert_nonnull(dir);
	while ((name = g_dir_read_name(dir))) {
		g_autoptr(machine) m = NULL;
		g_autoptr(GString) path = g_string_new(NULL);
		struct follow_check c = { NULL, path, 0, 0 };

		if (!g_str_has_suffix(name, ".json"))
			continue;
		m = boot_bundled_scenario(name);
		c.m = m;
		check_dir(&c, TREE_ROOT);
		g_test_message("%s: %u entries, %u links", name, c.entries, c.links);
		g_assert_cmpuint(c.links, >, 20);
		fixtures++;
	}
	g_assert_cmpuint(fixtures, >=, 13);
}

struct listing {
	GString *names;
	uint64_t last_cursor;
	int limit;
};

static int list(void *ctx, const char *name, tree_node n, enum tree_type type, uint64_t next)
{
	struct listing *l = ctx;

	(void)n, (void)type;
	g_string_append_printf(l->names, "%s ", name);
	l->last_cursor = next;
	return --l->limit == 0;
}

static void test_readdir_cursor(void)
{
	g_autoptr(machine) m = boot();
	tree_node dir = resolve(m, "sys/devices/system/memory");
	g_autoptr(GString) whole = g_string_new(NULL), pieces = g_string_new(NULL);
	struct listing all = { .names = whole, .limit = -1 };
	uint64_t cursor = 0;

	g_assert_cmpint(tree_readdir(m, dir, 0, list, &all), ==, 0);
	g_assert_cmpstr(whole->str, ==,
			"power auto_online_blocks block_size_bytes crash_hotplug probe hard_offline_page "
			"soft_offline_page uevent "
			"memory0 memory1 memory2 memory3 memory4 memory5 memory6 memory7 ");
	/* Resuming from each returned cursor, three at a time, gives the same list. */
	for (;;) {
		struct listing part = { .names = pieces, .limit = 3 };

		g_assert_cmpint(tree_readdir(m, dir, cursor, list, &part), ==, 0);
		if (part.limit == 3)
			break;
		cursor = part.last_cursor;
	}
	g_assert_cmpstr(pieces->str, ==, whole->str);
	g_string_truncate(whole, 0);
	all.limit = -1;
	g_assert_cmpint(tree_readdir(m, resolve(m, "sys/devices/system/memory/memory2"), 0, list,
				     &all), ==, 0);
	g_assert_cmpstr(whole->str, ==, "node0 online phys_device phys_index power removable state "
					"subsystem uevent valid_zones ");
}

static char *read_as(const struct machine *m, const char *path, bool admin, int *rc)
{
	const struct tree_reader who = { .cap_sys_admin = admin };
	GString *s = g_string_new(NULL);

	*rc = tree_read(m, resolve(m, path), &who, s);
	return g_string_free(s, FALSE);
}

static void test_reads(void)
{
	g_autoptr(machine) m = boot();
	int rc;
	g_autofree char *iomem = read_as(m, "proc/iomem", true, &rc);
	g_autofree char *hidden = read_as(m, "proc/iomem", false, &rc);
	g_autofree char *eio = read_as(m, "sys/devices/system/memory/power/autosuspend_delay_ms",
				       true, &rc);

	g_assert_cmpint(rc, ==, -EIO);
	g_assert_true(g_str_has_prefix(iomem, "00000000-00000fff : Reserved\n"
					      "00001000-0009fbff : System RAM\n"));
	g_assert_true(g_str_has_prefix(hidden, "00000000-00000000 : Reserved\n"
					       "00000000-00000000 : System RAM\n"));
	g_free(read_as(m, "sys/devices/system/memory/probe", true, &rc));
	g_assert_cmpint(rc, ==, -EACCES);
	g_autofree char *status = read_as(m, "sys/devices/system/memory/memory0/power/runtime_status",
					  true, &rc);
	g_assert_cmpstr(status, ==, "unsupported\n");
	g_autofree char *crash = read_as(m, "sys/devices/system/memory/crash_hotplug", true, &rc);
	g_assert_cmpstr(crash, ==, "0\n");
}

static int store(struct machine *m, const char *path, const char *buf)
{
	return tree_write(m, resolve(m, path), buf, strlen(buf));
}

static void assert_content(struct machine *m, const char *path, const char *want)
{
	int rc;
	g_autofree char *got = read_as(m, path, true, &rc);

	g_assert_cmpint(rc, ==, 0);
	g_assert_cmpstr(got, ==, want);
}

static void test_stores(void)
{
	g_autoptr(machine) m = boot();
	const char *aob = "sys/devices/system/memory/auto_online_blocks";
	const char *pol = "sys/module/memory_hotplug/parameters/online_policy";
	const char *ratio = "sys/module/memory_hotplug/parameters/auto_movable_ratio";
	const char *aware = "sys/module/memory_hotplug/parameters/auto_movable_numa_aware";

	assert_content(m, aob, "offline\n");
	g_assert_cmpint(store(m, aob, "online_movable\n"), ==, 0);
	assert_content(m, aob, "online_movable\n");
	/* daxctl-style NUL terminator, and no newline at all, are both fine. */
	g_assert_cmpint(tree_write(m, resolve(m, aob), "online\0", 7), ==, 0);
	assert_content(m, aob, "online\n");
	g_assert_cmpint(store(m, aob, "online_kernel"), ==, 0);
	/* sysfs_streq allows one trailing newline, nothing else. */
	g_assert_cmpint(store(m, aob, "online\n\n"), ==, -EINVAL);
	g_assert_cmpint(store(m, aob, " online"), ==, -EINVAL);
	g_assert_cmpint(store(m, aob, "Online"), ==, -EINVAL);
	/* An empty write stores nothing and succeeds (sysfs_kf_write, 6.12). */
	g_assert_cmpint(store(m, aob, ""), ==, 0);
	assert_content(m, aob, "online_kernel\n");

	g_assert_cmpint(store(m, pol, "auto-movable\n"), ==, 0);
	assert_content(m, pol, "auto-movable\n");
	g_assert_cmpint(store(m, pol, "auto_movable"), ==, -EINVAL);
	g_assert_cmpint(store(m, ratio, "0x10\n"), ==, 0);
	assert_content(m, ratio, "16\n");
	g_assert_cmpint(store(m, ratio, "-1"), ==, -EINVAL);
	g_assert_cmpint(store(m, ratio, "4294967296"), ==, -ERANGE);
	g_assert_cmpint(store(m, ratio, "12abc"), ==, -EINVAL);
	assert_content(m, ratio, "16\n");
	g_assert_cmpint(store(m, aware, "off"), ==, 0);
	assert_content(m, aware, "N\n");
	g_assert_cmpint(store(m, aware, "yes"), ==, 0);
	assert_content(m, aware, "Y\n");
	g_assert_cmpint(store(m, aware, "maybe"), ==, -EINVAL);

	/* Read-only files have no store; power/control is per device. */
	g_assert_cmpint(store(m, "sys/devices/system/memory/block_size_bytes", "1"), ==, -EACCES);
	g_assert_cmpint(store(m, "sys/devices/system/memory/memory1/power/control", "on"), ==, 0);
	assert_content(m, "sys/devices/system/memory/memory1/power/control", "on\n");
	assert_content(m, "sys/devices/system/memory/memory2/power/control", "auto\n");
	g_assert_cmpint(store(m, "sys/devices/system/memory/memory1/power/control", "off"), ==, -EINVAL);
	g_assert_cmpint(store(m, "sys/devices/system/memory/uevent", "change\n"), ==, 0);
	g_assert_cmpint(store(m, "sys/devices/system/memory/uevent", "explode"), ==, -EINVAL);
}

/* memoryN/firmware_node: only blocks of an ACPI memory device have it
 * (acpi_bind_memory_blocks()), pointing at the slot's PNP0C80 node as 6.1
 * and 6.12 guests of QEMU 7.2 showed it, listed before node0. */
/* A captured link is served as captured, on the blocks that had it only. */
static void test_literal_firmware_node(void)
{
	g_autoptr(machine) m = boot_fixture_json(
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.12\","
		"\"block_size\":\"128M\",\"memory_groups\":[{\"first\":48,\"type\":\"static\","
		"\"node\":0,\"max_pages\":\"0x20000\"}],\"memory_blocks\":["
		"{\"first\":1,\"count\":7},"
		"{\"first\":48,\"count\":4,\"state\":\"offline\",\"group\":48,\"firmware_node\":"
		"\"../../../LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/PNP0C80:00\"}]}");
	tree_node n;

	assert_link(m, "sys/devices/system/memory/memory51/firmware_node",
		    "../../../LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/PNP0C80:00");
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/memory7/firmware_node", &n), ==,
			-ENOENT);
}

static void test_firmware_node(void)
{
	g_autoptr(machine) m = boot();
	g_autoptr(GError) err = NULL;
	g_autoptr(GString) names = g_string_new(NULL);
	struct listing all = { .names = names, .limit = -1 };
	struct device *dimm0, *dimm1;
	struct tree_stat st;
	tree_node n;

	dimm0 = dimm_add(m, 0x100000000, 256 << 20, 0, -1, &err);
	g_assert_no_error(err);
	dimm1 = dimm_add(m, 0x110000000, 128 << 20, 0, -1, &err);
	g_assert_no_error(err);
	g_assert_cmpstr(dimm1->name, ==, "dimm1");
	g_assert_nonnull(virtio_mem_add(m, 0x200000000, 1ull << 30, 2 << 20, 0, -1, &err));
	g_assert_no_error(err);
	g_assert_cmpint(virtio_mem_resize(m, device_find(m, "virtio0"), 128 << 20, &err), ==, 0);
	g_assert_cmpint(store(m, "sys/devices/system/memory/probe", "0x120000000"), ==, 0);

	assert_link(m, "sys/devices/system/memory/memory32/firmware_node",
		    "../../../LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/PNP0C80:00");
	assert_link(m, "sys/devices/system/memory/memory33/firmware_node",
		    "../../../LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/PNP0C80:00");
	assert_link(m, "sys/devices/system/memory/memory34/firmware_node",
		    "../../../LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/PNP0C80:01");
	assert_mode(m, "sys/devices/system/memory/memory34/firmware_node", TREE_LINK, 0777,
		    TREE_SYSFS);
	g_assert_cmpint(tree_readdir(m, resolve(m, "sys/devices/system/memory/memory34"), 0, list,
				     &all), ==, 0);
	g_assert_cmpstr(names->str, ==, "firmware_node node0 online phys_device phys_index power "
					"removable state subsystem uevent valid_zones ");
	/* Boot memory, probe, virtio-mem: no ACPI device, no link. */
	for (unsigned i = 0; i < 3; i++) {
		static const char *const none[] = { "memory1", "memory36", "memory64" };
		g_autofree char *path = g_strdup_printf("sys/devices/system/memory/%s/firmware_node",
							none[i]);
		g_autofree char *dir = g_strdup_printf("sys/devices/system/memory/%s", none[i]);

		g_assert_cmpint(tree_resolve(m, dir, &n), ==, 0);
		g_assert_cmpint(tree_resolve(m, path, &n), ==, -ENOENT);
	}
	/* The node id outlives the block: it is gone with the DIMM. */
	n = resolve(m, "sys/devices/system/memory/memory32/firmware_node");
	g_assert_cmpint(dimm_eject(m, dimm0, &err), ==, 0);
	g_assert_no_error(err);
	g_assert_cmpint(tree_stat(m, n, &st), ==, -ENOENT);
	/* The next DIMM takes the lowest free slot, as QEMU plugs it. */
	g_assert_nonnull(dimm_add(m, 0x100000000, 128 << 20, 0, -1, &err));
	g_assert_no_error(err);
	assert_link(m, "sys/devices/system/memory/memory32/firmware_node",
		    "../../../LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/PNP0C80:00");
	assert_link(m, "sys/devices/system/memory/memory34/firmware_node",
		    "../../../LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/PNP0C80:01");
}

static void test_missing(void)
{
	g_autoptr(machine) m = boot();
	tree_node n;

	g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/memory01", &n), ==, -ENOENT);
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/memory8", &n), ==, -ENOENT);
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/memory1/node1", &n), ==, -ENOENT);
	g_assert_cmpint(tree_resolve(m, "sys/firmware/memmap/3", &n), ==, -ENOENT);
	g_assert_cmpint(tree_resolve(m, "proc/iomem/x", &n), ==, -ENOTDIR);
}

static void op_ok(struct machine *m, const char *json)
{
	json_object *o = json_tokener_parse(json), *res = NULL;
	g_autoptr(GError) err = NULL;

	g_assert_cmpint(machine_op(m, o, &res, &err), ==, 0);
	g_assert_no_error(err);
	json_object_put(o);
	json_object_put(res);
}

static char *link_target(const struct machine *m, tree_node n)
{
	GString *s = g_string_new(NULL);

	g_assert_cmpint(tree_readlink(m, n, s), ==, 0);
	return g_string_free(s, FALSE);
}

/*
 * A block's nodes name that block for good: once it is removed they exist
 * no more (I/O is ENODEV, as kernfs_get_active() fails), and the block added
 * again at the same place has other node ids and another FUSE generation,
 * with the same names and link targets.
 */
static void test_removed_block_nodes(void)
{
	g_autoptr(machine) m = boot();
	const char *const paths[] = { "sys/devices/system/memory/memory8/state",
		"sys/devices/system/memory/memory8/power/control",
		"sys/devices/system/memory/memory8/node0", "sys/devices/system/node/node0/memory8",
		"sys/bus/memory/devices/memory8", "sys/kernel/debug/hotplugfs/memory8/unmovable" };
	tree_node old[G_N_ELEMENTS(paths)], state;
	uint32_t old_gen;
	g_autofree char *target = NULL;
	g_autoptr(GString) s = g_string_new(NULL);
	const struct tree_reader root = { .cap_sys_admin = true };

	op_ok(m, "{\"op\":\"dimm-add\",\"start\":\"1G\",\"size\":\"128M\"}");
	for (size_t i = 0; i < G_N_ELEMENTS(paths); i++)
		old[i] = resolve(m, paths[i]);
	old_gen = tree_generation(m, old[0]);
	g_assert_cmpuint(old_gen, !=, 0);
	op_ok(m, "{\"op\":\"dimm-eject\",\"device\":\"dimm0\"}");
	for (size_t i = 0; i < G_N_ELEMENTS(paths); i++)
		g_assert_false(tree_exists(m, old[i]));
	g_assert_cmpint(tree_write(m, old[0], "online", 6), ==, -ENODEV);
	g_assert_cmpint(tree_read(m, old[0], &root, s), ==, -ENODEV);

	op_ok(m, "{\"op\":\"dimm-add\",\"start\":\"1G\",\"size\":\"128M\"}");
	for (size_t i = 0; i < G_N_ELEMENTS(paths); i++) {
		g_assert_false(tree_exists(m, old[i]));
		g_assert_cmphex(resolve(m, paths[i]), !=, old[i]);
	}
	state = resolve(m, paths[0]);
	g_assert_cmpuint(tree_generation(m, state), !=, old_gen);
	/* The old writer's store reaches nothing; the new block stays offline. */
	g_assert_cmpint(tree_write(m, old[0], "online", 6), ==, -ENODEV);
	g_assert_cmpint(tree_read(m, state, &root, s), ==, 0);
	g_assert_cmpstr(s->str, ==, "offline\n");
	target = link_target(m, resolve(m, paths[3]));
	g_assert_cmpstr(target, ==, "../../memory/memory8");
	g_free(target);
	target = link_target(m, resolve(m, paths[4]));
	g_assert_cmpstr(target, ==, "../../../devices/system/memory/memory8");
	/* Boot blocks are the first of their ids. */
	g_assert_cmpuint(tree_generation(m, resolve(m, "sys/devices/system/memory/memory1")), ==, 0);
}

/* Only the text the kernel prints names a device: no sign, no leading 0,
 * no overflow, nothing after the number. */
static void test_numbered_names(void)
{
	static const struct { const char *name; bool ok; uint64_t a, b; } pairs[] = {
		{ "namespace0.0", true, 0, 0 }, { "namespace12.3", true, 12, 3 },
		{ "namespace1", false, 0, 0 }, { "namespace1.", false, 0, 0 },
		{ "namespace.1", false, 0, 0 }, { "namespace01.0", false, 0, 0 },
		{ "namespace1.00", false, 0, 0 }, { "namespace1.+2", false, 0, 0 },
		{ "namespace1.2.3", false, 0, 0 }, { "namespace1.2x", false, 0, 0 },
		{ "region1.2", false, 0, 0 }, { "namespace18446744073709551616.0", false, 0, 0 },
	};
	uint64_t a, b;

	g_assert_true(parse_numbered_name("memory32", "memory", &a));
	g_assert_cmpuint(a, ==, 32);
	g_assert_true(parse_numbered_name("memory0", "memory", &a));
	g_assert_cmpuint(a, ==, 0);
	g_assert_true(parse_numbered_name("18446744073709551615", "", &a));
	g_assert_cmpuint(a, ==, UINT64_MAX);
	g_assert_false(parse_numbered_name("18446744073709551616", "", &a));
	g_assert_false(parse_numbered_name("memory032", "memory", &a));
	g_assert_false(parse_numbered_name("memory+32", "memory", &a));
	g_assert_false(parse_numbered_name("memory32 ", "memory", &a));
	g_assert_false(parse_numbered_name("memory", "memory", &a));
	g_assert_false(parse_numbered_name("node1", "memory", &a));
	for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++) {
		bool ok = parse_numbered_pair(pairs[i].name, "namespace", &a, &b);

		g_assert_cmpint(ok, ==, pairs[i].ok);
		if (ok) {
			g_assert_cmpuint(a, ==, pairs[i].a);
			g_assert_cmpuint(b, ==, pairs[i].b);
		}
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tree/modes", test_modes);
	g_test_add_func("/tree/numbered-names", test_numbered_names);
	g_test_add_func("/tree/links", test_links);
	g_test_add_func("/tree/lookup-and-follow", test_lookup_and_follow);
	g_test_add_func("/tree/readdir_cursor", test_readdir_cursor);
	g_test_add_func("/tree/reads", test_reads);
	g_test_add_func("/tree/stores", test_stores);
	g_test_add_func("/tree/missing", test_missing);
	g_test_add_func("/tree/firmware_node", test_firmware_node);
	g_test_add_func("/tree/literal_firmware_node", test_literal_firmware_node);
	g_test_add_func("/tree/removed-block-nodes", test_removed_block_nodes);
	return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Memory-block derivation at boot: ids, holes, block size, nodes, zones. */
#include <string.h>

#include "fixture.h"
#include "tree.h"
#include "util.h"

static struct machine *boot(const char *json)
{
	return boot_fixture_json(json);
}

static void assert_file(const struct machine *m, const char *path, const char *want)
{
	g_autofree char *got = read_tree(m, path);

	g_assert_cmpstr(got, ==, want);
}

static void assert_absent(const struct machine *m, const char *path)
{
	tree_node n;

	g_assert_cmpint(tree_resolve(m, path, &n), ==, -ENOENT);
}

#define VM_1G_PLUS(extra) \
	"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.1\",\"hypervisor\":true," \
	"\"e820\":[{\"start\":\"0\",\"end\":\"0x9fbff\",\"type\":\"ram\"}," \
	"{\"start\":\"0x9fc00\",\"end\":\"0x9ffff\",\"type\":\"reserved\"}," \
	"{\"start\":\"0xf0000\",\"end\":\"0xfffff\",\"type\":\"reserved\"}," \
	"{\"start\":\"0x100000\",\"end\":\"0x3ffdffff\",\"type\":\"ram\"}," \
	"{\"start\":\"0x3ffe0000\",\"end\":\"0x3fffffff\",\"type\":\"reserved\"}," \
	"{\"start\":\"0x100000000\",\"size\":\"1G\",\"type\":\"ram\"}]" extra "}"

static void test_container(void)
{
	struct memory_blocks b = { 0 };

	for (uint64_t id = 0; id < 100; id += 2)
		g_assert_nonnull(memory_blocks_append(&b, id));
	g_assert_nonnull(memory_blocks_insert(&b, 7));
	g_assert_null(memory_blocks_insert(&b, 8));
	g_assert_cmpuint(memory_blocks_find(&b, 7)->id, ==, 7);
	g_assert_null(memory_blocks_find(&b, 9));
	g_assert_cmpuint(memory_blocks_lower_bound(&b, 9), ==, 6);
	memory_blocks_remove(&b, 7, 7);
	g_assert_null(memory_blocks_find(&b, 7));
	g_assert_cmpuint(b.n, ==, 50);
	/* a range: its ends need not be blocks */
	memory_blocks_remove(&b, 9, 20);
	g_assert_cmpuint(b.n, ==, 44);
	g_assert_cmpuint(memory_blocks_find(&b, 8)->id, ==, 8);
	g_assert_null(memory_blocks_find(&b, 10));
	g_assert_null(memory_blocks_find(&b, 20));
	g_assert_cmpuint(b.v[5].id, ==, 22);
	memory_blocks_remove(&b, 90, UINT64_MAX);
	g_assert_cmpuint(b.n, ==, 39);
	g_assert_cmpuint(b.v[b.n - 1].id, ==, 88);
	memory_blocks_remove(&b, 200, 300);
	g_assert_cmpuint(b.n, ==, 39);
	memory_blocks_free(&b);
}

static void test_holes_and_ids(void)
{
	g_autoptr(machine) m = boot(VM_1G_PLUS(""));

	/* 1 GiB below the hole and 1 GiB at 4 GiB, 128 MiB blocks: 0-7 and 32-39. */
	g_assert_cmpuint(m->blocks.n, ==, 16);
	assert_file(m, "sys/devices/system/memory/block_size_bytes", "8000000\n");
	assert_file(m, "sys/devices/system/memory/memory7/phys_index", "00000007\n");
	assert_file(m, "sys/devices/system/memory/memory32/phys_index", "00000020\n");
	assert_absent(m, "sys/devices/system/memory/memory8");
	assert_absent(m, "sys/devices/system/memory/memory31");
	assert_file(m, "sys/devices/system/memory/memory39/state", "online\n");
	assert_file(m, "sys/devices/system/memory/memory39/online", "1\n");
	assert_file(m, "sys/devices/system/memory/memory39/removable", "1\n");
	assert_file(m, "sys/devices/system/memory/memory39/phys_device", "0\n");
}

static void test_zones_at_boot(void)
{
	g_autoptr(machine) m = boot(VM_1G_PLUS(""));

	/* memory0 holds DMA (below 16 MiB) and DMA32 pages: no single zone. */
	assert_file(m, "sys/devices/system/memory/memory0/valid_zones", "none\n");
	assert_file(m, "sys/devices/system/memory/memory1/valid_zones", "DMA32\n");
	assert_file(m, "sys/devices/system/memory/memory7/valid_zones", "DMA32\n");
	assert_file(m, "sys/devices/system/memory/memory32/valid_zones", "Normal\n");
}

static void test_block_size_rule(void)
{
	/* probe_memory_block_size(): below 64 GiB of boot memory 128 MiB; bare
	 * metal 2 GiB; a VM the largest power of two up to 2 GiB dividing the end. */
	static const struct { const char *end; bool hv; const char *want; } cases[] = {
		{ "0xfbfffffff", true, "8000000\n" },      /* 63 GiB end: below 64 GiB */
		{ "0xfffffffff", true, "80000000\n" },     /* 64 GiB end is not below it */
		{ "0x103fffffff", false, "80000000\n" },   /* 65 GiB bare metal */
		{ "0x103fffffff", true, "40000000\n" },    /* 65 GiB VM: 1 GiB divides it */
		{ "0x1037ffffff", true, "8000000\n" },     /* 64.875 GiB VM: 128 MiB */
		{ "0x107fffffff", true, "80000000\n" },    /* 66 GiB VM: 2 GiB */
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *json = g_strdup_printf(
			"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"hypervisor\":%s,"
			"\"e820\":[{\"start\":\"0x100000\",\"end\":\"0xbfffffff\",\"type\":\"ram\"},"
			"{\"start\":\"0x100000000\",\"end\":\"%s\",\"type\":\"ram\"}]}",
			cases[i].hv ? "true" : "false", cases[i].end);
		g_autoptr(machine) m = boot(json);

		assert_file(m, "sys/devices/system/memory/block_size_bytes", cases[i].want);
	}
}

static void test_block_spanning_two_nodes(void)
{
	g_autoptr(machine) m = boot(VM_1G_PLUS(
		",\"numa\":[{\"node\":0,\"start\":\"0\",\"end\":\"0x103ffffff\"},"
		"{\"node\":1,\"start\":\"0x104000000\",\"end\":\"0x13fffffff\"}]"));
	tree_node n;
	g_autoptr(GString) link = g_string_new(NULL);

	/* memory32 holds the last 64 MiB of node 0 and the first of node 1. */
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/memory32/node0", &n), ==, 0);
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/memory32/node1", &n), ==, 0);
	g_assert_cmpint(tree_readlink(m, n, link), ==, 0);
	g_assert_cmpstr(link->str, ==, "../../node/node1");
	assert_file(m, "sys/devices/system/memory/memory32/valid_zones", "none\n");
	assert_absent(m, "sys/devices/system/memory/memory33/node0");
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/memory33/node1", &n), ==, 0);
	/* The reverse links under both nodes. */
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/node/node0/memory32", &n), ==, 0);
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/node/node1/memory32", &n), ==, 0);
	assert_absent(m, "sys/devices/system/node/node1/memory7");
}

static void test_legacy_pmem(void)
{
	/* memmap=128M!768M: the kernel's table loses that RAM, the firmware map
	 * keeps it (seen on 6.1 and 6.12). */
	g_autoptr(machine) m = boot(VM_1G_PLUS(",\"memmap\":[\"128M!768M\"]"));

	assert_absent(m, "sys/devices/system/memory/memory6");
	assert_file(m, "sys/devices/system/memory/memory5/state", "online\n");
	assert_file(m, "sys/firmware/memmap/3/end", "0x3ffdffff\n");
	assert_file(m, "sys/firmware/memmap/3/type", "System RAM\n");
}

#define LITERAL(blocks) \
	"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.1\",\"block_size\":\"128M\"," \
	"\"memory_blocks\":[" blocks "]}"

static void test_literal_valid_zones(void)
{
	g_autoptr(machine) m = boot(LITERAL(
		"{\"first\":32,\"count\":3,\"state\":\"online\",\"valid_zones\":\"Movable\"},"
		"{\"first\":35,\"count\":1,\"state\":\"offline\",\"valid_zones\":\"Normal Movable\"},"
		"{\"first\":36,\"count\":1,\"state\":\"offline\",\"valid_zones\":\"Normal\"}"));

	/* As 6.1 and 6.12 do: memory32-34 online Movable, memory35 offline: "Normal Movable",
	 * derived (nothing literal kept). */
	g_assert_cmpuint(memory_blocks_find(&m->blocks, 35)->literal_zones, ==, 0);
	assert_file(m, "sys/devices/system/memory/memory35/valid_zones", "Normal Movable\n");
	/* An old kernel's format differs from the model: kept verbatim. */
	g_assert_cmpuint(memory_blocks_find(&m->blocks, 36)->literal_zones, !=, 0);
	assert_file(m, "sys/devices/system/memory/memory36/valid_zones", "Normal\n");
	assert_file(m, "sys/devices/system/memory/memory32/valid_zones", "Movable\n");
	assert_file(m, "sys/devices/system/memory/memory35/online", "0\n");
}

static void test_offline_inside_movable_span(void)
{
	g_autoptr(machine) m = boot(LITERAL(
		"{\"first\":32,\"count\":1,\"state\":\"online\",\"valid_zones\":\"Movable\"},"
		"{\"first\":33,\"count\":1,\"state\":\"offline\"},"
		"{\"first\":34,\"count\":1,\"state\":\"online\",\"valid_zones\":\"Movable\"}"));

	/* memory33 lies inside the Movable span only: Movable first, then the
	 * kernel zone (default_zone_for_pfn). */
	assert_file(m, "sys/devices/system/memory/memory33/valid_zones", "Movable Normal\n");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/blocks/container", test_container);
	g_test_add_func("/blocks/holes_and_ids", test_holes_and_ids);
	g_test_add_func("/blocks/zones_at_boot", test_zones_at_boot);
	g_test_add_func("/blocks/block_size_rule", test_block_size_rule);
	g_test_add_func("/blocks/block_spanning_two_nodes", test_block_spanning_two_nodes);
	g_test_add_func("/blocks/legacy_pmem", test_legacy_pmem);
	g_test_add_func("/blocks/literal_valid_zones", test_literal_valid_zones);
	g_test_add_func("/blocks/offline_inside_movable_span", test_offline_inside_movable_span);
	return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Firmware-map numbering and removal (drivers/firmware/memmap.c). */
#include <errno.h>

#include "firmware_map.h"

static void check(const struct firmware_map *map, guint i, unsigned nr, uint64_t start,
		  uint64_t end, const char *type)
{
	const struct firmware_map_entry *e = firmware_map_at(map, i);

	g_assert_cmpuint(e->nr, ==, nr);
	g_assert_cmphex(e->start, ==, start);
	g_assert_cmphex(e->end, ==, end);
	g_assert_cmpstr(e->type, ==, type);
}

static void test_boot_numbering(void)
{
	struct firmware_map map;

	firmware_map_init(&map);
	firmware_map_add_early(&map, 0, 0x9fc00, "System RAM");
	firmware_map_add_early(&map, 0x9fc00, 0xa0000, "Reserved");
	g_assert_cmpuint(firmware_map_len(&map), ==, 2);
	check(&map, 0, 0, 0, 0x9fbff, "System RAM");
	check(&map, 1, 1, 0x9fc00, 0x9ffff, "Reserved");
	firmware_map_clear(&map);
}

static void test_numbers_never_reused(void)
{
	struct firmware_map map;

	firmware_map_init(&map);
	for (int i = 0; i < 7; i++)
		firmware_map_add_early(&map, (uint64_t)i << 20, (uint64_t)(i + 1) << 20, "Reserved");
	g_assert_cmpint(firmware_map_add_hotplug(&map, 0x100000000, 0x120000000, "System RAM"), ==, 0);
	check(&map, 7, 7, 0x100000000, 0x11fffffff, "System RAM");
	/* An identical entry is success and no new directory. */
	g_assert_cmpint(firmware_map_add_hotplug(&map, 0x100000000, 0x120000000, "System RAM"), ==, 0);
	g_assert_cmpuint(firmware_map_len(&map), ==, 8);
	/* Removal, then re-adding the same range: a fresh number. */
	g_assert_cmpint(firmware_map_remove(&map, 0x100000000, 0x120000000, "System RAM"), ==, 0);
	g_assert_null(firmware_map_find(&map, 7));
	g_assert_cmpint(firmware_map_add_hotplug(&map, 0x100000000, 0x120000000, "System RAM"), ==, 0);
	g_assert_nonnull(firmware_map_find(&map, 8));
	g_assert_null(firmware_map_find(&map, 7));
	/* A removed boot entry's number is not reused either. */
	g_assert_cmpint(firmware_map_remove(&map, 0, 1 << 20, "Reserved"), ==, 0);
	g_assert_cmpint(firmware_map_add_hotplug(&map, 0, 1 << 20, "Reserved"), ==, 0);
	g_assert_nonnull(firmware_map_find(&map, 9));
	g_assert_null(firmware_map_find(&map, 0));
	firmware_map_clear(&map);
}

static void test_remove_needs_exact_match(void)
{
	struct firmware_map map;

	firmware_map_init(&map);
	firmware_map_add_early(&map, 0x100000000, 0x200000000, "System RAM");
	/* Part of a boot range, a different type, an off-by-one end: all refused. */
	g_assert_cmpint(firmware_map_remove(&map, 0x100000000, 0x120000000, "System RAM"), ==, -EINVAL);
	g_assert_cmpint(firmware_map_remove(&map, 0x100000000, 0x200000000, "Reserved"), ==, -EINVAL);
	g_assert_cmpint(firmware_map_remove(&map, 0x100000000, 0x1ffffffff, "System RAM"), ==, -EINVAL);
	g_assert_cmpuint(firmware_map_len(&map), ==, 1);
	g_assert_cmpint(firmware_map_remove(&map, 0x100000000, 0x200000000, "System RAM"), ==, 0);
	g_assert_cmpuint(firmware_map_len(&map), ==, 0);
	firmware_map_clear(&map);
}

static void test_numbered_continues(void)
{
	struct firmware_map map;

	firmware_map_init(&map);
	firmware_map_add_numbered(&map, 0, 0, 0xfff, "Reserved");
	firmware_map_add_numbered(&map, 5, 0x1000, 0x9fbff, "System RAM");
	g_assert_cmpint(firmware_map_add_hotplug(&map, 0x100000000, 0x108000000, "System RAM"), ==, 0);
	g_assert_nonnull(firmware_map_find(&map, 6));
	g_assert_null(firmware_map_find(&map, 1));
	firmware_map_clear(&map);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/firmware_map/boot_numbering", test_boot_numbering);
	g_test_add_func("/firmware_map/numbers_never_reused", test_numbers_never_reused);
	g_test_add_func("/firmware_map/remove_needs_exact_match", test_remove_needs_exact_match);
	g_test_add_func("/firmware_map/numbered_continues", test_numbered_continues);
	return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Zone spans kept one block at a time, as the kernel keeps them
 * (move_pfn_range_to_zone -> resize_zone_range on online,
 * remove_pfn_range_from_zone -> shrink_zone_span on offline,
 * mm/memory_hotplug.c 6.12): after every store of a long random sequence of
 * onlines and offlines, on machines with several nodes, boot blocks across
 * zones, hot-added DIMMs and memory groups, every node's spans and counters
 * equal the ones rebuilt from scratch, and so do the groups' page counts.
 */
#include <string.h>

#include "fixture.h"
#include "online.h"
#include "ops.h"
#include "util.h"
#include "zone.h"

static void op(struct machine *m, const char *json)
{
	json_object *o = json_tokener_parse(json), *res = NULL;
	g_autoptr(GError) err = NULL;

	g_assert_cmpint(machine_op(m, o, &res, &err), ==, 0);
	json_object_put(o);
	json_object_put(res);
}

/* The spans and counters as they are, then rebuilt: they must not differ. */
static void assert_same_as_rebuilt(struct machine *m)
{
	g_autoptr(GArray) kept = g_array_copy(m->nodes);
	g_autoptr(GArray) groups = g_array_copy(m->groups);

	zones_recompute(m);
	g_assert_cmpuint(kept->len, ==, m->nodes->len);
	for (guint i = 0; i < kept->len; i++) {
		const struct numa_node *a = &g_array_index(kept, struct numa_node, i);
		const struct numa_node *b = &g_array_index(m->nodes, struct numa_node, i);

		for (int z = 0; z < NR_ZONES; z++) {
			const struct zone *x = &a->zones[z], *y = &b->zones[z];

			if (memcmp(x, y, sizeof(*x)) && !(zone_is_empty(x) && zone_is_empty(y) &&
							   !x->present && !y->present))
				g_test_message("node %d %s: kept %#" G_GINT64_MODIFIER "x-%#"
					       G_GINT64_MODIFIER "x present %#" G_GINT64_MODIFIER
					       "x, rebuilt %#" G_GINT64_MODIFIER "x-%#"
					       G_GINT64_MODIFIER "x present %#" G_GINT64_MODIFIER "x",
					       a->nid, zone_to_string(z), x->start, x->end, x->present,
					       y->start, y->end, y->present);
			g_assert_cmpuint(x->present, ==, y->present);
			g_assert_cmpuint(x->present_early, ==, y->present_early);
			g_assert_cmpint(zone_is_empty(x), ==, zone_is_empty(y));
			if (!zone_is_empty(x)) {
				g_assert_cmphex(x->start, ==, y->start);
				g_assert_cmphex(x->end, ==, y->end);
			}
		}
	}
	for (guint i = 0; i < groups->len; i++) {
		const struct memory_group *a = &g_array_index(groups, struct memory_group, i);
		const struct memory_group *b = &g_array_index(m->groups, struct memory_group, i);

		g_assert_cmpuint(a->present_kernel_pages, ==, b->present_kernel_pages);
		g_assert_cmpuint(a->present_movable_pages, ==, b->present_movable_pages);
	}
}

static void random_stores(struct machine *m, unsigned rounds, guint32 seed)
{
	static const char *const words[] = { "offline", "online", "online_kernel",
					     "online_movable" };
	GRand *r = g_rand_new_with_seed(seed);
	unsigned done = 0;

	for (unsigned i = 0; i < rounds; i++) {
		const struct memory_block *b = &m->blocks.v[g_rand_int_range(r, 0, (gint32)m->blocks.n)];
		const char *w = words[g_rand_int_range(r, 0, G_N_ELEMENTS(words))];
		int rc = memory_block_store_state(m, b->id, w, strlen(w));

		rc = hotplug_wait(m, rc);
		done += rc == 0;
		assert_same_as_rebuilt(m);
	}
	/* The sequence must have changed something, or it tests nothing. */
	g_assert_cmpuint(done, >, rounds / 4);
	g_rand_free(r);
}

static void test_two_sockets(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("server-2s-512g.json");

	random_stores(m, 1500, 1);
}

static void test_vm_with_dimms(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("qemu-vm-4g.json");

	op(m, "{\"op\":\"dimm-add\",\"start\":\"0x1000000000\",\"size\":\"1G\"}");
	op(m, "{\"op\":\"dimm-add\",\"start\":\"0x1040000000\",\"size\":\"512M\"}");
	random_stores(m, 1500, 2);
}

static void test_auto_movable_groups(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("qemu-vm-4g.json");

	m->params.online_policy = ONLINE_POLICY_AUTO_MOVABLE;
	m->params.auto_movable_ratio = 301;
	op(m, "{\"op\":\"dimm-add\",\"start\":\"0x1000000000\",\"size\":\"1G\"}");
	op(m, "{\"op\":\"virtio-mem-add\",\"start\":\"0x2000000000\",\"region_size\":\"2G\"}");
	op(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"1G\"}");
	random_stores(m, 1500, 3);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/zone/two-sockets", test_two_sockets);
	g_test_add_func("/zone/vm-with-dimms", test_vm_with_dimms);
	g_test_add_func("/zone/auto-movable-groups", test_auto_movable_groups);
	return g_test_run();
}

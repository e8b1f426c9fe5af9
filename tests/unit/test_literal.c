/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The literal form's memory groups and memmap_on_memory: a machine whose
 * DIMM and virtio-mem blocks were captured (as the live backend will capture
 * them, docs/kmod-protocol.md) must go on behaving as the machine that added
 * them.  The reference is a boot-form machine that hot-adds them; its state
 * is written out as a literal fixture the way a capture would, and both
 * machines then take the same stores and must answer and show the same.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "event_log.h"
#include "ops.h"
#include "util.h"
#include "zone.h"

/* The QEMU guest of the 6.1/6.12 observations: 1 GiB of boot RAM. */
static struct machine *reference(const char *kernel, const char *policy, const char *mom)
{
	g_autofree char *json = g_strdup_printf(
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"%s\",\"hypervisor\":true,"
		"\"memory_hotplug\":{\"auto_online_blocks\":\"offline\",\"online_policy\":\"%s\","
		"\"memmap_on_memory\":\"%s\"},"
		"\"e820\":[{\"start\":\"0\",\"end\":\"0x9fbff\",\"type\":\"ram\"},"
		"{\"start\":\"0x9fc00\",\"end\":\"0x9ffff\",\"type\":\"reserved\"},"
		"{\"start\":\"0xf0000\",\"end\":\"0xfffff\",\"type\":\"reserved\"},"
		"{\"start\":\"0x100000\",\"end\":\"0x3ffdffff\",\"type\":\"ram\"},"
		"{\"start\":\"0x3ffe0000\",\"end\":\"0x3fffffff\",\"type\":\"reserved\"}]}",
		kernel, policy, mom);

	return boot_fixture_json(json);
}

static void op_ok(struct machine *m, const char *json)
{
	json_object *o = json_tokener_parse(json), *res = NULL;
	g_autoptr(GError) err = NULL;

	g_assert_nonnull(o);
	machine_op(m, o, &res, &err);
	g_assert_no_error(err);
	json_object_put(o);
	json_object_put(res);
}

/* The lowest block of group id: the name the kernel module gives it. */
static uint64_t group_first(const struct machine *m, int id)
{
	for (size_t i = 0; i < m->blocks.n; i++)
		if (m->blocks.v[i].group == id)
			return m->blocks.v[i].id;
	g_assert_not_reached();
}

static char *zones_text(const struct machine *m, const struct memory_block *b)
{
	GString *s = g_string_new(NULL);

	valid_zones_show(m, b, s);
	return g_string_free(s, FALSE);
}

/* m written out as a literal fixture, one run per block, as a capture would. */
static char *capture(const struct machine *m, const char *kernel)
{
	GString *j = g_string_new(NULL);

	g_string_append_printf(j, "{\"hotplugfs-fixture\":1,\"description\":\"captured\","
			       "\"kernel\":\"%s\",\"block_size\":\"0x%" PRIx64 "\","
			       "\"memory_hotplug\":{\"auto_online_blocks\":\"%s\","
			       "\"online_policy\":\"%s\",\"memmap_on_memory\":\"%s\"},"
			       "\"memory_groups\":[", kernel, m->block_size,
			       mmop_to_string(m->params.auto_online),
			       online_policy_to_string(m->params.online_policy),
			       memmap_on_memory_to_string(m->params.memmap_on_memory));
	for (guint i = 0; i < m->groups->len; i++) {
		const struct memory_group *g = &g_array_index(m->groups, struct memory_group, i);

		g_string_append_printf(j, "%s{\"first\":%" PRIu64 ",\"type\":\"%s\",\"node\":%d,"
				       "\"%s\":\"0x%" PRIx64 "\"}", i ? "," : "", group_first(m, g->id),
				       g->dynamic ? "dynamic" : "static", g->nid,
				       g->dynamic ? "unit_pages" : "max_pages",
				       g->dynamic ? g->unit_pages : g->max_pages);
	}
	g_string_append(j, "],\"memory_blocks\":[");
	for (size_t i = 0; i < m->blocks.n; i++) {
		const struct memory_block *b = &m->blocks.v[i];
		g_autofree char *zones = zones_text(m, b);

		g_string_append_printf(j, "%s{\"first\":%" PRIu64 ",\"count\":1,\"state\":\"%s\","
				       "\"nodes\":[%d],\"valid_zones\":\"%s\"", i ? "," : "", b->id,
				       block_state_to_string(b->state), b->nid, zones);
		if (b->group)
			g_string_append_printf(j, ",\"group\":%" PRIu64, group_first(m, b->group));
		if (b->flags & BLOCK_ALTMAP)
			g_string_append(j, ",\"memmap_on_memory\":true");
		g_string_append_c(j, '}');
	}
	g_string_append(j, "]}");
	return g_string_free(j, FALSE);
}

/* The group of block id in m, NULL if none. */
static const struct memory_group *group_of(const struct machine *m, uint64_t id)
{
	return machine_group(m, memory_blocks_find(&m->blocks, id)->group);
}

/* Blocks from first on: same state, zones, node and group counters; and the
 * zones hot-added memory goes to (boot memory is all below Normal) alike,
 * boot memory (present_early) included. */
static void assert_same(const struct machine *ref, const struct machine *lit, uint64_t first)
{
	for (int z = ZONE_NORMAL; z <= ZONE_MOVABLE; z++) {
		const struct zone *a = &machine_node(ref, 0)->zones[z];
		const struct zone *b = &machine_node(lit, 0)->zones[z];

		g_assert_cmpint(zone_is_empty(a), ==, zone_is_empty(b));
		if (!zone_is_empty(a)) {
			g_assert_cmphex(a->start, ==, b->start);
			g_assert_cmphex(a->end, ==, b->end);
		}
		g_assert_cmphex(a->present, ==, b->present);
		g_assert_cmphex(a->present_early, ==, b->present_early);
	}
	for (size_t i = memory_blocks_lower_bound(&ref->blocks, first); i < ref->blocks.n; i++) {
		const struct memory_block *a = &ref->blocks.v[i];
		const struct memory_block *b = memory_blocks_find(&lit->blocks, a->id);
		g_autofree char *za = zones_text(ref, a), *zb = zones_text(lit, b);
		const struct memory_group *ga = group_of(ref, a->id), *gb = group_of(lit, a->id);

		g_assert_nonnull(b);
		g_assert_cmpint(a->state, ==, b->state);
		g_assert_cmpstr(za, ==, zb);
		g_assert_cmpint(a->zone, ==, b->zone);
		g_assert_cmpint(a->nid, ==, b->nid);
		g_assert_cmpint(a->flags & BLOCK_ALTMAP, ==, b->flags & BLOCK_ALTMAP);
		/* The model derives what was captured: nothing kept verbatim. */
		g_assert_cmpint(b->literal_zones, ==, 0);
		g_assert_true(!ga == !gb);
		if (!ga)
			continue;
		g_assert_cmpint(ga->dynamic, ==, gb->dynamic);
		g_assert_cmpint(ga->nid, ==, gb->nid);
		g_assert_cmpuint(ga->max_pages, ==, gb->max_pages);
		g_assert_cmpuint(ga->unit_pages, ==, gb->unit_pages);
		g_assert_cmpuint(ga->present_kernel_pages, ==, gb->present_kernel_pages);
		g_assert_cmpuint(ga->present_movable_pages, ==, gb->present_movable_pages);
	}
}

/* Notifier calls and uevents as text, without their sequence numbers. */
static void record(void *ctx, const struct event *e)
{
	g_autoptr(GString) line = g_string_new(NULL);
	char *seqnum;

	if (e->kind != EVENT_NOTIFY && e->kind != EVENT_UEVENT)
		return;
	event_format(e, line);
	seqnum = strstr(line->str, " SEQNUM=");
	if (seqnum)
		*seqnum = '\0';
	g_string_append_printf(ctx, "%s\n", strchr(line->str, ' ') + 1);
}

static int store(struct machine *m, uint64_t id, const char *what)
{
	g_autofree char *path = g_strdup_printf("sys/devices/system/memory/memory%" PRIu64 "/state",
						id);
	tree_node n;

	g_assert_cmpint(tree_resolve(m, path, &n), ==, 0);
	return tree_write(m, n, what, strlen(what));
}

/* A virtio-mem device with three blocks plugged (memory32-34, a dynamic
 * group) and a 512 MiB DIMM (memory48-51, a static group), both offline;
 * captured; then the same stores on both machines. */
static void differential(const char *kernel, const char *policy, const char *mom)
{
	static const struct { uint64_t block; const char *state; } steps[] = {
		{ 48, "online" }, { 32, "online" }, { 49, "online_kernel" }, { 50, "online" },
		{ 33, "online_movable" }, { 34, "online_kernel" }, { 48, "offline" },
		{ 51, "online_movable" }, { 48, "online" }, { 32, "offline" }, { 49, "offline" },
		{ 32, "online" }, { 49, "online_movable" }, { 50, "offline" }, { 50, "online" },
	};
	g_autoptr(machine) ref = reference(kernel, policy, mom);
	g_autoptr(machine) lit = NULL;
	g_autoptr(GString) ref_events = g_string_new(NULL), lit_events = g_string_new(NULL);
	g_autofree char *json = NULL;

	op_ok(ref, "{\"op\":\"virtio-mem-add\",\"start\":\"0x100000000\",\"region_size\":\"1G\"}");
	op_ok(ref, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"384M\"}");
	op_ok(ref, "{\"op\":\"dimm-add\",\"start\":\"0x180000000\",\"size\":\"512M\"}");
	json = capture(ref, kernel);
	lit = boot_fixture_json(json);
	assert_same(ref, lit, 0);
	event_log_subscribe(&ref->log, record, ref_events);
	event_log_subscribe(&lit->log, record, lit_events);
	for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
		int a = store(ref, steps[i].block, steps[i].state);
		int b = store(lit, steps[i].block, steps[i].state);

		g_assert_cmpint(a, ==, b);
		assert_same(ref, lit, 32);
		g_assert_cmpstr(ref_events->str, ==, lit_events->str);
	}
	event_log_unsubscribe(&ref->log, record, ref_events);
	event_log_unsubscribe(&lit->log, record, lit_events);
	/* Something happened: each store is an online or an offline. */
	g_assert_cmpuint(strlen(ref_events->str), >, 1000);
}

static void test_differential_contig(void)
{
	differential("6.12", "contig-zones", "N");
}

static void test_differential_auto_movable(void)
{
	differential("6.12", "auto-movable", "N");
}

/* 6.12 adds every DIMM block with its memmap on it (per block since 6.8). */
static void test_differential_memmap_on_memory(void)
{
	differential("6.12", "auto-movable", "Y");
}

static void test_differential_6_1(void)
{
	differential("6.1", "auto-movable", "N");
}

/* The kernel module's example machine (docs/kmod-protocol.md, "blocks"),
 * written by hand: memory32 virtio-mem's, online Movable; memory48-51 the
 * 512 MiB DIMM's, offline.  contig-zones: memory48 lies outside the Movable
 * span, so "Normal Movable", as 6.1 and 6.12 printed it. */
static const char kmod_example[] =
	"{\"hotplugfs-fixture\":1,\"description\":\"kmod example\",\"kernel\":\"6.12\","
	"\"block_size\":\"128M\",\"memory_hotplug\":{\"auto_online_blocks\":\"offline\","
	"\"memmap_on_memory\":\"Y\"},"
	"\"memory_groups\":[{\"first\":32,\"type\":\"dynamic\",\"node\":0,\"unit_pages\":\"0x8000\"},"
	"{\"first\":48,\"type\":\"static\",\"node\":0,\"max_pages\":\"0x20000\"}],"
	"\"memory_blocks\":[{\"first\":0,\"count\":1,\"valid_zones\":\"none\"},"
	"{\"first\":1,\"count\":7,\"valid_zones\":\"DMA32\"},"
	"{\"first\":32,\"count\":1,\"group\":32,\"valid_zones\":\"Movable\"},"
	"{\"first\":48,\"count\":4,\"group\":48,\"state\":\"offline\",\"memmap_on_memory\":true}]}";

static void test_kmod_example(void)
{
	g_autoptr(machine) m = boot_fixture_json(kmod_example);
	const struct memory_group *dyn = group_of(m, 32), *dimm = group_of(m, 48);
	g_autofree char *zones48 = read_tree(m, "sys/devices/system/memory/memory48/valid_zones");
	g_autofree char *zones32 = read_tree(m, "sys/devices/system/memory/memory32/valid_zones");
	g_autoptr(GString) events = g_string_new(NULL);
	tree_node n;

	g_assert_cmpstr(zones48, ==, "Normal Movable\n");
	g_assert_cmpstr(zones32, ==, "Movable\n");
	g_assert_true(dyn->dynamic);
	g_assert_cmpuint(dyn->unit_pages, ==, 0x8000);
	g_assert_cmpuint(dyn->present_movable_pages, ==, 0x8000);
	g_assert_cmpuint(dyn->present_kernel_pages, ==, 0);
	g_assert_false(dimm->dynamic);
	g_assert_cmpuint(dimm->max_pages, ==, 0x20000);
	g_assert_cmpuint(dimm->present_kernel_pages + dimm->present_movable_pages, ==, 0);
	/* Hot-added blocks are not boot memory: only blocks 0-7 count early. */
	g_assert_cmpuint(machine_node(m, 0)->zones[ZONE_MOVABLE].present_early, ==, 0);
	/* A captured group has no ACPI device behind it: no firmware_node. */
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/memory48/firmware_node", &n), ==,
			-ENOENT);

	/* memmap_on_memory on 6.12: the range starts after the block's memmap,
	 * the altmap is the memmap (docs/kmod-protocol.md, real 6.12 guest). */
	event_log_subscribe(&m->log, record, events);
	g_assert_cmpint(store(m, 48, "online_movable"), ==, 0);
	event_log_unsubscribe(&m->log, record, events);
	g_assert_nonnull(strstr(events->str, "MEM_PREPARE_ONLINE"));
	g_assert_nonnull(strstr(events->str, "start_pfn=0x180200 nr_pages=0x7e00 "
					     "altmap_start_pfn=0x180000 altmap_nr_pages=0x200"));
	g_assert_cmpuint(dimm->present_movable_pages, ==, 0x8000);
	g_free(zones48);
	zones48 = read_tree(m, "sys/devices/system/memory/memory48/valid_zones");
	g_assert_cmpstr(zones48, ==, "Movable\n");
	/* The group's other blocks follow: nothing of it is in a kernel zone. */
	g_free(zones48);
	zones48 = read_tree(m, "sys/devices/system/memory/memory49/valid_zones");
	g_assert_cmpstr(zones48, ==, "Normal Movable\n");
	g_assert_cmpint(store(m, 48, "offline"), ==, 0);
	g_assert_cmpuint(dimm->present_movable_pages, ==, 0);
}

/* Online at load time: the group's counters hold what is online, per zone. */
static void test_counters_at_load(void)
{
	g_autoptr(machine) m = boot_fixture_json(
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"block_size\":\"128M\","
		"\"memory_groups\":[{\"first\":48,\"type\":\"static\",\"node\":1,\"max_pages\":\"0x20000\"}],"
		"\"memory_blocks\":[{\"first\":0,\"count\":8,\"valid_zones\":\"DMA32\"},"
		"{\"first\":48,\"count\":1,\"group\":48,\"valid_zones\":\"Normal\"},"
		"{\"first\":49,\"count\":2,\"group\":48,\"valid_zones\":\"Movable\"},"
		"{\"first\":51,\"count\":1,\"group\":48,\"state\":\"offline\"}]}");
	const struct memory_group *g = group_of(m, 48);
	g_autofree char *link = NULL;
	g_autoptr(GString) s = g_string_new(NULL);
	tree_node n;

	g_assert_cmpuint(g->present_kernel_pages, ==, 0x8000);
	g_assert_cmpuint(g->present_movable_pages, ==, 0x10000);
	/* Its blocks are on the group's node without "nodes". */
	g_assert_cmpint(memory_blocks_find(&m->blocks, 51)->nid, ==, 1);
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/memory51/node1", &n), ==, 0);
	g_assert_cmpint(tree_readlink(m, n, s), ==, 0);
	g_assert_cmpstr(s->str, ==, "../../node/node1");
	/* The static group has a kernel block: the rest goes to a kernel zone. */
	link = read_tree(m, "sys/devices/system/memory/memory51/valid_zones");
	g_assert_cmpstr(link, ==, "Normal Movable\n");
	g_assert_cmpint(store(m, 48, "offline"), ==, 0);
	g_assert_cmpuint(g->present_kernel_pages, ==, 0);
	g_assert_cmpint(store(m, 49, "offline"), ==, 0);
	g_assert_cmpuint(g->present_movable_pages, ==, 0x8000);
}

/* A virtio-mem device the kernel had probed before the capture: 1 GiB at
 * 0x140000000, 2 MiB blocks, 256 MiB plugged (memory40-41 online). */
static char *virtio_fixture(const char *device)
{
	return g_strdup_printf(
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.12\",\"block_size\":\"128M\","
		"\"memory_hotplug\":{\"auto_online_blocks\":\"online_movable\"},"
		"\"iomem\":[{\"name\":\"System RAM\",\"start\":\"0x0\",\"end\":\"0x3fffffff\"},"
		"{\"name\":\"virtio1\",\"start\":\"0x140000000\",\"end\":\"0x17fffffff\",\"children\":["
		"{\"name\":\"System RAM (virtio_mem)\",\"start\":\"0x140000000\",\"end\":\"0x14fffffff\"}]}],"
		"\"memory_groups\":[{\"first\":40,\"type\":\"dynamic\",\"node\":0,\"unit_pages\":\"0x8000\"}],"
		"\"memory_blocks\":[{\"first\":0,\"count\":8,\"valid_zones\":\"DMA32\"},"
		"{\"first\":40,\"count\":2,\"group\":40,\"valid_zones\":\"Movable\"}],"
		"\"devices\":[%s]}", device);
}

static char *iomem_text(const struct machine *m)
{
	return read_tree(m, "proc/iomem");
}

/* The capture's virtio1 grows and shrinks as the driver's own: the next
 * plug merges with the captured "System RAM (virtio_mem)"
 * (add_memory_driver_managed(MHP_MERGE_RESOURCE), merge_system_ram_resource(),
 * kernel/resource.c 6.12), blocks join the captured dynamic group
 * (memory_group_register_dynamic()), and shrinking to a size that is not a
 * multiple of the memory block size removes whole blocks above it and keeps
 * the partly plugged one (virtio_mem_sbm_unplug_request(), 6.1 and 6.12).
 * Seen on Debian 6.1 and 6.12 guests by tests/kernel/differential.py. */
static void test_virtio_mem_bound(void)
{
	g_autofree char *fx = virtio_fixture(
		"{\"type\":\"virtio-mem\",\"resource\":\"virtio1\",\"block_size\":\"2M\","
		"\"plugged_size\":\"256M\",\"node\":0}");
	g_autoptr(machine) m = boot_fixture_json(fx);
	g_autofree char *grown = NULL, *shrunk = NULL;

	op_ok(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio1\",\"requested_size\":\"512M\"}");
	grown = iomem_text(m);
	g_assert_nonnull(strstr(grown, "140000000-17fffffff : virtio1\n"
					"  140000000-15fffffff : System RAM (virtio_mem)\n"));
	g_assert_cmpint(memory_blocks_find(&m->blocks, 43)->group, ==,
			memory_blocks_find(&m->blocks, 40)->group);
	g_assert_cmpuint(group_of(m, 40)->present_movable_pages, ==, 4 * 0x8000);

	op_ok(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio1\",\"requested_size\":\"300M\"}");
	shrunk = iomem_text(m);
	g_assert_nonnull(strstr(shrunk, "  140000000-157ffffff : System RAM (virtio_mem)\n"));
	g_assert_nonnull(memory_blocks_find(&m->blocks, 42));
	g_assert_null(memory_blocks_find(&m->blocks, 43));

	op_ok(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio1\",\"requested_size\":\"0\"}");
	g_assert_null(memory_blocks_find(&m->blocks, 40));
	g_free(shrunk);
	shrunk = iomem_text(m);
	g_assert_nonnull(strstr(shrunk, "140000000-17fffffff : virtio1\n"));
	g_assert_null(strstr(shrunk, "virtio_mem"));
}

/* Nothing plugged at capture time: no blocks, so the device's dynamic group
 * is registered at load (virtio_mem_probe() had done it before the capture). */
static void test_virtio_mem_bound_empty(void)
{
	g_autoptr(machine) m = boot_fixture_json(
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.1\",\"block_size\":\"128M\","
		"\"iomem\":[{\"name\":\"System RAM\",\"start\":\"0x0\",\"end\":\"0x3fffffff\"},"
		"{\"name\":\"virtio0\",\"start\":\"0x140000000\",\"end\":\"0x17fffffff\"}],"
		"\"memory_blocks\":[{\"first\":0,\"count\":8,\"valid_zones\":\"DMA32\"}],"
		"\"devices\":[{\"type\":\"virtio-mem\",\"resource\":\"virtio0\",\"block_size\":\"2M\","
		"\"plugged_size\":\"0\"}]}");
	const struct memory_group *g;

	op_ok(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"2M\"}");
	g = group_of(m, 40);
	g_assert_nonnull(g);
	g_assert_true(g->dynamic);
	g_assert_cmpuint(g->unit_pages, ==, 0x8000);
	g_assert_null(memory_blocks_find(&m->blocks, 41));
}

static void assert_refused(const char *json, const char *message)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_parse("test.json", json, strlen(json), &err);
	g_autoptr(machine) m = NULL;

	if (fx)
		m = machine_boot(fx, &err);
	g_assert_null(m);
	g_assert_nonnull(err);
	if (!strstr(err->message, message))
		g_error("%s does not say %s", err->message, message);
}

/* A binding that does not fit the capture is refused with the reason. */
static void test_virtio_mem_bound_refused(void)
{
	static const struct { const char *device, *message; } cases[] = {
		{ "{\"type\":\"virtio-mem\",\"resource\":\"virtio7\",\"block_size\":\"2M\",\"plugged_size\":\"0\"}",
		  "test.json: $.devices[0]: iomem has no top-level resource \"virtio7\"" },
		{ "{\"type\":\"virtio-mem\",\"resource\":\"virtio1\",\"block_size\":\"2M\",\"plugged_size\":\"512M\"}",
		  "$.devices[0]: memory42 is missing, but virtio1 plugged 0x20000000" },
		{ "{\"type\":\"virtio-mem\",\"resource\":\"virtio1\",\"block_size\":\"2M\",\"plugged_size\":\"128M\"}",
		  "$.devices[0]: memory41 exists, but virtio1 plugged 0x8000000" },
		{ "{\"type\":\"virtio-mem\",\"resource\":\"virtio1\",\"block_size\":\"3M\",\"plugged_size\":\"0\"}",
		  "block_size 0x300000 is not a power of two" },
		{ "{\"type\":\"virtio-mem\",\"resource\":\"virtio1\",\"block_size\":\"2M\",\"plugged_size\":\"256M\",\"node\":1}",
		  "the blocks' group is not virtio1's" },
		{ "{\"type\":\"virtio-pmem\",\"resource\":\"virtio1\",\"block_size\":\"2M\",\"plugged_size\":\"0\"}",
		  "$.devices[0].type" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *fx = virtio_fixture(cases[i].device);

		assert_refused(fx, cases[i].message);
	}
	/* Literal form only. */
	assert_refused("{\"hotplugfs-fixture\":1,\"description\":\"t\",\"e820\":[{\"start\":\"0\","
		       "\"end\":\"0x3fffffff\",\"type\":\"ram\"}],\"devices\":[]}",
		       "$.devices: not allowed together with e820");
}

/* The legacy-pmem guest of tests/kernel/differential.py as a 6.12 capture:
 * memmap=256M!0x20000000 (nd_e820) and QEMU's 256 MiB NVDIMM without a
 * label area (nfit) at 4 GiB, each with the one raw namespace nd_pmem
 * claimed at boot (create_namespace_io(), pmem_attach_disk()). */
static char *pmem_fixture(const char *devices)
{
	return g_strdup_printf(
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.12\",\"block_size\":\"128M\","
		"\"memory_hotplug\":{\"auto_online_blocks\":\"online\"},"
		"\"iomem\":[{\"name\":\"System RAM\",\"start\":\"0x0\",\"end\":\"0x1fffffff\"},"
		"{\"name\":\"Persistent Memory (legacy)\",\"start\":\"0x20000000\",\"end\":\"0x2fffffff\","
		"\"children\":[{\"name\":\"namespace0.0\",\"start\":\"0x20000000\",\"end\":\"0x2fffffff\"}]},"
		"{\"name\":\"System RAM\",\"start\":\"0x30000000\",\"end\":\"0x3fffffff\"},"
		"{\"name\":\"Persistent Memory\",\"start\":\"0x100000000\",\"end\":\"0x10fffffff\","
		"\"children\":[{\"name\":\"namespace1.0\",\"start\":\"0x100000000\",\"end\":\"0x10fffffff\"}]}],"
		"\"memory_blocks\":[{\"first\":0,\"count\":4,\"valid_zones\":\"DMA32\"},"
		"{\"first\":6,\"count\":2,\"valid_zones\":\"DMA32\"}],"
		"\"devices\":[%s]}", devices);
}

#define LEGACY_BOUND "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"e820\"," \
	"\"start\":\"0x20000000\",\"namespace\":\"namespace0.0\",\"mode\":\"raw\"}"
#define NVDIMM_BOUND "{\"type\":\"nd-region\",\"region\":\"region1\",\"bus\":\"nfit\"," \
	"\"start\":\"0x100000000\",\"labels\":false,\"namespace\":\"namespace1.0\",\"node\":0}"

/* Bound, the captured claims are the regions' namespaces: ndctl
 * create-namespace -f -e namespaceX.Y -m devdax leaves the namespace over
 * the info block and memmap prefix (6 MiB of 256 MiB) and daxX.Y over the
 * rest (__dax_pmem_probe()); kmem takes the whole blocks of it
 * (dev_dax_kmem_probe(), dax_kmem_range()), onlined per auto_online_blocks.
 * As a Debian 6.12 guest showed (tests/kernel/differential.py). */
static void test_nd_region_bound(void)
{
	g_autofree char *fx = pmem_fixture(LEGACY_BOUND "," NVDIMM_BOUND);
	g_autoptr(machine) m = boot_fixture_json(fx);
	g_autofree char *iomem = NULL, *mode0 = NULL, *mode1 = NULL, *nstype = NULL;
	struct device *r0 = device_find(m, "region0"), *r1 = device_find(m, "region1");
	struct device *ns0 = device_find(m, "namespace0.0");

	g_assert_nonnull(r0);
	g_assert_nonnull(r1);
	g_assert_true(r0->label_less && r1->label_less);
	g_assert_cmpuint(r1->start, ==, 0x100000000);
	g_assert_nonnull(ns0);
	g_assert_true(ns0->mode == NS_RAW && ns0->region == r0);
	/* devices_boot() makes no second region of a bound range */
	g_assert_null(device_find(m, "region2"));
	/* mode_show(): ND_REGION_PAGEMAP for e820 ("memory"), not for NFIT ("raw");
	 * nd_region_to_nstype(): no labelling DIMM, ND_DEVICE_NAMESPACE_IO */
	mode0 = read_tree(m, "sys/devices/platform/e820_pmem/ndbus1/region0/namespace0.0/mode");
	mode1 = read_tree(m, "sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region1/"
			     "namespace1.0/mode");
	nstype = read_tree(m, "sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region1/nstype");
	g_assert_cmpstr(mode0, ==, "memory\n");
	g_assert_cmpstr(mode1, ==, "raw\n");
	g_assert_cmpstr(nstype, ==, "4\n");

	op_ok(m, "{\"op\":\"namespace-reconfigure\",\"device\":\"namespace0.0\",\"mode\":\"devdax\"}");
	op_ok(m, "{\"op\":\"namespace-reconfigure\",\"device\":\"namespace1.0\",\"mode\":\"devdax\"}");
	iomem = iomem_text(m);
	g_assert_nonnull(strstr(iomem, "20000000-2fffffff : Persistent Memory (legacy)\n"
					"  20000000-205fffff : namespace0.0\n"
					"  20600000-2fffffff : dax0.0\n"));
	g_assert_nonnull(strstr(iomem, "100000000-10fffffff : Persistent Memory\n"
					"  100000000-1005fffff : namespace1.0\n"
					"  100600000-10fffffff : dax1.0\n"));
	g_free(mode0);
	mode0 = read_tree(m, "sys/devices/platform/e820_pmem/ndbus1/region0/namespace0.0/mode");
	g_assert_cmpstr(mode0, ==, "dax\n");

	op_ok(m, "{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\",\"mode\":\"system-ram\"}");
	g_free(iomem);
	iomem = iomem_text(m);
	g_assert_nonnull(strstr(iomem, "  20000000-205fffff : namespace0.0\n"
					"  28000000-2fffffff : dax0.0\n"
					"    28000000-2fffffff : System RAM (kmem)\n"
					"30000000-3fffffff : System RAM\n"));
	g_assert_cmpint(memory_blocks_find(&m->blocks, 5)->state, ==, BLOCK_ONLINE);
	g_assert_null(memory_blocks_find(&m->blocks, 4));
}

/* A binding that does not fit the capture is refused, naming the entry. */
static void test_nd_region_refused(void)
{
	static const struct { const char *device, *message; } cases[] = {
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"e820\",\"start\":\"0x30000000\"}",
		  "test.json: $.devices[0]: iomem has no top-level persistent memory range at 0x30000000" },
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"nfit\",\"start\":\"0x20000000\","
		  "\"namespace\":\"namespace0.0\"}",
		  "$.devices[0]: \"Persistent Memory (legacy)\" at 0x20000000 is nd_e820's, not the nfit bus's" },
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"e820\",\"start\":\"0x20000000\"}",
		  "$.devices[0]: the range at 0x20000000 has namespace0.0, claimed at boot: name it in "
		  "\"namespace\"" },
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"e820\",\"start\":\"0x20000000\","
		  "\"namespace\":\"namespace1.0\"}",
		  "$.devices[0].namespace: namespace1.0 is not a namespace of region0" },
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"e820\",\"start\":\"0x20000000\","
		  "\"namespace\":\"namespace0.1\"}",
		  "$.devices[0].namespace: a label-less region's only namespace is namespace0.0" },
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"e820\",\"start\":\"0x20000000\","
		  "\"labels\":true}",
		  "$.devices[0].labels: an e820 region has no DIMM, so no label area" },
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"e820\",\"start\":\"0x20000000\","
		  "\"namespace\":\"namespace0.0\",\"mode\":\"devdax\"}",
		  "$.devices[0].mode: unknown namespace mode at boot \"devdax\" (expected raw)" },
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"e820\",\"start\":\"0x20000000\","
		  "\"mode\":\"raw\"}",
		  "$.devices[0].mode: there is no namespace" },
		{ "{\"type\":\"nd-region\",\"region\":\"reg0\",\"bus\":\"e820\",\"start\":\"0x20000000\"}",
		  "$.devices[0].region: \"reg0\" is not a region's name (regionN)" },
		{ "{\"type\":\"nd-region\",\"region\":\"region01\",\"bus\":\"e820\",\"start\":\"0x20000000\"}",
		  "$.devices[0].region: \"region01\" is not a region's name (regionN)" },
		{ "{\"type\":\"nd-region\",\"region\":\"region4096\",\"bus\":\"e820\",\"start\":\"0x20000000\"}",
		  "$.devices[0].region: region4096: the model numbers regions below 4096" },
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"e820\",\"start\":\"0x20000000\","
		  "\"namespace\":\"namespace0.x\"}",
		  "$.devices[0].namespace: \"namespace0.x\" is not a namespace's name (namespaceN.M)" },
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"nfit\",\"start\":\"0x20000000\","
		  "\"labels\":true,\"namespace\":\"namespace0.64\"}",
		  "$.devices[0].namespace: namespace0.64: the model numbers a region's namespaces below 64" },
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"pci\",\"start\":\"0x20000000\"}",
		  "$.devices[0].bus: unknown nd bus \"pci\" (expected nfit, e820)" },
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"e820\",\"start\":\"0x20000000\","
		  "\"namespace\":\"namespace0.0\",\"node\":3}",
		  "$.devices[0]: node 3 is not possible" },
		{ "{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"e820\",\"start\":\"0x20000000\","
		  "\"namespace\":\"namespace0.0\",\"block_size\":\"2M\"}",
		  "$.devices[0].block_size: unknown key" },
		{ "{\"type\":\"nd-region\",\"bus\":\"e820\",\"start\":\"0x20000000\"}",
		  "$.devices[0]: missing required key \"region\"" },
		{ LEGACY_BOUND ",{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"nfit\","
		  "\"start\":\"0x100000000\",\"namespace\":\"namespace0.0\"}",
		  "$.devices[1]: region0 is bound already" },
		{ LEGACY_BOUND "," LEGACY_BOUND,
		  "$.devices[1]: the range at 0x20000000 is region0 already" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *fx = pmem_fixture(cases[i].device);

		assert_refused(fx, cases[i].message);
	}
}

/* A label-less region's namespace spans it (create_namespace_io()), and
 * what nd_pmem claims is busy. */
static void test_nd_region_refused_claims(void)
{
	static const char *const base =
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.1\",\"block_size\":\"128M\","
		"\"iomem\":[{\"name\":\"System RAM\",\"start\":\"0x0\",\"end\":\"0x1fffffff\"},"
		"{\"name\":\"Persistent Memory\",\"start\":\"0x100000000\",\"end\":\"0x10fffffff\","
		"\"children\":[%s]}],\"memory_blocks\":[{\"first\":0,\"count\":4}],"
		"\"devices\":[{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"nfit\","
		"\"start\":\"0x100000000\",\"namespace\":\"namespace0.0\"}]}";
	static const struct { const char *children, *message; } cases[] = {
		{ "{\"name\":\"namespace0.0\",\"start\":\"0x100000000\",\"end\":\"0x107ffffff\"}",
		  "$.devices[0]: namespace0.0 0x100000000-0x107ffffff does not span its label-less region "
		  "0x100000000-0x10fffffff (create_namespace_io())" },
		{ "{\"name\":\"namespace0.0\",\"start\":\"0x100000000\",\"end\":\"0x10fffffff\",\"flags\":[\"mem\"]}",
		  "$.devices[0]: namespace0.0 is not busy" },
		{ "", "$.devices[0]: iomem has no \"namespace0.0\" in the range at 0x100000000" },
		{ "{\"name\":\"dax0.0\",\"start\":\"0x100000000\",\"end\":\"0x10fffffff\"}",
		  "$.devices[0]: \"dax0.0\" in the range at 0x100000000 is not modelled at boot" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *fx = g_strdup_printf(base, cases[i].children);

		assert_refused(fx, cases[i].message);
	}
	/* A busy range is no region's (the nd drivers request it themselves). */
	assert_refused("{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.1\","
		       "\"iomem\":[{\"name\":\"Persistent Memory\",\"start\":\"0x100000000\","
		       "\"end\":\"0x10fffffff\",\"flags\":[\"mem\",\"busy\"]}],"
		       "\"devices\":[{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"nfit\","
		       "\"start\":\"0x100000000\"}]}",
		       "$.devices[0]: \"Persistent Memory\" at 0x100000000 is busy");
	/* A labelled region's namespace may be part of it, in 2 MiB units. */
	assert_refused("{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.1\","
		       "\"iomem\":[{\"name\":\"Persistent Memory\",\"start\":\"0x100000000\","
		       "\"end\":\"0x10fffffff\",\"children\":[{\"name\":\"namespace0.1\","
		       "\"start\":\"0x100100000\",\"end\":\"0x1002fffff\"}]}],"
		       "\"devices\":[{\"type\":\"nd-region\",\"region\":\"region0\",\"bus\":\"nfit\","
		       "\"start\":\"0x100000000\",\"labels\":true,\"namespace\":\"namespace0.1\"}]}",
		       "$.devices[0]: namespace0.1 0x100100000-0x1002fffff is not 2 MiB aligned");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/literal/differential/contig-zones", test_differential_contig);
	g_test_add_func("/literal/differential/auto-movable", test_differential_auto_movable);
	g_test_add_func("/literal/differential/memmap-on-memory", test_differential_memmap_on_memory);
	g_test_add_func("/literal/differential/6.1", test_differential_6_1);
	g_test_add_func("/literal/kmod-example", test_kmod_example);
	g_test_add_func("/literal/counters-at-load", test_counters_at_load);
	g_test_add_func("/literal/devices/virtio-mem", test_virtio_mem_bound);
	g_test_add_func("/literal/devices/virtio-mem-empty", test_virtio_mem_bound_empty);
	g_test_add_func("/literal/devices/refused", test_virtio_mem_bound_refused);
	g_test_add_func("/literal/devices/nd-region", test_nd_region_bound);
	g_test_add_func("/literal/devices/nd-region-refused", test_nd_region_refused);
	g_test_add_func("/literal/devices/nd-region-refused-claims", test_nd_region_refused_claims);
	return g_test_run();
}

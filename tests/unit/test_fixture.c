/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fixture parsing: sizes, defaults, every error message (file, JSON path and
 * reason, compared whole), and the fixtures shipped in fixtures/.
 * JSON in this file is written with ' for " to stay readable.
 */
#include "e820.h"
#include "fixture.h"
#include "resource.h"
#include "resource_defaults.h"
#include "size.h"
#include "machine.h"

#include <string.h>

#define HDR "'hotplugfs-fixture': 1, 'description': 'd'"
#define RAM "'e820': [{'start': 0, 'size': '1G', 'type': 'ram'}]"

static char *dequote(const char *json)
{
	char *s = g_strdup(json);

	g_strdelimit(s, "'", '"');
	return s;
}

static struct fixture *parse(const char *json, GError **err)
{
	g_autofree char *s = dequote(json);

	return fixture_parse("t.json", s, strlen(s), err);
}

static struct fixture *parse_ok(const char *json)
{
	g_autoptr(GError) err = NULL;
	struct fixture *fx = parse(json, &err);

	g_assert_no_error(err);
	g_assert_nonnull(fx);
	return fx;
}

/* ------------------------------------------------------------------ */

static void test_size(void)
{
	static const struct { const char *s; uint64_t v; } good[] = {
		{ "0", 0 }, { "4096", 4096 }, { "0x9fc00", 0x9fc00 }, { "0xABCdef", 0xabcdef },
		{ "128M", 128ull << 20 }, { "2G", 2ull << 30 }, { "1T", 1ull << 40 }, { "4K", 4096 },
		{ "010", 10 }, { "0xffffffffffffffff", UINT64_MAX },
		{ "18446744073709551615", UINT64_MAX }, { "16777215T", 16777215ull << 40 },
	};
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1.5", "12Q", "0x", "0xg", "0x10M", "1m", "1KB", "M",
		"0x10000000000000000", "18446744073709551616", "16777216T", "1G ",
	};
	uint64_t v;

	for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
		v = 42;
		g_assert_true(parse_size(good[i].s, &v));
		g_assert_cmpuint(v, ==, good[i].v);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		v = 42;
		if (parse_size(bad[i], &v))
			g_error("parse_size accepted \"%s\"", bad[i]);
		g_assert_cmpuint(v, ==, 42);
	}
	g_assert_false(parse_size(NULL, &v));
}

static void test_e820_strings(void)
{
	static const struct { uint32_t type; const char *s; } t[] = {
		{ 1, "System RAM" }, { 128, "System RAM" }, { 2, "Reserved" }, { 3, "ACPI Tables" },
		{ 4, "ACPI Non-volatile Storage" }, { 5, "Unusable memory" },
		{ 7, "Persistent Memory" }, { 12, "Persistent Memory (legacy)" },
		{ 0xefffffff, "Soft Reserved" }, { 6, "Unknown E820 type" },
		{ 0, "Unknown E820 type" }, { 20, "Unknown E820 type" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++)
		g_assert_cmpstr(e820_type_to_string(t[i].type), ==, t[i].s);
}

static void test_default_flags(void)
{
	enum { MEM = IORESOURCE_MEM, BUSY = IORESOURCE_BUSY, SRAM = IORESOURCE_SYSTEM_RAM };
	static const struct { const char *name; uint32_t flags; int desc; } t[] = {
		{ "System RAM", SRAM | BUSY, IORES_DESC_NONE },
		{ "Reserved", MEM, IORES_DESC_RESERVED },
		{ "ACPI Tables", MEM | BUSY, IORES_DESC_ACPI_TABLES },
		{ "ACPI Non-volatile Storage", MEM | BUSY, IORES_DESC_ACPI_NV_STORAGE },
		{ "Unusable memory", MEM | BUSY, IORES_DESC_NONE },
		{ "Unknown E820 type", MEM | BUSY, IORES_DESC_NONE },
		{ "Persistent Memory", MEM, IORES_DESC_PERSISTENT_MEMORY },
		{ "Persistent Memory (legacy)", MEM, IORES_DESC_PERSISTENT_MEMORY_LEGACY },
		{ "Soft Reserved", MEM, IORES_DESC_SOFT_RESERVED },
		{ "Kernel code", SRAM | BUSY, IORES_DESC_NONE },
		{ "Kernel rodata", SRAM | BUSY, IORES_DESC_NONE },
		{ "Kernel data", SRAM | BUSY, IORES_DESC_NONE },
		{ "Kernel bss", SRAM | BUSY, IORES_DESC_NONE },
		{ "Crash kernel", SRAM | BUSY, IORES_DESC_CRASH_KERNEL },
		{ "RAM buffer", MEM | BUSY, IORES_DESC_NONE },
		{ "System RAM (kmem)", SRAM | BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED, IORES_DESC_NONE },
		{ "System RAM (virtio_mem)", SRAM | BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED,
		  IORES_DESC_NONE },
		{ "CXL Window 0", MEM, IORES_DESC_CXL },
		{ "CXL Window 12", MEM, IORES_DESC_CXL },
		{ "virtio0", SRAM | IORESOURCE_EXCLUSIVE, IORES_DESC_NONE },
		{ "virtio15", SRAM | IORESOURCE_EXCLUSIVE, IORES_DESC_NONE },
		{ "dax0.0", SRAM, IORES_DESC_NONE },
		{ "dax12.3", SRAM, IORES_DESC_NONE },
		{ "namespace0.0", MEM | BUSY, IORES_DESC_NONE },
		{ "region1", MEM | BUSY, IORES_DESC_NONE },
		{ "btt0.1", MEM | BUSY, IORES_DESC_NONE },
		{ "PCI Bus 0000:00", MEM | IORESOURCE_WINDOW, IORES_DESC_NONE },
		{ "pnp 00:04", MEM, IORES_DESC_NONE },
		{ "0000:00:1f.2", MEM, IORES_DESC_NONE },
		{ "0000:5d:00.0", MEM, IORES_DESC_NONE },
		{ "0000:00:1f", MEM | BUSY, IORES_DESC_NONE },
		{ "Video ROM", MEM | BUSY | IORESOURCE_READONLY, IORES_DESC_NONE },
		{ "IOAPIC 0", MEM | BUSY, IORES_DESC_NONE },
		{ "PCI ECAM 0000 [bus 00-ff]", MEM | BUSY, IORES_DESC_NONE },
		/* Near misses fall through to the MEM|BUSY default. */
		{ "virtio", MEM | BUSY, IORES_DESC_NONE },
		{ "virtio0x", MEM | BUSY, IORES_DESC_NONE },
		{ "dax0", MEM | BUSY, IORES_DESC_NONE },
		{ "System RAM ", MEM | BUSY, IORES_DESC_NONE },
		{ "reserved", MEM | BUSY, IORES_DESC_NONE },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
		uint32_t flags = 0;
		int desc = -1;

		resource_default_flags(t[i].name, &flags, &desc);
		if (flags != t[i].flags || desc != t[i].desc)
			g_error("\"%s\": flags 0x%x desc %d, expected 0x%x desc %d", t[i].name, flags,
				desc, t[i].flags, t[i].desc);
	}
}

/* ------------------------------------------------------------------ */
/* Defaults and values                                                 */

static void test_defaults_boot(void)
{
	g_autoptr(fixture) fx = parse_ok("{" HDR ", " RAM ", 'resources': [{'name': 'Video ROM',"
					 " 'start': '0xc0000', 'size': '0xa000'}]}");
	const struct fx_resource *r;

	g_assert_cmpstr(fx->file, ==, "t.json");
	g_assert_cmpstr(fx->description, ==, "d");
	g_assert_cmpuint(fx->profile.kernel, ==, KERNEL(6, 12));
	g_assert_cmpint(fx->profile.arch, ==, ARCH_X86_64);
	g_assert_false(fx->profile.memory_probe);
	g_assert_false(fx->hypervisor);
	g_assert_cmpuint(fx->block_size, ==, 0);
	g_assert_null(fx->block_size_path);
	g_assert_cmpint(fx->params.auto_online, ==, MMOP_ONLINE);
	g_assert_cmpint(fx->params.online_policy, ==, ONLINE_POLICY_CONTIG_ZONES);
	g_assert_cmpuint(fx->params.auto_movable_ratio, ==, 301);
	g_assert_true(fx->params.auto_movable_numa_aware);
	g_assert_cmpint(fx->params.memmap_on_memory, ==, MEMMAP_ON_MEMORY_N);
	g_assert_false(fx->params.movable_node);
	g_assert_cmpuint(fx->cpus, ==, 1);
	g_assert_null(fx->cmdline);
	g_assert_true(fx->has_memory_dir);
	g_assert_nonnull(fx->e820);
	g_assert_cmpuint(fx->e820->len, ==, 1);
	g_assert_cmpuint(fx->memmap->len, ==, 0);
	g_assert_cmpuint(fx->numa->len, ==, 0);
	g_assert_cmpuint(fx->mem_limit, ==, 0);
	g_assert_cmpuint(fx->crash_size, ==, 0);
	g_assert_null(fx->crash_path);
	g_assert_true(fx->kernel_code.end < fx->kernel_code.start);
	g_assert_true(fx->kernel_rodata.end < fx->kernel_rodata.start);
	g_assert_true(fx->kernel_data.end < fx->kernel_data.start);
	g_assert_true(fx->kernel_bss.end < fx->kernel_bss.start);
	g_assert_cmpuint(fx->late_resources->len, ==, 0);
	g_assert_null(fx->iomem);
	g_assert_null(fx->firmware_memmap);
	g_assert_null(fx->memory_blocks);

	g_assert_cmpuint(fx->resources->len, ==, 1);
	r = g_ptr_array_index(fx->resources, 0);
	g_assert_cmpstr(r->name, ==, "Video ROM");
	g_assert_cmpuint(r->start, ==, 0xc0000);
	g_assert_cmpuint(r->end, ==, 0xc9fff);
	g_assert_cmpuint(r->flags, ==, IORESOURCE_MEM | IORESOURCE_BUSY | IORESOURCE_READONLY);
	g_assert_cmpint(r->desc, ==, IORES_DESC_NONE);
	g_assert_cmpint(r->placement, ==, FX_INSERT);
	g_assert_cmpuint(r->children->len, ==, 0);
	g_assert_cmpstr(r->path, ==, "$.resources[0]");
}

static void test_defaults_old_kernel(void)
{
	g_autoptr(fixture) fx = parse_ok("{" HDR ", 'kernel': '6.1', " RAM "}");

	g_assert_cmpuint(fx->profile.kernel, ==, KERNEL(6, 1));
	g_assert_cmpint(fx->params.auto_online, ==, MMOP_OFFLINE);
}

static void test_defaults_literal(void)
{
	g_autoptr(fixture) empty = parse_ok("{" HDR "}");
	g_autoptr(fixture) blocks = parse_ok("{" HDR ", 'memory_blocks': [{'first': 0, 'count': 8}]}");
	const struct fx_blocks *b;

	g_assert_null(empty->e820);
	g_assert_null(empty->iomem);
	g_assert_null(empty->firmware_memmap);
	g_assert_null(empty->memory_blocks);
	g_assert_false(empty->has_memory_dir);

	g_assert_true(blocks->has_memory_dir);
	g_assert_cmpuint(blocks->memory_blocks->len, ==, 1);
	b = &g_array_index(blocks->memory_blocks, struct fx_blocks, 0);
	g_assert_cmpuint(b->first, ==, 0);
	g_assert_cmpuint(b->count, ==, 8);
	g_assert_cmpint(b->state, ==, BLOCK_ONLINE);
	g_assert_cmpint(b->nr_nids, ==, 0);
	g_assert_true(b->removable);
	g_assert_cmpint(b->phys_device, ==, 0);
	g_assert_null(b->valid_zones);
	g_assert_cmpstr(b->path, ==, "$.memory_blocks[0]");
}

static void test_values_boot(void)
{
	g_autoptr(fixture) fx = parse_ok(
		"{" HDR ", 'kernel': '6.8', 'arch': 'x86_64', 'hypervisor': true, 'block_size': '1G',"
		" 'cpus': 4, 'cmdline': 'console=ttyS0',"
		" 'memory_hotplug': {'auto_online_blocks': 'online_movable', 'online_policy': 'auto-movable',"
		"   'auto_movable_ratio': 100, 'auto_movable_numa_aware': false,"
		"   'memmap_on_memory': 'force', 'movable_node': true, 'probe': true},"
		" 'e820': [{'start': '0x100000000', 'end': '0x17fffffff', 'type': 'ram'},"
		"          {'start': 0, 'size': 654336, 'type': 'reserved-kern'},"
		"          {'start': '0x9fc00', 'size': '1K', 'type': 20}],"
		" 'memmap': ['1G!0x100000000', '64M$4G', '1M#0x7000000', '2G@8G'], 'mem': '6G',"
		" 'numa': [{'node': 1, 'start': '4G', 'size': '2G'}, {'node': 0, 'start': 0, 'end': '0xffffffff'}],"
		" 'kernel_image': {'code': {'start': '0x1000000', 'size': '0xe01827'},"
		"   'bss': {'start': '0x3100000', 'end': '0x31fffff'}},"
		" 'crashkernel': '256M@0x30000000',"
		" 'resources': [{'name': 'PCI Bus 0000:00', 'start': '0xc0000000', 'end': '0xfebfffff',"
		"   'children': [{'name': 'x', 'start': '0xc0000000', 'size': '1M', 'place': 'request',"
		"      'flags': ['mem', 'busy', 'prefetch', 'mem_64'], 'desc': 'reserved'}]}],"
		" 'late_resources': [{'name': 'namespace0.0', 'start': '4G', 'size': '1G', 'place': 'region',"
		"   'flags': '0x80000200'}, {'name': 'CXL Window 0', 'start': '8G', 'size': '1G', 'place': 'expand'}]}");
	const struct fx_e820 *e;
	const struct fx_numa *n;
	const struct fx_resource *r, *child;

	g_assert_cmpuint(fx->profile.kernel, ==, KERNEL(6, 8));
	g_assert_true(fx->hypervisor);
	g_assert_cmpuint(fx->block_size, ==, 1ull << 30);
	g_assert_cmpstr(fx->block_size_path, ==, "$.block_size");
	g_assert_cmpuint(fx->cpus, ==, 4);
	g_assert_cmpstr(fx->cmdline, ==, "console=ttyS0");
	g_assert_cmpint(fx->params.auto_online, ==, MMOP_ONLINE_MOVABLE);
	g_assert_cmpint(fx->params.online_policy, ==, ONLINE_POLICY_AUTO_MOVABLE);
	g_assert_cmpuint(fx->params.auto_movable_ratio, ==, 100);
	g_assert_false(fx->params.auto_movable_numa_aware);
	g_assert_cmpint(fx->params.memmap_on_memory, ==, MEMMAP_ON_MEMORY_FORCE);
	g_assert_true(fx->params.movable_node);
	g_assert_true(fx->profile.memory_probe);

	g_assert_cmpuint(fx->e820->len, ==, 3);
	e = &g_array_index(fx->e820, struct fx_e820, 0);
	g_assert_cmpuint(e->start, ==, 0x100000000);
	g_assert_cmpuint(e->size, ==, 0x80000000);
	g_assert_cmpuint(e->type, ==, E820_TYPE_RAM);
	g_assert_cmpstr(e->path, ==, "$.e820[0]");
	e = &g_array_index(fx->e820, struct fx_e820, 1);
	g_assert_cmpuint(e->size, ==, 0x9fc00);
	g_assert_cmpuint(e->type, ==, E820_TYPE_RESERVED_KERN);
	e = &g_array_index(fx->e820, struct fx_e820, 2);
	g_assert_cmpuint(e->type, ==, 20);

	g_assert_cmpuint(fx->memmap->len, ==, 4);
	g_assert_cmpstr(g_ptr_array_index(fx->memmap, 0), ==, "1G!0x100000000");
	g_assert_cmpstr(g_ptr_array_index(fx->memmap, 3), ==, "2G@8G");
	g_assert_cmpuint(fx->mem_limit, ==, 6ull << 30);

	g_assert_cmpuint(fx->numa->len, ==, 2);
	n = &g_array_index(fx->numa, struct fx_numa, 0);
	g_assert_cmpint(n->nid, ==, 1);
	g_assert_cmpuint(n->start, ==, 4ull << 30);
	g_assert_cmpuint(n->end, ==, (6ull << 30) - 1);
	g_assert_cmpstr(n->path, ==, "$.numa[0]");

	g_assert_cmpuint(fx->kernel_code.start, ==, 0x1000000);
	g_assert_cmpuint(fx->kernel_code.end, ==, 0x1e01826);
	g_assert_true(fx->kernel_rodata.end < fx->kernel_rodata.start);
	g_assert_true(fx->kernel_data.end < fx->kernel_data.start);
	g_assert_cmpuint(fx->kernel_bss.end, ==, 0x31fffff);

	g_assert_cmpuint(fx->crash_size, ==, 256ull << 20);
	g_assert_cmpuint(fx->crash_base, ==, 0x30000000);
	g_assert_false(fx->crash_high);
	g_assert_cmpstr(fx->crash_path, ==, "$.crashkernel");

	r = g_ptr_array_index(fx->resources, 0);
	g_assert_cmpuint(r->flags, ==, IORESOURCE_MEM | IORESOURCE_WINDOW);
	g_assert_cmpuint(r->children->len, ==, 1);
	child = g_ptr_array_index(r->children, 0);
	g_assert_cmpstr(child->path, ==, "$.resources[0].children[0]");
	g_assert_cmpint(child->placement, ==, FX_REQUEST);
	g_assert_cmpuint(child->flags, ==, IORESOURCE_MEM | IORESOURCE_BUSY | IORESOURCE_PREFETCH |
					   IORESOURCE_MEM_64);
	g_assert_cmpint(child->desc, ==, IORES_DESC_RESERVED);
	r = g_ptr_array_index(fx->late_resources, 0);
	g_assert_cmpint(r->placement, ==, FX_REGION);
	g_assert_cmpuint(r->flags, ==, IORESOURCE_MEM | IORESOURCE_BUSY);
	r = g_ptr_array_index(fx->late_resources, 1);
	g_assert_cmpint(r->placement, ==, FX_EXPAND);
	g_assert_cmpuint(r->flags, ==, IORESOURCE_MEM);
	g_assert_cmpint(r->desc, ==, IORES_DESC_CXL);
}

static void test_crashkernel_forms(void)
{
	g_autoptr(fixture) plain = parse_ok("{" HDR ", " RAM ", 'crashkernel': '256M'}");
	g_autoptr(fixture) high = parse_ok("{" HDR ", " RAM ", 'crashkernel': '512M,high'}");

	g_assert_cmpuint(plain->crash_size, ==, 256ull << 20);
	g_assert_cmpuint(plain->crash_base, ==, 0);
	g_assert_false(plain->crash_high);
	g_assert_cmpuint(high->crash_size, ==, 512ull << 20);
	g_assert_true(high->crash_high);
}

static void test_values_literal(void)
{
	g_autoptr(fixture) fx = parse_ok(
		"{" HDR ", 'kernel': '6.1', 'arch': 's390x', 'block_size': '256M',"
		" 'iomem': [{'name': 'System RAM', 'start': '0x0', 'end': '0x3fffffff', 'children': ["
		"     {'name': 'Kernel code', 'start': '0x100000', 'end': '0x1ffffff'},"
		"     {'name': 'Kernel data', 'start': '0x2000000', 'end': '0x2ffffff', 'flags': ['mem'], 'desc': 'none'}]},"
		"   {'name': 'Reserved', 'start': '0x40000000', 'end': '0x4fffffff'}],"
		" 'firmware_memmap': [{'nr': 0, 'start': '0x0', 'end': '0x9fbff', 'type': 'System RAM'},"
		"   {'nr': 7, 'start': '0x100000000', 'end': '0x11fffffff', 'type': 'System RAM'}],"
		" 'memory_blocks': [{'start': '0x0', 'size': '1G', 'state': 'online', 'nodes': [0, 1],"
		"   'removable': 0, 'phys_device': 3, 'valid_zones': 'Normal'},"
		"   {'first': 4, 'count': 1, 'state': 'going-offline'}, {'first': 5, 'count': 2, 'state': 'offline'}]}");
	const struct fx_resource *r, *child;
	const struct fx_fwmap *f;
	const struct fx_blocks *b;

	g_assert_null(fx->e820);
	g_assert_cmpint(fx->profile.arch, ==, ARCH_S390X);
	g_assert_cmpuint(fx->iomem->len, ==, 2);
	r = g_ptr_array_index(fx->iomem, 0);
	g_assert_cmpuint(r->flags, ==, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY);
	g_assert_cmpuint(r->children->len, ==, 2);
	child = g_ptr_array_index(r->children, 1);
	g_assert_cmpstr(child->name, ==, "Kernel data");
	g_assert_cmpuint(child->flags, ==, IORESOURCE_MEM);
	g_assert_cmpstr(child->path, ==, "$.iomem[0].children[1]");
	r = g_ptr_array_index(fx->iomem, 1);
	g_assert_cmpint(r->desc, ==, IORES_DESC_RESERVED);

	g_assert_cmpuint(fx->firmware_memmap->len, ==, 2);
	f = &g_array_index(fx->firmware_memmap, struct fx_fwmap, 1);
	g_assert_cmpuint(f->nr, ==, 7);
	g_assert_cmpuint(f->start, ==, 0x100000000);
	g_assert_cmpuint(f->end, ==, 0x11fffffff);
	g_assert_cmpstr(f->type, ==, "System RAM");
	g_assert_cmpstr(f->path, ==, "$.firmware_memmap[1]");

	g_assert_cmpuint(fx->memory_blocks->len, ==, 3);
	b = &g_array_index(fx->memory_blocks, struct fx_blocks, 0);
	g_assert_cmpuint(b->first, ==, 0);
	g_assert_cmpuint(b->count, ==, 4);
	g_assert_cmpint(b->nr_nids, ==, 2);
	g_assert_cmpint(b->nids[1], ==, 1);
	g_assert_false(b->removable);
	g_assert_cmpint(b->phys_device, ==, 3);
	g_assert_cmpstr(b->valid_zones, ==, "Normal");
	b = &g_array_index(fx->memory_blocks, struct fx_blocks, 1);
	g_assert_cmpint(b->state, ==, BLOCK_GOING_OFFLINE);
	b = &g_array_index(fx->memory_blocks, struct fx_blocks, 2);
	g_assert_cmpint(b->state, ==, BLOCK_OFFLINE);
}

/* memory_groups and the runs naming them, as the kernel module reports them
 * (docs/kmod-protocol.md, "blocks"): pages in the size syntax. */
static void test_values_groups(void)
{
	g_autoptr(fixture) fx = parse_ok(
		"{" HDR ", 'kernel': '6.1', 'block_size': '128M', 'memory_hotplug': {'memmap_on_memory': 'Y'},"
		" 'memory_groups': [{'first': 32, 'type': 'dynamic', 'node': 0, 'unit_pages': '0x8000'},"
		"   {'first': 48, 'type': 'static', 'node': 1, 'max_pages': 131072},"
		"   {'first': 60, 'type': 'static', 'node': 0, 'max_pages': '32K'}],"
		" 'memory_blocks': [{'first': 32, 'count': 2, 'group': 32, 'valid_zones': 'Movable'},"
		"   {'first': 48, 'count': 1, 'group': 48, 'state': 'offline'},"
		"   {'first': 50, 'count': 2, 'group': 48, 'state': 'offline', 'memmap_on_memory': false},"
		"   {'first': 60, 'count': 1, 'group': 60, 'memmap_on_memory': true},"
		"   {'first': 61, 'count': 1}]}");
	const struct fx_group *g;
	const struct fx_blocks *b;

	g_assert_cmpuint(fx->memory_groups->len, ==, 3);
	g = &g_array_index(fx->memory_groups, struct fx_group, 0);
	g_assert_cmpuint(g->first, ==, 32);
	g_assert_true(g->dynamic);
	g_assert_cmpuint(g->pages, ==, 0x8000);
	g_assert_cmpstr(g->path, ==, "$.memory_groups[0]");
	g = &g_array_index(fx->memory_groups, struct fx_group, 1);
	g_assert_false(g->dynamic);
	g_assert_cmpint(g->nid, ==, 1);
	g_assert_cmpuint(g->pages, ==, 0x20000);
	g_assert_cmpuint(g_array_index(fx->memory_groups, struct fx_group, 2).pages, ==, 0x8000);
	b = &g_array_index(fx->memory_blocks, struct fx_blocks, 0);
	g_assert_true(b->has_group);
	g_assert_cmpuint(b->group, ==, 32);
	g_assert_false(b->memmap_on_memory);
	b = &g_array_index(fx->memory_blocks, struct fx_blocks, 2);
	g_assert_cmpuint(b->group, ==, 48);
	g_assert_false(b->memmap_on_memory);
	b = &g_array_index(fx->memory_blocks, struct fx_blocks, 3);
	g_assert_true(b->memmap_on_memory);
	b = &g_array_index(fx->memory_blocks, struct fx_blocks, 4);
	g_assert_false(b->has_group);
}

/* JSON integers beyond int64 still work as sizes (json-c keeps them as uint64).
 * (Reserved: RAM there would be beyond MAX_PHYSMEM_BITS, test_limits.c.) */
static void test_big_integer(void)
{
	g_autoptr(fixture) fx = parse_ok("{" HDR ", 'e820': [{'start': 18446744073709547520,"
					 " 'end': 18446744073709551614, 'type': 'reserved'},"
					 " {'start': 0, 'size': '1G', 'type': 'ram'}]}");

	g_assert_cmpuint(g_array_index(fx->e820, struct fx_e820, 0).start, ==, 0xfffffffffffff000);
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */

struct error_case {
	const char *name, *json, *message;
};

#define E820_2(a, b) "{" HDR ", 'e820': [" a ", " b "]}"
#define LIT(iomem) "{" HDR ", 'iomem': [" iomem "]}"
#define BLOCKS(bs, runs) "{" HDR ", 'block_size': '" bs "', 'memory_blocks': [" runs "]}"
#define RES(r) "{" HDR ", " RAM ", 'resources': [" r "]}"
#define HP(k, v) "{" HDR ", " RAM ", 'memory_hotplug': {'" k "': " v "}}"
/* A literal machine with memory groups; x: more top-level keys. */
#define GROUPS(x, groups, runs) "{" HDR ", 'block_size': '128M'" x ", 'memory_groups': [" groups \
	"], 'memory_blocks': [" runs "]}"
#define DIMM48 "{'first': 48, 'type': 'static', 'node': 0, 'max_pages': '0x20000'}"
#define MOM_Y ", 'memory_hotplug': {'memmap_on_memory': 'Y'}"

static const struct error_case error_cases[] = {
	/* Not JSON */
	{ "not-json/eof", "{", "t.json: $: not JSON: unexpected end of input at offset 1" },
	{ "not-json/empty", "", "t.json: $: not JSON: unexpected end of input at offset 0" },
	{ "not-json/comma", "{'a': 1,}", "t.json: $: not JSON: unexpected character at offset 8" },
	{ "not-json/trailing", "{} x", "t.json: $: not JSON: unexpected character at offset 3" },
	{ "not-json/comment", "{ /* c */ }", "t.json: $: not JSON: quoted object property name expected at offset 2" },
	{ "not-json/bare-word", "{'a': yes}", "t.json: $: not JSON: unexpected character at offset 6" },
	{ "not-json/text", "hello", "t.json: $: not JSON: unexpected character at offset 0" },
	{ "not-object", "[1]", "t.json: $: expected an object, found an array" },
	/* Header */
	{ "version/missing", "{'description': 'd'}",
	  "t.json: $: missing required key \"hotplugfs-fixture\"" },
	{ "version/2", "{'hotplugfs-fixture': 2, 'description': 'd', 'future': 1}",
	  "t.json: $.hotplugfs-fixture: unsupported format version 2 (this hotplugfs reads 1)" },
	{ "version/string", "{'hotplugfs-fixture': '1'}",
	  "t.json: $.hotplugfs-fixture: expected an integer, found a string" },
	{ "description/missing", "{'hotplugfs-fixture': 1}",
	  "t.json: $: missing required key \"description\"" },
	{ "description/null", "{'hotplugfs-fixture': 1, 'description': null}",
	  "t.json: $.description: expected a string, found null" },
	/* Unknown keys at every level */
	{ "unknown/top", "{" HDR ", 'kernal': '6.1'}", "t.json: $.kernal: unknown key" },
	{ "unknown/e820", "{" HDR ", 'e820': [{'start': 0, 'sise': 1, 'type': 'ram'}]}",
	  "t.json: $.e820[0].sise: unknown key" },
	{ "unknown/hotplug", HP("auto_online", "'online'"),
	  "t.json: $.memory_hotplug.auto_online: unknown key" },
	{ "unknown/child", RES("{'name': 'a', 'start': 0, 'size': 1, 'children': [{'name': 'b',"
			       " 'start': 0, 'size': 1}, {'nmae': 'c'}]}"),
	  "t.json: $.resources[0].children[1].nmae: unknown key" },
	{ "unknown/literal-place", LIT("{'name': 'a', 'start': 0, 'size': 1, 'place': 'insert'}"),
	  "t.json: $.iomem[0].place: unknown key" },
	{ "unknown/kernel-image", "{" HDR ", " RAM ", 'kernel_image': {'text': {'start': 0, 'size': 1}}}",
	  "t.json: $.kernel_image.text: unknown key" },
	{ "unknown/numa", "{" HDR ", " RAM ", 'numa': [{'nid': 0, 'start': 0, 'size': 1}]}",
	  "t.json: $.numa[0].nid: unknown key" },
	{ "unknown/blocks", BLOCKS("128M", "{'first': 0, 'count': 1, 'zone': 'Normal'}"),
	  "t.json: $.memory_blocks[0].zone: unknown key" },
	{ "unknown/fwmap", "{" HDR ", 'firmware_memmap': [{'nr': 0, 'start': 0, 'end': 1,"
			   " 'type': 'System RAM', 'name': 'x'}]}",
	  "t.json: $.firmware_memmap[0].name: unknown key" },
	/* Wrong types */
	{ "type/cpus", "{" HDR ", 'cpus': '2'}", "t.json: $.cpus: expected an integer, found a string" },
	{ "type/hypervisor", "{" HDR ", 'hypervisor': 1}",
	  "t.json: $.hypervisor: expected a boolean, found an integer" },
	{ "type/e820", "{" HDR ", 'e820': {}}", "t.json: $.e820: expected an array, found an object" },
	{ "type/e820-entry", "{" HDR ", 'e820': [[]]}",
	  "t.json: $.e820[0]: expected an object, found an array" },
	{ "type/hotplug", "{" HDR ", 'memory_hotplug': []}",
	  "t.json: $.memory_hotplug: expected an object, found an array" },
	{ "type/size-fraction", "{" HDR ", 'e820': [{'start': 0, 'size': 1.5, 'type': 'ram'}]}",
	  "t.json: $.e820[0].size: expected a size (a string or a non-negative integer), found a fraction" },
	{ "type/name", RES("{'name': 5, 'start': 0, 'size': 1}"),
	  "t.json: $.resources[0].name: expected a string, found an integer" },
	{ "type/flags", RES("{'name': 'a', 'start': 0, 'size': 1, 'flags': 512}"),
	  "t.json: $.resources[0].flags: expected an array of flag names or a 0x number, found an integer" },
	{ "type/memmap", "{" HDR ", " RAM ", 'memmap': [5]}",
	  "t.json: $.memmap[0]: expected a string, found an integer" },
	{ "type/node", "{" HDR ", 'memory_blocks': [{'first': 0, 'count': 1, 'nodes': ['0']}]}",
	  "t.json: $.memory_blocks[0].nodes[0]: expected an integer, found a string" },
	/* Sizes and ranges */
	{ "size/12Q", E820_2("{'start': 0, 'size': 4096, 'type': 'ram'}",
			     "{'start': 8192, 'size': 4096, 'type': 'ram'}, "
			     "{'start': 16384, 'size': '12Q', 'type': 'ram'}"),
	  "t.json: $.e820[2].size: \"12Q\" is not a size (0x hex, decimal, or K/M/G/T suffix)" },
	{ "size/fraction-string", "{" HDR ", 'e820': [{'start': '1.5G', 'size': 1, 'type': 'ram'}]}",
	  "t.json: $.e820[0].start: \"1.5G\" is not a size (0x hex, decimal, or K/M/G/T suffix)" },
	{ "size/negative", "{" HDR ", 'e820': [{'start': -1, 'size': 1, 'type': 'ram'}]}",
	  "t.json: $.e820[0].start: -1 is negative" },
	{ "size/overflow", "{" HDR ", 'e820': [{'start': '0x10000000000000000', 'size': 1, 'type': 'ram'}]}",
	  "t.json: $.e820[0].start: \"0x10000000000000000\" is not a size (0x hex, decimal, or K/M/G/T suffix)" },
	{ "range/both", "{" HDR ", 'e820': [{'start': 0, 'size': 1, 'end': 0, 'type': 'ram'}]}",
	  "t.json: $.e820[0]: both size and end given (give one)" },
	{ "range/neither", "{" HDR ", 'e820': [{'start': 0, 'type': 'ram'}]}",
	  "t.json: $.e820[0]: neither size nor end given" },
	{ "range/no-start", "{" HDR ", 'e820': [{'size': 1, 'type': 'ram'}]}",
	  "t.json: $.e820[0]: missing required key \"start\"" },
	{ "range/end-below-start", RES("{'name': 'a', 'start': '0x1000', 'end': '0xfff'}"),
	  "t.json: $.resources[0].end: end 0xfff is below start 0x1000" },
	{ "range/size-0", "{" HDR ", " RAM ", 'numa': [{'node': 0, 'start': 0, 'size': '0'}]}",
	  "t.json: $.numa[0].size: size is 0" },
	{ "range/beyond-64-bits", RES("{'name': 'a', 'start': '0xffffffffffffffff', 'size': 2}"),
	  "t.json: $.resources[0].size: 0xffffffffffffffff + 0x2 is beyond 64 bits" },
	{ "range/kernel-image", "{" HDR ", " RAM ", 'kernel_image': {'code': {'start': 0}}}",
	  "t.json: $.kernel_image.code: neither size nor end given" },
	/* Overlaps */
	{ "e820/overlap", E820_2("{'start': 0, 'end': '0x9fbff', 'type': 'ram'}",
				 "{'start': '0x9f000', 'end': '0x9ffff', 'type': 'reserved'}"),
	  "t.json: $.e820[1]: 0x9f000-0x9ffff overlaps $.e820[0] (0x0-0x9fbff)" },
	{ "e820/overlap-unsorted", E820_2("{'start': '1G', 'size': '1G', 'type': 'ram'}",
					  "{'start': 0, 'size': '2G', 'type': 'reserved'}"),
	  "t.json: $.e820[1]: 0x0-0x7fffffff overlaps $.e820[0] (0x40000000-0x7fffffff)" },
	{ "e820/no-ram", "{" HDR ", 'e820': [{'start': 0, 'size': 1, 'type': 'reserved'}]}",
	  "t.json: $.e820: no ram entry: the machine would have no memory" },
	{ "numa/overlap", "{" HDR ", " RAM ", 'numa': [{'node': 0, 'start': 0, 'size': '1G'},"
			  " {'node': 1, 'start': '0x3ff00000', 'size': '1G'}]}",
	  "t.json: $.numa[1]: 0x3ff00000-0x7fefffff overlaps $.numa[0] (0x0-0x3fffffff)" },
	{ "numa/node", "{" HDR ", " RAM ", 'numa': [{'node': 1024, 'start': 0, 'size': '1G'}]}",
	  "t.json: $.numa[0].node: 1024 is above the maximum 1023" },
	/* Block size */
	{ "block-size/power", "{" HDR ", 'block_size': '0x9000000'}",
	  "t.json: $.block_size: 0x9000000 is not a power of two" },
	{ "block-size/zero", "{" HDR ", 'block_size': 0}",
	  "t.json: $.block_size: 0x0 is not a power of two" },
	{ "block-size/small", "{" HDR ", 'block_size': '64M'}",
	  "t.json: $.block_size: 0x4000000 is smaller than the section size 0x8000000 of x86_64" },
	{ "block-size/s390x", "{" HDR ", 'arch': 's390x', 'block_size': '128M'}",
	  "t.json: $.block_size: 0x8000000 is smaller than the section size 0x10000000 of s390x" },
	/* Memory block runs */
	{ "blocks/unaligned-start", BLOCKS("128M", "{'start': '0x8100000', 'size': '128M'}"),
	  "t.json: $.memory_blocks[0].start: 0x8100000 is not aligned to the block size 0x8000000" },
	{ "blocks/unaligned-size", BLOCKS("128M", "{'start': '0x8000000', 'size': '0x9000000'}"),
	  "t.json: $.memory_blocks[0].size: 0x9000000 is not aligned to the block size 0x8000000" },
	{ "blocks/size-0", BLOCKS("128M", "{'start': 0, 'size': 0}"),
	  "t.json: $.memory_blocks[0].size: size is 0" },
	{ "blocks/no-block-size", "{" HDR ", 'memory_blocks': [{'start': 0, 'size': '128M'}]}",
	  "t.json: $.memory_blocks[0]: start/size need an explicit block_size (or use first/count)" },
	{ "blocks/overlap", BLOCKS("128M", "{'first': 0, 'count': 4}, {'first': 3, 'count': 3}"),
	  "t.json: $.memory_blocks[1]: blocks 3-5 overlaps $.memory_blocks[0] (blocks 0-3): runs must not overlap" },
	{ "blocks/descending", BLOCKS("128M", "{'first': 4, 'count': 4}, {'first': 0, 'count': 2}"),
	  "t.json: $.memory_blocks[1]: blocks 0-1 comes after $.memory_blocks[0] (blocks 4-7): must be in ascending order" },
	{ "blocks/overlap-bytes", BLOCKS("128M", "{'first': 0, 'count': 2}, {'start': '128M', 'size': '128M'}"),
	  "t.json: $.memory_blocks[1]: blocks 1-1 overlaps $.memory_blocks[0] (blocks 0-1): runs must not overlap" },
	{ "blocks/both-forms", BLOCKS("128M", "{'first': 0, 'size': '128M'}"),
	  "t.json: $.memory_blocks[0]: both first/count and start/size given (give one pair)" },
	{ "blocks/no-ids", BLOCKS("128M", "{'state': 'online'}"),
	  "t.json: $.memory_blocks[0]: missing first/count or start/size" },
	{ "blocks/no-count", BLOCKS("128M", "{'first': 0}"),
	  "t.json: $.memory_blocks[0]: missing required key \"count\"" },
	{ "blocks/count-0", BLOCKS("128M", "{'first': 0, 'count': 0}"),
	  "t.json: $.memory_blocks[0].count: 0 is below the minimum 1" },
	{ "blocks/nodes-empty", BLOCKS("128M", "{'first': 0, 'count': 1, 'nodes': []}"),
	  "t.json: $.memory_blocks[0].nodes: 0 nodes (give 1 to 8)" },
	{ "blocks/nodes-many", BLOCKS("128M", "{'first': 0, 'count': 1, 'nodes': [0,1,2,3,4,5,6,7,8]}"),
	  "t.json: $.memory_blocks[0].nodes: 9 nodes (give 1 to 8)" },
	{ "blocks/removable", BLOCKS("128M", "{'first': 0, 'count': 1, 'removable': 2}"),
	  "t.json: $.memory_blocks[0].removable: 2 is above the maximum 1" },
	/* Literal iomem tree */
	{ "iomem/straddle", LIT("{'name': 'System RAM', 'start': '0x100000', 'end': '0x3fffffff',"
				" 'children': [{'name': 'Kernel code', 'start': '0x3ff00000', 'end': '0x40ffffff'}]}"),
	  "t.json: $.iomem[0].children[0]: 0x3ff00000-0x40ffffff straddles its parent 0x100000-0x3fffffff: overlapping ranges that cannot nest" },
	{ "iomem/outside", LIT("{'name': 'System RAM', 'start': '0x100000', 'end': '0x3fffffff',"
			       " 'children': [{'name': 'Kernel code', 'start': '0x0', 'end': '0xfff'}]}"),
	  "t.json: $.iomem[0].children[0]: 0x0-0xfff lies outside its parent 0x100000-0x3fffffff" },
	{ "iomem/siblings-overlap", LIT("{'name': 'a', 'start': '0x0', 'end': '0xffff', 'children': ["
					"{'name': 'b', 'start': '0x0', 'end': '0x1fff'},"
					"{'name': 'c', 'start': '0x1000', 'end': '0x2fff'}]}"),
	  "t.json: $.iomem[0].children[1]: 0x1000-0x2fff overlaps $.iomem[0].children[0] (0x0-0x1fff): overlapping ranges that cannot nest" },
	{ "iomem/siblings-unsorted", LIT("{'name': 'a', 'start': '0x2000', 'end': '0x2fff'},"
					 "{'name': 'b', 'start': '0x0', 'end': '0xfff'}"),
	  "t.json: $.iomem[1]: 0x0-0xfff comes after $.iomem[0] (0x2000-0x2fff): must be in ascending order" },
	{ "iomem/top-overlap", LIT("{'name': 'a', 'start': '0x0', 'end': '0x2fff'},"
				   "{'name': 'b', 'start': '0x0', 'end': '0xfff'}"),
	  "t.json: $.iomem[1]: 0x0-0xfff overlaps $.iomem[0] (0x0-0x2fff): overlapping ranges that cannot nest" },
	{ "iomem/deep", LIT("{'name': 'a', 'start': '0x0', 'end': '0xffff', 'children': ["
			    "{'name': 'b', 'start': '0x0', 'end': '0xfff', 'children': ["
			    "{'name': 'c', 'start': '0x800', 'end': '0x1fff'}]}]}"),
	  "t.json: $.iomem[0].children[0].children[0]: 0x800-0x1fff straddles its parent 0x0-0xfff: overlapping ranges that cannot nest" },
	/* Firmware map numbers */
	{ "fwmap/duplicate", "{" HDR ", 'firmware_memmap': [{'nr': 0, 'start': 0, 'end': 1, 'type': 'System RAM'},"
			     " {'nr': 0, 'start': 2, 'end': 3, 'type': 'System RAM'}]}",
	  "t.json: $.firmware_memmap[1].nr: 0 is not above 0 of $.firmware_memmap[0]: numbers must be distinct and ascending" },
	{ "fwmap/descending", "{" HDR ", 'firmware_memmap': [{'nr': 3, 'start': 0, 'end': 1, 'type': 'System RAM'},"
			      " {'nr': 1, 'start': 2, 'end': 3, 'type': 'System RAM'}]}",
	  "t.json: $.firmware_memmap[1].nr: 1 is not above 3 of $.firmware_memmap[0]: numbers must be distinct and ascending" },
	/* Forms */
	{ "form/e820-iomem", "{" HDR ", " RAM ", 'iomem': []}",
	  "t.json: $.iomem: not allowed together with e820 (boot form and literal form do not mix)" },
	{ "form/e820-fwmap", "{" HDR ", " RAM ", 'firmware_memmap': []}",
	  "t.json: $.firmware_memmap: not allowed together with e820 (boot form and literal form do not mix)" },
	{ "form/resources-literal", "{" HDR ", 'resources': []}",
	  "t.json: $.resources: only allowed in the boot form (with e820)" },
	/* Enum words */
	{ "word/e820-type", "{" HDR ", 'e820': [{'start': 0, 'size': 1, 'type': 'rom'}]}",
	  "t.json: $.e820[0].type: unknown e820 type \"rom\" (expected ram, reserved, acpi, nvs, "
	  "unusable, pmem, pram, soft-reserved, reserved-kern)" },
	{ "word/e820-number", "{" HDR ", 'e820': [{'start': 0, 'size': 1, 'type': 4294967296}]}",
	  "t.json: $.e820[0].type: 4294967296 is above the maximum 4294967295" },
	{ "word/place", RES("{'name': 'a', 'start': 0, 'size': 1, 'place': 'Insert'}"),
	  "t.json: $.resources[0].place: unknown place \"Insert\" (expected insert, request, region, expand)" },
	{ "word/flag", RES("{'name': 'a', 'start': 0, 'size': 1, 'flags': ['mem', 'sysRAM']}"),
	  "t.json: $.resources[0].flags[1]: unknown flag \"sysRAM\" (expected mem, io, busy, sysram, "
	  "driver_managed, mergeable, exclusive, window, prefetch, mem_64, disabled)" },
	{ "word/flag-number", RES("{'name': 'a', 'start': 0, 'size': 1, 'flags': '0x100000000'}"),
	  "t.json: $.resources[0].flags: \"0x100000000\" is not a 32-bit 0x number" },
	{ "word/flag-decimal", RES("{'name': 'a', 'start': 0, 'size': 1, 'flags': '512'}"),
	  "t.json: $.resources[0].flags: \"512\" is not a 32-bit 0x number" },
	{ "word/desc", RES("{'name': 'a', 'start': 0, 'size': 1, 'desc': 'CXL'}"),
	  "t.json: $.resources[0].desc: unknown desc \"CXL\" (expected none, crash_kernel, acpi_tables, "
	  "acpi_nv_storage, persistent_memory, persistent_memory_legacy, device_private_memory, "
	  "reserved, soft_reserved, cxl)" },
	{ "word/state", BLOCKS("128M", "{'first': 0, 'count': 1, 'state': 'going-online'}"),
	  "t.json: $.memory_blocks[0].state: unknown state \"going-online\" (expected online, offline, going-offline)" },
	{ "word/auto-online", HP("auto_online_blocks", "'movable'"),
	  "t.json: $.memory_hotplug.auto_online_blocks: unknown auto_online_blocks \"movable\" "
	  "(expected offline, online, online_kernel, online_movable)" },
	{ "word/policy", HP("online_policy", "'contig'"),
	  "t.json: $.memory_hotplug.online_policy: unknown online_policy \"contig\" (expected contig-zones, auto-movable)" },
	{ "word/memmap-on-memory", HP("memmap_on_memory", "'yes'"),
	  "t.json: $.memory_hotplug.memmap_on_memory: unknown memmap_on_memory \"yes\" (expected N, Y, force)" },
	{ "word/memmap-on-memory-type", HP("memmap_on_memory", "true"),
	  "t.json: $.memory_hotplug.memmap_on_memory: expected a string, found a boolean" },
	{ "word/force-6.1", "{" HDR ", 'kernel': '6.1', 'memory_hotplug': {'memmap_on_memory': 'force'}}",
	  "t.json: $.memory_hotplug.memmap_on_memory: \"force\" needs kernel 6.6 or later (this is 6.1)" },
	{ "word/kernel", "{" HDR ", 'kernel': 'six'}",
	  "t.json: $.kernel: unknown kernel \"six\" (expected MAJOR.MINOR such as 6.1 or 6.12)" },
	{ "word/arch", "{" HDR ", 'arch': 'riscv64'}",
	  "t.json: $.arch: unknown arch \"riscv64\" (expected x86_64, s390x, aarch64)" },
	/* Command-line strings */
	{ "crashkernel/bad", "{" HDR ", " RAM ", 'crashkernel': '256Q'}",
	  "t.json: $.crashkernel: \"256Q\" is not SIZE, SIZE@BASE or SIZE,high" },
	{ "crashkernel/no-base", "{" HDR ", " RAM ", 'crashkernel': '256M@'}",
	  "t.json: $.crashkernel: \"256M@\" is not SIZE, SIZE@BASE or SIZE,high" },
	{ "crashkernel/low", "{" HDR ", " RAM ", 'crashkernel': '256M,low'}",
	  "t.json: $.crashkernel: \"256M,low\" is not SIZE, SIZE@BASE or SIZE,high" },
	{ "crashkernel/zero", "{" HDR ", " RAM ", 'crashkernel': '0'}",
	  "t.json: $.crashkernel: \"0\" is not SIZE, SIZE@BASE or SIZE,high" },
	{ "memmap/no-separator", "{" HDR ", " RAM ", 'memmap': ['1G!4G', '1G']}",
	  "t.json: $.memmap[1]: \"1G\" is not SIZE!START, SIZE$START, SIZE#START or SIZE@START" },
	{ "memmap/bad-start", "{" HDR ", " RAM ", 'memmap': ['1G!4X']}",
	  "t.json: $.memmap[0]: \"1G!4X\" is not SIZE!START, SIZE$START, SIZE#START or SIZE@START" },
	{ "memmap/size-0", "{" HDR ", " RAM ", 'memmap': ['0$4G']}",
	  "t.json: $.memmap[0]: \"0$4G\" is not SIZE!START, SIZE$START, SIZE#START or SIZE@START" },
	{ "mem/zero", "{" HDR ", " RAM ", 'mem': 0}", "t.json: $.mem: 0 would leave no memory" },
	{ "cpus/zero", "{" HDR ", 'cpus': 0}", "t.json: $.cpus: 0 is below the minimum 1" },
	/* Memory groups (literal form) */
	{ "groups/type", GROUPS("", "{'first': 48, 'type': 'fixed', 'node': 0, 'max_pages': 1}", ""),
	  "t.json: $.memory_groups[0].type: unknown group type \"fixed\" (expected static, dynamic)" },
	{ "groups/node-missing", GROUPS("", "{'first': 48, 'type': 'static', 'max_pages': 1}", ""),
	  "t.json: $.memory_groups[0]: missing required key \"node\"" },
	{ "groups/node-range", GROUPS("", "{'first': 48, 'type': 'static', 'node': 1024, 'max_pages': 1}", ""),
	  "t.json: $.memory_groups[0].node: 1024 is above the maximum 1023" },
	{ "groups/static-unit", GROUPS("", "{'first': 48, 'type': 'static', 'node': 0, 'unit_pages': '0x8000'}", ""),
	  "t.json: $.memory_groups[0].unit_pages: only a dynamic group has unit_pages" },
	{ "groups/dynamic-max", GROUPS("", "{'first': 32, 'type': 'dynamic', 'node': 0, 'max_pages': '0x8000'}", ""),
	  "t.json: $.memory_groups[0].max_pages: only a static group has max_pages" },
	{ "groups/pages-missing", GROUPS("", "{'first': 48, 'type': 'static', 'node': 0}", ""),
	  "t.json: $.memory_groups[0]: missing required key \"max_pages\"" },
	{ "groups/pages-size", GROUPS("", "{'first': 48, 'type': 'static', 'node': 0, 'max_pages': '2X'}", ""),
	  "t.json: $.memory_groups[0].max_pages: \"2X\" is not a size (0x hex, decimal, or K/M/G/T suffix)" },
	{ "groups/pages-0", GROUPS("", "{'first': 48, 'type': 'static', 'node': 0, 'max_pages': 0}", ""),
	  "t.json: $.memory_groups[0].max_pages: 0 pages: memory_group_register() refuses an empty group" },
	{ "groups/unit-small", GROUPS("", "{'first': 32, 'type': 'dynamic', 'node': 0, 'unit_pages': '0x4000'}", ""),
	  "t.json: $.memory_groups[0].unit_pages: 0x4000 is not a power of two of at least the 0x8000 pages of a memory block" },
	{ "groups/unit-odd", GROUPS("", "{'first': 32, 'type': 'dynamic', 'node': 0, 'unit_pages': '0xc000'}", ""),
	  "t.json: $.memory_groups[0].unit_pages: 0xc000 is not a power of two of at least the 0x8000 pages of a memory block" },
	{ "groups/same-first", GROUPS("", DIMM48 ", " DIMM48, ""),
	  "t.json: $.memory_groups[1]: blocks 48-48 overlaps $.memory_groups[0] (blocks 48-48): two groups cannot have the same first block" },
	{ "groups/descending", GROUPS("", DIMM48 ", {'first': 32, 'type': 'dynamic', 'node': 0, 'unit_pages': '0x8000'}", ""),
	  "t.json: $.memory_groups[1]: blocks 32-32 comes after $.memory_groups[0] (blocks 48-48): must be in ascending order" },
	{ "groups/boot-form", "{" HDR ", " RAM ", 'memory_groups': []}",
	  "t.json: $.memory_groups: not allowed together with e820 (boot form and literal form do not mix)" },
	{ "groups/unlisted", GROUPS("", DIMM48, "{'first': 49, 'count': 3, 'group': 48}"),
	  "t.json: $.memory_groups[0].first: block 48 is not in a run of memory_blocks with \"group\": 48 (a group is named by its lowest block)" },
	{ "groups/unlisted-no-blocks", "{" HDR ", 'memory_groups': [" DIMM48 "]}",
	  "t.json: $.memory_groups[0].first: block 48 is not in a run of memory_blocks with \"group\": 48 (a group is named by its lowest block)" },
	{ "groups/run-names-none", GROUPS("", DIMM48, "{'first': 48, 'count': 4, 'group': 40}"),
	  "t.json: $.memory_blocks[0].group: 40 names no group of memory_groups (a group is named by its first block)" },
	{ "groups/run-no-groups", BLOCKS("128M", "{'first': 48, 'count': 1, 'group': 48}"),
	  "t.json: $.memory_blocks[0].group: 48 names no group of memory_groups (a group is named by its first block)" },
	{ "groups/run-below", GROUPS("", DIMM48, "{'first': 47, 'count': 5, 'group': 48}"),
	  "t.json: $.memory_blocks[0].group: block 47 is below 48, the first block of its group (a group is named by its lowest block)" },
	{ "groups/run-beyond", GROUPS("", DIMM48, "{'first': 48, 'count': 4, 'group': 48}, {'first': 52, 'count': 1, 'group': 48}"),
	  "t.json: $.memory_blocks[1].group: blocks 52-52 lie beyond the static group of $.memory_groups[0]: its max_pages 0x20000 cover blocks 48-51" },
	{ "groups/run-node", GROUPS("", DIMM48, "{'first': 48, 'count': 4, 'group': 48, 'nodes': [1]}"),
	  "t.json: $.memory_blocks[0].nodes: a block of the group of $.memory_groups[0] is on its node 0 only" },
	{ "groups/run-two-nodes", GROUPS("", DIMM48, "{'first': 48, 'count': 4, 'group': 48, 'nodes': [0, 1]}"),
	  "t.json: $.memory_blocks[0].nodes: a block of the group of $.memory_groups[0] is on its node 0 only" },
	{ "groups/run-group-type", GROUPS("", DIMM48, "{'first': 48, 'count': 4, 'group': '48'}"),
	  "t.json: $.memory_blocks[0].group: expected an integer, found a string" },
	{ "groups/run-boot-form", "{" HDR ", " RAM ", 'memory_blocks': [{'first': 0, 'count': 1, 'group': 0}]}",
	  "t.json: $.memory_blocks[0].group: only in the literal form (boot-form blocks were present at boot)" },
	/* memmap_on_memory of a run (literal form) */
	{ "mom/type", GROUPS(MOM_Y, DIMM48, "{'first': 48, 'count': 4, 'group': 48, 'memmap_on_memory': 1}"),
	  "t.json: $.memory_blocks[0].memmap_on_memory: expected a boolean, found an integer" },
	{ "mom/param-off", GROUPS("", DIMM48, "{'first': 48, 'count': 4, 'group': 48, 'memmap_on_memory': true}"),
	  "t.json: $.memory_blocks[0].memmap_on_memory: needs memory_hotplug.memmap_on_memory Y or force (it is N)" },
	{ "mom/6.1-four-blocks", GROUPS(", 'kernel': '6.1'" MOM_Y, DIMM48,
				    "{'first': 48, 'count': 4, 'group': 48, 'memmap_on_memory': true}"),
	  "t.json: $.memory_blocks[0].memmap_on_memory: kernel 6.1 adds with memmap_on_memory only an ACPI memory device of one block (a static group of max_pages 0x8000)" },
	{ "mom/6.1-no-group", "{" HDR ", 'kernel': '6.1', 'block_size': '128M'" MOM_Y ","
			      " 'memory_blocks': [{'first': 48, 'count': 1, 'memmap_on_memory': true}]}",
	  "t.json: $.memory_blocks[0].memmap_on_memory: kernel 6.1 adds with memmap_on_memory only an ACPI memory device of one block (a static group of max_pages 0x8000)" },
	{ "mom/6.1-dynamic", GROUPS(", 'kernel': '6.1'" MOM_Y,
				    "{'first': 32, 'type': 'dynamic', 'node': 0, 'unit_pages': '0x8000'}",
				    "{'first': 32, 'count': 1, 'group': 32, 'memmap_on_memory': true}"),
	  "t.json: $.memory_blocks[0].memmap_on_memory: kernel 6.1 adds with memmap_on_memory only an ACPI memory device of one block (a static group of max_pages 0x8000)" },
	{ "mom/s390-6.1", "{" HDR ", 'arch': 's390x', 'kernel': '6.1', 'memory_hotplug': {'memmap_on_memory': 'Y'},"
			  " 'memory_blocks': [{'first': 4, 'count': 1, 'memmap_on_memory': true}]}",
	  "t.json: $.memory_blocks[0].memmap_on_memory: s390x has memmap_on_memory since 6.8 (this is 6.1)" },
	{ "mom/boot-form", "{" HDR ", " RAM ", 'memory_hotplug': {'memmap_on_memory': 'Y'},"
			   " 'memory_blocks': [{'first': 0, 'count': 1, 'memmap_on_memory': true}]}",
	  "t.json: $.memory_blocks[0].memmap_on_memory: only in the literal form (boot-form blocks were present at boot)" },
};

static void test_error(gconstpointer data)
{
	const struct error_case *t = data;
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = parse(t->json, &err);

	g_assert_null(fx);
	g_assert_error(err, FIXTURE_ERROR, FIXTURE_ERROR_INVALID);
	g_assert_cmpstr(err->message, ==, t->message);
}

/* json-c stops at a NUL byte; what follows must not be ignored. */
static void test_error_nul(void)
{
	static const char json[] = "{\"hotplugfs-fixture\": 1, \"description\": \"d\"}\0{";
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_parse("t.json", json, sizeof(json) - 1, &err);

	g_assert_null(fx);
	g_assert_cmpstr(err->message, ==, "t.json: $: not JSON: trailing data at offset 44");
}

static void test_error_unreadable(void)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_load("/nonexistent/x.json", &err);

	g_assert_null(fx);
	g_assert_error(err, FIXTURE_ERROR, FIXTURE_ERROR_INVALID);
	g_assert_true(g_str_has_prefix(err->message, "/nonexistent/x.json: "));
	g_assert_nonnull(strstr(err->message, "x.json"));
}

/* ------------------------------------------------------------------ */
/* The shipped fixtures                                                */

static const char *const shipped[] = {
	"qemu-vm-4g.json", "server-2s-512g.json", "pmem-server.json", "legacy-pmem-vm.json",
	"cxl-host.json", "s390x-lpar.json",
};

static char *fixture_path(const char *name)
{
	const char *srcdir = g_getenv("G_TEST_SRCDIR");

	return g_build_filename(srcdir ? srcdir : "tests", "..", "fixtures", name, NULL);
}

static void test_shipped(gconstpointer data)
{
	g_autofree char *path = fixture_path(data);
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_load(path, &err);

	g_assert_no_error(err);
	g_assert_nonnull(fx);
	g_assert_nonnull(fx->e820);
	g_assert_cmpuint(strlen(fx->description), >, 40);
}

/* Every file in fixtures/ parses, not just the ones named above. */
static void test_all_fixtures(void)
{
	g_autofree char *dir = fixture_path("");
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;
	unsigned n = 0;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d))) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		g_autoptr(GError) err = NULL;
		g_autoptr(fixture) fx = NULL;

		if (!g_str_has_suffix(name, ".json"))
			continue;
		fx = fixture_load(path, &err);
		g_assert_no_error(err);
		n++;
	}
	g_assert_cmpuint(n, >=, G_N_ELEMENTS(shipped));
}

static void test_shipped_details(void)
{
	g_autofree char *qemu = fixture_path("qemu-vm-4g.json");
	g_autofree char *s390 = fixture_path("s390x-lpar.json");
	g_autofree char *legacy = fixture_path("legacy-pmem-vm.json");
	g_autoptr(fixture) q = fixture_load(qemu, NULL);
	g_autoptr(fixture) s = fixture_load(s390, NULL);
	g_autoptr(fixture) l = fixture_load(legacy, NULL);

	g_assert_nonnull(q);
	g_assert_cmpuint(q->profile.kernel, ==, KERNEL(6, 1));
	g_assert_true(q->hypervisor);
	g_assert_cmpint(q->params.auto_online, ==, MMOP_OFFLINE);
	g_assert_cmpuint(q->e820->len, ==, 10);
	g_assert_nonnull(s);
	g_assert_cmpint(s->profile.arch, ==, ARCH_S390X);
	g_assert_cmpuint(s->block_size, ==, 256 << 20);
	g_assert_nonnull(l);
	g_assert_cmpuint(l->memmap->len, ==, 1);
	g_assert_cmpstr(g_ptr_array_index(l->memmap, 0), ==, "1G!0x100000000");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fixture/size", test_size);
	g_test_add_func("/fixture/e820-strings", test_e820_strings);
	g_test_add_func("/fixture/default-flags", test_default_flags);
	g_test_add_func("/fixture/defaults/boot", test_defaults_boot);
	g_test_add_func("/fixture/defaults/old-kernel", test_defaults_old_kernel);
	g_test_add_func("/fixture/defaults/literal", test_defaults_literal);
	g_test_add_func("/fixture/values/boot", test_values_boot);
	g_test_add_func("/fixture/values/crashkernel", test_crashkernel_forms);
	g_test_add_func("/fixture/values/literal", test_values_literal);
	g_test_add_func("/fixture/values/groups", test_values_groups);
	g_test_add_func("/fixture/values/big-integer", test_big_integer);
	for (size_t i = 0; i < G_N_ELEMENTS(error_cases); i++) {
		g_autofree char *name = g_strdup_printf("/fixture/error/%s", error_cases[i].name);

		g_test_add_data_func(name, &error_cases[i], test_error);
	}
	g_test_add_func("/fixture/error/nul", test_error_nul);
	g_test_add_func("/fixture/error/unreadable", test_error_unreadable);
	for (size_t i = 0; i < G_N_ELEMENTS(shipped); i++) {
		g_autofree char *name = g_strdup_printf("/fixture/shipped/%s", shipped[i]);

		g_test_add_data_func(name, shipped[i], test_shipped);
	}
	g_test_add_func("/fixture/shipped/all", test_all_fixtures);
	g_test_add_func("/fixture/shipped/details", test_shipped_details);
	return g_test_run();
}

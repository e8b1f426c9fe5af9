/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exact bytes of /proc/iomem and /proc/ioports (r_show(), kernel/resource.c). */
#include <glib.h>
#include <string.h>

#include "iomem.h"
#include "resource.h"

#define RAM_BUSY (IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY)
#define MEM_BUSY (IORESOURCE_MEM | IORESOURCE_BUSY)

static struct resource *new_iomem_root(void)
{
	return resource_new("PCI mem", 0, UINT64_MAX, IORESOURCE_MEM, IORES_DESC_NONE);
}

static struct resource *add(struct resource *parent, const char *name, uint64_t start,
			    uint64_t end, uint32_t flags)
{
	struct resource *r = resource_new(name, start, end, flags, IORES_DESC_NONE);

	g_assert_cmpint(request_resource(parent, r), ==, 0);
	return r;
}

static void assert_render(const struct resource *root, bool privileged, const char *expected)
{
	GString *out = g_string_new(NULL);

	iomem_render(root, privileged, out);
	g_assert_cmpstr(out->str, ==, expected);
	g_string_free(out, TRUE);
}

static void test_empty(void)
{
	struct resource *root = new_iomem_root();

	assert_render(root, true, "");
	assert_render(root, false, "");
	resource_free(root);
}

static void test_appends(void)
{
	struct resource *root = new_iomem_root();
	GString *out = g_string_new("kept\n");

	add(root, "System RAM", 0x1000, 0x9fbff, RAM_BUSY);
	iomem_render(root, true, out);
	g_assert_cmpstr(out->str, ==, "kept\n00001000-0009fbff : System RAM\n");
	g_string_free(out, TRUE);
	resource_free(root);
}

static void test_width_and_case(void)
{
	struct resource *root = new_iomem_root();

	add(root, "zero", 0x0, 0x0, MEM_BUSY);
	add(root, "small", 0x1, 0xabcdef, MEM_BUSY);
	add(root, "eight", 0xfec00000, 0xffffffff, MEM_BUSY);
	/* More digits than the width: printed in full, never padded further. */
	add(root, "nine", 0x100000000, 0x17fffffff, RAM_BUSY);
	add(root, "ten", 0x1000000000, 0x107fffffff, RAM_BUSY);
	add(root, "top", 0xfffffffffffff000, UINT64_MAX, MEM_BUSY);
	assert_render(root, true,
		      "00000000-00000000 : zero\n"
		      "00000001-00abcdef : small\n"
		      "fec00000-ffffffff : eight\n"
		      "100000000-17fffffff : nine\n"
		      "1000000000-107fffffff : ten\n"
		      "fffffffffffff000-ffffffffffffffff : top\n");
	resource_free(root);
}

static void test_mixed_width_line(void)
{
	struct resource *root = new_iomem_root();

	/* Start and end are padded independently. */
	add(root, "straddle", 0xf0000000, 0x10fffffff, MEM_BUSY);
	assert_render(root, true, "f0000000-10fffffff : straddle\n");
	resource_free(root);
}

static void test_indent_capped(void)
{
	static const char *const names[] = {"d0", "d1", "d2", "d3", "d4", "d5", "d6"};
	struct resource *root = new_iomem_root();
	struct resource *parent = root;

	/* A 7-deep chain: every node printed, indentation stops at 10 spaces. */
	for (unsigned i = 0; i < G_N_ELEMENTS(names); i++)
		parent = add(parent, names[i], 0x1000 + i, 0x1fff - i, MEM_BUSY);
	add(root, "next", 0x2000, 0x2fff, MEM_BUSY);
	assert_render(root, true,
		      "00001000-00001fff : d0\n"
		      "  00001001-00001ffe : d1\n"
		      "    00001002-00001ffd : d2\n"
		      "      00001003-00001ffc : d3\n"
		      "        00001004-00001ffb : d4\n"
		      "          00001005-00001ffa : d5\n"
		      "          00001006-00001ff9 : d6\n"
		      "00002000-00002fff : next\n");
	resource_free(root);
}

static void test_climbs_back(void)
{
	struct resource *root = new_iomem_root();
	struct resource *a = add(root, "a", 0x0, 0xffff, MEM_BUSY);
	struct resource *a1 = add(a, "a1", 0x0, 0xfff, MEM_BUSY);

	add(a1, "a11", 0x0, 0xff, MEM_BUSY);
	add(a, "a2", 0x1000, 0x1fff, MEM_BUSY);
	add(root, "b", 0x10000, 0x1ffff, MEM_BUSY);
	/* After the deepest node the walk climbs to the nearest sibling. */
	assert_render(root, true,
		      "00000000-0000ffff : a\n"
		      "  00000000-00000fff : a1\n"
		      "    00000000-000000ff : a11\n"
		      "  00001000-00001fff : a2\n"
		      "00010000-0001ffff : b\n");
	resource_free(root);
}

static void test_bad_name(void)
{
	struct resource *root = new_iomem_root();
	struct resource *r = add(root, NULL, 0x1000, 0x1fff, MEM_BUSY);

	add(r, "", 0x1000, 0x10ff, MEM_BUSY);
	/* NULL is "<BAD>"; an empty name leaves the trailing separator. */
	assert_render(root, true, "00001000-00001fff : <BAD>\n  00001000-000010ff : \n");
	resource_free(root);
}

static void test_ioports_width(void)
{
	struct resource *io = resource_new("PCI IO", 0, 0xffff, IORESOURCE_IO, 0);
	struct resource *pci = add(io, "PCI Bus 0000:00", 0x0, 0xcf7, IORESOURCE_IO);

	add(pci, "dma1", 0x0, 0x1f, IORESOURCE_IO | IORESOURCE_BUSY);
	add(pci, "keyboard", 0x60, 0x60, IORESOURCE_IO | IORESOURCE_BUSY);
	add(io, "PCI conf1", 0xcf8, 0xcff, IORESOURCE_IO | IORESOURCE_BUSY);
	add(io, "last", 0xd000, 0xffff, IORESOURCE_IO);
	assert_render(io, true,
		      "0000-0cf7 : PCI Bus 0000:00\n"
		      "  0000-001f : dma1\n"
		      "  0060-0060 : keyboard\n"
		      "0cf8-0cff : PCI conf1\n"
		      "d000-ffff : last\n");
	assert_render(io, false,
		      "0000-0000 : PCI Bus 0000:00\n"
		      "  0000-0000 : dma1\n"
		      "  0000-0000 : keyboard\n"
		      "0000-0000 : PCI conf1\n"
		      "0000-0000 : last\n");
	resource_free(io);

	/* The switch is root->end < 0x10000: 0x10000 already means width 8. */
	struct resource *wide = resource_new("wide", 0, 0x10000, IORESOURCE_IO, 0);

	add(wide, "x", 0x10, 0x1f, IORESOURCE_IO);
	assert_render(wide, true, "00000010-0000001f : x\n");
	resource_free(wide);
}

static void test_unprivileged(void)
{
	struct resource *root = new_iomem_root();
	struct resource *ram = add(root, "System RAM", 0x100000, 0x7ffdffff, RAM_BUSY);

	add(ram, "Kernel code", 0x2a000000, 0x2b1fffff, RAM_BUSY);
	add(root, "System RAM", 0x100000000, 0x27fffffff, RAM_BUSY);
	/* Names, indentation and line count unchanged; 9-digit lines too. */
	assert_render(root, false,
		      "00000000-00000000 : System RAM\n"
		      "  00000000-00000000 : Kernel code\n"
		      "00000000-00000000 : System RAM\n");
	resource_free(root);
}

/*
 * A QEMU-like x86_64 guest with kmem and virtio-mem, built the way a booting x86_64 kernel and its drivers
 * build it: ROMs and kernel image first, e820 entries inserted around them,
 * ECAM inserted over its Reserved twin, then dax/kmem and virtio-mem.
 */
static struct resource *build_example(void)
{
	struct resource *root = new_iomem_root();
	struct resource *r;

	/* arch/x86/kernel/setup.c: the kernel image, before the e820 RAM. */
	g_assert_cmpint(insert_resource(root, resource_new("Kernel code", 0x2a000000, 0x2b1fffff,
							    RAM_BUSY, IORES_DESC_NONE)),
			==, 0);
	g_assert_cmpint(insert_resource(root, resource_new("Kernel rodata", 0x2b200000,
							    0x2bbfffff, RAM_BUSY,
							    IORES_DESC_NONE)),
			==, 0);
	g_assert_cmpint(insert_resource(root, resource_new("Kernel data", 0x2bc00000, 0x2c0fffff,
							    RAM_BUSY, IORES_DESC_NONE)),
			==, 0);
	g_assert_cmpint(insert_resource(root, resource_new("Kernel bss", 0x2c6a2000, 0x2c9fffff,
							    RAM_BUSY, IORES_DESC_NONE)),
			==, 0);
	/* probe_roms(): the System ROM the e820 Reserved entry will wrap. */
	add(root, "System ROM", 0xf0000, 0xfffff, MEM_BUSY);
	add(root, "Video ROM", 0xc0000, 0xc99ff, MEM_BUSY);

	/* e820__reserve_resources(): busy below 1 MiB, Reserved not busy above. */
	static const struct {
		const char *name;
		uint64_t start, end;
		uint32_t flags;
		int desc;
	} e820[] = {
		{"Reserved", 0x0, 0xfff, MEM_BUSY, IORES_DESC_RESERVED},
		{"System RAM", 0x1000, 0x9fbff, RAM_BUSY, IORES_DESC_NONE},
		{"Reserved", 0x9fc00, 0x9ffff, MEM_BUSY, IORES_DESC_RESERVED},
		{"Reserved", 0xf0000, 0xfffff, MEM_BUSY, IORES_DESC_RESERVED},
		{"System RAM", 0x100000, 0x7ffdffff, RAM_BUSY, IORES_DESC_NONE},
		{"Reserved", 0x7ffe0000, 0x7fffffff, IORESOURCE_MEM, IORES_DESC_RESERVED},
		{"Reserved", 0xb0000000, 0xbfffffff, IORESOURCE_MEM, IORES_DESC_RESERVED},
		{"System RAM", 0x100000000, 0x27fffffff, RAM_BUSY, IORES_DESC_NONE},
		{"Soft Reserved", 0x280000000, 0x2ffffffff, IORESOURCE_MEM,
		 IORES_DESC_SOFT_RESERVED},
	};
	for (unsigned i = 0; i < G_N_ELEMENTS(e820); i++) {
		r = resource_new(e820[i].name, e820[i].start, e820[i].end, e820[i].flags,
				 e820[i].desc);
		g_assert_cmpint(insert_resource(root, r), ==, 0);
	}

	/* crashkernel=: lands inside the RAM that now wraps the kernel image. */
	g_assert_cmpint(insert_resource(root, resource_new("Crash kernel", 0x6f000000, 0x7effffff,
							    RAM_BUSY, IORES_DESC_CRASH_KERNEL)),
			==, 0);
	g_assert_cmpint(insert_resource(root, resource_new("PCI Bus 0000:00", 0xa0000, 0xbffff,
							    IORESOURCE_MEM, IORES_DESC_NONE)),
			==, 0);
	/* ECAM over its identical Reserved entry: ECAM becomes the parent. */
	g_assert_cmpint(insert_resource(root, resource_new("PCI ECAM 0000 [bus 00-ff]",
							    0xb0000000, 0xbfffffff,
							    IORESOURCE_MEM, IORES_DESC_NONE)),
			==, 0);
	g_assert_nonnull(request_region(root, 0xfec00000, 0x400, "IOAPIC 0", 0));
	g_assert_nonnull(request_region(root, 0xfee00000, 0x1000, "Local APIC", 0));

	/* dax/kmem: dax0.0 inside Soft Reserved, rewritten, then its RAM. */
	r = request_region(root, 0x280000000, 0x80000000, "dax0.0", 0);
	g_assert_nonnull(r);
	r->flags = IORESOURCE_SYSTEM_RAM;
	g_assert_nonnull(request_region(root, 0x280000000, 0x80000000, "System RAM (kmem)",
					IORESOURCE_SYSTEM_RAM | IORESOURCE_SYSRAM_DRIVER_MANAGED));

	/* virtio-mem: the device region, made non-busy, and one plugged range. */
	r = request_region(root, 0x300000000, 0x40000000, "virtio5", 0);
	g_assert_nonnull(r);
	r->flags = IORESOURCE_SYSTEM_RAM | IORESOURCE_EXCLUSIVE;
	g_assert_nonnull(request_region(root, 0x300000000, 0x18000000, "System RAM (virtio_mem)",
					IORESOURCE_SYSTEM_RAM | IORESOURCE_SYSRAM_DRIVER_MANAGED));
	return root;
}

static const char example_privileged[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"0009fc00-0009ffff : Reserved\n"
	"000a0000-000bffff : PCI Bus 0000:00\n"
	"000c0000-000c99ff : Video ROM\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-7ffdffff : System RAM\n"
	"  2a000000-2b1fffff : Kernel code\n"
	"  2b200000-2bbfffff : Kernel rodata\n"
	"  2bc00000-2c0fffff : Kernel data\n"
	"  2c6a2000-2c9fffff : Kernel bss\n"
	"  6f000000-7effffff : Crash kernel\n"
	"7ffe0000-7fffffff : Reserved\n"
	"b0000000-bfffffff : PCI ECAM 0000 [bus 00-ff]\n"
	"  b0000000-bfffffff : Reserved\n"
	"fec00000-fec003ff : IOAPIC 0\n"
	"fee00000-fee00fff : Local APIC\n"
	"100000000-27fffffff : System RAM\n"
	"280000000-2ffffffff : Soft Reserved\n"
	"  280000000-2ffffffff : dax0.0\n"
	"    280000000-2ffffffff : System RAM (kmem)\n"
	"300000000-33fffffff : virtio5\n"
	"  300000000-317ffffff : System RAM (virtio_mem)\n";

static void test_spec_example(void)
{
	struct resource *root = build_example();

	assert_render(root, true, example_privileged);
	resource_free(root);
}

static void test_spec_example_unprivileged(void)
{
	struct resource *root = build_example();
	GString *expected = g_string_new(NULL);
	gchar **lines = g_strsplit(example_privileged, "\n", -1);

	/* Every address becomes 00000000; all else is byte for byte the same. */
	for (gchar **l = lines; *l && **l; l++) {
		const char *sep = strstr(*l, " : ");
		size_t indent = strspn(*l, " ");

		g_string_append_printf(expected, "%*s00000000-00000000%s\n", (int)indent, "", sep);
	}
	g_strfreev(lines);
	assert_render(root, false, expected->str);
	g_string_free(expected, TRUE);
	resource_free(root);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	g_test_add_func("/iomem/empty", test_empty);
	g_test_add_func("/iomem/appends", test_appends);
	g_test_add_func("/iomem/width-and-case", test_width_and_case);
	g_test_add_func("/iomem/mixed-width-line", test_mixed_width_line);
	g_test_add_func("/iomem/indent-capped", test_indent_capped);
	g_test_add_func("/iomem/climbs-back", test_climbs_back);
	g_test_add_func("/iomem/bad-name", test_bad_name);
	g_test_add_func("/iomem/ioports-width", test_ioports_width);
	g_test_add_func("/iomem/unprivileged", test_unprivileged);
	g_test_add_func("/iomem/spec-example", test_spec_example);
	g_test_add_func("/iomem/spec-example-unprivileged", test_spec_example_unprivileged);

	return g_test_run();
}

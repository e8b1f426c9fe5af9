/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hotplug devices and the op vocabulary: what every device type does to
 * /proc/iomem, the firmware map and the memory blocks (docs/fixture-format.md, and 6.1/6.12 under QEMU), the
 * failure paths and their rollback, and that bad requests change nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "device.h"
#include "fixture.h"
#include "hotplug.h"
#include "iomem.h"
#include "ops.h"
#include "scenario.h"
#include "util.h"
#include "zone.h"

#define GiB (1ull << 30)
#define MiB (1ull << 20)

/* The QEMU guest of the 6.1/6.12 observations: 1 GiB, 7 e820 entries (firmware map 0-6), 128 MiB blocks. */
/* hotplug: the memory_hotplug members; NULL: offline on 6.1, the default else. */
static struct machine *boot_json(const char *kernel, const char *arch, const char *hotplug,
				 const char *extra)
{
	g_autofree char *json = g_strdup_printf(
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"%s\",\"arch\":\"%s\","
		"\"hypervisor\":true,\"memory_hotplug\":{%s},"
		"\"e820\":[{\"start\":\"0\",\"end\":\"0x9fbff\",\"type\":\"ram\"},"
		"{\"start\":\"0x9fc00\",\"end\":\"0x9ffff\",\"type\":\"reserved\"},"
		"{\"start\":\"0xf0000\",\"end\":\"0xfffff\",\"type\":\"reserved\"},"
		"{\"start\":\"0x100000\",\"end\":\"0x3ffdffff\",\"type\":\"ram\"},"
		"{\"start\":\"0x3ffe0000\",\"end\":\"0x3fffffff\",\"type\":\"reserved\"},"
		"{\"start\":\"0xfeffc000\",\"end\":\"0xfeffffff\",\"type\":\"reserved\"},"
		"{\"start\":\"0xfffc0000\",\"end\":\"0xffffffff\",\"type\":\"reserved\"}]%s}",
		kernel, arch, hotplug ? hotplug : strcmp(kernel, "6.1") ? "" :
		"\"auto_online_blocks\":\"offline\"", extra);
	return boot_fixture_json(json);
}

static struct machine *vm(const char *kernel)
{
	return boot_json(kernel, "x86_64", NULL, "");
}

static struct machine *pmem_vm(const char *extra)
{
	g_autofree char *x = g_strdup_printf(",\"late_resources\":[{\"name\":\"Persistent Memory\","
					     "\"start\":\"0x100000000\",\"end\":\"0x11fffffff\"}]%s",
					     extra);

	return boot_json("6.1", "x86_64", NULL, x);
}

/* Runs one op; returns its result code, err kept in *out_err if given. */
static int op(struct machine *m, const char *json, GError **out_err)
{
	json_object *o = json_tokener_parse(json), *res = NULL;
	g_autoptr(GError) err = NULL;
	int ret;

	g_assert_nonnull(o);
	ret = machine_op(m, o, &res, &err);
	json_object_put(o);
	json_object_put(res);
	if (out_err)
		*out_err = g_steal_pointer(&err);
	return ret;
}

static void op_ok(struct machine *m, const char *json)
{
	g_autoptr(GError) err = NULL;

	op(m, json, &err);
	g_assert_no_error(err);
}

static char *iomem(const struct machine *m)
{
	GString *s = g_string_new(NULL);

	iomem_render(&m->iomem, true, s);
	return g_string_free(s, FALSE);
}

static bool iomem_has(const struct machine *m, const char *line)
{
	g_autofree char *s = iomem(m);
	g_autofree char *l = g_strdup_printf("%s\n", line);

	return strstr(s, l) != NULL;
}

static char *dump(const struct machine *m)
{
	json_object *d = machine_dump(m);
	char *s = g_strdup(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));

	json_object_put(d);
	return s;
}

static const struct firmware_map_entry *fw_find(const struct machine *m, unsigned nr)
{
	return firmware_map_find(&m->firmware_map, nr);
}

static const struct memory_block *blk(const struct machine *m, uint64_t id)
{
	return memory_blocks_find(&m->blocks, id);
}

static char *zones(const struct machine *m, uint64_t id)
{
	GString *s = g_string_new(NULL);

	valid_zones_show(m, blk(m, id), s);
	return g_string_free(s, FALSE);
}

/* ---- ACPI DIMM ----------------------------------------------------------- */

static void test_dimm_add(void)
{
	g_autoptr(machine) m = vm("6.1");
	const struct firmware_map_entry *e;
	g_autofree char *z = NULL;

	g_assert_cmpuint(firmware_map_len(&m->firmware_map), ==, 7);
	op_ok(m, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"512M\"}");
	g_assert_true(iomem_has(m, "100000000-11fffffff : System RAM"));
	e = fw_find(m, 7);
	g_assert_nonnull(e);
	g_assert_cmphex(e->start, ==, 0x100000000);
	g_assert_cmphex(e->end, ==, 0x11fffffff);
	g_assert_cmpstr(e->type, ==, "System RAM");
	for (uint64_t id = 32; id <= 35; id++) {
		g_autofree char *vz = zones(m, id);

		g_assert_cmpint(blk(m, id)->state, ==, BLOCK_OFFLINE);
		g_assert_cmpstr(vz, ==, "Normal Movable");
	}
	g_assert_null(blk(m, 36));
	/* a static group of exactly the DIMM's pages */
	g_assert_cmpuint(machine_group(m, blk(m, 32)->group)->max_pages, ==, 512 * MiB >> 12);
	/* As 6.1 and 6.12: 32-34 movable, 35 offline reads Normal Movable, online_kernel -> Normal */
	for (int id = 32; id <= 34; id++) {
		g_autofree char *j = g_strdup_printf("{\"op\":\"state\",\"block\":%d,"
						     "\"state\":\"online_movable\"}", id);
		op_ok(m, j);
	}
	z = zones(m, 35);
	g_assert_cmpstr(z, ==, "Normal Movable");
	op_ok(m, "{\"op\":\"state\",\"block\":35,\"state\":\"online_kernel\"}");
	g_assert_cmpint(blk(m, 35)->zone, ==, ZONE_NORMAL);
}

static char *firmware_node(const struct machine *m, uint64_t id)
{
	g_autofree char *path = g_strdup_printf("sys/devices/system/memory/memory%" PRIu64
						"/firmware_node", id);
	GString *s = g_string_new(NULL);
	tree_node n;

	g_assert_cmpint(tree_resolve(m, path, &n), ==, 0);
	g_assert_cmpint(tree_readlink(m, n, s), ==, 0);
	return g_string_free(s, FALSE);
}

/* The DIMM's ACPI node is its QEMU slot (acpi_device_set_name(), per-HID IDA,
 * drivers/acpi/scan.c, 6.1 and 6.12; QEMU enumerates every slot at boot).  A
 * slot taken by something the simulation does not have - an NVDIMM at boot
 * in slot 0 - makes the first DIMM plugged PNP0C80:01, as Debian 6.1 and 6.12
 * guests showed (tests/kernel/differential.py): dimm-add's `slot`. */
static void test_dimm_slot(void)
{
	g_autoptr(machine) m = vm("6.12");
	g_autoptr(GError) err = NULL;
	g_autofree char *node = NULL, *lowest = NULL;

	op_ok(m, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"128M\",\"slot\":1}");
	node = firmware_node(m, 32);
	g_assert_cmpstr(node, ==, "../../../LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/PNP0C80:01");
	g_assert_nonnull(device_find(m, "dimm1"));
	g_assert_cmpint(op(m, "{\"op\":\"dimm-add\",\"start\":\"0x110000000\",\"size\":\"128M\","
			   "\"slot\":1}", &err), ==, -EINVAL);
	g_assert_cmpstr(err->message, ==, "dimm-add: slot 1 is taken by dimm1");
	g_assert_null(memory_blocks_find(&m->blocks, 34));
	g_clear_error(&err);
	g_assert_cmpint(op(m, "{\"op\":\"dimm-add\",\"start\":\"0x110000000\",\"size\":\"128M\","
			   "\"slot\":256}", &err), ==, -EINVAL);
	g_assert_cmpstr(err->message, ==, "dimm-add: slot 256: QEMU has at most 256 memory slots");
	/* Without a slot: the lowest free one. */
	op_ok(m, "{\"op\":\"dimm-add\",\"start\":\"0x110000000\",\"size\":\"128M\"}");
	lowest = firmware_node(m, 34);
	g_assert_cmpstr(lowest, ==, "../../../LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/PNP0C80:00");
}

/* A label-less NVDIMM hot-added at run time (QEMU device_add nvdimm, NFIT
 * hotplug: acpi_nfit_notify() -> acpi_nfit_init(), drivers/acpi/nfit/core.c):
 * acpi_nfit_insert_resource()'s "Persistent Memory", the io namespace
 * nd_pmem claims whole (pmem_attach_disk()), nothing in the firmware map or
 * the memory blocks - as Debian 6.1.0-57 and 6.12 showed after QEMU 7.2's
 * device_add nvdimm of 256 MiB at 4 GiB, slot 0.  A DIMM plugged next gets
 * slot 1: QEMU's slots are shared, so its ACPI node is PNP0C80:01. */
#define ND_REGION0 "sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0"

static void test_nvdimm_hot_add(void)
{
	g_autoptr(machine) m = vm("6.12");
	g_autoptr(GError) err = NULL;
	g_autofree char *before = iomem(m), *after = NULL, *want = NULL, *node = NULL;
	g_autofree char *nstype = NULL, *mode = NULL, *seed = NULL, *devtype = NULL, *holder = NULL;
	g_autoptr(GString) drv = g_string_new(NULL);
	static const char *const io_hidden[] = { "uuid", "alt_name", "sector_size", "dpa_extents" };
	struct tree_stat st;
	tree_node n;

	op_ok(m, "{\"op\":\"nvdimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\",\"slot\":0}");
	after = iomem(m);
	/* at the end: the machine has nothing above 4 GiB */
	want = g_strdup_printf("%s100000000-10fffffff : Persistent Memory\n"
			       "  100000000-10fffffff : namespace0.0\n", before);
	g_assert_cmpstr(after, ==, want);
	g_assert_null(fw_find(m, 7));
	g_assert_null(blk(m, 32));
	g_assert_cmpint(device_find(m, "region0")->kind, ==, DEV_ND_REGION);
	g_assert_cmpint(device_find(m, "namespace0.0")->mode, ==, NS_RAW);
	/* nd_region_to_nstype(): no DIMM with labels - ND_DEVICE_NAMESPACE_IO */
	nstype = read_tree(m, ND_REGION0 "/nstype");
	g_assert_cmpstr(nstype, ==, "4\n");
	mode = read_tree(m, ND_REGION0 "/namespace0.0/mode");
	g_assert_cmpstr(mode, ==, "raw\n");
	holder = read_tree(m, ND_REGION0 "/namespace0.0/holder");
	g_assert_cmpstr(holder, ==, "\n");
	devtype = read_tree(m, ND_REGION0 "/namespace0.0/devtype");
	g_assert_cmpstr(devtype, ==, "nd_namespace_io\n");
	seed = read_tree(m, ND_REGION0 "/namespace_seed");
	g_assert_cmpstr(seed, ==, "namespace0.0\n");
	g_assert_cmpint(tree_resolve(m, ND_REGION0 "/namespace0.0/driver", &n), ==, 0);
	g_assert_cmpint(tree_readlink(m, n, drv), ==, 0);
	g_assert_true(g_str_has_suffix(drv->str, "/bus/nd/drivers/nd_pmem"));
	/* namespace_visible(): an io namespace has no uuid, alt_name,
	 * sector_size or dpa_extents, and its size is 0444 */
	for (size_t i = 0; i < G_N_ELEMENTS(io_hidden); i++) {
		g_autofree char *p = g_strdup_printf(ND_REGION0 "/namespace0.0/%s", io_hidden[i]);

		g_assert_cmpint(tree_resolve(m, p, &n), ==, -ENOENT);
	}
	g_assert_cmpint(tree_resolve(m, ND_REGION0 "/namespace0.0/size", &n), ==, 0);
	g_assert_cmpint(tree_stat(m, n, &st), ==, 0);
	g_assert_cmpint(st.mode, ==, 0444);

	/* the DIMM after it: QEMU's slot 1, at the next free address */
	g_assert_cmpint(op(m, "{\"op\":\"dimm-add\",\"start\":\"0x110000000\",\"size\":\"128M\","
			   "\"slot\":0}", &err), ==, -EINVAL);
	g_assert_cmpstr(err->message, ==, "dimm-add: slot 0 is taken by region0");
	op_ok(m, "{\"op\":\"dimm-add\",\"start\":\"0x110000000\",\"size\":\"128M\"}");
	node = firmware_node(m, 34);
	g_assert_cmpstr(node, ==, "../../../LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/PNP0C80:01");
	g_assert_nonnull(device_find(m, "dimm1"));
}

/* nvdimm-add's bad requests change nothing; nvdimm-remove is always refused
 * (QEMU 7.2's pc_memory_unplug_request(): "nvdimm device hot unplug is not
 * supported yet."; the guests' NFIT code never removes a region). */
static void test_nvdimm_bad_requests(void)
{
	static const struct { const char *json, *msg; } cases[] = {
		{ "{\"op\":\"nvdimm-add\",\"start\":\"0x100000800\",\"size\":\"256M\"}",
		  "nvdimm-add: 0x100000800+0x10000000 is not aligned to the page size (QEMU: the region "
		  "and its address are page multiples)" },
		{ "{\"op\":\"nvdimm-add\",\"start\":\"0x100000000\",\"size\":\"0\"}",
		  "nvdimm-add: 0x100000000+0x0 is not aligned to the page size (QEMU: the region and its "
		  "address are page multiples)" },
		{ "{\"op\":\"nvdimm-add\",\"start\":\"0x3f000000\",\"size\":\"32M\"}",
		  "nvdimm-add: 0x3f000000-0x40ffffff overlaps System RAM [0x100000-0x3ffdffff]: "
		  "QEMU puts an NVDIMM where nothing is" },
		{ "{\"op\":\"nvdimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\",\"node\":3}",
		  "nvdimm-add: node 3 is not possible" },
		{ "{\"op\":\"nvdimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\",\"slot\":256}",
		  "nvdimm-add: slot 256: QEMU has at most 256 memory slots" },
		{ "{\"op\":\"nvdimm-add\",\"start\":\"0x120000000\",\"size\":\"256M\",\"slot\":0}",
		  "nvdimm-add: slot 0 is taken by region0" },
		{ "{\"op\":\"nvdimm-add\",\"start\":\"0x108000000\",\"size\":\"256M\",\"slot\":1}",
		  "nvdimm-add: 0x108000000-0x117ffffff overlaps Persistent Memory [0x100000000-0x10fffffff]: "
		  "QEMU puts an NVDIMM where nothing is" },
		{ "{\"op\":\"nvdimm-remove\",\"device\":\"region0\"}",
		  "nvdimm-remove: region0: QEMU cannot unplug an NVDIMM (device_del: \"nvdimm device hot "
		  "unplug is not supported yet.\"), and Linux never removes an NFIT region" },
		{ "{\"op\":\"nvdimm-remove\",\"device\":\"namespace0.0\"}",
		  "nvdimm-remove: namespace0.0 is a namespace device" },
	};
	g_autoptr(machine) m = vm("6.1");
	g_autofree char *before = NULL;
	guint ndev;

	op_ok(m, "{\"op\":\"nvdimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\",\"slot\":0}");
	before = iomem(m);
	ndev = m->devices->len;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) err = NULL;
		g_autofree char *now = NULL;

		g_assert_cmpint(op(m, cases[i].json, &err), ==, -EINVAL);
		g_assert_error(err, OPS_ERROR, OPS_ERROR_REQUEST);
		g_assert_cmpstr(err->message, ==, cases[i].msg);
		now = iomem(m);
		g_assert_cmpstr(now, ==, before);
		g_assert_cmpuint(m->devices->len, ==, ndev);
	}
}

/* The raw io namespace to devdax (what ndctl create-namespace -f -e
 * namespace0.0 -m devdax stores: nd_pmem unbound, the dax seed configured,
 * dax_pmem bound - __dax_pmem_probe() claims the info block and memmap, 6 MiB
 * of 256, dev_dax_probe() the rest), then to kmem: /proc/iomem as Debian 6.1
 * and 6.12 showed it (tests/kernel/differential.py, [NVDIMM hot-add]). */
static void test_nvdimm_raw_to_devdax(void)
{
	g_autoptr(machine) m = vm("6.12");
	g_autofree char *before = iomem(m), *devdax = NULL, *kmem = NULL, *want = NULL;
	g_autofree char *want_kmem = NULL, *mode = NULL;

	op_ok(m, "{\"op\":\"nvdimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\",\"slot\":0}");
	op_ok(m, "{\"op\":\"namespace-reconfigure\",\"device\":\"namespace0.0\",\"mode\":\"devdax\"}");
	devdax = iomem(m);
	want = g_strdup_printf("%s100000000-10fffffff : Persistent Memory\n"
			       "  100000000-1005fffff : namespace0.0\n"
			       "  100600000-10fffffff : dax0.0\n", before);
	g_assert_cmpstr(devdax, ==, want);
	mode = read_tree(m, ND_REGION0 "/namespace0.0/mode");
	g_assert_cmpstr(mode, ==, "dax\n");
	op_ok(m, "{\"op\":\"auto-online\",\"value\":\"online_movable\"}");
	op_ok(m, "{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\",\"mode\":\"system-ram\"}");
	kmem = iomem(m);
	want_kmem = g_strdup_printf("%s100000000-10fffffff : Persistent Memory\n"
				    "  100000000-1005fffff : namespace0.0\n"
				    "  108000000-10fffffff : dax0.0\n"
				    "    108000000-10fffffff : System RAM (kmem)\n", before);
	g_assert_cmpstr(kmem, ==, want_kmem);
	g_assert_cmpint(blk(m, 33)->state, ==, BLOCK_ONLINE);
	g_assert_null(blk(m, 32));
}

/* Legacy pmem at boot (memmap=1G!4G: e820_pmem's ndbus0) and no NFIT
 * region: the kernel would register the hot-added NVDIMM's bus as ndbus1,
 * which the nd model (NFIT bus first) does not express - refused. */
static void test_nvdimm_after_legacy_bus(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("legacy-pmem-vm.json");
	g_autoptr(GError) err = NULL;
	g_autofree char *before = iomem(m), *after = NULL;

	g_assert_cmpint(op(m, "{\"op\":\"nvdimm-add\",\"start\":\"0x200000000\",\"size\":\"256M\"}",
			   &err), ==, -EINVAL);
	g_assert_cmpstr(err->message, ==, "nvdimm-add: a first NFIT bus registered after the legacy "
			"pmem bus (ndbus1) is not modelled");
	after = iomem(m);
	g_assert_cmpstr(after, ==, before);
}

/* s390x has no ACPI, so no NFIT. */
static void test_nvdimm_s390(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("s390x-lpar.json");
	g_autoptr(GError) err = NULL;

	g_assert_cmpint(op(m, "{\"op\":\"nvdimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\"}",
			   &err), ==, -EINVAL);
	g_assert_cmpstr(err->message, ==, "nvdimm-add: s390x has no NFIT (NVDIMMs are ACPI devices)");
}

static void test_dimm_eject_rollback(void)
{
	g_autoptr(machine) m = vm("6.1");
	g_autoptr(GError) err = NULL;
	g_autofree char *before = NULL, *after = NULL;

	op_ok(m, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"512M\"}");
	for (int id = 32; id <= 34; id++) {
		g_autofree char *j = g_strdup_printf("{\"op\":\"state\",\"block\":%d,"
						     "\"state\":\"online_movable\"}", id);
		op_ok(m, j);
	}
	op_ok(m, "{\"op\":\"state\",\"block\":35,\"state\":\"online_kernel\"}");
	op_ok(m, "{\"op\":\"fault\",\"block\":35,\"unmovable\":true}");
	before = iomem(m);
	g_assert_cmpint(op(m, "{\"op\":\"dimm-eject\",\"device\":\"dimm0\"}", &err), ==, -EBUSY);
	g_assert_error(err, OPS_ERROR, OPS_ERROR_KERNEL);
	/* the views are as before, except that 32-34 came back in Normal */
	after = iomem(m);
	g_assert_cmpstr(before, ==, after);
	g_assert_nonnull(fw_find(m, 7));
	for (uint64_t id = 32; id <= 35; id++) {
		g_assert_cmpint(blk(m, id)->state, ==, BLOCK_ONLINE);
		g_assert_cmpint(blk(m, id)->zone, ==, ZONE_NORMAL);
	}
	g_assert_nonnull(device_find(m, "dimm0"));

	/* once memory35 can be migrated the eject succeeds */
	op_ok(m, "{\"op\":\"fault\",\"block\":35,\"unmovable\":false}");
	op_ok(m, "{\"op\":\"dimm-eject\",\"device\":\"dimm0\"}");
	g_assert_false(iomem_has(m, "100000000-11fffffff : System RAM"));
	g_assert_null(fw_find(m, 7));
	for (uint64_t id = 32; id <= 35; id++)
		g_assert_null(blk(m, id));
	g_assert_null(device_find(m, "dimm0"));
	g_assert_cmpuint(m->groups->len, ==, 0);
}

static void test_firmware_numbers_never_reused(void)
{
	g_autoptr(machine) m = vm("6.1");

	op_ok(m, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\"}");
	op_ok(m, "{\"op\":\"dimm-add\",\"start\":\"0x110000000\",\"size\":\"256M\"}");
	g_assert_nonnull(fw_find(m, 8));
	op_ok(m, "{\"op\":\"dimm-eject\",\"device\":\"dimm0\"}");
	g_assert_null(fw_find(m, 7));
	op_ok(m, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\"}");
	g_assert_null(fw_find(m, 7));
	g_assert_nonnull(fw_find(m, 9));
	g_assert_cmphex(fw_find(m, 9)->start, ==, 0x100000000);
	/* dimm0's name is free again */
	g_assert_nonnull(device_find(m, "dimm0"));
}

static void test_removal_needs_exact_match(void)
{
	g_autoptr(machine) m = vm("6.1");

	g_assert_cmpint(add_memory(m, 0, 0x100000000, 512 * MiB, MHP_NONE), ==, 0);
	g_assert_nonnull(fw_find(m, 7));
	/* a part of the range: the resource shrinks, the entry stays */
	g_assert_cmpint(remove_memory(m, 0x100000000, 128 * MiB), ==, 0);
	g_assert_true(iomem_has(m, "108000000-11fffffff : System RAM"));
	g_assert_nonnull(fw_find(m, 7));
	g_assert_cmphex(fw_find(m, 7)->start, ==, 0x100000000);
	/* the middle: split in two, the entry still there */
	g_assert_cmpint(remove_memory(m, 0x110000000, 128 * MiB), ==, 0);
	g_assert_true(iomem_has(m, "108000000-10fffffff : System RAM"));
	g_assert_true(iomem_has(m, "118000000-11fffffff : System RAM"));
	g_assert_nonnull(fw_find(m, 7));
	/* exactly what was added: the entry goes */
	g_assert_cmpint(add_memory(m, 0, 0x200000000, 256 * MiB, MHP_NONE), ==, 0);
	g_assert_nonnull(fw_find(m, 8));
	g_assert_cmpint(remove_memory(m, 0x200000000, 256 * MiB), ==, 0);
	g_assert_null(fw_find(m, 8));
}

static void test_identical_insert_becomes_parent(void)
{
	g_autoptr(machine) m = vm("6.1");
	struct resource *r = resource_new("CXL Window 0", 0x100000000, 0x11fffffff,
					  IORESOURCE_MEM, IORES_DESC_CXL);

	g_assert_cmpint(add_memory(m, 0, 0x100000000, 512 * MiB, MHP_NONE), ==, 0);
	g_assert_cmpint(insert_resource(&m->iomem, r), ==, 0);
	g_assert_true(iomem_has(m, "100000000-11fffffff : CXL Window 0"));
	g_assert_true(iomem_has(m, "  100000000-11fffffff : System RAM"));
	g_assert_nonnull(r->child);
	g_assert_cmpstr(r->child->name, ==, "System RAM");
}

static void test_probe(void)
{
	g_autoptr(machine) m = boot_json("6.1", "x86_64", "\"probe\":true,"
					 "\"auto_online_blocks\":\"online\"", "");
	g_autoptr(GError) err = NULL;
	g_autofree char *before = NULL, *after = NULL;

	op_ok(m, "{\"op\":\"probe\",\"addr\":\"0x100000000\"}");
	op_ok(m, "{\"op\":\"probe\",\"addr\":\"0x108000000\"}");
	/* one resource and one entry per probed block, not merged */
	g_assert_true(iomem_has(m, "100000000-107ffffff : System RAM"));
	g_assert_true(iomem_has(m, "108000000-10fffffff : System RAM"));
	g_assert_cmphex(fw_find(m, 8)->start, ==, 0x108000000);
	g_assert_cmpint(blk(m, 33)->state, ==, BLOCK_ONLINE);
	before = dump(m);
	g_assert_cmpint(op(m, "{\"op\":\"probe\",\"addr\":\"0x108000001\"}", &err), ==, -EINVAL);
	g_assert_error(err, OPS_ERROR, OPS_ERROR_REQUEST);
	g_clear_error(&err);
	g_assert_cmpint(op(m, "{\"op\":\"probe\",\"addr\":\"0x100000000\"}", &err), ==, -EINVAL);
	g_assert_error(err, OPS_ERROR, OPS_ERROR_REQUEST);
	after = dump(m);
	g_assert_cmpstr(before, ==, after);
}

/* ---- virtio-mem ------------------------------------------------------------ */

static void test_virtio_mem(void)
{
	g_autoptr(machine) m = vm("6.12");
	g_autoptr(GError) err = NULL;
	guint fw = firmware_map_len(&m->firmware_map);

	op_ok(m, "{\"op\":\"virtio-mem-add\",\"start\":\"0x100000000\",\"region_size\":\"2G\"}");
	g_assert_true(iomem_has(m, "100000000-17fffffff : virtio0"));
	g_assert_cmphex(device_find(m, "virtio0")->res->flags, ==,
			IORESOURCE_SYSTEM_RAM | IORESOURCE_EXCLUSIVE);
	op_ok(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"1G\"}");
	g_assert_true(iomem_has(m, "  100000000-13fffffff : System RAM (virtio_mem)"));
	g_assert_cmpint(blk(m, 39)->state, ==, BLOCK_ONLINE);   /* 6.12: online by default */
	g_assert_true(machine_group(m, blk(m, 32)->group)->dynamic);
	op_ok(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"128M\"}");
	g_assert_true(iomem_has(m, "  100000000-107ffffff : System RAM (virtio_mem)"));
	g_assert_null(blk(m, 33));
	op_ok(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"300M\"}");
	g_assert_true(iomem_has(m, "  100000000-117ffffff : System RAM (virtio_mem)"));
	g_assert_nonnull(blk(m, 34));
	g_assert_null(blk(m, 35));
	g_assert_cmpuint(device_find(m, "virtio0")->plugged, ==, 300 * MiB);
	/* driver-managed memory never gets a firmware-map entry */
	g_assert_cmpuint(firmware_map_len(&m->firmware_map), ==, fw);

	/* shrinking fails at memory33: memory34 went, the device stays at 256M */
	op_ok(m, "{\"op\":\"fault\",\"block\":33,\"unmovable\":true}");
	g_assert_cmpint(op(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\","
			   "\"requested_size\":0}", &err), ==, -EBUSY);
	g_assert_error(err, OPS_ERROR, OPS_ERROR_KERNEL);
	g_assert_true(iomem_has(m, "  100000000-10fffffff : System RAM (virtio_mem)"));
	g_assert_cmpuint(device_find(m, "virtio0")->plugged, ==, 256 * MiB);
	g_assert_cmpint(blk(m, 33)->state, ==, BLOCK_ONLINE);
	g_assert_null(blk(m, 34));
}

static void test_virtio_mem_rollback(void)
{
	g_autoptr(machine) m = vm("6.12");
	g_autoptr(GError) err = NULL;

	/* Big Block Mode: 256 MiB device blocks, two memory blocks per unit */
	op_ok(m, "{\"op\":\"virtio-mem-add\",\"start\":\"0x100000000\",\"region_size\":\"1G\","
	      "\"block_size\":\"256M\"}");
	op_ok(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"512M\"}");
	op_ok(m, "{\"op\":\"state\",\"block\":34,\"state\":\"offline\"}");
	op_ok(m, "{\"op\":\"state\",\"block\":34,\"state\":\"online_movable\"}");
	op_ok(m, "{\"op\":\"fault\",\"block\":35,\"unmovable\":true}");
	g_assert_cmpint(op(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\","
			   "\"requested_size\":\"256M\"}", &err), ==, -EBUSY);
	/* offline_and_remove_memory put memory34 back online, in Movable again */
	g_assert_cmpint(blk(m, 34)->state, ==, BLOCK_ONLINE);
	g_assert_cmpint(blk(m, 34)->zone, ==, ZONE_MOVABLE);
	g_assert_true(iomem_has(m, "  100000000-11fffffff : System RAM (virtio_mem)"));
}

static void test_merge_needs_same_name_pointer(void)
{
	g_autoptr(machine) m = vm("6.12");

	op_ok(m, "{\"op\":\"virtio-mem-add\",\"start\":\"0x100000000\",\"region_size\":\"256M\"}");
	op_ok(m, "{\"op\":\"virtio-mem-add\",\"start\":\"0x110000000\",\"region_size\":\"256M\"}");
	op_ok(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"256M\"}");
	op_ok(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio1\",\"requested_size\":\"256M\"}");
	g_assert_true(iomem_has(m, "  100000000-10fffffff : System RAM (virtio_mem)"));
	g_assert_true(iomem_has(m, "  110000000-11fffffff : System RAM (virtio_mem)"));
	/* a name equal in text but another pointer does not merge; the same one does */
	g_assert_cmpint(add_memory_driver_managed(m, 0, 0x200000000, 128 * MiB,
						  machine_strdup(m, "System RAM (virtio_mem)"),
						  MHP_MERGE_RESOURCE), ==, 0);
	g_assert_cmpint(add_memory_driver_managed(m, 0, 0x208000000, 128 * MiB,
						  machine_strdup(m, "System RAM (virtio_mem)"),
						  MHP_MERGE_RESOURCE), ==, 0);
	g_assert_true(iomem_has(m, "200000000-207ffffff : System RAM (virtio_mem)"));
	g_assert_true(iomem_has(m, "208000000-20fffffff : System RAM (virtio_mem)"));
}

/* ---- nvdimm, dax, kmem --------------------------------------------------------- */

static void test_nvdimm_kmem(void)
{
	g_autoptr(machine) m = pmem_vm("");
	guint fw = firmware_map_len(&m->firmware_map);
	struct resource *dax, *kmem;

	op_ok(m, "{\"op\":\"pmem-namespace-create\",\"size\":\"512M\",\"mode\":\"fsdax\"}");
	g_assert_true(iomem_has(m, "  100000000-11fffffff : namespace0.0"));
	op_ok(m, "{\"op\":\"namespace-reconfigure\",\"device\":\"namespace0.0\",\"mode\":\"devdax\"}");
	g_assert_true(iomem_has(m, "  100000000-1009fffff : namespace0.0"));
	g_assert_true(iomem_has(m, "  100a00000-11fffffff : dax0.0"));
	op_ok(m, "{\"op\":\"namespace-reconfigure\",\"device\":\"namespace0.0\",\"mode\":\"system-ram\"}");
	g_assert_true(iomem_has(m, "  108000000-11fffffff : dax0.0"));
	g_assert_true(iomem_has(m, "    108000000-11fffffff : System RAM (kmem)"));
	g_assert_null(blk(m, 32));
	for (uint64_t id = 33; id <= 35; id++)
		g_assert_cmpint(blk(m, id)->state, ==, BLOCK_OFFLINE);
	g_assert_cmpuint(firmware_map_len(&m->firmware_map), ==, fw);
	dax = resource_find(&m->iomem, 0x108000000, 0x11fffffff, "dax0.0");
	kmem = dax->child;
	g_assert_cmphex(dax->flags, ==, IORESOURCE_SYSTEM_RAM);
	g_assert_cmphex(kmem->flags, ==, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY |
			IORESOURCE_SYSRAM_DRIVER_MANAGED);
	/* the kmem child inherits the parent's descriptor (__request_region) */
	g_assert_cmpint(dax->desc, ==, IORES_DESC_PERSISTENT_MEMORY);
	g_assert_cmpint(kmem->desc, ==, IORES_DESC_PERSISTENT_MEMORY);
	g_assert_false(machine_group(m, blk(m, 33)->group)->dynamic);

	/* unbind with every block offline: both resources go */
	op_ok(m, "{\"op\":\"kmem-unbind\",\"device\":\"dax0.0\"}");
	g_assert_false(iomem_has(m, "  108000000-11fffffff : dax0.0"));
	g_assert_null(blk(m, 33));
	g_assert_cmpuint(m->groups->len, ==, 0);
}

static void test_kmem_memmap_on_memory(void)
{
	g_autoptr(machine) m12 = boot_json("6.12", "x86_64",
		"\"auto_online_blocks\":\"offline\",\"memmap_on_memory\":\"Y\"",
		",\"late_resources\":[{\"name\":\"Persistent Memory\","
		"\"start\":\"0x100000000\",\"end\":\"0x11fffffff\"}]");
	g_autoptr(machine) m1 = pmem_vm("");
	g_autoptr(GError) err = NULL;

	op_ok(m12, "{\"op\":\"pmem-namespace-create\",\"size\":\"512M\",\"mode\":\"devdax\"}");
	/* dev_dax_kmem_probe() (6.8+): daxX.Y/memmap_on_memory=1 adds with an
	 * altmap, so every block carries its memmap at its start. */
	op_ok(m12, "{\"op\":\"dax-memmap-on-memory\",\"device\":\"dax0.0\",\"enable\":true}");
	op_ok(m12, "{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\",\"mode\":\"system-ram\"}");
	for (uint64_t id = 33; id <= 35; id++)
		g_assert_true(blk(m12, id)->flags & BLOCK_ALTMAP);
	/* Not while kmem holds the device (memmap_on_memory_store: -EBUSY). */
	g_assert_cmpint(op(m12, "{\"op\":\"dax-memmap-on-memory\",\"device\":\"dax0.0\","
			   "\"enable\":false}", &err), ==, -EBUSY);
	g_clear_error(&err);
	/* 6.1 has no such attribute. */
	op_ok(m1, "{\"op\":\"pmem-namespace-create\",\"size\":\"512M\",\"mode\":\"devdax\"}");
	g_assert_cmpint(op(m1, "{\"op\":\"dax-memmap-on-memory\",\"device\":\"dax0.0\","
			   "\"enable\":true}", &err), ==, -EINVAL);
	g_assert_nonnull(strstr(err->message, "before 6.8"));
}

static void test_kmem_unbind_with_online_memory(void)
{
	g_autoptr(machine) m = pmem_vm("");
	g_autoptr(GError) err = NULL;
	g_autoptr(GError) err2 = NULL;
	g_autofree char *before = NULL, *after = NULL;

	op_ok(m, "{\"op\":\"pmem-namespace-create\",\"size\":\"512M\",\"mode\":\"devdax\"}");
	op_ok(m, "{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\",\"mode\":\"system-ram\"}");
	op_ok(m, "{\"op\":\"state\",\"block\":34,\"state\":\"online_movable\"}");
	before = iomem(m);
	g_assert_cmpint(op(m, "{\"op\":\"kmem-unbind\",\"device\":\"dax0.0\"}", &err), ==, -EBUSY);
	g_assert_error(err, OPS_ERROR, OPS_ERROR_KERNEL);
	after = iomem(m);
	g_assert_cmpstr(before, ==, after);
	g_assert_nonnull(blk(m, 33));
	g_assert_cmpint(blk(m, 34)->state, ==, BLOCK_ONLINE);
	/* "cannot be hotremoved until the next reboot": no way back */
	g_assert_cmpint(op(m, "{\"op\":\"namespace-reconfigure\",\"device\":\"namespace0.0\","
			   "\"mode\":\"fsdax\"}", &err2), ==, -EINVAL);
	g_assert_error(err2, OPS_ERROR, OPS_ERROR_REQUEST);
}

/* A namespace holds its whole range (its DPA allocation), though iomem shows
 * only part of it once kmem has its dax device: the prefix, then kmem's
 * block-aligned range.  A fuzzed control input placed a namespace in the gap
 * between them; taking dax0.0 back to devdax then failed its claim. */
static void test_namespace_holds_its_whole_range(void)
{
	g_autoptr(machine) m = pmem_vm("");
	g_autoptr(GError) err = NULL;
	struct device *region;

	op_ok(m, "{\"op\":\"pmem-namespace-create\",\"size\":\"256M\",\"mode\":\"devdax\"}");
	op_ok(m, "{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\",\"mode\":\"system-ram\"}");
	g_assert_true(iomem_has(m, "  100000000-1005fffff : namespace0.0"));
	g_assert_true(iomem_has(m, "  108000000-10fffffff : dax0.0"));
	region = device_find(m, "region0");
	g_assert_cmphex(pmem_region_max_extent(m, region), ==, 256 * MiB);
	/* in the gap iomem shows: refused, naming the namespace */
	g_assert_cmpint(op(m, "{\"op\":\"pmem-namespace-create\",\"start\":\"0x100600000\","
			   "\"size\":\"24M\",\"mode\":\"fsdax\"}", &err), ==, -EINVAL);
	g_assert_cmpstr(err->message, ==, "pmem-namespace-create: 0x100600000-0x101dfffff "
			"conflicts with namespace0.0 [0x100000000-0x10fffffff]");
	/* the lowest free space is after the namespace */
	op_ok(m, "{\"op\":\"pmem-namespace-create\",\"size\":\"24M\",\"mode\":\"fsdax\"}");
	g_assert_true(iomem_has(m, "  110000000-1117fffff : namespace0.1"));
	g_assert_cmphex(pmem_region_max_extent(m, region), ==, 232 * MiB);
	/* and dax0.0 goes back to device_dax over all of its range */
	op_ok(m, "{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\",\"mode\":\"devdax\"}");
	g_assert_true(iomem_has(m, "  100600000-10fffffff : dax0.0"));
}

static void test_device_backed_vmemmap(void)
{
	g_autoptr(machine) off = pmem_vm("");
	g_autoptr(machine) on = pmem_vm(",\"device_backed_vmemmap\":true");

	op_ok(off, "{\"op\":\"pmem-namespace-create\",\"size\":\"256M\",\"mode\":\"fsdax\"}");
	op_ok(on, "{\"op\":\"pmem-namespace-create\",\"size\":\"256M\",\"mode\":\"fsdax\"}");
	g_assert_true(iomem_has(off, "  100000000-10fffffff : namespace0.0"));
	g_assert_false(iomem_has(off, "    100000000-1005fffff : Device Backed Vmemmap"));
	g_assert_true(iomem_has(on, "  100000000-10fffffff : namespace0.0"));
	g_assert_true(iomem_has(on, "    100000000-1005fffff : Device Backed Vmemmap"));
	g_assert_cmphex(resource_find(&on->iomem, 0x100000000, 0x1005fffff,
				      "Device Backed Vmemmap")->flags & 0xa0000000u, ==, 0xa0000000u);
	/* devdax: the prefix holds it too (the Device Backed Vmemmap RFC) */
	op_ok(on, "{\"op\":\"pmem-namespace-create\",\"size\":\"256M\",\"mode\":\"devdax\"}");
	g_assert_true(iomem_has(on, "  110000000-1105fffff : namespace0.1"));
	g_assert_true(iomem_has(on, "    110000000-1105fffff : Device Backed Vmemmap"));
	g_assert_true(iomem_has(on, "  110600000-11fffffff : dax0.1"));
}

static void test_hmem(void)
{
	g_autoptr(machine) m = boot_json("6.12", "x86_64", NULL,
		",\"late_resources\":[{\"name\":\"Soft Reserved\",\"start\":\"0x100000000\","
		"\"end\":\"0x13fffffff\"}]");
	struct resource *k;

	op_ok(m, "{\"op\":\"hmem-add\",\"start\":\"0x100000000\"}");
	g_assert_true(iomem_has(m, "  100000000-13fffffff : dax0.0"));
	op_ok(m, "{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\",\"mode\":\"system-ram\"}");
	g_assert_true(iomem_has(m, "    100000000-13fffffff : System RAM (kmem)"));
	k = resource_find(&m->iomem, 0x100000000, 0x13fffffff, "System RAM (kmem)");
	g_assert_cmpint(k->desc, ==, IORES_DESC_SOFT_RESERVED);
	/* 6.12 onlines at once */
	g_assert_cmpint(blk(m, 39)->state, ==, BLOCK_ONLINE);
}

/* ---- CXL ------------------------------------------------------------------------ */

static void test_cxl(void)
{
	g_autoptr(machine) m = vm("6.12");

	op_ok(m, "{\"op\":\"cxl-window-add\",\"start\":\"0xa80000000\",\"size\":\"4G\"}");
	g_assert_true(iomem_has(m, "a80000000-b7fffffff : CXL Window 0"));
	op_ok(m, "{\"op\":\"cxl-region-create\",\"window\":\"cxl_window0\",\"size\":\"256M\"}");
	op_ok(m, "{\"op\":\"cxl-region-create\",\"window\":\"cxl_window0\",\"size\":\"512M\"}");
	g_assert_true(iomem_has(m, "  a80000000-a8fffffff : region0"));
	g_assert_true(iomem_has(m, "    a80000000-a8fffffff : dax0.0"));
	g_assert_true(iomem_has(m, "      a80000000-a8fffffff : System RAM (kmem)"));
	g_assert_true(iomem_has(m, "  a90000000-aafffffff : region1"));
	g_assert_true(iomem_has(m, "      a90000000-aafffffff : System RAM (kmem)"));
	g_assert_cmpint(blk(m, 336)->state, ==, BLOCK_ONLINE);
	g_assert_cmpint(blk(m, 341)->state, ==, BLOCK_ONLINE);
	/* expand to fit: a window over a Soft Reserved range becomes its parent */
	{
		g_autoptr(machine) s = boot_json("6.12", "x86_64", NULL,
			",\"late_resources\":[{\"name\":\"Soft Reserved\",\"start\":\"0x100000000\","
			"\"end\":\"0x13fffffff\"}]");
		g_autoptr(GError) err = NULL;

		op_ok(s, "{\"op\":\"cxl-window-add\",\"start\":\"0x100000000\",\"size\":\"1G\"}");
		g_assert_true(iomem_has(s, "100000000-13fffffff : CXL Window 0"));
		g_assert_true(iomem_has(s, "  100000000-13fffffff : Soft Reserved"));
		/* hmem defers to cxl */
		g_assert_cmpint(op(s, "{\"op\":\"hmem-add\",\"start\":\"0x100000000\"}", &err), ==,
				-EINVAL);
	}
}

/* ---- s390 ------------------------------------------------------------------------ */

static void test_s390_standby(void)
{
	g_autofree char *json = g_strdup(
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.12\",\"arch\":\"s390x\","
		"\"block_size\":\"256M\",\"memory_hotplug\":{\"auto_online_blocks\":\"offline\","
		"\"memmap_on_memory\":\"Y\"},\"e820\":[{\"start\":\"0\",\"size\":\"4G\",\"type\":\"ram\"}]}");
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_parse("s.json", json, strlen(json), &err);
	g_autoptr(machine) m = machine_boot(fx, &err);
	g_autoptr(GError) e1 = NULL;
	g_autoptr(GError) e2 = NULL;
	bool saw_prepare = false;

	g_assert_no_error(err);
	op_ok(m, "{\"op\":\"s390-standby-add\",\"start\":\"4G\",\"size\":\"1G\"}");
	g_assert_true(iomem_has(m, "100000000-10fffffff : System RAM"));
	g_assert_true(iomem_has(m, "110000000-11fffffff : System RAM"));
	g_assert_cmpuint(firmware_map_len(&m->firmware_map), ==, 0);
	g_assert_cmpint(blk(m, 16)->state, ==, BLOCK_OFFLINE);
	g_assert_true(blk(m, 16)->flags & BLOCK_ALTMAP);

	op_ok(m, "{\"op\":\"s390-standby-fault\",\"assign_fails\":true}");
	g_assert_cmpint(op(m, "{\"op\":\"state\",\"block\":16,\"state\":\"online\"}", &e1), ==,
			-EPERM);
	g_assert_cmpint(blk(m, 16)->state, ==, BLOCK_OFFLINE);
	op_ok(m, "{\"op\":\"s390-standby-fault\",\"assign_fails\":false}");
	op_ok(m, "{\"op\":\"state\",\"block\":16,\"state\":\"online\"}");
	/* MEM_PREPARE_ONLINE covered the altmap too */
	for (uint64_t s = event_log_last(&m->log); s > 0; s--) {
		const struct event *e = event_log_get(&m->log, s);

		if (e && e->kind == EVENT_NOTIFY && e->action == MEM_PREPARE_ONLINE) {
			g_assert_cmphex(e->arg.altmap_start_pfn, ==, 0x100000000ull >> 12);
			g_assert_cmphex(e->arg.altmap_nr_pages, ==, 1024);
			saw_prepare = true;
			break;
		}
	}
	g_assert_true(saw_prepare);
	op_ok(m, "{\"op\":\"s390-standby-fault\",\"block\":16,\"standby\":true}");
	g_assert_cmpint(op(m, "{\"op\":\"state\",\"block\":16,\"state\":\"offline\"}", &e2), ==,
			-EPERM);
	g_assert_cmpint(blk(m, 16)->state, ==, BLOCK_ONLINE);
	op_ok(m, "{\"op\":\"s390-standby-fault\",\"block\":16,\"standby\":false}");
	op_ok(m, "{\"op\":\"state\",\"block\":16,\"state\":\"offline\"}");
}

/* ---- bad requests ------------------------------------------------------------------ */

static void test_bad_requests_change_nothing(void)
{
	static const char *const bad[] = {
		"{\"op\":\"no-such-verb\"}",
		"{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"512M\",\"colour\":1}",
		"{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"100M\"}",
		"{\"op\":\"dimm-add\",\"start\":\"0x104000000\",\"size\":\"128M\"}",
		"{\"op\":\"dimm-add\",\"start\":\"0x30000000\",\"size\":\"128M\"}",
		"{\"op\":\"dimm-add\",\"start\":\"0x120000000\",\"size\":\"128M\",\"node\":7}",
		"{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"12Q\"}",
		"{\"op\":\"dimm-add\",\"start\":\"0x100000000\"}",
		"{\"op\":\"dimm-eject\",\"device\":\"dimm9\"}",
		"{\"op\":\"dimm-eject\",\"device\":\"virtio0\"}",
		"{\"op\":\"virtio-mem-add\",\"start\":\"0x100000000\",\"region_size\":\"1G\"}",
		"{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"4G\"}",
		"{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"3M\"}",
		"{\"op\":\"probe\",\"addr\":\"0x200000000\"}",
		"{\"op\":\"pmem-namespace-create\",\"size\":\"512M\",\"mode\":\"fsdax\"}",
		"{\"op\":\"namespace-reconfigure\",\"device\":\"dimm0\",\"mode\":\"devdax\"}",
		"{\"op\":\"namespace-reconfigure\",\"device\":\"dimm0\",\"mode\":\"raw\"}",
		"{\"op\":\"kmem-unbind\",\"device\":\"dimm0\"}",
		"{\"op\":\"cxl-window-add\",\"start\":\"0x100000000\",\"size\":\"1G\"}",
		"{\"op\":\"cxl-window-add\",\"start\":\"0xa84000000\",\"size\":\"1G\"}",
		"{\"op\":\"cxl-region-create\",\"window\":\"cxl_window7\",\"size\":\"256M\"}",
		"{\"op\":\"s390-standby-add\",\"start\":\"8G\",\"size\":\"1G\"}",
		"{\"op\":\"fault\",\"block\":99,\"unmovable\":true}",
		"{\"op\":\"inject\",\"action\":\"MEM_PREPARE_ONLINE\",\"errno\":-16}",
		"{\"op\":\"inject\",\"action\":\"MEM_GOING_ONLINE\",\"errno\":5}",
		"{\"op\":\"state\",\"block\":99,\"state\":\"online\"}",
		"{\"op\":\"state\",\"block\":32,\"state\":\"up\"}",
		"{\"op\":\"auto-online\",\"value\":\"sometimes\"}",
		"[1,2]",
	};
	g_autoptr(machine) m = vm("6.1");
	g_autofree char *before = NULL;

	op_ok(m, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\"}");
	op_ok(m, "{\"op\":\"virtio-mem-add\",\"start\":\"0x140000000\",\"region_size\":\"1G\"}");
	op_ok(m, "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"256M\"}");
	before = dump(m);
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autoptr(GError) err = NULL;
		g_autofree char *after = NULL;

		g_test_message("%s", bad[i]);
		g_assert_cmpint(op(m, bad[i], &err), <, 0);
		g_assert_error(err, OPS_ERROR, OPS_ERROR_REQUEST);
		g_assert_cmpuint(strlen(err->message), >, 10);
		after = dump(m);
		g_assert_cmpstr(before, ==, after);
	}
}

static void test_error_messages(void)
{
	g_autoptr(machine) m = vm("6.1");
	g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;

	op(m, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"100M\"}", &e1);
	g_assert_true(g_str_has_prefix(e1->message, "dimm-add: "));
	g_assert_nonnull(strstr(e1->message, "not aligned to the block size 0x8000000"));
	op(m, "{\"op\":\"dimm-add\",\"start\":\"0x30000000\",\"size\":\"128M\"}", &e2);
	g_assert_nonnull(strstr(e2->message, "conflicts with System RAM [0x100000-0x3ffdffff]"));
	op(m, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"1G\",\"nodes\":1}", &e3);
	g_assert_cmpstr(e3->message, ==, "nodes: unknown key for dimm-add");
}

/* ---- scenarios in fixtures -------------------------------------------------------------- */

static void test_scenario_parse_errors(void)
{
	static const struct { const char *scenario, *message; } cases[] = {
		{ "[{\"op\":\"dimm-add\",\"start\":\"4G\",\"size\":\"12Q\"}]",
		  "s.json: $.scenario[0].size: \"12Q\" is not a size (0x hex, decimal, or K/M/G/T suffix)" },
		{ "[{\"op\":\"dump\"},{\"op\":\"hotplug\"}]",
		  "s.json: $.scenario[1].op: unknown verb \"hotplug\"" },
		{ "[{\"op\":\"dimm-add\",\"start\":\"4G\"}]",
		  "s.json: $.scenario[0]: missing required key \"size\" for dimm-add" },
		{ "[{\"op\":\"dump\",\"expect\":\"EWHAT\"}]",
		  "s.json: $.scenario[0].expect: unknown word \"EWHAT\"" },
		{ "[3]", "s.json: $.scenario[0]: expected an object" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *json = g_strdup_printf(
			"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"e820\":[{\"start\":\"0\","
			"\"size\":\"1G\",\"type\":\"ram\"}],\"scenario\":%s}", cases[i].scenario);
		g_autoptr(GError) err = NULL;
		g_autoptr(fixture) fx = fixture_parse("s.json", json, strlen(json), &err);

		g_assert_null(fx);
		g_assert_error(err, FIXTURE_ERROR, FIXTURE_ERROR_INVALID);
		if (!g_str_has_prefix(err->message, cases[i].message))
			g_error("got \"%s\", expected \"%s...\"", err->message, cases[i].message);
	}
}

static void test_scenario_run(void)
{
	const char *json =
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.1\",\"hypervisor\":true,"
		"\"memory_hotplug\":{\"auto_online_blocks\":\"offline\"},"
		"\"e820\":[{\"start\":\"0\",\"size\":\"1G\",\"type\":\"ram\"}],\"scenario\":["
		"{\"op\":\"dimm-add\",\"start\":\"4G\",\"size\":\"256M\",\"note\":\"n\"},"
		"{\"op\":\"state\",\"block\":32,\"state\":\"online\"},"
		"{\"op\":\"state\",\"block\":32,\"state\":\"online\",\"expect\":\"EINVAL\"},"
		"{\"op\":\"state\",\"block\":33,\"state\":\"offline\",\"expect\":\"EBUSY\"}]}";
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_parse("r.json", json, strlen(json), &err);
	g_autoptr(machine) m0 = machine_boot(fx, &err);
	g_autoptr(machine) m2 = machine_boot(fx, &err);
	g_autoptr(machine) m4 = machine_boot(fx, &err);

	g_assert_no_error(err);
	g_assert_cmpuint(fixture_scenario_len(fx), ==, 4);
	g_assert_true(scenario_run(m0, fx, 0, &err));
	g_assert_null(blk(m0, 32));
	g_assert_true(scenario_run(m2, fx, 2, &err));
	g_assert_cmpint(blk(m2, 32)->state, ==, BLOCK_ONLINE);
	/* memory33 is offline already: the store fails with EINVAL, not the EBUSY expected */
	g_assert_false(scenario_run(m4, fx, 4, &err));
	g_assert_cmpstr(err->message, ==, "r.json: $.scenario[3]: expected EBUSY: state: echo "
			"offline > memory33/state: Invalid argument (EINVAL)");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/devices/dimm/add", test_dimm_add);
	g_test_add_func("/devices/dimm/slot", test_dimm_slot);
	g_test_add_func("/devices/dimm/eject-rollback", test_dimm_eject_rollback);
	g_test_add_func("/devices/nvdimm/hot-add", test_nvdimm_hot_add);
	g_test_add_func("/devices/nvdimm/bad-requests", test_nvdimm_bad_requests);
	g_test_add_func("/devices/nvdimm/raw-to-devdax", test_nvdimm_raw_to_devdax);
	g_test_add_func("/devices/nvdimm/after-legacy-bus", test_nvdimm_after_legacy_bus);
	g_test_add_func("/devices/nvdimm/s390", test_nvdimm_s390);
	g_test_add_func("/devices/dimm/firmware-numbers-never-reused", test_firmware_numbers_never_reused);
	g_test_add_func("/devices/dimm/removal-needs-exact-match", test_removal_needs_exact_match);
	g_test_add_func("/devices/resource/identical-insert-becomes-parent",
			test_identical_insert_becomes_parent);
	g_test_add_func("/devices/probe", test_probe);
	g_test_add_func("/devices/virtio-mem/section9", test_virtio_mem);
	g_test_add_func("/devices/virtio-mem/rollback", test_virtio_mem_rollback);
	g_test_add_func("/devices/virtio-mem/merge-needs-same-name-pointer",
			test_merge_needs_same_name_pointer);
	g_test_add_func("/devices/dax/nvdimm-kmem", test_nvdimm_kmem);
	g_test_add_func("/devices/dax/kmem-unbind-online", test_kmem_unbind_with_online_memory);
	g_test_add_func("/devices/dax/kmem-memmap-on-memory", test_kmem_memmap_on_memory);
	g_test_add_func("/devices/dax/device-backed-vmemmap", test_device_backed_vmemmap);
	g_test_add_func("/devices/dax/namespace-holds-its-whole-range",
			test_namespace_holds_its_whole_range);
	g_test_add_func("/devices/dax/hmem", test_hmem);
	g_test_add_func("/devices/cxl", test_cxl);
	g_test_add_func("/devices/s390/standby", test_s390_standby);
	g_test_add_func("/devices/ops/bad-requests-change-nothing", test_bad_requests_change_nothing);
	g_test_add_func("/devices/ops/error-messages", test_error_messages);
	g_test_add_func("/devices/scenario/parse-errors", test_scenario_parse_errors);
	g_test_add_func("/devices/scenario/run", test_scenario_run);
	return g_test_run();
}

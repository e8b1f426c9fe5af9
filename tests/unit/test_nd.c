/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nd and dax sysfs files' stores (core/attrs_nd.c, core/attrs_dax.c):
 * each refusal with the kernel's errno and no change, and the stores
 * ndctl/daxctl make running the kernel paths (drivers/base/bus.c bind_store
 * and unbind_store, drivers/dax/bus.c do_id_store, namespace_devs.c
 * size_store, 6.1).
 */
#include <errno.h>
#include <string.h>

#include "device.h"
#include "util.h"

/* tree_resolve() follows no links: the devices' own paths */
#define REGION "sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/"
#define DAX REGION "dax0.0/dax0.0/"
#define KMEM "sys/bus/dax/drivers/kmem/"
#define DEVDAX "sys/bus/dax/drivers/device_dax/"

static struct machine *nvdimm(void)
{
	return boot_bundled_fixture("nvdimm-kmem.json");
}

static void assert_reads(struct machine *m, const char *path, const char *want)
{
	g_autofree char *got = read_tree(m, path);

	g_assert_cmpstr(got, ==, want);
}

static void assert_link(struct machine *m, const char *path, const char *want)
{
	g_autoptr(GString) got = g_string_new(NULL);
	tree_node n;

	g_assert_cmpint(tree_resolve(m, path, &n), ==, 0);
	g_assert_cmpint(tree_readlink(m, n, got), ==, 0);
	g_assert_cmpstr(got->str, ==, want);
}

static int add_name(void *ctx, const char *name, tree_node n, enum tree_type type,
		    uint64_t next_cursor)
{
	(void)n, (void)type, (void)next_cursor;
	g_string_append_printf(ctx, "%s ", name);
	return 0;
}

/* The names in a directory, each followed by a space. */
static void assert_lists(struct machine *m, const char *path, const char *want)
{
	g_autoptr(GString) got = g_string_new(NULL);
	tree_node n;

	g_assert_cmpint(tree_resolve(m, path, &n), ==, 0);
	g_assert_cmpint(tree_readdir(m, n, 0, add_name, got), ==, 0);
	g_assert_cmpstr(got->str, ==, want);
}

/* ndctl create-namespace -m devdax, store by store (setup_namespace). */
static void create_devdax(struct machine *m)
{
	g_assert_cmpint(store_as_ndctl(m, REGION "namespace0.0/uuid",
			      "6f90f47e-8261-4dcd-98d8-eda579d6ff4e"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, REGION "namespace0.0/size", "536870912"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, REGION "dax0.0/uuid", "11111111-2222-4333-8444-555555555555"),
			==, 0);
	g_assert_cmpint(store_as_ndctl(m, REGION "dax0.0/align", "2097152"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, REGION "dax0.0/namespace", "namespace0.0"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, "sys/bus/nd/drivers/nd_pmem/bind", "dax0.0"), ==, -ENODEV);
	g_assert_cmpint(store_as_ndctl(m, "sys/bus/nd/drivers/dax_pmem/bind", "dax0.0"), ==, 0);
}

static void test_namespace_seed(void)
{
	g_autoptr(machine) m = nvdimm();

	assert_reads(m, REGION "namespace_seed", "namespace0.0\n");
	assert_reads(m, REGION "dax_seed", "dax0.0\n");
	assert_reads(m, REGION "available_size", "536870912\n");
	/* size_store(): named first (-ENXIO), page multiple (-EINVAL), fits (-ENOSPC) */
	g_assert_cmpint(store_as_ndctl(m, REGION "namespace0.0/size", "536870912"), ==, -ENXIO);
	g_assert_cmpint(store_as_ndctl(m, REGION "namespace0.0/uuid", "not-a-uuid"), ==, -EINVAL);
	g_assert_cmpint(store_as_ndctl(m, REGION "namespace0.0/uuid",
			      "6f90f47e-8261-4dcd-98d8-eda579d6ff4e"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, REGION "namespace0.0/size", "1000"), ==, -EINVAL);
	g_assert_cmpint(store_as_ndctl(m, REGION "namespace0.0/size", "1073741824"), ==, -ENOSPC);
	g_assert_cmpint(store_as_ndctl(m, REGION "namespace0.0/size", "abc"), ==, -EINVAL);
	assert_reads(m, REGION "namespace0.0/size", "0\n");
	assert_reads(m, REGION "available_size", "536870912\n");
	/* an unconfigured dax seed does not bind: nothing is created */
	g_assert_cmpint(store_as_ndctl(m, "sys/bus/nd/drivers/dax_pmem/bind", "dax0.0"), ==, -ENODEV);
	g_assert_null(device_find(m, "namespace0.0"));
	g_assert_cmpint(store_as_ndctl(m, REGION "dax0.0/align", "12345"), ==, -EINVAL);
	g_assert_cmpint(store_as_ndctl(m, REGION "dax0.0/namespace", "namespace0.7"), ==, -ENODEV);
	g_assert_cmpint(store_as_ndctl(m, REGION "dax0.0/namespace", "namespace0.0"), ==, -ENXIO);
}

static void test_create_devdax(void)
{
	g_autoptr(machine) m = nvdimm();

	create_devdax(m);
	g_assert_nonnull(device_find(m, "namespace0.0"));
	assert_reads(m, REGION "namespace0.0/mode", "dax\n");
	assert_reads(m, REGION "namespace0.0/uuid", "6f90f47e-8261-4dcd-98d8-eda579d6ff4e\n");
	assert_reads(m, REGION "dax0.0/uuid", "11111111-2222-4333-8444-555555555555\n");
	assert_reads(m, REGION "dax0.0/resource", "0x100a00000\n");
	assert_reads(m, REGION "dax_seed", "dax0.1\n");
	assert_reads(m, REGION "namespace_seed", "namespace0.1\n");
	assert_reads(m, REGION "available_size", "0\n");
	assert_reads(m, DAX "size", "526385152\n");
	assert_reads(m, DAX "resource", "0x100a00000\n");
	assert_reads(m, DAX "uevent",
		     "MAJOR=251\nMINOR=0\nDEVNAME=dax0.0\nDRIVER=device_dax\nMODALIAS=dax:t0\n");
	/* a claimed namespace refuses its configuration stores */
	g_assert_cmpint(store_as_ndctl(m, REGION "namespace0.0/size", "0"), ==, -EBUSY);
	g_assert_cmpint(store_as_ndctl(m, REGION "namespace0.0/uuid",
			      "6f90f47e-8261-4dcd-98d8-eda579d6ff4e"), ==, -EBUSY);
}

/* daxctl reconfigure-device --mode=system-ram and back (daxctl_dev_disable,
 * daxctl_bind), with the refusals of bind_store/unbind_store/do_id_store. */
static void test_dax_drivers(void)
{
	g_autoptr(machine) m = nvdimm();
	struct device *dax;
	tree_node n;

	create_devdax(m);
	dax = device_find(m, "dax0.0");
	g_assert_cmpint(store_as_ndctl(m, KMEM "new_id", "dax0"), ==, -EINVAL);
	g_assert_cmpint(store_as_ndctl(m, KMEM "new_id", "dax0.0x"), ==, -EINVAL);
	g_assert_cmpint(store_as_ndctl(m, KMEM "bind", "dax9.9"), ==, -ENODEV);
	/* 6.1: kmem matches by id only */
	g_assert_cmpint(store_as_ndctl(m, KMEM "bind", "dax0.0"), ==, -ENODEV);
	g_assert_cmpint(store_as_ndctl(m, KMEM "unbind", "dax0.0"), ==, -ENODEV);
	g_assert_cmpint(store_as_ndctl(m, DEVDAX "bind", "dax0.0"), ==, -EBUSY);
	g_assert_cmpint(store_as_ndctl(m, DEVDAX "remove_id", "dax0.0"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, DEVDAX "unbind", "dax0.0"), ==, 0);
	g_assert_cmpint(dax->dax_state, ==, DAX_UNBOUND);
	g_assert_cmpint(tree_resolve(m, DAX "driver", &n), ==, -ENOENT);
	/* new_id attaches (driver_attach), bind then finds it bound */
	g_assert_cmpint(store_as_ndctl(m, KMEM "new_id", "dax0.0"), ==, 0);
	g_assert_cmpint(dax->dax_state, ==, DAX_KMEM);
	g_assert_cmpint(store_as_ndctl(m, KMEM "bind", "dax0.0"), ==, -EBUSY);
	g_assert_cmpint(tree_resolve(m, "sys/bus/dax/drivers/kmem/dax0.0", &n), ==, 0);
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/node/node0/memory33", &n), ==, 0);
	/* unbind with the blocks offline (auto_online_blocks is offline): removed */
	g_assert_cmpint(store_as_ndctl(m, KMEM "remove_id", "dax0.0"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, KMEM "unbind", "dax0.0"), ==, 0);
	g_assert_cmpint(dax->dax_state, ==, DAX_UNBOUND);
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/memory33", &n), ==, -ENOENT);
	g_assert_cmpint(store_as_ndctl(m, DEVDAX "new_id", "dax0.0"), ==, 0);
	g_assert_cmpint(dax->dax_state, ==, DAX_DEVICE_DAX);
	assert_reads(m, DAX "target_node", "0\n");
}

/* What Debian's 6.1 and 6.12 kernels showed for QEMU's NVDIMM
 * (fixtures/nvdimm-qemu.json, tests/kernel/ndctl_test.py), where the sysfs
 * code read alone had led elsewhere. */
#define NDBUS "sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/"

static void test_qemu_nvdimm(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("nvdimm-qemu.json");
	tree_node n;

	/* nvdimm_bus_register(): the bus's class device ndctl0 goes into the
	 * "nd" class directory of its class-less parent (get_device_parent());
	 * nvdimm_bus_firmware_attribute_group is an empty "firmware/" */
	assert_lists(m, NDBUS, "commands wait_probe provider uevent driver subsystem firmware nfit "
			       "nd nmem0 region0 ");
	assert_lists(m, NDBUS "nd", "ndctl0 ");
	assert_lists(m, NDBUS "firmware", "");
	/* kernfs_get_target_path(): up to the nearest common directory only */
	assert_link(m, "sys/class/nd/ndctl0",
		    "../../devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/nd/ndctl0");
	assert_link(m, NDBUS "nd/ndctl0/device", "../../../ndbus0");
	assert_link(m, NDBUS "nd/ndctl0/subsystem", "../../../../../../../class/nd");
	assert_link(m, NDBUS "driver", "../../../../../bus/nd/drivers/nd_bus");
	/* bus_dsm_mask_show(): "%#lx" of 0 is "0x0" in the kernel's vsprintf;
	 * nfit_visible(): no scrub without ARS, which QEMU's _DSM lacks */
	assert_reads(m, NDBUS "nfit/dsm_mask", "0x0\n");
	g_assert_cmpint(tree_resolve(m, NDBUS "nfit/scrub", &n), ==, -ENOENT);
	assert_reads(m, NDBUS "nfit/hw_error_scrub", "0\n");
	/* range_index_show(): QEMU's SPA index of slot 0 (nvdimm_slot_to_spa_index) */
	assert_reads(m, NDBUS "region0/nfit/range_index", "2\n");
	/* acpi_nfit_init_interleave_set(): the fletcher64 of { 0, serial 0x123456 } */
	assert_reads(m, NDBUS "region0/set_cookie", "0x2468ac00123456\n");
	assert_reads(m, NDBUS "region0/init_namespaces", "1/1\n");
	/* QEMU's NVDIMM of slot 0 (hw/acpi/nvdimm.c) as nvdimm_attributes and
	 * acpi_nfit_dimm_attributes show it */
	assert_lists(m, NDBUS "nmem0", "state flags commands available_slots modalias devtype dev "
				       "uevent driver subsystem firmware nfit ");
	assert_reads(m, NDBUS "nmem0/uevent", "MAJOR=249\nMINOR=0\nDEVNAME=nmem0\nDEVTYPE=nvdimm\n"
					      "DRIVER=nvdimm\nMODALIAS=nd:t1\n");
	assert_reads(m, NDBUS "nmem0/available_slots", "1019\n");
	assert_reads(m, NDBUS "nmem0/nfit/handle", "0x1\n");
	assert_reads(m, NDBUS "nmem0/nfit/serial", "0x56341200\n");
	assert_reads(m, NDBUS "nmem0/nfit/id", "8680-56341200\n");
	assert_reads(m, NDBUS "nmem0/nfit/flags", "\n");
	assert_link(m, NDBUS "nmem0/driver", "../../../../../../bus/nd/drivers/nvdimm");
	assert_link(m, "sys/bus/nd/drivers/nvdimm/nmem0",
		    "../../../../devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/nmem0");
	assert_link(m, "sys/dev/char/249:0",
		    "../../devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/nmem0");
	/* region_visible(): mapping0 of the one mapping, deep_flush 0444 */
	assert_reads(m, NDBUS "region0/mappings", "1\n");
	assert_reads(m, NDBUS "region0/mapping0", "nmem0,0,536870912,0\n");
	assert_reads(m, NDBUS "region0/deep_flush", "0\n");
	g_assert_cmpint(store_as_ndctl(m, NDBUS "region0/deep_flush", "1"), ==, -EACCES);
	assert_reads(m, NDBUS "region0/namespace0.0/dpa_extents", "0\n");
	/* add_bind_files(): nd_bus_driver suppresses bind and unbind */
	assert_lists(m, "sys/bus/nd/drivers/nd_bus", "uevent module ndbus0 ");
	/* ... and is libnvdimm's, as are nd_region and nvdimm */
	assert_link(m, "sys/bus/nd/drivers/nd_bus/module", "../../../../module/libnvdimm");
	assert_lists(m, "sys/module/libnvdimm/drivers", "nd:nd_bus nd:nd_region nd:nvdimm ");
	assert_link(m, "sys/module/libnvdimm/drivers/nd:nvdimm", "../../../bus/nd/drivers/nvdimm");
	assert_lists(m, "sys/module/dax_pmem/drivers", "nd:dax_pmem ");
	g_assert_cmpint(tree_resolve(m, "sys/bus/nd/drivers/nd_region/bind", &n), ==, 0);
	/* nd_size_select_show(): a fresh seed has no lbasize, nothing bracketed;
	 * nd_size_select_store() takes only a supported size */
	assert_reads(m, NDBUS "region0/namespace0.0/sector_size", "512 4096 \n");
	g_assert_cmpint(store_as_ndctl(m, NDBUS "region0/namespace0.0/sector_size", "1024"), ==, -EINVAL);
	g_assert_cmpint(store_as_ndctl(m, NDBUS "region0/namespace0.0/sector_size", "x"), ==, -EINVAL);
	assert_reads(m, NDBUS "region0/namespace0.0/sector_size", "512 4096 \n");
	g_assert_cmpint(store_as_ndctl(m, NDBUS "region0/namespace0.0/sector_size", "4096"), ==, 0);
	assert_reads(m, NDBUS "region0/namespace0.0/sector_size", "512 [4096] \n");
	g_assert_cmpint(store_as_ndctl(m, NDBUS "region0/namespace0.0/sector_size", "512"), ==, 0);

	create_devdax(m);
	assert_reads(m, NDBUS "region0/namespace0.0/sector_size", "[512] 4096 \n");
	g_assert_cmpint(store_as_ndctl(m, NDBUS "region0/namespace0.0/sector_size", "4096"), ==, -EBUSY);
	/* the namespace's label takes a slot and is one DPA extent */
	assert_reads(m, NDBUS "nmem0/available_slots", "1018\n");
	assert_reads(m, NDBUS "region0/namespace0.0/dpa_extents", "1\n");
	/* namespaces made after boot do not count */
	assert_reads(m, NDBUS "region0/init_namespaces", "1/1\n");
	/* modalias_show(): "dax:t0", without the drivers' alias "*" */
	assert_reads(m, DAX "modalias", "dax:t0\n");
	/* device_add(): every device has uevent; dpm_sysfs_add(): power/ */
	assert_lists(m, DAX "mapping0", "start end page_offset uevent power ");
	assert_reads(m, DAX "mapping0/uevent", "");
	g_assert_cmpint(tree_resolve(m, DAX "power/runtime_status", &n), ==, 0);
	g_assert_cmpint(tree_resolve(m, DAX "mapping0/power/control", &n), ==, 0);
	assert_link(m, "sys/bus/dax/devices/dax0.0",
		    "../../../devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/dax0.0/dax0.0");
}

/* Without an NFIT, the one bus is e820_pmem's ndbus0 (e820_pmem_probe()),
 * and every link to it or below it says so. */
static void test_e820_bus(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("legacy-pmem-vm.json");
	tree_node n;

	g_assert_cmpint(tree_resolve(m, "sys/devices/LNXSYSTM:00", &n), ==, -ENOENT);
	assert_link(m, "sys/class/nd/ndctl0", "../../devices/platform/e820_pmem/ndbus0/nd/ndctl0");
	assert_link(m, "sys/bus/nd/devices/region0",
		    "../../../devices/platform/e820_pmem/ndbus0/region0");
	assert_link(m, "sys/devices/platform/e820_pmem/ndbus0/driver",
		    "../../../../bus/nd/drivers/nd_bus");
	assert_link(m, "sys/devices/platform/e820_pmem/ndbus0/nd/ndctl0/device", "../../../ndbus0");
	assert_reads(m, "sys/devices/platform/e820_pmem/ndbus0/provider", "e820\n");
	/* no DIMM: no mapping, no deep_flush */
	assert_reads(m, "sys/devices/platform/e820_pmem/ndbus0/region0/mappings", "0\n");
	g_assert_cmpint(tree_resolve(m, "sys/devices/platform/e820_pmem/ndbus0/region0/mapping0", &n),
			==, -ENOENT);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/nd/namespace-seed", test_namespace_seed);
	g_test_add_func("/nd/create-devdax", test_create_devdax);
	g_test_add_func("/nd/dax-drivers", test_dax_drivers);
	g_test_add_func("/nd/qemu-nvdimm", test_qemu_nvdimm);
	g_test_add_func("/nd/e820-bus", test_e820_bus);
	return g_test_run();
}

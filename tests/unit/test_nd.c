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
	g_autoptr(GError) err = NULL;
	g_autofree char *path = g_build_filename(g_getenv("G_TEST_SRCDIR"), "..", "fixtures",
						 "nvdimm-kmem.json", NULL);
	g_autoptr(fixture) fx = fixture_load(path, &err);
	struct machine *m;

	g_assert_no_error(err);
	m = machine_boot(fx, &err);
	g_assert_no_error(err);
	return m;
}

static int store(struct machine *m, const char *path, const char *s)
{
	tree_node n;
	int rc = tree_resolve(m, path, &n);

	if (rc)
		return rc;
	/* daxctl and ndctl write strlen + 1 bytes: the NUL too */
	return tree_write(m, n, s, strlen(s) + 1);
}

static void assert_reads(struct machine *m, const char *path, const char *want)
{
	g_autofree char *got = read_tree(m, path);

	g_assert_cmpstr(got, ==, want);
}

/* ndctl create-namespace -m devdax, store by store (setup_namespace). */
static void create_devdax(struct machine *m)
{
	g_assert_cmpint(store(m, REGION "namespace0.0/uuid",
			      "6f90f47e-8261-4dcd-98d8-eda579d6ff4e"), ==, 0);
	g_assert_cmpint(store(m, REGION "namespace0.0/size", "536870912"), ==, 0);
	g_assert_cmpint(store(m, REGION "dax0.0/uuid", "11111111-2222-4333-8444-555555555555"),
			==, 0);
	g_assert_cmpint(store(m, REGION "dax0.0/align", "2097152"), ==, 0);
	g_assert_cmpint(store(m, REGION "dax0.0/namespace", "namespace0.0"), ==, 0);
	g_assert_cmpint(store(m, "sys/bus/nd/drivers/nd_pmem/bind", "dax0.0"), ==, -ENODEV);
	g_assert_cmpint(store(m, "sys/bus/nd/drivers/dax_pmem/bind", "dax0.0"), ==, 0);
}

static void test_namespace_seed(void)
{
	g_autoptr(machine) m = nvdimm();

	assert_reads(m, REGION "namespace_seed", "namespace0.0\n");
	assert_reads(m, REGION "dax_seed", "dax0.0\n");
	assert_reads(m, REGION "available_size", "536870912\n");
	/* size_store(): named first (-ENXIO), page multiple (-EINVAL), fits (-ENOSPC) */
	g_assert_cmpint(store(m, REGION "namespace0.0/size", "536870912"), ==, -ENXIO);
	g_assert_cmpint(store(m, REGION "namespace0.0/uuid", "not-a-uuid"), ==, -EINVAL);
	g_assert_cmpint(store(m, REGION "namespace0.0/uuid",
			      "6f90f47e-8261-4dcd-98d8-eda579d6ff4e"), ==, 0);
	g_assert_cmpint(store(m, REGION "namespace0.0/size", "1000"), ==, -EINVAL);
	g_assert_cmpint(store(m, REGION "namespace0.0/size", "1073741824"), ==, -ENOSPC);
	g_assert_cmpint(store(m, REGION "namespace0.0/size", "abc"), ==, -EINVAL);
	assert_reads(m, REGION "namespace0.0/size", "0\n");
	assert_reads(m, REGION "available_size", "536870912\n");
	/* an unconfigured dax seed does not bind: nothing is created */
	g_assert_cmpint(store(m, "sys/bus/nd/drivers/dax_pmem/bind", "dax0.0"), ==, -ENODEV);
	g_assert_null(device_find(m, "namespace0.0"));
	g_assert_cmpint(store(m, REGION "dax0.0/align", "12345"), ==, -EINVAL);
	g_assert_cmpint(store(m, REGION "dax0.0/namespace", "namespace0.7"), ==, -ENODEV);
	g_assert_cmpint(store(m, REGION "dax0.0/namespace", "namespace0.0"), ==, -ENXIO);
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
	g_assert_cmpint(store(m, REGION "namespace0.0/size", "0"), ==, -EBUSY);
	g_assert_cmpint(store(m, REGION "namespace0.0/uuid",
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
	g_assert_cmpint(store(m, KMEM "new_id", "dax0"), ==, -EINVAL);
	g_assert_cmpint(store(m, KMEM "new_id", "dax0.0x"), ==, -EINVAL);
	g_assert_cmpint(store(m, KMEM "bind", "dax9.9"), ==, -ENODEV);
	/* 6.1: kmem matches by id only */
	g_assert_cmpint(store(m, KMEM "bind", "dax0.0"), ==, -ENODEV);
	g_assert_cmpint(store(m, KMEM "unbind", "dax0.0"), ==, -ENODEV);
	g_assert_cmpint(store(m, DEVDAX "bind", "dax0.0"), ==, -EBUSY);
	g_assert_cmpint(store(m, DEVDAX "remove_id", "dax0.0"), ==, 0);
	g_assert_cmpint(store(m, DEVDAX "unbind", "dax0.0"), ==, 0);
	g_assert_cmpint(dax->dax_state, ==, DAX_UNBOUND);
	g_assert_cmpint(tree_resolve(m, DAX "driver", &n), ==, -ENOENT);
	/* new_id attaches (driver_attach), bind then finds it bound */
	g_assert_cmpint(store(m, KMEM "new_id", "dax0.0"), ==, 0);
	g_assert_cmpint(dax->dax_state, ==, DAX_KMEM);
	g_assert_cmpint(store(m, KMEM "bind", "dax0.0"), ==, -EBUSY);
	g_assert_cmpint(tree_resolve(m, "sys/bus/dax/drivers/kmem/dax0.0", &n), ==, 0);
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/node/node0/memory33", &n), ==, 0);
	/* unbind with the blocks offline (auto_online_blocks is offline): removed */
	g_assert_cmpint(store(m, KMEM "remove_id", "dax0.0"), ==, 0);
	g_assert_cmpint(store(m, KMEM "unbind", "dax0.0"), ==, 0);
	g_assert_cmpint(dax->dax_state, ==, DAX_UNBOUND);
	g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/memory33", &n), ==, -ENOENT);
	g_assert_cmpint(store(m, DEVDAX "new_id", "dax0.0"), ==, 0);
	g_assert_cmpint(dax->dax_state, ==, DAX_DEVICE_DAX);
	assert_reads(m, DAX "target_node", "0\n");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/nd/namespace-seed", test_namespace_seed);
	g_test_add_func("/nd/create-devdax", test_create_devdax);
	g_test_add_func("/nd/dax-drivers", test_dax_drivers);
	return g_test_run();
}

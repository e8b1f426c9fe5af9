/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nd and dax devices' uevents (core/device_uevent.c): which uevents each
 * store of ndctl and daxctl and each scenario op sends, in which order, with
 * which variables; that each names a directory the tree serves and carries
 * what its uevent file shows; and that the log tells them in seq order.
 */
#include <errno.h>
#include <string.h>

#include "device.h"
#include "device_uevent.h"
#include "ops.h"
#include "util.h"

#define BUS_DIR "/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0"
#define REGION_DIR BUS_DIR "/region0"
#define REGION "sys" REGION_DIR "/"
#define KMEM "sys/bus/dax/drivers/kmem/"
#define DEVDAX "sys/bus/dax/drivers/device_dax/"

/* The dax devices' MODALIAS, as their uevent file serves it (dax_bus_uevent()). */
#define DAX_MODALIAS "MODALIAS=dax:t0"

/* One line per uevent, as event_format() writes it without "seq=N " and
 * " SEQNUM=N". */
#define DAX_DEV "DEVPATH=" REGION_DIR "/dax0.0/dax0.0 SUBSYSTEM=dax MAJOR=251 MINOR=0 DEVNAME=dax0.0"
#define DAX_ADD "uevent ACTION=add " DAX_DEV " " DAX_MODALIAS "\n"
#define DAX_BIND(drv) "uevent ACTION=bind " DAX_DEV " DRIVER=" drv " " DAX_MODALIAS "\n"
#define DAX_UNBIND "uevent ACTION=unbind " DAX_DEV "\n"
#define DAX_REMOVE "uevent ACTION=remove " DAX_DEV " " DAX_MODALIAS "\n"
#define ND(action, dev, vars) \
	"uevent ACTION=" action " DEVPATH=" REGION_DIR "/" dev " SUBSYSTEM=nd " vars "\n"
#define ND_DAX "DEVTYPE=nd_dax"
#define ND_PFN "DEVTYPE=nd_pfn"
#define ND_NS "DEVTYPE=nd_namespace_pmem MODALIAS=nd:t5"
#define ND_IO "DEVTYPE=nd_namespace_io MODALIAS=nd:t4"
#define MEM(action, n) "uevent ACTION=" action " DEVPATH=/devices/system/memory/memory" #n \
	" SUBSYSTEM=memory\n"

/* The uevents logged while it records, and what it found wrong with them. */
struct recorder {
	struct machine *m;
	GString *lines;
	bool blocks;               /* memory blocks' too */
	uint64_t last_seq;         /* of any event told: the log's order */
	GString *problems;
};

/* An add or bind names a directory the tree serves now, whose uevent file
 * shows what the event carries (an add: without DRIVER, not bound yet). */
static void check_served(struct recorder *r, const struct event *e)
{
	static const struct tree_reader root = { .cap_sys_admin = true };
	g_autofree char *file = g_strdup_printf("sys%s/uevent", e->devpath);
	g_autoptr(GString) shown = g_string_new(NULL);
	g_autoptr(GString) want = g_string_new(NULL);
	tree_node n;

	if (e->uevent != UEVENT_ADD && e->uevent != UEVENT_BIND)
		return;
	if (tree_resolve(r->m, file, &n) != 0 || tree_read(r->m, n, &root, shown) != 0) {
		g_string_append_printf(r->problems, "%s: not served\n", e->devpath);
		return;
	}
	for (char **l = g_strsplit(shown->str, "\n", -1), **p = l; l; g_strfreev(l), l = NULL)
		for (; *p; p++)
			if (**p && !(e->uevent == UEVENT_ADD && g_str_has_prefix(*p, "DRIVER=")))
				g_string_append_printf(want, "%s\n", *p);
	if (strcmp(want->str, e->env))
		g_string_append_printf(r->problems, "%s: %s carries\n%sbut the file shows\n%s",
				       e->devpath, uevent_action_name(e->uevent), e->env, shown->str);
}

static void record(void *ctx, const struct event *e)
{
	struct recorder *r = ctx;
	g_autoptr(GString) line = g_string_new(NULL);

	if (e->seq <= r->last_seq)
		g_string_append_printf(r->problems, "seq %" G_GUINT64_FORMAT " told after %"
				       G_GUINT64_FORMAT "\n", e->seq, r->last_seq);
	r->last_seq = e->seq;
	if (e->kind != EVENT_DEVICE_UEVENT && !(r->blocks && e->kind == EVENT_UEVENT))
		return;
	event_format(e, line);
	g_string_truncate(line, (gsize)(strstr(line->str, " SEQNUM=") - line->str));
	g_string_append(r->lines, strchr(line->str, ' ') + 1);
	g_string_append_c(r->lines, '\n');
	if (e->kind == EVENT_DEVICE_UEVENT)
		check_served(r, e);
}

static int op(struct machine *m, const char *json)
{
	g_autoptr(GError) err = NULL;
	json_object *req = json_tokener_parse(json), *result = NULL;
	int rc;

	g_assert_nonnull(req);
	rc = machine_op(m, req, &result, &err);
	json_object_put(req);
	json_object_put(result);
	return rc;
}

static void start(struct recorder *r, struct machine *m, bool blocks)
{
	*r = (struct recorder){ m, g_string_new(NULL), blocks, event_log_last(&m->log),
				g_string_new(NULL) };
	event_log_subscribe(&m->log, record, r);
}

/* The uevents since the last call match want. */
static void expect(struct recorder *r, const char *want)
{
	g_assert_cmpstr(r->lines->str, ==, want);
	g_assert_cmpstr(r->problems->str, ==, "");
	g_string_truncate(r->lines, 0);
}

static void stop(struct recorder *r)
{
	event_log_unsubscribe(&r->m->log, record, r);
	g_string_free(r->lines, TRUE);
	g_string_free(r->problems, TRUE);
}

/* ndctl create-namespace -m devdax, store by store (setup_namespace()). */
static void create_devdax(struct machine *m)
{
	g_assert_cmpint(store_as_ndctl(m, REGION "namespace0.0/uuid",
			      "6f90f47e-8261-4dcd-98d8-eda579d6ff4e"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, REGION "namespace0.0/size", "536870912"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, REGION "dax0.0/uuid", "11111111-2222-4333-8444-555555555555"),
			==, 0);
	g_assert_cmpint(store_as_ndctl(m, REGION "dax0.0/align", "2097152"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, REGION "dax0.0/namespace", "namespace0.0"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, "sys/bus/nd/drivers/dax_pmem/bind", "dax0.0"), ==, 0);
}

/* Boot and following send nothing; configuring seeds sends nothing; the
 * dax_pmem bind sends the dax device's add and bind (made inside the
 * probe), the nd dax device's bind, then the new dax and namespace seeds. */
static void test_ndctl_create_devdax(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("nvdimm-kmem.json");
	struct device_uevents *f;
	struct recorder r;

	start(&r, m, true);
	f = device_uevents_follow(m);
	expect(&r, "");
	create_devdax(m);
	expect(&r, DAX_ADD DAX_BIND("device_dax")
		   ND("bind", "dax0.0", ND_DAX " DRIVER=dax_pmem MODALIAS=nd:t7")
		   ND("add", "dax0.1", ND_DAX " MODALIAS=nd:t7")
		   ND("add", "namespace0.1", ND_NS));
	/* a refused bind sends nothing */
	g_assert_cmpint(store_as_ndctl(m, "sys/bus/nd/drivers/dax_pmem/bind", "dax0.1"), ==, -ENODEV);
	expect(&r, "");
	stop(&r);
	device_uevents_unfollow(f);
}

/* daxctl reconfigure-device --mode=system-ram dax0.0, and back: device_dax
 * goes before kmem's probe adds the blocks, kmem's bind comes after them;
 * kmem's unbind after the blocks' removal. */
static void test_daxctl_reconfigure(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("nvdimm-kmem.json");
	struct device_uevents *f = device_uevents_follow(m);
	struct recorder r;

	create_devdax(m);
	start(&r, m, true);
	g_assert_cmpint(store_as_ndctl(m, DEVDAX "remove_id", "dax0.0"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, DEVDAX "unbind", "dax0.0"), ==, 0);
	expect(&r, DAX_UNBIND);
	g_assert_cmpint(store_as_ndctl(m, KMEM "new_id", "dax0.0"), ==, 0);
	expect(&r, MEM("add", 33) MEM("add", 34) MEM("add", 35) DAX_BIND("kmem"));
	/* bound already: -EBUSY, nothing sent */
	g_assert_cmpint(store_as_ndctl(m, KMEM "bind", "dax0.0"), ==, -EBUSY);
	expect(&r, "");
	g_assert_cmpint(store_as_ndctl(m, KMEM "remove_id", "dax0.0"), ==, 0);
	g_assert_cmpint(store_as_ndctl(m, KMEM "unbind", "dax0.0"), ==, 0);
	expect(&r, MEM("remove", 33) MEM("remove", 34) MEM("remove", 35) DAX_UNBIND);
	g_assert_cmpint(store_as_ndctl(m, DEVDAX "new_id", "dax0.0"), ==, 0);
	expect(&r, DAX_BIND("device_dax"));
	stop(&r);
	device_uevents_unfollow(f);
}

/* The fixture's scenario, op by op (its devices' uevents only). */
static void test_nvdimm_scenario(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("nvdimm-kmem.json");
	struct device_uevents *f = device_uevents_follow(m);
	struct recorder r;

	start(&r, m, false);
	g_assert_cmpint(op(m, "{\"op\":\"pmem-namespace-create\",\"region\":\"region0\","
			   "\"size\":\"512M\",\"mode\":\"fsdax\"}"), ==, 0);
	expect(&r, ND("bind", "pfn0.0", ND_PFN " DRIVER=nd_pmem MODALIAS=nd:t5")
		   ND("add", "pfn0.1", ND_PFN " MODALIAS=nd:t5")
		   ND("add", "namespace0.1", ND_NS));
	g_assert_cmpint(op(m, "{\"op\":\"namespace-reconfigure\",\"device\":\"namespace0.0\","
			   "\"mode\":\"devdax\"}"), ==, 0);
	expect(&r, ND("unbind", "pfn0.0", ND_PFN)
		   ND("remove", "pfn0.1", ND_PFN " MODALIAS=nd:t5")
		   DAX_ADD DAX_BIND("device_dax")
		   ND("bind", "dax0.0", ND_DAX " DRIVER=dax_pmem MODALIAS=nd:t7")
		   ND("add", "dax0.1", ND_DAX " MODALIAS=nd:t7"));
	g_assert_cmpint(op(m, "{\"op\":\"auto-online\",\"value\":\"online_movable\"}"), ==, 0);
	g_assert_cmpint(op(m, "{\"op\":\"namespace-reconfigure\",\"device\":\"namespace0.0\","
			   "\"mode\":\"system-ram\"}"), ==, 0);
	expect(&r, DAX_UNBIND DAX_BIND("kmem"));
	for (int b = 33; b <= 35; b++) {
		g_autofree char *o = g_strdup_printf("{\"op\":\"state\",\"block\":%d,"
						     "\"state\":\"offline\"}", b);

		g_assert_cmpint(op(m, o), ==, 0);
	}
	expect(&r, "");
	g_assert_cmpint(op(m, "{\"op\":\"kmem-unbind\",\"device\":\"dax0.0\"}"), ==, 0);
	expect(&r, DAX_UNBIND);
	g_assert_cmpint(op(m, "{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\","
			   "\"mode\":\"system-ram\"}"), ==, 0);
	expect(&r, DAX_BIND("kmem"));
	/* blocks online: kmem goes all the same, its memory stays (EBUSY) */
	g_assert_cmpint(op(m, "{\"op\":\"kmem-unbind\",\"device\":\"dax0.0\"}"), ==, -EBUSY);
	expect(&r, DAX_UNBIND);
	/* a refused op sends nothing */
	g_assert_cmpint(op(m, "{\"op\":\"kmem-unbind\",\"device\":\"dax0.0\"}"), ==, -EINVAL);
	expect(&r, "");
	stop(&r);
	device_uevents_unfollow(f);
}

/* devdax back to fsdax: the dax device goes (unbind, remove), then the nd
 * dax device's driver and the seed it left; nd_pmem binds the pfn device. */
static void test_devdax_to_fsdax(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("nvdimm-kmem.json");
	struct device_uevents *f = device_uevents_follow(m);
	struct recorder r;

	create_devdax(m);
	start(&r, m, false);
	g_assert_cmpint(op(m, "{\"op\":\"namespace-reconfigure\",\"device\":\"namespace0.0\","
			   "\"mode\":\"fsdax\"}"), ==, 0);
	expect(&r, DAX_UNBIND DAX_REMOVE
		   ND("unbind", "dax0.0", ND_DAX)
		   ND("remove", "dax0.1", ND_DAX " MODALIAS=nd:t7")
		   ND("bind", "pfn0.0", ND_PFN " DRIVER=nd_pmem MODALIAS=nd:t5")
		   ND("add", "pfn0.1", ND_PFN " MODALIAS=nd:t5"));
	stop(&r);
	device_uevents_unfollow(f);
}

/* A CXL RAM region's dax device: added, then bound to kmem once its blocks
 * are added and onlined (IORESOURCE_DAX_KMEM). */
static void test_cxl(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("cxl-kmem.json");
	struct device_uevents *f = device_uevents_follow(m);
	struct recorder r;
#define CXL_DAX "DEVPATH=/devices/platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0/" \
	"dax0.0 SUBSYSTEM=dax MAJOR=251 MINOR=0 DEVNAME=dax0.0"

	start(&r, m, true);
	g_assert_cmpint(op(m, "{\"op\":\"cxl-window-add\",\"start\":\"0xa80000000\","
			   "\"size\":\"4G\"}"), ==, 0);
	expect(&r, "");
	g_assert_cmpint(op(m, "{\"op\":\"cxl-region-create\",\"window\":\"cxl_window0\","
			   "\"size\":\"256M\"}"), ==, 0);
	expect(&r, "uevent ACTION=add " CXL_DAX " " DAX_MODALIAS "\n"
		   MEM("add", 336) MEM("add", 337) MEM("online", 336) MEM("online", 337)
		   "uevent ACTION=bind " CXL_DAX " DRIVER=kmem " DAX_MODALIAS "\n");
	stop(&r);
	device_uevents_unfollow(f);
}

/* dax_hmem: a dax device under its platform device, device_dax bound at once;
 * dax-reconfigure to system-ram: device_dax's unbind, the blocks, kmem's bind. */
static void test_hmem(void)
{
	g_autoptr(machine) m = boot_fixture_json(
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.12\","
		"\"arch\":\"x86_64\",\"hypervisor\":true,"
		"\"e820\":[{\"start\":\"0\",\"end\":\"0x9fbff\",\"type\":\"ram\"},"
		"{\"start\":\"0x100000\",\"end\":\"0x3ffdffff\",\"type\":\"ram\"}],"
		"\"late_resources\":[{\"name\":\"Soft Reserved\",\"start\":\"0x100000000\","
		"\"end\":\"0x10fffffff\"}]}");
	struct device_uevents *f = device_uevents_follow(m);
	struct recorder r;
#define HMEM_DAX "DEVPATH=/devices/platform/hmem.0/dax0.0 SUBSYSTEM=dax MAJOR=251 MINOR=0 " \
	"DEVNAME=dax0.0"

	start(&r, m, true);
	g_assert_cmpint(op(m, "{\"op\":\"hmem-add\",\"start\":\"0x100000000\"}"), ==, 0);
	expect(&r, "uevent ACTION=add " HMEM_DAX " " DAX_MODALIAS "\n"
		   "uevent ACTION=bind " HMEM_DAX " DRIVER=device_dax " DAX_MODALIAS "\n");
	g_assert_cmpint(op(m, "{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\","
			   "\"mode\":\"system-ram\"}"), ==, 0);
	expect(&r, "uevent ACTION=unbind " HMEM_DAX "\n"
		   MEM("add", 32) MEM("add", 33) MEM("online", 32) MEM("online", 33)
		   "uevent ACTION=bind " HMEM_DAX " DRIVER=kmem " DAX_MODALIAS "\n");
	stop(&r);
	device_uevents_unfollow(f);
}

/* An ACPI DIMM's memory device sends nothing of its own (acpi_memory_device_add()
 * is a scan handler's attach, no driver binds; acpi_bus_trim() keeps the
 * device): its blocks' uevents are all. */
static void test_dimm(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("dimm-hotplug-6.1.json");
	struct device_uevents *f = device_uevents_follow(m);
	struct recorder r;

	start(&r, m, true);
	g_assert_cmpint(op(m, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\","
			   "\"size\":\"256M\"}"), ==, 0);
	g_assert_cmpint(op(m, "{\"op\":\"dimm-eject\",\"device\":\"dimm0\"}"), ==, 0);
	expect(&r, MEM("add", 32) MEM("add", 33) MEM("remove", 32) MEM("remove", 33));
	stop(&r);
	device_uevents_unfollow(f);
}

/* An NVDIMM hot-added on a machine without one (nvdimm-add): the NFIT bus
 * registers (acpi_nfit_init() -> nvdimm_bus_register()), then the DIMM
 * (nvdimm bound), the region with its io namespace (nd_region_probe() ->
 * nd_region_register_namespaces(): the namespace's add before the region's
 * bind), the btt, pfn and dax seeds, and nd_pmem's bind of the namespace
 * last: as Debian 6.1.0-57 sent them, ndctl0 (a class device, not on the
 * bus) and pmem0's block uevents aside.  (The namespace and the seeds are
 * added from the async domain: a 6.12 run sent the namespace's add after
 * the dax seed's, core/device_uevent.c.) */
static void test_nvdimm_hot_add(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("dimm-hotplug-6.1.json");
	struct device_uevents *f = device_uevents_follow(m);
	struct recorder r;

	start(&r, m, true);
	g_assert_cmpint(op(m, "{\"op\":\"nvdimm-add\",\"start\":\"0x100000000\","
			   "\"size\":\"256M\",\"slot\":0}"), ==, 0);
	expect(&r, "uevent ACTION=add DEVPATH=" BUS_DIR " SUBSYSTEM=nd MODALIAS=nd:t0\n"
		   "uevent ACTION=bind DEVPATH=" BUS_DIR " SUBSYSTEM=nd DRIVER=nd_bus MODALIAS=nd:t0\n"
		   "uevent ACTION=add DEVPATH=" BUS_DIR "/nmem0 SUBSYSTEM=nd MAJOR=249 MINOR=0 "
		   "DEVNAME=nmem0 DEVTYPE=nvdimm MODALIAS=nd:t1\n"
		   "uevent ACTION=bind DEVPATH=" BUS_DIR "/nmem0 SUBSYSTEM=nd MAJOR=249 MINOR=0 "
		   "DEVNAME=nmem0 DEVTYPE=nvdimm DRIVER=nvdimm MODALIAS=nd:t1\n"
		   "uevent ACTION=add DEVPATH=" REGION_DIR " SUBSYSTEM=nd DEVTYPE=nd_pmem MODALIAS=nd:t2\n"
		   ND("add", "namespace0.0", ND_IO)
		   "uevent ACTION=bind DEVPATH=" REGION_DIR " SUBSYSTEM=nd DEVTYPE=nd_pmem "
		   "DRIVER=nd_region MODALIAS=nd:t2\n"
		   ND("add", "btt0.0", "DEVTYPE=nd_btt MODALIAS=nd:t4")
		   ND("add", "pfn0.0", ND_PFN " MODALIAS=nd:t4")
		   ND("add", "dax0.0", ND_DAX " MODALIAS=nd:t7")
		   ND("bind", "namespace0.0", "DEVTYPE=nd_namespace_io DRIVER=nd_pmem MODALIAS=nd:t4"));
	stop(&r);
	device_uevents_unfollow(f);
}

/* Not followed: nothing is sent. */
static void test_unfollowed(void)
{
	g_autoptr(machine) m = boot_bundled_fixture("nvdimm-kmem.json");
	struct device_uevents *f = device_uevents_follow(m);
	struct recorder r;

	device_uevents_unfollow(f);
	start(&r, m, false);
	create_devdax(m);
	expect(&r, "");
	stop(&r);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/device-uevent/ndctl-create-devdax", test_ndctl_create_devdax);
	g_test_add_func("/device-uevent/daxctl-reconfigure", test_daxctl_reconfigure);
	g_test_add_func("/device-uevent/nvdimm-scenario", test_nvdimm_scenario);
	g_test_add_func("/device-uevent/devdax-to-fsdax", test_devdax_to_fsdax);
	g_test_add_func("/device-uevent/cxl", test_cxl);
	g_test_add_func("/device-uevent/hmem", test_hmem);
	g_test_add_func("/device-uevent/dimm", test_dimm);
	g_test_add_func("/device-uevent/nvdimm-hot-add", test_nvdimm_hot_add);
	g_test_add_func("/device-uevent/unfollowed", test_unfollowed);
	return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hotplug lock and the op vocabulary: while a slow offline holds it (a
 * store of "offline" still migrating, STORE_PENDING), every op whose kernel
 * path takes lock_device_hotplug() or mem_hotplug_lock is refused as a bad
 * request naming the block, and changes nothing; the others run.  Every verb
 * of the table is classified here, so a new verb must be too.  Each request
 * succeeds once the offline has ended: the refusal is the lock's.
 */
#include <errno.h>
#include <string.h>

#include "ops.h"
#include "online.h"
#include "store.h"
#include "util.h"

/* The machines the ops need: a 1 GiB QEMU guest (128 MiB blocks 0-7), the
 * same with legacy pmem or a Soft Reserved range, and an s390x LPAR. */
enum box { VM, VM_PROBE, PMEM_61, PMEM_612, SOFT_RESERVED, S390 };

static struct machine *boot(enum box box)
{
	static const char guest[] =
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"%s\",\"hypervisor\":true,"
		"\"memory_hotplug\":{%s},"
		"\"e820\":[{\"start\":\"0\",\"end\":\"0x9fbff\",\"type\":\"ram\"},"
		"{\"start\":\"0x100000\",\"end\":\"0x3ffdffff\",\"type\":\"ram\"}]%s}";
	static const char s390[] =
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.12\",\"arch\":\"s390x\","
		"\"block_size\":\"256M\",\"memory_hotplug\":{\"auto_online_blocks\":\"offline\","
		"\"memmap_on_memory\":\"Y\"},\"e820\":[{\"start\":\"0\",\"size\":\"4G\",\"type\":\"ram\"}]}";
	static const char pmem[] = ",\"late_resources\":[{\"name\":\"Persistent Memory\","
				   "\"start\":\"0x100000000\",\"end\":\"0x11fffffff\"}]";
	static const char soft[] = ",\"late_resources\":[{\"name\":\"Soft Reserved\","
				   "\"start\":\"0x100000000\",\"end\":\"0x13fffffff\"}]";
	g_autofree char *json = NULL;

	switch (box) {
	case VM:
		json = g_strdup_printf(guest, "6.12", "", "");
		break;
	case VM_PROBE:
		json = g_strdup_printf(guest, "6.12", "\"probe\":true", "");
		break;
	case PMEM_61:
		json = g_strdup_printf(guest, "6.1", "\"auto_online_blocks\":\"offline\"", pmem);
		break;
	case PMEM_612:
		json = g_strdup_printf(guest, "6.12", "\"memmap_on_memory\":\"Y\"", pmem);
		break;
	case SOFT_RESERVED:
		json = g_strdup_printf(guest, "6.12", "", soft);
		break;
	case S390:
		json = g_strdup(s390);
		break;
	}
	return boot_fixture_json(json);
}

struct lock_case {
	const char *verb;
	enum box box;
	const char *setup[3];         /* ops that make the request meaningful */
	const char *request;
	bool locks;                   /* its kernel path takes the hotplug lock */
};

static const struct lock_case cases[] = {
	/* acpi_memory_enable_device() -> __add_memory() -> mem_hotplug_begin() */
	{ "dimm-add", VM, { NULL }, "{\"op\":\"dimm-add\",\"start\":\"4G\",\"size\":\"256M\"}", true },
	/* acpi_scan_hot_remove(): lock_device_hotplug(), device_offline() */
	{ "dimm-eject", VM, { "{\"op\":\"dimm-add\",\"start\":\"4G\",\"size\":\"256M\"}" },
	  "{\"op\":\"dimm-eject\",\"device\":\"dimm0\"}", true },
	/* acpi_nfit_notify(): device_lock() of ACPI0012 only */
	{ "nvdimm-add", VM, { NULL },
	  "{\"op\":\"nvdimm-add\",\"start\":\"4G\",\"size\":\"256M\"}", false },
	/* probe_store(): lock_device_hotplug_sysfs() */
	{ "probe", VM_PROBE, { NULL }, "{\"op\":\"probe\",\"addr\":\"4G\"}", true },
	/* virtio_mem_probe() adds nothing until it is asked to plug */
	{ "virtio-mem-add", VM, { NULL },
	  "{\"op\":\"virtio-mem-add\",\"start\":\"4G\",\"region_size\":\"1G\"}", false },
	/* add_memory_driver_managed(), offline_and_remove_memory() */
	{ "virtio-mem-resize", VM,
	  { "{\"op\":\"virtio-mem-add\",\"start\":\"4G\",\"region_size\":\"1G\"}" },
	  "{\"op\":\"virtio-mem-resize\",\"device\":\"virtio0\",\"requested_size\":\"256M\"}", true },
	/* pmem / dax probe: devm_memremap_pages() -> pagemap_range() -> mem_hotplug_begin() */
	{ "pmem-namespace-create", PMEM_61, { NULL },
	  "{\"op\":\"pmem-namespace-create\",\"size\":\"256M\",\"mode\":\"devdax\"}", true },
	/* the old namespace's memunmap_pages(), the new one's memremap */
	{ "namespace-reconfigure", PMEM_61,
	  { "{\"op\":\"pmem-namespace-create\",\"size\":\"256M\",\"mode\":\"fsdax\"}" },
	  "{\"op\":\"namespace-reconfigure\",\"device\":\"namespace0.0\",\"mode\":\"devdax\"}", true },
	/* dev_dax_kmem_probe(): add_memory_driver_managed() */
	{ "dax-reconfigure", PMEM_61,
	  { "{\"op\":\"pmem-namespace-create\",\"size\":\"256M\",\"mode\":\"devdax\"}" },
	  "{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\",\"mode\":\"system-ram\"}", true },
	/* dev_dax_kmem_remove(): remove_memory() */
	{ "kmem-unbind", PMEM_61,
	  { "{\"op\":\"pmem-namespace-create\",\"size\":\"256M\",\"mode\":\"devdax\"}",
	    "{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\",\"mode\":\"system-ram\"}" },
	  "{\"op\":\"kmem-unbind\",\"device\":\"dax0.0\"}", true },
	/* memmap_on_memory_store(): the device and region locks only */
	{ "dax-memmap-on-memory", PMEM_612,
	  { "{\"op\":\"pmem-namespace-create\",\"size\":\"256M\",\"mode\":\"devdax\"}" },
	  "{\"op\":\"dax-memmap-on-memory\",\"device\":\"dax0.0\",\"enable\":true}", false },
	/* dax_hmem_probe() -> dev_dax_probe() -> devm_memremap_pages() */
	{ "hmem-add", SOFT_RESERVED, { NULL }, "{\"op\":\"hmem-add\",\"start\":\"4G\"}", true },
	/* cxl_parse_cfmws(): a resource, no memory */
	{ "cxl-window-add", VM, { NULL },
	  "{\"op\":\"cxl-window-add\",\"start\":\"0xa80000000\",\"size\":\"4G\"}", false },
	/* the region's dax device binds kmem: add_memory_driver_managed() */
	{ "cxl-region-create", VM,
	  { "{\"op\":\"cxl-window-add\",\"start\":\"0xa80000000\",\"size\":\"4G\"}" },
	  "{\"op\":\"cxl-region-create\",\"window\":\"cxl_window0\",\"size\":\"256M\"}", true },
	/* sclp_add_standby_memory(): add_memory() per block */
	{ "s390-standby-add", S390, { NULL },
	  "{\"op\":\"s390-standby-add\",\"start\":\"4G\",\"size\":\"1G\"}", true },
	/* the SCLP's answers, not a kernel path */
	{ "s390-standby-fault", S390,
	  { "{\"op\":\"s390-standby-add\",\"start\":\"4G\",\"size\":\"1G\"}" },
	  "{\"op\":\"s390-standby-fault\",\"assign_fails\":true}", false },
	/* hotplugfs's own fault files and the injector's debugfs files */
	{ "fault", VM, { NULL }, "{\"op\":\"fault\",\"block\":3,\"unmovable\":true}", false },
	{ "inject", VM, { NULL },
	  "{\"op\":\"inject\",\"action\":\"MEM_GOING_ONLINE\",\"errno\":\"EBUSY\"}", false },
	/* state_store(): lock_device_hotplug_sysfs() */
	{ "state", VM, { NULL }, "{\"op\":\"state\",\"block\":3,\"state\":\"offline\"}", true },
	/* auto_online_blocks_store(): a variable */
	{ "auto-online", VM, { NULL }, "{\"op\":\"auto-online\",\"value\":\"offline\"}", false },
	{ "dump", VM, { NULL }, "{\"op\":\"dump\"}", false },
};

static int run(struct machine *m, const char *json, GError **err)
{
	json_object *o = json_tokener_parse(json), *res = NULL;
	int ret;

	g_assert_nonnull(o);
	ret = machine_op(m, o, &res, err);
	json_object_put(o);
	json_object_put(res);
	return ret;
}

static char *dump(const struct machine *m)
{
	json_object *d = machine_dump(m);
	char *s = g_strdup(json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));

	json_object_put(d);
	return s;
}

/* A slow offline of block id under way: the store is still migrating. */
static void start_slow_offline(struct machine *m, uint64_t id)
{
	g_autofree char *path = g_strdup_printf("sys/devices/system/memory/memory%" G_GUINT64_FORMAT
						"/state", id);
	tree_node n;

	faults_edit(&m->faults, id)->slow_offline_ms = 1000;
	g_assert_cmpint(tree_resolve(m, path, &n), ==, 0);
	g_assert_cmpint(tree_write(m, n, "offline", 7), ==, STORE_PENDING);
	g_assert_true(machine_hotplug_busy(m));
}

static void test_case(gconstpointer data)
{
	const struct lock_case *t = data;
	g_autoptr(machine) m = boot(t->box);
	g_autoptr(GError) err = NULL, again = NULL;
	g_autofree char *before = NULL, *after = NULL;
	uint64_t events;
	int ret;

	for (unsigned i = 0; i < G_N_ELEMENTS(t->setup) && t->setup[i]; i++) {
		g_autoptr(GError) e = NULL;

		g_assert_cmpint(run(m, t->setup[i], &e), ==, 0);
	}
	start_slow_offline(m, 6);
	before = dump(m);
	events = event_log_last(&m->log);
	ret = run(m, t->request, &err);
	if (t->locks) {
		g_autofree char *want = g_strdup_printf("%s: a slow offline of memory6 is in progress",
							t->verb);

		g_assert_cmpint(ret, ==, -EINVAL);
		g_assert_error(err, OPS_ERROR, OPS_ERROR_REQUEST);
		g_assert_cmpstr(err->message, ==, want);
		after = dump(m);
		g_assert_cmpstr(after, ==, before);
		g_assert_cmpuint(event_log_last(&m->log), ==, events);
		g_assert_cmpint(machine_hotplug_finish(m), ==, 0);
		ret = run(m, t->request, &again);
		g_assert_no_error(again);
	} else {
		g_assert_no_error(err);
		g_assert_true(machine_hotplug_busy(m));
	}
	g_assert_cmpint(ret, ==, 0);
}

/* nvdimm-remove never runs (QEMU refuses the unplug, the guest never hears
 * of it): its bad request comes whether the lock is held or not. */
static void test_nvdimm_remove_refused(void)
{
	g_autoptr(machine) m = boot(VM);
	g_autoptr(GError) err = NULL, e = NULL;
	g_autofree char *before = NULL, *after = NULL;

	g_assert_cmpint(run(m, "{\"op\":\"nvdimm-add\",\"start\":\"4G\",\"size\":\"256M\"}", &e),
			==, 0);
	start_slow_offline(m, 6);
	before = dump(m);
	g_assert_cmpint(run(m, "{\"op\":\"nvdimm-remove\",\"device\":\"region0\"}", &err), ==,
			-EINVAL);
	g_assert_error(err, OPS_ERROR, OPS_ERROR_REQUEST);
	g_assert_cmpstr(err->message, ==, "nvdimm-remove: region0: QEMU cannot unplug an NVDIMM "
			"(device_del: \"nvdimm device hot unplug is not supported yet.\"), and Linux "
			"never removes an NFIT region");
	after = dump(m);
	g_assert_cmpstr(after, ==, before);
	g_assert_true(machine_hotplug_busy(m));
}

static void test_every_verb_classified(void)
{
	for (size_t i = 0; i < ops_verb_count(); i++) {
		bool found = !strcmp(ops_verb(i), "nvdimm-remove");   /* test_nvdimm_remove_refused */

		for (size_t k = 0; k < G_N_ELEMENTS(cases) && !found; k++)
			found = !strcmp(cases[k].verb, ops_verb(i));
		if (!found)
			g_test_message("verb %s: does it take the hotplug lock?", ops_verb(i));
		g_assert_true(found);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hotplug-lock/every-verb-classified", test_every_verb_classified);
	g_test_add_func("/hotplug-lock/nvdimm-remove-refused", test_nvdimm_remove_refused);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *name = g_strdup_printf("/hotplug-lock/%s", cases[i].verb);

		g_test_add_data_func(name, &cases[i], test_case);
	}
	return g_test_run();
}

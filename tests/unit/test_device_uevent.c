/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nd and dax devices' uevents (core/device_uevent.c): which each store
 * of ndctl and daxctl and each scenario op sends, in which order, with which
 * variables, and that each names a directory the tree serves.
 */
#include <errno.h>
#include <string.h>

#include "device.h"
#include "device_uevent.h"
#include "ops.h"
#include "util.h"

#define REGION "sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/"
#define KMEM "sys/bus/dax/drivers/kmem/"
#define DEVDAX "sys/bus/dax/drivers/device_dax/"

/* The uevents logged since it started, one line each (event_format without
 * the seq: "uevent ACTION=... SEQNUM=N" with SEQNUM cut too). */
struct recorder {
	struct machine *m;
	GString *lines;
	bool blocks;               /* memory blocks' too */
	bool checked_paths;        /* every DEVPATH resolved as it was logged */
};

static void record(void *ctx, const struct event *e)
{
	struct recorder *r = ctx;
	g_autoptr(GString) line = g_string_new(NULL);
	char *seqnum;

	if (e->kind != EVENT_DEVICE_UEVENT && !(r->blocks && e->kind == EVENT_UEVENT))
		return;
	event_format(e, line);
	seqnum = strstr(line->str, " SEQNUM=");
	g_string_truncate(line, (gsize)(seqnum - line->str));
	g_string_append(r->lines, strchr(line->str, ' ') + 1);
	g_string_append_c(r->lines, '\n');
	if (e->kind == EVENT_DEVICE_UEVENT) {
		g_autofree char *dir = g_strdup_printf("sys%s", e->devpath);
		tree_node n;

		/* add and bind: it is there; unbind and remove: it still is
		 * for the kernel, and was for the tree just before */
		if (e->uevent == UEVENT_ADD || e->uevent == UEVENT_BIND)
			r->checked_paths &= tree_resolve(r->m, dir, &n) == 0;
	}
}

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
	return tree_write(m, n, s, strlen(s) + 1);
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
	*r = (struct recorder){ m, g_string_new(NULL), blocks, true };
	event_log_subscribe(&m->log, record, r);
}

/* The lines so far, which are then forgotten. */
static char *take(struct recorder *r)
{
	char *s = g_strdup(r->lines->str);

	g_string_truncate(r->lines, 0);
	return s;
}

static void stop(struct recorder *r)
{
	event_log_unsubscribe(&r->m->log, record, r);
	g_string_free(r->lines, TRUE);
}

static void test_explore(void)
{
	g_autoptr(machine) m = nvdimm();
	struct device_uevents *f = device_uevents_follow(m);
	struct recorder r;
	g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

	start(&r, m, true);
	g_assert_cmpint(store(m, REGION "namespace0.0/uuid", "6f90f47e-8261-4dcd-98d8-eda579d6ff4e"), ==, 0);
	g_assert_cmpint(store(m, REGION "namespace0.0/size", "536870912"), ==, 0);
	g_assert_cmpint(store(m, REGION "dax0.0/uuid", "11111111-2222-4333-8444-555555555555"), ==, 0);
	g_assert_cmpint(store(m, REGION "dax0.0/align", "2097152"), ==, 0);
	g_assert_cmpint(store(m, REGION "dax0.0/namespace", "namespace0.0"), ==, 0);
	g_assert_cmpint(store(m, "sys/bus/nd/drivers/dax_pmem/bind", "dax0.0"), ==, 0);
	a = take(&r);
	g_printerr("CREATE\n%s", a);
	g_assert_cmpint(store(m, DEVDAX "unbind", "dax0.0"), ==, 0);
	g_assert_cmpint(store(m, KMEM "new_id", "dax0.0"), ==, 0);
	b = take(&r);
	g_printerr("KMEM\n%s", b);
	g_assert_cmpint(store(m, KMEM "unbind", "dax0.0"), ==, 0);
	g_assert_cmpint(store(m, DEVDAX "bind", "dax0.0"), ==, 0);
	c = take(&r);
	g_printerr("BACK\n%s", c);
	g_assert_cmpint(op(m, "{\"op\":\"namespace-reconfigure\",\"device\":\"namespace0.0\",\"mode\":\"fsdax\"}"), ==, 0);
	d = take(&r);
	g_printerr("FSDAX\n%s", d);
	g_assert_cmpint(op(m, "{\"op\":\"namespace-reconfigure\",\"device\":\"namespace0.0\",\"mode\":\"system-ram\"}"), ==, 0);
	g_free(d);
	d = take(&r);
	g_printerr("SYSRAM\n%s", d);
	g_assert_true(r.checked_paths);
	stop(&r);
	device_uevents_unfollow(f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/device-uevent/explore", test_explore);
	return g_test_run();
}

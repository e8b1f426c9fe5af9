/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Invalidation batches (fs/inval.c) with a recording sink instead of a FUSE
 * session: which names and nodes an op's events drop, how batches are
 * numbered and finished, and that stopping waits for a notification in
 * progress while requests are still served.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "backend.h"
#include "inval.h"
#include "util.h"

/* The 6.1 guest of docs/fixture-format.md's examples: 1 GiB, 128 MiB blocks,
 * hot-added memory stays offline. */
static const char guest[] =
	"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.1\",\"hypervisor\":true,"
	"\"memory_hotplug\":{\"auto_online_blocks\":\"offline\"},"
	"\"e820\":[{\"start\":\"0\",\"end\":\"0x9fbff\",\"type\":\"ram\"},"
	"{\"start\":\"0x100000\",\"end\":\"0x3ffdffff\",\"type\":\"ram\"}]}";

struct recorder {
	GMutex lock;
	GPtrArray *calls;         /* "entry PARENT NAME" / "inode NODE" */
	unsigned sleep_ms;        /* each entry takes this long */
	gint entries;
};

static int record_entry(void *ctx, tree_node parent, const char *name)
{
	struct recorder *r = ctx;

	if (r->sleep_ms)
		g_usleep(r->sleep_ms * 1000ul);
	g_mutex_lock(&r->lock);
	g_ptr_array_add(r->calls, g_strdup_printf("entry %" G_GUINT64_FORMAT " %s", parent, name));
	g_mutex_unlock(&r->lock);
	g_atomic_int_inc(&r->entries);
	return 0;
}

static int record_inode(void *ctx, tree_node ino)
{
	struct recorder *r = ctx;

	g_mutex_lock(&r->lock);
	g_ptr_array_add(r->calls, g_strdup_printf("inode %" G_GUINT64_FORMAT, ino));
	g_mutex_unlock(&r->lock);
	return -ENOENT;
}

static struct backend *guest_backend(void)
{
	g_autoptr(GError) err = NULL;
	struct backend *b = sim_backend_new(boot_fixture_json(guest), &err);

	g_assert_no_error(err);
	return b;
}

static int op(struct backend *b, const char *json)
{
	json_object *o = json_tokener_parse(json), *res = NULL;
	g_autoptr(GError) err = NULL;
	int rc = backend_op(b, o, &res, &err);

	json_object_put(o);
	json_object_put(res);
	return rc;
}

static tree_node node(struct backend *b, const char *path)
{
	tree_node n;

	g_assert_cmpint(tree_resolve(b->model, path, &n), ==, 0);
	return n;
}

/* Waits (up to 5 s) until batch is done. */
static void wait_done(struct inval *iv, uint64_t batch)
{
	for (int i = 0; i < 500 && inval_done(iv) < batch; i++) {
		struct pollfd p = { .fd = inval_fd(iv), .events = POLLIN };

		poll(&p, 1, 10);
	}
	g_assert_cmpuint(inval_done(iv), >=, batch);
}

static void no_requests(void *ctx)
{
	(void)ctx;
}

static bool recorded(struct recorder *r, const char *call)
{
	for (guint i = 0; i < r->calls->len; i++)
		if (!strcmp(g_ptr_array_index(r->calls, i), call))
			return true;
	return false;
}

static void test_eject_drops_the_block_names(void)
{
	g_autoptr(backend) b = guest_backend();
	struct recorder r = { .calls = g_ptr_array_new_with_free_func(g_free) };
	const struct inval_sink sink = { .entry = record_entry, .inode = record_inode, .ctx = &r };
	struct inval *iv = inval_new_with_sink(b, &sink);
	tree_node memory = node(b, "sys/devices/system/memory");
	uint64_t first, second;
	g_autofree char *want = NULL;

	g_mutex_init(&r.lock);
	g_assert_cmpint(inval_start(iv), ==, 0);
	/* Nothing happened: the batch stays where it is. */
	g_assert_cmpuint(inval_flush(iv), ==, 0);

	/* An add changes the directory's link count only. */
	g_assert_cmpint(op(b, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"256M\"}"),
			==, 0);
	first = inval_flush(iv);
	g_assert_cmpuint(first, ==, 1);
	g_assert_cmpuint(inval_flush(iv), ==, first);
	wait_done(iv, first);
	g_assert_cmpint(g_atomic_int_get(&r.entries), ==, 0);
	want = g_strdup_printf("inode %" G_GUINT64_FORMAT, memory);
	g_assert_true(recorded(&r, want));

	/* The eject drops memory32 and memory33 everywhere they were listed. */
	r.entries = 0;
	g_assert_cmpint(op(b, "{\"op\":\"dimm-eject\",\"device\":\"dimm0\"}"), ==, 0);
	second = inval_flush(iv);
	g_assert_cmpuint(second, ==, first + 1);
	wait_done(iv, second);
	for (int id = 32; id <= 33; id++) {
		static const char *const dirs[] = { "sys/devices/system/memory",
			"sys/bus/memory/devices", "sys/kernel/debug/hotplugfs",
			"sys/devices/system/node/node0" };

		for (unsigned d = 0; d < G_N_ELEMENTS(dirs); d++) {
			g_autofree char *call = g_strdup_printf("entry %" G_GUINT64_FORMAT " memory%d",
								node(b, dirs[d]), id);

			g_assert_true(recorded(&r, call));
		}
	}
	/* And the firmware-map entry the DIMM added (0 and 1 are the e820's). */
	g_free(want);
	want = g_strdup_printf("entry %" G_GUINT64_FORMAT " 2", node(b, "sys/firmware/memmap"));
	g_assert_true(recorded(&r, want));
	g_assert_cmpint(g_atomic_int_get(&r.entries), ==, 9);

	g_assert_true(inval_stop(iv, no_requests, NULL));
	inval_free(iv);
	g_ptr_array_unref(r.calls);
	g_mutex_clear(&r.lock);
}

/* A store that changes no name or listing closes no batch. */
static void test_online_changes_no_name(void)
{
	g_autoptr(backend) b = guest_backend();
	struct recorder r = { .calls = g_ptr_array_new_with_free_func(g_free) };
	const struct inval_sink sink = { .entry = record_entry, .inode = record_inode, .ctx = &r };
	struct inval *iv = inval_new_with_sink(b, &sink);

	g_mutex_init(&r.lock);
	g_assert_cmpint(op(b, "{\"op\":\"state\",\"block\":4,\"state\":\"offline\"}"), ==, 0);
	g_assert_cmpuint(inval_flush(iv), ==, 0);
	g_assert_cmpuint(r.calls->len, ==, 0);
	inval_free(iv);
	g_ptr_array_unref(r.calls);
	g_mutex_clear(&r.lock);
}

struct served {
	gint calls;
};

static void count_requests(void *ctx)
{
	struct served *s = ctx;

	g_atomic_int_inc(&s->calls);
}

/* A notification can wait in the kernel until the loop answers a lookup:
 * stopping must wait for it, answering requests meanwhile, and never leave
 * the thread running with the session about to go. */
static void test_stop_waits_for_a_notification_in_progress(void)
{
	g_autoptr(backend) b = guest_backend();
	struct recorder r = { .calls = g_ptr_array_new_with_free_func(g_free), .sleep_ms = 2500 };
	const struct inval_sink sink = { .entry = record_entry, .inode = record_inode, .ctx = &r };
	struct inval *iv = inval_new_with_sink(b, &sink);
	struct served s = { 0 };
	gint64 t0;

	g_mutex_init(&r.lock);
	g_assert_cmpint(op(b, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"128M\"}"),
			==, 0);
	g_assert_cmpint(op(b, "{\"op\":\"dimm-eject\",\"device\":\"dimm0\"}"), ==, 0);
	inval_flush(iv);
	g_assert_cmpint(inval_start(iv), ==, 0);
	g_usleep(100 * 1000);     /* the thread is inside the first entry */
	t0 = g_get_monotonic_time();
	g_assert_true(inval_stop(iv, count_requests, &s));
	/* It waited for the entry in progress (2.5 s, more than the 2 s after
	 * which it used to leave the thread running) and served meanwhile. */
	g_assert_cmpint(g_get_monotonic_time() - t0, >=, 2000 * G_TIME_SPAN_MILLISECOND);
	g_assert_cmpint(g_atomic_int_get(&r.entries), ==, 1);
	g_assert_cmpint(g_atomic_int_get(&s.calls), >, 0);
	inval_free(iv);
	g_ptr_array_unref(r.calls);
	g_mutex_clear(&r.lock);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/inval/eject-drops-the-block-names", test_eject_drops_the_block_names);
	g_test_add_func("/inval/online-changes-no-name", test_online_changes_no_name);
	g_test_add_func("/inval/stop-waits-for-a-notification-in-progress",
			test_stop_waits_for_a_notification_in_progress);
	return g_test_run();
}

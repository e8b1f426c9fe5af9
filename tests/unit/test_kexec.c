/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /sys/kernel/kexec_crash_size stores (crash_shrink_memory(), kernel/
 * kexec_core.c 6.1): the whole shrink runs under kexec_lock, a store that
 * finds it taken answers -EBUSY (kexec_trylock), a loaded crash image pins
 * the reservation (-ENOENT), and a shrink returns the tail as System RAM.
 */
#include <errno.h>
#include <string.h>

#include "kexec.h"
#include "ops.h"
#include "util.h"

static const char guest[] =
	"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.1\",\"hypervisor\":true,"
	"\"crashkernel\":\"128M\","
	"\"e820\":[{\"start\":\"0\",\"end\":\"0x9fbff\",\"type\":\"ram\"},"
	"{\"start\":\"0x100000\",\"end\":\"0x7ffdffff\",\"type\":\"ram\"}]}";

static int store(struct machine *m, const char *s)
{
	return kexec_crash_size_store(m, s, strlen(s));
}

struct holder {
	struct machine *m;
	GMutex started;           /* held until the lock is taken */
	gint64 hold_us;
};

/* Another thread in the kernel's kexec path: a kexec_load holding kexec_lock. */
static gpointer hold_lock(gpointer p)
{
	struct holder *h = p;

	g_mutex_lock(&h->m->kexec.lock);
	g_mutex_unlock(&h->started);
	g_usleep((gulong)h->hold_us);
	g_mutex_unlock(&h->m->kexec.lock);
	return NULL;
}

static void test_store_while_kexec_lock_is_held(void)
{
	g_autoptr(machine) m = boot_fixture_json(guest);
	struct holder h = { .m = m, .hold_us = 300 * 1000 };
	GThread *t;

	g_assert_cmpuint(kexec_crash_size(m), ==, 128u << 20);
	g_mutex_init(&h.started);
	g_mutex_lock(&h.started);
	t = g_thread_new("kexec_load", hold_lock, &h);
	g_mutex_lock(&h.started);
	/* kexec_trylock() fails: nothing changes, no waiting. */
	g_assert_cmpint(store(m, "67108864"), ==, -EBUSY);
	g_assert_cmpuint(kexec_crash_size(m), ==, 128u << 20);
	g_thread_join(t);
	g_mutex_unlock(&h.started);
	g_mutex_clear(&h.started);
	g_assert_cmpint(store(m, "67108864"), ==, 0);
	g_assert_cmpuint(kexec_crash_size(m), ==, 64u << 20);
}

static void test_loaded_crash_image_pins_the_reservation(void)
{
	g_autoptr(machine) m = boot_fixture_json(guest);

	kexec_record(m, true, false);
	g_assert_cmpint(store(m, "0"), ==, -ENOENT);
	g_assert_cmpuint(kexec_crash_size(m), ==, 128u << 20);
	kexec_record(m, true, true);
	g_assert_cmpint(store(m, "0"), ==, 0);
	g_assert_cmpuint(kexec_crash_size(m), ==, 0);
	/* Only smaller: a larger size is -EINVAL, the same size nothing. */
	g_assert_cmpint(store(m, "4096"), ==, -EINVAL);
	g_assert_cmpint(store(m, "0"), ==, 0);
}

/* The per-CPU crash notes were placed at boot: memory hot-added above the
 * boot RAM does not move them (and their files are cached as static). */
static void test_crash_notes_stay_after_hot_add(void)
{
	g_autoptr(machine) m = boot_fixture_json(guest);
	g_autofree char *before = read_tree(m, "sys/devices/system/cpu/cpu0/crash_notes");
	g_autofree char *after = NULL;
	g_autoptr(GError) err = NULL;
	json_object *op = json_tokener_parse("{\"op\":\"dimm-add\",\"start\":\"0x100000000\","
					     "\"size\":\"1G\"}");

	g_assert_cmpint(machine_op(m, op, NULL, &err), ==, 0);
	g_assert_no_error(err);
	json_object_put(op);
	after = read_tree(m, "sys/devices/system/cpu/cpu0/crash_notes");
	g_assert_cmpstr(after, ==, before);
	/* below the boot RAM's top (0x7ffdffff): the last 2 MiB-aligned units */
	g_assert_cmpuint(g_ascii_strtoull(before, NULL, 16), <, 0x7fe00000);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kexec/store-while-kexec-lock-is-held", test_store_while_kexec_lock_is_held);
	g_test_add_func("/kexec/loaded-crash-image-pins-the-reservation",
			test_loaded_crash_image_pins_the_reservation);
	g_test_add_func("/kexec/crash-notes-stay-after-hot-add", test_crash_notes_stay_after_hot_add);
	return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The online/offline state machine: every transition, every errno of the
 * state store, the notifier sequences of each kernel (memory_block_online/offline, 6.1 and 6.12 as seen under QEMU) and the
 * rollback paths.
 */
#include <errno.h>
#include <string.h>

#include "fixture.h"
#include "online.h"
#include "tree.h"
#include "util.h"

#ifndef EHWPOISON
#define EHWPOISON 133
#endif

/* 1 GiB VM plus 1 GiB at 4 GiB: blocks 0-7 and 32-39; memory7 ends in a
 * hole (RAM stops at 0x3ffdffff), memory0 spans DMA and DMA32 and holds the
 * kernel image. */
static struct machine *boot_vm(const char *kernel, const char *extra)
{
	g_autofree char *json = g_strdup_printf(
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"%s\",\"hypervisor\":true,"
		"\"memory_hotplug\":{\"auto_online_blocks\":\"offline\"},"
		"\"e820\":[{\"start\":\"0\",\"end\":\"0x9fbff\",\"type\":\"ram\"},"
		"{\"start\":\"0x100000\",\"end\":\"0x3ffdffff\",\"type\":\"ram\"},"
		"{\"start\":\"0x100000000\",\"size\":\"1G\",\"type\":\"ram\"}]%s}", kernel, extra);
	return boot_fixture_json(json);
}

/* Blocks 32-35 offline, as a DIMM hot-added to a 1 GiB guest (seen on 6.1 and 6.12 under QEMU). */
static struct machine *boot_literal(const char *extra)
{
	g_autofree char *json = g_strdup_printf(
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.1\","
		"\"block_size\":\"128M\",\"memory_blocks\":["
		"{\"first\":1,\"count\":7,\"state\":\"online\",\"valid_zones\":\"DMA32\"},"
		"{\"first\":32,\"count\":32,\"state\":\"offline\"}]%s}", extra);
	return boot_fixture_json(json);
}

static int store(struct machine *m, uint64_t id, const char *attr, const char *buf)
{
	g_autofree char *path = g_strdup_printf("sys/devices/system/memory/memory%" G_GUINT64_FORMAT "/%s",
						id, attr);
	tree_node n;

	g_assert_cmpint(tree_resolve(m, path, &n), ==, 0);
	return tree_write(m, n, buf, strlen(buf));
}

static int set_state(struct machine *m, uint64_t id, const char *word)
{
	return store(m, id, "state", word);
}

static char *read_attr(const struct machine *m, uint64_t id, const char *attr)
{
	g_autofree char *path = g_strdup_printf("sys/devices/system/memory/memory%" G_GUINT64_FORMAT "/%s",
						id, attr);

	return read_tree(m, path);
}

#define assert_attr(m, id, attr, want) do { \
		g_autofree char *got_ = read_attr(m, id, attr); \
		g_assert_cmpstr(got_, ==, want); \
	} while (0)

/* The notifier calls and uevents since seq, as "NAME(raw) ... uevent:ACTION". */
static char *events_since(const struct machine *m, uint64_t seq)
{
	GString *s = g_string_new(NULL);

	for (uint64_t i = seq + 1; i <= event_log_last(&m->log); i++) {
		const struct event *e = event_log_get(&m->log, i);

		if (s->len)
			g_string_append_c(s, ' ');
		if (e->kind == EVENT_UEVENT)
			g_string_append_printf(s, "uevent:%s", uevent_action_name(e->uevent));
		else
			g_string_append_printf(s, "%s(%u)", mem_action_name(e->action) + 4, e->raw);
	}
	return g_string_free(s, FALSE);
}

#define assert_events(m, since, want) do { \
		g_autofree char *got_ = events_since(m, since); \
		g_assert_cmpstr(got_, ==, want); \
	} while (0)

static void set_inject(struct machine *m, enum mem_action a, int err)
{
	error_inject_set(&m->inject, a, err);
}

/* ---- transitions --------------------------------------------------------- */

static void test_transitions(void)
{
	g_autoptr(machine) m = boot_vm("6.1", "");

	assert_attr(m, 33, "state", "online\n");
	g_assert_cmpint(set_state(m, 33, "offline"), ==, 0);
	assert_attr(m, 33, "state", "offline\n");
	assert_attr(m, 33, "online", "0\n");
	assert_attr(m, 33, "valid_zones", "Normal Movable\n");
	g_assert_cmpint(set_state(m, 33, "offline\n"), ==, -EINVAL);     /* already offline */
	g_assert_cmpint(set_state(m, 33, "online\n"), ==, 0);
	assert_attr(m, 33, "state", "online\n");
	assert_attr(m, 33, "valid_zones", "Normal\n");
	g_assert_cmpint(set_state(m, 33, "online"), ==, -EINVAL);        /* already online */
	g_assert_cmpint(set_state(m, 33, "online_movable"), ==, -EINVAL);
	/* The online attribute: writing the current value succeeds. */
	g_assert_cmpint(store(m, 33, "online", "1\n"), ==, 0);
	g_assert_cmpint(store(m, 33, "online", "0"), ==, 0);
	assert_attr(m, 33, "state", "offline\n");
	g_assert_cmpint(store(m, 33, "online", "n"), ==, 0);
	g_assert_cmpint(store(m, 33, "online", "maybe"), ==, -EINVAL);
	g_assert_cmpint(store(m, 33, "online", "on"), ==, 0);
	assert_attr(m, 33, "online", "1\n");
}

static void test_bad_keywords(void)
{
	g_autoptr(machine) m = boot_vm("6.12", "");
	uint64_t seq = event_log_last(&m->log);

	g_assert_cmpint(set_state(m, 33, "offlin"), ==, -EINVAL);
	g_assert_cmpint(set_state(m, 33, "offline\n\n"), ==, -EINVAL);
	g_assert_cmpint(set_state(m, 33, "Offline"), ==, -EINVAL);
	g_assert_cmpint(set_state(m, 33, ""), ==, 0);   /* stores nothing: sysfs_kf_write */
	g_assert_cmpint(set_state(m, 33, "going-offline"), ==, -EINVAL);
	/* Nothing happened: no notifier call, no uevent. */
	assert_events(m, seq, "");
	/* A node that does not exist (removed, as kernfs says). */
	g_assert_cmpint(tree_write(m, 0, "x", 1), ==, -ENODEV);
	/* daxctl's trailing NUL is part of the accepted spelling. */
	{
		tree_node n;

		g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/memory33/state", &n), ==, 0);
		g_assert_cmpint(tree_write(m, n, "offline\0", 8), ==, 0);
	}
	assert_attr(m, 33, "state", "offline\n");
}

/* ---- notifier sequences per kernel (seen under QEMU) ----------------------- */

static void test_sequence_6_1(void)
{
	g_autoptr(machine) m = boot_vm("6.1", "");
	uint64_t seq = event_log_last(&m->log);

	g_assert_cmpint(set_state(m, 33, "offline"), ==, 0);
	assert_events(m, seq, "GOING_OFFLINE(2) OFFLINE(4) uevent:offline");
	seq = event_log_last(&m->log);
	g_assert_cmpint(set_state(m, 33, "online"), ==, 0);
	assert_events(m, seq, "GOING_ONLINE(8) ONLINE(1) uevent:online");
}

static void test_sequence_6_12(void)
{
	g_autoptr(machine) m = boot_vm("6.12", "");
	uint64_t seq = event_log_last(&m->log);

	g_assert_cmpint(set_state(m, 33, "offline"), ==, 0);
	assert_events(m, seq, "GOING_OFFLINE(1) OFFLINE(2) FINISH_OFFLINE(7) uevent:offline");
	seq = event_log_last(&m->log);
	g_assert_cmpint(set_state(m, 33, "online"), ==, 0);
	assert_events(m, seq, "PREPARE_ONLINE(6) GOING_ONLINE(3) ONLINE(0) uevent:online");
}

static void test_sequence_6_8_and_6_19(void)
{
	g_autoptr(machine) m8 = boot_vm("6.8", "");
	g_autoptr(machine) m19 = boot_vm("6.19", "");
	uint64_t seq = event_log_last(&m8->log);

	/* 6.8: the macros, with PREPARE (1<<6) and FINISH (1<<7). */
	g_assert_cmpint(set_state(m8, 33, "offline"), ==, 0);
	g_assert_cmpint(set_state(m8, 33, "online"), ==, 0);
	assert_events(m8, seq, "GOING_OFFLINE(2) OFFLINE(4) FINISH_OFFLINE(128) uevent:offline "
		      "PREPARE_ONLINE(64) GOING_ONLINE(8) ONLINE(1) uevent:online");
	/* 6.19: the enum, without PREPARE/FINISH. */
	seq = event_log_last(&m19->log);
	g_assert_cmpint(set_state(m19, 33, "offline"), ==, 0);
	g_assert_cmpint(set_state(m19, 33, "online"), ==, 0);
	assert_events(m19, seq, "GOING_OFFLINE(1) OFFLINE(2) uevent:offline "
		      "GOING_ONLINE(3) ONLINE(0) uevent:online");
}

static void test_notify_ranges(void)
{
	g_autoptr(machine) m = boot_vm("6.12", "");
	uint64_t seq = event_log_last(&m->log);
	const struct event *e;

	g_assert_cmpint(set_state(m, 33, "offline"), ==, 0);
	e = event_log_get(&m->log, seq + 1);
	g_assert_cmpuint(e->block, ==, 33);
	g_assert_cmphex(e->arg.start_pfn, ==, (33ull << 27) >> 12);
	g_assert_cmphex(e->arg.nr_pages, ==, 0x8000);
	/* FINISH_OFFLINE describes the block with an (empty) altmap range. */
	e = event_log_get(&m->log, seq + 3);
	g_assert_cmpint(e->action, ==, MEM_FINISH_OFFLINE);
	g_assert_cmphex(e->arg.altmap_start_pfn, ==, (33ull << 27) >> 12);
	g_assert_cmphex(e->arg.altmap_nr_pages, ==, 0);
}

/* ---- the errno table (state_store, 6.12) ---------------------------------- */

static void test_online_vetoes(void)
{
	g_autoptr(machine) m = boot_vm("6.12", "");
	uint64_t seq;

	g_assert_cmpint(set_state(m, 33, "offline"), ==, 0);
	/* GOING_ONLINE vetoed: CANCEL_ONLINE, FINISH_OFFLINE; the errno as injected. */
	set_inject(m, MEM_GOING_ONLINE, -12);
	seq = event_log_last(&m->log);
	g_assert_cmpint(set_state(m, 33, "online"), ==, -ENOMEM);
	assert_events(m, seq, "PREPARE_ONLINE(6) GOING_ONLINE(3) CANCEL_ONLINE(4) FINISH_OFFLINE(7)");
	assert_attr(m, 33, "state", "offline\n");
	assert_attr(m, 33, "valid_zones", "Normal Movable\n");
	set_inject(m, MEM_GOING_ONLINE, 0);
	/* PREPARE_ONLINE vetoed: nothing else is called. */
	set_inject(m, MEM_PREPARE_ONLINE, -5);
	seq = event_log_last(&m->log);
	g_assert_cmpint(set_state(m, 33, "online"), ==, -EIO);
	assert_events(m, seq, "PREPARE_ONLINE(6)");
	assert_attr(m, 33, "state", "offline\n");
	set_inject(m, MEM_PREPARE_ONLINE, 0);
	g_assert_cmpint(set_state(m, 33, "online"), ==, 0);
}

static int veto_bad(struct notifier_block *nb, enum mem_action action, const struct memory_notify *arg)
{
	(void)nb, (void)arg;
	return action == MEM_GOING_OFFLINE || action == MEM_GOING_ONLINE ? NOTIFY_BAD : NOTIFY_OK;
}

static int calls;
static int count_calls(struct notifier_block *nb, enum mem_action action,
		       const struct memory_notify *arg)
{
	(void)nb, (void)action, (void)arg;
	calls++;
	return NOTIFY_OK;
}

static void test_notify_bad_is_eperm(void)
{
	g_autoptr(machine) m = boot_vm("6.1", "");
	struct notifier_block bad = { .name = "bad", .priority = 10, .call = veto_bad };
	struct notifier_block counter = { .name = "counter", .priority = 0, .call = count_calls };
	uint64_t seq = event_log_last(&m->log);

	notifier_chain_register(&m->memory_chain, &bad);
	notifier_chain_register(&m->memory_chain, &counter);
	calls = 0;
	/* s390 standby style veto: NOTIFY_BAD reaches the writer as EPERM. */
	g_assert_cmpint(set_state(m, 33, "offline"), ==, -EPERM);
	assert_events(m, seq, "GOING_OFFLINE(2) CANCEL_OFFLINE(32)");
	/* The chain stopped before the lower priority callback, which then
	 * saw only the cancel (cancel events go to all). */
	g_assert_cmpint(calls, ==, 1);
	assert_attr(m, 33, "state", "online\n");
	notifier_chain_unregister(&m->memory_chain, &bad);
	notifier_chain_unregister(&m->memory_chain, &counter);
}

/* offline_pages() (6.1, 6.12) counts System RAM with walk_system_ram_range(),
 * not memblock: a literal machine whose RAM resource ends 128 KiB before the
 * end of memory7, as QEMU's firmware reserves it (seen on a 6.12 guest). */
static void test_holes_follow_system_ram(void)
{
	g_autoptr(machine) m = boot_fixture_json(
		"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.12\","
		"\"block_size\":\"128M\",\"iomem\":["
		"{\"start\":\"0x8000000\",\"end\":\"0x3ffdffff\",\"name\":\"System RAM\"},"
		"{\"start\":\"0x3ffe0000\",\"end\":\"0x3fffffff\",\"name\":\"Reserved\"}],"
		"\"memory_blocks\":[{\"first\":1,\"count\":7,\"state\":\"online\","
		"\"valid_zones\":\"DMA32\"}]}");

	g_assert_cmpint(set_state(m, 7, "offline"), ==, -EINVAL);
	g_assert_cmpint(set_state(m, 6, "offline"), ==, 0);
}

static void test_offline_failures(void)
{
	g_autoptr(machine) m = boot_vm("6.12", ",\"crashkernel\":\"128M@0x10000000\"");
	uint64_t seq = event_log_last(&m->log);

	/* Several zones: EINVAL before anything (valid_zones "none"). */
	g_assert_cmpint(set_state(m, 0, "offline"), ==, -EINVAL);
	/* The crash kernel (memory2) is reserved: isolation fails, no notifier call (6.1, 6.12). */
	g_assert_cmpint(set_state(m, 2, "offline"), ==, -EBUSY);
	g_assert_cmpint(set_state(m, 1, "offline"), ==, 0);
	seq = event_log_last(&m->log);
	/* A hole at the end of the block: EINVAL. */
	g_assert_cmpint(set_state(m, 7, "offline"), ==, -EINVAL);
	/* An unmovable page found by isolation. */
	faults_edit(&m->faults, 34)->unmovable = true;
	g_assert_cmpint(set_state(m, 34, "offline"), ==, -EBUSY);
	assert_events(m, seq, "");
	/* Found while migrating, after GOING_OFFLINE: cancelled. */
	faults_edit(&m->faults, 35)->unmovable_late = true;
	g_assert_cmpint(set_state(m, 35, "offline"), ==, -EBUSY);
	assert_events(m, seq, "GOING_OFFLINE(1) CANCEL_OFFLINE(5)");
	/* A pending signal: EINTR. */
	seq = event_log_last(&m->log);
	faults_edit(&m->faults, 36)->signal = true;
	g_assert_cmpint(set_state(m, 36, "offline"), ==, -EINTR);
	assert_events(m, seq, "GOING_OFFLINE(1) CANCEL_OFFLINE(5)");
	/* Injected GOING_OFFLINE errno (the selftest's -12). */
	seq = event_log_last(&m->log);
	set_inject(m, MEM_GOING_OFFLINE, -12);
	g_assert_cmpint(set_state(m, 37, "offline"), ==, -ENOMEM);
	assert_events(m, seq, "GOING_OFFLINE(1) CANCEL_OFFLINE(5)");
	for (uint64_t id = 34; id <= 37; id++) {
		assert_attr(m, id, "state", "online\n");
		assert_attr(m, id, "valid_zones", "Normal\n");
	}
}

static void test_hwpoison(void)
{
	g_autoptr(machine) m12 = boot_vm("6.12", "");
	g_autoptr(machine) m1 = boot_vm("6.1", "");
	tree_node n;

	g_assert_cmpint(tree_resolve(m12, "sys/devices/system/memory/hard_offline_page", &n), ==, 0);
	g_assert_cmpint(tree_write(m12, n, "0x108001000\n", 12), ==, 0);
	g_assert_cmpint(tree_write(m12, n, "0x108001000", 11), ==, -EHWPOISON);
	g_assert_cmpint(tree_write(m12, n, "banana", 6), ==, -EINVAL);
	g_assert_cmpint(set_state(m12, 33, "offline"), ==, 0);
	/* memblk_nr_poison() since 6.2: the block cannot come back. */
	g_assert_cmpint(set_state(m12, 33, "online"), ==, -EHWPOISON);
	assert_attr(m12, 33, "state", "offline\n");
	/* memory_failure() on offline memory: "outside kernel control". */
	g_assert_cmpint(tree_write(m12, n, "0x108002000", 11), ==, -ENXIO);

	g_assert_cmpint(tree_resolve(m1, "sys/devices/system/memory/soft_offline_page", &n), ==, 0);
	g_assert_cmpint(tree_write(m1, n, "0x108001000", 11), ==, 0);
	g_assert_cmpint(set_state(m1, 33, "offline"), ==, 0);
	g_assert_cmpint(tree_write(m1, n, "0x108002000", 11), ==, -EIO);
	/* 6.1 has no poison check on online. */
	g_assert_cmpint(set_state(m1, 33, "online"), ==, 0);
}

/* ---- slow offline, interrupt, the hotplug lock ------------------------- */

static void test_slow_offline(void)
{
	g_autoptr(machine) m = boot_vm("6.12", "");
	uint64_t seq = event_log_last(&m->log);

	faults_edit(&m->faults, 33)->slow_offline_ms = 500;
	g_assert_cmpint(set_state(m, 33, "offline"), ==, STORE_PENDING);
	assert_attr(m, 33, "state", "going-offline\n");
	assert_attr(m, 33, "online", "1\n");
	/* Another store waits for the hotplug lock (restart_syscall). */
	g_assert_cmpint(set_state(m, 34, "offline"), ==, STORE_RETRY);
	g_assert_cmpint(store(m, 34, "online", "0"), ==, STORE_RETRY);
	/* A bad keyword fails before the lock. */
	g_assert_cmpint(set_state(m, 34, "bogus"), ==, -EINVAL);
	assert_events(m, seq, "GOING_OFFLINE(1)");
	g_assert_cmpint(machine_hotplug_finish(m), ==, 0);
	assert_events(m, seq, "GOING_OFFLINE(1) OFFLINE(2) FINISH_OFFLINE(7) uevent:offline");
	assert_attr(m, 33, "state", "offline\n");
	/* The racing store runs now and meets an offline block. */
	g_assert_cmpint(set_state(m, 33, "offline"), ==, -EINVAL);

	/* A signal while migrating: EINTR, back online, cancelled. */
	seq = event_log_last(&m->log);
	faults_edit(&m->faults, 34)->slow_offline_ms = 5000;
	g_assert_cmpint(set_state(m, 34, "offline"), ==, STORE_PENDING);
	g_assert_cmpint(machine_hotplug_interrupt(m), ==, -EINTR);
	assert_events(m, seq, "GOING_OFFLINE(1) CANCEL_OFFLINE(5)");
	assert_attr(m, 34, "state", "online\n");
	assert_attr(m, 34, "valid_zones", "Normal\n");
}

/* ---- zones --------------------------------------------------------------- */

static void test_zones_after_online(void)
{
	g_autoptr(machine) m = boot_literal("");

	assert_attr(m, 32, "valid_zones", "Normal Movable\n");
	for (uint64_t id = 32; id <= 34; id++)
		g_assert_cmpint(set_state(m, id, "online_movable"), ==, 0);
	assert_attr(m, 33, "valid_zones", "Movable\n");
	/* As 6.1 and 6.12 do: memory35 does not meet the Movable span. */
	assert_attr(m, 35, "valid_zones", "Normal Movable\n");
	g_assert_cmpint(set_state(m, 35, "online_kernel"), ==, 0);
	assert_attr(m, 35, "valid_zones", "Normal\n");
	/* Offlining shrinks the Movable span from its end: 34 is outside it
	 * again once 33 and 34 are offline, 33 inside while 32 and 34 stay. */
	g_assert_cmpint(set_state(m, 33, "offline"), ==, 0);
	assert_attr(m, 33, "valid_zones", "Movable Normal\n");
	g_assert_cmpint(set_state(m, 34, "offline"), ==, 0);
	assert_attr(m, 34, "valid_zones", "Normal Movable\n");
	assert_attr(m, 33, "valid_zones", "Normal Movable\n");
	/* "online" follows the zone the range already meets: Normal at 35. */
	g_assert_cmpint(set_state(m, 36, "online"), ==, 0);
	assert_attr(m, 36, "valid_zones", "Normal\n");
}

static void test_movable_node(void)
{
	g_autoptr(machine) m = boot_literal(",\"memory_hotplug\":{\"movable_node\":true}");

	/* default_zone_for_pfn(): no zone met and movable_node: Movable first. */
	assert_attr(m, 40, "valid_zones", "Movable Normal\n");
	g_assert_cmpint(set_state(m, 40, "online"), ==, 0);
	assert_attr(m, 40, "valid_zones", "Movable\n");
}

static void test_auto_movable(void)
{
	g_autoptr(machine) m = boot_literal(",\"memory_hotplug\":{\"online_policy\":\"auto-movable\"}");
	uint64_t id;

	/* 7 boot blocks of kernel memory: MOVABLE may reach 301% of them,
	 * 21 blocks (21 <= 3.01 * 7 = 21.07); the 22nd goes to Normal. */
	assert_attr(m, 32, "valid_zones", "Movable Normal\n");
	for (id = 32; id < 32 + 21; id++)
		g_assert_cmpint(set_state(m, id, "online"), ==, 0);
	assert_attr(m, 52, "valid_zones", "Movable\n");
	assert_attr(m, 53, "valid_zones", "Normal Movable\n");
	g_assert_cmpint(set_state(m, 53, "online"), ==, 0);
	assert_attr(m, 53, "valid_zones", "Normal\n");
}

static void test_auto_movable_ratio_zero(void)
{
	g_autoptr(machine) m = boot_literal(
		",\"memory_hotplug\":{\"online_policy\":\"auto-movable\",\"auto_movable_ratio\":0}");

	assert_attr(m, 32, "valid_zones", "Normal Movable\n");
	g_assert_cmpint(set_state(m, 32, "online"), ==, 0);
	assert_attr(m, 32, "valid_zones", "Normal\n");
}

/* ---- the uevent file (kobject_synth_uevent) ------------------------------- */

/* The last event as event_format() prints it, without "seq=N ". */
static char *last_line(const struct machine *m)
{
	g_autoptr(GString) s = g_string_new(NULL);

	event_format(event_log_get(&m->log, event_log_last(&m->log)), s);
	return g_strdup(strchr(s->str, ' ') + 1);
}

#define assert_last(m, want) do { \
		g_autofree char *got_ = last_line(m); \
		g_autofree char *want_ = g_strdup_printf(want, event_log_last(&(m)->log)); \
		g_assert_cmpstr(got_, ==, want_); \
	} while (0)

static void count_change(void *ctx, enum tree_change what, tree_node n, const char *name)
{
	(void)what, (void)n, (void)name;
	(*(unsigned *)ctx)++;
}

/* What a 6.12 guest under QEMU answered and sent for each of these writes
 * to memory37/uevent (a static uevent listener in the guest). */
static void test_uevent_store(void)
{
	g_autoptr(machine) m = boot_vm("6.12", "");
	uint64_t seq, generation = m->generation;
	GString *many = g_string_new("add 01234567-89ab-cdef-0123-456789abcdef");

	seq = event_log_last(&m->log);
	g_assert_cmpint(store(m, 33, "uevent", "add\n"), ==, 0);
	assert_last(m, "uevent ACTION=add DEVPATH=/devices/system/memory/memory33 SUBSYSTEM=memory "
		    "SYNTH_UUID=0 SEQNUM=%" G_GUINT64_FORMAT);
	g_assert_cmpuint(event_log_last(&m->log), ==, seq + 1);
	g_assert_cmpint(store(m, 33, "uevent",
			      "change 01234567-89ab-cdef-0123-456789abcdef A=1 Bb=x9\n"), ==, 0);
	assert_last(m, "uevent ACTION=change DEVPATH=/devices/system/memory/memory33 SUBSYSTEM=memory "
		    "SYNTH_UUID=01234567-89ab-cdef-0123-456789abcdef SYNTH_ARG_A=1 SYNTH_ARG_Bb=x9 "
		    "SEQNUM=%" G_GUINT64_FORMAT);
	g_assert_cmpint(store(m, 33, "uevent", "add 01234567-89ab-cdef-0123-456789abcdef"), ==, 0);
	assert_last(m, "uevent ACTION=add DEVPATH=/devices/system/memory/memory33 SUBSYSTEM=memory "
		    "SYNTH_UUID=01234567-89ab-cdef-0123-456789abcdef SEQNUM=%" G_GUINT64_FORMAT);
	g_assert_cmpint(store(m, 33, "uevent", "online"), ==, 0);
	assert_last(m, "uevent ACTION=online DEVPATH=/devices/system/memory/memory33 SUBSYSTEM=memory "
		    "SYNTH_UUID=0 SEQNUM=%" G_GUINT64_FORMAT);
	for (const char *const *w = (const char *const[]){ "remove", "move", "offline", "bind",
							   "unbind", NULL }; *w; w++)
		g_assert_cmpint(store(m, 33, "uevent", *w), ==, 0);
	g_assert_cmpuint(event_log_last(&m->log), ==, seq + 9);
	/* Refused, and nothing sent (kobject_action_type, kobject_action_args);
	 * an empty write never reaches the store (sysfs_kf_write(), 6.12). */
	seq = event_log_last(&m->log);
	g_assert_cmpint(store(m, 33, "uevent", ""), ==, 0);
	for (const char *const *w = (const char *const[]){
		     "bogus\n", "add\nx", "add ", "add 01234567-89ab-cdef-0123-456789abcdef ",
		     "\n", "Add", "add\n\n", " add", "add 0", "add 01234567-89ab-cdef-0123-456789abcdeg",
		     "add 01234567+89ab-cdef-0123-456789abcdef", "add 01234567-89ab-cdef-0123-456789abcdef A",
		     "add 01234567-89ab-cdef-0123-456789abcdef A=", "add 01234567-89ab-cdef-0123-456789abcdef =1",
		     "add 01234567-89ab-cdef-0123-456789abcdef A=1  B=2",
		     "add 01234567-89ab-cdef-0123-456789abcdef A_B=1",
		     "add 01234567-89ab-cdef-0123-456789abcdef A=1-2", NULL }; *w; w++) {
		g_autofree char *shown = g_strescape(*w, NULL);

		g_test_message("refused: '%s'", shown);
		g_assert_cmpint(store(m, 33, "uevent", *w), ==, -EINVAL);
	}
	g_assert_cmpuint(event_log_last(&m->log), ==, seq);
	/* kobject_uevent_env() holds 64 variables: ACTION, DEVPATH, SUBSYSTEM,
	 * SYNTH_UUID, 59 arguments and SEQNUM.  With 60 to 63 arguments
	 * add_uevent_var() fails there (-ENOMEM); 64 do not even fit the 64 of
	 * kobject_action_args() (-EINVAL). */
	for (int i = 0; i < 59; i++)
		g_string_append_printf(many, " K%d=%d", i, i);
	g_assert_cmpint(store(m, 33, "uevent", many->str), ==, 0);
	g_string_append(many, " K59=1");
	g_assert_cmpint(store(m, 33, "uevent", many->str), ==, -ENOMEM);
	g_string_append(many, " K60=1 K61=1 K62=1");
	g_assert_cmpint(store(m, 33, "uevent", many->str), ==, -ENOMEM);
	g_string_append(many, " K63=1");
	g_assert_cmpint(store(m, 33, "uevent", many->str), ==, -EINVAL);
	/* And 2048 bytes: SYNTH_ARG_K=<v> fits kobject_action_args()'s buffer
	 * up to a value of 1987 characters, kobject_uevent_env()'s far less. */
	for (size_t v = 1800, i = 0; i < 3; v = v == 1800 ? 1987 : 1988, i++) {
		int want = v == 1800 ? 0 : v == 1987 ? -ENOMEM : -EINVAL;

		g_string_assign(many, "add 01234567-89ab-cdef-0123-456789abcdef K=");
		for (size_t k = 0; k < v; k++)
			g_string_append_c(many, 'v');
		g_assert_cmpint(store(m, 33, "uevent", many->str), ==, want);
	}
	g_string_free(many, TRUE);
	g_assert_cmpuint(event_log_last(&m->log), ==, seq + 2);
	/* Nothing else changed: the block is still there and online, and a
	 * synthetic remove drops nothing from the file tree's caches. */
	assert_attr(m, 33, "state", "online\n");
	g_assert_cmpuint(m->generation, ==, generation);
	g_assert_cmpint(store(m, 33, "uevent", "remove"), ==, 0);
	{
		unsigned changes = 0;

		tree_event_changes(m, event_log_get(&m->log, event_log_last(&m->log)), count_change,
				   &changes);
		g_assert_cmpuint(changes, ==, 0);
	}
}

/* The memory root: dev_uevent_filter() drops its uevents (a 6.12 guest sent
 * nothing for "change"), but the word is still checked. */
static void test_root_uevent_store(void)
{
	g_autoptr(machine) m = boot_vm("6.12", "");
	uint64_t seq = event_log_last(&m->log);
	tree_node n;

	g_assert_cmpint(tree_resolve(m, "sys/devices/system/memory/uevent", &n), ==, 0);
	g_assert_cmpint(tree_write(m, n, "change\n", 7), ==, 0);
	g_assert_cmpint(tree_write(m, n, "add 01234567-89ab-cdef-0123-456789abcdef", 40), ==, 0);
	g_assert_cmpint(tree_write(m, n, "explode", 7), ==, -EINVAL);
	g_assert_cmpint(tree_write(m, n, "add ", 4), ==, -EINVAL);
	g_assert_cmpuint(event_log_last(&m->log), ==, seq);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/online/transitions", test_transitions);
	g_test_add_func("/online/uevent_store", test_uevent_store);
	g_test_add_func("/online/root_uevent_store", test_root_uevent_store);
	g_test_add_func("/online/bad_keywords", test_bad_keywords);
	g_test_add_func("/online/sequence_6_1", test_sequence_6_1);
	g_test_add_func("/online/sequence_6_12", test_sequence_6_12);
	g_test_add_func("/online/sequence_6_8_and_6_19", test_sequence_6_8_and_6_19);
	g_test_add_func("/online/notify_ranges", test_notify_ranges);
	g_test_add_func("/online/online_vetoes", test_online_vetoes);
	g_test_add_func("/online/notify_bad_is_eperm", test_notify_bad_is_eperm);
	g_test_add_func("/online/offline_failures", test_offline_failures);
	g_test_add_func("/online/holes_follow_system_ram", test_holes_follow_system_ram);
	g_test_add_func("/online/hwpoison", test_hwpoison);
	g_test_add_func("/online/slow_offline", test_slow_offline);
	g_test_add_func("/online/zones_after_online", test_zones_after_online);
	g_test_add_func("/online/movable_node", test_movable_node);
	g_test_add_func("/online/auto_movable", test_auto_movable);
	g_test_add_func("/online/auto_movable_ratio_zero", test_auto_movable_ratio_zero);
	return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: every store of the tree (core/tree.h tree_write, what a
 * write(2) through the mount reaches), with any bytes up to a page, to any
 * node id: the writable files of a machine, every other node, ids of
 * objects removed since (stale handles) and ids no kind has.  The first byte
 * picks a machine (a repository fixture, its scenario run); then commands:
 *
 *   0-3  store to a writable file:  index (2 bytes), length (2), bytes
 *   4    store to any node listed:  index (2), length (2), bytes
 *   5    store to a raw node id:    id (8), length (2), bytes
 *   6    an op that adds, removes or faults blocks: which (1), argument (1)
 *   7    list the tree again, once (new ids join the old, which may be stale
 *        now)
 *
 * A store that goes on (a slow offline) is finished or interrupted by the
 * next byte, as its writer's fate would.  Every result must be 0, -errno or
 * STORE_PENDING, and the file stored to is read back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "online.h"
#include "ops.h"

#define MAX_COMMANDS 64
#define STORE_MAX 4096
#define WALK_BUDGET 1500

static const char *const views[] = {
	"proc/iomem", "sys/firmware/memmap", "sys/devices/system/memory",
	"sys/devices/system/node", "sys/kernel/debug",
};

static const char *const fixture_names[] = {
	"dimm-hotplug-6.1.json", "virtio-mem-6.12.json", "s390-standby-6.12.json", "chmem-vm.json",
	"nvdimm-kmem.json", "cxl-kmem.json", "qemu-vm-4g.json", "legacy-pmem-vm.json",
};
static struct fixture *fixtures[G_N_ELEMENTS(fixture_names)];
/* The nodes of each machine as booted (boot is deterministic: the same ids
 * every time), listed once. */
static GArray *booted_writable[G_N_ELEMENTS(fixture_names)];
static GArray *booted_all[G_N_ELEMENTS(fixture_names)];
/* The machine of each fixture, kept while no input changed it (most stores
 * are refused): booting would be most of such an input's time. */
static struct machine *kept[G_N_ELEMENTS(fixture_names)];

static void free_kept(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(kept); i++)
		machine_free(kept[i]);
}

struct nodes {
	const struct machine *m;
	GArray *writable;     /* tree_node */
	GArray *all;
};

static int collect(void *ctx, const char *name, tree_node n, enum tree_type type, uint64_t next)
{
	GArray *found = ctx;

	(void)name, (void)type, (void)next;
	g_array_append_val(found, n);
	return 0;
}

static void list_below(struct nodes *l, tree_node dir)
{
	g_autoptr(GArray) found = g_array_new(FALSE, FALSE, sizeof(tree_node));

	tree_readdir(l->m, dir, 0, collect, found);
	for (guint i = 0; i < found->len; i++) {
		tree_node n = g_array_index(found, tree_node, i);
		struct tree_stat st;

		g_array_append_val(l->all, n);
		if (tree_stat(l->m, n, &st))
			continue;
		if (st.type == TREE_FILE && (st.mode & 0222))
			g_array_append_val(l->writable, n);
		if (st.type == TREE_DIR)
			list_below(l, n);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_quiet();
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
	for (size_t i = 0; i < G_N_ELEMENTS(fixture_names); i++) {
		g_autoptr(machine) m = NULL;
		struct nodes l;

		fixtures[i] = fuzz_fixture(fixture_names[i]);
		m = fuzz_boot(fixtures[i]);
		booted_writable[i] = g_array_new(FALSE, FALSE, sizeof(tree_node));
		booted_all[i] = g_array_new(FALSE, FALSE, sizeof(tree_node));
		l = (struct nodes){ m, booted_writable[i], booted_all[i] };
		list_below(&l, TREE_ROOT);
	}
	atexit(free_kept);
	return 0;
}

/* The ops that change which blocks exist or how their offline goes. */
static void run_op(struct machine *m, unsigned which, unsigned arg)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL;
	json_object *op, *result = NULL;

	switch (which % 8) {
	case 0:
		text = g_strdup_printf("{\"op\":\"dimm-eject\",\"device\":\"dimm%u\"}", arg % 4);
		break;
	case 1:
		text = g_strdup_printf("{\"op\":\"dimm-add\",\"start\":\"0x%x0000000\",\"size\":\"%uM\"}",
				       arg % 64 + 1, 128 << (arg / 64));
		break;
	case 2:
		text = g_strdup_printf("{\"op\":\"virtio-mem-resize\",\"device\":\"virtio%u\","
				       "\"requested_size\":\"%uM\"}", arg % 2, (arg / 2) * 2);
		break;
	case 3:
		text = g_strdup_printf("{\"op\":\"fault\",\"block\":%u,\"slow_offline_ms\":%u}", arg,
				       arg % 3);
		break;
	case 4:
		text = g_strdup_printf("{\"op\":\"fault\",\"block\":%u,\"signal\":%s,"
				       "\"unmovable_late\":%s}", arg / 4, arg & 1 ? "true" : "false",
				       arg & 2 ? "true" : "false");
		break;
	case 5:
		text = g_strdup_printf("{\"op\":\"dax-reconfigure\",\"device\":\"dax%u.0\","
				       "\"mode\":\"%s\"}", arg % 2, arg & 2 ? "system-ram" : "devdax");
		break;
	case 6:
		text = g_strdup_printf("{\"op\":\"kmem-unbind\",\"device\":\"dax%u.0\"}", arg % 2);
		break;
	case 7:
		text = g_strdup_printf("{\"op\":\"s390-standby-fault\",\"block\":%u,\"standby\":%s}",
				       arg / 2, arg & 1 ? "true" : "false");
		break;
	}
	op = json_tokener_parse(text);
	machine_op(m, op, &result, &err);
	json_object_put(result);
	json_object_put(op);
}

static void store(struct machine *m, tree_node n, struct fuzz_in *in)
{
	size_t want = fuzz_u16(in) % (STORE_MAX + 1), len;
	const char *bytes = fuzz_bytes(in, want, &len);
	/* Exactly len bytes on the heap: a store must not read past them
	 * (kernfs NUL-terminates its copy; the FUSE buffer is not). */
	g_autofree char *buf = g_memdup2(bytes, len);
	g_autoptr(GString) back = g_string_new(NULL);
	const struct tree_reader root = { .cap_sys_admin = true };
	int rc = tree_write(m, n, buf, len);

	if (rc == STORE_PENDING) {
		if (!machine_hotplug_busy(m))
			abort();
		rc = fuzz_u8(in) & 1 ? machine_hotplug_interrupt(m) : machine_hotplug_finish(m);
	}
	/* 0 or -errno; STORE_RETRY only while a store is pending (none is). */
	if (rc > 0 || rc < -4095 || machine_hotplug_busy(m)) {
		fprintf(stdout, "fuzz: store to %#" G_GINT64_MODIFIER "x returned %d\n",
			(guint64)n, rc);
		abort();
	}
	tree_read(m, n, &root, back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	unsigned which = fuzz_u8(&in) % G_N_ELEMENTS(fixtures);
	struct machine *m = kept[which] ? g_steal_pointer(&kept[which]) : fuzz_boot(fixtures[which]);
	g_autoptr(GArray) writable = g_array_copy(booted_writable[which]);
	g_autoptr(GArray) all = g_array_copy(booted_all[which]);
	struct nodes l = { m, writable, all };
	uint64_t gen = m->generation, seq = event_log_last(&m->log);
	bool relisted = false;

	for (unsigned i = 0; i < MAX_COMMANDS && in.left; i++) {
		unsigned cmd = fuzz_u8(&in) % 8;
		tree_node n;

		switch (cmd) {
		case 0: case 1: case 2: case 3:
			n = g_array_index(writable, tree_node, fuzz_u16(&in) % writable->len);
			store(m, n, &in);
			break;
		case 4:
			n = g_array_index(all, tree_node, fuzz_u16(&in) % all->len);
			store(m, n, &in);
			break;
		case 5:
			store(m, fuzz_u64(&in), &in);
			break;
		case 6: {
			unsigned op = fuzz_u8(&in);

			run_op(m, op, fuzz_u8(&in));
			break;
		}
		case 7:
			/* once: the new ids are what matters, not the cost */
			if (!relisted)
				list_below(&l, TREE_ROOT);
			relisted = true;
			break;
		}
	}
	/* The machine as booted reads the same for every input; what stores
	 * change shows in these (the fixture target reads the rest). */
	if (m->generation != gen || event_log_last(&m->log) != seq) {
		for (size_t i = 0; i < G_N_ELEMENTS(views); i++)
			fuzz_walk_path(m, views[i], WALK_BUDGET);
		machine_free(m);
	} else {
		kept[which] = m;
	}
	return 0;
}

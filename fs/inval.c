/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dentry invalidation from a notifier thread (inval.h). */
#include "inval.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#include "machine.h"
#include "tree.h"

enum item_kind { IT_ENTRY, IT_ATTR, IT_BARRIER, IT_STOP };

struct item {
	enum item_kind kind;
	tree_node ino;            /* IT_ENTRY: the parent; IT_ATTR: the inode */
	uint64_t batch;           /* IT_BARRIER */
	char name[32];            /* IT_ENTRY: "memory" + 20 digits at most */
};

struct inval {
	struct fuse_session *se;
	struct machine *m;
	GAsyncQueue *q;
	pthread_t thread;
	bool running;
	int efd;
	uint64_t seen;            /* last event seq scanned */
	uint64_t batch;           /* last batch queued */
	_Atomic uint64_t done;    /* last batch the thread finished */
	/* Parents, 0 when the machine has no such directory. */
	tree_node memory_dir, bus_dir, debug_dir, memmap_dir;
	/* For a scan that finds the ring wrapped: the id ranges ever seen. */
	uint64_t min_block, max_block;
	bool any_block;
	unsigned max_nr;
	_Atomic uint64_t queued, sent, not_cached, failed, overflows;
};

static void *notifier_main(void *p)
{
	struct inval *iv = p;

	for (;;) {
		struct item *it = g_async_queue_pop(iv->q);
		int rc = 0;

		switch (it->kind) {
		case IT_STOP:
			g_free(it);
			return NULL;
		case IT_BARRIER: {
			uint64_t one = 1;

			atomic_store(&iv->done, it->batch);
			if (write(iv->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
				perror("hotplugfs: eventfd write");
			g_free(it);
			continue;
		}
		case IT_ENTRY:
			rc = fuse_lowlevel_notify_inval_entry(iv->se, it->ino, it->name,
							      strlen(it->name));
			break;
		case IT_ATTR:
			rc = fuse_lowlevel_notify_inval_inode(iv->se, it->ino, -1, 0);
			break;
		}
		if (rc == 0)
			atomic_fetch_add(&iv->sent, 1);
		else if (rc == -ENOENT)
			atomic_fetch_add(&iv->not_cached, 1);
		else
			atomic_fetch_add(&iv->failed, 1);
		g_free(it);
	}
}

static tree_node resolve(const struct machine *m, const char *path)
{
	tree_node n;

	return tree_resolve(m, path, &n) == 0 ? n : 0;
}

/* Records the id ranges now present, for the wrapped-ring fallback. */
static void note_ranges(struct inval *iv)
{
	const struct machine *m = iv->m;

	if (m->blocks.n) {
		uint64_t lo = m->blocks.v[0].id, hi = m->blocks.v[m->blocks.n - 1].id;

		if (!iv->any_block || lo < iv->min_block)
			iv->min_block = lo;
		if (!iv->any_block || hi > iv->max_block)
			iv->max_block = hi;
		iv->any_block = true;
	}
	if (m->has_firmware_map) {
		guint n = firmware_map_len(&m->firmware_map);

		for (guint i = 0; i < n; i++)
			iv->max_nr = MAX(iv->max_nr, firmware_map_at(&m->firmware_map, i)->nr);
	}
}

struct inval *inval_new(struct fuse_session *se, struct machine *m)
{
	struct inval *iv = g_new0(struct inval, 1);

	iv->se = se;
	iv->m = m;
	iv->q = g_async_queue_new();
	iv->seen = event_log_last(&m->log);
	iv->memory_dir = resolve(m, "sys/devices/system/memory");
	iv->bus_dir = resolve(m, "sys/bus/memory/devices");
	iv->debug_dir = resolve(m, "sys/kernel/debug/hotplugfs");
	iv->memmap_dir = resolve(m, "sys/firmware/memmap");
	note_ranges(iv);
	iv->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (iv->efd < 0) {
		perror("hotplugfs: eventfd");
		g_async_queue_unref(iv->q);
		g_free(iv);
		return NULL;
	}
	return iv;
}

int inval_start(struct inval *iv)
{
	int rc;

	if (iv->running)
		return 0;
	rc = pthread_create(&iv->thread, NULL, notifier_main, iv);
	if (rc != 0) {
		fprintf(stderr, "hotplugfs: cannot start the notifier thread: %s\n", strerror(rc));
		return -rc;
	}
	iv->running = true;
	return 0;
}

void inval_free(struct inval *iv)
{
	struct item *it;

	if (!iv)
		return;
	if (iv->running) {
		struct timespec deadline;

		/* First in line: whatever is still queued is of no use now. */
		it = g_new0(struct item, 1);
		it->kind = IT_STOP;
		g_async_queue_push_front(iv->q, it);
		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_sec += 2;
		/* A notification can block on a directory lock held by a lookup
		 * nobody will answer any more; do not hang the shutdown on it. */
		if (pthread_timedjoin_np(iv->thread, NULL, &deadline) != 0) {
			fprintf(stderr, "hotplugfs: the notifier thread is stuck; leaving it\n");
			pthread_detach(iv->thread);
			return;   /* it still uses iv: leak it */
		}
	}
	while ((it = g_async_queue_try_pop(iv->q)))
		g_free(it);
	g_async_queue_unref(iv->q);
	close(iv->efd);
	g_free(iv);
}

static void push(struct inval *iv, enum item_kind kind, tree_node ino, const char *name)
{
	struct item *it = g_new0(struct item, 1);

	it->kind = kind;
	it->ino = ino;
	if (name)
		g_strlcpy(it->name, name, sizeof(it->name));
	g_async_queue_push(iv->q, it);
	atomic_fetch_add(&iv->queued, 1);
}

/* Node directories, resolved once per scan that removes blocks. */
struct scan {
	GArray *node_dirs;        /* tree_node */
	bool memory_changed, memmap_changed;
};

static void block_removed(struct inval *iv, struct scan *s, uint64_t id)
{
	char name[32];

	snprintf(name, sizeof(name), "memory%" PRIu64, id);
	if (!s->node_dirs) {
		s->node_dirs = g_array_new(FALSE, FALSE, sizeof(tree_node));
		for (guint i = 0; i < iv->m->nodes->len; i++) {
			char path[64];
			tree_node n;

			snprintf(path, sizeof(path), "sys/devices/system/node/node%d",
				 g_array_index(iv->m->nodes, struct numa_node, i).nid);
			n = resolve(iv->m, path);
			if (n)
				g_array_append_val(s->node_dirs, n);
		}
	}
	if (iv->memory_dir)
		push(iv, IT_ENTRY, iv->memory_dir, name);
	if (iv->bus_dir)
		push(iv, IT_ENTRY, iv->bus_dir, name);
	if (iv->debug_dir)
		push(iv, IT_ENTRY, iv->debug_dir, name);
	/* The block's node is gone with it: its link is dropped from every node
	 * (few), and ENOENT from a node that never had it costs a syscall. */
	for (guint i = 0; i < s->node_dirs->len; i++)
		push(iv, IT_ENTRY, g_array_index(s->node_dirs, tree_node, i), name);
	s->memory_changed = true;
}

static void memmap_removed(struct inval *iv, struct scan *s, unsigned nr)
{
	char name[16];

	snprintf(name, sizeof(name), "%u", nr);
	if (iv->memmap_dir)
		push(iv, IT_ENTRY, iv->memmap_dir, name);
	s->memmap_changed = true;
}

/*
 * The ring wrapped within one iteration (an op with more than
 * EVENT_LOG_CAPACITY events): the removals are unknown, so every name that
 * ever existed and does not now is dropped.
 */
static void scan_wrapped(struct inval *iv, struct scan *s)
{
	const struct machine *m = iv->m;
	g_autoptr(GHashTable) nrs = g_hash_table_new(g_direct_hash, g_direct_equal);

	atomic_fetch_add(&iv->overflows, 1);
	if (iv->any_block)
		for (uint64_t id = iv->min_block; id <= iv->max_block; id++)
			if (!memory_blocks_find(&m->blocks, id))
				block_removed(iv, s, id);
	if (m->has_firmware_map) {
		for (guint i = 0; i < firmware_map_len(&m->firmware_map); i++)
			g_hash_table_add(nrs, GUINT_TO_POINTER(firmware_map_at(&m->firmware_map, i)->nr));
		for (unsigned nr = 0; nr <= iv->max_nr; nr++)
			if (!g_hash_table_contains(nrs, GUINT_TO_POINTER(nr)))
				memmap_removed(iv, s, nr);
	}
	s->memory_changed = s->memmap_changed = true;
}

uint64_t inval_scan(struct inval *iv)
{
	uint64_t last = event_log_last(&iv->m->log);
	struct scan s = { 0 };
	struct item *it;

	if (last == iv->seen)
		return iv->batch;
	if (!event_log_get(&iv->m->log, iv->seen + 1)) {
		scan_wrapped(iv, &s);
	} else {
		for (uint64_t seq = iv->seen + 1; seq <= last; seq++) {
			const struct event *e = event_log_get(&iv->m->log, seq);

			if (e->kind == EVENT_UEVENT && e->uevent == UEVENT_REMOVE)
				block_removed(iv, &s, e->block);
			else if (e->kind == EVENT_UEVENT && e->uevent == UEVENT_ADD)
				s.memory_changed = true;
			else if (e->kind == EVENT_FIRMWARE_MAP && e->change == CHANGE_REMOVE)
				memmap_removed(iv, &s, e->nr);
			else if (e->kind == EVENT_FIRMWARE_MAP)
				s.memmap_changed = true;
		}
	}
	iv->seen = last;
	note_ranges(iv);
	if (s.node_dirs)
		g_array_free(s.node_dirs, TRUE);
	if (!s.memory_changed && !s.memmap_changed)
		return iv->batch;
	/* Directory link counts count the subdirectories. */
	if (s.memory_changed && iv->memory_dir)
		push(iv, IT_ATTR, iv->memory_dir, NULL);
	if (s.memory_changed && iv->debug_dir)
		push(iv, IT_ATTR, iv->debug_dir, NULL);
	if (s.memmap_changed && iv->memmap_dir)
		push(iv, IT_ATTR, iv->memmap_dir, NULL);
	it = g_new0(struct item, 1);
	it->kind = IT_BARRIER;
	it->batch = ++iv->batch;
	g_async_queue_push(iv->q, it);
	return iv->batch;
}

int inval_fd(const struct inval *iv)
{
	return iv->efd;
}

uint64_t inval_done(struct inval *iv)
{
	uint64_t v;

	if (read(iv->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		perror("hotplugfs: eventfd read");
	return atomic_load(&iv->done);
}

void inval_get_stats(const struct inval *iv, struct inval_stats *out)
{
	out->queued = atomic_load(&iv->queued);
	out->sent = atomic_load(&iv->sent);
	out->not_cached = atomic_load(&iv->not_cached);
	out->failed = atomic_load(&iv->failed);
	out->overflows = atomic_load(&iv->overflows);
}

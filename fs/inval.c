/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Cache invalidation from a notifier thread (inval.h). */
#include "inval.h"

#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#include "backend.h"
#include "tree.h"

/* How long inval_stop waits for a notification in progress. */
#define STOP_WAIT_MS 30000

enum item_kind { IT_ENTRY, IT_NODE, IT_BARRIER, IT_STOP };

struct item {
	enum item_kind kind;
	tree_node ino;            /* IT_ENTRY: the parent; IT_NODE: the inode */
	uint64_t batch;           /* IT_BARRIER */
	char name[32];            /* IT_ENTRY: "memory" + 20 digits at most */
};

struct inval {
	struct inval_sink sink;
	struct backend *b;
	GAsyncQueue *q;
	pthread_t thread;
	bool running;
	int efd;                  /* batch done */
	int exit_fd;              /* the thread has ended */
	uint64_t batch;           /* last batch closed */
	bool open_batch;          /* items queued since the last flush */
	void (*settle)(void *ctx);  /* called before a batch closes */
	void *settle_ctx;
	_Atomic uint64_t done;    /* last batch the thread finished */
	_Atomic uint64_t queued, sent, not_cached, failed;
};

static void signal_fd(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		perror("hotplugfs: eventfd write");
}

static void count(struct inval *iv, int rc)
{
	if (rc == 0)
		atomic_fetch_add(&iv->sent, 1);
	else if (rc == -ENOENT)
		atomic_fetch_add(&iv->not_cached, 1);
	else
		atomic_fetch_add(&iv->failed, 1);
}

static void *notifier_main(void *p)
{
	struct inval *iv = p;

	for (;;) {
		struct item *it = g_async_queue_pop(iv->q);
		int rc = 0;

		switch (it->kind) {
		case IT_STOP:
			g_free(it);
			signal_fd(iv->exit_fd);
			return NULL;
		case IT_BARRIER:
			atomic_store(&iv->done, it->batch);
			signal_fd(iv->efd);
			g_free(it);
			continue;
		case IT_ENTRY:
			rc = iv->sink.entry(iv->sink.ctx, it->ino, it->name);
			break;
		case IT_NODE:
			rc = iv->sink.inode(iv->sink.ctx, it->ino);
			break;
		}
		count(iv, rc);
		g_free(it);
	}
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
	iv->open_batch = true;
}

static void on_change(void *ctx, enum tree_change what, tree_node n, const char *name)
{
	struct inval *iv = ctx;

	push(iv, what == TREE_NAME_REMOVED ? IT_ENTRY : IT_NODE, n, name);
}

/* Every event, as it is logged: what it touched goes on the queue at once. */
static void on_event(void *ctx, const struct event *e)
{
	struct inval *iv = ctx;

	tree_event_changes(iv->b->model, e, on_change, iv);
}

static int fuse_entry(void *ctx, tree_node parent, const char *name)
{
	return fuse_lowlevel_notify_inval_entry(ctx, parent, name, strlen(name));
}

/* Offset 0, length 0: the attributes and every cached page (for a
 * directory, its cached entries: FOPEN_CACHE_DIR). */
static int fuse_inode(void *ctx, tree_node ino)
{
	return fuse_lowlevel_notify_inval_inode(ctx, ino, 0, 0);
}

/* A negative offset: the attributes only. */
static int fuse_attrs(void *ctx, tree_node ino)
{
	return fuse_lowlevel_notify_inval_inode(ctx, ino, -1, 0);
}

struct inval *inval_new(struct fuse_session *se, struct backend *b)
{
	const struct inval_sink sink = { .entry = fuse_entry, .inode = fuse_inode,
					 .attrs = fuse_attrs, .ctx = se };

	return inval_new_with_sink(b, &sink);
}

struct inval *inval_new_with_sink(struct backend *b, const struct inval_sink *sink)
{
	struct inval *iv = g_new0(struct inval, 1);

	iv->sink = *sink;
	iv->b = b;
	iv->q = g_async_queue_new();
	iv->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	iv->exit_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (iv->efd < 0 || iv->exit_fd < 0) {
		perror("hotplugfs: eventfd");
		if (iv->efd >= 0)
			close(iv->efd);
		g_async_queue_unref(iv->q);
		g_free(iv);
		return NULL;
	}
	event_log_subscribe(b->log, on_event, iv);
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

bool inval_stop(struct inval *iv, void (*serve)(void *ctx), void *ctx)
{
	gint64 deadline = g_get_monotonic_time() + STOP_WAIT_MS * G_TIME_SPAN_MILLISECOND;
	struct item *it;

	if (!iv || !iv->running)
		return true;
	/* First in line: whatever is still queued is of no use now. */
	it = g_new0(struct item, 1);
	it->kind = IT_STOP;
	g_async_queue_push_front(iv->q, it);
	while (g_get_monotonic_time() < deadline) {
		struct pollfd p = { .fd = iv->exit_fd, .events = POLLIN };

		if (poll(&p, 1, 10) > 0) {
			pthread_join(iv->thread, NULL);
			iv->running = false;
			return true;
		}
		if (serve)
			serve(ctx);
	}
	fprintf(stderr, "hotplugfs: the notifier thread did not end within %d s\n",
		STOP_WAIT_MS / 1000);
	return false;
}

void inval_free(struct inval *iv)
{
	struct item *it;

	if (!iv)
		return;
	g_return_if_fail(!iv->running);
	event_log_unsubscribe(iv->b->log, on_event, iv);
	while ((it = g_async_queue_try_pop(iv->q)))
		g_free(it);
	g_async_queue_unref(iv->q);
	close(iv->efd);
	close(iv->exit_fd);
	g_free(iv);
}

void inval_node(struct inval *iv, tree_node n)
{
	push(iv, IT_NODE, n, NULL);
}

void inval_attrs_now(struct inval *iv, tree_node n)
{
	if (!iv->sink.attrs) {
		inval_node(iv, n);
		return;
	}
	atomic_fetch_add(&iv->queued, 1);
	count(iv, iv->sink.attrs(iv->sink.ctx, n));
}

void inval_set_settle(struct inval *iv, void (*fn)(void *ctx), void *ctx)
{
	iv->settle = fn;
	iv->settle_ctx = ctx;
}

uint64_t inval_flush(struct inval *iv)
{
	struct item *it;

	if (iv->settle)
		iv->settle(iv->settle_ctx);
	if (!iv->open_batch)
		return iv->batch;
	it = g_new0(struct item, 1);
	it->kind = IT_BARRIER;
	it->batch = ++iv->batch;
	g_async_queue_push(iv->q, it);
	iv->open_batch = false;
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
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A real kernel as a backend (backend.h).  The model is what `capture
 * --live` would write, loaded as that fixture would be: the tree then serves
 * the kernel's files through the same code as every simulated machine, and a
 * difference between the two is a bug of the capture or of the simulator.
 *
 * The model is rebuilt when the kernel says something changed: a record on
 * hotplugfs_kmod's `events` stream (a memory notifier call) or any kernel
 * uevent (a DIMM, a virtio-mem resize and a namespace change resources
 * without a notifier call).  Each rebuild logs the notifier calls as
 * EVENT_NOTIFY, then what differs between the old and new model as the
 * uevents, iomem and firmware-map events the simulator would have logged,
 * so invalidation and the watch stream work as for a simulated machine.
 *
 * Stores are refused (EROFS) unless forwarded (live_options.stores): then
 * each runs on a thread of its own as a write(2) to the kernel's file, and
 * the FUSE loop goes on serving readers meanwhile (STORE_PENDING); a signal
 * to the writer is passed on to that thread, so the kernel sees it as the
 * writer's (offline_pages() stops with EINTR).
 */
#include "backend.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "boot.h"
#include "capture.h"
#include "capture_kmod.h"
#include "errors.h"
#include "fixture.h"
#include "kmod_files.h"
#include "machine.h"
#include "ops.h"
#include "sysdir.h"

/* What one read of `events` can hold: lines are at most ~260 bytes. */
#define EVENTS_READ 65536
/* Interrupts a forwarded store's write(2): a handler that does nothing,
 * installed without SA_RESTART. */
#define STORE_SIGNAL (SIGRTMIN + 3)

struct forwarded_store {
	char *path;                    /* the kernel's file, below the root */
	char *buf;
	size_t len;
	int root_fd;
	int done_fd;                   /* the backend's completion eventfd */
	pthread_t thread;
	int result;                    /* 0 or -errno, once done */
};

struct live_backend {
	struct backend b;
	char *sysroot;
	bool stores;
	struct sysdir root;
	struct machine *m;             /* the last model */
	struct event_log log;          /* outlives the models */
	uint64_t generation;
	uint16_t blocks_created;       /* generations of blocks added since the start */
	GStringChunk *names;           /* event names: the log outlives the models */
	int events_fd, uevent_fd;
	GString *partial;              /* `events` bytes short of a whole line */
	GArray *held;                  /* struct kmod_event: first records awaiting their last */
	struct forwarded_store *store; /* the store under way, or NULL */
};

static struct live_backend *live_of(struct backend *b)
{
	return (struct live_backend *)b;
}

/* ---- the model ---------------------------------------------------------- */

static struct machine *build_model(struct live_backend *lb, GError **err)
{
	struct capture_request r = {
		.sysroot = lb->sysroot,
		.description = "the running kernel, mirrored by hotplugfs mount --live",
		.kmod = true,
	};
	json_object *fx = capture_fixture(&r, err);
	struct fixture *f;
	struct machine *m;
	const char *text;

	if (!fx)
		return NULL;
	text = json_object_to_json_string_ext(fx, JSON_C_TO_STRING_PLAIN);
	f = fixture_parse(lb->sysroot ? lb->sysroot : "<live kernel>", text, strlen(text), err);
	json_object_put(fx);
	if (!f)
		return NULL;
	m = machine_boot(f, err);
	fixture_free(f);
	return m;
}

/* ---- what changed --------------------------------------------------------- */

static void log_event(struct live_backend *lb, struct event e)
{
	if (e.name)
		e.name = g_string_chunk_insert_const(lb->names, e.name);
	event_log_add(&lb->log, e);
}

/* The uevents a block's kernel path sends (add_memory_block,
 * memory_block_online/offline, remove_memory_block: drivers/base/memory.c). */
static void block_uevent(struct live_backend *lb, uint64_t id, enum uevent_action a)
{
	log_event(lb, (struct event){ .kind = EVENT_UEVENT, .block = id, .uevent = a });
}

/*
 * What the kernel says of blocks that came, changed state or went, in
 * three phases (refresh() puts the rest between them): a new block's "add"
 * comes before any call about it (create_memory_block_devices() in
 * add_memory_resource()), "online"/"offline" after its calls
 * (device_online()/device_offline(), drivers/base/core.c), "remove" last,
 * after an online block that went said "offline" (remove_memory_block_devices()
 * in try_remove_memory(); mm/memory_hotplug.c, 6.1 and 6.12).
 */
enum block_phase { BLOCKS_ADDED, BLOCKS_CHANGED, BLOCKS_REMOVED };

static void diff_blocks(struct live_backend *lb, const struct machine *old,
			const struct machine *new, enum block_phase phase)
{
	size_t i = 0, j = 0;

	while (i < old->blocks.n || j < new->blocks.n) {
		const struct memory_block *a = i < old->blocks.n ? &old->blocks.v[i] : NULL;
		const struct memory_block *b = j < new->blocks.n ? &new->blocks.v[j] : NULL;

		if (a && (!b || a->id < b->id)) {
			if (phase == BLOCKS_CHANGED && a->state != BLOCK_OFFLINE)
				block_uevent(lb, a->id, UEVENT_OFFLINE);
			else if (phase == BLOCKS_REMOVED)
				block_uevent(lb, a->id, UEVENT_REMOVE);
			i++;
		} else if (b && (!a || b->id < a->id)) {
			if (phase == BLOCKS_ADDED)
				block_uevent(lb, b->id, UEVENT_ADD);
			else if (phase == BLOCKS_CHANGED && b->state != BLOCK_OFFLINE)
				block_uevent(lb, b->id, UEVENT_ONLINE);
			j++;
		} else {
			/* going-offline is no uevent: the notifier call named it. */
			bool was = a->state != BLOCK_OFFLINE, is = b->state != BLOCK_OFFLINE;

			if (phase == BLOCKS_CHANGED && was != is)
				block_uevent(lb, b->id, is ? UEVENT_ONLINE : UEVENT_OFFLINE);
			i++;
			j++;
		}
	}
}

/* Every resource of a tree, keyed by depth, range, flags and name. */
static void collect_resources(const struct resource *r, unsigned depth, GHashTable *out)
{
	for (; r; r = r->sibling) {
		char *key = g_strdup_printf("%u %" PRIx64 " %" PRIx64 " %x %s", depth, r->start,
					    r->end, r->flags, r->name);

		g_hash_table_insert(out, key, (gpointer)r);
		collect_resources(r->child, depth + 1, out);
	}
}

static void log_resources_missing(struct live_backend *lb, GHashTable *from, GHashTable *in,
				  enum change c)
{
	GHashTableIter it;
	gpointer key, value;

	g_hash_table_iter_init(&it, from);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		const struct resource *r = value;

		if (!g_hash_table_contains(in, key))
			log_event(lb, (struct event){ .kind = EVENT_IOMEM, .change = c,
						      .start = r->start, .end = r->end,
						      .name = r->name });
	}
}

/* The resources added (C: CHANGE_ADD) or removed (CHANGE_REMOVE). */
static void diff_iomem(struct live_backend *lb, const struct machine *old,
		       const struct machine *new, enum change c)
{
	g_autoptr(GHashTable) a = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) b = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

	collect_resources(old->iomem.child, 0, a);
	collect_resources(new->iomem.child, 0, b);
	if (c == CHANGE_REMOVE)
		log_resources_missing(lb, a, b, CHANGE_REMOVE);
	else
		log_resources_missing(lb, b, a, CHANGE_ADD);
}

static bool same_entry(const struct firmware_map_entry *x, const struct firmware_map_entry *y)
{
	return x->nr == y->nr && x->start == y->start && x->end == y->end &&
	       !strcmp(x->type, y->type);
}

static void log_entries_missing(struct live_backend *lb, const struct firmware_map *from,
				const struct firmware_map *in, enum change c)
{
	for (guint i = 0; i < firmware_map_len(from); i++) {
		const struct firmware_map_entry *e = firmware_map_at(from, i);
		const struct firmware_map_entry *o = firmware_map_find(in, e->nr);

		if (!o || !same_entry(e, o))
			log_event(lb, (struct event){ .kind = EVENT_FIRMWARE_MAP, .change = c,
						      .start = e->start, .end = e->end,
						      .name = e->type, .nr = e->nr });
	}
}

/* The entries added (C: CHANGE_ADD) or removed (CHANGE_REMOVE). */
static void diff_firmware_map(struct live_backend *lb, const struct machine *old,
			      const struct machine *new, enum change c)
{
	if (c == CHANGE_REMOVE)
		log_entries_missing(lb, &old->firmware_map, &new->firmware_map, CHANGE_REMOVE);
	else
		log_entries_missing(lb, &new->firmware_map, &old->firmware_map, CHANGE_ADD);
}

/* ---- the module's notifier stream ------------------------------------------ */

/*
 * One chain call as the simulator logs it: the action and range the first
 * callback saw, and what the chain returned.  The last callback (lowest
 * priority) saw the call only if nobody stopped it: then the chain returned
 * the last one's answer.  If the first callback vetoed, its answer; if one in
 * between did, its errno is not visible from the module: NOTIFY_BAD.
 */
static void log_call(struct live_backend *lb, const struct kmod_event *first, int chain_ret)
{
	if (!first->known)
		return;
	log_event(lb, (struct event){ .kind = EVENT_NOTIFY, .block = first->arg.block,
				      .action = first->action, .raw = first->raw,
				      .ret = chain_ret, .arg = first->arg });
}

static bool same_call(const struct kmod_event *a, const struct kmod_event *b)
{
	return a->raw == b->raw && a->arg.start_pfn == b->arg.start_pfn &&
	       a->arg.nr_pages == b->arg.nr_pages;
}

static void on_record(struct live_backend *lb, const struct kmod_event *e)
{
	if (e->lost) {
		fprintf(stderr, "hotplugfs: live: fell behind the module's events: %" PRIu64
			" notifier calls missed\n", e->lost);
		g_array_set_size(lb->held, 0);
		return;
	}
	if (!e->last) {
		/* A new call: the one held before it never reached the last callback. */
		for (guint i = 0; i < lb->held->len; i++) {
			const struct kmod_event *h = &g_array_index(lb->held, struct kmod_event, i);

			log_call(lb, h, (h->ret & NOTIFY_STOP_MASK) ? h->ret : NOTIFY_BAD);
		}
		g_array_set_size(lb->held, 0);
		g_array_append_val(lb->held, *e);
		return;
	}
	for (guint i = 0; i < lb->held->len; i++) {
		const struct kmod_event *h = &g_array_index(lb->held, struct kmod_event, i);

		if (same_call(h, e)) {
			log_call(lb, h, e->ret);
			g_array_remove_index(lb->held, i);
			return;
		}
	}
	/* A last record without its first: the module was loaded mid-call, or
	 * records were lost.  It still is a call the chain made. */
	log_call(lb, e, e->ret);
}

/* Reads what the stream holds; false when it failed for good. */
static bool read_events(struct live_backend *lb)
{
	char buf[EVENTS_READ];

	for (;;) {
		ssize_t n = read(lb->events_fd, buf, sizeof(buf));
		char *line, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		if (n <= 0) {
			fprintf(stderr, "hotplugfs: live: reading %s/events: %s\n", KMOD_DIR,
				n ? g_strerror(errno) : "end of stream");
			return false;
		}
		g_string_append_len(lb->partial, buf, n);
		for (line = lb->partial->str; (nl = strchr(line, '\n')); line = nl + 1) {
			struct kmod_event e;

			*nl = '\0';
			if (kmod_parse_event(line, &e))
				on_record(lb, &e);
			else
				fprintf(stderr, "hotplugfs: live: %s/events: ignored \"%s\"\n",
					KMOD_DIR, line);
		}
		g_string_erase(lb->partial, 0, line - lb->partial->str);
	}
}

/* Kernel uevents only say that something changed: the rebuild finds what. */
static void drain_uevents(struct live_backend *lb)
{
	char buf[8192];

	while (recv(lb->uevent_fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0 || errno == EINTR)
		;
}

/* ---- refresh ------------------------------------------------------------ */

/* A block keeps its generation (its node ids) from one model to the next; one
 * that came since gets a new one, so an old handle of a removed block never
 * reaches its successor (ENODEV), as in the simulator. */
static void carry_generations(struct live_backend *lb, const struct machine *old,
			      struct machine *new)
{
	for (size_t i = 0; i < new->blocks.n; i++) {
		struct memory_block *b = &new->blocks.v[i];
		const struct memory_block *was = memory_blocks_find(&old->blocks, b->id);

		b->gen = was ? was->gen : ++lb->blocks_created;
	}
}

static void take_calls(struct live_backend *lb)
{
	if (lb->events_fd >= 0 && !read_events(lb)) {
		close(lb->events_fd);
		lb->events_fd = -1;
	}
}

/*
 * Replaces the model by a new capture and logs what happened since the last
 * one in the order the kernel does it: memory comes as its resource
 * (register_memory_resource()), its blocks, its firmware-map entry
 * (firmware_map_add_hotplug()), then the notifier calls and "online"; it
 * goes, after its calls and "offline", as its firmware-map entry
 * (firmware_map_remove()), its blocks, its resource (add_memory_resource(),
 * try_remove_memory();
 * mm/memory_hotplug.c, 6.1 and 6.12).  On failure (hotplug kept running
 * through every try) the old model stays, and only the calls are logged.
 */
static void refresh(struct live_backend *lb)
{
	g_autoptr(GError) err = NULL;
	struct machine *new = build_model(lb, &err);
	struct machine *old = lb->m;

	/* The new model first: whoever an event reaches reads the tree after it. */
	if (new) {
		carry_generations(lb, old, new);
		lb->m = new;
		lb->b.model = new;
		lb->generation++;
		diff_iomem(lb, old, new, CHANGE_ADD);
		diff_blocks(lb, old, new, BLOCKS_ADDED);
		diff_firmware_map(lb, old, new, CHANGE_ADD);
	}
	/*
	 * The calls read after the capture: a block's state changes only once
	 * its notifier chain has run, so every call behind a change the
	 * capture saw is in the stream by now.
	 */
	take_calls(lb);
	if (!new) {
		fprintf(stderr, "hotplugfs: live: the kernel's state could not be read, serving "
			"the previous one: %s\n", err->message);
		return;
	}
	diff_blocks(lb, old, new, BLOCKS_CHANGED);
	diff_firmware_map(lb, old, new, CHANGE_REMOVE);
	diff_blocks(lb, old, new, BLOCKS_REMOVED);
	diff_iomem(lb, old, new, CHANGE_REMOVE);
	machine_free(old);
}

static void live_changes(struct backend *b)
{
	struct live_backend *lb = live_of(b);

	if (lb->uevent_fd >= 0)
		drain_uevents(lb);
	refresh(lb);
}

/* ---- stores --------------------------------------------------------------- */

static void store_signal_handler(int sig)
{
	(void)sig;
}

static void *store_thread(void *arg)
{
	struct forwarded_store *s = arg;
	int fd = openat(s->root_fd, s->path, O_WRONLY | O_CLOEXEC);
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, STORE_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (fd < 0) {
		s->result = -errno;
	} else {
		/* One write(2), as the writer made it: its result is the kernel's. */
		ssize_t n = write(fd, s->buf, s->len);

		s->result = n < 0 ? -errno : 0;
		close(fd);
	}
	eventfd_write(s->done_fd, 1);
	return NULL;
}

static void store_free(struct forwarded_store *s)
{
	g_free(s->path);
	g_free(s->buf);
	g_free(s);
}

static int live_store(struct backend *b, tree_node n, const char *buf, size_t len)
{
	struct live_backend *lb = live_of(b);
	g_autoptr(GString) path = g_string_new(NULL);
	struct forwarded_store *s;
	int rc = tree_path(lb->m, n, path);

	if (rc)
		return rc;
	if (!lb->stores) {
		fprintf(stderr, "hotplugfs: live: store to %s refused: the mirror is read-only "
			"(mount with --live-stores to pass stores to the kernel)\n", path->str);
		return -EROFS;
	}
	if (lb->store)
		return STORE_RETRY;   /* as lock_device_hotplug_sysfs() would make it wait */
	if (faccessat(lb->root.fd, path->str, W_OK, AT_EACCESS) != 0) {
		fprintf(stderr, "hotplugfs: live: store to %s refused: the kernel has no such "
			"writable file (%s)\n", path->str, g_strerror(errno));
		return -EROFS;
	}
	s = g_new0(struct forwarded_store, 1);
	s->path = g_string_free(g_steal_pointer(&path), FALSE);
	s->buf = g_memdup2(buf, len);
	s->len = len;
	s->root_fd = lb->root.fd;
	s->done_fd = b->completion_fd;
	rc = pthread_create(&s->thread, NULL, store_thread, s);
	if (rc) {
		store_free(s);
		return -rc;
	}
	lb->store = s;
	return STORE_PENDING;
}

/* Waits for the store's thread and brings the model up to date, so the
 * store is answered with the kernel's state after it. */
static int finish_store(struct live_backend *lb)
{
	struct forwarded_store *s = lb->store;
	int rc;

	pthread_join(s->thread, NULL);
	rc = s->result;
	store_free(s);
	lb->store = NULL;
	refresh(lb);
	return rc;
}

static int live_complete(struct backend *b)
{
	struct live_backend *lb = live_of(b);
	eventfd_t ticks;

	/* Nonblocking: nothing to read means the thread is still writing. */
	if (!lb->store || eventfd_read(b->completion_fd, &ticks) != 0)
		return STORE_PENDING;
	return finish_store(lb);
}

static int live_interrupt(struct backend *b)
{
	struct live_backend *lb = live_of(b);

	eventfd_t ticks;
	int rc;

	if (!lb->store)
		return -EINTR;
	pthread_kill(lb->store->thread, STORE_SIGNAL);
	rc = finish_store(lb);
	eventfd_read(b->completion_fd, &ticks);   /* the thread's end, told already */
	return rc;
}

static int live_op(struct backend *b, json_object *req, json_object **result, GError **err)
{
	struct live_backend *lb = live_of(b);
	json_object *verb;

	/* Only what reads the machine: the rest would change a real kernel
	 * behind its own interfaces. */
	if (json_object_object_get_ex(req, "op", &verb) &&
	    !strcmp(json_object_get_string(verb), "dump"))
		return machine_op(lb->m, req, result, err);
	bad_request(err, "%s: not available on a live kernel (ops other than dump change a "
		    "simulated machine only)", verb ? json_object_get_string(verb) : "op");
	return -EINVAL;
}

static void live_kexec_record(struct backend *b, bool crash, bool unload)
{
	(void)b;
	(void)crash;
	(void)unload;
}

static void live_free(struct backend *b)
{
	struct live_backend *lb = live_of(b);

	if (lb->store) {
		pthread_kill(lb->store->thread, STORE_SIGNAL);
		pthread_join(lb->store->thread, NULL);
		store_free(lb->store);
	}
	machine_free(lb->m);
	event_log_clear(&lb->log);
	g_string_chunk_free(lb->names);
	if (lb->events_fd >= 0)
		close(lb->events_fd);
	if (lb->uevent_fd >= 0)
		close(lb->uevent_fd);
	if (b->changes_fd >= 0)
		close(b->changes_fd);
	if (b->completion_fd >= 0)
		close(b->completion_fd);
	g_string_free(lb->partial, TRUE);
	g_array_unref(lb->held);
	sysdir_close(&lb->root);
	g_free(lb->sysroot);
	g_free(lb);
}

static const struct backend_ops live_ops = {
	.store = live_store,
	.op = live_op,
	.complete = live_complete,
	.interrupt = live_interrupt,
	.kexec_record = live_kexec_record,
	.changes = live_changes,
	.free = live_free,
};

/* ---- setup ------------------------------------------------------------------ */

/* Every kernel uevent (kobject_uevent_net_broadcast(), lib/kobject_uevent.c):
 * group 1 of NETLINK_KOBJECT_UEVENT, which needs no privilege to read. */
static int open_uevents(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			NETLINK_KOBJECT_UEVENT);

	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static bool watch_fd(int epfd, int fd, GError **err)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (fd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
		return true;
	capture_errno_error(err, errno);
	g_prefix_error(err, "hotplugfs: epoll: ");
	return false;
}

/* The stream and the uevents, for a running kernel (a sysroot is a copy
 * and never changes). */
static bool open_sources(struct live_backend *lb, GError **err)
{
	/* Without the module, say how to load it, as capture --live does:
	 * the stream's ENOENT alone does not name it. */
	if (!kmod_capture_present(&lb->root, err))
		return false;
	lb->events_fd = sysdir_open_file(&lb->root, KMOD_DIR "/events", err);
	if (lb->events_fd < 0 ||
	    fcntl(lb->events_fd, F_SETFL, fcntl(lb->events_fd, F_GETFL) | O_NONBLOCK) != 0)
		return false;
	lb->uevent_fd = open_uevents();
	if (lb->uevent_fd < 0)
		fprintf(stderr, "hotplugfs: live: no kernel uevents (%s): hot-added memory shows "
			"once a block changes state\n", g_strerror(errno));
	lb->b.changes_fd = epoll_create1(EPOLL_CLOEXEC);
	if (lb->b.changes_fd < 0) {
		capture_errno_error(err, errno);
		return false;
	}
	return watch_fd(lb->b.changes_fd, lb->events_fd, err) &&
	       watch_fd(lb->b.changes_fd, lb->uevent_fd, err);
}

static void install_store_signal(void)
{
	struct sigaction sa = { .sa_handler = store_signal_handler };
	sigset_t set;

	sigemptyset(&sa.sa_mask);
	sigaction(STORE_SIGNAL, &sa, NULL);
	/* Delivered only to a store's thread, which unblocks it. */
	sigemptyset(&set);
	sigaddset(&set, STORE_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

struct backend *live_backend_open(const struct live_options *o, GError **err)
{
	struct live_backend *lb = g_new0(struct live_backend, 1);

	lb->sysroot = g_strdup(o->sysroot);
	lb->stores = o->stores;
	lb->events_fd = lb->uevent_fd = -1;
	lb->b.changes_fd = lb->b.completion_fd = -1;
	lb->b.ops = &live_ops;
	lb->b.name = "live";
	lb->names = g_string_chunk_new(4096);
	lb->partial = g_string_new(NULL);
	lb->held = g_array_new(FALSE, FALSE, sizeof(struct kmod_event));
	event_log_init(&lb->log);
	lb->b.log = &lb->log;
	lb->b.generation = &lb->generation;
	lb->root.fd = -1;
	if (!sysdir_open_root(o->sysroot, &lb->root, err))
		goto fail;
	/* The stream first: a call made while the model is built is then
	 * seen, and triggers a rebuild. */
	if (!o->sysroot && !open_sources(lb, err))
		goto fail;
	lb->m = build_model(lb, err);
	if (!lb->m)
		goto fail;
	lb->b.model = lb->m;
	lb->b.cpus = lb->m->cpus;
	lb->b.inject_priority = lb->m->inject.nb.priority;
	if (o->stores) {
		lb->b.completion_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		install_store_signal();
	}
	return &lb->b;
fail:
	live_free(&lb->b);
	return NULL;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulator as a backend (backend.h): stores go through the file tree to
 * the kernel paths of core/online.c and core/hotplug.c, ops to core/ops.c.
 * A slow offline (STORE_PENDING) ends when a timerfd armed with the
 * migration's duration fires, the way offline_pages() loops for that long.
 */
#include "backend.h"

#include <errno.h>
#include <stdio.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "device_uevent.h"
#include "kexec.h"
#include "machine.h"
#include "online.h"
#include "ops.h"
#include "scenario.h"

struct sim_backend {
	struct backend b;
	struct machine *m;
	struct device_uevents *uevents;   /* the nd and dax devices' */
};

static struct machine *machine_of(struct backend *b)
{
	return ((struct sim_backend *)b)->m;
}

/* Arms (ms > 0) or disarms (ms == 0) the completion timer.  Setting it also
 * clears an expiry not yet read (timerfd_settime resets the count). */
static void set_timer(struct backend *b, unsigned ms)
{
	struct itimerspec its = { 0 };

	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (long)(ms % 1000) * 1000000L;
	if (timerfd_settime(b->completion_fd, 0, &its, NULL) != 0)
		perror("hotplugfs: timerfd_settime");
}

static int sim_store(struct backend *b, tree_node n, const char *buf, size_t len)
{
	struct machine *m = machine_of(b);
	int rc = tree_write(m, n, buf, len);

	if (rc == STORE_PENDING)
		set_timer(b, m->pending.duration_ms ? m->pending.duration_ms : 1);
	return rc;
}

static int sim_op(struct backend *b, json_object *req, json_object **result, GError **err)
{
	return machine_op(machine_of(b), req, result, err);
}

static int sim_complete(struct backend *b)
{
	struct machine *m = machine_of(b);
	uint64_t ticks;

	/* Nonblocking: a disarm racing with the expiry leaves nothing to read. */
	if (read(b->completion_fd, &ticks, sizeof(ticks)) != (ssize_t)sizeof(ticks) ||
	    !machine_hotplug_busy(m))
		return STORE_PENDING;
	return machine_hotplug_finish(m);
}

static int sim_interrupt(struct backend *b)
{
	struct machine *m = machine_of(b);

	set_timer(b, 0);
	if (!machine_hotplug_busy(m))
		return -EINTR;
	return machine_hotplug_interrupt(m);
}

static void sim_kexec_record(struct backend *b, bool crash, bool unload)
{
	kexec_record(machine_of(b), crash, unload);
}

static void sim_free(struct backend *b)
{
	struct sim_backend *s = (struct sim_backend *)b;

	device_uevents_unfollow(s->uevents);
	machine_free(s->m);
	close(b->completion_fd);
	g_free(s);
}

static const struct backend_ops sim_ops = {
	.store = sim_store,
	.op = sim_op,
	.complete = sim_complete,
	.interrupt = sim_interrupt,
	.kexec_record = sim_kexec_record,
	.free = sim_free,
};

struct backend *sim_backend_new(struct machine *m, GError **err)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	struct sim_backend *s;

	if (fd < 0) {
		g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
			    "hotplugfs: timerfd_create: %s", g_strerror(errno));
		machine_free(m);
		return NULL;
	}
	s = g_new0(struct sim_backend, 1);

	s->m = m;
	s->b.ops = &sim_ops;
	s->b.name = "simulation";
	s->b.model = m;
	s->b.log = &m->log;
	s->b.generation = &m->generation;
	s->b.cpus = m->cpus;
	s->b.inject_priority = m->inject.nb.priority;
	s->b.completion_fd = fd;
	s->b.changes_fd = -1;
	/* From here on: a machine's boot and its fixture's scenario steps have
	 * no listener to tell. */
	s->uevents = device_uevents_follow(m);
	return &s->b;
}

struct backend *sim_backend_load(const char *fixture, size_t n_steps, GError **err)
{
	struct machine *m = scenario_load(fixture, n_steps, err);

	return m ? sim_backend_new(m, err) : NULL;
}

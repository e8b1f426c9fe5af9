/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The seam between the front ends (fs/: the FUSE adapter, the control
 * socket, run, show) and what answers them, in the manner of the kernel's
 * file_operations.  A backend owns a model of a machine that the file tree
 * (core/tree.h) reads, a log of every change to it (core/event_log.h), and
 * decides what a store, an op or a kexec load does: the simulator
 * (core/sim_backend.c) runs the kernel's paths on its own machine; the live
 * backend (core/live_backend.c) mirrors a real kernel through hotplugfs_kmod
 * and replaces its model whenever the kernel changed.  A front end holds only
 * a struct backend: the model is opaque to it, and read through b->model
 * each time (it is a different one after changes()).
 *
 * Threads: everything but kexec_record runs on the thread that owns the
 * backend (the FUSE loop).
 */
#ifndef HOTPLUGFS_BACKEND_H
#define HOTPLUGFS_BACKEND_H

#include <glib.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event_log.h"
#include "store.h"
#include "tree.h"

struct backend;

struct backend_ops {
	/* One store() to file n (at most a page, kernfs_fop_write_iter): 0,
	 * -errno, STORE_PENDING (the store goes on; completion_fd says when it
	 * ends) or STORE_RETRY (the pending store holds the hotplug lock: run
	 * this one again after it, as restart_syscall() would). */
	int (*store)(struct backend *b, tree_node n, const char *buf, size_t len);
	/* An op of the vocabulary (core/ops.h): 0, or -errno with *err set. */
	int (*op)(struct backend *b, json_object *req, json_object **result, GError **err);
	/* The pending store's end, once completion_fd was readable: its result. */
	int (*complete)(struct backend *b);
	/* The pending store's writer got a signal: its result (-EINTR, or what
	 * the store ended with if it had already ended). */
	int (*interrupt)(struct backend *b);
	/* An intercepted kexec_load/kexec_file_load, answered with success:
	 * record the image as the kernel would.  Any thread. */
	void (*kexec_record)(struct backend *b, bool crash, bool unload);
	/* changes_fd was readable: bring the model up to date, logging what
	 * changed.  NULL when changes_fd is -1. */
	void (*changes)(struct backend *b);
	/* --state: journal every acknowledged change in file (backend_journal).
	 * NULL when the backend cannot. */
	bool (*journal)(struct backend *b, const char *fixture, const char *file, GError **err);
	void (*free)(struct backend *b);
};

struct backend {
	const struct backend_ops *ops;
	const char *name;                  /* "simulation" */
	const struct machine *model;       /* what the tree reads; opaque to front ends */
	struct event_log *log;             /* every change, in order; subscribe here */
	const uint64_t *generation;        /* bumped by every change of the model */
	int completion_fd;                 /* readable when the pending store ends; -1: none */
	int changes_fd;                    /* readable when the machine changed by itself; -1: never */
	/* What a front end needs to know that no file of the tree says. */
	unsigned cpus;                     /* for the per-cpu crash notes */
	int inject_priority;               /* memory-notifier-error-inject's priority= */
};

static inline int backend_store(struct backend *b, tree_node n, const char *buf, size_t len)
{
	return b->ops->store(b, n, buf, len);
}
static inline int backend_op(struct backend *b, json_object *req, json_object **result,
			     GError **err)
{
	return b->ops->op(b, req, result, err);
}
static inline int backend_complete(struct backend *b)
{
	return b->ops->complete(b);
}
static inline int backend_interrupt(struct backend *b)
{
	return b->ops->interrupt(b);
}
static inline void backend_kexec_record(struct backend *b, bool crash, bool unload)
{
	b->ops->kexec_record(b, crash, unload);
}
static inline void backend_changes(struct backend *b)
{
	if (b->ops->changes)
		b->ops->changes(b);
}
/* From now on, every change the backend acknowledges is appended to the
 * journal file (core/journal.h, docs/journal.md) and synced before store()
 * or op() returns; first, what the file already holds is replayed, so that
 * the machine is the one a daemon serving the same fixture had when it was
 * killed.  Call right after loading, with the fixture it was loaded from.
 * false with *err (JOURNAL_ERROR; JOURNAL_ERROR_UNSUPPORTED for a backend
 * whose state is not its own, such as a live kernel's). */
bool backend_journal(struct backend *b, const char *fixture, const char *file, GError **err);
void backend_free(struct backend *b);
typedef struct backend backend;   /* for g_autoptr(backend) */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(backend, backend_free)

/* ---- the simulator (core/sim_backend.c) --------------------------------- */

/* The machine a fixture describes after its first n_steps scenario ops
 * (SIZE_MAX: all).  NULL with *err ("FILE: JSON-PATH: reason"). */
struct backend *sim_backend_load(const char *fixture, size_t n_steps, GError **err);
/* Serves a machine already built (tests); takes it over, also on failure. */
struct backend *sim_backend_new(struct machine *m, GError **err);

/* ---- a real kernel (core/live_backend.c) ------------------------------- */

struct live_options {
	const char *sysroot;       /* NULL: the running kernel; else a copy, which never changes */
	bool stores;               /* forward stores to the kernel's files (else EROFS) */
};

/* The running kernel as hotplugfs_kmod reports it.  NULL with *err
 * (CAPTURE_ERROR or FIXTURE_ERROR: "PATH: reason"), e.g. when the module is
 * not loaded. */
struct backend *live_backend_open(const struct live_options *o, GError **err);

#endif

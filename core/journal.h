/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal of a served machine (docs/journal.md, `hotplugfs mount
 * --state FILE`): every change the backend acknowledges -- a store, an op,
 * the end of a slow offline, a kexec load -- is appended to FILE and synced
 * before the reply goes out.  The simulation is deterministic, so the
 * machine after a crash is the fixture's, booted, with the journal's
 * records replayed in order: journal_open() does that, checking that every
 * record still has the result it had, and then appends to the same file.
 *
 * A record that cannot be written and synced ends the process before the
 * change is acknowledged (exit status 1, the reason on stderr): the journal
 * then still holds exactly what was acknowledged, which a restart restores.
 *
 * Threads: journal_kexec may be called from any thread; the rest from the
 * thread that owns the machine.
 */
#ifndef HOTPLUGFS_JOURNAL_H
#define HOTPLUGFS_JOURNAL_H

#include <glib.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "tree.h"

#define JOURNAL_FORMAT 1

#define JOURNAL_ERROR (journal_error_quark())
GQuark journal_error_quark(void);
enum {
	JOURNAL_ERROR_FIXTURE = 1,    /* written for other fixture bytes */
	JOURNAL_ERROR_CORRUPT,        /* not a journal, or a record that does not parse */
	JOURNAL_ERROR_DIVERGED,       /* a record replays to another result */
	JOURNAL_ERROR_BUSY,           /* another process has it open */
	JOURNAL_ERROR_IO,
	JOURNAL_ERROR_UNSUPPORTED,    /* the backend has no state of its own to journal */
};

struct machine;
struct journal;

/*
 * Opens FILE (created, with its header, when it does not exist or is
 * empty) for the machine m booted from the fixture file fixture, replays
 * its records on m and keeps it locked for appending.  A store still
 * running when the journal ends (its writer was never answered) is
 * interrupted, as the kernel's signal backoff would.  A last record cut
 * short by the crash was never acknowledged and is dropped.  NULL with
 * *err (JOURNAL_ERROR, "FILE: line N: reason").
 */
struct journal *journal_open(const char *file, const char *fixture, struct machine *m,
			     GError **err);
void journal_free(struct journal *j);

/* The path of n from the root ("sys/devices/system/memory/memory32/state"),
 * as a store record names it; NULL when n does not exist.  Taken before the
 * store (which might remove n). */
char *journal_path(const struct machine *m, tree_node n);
/* A store of buf[0..len) to path that returned rc: 0, -errno, or
 * STORE_PENDING (then recorded, but not synced: it is not answered yet). */
void journal_store(struct journal *j, const struct machine *m, const char *path,
		   const char *buf, size_t len, int rc);
/* The pending store ended: finished (interrupted false) or by its writer's
 * signal, with rc. */
void journal_store_end(struct journal *j, const struct machine *m, bool interrupted, int rc);
/* An op (core/ops.h) that returned rc. */
void journal_op(struct journal *j, const struct machine *m, json_object *req, int rc);
/* An intercepted kexec_load answered with success (core/kexec.h). */
void journal_kexec(struct journal *j, bool crash, bool unload);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The operation vocabulary: what a fixture scenario and the control socket
 * can ask the machine to do (docs/fixture-format.md, "scenario").  An op is
 * a JSON object {"op": "VERB", ...arguments}.
 *
 * A bad request (unknown verb or key, wrong type, unaligned size, overlap,
 * unknown device, wrong profile ...) leaves the machine unchanged and fails
 * with OPS_ERROR_REQUEST.  When the kernel path itself fails (an offline
 * that hits unmovable pages during an eject, a vetoed notifier ...), the
 * machine is where the kernel leaves it after its own rollback, and the op
 * fails with OPS_ERROR_KERNEL and returns -errno.
 */
#ifndef HOTPLUGFS_OPS_H
#define HOTPLUGFS_OPS_H

#include <json-c/json.h>

#include "device.h"
#include "machine.h"

/* 0, or -errno with *err set.  *result (may be NULL) receives a JSON object
 * on success ({"device": "dimm0"}, the dump ...), owned by the caller. */
int machine_op(struct machine *m, json_object *op, json_object **result, GError **err);

/* The shape of an op without a machine: known verb, known keys of the right
 * types, sizes that parse, required keys present.  On failure *key is the
 * offending key (NULL: the op itself) and *reason says why; both g_free'd by
 * the caller. */
bool machine_op_check(json_object *op, char **key, char **reason);

/* The verbs, in the order of the vocabulary's table (NULL past the last). */
const char *ops_verb(size_t i);
size_t ops_verb_count(void);

/* A JSON summary of the devices, memory blocks, firmware map and iomem. */
json_object *machine_dump(const struct machine *m);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `hotplugfs run` adds for ndctl and daxctl (docs/ndctl.md): the
 * character device nodes devtmpfs would make for the machine's nd buses and
 * dax devices, kept in step with the machine, and a guard that keeps libkmod
 * (which loads modules itself, not through modprobe) from loading anything
 * into the host kernel.
 */
#ifndef HOTPLUGFS_DEVNODES_H
#define HOTPLUGFS_DEVNODES_H

#include <stdbool.h>

#include "namespace.h"

struct machine;

/*
 * When the machine has a dax bus: /dev becomes a writable tmpfs holding the
 * host's entries (ns_replace_entries), plus /dev/ndctlN and /dev/daxX.Y as
 * character nodes with the machine's numbers (nodev: opening one fails with
 * EACCES, so no host device is ever reached), and daxX.Y nodes follow the
 * machine's devices as they come and go.  0, or -errno.
 */
int devnodes_serve(struct ns_mounts *mounts, struct machine *m);
/* Stops following the machine (before it is freed). */
void devnodes_stop(struct machine *m);

/* In the child before exec: init_module, finit_module and delete_module
 * fail with EPERM (seccomp).  Async-signal-safe; 0 or -errno. */
int module_guard_child(void);

#endif

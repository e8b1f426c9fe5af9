/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Subcommands of the hotplugfs binary; each returns the process exit status. */
#ifndef HOTPLUGFS_COMMANDS_H
#define HOTPLUGFS_COMMANDS_H

/* Exit statuses shared by all subcommands. */
enum { EXIT_USAGE = 2,       /* bad usage or a bad fixture (with file, JSON path, reason) */
       EXIT_SETUP = 3 };     /* could not mount, unshare, bind ... */

int cmd_show(int argc, char **argv);      /* hotplugfs show FIXTURE iomem|memmap|memory */
int cmd_mount(int argc, char **argv);     /* hotplugfs mount [-f] FIXTURE MOUNTPOINT */
int cmd_run(int argc, char **argv);       /* hotplugfs run FIXTURE -- CMD ARGS... */
int cmd_capture(int argc, char **argv);   /* hotplugfs capture [--sysroot DIR] [-o FILE] */
int cmd_ctl(int argc, char **argv);       /* hotplugfs ctl SOCKET VERB [KEY=VALUE...] */
int cmd_map(int argc, char **argv);       /* hotplugfs map FIXTURE [--step N] [-o FILE] */

#include <stddef.h>

struct backend;

/* Loads and boots a fixture and runs its first n_steps scenario ops (a
 * fixture's scenario is part of the machine it describes; SIZE_MAX: all),
 * printing "FILE: PATH: reason" on failure (exit 2). */
struct backend *load_backend_or_report(const char *fixture, size_t n_steps);

struct live_options;
/* The running kernel (core/backend.h), printing why not (the module is not
 * loaded, a protocol it does not speak ...): then exit 2. */
struct backend *open_live_or_report(const struct live_options *o);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Subcommands of the hotplugfs binary; each returns the process exit status. */
#ifndef HOTPLUGFS_COMMANDS_H
#define HOTPLUGFS_COMMANDS_H

#include <stddef.h>

/*
 * Exit statuses shared by all subcommands (hotplugfs(1), README.md).  `run`
 * and `exec` return CMD's own status once CMD has started.
 */
enum {
	EXIT_REFUSED = 1,     /* refused: a safety rule, a setting of this system, a refused op */
	EXIT_USAGE = 2,       /* bad usage or a bad fixture (with file, JSON path, reason) */
	EXIT_RUNTIME = 3,     /* could not mount, unshare, bind, reach a socket ... */
};

int cmd_show(int argc, char **argv);      /* hotplugfs show FIXTURE VIEW */
int cmd_mount(int argc, char **argv);     /* hotplugfs mount [-f] FIXTURE MOUNTPOINT */
/* mount(8)'s helper: mount.fuse.hotplugfs FIXTURE MOUNTPOINT [-sfnv] [-o OPTS] ... */
int cmd_mount_helper(int argc, char **argv);
int cmd_run(int argc, char **argv);       /* hotplugfs run FIXTURE -- CMD ARGS... */
int cmd_exec(int argc, char **argv);      /* hotplugfs exec SOCKET -- CMD ARGS... */
int cmd_capture(int argc, char **argv);   /* hotplugfs capture [--sysroot DIR] [-o FILE] */
int cmd_ctl(int argc, char **argv);       /* hotplugfs ctl SOCKET VERB [KEY=VALUE...] */
int cmd_map(int argc, char **argv);       /* hotplugfs map FIXTURE [--step N] [-o FILE] */

struct backend;

/* Loads and boots a fixture (a path, or a name in the fixtures directory,
 * cli_find_fixture()) and runs its first n_steps scenario ops (a fixture's
 * scenario is part of the machine it describes; SIZE_MAX: all), printing
 * "FILE: PATH: reason" on failure (exit 2), and progress on a terminal. */
struct backend *load_backend_or_report(const char *fixture, size_t n_steps);

struct live_options;
/* The running kernel (core/backend.h), printing why not (the module is not
 * loaded, a protocol it does not speak ...): then exit 2. */
struct backend *open_live_or_report(const struct live_options *o);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every subcommand's command line has in common: GOption parsing with
 * --help (to stdout, exit 0), --version and -d/--debug (g_debug() messages
 * to stderr), fixtures found by name, and progress lines for a terminal.
 */
#ifndef HOTPLUGFS_CLI_H
#define HOTPLUGFS_CLI_H

#include <glib.h>
#include <stdbool.h>

/* How a subcommand is parsed. */
struct cli_spec {
	const char *name;         /* "mount": shown as "hotplugfs mount" */
	const char *params;       /* "FIXTURE MOUNTPOINT" */
	const char *summary;      /* one line: what it does */
	const char *description;  /* after the options in --help, or NULL */
	const GOptionEntry *entries;
	bool strict_posix;        /* stop at the first argument: CMD's options stay CMD's */
};

/*
 * Parses argv (argv[0] is the subcommand's name) against spec plus the
 * common options, leaving the arguments in argv.  Returns -1 to go on, or
 * the exit status to return at once: 0 after --version, EXIT_USAGE after a
 * bad option (the message on stderr).  --help prints and exits 0 inside.
 */
int cli_parse(const struct cli_spec *spec, int *argc, char ***argv);

/* Prints "hotplugfs SUBCOMMAND: <message>\nTry 'hotplugfs SUBCOMMAND --help'."
 * to stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *subcommand, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Turns on g_debug() output to stderr (-d/--debug). */
void cli_enable_debug(void);
bool cli_debug_enabled(void);

/*
 * The file a FIXTURE argument names: the path itself when it exists, else,
 * for a bare name, NAME or NAME.json in the installed fixtures directory
 * (HOTPLUGFS_FIXTURES_DIR overrides it).  Otherwise the argument unchanged,
 * so that the error names what the user typed.  Newly allocated.
 */
char *cli_find_fixture(const char *arg);
/* The installed fixtures directory (or HOTPLUGFS_FIXTURES_DIR). */
const char *cli_fixtures_dir(void);

/*
 * Progress for work that can take seconds, on stderr and only when stderr
 * is a terminal: "hotplugfs: WHAT... N s" rewritten in place twice a
 * second by a thread, erased by cli_progress_end().  Quiet otherwise.
 */
struct cli_progress;
struct cli_progress *cli_progress_begin(const char *what);
/* Sets the count shown after the label ("12,345 files"); any thread. */
void cli_progress_count(struct cli_progress *p, guint64 done, const char *unit);
void cli_progress_end(struct cli_progress *p);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line every subcommand shares (see cli.h). */
#include "cli.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"

static bool debug_on;

void cli_enable_debug(void)
{
	debug_on = true;
	/* g_debug() goes to stdout by default; a tool's stdout is its output. */
	g_log_writer_default_set_use_stderr(TRUE);
	g_log_set_debug_enabled(TRUE);
}

bool cli_debug_enabled(void)
{
	return debug_on;
}

int cli_usage_error(const char *subcommand, const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "hotplugfs %s: %s\nTry 'hotplugfs %s --help'.\n", subcommand, msg,
		subcommand);
	return EXIT_USAGE;
}

int cli_parse(const struct cli_spec *spec, int *argc, char ***argv)
{
	gboolean version = FALSE, debug = FALSE;
	const GOptionEntry common[] = {
		{ "debug", 'd', 0, G_OPTION_ARG_NONE, &debug,
		  "Print debug messages on standard error", NULL },
		{ "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	g_autofree char *prgname = g_strdup_printf("hotplugfs %s", spec->name);
	g_autoptr(GOptionContext) ctx = g_option_context_new(spec->params);
	g_autoptr(GError) err = NULL;

	/* --help says "Usage: hotplugfs mount [OPTION…] FIXTURE MOUNTPOINT". */
	g_set_prgname(prgname);
	g_option_context_set_summary(ctx, spec->summary);
	if (spec->description)
		g_option_context_set_description(ctx, spec->description);
	if (spec->entries)
		g_option_context_add_main_entries(ctx, spec->entries, NULL);
	g_option_context_add_main_entries(ctx, common, NULL);
	g_option_context_set_strict_posix(ctx, spec->strict_posix);
	if (!g_option_context_parse(ctx, argc, argv, &err))
		return cli_usage_error(spec->name, "%s", err->message);
	if (version) {
		printf("hotplugfs %s\n", HOTPLUGFS_VERSION);
		return 0;
	}
	if (debug)
		cli_enable_debug();
	return -1;
}

const char *cli_fixtures_dir(void)
{
	const char *env = g_getenv("HOTPLUGFS_FIXTURES_DIR");

	return env && *env ? env : HOTPLUGFS_FIXTURES_DIR;
}

char *cli_find_fixture(const char *arg)
{
	const char *dir = cli_fixtures_dir();

	if (g_file_test(arg, G_FILE_TEST_EXISTS) || strchr(arg, '/') || !*arg) {
		g_debug("fixture %s: the path as given", arg);
		return g_strdup(arg);
	}
	for (int json = 0; json < 2; json++) {
		g_autofree char *name = g_strconcat(arg, json ? ".json" : "", NULL);
		g_autofree char *path = g_build_filename(dir, name, NULL);

		if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
			g_debug("fixture %s: %s", arg, path);
			return g_steal_pointer(&path);
		}
	}
	g_debug("fixture %s: not a file, and not a name in %s", arg, dir);
	return g_strdup(arg);
}

/* ---- progress ------------------------------------------------------------- */

struct cli_progress {
	char *what;
	pthread_t tid;
	pthread_mutex_t lock;
	pthread_cond_t stop;
	bool stopping, shown;
	struct timespec start;
	guint64 done;
	const char *unit;
};

/* Silence before the first line: quick work never prints anything.
 * HOTPLUGFS_PROGRESS_DELAY_MS changes it (0: at once; for tests). */
#define PROGRESS_QUIET_MS 500
#define PROGRESS_EVERY_MS 500

static long progress_delay_ms(void)
{
	const char *env = g_getenv("HOTPLUGFS_PROGRESS_DELAY_MS");

	return env && *env ? (long)g_ascii_strtoll(env, NULL, 10) : PROGRESS_QUIET_MS;
}

static void progress_print(struct cli_progress *p, double secs)
{
	if (p->unit)
		fprintf(stderr, "\rhotplugfs: %s... %" G_GUINT64_FORMAT " %s, %.0f s\033[K", p->what,
			p->done, p->unit, secs);
	else
		fprintf(stderr, "\rhotplugfs: %s... %.0f s\033[K", p->what, secs);
	fflush(stderr);
	p->shown = true;
}

static void *progress_thread(void *arg)
{
	struct cli_progress *p = arg;
	struct timespec start = p->start, at;
	long wait_ms = progress_delay_ms() > 0 ? progress_delay_ms() : PROGRESS_EVERY_MS;

	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_nsec += wait_ms * 1000000L;
		at.tv_sec += at.tv_nsec / 1000000000L;
		at.tv_nsec %= 1000000000L;
		if (pthread_cond_timedwait(&p->stop, &p->lock, &at) == 0 || p->stopping)
			continue;
		{
			struct timespec now;

			clock_gettime(CLOCK_MONOTONIC, &now);
			progress_print(p, (double)(now.tv_sec - start.tv_sec) +
					  (double)(now.tv_nsec - start.tv_nsec) / 1e9);
		}
		wait_ms = PROGRESS_EVERY_MS;
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct cli_progress *cli_progress_begin(const char *what)
{
	struct cli_progress *p;

	/* A log file or a pipe gets no progress at all. */
	if (!isatty(STDERR_FILENO))
		return NULL;
	p = g_new0(struct cli_progress, 1);
	p->what = g_strdup(what);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->stop, NULL);
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	if (progress_delay_ms() <= 0)
		progress_print(p, 0);
	if (pthread_create(&p->tid, NULL, progress_thread, p) != 0) {
		g_free(p->what);
		g_free(p);
		return NULL;
	}
	return p;
}

void cli_progress_count(struct cli_progress *p, guint64 done, const char *unit)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->done = done;
	p->unit = unit;
	pthread_mutex_unlock(&p->lock);
}

void cli_progress_end(struct cli_progress *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_signal(&p->stop);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->tid, NULL);
	if (p->shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	pthread_cond_destroy(&p->stop);
	pthread_mutex_destroy(&p->lock);
	g_free(p->what);
	g_free(p);
}

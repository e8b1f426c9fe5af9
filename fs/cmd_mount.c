/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hotplugfs mount [-f] [-d] [-o OPTIONS] [--control SOCKET] [--state FILE]
 * FIXTURE MOUNTPOINT: serve a machine until unmounted, optionally with a
 * control socket (docs/control-protocol.md) and a journal that brings the
 * same machine back after a crash (docs/journal.md).  As root the kernel mounts it directly; an
 * ordinary user mounts through fusermount3, as every FUSE daemon does.
 *
 * The same code is mount(8)'s helper: `mount -t fuse.hotplugfs FIXTURE DIR`
 * and an fstab line run mount.fuse.hotplugfs FIXTURE DIR [-sfnv] [-o OPTS]
 * [-t TYPE] [-N NS] (util-linux libmount, exec_helper()), and mount.fuse3
 * runs `hotplugfs FIXTURE DIR -o OPTS` (libfuse util/mount.fuse.c).
 *
 * With --live instead of a FIXTURE: the running kernel, through
 * hotplugfs_kmod (docs/kmod-protocol.md, core/live_backend.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#include "backend.h"
#include "cli.h"
#include "commands.h"
#include "fuse_fs.h"
#include "stale_mount.h"

struct mount_request {
	const char *fixture, *mountpoint;
	const struct live_options *live;   /* instead of the fixture, or NULL */
	char *control;            /* --control or -o control= */
	char *state;              /* --state or -o state=: the journal file, or NULL */
	bool foreground;
	GString *fuse_opts;       /* what goes to libfuse, comma-separated */
};

/*
 * Words mount(8) and fstab use that are not FUSE's: dropped, as mount.fuse3
 * drops them (util/mount.fuse.c ignore_opts), plus fstab's "defaults",
 * "comment=" and the x-* options meant for other programs (mount(8)).
 */
static bool fstab_only(const char *o)
{
	static const char *const words[] = { "defaults", "auto", "noauto", "user", "users",
					     "nouser", "owner", "group", "nofail", "_netdev" };

	if (!*o || g_str_has_prefix(o, "x-") || g_str_has_prefix(o, "comment="))
		return true;
	for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
		if (strcmp(o, words[i]) == 0)
			return true;
	return false;
}

/* One -o list: our own keys taken out, the rest kept for FUSE. */
static void take_options(struct mount_request *r, const char *list)
{
	g_auto(GStrv) opts = g_strsplit(list, ",", -1);

	for (char **o = opts; *o; o++) {
		if (g_str_has_prefix(*o, "control=")) {
			g_free(r->control);
			r->control = g_strdup(*o + 8);
		} else if (g_str_has_prefix(*o, "state=")) {
			g_free(r->state);
			r->state = g_strdup(*o + 6);
		} else if (strcmp(*o, "foreground") == 0) {
			r->foreground = true;
		} else if (strcmp(*o, "debug") == 0) {
			/* FUSE's -o debug: libfuse logs every request; ours too. */
			cli_enable_debug();
			r->foreground = true;
			g_string_append(r->fuse_opts, r->fuse_opts->len ? ",debug" : "debug");
		} else if (!fstab_only(*o)) {
			if (r->fuse_opts->len)
				g_string_append_c(r->fuse_opts, ',');
			g_string_append(r->fuse_opts, *o);
		}
	}
}

/* Whether libfuse takes these -o options (it prints what it refuses): a
 * session parses them, and one that is never mounted costs nothing. */
static bool options_accepted(const char *opts)
{
	static const struct fuse_lowlevel_ops none;
	char *argv[] = { "hotplugfs", "-o", (char *)opts, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(*opts ? 3 : 1, argv);
	struct fuse_session *se = fuse_session_new(&args, &none, sizeof(none), NULL);

	fuse_opt_free_args(&args);
	if (!se)
		return false;
	fuse_session_destroy(se);
	return true;
}

static int serve(struct mount_request *r)
{
	g_autoptr(backend) b = NULL;
	g_autoptr(GError) err = NULL;
	g_autofree char *mountpoint = NULL;
	struct hotplugfs_session *hs;
	struct fuse_session *se;
	sigset_t stops, old_mask;
	int rc;

	if (!options_accepted(r->fuse_opts->str))
		return EXIT_USAGE;
	/* A live kernel keeps its own state across our crashes; there is no
	 * simulation to replay.  Refused before the module is even opened. */
	if (r->live && r->state)
		return cli_usage_error("mount", "--state journals a simulated machine; with --live "
				       "the kernel itself keeps the state");
	/* fuse_daemonize() changes to "/" even in the foreground (libfuse
	 * 3.14): a relative mountpoint would not be found to unmount. */
	mountpoint = g_canonicalize_filename(r->mountpoint, NULL);
	b = r->live ? open_live_or_report(r->live) : load_backend_or_report(r->fixture, SIZE_MAX);
	if (!b)
		return EXIT_USAGE;
	/* The machine a daemon killed on this journal had, and from now on
	 * every acknowledged change in it. */
	if (r->state && !backend_journal(b, r->fixture, r->state, &err)) {
		fprintf(stderr, "hotplugfs: %s\n", err->message);
		return EXIT_USAGE;
	}
	if (stale_mount_clear(mountpoint) < 0)
		return EXIT_RUNTIME;
	g_debug("mounting on %s with FUSE options \"%s\"%s%s%s%s", mountpoint, r->fuse_opts->str,
		r->control ? ", control socket " : "", r->control ? r->control : "",
		r->state ? ", journal " : "", r->state ? r->state : "");
	/*
	 * SIGINT/SIGTERM/SIGHUP end the loop; we then unmount and exit 0.  They
	 * are held back from the moment the mount appears until libfuse's
	 * handlers are in place: a test that signals as soon as it sees the
	 * mount must not kill us with the files still mounted.
	 */
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, &old_mask);
	hs = hotplugfs_session_new(b, mountpoint, r->fuse_opts->str);
	if (!hs) {
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		return EXIT_RUNTIME;
	}
	se = hotplugfs_session_fuse(hs);
	/* Before daemonizing: when `mount` returns, the socket is there too
	 * (a relative path means the caller's directory, not "/"). */
	if (r->control && hotplugfs_session_control(hs, r->control) < 0) {
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		hotplugfs_session_destroy(hs);
		return EXIT_RUNTIME;
	}
	rc = fuse_set_signal_handlers(se);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (rc != 0) {
		hotplugfs_session_destroy(hs);
		return EXIT_RUNTIME;
	}
	/* Daemonize after mounting, so that when `hotplugfs mount` returns the
	 * files are already there (fuse_daemonize waits for the child). */
	if (fuse_daemonize(r->foreground) != 0) {
		fuse_remove_signal_handlers(se);
		hotplugfs_session_destroy(hs);
		return EXIT_RUNTIME;
	}
	rc = hotplugfs_session_loop(hs);
	/* Shutting down already: a repeated stop signal (timeout(1) sends one
	 * to the child and one to its group) must not kill us mid-unmount. */
	sigprocmask(SIG_BLOCK, &stops, NULL);
	fuse_remove_signal_handlers(se);
	hotplugfs_session_destroy(hs);
	/* 0: unmounted; > 0: the signal that stopped us; < 0: a FUSE error. */
	if (rc < 0) {
		fprintf(stderr, "hotplugfs: session ended with an error\n");
		return EXIT_RUNTIME;
	}
	return 0;
}

int cmd_mount(int argc, char **argv)
{
	gboolean foreground = FALSE, is_live = FALSE, live_stores = FALSE;
	g_auto(GStrv) opts = NULL;
	g_autofree char *control = NULL, *sysroot = NULL, *state = NULL;
	const GOptionEntry entries[] = {
		{ "foreground", 'f', 0, G_OPTION_ARG_NONE, &foreground,
		  "Stay in the foreground", NULL },
		{ "options", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &opts,
		  "Mount options: FUSE's (allow_other, ro, ...), control=SOCKET; fstab's "
		  "(defaults, noauto, x-*) are ignored", "OPT[,OPT...]" },
		{ "control", 0, 0, G_OPTION_ARG_FILENAME, &control,
		  "Serve the control socket SOCKET (docs/control-protocol.md)", "SOCKET" },
		{ "state", 0, 0, G_OPTION_ARG_FILENAME, &state,
		  "Journal every acknowledged change in FILE and replay it first: the same "
		  "machine again after a crash (docs/journal.md)", "FILE" },
		{ "live", 0, 0, G_OPTION_ARG_NONE, &is_live,
		  "Mirror the running kernel instead of a FIXTURE (hotplugfs_kmod loaded)", NULL },
		{ "live-stores", 0, 0, G_OPTION_ARG_NONE, &live_stores,
		  "With --live: pass stores to the kernel's files (else they fail with EROFS)",
		  NULL },
		{ "sysroot", 0, 0, G_OPTION_ARG_FILENAME, &sysroot,
		  "With --live: a copy of the kernel's and the module's files under DIR", "DIR" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const struct cli_spec spec = {
		.name = "mount", .params = "FIXTURE MOUNTPOINT | --live MOUNTPOINT",
		.summary = "Serve the machine FIXTURE describes at MOUNTPOINT until it is unmounted.\n"
			   "Without -f it returns once the files are there.  An ordinary user mounts\n"
			   "through fusermount3; only the owner sees the files unless -o allow_other\n"
			   "(which fusermount3 allows with user_allow_other in /etc/fuse.conf).",
		.entries = entries,
	};
	g_autoptr(GString) fuse_opts = g_string_new(NULL);
	struct mount_request r = { .fuse_opts = fuse_opts };
	struct live_options live = { 0 };
	int rc = cli_parse(&spec, &argc, &argv);

	if (rc >= 0)
		return rc;
	if (argc != (is_live ? 2 : 3))
		return cli_usage_error("mount", is_live ? "expected --live MOUNTPOINT"
							: "expected FIXTURE MOUNTPOINT");
	if (!is_live && (live_stores || sysroot))
		return cli_usage_error("mount", "--live-stores and --sysroot go with --live");
	live = (struct live_options){ .sysroot = sysroot, .stores = live_stores };
	r.live = is_live ? &live : NULL;
	r.fixture = is_live ? NULL : argv[1];
	r.mountpoint = argv[argc - 1];
	r.foreground = foreground || cli_debug_enabled();
	if (cli_debug_enabled())
		g_string_append(fuse_opts, "debug");
	for (char **o = opts; o && *o; o++)
		take_options(&r, *o);
	if (control) {
		g_free(r.control);
		r.control = g_steal_pointer(&control);
	}
	if (state) {
		g_free(r.state);
		r.state = g_steal_pointer(&state);
	}
	rc = serve(&r);
	g_free(r.control);
	g_free(r.state);
	return rc;
}

/* -N NS: mount in that mount namespace (libmount passes /proc/PID/fd/N). */
static int enter_mount_ns(const char *ns)
{
	int fd = open(ns, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || setns(fd, CLONE_NEWNS) != 0) {
		fprintf(stderr, "mount.fuse.hotplugfs: cannot enter the mount namespace %s: %s\n",
			ns, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int cmd_mount_helper(int argc, char **argv)
{
	gboolean sloppy = FALSE, fake = FALSE, no_mtab = FALSE, verbose = FALSE;
	g_auto(GStrv) opts = NULL;
	g_autofree char *type = NULL, *ns = NULL;
	const GOptionEntry entries[] = {
		{ "options", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &opts,
		  "Mount options, as for hotplugfs mount -o", "OPT[,OPT...]" },
		{ "sloppy", 's', 0, G_OPTION_ARG_NONE, &sloppy, "Accepted (mount -s)", NULL },
		{ "fake", 'f', 0, G_OPTION_ARG_NONE, &fake, "Do everything but mount (mount -f)",
		  NULL },
		{ "no-mtab", 'n', 0, G_OPTION_ARG_NONE, &no_mtab, "Accepted (mount -n)", NULL },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Debug messages (mount -v)", NULL },
		{ "type", 't', 0, G_OPTION_ARG_STRING, &type, "fuse.hotplugfs", "TYPE" },
		{ "namespace", 'N', 0, G_OPTION_ARG_FILENAME, &ns,
		  "Mount in this mount namespace", "NS" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const struct cli_spec spec = {
		.name = "mount-helper", .params = "FIXTURE MOUNTPOINT",
		.summary = "mount(8)'s helper for the type fuse.hotplugfs: mount -t fuse.hotplugfs\n"
			   "FIXTURE MOUNTPOINT, or an fstab line of that type.",
		.entries = entries,
	};
	g_autoptr(GString) fuse_opts = g_string_new(NULL);
	struct mount_request r = { .fuse_opts = fuse_opts };
	int rc;

	/* "mount.fuse.hotplugfs" or "hotplugfs": parsed the same way. */
	argv[0] = "mount-helper";
	rc = cli_parse(&spec, &argc, &argv);
	if (rc >= 0)
		return rc;
	if (argc != 3)
		return cli_usage_error("mount-helper", "expected FIXTURE MOUNTPOINT");
	(void)sloppy, (void)no_mtab;   /* no mtab to write; unknown options fail anyway */
	if (verbose)
		cli_enable_debug();
	if (type && strcmp(type, "fuse.hotplugfs") && strcmp(type, "hotplugfs"))
		return cli_usage_error("mount-helper", "type %s is not fuse.hotplugfs", type);
	if (fake)
		return 0;
	if (ns && enter_mount_ns(ns) < 0)
		return EXIT_RUNTIME;
	r.fixture = argv[1];
	r.mountpoint = argv[2];
	for (char **o = opts; o && *o; o++)
		take_options(&r, *o);
	rc = serve(&r);
	g_free(r.control);
	g_free(r.state);
	return rc;
}

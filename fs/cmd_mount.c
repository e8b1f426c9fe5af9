/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hotplugfs mount [-f] [--control SOCKET] [--state FILE] FIXTURE MOUNTPOINT:
 * serve a machine until unmounted, optionally with a control socket
 * (docs/control-protocol.md) and a journal that survives a crash
 * (docs/journal.md). */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <fuse_lowlevel.h>

#include "backend.h"
#include "commands.h"
#include "fuse_fs.h"
#include "stale_mount.h"

static int usage(void)
{
	fprintf(stderr, "usage: hotplugfs mount [-f] [--control SOCKET] [--state FILE] FIXTURE "
		"MOUNTPOINT\n");
	return EXIT_USAGE;
}

int cmd_mount(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	g_autoptr(backend) b = NULL;
	const char *control = NULL, *state = NULL;
	g_autofree char *mountpoint = NULL;
	g_autoptr(GError) err = NULL;
	struct hotplugfs_session *hs;
	struct fuse_session *se;
	sigset_t stops, old_mask;
	bool foreground = false;
	int opt, rc;

	optind = 1;   /* argv[0] is the subcommand name */
	while ((opt = getopt_long(argc, argv, "+f", longopts, NULL)) != -1) {
		if (opt == 'f')
			foreground = true;
		else if (opt == 'c')
			control = optarg;
		else if (opt == 's')
			state = optarg;
		else
			return usage();
	}
	if (argc - optind != 2)
		return usage();
	/* fuse_daemonize() changes to "/" even in the foreground (libfuse
	 * 3.14): a relative mountpoint would not be found to unmount. */
	mountpoint = g_canonicalize_filename(argv[optind + 1], NULL);
	b = load_backend_or_report(argv[optind], SIZE_MAX);
	if (!b)
		return EXIT_USAGE;
	/* The machine a daemon killed on this journal had, and from now on
	 * every acknowledged change in it. */
	if (state && !sim_backend_journal(b, argv[optind], state, &err)) {
		fprintf(stderr, "hotplugfs: %s\n", err->message);
		return EXIT_USAGE;
	}
	if (stale_mount_clear(mountpoint) < 0)
		return EXIT_SETUP;
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
	hs = hotplugfs_session_new(b, mountpoint);
	if (!hs) {
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		return EXIT_SETUP;
	}
	se = hotplugfs_session_fuse(hs);
	/* Before daemonizing: when `mount` returns, the socket is there too
	 * (a relative path means the caller's directory, not "/"). */
	if (control && hotplugfs_session_control(hs, control) < 0) {
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		hotplugfs_session_destroy(hs);
		return EXIT_SETUP;
	}
	rc = fuse_set_signal_handlers(se);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (rc != 0) {
		hotplugfs_session_destroy(hs);
		return EXIT_SETUP;
	}
	/* Daemonize after mounting, so that when `hotplugfs mount` returns the
	 * files are already there (fuse_daemonize waits for the child). */
	if (fuse_daemonize(foreground) != 0) {
		fuse_remove_signal_handlers(se);
		hotplugfs_session_destroy(hs);
		return EXIT_SETUP;
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
		return 1;
	}
	return 0;
}

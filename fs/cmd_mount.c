/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hotplugfs mount [-f] [--control SOCKET] FIXTURE MOUNTPOINT: serve a machine
 * until unmounted, optionally with a control socket (docs/control-protocol.md).
 * With --live instead of a fixture: the running kernel, through hotplugfs_kmod
 * (docs/kmod-protocol.md). */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <fuse_lowlevel.h>

#include "backend.h"
#include "commands.h"
#include "fuse_fs.h"

static int usage(void)
{
	fprintf(stderr, "usage: hotplugfs mount [-f] [--control SOCKET] FIXTURE MOUNTPOINT\n"
		"       hotplugfs mount [-f] [--control SOCKET] --live [--live-stores] "
		"[--sysroot DIR] MOUNTPOINT\n");
	return EXIT_USAGE;
}

int cmd_mount(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "live", no_argument, NULL, 'l' },
		{ "live-stores", no_argument, NULL, 's' },
		{ "sysroot", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct live_options live = { 0 };
	bool is_live = false;
	g_autoptr(backend) b = NULL;
	const char *control = NULL;
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
		else if (opt == 'l')
			is_live = true;
		else if (opt == 's')
			live.stores = true;
		else if (opt == 'r')
			live.sysroot = optarg;
		else
			return usage();
	}
	if (argc - optind != (is_live ? 1 : 2) || (!is_live && (live.stores || live.sysroot)))
		return usage();
	b = is_live ? open_live_or_report(&live) : load_backend_or_report(argv[optind], SIZE_MAX);
	if (!b)
		return EXIT_USAGE;
	optind += is_live ? 0 : 1;   /* at the mount point */
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
	hs = hotplugfs_session_new(b, argv[optind]);
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

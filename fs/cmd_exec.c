/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hotplugfs exec SOCKET [--] CMD [ARGS...]: runs CMD in the namespaces of the
 * `hotplugfs run --control SOCKET` that serves SOCKET, so that several
 * commands (a test's lsmem, then its chmem) see one machine and its
 * changes.  The harness (hotplugfs-test.sh, hotplugfs_test.py) runs its
 * tools this way.
 *
 * The serving process is the socket's peer (SO_PEERCRED, unix(7)): it
 * created the socket inside its namespaces.  We enter its user namespace
 * (when it has one of its own) and its mount namespace (setns(2)), and CMD
 * starts only if /sys/devices/system/memory there is a hotplugfs mount, the
 * same rule as `run`.  kexec cannot be intercepted here: it is refused as
 * `run` refuses it without --kexec-safe, and kexec_load, kexec_file_load and
 * reboot fail with EPERM (the deny filter of fs/kexec_safe.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib.h>

#include "cli.h"
#include "commands.h"
#include "kexec_safe.h"
#include "namespace.h"

#define MEMORY_DIR "/sys/devices/system/memory"

/* The pid and uid of the process serving the control socket at path. */
static int socket_peer(const char *path, struct ucred *peer)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(*peer);
	int fd, rc = 0;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, peer, &len) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* NAME's value in /proc/PID/environ, or NULL. */
static char *peer_env(pid_t pid, const char *name)
{
	g_autofree char *path = g_strdup_printf("/proc/%d/environ", (int)pid);
	g_autofree char *text = NULL;
	size_t n = strlen(name);
	gsize len;

	if (!g_file_get_contents(path, &text, &len, NULL))
		return NULL;
	for (gsize i = 0; i < len; i += strlen(text + i) + 1)
		if (strncmp(text + i, name, n) == 0 && text[i + n] == '=')
			return g_strdup(text + i + n + 1);
	return NULL;
}

/* Enters pid's namespace of kind ("user", "mnt") unless we are in it already. */
static int join(pid_t pid, const char *kind, int nstype)
{
	g_autofree char *theirs = g_strdup_printf("/proc/%d/ns/%s", (int)pid, kind);
	g_autofree char *ours = g_strdup_printf("/proc/self/ns/%s", kind);
	struct stat a, b;
	int fd, rc = 0;

	if (stat(theirs, &a) != 0)
		return -errno;
	if (stat(ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
		return 0;
	fd = open(theirs, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, nstype) != 0)
		rc = -errno;
	close(fd);
	g_debug("entered the %s namespace of pid %d: %s", kind, (int)pid,
		rc ? strerror(-rc) : "ok");
	return rc;
}

int cmd_exec(int argc, char **argv)
{
	const struct cli_spec spec = {
		.name = "exec", .params = "SOCKET [--] CMD [ARGS...]",
		.summary = "Run CMD in the namespace of the `hotplugfs run --control SOCKET` that\n"
			   "serves SOCKET: it sees that machine, as run's own CMD does, and the\n"
			   "changes earlier commands made.  The exit status is CMD's.",
		.strict_posix = true,
	};
	g_autofree char *cwd = g_get_current_dir();
	g_autofree char *priority = NULL, *mount = NULL;
	struct kexec_filter filter;
	struct ucred peer;
	int first = 2, rc = cli_parse(&spec, &argc, &argv);

	if (rc >= 0)
		return rc;
	if (argc < 2)
		return cli_usage_error("exec", "expected SOCKET -- CMD");
	if (argc > 2 && strcmp(argv[2], "--") == 0)
		first = 3;
	if (first >= argc)
		return cli_usage_error("exec", "expected a command after the socket");
	{
		g_autofree char *base = g_path_get_basename(argv[first]);

		if (strcmp(base, "kexec") == 0 && !kexec_args_parse_only(argv + first)) {
			fprintf(stderr, "hotplugfs exec: refusing to run kexec (use hotplugfs run "
				"--kexec-safe)\n");
			return EXIT_REFUSED;
		}
	}
	rc = socket_peer(argv[1], &peer);
	if (rc < 0) {
		fprintf(stderr, "hotplugfs exec: cannot reach %s: %s\n", argv[1], strerror(-rc));
		return EXIT_RUNTIME;
	}
	g_debug("%s is served by pid %d (uid %u)", argv[1], (int)peer.pid, (unsigned)peer.uid);
	if (geteuid() != 0 && peer.uid != geteuid()) {
		fprintf(stderr, "hotplugfs exec: refused: %s is served by another user's "
			"process\n", argv[1]);
		return EXIT_REFUSED;
	}
	priority = peer_env(peer.pid, NS_INJECT_PRIORITY_ENV);
	mount = peer_env(peer.pid, "HOTPLUGFS_MOUNT");
	/* The user namespace first: it grants the right to enter the mount one. */
	rc = join(peer.pid, "user", CLONE_NEWUSER);
	if (rc == 0)
		rc = join(peer.pid, "mnt", CLONE_NEWNS);
	if (rc < 0) {
		fprintf(stderr, "hotplugfs exec: cannot enter the namespace of pid %d: %s\n",
			(int)peer.pid, strerror(-rc));
		return EXIT_RUNTIME;
	}
	/* setns(CLONE_NEWNS) moved us to its root directory. */
	if (chdir(cwd) != 0 && chdir("/") != 0)
		return EXIT_RUNTIME;
	if (!ns_mount_is_hotplugfs(MEMORY_DIR)) {
		fprintf(stderr, "hotplugfs exec: refusing to run: %s is not served by hotplugfs "
			"in the namespace of pid %d (is %s a hotplugfs run's socket?)\n", MEMORY_DIR,
			(int)peer.pid, argv[1]);
		return EXIT_REFUSED;
	}
	/* kexec_load and reboot fail with EPERM, as for run's own CMD. */
	rc = kexec_filter_build(&filter, false);
	if (rc == 0)
		rc = kexec_filter_install(&filter, -1);
	kexec_filter_clear(&filter);
	if (rc < 0) {
		fprintf(stderr, "hotplugfs exec: cannot install the seccomp filter: %s\n",
			strerror(-rc));
		return EXIT_RUNTIME;
	}
	if (priority)
		setenv(NS_INJECT_PRIORITY_ENV, priority, 1);
	if (mount)
		setenv("HOTPLUGFS_MOUNT", mount, 1);
	execvp(argv[first], argv + first);
	rc = errno;
	fprintf(stderr, "hotplugfs: %s: %s\n", argv[first], strerror(rc));
	return rc == ENOENT ? 127 : 126;
}

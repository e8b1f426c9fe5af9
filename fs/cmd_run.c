/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hotplugfs run FIXTURE -- CMD ARGS...: runs CMD in a private mount namespace
 * where the machine's files are bound over the real paths, so tools that
 * hardcode /proc/iomem or /sys/firmware/memmap (kexec-tools) see the machine.
 *
 * Safety: the host is a real machine.  CMD only starts once
 * /sys/devices/system/memory is verified to be served by this process (or
 * hidden), so no store can ever reach the host's own memory blocks.
 *
 * For the kernel's memory-hotplug selftest (docs/selftest.md) two more
 * things are set up:
 *  - debugfs: when the machine has sys/kernel/debug, /sys/kernel/debug gets
 *    a debugfs mount (so `mount -t debugfs` lists it) with the machine's
 *    directory bound over it (so the notifier-error-inject files resolve to
 *    ours).  That too is verified to be ours before CMD starts: the host's
 *    injector files must never be written.
 *  - modprobe: this binary is bound over /sbin/modprobe and
 *    /usr/sbin/modprobe, where it runs as a guard (ns_modprobe_guard) that
 *    accepts the injector module and refuses every other: no module ever
 *    reaches the host kernel.
 *
 * Without root (README.md, "Without root"): the namespace is a user namespace too
 * (CLONE_NEWUSER, the caller mapped to root inside), in which Linux 4.18+
 * lets FUSE be mounted; the same check guards CMD.  debugfs cannot be
 * mounted there, so the machine's debugfs directory is only bound over
 * /sys/kernel/debug.  CMD holds no capability in the initial user namespace,
 * so /proc/iomem shows it zeroed addresses, as the kernel shows them to root
 * in a container (r_show(), kernel/resource.c, 6.12).
 *
 * uevents (docs/udev.md): CMD gets a network namespace of its own, where
 * the machine's memory block uevents are sent on the udev netlink group
 * (fs/uevent_udev.c) for libudev listeners; the host's udevd never hears them.
 *
 * kexec (docs/kexec.md): the machine's kexec files are bound over the real
 * ones where the host has them.  With --kexec-safe, the ones the host lacks
 * are grafted in too, /sbin/shutdown runs /bin/false, and kexec_load,
 * kexec_file_load and reboot are intercepted (fs/kexec_safe.c).  Without it,
 * `kexec` as CMD is refused unless its arguments only parse, and those calls
 * fail with EPERM (the deny filter), from CMD and from anything it starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#include "backend.h"
#include "cli.h"
#include "commands.h"
#include "devnodes.h"
#include "fuse_fs.h"
#include "kexec_safe.h"
#include "namespace.h"
#include "tree.h"
#include "uevent_udev.h"

#define MEMORY_DIR "/sys/devices/system/memory"
#define DEBUGFS_DIR "/sys/kernel/debug"

enum bind_policy {
	BIND_IF_BOTH = 0,         /* only when the host has the path too */
	BIND_GRAFT = 1 << 0,      /* host lacks it: add it to the parent directory */
	BIND_HIDE = 1 << 1,       /* machine lacks it: leave it out of the parent directory */
	BIND_MISSING = 1 << 2,    /* machine lacks it: a dangling link over the host's
				     (a directory such as /proc cannot be replaced) */
};

/* Served path (relative to the mount) -> the real path it stands for. */
struct bind_spec {
	const char *tree_path;
	const char *host_path;
	unsigned policy;
};

/*
 * What the machine lacks (a literal fixture without iomem, firmware_memmap
 * or memory_blocks) is absent inside run, never the host's: a test must not
 * pass on the data of the machine it happens to run on (docs/fixture-format.md).
 */
static const struct bind_spec binds[] = {
	{ "proc/iomem", "/proc/iomem", BIND_MISSING },
	/* Never let CMD see the host's blocks: serve ours or show none. */
	{ "sys/devices/system/memory", MEMORY_DIR, BIND_GRAFT | BIND_HIDE },
	{ "sys/devices/system/node", "/sys/devices/system/node", BIND_HIDE },
	/* kexec-tools takes any existing /sys/firmware/memmap as the firmware map. */
	{ "sys/firmware/memmap", "/sys/firmware/memmap", BIND_GRAFT | BIND_HIDE },
	{ "sys/module/memory_hotplug", "/sys/module/memory_hotplug", BIND_HIDE },
	{ "sys/bus/memory", "/sys/bus/memory", BIND_HIDE },
	/* ndctl and daxctl (docs/ndctl.md): the buses, the class, the devices'
	 * directories and /sys/dev/char (the machine's only), and the modules
	 * libkmod checks before it would load one. */
	{ "sys/bus/nd", "/sys/bus/nd", BIND_GRAFT | BIND_HIDE },
	{ "sys/bus/dax", "/sys/bus/dax", BIND_GRAFT | BIND_HIDE },
	{ "sys/class/nd", "/sys/class/nd", BIND_GRAFT | BIND_HIDE },
	{ "sys/dev/char", "/sys/dev/char", BIND_IF_BOTH },
	{ "sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00",
	  "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00", BIND_GRAFT },
	{ "sys/devices/platform/e820_pmem", "/sys/devices/platform/e820_pmem", BIND_GRAFT },
	{ "sys/devices/platform/ACPI0017:00", "/sys/devices/platform/ACPI0017:00", BIND_GRAFT },
	{ "sys/module/kmem", "/sys/module/kmem", BIND_GRAFT },
	{ "sys/module/device_dax", "/sys/module/device_dax", BIND_GRAFT },
	{ "sys/module/dax_pmem", "/sys/module/dax_pmem", BIND_GRAFT },
	{ "sys/module/nd_pmem", "/sys/module/nd_pmem", BIND_GRAFT },
	{ "sys/module/libnvdimm", "/sys/module/libnvdimm", BIND_GRAFT },
};

/* Where a missing file's dangling link points (relative: it resolves to nothing). */
#define MISSING_TARGET "(not in the hotplugfs machine)"

struct loop_thread {
	pthread_t tid;
	struct hotplugfs_session *hs;
	int rc;
};

/* What the command line asked for besides the fixture and CMD. */
struct run_options {
	const char *control;      /* --control SOCKET */
	bool kexec_safe;          /* --kexec-safe */
	bool unprivileged;        /* in a user namespace of our own */
};

static void *run_loop(void *arg)
{
	struct loop_thread *lt = arg;

	lt->rc = hotplugfs_session_loop(lt->hs);
	return NULL;
}

/* What apply_binds does with one bind_spec. */
enum bind_action { ACT_NONE, ACT_BIND, ACT_GRAFT, ACT_HIDE, ACT_MISSING };

static enum bind_action bind_action(bool served, const struct bind_spec *b)
{
	g_autofree char *parent = g_path_get_dirname(b->host_path);
	bool on_host = access(b->host_path, F_OK) == 0;

	if (served && on_host)
		return ACT_BIND;
	if (served && (b->policy & BIND_GRAFT) && access(parent, F_OK) == 0)
		return ACT_GRAFT;
	if (!served && on_host && (b->policy & BIND_HIDE))
		return ACT_HIDE;
	if (!served && on_host && (b->policy & BIND_MISSING))
		return ACT_MISSING;
	return ACT_NONE;
}

/*
 * Puts the machine's files over the host's (binds[]).  Entries grafted into
 * or hidden from one directory are changed with one replacement of it
 * (node and memory share /sys/devices/system), then the binds go over what
 * is left; missing files get their dangling link last.
 */
static int apply_binds(struct ns_mounts *mounts, const bool *served, const char *mnt)
{
	enum bind_action act[G_N_ELEMENTS(binds)];
	bool done[G_N_ELEMENTS(binds)] = { false };
	int rc = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(binds); i++) {
		static const char *const words[] = { "left alone", "bound over", "grafted in",
						     "hidden", "covered as missing" };

		act[i] = bind_action(served[i], &binds[i]);
		g_debug("%s: %s", binds[i].host_path, words[act[i]]);
	}
	for (size_t i = 0; rc == 0 && i < G_N_ELEMENTS(binds); i++) {
		g_autofree char *parent = g_path_get_dirname(binds[i].host_path);
		g_autoptr(GArray) g = g_array_new(FALSE, FALSE, sizeof(struct ns_graft));
		g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

		if (done[i] || (act[i] != ACT_GRAFT && act[i] != ACT_HIDE))
			continue;
		for (size_t k = i; k < G_N_ELEMENTS(binds); k++) {
			g_autofree char *kparent = g_path_get_dirname(binds[k].host_path);
			struct ns_graft e;

			if (done[k] || (act[k] != ACT_GRAFT && act[k] != ACT_HIDE) ||
			    strcmp(kparent, parent) != 0)
				continue;
			g_ptr_array_add(names, g_path_get_basename(binds[k].host_path));
			g_ptr_array_add(names, act[k] == ACT_GRAFT ?
					g_build_filename(mnt, binds[k].tree_path, NULL) : NULL);
			e = (struct ns_graft){ g_ptr_array_index(names, names->len - 2),
					       g_ptr_array_index(names, names->len - 1) };
			g_array_append_val(g, e);
			done[k] = true;
		}
		rc = ns_replace_entries(mounts, parent, (struct ns_graft *)(void *)g->data, g->len);
		if (rc < 0)
			fprintf(stderr, "hotplugfs: cannot change the entries of %s: %s\n", parent,
				strerror(-rc));
	}
	for (size_t i = 0; rc == 0 && i < G_N_ELEMENTS(binds); i++) {
		g_autofree char *src = g_build_filename(mnt, binds[i].tree_path, NULL);

		if (act[i] == ACT_BIND)
			rc = ns_bind_over(mounts, src, binds[i].host_path);
		else if (act[i] == ACT_MISSING)
			rc = ns_cover_missing(mounts, binds[i].host_path, MISSING_TARGET);
		if (rc < 0)
			fprintf(stderr, "hotplugfs: cannot put %s over %s: %s\n",
				act[i] == ACT_BIND ? src : "a dangling link", binds[i].host_path,
				strerror(-rc));
	}
	return rc;
}

/* The rule for what the machine lacks: the host's is not there either. */
static bool absent_is_absent(const bool *served)
{
	struct stat st;

	for (size_t i = 0; i < G_N_ELEMENTS(binds); i++) {
		if (served[i] || !(binds[i].policy & (BIND_HIDE | BIND_MISSING)))
			continue;
		if (stat(binds[i].host_path, &st) == 0 || errno != ENOENT) {
			fprintf(stderr, "hotplugfs: refusing to run: the machine has no %s, and the "
				"host's would show\n", binds[i].host_path);
			return false;
		}
	}
	return true;
}

/* Whether host_path is the served tree_path (or, when absent, nothing). */
static bool dir_is_ours(const char *mnt, const char *host_path, const char *tree_path)
{
	g_autofree char *ours = g_build_filename(mnt, tree_path, NULL);
	struct stat seen, served;

	if (lstat(host_path, &seen) != 0)
		return errno == ENOENT;
	if (!path_is_fuse(host_path) || stat(ours, &served) != 0)
		return false;
	/* Same FUSE connection, not merely some FUSE filesystem. */
	return seen.st_dev == served.st_dev && seen.st_ino == served.st_ino;
}

/* The safety rule: the memory directory CMD sees is ours, or there is none. */
static bool memory_dir_is_ours(const char *mnt)
{
	return dir_is_ours(mnt, MEMORY_DIR, "sys/devices/system/memory");
}

/*
 * debugfs for the selftest: `mount -t debugfs` must list a mount whose
 * notifier-error-inject files are the machine's.  A fresh debugfs at
 * /sys/kernel/debug (inside our namespace only), then the machine's
 * directory bound over it: the listing shows the debugfs mount, paths
 * resolve to the top one (the overmount trick, docs/selftest.md).  A host
 * without /sys/kernel/debug (no CONFIG_DEBUG_FS) gets none.
 */
static int serve_debugfs(struct ns_mounts *mounts, const char *mnt, bool unprivileged)
{
	g_autofree char *src = g_build_filename(mnt, "sys/kernel/debug", NULL);
	int rc = 0;

	if (access(DEBUGFS_DIR, F_OK) != 0)
		return 0;
	/* debugfs has no FS_USERNS_MOUNT: a user namespace cannot mount one. */
	if (!unprivileged)
		rc = ns_mount_debugfs(mounts, DEBUGFS_DIR);
	if (rc == 0)
		rc = ns_bind_over(mounts, src, DEBUGFS_DIR);
	if (rc < 0) {
		fprintf(stderr, "hotplugfs: cannot put %s over %s: %s\n", src, DEBUGFS_DIR,
			strerror(-rc));
		return rc;
	}
	if (!dir_is_ours(mnt, DEBUGFS_DIR, "sys/kernel/debug")) {
		fprintf(stderr, "hotplugfs: refusing to run: %s is not served by hotplugfs "
			"(the host's error injection files must never be written)\n", DEBUGFS_DIR);
		return -EEXIST;
	}
	return 0;
}

/* Execs CMD in a child; an exec failure comes back through a CLOEXEC pipe.
 * The child first carries out plan (if any) and installs the kexec filter
 * (kexec_filter_install: with --kexec-safe its listener goes over
 * seccomp_sock); it never execs without it. */
static pid_t spawn(char **cmd, const sigset_t *child_mask, const struct kexec_filter *filter,
		   int seccomp_sock, const struct kexec_plan *plan)
{
	int pipefd[2], err = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		/* Only async-signal-safe calls: another thread serves FUSE. */
		int rc;

		close(pipefd[0]);
		sigprocmask(SIG_SETMASK, child_mask, NULL);
		/* libkmod loads modules itself: never into the host kernel. */
		if (module_guard_child() < 0) {
			err = EPERM;
			if (write(pipefd[1], &err, sizeof(err)) < 0)
				_exit(126);
			_exit(126);
		}
		rc = plan ? kexec_plan_run(plan) : 0;
		if (rc == 0)
			rc = kexec_filter_install(filter, seccomp_sock);
		if (rc < 0) {
			err = -rc;
			if (write(pipefd[1], &err, sizeof(err)) < 0)
				_exit(126);
			_exit(126);
		}
		execvp(cmd[0], cmd);
		err = errno;
		if (write(pipefd[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(err == ENOENT ? 127 : 126);
	}
	close(pipefd[1]);
	if (pid > 0 && read(pipefd[0], &err, sizeof(err)) == (ssize_t)sizeof(err))
		fprintf(stderr, "hotplugfs: %s: %s\n", cmd[0], strerror(err));
	close(pipefd[0]);
	return pid;
}

/* Waits for the child, forwarding SIGINT/SIGTERM/SIGHUP; its exit status. */
static int wait_forwarding(pid_t child, const sigset_t *waited)
{
	struct timespec tick = { .tv_sec = 1 };
	int status;

	for (;;) {
		int sig = sigtimedwait(waited, NULL, &tick);
		pid_t r;

		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			kill(child, sig);
		r = waitpid(child, &status, WNOHANG);
		if (r == child)
			break;
		if (r < 0 && errno != EINTR) {
			perror("hotplugfs: waitpid");
			return EXIT_RUNTIME;
		}
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Last resort when unmounting did not end the connection (a straggler holds
 * a file): abort it through fusectl, which ends the loop with ENODEV. */
static void abort_connection(dev_t dev)
{
	char dir[] = "/tmp/hotplugfs-fusectl.XXXXXX";
	g_autofree char *path = NULL;
	int fd;

	if (!mkdtemp(dir))
		return;
	if (mount("fusectl", dir, "fusectl", 0, NULL) == 0) {
		path = g_strdup_printf("%s/%u/abort", dir, minor(dev));
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, "1", 1) < 0)
				perror("hotplugfs: abort");
			close(fd);
		}
		umount2(dir, MNT_DETACH);
	}
	rmdir(dir);
}

/* Ends the loop thread: unmount (the kernel then answers ENODEV to its read). */
static void stop_loop(struct loop_thread *lt, const char *mnt, dev_t dev, bool unprivileged)
{
	struct timespec deadline;

	fuse_session_exit(hotplugfs_session_fuse(lt->hs));
	umount2(mnt, MNT_DETACH);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	if (pthread_timedjoin_np(lt->tid, NULL, &deadline) == 0)
		return;
	/* fusectl cannot be mounted in a user namespace; there, the kernel
	 * aborts the connection when the namespace's last process exits. */
	if (!unprivileged)
		abort_connection(dev);
	pthread_join(lt->tid, NULL);
}

/* Mounts, binds, verifies, runs CMD and tears down; CMD's exit status. */
static int run_in_namespace(struct backend *b, const char *exe, char **cmd,
			    const struct run_options *opt)
{
	bool kexec_safe = opt->kexec_safe;
	const struct machine *m = b->model;
	struct kexec_safe ks = { .listener = -1 };
	struct kexec_plan plan;
	struct kexec_filter filter = { 0 };
	int sock[2] = { -1, -1 };
	unsigned cpus = b->cpus;
	/* Under $TMPDIR, as mkdtemp(1) would. */
	g_autofree char *mnt = g_build_filename(g_get_tmp_dir(), "hotplugfs-run.XXXXXX", NULL);
	struct ns_mounts mounts;
	struct loop_thread lt = { 0 };
	struct uevent_udev *udev = NULL;
	bool served[G_N_ELEMENTS(binds)];
	bool served_debugfs;
	tree_node debug_node;
	sigset_t waited, old_mask, pending;
	struct stat mst = { 0 };
	int status = EXIT_RUNTIME, rc;
	pid_t child;

	/* Asked before the loop thread starts: from then on only it reads m. */
	for (size_t i = 0; i < G_N_ELEMENTS(binds); i++) {
		tree_node n;

		served[i] = tree_resolve(m, binds[i].tree_path, &n) == 0;
	}
	served_debugfs = tree_resolve(m, "sys/kernel/debug", &debug_node) == 0;
	kexec_plan_init(&plan);
	/* Block the signals we forward before anything needs cleaning up, and
	 * before the loop thread exists, so it inherits the mask and only
	 * sigtimedwait below ever takes them. */
	sigemptyset(&waited);
	sigaddset(&waited, SIGINT);
	sigaddset(&waited, SIGTERM);
	sigaddset(&waited, SIGHUP);
	sigaddset(&waited, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &waited, &old_mask);
	if (!mkdtemp(mnt)) {
		perror("hotplugfs: mkdtemp");
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
		return EXIT_RUNTIME;
	}
	ns_mounts_init(&mounts);
	/* /dev's nodes follow the machine's devices: set up while only this
	 * thread reads the machine (the FUSE thread owns it once started). */
	if (devnodes_serve(&mounts, (struct machine *)m) < 0) {
		ns_unmount_all(&mounts);
		g_ptr_array_unref(mounts.targets);
		devnodes_stop((struct machine *)m);
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
		rmdir(mnt);
		return EXIT_RUNTIME;
	}
	/* For CMD (lsmem --sysroot "$HOTPLUGFS_MOUNT"), and for the harness,
	 * which reads the files through /proc/PID/root.  Set while this is
	 * still the only thread. */
	setenv("HOTPLUGFS_MOUNT", mnt, 1);
	lt.hs = hotplugfs_session_new(b, mnt, NULL);
	if (lt.hs && opt->control && hotplugfs_session_control(lt.hs, opt->control) < 0) {
		hotplugfs_session_destroy(lt.hs);
		lt.hs = NULL;
	}
	/* Subscribed before the loop thread exists: it logs the events. */
	if (lt.hs && !(udev = uevent_udev_start(b))) {
		hotplugfs_session_destroy(lt.hs);
		lt.hs = NULL;
	}
	if (lt.hs && pthread_create(&lt.tid, NULL, run_loop, &lt) != 0) {
		fprintf(stderr, "hotplugfs: cannot start the FUSE thread\n");
		uevent_udev_stop(udev);
		udev = NULL;
		hotplugfs_session_destroy(lt.hs);
		lt.hs = NULL;
	}
	if (!lt.hs) {
		ns_unmount_all(&mounts);
		g_ptr_array_unref(mounts.targets);
		devnodes_stop((struct machine *)m);
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
		rmdir(mnt);
		return EXIT_RUNTIME;
	}
	/* stat() is the first request: it waits for the INIT the thread answers. */
	if (stat(mnt, &mst) != 0) {
		perror("hotplugfs: stat mount point");
		goto out;
	}
	if (apply_binds(&mounts, served, mnt) < 0 || !absent_is_absent(served))
		goto out;
	if (!memory_dir_is_ours(mnt)) {
		fprintf(stderr, "hotplugfs: refusing to run: %s is not served by hotplugfs "
			"(the host's memory blocks must never be written)\n", MEMORY_DIR);
		status = EXIT_REFUSED;
		goto out;
	}
	g_debug("%s is served by hotplugfs: the machine's", MEMORY_DIR);
	if (served_debugfs && (rc = serve_debugfs(&mounts, mnt, opt->unprivileged)) < 0) {
		if (rc == -EEXIST)
			status = EXIT_REFUSED;
		goto out;
	}
	if (kexec_serve(&mounts, mnt, cpus, kexec_safe, kexec_safe ? &plan : NULL) < 0)
		goto out;
	/* A write to the host's kexec_crash_size would free its reservation. */
	if (!dir_is_ours(mnt, "/sys/kernel/kexec_crash_size", "sys/kernel/kexec_crash_size")) {
		fprintf(stderr, "hotplugfs: refusing to run: /sys/kernel/kexec_crash_size is not "
			"served by hotplugfs\n");
		status = EXIT_REFUSED;
		goto out;
	}
	if (kexec_safe) {
		/* A bare `kexec KERNEL` runs `shutdown -r now` after loading. */
		g_autofree char *shutdown = realpath("/sbin/shutdown", NULL);

		if (shutdown && ns_bind_over(&mounts, "/bin/false", shutdown) < 0) {
			fprintf(stderr, "hotplugfs: refusing to run: cannot put /bin/false over %s\n",
				shutdown);
			goto out;
		}
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) != 0) {
			perror("hotplugfs: socketpair");
			goto out;
		}
	}
	rc = ns_guard_modprobe(&mounts, exe);
	if (rc < 0) {
		fprintf(stderr, "hotplugfs: refusing to run: cannot put the modprobe guard in "
			"place: %s\n", strerror(-rc));
		goto out;
	}
	/* Interrupted while setting up: do not start CMD at all. */
	sigpending(&pending);
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig != SIGCHLD && sigismember(&waited, sig) && sigismember(&pending, sig)) {
			status = 128 + sig;
			goto out;
		}
	}
	rc = kexec_filter_build(&filter, kexec_safe);
	if (rc < 0) {
		fprintf(stderr, "hotplugfs: cannot build the seccomp filter: %s\n", strerror(-rc));
		goto out;
	}
	child = spawn(cmd, &old_mask, &filter, sock[1], kexec_safe ? &plan : NULL);
	if (child < 0) {
		perror("hotplugfs: fork");
		goto out;
	}
	if (kexec_safe) {
		close(sock[1]);
		sock[1] = -1;
		rc = kexec_safe_start(&ks, b, sock[0]);
		if (rc < 0) {
			/* The child did not get its filter and reported it already. */
			waitpid(child, NULL, 0);
			goto out;
		}
	}
	status = wait_forwarding(child, &waited);
out:
	kexec_safe_stop(&ks);
	kexec_filter_clear(&filter);
	for (int i = 0; i < 2; i++)
		if (sock[i] >= 0)
			close(sock[i]);
	kexec_plan_clear(&plan);
	ns_unmount_all(&mounts);
	g_ptr_array_unref(mounts.targets);
	stop_loop(&lt, mnt, mst.st_dev, opt->unprivileged);
	devnodes_stop((struct machine *)m);
	uevent_udev_stop(udev);
	hotplugfs_session_destroy(lt.hs);
	if (rmdir(mnt) != 0)
		fprintf(stderr, "hotplugfs: cannot remove %s: %s\n", mnt, strerror(errno));
	/* The forwarded signals stay blocked: one arriving now must not turn
	 * CMD's exit status into our death by signal. */
	return status;
}

/* The user namespace, or the reason it cannot be had (exit 1). */
static int enter_namespace(bool unprivileged)
{
	g_autofree char *why = NULL;
	int rc;

	if (!unprivileged) {
		rc = ns_enter_private();
		if (rc < 0) {
			fprintf(stderr, "hotplugfs run: cannot enter a private mount namespace: %s\n",
				strerror(-rc));
			return EXIT_RUNTIME;
		}
		return 0;
	}
	g_debug("not root: entering a user namespace of our own");
	rc = ns_enter_unprivileged(&why);
	if (rc < 0) {
		fprintf(stderr, "hotplugfs run: refused: without root this needs a user namespace, "
			"and %s\n", why);
		return EXIT_REFUSED;
	}
	/* libfuse would only say "failed to open /dev/fuse". */
	if (access("/dev/fuse", R_OK | W_OK) != 0) {
		struct stat st;
		int e = errno;

		if (e == EACCES && stat("/dev/fuse", &st) == 0)
			fprintf(stderr, "hotplugfs run: refused: /dev/fuse is mode %04o: an ordinary "
				"user needs it readable and writable (0666, as udev's default rules "
				"make it)\n", (unsigned)(st.st_mode & 07777));
		else
			fprintf(stderr, "hotplugfs run: refused: /dev/fuse: %s (the fuse module "
				"is needed)\n", strerror(e));
		return EXIT_REFUSED;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	g_autoptr(backend) b = NULL;
	g_autofree char *exe = NULL, *control = NULL;
	gboolean kexec_safe = FALSE;
	const GOptionEntry entries[] = {
		{ "control", 0, 0, G_OPTION_ARG_FILENAME, &control,
		  "Serve the control socket SOCKET (docs/control-protocol.md)", "SOCKET" },
		{ "kexec-safe", 0, 0, G_OPTION_ARG_NONE, &kexec_safe,
		  "Let kexec run: its system calls are answered, never reach the kernel", NULL },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const struct cli_spec spec = {
		.name = "run", .params = "FIXTURE [--] CMD [ARGS...]",
		.summary = "Run CMD in a private mount namespace in which the machine's files are\n"
			   "bound over /proc/iomem, /sys/firmware/memmap, /sys/devices/system/memory\n"
			   "and their neighbours.  CMD starts only once /sys/devices/system/memory is\n"
			   "this machine's.  Without root this happens in a user namespace.\n"
			   "The exit status is CMD's; HOTPLUGFS_MOUNT names the mount point.",
		.entries = entries,
		.strict_posix = true,
	};
	struct run_options opt = { 0 };
	char priority[16];
	int first = 2, rc = cli_parse(&spec, &argc, &argv);

	if (rc >= 0)
		return rc;
	/* argv[0] is "run", then the fixture, an optional "--" and CMD. */
	if (argc < 2)
		return cli_usage_error("run", "expected FIXTURE -- CMD");
	if (argc > 2 && strcmp(argv[2], "--") == 0)
		first = 3;
	if (first >= argc)
		return cli_usage_error("run", "expected a command after the fixture");
	opt.control = control;
	opt.kexec_safe = kexec_safe;
	opt.unprivileged = geteuid() != 0;
	if (!opt.kexec_safe) {
		g_autofree char *base = g_path_get_basename(argv[first]);

		if (strcmp(base, "kexec") == 0 && !kexec_args_parse_only(argv + first)) {
			fprintf(stderr, "hotplugfs run: refusing to run kexec without --kexec-safe "
				"(only --print-ckr-size, -h and -v are safe without it)\n");
			return EXIT_REFUSED;
		}
	}
	b = load_backend_or_report(argv[1], SIZE_MAX);
	if (!b)
		return EXIT_USAGE;
	/* This binary, for the modprobe guard: resolved while the path still
	 * means what it means on the host. */
	exe = realpath("/proc/self/exe", NULL);
	if (!exe) {
		perror("hotplugfs: /proc/self/exe");
		return EXIT_RUNTIME;
	}
	/* The guard accepts the priority the machine's injector has.  Set
	 * before any thread exists (setenv is not thread-safe). */
	snprintf(priority, sizeof(priority), "%d", b->inject_priority);
	setenv(NS_INJECT_PRIORITY_ENV, priority, 1);
	/* sd-device (libudev, udevadm) takes a device only from a directory on
	 * sysfs (statfs f_type SYSFS_MAGIC), and ours is FUSE; "0" lifts that
	 * check (systemd's docs/ENVIRONMENT.md), so `udevadm test` and
	 * enumerating agents see the machine's devices. */
	setenv("SYSTEMD_DEVICE_VERIFY_SYSFS", "0", 1);
	rc = enter_namespace(opt.unprivileged);
	if (rc)
		return rc;
	rc = ns_enter_private_net();
	if (rc < 0) {
		fprintf(stderr, "hotplugfs: cannot enter a private network namespace: %s\n",
			strerror(-rc));
		return EXIT_RUNTIME;
	}
	return run_in_namespace(b, exe, argv + first, &opt);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private mount namespace, binds and entry replacement (see namespace.h). */
#include "namespace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include <libmount.h>

#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC 0x65735546
#endif

void ns_mounts_init(struct ns_mounts *mounts)
{
	mounts->targets = g_ptr_array_new_with_free_func(g_free);
}

static void record_mount(struct ns_mounts *mounts, const char *target)
{
	g_ptr_array_add(mounts->targets, g_strdup(target));
}

void ns_unmount_all(struct ns_mounts *mounts)
{
	if (!mounts->targets)
		return;
	/* Newest first: a bind inside a replaced directory goes before it.
	 * MNT_DETACH so a file a straggler still holds cannot keep us here. */
	for (guint i = mounts->targets->len; i > 0; i--) {
		const char *t = g_ptr_array_index(mounts->targets, i - 1);

		/* A dangling link mounted by ns_cover_missing() is unmounted
		 * without following it. */
		if (umount2(t, MNT_DETACH) == 0 ||
		    (errno == ENOENT && umount2(t, MNT_DETACH | UMOUNT_NOFOLLOW) == 0))
			continue;
		if (errno != EINVAL && errno != ENOENT)
			fprintf(stderr, "hotplugfs: cannot unmount %s: %s\n", t, strerror(errno));
	}
	g_ptr_array_set_size(mounts->targets, 0);
}

int ns_enter_private(void)
{
	if (unshare(CLONE_NEWNS) != 0)
		return -errno;
	/* Shared propagation (systemd's default) would carry our binds back to
	 * the host: make the whole tree private first. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -errno;
	return 0;
}

/* A sysctl's integer value; false when the file is absent or unreadable. */
static bool read_sysctl(const char *path, long long *v)
{
	g_autofree char *text = NULL;
	char *end;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return false;
	*v = g_ascii_strtoll(text, &end, 10);
	return end != text;
}

#define SYSCTL_USERNS_CLONE "/proc/sys/kernel/unprivileged_userns_clone"
#define SYSCTL_MAX_USERNS "/proc/sys/user/max_user_namespaces"
#define SYSCTL_APPARMOR_USERNS "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"

/* Why unshare(CLONE_NEWUSER) failed with err, naming the setting. */
static char *userns_refusal(int err)
{
	long long v;

	/* Debian's and Ubuntu's kernels before 6.x carry this switch
	 * (kernel/fork.c, debian/patches: add-sysctl-to-disallow-unprivileged-CLONE_NEWUSER). */
	if (read_sysctl(SYSCTL_USERNS_CLONE, &v) && v == 0)
		return g_strdup("user namespaces are off for ordinary users: "
				"kernel.unprivileged_userns_clone = 0 (sysctl "
				"kernel.unprivileged_userns_clone=1 allows them)");
	/* create_user_ns() fails with ENOSPC past the limit (kernel/user_namespace.c). */
	if (read_sysctl(SYSCTL_MAX_USERNS, &v) && v == 0)
		return g_strdup("user namespaces are off: user.max_user_namespaces = 0 "
				"(sysctl user.max_user_namespaces=N with N > 0 allows them)");
	if (err == ENOSPC && read_sysctl(SYSCTL_MAX_USERNS, &v))
		return g_strdup_printf("user.max_user_namespaces = %lld is reached", v);
	if (read_sysctl(SYSCTL_APPARMOR_USERNS, &v) && v == 1)
		return g_strdup("AppArmor restricts user namespaces: "
				"kernel.apparmor_restrict_unprivileged_userns = 1 (an AppArmor profile "
				"with \"userns,\" for hotplugfs, or the sysctl set to 0, allows them)");
	return g_strdup_printf("unshare(CLONE_NEWUSER): %s (a container or seccomp policy "
			       "may forbid user namespaces)", strerror(err));
}

/* Writes text to /proc/self/<file>; 0 or -errno. */
static int write_self(const char *file, const char *text)
{
	g_autofree char *path = g_strdup_printf("/proc/self/%s", file);
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		rc = -errno;
	close(fd);
	return rc;
}

/*
 * Hand-written on purpose: unshare(2) and three writes to /proc/self are the
 * whole of it (user_namespaces(7)); a library would add a dependency and
 * hide which setting refused us, which is what the caller must print.
 */
int ns_enter_unprivileged(char **why)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	g_autofree char *uid_map = g_strdup_printf("0 %u 1\n", (unsigned)uid);
	g_autofree char *gid_map = g_strdup_printf("0 %u 1\n", (unsigned)gid);
	long long v;
	int rc;

	*why = NULL;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
		rc = -errno;
		*why = userns_refusal(-rc);
		return rc;
	}
	/* Root inside, the caller outside, as `unshare -r`; an unprivileged
	 * process may map only its own ids, and gid_map only after setgroups
	 * is denied (user_namespaces(7)). */
	rc = write_self("uid_map", uid_map);
	if (rc == 0)
		rc = write_self("setgroups", "deny");
	if (rc == 0)
		rc = write_self("gid_map", gid_map);
	if (rc < 0) {
		*why = g_strdup_printf("cannot map the user into its namespace: %s", strerror(-rc));
		return rc;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
		rc = -errno;
		/* AppArmor lets the namespace be made but takes its capabilities. */
		if (rc == -EPERM && read_sysctl(SYSCTL_APPARMOR_USERNS, &v) && v == 1)
			*why = userns_refusal(EPERM);
		else
			*why = g_strdup_printf("cannot make the mounts private in the user "
					       "namespace: %s", strerror(-rc));
		return rc;
	}
	return 0;
}

int ns_enter_private_net(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, rc = 0;

	if (unshare(CLONE_NEWNET) != 0)
		return -errno;
	/* A new namespace's loopback is down; CMD expects localhost to work. */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		rc = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (rc == 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

int ns_bind_over(struct ns_mounts *mounts, const char *src, const char *dst)
{
	struct stat ss, ds;

	if (stat(src, &ss) != 0 || stat(dst, &ds) != 0)
		return -errno;
	if (S_ISDIR(ss.st_mode) != S_ISDIR(ds.st_mode))
		return S_ISDIR(ds.st_mode) ? -EISDIR : -ENOTDIR;
	if (mount(src, dst, NULL, MS_BIND, NULL) != 0)
		return -errno;
	record_mount(mounts, dst);
	return 0;
}

/* Creates at path an empty entry of the kind of st, to bind onto or to copy a link. */
static int make_stand_in(const char *path, const struct stat *st, const char *link_src)
{
	if (S_ISDIR(st->st_mode)) {
		if (mkdir(path, st->st_mode & 07777) != 0)
			return -errno;
	} else if (S_ISLNK(st->st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlink(link_src, target, sizeof(target) - 1);

		if (n < 0)
			return -errno;
		target[n] = '\0';
		if (symlink(target, path) != 0)
			return -errno;
	} else {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st->st_mode & 07777);

		if (fd < 0)
			return -errno;
		close(fd);
	}
	return 0;
}

/* Puts a stand-in for what (a path in the stashed parent, or src) at dst. */
static int place_entry(const char *what, const char *dst, bool follow)
{
	struct stat st;
	int rc;

	if ((follow ? stat(what, &st) : lstat(what, &st)) != 0)
		return -errno;
	rc = make_stand_in(dst, &st, what);
	if (rc < 0 || S_ISLNK(st.st_mode))
		return rc;
	/* Recursive: keeps submounts below the entry (efivars, debugfs ...). */
	if (mount(what, dst, NULL, MS_BIND | MS_REC, NULL) != 0)
		return -errno;
	return 0;
}

static bool grafted(const char *name, const struct ns_graft *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, g[i].name) == 0)
			return true;
	return false;
}

/* Fills the tmpfs now at parent from the stashed original, with the grafted
 * names swapped or left out. */
static int fill_replacement(const char *stash, const char *parent, const struct ns_graft *g,
			    size_t n)
{
	DIR *d = opendir(stash);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return -errno;
	while (rc == 0 && (de = readdir(d))) {
		g_autofree char *from = NULL, *to = NULL;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    grafted(de->d_name, g, n))
			continue;
		from = g_build_filename(stash, de->d_name, NULL);
		to = g_build_filename(parent, de->d_name, NULL);
		rc = place_entry(from, to, false);
	}
	closedir(d);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		g_autofree char *to = g_build_filename(parent, g[i].name, NULL);

		if (g[i].src)
			rc = place_entry(g[i].src, to, true);
	}
	return rc;
}

int ns_replace_entries(struct ns_mounts *mounts, const char *parent, const struct ns_graft *g,
		       size_t n)
{
	g_autofree char *stash = g_build_filename(g_get_tmp_dir(), "hotplugfs-stash.XXXXXX", NULL);
	g_autofree char *opts = NULL;
	struct stat pst;
	int rc = 0;

	if (stat(parent, &pst) != 0)
		return -errno;
	if (!S_ISDIR(pst.st_mode))
		return -ENOTDIR;
	if (!mkdtemp(stash))
		return -errno;
	/* Keep a handle on the original entries before the tmpfs hides them. */
	if (mount(parent, stash, NULL, MS_BIND | MS_REC, NULL) != 0) {
		rc = -errno;
		rmdir(stash);
		return rc;
	}
	opts = g_strdup_printf("mode=%04o,size=64k", (unsigned)(pst.st_mode & 07777));
	if (mount("hotplugfs", parent, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) != 0) {
		rc = -errno;
	} else {
		record_mount(mounts, parent);
		rc = fill_replacement(stash, parent, g, n);
		/* Read-only like the sysfs directory it stands for: no one may add
		 * entries the real kernel would refuse to create. */
		if (rc == 0 && mount(NULL, parent, NULL,
				     MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
				     opts) != 0)
			rc = -errno;
		if (rc < 0) {
			umount2(parent, MNT_DETACH);
			g_ptr_array_set_size(mounts->targets, mounts->targets->len - 1);
		}
	}
	umount2(stash, MNT_DETACH);
	rmdir(stash);
	return rc;
}

int ns_replace_entry(struct ns_mounts *mounts, const char *parent, const char *name,
		     const char *src)
{
	struct ns_graft g = { name, (char *)src };

	return ns_replace_entries(mounts, parent, &g, 1);
}

int ns_cover_missing(struct ns_mounts *mounts, const char *path, const char *target)
{
	char stash[] = "/tmp/hotplugfs-missing.XXXXXX";
	g_autofree char *link = NULL;
	struct stat st;
	int fd, rc = 0;

	if (stat(path, &st) != 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!mkdtemp(stash))
		return -errno;
	/* A tmpfs of our own: the link must not stay behind in /tmp. */
	if (mount("hotplugfs", stash, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "size=4k,mode=0755") != 0) {
		rc = -errno;
		rmdir(stash);
		return rc;
	}
	link = g_build_filename(stash, "missing", NULL);
	if (symlink(target, link) != 0) {
		rc = -errno;
	} else {
		fd = open_tree(AT_FDCWD, link, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
			       AT_SYMLINK_NOFOLLOW);
		if (fd < 0) {
			rc = -errno;
		} else {
			if (move_mount(fd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) != 0)
				rc = -errno;
			else
				record_mount(mounts, path);
			close(fd);
		}
	}
	umount2(stash, MNT_DETACH);
	rmdir(stash);
	return rc;
}

bool path_is_fuse(const char *path)
{
	struct statfs sf;

	if (statfs(path, &sf) != 0)
		return false;
	return (unsigned long)sf.f_type == (unsigned long)FUSE_SUPER_MAGIC;
}

/*
 * The topmost mount at target in /proc/self/mountinfo, read with libmount
 * (which undoes the octal escapes such as \040 for a space), or NULL.
 * statfs(target) would do, but would also trigger an automount (systemd's
 * sys-kernel-debug.automount) meant for the host's namespace.
 */
static struct libmnt_fs *topmost_mount(struct libmnt_table **tb, const char *target)
{
	*tb = mnt_new_table_from_file("/proc/self/mountinfo");
	if (!*tb)
		return NULL;
	/* Backward: a mount stacked on another comes later in the file. */
	return mnt_table_find_target(*tb, target, MNT_ITER_BACKWARD);
}

static char *mounted_fstype(const char *target)
{
	struct libmnt_table *tb;
	struct libmnt_fs *fs = topmost_mount(&tb, target);
	char *fstype = fs && mnt_fs_get_fstype(fs) ? g_strdup(mnt_fs_get_fstype(fs)) : NULL;

	mnt_unref_table(tb);
	return fstype;
}

bool ns_mount_is_hotplugfs(const char *target)
{
	struct libmnt_table *tb;
	struct libmnt_fs *fs = topmost_mount(&tb, target);
	/* fuse_fs.c mounts with fsname=hotplugfs,subtype=hotplugfs. */
	bool ours = fs && g_strcmp0(mnt_fs_get_fstype(fs), "fuse.hotplugfs") == 0 &&
		    g_strcmp0(mnt_fs_get_source(fs), "hotplugfs") == 0;

	mnt_unref_table(tb);
	return ours && path_is_fuse(target);
}

int ns_mount_debugfs(struct ns_mounts *mounts, const char *target)
{
	g_autofree char *fstype = mounted_fstype(target);

	if (fstype && strcmp(fstype, "debugfs") == 0)
		return 0;
	/* Flags as systemd's sys-kernel-debug.mount; the contents never show:
	 * the machine's directory is bound over it next. */
	if (mount("debugfs", target, "debugfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		return -errno;
	record_mount(mounts, target);
	return 0;
}

int ns_guard_modprobe(struct ns_mounts *mounts, const char *exe)
{
	static const char *const paths[] = { "/sbin/modprobe", "/usr/sbin/modprobe" };
	g_autofree char *first = NULL;
	g_autofree char *sbin = NULL;
	bool sbin_has_it = false;
	int rc;

	for (size_t i = 0; i < G_N_ELEMENTS(paths); i++) {
		g_autofree char *real = realpath(paths[i], NULL);

		if (!real)
			continue;   /* absent, or a dangling link: nothing runs there */
		if (i == 0)
			sbin_has_it = true;
		/* A bind over a symlink lands on its target: bind the file once. */
		if (first && strcmp(first, real) == 0)
			continue;
		rc = ns_bind_over(mounts, exe, real);
		if (rc < 0)
			return rc;
		if (!first)
			first = g_steal_pointer(&real);
	}
	if (sbin_has_it)
		return 0;
	sbin = realpath("/sbin", NULL);
	if (!sbin)
		return errno == ENOENT ? 0 : -errno;
	return ns_replace_entry(mounts, sbin, "modprobe", exe);
}

/* kmod treats '-' and '_' in module names alike. */
static bool is_injector(const char *name)
{
	static const char want[] = "memory_notifier_error_inject";
	size_t i;

	for (i = 0; name[i] && want[i]; i++)
		if (name[i] != want[i] && !(name[i] == '-' && want[i] == '_'))
			return false;
	return name[i] == '\0' && want[i] == '\0';
}

/* modprobe options that take a value in the next argument (kmod 30). */
static bool option_takes_value(const char *opt)
{
	static const char *const long_opts[] = { "--config", "--dirname", "--set-version", NULL };

	if (opt[1] != '-') {
		/* A cluster such as "-qC": its last letter decides, unless the
		 * value is attached ("-Cfile"). */
		const char *c = strpbrk(opt + 1, "CdS");

		return c && c[1] == '\0';
	}
	for (size_t i = 0; long_opts[i]; i++)
		if (strcmp(opt, long_opts[i]) == 0)
			return true;
	return false;
}

static bool option_is(const char *opt, char letter, const char *long_name)
{
	if (opt[1] == '-')
		return strcmp(opt + 2, long_name) == 0;
	for (const char *c = opt + 1; *c; c++) {
		if (*c == letter)
			return true;
		if (strchr("CdS", *c))
			return false;   /* the rest is that option's value */
	}
	return false;
}

/*
 * The mem-on-off-test.sh selftest runs `/sbin/modprobe -q -r
 * memory-notifier-error-inject` and `/sbin/modprobe -q
 * memory-notifier-error-inject priority=N` (docs/selftest.md), which on a
 * real host would load a module that makes the host's own memory hotplug
 * fail.  The machine's injector is always there (its debugfs files are
 * served), so those calls succeed without doing anything.
 */
int ns_modprobe_guard(int argc, char **argv)
{
	const char *env = getenv(NS_INJECT_PRIORITY_ENV);
	long long priority = env ? g_ascii_strtoll(env, NULL, 10) : 0;
	bool every_arg_a_module = false, have_module = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] == '-' && a[1] != '\0') {
			/* -r removes, -a loads several: then every word is a module. */
			if (option_is(a, 'r', "remove") || option_is(a, 'a', "all"))
				every_arg_a_module = true;
			if (option_takes_value(a))
				i++;
			continue;
		}
		if (!have_module || every_arg_a_module) {
			if (!is_injector(a)) {
				fprintf(stderr, "hotplugfs: modprobe %s refused inside hotplugfs run: "
					"no module ever reaches the host kernel\n", a);
				return 1;
			}
			have_module = true;
			continue;
		}
		/* A module parameter: the injector has only priority=. */
		if (strncmp(a, "priority=", 9) == 0) {
			char *end;
			long long p = g_ascii_strtoll(a + 9, &end, 0);

			if (end != a + 9 && *end == '\0' && p == priority)
				continue;
			fprintf(stderr, "hotplugfs: set the injector priority in the fixture "
				"(faults.notifier_error_inject.priority)\n");
			return 1;
		}
		fprintf(stderr, "hotplugfs: memory-notifier-error-inject has no parameter %s "
			"(only priority=)\n", a);
		return 1;
	}
	if (!have_module) {
		fprintf(stderr, "hotplugfs: modprobe without a module refused inside hotplugfs run: "
			"no module ever reaches the host kernel\n");
		return 1;
	}
	return 0;
}

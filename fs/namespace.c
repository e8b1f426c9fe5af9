/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private mount namespace, binds and entry replacement (see namespace.h). */
#include "namespace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

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

		if (umount2(t, MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT)
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

/* Fills the tmpfs now at parent from the stashed original, with name swapped. */
static int fill_replacement(const char *stash, const char *parent, const char *name,
			    const char *src)
{
	DIR *d = opendir(stash);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return -errno;
	while (rc == 0 && (de = readdir(d))) {
		g_autofree char *from = NULL, *to = NULL;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, name) == 0)
			continue;
		from = g_build_filename(stash, de->d_name, NULL);
		to = g_build_filename(parent, de->d_name, NULL);
		rc = place_entry(from, to, false);
	}
	closedir(d);
	if (rc == 0 && src) {
		g_autofree char *to = g_build_filename(parent, name, NULL);

		rc = place_entry(src, to, true);
	}
	return rc;
}

int ns_replace_entry(struct ns_mounts *mounts, const char *parent, const char *name,
		     const char *src)
{
	char stash[] = "/tmp/hotplugfs-stash.XXXXXX";
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
		rc = fill_replacement(stash, parent, name, src);
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

bool path_is_fuse(const char *path)
{
	struct statfs sf;

	if (statfs(path, &sf) != 0)
		return false;
	return (unsigned long)sf.f_type == (unsigned long)FUSE_SUPER_MAGIC;
}

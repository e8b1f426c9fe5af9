/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mount-namespace helpers for `hotplugfs run`: the served files are bound over
 * the real paths inside a private mount namespace, so unmodified tools that
 * hardcode /proc/iomem or /sys/firmware/memmap (kexec-tools) see the machine,
 * and the host's namespace is never touched.
 */
#ifndef HOTPLUGFS_NAMESPACE_H
#define HOTPLUGFS_NAMESPACE_H

#include <glib.h>
#include <stdbool.h>

/* Mounts made by these helpers, undone in reverse order by ns_unmount_all. */
struct ns_mounts {
	GPtrArray *targets;       /* char *, owned */
};

void ns_mounts_init(struct ns_mounts *mounts);
/* Lazily unmounts every recorded target, newest first, and forgets them. */
void ns_unmount_all(struct ns_mounts *mounts);

/* unshare(CLONE_NEWNS) and make every mount private, so nothing we mount
 * propagates back to the host.  0 or -errno. */
int ns_enter_private(void);

/*
 * Binds src over dst when both exist and are of the same kind (file over
 * file, directory over directory).  0; -ENOENT when either is missing;
 * -ENOTDIR/-EISDIR on a kind mismatch; -errno from mount(2).
 */
int ns_bind_over(struct ns_mounts *mounts, const char *src, const char *dst);

/*
 * Makes parent/name be src (a bind of it), or be absent when src is NULL,
 * while every other entry of parent stays the real one.  A mount cannot
 * delete a directory entry, so this mounts a read-only tmpfs over parent
 * that holds an entry of the same kind for each of parent's entries, each
 * with the original bound on it (recursively, so submounts such as
 * /sys/firmware/efi/efivars come along), and leaves out or replaces name.
 * Used where "present but empty" would lie: kexec-tools takes an existing
 * /sys/firmware/memmap as a firmware map, even an empty one.  0 or -errno.
 */
int ns_replace_entry(struct ns_mounts *mounts, const char *parent, const char *name,
		     const char *src);

/* Whether path is on a FUSE filesystem (statfs f_type == FUSE_SUPER_MAGIC). */
bool path_is_fuse(const char *path);

#endif

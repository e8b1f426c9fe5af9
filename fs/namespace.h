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

/* unshare(CLONE_NEWNET): a network namespace of our own (before any thread
 * exists, so every thread and CMD share it), its loopback up.  Netlink
 * multicasts stay inside it: the udev-group uevents of fs/uevent_udev.c
 * reach CMD's listeners only.  0 or -errno. */
int ns_enter_private_net(void);

/*
 * For an ordinary user: unshare(CLONE_NEWUSER | CLONE_NEWNS) with the caller
 * mapped to root inside (Linux 4.18+ lets such a namespace mount FUSE), and
 * every mount private.  0, or -errno with *why saying which setting forbids
 * it (kernel.unprivileged_userns_clone, user.max_user_namespaces, AppArmor's
 * kernel.apparmor_restrict_unprivileged_userns), newly allocated.  The
 * process must be single-threaded.
 */
int ns_enter_unprivileged(char **why);

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

/* One entry to change in ns_replace_entries(): name comes from src, or is
 * left out when src is NULL. */
struct ns_graft {
	const char *name;
	char *src;
};

/* ns_replace_entry() for several names at once. */
int ns_replace_entries(struct ns_mounts *mounts, const char *parent, const struct ns_graft *g,
		       size_t n);

/*
 * Makes the file path read as absent (stat and open fail with ENOENT) while
 * its directory stays the real one: a dangling symbolic link whose target is
 * the text target is mounted over it (open_tree() of the link with
 * AT_SYMLINK_NOFOLLOW, then move_mount(): a link can cover a file).  For
 * files of directories that cannot be replaced, such as /proc.  0 or -errno.
 */
int ns_cover_missing(struct ns_mounts *mounts, const char *path, const char *target);

/* Whether path is on a FUSE filesystem (statfs f_type == FUSE_SUPER_MAGIC). */
bool path_is_fuse(const char *path);

/* Whether the topmost mount at target (per /proc/self/mountinfo, through
 * libmount) is a hotplugfs FUSE mount: type fuse.hotplugfs, source hotplugfs. */
bool ns_mount_is_hotplugfs(const char *target);

/*
 * Makes target a debugfs mount point for `mount -t debugfs` (what the
 * memory-hotplug selftest looks for), before the machine's debugfs
 * directory is bound over it: a fresh debugfs, unless the topmost mount at
 * target already is one.  0 or -errno.
 */
int ns_mount_debugfs(struct ns_mounts *mounts, const char *target);

/*
 * Puts exe (this binary, which then runs ns_modprobe_guard) at
 * /sbin/modprobe and /usr/sbin/modprobe: bound over the file each resolves
 * to (once: on merged-usr both are one file, often kmod itself), or, when
 * /sbin/modprobe does not exist, added to the directory /sbin resolves to,
 * so the selftest's hardcoded /sbin/modprobe is ours either way.  0 or -errno.
 */
int ns_guard_modprobe(struct ns_mounts *mounts, const char *exe);

/* The environment variable carrying the machine's error injector priority
 * (faults.notifier_error_inject.priority) from `hotplugfs run` to the guard. */
#define NS_INJECT_PRIORITY_ENV "HOTPLUGFS_INJECT_PRIORITY"

/*
 * main() when this binary is run as "modprobe" (inside `hotplugfs run`, see
 * ns_guard_modprobe).  No module ever reaches the host kernel: for
 * memory-notifier-error-inject (or _inject), loading or removing, with no
 * priority= or the machine's priority, it succeeds silently, since the
 * machine's injector is always "loaded"; any other priority or parameter, or
 * any other module, is refused with a message and exit status 1.
 */
int ns_modprobe_guard(int argc, char **argv);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's files as a tree of computed nodes: every path under the mount
 * root is a 64-bit node id derived from (kind, object, attribute), so the tree
 * costs no memory per file and needs no path strings.  The FUSE adapter, the
 * `show` command and the tests all read the machine through this interface.
 *
 * Node id layout: kind (8 bits) | object (40 bits) | sub (16 bits).
 * The root is TREE_ROOT (1), as FUSE wants.
 */
#ifndef HOTPLUGFS_TREE_H
#define HOTPLUGFS_TREE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct machine;
struct event;

typedef uint64_t tree_node;
#define TREE_ROOT ((tree_node)1)

enum tree_type { TREE_DIR, TREE_FILE, TREE_LINK };

enum tree_file_class {
	TREE_SYSFS,   /* kernfs attribute: st_size 4096 */
	TREE_PROCFS,  /* seq_file under /proc: st_size 0 */
};

struct tree_stat {
	enum tree_type type;
	mode_t mode;              /* permission bits only */
	enum tree_file_class cls;
	uint32_t nlink;
	bool listing_changes;     /* a directory whose entries come and go (memory, nodeK) */
};

/* How a file's contents may change, for whoever caches them (fs/page_cache.c). */
enum tree_cache {
	TREE_CACHE_GLOBAL,   /* with any change of the machine */
	TREE_CACHE_OBJECT,   /* only with an event naming its object (a block's uevent
				or notifier call) */
	TREE_CACHE_STATIC,   /* never, while it exists */
	TREE_CACHE_NONE,     /* per opener, or changed elsewhere: never cached */
};

/* Who opened a file: /proc/iomem hides addresses from the unprivileged. */
struct tree_reader {
	bool cap_sys_admin;       /* CAP_SYS_ADMIN in the initial user namespace */
};

/* Whether n names something that exists now.  A node id names one object
 * for good: a block added again gets other ids (its generation), so the
 * ids of a removed block's files never exist again. */
bool tree_exists(const struct machine *m, tree_node n);
/* FUSE's generation of n: with the ids' own bits, unique per object
 * created (0 for what is never re-created). */
uint32_t tree_generation(const struct machine *m, tree_node n);

/* 0 and *child, or -ENOENT / -ENOTDIR. */
int tree_lookup(const struct machine *m, tree_node dir, const char *name, tree_node *child);
int tree_stat(const struct machine *m, tree_node n, struct tree_stat *st);
/* Parent directory (for ".."); the root is its own parent. */
tree_node tree_parent(const struct machine *m, tree_node n);

/*
 * Lists dir from cursor on.  fn gets each entry with the cursor of the entry
 * after it; a non-zero return stops the walk.  Cursors are stable small
 * integers (fixed entries first, then objects by position).  Returns 0 or
 * -ENOTDIR.  "." and ".." are not listed.
 */
typedef int (*tree_dirent_fn)(void *ctx, const char *name, tree_node n, enum tree_type type,
			      uint64_t next_cursor);
int tree_readdir(const struct machine *m, tree_node dir, uint64_t cursor, tree_dirent_fn fn,
		 void *ctx);

/* Contents as the kernel's show() makes them, appended to out.  -errno for
 * files that fail to read in the kernel (EIO), -EACCES for write-only ones,
 * -ENODEV for a file that no longer exists (kernfs_get_active() fails). */
int tree_read(const struct machine *m, tree_node n, const struct tree_reader *who,
	      GString *out);
/* One store() of buf[0..len): the kernel's errno, or 0 when accepted.  The
 * caller passes at most 4096 bytes (kernfs truncates to PAGE_SIZE); an empty
 * write (buf may be NULL) is 0 for sysfs files, as in the kernel.
 * -ENODEV for a file that no longer exists (kernfs_fop_write_iter). */
int tree_write(struct machine *m, tree_node n, const char *buf, size_t len);
/* Symlink target. */
int tree_readlink(const struct machine *m, tree_node n, GString *out);
/* The node a symlink points to, without resolving its text from the root
 * (nd links know theirs); -ENOENT when it leads nowhere. */
int tree_link_target(const struct machine *m, tree_node link, tree_node *out);

/* Resolves a slash-separated path from the root ("sys/devices/system/memory"). */
int tree_resolve(const struct machine *m, const char *path, tree_node *out);
/* The inverse: n's path below the root ("sys/devices/system/memory/memory8/state");
 * 0, or -ENOENT. */
int tree_path(const struct machine *m, tree_node n, GString *out);

/* How n's contents may change (TREE_CACHE_NONE for what is not a file). */
enum tree_cache tree_cache_class(const struct machine *m, tree_node n);
/* Every file node the block memoryN has now (its attributes, power/ and
 * fault files, as they may be cached); nothing if there is no memoryN. */
void tree_block_files(const struct machine *m, uint64_t id, void (*fn)(void *ctx, tree_node n),
		      void *ctx);
/* The files event e removes, called as it is logged (they still exist): a
 * block's at its remove uevent, a firmware-map entry's at its removal. */
void tree_removed_files(const struct machine *m, const struct event *e,
			void (*fn)(void *ctx, tree_node n), void *ctx);

/*
 * What a change did to the tree's names, for whoever caches them (the
 * kernel's dentry, attribute and readdir caches behind FUSE): a name that
 * left a directory, or a directory whose listing or attributes changed.
 * (Files' contents: tree_cache_class.)
 */
enum tree_change { TREE_NAME_REMOVED, TREE_NODE_CHANGED };
typedef void (*tree_change_fn)(void *ctx, enum tree_change what, tree_node n, const char *name);
/* Calls fn for every change event e (core/event_log.h) stands for. */
void tree_event_changes(const struct machine *m, const struct event *e, tree_change_fn fn,
			void *ctx);

#endif

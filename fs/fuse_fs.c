/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The FUSE low-level adapter.  Every inode number is a tree_node (core/tree.h),
 * computed from the path, so the daemon keeps no per-inode state: lookup and
 * forget need no table, and a machine with a million blocks costs nothing here
 * until a file is opened.  The only heap state is per open file: the seq_file
 * style snapshot a reader is served from.
 */
#include "fuse_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <fuse_lowlevel.h>

#include "machine.h"
#include "opener.h"
#include "tree.h"

/* The tree is static apart from block add/remove: let the kernel cache it. */
#define CACHE_TIMEOUT 3600.0
/* kernfs passes at most PAGE_SIZE to one store() (kernfs_fop_write_iter). */
#define STORE_MAX 4096
/* Offsets of "." and ".." in a directory stream; tree cursors follow. */
#define DOT_ENTRIES 2

struct fs {
	struct machine *m;
	struct timespec mount_time;   /* every file's times: stable like sysfs */
	/*
	 * Open files not yet released.  The kernel sends RELEASE asynchronously
	 * after the last close, and an unmount racing with it drops the request,
	 * so whatever is left here is freed with the session.
	 */
	GHashTable *open_files;
};

/*
 * One open file: the show() output generated for this opener, served by
 * offset until a read at offset 0 asks again (seq_file's rule, fs/seq_file.c:
 * a read at ki_pos 0 restarts the iterator).
 */
struct open_file {
	GString *snap;
	int read_err;                 /* show() failed: read returns it, like seq_file */
	bool served;                  /* a read or a write happened since the snapshot */
	bool readable;
	struct tree_reader who;       /* the opener's credentials (file->f_cred) */
};

/* Sessions of this process and their contexts, for hotplugfs_session_destroy. */
static GHashTable *sessions;

static void open_file_free(gpointer p)
{
	struct open_file *of = p;

	g_string_free(of->snap, TRUE);
	g_free(of);
}

static struct fs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* Attributes of n as the kernel's sysfs/procfs would report them; -errno. */
static int fill_stat(const struct fs *fs, tree_node n, struct stat *st)
{
	struct tree_stat ts;
	int rc = tree_stat(fs->m, n, &ts);

	if (rc < 0)
		return rc;
	memset(st, 0, sizeof(*st));
	st->st_ino = n;
	st->st_nlink = ts.nlink;
	st->st_uid = 0;
	st->st_gid = 0;
	st->st_blksize = 4096;
	st->st_atim = st->st_mtim = st->st_ctim = fs->mount_time;
	switch (ts.type) {
	case TREE_DIR:
		st->st_mode = S_IFDIR | ts.mode;
		break;
	case TREE_FILE:
		st->st_mode = S_IFREG | ts.mode;
		/* kernfs attributes claim a page; procfs seq_files claim nothing. */
		st->st_size = ts.cls == TREE_SYSFS ? 4096 : 0;
		break;
	case TREE_LINK: {
		g_autoptr(GString) target = g_string_new(NULL);

		rc = tree_readlink(fs->m, n, target);
		if (rc < 0)
			return rc;
		st->st_mode = S_IFLNK | 0777;
		st->st_size = (off_t)target->len;
		break;
	}
	}
	return 0;
}

static void reply_entry(fuse_req_t req, const struct fs *fs, tree_node n)
{
	struct fuse_entry_param e;
	int rc;

	memset(&e, 0, sizeof(e));
	rc = fill_stat(fs, n, &e.attr);
	if (rc < 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	e.ino = n;
	e.generation = 0;   /* same path, same object: a node id is never reused */
	e.attr_timeout = CACHE_TIMEOUT;
	e.entry_timeout = CACHE_TIMEOUT;
	fuse_reply_entry(req, &e);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/*
	 * Plain READDIR only: READDIRPLUS would instantiate a kernel inode per
	 * memoryN entry (notes §5.3).  O_TRUNC arrives as SETATTR(size=0), which
	 * setattr accepts as a no-op like LXCFS does.
	 */
	conn->want &= ~(FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO |
			FUSE_CAP_ATOMIC_O_TRUNC | FUSE_CAP_WRITEBACK_CACHE);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fs *fs = fs_of(req);
	tree_node child;
	int rc;

	if (strcmp(name, ".") == 0) {
		child = parent;
	} else if (strcmp(name, "..") == 0) {
		/* Only asked for with export support, but cheap to answer. */
		child = tree_parent(fs->m, parent);
	} else {
		rc = tree_lookup(fs->m, parent, name, &child);
		if (rc < 0) {
			/* Not cached: blocks may appear later (probe, hot-add). */
			fuse_reply_err(req, -rc);
			return;
		}
	}
	reply_entry(req, fs, child);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	/* Computed inodes carry no lookup count. */
	(void)ino;
	(void)nlookup;
	fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
	(void)count;
	(void)forgets;
	fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct stat st;
	int rc;

	(void)fi;
	rc = fill_stat(fs, ino, &st);
	if (rc < 0)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_attr(req, &st, CACHE_TIMEOUT);
}

/*
 * Only truncation (shell "> file" sends SETATTR size=0, plus times) is
 * accepted, and ignored: kernfs files have no size to change.  Mode and owner
 * changes would need per-inode state, so they are refused.
 */
static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		       struct fuse_file_info *fi)
{
	const int ignored = FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW |
			    FUSE_SET_ATTR_MTIME_NOW | FUSE_SET_ATTR_CTIME | FUSE_SET_ATTR_FORCE |
			    FUSE_SET_ATTR_KILL_SUID | FUSE_SET_ATTR_KILL_SGID |
			    FUSE_SET_ATTR_KILL_PRIV;
	struct fs *fs = fs_of(req);
	struct stat st;
	int rc;

	(void)fi;
	if ((to_set & ~(ignored | FUSE_SET_ATTR_SIZE)) ||
	    ((to_set & FUSE_SET_ATTR_SIZE) && attr->st_size != 0)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	rc = fill_stat(fs, ino, &st);
	if (rc < 0)
		fuse_reply_err(req, -rc);
	else if ((to_set & FUSE_SET_ATTR_SIZE) && !S_ISREG(st.st_mode))
		fuse_reply_err(req, S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
	else
		fuse_reply_attr(req, &st, CACHE_TIMEOUT);
}

static void op_readlink(fuse_req_t req, fuse_ino_t ino)
{
	g_autoptr(GString) target = g_string_new(NULL);
	int rc = tree_readlink(fs_of(req)->m, ino, target);

	if (rc < 0)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_readlink(req, target->str);
}

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct tree_stat ts;
	int rc = tree_stat(fs_of(req)->m, ino, &ts);

	if (rc < 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	if (ts.type != TREE_DIR) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	/* Stateless: the FUSE offset is the tree cursor, nothing to keep. */
	fi->fh = 0;
	fi->cache_readdir = 0;   /* blocks come and go; no invalidation yet */
	fuse_reply_open(req, fi);
}

/* A reply buffer being filled with dirents. */
struct dirbuf {
	fuse_req_t req;
	char *buf;
	size_t size, used;
};

/* Adds one entry; false when it does not fit (the kernel asks again from off). */
static bool add_dirent(struct dirbuf *db, const char *name, tree_node n, mode_t type,
		       off_t next_off)
{
	struct stat st;
	size_t need;

	memset(&st, 0, sizeof(st));
	st.st_ino = n;
	st.st_mode = type;
	need = fuse_add_direntry(db->req, db->buf + db->used, db->size - db->used, name, &st,
				 next_off);
	if (need > db->size - db->used)
		return false;
	db->used += need;
	return true;
}

static mode_t dirent_type(enum tree_type t)
{
	switch (t) {
	case TREE_DIR:
		return S_IFDIR;
	case TREE_LINK:
		return S_IFLNK;
	case TREE_FILE:
	default:
		return S_IFREG;
	}
}

static int collect_dirent(void *ctx, const char *name, tree_node n, enum tree_type type,
			  uint64_t next_cursor)
{
	struct dirbuf *db = ctx;

	return add_dirent(db, name, n, dirent_type(type), (off_t)(next_cursor + DOT_ENTRIES))
		? 0 : 1;
}

/*
 * Offsets: "." is at 0 and says 1, ".." says 2, a tree entry says its
 * next_cursor + 2.  So any offset the kernel hands back resumes exactly there,
 * with no state in the daemon (fuse_add_direntry doc: off is the next entry's).
 */
static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct dirbuf db = { .req = req, .size = size, .used = 0 };
	int rc = 0;

	(void)fi;
	db.buf = g_malloc(size ? size : 1);
	if (off == 0 && !add_dirent(&db, ".", ino, S_IFDIR, 1))
		goto out;
	if (off <= 1 && !add_dirent(&db, "..", tree_parent(fs->m, ino), S_IFDIR, 2))
		goto out;
	rc = tree_readdir(fs->m, ino, off <= DOT_ENTRIES ? 0 : (uint64_t)off - DOT_ENTRIES,
			  collect_dirent, &db);
out:
	if (rc < 0)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_buf(req, db.buf, db.used);
	g_free(db.buf);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fuse_reply_err(req, 0);
}

/* (Re)generates the snapshot: show() for the opener recorded at open. */
static void take_snapshot(const struct fs *fs, tree_node n, struct open_file *of)
{
	g_string_truncate(of->snap, 0);
	of->read_err = tree_read(fs->m, n, &of->who, of->snap);
	if (of->read_err < 0)
		g_string_truncate(of->snap, 0);
	of->served = false;
}

/*
 * kernfs_fop_open refuses, even to root, a write open of a file without a
 * write bit and a read open of a file without a read bit (EACCES): the mode
 * is the attribute's capability, not only a permission.
 */
static int check_open_mode(const struct tree_stat *ts, int flags)
{
	int acc = flags & O_ACCMODE;

	if (ts->type == TREE_DIR)
		return (acc == O_RDONLY) ? 0 : -EISDIR;
	if ((acc == O_WRONLY || acc == O_RDWR) && !(ts->mode & 0222))
		return -EACCES;
	if ((acc == O_RDONLY || acc == O_RDWR) && !(ts->mode & 0444))
		return -EACCES;
	return 0;
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fs *fs = fs_of(req);
	struct open_file *of;
	struct tree_stat ts;
	int acc = fi->flags & O_ACCMODE;
	int rc;

	rc = tree_stat(fs->m, ino, &ts);
	if (rc == 0)
		rc = check_open_mode(&ts, fi->flags);
	if (rc < 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	of = g_new0(struct open_file, 1);
	of->snap = g_string_new(NULL);
	of->readable = acc == O_RDONLY || acc == O_RDWR;
	/*
	 * Only /proc files look at the opener (r_show's file_ns_capable); reading
	 * /proc/<pid>/status for every sysfs open would double its cost.
	 */
	if (ts.cls == TREE_PROCFS)
		of->who.cap_sys_admin = opener_has_cap_sys_admin(fuse_req_ctx(req)->pid);
	if (of->readable)
		take_snapshot(fs, ino, of);
	/* O_TRUNC needs nothing: kernfs ignores it too (no size to change). */
	fi->fh = (uint64_t)(uintptr_t)of;
	fi->direct_io = 1;        /* reads and writes reach us with the caller's counts */
	fi->keep_cache = 0;
	fi->nonseekable = 0;      /* lseek(0) + re-read is how sysfs pollers work */
	g_hash_table_add(fs->open_files, of);
	if (fuse_reply_open(req, fi) == -ENOENT) {
		/* The opener was interrupted: no release will follow. */
		g_hash_table_remove(fs->open_files, of);
	}
}

static struct open_file *open_file_of(const struct fuse_file_info *fi)
{
	return (struct open_file *)(uintptr_t)fi->fh;
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct open_file *of = open_file_of(fi);
	size_t len;

	if (!of->readable) {
		fuse_reply_err(req, EBADF);
		return;
	}
	/* seq_file: a read at offset 0 after earlier I/O starts over. */
	if (off == 0 && of->served)
		take_snapshot(fs_of(req), ino, of);
	of->served = true;
	if (of->read_err < 0) {
		fuse_reply_err(req, -of->read_err);
		return;
	}
	if (off < 0 || (size_t)off >= of->snap->len) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	len = MIN(size, of->snap->len - (size_t)off);
	fuse_reply_buf(req, of->snap->str + off, len);
}

/*
 * One write(2) is one store() of at most a page, whatever the offset
 * (kernfs_fop_write_iter).  direct_io makes write(2) return exactly our count
 * or our errno, which is what util-linux and systemd check.
 */
static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct open_file *of = open_file_of(fi);
	size_t len = MIN(size, (size_t)STORE_MAX);
	int rc;

	(void)off;
	if (len == 0) {
		/* sysfs_kf_write: an empty write stores nothing. */
		fuse_reply_write(req, 0);
		return;
	}
	rc = tree_write(fs_of(req)->m, ino, buf, len);
	of->served = true;   /* a later read at 0 shows the new state */
	if (rc < 0)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_write(req, len);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	g_hash_table_remove(fs_of(req)->open_files, open_file_of(fi));
	fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv;

	(void)ino;
	memset(&sv, 0, sizeof(sv));
	sv.f_bsize = 4096;
	sv.f_frsize = 4096;
	sv.f_namemax = 255;
	fuse_reply_statfs(req, &sv);
}

static const struct fuse_lowlevel_ops hotplugfs_ops = {
	.init = op_init,
	.lookup = op_lookup,
	.forget = op_forget,
	.forget_multi = op_forget_multi,
	.getattr = op_getattr,
	.setattr = op_setattr,
	.readlink = op_readlink,
	.open = op_open,
	.read = op_read,
	.write = op_write,
	.release = op_release,
	.opendir = op_opendir,
	.readdir = op_readdir,
	.releasedir = op_releasedir,
	.statfs = op_statfs,
	/* No .poll: a registered poll makes every poll() a round trip (§0.5). */
};

struct fuse_session *hotplugfs_session_new(struct machine *m, const char *mountpoint)
{
	char *argv[] = { "hotplugfs", "-o",
			 "fsname=hotplugfs,subtype=hotplugfs,allow_other,default_permissions",
			 NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	struct fuse_session *se;
	struct fs *fs;

	fs = g_new0(struct fs, 1);
	fs->m = m;
	fs->open_files = g_hash_table_new_full(g_direct_hash, g_direct_equal, open_file_free,
					       NULL);
	clock_gettime(CLOCK_REALTIME, &fs->mount_time);
	/*
	 * No max_read: libfuse leaves it unlimited, so the kernel sends reads of
	 * up to max_pages; larger files (a big /proc/iomem) arrive as several
	 * reads at increasing offsets, served from the same snapshot.
	 */
	se = fuse_session_new(&args, &hotplugfs_ops, sizeof(hotplugfs_ops), fs);
	fuse_opt_free_args(&args);
	if (!se) {
		fprintf(stderr, "hotplugfs: cannot create the FUSE session\n");
		g_hash_table_unref(fs->open_files);
		g_free(fs);
		return NULL;
	}
	if (fuse_session_mount(se, mountpoint) != 0) {
		fprintf(stderr, "hotplugfs: cannot mount on %s\n", mountpoint);
		fuse_session_destroy(se);
		g_hash_table_unref(fs->open_files);
		g_free(fs);
		return NULL;
	}
	if (!sessions)
		sessions = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_hash_table_insert(sessions, se, fs);
	return se;
}

int hotplugfs_session_loop(struct fuse_session *se)
{
	/* Single-threaded: 4-7x faster than the MT loop for serial clients (§5.4). */
	return fuse_session_loop(se);
}

void hotplugfs_session_destroy(struct fuse_session *se)
{
	struct fs *fs = sessions ? g_hash_table_lookup(sessions, se) : NULL;

	fuse_session_unmount(se);
	fuse_session_destroy(se);
	if (sessions)
		g_hash_table_remove(sessions, se);
	if (fs) {
		g_hash_table_unref(fs->open_files);
		g_free(fs);
	}
}

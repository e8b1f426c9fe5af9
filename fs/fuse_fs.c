/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The FUSE low-level adapter.  Every inode number is a tree_node (core/tree.h),
 * computed from the path, so the daemon keeps no per-inode state: lookup and
 * forget need no table, and a machine with a million blocks costs nothing here
 * until a file is opened.  The only heap state is per open file (the seq_file
 * style snapshot a reader is served from) and the slow store in progress with
 * the stores queued behind it (see struct hotplugfs_session).  The machine is
 * read through the tree and changed only through the backend (core/backend.h).
 */
#include "fuse_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <fuse_lowlevel.h>
#include <linux/fuse.h>

#include "backend.h"
#include "control.h"
#include "inval.h"
#include "opener.h"
#include "page_cache.h"
#include "tree.h"

/* The tree is static apart from block add/remove: let the kernel cache it. */
#define CACHE_TIMEOUT 3600.0
/* kernfs passes at most PAGE_SIZE to one store() (kernfs_fop_write_iter). */
#define STORE_MAX 4096
/* Offsets of "." and ".." in a directory stream; tree cursors follow. */
#define DOT_ENTRIES 2

struct hotplugfs_session {
	struct fuse_session *se;
	struct backend *b;            /* its model is what the tree reads (model()) */
	struct timespec mount_time;   /* every file's times: stable like sysfs */
	/*
	 * Open files not yet released.  The kernel sends RELEASE asynchronously
	 * after the last close, and an unmount racing with it drops the request,
	 * so whatever is left here is freed with the session.
	 */
	GHashTable *open_files;
	GPtrArray *spare_files;       /* released ones, reused: no allocation per open */
	/*
	 * Slow stores.  A store the kernel would still be executing (an offline
	 * in its migration loop) keeps its write request here unanswered until
	 * the backend's completion fd says it is done or the writer gets a
	 * signal; stores that would wait for lock_device_hotplug_sysfs()
	 * meanwhile are queued.
	 */
	fuse_req_t pending_req;       /* NULL when no store is pending */
	size_t pending_count;         /* what write(2) returns on success */
	GQueue retry;                 /* struct queued_store, FIFO */
	bool drain;                   /* pending ended: run the queue */
	/*
	 * Cache invalidation (fs/inval.h): a notifier thread drops the kernel's
	 * cached names of removed blocks and firmware-map entries.  The control
	 * socket (fs/control.h), if any, is served from the same loop.
	 */
	struct inval *iv;
	uint64_t inval_done;          /* last invalidation batch finished */
	struct page_cache *pc;        /* what the kernel holds of our files */
	/*
	 * Stores that have ended, answered once the kernel has dropped what
	 * they changed (their invalidation batch is done): a reader that starts
	 * after the writer's write(2) returned sees the new state.
	 */
	GArray *finished;             /* struct finished_store */
	GString *render;              /* contents for the page cache, reused */
	struct control *ctl;
	struct fuse_buf fbuf;         /* the request being read */
	bool mounted;
	uint64_t requests[FUSE_REQUEST_KINDS];   /* received, by opcode (stats) */
};

/* A store whose result waits for its invalidations. */
struct finished_store {
	fuse_req_t req;
	int rc;                       /* 0 or -errno */
	size_t count;                 /* what write(2) returns on success */
	uint64_t batch;               /* 0: not known yet (this iteration's) */
};

/* A store that found the hotplug lock taken, to run again in order. */
struct queued_store {
	fuse_req_t req;
	tree_node ino;
	size_t len;
	char buf[];
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

static void open_file_free(gpointer p)
{
	struct open_file *of = p;

	g_string_free(of->snap, TRUE);
	g_free(of);
}

#define SPARE_FILES 64

/* An open file, reused from the spares when there is one. */
static struct open_file *open_file_get(struct hotplugfs_session *fs)
{
	struct open_file *of;

	if (!fs->spare_files->len) {
		of = g_new0(struct open_file, 1);
		of->snap = g_string_new(NULL);
	} else {
		GString *snap;

		of = g_ptr_array_steal_index_fast(fs->spare_files, fs->spare_files->len - 1);
		snap = of->snap;
		g_string_truncate(snap, 0);
		*of = (struct open_file){ .snap = snap };
	}
	g_hash_table_add(fs->open_files, of);
	return of;
}

static void open_file_put(struct hotplugfs_session *fs, struct open_file *of)
{
	if (!g_hash_table_steal(fs->open_files, of))
		return;
	if (fs->spare_files->len < SPARE_FILES)
		g_ptr_array_add(fs->spare_files, of);
	else
		open_file_free(of);
}

static struct hotplugfs_session *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* The backend's current model: a live one replaces it in changes(). */
static const struct machine *model(const struct hotplugfs_session *fs)
{
	return fs->b->model;
}

/*
 * A file's st_size.  Files served through the page cache report the length
 * of their contents, which the kernel's reads stop at; kernfs would say
 * 4096, but a page-cache read of a file whose size the kernel thinks is
 * 4096 returns the page's zeroes, and the size the first read trims it to
 * would flip back at every GETATTR, dropping the page each time.  The size
 * is part of what the kernel holds, so the file is tracked from here on.
 * Direct-I/O files keep kernfs's page and procfs's 0.
 */
static off_t file_size(struct hotplugfs_session *fs, tree_node n, const struct tree_stat *ts)
{
	const struct tree_reader anyone = { .cap_sys_admin = true };

	if (tree_cache_class(model(fs), n) == TREE_CACHE_NONE)
		return ts->cls == TREE_SYSFS ? 4096 : 0;
	g_string_truncate(fs->render, 0);
	if (tree_read(model(fs), n, &anyone, fs->render) < 0)
		return 4096;
	page_cache_seen(fs->pc, n, fs->render, PAGE_CACHE_SIZE);
	return (off_t)fs->render->len;
}

/* Attributes of n as the kernel's sysfs/procfs would report them; -errno. */
static int fill_stat(struct hotplugfs_session *fs, tree_node n, struct stat *st)
{
	struct tree_stat ts;
	int rc = tree_stat(model(fs), n, &ts);

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
		st->st_size = file_size(fs, n, &ts);
		break;
	case TREE_LINK: {
		g_autoptr(GString) target = g_string_new(NULL);

		rc = tree_readlink(model(fs), n, target);
		if (rc < 0)
			return rc;
		st->st_mode = S_IFLNK | 0777;
		st->st_size = (off_t)target->len;
		break;
	}
	}
	return 0;
}

static void reply_entry(fuse_req_t req, struct hotplugfs_session *fs, tree_node n)
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
	/* A node id names one object for good (a block added again has other
	 * ids); the generation tells the ids apart should they wrap (tree.h). */
	e.generation = tree_generation(model(fs), n);
	e.attr_timeout = CACHE_TIMEOUT;
	e.entry_timeout = CACHE_TIMEOUT;
	fuse_reply_entry(req, &e);
}

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	/*
	 * Plain READDIR only: READDIRPLUS would instantiate a kernel inode per
	 * memoryN entry (fuse_direntplus_link, fs/fuse/readdir.c).  O_TRUNC
	 * arrives as SETATTR(size=0), which setattr accepts as a no-op like
	 * LXCFS does.
	 */
	conn->want &= ~(FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO |
			FUSE_CAP_ATOMIC_O_TRUNC | FUSE_CAP_WRITEBACK_CACHE);
}

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct hotplugfs_session *fs = fs_of(req);
	tree_node child;
	int rc;

	if (strcmp(name, ".") == 0) {
		child = parent;
	} else if (strcmp(name, "..") == 0) {
		/* Only asked for with export support, but cheap to answer. */
		child = tree_parent(model(fs), parent);
	} else {
		rc = tree_lookup(model(fs), parent, name, &child);
		if (rc < 0) {
			/*
			 * Not cached: blocks may appear later (probe, hot-add).
			 * An error reply, unlike an entry with ino 0, leaves the
			 * kernel's new negative dentry expired at once
			 * (fuse_lookup: fuse_invalidate_entry_cache), so an added
			 * name needs no invalidation (fs/inval.h).
			 */
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
	struct hotplugfs_session *fs = fs_of(req);
	struct stat st;
	int rc;

	rc = fill_stat(fs, ino, &st);
	/* Through an open file (a read's i_size check after its pages were
	 * dropped): its node was removed, and the read must fail as kernfs's
	 * does, ENODEV.  A path's stat of a gone node is ENOENT. */
	if (rc == -ENOENT && fi)
		rc = -ENODEV;
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
	struct hotplugfs_session *fs = fs_of(req);
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
	int rc = tree_readlink(model(fs_of(req)), ino, target);

	if (rc < 0)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_readlink(req, target->str);
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
	struct hotplugfs_session *fs = fs_of(req);
	struct dirbuf db = { .req = req, .size = size, .used = 0 };
	int rc = 0;

	(void)fi;
	db.buf = g_malloc(size ? size : 1);
	if (off == 0 && !add_dirent(&db, ".", ino, S_IFDIR, 1))
		goto out;
	if (off <= 1 && !add_dirent(&db, "..", tree_parent(model(fs), ino), S_IFDIR, 2))
		goto out;
	rc = tree_readdir(model(fs), ino, off <= DOT_ENTRIES ? 0 : (uint64_t)off - DOT_ENTRIES,
			  collect_dirent, &db);
out:
	if (rc < 0)
		fuse_reply_err(req, -rc);
	else
		fuse_reply_buf(req, db.buf, db.used);
	g_free(db.buf);
}


/* (Re)generates the snapshot: show() for the opener recorded at open. */
static void take_snapshot(const struct hotplugfs_session *fs, tree_node n, struct open_file *of)
{
	g_string_truncate(of->snap, 0);
	of->read_err = tree_read(model(fs), n, &of->who, of->snap);
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

/*
 * Directories are listed statelessly (the offset is the cursor), but are
 * opened for real: ENOSYS would save the OPENDIR and RELEASEDIR round trips
 * and make the kernel cache every listing (no_opendir implies
 * FOPEN_CACHE_DIR, fuse_file_open), and a READDIR answered just before a
 * change can fill that cache after the change was dropped from it: nothing
 * orders the two (fuse_add_dirent_to_cache checks only its own version).
 * A listing must never lag behind a view read directly, so none is cached.
 */
static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	fi->fh = 0;
	fi->cache_readdir = 0;
	fi->keep_cache = 0;
	fuse_reply_open(req, fi);
}

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct hotplugfs_session *fs = fs_of(req);
	struct open_file *of;
	struct tree_stat ts;
	int acc = fi->flags & O_ACCMODE;
	int rc;

	rc = tree_stat(model(fs), ino, &ts);
	/* The kernel opens only what it looked up: a node gone since was
	 * removed (kernfs_fop_open: kernfs_get_active() fails). */
	if (rc == -ENOENT)
		rc = -ENODEV;
	if (rc == 0)
		rc = check_open_mode(&ts, fi->flags);
	if (rc < 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	/*
	 * Read-only opens of files that read the same for everyone go through
	 * the page cache: no snapshot, no READ once cached (fs/page_cache.h).
	 * Writers and /proc files (which depend on the opener) get a snapshot
	 * of their own and direct I/O, as kernfs and seq_file serve them.
	 */
	if (acc == O_RDONLY && tree_cache_class(model(fs), ino) != TREE_CACHE_NONE) {
		fi->fh = 0;
		fi->direct_io = 0;
		fi->keep_cache = 1;
		fuse_reply_open(req, fi);
		return;
	}
	of = open_file_get(fs);
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
	if (fuse_reply_open(req, fi) == -ENOENT) {
		/* The opener was interrupted: no release will follow. */
		open_file_put(fs, of);
	}
}

static struct open_file *open_file_of(const struct fuse_file_info *fi)
{
	return (struct open_file *)(uintptr_t)fi->fh;
}

/* A page-cache read: the contents now, remembered as what the kernel holds. */
static void read_for_page_cache(struct hotplugfs_session *fs, fuse_req_t req, tree_node n,
				size_t size, off_t off)
{
	const struct tree_reader anyone = { .cap_sys_admin = true };
	int rc;

	g_string_truncate(fs->render, 0);
	rc = tree_read(model(fs), n, &anyone, fs->render);
	if (rc < 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	page_cache_seen(fs->pc, n, fs->render, PAGE_CACHE_PAGES);
	if (off < 0 || (size_t)off >= fs->render->len)
		fuse_reply_buf(req, NULL, 0);
	else
		fuse_reply_buf(req, fs->render->str + off, MIN(size, fs->render->len - (size_t)off));
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct open_file *of = open_file_of(fi);
	size_t len;

	if (!of) {
		read_for_page_cache(fs_of(req), req, ino, size, off);
		return;
	}
	if (!of->readable) {
		fuse_reply_err(req, EBADF);
		return;
	}
	/* A removed node's open file reads nothing more, not even the snapshot
	 * (kernfs_seq_start: kernfs_get_active() fails). */
	if (!tree_exists(model(fs_of(req)), ino)) {
		fuse_reply_err(req, ENODEV);
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

/* A store has ended with rc (0 or -errno): answered by answer_finished()
 * once what it changed is dropped from the kernel's caches. */
static void finish_store(struct hotplugfs_session *fs, fuse_req_t req, int rc, size_t count)
{
	struct finished_store f = { .req = req, .rc = rc, .count = count };

	g_array_append_val(fs->finished, f);
}

static void answer(const struct finished_store *f)
{
	if (f->rc == 0)
		fuse_reply_write(f->req, f->count);
	else
		fuse_reply_err(f->req, f->rc < 0 ? -f->rc : EIO);
}

/* After the iteration's changes were queued as batch: the stores whose
 * batch is done (all of them, usually) are answered, in order. */
static void answer_finished(struct hotplugfs_session *fs, uint64_t batch)
{
	guint n = 0;

	for (guint i = 0; i < fs->finished->len; i++) {
		struct finished_store *f = &g_array_index(fs->finished, struct finished_store, i);

		if (!f->batch)
			f->batch = batch;
	}
	while (n < fs->finished->len &&
	       g_array_index(fs->finished, struct finished_store, n).batch <= fs->inval_done)
		answer(&g_array_index(fs->finished, struct finished_store, n++));
	g_array_remove_range(fs->finished, 0, n);
}

/* Ends the pending store with ret (0 or -errno from the core) and lets the
 * loop run the stores queued behind it. */
static void end_pending(struct hotplugfs_session *fs, int ret)
{
	fuse_req_t req = fs->pending_req;

	fs->pending_req = NULL;
	fs->drain = true;
	finish_store(fs, req, ret, fs->pending_count);
}

/*
 * FUSE_INTERRUPT for the pending store: the writer got a signal.  The kernel
 * sends it once, for a request we have already read, then waits killably
 * for our answer (request_wait_answer in fs/fuse/dev.c).  offline_pages()
 * checks signal_pending() in every migration round and backs off with
 * -EINTR; so do we.  libfuse runs this in the loop thread, inside
 * fuse_session_process_buf, holding its own reference on the request, so
 * replying here is allowed.  The queue is run later, by the loop.
 */
static void on_interrupt(fuse_req_t req, void *data)
{
	struct hotplugfs_session *fs = data;

	if (req != fs->pending_req)
		return;
	end_pending(fs, backend_interrupt(fs->b));
}

/* The store said STORE_PENDING: answer req when the backend says it ended. */
static void start_pending(struct hotplugfs_session *fs, fuse_req_t req, size_t count)
{
	fs->pending_req = req;
	fs->pending_count = count;
	/*
	 * A queued store may already have been interrupted: the kernel would
	 * have run the handler and restarted the syscall (restart_syscall), so
	 * no signal is pending when its offline starts, and the kernel sends
	 * no second INTERRUPT for one request anyway.  Only a request not yet
	 * interrupted can be.  Registered last: libfuse calls on_interrupt at
	 * once if an INTERRUPT was already seen.
	 */
	if (!fuse_req_interrupted(req))
		fuse_req_interrupt_func(req, on_interrupt, fs);
}

/* Answers a store's result: count on success, the errno otherwise. */
static void reply_store(struct hotplugfs_session *fs, fuse_req_t req, int rc, size_t count)
{
	if (rc == STORE_PENDING) {
		start_pending(fs, req, count);
	} else if (rc > 0) {
		/* STORE_RETRY with no pending store: nothing will free the lock. */
		g_warning("store result %d without a pending store", rc);
		fuse_reply_err(req, EBUSY);
	} else {
		finish_store(fs, req, rc, count);
	}
}

/*
 * The pending store is over: run the queued ones in arrival order, as the
 * writers' restarted syscalls would take the lock.  One of them may start a
 * new slow offline; the rest then keep waiting behind it.
 */
static void drain_queue(struct hotplugfs_session *fs)
{
	struct queued_store *q;

	fs->drain = false;
	while (!fs->pending_req && (q = g_queue_pop_head(&fs->retry))) {
		reply_store(fs, q->req, backend_store(fs->b, q->ino, q->buf, q->len), q->len);
		g_free(q);
	}
}

/* The backend's completion fd is readable: the pending store may be over. */
static void on_completion(struct hotplugfs_session *fs)
{
	int rc = backend_complete(fs->b);

	if (rc != STORE_PENDING && fs->pending_req)
		end_pending(fs, rc);
}

/*
 * One write(2) is one store() of at most a page, whatever the offset
 * (kernfs_fop_write_iter).  direct_io makes write(2) return exactly our count
 * or our errno, which is what util-linux and systemd check.
 */
static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		     struct fuse_file_info *fi)
{
	struct hotplugfs_session *fs = fs_of(req);
	struct open_file *of = open_file_of(fi);
	size_t len = MIN(size, (size_t)STORE_MAX);
	int rc;

	(void)off;
	if (len == 0) {
		/* sysfs_kf_write: an empty write stores nothing. */
		fuse_reply_write(req, 0);
		return;
	}
	rc = backend_store(fs->b, ino, buf, len);
	of->served = true;   /* a later read at 0 shows the new state */
	if (rc == STORE_RETRY && fs->pending_req) {
		/*
		 * lock_device_hotplug_sysfs() is held by the pending store: the
		 * kernel sleeps 5 ms and restarts the syscall until the lock is
		 * free (-ERESTARTNOINTR: invisible to the writer, even across a
		 * signal).  So no interrupt callback.  The buffer is libfuse's
		 * and reused for the next request: keep a copy.
		 */
		struct queued_store *q = g_malloc(sizeof(*q) + len);

		q->req = req;
		q->ino = ino;
		q->len = len;
		memcpy(q->buf, buf, len);
		g_queue_push_tail(&fs->retry, q);
		return;
	}
	reply_store(fs, req, rc, len);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	if (open_file_of(fi))
		open_file_put(fs_of(req), open_file_of(fi));
	fuse_reply_err(req, 0);
}

/*
 * The names are the machine's: nothing is created, removed or renamed
 * through the mount.  The kernel's VFS has made its own checks by the time
 * a request comes (an existing name is EEXIST, a missing one ENOENT,
 * may_create() and may_delete() want write permission on the directory:
 * EACCES; unlink of a directory EISDIR ...), so what is left is the answer
 * of a sysfs directory inode (kernfs_dir_iops, fs/kernfs/dir.c 6.12):
 * kernfs_iop_mkdir, _rmdir and _rename say -EPERM without kernfs syscall
 * ops (rename -EINVAL for any flag first), and there is no ->create
 * (vfs_create: -EACCES), ->mknod, ->symlink, ->link or ->unlink (vfs_mknod,
 * vfs_symlink, vfs_link, vfs_unlink: -EPERM).  /proc and debugfs
 * directories answer the same.  Without these handlers libfuse said ENOSYS.
 */
static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	(void)parent, (void)name, (void)mode;
	fuse_reply_err(req, EPERM);
}

/* fuse_create() sends a regular file's mknod too: vfs_create()'s EACCES. */
static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		     dev_t rdev)
{
	(void)parent, (void)name, (void)rdev;
	fuse_reply_err(req, S_ISREG(mode) ? EACCES : EPERM);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
		      struct fuse_file_info *fi)
{
	(void)parent, (void)name, (void)mode, (void)fi;
	fuse_reply_err(req, EACCES);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent, (void)name;
	fuse_reply_err(req, EPERM);
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	(void)parent, (void)name;
	fuse_reply_err(req, EPERM);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
	(void)link, (void)parent, (void)name;
	fuse_reply_err(req, EPERM);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
		      const char *newname, unsigned int flags)
{
	(void)parent, (void)name, (void)newparent, (void)newname;
	fuse_reply_err(req, flags ? EINVAL : EPERM);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
	(void)ino, (void)newparent, (void)newname;
	fuse_reply_err(req, EPERM);
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
	.opendir = op_opendir,
	.open = op_open,
	.read = op_read,
	.write = op_write,
	.release = op_release,
	.readdir = op_readdir,
	.statfs = op_statfs,
	.mkdir = op_mkdir,
	.mknod = op_mknod,
	.create = op_create,
	.unlink = op_unlink,
	.rmdir = op_rmdir,
	.symlink = op_symlink,
	.rename = op_rename,
	.link = op_link,
	/* No .poll: a registered poll makes every poll() a round trip
	 * (fuse_file_poll, fs/fuse/file.c). */
};

static void settle_page_cache(void *pc)
{
	page_cache_check(pc);
}


struct hotplugfs_session *hotplugfs_session_new(struct backend *b, const char *mountpoint,
					       const char *options)
{
	/* allow_other only on request: fusermount3 refuses it to ordinary
	 * users unless /etc/fuse.conf says user_allow_other. */
	g_autofree char *opts = g_strdup_printf("fsname=hotplugfs,subtype=hotplugfs,"
						"default_permissions%s%s",
						options && *options ? "," : "",
						options ? options : "");
	char *argv[] = { "hotplugfs", "-o", opts, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	struct hotplugfs_session *fs = g_new0(struct hotplugfs_session, 1);

	fs->b = b;
	fs->open_files = g_hash_table_new_full(g_direct_hash, g_direct_equal, open_file_free,
					       NULL);
	fs->spare_files = g_ptr_array_new_with_free_func(open_file_free);
	fs->finished = g_array_new(FALSE, FALSE, sizeof(struct finished_store));
	fs->render = g_string_new(NULL);
	clock_gettime(CLOCK_REALTIME, &fs->mount_time);
	g_queue_init(&fs->retry);
	/*
	 * No max_read: libfuse leaves it unlimited, so the kernel sends reads of
	 * up to max_pages; larger files (a big /proc/iomem) arrive as several
	 * reads at increasing offsets, served from the same snapshot.
	 */
	fs->se = fuse_session_new(&args, &hotplugfs_ops, sizeof(hotplugfs_ops), fs);
	fuse_opt_free_args(&args);
	if (!fs->se) {
		fprintf(stderr, "hotplugfs: cannot create the FUSE session\n");
		hotplugfs_session_destroy(fs);
		return NULL;
	}
	if (fuse_session_mount(fs->se, mountpoint) != 0) {
		fprintf(stderr, "hotplugfs: cannot mount on %s\n", mountpoint);
		hotplugfs_session_destroy(fs);
		return NULL;
	}
	fs->mounted = true;
	fs->iv = inval_new(fs->se, b);
	if (!fs->iv) {
		hotplugfs_session_destroy(fs);
		return NULL;
	}
	fs->pc = page_cache_new(b, fs->iv);
	/* Every batch closed (here or for a control op) carries the page
	 * cache's drops of the changes before it. */
	inval_set_settle(fs->iv, settle_page_cache, fs->pc);
	return fs;
}

struct fuse_session *hotplugfs_session_fuse(struct hotplugfs_session *fs)
{
	return fs->se;
}

int hotplugfs_session_control(struct hotplugfs_session *fs, const char *path)
{
	if (fs->ctl)
		return -EBUSY;
	fs->ctl = control_new(fs->b, path, fs->iv, hotplugfs_session_request_counts, fs);
	return fs->ctl ? 0 : -EINVAL;
}

/* Sets O_NONBLOCK on fd; 0 or -errno. */
static int set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
		return -errno;
	return 0;
}

/* Reads and answers one request from /dev/fuse if one is there; 0, or the
 * receive error that ends the session (0 bytes: unmounted or aborted). */
static int serve_one(struct hotplugfs_session *fs, struct fuse_buf *fbuf)
{
	int n = fuse_session_receive_buf(fs->se, fbuf);

	if (n == 0 || (n < 0 && n != -EINTR && n != -EAGAIN))
		return n == 0 ? -ENODEV : n;
	if (n > 0) {
		/* Counted from the header: FORGET and INTERRUPT too, which no
		 * handler of ours sees as a reply. */
		if (!(fbuf->flags & FUSE_BUF_IS_FD) && (size_t)n >= sizeof(struct fuse_in_header)) {
			uint32_t op = ((const struct fuse_in_header *)fbuf->mem)->opcode;

			fs->requests[op < FUSE_REQUEST_KINDS ? op : 0]++;
		}
		fuse_session_process_buf(fs->se, fbuf);
	}
	return 0;
}

/* Names of the FUSE opcodes counted in the stats (include/uapi/linux/fuse.h). */
static const char *const opcode_names[FUSE_REQUEST_KINDS] = {
	[0] = "other", [FUSE_LOOKUP] = "LOOKUP", [FUSE_FORGET] = "FORGET",
	[FUSE_GETATTR] = "GETATTR", [FUSE_SETATTR] = "SETATTR", [FUSE_READLINK] = "READLINK",
	[FUSE_OPEN] = "OPEN", [FUSE_READ] = "READ", [FUSE_WRITE] = "WRITE",
	[FUSE_STATFS] = "STATFS", [FUSE_RELEASE] = "RELEASE", [FUSE_FLUSH] = "FLUSH",
	[FUSE_INIT] = "INIT", [FUSE_OPENDIR] = "OPENDIR", [FUSE_READDIR] = "READDIR",
	[FUSE_RELEASEDIR] = "RELEASEDIR", [FUSE_ACCESS] = "ACCESS", [FUSE_INTERRUPT] = "INTERRUPT",
	[FUSE_DESTROY] = "DESTROY", [FUSE_POLL] = "POLL", [FUSE_BATCH_FORGET] = "BATCH_FORGET",
	[FUSE_READDIRPLUS] = "READDIRPLUS", [FUSE_GETXATTR] = "GETXATTR",
	[FUSE_LISTXATTR] = "LISTXATTR", [FUSE_MKNOD] = "MKNOD", [FUSE_MKDIR] = "MKDIR",
	[FUSE_UNLINK] = "UNLINK", [FUSE_RMDIR] = "RMDIR", [FUSE_RENAME] = "RENAME",
	[FUSE_RENAME2] = "RENAME2", [FUSE_SYMLINK] = "SYMLINK", [FUSE_LINK] = "LINK",
	[FUSE_CREATE] = "CREATE",
};

void hotplugfs_session_request_counts(void *ctx, json_object *out)
{
	const struct hotplugfs_session *fs = ctx;
	json_object *o = json_object_new_object();
	uint64_t total = 0;

	for (unsigned op = 0; op < FUSE_REQUEST_KINDS; op++) {
		char other[16];

		if (!fs->requests[op])
			continue;
		total += fs->requests[op];
		snprintf(other, sizeof(other), "op%u", op);
		json_object_object_add(o, opcode_names[op] ? opcode_names[op] : other,
				       json_object_new_uint64(fs->requests[op]));
	}
	json_object_object_add(o, "total", json_object_new_uint64(total));
	json_object_object_add(out, "fuse_requests", o);
}

/*
 * The single-threaded loop (serial clients gain nothing from more threads,
 * only hand-offs: docs/design.md), with the backend's completion fd polled
 * next to /dev/fuse, so a slow offline never holds up readers.  The notifier
 * thread's eventfd and the control socket (listener and clients) are polled
 * in the same set: a control op runs between two FUSE requests, never in the
 * middle of one, and after every iteration the invalidations the iteration
 * queued are closed into a batch (fs/inval.h).  The device is read
 * nonblocking: a request can vanish between poll and read (its caller was
 * killed while it was still queued in the kernel), and a blocking read
 * would then stall the timer until some other request came.
 *
 * SIGINT/SIGTERM/SIGHUP (fuse_set_signal_handlers: fuse_session_exit) are
 * let in only while waiting in ppoll, so one cannot slip in between the
 * exited check and the wait and leave us asleep.  A caller that keeps them
 * blocked (hotplugfs run's loop thread) still has them blocked in ppoll.
 */
int hotplugfs_session_loop(struct hotplugfs_session *fs)
{
	struct fuse_session *se = fs->se;
	g_autoptr(GArray) pfds = g_array_new(FALSE, FALSE, sizeof(struct pollfd));
	struct pollfd *pfd;
	sigset_t stops, wait_mask;
	int rc;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stops, &wait_mask);
	rc = set_nonblocking(fuse_session_fd(se));
	/* Here, not at session_new: fuse_daemonize's fork keeps no threads. */
	if (rc == 0)
		rc = inval_start(fs->iv);
	while (rc == 0 && !fuse_session_exited(se)) {
		struct timespec ts, *timeout = NULL;
		uint64_t batch;
		int ms = fs->ctl ? control_timeout_ms(fs->ctl) : -1;

		/* /dev/fuse, the backend's completion, the notifier's eventfd,
		 * the backend's changes, then the control socket's listener and
		 * clients. */
		g_array_set_size(pfds, 4);
		pfd = (struct pollfd *)pfds->data;
		pfd[0] = (struct pollfd){ .fd = fuse_session_fd(se), .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = fs->b->completion_fd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = inval_fd(fs->iv), .events = POLLIN };
		pfd[3] = (struct pollfd){ .fd = fs->b->changes_fd, .events = POLLIN };
		if (fs->ctl)
			control_poll_fds(fs->ctl, pfds);
		pfd = (struct pollfd *)pfds->data;
		if (ms >= 0) {
			ts = (struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
			timeout = &ts;
		}
		if (ppoll(pfd, pfds->len, timeout, &wait_mask) < 0) {
			if (errno != EINTR)
				rc = -errno;
			continue;
		}
		/* The kernel changed (a live backend): the model first, so no
		 * request below is answered from the old one. */
		if (pfd[3].revents & POLLIN)
			backend_changes(fs->b);
		if (pfd[1].revents & POLLIN)
			on_completion(fs);
		/* POLLERR: the connection is gone, and the read says ENODEV. */
		if (pfd[0].revents) {
			rc = serve_one(fs, &fs->fbuf);
			if (rc)
				break;
		}
		if (fs->drain)
			drain_queue(fs);
		/* Whatever the request above changed, before anyone else is served:
		 * stores are answered once the kernel has forgotten it. */
		batch = inval_flush(fs->iv);
		if (pfd[2].revents & POLLIN)
			fs->inval_done = inval_done(fs->iv);
		answer_finished(fs, batch);
		if (fs->ctl)
			control_dispatch(fs->ctl, pfd + 4, pfds->len - 4, fs->inval_done);
	}
	pthread_sigmask(SIG_SETMASK, &wait_mask, NULL);
	/* Unlike fuse_session_loop, no fuse_session_reset: with the exited flag
	 * set, libfuse does not report the failed last replies that
	 * hotplugfs_session_destroy may send to a dead connection. */
	return rc == -ENODEV ? 0 : rc;
}

/*
 * Answers what can never complete now.  The pending store is interrupted as
 * if its writer had got a signal (the block goes back online); queued stores
 * never ran.  libfuse keeps a request until it is answered, and answering
 * on a dead connection still frees it.
 */
static void fail_outstanding(struct hotplugfs_session *fs)
{
	struct queued_store *q;

	if (fs->pending_req) {
		fuse_req_t req = fs->pending_req;

		fs->pending_req = NULL;
		backend_interrupt(fs->b);
		fuse_reply_err(req, EINTR);
	}
	while ((q = g_queue_pop_head(&fs->retry))) {
		fuse_reply_err(q->req, ENODEV);
		g_free(q);
	}
	for (guint i = 0; i < fs->finished->len; i++)
		answer(&g_array_index(fs->finished, struct finished_store, i));
	g_array_set_size(fs->finished, 0);
}

/* inval_stop's helper: requests keep being answered while it waits. */
static void serve_while_stopping(void *ctx)
{
	struct hotplugfs_session *fs = ctx;

	serve_one(fs, &fs->fbuf);
}

void hotplugfs_session_destroy(struct hotplugfs_session *fs)
{
	bool stopped;

	if (!fs)
		return;
	/* Before unmounting, so a writer still connected hears the answer. */
	fail_outstanding(fs);
	control_free(fs->ctl);
	fs->ctl = NULL;
	stopped = inval_stop(fs->iv, serve_while_stopping, fs);
	if (!stopped) {
		/* The notifier thread may still use the session: leave both. */
		return;
	}
	page_cache_free(fs->pc);
	inval_free(fs->iv);
	if (fs->se) {
		if (fs->mounted)
			fuse_session_unmount(fs->se);
		fuse_session_destroy(fs->se);
	}
	free(fs->fbuf.mem);
	g_hash_table_unref(fs->open_files);
	g_ptr_array_unref(fs->spare_files);
	g_array_unref(fs->finished);
	g_string_free(fs->render, TRUE);
	g_free(fs);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: what `hotplugfs capture --sysroot DIR` runs
 * (capture_fixture(), core/capture.c) over a tree generated from the input
 * in a temporary directory, and the fixture it makes loaded and booted as
 * `mount` would.  The first byte picks --kernel/--arch (or none: guessed)
 * and, with its bit 4, --live: the module's files (core/capture_kmod.c,
 * core/kmod_files.c) are read too, and the live backend mirrors the tree as
 * `mount --live --sysroot DIR` does.  The rest is a list of records, each
 * starting at the beginning of a line:
 *
 *   =PATH          a regular file; its contents are the lines that follow,
 *                  up to the next record
 *   @PATH TARGET   a symbolic link (the target may lead anywhere: capture
 *                  must refuse what leaves DIR)
 *   /PATH          a directory
 *   |PATH          a FIFO (capture must not hang on it)
 *   %PATH SIZE     a sparse file of SIZE bytes (at most 1 GiB)
 *
 * PATH is relative to DIR; ".." and absolute paths are dropped, and the tree
 * is built without ever following a symlink (openat2 RESOLVE_NO_SYMLINKS),
 * so no record can write outside DIR.  Seeds: tests/fuzz/corpus.py turns
 * what `hotplugfs show` prints of each fixture into records.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "backend.h"
#include "capture.h"
#include "fuzz_util.h"

#define MAX_RECORDS 4096
#define MAX_DEPTH 16
#define MAX_SPARSE ((off_t)1 << 30)
#define WALK_BUDGET 500

static char *base;       /* a private temporary directory */
static bool tmpfs;       /* a tmpfs is mounted on sysroot per input */
static char *sysroot;    /* base/root: the tree of one input */

static void remove_base(void)
{
	rmdir(base);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = g_getenv("TMPDIR") ? g_getenv("TMPDIR")
		: g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir();
	g_autofree char *tmpl = g_build_filename(tmp, "hotplugfs-fuzz-capture.XXXXXX", NULL);

	(void)argc, (void)argv;
	fuzz_quiet();
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
	base = g_mkdtemp(g_steal_pointer(&tmpl));
	if (!base) {
		perror("fuzz: mkdtemp");
		abort();
	}
	sysroot = g_build_filename(base, "root", NULL);
	atexit(remove_base);
	/*
	 * Removing a tree costs more than building it: with the privilege, each
	 * input gets a tmpfs of its own, in a mount namespace of the process's
	 * own (so that no mount outlives it), and one umount removes it all.
	 */
	tmpfs = !g_getenv("HOTPLUGFS_FUZZ_NO_MOUNT") && unshare(CLONE_NEWNS) == 0 &&
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
	return 0;
}

/* ---- building the tree --------------------------------------------------- */

/* Opens dir/name as a directory without following a symlink anywhere. */
static int open_dir_beneath(int dir, const char *name)
{
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };

	return (int)syscall(SYS_openat2, dir, name, &how, sizeof(how));
}

/* The directories made so far, by path ("" is the root): fds to create in. */
struct tree_dirs {
	int root;
	GHashTable *fds;          /* char * -> fd + 1 */
};

/* The directory at path (made as needed, never through a symlink); -1 when
 * a component is something else. */
static int dir_at(struct tree_dirs *t, const char *path)
{
	gpointer v = g_hash_table_lookup(t->fds, path);
	const char *slash = strrchr(path, '/');
	g_autofree char *up = NULL;
	int parent, fd;

	if (v)
		return GPOINTER_TO_INT(v) - 1;
	if (!*path)
		return t->root;
	up = slash ? g_strndup(path, (size_t)(slash - path)) : g_strdup("");
	parent = dir_at(t, up);
	if (parent < 0)
		return -1;
	if (mkdirat(parent, slash ? slash + 1 : path, 0755) != 0 && errno != EEXIST)
		return -1;
	fd = open_dir_beneath(parent, slash ? slash + 1 : path);
	if (fd >= 0)
		g_hash_table_insert(t->fds, g_strdup(path), GINT_TO_POINTER(fd + 1));
	return fd;
}

/* The directory that is to hold path's last component, and that component. */
static int parent_of(struct tree_dirs *t, const char *path, const char **last)
{
	const char *slash = strrchr(path, '/');
	g_autofree char *up = slash ? g_strndup(path, (size_t)(slash - path)) : g_strdup("");

	*last = slash ? slash + 1 : path;
	return dir_at(t, up);
}

/* At most MAX_DEPTH components of at most 255 bytes, and the slashes. */
#define MAX_PATH (MAX_DEPTH * 256)

/* PATH made safe in out: no "..", no empty or "." components, not too deep
 * (one pass, no allocation: this runs for every record). */
static bool clean_path(const char *p, size_t len, char out[MAX_PATH])
{
	const char *end = p + len;
	unsigned depth = 0;
	size_t at = 0;

	if (memchr(p, '\0', len))
		return false;   /* a NUL inside */
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		size_t n = (size_t)((slash ? slash : end) - p);

		if (n && !(n == 1 && *p == '.')) {
			if ((n == 2 && !memcmp(p, "..", 2)) || n > 255 || depth == MAX_DEPTH)
				return false;
			if (depth++)
				out[at++] = '/';
			memcpy(out + at, p, n);
			at += n;
		}
		p = slash ? slash + 1 : end;
	}
	out[at] = '\0';
	return depth > 0;
}

static void make_entry(struct tree_dirs *t, char kind, const char *head, size_t head_len,
		       const char *body, size_t body_len)
{
	const char *space = kind == '@' || kind == '%' ? memchr(head, ' ', head_len) : NULL;
	char path[MAX_PATH];
	const char *last;
	int dir, fd;

	if (((kind == '@' || kind == '%') && !space) ||
	    !clean_path(head, space ? (size_t)(space - head) : head_len, path))
		return;
	dir = parent_of(t, path, &last);
	if (dir < 0)
		return;
	switch (kind) {
	case '=':
		/* O_NONBLOCK: an existing FIFO of the same name must not block us. */
		fd = openat(dir, last, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK |
			    O_CLOEXEC, 0644);
		if (fd >= 0) {
			if (write(fd, body, body_len) != (ssize_t)body_len)
				(void)0;   /* a short file is a file too */
			close(fd);
		}
		break;
	case '@': {
		g_autofree char *target = g_strndup(space + 1, head_len - (size_t)(space + 1 - head));

		if (*target && strlen(target) == head_len - (size_t)(space + 1 - head))
			symlinkat(target, dir, last);
		break;
	}
	case '/':
		mkdirat(dir, last, 0755);
		break;
	case '|':
		mkfifoat(dir, last, 0644);
		break;
	case '%': {
		g_autofree char *num = g_strndup(space + 1, head_len - (size_t)(space + 1 - head));
		char *end;
		long long size = strtoll(num, &end, 10);

		if (*end || size < 0 || size > MAX_SPARSE)
			break;
		fd = openat(dir, last, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
			    0644);
		if (fd >= 0) {
			if (ftruncate(fd, size) != 0)
				(void)0;
			close(fd);
		}
		break;
	}
	}
}

static bool is_marker(char c)
{
	return c == '=' || c == '@' || c == '/' || c == '|' || c == '%';
}

static void build_tree(int root, const char *p, size_t len)
{
	struct tree_dirs t = { root, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };
	const char *end = p + len;
	unsigned records = 0;
	GHashTableIter it;
	gpointer fd;

	/* Skip to the first record. */
	while (p < end && !is_marker(*p)) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		p = nl ? nl + 1 : end;
	}
	while (p < end && records++ < MAX_RECORDS) {
		char kind = *p++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *head = p, *body = nl ? nl + 1 : end, *q = body;

		/* The body runs to the next line that starts a record. */
		while (q < end && !is_marker(*q)) {
			const char *n2 = memchr(q, '\n', (size_t)(end - q));

			q = n2 ? n2 + 1 : end;
		}
		make_entry(&t, kind, head, (size_t)((nl ? nl : end) - head), body,
			   (size_t)(q - body));
		p = q;
	}
	g_hash_table_iter_init(&it, t.fds);
	while (g_hash_table_iter_next(&it, NULL, &fd))
		close(GPOINTER_TO_INT(fd) - 1);
	g_hash_table_unref(t.fds);
}

/* ---- removing it, without following a symlink -------------------------------- */

static void remove_below(int dir)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	int fd = dup(dir);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d)
		abort();
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			g_ptr_array_add(names, g_strdup(e->d_name));
	closedir(d);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		struct stat st;

		if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				remove_below(sub);
				close(sub);
			}
			if (unlinkat(dir, name, AT_REMOVEDIR) != 0)
				abort();
		} else if (unlinkat(dir, name, 0) != 0) {
			abort();
		}
	}
}

/* ---- the target ---------------------------------------------------------------- */

/* The live backend's mirror of the tree, read as a user would. */
static void mirror(void)
{
	struct live_options o = { .sysroot = sysroot };
	g_autoptr(GError) err = NULL;
	struct backend *b = live_backend_open(&o, &err);

	if (b) {
		fuzz_walk(b->model, WALK_BUDGET);
		backend_free(b);
	}
}

/* What capture made, printed and loaded as `hotplugfs capture` checks it
 * before writing (a fixture the loader refuses is reported, not written),
 * then booted and read. */
static void load_captured(json_object *captured)
{
	const char *text = json_object_to_json_string_ext(captured, JSON_C_TO_STRING_PLAIN);
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_parse("captured", text, strlen(text), &err);
	g_autoptr(machine) m = NULL;

	if (!fx)
		return;
	m = machine_boot(fx, &err);
	if (m)
		fuzz_walk(m, WALK_BUDGET);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kernels[] = { NULL, "6.1", "6.12", "6.19" };
	static const char *const arches[] = { NULL, "x86_64", "s390x", "aarch64" };
	struct fuzz_in in = { data, size };
	unsigned opts = fuzz_u8(&in);
	struct capture_request r = { 0 };
	json_object *captured;
	int root;

	if (mkdir(sysroot, 0755) != 0)
		abort();
	if (tmpfs && mount("hotplugfs-fuzz", sysroot, "tmpfs", MS_NOSUID | MS_NODEV,
			   "mode=0755,size=2g") != 0)
		abort();
	root = open(sysroot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		abort();
	build_tree(root, (const char *)in.p, in.left);
	r.sysroot = sysroot;
	r.description = "fuzz";
	r.kernel = kernels[opts % 4];
	r.arch = arches[opts / 4 % 4];
	r.kmod = opts & 16;
	captured = capture_fixture(&r, NULL);
	if (captured)
		load_captured(captured);
	json_object_put(captured);
	if (r.kmod)
		mirror();
	if (!tmpfs)
		remove_below(root);
	close(root);
	if ((tmpfs && umount2(sysroot, 0) != 0) || rmdir(sysroot) != 0)
		abort();
	return 0;
}

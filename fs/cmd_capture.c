/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hotplugfs capture: writes a literal-form fixture (docs/fixture-format.md)
 * from a running system or a copied tree, such that serving the fixture
 * reproduces every captured file byte for byte.  Every value read is checked
 * by printing it back the way the kernel would and comparing: what could not
 * be reproduced is refused rather than silently changed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib.h>
#include <json-c/json.h>

#include "cli.h"
#include "commands.h"
#include "fixture.h"
#include "jsonutil.h"
#include "memory_block.h"
#include "profile.h"

#define CAPTURE_ERROR (capture_error_quark())
static G_DEFINE_QUARK(hotplugfs-capture-error, capture_error)

#define IOMEM_MAX_LEVEL 5          /* MAX_IORES_LEVEL: deeper lines print 10 spaces */
#define MAX_BLOCK_NODES 8          /* struct fx_blocks.nids */

/*
 * What a captured file may hold.  Every attribute read here is printed by
 * sysfs_emit() or into the page that sysfs_kf_seq_show() hands a show()
 * method, which never exceeds PAGE_SIZE (fs/sysfs/file.c, 6.12); 64 KiB is
 * the largest page size of the architectures a fixture can name (arm64 with
 * CONFIG_ARM64_64K_PAGES).
 */
#define SYSFS_ATTR_MAX ((gsize)64 * 1024)
/*
 * /proc/iomem is a seq_file without a size limit, printing one line per
 * resource (r_show(), kernel/resource.c 6.12): at most 10 spaces, two 16-digit
 * addresses and " : " (46 bytes) before the name.  E820_MAX_ENTRIES is 3,200,
 * each of which may add a "RAM buffer"; PCI, ACPI and device resources of a
 * large server add a few thousand more lines.  65,536 lines of 256 bytes is
 * ten times more than that with room for long names, and still refuses a file
 * that is not /proc/iomem (a sparse file, a device) before it is read whole.
 */
#define IOMEM_MAX ((gsize)65536 * 256)

/*
 * A directory of the tree being captured: its fd, the path that messages
 * show, and how names below it are looked up.  With --sysroot, every lookup
 * starts at the sysroot (root_fd, rel) and stays beneath it: a symlink that
 * leads out (absolute, or too many "..") is refused, while symlinks inside
 * the tree (memoryN/nodeK -> ../../node/nodeK) resolve as usual.  A live
 * capture of / resolves names as the host does.
 */
struct dir {
	int fd;
	char *path;
	char *rel;                /* from the sysroot, "" for the sysroot itself */
	int root_fd;              /* the sysroot's fd (borrowed) */
	bool beneath;             /* --sysroot given: lookups stay beneath it */
};

static void dir_close(struct dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	g_free(d->path);
	g_free(d->rel);
	d->fd = -1;
	d->path = NULL;
	d->rel = NULL;
}

static char *dir_child_path(const struct dir *d, const char *rel)
{
	return g_build_filename(d->path, rel, NULL);
}

static gboolean set_errno_error(GError **err, int errnum)
{
	g_set_error_literal(err, CAPTURE_ERROR, errnum, g_strerror(errnum));
	return FALSE;
}

/*
 * openat() of d/rel, beneath the sysroot when there is one: openat2() with
 * RESOLVE_BENEATH fails with EXDEV on a symlink or ".." that leads out, and
 * RESOLVE_NO_MAGICLINKS with ELOOP on /proc/PID/fd-style links (Linux 5.6+,
 * fs/namei.c).  EAGAIN means a rename raced the lookup: it is retried.
 */
static int open_at(const struct dir *d, const char *rel, int flags)
{
	struct open_how how = { .flags = (uint64_t)flags,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	g_autofree char *from_root = NULL;
	long fd;

	if (!d->beneath)
		return openat(d->fd, rel, flags);
	from_root = *d->rel ? g_build_filename(d->rel, rel, NULL) : g_strdup(rel);
	for (int tries = 0;; tries++) {
		fd = syscall(SYS_openat2, d->root_fd, from_root, &how, sizeof(how));
		if (fd >= 0 || (errno != EAGAIN && errno != EINTR) || tries == 16)
			return (int)fd;
	}
}

/* *err for errno errnum from opening or reading d/rel, naming the path. */
static void path_error(const struct dir *d, const char *rel, int errnum, GError **err)
{
	g_autofree char *path = dir_child_path(d, rel);

	if (d->beneath && errnum == EXDEV)
		g_set_error(err, CAPTURE_ERROR, errnum,
			    "%s: leads out of the sysroot (a symlink on the way points outside it)",
			    path);
	else if (d->beneath && errnum == ELOOP)
		g_set_error(err, CAPTURE_ERROR, errnum,
			    "%s: a symlink loop or a /proc magic link, refused beneath the sysroot",
			    path);
	else if (d->beneath && errnum == ENOSYS)
		g_set_error(err, CAPTURE_ERROR, errnum,
			    "%s: openat2() is not available (Linux 5.6+), so lookups cannot be kept "
			    "beneath the sysroot", path);
	else
		g_set_error(err, CAPTURE_ERROR, errnum, "%s: %s", path, g_strerror(errnum));
}

static const char *file_type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	case S_IFDIR: return "a directory";
	case S_IFLNK: return "a symlink";
	default: return "not a regular file";
	}
}

/*
 * Opens the regular file d/rel for reading, or fails naming the path.  The
 * type is checked on an O_PATH descriptor first, which opens nothing: a FIFO
 * would block open() until a writer comes, and opening a device node (a
 * tarball extracted as root can hold any) runs its driver.  The file then
 * opened must be the same one, and O_NONBLOCK keeps even a racing swap for a
 * FIFO from blocking.  sysfs and procfs files are regular files.
 */
static int open_regular_at(const struct dir *d, const char *rel, GError **err)
{
	struct stat st, st2;
	int pfd = open_at(d, rel, O_PATH | O_CLOEXEC), fd = -1;
	int errnum = 0;

	if (pfd < 0) {
		path_error(d, rel, errno, err);
		return -1;
	}
	if (fstat(pfd, &st) != 0) {
		errnum = errno;
	} else if (!S_ISREG(st.st_mode)) {
		g_autofree char *path = dir_child_path(d, rel);

		g_set_error(err, CAPTURE_ERROR, 0, "%s: not a regular file but %s", path,
			    file_type_name(st.st_mode));
	} else if ((fd = open_at(d, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0 ||
		   fstat(fd, &st2) != 0) {
		errnum = errno;
	} else if (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) {
		g_autofree char *path = dir_child_path(d, rel);

		g_set_error(err, CAPTURE_ERROR, 0, "%s: replaced while being captured", path);
	} else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		errnum = errno;
	} else {
		close(pfd);
		return fd;
	}
	if (errnum)
		path_error(d, rel, errnum, err);
	if (fd >= 0)
		close(fd);
	close(pfd);
	return -1;
}

/* The one reader: the whole of d/rel, NUL-terminated, when it is a regular
 * file of at most max bytes; errors name the path. */
static char *read_at(const struct dir *d, const char *rel, gsize max, gsize *len, GError **err)
{
	g_autoptr(GString) buf = g_string_new(NULL);
	char chunk[4096];
	int fd = open_regular_at(d, rel, err);

	if (fd < 0)
		return NULL;
	/* One byte past max tells a file of max bytes from a longer one. */
	while (buf->len <= max) {
		ssize_t n = read(fd, chunk, MIN(sizeof(chunk), max + 1 - buf->len));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			path_error(d, rel, errno, err);
			break;
		}
		if (n == 0)
			break;
		g_string_append_len(buf, chunk, n);
	}
	close(fd);
	if (err && *err)
		return NULL;
	if (buf->len > max) {
		g_autofree char *path = dir_child_path(d, rel);

		g_set_error(err, CAPTURE_ERROR, 0, "%s: longer than %" G_GSIZE_FORMAT " bytes, "
			    "more than the kernel prints there", path, max);
		return NULL;
	}
	if (len)
		*len = buf->len;
	return g_string_free(g_steal_pointer(&buf), FALSE);
}

/* A sysfs attribute: one line ending in "\n", returned without it. */
static char *read_attr(const struct dir *d, const char *rel, GError **err)
{
	gsize len;
	g_autofree char *text = read_at(d, rel, SYSFS_ATTR_MAX, &len, err);

	if (!text)
		return NULL;
	if (len == 0 || text[len - 1] != '\n' || memchr(text, '\n', len - 1) ||
	    strlen(text) != len) {
		g_autofree char *path = dir_child_path(d, rel);

		g_set_error(err, CAPTURE_ERROR, 0, "%s: not a single line ending in a newline",
			    path);
		return NULL;
	}
	text[len - 1] = '\0';
	return g_steal_pointer(&text);
}

/* 1 if d/rel exists (a symlink counts as it is, not followed), 0 if not,
 * -1 with *err on any other failure. */
static int probe_at(const struct dir *d, const char *rel, GError **err)
{
	int fd = open_at(d, rel, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (errno == ENOENT)
		return 0;
	path_error(d, rel, errno, err);
	return -1;
}

/* Opens the directory d/rel into out: 1, 0 when absent, -1 with *err. */
static int open_dir_at(const struct dir *d, const char *rel, struct dir *out, GError **err)
{
	int fd = open_at(d, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		path_error(d, rel, errno, err);
		return -1;
	}
	out->fd = fd;
	out->path = dir_child_path(d, rel);
	out->rel = *d->rel ? g_build_filename(d->rel, rel, NULL) : g_strdup(rel);
	out->root_fd = d->root_fd;
	out->beneath = d->beneath;
	return 1;
}

/* Names in d (without "." and ".."), in readdir order. */
static GPtrArray *list_dir(const struct dir *d, GError **err)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	int fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!dp) {
		set_errno_error(err, errno);
		if (fd >= 0)
			close(fd);
		g_prefix_error(err, "%s: ", d->path);
		return NULL;
	}
	errno = 0;
	while ((de = readdir(dp))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			g_ptr_array_add(names, g_strdup(de->d_name));
		errno = 0;
	}
	if (errno) {
		set_errno_error(err, errno);
		g_prefix_error(err, "%s: ", d->path);
		closedir(dp);
		return NULL;
	}
	closedir(dp);
	return g_steal_pointer(&names);
}

/* "<prefix><decimal>" exactly as the kernel prints it ("%u", no leading 0s). */
static bool parse_numbered_name(const char *name, const char *prefix, uint64_t *out)
{
	size_t pl = strlen(prefix);
	char *end;

	if (strncmp(name, prefix, pl) || !g_ascii_isdigit(name[pl]))
		return false;
	errno = 0;
	*out = g_ascii_strtoull(name + pl, &end, 10);
	if (errno || *end || (name[pl] == '0' && name[pl + 1]))
		return false;
	return true;
}

/* Parses text that the kernel printed with fmt from one u64; false unless
 * printing the value back gives the same text. */
static bool parse_u64_exact(const char *text, const char *fmt, int base, uint64_t *out)
{
	const char *digits = text;
	char *end;

	if (base == 16 && g_str_has_prefix(fmt, "0x")) {
		if (!g_str_has_prefix(text, "0x"))
			return false;
		digits += 2;
	}
	if (!g_ascii_isxdigit(*digits))
		return false;
	errno = 0;
	*out = g_ascii_strtoull(digits, &end, base);
	if (errno || *end)
		return false;
	g_autofree char *back = g_strdup_printf(fmt, *out);
	return strcmp(back, text) == 0;
}

static gboolean malformed(GError **err, const char *path, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static gboolean malformed(GError **err, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, CAPTURE_ERROR, 0, "%s: %s", path, msg);
	return FALSE;
}

/* ---------------------------------------------------------------- /proc/iomem */

/* A resource on the path from the root to the line last read. */
struct iomem_open {
	json_object *obj;
	uint64_t start, end;
};

struct iomem_line {
	unsigned level;               /* indentation / 2, capped at IOMEM_MAX_LEVEL */
	uint64_t start, end;
	const char *name;
};

/* "%*s%08llx-%08llx : %s" (r_show); false unless it prints back the same. */
static bool parse_iomem_line(char *line, struct iomem_line *out)
{
	size_t spaces = strspn(line, " ");
	char *p = line + spaces, *end;

	if (spaces % 2 || spaces > 2 * IOMEM_MAX_LEVEL || !g_ascii_isxdigit(*p))
		return false;
	out->level = spaces / 2;
	errno = 0;
	out->start = g_ascii_strtoull(p, &end, 16);
	if (errno || *end != '-' || !g_ascii_isxdigit(end[1]))
		return false;
	out->end = g_ascii_strtoull(end + 1, &end, 16);
	if (errno || !g_str_has_prefix(end, " : "))
		return false;
	out->name = end + 3;
	g_autofree char *back = g_strdup_printf("%*s%08" PRIx64 "-%08" PRIx64 " : %s",
					       (int)spaces, "", out->start, out->end, out->name);
	return strcmp(back, line) == 0;
}

static json_object *iomem_node_new(const struct iomem_line *l)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "start", json_hex(l->start));
	json_object_object_add(o, "end", json_hex(l->end));
	json_object_object_add(o, "name", json_object_new_string(l->name));
	return o;
}

/* Appends child to parent's "children", created on first use. */
static void iomem_add_child(json_object *parent, json_object *child)
{
	json_object *kids;

	if (!json_object_object_get_ex(parent, "children", &kids)) {
		kids = json_object_new_array();
		json_object_object_add(parent, "children", kids);
	}
	json_object_array_add(kids, child);
}

/*
 * Stack depth the line's parent ends at: its level below the cap; at the cap
 * (depth >= 5 all print 10 spaces) the deepest open resource of depth >= 4
 * that contains the line, since siblings never overlap.  -1 if none fits.
 */
static int iomem_parent_depth(const GArray *stack, const struct iomem_line *l)
{
	if (l->level < IOMEM_MAX_LEVEL)
		return l->level <= stack->len ? (int)l->level : -1;
	for (int i = (int)stack->len - 1; i >= IOMEM_MAX_LEVEL - 1; i--) {
		const struct iomem_open *o = &g_array_index(stack, struct iomem_open, i);

		if (o->start <= l->start && l->end <= o->end)
			return i + 1;
	}
	return -1;
}

/* Rebuilds the nested tree from the indented lines of /proc/iomem. */
static json_object *parse_iomem(char *text, const char *path, GError **err)
{
	g_autoptr(GArray) stack = g_array_new(FALSE, FALSE, sizeof(struct iomem_open));
	json_object *top = json_object_new_array();
	bool nonzero = false;
	unsigned lineno = 0;
	char *line = text, *nl;

	for (; *line; line = nl + 1) {
		struct iomem_line l;
		int depth;

		lineno++;
		nl = strchr(line, '\n');
		if (!nl) {
			malformed(err, path, "line %u: no newline at the end", lineno);
			goto fail;
		}
		*nl = '\0';
		if (!parse_iomem_line(line, &l)) {
			malformed(err, path, "line %u: not \"START-END : NAME\" as r_show prints it: %s",
				  lineno, line);
			goto fail;
		}
		depth = iomem_parent_depth(stack, &l);
		if (depth < 0) {
			malformed(err, path, "line %u: indented %u spaces but no resource above encloses it",
				  lineno, 2 * l.level);
			goto fail;
		}
		nonzero |= l.start || l.end;
		g_array_set_size(stack, depth);
		struct iomem_open o = { iomem_node_new(&l), l.start, l.end };
		if (depth == 0)
			json_object_array_add(top, o.obj);
		else
			iomem_add_child(g_array_index(stack, struct iomem_open, depth - 1).obj, o.obj);
		g_array_append_val(stack, o);
	}
	if (lineno && !nonzero) {
		malformed(err, path, "every address is zero: it was read without CAP_SYS_ADMIN "
			  "(capture as root in the initial user namespace)");
		goto fail;
	}
	return top;
fail:
	json_object_put(top);
	return NULL;
}

static int capture_iomem(const struct dir *root, json_object *fixture, GError **err)
{
	int present = probe_at(root, "proc/iomem", err);
	g_autofree char *text = NULL;
	g_autofree char *path = dir_child_path(root, "proc/iomem");
	gsize len;
	json_object *tree;

	if (present <= 0)
		return present;
	text = read_at(root, "proc/iomem", IOMEM_MAX, &len, err);
	if (!text)
		return -1;
	if (strlen(text) != len) {
		malformed(err, path, "contains a NUL byte");
		return -1;
	}
	tree = parse_iomem(text, path, err);
	if (!tree)
		return -1;
	json_object_object_add(fixture, "iomem", tree);
	return 1;
}

/* ------------------------------------------------------ /sys/firmware/memmap */

struct fw_entry {
	uint64_t nr, start, end;
	char *type;
};

static void fw_entry_clear(void *p)
{
	g_free(((struct fw_entry *)p)->type);
}

static gint fw_entry_cmp(gconstpointer a, gconstpointer b)
{
	const struct fw_entry *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

/* start and end print "0x%llx\n", type "%s\n" (drivers/firmware/memmap.c). */
static gboolean read_fw_entry(const struct dir *memmap, uint64_t nr, struct fw_entry *e,
			      GError **err)
{
	g_autofree char *nrs = g_strdup_printf("%" PRIu64, nr);
	g_autofree char *spath = g_build_filename(nrs, "start", NULL);
	g_autofree char *epath = g_build_filename(nrs, "end", NULL);
	g_autofree char *tpath = g_build_filename(nrs, "type", NULL);
	g_autofree char *start = read_attr(memmap, spath, err);
	g_autofree char *end = start ? read_attr(memmap, epath, err) : NULL;

	if (!end)
		return FALSE;
	e->nr = nr;
	if (!parse_u64_exact(start, "0x%" PRIx64, 16, &e->start)) {
		g_autofree char *p = dir_child_path(memmap, spath);
		return malformed(err, p, "\"%s\" is not \"0x%%llx\"", start);
	}
	if (!parse_u64_exact(end, "0x%" PRIx64, 16, &e->end)) {
		g_autofree char *p = dir_child_path(memmap, epath);
		return malformed(err, p, "\"%s\" is not \"0x%%llx\"", end);
	}
	e->type = read_attr(memmap, tpath, err);
	return e->type != NULL;
}

static json_object *fw_entries_to_json(const GArray *entries)
{
	json_object *arr = json_object_new_array();

	for (guint i = 0; i < entries->len; i++) {
		const struct fw_entry *e = &g_array_index(entries, struct fw_entry, i);
		json_object *o = json_object_new_object();

		json_object_object_add(o, "nr", json_object_new_int64((int64_t)e->nr));
		json_object_object_add(o, "start", json_hex(e->start));
		json_object_object_add(o, "end", json_hex(e->end));
		json_object_object_add(o, "type", json_object_new_string(e->type));
		json_object_array_add(arr, o);
	}
	return arr;
}

static int capture_firmware_memmap(const struct dir *root, json_object *fixture, GError **err)
{
	struct dir memmap = { .fd = -1 };
	g_autoptr(GArray) entries = g_array_new(FALSE, TRUE, sizeof(struct fw_entry));
	g_autoptr(GPtrArray) names = NULL;
	int present = open_dir_at(root, "sys/firmware/memmap", &memmap, err);
	int ret = -1;

	if (present <= 0)
		return present;
	g_array_set_clear_func(entries, fw_entry_clear);
	names = list_dir(&memmap, err);
	if (!names)
		goto out;
	for (guint i = 0; i < names->len; i++) {
		struct fw_entry e = { 0 };
		uint64_t nr;

		if (!parse_numbered_name(names->pdata[i], "", &nr)) {
			g_autofree char *p = dir_child_path(&memmap, names->pdata[i]);
			malformed(err, p, "not a numbered entry (\"%%d\")");
			goto out;
		}
		if (!read_fw_entry(&memmap, nr, &e, err)) {
			fw_entry_clear(&e);
			goto out;
		}
		g_array_append_val(entries, e);
	}
	g_array_sort(entries, fw_entry_cmp);
	json_object_object_add(fixture, "firmware_memmap", fw_entries_to_json(entries));
	ret = 1;
out:
	dir_close(&memmap);
	return ret;
}

/* ------------------------------------------------ /sys/devices/system/memory */

struct block_rec {
	uint64_t id;
	int32_t phys_device;
	uint8_t state;
	uint8_t removable;
	uint8_t nr_nids;
	int nids[MAX_BLOCK_NODES];
	const char *valid_zones;      /* interned; NULL when the file is absent */
};

struct memory_capture {
	GArray *blocks;               /* struct block_rec, ascending id */
	GStringChunk *strings;        /* valid_zones texts, shared */
	bool any_phys_device;         /* some block has phys_device != 0 (s390) */
	bool crash_hotplug;
};

static gint block_rec_cmp(gconstpointer a, gconstpointer b)
{
	const struct block_rec *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static gint int_cmp(gconstpointer a, gconstpointer b)
{
	return *(const int *)a - *(const int *)b;
}

static gboolean read_block_state(const struct dir *blk, struct block_rec *b, GError **err)
{
	g_autofree char *state = read_attr(blk, "state", err);
	int s;

	if (!state)
		return FALSE;
	s = block_state_from_string(state);
	if (s >= 0) {
		b->state = (uint8_t)s;
		return TRUE;
	}
	g_autofree char *p = dir_child_path(blk, "state");
	return malformed(err, p, "unknown state \"%s\"", state);
}

/* online reads !dev->offline, which flips only when device_offline() ends. */
static gboolean check_block_online(const struct dir *blk, const struct block_rec *b,
				   GError **err)
{
	const char *want = b->state == BLOCK_OFFLINE ? "0" : "1";
	int present = probe_at(blk, "online", err);
	g_autofree char *online = present > 0 ? read_attr(blk, "online", err) : NULL;

	if (present <= 0)
		return present == 0;
	if (!online)
		return FALSE;
	if (strcmp(online, want)) {
		g_autofree char *p = dir_child_path(blk, "online");
		return malformed(err, p, "\"%s\" is not \"%s\" as state \"%s\" implies", online,
				 want, block_state_to_string(b->state));
	}
	return TRUE;
}

/* phys_index is the block id ("%08lx"); the served tree derives it. */
static gboolean check_block_phys_index(const struct dir *blk, const struct block_rec *b,
				       GError **err)
{
	g_autofree char *text = read_attr(blk, "phys_index", err);
	uint64_t v;

	if (!text)
		return FALSE;
	if (!parse_u64_exact(text, "%08" PRIx64, 16, &v) || v != b->id) {
		g_autofree char *p = dir_child_path(blk, "phys_index");
		return malformed(err, p, "\"%s\" is not the block id %" PRIu64 " as \"%%08lx\"",
				 text, b->id);
	}
	return TRUE;
}

static gboolean read_block_numbers(const struct dir *blk, struct block_rec *b, GError **err)
{
	g_autofree char *removable = read_attr(blk, "removable", err);
	g_autofree char *phys = removable ? read_attr(blk, "phys_device", err) : NULL;
	g_autofree char *back = NULL;

	if (!phys)
		return FALSE;
	if (strcmp(removable, "0") && strcmp(removable, "1")) {
		g_autofree char *p = dir_child_path(blk, "removable");
		return malformed(err, p, "\"%s\" is not 0 or 1", removable);
	}
	b->removable = removable[0] == '1';
	b->phys_device = (int32_t)strtol(phys, NULL, 10);
	back = g_strdup_printf("%" PRId32, b->phys_device);
	if (strcmp(back, phys)) {
		g_autofree char *p = dir_child_path(blk, "phys_device");
		return malformed(err, p, "\"%s\" is not \"%%d\"", phys);
	}
	return TRUE;
}

/* valid_zones exists only with CONFIG_MEMORY_HOTREMOVE; kept verbatim. */
static gboolean read_block_zones(const struct dir *blk, struct memory_capture *mc,
				 struct block_rec *b, GError **err)
{
	int present = probe_at(blk, "valid_zones", err);
	g_autofree char *zones = present > 0 ? read_attr(blk, "valid_zones", err) : NULL;

	if (present <= 0)
		return present == 0;
	if (!zones)
		return FALSE;
	b->valid_zones = g_string_chunk_insert_const(mc->strings, zones);
	return TRUE;
}

/* Node links are "nodeK" entries; lsmem and the kernel look only at names. */
static gboolean read_block_nodes(const struct dir *blk, struct block_rec *b, GError **err)
{
	g_autoptr(GPtrArray) names = list_dir(blk, err);

	if (!names)
		return FALSE;
	for (guint i = 0; i < names->len; i++) {
		uint64_t nid;

		if (!parse_numbered_name(names->pdata[i], "node", &nid))
			continue;
		if (b->nr_nids == MAX_BLOCK_NODES || nid >= MAX_NUMNODES)
			return malformed(err, blk->path, "more than %d node links or node%" PRIu64
					 " out of range", MAX_BLOCK_NODES, nid);
		b->nids[b->nr_nids++] = (int)nid;
	}
	qsort(b->nids, b->nr_nids, sizeof(int), int_cmp);
	return TRUE;
}

static gboolean read_block(const struct dir *mem, const char *name, uint64_t id,
			   struct memory_capture *mc, GError **err)
{
	struct block_rec b = { .id = id };
	struct dir blk = { .fd = -1 };
	gboolean ok;

	if (open_dir_at(mem, name, &blk, err) <= 0) {
		if (err && !*err) {
			g_autofree char *p = dir_child_path(mem, name);
			malformed(err, p, "vanished while capturing");
		}
		return FALSE;
	}
	ok = read_block_state(&blk, &b, err) && check_block_online(&blk, &b, err) &&
	     check_block_phys_index(&blk, &b, err) && read_block_numbers(&blk, &b, err) &&
	     read_block_zones(&blk, mc, &b, err) && read_block_nodes(&blk, &b, err);
	dir_close(&blk);
	if (ok) {
		mc->any_phys_device |= b.phys_device != 0;
		g_array_append_val(mc->blocks, b);
	}
	return ok;
}

static gboolean read_blocks(const struct dir *mem, struct memory_capture *mc, GError **err)
{
	g_autoptr(GPtrArray) names = list_dir(mem, err);
	struct cli_progress *progress;
	gboolean ok = TRUE;

	if (!names)
		return FALSE;
	/* A million blocks take seconds: say how far it got (on a terminal). */
	progress = cli_progress_begin("capturing memory blocks");
	for (guint i = 0; ok && i < names->len; i++) {
		uint64_t id;

		if (parse_numbered_name(names->pdata[i], "memory", &id))
			ok = read_block(mem, names->pdata[i], id, mc, err);
		cli_progress_count(progress, mc->blocks->len, "blocks");
	}
	cli_progress_end(progress);
	if (ok)
		g_array_sort(mc->blocks, block_rec_cmp);
	return ok;
}

/* block_size_bytes prints "%lx\n" (no 0x). */
static gboolean capture_block_size(const struct dir *mem, json_object *fixture, GError **err)
{
	g_autofree char *text = read_attr(mem, "block_size_bytes", err);
	uint64_t bs;

	if (!text)
		return FALSE;
	if (!parse_u64_exact(text, "%" PRIx64, 16, &bs) || bs == 0) {
		g_autofree char *p = dir_child_path(mem, "block_size_bytes");
		return malformed(err, p, "\"%s\" is not a block size in \"%%lx\"", text);
	}
	json_object_object_add(fixture, "block_size", json_hex(bs));
	return TRUE;
}

static bool block_same_run(const struct block_rec *a, const struct block_rec *b)
{
	return b->id == a->id + 1 && a->state == b->state && a->removable == b->removable &&
	       a->phys_device == b->phys_device && a->valid_zones == b->valid_zones &&
	       a->nr_nids == b->nr_nids &&
	       !memcmp(a->nids, b->nids, a->nr_nids * sizeof(int));
}

static json_object *block_run_new(const struct block_rec *b, uint64_t count)
{
	json_object *o = json_object_new_object();
	json_object *nodes = json_object_new_array();

	for (int i = 0; i < b->nr_nids; i++)
		json_object_array_add(nodes, json_object_new_int(b->nids[i]));
	json_object_object_add(o, "first", json_object_new_int64((int64_t)b->id));
	json_object_object_add(o, "count", json_object_new_int64((int64_t)count));
	json_object_object_add(o, "state", json_object_new_string(block_state_to_string(b->state)));
	json_object_object_add(o, "nodes", nodes);
	json_object_object_add(o, "removable", json_object_new_int(b->removable));
	json_object_object_add(o, "phys_device", json_object_new_int(b->phys_device));
	/* Always verbatim: the loader drops it where it equals the derived value. */
	if (b->valid_zones)
		json_object_object_add(o, "valid_zones", json_object_new_string(b->valid_zones));
	return o;
}

/* Consecutive ids with equal attributes become one run. */
static json_object *blocks_to_runs(const GArray *blocks)
{
	json_object *runs = json_object_new_array();
	guint i = 0;

	while (i < blocks->len) {
		const struct block_rec *first = &g_array_index(blocks, struct block_rec, i);
		guint j = i + 1;

		while (j < blocks->len &&
		       block_same_run(&g_array_index(blocks, struct block_rec, j - 1),
				      &g_array_index(blocks, struct block_rec, j)))
			j++;
		json_object_array_add(runs, block_run_new(first, j - i));
		i = j;
	}
	return runs;
}

/* The "memory_hotplug" object, created on first use. */
static json_object *hotplug_object(json_object *fixture)
{
	json_object *o;

	if (!json_object_object_get_ex(fixture, "memory_hotplug", &o)) {
		o = json_object_new_object();
		json_object_object_add(fixture, "memory_hotplug", o);
	}
	return o;
}

/* Reads d/name if it exists and checks it is one of words (NULL-terminated). */
static int read_word(const struct dir *d, const char *name, const char *const *words,
		     char **out, GError **err)
{
	int present = probe_at(d, name, err);

	if (present <= 0)
		return present;
	*out = read_attr(d, name, err);
	if (!*out)
		return -1;
	for (; *words; words++)
		if (!strcmp(*out, *words))
			return 1;
	g_autofree char *p = dir_child_path(d, name);
	malformed(err, p, "unexpected value \"%s\"", *out);
	g_clear_pointer(out, g_free);
	return -1;
}

static gboolean capture_auto_online(const struct dir *mem, json_object *fixture, GError **err)
{
	static const char *const words[] = { "offline", "online", "online_kernel",
					     "online_movable", NULL };
	g_autofree char *v = NULL;
	int r = read_word(mem, "auto_online_blocks", words, &v, err);

	if (r > 0)
		json_object_object_add(hotplug_object(fixture), "auto_online_blocks",
				       json_object_new_string(v));
	return r >= 0;
}

static int capture_memory(const struct dir *root, json_object *fixture,
			  struct memory_capture *mc, GError **err)
{
	struct dir mem = { .fd = -1 };
	int present = open_dir_at(root, "sys/devices/system/memory", &mem, err);
	int crash, pm_debug, ret = -1;

	if (present <= 0)
		return present;
	if (!capture_block_size(&mem, fixture, err) || !capture_auto_online(&mem, fixture, err))
		goto out;
	crash = probe_at(&mem, "crash_hotplug", err);
	/* power/async exists only with CONFIG_PM_ADVANCED_DEBUG. */
	pm_debug = probe_at(&mem, "power/async", err);
	if (crash < 0 || pm_debug < 0 || !read_blocks(&mem, mc, err))
		goto out;
	mc->crash_hotplug = crash > 0;
	if (pm_debug > 0)
		json_object_object_add(fixture, "pm_advanced_debug", json_object_new_boolean(1));
	json_object_object_add(fixture, "memory_blocks", blocks_to_runs(mc->blocks));
	ret = 1;
out:
	dir_close(&mem);
	return ret;
}

/* ---------------------------------------- /sys/module/memory_hotplug/parameters */

/* auto_movable_ratio prints "%u\n"; NULL when absent. */
static int read_ratio(const struct dir *params, json_object **out, GError **err)
{
	int present = probe_at(params, "auto_movable_ratio", err);
	g_autofree char *text = present > 0 ? read_attr(params, "auto_movable_ratio", err) : NULL;
	uint64_t v;

	if (present <= 0)
		return present;
	if (!text)
		return -1;
	if (!parse_u64_exact(text, "%" PRIu64, 10, &v) || v > UINT32_MAX) {
		g_autofree char *p = dir_child_path(params, "auto_movable_ratio");
		malformed(err, p, "\"%s\" is not an unsigned integer", text);
		return -1;
	}
	*out = json_object_new_int64((int64_t)v);
	return 1;
}

static int capture_params(const struct dir *root, json_object *fixture, GError **err)
{
	static const char *const policies[] = { "contig-zones", "auto-movable", NULL };
	static const char *const yn[] = { "Y", "N", NULL };
	static const char *const memmap[] = { "Y", "N", "force", NULL };
	struct dir params = { .fd = -1 };
	g_autofree char *policy = NULL, *aware = NULL, *mom = NULL;
	json_object *ratio = NULL, *hp;
	int present = open_dir_at(root, "sys/module/memory_hotplug/parameters", &params, err);
	int ret = -1;

	if (present <= 0)
		return present;
	if (read_word(&params, "online_policy", policies, &policy, err) < 0 ||
	    read_ratio(&params, &ratio, err) < 0 ||
	    read_word(&params, "auto_movable_numa_aware", yn, &aware, err) < 0 ||
	    read_word(&params, "memmap_on_memory", memmap, &mom, err) < 0)
		goto out;
	hp = hotplug_object(fixture);
	if (policy)
		json_object_object_add(hp, "online_policy", json_object_new_string(policy));
	if (ratio)
		json_object_object_add(hp, "auto_movable_ratio", g_steal_pointer(&ratio));
	if (aware)
		json_object_object_add(hp, "auto_movable_numa_aware",
				       json_object_new_boolean(aware[0] == 'Y'));
	if (mom)
		json_object_object_add(hp, "memmap_on_memory", json_object_new_string(mom));
	ret = 1;
out:
	json_object_put(ratio);
	dir_close(&params);
	return ret;
}

/* ------------------------------------------------------------------- command */

struct capture_opts {
	char *sysroot;                /* NULL: a live capture of / */
	char *output;
	char *description;
	char *kernel;
	char *arch;
};

static void capture_opts_clear(struct capture_opts *o)
{
	g_free(o->sysroot);
	g_free(o->output);
	g_free(o->description);
	g_free(o->kernel);
	g_free(o->arch);
}

/*
 * The kernel version cannot be read from the trees; crash_hotplug is the best
 * hint: CONFIG_CRASH_HOTPLUG (6.5+) is on in Debian's 6.12 and absent from
 * 6.1, and the profile serves that file exactly when the version says so.
 * memmap_on_memory=force exists only since 6.6.
 */
static const char *guess_kernel(const struct memory_capture *mc, json_object *fixture)
{
	json_object *hp, *mom;

	if (mc->crash_hotplug)
		return "6.12";
	if (json_object_object_get_ex(fixture, "memory_hotplug", &hp) &&
	    json_object_object_get_ex(hp, "memmap_on_memory", &mom) &&
	    !strcmp(json_object_get_string(mom), "force")) {
		fprintf(stderr, "hotplugfs capture: memmap_on_memory is \"force\" (6.6+) but there is "
			"no crash_hotplug; using kernel 6.12\n");
		return "6.12";
	}
	return "6.1";
}

/* s390 numbers storage increments in phys_device and has no firmware map. */
static const char *guess_arch(const struct memory_capture *mc, json_object *fixture)
{
	json_object *fw;

	if (mc->any_phys_device && !json_object_object_get_ex(fixture, "firmware_memmap", &fw))
		return "s390x";
	return "x86_64";
}

static char *default_description(const char *sysroot)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autofree char *date = g_date_time_format(now, "%Y-%m-%d");

	return g_strdup_printf("captured from %s on %s by hotplugfs capture", sysroot, date);
}

static json_object *fixture_header(const struct capture_opts *o)
{
	json_object *fx = json_object_new_object();
	g_autofree char *desc = o->description ? g_strdup(o->description)
					       : default_description(o->sysroot ? o->sysroot : "/");

	json_object_object_add(fx, "hotplugfs-fixture", json_object_new_int(FIXTURE_FORMAT));
	json_object_object_add(fx, "description", json_object_new_string(desc));
	return fx;
}

/* Reads every tree that exists under the sysroot into a fixture. */
static json_object *capture_sysroot(const struct capture_opts *o, GError **err)
{
	struct dir root = { .fd = -1, .path = g_strdup(o->sysroot ? o->sysroot : "/"),
			    .rel = g_strdup(""), .beneath = o->sysroot != NULL };
	struct memory_capture mc = { g_array_new(FALSE, TRUE, sizeof(struct block_rec)),
				     g_string_chunk_new(4096), false, false };
	json_object *fx = fixture_header(o);
	json_object *body = json_object_new_object();
	bool ok = false;

	root.fd = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root.fd < 0) {
		set_errno_error(err, errno);
		g_prefix_error(err, "%s: ", root.path);
		goto out;
	}
	root.root_fd = root.fd;
	/* Captured into body first: kernel and arch come before them in the file. */
	if (capture_memory(&root, body, &mc, err) < 0 || capture_params(&root, body, err) < 0 ||
	    capture_iomem(&root, body, err) < 0 || capture_firmware_memmap(&root, body, err) < 0)
		goto out;
	json_object_object_add(fx, "kernel", json_object_new_string(
		o->kernel ? o->kernel : guess_kernel(&mc, body)));
	json_object_object_add(fx, "arch", json_object_new_string(
		o->arch ? o->arch : guess_arch(&mc, body)));
	static const char *const order[] = { "pm_advanced_debug", "block_size", "memory_hotplug",
					     "iomem", "firmware_memmap", "memory_blocks" };
	for (unsigned i = 0; i < G_N_ELEMENTS(order); i++) {
		json_object *v;

		if (json_object_object_get_ex(body, order[i], &v))
			json_object_object_add(fx, order[i], json_object_get(v));
	}
	ok = true;
out:
	json_object_put(body);
	dir_close(&root);
	g_array_unref(mc.blocks);
	g_string_chunk_free(mc.strings);
	if (!ok)
		g_clear_pointer(&fx, json_object_put);
	return fx;
}

static gboolean write_fixture(const char *text, const char *output, GError **err)
{
	if (output && strcmp(output, "-"))
		return g_file_set_contents(output, text, -1, err);
	if (fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
		set_errno_error(err, errno);
		g_prefix_error(err, "<stdout>: ");
		return FALSE;
	}
	return TRUE;
}

static int parse_capture_args(int argc, char **argv, struct capture_opts *o)
{
	GOptionEntry entries[] = {
		{ "sysroot", 0, 0, G_OPTION_ARG_FILENAME, &o->sysroot,
		  "Capture DIR/proc and DIR/sys instead of / (no symlink may lead out of DIR)", "DIR" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output,
		  "Write the fixture to FILE (default: stdout)", "FILE" },
		{ "description", 0, 0, G_OPTION_ARG_STRING, &o->description,
		  "The fixture's description", "TEXT" },
		{ "kernel", 0, 0, G_OPTION_ARG_STRING, &o->kernel,
		  "Kernel profile (default: 6.12 with crash_hotplug, else 6.1)", "VER" },
		{ "arch", 0, 0, G_OPTION_ARG_STRING, &o->arch,
		  "x86_64, s390x or aarch64 (default: guessed)", "ARCH" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const struct cli_spec spec = {
		.name = "capture", .params = "",
		.summary = "Write a literal-form fixture from a live system or a copied tree, such\n"
			   "that serving it reproduces every captured file byte for byte.",
		.entries = entries,
	};
	unsigned kernel;
	enum arch arch;
	int rc = cli_parse(&spec, &argc, &argv);

	if (rc >= 0)
		return rc == 0 ? -1 : rc;
	if (argc > 1)
		return cli_usage_error("capture", "unexpected argument \"%s\"", argv[argc - 1]);
	if (o->kernel && !profile_parse_kernel(o->kernel, &kernel)) {
		fprintf(stderr, "hotplugfs capture: --kernel: \"%s\" is not a version\n", o->kernel);
		return EXIT_USAGE;
	}
	if (o->arch && !profile_parse_arch(o->arch, &arch)) {
		fprintf(stderr, "hotplugfs capture: --arch: unknown architecture \"%s\"\n", o->arch);
		return EXIT_USAGE;
	}
	return 0;
}

/* Runs the fixture through the loader so that capture never writes a file
 * that `hotplugfs mount` would refuse. */
static gboolean check_loadable(const char *text, const char *output, GError **err)
{
	const char *name = output && strcmp(output, "-") ? output : "<stdout>";
	struct fixture *fx = fixture_parse(name, text, strlen(text), err);

	if (!fx) {
		g_prefix_error(err, "the captured fixture does not load: ");
		return FALSE;
	}
	fixture_free(fx);
	return TRUE;
}

int cmd_capture(int argc, char **argv)
{
	struct capture_opts o = { 0 };
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL;
	json_object *fx;
	int ret = parse_capture_args(argc, argv, &o);

	if (ret) {
		ret = ret < 0 ? 0 : ret;   /* -1: --version printed */
		goto out;
	}
	fx = capture_sysroot(&o, &err);
	if (fx) {
		text = g_strconcat(json_object_to_json_string_ext(fx, JSON_C_TO_STRING_PRETTY |
					JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE),
				   "\n", NULL);
		json_object_put(fx);
	}
	if (!text || !check_loadable(text, o.output, &err) || !write_fixture(text, o.output, &err)) {
		fprintf(stderr, "%s\n", err->message);
		ret = EXIT_USAGE;
	}
out:
	capture_opts_clear(&o);
	return ret;
}

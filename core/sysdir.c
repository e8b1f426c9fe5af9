/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a tree of procfs, sysfs and debugfs files, the live one or a copy
 * under a sysroot, without being fooled by it: every name is looked up
 * beneath the root, only regular files are opened, and every read is
 * bounded.  Errors name the path.
 */
#include "sysdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

G_DEFINE_QUARK(hotplugfs-capture-error, capture_error)

void sysdir_close(struct sysdir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	g_free(d->path);
	g_free(d->rel);
	d->fd = -1;
	d->path = NULL;
	d->rel = NULL;
}

char *sysdir_path(const struct sysdir *d, const char *rel)
{
	return g_build_filename(d->path, rel, NULL);
}

gboolean capture_errno_error(GError **err, int errnum)
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
static int sysdir_openat(const struct sysdir *d, const char *rel, int flags)
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
static void sysdir_path_error(const struct sysdir *d, const char *rel, int errnum, GError **err)
{
	g_autofree char *path = sysdir_path(d, rel);

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
int sysdir_open_file(const struct sysdir *d, const char *rel, GError **err)
{
	struct stat st, st2;
	int pfd = sysdir_openat(d, rel, O_PATH | O_CLOEXEC), fd = -1;
	int errnum = 0;

	if (pfd < 0) {
		sysdir_path_error(d, rel, errno, err);
		return -1;
	}
	if (fstat(pfd, &st) != 0) {
		errnum = errno;
	} else if (!S_ISREG(st.st_mode)) {
		g_autofree char *path = sysdir_path(d, rel);

		g_set_error(err, CAPTURE_ERROR, 0, "%s: not a regular file but %s", path,
			    file_type_name(st.st_mode));
	} else if ((fd = sysdir_openat(d, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0 ||
		   fstat(fd, &st2) != 0) {
		errnum = errno;
	} else if (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino) {
		g_autofree char *path = sysdir_path(d, rel);

		g_set_error(err, CAPTURE_ERROR, 0, "%s: replaced while being captured", path);
	} else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		errnum = errno;
	} else {
		close(pfd);
		return fd;
	}
	if (errnum)
		sysdir_path_error(d, rel, errnum, err);
	if (fd >= 0)
		close(fd);
	close(pfd);
	return -1;
}

/* The one reader: the whole of d/rel, NUL-terminated, when it is a regular
 * file of at most max bytes; errors name the path. */
char *sysdir_read(const struct sysdir *d, const char *rel, gsize max, gsize *len, GError **err)
{
	g_autoptr(GString) buf = g_string_new(NULL);
	char chunk[4096];
	int fd = sysdir_open_file(d, rel, err);

	if (fd < 0)
		return NULL;
	/* One byte past max tells a file of max bytes from a longer one. */
	while (buf->len <= max) {
		ssize_t n = read(fd, chunk, MIN(sizeof(chunk), max + 1 - buf->len));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sysdir_path_error(d, rel, errno, err);
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
		g_autofree char *path = sysdir_path(d, rel);

		g_set_error(err, CAPTURE_ERROR, 0, "%s: longer than %" G_GSIZE_FORMAT " bytes, "
			    "more than the kernel prints there", path, max);
		return NULL;
	}
	if (len)
		*len = buf->len;
	return g_string_free(g_steal_pointer(&buf), FALSE);
}

/* A sysfs attribute: one line ending in "\n", returned without it. */
char *sysdir_read_attr(const struct sysdir *d, const char *rel, GError **err)
{
	gsize len;
	g_autofree char *text = sysdir_read(d, rel, SYSFS_ATTR_MAX, &len, err);

	if (!text)
		return NULL;
	if (len == 0 || text[len - 1] != '\n' || memchr(text, '\n', len - 1) ||
	    strlen(text) != len) {
		g_autofree char *path = sysdir_path(d, rel);

		g_set_error(err, CAPTURE_ERROR, 0, "%s: not a single line ending in a newline",
			    path);
		return NULL;
	}
	text[len - 1] = '\0';
	return g_steal_pointer(&text);
}

/* 1 if d/rel exists (a symlink counts as it is, not followed), 0 if not,
 * -1 with *err on any other failure. */
int sysdir_probe(const struct sysdir *d, const char *rel, GError **err)
{
	int fd = sysdir_openat(d, rel, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (errno == ENOENT)
		return 0;
	sysdir_path_error(d, rel, errno, err);
	return -1;
}

/* Opens the directory d/rel into out: 1, 0 when absent, -1 with *err. */
int sysdir_open_dir(const struct sysdir *d, const char *rel, struct sysdir *out, GError **err)
{
	int fd = sysdir_openat(d, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		sysdir_path_error(d, rel, errno, err);
		return -1;
	}
	out->fd = fd;
	out->path = sysdir_path(d, rel);
	out->rel = *d->rel ? g_build_filename(d->rel, rel, NULL) : g_strdup(rel);
	out->root_fd = d->root_fd;
	out->beneath = d->beneath;
	return 1;
}

/* Names in d (without "." and ".."), in readdir order. */
GPtrArray *sysdir_list(const struct sysdir *d, GError **err)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	int fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!dp) {
		capture_errno_error(err, errno);
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
		capture_errno_error(err, errno);
		g_prefix_error(err, "%s: ", d->path);
		closedir(dp);
		return NULL;
	}
	closedir(dp);
	return g_steal_pointer(&names);
}

/* Parses text that the kernel printed with fmt from one u64; false unless
 * printing the value back gives the same text. */
bool parse_u64_exact(const char *text, const char *fmt, int base, uint64_t *out)
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

gboolean capture_malformed(GError **err, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, CAPTURE_ERROR, 0, "%s: %s", path, msg);
	return FALSE;
}


bool sysdir_open_root(const char *sysroot, struct sysdir *out, GError **err)
{
	*out = (struct sysdir){ .fd = -1, .path = g_strdup(sysroot ? sysroot : "/"),
				.rel = g_strdup(""), .beneath = sysroot != NULL };
	out->fd = open(out->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (out->fd < 0) {
		capture_errno_error(err, errno);
		g_prefix_error(err, "%s: ", out->path);
		sysdir_close(out);
		return false;
	}
	out->root_fd = out->fd;
	return true;
}

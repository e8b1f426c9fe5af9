/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading procfs, sysfs and debugfs files of the running system or of a copy
 * under a sysroot (core/sysdir.c).  Functions that fail set *err to
 * "PATH: reason" in CAPTURE_ERROR.
 */
#ifndef HOTPLUGFS_SYSDIR_H
#define HOTPLUGFS_SYSDIR_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#define CAPTURE_ERROR (capture_error_quark())
GQuark capture_error_quark(void);

/*
 * A directory of the tree being captured: its fd, the path that messages
 * show, and how names below it are looked up.  With --sysroot, every lookup
 * starts at the sysroot (root_fd, rel) and stays beneath it: a symlink that
 * leads out (absolute, or too many "..") is refused, while symlinks inside
 * the tree (memoryN/nodeK -> ../../node/nodeK) resolve as usual.  A live
 * capture of / resolves names as the host does.
 */
struct sysdir {
	int fd;
	char *path;
	char *rel;                /* from the sysroot, "" for the sysroot itself */
	int root_fd;              /* the sysroot's fd (borrowed) */
	bool beneath;             /* --sysroot given: lookups stay beneath it */
};


/*
 * What an attribute may hold.  Every attribute read here is printed by
 * sysfs_emit() or into the page that sysfs_kf_seq_show() hands a show()
 * method, which never exceeds PAGE_SIZE (fs/sysfs/file.c, 6.12); 64 KiB is
 * the largest page size of the architectures a fixture can name (arm64 with
 * CONFIG_ARM64_64K_PAGES).
 */
#define SYSFS_ATTR_MAX ((gsize)64 * 1024)

/* The root: sysroot, or "/" (then names resolve as the host resolves them). */
bool sysdir_open_root(const char *sysroot, struct sysdir *out, GError **err);
void sysdir_close(struct sysdir *d);
char *sysdir_path(const struct sysdir *d, const char *rel);    /* for messages */
/* The regular file d/rel opened O_RDONLY (a FIFO or device is refused). */
int sysdir_open_file(const struct sysdir *d, const char *rel, GError **err);
/* The whole of d/rel, NUL-terminated, if a regular file of at most max bytes. */
char *sysdir_read(const struct sysdir *d, const char *rel, gsize max, gsize *len, GError **err);
/* A sysfs attribute: one line ending in "\n", returned without it. */
char *sysdir_read_attr(const struct sysdir *d, const char *rel, GError **err);
/* 1 if d/rel exists (a symlink is not followed), 0 if not, -1 with *err. */
int sysdir_probe(const struct sysdir *d, const char *rel, GError **err);
/* The directory d/rel into out: 1, 0 when absent, -1 with *err. */
int sysdir_open_dir(const struct sysdir *d, const char *rel, struct sysdir *out, GError **err);
/* Names in d without "." and "..", in readdir order. */
GPtrArray *sysdir_list(const struct sysdir *d, GError **err);
/* One u64 the kernel printed with fmt; false unless it prints back the same. */
bool parse_u64_exact(const char *text, const char *fmt, int base, uint64_t *out);
/* *err = "PATH: message"; returns FALSE. */
G_GNUC_PRINTF(3, 4) gboolean capture_malformed(GError **err, const char *path, const char *fmt, ...);
/* *err = strerror(errnum); returns FALSE. */
gboolean capture_errno_error(GError **err, int errnum);

#endif

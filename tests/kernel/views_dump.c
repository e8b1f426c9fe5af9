// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * views_dump ROOT: writes /proc/iomem and every file and symlink under
 * /sys/firmware/memmap and /sys/devices/system/memory, as found under ROOT
 * ("" for the kernel's own), to stdout as records
 *
 *     <kind> <path> <length>\n<length bytes>\n
 *
 * kind F: the file's bytes, read with read(2) until end of file; E: reading
 * it failed, the bytes are strerror(errno); L: a symlink, the bytes are its
 * target.  Paths are without ROOT.  Symlinks are not followed.  One process
 * for the whole tree: under TCG a fork per file costs seconds per view.
 * Built static by tests/kernel/live_test.py for the guest.
 */
#define _DEFAULT_SOURCE  /* lstat, readlink, PATH_MAX with -std=c11 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root;

static void record(char kind, const char *path, const char *bytes, size_t len)
{
	printf("%c %s %zu\n", kind, path, len);
	fwrite(bytes, 1, len, stdout);
	putchar('\n');
}

static void dump_file(const char *path)
{
	static char buf[1 << 20];
	char full[PATH_MAX];
	size_t len = 0;
	int fd;

	snprintf(full, sizeof(full), "%s%s", root, path);
	fd = open(full, O_RDONLY);
	if (fd < 0) {
		const char *e = strerror(errno);
		record('E', path, e, strlen(e));
		return;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			const char *e = strerror(errno);
			record('E', path, e, strlen(e));
			close(fd);
			return;
		}
		if (n == 0 || len + (size_t)n == sizeof(buf))
			break;
		len += (size_t)n;
	}
	close(fd);
	record('F', path, buf, len);
}

static void walk(const char *path, int depth)
{
	char full[PATH_MAX], sub[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;

	snprintf(full, sizeof(full), "%s%s", root, path);
	if (lstat(full, &st) != 0)
		return;
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(full, target, sizeof(target));

		record('L', path, target, n < 0 ? 0 : (size_t)n);
		return;
	}
	if (S_ISREG(st.st_mode)) {
		dump_file(path);
		return;
	}
	if (!S_ISDIR(st.st_mode) || depth == 0 || !(d = opendir(full)))
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		walk(sub, depth - 1);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: views_dump ROOT\n");
		return 1;
	}
	root = argv[1];
	walk("/proc/iomem", 0);
	walk("/sys/firmware/memmap", 2);              /* N/{start,end,type} */
	walk("/sys/devices/system/memory", 3);        /* memoryN/power/FILE */
	return fflush(stdout) ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hp_probe: what tests/kernel/differential.py needs in the guest, whose
 * initramfs has no C library (built static, like events_reader).
 *
 *   hp_probe dump ROOT
 *       ROOT/proc/iomem, every file and symlink under ROOT/sys/firmware/memmap
 *       and ROOT/sys/devices/system/memory (symlinks are not followed), one
 *       JSON object a line:
 *         {"p":"sys/.../state","t":"f","m":"0644","s":4096,"c":"online\n"}
 *         {"p":"sys/.../state","t":"f","m":"0200","s":4096,"e":13}   (open or read failed: errno)
 *         {"p":"sys/.../node0","t":"l","c":"../../node/node0"}
 *         {"p":"sys/.../power","t":"d","m":"0755"}
 *       ROOT is "/" for the kernel, a hotplugfs mount point for the simulator.
 *   hp_probe store PATH VALUE
 *       writes VALUE and a newline in one write(2), as `echo VALUE > PATH`
 *       does, and prints the errno (0: it worked).
 *
 * Exit 0 unless the arguments are wrong or ROOT cannot be walked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CONTENT (1 << 20)

static char content[MAX_CONTENT];

static void put_json_string(const char *s, size_t len)
{
	putchar('"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* The whole of PATH in content; -errno on failure. */
static long read_all(const char *path)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, content + len, sizeof(content) - len);

		if (n < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		if (n == 0 || len + (size_t)n == sizeof(content)) {
			len += (size_t)n;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	return (long)len;
}

static void dump_entry(const char *path, const char *rel);

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void dump_dir(const char *path, const char *rel)
{
	DIR *d = opendir(path);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;

	if (!d) {
		printf("{\"p\":");
		put_json_string(rel, strlen(rel));
		printf(",\"t\":\"d\",\"e\":%d}\n", errno);
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				exit(1);
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		char *p, *r;

		if (asprintf(&p, "%s/%s", path, names[i]) < 0 ||
		    asprintf(&r, "%s/%s", rel, names[i]) < 0)
			exit(1);
		dump_entry(p, r);
		free(p);
		free(r);
		free(names[i]);
	}
	free(names);
}

static void dump_entry(const char *path, const char *rel)
{
	struct stat st;

	printf("{\"p\":");
	put_json_string(rel, strlen(rel));
	if (lstat(path, &st) < 0) {
		printf(",\"t\":\"?\",\"e\":%d}\n", errno);
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlink(path, content, sizeof(content));

		printf(",\"t\":\"l\",\"c\":");
		put_json_string(content, n < 0 ? 0 : (size_t)n);
		printf("}\n");
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		printf(",\"t\":\"d\",\"m\":\"%04o\"}\n", st.st_mode & 07777);
		dump_dir(path, rel);
		return;
	}
	printf(",\"t\":\"f\",\"m\":\"%04o\",\"s\":%lld", st.st_mode & 07777, (long long)st.st_size);
	long len = read_all(path);

	if (len < 0) {
		printf(",\"e\":%ld}\n", -len);
		return;
	}
	printf(",\"c\":");
	put_json_string(content, (size_t)len);
	printf("}\n");
}

static int dump(const char *root)
{
	static const char *const tops[] = { "proc/iomem", "sys/firmware/memmap",
					    "sys/devices/system/memory" };

	for (size_t i = 0; i < sizeof(tops) / sizeof(tops[0]); i++) {
		char *p;

		if (asprintf(&p, "%s/%s", strcmp(root, "/") ? root : "", tops[i]) < 0)
			return 1;
		dump_entry(p, tops[i]);
		free(p);
	}
	return fflush(stdout) ? 1 : 0;
}

static int store(const char *path, const char *value)
{
	size_t len = strlen(value);
	char *buf = malloc(len + 2);
	int fd, err = 0;

	if (!buf)
		return 1;
	memcpy(buf, value, len);
	buf[len] = '\n';
	fd = open(path, O_WRONLY);
	if (fd < 0)
		err = errno;
	else if (write(fd, buf, len + 1) < 0)
		err = errno;
	if (fd >= 0 && close(fd) < 0 && !err)
		err = errno;
	free(buf);
	printf("%d\n", err);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "dump"))
		return dump(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "store"))
		return store(argv[2], argv[3]);
	fprintf(stderr, "usage: hp_probe dump ROOT | hp_probe store PATH VALUE\n");
	return 2;
}

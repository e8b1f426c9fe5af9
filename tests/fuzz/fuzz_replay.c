/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A main() for the fuzz targets when they are built without libFuzzer (gcc,
 * the normal and the sanitizer test runs): runs the target once on every
 * file named, or in a directory named, as libFuzzer runs a corpus with
 * -runs=0.  The inputs that once crashed (tests/fuzz/regress/TARGET/) stay
 * tests this way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

static unsigned run_file(const char *path)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *data = NULL;
	gsize len;

	if (!g_file_get_contents(path, &data, &len, &err)) {
		/* stdout: the targets silence stderr's FILE (fuzz_quiet()) */
		printf("%s\n", err->message);
		exit(1);
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	return 1;
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned run_path(const char *path)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDir) dir = NULL;
	const char *name;
	unsigned n = 0;

	if (!g_file_test(path, G_FILE_TEST_IS_DIR))
		return run_file(path);
	dir = g_dir_open(path, 0, NULL);
	while (dir && (name = g_dir_read_name(dir)))
		g_ptr_array_add(names, g_build_filename(path, name, NULL));
	g_ptr_array_sort(names, by_name);
	for (guint i = 0; i < names->len; i++)
		n += run_file(g_ptr_array_index(names, i));
	return n;
}

int main(int argc, char **argv)
{
	unsigned n = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		n += run_path(argv[i]);
	printf("%u inputs ran\n", n);
	return 0;
}

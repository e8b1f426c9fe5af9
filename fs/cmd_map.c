/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hotplugfs map FIXTURE [--step N] [-o FILE]: an SVG picture of the physical
 * address space, drawn from the files a mount would serve (/proc/iomem and
 * /sys/devices/system/memory, read through the tree as a tool reads them).
 * The machine is the fixture's after its scenario ops, or after the first N,
 * as `hotplugfs show` loads it; with --live, the running kernel's (the
 * module loaded), or a copy of its files with --sysroot.  Without -o, or with -o -, the SVG goes to
 * standard output; a file is replaced only once the picture is complete.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "commands.h"
#include "fixture.h"
#include "map_model.h"
#include "map_svg.h"

static int usage(void)
{
	fprintf(stderr, "usage: hotplugfs map FIXTURE [--step N] [-o FILE]\n"
		"       hotplugfs map --live [--sysroot DIR] [-o FILE]\n");
	return EXIT_USAGE;
}

/* "--step N" as `show` reads it: decimal digits only. */
static bool parse_step(const char *s, size_t *steps)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!g_ascii_isdigit(s[0]) || *end || errno)
		return false;
	*steps = (size_t)v;
	return true;
}

/* "qemu-vm-4g" for fixtures/qemu-vm-4g.json. */
static char *fixture_name(const char *file)
{
	g_autofree char *base = g_path_get_basename(file);

	if (g_str_has_suffix(base, ".json"))
		base[strlen(base) - 5] = '\0';
	return g_steal_pointer(&base);
}

/* The machine after the first n_steps ops of the fixture's scenario (all of
 * them for SIZE_MAX), and the note saying which step that is. */
static struct backend *load(const char *file, size_t n_steps, char **note)
{
	struct backend *b = load_backend_or_report(file, n_steps);
	g_autoptr(fixture) fx = b ? fixture_load(file, NULL) : NULL;

	if (fx && fixture_scenario_len(fx)) {
		size_t len = fixture_scenario_len(fx), done = MIN(n_steps, len);

		*note = done == len ? g_strdup_printf("after all %zu scenario ops", len) :
				      g_strdup_printf("after %zu of %zu scenario ops (--step %zu)",
						      done, len, done);
	}
	return b;
}

static int write_out(const char *file, const GString *svg)
{
	g_autoptr(GError) err = NULL;

	if (!file || strcmp(file, "-") == 0) {
		if (fwrite(svg->str, 1, svg->len, stdout) != svg->len || fflush(stdout)) {
			fprintf(stderr, "hotplugfs: standard output: %s\n", g_strerror(errno));
			return 1;
		}
		return 0;
	}
	if (!g_file_set_contents(file, svg->str, (gssize)svg->len, &err)) {
		fprintf(stderr, "hotplugfs: %s\n", err->message);
		return 1;
	}
	return 0;
}

int cmd_map(int argc, char **argv)
{
	g_autoptr(backend) b = NULL;
	g_autoptr(GError) err = NULL;
	g_autoptr(GString) svg = NULL;
	g_autofree char *note = NULL, *name = NULL, *title = NULL;
	const char *fixture = NULL, *out = NULL;
	size_t steps = SIZE_MAX;
	struct map_model model;
	struct live_options live = { 0 };
	bool is_live = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--live") == 0) {
			is_live = true;
		} else if (strcmp(argv[i], "--sysroot") == 0 && i + 1 < argc) {
			live.sysroot = argv[++i];
		} else if (strcmp(argv[i], "--step") == 0 && i + 1 < argc) {
			if (!parse_step(argv[++i], &steps))
				return usage();
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (!fixture && argv[i][0] != '-') {
			fixture = argv[i];
		} else {
			return usage();
		}
	}
	if (is_live ? fixture || steps != SIZE_MAX : !fixture || live.sysroot)
		return usage();
	b = is_live ? open_live_or_report(&live) : load(fixture, steps, &note);
	if (!b)
		return EXIT_USAGE;
	if (!map_model_read(b->model, &model, &err)) {
		fprintf(stderr, "hotplugfs: %s\n", err->message);
		return 1;
	}
	if (!model.has_iomem && !model.has_memory) {
		fprintf(stderr, "hotplugfs: this machine has neither /proc/iomem nor "
				"/sys/devices/system/memory\n");
		map_model_clear(&model);
		return 1;
	}
	name = is_live ? g_strdup(live.sysroot ? live.sysroot : "the running kernel")
		       : fixture_name(fixture);
	title = g_strdup_printf("Physical address map · %s", name);
	svg = g_string_new(NULL);
	map_svg_write(&model, title, note, svg);
	map_model_clear(&model);
	return write_out(out, svg);
}

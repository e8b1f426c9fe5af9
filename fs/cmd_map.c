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
#include "cli.h"
#include "commands.h"
#include "fixture.h"
#include "map_model.h"
#include "map_svg.h"


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
	g_autofree char *path = cli_find_fixture(file);
	g_autoptr(fixture) fx = b ? fixture_load(path, NULL) : NULL;

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
			return EXIT_RUNTIME;
		}
		return 0;
	}
	if (!g_file_set_contents(file, svg->str, (gssize)svg->len, &err)) {
		fprintf(stderr, "hotplugfs: %s\n", err->message);
		return EXIT_RUNTIME;
	}
	return 0;
}

int cmd_map(int argc, char **argv)
{
	g_autoptr(backend) b = NULL;
	g_autoptr(GError) err = NULL;
	g_autoptr(GString) svg = NULL;
	g_autofree char *note = NULL, *name = NULL, *title = NULL, *step = NULL, *out = NULL;
	g_autofree char *sysroot = NULL;
	gboolean is_live = FALSE;
	const GOptionEntry entries[] = {
		{ "step", 0, 0, G_OPTION_ARG_STRING, &step,
		  "The machine after the first N scenario ops, not all of them", "N" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		  "Write the SVG to FILE (replaced once complete; default: stdout)", "FILE" },
		{ "live", 0, 0, G_OPTION_ARG_NONE, &is_live,
		  "The running kernel instead of FIXTURE (hotplugfs_kmod loaded)", NULL },
		{ "sysroot", 0, 0, G_OPTION_ARG_FILENAME, &sysroot,
		  "With --live: a copy of the kernel's and the module's files under DIR", "DIR" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const struct cli_spec spec = {
		.name = "map", .params = "FIXTURE | --live",
		.summary = "Draw the physical address map of the machine FIXTURE describes as SVG,\n"
			   "from its /proc/iomem and /sys/devices/system/memory.",
		.entries = entries,
	};
	const char *fixture;
	size_t steps = SIZE_MAX;
	struct map_model model;
	struct live_options live = { 0 };
	int rc = cli_parse(&spec, &argc, &argv);

	if (rc >= 0)
		return rc;
	if (argc != (is_live ? 1 : 2))
		return cli_usage_error("map", is_live ? "--live takes no FIXTURE" : "expected FIXTURE");
	if (step && !parse_step(step, &steps))
		return cli_usage_error("map", "--step %s: not a number of steps", step);
	if (sysroot && !is_live)
		return cli_usage_error("map", "--sysroot goes with --live");
	live.sysroot = sysroot;
	fixture = is_live ? NULL : argv[1];
	b = is_live ? open_live_or_report(&live) : load(fixture, steps, &note);
	if (!b)
		return EXIT_USAGE;
	if (!map_model_read(b->model, &model, &err)) {
		fprintf(stderr, "hotplugfs: %s\n", err->message);
		return EXIT_RUNTIME;
	}
	if (!model.has_iomem && !model.has_memory) {
		fprintf(stderr, "hotplugfs: this machine has neither /proc/iomem nor "
				"/sys/devices/system/memory\n");
		map_model_clear(&model);
		return EXIT_REFUSED;
	}
	name = is_live ? g_strdup(sysroot ? sysroot : "the running kernel")
		       : fixture_name(fixture);
	title = g_strdup_printf("Physical address map · %s", name);
	svg = g_string_new(NULL);
	map_svg_write(&model, title, note, svg);
	map_model_clear(&model);
	return write_out(out, svg);
}

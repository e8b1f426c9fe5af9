/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hotplugfs capture: writes a literal-form fixture (docs/fixture-format.md)
 * of a running system, a copied tree, or (--live) a kernel with the
 * hotplugfs_kmod module loaded; core/capture.c reads the trees.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-c/json.h>

#include "capture.h"
#include "cli.h"
#include "commands.h"
#include "fixture.h"
#include "profile.h"
#include "sysdir.h"

struct capture_opts {
	char *sysroot;                /* NULL: a live capture of / */
	char *output;
	char *description;
	char *kernel;
	char *arch;
	gboolean live;                /* the module's files too */
};

static void capture_opts_clear(struct capture_opts *o)
{
	g_free(o->sysroot);
	g_free(o->output);
	g_free(o->description);
	g_free(o->kernel);
	g_free(o->arch);
}

static gboolean write_fixture(const char *text, const char *output, GError **err)
{
	if (output && strcmp(output, "-"))
		return g_file_set_contents(output, text, -1, err);
	if (fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
		capture_errno_error(err, errno);
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
		  "Kernel profile (default: the captured kernel's release)", "VER" },
		{ "arch", 0, 0, G_OPTION_ARG_STRING, &o->arch,
		  "x86_64, s390x or aarch64 (default: guessed)", "ARCH" },
		{ "live", 0, 0, G_OPTION_ARG_NONE, &o->live,
		  "Also read the hotplugfs_kmod module's files: resource flags and descriptors, "
		  "memory groups, memmap_on_memory, blocks that cannot go offline", NULL },
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

static void count_blocks(void *progress, uint64_t blocks)
{
	cli_progress_count(progress, blocks, "blocks");
}

int cmd_capture(int argc, char **argv)
{
	struct cli_progress *progress;
	struct capture_opts o = { 0 };
	g_autoptr(GError) err = NULL;
	g_autofree char *text = NULL;
	json_object *fx;
	int ret = parse_capture_args(argc, argv, &o);

	if (ret) {
		ret = ret < 0 ? 0 : ret;   /* -1: --version printed */
		goto out;
	}
	/* A million blocks take seconds: say how far it got (on a terminal). */
	progress = cli_progress_begin("capturing memory blocks");
	struct capture_request r = { o.sysroot, o.description, o.kernel, o.arch, o.live,
				     count_blocks, progress };
	fx = capture_fixture(&r, &err);
	cli_progress_end(progress);
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

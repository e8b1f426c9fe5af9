/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hotplugfs: one binary, subcommands in the style of ip(8) or git(1). */
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "cli.h"
#include "commands.h"
#include "config.h"
#include "namespace.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args, *help;
} commands[] = {
	{ "mount", cmd_mount, "[-f] [-o OPTIONS] [--control SOCKET] [--state FILE] FIXTURE MOUNTPOINT",
	  "serve a machine (foreground with -f)" },
	{ "run", cmd_run, "[--control SOCKET] [--kexec-safe] FIXTURE -- CMD [ARGS...]",
	  "run CMD with the machine bound over the real paths (root not needed)" },
	{ "exec", cmd_exec, "SOCKET -- CMD [ARGS...]",
	  "run CMD in the namespace of the `run` serving SOCKET" },
	{ "show", cmd_show, "[--json] [--step N] FIXTURE VIEW",
	  "print iomem, memmap, memory, node or steps without mounting" },
	{ "ctl", cmd_ctl, "SOCKET VERB [KEY=VALUE...]",
	  "drive a mounted machine through its control socket" },
	{ "map", cmd_map, "[--step N] [-o FILE] FIXTURE",
	  "draw the physical address map as SVG" },
	{ "capture", cmd_capture, "[--sysroot DIR] [-o FILE]",
	  "write a fixture from a live system or a copied tree" },
};

static int usage(FILE *to)
{
	fprintf(to, "Usage: hotplugfs COMMAND [OPTION...] ARGS...\n\n");
	for (unsigned i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(to, "  hotplugfs %s %s\n      %s\n", commands[i].name, commands[i].args,
			commands[i].help);
	fprintf(to, "\n"
		"Every command takes --help, --version and -d/--debug.  FIXTURE is a file, or\n"
		"the name of one in %s (qemu-vm-4g).\n"
		"Exit status: 0 ok, 1 refused, 2 usage or a bad fixture, 3 runtime error;\n"
		"run and exec return CMD's status.  See hotplugfs(1).\n", cli_fixtures_dir());
	return to == stdout ? 0 : EXIT_USAGE;
}

struct backend *load_backend_or_report(const char *file, size_t n_steps)
{
	g_autoptr(GError) err = NULL;
	g_autofree char *path = cli_find_fixture(file);
	g_autofree char *base = g_path_get_basename(path);
	g_autofree char *what = g_strdup_printf("booting %s", base);
	struct cli_progress *progress = cli_progress_begin(what);
	struct backend *b = sim_backend_load(path, n_steps, &err);

	cli_progress_end(progress);
	if (!b)
		fprintf(stderr, "%s\n", err->message);
	return b;
}

struct backend *open_live_or_report(const struct live_options *o)
{
	g_autoptr(GError) err = NULL;
	struct backend *b = live_backend_open(o, &err);

	if (!b)
		fprintf(stderr, "hotplugfs: --live: %s\n", err->message);
	return b;
}

/* mount.fuse3 runs "hotplugfs FIXTURE MOUNTPOINT -o OPTIONS" for a
 * hotplugfs#FIXTURE source or a fuse.hotplugfs type (util/mount.fuse.c). */
static bool mount_helper_form(int argc, char **argv)
{
	return argc >= 3 && argv[1][0] != '-' && g_file_test(argv[2], G_FILE_TEST_IS_DIR);
}

/* The subcommand is picked here by name (GOption has no subcommands); each
 * parses its own options with GOption (fs/cli.c). */
int main(int argc, char **argv)
{
	const char *self = argc > 0 ? strrchr(argv[0], '/') : NULL;

	setlocale(LC_ALL, "");
	/* `hotplugfs run` binds this binary over /sbin/modprobe: as modprobe
	 * it is the guard that keeps modules away from the host kernel. */
	self = self ? self + 1 : argc > 0 ? argv[0] : "";
	if (strcmp(self, "modprobe") == 0)
		return ns_modprobe_guard(argc, argv);
	/* mount(8) runs /sbin/mount.fuse.hotplugfs for -t fuse.hotplugfs. */
	if (g_str_has_prefix(self, "mount.fuse.hotplugfs") || strcmp(self, "mount.hotplugfs") == 0)
		return cmd_mount_helper(argc, argv);
	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return usage(stdout);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("hotplugfs %s\n", HOTPLUGFS_VERSION);
		return 0;
	}
	for (unsigned i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	if (mount_helper_form(argc, argv))
		return cmd_mount_helper(argc, argv);
	fprintf(stderr, "hotplugfs: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}

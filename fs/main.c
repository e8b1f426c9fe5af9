/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hotplugfs: one binary, subcommands in the style of ip(8) or git(1). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "commands.h"
#include "namespace.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args, *help;
} commands[] = {
	{ "mount", cmd_mount, "[-f] [--control SOCKET] FIXTURE MOUNTPOINT",
	  "serve a machine (foreground with -f)" },
	{ "run", cmd_run, "[--control SOCKET] [--kexec-safe] FIXTURE -- CMD [ARGS...]",
	  "run CMD with the machine bound over the real paths" },
	{ "show", cmd_show, "FIXTURE VIEW [--step N]",
	  "print iomem, memmap, memory or node without mounting" },
	{ "ctl", cmd_ctl, "SOCKET VERB [KEY=VALUE...]",
	  "drive a mounted machine through its control socket" },
	{ "map", cmd_map, "FIXTURE [--step N] [-o FILE]",
	  "draw the physical address map as SVG" },
	{ "capture", cmd_capture, "[--sysroot DIR] [-o FILE]",
	  "write a fixture from a live system or a copied tree" },
};

static int usage(FILE *to)
{
	fprintf(to, "usage: hotplugfs COMMAND ...\n\n");
	for (unsigned i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(to, "  hotplugfs %s %s\n      %s\n", commands[i].name, commands[i].args,
			commands[i].help);
	fprintf(to, "\nA bad fixture is reported as FILE: JSON-PATH: reason, with exit status 2.\n");
	return to == stdout ? 0 : EXIT_USAGE;
}

struct backend *load_backend_or_report(const char *file, size_t n_steps)
{
	g_autoptr(GError) err = NULL;
	struct backend *b = sim_backend_load(file, n_steps, &err);

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

int main(int argc, char **argv)
{
	const char *self = argc > 0 ? strrchr(argv[0], '/') : NULL;

	/* `hotplugfs run` binds this binary over /sbin/modprobe: as modprobe
	 * it is the guard that keeps modules away from the host kernel. */
	self = self ? self + 1 : argc > 0 ? argv[0] : "";
	if (strcmp(self, "modprobe") == 0)
		return ns_modprobe_guard(argc, argv);
	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return usage(stdout);
	for (unsigned i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "hotplugfs: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}

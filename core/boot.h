/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Booting a machine from a fixture (docs/fixture-format.md). */
#ifndef HOTPLUGFS_BOOT_H
#define HOTPLUGFS_BOOT_H

#include <glib.h>

struct machine;
struct fixture;

/* Builds the machine the way x86 boot does (setup_arch(): e820, memblock,
 * resources, zones, memory blocks), or from the literal (captured) form.
 * NULL with *err (FIXTURE_ERROR: "FILE: JSON-PATH: reason") on failure. */
struct machine *machine_boot(const struct fixture *fx, GError **err);

#endif

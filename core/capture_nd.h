/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The literal form's nd-region devices of a capture (docs/fixture-format.md,
 * "### devices"): what /sys/bus/nd says of each pmem range of /proc/iomem.
 */
#ifndef HOTPLUGFS_CAPTURE_ND_H
#define HOTPLUGFS_CAPTURE_ND_H

#include <glib.h>
#include <json-c/json.h>

#include "sysdir.h"

/* Adds "devices" to fixture (which has "iomem") for every nd region the
 * model can bind; 0 when the root has no /sys/bus/nd, 1, or -1 with *err. */
int capture_nd_regions(const struct sysdir *root, json_object *fixture, GError **err);

#endif

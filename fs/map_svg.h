/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The address map as an SVG picture: the resources of /proc/iomem as nested
 * bands, the memory blocks by state and zone, the nodes, holes, an address
 * axis in hex, a title and a legend.  Self-contained (no fonts, images or
 * scripts are fetched), well-formed XML, and the same model gives the same
 * bytes.  Every band carries data-* attributes with what it stands for (the
 * resource's range and depth, the blocks and their state, zone and nodes), so
 * that tests and scripts can read the picture back.
 */
#ifndef HOTPLUGFS_MAP_SVG_H
#define HOTPLUGFS_MAP_SVG_H

#include <glib.h>

#include "map_model.h"

/* Appends the picture to out.  title names the machine; note (may be NULL)
 * says more, e.g. which scenario step it shows. */
void map_svg_write(const struct map_model *model, const char *title, const char *note,
		   GString *out);

#endif

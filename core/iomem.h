/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/iomem rendering (kernel/resource.c r_show, 6.1 == 6.12). */
#ifndef HOTPLUGFS_IOMEM_H
#define HOTPLUGFS_IOMEM_H

#include <glib.h>
#include <stdbool.h>

#include "resource.h"

/*
 * Appends every resource below root, pre-order, one line each:
 * "%*s%0*llx-%0*llx : %s\n" with indent 2*min(depth,5), width 4 when
 * root->end < 0x10000 else 8, "<BAD>" for a NULL name.  Openers without
 * CAP_SYS_ADMIN (privileged == false) see 0 for start and end.
 */
void iomem_render(const struct resource *root, bool privileged, GString *out);

#endif

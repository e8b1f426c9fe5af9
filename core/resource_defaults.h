/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A resource in /proc/iomem shows only its name; its flags and descriptor
 * follow from the kernel code that creates resources of that name.  Fixtures
 * and captures name resources, and get these unless they say otherwise.
 */
#ifndef HOTPLUGFS_RESOURCE_DEFAULTS_H
#define HOTPLUGFS_RESOURCE_DEFAULTS_H

#include <stdint.h>

#include "resource.h"
#include "strtab.h"

/* IORES_DESC_* as fixtures spell them: "none", "crash_kernel", ... "cxl". */
DECLARE_STRING_TABLE_LOOKUP(iores_desc, enum iores_desc, IORES_DESC_CXL + 1);

void resource_default_flags(const char *name, uint32_t *flags, int *desc);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sizes the memory model is built from (include/linux/sizes.h, asm/page_types.h). */
#ifndef HOTPLUGFS_UNITS_H
#define HOTPLUGFS_UNITS_H

#include <stdint.h>

/* Every architecture modelled here runs with 4 KiB pages. */
#define PAGE_SHIFT 12
#define PAGE_SIZE (UINT64_C(1) << PAGE_SHIFT)

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

/* struct page is 64 bytes on every 64-bit architecture modelled here. */
#define STRUCT_PAGE_SIZE 64u

#define ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))

#endif

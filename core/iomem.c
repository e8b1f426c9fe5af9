/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/iomem and /proc/ioports as r_show() prints them (kernel/resource.c,
 * 6.1 == 6.12). */
#include "iomem.h"

#include <inttypes.h>

/* MAX_IORES_LEVEL in r_show(): deeper nodes are printed, only not indented more. */
enum { IOMEM_MAX_LEVEL = 5 };

void iomem_render(const struct resource *root, bool privileged, GString *out)
{
	/* r_show(): 4 digits for the I/O port space, 8 for memory; a minimum. */
	int width = root->end < 0x10000 ? 4 : 8;
	int depth = -1;

	for (const struct resource *r = resource_next(root, root, &depth); r;
	     r = resource_next(root, r, &depth)) {
		int level = MIN(depth, IOMEM_MAX_LEVEL);
		/* Since 4.6 openers without CAP_SYS_ADMIN read zeros (CVE-2015-8944). */
		uint64_t start = privileged ? r->start : 0;
		uint64_t end = privileged ? r->end : 0;

		g_string_append_printf(out, "%*s%0*" PRIx64 "-%0*" PRIx64 " : %s\n", level * 2, "",
				       width, start, width, end, r->name ? r->name : "<BAD>");
	}
}

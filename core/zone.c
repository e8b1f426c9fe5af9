/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "zone.h"

#include <string.h>

/* zone_names[] in mm/page_alloc.c */
static const char *const names[NR_ZONES] = {
	[ZONE_DMA] = "DMA", [ZONE_DMA32] = "DMA32", [ZONE_NORMAL] = "Normal",
	[ZONE_MOVABLE] = "Movable",
};

const char *zone_name(enum zone_type z)
{
	return z < NR_ZONES ? names[z] : "none";
}

bool zone_parse(const char *s, enum zone_type *out)
{
	for (int z = 0; z < NR_ZONES; z++) {
		if (strcmp(s, names[z]) == 0) {
			*out = (enum zone_type)z;
			return true;
		}
	}
	if (strcmp(s, "none") == 0) {
		*out = ZONE_NONE;
		return true;
	}
	return false;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "profile.h"

#include <stdio.h>
#include <string.h>

static const char *const arch_names[] = {
	[ARCH_X86_64] = "x86_64",
	[ARCH_S390X] = "s390x",
	[ARCH_AARCH64] = "aarch64",
};

bool profile_parse_kernel(const char *s, unsigned *out)
{
	unsigned maj, min;
	int end = 0;

	if (sscanf(s, "%u.%u%n", &maj, &min, &end) != 2 || s[end] != '\0' || maj < 4 ||
	    maj > 9 || min > 99)
		return false;
	*out = KERNEL(maj, min);
	return true;
}

bool profile_parse_arch(const char *s, enum arch *out)
{
	for (unsigned i = 0; i < sizeof(arch_names) / sizeof(arch_names[0]); i++) {
		if (strcmp(s, arch_names[i]) == 0) {
			*out = (enum arch)i;
			return true;
		}
	}
	return false;
}

const char *profile_arch_name(enum arch a)
{
	return arch_names[a];
}

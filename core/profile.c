/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "profile.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

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

const char *profile_physmem_limit_text(const struct profile *p)
{
	switch (p->arch) {
	case ARCH_X86_64:
		return p->la57 ? "MAX_PHYSMEM_BITS is 52 on x86_64 with la57"
			       : "MAX_PHYSMEM_BITS is 46 on x86_64 (52 with \"la57\": true)";
	case ARCH_S390X:
		return "MAX_PHYSMEM_BITS is 53 on s390x";
	case ARCH_AARCH64:
		return "MAX_PHYSMEM_BITS is 48 on aarch64";
	}
	return "MAX_PHYSMEM_BITS";
}

const char *profile_kernel_release(const struct profile *p)
{
	switch (p->kernel) {
	case KERNEL(6, 1): return "6.1.0-28-amd64";
	case KERNEL(6, 12): return "6.12.12-amd64";
	default: return NULL;
	}
}

void profile_dma_limits(const struct profile *p, uint64_t *dma_end, uint64_t *dma32_end)
{
	*dma_end = 16 * MiB;
	*dma32_end = 4 * GiB;
	if (p->arch == ARCH_S390X)
		*dma_end = *dma32_end = 2 * GiB;
	else if (p->arch == ARCH_AARCH64)
		*dma_end = *dma32_end = 4 * GiB;
}

unsigned profile_elf_machine(const struct profile *p)
{
	switch (p->arch) {
	case ARCH_S390X: return EM_S390;
	case ARCH_AARCH64: return EM_AARCH64;
	default: return EM_X86_64;
	}
}

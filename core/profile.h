/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel-version profile: the behaviours that differ between kernels (spec §7). */
#ifndef HOTPLUGFS_PROFILE_H
#define HOTPLUGFS_PROFILE_H

#include <stdbool.h>

enum arch { ARCH_X86_64, ARCH_S390X, ARCH_AARCH64 };

struct profile {
	unsigned kernel;              /* major * 100 + minor: 601, 612, ... */
	enum arch arch;
	bool memory_probe;            /* CONFIG_ARCH_MEMORY_PROBE: memory/probe exists */
	bool device_backed_vmemmap;   /* the never-merged RFC of seed 003 */
	bool pm_advanced_debug;       /* CONFIG_PM_ADVANCED_DEBUG: more power/ files */
};

#define KERNEL(maj, min) ((maj) * 100 + (min))

/* Parses "6.1", "6.12", "6.19" ... ; false when malformed. */
bool profile_parse_kernel(const char *s, unsigned *out);
bool profile_parse_arch(const char *s, enum arch *out);
const char *profile_arch_name(enum arch a);

/* /sys/devices/system/memory/crash_hotplug: CONFIG_CRASH_HOTPLUG, 6.5+, x86. */
static inline bool profile_has_crash_hotplug(const struct profile *p)
{
	return p->kernel >= KERNEL(6, 5) && p->arch == ARCH_X86_64;
}
/* memmap_on_memory reads Y/N/force since 6.6; a plain bool before. */
static inline bool profile_has_memmap_force(const struct profile *p)
{
	return p->kernel >= KERNEL(6, 6);
}
/* CONFIG_FIRMWARE_MEMMAP: only x86 calls firmware_map_add_early(). */
static inline bool profile_has_firmware_memmap(const struct profile *p)
{
	return p->arch == ARCH_X86_64;
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel-version profile: everything that differs between the kernels and
 * architectures hotplugfs models, each as a named helper, so that "what
 * changed between 6.1 and 6.19" is this one file.
 */
#ifndef HOTPLUGFS_PROFILE_H
#define HOTPLUGFS_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

enum arch { ARCH_X86_64, ARCH_S390X, ARCH_AARCH64 };

struct profile {
	unsigned kernel;              /* major * 100 + minor: 601, 612, ... */
	enum arch arch;
	bool la57;                    /* x86_64 with 5-level paging (the CPU's la57) */
	bool memory_probe;            /* CONFIG_ARCH_MEMORY_PROBE: memory/probe exists */
	bool device_backed_vmemmap;   /* the never-merged "Device Backed Vmemmap" RFC */
	bool pm_advanced_debug;       /* CONFIG_PM_ADVANCED_DEBUG: more power/ files */
};

#define KERNEL(maj, min) ((maj) * 100 + (min))

/* MAX_NUMNODES: Debian builds x86_64 with CONFIG_NODES_SHIFT=10. */
#define MAX_NUMNODES 1024
/* NR_NODE_MEMBLKS (include/linux/numa_memblks.h, 6.12): the NUMA ranges
 * numa_add_memblk() takes ("too many memblk ranges" beyond). */
#define NR_NODE_MEMBLKS (MAX_NUMNODES * 2)

/* The versions whose behaviour the profile helpers below model. */
#define PROFILE_KERNELS "6.1 to 6.19"
static inline bool profile_kernel_known(unsigned kernel)
{
	return kernel >= KERNEL(6, 1) && kernel <= KERNEL(6, 19);
}

/* Parses "6.1", "6.12", "6.19" ... ; false when malformed. */
bool profile_parse_kernel(const char *s, unsigned *out);
bool profile_parse_arch(const char *s, enum arch *out);
const char *profile_arch_name(enum arch a);
/* The uname -r a Debian kernel of this version reports (kexec's cmdline). */
const char *profile_kernel_release(const struct profile *p);

/* ---- architecture ------------------------------------------------------ */

/* SECTION_SIZE_BITS: 27 on x86_64 and arm64 (4K pages), 28 on s390. */
static inline uint64_t profile_section_size(const struct profile *p)
{
	return (uint64_t)(p->arch == ARCH_S390X ? 256 : 128) << 20;
}
/* MAX_PHYSMEM_BITS: x86_64 46 with 4-level paging, 52 with 5-level
 * (arch/x86/include/asm/sparsemem.h: pgtable_l5_enabled(), which Debian's
 * CONFIG_X86_5LEVEL turns on where the CPU has la57); s390 53; arm64 48. */
static inline unsigned profile_physmem_bits(const struct profile *p)
{
	if (p->arch == ARCH_X86_64)
		return p->la57 ? 52 : 46;
	return p->arch == ARCH_S390X ? 53 : 48;
}
/* PHYSMEM_END: the last byte memory can have.  RAM beyond it has no
 * sections (mminit_validate_memmodel_limits) and so no memory blocks. */
static inline uint64_t profile_physmem_end(const struct profile *p)
{
	return (UINT64_C(1) << profile_physmem_bits(p)) - 1;
}
/* "MAX_PHYSMEM_BITS is 46 on x86_64 ...": why an address is beyond it. */
const char *profile_physmem_limit_text(const struct profile *p);
/* mhp_get_pluggable_range(): the direct map's reach, PHYSMEM_END; the last byte. */
static inline uint64_t profile_pluggable_end(const struct profile *p)
{
	return profile_physmem_end(p);
}
/* COMMAND_LINE_SIZE, with its NUL: 2048 on x86 and arm64
 * (arch/x86/include/asm/setup.h), s390 CONFIG_COMMAND_LINE_SIZE 4096. */
static inline unsigned profile_command_line_size(const struct profile *p)
{
	return p->arch == ARCH_S390X ? 4096 : 2048;
}
/* The boot is the x86 e820 one: trim_bios_range(), probe_memory_block_size(). */
static inline bool profile_boots_from_e820(const struct profile *p)
{
	return p->arch == ARCH_X86_64;
}
/* s390 setup_resources() registers Kernel code, data and bss, no rodata. */
static inline bool profile_has_kernel_rodata_resource(const struct profile *p)
{
	return p->arch != ARCH_S390X;
}
/* CONFIG_FIRMWARE_MEMMAP: only x86 calls firmware_map_add_early(). */
static inline bool profile_has_firmware_memmap(const struct profile *p)
{
	return p->arch == ARCH_X86_64;
}
/* CONFIG_MEMORY_FAILURE: hard/soft_offline_page (Debian's x86_64 kernels). */
static inline bool profile_has_memory_failure(const struct profile *p)
{
	return p->arch == ARCH_X86_64;
}
/* ACPI memory devices, CXL and virtio-mem: not on s390. */
static inline bool profile_has_acpi_and_pci(const struct profile *p)
{
	return p->arch != ARCH_S390X;
}
/* Where ZONE_DMA and ZONE_DMA32 end: x86_64 MAX_DMA_PFN 16 MiB and
 * MAX_DMA32_PFN 4 GiB; s390 ZONE_DMA below 2 GiB; arm64 ZONE_DMA below 4 GiB
 * with an empty DMA32 (zone_dma_bits 32).  ZONE_NORMAL starts at dma32_end. */
void profile_dma_limits(const struct profile *p, uint64_t *dma_end, uint64_t *dma32_end);
/* e_machine of /proc/kcore. */
unsigned profile_elf_machine(const struct profile *p);

/* ---- kernel version ------------------------------------------------------ */

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
/* MEM_PREPARE_ONLINE/MEM_FINISH_OFFLINE and the altmap fields of struct
 * memory_notify: 6.8 (memmap_on_memory for s390) until 6.19 dropped them. */
static inline bool profile_has_prepare_online(const struct profile *p)
{
	return p->kernel >= KERNEL(6, 8) && p->kernel < KERNEL(6, 19);
}
/* The MEM_* actions as an enum (0, 1, 2 ...) instead of bit flags: 6.19,
 * and Debian's 6.12 (6.12.111+), which backported it. */
static inline bool profile_has_notifier_enum(const struct profile *p)
{
	return p->kernel == KERNEL(6, 12) || p->kernel >= KERNEL(6, 19);
}
/* memory_block_online() refuses a block with poisoned pages: 6.2+. */
static inline bool profile_checks_poison_on_online(const struct profile *p)
{
	return p->kernel >= KERNEL(6, 2);
}
/* memmap_on_memory for ranges of several blocks, and daxX.Y/memmap_on_memory: 6.8+. */
static inline bool profile_memmap_on_memory_per_block(const struct profile *p)
{
	return p->kernel >= KERNEL(6, 8);
}
/* s390 standby memory assigned in MEM_PREPARE_ONLINE (6.8 - 6.18). */
static inline bool profile_has_s390_standby_notifier(const struct profile *p)
{
	return p->arch == ARCH_S390X && profile_has_prepare_online(p);
}
/* Debian builds 6.12 with MEMORY_HOTPLUG_DEFAULT_ONLINE: auto_online_blocks
 * reads "online"; older ones "offline". */
static inline bool profile_onlines_by_default(const struct profile *p)
{
	return p->kernel >= KERNEL(6, 12);
}

#endif

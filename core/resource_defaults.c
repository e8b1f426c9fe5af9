/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The flags and descriptor a resource gets from the code that creates it,
 * by name (resource_defaults.h). */
#include "resource_defaults.h"

#include <glib.h>

#include "resource.h"

const char *const iores_desc_table[IORES_DESC_CXL + 1] = {
	[IORES_DESC_NONE] = "none",
	[IORES_DESC_CRASH_KERNEL] = "crash_kernel",
	[IORES_DESC_ACPI_TABLES] = "acpi_tables",
	[IORES_DESC_ACPI_NV_STORAGE] = "acpi_nv_storage",
	[IORES_DESC_PERSISTENT_MEMORY] = "persistent_memory",
	[IORES_DESC_PERSISTENT_MEMORY_LEGACY] = "persistent_memory_legacy",
	[IORES_DESC_DEVICE_PRIVATE_MEMORY] = "device_private_memory",
	[IORES_DESC_RESERVED] = "reserved",
	[IORES_DESC_SOFT_RESERVED] = "soft_reserved",
	[IORES_DESC_CXL] = "cxl",
};
DEFINE_STRING_TABLE_LOOKUP(iores_desc, enum iores_desc)

/*
 * What the kernel gives resources of a name: the drivers and setup code that
 * create them (arch/x86/kernel/e820.c e820__reserve_resources(), kernel/resource.c,
 * drivers/acpi, drivers/nvdimm, drivers/dax, drivers/cxl, 6.1 - 6.12).  Patterns: '#' is
 * one or more decimal digits, '%' one or more hex digits, a final '*' any
 * rest.  First match wins.
 *   System RAM, Kernel code/rodata/data/bss       SYSTEM_RAM|BUSY
 *   Crash kernel                                  SYSTEM_RAM|BUSY, CRASH_KERNEL
 *   System RAM (kmem), System RAM (virtio_mem)    SYSTEM_RAM|BUSY|DRIVER_MANAGED
 *   Reserved                                      MEM, RESERVED (boot makes <1M busy)
 *   ACPI Tables / ACPI Non-volatile Storage       MEM|BUSY, ACPI_TABLES / ACPI_NV_STORAGE
 *   Persistent Memory / (legacy), Soft Reserved   MEM, their desc (never busy)
 *   CXL Window N                                  MEM, CXL
 *   PCI Bus ...                                   MEM|WINDOW (root bridge _CRS)
 *   DDDD:BB:DD.F (a PCI BAR)                      MEM (busy once a driver claims it)
 *   pnp ...                                       MEM (pnp/system.c clears BUSY)
 *   virtioN                                       SYSTEM_RAM|EXCLUSIVE (virtio-mem)
 *   daxX.Y                                        SYSTEM_RAM (as dax/kmem rewrites it)
 *   namespaceX.Y, regionN, bttX.Y                 MEM|BUSY
 *   Video/Adapter/System ROM                      MEM|BUSY|READONLY (probe_roms)
 *   anything else (Unusable memory, RAM buffer,   MEM|BUSY
 *   Unknown E820 type, IOAPIC, HPET, ECAM ...)
 */
static const struct name_default {
	const char *pattern;
	uint32_t flags;
	int desc;
} name_defaults[] = {
	{ "System RAM", IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, IORES_DESC_NONE },
	{ "Kernel code", IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, IORES_DESC_NONE },
	{ "Kernel rodata", IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, IORES_DESC_NONE },
	{ "Kernel data", IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, IORES_DESC_NONE },
	{ "Kernel bss", IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, IORES_DESC_NONE },
	{ "Crash kernel", IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, IORES_DESC_CRASH_KERNEL },
	{ "System RAM (kmem)",
	  IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED,
	  IORES_DESC_NONE },
	{ "System RAM (virtio_mem)",
	  IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED,
	  IORES_DESC_NONE },
	{ "Reserved", IORESOURCE_MEM, IORES_DESC_RESERVED },
	{ "ACPI Tables", IORESOURCE_MEM | IORESOURCE_BUSY, IORES_DESC_ACPI_TABLES },
	{ "ACPI Non-volatile Storage", IORESOURCE_MEM | IORESOURCE_BUSY,
	  IORES_DESC_ACPI_NV_STORAGE },
	{ "Persistent Memory", IORESOURCE_MEM, IORES_DESC_PERSISTENT_MEMORY },
	{ "Persistent Memory (legacy)", IORESOURCE_MEM, IORES_DESC_PERSISTENT_MEMORY_LEGACY },
	{ "Soft Reserved", IORESOURCE_MEM, IORES_DESC_SOFT_RESERVED },
	{ "CXL Window *", IORESOURCE_MEM, IORES_DESC_CXL },
	{ "PCI Bus *", IORESOURCE_MEM | IORESOURCE_WINDOW, IORES_DESC_NONE },
	{ "pnp *", IORESOURCE_MEM, IORES_DESC_NONE },
	{ "%:%:%.%", IORESOURCE_MEM, IORES_DESC_NONE },
	{ "virtio#", IORESOURCE_SYSTEM_RAM | IORESOURCE_EXCLUSIVE, IORES_DESC_NONE },
	{ "dax#.#", IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE },
	{ "namespace#.#", IORESOURCE_MEM | IORESOURCE_BUSY, IORES_DESC_NONE },
	{ "region#", IORESOURCE_MEM | IORESOURCE_BUSY, IORES_DESC_NONE },
	{ "btt#.#", IORESOURCE_MEM | IORESOURCE_BUSY, IORES_DESC_NONE },
	{ "Video ROM", IORESOURCE_MEM | IORESOURCE_BUSY | IORESOURCE_READONLY, IORES_DESC_NONE },
	{ "Adapter ROM", IORESOURCE_MEM | IORESOURCE_BUSY | IORESOURCE_READONLY, IORES_DESC_NONE },
	{ "System ROM", IORESOURCE_MEM | IORESOURCE_BUSY | IORESOURCE_READONLY, IORES_DESC_NONE },
};

static bool name_matches(const char *p, const char *s)
{
	for (; *p; p++) {
		if (*p == '*')
			return true;
		if (*p == '#' || *p == '%') {
			const char *from = s;

			while (*p == '#' ? g_ascii_isdigit(*s) : g_ascii_isxdigit(*s))
				s++;
			if (s == from)
				return false;
			continue;
		}
		if (*p != *s++)
			return false;
	}
	return !*s;
}

void resource_default_flags(const char *name, uint32_t *flags, int *desc)
{
	for (size_t i = 0; i < G_N_ELEMENTS(name_defaults); i++) {
		if (name_matches(name_defaults[i].pattern, name)) {
			*flags = name_defaults[i].flags;
			*desc = name_defaults[i].desc;
			return;
		}
	}
	*flags = IORESOURCE_MEM | IORESOURCE_BUSY;
	*desc = IORES_DESC_NONE;
}

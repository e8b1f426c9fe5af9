/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Colours and words of the address map (map_style.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "map_style.h"

static const struct map_colour resource_colours[MAP_RES_KINDS] = {
	[MAP_RES_RAM] = { "#dff1d8", "#5aae61", "System RAM" },
	[MAP_RES_KERNEL] = { "#fbd3c3", "#d6604d", "kernel image, crash kernel" },
	[MAP_RES_DEVICE_MEMORY] = { "#e6dcf1", "#8c6bb1",
				    "persistent memory, CXL, dax, virtio-mem" },
	[MAP_RES_FIRMWARE] = { "#ece9e2", "#a39e93", "reserved, ACPI, ROM (firmware)" },
	[MAP_RES_PCI] = { "#dae6f2", "#4d7fb3", "PCI windows and devices" },
	[MAP_RES_OTHER] = { "#f3f4f6", "#8796a8", "other devices" },
};

/* Names as the kernel gives them (kernel/resource.c, arch/x86/kernel/e820.c,
 * drivers/nvdimm, drivers/dax, drivers/cxl, drivers/virtio/virtio_mem.c). */
static const struct {
	const char *prefix;
	enum map_resource_kind kind;
} name_kinds[] = {
	{ "System RAM", MAP_RES_RAM },
	{ "Kernel ", MAP_RES_KERNEL },
	{ "Crash kernel", MAP_RES_KERNEL },
	{ "Persistent Memory", MAP_RES_DEVICE_MEMORY },
	{ "namespace", MAP_RES_DEVICE_MEMORY },
	{ "region", MAP_RES_DEVICE_MEMORY },
	{ "dax", MAP_RES_DEVICE_MEMORY },
	{ "btt", MAP_RES_DEVICE_MEMORY },
	{ "pfn", MAP_RES_DEVICE_MEMORY },
	{ "CXL", MAP_RES_DEVICE_MEMORY },
	{ "Soft Reserved", MAP_RES_DEVICE_MEMORY },
	{ "Reserved", MAP_RES_FIRMWARE },
	{ "reserved", MAP_RES_FIRMWARE },
	{ "ACPI", MAP_RES_FIRMWARE },
	{ "Unknown E820 type", MAP_RES_FIRMWARE },
	{ "Unusable memory", MAP_RES_FIRMWARE },
	{ "Video ROM", MAP_RES_FIRMWARE },
	{ "Adapter ROM", MAP_RES_FIRMWARE },
	{ "System ROM", MAP_RES_FIRMWARE },
	{ "PCI ", MAP_RES_PCI },
};

/* "0000:00:02.0": a PCI device's BAR. */
static bool is_pci_address(const char *s)
{
	static const char shape[] = "hhhh:hh:hh.h";

	for (size_t i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'h' ? !g_ascii_isxdigit(s[i]) : s[i] != shape[i])
			return false;
	return true;
}

enum map_resource_kind map_resource_kind(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(name_kinds); i++)
		if (g_str_has_prefix(name, name_kinds[i].prefix))
			return name_kinds[i].kind;
	/* virtio-mem's device range is named after the device, "virtioN"
	 * (virtio_mem_create_resource(), drivers/virtio/virtio_mem.c), unlike
	 * virtio-pci's BARs ("virtio-pci-modern"). */
	if (g_str_has_prefix(name, "virtio") && g_ascii_isdigit(name[6]))
		return MAP_RES_DEVICE_MEMORY;
	if (is_pci_address(name))
		return MAP_RES_PCI;
	return MAP_RES_OTHER;
}

const struct map_colour *map_resource_colour(enum map_resource_kind kind)
{
	return &resource_colours[kind];
}

static const struct {
	const char *cls;
	struct map_colour colour;
} block_colours[] = {
	{ "DMA", { "#fdb462", "#c77a1e", "online, ZONE_DMA" } },
	{ "DMA32", { "#fbe27a", "#c2a12a", "online, ZONE_DMA32" } },
	{ "Normal", { "#8fd18a", "#3f8f3a", "online, ZONE_NORMAL" } },
	{ "Movable", { "#8cbfe3", "#2f6f9f", "online, ZONE_MOVABLE" } },
	{ "none", { "#c9c3b8", "#7d776c", "online, spans zones (valid_zones: none)" } },
	{ "going-offline", { "url(#going-offline)", "#c0392b", "going-offline" } },
	{ "offline", { "url(#offline)", "#8a8a8a", "offline" } },
};
static const struct map_colour other_zone = { "#d9d9d9", "#7a7a7a", NULL };

const char *map_block_class(const char *state, const char *zones)
{
	/* valid_zones names an online block's zone, or "none" when it spans
	 * zones; for any other state it lists the zones it could go to
	 * (valid_zones_show(), drivers/base/memory.c 6.12). */
	return strcmp(state, "online") == 0 ? zones : state;
}

unsigned map_block_class_rank(const char *cls)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(block_colours); i++)
		if (strcmp(cls, block_colours[i].cls) == 0)
			return i;
	return G_N_ELEMENTS(block_colours);
}

const struct map_colour *map_block_colour(const char *cls)
{
	unsigned i = map_block_class_rank(cls);

	return i < G_N_ELEMENTS(block_colours) ? &block_colours[i].colour : &other_zone;
}

static const struct map_colour node_colours[] = {
	{ "#c5b8dc", "#6f5a99", NULL }, { "#f6cf9f", "#b9782d", NULL },
	{ "#a8dbd1", "#3c8c7d", NULL }, { "#f4b6c2", "#b4536a", NULL },
	{ "#cfe09d", "#7a8f32", NULL }, { "#b4cdef", "#4a73ad", NULL },
	{ "#e3c9a8", "#8f6a3f", NULL }, { "#d5d5d5", "#7a7a7a", NULL },
};
static const struct map_colour several_nodes = { "url(#several-nodes)", "#666666", NULL };

const struct map_colour *map_node_colour(const char *nodes)
{
	if (strchr(nodes, ','))
		return &several_nodes;
	return &node_colours[strtoul(nodes, NULL, 10) % G_N_ELEMENTS(node_colours)];
}

void map_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned u = 0;
	double v;

	while (u + 1 < G_N_ELEMENTS(units) && bytes >> (10 * (u + 1)))
		u++;
	if (!(bytes & ((UINT64_C(1) << (10 * u)) - 1))) {
		snprintf(buf, len, "%" G_GUINT64_FORMAT " %s", bytes >> (10 * u), units[u]);
		return;
	}
	v = (double)bytes / (double)(UINT64_C(1) << (10 * u));
	if (v >= 1023.5 && u + 1 < G_N_ELEMENTS(units)) {
		v /= 1024;                            /* not "1024 KiB" */
		u++;
	}
	snprintf(buf, len, "%.*f %s", v < 10 ? 2 : v < 100 ? 1 : 0, v, units[u]);
}

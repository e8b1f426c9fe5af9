/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How the address map looks: the colour of a resource (by what its name says
 * it is), of a memory block (by state, and by zone once online) and of a node,
 * and sizes in words.  Colours are ColorBrewer-like pastels that black text
 * stays readable on.
 */
#ifndef HOTPLUGFS_MAP_STYLE_H
#define HOTPLUGFS_MAP_STYLE_H

#include <stddef.h>
#include <stdint.h>

struct map_colour {
	const char *fill, *stroke;
	const char *legend;           /* what it stands for */
};

enum map_resource_kind {
	MAP_RES_RAM, MAP_RES_KERNEL, MAP_RES_DEVICE_MEMORY, MAP_RES_FIRMWARE, MAP_RES_PCI,
	MAP_RES_OTHER, MAP_RES_KINDS
};

enum map_resource_kind map_resource_kind(const char *name);
const struct map_colour *map_resource_colour(enum map_resource_kind kind);

/* A memory block's class: "going-offline", "offline", or the zone of an
 * online block ("DMA", "Normal", "none" ...). */
const char *map_block_class(const char *state, const char *zones);
const struct map_colour *map_block_colour(const char *cls);
/* The legend's order of the block classes it knows; others sort last. */
unsigned map_block_class_rank(const char *cls);

/* "0" -> a colour of its own; "0,1" (a block linked to two nodes) -> grey. */
const struct map_colour *map_node_colour(const char *nodes);

/* "640 KiB", "2 GiB", "55.5 TiB": three significant digits unless exact. */
void map_format_size(uint64_t bytes, char *buf, size_t len);

#endif

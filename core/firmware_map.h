/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /sys/firmware/memmap (drivers/firmware/memmap.c, 6.1 == 6.12): entries
 * numbered by a counter that is never reused, in creation order.
 */
#ifndef HOTPLUGFS_FIRMWARE_MAP_H
#define HOTPLUGFS_FIRMWARE_MAP_H

#include <glib.h>
#include <stdint.h>

struct firmware_map_entry {
	uint64_t start, end;      /* end inclusive, as the sysfs file prints it */
	const char *type;         /* e820_type_to_string(); not owned */
	unsigned nr;              /* directory name */
};

struct firmware_map {
	GArray *entries;          /* struct firmware_map_entry, ascending nr */
	unsigned next_nr;         /* map_entries_nr */
};

void firmware_map_init(struct firmware_map *map);
void firmware_map_clear(struct firmware_map *map);
/* Boot entries: appended in call order (the caller passes them sorted). */
void firmware_map_add_early(struct firmware_map *map, uint64_t start, uint64_t end_excl,
			    const char *type);
/* A captured entry with its own number; later numbers continue after it. */
void firmware_map_add_numbered(struct firmware_map *map, unsigned nr, uint64_t start,
			       uint64_t end, const char *type);
/* firmware_map_add_hotplug(): an identical (start, end, type) entry makes it a no-op. */
int firmware_map_add_hotplug(struct firmware_map *map, uint64_t start, uint64_t end_excl,
			     const char *type);
/* firmware_map_remove(): exact tuple match, else -EINVAL. */
int firmware_map_remove(struct firmware_map *map, uint64_t start, uint64_t end_excl,
			const char *type);
/* Lookup by directory number; NULL if absent.  Index is the entries[] index. */
const struct firmware_map_entry *firmware_map_find(const struct firmware_map *map, unsigned nr);
static inline guint firmware_map_len(const struct firmware_map *map)
{
	return map->entries->len;
}
static inline const struct firmware_map_entry *firmware_map_at(const struct firmware_map *map,
							       guint i)
{
	return &g_array_index(map->entries, struct firmware_map_entry, i);
}

#endif

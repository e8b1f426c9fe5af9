/* SPDX-License-Identifier: GPL-2.0-or-later */
/* drivers/firmware/memmap.c (6.1 == 6.12) */
#include "firmware_map.h"

#include <errno.h>
#include <string.h>

void firmware_map_init(struct firmware_map *map)
{
	map->entries = g_array_new(FALSE, FALSE, sizeof(struct firmware_map_entry));
	map->next_nr = 0;
}

void firmware_map_clear(struct firmware_map *map)
{
	if (map->entries)
		g_array_free(map->entries, TRUE);
	map->entries = NULL;
}

/* Every sysfs creation takes the next number of map_entries_nr: never reused. */
static void append(struct firmware_map *map, uint64_t start, uint64_t end_excl, const char *type)
{
	struct firmware_map_entry e = {
		.start = start, .end = end_excl - 1, .type = type, .nr = map->next_nr++,
	};

	g_array_append_val(map->entries, e);
}

void firmware_map_add_early(struct firmware_map *map, uint64_t start, uint64_t end_excl,
			    const char *type)
{
	append(map, start, end_excl, type);
}

void firmware_map_add_numbered(struct firmware_map *map, unsigned nr, uint64_t start,
			       uint64_t end, const char *type)
{
	struct firmware_map_entry e = { .start = start, .end = end, .type = type, .nr = nr };

	g_array_append_val(map->entries, e);
	if (nr >= map->next_nr)
		map->next_nr = nr + 1;
}

static gint find_tuple(const struct firmware_map *map, uint64_t start, uint64_t end_excl,
		       const char *type)
{
	for (guint i = 0; i < map->entries->len; i++) {
		const struct firmware_map_entry *e = firmware_map_at(map, i);

		if (e->start == start && e->end == end_excl - 1 && strcmp(e->type, type) == 0)
			return (gint)i;
	}
	return -1;
}

/* firmware_map_add_hotplug(): an identical entry already present is success. */
int firmware_map_add_hotplug(struct firmware_map *map, uint64_t start, uint64_t end_excl,
			     const char *type)
{
	if (find_tuple(map, start, end_excl, type) < 0)
		append(map, start, end_excl, type);
	return 0;
}

/* firmware_map_remove(): only an exact (start, end, type) match goes. */
int firmware_map_remove(struct firmware_map *map, uint64_t start, uint64_t end_excl,
			const char *type)
{
	gint i = find_tuple(map, start, end_excl, type);

	if (i < 0)
		return -EINVAL;
	g_array_remove_index(map->entries, (guint)i);
	return 0;
}

const struct firmware_map_entry *firmware_map_find(const struct firmware_map *map, unsigned nr)
{
	guint lo = 0, hi = map->entries->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;
		const struct firmware_map_entry *e = firmware_map_at(map, mid);

		if (e->nr == nr)
			return e;
		if (e->nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

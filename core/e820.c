/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "e820.h"

#include <string.h>

#include "resource.h"
#include "size.h"

/* arch/x86/kernel/e820.c, 6.1 == 6.12 */
const char *e820_type_to_string(uint32_t type)
{
	switch (type) {
	case E820_TYPE_RAM:
	case E820_TYPE_RESERVED_KERN: return "System RAM";
	case E820_TYPE_RESERVED: return "Reserved";
	case E820_TYPE_ACPI: return "ACPI Tables";
	case E820_TYPE_NVS: return "ACPI Non-volatile Storage";
	case E820_TYPE_UNUSABLE: return "Unusable memory";
	case E820_TYPE_PMEM: return "Persistent Memory";
	case E820_TYPE_PRAM: return "Persistent Memory (legacy)";
	case E820_TYPE_SOFT_RESERVED: return "Soft Reserved";
	default: return "Unknown E820 type";
	}
}

static int by_addr(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void e820_sanitize(GArray *table)
{
	g_autoptr(GArray) points = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(struct e820_entry));

	for (guint i = 0; i < table->len; i++) {
		const struct e820_entry *e = &g_array_index(table, struct e820_entry, i);
		uint64_t end = e->addr + e->size;

		if (!e->size)
			continue;
		g_array_append_val(points, e->addr);
		g_array_append_val(points, end);
	}
	g_array_sort(points, by_addr);
	for (guint p = 0; p + 1 < points->len; p++) {
		uint64_t lo = g_array_index(points, uint64_t, p);
		uint64_t hi = g_array_index(points, uint64_t, p + 1);
		uint32_t type = 0;

		if (lo == hi)
			continue;
		for (guint i = 0; i < table->len; i++) {
			const struct e820_entry *e = &g_array_index(table, struct e820_entry, i);

			if (e->size && e->addr <= lo && e->addr + e->size >= hi && e->type > type)
				type = e->type;
		}
		if (!type)
			continue;
		struct e820_entry *last = out->len ?
			&g_array_index(out, struct e820_entry, out->len - 1) : NULL;

		if (last && last->type == type && last->addr + last->size == lo) {
			last->size += hi - lo;
		} else {
			struct e820_entry e = { .addr = lo, .size = hi - lo, .type = type };

			g_array_append_val(out, e);
		}
	}
	g_array_set_size(table, 0);
	g_array_append_vals(table, out->data, out->len);
}

void e820_remove_type(GArray *table, uint64_t addr, uint64_t size, uint32_t old_type)
{
	uint64_t end = addr + size;

	for (guint i = 0; i < table->len; i++) {
		struct e820_entry *e = &g_array_index(table, struct e820_entry, i);
		uint64_t e_end = e->addr + e->size;

		if (e->type != old_type || e_end <= addr || e->addr >= end)
			continue;
		if (e->addr < addr && e_end > end) {
			struct e820_entry tail = { .addr = end, .size = e_end - end, .type = e->type };

			e->size = addr - e->addr;
			g_array_append_val(table, tail);
		} else if (e->addr < addr) {
			e->size = addr - e->addr;
		} else if (e_end > end) {
			e->size = e_end - end;
			e->addr = end;
		} else {
			e->size = 0;
		}
	}
	e820_sanitize(table);
}

/* parse_memmap_one(), arch/x86/kernel/e820.c */
bool e820_apply_memmap(GArray *table, const char *spec)
{
	static const struct { char sep; uint32_t type; } seps[] = {
		{ '@', E820_TYPE_RAM }, { '#', E820_TYPE_ACPI },
		{ '$', E820_TYPE_RESERVED }, { '!', E820_TYPE_PRAM },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(seps); i++) {
		const char *at = strchr(spec, seps[i].sep);
		g_autofree char *size_s = NULL;
		struct e820_entry e = { .type = seps[i].type };

		if (!at)
			continue;
		size_s = g_strndup(spec, (gsize)(at - spec));
		if (!parse_size(size_s, &e.size) || !parse_size(at + 1, &e.addr) || !e.size)
			return false;
		/* '$' first removes RAM, then adds the reserved range. */
		if (seps[i].sep == '$')
			e820_remove_type(table, e.addr, e.size, E820_TYPE_RAM);
		g_array_append_val(table, e);
		e820_sanitize(table);
		return true;
	}
	return false;
}

uint32_t e820_iomem_flags(uint32_t type)
{
	switch (type) {
	case E820_TYPE_RESERVED_KERN:
	case E820_TYPE_RAM:
		return IORESOURCE_SYSTEM_RAM;
	default:
		return IORESOURCE_MEM;
	}
}

int e820_iores_desc(uint32_t type)
{
	switch (type) {
	case E820_TYPE_ACPI: return IORES_DESC_ACPI_TABLES;
	case E820_TYPE_NVS: return IORES_DESC_ACPI_NV_STORAGE;
	case E820_TYPE_PMEM: return IORES_DESC_PERSISTENT_MEMORY;
	case E820_TYPE_PRAM: return IORES_DESC_PERSISTENT_MEMORY_LEGACY;
	case E820_TYPE_RESERVED: return IORES_DESC_RESERVED;
	case E820_TYPE_SOFT_RESERVED: return IORES_DESC_SOFT_RESERVED;
	default: return IORES_DESC_NONE;
	}
}

/* do_mark_busy(): the legacy first megabyte is always busy; reserved and
 * persistent ranges are left for drivers (and e820__reserve_resources_late). */
bool e820_do_mark_busy(uint32_t type, uint64_t start)
{
	if (start < (1ull << 20))
		return true;
	switch (type) {
	case E820_TYPE_RESERVED:
	case E820_TYPE_SOFT_RESERVED:
	case E820_TYPE_PRAM:
	case E820_TYPE_PMEM:
		return false;
	default:
		return true;
	}
}

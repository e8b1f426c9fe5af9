/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "e820.h"

#include <stdlib.h>
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

uint64_t e820_sanitize_steps;

/* A boundary of an entry: where it starts or where it ends (exclusive). */
struct edge {
	uint64_t addr;
	guint entry;
	bool start;
};

static int by_addr(const void *a, const void *b)
{
	uint64_t x = ((const struct edge *)a)->addr, y = ((const struct edge *)b)->addr;

	e820_sanitize_steps++;
	return x < y ? -1 : x > y;
}

/* A max-heap of entry indexes by type, with lazy removal: an entry that has
 * ended stays until it reaches the top. */
struct type_heap {
	guint *v;
	guint n;
	const struct e820_entry *entries;
};

static uint32_t heap_type(const struct type_heap *h, guint i)
{
	return h->entries[h->v[i]].type;
}

static void heap_swap(struct type_heap *h, guint i, guint j)
{
	guint t = h->v[i];

	h->v[i] = h->v[j];
	h->v[j] = t;
	e820_sanitize_steps++;
}

static void heap_push(struct type_heap *h, guint entry)
{
	guint i = h->n++;

	h->v[i] = entry;
	while (i && heap_type(h, (i - 1) / 2) < heap_type(h, i)) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_pop(struct type_heap *h)
{
	guint i = 0;

	h->v[0] = h->v[--h->n];
	for (;;) {
		guint l = 2 * i + 1, r = l + 1, top = i;

		if (l < h->n && heap_type(h, l) > heap_type(h, top))
			top = l;
		if (r < h->n && heap_type(h, r) > heap_type(h, top))
			top = r;
		if (top == i)
			return;
		heap_swap(h, i, top);
		i = top;
	}
}

/*
 * Sweeps the entries' boundaries in address order, keeping the entries that
 * cover the current point in a heap: between two boundaries the type is the
 * largest covering one.  Entries of type 0 never win (and are dropped), as
 * an empty range is.
 */
void e820_sanitize(GArray *table)
{
	const struct e820_entry *entries = (const struct e820_entry *)table->data;
	g_autoptr(GArray) out = g_array_new(FALSE, FALSE, sizeof(struct e820_entry));
	g_autofree struct edge *edges = g_new(struct edge, 2 * (gsize)table->len + 1);
	g_autofree bool *covering = g_new0(bool, table->len + 1);
	struct type_heap heap = { .v = g_new(guint, table->len + 1), .entries = entries };
	guint n = 0;

	for (guint i = 0; i < table->len; i++) {
		/* Empty, typeless or wrapping past 2^64: covers nothing. */
		if (!entries[i].size || !entries[i].type ||
		    entries[i].addr + entries[i].size < entries[i].addr)
			continue;
		edges[n++] = (struct edge){ .addr = entries[i].addr, .entry = i, .start = true };
		edges[n++] = (struct edge){ .addr = entries[i].addr + entries[i].size, .entry = i };
	}
	qsort(edges, n, sizeof(*edges), by_addr);
	for (guint p = 0; p < n;) {
		uint64_t lo = edges[p].addr, hi;
		uint32_t type = 0;

		/* Every boundary at lo, then the largest type still covering. */
		for (; p < n && edges[p].addr == lo; p++) {
			e820_sanitize_steps++;
			covering[edges[p].entry] = edges[p].start;
			if (edges[p].start)
				heap_push(&heap, edges[p].entry);
		}
		while (heap.n && !covering[heap.v[0]])
			heap_pop(&heap);
		if (p == n)
			break;
		hi = edges[p].addr;
		if (heap.n)
			type = heap_type(&heap, 0);
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
	g_free(heap.v);
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

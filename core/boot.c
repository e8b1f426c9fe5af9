/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Booting a fixture: the boot form replays what x86 setup_arch() and the
 * early drivers do to iomem, the firmware map and the memory blocks; the
 * literal form links a captured tree as it was.
 */
#include "boot.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "device.h"
#include "e820.h"
#include "fixture.h"
#include "kexec.h"
#include "units.h"
#include "zone.h"

G_GNUC_PRINTF(4, 5)
static void fail(GError **err, const struct fixture *fx, const char *path, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *reason = NULL;

	va_start(ap, fmt);
	reason = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, FIXTURE_ERROR, FIXTURE_ERROR_INVALID, "%s: %s: %s", fx->file,
		    path ? path : "$", reason);
}

/* probe_memory_block_size(), arch/x86/mm/init_64.c (6.1 == 6.12) */
static uint64_t x86_block_size(uint64_t boot_mem_end, bool hypervisor)
{
	uint64_t bz;

	if (boot_mem_end < 64 * GiB)
		return 128 * MiB;
	if (!hypervisor)
		return 2 * GiB;
	for (bz = 2 * GiB; bz > 128 * MiB; bz >>= 1)
		if (!(boot_mem_end & (bz - 1)))
			break;
	return bz;
}

static GArray *copy_e820(const struct fixture *fx)
{
	GArray *t = g_array_new(FALSE, FALSE, sizeof(struct e820_entry));

	for (guint i = 0; i < fx->e820->len; i++) {
		const struct fx_e820 *f = &g_array_index(fx->e820, struct fx_e820, i);
		struct e820_entry e = { .addr = f->start, .size = f->size, .type = f->type };

		g_array_append_val(t, e);
	}
	e820_sanitize(t);
	return t;
}

/* trim_bios_range(), arch/x86/kernel/setup.c: the first page becomes
 * Reserved and the BIOS area 640K-1M is never RAM.  The firmware table was
 * copied before, so /sys/firmware/memmap still shows the BIOS's view. */
static void trim_bios_range(GArray *t)
{
	for (guint i = 0; i < t->len; i++) {
		const struct e820_entry *e = &g_array_index(t, struct e820_entry, i);

		if (e->type == E820_TYPE_RAM && e->addr < PAGE_SIZE) {
			struct e820_entry first = { .addr = 0, .size = PAGE_SIZE,
						    .type = E820_TYPE_RESERVED };

			e820_remove_type(t, 0, PAGE_SIZE, E820_TYPE_RAM);
			g_array_append_val(t, first);
			break;
		}
	}
	e820_remove_type(t, 0xa0000, 0x100000 - 0xa0000, E820_TYPE_RAM);
}

/* A memmap= edit must leave a table the kernel could hold: no more than
 * E820_MAX_ENTRIES entries (__e820__range_add: "too many entries"), and no
 * RAM beyond MAX_PHYSMEM_BITS (the firmware's was checked when parsed). */
static bool check_edited(GArray *t, const struct fixture *fx, const char *path, GError **err)
{
	uint64_t end = profile_physmem_end(&fx->profile);

	if (t->len > E820_MAX_ENTRIES) {
		fail(err, fx, path, "the kernel's e820 table would hold more than E820_MAX_ENTRIES "
		     "(%d) entries", E820_MAX_ENTRIES);
		return false;
	}
	for (guint i = 0; i < t->len; i++) {
		const struct e820_entry *e = &g_array_index(t, struct e820_entry, i);

		if ((e->type == E820_TYPE_RAM || e->type == E820_TYPE_RESERVED_KERN) &&
		    e->addr + e->size - 1 > end) {
			fail(err, fx, path, "RAM 0x%" PRIx64 "-0x%" PRIx64 " ends above 0x%" PRIx64
			     ": %s", e->addr, e->addr + e->size - 1, end,
			     profile_physmem_limit_text(&fx->profile));
			return false;
		}
	}
	return true;
}

/* The kernel's e820_table: the firmware's, edited by memmap= and mem=. */
static GArray *kernel_e820(const struct fixture *fx, GError **err)
{
	GArray *t = copy_e820(fx);

	for (guint i = 0; fx->memmap && i < fx->memmap->len; i++) {
		g_autofree char *path = g_strdup_printf("$.memmap[%u]", i);

		if (!e820_apply_memmap(t, g_ptr_array_index(fx->memmap, i))) {
			fail(err, fx, path, "not SIZE{@,#,$,!}START");
			g_array_free(t, TRUE);
			return NULL;
		}
		if (!check_edited(t, fx, path, err)) {
			g_array_free(t, TRUE);
			return NULL;
		}
	}
	if (fx->mem_limit)
		e820_remove_type(t, fx->mem_limit, UINT64_MAX - fx->mem_limit, E820_TYPE_RAM);
	if (profile_boots_from_e820(&fx->profile))
		trim_bios_range(t);
	return t;
}

/* memblock.memory: RAM entries trimmed to whole pages. */
static void add_present_ram(struct machine *m, GArray *t)
{
	for (guint i = 0; i < t->len; i++) {
		const struct e820_entry *e = &g_array_index(t, struct e820_entry, i);
		struct mem_range r = {
			.start = (e->addr + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
			.end = ((e->addr + e->size) & ~(PAGE_SIZE - 1)) - 1,
		};

		if ((e->type == E820_TYPE_RAM || e->type == E820_TYPE_RESERVED_KERN) &&
		    r.end >= r.start && r.end != UINT64_MAX)
			g_array_append_val(m->present, r);
	}
}

static uint64_t present_end(const struct machine *m)
{
	if (!m->present->len)
		return 0;
	return g_array_index(m->present, struct mem_range, m->present->len - 1).end + 1;
}

static void setup_numa(struct machine *m, const struct fixture *fx)
{
	for (guint i = 0; fx->numa && i < fx->numa->len; i++) {
		const struct fx_numa *n = &g_array_index(fx->numa, struct fx_numa, i);
		struct numa_range r = { .start = n->start, .end = n->end, .nid = n->nid };
		guint at = 0;

		while (at < m->numa->len && g_array_index(m->numa, struct numa_range, at).start < r.start)
			at++;
		g_array_insert_val(m->numa, at, r);
		g_array_append_val(m->possible_nodes, n->nid);
		machine_node_add(m, n->nid);
	}
	if (!m->nodes->len)
		machine_node_add(m, 0);
}

static bool insert_or_fail(struct machine *m, struct resource *r, const struct fixture *fx,
			   const char *path, GError **err)
{
	struct resource *conflict = insert_resource_conflict(&m->iomem, r);

	if (!conflict)
		return true;
	fail(err, fx, path,
	     "%s [0x%" G_GINT64_MODIFIER "x-0x%" G_GINT64_MODIFIER "x] overlaps %s [0x%"
	     G_GINT64_MODIFIER "x-0x%" G_GINT64_MODIFIER "x] and the two cannot nest",
	     r->name, r->start, r->end, conflict->name ? conflict->name : "<BAD>",
	     conflict->start, conflict->end);
	resource_free(r);
	return false;
}

/* Kernel image resources: inserted first in setup_arch(), so System RAM
 * later adopts them as children. */
static bool add_kernel_image(struct machine *m, const struct fixture *fx, GError **err)
{
	static const struct { const char *name, *key; struct fx_range def; } parts[] = {
		{ "Kernel code", "code", { 0x1000000, 0x1e01826 } },
		{ "Kernel rodata", "rodata", { 0x2000000, 0x265dfff } },
		{ "Kernel data", "data", { 0x2800000, 0x2b3c27f } },
		{ "Kernel bss", "bss", { 0x3100000, 0x33fffff } },
	};
	const struct fx_range *given[] = { &fx->kernel_code, &fx->kernel_rodata,
					   &fx->kernel_data, &fx->kernel_bss };

	for (unsigned i = 0; i < G_N_ELEMENTS(parts); i++) {
		const struct fx_range *r = given[i]->end >= given[i]->start ? given[i] : &parts[i].def;
		g_autofree char *path = g_strdup_printf("$.kernel_image.%s", parts[i].key);

		/* s390 setup_resources() registers code, data and bss only. */
		if (i == 1 && !profile_has_kernel_rodata_resource(&m->profile))
			continue;
		if (machine_present_bytes(m, r->start, r->end - r->start + 1) !=
		    r->end - r->start + 1) {
			fail(err, fx, path, "the kernel image must lie in RAM");
			return false;
		}
		if (!insert_or_fail(m, resource_new(parts[i].name, r->start, r->end,
						    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0),
				    fx, path, err))
			return false;
	}
	return true;
}

/* Highest 16 MiB aligned base in [lo, hi) with size bytes of free RAM, the
 * way memblock_phys_alloc_range() allocates top-down; 0 if none. */
static uint64_t alloc_top_down(const struct machine *m, uint64_t size, uint64_t lo, uint64_t hi,
			       uint64_t avoid_start, uint64_t avoid_end)
{
	const uint64_t align = 16 * MiB;   /* CRASH_ALIGN */

	for (guint i = m->present->len; i-- > 0;) {
		const struct mem_range *p = &g_array_index(m->present, struct mem_range, i);
		uint64_t top = MIN(p->end + 1, hi), base;

		/* The kernel image is reserved in memblock: allocate above or below it. */
		for (int pass = 0; pass < 2; pass++) {
			uint64_t floor_ = MAX(p->start, lo);

			if (pass == 0 && avoid_end < top && avoid_end + 1 > floor_)
				floor_ = avoid_end + 1;
			if (pass == 1)
				top = MIN(top, avoid_start);
			if (top < size + floor_)
				continue;
			base = (top - size) & ~(align - 1);
			if (base >= floor_ && base >= lo && base)
				return base;
		}
	}
	return 0;
}

static bool add_crash_range(struct machine *m, const struct fixture *fx, uint64_t size,
			    uint64_t lo, uint64_t hi, bool retry_anywhere, GError **err)
{
	uint64_t kstart = fx->kernel_code.end >= fx->kernel_code.start ? fx->kernel_code.start
								      : 0x1000000;
	uint64_t kend = fx->kernel_bss.end >= fx->kernel_bss.start ? fx->kernel_bss.end : 0x33fffff;
	uint64_t base = alloc_top_down(m, size, lo, hi, kstart, kend);

	if (!base && retry_anywhere)
		base = alloc_top_down(m, size, 4 * GiB, 64ull << 40, kstart, kend);
	if (!base) {
		fail(err, fx, fx->crash_path, "no room for a crash kernel of 0x%" G_GINT64_MODIFIER
		     "x bytes", size);
		return false;
	}
	return insert_or_fail(m, resource_new("Crash kernel", base, base + size - 1,
					      IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
					      IORES_DESC_CRASH_KERNEL),
			      fx, fx->crash_path, err);
}

/* reserve_crashkernel(), arch/x86/kernel/setup.c 6.1: low memory first
 * (below 4 GiB) unless ",high", which also reserves 256 MiB low memory. */
static bool add_crash_kernel(struct machine *m, const struct fixture *fx, GError **err)
{
	if (!fx->crash_size)
		return true;
	if (fx->crash_base) {
		if (machine_present_bytes(m, fx->crash_base, fx->crash_size) != fx->crash_size) {
			fail(err, fx, fx->crash_path, "the crash kernel range is not free RAM");
			return false;
		}
		return insert_or_fail(m, resource_new("Crash kernel", fx->crash_base,
						      fx->crash_base + fx->crash_size - 1,
						      IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
						      IORES_DESC_CRASH_KERNEL),
				      fx, fx->crash_path, err);
	}
	if (fx->crash_high)
		return add_crash_range(m, fx, fx->crash_size, 4 * GiB, 64ull << 40, false, err) &&
		       add_crash_range(m, fx, 256 * MiB, 16 * MiB, 4 * GiB, false, err);
	return add_crash_range(m, fx, fx->crash_size, 16 * MiB, 4 * GiB, true, err);
}

static bool place_resources(struct machine *m, struct resource *parent, const GPtrArray *list,
			    const struct fixture *fx, GError **err);

static bool place_one(struct machine *m, struct resource *parent, const struct fx_resource *f,
		      const struct fixture *fx, GError **err)
{
	const char *name = machine_strdup(m, f->name);
	struct resource *r = NULL, *conflict = NULL;

	switch (f->placement) {
	case FX_REGION:
		r = request_region(parent, f->start, f->end - f->start + 1, name,
				   f->flags & ~(IORESOURCE_TYPE_BITS | IORESOURCE_BUSY));
		if (!r) {
			fail(err, fx, f->path, "%s cannot be requested: the range is busy or "
			     "straddles another resource", f->name);
			return false;
		}
		break;
	case FX_REQUEST:
		r = resource_new(name, f->start, f->end, f->flags, f->desc);
		conflict = request_resource_conflict(parent, r);
		break;
	case FX_EXPAND:
		r = resource_new(name, f->start, f->end, f->flags, f->desc);
		insert_resource_expand_to_fit(parent, r);
		break;
	case FX_INSERT:
		r = resource_new(name, f->start, f->end, f->flags, f->desc);
		conflict = insert_resource_conflict(parent, r);
		break;
	}
	if (conflict) {
		fail(err, fx, f->path, "%s overlaps %s and the two cannot nest", f->name,
		     conflict->name ? conflict->name : "<BAD>");
		resource_free(r);
		return false;
	}
	return !f->children || place_resources(m, r, f->children, fx, err);
}

static bool place_resources(struct machine *m, struct resource *parent, const GPtrArray *list,
			    const struct fixture *fx, GError **err)
{
	for (guint i = 0; list && i < list->len; i++)
		if (!place_one(m, parent, g_ptr_array_index(list, i), fx, err))
			return false;
	return true;
}

/* ram_alignment(), arch/x86/kernel/e820.c */
static uint64_t ram_alignment(uint64_t pos)
{
	uint64_t mb = pos >> 20;

	if (!mb)
		return 64 * 1024;
	if (mb < 16)
		return MiB;
	return 64 * MiB;
}

/* e820__reserve_resources(): busy ones now, the rest in the late pass. */
static bool reserve_e820(struct machine *m, GArray *t, const struct fixture *fx,
			 GPtrArray *late, GError **err)
{
	for (guint i = 0; i < t->len; i++) {
		const struct e820_entry *e = &g_array_index(t, struct e820_entry, i);
		struct resource *r = resource_new(e820_type_to_string(e->type), e->addr,
						  e->addr + e->size - 1, e820_iomem_flags(e->type),
						  e820_iores_desc(e->type));
		g_autofree char *path = g_strdup_printf("$.e820[%u]", i);

		if (!e820_do_mark_busy(e->type, e->addr)) {
			g_ptr_array_add(late, r);
			continue;
		}
		r->flags |= IORESOURCE_BUSY;
		if (!insert_or_fail(m, r, fx, path, err))
			return false;
	}
	return true;
}

/* e820__reserve_resources_late(): the rest expand to fit, then "RAM buffer"
 * pads every RAM entry up to a reasonable boundary. */
static void reserve_e820_late(struct machine *m, GArray *t, GPtrArray *late)
{
	for (guint i = 0; i < late->len; i++)
		insert_resource_expand_to_fit(&m->iomem, g_ptr_array_index(late, i));
	/* All linked now: the tree owns them. */
	g_ptr_array_set_free_func(late, NULL);
	g_ptr_array_set_size(late, 0);
	for (guint i = 0; i < t->len; i++) {
		const struct e820_entry *e = &g_array_index(t, struct e820_entry, i);
		uint64_t start = e->addr + e->size, end;

		if (e->type != E820_TYPE_RAM)
			continue;
		end = ((start + ram_alignment(start) - 1) & ~(ram_alignment(start) - 1)) - 1;
		if (start >= end)
			continue;
		reserve_region_with_split(&m->iomem, start, end, "RAM buffer");
	}
}

static void add_firmware_map(struct machine *m, const struct fixture *fx)
{
	g_autoptr(GArray) t = copy_e820(fx);

	/* firmware_map_add_early() for e820_table_firmware, in address order. */
	for (guint i = 0; i < t->len; i++) {
		const struct e820_entry *e = &g_array_index(t, struct e820_entry, i);

		firmware_map_add_early(&m->firmware_map, e->addr, e->addr + e->size,
				       e820_type_to_string(e->type));
	}
}

/* Boot blocks: one per block-aligned range with present memory, online, in
 * the node(s) and zone its pages lie in (memory_dev_init, 6.12). */
static void derive_blocks(struct machine *m)
{
	uint64_t prev = UINT64_MAX;

	zones_boot(m);
	for (guint i = 0; i < m->present->len; i++) {
		const struct mem_range *p = &g_array_index(m->present, struct mem_range, i);

		for (uint64_t id = p->start / m->block_size; id <= p->end / m->block_size; id++) {
			struct memory_block *b;
			int nids[64], n;

			if (id == prev)
				continue;
			prev = id;
			b = memory_blocks_append(&m->blocks, id);
			b->state = BLOCK_ONLINE;
			b->flags |= BLOCK_MULTI_NODE;
			n = block_nodes(m, b, nids, G_N_ELEMENTS(nids));
			/* memory_block_add_nid(): the last node linked is mem->nid, and a
			 * block of several nodes has no zone. */
			b->nid = (uint16_t)nids[n - 1];
			b->zone = ZONE_NONE;
			if (n == 1) {
				b->flags &= (uint8_t)~BLOCK_MULTI_NODE;
				b->zone = (uint8_t)early_zone_for_block(m, b->nid, id * m->block_size);
			}
		}
	}
	zones_recompute(m);
}

static bool boot_firmware(struct machine *m, const struct fixture *fx, GError **err)
{
	g_autoptr(GArray) t = kernel_e820(fx, err);
	g_autoptr(GPtrArray) late = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);

	if (!t)
		return false;
	m->has_iomem = true;
	m->has_memory_dir = true;
	add_present_ram(m, t);
	setup_numa(m, fx);
	m->block_size = fx->block_size;
	if (!m->block_size)
		m->block_size = profile_boots_from_e820(&m->profile)
			? x86_block_size(present_end(m), fx->hypervisor)
			: profile_section_size(&m->profile);
	if (!add_kernel_image(m, fx, err) ||
	    !place_resources(m, &m->iomem, fx->early_resources, fx, err) ||
	    !reserve_e820(m, t, fx, late, err))
		return false;
	m->has_firmware_map = profile_has_firmware_memmap(&m->profile);
	if (m->has_firmware_map)
		add_firmware_map(m, fx);
	if (!add_crash_kernel(m, fx, err) ||
	    !place_resources(m, &m->iomem, fx->resources, fx, err))
		return false;
	reserve_e820_late(m, t, late);
	if (!place_resources(m, &m->iomem, fx->late_resources, fx, err))
		return false;
	derive_blocks(m);
	return true;
}

/* Literal form: the captured tree linked as is (the parser checked nesting). */
static void link_literal(struct machine *m, struct resource *parent, const GPtrArray *list)
{
	struct resource **tail = &parent->child;

	for (guint i = 0; list && i < list->len; i++) {
		const struct fx_resource *f = g_ptr_array_index(list, i);
		struct resource *r = resource_new(machine_intern(m, f->name), f->start, f->end,
						  f->flags, f->desc);

		r->parent = parent;
		*tail = r;
		tail = &r->sibling;
		link_literal(m, r, f->children);
	}
}

static void boot_literal_firmware_map(struct machine *m, const struct fixture *fx)
{
	m->has_firmware_map = fx->firmware_memmap != NULL;
	for (guint i = 0; m->has_firmware_map && i < fx->firmware_memmap->len; i++) {
		const struct fx_fwmap *e = &g_array_index(fx->firmware_memmap, struct fx_fwmap, i);

		firmware_map_add_numbered(&m->firmware_map, e->nr, e->start, e->end,
					  machine_intern(m, e->type));
	}
}

static void add_present(struct machine *m, uint64_t start, uint64_t end)
{
	struct mem_range *last = m->present->len ?
		&g_array_index(m->present, struct mem_range, m->present->len - 1) : NULL;

	if (last && last->end + 1 == start) {
		last->end = end;
	} else {
		struct mem_range r = { .start = start, .end = end };

		g_array_append_val(m->present, r);
	}
}

static enum zone_type first_zone_word(const char *valid_zones)
{
	g_autofree char *word = g_strndup(valid_zones, strcspn(valid_zones, " \n"));
	int z = zone_from_string(word);

	return z < 0 ? ZONE_NONE : (enum zone_type)z;
}

/* Captured memory groups (memory_group_register_static/_dynamic): ids 1, 2 ...
 * in the order of their first blocks; the kernel's own ids (the index of the
 * memory_groups xarray) cannot be captured and nothing shows them. */
static void boot_literal_groups(struct machine *m, const struct fixture *fx)
{
	for (guint i = 0; fx->memory_groups && i < fx->memory_groups->len; i++) {
		const struct fx_group *f = &g_array_index(fx->memory_groups, struct fx_group, i);
		struct memory_group g = {
			.id = (int)i + 1, .nid = f->nid, .dynamic = f->dynamic,
			.max_pages = f->dynamic ? 0 : f->pages, .unit_pages = f->dynamic ? f->pages : 0,
		};

		g_array_append_val(m->groups, g);
		machine_node_add(m, f->nid);
	}
}

/* The machine's id of the group whose first block is first (ascending). */
static int literal_group_id(const struct fixture *fx, uint64_t first)
{
	for (guint i = 0; i < fx->memory_groups->len; i++)
		if (g_array_index(fx->memory_groups, struct fx_group, i).first == first)
			return (int)i + 1;
	g_return_val_if_reached(0);   /* the parser checked every "group" */
}

/* Runs of captured blocks the address space has room for: block ids up to
 * PHYSMEM_END / block size, checked before any block is made. */
static bool check_block_runs(const struct machine *m, const struct fixture *fx, GError **err)
{
	uint64_t last = profile_physmem_end(&m->profile) / m->block_size;

	for (guint i = 0; i < fx->memory_blocks->len; i++) {
		const struct fx_blocks *run = &g_array_index(fx->memory_blocks, struct fx_blocks, i);

		if (run->first + (run->count - 1) > last) {
			fail(err, fx, run->path, "blocks %" PRIu64 "-%" PRIu64 " end above the last "
			     "block %" PRIu64 ": %s", run->first, run->first + (run->count - 1), last,
			     profile_physmem_limit_text(&m->profile));
			return false;
		}
	}
	return true;
}

/* Captured blocks: state, nodes and zones as recorded; valid_zones kept
 * verbatim only where the model would print something else.  A block of a
 * memory group, or with its memmap on itself, was hot-added: it is on its
 * group's node unless its nodes are given, and its pages are not boot memory
 * (present_early_pages), so the zone choice treats it as add_memory()'s. */
static bool boot_literal_blocks(struct machine *m, const struct fixture *fx, GError **err)
{
	g_autoptr(GString) derived = g_string_new(NULL);

	if (!check_block_runs(m, fx, err))
		return false;
	m->has_memory_dir = true;
	boot_literal_groups(m, fx);
	if (!m->present->len)
		for (guint i = 0; i < fx->memory_blocks->len; i++) {
			const struct fx_blocks *run = &g_array_index(fx->memory_blocks, struct fx_blocks, i);

			add_present(m, run->first * m->block_size,
				    (run->first + run->count) * m->block_size - 1);
		}
	for (guint i = 0; i < fx->memory_blocks->len; i++) {
		const struct fx_blocks *run = &g_array_index(fx->memory_blocks, struct fx_blocks, i);
		int group = run->has_group ? literal_group_id(fx, run->group) : 0;

		for (int k = 0; k < run->nr_nids; k++)
			machine_node_add(m, run->nids[k]);
		for (uint64_t id = run->first; id < run->first + run->count; id++) {
			struct memory_block *b = memory_blocks_append(&m->blocks, id);

			b->state = (uint8_t)run->state;
			b->phys_device = run->phys_device;
			b->group = (uint16_t)group;
			if (!run->removable)
				b->flags |= BLOCK_NOT_REMOVABLE;
			if (group || run->memmap_on_memory)
				b->flags |= BLOCK_HOTPLUGGED;
			if (run->memmap_on_memory)
				b->flags |= BLOCK_ALTMAP;
			if (run->nr_nids)
				b->nid = (uint16_t)run->nids[run->nr_nids - 1];
			else if (group)
				b->nid = (uint16_t)machine_group(m, group)->nid;
			else
				b->nid = (uint16_t)machine_nid_of(m, id * m->block_size);
			if (run->nr_nids > 1) {
				GArray *nids = g_array_new(FALSE, FALSE, sizeof(int));

				g_array_append_vals(nids, run->nids, (guint)run->nr_nids);
				g_hash_table_insert(m->literal_nodes, g_memdup2(&id, sizeof(id)), nids);
				b->flags |= BLOCK_MULTI_NODE;
			}
			if (run->firmware_node)
				g_hash_table_insert(m->literal_fw_nodes, g_memdup2(&id, sizeof(id)),
						    (gpointer)machine_intern(m, run->firmware_node));
			b->zone = ZONE_NONE;
			if (run->valid_zones && b->state == BLOCK_ONLINE && run->nr_nids <= 1)
				b->zone = (uint8_t)first_zone_word(run->valid_zones);
		}
	}
	zones_recompute(m);
	for (guint i = 0; i < fx->memory_blocks->len; i++) {
		const struct fx_blocks *run = &g_array_index(fx->memory_blocks, struct fx_blocks, i);

		if (!run->valid_zones)
			continue;
		for (uint64_t id = run->first; id < run->first + run->count; id++) {
			struct memory_block *b = memory_blocks_find(&m->blocks, id);

			g_string_truncate(derived, 0);
			valid_zones_show(m, b, derived);
			if (strcmp(derived->str, run->valid_zones) != 0)
				b->literal_zones = machine_literal(m, run->valid_zones);
		}
	}
	return true;
}

/* Captured resources bound to the devices that made them ("devices"). */
static bool bind_literal_devices(struct machine *m, const struct fixture *fx, GError **err)
{
	for (guint i = 0; fx->devices && i < fx->devices->len; i++) {
		const struct fx_device *d = &g_array_index(fx->devices, struct fx_device, i);
		const struct nd_region_binding nd = { .region = d->region, .id = d->region_id,
			.start = d->start, .nfit = d->nfit, .labels = d->labels, .ns = d->ns,
			.ns_id = d->ns_id, .nid = d->nid };
		g_autoptr(GError) why = NULL;

		if (d->type == FX_DEVICE_ND_REGION ? !nd_region_bind(m, &nd, &why)
		    : !virtio_mem_bind(m, d->resource, d->block_size, d->plugged, d->nid, &why)) {
			fail(err, fx, d->path, "%s", why->message);
			return false;
		}
	}
	return true;
}

static bool boot_literal(struct machine *m, const struct fixture *fx, GError **err)
{
	m->has_iomem = fx->iomem != NULL;
	link_literal(m, &m->iomem, fx->iomem);
	boot_literal_firmware_map(m, fx);
	setup_numa(m, fx);
	m->block_size = fx->block_size ? fx->block_size : profile_section_size(&m->profile);
	return (!fx->memory_blocks || boot_literal_blocks(m, fx, err)) &&
	       bind_literal_devices(m, fx, err);
}

/* The injector module loaded with priority=, its action files set, and the
 * per-block faults in place. */
static bool apply_faults(struct machine *m, const struct fixture *fx, GError **err)
{
	notifier_chain_unregister(&m->memory_chain, &m->inject.nb);
	m->inject.nb.priority = fx->inject_priority;
	notifier_chain_register(&m->memory_chain, &m->inject.nb);
	memcpy(m->inject.error, fx->inject_error, sizeof(m->inject.error));
	for (guint i = 0; i < fx->fault_runs->len; i++) {
		const struct fx_fault_run *r = &g_array_index(fx->fault_runs, struct fx_fault_run, i);

		for (uint64_t id = r->first; id < r->first + r->count; id++) {
			if (!memory_blocks_find(&m->blocks, id)) {
				fail(err, fx, r->path, "there is no memory block %" G_GUINT64_FORMAT, id);
				return false;
			}
			*faults_edit(&m->faults, id) = r->fault;
		}
	}
	for (guint i = 0; i < fx->hwpoison->len; i++) {
		uint64_t addr = g_array_index(fx->hwpoison, uint64_t, i);
		g_autofree char *path = g_strdup_printf("$.faults.hwpoison[%u]", i);

		if (!memory_blocks_find(&m->blocks, addr / m->block_size) ||
		    !machine_present_bytes(m, addr, 1)) {
			fail(err, fx, path, "0x%" G_GINT64_MODIFIER "x is not in a memory block", addr);
			return false;
		}
		faults_poison_page(&m->faults, addr / PAGE_SIZE, addr / m->block_size);
	}
	return true;
}

/* "512M", "1G", or bytes: how a person writes crashkernel=. */
static void append_size(GString *out, uint64_t v)
{
	if (v && !(v % (1ull << 30)))
		g_string_append_printf(out, "%" PRIu64 "G", v >> 30);
	else if (v && !(v % MiB))
		g_string_append_printf(out, "%" PRIu64 "M", v >> 20);
	else
		g_string_append_printf(out, "%" PRIu64, v);
}

/* A Debian-like command line consistent with the fixture's boot parameters. */
static char *default_cmdline(const struct machine *m, const struct fixture *fx)
{
	g_autoptr(GString) s = g_string_new(NULL);
	const char *rel = profile_kernel_release(&m->profile);
	g_autofree char *fallback = g_strdup_printf("%u.%u.0-1-amd64", m->profile.kernel / 100,
						    m->profile.kernel % 100);

	g_string_append_printf(s, "BOOT_IMAGE=/boot/vmlinuz-%s root=/dev/vda1 ro", rel ? rel : fallback);
	for (guint i = 0; fx->memmap && i < fx->memmap->len; i++)
		g_string_append_printf(s, " memmap=%s", (const char *)g_ptr_array_index(fx->memmap, i));
	if (fx->mem_limit) {
		g_string_append(s, " mem=");
		append_size(s, fx->mem_limit);
	}
	if (fx->params.movable_node)
		g_string_append(s, " movable_node");
	if (fx->crash_size) {
		g_string_append(s, " crashkernel=");
		append_size(s, fx->crash_size);
		if (fx->crash_base)
			g_string_append_printf(s, "@0x%" PRIx64, fx->crash_base);
		if (fx->crash_high)
			g_string_append(s, ",high");
	}
	g_string_append(s, " quiet");
	return g_string_free(g_steal_pointer(&s), FALSE);
}

struct machine *machine_boot(const struct fixture *fx, GError **err)
{
	g_autoptr(machine) m = machine_new(&fx->profile);

	m->params = fx->params;
	m->cpus = fx->cpus;
	if (fx->e820) {
		if (!boot_firmware(m, fx, err))
			return NULL;
		if (fx->memory_blocks) {
			memory_blocks_free(&m->blocks);
			if (!boot_literal_blocks(m, fx, err))
				return NULL;
		}
	} else if (!boot_literal(m, fx, err)) {
		return NULL;
	}
	if (!apply_faults(m, fx, err))
		return NULL;
	if (fx->cmdline) {
		kexec_boot(m, fx->cmdline);
	} else {
		g_autofree char *cmdline = default_cmdline(m, fx);

		kexec_boot(m, cmdline);
	}
	devices_boot(m);
	return g_steal_pointer(&m);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hotplug.h"

#include <errno.h>
#include <string.h>

#include "online.h"
#include "sysfs_parse.h"
#include "units.h"
#include "zone.h"

/* ---- memory groups ------------------------------------------------------ */

static int register_group(struct machine *m, struct memory_group g)
{
	int id = 1;

	/* Not node_possible(): -EINVAL (memory_group_register). */
	if (g.nid < 0 || g.nid >= MAX_NUMNODES)
		return -EINVAL;
	while (machine_group(m, id))
		id++;
	g.id = id;
	g_array_append_val(m->groups, g);
	return id;
}

int memory_group_register_static(struct machine *m, int nid, uint64_t max_pages)
{
	if (!max_pages)
		return -EINVAL;
	return register_group(m, (struct memory_group){ .nid = nid, .max_pages = max_pages });
}

int memory_group_register_dynamic(struct machine *m, int nid, uint64_t unit_pages)
{
	/* A power of two of at least one memory block. */
	if (!unit_pages || (unit_pages & (unit_pages - 1)) || unit_pages < (m->block_size >> PAGE_SHIFT))
		return -EINVAL;
	return register_group(m, (struct memory_group){ .nid = nid, .dynamic = true,
							 .unit_pages = unit_pages });
}

int memory_group_unregister(struct machine *m, int mgid)
{
	for (size_t i = 0; i < m->blocks.n; i++)
		if (m->blocks.v[i].group == mgid)
			return -EBUSY;
	for (guint i = 0; i < m->groups->len; i++) {
		if (g_array_index(m->groups, struct memory_group, i).id == mgid) {
			g_array_remove_index(m->groups, i);
			return 0;
		}
	}
	return -EINVAL;
}

/* ---- resources ---------------------------------------------------------- */

int register_memory_resource(struct machine *m, uint64_t start, uint64_t size, const char *name,
			     struct resource **out)
{
	uint32_t flags = IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY;

	if (strcmp(name, "System RAM") != 0)
		flags |= IORESOURCE_SYSRAM_DRIVER_MANAGED;
	/* mhp_range_allowed(): "exceeds maximum addressable range" */
	if (!size || start + size - 1 < start ||
	    start + size - 1 > profile_pluggable_end(&m->profile))
		return -E2BIG;
	/* __request_region() may land inside a non-busy parent (a DIMM inside
	 * a Reserved window, kmem inside daxX.Y); a conflict is -EEXIST. */
	/* The name is the caller's: merging compares the pointer, so a driver
	 * passes the same string for every range it adds (virtio-mem). */
	*out = request_region(&m->iomem, start, size, name, flags);
	if (!*out)
		return -EEXIST;
	machine_log_iomem(m, CHANGE_ADD, *out);
	return 0;
}

/* ---- add ---------------------------------------------------------------- */

/* check_hotplug_memory_range(): block aligned and not empty. */
static bool range_ok(const struct machine *m, uint64_t start, uint64_t size)
{
	return size && !(start % m->block_size) && !(size % m->block_size);
}

/* mhp_supports_memmap_on_memory(): the memmap of one block (64 bytes per
 * page) must be PMD aligned on x86 and must not fill the block; 6.1 only did
 * it for a range of exactly one block; "force" pads to a pageblock. */
bool supports_memmap_on_memory(const struct machine *m, uint64_t size)
{
	uint64_t memmap = (m->block_size >> PAGE_SHIFT) * STRUCT_PAGE_SIZE;

	if (m->params.memmap_on_memory == MEMMAP_ON_MEMORY_N)
		return false;
	if (!profile_memmap_on_memory_per_block(&m->profile) && size != m->block_size)
		return false;
	if (memmap >= m->block_size)
		return false;
	return m->params.memmap_on_memory == MEMMAP_ON_MEMORY_FORCE || !(memmap % (2 * MiB));
}

/* firmware_map_add_hotplug(), logged when it creates an entry. */
static void add_firmware_map_entry(struct machine *m, uint64_t start, uint64_t size)
{
	guint before = firmware_map_len(&m->firmware_map);

	firmware_map_add_hotplug(&m->firmware_map, start, start + size, "System RAM");
	if (firmware_map_len(&m->firmware_map) > before)
		machine_log_firmware_map(m, CHANGE_ADD,
					 firmware_map_at(&m->firmware_map, before));
}

/* create_memory_block_devices(): offline blocks, uevent "add" each. */
static int create_blocks(struct machine *m, int nid, int group, uint64_t start, uint64_t size,
			 bool altmap)
{
	for (uint64_t a = start; a < start + size; a += m->block_size)
		if (memory_blocks_find(&m->blocks, a / m->block_size))
			return -EEXIST;
	for (uint64_t a = start; a < start + size; a += m->block_size) {
		struct memory_block *b = memory_blocks_insert(&m->blocks, a / m->block_size);

		b->state = BLOCK_OFFLINE;
		b->zone = ZONE_NONE;
		b->nid = (uint16_t)nid;   /* register_memory_blocks_under_node(), MEMINIT_HOTPLUG */
		b->group = (uint16_t)group;
		b->flags = BLOCK_HOTPLUGGED | (altmap ? BLOCK_ALTMAP : 0);
		b->gen = ++m->blocks_created;
		memory_block_uevent(m, b->id, UEVENT_ADD);
	}
	return 0;
}

int add_memory_resource(struct machine *m, int nid, struct resource *res, unsigned mhp_flags)
{
	uint64_t start = res->start, size = resource_size(res);
	int group = 0, ret;

	if (!range_ok(m, start, size))
		return -EINVAL;   /* "Block size [%#lx] unaligned hotplug range" */
	if (mhp_flags & MHP_NID_IS_MGID) {
		const struct memory_group *g = machine_group(m, nid);

		if (!g)
			return -EINVAL;
		group = g->id;
		nid = g->nid;
	}
	if (!machine_node_possible(m, nid))
		return -EINVAL;
	ret = create_blocks(m, nid, group, start, size,
			    (mhp_flags & MHP_MEMMAP_ON_MEMORY) && supports_memmap_on_memory(m, size));
	if (ret)
		return ret;
	/* arch_add_memory(): the pages exist now; a new node comes online. */
	machine_present_add(m, start, start + size - 1);
	machine_node_add(m, nid);
	/* CONFIG_FIRMWARE_MEMMAP: without it (s390, a captured tree without
	 * /sys/firmware/memmap) firmware_map_add_hotplug() is a stub. */
	if (m->has_firmware_map && strcmp(res->name, "System RAM") == 0)
		add_firmware_map_entry(m, start, size);
	if (mhp_flags & MHP_MERGE_RESOURCE)
		merge_system_ram_resource(res);
	m->generation++;
	/* online_memory_block(): failures are not the adder's problem. */
	if (m->params.auto_online != MMOP_OFFLINE) {
		for (uint64_t a = start; a < start + size; a += m->block_size) {
			struct memory_block *b = memory_blocks_find(&m->blocks, a / m->block_size);

			memory_subsys_online(m, b, m->params.auto_online);
		}
	}
	return 0;
}

/* register_memory_resource() + add_memory_resource(); the resource goes
 * again when adding fails (__add_memory, add_memory_driver_managed). */
static int add_named(struct machine *m, int nid, uint64_t start, uint64_t size, const char *name,
		     unsigned mhp_flags)
{
	struct resource *res;
	int ret = register_memory_resource(m, start, size, name, &res);

	if (ret)
		return ret;
	ret = add_memory_resource(m, nid, res, mhp_flags);
	if (ret) {
		machine_log_iomem(m, CHANGE_REMOVE, res);
		release_resource(res);
		resource_free(res);
	}
	return ret;
}

int add_memory(struct machine *m, int nid, uint64_t start, uint64_t size, unsigned mhp_flags)
{
	return add_named(m, nid, start, size, "System RAM", mhp_flags);
}

int add_memory_driver_managed(struct machine *m, int nid, uint64_t start, uint64_t size,
			      const char *name, unsigned mhp_flags)
{
	size_t n = strlen(name);

	if (!g_str_has_prefix(name, "System RAM (") || name[n - 1] != ')')
		return -EINVAL;
	return add_named(m, nid, start, size, name, mhp_flags);
}

/* ---- remove ------------------------------------------------------------- */

/* firmware_map_remove() of exactly what a "System RAM" add created. */
static void remove_firmware_map_entry(struct machine *m, uint64_t start, uint64_t size)
{
	const struct firmware_map_entry *e = NULL;

	for (guint i = 0; i < firmware_map_len(&m->firmware_map) && !e; i++) {
		const struct firmware_map_entry *c = firmware_map_at(&m->firmware_map, i);

		if (c->start == start && c->end == start + size - 1 && !strcmp(c->type, "System RAM"))
			e = c;
	}
	if (!e)
		return;           /* no exact match: -EINVAL, ignored by the caller */
	machine_log_firmware_map(m, CHANGE_REMOVE, e);
	firmware_map_remove(&m->firmware_map, start, start + size, "System RAM");
}

static void release_and_log(struct machine *m, uint64_t start, uint64_t size)
{
	struct event e = { .kind = EVENT_IOMEM, .change = CHANGE_REMOVE, .start = start,
			   .end = start + size - 1, .name = "System RAM" };
	const struct resource *r = &m->iomem;
	int depth = -1;

	/* release_mem_region_adjustable(): the busy resource holding the range
	 * is deleted, shrunk or split; the event names the range removed. */
	while ((r = resource_next(&m->iomem, r, &depth))) {
		if ((r->flags & IORESOURCE_BUSY) && r->start <= start && r->end >= start + size - 1) {
			e.name = r->name;
			break;
		}
	}
	event_log_add(&m->log, e);
	release_mem_region_adjustable(&m->iomem, start, size);
}

/* try_remove_memory(), mm/memory_hotplug.c 6.12 */
int remove_memory(struct machine *m, uint64_t start, uint64_t size)
{
	g_return_val_if_fail(range_ok(m, start, size), -EINVAL);
	/* "removing memory fails, because memory [...] is onlined" */
	for (uint64_t a = start; a < start + size; a += m->block_size) {
		const struct memory_block *b = memory_blocks_find(&m->blocks, a / m->block_size);

		if (b && b->state != BLOCK_OFFLINE)
			return -EBUSY;
	}
	remove_firmware_map_entry(m, start, size);
	/* remove_memory_block_devices(): each block's remove uevent in turn.
	 * What reads the machine at one (tree_removed_files, tree_event_changes)
	 * reads that block only, so all go in one move after. */
	for (uint64_t a = start; a < start + size; a += m->block_size) {
		if (!memory_blocks_find(&m->blocks, a / m->block_size))
			continue;
		memory_block_uevent(m, a / m->block_size, UEVENT_REMOVE);
		g_hash_table_remove(m->faults.blocks, &(uint64_t){ a / m->block_size });
	}
	memory_blocks_remove(&m->blocks, start / m->block_size, (start + size - 1) / m->block_size);
	machine_present_remove(m, start, start + size - 1);
	release_and_log(m, start, size);
	m->generation++;
	return 0;
}

/* offline_and_remove_memory(), mm/memory_hotplug.c 6.12: offline every block,
 * remembering Movable vs kernel; on any failure online again what it
 * offlined, with the same type. */
int offline_and_remove_memory(struct machine *m, uint64_t start, uint64_t size)
{
	size_t n = size / m->block_size, i = 0;
	g_autofree uint8_t *types = NULL;
	int ret = 0;

	if (!range_ok(m, start, size))
		return -EINVAL;
	types = g_malloc0(n);
	for (uint64_t a = start; a < start + size && !ret; a += m->block_size, i++) {
		struct memory_block *b = memory_blocks_find(&m->blocks, a / m->block_size);
		enum mmop type;

		if (!b)
			continue;
		type = b->zone == ZONE_MOVABLE ? MMOP_ONLINE_MOVABLE : MMOP_ONLINE_KERNEL;
		ret = hotplug_wait(m, memory_subsys_offline(m, b));
		if (ret == 0)
			types[i] = (uint8_t)type;
		ret = ret < 0 ? ret : 0;    /* already offline is fine */
	}
	if (!ret)
		ret = remove_memory(m, start, size);
	if (ret) {
		i = 0;
		for (uint64_t a = start; a < start + size; a += m->block_size, i++) {
			struct memory_block *b = memory_blocks_find(&m->blocks, a / m->block_size);

			if (b && types[i] != MMOP_OFFLINE)
				memory_subsys_online(m, b, (enum mmop)types[i]);
		}
	}
	return ret;
}

/* probe_store(), drivers/base/memory.c 6.12 */
int memory_probe_store(struct machine *m, const char *buf, size_t len)
{
	unsigned long long addr;
	int ret = kstrtoull0(buf, strnlen(buf, len), &addr);

	if (ret)
		return ret;
	if (addr % m->block_size)
		return -EINVAL;
	if (machine_hotplug_busy(m))
		return STORE_RETRY;   /* lock_device_hotplug_sysfs() */
	/* memory_add_physaddr_to_nid() */
	return add_memory(m, machine_nid_of(m, addr), addr, m->block_size, MHP_NONE);
}

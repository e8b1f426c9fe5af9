/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-mem (drivers/virtio/virtio_mem.c, 6.1 and 6.12).  The device region
 * is claimed at once as "virtioN" (SYSTEM_RAM|EXCLUSIVE, BUSY cleared) and
 * memory is added below it as "System RAM (virtio_mem)" per unit with
 * add_memory_driver_managed(MHP_MERGE_RESOURCE | MHP_NID_IS_MGID), so
 * adjacent units merge; never a firmware-map entry.
 *
 * Model: the plugged part is [start, start + plugged), a multiple of the
 * device block size.  A unit is max(device block size, memory block size):
 * one memory block in Sub Block Mode (device blocks smaller than a memory
 * block), one big block in Big Block Mode.  Units holding plugged memory are
 * added (SBM adds a whole memory block as soon as one subblock of it is
 * plugged, so 300 MiB requested adds three 128 MiB blocks, as 6.1 and 6.12 do).  Plugging
 * goes lowest address first; unplugging highest first, a whole unit through
 * offline_and_remove_memory() (with its rollback), a part of an online SBM
 * block by fake-offlining its subblocks (alloc_contig_range(), which fails
 * on unmovable pages).  The first failure stops the request: the device
 * stays at what it could do and the error is reported.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "device.h"
#include "hotplug.h"

#include "units.h"

static uint64_t unit_size(const struct machine *m, const struct device *d)
{
	return MAX(d->dev_block_size, m->block_size);
}

static bool check_block_size(uint64_t block_size, GError **err)
{
	if (!block_size || (block_size & (block_size - 1)) || block_size < 4096)
		return bad_request(err, "block_size 0x%" PRIx64 " is not a power of two of at "
				   "least a page", block_size);
	return true;
}

/* virtio_mem_probe() -> virtio_mem_init_hotplug(), 6.12 */
struct device *virtio_mem_add(struct machine *m, uint64_t start, uint64_t region_size,
			      uint64_t block_size, int nid, int index, GError **err)
{
	g_autofree char *name = NULL;
	struct resource *res;
	struct device *d;
	uint64_t unit = MAX(block_size, m->block_size);
	int mgid;

	if (!profile_has_acpi_and_pci(&m->profile))
		return bad_request(err, "virtio-mem needs x86_64 or aarch64 here"), NULL;
	if (!check_block_size(block_size, err))
		return NULL;
	if (!region_size || start % unit || region_size % unit)
		return bad_request(err, "the region 0x%" PRIx64 "+0x%" PRIx64 " is not aligned to "
				   "0x%" PRIx64 " (the larger of the device and memory block sizes)",
				   start, region_size, unit), NULL;
	if (!check_hotplug_range(m, start, region_size, nid, err))
		return NULL;
	if (index < 0)
		index = device_next_index(m, "virtio%d");
	name = g_strdup_printf("virtio%d", index);
	if (device_find(m, name) || iomem_has_name(m, name))
		return bad_request(err, "%s exists already", name), NULL;

	/* virtio_mem_create_resource(): "Disallow mapping device memory via
	 * /dev/mem completely" and "The memory is not actually busy - make
	 * add_memory() work". */
	res = request_region(&m->iomem, start, region_size, machine_strdup(m, name),
			     IORESOURCE_SYSTEM_RAM | IORESOURCE_EXCLUSIVE);
	g_assert(res);
	res->flags &= ~IORESOURCE_BUSY;
	machine_log_iomem(m, CHANGE_ADD, res);
	/* memory_group_register_dynamic(nid, unit_pages) */
	mgid = memory_group_register_dynamic(m, nid, unit >> PAGE_SHIFT);
	g_assert(mgid > 0);

	d = g_new0(struct device, 1);
	d->kind = DEV_VIRTIO_MEM;
	d->id = index;
	d->name = g_steal_pointer(&name);
	d->start = start;
	d->size = region_size;
	d->nid = nid;
	d->mgid = mgid;
	d->res = res;
	d->dev_block_size = block_size;
	/* vm->resource_name: one string per device, so only its own memory merges. */
	d->ram_name = machine_strdup(m, "System RAM (virtio_mem)");
	return device_register(m, d);
}

bool virtio_mem_resize_check(const struct device *d, uint64_t requested,
			     GError **err)
{
	if (requested % d->dev_block_size)
		return bad_request(err, "requested_size 0x%" PRIx64 " is not a multiple of the "
				   "device block size 0x%" PRIx64, requested, d->dev_block_size);
	if (requested > d->size)
		return bad_request(err, "requested_size 0x%" PRIx64 " exceeds the region size 0x%"
				   PRIx64, requested, d->size);
	return true;
}

/* Units [0, n) hold plugged memory. */
static uint64_t units_added(const struct machine *m, const struct device *d, uint64_t plugged)
{
	uint64_t u = unit_size(m, d);

	return (plugged + u - 1) / u;
}

/* virtio_mem_sbm_plug_and_add_mb() / virtio_mem_bbm_plug_and_add_bb(): plug,
 * then add the unit; lowest first. */
static int plug(struct machine *m, struct device *d, uint64_t target, GError **err)
{
	uint64_t u = unit_size(m, d);

	for (uint64_t i = units_added(m, d, d->plugged); i < units_added(m, d, target); i++) {
		int ret = add_memory_driver_managed(m, d->mgid, d->start + i * u, u, d->ram_name,
						    MHP_MERGE_RESOURCE | MHP_NID_IS_MGID);

		if (ret) {
			/* The device's blocks are unplugged again; stop here. */
			d->plugged = MIN(target, i * u);
			return kernel_failed(err, -ret, "%s: adding 0x%" PRIx64 "-0x%" PRIx64,
					     d->name, d->start + i * u, d->start + (i + 1) * u - 1);
		}
	}
	d->plugged = target;
	return 0;
}

/* Fake-offlining subblocks of an online block (virtio_mem_fake_offline(),
 * alloc_contig_range()): unmovable pages make it fail with -EBUSY. */
static int fake_offline(const struct machine *m, uint64_t addr)
{
	const struct memory_block *b = memory_blocks_find(&m->blocks, addr / m->block_size);
	struct block_fault f;

	if (!b || b->state == BLOCK_OFFLINE)
		return 0;
	f = faults_get(&m->faults, b->id);
	return f.unmovable || f.unmovable_late ? -EBUSY : f.signal ? -EINTR : 0;
}

static int unplug(struct machine *m, struct device *d, uint64_t target, GError **err)
{
	uint64_t u = unit_size(m, d);

	for (uint64_t i = units_added(m, d, d->plugged); i-- > 0 && d->plugged > target;) {
		uint64_t ua = d->start + i * u, lo = i * u;
		uint64_t keep = target > lo ? MIN(target - lo, u) : 0;
		int ret;

		if (keep) {
			/* Part of an SBM block: its subblocks go, the block stays. */
			ret = fake_offline(m, ua);
			if (ret)
				return kernel_failed(err, -ret, "%s: unplugging subblocks of memory%"
						     PRIu64, d->name, ua / m->block_size);
			d->plugged = lo + keep;
			break;
		}
		/* virtio_mem_sbm_offline_and_remove_mb() / _bbm_offline_remove_and_unplug_bb() */
		ret = offline_and_remove_memory(m, ua, u);
		if (ret)
			return kernel_failed(err, -ret, "%s: offline_and_remove_memory 0x%" PRIx64
					     "-0x%" PRIx64, d->name, ua, ua + u - 1);
		d->plugged = lo;
	}
	return 0;
}

/* virtio_mem_run_wq(): plug or unplug towards the requested size. */
int virtio_mem_resize(struct machine *m, struct device *d, uint64_t requested, GError **err)
{
	int ret;

	d->requested = requested;
	if (requested > d->plugged)
		ret = plug(m, d, requested, err);
	else
		ret = unplug(m, d, requested, err);
	m->generation++;
	return ret;
}

static const struct resource *top_level(const struct machine *m, const char *name)
{
	for (const struct resource *r = m->iomem.child; r; r = r->sibling)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

/* The group of the blocks the device's plugged units hold, which must be
 * exactly those blocks; 0 when there are none. */
static bool plugged_blocks_group(const struct machine *m, const struct device *d, int *mgid,
				 GError **err)
{
	uint64_t first = d->start / m->block_size, n = d->size / m->block_size;
	uint64_t added = units_added(m, d, d->plugged) * unit_size(m, d) / m->block_size;

	*mgid = 0;
	for (uint64_t id = first; id < first + n; id++) {
		const struct memory_block *b = memory_blocks_find(&m->blocks, id);

		if (!b != (id >= first + added))
			return bad_request(err, "memory%" PRIu64 " %s, but %s plugged 0x%" PRIx64 " of "
					   "blocks of 0x%" PRIx64 " (memory blocks of 0x%" PRIx64 ")",
					   id, b ? "exists" : "is missing", d->name, d->plugged,
					   d->dev_block_size, m->block_size);
		if (!b)
			continue;
		if (!b->group || (*mgid && b->group != *mgid))
			return bad_request(err, "memory%" PRIu64 " is not in the memory group of %s's "
					   "other blocks (give them one \"group\")", id, d->name);
		*mgid = b->group;
	}
	return true;
}

/* A device the kernel probed before the capture: virtio_mem_probe() had
 * created "virtioN" (virtio_mem_create_resource()) and registered its
 * dynamic group (memory_group_register_dynamic()), 6.1 and 6.12. */
struct device *virtio_mem_bind(struct machine *m, const char *name, uint64_t block_size,
			       uint64_t plugged, int nid, GError **err)
{
	const struct resource *res = top_level(m, name);
	g_autofree struct device *d = g_new0(struct device, 1);
	const struct memory_group *g;
	uint64_t unit = MAX(block_size, m->block_size);
	int index, end = 0, mgid;

	if (!profile_has_acpi_and_pci(&m->profile))
		return bad_request(err, "virtio-mem needs x86_64 or aarch64 here"), NULL;
	if (sscanf(name, "virtio%d%n", &index, &end) != 1 || name[end] || index < 0)
		return bad_request(err, "\"%s\" is not a virtio device's name (virtioN)", name), NULL;
	if (!res)
		return bad_request(err, "iomem has no top-level resource \"%s\"", name), NULL;
	if (device_find(m, name))
		return bad_request(err, "%s is bound already", name), NULL;
	if (!check_block_size(block_size, err))
		return NULL;
	if (res->start % unit || (res->end + 1 - res->start) % unit)
		return bad_request(err, "%s 0x%" PRIx64 "-0x%" PRIx64 " is not aligned to 0x%" PRIx64
				   " (the larger of the device and memory block sizes)", name,
				   res->start, res->end, unit), NULL;
	d->kind = DEV_VIRTIO_MEM;
	d->id = index;
	d->start = res->start;
	d->size = res->end + 1 - res->start;
	d->nid = nid;
	d->res = (struct resource *)res;
	d->dev_block_size = block_size;
	d->name = (char *)name;
	if (plugged % block_size || plugged > d->size)
		return bad_request(err, "plugged_size 0x%" PRIx64 " is not a multiple of the block size "
				   "0x%" PRIx64 " within the region's 0x%" PRIx64, plugged, block_size,
				   d->size), NULL;
	d->plugged = d->requested = plugged;
	if (!plugged_blocks_group(m, d, &mgid, err))
		return NULL;
	if (mgid) {
		g = machine_group(m, mgid);
		if (!g->dynamic || g->unit_pages != unit >> PAGE_SHIFT || g->nid != nid)
			return bad_request(err, "the blocks' group is not %s's: a dynamic group on "
					   "node %d of units of 0x%" PRIx64 " pages", name, nid,
					   unit >> PAGE_SHIFT), NULL;
	} else {
		mgid = memory_group_register_dynamic(m, nid, unit >> PAGE_SHIFT);
		g_assert(mgid > 0);
		machine_node_add(m, nid);
	}
	d->mgid = mgid;
	d->name = g_strdup(name);
	/* vm->resource_name: what is plugged merges with what it plugs next;
	 * add_memory_driver_managed(MHP_MERGE_RESOURCE) had marked each one
	 * mergeable (merge_system_ram_resource(), 6.1 and 6.12). */
	d->ram_name = machine_strdup(m, "System RAM (virtio_mem)");
	for (struct resource *r = d->res->child; r; r = r->sibling)
		if (!strcmp(r->name, d->ram_name)) {
			r->name = d->ram_name;
			r->flags |= IORESOURCE_SYSRAM_MERGEABLE;
		}
	return device_register(m, g_steal_pointer(&d));
}

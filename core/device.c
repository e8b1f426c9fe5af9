/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The device registry and what the device drivers share. */
#include "device.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hotplug.h"

static const char *const kind_names[] = {
	[DEV_ACPI_DIMM] = "acpi-dimm", [DEV_VIRTIO_MEM] = "virtio-mem",
	[DEV_ND_REGION] = "nd-region", [DEV_NAMESPACE] = "namespace", [DEV_DAX] = "dax",
	[DEV_CXL_WINDOW] = "cxl-window", [DEV_CXL_REGION] = "cxl-region",
	[DEV_S390_STANDBY] = "s390-standby",
};

const char *device_kind_name(enum device_kind k)
{
	return kind_names[k];
}

void device_free(struct device *d)
{
	if (!d)
		return;
	g_free(d->name);
	g_free(d->assigned);
	g_free(d->seeds);
	g_free(d->alt_name);
	g_free(d);
}

static void log_device(struct machine *m, enum change c, const struct device *d)
{
	event_log_add(&m->log, (struct event){ .kind = EVENT_DEVICE, .change = c, .start = d->start,
					      .end = d->start + d->size - 1,
					      .name = machine_intern(m, d->name) });
}

/* The machine's device list owns its devices from the first one on. */
static void device_add(struct machine *m, struct device *d)
{
	g_ptr_array_set_free_func(m->devices, (GDestroyNotify)device_free);
	g_ptr_array_add(m->devices, d);
}

struct device *device_register(struct machine *m, struct device *d)
{
	device_add(m, d);
	log_device(m, CHANGE_ADD, d);
	m->generation++;
	return d;
}

void device_unregister(struct machine *m, struct device *d)
{
	log_device(m, CHANGE_REMOVE, d);
	if (d->kind == DEV_S390_STANDBY)
		notifier_chain_unregister(&m->memory_chain, &d->nb);
	g_ptr_array_remove(m->devices, d);
	m->generation++;
}

void device_log_driver(struct machine *m, const struct device *d, enum change c)
{
	log_device(m, c, d);
	m->generation++;
}

struct device *device_find(const struct machine *m, const char *name)
{
	for (guint i = 0; i < m->devices->len; i++) {
		struct device *d = g_ptr_array_index(m->devices, i);

		if (!strcmp(d->name, name))
			return d;
	}
	return NULL;
}

bool iomem_has_name(const struct machine *m, const char *name)
{
	const struct resource *r = &m->iomem;
	int depth = -1;

	while ((r = resource_next(&m->iomem, r, &depth)))
		if (r->name && !strcmp(r->name, name))
			return true;
	return false;
}

int memregion_alloc(const struct machine *m)
{
	for (int id = 0;; id++) {
		bool used = false;

		for (guint i = 0; i < m->devices->len && !used; i++) {
			const struct device *d = g_ptr_array_index(m->devices, i);

			used = (d->kind == DEV_ND_REGION || d->kind == DEV_CXL_REGION ||
				(d->kind == DEV_DAX && !d->owner)) && d->id == id;
		}
		if (!used)
			return id;
	}
}

/* The resource that makes __request_region fail: the first BUSY one that
 * overlaps, or one the range straddles. */
static const struct resource *find_conflict(const struct resource *root, uint64_t start,
					    uint64_t end)
{
	for (const struct resource *r = root->child; r; r = r->sibling) {
		if (r->end < start || r->start > end)
			continue;
		if ((r->flags & IORESOURCE_BUSY) || r->start > start || r->end < end)
			return r;
		return find_conflict(r, start, end);
	}
	return root;
}

bool region_available(struct machine *m, struct resource *root, uint64_t start, uint64_t size,
		      char **why)
{
	struct resource *r;

	(void)m;
	if (!size || start + size - 1 < start) {
		*why = g_strdup("the range is empty or wraps");
		return false;
	}
	r = request_region(root, start, size, "probe", 0);
	if (r) {
		release_resource(r);
		resource_free(r);
		return true;
	}
	const struct resource *c = find_conflict(root, start, start + size - 1);

	*why = g_strdup_printf("0x%" PRIx64 "-0x%" PRIx64 " conflicts with %s [0x%" PRIx64
			       "-0x%" PRIx64 "]", start, start + size - 1,
			       c->name ? c->name : "<BAD>", c->start, c->end);
	return false;
}

struct resource *resource_find(const struct resource *root, uint64_t start, uint64_t end,
			       const char *name)
{
	const struct resource *r = root;
	int depth = -1;

	while ((r = resource_next(root, r, &depth)))
		if (r->start == start && r->end == end && r->name && !strcmp(r->name, name))
			return (struct resource *)r;
	return NULL;
}

unsigned range_blocks(const struct machine *m, uint64_t start, uint64_t size, unsigned *online)
{
	unsigned n = 0;

	*online = 0;
	for (uint64_t a = start; a < start + size; a += m->block_size) {
		const struct memory_block *b = memory_blocks_find(&m->blocks, a / m->block_size);

		if (!b)
			continue;
		n++;
		if (b->state != BLOCK_OFFLINE)
			(*online)++;
	}
	return n;
}

/* nd_region: one region per top-level pmem range (e820 type 7 via NFIT, or
 * type 12 via nd_e820), numbered by memregion_alloc() in address order. */
void devices_boot(struct machine *m)
{
	for (struct resource *r = m->iomem.child; r; r = r->sibling) {
		if (r->desc != IORES_DESC_PERSISTENT_MEMORY &&
		    r->desc != IORES_DESC_PERSISTENT_MEMORY_LEGACY)
			continue;
		if ((r->flags & IORESOURCE_BUSY) || nd_region_of_resource(m, r))
			continue;
		/* Boot devices are not events: the log starts with the machine. */
		device_add(m, nd_region_new(memregion_alloc(m), r, machine_nid_of(m, r->start), false));
	}
}

bool check_hotplug_idle(const struct machine *m, GError **err)
{
	if (!m->pending.active)
		return true;
	return bad_request(err, "a slow offline of memory%" PRIu64 " is in progress",
			   m->pending.block);
}

/* The checks every add_memory() caller's range passes before the kernel
 * path starts: block aligned, addressable, free in iomem, no blocks yet. */
bool check_hotplug_range(struct machine *m, uint64_t start, uint64_t size, int nid,
			 GError **err)
{
	g_autofree char *why = NULL;
	unsigned online;

	if (!m->has_memory_dir)
		return bad_request(err, "this machine has no /sys/devices/system/memory");
	if (!size || start % m->block_size || size % m->block_size)
		return bad_request(err, "0x%" PRIx64 "+0x%" PRIx64 " is not aligned to the block "
				   "size 0x%" PRIx64 " (add_memory_resource: -EINVAL)", start, size,
				   m->block_size);
	if (start + size - 1 < start || start + size - 1 > profile_pluggable_end(&m->profile))
		return bad_request(err, "0x%" PRIx64 "+0x%" PRIx64 " is beyond the addressable "
				   "range (mhp_range_allowed: -E2BIG)", start, size);
	if (!machine_node_possible(m, nid))
		return bad_request(err, "node %d is not possible", nid);
	if (!region_available(m, &m->iomem, start, size, &why))
		return bad_request(err, "%s (register_memory_resource: -EEXIST)", why);
	if (range_blocks(m, start, size, &online))
		return bad_request(err, "memory blocks already exist in 0x%" PRIx64 "-0x%" PRIx64,
				   start, start + size - 1);
	return true;
}

/* Lowest N for which PREFIX%d names neither a device nor a resource. */
int device_next_index(const struct machine *m, const char *fmt)
{
	for (int n = 0;; n++) {
		g_autofree char *name = g_strdup_printf(fmt, n);

		if (!device_find(m, name) && !iomem_has_name(m, name))
			return n;
	}
}

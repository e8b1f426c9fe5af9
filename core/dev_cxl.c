/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CXL (drivers/cxl/acpi.c, core/region.c, drivers/dax/cxl.c, 6.1 and 6.12):
 * a "CXL Window N" per CFMWS, placed with insert_resource_expand_to_fit;
 * RAM regions "regionN" allocated in a window (alloc_free_mem_region():
 * ascending, 256 MiB aligned, inserted, not busy); a region's dax device
 * "daxN.0" is created with IORESOURCE_DAX_KMEM, so dax/kmem binds it and the
 * memory is onlined through kmem.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "device.h"

#include "units.h"

#define SZ_256M (256 * MiB)

/* cxl_parse_cfmws(), 6.12: res->name = kasprintf("CXL Window %d", ctx->id++),
 * flags MEM, desc IORES_DESC_CXL, insert_resource_expand_to_fit(). */
struct device *cxl_window_add(struct machine *m, uint64_t start, uint64_t size, int nid,
			      GError **err)
{
	g_autofree char *rname = NULL;
	struct resource *res;
	struct device *d;
	int n;

	if (!profile_has_acpi_and_pci(&m->profile))
		return bad_request(err, "s390x has no CXL"), NULL;
	if (!size || start % SZ_256M || size % SZ_256M || start + size - 1 < start)
		return bad_request(err, "a CFMWS window is 256 MiB aligned (0x%" PRIx64 "+0x%" PRIx64
				   ")", start, size), NULL;
	if (!machine_node_possible(m, nid))
		return bad_request(err, "node %d is not possible", nid), NULL;
	for (const struct resource *r = m->iomem.child; r; r = r->sibling) {
		if (r->end < start || r->start > start + size - 1)
			continue;
		if ((r->flags & IORESOURCE_BUSY) || r->desc == IORES_DESC_CXL)
			return bad_request(err, "0x%" PRIx64 "-0x%" PRIx64 " overlaps %s [0x%" PRIx64
					   "-0x%" PRIx64 "]", start, start + size - 1, r->name,
					   r->start, r->end), NULL;
	}
	n = device_next_index(m, "CXL Window %d");
	rname = g_strdup_printf("CXL Window %d", n);
	res = resource_new(machine_strdup(m, rname), start, start + size - 1, IORESOURCE_MEM,
			   IORES_DESC_CXL);
	insert_resource_expand_to_fit(&m->iomem, res);
	machine_log_iomem(m, CHANGE_ADD, res);

	d = g_new0(struct device, 1);
	d->kind = DEV_CXL_WINDOW;
	d->id = n;
	d->name = g_strdup_printf("cxl_window%d", n);
	d->start = res->start;
	d->size = resource_size(res);
	d->nid = nid;
	d->res = res;
	return device_register(m, d);
}

/* cxl region create + commit + probe (RAM): alloc_hpa() -> alloc_free_mem_region()
 * then devm_cxl_add_dax_region() -> cxl_dax_region_probe() -> kmem. */
struct device *cxl_region_create(struct machine *m, struct device *window, uint64_t size,
				 GError **err)
{
	struct resource *res;
	struct device *r, *dax;
	uint64_t start = window->res->start;
	g_autofree char *dax_name = NULL;
	int id, ret;

	if (!size || size % SZ_256M || size % m->block_size)
		return bad_request(err, "size 0x%" PRIx64 " is not a multiple of 256 MiB and of the "
				   "block size", size), NULL;
	/* get_free_mem_region(): lowest aligned gap without children. */
	for (const struct resource *c = window->res->child; c; c = c->sibling) {
		if (c->start >= start + size)
			break;
		if (c->end >= start)
			start = (c->end + 1 + SZ_256M - 1) / SZ_256M * SZ_256M;
	}
	if (start + size - 1 > window->res->end || start + size - 1 < start)
		return bad_request(err, "%s has no free 0x%" PRIx64 " bytes (alloc_free_mem_region: "
				   "-ENOSPC)", window->res->name, size), NULL;
	if (!m->has_memory_dir)
		return bad_request(err, "this machine has no /sys/devices/system/memory"), NULL;
	if (range_blocks(m, start, size, &(unsigned){ 0 }))
		return bad_request(err, "memory blocks exist in 0x%" PRIx64 "-0x%" PRIx64, start,
				   start + size - 1), NULL;
	id = memregion_alloc(m);
	dax_name = g_strdup_printf("dax%d.0", id);
	if (device_find(m, dax_name) || iomem_has_name(m, dax_name))
		return bad_request(err, "%s exists already", dax_name), NULL;

	r = g_new0(struct device, 1);
	r->kind = DEV_CXL_REGION;
	r->id = id;
	r->name = g_strdup_printf("region%d", id);
	r->start = start;
	r->size = size;
	r->nid = window->nid;
	r->owner = window;
	res = resource_new(machine_strdup(m, r->name), start, start + size - 1, IORESOURCE_MEM,
			   IORES_DESC_NONE);
	/* "Only succeed if the resource hosts an exclusive range after the insert" */
	ret = insert_resource(window->res, res);
	g_assert(ret == 0 && !res->child);
	machine_log_iomem(m, CHANGE_ADD, res);
	r->res = res;
	device_register(m, r);

	/* IORESOURCE_DAX_KMEM: kmem is the dax device's driver from the start. */
	dax = dax_create(m, dax_name, r, NULL, start, size, r->nid);
	ret = kmem_bind(m, dax, err);
	if (ret)
		return NULL;
	return r;
}

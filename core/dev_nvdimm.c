/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An NVDIMM hot-added at run time: QEMU's `device_add nvdimm` on a machine
 * with nvdimm=on, 6.1 and 6.12.  QEMU (hw/acpi/nvdimm.c) rebuilds its NFIT
 * and notifies the NVDIMM root device ACPI0012; acpi_nfit_notify() ->
 * acpi_nfit_update_notify() evaluates _FIT and acpi_nfit_init() registers
 * what is new (drivers/acpi/nfit/core.c): the nd bus on the first NVDIMM
 * (nvdimm_bus_register(), ndbusN and ndctlN), the DIMM (nmemN, bound to
 * nvdimm), the region (acpi_nfit_register_region():
 * acpi_nfit_insert_resource() puts "Persistent Memory" into iomem unless
 * one is there, then nd_region bound).  QEMU's fresh label area (or none)
 * has no valid index, so the DIMM is label-less and the region has one io
 * namespace over all of it, which nd_pmem claims (dev_dax.c
 * pmem_namespace_io()).  Nothing is added to the firmware map or to
 * /sys/devices/system/memory, and no memory notifier runs: read on Debian
 * 6.1.0-57 and 6.12 guests (docs/fidelity.md).
 */
#include <inttypes.h>

#include "device.h"
#include "units.h"

/* QEMU 7.2 nvdimm_prepare_memory_region() and memory_device_pre_plug():
 * the region (the backend less the label area) and its address are
 * multiples of the backend's page size. */
#define NVDIMM_ALIGN PAGE_SIZE

/* acpi_nfit_insert_resource(), 6.12: flags MEM, desc PERSISTENT_MEMORY,
 * insert_resource(&iomem_resource).  (It adds nothing over a range that is
 * Persistent Memory already - an e820 type 7 range at boot - which a
 * hot-added NVDIMM's range, free at the top level, never is.) */
static struct resource *insert_pmem_resource(struct machine *m, uint64_t start, uint64_t size)
{
	struct resource *res = resource_new(machine_intern(m, "Persistent Memory"), start,
					    start + size - 1, IORESOURCE_MEM,
					    IORES_DESC_PERSISTENT_MEMORY);
	int ret = insert_resource(&m->iomem, res);

	g_assert(ret == 0);   /* nvdimm_check() found the range free */
	machine_log_iomem(m, CHANGE_ADD, res);
	m->generation++;
	return res;
}

/* Which kinds of nd region the machine has: NFIT's and legacy (e820) pmem. */
static void nd_region_kinds(const struct machine *m, bool *nfit, bool *legacy)
{
	*nfit = *legacy = false;
	for (guint i = 0; i < m->devices->len; i++) {
		const struct device *d = g_ptr_array_index(m->devices, i);

		if (d->kind != DEV_ND_REGION || !d->res)
			continue;
		*nfit |= d->res->desc == IORES_DESC_PERSISTENT_MEMORY;
		*legacy |= d->res->desc == IORES_DESC_PERSISTENT_MEMORY_LEGACY;
	}
}

static bool nvdimm_check(struct machine *m, uint64_t start, uint64_t size, int nid, int slot,
			 GError **err)
{
	const struct device *holder;
	bool nfit, legacy;

	if (!profile_has_acpi_and_pci(&m->profile))
		return bad_request(err, "s390x has no NFIT (NVDIMMs are ACPI devices)");
	/* QEMU's MP00 ... MPFF: pc-dimm and nvdimm share the slots */
	if (slot > 255)
		return bad_request(err, "slot %d: QEMU has at most 256 memory slots", slot);
	if (slot >= 0 && memory_slot_taken(m, slot, &holder))
		return bad_request(err, "slot %d is taken by %s", slot, holder->name);
	if (!size || start % NVDIMM_ALIGN || size % NVDIMM_ALIGN)
		return bad_request(err, "0x%" PRIx64 "+0x%" PRIx64 " is not aligned to the page size "
				   "(QEMU: the region and its address are page multiples)", start, size);
	if (start + size - 1 < start || start + size - 1 > profile_physmem_end(&m->profile))
		return bad_request(err, "0x%" PRIx64 "+0x%" PRIx64 " is beyond the addressable range",
				   start, size);
	if (!machine_node_possible(m, nid))
		return bad_request(err, "node %d is not possible", nid);
	/* The nd model numbers the NFIT bus ndbus0, ahead of e820_pmem's
	 * (core/nd_tree.c nd_bus_of()); the kernel would register a first NFIT
	 * bus after a legacy one at boot as ndbus1. */
	nd_region_kinds(m, &nfit, &legacy);
	if (legacy && !nfit)
		return bad_request(err, "a first NFIT bus registered after the legacy pmem bus "
				   "(ndbus1) is not modelled");
	/* QEMU places an NVDIMM in its device memory region, where nothing else
	 * is: the range must be free at the top level (a partial overlap would
	 * also make acpi_nfit_insert_resource() fail with -EBUSY). */
	for (const struct resource *r = m->iomem.child; r; r = r->sibling)
		if (r->end >= start && r->start <= start + size - 1)
			return bad_request(err, "0x%" PRIx64 "-0x%" PRIx64 " overlaps %s [0x%" PRIx64
					   "-0x%" PRIx64 "]: QEMU puts an NVDIMM where nothing is",
					   start, start + size - 1, r->name ? r->name : "<BAD>",
					   r->start, r->end);
	return true;
}

struct device *nvdimm_add(struct machine *m, uint64_t start, uint64_t size, int nid, int slot,
			  GError **err)
{
	struct device *d;
	int id;

	if (!nvdimm_check(m, start, size, nid, slot, err))
		return NULL;
	if (slot < 0)
		for (slot = 0; memory_slot_taken(m, slot, NULL); slot++)
			;
	id = memregion_alloc(m);              /* nd_region_create(): memregion_alloc() */
	d = nd_region_new(id, insert_pmem_resource(m, start, size), nid, true);
	d->has_slot = true;
	d->slot = slot;
	device_register(m, d);
	pmem_namespace_io(m, d);
	return d;
}

/* QEMU 7.2 refuses the unplug before the guest hears of it
 * (pc_memory_unplug_request(), hw/i386/pc.c: "nvdimm device hot unplug is
 * not supported yet."), and Linux has no NFIT hot-remove: acpi_nfit_notify()
 * only re-reads _FIT and registers what is new. */
int nvdimm_remove(struct machine *m, struct device *region, GError **err)
{
	(void)m;
	if (!region->res || region->res->desc != IORES_DESC_PERSISTENT_MEMORY)
		return bad_request(err, "%s is legacy pmem (memmap=), not an NVDIMM", region->name),
		       -EINVAL;
	return bad_request(err, "%s: QEMU cannot unplug an NVDIMM (device_del: \"nvdimm device hot "
			   "unplug is not supported yet.\"), and Linux never removes an NFIT region",
			   region->name), -EINVAL;
}

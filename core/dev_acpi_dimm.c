/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI memory device (PNP0C80, drivers/acpi/acpi_memhotplug.c) and its
 * eject (drivers/acpi/scan.c), 6.1 and 6.12: one _CRS range per DIMM.
 */
#include <errno.h>
#include <inttypes.h>

#include "device.h"
#include "hotplug.h"
#include "online.h"
#include "units.h"

/* acpi_memory_enable_device(), 6.12: a static group of the DIMM's pages, then
 * __add_memory() per range with MHP_NID_IS_MGID, plus MHP_MEMMAP_ON_MEMORY when
 * mhp_supports_memmap_on_memory() (6.1: only for a range of exactly one
 * block; 6.8+: per block, any size - decided in add_memory_resource). */
struct device *dimm_add(struct machine *m, uint64_t start, uint64_t size, int nid, int slot,
			GError **err)
{
	g_autofree char *name = NULL;
	const struct device *holder;
	struct device *d;
	int mgid, ret;

	if (!profile_has_acpi_and_pci(&m->profile))
		return bad_request(err, "s390x has no ACPI memory devices"), NULL;
	/* QEMU's MP00 ... MPFF (ACPI_MAX_RAM_SLOTS, hw/acpi/memory_hotplug.c) */
	if (slot > 255)
		return bad_request(err, "slot %d: QEMU has at most 256 memory slots", slot), NULL;
	if (slot < 0)
		for (slot = 0; memory_slot_taken(m, slot, NULL); slot++)
			;
	if (memory_slot_taken(m, slot, &holder))
		return bad_request(err, "slot %d is taken by %s", slot, holder->name), NULL;
	name = g_strdup_printf("dimm%d", slot);
	if (!check_hotplug_range(m, start, size, nid, err))
		return NULL;

	mgid = memory_group_register_static(m, nid, size >> PAGE_SHIFT);
	if (mgid < 0)
		return kernel_failed(err, -mgid, "memory_group_register_static"), NULL;
	d = g_new0(struct device, 1);
	d->kind = DEV_ACPI_DIMM;
	d->id = slot;
	d->name = g_steal_pointer(&name);
	d->start = start;
	d->size = size;
	d->nid = nid;
	d->mgid = mgid;
	ret = add_memory(m, mgid, start, size, MHP_NID_IS_MGID | MHP_MEMMAP_ON_MEMORY);
	if (ret) {
		/* No range enabled: -ENODEV after memory_group_unregister(). */
		memory_group_unregister(m, mgid);
		device_free(d);
		return kernel_failed(err, ENODEV, "acpi_memory_enable_device: add_memory %s",
				     g_strerror(-ret)), NULL;
	}
	return device_register(m, d);
}

/* QEMU's memory slots (hw/mem/memory-device.c, pc-dimm's and nvdimm's "slot"
 * property alike): a DIMM holds the slot of its name, a hot-added NVDIMM's
 * region the one it was given.  Slots QEMU gave to devices the machine does
 * not know of (a boot NVDIMM's, a boot DIMM's) are not seen. */
bool memory_slot_taken(const struct machine *m, int slot, const struct device **holder)
{
	for (guint i = 0; i < m->devices->len; i++) {
		const struct device *d = g_ptr_array_index(m->devices, i);

		if ((d->kind == DEV_ACPI_DIMM && d->id == slot) ||
		    (d->kind == DEV_ND_REGION && d->has_slot && d->slot == slot)) {
			if (holder)
				*holder = d;
			return true;
		}
	}
	return false;
}

/* acpi_scan_try_to_offline(), drivers/acpi/scan.c 6.12: acpi_bus_offline()
 * over the DIMM's physical nodes (its memory blocks, ascending) twice - the
 * first pass ignores errors, the second stops at the first - then, on
 * failure, acpi_bus_online() puts back online (device_online(), i.e. the
 * default zone: "as Normal" on 6.1 and 6.12) every block this eject offlined; -EBUSY.
 * Success: acpi_memory_remove_memory() -> __remove_memory() per range,
 * memory_group_unregister(). */
int dimm_eject(struct machine *m, struct device *d, GError **err)
{
	size_t n = d->size / m->block_size;
	g_autofree bool *put_online = g_new0(bool, n);
	int err_block = -1, err_ret = 0, ret;

	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 && err_block < 0)
			break;
		err_block = -1;
		for (size_t i = 0; i < n; i++) {
			struct memory_block *b = memory_blocks_find(&m->blocks,
								    d->start / m->block_size + i);

			if (!b || (pass == 1 && put_online[i]))
				continue;
			ret = hotplug_wait(m, memory_subsys_offline(m, b));
			if (ret >= 0) {
				put_online[i] = ret == 0;
				continue;
			}
			err_block = (int)i;
			err_ret = ret;
			if (pass == 1)
				break;
		}
	}
	if (err_block >= 0) {
		/* "Offline failed." */
		for (size_t i = 0; i < n; i++) {
			struct memory_block *b = memory_blocks_find(&m->blocks,
								    d->start / m->block_size + i);

			if (b && put_online[i])
				memory_subsys_online(m, b, MMOP_OFFLINE);
		}
		return kernel_failed(err, EBUSY, "%s: eject: offlining memory%" PRIu64 " failed with %s",
				     d->name, d->start / m->block_size + (uint64_t)err_block,
				     errno_name(-err_ret));
	}
	ret = remove_memory(m, d->start, d->size);
	g_assert(ret == 0);   /* __remove_memory() BUG()s */
	memory_group_unregister(m, d->mgid);
	device_unregister(m, d);
	return 0;
}

/*
 * acpi_memory_enable_device() -> acpi_bind_memory_blocks() -> acpi_bind_one()
 * (drivers/acpi/acpi_memhotplug.c, drivers/acpi/glue.c, 6.1/6.12): every block
 * of the device gets a "firmware_node" link to the device's ACPI node.  The
 * node is QEMU's (7.2, machines pc and q35 alike): the slots are MP00, MP01 ...
 * in the container \_SB.MHPC, the fifth PNP0A06 the ACPI scan meets; every slot
 * is enumerated at boot, so PNP0C80:NN (acpi_device_set_name(): "%s:%02x" from
 * a per-HID IDA, drivers/acpi/scan.c) is the slot: the one dimm-add is given
 * (QEMU's query-memory-devices says it), else the lowest free one, as QEMU
 * plugs a DIMM and as dimmN is numbered.  A slot the simulation does not
 * know is taken (an NVDIMM's, a boot DIMM's) shifts it: with an NVDIMM in
 * slot 0 the first DIMM plugged is PNP0C80:01 on 6.1 and 6.12.  Read on Debian 6.1.0-57 and
 * 6.12.117 guests: ../../../LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/PNP0C80:00.
 */
bool dimm_firmware_node(const struct machine *m, const struct memory_block *b, GString *out)
{
	if (!b || !b->group)
		return false;
	for (guint i = 0; i < m->devices->len; i++) {
		const struct device *d = g_ptr_array_index(m->devices, i);

		if (d->kind != DEV_ACPI_DIMM || d->mgid != b->group)
			continue;
		if (out)
			g_string_append_printf(out, "../../../LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/"
					       "PNP0C80:%02x", (unsigned)d->id);
		return true;
	}
	return false;
}

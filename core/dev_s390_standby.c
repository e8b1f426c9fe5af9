/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * s390 standby storage (drivers/s390/char/sclp_cmd.c, 6.8 - 6.18): the SCLP
 * reports standby increments; sclp_add_standby_memory() adds every whole
 * memory block of them at boot with add_memory(MHP_MEMMAP_ON_MEMORY |
 * MHP_OFFLINE_INACCESSIBLE) (EDAT1), so the blocks appear offline (per
 * auto_online_blocks) with a top-level "System RAM" each and no firmware
 * map (s390 has none).  sclp_mem_notifier: MEM_PREPARE_ONLINE assigns the
 * increments (memmap included) and may fail; MEM_FINISH_OFFLINE unassigns
 * them; MEM_GOING_OFFLINE of a range holding standby increments is vetoed
 * with NOTIFY_BAD (EPERM at the writer).
 */
#include <errno.h>
#include <inttypes.h>

#include "device.h"
#include "hotplug.h"

#include "units.h"

/* The increments of d that [start, end] touches: [*first, *last]; false if none. */
static bool increments(const struct device *d, uint64_t start, uint64_t end, uint64_t *first,
		       uint64_t *last)
{
	uint64_t dend = d->start + d->size - 1;

	if (end < d->start || start > dend)
		return false;
	*first = (MAX(start, d->start) - d->start) / d->increment;
	*last = (MIN(end, dend) - d->start) / d->increment;
	return true;
}

/* sclp_mem_notifier(), 6.8 - 6.18 */
static int sclp_mem_notifier(struct notifier_block *nb, enum mem_action action,
			     const struct memory_notify *arg)
{
	struct device *d = nb->data;
	uint64_t start = arg->start_pfn << PAGE_SHIFT, size = arg->nr_pages << PAGE_SHIFT;
	uint64_t first, last;
	int rc = 0;

	/* "When altmap is in use, take the specified memory range online,
	 * which includes the altmap." */
	if ((action == MEM_PREPARE_ONLINE || action == MEM_FINISH_OFFLINE) && arg->altmap_nr_pages) {
		start = arg->altmap_start_pfn << PAGE_SHIFT;
		size += arg->altmap_nr_pages << PAGE_SHIFT;
	}
	if (!size || !increments(d, start, start + size - 1, &first, &last))
		return NOTIFY_OK;
	switch (action) {
	case MEM_GOING_OFFLINE:
		/* "Do not allow to set memory blocks offline that contain standby memory." */
		for (uint64_t i = first; i <= last; i++)
			if (!d->assigned[i])
				rc = -EPERM;
		break;
	case MEM_PREPARE_ONLINE:
		/* sclp_mem_change_state(start, size, 1): assign storage */
		if (d->assign_fails) {
			rc = -EIO;
			break;
		}
		for (uint64_t i = first; i <= last; i++)
			d->assigned[i] = 1;
		break;
	case MEM_FINISH_OFFLINE:
		for (uint64_t i = first; i <= last; i++)
			d->assigned[i] = 0;
		break;
	default:
		break;
	}
	return rc ? NOTIFY_BAD : NOTIFY_OK;
}

struct device *s390_standby_add(struct machine *m, uint64_t start, uint64_t size,
				uint64_t increment, GError **err)
{
	uint64_t bs = m->block_size, first_block, end_block;
	struct device *d;

	if (!profile_has_s390_standby_notifier(&m->profile))
		return bad_request(err, "standby memory as modelled here needs s390x with kernel "
				   "6.8 - 6.18 (this is %s %u.%u)",
				   profile_arch_name(m->profile.arch), m->profile.kernel / 100,
				   m->profile.kernel % 100), NULL;
	for (guint i = 0; i < m->devices->len; i++)
		if (((struct device *)g_ptr_array_index(m->devices, i))->kind == DEV_S390_STANDBY)
			return bad_request(err, "the SCLP reports standby memory once"), NULL;
	if (!increment || (increment & (increment - 1)) || increment > bs)
		return bad_request(err, "increment 0x%" PRIx64 " is not a power of two up to the "
				   "block size", increment), NULL;
	if (!size || start % increment || size % increment || start + size - 1 < start)
		return bad_request(err, "0x%" PRIx64 "+0x%" PRIx64 " is not made of whole "
				   "increments of 0x%" PRIx64, start, size, increment), NULL;
	/* align_to_block_size(): only whole blocks are added. */
	first_block = (start + bs - 1) / bs;
	end_block = (start + size) / bs;
	if (end_block > first_block &&
	    !check_hotplug_range(m, first_block * bs, (end_block - first_block) * bs, 0, err))
		return NULL;
	if (machine_present_bytes(m, start, size))
		return bad_request(err, "0x%" PRIx64 "-0x%" PRIx64 " overlaps assigned storage",
				   start, start + size - 1), NULL;

	d = g_new0(struct device, 1);
	d->kind = DEV_S390_STANDBY;
	d->name = g_strdup("standby0");
	d->start = start;
	d->size = size;
	d->increment = increment;
	d->assigned = g_new0(guint8, size / increment);
	d->nb = (struct notifier_block){ .name = "sclp_mem_notifier", .priority = 0,
					 .call = sclp_mem_notifier, .data = d };
	device_register(m, d);
	/* register_memory_notifier(&sclp_mem_nb) in sclp_detect_standby_memory() */
	notifier_chain_register(&m->memory_chain, &d->nb);
	for (uint64_t b = first_block; b < end_block; b++) {
		int ret = add_memory(m, 0, b * bs, bs, MHP_MEMMAP_ON_MEMORY | MHP_OFFLINE_INACCESSIBLE);

		g_assert(ret == 0);
	}
	return d;
}

bool s390_standby_fault(struct machine *m, uint64_t block, bool has_standby, bool standby,
			bool has_assign_fails, bool assign_fails, GError **err)
{
	struct device *d = NULL;
	uint64_t first, last;

	for (guint i = 0; i < m->devices->len && !d; i++)
		if (((struct device *)g_ptr_array_index(m->devices, i))->kind == DEV_S390_STANDBY)
			d = g_ptr_array_index(m->devices, i);
	if (!d)
		return bad_request(err, "there is no standby memory (s390-standby-add)");
	if (has_standby && !increments(d, block * m->block_size, (block + 1) * m->block_size - 1,
				       &first, &last))
		return bad_request(err, "memory%" PRIu64 " holds no standby increment", block);
	if (has_assign_fails)
		d->assign_fails = assign_fails;
	if (has_standby)
		for (uint64_t i = first; i <= last; i++)
			d->assigned[i] = !standby;
	m->generation++;
	return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "online.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "sysfs_parse.h"
#include "units.h"
#include "zone.h"

#ifndef EHWPOISON
#define EHWPOISON 133
#endif

/* ---- events ------------------------------------------------------------ */

/* memory_notify(): one call of the chain, written to the event log. */
static int memory_notify(struct machine *m, enum mem_action action, const struct memory_notify *arg)
{
	int ret;

	if (!mem_action_exists(&m->profile, action))
		return NOTIFY_DONE;
	ret = notifier_call_chain(&m->memory_chain, action, arg);
	event_log_add(&m->log, (struct event){ .kind = EVENT_NOTIFY, .block = arg->block,
					      .action = action,
					      .raw = mem_action_value(&m->profile, action),
					      .ret = ret, .arg = *arg });
	return ret;
}

void memory_block_uevent(struct machine *m, uint64_t id, enum uevent_action a)
{
	event_log_add(&m->log, (struct event){ .kind = EVENT_UEVENT, .block = id, .uevent = a });
}

/* kobject_synth_uevent() -> kobject_uevent_env(), lib/kobject_uevent.c 6.12:
 * memory blocks add no variables of their own (memory_subsys has no uevent
 * callback, the devices no type, devt or driver). */
int memory_block_store_uevent(struct machine *m, uint64_t id, const char *buf, size_t len)
{
	g_autoptr(GString) synth = g_string_new(NULL);
	g_autofree char *devpath = g_strdup_printf("/devices/system/memory/memory%" PRIu64, id);
	enum uevent_action a;
	int rc = uevent_synth_parse(buf, len, &a, synth);

	if (rc == 0)
		rc = uevent_env_fits(a, devpath, "memory", synth->str, event_log_last(&m->log) + 1);
	if (rc < 0)
		return rc;
	event_log_add(&m->log, (struct event){ .kind = EVENT_UEVENT, .block = id, .uevent = a,
					      .synth = machine_intern(m, synth->str) });
	return 0;
}

int memory_root_store_uevent(struct machine *m, const char *buf, size_t len)
{
	g_autoptr(GString) synth = g_string_new(NULL);
	enum uevent_action a;

	(void)m;
	return uevent_synth_parse(buf, len, &a, synth);
}

/* ---- the ranges a block's notifications describe ----------------------- */

/* Pages of memmap at the start of a block hot-added with memmap_on_memory:
 * struct page is 64 bytes (mhp_init_memmap_on_memory, mem->altmap->free). */
static uint64_t vmemmap_pages(const struct machine *m, const struct memory_block *b)
{
	if (!(b->flags & BLOCK_ALTMAP))
		return 0;
	return (m->block_size >> PAGE_SHIFT) * STRUCT_PAGE_SIZE >> PAGE_SHIFT;
}

/* memory_block_online/offline: the memmap is described by the altmap fields,
 * the rest by start_pfn/nr_pages (6.8+; before, only the rest). */
static struct memory_notify block_notify_arg(const struct machine *m, const struct memory_block *b)
{
	uint64_t start_pfn = block_start(m, b) >> PAGE_SHIFT;
	uint64_t nr_pages = m->block_size >> PAGE_SHIFT, vmemmap = vmemmap_pages(m, b);
	struct memory_notify arg = {
		.start_pfn = start_pfn + vmemmap, .nr_pages = nr_pages - vmemmap, .block = b->id,
	};

	if (profile_has_prepare_online(&m->profile)) {
		arg.altmap_start_pfn = start_pfn;
		arg.altmap_nr_pages = vmemmap;
	}
	return arg;
}

/* online_pages()/offline_pages() declare their own memory_notify with only
 * the pages being onlined or offlined. */
static struct memory_notify pages_arg(const struct memory_notify *block_arg)
{
	return (struct memory_notify){ .start_pfn = block_arg->start_pfn,
				       .nr_pages = block_arg->nr_pages,
				       .block = block_arg->block };
}

/* ---- online ------------------------------------------------------------ */

/* online_pages(), mm/memory_hotplug.c 6.12 */
static int online_pages(struct machine *m, struct memory_block *b, enum zone_type zone,
			const struct memory_notify *block_arg)
{
	struct memory_notify arg = pages_arg(block_arg);
	int ret;

	/* move_pfn_range_to_zone(): the range joins the zone (isolated). */
	b->state = BLOCK_ONLINE;
	zone_add_block(m, b, zone);
	ret = notifier_to_errno(memory_notify(m, MEM_GOING_ONLINE, &arg));
	if (ret) {
		memory_notify(m, MEM_CANCEL_ONLINE, &arg);
		/* remove_pfn_range_from_zone() */
		zone_remove_block(m, b);
		b->state = BLOCK_OFFLINE;
		return ret;
	}
	memory_notify(m, MEM_ONLINE, &arg);
	return 0;
}

/* memory_block_online(), drivers/base/memory.c 6.12 (6.1: no PREPARE_ONLINE,
 * no poison check; 6.19: no PREPARE/FINISH). */
static int memory_block_online(struct machine *m, struct memory_block *b)
{
	struct memory_notify arg = block_notify_arg(m, b);
	enum zone_type zone;
	int ret;

	/* memblk_nr_poison(), 6.2+ */
	if (profile_checks_poison_on_online(&m->profile) && faults_poison_count(&m->faults, b->id))
		return -EHWPOISON;
	zone = zone_for_pfn_range(m, (enum mmop)b->online_type, b->nid, b->group,
				  block_start(m, b), m->block_size);
	ret = notifier_to_errno(memory_notify(m, MEM_PREPARE_ONLINE, &arg));
	if (ret)
		return ret;
	ret = online_pages(m, b, zone, &arg);
	if (ret)
		memory_notify(m, MEM_FINISH_OFFLINE, &arg);
	return ret;
}

/* ---- offline ----------------------------------------------------------- */

static int count_system_ram(const struct resource *hit, void *arg)
{
	*(uint64_t *)arg += hit->end - hit->start + 1;
	return 0;
}

/* offline_pages(), 6.1 and 6.12: "memory holes" when the System RAM
 * resources (walk_system_ram_range(), busy System RAM of any desc, nested
 * ones included) do not cover the whole block: what /proc/iomem shows, not
 * memblock (a firmware-reserved tail of RAM is present but not System RAM). */
static bool block_has_holes(const struct machine *m, const struct memory_block *b)
{
	uint64_t ram = 0, s = block_start(m, b);

	/* A captured tree without /proc/iomem: its blocks' memory is RAM. */
	if (!m->has_iomem)
		return machine_present_bytes(m, s, m->block_size) != m->block_size;
	walk_system_ram_res(&m->iomem, s, s + m->block_size - 1, count_system_ram, &ram);
	return ram != m->block_size;
}

/* Reserved memblock pages (kernel image, crash kernel) are unmovable:
 * has_unmovable_pages() fails isolation for them. */
static bool block_unmovable(const struct machine *m, const struct memory_block *b)
{
	uint64_t s = block_start(m, b), e = s + m->block_size - 1;

	if (faults_get(&m->faults, b->id).unmovable)
		return true;
	/* The kernel image and the crash kernel live in memblock.reserved. */
	for (const struct resource *r = m->iomem.child; r; r = r->sibling) {
		for (const struct resource *c = r->child; c; c = c->sibling) {
			bool reserved = c->desc == IORES_DESC_CRASH_KERNEL ||
					(c->name && g_str_has_prefix(c->name, "Kernel "));

			if (reserved && c->start <= e && c->end >= s)
				return true;
		}
	}
	return false;
}

/* The part of offline_pages() after MEM_GOING_OFFLINE: migrate, then
 * MEM_OFFLINE and the zone shrinks; MEM_FINISH_OFFLINE ends memory_block_offline. */
static int offline_rest(struct machine *m, struct memory_block *b, const struct memory_notify *block_arg,
			int err)
{
	struct memory_notify arg = pages_arg(block_arg);

	if (err) {
		/* failed_removal_isolated: undo_isolate_page_range, MEM_CANCEL_OFFLINE */
		memory_notify(m, MEM_CANCEL_OFFLINE, &arg);
		return err;
	}
	memory_notify(m, MEM_OFFLINE, &arg);
	zone_remove_block(m, b);
	b->state = BLOCK_OFFLINE;
	memory_notify(m, MEM_FINISH_OFFLINE, block_arg);
	return 0;
}

/* The migration loop's outcome: a pending signal first, then unmovable pages. */
static int migrate_block(const struct machine *m, const struct memory_block *b)
{
	struct block_fault f = faults_get(&m->faults, b->id);

	if (f.signal)
		return -EINTR;
	if (f.unmovable_late)
		return -EBUSY;
	return 0;
}

/* memory_block_offline() + offline_pages(), 6.12. */
static int memory_block_offline(struct machine *m, struct memory_block *b)
{
	struct memory_notify block_arg = block_notify_arg(m, b);
	struct memory_notify arg = pages_arg(&block_arg);
	struct block_fault f = faults_get(&m->faults, b->id);
	int ret;

	if (b->zone == ZONE_NONE)
		return -EINVAL;        /* spans zones or nodes: "none" */
	if (block_has_holes(m, b))
		return -EINVAL;        /* "memory holes" */
	if (block_unmovable(m, b))
		return -EBUSY;         /* "failure to isolate range": no notifier call (seen on 6.1 and 6.12) */
	ret = notifier_to_errno(memory_notify(m, MEM_GOING_OFFLINE, &arg));
	if (ret) {
		memory_notify(m, MEM_CANCEL_OFFLINE, &arg);
		return ret;
	}
	if (f.slow_offline_ms && !f.signal && !f.unmovable_late) {
		m->pending = (struct hotplug_op){ .active = true, .block = b->id,
						  .duration_ms = f.slow_offline_ms, .arg = block_arg };
		return STORE_PENDING;
	}
	return offline_rest(m, b, &block_arg, migrate_block(m, b));
}

/* ---- device_online / device_offline of a memory block ------------------- */

/* memory_block_change_state(): going-offline while offlining; back to
 * "from" on failure. */
static int change_state(struct machine *m, struct memory_block *b, enum block_state to,
			enum block_state from)
{
	int ret;

	if (b->state != from)
		return -EINVAL;
	if (to == BLOCK_OFFLINE) {
		b->state = BLOCK_GOING_OFFLINE;
		ret = memory_block_offline(m, b);
		if (ret == STORE_PENDING)
			return ret;
	} else {
		ret = memory_block_online(m, b);
	}
	b->state = (uint8_t)(ret ? from : to);
	return ret;
}

int memory_subsys_online(struct machine *m, struct memory_block *b, enum mmop type)
{
	int ret;

	if (b->state != BLOCK_OFFLINE)
		return 1;          /* dev->offline is false */
	/* memory_subsys_online(): MMOP_OFFLINE means "the default", MMOP_ONLINE. */
	b->online_type = (uint8_t)(type == MMOP_OFFLINE ? MMOP_ONLINE : type);
	ret = change_state(m, b, BLOCK_ONLINE, BLOCK_OFFLINE);
	b->online_type = MMOP_OFFLINE;
	if (!ret) {
		memory_block_uevent(m, b->id, UEVENT_ONLINE);
		m->generation++;
	}
	return ret;
}

int memory_subsys_offline(struct machine *m, struct memory_block *b)
{
	int ret;

	if (b->state == BLOCK_OFFLINE)
		return 1;          /* dev->offline is true */
	ret = change_state(m, b, BLOCK_OFFLINE, BLOCK_ONLINE);
	if (!ret) {
		memory_block_uevent(m, b->id, UEVENT_OFFLINE);
		m->generation++;
	}
	return ret;
}

static int finish_pending(struct machine *m, int err)
{
	struct memory_block *b = memory_blocks_find(&m->blocks, m->pending.block);
	struct memory_notify arg = m->pending.arg;
	int ret;

	m->pending.active = false;
	ret = offline_rest(m, b, &arg, err);
	b->state = (uint8_t)(ret ? BLOCK_ONLINE : BLOCK_OFFLINE);
	if (!ret) {
		memory_block_uevent(m, b->id, UEVENT_OFFLINE);
		m->generation++;
	}
	return ret;
}

int machine_hotplug_finish(struct machine *m)
{
	g_return_val_if_fail(m->pending.active, -EINVAL);
	return finish_pending(m, migrate_block(m, memory_blocks_find(&m->blocks, m->pending.block)));
}

int hotplug_wait(struct machine *m, int ret)
{
	return ret == STORE_PENDING ? machine_hotplug_finish(m) : ret;
}

int machine_hotplug_interrupt(struct machine *m)
{
	g_return_val_if_fail(m->pending.active, -EINVAL);
	/* "signal backoff" */
	return finish_pending(m, -EINTR);
}

/* ---- stores ------------------------------------------------------------ */

/* The store's return value from memory_subsys_online/offline's (state_store). */
static int store_result(int ret)
{
	if (ret == STORE_PENDING)
		return ret;
	if (ret < 0)
		return ret;
	return ret ? -EINVAL : 0;
}

int memory_block_store_state(struct machine *m, uint64_t id, const char *buf, size_t len)
{
	struct memory_block *b = memory_blocks_find(&m->blocks, id);
	int type = mmop_from_sysfs(buf, len);

	/* mhp_online_type_from_str() first, before any lock: EINVAL. */
	if (type < 0)
		return -EINVAL;
	/* lock_device_hotplug_sysfs(): trylock, else restart_syscall(). */
	if (machine_hotplug_busy(m))
		return STORE_RETRY;
	if (type == MMOP_OFFLINE)
		return store_result(memory_subsys_offline(m, b));
	return store_result(memory_subsys_online(m, b, (enum mmop)type));
}

/* online_store(): "already in that state" (1) is success here. */
int memory_block_store_online(struct machine *m, uint64_t id, const char *buf, size_t len)
{
	struct memory_block *b = memory_blocks_find(&m->blocks, id);
	bool on;
	int ret = kstrtobool(buf, strnlen(buf, len), &on);

	if (ret)
		return ret;
	if (machine_hotplug_busy(m))
		return STORE_RETRY;
	ret = on ? memory_subsys_online(m, b, MMOP_OFFLINE) : memory_subsys_offline(m, b);
	return ret == STORE_PENDING || ret < 0 ? ret : 0;
}

/* ---- hwpoison ------------------------------------------------------------ */

static struct memory_block *online_block_of(const struct machine *m, uint64_t addr)
{
	struct memory_block *b = memory_blocks_find(&m->blocks, addr / m->block_size);

	if (!b || b->state == BLOCK_OFFLINE || !machine_present_bytes(m, addr, 1))
		return NULL;
	return b;
}

/* hard_offline_page_store() -> memory_failure(pfn, MF_SW_SIMULATED), 6.12 */
int memory_store_hard_offline_page(struct machine *m, const char *buf, size_t len)
{
	unsigned long long addr;
	int ret = kstrtoull0(buf, len, &addr);
	struct memory_block *b;

	if (ret)
		return ret;
	b = online_block_of(m, addr);
	if (!b)
		return -ENXIO;     /* "memory outside kernel control" */
	if (faults_page_poisoned(&m->faults, addr >> PAGE_SHIFT))
		return -EHWPOISON; /* "already hardware poisoned" */
	faults_poison_page(&m->faults, addr >> PAGE_SHIFT, b->id);
	m->generation++;
	return 0;
}

/* soft_offline_page_store() -> soft_offline_page(): the page is migrated
 * away and marked poisoned; already poisoned is success. */
int memory_store_soft_offline_page(struct machine *m, const char *buf, size_t len)
{
	unsigned long long addr;
	int ret = kstrtoull0(buf, len, &addr);
	struct memory_block *b;

	if (ret)
		return ret;
	if (!memory_blocks_find(&m->blocks, addr / m->block_size))
		return -ENXIO;     /* !pfn_valid() */
	b = online_block_of(m, addr);
	if (!b)
		return -EIO;       /* pfn_to_online_page() failed */
	faults_poison_page(&m->faults, addr >> PAGE_SHIFT, b->id);
	m->generation++;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Onlining and offlining memory blocks: the state machine of
 * drivers/base/memory.c and mm/memory_hotplug.c (6.1, 6.8 - 6.18, 6.19),
 * with the memory notifier chain, uevents and the zone bookkeeping.
 */
#ifndef HOTPLUGFS_ONLINE_H
#define HOTPLUGFS_ONLINE_H

#include "machine.h"
#include "store.h"

/* state_store(): online, online_kernel, online_movable, offline. */
int memory_block_store_state(struct machine *m, uint64_t id, const char *buf, size_t len);
/* online_store() (drivers/base/core.c): kstrtobool, then device_online/offline. */
int memory_block_store_online(struct machine *m, uint64_t id, const char *buf, size_t len);

/*
 * device_online()/device_offline() of a memory block (drivers/base/core.c,
 * which call memory_subsys_online()/offline()): 0, 1 (already in that
 * state) or -errno; memory_subsys_offline may return STORE_PENDING.
 */
int memory_subsys_online(struct machine *m, struct memory_block *b, enum mmop type);
int memory_subsys_offline(struct machine *m, struct memory_block *b);
/* A result that may be STORE_PENDING, waited for: callers inside the kernel
 * (an eject, offline_and_remove_memory, an op) block until the migration
 * loop ends.  Other results pass through. */
int hotplug_wait(struct machine *m, int ret);

/* Completes the pending offline: the rest of offline_pages(); 0 or -errno. */
int machine_hotplug_finish(struct machine *m);
/* A signal reached the writer: offline_pages()' signal_pending() check. */
int machine_hotplug_interrupt(struct machine *m);
/* Whether a slow offline holds lock_device_hotplug_sysfs(). */
static inline bool machine_hotplug_busy(const struct machine *m)
{
	return m->pending.active;
}

/* hard_offline_page / soft_offline_page stores (drivers/base/memory.c). */
int memory_store_hard_offline_page(struct machine *m, const char *buf, size_t len);
int memory_store_soft_offline_page(struct machine *m, const char *buf, size_t len);

/* kobject_uevent(&mem->dev.kobj, action), written to the event log. */
void memory_block_uevent(struct machine *m, uint64_t id, enum uevent_action a);
/* uevent_store() (drivers/base/core.c) of memoryN/uevent: the synthetic uevent
 * kobject_synth_uevent() sends, logged; 0, -EINVAL or -ENOMEM (see
 * uevent_synth_parse, uevent_env_fits).  Nothing else changes. */
int memory_block_store_uevent(struct machine *m, uint64_t id, const char *buf, size_t len);
/* The same store on the memory root (/sys/devices/system/memory/uevent):
 * parsed alike, then dev_uevent_filter() drops it (the root device has
 * neither bus nor class): 0 or -EINVAL, and no uevent. */
int memory_root_store_uevent(struct machine *m, const char *buf, size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Onlining and offlining memory blocks: the state machine of
 * drivers/base/memory.c and mm/memory_hotplug.c (6.1, 6.8 - 6.18, 6.19),
 * with the memory notifier chain, uevents and the zone bookkeeping.
 */
#ifndef HOTPLUGFS_ONLINE_H
#define HOTPLUGFS_ONLINE_H

#include "machine.h"

/*
 * Results of a store besides 0 and -errno; userspace never sees them.
 * STORE_PENDING: a slow offline has started; the front end completes it
 * with machine_hotplug_finish() after machine->pending.duration_ms, or
 * interrupts it with machine_hotplug_interrupt() when the writer gets a
 * signal.  STORE_RETRY: lock_device_hotplug_sysfs() is held by that pending
 * store; run this store again once it is done (restart_syscall()).
 */
enum { STORE_PENDING = 0x100, STORE_RETRY = 0x101 };   /* apart from device_online's 1 */

/* state_store(): online, online_kernel, online_movable, offline. */
int memory_block_store_state(struct machine *m, uint64_t id, const char *buf, size_t len);
/* online_store() (drivers/base/core.c): kstrtobool, device_online/offline. */
int memory_block_store_online(struct machine *m, uint64_t id, const char *buf, size_t len);

/* device_online()/device_offline(): 0, 1 (already in that state) or -errno.
 * device_offline may return STORE_PENDING. */
int device_online(struct machine *m, struct memory_block *b, enum mmop type);
int device_offline(struct machine *m, struct memory_block *b);

/* Completes the pending offline: the rest of offline_pages(); 0 or -errno. */
int machine_hotplug_finish(struct machine *m);
/* A signal reached the writer: offline_pages()' signal_pending() check. */
int machine_hotplug_interrupt(struct machine *m);

/* hard_offline_page / soft_offline_page stores (drivers/base/memory.c). */
int memory_store_hard_offline_page(struct machine *m, const char *buf, size_t len);
int memory_store_soft_offline_page(struct machine *m, const char *buf, size_t len);

/* kstrtobool() (lib/kstrtox.c): 0 or -EINVAL. */
int kstrtobool(const char *s, size_t len, bool *out);
/* kstrtoull(s, 0): base prefixes, one trailing newline; 0, -EINVAL, -ERANGE. */
int kstrtoull0(const char *buf, size_t len, unsigned long long *out);
/* kstrtoll(s, 0), as debugfs signed attributes parse. */
int kstrtoll0(const char *buf, size_t len, long long *out);

#endif

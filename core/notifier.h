/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory notifier chain (kernel/notifier.c, include/linux/notifier.h,
 * include/linux/memory.h): callbacks ordered by priority, the first one that
 * sets NOTIFY_STOP_MASK ends the walk.
 */
#ifndef HOTPLUGFS_NOTIFIER_H
#define HOTPLUGFS_NOTIFIER_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "profile.h"

/* The actions, named; their numbers depend on the kernel (mem_action_value). */
enum mem_action {
	MEM_ONLINE, MEM_GOING_OFFLINE, MEM_OFFLINE, MEM_GOING_ONLINE, MEM_CANCEL_ONLINE,
	MEM_CANCEL_OFFLINE, MEM_PREPARE_ONLINE, MEM_FINISH_OFFLINE, NR_MEM_ACTIONS
};

#define NOTIFY_DONE 0x0000
#define NOTIFY_OK 0x0001
#define NOTIFY_STOP_MASK 0x8000
#define NOTIFY_BAD (NOTIFY_STOP_MASK | 0x0002)
#define NOTIFY_STOP (NOTIFY_OK | NOTIFY_STOP_MASK)

static inline int notifier_from_errno(int err)
{
	return err ? NOTIFY_STOP_MASK | (NOTIFY_OK - err) : NOTIFY_OK;
}
static inline int notifier_to_errno(int ret)
{
	ret &= ~NOTIFY_STOP_MASK;
	return ret > NOTIFY_OK ? NOTIFY_OK - ret : 0;
}

/* struct memory_notify: pfns of the range being onlined/offlined. */
struct memory_notify {
	uint64_t altmap_start_pfn, altmap_nr_pages;   /* 6.8 - 6.18 */
	uint64_t start_pfn, nr_pages;
	uint64_t block;                               /* memoryN, for the event log */
};

struct notifier_block {
	const char *name;
	int priority;
	int (*call)(struct notifier_block *nb, enum mem_action action,
		    const struct memory_notify *arg);
	void *data;
};

struct notifier_chain {
	GPtrArray *blocks;        /* struct notifier_block *, highest priority first */
};

void notifier_chain_init(struct notifier_chain *c);
void notifier_chain_clear(struct notifier_chain *c);
/* notifier_chain_register(): after every block of equal or higher priority. */
void notifier_chain_register(struct notifier_chain *c, struct notifier_block *nb);
void notifier_chain_unregister(struct notifier_chain *c, struct notifier_block *nb);
/* notifier_call_chain(): the last return value; stops at NOTIFY_STOP_MASK. */
int notifier_call_chain(const struct notifier_chain *c, enum mem_action action,
			const struct memory_notify *arg);

/* Whether a kernel has the action at all (PREPARE/FINISH: 6.8 - 6.18). */
bool mem_action_exists(const struct profile *p, enum mem_action a);
/* The raw number the kernel passes: bit flags, or the enum of 6.19 (and of
 * Debian's 6.12.111+, which backported it). */
unsigned mem_action_value(const struct profile *p, enum mem_action a);
const char *mem_action_name(enum mem_action a);      /* "MEM_GOING_ONLINE" */
bool mem_action_parse(const char *name, enum mem_action *out);

#endif

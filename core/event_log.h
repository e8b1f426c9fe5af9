/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the machine did, in order: every memory notifier call and every
 * uevent, numbered.  A bounded ring: the newest EVENT_LOG_CAPACITY events.
 */
#ifndef HOTPLUGFS_EVENT_LOG_H
#define HOTPLUGFS_EVENT_LOG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "notifier.h"

#define EVENT_LOG_CAPACITY 65536

enum event_kind {
	EVENT_NOTIFY,          /* a memory notifier call */
	EVENT_UEVENT,          /* a memory block uevent */
	EVENT_IOMEM,           /* a resource appeared, went or changed */
	EVENT_FIRMWARE_MAP,    /* a /sys/firmware/memmap entry appeared or went */
	EVENT_DEVICE,          /* a hotplug device (core/device.h) appeared or went */
	EVENT_DEVICE_UEVENT,   /* a uevent of another device than a memory block
				  (core/device_uevent.h): nd, dax */
};

/* CHANGE_BIND/UNBIND: a device's driver came or went (KOBJ_BIND, KOBJ_UNBIND). */
enum change { CHANGE_ADD, CHANGE_REMOVE, CHANGE_RESIZE, CHANGE_BIND, CHANGE_UNBIND };

/* enum kobject_action (include/linux/kobject.h), in its order.  Memory blocks
 * emit add, remove, online and offline of themselves (add/remove_memory_block,
 * device_online/offline); a write to their uevent file any of them. */
enum uevent_action {
	UEVENT_ADD, UEVENT_REMOVE, UEVENT_CHANGE, UEVENT_MOVE,
	UEVENT_ONLINE, UEVENT_OFFLINE, UEVENT_BIND, UEVENT_UNBIND,
};

struct event {
	uint64_t seq;              /* 1, 2, ... never reused (SEQNUM for uevents) */
	enum event_kind kind;
	uint64_t block;            /* memoryN */
	/* EVENT_NOTIFY */
	enum mem_action action;
	unsigned raw;              /* the action's number on this kernel */
	int ret;                   /* what the chain returned */
	struct memory_notify arg;
	/* EVENT_UEVENT */
	enum uevent_action uevent;
	/* A synthetic uevent (a write to the block's uevent file): the variables
	 * kobject_synth_uevent() adds, one "KEY=VALUE\n" each ("SYNTH_UUID=0\n"
	 * at least; machine-owned).  NULL: the uevent of a real change. */
	const char *synth;
	/* EVENT_IOMEM, EVENT_FIRMWARE_MAP, EVENT_DEVICE: the range, inclusive, and its name
	 * or type (machine-owned strings); nr is the memmap entry */
	enum change change;
	uint64_t start, end;
	const char *name;
	unsigned nr;
	/* EVENT_DEVICE_UEVENT (and uevent): its DEVPATH ("/devices/..."), SUBSYSTEM
	 * and the variables the device adds after SUBSYSTEM, one "KEY=VALUE\n"
	 * each, in the kernel's order (machine-owned strings). */
	const char *devpath, *subsystem, *env;
};

/* Called for every event as it is logged, in order, while the change that
 * made it is still under way: the view of the machine may be between two
 * steps of one operation. */
typedef void (*event_fn)(void *ctx, const struct event *e);

struct event_log {
	struct event *ring;
	uint64_t next_seq;         /* seq of the next event; the oldest kept is
				      max(1, next_seq - EVENT_LOG_CAPACITY) */
	GArray *subscribers;       /* struct event_subscriber */
	/* Events a subscriber logged while an event was being told: told after
	 * it, in order, so every subscriber sees the log in seq order. */
	bool telling;
	GArray *queued;            /* uint64_t seq */
};

void event_log_init(struct event_log *log);
void event_log_clear(struct event_log *log);
/* Numbers e (its seq is set here), keeps it and tells the subscribers (when
 * called from a subscriber: after the event being told). */
uint64_t event_log_add(struct event_log *log, struct event e);
/* Every later event goes to fn too; unsubscribe with the same pair. */
void event_log_subscribe(struct event_log *log, event_fn fn, void *ctx);
void event_log_unsubscribe(struct event_log *log, event_fn fn, void *ctx);
/* The event with this seq, or NULL if not (or no longer) kept. */
const struct event *event_log_get(const struct event_log *log, uint64_t seq);
static inline uint64_t event_log_last(const struct event_log *log)
{
	return log->next_seq - 1;
}

const char *uevent_action_name(enum uevent_action a);   /* "add", "online", ... */

/*
 * What a write of buf to a device's uevent file asks for, parsed as
 * kobject_synth_uevent() does (lib/kobject_uevent.c): an action word, alone
 * ("add\n": *synth gets "SYNTH_UUID=0\n") or followed by a UUID and
 * " KEY=value" pairs of letters and digits ("SYNTH_UUID=...\n",
 * "SYNTH_ARG_KEY=value\n" ...).  0, or -EINVAL (kobject_action_type() or
 * kobject_action_args() refused it: nothing is sent).
 */
int uevent_synth_parse(const char *buf, size_t len, enum uevent_action *action, GString *synth);
/*
 * Whether kobject_uevent_env() can build the environment of this uevent:
 * ACTION, DEVPATH, SUBSYSTEM, the caller's variables (lines of extra, may be
 * NULL) and SEQNUM=seq in one buffer of UEVENT_BUFFER_SIZE (2048) bytes and
 * at most UEVENT_NUM_ENVP (64) variables (add_uevent_var()); else -ENOMEM.
 */
int uevent_env_fits(enum uevent_action action, const char *devpath, const char *subsystem,
		    const char *extra, uint64_t seq);
/* One line: "seq=N notify MEM_GOING_ONLINE(8) block=32 start_pfn=0x100000 ..." or
 * "seq=N uevent ACTION=online DEVPATH=/devices/system/memory/memory32 SUBSYSTEM=memory
 * SEQNUM=N" (a synthetic one has its SYNTH_ variables before SEQNUM). */
void event_format(const struct event *e, GString *out);
const char *change_name(enum change c);   /* "add", "remove", "resize", "bind", "unbind" */

#endif

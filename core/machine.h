/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated machine: one model from which every view is derived, so that
 * /proc/iomem, the firmware map and the memory blocks always agree.
 */
#ifndef HOTPLUGFS_MACHINE_H
#define HOTPLUGFS_MACHINE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "event_log.h"
#include "fault.h"
#include "firmware_map.h"
#include "memory_block.h"
#include "notifier.h"
#include "params.h"
#include "profile.h"
#include "resource.h"
#include "zone.h"

struct device;   /* core/device.h */

/* A node that exists (/sys/devices/system/node/nodeK) and its zones. */
struct numa_node {
	int nid;
	struct zone zones[NR_ZONES];
};

/* A NUMA memory-affinity range (SRAT): which node owns which addresses. */
struct numa_range {
	uint64_t start, end;      /* inclusive */
	int nid;
};

/* A memory group (mm/memory_hotplug.c, 5.15+): a static one per ACPI DIMM or
 * dax device, a dynamic one per virtio-mem device.  Used for zone choice. */
struct memory_group {
	int id;
	int nid;
	bool dynamic;
	uint64_t max_pages;       /* static */
	uint64_t unit_pages;      /* dynamic */
	/* present_kernel_pages / present_movable_pages: its online blocks,
	 * kept by zone_add_block() and zone_remove_block(). */
	uint64_t present_kernel_pages, present_movable_pages;
};

/* A range of present memory (memblock.memory), inclusive. */
struct mem_range {
	uint64_t start, end;
};

/* The kernel's kexec_image / kexec_crash_image (kernel/kexec_core.c);
 * core/kexec.h says which thread touches them. */
struct kexec_state {
	GMutex lock;              /* kexec_mutex: guards the fields below */
	bool loaded;              /* kexec_image != NULL */
	bool crash_loaded;        /* kexec_crash_image != NULL */
	unsigned loads;           /* intercepted load/unload calls answered */
};

/* Per-device power/ settings a store changed (drivers/base/power/sysfs.c). */
enum power_flags {
	POWER_CONTROL_ON = 1 << 0,    /* control reads "on": runtime PM forbidden */
	POWER_ASYNC = 1 << 1,         /* async reads "enabled" */
};

/* A store the kernel would still be executing (a slow offline in its
 * migration loop): readers see going-offline until the front end completes
 * it (machine_hotplug_finish) or a signal interrupts it. */
struct hotplug_op {
	bool active;
	uint64_t block;
	unsigned duration_ms;
	struct memory_notify arg;         /* the offline_pages() range */
};

struct machine {
	struct profile profile;
	bool has_iomem;                   /* /proc/iomem exists */
	struct resource iomem;            /* iomem_resource: "PCI mem", never printed */
	GStringChunk *names;              /* resource names and other strings */
	bool has_firmware_map;            /* /sys/firmware/memmap exists */
	struct firmware_map firmware_map;
	bool has_memory_dir;              /* /sys/devices/system/memory exists */
	uint64_t block_size;
	struct memory_blocks blocks;
	GArray *nodes;                    /* struct numa_node, ascending nid */
	GArray *numa;                     /* struct numa_range, ascending start */
	GArray *present;                  /* struct mem_range, ascending, disjoint */
	GArray *groups;                   /* struct memory_group */
	GArray *possible_nodes;           /* int: nodes that may come online (SRAT) */
	GHashTable *literal_nodes;        /* block id -> GArray of int: captured node links */
	GHashTable *literal_fw_nodes;     /* block id -> captured firmware_node target */
	struct hotplug_params params;
	GPtrArray *literals;              /* captured strings served as is; [0] unused */
	GHashTable *power;                /* device -> enum power_flags, when not default */
	struct notifier_chain memory_chain;   /* register_memory_notifier() */
	struct error_inject inject;       /* memory-notifier-error-inject */
	struct faults faults;             /* per-block faults and hwpoisoned pages */
	struct event_log log;
	struct hotplug_op pending;        /* a slow offline in progress, if any */
	unsigned cpus;
	char *cmdline;                    /* /proc/cmdline (machine_strdup) */
	struct kexec_state kexec;         /* loaded images (core/kexec.h) */
	uint64_t generation;              /* bumped by every change of the model */
	uint16_t blocks_created;          /* after boot, wrapping: a new block's gen */
	GPtrArray *devices;               /* struct device *: hotplug devices (core/device.h) */
};

/* A machine with nothing in it. */
struct machine *machine_new(const struct profile *profile);
void machine_free(struct machine *m);
typedef struct machine machine;   /* for g_autoptr(machine) */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(machine, machine_free)

/* A stable copy of s owned by the machine (a new pointer for every call). */
const char *machine_strdup(struct machine *m, const char *s);
/* The same, but equal strings share one pointer (names that never merge). */
const char *machine_intern(struct machine *m, const char *s);
/* Index of a literal string (added if new); never 0. */
uint16_t machine_literal(struct machine *m, const char *s);

struct numa_node *machine_node(const struct machine *m, int nid);   /* NULL if absent */
struct numa_node *machine_node_add(struct machine *m, int nid);     /* idempotent */
/* node_possible(): online, or named by a NUMA range (SRAT) that may come online. */
bool machine_node_possible(const struct machine *m, int nid);
/* Node owning addr per the NUMA ranges; 0 without any. */
int machine_nid_of(const struct machine *m, uint64_t addr);

static inline uint64_t block_start(const struct machine *m, const struct memory_block *b)
{
	return b->id * m->block_size;
}

/* Event log helpers for changes of /proc/iomem and /sys/firmware/memmap. */
void machine_log_iomem(struct machine *m, enum change c, const struct resource *r);
void machine_log_firmware_map(struct machine *m, enum change c, const struct firmware_map_entry *e);

/* Nodes a block is linked to, ascending; returns the count (<= max). */
int block_nodes(const struct machine *m, const struct memory_block *b, int *nids, int max);
const struct memory_group *machine_group(const struct machine *m, int id);   /* NULL if absent */
/* Adds or removes [start, end] (inclusive) from the present memory. */
void machine_present_add(struct machine *m, uint64_t start, uint64_t end);
void machine_present_remove(struct machine *m, uint64_t start, uint64_t end);
/* Bytes of present memory inside [start, start+size). */
uint64_t machine_present_bytes(const struct machine *m, uint64_t start, uint64_t size);

/* Calls fn for each piece of present memory in [start, end], split at NUMA
 * range boundaries, with the owning node. */
typedef void (*present_piece_fn)(void *ctx, uint64_t start, uint64_t end, int nid);
void machine_for_each_present_piece(const struct machine *m, uint64_t start, uint64_t end,
				    present_piece_fn fn, void *ctx);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fixture file (docs/fixture-format.md) parsed and validated into plain
 * structs.  Every element remembers its JSON path so that errors found later,
 * while booting the machine, still name the file, the path and the reason.
 */
#ifndef HOTPLUGFS_FIXTURE_H
#define HOTPLUGFS_FIXTURE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "fault.h"
#include "memory_block.h"
#include "notifier.h"
#include "params.h"
#include "profile.h"

#define FIXTURE_FORMAT 1

/* Error domain: every message reads "FILE: JSON-PATH: reason". */
#define FIXTURE_ERROR (fixture_error_quark())
GQuark fixture_error_quark(void);
enum { FIXTURE_ERROR_INVALID = 1 };

struct fx_e820 {
	uint64_t start, size;
	uint32_t type;
	char *path;
};

struct fx_numa {
	int nid;
	uint64_t start, end;          /* inclusive */
	char *path;
};

enum fx_placement {
	FX_INSERT,                    /* insert_resource (default) */
	FX_REQUEST,                   /* request_resource under the parent */
	FX_REGION,                    /* __request_region (BUSY, descends) */
	FX_EXPAND,                    /* insert_resource_expand_to_fit */
};

struct fx_resource {
	char *name;
	uint64_t start, end;          /* inclusive */
	uint32_t flags;               /* from "flags" or by name (fixture_default_flags) */
	int desc;
	enum fx_placement placement;
	GPtrArray *children;          /* struct fx_resource; literal trees and "children" */
	char *path;
};

struct fx_fwmap {
	unsigned nr;
	uint64_t start, end;          /* inclusive */
	char *type;
	char *path;
};

struct fx_blocks {                    /* a run of blocks with equal attributes */
	uint64_t first, count;
	enum block_state state;
	int nids[8];
	int nr_nids;                  /* 0: the group's node, else by the NUMA ranges */
	bool removable;
	int32_t phys_device;
	char *valid_zones;            /* NULL: derived */
	bool has_group;               /* "group" given (literal form) */
	uint64_t group;               /* the first block of its memory group */
	bool memmap_on_memory;        /* hot-added with an altmap (literal form) */
	char *firmware_node;          /* the captured link's target, or NULL (literal form) */
	char *path;
};

/* memory_groups[i] (literal form): a memory group, named by its lowest
 * block id as the kernel module reports it (docs/kmod-protocol.md). */
struct fx_group {
	uint64_t first;
	bool dynamic;
	int nid;
	uint64_t pages;               /* max_pages (static) or unit_pages (dynamic) */
	char *path;
};

/* devices[i] (literal form): a captured resource bound to a device model.
 * virtio-mem: "virtioN" with its block size and plugged size, which the
 * kernel does not show and the hypervisor knows.  nd-region: a top-level
 * pmem range as the nd region the kernel made of it (its bus, labels and
 * the namespace nd_pmem claimed at boot). */
enum fx_device_type { FX_DEVICE_VIRTIO_MEM, FX_DEVICE_ND_REGION };

struct fx_device {
	enum fx_device_type type;
	char *resource;               /* virtio-mem: the top-level iomem resource "virtioN" */
	uint64_t block_size;          /* the device's block size */
	uint64_t plugged;             /* plugged_size: bytes plugged from its start */
	int nid;
	/* nd-region */
	char *region;                 /* "regionN" */
	int region_id;                /* its N */
	uint64_t start;               /* the top-level pmem range's start */
	bool nfit;                    /* bus: "nfit" (ACPI NFIT) or "e820" (nd_e820) */
	bool labels;                  /* a label area with an index (NDD_LABELING) */
	char *ns;                     /* "namespaceN.M" claimed at boot, or NULL */
	int ns_id;                    /* its M */
	char *path;
};

struct fx_fault_run {                 /* faults of a run of blocks */
	uint64_t first, count;
	struct block_fault fault;
	char *path;
};

struct fx_range {
	uint64_t start, end;          /* inclusive; end < start: not given */
};

struct fixture {
	char *file;
	char *description;
	struct profile profile;
	bool hypervisor;
	uint64_t block_size;          /* 0: probe_memory_block_size() rule */
	char *block_size_path;

	/* Boot form */
	GArray *e820;                 /* struct fx_e820; NULL: literal form */
	GPtrArray *memmap;            /* char*: "nn!ss" and friends (kernel's table only) */
	uint64_t mem_limit;           /* mem=; 0: none */
	GArray *numa;                 /* struct fx_numa (may be empty) */
	struct fx_range kernel_code, kernel_rodata, kernel_data, kernel_bss;
	uint64_t crash_size, crash_base;   /* crashkernel=SIZE[@BASE]; size 0: none */
	bool crash_high;              /* crashkernel=SIZE,high */
	char *crash_path;
	GPtrArray *early_resources;   /* struct fx_resource: probe_roms(), before the e820 RAM */
	GPtrArray *resources;         /* struct fx_resource: platform drivers, before e820 late */
	GPtrArray *late_resources;    /* struct fx_resource: after e820 late (CXL, nvdimm) */

	/* Literal form (captured) */
	GPtrArray *iomem;             /* struct fx_resource tree; NULL: not given */
	GArray *firmware_memmap;      /* struct fx_fwmap; NULL: not given */
	GArray *memory_blocks;        /* struct fx_blocks; NULL: derived from memory */
	GArray *memory_groups;        /* struct fx_group, ascending first; NULL: none */
	GArray *devices;              /* struct fx_device; NULL: none */

	/* Faults (docs/fixture-format.md, "faults") */
	int inject_priority;          /* memory-notifier-error-inject priority= */
	int inject_error[NR_MEM_ACTIONS];
	GArray *fault_runs;           /* struct fx_fault_run */
	GArray *hwpoison;             /* uint64_t physical addresses */
	char *faults_path;

	/* Scenario (docs/fixture-format.md, "scenario"): ops applied in order by
	 * scenario_run (core/scenario.h), each checked for its shape at parse time. */
	json_object *scenario;        /* array of ops without "expect"/"note"; NULL: none */
	GArray *scenario_expect;      /* int per op: 0 (succeeds) or the errno it fails with */

	unsigned cpus;
	char *cmdline;
	struct hotplug_params params;
	bool has_memory_dir;          /* serve /sys/devices/system/memory */
};

/* Comparisons the overlap checks have made since start: a statistic for tests. */
extern uint64_t fixture_overlap_steps;

/* Parses and validates; NULL with *err set (FIXTURE_ERROR) on any problem. */
struct fixture *fixture_load(const char *file, GError **err);
struct fixture *fixture_parse(const char *file, const char *json, size_t len, GError **err);
void fixture_free(struct fixture *fx);
typedef struct fixture fixture;   /* for g_autoptr(fixture) */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(fixture, fixture_free)

static inline size_t fixture_scenario_len(const struct fixture *fx)
{
	return fx->scenario ? json_object_array_length(fx->scenario) : 0;
}

#endif

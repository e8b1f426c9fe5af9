/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The iomem resource tree with the kernel's semantics (kernel/resource.c,
 * include/linux/ioport.h; identical in 6.1 and 6.12).  Addresses are
 * inclusive [start, end].  Names are not owned: they point into storage the
 * caller keeps alive (the machine's name pool), and merging compares the
 * pointers, as merge_system_ram_resource() does.
 */
#ifndef HOTPLUGFS_RESOURCE_H
#define HOTPLUGFS_RESOURCE_H

#include <stdbool.h>
#include <stdint.h>

/* include/linux/ioport.h */
#define IORESOURCE_BITS                  0x000000ffu
#define IORESOURCE_TYPE_BITS             0x00001f00u
#define IORESOURCE_IO                    0x00000100u
#define IORESOURCE_MEM                   0x00000200u
#define IORESOURCE_REG                   0x00000300u
#define IORESOURCE_IRQ                   0x00000400u
#define IORESOURCE_DMA                   0x00000800u
#define IORESOURCE_BUS                   0x00001000u
#define IORESOURCE_PREFETCH              0x00002000u
#define IORESOURCE_READONLY              0x00004000u
#define IORESOURCE_CACHEABLE             0x00008000u
#define IORESOURCE_RANGELENGTH           0x00010000u
#define IORESOURCE_SHADOWABLE            0x00020000u
#define IORESOURCE_SIZEALIGN             0x00040000u
#define IORESOURCE_STARTALIGN            0x00080000u
#define IORESOURCE_MEM_64                0x00100000u
#define IORESOURCE_WINDOW                0x00200000u
#define IORESOURCE_MUXED                 0x00400000u
#define IORESOURCE_EXT_TYPE_BITS         0x01000000u
#define IORESOURCE_SYSRAM                0x01000000u
#define IORESOURCE_SYSRAM_DRIVER_MANAGED 0x02000000u
#define IORESOURCE_SYSRAM_MERGEABLE      0x04000000u
#define IORESOURCE_EXCLUSIVE             0x08000000u
#define IORESOURCE_DISABLED              0x10000000u
#define IORESOURCE_UNSET                 0x20000000u
#define IORESOURCE_AUTO                  0x40000000u
#define IORESOURCE_BUSY                  0x80000000u
#define IORESOURCE_SYSTEM_RAM            (IORESOURCE_MEM | IORESOURCE_SYSRAM)
/* RFC "device backed vmemmap" (Li Zhijian, v3 2024, never merged): behind a switch. */
#define IORESOURCE_DEVICE_BACKED_VMEMMAP 0xa0000000u

enum iores_desc {
	IORES_DESC_NONE = 0,
	IORES_DESC_CRASH_KERNEL = 1,
	IORES_DESC_ACPI_TABLES = 2,
	IORES_DESC_ACPI_NV_STORAGE = 3,
	IORES_DESC_PERSISTENT_MEMORY = 4,
	IORES_DESC_PERSISTENT_MEMORY_LEGACY = 5,
	IORES_DESC_DEVICE_PRIVATE_MEMORY = 6,
	IORES_DESC_RESERVED = 7,
	IORES_DESC_SOFT_RESERVED = 8,
	IORES_DESC_CXL = 9,
};

/* region_intersects() results (include/linux/mm.h) */
enum { REGION_DISJOINT = 0, REGION_INTERSECTS = 1, REGION_MIXED = -1 };

struct resource {
	uint64_t start, end;
	const char *name;
	uint32_t flags;
	int desc;
	struct resource *parent, *sibling, *child;
	/* Not the kernel's: one of this resource's children near where the last
	 * request under it was placed, or NULL; scans for the next slot start
	 * there (resource.c, slot_from()).  The functions below keep it a child
	 * or NULL; code that unlinks children by hand must clear it. */
	struct resource *hint;
};

/* Siblings the slot scans of the functions below have stepped over since
 * start: a statistic for tests (the model is single-threaded). */
extern uint64_t resource_scan_steps;

/* Allocation (g_new0); a resource is linked into no tree when made. */
struct resource *resource_new(const char *name, uint64_t start, uint64_t end,
			      uint32_t flags, int desc);
/* Frees r and every descendant; r must not be linked into a tree. */
void resource_free(struct resource *r);

static inline uint64_t resource_size(const struct resource *r)
{
	return r->end - r->start + 1;
}

/* request_resource_conflict(): direct children only; returns the conflict. */
struct resource *request_resource_conflict(struct resource *root, struct resource *new);
int request_resource(struct resource *root, struct resource *new);           /* 0, -EBUSY */
/* insert_resource_conflict(): descends, adopts fully covered siblings. */
struct resource *insert_resource_conflict(struct resource *parent, struct resource *new);
int insert_resource(struct resource *parent, struct resource *new);          /* 0, -EBUSY */
/* Grows new over every conflict until it fits; no-op if new has a parent. */
void insert_resource_expand_to_fit(struct resource *root, struct resource *new);
/* Unlinks old with its subtree (children stay attached to old). 0, -EINVAL */
int release_resource(struct resource *old);
/* Unlinks old; its children take its place.  0, -EINVAL */
int remove_resource(struct resource *old);
/* __request_region(): BUSY resource under the deepest non-busy container.
 * Returns the new resource or NULL on conflict. */
struct resource *request_region(struct resource *parent, uint64_t start, uint64_t n,
				const char *name, uint32_t flags);
/* __release_region(): frees the exactly matching BUSY resource; returns
 * 0, or -EINVAL when nothing matched ("Trying to free nonexistent resource"). */
int release_region(struct resource *parent, uint64_t start, uint64_t n);
/* Memory hot-remove: delete, shrink or split the BUSY MEM resource holding the
 * range (descending through non-busy parents).  Never fails in the kernel;
 * returns -EINVAL here when no such resource exists so callers can assert. */
int release_mem_region_adjustable(struct resource *root, uint64_t start, uint64_t size);
/* MHP_MERGE_RESOURCE: mark mergeable, merge with identical neighbours. */
void merge_system_ram_resource(struct resource *res);
int adjust_resource(struct resource *res, uint64_t start, uint64_t size);     /* 0, -EBUSY */
/* Boot only ("RAM buffer"): request BUSY pieces around top-level conflicts. */
void reserve_region_with_split(struct resource *root, uint64_t start, uint64_t end,
			       const char *name);

/* Pre-order successor of r within root's tree (root itself is never returned);
 * *depth (0 for root's children) is updated.  Start with r = root, depth = -1. */
struct resource *resource_next(const struct resource *root, const struct resource *r, int *depth);

/* find_next_iomem_res(): first resource in pre-order at or after start that
 * overlaps [start,end], has all of flags and (desc == NONE or equal desc);
 * the hit is returned clipped to [start,end] in *out.  0 or -ENODEV. */
int find_next_iomem_res(const struct resource *root, uint64_t start, uint64_t end,
			uint32_t flags, int desc, struct resource *out);
typedef int (*resource_walk_fn)(const struct resource *clipped, void *arg);
/* walk_iomem_res_desc(): calls fn per hit until it returns non-zero. */
int walk_iomem_res_desc(const struct resource *root, int desc, uint32_t flags,
			uint64_t start, uint64_t end, resource_walk_fn fn, void *arg);
int walk_system_ram_res(const struct resource *root, uint64_t start, uint64_t end,
			resource_walk_fn fn, void *arg);
int region_intersects(const struct resource *root, uint64_t start, uint64_t size,
		      uint32_t flags, int desc);

#endif

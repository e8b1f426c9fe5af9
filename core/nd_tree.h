/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nvdimm and dax device model in sysfs, as ndctl and daxctl read it: the
 * nd bus (/sys/bus/nd, the ndbusN device, its regions, namespaces and seed
 * devices, /sys/class/nd/ndctlN), the dax bus (/sys/bus/dax, its drivers and
 * the daxX.Y devices under their dax region's device), /sys/dev/char and the
 * modules libkmod looks at.  docs/ndctl.md says what is served and what not.
 *
 * Objects are computed from the machine's devices (core/device.h); nothing is
 * stored per directory.  An object id is type (8 bits) | p (8) | a (12) |
 * b (12): p is the bus, window or owner kind the path goes through, a and b
 * the numbers in the name (region, namespace, dax region, dax device).
 * core/tree.c places the objects below its fixed directories (the anchors)
 * as K_ND (directories and their files) and K_ND_LINK (symbolic links).
 */
#ifndef HOTPLUGFS_ND_TREE_H
#define HOTPLUGFS_ND_TREE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "attr.h"
#include "device.h"
#include "tree.h"

/* The fixed directories of core/tree.c whose listings include nd objects. */
enum nd_anchor { ND_AT_SYS, ND_AT_DEVICES, ND_AT_BUS, ND_AT_MODULE, NR_ND_ANCHORS };

/* Implemented by core/tree.c: node ids of the nd kinds and the anchors. */
tree_node tree_nd_node(uint64_t obj, unsigned sub);
tree_node tree_nd_link(uint64_t obj, unsigned role);
tree_node tree_nd_anchor(enum nd_anchor at);

/* One directory entry; false stops the listing. */
typedef bool (*nd_entry_fn)(void *ctx, const char *name, tree_node n, enum tree_type type);

void nd_anchor_list(const struct machine *m, enum nd_anchor at, nd_entry_fn fn, void *ctx);
/* K_ND, sub 0: a directory. */
bool nd_dir_exists(const struct machine *m, uint64_t obj);
void nd_dir_list(const struct machine *m, uint64_t obj, nd_entry_fn fn, void *ctx);
tree_node nd_dir_parent(const struct machine *m, uint64_t obj);
/* K_ND, sub > 0: the directory's file sub - 1. */
bool nd_file_exists(const struct machine *m, uint64_t obj, unsigned sub);
const struct attr *nd_file_attr(uint64_t obj, unsigned sub);
/* dir's file called name, if it has a visible one (its other entries: list it). */
bool nd_attr_lookup(const struct machine *m, uint64_t obj, const char *name, tree_node *child);
/* K_ND_LINK */
bool nd_link_exists(const struct machine *m, uint64_t obj, unsigned role);
tree_node nd_link_parent(uint64_t obj, unsigned role);
void nd_readlink(const struct machine *m, uint64_t obj, unsigned role, GString *out);
/* The object the link points to (a directory). */
uint64_t nd_link_target(const struct machine *m, uint64_t obj, unsigned role);
/* Whether a device event concerns these devices (tree_event_changes). */
struct event;
bool nd_event_is_ours(const struct event *e);
/* What a change of the devices did to the nd names (tree_event_changes). */
void nd_event_changes(const struct machine *m, tree_change_fn fn, void *ctx);

/* ---- objects --------------------------------------------------------------- */

enum nd_type {
	NT_NONE,
	NT_ACPI_SYSTM, NT_ACPI_SYBUS, NT_ACPI_NFIT,    /* LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00 */
	NT_PLATFORM, NT_E820,                          /* devices/platform, e820_pmem */
	NT_NDBUS, NT_NFIT_GROUP, NT_NDCTL,             /* ndbusP, its nfit/ and nd/ndctlP */
	NT_NDCTL_GLUE, NT_BUS_FIRMWARE,                /* ndbusP/nd/ and ndbusP/firmware/ */
	NT_REGION, NT_NAMESPACE, NT_BTT, NT_PFN, NT_NDDAX,   /* p: bus */
	NT_REGION_NFIT,                                /* regionA/nfit/ of the NFIT bus */
	NT_NMEM, NT_NMEM_NFIT, NT_NMEM_FIRMWARE,       /* nmemA (region A's DIMM), its groups */
	NT_CXL_ACPI, NT_CXL_ROOT, NT_CXL_DECODER,      /* ACPI0017:00/root0/decoder0.P */
	NT_CXL_REGION, NT_CXL_DAX_REGION,              /* p: window */
	NT_HMEM,                                       /* platform/hmem.A */
	NT_DEV_DAX, NT_DAX_MAPPING, NT_DAX_GROUP,      /* p: owner (ND_OWNER_*) */
	NT_DEV_DAX_POWER, NT_DAX_MAPPING_POWER,        /* their power/ */
	NT_BUS_ND, NT_BUS_ND_DEVICES, NT_BUS_ND_DRIVERS, NT_ND_DRIVER,
	NT_BUS_DAX, NT_BUS_DAX_DEVICES, NT_BUS_DAX_DRIVERS, NT_DAX_DRIVER,
	NT_CLASS, NT_CLASS_ND, NT_SYSDEV, NT_DEV_CHAR,
	NT_MODULE, NT_MODULE_DRIVERS,
	NR_ND_TYPES
};

/* The owner of a dax device, in p of NT_DEV_DAX and its children: kind << 4 | bus/window. */
enum { ND_OWNER_ND = 1, ND_OWNER_CXL = 2, ND_OWNER_HMEM = 3 };

static inline uint64_t nd_obj(enum nd_type t, unsigned p, unsigned a, unsigned b)
{
	return (uint64_t)t << 32 | (uint64_t)(p & 0xff) << 24 | (uint64_t)(a & 0xfff) << 12 |
	       (b & 0xfff);
}
static inline enum nd_type nd_type_of(uint64_t obj) { return (enum nd_type)(obj >> 32 & 0xff); }
static inline unsigned nd_p(uint64_t obj) { return obj >> 24 & 0xff; }
static inline unsigned nd_a(uint64_t obj) { return obj >> 12 & 0xfff; }
static inline unsigned nd_b(uint64_t obj) { return obj & 0xfff; }

/* Drivers of the nd and dax buses (a of NT_ND_DRIVER / NT_DAX_DRIVER), by name. */
enum nd_driver { NDRV_DAX_PMEM, NDRV_ND_BUS, NDRV_ND_PMEM, NDRV_ND_REGION, NDRV_NVDIMM,
		 NR_ND_DRIVERS };
enum dax_driver { DDRV_DEVICE_DAX, DDRV_KMEM, NR_DAX_DRIVERS };
extern const char *const nd_driver_names[NR_ND_DRIVERS];
extern const char *const dax_driver_names[NR_DAX_DRIVERS];

/* Character device numbers: the dynamic majors are fixed here (docs/ndctl.md). */
#define ND_NDCTL_MAJOR 250
#define ND_DAX_MAJOR 251
#define ND_DIMM_MAJOR 249      /* "dimmctl", registered after "ndctl" (nvdimm_bus_init) */

/* ---- the model behind the objects (nd_tree.c) ------------------------------- */

/* Bus number of an nd region: the NFIT bus first, then e820_pmem's. */
int nd_bus_of(const struct machine *m, const struct device *region);
bool nd_bus_exists(const struct machine *m, unsigned bus);
bool nd_bus_is_nfit(const struct machine *m, unsigned bus);
/* Whether the region has a DIMM: an NFIT region is QEMU's NVDIMM of the slot of
 * its id, nmem<id> (docs/ndctl.md); e820 regions have none. */
bool nd_region_has_dimm(const struct machine *m, const struct device *region);
struct device *nd_region(const struct machine *m, unsigned id);
struct device *nd_namespace(const struct machine *m, unsigned region, unsigned id);
struct device *dax_device(const struct machine *m, unsigned region, unsigned id);
/* The dax device of obj (an NT_DEV_DAX, NT_DAX_MAPPING, NT_DAX_GROUP or their power/). */
struct device *nd_obj_dax(const struct machine *m, uint64_t obj);
/* Ids of the region's idle seeds: namespaceA.N, btt, pfn and dax. */
unsigned nd_ns_seed(const struct machine *m, const struct device *region);
unsigned nd_pfn_seed(const struct machine *m, const struct device *region);
unsigned nd_dax_seed(const struct machine *m, const struct device *region);
/* The driver dax is bound to (DDRV_*), or -1. */
int dax_driver_of(const struct device *dax);
/* The NT_DEV_DAX object of dax. */
uint64_t dax_obj(const struct machine *m, const struct device *dax);

/* attrs_nd.c */
extern const struct attrs nd_bus_attrs, nfit_group_attrs, ndctl_attrs, nd_region_attrs,
	region_nfit_attrs, nmem_attrs, nmem_nfit_attrs, nd_namespace_attrs, nd_pfn_attrs, nd_btt_attrs, nd_driver_attrs,
	nd_bus_root_attrs, module_attrs;
/* attrs_dax.c */
extern const struct attrs dev_dax_attrs, dax_mapping_attrs, dax_group_attrs, dax_driver_attrs;
/* Whether attribute i of dev_dax_attrs / dax_group_attrs shows for the object. */
bool dev_dax_attr_visible(const struct machine *m, uint64_t obj, unsigned i);
bool dax_group_attr_visible(const struct machine *m, uint64_t obj, unsigned i);
bool nd_region_attr_visible(const struct machine *m, uint64_t obj, unsigned i);
bool nd_namespace_attr_visible(const struct machine *m, uint64_t obj, unsigned i);
bool nd_driver_attr_visible(uint64_t obj, unsigned i);

#endif

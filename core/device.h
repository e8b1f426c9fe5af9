/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hotplug devices of the simulated machine: ACPI memory devices (PNP0C80),
 * virtio-mem, nvdimm regions/namespaces and dax devices (device_dax, kmem),
 * CXL windows and regions, s390 standby storage.  Each device type lives in
 * its own file (dev_*.c) and does to /proc/iomem, the firmware map and the
 * memory blocks exactly what its kernel driver does, including
 * the failure paths and their rollback.
 *
 * Every mutating entry point comes in two halves: a check that only reads
 * the machine and explains a bad request in a GError (OPS_ERROR_REQUEST),
 * and the kernel path itself, which can fail the way the kernel fails
 * (OPS_ERROR_KERNEL, with the kernel's rollback applied).
 */
#ifndef HOTPLUGFS_DEVICE_H
#define HOTPLUGFS_DEVICE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "machine.h"

enum device_kind {
	DEV_ACPI_DIMM,            /* "dimmN" */
	DEV_VIRTIO_MEM,           /* "virtioN" */
	DEV_ND_REGION,            /* "regionN": a pmem range (no resource of its own) */
	DEV_NAMESPACE,            /* "namespaceX.Y" */
	DEV_DAX,                  /* "daxX.Y" */
	DEV_CXL_WINDOW,           /* "cxl_windowN": "CXL Window N" */
	DEV_CXL_REGION,           /* "regionN" under a CXL window */
	DEV_S390_STANDBY,         /* "standbyN": standby storage */
};

/* NS_RAW: nd_pmem bound to the namespace itself, no pfn or dax info block
 * (a label-less NVDIMM's io namespace). */
enum ns_mode { NS_FSDAX, NS_DEVDAX, NS_RAW };

/* Which driver a dax device is bound to. */
enum dax_state {
	DAX_DEVICE_DAX,           /* device_dax: a BUSY "daxX.Y" over the data range */
	DAX_KMEM,                 /* dax/kmem: "daxX.Y" SYSTEM_RAM + "System RAM (kmem)" */
	DAX_UNBOUND,              /* no driver: no resource */
	DAX_KMEM_STUCK,           /* kmem unbound with memory left: "cannot be hotremoved
				     until the next reboot" - resources and blocks stay */
};

/* A namespace's sector_size that matches no supported size: none selected. */
#define NS_LBASIZE_NONE ((unsigned long)-1)

/* An nd region's idle seed devices as userspace configures them before a
 * driver binds (drivers/nvdimm/namespace_devs.c, pfn_devs.c, dax_devs.c):
 * the namespace seed's uuid, alt_name and size, the dax seed's uuid, align,
 * mode and claimed namespace.  Strings as the kernel shows them. */
struct nd_seeds {
	char ns_uuid[40];
	char ns_alt_name[64];
	uint64_t ns_size;
	bool ns_size_set;
	unsigned long ns_lbasize;   /* sector_size as stored; 0: never chosen */
	char dax_uuid[40];
	uint64_t dax_align;       /* 0: the default (2 MiB) */
	int dax_mode;             /* PFN_MODE_NONE 0, _RAM 1, _PMEM 2 */
	char dax_ns[32];          /* "namespaceX.Y" or "" */
};

struct device {
	enum device_kind kind;
	char *name;
	int nid;
	int mgid;                 /* memory group id; 0: none */
	int id;                   /* region id / window number / index */
	uint64_t start, size;     /* the device's address range */
	struct resource *res;     /* its own iomem resource, if any */

	/* virtio-mem */
	uint64_t dev_block_size;  /* the device's block size */
	uint64_t plugged;         /* bytes plugged */
	uint64_t requested;       /* bytes requested by the hypervisor */
	const char *ram_name;     /* "System RAM (virtio_mem)": one pointer per device */

	/* namespace */
	enum ns_mode mode;
	uint64_t altmap_size;     /* info block + memmap prefix (vmem_altmap_offset) */
	struct resource *vmemmap; /* "Device Backed Vmemmap", when switched on */
	struct device *region;    /* the region it belongs to */
	struct device *dax;       /* devdax: its dax device */

	/* dax */
	struct device *owner;     /* namespace, CXL region, or NULL (hmem) */
	enum dax_state dax_state;
	uint64_t kmem_start, kmem_size;   /* block-aligned range while kmem holds it */
	bool memmap_on_memory;    /* daxX.Y/memmap_on_memory (6.8+): kmem adds with an altmap */
	int minor;                /* its character device's minor (alloc_dax(): dax_minor_ida) */
	unsigned dax_ids;         /* bit per dax driver whose new_id list names it (dax_id) */

	/* nd region: no label area (QEMU's nvdimm without label-size, an e820
	 * range): its one namespace is ND_DEVICE_NAMESPACE_IO over all of it */
	bool label_less;
	/* nd region of an NVDIMM hot-added at run time (dev_nvdimm.c) */
	bool has_slot;            /* QEMU's memory slot is known: */
	int slot;                 /* the NVDIMM's slot, shared with the DIMMs' */

	/* nd region: its seeds' configuration; namespace: what userspace named it */
	struct nd_seeds *seeds;
	char uuid[40];            /* namespace and its pfn/dax: "" until configured */
	char *alt_name;
	unsigned long lbasize;    /* namespace: its sector_size; 0: 512, which ndctl sets for
				     the namespaces a scenario makes; NS_LBASIZE_NONE: never chosen */

	/* s390 standby */
	uint64_t increment;       /* storage increment size (rzm) */
	guint8 *assigned;         /* per increment: attached to the LPAR (accessible) */
	bool assign_fails;        /* fault: SCLP assign fails in MEM_PREPARE_ONLINE */
	struct notifier_block nb; /* sclp_mem_notifier */
};

void device_free(struct device *d);
/* Adds to m->devices (takes ownership) and logs it. */
struct device *device_register(struct machine *m, struct device *d);
/* Removes from m->devices, logs and frees it. */
void device_unregister(struct machine *m, struct device *d);
struct device *device_find(const struct machine *m, const char *name);
/* Logs that d's driver came (CHANGE_BIND) or went (CHANGE_UNBIND): KOBJ_BIND/UNBIND. */
void device_log_driver(struct machine *m, const struct device *d, enum change c);
const char *device_kind_name(enum device_kind k);

/* True when a resource anywhere in iomem has exactly this name. */
bool iomem_has_name(const struct machine *m, const char *name);
/* Lowest free memregion id (memregion_alloc(): one IDA for nvdimm and CXL regions). */
int memregion_alloc(const struct machine *m);
/* Whether __request_region(&iomem_resource, start, size) would succeed;
 * on failure *why names the conflict (caller frees). */
bool region_available(struct machine *m, struct resource *root, uint64_t start, uint64_t size,
		      char **why);
/* The resource on a path from root that has exactly this range and name, or NULL. */
struct resource *resource_find(const struct resource *root, uint64_t start, uint64_t end,
			       const char *name);

/* Blocks of [start, start+size) that exist, online ones counted in *online. */
unsigned range_blocks(const struct machine *m, uint64_t start, uint64_t size, unsigned *online);

/* lock_device_hotplug(): a bad request while a slow offline holds it. */
bool check_hotplug_idle(const struct machine *m, GError **err);
/* add_memory() preconditions as a bad request: aligned, addressable, free. */
bool check_hotplug_range(struct machine *m, uint64_t start, uint64_t size, int nid,
			 GError **err);
/* Lowest n such that the printf format with n names no device and no resource. */
int device_next_index(const struct machine *m, const char *fmt);

/* Called at the end of machine_boot: nvdimm regions for the pmem ranges. */
void devices_boot(struct machine *m);

/* ---- ACPI memory device (dev_acpi_dimm.c) ------------------------------ */
/* SLOT: QEMU's memory slot (its ACPI device PNP0C80:SLOT), -1: the lowest free. */
struct device *dimm_add(struct machine *m, uint64_t start, uint64_t size, int nid, int slot,
			GError **err);
int dimm_eject(struct machine *m, struct device *d, GError **err);
/* Whether block b belongs to an ACPI memory device; its firmware_node link
 * target is appended to out (if not NULL). */
bool dimm_firmware_node(const struct machine *m, const struct memory_block *b, GString *out);

/* Whether QEMU's memory SLOT is held by a DIMM or an NVDIMM the machine
 * has; *holder (if not NULL) is that device. */
bool memory_slot_taken(const struct machine *m, int slot, const struct device **holder);

/* ---- NVDIMM hot-add (dev_nvdimm.c) -------------------------------------- */
/* QEMU's device_add nvdimm (label-less) at START, SIZE bytes, node NID, memory
 * slot SLOT (-1: the lowest free): NFIT hotplug's region, DIMM and io namespace. */
struct device *nvdimm_add(struct machine *m, uint64_t start, uint64_t size, int nid, int slot,
			  GError **err);
/* Always a bad request: QEMU cannot unplug an NVDIMM. */
int nvdimm_remove(struct machine *m, struct device *region, GError **err);

/* ---- virtio-mem (dev_virtio_mem.c) ------------------------------------- */
struct device *virtio_mem_add(struct machine *m, uint64_t start, uint64_t region_size,
			      uint64_t block_size, int nid, int index, GError **err);
bool virtio_mem_resize_check(const struct device *d, uint64_t requested,
			     GError **err);
int virtio_mem_resize(struct machine *m, struct device *d, uint64_t requested, GError **err);
/* A device found at boot (literal form, "devices"): the captured top-level
 * resource NAME ("virtioN") becomes its region, PLUGGED bytes from its start
 * are plugged, its memory is the captured "System RAM (virtio_mem)" under it
 * and its blocks' dynamic group (registered when nothing is plugged). */
struct device *virtio_mem_bind(struct machine *m, const char *name, uint64_t block_size,
			       uint64_t plugged, int nid, GError **err);

/* ---- nvdimm and dax (dev_dax.c) ---------------------------------------- */
enum dax_target { DAX_TO_FSDAX, DAX_TO_DEVDAX, DAX_TO_SYSTEM_RAM };
struct device *pmem_namespace_create(struct machine *m, struct device *region, bool has_start,
				     uint64_t start, uint64_t size, enum ns_mode mode,
				     GError **err);
int namespace_reconfigure(struct machine *m, struct device *ns, enum dax_target to, GError **err);
/* The io namespace of a label-less region, nd_pmem bound (raw mode). */
struct device *pmem_namespace_io(struct machine *m, struct device *region);
int dax_reconfigure(struct machine *m, struct device *dax, enum dax_target to, GError **err);
/* dev_dax_kmem_probe() / dev_dax_kmem_remove() */
int kmem_bind(struct machine *m, struct device *dax, GError **err);
/* memmap_on_memory_store(), drivers/dax/bus.c 6.8+. */
int dax_set_memmap_on_memory(struct machine *m, struct device *dax, bool on, GError **err);
int kmem_unbind(struct machine *m, struct device *dax, GError **err);
/* The dax bus's driver core (drivers/base/dd.c, drivers/dax/bus.c) for the
 * sysfs stores: bind device_dax (kmem false) or kmem to an unbound dax
 * device, or detach its driver.  0 or the kernel's -errno. */
int dax_driver_bind(struct machine *m, struct device *dax, bool kmem, GError **err);
int dax_driver_unbind(struct machine *m, struct device *dax, GError **err);
/* Where the region's next namespace of size would start (ndctl's default,
 * lowest free space), or false when it does not fit. */
bool pmem_namespace_free_start(const struct machine *m, const struct device *region,
			       uint64_t size, uint64_t *start);
/* The region's largest free extent (nd_pmem_max_contiguous_dpa()). */
uint64_t pmem_region_max_extent(const struct machine *m, const struct device *region);
/* dax_hmem: a dax device over a top-level Soft Reserved range (device_dax bound). */
struct device *hmem_add(struct machine *m, uint64_t start, GError **err);
/* A dax device over [start, size) below parent (device_dax bound). */
struct device *dax_create(struct machine *m, const char *name, struct device *owner,
			  struct resource *parent, uint64_t start, uint64_t size, int nid);

/* A raw namespace nd_pmem claimed before the capture (literal form): CLAIM,
 * the captured "namespaceX.Y" under the region's range, becomes namespace
 * ID of REGION, in use by nd_pmem. */
struct device *pmem_namespace_adopt(struct machine *m, struct device *region,
				    struct resource *claim, int id);

/* ---- nd regions found at boot (dev_nd_region.c) ------------------------- */
/* What the literal form's "devices" says of a captured pmem range. */
struct nd_region_binding {
	const char *region;       /* "regionN" */
	int id;                   /* its N */
	uint64_t start;           /* the top-level pmem range's start */
	bool nfit;                /* ACPI NFIT ("Persistent Memory"), else nd_e820 ("(legacy)") */
	bool labels;              /* NFIT: its DIMM has a label area (NDD_LABELING) */
	const char *ns;           /* the namespace nd_pmem claimed at boot, or NULL */
	int ns_id;                /* its id in the region */
	int nid;
};
/* The captured top-level pmem range at b->start becomes b->region with its
 * namespace (names the fixture reader checked); NULL and a bad request when
 * the capture does not fit the machine. */
struct device *nd_region_bind(struct machine *m, const struct nd_region_binding *b, GError **err);
/* The nd region a top-level resource was bound to, or NULL. */
struct device *nd_region_of_resource(const struct machine *m, const struct resource *r);
/* A region device over the top-level pmem range res, not yet added
 * (nd_region_create(): "region%d" of its memregion id). */
struct device *nd_region_new(int id, struct resource *res, int nid, bool label_less);

/* ---- CXL (dev_cxl.c) ---------------------------------------------------- */
struct device *cxl_window_add(struct machine *m, uint64_t start, uint64_t size, int nid,
			      GError **err);
struct device *cxl_region_create(struct machine *m, struct device *window, uint64_t size,
				 GError **err);

/* ---- s390 standby storage (dev_s390_standby.c) ------------------------- */
struct device *s390_standby_add(struct machine *m, uint64_t start, uint64_t size,
				uint64_t increment, GError **err);
/* Returns the increments of block id to standby (unassigned): a fault. */
bool s390_standby_fault(struct machine *m, uint64_t block, bool has_standby, bool standby,
			bool has_assign_fails, bool assign_fails, GError **err);

#endif

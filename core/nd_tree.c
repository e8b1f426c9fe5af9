/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nd and dax device directories (nd_tree.h): which exist, what each
 * lists, where each is, and the symbolic links between them, as the driver
 * core makes them (drivers/base/core.c device_add_class_symlinks,
 * drivers/base/bus.c bus_add_device / driver_sysfs_add, devices_kset's
 * /sys/dev/char, 6.1 and 6.12).  Attribute contents: attrs_nd.c, attrs_dax.c.
 */
#include "nd_tree.h"
#include "nd_chardev.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *const nd_driver_names[NR_ND_DRIVERS] = {
	[NDRV_DAX_PMEM] = "dax_pmem", [NDRV_ND_BUS] = "nd_bus", [NDRV_ND_PMEM] = "nd_pmem",
	[NDRV_ND_REGION] = "nd_region", [NDRV_NVDIMM] = "nvdimm",
};
const char *const dax_driver_names[NR_DAX_DRIVERS] = {
	[DDRV_DEVICE_DAX] = "device_dax", [DDRV_KMEM] = "kmem",
};

/* The modules libkmod finds "live" (Debian builds them as modules): a's of NT_MODULE. */
enum nd_module { MOD_DAX_PMEM, MOD_ND_PMEM, MOD_DEVICE_DAX, MOD_KMEM, MOD_LIBNVDIMM,
		 NR_MODULES };
static const char *const module_names[NR_MODULES] = {
	[MOD_DAX_PMEM] = "dax_pmem", [MOD_ND_PMEM] = "nd_pmem", [MOD_DEVICE_DAX] = "device_dax",
	[MOD_KMEM] = "kmem", [MOD_LIBNVDIMM] = "libnvdimm",
};

/* Link roles (K_ND_LINK sub). */
enum role {
	R_DRIVER,            /* DEV/driver */
	R_SUBSYSTEM,         /* DEV/subsystem */
	R_DEVICE,            /* ndctlN/device */
	R_BUS_DEVICE,        /* /sys/bus/X/devices/DEV */
	R_DEV_CHAR,          /* /sys/dev/char/MAJ:MIN */
	R_CLASS,             /* /sys/class/nd/ndctlN */
	R_MODULE,            /* drivers/D/module (obj: the driver) */
	R_MODULE_DRIVER,     /* /sys/module/M/drivers/BUS:D (obj: the driver) */
	R_ND_DRIVER_DEVICE,  /* bus/nd/drivers/D/DEV: + enum nd_driver */
	R_DAX_DRIVER_DEVICE = R_ND_DRIVER_DEVICE + NR_ND_DRIVERS,   /* + enum dax_driver */
};

/* ---- the model ------------------------------------------------------------- */

static bool nd_region_is_nfit(const struct device *d)
{
	return d->res && d->res->desc == IORES_DESC_PERSISTENT_MEMORY;
}

static bool any_region(const struct machine *m, bool nfit)
{
	for (guint i = 0; i < m->devices->len; i++) {
		const struct device *d = g_ptr_array_index(m->devices, i);

		if (d->kind == DEV_ND_REGION && nd_region_is_nfit(d) == nfit)
			return true;
	}
	return false;
}

/* nvdimm_bus_register(): ndbusN by nd_ida; the NFIT bus is taken to register first. */
int nd_bus_of(const struct machine *m, const struct device *region)
{
	if (nd_region_is_nfit(region))
		return 0;
	return any_region(m, true) ? 1 : 0;
}

bool nd_bus_is_nfit(const struct machine *m, unsigned bus)
{
	return bus == 0 && any_region(m, true);
}

bool nd_region_has_dimm(const struct machine *m, const struct device *region)
{
	(void)m;
	return nd_region_is_nfit(region);
}

bool nd_bus_exists(const struct machine *m, unsigned bus)
{
	unsigned n = any_region(m, true) + any_region(m, false);

	return bus < n;
}

static bool any_nd_bus(const struct machine *m)
{
	return nd_bus_exists(m, 0);
}

static struct device *find_kind(const struct machine *m, enum device_kind k, unsigned id)
{
	for (guint i = 0; i < m->devices->len; i++) {
		struct device *d = g_ptr_array_index(m->devices, i);

		if (d->kind == k && d->id == (int)id)
			return d;
	}
	return NULL;
}

struct device *nd_region(const struct machine *m, unsigned id)
{
	return find_kind(m, DEV_ND_REGION, id);
}

struct device *nd_namespace(const struct machine *m, unsigned region, unsigned id)
{
	for (guint i = 0; i < m->devices->len; i++) {
		struct device *d = g_ptr_array_index(m->devices, i);

		if (d->kind == DEV_NAMESPACE && d->region->id == (int)region && d->id == (int)id)
			return d;
	}
	return NULL;
}

struct device *dax_device(const struct machine *m, unsigned region, unsigned id)
{
	char name[32];

	snprintf(name, sizeof(name), "dax%u.%u", region, id);
	return device_find(m, name);
}

static bool any_cxl_window(const struct machine *m)
{
	for (guint i = 0; i < m->devices->len; i++)
		if (((struct device *)g_ptr_array_index(m->devices, i))->kind == DEV_CXL_WINDOW)
			return true;
	return false;
}

static bool any_hmem(const struct machine *m)
{
	for (guint i = 0; i < m->devices->len; i++) {
		const struct device *d = g_ptr_array_index(m->devices, i);

		if (d->kind == DEV_DAX && !d->owner)
			return true;
	}
	return false;
}

static bool has_dax_bus(const struct machine *m)
{
	for (guint i = 0; i < m->devices->len; i++) {
		enum device_kind k = ((struct device *)g_ptr_array_index(m->devices, i))->kind;

		if (k == DEV_ND_REGION || k == DEV_CXL_WINDOW || k == DEV_DAX)
			return true;
	}
	return false;
}

/* Ids in use by a region's namespaces of a mode (or any), as a bitmap of the first 64. */
static uint64_t ns_ids(const struct machine *m, const struct device *region, int mode)
{
	uint64_t used = 0;

	for (guint i = 0; i < m->devices->len; i++) {
		const struct device *d = g_ptr_array_index(m->devices, i);

		if (d->kind == DEV_NAMESPACE && d->region == region && d->id < 64 &&
		    (mode < 0 || (int)d->mode == mode))
			used |= UINT64_C(1) << d->id;
	}
	return used;
}

static unsigned lowest_clear(uint64_t used)
{
	unsigned i = 0;

	while (i < 64 && (used >> i & 1))
		i++;
	return i;
}

/* nd_region_create_ns_seed() and friends: after a seed is claimed, the next
 * free id of its ida becomes the new seed. */
unsigned nd_ns_seed(const struct machine *m, const struct device *region)
{
	/* create_namespace_io(): a label-less region's one namespace is its seed */
	if (region->label_less)
		return 0;
	return lowest_clear(ns_ids(m, region, -1));
}
unsigned nd_pfn_seed(const struct machine *m, const struct device *region)
{
	return lowest_clear(ns_ids(m, region, NS_FSDAX));
}
unsigned nd_dax_seed(const struct machine *m, const struct device *region)
{
	return lowest_clear(ns_ids(m, region, NS_DEVDAX));
}

int dax_driver_of(const struct device *dax)
{
	switch (dax->dax_state) {
	case DAX_DEVICE_DAX:
		return DDRV_DEVICE_DAX;
	case DAX_KMEM:
		return DDRV_KMEM;
	case DAX_UNBOUND:
	case DAX_KMEM_STUCK:
		break;
	}
	return -1;
}

/* The window a CXL region is in (its number), or -1. */
static int cxl_window_of(const struct device *region)
{
	return region->owner ? region->owner->id : -1;
}

uint64_t dax_obj(const struct machine *m, const struct device *dax)
{
	unsigned a, b;

	if (sscanf(dax->name, "dax%u.%u", &a, &b) != 2)
		return 0;
	if (dax->owner && dax->owner->kind == DEV_NAMESPACE)
		return nd_obj(NT_DEV_DAX, ND_OWNER_ND << 4 | nd_bus_of(m, dax->owner->region), a, b);
	if (dax->owner)
		return nd_obj(NT_DEV_DAX, ND_OWNER_CXL << 4 | cxl_window_of(dax->owner), a, b);
	return nd_obj(NT_DEV_DAX, ND_OWNER_HMEM << 4, a, b);
}

struct device *nd_obj_dax(const struct machine *m, uint64_t obj)
{
	struct device *dax = dax_device(m, nd_a(obj), nd_b(obj));

	if (!dax || nd_p(dax_obj(m, dax)) != nd_p(obj))
		return NULL;
	return dax;
}

/* The devdax or fsdax namespace behind an NT_NDDAX / NT_PFN (a, b), if active. */
static struct device *claimed_ns(const struct machine *m, uint64_t obj, enum ns_mode mode)
{
	struct device *ns = nd_namespace(m, nd_a(obj), nd_b(obj));

	return ns && ns->mode == mode ? ns : NULL;
}

static struct device *region_of_obj(const struct machine *m, uint64_t obj)
{
	struct device *r = nd_region(m, nd_a(obj));

	return r && nd_bus_of(m, r) == (int)nd_p(obj) ? r : NULL;
}

static struct device *cxl_region_of_obj(const struct machine *m, uint64_t obj)
{
	struct device *r = find_kind(m, DEV_CXL_REGION, nd_a(obj));

	return r && cxl_window_of(r) == (int)nd_p(obj) ? r : NULL;
}

/* ---- names and paths ------------------------------------------------------- */

static void obj_name(const struct machine *m, uint64_t obj, GString *out)
{
	unsigned p = nd_p(obj), a = nd_a(obj), b = nd_b(obj);

	(void)m;
	switch (nd_type_of(obj)) {
	case NT_ACPI_SYSTM: g_string_append(out, "LNXSYSTM:00"); break;
	case NT_ACPI_SYBUS: g_string_append(out, "LNXSYBUS:00"); break;
	case NT_ACPI_NFIT: g_string_append(out, "ACPI0012:00"); break;
	case NT_PLATFORM: g_string_append(out, "platform"); break;
	case NT_E820: g_string_append(out, "e820_pmem"); break;
	case NT_NDBUS: g_string_append_printf(out, "ndbus%u", p); break;
	case NT_NFIT_GROUP: g_string_append(out, "nfit"); break;
	case NT_NDCTL: g_string_append_printf(out, "ndctl%u", p); break;
	case NT_NDCTL_GLUE: g_string_append(out, "nd"); break;
	case NT_BUS_FIRMWARE: g_string_append(out, "firmware"); break;
	case NT_REGION_NFIT: g_string_append(out, "nfit"); break;
	case NT_REGION: g_string_append_printf(out, "region%u", a); break;
	case NT_NMEM: g_string_append_printf(out, "nmem%u", a); break;
	case NT_NMEM_NFIT: g_string_append(out, "nfit"); break;
	case NT_NMEM_FIRMWARE: g_string_append(out, "firmware"); break;
	case NT_NAMESPACE: g_string_append_printf(out, "namespace%u.%u", a, b); break;
	case NT_BTT: g_string_append_printf(out, "btt%u.%u", a, b); break;
	case NT_PFN: g_string_append_printf(out, "pfn%u.%u", a, b); break;
	case NT_NDDAX: g_string_append_printf(out, "dax%u.%u", a, b); break;
	case NT_CXL_ACPI: g_string_append(out, "ACPI0017:00"); break;
	case NT_CXL_ROOT: g_string_append(out, "root0"); break;
	case NT_CXL_DECODER: g_string_append_printf(out, "decoder0.%u", p); break;
	case NT_CXL_REGION: g_string_append_printf(out, "region%u", a); break;
	case NT_CXL_DAX_REGION: g_string_append_printf(out, "dax_region%u", a); break;
	case NT_HMEM: g_string_append_printf(out, "hmem.%u", a); break;
	case NT_DEV_DAX: g_string_append_printf(out, "dax%u.%u", a, b); break;
	case NT_DAX_MAPPING: g_string_append(out, "mapping0"); break;
	case NT_DAX_GROUP: g_string_append(out, "dax_region"); break;
	case NT_DEV_DAX_POWER: case NT_DAX_MAPPING_POWER: g_string_append(out, "power"); break;
	case NT_BUS_ND: g_string_append(out, "nd"); break;
	case NT_BUS_DAX: g_string_append(out, "dax"); break;
	case NT_BUS_ND_DEVICES: case NT_BUS_DAX_DEVICES: g_string_append(out, "devices"); break;
	case NT_BUS_ND_DRIVERS: case NT_BUS_DAX_DRIVERS: g_string_append(out, "drivers"); break;
	case NT_ND_DRIVER: g_string_append(out, nd_driver_names[a]); break;
	case NT_DAX_DRIVER: g_string_append(out, dax_driver_names[a]); break;
	case NT_CLASS: g_string_append(out, "class"); break;
	case NT_CLASS_ND: g_string_append(out, "nd"); break;
	case NT_SYSDEV: g_string_append(out, "dev"); break;
	case NT_DEV_CHAR: g_string_append(out, "char"); break;
	case NT_MODULE: g_string_append(out, module_names[a]); break;
	case NT_MODULE_DRIVERS: g_string_append(out, "drivers"); break;
	case NT_NONE: case NR_ND_TYPES: break;
	}
}

/* The directory obj is in: another object, or 0 for an anchor (*at). */
static uint64_t obj_parent(const struct machine *m, uint64_t obj, enum nd_anchor *at)
{
	unsigned p = nd_p(obj), a = nd_a(obj), b = nd_b(obj);

	switch (nd_type_of(obj)) {
	case NT_ACPI_SYSTM: case NT_PLATFORM: *at = ND_AT_DEVICES; return 0;
	case NT_ACPI_SYBUS: return nd_obj(NT_ACPI_SYSTM, 0, 0, 0);
	case NT_ACPI_NFIT: return nd_obj(NT_ACPI_SYBUS, 0, 0, 0);
	case NT_E820: case NT_CXL_ACPI: case NT_HMEM: return nd_obj(NT_PLATFORM, 0, 0, 0);
	case NT_NDBUS:
		/* The NFIT bus is ndbus0 when there is one (nd_bus_of). */
		return nd_bus_is_nfit(m, p) ? nd_obj(NT_ACPI_NFIT, 0, 0, 0) : nd_obj(NT_E820, 0, 0, 0);
	case NT_NFIT_GROUP: case NT_NDCTL_GLUE: case NT_BUS_FIRMWARE: case NT_REGION: case NT_NMEM:
		return nd_obj(NT_NDBUS, p, 0, 0);
	case NT_NMEM_NFIT: case NT_NMEM_FIRMWARE: return nd_obj(NT_NMEM, p, a, 0);
	/* A class device under a device of no class goes into a directory
	 * named after its class (get_device_parent(), drivers/base/core.c). */
	case NT_NDCTL: return nd_obj(NT_NDCTL_GLUE, p, 0, 0);
	case NT_NAMESPACE: case NT_BTT: case NT_PFN: case NT_NDDAX: case NT_REGION_NFIT:
		return nd_obj(NT_REGION, p, a, 0);
	case NT_CXL_ROOT: return nd_obj(NT_CXL_ACPI, 0, 0, 0);
	case NT_CXL_DECODER: return nd_obj(NT_CXL_ROOT, 0, 0, 0);
	case NT_CXL_REGION: return nd_obj(NT_CXL_DECODER, p, 0, 0);
	case NT_CXL_DAX_REGION: return nd_obj(NT_CXL_REGION, p, a, 0);
	case NT_DEV_DAX: case NT_DAX_GROUP:
		switch (p >> 4) {
		case ND_OWNER_ND: return nd_obj(NT_NDDAX, p & 0xf, a, b);
		case ND_OWNER_CXL: return nd_obj(NT_CXL_DAX_REGION, p & 0xf, a, 0);
		default: return nd_obj(NT_HMEM, 0, a, 0);
		}
	case NT_DAX_MAPPING: case NT_DEV_DAX_POWER: return nd_obj(NT_DEV_DAX, p, a, b);
	case NT_DAX_MAPPING_POWER: return nd_obj(NT_DAX_MAPPING, p, a, b);
	case NT_BUS_ND: case NT_BUS_DAX: *at = ND_AT_BUS; return 0;
	case NT_BUS_ND_DEVICES: case NT_BUS_ND_DRIVERS: return nd_obj(NT_BUS_ND, 0, 0, 0);
	case NT_ND_DRIVER: return nd_obj(NT_BUS_ND_DRIVERS, 0, 0, 0);
	case NT_BUS_DAX_DEVICES: case NT_BUS_DAX_DRIVERS: return nd_obj(NT_BUS_DAX, 0, 0, 0);
	case NT_DAX_DRIVER: return nd_obj(NT_BUS_DAX_DRIVERS, 0, 0, 0);
	case NT_CLASS: case NT_SYSDEV: *at = ND_AT_SYS; return 0;
	case NT_CLASS_ND: return nd_obj(NT_CLASS, 0, 0, 0);
	case NT_DEV_CHAR: return nd_obj(NT_SYSDEV, 0, 0, 0);
	case NT_MODULE: *at = ND_AT_MODULE; return 0;
	case NT_MODULE_DRIVERS: return nd_obj(NT_MODULE, 0, a, 0);
	case NT_NONE: case NR_ND_TYPES: break;
	}
	*at = ND_AT_SYS;
	return 0;
}

static const char *const anchor_paths[NR_ND_ANCHORS] = {
	[ND_AT_SYS] = "", [ND_AT_DEVICES] = "devices", [ND_AT_BUS] = "bus",
	[ND_AT_MODULE] = "module",
};

/* obj's path below /sys, without a leading slash. */
static void obj_path(const struct machine *m, uint64_t obj, GString *out)
{
	enum nd_anchor at = ND_AT_SYS;
	uint64_t parent = obj_parent(m, obj, &at);

	if (parent)
		obj_path(m, parent, out);
	else
		g_string_append(out, anchor_paths[at]);
	if (out->len)
		g_string_append_c(out, '/');
	obj_name(m, obj, out);
}

/* A relative link from the directory from_dir to to (paths below /sys), as
 * kernfs_get_target_path() makes it (fs/kernfs/symlink.c, 6.1 and 6.12): up
 * from from_dir to the nearest directory that holds to (a proper ancestor of
 * to, so never to itself), then down. */
static void relative_link(const char *from_dir, const char *to, GString *out)
{
	g_auto(GStrv) from = *from_dir ? g_strsplit(from_dir, "/", -1) : g_new0(char *, 1);
	g_auto(GStrv) target = g_strsplit(to, "/", -1);
	guint nf = g_strv_length(from), nt = g_strv_length(target), common = 0;

	while (common < nf && common + 1 < nt && strcmp(from[common], target[common]) == 0)
		common++;
	for (guint i = common; i < nf; i++)
		g_string_append(out, "../");
	for (guint i = common; i < nt; i++) {
		g_string_append(out, target[i]);
		if (i + 1 < nt)
			g_string_append_c(out, '/');
	}
}

/* ---- directories ----------------------------------------------------------- */

/* The driver a device directory is bound to: its directory, or 0. */
static uint64_t bound_driver(const struct machine *m, uint64_t obj)
{
	const struct device *d;

	switch (nd_type_of(obj)) {
	case NT_NDBUS:
		return nd_obj(NT_ND_DRIVER, 0, NDRV_ND_BUS, 0);
	case NT_REGION:
		return nd_obj(NT_ND_DRIVER, 0, NDRV_ND_REGION, 0);
	case NT_NMEM:
		return nd_obj(NT_ND_DRIVER, 0, NDRV_NVDIMM, 0);
	case NT_PFN:
		/* nd_pmem binds the pfn device of an fsdax namespace. */
		return claimed_ns(m, obj, NS_FSDAX) ? nd_obj(NT_ND_DRIVER, 0, NDRV_ND_PMEM, 0) : 0;
	case NT_NDDAX:
		return claimed_ns(m, obj, NS_DEVDAX) ? nd_obj(NT_ND_DRIVER, 0, NDRV_DAX_PMEM, 0) : 0;
	case NT_NAMESPACE:
		/* nd_pmem binds a raw (io) namespace itself */
		return claimed_ns(m, obj, NS_RAW) ? nd_obj(NT_ND_DRIVER, 0, NDRV_ND_PMEM, 0) : 0;
	case NT_DEV_DAX:
		d = nd_obj_dax(m, obj);
		if (!d || dax_driver_of(d) < 0)
			return 0;
		return nd_obj(NT_DAX_DRIVER, 0, (unsigned)dax_driver_of(d), 0);
	default:
		return 0;
	}
}

/* Devices on the nd bus and the dax bus, in the kernel's registration order
 * as far as it is known: bus, regions, then each region's children. */
static bool on_nd_bus(enum nd_type t)
{
	return t == NT_NDBUS || t == NT_NMEM || t == NT_REGION || t == NT_NAMESPACE || t == NT_BTT ||
	       t == NT_PFN || t == NT_NDDAX;
}

struct lister {
	const struct machine *m;
	nd_entry_fn fn;
	void *ctx;
	bool stopped;
};

static bool put(struct lister *l, const char *name, tree_node n, enum tree_type type)
{
	if (!l->stopped && !l->fn(l->ctx, name, n, type))
		l->stopped = true;
	return !l->stopped;
}

static void put_dir(struct lister *l, uint64_t obj)
{
	g_autoptr(GString) name = g_string_new(NULL);

	obj_name(l->m, obj, name);
	put(l, name->str, tree_nd_node(obj, 0), TREE_DIR);
}

static void put_link(struct lister *l, const char *name, uint64_t obj, unsigned role)
{
	put(l, name, tree_nd_link(obj, role), TREE_LINK);
}

/* A link named after obj (bus devices, driver directories). */
static void put_named_link(struct lister *l, uint64_t obj, unsigned role)
{
	g_autoptr(GString) name = g_string_new(NULL);

	obj_name(l->m, obj, name);
	put_link(l, name->str, obj, role);
}

/* The attribute table of a directory type, if it has one. */
static const struct attrs *type_attrs(enum nd_type t)
{
	switch (t) {
	case NT_NDBUS: return &nd_bus_attrs;
	case NT_NFIT_GROUP: return &nfit_group_attrs;
	case NT_NDCTL: return &ndctl_attrs;
	case NT_REGION: return &nd_region_attrs;
	case NT_REGION_NFIT: return &region_nfit_attrs;
	case NT_NMEM: return &nmem_attrs;
	case NT_NMEM_NFIT: return &nmem_nfit_attrs;
	case NT_NAMESPACE: return &nd_namespace_attrs;
	case NT_PFN: case NT_NDDAX: return &nd_pfn_attrs;
	case NT_BTT: return &nd_btt_attrs;
	case NT_DEV_DAX: return &dev_dax_attrs;
	case NT_DAX_MAPPING: return &dax_mapping_attrs;
	case NT_DAX_GROUP: return &dax_group_attrs;
	/* dpm_sysfs_add(): the dax devices are not pm_not_required, unlike the nd
	 * bus's (nd_device_register); the same files as a memory block's */
	case NT_DEV_DAX_POWER: case NT_DAX_MAPPING_POWER: return &power_attrs;
	case NT_ND_DRIVER: return &nd_driver_attrs;
	case NT_DAX_DRIVER: return &dax_driver_attrs;
	case NT_BUS_ND: case NT_BUS_DAX: return &nd_bus_root_attrs;
	case NT_MODULE: return &module_attrs;
	default: return NULL;
	}
}

static bool attr_visible(const struct machine *m, uint64_t obj, unsigned i)
{
	const struct attrs *t = type_attrs(nd_type_of(obj));

	if (!t || i >= t->n)
		return false;
	if (t->v[i].exists && !t->v[i].exists(m))
		return false;
	switch (nd_type_of(obj)) {
	case NT_DEV_DAX: return dev_dax_attr_visible(m, obj, i);
	case NT_DAX_GROUP: return dax_group_attr_visible(m, obj, i);
	case NT_REGION: return nd_region_attr_visible(m, obj, i);
	case NT_NAMESPACE: return nd_namespace_attr_visible(m, obj, i);
	case NT_ND_DRIVER: return nd_driver_attr_visible(obj, i);
	default: return true;
	}
}

static void put_attrs(struct lister *l, uint64_t obj)
{
	const struct attrs *t = type_attrs(nd_type_of(obj));

	for (unsigned i = 0; t && i < t->n && !l->stopped; i++)
		if (attr_visible(l->m, obj, i))
			put(l, t->v[i].name, tree_nd_node(obj, i + 1), t->v[i].type);
}

/* A device directory's driver and subsystem links. */
static void put_device_links(struct lister *l, uint64_t obj)
{
	if (bound_driver(l->m, obj))
		put_link(l, "driver", obj, R_DRIVER);
	put_link(l, "subsystem", obj, R_SUBSYSTEM);
}

/* A seed's id added to the ids in use (none past the first 64). */
static uint64_t with_seed(uint64_t used, unsigned seed)
{
	return seed < 64 ? used | UINT64_C(1) << seed : used;
}

/*
 * Region r's children on bus p: nd_region_register_namespaces() registers
 * the namespaces, then the btt, pfn and dax seeds; claimed pfn/dax devices
 * sit next to their seeds.  The ids in use and the seeds are found once
 * per listing (a few device scans), not once for each of the 64 ids.
 */
static void for_each_region_child(struct lister *l, void (*fn)(struct lister *l, uint64_t obj),
				  unsigned p, const struct device *r)
{
	const struct machine *m = l->m;
	unsigned a = (unsigned)r->id;
	uint64_t ns = with_seed(ns_ids(m, r, -1), nd_ns_seed(m, r));
	uint64_t pfn = with_seed(ns_ids(m, r, NS_FSDAX), nd_pfn_seed(m, r));
	uint64_t dax = with_seed(ns_ids(m, r, NS_DEVDAX), nd_dax_seed(m, r));

	for (unsigned y = 0; y < 64; y++)
		if (ns >> y & 1)
			fn(l, nd_obj(NT_NAMESPACE, p, a, y));
	fn(l, nd_obj(NT_BTT, p, a, 0));
	for (unsigned y = 0; y < 64; y++)
		if (pfn >> y & 1)
			fn(l, nd_obj(NT_PFN, p, a, y));
	for (unsigned y = 0; y < 64; y++)
		if (dax >> y & 1)
			fn(l, nd_obj(NT_NDDAX, p, a, y));
}

static void list_region_children(struct lister *l, uint64_t obj)
{
	const struct device *r = region_of_obj(l->m, obj);

	if (r)
		for_each_region_child(l, put_dir, nd_p(obj), r);
}

/* Calls fn for every device on the nd bus, in listing order. */
static void for_each_nd_device(const struct machine *m, void (*fn)(struct lister *l, uint64_t obj),
			       struct lister *l)
{
	for (unsigned bus = 0; nd_bus_exists(m, bus) && !l->stopped; bus++) {
		fn(l, nd_obj(NT_NDBUS, bus, 0, 0));
		/* acpi_nfit_init(): the DIMMs register before the regions */
		for (guint i = 0; i < m->devices->len && !l->stopped; i++) {
			const struct device *r = g_ptr_array_index(m->devices, i);

			if (r->kind == DEV_ND_REGION && nd_bus_of(m, r) == (int)bus &&
			    nd_region_has_dimm(m, r))
				fn(l, nd_obj(NT_NMEM, bus, (unsigned)r->id, 0));
		}
		for (guint i = 0; i < m->devices->len && !l->stopped; i++) {
			const struct device *r = g_ptr_array_index(m->devices, i);
			unsigned a = (unsigned)r->id;

			if (r->kind != DEV_ND_REGION || nd_bus_of(m, r) != (int)bus)
				continue;
			fn(l, nd_obj(NT_REGION, bus, a, 0));
			for_each_region_child(l, fn, bus, r);
		}
	}
}

static void for_each_dax_device(const struct machine *m, void (*fn)(struct lister *l, uint64_t obj),
				struct lister *l)
{
	for (guint i = 0; i < m->devices->len && !l->stopped; i++) {
		const struct device *d = g_ptr_array_index(m->devices, i);

		if (d->kind == DEV_DAX && dax_obj(m, d))
			fn(l, dax_obj(m, d));
	}
}

static void put_dev_char(struct lister *l, uint64_t obj);

/* for_each_nd_device's DIMMs in /sys/dev/char. */
static void put_dimm_dev_char(struct lister *l, uint64_t obj)
{
	if (nd_type_of(obj) == NT_NMEM)
		put_dev_char(l, obj);
}

static void put_bus_device(struct lister *l, uint64_t obj)
{
	put_named_link(l, obj, R_BUS_DEVICE);
}

/* The driver directory being listed, for put_driver_device. */
struct driver_lister {
	struct lister l;
	uint64_t driver;
};

static void put_driver_device(struct lister *l, uint64_t obj)
{
	uint64_t drv = ((struct driver_lister *)l)->driver;

	if (bound_driver(l->m, obj) != drv)
		return;
	put_named_link(l, obj, nd_type_of(drv) == NT_ND_DRIVER ? R_ND_DRIVER_DEVICE + nd_a(drv) :
			       R_DAX_DRIVER_DEVICE + nd_a(drv));
}

static int module_of_driver(uint64_t drv)
{
	if (nd_type_of(drv) == NT_DAX_DRIVER)
		return nd_a(drv) == DDRV_KMEM ? MOD_KMEM : MOD_DEVICE_DAX;
	if (nd_a(drv) == NDRV_DAX_PMEM)
		return MOD_DAX_PMEM;
	if (nd_a(drv) == NDRV_ND_PMEM)
		return MOD_ND_PMEM;
	/* nd_bus, nd_region and nvdimm are libnvdimm's own (drivers/nvdimm/Makefile:
	 * bus.o, region.o, dimm.o in libnvdimm-y, 6.1 and 6.12) */
	return MOD_LIBNVDIMM;
}

/* /sys/module/M/drivers: a "BUS:DRIVER" link for each driver M registers. */
static void put_module_drivers(struct lister *l, unsigned mod)
{
	for (unsigned t = 0; t < 2 && !l->stopped; t++) {
		unsigned n = t ? NR_DAX_DRIVERS : NR_ND_DRIVERS;

		for (unsigned i = 0; i < n && !l->stopped; i++) {
			uint64_t drv = nd_obj(t ? NT_DAX_DRIVER : NT_ND_DRIVER, 0, i, 0);
			g_autoptr(GString) name = g_string_new(t ? "dax:" : "nd:");

			if (module_of_driver(drv) != (int)mod)
				continue;
			obj_name(l->m, drv, name);
			put_link(l, name->str, drv, R_MODULE_DRIVER);
		}
	}
}

static void put_dev_char(struct lister *l, uint64_t obj)
{
	char name[32];

	if (nd_type_of(obj) == NT_NDCTL) {
		snprintf(name, sizeof(name), "%d:%u", ND_NDCTL_MAJOR, nd_p(obj));
	} else if (nd_type_of(obj) == NT_NMEM) {
		snprintf(name, sizeof(name), "%d:%u", ND_DIMM_MAJOR, nd_a(obj));
	} else {
		const struct device *d = nd_obj_dax(l->m, obj);

		if (!d)
			return;
		snprintf(name, sizeof(name), "%d:%d", ND_DAX_MAJOR, d->minor);
	}
	put_link(l, name, obj, R_DEV_CHAR);
}

static void list_dir(struct lister *l, uint64_t obj)
{
	const struct machine *m = l->m;
	unsigned p = nd_p(obj), a = nd_a(obj), b = nd_b(obj);
	const struct device *d;

	switch (nd_type_of(obj)) {
	case NT_ACPI_SYSTM:
		put_dir(l, nd_obj(NT_ACPI_SYBUS, 0, 0, 0));
		break;
	case NT_ACPI_SYBUS:
		put_dir(l, nd_obj(NT_ACPI_NFIT, 0, 0, 0));
		break;
	case NT_ACPI_NFIT:
		put_dir(l, nd_obj(NT_NDBUS, 0, 0, 0));
		break;
	case NT_PLATFORM:
		if (any_region(m, false))
			put_dir(l, nd_obj(NT_E820, 0, 0, 0));
		if (any_cxl_window(m))
			put_dir(l, nd_obj(NT_CXL_ACPI, 0, 0, 0));
		for (guint i = 0; i < m->devices->len && !l->stopped; i++) {
			d = g_ptr_array_index(m->devices, i);
			if (d->kind == DEV_DAX && !d->owner)
				put_dir(l, nd_obj(NT_HMEM, 0, nd_a(dax_obj(m, d)), 0));
		}
		break;
	case NT_E820:
		put_dir(l, nd_obj(NT_NDBUS, any_region(m, true) ? 1 : 0, 0, 0));
		break;
	case NT_NDBUS:
		put_attrs(l, obj);
		put_device_links(l, obj);
		/* nvdimm_bus_firmware_attribute_group: no fw_ops, no files */
		put_dir(l, nd_obj(NT_BUS_FIRMWARE, p, 0, 0));
		if (nd_bus_is_nfit(m, p))
			put_dir(l, nd_obj(NT_NFIT_GROUP, p, 0, 0));
		put_dir(l, nd_obj(NT_NDCTL_GLUE, p, 0, 0));
		for (guint i = 0; i < m->devices->len && !l->stopped; i++) {
			d = g_ptr_array_index(m->devices, i);
			if (d->kind == DEV_ND_REGION && nd_bus_of(m, d) == (int)p &&
			    nd_region_has_dimm(m, d))
				put_dir(l, nd_obj(NT_NMEM, p, (unsigned)d->id, 0));
		}
		for (guint i = 0; i < m->devices->len && !l->stopped; i++) {
			d = g_ptr_array_index(m->devices, i);
			if (d->kind == DEV_ND_REGION && nd_bus_of(m, d) == (int)p)
				put_dir(l, nd_obj(NT_REGION, p, (unsigned)d->id, 0));
		}
		break;
	case NT_NMEM:
		put_attrs(l, obj);
		put_device_links(l, obj);
		/* nvdimm_firmware_attribute_group: no fw_ops, no files; the NFIT's
		 * acpi_nfit_dimm_attribute_group "nfit" */
		put_dir(l, nd_obj(NT_NMEM_FIRMWARE, p, a, 0));
		put_dir(l, nd_obj(NT_NMEM_NFIT, p, a, 0));
		break;
	case NT_NMEM_FIRMWARE:
		break;
	case NT_NDCTL_GLUE:
		put_dir(l, nd_obj(NT_NDCTL, p, 0, 0));
		break;
	case NT_BUS_FIRMWARE:
		break;
	case NT_NDCTL:
		put_attrs(l, obj);
		put_link(l, "device", obj, R_DEVICE);
		put_link(l, "subsystem", obj, R_SUBSYSTEM);
		break;
	case NT_REGION:
		put_attrs(l, obj);
		put_device_links(l, obj);
		/* acpi_nfit_region_attribute_groups: "nfit" */
		if (nd_bus_is_nfit(m, p))
			put_dir(l, nd_obj(NT_REGION_NFIT, p, a, 0));
		list_region_children(l, obj);
		break;
	case NT_NAMESPACE: case NT_BTT: case NT_PFN:
		put_attrs(l, obj);
		put_device_links(l, obj);
		break;
	case NT_NDDAX:
		put_attrs(l, obj);
		put_device_links(l, obj);
		if (claimed_ns(m, obj, NS_DEVDAX) && dax_device(m, a, b)) {
			put_dir(l, nd_obj(NT_DAX_GROUP, ND_OWNER_ND << 4 | p, a, b));
			put_dir(l, nd_obj(NT_DEV_DAX, ND_OWNER_ND << 4 | p, a, b));
		}
		break;
	case NT_CXL_ACPI:
		put_dir(l, nd_obj(NT_CXL_ROOT, 0, 0, 0));
		break;
	case NT_CXL_ROOT:
		for (guint i = 0; i < m->devices->len && !l->stopped; i++) {
			d = g_ptr_array_index(m->devices, i);
			if (d->kind == DEV_CXL_WINDOW)
				put_dir(l, nd_obj(NT_CXL_DECODER, (unsigned)d->id, 0, 0));
		}
		break;
	case NT_CXL_DECODER:
		for (guint i = 0; i < m->devices->len && !l->stopped; i++) {
			d = g_ptr_array_index(m->devices, i);
			if (d->kind == DEV_CXL_REGION && cxl_window_of(d) == (int)p)
				put_dir(l, nd_obj(NT_CXL_REGION, p, (unsigned)d->id, 0));
		}
		break;
	case NT_CXL_REGION:
		put_dir(l, nd_obj(NT_CXL_DAX_REGION, p, a, 0));
		break;
	case NT_CXL_DAX_REGION:
		put_dir(l, nd_obj(NT_DAX_GROUP, ND_OWNER_CXL << 4 | p, a, 0));
		put_dir(l, nd_obj(NT_DEV_DAX, ND_OWNER_CXL << 4 | p, a, 0));
		break;
	case NT_HMEM:
		put_dir(l, nd_obj(NT_DAX_GROUP, ND_OWNER_HMEM << 4, a, 0));
		put_dir(l, nd_obj(NT_DEV_DAX, ND_OWNER_HMEM << 4, a, 0));
		break;
	case NT_DEV_DAX:
		put_attrs(l, obj);
		put_device_links(l, obj);
		put_dir(l, nd_obj(NT_DAX_MAPPING, p, a, b));
		put_dir(l, nd_obj(NT_DEV_DAX_POWER, p, a, b));
		break;
	case NT_DAX_MAPPING:
		put_attrs(l, obj);
		put_dir(l, nd_obj(NT_DAX_MAPPING_POWER, p, a, b));
		break;
	case NT_DAX_GROUP: case NT_NFIT_GROUP: case NT_REGION_NFIT: case NT_NMEM_NFIT: case NT_DEV_DAX_POWER:
	case NT_DAX_MAPPING_POWER:
		put_attrs(l, obj);
		break;
	case NT_BUS_ND:
		put_dir(l, nd_obj(NT_BUS_ND_DEVICES, 0, 0, 0));
		put_dir(l, nd_obj(NT_BUS_ND_DRIVERS, 0, 0, 0));
		put_attrs(l, obj);
		break;
	case NT_BUS_DAX:
		put_dir(l, nd_obj(NT_BUS_DAX_DEVICES, 0, 0, 0));
		put_dir(l, nd_obj(NT_BUS_DAX_DRIVERS, 0, 0, 0));
		put_attrs(l, obj);
		break;
	case NT_BUS_ND_DEVICES:
		for_each_nd_device(m, put_bus_device, l);
		break;
	case NT_BUS_DAX_DEVICES:
		for_each_dax_device(m, put_bus_device, l);
		break;
	case NT_BUS_ND_DRIVERS:
		for (unsigned i = 0; i < NR_ND_DRIVERS; i++)
			put_dir(l, nd_obj(NT_ND_DRIVER, 0, i, 0));
		break;
	case NT_BUS_DAX_DRIVERS:
		for (unsigned i = 0; i < NR_DAX_DRIVERS; i++)
			put_dir(l, nd_obj(NT_DAX_DRIVER, 0, i, 0));
		break;
	case NT_ND_DRIVER: case NT_DAX_DRIVER: {
		struct driver_lister dl = { .l = *l, .driver = obj };

		put_attrs(&dl.l, obj);
		if (module_of_driver(obj) >= 0)
			put_link(&dl.l, "module", obj, R_MODULE);
		if (nd_type_of(obj) == NT_ND_DRIVER)
			for_each_nd_device(m, put_driver_device, &dl.l);
		else
			for_each_dax_device(m, put_driver_device, &dl.l);
		l->stopped = dl.l.stopped;
		break;
	}
	case NT_CLASS:
		put_dir(l, nd_obj(NT_CLASS_ND, 0, 0, 0));
		break;
	case NT_CLASS_ND:
		for (unsigned bus = 0; nd_bus_exists(m, bus); bus++)
			put_named_link(l, nd_obj(NT_NDCTL, bus, 0, 0), R_CLASS);
		break;
	case NT_SYSDEV:
		put_dir(l, nd_obj(NT_DEV_CHAR, 0, 0, 0));
		break;
	case NT_DEV_CHAR:
		for (unsigned bus = 0; nd_bus_exists(m, bus) && !l->stopped; bus++)
			put_dev_char(l, nd_obj(NT_NDCTL, bus, 0, 0));
		for_each_nd_device(m, put_dimm_dev_char, l);
		for_each_dax_device(m, put_dev_char, l);
		break;
	case NT_MODULE:
		put_attrs(l, obj);
		put_dir(l, nd_obj(NT_MODULE_DRIVERS, 0, a, 0));
		break;
	case NT_MODULE_DRIVERS:
		put_module_drivers(l, a);
		break;
	case NT_NONE: case NR_ND_TYPES:
		break;
	}
}

/* ---- existence ---------------------------------------------------------------- */

static bool module_exists(const struct machine *m, unsigned mod)
{
	if (mod == MOD_DAX_PMEM || mod == MOD_ND_PMEM || mod == MOD_LIBNVDIMM)
		return any_nd_bus(m);
	return mod < NR_MODULES && has_dax_bus(m);
}

bool nd_dir_exists(const struct machine *m, uint64_t obj)
{
	unsigned p = nd_p(obj), a = nd_a(obj), b = nd_b(obj);
	const struct device *r;

	if (!m->has_memory_dir)
		return false;
	switch (nd_type_of(obj)) {
	case NT_ACPI_SYSTM: case NT_ACPI_SYBUS: case NT_ACPI_NFIT:
		return obj == nd_obj(nd_type_of(obj), 0, 0, 0) && any_region(m, true);
	case NT_PLATFORM:
		return obj == nd_obj(NT_PLATFORM, 0, 0, 0) &&
		       (any_region(m, false) || any_cxl_window(m) || any_hmem(m));
	case NT_E820:
		return obj == nd_obj(NT_E820, 0, 0, 0) && any_region(m, false);
	case NT_NDBUS: case NT_NDCTL: case NT_NDCTL_GLUE: case NT_BUS_FIRMWARE:
		return !a && !b && nd_bus_exists(m, p);
	case NT_NFIT_GROUP:
		return !a && !b && nd_bus_is_nfit(m, p);
	case NT_REGION:
		return !b && region_of_obj(m, obj);
	case NT_REGION_NFIT:
		return !b && region_of_obj(m, obj) && nd_bus_is_nfit(m, p);
	case NT_NMEM: case NT_NMEM_NFIT: case NT_NMEM_FIRMWARE:
		r = region_of_obj(m, obj);
		return !b && r && nd_region_has_dimm(m, r);
	case NT_NAMESPACE:
		r = region_of_obj(m, obj);
		return r && (nd_namespace(m, a, b) || b == nd_ns_seed(m, r));
	case NT_BTT:
		return region_of_obj(m, obj) && b == 0;
	case NT_PFN:
		r = region_of_obj(m, obj);
		return r && (claimed_ns(m, obj, NS_FSDAX) || b == nd_pfn_seed(m, r));
	case NT_NDDAX:
		r = region_of_obj(m, obj);
		return r && (claimed_ns(m, obj, NS_DEVDAX) || b == nd_dax_seed(m, r));
	case NT_CXL_ACPI: case NT_CXL_ROOT:
		return obj == nd_obj(nd_type_of(obj), 0, 0, 0) && any_cxl_window(m);
	case NT_CXL_DECODER:
		return !a && !b && find_kind(m, DEV_CXL_WINDOW, p);
	case NT_CXL_REGION:
		return !b && cxl_region_of_obj(m, obj);
	case NT_CXL_DAX_REGION:
		return !b && cxl_region_of_obj(m, obj) && dax_device(m, a, 0);
	case NT_HMEM:
		return !p && !b && nd_obj_dax(m, nd_obj(NT_DEV_DAX, ND_OWNER_HMEM << 4, a, 0));
	case NT_DEV_DAX: case NT_DAX_MAPPING: case NT_DAX_GROUP: case NT_DEV_DAX_POWER:
	case NT_DAX_MAPPING_POWER: {
		const struct device *d = nd_obj_dax(m, obj);

		/* An nd dax device lives in its claiming nd_dax device. */
		return d && (p >> 4 != ND_OWNER_ND ||
			     claimed_ns(m, nd_obj(NT_NDDAX, p & 0xf, a, b), NS_DEVDAX));
	}
	case NT_BUS_ND: case NT_BUS_ND_DEVICES: case NT_BUS_ND_DRIVERS: case NT_CLASS:
	case NT_CLASS_ND:
		return obj == nd_obj(nd_type_of(obj), 0, 0, 0) && any_nd_bus(m);
	case NT_ND_DRIVER:
		return !p && !b && a < NR_ND_DRIVERS && any_nd_bus(m);
	case NT_BUS_DAX: case NT_BUS_DAX_DEVICES: case NT_BUS_DAX_DRIVERS: case NT_SYSDEV:
	case NT_DEV_CHAR:
		return obj == nd_obj(nd_type_of(obj), 0, 0, 0) && has_dax_bus(m);
	case NT_DAX_DRIVER:
		return !p && !b && a < NR_DAX_DRIVERS && has_dax_bus(m);
	case NT_MODULE: case NT_MODULE_DRIVERS:
		return !p && !b && module_exists(m, a);
	case NT_NONE: case NR_ND_TYPES:
		break;
	}
	return false;
}

void nd_anchor_list(const struct machine *m, enum nd_anchor at, nd_entry_fn fn, void *ctx)
{
	struct lister l = { m, fn, ctx, false };
	static const uint64_t top[] = {
		(uint64_t)NT_CLASS << 32, (uint64_t)NT_SYSDEV << 32, (uint64_t)NT_ACPI_SYSTM << 32,
		(uint64_t)NT_PLATFORM << 32, (uint64_t)NT_BUS_ND << 32, (uint64_t)NT_BUS_DAX << 32,
	};

	for (size_t i = 0; i < G_N_ELEMENTS(top) && !l.stopped; i++) {
		enum nd_anchor in = ND_AT_SYS;

		obj_parent(m, top[i], &in);
		if (in == at && nd_dir_exists(m, top[i]))
			put_dir(&l, top[i]);
	}
	if (at == ND_AT_MODULE)
		for (unsigned i = 0; i < NR_MODULES && !l.stopped; i++)
			if (module_exists(m, i))
				put_dir(&l, nd_obj(NT_MODULE, 0, i, 0));
}

void nd_dir_list(const struct machine *m, uint64_t obj, nd_entry_fn fn, void *ctx)
{
	struct lister l = { m, fn, ctx, false };

	list_dir(&l, obj);
}

tree_node nd_dir_parent(const struct machine *m, uint64_t obj)
{
	enum nd_anchor at = ND_AT_SYS;
	uint64_t parent = obj_parent(m, obj, &at);

	return parent ? tree_nd_node(parent, 0) : tree_nd_anchor(at);
}

bool nd_file_exists(const struct machine *m, uint64_t obj, unsigned sub)
{
	return sub > 0 && nd_dir_exists(m, obj) && attr_visible(m, obj, sub - 1);
}

/* A directory's names are distinct (sysfs refuses a second with EEXIST), so
 * a name that is a visible attribute is that file: found without listing
 * the subdirectories and links, which computes every child's name. */
bool nd_attr_lookup(const struct machine *m, uint64_t obj, const char *name, tree_node *child)
{
	const struct attrs *t = type_attrs(nd_type_of(obj));

	for (unsigned i = 0; t && i < t->n; i++) {
		if (strcmp(t->v[i].name, name) != 0)
			continue;
		if (!attr_visible(m, obj, i))
			return false;
		*child = tree_nd_node(obj, i + 1);
		return true;
	}
	return false;
}

const struct attr *nd_file_attr(uint64_t obj, unsigned sub)
{
	const struct attrs *t = type_attrs(nd_type_of(obj));

	return t && sub > 0 && sub <= t->n ? &t->v[sub - 1] : NULL;
}

/* ---- links -------------------------------------------------------------------- */

bool nd_link_exists(const struct machine *m, uint64_t obj, unsigned role)
{
	enum nd_type t = nd_type_of(obj);
	uint64_t drv;

	if (!nd_dir_exists(m, obj))
		return false;
	switch (role) {
	case R_DRIVER:
		return bound_driver(m, obj) != 0;
	case R_SUBSYSTEM:
		return on_nd_bus(t) || t == NT_DEV_DAX || t == NT_NDCTL;
	case R_DEVICE: case R_CLASS:
		return t == NT_NDCTL;
	case R_BUS_DEVICE:
		return on_nd_bus(t) || t == NT_DEV_DAX;
	case R_DEV_CHAR:
		return t == NT_NDCTL || t == NT_NMEM || t == NT_DEV_DAX;
	case R_MODULE: case R_MODULE_DRIVER:
		return (t == NT_ND_DRIVER || t == NT_DAX_DRIVER) && module_of_driver(obj) >= 0;
	default:
		if (role < R_DAX_DRIVER_DEVICE)
			drv = nd_obj(NT_ND_DRIVER, 0, role - R_ND_DRIVER_DEVICE, 0);
		else if (role < R_DAX_DRIVER_DEVICE + NR_DAX_DRIVERS)
			drv = nd_obj(NT_DAX_DRIVER, 0, role - R_DAX_DRIVER_DEVICE, 0);
		else
			return false;
		return bound_driver(m, obj) == drv;
	}
}

tree_node nd_link_parent(uint64_t obj, unsigned role)
{
	switch (role) {
	case R_DRIVER: case R_SUBSYSTEM: case R_DEVICE: case R_MODULE:
		return tree_nd_node(obj, 0);
	case R_BUS_DEVICE:
		return tree_nd_node(nd_obj(nd_type_of(obj) == NT_DEV_DAX ? NT_BUS_DAX_DEVICES :
					   NT_BUS_ND_DEVICES, 0, 0, 0), 0);
	case R_DEV_CHAR:
		return tree_nd_node(nd_obj(NT_DEV_CHAR, 0, 0, 0), 0);
	case R_CLASS:
		return tree_nd_node(nd_obj(NT_CLASS_ND, 0, 0, 0), 0);
	case R_MODULE_DRIVER:
		return tree_nd_node(nd_obj(NT_MODULE_DRIVERS, 0, (unsigned)module_of_driver(obj), 0), 0);
	default:
		if (role < R_DAX_DRIVER_DEVICE)
			return tree_nd_node(nd_obj(NT_ND_DRIVER, 0, role - R_ND_DRIVER_DEVICE, 0), 0);
		return tree_nd_node(nd_obj(NT_DAX_DRIVER, 0, role - R_DAX_DRIVER_DEVICE, 0), 0);
	}
}

uint64_t nd_link_target(const struct machine *m, uint64_t obj, unsigned role)
{
	enum nd_type t = nd_type_of(obj);

	switch (role) {
	case R_DRIVER:
		return bound_driver(m, obj);
	case R_SUBSYSTEM:
		return nd_obj(t == NT_NDCTL ? NT_CLASS_ND : t == NT_DEV_DAX ? NT_BUS_DAX : NT_BUS_ND,
			      0, 0, 0);
	case R_DEVICE:
		return nd_obj(NT_NDBUS, nd_p(obj), 0, 0);
	case R_MODULE:
		return nd_obj(NT_MODULE, 0, (unsigned)module_of_driver(obj), 0);
	default:
		return obj;   /* the links to obj itself: bus, class, /sys/dev/char, drivers */
	}
}

void nd_readlink(const struct machine *m, uint64_t obj, unsigned role, GString *out)
{
	g_autoptr(GString) from = g_string_new(NULL);
	g_autoptr(GString) to = g_string_new(NULL);
	enum nd_type t = nd_type_of(obj);

	switch (role) {
	case R_DRIVER: case R_SUBSYSTEM: case R_DEVICE: case R_MODULE:
		obj_path(m, obj, from);
		break;
	case R_BUS_DEVICE:
		g_string_append(from, t == NT_DEV_DAX ? "bus/dax/devices" : "bus/nd/devices");
		break;
	case R_DEV_CHAR:
		g_string_append(from, "dev/char");
		break;
	case R_CLASS:
		g_string_append(from, "class/nd");
		break;
	case R_MODULE_DRIVER:
		obj_path(m, nd_obj(NT_MODULE_DRIVERS, 0, (unsigned)module_of_driver(obj), 0), from);
		break;
	default:
		obj_path(m, role < R_DAX_DRIVER_DEVICE ?
			 nd_obj(NT_ND_DRIVER, 0, role - R_ND_DRIVER_DEVICE, 0) :
			 nd_obj(NT_DAX_DRIVER, 0, role - R_DAX_DRIVER_DEVICE, 0), from);
		break;
	}
	obj_path(m, nd_link_target(m, obj, role), to);
	relative_link(from->str, to->str, out);
}

/* ---- what a change did ---------------------------------------------------------- */

struct change_ctx {
	tree_change_fn fn;
	void *ctx;
};

/* Names that may have gone from dir since the last change (removed objects
 * are no longer listed, so every name they could have had): namespaces and
 * pfn, nd dax and dev_dax devices of regions [a0, a1), and dax minors. */
static void drop_device_names(tree_node dir, struct change_ctx *c, unsigned a0, unsigned a1,
			      bool minors)
{
	static const char *const fmts[] = { "namespace%u.%u", "dax%u.%u", "pfn%u.%u" };
	char name[32];

	for (unsigned a = a0; a < a1; a++) {
		for (unsigned b = 0; b < 8; b++) {
			for (size_t f = 0; f < G_N_ELEMENTS(fmts); f++) {
				snprintf(name, sizeof(name), fmts[f], a, b);
				c->fn(c->ctx, TREE_NAME_REMOVED, dir, name);
			}
		}
	}
	for (unsigned minor = 0; minors && minor < 64; minor++) {
		snprintf(name, sizeof(name), "%d:%u", ND_DAX_MAJOR, minor);
		c->fn(c->ctx, TREE_NAME_REMOVED, dir, name);
	}
}

/* A device directory: its driver link may have come or gone, and so may
 * the children of regions and nd dax devices. */
static void changed_object(struct lister *l, uint64_t obj)
{
	struct change_ctx *c = l->ctx;
	tree_node dir = tree_nd_node(obj, 0);

	c->fn(c->ctx, TREE_NODE_CHANGED, dir, NULL);
	c->fn(c->ctx, TREE_NAME_REMOVED, dir, "driver");
	if (nd_type_of(obj) == NT_REGION)
		drop_device_names(dir, c, nd_a(obj), nd_a(obj) + 1, false);
	if (nd_type_of(obj) == NT_NDDAX) {
		c->fn(c->ctx, TREE_NAME_REMOVED, dir, "dax_region");
		drop_device_names(dir, c, nd_a(obj), nd_a(obj) + 1, false);
	}
}

/* Called for device events (appeared, went, bound, unbound). */
void nd_event_changes(const struct machine *m, tree_change_fn fn, void *ctx)
{
	struct change_ctx c = { fn, ctx };
	struct lister l = { m, NULL, &c, false };
	static const enum nd_type listings[] = {
		NT_BUS_ND_DEVICES, NT_BUS_DAX_DEVICES, NT_DEV_CHAR, NT_PLATFORM,
		NT_CLASS_ND,
	};

	for (size_t i = 0; i < G_N_ELEMENTS(listings); i++) {
		tree_node dir = tree_nd_node(nd_obj(listings[i], 0, 0, 0), 0);

		fn(ctx, TREE_NODE_CHANGED, dir, NULL);
		drop_device_names(dir, &c, 0, 16, listings[i] == NT_DEV_CHAR);
	}
	for (unsigned i = 0; i < NR_ND_DRIVERS; i++) {
		tree_node dir = tree_nd_node(nd_obj(NT_ND_DRIVER, 0, i, 0), 0);

		fn(ctx, TREE_NODE_CHANGED, dir, NULL);
		drop_device_names(dir, &c, 0, 16, false);
	}
	for (unsigned i = 0; i < NR_DAX_DRIVERS; i++) {
		tree_node dir = tree_nd_node(nd_obj(NT_DAX_DRIVER, 0, i, 0), 0);

		fn(ctx, TREE_NODE_CHANGED, dir, NULL);
		drop_device_names(dir, &c, 0, 16, false);
	}
	for_each_nd_device(m, changed_object, &l);
	for_each_dax_device(m, changed_object, &l);
}

/* ---- character devices (nd_chardev.h) ------------------------------------------ */

bool chardevs_exist(const struct machine *m)
{
	return m->has_memory_dir && has_dax_bus(m);
}

void chardevs_list(const struct machine *m, chardev_fn fn, void *ctx)
{
	char name[32];

	for (unsigned bus = 0; nd_bus_exists(m, bus); bus++) {
		snprintf(name, sizeof(name), "ndctl%u", bus);
		fn(ctx, name, ND_NDCTL_MAJOR, (int)bus, true);
	}
	for (guint i = 0; i < m->devices->len; i++) {
		const struct device *r = g_ptr_array_index(m->devices, i);

		if (r->kind == DEV_ND_REGION && nd_region_has_dimm(m, r)) {
			snprintf(name, sizeof(name), "nmem%d", r->id);
			fn(ctx, name, ND_DIMM_MAJOR, r->id, true);
		}
	}
	for (guint i = 0; i < m->devices->len; i++) {
		const struct device *d = g_ptr_array_index(m->devices, i);

		if (d->kind == DEV_DAX)
			fn(ctx, d->name, ND_DAX_MAJOR, d->minor, true);
	}
}

struct chardev_follower {
	struct machine *m;
	chardev_fn fn;
	void *ctx;
};

/* device_register/unregister log the dax device while it is in the list. */
static void follow_event(void *ctx, const struct event *e)
{
	struct chardev_follower *f = ctx;
	const struct device *d;

	if (e->kind != EVENT_DEVICE || strncmp(e->name, "dax", 3) != 0)
		return;
	d = device_find(f->m, e->name);
	if (e->change == CHANGE_REMOVE)
		f->fn(f->ctx, e->name, ND_DAX_MAJOR, d ? d->minor : -1, false);
	else if (e->change == CHANGE_ADD && d && d->kind == DEV_DAX)
		f->fn(f->ctx, d->name, ND_DAX_MAJOR, d->minor, true);
}

struct chardev_follower *chardevs_follow(struct machine *m, chardev_fn fn, void *ctx)
{
	struct chardev_follower *f = g_new(struct chardev_follower, 1);

	*f = (struct chardev_follower){ m, fn, ctx };
	event_log_subscribe(&m->log, follow_event, f);
	return f;
}

void chardevs_unfollow(struct chardev_follower *f)
{
	if (!f)
		return;
	event_log_unsubscribe(&f->m->log, follow_event, f);
	g_free(f);
}

/* Whether a device event concerns the nd and dax devices. */
bool nd_event_is_ours(const struct event *e)
{
	static const char *const prefixes[] = { "dax", "namespace", "region", "cxl_window" };

	for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++)
		if (e->name && strncmp(e->name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

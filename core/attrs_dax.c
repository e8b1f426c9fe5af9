/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dax bus's files (drivers/dax/bus.c, 6.1 and 6.12): a dax device's
 * attributes and mapping0/, its dax region's "dax_region" group, and the
 * drivers' bind/unbind/new_id/remove_id, whose stores run dev_dax.c's
 * kernel paths (dev_dax_probe, dev_dax_kmem_probe/remove).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "nd_tree.h"
#include "sysfs_parse.h"
#include "units.h"

/* PMD_SIZE: the align of every dax region the machine has (dax_pmem's
 * default pfn align, cxl and hmem: alloc_dax_region(..., PMD_SIZE, ...)). */
#define DAX_ALIGN (2 * MiB)

static const struct device *dax_of(const struct machine *m, uint64_t obj)
{
	return nd_obj_dax(m, obj);
}

/* is_static(): nd regions are IORESOURCE_DAX_STATIC, cxl and hmem are not. */
static bool is_static(uint64_t obj)
{
	return nd_p(obj) >> 4 == ND_OWNER_ND;
}

static bool is_kmem_type(const struct device *dax)
{
	/* IORESOURCE_DAX_KMEM: cxl_dax_region_probe(), drivers/dax/cxl.c. */
	return dax->owner && dax->owner->kind == DEV_CXL_REGION;
}

/* ---- daxX.Y ----------------------------------------------------------------- */

static int show_modalias(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)m, (void)obj, (void)who;
	/* modalias_show(): DAX_DEVICE_MODALIAS_FMT ("dax:t%d") "\n" of type 0; the
	 * "*" is only in the drivers' MODULE_ALIAS_DAX_DEVICE (6.1, 6.12) */
	g_string_append(out, "dax:t0\n");
	return 0;
}

static int show_size(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		     GString *out)
{
	(void)who;
	g_string_append_printf(out, "%" PRIu64 "\n", dax_of(m, obj)->size);
	return 0;
}

static int show_target_node(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	(void)who;
	g_string_append_printf(out, "%d\n", dax_of(m, obj)->nid);
	return 0;
}

static int show_align(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		      GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append_printf(out, "%d\n", (int)DAX_ALIGN);
	return 0;
}

/* resource_show(): "%#llx\n" of the first range's start. */
static int show_resource(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)who;
	g_string_append_printf(out, "%#" PRIx64 "\n", dax_of(m, obj)->start);
	return 0;
}

static int show_memmap_on_memory(const struct machine *m, uint64_t obj,
				 const struct tree_reader *who, GString *out)
{
	(void)who;
	/* memmap_on_memory_show(), 6.8+: "%d\n" */
	g_string_append_printf(out, "%d\n", dax_of(m, obj)->memmap_on_memory);
	return 0;
}

static int store_memmap_on_memory(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	g_autoptr(GError) err = NULL;
	bool on;
	int rc = kstrtobool(buf, len, &on);

	if (rc)
		return rc;
	return dax_set_memmap_on_memory(m, nd_obj_dax(m, obj), on, &err);
}

static int show_dev(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		    GString *out)
{
	(void)who;
	g_string_append_printf(out, "%d:%d\n", ND_DAX_MAJOR, dax_of(m, obj)->minor);
	return 0;
}

/* dev_uevent() then dax_bus_uevent(): MAJOR, MINOR, DEVNAME, DRIVER, MODALIAS. */
static int show_uevent(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		       GString *out)
{
	const struct device *d = dax_of(m, obj);
	int drv = dax_driver_of(d);

	(void)who;
	g_string_append_printf(out, "MAJOR=%d\nMINOR=%d\nDEVNAME=%s\n", ND_DAX_MAJOR, d->minor,
			       d->name);
	if (drv >= 0)
		g_string_append_printf(out, "DRIVER=%s\n", dax_driver_names[drv]);
	g_string_append(out, "MODALIAS=dax:t0\n");   /* dax_bus_uevent(): the same format */
	return 0;
}

/* The static region's size and align are read-only (dev_dax_visible): one
 * entry of each mode, visibility picks. */
enum { DD_MODALIAS, DD_SIZE_RO, DD_SIZE_RW, DD_MAPPING, DD_TARGET_NODE, DD_ALIGN_RO, DD_ALIGN_RW,
       DD_RESOURCE, DD_NUMA_NODE, DD_MEMMAP_ON_MEMORY, DD_DEV, DD_UEVENT };

static int store_refused(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)m, (void)obj, (void)buf, (void)len;
	/* size_store / align_store / mapping_store need the device unbound and
	 * a dynamic region's free space; not modelled (docs/ndctl.md). */
	return -EOPNOTSUPP;
}

static int store_uevent(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)m, (void)obj, (void)buf, (void)len;
	/* uevent_store(): a synthetic uevent; nothing to change here. */
	return 0;
}

static const struct attr dev_dax_table[] = {
	[DD_MODALIAS] = ATTR_RO(modalias, show_modalias),
	[DD_SIZE_RO] = ATTR_RO(size, show_size),
	[DD_SIZE_RW] = ATTR_RW(size, show_size, store_refused),
	[DD_MAPPING] = ATTR_WO(mapping, store_refused),
	[DD_TARGET_NODE] = ATTR_RO(target_node, show_target_node),
	[DD_ALIGN_RO] = ATTR_RO(align, show_align),
	[DD_ALIGN_RW] = ATTR_RW(align, show_align, store_refused),
	/* DEVICE_ATTR(resource, 0400, ...) */
	[DD_RESOURCE] = { .name = "resource", .type = TREE_FILE, .mode = 0400, .show = show_resource },
	[DD_NUMA_NODE] = ATTR_RO(numa_node, show_target_node),
	[DD_MEMMAP_ON_MEMORY] = ATTR_RW(memmap_on_memory, show_memmap_on_memory,
					store_memmap_on_memory),
	[DD_DEV] = ATTR_RO(dev, show_dev),
	[DD_UEVENT] = ATTR_RW(uevent, show_uevent, store_uevent),
};
const struct attrs dev_dax_attrs = ATTRS(dev_dax_table);

/* dev_dax_visible(), 6.1 and 6.12 (memmap_on_memory since 6.8). */
bool dev_dax_attr_visible(const struct machine *m, uint64_t obj, unsigned i)
{
	const struct device *d = dax_of(m, obj);

	switch (i) {
	case DD_SIZE_RO: case DD_ALIGN_RO: return is_static(obj);
	case DD_SIZE_RW: case DD_ALIGN_RW: case DD_MAPPING: return !is_static(obj);
	case DD_TARGET_NODE: return d && d->nid >= 0;
	case DD_MEMMAP_ON_MEMORY: return profile_memmap_on_memory_per_block(&m->profile);
	default: return true;
	}
}

/* ---- daxX.Y/mapping0 (dax_mapping_attributes, 0400 each) ---------------------- */

static int show_map_start(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			  GString *out)
{
	(void)who;
	g_string_append_printf(out, "%#" PRIx64 "\n", dax_of(m, obj)->start);
	return 0;
}

static int show_map_end(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			GString *out)
{
	const struct device *d = dax_of(m, obj);

	(void)who;
	g_string_append_printf(out, "%#" PRIx64 "\n", d->start + d->size - 1);
	return 0;
}

static int show_map_pgoff(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			  GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "0x0\n");
	return 0;
}

/* uevent_show() of a device with no bus, class or type uevent (dax_mapping_type,
 * 6.1 and 6.12): dev_uevent_filter() refuses it, nothing is printed. */
static int show_nothing(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			GString *out)
{
	(void)m, (void)obj, (void)who, (void)out;
	return 0;
}

static const struct attr dax_mapping_table[] = {
	{ .name = "start", .type = TREE_FILE, .mode = 0400, .show = show_map_start },
	{ .name = "end", .type = TREE_FILE, .mode = 0400, .show = show_map_end },
	{ .name = "page_offset", .type = TREE_FILE, .mode = 0400, .show = show_map_pgoff },
	/* device_add() gives every device its uevent file */
	ATTR_RW(uevent, show_nothing, store_uevent),
};
const struct attrs dax_mapping_attrs = ATTRS(dax_mapping_table);

/* ---- the dax region's "dax_region" group ------------------------------------- */

static int show_region_id(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			  GString *out)
{
	(void)m, (void)who;
	g_string_append_printf(out, "%u\n", nd_a(obj));
	return 0;
}

/* The region is exactly its one device's range here (resource_size(&dax_region->res)). */
static int show_region_size(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	return show_size(m, obj, who, out);
}

static int show_region_align(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			     GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append_printf(out, "%u\n", (unsigned)DAX_ALIGN);
	return 0;
}

static int show_available(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			  GString *out)
{
	(void)m, (void)obj, (void)who;
	/* dax_region_avail_size(): its one device holds the whole region. */
	g_string_append(out, "0\n");
	return 0;
}

/* seed_show / create_show: the device created with the region is both the
 * seed and the youngest (devm_create_dev_dax). */
static int show_seed(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		     GString *out)
{
	(void)who;
	g_string_append_printf(out, "%s\n", dax_of(m, obj)->name);
	return 0;
}

static const struct attr dax_group_table[] = {
	ATTR_RO(available_size, show_available),
	ATTR_RO(size, show_region_size),
	{ .name = "align", .type = TREE_FILE, .mode = 0400, .show = show_region_align },
	ATTR_RW(create, show_seed, store_refused),
	ATTR_RO(seed, show_seed),
	ATTR_WO(delete, store_refused),
	ATTR_RO(id, show_region_id),
};
const struct attrs dax_group_attrs = ATTRS(dax_group_table);

/* dax_region_visible(): a static region has no available_size, create, seed, delete. */
bool dax_group_attr_visible(const struct machine *m, uint64_t obj, unsigned i)
{
	(void)m;
	return !is_static(obj) || !(i == 0 || i == 3 || i == 4 || i == 5);
}

/* ---- /sys/bus/dax/drivers/{device_dax,kmem} ------------------------------------ */

/* The dax device buf names (bus_find_device_by_name: sysfs_streq), or NULL. */
static struct device *named_dax(struct machine *m, const char *buf, size_t len)
{
	for (guint i = 0; i < m->devices->len; i++) {
		struct device *d = g_ptr_array_index(m->devices, i);

		if (d->kind == DEV_DAX && sysfs_streq_len(buf, len, d->name))
			return d;
	}
	return NULL;
}

/* dax_bus_match(): 6.1 - device_dax matches always, kmem only by id;
 * 6.3+ (dax_match_type) - by id, else device_dax matches regions without
 * IORESOURCE_DAX_KMEM and kmem those with it. */
static bool dax_match(const struct machine *m, const struct device *d, unsigned drv)
{
	if (d->dax_ids & 1u << drv)
		return true;
	if (m->profile.kernel < KERNEL(6, 3))
		return drv == DDRV_DEVICE_DAX;
	return (drv == DDRV_KMEM) == is_kmem_type(d);
}

/* bind_store(), drivers/base/bus.c: -ENODEV unless the device exists and
 * matches; device_driver_attach(): -EBUSY when bound, else the probe's error. */
static int store_bind(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	g_autoptr(GError) err = NULL;
	struct device *d = named_dax(m, buf, len);
	unsigned drv = nd_a(obj);
	int rc;

	if (!d || !dax_match(m, d, drv))
		return -ENODEV;
	rc = dax_driver_bind(m, d, drv == DDRV_KMEM, &err);
	return rc < 0 ? rc : 0;
}

/* unbind_store(): -ENODEV unless the device is bound to this driver. */
static int store_unbind(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	g_autoptr(GError) err = NULL;
	struct device *d = named_dax(m, buf, len);
	int rc;

	if (!d || dax_driver_of(d) != (int)nd_a(obj))
		return -ENODEV;
	rc = dax_driver_unbind(m, d, &err);
	return rc < 0 ? rc : 0;
}

/* do_id_store(): "dax%d.%d" exactly (sysfs_streq), else -EINVAL. */
static bool parse_id(const char *buf, size_t len, char *name, size_t size)
{
	unsigned region, id;
	g_autofree char *s = g_strndup(buf, len);

	if (sscanf(s, "dax%u.%u", &region, &id) != 2)
		return false;
	snprintf(name, size, "dax%u.%u", region, id);
	return sysfs_streq_len(buf, len, name);
}

static int store_new_id(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	unsigned drv = nd_a(obj);
	char name[32];
	struct device *d;

	if (!parse_id(buf, len, name, sizeof(name)))
		return -EINVAL;
	d = device_find(m, name);
	if (d && d->kind == DEV_DAX)
		d->dax_ids |= 1u << drv;
	/* driver_attach(): every unbound device that now matches is probed;
	 * a probe's failure is not the store's. */
	for (guint i = 0; i < m->devices->len; i++) {
		struct device *o = g_ptr_array_index(m->devices, i);
		g_autoptr(GError) err = NULL;

		if (o->kind == DEV_DAX && o->dax_state == DAX_UNBOUND && dax_match(m, o, drv))
			dax_driver_bind(m, o, drv == DDRV_KMEM, &err);
	}
	return 0;
}

static int store_remove_id(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	char name[32];
	struct device *d;

	if (!parse_id(buf, len, name, sizeof(name)))
		return -EINVAL;
	d = device_find(m, name);
	if (d && d->kind == DEV_DAX)
		d->dax_ids &= ~(1u << nd_a(obj));
	return 0;
}

static int store_driver_uevent(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)m, (void)obj, (void)buf, (void)len;
	return 0;
}

static const struct attr dax_driver_table[] = {
	ATTR_WO(bind, store_bind),
	ATTR_WO(new_id, store_new_id),
	ATTR_WO(remove_id, store_remove_id),
	ATTR_WO(uevent, store_driver_uevent),
	ATTR_WO(unbind, store_unbind),
};
const struct attrs dax_driver_attrs = ATTRS(dax_driver_table);

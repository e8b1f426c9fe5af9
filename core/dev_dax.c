/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nvdimm namespaces (drivers/nvdimm/pmem.c, pfn_devs.c, drivers/dax/pmem.c),
 * dax devices (drivers/dax/bus.c, device.c), dax/kmem (drivers/dax/kmem.c)
 * and dax_hmem (drivers/dax/hmem/), 6.1 and 6.12.
 *
 *   fsdax:   "namespaceX.Y" BUSY over the whole namespace (pmem_attach_disk)
 *   devdax:  "namespaceX.Y" BUSY over the info block + memmap prefix only
 *            (__dax_pmem_probe) and "daxX.Y" BUSY over the rest (dev_dax_probe)
 *   kmem:    "daxX.Y" re-requested aligned in to memory blocks, flags rewritten
 *            to SYSTEM_RAM (not busy), with a "System RAM (kmem)" child of the
 *            same range (add_memory_driver_managed: desc inherited)
 * With the machine's device_backed_vmemmap switch (the unmerged RFC of seed
 * 003), namespaces with an altmap get a "Device Backed Vmemmap" child over
 * the prefix.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "device.h"
#include "hotplug.h"

#include "units.h"

#define SZ_8K (8 * KiB)
#define SZ_2M (2 * MiB)

/* nd_pfn_init(), drivers/nvdimm/pfn_devs.c: the info block (8K) and a 64-byte
 * struct page per data page, rounded up to the 2 MiB default alignment:
 * 512 MiB -> 0xa00000, 256 MiB -> 0x600000, 1 GiB -> 0x1200000. */
static uint64_t altmap_prefix(uint64_t size)
{
	return ALIGN_UP(SZ_8K + 64 * ((size - SZ_8K) >> PAGE_SHIFT), SZ_2M);
}

static void log_add(struct machine *m, struct resource *r)
{
	machine_log_iomem(m, CHANGE_ADD, r);
	m->generation++;
}

/* RFC "mm: memremap: register/unregister altmap region to a separate
 * resource" (Li Zhijian, v3, March 2024, never merged): __request_region(altmap->parent, base,
 * vmem_altmap_offset, "Device Backed Vmemmap", DEVICE_BACKED_VMEMMAP|BUSY). */
static void add_vmemmap(struct machine *m, struct device *ns)
{
	if (!m->profile.device_backed_vmemmap)
		return;
	ns->vmemmap = request_region(ns->res, ns->start, ns->altmap_size,
				     machine_intern(m, "Device Backed Vmemmap"),
				     IORESOURCE_DEVICE_BACKED_VMEMMAP | IORESOURCE_BUSY);
	if (ns->vmemmap)
		log_add(m, ns->vmemmap);
}

/* devm_request_mem_region() under the region: BUSY, desc of the parent. */
static struct resource *claim(struct machine *m, struct resource *parent, uint64_t start,
			      uint64_t size, const char *name)
{
	struct resource *r = request_region(parent, start, size, machine_strdup(m, name), 0);

	g_assert(r);
	log_add(m, r);
	return r;
}

static void unclaim(struct machine *m, struct resource **r)
{
	if (!*r)
		return;
	/* The vmemmap child (if any) leaves with its parent, as devm releases
	 * it first in devm_memremap_pages_release(). */
	if ((*r)->child)
		machine_log_iomem(m, CHANGE_REMOVE, (*r)->child);
	machine_log_iomem(m, CHANGE_REMOVE, *r);
	release_resource(*r);
	resource_free(*r);
	*r = NULL;
	m->generation++;
}

struct device *dax_create(struct machine *m, const char *name, struct device *owner,
			  struct resource *parent, uint64_t start, uint64_t size, int nid)
{
	struct device *d = g_new0(struct device, 1);

	d->kind = DEV_DAX;
	d->name = g_strdup(name);
	d->owner = owner;
	d->start = start;
	d->size = size;
	d->nid = nid;
	d->dax_state = DAX_UNBOUND;
	/* alloc_dax(): ida_alloc_max(&dax_minor_ida, ...): the lowest free minor. */
	for (d->minor = 0;; d->minor++) {
		bool used = false;

		for (guint i = 0; i < m->devices->len && !used; i++) {
			const struct device *o = g_ptr_array_index(m->devices, i);

			used = o->kind == DEV_DAX && o->minor == d->minor;
		}
		if (!used)
			break;
	}
	if (parent) {
		/* dev_dax_probe(): devm_request_mem_region(dev_name(dev)) */
		d->res = claim(m, parent, start, size, name);
		d->dax_state = DAX_DEVICE_DAX;
	}
	return device_register(m, d);
}

/* The resource a dax device's ranges come from. */
static struct resource *dax_parent(struct device *dax)
{
	if (dax->owner && dax->owner->kind == DEV_NAMESPACE)
		return dax->owner->region->res;
	if (dax->owner)
		return dax->owner->res;      /* CXL region */
	return NULL;                          /* hmem: found by address */
}

static struct resource *soft_reserved_at(struct machine *m, uint64_t start)
{
	const struct resource *r = &m->iomem;
	int depth = -1;

	while ((r = resource_next(&m->iomem, r, &depth)))
		if (r->desc == IORES_DESC_SOFT_RESERVED && r->start == start &&
		    !(r->flags & IORESOURCE_BUSY) && r->name && !strcmp(r->name, "Soft Reserved"))
			return (struct resource *)r;
	return NULL;
}

/* ---- namespaces --------------------------------------------------------- */

static void namespace_setup(struct machine *m, struct device *ns, enum ns_mode mode)
{
	ns->mode = mode;
	if (mode == NS_FSDAX) {
		/* pmem_attach_disk(): the whole namespace */
		ns->res = claim(m, ns->region->res, ns->start, ns->size, ns->name);
		add_vmemmap(m, ns);
		return;
	}
	/* __dax_pmem_probe(): "only the metadata/altmap prefix" */
	ns->res = claim(m, ns->region->res, ns->start, ns->altmap_size, ns->name);
	add_vmemmap(m, ns);
	{
		g_autofree char *dax = g_strdup_printf("dax%s", ns->name + strlen("namespace"));

		ns->dax = dax_create(m, dax, ns, ns->region->res, ns->start + ns->altmap_size,
				     ns->size - ns->altmap_size, ns->nid);
	}
}

static void namespace_teardown(struct machine *m, struct device *ns)
{
	if (ns->dax) {
		unclaim(m, &ns->dax->res);
		device_unregister(m, ns->dax);
		ns->dax = NULL;
	}
	ns->vmemmap = NULL;
	unclaim(m, &ns->res);
}

/* What of a region is taken, in address order.  A namespace owns all of its
 * range: the region's free space is what no namespace's DPA allocation holds
 * (nd_pmem_available_dpa(), drivers/nvdimm/dimm_devs.c 6.12), whatever iomem
 * shows of it.  iomem shows less of a devdax namespace: its prefix, then
 * "daxX.Y", or only kmem's block-aligned part once kmem has it.  The region's
 * iomem children count too (a fixture may hold others). */
struct extent {
	uint64_t start, end;
	const char *name;
};

static gint extent_order(gconstpointer a, gconstpointer b)
{
	const struct extent *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static GArray *region_taken(const struct machine *m, const struct device *region)
{
	GArray *taken = g_array_new(FALSE, FALSE, sizeof(struct extent));

	for (guint i = 0; i < m->devices->len; i++) {
		const struct device *d = g_ptr_array_index(m->devices, i);
		struct extent e = { d->start, d->start + d->size - 1, d->name };

		if (d->kind == DEV_NAMESPACE && d->region == region)
			g_array_append_val(taken, e);
	}
	for (const struct resource *c = region->res->child; c; c = c->sibling) {
		struct extent e = { c->start, c->end, c->name ? c->name : "<BAD>" };

		g_array_append_val(taken, e);
	}
	g_array_sort(taken, extent_order);
	return taken;
}

bool pmem_namespace_free_start(const struct machine *m, const struct device *region,
			       uint64_t size, uint64_t *start)
{
	g_autoptr(GArray) taken = region_taken(m, region);

	/* The lowest free space of the region (ndctl's default). */
	*start = region->start;
	if (!size || size > region->size)
		return false;
	for (guint i = 0; i < taken->len; i++) {
		const struct extent *e = &g_array_index(taken, struct extent, i);

		if (e->start >= *start + size)
			break;
		*start = MAX(*start, ALIGN_UP(e->end + 1, SZ_2M));
	}
	return *start + size - 1 <= region->start + region->size - 1;
}

uint64_t pmem_region_max_extent(const struct machine *m, const struct device *region)
{
	g_autoptr(GArray) taken = region_taken(m, region);
	uint64_t best = 0, at = region->start;

	for (guint i = 0; i < taken->len; i++) {
		const struct extent *e = &g_array_index(taken, struct extent, i);

		if (e->start > at)
			best = MAX(best, e->start - at);
		at = MAX(at, e->end + 1);
	}
	if (region->start + region->size > at)
		best = MAX(best, region->start + region->size - at);
	return best;
}

/* Why [start, start + size) is not free, or NULL. */
static char *region_overlap(const struct machine *m, const struct device *region,
			    uint64_t start, uint64_t size)
{
	g_autoptr(GArray) taken = region_taken(m, region);

	for (guint i = 0; i < taken->len; i++) {
		const struct extent *e = &g_array_index(taken, struct extent, i);

		if (e->start <= start + size - 1 && e->end >= start)
			return g_strdup_printf("0x%" PRIx64 "-0x%" PRIx64 " conflicts with %s [0x%"
					       PRIx64 "-0x%" PRIx64 "]", start, start + size - 1,
					       e->name, e->start, e->end);
	}
	return NULL;
}

struct device *pmem_namespace_create(struct machine *m, struct device *region, bool has_start,
				     uint64_t start, uint64_t size, enum ns_mode mode,
				     GError **err)
{
	g_autofree char *why = NULL;
	struct device *ns;
	int y;

	if (!size || size % SZ_2M)
		return bad_request(err, "size 0x%" PRIx64 " is not a multiple of 2 MiB (the "
				   "region alignment)", size), NULL;
	if (!has_start)
		pmem_namespace_free_start(m, region, size, &start);
	if (start % SZ_2M)
		return bad_request(err, "start 0x%" PRIx64 " is not 2 MiB aligned", start), NULL;
	if (start < region->start || start + size - 1 > region->start + region->size - 1 ||
	    start + size - 1 < start)
		return bad_request(err, "0x%" PRIx64 "+0x%" PRIx64 " does not fit in %s "
				   "[0x%" PRIx64 "-0x%" PRIx64 "]", start, size, region->name,
				   region->start, region->start + region->size - 1), NULL;
	if ((why = region_overlap(m, region, start, size)))
		return bad_request(err, "%s", why), NULL;
	if (mode == NS_DEVDAX && altmap_prefix(size) >= size)
		return bad_request(err, "0x%" PRIx64 " is too small for its memmap", size), NULL;

	for (y = 0;; y++) {
		g_autofree char *n = g_strdup_printf("namespace%d.%d", region->id, y);
		g_autofree char *dn = g_strdup_printf("dax%d.%d", region->id, y);

		if (!device_find(m, n) && !iomem_has_name(m, n) && !device_find(m, dn) &&
		    !iomem_has_name(m, dn))
			break;
	}
	ns = g_new0(struct device, 1);
	ns->kind = DEV_NAMESPACE;
	ns->id = y;
	ns->name = g_strdup_printf("namespace%d.%d", region->id, y);
	ns->start = start;
	ns->size = size;
	ns->nid = region->nid;
	ns->region = region;
	ns->altmap_size = altmap_prefix(size);
	/* Registered once set up: the driver core sees the namespace's claim
	 * and its dax device at once, as the probe that made them ends. */
	namespace_setup(m, ns, mode);
	device_register(m, ns);
	return ns;
}

/* A namespace nd_pmem holds itself, claim being its BUSY "namespaceX.Y". */
static struct device *raw_namespace(struct machine *m, struct device *region, int id,
				    struct resource *claim)
{
	struct device *ns = g_new0(struct device, 1);

	ns->kind = DEV_NAMESPACE;
	ns->id = id;
	ns->name = g_strdup(claim->name);
	ns->start = claim->start;
	ns->size = resource_size(claim);
	ns->nid = region->nid;
	ns->region = region;
	ns->altmap_size = altmap_prefix(ns->size);   /* for a later devdax (nd_pfn_init) */
	ns->mode = NS_RAW;
	ns->res = claim;
	return device_register(m, ns);
}

/* nd_region_register_namespaces() -> create_namespace_io(), 6.1 and 6.12: a
 * label-less region (nd_region_to_nstype(): ND_DEVICE_NAMESPACE_IO) has one
 * namespace, namespaceN.0 over the whole region, which is also its seed;
 * nd_pmem_probe() finds no btt, pfn or dax info block on it and
 * pmem_attach_disk() claims all of it (devm_request_mem_region(), raw mode). */
struct device *pmem_namespace_io(struct machine *m, struct device *region)
{
	g_autofree char *name = g_strdup_printf("namespace%d.0", region->id);

	return raw_namespace(m, region, 0, claim(m, region->res, region->start, region->size,
						  name));
}

struct device *pmem_namespace_adopt(struct machine *m, struct device *region,
				    struct resource *claim, int id)
{
	/* __request_region(): the claim has its parent's desc, which /proc/iomem
	 * does not show and the capture could not tell. */
	claim->desc = region->res->desc;
	return raw_namespace(m, region, id, claim);
}

/* ---- kmem ----------------------------------------------------------------- */

/* dax_kmem_range(): aligned in to memory blocks; false when nothing is left. */
static bool kmem_range(const struct machine *m, const struct device *dax, uint64_t *start,
		       uint64_t *size)
{
	uint64_t s = ALIGN_UP(dax->start, m->block_size);
	uint64_t e = (dax->start + dax->size) / m->block_size * m->block_size;

	if (s >= e)
		return false;
	*start = s;
	*size = e - s;
	return true;
}

static bool kmem_bind_check(struct machine *m, struct device *dax, GError **err)
{
	uint64_t s, n;

	if (dax->dax_state == DAX_KMEM)
		return bad_request(err, "%s is already bound to kmem", dax->name);
	if (dax->dax_state == DAX_KMEM_STUCK)
		return bad_request(err, "%s: memory cannot be hotremoved until the next reboot", dax->name);
	if (!m->has_memory_dir)
		return bad_request(err, "this machine has no /sys/devices/system/memory");
	if (!kmem_range(m, dax, &s, &n))
		return bad_request(err, "%s: rejecting DAX region without any memory after "
				   "alignment (dev_dax_kmem_probe: -EINVAL)", dax->name);
	if (!machine_node_possible(m, dax->nid))
		return bad_request(err, "%s: rejecting DAX region with invalid node: %d", dax->name,
				   dax->nid);
	if (range_blocks(m, s, n, &(unsigned){ 0 }))
		return bad_request(err, "%s: memory blocks exist in its range", dax->name);
	return true;
}

/* dev_dax_kmem_probe(), drivers/dax/kmem.c 6.12 (device_dax unbound first). */
static int do_kmem_bind(struct machine *m, struct device *dax, GError **err)
{
	uint64_t s, n;
	const char *res_name;
	struct resource *res;
	int mgid, ret;

	if (dax->res)
		unclaim(m, &dax->res);   /* device_dax's devm region */
	if (dax->dax_state == DAX_DEVICE_DAX) {
		/* daxctl unbinds device_dax before it binds kmem. */
		dax->dax_state = DAX_UNBOUND;
		device_log_driver(m, dax, CHANGE_UNBIND);
	}
	/* kmem_bind_check() refused ranges without a whole block already. */
	if (!kmem_range(m, dax, &s, &n))
		return kernel_failed(err, EINVAL, "%s: no whole memory block in range", dax->name);
	mgid = memory_group_register_static(m, dax->nid, n >> PAGE_SHIFT);
	if (mgid < 0)
		return kernel_failed(err, -mgid, "%s: memory_group_register_static", dax->name);
	/* data->res_name = kstrdup(dev_name(dev)); "Region is permanently
	 * reserved if hotremove fails." */
	res_name = machine_strdup(m, dax->name);
	res = request_region(&m->iomem, s, n, res_name, 0);
	if (!res) {
		memory_group_unregister(m, mgid);
		return kernel_failed(err, EBUSY, "%s: mapping0: 0x%" PRIx64 "-0x%" PRIx64
				     " could not reserve region", dax->name, s, s + n - 1);
	}
	/* "Set flags appropriate for System RAM.  Leave ..._BUSY clear so that
	 * add_memory() can add a child resource." desc stays the parent's. */
	res->flags = IORESOURCE_SYSTEM_RAM;
	log_add(m, res);
	ret = add_memory_driver_managed(m, mgid, s, n, "System RAM (kmem)",
					MHP_NID_IS_MGID |
					(dax->memmap_on_memory ? MHP_MEMMAP_ON_MEMORY : 0));
	if (ret) {
		machine_log_iomem(m, CHANGE_REMOVE, res);
		remove_resource(res);
		resource_free(res);
		memory_group_unregister(m, mgid);
		return kernel_failed(err, -ret, "%s: mapping0: 0x%" PRIx64 "-0x%" PRIx64
				     " memory add failed", dax->name, s, s + n - 1);
	}
	dax->res = res;
	dax->mgid = mgid;
	dax->kmem_start = s;
	dax->kmem_size = n;
	dax->dax_state = DAX_KMEM;
	/* driver_bound(): after the probe added the memory */
	device_log_driver(m, dax, CHANGE_BIND);
	return 0;
}

/* memmap_on_memory_store(): only while kmem does not hold the device, and
 * "on" only where mhp_supports_memmap_on_memory() says yes. */
int dax_set_memmap_on_memory(struct machine *m, struct device *dax, bool on, GError **err)
{
	if (!profile_memmap_on_memory_per_block(&m->profile))
		return bad_request(err, "%s: no memmap_on_memory attribute before 6.8", dax->name),
		       -EINVAL;
	if (on != dax->memmap_on_memory && dax->dax_state == DAX_KMEM)
		return kernel_failed(err, EBUSY, "%s: bound to kmem", dax->name);
	if (on && !supports_memmap_on_memory(m, m->block_size))
		return kernel_failed(err, EOPNOTSUPP, "%s: memmap_on_memory is not supported "
				     "(memory_hotplug.memmap_on_memory)", dax->name);
	dax->memmap_on_memory = on;
	return 0;
}

int kmem_bind(struct machine *m, struct device *dax, GError **err)
{
	if (!kmem_bind_check(m, dax, err))
		return -EINVAL;
	return do_kmem_bind(m, dax, err);
}

/* dev_dax_kmem_remove(), drivers/dax/kmem.c 6.12: remove_memory() per range;
 * only where it succeeds are "System RAM (kmem)" and "daxX.Y" removed
 * (remove_resource); otherwise "mapping%d: ... cannot be hotremoved until the
 * next reboot" and both stay, with their blocks. */
int kmem_unbind(struct machine *m, struct device *dax, GError **err)
{
	int ret;

	if (dax->dax_state != DAX_KMEM)
		return bad_request(err, "%s is not bound to kmem", dax->name), -EINVAL;
	ret = remove_memory(m, dax->kmem_start, dax->kmem_size);
	if (ret) {
		/* The driver is gone all the same (its remove cannot fail). */
		dax->dax_state = DAX_KMEM_STUCK;
		device_log_driver(m, dax, CHANGE_UNBIND);
		return kernel_failed(err, -ret, "%s: mapping0: 0x%" PRIx64 "-0x%" PRIx64
				     " cannot be hotremoved until the next reboot", dax->name,
				     dax->kmem_start, dax->kmem_start + dax->kmem_size - 1);
	}
	machine_log_iomem(m, CHANGE_REMOVE, dax->res);
	remove_resource(dax->res);
	resource_free(dax->res);
	dax->res = NULL;
	memory_group_unregister(m, dax->mgid);
	dax->mgid = 0;
	dax->dax_state = DAX_UNBOUND;
	/* __device_release_driver(): after the driver's remove */
	device_log_driver(m, dax, CHANGE_UNBIND);
	return 0;
}

/* Bind device_dax to an unbound dax device. */
static void bind_device_dax(struct machine *m, struct device *dax)
{
	struct resource *parent = dax_parent(dax);

	if (!parent)
		parent = soft_reserved_at(m, dax->start);
	dax->res = claim(m, parent, dax->start, dax->size, dax->name);
	dax->dax_state = DAX_DEVICE_DAX;
	device_log_driver(m, dax, CHANGE_BIND);
}

int dax_driver_bind(struct machine *m, struct device *dax, bool kmem, GError **err)
{
	int ret;

	/* __driver_probe_device(): "if (dev->driver) return -EBUSY".  A device
	 * kmem could not let go of keeps its resources: both probes fail to
	 * request them again (dev_dax_probe, dev_dax_kmem_probe: -EBUSY). */
	if (dax->dax_state == DAX_DEVICE_DAX || dax->dax_state == DAX_KMEM)
		return bad_request(err, "%s is bound already", dax->name), -EBUSY;
	if (dax->dax_state == DAX_KMEM_STUCK)
		return kernel_failed(err, EBUSY, "%s: its range is still reserved (it could not be "
				     "hotremoved)", dax->name);
	if (kmem) {
		ret = kmem_bind(m, dax, err);
		if (ret)
			return ret;
	} else {
		bind_device_dax(m, dax);
	}
	return 0;
}

/* device_driver_detach(): device_dax's devm region goes; kmem runs
 * dev_dax_kmem_remove(), which cannot fail: memory it could not remove stays
 * with its resources (DAX_KMEM_STUCK) and the driver is gone all the same. */
int dax_driver_unbind(struct machine *m, struct device *dax, GError **err)
{
	g_autoptr(GError) stuck = NULL;

	switch (dax->dax_state) {
	case DAX_DEVICE_DAX:
		unclaim(m, &dax->res);
		dax->dax_state = DAX_UNBOUND;
		device_log_driver(m, dax, CHANGE_UNBIND);
		break;
	case DAX_KMEM:
		if (!check_hotplug_idle(m, err))
			return -EBUSY;
		kmem_unbind(m, dax, &stuck);   /* logs the unbind */
		break;
	case DAX_UNBOUND:
	case DAX_KMEM_STUCK:
		return bad_request(err, "%s has no driver", dax->name), -ENODEV;
	}
	return 0;
}

/* Leaving kmem needs every block offline first (daxctl offlines them; a
 * failure there is the user's to see through the state files). */
static bool leave_kmem_check(struct machine *m, struct device *dax, GError **err)
{
	unsigned online;

	if (dax->dax_state == DAX_KMEM_STUCK)
		return bad_request(err, "%s: memory cannot be hotremoved until the next reboot",
				   dax->name);
	if (dax->dax_state != DAX_KMEM)
		return true;
	range_blocks(m, dax->kmem_start, dax->kmem_size, &online);
	if (online)
		return bad_request(err, "%s has %u online memory blocks: offline them first",
				   dax->name, online);
	return true;
}

int dax_reconfigure(struct machine *m, struct device *dax, enum dax_target to, GError **err)
{
	if (to == DAX_TO_FSDAX)
		return bad_request(err, "%s: a dax device has no fsdax mode (reconfigure its "
				   "namespace)", dax->name), -EINVAL;
	if (to == DAX_TO_SYSTEM_RAM)
		return kmem_bind(m, dax, err);
	if (dax->dax_state == DAX_DEVICE_DAX)
		return bad_request(err, "%s is already in devdax mode", dax->name), -EINVAL;
	if (!leave_kmem_check(m, dax, err))
		return -EINVAL;
	if (dax->dax_state == DAX_KMEM && kmem_unbind(m, dax, err))
		return -EBUSY;
	bind_device_dax(m, dax);
	return 0;
}

int namespace_reconfigure(struct machine *m, struct device *ns, enum dax_target to, GError **err)
{
	/* fsdax, or raw (an io namespace claimed by nd_pmem itself) */
	if (ns->mode != NS_DEVDAX) {
		if (to == DAX_TO_FSDAX && ns->mode == NS_FSDAX)
			return bad_request(err, "%s is already in fsdax mode", ns->name), -EINVAL;
		if (to == DAX_TO_FSDAX) {
			/* nd_pfn_probe() claims it: the same whole-namespace resource */
			namespace_teardown(m, ns);
			namespace_setup(m, ns, NS_FSDAX);
			device_log_driver(m, ns, CHANGE_BIND);
			return 0;
		}
		if (altmap_prefix(ns->size) >= ns->size)
			return bad_request(err, "%s is too small for devdax", ns->name), -EINVAL;
		if (to == DAX_TO_SYSTEM_RAM) {
			/* Check kmem's preconditions on the dax range it would get. */
			struct device probe = { .name = ns->name, .start = ns->start + ns->altmap_size,
						.size = ns->size - ns->altmap_size, .nid = ns->nid };

			if (!kmem_bind_check(m, &probe, err))
				return -EINVAL;
		}
		namespace_teardown(m, ns);
		namespace_setup(m, ns, NS_DEVDAX);
		return to == DAX_TO_SYSTEM_RAM ? do_kmem_bind(m, ns->dax, err) : 0;
	}
	/* devdax */
	if (to == DAX_TO_SYSTEM_RAM)
		return kmem_bind(m, ns->dax, err);
	if (to == DAX_TO_DEVDAX)
		return dax_reconfigure(m, ns->dax, DAX_TO_DEVDAX, err);
	if (!leave_kmem_check(m, ns->dax, err))
		return -EINVAL;
	if (ns->dax->dax_state == DAX_KMEM && kmem_unbind(m, ns->dax, err))
		return -EBUSY;
	namespace_teardown(m, ns);
	namespace_setup(m, ns, NS_FSDAX);
	/* nd_pmem binds the namespace's pfn device (no device of ours is made). */
	device_log_driver(m, ns, CHANGE_BIND);
	return 0;
}

/* ---- dax_hmem ------------------------------------------------------------- */

/* hmem_register_device() + dax_hmem_probe(), 6.12: a dax region per Soft
 * Reserved range that no CXL window claims; its daxN.0 binds device_dax. */
struct device *hmem_add(struct machine *m, uint64_t start, GError **err)
{
	struct resource *sr = soft_reserved_at(m, start);
	g_autofree char *name = NULL;
	struct device *d;
	int id;

	if (!sr)
		return bad_request(err, "no Soft Reserved range starts at 0x%" PRIx64, start), NULL;
	for (const struct resource *p = sr->parent; p; p = p->parent)
		if (p->desc == IORES_DESC_CXL)
			return bad_request(err, "the Soft Reserved range at 0x%" PRIx64 " is in %s: "
					   "cxl owns it (hmem defers to cxl)", start, p->name), NULL;
	if (sr->child)
		return bad_request(err, "the Soft Reserved range at 0x%" PRIx64 " is in use", start),
		       NULL;
	id = memregion_alloc(m);
	name = g_strdup_printf("dax%d.0", id);
	if (device_find(m, name) || iomem_has_name(m, name))
		return bad_request(err, "%s exists already", name), NULL;
	d = dax_create(m, name, NULL, sr, sr->start, resource_size(sr),
		       machine_nid_of(m, sr->start));
	d->id = id;
	return d;
}

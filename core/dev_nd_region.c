/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nd regions the kernel made before a capture (the literal form's
 * "devices"): /proc/iomem shows a pmem range and the namespace nd_pmem
 * claimed in it, not the bus, the labels or the node, which the entry says.
 * The bound region is the one devices_boot() makes of the same range in the
 * boot form, plus the namespace a label-less region has from boot:
 *
 *   ACPI NFIT (drivers/acpi/nfit/core.c): "Persistent Memory" (not busy),
 *     region with one DIMM (nmemN); with labels, the namespaces the labels
 *     describe, without (QEMU's nvdimm without label-size) one
 *     ND_DEVICE_NAMESPACE_IO over the region (nd_region_register_namespaces(),
 *     create_namespace_io()), 6.1 and 6.12.
 *   nd_e820 (drivers/nvdimm/e820.c): "Persistent Memory (legacy)", no DIMM,
 *     label-less: the same one IO namespace.
 *
 * nd_pmem then binds the namespace: without an info block it claims all of
 * it as BUSY "namespaceX.Y" (pmem_attach_disk(), devm_request_mem_region()).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "device.h"
#include "units.h"

struct device *nd_region_of_resource(const struct machine *m, const struct resource *r)
{
	for (guint i = 0; i < m->devices->len; i++) {
		struct device *d = g_ptr_array_index(m->devices, i);

		if (d->kind == DEV_ND_REGION && d->res == r)
			return d;
	}
	return NULL;
}

static struct resource *pmem_range_at(const struct machine *m, uint64_t start)
{
	for (struct resource *r = m->iomem.child; r; r = r->sibling)
		if (r->start == start && (r->desc == IORES_DESC_PERSISTENT_MEMORY ||
					  r->desc == IORES_DESC_PERSISTENT_MEMORY_LEGACY))
			return r;
	return NULL;
}

/* The captured namespace claim NAME in the range, checked for what nd_pmem
 * claims; the only child the range may have. */
static struct resource *boot_claim(const struct resource *range, const struct nd_region_binding *b,
				   GError **err)
{
	struct resource *claim = NULL;

	for (struct resource *c = range->child; c; c = c->sibling) {
		if (b->ns && !strcmp(c->name, b->ns)) {
			claim = c;
			continue;
		}
		if (!strncmp(c->name, "namespace", 9))
			return bad_request(err, "the range at 0x%" PRIx64 " has %s, claimed at boot: "
					   "name it in \"namespace\"", range->start, c->name), NULL;
		return bad_request(err, "\"%s\" in the range at 0x%" PRIx64 " is not modelled at "
				   "boot (only a raw namespace is)", c->name, range->start), NULL;
	}
	if (!b->ns)
		return NULL;
	if (!claim)
		return bad_request(err, "iomem has no \"%s\" in the range at 0x%" PRIx64, b->ns,
				   range->start), NULL;
	if (!(claim->flags & IORESOURCE_BUSY))
		return bad_request(err, "%s is not busy: nd_pmem claims its namespace "
				   "(devm_request_mem_region)", b->ns), NULL;
	/* A label-less region has one namespace over all of it. */
	if (!b->labels && (claim->start != range->start || claim->end != range->end))
		return bad_request(err, "%s 0x%" PRIx64 "-0x%" PRIx64 " does not span its label-less "
				   "region 0x%" PRIx64 "-0x%" PRIx64 " (create_namespace_io())",
				   b->ns, claim->start, claim->end, range->start, range->end), NULL;
	/* What the model reconfigures is laid out in 2 MiB units (ndctl's default align). */
	if (claim->start % (2 * MiB) || resource_size(claim) % (2 * MiB))
		return bad_request(err, "%s 0x%" PRIx64 "-0x%" PRIx64 " is not 2 MiB aligned (the "
				   "model lays namespaces out in 2 MiB units)", b->ns, claim->start,
				   claim->end), NULL;
	return claim;
}

struct device *nd_region_new(int id, struct resource *res, int nid, bool label_less)
{
	struct device *d = g_new0(struct device, 1);

	d->kind = DEV_ND_REGION;
	d->id = id;
	d->name = g_strdup_printf("region%d", id);
	d->start = res->start;
	d->size = resource_size(res);
	d->res = res;
	d->nid = nid;
	d->label_less = label_less;
	return d;
}

struct device *nd_region_bind(struct machine *m, const struct nd_region_binding *b, GError **err)
{
	struct resource *range = pmem_range_at(m, b->start);
	g_autoptr(GError) why = NULL;
	struct resource *claim;
	struct device *d;

	if (!range)
		return bad_request(err, "iomem has no top-level persistent memory range at 0x%"
				   PRIx64, b->start), NULL;
	if (range->flags & IORESOURCE_BUSY)
		return bad_request(err, "\"%s\" at 0x%" PRIx64 " is busy: no nd region is made of "
				   "it", range->name, b->start), NULL;
	if (b->nfit != (range->desc == IORES_DESC_PERSISTENT_MEMORY))
		return bad_request(err, "\"%s\" at 0x%" PRIx64 " is %s's, not the %s bus's", range->name,
				   b->start, b->nfit ? "nd_e820" : "ACPI NFIT",
				   b->nfit ? "nfit" : "e820"), NULL;
	if ((d = nd_region_of_resource(m, range)))
		return bad_request(err, "the range at 0x%" PRIx64 " is %s already", b->start, d->name),
		       NULL;
	if (device_find(m, b->region))
		return bad_request(err, "%s is bound already", b->region), NULL;
	if (!machine_node_possible(m, b->nid))
		return bad_request(err, "node %d is not possible", b->nid), NULL;
	claim = boot_claim(range, b, &why);
	if (why) {
		g_propagate_error(err, g_steal_pointer(&why));
		return NULL;
	}
	d = nd_region_new(b->id, range, b->nid, !b->labels);
	device_register(m, d);
	if (claim)
		pmem_namespace_adopt(m, d, claim, b->ns_id);
	return d;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nd bus's files (drivers/nvdimm/core.c, bus.c, region_devs.c,
 * namespace_devs.c, pfn_devs.c, dax_devs.c, drivers/acpi/nfit/core.c, 6.1
 * and 6.12): the bus, its ndctl class device, regions, namespaces and the
 * btt/pfn/dax devices, with the stores ndctl create-namespace makes.  An
 * NFIT region is QEMU's NVDIMM of its slot with initialized labels: one
 * DIMM (nmemN), namespaces configured through the seed (docs/ndctl.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "nd_tree.h"
#include "sysfs_parse.h"
#include "units.h"

/* include/uapi/linux/ndctl.h */
enum { ND_DEVICE_REGION_PMEM = 2, ND_DEVICE_NAMESPACE_IO = 4, ND_DEVICE_NAMESPACE_PMEM = 5,
       ND_DEVICE_DAX_PMEM = 7 };
/* default_align(), region_devs.c: MEMREMAP_COMPAT_ALIGN_MAX */
#define ND_REGION_ALIGN (16 * MiB)
/* nd_pfn_default_alignment(): HPAGE_PMD_SIZE with transparent hugepages */
#define ND_PFN_ALIGN (2 * MiB)
enum { PFN_MODE_NONE, PFN_MODE_RAM, PFN_MODE_PMEM };

static struct device *region_of(const struct machine *m, uint64_t obj)
{
	return nd_region(m, nd_a(obj));
}

static struct nd_seeds *seeds_of(struct device *region)
{
	if (!region->seeds)
		region->seeds = g_new0(struct nd_seeds, 1);
	return region->seeds;
}

/* The namespace obj stands for when it is active (not the seed). */
static struct device *ns_of(const struct machine *m, uint64_t obj)
{
	return nd_namespace(m, nd_a(obj), nd_b(obj));
}

/* A deterministic uuid for what the machine created itself (a fixture's
 * scenario): the kernel's come from userspace or uuid_gen(). */
static void made_uuid(const struct device *ns, const char *kind, GString *out)
{
	guint h = g_str_hash(ns->name) ^ g_str_hash(kind);

	g_string_append_printf(out, "%08x-%04x-4%03x-8%03x-%012" PRIx64 "\n", h, ns->region->id,
			       (unsigned)ns->id & 0xfff, (unsigned)(h >> 20) & 0xfff,
			       ns->start & UINT64_C(0xffffffffffff));
}

/* ---- the bus: ndbusN, nfit/, ndctlN ------------------------------------------ */

/* commands_show(), core.c: the bus commands the provider supports; QEMU's
 * NFIT root _DSM and e820 have none. */
static int show_commands(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "\n");
	return 0;
}

static int show_wait_probe(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			   GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "1\n");   /* wait_probe_show() */
	return 0;
}

/* provider_show(): nd_desc->provider_name - "ACPI.NFIT" (acpi_nfit_desc_init)
 * or "e820" (e820_pmem_probe). */
static int show_provider(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)who;
	g_string_append(out, nd_bus_is_nfit(m, nd_p(obj)) ? "ACPI.NFIT\n" : "e820\n");
	return 0;
}

static int show_bus_uevent(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			   GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "DRIVER=nd_bus\nMODALIAS=nd:t0\n");
	return 0;
}

static int store_ignored(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)m, (void)obj, (void)buf, (void)len;
	return 0;
}

static const struct attr nd_bus_table[] = {
	ATTR_RO(commands, show_commands),
	ATTR_RO(wait_probe, show_wait_probe),
	ATTR_RO(provider, show_provider),
	ATTR_RW(uevent, show_bus_uevent, store_ignored),
};
const struct attrs nd_bus_attrs = ATTRS(nd_bus_table);

/* acpi_nfit_attributes, drivers/acpi/nfit/core.c: QEMU's NFIT is revision 1. */
static int show_revision(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "1\n");
	return 0;
}

static int show_dsm_mask(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)m, (void)obj, (void)who;
	/* bus_dsm_mask_show(): "%#lx\n" - the kernel's number() puts "0x" before
	 * any hexadecimal with '#', 0 too (lib/vsprintf.c, 6.1 and 6.12) */
	g_string_append(out, "0x0\n");
	return 0;
}

static int show_zero(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		     GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "0\n");
	return 0;
}

/* acpi_nfit_attributes as nfit_visible() shows them: scrub only with
 * ars_supported(), which QEMU's root _DSM is not (6.1 and 6.12). */
static const struct attr nfit_group_table[] = {
	ATTR_RO(revision, show_revision),
	ATTR_RO(dsm_mask, show_dsm_mask),
	ATTR_RW(hw_error_scrub, show_zero, store_ignored),
};
const struct attrs nfit_group_attrs = ATTRS(nfit_group_table);

static int show_ndctl_dev(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			  GString *out)
{
	(void)m, (void)who;
	g_string_append_printf(out, "%d:%u\n", ND_NDCTL_MAJOR, nd_p(obj));
	return 0;
}

static int show_ndctl_uevent(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			     GString *out)
{
	(void)m, (void)who;
	g_string_append_printf(out, "MAJOR=%d\nMINOR=%u\nDEVNAME=ndctl%u\n", ND_NDCTL_MAJOR,
			       nd_p(obj), nd_p(obj));
	return 0;
}

static const struct attr ndctl_table[] = {
	ATTR_RO(dev, show_ndctl_dev),
	ATTR_RW(uevent, show_ndctl_uevent, store_ignored),
};
const struct attrs ndctl_attrs = ATTRS(ndctl_table);

/* ---- regionN ------------------------------------------------------------------ */

/* Bytes the region's namespaces hold, with the seed's once it is sized. */
static uint64_t region_used(const struct machine *m, const struct device *r)
{
	uint64_t used = r->seeds && r->seeds->ns_size_set ? r->seeds->ns_size : 0;

	for (guint i = 0; i < m->devices->len; i++) {
		const struct device *d = g_ptr_array_index(m->devices, i);

		if (d->kind == DEV_NAMESPACE && d->region == r)
			used += d->size;
	}
	return used;
}

/* nd_pmem_max_contiguous_dpa(): the largest free extent, less what a sized
 * seed holds. */
static uint64_t region_max_extent(const struct machine *m, const struct device *r)
{
	uint64_t best = pmem_region_max_extent(m, r);

	if (r->seeds && r->seeds->ns_size_set)
		best = best > r->seeds->ns_size ? best - r->seeds->ns_size : 0;
	return best;
}

static int show_region_size(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	(void)who;
	g_string_append_printf(out, "%" PRIu64 "\n", region_of(m, obj)->size);
	return 0;
}

static int show_region_align(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			     GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append_printf(out, "%#lx\n", (unsigned long)ND_REGION_ALIGN);
	return 0;
}

/* nd_region_to_nstype(): PMEM when a DIMM of the region has NDD_LABELING;
 * e820's regions have no DIMMs, and QEMU's NVDIMM without a label area
 * (label_less) does no labelling: both are IO. */
static int show_nstype(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		       GString *out)
{
	const struct device *r = region_of(m, obj);

	(void)who;
	g_string_append_printf(out, "%d\n", nd_bus_is_nfit(m, nd_p(obj)) && !(r && r->label_less) ?
			       ND_DEVICE_NAMESPACE_PMEM : ND_DEVICE_NAMESPACE_IO);
	return 0;
}

/* The model's NFIT is QEMU's (hw/acpi/nvdimm.c): one NVDIMM per region, in
 * the slot of the region's id, its SPA range index (slot + 1) << 1 and its
 * serial number 0x123456 + slot (nvdimm_slot_to_spa_index, nvdimm_slot_to_sn). */
#define QEMU_NVDIMM_SERIAL 0x123456u

/* nd_fletcher64(), drivers/nvdimm/core.c: over 32-bit words, host order. */
static uint64_t nd_fletcher64(const uint32_t *w, size_t n)
{
	uint32_t lo = 0;
	uint64_t hi = 0;

	for (size_t i = 0; i < n; i++) {
		lo += w[i];
		hi += lo;
	}
	return hi << 32 | lo;
}

/* set_cookie_show(): nd_region_interleave_set_cookie() of v1.1 labels (what
 * ndctl init-labels writes): cookie1, which acpi_nfit_init_interleave_set()
 * computes over one struct nfit_set_info { u64 region_offset; u32
 * serial_number; u32 pad; } per mapping - QEMU's single mapping at offset 0
 * (6.1 and 6.12; the model has no DIMMs otherwise, docs/ndctl.md). */
static int show_set_cookie(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			   GString *out)
{
	const uint32_t info[4] = { 0, 0, QEMU_NVDIMM_SERIAL + (uint32_t)region_of(m, obj)->id, 0 };

	(void)who;
	g_string_append_printf(out, "%#" PRIx64 "\n", nd_fletcher64(info, G_N_ELEMENTS(info)));
	return 0;
}

static int show_seed_name(GString *out, const char *fmt, unsigned region, unsigned id)
{
	g_string_append_printf(out, fmt, region, id);
	g_string_append_c(out, '\n');
	return 0;
}

static int show_btt_seed(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)m, (void)who;
	return show_seed_name(out, "btt%u.%u", nd_a(obj), 0);
}

static int show_pfn_seed(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)who;
	return show_seed_name(out, "pfn%u.%u", nd_a(obj), nd_pfn_seed(m, region_of(m, obj)));
}

static int show_dax_seed(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)who;
	return show_seed_name(out, "dax%u.%u", nd_a(obj), nd_dax_seed(m, region_of(m, obj)));
}

static int show_namespace_seed(const struct machine *m, uint64_t obj,
			       const struct tree_reader *who, GString *out)
{
	(void)who;
	return show_seed_name(out, "namespace%u.%u", nd_a(obj), nd_ns_seed(m, region_of(m, obj)));
}

static int show_available_size(const struct machine *m, uint64_t obj,
			       const struct tree_reader *who, GString *out)
{
	const struct device *r = region_of(m, obj);

	(void)who;
	g_string_append_printf(out, "%" PRIu64 "\n", r->size - MIN(r->size, region_used(m, r)));
	return 0;
}

static int show_max_extent(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			   GString *out)
{
	(void)who;
	g_string_append_printf(out, "%" PRIu64 "\n", region_max_extent(m, region_of(m, obj)));
	return 0;
}

/* init_namespaces_show(): "%d/%d\n", the namespaces nd_region_probe()
 * registered (ns_active) of those it found (ns_count), at boot: a label region
 * without namespaces gets its one seed, an e820 (IO) region its one namespace;
 * namespaces made later do not count (6.1 and 6.12). */
static int show_init_namespaces(const struct machine *m, uint64_t obj,
				const struct tree_reader *who, GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "1/1\n");
	return 0;
}

static int show_empty(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		      GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "\n");
	return 0;
}

static int show_badblocks(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			  GString *out)
{
	(void)m, (void)obj, (void)who, (void)out;
	return 0;   /* badblocks_show(): one line per bad range, none here */
}

static int show_region_resource(const struct machine *m, uint64_t obj,
				const struct tree_reader *who, GString *out)
{
	(void)who;
	g_string_append_printf(out, "%#" PRIx64 "\n", region_of(m, obj)->start);
	return 0;
}

static int show_region_modalias(const struct machine *m, uint64_t obj,
				const struct tree_reader *who, GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append_printf(out, "nd:t%d\n", ND_DEVICE_REGION_PMEM);
	return 0;
}

static int show_region_devtype(const struct machine *m, uint64_t obj,
			       const struct tree_reader *who, GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "nd_pmem\n");
	return 0;
}

static int show_region_node(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	(void)who;
	g_string_append_printf(out, "%d\n", region_of(m, obj)->nid);
	return 0;
}

static int show_region_uevent(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			      GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append_printf(out, "DEVTYPE=nd_pmem\nDRIVER=nd_region\nMODALIAS=nd:t%d\n",
			       ND_DEVICE_REGION_PMEM);
	return 0;
}

static int store_refused(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)m, (void)obj, (void)buf, (void)len;
	return -EOPNOTSUPP;
}

/* mappings_show(): "%d\n" of ndr_mappings - the region's one DIMM, if any. */
static int show_mappings(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)who;
	g_string_append_printf(out, "%d\n", nd_region_has_dimm(m, region_of(m, obj)) ? 1 : 0);
	return 0;
}

/* mappingN_show(): "%s,%llu,%llu,%d\n" of the DIMM's name, the mapping's
 * start and size in its DPA space and its position - QEMU's one DIMM covers
 * the region from DPA 0. */
static int show_mapping0(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	const struct device *r = region_of(m, obj);

	(void)who;
	g_string_append_printf(out, "nmem%d,0,%" PRIu64 ",0\n", r->id, r->size);
	return 0;
}

enum { RG_MAPPINGS = 3, RG_DEEP_FLUSH = 7, RG_SET_COOKIE = 9, RG_PERSISTENCE = 16,
       RG_MAPPING0 = 22 };

static const struct attr nd_region_table[] = {
	ATTR_RO(size, show_region_size),
	ATTR_RW(align, show_region_align, store_refused),
	ATTR_RO(nstype, show_nstype),
	[RG_MAPPINGS] = ATTR_RO(mappings, show_mappings),
	ATTR_RO(btt_seed, show_btt_seed),
	ATTR_RO(pfn_seed, show_pfn_seed),
	ATTR_RO(dax_seed, show_dax_seed),
	/* 0444 without flush hints, which QEMU's NFIT has none of */
	[RG_DEEP_FLUSH] = ATTR_RO(deep_flush, show_zero),
	ATTR_RW(read_only, show_zero, store_refused),
	[RG_SET_COOKIE] = ATTR_RO(set_cookie, show_set_cookie),
	ATTR_RO(available_size, show_available_size),
	ATTR_RO(max_available_extent, show_max_extent),
	ATTR_RO(namespace_seed, show_namespace_seed),
	ATTR_RO(init_namespaces, show_init_namespaces),
	ATTR_RO(badblocks, show_badblocks),
	{ .name = "resource", .type = TREE_FILE, .mode = 0400, .show = show_region_resource },
	[RG_PERSISTENCE] = ATTR_RO(persistence_domain, show_empty),
	ATTR_RO(modalias, show_region_modalias),
	ATTR_RO(devtype, show_region_devtype),
	ATTR_RO(numa_node, show_region_node),
	ATTR_RO(target_node, show_region_node),
	ATTR_RW(uevent, show_region_uevent, store_ignored),
	[RG_MAPPING0] = ATTR_RO(mapping0, show_mapping0),
};
const struct attrs nd_region_attrs = ATTRS(nd_region_table);
/* the designated indexes leave no hole (a hole would be a nameless file) */
G_STATIC_ASSERT(G_N_ELEMENTS(nd_region_table) == RG_MAPPING0 + 1);

/* acpi_nfit_region_attribute_group "nfit": range_index_show(), "%d\n" of the
 * SPA range structure's index (6.1 and 6.12). */
static int show_range_index(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	(void)m, (void)who;
	g_string_append_printf(out, "%u\n", (nd_a(obj) + 1) << 1);
	return 0;
}

static const struct attr region_nfit_table[] = {
	ATTR_RO(range_index, show_range_index),
};
const struct attrs region_nfit_attrs = ATTRS(region_nfit_table);

/* region_visible(): deep_flush needs mappings (nvdimm_has_flush() is -ENXIO
 * without), mappingN one of ndr_mappings, set_cookie an interleave set
 * (NFIT's, not e820's), persistence_domain a PERSIST_* flag (neither QEMU's
 * NFIT nor e820 sets one). */
bool nd_region_attr_visible(const struct machine *m, uint64_t obj, unsigned i)
{
	if (i == RG_SET_COOKIE)
		return nd_bus_is_nfit(m, nd_p(obj));
	if (i == RG_DEEP_FLUSH || i == RG_MAPPING0)
		return nd_region_has_dimm(m, region_of(m, obj));
	return i != RG_PERSISTENCE;
}

/* ---- nmemN: the DIMM of an NFIT region ------------------------------------------ */

/* QEMU's NVDIMM of slot N (hw/acpi/nvdimm.c): handle N + 1, its control
 * region's vendor 0x8086, device and revision 1, serial 0x123456 + N, all
 * little-endian in the NFIT, which acpi/nfit/core.c prints big-endian. */
static uint32_t nmem_serial_be(uint64_t obj)
{
	return GUINT32_SWAP_LE_BE(QEMU_NVDIMM_SERIAL + nd_a(obj));
}

/* available_slots_show(): nd_label_nfree() - QEMU's 128 KiB label area after
 * ndctl init-labels has 1019 free slots (as the 6.1 and 6.12 guests showed);
 * each namespace takes one label. */
#define QEMU_NVDIMM_FREE_SLOTS 1019u

static int show_available_slots(const struct machine *m, uint64_t obj,
				const struct tree_reader *who, GString *out)
{
	unsigned used = 0;

	(void)who;
	for (unsigned y = 0; y < 64; y++)
		used += nd_namespace(m, nd_a(obj), y) != NULL;
	g_string_append_printf(out, "%u\n", QEMU_NVDIMM_FREE_SLOTS - used);
	return 0;
}

/* commands_show(), dimm_devs.c: the DIMM commands of cmd_mask - QEMU's label
 * _DSMs (get_size, get_data, set_data) and cmd_call (6.1 and 6.12). */
static int show_nmem_commands(const struct machine *m, uint64_t obj,
			      const struct tree_reader *who, GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "get_size get_data set_data cmd_call \n");
	return 0;
}

static int show_nmem_dev(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)m, (void)who;
	g_string_append_printf(out, "%d:%u\n", ND_DIMM_MAJOR, nd_a(obj));
	return 0;
}

static int show_nmem_devtype(const struct machine *m, uint64_t obj,
			     const struct tree_reader *who, GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "nvdimm\n");   /* nvdimm_device_type.name */
	return 0;
}

/* flags_show(): "label " with NDD_LABELING, which a DIMM with a label area
 * has; never locked here. */
static int show_nmem_flags(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			   GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "label \n");
	return 0;
}

static int show_nmem_modalias(const struct machine *m, uint64_t obj,
			      const struct tree_reader *who, GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "nd:t1\n");   /* ND_DEVICE_DIMM */
	return 0;
}

/* state_show(): "active" while a region uses the DIMM (nvdimm->busy). */
static int show_nmem_state(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			   GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "active\n");
	return 0;
}

/* dev_uevent() and nd_bus_uevent(): the DIMM is bound to nvdimm from boot. */
static int show_nmem_uevent(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	(void)m, (void)who;
	g_string_append_printf(out, "MAJOR=%d\nMINOR=%u\nDEVNAME=nmem%u\nDEVTYPE=nvdimm\n"
			       "DRIVER=nvdimm\nMODALIAS=nd:t1\n", ND_DIMM_MAJOR, nd_a(obj),
			       nd_a(obj));
	return 0;
}

/* nvdimm_attributes as nvdimm_visible() shows them without security ops, and
 * nd_device_attributes (6.1 and 6.12). */
static const struct attr nmem_table[] = {
	ATTR_RO(state, show_nmem_state),
	ATTR_RO(flags, show_nmem_flags),
	ATTR_RO(commands, show_nmem_commands),
	ATTR_RO(available_slots, show_available_slots),
	ATTR_RO(modalias, show_nmem_modalias),
	ATTR_RO(devtype, show_nmem_devtype),
	ATTR_RO(dev, show_nmem_dev),
	ATTR_RW(uevent, show_nmem_uevent, store_ignored),
};
const struct attrs nmem_attrs = ATTRS(nmem_table);

/* acpi_nfit_dimm_attributes, drivers/acpi/nfit/core.c (6.1 and 6.12), of
 * QEMU's NFIT: format1 needs two formats, dirty_shutdown a health _DSM. */
static int show_nfit_handle(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	(void)m, (void)who;
	g_string_append_printf(out, "%#x\n", nd_a(obj) + 1);
	return 0;
}

static int show_nfit_phys_id(const struct machine *m, uint64_t obj,
			     const struct tree_reader *who, GString *out)
{
	(void)m, (void)obj, (void)who;
	/* "%#x" of 0: QEMU sets no physical id; the kernel's "%#x" of 0 is "0x0" */
	g_string_append(out, "0x0\n");
	return 0;
}

static int show_nfit_serial(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	(void)m, (void)who;
	g_string_append_printf(out, "0x%08x\n", nmem_serial_be(obj));
	return 0;
}

/* id_show(): "%04x-%08x" of vendor and serial, big-endian, without the
 * manufacturing location and date QEMU does not mark valid. */
static int show_nfit_id(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			GString *out)
{
	(void)m, (void)who;
	g_string_append_printf(out, "8680-%08x\n", nmem_serial_be(obj));
	return 0;
}

/* The attributes whose value is the same for every QEMU NVDIMM. */
#define NFIT_CONST(attr, value)								\
	static int show_nfit_##attr(const struct machine *m, uint64_t obj,		\
				    const struct tree_reader *who, GString *out)	\
	{										\
		(void)m, (void)obj, (void)who;						\
		g_string_append(out, value);						\
		return 0;								\
	}
NFIT_CONST(vendor, "0x8680\n")
NFIT_CONST(device, "0x0100\n")
NFIT_CONST(rev_id, "0x0100\n")
NFIT_CONST(subsystem_vendor, "0x0000\n")
NFIT_CONST(subsystem_device, "0x0000\n")
NFIT_CONST(subsystem_rev_id, "0x0000\n")
/* format_show(): the control region's format interface code */
NFIT_CONST(format, "0x0301\n")
NFIT_CONST(formats, "1\n")
/* family_show(): NVDIMM_FAMILY_INTEL; dsm_mask_show(): "%#lx" of the label
 * functions 4-6 the DIMM's _DSM answers */
NFIT_CONST(family, "0\n")
NFIT_CONST(dsm_mask, "0x70\n")
/* flags_show(): no NFIT memory-device error flag */
NFIT_CONST(flags, "\n")

static const struct attr nmem_nfit_table[] = {
	ATTR_RO(handle, show_nfit_handle),
	ATTR_RO(phys_id, show_nfit_phys_id),
	ATTR_RO(vendor, show_nfit_vendor),
	ATTR_RO(device, show_nfit_device),
	ATTR_RO(rev_id, show_nfit_rev_id),
	ATTR_RO(subsystem_vendor, show_nfit_subsystem_vendor),
	ATTR_RO(subsystem_device, show_nfit_subsystem_device),
	ATTR_RO(subsystem_rev_id, show_nfit_subsystem_rev_id),
	ATTR_RO(format, show_nfit_format),
	ATTR_RO(formats, show_nfit_formats),
	ATTR_RO(serial, show_nfit_serial),
	ATTR_RO(family, show_nfit_family),
	ATTR_RO(dsm_mask, show_nfit_dsm_mask),
	ATTR_RO(flags, show_nfit_flags),
	ATTR_RO(id, show_nfit_id),
};
const struct attrs nmem_nfit_attrs = ATTRS(nmem_nfit_table);

/* ---- namespaceX.Y -------------------------------------------------------------- */

static int show_ns_size(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			GString *out)
{
	const struct device *ns = ns_of(m, obj), *r = region_of(m, obj);
	uint64_t size = ns ? ns->size : r->seeds && r->seeds->ns_size_set ? r->seeds->ns_size : 0;

	(void)who;
	g_string_append_printf(out, "%" PRIu64 "\n", size);
	return 0;
}

/* mode_show(): by its claim - "dax" (nd_dax), "memory" (nd_pfn), else "raw",
 * or "memory" where pmem_should_map_pages() says so: ND_REGION_PAGEMAP, which
 * nd_e820's regions have and NFIT's lack (6.1 and 6.12; a 6.12 guest showed
 * its legacy namespace0.0 as "memory" and its NVDIMM's as "raw"). */
static int show_ns_mode(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			GString *out)
{
	const struct device *ns = ns_of(m, obj);

	(void)who;
	/* pmem_should_map_pages(): an e820 region maps its pages (ND_REGION_PAGEMAP) */
	if (ns && ns->mode == NS_RAW)
		g_string_append(out, nd_bus_is_nfit(m, nd_p(obj)) ? "raw\n" : "memory\n");
	else
		g_string_append(out, !ns ? "raw\n" : ns->mode == NS_DEVDAX ? "dax\n" : "memory\n");
	return 0;
}

static int show_ns_uuid(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			GString *out)
{
	const struct device *ns = ns_of(m, obj), *r = region_of(m, obj);

	(void)who;
	if (ns && ns->uuid[0])
		g_string_append_printf(out, "%s\n", ns->uuid);
	else if (ns)
		made_uuid(ns, "namespace", out);
	else
		g_string_append_printf(out, "%s\n", r->seeds ? r->seeds->ns_uuid : "");
	return 0;
}

static int show_ns_holder(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			  GString *out)
{
	const struct device *ns = ns_of(m, obj);

	(void)who;
	if (ns && ns->mode != NS_RAW)
		g_string_append_printf(out, "%s%u.%u\n", ns->mode == NS_DEVDAX ? "dax" : "pfn",
				       nd_a(obj), nd_b(obj));
	else
		g_string_append(out, "\n");
	return 0;
}

static int show_ns_holder_class(const struct machine *m, uint64_t obj,
				const struct tree_reader *who, GString *out)
{
	const struct device *ns = ns_of(m, obj);

	(void)who;
	g_string_append(out, !ns || ns->mode == NS_RAW ? "\n" : ns->mode == NS_DEVDAX ? "dax\n" : "pfn\n");
	return 0;
}

/* resource_show(), namespace_devs.c: -ENXIO until the namespace has a size. */
static int show_ns_resource(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	struct device *ns = ns_of(m, obj), *r = region_of(m, obj);
	uint64_t start;

	(void)who;
	if (ns) {
		start = ns->start;
	} else if (r->seeds && r->seeds->ns_size_set &&
		   pmem_namespace_free_start(m, r, r->seeds->ns_size, &start)) {
		/* where its dpa was allocated */
	} else {
		return -ENXIO;
	}
	g_string_append_printf(out, "%#" PRIx64 "\n", start);
	return 0;
}

static int show_ns_alt_name(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	const struct device *ns = ns_of(m, obj), *r = region_of(m, obj);

	(void)who;
	g_string_append_printf(out, "%s\n", ns ? (ns->alt_name ? ns->alt_name : "") :
			       r->seeds ? r->seeds->ns_alt_name : "");
	return 0;
}

/* dpa_extents_show(): the DPA resources of the namespace's label on its
 * DIMM - one for an active namespace of QEMU's one-DIMM region, none for the
 * seed or without a DIMM. */
static int show_dpa_extents(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	(void)who;
	g_string_append(out, ns_of(m, obj) && nd_region_has_dimm(m, region_of(m, obj)) ? "1\n" :
			     "0\n");
	return 0;
}

/* pmem_lbasize_supported, drivers/nvdimm/namespace_devs.c (6.1, 6.12). */
static const unsigned long pmem_lbasize_supported[] = { 512, 4096 };

/* sector_size_show(): nd_size_select_show() brackets the namespace's lbasize
 * among the supported sizes - none while it is 0, as on a fresh seed. */
static int show_sector_size(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	const struct device *ns = ns_of(m, obj), *r = region_of(m, obj);
	unsigned long cur = ns ? (ns->lbasize ? ns->lbasize : 512) :
			    r->seeds ? r->seeds->ns_lbasize : 0;

	(void)who;
	for (size_t i = 0; i < G_N_ELEMENTS(pmem_lbasize_supported); i++)
		g_string_append_printf(out, cur == pmem_lbasize_supported[i] ? "[%lu] " : "%lu ",
				       pmem_lbasize_supported[i]);
	g_string_append_c(out, '\n');
	return 0;
}

/* namespace_io_device_type vs namespace_pmem_device_type (namespace_devs.c):
 * a label-less region's io namespace; the model's other namespaces are pmem. */
static bool ns_is_io(const struct machine *m, uint64_t obj)
{
	const struct device *r = region_of(m, obj);

	return r && r->label_less;
}

static int show_ns_modalias(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	(void)who;
	g_string_append_printf(out, "nd:t%d\n", ns_is_io(m, obj) ? ND_DEVICE_NAMESPACE_IO :
			       ND_DEVICE_NAMESPACE_PMEM);
	return 0;
}

static int show_ns_devtype(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			   GString *out)
{
	(void)who;
	g_string_append(out, ns_is_io(m, obj) ? "nd_namespace_io\n" : "nd_namespace_pmem\n");
	return 0;
}

static int show_ns_uevent(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			  GString *out)
{
	const struct device *ns = ns_of(m, obj);
	bool io = ns_is_io(m, obj);

	(void)who;
	/* dev_uevent(): DRIVER= while bound - nd_pmem binds a raw namespace itself */
	g_string_append_printf(out, "DEVTYPE=%s\n%sMODALIAS=nd:t%d\n",
			       io ? "nd_namespace_io" : "nd_namespace_pmem",
			       ns && ns->mode == NS_RAW ? "DRIVER=nd_pmem\n" : "",
			       io ? ND_DEVICE_NAMESPACE_IO : ND_DEVICE_NAMESPACE_PMEM);
	return 0;
}

/* nd_uuid_store(), core.c: a canonical uuid (uuid_parse), -EINVAL otherwise. */
static bool parse_uuid(const char *buf, size_t len, char *out)
{
	size_t n = strnlen(buf, len);

	if (n && buf[n - 1] == '\n')
		n--;
	if (n != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? buf[i] != '-' : !g_ascii_isxdigit(buf[i]))
			return false;
		out[i] = g_ascii_tolower(buf[i]);
	}
	out[36] = '\0';
	return true;
}

/* A seed's configuration changed.  No event says so: the generation does
 * (the journal records a store, and the page cache rereads, by it). */
static int seed_changed(struct machine *m)
{
	m->generation++;
	return 0;
}

/* The seed only: an active namespace is claimed and its stores are -EBUSY
 * (__holder_class_store, uuid_store: "if (dev->driver || ndns->claim)"). */
static struct device *seed_region(struct machine *m, uint64_t obj)
{
	return ns_of(m, obj) ? NULL : region_of(m, obj);
}

static int store_ns_uuid(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	struct device *r = seed_region(m, obj);
	char uuid[40];

	if (!r)
		return -EBUSY;
	if (!parse_uuid(buf, len, uuid))
		return -EINVAL;
	strcpy(seeds_of(r)->ns_uuid, uuid);
	return seed_changed(m);
}

/* alt_name_store(): NSLABEL_NAME_LEN (64) including the NUL, newline dropped. */
static int store_ns_alt_name(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	struct device *r = seed_region(m, obj);
	size_t n = strnlen(buf, len);

	if (!r)
		return -EBUSY;
	if (n && buf[n - 1] == '\n')
		n--;
	if (n >= sizeof(r->seeds->ns_alt_name))
		return -EINVAL;
	memcpy(seeds_of(r)->ns_alt_name, buf, n);
	r->seeds->ns_alt_name[n] = '\0';
	return seed_changed(m);
}

/* size_store() / __size_store(): the namespace must be named first (-ENXIO),
 * the size a multiple of the page size (-EINVAL) within the free space
 * (-ENOSPC). */
static int store_ns_size(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	struct device *r = seed_region(m, obj);
	unsigned long long val;
	uint64_t start, held;
	struct nd_seeds *seeds;
	int rc = kstrtoull0(buf, len, &val);

	if (rc)
		return rc;
	if (!r)
		return -EBUSY;
	/* A seed never named nor sized has no nd_seeds yet: "0" to it (what
	 * `ndctl destroy-namespace` writes) must not find them missing. */
	seeds = seeds_of(r);
	if (val && !seeds->ns_uuid[0])
		return -ENXIO;
	if (val % PAGE_SIZE)
		return -EINVAL;
	held = seeds->ns_size_set ? seeds->ns_size : 0;
	seeds->ns_size_set = false;
	if (val && !pmem_namespace_free_start(m, r, val, &start)) {
		seeds->ns_size_set = held != 0;
		return -ENOSPC;
	}
	seeds->ns_size = val;
	seeds->ns_size_set = val != 0;
	return seed_changed(m);
}

/* sector_size_store(): -EBUSY once claimed, then nd_size_select_store():
 * kstrtoul(buf, 0) (-EINVAL, -ERANGE) of a supported size, else -EINVAL. */
static int store_sector_size(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	struct device *r = seed_region(m, obj);
	unsigned long long val;   /* unsigned long is 64 bits here: kstrtoul is kstrtoull */
	int rc;

	if (!r)
		return -EBUSY;
	rc = kstrtoull0(buf, len, &val);
	if (rc)
		return rc;
	for (size_t i = 0; i < G_N_ELEMENTS(pmem_lbasize_supported); i++) {
		if (val == pmem_lbasize_supported[i]) {
			seeds_of(r)->ns_lbasize = (unsigned long)val;
			return seed_changed(m);
		}
	}
	return -EINVAL;
}

static int store_ns_idle(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)buf, (void)len;
	return seed_region(m, obj) ? 0 : -EBUSY;
}

enum { NS_ATTR_SIZE = 1, NS_ATTR_SIZE_RO, NS_ATTR_UUID = 4, NS_ATTR_ALT_NAME = 7,
       NS_ATTR_SECTOR_SIZE = 9, NS_ATTR_DPA_EXTENTS };

static const struct attr nd_namespace_table[] = {
	ATTR_RO(nstype, show_nstype),
	[NS_ATTR_SIZE] = ATTR_RW(size, show_ns_size, store_ns_size),
	[NS_ATTR_SIZE_RO] = ATTR_RO(size, show_ns_size),
	ATTR_RO(mode, show_ns_mode),
	[NS_ATTR_UUID] = ATTR_RW(uuid, show_ns_uuid, store_ns_uuid),
	ATTR_RO(holder, show_ns_holder),
	{ .name = "resource", .type = TREE_FILE, .mode = 0400, .show = show_ns_resource },
	[NS_ATTR_ALT_NAME] = ATTR_RW(alt_name, show_ns_alt_name, store_ns_alt_name),
	ATTR_RW(force_raw, show_zero, store_ns_idle),
	[NS_ATTR_SECTOR_SIZE] = ATTR_RW(sector_size, show_sector_size, store_sector_size),
	[NS_ATTR_DPA_EXTENTS] = ATTR_RO(dpa_extents, show_dpa_extents),
	ATTR_RW(holder_class, show_ns_holder_class, store_ns_idle),
	ATTR_RO(modalias, show_ns_modalias),
	ATTR_RO(devtype, show_ns_devtype),
	ATTR_RO(numa_node, show_region_node),
	ATTR_RO(target_node, show_region_node),
	ATTR_RW(uevent, show_ns_uevent, store_ignored),
};
const struct attrs nd_namespace_attrs = ATTRS(nd_namespace_table);

/* namespace_visible(), 6.1 and 6.12: a pmem namespace has every attribute
 * (size 0644); an io namespace only nstype, size (0444), holder,
 * holder_class, force_raw, mode and resource of that group. */
bool nd_namespace_attr_visible(const struct machine *m, uint64_t obj, unsigned i)
{
	bool io = ns_is_io(m, obj);

	switch (i) {
	case NS_ATTR_SIZE_RO: return io;
	case NS_ATTR_SIZE: case NS_ATTR_UUID: case NS_ATTR_ALT_NAME: case NS_ATTR_SECTOR_SIZE:
	case NS_ATTR_DPA_EXTENTS:
		return !io;
	default: return true;
	}
}

/* ---- pfnX.Y and daxX.Y (nd_pfn_attributes, shared by nd_dax) ---------------------- */

static bool is_dax_obj(uint64_t obj)
{
	return nd_type_of(obj) == NT_NDDAX;
}

/* The active namespace a pfn/dax device claims, if any. */
static struct device *claim_of(const struct machine *m, uint64_t obj)
{
	struct device *ns = ns_of(m, obj);

	if (!ns || ns->mode != (is_dax_obj(obj) ? NS_DEVDAX : NS_FSDAX))
		return NULL;
	return ns;
}

static int show_pfn_mode(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	const struct device *r = region_of(m, obj);
	int mode = claim_of(m, obj) ? PFN_MODE_PMEM :
		   is_dax_obj(obj) && r->seeds ? r->seeds->dax_mode : PFN_MODE_NONE;

	(void)who;
	g_string_append(out, mode == PFN_MODE_PMEM ? "pmem\n" : mode == PFN_MODE_RAM ? "ram\n" :
			"none\n");
	return 0;
}

static int show_pfn_namespace(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			      GString *out)
{
	const struct device *ns = claim_of(m, obj), *r = region_of(m, obj);

	(void)who;
	g_string_append_printf(out, "%s\n", ns ? ns->name :
			       is_dax_obj(obj) && r->seeds ? r->seeds->dax_ns : "");
	return 0;
}

static int show_pfn_uuid(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	const struct device *ns = claim_of(m, obj), *r = region_of(m, obj);

	(void)who;
	if (ns && is_dax_obj(obj) && ns->dax && ns->dax->uuid[0])
		g_string_append_printf(out, "%s\n", ns->dax->uuid);
	else if (ns)
		made_uuid(ns, is_dax_obj(obj) ? "dax" : "pfn", out);
	else
		g_string_append_printf(out, "%s\n", is_dax_obj(obj) && r->seeds ?
				       r->seeds->dax_uuid : "");
	return 0;
}

static int show_pfn_align(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			  GString *out)
{
	const struct device *r = region_of(m, obj);
	uint64_t align = !claim_of(m, obj) && is_dax_obj(obj) && r->seeds && r->seeds->dax_align ?
			 r->seeds->dax_align : ND_PFN_ALIGN;

	(void)who;
	g_string_append_printf(out, "%" PRIu64 "\n", align);
	return 0;
}

/* resource_show() / size_show(), pfn_devs.c: the data past the info block
 * and memmap; -ENXIO while no driver holds the device. */
static int show_pfn_resource(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			     GString *out)
{
	const struct device *ns = claim_of(m, obj);

	(void)who;
	if (!ns)
		return -ENXIO;
	g_string_append_printf(out, "%#" PRIx64 "\n", ns->start + ns->altmap_size);
	return 0;
}

static int show_pfn_size(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	const struct device *ns = claim_of(m, obj);

	(void)who;
	if (!ns)
		return -ENXIO;
	g_string_append_printf(out, "%" PRIu64 "\n", ns->size - ns->altmap_size);
	return 0;
}

/* supported_alignments_show(): nd_size_select_show(0, ...) - PAGE_SIZE,
 * HPAGE_PMD_SIZE, HPAGE_PUD_SIZE, none selected. */
static int show_pfn_alignments(const struct machine *m, uint64_t obj,
			       const struct tree_reader *who, GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "4096 2097152 1073741824 \n");
	return 0;
}

static int show_pfn_modalias(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			     GString *out)
{
	(void)who;
	/* to_nd_device_type(): nd_dax is ND_DEVICE_DAX_PMEM, a pfn its region's nstype */
	g_string_append_printf(out, "nd:t%d\n", is_dax_obj(obj) ? ND_DEVICE_DAX_PMEM :
			       ns_is_io(m, obj) ? ND_DEVICE_NAMESPACE_IO : ND_DEVICE_NAMESPACE_PMEM);
	return 0;
}

static int show_pfn_devtype(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	(void)m, (void)who;
	g_string_append(out, is_dax_obj(obj) ? "nd_dax\n" : nd_type_of(obj) == NT_BTT ? "nd_btt\n" :
			"nd_pfn\n");
	return 0;
}

static int show_pfn_uevent(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			   GString *out)
{
	bool dax = is_dax_obj(obj);

	(void)who;
	g_string_append_printf(out, "DEVTYPE=%s\n", dax ? "nd_dax" : "nd_pfn");
	if (claim_of(m, obj))
		g_string_append_printf(out, "DRIVER=%s\n", dax ? "dax_pmem" : "nd_pmem");
	g_string_append_printf(out, "MODALIAS=nd:t%d\n", dax ? ND_DEVICE_DAX_PMEM :
			       ns_is_io(m, obj) ? ND_DEVICE_NAMESPACE_IO : ND_DEVICE_NAMESPACE_PMEM);
	return 0;
}

/* The idle dax seed of obj's region, for its stores (-EBUSY once bound:
 * mode_store, align_store: "if (dev->driver)"); pfn seeds are not configurable here. */
static struct nd_seeds *dax_seed_config(struct machine *m, uint64_t obj, int *rc)
{
	struct device *r = region_of(m, obj);

	*rc = 0;
	if (claim_of(m, obj))
		*rc = -EBUSY;
	else if (!is_dax_obj(obj))
		*rc = -EOPNOTSUPP;
	return *rc ? NULL : seeds_of(r);
}

static int store_pfn_mode(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	int rc;
	struct nd_seeds *s = dax_seed_config(m, obj, &rc);

	if (!s)
		return rc;
	if (sysfs_streq_len(buf, len, "pmem"))
		s->dax_mode = PFN_MODE_PMEM;
	else if (sysfs_streq_len(buf, len, "ram"))
		s->dax_mode = PFN_MODE_RAM;
	else if (sysfs_streq_len(buf, len, "none"))
		s->dax_mode = PFN_MODE_NONE;
	else
		return -EINVAL;
	return seed_changed(m);
}

static int store_pfn_uuid(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	int rc;
	struct nd_seeds *s = dax_seed_config(m, obj, &rc);
	char uuid[40];

	if (!s)
		return rc;
	if (!parse_uuid(buf, len, uuid))
		return -EINVAL;
	strcpy(s->dax_uuid, uuid);
	return seed_changed(m);
}

/* nd_size_select_store(): one of the supported alignments, else -EINVAL. */
static int store_pfn_align(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	int rc;
	struct nd_seeds *s = dax_seed_config(m, obj, &rc);
	unsigned long long val;

	if (!s)
		return rc;
	rc = kstrtoull0(buf, len, &val);
	if (rc)
		return rc;
	if (val != 4096 && val != 2 * MiB && val != GiB)
		return -EINVAL;
	s->dax_align = val;
	return seed_changed(m);
}

/* nd_namespace_store(), bus.c-claim.c: "" releases the claim; else an idle
 * namespace of the same region (-ENODEV), at least 16 MiB (-ENXIO). */
static int store_pfn_namespace(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	int rc;
	struct nd_seeds *s = dax_seed_config(m, obj, &rc);
	struct device *r = region_of(m, obj);
	char name[32];
	size_t n = strnlen(buf, len);

	if (!s)
		return rc;
	if (n && buf[n - 1] == '\n')
		n--;
	if (n == 0) {
		s->dax_ns[0] = '\0';
		return seed_changed(m);
	}
	snprintf(name, sizeof(name), "namespace%d.%u", r->id, nd_ns_seed(m, r));
	if (n != strlen(name) || memcmp(buf, name, n) != 0)
		/* buf holds len bytes, no NUL: compare within them. */
		return nd_namespace(m, (unsigned)r->id, 0) && n >= 9 && memcmp(buf, "namespace", 9) == 0 ?
		       -EBUSY : -ENODEV;
	if (!s->ns_size_set || s->ns_size < 16 * MiB)
		return -ENXIO;
	strcpy(s->dax_ns, name);
	return seed_changed(m);
}

static const struct attr nd_pfn_table[] = {
	ATTR_RW(mode, show_pfn_mode, store_pfn_mode),
	ATTR_RW(namespace, show_pfn_namespace, store_pfn_namespace),
	ATTR_RW(uuid, show_pfn_uuid, store_pfn_uuid),
	ATTR_RW(align, show_pfn_align, store_pfn_align),
	{ .name = "resource", .type = TREE_FILE, .mode = 0400, .show = show_pfn_resource },
	ATTR_RO(size, show_pfn_size),
	ATTR_RO(supported_alignments, show_pfn_alignments),
	ATTR_RO(modalias, show_pfn_modalias),
	ATTR_RO(devtype, show_pfn_devtype),
	ATTR_RO(numa_node, show_region_node),
	ATTR_RO(target_node, show_region_node),
	ATTR_RW(uevent, show_pfn_uevent, store_ignored),
};
const struct attrs nd_pfn_attrs = ATTRS(nd_pfn_table);

/* btt_attributes, btt_devs.c: the seed is never configured here. */
static int show_btt_sector_size(const struct machine *m, uint64_t obj,
				const struct tree_reader *who, GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "512 520 528 4096 4104 4160 4224 \n");
	return 0;
}

static int show_enxio(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		      GString *out)
{
	(void)m, (void)obj, (void)who, (void)out;
	return -ENXIO;
}

/* dev_uevent() + nd_bus_uevent(): the btt seed is of its region's nstype
 * (to_nd_device_type()): "DEVTYPE=nd_btt", "MODALIAS=nd:t4" on a hot-added
 * NVDIMM's io region, as Debian 6.1 and 6.12 sent it. */
static int show_btt_uevent(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			   GString *out)
{
	(void)who;
	g_string_append_printf(out, "DEVTYPE=nd_btt\nMODALIAS=nd:t%d\n",
			       ns_is_io(m, obj) ? ND_DEVICE_NAMESPACE_IO : ND_DEVICE_NAMESPACE_PMEM);
	return 0;
}

static const struct attr nd_btt_table[] = {
	ATTR_RW(sector_size, show_btt_sector_size, store_refused),
	ATTR_RW(namespace, show_empty, store_refused),
	ATTR_RW(uuid, show_empty, store_refused),
	ATTR_RO(size, show_enxio),
	ATTR_RO(log_zero_flags, show_empty),
	ATTR_RO(modalias, show_ns_modalias),
	ATTR_RO(devtype, show_pfn_devtype),
	ATTR_RO(numa_node, show_region_node),
	ATTR_RO(target_node, show_region_node),
	ATTR_RW(uevent, show_btt_uevent, store_ignored),
};
const struct attrs nd_btt_attrs = ATTRS(nd_btt_table);

/* ---- /sys/bus/nd/drivers/D ------------------------------------------------------- */

/* bind_store() for dax_pmem: __dax_pmem_probe() on a configured dax seed -
 * the same path as the pmem-namespace-create scenario verb in devdax mode.
 * Anything but a configured dax seed: -ENODEV (no match or probe refused). */
static int store_nd_bind(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	g_autoptr(GError) err = NULL;
	unsigned region, id;
	g_autofree char *s = g_strndup(buf, len);
	struct device *r, *ns;
	struct nd_seeds *cfg;

	if (nd_a(obj) != NDRV_DAX_PMEM)
		return -ENODEV;
	if (sscanf(s, "dax%u.%u", &region, &id) != 2 || !(r = nd_region(m, region)) ||
	    id != nd_dax_seed(m, r))
		return -ENODEV;
	cfg = r->seeds;
	/* nd_pfn_validate()/nd_pfn_init(): a claimed namespace and a uuid. */
	if (!cfg || !cfg->dax_ns[0] || !cfg->dax_uuid[0] || !cfg->ns_size_set)
		return -ENODEV;
	ns = pmem_namespace_create(m, r, false, 0, cfg->ns_size, NS_DEVDAX, &err);
	if (!ns)
		return -ENXIO;
	strcpy(ns->uuid, cfg->ns_uuid);
	strcpy(ns->dax->uuid, cfg->dax_uuid);
	ns->alt_name = g_strdup(cfg->ns_alt_name);
	ns->lbasize = cfg->ns_lbasize ? cfg->ns_lbasize : NS_LBASIZE_NONE;
	memset(cfg, 0, sizeof(*cfg));
	device_log_driver(m, ns->dax, CHANGE_BIND);
	return 0;
}

enum { NDRV_ATTR_BIND, NDRV_ATTR_UEVENT, NDRV_ATTR_UNBIND };

static const struct attr nd_driver_table[] = {
	[NDRV_ATTR_BIND] = ATTR_WO(bind, store_nd_bind),
	[NDRV_ATTR_UEVENT] = ATTR_WO(uevent, store_ignored),
	[NDRV_ATTR_UNBIND] = ATTR_WO(unbind, store_refused),
};
const struct attrs nd_driver_attrs = ATTRS(nd_driver_table);

/* add_bind_files(), drivers/base/bus.c: none for a driver with
 * suppress_bind_attrs, which nd_bus_driver sets (drivers/nvdimm/bus.c, 6.1
 * and 6.12). */
bool nd_driver_attr_visible(uint64_t obj, unsigned i)
{
	return i == NDRV_ATTR_UEVENT || nd_a(obj) != NDRV_ND_BUS;
}

/* /sys/bus/{nd,dax}: bus_attrs */
static int show_one(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		    GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "1\n");
	return 0;
}

static const struct attr nd_bus_root_table[] = {
	ATTR_RW(drivers_autoprobe, show_one, store_refused),
	ATTR_WO(drivers_probe, store_refused),
	ATTR_WO(uevent, store_ignored),
};
const struct attrs nd_bus_root_attrs = ATTRS(nd_bus_root_table);

/* /sys/module/M: what libkmod reads to know a module is loaded. */
static int show_live(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		     GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "live\n");
	return 0;
}

static const struct attr module_table[] = {
	ATTR_RO(initstate, show_live),
	ATTR_RO(refcnt, show_zero),
};
const struct attrs module_attrs = ATTRS(module_table);

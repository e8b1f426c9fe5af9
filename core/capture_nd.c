/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nd regions of a capture.  /proc/iomem shows a pmem range and what is
 * claimed in it; /sys/bus/nd/devices/regionN says which region it is
 * (resource), its bus (the ndbus's provider: "ACPI.NFIT" or "e820"), whether
 * a DIMM labels it (nstype: ND_DEVICE_NAMESPACE_PMEM 2, else IO 4) and its
 * node (target_node), and namespaceN.M whether nd_pmem holds the namespace
 * directly (holder empty: no pfn, btt or dax device claimed it), 6.1 and
 * 6.12.  A region the model cannot take as it is (its namespace in fsdax or
 * devdax, anything else claimed in it) gets no entry: it is then served as
 * an unbound region, as before.
 */
#include "capture_nd.h"

#include <inttypes.h>
#include <string.h>

#include "jsonutil.h"
#include "numbered_name.h"

/* ND_DEVICE_NAMESPACE_PMEM, include/uapi/linux/ndctl.h */
#define NSTYPE_PMEM 2

/* The top-level iomem entry at start, or NULL. */
static json_object *top_level_at(json_object *fixture, uint64_t start)
{
	json_object *iomem;

	if (!json_object_object_get_ex(fixture, "iomem", &iomem))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(iomem); i++) {
		json_object *r = json_object_array_get_idx(iomem, i), *v;
		uint64_t s;

		if (json_object_object_get_ex(r, "start", &v) &&
		    parse_u64_exact(json_object_get_string(v), "0x%" PRIx64, 16, &s) && s == start)
			return r;
	}
	return NULL;
}

static const char *entry_name(json_object *r)
{
	json_object *v;

	return json_object_object_get_ex(r, "name", &v) ? json_object_get_string(v) : "";
}

/* The namespace nd_pmem claimed raw in the range, "" for none, NULL when
 * the range holds something else. */
static const char *raw_claim(const struct sysdir *nd, json_object *range, GError **err,
			     bool *failed)
{
	json_object *kids;
	const char *name;
	g_autofree char *rel = NULL, *holder = NULL;

	*failed = false;
	if (!json_object_object_get_ex(range, "children", &kids) || !json_object_array_length(kids))
		return "";
	name = entry_name(json_object_array_get_idx(kids, 0));
	if (json_object_array_length(kids) != 1 || strncmp(name, "namespace", 9))
		return NULL;
	rel = g_strdup_printf("%s/holder", name);
	holder = sysdir_read_attr(nd, rel, err);
	if (!holder) {
		*failed = true;
		return NULL;
	}
	return holder[0] ? NULL : name;
}

/* One region's entry, NULL when it cannot be bound (or with *err). */
static json_object *region_entry(const struct sysdir *nd, const char *region,
				 json_object *fixture, GError **err)
{
	g_autofree char *p_res = g_strdup_printf("%s/resource", region);
	g_autofree char *p_type = g_strdup_printf("%s/nstype", region);
	g_autofree char *p_node = g_strdup_printf("%s/target_node", region);
	g_autofree char *p_bus = g_strdup_printf("%s/../provider", region);
	g_autofree char *res = NULL, *nstype = NULL, *node = NULL, *provider = NULL;
	json_object *range, *o;
	const char *ns;
	uint64_t start, type;
	int64_t nid;
	bool nfit, failed;

	if (!(res = sysdir_read_attr(nd, p_res, err)) || !(nstype = sysdir_read_attr(nd, p_type, err)) ||
	    !(node = sysdir_read_attr(nd, p_node, err)) || !(provider = sysdir_read_attr(nd, p_bus, err)))
		return NULL;
	/* region_resource_show(): "%#llx"; nstype_show(), target_node_show(): "%d" */
	if (!parse_u64_exact(res, "%#" PRIx64, 16, &start) ||
	    !parse_u64_exact(nstype, "%" PRIu64, 10, &type)) {
		g_autofree char *path = sysdir_path(nd, region);

		capture_malformed(err, path, "resource \"%s\" or nstype \"%s\" is not what the kernel "
				  "prints", res, nstype);
		return NULL;
	}
	if (strcmp(provider, "ACPI.NFIT") && strcmp(provider, "e820"))
		return NULL;      /* nfit_test, virtio-pmem, of_pmem: not modelled */
	nfit = !strcmp(provider, "ACPI.NFIT");
	range = top_level_at(fixture, start);
	if (!range)
		return NULL;
	ns = raw_claim(nd, range, err, &failed);
	if (!ns || failed)
		return NULL;
	nid = g_ascii_strtoll(node, NULL, 10);
	o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("nd-region"));
	json_object_object_add(o, "region", json_object_new_string(region));
	json_object_object_add(o, "bus", json_object_new_string(nfit ? "nfit" : "e820"));
	json_object_object_add(o, "start", json_hex(start));
	if (nfit)
		json_object_object_add(o, "labels", json_object_new_boolean(type == NSTYPE_PMEM));
	if (ns[0]) {
		json_object_object_add(o, "namespace", json_object_new_string(ns));
		json_object_object_add(o, "mode", json_object_new_string("raw"));
	}
	/* target_node: NUMA_NO_NODE (-1) where the firmware gives none */
	json_object_object_add(o, "node", json_object_new_int(nid < 0 ? 0 : (int)nid));
	return o;
}

static gint name_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int capture_nd_regions(const struct sysdir *root, json_object *fixture, GError **err)
{
	struct sysdir nd = { .fd = -1 };
	int present = sysdir_open_dir(root, "sys/bus/nd/devices", &nd, err);
	g_autoptr(GPtrArray) names = NULL;
	json_object *devices;
	int ret = -1;

	if (present <= 0)
		return present;
	names = sysdir_list(&nd, err);
	if (!names)
		goto out;
	g_ptr_array_sort(names, name_cmp);
	devices = json_object_new_array();
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index(names, i);
		json_object *e;
		uint64_t id;

		if (!parse_numbered_name(name, "region", &id))
			continue;
		e = region_entry(&nd, name, fixture, err);
		if (err && *err) {
			json_object_put(devices);
			goto out;
		}
		if (e)
			json_object_array_add(devices, e);
	}
	if (json_object_array_length(devices))
		json_object_object_add(fixture, "devices", devices);
	else
		json_object_put(devices);
	ret = 1;
out:
	sysdir_close(&nd);
	return ret;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fixture files (docs/fixture-format.md): JSON read with json-c in strict
 * mode, checked key by key into struct fixture.  Every problem becomes one
 * FIXTURE_ERROR reading "FILE: JSON-PATH: reason"; nothing is guessed, since
 * a typo must never silently change the machine.  Conflicts that only the
 * resource tree can detect (boot-form resources) are left to machine_boot,
 * which reports them with the paths kept here.
 */
#include "fixture.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "e820.h"
#include "numbered_name.h"
#include "ops.h"
#include "resource.h"
#include "resource_defaults.h"
#include "size.h"
#include "units.h"

G_DEFINE_QUARK(hotplugfs-fixture-error-quark, fixture_error)

uint64_t fixture_overlap_steps;

/* Deep enough for any /proc/iomem tree (real ones nest about 6 levels). */
#define JSON_DEPTH 128
#define MAX_BLOCK_NODES ((int)G_N_ELEMENTS(((struct fx_blocks *)0)->nids))

struct ctx {
	const char *file;
	struct fixture *fx;
	GError **err;
};

/* An enum word and its value. */
struct word {
	const char *word;
	uint32_t value;
};

/* An address range or a run of block ids, for the ordering checks. */
struct span {
	uint64_t start, end;          /* inclusive */
	const char *path;
};

/* An object that is nothing but a range. */
static const char *const range_keys[] = { "start", "size", "end", NULL };

/* ------------------------------------------------------------------ */
/* Errors                                                              */

/* The one place messages are made: "FILE: PATH[.KEY]: reason". */
G_GNUC_PRINTF(4, 5)
static bool fail(struct ctx *c, const char *path, const char *key, const char *fmt, ...)
{
	g_autofree char *reason = NULL;
	va_list ap;

	va_start(ap, fmt);
	reason = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(c->err, FIXTURE_ERROR, FIXTURE_ERROR_INVALID, "%s: %s%s%s: %s", c->file, path,
		    key ? "." : "", key ? key : "", reason);
	return false;
}

static const char *type_word(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a fraction";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	return "something else";
}

static bool expect(struct ctx *c, json_object *v, enum json_type t, const char *what,
		   const char *path, const char *key)
{
	if (json_object_is_type(v, t))
		return true;
	return fail(c, path, key, "expected %s, found %s", what, type_word(v));
}

static char *span_text(const struct span *s, bool blocks)
{
	if (blocks)
		return g_strdup_printf("blocks %" PRIu64 "-%" PRIu64, s->start, s->end);
	return g_strdup_printf("0x%" PRIx64 "-0x%" PRIx64, s->start, s->end);
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

/* Like json_object_object_get_ex: true when the key is there, even as null. */
static bool has(json_object *o, const char *key, json_object **v)
{
	return json_object_object_get_ex(o, key, v);
}

static bool require(struct ctx *c, json_object *o, const char *path, const char *key,
		    json_object **v)
{
	if (has(o, key, v))
		return true;
	return fail(c, path, NULL, "missing required key \"%s\"", key);
}

/* Unknown keys are errors so that a misspelt key is never ignored. */
static bool check_keys(struct ctx *c, json_object *o, const char *path,
		       const char *const *allowed)
{
	struct json_object_iter it;

	json_object_object_foreachC(o, it) {
		const char *const *a = allowed;

		while (*a && strcmp(*a, it.key))
			a++;
		if (!*a)
			return fail(c, path, it.key, "unknown key");
	}
	return true;
}

static bool read_object(struct ctx *c, json_object *v, const char *path, const char *key,
			const char *const *allowed)
{
	g_autofree char *full = NULL;

	if (!expect(c, v, json_type_object, "an object", path, key))
		return false;
	full = key ? g_strdup_printf("%s.%s", path, key) : g_strdup(path);
	return check_keys(c, v, full, allowed);
}

static bool read_uint(struct ctx *c, json_object *v, const char *path, const char *key,
		      uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t u;

	if (!expect(c, v, json_type_int, "an integer", path, key))
		return false;
	if (json_object_get_int64(v) < 0)
		return fail(c, path, key, "%" PRId64 " is negative", json_object_get_int64(v));
	u = json_object_get_uint64(v);
	if (u < min)
		return fail(c, path, key, "%" PRIu64 " is below the minimum %" PRIu64, u, min);
	if (u > max)
		return fail(c, path, key, "%" PRIu64 " is above the maximum %" PRIu64, u, max);
	*out = u;
	return true;
}

static bool read_bool(struct ctx *c, json_object *v, const char *path, const char *key,
		      bool *out)
{
	if (!expect(c, v, json_type_boolean, "a boolean", path, key))
		return false;
	*out = json_object_get_boolean(v);
	return true;
}

static bool read_string(struct ctx *c, json_object *v, const char *path, const char *key,
			const char **out)
{
	if (!expect(c, v, json_type_string, "a string", path, key))
		return false;
	*out = json_object_get_string(v);
	return true;
}

static bool read_size(struct ctx *c, json_object *v, const char *path, const char *key,
		      uint64_t *out)
{
	const char *s;

	if (json_object_is_type(v, json_type_int))
		return read_uint(c, v, path, key, 0, UINT64_MAX, out);
	if (!expect(c, v, json_type_string, "a size (a string or a non-negative integer)", path,
		    key))
		return false;
	s = json_object_get_string(v);
	if (!parse_size(s, out))
		return fail(c, path, key, "\"%s\" is not a size (0x hex, decimal, or K/M/G/T suffix)",
			    s);
	return true;
}

static bool unknown_word(struct ctx *c, const char *path, const char *key, const char *what,
			 const char *s, const char *expected)
{
	return fail(c, path, key, "unknown %s \"%s\" (expected %s)", what, s, expected);
}

/* One word of a table; the error lists the words. */
static bool read_word(struct ctx *c, json_object *v, const char *path, const char *key,
		      const char *what, const struct word *t, size_t n, uint32_t *out)
{
	g_autoptr(GString) list = NULL;
	const char *s;

	if (!read_string(c, v, path, key, &s))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(t[i].word, s)) {
			*out = t[i].value;
			return true;
		}
	}
	list = g_string_new(NULL);
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(list, "%s%s", i ? ", " : "", t[i].word);
	return unknown_word(c, path, key, what, s, list->str);
}
#define WORDS(t) (t), G_N_ELEMENTS(t)

/* One word of an enumeration's string table (core/strtab.h). */
static bool read_table_word(struct ctx *c, json_object *v, const char *path, const char *key,
			    const char *what, const char *const *t, size_t n, uint32_t *out)
{
	g_autoptr(GString) list = NULL;
	const char *s;
	int i;

	if (!read_string(c, v, path, key, &s))
		return false;
	i = string_table_lookup(t, n, s, strlen(s), false);
	if (i >= 0) {
		*out = (uint32_t)i;
		return true;
	}
	list = g_string_new(NULL);
	for (size_t k = 0; k < n; k++)
		g_string_append_printf(list, "%s%s", k ? ", " : "", t[k]);
	return unknown_word(c, path, key, what, s, list->str);
}
#define TABLE(name) name##_table, STRTAB_LEN(name##_table)

/* start with size or end (inclusive): the one range reader. */
static bool read_range(struct ctx *c, json_object *o, const char *path, uint64_t *start,
		       uint64_t *end)
{
	json_object *v, *vsize, *vend;
	bool with_size = has(o, "size", &vsize), with_end = has(o, "end", &vend);
	uint64_t size;

	if (!require(c, o, path, "start", &v) || !read_size(c, v, path, "start", start))
		return false;
	if (with_size && with_end)
		return fail(c, path, NULL, "both size and end given (give one)");
	if (!with_size && !with_end)
		return fail(c, path, NULL, "neither size nor end given");
	if (with_end) {
		if (!read_size(c, vend, path, "end", end))
			return false;
		if (*end < *start)
			return fail(c, path, "end", "end 0x%" PRIx64 " is below start 0x%" PRIx64,
				    *end, *start);
		return true;
	}
	if (!read_size(c, vsize, path, "size", &size))
		return false;
	if (!size)
		return fail(c, path, "size", "size is 0");
	if (size - 1 > UINT64_MAX - *start)
		return fail(c, path, "size", "0x%" PRIx64 " + 0x%" PRIx64 " is beyond 64 bits",
			    *start, size);
	*end = *start + size - 1;
	return true;
}

typedef bool (*read_element_fn)(struct ctx *c, json_object *v, const char *path, void *out);

/* Calls fn for every element with its path "PATH.KEY[i]". */
static bool read_array(struct ctx *c, json_object *v, const char *path, const char *key,
		       read_element_fn fn, void *out)
{
	g_autofree char *base = key ? g_strdup_printf("%s.%s", path, key) : g_strdup(path);

	if (!expect(c, v, json_type_array, "an array", path, key))
		return false;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		g_autofree char *p = g_strdup_printf("%s[%zu]", base, i);

		if (!fn(c, json_object_array_get_idx(v, i), p, out))
			return false;
	}
	return true;
}

/* Two sizes around the one-character separator at sep (a pointer into s). */
static bool split_sizes(const char *s, const char *sep, uint64_t *a, uint64_t *b)
{
	g_autofree char *left = g_strndup(s, (gsize)(sep - s));

	return parse_size(left, a) && parse_size(sep + 1, b);
}

/* ------------------------------------------------------------------ */
/* Ordering checks                                                     */

static bool spans_overlap(const struct span *a, const struct span *b)
{
	return a->start <= b->end && b->start <= a->end;
}

/* A span's place in address order. */
struct ranked {
	uint64_t start, end;
	size_t index;                 /* in the table */
};

static int by_start(const void *a, const void *b)
{
	uint64_t x = ((const struct ranked *)a)->start, y = ((const struct ranked *)b)->start;

	fixture_overlap_steps++;
	return x < y ? -1 : x > y;
}

/* Whether two of the first n entries of the table overlap: one sweep in
 * address order, remembering the highest end so far. */
static bool prefix_overlaps(const struct ranked *sorted, size_t total, size_t n)
{
	bool any = false;
	uint64_t max_end = 0;

	for (size_t k = 0; k < total; k++) {
		fixture_overlap_steps++;
		if (sorted[k].index >= n)
			continue;
		if (any && sorted[k].start <= max_end)
			return true;
		max_end = any ? MAX(max_end, sorted[k].end) : sorted[k].end;
		any = true;
	}
	return false;
}

/*
 * Entries of a table (any order) must not share an address.  The error
 * names the first entry that overlaps an earlier one, and the earliest of
 * those: the shortest prefix of the table with an overlap, found by
 * bisection over sweeps of one sort (n log n).
 */
static bool check_disjoint(struct ctx *c, const struct span *s, size_t n)
{
	g_autofree struct ranked *sorted = g_new(struct ranked, n ? n : 1);
	g_autofree char *a = NULL, *b = NULL;
	size_t lo = 1, hi = n;

	for (size_t i = 0; i < n; i++)
		sorted[i] = (struct ranked){ s[i].start, s[i].end, i };
	qsort(sorted, n, sizeof(*sorted), by_start);
	if (!prefix_overlaps(sorted, n, n))
		return true;
	/* The shortest overlapping prefix has hi entries: its last one is it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (prefix_overlaps(sorted, n, mid))
			hi = mid;
		else
			lo = mid + 1;
	}
	for (size_t j = 0; j + 1 < hi; j++) {
		fixture_overlap_steps++;
		if (!spans_overlap(&s[hi - 1], &s[j]))
			continue;
		a = span_text(&s[hi - 1], false);
		b = span_text(&s[j], false);
		return fail(c, s[hi - 1].path, NULL, "%s overlaps %s (%s)", a, s[j].path, b);
	}
	g_assert_not_reached();
}

/* Siblings of a literal tree and block runs: ascending and disjoint. */
static bool check_ascending(struct ctx *c, const struct span *s, size_t n, bool blocks,
			    const char *overlap_reason)
{
	for (size_t i = 1; i < n; i++) {
		g_autofree char *a = span_text(&s[i], blocks), *b = span_text(&s[i - 1], blocks);

		if (s[i].start > s[i - 1].end)
			continue;
		if (s[i].end < s[i - 1].start)
			return fail(c, s[i].path, NULL, "%s comes after %s (%s): %s", a,
				    s[i - 1].path, b, "must be in ascending order");
		return fail(c, s[i].path, NULL, "%s overlaps %s (%s): %s", a, s[i - 1].path, b,
			    overlap_reason);
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Word tables                                                         */

static const struct word e820_words[] = {
	{ "ram", E820_TYPE_RAM }, { "reserved", E820_TYPE_RESERVED }, { "acpi", E820_TYPE_ACPI },
	{ "nvs", E820_TYPE_NVS }, { "unusable", E820_TYPE_UNUSABLE }, { "pmem", E820_TYPE_PMEM },
	{ "pram", E820_TYPE_PRAM }, { "soft-reserved", E820_TYPE_SOFT_RESERVED },
	{ "reserved-kern", E820_TYPE_RESERVED_KERN },
};

static const struct word place_words[] = {
	{ "insert", FX_INSERT }, { "request", FX_REQUEST }, { "region", FX_REGION },
	{ "expand", FX_EXPAND },
};

static const struct word flag_words[] = {
	{ "mem", IORESOURCE_MEM }, { "io", IORESOURCE_IO }, { "busy", IORESOURCE_BUSY },
	{ "sysram", IORESOURCE_SYSRAM },
	{ "driver_managed", IORESOURCE_SYSRAM_DRIVER_MANAGED },
	{ "mergeable", IORESOURCE_SYSRAM_MERGEABLE }, { "exclusive", IORESOURCE_EXCLUSIVE },
	{ "window", IORESOURCE_WINDOW }, { "prefetch", IORESOURCE_PREFETCH },
	{ "mem_64", IORESOURCE_MEM_64 }, { "disabled", IORESOURCE_DISABLED },
};


/* ------------------------------------------------------------------ */
/* Freeing                                                             */

static void fx_resource_free(gpointer p)
{
	struct fx_resource *r = p;

	if (!r)
		return;
	g_free(r->name);
	g_free(r->path);
	if (r->children)
		g_ptr_array_unref(r->children);
	g_free(r);
}

static void clear_e820(gpointer p)
{
	g_free(((struct fx_e820 *)p)->path);
}

static void clear_numa(gpointer p)
{
	g_free(((struct fx_numa *)p)->path);
}

static void clear_fwmap(gpointer p)
{
	struct fx_fwmap *e = p;

	g_free(e->type);
	g_free(e->path);
}

static void clear_fault_run(gpointer p)
{
	g_free(((struct fx_fault_run *)p)->path);
}

static void clear_blocks(gpointer p)
{
	struct fx_blocks *b = p;

	g_free(b->valid_zones);
	g_free(b->firmware_node);
	g_free(b->path);
}

static void clear_group(gpointer p)
{
	g_free(((struct fx_group *)p)->path);
}

static void clear_device(gpointer p)
{
	struct fx_device *d = p;

	g_free(d->resource);
	g_free(d->region);
	g_free(d->ns);
	g_free(d->path);
}

static GArray *array_new(size_t elt, GDestroyNotify clear)
{
	GArray *a = g_array_new(FALSE, TRUE, (guint)elt);

	g_array_set_clear_func(a, clear);
	return a;
}

void fixture_free(struct fixture *fx)
{
	if (!fx)
		return;
	g_free(fx->file);
	g_free(fx->description);
	g_free(fx->block_size_path);
	g_free(fx->crash_path);
	g_free(fx->cmdline);
	if (fx->e820)
		g_array_unref(fx->e820);
	if (fx->memmap)
		g_ptr_array_unref(fx->memmap);
	if (fx->numa)
		g_array_unref(fx->numa);
	if (fx->resources)
		g_ptr_array_unref(fx->resources);
	if (fx->late_resources)
		g_ptr_array_unref(fx->late_resources);
	if (fx->early_resources)
		g_ptr_array_unref(fx->early_resources);
	if (fx->fault_runs)
		g_array_unref(fx->fault_runs);
	if (fx->hwpoison)
		g_array_unref(fx->hwpoison);
	if (fx->iomem)
		g_ptr_array_unref(fx->iomem);
	if (fx->firmware_memmap)
		g_array_unref(fx->firmware_memmap);
	if (fx->memory_blocks)
		g_array_unref(fx->memory_blocks);
	if (fx->memory_groups)
		g_array_unref(fx->memory_groups);
	if (fx->devices)
		g_array_unref(fx->devices);
	json_object_put(fx->scenario);
	if (fx->scenario_expect)
		g_array_unref(fx->scenario_expect);
	g_free(fx);
}

/* ------------------------------------------------------------------ */
/* Top-level scalars                                                   */

static bool read_block_size(struct ctx *c, json_object *v)
{
	struct fixture *fx = c->fx;
	uint64_t bs, min = profile_section_size(&fx->profile);

	if (!read_size(c, v, "$", "block_size", &bs))
		return false;
	if (bs & (bs - 1) || !bs)
		return fail(c, "$", "block_size", "0x%" PRIx64 " is not a power of two", bs);
	if (bs < min)
		return fail(c, "$", "block_size",
			    "0x%" PRIx64 " is smaller than the section size 0x%" PRIx64 " of %s", bs,
			    min, profile_arch_name(fx->profile.arch));
	fx->block_size = bs;
	fx->block_size_path = g_strdup("$.block_size");
	return true;
}

static bool read_memory_hotplug(struct ctx *c, json_object *o)
{
	static const char *const keys[] = { "auto_online_blocks", "online_policy",
		"auto_movable_ratio", "auto_movable_numa_aware", "memmap_on_memory", "movable_node",
		"probe", NULL };
	static const char path[] = "$.memory_hotplug";
	struct hotplug_params *p = &c->fx->params;
	json_object *v;
	uint32_t w;
	uint64_t u;

	if (!read_object(c, o, "$", "memory_hotplug", keys))
		return false;
	if (has(o, "auto_online_blocks", &v)) {
		if (!read_table_word(c, v, path, "auto_online_blocks", "auto_online_blocks",
				     TABLE(mmop), &w))
			return false;
		p->auto_online = w;
	}
	if (has(o, "online_policy", &v)) {
		if (!read_table_word(c, v, path, "online_policy", "online_policy", TABLE(online_policy),
				     &w))
			return false;
		p->online_policy = w;
	}
	if (has(o, "auto_movable_ratio", &v)) {
		if (!read_uint(c, v, path, "auto_movable_ratio", 0, UINT_MAX, &u))
			return false;
		p->auto_movable_ratio = (unsigned)u;
	}
	if (has(o, "auto_movable_numa_aware", &v) &&
	    !read_bool(c, v, path, "auto_movable_numa_aware", &p->auto_movable_numa_aware))
		return false;
	if (has(o, "memmap_on_memory", &v)) {
		if (!read_table_word(c, v, path, "memmap_on_memory", "memmap_on_memory",
				     TABLE(memmap_on_memory), &w))
			return false;
		if (w == MEMMAP_ON_MEMORY_FORCE && !profile_has_memmap_force(&c->fx->profile))
			return fail(c, path, "memmap_on_memory",
				    "\"force\" needs kernel 6.6 or later (this is %u.%u)",
				    c->fx->profile.kernel / 100, c->fx->profile.kernel % 100);
		p->memmap_on_memory = w;
	}
	if (has(o, "movable_node", &v) && !read_bool(c, v, path, "movable_node", &p->movable_node))
		return false;
	if (has(o, "probe", &v) && !read_bool(c, v, path, "probe", &c->fx->profile.memory_probe))
		return false;
	return true;
}

/* Version, description, kernel, arch and parameters: everything later depends on them. */
static bool read_header(struct ctx *c, json_object *root)
{
	static const char *const keys[] = { "hotplugfs-fixture", "description", "kernel", "arch",
		"hypervisor", "block_size", "memory_hotplug", "cpus", "cmdline", "e820", "memmap",
		"mem", "numa", "kernel_image", "crashkernel", "early_resources", "resources",
		"late_resources", "memory_blocks", "memory_groups", "iomem", "firmware_memmap", "faults", "devices",
		"pm_advanced_debug", "device_backed_vmemmap", "scenario", "la57", NULL };
	struct fixture *fx = c->fx;
	json_object *v;
	const char *s;
	uint64_t u;

	/* The version first: a newer file is expected to have keys we do not know. */
	if (!require(c, root, "$", "hotplugfs-fixture", &v) ||
	    !expect(c, v, json_type_int, "an integer", "$", "hotplugfs-fixture"))
		return false;
	if (json_object_get_int64(v) != FIXTURE_FORMAT)
		return fail(c, "$", "hotplugfs-fixture",
			    "unsupported format version %" PRId64 " (this hotplugfs reads %d)",
			    json_object_get_int64(v), FIXTURE_FORMAT);
	if (!check_keys(c, root, "$", keys))
		return false;
	if (!require(c, root, "$", "description", &v) || !read_string(c, v, "$", "description", &s))
		return false;
	fx->description = g_strdup(s);

	if (has(root, "kernel", &v)) {
		if (!read_string(c, v, "$", "kernel", &s))
			return false;
		if (!profile_parse_kernel(s, &fx->profile.kernel))
			return unknown_word(c, "$", "kernel", "kernel", s, "MAJOR.MINOR such as 6.1 or 6.12");
	}
	if (has(root, "arch", &v)) {
		if (!read_string(c, v, "$", "arch", &s))
			return false;
		if (!profile_parse_arch(s, &fx->profile.arch))
			return unknown_word(c, "$", "arch", "arch", s, "x86_64, s390x, aarch64");
	}
	fx->params.auto_online = profile_onlines_by_default(&fx->profile) ? MMOP_ONLINE : MMOP_OFFLINE;
	if (has(root, "la57", &v)) {
		if (!read_bool(c, v, "$", "la57", &fx->profile.la57))
			return false;
		if (fx->profile.la57 && fx->profile.arch != ARCH_X86_64)
			return fail(c, "$", "la57", "5-level paging is an x86_64 feature (this is %s)",
				    profile_arch_name(fx->profile.arch));
	}

	if (has(root, "hypervisor", &v) && !read_bool(c, v, "$", "hypervisor", &fx->hypervisor))
		return false;
	if (has(root, "pm_advanced_debug", &v) &&
	    !read_bool(c, v, "$", "pm_advanced_debug", &fx->profile.pm_advanced_debug))
		return false;
	if (has(root, "device_backed_vmemmap", &v) &&
	    !read_bool(c, v, "$", "device_backed_vmemmap", &fx->profile.device_backed_vmemmap))
		return false;
	if (has(root, "block_size", &v) && !read_block_size(c, v))
		return false;
	if (has(root, "memory_hotplug", &v) && !read_memory_hotplug(c, v))
		return false;
	if (has(root, "cpus", &v)) {
		if (!read_uint(c, v, "$", "cpus", 1, 8192, &u))
			return false;
		fx->cpus = (unsigned)u;
	}
	if (has(root, "cmdline", &v)) {
		if (!read_string(c, v, "$", "cmdline", &s))
			return false;
		if (strlen(s) >= profile_command_line_size(&fx->profile))
			return fail(c, "$", "cmdline", "%zu characters: longer than COMMAND_LINE_SIZE "
				    "- 1 (%u characters on %s)", strlen(s),
				    profile_command_line_size(&fx->profile) - 1,
				    profile_arch_name(fx->profile.arch));
		fx->cmdline = g_strdup(s);
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Boot form                                                           */

static bool read_e820_entry(struct ctx *c, json_object *o, const char *path, void *out)
{
	static const char *const keys[] = { "start", "size", "end", "type", NULL };
	struct fx_e820 e = { 0 };
	json_object *v;
	uint64_t end, u;

	if (!read_object(c, o, path, NULL, keys) || !read_range(c, o, path, &e.start, &end) ||
	    !require(c, o, path, "type", &v))
		return false;
	e.size = end - e.start + 1;  /* 0 for a range reaching 2^64, which e820 cannot hold */
	if (!e.size)
		return fail(c, path, NULL, "a range ending at 2^64 is not an e820 entry");
	if (json_object_is_type(v, json_type_int)) {
		if (!read_uint(c, v, path, "type", 0, UINT32_MAX, &u))
			return false;
		e.type = (uint32_t)u;
	} else if (!read_word(c, v, path, "type", "e820 type", WORDS(e820_words), &e.type)) {
		return false;
	}
	e.path = g_strdup(path);
	g_array_append_val(out, e);
	return true;
}

static bool read_memmap_edit(struct ctx *c, json_object *v, const char *path, void *out)
{
	GPtrArray *edits = out;
	const char *s, *sep;
	uint64_t size, start;
	size_t line;

	if (!read_string(c, v, path, NULL, &s))
		return false;
	sep = strpbrk(s, "!$#@");
	line = strlen(" memmap=") + strlen(s);
	if (!sep || !split_sizes(s, sep, &size, &start) || !size)
		return fail(c, path, NULL,
			    "\"%s\" is not SIZE!START, SIZE$START, SIZE#START or SIZE@START", s);
	/* Each is a memmap= option of the command line, which has to hold them. */
	for (guint i = 0; i < edits->len; i++)
		line += strlen(" memmap=") + strlen(g_ptr_array_index(edits, i));
	if (line >= profile_command_line_size(&c->fx->profile))
		return fail(c, path, NULL, "the kernel command line would be longer than "
			    "COMMAND_LINE_SIZE - 1 (%u characters on %s)",
			    profile_command_line_size(&c->fx->profile) - 1,
			    profile_arch_name(c->fx->profile.arch));
	g_ptr_array_add(edits, g_strdup(s));
	return true;
}

static bool read_numa_range(struct ctx *c, json_object *o, const char *path, void *out)
{
	static const char *const keys[] = { "node", "start", "size", "end", NULL };
	struct fx_numa n = { 0 };
	json_object *v;
	uint64_t nid;

	if (!read_object(c, o, path, NULL, keys) || !require(c, o, path, "node", &v) ||
	    !read_uint(c, v, path, "node", 0, MAX_NUMNODES - 1, &nid) ||
	    !read_range(c, o, path, &n.start, &n.end))
		return false;
	n.nid = (int)nid;
	n.path = g_strdup(path);
	g_array_append_val(out, n);
	return true;
}

static bool read_kernel_image(struct ctx *c, json_object *o)
{
	static const char *const keys[] = { "code", "rodata", "data", "bss", NULL };
	struct fx_range *ranges[] = { &c->fx->kernel_code, &c->fx->kernel_rodata,
				      &c->fx->kernel_data, &c->fx->kernel_bss };
	json_object *v;

	if (!read_object(c, o, "$", "kernel_image", keys))
		return false;
	for (size_t i = 0; i < G_N_ELEMENTS(ranges); i++) {
		g_autofree char *path = g_strdup_printf("$.kernel_image.%s", keys[i]);

		if (!has(o, keys[i], &v))
			continue;
		if (!read_object(c, v, path, NULL, range_keys) ||
		    !read_range(c, v, path, &ranges[i]->start, &ranges[i]->end))
			return false;
	}
	return true;
}

static bool read_crashkernel(struct ctx *c, json_object *v)
{
	struct fixture *fx = c->fx;
	const char *s;
	bool ok;

	if (!read_string(c, v, "$", "crashkernel", &s))
		return false;
	if (g_str_has_suffix(s, ",high")) {
		g_autofree char *size = g_strndup(s, strlen(s) - strlen(",high"));

		ok = parse_size(size, &fx->crash_size);
		fx->crash_high = true;
	} else if (strchr(s, '@')) {
		ok = split_sizes(s, strchr(s, '@'), &fx->crash_size, &fx->crash_base);
	} else {
		ok = parse_size(s, &fx->crash_size);
	}
	if (!ok || !fx->crash_size)
		return fail(c, "$", "crashkernel", "\"%s\" is not SIZE, SIZE@BASE or SIZE,high", s);
	fx->crash_path = g_strdup("$.crashkernel");
	return true;
}

/* ------------------------------------------------------------------ */
/* Resources (boot form) and the iomem tree (literal form)             */

static bool read_flags(struct ctx *c, json_object *v, const char *path, uint32_t *flags)
{
	uint64_t u;

	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);

		if (!g_str_has_prefix(s, "0x") || !parse_size(s, &u) || u > UINT32_MAX)
			return fail(c, path, "flags", "\"%s\" is not a 32-bit 0x number", s);
		*flags = (uint32_t)u;
		return true;
	}
	if (!expect(c, v, json_type_array, "an array of flag names or a 0x number", path,
		    "flags"))
		return false;
	*flags = 0;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		g_autofree char *p = g_strdup_printf("%s.flags[%zu]", path, i);
		uint32_t f;

		if (!read_word(c, json_object_array_get_idx(v, i), p, NULL, "flag",
			       WORDS(flag_words), &f))
			return false;
		*flags |= f;
	}
	return true;
}

/* A literal tree is taken as is, so it must already be a valid tree. */
static bool check_children(struct ctx *c, const struct fx_resource *parent, GPtrArray *children)
{
	g_autofree struct span *s = g_new(struct span, children->len ? children->len : 1);

	for (guint i = 0; i < children->len; i++) {
		const struct fx_resource *r = g_ptr_array_index(children, i);

		s[i] = (struct span){ r->start, r->end, r->path };
		if (parent && (r->start < parent->start || r->end > parent->end)) {
			bool outside = r->end < parent->start || r->start > parent->end;

			return fail(c, r->path, NULL,
				    "0x%" PRIx64 "-0x%" PRIx64 " %s its parent 0x%" PRIx64 "-0x%" PRIx64
				    "%s", r->start, r->end, outside ? "lies outside" : "straddles",
				    parent->start, parent->end,
				    outside ? "" : ": overlapping ranges that cannot nest");
		}
	}
	return check_ascending(c, s, children->len, false, "overlapping ranges that cannot nest");
}

static bool read_boot_resource(struct ctx *c, json_object *o, const char *path, void *out);
static bool read_literal_resource(struct ctx *c, json_object *o, const char *path, void *out);

static bool read_resource(struct ctx *c, json_object *o, const char *path, GPtrArray *out,
			  bool literal)
{
	static const char *const boot_keys[] = { "name", "start", "size", "end", "place", "flags",
		"desc", "children", NULL };
	static const char *const literal_keys[] = { "name", "start", "size", "end", "flags",
		"desc", "children", NULL };
	g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func(fx_resource_free);
	struct fx_resource *r;
	json_object *v;
	const char *name;
	uint32_t w;

	if (!read_object(c, o, path, NULL, literal ? literal_keys : boot_keys) ||
	    !require(c, o, path, "name", &v) || !read_string(c, v, path, "name", &name))
		return false;
	r = g_new0(struct fx_resource, 1);
	g_ptr_array_add(out, r);
	r->name = g_strdup(name);
	r->path = g_strdup(path);
	r->placement = FX_INSERT;
	resource_default_flags(name, &r->flags, &r->desc);
	r->children = g_ptr_array_ref(children);
	if (!read_range(c, o, path, &r->start, &r->end))
		return false;
	if (has(o, "place", &v)) {
		if (!read_word(c, v, path, "place", "place", WORDS(place_words), &w))
			return false;
		r->placement = w;
	}
	if (has(o, "flags", &v) && !read_flags(c, v, path, &r->flags))
		return false;
	if (has(o, "desc", &v)) {
		if (!read_table_word(c, v, path, "desc", "desc", TABLE(iores_desc), &w))
			return false;
		r->desc = (int)w;
	}
	if (!has(o, "children", &v))
		return true;
	if (literal)
		return read_array(c, v, path, "children", read_literal_resource, children) &&
		       check_children(c, r, children);
	return read_array(c, v, path, "children", read_boot_resource, children);
}

static bool read_boot_resource(struct ctx *c, json_object *o, const char *path, void *out)
{
	return read_resource(c, o, path, out, false);
}

static bool read_literal_resource(struct ctx *c, json_object *o, const char *path, void *out)
{
	return read_resource(c, o, path, out, true);
}

/* ------------------------------------------------------------------ */
/* Literal form                                                        */

static bool read_fwmap_entry(struct ctx *c, json_object *o, const char *path, void *out)
{
	static const char *const keys[] = { "nr", "start", "size", "end", "type", NULL };
	GArray *a = out;
	struct fx_fwmap e = { 0 };
	json_object *v;
	const char *type;
	uint64_t nr;

	if (!read_object(c, o, path, NULL, keys) || !require(c, o, path, "nr", &v) ||
	    !read_uint(c, v, path, "nr", 0, INT_MAX, &nr) ||
	    !read_range(c, o, path, &e.start, &e.end) || !require(c, o, path, "type", &v) ||
	    !read_string(c, v, path, "type", &type))
		return false;
	if (a->len) {
		const struct fx_fwmap *prev = &g_array_index(a, struct fx_fwmap, a->len - 1);

		if (nr <= prev->nr)
			return fail(c, path, "nr",
				    "%" PRIu64 " is not above %u of %s: numbers must be distinct and ascending",
				    nr, prev->nr, prev->path);
	}
	e.nr = (unsigned)nr;
	e.type = g_strdup(type);
	e.path = g_strdup(path);
	g_array_append_val(a, e);
	return true;
}

/* first/count, or start/size in bytes (then aligned to the block size). */
static bool read_block_ids(struct ctx *c, json_object *o, const char *path, uint64_t *first,
			   uint64_t *count)
{
	uint64_t bs = c->fx->block_size, start, size;
	json_object *v;
	bool by_id = has(o, "first", &v) || has(o, "count", &v);
	bool by_addr = has(o, "start", &v) || has(o, "size", &v);

	if (by_id && by_addr)
		return fail(c, path, NULL, "both first/count and start/size given (give one pair)");
	if (by_id)
		return require(c, o, path, "first", &v) &&
		       read_uint(c, v, path, "first", 0, UINT64_MAX - 1, first) &&
		       require(c, o, path, "count", &v) &&
		       read_uint(c, v, path, "count", 1, UINT64_MAX - *first, count);
	if (!by_addr)
		return fail(c, path, NULL, "missing first/count or start/size");
	if (!require(c, o, path, "start", &v) || !read_size(c, v, path, "start", &start) ||
	    !require(c, o, path, "size", &v) || !read_size(c, v, path, "size", &size))
		return false;
	/* probe_memory_block_size() needs the whole memory map; a captured file states it. */
	if (!bs)
		return fail(c, path, NULL, "start/size need an explicit block_size (or use first/count)");
	if (start % bs)
		return fail(c, path, "start", "0x%" PRIx64 " is not aligned to the block size 0x%" PRIx64,
			    start, bs);
	if (!size)
		return fail(c, path, "size", "size is 0");
	if (size % bs)
		return fail(c, path, "size", "0x%" PRIx64 " is not aligned to the block size 0x%" PRIx64,
			    size, bs);
	*first = start / bs;
	*count = size / bs;
	return true;
}

static bool read_block_nodes(struct ctx *c, json_object *v, const char *path, struct fx_blocks *b)
{
	size_t n;

	if (!expect(c, v, json_type_array, "an array", path, "nodes"))
		return false;
	n = json_object_array_length(v);
	if (!n || n > MAX_BLOCK_NODES)
		return fail(c, path, "nodes", "%zu nodes (give 1 to %d)", n, MAX_BLOCK_NODES);
	for (size_t i = 0; i < n; i++) {
		g_autofree char *p = g_strdup_printf("%s.nodes[%zu]", path, i);
		uint64_t nid;

		if (!read_uint(c, json_object_array_get_idx(v, i), p, NULL, 0, MAX_NUMNODES - 1, &nid))
			return false;
		b->nids[i] = (int)nid;
	}
	b->nr_nids = (int)n;
	return true;
}

static bool read_block_run(struct ctx *c, json_object *o, const char *path, void *out)
{
	static const char *const keys[] = { "first", "count", "start", "size", "state", "nodes",
		"removable", "phys_device", "valid_zones", "group", "memmap_on_memory",
		"firmware_node", NULL };
	struct fx_blocks b = { .state = BLOCK_ONLINE, .removable = true };
	json_object *v;
	const char *s;
	uint32_t w;
	uint64_t u;

	if (!read_object(c, o, path, NULL, keys) || !read_block_ids(c, o, path, &b.first, &b.count))
		return false;
	if (has(o, "state", &v)) {
		if (!read_table_word(c, v, path, "state", "state", TABLE(block_state), &w))
			return false;
		b.state = w;
	}
	if (has(o, "nodes", &v) && !read_block_nodes(c, v, path, &b))
		return false;
	if (has(o, "removable", &v)) {
		if (!read_uint(c, v, path, "removable", 0, 1, &u))
			return false;
		b.removable = u;
	}
	if (has(o, "phys_device", &v)) {
		if (!read_uint(c, v, path, "phys_device", 0, INT32_MAX, &u))
			return false;
		b.phys_device = (int32_t)u;
	}
	if (has(o, "valid_zones", &v)) {
		if (!read_string(c, v, path, "valid_zones", &s))
			return false;
		b.valid_zones = g_strdup(s);
	}
	/* Checked against memory_groups once both are read (check_groups). */
	if (has(o, "group", &v)) {
		if (!read_uint(c, v, path, "group", 0, UINT64_MAX - 1, &b.group)) {
			g_free(b.valid_zones);
			return false;
		}
		b.has_group = true;
	}
	if (has(o, "memmap_on_memory", &v) &&
	    !read_bool(c, v, path, "memmap_on_memory", &b.memmap_on_memory)) {
		g_free(b.valid_zones);
		return false;
	}
	/* The link acpi_bind_memory_blocks() made, as captured (its target
	 * depends on the firmware's ACPI namespace). */
	if (has(o, "firmware_node", &v)) {
		if (!read_string(c, v, path, "firmware_node", &s) ||
		    (!*s && !fail(c, path, "firmware_node", "an empty link target"))) {
			g_free(b.valid_zones);
			return false;
		}
		b.firmware_node = g_strdup(s);
	}
	b.path = g_strdup(path);
	g_array_append_val(out, b);
	return true;
}

/* Pages of one memory block: the literal form's block size is given or the
 * section size (boot_literal). */
static uint64_t block_pages(const struct fixture *fx)
{
	uint64_t bs = fx->block_size ? fx->block_size : profile_section_size(&fx->profile);

	return bs >> PAGE_SHIFT;
}

/* memory_groups[i]: memory_group_register_static() / _dynamic() arguments,
 * mm/memory_hotplug.c 6.1/6.12. */
static bool read_memory_group(struct ctx *c, json_object *o, const char *path, void *out)
{
	static const char *const keys[] = { "first", "type", "node", "max_pages", "unit_pages",
		NULL };
	static const struct word type_words[] = { { "static", 0 }, { "dynamic", 1 } };
	const char *pages_key, *other_key;
	struct fx_group g = { 0 };
	json_object *v;
	uint32_t type;
	uint64_t nid;

	if (!read_object(c, o, path, NULL, keys) || !require(c, o, path, "first", &v) ||
	    !read_uint(c, v, path, "first", 0, UINT64_MAX - 1, &g.first) ||
	    !require(c, o, path, "type", &v) ||
	    !read_word(c, v, path, "type", "group type", WORDS(type_words), &type) ||
	    !require(c, o, path, "node", &v) ||
	    !read_uint(c, v, path, "node", 0, MAX_NUMNODES - 1, &nid))
		return false;
	g.dynamic = type;
	g.nid = (int)nid;
	pages_key = g.dynamic ? "unit_pages" : "max_pages";
	other_key = g.dynamic ? "max_pages" : "unit_pages";
	if (has(o, other_key, &v))
		return fail(c, path, other_key, "only a %s group has %s", g.dynamic ? "static" : "dynamic",
			    other_key);
	if (!require(c, o, path, pages_key, &v) || !read_size(c, v, path, pages_key, &g.pages))
		return false;
	if (!g.pages)
		return fail(c, path, pages_key, "0 pages: memory_group_register() refuses an empty group");
	/* memory_group_register_dynamic(): a power of two of at least a block. */
	if (g.dynamic && (g.pages & (g.pages - 1) || g.pages < block_pages(c->fx)))
		return fail(c, path, pages_key, "0x%" PRIx64 " is not a power of two of at least the "
			    "0x%" PRIx64 " pages of a memory block", g.pages, block_pages(c->fx));
	g.path = g_strdup(path);
	g_array_append_val(out, g);
	return true;
}

/* devices[i] of type virtio-mem: { "resource": "virtioN", "block_size",
 * "plugged_size", "node" } (checked against the machine when it boots). */
static bool read_virtio_mem_device(struct ctx *c, json_object *o, const char *path,
				   struct fx_device *d)
{
	static const char *const keys[] = { "type", "resource", "block_size", "plugged_size",
		"node", NULL };
	json_object *v;
	const char *s;
	uint64_t nid = 0;

	if (!check_keys(c, o, path, keys) || !require(c, o, path, "resource", &v) ||
	    !read_string(c, v, path, "resource", &s))
		return false;
	if (!require(c, o, path, "block_size", &v) || !read_size(c, v, path, "block_size", &d->block_size) ||
	    !require(c, o, path, "plugged_size", &v) ||
	    !read_size(c, v, path, "plugged_size", &d->plugged) ||
	    (has(o, "node", &v) && !read_uint(c, v, path, "node", 0, MAX_NUMNODES - 1, &nid)))
		return false;
	d->resource = g_strdup(s);
	d->nid = (int)nid;
	return true;
}

/* What the model numbers: a region in the 12 bits of its tree objects
 * (nd_tree.h nd_obj()), a region's namespaces in a map of 64 (nd_tree.c). */
#define ND_REGION_IDS 4096
#define ND_NAMESPACE_IDS 64

/* devices[i] of type nd-region: { "region": "regionN", "bus": "nfit"|"e820",
 * "start", "labels", "namespace", "mode": "raw", "node" }: what the kernel
 * does not show in iomem.  The range and the namespace are checked against
 * the machine when it boots (core/dev_nd_region.c). */
static bool read_nd_region_device(struct ctx *c, json_object *o, const char *path,
				  struct fx_device *d)
{
	static const char *const keys[] = { "type", "region", "bus", "start", "labels",
		"namespace", "mode", "node", NULL };
	static const struct word bus_words[] = { { "nfit", 1 }, { "e820", 0 } };
	static const struct word mode_words[] = { { "raw", 0 } };
	json_object *v;
	const char *s;
	uint32_t w;
	uint64_t nid = 0, id, ns_region, ns_id;

	if (!check_keys(c, o, path, keys) || !require(c, o, path, "region", &v) ||
	    !read_string(c, v, path, "region", &s))
		return false;
	/* the names the kernel gives them: nd_region_create(), nd_namespace_pmem_create()
	 * (dev_set_name "region%d", "namespace%d.%d") */
	if (!parse_numbered_name(s, "region", &id))
		return fail(c, path, "region", "\"%s\" is not a region's name (regionN)", s);
	if (id >= ND_REGION_IDS)
		return fail(c, path, "region", "%s: the model numbers regions below %d", s,
			    ND_REGION_IDS);
	d->region_id = (int)id;
	d->region = g_strdup(s);
	if (!require(c, o, path, "bus", &v) || !read_word(c, v, path, "bus", "nd bus", WORDS(bus_words), &w))
		return false;
	d->nfit = w;
	if (!require(c, o, path, "start", &v) || !read_size(c, v, path, "start", &d->start))
		return false;
	if (has(o, "labels", &v) && !read_bool(c, v, path, "labels", &d->labels))
		return false;
	/* nd_e820_probe(): ndr_desc has no mappings, so no DIMM and no labels. */
	if (d->labels && !d->nfit)
		return fail(c, path, "labels", "an e820 region has no DIMM, so no label area");
	if (has(o, "namespace", &v)) {
		if (!read_string(c, v, path, "namespace", &s))
			return false;
		if (!parse_numbered_pair(s, "namespace", &ns_region, &ns_id))
			return fail(c, path, "namespace", "\"%s\" is not a namespace's name "
				    "(namespaceN.M)", s);
		if (ns_region != id)
			return fail(c, path, "namespace", "%s is not a namespace of %s", s, d->region);
		if (ns_id >= ND_NAMESPACE_IDS)
			return fail(c, path, "namespace", "%s: the model numbers a region's namespaces "
				    "below %d", s, ND_NAMESPACE_IDS);
		d->ns_id = (int)ns_id;
		/* A label-less region has one namespace, id 0 (nd_region_register_namespaces()
		 * with create_namespace_io()). */
		if (!d->labels && d->ns_id != 0)
			return fail(c, path, "namespace", "a label-less region's only namespace is "
				    "namespace%d.0", d->region_id);
		d->ns = g_strdup(s);
	}
	if (has(o, "mode", &v)) {
		if (!read_word(c, v, path, "mode", "namespace mode at boot", WORDS(mode_words), &w))
			return false;
		if (!d->ns)
			return fail(c, path, "mode", "there is no namespace");
	}
	if (has(o, "node", &v) && !read_uint(c, v, path, "node", 0, MAX_NUMNODES - 1, &nid))
		return false;
	d->nid = (int)nid;
	return true;
}

static bool read_device(struct ctx *c, json_object *o, const char *path, void *out)
{
	static const struct word type_words[] = { { "virtio-mem", FX_DEVICE_VIRTIO_MEM },
		{ "nd-region", FX_DEVICE_ND_REGION } };
	struct fx_device d = { 0 };
	json_object *v;
	uint32_t type;
	bool ok;

	if (!expect(c, o, json_type_object, "an object", path, NULL) ||
	    !require(c, o, path, "type", &v) ||
	    !read_word(c, v, path, "type", "device type", WORDS(type_words), &type))
		return false;
	d.type = type;
	ok = type == FX_DEVICE_ND_REGION ? read_nd_region_device(c, o, path, &d)
					 : read_virtio_mem_device(c, o, path, &d);
	if (!ok) {
		clear_device(&d);
		return false;
	}
	d.path = g_strdup(path);
	g_array_append_val(out, d);
	return true;
}

/* ------------------------------------------------------------------ */
/* The whole file                                                      */

/* A fixture is boot form (e820) or literal form, never a mix. */
static bool check_form(struct ctx *c, json_object *root)
{
	static const char *const literal_only[] = { "iomem", "firmware_memmap", "memory_groups",
		"devices", NULL };
	static const char *const boot_only[] = { "memmap", "mem", "kernel_image", "crashkernel",
		"early_resources", "resources", "late_resources", NULL };
	json_object *v;
	bool boot = has(root, "e820", &v);

	for (const char *const *k = boot ? literal_only : boot_only; *k; k++) {
		if (!has(root, *k, &v))
			continue;
		if (boot)
			return fail(c, "$", *k, "not allowed together with e820 "
				    "(boot form and literal form do not mix)");
		return fail(c, "$", *k, "only allowed in the boot form (with e820)");
	}
	return true;
}

static bool check_e820(struct ctx *c)
{
	GArray *a = c->fx->e820;
	g_autofree struct span *s = g_new(struct span, a->len ? a->len : 1);
	bool ram = false;

	for (guint i = 0; i < a->len; i++) {
		const struct fx_e820 *e = &g_array_index(a, struct fx_e820, i);

		s[i] = (struct span){ e->start, e->start + e->size - 1, e->path };
		ram |= e->type == E820_TYPE_RAM || e->type == E820_TYPE_RESERVED_KERN;
	}
	if (!ram)
		return fail(c, "$", "e820", "no ram entry: the machine would have no memory");
	if (!check_disjoint(c, s, a->len))
		return false;
	for (guint i = 0; i < a->len; i++) {
		const struct fx_e820 *e = &g_array_index(a, struct fx_e820, i);

		if ((e->type == E820_TYPE_RAM || e->type == E820_TYPE_RESERVED_KERN) &&
		    s[i].end > profile_physmem_end(&c->fx->profile))
			return fail(c, e->path, NULL, "RAM 0x%" PRIx64 "-0x%" PRIx64 " ends above 0x%"
				    PRIx64 ": %s", s[i].start, s[i].end,
				    profile_physmem_end(&c->fx->profile),
				    profile_physmem_limit_text(&c->fx->profile));
	}
	return true;
}

static bool check_numa(struct ctx *c)
{
	GArray *a = c->fx->numa;
	g_autofree struct span *s = g_new(struct span, a->len ? a->len : 1);

	for (guint i = 0; i < a->len; i++) {
		const struct fx_numa *n = &g_array_index(a, struct fx_numa, i);

		s[i] = (struct span){ n->start, n->end, n->path };
	}
	return check_disjoint(c, s, a->len);
}

static bool check_block_runs(struct ctx *c)
{
	GArray *a = c->fx->memory_blocks;
	g_autofree struct span *s = g_new(struct span, a->len ? a->len : 1);

	for (guint i = 0; i < a->len; i++) {
		const struct fx_blocks *b = &g_array_index(a, struct fx_blocks, i);

		s[i] = (struct span){ b->first, b->first + b->count - 1, b->path };
	}
	return check_ascending(c, s, a->len, true, "runs must not overlap");
}

static const struct fx_group *find_group(const struct fixture *fx, uint64_t first)
{
	for (guint i = 0; fx->memory_groups && i < fx->memory_groups->len; i++) {
		const struct fx_group *g = &g_array_index(fx->memory_groups, struct fx_group, i);

		if (g->first == first)
			return g;
	}
	return NULL;
}

/* One run's "group": the kernel's invariants of a group's blocks.  A group is
 * named by its lowest block; add_memory_resource() with MHP_NID_IS_MGID puts
 * every block on the group's node; a static group is one device's memory
 * (acpi_memory_enable_device(), dev_dax_kmem_probe(): max_pages is all of it),
 * so its blocks lie within max_pages of its first (mm/memory_hotplug.c,
 * drivers/acpi/acpi_memhotplug.c, drivers/dax/kmem.c, 6.1/6.12). */
static bool check_run_group(struct ctx *c, const struct fx_blocks *run)
{
	const struct fx_group *g = find_group(c->fx, run->group);
	uint64_t last = run->first + run->count - 1, span;

	if (!g)
		return fail(c, run->path, "group", "%" PRIu64 " names no group of memory_groups (a "
			    "group is named by its first block)", run->group);
	if (run->first < g->first)
		return fail(c, run->path, "group", "block %" PRIu64 " is below %" PRIu64 ", the "
			    "first block of its group (a group is named by its lowest block)",
			    run->first, g->first);
	span = (g->pages + block_pages(c->fx) - 1) / block_pages(c->fx);
	if (!g->dynamic && last - g->first >= span)
		return fail(c, run->path, "group", "blocks %" PRIu64 "-%" PRIu64 " lie beyond the "
			    "static group of %s: its max_pages 0x%" PRIx64 " cover blocks %" PRIu64
			    "-%" PRIu64, run->first, last, g->path, g->pages, g->first,
			    g->first + span - 1);
	if (run->nr_nids > 1 || (run->nr_nids == 1 && run->nids[0] != g->nid))
		return fail(c, run->path, "nodes", "a block of the group of %s is on its node %d "
			    "only", g->path, g->nid);
	return true;
}

/* A run's "memmap_on_memory": what the kernel version can have added so.
 * ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE: x86_64 and arm64 since 5.13, s390 since
 * 6.8; mhp_supports_memmap_on_memory(), mm/memory_hotplug.c 6.1/6.12: the
 * memory_hotplug.memmap_on_memory parameter, and on 6.1 only a range of
 * exactly one block, which only acpi_memory_enable_device() passes.  (Its
 * size rule always holds here: a block is a power of two of at least 128
 * MiB, so its memmap, 1/64 of it, is a multiple of 2 MiB and leaves room.) */
static bool check_run_memmap(struct ctx *c, const struct fx_blocks *run)
{
	const struct fixture *fx = c->fx;
	uint64_t pages = block_pages(fx);
	const struct fx_group *g = run->has_group ? find_group(fx, run->group) : NULL;

	if (fx->profile.arch == ARCH_S390X && fx->profile.kernel < KERNEL(6, 8))
		return fail(c, run->path, "memmap_on_memory", "s390x has memmap_on_memory since "
			    "6.8 (this is %u.%u)", fx->profile.kernel / 100, fx->profile.kernel % 100);
	if (fx->params.memmap_on_memory == MEMMAP_ON_MEMORY_N)
		return fail(c, run->path, "memmap_on_memory", "needs memory_hotplug.memmap_on_memory "
			    "Y or force (it is N)");
	if (!profile_memmap_on_memory_per_block(&fx->profile) &&
	    (!g || g->dynamic || g->pages != pages))
		return fail(c, run->path, "memmap_on_memory", "kernel %u.%u adds with "
			    "memmap_on_memory only an ACPI memory device of one block (a static "
			    "group of max_pages 0x%" PRIx64 ")", fx->profile.kernel / 100,
			    fx->profile.kernel % 100, pages);
	return true;
}

/* memory_groups and the runs' "group" and "memmap_on_memory" (literal form). */
static bool check_groups(struct ctx *c)
{
	const struct fixture *fx = c->fx;
	GArray *runs = fx->memory_blocks;

	for (guint i = 0; runs && i < runs->len; i++) {
		const struct fx_blocks *run = &g_array_index(runs, struct fx_blocks, i);

		/* Boot blocks were present at boot: no group, no altmap. */
		if (fx->e820 && (run->has_group || run->memmap_on_memory || run->firmware_node))
			return fail(c, run->path, run->has_group ? "group" : run->memmap_on_memory ?
				    "memmap_on_memory" : "firmware_node",
				    "only in the literal form (boot-form blocks were present at boot)");
		if (run->has_group && !check_run_group(c, run))
			return false;
		if (run->memmap_on_memory && !check_run_memmap(c, run))
			return false;
	}
	for (guint i = 0; fx->memory_groups && i < fx->memory_groups->len; i++) {
		const struct fx_group *g = &g_array_index(fx->memory_groups, struct fx_group, i);
		bool listed = false;

		for (guint k = 0; runs && k < runs->len && !listed; k++) {
			const struct fx_blocks *run = &g_array_index(runs, struct fx_blocks, k);

			listed = run->has_group && run->group == g->first && run->first == g->first;
		}
		if (!listed)
			return fail(c, g->path, "first", "block %" PRIu64 " is not in a run of "
				    "memory_blocks with \"group\": %" PRIu64 " (a group is named by its "
				    "lowest block)", g->first, g->first);
	}
	return true;
}

static bool check_group_order(struct ctx *c)
{
	GArray *a = c->fx->memory_groups;
	g_autofree struct span *s = g_new(struct span, a->len ? a->len : 1);

	for (guint i = 0; i < a->len; i++) {
		const struct fx_group *g = &g_array_index(a, struct fx_group, i);

		s[i] = (struct span){ g->first, g->first, g->path };
	}
	return check_ascending(c, s, a->len, true, "two groups cannot have the same first block");
}

/* A kernel table sized at build time: its limit's name, what it is, what
 * it holds and who says so. */
struct table_limit {
	const char *limit, *table, *unit, *kernel;
	size_t max;
};

/* An array longer than the table it stands for is refused at its first
 * element with no room, before any is read. */
static bool check_length(struct ctx *c, json_object *v, const char *key,
			 const struct table_limit *t)
{
	g_autofree char *path = NULL;

	if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) <= t->max)
		return true;
	path = g_strdup_printf("$.%s[%zu]", key, t->max);
	return fail(c, path, NULL, "beyond %s: the kernel's %s holds %zu %s (%s)", t->limit,
		    t->table, t->max, t->unit, t->kernel);
}

static const struct table_limit e820_limit = {
	"E820_MAX_ENTRIES", "e820 table", "entries", "e820__range_add ignores the rest",
	E820_MAX_ENTRIES,
};
static const struct table_limit numa_limit = {
	"NR_NODE_MEMBLKS", "NUMA table", "ranges", "numa_add_memblk", NR_NODE_MEMBLKS,
};

static bool read_boot_form(struct ctx *c, json_object *root)
{
	struct fixture *fx = c->fx;
	json_object *v;

	fx->e820 = array_new(sizeof(struct fx_e820), clear_e820);
	if (has(root, "e820", &v) &&
	    (!check_length(c, v, "e820", &e820_limit) ||
	     !read_array(c, v, "$", "e820", read_e820_entry, fx->e820) || !check_e820(c)))
		return false;
	if (has(root, "memmap", &v) && !read_array(c, v, "$", "memmap", read_memmap_edit, fx->memmap))
		return false;
	if (has(root, "mem", &v)) {
		if (!read_size(c, v, "$", "mem", &fx->mem_limit))
			return false;
		if (!fx->mem_limit)
			return fail(c, "$", "mem", "0 would leave no memory");
	}
	if (has(root, "kernel_image", &v) && !read_kernel_image(c, v))
		return false;
	if (has(root, "crashkernel", &v) && !read_crashkernel(c, v))
		return false;
	if (has(root, "early_resources", &v) &&
	    !read_array(c, v, "$", "early_resources", read_boot_resource, fx->early_resources))
		return false;
	if (has(root, "resources", &v) &&
	    !read_array(c, v, "$", "resources", read_boot_resource, fx->resources))
		return false;
	if (has(root, "late_resources", &v) &&
	    !read_array(c, v, "$", "late_resources", read_boot_resource, fx->late_resources))
		return false;
	return true;
}

static bool read_literal_form(struct ctx *c, json_object *root)
{
	struct fixture *fx = c->fx;
	json_object *v;

	if (has(root, "iomem", &v)) {
		fx->iomem = g_ptr_array_new_with_free_func(fx_resource_free);
		if (!read_array(c, v, "$", "iomem", read_literal_resource, fx->iomem) ||
		    !check_children(c, NULL, fx->iomem))
			return false;
	}
	if (has(root, "firmware_memmap", &v)) {
		fx->firmware_memmap = array_new(sizeof(struct fx_fwmap), clear_fwmap);
		if (!read_array(c, v, "$", "firmware_memmap", read_fwmap_entry, fx->firmware_memmap))
			return false;
	}
	if (has(root, "memory_groups", &v)) {
		/* struct memory_block keeps a group's id in 16 bits. */
		if (json_object_is_type(v, json_type_array) &&
		    json_object_array_length(v) >= UINT16_MAX)
			return fail(c, "$", "memory_groups", "%zu groups (hotplugfs keeps at most %u)",
				    json_object_array_length(v), UINT16_MAX - 1);
		fx->memory_groups = array_new(sizeof(struct fx_group), clear_group);
		if (!read_array(c, v, "$", "memory_groups", read_memory_group, fx->memory_groups) ||
		    !check_group_order(c))
			return false;
	}
	if (has(root, "devices", &v)) {
		fx->devices = array_new(sizeof(struct fx_device), clear_device);
		if (!read_array(c, v, "$", "devices", read_device, fx->devices))
			return false;
	}
	return true;
}

/* faults.blocks[i]: a run of blocks and what goes wrong with them. */
static bool read_fault_run(struct ctx *c, json_object *o, const char *path, void *out)
{
	static const char *const keys[] = { "first", "count", "start", "size", "unmovable",
		"unmovable_late", "signal", "slow_offline_ms", NULL };
	struct fx_fault_run r = { .path = g_strdup(path) };
	json_object *v;
	uint64_t ms;
	bool ok = read_object(c, o, path, NULL, keys) &&
		  read_block_ids(c, o, path, &r.first, &r.count) &&
		  (!has(o, "unmovable", &v) || read_bool(c, v, path, "unmovable", &r.fault.unmovable)) &&
		  (!has(o, "unmovable_late", &v) ||
		   read_bool(c, v, path, "unmovable_late", &r.fault.unmovable_late)) &&
		  (!has(o, "signal", &v) || read_bool(c, v, path, "signal", &r.fault.signal)) &&
		  (!has(o, "slow_offline_ms", &v) ||
		   read_uint(c, v, path, "slow_offline_ms", 0, 600000, &ms));

	if (!ok) {
		g_free(r.path);
		return false;
	}
	if (has(o, "slow_offline_ms", &v))
		r.fault.slow_offline_ms = (unsigned)ms;
	g_array_append_val(out, r);
	return true;
}

static bool read_hwpoison(struct ctx *c, json_object *v, const char *path, void *out)
{
	uint64_t addr;

	if (!read_size(c, v, path, NULL, &addr))
		return false;
	g_array_append_val(out, addr);
	return true;
}

/* faults.notifier_error_inject: the module's priority= and action errnos. */
static bool read_error_inject(struct ctx *c, json_object *o, const char *path)
{
	static const char *const keys[] = { "priority", "actions", NULL };
	g_autofree char *p = g_strdup_printf("%s.notifier_error_inject", path);
	g_autofree char *ap = g_strdup_printf("%s.actions", p);
	json_object *v;
	struct json_object_iter it;

	if (!read_object(c, o, path, "notifier_error_inject", keys))
		return false;
	if (has(o, "priority", &v)) {
		if (!expect(c, v, json_type_int, "an integer", p, "priority"))
			return false;
		c->fx->inject_priority = json_object_get_int(v);
	}
	if (!has(o, "actions", &v))
		return true;
	if (!expect(c, v, json_type_object, "an object", p, "actions"))
		return false;
	json_object_object_foreachC(v, it) {
		enum mem_action a;
		int64_t e;

		if (!mem_action_parse(it.key, &a) || !mem_action_exists(&c->fx->profile, a))
			return fail(c, ap, it.key, "not a memory notifier action of kernel %u.%u",
				    c->fx->profile.kernel / 100, c->fx->profile.kernel % 100);
		if (!expect(c, it.val, json_type_int, "an integer", ap, it.key))
			return false;
		e = json_object_get_int64(it.val);
		if (e > 0 || e < -MAX_ERRNO)
			return fail(c, ap, it.key, "%" PRId64 " is not 0 or a negative errno", e);
		c->fx->inject_error[a] = (int)e;
	}
	return true;
}

static bool read_faults(struct ctx *c, json_object *o)
{
	static const char *const keys[] = { "notifier_error_inject", "blocks", "hwpoison", NULL };
	json_object *v;

	if (!read_object(c, o, "$", "faults", keys))
		return false;
	if (has(o, "notifier_error_inject", &v) && !read_error_inject(c, v, "$.faults"))
		return false;
	if (has(o, "blocks", &v) &&
	    !read_array(c, v, "$.faults", "blocks", read_fault_run, c->fx->fault_runs))
		return false;
	return !has(o, "hwpoison", &v) ||
	       read_array(c, v, "$.faults", "hwpoison", read_hwpoison, c->fx->hwpoison);
}

/* scenario[i]: an op (ops.h) plus "expect" ("ok" or an errno name such as
 * "EBUSY": the kernel path must fail with it) and "note" (free text). */
static bool read_scenario_op(struct ctx *c, json_object *o, const char *path, void *out)
{
	g_autofree char *key = NULL, *reason = NULL;
	json_object *op, *v;
	struct json_object_iter it;
	int expected = 0;

	(void)out;
	if (!expect(c, o, json_type_object, "an object {\"op\": VERB, ...}", path, NULL))
		return false;
	op = json_object_new_object();
	json_object_object_foreachC(o, it) {
		if (strcmp(it.key, "expect") && strcmp(it.key, "note"))
			json_object_object_add(op, it.key, json_object_get(it.val));
	}
	json_object_array_add(c->fx->scenario, op);
	if (has(o, "note", &v) && !expect(c, v, json_type_string, "a string", path, "note"))
		return false;
	if (has(o, "expect", &v)) {
		const char *s;

		if (!read_string(c, v, path, "expect", &s))
			return false;
		if (strcmp(s, "ok") && !(expected = errno_parse(s)))
			return fail(c, path, "expect", "unknown word \"%s\" (expected ok or an errno "
				    "name such as EBUSY)", s);
	}
	g_array_append_val(c->fx->scenario_expect, expected);
	if (!machine_op_check(op, &key, &reason))
		return fail(c, path, key, "%s", reason);
	return true;
}

static bool read_scenario(struct ctx *c, json_object *v)
{
	c->fx->scenario = json_object_new_array();
	c->fx->scenario_expect = g_array_new(FALSE, FALSE, sizeof(int));
	return read_array(c, v, "$", "scenario", read_scenario_op, NULL);
}

static bool read_fixture(struct ctx *c, json_object *root)
{
	struct fixture *fx = c->fx;
	json_object *v;
	bool boot;

	if (!expect(c, root, json_type_object, "an object", "$", NULL) || !read_header(c, root) ||
	    !check_form(c, root))
		return false;
	boot = has(root, "e820", &v);
	if (boot ? !read_boot_form(c, root) : !read_literal_form(c, root))
		return false;
	if (has(root, "numa", &v) &&
	    (!check_length(c, v, "numa", &numa_limit) ||
	     !read_array(c, v, "$", "numa", read_numa_range, fx->numa) || !check_numa(c)))
		return false;
	if (has(root, "memory_blocks", &v)) {
		fx->memory_blocks = array_new(sizeof(struct fx_blocks), clear_blocks);
		if (!read_array(c, v, "$", "memory_blocks", read_block_run, fx->memory_blocks) ||
		    !check_block_runs(c))
			return false;
	}
	if (!check_groups(c))
		return false;
	/* A captured tree without blocks had no memory directory to capture. */
	fx->has_memory_dir = boot || fx->memory_blocks;
	if (has(root, "faults", &v) && !read_faults(c, v))
		return false;
	return !has(root, "scenario", &v) || read_scenario(c, v);
}

static struct fixture *fixture_new(const char *file)
{
	struct fixture *fx = g_new0(struct fixture, 1);

	fx->file = g_strdup(file);
	fx->profile = (struct profile){ .kernel = KERNEL(6, 12), .arch = ARCH_X86_64 };
	fx->params = (struct hotplug_params){
		.auto_online = MMOP_ONLINE,
		.online_policy = ONLINE_POLICY_CONTIG_ZONES,
		.auto_movable_ratio = 301,
		.auto_movable_numa_aware = true,
		.memmap_on_memory = MEMMAP_ON_MEMORY_N,
	};
	fx->kernel_code = fx->kernel_rodata = fx->kernel_data = fx->kernel_bss =
		(struct fx_range){ .start = 1, .end = 0 };
	fx->memmap = g_ptr_array_new_with_free_func(g_free);
	fx->numa = array_new(sizeof(struct fx_numa), clear_numa);
	fx->resources = g_ptr_array_new_with_free_func(fx_resource_free);
	fx->late_resources = g_ptr_array_new_with_free_func(fx_resource_free);
	fx->early_resources = g_ptr_array_new_with_free_func(fx_resource_free);
	fx->fault_runs = array_new(sizeof(struct fx_fault_run), clear_fault_run);
	fx->hwpoison = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	fx->cpus = 1;
	fx->has_memory_dir = true;
	return fx;
}

/* Strict JSON: no comments, trailing commas or trailing data; valid UTF-8. */
static json_object *parse_json(struct ctx *c, const char *json, size_t len)
{
	struct json_tokener *tok;
	json_object *root;
	const char *reason = NULL;
	size_t end;

	if (len > INT_MAX) {
		fail(c, "$", NULL, "not JSON: %zu bytes is too large", len);
		return NULL;
	}
	tok = json_tokener_new_ex(JSON_DEPTH);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, json, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (!root && json_tokener_get_error(tok) == json_tokener_continue)
		reason = "unexpected end of input";
	else if (!root)
		reason = json_tokener_error_desc(json_tokener_get_error(tok));
	else if (end < len)
		reason = "trailing data";   /* json-c stops at a NUL byte */
	json_tokener_free(tok);
	if (!reason)
		return root;
	json_object_put(root);
	fail(c, "$", NULL, "not JSON: %s at offset %zu", reason, end);
	return NULL;
}

struct fixture *fixture_parse(const char *file, const char *json, size_t len, GError **err)
{
	g_autoptr(fixture) fx = fixture_new(file);
	struct ctx c = { .file = file, .fx = fx, .err = err };
	json_object *root = parse_json(&c, json, len);
	bool ok;

	if (!root)
		return NULL;
	ok = read_fixture(&c, root);
	json_object_put(root);
	return ok ? g_steal_pointer(&fx) : NULL;
}

struct fixture *fixture_load(const char *file, GError **err)
{
	g_autoptr(GError) e = NULL;
	g_autofree char *json = NULL;
	gsize len;

	if (!g_file_get_contents(file, &json, &len, &e)) {
		/* glib's message already names the file and the errno text. */
		g_set_error(err, FIXTURE_ERROR, FIXTURE_ERROR_INVALID, "%s: %s", file, e->message);
		return NULL;
	}
	return fixture_parse(file, json, len, err);
}

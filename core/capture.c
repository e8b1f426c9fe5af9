/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hotplugfs capture's reading of the trees (capture.h). */
#include "capture.h"

#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture_kmod.h"
#include "capture_nd.h"
#include "fixture.h"
#include "jsonutil.h"
#include "memory_block.h"
#include "numbered_name.h"
#include "profile.h"
#include "sysdir.h"

#define IOMEM_MAX_LEVEL 5          /* MAX_IORES_LEVEL: deeper lines print 10 spaces */
#define MAX_BLOCK_NODES 8          /* struct fx_blocks.nids */
/*
 * /proc/iomem is a seq_file without a size limit, printing one line per
 * resource (r_show(), kernel/resource.c 6.12): at most 10 spaces, two 16-digit
 * addresses and " : " (46 bytes) before the name.  E820_MAX_ENTRIES is 3,200,
 * each of which may add a "RAM buffer"; PCI, ACPI and device resources of a
 * large server add a few thousand more lines.  65,536 lines of 256 bytes is
 * ten times more than that with room for long names, and still refuses a file
 * that is not /proc/iomem (a sparse file, a device) before it is read whole.
 */
#define IOMEM_MAX ((gsize)65536 * 256)

/* ---------------------------------------------------------------- /proc/iomem */

/* A resource on the path from the root to the line last read. */
struct iomem_open {
	json_object *obj;
	uint64_t start, end;
};

struct iomem_line {
	unsigned level;               /* indentation / 2, capped at IOMEM_MAX_LEVEL */
	uint64_t start, end;
	const char *name;
};

/* "%*s%08llx-%08llx : %s" (r_show); false unless it prints back the same. */
static bool parse_iomem_line(char *line, struct iomem_line *out)
{
	size_t spaces = strspn(line, " ");
	char *p = line + spaces, *end;

	if (spaces % 2 || spaces > 2 * IOMEM_MAX_LEVEL || !g_ascii_isxdigit(*p))
		return false;
	out->level = spaces / 2;
	errno = 0;
	out->start = g_ascii_strtoull(p, &end, 16);
	if (errno || *end != '-' || !g_ascii_isxdigit(end[1]))
		return false;
	out->end = g_ascii_strtoull(end + 1, &end, 16);
	if (errno || !g_str_has_prefix(end, " : "))
		return false;
	out->name = end + 3;
	g_autofree char *back = g_strdup_printf("%*s%08" PRIx64 "-%08" PRIx64 " : %s",
					       (int)spaces, "", out->start, out->end, out->name);
	return strcmp(back, line) == 0;
}

static json_object *iomem_node_new(const struct iomem_line *l)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "start", json_hex(l->start));
	json_object_object_add(o, "end", json_hex(l->end));
	json_object_object_add(o, "name", json_object_new_string(l->name));
	return o;
}

/* Appends child to parent's "children", created on first use. */
static void iomem_add_child(json_object *parent, json_object *child)
{
	json_object *kids;

	if (!json_object_object_get_ex(parent, "children", &kids)) {
		kids = json_object_new_array();
		json_object_object_add(parent, "children", kids);
	}
	json_object_array_add(kids, child);
}

/*
 * Stack depth the line's parent ends at: its level below the cap; at the cap
 * (depth >= 5 all print 10 spaces) the deepest open resource of depth >= 4
 * that contains the line, since siblings never overlap.  -1 if none fits.
 */
static int iomem_parent_depth(const GArray *stack, const struct iomem_line *l)
{
	if (l->level < IOMEM_MAX_LEVEL)
		return l->level <= stack->len ? (int)l->level : -1;
	for (int i = (int)stack->len - 1; i >= IOMEM_MAX_LEVEL - 1; i--) {
		const struct iomem_open *o = &g_array_index(stack, struct iomem_open, i);

		if (o->start <= l->start && l->end <= o->end)
			return i + 1;
	}
	return -1;
}

/* Rebuilds the nested tree from the indented lines of /proc/iomem. */
static json_object *parse_iomem(char *text, const char *path, GError **err)
{
	g_autoptr(GArray) stack = g_array_new(FALSE, FALSE, sizeof(struct iomem_open));
	json_object *top = json_object_new_array();
	bool nonzero = false;
	unsigned lineno = 0;
	char *line = text, *nl;

	for (; *line; line = nl + 1) {
		struct iomem_line l;
		int depth;

		lineno++;
		nl = strchr(line, '\n');
		if (!nl) {
			capture_malformed(err, path, "line %u: no newline at the end", lineno);
			goto fail;
		}
		*nl = '\0';
		if (!parse_iomem_line(line, &l)) {
			capture_malformed(err, path, "line %u: not \"START-END : NAME\" as r_show prints it: %s",
				  lineno, line);
			goto fail;
		}
		depth = iomem_parent_depth(stack, &l);
		if (depth < 0) {
			capture_malformed(err, path, "line %u: indented %u spaces but no resource above encloses it",
				  lineno, 2 * l.level);
			goto fail;
		}
		nonzero |= l.start || l.end;
		g_array_set_size(stack, depth);
		struct iomem_open o = { iomem_node_new(&l), l.start, l.end };
		if (depth == 0)
			json_object_array_add(top, o.obj);
		else
			iomem_add_child(g_array_index(stack, struct iomem_open, depth - 1).obj, o.obj);
		g_array_append_val(stack, o);
	}
	if (lineno && !nonzero) {
		capture_malformed(err, path, "every address is zero: it was read without CAP_SYS_ADMIN "
			  "(capture as root in the initial user namespace)");
		goto fail;
	}
	return top;
fail:
	json_object_put(top);
	return NULL;
}

/*
 * With the module, the tree is the module's (flags and desc included) and
 * /proc/iomem must print exactly as it renders: when it does not, a hotplug
 * ran between the two reads, and the caller reads again.
 */
static int kmod_iomem(const char *path, const char *text, const struct kmod_capture *k,
		      json_object *fixture, GError **err)
{
	if (text && strcmp(text, k->iomem_text->str) && strcmp(text, k->iomem_zeroed->str)) {
		g_set_error(err, CAPTURE_ERROR, EAGAIN, "%s: differs from the tree the module "
			    "reported just before (memory was hot(un)plugged meanwhile)", path);
		return -1;
	}
	json_object_object_add(fixture, "iomem", json_object_get(k->iomem));
	return 1;
}

static int capture_iomem(const struct sysdir *root, json_object *fixture,
			 const struct kmod_capture *k, GError **err)
{
	int present = sysdir_probe(root, "proc/iomem", err);
	g_autofree char *text = NULL;
	g_autofree char *path = sysdir_path(root, "proc/iomem");
	gsize len;
	json_object *tree;

	if (present < 0 || (present == 0 && !k))
		return present;
	if (present) {
		text = sysdir_read(root, "proc/iomem", IOMEM_MAX, &len, err);
		if (!text)
			return -1;
		if (strlen(text) != len) {
			capture_malformed(err, path, "contains a NUL byte");
			return -1;
		}
	}
	if (k)
		return kmod_iomem(path, text, k, fixture, err);
	tree = parse_iomem(text, path, err);
	if (!tree)
		return -1;
	json_object_object_add(fixture, "iomem", tree);
	return 1;
}

/* ------------------------------------------------------ /sys/firmware/memmap */

struct fw_entry {
	uint64_t nr, start, end;
	char *type;
};

static void fw_entry_clear(void *p)
{
	g_free(((struct fw_entry *)p)->type);
}

static gint fw_entry_cmp(gconstpointer a, gconstpointer b)
{
	const struct fw_entry *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

/* start and end print "0x%llx\n", type "%s\n" (drivers/firmware/memmap.c). */
static gboolean read_fw_entry(const struct sysdir *memmap, uint64_t nr, struct fw_entry *e,
			      GError **err)
{
	g_autofree char *nrs = g_strdup_printf("%" PRIu64, nr);
	g_autofree char *spath = g_build_filename(nrs, "start", NULL);
	g_autofree char *epath = g_build_filename(nrs, "end", NULL);
	g_autofree char *tpath = g_build_filename(nrs, "type", NULL);
	g_autofree char *start = sysdir_read_attr(memmap, spath, err);
	g_autofree char *end = start ? sysdir_read_attr(memmap, epath, err) : NULL;

	if (!end)
		return FALSE;
	e->nr = nr;
	if (!parse_u64_exact(start, "0x%" PRIx64, 16, &e->start)) {
		g_autofree char *p = sysdir_path(memmap, spath);
		return capture_malformed(err, p, "\"%s\" is not \"0x%%llx\"", start);
	}
	if (!parse_u64_exact(end, "0x%" PRIx64, 16, &e->end)) {
		g_autofree char *p = sysdir_path(memmap, epath);
		return capture_malformed(err, p, "\"%s\" is not \"0x%%llx\"", end);
	}
	e->type = sysdir_read_attr(memmap, tpath, err);
	return e->type != NULL;
}

static json_object *fw_entries_to_json(const GArray *entries)
{
	json_object *arr = json_object_new_array();

	for (guint i = 0; i < entries->len; i++) {
		const struct fw_entry *e = &g_array_index(entries, struct fw_entry, i);
		json_object *o = json_object_new_object();

		json_object_object_add(o, "nr", json_object_new_int64((int64_t)e->nr));
		json_object_object_add(o, "start", json_hex(e->start));
		json_object_object_add(o, "end", json_hex(e->end));
		json_object_object_add(o, "type", json_object_new_string(e->type));
		json_object_array_add(arr, o);
	}
	return arr;
}

static int capture_firmware_memmap(const struct sysdir *root, json_object *fixture, GError **err)
{
	struct sysdir memmap = { .fd = -1 };
	g_autoptr(GArray) entries = g_array_new(FALSE, TRUE, sizeof(struct fw_entry));
	g_autoptr(GPtrArray) names = NULL;
	int present = sysdir_open_dir(root, "sys/firmware/memmap", &memmap, err);
	int ret = -1;

	if (present <= 0)
		return present;
	g_array_set_clear_func(entries, fw_entry_clear);
	names = sysdir_list(&memmap, err);
	if (!names)
		goto out;
	for (guint i = 0; i < names->len; i++) {
		struct fw_entry e = { 0 };
		uint64_t nr;

		if (!parse_numbered_name(names->pdata[i], "", &nr)) {
			g_autofree char *p = sysdir_path(&memmap, names->pdata[i]);
			capture_malformed(err, p, "not a numbered entry (\"%%d\")");
			goto out;
		}
		if (!read_fw_entry(&memmap, nr, &e, err)) {
			fw_entry_clear(&e);
			goto out;
		}
		g_array_append_val(entries, e);
	}
	g_array_sort(entries, fw_entry_cmp);
	json_object_object_add(fixture, "firmware_memmap", fw_entries_to_json(entries));
	ret = 1;
out:
	sysdir_close(&memmap);
	return ret;
}

/* ------------------------------------------------ /sys/devices/system/memory */

struct block_rec {
	uint64_t id;
	int32_t phys_device;
	uint8_t state;
	uint8_t removable;
	uint8_t nr_nids;
	int nids[MAX_BLOCK_NODES];
	const char *valid_zones;      /* interned; NULL when the file is absent */
	const char *firmware_node;    /* the link's target, interned; NULL: none */
	/* From the module (kmod_blocks()). */
	bool in_group;
	uint64_t group;               /* the group's first block */
	bool memmap_on_memory;        /* its memmap sits at its start */
	bool unmovable;               /* offline would fail with EBUSY now */
};

struct memory_capture {
	GArray *blocks;               /* struct block_rec, ascending id */
	GStringChunk *strings;        /* valid_zones texts, shared */
	bool any_phys_device;         /* some block has phys_device != 0 (s390) */
	bool crash_hotplug;
	const struct capture_request *request;   /* its blocks_read callback */
};

static gint block_rec_cmp(gconstpointer a, gconstpointer b)
{
	const struct block_rec *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static gint int_cmp(gconstpointer a, gconstpointer b)
{
	return *(const int *)a - *(const int *)b;
}

static gboolean read_block_state(const struct sysdir *blk, struct block_rec *b, GError **err)
{
	g_autofree char *state = sysdir_read_attr(blk, "state", err);
	int s;

	if (!state)
		return FALSE;
	s = block_state_from_string(state);
	if (s >= 0) {
		b->state = (uint8_t)s;
		return TRUE;
	}
	g_autofree char *p = sysdir_path(blk, "state");
	return capture_malformed(err, p, "unknown state \"%s\"", state);
}

/* online reads !dev->offline, which flips only when device_offline() ends. */
static gboolean check_block_online(const struct sysdir *blk, const struct block_rec *b,
				   GError **err)
{
	const char *want = b->state == BLOCK_OFFLINE ? "0" : "1";
	int present = sysdir_probe(blk, "online", err);
	g_autofree char *online = present > 0 ? sysdir_read_attr(blk, "online", err) : NULL;

	if (present <= 0)
		return present == 0;
	if (!online)
		return FALSE;
	if (strcmp(online, want)) {
		g_autofree char *p = sysdir_path(blk, "online");
		return capture_malformed(err, p, "\"%s\" is not \"%s\" as state \"%s\" implies", online,
				 want, block_state_to_string(b->state));
	}
	return TRUE;
}

/* phys_index is the block id ("%08lx"); the served tree derives it. */
static gboolean check_block_phys_index(const struct sysdir *blk, const struct block_rec *b,
				       GError **err)
{
	g_autofree char *text = sysdir_read_attr(blk, "phys_index", err);
	uint64_t v;

	if (!text)
		return FALSE;
	if (!parse_u64_exact(text, "%08" PRIx64, 16, &v) || v != b->id) {
		g_autofree char *p = sysdir_path(blk, "phys_index");
		return capture_malformed(err, p, "\"%s\" is not the block id %" PRIu64 " as \"%%08lx\"",
				 text, b->id);
	}
	return TRUE;
}

static gboolean read_block_numbers(const struct sysdir *blk, struct block_rec *b, GError **err)
{
	g_autofree char *removable = sysdir_read_attr(blk, "removable", err);
	g_autofree char *phys = removable ? sysdir_read_attr(blk, "phys_device", err) : NULL;
	g_autofree char *back = NULL;

	if (!phys)
		return FALSE;
	if (strcmp(removable, "0") && strcmp(removable, "1")) {
		g_autofree char *p = sysdir_path(blk, "removable");
		return capture_malformed(err, p, "\"%s\" is not 0 or 1", removable);
	}
	b->removable = removable[0] == '1';
	b->phys_device = (int32_t)strtol(phys, NULL, 10);
	back = g_strdup_printf("%" PRId32, b->phys_device);
	if (strcmp(back, phys)) {
		g_autofree char *p = sysdir_path(blk, "phys_device");
		return capture_malformed(err, p, "\"%s\" is not \"%%d\"", phys);
	}
	return TRUE;
}

/* valid_zones exists only with CONFIG_MEMORY_HOTREMOVE; kept verbatim. */
static gboolean read_block_zones(const struct sysdir *blk, struct memory_capture *mc,
				 struct block_rec *b, GError **err)
{
	int present = sysdir_probe(blk, "valid_zones", err);
	g_autofree char *zones = present > 0 ? sysdir_read_attr(blk, "valid_zones", err) : NULL;

	if (present <= 0)
		return present == 0;
	if (!zones)
		return FALSE;
	b->valid_zones = g_string_chunk_insert_const(mc->strings, zones);
	return TRUE;
}

/* acpi_bind_memory_blocks() (drivers/acpi/acpi_memhotplug.c, 6.1 and 6.12)
 * links a block of an ACPI memory device to the device's ACPI node; the
 * target is kept as read (it names the firmware's namespace). */
static gboolean read_block_firmware_node(const struct sysdir *blk, struct memory_capture *mc,
					 struct block_rec *b, GError **err)
{
	char target[PATH_MAX];
	int present = sysdir_probe(blk, "firmware_node", err);
	ssize_t n;

	if (present <= 0)
		return present == 0;
	n = readlinkat(blk->fd, "firmware_node", target, sizeof(target) - 1);
	if (n <= 0) {
		g_autofree char *p = sysdir_path(blk, "firmware_node");
		return capture_malformed(err, p, "not a symlink with a target (%s)",
					 n < 0 ? g_strerror(errno) : "empty");
	}
	target[n] = '\0';
	b->firmware_node = g_string_chunk_insert_const(mc->strings, target);
	return TRUE;
}

/* Node links are "nodeK" entries; lsmem and the kernel look only at names. */
static gboolean read_block_nodes(const struct sysdir *blk, struct block_rec *b, GError **err)
{
	g_autoptr(GPtrArray) names = sysdir_list(blk, err);

	if (!names)
		return FALSE;
	for (guint i = 0; i < names->len; i++) {
		uint64_t nid;

		if (!parse_numbered_name(names->pdata[i], "node", &nid))
			continue;
		if (b->nr_nids == MAX_BLOCK_NODES || nid >= MAX_NUMNODES)
			return capture_malformed(err, blk->path, "more than %d node links or node%" PRIu64
					 " out of range", MAX_BLOCK_NODES, nid);
		b->nids[b->nr_nids++] = (int)nid;
	}
	qsort(b->nids, b->nr_nids, sizeof(int), int_cmp);
	return TRUE;
}

static gboolean read_block(const struct sysdir *mem, const char *name, uint64_t id,
			   struct memory_capture *mc, GError **err)
{
	struct block_rec b = { .id = id };
	struct sysdir blk = { .fd = -1 };
	gboolean ok;

	if (sysdir_open_dir(mem, name, &blk, err) <= 0) {
		if (err && !*err) {
			g_autofree char *p = sysdir_path(mem, name);
			capture_malformed(err, p, "vanished while capturing");
		}
		return FALSE;
	}
	ok = read_block_state(&blk, &b, err) && check_block_online(&blk, &b, err) &&
	     check_block_phys_index(&blk, &b, err) && read_block_numbers(&blk, &b, err) &&
	     read_block_zones(&blk, mc, &b, err) && read_block_nodes(&blk, &b, err) &&
	     read_block_firmware_node(&blk, mc, &b, err);
	sysdir_close(&blk);
	if (ok) {
		mc->any_phys_device |= b.phys_device != 0;
		g_array_append_val(mc->blocks, b);
	}
	return ok;
}

static gboolean read_blocks(const struct sysdir *mem, struct memory_capture *mc, GError **err)
{
	g_autoptr(GPtrArray) names = sysdir_list(mem, err);
	const struct capture_request *r = mc->request;

	if (!names)
		return FALSE;
	for (guint i = 0; i < names->len; i++) {
		uint64_t id;

		if (parse_numbered_name(names->pdata[i], "memory", &id) &&
		    !read_block(mem, names->pdata[i], id, mc, err))
			return FALSE;
		if (r->blocks_read)
			r->blocks_read(r->ctx, mc->blocks->len);
	}
	g_array_sort(mc->blocks, block_rec_cmp);
	return TRUE;
}

/* block_size_bytes prints "%lx\n" (no 0x). */
static gboolean capture_block_size(const struct sysdir *mem, json_object *fixture, GError **err)
{
	g_autofree char *text = sysdir_read_attr(mem, "block_size_bytes", err);
	uint64_t bs;

	if (!text)
		return FALSE;
	if (!parse_u64_exact(text, "%" PRIx64, 16, &bs) || bs == 0) {
		g_autofree char *p = sysdir_path(mem, "block_size_bytes");
		return capture_malformed(err, p, "\"%s\" is not a block size in \"%%lx\"", text);
	}
	json_object_object_add(fixture, "block_size", json_hex(bs));
	return TRUE;
}

static bool block_same_run(const struct block_rec *a, const struct block_rec *b)
{
	return b->id == a->id + 1 && a->state == b->state && a->removable == b->removable &&
	       a->phys_device == b->phys_device && a->valid_zones == b->valid_zones &&
	       a->nr_nids == b->nr_nids &&
	       !memcmp(a->nids, b->nids, a->nr_nids * sizeof(int)) &&
	       a->in_group == b->in_group && a->group == b->group &&
	       a->memmap_on_memory == b->memmap_on_memory && a->firmware_node == b->firmware_node;
}

static json_object *block_run_new(const struct block_rec *b, uint64_t count)
{
	json_object *o = json_object_new_object();
	json_object *nodes = json_object_new_array();

	for (int i = 0; i < b->nr_nids; i++)
		json_object_array_add(nodes, json_object_new_int(b->nids[i]));
	json_object_object_add(o, "first", json_object_new_int64((int64_t)b->id));
	json_object_object_add(o, "count", json_object_new_int64((int64_t)count));
	json_object_object_add(o, "state", json_object_new_string(block_state_to_string(b->state)));
	json_object_object_add(o, "nodes", nodes);
	json_object_object_add(o, "removable", json_object_new_int(b->removable));
	json_object_object_add(o, "phys_device", json_object_new_int(b->phys_device));
	/* Always verbatim: the loader drops it where it equals the derived value. */
	if (b->valid_zones)
		json_object_object_add(o, "valid_zones", json_object_new_string(b->valid_zones));
	if (b->in_group)
		json_object_object_add(o, "group", json_object_new_int64((int64_t)b->group));
	if (b->memmap_on_memory)
		json_object_object_add(o, "memmap_on_memory", json_object_new_boolean(1));
	if (b->firmware_node)
		json_object_object_add(o, "firmware_node", json_object_new_string(b->firmware_node));
	return o;
}

/* Consecutive ids with equal attributes become one run. */
static json_object *blocks_to_runs(const GArray *blocks)
{
	json_object *runs = json_object_new_array();
	guint i = 0;

	while (i < blocks->len) {
		const struct block_rec *first = &g_array_index(blocks, struct block_rec, i);
		guint j = i + 1;

		while (j < blocks->len &&
		       block_same_run(&g_array_index(blocks, struct block_rec, j - 1),
				      &g_array_index(blocks, struct block_rec, j)))
			j++;
		json_object_array_add(runs, block_run_new(first, j - i));
		i = j;
	}
	return runs;
}

/* The "memory_hotplug" object, created on first use. */
static json_object *hotplug_object(json_object *fixture)
{
	json_object *o;

	if (!json_object_object_get_ex(fixture, "memory_hotplug", &o)) {
		o = json_object_new_object();
		json_object_object_add(fixture, "memory_hotplug", o);
	}
	return o;
}

/* Reads d/name if it exists and checks it is one of words (NULL-terminated). */
static int read_word(const struct sysdir *d, const char *name, const char *const *words,
		     char **out, GError **err)
{
	int present = sysdir_probe(d, name, err);

	if (present <= 0)
		return present;
	*out = sysdir_read_attr(d, name, err);
	if (!*out)
		return -1;
	for (; *words; words++)
		if (!strcmp(*out, *words))
			return 1;
	g_autofree char *p = sysdir_path(d, name);
	capture_malformed(err, p, "unexpected value \"%s\"", *out);
	g_clear_pointer(out, g_free);
	return -1;
}

static gboolean capture_auto_online(const struct sysdir *mem, json_object *fixture, GError **err)
{
	static const char *const words[] = { "offline", "online", "online_kernel",
					     "online_movable", NULL };
	g_autofree char *v = NULL;
	int r = read_word(mem, "auto_online_blocks", words, &v, err);

	if (r > 0)
		json_object_object_add(hotplug_object(fixture), "auto_online_blocks",
				       json_object_new_string(v));
	return r >= 0;
}

static gboolean changed(GError **err, const char *path, const char *what)
{
	g_set_error(err, CAPTURE_ERROR, EAGAIN, "%s: %s between the module's report and sysfs "
		    "(memory was hot(un)plugged meanwhile)", path, what);
	return FALSE;
}

static json_object *group_json(const struct kmod_block *b)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "first", json_object_new_int64((int64_t)b->group));
	json_object_object_add(o, "type", json_object_new_string(b->group_dynamic ? "dynamic"
										 : "static"));
	json_object_object_add(o, "node", json_object_new_int(b->group_node));
	json_object_object_add(o, b->group_dynamic ? "unit_pages" : "max_pages",
			       json_hex(b->group_pages));
	return o;
}

/* faults.blocks: one run of consecutive blocks that cannot go offline. */
static void add_unmovable_run(json_object *runs, uint64_t first, uint64_t count)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "first", json_object_new_int64((int64_t)first));
	json_object_object_add(o, "count", json_object_new_int64((int64_t)count));
	json_object_object_add(o, "unmovable", json_object_new_boolean(1));
	json_object_array_add(runs, o);
}

/*
 * What the module adds to each block: its memory group, memmap_on_memory,
 * and whether offlining it would fail with EBUSY now (has_unmovable_pages():
 * reserved or unmovable pages), which the fixture keeps as an unmovable
 * fault.  The EINVAL cases (holes, several zones) follow from the fixture's
 * own tree and zones.  The module's list must be the one sysfs showed.
 */
static gboolean kmod_blocks(const struct sysdir *mem, struct memory_capture *mc,
			    const struct kmod_capture *k, json_object *fixture, GError **err)
{
	g_autoptr(GHashTable) groups = g_hash_table_new(g_int64_hash, g_int64_equal);
	json_object *group_list = json_object_new_array(), *runs = json_object_new_array();
	uint64_t run_first = 0, run_count = 0;

	if (k->blocks->len != mc->blocks->len) {
		json_object_put(group_list);
		json_object_put(runs);
		return changed(err, mem->path, "the number of blocks changed");
	}
	for (guint i = 0; i < k->blocks->len; i++) {
		const struct kmod_block *kb = &g_array_index(k->blocks, struct kmod_block, i);
		struct block_rec *b = &g_array_index(mc->blocks, struct block_rec, i);

		if (kb->id != b->id || kb->state != b->state) {
			json_object_put(group_list);
			json_object_put(runs);
			g_autofree char *what = g_strdup_printf("memory%" PRIu64 " changed", b->id);
			return changed(err, mem->path, what);
		}
		b->in_group = kb->has_group;
		b->group = kb->group;
		b->memmap_on_memory = kb->vmemmap_pages > 0;
		b->unmovable = kb->offline == KMOD_OFFLINE_EBUSY;
		if (kb->has_group && !g_hash_table_contains(groups, &kb->group)) {
			g_hash_table_add(groups, (gpointer)&kb->group);
			json_object_array_add(group_list, group_json(kb));
		}
		if (b->unmovable && run_count && run_first + run_count == b->id) {
			run_count++;
			continue;
		}
		if (run_count)
			add_unmovable_run(runs, run_first, run_count);
		run_first = b->id;
		run_count = b->unmovable;
	}
	if (run_count)
		add_unmovable_run(runs, run_first, run_count);
	if (json_object_array_length(group_list))
		json_object_object_add(fixture, "memory_groups", group_list);
	else
		json_object_put(group_list);
	if (json_object_array_length(runs)) {
		json_object *faults = json_object_new_object();

		json_object_object_add(faults, "blocks", runs);
		json_object_object_add(fixture, "faults", faults);
	} else {
		json_object_put(runs);
	}
	return TRUE;
}

static int capture_memory(const struct sysdir *root, json_object *fixture,
			  struct memory_capture *mc, const struct kmod_capture *k, GError **err)
{
	struct sysdir mem = { .fd = -1 };
	int present = sysdir_open_dir(root, "sys/devices/system/memory", &mem, err);
	int crash, pm_debug, ret = -1;

	if (present <= 0)
		return present;
	if (!capture_block_size(&mem, fixture, err) || !capture_auto_online(&mem, fixture, err))
		goto out;
	crash = sysdir_probe(&mem, "crash_hotplug", err);
	/* power/async exists only with CONFIG_PM_ADVANCED_DEBUG. */
	pm_debug = sysdir_probe(&mem, "power/async", err);
	if (crash < 0 || pm_debug < 0 || !read_blocks(&mem, mc, err) ||
	    (k && !kmod_blocks(&mem, mc, k, fixture, err)))
		goto out;
	mc->crash_hotplug = crash > 0;
	if (pm_debug > 0)
		json_object_object_add(fixture, "pm_advanced_debug", json_object_new_boolean(1));
	json_object_object_add(fixture, "memory_blocks", blocks_to_runs(mc->blocks));
	ret = 1;
out:
	sysdir_close(&mem);
	return ret;
}

/* ---------------------------------------- /sys/module/memory_hotplug/parameters */

/* auto_movable_ratio prints "%u\n"; NULL when absent. */
static int read_ratio(const struct sysdir *params, json_object **out, GError **err)
{
	int present = sysdir_probe(params, "auto_movable_ratio", err);
	g_autofree char *text = present > 0 ? sysdir_read_attr(params, "auto_movable_ratio", err) : NULL;
	uint64_t v;

	if (present <= 0)
		return present;
	if (!text)
		return -1;
	if (!parse_u64_exact(text, "%" PRIu64, 10, &v) || v > UINT32_MAX) {
		g_autofree char *p = sysdir_path(params, "auto_movable_ratio");
		capture_malformed(err, p, "\"%s\" is not an unsigned integer", text);
		return -1;
	}
	*out = json_object_new_int64((int64_t)v);
	return 1;
}

static int capture_params(const struct sysdir *root, json_object *fixture, GError **err)
{
	static const char *const policies[] = { "contig-zones", "auto-movable", NULL };
	static const char *const yn[] = { "Y", "N", NULL };
	static const char *const memmap[] = { "Y", "N", "force", NULL };
	struct sysdir params = { .fd = -1 };
	g_autofree char *policy = NULL, *aware = NULL, *mom = NULL;
	json_object *ratio = NULL, *hp;
	int present = sysdir_open_dir(root, "sys/module/memory_hotplug/parameters", &params, err);
	int ret = -1;

	if (present <= 0)
		return present;
	if (read_word(&params, "online_policy", policies, &policy, err) < 0 ||
	    read_ratio(&params, &ratio, err) < 0 ||
	    read_word(&params, "auto_movable_numa_aware", yn, &aware, err) < 0 ||
	    read_word(&params, "memmap_on_memory", memmap, &mom, err) < 0)
		goto out;
	hp = hotplug_object(fixture);
	if (policy)
		json_object_object_add(hp, "online_policy", json_object_new_string(policy));
	if (ratio)
		json_object_object_add(hp, "auto_movable_ratio", g_steal_pointer(&ratio));
	if (aware)
		json_object_object_add(hp, "auto_movable_numa_aware",
				       json_object_new_boolean(aware[0] == 'Y'));
	if (mom)
		json_object_object_add(hp, "memmap_on_memory", json_object_new_string(mom));
	ret = 1;
out:
	json_object_put(ratio);
	sysdir_close(&params);
	return ret;
}

/* ------------------------------------------------------------------ fixture */

/*
 * Without a release to read (a copied tree without proc/sys/kernel/osrelease),
 * crash_hotplug is the best hint: CONFIG_CRASH_HOTPLUG (6.5+) is on in
 * Debian's 6.12 and absent from 6.1, and the profile serves that file exactly
 * when the version says so.  memmap_on_memory=force exists only since 6.6.
 */
static const char *guess_kernel(const struct memory_capture *mc, json_object *fixture)
{
	json_object *hp, *mom;
	const char *v = "6.1";

	if (mc->crash_hotplug)
		v = "6.12";
	else if (json_object_object_get_ex(fixture, "memory_hotplug", &hp) &&
		 json_object_object_get_ex(hp, "memmap_on_memory", &mom) &&
		 !strcmp(json_object_get_string(mom), "force"))
		v = "6.12";
	fprintf(stderr, "hotplugfs capture: no proc/sys/kernel/osrelease; guessed kernel %s from "
		"%s (give --kernel to say)\n", v, mc->crash_hotplug ? "crash_hotplug" : "the files");
	return v;
}

/*
 * The profile follows the captured kernel's release: the module's, else
 * proc/sys/kernel/osrelease, else a guess.  A version outside the ones the
 * profiles model is refused: serving it with another version's behaviour
 * would be a guess.
 */
static char *kernel_version(const struct sysdir *root, const struct kmod_capture *k,
			    const struct memory_capture *mc, json_object *body, GError **err)
{
	g_autofree char *osrelease = NULL;
	const char *release, *path = KMOD_DIR "/info";
	unsigned v;
	int present;

	if (k) {
		release = k->info.release;
	} else {
		path = "proc/sys/kernel/osrelease";
		present = sysdir_probe(root, path, err);
		if (present < 0)
			return NULL;
		if (present == 0)
			return g_strdup(guess_kernel(mc, body));
		osrelease = sysdir_read_attr(root, path, err);
		if (!osrelease)
			return NULL;
		release = osrelease;
	}
	g_autofree char *where = sysdir_path(root, path);
	if (!kmod_release_version(release, &v)) {
		capture_malformed(err, where, "release \"%s\" is not MAJOR.MINOR...", release);
		return NULL;
	}
	if (!profile_kernel_known(v)) {
		capture_malformed(err, where, "kernel %u.%u (release %s) is not one hotplugfs models "
				  "(%s); give --kernel VERSION to serve it as one of those", v / 100,
				  v % 100, release, PROFILE_KERNELS);
		return NULL;
	}
	return g_strdup_printf("%u.%u", v / 100, v % 100);
}

/* s390 numbers storage increments in phys_device and has no firmware map. */
static const char *guess_arch(const struct memory_capture *mc, json_object *fixture)
{
	json_object *fw;

	if (mc->any_phys_device && !json_object_object_get_ex(fixture, "firmware_memmap", &fw))
		return "s390x";
	return "x86_64";
}

static char *default_description(const char *sysroot)
{
	g_autoptr(GDateTime) now = g_date_time_new_now_local();
	g_autofree char *date = g_date_time_format(now, "%Y-%m-%d");

	return g_strdup_printf("captured from %s on %s by hotplugfs capture", sysroot, date);
}

static json_object *fixture_header(const struct capture_request *r)
{
	json_object *fx = json_object_new_object();
	g_autofree char *desc = r->description ? g_strdup(r->description)
					       : default_description(r->sysroot ? r->sysroot : "/");

	json_object_object_add(fx, "hotplugfs-fixture", json_object_new_int(FIXTURE_FORMAT));
	json_object_object_add(fx, "description", json_object_new_string(desc));
	return fx;
}

/* Reads every tree that exists under the root into body. */
static bool capture_trees(const struct sysdir *root, const struct capture_request *r,
			  json_object *fx, struct memory_capture *mc, GError **err)
{
	struct kmod_capture k = { 0 };
	g_autofree char *kernel = NULL;
	json_object *body = json_object_new_object();
	bool ok = false;

	if (r->kmod && !kmod_capture_read(root, &k, err))
		goto out;
	if (capture_memory(root, body, mc, r->kmod ? &k : NULL, err) < 0 ||
	    capture_params(root, body, err) < 0 ||
	    capture_iomem(root, body, r->kmod ? &k : NULL, err) < 0 ||
	    capture_firmware_memmap(root, body, err) < 0 ||
	    capture_nd_regions(root, body, err) < 0)
		goto out;
	kernel = r->kernel ? g_strdup(r->kernel)
			   : kernel_version(root, r->kmod ? &k : NULL, mc, body, err);
	if (!kernel)
		goto out;
	json_object_object_add(fx, "kernel", json_object_new_string(kernel));
	json_object_object_add(fx, "arch", json_object_new_string(
		r->arch ? r->arch : guess_arch(mc, body)));
	/* In the order docs/fixture-format.md lists them. */
	static const char *const order[] = { "pm_advanced_debug", "block_size", "memory_hotplug",
					     "iomem", "firmware_memmap", "memory_groups",
					     "memory_blocks", "devices", "faults" };
	for (unsigned i = 0; i < G_N_ELEMENTS(order); i++) {
		json_object *v;

		if (json_object_object_get_ex(body, order[i], &v))
			json_object_object_add(fx, order[i], json_object_get(v));
	}
	ok = true;
out:
	json_object_put(body);
	kmod_capture_clear(&k);
	return ok;
}

/* A hotplug that runs while the trees are read shows as a difference between
 * the module's report and the files (EAGAIN): the capture starts over. */
#define CAPTURE_TRIES 5

json_object *capture_fixture(const struct capture_request *r, GError **err)
{
	struct sysdir root;
	json_object *fx = NULL;

	if (!sysdir_open_root(r->sysroot, &root, err))
		return NULL;
	for (int tries = 0; !fx && tries < CAPTURE_TRIES; tries++) {
		struct memory_capture mc = { g_array_new(FALSE, TRUE, sizeof(struct block_rec)),
					     g_string_chunk_new(4096), false, false, r };

		if (tries)
			g_clear_error(err);
		fx = fixture_header(r);
		if (!capture_trees(&root, r, fx, &mc, err))
			g_clear_pointer(&fx, json_object_put);
		g_array_unref(mc.blocks);
		g_string_chunk_free(mc.strings);
		if (!fx && (!err || !*err || (*err)->code != EAGAIN))
			break;
	}
	sysdir_close(&root);
	return fx;
}

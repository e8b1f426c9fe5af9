/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "capture_kmod.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "jsonutil.h"
#include "resource_defaults.h"

/* Files the module prints without a size limit: 4096 resources of about
 * 200 bytes (kmod/iomem.c caps the walk), a line per block of a 64 TiB
 * machine with 128 MiB blocks. */
#define KMOD_FILE_MAX ((gsize)64 << 20)
/* The iomem file fails with EAGAIN when 50 walks never agreed (hotplug ran
 * all along); a few more reads find a quiet moment. */
#define IOMEM_TRIES 5

bool kmod_capture_present(const struct sysdir *root, GError **err)
{
	g_autofree char *path = sysdir_path(root, KMOD_DIR);
	int present = sysdir_probe(root, KMOD_DIR, err);

	if (present < 0)
		return false;
	if (present == 0)
		return capture_malformed(err, path,
			"%s is not loaded: build it with `make -C kmod KDIR=/lib/modules/$(uname -r)/build`, "
			"load it with `insmod kmod/%s.ko`, and mount debugfs on /sys/kernel/debug "
			"(docs/kmod-protocol.md)", KMOD_NAME, KMOD_NAME);
	return true;
}

static bool read_version(const struct sysdir *root, struct kmod_info *info, GError **err)
{
	g_autofree char *version = sysdir_read_attr(root, KMOD_DIR "/version", err);
	g_autofree char *text = NULL;
	g_autofree char *path = sysdir_path(root, KMOD_DIR "/info");
	uint64_t v;

	if (!version)
		return false;
	if (!parse_u64_exact(version, "%" PRIu64, 10, &v) || v != KMOD_PROTOCOL) {
		g_autofree char *vpath = sysdir_path(root, KMOD_DIR "/version");
		return capture_malformed(err, vpath, "protocol \"%s\", but this hotplugfs speaks %d: "
					 "load the module built from the same source", version,
					 KMOD_PROTOCOL);
	}
	text = sysdir_read(root, KMOD_DIR "/info", SYSFS_ATTR_MAX, NULL, err);
	if (!text)
		return false;
	if (!kmod_parse_info(text, info) || info->protocol != KMOD_PROTOCOL)
		return capture_malformed(err, path, "not the info of protocol %d", KMOD_PROTOCOL);
	return true;
}

/* The whole of a module file whose lines are parsed one by one. */
static char *read_lines(const struct sysdir *root, const char *rel, GError **err)
{
	gsize len;
	char *text = sysdir_read(root, rel, KMOD_FILE_MAX, &len, err);

	if (text && (strlen(text) != len || (len && text[len - 1] != '\n'))) {
		g_autofree char *path = sysdir_path(root, rel);
		capture_malformed(err, path, "not lines of text ending in a newline");
		g_free(text);
		return NULL;
	}
	return text;
}

static json_object *resource_json(const struct kmod_resource *r)
{
	json_object *o = json_object_new_object();
	uint32_t flags;
	int desc;

	json_object_object_add(o, "start", json_hex(r->start));
	json_object_object_add(o, "end", json_hex(r->end));
	json_object_object_add(o, "name", json_object_new_string(r->name));
	/* The loader gives a name its kernel's flags and desc: only what
	 * differs is written. */
	resource_default_flags(r->name, &flags, &desc);
	if (r->flags != flags) {
		g_autofree char *hex = g_strdup_printf("0x%" PRIx32, r->flags);
		json_object_object_add(o, "flags", json_object_new_string(hex));
	}
	if (r->desc != desc)
		json_object_object_add(o, "desc",
				       json_object_new_string(iores_desc_to_string(r->desc)));
	return o;
}

/* r_show(), kernel/resource.c 6.1 and 6.12: iomem_resource ends above
 * 0xffff, so addresses print at least 8 digits; depth 5 and deeper indent 10. */
static void render_resource(GString *out, const struct kmod_resource *r, bool privileged)
{
	g_string_append_printf(out, "%*s%08" PRIx64 "-%08" PRIx64 " : %s\n",
			       2 * (int)MIN(r->depth, 5u), "", privileged ? r->start : 0,
			       privileged ? r->end : 0, r->name);
}

/* The tree from lines in pre-order with their depth. */
static bool parse_iomem(char *text, const char *path, struct kmod_capture *k, GError **err)
{
	g_autoptr(GPtrArray) stack = g_ptr_array_new();   /* json_object *, by depth */
	unsigned lineno = 0;

	k->iomem = json_object_new_array();
	k->iomem_text = g_string_new(NULL);
	k->iomem_zeroed = g_string_new(NULL);
	for (char *line = text, *nl; *line; line = nl + 1) {
		struct kmod_resource r;
		json_object *o, *kids;

		nl = strchr(line, '\n');
		*nl = '\0';
		lineno++;
		if (!kmod_parse_resource(line, &r))
			return capture_malformed(err, path, "line %u: not \"depth=D start=0xS end=0xE "
						 "flags=0xF desc=N name=NAME\"", lineno);
		if (r.depth > stack->len)
			return capture_malformed(err, path, "line %u: depth %u below a resource of "
						 "depth %u", lineno, r.depth, stack->len - 1);
		if (!iores_desc_to_string(r.desc))
			return capture_malformed(err, path, "line %u: desc=%d is not an IORES_DESC_* "
						 "this hotplugfs knows", lineno, r.desc);
		render_resource(k->iomem_text, &r, true);
		render_resource(k->iomem_zeroed, &r, false);
		o = resource_json(&r);
		g_ptr_array_set_size(stack, r.depth);
		if (r.depth == 0) {
			json_object_array_add(k->iomem, o);
		} else {
			json_object *parent = g_ptr_array_index(stack, r.depth - 1);

			if (!json_object_object_get_ex(parent, "children", &kids)) {
				kids = json_object_new_array();
				json_object_object_add(parent, "children", kids);
			}
			json_object_array_add(kids, o);
		}
		g_ptr_array_add(stack, o);
	}
	return true;
}

static bool read_iomem(const struct sysdir *root, struct kmod_capture *k, GError **err)
{
	g_autofree char *path = sysdir_path(root, KMOD_DIR "/iomem");
	g_autofree char *text = NULL;

	for (int tries = 0; !text; tries++) {
		text = read_lines(root, KMOD_DIR "/iomem", err);
		if (text || tries + 1 == IOMEM_TRIES || !err || (*err)->code != EAGAIN)
			break;
		g_clear_error(err);
		g_usleep(10000);
	}
	return text && parse_iomem(text, path, k, err);
}

static bool read_blocks(const struct sysdir *root, struct kmod_capture *k, GError **err)
{
	g_autofree char *path = sysdir_path(root, KMOD_DIR "/blocks");
	g_autofree char *text = read_lines(root, KMOD_DIR "/blocks", err);
	unsigned lineno = 0;

	if (!text)
		return false;
	k->blocks = g_array_new(FALSE, FALSE, sizeof(struct kmod_block));
	for (char *line = text, *nl; *line; line = nl + 1) {
		struct kmod_block b;

		nl = strchr(line, '\n');
		*nl = '\0';
		lineno++;
		if (!kmod_parse_block(line, &b))
			return capture_malformed(err, path, "line %u: not a block as protocol %d "
						 "prints it", lineno, KMOD_PROTOCOL);
		if (k->blocks->len &&
		    g_array_index(k->blocks, struct kmod_block, k->blocks->len - 1).id >= b.id)
			return capture_malformed(err, path, "line %u: memory%" PRIu64 " is not in "
						 "ascending order", lineno, b.id);
		g_array_append_val(k->blocks, b);
	}
	return true;
}

bool kmod_capture_read(const struct sysdir *root, struct kmod_capture *k, GError **err)
{
	memset(k, 0, sizeof(*k));
	return kmod_capture_present(root, err) && read_version(root, &k->info, err) &&
	       read_iomem(root, k, err) && read_blocks(root, k, err);
}

void kmod_capture_clear(struct kmod_capture *k)
{
	if (k->iomem_text)
		g_string_free(k->iomem_text, TRUE);
	if (k->iomem_zeroed)
		g_string_free(k->iomem_zeroed, TRUE);
	json_object_put(k->iomem);
	if (k->blocks)
		g_array_unref(k->blocks);
	memset(k, 0, sizeof(*k));
}

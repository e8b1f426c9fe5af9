/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "kmod_files.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

/* The fields of one line, split at single spaces; a value is the text up to
 * the next space (the iomem name, the rest of the line, is taken apart). */
#define MAX_FIELDS 24

struct fields {
	unsigned n;
	struct { const char *key, *val; size_t klen, vlen; } f[MAX_FIELDS];
};

static bool split(const char *line, struct fields *out)
{
	const char *p = line;

	out->n = 0;
	while (*p) {
		const char *eq = strchr(p, '='), *sp;

		if (!eq || eq == p || out->n == MAX_FIELDS)
			return false;
		sp = strchr(eq, ' ');
		if (!sp)
			sp = eq + strlen(eq);
		out->f[out->n].key = p;
		out->f[out->n].klen = (size_t)(eq - p);
		out->f[out->n].val = eq + 1;
		out->f[out->n].vlen = (size_t)(sp - eq - 1);
		out->n++;
		p = *sp ? sp + 1 : sp;
	}
	return true;
}

/* The value of key as a NUL-terminated copy in buf; NULL when absent. */
static const char *field(const struct fields *fs, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	for (unsigned i = 0; i < fs->n; i++) {
		if (fs->f[i].klen != klen || memcmp(fs->f[i].key, key, klen))
			continue;
		if (fs->f[i].vlen >= size)
			return NULL;
		memcpy(buf, fs->f[i].val, fs->f[i].vlen);
		buf[fs->f[i].vlen] = '\0';
		return buf;
	}
	return NULL;
}

/* A number as the module prints it: "0x" hex, or decimal (signed allowed). */
static bool number(const char *s, int64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	bool neg = s && s[0] == '-';
	uint64_t v;

	if (!s || !*s)
		return false;
	errno = 0;
	if (g_str_has_prefix(s, "0x"))
		v = g_ascii_strtoull(s + 2, &end, 16);
	else
		v = g_ascii_strtoull(s + neg, &end, 10);
	if (errno || *end || end == s + neg || (g_str_has_prefix(s, "0x") && end == s + 2))
		return false;
	if (neg) {
		if (v > (uint64_t)-min)
			return false;
		*out = (uint64_t)-(int64_t)v;
		return true;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool get_u64(const struct fields *fs, const char *key, uint64_t *out)
{
	char buf[32];

	return number(field(fs, key, buf, sizeof(buf)), 0, UINT64_MAX, out);
}

static bool get_int(const struct fields *fs, const char *key, int *out)
{
	char buf[32];
	uint64_t v;

	if (!number(field(fs, key, buf, sizeof(buf)), INT32_MIN, INT32_MAX, &v))
		return false;
	*out = (int)(int64_t)v;
	return true;
}

/* "-" (no value) or a number. */
static bool get_optional_u64(const struct fields *fs, const char *key, bool *present,
			     uint64_t *out)
{
	char buf[32];
	const char *s = field(fs, key, buf, sizeof(buf));

	if (s && !strcmp(s, "-")) {
		*present = false;
		return true;
	}
	*present = true;
	return number(s, 0, UINT64_MAX, out);
}

bool kmod_release_version(const char *release, unsigned *kernel)
{
	unsigned maj, min;
	int end = 0;

	if (sscanf(release, "%u.%u%n", &maj, &min, &end) != 2 || maj > 99 || min > 99 ||
	    (release[end] && !strchr(".-+", release[end])))
		return false;
	*kernel = maj * 100 + min;
	return true;
}

bool kmod_parse_info(const char *text, struct kmod_info *out)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	struct fields fs = { 0 };
	uint64_t v;
	char buf[sizeof(out->release)];

	/* One "key=value" per line: gather them as the fields of one line. */
	for (char **l = lines; *l && fs.n < MAX_FIELDS; l++) {
		const char *eq = strchr(*l, '=');

		if (!**l)
			continue;
		if (!eq || eq == *l)
			return false;
		fs.f[fs.n].key = *l;
		fs.f[fs.n].klen = (size_t)(eq - *l);
		fs.f[fs.n].val = eq + 1;
		fs.f[fs.n].vlen = strlen(eq + 1);
		fs.n++;
	}
	memset(out, 0, sizeof(*out));
	if (!get_u64(&fs, "protocol", &v) || v > UINT32_MAX)
		return false;
	out->protocol = (unsigned)v;
	if (!field(&fs, "release", buf, sizeof(buf)))
		return false;
	memcpy(out->release, buf, sizeof(buf));
	return get_u64(&fs, "block_size", &out->block_size) && out->block_size &&
	       get_u64(&fs, "pages_per_block", &out->pages_per_block) && out->pages_per_block;
}

bool kmod_parse_resource(char *line, struct kmod_resource *out)
{
	char *name = strstr(line, " name=");
	struct fields fs;
	uint64_t depth, flags, desc;

	if (!name)
		return false;
	*name = '\0';
	out->name = name + strlen(" name=");
	if (!split(line, &fs) || !get_u64(&fs, "depth", &depth) || depth > 1024 ||
	    !get_u64(&fs, "start", &out->start) || !get_u64(&fs, "end", &out->end) ||
	    out->end < out->start || !get_u64(&fs, "flags", &flags) || flags > UINT32_MAX ||
	    !get_u64(&fs, "desc", &desc) || desc > 255)
		return false;
	out->depth = (unsigned)depth;
	out->flags = (uint32_t)flags;
	out->desc = (int)desc;
	return true;
}

static const char *const offline_names[] = {
	[KMOD_OFFLINE_NONE] = "-", [KMOD_OFFLINE_OK] = "ok",
	[KMOD_OFFLINE_EINVAL] = "EINVAL", [KMOD_OFFLINE_EBUSY] = "EBUSY",
};

static bool parse_group(const struct fields *fs, struct kmod_block *out)
{
	char type[16];
	bool present;

	if (!get_optional_u64(fs, "group", &out->has_group, &out->group))
		return false;
	if (!out->has_group)
		return true;
	if (!field(fs, "group_type", type, sizeof(type)) ||
	    (strcmp(type, "static") && strcmp(type, "dynamic")) ||
	    !get_int(fs, "group_node", &out->group_node) ||
	    !get_optional_u64(fs, "group_pages", &present, &out->group_pages) || !present)
		return false;
	out->group_dynamic = type[0] == 'd';
	return true;
}

bool kmod_parse_block(const char *line, struct kmod_block *out)
{
	struct fields fs;
	char state[16], offline[16];
	int s = -1;

	memset(out, 0, sizeof(*out));
	if (!split(line, &fs) || !get_u64(&fs, "id", &out->id) ||
	    !field(&fs, "state", state, sizeof(state)) ||
	    (s = block_state_from_string(state)) < 0 || !get_int(&fs, "node", &out->node) ||
	    !field(&fs, "block_zone", out->block_zone, sizeof(out->block_zone)) ||
	    !parse_group(&fs, out) || !get_u64(&fs, "vmemmap_pages", &out->vmemmap_pages) ||
	    !field(&fs, "offline", offline, sizeof(offline)) ||
	    !field(&fs, "reason", out->reason, sizeof(out->reason)))
		return false;
	out->state = (enum block_state)s;
	if (!strcmp(out->reason, "-"))
		out->reason[0] = '\0';
	for (unsigned i = 0; i < G_N_ELEMENTS(offline_names); i++) {
		if (!strcmp(offline, offline_names[i])) {
			out->offline = (enum kmod_offline)i;
			return true;
		}
	}
	return false;
}

bool kmod_parse_event(const char *line, struct kmod_event *out)
{
	struct fields fs;
	char cb[8], name[32];
	uint64_t raw;
	bool altmap;

	memset(out, 0, sizeof(*out));
	if (!split(line, &fs))
		return false;
	if (get_u64(&fs, "lost", &out->lost))
		return out->lost > 0;
	if (!get_u64(&fs, "seq", &out->seq) || !field(&fs, "cb", cb, sizeof(cb)) ||
	    (strcmp(cb, "first") && strcmp(cb, "last")) || !get_u64(&fs, "action", &raw) ||
	    raw > UINT32_MAX || !field(&fs, "name", name, sizeof(name)) ||
	    !get_u64(&fs, "start_pfn", &out->arg.start_pfn) ||
	    !get_u64(&fs, "nr_pages", &out->arg.nr_pages) ||
	    !get_u64(&fs, "block", &out->arg.block) || !get_int(&fs, "ret", &out->ret))
		return false;
	/* The altmap fields exist only on kernels that have them (6.12). */
	altmap = get_u64(&fs, "altmap_start_pfn", &out->arg.altmap_start_pfn);
	if (altmap && !get_u64(&fs, "altmap_nr_pages", &out->arg.altmap_nr_pages))
		return false;
	out->last = cb[0] == 'l';
	out->raw = (unsigned)raw;
	out->known = mem_action_parse(name, &out->action);
	return true;
}

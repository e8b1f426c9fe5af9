/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The control socket's event lines (event_lines.h). */
#include "event_lines.h"

#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"

struct line {
	uint64_t seq;             /* 0: none yet */
	char *text;
	size_t len;
};

struct event_lines {
	struct line v[EVENT_LINES];   /* seq % EVENT_LINES */
};

static json_object *event_json(const struct event *e)
{
	json_object *o = json_object_new_object();
	g_autoptr(GString) line = g_string_new(NULL);

#define ADD(k, v) json_object_object_add(o, k, v)
	switch (e->kind) {
	case EVENT_NOTIFY:
		ADD("event", json_object_new_string("notify"));
		ADD("action", json_object_new_string(mem_action_name(e->action)));
		ADD("raw", json_object_new_int64(e->raw));
		ADD("block", json_object_new_uint64(e->block));
		ADD("start_pfn", json_hex(e->arg.start_pfn));
		ADD("nr_pages", json_hex(e->arg.nr_pages));
		ADD("altmap_start_pfn", json_hex(e->arg.altmap_start_pfn));
		ADD("altmap_nr_pages", json_hex(e->arg.altmap_nr_pages));
		ADD("ret", json_object_new_int(e->ret));
		break;
	case EVENT_UEVENT: {
		char devpath[64];

		snprintf(devpath, sizeof(devpath), "/devices/system/memory/memory%" PRIu64, e->block);
		ADD("event", json_object_new_string("uevent"));
		ADD("action", json_object_new_string(uevent_action_name(e->uevent)));
		ADD("devpath", json_object_new_string(devpath));
		ADD("subsystem", json_object_new_string("memory"));
		ADD("block", json_object_new_uint64(e->block));
		break;
	}
	case EVENT_DEVICE_UEVENT: {
		json_object *env = json_object_new_array();

		ADD("event", json_object_new_string("uevent"));
		ADD("action", json_object_new_string(uevent_action_name(e->uevent)));
		ADD("devpath", json_object_new_string(e->devpath));
		ADD("subsystem", json_object_new_string(e->subsystem));
		for (const char *p = e->env; p && *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);

			json_object_array_add(env, json_object_new_string_len(p, (int)len));
			p += len + (nl ? 1 : 0);
		}
		ADD("env", env);
		break;
	}
	case EVENT_IOMEM:
		ADD("event", json_object_new_string("iomem"));
		ADD("change", json_object_new_string(change_name(e->change)));
		ADD("start", json_hex(e->start));
		ADD("end", json_hex(e->end));
		ADD("name", json_object_new_string(e->name ? e->name : ""));
		break;
	case EVENT_FIRMWARE_MAP:
		ADD("event", json_object_new_string("memmap"));
		ADD("change", json_object_new_string(change_name(e->change)));
		ADD("nr", json_object_new_int64(e->nr));
		ADD("start", json_hex(e->start));
		ADD("end", json_hex(e->end));
		ADD("type", json_object_new_string(e->name ? e->name : ""));
		break;
	case EVENT_DEVICE:
		ADD("event", json_object_new_string("device"));
		ADD("change", json_object_new_string(change_name(e->change)));
		ADD("name", json_object_new_string(e->name ? e->name : ""));
		ADD("start", json_hex(e->start));
		ADD("end", json_hex(e->end));
		break;
	}
	event_format(e, line);
	ADD("line", json_object_new_string(line->str));
	ADD("seq", json_object_new_uint64(e->seq));
#undef ADD
	return o;
}

struct event_lines *event_lines_new(void)
{
	return g_new0(struct event_lines, 1);
}

void event_lines_free(struct event_lines *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < EVENT_LINES; i++)
		g_free(l->v[i].text);
	g_free(l);
}

const char *event_line(struct event_lines *l, const struct event *e, size_t *len)
{
	struct line *t = &l->v[e->seq % EVENT_LINES];

	if (t->seq != e->seq) {
		json_object *o = event_json(e);
		const char *text = json_object_to_json_string_length(
			o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &t->len);

		g_free(t->text);
		t->text = g_strndup(text, t->len);
		t->seq = e->seq;
		json_object_put(o);
	}
	*len = t->len;
	return t->text;
}

json_object *event_line_json(struct event_lines *l, const struct event *e)
{
	size_t len;
	const char *text = event_line(l, e, &len);

	/* its own copy: the reply may outlive the kept line */
	return json_text(g_strndup(text, len));
}

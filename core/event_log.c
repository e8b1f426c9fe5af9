/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "event_log.h"

#include <inttypes.h>

struct event_subscriber {
	event_fn fn;
	void *ctx;
};

void event_log_init(struct event_log *log)
{
	log->ring = g_new0(struct event, EVENT_LOG_CAPACITY);
	log->next_seq = 1;
	log->subscribers = g_array_new(FALSE, FALSE, sizeof(struct event_subscriber));
}

void event_log_clear(struct event_log *log)
{
	g_free(log->ring);
	log->ring = NULL;
	g_array_free(log->subscribers, TRUE);
	log->subscribers = NULL;
}

uint64_t event_log_add(struct event_log *log, struct event e)
{
	struct event *kept = &log->ring[log->next_seq % EVENT_LOG_CAPACITY];

	e.seq = log->next_seq++;
	*kept = e;
	for (guint i = 0; i < log->subscribers->len; i++) {
		const struct event_subscriber *s =
			&g_array_index(log->subscribers, struct event_subscriber, i);

		s->fn(s->ctx, kept);
	}
	return e.seq;
}

void event_log_subscribe(struct event_log *log, event_fn fn, void *ctx)
{
	struct event_subscriber s = { fn, ctx };

	g_array_append_val(log->subscribers, s);
}

void event_log_unsubscribe(struct event_log *log, event_fn fn, void *ctx)
{
	for (guint i = 0; i < log->subscribers->len; i++) {
		const struct event_subscriber *s =
			&g_array_index(log->subscribers, struct event_subscriber, i);

		if (s->fn == fn && s->ctx == ctx) {
			g_array_remove_index(log->subscribers, i);
			return;
		}
	}
}

const struct event *event_log_get(const struct event_log *log, uint64_t seq)
{
	if (seq == 0 || seq >= log->next_seq || log->next_seq - seq > EVENT_LOG_CAPACITY)
		return NULL;
	return &log->ring[seq % EVENT_LOG_CAPACITY];
}

static const char *const uevent_names[] = {
	[UEVENT_ADD] = "add", [UEVENT_REMOVE] = "remove",
	[UEVENT_ONLINE] = "online", [UEVENT_OFFLINE] = "offline",
};

const char *uevent_action_name(enum uevent_action a)
{
	return uevent_names[a];
}

static const char *const change_names[] = {
	[CHANGE_ADD] = "add", [CHANGE_REMOVE] = "remove", [CHANGE_RESIZE] = "resize",
	[CHANGE_BIND] = "bind", [CHANGE_UNBIND] = "unbind",
};

const char *change_name(enum change c)
{
	return change_names[c];
}

void event_format(const struct event *e, GString *out)
{
	if (e->kind == EVENT_IOMEM) {
		g_string_append_printf(out, "seq=%" PRIu64 " iomem %s %" PRIx64 "-%" PRIx64 " : %s",
				       e->seq, change_names[e->change], e->start, e->end, e->name);
		return;
	}
	if (e->kind == EVENT_FIRMWARE_MAP) {
		g_string_append_printf(out, "seq=%" PRIu64 " memmap %s %u 0x%" PRIx64 " 0x%" PRIx64
				       " %s", e->seq, change_names[e->change], e->nr, e->start,
				       e->end, e->name);
		return;
	}
	if (e->kind == EVENT_DEVICE) {
		g_string_append_printf(out, "seq=%" PRIu64 " device %s %s %" PRIx64 "-%" PRIx64,
				       e->seq, change_names[e->change], e->name, e->start, e->end);
		return;
	}
	if (e->kind == EVENT_UEVENT) {
		/* kobject_uevent_env(): memory blocks add no variables of their own. */
		g_string_append_printf(out, "seq=%" PRIu64 " uevent ACTION=%s "
				       "DEVPATH=/devices/system/memory/memory%" PRIu64
				       " SUBSYSTEM=memory SEQNUM=%" PRIu64, e->seq,
				       uevent_names[e->uevent], e->block, e->seq);
		return;
	}
	g_string_append_printf(out, "seq=%" PRIu64 " notify %s(%u) block=%" PRIu64
			       " start_pfn=0x%" PRIx64 " nr_pages=0x%" PRIx64
			       " altmap_start_pfn=0x%" PRIx64 " altmap_nr_pages=0x%" PRIx64
			       " ret=0x%x", e->seq, mem_action_name(e->action), e->raw, e->block,
			       e->arg.start_pfn, e->arg.nr_pages, e->arg.altmap_start_pfn,
			       e->arg.altmap_nr_pages, (unsigned)e->ret);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "event_log.h"

#include <inttypes.h>

void event_log_init(struct event_log *log)
{
	log->ring = g_new0(struct event, EVENT_LOG_CAPACITY);
	log->next_seq = 1;
}

void event_log_clear(struct event_log *log)
{
	g_free(log->ring);
	log->ring = NULL;
}

struct event *event_log_add(struct event_log *log, enum event_kind kind)
{
	struct event *e = &log->ring[log->next_seq % EVENT_LOG_CAPACITY];

	*e = (struct event){ .seq = log->next_seq++, .kind = kind };
	return e;
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

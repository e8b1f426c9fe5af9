/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Each event as the control socket sends it (docs/control-protocol.md,
 * "Events"): one JSON object, made once and kept for the most recent
 * EVENT_LINES seqs, since every watcher gets the same line and "events"
 * replies list the same events again.
 */
#ifndef HOTPLUGFS_EVENT_LINES_H
#define HOTPLUGFS_EVENT_LINES_H

#include <json-c/json.h>
#include <stddef.h>

#include "event_log.h"

#define EVENT_LINES 4096

struct event_lines;

/* For one event log: a seq names one event for the log's whole life. */
struct event_lines *event_lines_new(void);
void event_lines_free(struct event_lines *l);
/* e's object as text, without a newline; valid until the line of a seq
 * that is a multiple of EVENT_LINES away is asked for. */
const char *event_line(struct event_lines *l, const struct event *e, size_t *len);
/* e's object, for a reply that lists events: it prints as event_line(). */
json_object *event_line_json(struct event_lines *l, const struct event *e);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "event_log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct event_subscriber {
	event_fn fn;
	void *ctx;
};

void event_log_init(struct event_log *log)
{
	log->ring = g_new0(struct event, EVENT_LOG_CAPACITY);
	log->next_seq = 1;
	log->subscribers = g_array_new(FALSE, FALSE, sizeof(struct event_subscriber));
	log->queued = g_array_new(FALSE, FALSE, sizeof(uint64_t));
}

void event_log_clear(struct event_log *log)
{
	g_free(log->ring);
	log->ring = NULL;
	g_array_free(log->subscribers, TRUE);
	log->subscribers = NULL;
	g_array_free(log->queued, TRUE);
	log->queued = NULL;
}

static void tell(struct event_log *log, const struct event *e)
{
	for (guint i = 0; i < log->subscribers->len; i++) {
		const struct event_subscriber *s =
			&g_array_index(log->subscribers, struct event_subscriber, i);

		s->fn(s->ctx, e);
	}
}

uint64_t event_log_add(struct event_log *log, struct event e)
{
	struct event *kept = &log->ring[log->next_seq % EVENT_LOG_CAPACITY];

	e.seq = log->next_seq++;
	*kept = e;
	if (log->telling) {
		g_array_append_val(log->queued, e.seq);
		return e.seq;
	}
	log->telling = true;
	tell(log, kept);
	for (guint i = 0; i < log->queued->len; i++) {
		const struct event *q = event_log_get(log, g_array_index(log->queued, uint64_t, i));

		if (q)
			tell(log, q);
	}
	g_array_set_size(log->queued, 0);
	log->telling = false;
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

/* kobject_actions[], lib/kobject_uevent.c */
static const char *const uevent_names[] = {
	[UEVENT_ADD] = "add", [UEVENT_REMOVE] = "remove", [UEVENT_CHANGE] = "change",
	[UEVENT_MOVE] = "move", [UEVENT_ONLINE] = "online", [UEVENT_OFFLINE] = "offline",
	[UEVENT_BIND] = "bind", [UEVENT_UNBIND] = "unbind",
};

const char *uevent_action_name(enum uevent_action a)
{
	return uevent_names[a];
}

/* struct kobj_uevent_env, include/linux/kobject.h */
#define UEVENT_NUM_ENVP 64
#define UEVENT_BUFFER_SIZE 2048
#define UUID_STRING_LEN 36

/* An environment being built as add_uevent_var() builds one. */
struct uevent_env {
	unsigned vars;
	size_t used;
};

/* add_uevent_var(): false (-ENOMEM in the kernel) when the variable does not
 * fit: too many, or its text and NUL past the buffer. */
static bool env_add(struct uevent_env *env, size_t len)
{
	if (env->vars >= UEVENT_NUM_ENVP || len >= UEVENT_BUFFER_SIZE - env->used)
		return false;
	env->vars++;
	env->used += len + 1;
	return true;
}

/* One trailing newline or NUL is not part of what was written. */
static size_t strip_one(const char *buf, size_t len)
{
	return len && (buf[len - 1] == '\n' || buf[len - 1] == '\0') ? len - 1 : len;
}

/* uuid_is_valid(), lib/uuid.c: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in hex. */
static bool uuid_valid(const char *s)
{
	for (int i = 0; i < UUID_STRING_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!g_ascii_isxdigit(s[i])) {
			return false;
		}
	}
	return true;
}

/* action_arg_word_end(): the end of a word of letters and digits that stops
 * at delim or after last; NULL when empty or another character comes first. */
static const char *arg_word_end(const char *p, const char *last, char delim)
{
	const char *start = p;

	while (p <= last && *p != delim)
		if (!g_ascii_isalnum(*p++))
			return NULL;
	return p == start ? NULL : p;
}

/* kobject_action_args(): "UUID[ KEY=value]..." */
static int parse_args(const char *buf, size_t len, GString *synth)
{
	struct uevent_env env = { 0 };
	const char *next, *last;

	len = strip_one(buf, len);
	if (len < UUID_STRING_LEN || !uuid_valid(buf) ||
	    !env_add(&env, strlen("SYNTH_UUID=") + UUID_STRING_LEN))
		return -EINVAL;
	g_string_append_printf(synth, "SYNTH_UUID=%.*s\n", UUID_STRING_LEN, buf);
	next = buf + UUID_STRING_LEN;
	last = buf + len - 1;
	while (next <= last) {
		const char *key, *value;
		size_t key_len, value_len;

		if (*next != ' ')
			return -EINVAL;
		key = ++next;
		if (key > last)
			return -EINVAL;
		next = arg_word_end(key, last, '=');
		if (!next || next > last || *next != '=')
			return -EINVAL;
		value = ++next;
		if (value > last)
			return -EINVAL;
		next = arg_word_end(value, last, ' ');
		if (!next)
			return -EINVAL;
		key_len = (size_t)(value - 1 - key);
		value_len = (size_t)(next - value);
		if (!env_add(&env, strlen("SYNTH_ARG_=") + key_len + value_len))
			return -EINVAL;
		g_string_append_printf(synth, "SYNTH_ARG_%.*s=%.*s\n", (int)key_len, key,
				       (int)value_len, value);
	}
	return 0;
}

int uevent_synth_parse(const char *buf, size_t len, enum uevent_action *action, GString *synth)
{
	/* kobject_action_type() */
	size_t n = strip_one(buf, len), word;
	const char *space;
	int rc;

	if (!n)
		return -EINVAL;
	space = memchr(buf, ' ', n);
	word = space ? (size_t)(space - buf) : n;
	for (unsigned a = 0; a < G_N_ELEMENTS(uevent_names); a++) {
		if (strlen(uevent_names[a]) != word || memcmp(uevent_names[a], buf, word) != 0)
			continue;
		g_string_truncate(synth, 0);
		if (!space) {
			/* kobject_synth_uevent(): no arguments, no_uuid_envp */
			g_string_append(synth, "SYNTH_UUID=0\n");
			*action = (enum uevent_action)a;
			return 0;
		}
		/* The arguments are what follows the space in what was written. */
		rc = parse_args(space + 1, len - word - 1, synth);
		if (rc < 0) {
			g_string_truncate(synth, 0);
			return rc;
		}
		*action = (enum uevent_action)a;
		return 0;
	}
	return -EINVAL;
}

int uevent_env_fits(enum uevent_action action, const char *devpath, const char *subsystem,
		    const char *extra, uint64_t seq)
{
	struct uevent_env env = { 0 };
	char seqnum[32];
	bool ok;

	ok = env_add(&env, strlen("ACTION=") + strlen(uevent_names[action])) &&
	     env_add(&env, strlen("DEVPATH=") + strlen(devpath)) &&
	     env_add(&env, strlen("SUBSYSTEM=") + strlen(subsystem));
	for (const char *p = extra; ok && p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);

		ok = env_add(&env, l);
		p += l + (nl ? 1 : 0);
	}
	snprintf(seqnum, sizeof(seqnum), "SEQNUM=%" PRIu64, seq);
	return ok && env_add(&env, strlen(seqnum)) ? 0 : -ENOMEM;
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
	if (e->kind == EVENT_DEVICE_UEVENT) {
		g_string_append_printf(out, "seq=%" PRIu64 " uevent ACTION=%s DEVPATH=%s SUBSYSTEM=%s ",
				       e->seq, uevent_names[e->uevent], e->devpath, e->subsystem);
		for (const char *p = e->env; p && *p; p++)
			g_string_append_c(out, *p == '\n' ? ' ' : *p);
		g_string_append_printf(out, "SEQNUM=%" PRIu64, e->seq);
		return;
	}
	if (e->kind == EVENT_UEVENT) {
		/* kobject_uevent_env(): memory blocks add no variables of their own;
		 * a synthetic uevent's come after SUBSYSTEM. */
		g_string_append_printf(out, "seq=%" PRIu64 " uevent ACTION=%s "
				       "DEVPATH=/devices/system/memory/memory%" PRIu64
				       " SUBSYSTEM=memory ", e->seq, uevent_names[e->uevent], e->block);
		for (const char *p = e->synth; p && *p; p++)
			g_string_append_c(out, *p == '\n' ? ' ' : *p);
		g_string_append_printf(out, "SEQNUM=%" PRIu64, e->seq);
		return;
	}
	g_string_append_printf(out, "seq=%" PRIu64 " notify %s(%u) block=%" PRIu64
			       " start_pfn=0x%" PRIx64 " nr_pages=0x%" PRIx64
			       " altmap_start_pfn=0x%" PRIx64 " altmap_nr_pages=0x%" PRIx64
			       " ret=0x%x", e->seq, mem_action_name(e->action), e->raw, e->block,
			       e->arg.start_pfn, e->arg.nr_pages, e->arg.altmap_start_pfn,
			       e->arg.altmap_nr_pages, (unsigned)e->ret);
}

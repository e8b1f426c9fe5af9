/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket (control.h, docs/control-protocol.md).  Everything here
 * runs in the FUSE loop thread and never blocks: sockets are nonblocking,
 * input is split into lines per client, output is buffered per client.  A
 * client whose unsent replies pile up is not read from until it catches up;
 * a watcher whose unsent events pass its limit is told "overflow" and
 * dropped.  What is held for all clients together is bounded too: past it,
 * no client's requests are read and the watchers furthest behind overflow.
 * Only the daemon's own user may connect (SO_PEERCRED), and clients that sit
 * idle or read nothing of their output are closed after a while.
 */
#include "control.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend.h"
#include "errors.h"
#include "event_lines.h"
#include "event_log.h"
#include "inval.h"
#include "json_strict.h"
#include "jsonutil.h"

#define LINE_MAX_BYTES (64 * 1024)      /* a longer request line is refused */
#define OUT_PAUSE (256 * 1024)          /* unsent bytes that stop request reading */
#define MAX_CLIENTS 256
#define CLOSE_GRACE_US (30 * G_USEC_PER_SEC)  /* to read a last error or overflow */
#define EVENTS_LIMIT_DEFAULT 1000

static const struct control_limits default_limits = {
	.out_total = 32 * 1024 * 1024,  /* unsent and held bytes, all clients together */
	.watch_max = 4 * 1024 * 1024,   /* unsent bytes a watcher may lag behind */
	.idle_ms = 60 * 1000,           /* nothing under way, nothing sent */
	.stall_ms = 60 * 1000,          /* output waiting, none of it read */
};

struct client {
	int fd;
	GString *in;
	size_t in_off;            /* start of the unconsumed input */
	GString *out;
	size_t out_off;           /* start of the unsent output */
	bool mid_line;            /* what was sent ends inside a line (out may no
				   longer hold its start) */
	GString *held;            /* replies waiting for batch `hold` */
	uint64_t hold;
	bool watching;
	uint64_t watched;         /* last event seq sent to a watcher */
	bool eof;                 /* the peer will send nothing more */
	bool hup;                 /* poll said the peer is gone */
	bool closing;             /* no more requests; close once drained */
	gint64 deadline;          /* when closing: monotonic µs */
	gint64 last_input;        /* when it last sent something (or connected) */
	gint64 waiting_since;     /* when its output last made progress; 0: none unsent */
	bool dead;                /* close now */
};

struct control {
	struct backend *b;
	control_stats_fn stats;   /* the front end's counters, or NULL */
	void *stats_ctx;
	struct inval *iv;
	char *path;               /* absolute, for the unlink at the end */
	dev_t dev;
	ino_t ino;
	int lfd;
	GPtrArray *clients;       /* struct client * */
	guint polled;             /* clients whose pollfds the last control_poll_fds added */
	gint64 accept_again;      /* out of descriptors: not listening until then (µs) */
	uint64_t done;            /* last invalidation batch done */
	struct control_limits limits;
	uid_t owner;              /* the daemon's user: the only one served */
	size_t buffered;          /* unsent and held bytes of all clients */
	struct event_lines *lines;
};

/* ---- sockets ---------------------------------------------------------------- */

/* True when something accepts connections at path. */
static bool socket_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return true;   /* cannot tell: do not remove it */
	alive = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 || errno != ECONNREFUSED;
	close(fd);
	return alive;
}

static int listen_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "hotplugfs: control socket path %s is longer than %zu bytes\n", path,
			sizeof(sa.sun_path) - 1);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr, "hotplugfs: %s exists and is not a socket\n", path);
			return -1;
		}
		if (socket_alive(&sa)) {
			fprintf(stderr, "hotplugfs: control socket %s is in use\n", path);
			return -1;
		}
		unlink(path);   /* left behind by a daemon that died */
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("hotplugfs: socket");
		return -1;
	}
	/* Born 0600: no window in which another user could connect. */
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0 || chmod(path, 0600) != 0 || listen(fd, 64) != 0) {
		fprintf(stderr, "hotplugfs: control socket %s: %s\n", path, strerror(errno));
		if (rc == 0)
			unlink(path);
		close(fd);
		return -1;
	}
	return fd;
}

struct control *control_new(struct backend *b, const char *path, struct inval *iv,
			    control_stats_fn stats, void *stats_ctx)
{
	struct control *c;
	struct stat st;
	int fd = listen_at(path);

	if (fd < 0)
		return NULL;
	c = g_new0(struct control, 1);
	c->b = b;
	c->stats = stats;
	c->stats_ctx = stats_ctx;
	c->iv = iv;
	c->lfd = fd;
	c->limits = default_limits;
	c->owner = geteuid();
	if (g_path_is_absolute(path)) {
		c->path = g_strdup(path);
	} else {
		g_autofree char *cwd = g_get_current_dir();

		c->path = g_build_filename(cwd, path, NULL);
	}
	if (stat(path, &st) == 0) {
		c->dev = st.st_dev;
		c->ino = st.st_ino;
	}
	c->clients = g_ptr_array_new();
	c->lines = event_lines_new();
	return c;
}

void control_set_limits(struct control *c, const struct control_limits *limits)
{
	c->limits = *limits;
}

size_t control_buffered(const struct control *c)
{
	return c->buffered;
}

static void client_free(struct client *cl)
{
	close(cl->fd);
	g_string_free(cl->in, TRUE);
	g_string_free(cl->out, TRUE);
	g_string_free(cl->held, TRUE);
	g_free(cl);
}

void control_free(struct control *c)
{
	struct stat st;

	if (!c)
		return;
	for (guint i = 0; i < c->clients->len; i++)
		client_free(g_ptr_array_index(c->clients, i));
	g_ptr_array_free(c->clients, TRUE);
	close(c->lfd);
	/* Only if it is still ours: a new daemon may have taken the name. */
	if (stat(c->path, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino)
		unlink(c->path);
	g_free(c->path);
	event_lines_free(c->lines);
	g_free(c);
}

/* ---- output ----------------------------------------------------------------- */

static size_t unsent(const struct client *cl)
{
	return cl->out->len - cl->out_off;
}

/* One line for cl: to its output, or to its held replies. */
static void append_line(struct control *c, struct client *cl, GString *to, const char *text,
			size_t len)
{
	if (to == cl->out && !unsent(cl))
		cl->waiting_since = g_get_monotonic_time();
	g_string_append_len(to, text, (gssize)len);
	g_string_append_c(to, '\n');
	c->buffered += len + 1;
}

static void append_json(struct control *c, struct client *cl, GString *to, json_object *o)
{
	size_t len;
	const char *text = json_object_to_json_string_length(
		o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

	append_line(c, cl, to, text, len);
}

static void flush(struct control *c, struct client *cl)
{
	while (unsent(cl) > 0 && !cl->dead) {
		ssize_t n = send(cl->fd, cl->out->str + cl->out_off, unsent(cl),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			cl->out_off += (size_t)n;
			cl->mid_line = cl->out->str[cl->out_off - 1] != '\n';
			c->buffered -= (size_t)n;
			cl->waiting_since = g_get_monotonic_time();
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			break;
		} else {
			cl->dead = true;   /* EPIPE, ECONNRESET: nobody to tell */
		}
	}
	if (unsent(cl) == 0) {
		g_string_truncate(cl->out, 0);
		cl->out_off = 0;
		cl->waiting_since = 0;
	} else if (cl->out_off > 65536 && cl->out_off > cl->out->len / 2) {
		g_string_erase(cl->out, 0, (gssize)cl->out_off);
		cl->out_off = 0;
	}
}

static void start_closing(struct client *cl)
{
	if (cl->closing)
		return;
	cl->closing = true;
	cl->deadline = g_get_monotonic_time() + CLOSE_GRACE_US;
}

/* ---- events ----------------------------------------------------------------- */


/* Oldest seq the ring still has. */
static uint64_t oldest_kept(const struct event_log *log)
{
	return log->next_seq > EVENT_LOG_CAPACITY ? log->next_seq - EVENT_LOG_CAPACITY : 1;
}

/* Drops the events not yet sent (keeping a line already half sent, so the
 * framing holds), says overflow and closes.  Half sent is what was sent, not
 * out's byte before out_off: flush() may have dropped the sent part. */
static void overflow(struct control *c, struct client *cl)
{
	json_object *o = json_object_new_object();
	size_t keep = cl->out_off;

	if (cl->mid_line) {
		const char *nl = memchr(cl->out->str + keep, '\n', cl->out->len - keep);

		keep = nl ? (size_t)(nl - cl->out->str) + 1 : cl->out->len;
	}
	c->buffered -= cl->out->len - keep;
	g_string_truncate(cl->out, keep);
	json_object_object_add(o, "event", json_object_new_string("overflow"));
	json_object_object_add(o, "seq", json_object_new_uint64(cl->watched));
	append_json(c, cl, cl->out, o);
	json_object_put(o);
	cl->watching = false;
	start_closing(cl);
}

/* The watcher with the most output unsent, or NULL. */
static struct client *furthest_behind(const struct control *c)
{
	struct client *worst = NULL;

	for (guint i = 0; i < c->clients->len; i++) {
		struct client *cl = g_ptr_array_index(c->clients, i);

		if (cl->watching && !cl->dead && (!worst || unsent(cl) > unsent(worst)))
			worst = cl;
	}
	return worst;
}

/* Over the total: the watchers furthest behind overflow until it holds
 * (replies cannot be dropped; paused() stops new ones meanwhile). */
static void hold_total(struct control *c)
{
	struct client *w;

	while (c->buffered > c->limits.out_total && (w = furthest_behind(c)) && unsent(w))
		overflow(c, w);
}

static void stream_events(struct control *c, struct client *cl)
{
	const struct event_log *log = c->b->log;
	uint64_t last = event_log_last(log);

	while (cl->watching && cl->watched < last) {
		const struct event *e = event_log_get(log, cl->watched + 1);
		const char *line;
		size_t len;

		if (!e || unsent(cl) > c->limits.watch_max) {
			overflow(c, cl);
			return;
		}
		line = event_line(c->lines, e, &len);
		append_line(c, cl, cl->out, line, len);
		cl->watched++;
		hold_total(c);
	}
}

/* ---- requests ---------------------------------------------------------------- */

static json_object *reply_new(bool ok, json_object *id)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(ok));
	if (id)
		json_object_object_add(r, "id", json_object_get(id));
	return r;
}

static json_object *error_reply(json_object *id, const char *msg, int errnum)
{
	json_object *r = reply_new(false, id);

	json_object_object_add(r, "error", json_object_new_string(msg));
	if (errnum) {
		json_object_object_add(r, "errno", json_object_new_int(errnum));
		json_object_object_add(r, "errno_name", json_object_new_string(errno_name(errnum)));
	}
	return r;
}

static json_object *ok_reply(json_object *id, json_object *result)
{
	json_object *r = reply_new(true, id);

	json_object_object_add(r, "result", result ? result : json_object_new_object());
	return r;
}

/* Reads an optional non-negative integer key; false with *why on a bad one. */
static bool opt_uint(json_object *req, const char *key, bool *has, uint64_t *v, char **why)
{
	json_object *x;

	*has = json_object_object_get_ex(req, key, &x);
	if (!*has)
		return true;
	if (!json_object_is_type(x, json_type_int) || json_object_get_int64(x) < 0) {
		*why = g_strdup_printf("%s: expected a non-negative integer", key);
		return false;
	}
	*v = json_object_get_uint64(x);
	return true;
}

/* Keys other than op and the allowed ones are errors, as in ops.c. */
static bool only_keys(json_object *req, const char *verb, const char *const *allowed, char **why)
{
	json_object_object_foreach(req, key, val) {
		bool ok = !strcmp(key, "op");

		(void)val;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = !strcmp(*a, key);
		if (!ok) {
			*why = g_strdup_printf("%s: unknown key for %s", key, verb);
			return false;
		}
	}
	return true;
}

/* since: events after it are wanted; false with *why when they are gone. */
static bool check_since(const struct event_log *log, uint64_t since, char **why)
{
	uint64_t last = event_log_last(log);

	if (since > last) {
		*why = g_strdup_printf("since: no event %" PRIu64 " yet (the last is %" PRIu64 ")",
				       since, last);
		return false;
	}
	if (since + 1 < oldest_kept(log)) {
		*why = g_strdup_printf("since: the events after %" PRIu64 " are no longer kept (the "
				       "oldest is %" PRIu64 ")", since, oldest_kept(log));
		return false;
	}
	return true;
}

static json_object *do_watch(struct control *c, struct client *cl, json_object *req,
			     json_object *id)
{
	static const char *const keys[] = { "since", NULL };
	const struct event_log *log = c->b->log;
	uint64_t since = event_log_last(log);
	g_autofree char *why = NULL;
	json_object *res;
	bool has;

	if (!only_keys(req, "watch", keys, &why) || !opt_uint(req, "since", &has, &since, &why) ||
	    !check_since(log, since, &why))
		return error_reply(id, why, 0);
	cl->watching = true;
	cl->watched = since;
	res = json_object_new_object();
	json_object_object_add(res, "since", json_object_new_uint64(since));
	json_object_object_add(res, "last", json_object_new_uint64(event_log_last(log)));
	return ok_reply(id, res);
}

static json_object *do_events(struct control *c, json_object *req, json_object *id)
{
	static const char *const keys[] = { "since", "limit", NULL };
	const struct event_log *log = c->b->log;
	uint64_t since = oldest_kept(log) - 1, limit = EVENTS_LIMIT_DEFAULT, seq;
	uint64_t last = event_log_last(log);
	g_autofree char *why = NULL;
	json_object *res, *list;
	bool has_since, has_limit;

	if (!only_keys(req, "events", keys, &why) ||
	    !opt_uint(req, "since", &has_since, &since, &why) ||
	    !opt_uint(req, "limit", &has_limit, &limit, &why) || !check_since(log, since, &why))
		return error_reply(id, why, 0);
	if (limit == 0 || limit > EVENT_LOG_CAPACITY) {
		why = g_strdup_printf("limit: expected 1 to %u", EVENT_LOG_CAPACITY);
		return error_reply(id, why, 0);
	}
	list = json_object_new_array();
	for (seq = since + 1; seq <= last && seq - since <= limit; seq++)
		json_object_array_add(list, event_line_json(c->lines, event_log_get(log, seq)));
	res = json_object_new_object();
	json_object_object_add(res, "events", list);
	json_object_object_add(res, "last", json_object_new_uint64(last));
	json_object_object_add(res, "more", json_object_new_boolean(seq <= last));
	return ok_reply(id, res);
}

static json_object *do_stats(struct control *c, json_object *req, json_object *id)
{
	static const char *const keys[] = { NULL };
	g_autofree char *why = NULL;
	struct inval_stats s = { 0 };
	json_object *res, *inv;

	if (!only_keys(req, "stats", keys, &why))
		return error_reply(id, why, 0);
	if (c->iv)
		inval_get_stats(c->iv, &s);
	res = json_object_new_object();
	json_object_object_add(res, "clients", json_object_new_int((int)c->clients->len));
	json_object_object_add(res, "buffered", json_object_new_uint64(c->buffered));
	json_object_object_add(res, "events", json_object_new_uint64(event_log_last(c->b->log)));
	json_object_object_add(res, "generation", json_object_new_uint64(*c->b->generation));
	inv = json_object_new_object();
	json_object_object_add(inv, "queued", json_object_new_uint64(s.queued));
	json_object_object_add(inv, "dropped", json_object_new_uint64(s.sent));
	json_object_object_add(inv, "not_cached", json_object_new_uint64(s.not_cached));
	json_object_object_add(inv, "failed", json_object_new_uint64(s.failed));
	json_object_object_add(res, "invalidations", inv);
	if (c->stats)
		c->stats(c->stats_ctx, res);
	return ok_reply(id, res);
}

static json_object *do_op(struct control *c, json_object *req, json_object *id)
{
	g_autoptr(GError) err = NULL;
	json_object *result = NULL;
	int ret = backend_op(c->b, req, &result, &err);

	if (ret == 0)
		return ok_reply(id, result);
	json_object_put(result);
	return error_reply(id, err ? err->message : strerror(-ret),
			   g_error_matches(err, OPS_ERROR, OPS_ERROR_KERNEL) ? -ret : 0);
}

/* Parses one line; NULL with *why when it is not one JSON value. */
static json_object *parse_line(const char *line, size_t len, char **why)
{
	struct json_tokener *tok = json_tokener_new_ex(64);
	json_object *o = json_tokener_parse_ex(tok, line, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);

	if (!o) {
		*why = g_strdup_printf("not JSON: %s", jerr == json_tokener_continue
			? "the line ends inside a value" : json_tokener_error_desc(jerr));
	} else {
		while (end < len && g_ascii_isspace(line[end]))
			end++;
		if (end < len) {
			*why = g_strdup_printf("not JSON: unexpected text after the value at byte %zu",
					       end);
			json_object_put(o);
			o = NULL;
		} else if (!json_strict_check(line, len, &end)) {
			/* what json-c takes beyond RFC 8259 ("1.", NaN), and would
			 * print back in the reply's id */
			*why = g_strdup_printf("not JSON: invalid at byte %zu", end);
			json_object_put(o);
			o = NULL;
		}
	}
	json_tokener_free(tok);
	return o;
}

static void handle_line(struct control *c, struct client *cl, const char *line, size_t len)
{
	g_autofree char *why = NULL;
	json_object *req, *id = NULL, *verb, *reply;
	const char *v;
	uint64_t batch;

	while (len > 0 && g_ascii_isspace(line[len - 1]))
		len--;
	if (len == 0)
		return;   /* blank lines keep nothing waiting */
	req = parse_line(line, len, &why);
	if (!req) {
		reply = error_reply(NULL, why, 0);
		goto out;
	}
	if (!json_object_is_type(req, json_type_object)) {
		reply = error_reply(NULL, "expected an object {\"op\": VERB, ...}", 0);
		goto out;
	}
	if (json_object_object_get_ex(req, "id", &id)) {
		id = json_object_get(id);
		json_object_object_del(req, "id");
	}
	if (!json_object_object_get_ex(req, "op", &verb) || !json_object_is_type(verb, json_type_string)) {
		/* machine_op words the error */
		reply = do_op(c, req, id);
		goto out;
	}
	v = json_object_get_string(verb);
	if (!strcmp(v, "watch"))
		reply = do_watch(c, cl, req, id);
	else if (!strcmp(v, "events"))
		reply = do_events(c, req, id);
	else if (!strcmp(v, "stats"))
		reply = do_stats(c, req, id);
	else
		reply = do_op(c, req, id);
out:
	/* An op that removed names is answered once the kernel forgot them. */
	batch = c->iv ? inval_flush(c->iv) : 0;
	if (batch > c->done || cl->held->len) {
		cl->hold = MAX(cl->hold, batch);
		append_json(c, cl, cl->held, reply);
	} else {
		append_json(c, cl, cl->out, reply);
	}
	hold_total(c);
	json_object_put(reply);
	json_object_put(req);
	json_object_put(id);
}

/* No requests of cl are read: it has replies waiting, or everyone has. */
static bool paused(const struct control *c, const struct client *cl)
{
	return cl->held->len > 0 || unsent(cl) > OUT_PAUSE || cl->closing || cl->dead ||
	       c->buffered > c->limits.out_total;
}

static void too_long(struct control *c, struct client *cl)
{
	json_object *r = error_reply(NULL, "request line longer than 65536 bytes", 0);

	append_json(c, cl, cl->out, r);
	json_object_put(r);
	start_closing(cl);
}

/* Runs the complete lines received, in order, while the client may go on. */
static void process_input(struct control *c, struct client *cl)
{
	while (!paused(c, cl)) {
		const char *start = cl->in->str + cl->in_off;
		size_t avail = cl->in->len - cl->in_off;
		const char *nl = memchr(start, '\n', avail);
		size_t len = nl ? (size_t)(nl - start) : avail;

		if (len > LINE_MAX_BYTES) {
			too_long(c, cl);
			break;
		}
		if (!nl && !(cl->eof && avail > 0))
			break;
		handle_line(c, cl, start, len);
		cl->in_off += nl ? len + 1 : len;
	}
	if (cl->in_off == cl->in->len) {
		g_string_truncate(cl->in, 0);
		cl->in_off = 0;
	} else if (cl->in_off > cl->in->len / 2) {
		g_string_erase(cl->in, 0, (gssize)cl->in_off);
		cl->in_off = 0;
	}
}

static void read_input(struct client *cl)
{
	char buf[16384];

	/* Bounded: at most a line's worth beyond what is unprocessed. */
	while (cl->in->len - cl->in_off <= LINE_MAX_BYTES + 1) {
		ssize_t n = recv(cl->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n > 0) {
			g_string_append_len(cl->in, buf, n);
			cl->last_input = g_get_monotonic_time();
		} else if (n == 0) {
			cl->eof = true;
			break;
		} else if (errno == EINTR) {
			continue;
		} else {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				cl->dead = true;
			break;
		}
	}
}

/* ---- the loop's side ---------------------------------------------------------- */

/* Says why and hangs up, without a client slot.  What the peer sent is
 * read first, so that it reads the reason rather than a reset. */
static void refuse(int fd, const char *why)
{
	g_autofree char *msg = g_strdup_printf("{\"ok\":false,\"error\":\"%s\"}\n", why);
	char sink[4096];

	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0;
	for (int i = 0; i < 16 && recv(fd, sink, sizeof(sink), MSG_DONTWAIT) > 0; i++)
		;
	close(fd);
}

/* The socket's mode keeps others out, but root may connect to any socket
 * and a mode can be changed: the peer must be the daemon's own user. */
static bool peer_is_owner(const struct control *c, int fd, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return false;
	*uid = cred.uid;
	return cred.uid == c->owner;
}

static void accept_clients(struct control *c)
{
	for (;;) {
		int fd = accept4(c->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct client *cl;
		uid_t uid = (uid_t)-1;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			/* Out of descriptors: the listener would stay readable and
			 * spin the loop, so stop polling it for a while. */
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				c->accept_again = g_get_monotonic_time() + G_USEC_PER_SEC / 10;
			return;
		}
		if (!peer_is_owner(c, fd, &uid)) {
			g_autofree char *why = g_strdup_printf("permission denied: uid %d is not the "
							       "daemon's user (uid %u)", (int)uid,
							       (unsigned)c->owner);

			refuse(fd, why);
			continue;
		}
		if (c->clients->len >= MAX_CLIENTS) {
			refuse(fd, "too many control clients");
			continue;
		}
		cl = g_new0(struct client, 1);
		cl->fd = fd;
		cl->last_input = g_get_monotonic_time();
		cl->in = g_string_new(NULL);
		cl->out = g_string_new(NULL);
		cl->held = g_string_new(NULL);
		g_ptr_array_add(c->clients, cl);
	}
}

void control_poll_fds(struct control *c, void *pfds_garray)
{
	GArray *pfds = pfds_garray;
	struct pollfd p = { .fd = c->lfd, .events = POLLIN };

	if (c->accept_again && g_get_monotonic_time() < c->accept_again)
		p.fd = -1;
	else
		c->accept_again = 0;

	g_array_append_val(pfds, p);
	for (guint i = 0; i < c->clients->len; i++) {
		const struct client *cl = g_ptr_array_index(c->clients, i);

		p.fd = cl->hup ? -1 : cl->fd;   /* POLLHUP would fire forever */
		p.events = (paused(c, cl) || cl->eof ? 0 : POLLIN) | (unsent(cl) ? POLLOUT : 0);
		p.revents = 0;
		g_array_append_val(pfds, p);
	}
	c->polled = c->clients->len;
}

/* Nothing under way and nothing sent for the idle time: a watcher waits
 * for events and is never idle; a request held up by the total is under way. */
static bool idle(const struct control *c, const struct client *cl)
{
	return !cl->watching && !cl->held->len && !unsent(cl) && !cl->closing &&
	       !(cl->in_off < cl->in->len && paused(c, cl));
}

/* When cl must be dropped for sitting idle or reading none of its output;
 * G_MAXINT64: not now. */
static gint64 expiry(const struct control *c, const struct client *cl)
{
	if (idle(c, cl))
		return cl->last_input + (gint64)c->limits.idle_ms * 1000;
	if (unsent(cl) && cl->waiting_since)
		return cl->waiting_since + (gint64)c->limits.stall_ms * 1000;
	return G_MAXINT64;
}

void control_work(struct control *c, uint64_t done)
{
	gint64 now = g_get_monotonic_time();

	c->done = MAX(c->done, done);
	for (guint i = 0; i < c->clients->len; i++) {
		struct client *cl = g_ptr_array_index(c->clients, i);

		if (cl->held->len && cl->hold <= c->done) {
			if (!unsent(cl))
				cl->waiting_since = now;
			g_string_append_len(cl->out, cl->held->str, (gssize)cl->held->len);
			g_string_truncate(cl->held, 0);
		}
		if (!cl->dead)
			process_input(c, cl);
		/* Events follow the watch reply: none while replies are held. */
		if (cl->watching && !cl->held->len)
			stream_events(c, cl);
		if (cl->hup && !cl->closing) {
			/* Gone: run what it sent, say nothing. */
			if (!paused(c, cl) && cl->in_off == cl->in->len)
				cl->dead = true;
		} else {
			flush(c, cl);
		}
		if (cl->closing && unsent(cl) == 0)
			cl->dead = true;
		if (cl->eof && !cl->watching && !cl->held->len && unsent(cl) == 0 &&
		    cl->in_off == cl->in->len)
			cl->dead = true;
		if (cl->closing && !cl->dead && now >= cl->deadline)
			cl->dead = true;
		if (!cl->dead && now >= expiry(c, cl))
			cl->dead = true;
	}
	for (guint i = c->clients->len; i-- > 0;) {
		struct client *cl = g_ptr_array_index(c->clients, i);

		if (cl->dead) {
			c->buffered -= unsent(cl) + cl->held->len;
			g_ptr_array_remove_index(c->clients, i);
			client_free(cl);
		}
	}
}

void control_dispatch(struct control *c, const struct pollfd *pfd, unsigned n, uint64_t done)
{
	if (n > 0) {
		for (guint i = 0; i < c->polled && i + 1 < n; i++) {
			struct client *cl = g_ptr_array_index(c->clients, i);
			short re = pfd[i + 1].revents;

			if (re & POLLERR)
				cl->dead = true;
			if (re & (POLLIN | POLLHUP))
				read_input(cl);
			if (re & POLLHUP) {
				cl->hup = true;
				cl->eof = true;
			}
		}
		if (pfd[0].revents & POLLIN)
			accept_clients(c);
	}
	control_work(c, done);
}

int control_timeout_ms(const struct control *c)
{
	gint64 first = c->accept_again ? c->accept_again : G_MAXINT64, now;

	for (guint i = 0; i < c->clients->len; i++) {
		const struct client *cl = g_ptr_array_index(c->clients, i);

		if (cl->closing && cl->deadline < first)
			first = cl->deadline;
		first = MIN(first, expiry(c, cl));
	}
	if (first == G_MAXINT64)
		return -1;
	now = g_get_monotonic_time();
	return first <= now ? 0 : (int)MIN((first - now + 999) / 1000, 60000);
}

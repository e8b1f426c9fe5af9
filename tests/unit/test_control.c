/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control protocol (fs/control.c, docs/control-protocol.md) driven the
 * way the FUSE loop drives it, with a real client socket: framing (lines
 * split across writes, several in one, blank lines, over-long lines),
 * ordering (replies in request order; a watcher sees its reply before any
 * event, also while an earlier op's invalidations are still being sent) and
 * errors (not JSON, not an object, bad requests, kernel failures).
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "control.h"
#include "inval.h"
#include "json_strict.h"
#include "util.h"

static const char guest[] =
	"{\"hotplugfs-fixture\":1,\"description\":\"t\",\"kernel\":\"6.1\",\"hypervisor\":true,"
	"\"memory_hotplug\":{\"auto_online_blocks\":\"offline\"},"
	"\"e820\":[{\"start\":\"0\",\"end\":\"0x9fbff\",\"type\":\"ram\"},"
	"{\"start\":\"0x100000\",\"end\":\"0x3ffdffff\",\"type\":\"ram\"}]}";

struct fixture_ctl {
	struct backend *b;
	struct control *c;
	struct inval *iv;
	char *dir, *path;
	uint64_t done;
};

static void setup(struct fixture_ctl *f, struct inval *(*make_iv)(struct backend *))
{
	g_autoptr(GError) err = NULL;

	f->b = sim_backend_new(boot_fixture_json(guest), &err);
	g_assert_no_error(err);
	f->iv = make_iv ? make_iv(f->b) : NULL;
	f->dir = g_dir_make_tmp("hotplugfs-control.XXXXXX", &err);
	g_assert_no_error(err);
	f->path = g_build_filename(f->dir, "sock", NULL);
	f->c = control_new(f->b, f->path, f->iv, NULL, NULL);
	g_assert_nonnull(f->c);
}

static void teardown(struct fixture_ctl *f)
{
	control_free(f->c);
	if (f->iv) {
		inval_stop(f->iv, NULL, NULL);
		inval_free(f->iv);
	}
	backend_free(f->b);
	rmdir(f->dir);
	g_free(f->path);
	g_free(f->dir);
}

static int connect_client(struct fixture_ctl *f)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	g_strlcpy(sa.sun_path, f->path, sizeof(sa.sun_path));
	g_assert_cmpint(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), ==, 0);
	return fd;
}

/* One iteration of the loop's control part (fs/fuse_fs.c), waiting up to ms. */
static void pump(struct fixture_ctl *f, int ms)
{
	g_autoptr(GArray) pfds = g_array_new(FALSE, FALSE, sizeof(struct pollfd));

	control_poll_fds(f->c, pfds);
	if (f->iv) {
		struct pollfd p = { .fd = inval_fd(f->iv), .events = POLLIN };

		g_array_append_val(pfds, p);
	}
	poll((struct pollfd *)pfds->data, pfds->len, ms);
	if (f->iv) {
		inval_flush(f->iv);
		if (g_array_index(pfds, struct pollfd, pfds->len - 1).revents & POLLIN)
			f->done = inval_done(f->iv);
	}
	control_dispatch(f->c, (struct pollfd *)pfds->data, pfds->len - (f->iv ? 1 : 0), f->done);
}

static void send_text(int fd, const char *s)
{
	g_assert_cmpint(send(fd, s, strlen(s), MSG_NOSIGNAL), ==, (ssize_t)strlen(s));
}

/* The next line from fd, pumping the server meanwhile (5 s at most); NULL
 * when the server closed the connection. */
static char *next_line(struct fixture_ctl *f, int fd, GString *buf)
{
	for (int i = 0; i < 1000; i++) {
		const char *nl = memchr(buf->str, '\n', buf->len);
		char chunk[4096];
		ssize_t n;

		if (nl) {
			char *line = g_strndup(buf->str, (size_t)(nl - buf->str));

			g_string_erase(buf, 0, nl - buf->str + 1);
			return line;
		}
		pump(f, 5);
		n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);
		if (n == 0)
			return NULL;
		if (n > 0)
			g_string_append_len(buf, chunk, n);
	}
	g_assert_not_reached();
}

static json_object *next_json(struct fixture_ctl *f, int fd, GString *buf)
{
	g_autofree char *line = next_line(f, fd, buf);

	g_assert_nonnull(line);
	return json_tokener_parse(line);
}

static const char *str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static void test_framing(void)
{
	struct fixture_ctl f = { 0 };
	g_autoptr(GString) buf = g_string_new(NULL);
	json_object *r;
	int fd;

	setup(&f, NULL);
	fd = connect_client(&f);
	/* A request split in three writes, then two in one write, a blank line
	 * between: three replies, in order, ids echoed. */
	send_text(fd, "{\"op\":\"st");
	pump(&f, 5);
	send_text(fd, "ats\",\"id\"");
	pump(&f, 5);
	send_text(fd, ":1}\n\n{\"id\":\"two\",\"op\":\"stats\"}\n  \n{\"op\":\"stats\",\"id\":3}\n");
	r = next_json(&f, fd, buf);
	g_assert_cmpstr(str(r, "id"), ==, "1");
	g_assert_cmpstr(str(r, "ok"), ==, "true");
	json_object_put(r);
	r = next_json(&f, fd, buf);
	g_assert_cmpstr(str(r, "id"), ==, "two");
	json_object_put(r);
	r = next_json(&f, fd, buf);
	g_assert_cmpstr(str(r, "id"), ==, "3");
	json_object_put(r);
	close(fd);
	teardown(&f);
}

static void test_errors(void)
{
	struct fixture_ctl f = { 0 };
	g_autoptr(GString) buf = g_string_new(NULL);
	g_autofree char *longline = g_strnfill(70000, 'x');
	json_object *r, *v;
	int fd;

	setup(&f, NULL);
	fd = connect_client(&f);
	send_text(fd, "{\"op\": \n");
	r = next_json(&f, fd, buf);
	g_assert_cmpstr(str(r, "ok"), ==, "false");
	g_assert_cmpstr(str(r, "error"), ==, "not JSON: the line ends inside a value");
	json_object_put(r);
	send_text(fd, "[\"op\"]\n");
	r = next_json(&f, fd, buf);
	g_assert_cmpstr(str(r, "error"), ==, "expected an object {\"op\": VERB, ...}");
	json_object_put(r);
	/* What json-c takes but RFC 8259 does not, refused whole: before, the
	 * id 1. came back as 1., and the reply was not JSON (found by fuzzing,
	 * tests/fuzz/regress/control/id-not-json). */
	{
		static const char *const lax[][2] = {
			{ "{\"op\":\"dump\",\"id\":1.}", "not JSON: invalid at byte 20" },
			{ "{\"op\":\"dump\",\"id\":NaN}", "not JSON: invalid at byte 18" },
			{ "{\"op\":\"dump\",\"id\":[-Infinity]}", "not JSON: invalid at byte 20" },
			{ "{\"op\":\"dump\",\"id\":\"\xff\"}", "not JSON: invalid at byte 19" },
		};

		for (size_t i = 0; i < G_N_ELEMENTS(lax); i++) {
			g_autofree char *line = g_strdup_printf("%s\n", lax[i][0]);
			g_autofree char *raw = NULL;

			send_text(fd, line);
			raw = next_line(&f, fd, buf);
			g_assert_true(json_strict_check(raw, strlen(raw), NULL));
			r = json_tokener_parse(raw);
			g_assert_cmpstr(str(r, "ok"), ==, "false");
			g_assert_cmpstr(str(r, "error"), ==, lax[i][1]);
			g_assert_false(json_object_object_get_ex(r, "id", &v));
			json_object_put(r);
		}
	}
	/* A bad request: no errno. */
	send_text(fd, "{\"op\":\"dimm-add\",\"start\":\"4G\"}\n");
	r = next_json(&f, fd, buf);
	g_assert_cmpstr(str(r, "error"), ==, "missing required key \"size\" for dimm-add");
	g_assert_false(json_object_object_get_ex(r, "errno", &v));
	json_object_put(r);
	/* A kernel failure: the errno and its name. */
	send_text(fd, "{\"op\":\"state\",\"block\":0,\"state\":\"offline\"}\n");
	r = next_json(&f, fd, buf);
	g_assert_cmpstr(str(r, "ok"), ==, "false");
	g_assert_cmpstr(str(r, "errno_name"), ==, "EINVAL");   /* memory holes */
	g_assert_cmpstr(str(r, "errno"), ==, "22");
	json_object_put(r);
	/* An over-long line: one error, then the connection closes. */
	send_text(fd, longline);
	send_text(fd, "\n");
	r = next_json(&f, fd, buf);
	g_assert_cmpstr(str(r, "error"), ==, "request line longer than 65536 bytes");
	json_object_put(r);
	g_assert_null(next_line(&f, fd, buf));
	close(fd);
	teardown(&f);
}

/* A notification that takes its time, so that batches stay open. */
static int slow_entry(void *ctx, tree_node parent, const char *name)
{
	(void)ctx, (void)parent, (void)name;
	g_usleep(20 * 1000);
	return 0;
}

static int quick_inode(void *ctx, tree_node ino)
{
	(void)ctx, (void)ino;
	return 0;
}

static struct inval *slow_inval(struct backend *b)
{
	const struct inval_sink sink = { .entry = slow_entry, .inode = quick_inode };
	struct inval *iv = inval_new_with_sink(b, &sink);

	g_assert_cmpint(inval_start(iv), ==, 0);
	return iv;
}

/* The reply to an op that removed names waits for their invalidation; a
 * watcher connecting meanwhile gets its own reply first, then the events,
 * never an event first (what made `hotplugfs ctl watch` say "not a reply"). */
static void test_watch_reply_comes_first(void)
{
	struct fixture_ctl f = { 0 };

	setup(&f, slow_inval);
	for (int round = 0; round < 20; round++) {
		g_autoptr(GString) ob = g_string_new(NULL), wb = g_string_new(NULL);
		int op_fd = connect_client(&f), watch_fd;
		json_object *r;

		send_text(op_fd, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"512M\"}\n");
		r = next_json(&f, op_fd, ob);
		g_assert_cmpstr(str(r, "ok"), ==, "true");
		json_object_put(r);
		/* The eject queues 16 slow invalidations: its reply is held. */
		send_text(op_fd, "{\"op\":\"dimm-eject\",\"device\":\"dimm0\"}\n");
		pump(&f, 0);
		watch_fd = connect_client(&f);
		send_text(watch_fd, "{\"op\":\"watch\",\"since\":0}\n");
		r = next_json(&f, watch_fd, wb);
		g_assert_cmpstr(str(r, "ok"), ==, "true");
		json_object_put(r);
		r = next_json(&f, watch_fd, wb);
		g_assert_cmpstr(str(r, "seq"), ==, "1");
		json_object_put(r);
		r = next_json(&f, op_fd, ob);
		g_assert_cmpstr(str(r, "ok"), ==, "true");
		json_object_put(r);
		close(watch_fd);
		close(op_fd);
	}
	teardown(&f);
}

/* Each kind of event, byte for byte, the same in an "events" reply as in a
 * watcher's stream (both send the line made once per event). */
static void test_event_lines(void)
{
	static const char *const want[] = {
		"{\"event\":\"iomem\",\"change\":\"add\",\"start\":\"0x100000000\","
		"\"end\":\"0x107ffffff\",\"name\":\"System RAM\","
		"\"line\":\"seq=1 iomem add 100000000-107ffffff : System RAM\",\"seq\":1}",
		"{\"event\":\"uevent\",\"action\":\"add\",\"devpath\":\"/devices/system/memory/memory32\","
		"\"subsystem\":\"memory\",\"block\":32,\"line\":\"seq=2 uevent ACTION=add "
		"DEVPATH=/devices/system/memory/memory32 SUBSYSTEM=memory SEQNUM=2\",\"seq\":2}",
		"{\"event\":\"memmap\",\"change\":\"add\",\"nr\":2,\"start\":\"0x100000000\","
		"\"end\":\"0x107ffffff\",\"type\":\"System RAM\","
		"\"line\":\"seq=3 memmap add 2 0x100000000 0x107ffffff System RAM\",\"seq\":3}",
		"{\"event\":\"device\",\"change\":\"add\",\"name\":\"dimm0\",\"start\":\"0x100000000\","
		"\"end\":\"0x107ffffff\",\"line\":\"seq=4 device add dimm0 100000000-107ffffff\","
		"\"seq\":4}",
		"{\"event\":\"notify\",\"action\":\"MEM_GOING_ONLINE\",\"raw\":8,\"block\":32,"
		"\"start_pfn\":\"0x100000\",\"nr_pages\":\"0x8000\",\"altmap_start_pfn\":\"0x0\","
		"\"altmap_nr_pages\":\"0x0\",\"ret\":1,\"line\":\"seq=5 notify MEM_GOING_ONLINE(8) "
		"block=32 start_pfn=0x100000 nr_pages=0x8000 altmap_start_pfn=0x0 altmap_nr_pages=0x0 "
		"ret=0x1\",\"seq\":5}",
	};
	struct fixture_ctl f = { 0 };
	g_autoptr(GString) ob = g_string_new(NULL), wb = g_string_new(NULL);
	g_autoptr(GString) listed = g_string_new("{\"ok\":true,\"result\":{\"events\":[");
	g_autofree char *reply = NULL;
	int op_fd, watch_fd;

	setup(&f, NULL);
	op_fd = connect_client(&f);
	send_text(op_fd, "{\"op\":\"dimm-add\",\"start\":\"0x100000000\",\"size\":\"128M\"}\n"
		  "{\"op\":\"state\",\"block\":32,\"state\":\"online\"}\n"
		  "{\"op\":\"events\",\"since\":0,\"limit\":5}\n");
	g_free(next_line(&f, op_fd, ob));
	g_free(next_line(&f, op_fd, ob));
	reply = next_line(&f, op_fd, ob);
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
		g_string_append_printf(listed, "%s%s", i ? "," : "", want[i]);
	g_string_append(listed, "],\"last\":7,\"more\":true}}");
	g_assert_cmpstr(reply, ==, listed->str);
	/* a watcher from the start gets the same lines */
	watch_fd = connect_client(&f);
	send_text(watch_fd, "{\"op\":\"watch\",\"since\":0}\n");
	g_free(next_line(&f, watch_fd, wb));
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		g_autofree char *line = next_line(&f, watch_fd, wb);

		g_assert_cmpstr(line, ==, want[i]);
	}
	close(watch_fd);
	close(op_fd);
	teardown(&f);
}

/* ---- who may connect, and for how long ------------------------------------ */

/* The number of clients the daemon keeps, from a stats request on fd. */
static int clients(struct fixture_ctl *f, int fd, GString *buf)
{
	json_object *r, *res, *v;
	int n;

	send_text(fd, "{\"op\":\"stats\"}\n");
	r = next_json(f, fd, buf);
	g_assert_true(json_object_object_get_ex(r, "result", &res));
	g_assert_true(json_object_object_get_ex(res, "clients", &v));
	n = json_object_get_int(v);
	json_object_put(r);
	return n;
}

/* Pumps the server for ms milliseconds. */
static void pump_for(struct fixture_ctl *f, int ms)
{
	gint64 end = g_get_monotonic_time() + ms * 1000;

	while (g_get_monotonic_time() < end)
		pump(f, 5);
}

/* Whether the server closed fd: everything it sent read, then end of file. */
static bool closed_by_server(int fd)
{
	char chunk[65536];
	ssize_t n;

	while ((n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT)) > 0)
		;
	return n == 0;
}

/*
 * The socket's mode is not the only guard: root may connect to any socket,
 * and a mode can be changed.  SO_PEERCRED's uid must be the daemon's own;
 * anyone else gets one error line and the connection is closed.
 */
static void test_peer_credentials(void)
{
	struct fixture_ctl f = { 0 };
	g_autoptr(GString) got = g_string_new(NULL);
	int pipefd[2], status;
	pid_t child;
	char chunk[512];
	ssize_t n;

	if (geteuid() != 0) {
		g_test_skip("needs root to connect as another user");
		return;
	}
	setup(&f, NULL);
	g_assert_cmpint(chmod(f.path, 0666), ==, 0);
	g_assert_cmpint(chmod(f.dir, 0755), ==, 0);
	g_assert_cmpint(pipe(pipefd), ==, 0);
	child = fork();
	g_assert_cmpint(child, >=, 0);
	if (child == 0) {
		/* nobody: asks for stats, reports what it read until end of file. */
		int fd;
		char line[4096];
		ssize_t k, len = 0;

		close(pipefd[0]);
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(2);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		g_strlcpy(sa.sun_path, f.path, sizeof(sa.sun_path));
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
			_exit(3);
		/* The refusal may come first: then the send meets a closed peer. */
		if (send(fd, "{\"op\":\"stats\"}\n", 16, MSG_NOSIGNAL) != 16)
			(void)0;
		alarm(5);
		while ((k = recv(fd, line + len, sizeof(line) - 1 - (size_t)len, 0)) > 0)
			len += k;
		if (write(pipefd[1], line, (size_t)len) != len)
			_exit(5);
		/* Closed: end of file, or a reset if the request was never read. */
		_exit(k == 0 || errno == ECONNRESET ? 0 : 6);
	}
	close(pipefd[1]);
	while (waitpid(child, &status, WNOHANG) == 0)
		pump(&f, 5);
	while ((n = read(pipefd[0], chunk, sizeof(chunk))) > 0)
		g_string_append_len(got, chunk, n);
	close(pipefd[0]);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);   /* read to end of file */
	g_assert_cmpstr(got->str, ==, "{\"ok\":false,\"error\":\"permission denied: uid 65534 "
			"is not the daemon's user (uid 0)\"}\n");
	teardown(&f);
}

/* A client that has nothing under way and sends nothing is closed after
 * the idle time; a watcher waiting for events is not idle.  (The times
 * leave room for a loaded machine.) */
static void test_idle_clients(void)
{
	const struct control_limits limits = { .idle_ms = 400, .stall_ms = 10000,
					       .out_total = 32 << 20, .watch_max = 4 << 20 };
	struct fixture_ctl f = { 0 };
	g_autoptr(GString) wb = g_string_new(NULL), ab = g_string_new(NULL);
	int silent, partial, watcher, active;
	json_object *r;

	setup(&f, NULL);
	control_set_limits(f.c, &limits);
	silent = connect_client(&f);
	partial = connect_client(&f);
	send_text(partial, "{\"op\":");
	watcher = connect_client(&f);
	send_text(watcher, "{\"op\":\"watch\"}\n");
	r = next_json(&f, watcher, wb);
	g_assert_cmpstr(str(r, "ok"), ==, "true");
	json_object_put(r);
	active = connect_client(&f);
	g_assert_cmpint(clients(&f, active, ab), ==, 4);
	for (int i = 0; i < 50; i++) {
		pump_for(&f, 20);
		clients(&f, active, ab);
	}
	g_assert_true(closed_by_server(silent));
	g_assert_true(closed_by_server(partial));
	g_assert_false(closed_by_server(watcher));
	g_assert_cmpint(clients(&f, active, ab), ==, 2);
	close(silent), close(partial), close(watcher), close(active);
	teardown(&f);
}

/* A client that reads none of its replies for the stall time is closed. */
static void test_stalled_client(void)
{
	const struct control_limits limits = { .idle_ms = 10000, .stall_ms = 400,
					       .out_total = 32 << 20, .watch_max = 4 << 20 };
	struct fixture_ctl f = { 0 };
	g_autoptr(GString) ab = g_string_new(NULL), dumps = g_string_new(NULL);
	int hog, active;

	setup(&f, NULL);
	control_set_limits(f.c, &limits);
	hog = connect_client(&f);
	/* Far more replies than the socket holds, in one send. */
	for (int i = 0; i < 400; i++)
		g_string_append(dumps, "{\"op\":\"dump\"}\n");
	send_text(hog, dumps->str);
	active = connect_client(&f);
	pump_for(&f, 10);
	g_assert_cmpint(clients(&f, active, ab), ==, 2);
	pump_for(&f, 800);
	g_assert_cmpint(clients(&f, active, ab), ==, 1);
	g_assert_true(closed_by_server(hog));
	close(hog), close(active);
	teardown(&f);
}

/* Reads fd until the server closes it or has sent everything (quiet for
 * 200 ms), pumping it meanwhile; true when it was closed. */
static bool drain(struct fixture_ctl *f, int fd, GString *all)
{
	char chunk[65536];

	for (int quiet = 0; quiet < 40;) {
		ssize_t n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT);

		if (n == 0)
			return true;
		if (n > 0) {
			g_string_append_len(all, chunk, n);
			quiet = 0;
		} else {
			pump(f, 5);
			quiet++;
		}
	}
	return false;
}

/*
 * Watchers that never read: what the daemon holds for all clients together
 * stays within the total (256 watchers used to hold 4 MiB each); the ones
 * furthest behind are told "overflow" and closed.
 */
static void test_buffered_total(void)
{
	const struct control_limits limits = { .idle_ms = 10000, .stall_ms = 10000,
					       .out_total = 256 << 10, .watch_max = 4 << 20 };
	struct fixture_ctl f = { 0 };
	g_autoptr(GString) ob = g_string_new(NULL);
	int watchers[16], op_fd, overflowed = 0;
	size_t most = 0;

	setup(&f, NULL);
	control_set_limits(f.c, &limits);
	for (unsigned i = 0; i < G_N_ELEMENTS(watchers); i++) {
		g_autoptr(GString) wb = g_string_new(NULL);
		json_object *r;

		watchers[i] = connect_client(&f);
		send_text(watchers[i], "{\"op\":\"watch\"}\n");
		r = next_json(&f, watchers[i], wb);
		json_object_put(r);
	}
	op_fd = connect_client(&f);
	for (int i = 0; i < 300; i++) {
		json_object *r;

		send_text(op_fd, i % 2 ? "{\"op\":\"state\",\"block\":5,\"state\":\"online\"}\n"
				       : "{\"op\":\"state\",\"block\":5,\"state\":\"offline\"}\n");
		r = next_json(&f, op_fd, ob);
		g_assert_cmpstr(str(r, "ok"), ==, "true");
		json_object_put(r);
		most = MAX(most, control_buffered(f.c));
	}
	g_test_message("most held for all clients: %zu bytes (limit %zu)", most, limits.out_total);
	/* One event past the limit at most, before the furthest behind goes. */
	g_assert_cmpuint(most, <=, limits.out_total + 1024);
	for (unsigned i = 0; i < G_N_ELEMENTS(watchers); i++) {
		g_autoptr(GString) all = g_string_new(NULL);

		drain(&f, watchers[i], all);
		overflowed += strstr(all->str, "\"event\":\"overflow\"") != NULL;
		close(watchers[i]);
	}
	g_assert_cmpint(overflowed, >, 0);
	close(op_fd);
	teardown(&f);
}

/* Every complete line of what a client read is one JSON object; returns how many. */
static unsigned whole_lines(const GString *all)
{
	const char *p = all->str, *end = all->str + all->len, *nl;
	unsigned n = 0;

	for (; (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1, n++) {
		g_autofree char *line = g_strndup(p, (size_t)(nl - p));
		json_object *o = json_tokener_parse(line);

		if (!o)   /* where the line broke is at its end */
			g_error("line %u is not JSON: ...%s", n, line + MAX(nl - p - 200, 0));
		json_object_put(o);
	}
	return n;
}

/* Everything fd has to read now, without waiting; false when it was closed. */
static bool read_available(int fd, GString *all)
{
	char chunk[65536];
	ssize_t n;

	while ((n = recv(fd, chunk, sizeof(chunk), MSG_DONTWAIT)) > 0)
		g_string_append_len(all, chunk, n);
	return n != 0;
}

/*
 * A watcher overflows while a long reply is half sent, just after flush()
 * dropped the part already sent (it does once more than 64 KiB, and more
 * than half of what it holds, went out): the reply is finished before
 * "overflow", so every line the watcher reads is whole.  Found by
 * tests/fuzz/fuzz_control.c: the overflow event used to land inside the
 * reply.
 */
static void test_overflow_mid_line(void)
{
	static const char events[] = "{\"op\":\"events\",\"limit\":65536}\n";
	const struct control_limits limits = { .idle_ms = 10000, .stall_ms = 10000,
					       .out_total = 32 << 20, .watch_max = 64 << 10 };
	struct fixture_ctl f = { 0 };
	g_autoptr(GString) ob = g_string_new(NULL), wb = g_string_new(NULL);
	g_autoptr(GString) all = g_string_new(NULL);
	g_autofree char *watch_reply = NULL, *reference = NULL;
	size_t reply_len;
	int w, op_fd;

	setup(&f, NULL);
	control_set_limits(f.c, &limits);
	op_fd = connect_client(&f);
	/* events enough for an `events` reply far longer than a socket holds */
	for (int i = 0; i < 2000; i++) {
		send_text(op_fd, i % 2 ? "{\"op\":\"state\",\"block\":5,\"state\":\"online\"}\n"
				       : "{\"op\":\"state\",\"block\":5,\"state\":\"offline\"}\n");
		json_object_put(next_json(&f, op_fd, ob));
	}
	send_text(op_fd, events);
	reference = next_line(&f, op_fd, ob);
	reply_len = strlen(reference) + 1;
	g_assert_cmpuint(reply_len, >, 1 << 20);

	w = connect_client(&f);
	send_text(w, "{\"op\":\"watch\"}\n");
	watch_reply = next_line(&f, w, wb);
	g_assert_nonnull(strstr(watch_reply, "\"ok\":true"));
	send_text(w, events);
	/* The reader empties the socket, then the server fills it again, until
	 * more than half the reply went out: that flush drops the sent part. */
	do {
		g_assert_true(read_available(w, all));
		pump(&f, 0);
	} while (control_buffered(f.c) > reply_len / 2);
	g_assert_null(memchr(all->str, '\n', all->len));   /* the reply is half read */
	/* One more event, and the watcher is further behind than watch_max. */
	send_text(op_fd, "{\"op\":\"state\",\"block\":5,\"state\":\"offline\"}\n");
	json_object_put(next_json(&f, op_fd, ob));
	g_assert_true(drain(&f, w, all));
	g_assert_cmpuint(whole_lines(all), ==, 2);
	g_assert_cmpuint(all->len, >, reply_len);
	g_assert_true(!memcmp(all->str, reference, reply_len - 1));
	/* 2,000 state changes made 6,000 events; the watcher had seen them all */
	g_assert_cmpstr(all->str + reply_len, ==, "{\"event\":\"overflow\",\"seq\":6000}\n");
	close(w), close(op_fd);
	teardown(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/control/framing", test_framing);
	g_test_add_func("/control/errors", test_errors);
	g_test_add_func("/control/watch-reply-comes-first", test_watch_reply_comes_first);
	g_test_add_func("/control/event-lines", test_event_lines);
	g_test_add_func("/control/peer-credentials", test_peer_credentials);
	g_test_add_func("/control/idle-clients", test_idle_clients);
	g_test_add_func("/control/stalled-client", test_stalled_client);
	g_test_add_func("/control/buffered-total", test_buffered_total);
	g_test_add_func("/control/overflow-mid-line", test_overflow_mid_line);
	return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hotplugfs ctl SOCKET VERB [KEY=VALUE | KEY:=JSON ...] [--count N]
 * hotplugfs ctl SOCKET --json '{"op": ...}' [--count N]
 *
 * Sends one request to a control socket (docs/control-protocol.md) and
 * prints the result as pretty JSON.  VALUE becomes a boolean for true/false,
 * a number when it is a plain decimal integer (the ops read a number as the
 * same size or count as its decimal string), and a string otherwise; KEY:=
 * takes any JSON.  `watch` prints the events as JSON lines, one a line,
 * until interrupted or until --count N events have arrived.
 *
 * Exit status: 0 done, 1 the op was refused (the error on stderr) or a
 * watcher overflowed, 2 usage, 3 the socket cannot be reached or hung up.
 */
#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"

#define EXIT_UNREACHABLE EXIT_RUNTIME

/* key=value into obj; false on a malformed argument. */
static bool add_arg(json_object *obj, const char *arg)
{
	const char *eq = strchr(arg, '=');
	g_autofree char *key = NULL;
	const char *val;
	json_object *v;

	if (!eq || eq == arg)
		return false;
	if (eq[-1] == ':') {
		/* KEY:=JSON */
		key = g_strndup(arg, (gsize)(eq - 1 - arg));
		v = json_tokener_parse(eq + 1);
		if (!v && strcmp(eq + 1, "null") != 0) {
			fprintf(stderr, "hotplugfs ctl: %s: not JSON\n", key);
			return false;
		}
		json_object_object_add(obj, key, v);
		return *key != '\0';
	}
	key = g_strndup(arg, (gsize)(eq - arg));
	val = eq + 1;
	if (!strcmp(val, "true") || !strcmp(val, "false")) {
		v = json_object_new_boolean(val[0] == 't');
	} else {
		const char *p = val + (val[0] == '-');
		char *end;
		long long n;

		errno = 0;
		n = strtoll(val, &end, 10);
		if (*p >= '0' && *p <= '9' && !*end && !errno && strspn(p, "0123456789") == strlen(p))
			v = json_object_new_int64(n);
		else
			v = json_object_new_string(val);
	}
	json_object_object_add(obj, key, v);
	return true;
}

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "hotplugfs ctl: socket path %s is too long\n", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "hotplugfs ctl: cannot reach %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static bool send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Reads one line (without the newline) into line; false at EOF or error. */
static bool read_line(int fd, GString *buf, GString *line)
{
	for (;;) {
		char *nl = memchr(buf->str, '\n', buf->len);
		char chunk[65536];
		ssize_t n;

		if (nl) {
			g_string_assign(line, "");
			g_string_append_len(line, buf->str, nl - buf->str);
			g_string_erase(buf, 0, nl - buf->str + 1);
			return true;
		}
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		g_string_append_len(buf, chunk, n);
	}
}

static const char *reply_error(json_object *reply)
{
	json_object *e;

	return json_object_object_get_ex(reply, "error", &e) ? json_object_get_string(e)
							      : "refused";
}

/*
 * The refusal as one line.  A kernel failure's error already ends in
 * "(EBUSY)" (kernel_failed() in core/device.c writes it), so errno_name is
 * added only to an error that does not name it yet.
 */
static void print_refusal(json_object *reply)
{
	const char *msg = reply_error(reply);
	json_object *en;

	if (json_object_object_get_ex(reply, "errno_name", &en)) {
		g_autofree char *suffix = g_strdup_printf("(%s)", json_object_get_string(en));

		if (!g_str_has_suffix(msg, suffix)) {
			fprintf(stderr, "hotplugfs ctl: %s %s\n", msg, suffix);
			return;
		}
	}
	fprintf(stderr, "hotplugfs ctl: %s\n", msg);
}

int cmd_ctl(int argc, char **argv)
{
	g_autoptr(GString) buf = g_string_new(NULL), line = g_string_new(NULL);
	json_object *req = NULL, *reply = NULL, *ok, *verb;
	const char *socket_path;
	g_autofree char *json = NULL;
	gint64 count = -1;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_STRING, &json,
		  "Send this JSON object as the whole request", "'{\"op\": VERB, ...}'" },
		{ "count", 0, 0, G_OPTION_ARG_INT64, &count,
		  "watch: stop after N events", "N" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL },
	};
	const struct cli_spec spec = {
		.name = "ctl", .params = "SOCKET VERB [KEY=VALUE | KEY:=JSON ...]",
		.summary = "Send one request to the control socket of a mounted machine and print\n"
			   "the result as JSON.  VALUE: true/false are booleans, plain decimal\n"
			   "integers numbers, the rest strings; KEY:= takes any JSON.  `watch`\n"
			   "prints the events as JSON lines.  Verbs: docs/control-protocol.md,\n"
			   "hotplugfs-ctl(1).",
		.description = "Exit status: 0 done, 1 the op was refused (the error on stderr) or a\n"
			       "watcher overflowed, 2 usage, 3 the socket cannot be reached or hung up.",
		.entries = entries,
	};
	bool watch;
	int fd, i, status = EXIT_UNREACHABLE, rc = cli_parse(&spec, &argc, &argv);

	if (rc >= 0)
		return rc;
	if (argc < 2 || (argc < 3 && !json))
		return cli_usage_error("ctl", "expected SOCKET VERB or SOCKET --json REQUEST");
	if (count != -1 && count < 1)
		return cli_usage_error("ctl", "--count: at least 1");
	socket_path = argv[1];
	req = json_object_new_object();
	for (i = 2; i < argc; i++) {
		if (i == 2 && !json && !strchr(argv[i], '=')) {
			json_object_object_add(req, "op", json_object_new_string(argv[i]));
		} else if (!add_arg(req, argv[i])) {
			json_object_put(req);
			return cli_usage_error("ctl", "%s: expected KEY=VALUE or KEY:=JSON", argv[i]);
		}
	}
	if (json) {
		if (json_object_object_length(req) > 0) {
			json_object_put(req);
			/* --json is the whole request */
			return cli_usage_error("ctl", "--json takes no other arguments");
		}
		json_object_put(req);
		req = json_tokener_parse(json);
		if (!req || !json_object_is_type(req, json_type_object)) {
			fprintf(stderr, "hotplugfs ctl: --json: not a JSON object\n");
			json_object_put(req);
			return EXIT_USAGE;
		}
	}
	if (!json_object_object_get_ex(req, "op", &verb)) {
		json_object_put(req);
		return cli_usage_error("ctl", "the request has no \"op\"");
	}
	watch = json_object_is_type(verb, json_type_string) &&
		!strcmp(json_object_get_string(verb), "watch");
	if (count > 0 && !watch) {
		json_object_put(req);
		return cli_usage_error("ctl", "--count is for watch");
	}
	fd = connect_to(socket_path);
	if (fd < 0) {
		json_object_put(req);
		return EXIT_UNREACHABLE;
	}
	g_string_append(buf, json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
	g_string_append_c(buf, '\n');
	json_object_put(req);
	if (!send_all(fd, buf->str, buf->len)) {
		fprintf(stderr, "hotplugfs ctl: %s: %s\n", socket_path, strerror(errno));
		goto out;
	}
	g_string_truncate(buf, 0);
	if (!read_line(fd, buf, line)) {
		fprintf(stderr, "hotplugfs ctl: %s hung up without an answer\n", socket_path);
		goto out;
	}
	reply = json_tokener_parse(line->str);
	if (!reply || !json_object_object_get_ex(reply, "ok", &ok)) {
		fprintf(stderr, "hotplugfs ctl: not a reply: %s\n", line->str);
		goto out;
	}
	if (!json_object_get_boolean(ok)) {
		print_refusal(reply);
		status = EXIT_REFUSED;
		goto out;
	}
	if (!watch) {
		json_object *result;

		if (!json_object_object_get_ex(reply, "result", &result))
			result = NULL;
		if (json_object_is_type(result, json_type_object) &&
		    json_object_object_length(result) == 0)
			printf("{}\n");   /* json-c would print "{\n}" */
		else if (result)
			printf("%s\n", json_object_to_json_string_ext(result,
				JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				JSON_C_TO_STRING_NOSLASHESCAPE));
		status = fflush(stdout) == 0 ? 0 : EXIT_REFUSED;
		goto out;
	}
	/* watch: every line from now on is an event */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (long long seen = 0; count < 0 || seen < count;) {
		g_autoptr(GString) kind = g_string_new(NULL);
		json_object *ev, *k;

		if (!read_line(fd, buf, line)) {
			fprintf(stderr, "hotplugfs ctl: %s hung up\n", socket_path);
			goto out;
		}
		printf("%s\n", line->str);
		ev = json_tokener_parse(line->str);
		if (ev && json_object_object_get_ex(ev, "event", &k))
			g_string_assign(kind, json_object_get_string(k));
		json_object_put(ev);
		if (!strcmp(kind->str, "overflow")) {
			fprintf(stderr, "hotplugfs ctl: the watcher fell behind and was dropped\n");
			status = EXIT_REFUSED;
			goto out;
		}
		if (kind->len)
			seen++;
	}
	status = 0;
out:
	json_object_put(reply);
	close(fd);
	return status;
}

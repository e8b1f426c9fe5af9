/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the control socket (fs/control.c,
 * docs/control-protocol.md) as a client drives it.  The first byte picks a
 * machine (a repository fixture, its scenario run); the rest is what the
 * client sends, in chunks, then it shuts down its sending side, except that
 * the first byte 0xff, followed by a count N, stands for N % 80 KiB of 'x'
 * (so that short inputs reach the 64 KiB line limit; 0xff never occurs in
 * UTF-8).  The
 * server's loop is pumped the way fs/fuse_fs.c pumps it until the client has
 * read everything.  Every line that comes back must be one JSON object, a
 * reply ("ok") or an event ("event").
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend.h"
#include "control.h"
#include "fuzz_util.h"

/* core/json_strict.c's json_strict_check, built again without coverage
 * hooks (tests/fuzz/meson.build) */
bool reply_strict_check(const char *text, size_t len, size_t *bad_at);

static const char *const fixture_names[] = {
	"dimm-hotplug-6.1.json", "virtio-mem-6.12.json", "nvdimm-kmem.json", "cxl-host.json",
	"cxl-kmem.json", "s390-standby-6.12.json", "chmem-vm.json", "legacy-pmem-vm.json",
};
static struct fixture *fixtures[G_N_ELEMENTS(fixture_names)];
static char *sock_dir;

/*
 * A machine and its control socket per fixture, kept from one input to the
 * next while no input changed the machine (its generation and event log
 * stand still): most inputs are refused requests, and booting would be most
 * of their time.  One that changed it has it rebuilt before it returns, so
 * that its old machine's frees balance the new one's mallocs: an input that
 * allocates more than it frees is run twice more for LeakSanitizer.
 */
struct served {
	struct backend *b;
	struct control *c;
	char *path;
	uint64_t gen, seq;
};
static struct served served[G_N_ELEMENTS(fixture_names)];

static void remove_sock_dir(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(served); i++) {
		control_free(served[i].c);
		backend_free(served[i].b);
		g_free(served[i].path);
	}
	rmdir(sock_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	g_autoptr(GError) err = NULL;

	(void)argc, (void)argv;
	fuzz_quiet();
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
	for (size_t i = 0; i < G_N_ELEMENTS(fixture_names); i++)
		fixtures[i] = fuzz_fixture(fixture_names[i]);
	/* tmpfs when there is one: a bind per input costs less there */
	if (!g_getenv("TMPDIR") && g_file_test("/dev/shm", G_FILE_TEST_IS_DIR))
		sock_dir = g_mkdtemp(g_strdup("/dev/shm/hotplugfs-fuzz-control.XXXXXX"));
	else
		sock_dir = g_dir_make_tmp("hotplugfs-fuzz-control.XXXXXX", &err);
	if (!sock_dir) {
		fprintf(stderr, "fuzz: cannot make a temporary directory\n");
		abort();
	}
	atexit(remove_sock_dir);
	for (size_t i = 0; i < G_N_ELEMENTS(served); i++)
		served[i].path = g_strdup_printf("%s/sock%zu", sock_dir, i);
	return 0;
}

/* One iteration of the loop's control part, without waiting. */
static void pump(struct control *c)
{
	g_autoptr(GArray) pfds = g_array_new(FALSE, FALSE, sizeof(struct pollfd));

	control_poll_fds(c, pfds);
	if (poll((struct pollfd *)pfds->data, pfds->len, 0) < 0)
		abort();
	control_dispatch(c, (struct pollfd *)pfds->data, pfds->len, 0);
}

/* Fixture i's machine (booted on first use). */
static struct served *serve(unsigned i)
{
	struct served *s = &served[i];
	g_autoptr(GError) err = NULL;

	if (!s->b) {
		s->b = sim_backend_new(fuzz_boot(fixtures[i]), &err);
		s->c = s->b ? control_new(s->b, s->path, NULL, NULL, NULL) : NULL;
		if (!s->c)
			abort();
		s->gen = *s->b->generation;
		s->seq = event_log_last(s->b->log);
	}
	return s;
}

/* The machine booted again if this input changed it. */
static void renew(struct served *s, unsigned i)
{
	if (*s->b->generation == s->gen && event_log_last(s->b->log) == s->seq)
		return;
	control_free(s->c);
	backend_free(s->b);
	s->b = NULL;
	serve(i);
}

static int connect_client(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
		abort();
	return fd;
}

/*
 * Every complete line is one JSON object as RFC 8259 defines it, a reply
 * (its first member "ok") or an event ("event").
 */
static void check_replies(const GString *out)
{
	const char *p = out->str, *end = out->str + out->len;

	for (unsigned n = 0; p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : 0;
		bool ok;

		if (!nl)
			break;   /* a watcher's stream cut by the end of the run */
		ok = (g_str_has_prefix(p, "{\"ok\":") || g_str_has_prefix(p, "{\"event\":")) &&
		     reply_strict_check(p, len, NULL);
		if (!ok) {
			/* its end: where a line breaks into another */
			fprintf(stdout, "fuzz: line %u (%zu bytes) is not a reply or an event: ...%.*s\n",
				n, len, (int)MIN(len, 300), p + len - MIN(len, 300));
			fflush(stdout);
			abort();
		}
		p = nl + 1;
	}
}

/* What the client sends: the input with its first 0xff N made N % 80 KiB
 * of 'x'. */
static GString *expand(struct fuzz_in *in)
{
	const uint8_t *ff = memchr(in->p, 0xff, in->left);
	GString *s = g_string_new_len((const char *)in->p, ff ? ff - in->p : (gssize)in->left);
	size_t kib;

	if (!ff)
		return s;
	in->left -= (size_t)(ff + 1 - in->p);
	in->p = ff + 1;
	kib = fuzz_u8(in) % 80;
	g_string_set_size(s, s->len + kib * 1024);
	memset(s->str + s->len - kib * 1024, 'x', kib * 1024);
	g_string_append_len(s, (const char *)in->p, (gssize)in->left);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in raw = { data, size };
	unsigned which = fuzz_u8(&raw) % G_N_ELEMENTS(fixtures);
	struct served *srv = serve(which);
	struct control *c = srv->c;
	g_autoptr(GString) sent = expand(&raw);
	struct fuzz_in in = { (const uint8_t *)sent->str, sent->len };
	g_autoptr(GString) out = g_string_new(NULL);
	bool shut = false;
	int fd, idle = 0;

	fd = connect_client(srv->path);
	for (unsigned iter = 0; idle < 4; iter++) {
		char buf[65536];
		ssize_t n;
		bool progress = false;

		/* A server that neither reads nor closes would hang a client. */
		if (iter > 100000)
			abort();
		if (in.left) {
			n = send(fd, in.p, MIN(in.left, (size_t)16384), MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0) {
				in.p += n;
				in.left -= (size_t)n;
				progress = true;
			} else if (errno != EAGAIN && errno != EWOULDBLOCK) {
				in.left = 0;   /* closed after a too-long line */
			}
		} else if (!shut) {
			shutdown(fd, SHUT_WR);
			shut = progress = true;
		}
		pump(c);
		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			g_string_append_len(out, buf, n);
			progress = true;
		}
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			break;   /* the server closed: all said */
		idle = progress || !shut ? 0 : idle + 1;
	}
	check_replies(out);
	close(fd);
	/* The server sees the client go (a watcher stays until it does). */
	for (int i = 0; i < 3; i++)
		pump(c);
	renew(srv, which);
	return 0;
}

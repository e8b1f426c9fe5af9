/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The journal of acknowledged changes (journal.h, docs/journal.md). */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kexec.h"
#include "machine.h"
#include "online.h"
#include "ops.h"
#include "store.h"

G_DEFINE_QUARK(hotplugfs-journal-error, journal_error)

struct journal {
	int fd;
	char *path;
	uint64_t records;         /* records in the file: the next one is records + 1 */
	GMutex lock;              /* appends (journal_kexec comes from any thread) */
};

/* ---- writing -------------------------------------------------------------- */

static void G_GNUC_NORETURN fatal(const struct journal *j, const char *what, int errnum)
{
	fprintf(stderr, "hotplugfs: journal %s: %s: %s; exiting before the change is "
		"acknowledged (a restart with the same --state restores every acknowledged "
		"change)\n", j->path, what, g_strerror(errnum));
	_exit(1);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Appends rec as one line, numbered, synced unless the change is not
 * answered yet; takes rec. */
static void append(struct journal *j, json_object *rec, bool sync)
{
	g_autoptr(GString) line = g_string_new(NULL);
	int rc;

	g_mutex_lock(&j->lock);
	json_object_object_add(rec, "n", json_object_new_uint64(++j->records));
	g_string_append(line, json_object_to_json_string_ext(rec, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	g_string_append_c(line, '\n');
	json_object_put(rec);
	rc = write_all(j->fd, line->str, line->len);
	if (rc)
		fatal(j, "write", -rc);
	if (sync && fdatasync(j->fd) != 0)
		fatal(j, "fdatasync", errno);
	g_mutex_unlock(&j->lock);
}

/* What every change record ends with: its result and where it left the
 * machine, which a replay must reach again. */
static void add_outcome(json_object *rec, const struct machine *m, int rc)
{
	json_object_object_add(rec, "rc", rc == STORE_PENDING ? json_object_new_string("pending")
							     : json_object_new_int(rc));
	json_object_object_add(rec, "gen", json_object_new_uint64(m->generation));
	json_object_object_add(rec, "events", json_object_new_uint64(event_log_last(&m->log)));
}

char *journal_path(const struct machine *m, tree_node n)
{
	g_autoptr(GString) path = g_string_new(NULL);

	if (tree_path(m, n, path) < 0)
		return NULL;
	return g_string_free(g_steal_pointer(&path), FALSE);
}

/* Store data as a JSON string when it is text, else as hex. */
static void add_data(json_object *rec, const char *buf, size_t len)
{
	if (!memchr(buf, '\0', len) && g_utf8_validate_len(buf, len, NULL)) {
		json_object_object_add(rec, "data", json_object_new_string_len(buf, (int)len));
	} else {
		g_autoptr(GString) hex = g_string_sized_new(2 * len);

		for (size_t i = 0; i < len; i++)
			g_string_append_printf(hex, "%02x", (unsigned char)buf[i]);
		json_object_object_add(rec, "data_hex", json_object_new_string(hex->str));
	}
}

void journal_store(struct journal *j, const struct machine *m, const char *path, const char *buf,
		   size_t len, int rc)
{
	json_object *rec = json_object_new_object();

	json_object_object_add(rec, "store", json_object_new_string(path));
	add_data(rec, buf, len);
	add_outcome(rec, m, rc);
	append(j, rec, rc != STORE_PENDING);
}

void journal_store_end(struct journal *j, const struct machine *m, bool interrupted, int rc)
{
	json_object *rec = json_object_new_object();

	json_object_object_add(rec, "end", json_object_new_string(interrupted ? "interrupt"
									      : "finish"));
	add_outcome(rec, m, rc);
	append(j, rec, true);
}

void journal_op(struct journal *j, const struct machine *m, json_object *req, int rc)
{
	json_object *rec = json_object_new_object();

	json_object_object_add(rec, "op", json_object_get(req));
	add_outcome(rec, m, rc);
	append(j, rec, true);
}

void journal_kexec(struct journal *j, bool crash, bool unload)
{
	json_object *rec = json_object_new_object();

	json_object_object_add(rec, "kexec", json_object_new_string(unload ? "unload" : "load"));
	json_object_object_add(rec, "crash", json_object_new_boolean(crash));
	append(j, rec, true);
}

/* ---- replaying -------------------------------------------------------------- */

struct replay {
	const char *file;
	unsigned line;            /* of the record being replayed, from 1 */
	struct machine *m;
	uint64_t records;
};

static bool bad(const struct replay *r, GError **err, int code, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);
static bool bad(const struct replay *r, GError **err, int code, const char *fmt, ...)
{
	g_autofree char *why = NULL;
	va_list ap;

	va_start(ap, fmt);
	why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, JOURNAL_ERROR, code, "%s: line %u: %s", r->file, r->line, why);
	return false;
}

static const char *get_string(json_object *rec, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(rec, key, &v) && json_object_is_type(v, json_type_string)
		? json_object_get_string(v) : NULL;
}

static bool get_u64(json_object *rec, const char *key, uint64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(rec, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_uint64(v);
	return true;
}

/* The record's rc: an integer, or "pending" (STORE_PENDING). */
static bool get_rc(json_object *rec, int *rc)
{
	json_object *v;

	if (!json_object_object_get_ex(rec, "rc", &v))
		return false;
	if (json_object_is_type(v, json_type_string) &&
	    !strcmp(json_object_get_string(v), "pending")) {
		*rc = STORE_PENDING;
		return true;
	}
	if (!json_object_is_type(v, json_type_int))
		return false;
	*rc = json_object_get_int(v);
	return true;
}

static const char *rc_text(int rc, char *buf, size_t size)
{
	if (rc == STORE_PENDING)
		return "pending";
	snprintf(buf, size, "%d", rc);
	return buf;
}

/* The replayed change reached what the record says it reached. */
static bool same_outcome(const struct replay *r, json_object *rec, int rc, GError **err)
{
	uint64_t gen, events;
	char a[16], b[16];
	int want;

	if (!get_rc(rec, &want) || !get_u64(rec, "gen", &gen) || !get_u64(rec, "events", &events))
		return bad(r, err, JOURNAL_ERROR_CORRUPT, "a change record needs rc, gen and events");
	if (rc != want || gen != r->m->generation || events != event_log_last(&r->m->log))
		return bad(r, err, JOURNAL_ERROR_DIVERGED,
			   "replays to rc %s, generation %" PRIu64 ", event %" PRIu64 " where the "
			   "journal says rc %s, generation %" PRIu64 ", event %" PRIu64 " (written "
			   "by a hotplugfs that simulates differently?)",
			   rc_text(rc, a, sizeof(a)), r->m->generation, event_log_last(&r->m->log),
			   rc_text(want, b, sizeof(b)), gen, events);
	return true;
}

/* The bytes of a store record. */
static GByteArray *store_data(json_object *rec)
{
	const char *text = get_string(rec, "data"), *hex = get_string(rec, "data_hex");
	GByteArray *data = g_byte_array_new();
	json_object *v;

	if (text && json_object_object_get_ex(rec, "data", &v)) {
		g_byte_array_append(data, (const guint8 *)text,
				    (guint)json_object_get_string_len(v));
		return data;
	}
	if (!hex || strlen(hex) % 2) {
		g_byte_array_unref(data);
		return NULL;
	}
	for (size_t i = 0; hex[i]; i += 2) {
		int hi = g_ascii_xdigit_value(hex[i]), lo = g_ascii_xdigit_value(hex[i + 1]);
		guint8 byte = (guint8)(hi << 4 | lo);

		if (hi < 0 || lo < 0) {
			g_byte_array_unref(data);
			return NULL;
		}
		g_byte_array_append(data, &byte, 1);
	}
	return data;
}

static bool replay_store(struct replay *r, json_object *rec, GError **err)
{
	const char *path = get_string(rec, "store");
	g_autoptr(GByteArray) data = store_data(rec);
	tree_node n;

	if (!path)
		return bad(r, err, JOURNAL_ERROR_CORRUPT, "store: expected a path");
	/* kernfs_fop_write_iter: at most a page reaches a store */
	if (!data || data->len > 4096)
		return bad(r, err, JOURNAL_ERROR_CORRUPT,
			   "a store record needs data or data_hex, of at most 4096 bytes");
	if (tree_resolve(r->m, path, &n) != 0)
		return bad(r, err, JOURNAL_ERROR_DIVERGED, "%s does not exist on replay", path);
	return same_outcome(r, rec, tree_write(r->m, n, (const char *)data->data, data->len), err);
}

static bool replay_end(struct replay *r, json_object *rec, GError **err)
{
	const char *how = get_string(rec, "end");
	bool interrupt = how && !strcmp(how, "interrupt");

	if (!how || (!interrupt && strcmp(how, "finish")))
		return bad(r, err, JOURNAL_ERROR_CORRUPT, "end: expected \"finish\" or \"interrupt\"");
	if (!machine_hotplug_busy(r->m))
		return bad(r, err, JOURNAL_ERROR_DIVERGED, "no store is running to end");
	return same_outcome(r, rec, interrupt ? machine_hotplug_interrupt(r->m)
					      : machine_hotplug_finish(r->m), err);
}

static bool replay_op(struct replay *r, json_object *rec, GError **err)
{
	g_autoptr(GError) e = NULL;
	json_object *op, *result = NULL;
	int rc;

	if (!json_object_object_get_ex(rec, "op", &op) || !json_object_is_type(op, json_type_object))
		return bad(r, err, JOURNAL_ERROR_CORRUPT, "op: expected an object");
	rc = machine_op(r->m, op, &result, &e);
	json_object_put(result);
	return same_outcome(r, rec, rc, err);
}

static bool replay_kexec(struct replay *r, json_object *rec, GError **err)
{
	const char *what = get_string(rec, "kexec");
	json_object *crash;

	if (!what || (strcmp(what, "load") && strcmp(what, "unload")) ||
	    !json_object_object_get_ex(rec, "crash", &crash) ||
	    !json_object_is_type(crash, json_type_boolean))
		return bad(r, err, JOURNAL_ERROR_CORRUPT,
			   "kexec: expected \"load\" or \"unload\" and crash: a boolean");
	kexec_record(r->m, json_object_get_boolean(crash), !strcmp(what, "unload"));
	return true;
}

static bool replay_record(struct replay *r, const char *line, size_t len, GError **err)
{
	g_autofree char *text = g_strndup(line, len);
	json_object *rec = json_tokener_parse(text);
	uint64_t n;
	bool ok;

	if (!rec || !json_object_is_type(rec, json_type_object)) {
		json_object_put(rec);
		return bad(r, err, JOURNAL_ERROR_CORRUPT, "not a JSON object");
	}
	if (!get_u64(rec, "n", &n) || n != r->records + 1)
		ok = bad(r, err, JOURNAL_ERROR_CORRUPT, "expected record number %" PRIu64,
			 r->records + 1);
	else if (json_object_object_get_ex(rec, "store", NULL))
		ok = replay_store(r, rec, err);
	else if (json_object_object_get_ex(rec, "end", NULL))
		ok = replay_end(r, rec, err);
	else if (json_object_object_get_ex(rec, "op", NULL))
		ok = replay_op(r, rec, err);
	else if (json_object_object_get_ex(rec, "kexec", NULL))
		ok = replay_kexec(r, rec, err);
	else
		ok = bad(r, err, JOURNAL_ERROR_CORRUPT, "not a store, end, op or kexec record");
	json_object_put(rec);
	r->records += ok;
	return ok;
}

/* ---- the header and the file ------------------------------------------------ */

static char *fixture_sha256(const char *fixture, GError **err)
{
	g_autofree char *bytes = NULL;
	gsize len;

	if (!g_file_get_contents(fixture, &bytes, &len, err))
		return NULL;
	return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)bytes, len);
}

/* The first line of a new (or emptied) journal, durable with the file's name. */
static bool write_header(struct journal *j, const char *fixture, const char *sha, GError **err)
{
	json_object *h = json_object_new_object();
	g_autofree char *abs = g_canonicalize_filename(fixture, NULL);
	g_autoptr(GString) line = NULL;
	g_autofree char *dir = g_path_get_dirname(j->path);
	int rc, dfd;

	json_object_object_add(h, "hotplugfs-journal", json_object_new_int(JOURNAL_FORMAT));
	json_object_object_add(h, "fixture", json_object_new_string(abs));
	json_object_object_add(h, "sha256", json_object_new_string(sha));
	line = g_string_new(json_object_to_json_string_ext(h, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	g_string_append_c(line, '\n');
	json_object_put(h);
	rc = write_all(j->fd, line->str, line->len);
	if (!rc && fdatasync(j->fd) != 0)
		rc = -errno;
	if (rc) {
		g_set_error(err, JOURNAL_ERROR, JOURNAL_ERROR_IO, "%s: %s", j->path, g_strerror(-rc));
		return false;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return true;
}

static bool check_header_object(const struct replay *r, json_object *h, const char *fixture,
				const char *sha, GError **err);

static bool check_header(const struct replay *r, const char *line, size_t len,
			 const char *fixture, const char *sha, GError **err)
{
	g_autofree char *text = g_strndup(line, len);
	json_object *h = json_tokener_parse(text);
	bool ok = check_header_object(r, h, fixture, sha, err);

	json_object_put(h);
	return ok;
}

static bool check_header_object(const struct replay *r, json_object *h, const char *fixture,
				const char *sha, GError **err)
{
	json_object *v;
	const char *want, *named;

	if (!h || !json_object_is_type(h, json_type_object) ||
	    !json_object_object_get_ex(h, "hotplugfs-journal", &v))
		return bad(r, err, JOURNAL_ERROR_CORRUPT, "not a hotplugfs journal");
	if (!json_object_is_type(v, json_type_int) || json_object_get_int(v) != JOURNAL_FORMAT)
		return bad(r, err, JOURNAL_ERROR_CORRUPT, "journal format %s; this hotplugfs reads %d",
			   json_object_to_json_string(v), JOURNAL_FORMAT);
	want = get_string(h, "sha256");
	named = get_string(h, "fixture");
	if (!want || !named)
		return bad(r, err, JOURNAL_ERROR_CORRUPT, "the header needs fixture and sha256");
	if (strcmp(want, sha))
		return bad(r, err, JOURNAL_ERROR_FIXTURE,
			   "written for %s with sha256 %s, but %s has sha256 %s: the fixture changed "
			   "(start without the journal to serve it afresh)", named, want, fixture, sha);
	return true;
}

struct journal *journal_open(const char *file, const char *fixture, struct machine *m,
			     GError **err)
{
	g_autofree char *sha = fixture_sha256(fixture, err);
	g_autofree char *text = NULL;
	struct replay r = { .file = file, .m = m };
	struct journal *j;
	const char *p, *end;
	gsize len;
	int fd;

	if (!sha)
		return NULL;
	fd = open(file, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		g_set_error(err, JOURNAL_ERROR, JOURNAL_ERROR_IO, "%s: %s", file, g_strerror(errno));
		return NULL;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		g_set_error(err, JOURNAL_ERROR, JOURNAL_ERROR_BUSY, "%s: %s", file,
			    errno == EWOULDBLOCK ? "in use by another hotplugfs" : g_strerror(errno));
		close(fd);
		return NULL;
	}
	j = g_new0(struct journal, 1);
	j->fd = fd;
	j->path = g_strdup(file);
	g_mutex_init(&j->lock);
	if (!g_file_get_contents(file, &text, &len, err))
		goto fail;
	p = text;
	end = text + len;
	for (r.line = 1; p < end; r.line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl) {
			/* Cut short by the crash: never synced, never answered. */
			if (ftruncate(fd, p - text) != 0) {
				g_set_error(err, JOURNAL_ERROR, JOURNAL_ERROR_IO, "%s: ftruncate: %s",
					    file, g_strerror(errno));
				goto fail;
			}
			break;
		}
		if (r.line == 1 ? !check_header(&r, p, (size_t)(nl - p), fixture, sha, err)
				: !replay_record(&r, p, (size_t)(nl - p), err))
			goto fail;
		p = nl + 1;
	}
	/* New, or only a header cut short. */
	if (p == text && !write_header(j, fixture, sha, err))
		goto fail;
	j->records = r.records;
	/* A slow offline whose writer was never answered: the writer is gone,
	 * and offline_pages() backs off when its caller is signalled. */
	if (machine_hotplug_busy(m))
		journal_store_end(j, m, true, machine_hotplug_interrupt(m));
	return j;
fail:
	journal_free(j);
	return NULL;
}

void journal_free(struct journal *j)
{
	if (!j)
		return;
	close(j->fd);
	g_mutex_clear(&j->lock);
	g_free(j->path);
	g_free(j);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The machine's uevents on the udev netlink group (see uevent_udev.h). */
#include "uevent_udev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "backend.h"

/* MONITOR_GROUP_UDEV (src/libsystemd/sd-device/device-monitor-private.h, 252):
 * the bit of the second group, where udevd sends what it processed. */
#define UDEV_GROUP 2u
/* UDEV_MONITOR_MAGIC, device-monitor.c */
#define UDEV_MONITOR_MAGIC 0xfeedcafeu

/*
 * struct monitor_netlink_header, device-monitor.c (systemd 252): the fields
 * listeners' socket filters load (the magic, the hashes, the bloom filter)
 * are in network order, the sizes and offsets in host order.
 */
struct udev_header {
	char prefix[8];                /* "libudev": not a kernel message */
	uint32_t magic;
	uint32_t header_size;
	uint32_t properties_off;
	uint32_t properties_len;
	uint32_t filter_subsystem_hash;
	uint32_t filter_devtype_hash;  /* 0: no DEVTYPE */
	uint32_t filter_tag_bloom_hi;  /* 0: no TAGS */
	uint32_t filter_tag_bloom_lo;
};

struct uevent_udev {
	struct backend *b;
	int fd;
	GByteArray *buf;
	uint64_t sent, failed;
	int last_errno;
};

/* MurmurHash2 by Austin Appleby, as string_hash32() uses it (seed 0): the
 * four-byte words in host order. */
uint32_t uevent_udev_hash(const char *s)
{
	const uint32_t m = 0x5bd1e995;
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s);
	uint32_t h = (uint32_t)left;

	for (; left >= 4; left -= 4, p += 4) {
		uint32_t k;

		memcpy(&k, p, sizeof(k));
		k *= m;
		k ^= k >> 24;
		k *= m;
		h = (h * m) ^ k;
	}
	if (left == 3)
		h ^= (uint32_t)p[2] << 16;
	if (left >= 2)
		h ^= (uint32_t)p[1] << 8;
	if (left >= 1) {
		h ^= p[0];
		h *= m;
	}
	h ^= h >> 13;
	h *= m;
	h ^= h >> 15;
	return h;
}

/* One property, NUL-terminated, as in device_get_properties_nulstr(). */
G_GNUC_PRINTF(2, 3)
static void add_property(GByteArray *out, const char *fmt, ...)
{
	g_autofree char *s = NULL;
	va_list ap;

	va_start(ap, fmt);
	s = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_byte_array_append(out, (const guint8 *)s, (guint)strlen(s) + 1);
}

/* Appends each "KEY=VALUE" line of lines as a property; skip: a key left
 * out ("MAJOR"; NULL: none), devname: DEVNAME's value gets "/dev/" in front
 * (device_set_devname(), sd-device.c: a relative name is below /dev). */
static void add_lines(GByteArray *out, const char *lines, bool devname)
{
	for (const char *p = lines; p && *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		if (devname && g_str_has_prefix(p, "DEVNAME=") && p[8] != '/')
			add_property(out, "DEVNAME=/dev/%.*s", len - 8, p + 8);
		else if (!devname || (!g_str_has_prefix(p, "MAJOR=") && !g_str_has_prefix(p, "MINOR=")))
			add_property(out, "%.*s", len, p);
		p += len + (nl ? 1 : 0);
	}
}

/* The value of KEY in "KEY=VALUE\n" lines, into buf; false if absent. */
static bool line_value(const char *lines, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);

	for (const char *p = lines; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			snprintf(buf, size, "%.*s", (int)(len - klen - 1), p + klen + 1);
			return true;
		}
		p += len + (nl ? 1 : 0);
	}
	return false;
}

/*
 * What systemd-udevd 252 (Debian's 252.39 observed) sends for the kernel's
 * uevent of a memory block when no rule adds anything: the kernel's
 * variables in its order (device_new_from_nulstr() keeps it), behind
 * UDEV_DATABASE_VERSION=1 (device_update_properties_bufs()), and
 * USEC_INITIALIZED, the CLOCK_MONOTONIC time it processed the event
 * (device_ensure_usec_initialized(): a memory block has no database entry to
 * keep an earlier one, so every event gets its own).
 *
 * Another device's uevent (nd, dax) goes the same way through
 * device_new_from_nulstr() (sd-device/device-private.c), which keeps every
 * variable in place but MAJOR and MINOR: those it sets after the last one
 * (device_set_devnum()), so they follow SEQNUM; DEVNAME gets "/dev/" in front
 * (device_set_devname()).  A device node gives no database entry either
 * when no rule adds tags, links or properties: USEC_INITIALIZED is new for
 * every event too.  DEVTYPE, when there is one, is hashed into the header's
 * filter_devtype_hash (device_monitor_send_device()).  (udevd's own order
 * varies: observed, a worker it forks for the event, as for the first one
 * it handles, puts USEC_INITIALIZED after MAJOR and MINOR, as here; a worker
 * it reuses, before them.  Listeners read properties by name.)
 */
bool uevent_udev_message(const struct event *e, uint64_t usec_initialized, GByteArray *out)
{
	struct udev_header h = {
		.prefix = "libudev",
		.magic = htonl(UDEV_MONITOR_MAGIC),
		.header_size = sizeof(h),
		.properties_off = sizeof(h),
	};
	guint start = out->len;
	char value[64];

	if (e->kind != EVENT_UEVENT && e->kind != EVENT_DEVICE_UEVENT)
		return false;
	h.filter_subsystem_hash = htonl(uevent_udev_hash(e->kind == EVENT_UEVENT ? "memory" :
							 e->subsystem));
	if (e->kind == EVENT_DEVICE_UEVENT && line_value(e->env, "DEVTYPE", value, sizeof(value)))
		h.filter_devtype_hash = htonl(uevent_udev_hash(value));
	g_byte_array_append(out, (const guint8 *)&h, sizeof(h));
	add_property(out, "UDEV_DATABASE_VERSION=1");
	add_property(out, "ACTION=%s", uevent_action_name(e->uevent));
	if (e->kind == EVENT_UEVENT) {
		add_property(out, "DEVPATH=/devices/system/memory/memory%" PRIu64, e->block);
		add_property(out, "SUBSYSTEM=memory");
		add_lines(out, e->synth, false);
		add_property(out, "SEQNUM=%" PRIu64, e->seq);
	} else {
		add_property(out, "DEVPATH=%s", e->devpath);
		add_property(out, "SUBSYSTEM=%s", e->subsystem);
		add_lines(out, e->env, true);
		add_property(out, "SEQNUM=%" PRIu64, e->seq);
		if (line_value(e->env, "MAJOR", value, sizeof(value)))
			add_property(out, "MAJOR=%s", value);
		if (line_value(e->env, "MINOR", value, sizeof(value)))
			add_property(out, "MINOR=%s", value);
	}
	add_property(out, "USEC_INITIALIZED=%" PRIu64, usec_initialized);
	h.properties_len = out->len - start - (uint32_t)sizeof(h);
	memcpy(out->data + start, &h, sizeof(h));
	return true;
}

/* Called as each event is logged, on the loop's thread. */
static void on_event(void *ctx, const struct event *e)
{
	struct uevent_udev *u = ctx;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_groups = UDEV_GROUP };
	int err;

	g_byte_array_set_size(u->buf, 0);
	if (!uevent_udev_message(e, (uint64_t)g_get_monotonic_time(), u->buf))
		return;
	/* Port 0 with a group: a multicast, and the same datagram unicast to
	 * the kernel's socket, whose uevent_net_rcv() ignores it (no netlink
	 * header).  Older kernels without that receiver answer ECONNREFUSED
	 * after the multicast went out (device_monitor_send_device()). */
	if (sendto(u->fd, u->buf->data, u->buf->len, 0, (struct sockaddr *)&to, sizeof(to)) >= 0 ||
	    errno == ECONNREFUSED) {
		u->sent++;
		return;
	}
	err = errno;
	/* Said once per kind of failure, not once per uevent. */
	if (!u->failed++ || err != u->last_errno)
		fprintf(stderr, "hotplugfs: cannot send a uevent on the udev netlink group: %s\n",
			strerror(err));
	u->last_errno = err;
}

struct uevent_udev *uevent_udev_start(struct backend *b)
{
	struct sockaddr_nl self = { .nl_family = AF_NETLINK };
	struct uevent_udev *u;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);

	/* Bound now, with a port id the kernel picks (never 0: that is the
	 * kernel's own), rather than on the first send. */
	if (fd < 0 || bind(fd, (struct sockaddr *)&self, sizeof(self)) != 0) {
		fprintf(stderr, "hotplugfs: cannot open a uevent netlink socket: %s\n",
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	u = g_new0(struct uevent_udev, 1);
	u->b = b;
	u->fd = fd;
	u->buf = g_byte_array_new();
	event_log_subscribe(b->log, on_event, u);
	return u;
}

void uevent_udev_stop(struct uevent_udev *u)
{
	if (!u)
		return;
	event_log_unsubscribe(u->b->log, on_event, u);
	close(u->fd);
	g_byte_array_unref(u->buf);
	g_free(u);
}

void uevent_udev_counts(const struct uevent_udev *u, uint64_t *sent, uint64_t *failed,
			int *last_errno)
{
	*sent = u->sent;
	*failed = u->failed;
	*last_errno = u->last_errno;
}

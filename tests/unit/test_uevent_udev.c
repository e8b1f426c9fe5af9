/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The udev-group messages of fs/uevent_udev.c, byte for byte.  The expected
 * headers and properties are what systemd-udevd 252.39 (Debian bookworm)
 * broadcast when kernel uevents of these subsystems reached it (observed:
 * uevents injected into a network namespace of its own, no rules loaded;
 * docs/udev.md says how).  Nothing is sent here: tests/tools/udev.sh sends,
 * inside `hotplugfs run`'s network namespace.
 */
#include <arpa/inet.h>
#include <string.h>

#include "event_log.h"
#include "uevent_udev.h"

/* The subsystem and devtype hashes systemd-udevd 252.39 put in its headers:
 * every tail length of MurmurHash2 (0 to 3 bytes after the words). */
static void test_hash(void)
{
	static const struct {
		const char *s;
		uint32_t h;
	} seen[] = {
		{ "a", 0x92685f5e }, { "ab", 0x1aa14063 }, { "abc", 0x13577c9b },
		{ "abcd", 0x26873021 }, { "abcde", 0x5f09a8de }, { "memory", 0x86e45acf },
		{ "container", 0xd2392310 }, { "nd", 0x4f463220 }, { "dax", 0x3a2553ca },
		{ "nd_namespace_io", 0xaa42cb6b }, { "nd_dax", 0x767122ed },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(seen); i++)
		g_assert_cmphex(uevent_udev_hash(seen[i].s), ==, seen[i].h);
}

/* The header udevd wrote, then the properties. */
static GByteArray *expected_for(uint32_t subsystem, uint32_t devtype, const char *props,
				size_t props_len)
{
	GByteArray *want = g_byte_array_new();
	uint32_t words[8] = {
		htonl(0xfeedcafe), 40, 40, (uint32_t)props_len, htonl(subsystem), htonl(devtype),
		0, 0,
	};

	g_byte_array_append(want, (const guint8 *)"libudev", 8);
	g_byte_array_append(want, (const guint8 *)words, sizeof(words));
	g_byte_array_append(want, (const guint8 *)props, (guint)props_len);
	return want;
}

static GByteArray *expected(const char *props, size_t props_len)
{
	return expected_for(0x86e45acf, 0, props, props_len);
}

static void assert_bytes(const GByteArray *got, const GByteArray *want)
{
	g_assert_cmpmem(got->data, got->len, want->data, want->len);
}

/* The whole 172-byte datagram udevd sent for the kernel's "add" of memory99
 * with SEQNUM=9070, processed at 7947745456 us. */
static void test_block_add(void)
{
	static const char props[] = "UDEV_DATABASE_VERSION=1\0ACTION=add\0"
		"DEVPATH=/devices/system/memory/memory99\0SUBSYSTEM=memory\0SEQNUM=9070\0"
		"USEC_INITIALIZED=7947745456";
	struct event e = { .seq = 9070, .kind = EVENT_UEVENT, .block = 99, .uevent = UEVENT_ADD };
	g_autoptr(GByteArray) got = g_byte_array_new();
	g_autoptr(GByteArray) want = expected(props, sizeof(props));

	g_assert_true(uevent_udev_message(&e, 7947745456, got));
	assert_bytes(got, want);
	g_assert_cmpuint(got->len, ==, 172);
}

/* Every action, a remove too, carries USEC_INITIALIZED (udevd did). */
static void test_block_actions(void)
{
	static const char *const words[] = { "add", "remove", "change", "move", "online",
					     "offline", "bind", "unbind" };

	for (unsigned a = UEVENT_ADD; a <= UEVENT_UNBIND; a++) {
		struct event e = { .seq = 9073, .kind = EVENT_UEVENT, .block = 99, .uevent = a };
		g_autofree char *props = g_strdup_printf(
			"UDEV_DATABASE_VERSION=1|ACTION=%s|DEVPATH=/devices/system/memory/memory99|"
			"SUBSYSTEM=memory|SEQNUM=9073|USEC_INITIALIZED=1|", words[a]);
		g_autoptr(GByteArray) got = g_byte_array_new();
		g_autoptr(GByteArray) want = NULL;
		size_t len = strlen(props);

		g_strdelimit(props, "|", '\0');
		want = expected(props, len);
		g_assert_true(uevent_udev_message(&e, 1, got));
		assert_bytes(got, want);
	}
}

/* A synthetic uevent's variables between SUBSYSTEM and SEQNUM, as the
 * kernel sent them and udevd kept them. */
static void test_synthetic(void)
{
	static const char props[] = "UDEV_DATABASE_VERSION=1\0ACTION=change\0"
		"DEVPATH=/devices/system/memory/memory37\0SUBSYSTEM=memory\0"
		"SYNTH_UUID=01234567-89ab-cdef-0123-456789abcdef\0SYNTH_ARG_A=1\0SYNTH_ARG_Bb=x9\0"
		"SEQNUM=814\0USEC_INITIALIZED=5";
	struct event e = { .seq = 814, .kind = EVENT_UEVENT, .block = 37, .uevent = UEVENT_CHANGE,
			   .synth = "SYNTH_UUID=01234567-89ab-cdef-0123-456789abcdef\n"
				    "SYNTH_ARG_A=1\nSYNTH_ARG_Bb=x9\n" };
	g_autoptr(GByteArray) got = g_byte_array_new();
	g_autoptr(GByteArray) want = expected(props, sizeof(props));

	g_assert_true(uevent_udev_message(&e, 5, got));
	assert_bytes(got, want);
}

#define DAX0 "/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/dax0.0/dax0.0"

/* The 268-byte datagram udevd sent for the kernel's "add" of a dax device
 * (the first event its fresh worker handled): DEVNAME under /dev, MAJOR and
 * MINOR after SEQNUM, no DEVTYPE. */
static void test_dax_add(void)
{
	static const char props[] = "UDEV_DATABASE_VERSION=1\0ACTION=add\0DEVPATH=" DAX0 "\0"
		"SUBSYSTEM=dax\0DEVNAME=/dev/dax0.0\0MODALIAS=dax:t0*\0SEQNUM=23835\0MAJOR=251\0"
		"MINOR=0\0USEC_INITIALIZED=14391983930";
	struct event e = { .seq = 23835, .kind = EVENT_DEVICE_UEVENT, .uevent = UEVENT_ADD,
			   .devpath = DAX0, .subsystem = "dax",
			   .env = "MAJOR=251\nMINOR=0\nDEVNAME=dax0.0\nMODALIAS=dax:t0*\n" };
	g_autoptr(GByteArray) got = g_byte_array_new();
	g_autoptr(GByteArray) want = expected_for(0x3a2553ca, 0, props, sizeof(props));

	g_assert_true(uevent_udev_message(&e, 14391983930, got));
	assert_bytes(got, want);
	g_assert_cmpuint(got->len, ==, 40 + 228);
}

/* An nd device's add: its DEVTYPE hashed into the header (udevd: 195 bytes
 * of properties). */
static void test_nd_add(void)
{
	static const char props[] = "UDEV_DATABASE_VERSION=1\0ACTION=add\0DEVPATH="
		"/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0/dax0.1\0"
		"SUBSYSTEM=nd\0DEVTYPE=nd_dax\0MODALIAS=nd:t7\0SEQNUM=23839\0"
		"USEC_INITIALIZED=14396139841";
	struct event e = { .seq = 23839, .kind = EVENT_DEVICE_UEVENT, .uevent = UEVENT_ADD,
			   .devpath = "/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/"
				      "region0/dax0.1",
			   .subsystem = "nd", .env = "DEVTYPE=nd_dax\nMODALIAS=nd:t7\n" };
	g_autoptr(GByteArray) got = g_byte_array_new();
	g_autoptr(GByteArray) want = expected_for(0x4f463220, 0x767122ed, props, sizeof(props));

	g_assert_true(uevent_udev_message(&e, 14396139841, got));
	assert_bytes(got, want);
	g_assert_cmpuint(got->len, ==, 40 + 195);
}

/* Only uevents are sent; what else the log holds is not. */
static void test_not_uevents(void)
{
	static const enum event_kind others[] = { EVENT_NOTIFY, EVENT_IOMEM, EVENT_FIRMWARE_MAP,
						  EVENT_DEVICE };
	g_autoptr(GByteArray) got = g_byte_array_new();

	g_byte_array_append(got, (const guint8 *)"x", 1);
	for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
		struct event e = { .seq = 1, .kind = others[i], .name = "dimm0" };

		g_assert_false(uevent_udev_message(&e, 1, got));
		g_assert_cmpuint(got->len, ==, 1);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/uevent_udev/hash", test_hash);
	g_test_add_func("/uevent_udev/block_add", test_block_add);
	g_test_add_func("/uevent_udev/block_actions", test_block_actions);
	g_test_add_func("/uevent_udev/synthetic", test_synthetic);
	g_test_add_func("/uevent_udev/dax_add", test_dax_add);
	g_test_add_func("/uevent_udev/nd_add", test_nd_add);
	g_test_add_func("/uevent_udev/not_uevents", test_not_uevents);
	return g_test_run();
}

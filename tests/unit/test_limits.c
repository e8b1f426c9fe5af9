/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's limits on what a fixture may describe, and the work booting
 * one costs.  A fixture beyond a table the kernel sizes at build time
 * (E820_MAX_ENTRIES, NR_NODE_MEMBLKS, COMMAND_LINE_SIZE) or beyond the
 * physical address space (MAX_PHYSMEM_BITS, and so the number of memory
 * blocks) is refused with its JSON path, before anything is allocated for
 * it.  The e820 checks count their steps: linear or n log n, never n * n.
 * Messages are compared whole.
 */
#include <inttypes.h>
#include <string.h>

#include "e820.h"
#include "fixture.h"
#include "util.h"

#define HDR "\"hotplugfs-fixture\": 1, \"description\": \"limits\""

/* Parses json as t.json; the error message, or NULL when it parsed. */
static char *parse_error(const char *json)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_parse("t.json", json, strlen(json), &err);

	if (fx)
		return NULL;
	g_assert_error(err, FIXTURE_ERROR, FIXTURE_ERROR_INVALID);
	return g_strdup(err->message);
}

/* Parses and boots json; the error message, or NULL when it booted. */
static char *boot_error(const char *json)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_parse("t.json", json, strlen(json), &err);
	struct machine *m;

	g_assert_no_error(err);
	m = machine_boot(fx, &err);
	if (m) {
		machine_free(m);
		return NULL;
	}
	g_assert_error(err, FIXTURE_ERROR, FIXTURE_ERROR_INVALID);
	return g_strdup(err->message);
}

static void assert_parse_error(const char *json, const char *message)
{
	g_autofree char *got = parse_error(json);

	g_assert_cmpstr(got, ==, message);
}

static void assert_boot_error(const char *json, const char *message)
{
	g_autofree char *got = boot_error(json);

	g_assert_cmpstr(got, ==, message);
}

/*
 * n e820 entries: RAM below 640K, the legacy hole, RAM from 1 MiB to 2 GiB,
 * then n - 3 entries of 4 KiB every 8 KiB from 4 GiB, RAM and Reserved in
 * turn (bench/e820.sh's dense layout), in the order given: ascending, or
 * the added ones descending.
 */
static char *e820_fixture(unsigned n, bool descending)
{
	GString *s = g_string_new("{" HDR ", \"e820\": [\n"
				  "{\"start\": \"0x0\", \"end\": \"0x9fbff\", \"type\": \"ram\"},\n"
				  "{\"start\": \"0x9fc00\", \"end\": \"0xfffff\", \"type\": \"reserved\"},\n"
				  "{\"start\": \"0x100000\", \"end\": \"0x7fffffff\", \"type\": \"ram\"}");

	for (unsigned k = 0; k + 3 < n; k++) {
		unsigned i = descending ? n - 4 - k : k;
		uint64_t start = 0x100000000 + (uint64_t)i * 0x2000;

		g_string_append_printf(s, ",\n{\"start\": \"0x%" PRIx64 "\", \"end\": \"0x%" PRIx64
				       "\", \"type\": \"%s\"}", start, start + 0xfff,
				       i % 2 ? "reserved" : "ram");
	}
	g_string_append(s, "]}");
	return g_string_free(s, FALSE);
}

/* ---- E820_MAX_ENTRIES ----------------------------------------------------- */

/* 128 + 3 * MAX_NUMNODES (arch/x86/include/asm/e820/types.h) with Debian's
 * CONFIG_NODES_SHIFT=10: 3,200 entries boot, the 3,201st is refused. */
static void test_e820_max_entries(void)
{
	g_autofree char *full = e820_fixture(3200, false);
	g_autofree char *over = e820_fixture(3201, false);
	g_autofree char *booted = boot_error(full);

	g_assert_cmpuint(E820_MAX_ENTRIES, ==, 3200);
	g_assert_null(booted);
	assert_parse_error(over, "t.json: $.e820[3200]: beyond E820_MAX_ENTRIES: the kernel's "
			   "e820 table holds 3200 entries (e820__range_add ignores the rest)");
}

/* memmap= edits that would grow the kernel's table past it. */
static void test_e820_max_entries_memmap(void)
{
	g_autoptr(GString) s = g_string_new(NULL);
	g_autofree char *full = e820_fixture(3200, false);

	/* Each reserved hole in the middle of the 1M-2G RAM entry adds two. */
	g_string_append_len(s, full, (gssize)strlen(full) - 1);
	g_string_append(s, ", \"memmap\": [\"4K$0x10000000\"]}");
	assert_boot_error(s->str, "t.json: $.memmap[0]: the kernel's e820 table would hold "
			  "more than E820_MAX_ENTRIES (3200) entries");
}

/* ---- work ------------------------------------------------------------------ */

/*
 * Parsing and booting 3,200 entries: the overlap check and every
 * e820__update_table() pass are sorts and sweeps.  Comparing every entry
 * with every other took n * n / 2 steps for the check and 2 * n * n per
 * sanitize pass (one per boundary, each scanning every entry).
 */
static void test_e820_work(gconstpointer data)
{
	const bool descending = GPOINTER_TO_INT(data);
	const unsigned n = 3200;
	g_autofree char *json = e820_fixture(n, descending);
	g_autoptr(GError) err = NULL;
	uint64_t check = fixture_overlap_steps, sanitize;
	g_autoptr(fixture) fx = fixture_parse("t.json", json, strlen(json), &err);
	struct machine *m;

	g_assert_no_error(err);
	check = fixture_overlap_steps - check;
	sanitize = e820_sanitize_steps;
	m = machine_boot(fx, &err);
	g_assert_no_error(err);
	sanitize = e820_sanitize_steps - sanitize;
	g_test_message("%u entries: %" PRIu64 " overlap-check steps, %" PRIu64
		       " sanitize steps", n, check, sanitize);
	/* log2(3200) < 12: a sort's comparisons and one sweep. */
	g_assert_cmpuint(check, <=, 16 * n);
	/* A few e820__update_table() passes (the kernel's table, the
	 * firmware's, trim_bios_range's two edits), each a sort and a sweep. */
	g_assert_cmpuint(sanitize, <=, 128 * n);
	machine_free(m);
}

/* The overlap check still names the first entry (in file order) that
 * overlaps an earlier one, and the earliest it overlaps. */
static void test_e820_overlap_first(void)
{
	assert_parse_error("{" HDR ", \"e820\": ["
			   "{\"start\": \"0x40000000\", \"size\": \"1G\", \"type\": \"ram\"},"
			   "{\"start\": \"0x0\", \"size\": \"1M\", \"type\": \"ram\"},"
			   "{\"start\": \"0x100000000\", \"size\": \"1G\", \"type\": \"ram\"},"
			   "{\"start\": \"0x7ff00000\", \"size\": \"2G\", \"type\": \"reserved\"},"
			   "{\"start\": \"0x80000\", \"size\": \"4K\", \"type\": \"ram\"}]}",
			   "t.json: $.e820[3]: 0x7ff00000-0xffefffff overlaps $.e820[0] "
			   "(0x40000000-0x7fffffff)");
	assert_parse_error("{" HDR ", \"e820\": ["
			   "{\"start\": \"0x100000000\", \"size\": \"1G\", \"type\": \"ram\"},"
			   "{\"start\": \"0x40000000\", \"size\": \"1G\", \"type\": \"ram\"},"
			   "{\"start\": \"0x0\", \"size\": \"8G\", \"type\": \"reserved\"}]}",
			   "t.json: $.e820[2]: 0x0-0x1ffffffff overlaps $.e820[0] "
			   "(0x100000000-0x13fffffff)");
}

/* ---- MAX_PHYSMEM_BITS ------------------------------------------------------- */

#define RAM_TO(end) "{" HDR ", \"e820\": [" \
	"{\"start\": \"0x0\", \"end\": \"0x9fbff\", \"type\": \"ram\"}," \
	"{\"start\": \"0x100000\", \"end\": \"" end "\", \"type\": \"ram\"}]}"

/* x86_64 with 4-level paging: 46 bits.  2^60 bytes of RAM used to abort
 * (2^33 blocks) or take a minute and 12.5 GB (2 GiB blocks). */
static void test_physmem_x86(void)
{
	g_autofree char *last = parse_error(RAM_TO("0x3fffffffffff"));

	g_assert_null(last);
	assert_parse_error(RAM_TO("0x400000000000"),
			   "t.json: $.e820[1]: RAM 0x100000-0x400000000000 ends above "
			   "0x3fffffffffff: MAX_PHYSMEM_BITS is 46 on x86_64 (52 with \"la57\": true)");
	assert_parse_error(RAM_TO("0xfffffffffffffff"),
			   "t.json: $.e820[1]: RAM 0x100000-0xfffffffffffffff ends above "
			   "0x3fffffffffff: MAX_PHYSMEM_BITS is 46 on x86_64 (52 with \"la57\": true)");
}

/* 5-level paging (the CPU's la57; Debian builds CONFIG_X86_5LEVEL): 52 bits. */
static void test_physmem_la57(void)
{
	g_autofree char *ok = parse_error("{" HDR ", \"la57\": true, \"e820\": ["
					  "{\"start\": \"0x0\", \"end\": \"0xfffffffffffff\","
					  " \"type\": \"ram\"}]}");

	g_assert_null(ok);
	assert_parse_error("{" HDR ", \"la57\": true, \"e820\": ["
			   "{\"start\": \"0x0\", \"end\": \"0x10000000000000\", \"type\": \"ram\"}]}",
			   "t.json: $.e820[0]: RAM 0x0-0x10000000000000 ends above "
			   "0xfffffffffffff: MAX_PHYSMEM_BITS is 52 on x86_64 with la57");
	assert_parse_error("{" HDR ", \"arch\": \"s390x\", \"la57\": true}",
			   "t.json: $.la57: 5-level paging is an x86_64 feature (this is s390x)");
}

/* Other types may lie anywhere; s390x and aarch64 have their own width. */
static void test_physmem_other(void)
{
	g_autofree char *reserved = parse_error("{" HDR ", \"e820\": ["
						"{\"start\": \"0x0\", \"size\": \"1G\", \"type\": \"ram\"},"
						"{\"start\": \"0xff00000000000000\", \"size\": \"1G\","
						" \"type\": \"reserved\"}]}");

	g_assert_null(reserved);
	assert_parse_error("{" HDR ", \"arch\": \"aarch64\", \"e820\": ["
			   "{\"start\": \"0x0\", \"end\": \"0x1000000000000\", \"type\": \"ram\"}]}",
			   "t.json: $.e820[0]: RAM 0x0-0x1000000000000 ends above "
			   "0xffffffffffff: MAX_PHYSMEM_BITS is 48 on aarch64");
	assert_parse_error("{" HDR ", \"arch\": \"s390x\", \"e820\": ["
			   "{\"start\": \"0x0\", \"end\": \"0x20000000000000\", \"type\": \"ram\"}]}",
			   "t.json: $.e820[0]: RAM 0x0-0x20000000000000 ends above "
			   "0x1fffffffffffff: MAX_PHYSMEM_BITS is 53 on s390x");
}

/* RAM added with memmap=SIZE@START is held to the same limit. */
static void test_physmem_memmap(void)
{
	assert_boot_error("{" HDR ", \"e820\": [{\"start\": \"0x0\", \"size\": \"4G\","
			  " \"type\": \"ram\"}], \"memmap\": [\"1G$0x80000000\", \"128M@0x400000000000\"]}",
			  "t.json: $.memmap[1]: RAM 0x400000000000-0x400007ffffff ends above "
			  "0x3fffffffffff: MAX_PHYSMEM_BITS is 46 on x86_64 (52 with \"la57\": true)");
}

/* ---- memory blocks ----------------------------------------------------------- */

/* Captured runs: no more blocks than the address space has (2^46 / 128 MiB
 * = 524,288 on x86_64), checked before one is made. */
static void test_blocks_literal(void)
{
	g_autofree char *last = boot_error("{" HDR ", \"memory_blocks\": "
					   "[{\"first\": 524287, \"count\": 1}]}");

	g_assert_null(last);
	assert_boot_error("{" HDR ", \"memory_blocks\": [{\"first\": 524287, \"count\": 2}]}",
			  "t.json: $.memory_blocks[0]: blocks 524287-524288 end above the last "
			  "block 524287: MAX_PHYSMEM_BITS is 46 on x86_64 (52 with \"la57\": true)");
	assert_boot_error("{" HDR ", \"memory_blocks\": [{\"first\": 0, \"count\": 1},"
			  " {\"first\": 2, \"count\": 1099511627776}]}",
			  "t.json: $.memory_blocks[1]: blocks 2-1099511627777 end above the last "
			  "block 524287: MAX_PHYSMEM_BITS is 46 on x86_64 (52 with \"la57\": true)");
	assert_boot_error("{" HDR ", \"block_size\": \"2G\", \"memory_blocks\": "
			  "[{\"first\": 32768, \"count\": 1}]}",
			  "t.json: $.memory_blocks[0]: blocks 32768-32768 end above the last "
			  "block 32767: MAX_PHYSMEM_BITS is 46 on x86_64 (52 with \"la57\": true)");
}

/* ---- NR_NODE_MEMBLKS ---------------------------------------------------------- */

static char *numa_fixture(unsigned n)
{
	GString *s = g_string_new("{" HDR ", \"e820\": [{\"start\": \"0x0\", \"size\": \"1T\","
				  " \"type\": \"ram\"}], \"numa\": [");

	for (unsigned i = 0; i < n; i++)
		g_string_append_printf(s, "%s{\"node\": %u, \"start\": \"0x%" PRIx64 "\","
				       " \"size\": \"128M\"}", i ? ", " : "", i % 1024,
				       (uint64_t)i << 27);
	g_string_append(s, "]}");
	return g_string_free(s, FALSE);
}

/* numa_add_memblk(): "too many memblk ranges" beyond 2 * MAX_NUMNODES. */
static void test_numa_ranges(void)
{
	g_autofree char *full = numa_fixture(2048);
	g_autofree char *over = numa_fixture(2049);
	g_autofree char *ok = parse_error(full);

	g_assert_null(ok);
	assert_parse_error(over, "t.json: $.numa[2048]: beyond NR_NODE_MEMBLKS: the kernel's "
			   "NUMA table holds 2048 ranges (numa_add_memblk)");
}

/* ---- COMMAND_LINE_SIZE -------------------------------------------------------- */

/* memmap= edits are command-line options; the line holds 2047 characters. */
static void test_command_line(void)
{
	g_autoptr(GString) memmap = g_string_new("{" HDR ", \"e820\": [{\"start\": \"0x0\","
						 " \"size\": \"4G\", \"type\": \"ram\"}], \"memmap\": [");
	g_autoptr(GString) cmdline = g_string_new("{" HDR ", \"cmdline\": \"");

	/* " memmap=4K$0x10000000" is 21 characters: 97 fit, the 98th does not. */
	for (unsigned i = 0; i < 98; i++)
		g_string_append_printf(memmap, "%s\"4K$0x%x\"", i ? ", " : "", 0x10000000 + i * 0x2000);
	g_string_append(memmap, "]}");
	assert_parse_error(memmap->str, "t.json: $.memmap[97]: the kernel command line would be "
			   "longer than COMMAND_LINE_SIZE - 1 (2047 characters on x86_64)");
	for (unsigned i = 0; i < 2048; i++)
		g_string_append_c(cmdline, 'x');
	g_string_append(cmdline, "\"}");
	assert_parse_error(cmdline->str, "t.json: $.cmdline: 2048 characters: longer than "
			   "COMMAND_LINE_SIZE - 1 (2047 characters on x86_64)");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/limits/e820/max-entries", test_e820_max_entries);
	g_test_add_func("/limits/e820/max-entries-memmap", test_e820_max_entries_memmap);
	g_test_add_data_func("/limits/e820/work-ascending", GINT_TO_POINTER(0), test_e820_work);
	g_test_add_data_func("/limits/e820/work-descending", GINT_TO_POINTER(1), test_e820_work);
	g_test_add_func("/limits/e820/overlap-first", test_e820_overlap_first);
	g_test_add_func("/limits/physmem/x86", test_physmem_x86);
	g_test_add_func("/limits/physmem/la57", test_physmem_la57);
	g_test_add_func("/limits/physmem/other", test_physmem_other);
	g_test_add_func("/limits/physmem/memmap", test_physmem_memmap);
	g_test_add_func("/limits/blocks/literal", test_blocks_literal);
	g_test_add_func("/limits/numa", test_numa_ranges);
	g_test_add_func("/limits/command-line", test_command_line);
	return g_test_run();
}

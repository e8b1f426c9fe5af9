/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parsers of hotplugfs_kmod's files (core/kmod_files.c), on lines the
 * module printed on Debian 6.1 and 6.12 guests (docs/kmod-protocol.md). */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "kmod_files.h"

static void test_info(void)
{
	struct kmod_info i;

	g_assert_true(kmod_parse_info("protocol=1\nrelease=6.12.117+deb12-amd64\nlayout=6.12\n"
				      "actions=enum\nprepare_finish=1\nblock_size=0x8000000\n"
				      "pages_per_block=0x8000\nfirst_priority=2147483647\n"
				      "last_priority=-2147483648\n", &i));
	g_assert_cmpuint(i.protocol, ==, 1);
	g_assert_cmpstr(i.release, ==, "6.12.117+deb12-amd64");
	g_assert_cmpuint(i.block_size, ==, 0x8000000);
	g_assert_cmpuint(i.pages_per_block, ==, 0x8000);
	/* A key appended by a later protocol is skipped; a missing one is not. */
	g_assert_true(kmod_parse_info("protocol=1\nrelease=6.1.0-57-amd64\nblock_size=0x8000000\n"
				      "pages_per_block=0x8000\nnew_key=7\n", &i));
	g_assert_false(kmod_parse_info("protocol=1\nrelease=6.1.0-57-amd64\n", &i));
	g_assert_false(kmod_parse_info("protocol=1\nno equals sign\n", &i));
}

static void test_release_version(void)
{
	unsigned v;

	g_assert_true(kmod_release_version("6.12.117+deb12-amd64", &v));
	g_assert_cmpuint(v, ==, 612);
	g_assert_true(kmod_release_version("6.1.0-57-amd64", &v));
	g_assert_cmpuint(v, ==, 601);
	g_assert_true(kmod_release_version("6.18", &v));
	g_assert_cmpuint(v, ==, 618);
	g_assert_false(kmod_release_version("6", &v));
	g_assert_false(kmod_release_version("6.12x", &v));
}

static void test_resource(void)
{
	char line[] = "depth=1 start=0x100000000 end=0x10fffffff flags=0x87000200 desc=0 "
		      "name=System RAM (virtio_mem)";
	char bad_name[] = "depth=0 start=0x0 end=0xfff flags=0x80000200 desc=7 name=<BAD>";
	char reversed[] = "depth=0 start=0x2000 end=0xfff flags=0x200 desc=0 name=x";
	char no_name[] = "depth=0 start=0x0 end=0xfff flags=0x200 desc=0";
	struct kmod_resource r;

	g_assert_true(kmod_parse_resource(line, &r));
	g_assert_cmpuint(r.depth, ==, 1);
	g_assert_cmpuint(r.start, ==, 0x100000000);
	g_assert_cmpuint(r.end, ==, 0x10fffffff);
	g_assert_cmphex(r.flags, ==, 0x87000200);
	g_assert_cmpint(r.desc, ==, 0);
	g_assert_cmpstr(r.name, ==, "System RAM (virtio_mem)");
	g_assert_true(kmod_parse_resource(bad_name, &r));
	g_assert_cmpint(r.desc, ==, 7);
	g_assert_cmpstr(r.name, ==, "<BAD>");
	g_assert_false(kmod_parse_resource(reversed, &r));
	g_assert_false(kmod_parse_resource(no_name, &r));
}

static void test_block(void)
{
	struct kmod_block b;

	g_assert_true(kmod_parse_block("id=1 state=online node=0 zone=DMA32 block_zone=DMA32 "
				       "group=- group_type=- group_node=- group_pages=- "
				       "vmemmap_pages=0x0 offline=EBUSY reason=reserved pfn=0x8000", &b));
	g_assert_cmpuint(b.id, ==, 1);
	g_assert_cmpint(b.state, ==, BLOCK_ONLINE);
	g_assert_cmpstr(b.block_zone, ==, "DMA32");
	g_assert_false(b.has_group);
	g_assert_cmpint(b.offline, ==, KMOD_OFFLINE_EBUSY);
	g_assert_cmpstr(b.reason, ==, "reserved");
	g_assert_true(kmod_parse_block("id=48 state=online node=0 zone=Movable block_zone=Movable "
				       "group=48 group_type=static group_node=0 group_pages=0x8000 "
				       "vmemmap_pages=0x200 offline=ok reason=- pfn=-", &b));
	g_assert_true(b.has_group);
	g_assert_false(b.group_dynamic);
	g_assert_cmpuint(b.group, ==, 48);
	g_assert_cmpuint(b.group_pages, ==, 0x8000);
	g_assert_cmpuint(b.vmemmap_pages, ==, 0x200);
	g_assert_cmpint(b.offline, ==, KMOD_OFFLINE_OK);
	g_assert_cmpstr(b.reason, ==, "");
	g_assert_true(kmod_parse_block("id=32 state=offline node=0 zone=none block_zone=none "
				       "group=32 group_type=dynamic group_node=0 group_pages=0x8000 "
				       "vmemmap_pages=0x0 offline=- reason=- pfn=-", &b));
	g_assert_true(b.group_dynamic);
	g_assert_cmpint(b.offline, ==, KMOD_OFFLINE_NONE);
	/* Unknown state, unknown prediction, a group without its type. */
	g_assert_false(kmod_parse_block("id=1 state=gone node=0 zone=none block_zone=none group=- "
					"group_type=- group_node=- group_pages=- vmemmap_pages=0x0 "
					"offline=- reason=- pfn=-", &b));
	g_assert_false(kmod_parse_block("id=1 state=online node=0 zone=none block_zone=none group=- "
					"group_type=- group_node=- group_pages=- vmemmap_pages=0x0 "
					"offline=EPERM reason=- pfn=-", &b));
	g_assert_false(kmod_parse_block("id=1 state=online node=0 zone=none block_zone=none group=4 "
					"group_type=- group_node=- group_pages=- vmemmap_pages=0x0 "
					"offline=ok reason=- pfn=-", &b));
}

static void test_event(void)
{
	struct kmod_event e;

	/* 6.1: no altmap fields, bit-flag actions. */
	g_assert_true(kmod_parse_event("seq=20 cb=first action=8 name=MEM_GOING_ONLINE "
				       "start_pfn=0x198000 nr_pages=0x8000 block=51 ret=0x8011 "
				       "errno=-16", &e));
	g_assert_cmpuint(e.seq, ==, 20);
	g_assert_false(e.last);
	g_assert_cmpuint(e.raw, ==, 8);
	g_assert_true(e.known);
	g_assert_cmpint(e.action, ==, MEM_GOING_ONLINE);
	g_assert_cmpuint(e.arg.start_pfn, ==, 0x198000);
	g_assert_cmpuint(e.arg.block, ==, 51);
	g_assert_cmphex(e.ret, ==, 0x8011);
	g_assert_cmpint(notifier_to_errno(e.ret), ==, -EBUSY);
	/* 6.12: the enum and the altmap. */
	g_assert_true(kmod_parse_event("seq=0 cb=last action=6 name=MEM_PREPARE_ONLINE "
				       "start_pfn=0x180200 nr_pages=0x7e00 altmap_start_pfn=0x180000 "
				       "altmap_nr_pages=0x200 block=48 ret=0x1 errno=0", &e));
	g_assert_true(e.last);
	g_assert_cmpint(e.action, ==, MEM_PREPARE_ONLINE);
	g_assert_cmpuint(e.arg.altmap_start_pfn, ==, 0x180000);
	g_assert_cmpuint(e.arg.altmap_nr_pages, ==, 0x200);
	/* An action this project does not know is still a record. */
	g_assert_true(kmod_parse_event("seq=1 cb=first action=9 name=UNKNOWN start_pfn=0x0 "
				       "nr_pages=0x1 block=0 ret=0x1 errno=0", &e));
	g_assert_false(e.known);
	g_assert_true(kmod_parse_event("lost=12", &e));
	g_assert_cmpuint(e.lost, ==, 12);
	g_assert_false(kmod_parse_event("lost=0", &e));
	g_assert_false(kmod_parse_event("seq=1 cb=middle action=1 name=MEM_ONLINE start_pfn=0x0 "
					"nr_pages=0x1 block=0 ret=0x1 errno=0", &e));
	g_assert_false(kmod_parse_event("seq=1 cb=first action=1 name=MEM_ONLINE", &e));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/kmod/info", test_info);
	g_test_add_func("/kmod/release_version", test_release_version);
	g_test_add_func("/kmod/resource", test_resource);
	g_test_add_func("/kmod/block", test_block);
	g_test_add_func("/kmod/event", test_event);
	return g_test_run();
}

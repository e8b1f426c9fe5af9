/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The files of hotplugfs_kmod (kmod/), protocol 1 (docs/kmod-protocol.md):
 * one parser per line format.  Lines are "key=value" fields separated by one
 * space; keys a later protocol appends are skipped.  Every parser takes one
 * line without its newline and returns false when a field it needs is
 * missing or malformed.
 */
#ifndef HOTPLUGFS_KMOD_FILES_H
#define HOTPLUGFS_KMOD_FILES_H

#include <stdbool.h>
#include <stdint.h>

#include "memory_block.h"
#include "notifier.h"

#define KMOD_NAME "hotplugfs_kmod"
#define KMOD_DIR "sys/kernel/debug/hotplugfs"   /* below the root */
#define KMOD_PROTOCOL 1

/* info: what the module was built for and runs with. */
struct kmod_info {
	unsigned protocol;
	char release[65];          /* init_utsname()->release */
	uint64_t block_size;
	uint64_t pages_per_block;
};

/* iomem: one resource, in /proc/iomem's order. */
struct kmod_resource {
	unsigned depth;            /* ancestors below iomem_resource */
	uint64_t start, end;
	uint32_t flags;
	int desc;
	const char *name;          /* points into the line */
};

/* What `echo offline > memoryN/state` would do now (blocks' offline=). */
enum kmod_offline { KMOD_OFFLINE_NONE, KMOD_OFFLINE_OK, KMOD_OFFLINE_EINVAL, KMOD_OFFLINE_EBUSY };

/* blocks: one memory block. */
struct kmod_block {
	uint64_t id;
	enum block_state state;
	int node;
	char block_zone[16];       /* mem->zone's name, "none" */
	bool has_group;
	uint64_t group;            /* the group's lowest block id */
	bool group_dynamic;
	int group_node;
	uint64_t group_pages;      /* max_pages (static) or unit_pages (dynamic) */
	uint64_t vmemmap_pages;
	enum kmod_offline offline;
	char reason[32];           /* "reserved", "unmovable", ... ; "" for none */
};

/* events: one memory notifier call seen by one of the module's callbacks,
 * or a gap ("lost=N"). */
struct kmod_event {
	uint64_t lost;             /* > 0: N records were missed; nothing else set */
	uint64_t seq;
	bool last;                 /* cb=last (the lowest priority), else cb=first */
	unsigned raw;              /* the action's number on this kernel */
	bool known;                /* name is a MEM_* action this project knows */
	enum mem_action action;
	struct memory_notify arg;  /* block and the pfns */
	int ret;                   /* what the callback returned */
};

/* info is the whole file ("key=value" lines). */
bool kmod_parse_info(const char *text, struct kmod_info *out);
/* The line is changed (the name is cut at its end). */
bool kmod_parse_resource(char *line, struct kmod_resource *out);
bool kmod_parse_block(const char *line, struct kmod_block *out);
bool kmod_parse_event(const char *line, struct kmod_event *out);

/* "6.12.117+deb12-amd64" -> KERNEL(6, 12); false when not "MAJ.MIN...". */
bool kmod_release_version(const char *release, unsigned *kernel);

#endif

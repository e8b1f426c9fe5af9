/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A literal-form fixture (docs/fixture-format.md) of a running system or of a
 * copied tree, such that serving it reproduces every captured file byte for
 * byte.  Every value read is checked by printing it back the way the kernel
 * would: what could not be reproduced is refused rather than changed.  With
 * the kernel module (kmod/, docs/kmod-protocol.md) the fixture also holds
 * what the files do not show: resource flags and descriptors, memory
 * groups, memmap_on_memory blocks and blocks that cannot go offline.
 */
#ifndef HOTPLUGFS_CAPTURE_H
#define HOTPLUGFS_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <json-c/json.h>

struct capture_request {
	const char *sysroot;       /* NULL: the running system */
	const char *description;   /* NULL: "captured from ROOT on DATE by hotplugfs capture" */
	const char *kernel;        /* NULL: the release the kernel reports */
	const char *arch;          /* NULL: guessed */
	bool kmod;                 /* read hotplugfs_kmod's files too (required then) */
	/* Called as memory blocks are read (a million take seconds), or NULL. */
	void (*blocks_read)(void *ctx, uint64_t blocks);
	void *ctx;
};

/* The fixture, or NULL with *err ("PATH: reason", CAPTURE_ERROR). */
json_object *capture_fixture(const struct capture_request *r, GError **err);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What hotplugfs_kmod adds to a capture (core/capture.c): its files read
 * once, checked and put in the fixture's terms.
 */
#ifndef HOTPLUGFS_CAPTURE_KMOD_H
#define HOTPLUGFS_CAPTURE_KMOD_H

#include <glib.h>
#include <json-c/json.h>

#include "kmod_files.h"
#include "sysdir.h"

struct kmod_capture {
	struct kmod_info info;
	GString *iomem_text;       /* the tree as /proc/iomem prints it (r_show) */
	GString *iomem_zeroed;     /* ... to a reader without CAP_SYS_ADMIN */
	json_object *iomem;        /* the literal tree, flags and desc where not the defaults */
	GArray *blocks;            /* struct kmod_block, ascending id */
};

/* Whether root/KMOD_DIR exists; when not, an error that says how to build
 * and load the module and mount debugfs. */
bool kmod_capture_present(const struct sysdir *root, GError **err);
/* Reads version, info, iomem and blocks below root/KMOD_DIR; a missing
 * module is an error that says how to load it. */
bool kmod_capture_read(const struct sysdir *root, struct kmod_capture *k, GError **err);
void kmod_capture_clear(struct kmod_capture *k);

#endif

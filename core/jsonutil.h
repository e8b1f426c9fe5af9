/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON shapes shared by the dump, the control protocol and capture. */
#ifndef HOTPLUGFS_JSONUTIL_H
#define HOTPLUGFS_JSONUTIL_H

#include <stdint.h>

#include <json-c/json.h>

/* An address or size as the string "0x1f": JSON numbers lose 64-bit precision. */
json_object *json_hex(uint64_t v);

/* An object that prints as TEXT, which is JSON already (taken, g_free'd with
 * the object): for what is too large or too often sent to build from json-c
 * objects.  Only for printing: its type and members say nothing of TEXT. */
json_object *json_text(char *text);

#endif

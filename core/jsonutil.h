/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON shapes shared by the dump, the control protocol and capture. */
#ifndef HOTPLUGFS_JSONUTIL_H
#define HOTPLUGFS_JSONUTIL_H

#include <stdint.h>

#include <json-c/json.h>

/* An address or size as the string "0x1f": JSON numbers lose 64-bit precision. */
json_object *json_hex(uint64_t v);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON as RFC 8259 defines it, checked without building anything: json-c's
 * parser also takes "1." and NaN (and prints them back as they came), which
 * no other JSON reader accepts.
 */
#ifndef HOTPLUGFS_JSON_STRICT_H
#define HOTPLUGFS_JSON_STRICT_H

#include <stdbool.h>
#include <stddef.h>

/* Whether text (len bytes) is exactly one JSON value, with whitespace
 * around it, its strings UTF-8; else false with *bad_at (when not NULL) the
 * offset of the first byte that is wrong (len when it ends too soon). */
bool json_strict_check(const char *text, size_t len, size_t *bad_at);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names the kernel makes from a prefix and numbers (dev_set_name()
 * "memory%u", "region%d", "namespace%d.%d"): only the text it prints is
 * taken, so "memory01" or "memory+1" names nothing.
 */
#ifndef HOTPLUGFS_NUMBERED_NAME_H
#define HOTPLUGFS_NUMBERED_NAME_H

#include <stdbool.h>
#include <stdint.h>

/* "<prefix><decimal>": no sign, no leading 0s, no overflow. */
bool parse_numbered_name(const char *name, const char *prefix, uint64_t *out);
/* "<prefix><decimal>.<decimal>", each number as above. */
bool parse_numbered_pair(const char *name, const char *prefix, uint64_t *a, uint64_t *b);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Sizes and addresses as fixtures and ops write them. */
#ifndef HOTPLUGFS_SIZE_H
#define HOTPLUGFS_SIZE_H

#include <stdbool.h>
#include <stdint.h>

/* "0x1f", "4096", "128M", "2G", "1T" (K/M/G/T are powers of 1024). */
bool parse_size(const char *s, uint64_t *out);

#endif

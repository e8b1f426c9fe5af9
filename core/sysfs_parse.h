/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How the kernel parses what userspace writes to sysfs and debugfs files:
 * sysfs_streq() (lib/string.c) and the kstrto*() family (lib/kstrtox.c).
 * A store buffer is NUL-terminated by kernfs and may hold a NUL earlier
 * (daxctl writes the string's terminator too).
 */
#ifndef HOTPLUGFS_SYSFS_PARSE_H
#define HOTPLUGFS_SYSFS_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* sysfs_streq(): equal, except that one trailing newline is ignored. */
bool sysfs_streq_len(const char *buf, size_t len, const char *word);
/* kstrtobool(): y/Y/1/on true, n/N/0/off false; 0 or -EINVAL. */
int kstrtobool(const char *s, size_t len, bool *out);
/* kstrtoull(s, 0): base prefixes, one trailing newline; 0, -EINVAL, -ERANGE. */
int kstrtoull0(const char *buf, size_t len, unsigned long long *out);
/* kstrtoll(s, 0), as debugfs signed attributes parse. */
int kstrtoll0(const char *buf, size_t len, long long *out);

#endif

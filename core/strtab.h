/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One string table per enumeration, in the style of systemd's
 * DEFINE_STRING_TABLE_LOOKUP: the table is the single place a name is
 * spelled, and NAME_to_string()/NAME_from_string() are generated from it.
 */
#ifndef HOTPLUGFS_STRTAB_H
#define HOTPLUGFS_STRTAB_H

#include <stdbool.h>
#include <stddef.h>

/* Index of s[0..len) in table, or -1.  sysfs: sysfs_streq() semantics (one
 * trailing newline ignored; the buffer ends at its first NUL, as kernfs
 * NUL-terminates every store). */
int string_table_lookup(const char *const *table, size_t n, const char *s, size_t len, bool sysfs);

#define STRTAB_LEN(t) (sizeof(t) / sizeof((t)[0]))

/* Declares the table NAME_table[count], NAME_to_string(TYPE) (NULL out of
 * range), NAME_from_string(s) and NAME_from_sysfs(buf, len) (-1 when
 * unknown). */
#define DECLARE_STRING_TABLE_LOOKUP(name, type, count)                            \
	extern const char *const name##_table[count];                             \
	const char *name##_to_string(type v);                                     \
	int name##_from_string(const char *s);                                    \
	int name##_from_sysfs(const char *buf, size_t len)

/* Defines them over the table, defined before with its declared count. */
#define DEFINE_STRING_TABLE_LOOKUP(name, type)                                    \
	const char *name##_to_string(type v)                                      \
	{                                                                         \
		return (size_t)v < STRTAB_LEN(name##_table) ? name##_table[v] : NULL; \
	}                                                                         \
	int name##_from_string(const char *s)                                     \
	{                                                                         \
		return string_table_lookup(name##_table, STRTAB_LEN(name##_table), s, \
					   __builtin_strlen(s), false);           \
	}                                                                         \
	int name##_from_sysfs(const char *buf, size_t len)                        \
	{                                                                         \
		return string_table_lookup(name##_table, STRTAB_LEN(name##_table), buf, \
					   len, true);                            \
	}

#endif

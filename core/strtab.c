/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "strtab.h"

#include <string.h>

#include "sysfs_parse.h"

int string_table_lookup(const char *const *table, size_t n, const char *s, size_t len, bool sysfs)
{
	for (size_t i = 0; i < n; i++) {
		if (!table[i])
			continue;
		if (sysfs ? sysfs_streq_len(s, len, table[i])
			  : (strlen(table[i]) == len && memcmp(table[i], s, len) == 0))
			return (int)i;
	}
	return -1;
}

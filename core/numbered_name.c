/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Names made of a prefix and numbers (see numbered_name.h). */
#include "numbered_name.h"

#include <errno.h>
#include <string.h>

#include <glib.h>

bool parse_numbered_name(const char *name, const char *prefix, uint64_t *out)
{
	size_t pl = strlen(prefix);
	const char *digits = name + pl;
	char *end;

	if (strncmp(name, prefix, pl) || !g_ascii_isdigit(digits[0]) ||
	    (digits[0] == '0' && digits[1]))
		return false;
	errno = 0;
	*out = g_ascii_strtoull(digits, &end, 10);
	return !errno && !*end;
}

bool parse_numbered_pair(const char *name, const char *prefix, uint64_t *a, uint64_t *b)
{
	const char *dot = strchr(name, '.');
	g_autofree char *first = dot ? g_strndup(name, (size_t)(dot - name)) : NULL;

	return first && parse_numbered_name(first, prefix, a) && parse_numbered_name(dot + 1, "", b);
}

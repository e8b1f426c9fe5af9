/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sysfs_parse.h"

#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* sysfs_streq(), lib/string.c: a trailing newline on either side is
 * ignored.  The buffer ends at its first NUL, as kernfs terminates it. */
bool sysfs_streq_len(const char *buf, size_t len, const char *word)
{
	size_t wl = strlen(word);

	len = strnlen(buf, len);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	return len == wl && memcmp(buf, word, wl) == 0;
}

/* kstrtobool(), lib/kstrtox.c: only the first one or two characters count. */
int kstrtobool(const char *s, size_t len, bool *out)
{
	if (!len)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case '1':
		*out = true;
		return 0;
	case 'n': case 'N': case '0':
		*out = false;
		return 0;
	case 'o': case 'O':
		if (len > 1 && (s[1] == 'n' || s[1] == 'N')) {
			*out = true;
			return 0;
		}
		if (len > 1 && (s[1] == 'f' || s[1] == 'F')) {
			*out = false;
			return 0;
		}
		break;
	}
	return -EINVAL;
}

/* _kstrtoull(): base 0 takes 0x and 0 prefixes; one trailing newline; no
 * sign, no spaces. */
int kstrtoull0(const char *buf, size_t len, unsigned long long *out)
{
	g_autofree char *s = g_strndup(buf, len);
	size_t n = strlen(s);
	char *end;

	if (n && s[n - 1] == '\n')
		s[--n] = '\0';
	if (!n || !g_ascii_isdigit(s[0]))
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	if (*end || end == s)
		return -EINVAL;
	return errno == ERANGE ? -ERANGE : 0;
}

/* kstrtoll(): an optional sign, then kstrtoull's rules. */
int kstrtoll0(const char *buf, size_t len, long long *out)
{
	unsigned long long v;
	bool neg = len && buf[0] == '-';
	bool sign = len && (buf[0] == '-' || buf[0] == '+');
	int ret = kstrtoull0(buf + sign, len - sign, &v);

	if (ret)
		return ret;
	if (neg ? v > (unsigned long long)LLONG_MAX + 1 : v > LLONG_MAX)
		return -ERANGE;
	*out = neg ? (long long)(0 - v) : (long long)v;
	return 0;
}

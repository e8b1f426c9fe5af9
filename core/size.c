/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sizes and addresses as fixtures write them: "0x9fc00", "4096", "128M".
 * Hand-written instead of strtoull() because strtoull accepts what a fixture
 * must not: leading blanks, signs, octal and silent wrap-around.
 */
#include "size.h"

#include <ctype.h>
#include <stddef.h>

/* Accumulates the digits of s in base; false on no digits or overflow. */
static bool parse_digits(const char **s, unsigned base, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	for (; isxdigit((unsigned char)*p); p++) {
		unsigned d = isdigit((unsigned char)*p) ? (unsigned)(*p - '0')
							: (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (p == *s)
		return false;
	*s = p;
	*out = v;
	return true;
}

/* K, M, G, T as powers of 1024 (memparse without the lower-case forms). */
static unsigned suffix_shift(char c)
{
	switch (c) {
	case 'K': return 10;
	case 'M': return 20;
	case 'G': return 30;
	case 'T': return 40;
	default: return 0;
	}
}

bool parse_size(const char *s, uint64_t *out)
{
	uint64_t v;
	unsigned shift;

	if (!s)
		return false;
	if (s[0] == '0' && s[1] == 'x') {
		s += 2;
		if (!parse_digits(&s, 16, &v) || *s)
			return false;
		*out = v;
		return true;
	}
	if (!parse_digits(&s, 10, &v))
		return false;
	shift = suffix_shift(*s);
	if (shift) {
		if (v > UINT64_MAX >> shift)
			return false;
		v <<= shift;
		s++;
	}
	if (*s)
		return false;
	*out = v;
	return true;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 8259 JSON, checked (json_strict.h). */
#include "json_strict.h"

#include <glib.h>
#include <string.h>

struct scan {
	const char *p, *end;
	unsigned depth;
};

/* Deeper nesting is refused (the control socket's parser stops at 64 too). */
#define MAX_DEPTH 64

static bool at(const struct scan *s, char c)
{
	return s->p < s->end && *s->p == c;
}

static void skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool digits(struct scan *s)
{
	const char *from = s->p;

	while (s->p < s->end && g_ascii_isdigit(*s->p))
		s->p++;
	return s->p > from;
}

static bool string(struct scan *s)
{
	if (!at(s, '"'))
		return false;
	for (s->p++; s->p < s->end;) {
		unsigned char c = (unsigned char)*s->p;

		if (c == '"') {
			s->p++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c >= 0x80) {
			gunichar u = g_utf8_get_char_validated(s->p, s->end - s->p);

			if (u == (gunichar)-1 || u == (gunichar)-2)
				return false;
			s->p = g_utf8_next_char(s->p);
			continue;
		}
		s->p++;
		if (c != '\\')
			continue;
		if (s->p == s->end)
			return false;
		if (*s->p == 'u') {
			for (int i = 0; i < 4; i++)
				if (++s->p == s->end || !g_ascii_isxdigit(*s->p))
					return false;
		} else if (!strchr("\"\\/bfnrt", *s->p)) {
			return false;
		}
		s->p++;
	}
	return false;
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static bool number(struct scan *s)
{
	if (at(s, '-'))
		s->p++;
	if (at(s, '0'))
		s->p++;
	else if (!digits(s))
		return false;
	if (at(s, '.')) {
		s->p++;
		if (!digits(s))
			return false;
	}
	if (at(s, 'e') || at(s, 'E')) {
		s->p++;
		if (at(s, '+') || at(s, '-'))
			s->p++;
		if (!digits(s))
			return false;
	}
	return true;
}

static bool word(struct scan *s, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n))
		return false;
	s->p += n;
	return true;
}

static bool value(struct scan *s);

/* The members of an object or the elements of an array, up to close. */
static bool items(struct scan *s, bool members, char close)
{
	if (++s->depth > MAX_DEPTH)
		return false;
	s->p++;
	skip_ws(s);
	if (!at(s, close)) {
		for (;;) {
			if (members) {
				if (!string(s))
					return false;
				skip_ws(s);
				if (!at(s, ':'))
					return false;
				s->p++;
			}
			if (!value(s))
				return false;
			skip_ws(s);
			if (!at(s, ','))
				break;
			s->p++;
			skip_ws(s);
		}
		if (!at(s, close))
			return false;
	}
	s->p++;
	s->depth--;
	return true;
}

static bool value(struct scan *s)
{
	skip_ws(s);
	if (s->p == s->end)
		return false;
	switch (*s->p) {
	case '{': return items(s, true, '}');
	case '[': return items(s, false, ']');
	case '"': return string(s);
	case 't': return word(s, "true");
	case 'f': return word(s, "false");
	case 'n': return word(s, "null");
	default: return number(s);
	}
}

bool json_strict_check(const char *text, size_t len, size_t *bad_at)
{
	struct scan s = { text, text + len, 0 };
	bool ok = value(&s);

	if (ok) {
		skip_ws(&s);
		ok = s.p == s.end;
	}
	if (!ok && bad_at)
		*bad_at = (size_t)(s.p - text);
	return ok;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 8259 JSON (core/json_strict.c): what it takes, and where it stops on
 * what it refuses, json-c's extensions among them. */
#include <string.h>

#include "json_strict.h"
#include "util.h"

static void test_accepted(void)
{
	static const char *const ok[] = {
		"{}", "[]", "0", "-0", "1.5e+3", "-1.5E-3", "12e3", "\"\"", "true", "false", "null",
		" {\"a\" : [1, 2.25, {\"b\": null}], \"c\": \"\\u00e9\\n\\\"\\\\\\/\"}\r\n",
		"{\"ok\":true,\"id\":1,\"result\":{\"device\":\"dimm0\"}}",
		"\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
		size_t at = 99;

		g_assert_true(json_strict_check(ok[i], strlen(ok[i]), &at));
		g_assert_cmpuint(at, ==, 99);
	}
}

static void test_refused(void)
{
	static const struct { const char *text; size_t at; } bad[] = {
		{ "", 0 }, { " ", 1 }, { "{", 1 }, { "{\"a\"}", 4 }, { "[1,]", 3 }, { "{\"a\":1,}", 7 },
		{ "1.", 2 }, { "1.e5", 2 }, { "1e", 2 }, { ".5", 0 }, { "+1", 0 }, { "01", 1 },
		{ "-", 1 }, { "NaN", 0 }, { "Infinity", 0 }, { "TRUE", 0 }, { "nul", 0 },
		{ "'a'", 0 }, { "\"a", 2 }, { "\"a\tb\"", 2 }, { "\"\\q\"", 2 }, { "\"\\u12g4\"", 5 },
		{ "\"\xff\"", 1 }, { "\"\xc3\"", 1 }, { "\"\xed\xa0\x80\"", 1 },
		{ "{} {}", 3 }, { "{}x", 2 }, { "{\"a\":1}{\"b\":2}", 7 },
		/* a reply run into an event (tests/fuzz/regress/control/overflow-after-compaction) */
		{ "{\"ok\":true,\"x\":\"altmap_s{\"event\":\"overflow\"}", 26 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *shown = g_strescape(bad[i].text, NULL);
		size_t at = 99;

		/* escaped: a TAP line must be UTF-8 */
		g_test_message("%s", shown);
		g_assert_false(json_strict_check(bad[i].text, strlen(bad[i].text), &at));
		g_assert_cmpuint(at, ==, bad[i].at);
	}
	/* NUL is a control character inside a string, and text after a value */
	g_assert_false(json_strict_check("\"a\0b\"", 5, NULL));
	g_assert_false(json_strict_check("1\0", 2, NULL));
}

static void test_depth(void)
{
	g_autoptr(GString) deep = g_string_new(NULL);

	for (int i = 0; i < 64; i++)
		g_string_append_c(deep, '[');
	for (int i = 0; i < 64; i++)
		g_string_append_c(deep, ']');
	g_assert_true(json_strict_check(deep->str, deep->len, NULL));
	g_string_prepend_c(deep, '[');
	g_string_append_c(deep, ']');
	g_assert_false(json_strict_check(deep->str, deep->len, NULL));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/json-strict/accepted", test_accepted);
	g_test_add_func("/json-strict/refused", test_refused);
	g_test_add_func("/json-strict/depth", test_depth);
	return g_test_run();
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The op vocabulary's table (core/ops.c): the verbs the documentation lists
 * are exactly the verbs the table has, every documented example request has
 * a valid shape, and every kind of bad shape is refused with the key and the
 * reason, before any machine is involved.
 */
#include <string.h>

#include "ops.h"
#include "util.h"

/* docs/control-protocol.md, read at test time (G_TEST_SRCDIR is tests/). */
static char *protocol_doc(void)
{
	g_autofree char *path = g_test_build_filename(G_TEST_DIST, "..", "docs",
						      "control-protocol.md", NULL);
	g_autoptr(GError) err = NULL;
	char *text = NULL;

	g_file_get_contents(path, &text, NULL, &err);
	g_assert_no_error(err);
	return text;
}

/* The vocabulary's table rows "| `verb` | `{"op":...}` ... |": verb -> example. */
static GHashTable *documented_examples(void)
{
	g_autofree char *doc = protocol_doc();
	g_auto(GStrv) lines = g_strsplit(doc, "\n", -1);
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	for (char **l = lines; *l; l++) {
		const char *verb, *req, *end;

		if (!g_str_has_prefix(*l, "| `"))
			continue;
		verb = *l + 3;
		end = strchr(verb, '`');
		req = end ? strstr(end, "| `{\"op\"") : NULL;
		if (!req)
			continue;
		req += 3;
		g_hash_table_insert(t, g_strndup(verb, (size_t)(end - verb)),
				    g_strndup(req, (size_t)(strstr(req, "}`") - req) + 1));
	}
	return t;
}

static void test_docs_list_every_verb(void)
{
	g_autoptr(GHashTable) docs = documented_examples();

	g_assert_cmpuint(ops_verb_count(), >, 10);
	for (size_t i = 0; i < ops_verb_count(); i++) {
		if (!g_hash_table_contains(docs, ops_verb(i)))
			g_test_message("verb %s has no row in docs/control-protocol.md", ops_verb(i));
		g_assert_true(g_hash_table_contains(docs, ops_verb(i)));
	}
	g_assert_cmpuint(g_hash_table_size(docs), ==, ops_verb_count());
	g_assert_null(ops_verb(ops_verb_count()));
}

static void test_documented_examples_have_a_valid_shape(void)
{
	g_autoptr(GHashTable) docs = documented_examples();
	GHashTableIter it;
	gpointer verb, req;

	g_hash_table_iter_init(&it, docs);
	while (g_hash_table_iter_next(&it, &verb, &req)) {
		json_object *o = json_tokener_parse(req);
		g_autofree char *key = NULL, *reason = NULL;

		g_assert_nonnull(o);
		if (!machine_op_check(o, &key, &reason))
			g_test_message("%s: %s: %s: %s", (char *)verb, (char *)req, key, reason);
		g_assert_null(reason);
		json_object_put(o);
	}
}

/* A request, checked: the offending key (NULL: the op) and the reason. */
static void bad(const char *json, const char *want_key, const char *want_reason)
{
	json_object *o = json_tokener_parse(json);
	g_autofree char *key = NULL, *reason = NULL;

	g_assert_nonnull(o);
	g_assert_false(machine_op_check(o, &key, &reason));
	g_assert_cmpstr(key, ==, want_key);
	g_assert_cmpstr(reason, ==, want_reason);
	json_object_put(o);
}

static void test_bad_shapes(void)
{
	bad("[1]", NULL, "expected an object {\"op\": VERB, ...}");
	bad("{}", NULL, "missing required key \"op\"");
	bad("{\"op\":7}", "op", "expected a string");
	bad("{\"op\":\"dimm-add\",\"start\":\"4G\"}", NULL,
	    "missing required key \"size\" for dimm-add");
	bad("{\"op\":\"dimm-add\",\"start\":\"4G\",\"size\":\"1G\",\"colour\":1}", "colour",
	    "unknown key for dimm-add");
	bad("{\"op\":\"dimm-add\",\"start\":\"4 G\",\"size\":\"1G\"}", "start",
	    "\"4 G\" is not a size (0x hex, decimal, or K/M/G/T suffix)");
	bad("{\"op\":\"dimm-add\",\"start\":-1,\"size\":\"1G\"}", "start",
	    "expected a size (a string or a non-negative integer)");
	bad("{\"op\":\"dimm-add\",\"start\":\"4G\",\"size\":\"1G\",\"node\":\"0\"}", "node",
	    "expected a non-negative integer");
	bad("{\"op\":\"dax-memmap-on-memory\",\"device\":\"dax0.0\",\"enable\":1}", "enable",
	    "expected a boolean");
	bad("{\"op\":\"inject\",\"action\":\"MEM_ONLINE\",\"errno\":\"EWHAT\"}", "errno",
	    "expected 0, a negative errno or a name such as \"EBUSY\"");
	/* Word lists come from the enumeration's string table, in its order. */
	bad("{\"op\":\"state\",\"block\":3,\"state\":\"up\"}", "state",
	    "unknown word \"up\" (expected offline, online, online_kernel, online_movable)");
	bad("{\"op\":\"dax-reconfigure\",\"device\":\"dax0.0\",\"mode\":\"fsdax\"}", "mode",
	    "unknown word \"fsdax\" (expected devdax, system-ram)");
}

static void test_unknown_verb_lists_the_table(void)
{
	json_object *o = json_tokener_parse("{\"op\":\"dimm-plug\"}");
	g_autofree char *key = NULL, *reason = NULL;
	g_autoptr(GString) want = g_string_new("unknown verb \"dimm-plug\" (expected ");

	for (size_t i = 0; i < ops_verb_count(); i++)
		g_string_append_printf(want, "%s%s", i ? ", " : "", ops_verb(i));
	g_string_append_c(want, ')');
	g_assert_false(machine_op_check(o, &key, &reason));
	g_assert_cmpstr(key, ==, "op");
	g_assert_cmpstr(reason, ==, want->str);
	json_object_put(o);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ops/docs-list-every-verb", test_docs_list_every_verb);
	g_test_add_func("/ops/documented-examples-have-a-valid-shape",
			test_documented_examples_have_a_valid_shape);
	g_test_add_func("/ops/bad-shapes", test_bad_shapes);
	g_test_add_func("/ops/unknown-verb-lists-the-table", test_unknown_verb_lists_the_table);
	return g_test_run();
}

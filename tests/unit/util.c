/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <stdint.h>
#include <string.h>

#include "scenario.h"

struct machine *boot_fixture_json(const char *json)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_parse("test.json", json, strlen(json), &err);
	struct machine *m;

	g_assert_no_error(err);
	m = machine_boot(fx, &err);
	g_assert_no_error(err);
	return m;
}

static struct machine *boot_bundled(const char *name, bool scenario)
{
	g_autofree char *path = g_test_build_filename(G_TEST_DIST, "..", "fixtures", name, NULL);
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_load(path, &err);
	struct machine *m;

	g_assert_no_error(err);
	m = machine_boot(fx, &err);
	g_assert_no_error(err);
	if (scenario)
		g_assert_true(scenario_run(m, fx, SIZE_MAX, &err));
	g_assert_no_error(err);
	return m;
}

struct machine *boot_bundled_fixture(const char *name)
{
	return boot_bundled(name, false);
}

struct machine *boot_bundled_scenario(const char *name)
{
	return boot_bundled(name, true);
}

int store_as_ndctl(struct machine *m, const char *path, const char *s)
{
	tree_node n;
	int rc = tree_resolve(m, path, &n);

	if (rc)
		return rc;
	return tree_write(m, n, s, strlen(s) + 1);
}

char *read_tree(const struct machine *m, const char *path)
{
	const struct tree_reader root = { .cap_sys_admin = true };
	GString *s = g_string_new(NULL);
	tree_node n;

	g_assert_cmpint(tree_resolve(m, path, &n), ==, 0);
	g_assert_cmpint(tree_read(m, n, &root, s), ==, 0);
	return g_string_free(s, FALSE);
}

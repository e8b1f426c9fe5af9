/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers the unit tests share: boot a machine from JSON, read its files. */
#ifndef HOTPLUGFS_TEST_UTIL_H
#define HOTPLUGFS_TEST_UTIL_H

#include "boot.h"
#include "fixture.h"
#include "machine.h"
#include "tree.h"

/* Parses and boots a fixture given as text; the test fails on any error. */
struct machine *boot_fixture_json(const char *json);
/* Loads and boots fixtures/NAME of the source tree; the test fails on any
 * error. */
struct machine *boot_bundled_fixture(const char *name);
/* The same with the fixture's scenario run after boot. */
struct machine *boot_bundled_scenario(const char *name);
/* Writes s to path as daxctl and ndctl do, strlen + 1 bytes (the NUL too):
 * 0 or -errno. */
int store_as_ndctl(struct machine *m, const char *path, const char *s);
/* A file's contents as a privileged reader sees them; the test fails unless
 * the path exists and reads. */
char *read_tree(const struct machine *m, const char *path);

#endif

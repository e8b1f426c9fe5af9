/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A fixture's scenario: its ops applied in order (docs/fixture-format.md). */
#ifndef HOTPLUGFS_SCENARIO_H
#define HOTPLUGFS_SCENARIO_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

struct machine;
struct fixture;

/* Applies the first n_steps ops of the fixture's scenario (all when larger);
 * an op that fails unlike its "expect" is an error naming $.scenario[i]
 * (FIXTURE_ERROR). */
bool scenario_run(struct machine *m, const struct fixture *fx, size_t n_steps, GError **err);

/* Reads a fixture, boots it and runs its first n_steps ops: the machine a
 * fixture file describes.  NULL with *err (FIXTURE_ERROR). */
struct machine *scenario_load(const char *file, size_t n_steps, GError **err);

#endif

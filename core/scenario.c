/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scenarios: a fixture's ops in order, each expected to succeed or to fail
 * with its "expect" errno (scenario.h). */
#include "scenario.h"

#include "boot.h"
#include "errors.h"
#include "fixture.h"
#include "machine.h"
#include "ops.h"

bool scenario_run(struct machine *m, const struct fixture *fx, size_t n_steps, GError **err)
{
	size_t n = MIN(n_steps, fixture_scenario_len(fx));

	for (size_t i = 0; i < n; i++) {
		g_autoptr(GError) e = NULL;
		json_object *result = NULL;
		int expect = g_array_index(fx->scenario_expect, int, i);
		int ret = machine_op(m, json_object_array_get_idx(fx->scenario, i), &result, &e);
		g_autofree char *why = NULL;

		json_object_put(result);
		if (ret && g_error_matches(e, OPS_ERROR, OPS_ERROR_REQUEST))
			why = g_strdup(e->message);
		else if (ret == -expect)
			continue;
		else if (!expect)
			why = g_strdup(e->message);
		else if (!ret)
			why = g_strdup_printf("expected %s, but the op succeeded", errno_name(expect));
		else
			why = g_strdup_printf("expected %s: %s", errno_name(expect), e->message);
		g_set_error(err, FIXTURE_ERROR, FIXTURE_ERROR_INVALID, "%s: $.scenario[%zu]: %s",
			    fx->file, i, why);
		return false;
	}
	return true;
}

struct machine *scenario_load(const char *file, size_t n_steps, GError **err)
{
	g_autoptr(fixture) fx = fixture_load(file, err);
	g_autoptr(machine) m = fx ? machine_boot(fx, err) : NULL;

	if (m && !scenario_run(m, fx, n_steps, err))
		return NULL;
	return g_steal_pointer(&m);
}

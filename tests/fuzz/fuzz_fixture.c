/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: a fixture file (docs/fixture-format.md) as hotplugfs
 * mount reads one: fixture_parse, machine_boot, the scenario's ops, and a
 * reader of every file the machine then serves.  Whatever the bytes, the
 * answer is a machine or an error, never a crash, a leak or a GLib critical.
 */
#include "fuzz_util.h"

/*
 * The fuzzer explores shapes, not sizes: a machine of terabytes boots and
 * renders as correctly as a small one, only slower, and would take the
 * run's time.  Past this many blocks of the smallest size the harness stops
 * after the parse (boot's own limits are tested by tests/unit).
 */
#define MAX_ADDRESS ((uint64_t)1 << 40)
#define WALK_BUDGET 4000

static uint64_t highest_address(const struct fixture *fx)
{
	uint64_t top = 0;

	if (fx->e820)
		for (guint i = 0; i < fx->e820->len; i++) {
			const struct fx_e820 *e = &g_array_index(fx->e820, struct fx_e820, i);

			top = MAX(top, e->start + e->size < e->start ? UINT64_MAX : e->start + e->size);
		}
	if (fx->firmware_memmap)
		for (guint i = 0; i < fx->firmware_memmap->len; i++)
			top = MAX(top, g_array_index(fx->firmware_memmap, struct fx_fwmap, i).end);
	if (fx->memory_blocks)
		for (guint i = 0; i < fx->memory_blocks->len; i++) {
			const struct fx_blocks *b = &g_array_index(fx->memory_blocks, struct fx_blocks, i);
			uint64_t bs = fx->block_size ? fx->block_size : 128u << 20;

			top = MAX(top, b->first + b->count < b->first ||
				  (b->first + b->count) > UINT64_MAX / bs ? UINT64_MAX
									: (b->first + b->count) * bs);
		}
	return top;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_quiet();
	g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(fixture) fx = fixture_parse("fuzz.json", (const char *)data, size, &err);
	g_autoptr(machine) m = NULL;

	if (!fx || highest_address(fx) > MAX_ADDRESS)
		return 0;
	m = machine_boot(fx, &err);
	if (!m)
		return 0;
	scenario_run(m, fx, SIZE_MAX, &err);
	fuzz_walk(m, WALK_BUDGET);
	return 0;
}

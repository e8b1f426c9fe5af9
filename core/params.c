/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "params.h"

const char *const mmop_table[MMOP_ONLINE_MOVABLE + 1] = {
	[MMOP_OFFLINE] = "offline",
	[MMOP_ONLINE] = "online",
	[MMOP_ONLINE_KERNEL] = "online_kernel",
	[MMOP_ONLINE_MOVABLE] = "online_movable",
};
DEFINE_STRING_TABLE_LOOKUP(mmop, enum mmop)

const char *const online_policy_table[ONLINE_POLICY_AUTO_MOVABLE + 1] = {
	[ONLINE_POLICY_CONTIG_ZONES] = "contig-zones",
	[ONLINE_POLICY_AUTO_MOVABLE] = "auto-movable",
};
DEFINE_STRING_TABLE_LOOKUP(online_policy, enum online_policy)

/* param_get_memmap_on_memory() prints force, or the bool as Y/N. */
const char *const memmap_on_memory_table[MEMMAP_ON_MEMORY_FORCE + 1] = {
	[MEMMAP_ON_MEMORY_N] = "N",
	[MEMMAP_ON_MEMORY_Y] = "Y",
	[MEMMAP_ON_MEMORY_FORCE] = "force",
};
DEFINE_STRING_TABLE_LOOKUP(memmap_on_memory, enum memmap_on_memory)

// SPDX-License-Identifier: GPL-2.0
/*
 * Names of the memory notifier actions, whatever their values: bit flags
 * on 6.1, an enum on Debian 6.12.111+ (<linux/memory.h>).
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "hpk.h"

struct hpk_action {
	unsigned long value;
	const char *name;
	bool vetoable;	/* memory_notify()'s result is acted on (online_pages(), offline_pages()) */
};

#define ACTION(a, v) { a, #a, v }
static const struct hpk_action actions[] = {
	ACTION(MEM_ONLINE, false),
	ACTION(MEM_GOING_OFFLINE, true),
	ACTION(MEM_OFFLINE, false),
	ACTION(MEM_GOING_ONLINE, true),
	ACTION(MEM_CANCEL_ONLINE, false),
	ACTION(MEM_CANCEL_OFFLINE, false),
#if HPK_HAS_PREPARE_FINISH
	ACTION(MEM_PREPARE_ONLINE, true),
	ACTION(MEM_FINISH_OFFLINE, false),
#endif
};

const char *hpk_action_name(unsigned long action)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (actions[i].value == action)
			return actions[i].name;
	return "UNKNOWN";
}

/* WORD is a name above or the raw number (decimal or 0x-hex). */
int hpk_action_parse(const char *word, unsigned long *action)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(actions); i++) {
		if (!strcmp(word, actions[i].name)) {
			*action = actions[i].value;
			return 0;
		}
	}
	if (kstrtoul(word, 0, action))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (actions[i].value == *action)
			return 0;
	return -EINVAL;
}

bool hpk_action_vetoable(unsigned long action)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (actions[i].value == action)
			return actions[i].vetoable;
	return false;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "notifier.h"

#include <string.h>

static const char *const names[NR_MEM_ACTIONS] = {
	[MEM_ONLINE] = "MEM_ONLINE",
	[MEM_GOING_OFFLINE] = "MEM_GOING_OFFLINE",
	[MEM_OFFLINE] = "MEM_OFFLINE",
	[MEM_GOING_ONLINE] = "MEM_GOING_ONLINE",
	[MEM_CANCEL_ONLINE] = "MEM_CANCEL_ONLINE",
	[MEM_CANCEL_OFFLINE] = "MEM_CANCEL_OFFLINE",
	[MEM_PREPARE_ONLINE] = "MEM_PREPARE_ONLINE",
	[MEM_FINISH_OFFLINE] = "MEM_FINISH_OFFLINE",
};

void notifier_chain_init(struct notifier_chain *c)
{
	c->blocks = g_ptr_array_new();
}

void notifier_chain_clear(struct notifier_chain *c)
{
	if (c->blocks)
		g_ptr_array_free(c->blocks, TRUE);
	c->blocks = NULL;
}

void notifier_chain_register(struct notifier_chain *c, struct notifier_block *nb)
{
	guint i = 0;

	while (i < c->blocks->len &&
	       ((struct notifier_block *)g_ptr_array_index(c->blocks, i))->priority >= nb->priority)
		i++;
	g_ptr_array_insert(c->blocks, (gint)i, nb);
}

void notifier_chain_unregister(struct notifier_chain *c, struct notifier_block *nb)
{
	g_ptr_array_remove(c->blocks, nb);
}

int notifier_call_chain(const struct notifier_chain *c, enum mem_action action,
			const struct memory_notify *arg)
{
	int ret = NOTIFY_DONE;

	for (guint i = 0; i < c->blocks->len; i++) {
		struct notifier_block *nb = g_ptr_array_index(c->blocks, i);

		ret = nb->call(nb, action, arg);
		if (ret & NOTIFY_STOP_MASK)
			break;
	}
	return ret;
}

bool mem_action_exists(const struct profile *p, enum mem_action a)
{
	if (a == MEM_PREPARE_ONLINE || a == MEM_FINISH_OFFLINE)
		return p->kernel >= KERNEL(6, 8) && p->kernel < KERNEL(6, 19);
	return true;
}

/* include/linux/memory.h: "#define MEM_ONLINE (1<<0)" ... up to 6.18; the
 * enum (MEM_ONLINE = 0 ...) upstream in 6.19 and in Debian's 6.12 (seen on 6.12.117 under QEMU). */
unsigned mem_action_value(const struct profile *p, enum mem_action a)
{
	bool enum_form = p->kernel == KERNEL(6, 12) || p->kernel >= KERNEL(6, 19);

	return enum_form ? (unsigned)a : 1u << a;
}

const char *mem_action_name(enum mem_action a)
{
	return names[a];
}

bool mem_action_parse(const char *name, enum mem_action *out)
{
	for (int i = 0; i < NR_MEM_ACTIONS; i++) {
		if (strcmp(name, names[i]) == 0) {
			*out = (enum mem_action)i;
			return true;
		}
	}
	return false;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's debugfs: memory-notifier-error-inject's action files and our
 * per-block fault files.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "attr.h"
#include "online.h"
#include "sysfs_parse.h"

/* ---- debugfs: notifier-error-inject/memory/actions/X/error -------------- */

/* debugfs_errno_get(): "%lld\n" of the stored errno. */
static int show_inject_error(const struct machine *m, uint64_t action,
			     const struct tree_reader *who, GString *out)
{
	(void)who;
	g_string_append_printf(out, "%d\n", m->inject.error[action]);
	return 0;
}

/* DEFINE_SIMPLE_ATTRIBUTE_SIGNED: kstrtoll, then debugfs_errno_set's clamp. */
static int store_inject_error(struct machine *m, uint64_t action, const char *buf, size_t len)
{
	long long v;
	int rc = kstrtoll0(buf, strnlen(buf, len), &v);

	if (rc)
		return rc;
	error_inject_set(&m->inject, (enum mem_action)action, v);
	m->generation++;
	return 0;
}

static const struct attr inject_attr_table[] = {
	{ .name = "error", .type = TREE_FILE, .mode = 0600, .show = show_inject_error,
	  .store = store_inject_error },
};
const struct attrs inject_attrs = ATTRS(inject_attr_table);

/* The order the module creates them in: its two actions, then ours. */
const enum mem_action inject_order[] = {
	MEM_GOING_ONLINE, MEM_GOING_OFFLINE, MEM_PREPARE_ONLINE, MEM_ONLINE, MEM_OFFLINE,
	MEM_CANCEL_ONLINE, MEM_CANCEL_OFFLINE, MEM_FINISH_OFFLINE,
};
const unsigned inject_order_len = G_N_ELEMENTS(inject_order);

/* ---- debugfs: hotplugfs/memoryN/ per-block faults (our extension) ------- */

static int show_fault_flag(const struct machine *m, uint64_t id, bool (*get)(const struct block_fault *),
			   GString *out)
{
	struct block_fault f = faults_get(&m->faults, id);

	g_string_append(out, get(&f) ? "1\n" : "0\n");
	return 0;
}

static int store_fault_flag(struct machine *m, uint64_t id, const char *buf, size_t len,
			    bool *(*field)(struct block_fault *))
{
	bool v;
	int rc = kstrtobool(buf, strnlen(buf, len), &v);

	if (rc)
		return rc;
	*field(faults_edit(&m->faults, id)) = v;
	m->generation++;
	return 0;
}

#define FAULT_FLAG(field) \
	static bool get_##field(const struct block_fault *f) { return f->field; } \
	static bool *ref_##field(struct block_fault *f) { return &f->field; } \
	static int show_##field(const struct machine *m, uint64_t id, const struct tree_reader *who, \
				GString *out) \
	{ \
		(void)who; \
		return show_fault_flag(m, id, get_##field, out); \
	} \
	static int store_##field(struct machine *m, uint64_t id, const char *buf, size_t len) \
	{ \
		return store_fault_flag(m, id, buf, len, ref_##field); \
	}
FAULT_FLAG(unmovable)
FAULT_FLAG(unmovable_late)
FAULT_FLAG(signal)

static int show_slow_offline_ms(const struct machine *m, uint64_t id, const struct tree_reader *who,
				GString *out)
{
	(void)who;
	g_string_append_printf(out, "%u\n", faults_get(&m->faults, id).slow_offline_ms);
	return 0;
}

static int store_slow_offline_ms(struct machine *m, uint64_t id, const char *buf, size_t len)
{
	unsigned long long v;
	int rc = kstrtoull0(buf, strnlen(buf, len), &v);

	if (rc)
		return rc;
	if (v > UINT32_MAX)
		return -ERANGE;
	faults_edit(&m->faults, id)->slow_offline_ms = (unsigned)v;
	m->generation++;
	return 0;
}

static int show_hwpoisoned_pages(const struct machine *m, uint64_t id,
				 const struct tree_reader *who, GString *out)
{
	(void)who;
	g_string_append_printf(out, "%u\n", faults_poison_count(&m->faults, id));
	return 0;
}

static const struct attr fault_attr_table[] = {
	ATTR_RO(hwpoisoned_pages, show_hwpoisoned_pages),
	ATTR_RW(signal, show_signal, store_signal),
	ATTR_RW(slow_offline_ms, show_slow_offline_ms, store_slow_offline_ms),
	ATTR_RW(unmovable, show_unmovable, store_unmovable),
	ATTR_RW(unmovable_late, show_unmovable_late, store_unmovable_late),
};
const struct attrs fault_attrs = ATTRS(fault_attr_table);


/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The file tree: static directories and files from one table, and per-object
 * directories (memory blocks, firmware-map entries, nodes) from attribute
 * tables, in the style of the kernel's DEVICE_ATTR_RW tables.  Nothing is
 * allocated per file; node ids are computed (see tree.h).
 */
#include "tree.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iomem.h"
#include "machine.h"
#include "hotplug.h"
#include "kexec.h"
#include "online.h"

/* ---- node ids ---------------------------------------------------------- */

enum kind {
	K_STATIC,            /* sub: static index + 1 */
	K_BLOCK,             /* obj: block id */
	K_BLOCK_ATTR,        /* obj: block id, sub: block_attrs[] index */
	K_BLOCK_POWER_ATTR,  /* obj: block id, sub: power_attrs[] index */
	K_BLOCK_NODE_LINK,   /* obj: block id, sub: nid */
	K_MEMMAP,            /* obj: entry number */
	K_MEMMAP_ATTR,       /* obj: entry number, sub: memmap_attrs[] index */
	K_NODE,              /* obj: nid */
	K_NODE_BLOCK_LINK,   /* obj: block id, sub: nid */
	K_BUS_BLOCK_LINK,    /* obj: block id */
	K_INJECT_ACTION,     /* obj: enum mem_action */
	K_INJECT_ERROR,      /* obj: enum mem_action */
	K_FAULT_BLOCK,       /* obj: block id */
	K_FAULT_ATTR,        /* obj: block id, sub: fault_attrs[] index */
	K_CPU,               /* obj: cpu number */
	K_CPU_ATTR,          /* obj: cpu number, sub: cpu_attrs[] index */
};

#define OBJ_BITS 40
#define OBJ_MAX ((UINT64_C(1) << OBJ_BITS) - 1)

static tree_node make(enum kind k, uint64_t obj, unsigned sub)
{
	return (uint64_t)k << 56 | (obj & OBJ_MAX) << 16 | sub;
}
static enum kind kind_of(tree_node n) { return (enum kind)(n >> 56); }
static uint64_t obj_of(tree_node n) { return (n >> 16) & OBJ_MAX; }
static unsigned sub_of(tree_node n) { return n & 0xffff; }

/* ---- attributes ---------------------------------------------------------- */

typedef int (*show_fn)(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		       GString *out);
typedef int (*store_fn)(struct machine *m, uint64_t obj, const char *buf, size_t len);

struct attr {
	const char *name;
	enum tree_type type;
	mode_t mode;
	show_fn show;
	store_fn store;
	const char *link;        /* TREE_LINK target */
	bool (*exists)(const struct machine *m);   /* NULL: always */
};

#define ATTR_RO(n, show) { #n, TREE_FILE, 0444, show, NULL, NULL, NULL }
#define ATTR_RW(n, show, store) { #n, TREE_FILE, 0644, show, store, NULL, NULL }
#define ATTR_WO(n, store) { #n, TREE_FILE, 0200, NULL, store, NULL, NULL }

static int show_empty(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		      GString *out)
{
	(void)m, (void)obj, (void)who, (void)out;
	return 0;
}

/* kobject_synth_uevent(), lib/kobject_uevent.c: an action word, optionally
 * followed by a UUID and KEY=value arguments. */
static int store_uevent(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	static const char *const actions[] = { "add", "remove", "change", "move",
					       "online", "offline", "bind", "unbind" };
	size_t n = strnlen(buf, len);
	size_t word = 0;

	(void)m, (void)obj;
	while (word < n && buf[word] != ' ' && buf[word] != '\n')
		word++;
	for (unsigned i = 0; i < G_N_ELEMENTS(actions); i++)
		if (word == strlen(actions[i]) && memcmp(buf, actions[i], word) == 0)
			return 0;
	return -EINVAL;
}

/* ---- power/ (drivers/base/power/sysfs.c; runtime PM is disabled) ------- */

static unsigned power_flags(const struct machine *m, uint64_t dev)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(m->power, &dev));
}

static void set_power_flag(struct machine *m, uint64_t dev, unsigned flag, bool on)
{
	unsigned flags = (power_flags(m, dev) & ~flag) | (on ? flag : 0);

	if (flags)
		g_hash_table_insert(m->power, g_memdup2(&dev, sizeof(dev)), GUINT_TO_POINTER(flags));
	else
		g_hash_table_remove(m->power, &dev);
	m->generation++;
}

static int show_power_control(const struct machine *m, uint64_t dev, const struct tree_reader *who,
			      GString *out)
{
	(void)who;
	g_string_append(out, power_flags(m, dev) & POWER_CONTROL_ON ? "on\n" : "auto\n");
	return 0;
}

/* control_store(): "auto" allows runtime PM, "on" forbids it. */
static int store_power_control(struct machine *m, uint64_t dev, const char *buf, size_t len)
{
	if (!sysfs_streq_len(buf, len, "auto") && !sysfs_streq_len(buf, len, "on"))
		return -EINVAL;
	set_power_flag(m, dev, POWER_CONTROL_ON, sysfs_streq_len(buf, len, "on"));
	return 0;
}

/* async_show/store() (CONFIG_PM_ADVANCED_DEBUG): "enabled" or "disabled". */
static int show_power_async(const struct machine *m, uint64_t dev, const struct tree_reader *who,
			    GString *out)
{
	(void)who;
	g_string_append(out, power_flags(m, dev) & POWER_ASYNC ? "enabled\n" : "disabled\n");
	return 0;
}

static int store_power_async(struct machine *m, uint64_t dev, const char *buf, size_t len)
{
	if (!sysfs_streq_len(buf, len, "enabled") && !sysfs_streq_len(buf, len, "disabled"))
		return -EINVAL;
	set_power_flag(m, dev, POWER_ASYNC, sysfs_streq_len(buf, len, "enabled"));
	return 0;
}

/* rtpm_enabled_show(): runtime PM of memory devices is disabled; "forbidden"
 * joins it once control reads "on". */
static int show_runtime_enabled(const struct machine *m, uint64_t dev, const struct tree_reader *who,
				GString *out)
{
	(void)who;
	g_string_append(out, power_flags(m, dev) & POWER_CONTROL_ON ? "disabled & forbidden\n"
								     : "disabled\n");
	return 0;
}

/* autosuspend_delay_ms_show/store(): -EIO unless the driver uses autosuspend. */
static int show_eio(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		    GString *out)
{
	(void)m, (void)obj, (void)who, (void)out;
	return -EIO;
}
static int store_eio(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)m, (void)obj, (void)buf, (void)len;
	return -EIO;
}

static int show_zero(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		     GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "0\n");
	return 0;
}

static int show_unsupported(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	(void)m, (void)obj, (void)who;
	g_string_append(out, "unsupported\n");
	return 0;
}

static bool pm_debug(const struct machine *m)
{
	return m->profile.pm_advanced_debug;
}

#define PM_DEBUG_RO(n, show) { #n, TREE_FILE, 0444, show, NULL, NULL, pm_debug }
static const struct attr power_attrs[] = {
	{ "async", TREE_FILE, 0644, show_power_async, store_power_async, NULL, pm_debug },
	ATTR_RW(autosuspend_delay_ms, show_eio, store_eio),
	ATTR_RW(control, show_power_control, store_power_control),
	PM_DEBUG_RO(runtime_active_kids, show_zero),
	ATTR_RO(runtime_active_time, show_zero),
	PM_DEBUG_RO(runtime_enabled, show_runtime_enabled),
	ATTR_RO(runtime_status, show_unsupported),
	ATTR_RO(runtime_suspended_time, show_zero),
	PM_DEBUG_RO(runtime_usage, show_zero),
};

/* ---- memoryN/ (drivers/base/memory.c 6.12) ----------------------------- */

static const struct memory_block *block_of(const struct machine *m, uint64_t id)
{
	return memory_blocks_find(&m->blocks, id);
}

static int show_phys_index(const struct machine *m, uint64_t id, const struct tree_reader *who,
			   GString *out)
{
	(void)m, (void)who;
	g_string_append_printf(out, "%08" PRIx64 "\n", id);
	return 0;
}

static const char *const state_names[] = {
	[BLOCK_ONLINE] = "online", [BLOCK_GOING_OFFLINE] = "going-offline",
	[BLOCK_OFFLINE] = "offline",
};

static int show_state(const struct machine *m, uint64_t id, const struct tree_reader *who,
		      GString *out)
{
	(void)who;
	g_string_append_printf(out, "%s\n", state_names[block_of(m, id)->state]);
	return 0;
}

/* online_show(), drivers/base/core.c: !dev->offline, which flips only when
 * an offline has succeeded. */
static int show_online(const struct machine *m, uint64_t id, const struct tree_reader *who,
		       GString *out)
{
	(void)who;
	g_string_append(out, block_of(m, id)->state == BLOCK_OFFLINE ? "0\n" : "1\n");
	return 0;
}

static int show_phys_device(const struct machine *m, uint64_t id, const struct tree_reader *who,
			    GString *out)
{
	(void)who;
	g_string_append_printf(out, "%d\n", block_of(m, id)->phys_device);
	return 0;
}

/* removable_show(): always 1 with CONFIG_MEMORY_HOTREMOVE since 5.6; older
 * captured kernels may say 0. */
static int show_removable(const struct machine *m, uint64_t id, const struct tree_reader *who,
			  GString *out)
{
	(void)who;
	g_string_append(out, block_of(m, id)->flags & BLOCK_NOT_REMOVABLE ? "0\n" : "1\n");
	return 0;
}

static int show_valid_zones(const struct machine *m, uint64_t id, const struct tree_reader *who,
			    GString *out)
{
	(void)who;
	machine_valid_zones(m, block_of(m, id), out);
	g_string_append_c(out, '\n');
	return 0;
}

static int store_state(struct machine *m, uint64_t id, const char *buf, size_t len)
{
	return memory_block_store_state(m, id, buf, len);
}

static int store_online(struct machine *m, uint64_t id, const char *buf, size_t len)
{
	return memory_block_store_online(m, id, buf, len);
}

static int store_probe(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)obj;
	return memory_probe_store(m, buf, len);
}

static int store_hard_offline(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)obj;
	return memory_store_hard_offline_page(m, buf, len);
}

static int store_soft_offline(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)obj;
	return memory_store_soft_offline_page(m, buf, len);
}

enum { BLOCK_ATTR_POWER = 3 };
static const struct attr block_attrs[] = {
	ATTR_RW(online, show_online, store_online),
	ATTR_RO(phys_device, show_phys_device),
	ATTR_RO(phys_index, show_phys_index),
	[BLOCK_ATTR_POWER] = { "power", TREE_DIR, 0755, NULL, NULL, NULL, NULL },
	ATTR_RO(removable, show_removable),
	ATTR_RW(state, show_state, store_state),
	{ "subsystem", TREE_LINK, 0777, NULL, NULL, "../../../../bus/memory", NULL },
	ATTR_RW(uevent, show_empty, store_uevent),
	ATTR_RO(valid_zones, show_valid_zones),
};

/* ---- /sys/firmware/memmap/N (drivers/firmware/memmap.c) ---------------- */

static int show_memmap_start(const struct machine *m, uint64_t nr, const struct tree_reader *who,
			     GString *out)
{
	(void)who;
	g_string_append_printf(out, "0x%" PRIx64 "\n", firmware_map_find(&m->firmware_map, nr)->start);
	return 0;
}

static int show_memmap_end(const struct machine *m, uint64_t nr, const struct tree_reader *who,
			   GString *out)
{
	(void)who;
	g_string_append_printf(out, "0x%" PRIx64 "\n", firmware_map_find(&m->firmware_map, nr)->end);
	return 0;
}

static int show_memmap_type(const struct machine *m, uint64_t nr, const struct tree_reader *who,
			    GString *out)
{
	(void)who;
	g_string_append_printf(out, "%s\n", firmware_map_find(&m->firmware_map, nr)->type);
	return 0;
}

static const struct attr memmap_attrs[] = {
	ATTR_RO(end, show_memmap_end),
	ATTR_RO(start, show_memmap_start),
	ATTR_RO(type, show_memmap_type),
};

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

static const struct attr inject_error_attr = {
	"error", TREE_FILE, 0600, show_inject_error, store_inject_error, NULL, NULL
};

/* The order the module creates them in: its two actions, then ours. */
static const enum mem_action inject_order[] = {
	MEM_GOING_ONLINE, MEM_GOING_OFFLINE, MEM_PREPARE_ONLINE, MEM_ONLINE, MEM_OFFLINE,
	MEM_CANCEL_ONLINE, MEM_CANCEL_OFFLINE, MEM_FINISH_OFFLINE,
};

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

static const struct attr fault_attrs[] = {
	ATTR_RO(hwpoisoned_pages, show_hwpoisoned_pages),
	ATTR_RW(signal, show_signal, store_signal),
	ATTR_RW(slow_offline_ms, show_slow_offline_ms, store_slow_offline_ms),
	ATTR_RW(unmovable, show_unmovable, store_unmovable),
	ATTR_RW(unmovable_late, show_unmovable_late, store_unmovable_late),
};

/* ---- kexec and kdump (core/kexec.c; userspace-tools §3.1) ----------------- */

static int show_cmdline(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			GString *out)
{
	(void)obj, (void)who;
	kexec_cmdline(m, out);
	return 0;
}

static int show_kcore(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		      GString *out)
{
	(void)obj, (void)who;
	kexec_kcore(m, out);
	return 0;
}

static int show_kallsyms(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)obj, (void)who;
	kexec_kallsyms(m, out);
	return 0;
}

/* kexec_loaded_show() / kexec_crash_loaded_show(), kernel/ksysfs.c: "%d\n". */
static int show_kexec_loaded(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			     GString *out)
{
	(void)obj, (void)who;
	g_string_append_printf(out, "%d\n", kexec_loaded((struct machine *)m, false));
	return 0;
}

static int show_kexec_crash_loaded(const struct machine *m, uint64_t obj,
				   const struct tree_reader *who, GString *out)
{
	(void)obj, (void)who;
	g_string_append_printf(out, "%d\n", kexec_loaded((struct machine *)m, true));
	return 0;
}

/* kexec_crash_size_show(): "%zu\n" of crash_get_memory_size(). */
static int show_kexec_crash_size(const struct machine *m, uint64_t obj,
				 const struct tree_reader *who, GString *out)
{
	(void)obj, (void)who;
	g_string_append_printf(out, "%" PRIu64 "\n", kexec_crash_size(m));
	return 0;
}

static int store_kexec_crash_size(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)obj;
	return kexec_crash_size_store(m, buf, len);
}

static int show_vmcoreinfo(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			   GString *out)
{
	(void)obj, (void)who;
	kexec_vmcoreinfo(m, out);
	return 0;
}

/* cpuN/crash_notes and crash_notes_size, drivers/base/cpu.c: DEVICE_ATTR_ADMIN_RO. */
static int show_crash_notes(const struct machine *m, uint64_t cpu, const struct tree_reader *who,
			    GString *out)
{
	(void)who;
	kexec_crash_notes(m, (unsigned)cpu, out);
	return 0;
}

static int show_crash_notes_size(const struct machine *m, uint64_t cpu,
				 const struct tree_reader *who, GString *out)
{
	(void)m, (void)cpu, (void)who;
	g_string_append_printf(out, "%u\n", KEXEC_CRASH_NOTE_BYTES);
	return 0;
}

static const struct attr cpu_attrs[] = {
	{ "crash_notes", TREE_FILE, 0400, show_crash_notes, NULL, NULL, NULL },
	{ "crash_notes_size", TREE_FILE, 0400, show_crash_notes_size, NULL, NULL, NULL },
};

/* ---- static files ------------------------------------------------------ */

static int show_iomem(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		      GString *out)
{
	(void)obj;
	iomem_render(&m->iomem, who->cap_sys_admin, out);
	return 0;
}

static int show_block_size(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			   GString *out)
{
	(void)obj, (void)who;
	g_string_append_printf(out, "%" PRIx64 "\n", m->block_size);
	return 0;
}

static int show_auto_online(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			    GString *out)
{
	(void)obj, (void)who;
	g_string_append_printf(out, "%s\n", mmop_name(m->params.auto_online));
	return 0;
}

/* auto_online_blocks_store(): mhp_online_type_from_str(), sysfs_streq. */
static int store_auto_online(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	enum mmop t;

	(void)obj;
	if (!mmop_parse(buf, len, &t))
		return -EINVAL;
	m->params.auto_online = t;
	m->generation++;
	return 0;
}

/* crash_hotplug_show(): 1 only while a crash image with hotplug support is
 * loaded (6.10+); nothing is loaded in a simulated machine yet. */
static int show_crash_hotplug(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			      GString *out)
{
	return show_zero(m, obj, who, out);
}

static const char *const policy_names[] = {
	[ONLINE_POLICY_CONTIG_ZONES] = "contig-zones",
	[ONLINE_POLICY_AUTO_MOVABLE] = "auto-movable",
};

static int show_online_policy(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			      GString *out)
{
	(void)obj, (void)who;
	g_string_append_printf(out, "%s\n", policy_names[m->params.online_policy]);
	return 0;
}

/* set_online_policy(): sysfs_match_string() over the two names. */
static int store_online_policy(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)obj;
	for (unsigned i = 0; i < G_N_ELEMENTS(policy_names); i++) {
		if (sysfs_streq_len(buf, len, policy_names[i])) {
			m->params.online_policy = (enum online_policy)i;
			m->generation++;
			return 0;
		}
	}
	return -EINVAL;
}

static int show_ratio(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		      GString *out)
{
	(void)obj, (void)who;
	g_string_append_printf(out, "%u\n", m->params.auto_movable_ratio);
	return 0;
}

/* param_set_uint() -> kstrtouint(val, 0). */
static int store_ratio(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	unsigned long long v;
	int rc = kstrtoull0(buf, strnlen(buf, len), &v);

	(void)obj;
	if (rc)
		return rc;
	if (v > UINT32_MAX)
		return -ERANGE;
	m->params.auto_movable_ratio = (unsigned)v;
	m->generation++;
	return 0;
}

static int show_numa_aware(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			   GString *out)
{
	(void)obj, (void)who;
	g_string_append(out, m->params.auto_movable_numa_aware ? "Y\n" : "N\n");
	return 0;
}

static int store_numa_aware(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	bool v;
	int rc = kstrtobool(buf, strnlen(buf, len), &v);

	(void)obj;
	if (rc)
		return rc;
	m->params.auto_movable_numa_aware = v;
	m->generation++;
	return 0;
}

/* memmap_on_memory: 0444; "force" exists since 6.6 (param_get_memmap_on_memory). */
static int show_memmap_on_memory(const struct machine *m, uint64_t obj,
				 const struct tree_reader *who, GString *out)
{
	(void)obj, (void)who;
	switch (m->params.memmap_on_memory) {
	case MEMMAP_ON_MEMORY_FORCE: g_string_append(out, "force\n"); break;
	case MEMMAP_ON_MEMORY_Y: g_string_append(out, "Y\n"); break;
	default: g_string_append(out, "N\n"); break;
	}
	return 0;
}

static bool has_iomem(const struct machine *m) { return m->has_iomem; }
static bool has_memory(const struct machine *m) { return m->has_memory_dir; }
static bool has_memmap(const struct machine *m) { return m->has_firmware_map; }
static bool has_probe(const struct machine *m)
{
	return m->has_memory_dir && m->profile.memory_probe;
}
static bool has_crash_hotplug(const struct machine *m)
{
	return m->has_memory_dir && profile_has_crash_hotplug(&m->profile);
}
/* CONFIG_MEMORY_FAILURE: Debian's x86_64 kernels have it. */
static bool has_memory_failure(const struct machine *m)
{
	return m->has_memory_dir && m->profile.arch == ARCH_X86_64;
}

enum dynamic { DYN_NONE, DYN_BLOCKS, DYN_NODES, DYN_MEMMAP, DYN_BUS_BLOCKS, DYN_INJECT,
	       DYN_FAULT_BLOCKS, DYN_CPUS };

struct static_entry {
	struct attr a;
	int parent;                            /* static index */
	bool (*exists)(const struct machine *m); /* NULL: always */
	enum dynamic dyn;                      /* objects listed after the fixed entries */
	bool power;                            /* a power/ directory of a device */
};

enum {
	S_ROOT, S_PROC, S_SYS, S_DEVICES, S_SYSTEM, S_MEMORY, S_MEMORY_POWER, S_NODE,
	S_FIRMWARE, S_MEMMAP, S_BUS, S_BUS_MEMORY, S_BUS_DEVICES, S_MODULE, S_MODULE_MHP,
	S_PARAMS, S_KERNEL, S_DEBUG, S_NEI, S_NEI_MEMORY, S_NEI_ACTIONS, S_HOTPLUGFS_DEBUG,
	S_CPU,
	S_FIXED_DIRS
};

#define DIR_MODE(n, mode, p, ex, dy) { { n, TREE_DIR, mode, NULL, NULL, NULL, NULL }, p, ex, dy, false }
#define DIR_ENTRY(n, p, ex, dy) DIR_MODE(n, 0755, p, ex, dy)
#define FILE_ENTRY(attr, p, ex) { attr, p, ex, DYN_NONE, false }

static const struct static_entry statics[] = {
	[S_ROOT] = DIR_ENTRY("", S_ROOT, NULL, DYN_NONE),
	[S_PROC] = DIR_ENTRY("proc", S_ROOT, NULL, DYN_NONE),
	[S_SYS] = DIR_ENTRY("sys", S_ROOT, NULL, DYN_NONE),
	[S_DEVICES] = DIR_ENTRY("devices", S_SYS, has_memory, DYN_NONE),
	[S_SYSTEM] = DIR_ENTRY("system", S_DEVICES, has_memory, DYN_NONE),
	[S_MEMORY] = DIR_ENTRY("memory", S_SYSTEM, has_memory, DYN_BLOCKS),
	[S_MEMORY_POWER] = { { "power", TREE_DIR, 0755, NULL, NULL, NULL, NULL }, S_MEMORY, has_memory,
			     DYN_NONE, true },
	[S_NODE] = DIR_ENTRY("node", S_SYSTEM, has_memory, DYN_NODES),
	[S_FIRMWARE] = DIR_ENTRY("firmware", S_SYS, has_memmap, DYN_NONE),
	[S_MEMMAP] = DIR_ENTRY("memmap", S_FIRMWARE, has_memmap, DYN_MEMMAP),
	[S_BUS] = DIR_ENTRY("bus", S_SYS, has_memory, DYN_NONE),
	[S_BUS_MEMORY] = DIR_ENTRY("memory", S_BUS, has_memory, DYN_NONE),
	[S_BUS_DEVICES] = DIR_ENTRY("devices", S_BUS_MEMORY, has_memory, DYN_BUS_BLOCKS),
	[S_MODULE] = DIR_ENTRY("module", S_SYS, has_memory, DYN_NONE),
	[S_MODULE_MHP] = DIR_ENTRY("memory_hotplug", S_MODULE, has_memory, DYN_NONE),
	[S_PARAMS] = DIR_ENTRY("parameters", S_MODULE_MHP, has_memory, DYN_NONE),
	[S_KERNEL] = DIR_ENTRY("kernel", S_SYS, NULL, DYN_NONE),
	/* debugfs is mounted mode 0700 */
	[S_DEBUG] = DIR_MODE("debug", 0700, S_KERNEL, has_memory, DYN_NONE),
	[S_NEI] = DIR_ENTRY("notifier-error-inject", S_DEBUG, has_memory, DYN_NONE),
	[S_NEI_MEMORY] = DIR_ENTRY("memory", S_NEI, has_memory, DYN_NONE),
	[S_NEI_ACTIONS] = DIR_ENTRY("actions", S_NEI_MEMORY, has_memory, DYN_INJECT),
	[S_HOTPLUGFS_DEBUG] = DIR_ENTRY("hotplugfs", S_DEBUG, has_memory, DYN_FAULT_BLOCKS),
	[S_CPU] = DIR_ENTRY("cpu", S_SYSTEM, has_memory, DYN_CPUS),
	/* files */
	FILE_ENTRY(ATTR_RO(iomem, show_iomem), S_PROC, has_iomem),
	FILE_ENTRY(ATTR_RO(cmdline, show_cmdline), S_PROC, NULL),
	FILE_ENTRY(ATTR_RO(kallsyms, show_kallsyms), S_PROC, NULL),
	/* proc_create("kcore", S_IRUSR, ...) */
	{ { "kcore", TREE_FILE, 0400, show_kcore, NULL, NULL, NULL }, S_PROC, NULL, DYN_NONE, false },
	FILE_ENTRY(ATTR_RO(kexec_loaded, show_kexec_loaded), S_KERNEL, NULL),
	FILE_ENTRY(ATTR_RO(kexec_crash_loaded, show_kexec_crash_loaded), S_KERNEL, NULL),
	FILE_ENTRY(ATTR_RW(kexec_crash_size, show_kexec_crash_size, store_kexec_crash_size), S_KERNEL,
		   NULL),
	FILE_ENTRY(ATTR_RO(vmcoreinfo, show_vmcoreinfo), S_KERNEL, NULL),
	FILE_ENTRY(ATTR_RW(auto_online_blocks, show_auto_online, store_auto_online), S_MEMORY,
		   has_memory),
	FILE_ENTRY(ATTR_RO(block_size_bytes, show_block_size), S_MEMORY, has_memory),
	FILE_ENTRY(ATTR_RO(crash_hotplug, show_crash_hotplug), S_MEMORY, has_crash_hotplug),
	FILE_ENTRY(ATTR_WO(probe, store_probe), S_MEMORY, has_probe),
	FILE_ENTRY(ATTR_WO(hard_offline_page, store_hard_offline), S_MEMORY, has_memory_failure),
	FILE_ENTRY(ATTR_WO(soft_offline_page, store_soft_offline), S_MEMORY, has_memory_failure),
	FILE_ENTRY(ATTR_RW(uevent, show_empty, store_uevent), S_MEMORY, has_memory),
	FILE_ENTRY(ATTR_RO(memmap_on_memory, show_memmap_on_memory), S_PARAMS, has_memory),
	FILE_ENTRY(ATTR_RW(online_policy, show_online_policy, store_online_policy), S_PARAMS,
		   has_memory),
	FILE_ENTRY(ATTR_RW(auto_movable_ratio, show_ratio, store_ratio), S_PARAMS, has_memory),
	FILE_ENTRY(ATTR_RW(auto_movable_numa_aware, show_numa_aware, store_numa_aware), S_PARAMS,
		   has_memory),
};

/* The memory root device's power/ files reuse power_attrs with the
 * K_BLOCK_POWER_ATTR kind and an object id that no block can have. */
#define ROOT_DEVICE OBJ_MAX

static bool static_exists(const struct machine *m, int i)
{
	return !statics[i].exists || statics[i].exists(m);
}

/* ---- name helpers ------------------------------------------------------ */

/* "memory%u"-style names: the prefix then a canonical decimal number. */
static bool parse_numbered(const char *name, const char *prefix, uint64_t *out)
{
	size_t pl = strlen(prefix);
	const char *digits = name + pl;
	char *end;

	if (strncmp(name, prefix, pl) != 0 || !g_ascii_isdigit(digits[0]) ||
	    (digits[0] == '0' && digits[1]))
		return false;
	errno = 0;
	*out = strtoull(digits, &end, 10);
	return !*end && !errno && *out <= OBJ_MAX;
}

static bool block_in_node(const struct machine *m, const struct memory_block *b, int nid)
{
	int nids[64];
	int n = block_nodes(m, b, nids, G_N_ELEMENTS(nids));

	for (int i = 0; i < n; i++)
		if (nids[i] == nid)
			return true;
	return false;
}

/* ---- lookup ------------------------------------------------------------ */

static bool attr_exists(const struct machine *m, const struct attr *a)
{
	return !a->exists || a->exists(m);
}

static int find_attr(const struct machine *m, const struct attr *attrs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(attrs[i].name, name) == 0 && attr_exists(m, &attrs[i]))
			return (int)i;
	return -1;
}

static int lookup_static(const struct machine *m, int dir, const char *name, tree_node *child)
{
	uint64_t id;

	for (int i = 0; i < (int)G_N_ELEMENTS(statics); i++) {
		if (i != S_ROOT && statics[i].parent == dir && static_exists(m, i) &&
		    strcmp(statics[i].a.name, name) == 0) {
			*child = make(K_STATIC, 0, (unsigned)i + 1);
			return 0;
		}
	}
	if (statics[dir].power) {
		int a = find_attr(m, power_attrs, G_N_ELEMENTS(power_attrs), name);

		if (a < 0)
			return -ENOENT;
		*child = make(K_BLOCK_POWER_ATTR, ROOT_DEVICE, (unsigned)a);
		return 0;
	}
	switch (statics[dir].dyn) {
	case DYN_BLOCKS:
		if (!parse_numbered(name, "memory", &id) || !block_of(m, id))
			return -ENOENT;
		*child = make(K_BLOCK, id, 0);
		return 0;
	case DYN_BUS_BLOCKS:
		if (!parse_numbered(name, "memory", &id) || !block_of(m, id))
			return -ENOENT;
		*child = make(K_BUS_BLOCK_LINK, id, 0);
		return 0;
	case DYN_NODES:
		if (!parse_numbered(name, "node", &id) || id >= MAX_NUMNODES ||
		    !machine_node(m, (int)id))
			return -ENOENT;
		*child = make(K_NODE, id, 0);
		return 0;
	case DYN_MEMMAP:
		if (!parse_numbered(name, "", &id) || id > UINT32_MAX ||
		    !firmware_map_find(&m->firmware_map, (unsigned)id))
			return -ENOENT;
		*child = make(K_MEMMAP, id, 0);
		return 0;
	case DYN_INJECT: {
		enum mem_action a;

		if (!mem_action_parse(name, &a) || !mem_action_exists(&m->profile, a))
			return -ENOENT;
		*child = make(K_INJECT_ACTION, a, 0);
		return 0;
	}
	case DYN_FAULT_BLOCKS:
		if (!parse_numbered(name, "memory", &id) || !block_of(m, id))
			return -ENOENT;
		*child = make(K_FAULT_BLOCK, id, 0);
		return 0;
	case DYN_CPUS:
		if (!parse_numbered(name, "cpu", &id) || id >= m->cpus)
			return -ENOENT;
		*child = make(K_CPU, id, 0);
		return 0;
	case DYN_NONE:
		break;
	}
	return -ENOENT;
}

static int lookup_block(const struct machine *m, uint64_t id, const char *name, tree_node *child)
{
	int a = find_attr(m, block_attrs, G_N_ELEMENTS(block_attrs), name);
	uint64_t nid;

	if (a >= 0) {
		*child = make(K_BLOCK_ATTR, id, (unsigned)a);
		return 0;
	}
	if (parse_numbered(name, "node", &nid) && nid < MAX_NUMNODES &&
	    block_in_node(m, block_of(m, id), (int)nid)) {
		*child = make(K_BLOCK_NODE_LINK, id, (unsigned)nid);
		return 0;
	}
	return -ENOENT;
}

static bool node_exists(const struct machine *m, tree_node n);

int tree_lookup(const struct machine *m, tree_node dir, const char *name, tree_node *child)
{
	uint64_t obj = obj_of(dir), id;
	int a;

	if (!node_exists(m, dir))
		return -ENOENT;
	switch (kind_of(dir)) {
	case K_STATIC:
		if (statics[sub_of(dir) - 1].a.type != TREE_DIR)
			return -ENOTDIR;
		return lookup_static(m, (int)sub_of(dir) - 1, name, child);
	case K_BLOCK:
		return lookup_block(m, obj, name, child);
	case K_BLOCK_ATTR:
		if (sub_of(dir) != BLOCK_ATTR_POWER)
			return -ENOTDIR;
		a = find_attr(m, power_attrs, G_N_ELEMENTS(power_attrs), name);
		if (a < 0)
			return -ENOENT;
		*child = make(K_BLOCK_POWER_ATTR, obj, (unsigned)a);
		return 0;
	case K_MEMMAP:
		a = find_attr(m, memmap_attrs, G_N_ELEMENTS(memmap_attrs), name);
		if (a < 0)
			return -ENOENT;
		*child = make(K_MEMMAP_ATTR, obj, (unsigned)a);
		return 0;
	case K_NODE:
		if (!parse_numbered(name, "memory", &id) || !block_of(m, id) ||
		    !block_in_node(m, block_of(m, id), (int)obj))
			return -ENOENT;
		*child = make(K_NODE_BLOCK_LINK, id, (unsigned)obj);
		return 0;
	case K_INJECT_ACTION:
		if (strcmp(name, inject_error_attr.name) != 0)
			return -ENOENT;
		*child = make(K_INJECT_ERROR, obj, 0);
		return 0;
	case K_FAULT_BLOCK:
		a = find_attr(m, fault_attrs, G_N_ELEMENTS(fault_attrs), name);
		if (a < 0)
			return -ENOENT;
		*child = make(K_FAULT_ATTR, obj, (unsigned)a);
		return 0;
	case K_CPU:
		a = find_attr(m, cpu_attrs, G_N_ELEMENTS(cpu_attrs), name);
		if (a < 0)
			return -ENOENT;
		*child = make(K_CPU_ATTR, obj, (unsigned)a);
		return 0;
	default:
		return -ENOTDIR;
	}
}

/* Whether a node id names something that exists now (ids outlive objects). */
static bool node_exists(const struct machine *m, tree_node n)
{
	uint64_t obj = obj_of(n);
	unsigned sub = sub_of(n);

	switch (kind_of(n)) {
	case K_STATIC:
		return sub >= 1 && sub <= G_N_ELEMENTS(statics) && static_exists(m, (int)sub - 1);
	case K_BLOCK:
		return m->has_memory_dir && block_of(m, obj);
	case K_BLOCK_ATTR:
		return block_of(m, obj) && sub < G_N_ELEMENTS(block_attrs);
	case K_BLOCK_POWER_ATTR:
		return sub < G_N_ELEMENTS(power_attrs) && attr_exists(m, &power_attrs[sub]) &&
		       (obj == ROOT_DEVICE ? m->has_memory_dir : block_of(m, obj) != NULL);
	case K_BLOCK_NODE_LINK:
	case K_NODE_BLOCK_LINK:
		return block_of(m, obj) && block_in_node(m, block_of(m, obj), (int)sub);
	case K_MEMMAP:
	case K_MEMMAP_ATTR:
		return m->has_firmware_map && obj <= UINT32_MAX &&
		       firmware_map_find(&m->firmware_map, (unsigned)obj) &&
		       (kind_of(n) == K_MEMMAP || sub < G_N_ELEMENTS(memmap_attrs));
	case K_NODE:
		return m->has_memory_dir && obj < MAX_NUMNODES && machine_node(m, (int)obj);
	case K_BUS_BLOCK_LINK:
		return block_of(m, obj) != NULL;
	case K_INJECT_ACTION:
	case K_INJECT_ERROR:
		return m->has_memory_dir && obj < NR_MEM_ACTIONS &&
		       mem_action_exists(&m->profile, (enum mem_action)obj);
	case K_FAULT_BLOCK:
		return block_of(m, obj) != NULL;
	case K_FAULT_ATTR:
		return block_of(m, obj) && sub < G_N_ELEMENTS(fault_attrs);
	case K_CPU:
	case K_CPU_ATTR:
		return m->has_memory_dir && obj < m->cpus &&
		       (kind_of(n) == K_CPU || sub < G_N_ELEMENTS(cpu_attrs));
	}
	return false;
}

/* The attribute a file or link node stands for, or NULL for directories. */
static const struct attr *attr_of(tree_node n)
{
	switch (kind_of(n)) {
	case K_STATIC: return &statics[sub_of(n) - 1].a;
	case K_BLOCK_ATTR: return &block_attrs[sub_of(n)];
	case K_BLOCK_POWER_ATTR: return &power_attrs[sub_of(n)];
	case K_MEMMAP_ATTR: return &memmap_attrs[sub_of(n)];
	case K_INJECT_ERROR: return &inject_error_attr;
	case K_FAULT_ATTR: return &fault_attrs[sub_of(n)];
	case K_CPU_ATTR: return &cpu_attrs[sub_of(n)];
	default: return NULL;
	}
}

int tree_stat(const struct machine *m, tree_node n, struct tree_stat *st)
{
	const struct attr *a;

	if (!node_exists(m, n))
		return -ENOENT;
	a = attr_of(n);
	*st = (struct tree_stat){ .type = TREE_DIR, .mode = 0755, .cls = TREE_SYSFS, .nlink = 2 };
	switch (kind_of(n)) {
	case K_BLOCK_NODE_LINK:
	case K_NODE_BLOCK_LINK:
	case K_BUS_BLOCK_LINK:
		st->type = TREE_LINK;
		st->mode = 0777;
		st->nlink = 1;
		return 0;
	default:
		break;
	}
	if (a) {
		st->type = a->type;
		st->mode = a->mode;
		st->nlink = a->type == TREE_DIR ? 2 : 1;
		/* proc_create_reg(): procfs files report size 0. */
		if (kind_of(n) == K_STATIC && sub_of(n) - 1 >= S_FIXED_DIRS &&
		    statics[sub_of(n) - 1].parent == S_PROC)
			st->cls = TREE_PROCFS;
	}
	return 0;
}

tree_node tree_parent(const struct machine *m, tree_node n)
{
	(void)m;
	switch (kind_of(n)) {
	case K_STATIC:
		return make(K_STATIC, 0, (unsigned)statics[sub_of(n) - 1].parent + 1);
	case K_BLOCK:
		return make(K_STATIC, 0, S_MEMORY + 1);
	case K_BLOCK_POWER_ATTR:
		if (obj_of(n) == ROOT_DEVICE)
			return make(K_STATIC, 0, S_MEMORY_POWER + 1);
		return make(K_BLOCK_ATTR, obj_of(n), BLOCK_ATTR_POWER);
	case K_BLOCK_ATTR:
	case K_BLOCK_NODE_LINK:
		return make(K_BLOCK, obj_of(n), 0);
	case K_MEMMAP:
		return make(K_STATIC, 0, S_MEMMAP + 1);
	case K_MEMMAP_ATTR:
		return make(K_MEMMAP, obj_of(n), 0);
	case K_NODE:
		return make(K_STATIC, 0, S_NODE + 1);
	case K_NODE_BLOCK_LINK:
		return make(K_NODE, sub_of(n), 0);
	case K_BUS_BLOCK_LINK:
		return make(K_STATIC, 0, S_BUS_DEVICES + 1);
	case K_INJECT_ACTION:
		return make(K_STATIC, 0, S_NEI_ACTIONS + 1);
	case K_INJECT_ERROR:
		return make(K_INJECT_ACTION, obj_of(n), 0);
	case K_FAULT_BLOCK:
		return make(K_STATIC, 0, S_HOTPLUGFS_DEBUG + 1);
	case K_FAULT_ATTR:
		return make(K_FAULT_BLOCK, obj_of(n), 0);
	case K_CPU:
		return make(K_STATIC, 0, S_CPU + 1);
	case K_CPU_ATTR:
		return make(K_CPU, obj_of(n), 0);
	}
	return TREE_ROOT;
}

/* ---- readdir ----------------------------------------------------------- */

struct dir_walk {
	tree_dirent_fn fn;
	void *ctx;
	uint64_t pos;            /* cursor of the entry being considered */
	uint64_t from;           /* first cursor to emit */
	bool stopped;
};

/* Offers one entry; returns false once the caller asked to stop. */
static bool emit(struct dir_walk *w, const char *name, tree_node n, enum tree_type type)
{
	uint64_t pos = w->pos++;

	if (w->stopped)
		return false;
	if (pos < w->from)
		return true;
	if (w->fn(w->ctx, name, n, type, pos + 1))
		w->stopped = true;
	return !w->stopped;
}

static void emit_attrs(struct dir_walk *w, const struct machine *m, const struct attr *attrs,
		       size_t n, enum kind k, uint64_t obj)
{
	for (size_t i = 0; i < n; i++)
		if (attr_exists(m, &attrs[i]) &&
		    !emit(w, attrs[i].name, make(k, obj, (unsigned)i), attrs[i].type))
			return;
}

static void emit_blocks(struct dir_walk *w, const struct machine *m, enum kind k,
			enum tree_type type, int only_nid)
{
	char name[32];
	size_t first = 0;

	/* Cursors past the fixed entries index the block array directly. */
	if (w->from > w->pos) {
		first = MIN((size_t)(w->from - w->pos), m->blocks.n);
		w->pos += first;
	}
	for (size_t i = first; i < m->blocks.n; i++) {
		const struct memory_block *b = &m->blocks.v[i];

		if (only_nid >= 0 && !block_in_node(m, b, only_nid)) {
			w->pos++;
			continue;
		}
		snprintf(name, sizeof(name), "memory%" PRIu64, b->id);
		if (!emit(w, name, make(k, b->id, only_nid >= 0 ? (unsigned)only_nid : 0), type))
			return;
	}
}

static void emit_static_dir(struct dir_walk *w, const struct machine *m, int dir)
{
	char name[32];

	for (int i = 1; i < (int)G_N_ELEMENTS(statics); i++)
		if (statics[i].parent == dir && static_exists(m, i) &&
		    !emit(w, statics[i].a.name, make(K_STATIC, 0, (unsigned)i + 1), statics[i].a.type))
			return;
	if (statics[dir].power)
		emit_attrs(w, m, power_attrs, G_N_ELEMENTS(power_attrs), K_BLOCK_POWER_ATTR, ROOT_DEVICE);
	switch (statics[dir].dyn) {
	case DYN_BLOCKS:
		emit_blocks(w, m, K_BLOCK, TREE_DIR, -1);
		break;
	case DYN_BUS_BLOCKS:
		emit_blocks(w, m, K_BUS_BLOCK_LINK, TREE_LINK, -1);
		break;
	case DYN_FAULT_BLOCKS:
		emit_blocks(w, m, K_FAULT_BLOCK, TREE_DIR, -1);
		break;
	case DYN_INJECT:
		for (unsigned i = 0; i < G_N_ELEMENTS(inject_order); i++) {
			enum mem_action a = inject_order[i];

			if (mem_action_exists(&m->profile, a) &&
			    !emit(w, mem_action_name(a), make(K_INJECT_ACTION, a, 0), TREE_DIR))
				return;
		}
		break;
	case DYN_NODES:
		for (guint i = 0; i < m->nodes->len; i++) {
			int nid = g_array_index(m->nodes, struct numa_node, i).nid;

			snprintf(name, sizeof(name), "node%d", nid);
			if (!emit(w, name, make(K_NODE, (uint64_t)nid, 0), TREE_DIR))
				return;
		}
		break;
	case DYN_MEMMAP:
		for (guint i = 0; i < firmware_map_len(&m->firmware_map); i++) {
			unsigned nr = firmware_map_at(&m->firmware_map, i)->nr;

			snprintf(name, sizeof(name), "%u", nr);
			if (!emit(w, name, make(K_MEMMAP, nr, 0), TREE_DIR))
				return;
		}
		break;
	case DYN_CPUS:
		for (unsigned cpu = 0; cpu < m->cpus; cpu++) {
			snprintf(name, sizeof(name), "cpu%u", cpu);
			if (!emit(w, name, make(K_CPU, cpu, 0), TREE_DIR))
				return;
		}
		break;
	case DYN_NONE:
		break;
	}
}

static void emit_block_dir(struct dir_walk *w, const struct machine *m, uint64_t id)
{
	int nids[64];
	int n = block_nodes(m, block_of(m, id), nids, G_N_ELEMENTS(nids));
	char name[32];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "node%d", nids[i]);
		if (!emit(w, name, make(K_BLOCK_NODE_LINK, id, (unsigned)nids[i]), TREE_LINK))
			return;
	}
	emit_attrs(w, m, block_attrs, G_N_ELEMENTS(block_attrs), K_BLOCK_ATTR, id);
}

int tree_readdir(const struct machine *m, tree_node dir, uint64_t cursor, tree_dirent_fn fn,
		 void *ctx)
{
	struct dir_walk w = { .fn = fn, .ctx = ctx, .from = cursor };
	struct tree_stat st;
	int rc = tree_stat(m, dir, &st);

	if (rc)
		return rc;
	if (st.type != TREE_DIR)
		return -ENOTDIR;
	switch (kind_of(dir)) {
	case K_STATIC:
		emit_static_dir(&w, m, (int)sub_of(dir) - 1);
		break;
	case K_BLOCK:
		emit_block_dir(&w, m, obj_of(dir));
		break;
	case K_BLOCK_ATTR:   /* memoryN/power */
		emit_attrs(&w, m, power_attrs, G_N_ELEMENTS(power_attrs), K_BLOCK_POWER_ATTR, obj_of(dir));
		break;
	case K_MEMMAP:
		emit_attrs(&w, m, memmap_attrs, G_N_ELEMENTS(memmap_attrs), K_MEMMAP_ATTR, obj_of(dir));
		break;
	case K_NODE:
		emit_blocks(&w, m, K_NODE_BLOCK_LINK, TREE_LINK, (int)obj_of(dir));
		break;
	case K_INJECT_ACTION:
		emit(&w, inject_error_attr.name, make(K_INJECT_ERROR, obj_of(dir), 0), TREE_FILE);
		break;
	case K_FAULT_BLOCK:
		emit_attrs(&w, m, fault_attrs, G_N_ELEMENTS(fault_attrs), K_FAULT_ATTR, obj_of(dir));
		break;
	case K_CPU:
		emit_attrs(&w, m, cpu_attrs, G_N_ELEMENTS(cpu_attrs), K_CPU_ATTR, obj_of(dir));
		break;
	default:
		return -ENOTDIR;
	}
	return 0;
}

/* ---- read, write, readlink -------------------------------------------- */

/* The object a show/store callback gets: the block id, entry number, or the
 * device whose power/ file it is. */
static uint64_t callback_obj(tree_node n)
{
	if (kind_of(n) == K_BLOCK_POWER_ATTR)
		return n & ~(uint64_t)0xffff;   /* one id per device, any attribute */
	return obj_of(n);
}

int tree_read(const struct machine *m, tree_node n, const struct tree_reader *who, GString *out)
{
	const struct attr *a;

	if (!node_exists(m, n))
		return -ENOENT;
	a = attr_of(n);
	if (!a || a->type == TREE_DIR)
		return -EISDIR;
	if (a->type != TREE_FILE)
		return -EINVAL;
	/* kernfs_fop_open(): no show() means the file cannot be opened for reading. */
	if (!a->show)
		return -EACCES;
	return a->show(m, callback_obj(n), who, out);
}

int tree_write(struct machine *m, tree_node n, const char *buf, size_t len)
{
	const struct attr *a;

	if (!node_exists(m, n))
		return -ENOENT;
	a = attr_of(n);
	if (!a || a->type == TREE_DIR)
		return -EISDIR;
	if (a->type != TREE_FILE || !a->store)
		return -EACCES;
	return a->store(m, callback_obj(n), buf, len);
}

int tree_readlink(const struct machine *m, tree_node n, GString *out)
{
	const struct attr *a;

	if (!node_exists(m, n))
		return -ENOENT;
	a = attr_of(n);
	switch (kind_of(n)) {
	case K_BLOCK_NODE_LINK:
		g_string_append_printf(out, "../../node/node%u", sub_of(n));
		return 0;
	case K_NODE_BLOCK_LINK:
		g_string_append_printf(out, "../../memory/memory%" PRIu64, obj_of(n));
		return 0;
	case K_BUS_BLOCK_LINK:
		g_string_append_printf(out, "../../../devices/system/memory/memory%" PRIu64,
				       obj_of(n));
		return 0;
	default:
		if (a && a->type == TREE_LINK) {
			g_string_append(out, a->link);
			return 0;
		}
		return -EINVAL;
	}
}

int tree_resolve(const struct machine *m, const char *path, tree_node *out)
{
	g_auto(GStrv) parts = g_strsplit(path, "/", -1);
	tree_node n = TREE_ROOT;

	for (char **p = parts; *p; p++) {
		int rc;

		if (!**p || strcmp(*p, ".") == 0)
			continue;
		rc = tree_lookup(m, n, *p, &n);
		if (rc)
			return rc;
	}
	*out = n;
	return 0;
}

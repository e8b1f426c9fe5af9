/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The files of the memory devices: /proc/iomem, the memory root and its
 * memoryN blocks (drivers/base/memory.c), their power/ directories, the
 * firmware map entries and the memory_hotplug module parameters.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "attr.h"
#include "hotplug.h"
#include "iomem.h"
#include "online.h"
#include "sysfs_parse.h"
#include "zone.h"

static int show_empty(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		      GString *out)
{
	(void)m, (void)obj, (void)who, (void)out;
	return 0;
}

/* uevent_store(), drivers/base/core.c: a synthetic uevent (core/online.c). */
static int store_block_uevent(struct machine *m, uint64_t id, const char *buf, size_t len)
{
	return memory_block_store_uevent(m, id, buf, len);
}

static int store_root_uevent(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)obj;
	return memory_root_store_uevent(m, buf, len);
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

#define PM_DEBUG_RO(n, fn) { .name = #n, .type = TREE_FILE, .mode = 0444, .show = fn, \
			      .exists = pm_debug }
static const struct attr power_attr_table[] = {
	{ .name = "async", .type = TREE_FILE, .mode = 0644, .show = show_power_async,
	  .store = store_power_async, .exists = pm_debug },
	ATTR_RW(autosuspend_delay_ms, show_eio, store_eio),
	ATTR_RW(control, show_power_control, store_power_control),
	PM_DEBUG_RO(runtime_active_kids, show_zero),
	ATTR_RO(runtime_active_time, show_zero),
	PM_DEBUG_RO(runtime_enabled, show_runtime_enabled),
	ATTR_RO(runtime_status, show_unsupported),
	ATTR_RO(runtime_suspended_time, show_zero),
	PM_DEBUG_RO(runtime_usage, show_zero),
};
const struct attrs power_attrs = ATTRS(power_attr_table);

/* ---- memoryN/ (drivers/base/memory.c 6.12) ----------------------------- */

static int show_phys_index(const struct machine *m, uint64_t id, const struct tree_reader *who,
			   GString *out)
{
	(void)m, (void)who;
	g_string_append_printf(out, "%08" PRIx64 "\n", id);
	return 0;
}

static int show_state(const struct machine *m, uint64_t id, const struct tree_reader *who,
		      GString *out)
{
	(void)who;
	g_string_append_printf(out, "%s\n", block_state_to_string(block_of(m, id)->state));
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
	valid_zones_show(m, block_of(m, id), out);
	g_string_append_c(out, '\n');
	return 0;
}

/* An online block's valid_zones names its zone, which changes only with its
 * own online or offline; an offline one's depends on the zones around. */
static enum tree_cache valid_zones_cache(const struct machine *m, uint64_t id)
{
	return block_of(m, id)->state == BLOCK_OFFLINE ? TREE_CACHE_GLOBAL : TREE_CACHE_OBJECT;
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

static const struct attr block_attr_table[] = {
	ATTR_RW(online, show_online, store_online, OBJECT),
	ATTR_RO(phys_device, show_phys_device, STATIC),
	ATTR_RO(phys_index, show_phys_index, STATIC),
	[BLOCK_ATTR_POWER] = ATTR_DIR(power),
	ATTR_RO(removable, show_removable, STATIC),
	ATTR_RW(state, show_state, store_state, OBJECT),
	ATTR_LINK(subsystem, "../../../../bus/memory"),
	ATTR_RW(uevent, show_empty, store_block_uevent, STATIC),
	ATTR_RO(valid_zones, show_valid_zones, .cache_class = valid_zones_cache),
};
const struct attrs block_attrs = ATTRS(block_attr_table);

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

static const struct attr memmap_attr_table[] = {
	ATTR_RO(end, show_memmap_end, STATIC),
	ATTR_RO(start, show_memmap_start, STATIC),
	ATTR_RO(type, show_memmap_type, STATIC),
};
const struct attrs memmap_attrs = ATTRS(memmap_attr_table);

/* ---- static files ------------------------------------------------------ */

int show_iomem(const struct machine *m, uint64_t obj, const struct tree_reader *who,
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
	g_string_append_printf(out, "%s\n", mmop_to_string(m->params.auto_online));
	return 0;
}

/* auto_online_blocks_store(): mhp_online_type_from_str(), sysfs_streq. */
static int store_auto_online(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	int t = mmop_from_sysfs(buf, len);

	(void)obj;
	if (t < 0)
		return -EINVAL;
	m->params.auto_online = (enum mmop)t;
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

static int show_online_policy(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			      GString *out)
{
	(void)obj, (void)who;
	g_string_append_printf(out, "%s\n", online_policy_to_string(m->params.online_policy));
	return 0;
}

/* set_online_policy(): sysfs_match_string() over the two names. */
static int store_online_policy(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	int p = online_policy_from_sysfs(buf, len);

	(void)obj;
	if (p < 0)
		return -EINVAL;
	m->params.online_policy = (enum online_policy)p;
	m->generation++;
	return 0;
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
	g_string_append_printf(out, "%s\n", memmap_on_memory_to_string(m->params.memmap_on_memory));
	return 0;
}

static bool has_probe(const struct machine *m)
{
	return m->profile.memory_probe;
}

static bool has_crash_hotplug(const struct machine *m)
{
	return profile_has_crash_hotplug(&m->profile);
}

static bool has_memory_failure(const struct machine *m)
{
	return profile_has_memory_failure(&m->profile);
}

/* The memory subsystem's root device (memory_root_attr_groups, 6.12). */
static const struct attr memory_root_attr_table[] = {
	ATTR_RW(auto_online_blocks, show_auto_online, store_auto_online),
	ATTR_RO(block_size_bytes, show_block_size, STATIC),
	ATTR_RO(crash_hotplug, show_crash_hotplug, .exists = has_crash_hotplug, STATIC),
	ATTR_WO(probe, store_probe, .exists = has_probe),
	ATTR_WO(hard_offline_page, store_hard_offline, .exists = has_memory_failure),
	ATTR_WO(soft_offline_page, store_soft_offline, .exists = has_memory_failure),
	ATTR_RW(uevent, show_empty, store_root_uevent, STATIC),
};
const struct attrs memory_root_attrs = ATTRS(memory_root_attr_table);

/* /sys/module/memory_hotplug/parameters (mm/memory_hotplug.c) */
static const struct attr memory_param_attr_table[] = {
	ATTR_RO(memmap_on_memory, show_memmap_on_memory),
	ATTR_RW(online_policy, show_online_policy, store_online_policy),
	ATTR_RW(auto_movable_ratio, show_ratio, store_ratio),
	ATTR_RW(auto_movable_numa_aware, show_numa_aware, store_numa_aware),
};
const struct attrs memory_param_attrs = ATTRS(memory_param_attr_table);

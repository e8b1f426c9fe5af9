/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The files kexec-tools reads (core/kexec.c does the work). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "attr.h"
#include "kexec.h"

/* ---- kexec and kdump (core/kexec.c, docs/kexec.md) -------------------------- */

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

static const struct attr cpu_attr_table[] = {
	{ .name = "crash_notes", .type = TREE_FILE, .mode = 0400, .show = show_crash_notes, STATIC },
	{ .name = "crash_notes_size", .type = TREE_FILE, .mode = 0400,
	  .show = show_crash_notes_size, STATIC },
};
const struct attrs cpu_attrs = ATTRS(cpu_attr_table);

/* /proc: iomem (core/iomem.c) and what kexec-tools reads besides it. */
static bool has_iomem(const struct machine *m)
{
	return m->has_iomem;
}

static const struct attr proc_attr_table[] = {
	/* Addresses only for openers with CAP_SYS_ADMIN: per open, never cached. */
	{ .name = "iomem", .type = TREE_FILE, .mode = 0444, .show = show_iomem,
	  .exists = has_iomem, UNCACHED },
	ATTR_RO(cmdline, show_cmdline, UNCACHED),
	ATTR_RO(kallsyms, show_kallsyms, UNCACHED),
	/* proc_create("kcore", S_IRUSR, ...) */
	{ .name = "kcore", .type = TREE_FILE, .mode = 0400, .show = show_kcore, UNCACHED },
};
const struct attrs proc_attrs = ATTRS(proc_attr_table);

/* /sys/kernel (kernel/ksysfs.c) */
static const struct attr kernel_attr_table[] = {
	/* The loaded flags change on another thread (fs/kexec_safe.c): never cached. */
	ATTR_RO(kexec_loaded, show_kexec_loaded, UNCACHED),
	ATTR_RO(kexec_crash_loaded, show_kexec_crash_loaded, UNCACHED),
	ATTR_RW(kexec_crash_size, show_kexec_crash_size, store_kexec_crash_size, UNCACHED),
	ATTR_RO(vmcoreinfo, show_vmcoreinfo, STATIC),
};
const struct attrs kernel_attrs = ATTRS(kernel_attr_table);


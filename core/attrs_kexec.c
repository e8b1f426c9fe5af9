/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The files kexec-tools reads (core/kexec.c does the work). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "attr.h"
#include "kexec.h"

/* ---- kexec and kdump (core/kexec.c; userspace-tools §3.1) ----------------- */

int show_cmdline(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			GString *out)
{
	(void)obj, (void)who;
	kexec_cmdline(m, out);
	return 0;
}

int show_kcore(const struct machine *m, uint64_t obj, const struct tree_reader *who,
		      GString *out)
{
	(void)obj, (void)who;
	kexec_kcore(m, out);
	return 0;
}

int show_kallsyms(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			 GString *out)
{
	(void)obj, (void)who;
	kexec_kallsyms(m, out);
	return 0;
}

/* kexec_loaded_show() / kexec_crash_loaded_show(), kernel/ksysfs.c: "%d\n". */
int show_kexec_loaded(const struct machine *m, uint64_t obj, const struct tree_reader *who,
			     GString *out)
{
	(void)obj, (void)who;
	g_string_append_printf(out, "%d\n", kexec_loaded((struct machine *)m, false));
	return 0;
}

int show_kexec_crash_loaded(const struct machine *m, uint64_t obj,
				   const struct tree_reader *who, GString *out)
{
	(void)obj, (void)who;
	g_string_append_printf(out, "%d\n", kexec_loaded((struct machine *)m, true));
	return 0;
}

/* kexec_crash_size_show(): "%zu\n" of crash_get_memory_size(). */
int show_kexec_crash_size(const struct machine *m, uint64_t obj,
				 const struct tree_reader *who, GString *out)
{
	(void)obj, (void)who;
	g_string_append_printf(out, "%" PRIu64 "\n", kexec_crash_size(m));
	return 0;
}

int store_kexec_crash_size(struct machine *m, uint64_t obj, const char *buf, size_t len)
{
	(void)obj;
	return kexec_crash_size_store(m, buf, len);
}

int show_vmcoreinfo(const struct machine *m, uint64_t obj, const struct tree_reader *who,
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

const struct attr cpu_attrs[] = {
	{ "crash_notes", TREE_FILE, 0400, show_crash_notes, NULL, NULL, NULL },
	{ "crash_notes_size", TREE_FILE, 0400, show_crash_notes_size, NULL, NULL, NULL },
};
const unsigned cpu_attrs_len = G_N_ELEMENTS(cpu_attrs);


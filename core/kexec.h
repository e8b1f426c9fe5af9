/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What kexec-tools and kdump read besides the memory views (kexec-tools
 * 2.0.25 kexec/arch/i386/crashdump-x86.c, docs/kexec.md): /proc/cmdline, /proc/kcore's ELF headers, /proc/kallsyms, the
 * /sys/kernel/kexec_* files, vmcoreinfo and the per-CPU crash notes, all
 * pure functions of the machine; plus the kernel's state of loaded images.
 *
 * Threads: `hotplugfs run --kexec-safe` answers the intercepted kexec_load
 * calls (fs/kexec_safe.c) on its main thread while the FUSE loop thread
 * reads the machine.  The loaded/crash-loaded flags are the only state both
 * touch, and only under kexec_state.lock; nothing else of the machine is
 * ever changed from the main thread.
 */
#ifndef HOTPLUGFS_KEXEC_H
#define HOTPLUGFS_KEXEC_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct machine;

/* Bytes of one CPU's crash note buffer: note_buf_t, 2 note headers, the
 * "CORE" name and struct elf_prstatus (x86_64: 12 * 2 + 8 + 336). */
#define KEXEC_CRASH_NOTE_BYTES 368u
/* VMCOREINFO_NOTE_SIZE: two note headers, the name and one page. */
#define KEXEC_VMCOREINFO_NOTE_SIZE 0x1024u
/* x86_64 4-level paging, no KASLR (arch/x86/include/asm/page_64_types.h). */
#define KEXEC_START_KERNEL_MAP UINT64_C(0xffffffff80000000)
#define KEXEC_PAGE_OFFSET UINT64_C(0xffff888000000000)

/* At boot: the kernel command line (/proc/cmdline). */
void kexec_boot(struct machine *m, const char *cmdline);

/* File contents, as the kernel prints them. */
void kexec_cmdline(const struct machine *m, GString *out);        /* /proc/cmdline */
void kexec_kcore(const struct machine *m, GString *out);          /* ELF headers + notes */
void kexec_kallsyms(const struct machine *m, GString *out);       /* the symbols tools use */
void kexec_vmcoreinfo(const struct machine *m, GString *out);     /* "%pa %x\n" */
void kexec_crash_notes(const struct machine *m, unsigned cpu, GString *out);
bool kexec_loaded(struct machine *m, bool crash);
/* crash_get_memory_size(): bytes of the "Crash kernel" resource (crashk_res). */
uint64_t kexec_crash_size(const struct machine *m);
/* kexec_crash_size_store() -> crash_shrink_memory(): 0 or -errno. */
int kexec_crash_size_store(struct machine *m, const char *buf, size_t len);

/* An intercepted kexec_load/kexec_file_load answered with success: records
 * the image as loaded (or unloaded) the way the kernel would have. */
void kexec_record(struct machine *m, bool crash, bool unload);

#endif

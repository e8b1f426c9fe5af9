/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kexec and kdump files of the machine (see kexec.h). */
#include "kexec.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "machine.h"
#include "online.h"
#include "sysfs_parse.h"
#include "units.h"

/* arch/x86/include/asm/pgtable_64_types.h, 4-level, 6.1 */
#define VMALLOC_START UINT64_C(0xffffc90000000000)
#define VMALLOC_END UINT64_C(0xffffe8ffffffffff)
#define VMEMMAP_START UINT64_C(0xffffea0000000000)
#define MODULES_VADDR (KEXEC_START_KERNEL_MAP + (UINT64_C(1) << 30))
#define MODULES_END UINT64_C(0xffffffffff000000)
#define VSYSCALL_ADDR UINT64_C(0xffffffffff600000)
/* Per-CPU area the crash notes are placed in (an illustrative layout:
 * pcpu_embed_first_chunk() units of 2 MiB at the top of boot RAM). */
#define PCPU_UNIT UINT64_C(0x200000)
#define PCPU_CRASH_NOTES_OFF UINT64_C(0x1b5a0)

static uint64_t boot_ram_top(const struct machine *m);

void kexec_boot(struct machine *m, const char *cmdline)
{
	m->cmdline = (char *)machine_strdup(m, cmdline);
	/* setup_per_cpu_areas() -> pcpu_embed_first_chunk() allocates from
	 * memblock at boot, top-down: the areas stay where they are whatever
	 * memory is hot-added later. */
	m->kexec.pcpu_top = boot_ram_top(m);
}

/* ---- resources ----------------------------------------------------------- */

/* The first resource named name in pre-order (any depth), or NULL. */
static struct resource *find_named(const struct machine *m, const char *name)
{
	int depth = -1;

	for (struct resource *r = resource_next(&m->iomem, &m->iomem, &depth); r;
	     r = resource_next(&m->iomem, r, &depth))
		if (r->name && strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

/* crashk_res: the last "Crash kernel" (crashkernel=,high puts the low
 * 256 MiB in crashk_low_res, which comes first). */
static struct resource *crashk_res(const struct machine *m)
{
	struct resource *last = NULL;
	int depth = -1;

	for (struct resource *r = resource_next(&m->iomem, &m->iomem, &depth); r;
	     r = resource_next(&m->iomem, r, &depth))
		if (r->name && strcmp(r->name, "Crash kernel") == 0 &&
		    (!last || r->start > last->start))
			last = r;
	return last;
}

struct image { uint64_t text, end; };   /* physical _text and _end (exclusive) */

static struct image kernel_image(const struct machine *m)
{
	const struct resource *code = find_named(m, "Kernel code");
	const struct resource *bss = find_named(m, "Kernel bss");
	struct image im = { 0x1000000, 0x3400000 };

	if (code)
		im.text = code->start;
	if (bss && bss->end >= im.text)
		im.end = bss->end + 1;
	else if (code)
		im.end = code->end + 1;
	return im;
}

/* The highest boot System RAM page run, where memblock puts early data. */
static uint64_t boot_ram_top(const struct machine *m)
{
	uint64_t top = 0;

	for (const struct resource *r = m->iomem.child; r; r = r->sibling)
		if (r->name && strcmp(r->name, "System RAM") == 0 && r->end < (1ull << 46))
			top = r->end + 1;
	return top;
}

/* ---- /proc/cmdline, /proc/kallsyms ----------------------------------------- */

void kexec_cmdline(const struct machine *m, GString *out)
{
	g_string_append_printf(out, "%s\n", m->cmdline ? m->cmdline : "");
}

/* s_show(), kernel/kallsyms.c: "%px %c %s\n"; vaddr = __START_KERNEL_map + phys. */
void kexec_kallsyms(const struct machine *m, GString *out)
{
	struct image im = kernel_image(m);
	const struct resource *code = find_named(m, "Kernel code");
	uint64_t etext = code ? code->end + 1 : im.end;
	static const char *const head[] = { "_text", "startup_64", "_stext" };

	for (unsigned i = 0; i < G_N_ELEMENTS(head); i++)
		g_string_append_printf(out, "%016" PRIx64 " T %s\n", KEXEC_START_KERNEL_MAP + im.text,
				       head[i]);
	g_string_append_printf(out, "%016" PRIx64 " T _etext\n", KEXEC_START_KERNEL_MAP + etext);
	g_string_append_printf(out, "%016" PRIx64 " B _end\n", KEXEC_START_KERNEL_MAP + im.end);
}

/* ---- /sys/kernel files ------------------------------------------------------ */

/* paddr_vmcoreinfo_note(): the page above the kernel image. */
static uint64_t vmcoreinfo_paddr(const struct machine *m)
{
	struct image im = kernel_image(m);

	return (im.end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* vmcoreinfo_show(), kernel/ksysfs.c: "%pa %x\n". */
void kexec_vmcoreinfo(const struct machine *m, GString *out)
{
	g_string_append_printf(out, "0x%016" PRIx64 " %x\n", vmcoreinfo_paddr(m),
			       KEXEC_VMCOREINFO_NOTE_SIZE);
}

/* crash_notes_show(), drivers/base/cpu.c: "%llx\n" of per_cpu_ptr(crash_notes). */
void kexec_crash_notes(const struct machine *m, unsigned cpu, GString *out)
{
	uint64_t top = m->kexec.pcpu_top & ~(PCPU_UNIT - 1);
	uint64_t base = top > (uint64_t)m->cpus * PCPU_UNIT ? top - (uint64_t)m->cpus * PCPU_UNIT : 0;

	g_string_append_printf(out, "%" PRIx64 "\n", base + cpu * PCPU_UNIT + PCPU_CRASH_NOTES_OFF);
}

bool kexec_loaded(struct machine *m, bool crash)
{
	bool v;

	g_mutex_lock(&m->kexec.lock);
	v = crash ? m->kexec.crash_loaded : m->kexec.loaded;
	g_mutex_unlock(&m->kexec.lock);
	return v;
}

/* crash_get_memory_size(), kernel/kexec_core.c 6.1. */
uint64_t kexec_crash_size(const struct machine *m)
{
	const struct resource *r = crashk_res(m);

	return r ? resource_size(r) : 0;
}

/* crash_shrink_memory(), kernel/kexec_core.c 6.1, under kexec_lock: only
 * smaller; the freed tail [roundup(start + new), end] goes back as a
 * "System RAM" resource inserted with insert_resource() (so it nests under
 * its System RAM). */
static int crash_shrink_locked(struct machine *m, uint64_t new_size)
{
	struct resource *crashk = crashk_res(m);
	uint64_t old_size, start, end;
	struct resource *ram;

	/* A loaded crash image pins the reservation. */
	if (m->kexec.crash_loaded)
		return -ENOENT;
	old_size = crashk ? resource_size(crashk) : 0;
	if (new_size >= old_size)
		return new_size == old_size ? 0 : -EINVAL;
	start = (crashk->start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	end = (start + new_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	ram = resource_new(machine_intern(m, "System RAM"), end, crashk->end,
			   IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0);
	if (start == end) {
		/* release_resource(&crashk_res): the reservation is gone. */
		machine_log_iomem(m, CHANGE_REMOVE, crashk);
		release_resource(crashk);
		resource_free(crashk);
	} else {
		crashk->end = end - 1;
		machine_log_iomem(m, CHANGE_RESIZE, crashk);
	}
	if (insert_resource(&m->iomem, ram) == 0)
		machine_log_iomem(m, CHANGE_ADD, ram);
	else
		resource_free(ram);
	m->generation++;
	return 0;
}

/* kexec_crash_size_store(): kstrtoul, then crash_shrink_memory(), which
 * holds kexec_lock throughout and answers -EBUSY when it is taken
 * (kexec_trylock(), 6.1; a kexec_load racing with the shrink cannot slip in
 * between the check and the release). */
int kexec_crash_size_store(struct machine *m, const char *buf, size_t len)
{
	unsigned long long new_size;
	int rc = kstrtoull0(buf, strnlen(buf, len), &new_size);

	if (rc)
		return rc;
	if (!g_mutex_trylock(&m->kexec.lock))
		return -EBUSY;
	rc = crash_shrink_locked(m, new_size);
	g_mutex_unlock(&m->kexec.lock);
	return rc;
}

void kexec_record(struct machine *m, bool crash, bool unload)
{
	g_mutex_lock(&m->kexec.lock);
	if (crash)
		m->kexec.crash_loaded = !unload;
	else
		m->kexec.loaded = !unload;
	m->kexec.loads++;
	g_mutex_unlock(&m->kexec.lock);
}

/* ---- /proc/kcore ------------------------------------------------------------ */

enum kcore_type { KCORE_TEXT, KCORE_VMALLOC, KCORE_RAM, KCORE_VMEMMAP, KCORE_USER };

struct kcore_list {
	uint64_t addr, size;
	enum kcore_type type;
};

struct ram_walk {
	GArray *list;
};

/* kclist_add_private() via walk_system_ram_range(): whole pages only. */
static int add_ram(const struct resource *r, void *arg)
{
	struct ram_walk *w = arg;
	uint64_t pfn = (r->start + PAGE_SIZE - 1) / PAGE_SIZE, end_pfn = (r->end + 1) / PAGE_SIZE;
	struct kcore_list k;

	if (end_pfn <= pfn)
		return 0;
	k = (struct kcore_list){ KEXEC_PAGE_OFFSET + pfn * PAGE_SIZE, (end_pfn - pfn) * PAGE_SIZE,
				 KCORE_RAM };
	g_array_append_val(w->list, k);
	return 0;
}

/* get_sparsemem_vmemmap_info(): the struct pages of a RAM entry, trimmed
 * where an earlier vmemmap entry already covers them. */
static void add_vmemmap(GArray *list, const struct kcore_list *ram)
{
	uint64_t pfn = (ram->addr - KEXEC_PAGE_OFFSET) / PAGE_SIZE, nr = ram->size / PAGE_SIZE;
	uint64_t start = (VMEMMAP_START + pfn * STRUCT_PAGE_SIZE) & ~(PAGE_SIZE - 1);
	uint64_t end = VMEMMAP_START + (pfn + nr) * STRUCT_PAGE_SIZE - 1;
	struct kcore_list k;

	end = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	for (guint i = 0; i < list->len; i++) {
		const struct kcore_list *t = &g_array_index(list, struct kcore_list, i);

		if (t->type == KCORE_VMEMMAP && start < t->addr + t->size && end > t->addr)
			end = t->addr;
	}
	if (start >= end)
		return;
	k = (struct kcore_list){ start, end - start, KCORE_VMEMMAP };
	g_array_append_val(list, k);
}

/* The kclist in registration order: vsyscall (mem_init), then
 * proc_kcore_init(): text, vmalloc, modules, then kcore_update_ram(). */
static GArray *kcore_list(const struct machine *m)
{
	GArray *list = g_array_new(FALSE, FALSE, sizeof(struct kcore_list));
	struct image im = kernel_image(m);
	struct ram_walk w = { list };
	struct kcore_list fixed[] = {
		{ VSYSCALL_ADDR, PAGE_SIZE, KCORE_USER },
		{ KEXEC_START_KERNEL_MAP + im.text, im.end - im.text, KCORE_TEXT },
		{ VMALLOC_START, VMALLOC_END - VMALLOC_START, KCORE_VMALLOC },
		{ MODULES_VADDR, MODULES_END - MODULES_VADDR, KCORE_VMALLOC },
	};
	guint nram;

	g_array_append_vals(list, fixed, G_N_ELEMENTS(fixed));
	/* kcore_ram_list(): walk_system_ram_range(0, max_pfn) -- every
	 * SYSTEM_RAM|BUSY hit, so driver-managed RAM too. */
	walk_system_ram_res(&m->iomem, 0, UINT64_MAX, add_ram, &w);
	nram = list->len;
	for (guint i = G_N_ELEMENTS(fixed); i < nram; i++) {
		struct kcore_list ram = g_array_index(list, struct kcore_list, i);

		add_vmemmap(list, &ram);
	}
	return list;
}

static void append_note(GString *out, uint32_t type, const char *name, const void *desc,
			uint32_t descsz)
{
	Elf64_Nhdr n = { (uint32_t)strlen(name) + 1, descsz, type };
	static const char zeros[4];

	g_string_append_len(out, (const char *)&n, sizeof(n));
	g_string_append_len(out, name, n.n_namesz);
	g_string_append_len(out, zeros, (4 - n.n_namesz % 4) % 4);
	if (desc) {
		g_string_append_len(out, desc, descsz);
	} else {
		gsize at = out->len;

		g_string_set_size(out, at + descsz);
		memset(out->str + at, 0, descsz);
	}
	g_string_append_len(out, zeros, (4 - descsz % 4) % 4);
}

/* The notes read_kcore() makes: NT_PRSTATUS, NT_PRPSINFO, NT_TASKSTRUCT
 * and VMCOREINFO (contents reduced to what identifies the kernel). */
static void kcore_notes(const struct machine *m, GString *notes)
{
	char prpsinfo[136] = { 0 };
	const char *release = profile_kernel_release(&m->profile);
	g_autofree char *info = g_strdup_printf("OSRELEASE=%s\nPAGESIZE=4096\nKERNELOFFSET=0\n",
						release ? release : "unknown");

	/* struct elf_prpsinfo: pr_sname 'R', pr_fname "vmlinux", pr_psargs the cmdline. */
	prpsinfo[1] = 'R';
	memcpy(prpsinfo + 40, "vmlinux", 7);
	g_strlcpy(prpsinfo + 56, m->cmdline ? m->cmdline : "", 80);
	append_note(notes, NT_PRSTATUS, "CORE", NULL, 336);
	append_note(notes, NT_PRPSINFO, "CORE", prpsinfo, sizeof(prpsinfo));
	append_note(notes, NT_TASKSTRUCT, "CORE", NULL, 9856);
	append_note(notes, 0, "VMCOREINFO", info, (uint32_t)strlen(info));
}

/* read_kcore() headers, fs/proc/kcore.c 6.1: ELF header, PT_NOTE, one
 * PT_LOAD per kclist entry (p_offset = vaddr - PAGE_OFFSET + data offset),
 * then the notes.  The memory itself is not served: reads past the notes
 * return end of file. */
void kexec_kcore(const struct machine *m, GString *out)
{
	g_autoptr(GArray) list = kcore_list(m);
	g_autoptr(GString) notes = g_string_new(NULL);
	uint64_t phdrs_len = sizeof(Elf64_Ehdr) + (list->len + 1) * sizeof(Elf64_Phdr);
	uint64_t data_offset;
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr note = { 0 };

	kcore_notes(m, notes);
	data_offset = (phdrs_len + notes->len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = (Elf64_Half)profile_elf_machine(&m->profile);
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(Elf64_Ehdr);
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (Elf64_Half)(list->len + 1);
	g_string_append_len(out, (const char *)&eh, sizeof(eh));
	note.p_type = PT_NOTE;
	note.p_offset = phdrs_len;
	note.p_filesz = notes->len;
	g_string_append_len(out, (const char *)&note, sizeof(note));
	for (guint i = 0; i < list->len; i++) {
		const struct kcore_list *k = &g_array_index(list, struct kcore_list, i);
		Elf64_Phdr ph = {
			.p_type = PT_LOAD,
			.p_flags = PF_R | PF_W | PF_X,
			.p_offset = k->addr - KEXEC_PAGE_OFFSET + data_offset,
			.p_vaddr = k->addr,
			.p_paddr = (Elf64_Addr)-1,
			.p_filesz = k->size,
			.p_memsz = k->size,
			.p_align = PAGE_SIZE,
		};

		if (k->type == KCORE_RAM)
			ph.p_paddr = k->addr - KEXEC_PAGE_OFFSET;      /* __pa() */
		else if (k->type == KCORE_TEXT)
			ph.p_paddr = k->addr - KEXEC_START_KERNEL_MAP; /* __pa_symbol() */
		g_string_append_len(out, (const char *)&ph, sizeof(ph));
	}
	g_string_append_len(out, notes->str, (gssize)notes->len);
}

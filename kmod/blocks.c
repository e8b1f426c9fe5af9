// SPDX-License-Identifier: GPL-2.0
/*
 * The memory blocks (struct memory_block, drivers/base/memory.c), each read
 * under its device lock (the lock memory_block_online()/_offline() run
 * under, so a block is never seen half way through a state change), with
 * what sysfs does not tell: the zone its pages are in, its memory group,
 * its vmemmap pages and whether offlining it now would fail.
 */
#include <linux/cpu.h>
#include <linux/ioport.h>
#include <linux/kobject.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/page-flags.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>

#include "hpk.h"

static hpk_bus_t memory_bus;
static unsigned long pages_per_block;

struct hpk_block {
	unsigned long id;
	unsigned long state;
	int nid;
	const char *zone;	/* of its online pages: a zone name, "mixed" or "none" */
	const char *block_zone;	/* mem->zone: the single zone offlining uses, or "none" */
	const struct memory_group *group;	/* identity only, never printed */
	unsigned long group_id;	/* the lowest block id of the group */
	bool group_dynamic;
	int group_nid;
	unsigned long group_pages;	/* max_pages (static) or unit_pages (dynamic) */
	unsigned long vmemmap_pages;
	const char *offline;	/* predicted result of offlining: "ok", "EBUSY", "EINVAL" or "-" */
	const char *reason;
	unsigned long pfn;	/* the first pfn that makes it fail, or ULONG_MAX */
};

struct hpk_block_list {
	unsigned int count;
	unsigned int capacity;
	int error;
	struct hpk_block block[];
};

unsigned long hpk_pages_per_block(void)
{
	return pages_per_block;
}

static int count_ram_pages(struct resource *res, void *arg)
{
	*(unsigned long *)arg += PFN_DOWN(res->end + 1) - PFN_UP(res->start);
	return 0;
}

/* System RAM pages in [START, START + NR), as walk_system_ram_range() counts them. */
static unsigned long system_ram_pages(unsigned long start, unsigned long nr)
{
	unsigned long pages = 0;

	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
			    PFN_PHYS(start), PFN_PHYS(start + nr) - 1, &pages, count_ram_pages);
	return pages;
}

/*
 * Would offline_pages() fail on [START, START + NR) of ZONE now?  The
 * checks of memory_block_offline() and offline_pages() (mm/memory_hotplug.c)
 * and, per page, those of has_unmovable_pages() (mm/page_isolation.c),
 * 6.1 and 6.12, which start_isolate_page_range() runs before any notifier:
 * a page it would report makes the offline fail with EBUSY.  Conservative
 * where those are: PageOffline and HWPoison pages pass, as they do there.
 */
static void predict_offline(struct hpk_block *b, const struct zone *zone,
			    unsigned long start, unsigned long nr)
{
	unsigned long pfn, end = start + nr;

	b->offline = "EINVAL";
	b->pfn = ULONG_MAX;
	if (!zone) {		/* memory_block_offline(): !mem->zone */
		b->reason = "no-single-zone";
		return;
	}
	if (system_ram_pages(start, nr) != nr) {	/* offline_pages(): "memory holes" */
		b->reason = "memory-holes";
		return;
	}
	if (page_zone(pfn_to_page(start)) != zone || page_zone(pfn_to_page(end - 1)) != zone) {
		b->reason = "multizone";
		return;
	}
	b->offline = "EBUSY";
	for (pfn = start; pfn < end; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (PageReserved(page)) {	/* boot allocations, the kernel image, holes */
			b->reason = "reserved";
			b->pfn = pfn;
			return;
		}
		if (zone_idx(zone) == ZONE_MOVABLE)
			continue;
		if (PageHuge(page) || PageTransCompound(page)) {
			struct page *head = compound_head(page);

			pfn += (1UL << compound_order(head)) - (page - head) - 1;
			continue;
		}
		if (!page_ref_count(page)) {
			if (PageBuddy(page)) {
				unsigned long order = READ_ONCE(page_private(page));

				if (order < pageblock_order + 8)
					pfn += (1UL << order) - 1;
			}
			continue;
		}
		if (PageHWPoison(page) || PageOffline(page))
			continue;
		if (__PageMovable(page) || PageLRU(page))
			continue;
		b->reason = "unmovable";
		b->pfn = pfn;
		return;
	}
	b->offline = "ok";
	b->reason = "-";
}

struct zone_scan {
	const struct zone *zone;
	bool mixed;
};

static int scan_ram_zone(struct resource *res, void *arg)
{
	struct zone_scan *scan = arg;
	unsigned long pfn;

	for (pfn = PFN_UP(res->start); pfn < PFN_DOWN(res->end + 1); pfn++) {
		struct page *page = pfn_to_online_page(pfn);

		if (!page)
			continue;
		if (scan->zone && page_zone(page) != scan->zone) {
			scan->mixed = true;
			return 1;
		}
		scan->zone = page_zone(page);
	}
	return 0;
}

/*
 * The zone of the block's online System RAM pages: holes and ZONE_DEVICE
 * do not count, as for mem->zone (early_node_zone_for_memory_block(),
 * drivers/base/memory.c 6.1 and 6.12).
 */
static const char *pages_zone(unsigned long start, unsigned long nr)
{
	struct zone_scan scan = { 0 };

	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
			    PFN_PHYS(start), PFN_PHYS(start + nr) - 1, &scan, scan_ram_zone);
	if (scan.mixed)
		return "mixed";
	return scan.zone ? scan.zone->name : "none";
}

static void read_block(struct memory_block *mem, struct hpk_block *b)
{
	unsigned long start = section_nr_to_pfn(mem->start_section_nr);
	unsigned long vmemmap_pages;

#if HPK_LAYOUT_612
	vmemmap_pages = mem->altmap ? mem->altmap->free : 0;	/* memory_block_online(), 6.12 */
#else
	vmemmap_pages = mem->nr_vmemmap_pages;
#endif
	b->id = start / pages_per_block;
	b->state = mem->state;
	b->nid = mem->nid;
	b->zone = pages_zone(start, pages_per_block);
	b->block_zone = mem->zone ? mem->zone->name : "none";
	b->group = mem->group;
	if (mem->group) {
		b->group_dynamic = mem->group->is_dynamic;
		b->group_nid = mem->group->nid;
		b->group_pages = mem->group->is_dynamic ? mem->group->d.unit_pages :
							  mem->group->s.max_pages;
	}
	b->vmemmap_pages = vmemmap_pages;
	b->offline = "-";
	b->reason = "-";
	b->pfn = ULONG_MAX;
	if (mem->state == MEM_ONLINE)
		predict_offline(b, mem->zone, start + vmemmap_pages,
				pages_per_block - vmemmap_pages);
}

static int collect_block(struct device *dev, void *arg)
{
	struct hpk_block_list *list = arg;
	struct memory_block *mem = container_of(dev, struct memory_block, dev);
	int ret;

	if (list->count == list->capacity) {
		list->count++;	/* counted only: the caller retries with room for it */
		return 0;
	}
	ret = device_lock_interruptible(dev);
	if (ret) {
		list->error = ret;
		return ret;
	}
	read_block(mem, &list->block[list->count++]);
	device_unlock(dev);
	cond_resched();
	return 0;
}

static int cmp_block(const void *a, const void *b)
{
	const struct hpk_block *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static struct hpk_block_list *collect_blocks(void)
{
	unsigned int capacity = 64;
	struct hpk_block_list *list;
	unsigned int i, j;

	for (;;) {
		list = vzalloc(struct_size(list, block, capacity));
		if (!list)
			return ERR_PTR(-ENOMEM);
		list->capacity = capacity;
		bus_for_each_dev(memory_bus, NULL, list, collect_block);
		if (list->error) {
			int err = list->error;

			vfree(list);
			return ERR_PTR(err);
		}
		if (list->count <= capacity)
			break;
		capacity = list->count + 64;	/* blocks were added meanwhile */
		vfree(list);
	}
	sort(list->block, list->count, sizeof(list->block[0]), cmp_block, NULL);
	for (i = 0; i < list->count; i++) {
		for (j = 0; list->block[i].group && j <= i; j++) {
			if (list->block[j].group == list->block[i].group) {
				list->block[i].group_id = list->block[j].id;
				break;
			}
		}
	}
	return list;
}

/* state_show(), drivers/base/memory.c 6.1 and 6.12 */
static const char *state_name(unsigned long state)
{
	switch (state) {
	case MEM_ONLINE:
		return "online";
	case MEM_OFFLINE:
		return "offline";
	case MEM_GOING_OFFLINE:
		return "going-offline";
	default:
		return "unknown";
	}
}

/* One line per block, ascending id: docs/kmod-protocol.md, "blocks". */
int hpk_blocks_show(struct seq_file *m, void *unused)
{
	struct hpk_block_list *list = collect_blocks();
	unsigned int i;

	if (IS_ERR(list))
		return PTR_ERR(list);
	for (i = 0; i < list->count; i++) {
		const struct hpk_block *b = &list->block[i];

		seq_printf(m, "id=%lu state=%s node=%d zone=%s block_zone=%s",
			   b->id, state_name(b->state), b->nid, b->zone, b->block_zone);
		if (b->group)
			seq_printf(m, " group=%lu group_type=%s group_node=%d group_pages=0x%lx",
				   b->group_id, b->group_dynamic ? "dynamic" : "static",
				   b->group_nid, b->group_pages);
		else
			seq_puts(m, " group=- group_type=- group_node=- group_pages=-");
		seq_printf(m, " vmemmap_pages=0x%lx offline=%s reason=%s",
			   b->vmemmap_pages, b->offline, b->reason);
		if (b->pfn != ULONG_MAX)
			seq_printf(m, " pfn=0x%lx\n", b->pfn);
		else
			seq_puts(m, " pfn=-\n");
	}
	vfree(list);
	return 0;
}

/*
 * The memory bus (memory_subsys, drivers/base/memory.c) is static and not
 * exported; every device is in the same kset as CPU 0's, so the bus is the
 * one whose name is "memory" among them.  The first block found checks
 * that struct memory_block has the layout compiled in: its device name
 * must be memory<start_section_nr / sections per block>.
 */
int hpk_blocks_init(void)
{
	struct device *cpu = get_cpu_device(0);
	unsigned long sections_per_block;
	struct memory_block *found = NULL;
	struct kobject *kobj;
	struct kset *kset;
	char want[32];

	if (memory_block_size_bytes() % (PAGES_PER_SECTION << PAGE_SHIFT)) {
		pr_err("hotplugfs_kmod: memory block size 0x%lx is not a multiple of the section size\n",
		       memory_block_size_bytes());
		return -ENOEXEC;
	}
	sections_per_block = memory_block_size_bytes() / (PAGES_PER_SECTION << PAGE_SHIFT);
	pages_per_block = sections_per_block * PAGES_PER_SECTION;
	if (!cpu || !cpu->kobj.kset) {
		pr_err("hotplugfs_kmod: no device kset to find the memory bus in\n");
		return -ENODEV;
	}
	kset = cpu->kobj.kset;
	spin_lock(&kset->list_lock);
	list_for_each_entry(kobj, &kset->list, entry) {
		struct device *dev;

		if (kobj->ktype != cpu->kobj.ktype)
			continue;
		dev = container_of(kobj, struct device, kobj);
		if (dev->bus && !strcmp(dev->bus->name, "memory")) {
			memory_bus = dev->bus;
			found = container_of(dev, struct memory_block, dev);
			snprintf(want, sizeof(want), "memory%lu",
				 found->start_section_nr / sections_per_block);
			if (strcmp(want, dev_name(dev)))
				found = NULL;
			break;
		}
	}
	spin_unlock(&kset->list_lock);
	if (!memory_bus) {
		pr_err("hotplugfs_kmod: no device on a bus named \"memory\"\n");
		return -ENODEV;
	}
	if (!found) {
		pr_err("hotplugfs_kmod: struct memory_block does not have the %s layout this module was built for\n",
		       HPK_LAYOUT);
		return -ENOEXEC;
	}
	return 0;
}

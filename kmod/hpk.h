/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hotplugfs_kmod: what the parts of the module share.  The protocol (the
 * files under <debugfs>/hotplugfs/ and their line formats) is described in
 * docs/kmod-protocol.md; HPK_PROTOCOL_VERSION changes with any change of it.
 */
#ifndef HPK_H
#define HPK_H

#include <linux/device.h>
#include <linux/kconfig.h>
#include <linux/memory.h>
#include <linux/seq_file.h>
#include <linux/types.h>
#include <linux/version.h>

#define HPK_PROTOCOL_VERSION 1

/*
 * The memory-hotplug layouts this module was written for.  struct
 * memory_block, struct memory_notify and the MEM_* actions differ between
 * them; any other kernel is refused at build time rather than guessed.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#define HPK_LAYOUT "6.1"
#define HPK_LAYOUT_612 0
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
#define HPK_LAYOUT "6.12"
#define HPK_LAYOUT_612 1
#else
#error "hotplugfs_kmod knows the memory-hotplug layout of Linux 6.1 and 6.12 only"
#endif

/* Without these there are no memory blocks to mirror (struct memory_block, sections). */
#if !IS_ENABLED(CONFIG_MEMORY_HOTPLUG) || !IS_ENABLED(CONFIG_SPARSEMEM)
#error "hotplugfs_kmod needs CONFIG_MEMORY_HOTPLUG and CONFIG_SPARSEMEM"
#endif

/*
 * <linux/memory.h>: 6.1 (and 6.12 before Debian's 6.12.111) define MEM_ONLINE
 * ... as bit-flag macros; Debian 6.12.111+ declares them as an enum (0..7).
 */
#ifdef MEM_ONLINE
#define HPK_ACTIONS_ARE_MACROS 1
#else
#define HPK_ACTIONS_ARE_MACROS 0
#endif

/*
 * MEM_PREPARE_ONLINE / MEM_FINISH_OFFLINE came with the altmap fields of
 * struct memory_notify (6.8); the enum form always has them.
 */
#if !HPK_ACTIONS_ARE_MACROS || defined(MEM_PREPARE_ONLINE)
#define HPK_HAS_PREPARE_FINISH 1
#else
#define HPK_HAS_PREPARE_FINISH 0
#endif

/* dev->bus is const from 6.4 on */
typedef typeof(((struct device *)NULL)->bus) hpk_bus_t;

/* actions.c: names of the memory notifier actions of this kernel */
const char *hpk_action_name(unsigned long action);
int hpk_action_parse(const char *word, unsigned long *action);
bool hpk_action_vetoable(unsigned long action);

/* iomem.c: the resource tree */
int hpk_iomem_show(struct seq_file *m, void *unused);

/* blocks.c: the memory blocks */
int hpk_blocks_init(void);
unsigned long hpk_pages_per_block(void);
int hpk_blocks_show(struct seq_file *m, void *unused);

/* events.c: the notifier stream */
int hpk_events_init(int first_priority, int last_priority);
void hpk_events_exit(void);
extern const struct file_operations hpk_events_fops;
extern const struct file_operations hpk_events_log_fops;

/* inject.c: vetoes on the real chain */
int hpk_inject_match(unsigned long action, unsigned long start_pfn, unsigned long nr_pages);
extern const struct file_operations hpk_inject_fops;

#endif /* HPK_H */

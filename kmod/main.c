// SPDX-License-Identifier: GPL-2.0
/*
 * hotplugfs_kmod: exports what a real kernel's memory hotplug looks like
 * from inside (resource flags and descriptors, memory block zones and
 * groups, offline predictions, the notifier calls) under
 * <debugfs>/hotplugfs/, for hotplugfs to mirror.  The files and their
 * formats: docs/kmod-protocol.md.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/utsname.h>

#include "hpk.h"

static int first_priority = INT_MAX;
module_param(first_priority, int, 0444);
MODULE_PARM_DESC(first_priority, "priority of the notifier callback that records first and injects (default INT_MAX)");

static int last_priority = INT_MIN;
module_param(last_priority, int, 0444);
MODULE_PARM_DESC(last_priority, "priority of the notifier callback that records last (default INT_MIN)");

static struct dentry *dir;

static int version_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%d\n", HPK_PROTOCOL_VERSION);
	return 0;
}

static int info_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "protocol=%d\n", HPK_PROTOCOL_VERSION);
	seq_printf(m, "release=%s\n", init_utsname()->release);
	seq_printf(m, "layout=%s\n", HPK_LAYOUT);
	seq_printf(m, "actions=%s\n", HPK_ACTIONS_ARE_MACROS ? "macros" : "enum");
	seq_printf(m, "prepare_finish=%d\n", HPK_HAS_PREPARE_FINISH);
	seq_printf(m, "block_size=0x%lx\n", memory_block_size_bytes());
	seq_printf(m, "pages_per_block=0x%lx\n", hpk_pages_per_block());
	seq_printf(m, "first_priority=%d\n", first_priority);
	seq_printf(m, "last_priority=%d\n", last_priority);
	return 0;
}

#define SEQ_FILE(name, show)						\
	static int name##_open(struct inode *inode, struct file *file)	\
	{								\
		return single_open(file, show, NULL);			\
	}								\
	static const struct file_operations name##_fops = {		\
		.owner = THIS_MODULE,					\
		.open = name##_open,					\
		.read = seq_read,					\
		.llseek = seq_lseek,					\
		.release = single_release,				\
	}

SEQ_FILE(version, version_show);
SEQ_FILE(info, info_show);
SEQ_FILE(iomem, hpk_iomem_show);
SEQ_FILE(blocks, hpk_blocks_show);

/*
 * The module is built for one series (vermagic checks the exact release);
 * a forced load into another series would read the wrong layout.
 */
static bool release_matches_layout(void)
{
	const char *release = init_utsname()->release;
	size_t n = strlen(HPK_LAYOUT);

	return !strncmp(release, HPK_LAYOUT, n) && release[n] == '.';
}

static int __init hpk_init(void)
{
	int ret;

	if (!release_matches_layout()) {
		pr_err("hotplugfs_kmod: built for the Linux %s memory-hotplug layout, refusing to run on %s\n",
		       HPK_LAYOUT, init_utsname()->release);
		return -ENOEXEC;
	}
	if (first_priority <= last_priority) {
		pr_err("hotplugfs_kmod: first_priority (%d) must be above last_priority (%d)\n",
		       first_priority, last_priority);
		return -EINVAL;
	}
	ret = hpk_blocks_init();
	if (ret)
		return ret;
	dir = debugfs_create_dir("hotplugfs", NULL);
	if (IS_ERR(dir)) {
		pr_err("hotplugfs_kmod: cannot create <debugfs>/hotplugfs (%ld)\n", PTR_ERR(dir));
		return PTR_ERR(dir);
	}
	debugfs_create_file("version", 0444, dir, NULL, &version_fops);
	debugfs_create_file("info", 0444, dir, NULL, &info_fops);
	debugfs_create_file("iomem", 0400, dir, NULL, &iomem_fops);
	debugfs_create_file("blocks", 0400, dir, NULL, &blocks_fops);
	debugfs_create_file("events", 0400, dir, NULL, &hpk_events_fops);
	debugfs_create_file("events_log", 0400, dir, NULL, &hpk_events_log_fops);
	debugfs_create_file("inject", 0600, dir, NULL, &hpk_inject_fops);
	ret = hpk_events_init(first_priority, last_priority);
	if (ret) {
		pr_err("hotplugfs_kmod: cannot register the memory notifiers (%d)\n", ret);
		debugfs_remove_recursive(dir);
		return ret;
	}
	pr_info("hotplugfs_kmod: protocol %d, layout %s, notifier priorities %d/%d\n",
		HPK_PROTOCOL_VERSION, HPK_LAYOUT, first_priority, last_priority);
	return 0;
}

static void __exit hpk_exit(void)
{
	hpk_events_exit();
	debugfs_remove_recursive(dir);
}

module_init(hpk_init);
module_exit(hpk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mirror of the memory-hotplug state for hotplugfs");

// SPDX-License-Identifier: GPL-2.0
/*
 * Vetoes on the real notifier chain, applied by the "first" callback
 * (events.c): "ACTION START_PFN NR_PAGES ERRNO [COUNT]" written to `inject`
 * makes the next COUNT (default 1) calls of ACTION whose range meets
 * [START_PFN, START_PFN + NR_PAGES) return notifier_from_errno(ERRNO), as
 * the kernel's memory-notifier-error-inject does for every call.  "clear"
 * drops every rule; reading lists the rules still armed.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "hpk.h"

#define HPK_RULES 8
#define HPK_MAX_COUNT 1000000

struct hpk_rule {
	unsigned long action;
	unsigned long start_pfn;
	unsigned long nr_pages;
	int err;
	unsigned long count;	/* 0: unused */
};

static DEFINE_SPINLOCK(rules_lock);
static struct hpk_rule rules[HPK_RULES];

int hpk_inject_match(unsigned long action, unsigned long start_pfn, unsigned long nr_pages)
{
	int err = 0, i;

	spin_lock(&rules_lock);
	for (i = 0; i < HPK_RULES; i++) {
		struct hpk_rule *r = &rules[i];

		if (r->count && r->action == action && start_pfn < r->start_pfn + r->nr_pages &&
		    r->start_pfn < start_pfn + nr_pages) {
			err = r->err;
			r->count--;
			break;
		}
	}
	spin_unlock(&rules_lock);
	return err;
}

/* One rule from "ACTION START_PFN NR_PAGES ERRNO [COUNT]". */
static int parse_rule(char *text, struct hpk_rule *r)
{
	char *word[6];
	int n = 0;
	char *p;

	while ((p = strsep(&text, " \t\n")) != NULL) {
		if (!*p)
			continue;
		if (n == ARRAY_SIZE(word))
			return -EINVAL;
		word[n++] = p;
	}
	if (n != 4 && n != 5)
		return -EINVAL;
	if (hpk_action_parse(word[0], &r->action))
		return -EINVAL;
	if (!hpk_action_vetoable(r->action))
		return -EOPNOTSUPP;	/* the kernel ignores this action's result */
	if (kstrtoul(word[1], 0, &r->start_pfn) || kstrtoul(word[2], 0, &r->nr_pages) ||
	    !r->nr_pages || r->start_pfn + r->nr_pages < r->start_pfn)
		return -EINVAL;
	if (kstrtoint(word[3], 0, &r->err) || r->err >= 0 || r->err < -MAX_ERRNO)
		return -ERANGE;
	r->count = 1;
	if (n == 5 && (kstrtoul(word[4], 0, &r->count) || !r->count || r->count > HPK_MAX_COUNT))
		return -ERANGE;
	return 0;
}

static ssize_t inject_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	struct hpk_rule rule;
	char *text;
	int ret, i;

	if (len > 256)
		return -EINVAL;
	text = memdup_user_nul(ubuf, len);
	if (IS_ERR(text))
		return PTR_ERR(text);
	if (!strcmp(strim(text), "clear")) {
		spin_lock(&rules_lock);
		memset(rules, 0, sizeof(rules));
		spin_unlock(&rules_lock);
		kfree(text);
		return len;
	}
	ret = parse_rule(text, &rule);
	kfree(text);
	if (ret)
		return ret;
	ret = -ENOSPC;
	spin_lock(&rules_lock);
	for (i = 0; i < HPK_RULES; i++) {
		if (!rules[i].count) {
			rules[i] = rule;
			ret = 0;
			break;
		}
	}
	spin_unlock(&rules_lock);
	return ret ? ret : len;
}

static int inject_show(struct seq_file *m, void *unused)
{
	struct hpk_rule copy[HPK_RULES];
	int i;

	spin_lock(&rules_lock);
	memcpy(copy, rules, sizeof(copy));
	spin_unlock(&rules_lock);
	for (i = 0; i < HPK_RULES; i++)
		if (copy[i].count)
			seq_printf(m, "%s 0x%lx 0x%lx %d %lu\n", hpk_action_name(copy[i].action),
				   copy[i].start_pfn, copy[i].nr_pages, copy[i].err, copy[i].count);
	return 0;
}

static int inject_open(struct inode *inode, struct file *file)
{
	return single_open(file, inject_show, NULL);
}

const struct file_operations hpk_inject_fops = {
	.owner = THIS_MODULE,
	.open = inject_open,
	.read = seq_read,
	.write = inject_write,
	.llseek = seq_lseek,
	.release = single_release,
};

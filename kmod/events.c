// SPDX-License-Identifier: GPL-2.0
/*
 * The memory notifier calls, as two callbacks on the real chain see them:
 * "first" at a very high priority (it also applies inject.c's vetoes) and
 * "last" at a very low one.  One callback cannot see the chain's final
 * result; a call "first" saw and "last" did not, followed by a CANCEL, is
 * a veto by a callback between them.  Calls go to a ring of records that
 * the `events` file streams (poll()able) and `events_log` lists.
 */
#include <linux/fs.h>
#include <linux/notifier.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "hpk.h"

#define HPK_RING 1024	/* records kept: a power of two */

struct hpk_event {
	u64 seq;
	bool last;	/* seen by the "last" callback */
	unsigned long action;
	unsigned long start_pfn;
	unsigned long nr_pages;
	unsigned long altmap_start_pfn;
	unsigned long altmap_nr_pages;
	int ret;	/* what the callback returned to the chain */
};

static DEFINE_SPINLOCK(ring_lock);
static struct hpk_event ring[HPK_RING];
static u64 next_seq;	/* the seq of the next record; records [next_seq - HPK_RING, next_seq) kept */
static DECLARE_WAIT_QUEUE_HEAD(ring_wait);

static void record(bool last, unsigned long action, const struct memory_notify *arg, int ret)
{
	struct hpk_event *e;

	spin_lock(&ring_lock);
	e = &ring[next_seq % HPK_RING];
	*e = (struct hpk_event){
		.seq = next_seq,
		.last = last,
		.action = action,
		.start_pfn = arg->start_pfn,
		.nr_pages = arg->nr_pages,
		.ret = ret,
	};
#if HPK_HAS_PREPARE_FINISH
	/*
	 * The kernel sets the altmap fields for these two only
	 * (memory_block_online()/_offline(), 6.12; <linux/memory.h> reserves
	 * them for these); the calls from online_pages()/offline_pages()
	 * come with a struct memory_notify that does not set them.
	 */
	if (action == MEM_PREPARE_ONLINE || action == MEM_FINISH_OFFLINE) {
		e->altmap_start_pfn = arg->altmap_start_pfn;
		e->altmap_nr_pages = arg->altmap_nr_pages;
	}
#endif
	next_seq++;
	spin_unlock(&ring_lock);
	wake_up_interruptible(&ring_wait);
}

static int first_call(struct notifier_block *nb, unsigned long action, void *data)
{
	const struct memory_notify *arg = data;
	int err = hpk_inject_match(action, arg->start_pfn, arg->nr_pages);
	int ret = err ? notifier_from_errno(err) : NOTIFY_OK;

	record(false, action, arg, ret);
	return ret;
}

static int last_call(struct notifier_block *nb, unsigned long action, void *data)
{
	record(true, action, data, NOTIFY_OK);
	return NOTIFY_OK;
}

static struct notifier_block first_nb = { .notifier_call = first_call };
static struct notifier_block last_nb = { .notifier_call = last_call };

int hpk_events_init(int first_priority, int last_priority)
{
	int ret;

	first_nb.priority = first_priority;
	last_nb.priority = last_priority;
	ret = register_memory_notifier(&first_nb);
	if (ret)
		return ret;
	ret = register_memory_notifier(&last_nb);
	if (ret)
		unregister_memory_notifier(&first_nb);
	return ret;
}

void hpk_events_exit(void)
{
	unregister_memory_notifier(&last_nb);
	unregister_memory_notifier(&first_nb);
}

/* One record as a line: docs/kmod-protocol.md, "events". */
static int format_event(char *buf, size_t size, const struct hpk_event *e)
{
	int n;

	n = scnprintf(buf, size, "seq=%llu cb=%s action=%lu name=%s start_pfn=0x%lx nr_pages=0x%lx",
		      e->seq, e->last ? "last" : "first", e->action, hpk_action_name(e->action),
		      e->start_pfn, e->nr_pages);
#if HPK_HAS_PREPARE_FINISH
	n += scnprintf(buf + n, size - n, " altmap_start_pfn=0x%lx altmap_nr_pages=0x%lx",
		       e->altmap_start_pfn, e->altmap_nr_pages);
#endif
	n += scnprintf(buf + n, size - n, " block=%lu ret=0x%x errno=%d\n",
		       e->start_pfn / hpk_pages_per_block(), e->ret, notifier_to_errno(e->ret));
	return n;
}

/* The record SEQ if the ring still has it; otherwise the oldest kept, in *SEQ. */
static bool fetch(u64 *seq, struct hpk_event *out, u64 *lost)
{
	bool ok = false;

	*lost = 0;
	spin_lock(&ring_lock);
	if (next_seq > HPK_RING && *seq < next_seq - HPK_RING) {
		*lost = next_seq - HPK_RING - *seq;
		*seq = next_seq - HPK_RING;
	}
	if (*seq < next_seq) {
		*out = ring[*seq % HPK_RING];
		ok = true;
	}
	spin_unlock(&ring_lock);
	return ok;
}

static u64 oldest_seq(void)
{
	u64 seq;

	spin_lock(&ring_lock);
	seq = next_seq > HPK_RING ? next_seq - HPK_RING : 0;
	spin_unlock(&ring_lock);
	return seq;
}

static bool has_event(u64 seq)
{
	bool ret;

	spin_lock(&ring_lock);
	ret = seq < next_seq;
	spin_unlock(&ring_lock);
	return ret;
}

/*
 * `events`: each open() reads from the oldest record kept on; read()
 * returns whole lines, blocks while there is none (EAGAIN with
 * O_NONBLOCK), and says "lost=N" where the ring overtook the reader.
 */
struct hpk_reader {
	u64 seq;
};

static int events_open(struct inode *inode, struct file *file)
{
	struct hpk_reader *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	r->seq = oldest_seq();
	file->private_data = r;
	return nonseekable_open(inode, file);
}

static int events_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t events_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)
{
	struct hpk_reader *r = file->private_data;
	char line[256];
	size_t done = 0;

	while (done < len) {
		struct hpk_event e;
		u64 seq = r->seq, lost;
		int n;

		if (!fetch(&seq, &e, &lost)) {
			if (done)
				break;
			if (file->f_flags & O_NONBLOCK)
				return -EAGAIN;
			if (wait_event_interruptible(ring_wait, has_event(r->seq)))
				return -ERESTARTSYS;
			continue;
		}
		if (lost)
			n = scnprintf(line, sizeof(line), "lost=%llu\n", lost);
		else
			n = format_event(line, sizeof(line), &e);
		if (n > len - done) {
			if (done)
				break;
			return -EINVAL;	/* a buffer shorter than one line */
		}
		if (copy_to_user(buf + done, line, n))
			return done ? done : -EFAULT;
		done += n;
		r->seq = lost ? seq : seq + 1;
	}
	return done;
}

static __poll_t events_poll(struct file *file, poll_table *wait)
{
	struct hpk_reader *r = file->private_data;

	poll_wait(file, &ring_wait, wait);
	return has_event(r->seq) ? EPOLLIN | EPOLLRDNORM : 0;
}

const struct file_operations hpk_events_fops = {
	.owner = THIS_MODULE,
	.open = events_open,
	.release = events_release,
	.read = events_read,
	.poll = events_poll,
};

/* `events_log`: the records kept, then end of file. */
static int events_log_show(struct seq_file *m, void *unused)
{
	u64 seq = oldest_seq(), lost;
	struct hpk_event e;
	char line[256];
	unsigned int i;

	for (i = 0; i < 2 * HPK_RING && fetch(&seq, &e, &lost); i++) {
		if (lost)
			continue;	/* overtaken while listing: go on from the oldest kept */
		format_event(line, sizeof(line), &e);
		seq_puts(m, line);
		seq++;
	}
	return 0;
}

static int events_log_open(struct inode *inode, struct file *file)
{
	return single_open_size(file, events_log_show, NULL, HPK_RING * 256);
}

const struct file_operations hpk_events_log_fops = {
	.owner = THIS_MODULE,
	.open = events_log_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

// SPDX-License-Identifier: GPL-2.0
/*
 * The whole iomem resource tree with what /proc/iomem hides (flags, desc).
 *
 * resource_lock (kernel/resource.c) is static, and no exported walker
 * visits every resource with its name, so the tree is read without it:
 * every struct resource and name is copied with copy_from_kernel_nofault()
 * (a resource freed under us is read as stale bytes, never dereferenced
 * into a fault), every copy is checked against the shape the tree keeps
 * under the lock (parent links, children inside their parent, siblings
 * ascending and disjoint), and a snapshot is only returned when two
 * consecutive walks give the same bytes.  docs/kmod-protocol.md argues why
 * that is a state the tree was in.
 */
#include <linux/delay.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "hpk.h"

#define HPK_MAX_RESOURCES 4096
#define HPK_MAX_DEPTH 32
#define HPK_NAME_MAX 128
#define HPK_WALK_TRIES 50

struct hpk_res {
	u64 start;
	u64 end;
	unsigned long flags;
	unsigned long desc;
	unsigned int depth;
	bool null_name;
	char name[HPK_NAME_MAX];
};

/* an ancestor of the node being read, as its copy said */
struct hpk_level {
	const struct resource *self;
	const struct resource *sibling;
	u64 start;
	u64 end;
	u64 prev_end;		/* end of the last child read at the next level */
	bool have_prev;
};

struct hpk_walk {
	unsigned int count;
	struct hpk_level level[HPK_MAX_DEPTH];
	struct hpk_res res[HPK_MAX_RESOURCES];
};

/* A NUL-terminated string at kernel address S, read page by page without faulting. */
static int read_name(const char *s, char *buf, size_t size)
{
	size_t done = 0;

	while (done < size - 1) {
		size_t chunk = PAGE_SIZE - offset_in_page(s + done);
		char *nul;

		chunk = min(chunk, size - 1 - done);
		if (copy_from_kernel_nofault(buf + done, s + done, chunk))
			return -EFAULT;
		nul = memchr(buf + done, '\0', chunk);
		if (nul) {
			/* what follows the NUL differs between walks */
			memset(nul, 0, size - (nul - buf));
			return 0;
		}
		done += chunk;
	}
	buf[size - 1] = '\0';	/* longer names are cut (docs/kmod-protocol.md) */
	return 0;
}

/*
 * One pre-order walk (the order r_start()/r_next() print, kernel/resource.c
 * 6.1 and 6.12).  Returns -EAGAIN when a copy does not fit the tree's shape.
 */
static int walk_once(struct hpk_walk *w)
{
	struct resource root, node;
	struct hpk_level *up;
	const struct resource *p;
	unsigned int depth;	/* w->level[depth - 1] is the parent of P */

	w->count = 0;
	if (copy_from_kernel_nofault(&root, &iomem_resource, sizeof(root)))
		return -EFAULT;
	w->level[0] = (struct hpk_level){ .self = &iomem_resource, .start = root.start,
					  .end = root.end };
	depth = 1;
	p = root.child;
	while (p) {
		struct hpk_res *r;

		up = &w->level[depth - 1];
		if (w->count == HPK_MAX_RESOURCES)
			return -E2BIG;
		if (copy_from_kernel_nofault(&node, p, sizeof(node)))
			return -EAGAIN;
		if (node.parent != up->self || node.start > node.end ||
		    node.start < up->start || node.end > up->end ||
		    (up->have_prev && node.start <= up->prev_end))
			return -EAGAIN;
		up->prev_end = node.end;
		up->have_prev = true;

		r = &w->res[w->count++];
		memset(r, 0, sizeof(*r));
		r->start = node.start;
		r->end = node.end;
		r->flags = node.flags;
		r->desc = node.desc;
		r->depth = depth - 1;
		r->null_name = !node.name;
		if (node.name && read_name(node.name, r->name, sizeof(r->name)))
			return -EAGAIN;

		if (node.child) {
			if (depth + 1 >= HPK_MAX_DEPTH)
				return -E2BIG;
			w->level[depth] = (struct hpk_level){ .self = p, .sibling = node.sibling,
							      .start = node.start, .end = node.end };
			depth++;
			p = node.child;
			continue;
		}
		p = node.sibling;
		while (!p && depth > 1) {
			depth--;
			p = w->level[depth].sibling;
		}
	}
	return 0;
}

static bool same_walk(const struct hpk_walk *a, const struct hpk_walk *b)
{
	return a->count == b->count &&
	       !memcmp(a->res, b->res, a->count * sizeof(a->res[0]));
}

/* Walks until two consecutive walks agree; the agreed one ends up in *OUT. */
static int stable_walk(struct hpk_walk *buf[2], struct hpk_walk **out)
{
	int tries, cur = 0, ret;
	bool have_last = false;

	for (tries = 0; tries < HPK_WALK_TRIES; tries++) {
		ret = walk_once(buf[cur]);
		if (ret == -E2BIG || ret == -EFAULT)
			return ret;
		if (ret == 0 && have_last && same_walk(buf[cur], buf[cur ^ 1])) {
			*out = buf[cur];
			return 0;
		}
		have_last = ret == 0;
		if (ret == 0)
			cur ^= 1;
		if (ret)
			usleep_range(100, 1000);	/* let a writer finish */
		cond_resched();
	}
	return -EAGAIN;
}

/* One line per resource: docs/kmod-protocol.md, "iomem". */
int hpk_iomem_show(struct seq_file *m, void *unused)
{
	struct hpk_walk *buf[2], *w;
	unsigned int i;
	int ret;

	buf[0] = vmalloc(sizeof(*buf[0]));
	buf[1] = vmalloc(sizeof(*buf[1]));
	ret = -ENOMEM;
	if (!buf[0] || !buf[1])
		goto out;
	ret = stable_walk(buf, &w);
	if (ret)
		goto out;
	for (i = 0; i < w->count; i++) {
		const struct hpk_res *r = &w->res[i];

		seq_printf(m, "depth=%u start=0x%llx end=0x%llx flags=0x%lx desc=%lu name=%s\n",
			   r->depth, r->start, r->end, r->flags, r->desc,
			   r->null_name ? "<BAD>" : r->name);
	}
out:
	vfree(buf[0]);
	vfree(buf[1]);
	return ret;
}

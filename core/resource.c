/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The resource tree with the semantics of kernel/resource.c (6.1.y and
 * 6.12).  Written from the documented behaviour (the comments of
 * kernel/resource.c and Documentation/), not from the kernel's code.  Each tree is owned by its caller: no lock, and no global
 * state but a statistic for tests (resource_scan_steps).
 *
 * Invariants every operation keeps: siblings are sorted by start and never
 * overlap, every child lies within its parent, and a resource's hint is NULL
 * or one of its children.
 */
#include "resource.h"

#include <errno.h>
#include <glib.h>

uint64_t resource_scan_steps;

struct resource *resource_new(const char *name, uint64_t start, uint64_t end,
			      uint32_t flags, int desc)
{
	struct resource *r = g_new0(struct resource, 1);

	r->name = name;
	r->start = start;
	r->end = end;
	r->flags = flags;
	r->desc = desc;
	return r;
}

void resource_free(struct resource *r)
{
	struct resource *c, *next;

	if (!r)
		return;
	/* Freeing a linked resource would leave the tree dangling. */
	g_return_if_fail(!r->parent);
	/* Recurse into depth, loop over siblings: wide trees cost no stack. */
	for (c = r->child; c; c = next) {
		next = c->sibling;
		c->parent = NULL;
		resource_free(c);
	}
	g_free(r);
}

static bool overlaps(const struct resource *r, uint64_t start, uint64_t end)
{
	return r->start <= end && r->end >= start;
}

static bool contains(const struct resource *r, uint64_t start, uint64_t end)
{
	return r->start <= start && end <= r->end;
}

static bool matches_type(const struct resource *r, uint32_t flags, int desc)
{
	return (r->flags & flags) == flags && (desc == IORES_DESC_NONE || desc == r->desc);
}

/* The sibling just before r, or NULL when r is its parent's first child. */
static struct resource *find_prev_sibling(const struct resource *r)
{
	struct resource *p = r->parent->child;

	if (p == r)
		return NULL;
	while (p && p->sibling != r)
		p = p->sibling;
	return p;
}

/* root->hint stops naming child, which is leaving root's list. */
static void forget_hint(struct resource *root, const struct resource *child)
{
	if (root->hint == child)
		root->hint = NULL;
}

/* A place in a parent's list of children: the link to follow next, and the
 * child that owns that link (NULL at the head of the list). */
struct slot {
	struct resource **link;
	struct resource *prev;
};

/*
 * Where a scan of root's children for a range starting at start may begin:
 * right after near, if near is one of root's children and ends below start;
 * else at the head.  Siblings are sorted and never overlap, so every child
 * before near ends below start as well: a scan from the head would step over
 * all of them without stopping, and a scan after near meets the same slot
 * and the same conflict.  With near the child placed last (root->hint), a
 * caller placing resources in address order (boot: the e820 table, then a
 * RAM buffer per RAM entry) pays O(1) steps per request instead of one step
 * per sibling below it.
 */
static struct slot slot_from(struct resource *root, struct resource *near, uint64_t start)
{
	if (near && near->parent == root && near->end < start)
		return (struct slot){ &near->sibling, near };
	return (struct slot){ &root->child, NULL };
}

/* Moves s over the children that end below start. */
static void step_below(struct slot *s, uint64_t start)
{
	struct resource *tmp;

	while ((tmp = *s->link) && tmp->end < start) {
		s->prev = tmp;
		s->link = &tmp->sibling;
		resource_scan_steps++;
	}
}

/*
 * __request_resource(), kernel/resource.c 6.12, scanning from *s (see
 * slot_from()): the root itself is the conflict when new is empty or sticks
 * out of it; otherwise only the direct children are looked at, and the first
 * overlapping one is the conflict.  *s is left at the conflict, or at new.
 */
static struct resource *claim_at(struct resource *root, struct slot *s, struct resource *new)
{
	struct resource *next;

	if (new->end < new->start || new->start < root->start || new->end > root->end)
		return root;
	step_below(s, new->start);
	next = *s->link;
	if (next && next->start <= new->end)
		return next;
	new->sibling = next;
	new->parent = root;
	*s->link = new;
	return NULL;
}

/* claim_at() from root's hint, which is left where this scan stopped: at new
 * when it was placed, else at the child before the conflict. */
static struct resource *claim_near_hint(struct resource *root, struct resource *new,
					struct slot *s)
{
	struct resource *conflict;

	*s = slot_from(root, root->hint, new->start);
	conflict = claim_at(root, s, new);
	root->hint = conflict ? s->prev : new;
	return conflict;
}

static struct resource *claim_child_slot(struct resource *root, struct resource *new)
{
	struct slot s;

	return claim_near_hint(root, new, &s);
}

struct resource *request_resource_conflict(struct resource *root, struct resource *new)
{
	return claim_child_slot(root, new);
}

/* request_resource(), kernel/resource.c 6.12 */
int request_resource(struct resource *root, struct resource *new)
{
	return claim_child_slot(root, new) ? -EBUSY : 0;
}

/*
 * __insert_resource(), kernel/resource.c 6.12.  Descends (busy or not) while
 * one resource strictly contains new; then new adopts the run of siblings it
 * overlaps, which must all lie inside it.  An identical range stops the
 * descent, so new becomes the parent of the old resource.
 */
static struct resource *insert_adopting(struct resource *parent, struct resource *new)
{
	struct resource *first, *last;
	struct slot s;

	for (;; parent = first) {
		first = claim_near_hint(parent, new, &s);
		if (!first || first == parent)
			return first;
		if (first == new) /* inserted twice: the kernel WARNs */
			return first;
		if (!contains(first, new->start, new->end))
			break;
		if (first->start == new->start && first->end == new->end)
			break;
	}

	for (last = first;; last = last->sibling) {
		if (!contains(new, last->start, last->end))
			return last; /* partial overlap: nothing was changed */
		if (!last->sibling || last->sibling->start > new->end)
			break;
	}

	/* s is at first: new takes its link. */
	new->parent = parent;
	new->sibling = last->sibling;
	/* The kernel assigns child outright: new is expected to be childless. */
	new->child = first;
	new->hint = NULL;
	last->sibling = NULL;
	for (struct resource *c = first; c; c = c->sibling)
		c->parent = new;
	*s.link = new;
	parent->hint = new;
	return NULL;
}

struct resource *insert_resource_conflict(struct resource *parent, struct resource *new)
{
	return insert_adopting(parent, new);
}

/* insert_resource(), kernel/resource.c 6.12 */
int insert_resource(struct resource *parent, struct resource *new)
{
	return insert_adopting(parent, new) ? -EBUSY : 0;
}

/* insert_resource_expand_to_fit(), kernel/resource.c 6.12 */
void insert_resource_expand_to_fit(struct resource *root, struct resource *new)
{
	if (new->parent)
		return;
	for (;;) {
		struct resource *conflict = insert_adopting(root, new);

		/* Out of root's bounds: the kernel gives up silently. */
		if (!conflict || conflict == root || conflict == new)
			return;
		/* "Expanded resource %s due to conflict with %s" */
		if (conflict->start < new->start)
			new->start = conflict->start;
		if (conflict->end > new->end)
			new->end = conflict->end;
	}
}

/*
 * __release_resource(), kernel/resource.c 6.12.  With keep_children the
 * children take old's slot (remove_resource); otherwise they leave with old.
 */
static int unlink_resource(struct resource *old, bool keep_children)
{
	struct resource **link;

	if (!old->parent)
		return -EINVAL;
	for (link = &old->parent->child; *link; link = &(*link)->sibling) {
		struct resource *last;

		if (*link != old)
			continue;
		forget_hint(old->parent, old);
		if (!keep_children || !old->child) {
			*link = old->sibling;
		} else {
			for (last = old->child;; last = last->sibling) {
				last->parent = old->parent;
				if (!last->sibling)
					break;
			}
			*link = old->child;
			last->sibling = old->sibling;
			/* Unlike the kernel, forget them so resource_free(old)
			 * cannot reach into the tree. */
			old->child = NULL;
			old->hint = NULL;
		}
		old->parent = NULL;
		old->sibling = NULL;
		return 0;
	}
	return -EINVAL;
}

/* release_resource(), kernel/resource.c 6.12 */
int release_resource(struct resource *old)
{
	return unlink_resource(old, false);
}

/* remove_resource(), kernel/resource.c 6.12 */
int remove_resource(struct resource *old)
{
	return unlink_resource(old, true);
}

/*
 * __request_region_locked(), kernel/resource.c 6.12: conflicts that are not
 * BUSY are descended into; type, SYSRAM ext-type and desc come from the
 * resource the request finally lands under.
 */
struct resource *request_region(struct resource *parent, uint64_t start, uint64_t n,
				const char *name, uint32_t flags)
{
	struct resource *res = resource_new(name, start, start + n - 1, 0, IORES_DESC_NONE);

	for (;;) {
		struct resource *conflict;

		res->flags = (parent->flags & (IORESOURCE_TYPE_BITS | IORESOURCE_EXT_TYPE_BITS)) |
			     IORESOURCE_BUSY | flags;
		res->desc = parent->desc;
		conflict = claim_child_slot(parent, res);
		if (!conflict)
			return res;
		if (conflict != parent && !(conflict->flags & IORESOURCE_BUSY)) {
			parent = conflict;
			continue;
		}
		/* Two MUXED users would sleep until release; a model cannot
		 * wait, so it fails like any BUSY conflict. */
		resource_free(res);
		return NULL;
	}
}

/*
 * __release_region(), kernel/resource.c 6.12: non-BUSY containers are
 * descended into; the BUSY one containing the range must match it exactly.
 */
int release_region(struct resource *parent, uint64_t start, uint64_t n)
{
	uint64_t end = start + n - 1;
	struct resource **link = &parent->child;

	while (*link) {
		struct resource *res = *link;

		if (!contains(res, start, end)) {
			link = &res->sibling;
			continue;
		}
		if (!(res->flags & IORESOURCE_BUSY)) {
			link = &res->child;
			continue;
		}
		if (res->start != start || res->end != end)
			break;
		forget_hint(res->parent, res);
		*link = res->sibling;
		res->parent = NULL;
		res->sibling = NULL;
		resource_free(res);
		return 0;
	}
	/* "Trying to free nonexistent resource <start-end>" */
	return -EINVAL;
}

/* __adjust_resource(), kernel/resource.c 6.12 */
int adjust_resource(struct resource *res, uint64_t start, uint64_t size)
{
	uint64_t end = start + size - 1;
	struct resource *parent = res->parent;

	if (parent) {
		struct resource *prev;

		if (start < parent->start || end > parent->end)
			return -EBUSY;
		if (res->sibling && res->sibling->start <= end)
			return -EBUSY;
		prev = find_prev_sibling(res);
		if (prev && start <= prev->end)
			return -EBUSY;
	}
	/* Children are immutable: they must still fit. */
	for (struct resource *c = res->child; c; c = c->sibling)
		if (c->start < start || c->end > end)
			return -EBUSY;
	res->start = start;
	res->end = end;
	return 0;
}

/* Hot-remove of a middle piece: res keeps the lower part, its children and
 * its slot; a twin with the same name, flags and desc takes the upper part. */
static int split_resource(struct resource *res, uint64_t start, uint64_t end)
{
	uint64_t old_end = res->end;
	struct resource *upper;

	if (adjust_resource(res, res->start, start - res->start))
		return -EBUSY; /* a child would stick out: the kernel WARNs */
	upper = resource_new(res->name, end + 1, old_end, res->flags, res->desc);
	upper->parent = res->parent;
	upper->sibling = res->sibling;
	res->sibling = upper;
	return 0;
}

/*
 * release_mem_region_adjustable(), kernel/resource.c 6.12 (memory
 * hot-remove): find the BUSY MEM resource holding [start, end], descending
 * through non-BUSY ones, then delete it, shrink it, or split it in two.
 */
int release_mem_region_adjustable(struct resource *root, uint64_t start, uint64_t size)
{
	uint64_t end = start + size - 1;
	struct resource **link = &root->child;

	if (start < root->start || end > root->end)
		return -EINVAL; /* WARN_ON_ONCE in the kernel */

	while (*link) {
		struct resource *res = *link;

		/* The kernel stops at start >= end, not start > end. */
		if (res->start >= end)
			break;
		if (!contains(res, start, end)) {
			link = &res->sibling;
			continue;
		}
		if (!(res->flags & IORESOURCE_MEM))
			break;
		if (!(res->flags & IORESOURCE_BUSY)) {
			link = &res->child;
			continue;
		}

		if (res->start == start && res->end == end) {
			forget_hint(res->parent, res);
			*link = res->sibling;
			res->parent = NULL;
			res->sibling = NULL;
			resource_free(res);
			return 0;
		}
		if (res->start == start)
			return adjust_resource(res, end + 1, res->end - end);
		if (res->end == end)
			return adjust_resource(res, res->start, start - res->start);
		return split_resource(res, start, end);
	}
	return -EINVAL;
}

/* system_ram_resources_mergeable(), kernel/resource.c 6.12: the name is
 * compared by pointer, so only one driver's own resources merge. */
static bool can_merge(const struct resource *lo, const struct resource *hi)
{
	return lo->flags == hi->flags && lo->end + 1 == hi->start && lo->name == hi->name &&
	       lo->desc == hi->desc && !lo->child && !hi->child;
}

/* merge_system_ram_resource(), kernel/resource.c 6.12 */
void merge_system_ram_resource(struct resource *res)
{
	const uint32_t need = IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY;
	struct resource *cur;

	if ((res->flags & need) != need)
		return; /* WARN_ON_ONCE in the kernel */
	res->flags |= IORESOURCE_SYSRAM_MERGEABLE;
	if (!res->parent)
		return;

	cur = res->sibling;
	if (cur && can_merge(res, cur)) {
		forget_hint(res->parent, cur);
		res->end = cur->end;
		res->sibling = cur->sibling;
		cur->parent = NULL;
		cur->sibling = NULL;
		resource_free(cur);
	}

	cur = find_prev_sibling(res);
	if (cur && can_merge(cur, res)) {
		forget_hint(res->parent, res);
		cur->end = res->end;
		cur->sibling = res->sibling;
		res->parent = NULL;
		res->sibling = NULL;
		resource_free(res);
	}
}

/*
 * __reserve_region_with_split(), kernel/resource.c 6.12: a BUSY piece of
 * root's type fills every gap between root's children in [start, end].
 * Conflicts are met lowest first, so at most one piece waits its turn.
 *
 * The kernel scans root's children from the head for every piece and every
 * conflict; one scan position s serves the whole region here.  It is valid
 * for each request because every request starts at or above the one before
 * (a piece after its conflict, a shrunk piece at the same start, a piece
 * moved past its conflict), so all children before s still end below it
 * (slot_from()).  A region costs the steps to reach it plus one per child
 * it overlaps, instead of one scan of all the children before it per child
 * it overlaps (cubic for a table of E820_MAX_ENTRIES small entries).
 */
static void fill_gaps(struct resource *root, uint64_t start, uint64_t end, const char *name)
{
	uint32_t flags = (root->flags & IORESOURCE_TYPE_BITS) | IORESOURCE_BUSY;
	struct resource *res = resource_new(name, start, end, flags, IORES_DESC_NONE);
	struct resource *next_res = NULL;
	struct slot s = slot_from(root, root->hint, start);

	/* Where the region starts: the next region of a caller going up in
	 * address order (a RAM buffer per e820 RAM entry) starts its scan here. */
	step_below(&s, start);
	root->hint = s.prev;
	while (res) {
		struct resource *conflict = claim_at(root, &s, res);

		if (!conflict) {
			res = next_res;
			next_res = NULL;
			continue;
		}
		if (conflict->start <= res->start && conflict->end >= res->end) {
			resource_free(res);
			resource_free(next_res);
			return;
		}
		if (conflict->start > res->start) {
			uint64_t old_end = res->end;

			res->end = conflict->start - 1;
			if (conflict->end < old_end)
				next_res = resource_new(name, conflict->end + 1, old_end, flags,
							IORES_DESC_NONE);
		} else {
			res->start = conflict->end + 1;
		}
	}
}

/* reserve_region_with_split(), kernel/resource.c 6.12: a range sticking out
 * of root is clipped to it ("fixing request"), one wholly outside dropped. */
void reserve_region_with_split(struct resource *root, uint64_t start, uint64_t end,
			       const char *name)
{
	if (start > root->end || end < root->start)
		return;
	if (start < root->start)
		start = root->start;
	if (end > root->end)
		end = root->end;
	fill_gaps(root, start, end, name);
}

/* next_resource(), kernel/resource.c 6.12, bounded to root's subtree. */
struct resource *resource_next(const struct resource *root, const struct resource *r, int *depth)
{
	if (r->child) {
		(*depth)++;
		return r->child;
	}
	while (r != root && !r->sibling) {
		r = r->parent;
		(*depth)--;
	}
	if (r == root)
		return NULL;
	return r->sibling;
}

/*
 * find_next_iomem_res(), kernel/resource.c 6.12: the first resource in
 * pre-order that overlaps and matches; a matching parent is met before its
 * children, so they never produce hits of their own.  start >= end is
 * -EINVAL (a one-byte range cannot be searched, as in the kernel).
 */
int find_next_iomem_res(const struct resource *root, uint64_t start, uint64_t end,
			uint32_t flags, int desc, struct resource *out)
{
	const struct resource *p;
	int depth = -1;

	if (start >= end)
		return -EINVAL;
	for (p = resource_next(root, root, &depth); p; p = resource_next(root, p, &depth)) {
		if (p->start > end)
			break;
		if (p->end < start)
			continue;
		if (matches_type(p, flags, desc)) {
			/* Like the kernel's copy: no name, no links but parent. */
			*out = (struct resource){
				.start = MAX(start, p->start),
				.end = MIN(end, p->end),
				.flags = p->flags,
				.desc = p->desc,
				.parent = p->parent,
			};
			return 0;
		}
	}
	return -ENODEV;
}

/* __walk_iomem_res_desc(), kernel/resource.c 6.12: -EINVAL if nothing
 * matched, else the last callback result (non-zero stops the walk). */
int walk_iomem_res_desc(const struct resource *root, int desc, uint32_t flags,
			uint64_t start, uint64_t end, resource_walk_fn fn, void *arg)
{
	struct resource hit;
	int ret = -EINVAL;

	while (start < end && !find_next_iomem_res(root, start, end, flags, desc, &hit)) {
		ret = fn(&hit, arg);
		if (ret)
			break;
		/* The kernel would wrap to 0 and loop; stop instead. */
		if (hit.end == UINT64_MAX)
			break;
		start = hit.end + 1;
	}
	return ret;
}

/* walk_system_ram_res(), kernel/resource.c 6.12 (nested RAM found since 5.13) */
int walk_system_ram_res(const struct resource *root, uint64_t start, uint64_t end,
			resource_walk_fn fn, void *arg)
{
	return walk_iomem_res_desc(root, IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY,
				   start, end, fn, arg);
}

/*
 * Whether matching descendants of the non-matching top-level p cover all of
 * p's overlap with [start, end]: they must tile it from its low end up
 * (__region_intersects(), kernel/resource.c 6.12 and 6.1.y).  Every
 * matching descendant met on the way counts in *type.
 */
static bool descendants_cover(const struct resource *p, uint64_t start, uint64_t end,
			      uint32_t flags, int desc, int *type)
{
	uint64_t ostart = MAX(start, p->start);
	uint64_t oend = MIN(end, p->end);
	const struct resource *dp;
	int depth = 0;

	for (dp = resource_next(p, p, &depth); dp; dp = resource_next(p, dp, &depth)) {
		if (!overlaps(dp, start, end) || !matches_type(dp, flags, desc))
			continue;
		(*type)++;
		if (dp->start > ostart)
			return false; /* a hole below dp stays p's own */
		if (dp->end >= oend)
			return true;
		ostart = MAX(ostart, dp->end + 1);
	}
	return false;
}

/* region_intersects(), kernel/resource.c 6.12 (descendant rule also 6.1.y) */
int region_intersects(const struct resource *root, uint64_t start, uint64_t size,
		      uint32_t flags, int desc)
{
	uint64_t end = start + size - 1;
	int type = 0, other = 0;

	for (const struct resource *p = root->child; p; p = p->sibling) {
		if (!overlaps(p, start, end))
			continue;
		if (matches_type(p, flags, desc))
			type++;
		else if (!descendants_cover(p, start, end, flags, desc, &type))
			other++;
	}
	if (type == 0)
		return REGION_DISJOINT;
	return other == 0 ? REGION_INTERSECTS : REGION_MIXED;
}

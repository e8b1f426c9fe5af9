/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The resource tree against the kernel's rules (kernel/resource.c 6.12,
 * kernel/resource.c 6.1 and 6.12).  Every test checks the tree's invariants after it changes, and
 * compares whole trees as text so an unexpected side effect shows.
 */
#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <string.h>

#include "machine.h"
#include "resource.h"
#include "util.h"

#define RAM_BUSY (IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY)
#define MEM_BUSY (IORESOURCE_MEM | IORESOURCE_BUSY)

static struct resource *new_root(void)
{
	return resource_new("PCI mem", 0, UINT64_MAX, IORESOURCE_MEM, IORES_DESC_NONE);
}

/* Parents, order, nesting, hints: what every operation must preserve. */
static void check_subtree(const struct resource *parent)
{
	const struct resource *prev = NULL;
	bool hint_is_child = !parent->hint;

	for (const struct resource *c = parent->child; c; c = c->sibling) {
		hint_is_child |= c == parent->hint;
		g_assert_true(c->parent == parent);
		g_assert_cmphex(c->start, <=, c->end);
		g_assert_cmphex(c->start, >=, parent->start);
		g_assert_cmphex(c->end, <=, parent->end);
		if (prev)
			g_assert_cmphex(prev->end, <, c->start);
		check_subtree(c);
		prev = c;
	}
	/* A hint that is not a child could be freed memory. */
	g_assert_true(hint_is_child);
}

/* The tree as text: one "name start-end" line per node, one space per level. */
static char *dump(const struct resource *root)
{
	GString *s = g_string_new(NULL);
	int depth = -1;

	check_subtree(root);
	for (const struct resource *r = resource_next(root, root, &depth); r;
	     r = resource_next(root, r, &depth))
		g_string_append_printf(s, "%*s%s %" PRIx64 "-%" PRIx64 "\n", depth, "",
				       r->name ? r->name : "(null)", r->start, r->end);
	return g_string_free(s, FALSE);
}

static void assert_tree(const struct resource *root, const char *expected)
{
	char *got = dump(root);

	g_assert_cmpstr(got, ==, expected);
	g_free(got);
}

/* request_resource() that must succeed. */
static struct resource *add(struct resource *parent, const char *name, uint64_t start,
			    uint64_t end, uint32_t flags, int desc)
{
	struct resource *r = resource_new(name, start, end, flags, desc);

	g_assert_cmpint(request_resource(parent, r), ==, 0);
	return r;
}

/* insert_resource() that must succeed. */
static struct resource *insert(struct resource *parent, const char *name, uint64_t start,
			       uint64_t end, uint32_t flags, int desc)
{
	struct resource *r = resource_new(name, start, end, flags, desc);

	g_assert_cmpint(insert_resource(parent, r), ==, 0);
	return r;
}

/* ---------------------------------------------------------------- request */

static void test_request_sorted(void)
{
	struct resource *root = new_root();

	add(root, "C", 0x5000, 0x5fff, MEM_BUSY, 0);
	add(root, "A", 0x1000, 0x1fff, MEM_BUSY, 0);
	add(root, "B", 0x3000, 0x3fff, MEM_BUSY, 0);
	/* Adjacent on both sides is not an overlap. */
	add(root, "AB", 0x2000, 0x2fff, MEM_BUSY, 0);
	assert_tree(root, "A 1000-1fff\nAB 2000-2fff\nB 3000-3fff\nC 5000-5fff\n");
	resource_free(root);
}

static void test_request_direct_children_only(void)
{
	struct resource *root = new_root();
	struct resource *x = add(root, "X", 0x1000, 0x1fff, IORESOURCE_MEM, 0);
	struct resource *y = resource_new("Y", 0x1100, 0x11ff, MEM_BUSY, 0);

	/* Never nested automatically, even inside a non-busy resource. */
	g_assert_true(request_resource_conflict(root, y) == x);
	g_assert_cmpint(request_resource(root, y), ==, -EBUSY);
	g_assert_null(y->parent);
	g_assert_null(x->child);
	/* Asked of X itself, it fits. */
	g_assert_null(request_resource_conflict(x, y));
	assert_tree(root, "X 1000-1fff\n Y 1100-11ff\n");
	resource_free(root);
}

static void test_request_conflicts(void)
{
	struct resource *root = new_root();
	struct resource *a = add(root, "A", 0x1000, 0x1fff, MEM_BUSY, 0);
	struct resource *b = add(root, "B", 0x3000, 0x3fff, MEM_BUSY, 0);
	struct resource *n = resource_new("N", 0x1fff, 0x2000, MEM_BUSY, 0);

	/* One shared byte at either edge is a conflict. */
	g_assert_true(request_resource_conflict(root, n) == a);
	n->start = 0x2fff;
	n->end = 0x3000;
	g_assert_true(request_resource_conflict(root, n) == b);
	/* Spanning several: the lowest overlapping child is reported. */
	n->start = 0x0;
	n->end = 0x4000;
	g_assert_true(request_resource_conflict(root, n) == a);
	/* Containing a child is a conflict too. */
	n->start = 0x2800;
	n->end = 0x3fff;
	g_assert_true(request_resource_conflict(root, n) == b);
	g_assert_null(n->parent);
	assert_tree(root, "A 1000-1fff\nB 3000-3fff\n");
	resource_free(n);
	resource_free(root);
}

static void test_request_bounds(void)
{
	struct resource *root = resource_new("win", 0x1000, 0x1fff, IORESOURCE_MEM, 0);
	struct resource *n = resource_new("N", 0xfff, 0x1000, MEM_BUSY, 0);

	g_assert_true(request_resource_conflict(root, n) == root);
	n->start = 0x1fff;
	n->end = 0x2000;
	g_assert_true(request_resource_conflict(root, n) == root);
	/* end < start: the root is the conflict even inside its bounds. */
	n->start = 0x1800;
	n->end = 0x17ff;
	g_assert_true(request_resource_conflict(root, n) == root);
	g_assert_cmpint(request_resource(root, n), ==, -EBUSY);
	/* The whole root and a one-byte resource are fine. */
	n->start = 0x1000;
	n->end = 0x1fff;
	g_assert_cmpint(request_resource(root, n), ==, 0);
	assert_tree(root, "N 1000-1fff\n");
	resource_free(root);
}

/* ----------------------------------------------------------------- insert */

static void test_insert_descends_through_busy(void)
{
	struct resource *root = new_root();
	struct resource *a = add(root, "A", 0x0, 0xffff, MEM_BUSY, 0);
	struct resource *b = add(a, "B", 0x1000, 0x1fff, MEM_BUSY, 0);
	struct resource *n = insert(root, "N", 0x1100, 0x11ff, MEM_BUSY, 0);

	g_assert_true(n->parent == b);
	assert_tree(root, "A 0-ffff\n B 1000-1fff\n  N 1100-11ff\n");
	resource_free(root);
}

static void test_insert_plain(void)
{
	struct resource *root = new_root();

	add(root, "A", 0x1000, 0x1fff, MEM_BUSY, 0);
	insert(root, "N", 0x3000, 0x3fff, MEM_BUSY, 0);
	insert(root, "M", 0x0, 0xfff, MEM_BUSY, 0);
	assert_tree(root, "M 0-fff\nA 1000-1fff\nN 3000-3fff\n");
	resource_free(root);
}

static void test_insert_adopts_in_order(void)
{
	struct resource *root = new_root();

	add(root, "W", 0x100, 0x1ff, MEM_BUSY, 0);
	struct resource *x = add(root, "X", 0x1000, 0x1fff, MEM_BUSY, 0);
	add(x, "x1", 0x1100, 0x11ff, MEM_BUSY, 0);
	add(root, "Y", 0x3000, 0x3fff, IORESOURCE_MEM, 0);
	add(root, "Z", 0x5000, 0x5fff, MEM_BUSY, 0);
	add(root, "V", 0x8000, 0x8fff, MEM_BUSY, 0);

	struct resource *n = insert(root, "N", 0x800, 0x6000, IORESOURCE_MEM, 0);

	g_assert_true(x->parent == n);
	assert_tree(root, "W 100-1ff\n"
			  "N 800-6000\n"
			  " X 1000-1fff\n"
			  "  x1 1100-11ff\n"
			  " Y 3000-3fff\n"
			  " Z 5000-5fff\n"
			  "V 8000-8fff\n");
	resource_free(root);
}

static void test_insert_adopts_first_child(void)
{
	struct resource *root = new_root();

	add(root, "X", 0x1000, 0x1fff, MEM_BUSY, 0);
	add(root, "Y", 0x3000, 0x3fff, MEM_BUSY, 0);
	/* Edges exactly on the adopted ones: contained, not straddling. */
	insert(root, "N", 0x1000, 0x3fff, IORESOURCE_MEM, 0);
	assert_tree(root, "N 1000-3fff\n X 1000-1fff\n Y 3000-3fff\n");
	resource_free(root);
}

static void test_insert_descends_then_adopts(void)
{
	struct resource *root = new_root();
	struct resource *a = add(root, "A", 0x0, 0xffff, MEM_BUSY, 0);

	add(a, "B", 0x100, 0x1ff, MEM_BUSY, 0);
	add(a, "C", 0x300, 0x3ff, MEM_BUSY, 0);
	add(a, "D", 0x500, 0x5ff, MEM_BUSY, 0);
	struct resource *n = insert(root, "N", 0x100, 0x3ff, MEM_BUSY, 0);

	g_assert_true(n->parent == a);
	assert_tree(root, "A 0-ffff\n N 100-3ff\n  B 100-1ff\n  C 300-3ff\n D 500-5ff\n");
	resource_free(root);
}

static void test_insert_identical(void)
{
	struct resource *root = new_root();
	struct resource *old = add(root, "System ROM", 0xf0000, 0xfffff, MEM_BUSY, 0);

	add(old, "rom part", 0xf8000, 0xfffff, MEM_BUSY, 0);
	struct resource *n = insert(root, "Reserved", 0xf0000, 0xfffff, MEM_BUSY,
				    IORES_DESC_RESERVED);

	/* The new resource wraps the old one, which keeps its children. */
	g_assert_true(old->parent == n);
	g_assert_true(root->child == n);
	assert_tree(root, "Reserved f0000-fffff\n System ROM f0000-fffff\n  rom part f8000-fffff\n");
	/* A third identical insert wraps again, at the top. */
	insert(root, "outer", 0xf0000, 0xfffff, IORESOURCE_MEM, 0);
	assert_tree(root, "outer f0000-fffff\n Reserved f0000-fffff\n  System ROM f0000-fffff\n"
			  "   rom part f8000-fffff\n");
	resource_free(root);
}

static void test_insert_identical_nested(void)
{
	struct resource *root = new_root();
	struct resource *ram = add(root, "System RAM", 0x100000, 0x7fffffff, RAM_BUSY, 0);
	struct resource *code = add(ram, "Kernel code", 0x1000000, 0x1ffffff, RAM_BUSY, 0);
	struct resource *n = insert(root, "twin", 0x1000000, 0x1ffffff, RAM_BUSY, 0);

	/* Descends into RAM (strictly larger), stops at the identical one. */
	g_assert_true(n->parent == ram);
	g_assert_true(code->parent == n);
	resource_free(root);
}

static void test_insert_partial_overlap(void)
{
	struct resource *root = new_root();
	struct resource *x = add(root, "X", 0x1000, 0x1fff, MEM_BUSY, 0);
	struct resource *y = add(root, "Y", 0x3000, 0x3fff, MEM_BUSY, 0);
	const char *before = "X 1000-1fff\nY 3000-3fff\n";
	struct resource *n = resource_new("N", 0x1800, 0x2fff, IORESOURCE_MEM, 0);

	/* Straddles X's end. */
	g_assert_true(insert_resource_conflict(root, n) == x);
	g_assert_cmpint(insert_resource(root, n), ==, -EBUSY);
	assert_tree(root, before);
	/* Covers X but straddles Y's start: Y is reported, X not adopted. */
	n->start = 0x800;
	n->end = 0x3800;
	g_assert_true(insert_resource_conflict(root, n) == y);
	assert_tree(root, before);
	g_assert_true(x->parent == root);
	g_assert_null(n->parent);
	g_assert_null(n->child);
	resource_free(n);
	resource_free(root);
}

static void test_insert_partial_overlap_nested(void)
{
	struct resource *root = new_root();
	struct resource *a = add(root, "A", 0x0, 0xffff, IORESOURCE_MEM, 0);
	struct resource *b = add(a, "B", 0x1000, 0x1fff, MEM_BUSY, 0);
	struct resource *n = resource_new("N", 0x1800, 0x27ff, IORESOURCE_MEM, 0);

	g_assert_true(insert_resource_conflict(root, n) == b);
	assert_tree(root, "A 0-ffff\n B 1000-1fff\n");
	resource_free(n);
	resource_free(root);
}

static void test_insert_bounds_and_twice(void)
{
	struct resource *root = resource_new("win", 0x1000, 0x1fff, IORESOURCE_MEM, 0);
	struct resource *n = resource_new("N", 0x800, 0x17ff, IORESOURCE_MEM, 0);

	g_assert_true(insert_resource_conflict(root, n) == root);
	n->start = 0x1800;
	n->end = 0x17ff;
	g_assert_true(insert_resource_conflict(root, n) == root);
	n->end = 0x18ff;
	g_assert_null(insert_resource_conflict(root, n));
	/* Inserting the same object again: the kernel WARNs, reports itself. */
	g_assert_true(insert_resource_conflict(root, n) == n);
	assert_tree(root, "N 1800-18ff\n");
	resource_free(root);
}

/* ---------------------------------------------------------- expand_to_fit */

static void test_expand_to_fit_grows(void)
{
	struct resource *root = new_root();

	add(root, "X", 0x1000, 0x1fff, MEM_BUSY, 0);
	add(root, "Y", 0x3000, 0x3fff, MEM_BUSY, 0);
	add(root, "Z", 0x8000, 0x8fff, MEM_BUSY, 0);
	struct resource *n = resource_new("CXL Window 0", 0x1800, 0x3800, IORESOURCE_MEM,
					  IORES_DESC_CXL);

	insert_resource_expand_to_fit(root, n);
	g_assert_true(n->parent == root);
	g_assert_cmphex(n->start, ==, 0x1000);
	g_assert_cmphex(n->end, ==, 0x3fff);
	assert_tree(root, "CXL Window 0 1000-3fff\n X 1000-1fff\n Y 3000-3fff\nZ 8000-8fff\n");
	resource_free(root);
}

static void test_expand_to_fit_nested(void)
{
	struct resource *root = new_root();
	struct resource *a = add(root, "A", 0x0, 0xffff, IORESOURCE_MEM, 0);

	add(a, "B", 0x1000, 0x1fff, MEM_BUSY, 0);
	struct resource *n = resource_new("N", 0x1800, 0x27ff, IORESOURCE_MEM, 0);

	/* Grows only as far as the conflict inside A, then fits under A. */
	insert_resource_expand_to_fit(root, n);
	g_assert_true(n->parent == a);
	assert_tree(root, "A 0-ffff\n N 1000-27ff\n  B 1000-1fff\n");
	resource_free(root);
}

static void test_expand_to_fit_noop(void)
{
	struct resource *root = new_root();
	struct resource *x = add(root, "X", 0x1000, 0x1fff, MEM_BUSY, 0);
	struct resource *n = insert(root, "N", 0x3000, 0x3fff, IORESOURCE_MEM, 0);
	struct resource *other = new_root();

	/* Already has a parent: nothing happens, whatever root is given. */
	insert_resource_expand_to_fit(other, n);
	g_assert_true(n->parent == root);
	g_assert_null(other->child);
	/* Even when its range now overlaps something. */
	n->start = 0x1800;
	insert_resource_expand_to_fit(root, n);
	g_assert_cmphex(n->start, ==, 0x1800);
	g_assert_true(x->parent == root);
	n->start = 0x3000;
	assert_tree(root, "X 1000-1fff\nN 3000-3fff\n");
	resource_free(other);
	resource_free(root);
}

static void test_expand_to_fit_out_of_bounds(void)
{
	struct resource *root = resource_new("win", 0x1000, 0x1fff, IORESOURCE_MEM, 0);
	struct resource *n = resource_new("N", 0x1800, 0x27ff, IORESOURCE_MEM, 0);

	insert_resource_expand_to_fit(root, n);
	g_assert_null(n->parent);
	g_assert_cmphex(n->start, ==, 0x1800);
	g_assert_cmphex(n->end, ==, 0x27ff);
	g_assert_null(root->child);
	resource_free(n);
	resource_free(root);
}

/* -------------------------------------------------------- release, remove */

static void test_release_resource(void)
{
	struct resource *root = new_root();

	add(root, "A", 0x0, 0xfff, MEM_BUSY, 0);
	struct resource *b = add(root, "B", 0x1000, 0x1fff, IORESOURCE_MEM, 0);
	struct resource *b1 = add(b, "b1", 0x1000, 0x10ff, MEM_BUSY, 0);
	add(b1, "b11", 0x1000, 0x100f, MEM_BUSY, 0);
	add(b, "b2", 0x1800, 0x18ff, MEM_BUSY, 0);
	add(root, "C", 0x2000, 0x2fff, MEM_BUSY, 0);

	g_assert_cmpint(release_resource(b), ==, 0);
	/* Gone with the whole subtree, which stays attached to B. */
	assert_tree(root, "A 0-fff\nC 2000-2fff\n");
	g_assert_null(b->parent);
	g_assert_null(b->sibling);
	assert_tree(b, "b1 1000-10ff\n b11 1000-100f\nb2 1800-18ff\n");
	g_assert_true(b1->parent == b);
	/* Not in a tree any more. */
	g_assert_cmpint(release_resource(b), ==, -EINVAL);
	resource_free(b);
	resource_free(root);
}

static void test_release_first_and_last(void)
{
	struct resource *root = new_root();
	struct resource *a = add(root, "A", 0x0, 0xfff, MEM_BUSY, 0);
	add(root, "B", 0x1000, 0x1fff, MEM_BUSY, 0);
	struct resource *c = add(root, "C", 0x2000, 0x2fff, MEM_BUSY, 0);

	g_assert_cmpint(release_resource(a), ==, 0);
	g_assert_cmpint(release_resource(c), ==, 0);
	assert_tree(root, "B 1000-1fff\n");
	resource_free(a);
	resource_free(c);
	resource_free(root);
}

static void test_release_stale_parent(void)
{
	struct resource *root = new_root();
	struct resource *a = add(root, "A", 0x0, 0xfff, MEM_BUSY, 0);
	struct resource *ghost = resource_new("ghost", 0x0, 0xf, MEM_BUSY, 0);

	/* Claims a parent that does not list it: not found. */
	ghost->parent = a;
	g_assert_cmpint(release_resource(ghost), ==, -EINVAL);
	g_assert_cmpint(remove_resource(ghost), ==, -EINVAL);
	ghost->parent = NULL;
	resource_free(ghost);
	resource_free(root);
}

static void test_remove_resource(void)
{
	struct resource *root = new_root();

	add(root, "A", 0x0, 0xfff, MEM_BUSY, 0);
	struct resource *b = add(root, "B", 0x1000, 0x1fff, IORESOURCE_MEM, 0);
	struct resource *b1 = add(b, "b1", 0x1000, 0x10ff, MEM_BUSY, 0);
	add(b1, "b11", 0x1000, 0x100f, MEM_BUSY, 0);
	add(b, "b2", 0x1400, 0x14ff, MEM_BUSY, 0);
	struct resource *b3 = add(b, "b3", 0x1800, 0x18ff, MEM_BUSY, 0);
	add(root, "C", 0x2000, 0x2fff, MEM_BUSY, 0);

	g_assert_cmpint(remove_resource(b), ==, 0);
	/* Children take B's slot, in order, with their own subtrees. */
	assert_tree(root, "A 0-fff\nb1 1000-10ff\n b11 1000-100f\nb2 1400-14ff\nb3 1800-18ff\n"
			  "C 2000-2fff\n");
	g_assert_true(b1->parent == root);
	g_assert_true(b3->parent == root);
	g_assert_null(b->parent);
	g_assert_null(b->child);
	g_assert_cmpint(remove_resource(b), ==, -EINVAL);
	resource_free(b);
	resource_free(root);
}

static void test_remove_resource_edges(void)
{
	struct resource *root = new_root();
	struct resource *a = add(root, "A", 0x0, 0xfff, IORESOURCE_MEM, 0);
	add(a, "a1", 0x0, 0xff, MEM_BUSY, 0);
	struct resource *leaf = add(root, "leaf", 0x1000, 0x1fff, MEM_BUSY, 0);

	/* First child with children; then a leaf. */
	g_assert_cmpint(remove_resource(a), ==, 0);
	assert_tree(root, "a1 0-ff\nleaf 1000-1fff\n");
	g_assert_cmpint(remove_resource(leaf), ==, 0);
	assert_tree(root, "a1 0-ff\n");
	resource_free(a);
	resource_free(leaf);
	resource_free(root);
}

static void test_insert_remove_roundtrip(void)
{
	struct resource *root = new_root();

	add(root, "X", 0x1000, 0x1fff, MEM_BUSY, 0);
	add(root, "Y", 0x3000, 0x3fff, MEM_BUSY, 0);
	char *before = dump(root);
	struct resource *n = insert(root, "N", 0x0, 0xffff, IORESOURCE_MEM, 0);

	/* remove_resource() is insert_resource()'s inverse. */
	g_assert_cmpint(remove_resource(n), ==, 0);
	assert_tree(root, before);
	g_free(before);
	resource_free(n);
	resource_free(root);
}

/* ---------------------------------------------------------- request_region */

static void test_request_region_descends(void)
{
	struct resource *root = new_root();

	add(root, "System RAM", 0x0, 0xfffffff, RAM_BUSY, 0);
	struct resource *sr = add(root, "Soft Reserved", 0x280000000, 0x2ffffffff,
				  IORESOURCE_MEM, IORES_DESC_SOFT_RESERVED);
	struct resource *r = request_region(root, 0x280000000, 0x80000000, "dax0.0", 0);

	g_assert_nonnull(r);
	g_assert_true(r->parent == sr);
	g_assert_cmpstr(r->name, ==, "dax0.0");
	g_assert_cmphex(r->start, ==, 0x280000000);
	g_assert_cmphex(r->end, ==, 0x2ffffffff);
	/* Type from the parent, BUSY, desc of the resource it lands under. */
	g_assert_cmphex(r->flags, ==, MEM_BUSY);
	g_assert_cmpint(r->desc, ==, IORES_DESC_SOFT_RESERVED);
	resource_free(root);
}

static void test_request_region_inherits_sysram(void)
{
	struct resource *root = new_root();
	struct resource *sr = add(root, "Soft Reserved", 0x280000000, 0x2ffffffff,
				  IORESOURCE_MEM, IORES_DESC_SOFT_RESERVED);
	struct resource *dax = request_region(root, 0x280000000, 0x80000000, "dax0.0", 0);

	g_assert_true(dax->parent == sr);
	/* dax/kmem rewrites its parent's flags so add_memory can nest. */
	dax->flags = IORESOURCE_SYSTEM_RAM;
	struct resource *kmem = request_region(root, 0x280000000, 0x80000000,
					       "System RAM (kmem)",
					       IORESOURCE_SYSRAM_DRIVER_MANAGED);

	g_assert_nonnull(kmem);
	g_assert_true(kmem->parent == dax);
	g_assert_cmphex(kmem->flags, ==,
			IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED);
	/* dax0.0 still carries Soft Reserved's desc, which kmem inherits. */
	g_assert_cmpint(kmem->desc, ==, IORES_DESC_SOFT_RESERVED);
	assert_tree(root, "Soft Reserved 280000000-2ffffffff\n"
			  " dax0.0 280000000-2ffffffff\n"
			  "  System RAM (kmem) 280000000-2ffffffff\n");
	resource_free(root);
}

static void test_request_region_desc_of_final_parent(void)
{
	struct resource *root = new_root();
	struct resource *win = add(root, "CXL Window 0", 0x490000000, 0x50fffffff,
				   IORESOURCE_MEM, IORES_DESC_CXL);
	struct resource *reg = add(win, "region0", 0x490000000, 0x4ffffffff, IORESOURCE_MEM,
				   IORES_DESC_NONE);
	struct resource *in_reg = request_region(root, 0x490000000, 0x1000, "in region", 0);
	struct resource *in_win = request_region(root, 0x500000000, 0x1000, "in window",
						 IORESOURCE_EXCLUSIVE);

	/* Only the last level counts, not the window two levels up. */
	g_assert_true(in_reg->parent == reg);
	g_assert_cmpint(in_reg->desc, ==, IORES_DESC_NONE);
	g_assert_true(in_win->parent == win);
	g_assert_cmpint(in_win->desc, ==, IORES_DESC_CXL);
	/* Caller's flags are kept. */
	g_assert_cmphex(in_win->flags, ==, MEM_BUSY | IORESOURCE_EXCLUSIVE);
	resource_free(root);
}

static void test_request_region_top_level(void)
{
	struct resource *root = new_root();
	struct resource *r = request_region(root, 0x100000000, 0x20000000, "System RAM",
					    IORESOURCE_SYSTEM_RAM);

	g_assert_true(r->parent == root);
	g_assert_cmphex(r->flags, ==, RAM_BUSY);
	g_assert_cmpint(r->desc, ==, IORES_DESC_NONE);
	/* An I/O port root gives IO type. */
	struct resource *io = resource_new("PCI IO", 0, 0xffff, IORESOURCE_IO, 0);
	struct resource *p = request_region(io, 0x60, 1, "keyboard", 0);

	g_assert_cmphex(p->flags, ==, IORESOURCE_IO | IORESOURCE_BUSY);
	g_assert_cmphex(p->end, ==, 0x60);
	resource_free(io);
	resource_free(root);
}

static void test_request_region_busy_conflict(void)
{
	struct resource *root = new_root();
	struct resource *ram = add(root, "System RAM", 0x100000, 0x7fffffff, RAM_BUSY, 0);
	const char *before = "System RAM 100000-7fffffff\n";

	/* Inside a BUSY resource, however large: refused, never nested. */
	g_assert_null(request_region(root, 0x1000000, 0x1000, "driver", 0));
	g_assert_null(ram->child);
	assert_tree(root, before);
	/* Overlapping a BUSY resource's edge. */
	g_assert_null(request_region(root, 0x0, 0x100001, "driver", 0));
	/* An empty range (end < start) is out of every root. */
	g_assert_null(request_region(root, 0x1000, 0, "empty", 0));
	assert_tree(root, before);
	resource_free(root);
}

static void test_request_region_straddles(void)
{
	struct resource *root = new_root();

	add(root, "PCI Bus", 0x1000, 0x1fff, IORESOURCE_MEM, 0);
	add(root, "Other", 0x2000, 0x2fff, IORESOURCE_MEM, 0);
	/* Descends into the non-busy conflict, which then is too small. */
	g_assert_null(request_region(root, 0x1800, 0x1000, "dev", 0));
	g_assert_null(request_region(root, 0x800, 0x1000, "dev", 0));
	assert_tree(root, "PCI Bus 1000-1fff\nOther 2000-2fff\n");
	resource_free(root);
}

static void test_request_region_busy_deep(void)
{
	struct resource *root = new_root();
	struct resource *win = add(root, "win", 0x0, 0xffff, IORESOURCE_MEM, 0);

	add(win, "busy", 0x1000, 0x1fff, MEM_BUSY, 0);
	/* Non-busy at the top, busy one level down: refused there. */
	g_assert_null(request_region(root, 0x1100, 0x100, "dev", 0));
	struct resource *ok = request_region(root, 0x2000, 0x100, "dev", 0);

	g_assert_true(ok->parent == win);
	assert_tree(root, "win 0-ffff\n busy 1000-1fff\n dev 2000-20ff\n");
	resource_free(root);
}

static void test_request_region_muxed(void)
{
	struct resource *root = new_root();

	add(root, "muxed", 0x1000, 0x1fff, MEM_BUSY | IORESOURCE_MUXED, 0);
	/* The kernel would sleep until release; the model refuses. */
	g_assert_null(request_region(root, 0x1000, 0x1000, "other", IORESOURCE_MUXED));
	assert_tree(root, "muxed 1000-1fff\n");
	resource_free(root);
}

/* ---------------------------------------------------------- release_region */

static void test_release_region_exact(void)
{
	struct resource *root = new_root();
	struct resource *sr = add(root, "Soft Reserved", 0x280000000, 0x2ffffffff,
				  IORESOURCE_MEM, IORES_DESC_SOFT_RESERVED);

	g_assert_nonnull(request_region(root, 0x280000000, 0x1000, "a", 0));
	g_assert_nonnull(request_region(root, 0x280001000, 0x1000, "b", 0));
	/* Found by descending into the non-busy Soft Reserved. */
	g_assert_cmpint(release_region(root, 0x280000000, 0x1000), ==, 0);
	assert_tree(root, "Soft Reserved 280000000-2ffffffff\n b 280001000-280001fff\n");
	g_assert_cmpint(release_region(sr, 0x280001000, 0x1000), ==, 0);
	assert_tree(root, "Soft Reserved 280000000-2ffffffff\n");
	resource_free(root);
}

static void test_release_region_nonexistent(void)
{
	struct resource *root = new_root();

	add(root, "System RAM", 0x100000, 0x7fffffff, RAM_BUSY, 0);
	add(root, "Reserved", 0x80000000, 0x8fffffff, IORESOURCE_MEM, IORES_DESC_RESERVED);
	const char *before = "System RAM 100000-7fffffff\nReserved 80000000-8fffffff\n";

	/* Inside a BUSY one but not exactly it. */
	g_assert_cmpint(release_region(root, 0x100000, 0x1000), ==, -EINVAL);
	g_assert_cmpint(release_region(root, 0x0, 0x80000000), ==, -EINVAL);
	/* Exactly a non-busy one: descended into, nothing there. */
	g_assert_cmpint(release_region(root, 0x80000000, 0x10000000), ==, -EINVAL);
	/* Nothing at all. */
	g_assert_cmpint(release_region(root, 0x900000000, 0x1000), ==, -EINVAL);
	assert_tree(root, before);
	resource_free(root);
}

static void test_release_region_with_children(void)
{
	struct resource *root = new_root();
	struct resource *ram = add(root, "System RAM", 0x100000, 0x7fffffff, RAM_BUSY, 0);

	add(ram, "Kernel code", 0x1000000, 0x1ffffff, RAM_BUSY, 0);
	/* The children vanish with it (freed: the sanitizer checks). */
	g_assert_cmpint(release_region(root, 0x100000, 0x7ff00000), ==, 0);
	g_assert_null(root->child);
	resource_free(root);
}

/* --------------------------------------------- release_mem_region_adjustable */

static void test_adjustable_exact(void)
{
	struct resource *root = new_root();

	add(root, "System RAM", 0x0, 0xffffffff, RAM_BUSY, 0);
	add(root, "System RAM", 0x100000000, 0x17fffffff, RAM_BUSY, 0);
	g_assert_cmpint(release_mem_region_adjustable(root, 0x100000000, 0x80000000), ==, 0);
	assert_tree(root, "System RAM 0-ffffffff\n");
	resource_free(root);
}

static void test_adjustable_shrink(void)
{
	struct resource *root = new_root();
	struct resource *r = add(root, "System RAM", 0x100000000, 0x17fffffff, RAM_BUSY, 0);

	/* From the start. */
	g_assert_cmpint(release_mem_region_adjustable(root, 0x100000000, 0x8000000), ==, 0);
	assert_tree(root, "System RAM 108000000-17fffffff\n");
	/* From the end. */
	g_assert_cmpint(release_mem_region_adjustable(root, 0x178000000, 0x8000000), ==, 0);
	assert_tree(root, "System RAM 108000000-177ffffff\n");
	g_assert_true(root->child == r);
	resource_free(root);
}

static void test_adjustable_split(void)
{
	struct resource *root = new_root();
	char *name = g_strdup("System RAM (virtio_mem)");
	const uint32_t flags = RAM_BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED |
			       IORESOURCE_SYSRAM_MERGEABLE;
	struct resource *r = add(root, name, 0x100000000, 0x12fffffff, flags, IORES_DESC_CXL);

	add(r, "child", 0x100000000, 0x100ffffff, RAM_BUSY, 0);
	add(root, "after", 0x200000000, 0x2ffffffff, RAM_BUSY, 0);
	g_assert_cmpint(release_mem_region_adjustable(root, 0x108000000, 0x8000000), ==, 0);
	assert_tree(root, "System RAM (virtio_mem) 100000000-107ffffff\n"
			  " child 100000000-100ffffff\n"
			  "System RAM (virtio_mem) 110000000-12fffffff\n"
			  "after 200000000-2ffffffff\n");
	/* Same name object, flags and desc; children stay low. */
	struct resource *upper = r->sibling;

	g_assert_true(root->child == r);
	g_assert_true(upper->name == name);
	g_assert_cmphex(upper->flags, ==, flags);
	g_assert_cmpint(upper->desc, ==, IORES_DESC_CXL);
	g_assert_null(upper->child);
	resource_free(root);
	g_free(name);
}

static void test_adjustable_child_in_the_way(void)
{
	struct resource *root = new_root();
	struct resource *r = add(root, "System RAM", 0x100000000, 0x12fffffff, RAM_BUSY, 0);

	add(r, "child", 0x118000000, 0x118ffffff, RAM_BUSY, 0);
	const char *before = "System RAM 100000000-12fffffff\n child 118000000-118ffffff\n";

	/* Split whose upper part would hold the child: the kernel WARNs. */
	g_assert_cmpint(release_mem_region_adjustable(root, 0x108000000, 0x8000000), ==, -EBUSY);
	/* Shrinks that would cut the child off. */
	g_assert_cmpint(release_mem_region_adjustable(root, 0x100000000, 0x20000000), ==, -EBUSY);
	g_assert_cmpint(release_mem_region_adjustable(root, 0x110000000, 0x20000000), ==, -EBUSY);
	assert_tree(root, before);
	resource_free(root);
}

static void test_adjustable_descends(void)
{
	struct resource *root = new_root();
	struct resource *virtio = add(root, "virtio5", 0x300000000, 0x33fffffff,
				      IORESOURCE_SYSTEM_RAM | IORESOURCE_EXCLUSIVE, 0);

	add(virtio, "System RAM (virtio_mem)", 0x300000000, 0x317ffffff,
	    RAM_BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED, 0);
	g_assert_cmpint(release_mem_region_adjustable(root, 0x310000000, 0x8000000), ==, 0);
	assert_tree(root, "virtio5 300000000-33fffffff\n"
			  " System RAM (virtio_mem) 300000000-30fffffff\n");
	g_assert_cmpint(release_mem_region_adjustable(root, 0x300000000, 0x10000000), ==, 0);
	assert_tree(root, "virtio5 300000000-33fffffff\n");
	/* The non-busy parent itself is never the target. */
	g_assert_cmpint(release_mem_region_adjustable(root, 0x300000000, 0x40000000), ==, -EINVAL);
	assert_tree(root, "virtio5 300000000-33fffffff\n");
	resource_free(root);
}

static void test_adjustable_not_found(void)
{
	struct resource *root = new_root();

	add(root, "System RAM", 0x100000000, 0x107ffffff, RAM_BUSY, 0);
	add(root, "System RAM", 0x108000000, 0x10fffffff, RAM_BUSY, 0);
	add(root, "io", 0x200000000, 0x2ffffffff, IORESOURCE_IO | IORESOURCE_BUSY, 0);
	const char *before = "System RAM 100000000-107ffffff\nSystem RAM 108000000-10fffffff\n"
			     "io 200000000-2ffffffff\n";

	/* Spanning two resources. */
	g_assert_cmpint(release_mem_region_adjustable(root, 0x104000000, 0x8000000), ==, -EINVAL);
	/* In a hole. */
	g_assert_cmpint(release_mem_region_adjustable(root, 0x400000000, 0x1000), ==, -EINVAL);
	/* Not IORESOURCE_MEM. */
	g_assert_cmpint(release_mem_region_adjustable(root, 0x200000000, 0x1000), ==, -EINVAL);
	/* A one-byte range at a resource's start: the kernel's scan stops at
	 * res->start >= end, so it is never found. */
	g_assert_cmpint(release_mem_region_adjustable(root, 0x100000000, 1), ==, -EINVAL);
	/* Out of the root's bounds. */
	struct resource *small = resource_new("win", 0x1000, 0x1fff, IORESOURCE_MEM, 0);

	g_assert_cmpint(release_mem_region_adjustable(small, 0x1800, 0x1000), ==, -EINVAL);
	resource_free(small);
	assert_tree(root, before);
	resource_free(root);
}

/* ------------------------------------------------------------------ merge */

static struct resource *add_block(struct resource *parent, const char *name, uint64_t start,
				  uint64_t size)
{
	struct resource *r = request_region(parent, start, size, name,
					    IORESOURCE_SYSTEM_RAM |
						    IORESOURCE_SYSRAM_DRIVER_MANAGED);

	g_assert_nonnull(r);
	return r;
}

static void test_merge_next_and_previous(void)
{
	static const char name[] = "System RAM (virtio_mem)";
	struct resource *root = new_root();
	struct resource *v = add(root, "virtio0", 0x100000000, 0x1ffffffff,
				 IORESOURCE_SYSTEM_RAM | IORESOURCE_EXCLUSIVE, 0);
	struct resource *a = add_block(root, name, 0x100000000, 0x8000000);
	struct resource *c = add_block(root, name, 0x110000000, 0x8000000);

	merge_system_ram_resource(a);
	merge_system_ram_resource(c);
	g_assert_true(a->flags & IORESOURCE_SYSRAM_MERGEABLE);
	/* Not adjacent yet. */
	assert_tree(root, "virtio0 100000000-1ffffffff\n"
			  " System RAM (virtio_mem) 100000000-107ffffff\n"
			  " System RAM (virtio_mem) 110000000-117ffffff\n");
	struct resource *b = add_block(root, name, 0x108000000, 0x8000000);

	/* b swallows c, then a swallows b (b is freed). */
	merge_system_ram_resource(b);
	assert_tree(root, "virtio0 100000000-1ffffffff\n"
			  " System RAM (virtio_mem) 100000000-117ffffff\n");
	g_assert_true(v->child == a);
	g_assert_null(a->sibling);
	/* One more at the end merges with its previous. */
	add_block(root, name, 0x118000000, 0x8000000);
	merge_system_ram_resource(a->sibling);
	assert_tree(root, "virtio0 100000000-1ffffffff\n"
			  " System RAM (virtio_mem) 100000000-11fffffff\n");
	resource_free(root);
}

static void test_merge_needs_same_name_pointer(void)
{
	static const char name[] = "System RAM (virtio_mem)";
	char *copy = g_strdup(name);
	struct resource *root = new_root();
	struct resource *a = add_block(root, name, 0x100000000, 0x8000000);
	struct resource *b = add_block(root, copy, 0x108000000, 0x8000000);

	merge_system_ram_resource(a);
	merge_system_ram_resource(b);
	/* Equal text in a different buffer: another driver instance. */
	assert_tree(root, "System RAM (virtio_mem) 100000000-107ffffff\n"
			  "System RAM (virtio_mem) 108000000-10fffffff\n");
	resource_free(root);
	g_free(copy);
}

static void test_merge_refusals(void)
{
	static const char name[] = "System RAM";
	struct resource *root = new_root();
	struct resource *a = add_block(root, name, 0x100000000, 0x8000000);
	struct resource *gap = add_block(root, name, 0x108001000, 0x7fff000);

	merge_system_ram_resource(a);
	merge_system_ram_resource(gap);
	/* A one-page gap: not adjacent. */
	g_assert_cmpuint(a->end, ==, 0x107ffffff);

	/* Neighbour never marked mergeable: flags differ. */
	struct resource *c = add_block(root, name, 0x200000000, 0x8000000);
	struct resource *d = add_block(root, name, 0x208000000, 0x8000000);

	merge_system_ram_resource(d);
	g_assert_true(c->sibling == d);
	g_assert_false(c->flags & IORESOURCE_SYSRAM_MERGEABLE);

	/* Desc differs. */
	struct resource *e = add_block(root, name, 0x300000000, 0x8000000);
	struct resource *f = add_block(root, name, 0x308000000, 0x8000000);

	f->desc = IORES_DESC_CXL;
	merge_system_ram_resource(e);
	merge_system_ram_resource(f);
	g_assert_true(e->sibling == f);

	/* A child on either side. */
	struct resource *g = add_block(root, name, 0x400000000, 0x8000000);
	struct resource *h = add_block(root, name, 0x408000000, 0x8000000);

	add(g, "child", 0x400000000, 0x400000fff, RAM_BUSY, 0);
	merge_system_ram_resource(g);
	merge_system_ram_resource(h);
	g_assert_true(g->sibling == h);

	/* Not SYSTEM_RAM|BUSY: refused before anything, not even marked. */
	struct resource *p = add(root, "pmem", 0x500000000, 0x5ffffffff, IORESOURCE_MEM, 0);

	merge_system_ram_resource(p);
	g_assert_cmphex(p->flags, ==, IORESOURCE_MEM);
	struct resource *nb = add(root, "ram", 0x600000000, 0x6ffffffff, IORESOURCE_SYSTEM_RAM, 0);

	merge_system_ram_resource(nb);
	g_assert_cmphex(nb->flags, ==, IORESOURCE_SYSTEM_RAM);
	check_subtree(root);
	resource_free(root);
}

/* ----------------------------------------------------------------- adjust */

static void test_adjust_resource(void)
{
	struct resource *root = new_root();
	struct resource *win = add(root, "win", 0x0, 0xffff, IORESOURCE_MEM, 0);

	add(win, "prev", 0x1000, 0x1fff, MEM_BUSY, 0);
	struct resource *r = add(win, "r", 0x3000, 0x3fff, IORESOURCE_MEM, 0);

	add(r, "child", 0x3400, 0x34ff, MEM_BUSY, 0);
	add(win, "next", 0x5000, 0x5fff, MEM_BUSY, 0);

	/* Grow into the free space on both sides. */
	g_assert_cmpint(adjust_resource(r, 0x2000, 0x3000), ==, 0);
	g_assert_cmphex(r->start, ==, 0x2000);
	g_assert_cmphex(r->end, ==, 0x4fff);
	/* Touching the neighbours or leaving the parent: -EBUSY. */
	g_assert_cmpint(adjust_resource(r, 0x1fff, 0x1001), ==, -EBUSY);
	g_assert_cmpint(adjust_resource(r, 0x2000, 0x3001), ==, -EBUSY);
	g_assert_cmpint(adjust_resource(win, 0x0, 0x10001), ==, 0);
	struct resource *top = add(root, "top", 0x20000, 0x2ffff, MEM_BUSY, 0);

	g_assert_cmpint(adjust_resource(win, 0x0, 0x20001), ==, -EBUSY);
	(void)top;
	/* Must keep every child. */
	g_assert_cmpint(adjust_resource(r, 0x3500, 0x100), ==, -EBUSY);
	g_assert_cmpint(adjust_resource(r, 0x3400, 0x100), ==, 0);
	assert_tree(root, "win 0-10000\n prev 1000-1fff\n r 3400-34ff\n  child 3400-34ff\n"
			  " next 5000-5fff\ntop 20000-2ffff\n");
	resource_free(root);

	/* Unlinked: only its children constrain it. */
	struct resource *lone = resource_new("lone", 0x100, 0x1ff, IORESOURCE_MEM, 0);

	g_assert_cmpint(adjust_resource(lone, 0x0, 0x1000), ==, 0);
	g_assert_cmphex(lone->end, ==, 0xfff);
	resource_free(lone);
}

static void test_adjust_resource_bounds(void)
{
	struct resource *root = resource_new("win", 0x1000, 0x1fff, IORESOURCE_MEM, 0);
	struct resource *r = add(root, "r", 0x1000, 0x10ff, MEM_BUSY, 0);

	g_assert_cmpint(adjust_resource(r, 0xfff, 0x10), ==, -EBUSY);
	g_assert_cmpint(adjust_resource(r, 0x1f00, 0x101), ==, -EBUSY);
	g_assert_cmpint(adjust_resource(r, 0x1f00, 0x100), ==, 0);
	resource_free(root);
}

/* ----------------------------------------------------- reserve_with_split */

static void test_reserve_split(void)
{
	struct resource *root = new_root();
	struct resource *a = add(root, "A", 0x1000, 0x1fff, IORESOURCE_MEM, 0);

	add(a, "a1", 0x1000, 0x10ff, MEM_BUSY, 0);
	add(root, "B", 0x3000, 0x3fff, MEM_BUSY, 0);
	add(root, "C", 0x3800000, 0x38fffff, MEM_BUSY, 0);
	reserve_region_with_split(root, 0x0, 0x4fff, "RAM buffer");
	/* Gaps between top-level resources only; nothing nested. */
	assert_tree(root, "RAM buffer 0-fff\nA 1000-1fff\n a1 1000-10ff\nRAM buffer 2000-2fff\n"
			  "B 3000-3fff\nRAM buffer 4000-4fff\nC 3800000-38fffff\n");
	g_assert_cmphex(root->child->flags, ==, MEM_BUSY);
	g_assert_cmpint(root->child->desc, ==, IORES_DESC_NONE);
	resource_free(root);
}

static void test_reserve_split_edges(void)
{
	struct resource *root = new_root();

	add(root, "A", 0x1000, 0x1fff, MEM_BUSY, 0);
	add(root, "B", 0x3000, 0x3fff, MEM_BUSY, 0);
	/* Starting inside A and ending inside B. */
	reserve_region_with_split(root, 0x1800, 0x37ff, "buf");
	assert_tree(root, "A 1000-1fff\nbuf 2000-2fff\nB 3000-3fff\n");
	/* Fully covered by one resource: nothing added. */
	reserve_region_with_split(root, 0x1100, 0x11ff, "buf");
	/* Fully covered by a run of adjacent ones. */
	reserve_region_with_split(root, 0x1000, 0x3fff, "buf");
	assert_tree(root, "A 1000-1fff\nbuf 2000-2fff\nB 3000-3fff\n");
	/* Free range: one piece. */
	reserve_region_with_split(root, 0x5000, 0x5fff, "buf");
	assert_tree(root, "A 1000-1fff\nbuf 2000-2fff\nB 3000-3fff\nbuf 5000-5fff\n");
	resource_free(root);
}

static void test_reserve_split_clipped(void)
{
	struct resource *root = resource_new("win", 0x1000, 0x1fff, IORESOURCE_MEM, 0);

	/* Wholly outside: dropped; sticking out: clipped to the root. */
	reserve_region_with_split(root, 0x2000, 0x2fff, "buf");
	g_assert_null(root->child);
	reserve_region_with_split(root, 0x0, 0x17ff, "buf");
	assert_tree(root, "buf 1000-17ff\n");
	resource_free(root);

	struct resource *io = resource_new("PCI IO", 0, 0xffff, IORESOURCE_IO, 0);

	reserve_region_with_split(io, 0x0, 0x1f, "dma");
	g_assert_cmphex(io->child->flags, ==, IORESOURCE_IO | IORESOURCE_BUSY);
	resource_free(io);
}

/* ------------------------------------------------------------- slot hints */

/* Requests below the last one placed scan from the head: the same tree. */
static void test_hint_out_of_order(void)
{
	struct resource *root = new_root();
	struct resource *d = resource_new("D", 0x2000, 0x2fff, MEM_BUSY, 0);
	struct resource *e = resource_new("E", 0x0, 0xfff, MEM_BUSY, 0);
	struct resource *x = resource_new("X", 0x3800, 0x38ff, MEM_BUSY, 0);
	struct resource *y = resource_new("Y", 0x6000, 0x6fff, MEM_BUSY, 0);

	add(root, "A", 0x1000, 0x1fff, MEM_BUSY, 0);
	add(root, "B", 0x3000, 0x3fff, MEM_BUSY, 0);
	add(root, "C", 0x5000, 0x5fff, MEM_BUSY, 0);
	g_assert_cmpint(request_resource(root, d), ==, 0);
	g_assert_cmpint(request_resource(root, e), ==, 0);
	/* Conflicts behind the hint are still found; after one, so is a free slot. */
	g_assert_cmpstr(request_resource_conflict(root, x)->name, ==, "B");
	g_assert_cmpint(request_resource(root, y), ==, 0);
	assert_tree(root, "E 0-fff\nA 1000-1fff\nD 2000-2fff\nB 3000-3fff\nC 5000-5fff\n"
			  "Y 6000-6fff\n");
	resource_free(x);
	resource_free(root);
}

/* The hint never outlives its resource: each way a child leaves the list
 * (ASan reports a use of freed memory otherwise, check_subtree a hint that
 * is not a child). */
static void test_hint_child_leaves(void)
{
	struct resource *root = new_root();
	struct resource *r;
	static const char *const sysram = "System RAM";

	/* release_resource() of the resource placed last. */
	r = add(root, "A", 0x1000, 0x1fff, MEM_BUSY, 0);
	g_assert_cmpint(release_resource(r), ==, 0);
	resource_free(r);
	add(root, "B", 0x2000, 0x2fff, MEM_BUSY, 0);
	/* remove_resource(): its children take its place. */
	r = add(root, "C", 0x3000, 0x3fff, IORESOURCE_MEM, 0);
	add(r, "c1", 0x3000, 0x30ff, MEM_BUSY, 0);
	add(r, "c2", 0x3800, 0x38ff, MEM_BUSY, 0);
	g_assert_cmpint(remove_resource(r), ==, 0);
	resource_free(r);
	add(root, "D", 0x4000, 0x4fff, MEM_BUSY, 0);
	/* release_region() of the region requested last. */
	g_assert_nonnull(request_region(root, 0x5000, 0x1000, "E", 0));
	g_assert_cmpint(release_region(root, 0x5000, 0x1000), ==, 0);
	add(root, "F", 0x6000, 0x6fff, MEM_BUSY, 0);
	/* release_mem_region_adjustable() deleting the resource placed last. */
	add(root, "G", 0x7000, 0x7fff, MEM_BUSY, 0);
	g_assert_cmpint(release_mem_region_adjustable(root, 0x7000, 0x1000), ==, 0);
	add(root, "H", 0x8000, 0x8fff, MEM_BUSY, 0);
	/* merge_system_ram_resource() freeing the resource placed last... */
	add(root, sysram, 0x9000, 0x9fff, RAM_BUSY | IORESOURCE_SYSRAM_MERGEABLE, 0);
	r = add(root, sysram, 0xa000, 0xafff, RAM_BUSY, 0);
	merge_system_ram_resource(r);
	add(root, "I", 0xb000, 0xbfff, MEM_BUSY, 0);
	/* ... or the one after it. */
	r = add(root, sysram, 0xc000, 0xcfff, RAM_BUSY, IORES_DESC_NONE);
	r->flags |= IORESOURCE_SYSRAM_MERGEABLE;
	add(root, sysram, 0xd000, 0xdfff, RAM_BUSY | IORESOURCE_SYSRAM_MERGEABLE, 0);
	merge_system_ram_resource(r);
	add(root, "J", 0xe000, 0xefff, MEM_BUSY, 0);
	/* insert_resource() adopting the resource placed last, which is then
	 * released from its new parent. */
	r = add(root, "K", 0xf000, 0xf0ff, MEM_BUSY, 0);
	struct resource *wrap = resource_new("wrap", 0xf000, 0xffff, IORESOURCE_MEM, 0);
	g_assert_cmpint(insert_resource(root, wrap), ==, 0);
	g_assert_cmpint(release_resource(r), ==, 0);
	resource_free(r);
	add(root, "L", 0x10000, 0x10fff, MEM_BUSY, 0);
	add(wrap, "k2", 0xf800, 0xf8ff, MEM_BUSY, 0);
	assert_tree(root, "B 2000-2fff\nc1 3000-30ff\nc2 3800-38ff\nD 4000-4fff\n"
			  "F 6000-6fff\nH 8000-8fff\nSystem RAM 9000-afff\nI b000-bfff\n"
			  "System RAM c000-dfff\nJ e000-efff\nwrap f000-ffff\n k2 f800-f8ff\n"
			  "L 10000-10fff\n");
	resource_free(root);
}

/* ------------------------------------------------------------------ scale */

/* Steps of the slot scans for n resources placed in address order. */
static void test_scale_in_order(void)
{
	const unsigned n = 3200;
	struct resource *root = new_root();
	uint64_t steps = resource_scan_steps;

	for (unsigned i = 0; i < n; i++)
		add(root, "R", 0x100000 * (uint64_t)i, 0x100000 * (uint64_t)i + 0xfff, MEM_BUSY, 0);
	/* A RAM buffer after each, reaching past the next one: split around it,
	 * and starting inside the piece the one before left. */
	for (unsigned i = 0; i < n; i++)
		reserve_region_with_split(root, 0x100000 * (uint64_t)i + 0x1000,
					  0x100000 * (uint64_t)i + 0x101fff, "RAM buffer");
	steps = resource_scan_steps - steps;
	g_test_message("%u resources and RAM buffers in address order: %" PRIu64 " steps", n, steps);
	/* A few steps per request, each scan starting at the last one; scans
	 * from the head would take about n * n. */
	g_assert_cmpuint(steps, <=, 8 * n);
	resource_free(root);
}

/*
 * A boot-form fixture with n e820 entries: RAM below 640K, the legacy hole,
 * RAM from 1 MiB to 2 GiB (for the kernel image), then n - 3 entries of
 * `size` bytes every `stride` bytes from 4 GiB, RAM and Reserved in turn
 * (bench/e820.sh times the same fixtures).
 */
static char *e820_fixture(unsigned n, uint64_t size, uint64_t stride)
{
	GString *s = g_string_new("{ \"hotplugfs-fixture\": 1, \"description\": \"scale\",\n"
				  "  \"e820\": [\n"
				  "    { \"start\": \"0x0\", \"end\": \"0x9fbff\", \"type\": \"ram\" },\n"
				  "    { \"start\": \"0x9fc00\", \"end\": \"0xfffff\", \"type\": \"reserved\" },\n"
				  "    { \"start\": \"0x100000\", \"end\": \"0x7fffffff\", \"type\": \"ram\" }");

	for (unsigned i = 0; i + 3 < n; i++) {
		uint64_t start = 0x100000000 + i * stride;

		g_string_append_printf(s, ",\n    { \"start\": \"0x%" PRIx64 "\", \"end\": \"0x%"
				       PRIx64 "\", \"type\": \"%s\" }", start, start + size - 1,
				       i % 2 ? "reserved" : "ram");
	}
	g_string_append(s, "\n  ]\n}\n");
	return g_string_free(s, FALSE);
}

/* Slot scan steps of booting that fixture, and its /proc/iomem line count. */
static uint64_t boot_steps(unsigned n, uint64_t size, uint64_t stride, unsigned *lines)
{
	g_autofree char *json = e820_fixture(n, size, stride);
	uint64_t steps = resource_scan_steps;
	struct machine *m = boot_fixture_json(json);
	g_autofree char *iomem = NULL;

	steps = resource_scan_steps - steps;
	iomem = read_tree(m, "proc/iomem");
	*lines = 0;
	for (const char *p = iomem; (p = strchr(p, '\n')); p++)
		(*lines)++;
	machine_free(m);
	return steps;
}

/*
 * E820_MAX_ENTRIES (3,200) entries of 2 MiB every 4 MiB: each RAM buffer
 * (up to the next 64 MiB) overlaps at most 16 entries, so the boot is linear
 * in n.  Scanning from the head for every insert and every conflict took
 * about n * n / 2 steps.
 */
static void test_scale_e820_spread(void)
{
	const unsigned n = 3200;
	unsigned lines;
	uint64_t steps = boot_steps(n, 0x200000, 0x400000, &lines);

	g_test_message("%u spread e820 entries: %" PRIu64 " steps", n, steps);
	g_assert_cmpuint(lines, ==, 2 * n + 2);   /* a RAM buffer per RAM entry, 4 kernel parts */
	g_assert_cmpuint(steps, <=, 16 * n);
}

/*
 * 3,200 entries of 4 KiB every 8 KiB: every RAM buffer overlaps all the
 * entries after it, and the kernel's algorithm meets each of them as a
 * conflict: about n * n / 2 conflicts in all, each now one step.  Scanning
 * from the head for each was cubic (minutes).
 */
static void test_scale_e820_dense(void)
{
	const unsigned n = 3200;
	unsigned lines;
	uint64_t steps = boot_steps(n, 0x1000, 0x2000, &lines);

	g_test_message("%u dense e820 entries: %" PRIu64 " steps", n, steps);
	g_assert_cmpuint(lines, ==, 2 * n + 2);
	g_assert_cmpuint(steps, <=, (uint64_t)n * n);
}

/* ---------------------------------------------------------- resource_next */

static void test_resource_next(void)
{
	struct resource *root = new_root();
	struct resource *a = add(root, "A", 0x0, 0xffff, IORESOURCE_MEM, 0);
	struct resource *a1 = add(a, "a1", 0x0, 0xfff, IORESOURCE_MEM, 0);

	add(a1, "a11", 0x0, 0xff, MEM_BUSY, 0);
	add(a, "a2", 0x1000, 0x1fff, MEM_BUSY, 0);
	add(root, "B", 0x10000, 0x1ffff, MEM_BUSY, 0);
	struct resource *c = add(root, "C", 0x20000, 0x2ffff, IORESOURCE_MEM, 0);

	add(c, "c1", 0x20000, 0x20fff, MEM_BUSY, 0);

	static const char *const names[] = {"A", "a1", "a11", "a2", "B", "C", "c1"};
	static const int depths[] = {0, 1, 2, 1, 0, 0, 1};
	int depth = -1;
	unsigned i = 0;

	for (struct resource *r = resource_next(root, root, &depth); r;
	     r = resource_next(root, r, &depth), i++) {
		g_assert_cmpuint(i, <, G_N_ELEMENTS(names));
		g_assert_cmpstr(r->name, ==, names[i]);
		g_assert_cmpint(depth, ==, depths[i]);
	}
	g_assert_cmpuint(i, ==, G_N_ELEMENTS(names));

	/* A subtree with later siblings: the walk stays inside it. */
	depth = -1;
	i = 0;
	for (struct resource *r = resource_next(a, a, &depth); r; r = resource_next(a, r, &depth))
		i++;
	g_assert_cmpuint(i, ==, 3);

	/* No children: nothing. */
	struct resource *b = a->sibling;

	depth = -1;
	g_assert_null(resource_next(b, b, &depth));
	resource_free(root);
}

/* ----------------------------------------------------------------- walkers */

struct hits {
	GString *s;
	int stop_after;
	int calls;
};

static int record_hit(const struct resource *r, void *arg)
{
	struct hits *h = arg;

	g_string_append_printf(h->s, "%" PRIx64 "-%" PRIx64 ";", r->start, r->end);
	return ++h->calls == h->stop_after ? 42 : 0;
}

/* The QEMU-like guest tree that matters to the walkers. */
static struct resource *walker_tree(struct resource **dax, struct resource **crash)
{
	struct resource *root = new_root();
	struct resource *ram = add(root, "System RAM", 0x100000, 0x7ffdffff, RAM_BUSY, 0);

	add(ram, "Kernel code", 0x2a000000, 0x2b1fffff, RAM_BUSY, 0);
	*crash = add(ram, "Crash kernel", 0x6f000000, 0x7effffff, RAM_BUSY, IORES_DESC_CRASH_KERNEL);
	add(root, "Reserved", 0x7ffe0000, 0x7fffffff, IORESOURCE_MEM, IORES_DESC_RESERVED);
	add(root, "System RAM", 0x100000000, 0x27fffffff, RAM_BUSY, 0);
	struct resource *sr = add(root, "Soft Reserved", 0x280000000, 0x2ffffffff, IORESOURCE_MEM,
				  IORES_DESC_SOFT_RESERVED);

	*dax = add(sr, "dax0.0", 0x280000000, 0x2ffffffff, IORESOURCE_SYSTEM_RAM,
		   IORES_DESC_SOFT_RESERVED);
	add(*dax, "System RAM (kmem)", 0x280000000, 0x2ffffffff,
	    RAM_BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED, IORES_DESC_SOFT_RESERVED);
	return root;
}

static char *walk_ram(const struct resource *root, uint64_t start, uint64_t end, int *ret)
{
	struct hits h = {g_string_new(NULL), 0, 0};

	*ret = walk_system_ram_res(root, start, end, record_hit, &h);
	return g_string_free(h.s, FALSE);
}

static void test_walk_system_ram(void)
{
	struct resource *dax, *crash;
	struct resource *root = walker_tree(&dax, &crash);
	int ret;
	char *got = walk_ram(root, 0, UINT64_MAX, &ret);

	/* Kernel code and Crash kernel hide behind their matching parent; the
	 * kmem RAM under two non-matching levels is found. */
	g_assert_cmpstr(got, ==, "100000-7ffdffff;100000000-27fffffff;280000000-2ffffffff;");
	g_assert_cmpint(ret, ==, 0);
	g_free(got);

	/* Clipped to the window, even when it starts inside a hidden child. */
	got = walk_ram(root, 0x2a000100, 0x100000fff, &ret);
	g_assert_cmpstr(got, ==, "2a000100-7ffdffff;100000000-100000fff;");
	g_free(got);

	/* Nothing: -EINVAL, as the kernel. */
	got = walk_ram(root, 0x7ffe0000, 0x7fffffff, &ret);
	g_assert_cmpstr(got, ==, "");
	g_assert_cmpint(ret, ==, -EINVAL);
	g_free(got);
	resource_free(root);
}

static void test_find_next_nested(void)
{
	struct resource *dax, *crash;
	struct resource *root = walker_tree(&dax, &crash);
	struct resource hit;

	g_assert_cmpint(find_next_iomem_res(root, 0x280000000, 0x2ffffffff, RAM_BUSY,
					    IORES_DESC_NONE, &hit),
			==, 0);
	/* "System RAM (kmem)" under dax0.0 under Soft Reserved. */
	g_assert_true(hit.parent == dax);
	g_assert_cmphex(hit.start, ==, 0x280000000);
	g_assert_cmphex(hit.end, ==, 0x2ffffffff);
	g_assert_cmphex(hit.flags, ==, RAM_BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED);
	g_assert_cmpint(hit.desc, ==, IORES_DESC_SOFT_RESERVED);
	/* Like the kernel's copy: no name, no tree links. */
	g_assert_null(hit.name);
	g_assert_null(hit.child);
	g_assert_null(hit.sibling);

	/* Non-busy System RAM (dax0.0 itself) is found without BUSY. */
	g_assert_cmpint(find_next_iomem_res(root, 0x280000000, 0x2ffffffff, IORESOURCE_SYSTEM_RAM,
					    IORES_DESC_SOFT_RESERVED, &hit),
			==, 0);
	g_assert_true(hit.parent == dax->parent);

	/* Nothing matching: -ENODEV; an empty or one-byte range: -EINVAL. */
	g_assert_cmpint(find_next_iomem_res(root, 0x7ffe0000, 0x7fffffff, RAM_BUSY,
					    IORES_DESC_NONE, &hit),
			==, -ENODEV);
	g_assert_cmpint(find_next_iomem_res(root, 0x200000, 0x200000, RAM_BUSY, IORES_DESC_NONE,
					    &hit),
			==, -EINVAL);
	g_assert_cmpint(find_next_iomem_res(root, 0x200001, 0x200000, RAM_BUSY, IORES_DESC_NONE,
					    &hit),
			==, -EINVAL);
	resource_free(root);
}

static void test_walk_desc_crash_kernel(void)
{
	struct resource *dax, *crash;
	struct resource *root = walker_tree(&dax, &crash);
	struct hits h = {g_string_new(NULL), 0, 0};
	int ret = walk_iomem_res_desc(root, IORES_DESC_CRASH_KERNEL, RAM_BUSY, 0, UINT64_MAX,
				      record_hit, &h);

	/* The matching child of a desc-mismatching System RAM. */
	g_assert_cmpint(ret, ==, 0);
	g_assert_cmpstr(h.s->str, ==, "6f000000-7effffff;");
	g_string_free(h.s, TRUE);

	/* Soft Reserved by desc: only the top one (its kids are hidden). */
	h = (struct hits){g_string_new(NULL), 0, 0};
	ret = walk_iomem_res_desc(root, IORES_DESC_SOFT_RESERVED, IORESOURCE_MEM, 0, UINT64_MAX,
				  record_hit, &h);
	g_assert_cmpstr(h.s->str, ==, "280000000-2ffffffff;");
	g_string_free(h.s, TRUE);
	resource_free(root);
}

static void test_walk_stops_on_callback(void)
{
	struct resource *dax, *crash;
	struct resource *root = walker_tree(&dax, &crash);
	struct hits h = {g_string_new(NULL), 2, 0};
	int ret = walk_system_ram_res(root, 0, UINT64_MAX, record_hit, &h);

	g_assert_cmpint(ret, ==, 42);
	g_assert_cmpstr(h.s->str, ==, "100000-7ffdffff;100000000-27fffffff;");
	g_string_free(h.s, TRUE);
	resource_free(root);
}

static void test_walk_top_of_space(void)
{
	struct resource *root = new_root();

	add(root, "System RAM", 0xfffffffffffff000, UINT64_MAX, RAM_BUSY, 0);
	struct hits h = {g_string_new(NULL), 0, 0};

	/* A hit ending at ~0 ends the walk instead of wrapping around. */
	g_assert_cmpint(walk_system_ram_res(root, 0, UINT64_MAX, record_hit, &h), ==, 0);
	g_assert_cmpstr(h.s->str, ==, "fffffffffffff000-ffffffffffffffff;");
	g_string_free(h.s, TRUE);
	resource_free(root);
}

/* --------------------------------------------------------- region_intersects */

static void test_region_intersects_top_level(void)
{
	struct resource *root = new_root();

	add(root, "System RAM", 0x100000, 0x7fffffff, RAM_BUSY, 0);
	add(root, "Reserved", 0x80000000, 0x8fffffff, IORESOURCE_MEM, IORES_DESC_RESERVED);

	g_assert_cmpint(region_intersects(root, 0x200000, 0x1000, RAM_BUSY, 0), ==,
			REGION_INTERSECTS);
	/* RAM plus an undefined hole is still INTERSECTS. */
	g_assert_cmpint(region_intersects(root, 0x0, 0x200000, RAM_BUSY, 0), ==,
			REGION_INTERSECTS);
	g_assert_cmpint(region_intersects(root, 0x7ffff000, 0x2000, RAM_BUSY, 0), ==,
			REGION_MIXED);
	g_assert_cmpint(region_intersects(root, 0x80000000, 0x1000, RAM_BUSY, 0), ==,
			REGION_DISJOINT);
	g_assert_cmpint(region_intersects(root, 0x900000000, 0x1000, RAM_BUSY, 0), ==,
			REGION_DISJOINT);
	/* By desc. */
	g_assert_cmpint(region_intersects(root, 0x80000000, 0x1000, IORESOURCE_MEM,
					  IORES_DESC_RESERVED),
			==, REGION_INTERSECTS);
	g_assert_cmpint(region_intersects(root, 0x7ffff000, 0x2000, IORESOURCE_MEM,
					  IORES_DESC_RESERVED),
			==, REGION_MIXED);
	/* Edges: the last byte of RAM alone, the first of Reserved alone. */
	g_assert_cmpint(region_intersects(root, 0x7fffffff, 1, RAM_BUSY, 0), ==,
			REGION_INTERSECTS);
	g_assert_cmpint(region_intersects(root, 0x80000000, 1, RAM_BUSY, 0), ==,
			REGION_DISJOINT);
	/* One byte into Reserved is enough to be MIXED. */
	g_assert_cmpint(region_intersects(root, 0x7ffff000, 0x1001, RAM_BUSY, 0), ==,
			REGION_MIXED);
	resource_free(root);
}

static void test_region_intersects_descendants(void)
{
	struct resource *root = new_root();
	struct resource *win = add(root, "CXL Window 0", 0x490000000, 0x50fffffff, IORESOURCE_MEM,
				   IORES_DESC_CXL);
	struct resource *reg = add(win, "region0", 0x490000000, 0x4cfffffff, IORESOURCE_MEM, 0);
	struct resource *dax = add(reg, "dax0.0", 0x490000000, 0x4cfffffff,
				   IORESOURCE_SYSTEM_RAM, 0);

	add(dax, "System RAM (kmem)", 0x490000000, 0x4cfffffff,
	    RAM_BUSY | IORESOURCE_SYSRAM_DRIVER_MANAGED, 0);

	/* Inside the kmem RAM: INTERSECTS (before 6.12/6.1.y: DISJOINT). */
	g_assert_cmpint(region_intersects(root, 0x490000000, 0x1000, RAM_BUSY, 0), ==,
			REGION_INTERSECTS);
	g_assert_cmpint(region_intersects(root, 0x490000000, 0x40000000, RAM_BUSY, 0), ==,
			REGION_INTERSECTS);
	/* Past its end the window's own part shows: MIXED. */
	g_assert_cmpint(region_intersects(root, 0x490000000, 0x40001000, RAM_BUSY, 0), ==,
			REGION_MIXED);
	/* Only the uncovered part: no RAM at all. */
	g_assert_cmpint(region_intersects(root, 0x4d0000000, 0x1000, RAM_BUSY, 0), ==,
			REGION_DISJOINT);
	/* The query starts below the window: the hole is not a resource. */
	g_assert_cmpint(region_intersects(root, 0x480000000, 0x10001000, RAM_BUSY, 0), ==,
			REGION_INTERSECTS);
	/* A non-busy SYSTEM_RAM search matches dax0.0 as well. */
	g_assert_cmpint(region_intersects(root, 0x490000000, 0x1000, IORESOURCE_SYSTEM_RAM, 0), ==,
			REGION_INTERSECTS);
	resource_free(root);
}

static void test_region_intersects_tiling(void)
{
	struct resource *root = new_root();
	struct resource *v = add(root, "virtio0", 0x100000000, 0x1ffffffff,
				 IORESOURCE_MEM | IORESOURCE_EXCLUSIVE, 0);

	add(v, "System RAM (virtio_mem)", 0x100000000, 0x107ffffff, RAM_BUSY, 0);
	add(v, "System RAM (virtio_mem)", 0x108000000, 0x10fffffff, RAM_BUSY, 0);
	add(v, "System RAM (virtio_mem)", 0x120000000, 0x127ffffff, RAM_BUSY, 0);

	/* Two adjacent children tile the query: covered. */
	g_assert_cmpint(region_intersects(root, 0x104000000, 0x8000000, RAM_BUSY, 0), ==,
			REGION_INTERSECTS);
	/* A gap between matching children leaves virtio0 visible. */
	g_assert_cmpint(region_intersects(root, 0x108000000, 0x1c000000, RAM_BUSY, 0), ==,
			REGION_MIXED);
	/* A matching child that starts above the query's start in p. */
	g_assert_cmpint(region_intersects(root, 0x11f000000, 0x2000000, RAM_BUSY, 0), ==,
			REGION_MIXED);
	/* Only the gap. */
	g_assert_cmpint(region_intersects(root, 0x110000000, 0x1000, RAM_BUSY, 0), ==,
			REGION_DISJOINT);
	resource_free(root);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	g_test_add_func("/resource/request/sorted", test_request_sorted);
	g_test_add_func("/resource/request/direct-children-only", test_request_direct_children_only);
	g_test_add_func("/resource/request/conflicts", test_request_conflicts);
	g_test_add_func("/resource/request/bounds", test_request_bounds);

	g_test_add_func("/resource/insert/plain", test_insert_plain);
	g_test_add_func("/resource/insert/descends-through-busy", test_insert_descends_through_busy);
	g_test_add_func("/resource/insert/adopts-in-order", test_insert_adopts_in_order);
	g_test_add_func("/resource/insert/adopts-first-child", test_insert_adopts_first_child);
	g_test_add_func("/resource/insert/descends-then-adopts", test_insert_descends_then_adopts);
	g_test_add_func("/resource/insert/identical", test_insert_identical);
	g_test_add_func("/resource/insert/identical-nested", test_insert_identical_nested);
	g_test_add_func("/resource/insert/partial-overlap", test_insert_partial_overlap);
	g_test_add_func("/resource/insert/partial-overlap-nested",
			test_insert_partial_overlap_nested);
	g_test_add_func("/resource/insert/bounds-and-twice", test_insert_bounds_and_twice);

	g_test_add_func("/resource/expand-to-fit/grows", test_expand_to_fit_grows);
	g_test_add_func("/resource/expand-to-fit/nested", test_expand_to_fit_nested);
	g_test_add_func("/resource/expand-to-fit/noop-with-parent", test_expand_to_fit_noop);
	g_test_add_func("/resource/expand-to-fit/out-of-bounds", test_expand_to_fit_out_of_bounds);

	g_test_add_func("/resource/release/subtree", test_release_resource);
	g_test_add_func("/resource/release/first-and-last", test_release_first_and_last);
	g_test_add_func("/resource/release/stale-parent", test_release_stale_parent);
	g_test_add_func("/resource/remove/children-move-up", test_remove_resource);
	g_test_add_func("/resource/remove/edges", test_remove_resource_edges);
	g_test_add_func("/resource/remove/inverse-of-insert", test_insert_remove_roundtrip);

	g_test_add_func("/resource/request-region/descends", test_request_region_descends);
	g_test_add_func("/resource/request-region/inherits-sysram",
			test_request_region_inherits_sysram);
	g_test_add_func("/resource/request-region/desc-of-final-parent",
			test_request_region_desc_of_final_parent);
	g_test_add_func("/resource/request-region/top-level", test_request_region_top_level);
	g_test_add_func("/resource/request-region/busy-conflict", test_request_region_busy_conflict);
	g_test_add_func("/resource/request-region/straddles", test_request_region_straddles);
	g_test_add_func("/resource/request-region/busy-deep", test_request_region_busy_deep);
	g_test_add_func("/resource/request-region/muxed", test_request_region_muxed);

	g_test_add_func("/resource/release-region/exact", test_release_region_exact);
	g_test_add_func("/resource/release-region/nonexistent", test_release_region_nonexistent);
	g_test_add_func("/resource/release-region/with-children", test_release_region_with_children);

	g_test_add_func("/resource/adjustable/exact", test_adjustable_exact);
	g_test_add_func("/resource/adjustable/shrink", test_adjustable_shrink);
	g_test_add_func("/resource/adjustable/split", test_adjustable_split);
	g_test_add_func("/resource/adjustable/child-in-the-way", test_adjustable_child_in_the_way);
	g_test_add_func("/resource/adjustable/descends", test_adjustable_descends);
	g_test_add_func("/resource/adjustable/not-found", test_adjustable_not_found);

	g_test_add_func("/resource/merge/next-and-previous", test_merge_next_and_previous);
	g_test_add_func("/resource/merge/same-name-pointer", test_merge_needs_same_name_pointer);
	g_test_add_func("/resource/merge/refusals", test_merge_refusals);

	g_test_add_func("/resource/adjust/neighbours-and-children", test_adjust_resource);
	g_test_add_func("/resource/adjust/bounds", test_adjust_resource_bounds);

	g_test_add_func("/resource/reserve-split/gaps", test_reserve_split);
	g_test_add_func("/resource/reserve-split/edges", test_reserve_split_edges);
	g_test_add_func("/resource/reserve-split/clipped", test_reserve_split_clipped);

	g_test_add_func("/resource/hint/out-of-order", test_hint_out_of_order);
	g_test_add_func("/resource/hint/child-leaves", test_hint_child_leaves);
	g_test_add_func("/resource/scale/in-order", test_scale_in_order);
	g_test_add_func("/resource/scale/e820-spread", test_scale_e820_spread);
	g_test_add_func("/resource/scale/e820-dense", test_scale_e820_dense);

	g_test_add_func("/resource/next/pre-order", test_resource_next);

	g_test_add_func("/resource/walk/system-ram", test_walk_system_ram);
	g_test_add_func("/resource/walk/find-next-nested", test_find_next_nested);
	g_test_add_func("/resource/walk/desc-crash-kernel", test_walk_desc_crash_kernel);
	g_test_add_func("/resource/walk/stops-on-callback", test_walk_stops_on_callback);
	g_test_add_func("/resource/walk/top-of-space", test_walk_top_of_space);

	g_test_add_func("/resource/region-intersects/top-level", test_region_intersects_top_level);
	g_test_add_func("/resource/region-intersects/descendants",
			test_region_intersects_descendants);
	g_test_add_func("/resource/region-intersects/tiling", test_region_intersects_tiling);

	return g_test_run();
}

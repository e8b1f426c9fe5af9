/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fault.h"

void faults_init(struct faults *f)
{
	f->blocks = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	f->poisoned = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	f->poison_count = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
}

void faults_clear(struct faults *f)
{
	g_hash_table_destroy(f->blocks);
	g_hash_table_destroy(f->poisoned);
	g_hash_table_destroy(f->poison_count);
}

struct block_fault faults_get(const struct faults *f, uint64_t block)
{
	const struct block_fault *bf = g_hash_table_lookup(f->blocks, &block);

	return bf ? *bf : (struct block_fault){ 0 };
}

struct block_fault *faults_edit(struct faults *f, uint64_t block)
{
	struct block_fault *bf = g_hash_table_lookup(f->blocks, &block);

	if (!bf) {
		bf = g_new0(struct block_fault, 1);
		g_hash_table_insert(f->blocks, g_memdup2(&block, sizeof(block)), bf);
	}
	return bf;
}

unsigned faults_poison_count(const struct faults *f, uint64_t block)
{
	const unsigned *n = g_hash_table_lookup(f->poison_count, &block);

	return n ? *n : 0;
}

bool faults_page_poisoned(const struct faults *f, uint64_t pfn)
{
	return g_hash_table_contains(f->poisoned, &pfn);
}

/* num_poisoned_pages_inc() -> memblk_nr_poison_inc(): counted per block. */
void faults_poison_page(struct faults *f, uint64_t pfn, uint64_t block)
{
	unsigned *n;

	if (faults_page_poisoned(f, pfn))
		return;
	g_hash_table_insert(f->poisoned, g_memdup2(&pfn, sizeof(pfn)),
			    g_memdup2(&block, sizeof(block)));
	n = g_hash_table_lookup(f->poison_count, &block);
	if (!n) {
		n = g_new0(unsigned, 1);
		g_hash_table_insert(f->poison_count, g_memdup2(&block, sizeof(block)), n);
	}
	(*n)++;
}

/* notifier_err_inject_callback(): the configured errno for this action. */
static int inject_call(struct notifier_block *nb, enum mem_action action,
		       const struct memory_notify *arg)
{
	const struct error_inject *inj = nb->data;

	(void)arg;
	return notifier_from_errno(inj->error[action]);
}

void error_inject_init(struct error_inject *inj, struct notifier_chain *chain, int priority)
{
	*inj = (struct error_inject){
		.nb = { .name = "memory-notifier-error-inject", .priority = priority,
			.call = inject_call, .data = inj },
	};
	notifier_chain_register(chain, &inj->nb);
}

void error_inject_set(struct error_inject *inj, enum mem_action a, long long value)
{
	int v = (int)value;   /* clamp_t(int, ...) casts first */

	inj->error[a] = v < -MAX_ERRNO ? -MAX_ERRNO : v > 0 ? 0 : v;
}

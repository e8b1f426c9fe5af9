/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What can go wrong while onlining and offlining: the notifier error
 * injector (lib/memory-notifier-error-inject.c), per-block faults that real
 * machines produce (unmovable pages, a signal, a slow migration), and
 * hardware-poisoned pages (memory_failure(), soft_offline_page()).
 */
#ifndef HOTPLUGFS_FAULT_H
#define HOTPLUGFS_FAULT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "notifier.h"

#define MAX_ERRNO 4095

/* memory-notifier-error-inject: one errno per action, a callback at priority. */
struct error_inject {
	struct notifier_block nb;
	int error[NR_MEM_ACTIONS];        /* 0 or -errno, clamped to [-MAX_ERRNO, 0] */
};

struct block_fault {
	bool unmovable;             /* page isolation fails: offline EBUSY, no notifier call, 6.1 and 6.12 */
	bool unmovable_late;        /* an unmovable page met while migrating: EBUSY after GOING_OFFLINE */
	bool signal;                /* a signal is pending while migrating: EINTR */
	unsigned slow_offline_ms;   /* migration takes this long: going-offline is visible */
};

struct faults {
	GHashTable *blocks;         /* block id -> struct block_fault */
	GHashTable *poisoned;       /* pfn -> block id: PageHWPoison pages */
	GHashTable *poison_count;   /* block id -> number of poisoned pages (memblk_nr_poison) */
};

void faults_init(struct faults *f);
void faults_clear(struct faults *f);
/* The block's faults (all false when none were set). */
struct block_fault faults_get(const struct faults *f, uint64_t block);
/* The block's fault record, created when missing. */
struct block_fault *faults_edit(struct faults *f, uint64_t block);
unsigned faults_poison_count(const struct faults *f, uint64_t block);
bool faults_page_poisoned(const struct faults *f, uint64_t pfn);
void faults_poison_page(struct faults *f, uint64_t pfn, uint64_t block);

/* Registers the injector on the chain at priority (module param, default 0). */
void error_inject_init(struct error_inject *inj, struct notifier_chain *chain, int priority);
/* debugfs_errno_set(): clamp_t(int, val, -MAX_ERRNO, 0). */
void error_inject_set(struct error_inject *inj, enum mem_action a, long long value);

#endif

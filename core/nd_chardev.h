/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's character devices as devtmpfs would name them (/dev/ndctlN,
 * /dev/daxX.Y), for whoever keeps device nodes for them (fs/devnodes.c),
 * without seeing the machine itself.
 */
#ifndef HOTPLUGFS_ND_CHARDEV_H
#define HOTPLUGFS_ND_CHARDEV_H

#include <stdbool.h>

struct machine;
struct chardev_follower;

/* One device: appeared (add) or went. */
typedef void (*chardev_fn)(void *ctx, const char *name, int major, int minor, bool add);

/* Whether the machine has a dax bus (and so nodes to keep). */
bool chardevs_exist(const struct machine *m);
/* Calls fn(add) for every current device. */
void chardevs_list(const struct machine *m, chardev_fn fn, void *ctx);
/* Calls fn for every later dax device that appears or goes, from the thread
 * that changes the machine; stop with chardevs_unfollow. */
struct chardev_follower *chardevs_follow(struct machine *m, chardev_fn fn, void *ctx);
void chardevs_unfollow(struct chardev_follower *f);

#endif

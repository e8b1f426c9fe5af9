/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The uevents of the nd and dax devices the tree serves (core/nd_tree.h), as
 * the driver core sends them (drivers/base/core.c device_add/device_del,
 * drivers/base/dd.c driver_bound/__device_release_driver, 6.1 and 6.12):
 * add, bind, unbind and remove of every device on /sys/bus/nd and
 * /sys/bus/dax, with DEVPATH the device's directory, SUBSYSTEM its bus and
 * the variables its uevent file shows (dev_uevent(): MAJOR, MINOR, DEVNAME,
 * DEVTYPE, DRIVER, then the bus's MODALIAS).
 *
 * The served devices are derived from the machine's (core/device.h), so what
 * changes is found by comparing what the tree served before a device event
 * (EVENT_DEVICE) with what it serves after: each difference is logged as an
 * EVENT_DEVICE_UEVENT right after that event, in the order the kernel sends
 * them (device_uevent.c says which).  Only what the tree serves is sent:
 * every DEVPATH resolves under the mount's /sys when the uevent is logged
 * (a remove's and an unbind's: just before).
 */
#ifndef HOTPLUGFS_DEVICE_UEVENT_H
#define HOTPLUGFS_DEVICE_UEVENT_H

#include "machine.h"

struct device_uevents;

/* Takes the served devices as they are now and follows m's log from here:
 * later device events log their uevents. */
struct device_uevents *device_uevents_follow(struct machine *m);
/* Stops following and frees (NULL is fine). */
void device_uevents_unfollow(struct device_uevents *f);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Results of a store besides 0 and -errno; userspace never sees them.
 * STORE_PENDING: the store is still running in the kernel (a slow offline in
 * its migration loop); the front end waits for the backend's completion fd.
 * STORE_RETRY: lock_device_hotplug_sysfs() is held by that running store;
 * the store runs again once it is done, as restart_syscall() would.
 */
#ifndef HOTPLUGFS_STORE_H
#define HOTPLUGFS_STORE_H

enum { STORE_PENDING = 0x100, STORE_RETRY = 0x101 };   /* apart from device_online's 1 */

#endif

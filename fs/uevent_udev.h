/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The machine's uevents (its memory blocks', its nd and dax devices':
 * core/device_uevent.h), delivered as udevd delivers them to
 * applications: in libudev's format on the "udev" netlink group (group 2 of
 * NETLINK_KOBJECT_UEVENT), where udev_monitor_new_from_netlink(udev, "udev")
 * and `udevadm monitor --udev` listen (docs/udev.md).
 *
 * Sent from a root socket of the calling thread's network namespace:
 * `hotplugfs run` gives CMD a private one, so only CMD's listeners hear the
 * machine, never the host's udevd or agents.  Every uevent is sent as the
 * FUSE loop logs it (event_log_subscribe), so the thread that owns the
 * backend must be the caller of uevent_udev_start (before its loop runs).
 *
 * What a listener receives is what systemd-udevd 252 broadcasts for the
 * kernel's uevent that no rule touched: the header of
 * monitor_netlink_header (src/libsystemd/sd-device/device-monitor.c) and
 * the properties UDEV_DATABASE_VERSION=1, ACTION, DEVPATH, SUBSYSTEM, the
 * SYNTH_ variables of a synthetic uevent or the device's own variables,
 * SEQNUM (then MAJOR and MINOR, if any) and USEC_INITIALIZED.
 */
#ifndef HOTPLUGFS_UEVENT_UDEV_H
#define HOTPLUGFS_UEVENT_UDEV_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct backend;
struct event;
struct uevent_udev;

/* Opens the socket and subscribes to b's log.  NULL with a message on
 * stderr (socket(2) refused). */
struct uevent_udev *uevent_udev_start(struct backend *b);
/* Unsubscribes, closes and frees (NULL is fine). */
void uevent_udev_stop(struct uevent_udev *u);
/* Messages sent, and sends that failed (with the last errno). */
void uevent_udev_counts(const struct uevent_udev *u, uint64_t *sent, uint64_t *failed,
			int *last_errno);

/* The udev-group message for e, USEC_INITIALIZED=usec_initialized, appended
 * to out; false (out unchanged) when e is no uevent. */
bool uevent_udev_message(const struct event *e, uint64_t usec_initialized, GByteArray *out);
/* MurmurHash2 (32 bits, seed 0) of s: the subsystem and devtype hashes of
 * the header, which listeners' socket filters compare. */
uint32_t uevent_udev_hash(const char *s);

#endif

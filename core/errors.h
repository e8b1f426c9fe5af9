/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How a request to the machine fails (ops.h): a bad request leaves the
 * machine unchanged; a kernel path that fails has applied the kernel's own
 * rollback and carries its errno.  Messages read "VERB: reason".
 */
#ifndef HOTPLUGFS_ERRORS_H
#define HOTPLUGFS_ERRORS_H

#include <glib.h>
#include <stdbool.h>

#define OPS_ERROR (ops_error_quark())
GQuark ops_error_quark(void);
enum {
	OPS_ERROR_REQUEST = 1,    /* bad request: the machine is unchanged */
	OPS_ERROR_KERNEL,         /* the kernel path failed; its rollback was applied */
};

/* Set *err (OPS_ERROR_REQUEST) and return false. */
G_GNUC_PRINTF(2, 3) bool bad_request(GError **err, const char *fmt, ...);
/* Set *err (OPS_ERROR_KERNEL, "msg: strerror") and return -errnum. */
G_GNUC_PRINTF(3, 4) int kernel_failed(GError **err, int errnum, const char *fmt, ...);
const char *errno_name(int errnum);   /* "EBUSY"; "E?" if unknown */
int errno_parse(const char *name);    /* 0 if unknown */

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "errors.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#ifndef EHWPOISON
#define EHWPOISON 133
#endif

G_DEFINE_QUARK(hotplugfs-ops-error-quark, ops_error)

bool bad_request(GError **err, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error_literal(err, OPS_ERROR, OPS_ERROR_REQUEST, msg);
	return false;
}

int kernel_failed(GError **err, int errnum, const char *fmt, ...)
{
	va_list ap;
	g_autofree char *msg = NULL;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, OPS_ERROR, OPS_ERROR_KERNEL, "%s: %s (%s)", msg, g_strerror(errnum),
		    errno_name(errnum));
	return -errnum;
}

/* The errno values the kernel paths modelled here return. */
static const struct { int e; const char *name; } errnos[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" }, { EIO, "EIO" },
	{ ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { ENOMEM, "ENOMEM" }, { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
	{ EAGAIN, "EAGAIN" }, { ERANGE, "ERANGE" }, { EHWPOISON, "EHWPOISON" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" }, { EACCES, "EACCES" },
	{ EROFS, "EROFS" },
};

const char *errno_name(int errnum)
{
	for (size_t i = 0; i < G_N_ELEMENTS(errnos); i++)
		if (errnos[i].e == errnum)
			return errnos[i].name;
	return "E?";
}

int errno_parse(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(errnos); i++)
		if (!strcmp(errnos[i].name, name))
			return errnos[i].e;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Credentials of the process that opened a file, as the kernel would see them. */
#ifndef HOTPLUGFS_OPENER_H
#define HOTPLUGFS_OPENER_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Whether pid has CAP_SYS_ADMIN in its effective set and lives in the initial
 * user namespace: the test kernel/resource.c makes with
 * file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) before printing real
 * addresses in /proc/iomem.  Any failure (the process is gone, pid 0 from
 * another pid namespace) answers false: zeroed addresses are the safe side.
 */
bool opener_has_cap_sys_admin(pid_t pid);

#endif

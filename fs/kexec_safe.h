/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec against a simulated machine without ever touching the host kernel
 * (`hotplugfs run --kexec-safe`, docs/kexec.md): the kexec files bound over
 * the real paths, and kexec_load, kexec_file_load and reboot intercepted
 * with a seccomp user-notification filter and answered by this process.
 */
#ifndef HOTPLUGFS_KEXEC_SAFE_H
#define HOTPLUGFS_KEXEC_SAFE_H

#include <pthread.h>
#include <stdbool.h>

#include "namespace.h"

struct backend;

/*
 * Puts the machine's /proc/{cmdline,kallsyms,kcore}, /sys/kernel/{kexec_*,
 * vmcoreinfo} and cpuN/crash_notes{,_size} (for the CPUs both the host and
 * the machine have) over the real paths.  Files the host lacks are grafted
 * in (a read-only tmpfs over the directory, see docs/kexec.md) only when
 * graft is set.  0 or -errno.
 */
struct kexec_plan;
int kexec_serve(struct ns_mounts *mounts, const char *mnt, unsigned cpus, bool graft,
		struct kexec_plan *plan);

/*
 * /proc cannot be grafted in this process: the FUSE thread reads
 * /proc/<pid>/status of every opener.  So kexec_serve() only plans it, and
 * the child carries the plan out in a mount namespace of its own, with raw
 * syscalls only (it runs between fork and exec).
 */
struct kexec_plan {
	GArray *ops;              /* struct kexec_op */
	char *stash;              /* the real /proc, bound here by the parent */
};
void kexec_plan_init(struct kexec_plan *p);
/* In the child: 0 or -errno. */
int kexec_plan_run(const struct kexec_plan *p);
void kexec_plan_clear(struct kexec_plan *p);

/*
 * The seccomp filter for kexec_load, kexec_file_load and reboot, built by
 * libseccomp in the parent: notify (SECCOMP_RET_USER_NOTIF, --kexec-safe,
 * answered by kexec_safe_start()) or deny (EPERM).
 */
struct sock_filter;
struct kexec_filter {
	struct sock_filter *code;
	unsigned short len;
	bool notify;
};
/* 0 or -errno. */
int kexec_filter_build(struct kexec_filter *f, bool notify);
void kexec_filter_clear(struct kexec_filter *f);
/* In the forked child, before exec (async-signal-safe): no_new_privs, the
 * filter, and for notify the listener fd sent over sock.  0 or -errno. */
int kexec_filter_install(const struct kexec_filter *f, int sock);

struct kexec_safe {
	struct backend *b;
	int listener;             /* seccomp notification fd, -1: none */
	int stop[2];              /* pipe: a byte ends the thread */
	pthread_t tid;
	bool running;
};

/* Receives the listener from sock and starts answering.  0 or -errno. */
int kexec_safe_start(struct kexec_safe *ks, struct backend *b, int sock);
/* Stops answering (later calls from stragglers fail with ENOSYS). */
void kexec_safe_stop(struct kexec_safe *ks);

/* Whether `kexec ARGS` only parses (--print-ckr-size, -h, -v): allowed
 * without --kexec-safe. */
bool kexec_args_parse_only(char **cmd);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hotplugfs run --kexec-safe` (see kexec_safe.h and docs/kexec.md).
 *
 * Interception: libseccomp builds a filter that returns
 * SECCOMP_RET_USER_NOTIF for kexec_load, kexec_file_load and reboot (native
 * and, on x86_64, i386; other ABIs get ENOSYS).  The child sets
 * no_new_privs, installs it with a listener, sends the listener to us over a
 * socketpair (SCM_RIGHTS) and only then execs CMD; the filter is inherited
 * by everything CMD starts.  A thread here answers every notification with
 * libseccomp's notify API, without the syscall ever running: loads succeed
 * (val 0) and are recorded in the machine; reboot(LINUX_REBOOT_CMD_KEXEC)
 * succeeds without doing anything; any other reboot command fails with
 * EPERM.  Without --kexec-safe the same calls fail with EPERM (the deny
 * filter): a kexec or reboot hidden in a script never reaches the host.
 *
 * Locking: the FUSE loop thread owns the machine.  This thread changes it
 * only through backend_kexec_record(), which may be called from any thread
 * (core/backend.h; the simulator takes kexec_lock, core/kexec.h).
 */
#include "kexec_safe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/kexec.h>
#include <linux/reboot.h>
#include <linux/seccomp.h>

#include <seccomp.h>

#include "backend.h"

/* ---- the filter ------------------------------------------------------------ */

static const char *const trapped[] = { "kexec_load", "kexec_file_load", "reboot" };

int kexec_filter_build(struct kexec_filter *f, bool notify)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	uint32_t action = notify ? SCMP_ACT_NOTIFY : SCMP_ACT_ERRNO(EPERM);
	int memfd = -1, rc = ctx ? 0 : -ENOMEM;
	struct stat st;

	f->code = NULL;
	f->len = 0;
	f->notify = notify;
	/* Any ABI but these two: ENOSYS, as the raw filter did for x32. */
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
#if defined(__x86_64__)
	/* int 0x80 reaches the i386 kexec_load (283) and reboot (88). */
	if (rc == 0)
		rc = seccomp_arch_add(ctx, SCMP_ARCH_X86);
#endif
	for (size_t i = 0; rc == 0 && i < G_N_ELEMENTS(trapped); i++) {
		int nr = seccomp_syscall_resolve_name(trapped[i]);

		/* i386 has no kexec_file_load: libseccomp leaves that arch out. */
		if (nr != __NR_SCMP_ERROR)
			rc = seccomp_rule_add(ctx, action, nr, 0);
	}
	/*
	 * Exported as BPF here, installed by the child: it runs between fork()
	 * and exec() of a multi-threaded process, where seccomp_load() (which
	 * allocates) is not safe, so it uses the raw seccomp(2) call on this
	 * program (kexec_filter_install()).
	 */
	if (rc == 0) {
		memfd = memfd_create("hotplugfs-seccomp", MFD_CLOEXEC);
		rc = memfd < 0 ? -errno : seccomp_export_bpf(ctx, memfd);
	}
	if (rc == 0 && fstat(memfd, &st) != 0)
		rc = -errno;
	if (rc == 0 && (st.st_size == 0 || st.st_size % sizeof(struct sock_filter) ||
			st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS))
		rc = -EINVAL;
	if (rc == 0) {
		f->code = g_malloc((gsize)st.st_size);
		if (pread(memfd, f->code, (size_t)st.st_size, 0) != st.st_size)
			rc = -EIO;
		f->len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	}
	if (memfd >= 0)
		close(memfd);
	seccomp_release(ctx);
	if (rc < 0)
		kexec_filter_clear(f);
	return rc;
}

void kexec_filter_clear(struct kexec_filter *f)
{
	g_free(f->code);
	f->code = NULL;
	f->len = 0;
}

/* Sends fd over sock (SCM_RIGHTS); async-signal-safe.  0 or -errno. */
static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'k';
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

int kexec_filter_install(const struct kexec_filter *f, int sock)
{
	struct sock_fprog prog = { .len = f->len, .filter = f->code };
	unsigned flags = f->notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
	long fd;
	int rc;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	fd = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0)
		return -errno;
	if (!f->notify)
		return 0;
	rc = send_fd(sock, (int)fd);
	close((int)fd);
	return rc;
}

/* ---- answering --------------------------------------------------------------- */

/* The name of the call a notification is about ("kexec_load"), or "". */
static void call_name(const struct seccomp_data *d, char *name, size_t size)
{
	char *s = seccomp_syscall_resolve_num_arch(d->arch, d->nr);

	g_strlcpy(name, s ? s : "", size);
	free(s);
}

/* What the kernel would have done, recorded; the answer's errno (0: success). */
static int answer(struct backend *b, const struct seccomp_data *d)
{
	uint64_t a[6];
	char name[32];

	for (int i = 0; i < 6; i++)
		a[i] = d->args[i];
	call_name(d, name, sizeof(name));
	if (strcmp(name, "kexec_load") == 0) {
		/* SYSCALL_DEFINE4(kexec_load, entry, nr_segments, segments, flags):
		 * nr_segments 0 unloads; KEXEC_ON_CRASH picks kexec_crash_image. */
		bool crash = a[3] & KEXEC_ON_CRASH, unload = a[1] == 0;

		fprintf(stderr, "hotplugfs: intercepted kexec_load(entry=0x%" PRIx64 ", nr_segments=%"
			PRIu64 ", segments=0x%" PRIx64 ", flags=0x%" PRIx64 ") = 0: %s%s image "
			"recorded in the machine, nothing loaded into the host kernel\n",
			a[0], a[1], a[2], a[3], unload ? "unload of the " : "", crash ? "crash" : "kexec");
		backend_kexec_record(b, crash, unload);
		return 0;
	}
	if (strcmp(name, "kexec_file_load") == 0) {
		/* kexec_file_load(kernel_fd, initrd_fd, cmdline_len, cmdline, flags) */
		bool crash = a[4] & KEXEC_FILE_ON_CRASH, unload = a[4] & KEXEC_FILE_UNLOAD;

		fprintf(stderr, "hotplugfs: intercepted kexec_file_load(kernel_fd=%d, initrd_fd=%d, "
			"cmdline_len=%" PRIu64 ", flags=0x%" PRIx64 ") = 0: %s%s image recorded in "
			"the machine, nothing loaded into the host kernel\n", (int)a[0], (int)a[1],
			a[2], a[4], unload ? "unload of the " : "", crash ? "crash" : "kexec");
		backend_kexec_record(b, crash, unload);
		return 0;
	}
	if (strcmp(name, "reboot") == 0) {
		if ((uint32_t)a[2] == LINUX_REBOOT_CMD_KEXEC) {
			fprintf(stderr, "hotplugfs: intercepted reboot(LINUX_REBOOT_CMD_KEXEC) = 0: "
				"not executed\n");
			return 0;
		}
		fprintf(stderr, "hotplugfs: intercepted reboot(cmd=0x%x) = -EPERM: not executed\n",
			(unsigned)a[2]);
		return EPERM;
	}
	return ENOSYS;
}

static void *serve(void *arg)
{
	struct kexec_safe *ks = arg;
	struct seccomp_notif *req = NULL;
	struct seccomp_notif_resp *resp = NULL;

	if (seccomp_notify_alloc(&req, &resp) != 0) {
		fprintf(stderr, "hotplugfs: seccomp_notify_alloc failed\n");
		return NULL;
	}
	for (;;) {
		struct pollfd p[2] = { { ks->listener, POLLIN, 0 }, { ks->stop[0], POLLIN, 0 } };

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		if (p[0].revents & POLLIN) {
			int rc;

			/* seccomp_notify_receive() zeroes req itself. */
			if (seccomp_notify_receive(ks->listener, req) != 0)
				continue;   /* the caller died meanwhile (ENOENT) */
			memset(resp, 0, sizeof(*resp));
			resp->id = req->id;
			resp->error = -answer(ks->b, &req->data);
			resp->val = 0;
			rc = seccomp_notify_respond(ks->listener, resp);
			if (rc != 0 && rc != -ENOENT)
				fprintf(stderr, "hotplugfs: seccomp_notify_respond: %s\n", strerror(-rc));
		} else if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			break;   /* every filtered process has exited */
		}
	}
	seccomp_notify_free(req, resp);
	return NULL;
}

int kexec_safe_start(struct kexec_safe *ks, struct backend *b, int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	ssize_t n;

	ks->b = b;
	ks->listener = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	c = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return n < 0 ? -errno : -EPROTO;
	memcpy(&ks->listener, CMSG_DATA(c), sizeof(int));
	if (pipe2(ks->stop, O_CLOEXEC) != 0)
		return -errno;
	if (pthread_create(&ks->tid, NULL, serve, ks) != 0)
		return -EAGAIN;
	ks->running = true;
	return 0;
}

void kexec_safe_stop(struct kexec_safe *ks)
{
	if (ks->running) {
		if (write(ks->stop[1], "x", 1) < 0)
			perror("hotplugfs: kexec_safe_stop");
		pthread_join(ks->tid, NULL);
		close(ks->stop[0]);
		close(ks->stop[1]);
		ks->running = false;
	}
	if (ks->listener >= 0)
		close(ks->listener);
	ks->listener = -1;
}

bool kexec_args_parse_only(char **cmd)
{
	static const char *const ok[] = { "--print-ckr-size", "-h", "--help", "-v", "--version" };
	bool any = false;

	for (char **a = cmd + 1; *a; a++) {
		bool known = false;

		for (size_t i = 0; i < G_N_ELEMENTS(ok); i++)
			known |= strcmp(*a, ok[i]) == 0;
		if (!known)
			return false;
		any = true;
	}
	return any;
}

/* ---- serving the files ------------------------------------------------------- */

static bool numeric(const char *s)
{
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/*
 * /proc is grafted by the child from a plan, see plan_proc: there the real
 * procfs stays reachable at /proc/.hotplugfs-proc, "self" and "thread-self"
 * point into it so they stay per-process, and the numeric pid directories,
 * which would be a stale snapshot, are left out.  Other directories go
 * through ns_replace_entries().
 */
enum op_kind { OP_UNSHARE, OP_TMPFS, OP_MKDIR, OP_FILE, OP_SYMLINK, OP_BIND, OP_RO, OP_UMOUNT };

struct kexec_op {
	enum op_kind kind;
	char *a, *b;
};

void kexec_plan_init(struct kexec_plan *p)
{
	p->ops = g_array_new(FALSE, TRUE, sizeof(struct kexec_op));
	p->stash = NULL;
}

static void plan_add(struct kexec_plan *p, enum op_kind k, const char *a, const char *b)
{
	struct kexec_op op = { k, g_strdup(a), g_strdup(b) };

	g_array_append_val(p->ops, op);
}

void kexec_plan_clear(struct kexec_plan *p)
{
	for (guint i = 0; p->ops && i < p->ops->len; i++) {
		g_free(g_array_index(p->ops, struct kexec_op, i).a);
		g_free(g_array_index(p->ops, struct kexec_op, i).b);
	}
	if (p->ops)
		g_array_free(p->ops, TRUE);
	p->ops = NULL;
	if (p->stash) {
		umount2(p->stash, MNT_DETACH);
		rmdir(p->stash);
		g_free(p->stash);
		p->stash = NULL;
	}
}

int kexec_plan_run(const struct kexec_plan *p)
{
	for (guint i = 0; p->ops && i < p->ops->len; i++) {
		const struct kexec_op *op = &g_array_index(p->ops, struct kexec_op, i);
		int rc = 0, fd;

		switch (op->kind) {
		case OP_UNSHARE:
			rc = unshare(CLONE_NEWNS);
			if (rc == 0)
				rc = mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
			break;
		case OP_TMPFS:
			rc = mount("hotplugfs", op->a, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
				   "size=64k,mode=0555");
			break;
		case OP_MKDIR:
			rc = mkdir(op->a, 0555);
			break;
		case OP_FILE:
			fd = open(op->a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
			rc = fd < 0 ? -1 : close(fd);
			break;
		case OP_SYMLINK:
			rc = symlink(op->b, op->a);
			break;
		case OP_BIND:
			rc = mount(op->b, op->a, NULL, MS_BIND | MS_REC, NULL);
			break;
		case OP_RO:
			rc = mount(NULL, op->a, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV |
				   MS_NOEXEC, "size=64k,mode=0555");
			break;
		case OP_UMOUNT:
			rc = umount2(op->a, MNT_DETACH);
			break;
		}
		if (rc != 0)
			return -errno;
	}
	return 0;
}

/* ns_replace_entries() of /proc, as a plan the child carries out (see kexec_plan). */
static int plan_proc(struct kexec_plan *p, const struct ns_graft *g, size_t n)
{
	char stash[] = "/tmp/hotplugfs-kproc.XXXXXX";
	DIR *d;
	struct dirent *de;

	if (!mkdtemp(stash))
		return -errno;
	if (mount("/proc", stash, NULL, MS_BIND | MS_REC, NULL) != 0) {
		int rc = -errno;

		rmdir(stash);
		return rc;
	}
	p->stash = g_strdup(stash);
	plan_add(p, OP_UNSHARE, NULL, NULL);
	plan_add(p, OP_TMPFS, "/proc", NULL);
	d = opendir(stash);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		g_autofree char *from = g_build_filename(stash, de->d_name, NULL);
		g_autofree char *to = g_build_filename("/proc", de->d_name, NULL);
		bool skip = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
			    numeric(de->d_name);
		struct stat st;
		char t[PATH_MAX];
		ssize_t len;

		for (size_t i = 0; i < n; i++)
			skip |= strcmp(de->d_name, g[i].name) == 0;
		if (skip || lstat(from, &st) != 0)
			continue;
		if (strcmp(de->d_name, "self") == 0 || strcmp(de->d_name, "thread-self") == 0) {
			g_autofree char *target = g_strdup_printf(".hotplugfs-proc/%s", de->d_name);

			plan_add(p, OP_SYMLINK, to, target);
		} else if (S_ISLNK(st.st_mode)) {
			len = readlink(from, t, sizeof(t) - 1);
			if (len < 0)
				continue;
			t[len] = '\0';
			plan_add(p, OP_SYMLINK, to, t);
		} else {
			plan_add(p, S_ISDIR(st.st_mode) ? OP_MKDIR : OP_FILE, to, NULL);
			plan_add(p, OP_BIND, to, from);
		}
	}
	closedir(d);
	plan_add(p, OP_MKDIR, "/proc/.hotplugfs-proc", NULL);
	plan_add(p, OP_BIND, "/proc/.hotplugfs-proc", stash);
	for (size_t i = 0; i < n; i++) {
		g_autofree char *to = g_build_filename("/proc", g[i].name, NULL);

		plan_add(p, OP_FILE, to, NULL);
		plan_add(p, OP_BIND, to, g[i].src);
	}
	plan_add(p, OP_RO, "/proc", NULL);
	plan_add(p, OP_UMOUNT, stash, NULL);
	return 0;
}

/* Binds what the host has; collects the rest of dir for one graft. */
static int serve_dir(struct ns_mounts *mounts, const char *mnt, const char *tree_dir,
		     const char *host_dir, const char *const *names, size_t n, bool graft,
		     struct kexec_plan *plan)
{
	g_autoptr(GArray) missing = g_array_new(FALSE, FALSE, sizeof(struct ns_graft));
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		g_autofree char *src = g_build_filename(mnt, tree_dir, names[i], NULL);
		g_autofree char *dst = g_build_filename(host_dir, names[i], NULL);
		struct ns_graft g = { names[i], NULL };

		if (access(src, F_OK) != 0)
			continue;   /* not served by this machine */
		if (access(dst, F_OK) == 0) {
			rc = ns_bind_over(mounts, src, dst);
			continue;
		}
		g.src = g_steal_pointer(&src);
		g_array_append_val(missing, g);
	}
	if (rc == 0 && graft && missing->len && access(host_dir, F_OK) == 0) {
		if (plan)
			rc = plan_proc(plan, (struct ns_graft *)(void *)missing->data, missing->len);
		else
			rc = ns_replace_entries(mounts, host_dir, (struct ns_graft *)(void *)missing->data,
				       missing->len);
	}
	for (guint i = 0; i < missing->len; i++)
		g_free(g_array_index(missing, struct ns_graft, i).src);
	if (rc < 0)
		fprintf(stderr, "hotplugfs: cannot serve the kexec files of %s: %s\n", host_dir,
			strerror(-rc));
	return rc;
}

int kexec_serve(struct ns_mounts *mounts, const char *mnt, unsigned cpus, bool graft,
		struct kexec_plan *plan)
{
	static const char *const proc[] = { "cmdline", "kallsyms", "kcore" };
	static const char *const kernel[] = { "kexec_loaded", "kexec_crash_loaded",
					      "kexec_crash_size", "vmcoreinfo" };
	static const char *const cpu[] = { "crash_notes", "crash_notes_size" };
	int rc = serve_dir(mounts, mnt, "proc", "/proc", proc, G_N_ELEMENTS(proc), graft && plan, plan);

	if (rc == 0)
		rc = serve_dir(mounts, mnt, "sys/kernel", "/sys/kernel", kernel, G_N_ELEMENTS(kernel),
			       graft, NULL);
	/* Only the CPUs the host has: the rest of its cpu directory (online,
	 * possible, cpufreq ...) stays the host's, so nproc and friends work. */
	for (unsigned i = 0; rc == 0 && i < cpus; i++) {
		g_autofree char *tree_dir = g_strdup_printf("sys/devices/system/cpu/cpu%u", i);
		g_autofree char *host_dir = g_strdup_printf("/sys/devices/system/cpu/cpu%u", i);

		if (access(host_dir, F_OK) != 0)
			break;
		rc = serve_dir(mounts, mnt, tree_dir, host_dir, cpu, G_N_ELEMENTS(cpu), graft, NULL);
	}
	return rc;
}

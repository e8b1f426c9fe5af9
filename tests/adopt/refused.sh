#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Where user namespaces are forbidden, `hotplugfs run` by an ordinary user
# names the setting and exits 1, and CMD never runs.  The setting is made
# real without touching the host: user.max_user_namespaces is a limit of
# each user namespace (kernel/ucount.c), so a namespace of our own (root and
# uid 1001 mapped) sets it to 0 for itself, and uid 1001 inside is refused.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "maps two users into a user namespace"
scratch refused
chmod 755 "$T"
PY=$(command -v /usr/bin/python3 python3 | head -1)
# run_refused: prints `hotplugfs run`'s exit status and stderr as uid 1001
# in a user namespace whose user.max_user_namespaces is 0.
run_refused() {
	"$PY" - "$HOTPLUGFS" "$SRCDIR/fixtures/qemu-vm-4g.json" "$T/ran" <<'PY'
import ctypes, os, subprocess, sys, time
libc = ctypes.CDLL(None, use_errno=True)
hotplugfs, fixture, ran = sys.argv[1:4]
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(w)
    if libc.unshare(0x10000000) != 0:            # CLONE_NEWUSER
        print("unshare:", os.strerror(ctypes.get_errno())); os._exit(1)
    os.read(r, 1)                                # the maps are written
    with open("/proc/sys/user/max_user_namespaces", "w") as f:
        f.write("0")
    os.setgroups([]); os.setresgid(1001, 1001, 1001); os.setresuid(1001, 1001, 1001)
    p = subprocess.run([hotplugfs, "run", fixture, "--", "touch", ran],
                       capture_output=True, text=True)
    print(p.returncode); print(p.stderr, end=""); print("stdout:", p.stdout, end="")
    os._exit(0)
os.close(r)
for m in ("uid_map", "gid_map"):
    while True:
        try:
            fd = os.open("/proc/%d/%s" % (pid, m), os.O_WRONLY)
            os.write(fd, b"0 0 1\n1001 1001 1\n"); os.close(fd); break
        except OSError:                          # not unshared yet
            time.sleep(0.02)
os.write(w, b"x")
os.waitpid(pid, 0)
PY
}
out=$(timeout 60 bash -c "$(declare -f run_refused); PY=$PY HOTPLUGFS=$HOTPLUGFS SRCDIR=$SRCDIR T=$T run_refused")
same "exit status 1 (refused)" "$(sed -n 1p <<< "$out")" 1
same "the setting, named" "$(sed -n 2p <<< "$out")" \
	"hotplugfs run: refused: without root this needs a user namespace, and user namespaces are off: user.max_user_namespaces = 0 (sysctl user.max_user_namespaces=N with N > 0 allows them)"
same "nothing on stdout" "$(sed -n 3p <<< "$out")" "stdout: "
check "CMD never ran" test ! -e "$T/ran"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Slow stores through FUSE: a slow offline shows going-offline to readers
# that are never blocked; a second store waits for the hotplug lock
# (lock_device_hotplug_sysfs + restart_syscall) and then runs; a signal to
# the writer interrupts the offline with EINTR; shutting down answers what is
# still outstanding.  Also the offline errnos of boot blocks, MEM_GOING_OFFLINE
# error injection through the debugfs files, and `hotplugfs run`'s debugfs
# and modprobe guard for the kernel selftest.  Mounts only inside a private
# mount namespace (the script re-executes itself under unshare).
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "FUSE mounts, hotplugfs run"
if ! command -v python3 >/dev/null; then
	echo "SKIP: needs python3 (a writer that can be signalled mid-write)"; exit 77
fi
in_private_ns 300 "$@"

FIXTURE=$SRCDIR/fixtures/qemu-vm-4g.json
scratch slow
MNT=$T/mnt
mount_fg() { mount_fixture "$FIXTURE" "$MNT"; }
# writer [--catch] NAME FILE TEXT: one write(2) of TEXT to FILE; prints
# "RESULT END_MS", RESULT being "ok" or the errno's name and END_MS when the
# write returned (epoch ms).  Just before writing it puts its pid in
# $T/NAME.pid, so the test knows when the store is under way and whom to
# signal (not timeout(1) in front of it, which SIGUSR1 would kill).  libc
# write() through ctypes: Python's os.write retries on EINTR (PEP 475).
# With --catch, SIGUSR1 has a handler that returns, so the signal interrupts
# the write instead of killing the writer.
cat > "$T/writer.py" <<'EOF'
import ctypes, errno, os, signal, sys, time
args = sys.argv[1:]
if args[0] == "--catch":
    signal.signal(signal.SIGUSR1, lambda s, f: None)
    args = args[1:]
name, path, text = args
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(path, os.O_WRONLY)
data = text.encode()
pidfile = os.path.join(os.environ["T"], name + ".pid")
with open(pidfile + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.rename(pidfile + ".tmp", pidfile)
n = libc.write(fd, data, len(data))
err = ctypes.get_errno()
end = int(time.time() * 1000)
os.close(fd)
print(("ok" if n == len(data) else errno.errorcode.get(err, str(err))), end)
EOF
export T
writer() { timeout --kill-after=5 30 python3 "$T/writer.py" "$@"; }
now_ms() { local t=${EPOCHREALTIME/./}; echo $((10#$t / 1000)); }
# started NAME: waits (up to 10 s) until writer NAME is about to write.
started() {
	for _ in $(seq 1000); do [ -e "$T/$1.pid" ] && return 0; sleep 0.01; done
	return 1
}

if ! mount_fg; then
	bad "mount -f did not mount $FIXTURE"
	finish; exit 1
fi
MEM=$MNT/sys/devices/system/memory
DBG=$MNT/sys/kernel/debug
slow() { echo "$2" > "$DBG/hotplugfs/memory$1/slow_offline_ms"; }
state() { cat "$MEM/memory$1/state"; }

# Blocks 0-15 are DMA32 (memory0 spans DMA and DMA32, memory15 ends in a
# reserved range), 32-47 Normal; the rest of 0-4G is the PCI hole.
for b in 1 10 11 12 13 14 32 33 34; do
	same "memory$b starts online" "$(state $b)" online
done

# --- a slow offline: readers see going-offline at once ----------------------
slow 10 800
writer w10 "$MEM/memory10/state" offline > "$T/w10" &
w10=$!
check "writer w10 started" started w10
start=$(now_ms)
sleep 0.05
s=$(state 10); o=$(cat "$MEM/memory10/online")
t1=$(now_ms)
same "state while the offline is pending" "$s" going-offline
same "online while the offline is pending" "$o" 1
check "readers answered within 300 ms of the store (took $((t1 - start)) ms)" \
	test $((t1 - start)) -lt 300
echo "measured: 50 ms sleep + two reads during the pending offline: $((t1 - start)) ms"
check "the writer is still blocked" kill -0 $w10
wait $w10
read -r res end < "$T/w10"
same "slow offline write result" "$res" ok
check "the write took about 800 ms (returned $((end - start)) ms after it was seen starting)" \
	test $((end - start)) -ge 700 -a $((end - start)) -lt 3000
echo "measured: slow offline of 800 ms returned $((end - start)) ms after the writer started"
same "state after the slow offline" "$(state 10)" offline
same "online after the slow offline" "$(cat "$MEM/memory10/online")" 0

# --- a second store waits for the hotplug lock ------------------------------
slow 11 1500
writer w11a "$MEM/memory11/state" offline > "$T/w11a" &
w11a=$!
started w11a
start11=$(now_ms)
writer w11b "$MEM/memory11/state" offline > "$T/w11b" &
w11b=$!
started w11b
: > "$T/seen"
for _ in $(seq 6); do state 11 >> "$T/seen"; sleep 0.05; done
check "the second writer waits while the first is pending" kill -0 $w11b
wait $w11a; read -r res_a end_a < "$T/w11a"
wait $w11b; read -r res_b end_b < "$T/w11b"
same "first of two racing offlines" "$res_a" ok
same "second of two racing offlines (already offline)" "$res_b" EINVAL
# Both answers leave in the same batch, and each writer reads the clock on
# its own after write(2) returns: their order is the scheduler's, so the
# check is that the second waited out the first's 1500 ms.
check "the second returned only after the first finished ($((end_b - start11)) ms)" \
	test $((end_b - start11)) -ge 1400
state 11 >> "$T/seen"
check "readers saw only online/going-offline/offline: $(sort -u "$T/seen" | tr '\n' ' ')" \
	test -z "$(grep -vx 'online\|going-offline\|offline' "$T/seen")"
check "readers saw going-offline during the race" grep -qx going-offline "$T/seen"
same "state after the race" "$(state 11)" offline

# --- a signal interrupts the pending offline --------------------------------
slow 13 5000
writer --catch w13 "$MEM/memory13/state" offline > "$T/w13" &
w13=$!
started w13
start=$(now_ms)
sleep 0.3
same "state before the signal" "$(state 13)" going-offline
kill -USR1 "$(cat "$T/w13.pid")"
wait $w13
read -r res end < "$T/w13"
same "interrupted slow offline" "$res" EINTR
check "the interrupted write returned early ($((end - start)) ms)" test $((end - start)) -lt 2000
echo "measured: write interrupted after 300 ms returned after $((end - start)) ms"
same "state after the interrupt" "$(state 13)" online
same "online after the interrupt" "$(cat "$MEM/memory13/online")" 1

# --- a queued store ignores signals (restart_syscall is transparent) --------
slow 14 1500
start=$(now_ms)
writer w14 "$MEM/memory14/state" offline > "$T/w14" &
w14=$!
started w14
writer --catch w32 "$MEM/memory32/online" 0 > "$T/w32" &
w32=$!
started w32
sleep 0.1
kill -USR1 "$(cat "$T/w32.pid")"
wait $w14; read -r res14 _ < "$T/w14"
wait $w32; read -r res32 end32 < "$T/w32"
same "the pending offline ahead of a signalled queued store" "$res14" ok
same "a signalled queued store still runs" "$res32" ok
# Both answers leave in one loop iteration, so the two processes' clocks
# cannot order them; what shows the wait is that the queued store took as
# long as the pending offline.
check "the queued store waited for the pending one ($((end32 - start)) ms)" \
	test $((end32 - start)) -ge 1400
same "state of the queued store's block" "$(state 32)" offline

# --- blocks that cannot go offline -------------------------------------------
# In this fixture the kernel image (0x1000000-0x33fffff) lies in memory0,
# which spans DMA and DMA32 (valid_zones "none"): EINVAL comes first.
same "offline memory0 (spans zones)" "$(writer w0 "$MEM/memory0/state" offline | cut -d' ' -f1)" EINVAL
same "memory0 still online" "$(state 0)" online
# memory15 ends in the reserved 0x7ffe0000-0x7fffffff: memory holes.
same "offline memory15 (holes)" "$(writer w15 "$MEM/memory15/state" offline | cut -d' ' -f1)" EINVAL
# Unmovable pages (isolation fails, as for the kernel image): EBUSY.
echo 1 > "$DBG/hotplugfs/memory1/unmovable"
same "offline memory1 (unmovable)" "$(writer w1 "$MEM/memory1/state" offline | cut -d' ' -f1)" EBUSY
same "memory1 still online" "$(state 1)" online
echo 0 > "$DBG/hotplugfs/memory1/unmovable"

# --- MEM_GOING_OFFLINE error injection through the debugfs files ------------
ERR=$DBG/notifier-error-inject/memory/actions/MEM_GOING_OFFLINE/error
echo -16 > "$ERR"
same "injected error reads back" "$(cat "$ERR")" -16
# bash, not sh: dash reports every failed echo as "I/O error".
msg=$(bash -c "echo offline > '$MEM/memory12/state'" 2>&1); rc=$?
check "offline fails under injection (rc $rc)" test "$rc" -ne 0
case $msg in *"Device or resource busy"*) ok ;; *) bad "injected EBUSY message: '$msg'" ;; esac
same "memory12 stays online" "$(state 12)" online
echo 0 > "$ERR"
same "injected error reset" "$(cat "$ERR")" 0
check "offline succeeds after the reset" sh -c "echo offline > '$MEM/memory12/state'"
same "memory12 offline" "$(state 12)" offline

# --- shutdown answers the pending and the queued store ----------------------
slow 33 5000
writer w33 "$MEM/memory33/state" offline > "$T/w33" &
w33=$!
started w33
writer w34 "$MEM/memory34/state" offline > "$T/w34" &
w34=$!
started w34
sleep 0.1
stop=$(now_ms)
kill -TERM "$MOUNT_PID"; wait "$MOUNT_PID"; rc=$?; MOUNT_PID=
echo "measured: the daemon exited $(($(now_ms) - stop)) ms after SIGTERM with two stores outstanding"
same "daemon exit status with stores outstanding" "$rc" 0
wait $w33; wait $w34
same "pending store at shutdown" "$(cut -d' ' -f1 "$T/w33")" EINTR
same "queued store at shutdown" "$(cut -d' ' -f1 "$T/w34")" ENODEV
check "unmounted after SIGTERM" test "$(mountpoint -q "$MNT"; echo $?)" != 0

# --- hotplugfs run: debugfs and the modprobe guard ---------------------------
host_modprobe() {
	for p in /sbin/modprobe /usr/sbin/modprobe; do
		if [ -e "$p" ]; then
			echo "$p $(stat -L -c '%d:%i:%s:%Y' "$p") $(sha256sum < "$p")"
		else
			echo "$p absent"
		fi
	done
}
host_modprobe > "$T/modprobe.before"
grep -v ' - cgroup\| - nsfs' /proc/self/mountinfo | sort > "$T/mountinfo.before"
timeout --kill-after=5 60 "$HOTPLUGFS" run "$FIXTURE" -- sh -c '
	echo "debugfs: $(mount -t debugfs | wc -l)"
	echo "going-online: $(cat /sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_ONLINE/error)"
	/sbin/modprobe -q -r memory-notifier-error-inject; echo "remove: $?"
	/sbin/modprobe -q memory-notifier-error-inject priority=0; echo "load: $?"
	/sbin/modprobe -q memory-notifier-error-inject priority=3 2>/dev/null; echo "priority3: $?"
	/sbin/modprobe loop 2>/dev/null; echo "loop: $?"
	if [ -e /usr/sbin/modprobe ]; then /usr/sbin/modprobe loop 2>/dev/null; echo "usr-loop: $?"
	else echo "usr-loop: 1"; fi' > "$T/run.out" 2> "$T/run.err"
rc=$?
same "run status" "$rc" 0
same "run: mount -t debugfs lists a mount" "$(sed -n 's/^debugfs: //p' "$T/run.out")" 1
same "run: MEM_GOING_ONLINE/error" "$(sed -n 's/^going-online: //p' "$T/run.out")" 0
same "run: modprobe -r injector" "$(sed -n 's/^remove: //p' "$T/run.out")" 0
same "run: modprobe injector priority=0" "$(sed -n 's/^load: //p' "$T/run.out")" 0
same "run: modprobe injector priority=3" "$(sed -n 's/^priority3: //p' "$T/run.out")" 1
same "run: modprobe loop" "$(sed -n 's/^loop: //p' "$T/run.out")" 1
same "run: /usr/sbin/modprobe loop" "$(sed -n 's/^usr-loop: //p' "$T/run.out")" 1
[ -s "$T/run.err" ] && { echo "run stderr:"; cat "$T/run.err"; }
timeout 60 "$HOTPLUGFS" run "$FIXTURE" -- /sbin/modprobe loop 2> "$T/guard.err"
same "run: the guard's refusal status" "$?" 1
check "run: the guard says why" grep -q "modprobe loop refused inside hotplugfs run" "$T/guard.err"
host_modprobe > "$T/modprobe.after"
check "the host's modprobe is untouched" cmp -s "$T/modprobe.before" "$T/modprobe.after"
grep -v ' - cgroup\| - nsfs' /proc/self/mountinfo | sort > "$T/mountinfo.after"
check "run left no mount behind" cmp -s "$T/mountinfo.before" "$T/mountinfo.after"

finish

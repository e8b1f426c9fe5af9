#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hotplugfs run: unmodified tools see the machine at the real paths, CMD's exit
# status comes back, and nothing is left mounted afterwards.  `run` makes its
# own private mount namespace, so it is called from the caller's namespace on
# purpose: a mount leaking out of it would show in our mountinfo.  Only the
# reference mount (for lsmem --sysroot) happens under unshare.  Read-only
# commands only: were the safety check broken, CMD would see the host.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "hotplugfs run"
if ! unshare -m --propagation private true 2>/dev/null; then
	echo "SKIP: cannot create a private mount namespace"; exit 77
fi

FIXTURE=$SRCDIR/fixtures/qemu-vm-4g.json
scratch runtest
# run's mount point and stash go under $TMPDIR: here, so that what is left
# behind is this test's alone.
export TMPDIR=$T/tmp
mkdir "$TMPDIR"

# run ARGS...: hotplugfs run, bounded; sets RC.
run() { timeout --kill-after=5 60 "$HOTPLUGFS" run "$FIXTURE" -- "$@"; RC=$?; }

# reference CMD...: runs CMD with $MNT set to the machine mounted by
# `hotplugfs mount`, in a throwaway private namespace.
reference() {
	timeout --kill-after=5 60 unshare -m --propagation private bash -c '
		mnt=$(mktemp -d /tmp/hotplugfs-ref.XXXXXX)
		"$0" mount -f "$1" "$mnt" & pid=$!
		for _ in $(seq 200); do mountpoint -q "$mnt" && break; sleep 0.05; done
		shift
		MNT=$mnt "$@"; rc=$?
		umount "$mnt"; wait $pid; rmdir "$mnt"; exit $rc' \
		"$HOTPLUGFS" "$FIXTURE" "$@"
}

grep -v ' - cgroup\| - nsfs' /proc/self/mountinfo | sort > "$T/mountinfo.before"
cat /proc/iomem > "$T/host-iomem.before"
"$HOTPLUGFS" show "$FIXTURE" iomem > "$T/iomem.want"

# --- the machine at the real paths -----------------------------------------
run cat /proc/iomem > "$T/iomem.run"
same "run cat /proc/iomem status" "$RC" 0
check "run cat /proc/iomem equals show iomem" cmp -s "$T/iomem.run" "$T/iomem.want"

run lsmem > "$T/lsmem.run"
same "run lsmem status" "$RC" 0
reference sh -c 'lsmem --sysroot "$MNT"' > "$T/lsmem.want"
check "reference lsmem produced output" test -s "$T/lsmem.want"
check "run lsmem equals lsmem --sysroot" cmp -s "$T/lsmem.run" "$T/lsmem.want"
run lsmem -a -o RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES > "$T/lsmem-a.run"
reference sh -c 'lsmem --sysroot "$MNT" -a -o RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES' \
	> "$T/lsmem-a.want"
check "run lsmem -a equals lsmem --sysroot -a" cmp -s "$T/lsmem-a.run" "$T/lsmem-a.want"

run stat -f -c %T /sys/devices/system/memory > "$T/fstype"
same "memory dir is FUSE inside run" "$(cat "$T/fstype")" fuseblk
run sh -c 'cd /sys/firmware/memmap 2>/dev/null && for d in $(ls | sort -n); do
	echo "$d $(cat $d/start) $(cat $d/end) $(cat $d/type)"; done' > "$T/memmap.run"
reference sh -c 'cd "$MNT/sys/firmware/memmap" 2>/dev/null && for d in $(ls | sort -n); do
	echo "$d $(cat $d/start) $(cat $d/end) $(cat $d/type)"; done' > "$T/memmap.want"
check "run sees the machine's firmware map" cmp -s "$T/memmap.run" "$T/memmap.want"

# --- exit statuses ---------------------------------------------------------
run sh -c 'exit 7'
same "exit status is CMD's" "$RC" 7
run true
same "exit status 0" "$RC" 0
err=$(run /nonexistent 2>&1; echo "rc=$RC")
same "missing CMD exits 127" "${err##*rc=}" 127
check "missing CMD is reported" grep -q "/nonexistent" <<< "$err"
run sh -c 'kill -TERM $$'
same "CMD killed by SIGTERM gives 143" "$RC" 143

# SIGTERM to run reaches CMD, and run still cleans up.
timeout --kill-after=5 60 "$HOTPLUGFS" run "$FIXTURE" -- \
	sh -c 'touch "$1"; exec sleep 30' sh "$T/started" & pid=$!
for _ in $(seq 200); do [ -e "$T/started" ] && break; sleep 0.05; done
kill -TERM "$pid"
start=$SECONDS
wait "$pid"; rc=$?
same "SIGTERM forwarded to CMD" "$rc" 143
check "SIGTERM ended run promptly" test $((SECONDS - start)) -lt 10

# --- usage errors ------------------------------------------------------------
timeout 60 "$HOTPLUGFS" run "$FIXTURE" > /dev/null 2>&1
same "run without CMD is a usage error" "$?" 2

# --- nothing left behind -----------------------------------------------------
grep -v ' - cgroup\| - nsfs' /proc/self/mountinfo | sort > "$T/mountinfo.after"
check "nothing left mounted" cmp -s "$T/mountinfo.before" "$T/mountinfo.after"
cat /proc/iomem > "$T/host-iomem.after"   # cmp alone would trust st_size 0
check "host /proc/iomem unchanged" cmp -s "$T/host-iomem.after" "$T/host-iomem.before"
leftover=$(ls -A "$TMPDIR")
same "temporary directories removed" "$leftover" ""

finish

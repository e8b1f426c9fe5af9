#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The FUSE adapter (fs/fuse_fs.c) under random system calls: for
# VFS_SECONDS (default 15, 10 in the sanitizer pass), three programs (one
# of them as nobody) make random calls through the mount of a DIMM machine
# (tests/fuse/vfs_random.py: every path, names that never existed, random
# flags, offsets, sizes and data, descriptors held across DIMM ejects)
# while a client adds and ejects DIMMs; then for a third of that on nd,
# legacy pmem and CXL machines.  Every errno must be one the kernel could
# give, the daemon must survive, still serve the machine its control
# socket describes, and exit cleanly (under ASan and UBSan, with leak
# checking, in the sanitizer pass).
# Private mount namespace.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root; VFS_SECONDS.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "FUSE mounts"
command -v python3 > /dev/null || { echo "SKIP: needs python3"; exit 77; }
in_private_ns 300 "$@"

if [ "${HOTPLUGFS_SANITIZE:-}" = 1 ]; then SECS=${VFS_SECONDS:-10}; else SECS=${VFS_SECONDS:-15}; fi
scratch vfs-random
W=$SRCDIR/tests/fuse/vfs_random.py
BG=()
EXIT_HOOKS+=('for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done')
run() { timeout $((SECS + 120)) python3 "$W" "$@" > "$T/$1.$RANDOM.out" 2>&1 & BG+=($!); }
# An ordinary user's caller too (the mount has allow_other), when it can
# read the script here.
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3)
run_nobody() { timeout $((SECS + 120)) "${NOBODY[@]}" "$W" "$@" > "$T/$1.$RANDOM.out" 2>&1 & BG+=($!); }
if "${NOBODY[@]}" -c "open('$W').close()" 2> /dev/null; then AS_NOBODY=1; else
	AS_NOBODY=; echo "note: no caller as nobody (cannot read $W as nobody)"; fi

# calls_on NAME FIXTURE SECONDS [dimms]: three callers on the machine for
# SECONDS, with DIMMs coming and going when asked; then its checks.
calls_on() {
	local name=$1 fixture=$2 secs=$3 churn=${4:-} mnt=$T/$1 sock=$T/$1.sock deadline p
	local calls fstype unexpected listed dumped rc
	rm -f "$T"/*.out
	BG=()
	if ! mount_fixture "$fixture" "$mnt" --control "$sock" -o allow_other; then
		bad "$name: the daemon did not start"; return 1
	fi
	# The calls store to memory blocks: only ever to hotplugfs.
	fstype=$(findmnt -n -o FSTYPE "$mnt")
	same "$name: the mount is hotplugfs" "$fstype" fuse.hotplugfs
	[ "$fstype" = fuse.hotplugfs ] || return 1
	deadline=$(python3 -c "import time; print(time.monotonic() + $secs)")
	run calls "$mnt" "${VFS_SEED:-1}" "$deadline"
	run calls "$mnt" "$(( ${VFS_SEED:-1} + 1 ))" "$deadline"
	[ -n "$AS_NOBODY" ] && run_nobody calls "$mnt" "$(( ${VFS_SEED:-1} + 2 ))" "$deadline"
	[ -n "$churn" ] && run dimms "$sock" "$deadline"
	for p in "${BG[@]}"; do wait "$p" || bad "$name: a worker failed: $(cat "$T"/*.out | grep -v '^{' | head -5)"; done
	BG=()
	calls=$(workers_sum calls calls)
	echo "measured: $name: $calls calls in $secs s, $(workers_sum calls errors) refused ($(workers_errnos calls)), over $(workers_sum calls paths) paths${churn:+; $(workers_sum dimms ops) DIMM adds and ejects}"
	unexpected=$(workers_list calls unexpected)
	same "$name: calls answered with an errno the kernel would not give" "$(printf '%s' "$unexpected" | grep -c .)" 0
	[ -n "$unexpected" ] && printf '%s\n' "$unexpected" | head -10
	check "$name: calls were made ($calls)" test "$calls" -gt 1000
	[ -z "$churn" ] || check "$name: DIMMs were added and ejected" test "$(workers_sum dimms ops)" -gt 10
	check "$name: the daemon survived" kill -0 "$MOUNT_PID"
	# It still serves the machine it describes: the blocks its dump lists.
	listed=$(cd "$mnt/sys/devices/system/memory" && ls -d memory* | sed 's/memory//' | sort -n | tr '\n' ' ')
	dumped=$("$HOTPLUGFS" ctl "$sock" --json '{"op":"dump"}' |
		python3 -c 'import json,sys; print(" ".join(str(b["id"]) for b in sorted(json.load(sys.stdin)["blocks"], key=lambda b: b["id"])) + " ")')
	same "$name: the blocks listed are the blocks dumped" "$listed" "$dumped"
	kill -TERM "$MOUNT_PID"; wait "$MOUNT_PID"; rc=$?; MOUNT_PID=
	same "$name: the daemon's exit status" "$rc" 0
	[ "$rc" = 0 ] || tail -20 "$mnt.err"
}

without_scenario "$SRCDIR/fixtures/dimm-hotplug-6.1.json" "$T/dimm.json"
calls_on dimm "$T/dimm.json" "$SECS" dimms
# nd, legacy pmem and CXL after their scenarios: nd buses, seeds, dax and
# kmem, links between buses
for fx in nvdimm-kmem legacy-pmem-vm cxl-kmem; do
	calls_on "$fx" "$SRCDIR/fixtures/$fx.json" $(( (SECS + 2) / 3 ))
done
finish

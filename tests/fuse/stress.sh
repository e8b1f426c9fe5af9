#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Stress: for STRESS_SECONDS (default 20, 15 in the sanitizer pass: CI's
# bounded form), one client plugs and ejects DIMMs
# over the control socket, two write state/online/auto_online_blocks through
# the mount, and two readers take snapshots of the views.  A snapshot is
# checked when the hot-added blocks listed before and after it agree: then
# /proc/iomem's System RAM above 4 GiB, the firmware map's entries there and
# the node links must name exactly those blocks (and every /proc/iomem read
# shows whole DIMMs).  The daemon must survive, answer no store with an
# errno the kernel would not give, and exit cleanly (under ASan and UBSan
# in the sanitizer pass, with leak checking).  Prints the operations, the
# snapshots checked and the inconsistencies.  Private mount namespace.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root; STRESS_SECONDS.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "FUSE mounts"
command -v python3 > /dev/null || { echo "SKIP: needs python3"; exit 77; }
in_private_ns 300 "$@"

if [ "${HOTPLUGFS_SANITIZE:-}" = 1 ]; then SECS=${STRESS_SECONDS:-15}; else SECS=${STRESS_SECONDS:-20}; fi
scratch stress
W=$SRCDIR/tests/fuse/stress.py
MNT=$T/mnt SOCK=$T/ctl.sock
without_scenario "$SRCDIR/fixtures/dimm-hotplug-6.1.json" "$T/fixture.json"
if ! mount_fixture "$T/fixture.json" "$MNT" --control "$SOCK"; then
	bad "the daemon did not start"; finish; exit 1
fi
deadline=$(python3 -c "import time; print(time.monotonic() + $SECS)")
BG=()
EXIT_HOOKS+=('for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done')
run() { timeout $((SECS + 120)) python3 "$W" "$@" > "$T/$1.$RANDOM.out" 2>&1 & BG+=($!); }
run dimms "$SOCK" "$deadline"
run stores "$MNT" 1 "$deadline"
run stores "$MNT" 2 "$deadline"
run reader "$MNT" "$deadline"
run reader "$MNT" "$deadline"
for p in "${BG[@]}"; do wait "$p" || bad "a worker failed: $(cat "$T"/*.out | grep -v '^{' | head -5)"; done

dimm_ops=$(workers_sum dimms ops) store_ops=$(workers_sum stores ops) checked=$(workers_sum reader checked)
inconsistent=$(workers_sum reader inconsistent)
echo "measured: $((dimm_ops + store_ops)) operations in $SECS s ($dimm_ops DIMM add/eject, $store_ops stores, $(workers_sum stores errors) of them refused: $(workers_errnos stores)); $(workers_sum reader reads) snapshots, $checked checked, $inconsistent inconsistent, $(workers_sum reader torn) torn by a removal"
same "inconsistent snapshots" "$inconsistent" 0
workers_list reader examples | head -5
check "snapshots were checked ($checked)" test "$checked" -gt 20
check "DIMMs were added and ejected" test "$dimm_ops" -gt 16
check "stores were made" test "$store_ops" -gt 100
same "DIMM ops refused for another reason than EBUSY" "$(workers_list dimms unexpected | wc -l)" 0
workers_list dimms unexpected | head -3
same "stores answered with an unexpected errno" "$(workers_list stores unexpected | wc -l)" 0
workers_list stores unexpected | head -3
check "the daemon survived" kill -0 "$MOUNT_PID"
kill -TERM "$MOUNT_PID"; wait "$MOUNT_PID"; rc=$?; MOUNT_PID=
same "the daemon's exit status" "$rc" 0
[ "$rc" = 0 ] || tail -20 "$MNT.err"
finish

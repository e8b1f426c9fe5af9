#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Where an lsmem run's time goes: its wall time against the CPU time of lsmem
# and of the daemon (utime/stime from /proc/PID/stat), cold (first run after
# mount) and warm, on a boot-form machine of N blocks.  What neither process
# spends on a CPU is the wake-ups of the FUSE round trips.  Mounts only in a
# private mount namespace; needs root and lsmem.
# usage: bench/cpu_split.sh [HOTPLUGFS-BINARY]   env: BENCH_BLOCKS (65536)
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
HOTPLUGFS=$(realpath "${1:-${HOTPLUGFS:-$HERE/build/fs/hotplugfs}}")
N=${BENCH_BLOCKS:-65536}
if [ "${HOTPLUGFS_PRIVATE_NS:-}" != 1 ]; then
	HOTPLUGFS_PRIVATE_NS=1 exec timeout --kill-after=10 600 \
		unshare -m --propagation private bash "$0" "$HOTPLUGFS"
fi
export LANG=POSIX LC_ALL=POSIX
T=$(mktemp -d /tmp/hotplugfs-cpu.XXXXXX); MNT=$T/mnt; P=
cleanup() {
	[ -n "$P" ] && { umount -l "$MNT" 2>/dev/null; kill "$P" 2>/dev/null; wait "$P" 2>/dev/null; }
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' TERM INT
# blocks_fixture N FILE: the machines bench/speed.sh measures.
SRCDIR=$HERE . "$HERE/tests/lib.sh"
blocks_fixture "$N" "$T/fx.json"
mkdir -p "$MNT"
"$HOTPLUGFS" mount -f --control "$T/ctl" "$T/fx.json" "$MNT" 2> "$T/mount.err" &
P=$!
until [ -S "$T/ctl" ]; do
	kill -0 "$P" 2>/dev/null || { cat "$T/mount.err" >&2; exit 1; }
	sleep 0.05
done
TCK=$(getconf CLK_TCK)
daemon_cpu() { awk -v t="$TCK" '{ printf "%.2f %.2f", $14 / t, $15 / t }' "/proc/$P/stat"; }
echo "$N blocks"
for run in cold warm; do
	read -r u0 s0 < <(daemon_cpu)
	/usr/bin/time -f "$run: wall %e s; lsmem user %U s, sys %S s" -o "$T/time" \
		lsmem --sysroot "$MNT" > /dev/null
	read -r u1 s1 < <(daemon_cpu)
	printf '%s; daemon user %.2f s, sys %.2f s\n' "$(cat "$T/time")" \
		"$(awk -v a="$u0" -v b="$u1" 'BEGIN { print b - a }')" \
		"$(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')"
done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Speed at scale, in one run, against a plain in-memory filesystem serving
# the same tree: for boot-form machines of 4,096 and 65,536 memory blocks,
#  - `lsmem --sysroot` cold (the first run after a fresh mount, nothing read
#    before it) and warm (best of three later runs), against a tmpfs copy of
#    exactly the files lsmem reads (same output, checked);
#  - the FUSE requests the daemon received per block for each lsmem run;
#  - stores: open/write/close of memoryN/state alternating offline and online
#    over up to 4,096 blocks, against the same loop writing the tmpfs copy;
# and for 1,048,576 blocks the mount time, the daemon's RSS and a cold lsmem.
# Mounts only inside a private mount namespace; needs root, /dev/fuse,
# lsmem, python3 and cc.
# usage: bench/speed.sh [HOTPLUGFS-BINARY]   (default: build/fs/hotplugfs)
# env: BENCH_SIZES ("4096 65536"), BENCH_HUGE (1048576; empty skips it)
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
HOTPLUGFS=${1:-${HOTPLUGFS:-$HERE/build/fs/hotplugfs}}
HOTPLUGFS=$(realpath "$HOTPLUGFS")
SIZES=${BENCH_SIZES-"4096 65536"}
HUGE=${BENCH_HUGE-1048576}

if [ "${HOTPLUGFS_PRIVATE_NS:-}" != 1 ]; then
	HOTPLUGFS_PRIVATE_NS=1 exec timeout --kill-after=10 5400 \
		unshare -m --propagation private bash "$0" "$HOTPLUGFS"
fi

export LANG=POSIX LC_ALL=POSIX
T=$(mktemp -d /tmp/hotplugfs-bench.XXXXXX)
MNT=$T/mnt; TMPFS=$T/tmpfs; CTL=$T/ctl; MOUNT_PID=
cleanup() {
	[ -n "$MOUNT_PID" ] && { umount -l "$MNT" 2>/dev/null; kill "$MOUNT_PID" 2>/dev/null; wait "$MOUNT_PID" 2>/dev/null; }
	umount -l "$TMPFS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' TERM INT

cc -O2 -o "$T/store_loop" "$HERE/bench/store_loop.c" || exit 1
# blocks_fixture N FILE: the machines tests/fuse/scale.sh mounts too.
SRCDIR=$HERE . "$HERE/tests/lib.sh"

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
min() { printf '%s\n' "$@" | sort -g | head -1; }

mount_fixture() {   # FIXTURE
	mkdir -p "$MNT"
	rm -f "$CTL"
	"$HOTPLUGFS" mount -f --control "$CTL" "$1" "$MNT" 2> "$T/mount.err" &
	MOUNT_PID=$!
	until stat "$MNT/sys/devices/system/memory" > /dev/null 2>&1 && [ -S "$CTL" ]; do
		kill -0 "$MOUNT_PID" 2>/dev/null || { cat "$T/mount.err" >&2; return 1; }
		sleep 0.01
	done
}

unmount_fixture() {
	fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT"
	wait "$MOUNT_PID" 2>/dev/null; MOUNT_PID=
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# The daemon's request counters: {"LOOKUP": N, ...} (docs/control-protocol.md).
requests() { "$HOTPLUGFS" ctl "$CTL" stats | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["fuse_requests"]))'; }
# Requests per block between two counter snapshots: "12.0 (LOOKUP 4.0, ...)".
per_block() {   # BEFORE AFTER N
	python3 - "$@" <<'EOF'
import json, sys
a, b, n = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
d = {k: b.get(k, 0) - a.get(k, 0) for k in b if k != "total"}
d = {k: v for k, v in d.items() if v}
total = sum(d.values())
print("%.2f (%s)" % (total / n, ", ".join("%s %.2f" % (k, v / n) for k, v in sorted(d.items(), key=lambda kv: -kv[1]))))
EOF
}

# The files lsmem reads (state, valid_zones, removable, phys_index and the
# node link), copied from the served tree onto a tmpfs.
copy_to_tmpfs() {   # SRC-MEMORY-DIR
	mkdir -p "$TMPFS" && mount -t tmpfs -o size=4g,nr_inodes=0 hotplugfs-bench "$TMPFS" || return 1
	python3 - "$1" "$TMPFS/sys/devices/system/memory" <<'EOF'
import os, re, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst)
def copy(rel):
    with open(os.path.join(src, rel), 'rb') as f, open(os.path.join(dst, rel), 'wb') as g:
        g.write(f.read())
copy('block_size_bytes')
for name in os.listdir(src):
    if not re.fullmatch(r'memory\d+', name):
        continue
    os.mkdir(os.path.join(dst, name))
    for attr in ('state', 'valid_zones', 'removable', 'phys_index'):
        copy(os.path.join(name, attr))
    for entry in os.listdir(os.path.join(src, name)):
        if re.fullmatch(r'node\d+', entry):
            os.symlink(os.readlink(os.path.join(src, name, entry)),
                       os.path.join(dst, name, entry))
EOF
}

timed() {   # OUTFILE CMD...: prints the seconds CMD took
	local out=$1 t0 t1; shift
	t0=$(now); "$@" > "$out" 2>&1; t1=$(now)
	elapsed "$t0" "$t1"
}

# The best of three runs of the store loop: "RATE ERRORS".
stores_per_s() {   # MEMORY-DIR FIRST COUNT
	for i in 1 2 3; do
		"$T/store_loop" "$1" "$2" "$3" 2 | awk '{ printf "%.0f %d\n", $1 / $2, $3 }'
	done | sort -g -r | head -1
}

ROWS=()
row() { ROWS+=("$(printf '%-44s %12s %12s %8s' "$@")"); }
NOTES=()

for n in $SIZES; do
	blocks_fixture "$n" "$T/fx.json"
	# The tmpfs copy, taken through a mount that is then thrown away.
	mount_fixture "$T/fx.json" || exit 1
	copy_to_tmpfs "$MNT/sys/devices/system/memory" || exit 1
	unmount_fixture
	# Cold: the first lsmem after a fresh mount.
	t0=$(now); mount_fixture "$T/fx.json" || exit 1; t1=$(now)
	mount_s=$(elapsed "$t0" "$t1")
	r0=$(requests)
	cold=$(timed "$T/lsmem.fuse" lsmem --sysroot "$MNT")
	r1=$(requests)
	warm=()
	for i in 1 2 3; do warm+=("$(timed "$T/lsmem.fuse.$i" lsmem --sysroot "$MNT")"); done
	r2=$(requests)
	tcold=$(timed "$T/lsmem.tmpfs" lsmem --sysroot "$TMPFS")
	twarm=()
	for i in 1 2 3; do twarm+=("$(timed "$T/lsmem.tmpfs.$i" lsmem --sysroot "$TMPFS")"); done
	w=$(min "${warm[@]}"); tw=$(min "${twarm[@]}")
	same=identical
	for f in "$T"/lsmem.fuse*; do cmp -s "$f" "$T/lsmem.tmpfs" || same=DIFFERS; done
	row "lsmem, $n blocks, cold" "$cold s" "$tcold s" "$(ratio "$cold" "$tcold")"
	row "lsmem, $n blocks, warm (best of 3)" "$w s" "$tw s" "$(ratio "$w" "$tw")"
	NOTES+=("$n blocks: mount $mount_s s; lsmem output $same; FUSE requests per block: cold $(per_block "$r0" "$r1" "$n"), warm $(per_block "$r1" "$r2" $((3 * n)))")
	# Stores over the upper half (no kernel image, no holes there), on a
	# fresh mount: the caches lsmem filled are not part of this workload.
	unmount_fixture
	mount_fixture "$T/fx.json" || exit 1
	count=$(( n / 2 < 4096 ? n / 2 : 4096 )); first=$(( n - count ))
	r3=$(requests)
	read -r fr fe < <(stores_per_s "$MNT/sys/devices/system/memory" "$first" "$count")
	r4=$(requests)
	read -r tr te < <(stores_per_s "$TMPFS/sys/devices/system/memory" "$first" "$count")
	row "stores/s, $n-block machine (best of 3 x $((2 * count)))" "$fr" "$tr" "$(ratio "$tr" "$fr")"
	NOTES+=("$n blocks: store errors: hotplugfs $fe, tmpfs $te; FUSE requests per store: $(per_block "$r3" "$r4" $((6 * count)))")
	echo "$fr" > "$T/stores.$n"
	echo "$w" > "$T/warm.$n"; echo "$cold" > "$T/cold.$n"
	unmount_fixture
	umount "$TMPFS"
done
set -- $SIZES
if [ $# -ge 2 ]; then
	a=$1 b=$2
	NOTES+=("store rate at $b blocks / at $a blocks: $(ratio "$(cat "$T/stores.$b")" "$(cat "$T/stores.$a")")")
	NOTES+=("lsmem time per block, $b / $a blocks: cold $(awk -v x="$(cat "$T/cold.$b")" -v y="$(cat "$T/cold.$a")" -v p="$b" -v q="$a" 'BEGIN { printf "%.2f", (x / p) / (y / q) }'), warm $(awk -v x="$(cat "$T/warm.$b")" -v y="$(cat "$T/warm.$a")" -v p="$b" -v q="$a" 'BEGIN { printf "%.2f", (x / p) / (y / q) }')")
fi

if [ -n "$HUGE" ]; then
	blocks_fixture "$HUGE" "$T/fx.json"
	t0=$(now); mount_fixture "$T/fx.json" || exit 1; t1=$(now)
	NOTES+=("$HUGE blocks: mount $(elapsed "$t0" "$t1") s, daemon VmRSS $(rss_kib "$MOUNT_PID") KiB")
	r0=$(requests)
	cold=$(timed "$T/lsmem.huge" lsmem --sysroot "$MNT")
	r1=$(requests)
	row "lsmem, $HUGE blocks, cold" "$cold s" "-" "-"
	NOTES+=("$HUGE blocks: daemon VmRSS after lsmem $(rss_kib "$MOUNT_PID") KiB; FUSE requests per block $(per_block "$r0" "$r1" "$HUGE")")
	unmount_fixture
fi

printf '%-44s %12s %12s %8s\n' "workload" "hotplugfs" "tmpfs copy" "ratio"
printf '%s\n' "${ROWS[@]}"
printf '%s\n' "${NOTES[@]}"
echo "(store ratio: tmpfs rate / hotplugfs rate)"

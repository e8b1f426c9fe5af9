#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scale benchmark: mount time and daemon RSS of boot-form machines with
# 65,536 and 1,048,576 memory blocks, and lsmem / ls -f over hotplugfs
# against the same tree on a tmpfs (65,536 blocks).  Mounts only inside a
# private mount namespace; needs root, /dev/fuse, lsmem and python3.
# usage: bench/scale.sh [HOTPLUGFS-BINARY]   (default: build/fs/hotplugfs)
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
HOTPLUGFS=${1:-${HOTPLUGFS:-$HERE/build/fs/hotplugfs}}
HOTPLUGFS=$(realpath "$HOTPLUGFS")
SIZES=${BENCH_BLOCKS:-"65536 1048576"}
CMP_BLOCKS=${BENCH_CMP_BLOCKS:-65536}

if [ "${HOTPLUGFS_PRIVATE_NS:-}" != 1 ]; then
	HOTPLUGFS_PRIVATE_NS=1 exec timeout --kill-after=10 3600 \
		unshare -m --propagation private bash "$0" "$HOTPLUGFS"
fi

export LANG=POSIX LC_ALL=POSIX
T=$(mktemp -d /tmp/hotplugfs-bench.XXXXXX)
MNT=$T/mnt; TMPFS=$T/tmpfs; MOUNT_PID=
cleanup() {
	[ -n "$MOUNT_PID" ] && { umount -l "$MNT" 2>/dev/null; kill "$MOUNT_PID" 2>/dev/null; wait "$MOUNT_PID" 2>/dev/null; }
	umount -l "$TMPFS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' TERM INT

# N blocks of 128 MiB: RAM below 640K, the legacy hole, RAM from 1 MiB up to
# N * 128 MiB, so blocks 0..N-1 all exist.
write_fixture() {   # N FILE
	printf '{
  "hotplugfs-fixture": 1,
  "description": "scale benchmark: %d memory blocks of 128 MiB",
  "block_size": "128M",
  "e820": [
    { "start": "0x0", "end": "0x9fbff", "type": "ram" },
    { "start": "0x9fc00", "end": "0xfffff", "type": "reserved" },
    { "start": "0x100000", "end": "0x%x", "type": "ram" }
  ]
}\n' "$1" $(( $1 * 128 * 1024 * 1024 - 1 )) > "$2"
}

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "inf" }'; }

# Starts the daemon; returns once stat of the memory dir succeeds.
mount_fixture() {   # FIXTURE
	mkdir -p "$MNT"
	"$HOTPLUGFS" mount -f "$1" "$MNT" 2> "$T/mount.err" &
	MOUNT_PID=$!
	until stat "$MNT/sys/devices/system/memory" > /dev/null 2>&1; do
		kill -0 "$MOUNT_PID" 2>/dev/null || { cat "$T/mount.err" >&2; return 1; }
		sleep 0.01
	done
}

unmount_fixture() {
	fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT"
	wait "$MOUNT_PID" 2>/dev/null; MOUNT_PID=
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# The files lsmem reads (state, valid_zones, removable, phys_index and the
# node link), copied from the served tree onto a tmpfs (a page per file:
# 1 GiB for 65,536 blocks).
copy_to_tmpfs() {   # SRC-MEMORY-DIR DST-ROOT
	mkdir -p "$TMPFS" && mount -t tmpfs -o size=2g,nr_inodes=0 hotplugfs-bench "$TMPFS" || return 1
	python3 - "$1" "$2/sys/devices/system/memory" <<'EOF'
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

compare_with_tmpfs() {   # N
	local lf lt sf st
	echo "== same tree on tmpfs ($1 blocks)"
	local t0; t0=$(now)
	copy_to_tmpfs "$MNT/sys/devices/system/memory" "$TMPFS" || { echo "tmpfs copy failed"; return; }
	echo "copied to tmpfs in $(elapsed "$t0" "$(now)") s"
	lf=$(timed "$T/lsmem.fuse" lsmem --sysroot "$MNT")
	lt=$(timed "$T/lsmem.tmpfs" lsmem --sysroot "$TMPFS")
	sf=$(timed "$T/ls.fuse" ls -f "$MNT/sys/devices/system/memory")
	st=$(timed "$T/ls.tmpfs" ls -f "$TMPFS/sys/devices/system/memory")
	printf '%-22s %10s %10s %8s\n' "" "fuse (s)" "tmpfs (s)" "ratio"
	printf '%-22s %10s %10s %8s\n' "lsmem --sysroot" "$lf" "$lt" "$(ratio "$lf" "$lt")"
	printf '%-22s %10s %10s %8s\n' "ls -f memory dir" "$sf" "$st" "$(ratio "$sf" "$st")"
	if cmp -s "$T/lsmem.fuse" "$T/lsmem.tmpfs"; then echo "lsmem output: identical"
	else echo "lsmem output: DIFFERS"; diff "$T/lsmem.tmpfs" "$T/lsmem.fuse" | head; fi
	echo "daemon VmRSS after lsmem: $(rss_kib "$MOUNT_PID") KiB"
	umount "$TMPFS"
}

for n in $SIZES; do
	echo "== $n blocks"
	write_fixture "$n" "$T/fx.json"
	t0=$(now)
	mount_fixture "$T/fx.json" || { echo "mount failed"; continue; }
	t1=$(now)
	echo "mount time (start to memory dir served): $(elapsed "$t0" "$t1") s"
	echo "daemon VmRSS after mount: $(rss_kib "$MOUNT_PID") KiB"
	t0=$(now); count=$(ls "$MNT/sys/devices/system/memory" | wc -l); t1=$(now)
	echo "ls memory dir | wc -l: $count ($(elapsed "$t0" "$t1") s)"
	echo "memory$((n - 1))/state: $(cat "$MNT/sys/devices/system/memory/memory$((n - 1))/state")"
	echo "daemon VmRSS after ls: $(rss_kib "$MOUNT_PID") KiB"
	[ "$n" = "$CMP_BLOCKS" ] && compare_with_tmpfs "$n"
	unmount_fixture
done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Time to add and then eject one DIMM against its size: `hotplugfs show
# FIXTURE iomem` of a 1 GiB guest whose scenario adds a DIMM of 1, 4 and 16
# TiB (8,192 to 131,072 memory blocks of 128 MiB) at 1 TiB, with and
# without the dimm-eject that follows.  The difference is the eject: each
# block's remove uevent, and the blocks taken out of the sorted block array.
# Nothing is mounted.
# usage: bench/eject.sh [HOTPLUGFS-BINARY]   (default: build/fs/hotplugfs)
#        BENCH_EJECT_SIZES="1T 4T 16T"
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
HOTPLUGFS=$(realpath "${1:-${HOTPLUGFS:-$HERE/build/fs/hotplugfs}}")
SIZES=${BENCH_EJECT_SIZES:-"1T 4T 16T"}
T=$(mktemp -d /tmp/hotplugfs-eject.XXXXXX)
trap 'rm -rf "$T"' EXIT

# write_fixture SIZE EJECT FILE
write_fixture() {
	local eject=
	[ "$2" = yes ] && eject=',{"op":"dimm-eject","device":"dimm0"}'
	cat > "$3" <<JSON
{"hotplugfs-fixture":1,"description":"bench/eject.sh: a $1 DIMM","kernel":"6.12",
 "hypervisor":true,"memory_hotplug":{"auto_online_blocks":"offline"},
 "e820":[{"start":"0","end":"0x9fbff","type":"ram"},
         {"start":"0x100000","end":"0x3fffffff","type":"ram"}],
 "scenario":[{"op":"dimm-add","start":"0x10000000000","size":"$1"}$eject]}
JSON
}

# seconds SIZE EJECT: the run's wall time
seconds() {
	local start end
	write_fixture "$1" "$2" "$T/fx.json"
	start=$EPOCHREALTIME
	if ! "$HOTPLUGFS" show "$T/fx.json" iomem > /dev/null; then
		echo "hotplugfs show failed for a $1 DIMM (eject: $2)" >&2
		exit 1
	fi
	end=$EPOCHREALTIME
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

export LANG=POSIX LC_ALL=POSIX
printf '%-6s %8s %14s %18s\n' size blocks "add (s)" "add+eject (s)"
for size in $SIZES; do
	add=$(seconds "$size" no) || exit 1
	both=$(seconds "$size" yes) || exit 1
	tib=${size%T}
	printf '%-6s %8d %14s %18s\n' "$size" $((tib * 8192)) "$add" "$both"
done

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot time against the size of the e820 table: `hotplugfs show FIXTURE
# iomem` of boot-form fixtures with 1,000, 2,000 and 3,200 entries
# (E820_MAX_ENTRIES), in two layouts:
#   dense:  4 KiB entries 8 KiB apart, RAM and Reserved in turn, above 4 GiB,
#           so every RAM entry's "RAM buffer" region (up to the next 64 MiB)
#           overlaps all the entries after it: the worst case;
#   spread: 2 MiB entries 4 MiB apart: a RAM buffer overlaps 16 entries.
# Nothing is mounted.  Needs python3.
# usage: bench/e820.sh [HOTPLUGFS-BINARY]   (default: build/fs/hotplugfs)
#        BENCH_E820_SIZES="1000 2000 3200" BENCH_E820_LAYOUTS="dense spread"
set -u
HERE=$(cd "$(dirname "$0")/.." && pwd)
HOTPLUGFS=$(realpath "${1:-${HOTPLUGFS:-$HERE/build/fs/hotplugfs}}")
SIZES=${BENCH_E820_SIZES:-"1000 2000 3200"}
LAYOUTS=${BENCH_E820_LAYOUTS:-"dense spread"}
T=$(mktemp -d /tmp/hotplugfs-bench-e820.XXXXXX)
trap 'rm -rf "$T"' EXIT

# write_fixture N LAYOUT FILE: RAM below 640K, the legacy hole, RAM from
# 1 MiB to 2 GiB (the kernel image lies there), then N - 3 more entries.
write_fixture() {
	python3 - "$@" <<'EOF'
import json, sys
n, layout, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
size, stride = {"dense": (0x1000, 0x2000), "spread": (0x200000, 0x400000)}[layout]
e820 = [{"start": "0x0", "end": "0x9fbff", "type": "ram"},
        {"start": "0x9fc00", "end": "0xfffff", "type": "reserved"},
        {"start": "0x100000", "end": "0x7fffffff", "type": "ram"}]
for i in range(n - len(e820)):
    start = 0x100000000 + i * stride
    e820.append({"start": hex(start), "end": hex(start + size - 1),
                 "type": "reserved" if i % 2 else "ram"})
json.dump({"hotplugfs-fixture": 1,
           "description": "bench/e820.sh: %d e820 entries, %s layout" % (n, layout),
           "e820": e820}, open(out, "w"), indent=1)
EOF
}

export LANG=POSIX LC_ALL=POSIX
printf '%-8s %8s %10s %12s\n' layout entries seconds iomem-lines
for layout in $LAYOUTS; do
	for n in $SIZES; do
		write_fixture "$n" "$layout" "$T/fx.json"
		start=$EPOCHREALTIME
		if ! "$HOTPLUGFS" show "$T/fx.json" iomem > "$T/iomem"; then
			echo "hotplugfs show failed for $n entries ($layout)" >&2
			exit 1
		fi
		end=$EPOCHREALTIME
		printf '%-8s %8d %10s %12d\n' "$layout" "$n" \
			"$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')" \
			"$(wc -l < "$T/iomem")"
	done
done

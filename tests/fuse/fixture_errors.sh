#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad fixtures are rejected before anything is served: `hotplugfs show` exits
# 2, prints nothing on stdout and exactly one "FILE: JSON-PATH: reason" line
# on stderr.  Env: HOTPLUGFS (the binary), SRCDIR (repository root).
set -u

: "${HOTPLUGFS:?HOTPLUGFS must name the hotplugfs binary}"
: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check NAME EXPECTED-REASON: runs show on $tmp/NAME.json (already written),
# bounded: a fixture beyond the kernel's limits must be refused, not tried
# (no address-space cap under ASan, which reserves terabytes).
check() {
	local name=$1 file="$tmp/$1.json" expected="$tmp/$1.json: $2" rc
	(
		[ -n "${ASAN_OPTIONS:-}" ] || ulimit -v 4194304
		exec timeout 60 "$HOTPLUGFS" show "$file" iomem
	) >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 2 ]; then
		echo "FAIL $name: exit status $rc, expected 2"
	elif [ -s "$tmp/out" ]; then
		echo "FAIL $name: stdout is not empty:"
		head -5 "$tmp/out"
	elif ! printf '%s\n' "$expected" | cmp -s - "$tmp/err"; then
		echo "FAIL $name: stderr differs"
		echo "  expected: $expected"
		sed 's/^/  got:      /' "$tmp/err"
	else
		echo "ok   $name"
		passed=$((passed + 1))
		return
	fi
	failed=$((failed + 1))
}

HDR='"hotplugfs-fixture": 1, "description": "bad fixture"'
RAM='"e820": [{"start": "0x0", "size": "1G", "type": "ram"}]'

printf '%s' '{"hotplugfs-fixture": 1 "description": "x"}' >"$tmp/not-json.json"
check not-json "\$: not JSON: object value separator ',' expected at offset 24"

printf '%s\n' "{$HDR, \"kernel\": \"6.12\"," >"$tmp/truncated.json"
check truncated '$: not JSON: unexpected end of input at offset 73'

cat >"$tmp/unknown-key.json" <<JSON
{$HDR,
 "e820": [{"start": "0x0", "size": "1G", "type": "ram", "flags": ["mem"]}]}
JSON
check unknown-key '$.e820[0].flags: unknown key'

cat >"$tmp/unknown-top-key.json" <<JSON
{$HDR, $RAM, "memory_hotplug": {"auto_online_block": "online"}}
JSON
check unknown-top-key '$.memory_hotplug.auto_online_block: unknown key'

cat >"$tmp/e820-overlap.json" <<JSON
{$HDR,
 "e820": [{"start": "0x0", "end": "0x9fbff", "type": "ram"},
          {"start": "0x9f000", "end": "0x9ffff", "type": "reserved"},
          {"start": "0x100000", "end": "0x7fffffff", "type": "ram"}]}
JSON
check e820-overlap '$.e820[1]: 0x9f000-0x9ffff overlaps $.e820[0] (0x0-0x9fbff)'

cat >"$tmp/iomem-straddle.json" <<JSON
{$HDR,
 "iomem": [{"name": "System RAM", "start": "0x100000", "end": "0x7fffffff",
            "children": [{"name": "Kernel code", "start": "0x1000000", "end": "0x1e01826"},
                         {"name": "Crash kernel", "start": "0x7f000000", "end": "0x80ffffff"}]}]}
JSON
check iomem-straddle '$.iomem[0].children[1]: 0x7f000000-0x80ffffff straddles its parent 0x100000-0x7fffffff: overlapping ranges that cannot nest'

cat >"$tmp/iomem-siblings.json" <<JSON
{$HDR,
 "iomem": [{"name": "System RAM", "start": "0x0", "end": "0x7fffffff"},
           {"name": "Reserved", "start": "0x7ffe0000", "end": "0x8fffffff"}]}
JSON
check iomem-siblings '$.iomem[1]: 0x7ffe0000-0x8fffffff overlaps $.iomem[0] (0x0-0x7fffffff): overlapping ranges that cannot nest'

cat >"$tmp/blocks-size.json" <<JSON
{$HDR, "block_size": "128M",
 "memory_blocks": [{"start": "0x8000000", "size": "0x9000000", "state": "online"}]}
JSON
check blocks-size '$.memory_blocks[0].size: 0x9000000 is not aligned to the block size 0x8000000'

cat >"$tmp/blocks-start.json" <<JSON
{$HDR, "block_size": "128M",
 "memory_blocks": [{"start": "0x8100000", "size": "128M"}]}
JSON
check blocks-start '$.memory_blocks[0].start: 0x8100000 is not aligned to the block size 0x8000000'

cat >"$tmp/bad-size.json" <<JSON
{$HDR, "e820": [{"start": "0x0", "size": "12Q", "type": "ram"}]}
JSON
check bad-size '$.e820[0].size: "12Q" is not a size (0x hex, decimal, or K/M/G/T suffix)'

cat >"$tmp/version.json" <<JSON
{"hotplugfs-fixture": 2, "description": "from the future", "e820": []}
JSON
check version '$.hotplugfs-fixture: unsupported format version 2 (this hotplugfs reads 1)'

# The kernel's limits (core/profile.h, core/e820.h): 2^60 bytes of RAM used
# to abort (exit 133: 2^33 blocks of 128 MiB) or take a minute and 12.5 GB.
cat >"$tmp/physmem.json" <<JSON
{$HDR, "e820": [{"start": "0x0", "end": "0x9fbff", "type": "ram"},
                {"start": "0x100000", "end": "0xfffffffffffffff", "type": "ram"}]}
JSON
check physmem '$.e820[1]: RAM 0x100000-0xfffffffffffffff ends above 0x3fffffffffff: MAX_PHYSMEM_BITS is 46 on x86_64 (52 with "la57": true)'

cat >"$tmp/physmem-blocks.json" <<JSON
{$HDR, "memory_blocks": [{"first": 0, "count": 1099511627776}]}
JSON
check physmem-blocks '$.memory_blocks[0]: blocks 0-1099511627775 end above the last block 524287: MAX_PHYSMEM_BITS is 46 on x86_64 (52 with "la57": true)'

python3 -c '
import json, sys
e820 = [{"start": hex(0x100000000 + i * 0x2000), "size": "4K", "type": "ram"} for i in range(3201)]
json.dump({"hotplugfs-fixture": 1, "description": "bad fixture", "e820": e820}, open(sys.argv[1], "w"))
' "$tmp/e820-entries.json"
check e820-entries "\$.e820[3200]: beyond E820_MAX_ENTRIES: the kernel's e820 table holds 3200 entries (e820__range_add ignores the rest)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

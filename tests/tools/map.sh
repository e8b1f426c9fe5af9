#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `hotplugfs map`: for bundled machines (and a scenario step with kmem online)
# the SVG is well-formed XML (xmllint), draws exactly the resources of
# `show iomem` with their depth, range and name, the gaps between top-level
# resources as holes, every memory block of `show memory` with its state,
# valid_zones and nodes, a legend naming exactly the block classes the machine
# has, and labels for known resources; two runs give the same bytes; and
# rsvg-convert renders it to a PNG of the SVG's size, in many colours, the
# zones' colours among them.  A machine with thousands of runs of blocks and
# hundreds of resources stays within the bounds (fs/map_bands.h) and still
# counts every block.  Errors: a missing or bad fixture is reported as `show`
# reports it (exit 2); --step parses as in `show`, and a step past the
# scenario is the whole scenario, as in `show`.  docs/server-2s-512g.svg, the
# README's picture, is what the command draws.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"

for tool in xmllint rsvg-convert python3; do
	command -v $tool > /dev/null ||
		{ echo "SKIP: $tool not installed (.ci/install-deps installs it)"; exit 77; }
done
scratch map
CHECK=$SRCDIR/tests/tools/map_check.py
FX=$SRCDIR/fixtures

# picture NAME FIXTURE [--step N]: $T/NAME.{svg,iomem,memory,png} and the
# checks every picture must pass.
picture() {
	local name=$1 fixture=$2
	shift 2
	if ! "$HOTPLUGFS" map "$fixture" "$@" -o "$T/$name.svg" 2> "$T/$name.err"; then
		bad "$name: map failed: $(cat "$T/$name.err")"
		return 1
	fi
	ok
	"$HOTPLUGFS" show "$fixture" iomem "$@" > "$T/$name.iomem"
	"$HOTPLUGFS" show "$fixture" memory "$@" > "$T/$name.memory" 2> /dev/null
	check "$name: well-formed XML" xmllint --noout "$T/$name.svg"
	check "$name: facts" python3 "$CHECK" facts "$T/$name.svg" "$T/$name.iomem" "$T/$name.memory"
	"$HOTPLUGFS" map "$fixture" "$@" > "$T/$name.again.svg"
	check "$name: same bytes twice (and on stdout)" cmp -s "$T/$name.svg" "$T/$name.again.svg"
	check "$name: renders" rsvg-convert "$T/$name.svg" -o "$T/$name.png"
	check "$name: PNG size" python3 "$CHECK" size "$T/$name.png" "$T/$name.svg"
}

# colours NAME RRGGBB...: a half-size rendering (decoded in Python: quicker)
# has many colours, these among them.
colours() {
	local name=$1
	shift
	rsvg-convert -z 0.5 "$T/$name.svg" -o "$T/$name.half.png" &&
		python3 "$CHECK" colours "$T/$name.half.png" "$@"
}

# Colours of online blocks (fs/map_style.c): DMA32, Normal, Movable, spans zones.
DMA32=fbe27a NORMAL=8fd18a MOVABLE=8cbfe3 NONE=c9c3b8

if picture server "$FX/server-2s-512g.json"; then
	check "server: labels" python3 "$CHECK" labels "$T/server.svg" "Crash kernel" \
		"ACPI Non-volatile Storage" "PCI Bus 0000:80" nvme "memory2–127" "memory129–256" \
		node0 node1 "nodes 0,1" "hole · 55.5 TiB"
	check "server: colours" colours server $NORMAL $NONE
	# the README's picture is what the command draws today; to redraw it:
	# build/fs/hotplugfs map fixtures/server-2s-512g.json -o docs/server-2s-512g.svg
	check "docs/server-2s-512g.svg is up to date" \
		cmp -s "$T/server.svg" "$SRCDIR/docs/server-2s-512g.svg"
fi

if picture qemu "$FX/qemu-vm-4g.json"; then
	check "qemu: labels" python3 "$CHECK" labels "$T/qemu.svg" "Video ROM" virtio-pci-modern \
		"Kernel code" "memory1–15" "memory32–47" "online DMA32 · 15 blocks" "hole · 1.50 KiB"
	check "qemu: colours" colours qemu $DMA32 $NORMAL $NONE
fi

# nvdimm-kmem after `daxctl reconfigure-device --mode=system-ram`: blocks 33-35 online Movable.
if picture nvdimm "$FX/nvdimm-kmem.json" --step 4; then
	check "nvdimm: labels" python3 "$CHECK" labels "$T/nvdimm.svg" "Persistent Memory" \
		namespace0.0 dax0.0 "System RAM (kmem)" "memory33–35" "online Movable · 3 blocks"
	check "nvdimm: colours" colours nvdimm $MOVABLE $DMA32
fi

# cxl-kmem with region0 and region1 bound to kmem, blocks 336-341 online Movable.
if picture cxl "$FX/cxl-kmem.json" --step 5; then
	check "cxl: labels" python3 "$CHECK" labels "$T/cxl.svg" "CXL Window 0" "CXL Window 1" \
		region0 region1 dax0.0 dax1.0 "System RAM (kmem)" "memory336–341"
	check "cxl: colours" colours cxl $MOVABLE
fi

# Offline blocks, and virtio-mem's device range.
if picture dimm "$FX/dimm-hotplug-6.1.json"; then
	check "dimm: labels" python3 "$CHECK" labels "$T/dimm.svg" "memory32–35" \
		"offline (valid_zones: Normal Movable) · 4 blocks"
fi
if picture virtio "$FX/virtio-mem-6.12.json" --step 1; then
	check "virtio: labels" python3 "$CHECK" labels "$T/virtio.svg" virtio0
fi

# Names are escaped: a literal machine whose resource names need it.
cat > "$T/names.json" <<'JSON'
{ "hotplugfs-fixture": 1, "description": "map test: names XML must escape",
  "iomem": [ { "start": "0x0", "end": "0xfffffff", "name": "System RAM" },
             { "start": "0x10000000", "end": "0x1000ffff", "name": "<a & \"b\" 'c'>" } ] }
JSON
if picture names "$T/names.json"; then
	check "names: labels" python3 "$CHECK" labels "$T/names.svg" "<a & \"b\" 'c'>"
fi

# Within the bounds: 16,384 blocks in thousands of runs, 603 resources.
python3 - "$T/bound.json" <<'PY'
import json, sys
states = ['online', 'offline', 'going-offline']
runs = [{"first": 0, "count": 2, "state": "online", "valid_zones": "DMA32", "nodes": [0]}]
for i in range(16, 16384):
    s = states[i % 3]
    runs.append({"first": i, "count": 1, "state": s, "nodes": [i % 2],
                 "valid_zones": "Normal" if s == 'online' else "Normal Movable"})
devices = [{"start": hex(0x100000000 + i * 0x10000), "end": hex(0x100000000 + i * 0x10000 + 0xfff),
            "name": f"dev{i}"} for i in range(600)]
json.dump({"hotplugfs-fixture": 1, "description": "map test: beyond the bounds", "block_size": "128M",
           "iomem": [{"start": "0x0", "end": "0xfffffff", "name": "System RAM"},
                     {"start": "0x100000000", "end": "0x1ffffffff", "name": "PCI Bus 0000:00",
                      "children": devices},
                     {"start": "0x200000000", "end": hex(16384 * 2**27 - 1), "name": "System RAM"}],
           "memory_blocks": runs}, open(sys.argv[1], 'w'))
PY
if "$HOTPLUGFS" map "$T/bound.json" -o "$T/bound.svg"; then
	"$HOTPLUGFS" show "$T/bound.json" memory > "$T/bound.memory"
	check "bound: well-formed XML" xmllint --noout "$T/bound.svg"
	check "bound: within bounds" python3 "$CHECK" bound "$T/bound.svg" "$T/bound.memory" 512 256
	size=$(stat -c %s "$T/bound.svg")
	if [ "$size" -lt 1048576 ]; then ok; else bad "bound: $size bytes"; fi
	check "bound: says what it left out" grep -q \
		'Not drawn: 600 resources nested 1 or more levels deep' "$T/bound.svg"
else
	bad "bound: map failed"
fi

# Errors as `show` reports them: nothing on stdout, the same line on stderr, exit 2.
same_error() {   # NAME MAP-ARGS... -- SHOW-ARGS...
	local name=$1 rc_map rc_show
	shift
	local -a margs=() sargs=()
	while [ "$1" != -- ]; do margs+=("$1"); shift; done
	shift
	sargs=("$@")
	"$HOTPLUGFS" map "${margs[@]}" > "$T/e.out" 2> "$T/e.err"
	rc_map=$?
	"$HOTPLUGFS" show "${sargs[@]}" > /dev/null 2> "$T/e.show"
	rc_show=$?
	same "$name: exit status" "$rc_map/$rc_show" "2/2"
	check "$name: nothing on stdout" test ! -s "$T/e.out"
	same_text "$name: message" "$(cat "$T/e.err")" "$(cat "$T/e.show")"
}
same_error "missing fixture" "$T/nope.json" -- "$T/nope.json" iomem
cat > "$T/bad.json" <<'JSON'
{ "hotplugfs-fixture": 1, "description": "bad",
  "e820": [ { "start": "0x0", "size": "12Q", "type": "ram" } ] }
JSON
same_error "bad fixture" "$T/bad.json" -o "$T/bad.svg" -- "$T/bad.json" iomem
check "bad fixture: no file written" test ! -e "$T/bad.svg"

for step in -1 1x "" 99999999999999999999; do
	"$HOTPLUGFS" map "$FX/cxl-kmem.json" --step "$step" > "$T/s.out" 2> "$T/s.err"
	same "--step '$step': exit status" "$?" 2
	same "--step '$step': message" "$(cat "$T/s.err")" \
		"hotplugfs map: --step $step: not a number of steps"$'\n'"Try 'hotplugfs map --help'."
	"$HOTPLUGFS" show "$FX/cxl-kmem.json" iomem --step "$step" > /dev/null 2>&1
	same "--step '$step': show agrees" "$?" 2
done
steps=$("$HOTPLUGFS" show "$FX/cxl-kmem.json" steps)
"$HOTPLUGFS" map "$FX/cxl-kmem.json" > "$T/all.svg"
"$HOTPLUGFS" map "$FX/cxl-kmem.json" --step $((steps + 90)) > "$T/past.svg"
check "--step past the scenario = all of it" cmp -s "$T/all.svg" "$T/past.svg"
"$HOTPLUGFS" map "$FX/cxl-kmem.json" --step "$steps" -o - > "$T/last.svg"
check "--step N (all ops) and -o -" cmp -s "$T/all.svg" "$T/last.svg"
"$HOTPLUGFS" map "$FX/cxl-kmem.json" --step 0 > "$T/step0.svg"
check "--step 0: no CXL window yet" bash -c "! grep -q 'CXL Window' '$T/step0.svg'"

"$HOTPLUGFS" map "$FX/qemu-vm-4g.json" -o "$T/no/such/dir/x.svg" 2> "$T/o.err"
same "unwritable -o: exit status (runtime error)" "$?" 3
check "unwritable -o: says which file" grep -q "$T/no/such/dir/x.svg" "$T/o.err"
"$HOTPLUGFS" map > /dev/null 2>&1
same "no fixture: exit status" "$?" 2

finish

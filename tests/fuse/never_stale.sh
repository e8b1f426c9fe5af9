#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Never stale: the kernel caches names, attributes, listings and file
# contents (docs/design.md), and must never show a machine older than the
# last answered change.  For every bundled fixture with a scenario, and for
# stores written through the mount, every file of every view is read through
# the mount before each step (filling the caches) and after its answer, and
# compared with `hotplugfs show --step N` (tests/fuse/never_stale.py).
# Mounts only in a private mount namespace; every daemon bounded by timeout.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "FUSE mounts"
in_private_ns 600 "$@"
scratch never-stale

# split FIXTURE BASE STORES: BASE.json without the scenario, BASE.steps.json
# the steps (the scenario's ops, then the stores "path word" pairs), and
# BASE.expected.json the fixture with all of them as its scenario.
split() {
	python3 - "$1" "$2" "$3" <<'EOF'
import json, re, sys
fixture, base, stores = sys.argv[1], sys.argv[2], sys.argv[3].split()
fx = json.load(open(fixture))
scenario = fx.pop("scenario", [])
json.dump(fx, open(base + ".json", "w"), indent=1)
steps = []
for op in scenario:
    step = {k: v for k, v in op.items() if k not in ("expect", "note")}
    steps.append({"op": step, **({"expect": op["expect"]} if "expect" in op else {})})
for i in range(0, len(stores), 2):
    path, word = stores[i], stores[i + 1]
    block = int(re.search(r"memory(\d+)/state", path).group(1))
    steps.append({"store": [path, word + "\n"]})
    scenario.append({"op": "state", "block": block, "state": word})
json.dump(steps, open(base + ".steps.json", "w"))
fx["scenario"] = scenario
json.dump(fx, open(base + ".expected.json", "w"), indent=1)
EOF
}

MEM=sys/devices/system/memory
run_case() {   # NAME FIXTURE STORES...
	local name=$1 fixture=$2 out; shift 2
	split "$fixture" "$T/$name" "$*"
	if ! mount_fixture "$T/$name.json" "$T/$name.mnt" --control "$T/$name.sock"; then
		bad "$name: mount"; return
	fi
	out=$(timeout 300 python3 "$SRCDIR/tests/fuse/never_stale.py" "$HOTPLUGFS" \
		"$T/$name.json" "$T/$name.mnt" "$T/$name.sock" "$T/$name.steps.json" \
		"$T/$name.expected.json")
	grep '^FAIL' <<< "$out" | head -5
	same "$name: views after every step equal show --step" "$(grep -c '^FAIL' <<< "$out")" 0
	check "$name: something was compared" grep -q '^[1-9][0-9]* passed' <<< "$out"
	echo "measured: $name: $(tail -1 <<< "$out")"
	unmount_fixture "$T/$name.mnt"
}

for f in cxl-kmem dimm-hotplug-6.1 nvdimm-kmem virtio-mem-6.12 s390-standby-6.12; do
	run_case "$f" "$SRCDIR/fixtures/$f.json"
done
# Stores through the mount: the Normal zone's edges move (memory32 and
# memory47), so the valid_zones of the other offline blocks change too.
run_case qemu-stores "$SRCDIR/fixtures/qemu-vm-4g.json" \
	$MEM/memory47/state offline $MEM/memory46/state offline $MEM/memory32/state offline \
	$MEM/memory47/state online_movable $MEM/memory46/state online \
	$MEM/memory32/state online_kernel $MEM/memory5/state offline $MEM/memory5/state online
finish

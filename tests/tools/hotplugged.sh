#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lsmem and chmem, unmodified, on machines after hotplug: the scenario
# fixtures are booted and their scenarios replayed (a DIMM re-plugged after an
# eject, virtio-mem grown, a pmem namespace onlined through kmem).  lsmem's
# output over the served tree must equal its output over a plain copy of the
# same files; chmem then onlines and offlines the hot-added blocks, and the
# block states after each command are checked.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "FUSE mounts, hotplugfs run"
command -v lsmem > /dev/null && command -v chmem > /dev/null && command -v python3 > /dev/null ||
	{ echo "SKIP: chmem/lsmem (util-linux) or python3 not installed"; exit 77; }
in_private_ns 300 "$@"
export LC_ALL=POSIX LANG=POSIX LANGUAGE=POSIX
scratch hotplugged

LSMEM_RUNS=("" "-o +ZONES,NODE" "--all -o RANGE,SIZE,STATE,BLOCK,ZONES" "-J -o RANGE,STATE,ZONES")

# first_steps FIXTURE N OUT: the fixture with only its first N scenario steps.
first_steps() {
	python3 -c 'import json, sys
fx = json.load(open(sys.argv[1])); fx["scenario"] = fx["scenario"][:int(sys.argv[2])]
json.dump(fx, open(sys.argv[3], "w"))' "$@"
}

# lsmem over the served machine equals lsmem over a plain copy of its files.
# virtio-mem stops after growing to 300 MiB (its scenario later unplugs all).
for spec in dimm-hotplug-6.1:99 virtio-mem-6.12:4 nvdimm-kmem:99; do
	name=${spec%:*} fx=$T/${spec%:*}.json
	first_steps "$SRCDIR/fixtures/$name.json" "${spec#*:}" "$fx"
	mnt=$T/$name/mnt copy=$T/$name/copy
	if ! mount_fixture "$fx" "$mnt"; then bad "$name: mount"; continue; fi
	mkdir -p "$copy/sys/devices/system"
	# power/autosuspend_delay_ms reads EIO, as on a real kernel: cp says so.
	cp -r "$mnt/sys/devices/system/memory" "$copy/sys/devices/system/" 2> /dev/null
	for opts in "${LSMEM_RUNS[@]}"; do
		# shellcheck disable=SC2086  # options are split on purpose
		got=$(lsmem $opts --sysroot "$mnt" 2>&1)
		# shellcheck disable=SC2086
		want=$(lsmem $opts --sysroot "$copy" 2>&1)
		same_text "$name: lsmem $opts" "$got" "$want"
	done
	# Something was actually hot-added: blocks at or above 4 GiB (memory32+).
	# shellcheck disable=SC2010  # listing through readdir is the point
	check "$name: hot-added blocks are served" \
		sh -c "ls '$mnt/sys/devices/system/memory' | grep -qE '^memory(3[2-9]|[4-9][0-9])\$'"
	unmount_fixture "$mnt"
done

# chmem on the re-plugged DIMM: blocks 32-35 offline, valid_zones "Normal Movable".
inside() {
	timeout --kill-after=5 60 "$HOTPLUGFS" run "$SRCDIR/fixtures/dimm-hotplug-6.1.json" -- \
		sh -c "$1" > "$T/out" 2> "$T/err"
	RC=$?
}
states() { for b in 32 33 34 35; do printf '%s ' "$(cat /sys/devices/system/memory/memory$b/state)"; done; }
zones() { for b in 32 33 34 35; do printf '%s|' "$(cat /sys/devices/system/memory/memory$b/valid_zones)"; done; }
# shellcheck disable=SC2016  # expanded inside the machine
inside "$(declare -f states zones); states; echo; zones; echo
	chmem -e -b 32-35; echo rc=\$?; states; echo; zones; echo
	chmem -d 256M; echo rc=\$?; states; echo
	chmem -v -e 128M; echo rc=\$?; states"
# chmem enables with online_movable where valid_zones holds Movable (chmem.c);
# disabling by size goes down from the highest block (35, 34); enabling by
# size comes up from the lowest offline one (34).
same_text "chmem on the hot-added DIMM" "$(cat "$T/out")" "offline offline offline offline 
Normal Movable|Normal Movable|Normal Movable|Normal Movable|
rc=0
online online online online 
Movable|Movable|Movable|Movable|
rc=0
online online offline offline 
Memory Block 34 (0x0000000110000000-0x0000000117ffffff) enabled
rc=0
online online online offline "
same "chmem on the hot-added DIMM: stderr" "$(cat "$T/err")" ""
same "chmem on the hot-added DIMM: exit" "$RC" 0

finish

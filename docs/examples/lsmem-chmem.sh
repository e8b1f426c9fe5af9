#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An example test of lsmem and chmem written with hotplugfs-test.sh: a 4 GiB
# QEMU guest, 256 MiB taken offline with chmem, then a DIMM plugged.  No
# root needed (chmem is in /usr/sbin: have that on PATH).  Run it with the
# library installed:
#   bash lsmem-chmem.sh
# or from a source tree (HOTPLUGFS_TEST_SH names the library):
#   HOTPLUGFS=build/fs/hotplugfs HOTPLUGFS_FIXTURES_DIR=fixtures \
#   HOTPLUGFS_TEST_SH=harness/hotplugfs-test.sh bash docs/examples/lsmem-chmem.sh
set -eu
. "${HOTPLUGFS_TEST_SH:-/usr/share/hotplugfs/hotplugfs-test.sh}"

pass=0 fail=0
t() { local name=$1; shift; if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $name"; fi; }

hp_start qemu-vm-4g

# lsmem reads /sys/devices/system/memory: the machine's, not the host's.
t "lsmem: 4G online" [ "$(hp_run lsmem -b --summary=only | sed -n 's/^Total online memory: *//p')" = 4294967296 ]

# chmem writes "offline" to the state of the two highest removable blocks.
t "chmem -d 256M" hp_run chmem -d 256M
t "memory47 offline" hp_assert_file sys/devices/system/memory/memory47/state offline
t "memory46 offline" hp_assert_file sys/devices/system/memory/memory46/state offline
t "lsmem: 256M offline" [ "$(hp_run lsmem -b --summary=only | sed -n 's/^Total offline memory: *//p')" = 268435456 ]

# A DIMM plugged through the control socket: 8 new blocks, offline
# (the fixture does not online hotplugged memory).
t "dimm-add" hp_plug dimm-add start=0x180000000 size=1G > /dev/null
t "memory55 present" hp_assert_file sys/devices/system/memory/memory55/state offline
t "chmem -e the DIMM" hp_run chmem -e 0x180000000-0x1bfffffff
t "lsmem: 4G + 1G - 256M online" \
	[ "$(hp_run lsmem -b --summary=only | sed -n 's/^Total online memory: *//p')" = 5100273664 ]

hp_stop
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A descriptor opened before its memory block was ejected answers ENODEV,
# also once the block is added again, and never acts on the new block
# (tests/fuse/stale_handles.py).  Mounts only in a private mount namespace.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "FUSE mounts"
in_private_ns 120 "$@"
scratch stale-handles
MNT=$T/mnt; SOCK=$T/ctl.sock

# Debian 6.1 in QEMU: 1 GiB, blocks added offline, a DIMM slot at 4 GiB.
cat > "$T/fixture.json" <<'JSON'
{ "hotplugfs-fixture": 1, "description": "stale handles: a 6.1 guest with a DIMM slot",
  "kernel": "6.1", "hypervisor": true,
  "memory_hotplug": { "auto_online_blocks": "offline" },
  "e820": [ { "start": "0x0", "end": "0x9fbff", "type": "ram" },
            { "start": "0x100000", "end": "0x3ffdffff", "type": "ram" } ] }
JSON

if mount_fixture "$T/fixture.json" "$MNT" --control "$SOCK"; then
	ok
	same "the mount is hotplugfs" "$(findmnt -n -o FSTYPE "$MNT")" fuse.hotplugfs
	if [ "$(findmnt -n -o FSTYPE "$MNT")" = fuse.hotplugfs ]; then
		out=$(timeout 60 python3 "$SRCDIR/tests/fuse/stale_handles.py" "$HOTPLUGFS" "$MNT" \
			"$SOCK" 2>&1)
		grep -v '^ok' <<< "$out"
		same "every old descriptor answers ENODEV" "$(grep -c '^FAIL' <<< "$out")" 0
		check "all cases ran" grep -q '^ok a new writer onlines the new block' <<< "$out"
	fi
	unmount_fixture "$MNT"
else
	bad "mount"
fi
finish

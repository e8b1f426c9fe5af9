#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scale, functional part: a boot-form machine with 1,048,576 memory blocks
# mounts within 60 s, lists exactly its blocks plus the fixed top-level
# entries, and serves the last block.  No timing assertions beyond the mount
# bound (bench/speed.sh measures).  Mounts only in a private mount namespace.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root; SCALE_BLOCKS
# overrides N.
set -u
. "$SRCDIR/tests/lib.sh"
in_private_ns 500 "$@"

N=${SCALE_BLOCKS:-1048576}
SMALL=4
scratch scale
MNT=$T/mnt

MEM=$MNT/sys/devices/system/memory

# The fixed top-level entries (block_size_bytes, uevent, power ...) do not
# depend on N: count them on a small machine.
blocks_fixture $SMALL "$T/small.json"
fixed=
if MOUNT_WAIT=60 mount_fixture "$T/small.json" "$MNT"; then
	fixed=$(( $(ls "$MEM" | wc -l) - SMALL ))
	unmount_fixture "$MNT"
	ok
else
	bad "mount of a $SMALL-block machine"
fi

blocks_fixture "$N" "$T/big.json"
if MOUNT_WAIT=60 mount_fixture "$T/big.json" "$MNT"; then
	ok
	total=$(timeout 120 ls "$MEM" | wc -l)
	blocks=$(timeout 120 ls "$MEM" | grep -c '^memory[0-9]*$')
	if [ "$blocks" = "$N" ]; then ok; else bad "$blocks memoryN entries, want $N"; fi
	if [ -n "$fixed" ] && [ "$total" = $((N + fixed)) ]; then ok
	else bad "ls lists $total entries, want $N blocks + ${fixed:-?} fixed"; fi
	state=$(timeout 30 cat "$MEM/memory$((N - 1))/state")
	if [ "$state" = online ]; then ok; else bad "memory$((N - 1))/state is '$state'"; fi
	if [ ! -e "$MEM/memory$N" ]; then ok; else bad "memory$N exists"; fi
	unmount_fixture "$MNT"
else
	bad "a $N-block machine was not served within 60 s"
fi

finish

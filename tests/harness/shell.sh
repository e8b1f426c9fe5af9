#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# harness/hotplugfs-test.sh, the shell library users' tests source: the views
# it reads from a running machine equal `hotplugfs show`, tools run through
# it see the machine and its changes, stores carry the kernel's errno, the
# deny filter keeps reboot away from the host, refusals are refusals, and
# hp_stop leaves nothing behind.  Runs as root or as an ordinary user.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
export HOTPLUGFS_FIXTURES_DIR=$SRCDIR/fixtures
HP_NO_EXIT_TRAP=1
. "$SRCDIR/harness/hotplugfs-test.sh"
scratch harness
EXIT_HOOKS+=("hp_stop 2>/dev/null")
FX=$SRCDIR/fixtures/qemu-vm-4g.json

if ! hp_start qemu-vm-4g 2> "$T/start.err"; then
	if grep -q 'refused' "$T/start.err"; then
		echo "SKIP: $(grep refused "$T/start.err")"; exit 77
	fi
	cat "$T/start.err"; bad "hp_start qemu-vm-4g"; finish; exit 1
fi
check "HP_SOCK is a socket" test -S "$HP_SOCK"
check "HP_MOUNT reaches the machine" test -f "$HP_MOUNT/sys/devices/system/memory/block_size_bytes"

# --- views equal show's, byte for byte ---------------------------------------
for view in memmap memory node; do
	"$HOTPLUGFS" show "$FX" "$view" > "$T/$view.want"
	hp_view "$view" > "$T/$view.got"
	check "hp_view $view equals show $view" cmp -s "$T/$view.got" "$T/$view.want"
	check "hp_assert_view $view (unchanged machine)" hp_assert_view "$view" "$T/$view.want"
done
hp_view iomem > "$T/iomem.got"
if [ "$(id -u)" = 0 ]; then
	"$HOTPLUGFS" show "$FX" iomem > "$T/iomem.want"
else   # an ordinary reader sees the addresses zeroed, as on a real machine
	"$HOTPLUGFS" show "$FX" iomem | sed 's/[0-9a-f]\{8,\}-[0-9a-f]\{8,\}/00000000-00000000/' > "$T/iomem.want"
fi
check "hp_view iomem as this reader sees it" cmp -s "$T/iomem.got" "$T/iomem.want"

# --- tools ------------------------------------------------------------------------
hp_run lsmem > "$T/lsmem.got"
same "hp_run lsmem status" "$?" 0
"$HOTPLUGFS" run "$FX" -- lsmem > "$T/lsmem.want"
check "hp_run lsmem equals run's lsmem" cmp -s "$T/lsmem.got" "$T/lsmem.want"
hp_run sh -c 'exit 7'
same "hp_run returns CMD's status" "$?" 7
hp_run /nonexistent 2> /dev/null
same "hp_run of a missing CMD: 127" "$?" 127
same "hp_run sees HOTPLUGFS_MOUNT" "$(hp_run sh -c 'test -d "$HOTPLUGFS_MOUNT/sys" && echo yes')" yes

# --- stores and their errno ------------------------------------------------------
check "hp_write offline" hp_write sys/devices/system/memory/memory10/state offline
check "hp_assert_file sees it" hp_assert_file sys/devices/system/memory/memory10/state offline
same "a tool sees it" "$(hp_run cat /sys/devices/system/memory/memory10/state)" offline
err=$(hp_write sys/devices/system/memory/memory10/state bogus 2>&1)
same "hp_write bogus fails" "$?" 1
check "with the kernel's EINVAL" grep -q 'Invalid argument' <<< "$err"
! hp_assert_file sys/devices/system/memory/memory10/state online 2> "$T/af.err"
same "hp_assert_file of a wrong value fails" "$?" 0
check "saying what it found" grep -q "is 'offline', expected 'online'" "$T/af.err"
hp_assert_view memory "$T/memory.want" 2> "$T/av.err"
same "hp_assert_view of a changed machine fails" "$?" 1
check "with a diff of the change" grep -q '^+memory10/state: offline' "$T/av.err"

# --- control verbs --------------------------------------------------------------
out=$(hp_plug dimm-add start=0x180000000 size=1G)
same "hp_plug dimm-add status" "$?" 0
check "hp_plug prints the result" grep -q '"device": "dimm0"' <<< "$out"
check "the DIMM's blocks are there" hp_assert_file sys/devices/system/memory/memory55/state offline
hp_ctl dimm-eject device=dimm9 > /dev/null 2> "$T/ctl.err"
same "a refused verb: exit 1" "$?" 1
check "with the reason" grep -q 'dimm9' "$T/ctl.err"

# --- what never reaches the host -------------------------------------------------
# reboot() with a bad magic: EINVAL from a kernel that saw it, EPERM from
# the filter (or, for an ordinary user, from the kernel: no CAP_SYS_BOOT).
errno=$(hp_run /usr/bin/python3 -c 'import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall(169, 0, 0, 0, 0)
print(os.strerror(ctypes.get_errno()))')
same "reboot() inside: EPERM, never reaching the kernel" "$errno" "Operation not permitted"
hp_run kexec -l /nonexistent > /dev/null 2> "$T/kexec.err"
same "hp_run kexec -l: refused" "$?" 1
check "saying so" grep -q 'refusing to run kexec' "$T/kexec.err"

# --- stopping ---------------------------------------------------------------------
dir=$HP_DIR sock=$HP_SOCK
hp_stop
same "hp_stop: run's status" "$?" 0
check "the socket is gone" test ! -e "$sock"
check "the directory is gone" test ! -e "$dir"
hp_run true 2> "$T/after.err"
same "hp_run after hp_stop fails" "$?" 1
check "saying why" grep -q 'no machine' "$T/after.err"

# --- a machine that does not start -----------------------------------------------
echo '{ "hotplugfs-fixture": 1, "description": "bad", "e820": 7 }' > "$T/bad.json"
hp_start "$T/bad.json" 2> "$T/bad.err"
same "hp_start of a bad fixture fails" "$?" 1
check "with the fixture's error" grep -q "$T/bad.json: " "$T/bad.err"
check "and leaves no machine" test -z "$HP_RUN_PID"

finish

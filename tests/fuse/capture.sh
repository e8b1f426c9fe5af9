#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Capture round trip: build a synthetic sysroot, capture it, serve the fixture
# and compare every captured file and symlink byte for byte; capturing the
# served tree again must give the same fixture.  Mounts only inside a private
# mount namespace (the script re-executes itself under unshare).
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
in_private_ns 300 "$@"

scratch capture
MNT=$T/mnt

# put FILE CONTENT: an attribute as sysfs prints it (always a final newline).
put() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" > "$1"; }

# power/ of a device on 6.12 (autosuspend_delay_ms reads EIO, so no copy of it).
put_power() {
	put "$1/power/control" auto
	put "$1/power/runtime_status" unsupported
	put "$1/power/runtime_active_time" 0
	put "$1/power/runtime_suspended_time" 0
}

# block ID STATE ZONES [REMOVABLE [NODES...]]
block() {
	local d=$S/sys/devices/system/memory/memory$1 online=1 n
	[ "$2" = offline ] && online=0
	put "$d/state" "$2"
	put "$d/online" $online
	put "$d/phys_index" "$(printf '%08x' "$1")"
	put "$d/phys_device" 0
	put "$d/removable" "${4:-1}"
	put "$d/valid_zones" "$3"
	: > "$d/uevent"
	put_power "$d"
	ln -s ../../../../bus/memory "$d/subsystem"
	shift 4 2>/dev/null || shift $#
	for n in "${@:-0}"; do ln -s "../../node/node$n" "$d/node$n"; done
}

make_sysroot() {
	S=$1
	mkdir -p "$S/proc"
	# Nested, capped (10 spaces for depth >= 5) and 9/10-digit lines.
	cat > "$S/proc/iomem" <<'EOF'
00000000-00000fff : Reserved
00001000-0009fbff : System RAM
0009fc00-000fffff : Reserved
  000a0000-000bffff : PCI Bus 0000:00
  000f0000-000fffff : System ROM
00100000-3fffffff : System RAM
  01000000-01e01826 : Kernel code
  02000000-0289cfff : Kernel rodata
  02a00000-02e5c8ff : Kernel data
  0336e000-035fffff : Kernel bss
c0000000-febfffff : PCI Bus 0000:00
  fd000000-fdffffff : 0000:00:02.0
    fd000000-fdffffff : bochs-drm
  fe000000-fe7fffff : PCI Bus 0000:01
    fe000000-fe3fffff : PCI Bus 0000:02
      fe000000-fe1fffff : PCI Bus 0000:03
        fe000000-fe0fffff : PCI Bus 0000:04
          fe000000-fe07ffff : PCI Bus 0000:05
          fe000000-fe03ffff : 0000:05:00.0
          fe000000-fe00ffff : nvme
          fe040000-fe07ffff : 0000:05:00.1
          fe080000-fe0fffff : 0000:04:00.1
        fe100000-fe1fffff : 0000:03:00.0
fee00000-fee00fff : Local APIC
100000000-17fffffff : System RAM
  140000000-14fffffff : Crash kernel
1000000000-107fffffff : CXL Window 0
EOF
	local fw=$S/sys/firmware/memmap
	put "$fw/0/start" 0x0;           put "$fw/0/end" 0x9fbff;      put "$fw/0/type" "System RAM"
	put "$fw/1/start" 0x9fc00;       put "$fw/1/end" 0xfffff;      put "$fw/1/type" Reserved
	put "$fw/3/start" 0x100000;      put "$fw/3/end" 0x3fffffff;   put "$fw/3/type" "System RAM"
	put "$fw/10/start" 0x100000000;  put "$fw/10/end" 0x17fffffff; put "$fw/10/type" "System RAM"

	local mem=$S/sys/devices/system/memory i
	put "$mem/block_size_bytes" 8000000
	put "$mem/auto_online_blocks" online_movable
	put "$mem/crash_hotplug" 0
	: > "$mem/uevent"
	put_power "$mem"
	block 0 online none
	for i in 1 2 3 4 5 6 7; do block $i online DMA32; done
	for i in 32 33 34 35; do block $i online Normal 0; done
	block 36 online Normal 1 0 1
	block 37 online Normal
	block 38 offline "Normal Movable"
	block 39 offline "Normal Movable"
	block 40 offline "Movable Normal"
	block 41 online Movable
	block 42 going-offline Normal
	block 43 offline "Normal Movable"
	for i in 44 45 46 47; do block $i online Normal; done

	local p=$S/sys/module/memory_hotplug/parameters
	put "$p/online_policy" auto-movable
	put "$p/auto_movable_ratio" 150
	put "$p/auto_movable_numa_aware" N
	put "$p/memmap_on_memory" force
}

# Byte comparison of a copy: cmp -s trusts st_size, and sysfs files report
# 4096 whatever they hold.  A missing or unreadable file never compares equal.
same_content() { cat "$2" > "$T/copy" 2>/dev/null && cmp -s "$1" "$T/copy"; }

# Every regular file and symlink of the sysroot, compared with the served tree.
compare_trees() {
	local rel
	while IFS= read -r -d '' rel; do
		rel=${rel#./}
		if [ -L "$S/$rel" ]; then
			if [ "$(readlink "$S/$rel")" = "$(readlink "$MNT/$rel" 2>/dev/null)" ]; then ok
			else bad "symlink $rel: '$(readlink "$S/$rel")' served as '$(readlink "$MNT/$rel" 2>&1)'"; fi
		elif same_content "$S/$rel" "$MNT/$rel"; then ok
		else bad "$rel differs: $(cmp "$S/$rel" "$T/copy" 2>&1 | head -1)"; fi
	done < <(cd "$S" && find . \( -type f -o -type l \) -print0 | sort -z)
}

expect_refused() {   # NAME SYSROOT PATTERN: capture must exit 2 naming the problem
	local rc=0
	"$HOTPLUGFS" capture --sysroot "$2" -o "$T/refused.json" 2> "$T/refused.err" || rc=$?
	if [ $rc = 2 ] && grep -q -- "$3" "$T/refused.err"; then ok
	else bad "$1: exit $rc, stderr: $(cat "$T/refused.err")"; fi
}

DESC="capture round trip test"
make_sysroot "$T/root"
if "$HOTPLUGFS" capture --sysroot "$S" --description "$DESC" -o "$T/fx1.json"; then ok
else bad "capture of the synthetic sysroot"; fi

if [ -s "$T/fx1.json" ] && mount_fixture "$T/fx1.json" "$MNT"; then
	ok
	compare_trees
	if "$HOTPLUGFS" capture --sysroot "$MNT" --description "$DESC" -o "$T/fx2.json" &&
	   cmp -s "$T/fx1.json" "$T/fx2.json"; then ok
	else bad "capture of the served tree differs:"; diff -u "$T/fx1.json" "$T/fx2.json" | head -40; fi
	unmount_fixture "$MNT"
else
	bad "mount of the captured fixture"
fi

# Inputs that cannot be reproduced are refused with the path and exit 2.
mkdir -p "$T/zero/proc"
sed -E 's/[0-9a-f]+-[0-9a-f]+ :/00000000-00000000 :/' "$S/proc/iomem" > "$T/zero/proc/iomem"
expect_refused "unprivileged iomem" "$T/zero" "zero.*CAP_SYS_ADMIN"
mkdir -p "$T/bad/proc"; printf '0000000-00000fff : Reserved\n' > "$T/bad/proc/iomem"
expect_refused "unpadded iomem line" "$T/bad" "$T/bad/proc/iomem: line 1"
mkdir -p "$T/bad2/sys/devices/system/memory/memory0"
put "$T/bad2/sys/devices/system/memory/block_size_bytes" 8000000
put "$T/bad2/sys/devices/system/memory/memory0/state" sleeping
expect_refused "unknown state" "$T/bad2" "memory0/state: unknown state"
expect_refused "missing sysroot" "$T/nonexistent" "$T/nonexistent:"

finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `hotplugfs capture --sysroot` of hostile trees: a FIFO or a device where a
# file should be, a symlink that leads out of the sysroot (relative, absolute,
# through a /proc magic link), a file larger than the kernel ever prints
# there.  Each is refused with exit 2 and a message naming the path, and no
# capture may block (each one runs under `timeout 10`).  Symlinks that stay
# inside the sysroot keep working.  Mounts (a bind of /proc) only inside a
# private mount namespace (the script re-executes itself under unshare).
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "device nodes and a bind mount of /proc"
in_private_ns 300 "$@"

scratch capture-hostile

put() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" > "$1"; }

# sysroot DIR: a small tree that captures: /proc/iomem, one firmware map
# entry, two memory blocks with their node links, hotplug parameters.
sysroot() {
	local s=$1 mem=$1/sys/devices/system/memory i
	mkdir -p "$s/proc"
	printf '%s\n' '00000000-00000fff : Reserved' '00001000-0009fbff : System RAM' \
		'00100000-0fffffff : System RAM' '  01000000-01e01826 : Kernel code' > "$s/proc/iomem"
	put "$s/sys/firmware/memmap/0/start" 0x0
	put "$s/sys/firmware/memmap/0/end" 0x9fbff
	put "$s/sys/firmware/memmap/0/type" "System RAM"
	put "$mem/block_size_bytes" 8000000
	put "$mem/auto_online_blocks" online
	for i in 0 1; do
		put "$mem/memory$i/state" online
		put "$mem/memory$i/online" 1
		put "$mem/memory$i/phys_index" "0000000$i"
		put "$mem/memory$i/phys_device" 0
		put "$mem/memory$i/removable" 1
		put "$mem/memory$i/valid_zones" DMA32
		ln -s ../../node/node0 "$mem/memory$i/node0"
	done
	put "$s/sys/module/memory_hotplug/parameters/online_policy" contig-zones
}

# capture NAME SYSROOT: runs capture, bounded; sets rc and leaves stderr in $T/err.
capture() {
	rc=0
	timeout --kill-after=2 10 "$HOTPLUGFS" capture --sysroot "$2" --description "$1" \
		-o "$T/out.json" 2> "$T/err" || rc=$?
}
# refused NAME SYSROOT MESSAGE: exit 2 and exactly MESSAGE on stderr.
refused() {
	capture "$1" "$2"
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then bad "$1: capture blocked (killed by timeout)"
	else same "$1: exit status" "$rc" 2; same_text "$1: message" "$(cat "$T/err")" "$3"; fi
}

sysroot "$T/good"
capture "good" "$T/good"
same "the plain tree captures" "$rc" 0
cp "$T/out.json" "$T/good.json"

# --- never block: FIFOs and devices where files should be ----------------------
n=0
# hostile NAME: a fresh copy of the good tree in $S.
hostile() { n=$((n + 1)); S=$T/h$n; cp -a "$T/good" "$S"; }

hostile; rm "$S/proc/iomem"; mkfifo "$S/proc/iomem"
refused "iomem is a FIFO" "$S" "$S/proc/iomem: not a regular file but a FIFO"
hostile; M=$S/sys/devices/system/memory; rm "$M/memory1/state"; mkfifo "$M/memory1/state"
refused "a block's state is a FIFO" "$S" "$M/memory1/state: not a regular file but a FIFO"
hostile; M=$S/sys/devices/system/memory; rm "$M/block_size_bytes"; mkfifo "$M/block_size_bytes"
refused "block_size_bytes is a FIFO" "$S" "$M/block_size_bytes: not a regular file but a FIFO"
# /dev/zero's numbers: reading it would never end.
hostile; rm "$S/proc/iomem"; mknod "$S/proc/iomem" c 1 5
refused "iomem is a character device" "$S" "$S/proc/iomem: not a regular file but a character device"
hostile; rm "$S/sys/firmware/memmap/0/type"; mkdir "$S/sys/firmware/memmap/0/type"
refused "a firmware map type is a directory" "$S" \
	"$S/sys/firmware/memmap/0/type: not a regular file but a directory"

# --- symlinks that lead out of the sysroot -----------------------------------
# Relative: as many ".." as it takes to reach / from $S/proc, then /proc/iomem.
hostile; rm "$S/proc/iomem"
up=$(realpath "$S/proc" | sed 's,/[^/]*,../,g')
ln -s "${up}proc/iomem" "$S/proc/iomem"
check "the relative link does reach the host's /proc/iomem" cmp -s "$S/proc/iomem" /proc/iomem
refused "iomem -> ../../../proc/iomem" "$S" \
	"$S/proc/iomem: leads out of the sysroot (a symlink on the way points outside it)"
hostile; rm "$S/proc/iomem"; ln -s /dev/zero "$S/proc/iomem"
refused "iomem -> /dev/zero" "$S" \
	"$S/proc/iomem: leads out of the sysroot (a symlink on the way points outside it)"
hostile; rm -r "$S/sys"; ln -s /sys "$S/sys"
refused "sys -> /sys" "$S" \
	"$S/sys/devices/system/memory: leads out of the sysroot (a symlink on the way points outside it)"
hostile; M=$S/sys/devices/system/memory; rm "$M/memory0/state"; ln -s /proc/iomem "$M/memory0/state"
refused "a block's state -> /proc/iomem" "$S" \
	"$M/memory0/state: leads out of the sysroot (a symlink on the way points outside it)"
# A /proc magic link on the way: proc is the real procfs (bound in this
# private namespace), and sys leads through proc/self/root, i.e. to /.
hostile; rm -r "$S/sys" "$S/proc/iomem"; mount --bind /proc "$S/proc"
EXIT_HOOKS+=("umount -l '$S/proc' 2>/dev/null")
ln -s proc/self/root/sys "$S/sys"
refused "sys -> proc/self/root/sys (a magic link)" "$S" \
	"$S/sys/devices/system/memory: a symlink loop or a /proc magic link, refused beneath the sysroot"
umount -l "$S/proc"

# --- symlinks inside the sysroot keep working ----------------------------------
# The same tree with its files and directories behind relative links that stay
# inside: the capture is the same, byte for byte.
S=$T/linked; cp -a "$T/good" "$S"
mkdir -p "$S/store"
mv "$S/proc/iomem" "$S/store/iomem"; ln -s ../store/iomem "$S/proc/iomem"
mv "$S/sys/devices/system/memory" "$S/store/memory"
ln -s ../../../store/memory "$S/sys/devices/system/memory"
mv "$S/store/memory/memory1/state" "$S/store/state1"; ln -s ../../state1 "$S/store/memory/memory1/state"
mv "$S/sys/firmware/memmap/0" "$S/store/fw0"; ln -s ../../../store/fw0 "$S/sys/firmware/memmap/0"
capture "good" "$S"
same "links inside the sysroot: exit status" "$rc" 0
[ "$rc" = 0 ] || cat "$T/err"
check "links inside the sysroot: the same capture" cmp -s "$T/out.json" "$T/good.json"

# --- larger than the kernel prints there ----------------------------------------
hostile; truncate -s 1G "$S/proc/iomem"
refused "iomem is a 1 GiB sparse file" "$S" \
	"$S/proc/iomem: longer than 16777216 bytes, more than the kernel prints there"
# sysfs_emit() writes at most PAGE_SIZE: 64 KiB is the bound (arm64 64K pages).
hostile; M=$S/sys/devices/system/memory
head -c 65536 /dev/zero | tr '\0' Z > "$M/memory0/valid_zones"; echo >> "$M/memory0/valid_zones"
refused "valid_zones of 65537 bytes" "$S" \
	"$M/memory0/valid_zones: longer than 65536 bytes, more than the kernel prints there"
# One byte less is a page: it captures, verbatim.
hostile; M=$S/sys/devices/system/memory
head -c 65535 /dev/zero | tr '\0' Z > "$M/memory0/valid_zones"; echo >> "$M/memory0/valid_zones"
capture "a page" "$S"
same "valid_zones of 65536 bytes: exit status" "$rc" 0
[ "$rc" = 0 ] || cat "$T/err"
same "valid_zones of 65536 bytes: captured verbatim" \
	"$(grep -o '"valid_zones": "Z*"' "$T/out.json" | awk '{ print length($0) }')" \
	$((16 + 65535 + 1))   # '"valid_zones": "' and the closing quote

finish

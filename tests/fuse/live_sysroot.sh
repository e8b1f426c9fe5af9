#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The live backend and `capture --live` on a real kernel's files copied with
# the module's (tests/data/kmod-6.12-boot): the mirror serves every copied
# file byte for byte and refuses stores (EROFS); the capture keeps what the
# module adds (the release's profile, resource flags, blocks that cannot go
# offline), and the simulator serving it gives the same files and the
# offline outcomes the module predicted.  Without the module, --live exits 2
# naming it.  The profile follows a captured release, and a release the
# profiles do not model is refused.  Mounts only in a private namespace.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "FUSE mounts"
in_private_ns 200 "$@"

DATA=$SRCDIR/tests/data/kmod-6.12-boot
scratch live
MEM=sys/devices/system/memory

# same_files NAME MNT: every file and symlink of the copy, read through MNT.
same_files() {
	local name=$1 mnt=$2 differ=0 f
	while IFS= read -r f; do
		if [ -L "$DATA/$f" ]; then
			[ "$(readlink "$DATA/$f")" = "$(readlink "$mnt/$f" 2>&1)" ] || {
				echo "    $f -> $(readlink "$DATA/$f"), served $(readlink "$mnt/$f" 2>&1)"
				differ=$((differ + 1)); }
		elif ! cmp "$DATA/$f" "$mnt/$f"; then
			echo "    $f: $(head -c 60 "$DATA/$f" | head -1) / served $(head -c 60 "$mnt/$f" 2>&1 | head -1)"
			differ=$((differ + 1))
		fi
	done < <(cd "$DATA" && find proc sys/firmware "$MEM" \( -type f -o -type l \) | sort)
	same "$name: files that differ" "$differ" 0
}
# store_errno FILE TEXT: "ok" or the errno's name of one write(2).
store_errno() {
	python3 -c '
import errno, os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
try:
    os.write(fd, sys.argv[2].encode()); print("ok")
except OSError as e:
    print(errno.errorcode[e.errno])' "$1" "$2"
}

# --- the mirror -----------------------------------------------------------
if mount_with "$T/live" --live --sysroot "$DATA"; then
	ok
	same_files "mount --live" "$T/live"
	same "store through the mirror" "$(store_errno "$T/live/$MEM/memory1/state" offline)" EROFS
	check "the refusal says how to allow stores" grep -q -- "--live-stores" "$T/live.err"
	same "the block is unchanged" "$(cat "$T/live/$MEM/memory1/state")" online
else
	bad "mount --live --sysroot $DATA"
fi

# --- capture --live ---------------------------------------------------------
check "capture --live" "$HOTPLUGFS" capture --live --sysroot "$DATA" -o "$T/live.json"
facts=$(python3 - "$T/live.json" <<'PYEOF'
import json, sys
fx = json.load(open(sys.argv[1]))
print("kernel", fx["kernel"])
print("reserved flags", fx["iomem"][0]["name"], fx["iomem"][0].get("flags"))
print("unmovable", [(r["first"], r["count"]) for r in fx["faults"]["blocks"] if r.get("unmovable")])
PYEOF
)
same_text "what the module added" "$facts" "kernel 6.12
reserved flags Reserved 0x80000200
unmovable [(3, 1)]"

# --- the capture served by the simulator --------------------------------------
if mount_fixture "$T/live.json" "$T/sim"; then
	ok
	same_files "the capture, simulated" "$T/sim"
	# The module's predictions, as the kernel answers them: memory0 spans
	# DMA and DMA32, memory3 holds reserved pages, memory7 ends in a hole.
	same "memory0 (no single zone)" "$(store_errno "$T/sim/$MEM/memory0/state" offline)" EINVAL
	same "memory3 (reserved pages)" "$(store_errno "$T/sim/$MEM/memory3/state" offline)" EBUSY
	same "memory7 (memory holes)" "$(store_errno "$T/sim/$MEM/memory7/state" offline)" EINVAL
	same "memory1 (movable)" "$(store_errno "$T/sim/$MEM/memory1/state" offline)" ok
else
	bad "mount the capture"
fi

# --- the picture of the mirror ------------------------------------------------------
if "$HOTPLUGFS" map --live --sysroot "$DATA" -o "$T/live.svg"; then
	ok
	"$HOTPLUGFS" show "$T/live.json" memory > "$T/live.memory"
	check "map --live: the resources and blocks of the kernel's files" \
		python3 "$SRCDIR/tests/tools/map_check.py" facts "$T/live.svg" \
		"$DATA/proc/iomem" "$T/live.memory"
else
	bad "map --live --sysroot"
fi

# --- without the module ----------------------------------------------------------
mkdir -p "$T/nomod"
cp -a "$DATA/proc" "$DATA/sys" "$T/nomod/"
rm -r "$T/nomod/sys/kernel/debug/hotplugfs"
mkdir -p "$T/nomnt"
"$HOTPLUGFS" mount --live --sysroot "$T/nomod" "$T/nomnt" 2> "$T/nomod.err"
same "mount --live without the module: exit status" "$?" 2
check "the message names the module and how to load it" \
	grep -q "hotplugfs_kmod is not loaded.*insmod" "$T/nomod.err"
"$HOTPLUGFS" capture --live --sysroot "$T/nomod" > /dev/null 2>&1
same "capture --live without the module: exit status" "$?" 2

# --- the profile follows the release -----------------------------------------------
rm -r "$T/nomod/sys/kernel/debug"
mkdir -p "$T/nomod/proc/sys/kernel"
echo 6.18.3-amd64 > "$T/nomod/proc/sys/kernel/osrelease"
"$HOTPLUGFS" capture --sysroot "$T/nomod" -o "$T/618.json"
same "a 6.18 release: the 6.18 profile" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kernel"])' "$T/618.json")" 6.18
echo 7.2.0-1-amd64 > "$T/nomod/proc/sys/kernel/osrelease"
"$HOTPLUGFS" capture --sysroot "$T/nomod" > /dev/null 2> "$T/72.err"
same "a release no profile models: exit status" "$?" 2
same_text "... and why" "$(cat "$T/72.err")" \
	"$T/nomod/proc/sys/kernel/osrelease: kernel 7.2 (release 7.2.0-1-amd64) is not one hotplugfs models (6.1 to 6.19); give --kernel VERSION to serve it as one of those"

finish

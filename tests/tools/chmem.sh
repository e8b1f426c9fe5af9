#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# chmem 2.38.1, unmodified, against fixtures/chmem-vm.json through
# `hotplugfs run` (util-linux sys-utils/chmem.c 2.38.1): SIZE, RANGE and BLOCKRANGE
# modes, zones, exit codes 0/1/64 with chmem's exact messages, and the views
# after every command (state, valid_zones, lsmem).  Every `run` is a fresh
# machine; a scenario chains its commands inside one `sh -c`.
#
# The machine (see the fixture's description; 128 MiB blocks):
#   memory0       online, spans DMA/DMA32 and holds the kernel: valid_zones
#                 none, offline -> EINVAL (state_store, memory_block_offline, 6.12)
#   memory1-15    online DMA32; memory15 ends in e820 Reserved (holes) -> EINVAL
#   memory32-47   online Normal; memory40 unmovable (fixture fault) -> EBUSY
# Offlined blocks leave their zone, and a zone's span shrinks only from its
# ends; an offline block's valid_zones is "<default> [<kernel zone>] [Movable]"
# with the contig-zones default (zone_for_pfn_range): the zone among {kernel zone, Movable}
# whose span it intersects, else the kernel zone.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"

skip_unless_root "hotplugfs run"
if ! command -v chmem > /dev/null || ! command -v lsmem > /dev/null; then
	echo "SKIP: chmem/lsmem (util-linux) not installed"; exit 77
fi
if ! unshare -m --propagation private true 2>/dev/null; then
	echo "SKIP: cannot create a private mount namespace"; exit 77
fi
case $(chmem --version 2>/dev/null) in
*" 2.38.1") ;;
*) echo "note: expectations are for chmem 2.38.1, found: $(chmem --version 2>&1)" ;;
esac
export LC_ALL=POSIX LANG=POSIX LANGUAGE=POSIX

FIXTURE=$SRCDIR/fixtures/chmem-vm.json

scratch chmem

# Inside the machine: `step CMD...` runs one command and records its stdout,
# stderr, exit status and the views afterwards in $T/<n>.{out,err,rc,view};
# `debugfs_file PATH` prints the machine's debugfs file PATH, refusing
# anything that is not served by FUSE (never the host's debugfs).
# shellcheck disable=SC2016  # expanded by the shell inside the machine
INNER='
T=$1; shift; n=0
M=/sys/devices/system/memory
view() {
	for d in $M/memory*; do
		echo "${d##*/memory} $(cat $d/state) $(cat $d/valid_zones)"
	done | sort -n
}
step() {
	n=$((n + 1))
	"$@" > "$T/$n.out" 2> "$T/$n.err"
	echo $? > "$T/$n.rc"
	view > "$T/$n.view"
}
debugfs_file() {
	dbg=$(mount -t debugfs | head -1 | awk "{ print \$3 }")
	[ -n "$dbg" ] && [ "$(stat -f -c %T "$dbg/$1" 2>/dev/null)" = fuseblk ] || {
		echo "no FUSE-served $1 under the debugfs mount (${dbg:-none})" > "$T/debugfs-missing"
		exit 99
	}
	echo "$dbg/$1"
}
inject() { f=$(debugfs_file notifier-error-inject/memory/actions/$1/error) || exit 99; echo "$2" > "$f"; }
'

# scenario NAME SCRIPT: a fresh machine; SCRIPT uses step/inject.
scenario() {
	SCEN=$1
	rm -f "$T"/*.out "$T"/*.err "$T"/*.rc "$T"/*.view "$T/debugfs-missing"
	timeout --kill-after=5 60 "$HOTPLUGFS" run "$FIXTURE" -- \
		sh -c "$INNER$2" sh "$T" > "$T/run.out" 2> "$T/run.err"
	RC=$?
	if [ -e "$T/debugfs-missing" ]; then
		bad "$SCEN: $(cat "$T/debugfs-missing") (needs run's debugfs overmount)"
	elif [ "$RC" != 0 ]; then
		bad "$SCEN: run exited $RC: $(head -c 500 "$T/run.out" "$T/run.err")"
	fi
}

# blk N: chmem's name for block N (idxtostr()).
blk() {
	printf 'Memory Block %d (0x%016x-0x%016x)' "$1" $(($1 * 0x8000000)) \
		$((($1 + 1) * 0x8000000 - 1))
}
# verbose_list VERB N...: chmem -v's stdout for these blocks, in this order.
verbose_list() {
	local verb=$1 b; shift
	for b in "$@"; do echo "$(blk "$b") $verb"; done
}

# The views of the machine as booted (hotplugfs show memory: memory0 none,
# 1-15 DMA32, 32-47 Normal, all online).
base_view() {
	echo "0 online none"
	for b in $(seq 1 15); do echo "$b online DMA32"; done
	for b in $(seq 32 47); do echo "$b online Normal"; done
}
# want_view "B=STATE ZONES" "A-B=STATE ZONES" ...: base_view with changes.
want_view() {
	local -A o=()
	local a k i b rest
	for a in "$@"; do
		k=${a%%=*}
		if [[ $k == *-* ]]; then
			for ((i = ${k%-*}; i <= ${k#*-}; i++)); do o[$i]=${a#*=}; done
		else
			o[$k]=${a#*=}
		fi
	done
	base_view | while read -r b rest; do echo "$b ${o[$b]:-$rest}"; done
}

# expect N NAME RC STDOUT STDERR VIEW-CHANGES...: step N of the scenario.
expect() {
	local n=$1 name="$SCEN: $2" rc=$3 out=$4 err=$5; shift 5
	if [ ! -e "$T/$n.rc" ]; then bad "$name: step $n did not run"; return; fi
	same "$name: exit status" "$(cat "$T/$n.rc")" "$rc"
	same_text "$name: stdout" "$(cat "$T/$n.out")" "$out"
	same_text "$name: stderr" "$(cat "$T/$n.err")" "$err"
	same_text "$name: state and valid_zones afterwards" "$(cat "$T/$n.view")" "$(want_view "$@")"
}
# expect_out N NAME WANT: step N (a viewer such as lsmem) printed WANT, exit 0.
expect_out() {
	same "$SCEN: $2: exit status" "$(cat "$T/$1.rc" 2>/dev/null)" 0
	same_text "$SCEN: $2" "$(cat "$T/$1.out" 2>/dev/null)" "$3"
}
range() {   # range A B: RANGE column of blocks A..B
	printf '0x%016x-0x%016x' $(($1 * 0x8000000)) $((($2 + 1) * 0x8000000 - 1))
}
summary() { # summary ONLINE OFFLINE: lsmem --summary=only (printf "%-23s %5s")
	printf '%-23s %5s\n%-23s %5s\n%-23s %5s' "Memory block size:" 128M \
		"Total online memory:" "$1" "Total offline memory:" "$2"
}

# --- SIZE: -d walks down from the highest block, -e up from the lowest -----
# 384M = 3 blocks: 47, 46, 45 go offline; the Normal span shrinks to 32-44,
# so 45-47 intersect no zone and default to Normal ("Normal Movable").
# -e 256M then takes 45 and 46 (lowest first); without -z chmem writes
# online_movable because valid_zones lists Movable, so both become Movable.
# 47 stays offline and, not intersecting the Movable span 45-46, still reads
# "Normal Movable" (as 6.1 and 6.12 do).
scenario size '
step chmem -v -d 384M
step lsmem -r -n -o RANGE,SIZE,STATE,BLOCK
step lsmem --summary=only
step chmem -v -e 256M
step lsmem -r -n -o RANGE,SIZE,STATE,BLOCK
step lsmem -r -n -o RANGE,STATE,BLOCK,ZONES
step lsmem --summary=only
'
expect 1 "chmem -v -d 384M" 0 "$(verbose_list disabled 47 46 45)" "" \
	"45-47=offline Normal Movable"
expect_out 2 "lsmem after -d 384M" "$(range 0 15) 2G online 0-15
$(range 32 44) 1.6G online 32-44
$(range 45 47) 384M offline 45-47"
expect_out 3 "lsmem summary after -d 384M" "$(summary 3.6G 384M)"
expect 4 "chmem -v -e 256M" 0 "$(verbose_list enabled 45 46)" "" \
	"45-46=online Movable" "47=offline Normal Movable"
expect_out 5 "lsmem after -e 256M" "$(range 0 15) 2G online 0-15
$(range 32 46) 1.9G online 32-46
$(range 47 47) 128M offline 47"
expect_out 6 "lsmem -o ZONES after -e 256M (split by zone)" "$(range 0 0) online 0 None
$(range 1 15) online 1-15 DMA32
$(range 32 44) online 32-44 Normal
$(range 45 46) online 45-46 Movable
$(range 47 47) offline 47 Normal/Movable"
expect_out 7 "lsmem summary after -e 256M" "$(summary 3.9G 128M)"

# --- RANGE: ascending; blocks already in the target state count as done ----
# 0x168000000-0x17fffffff is memory45-47.
R45_47=0x168000000-0x17fffffff
scenario range "
step chmem -v -d $R45_47
step chmem -v -d $R45_47
step chmem -v -e 0x170000000-0x177ffffff
step chmem -v -e $R45_47
"
expect 1 "chmem -v -d $R45_47" 0 "$(verbose_list disabled 45 46 47)" "" \
	"45-47=offline Normal Movable"
expect 2 "again: already disabled" 0 "$(verbose_list "already disabled" 45 46 47)" "" \
	"45-47=offline Normal Movable"
expect 3 "chmem -v -e 0x170000000-0x177ffffff (memory46)" 0 "$(verbose_list enabled 46)" "" \
	"45=offline Normal Movable" "46=online Movable" "47=offline Normal Movable"
# 45 and 47 are adjacent to the Movable span [46], not in it: both still
# "Normal Movable", so chmem onlines both Movable; 46 is already enabled.
expect 4 "chmem -v -e $R45_47" 0 "$(blk 45) enabled
$(blk 46) already enabled
$(blk 47) enabled" "" "45-47=online Movable"

# --- BLOCKRANGE and zones ------------------------------------------------
# 41-43 offline inside the Normal span (32 and 44-47 stay online, so the span
# does not shrink): "Normal Movable".  -z Movable onlines 42 Movable; 41 and
# 43 do not intersect the Movable span [42]: still "Normal Movable".
# Disabling with -z Normal only takes blocks whose valid_zones starts with
# Normal: a mismatch for the Movable 42.  Offline again, 42 reads "Normal
# Movable" (the Movable span is empty); -z Normal writes online_kernel:
# Normal.  -z DMA32 on a Normal/Movable block is a zone mismatch (strcasestr).
scenario blocks '
step chmem -v -d -b 41-43
step chmem -v -e -z Movable -b 42
step chmem -v -d -z Normal -b 42
step chmem -v -d -z Movable -b 42
step chmem -v -e -z Normal -b 42
step chmem -v -e -z DMA32 -b 41
step chmem -v -e -b 41
step chmem -e -b 1000-1001
'
expect 1 "chmem -v -d -b 41-43" 0 "$(verbose_list disabled 41 42 43)" "" \
	"41-43=offline Normal Movable"
expect 2 "chmem -v -e -z Movable -b 42" 0 "$(verbose_list enabled 42)" "" \
	"41=offline Normal Movable" "42=online Movable" "43=offline Normal Movable"
expect 3 "chmem -v -d -z Normal -b 42 (a Movable block)" 1 "" \
	"chmem: $(blk 42) disable failed: Zone mismatch" \
	"41=offline Normal Movable" "42=online Movable" "43=offline Normal Movable"
expect 4 "chmem -v -d -z Movable -b 42" 0 "$(verbose_list disabled 42)" "" \
	"41-43=offline Normal Movable"
expect 5 "chmem -v -e -z Normal -b 42" 0 "$(verbose_list enabled 42)" "" \
	"41=offline Normal Movable" "42=online Normal" "43=offline Normal Movable"
expect 6 "chmem -v -e -z DMA32 -b 41" 1 "" \
	"chmem: $(blk 41) enable failed: Zone mismatch" \
	"41=offline Normal Movable" "42=online Normal" "43=offline Normal Movable"
# No -z: valid_zones lists Movable, so chmem writes online_movable.
expect 7 "chmem -v -e -b 41" 0 "$(verbose_list enabled 41)" "" \
	"41=online Movable" "42=online Normal" "43=offline Normal Movable"
expect 8 "chmem -e -b 1000-1001 (no such blocks)" 1 "" "" \
	"41=online Movable" "42=online Normal" "43=offline Normal Movable"

# --- the rule 6.1 and 6.12 follow, and a block inside the Movable span ----------------------
# 44-47 offline: the Normal span shrinks to 32-43.  -z Movable -b 44-46:
# Movable; 47 touches the Movable span 44-46 without intersecting it:
# "Normal Movable", and -z Normal (online_kernel) gives Normal.  Then 45 is
# offlined: it lies inside the Movable span 44-46 and intersects no kernel
# zone span, so its default is Movable: "Movable Normal" (valid_zones_show); chmem -e
# without -z onlines it Movable again.
scenario movable-span '
step chmem -v -d -b 44-47
step chmem -v -e -z Movable -b 44-46
step chmem -v -d -b 45
step chmem -v -e -b 45
step chmem -v -e -z Normal -b 47
step lsmem -r -n -o RANGE,STATE,BLOCK,ZONES
'
expect 1 "chmem -v -d -b 44-47" 0 "$(verbose_list disabled 44 45 46 47)" "" \
	"44-47=offline Normal Movable"
expect 2 "chmem -v -e -z Movable -b 44-46" 0 "$(verbose_list enabled 44 45 46)" "" \
	"44-46=online Movable" "47=offline Normal Movable"
expect 3 "chmem -v -d -b 45 (inside the Movable span)" 0 "$(verbose_list disabled 45)" "" \
	"44=online Movable" "45=offline Movable Normal" "46=online Movable" \
	"47=offline Normal Movable"
expect 4 "chmem -v -e -b 45" 0 "$(verbose_list enabled 45)" "" \
	"44-46=online Movable" "47=offline Normal Movable"
expect 5 "chmem -v -e -z Normal -b 47" 0 "$(verbose_list enabled 47)" "" \
	"44-46=online Movable" "47=online Normal"
expect_out 6 "lsmem -o ZONES afterwards" "$(range 0 0) online 0 None
$(range 1 15) online 1-15 DMA32
$(range 32 43) online 32-43 Normal
$(range 44 46) online 44-46 Movable
$(range 47 47) online 47 Normal"

# --- exit codes: 1 = nothing done, 64 = partial -----------------------------
# memory40 is unmovable: isolation fails with EBUSY (offline_pages: start_isolate_page_range).  A range across
# it does the rest (64).  -d -z Normal 2G then asks for 16 blocks whose
# valid_zones starts with Normal, walking down: 41 and 39 are offline already
# (skipped), 40 fails, 13 go: "Could only disable" 13 x 128M = 1664M ("1.6G").
scenario exit-codes '
step chmem -d -b 40
step chmem -v -d 0x138000000-0x14fffffff
step chmem -v -d -z Normal 2G
step chmem -d 100M
'
expect 1 "chmem -d -b 40 (unmovable)" 1 "" \
	"chmem: $(blk 40) disable failed: Device or resource busy"
expect 2 "chmem -v -d 0x138000000-0x14fffffff (39-41)" 64 "$(verbose_list disabled 39 41)" \
	"chmem: $(blk 40) disable failed: Device or resource busy" \
	"39=offline Normal Movable" "41=offline Normal Movable"
expect 3 "chmem -v -d -z Normal 2G" 64 \
	"$(verbose_list disabled 47 46 45 44 43 42)
$(blk 40) disable failed
$(verbose_list disabled 38 37 36 35 34 33 32)" \
	"chmem: Could only disable 1.6G of memory" \
	"32-39=offline Normal Movable" "41-47=offline Normal Movable"
expect 4 "chmem -d 100M (unaligned)" 1 "" \
	"chmem: Size must be aligned to memory block size (128M)" \
	"32-39=offline Normal Movable" "41-47=offline Normal Movable"

# -d SIZE beyond what can go: 4G = 32 blocks, walking down from 47.  40
# (EBUSY), 15 (holes: EINVAL) and 0 (valid_zones none: EINVAL) fail, the
# other 29 (3712M = "3.6G") go.  In SIZE mode 2.38.1 reports a failed block
# only on stdout with -v ("disable failed", no errno) and nothing on stderr
# but the total.  DMA32 keeps its span (0 and 15 stay online),
# so offline 1-14 read "DMA32 Movable"; the Normal span shrinks to 40.
scenario too-much '
step chmem -v -d 4G
step lsmem --summary=only
step chmem -d -b 1000
step chmem -e 1G
'
expect 1 "chmem -v -d 4G" 64 "$(verbose_list disabled 47 46 45 44 43 42 41)
$(blk 40) disable failed
$(verbose_list disabled 39 38 37 36 35 34 33 32)
$(blk 15) disable failed
$(verbose_list disabled 14 13 12 11 10 9 8 7 6 5 4 3 2 1)
$(blk 0) disable failed" \
	"chmem: Could only disable 3.6G of memory" \
	"1-14=offline DMA32 Movable" "32-39=offline Normal Movable" "41-47=offline Normal Movable"
expect_out 2 "lsmem summary after -d 4G" "$(summary 384M 3.6G)"
expect 3 "chmem -d -b 1000 (no such block)" 1 "" "" \
	"1-14=offline DMA32 Movable" "32-39=offline Normal Movable" "41-47=offline Normal Movable"
# -e 1G = 8 blocks from the lowest: 1-8 list Movable, so online_movable.  The
# Movable span becomes 1-8 (memory0 and 15 keep DMA32's span, as 9-14 show:
# they intersect DMA32 only, "DMA32 Movable").  In SIZE mode without -v,
# success prints nothing.
expect 4 "chmem -e 1G" 0 "" "" \
	"1-8=online Movable" "9-14=offline DMA32 Movable" \
	"32-39=offline Normal Movable" "41-47=offline Normal Movable"

# --- notifier error injection through chmem ----------------------------------
# MEM_GOING_ONLINE = -12: the online is vetoed, the write fails with ENOMEM,
# the block stays offline (online_pages, notifier error injection).  MEM_GOING_OFFLINE = -1: EPERM for 44
# and 46; 45 is "already disabled", which chmem counts as done: partial, 64.
scenario error-inject '
step chmem -d -b 45
inject MEM_GOING_ONLINE -12
step chmem -e -b 45
inject MEM_GOING_ONLINE 0
inject MEM_GOING_OFFLINE -1
step chmem -v -d -b 44-46
inject MEM_GOING_OFFLINE 0
step chmem -v -e -b 45
'
expect 1 "chmem -d -b 45" 0 "" "" "45=offline Normal Movable"
expect 2 "chmem -e -b 45 with MEM_GOING_ONLINE=-12" 1 "" \
	"chmem: $(blk 45) enable failed: Cannot allocate memory" "45=offline Normal Movable"
expect 3 "chmem -v -d -b 44-46 with MEM_GOING_OFFLINE=-1" 64 "$(blk 45) already disabled" \
	"chmem: $(blk 44) disable failed: Operation not permitted
chmem: $(blk 46) disable failed: Operation not permitted" "45=offline Normal Movable"
expect 4 "chmem -v -e -b 45 after clearing the injection" 0 "$(verbose_list enabled 45)" "" \
	"45=online Movable"

finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel's memory-hotplug selftest, tools/testing/selftests/memory-hotplug/
# mem-on-off-test.sh from Debian's linux-source-6.1, unmodified, against
# fixtures/chmem-vm.json through `hotplugfs run` (docs/selftest.md,
# lib/memory-notifier-error-inject.c).  The script is upstream's and is not part of
# this project: it is extracted at test time into a cache in the build
# directory.
#
# Phase 1 (online all, offline ratio%, online all) and phase 2 (notifier error
# injection) must both run.  The selftest reports failures only as messages
# ("unexpected ...", "FAILED ...") and through its exit status, so the test
# checks its whole stdout (deterministic for both ratios used here, see below),
# that stderr is empty, and the machine afterwards.
#
# Safety: phase 2 runs /sbin/modprobe and writes the first debugfs mount's
# notifier-error-inject files.  `hotplugfs run` guards both; before starting the
# selftest the test checks inside the namespace that modprobe is not the host's
# kmod and that debugfs (if any) is served by FUSE, and refuses otherwise.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"

SELFTEST=tools/testing/selftests/memory-hotplug/mem-on-off-test.sh
TARBALL=/usr/src/linux-source-6.1.tar.xz

skip_unless_root "hotplugfs run"
if [ ! -e "$TARBALL" ]; then
	echo "SKIP: linux-source-6.1 not installed (apt-get install linux-source-6.1)"; exit 77
fi
if ! command -v bc > /dev/null; then
	echo "SKIP: bc not installed (the selftest computes its target with bc)"; exit 77
fi
if ! unshare -m --propagation private true 2>/dev/null; then
	echo "SKIP: cannot create a private mount namespace"; exit 77
fi

# The selftest, cached next to the build (meson sets no build-root variable
# for tests; HOTPLUGFS is BUILD/fs/hotplugfs).
case $HOTPLUGFS in
*/*) CACHE=$(cd "${HOTPLUGFS%/*}/.." && pwd)/selftest-cache ;;
*) CACHE=${TMPDIR:-/tmp}/hotplugfs-selftest-cache ;;   # a binary found in PATH
esac
SCRIPT=$CACHE/mem-on-off-test.sh
if [ ! -s "$SCRIPT" ] || [ "$TARBALL" -nt "$SCRIPT" ]; then
	mkdir -p "$CACHE"
	if ! tar -xJf "$TARBALL" --wildcards "*/$SELFTEST" -O > "$SCRIPT.tmp" ||
	   [ ! -s "$SCRIPT.tmp" ]; then
		rm -f "$SCRIPT.tmp"
		echo "FAIL: cannot extract $SELFTEST from $TARBALL"
		echo "0 passed, 1 failed"; exit 1
	fi
	chmod 755 "$SCRIPT.tmp" && mv "$SCRIPT.tmp" "$SCRIPT"
fi

FIXTURE=$SRCDIR/fixtures/chmem-vm.json

scratch selftest

# Inside the machine: refuse unless phase 2 cannot reach the host, run the
# selftest, then record every block's state and zone.
# shellcheck disable=SC2016  # expanded by the shell inside the machine
INNER='
T=$1; shift
if [ -e /sbin/modprobe ] && /sbin/modprobe --version 2>/dev/null | grep -q kmod; then
	echo "/sbin/modprobe is the host kmod" > "$T/unsafe"; exit 98
fi
dbg=$(mount -t debugfs | head -1 | awk "{ print \$3 }")
if [ -n "$dbg" ] && [ "$(stat -f -c %T "$dbg" 2>/dev/null)" != fuseblk ]; then
	echo "the first debugfs mount ($dbg) is the host debugfs" > "$T/unsafe"; exit 98
fi
"$@"
rc=$?
for d in /sys/devices/system/memory/memory*; do
	echo "${d##*/memory} $(cat $d/state) $(cat $d/valid_zones)"
done | sort -n > "$T/view"
if [ -n "$dbg" ]; then
	for a in MEM_GOING_ONLINE MEM_GOING_OFFLINE; do
		echo "$a $(cat "$dbg/notifier-error-inject/memory/actions/$a/error" 2>&1)"
	done > "$T/inject"
fi
exit $rc
'

# selftest ARGS...: one fresh machine; sets RC, $T/out, $T/err, $T/view.
selftest() {
	rm -f "$T/out" "$T/err" "$T/view" "$T/inject" "$T/unsafe"
	LC_ALL=C timeout --kill-after=5 60 "$HOTPLUGFS" run "$FIXTURE" -- \
		sh -c "$INNER" sh "$T" "$SCRIPT" "$@" > "$T/out" 2> "$T/err"
	RC=$?
}

# The blocks in the order of the selftest's glob $SYSFS/.../memory* (C
# collation: memory0 memory1 memory10 ... memory15 memory2 memory3 memory32 ...).
# All 32 are "hot-pluggable" to it: removable is always 1 (removable_show, 5.6+).
GLOB_ORDER=$(for b in $(seq 0 15) $(seq 32 47); do echo "memory$b"; done | LC_ALL=C sort)
TAB=$'\t'

# phase1_stdout RATIO TARGET FAILING...: the selftest's stdout.  All blocks
# start online, so the first "online all" finds none offline.  Offlining walks
# the glob order until TARGET blocks went offline; of the blocks it tries,
# memory0 (valid_zones none), memory15 (holes) and memory40 (unmovable) fail.
# Then every block it offlined is onlined again, in glob order.  Phase 2
# prints nothing on stdout.
phase1_stdout() {
	local ratio=$1 target=$2 total=32 m n done_=() left
	echo "Test scope: $ratio% hotplug memory"
	echo "$TAB online all hot-pluggable memory in offline state:"
	echo "$TAB$TAB SKIPPED - no hot-pluggable memory in offline state"
	echo "$TAB offline $ratio% hot-pluggable memory in online state"
	echo "$TAB trying to offline $target out of $total memory block(s):"
	left=$target
	for m in $GLOB_ORDER; do
		[ "$left" -gt 0 ] || break
		echo "online->offline $m"
		case $m in
		memory0 | memory15 | memory40) echo "-> Failure" ;;
		*) echo "-> Success"; done_+=("$m"); left=$((left - 1)) ;;
		esac
	done
	[ "$left" -gt 0 ] &&
		echo "$TAB$TAB FAILED - unable to offline some memory blocks, device busy?"
	echo "$TAB online all hot-pluggable memory in offline state:"
	if [ ${#done_[@]} -gt 0 ]; then
		for n in "${done_[@]}"; do echo "offline->online $n"; done
	else
		echo "$TAB$TAB SKIPPED - no hot-pluggable memory in offline state"
	fi
	echo "$TAB Test with memory notifier error injection"
}

# The machine as booted, which is also where the selftest must leave it: every
# block online again, and in its boot zone, because `echo online` (MMOP_ONLINE,
# contig-zones) picks the kernel zone when Movable is empty (zone_for_pfn_range).
base_view() {
	echo "0 online none"
	for b in $(seq 1 15); do echo "$b online DMA32"; done
	for b in $(seq 32 47); do echo "$b online Normal"; done
}

check_run() {
	local name=$1 want_rc=$2 want_out=$3
	if [ -e "$T/unsafe" ]; then
		bad "$name: not run: $(cat "$T/unsafe") (needs run's modprobe guard and debugfs overmount)"
		return
	fi
	same "$name: exit status" "$RC" "$want_rc"
	same_text "$name: stdout" "$(cat "$T/out")" "$want_out"
	same_text "$name: stderr is empty" "$(cat "$T/err")" ""
	if grep -q 'skip extra tests' "$T/err"; then
		bad "$name: phase 2 (error injection) was skipped: $(grep 'skip extra tests' "$T/err")"
	else
		ok
	fi
	if grep -qiE 'unexpected|fail' "$T/err"; then
		bad "$name: the selftest reported failures: $(grep -ciE 'unexpected|fail' "$T/err") lines"
	else
		ok
	fi
	same_text "$name: every block online in its boot zone afterwards" \
		"$(cat "$T/view" 2>/dev/null)" "$(base_view)"
	# The selftest clears both injections before it ends.
	same_text "$name: injection cleared afterwards" "$(cat "$T/inject" 2>/dev/null)" \
		"MEM_GOING_ONLINE 0
MEM_GOING_OFFLINE 0"
}

# -r 100: all 32 blocks are to go; memory0, memory15 and memory40 cannot, so
# the selftest prints FAILED ("device busy?") and exits 1: the expected
# outcome on this machine, like on a real guest whose first block holds the
# kernel.  Phase 2 then vetoes every online of the 29 offline blocks and every
# offline of the 32 online ones (stderr stays empty only if every write
# failed as injected and left the block where it was).
selftest -r 100
check_run "mem-on-off-test.sh -r 100" 1 "$(phase1_stdout 100 32)"

# Default ratio 2: target = ceil(32 * 2 / 100) = 1; memory0 fails, memory1
# goes.  Phase 2 picks blocks with $RANDOM, which only changes which writes
# are vetoed, never the expected (empty) stderr; the exit status is 0.
selftest
check_run "mem-on-off-test.sh (default ratio 2)" 0 "$(phase1_stdout 2 1)"

finish

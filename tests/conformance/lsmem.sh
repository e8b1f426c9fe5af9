#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# util-linux conformance: every dump of util-linux's lsmem/chmem tests is
# captured into a fixture, served, and lsmem 2.38.1 must print over the served
# tree what it prints over the real one (the goldens), with nothing on stderr.
# The data stays in ../shared/conformance (read at run time, never copied into
# the project).  Mounts only inside a private mount namespace.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
CONF=$SRCDIR/../shared/conformance/util-linux
if [ ! -d "$CONF" ]; then
	echo "SKIP: ../shared/conformance/util-linux not found"; exit 77
fi
if ! command -v lsmem > /dev/null; then
	echo "SKIP: lsmem not installed"; exit 77
fi

in_private_ns 540 "$@"

export LANG=POSIX LANGUAGE=POSIX LC_ALL=POSIX CHARSET=UTF-8
ok() { pass=$((pass + 1)); echo "PASS: $*"; }
scratch lsmem

# The goldens were made with Debian's lsmem 2.38.1; another version prints
# other widths, so then only the differential oracle applies.
USE_GOLDEN=1
lsmem --version | grep -q ' 2\.38\.1$' || { USE_GOLDEN=0; echo "NOTE: lsmem is not 2.38.1, goldens skipped"; }

# The 8 invocations of util-linux v2.38.1 tests/ts/lsmem/lsmem, formatted as
# run-lsmem-ts.sh does (note "$ lsmem " with a trailing space for the last).
run_lsmem() {   # SYSROOT OUT ERR
	local L=RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE o
	: > "$2"; : > "$3"
	for o in "--split=STATE,REMOVABLE" "--output RANGE,SIZE --split none" \
		 "--output RANGE,SIZE,STATE --split STATE" "--all --output $L" \
		 "--raw --output $L --split $L" "--json --output $L --split $L" "-o +ZONES" ""; do
		echo -e "\n---\n" >> "$2"
		echo "\$ lsmem $o" >> "$2"
		# shellcheck disable=SC2086 # options are split on purpose
		timeout 120 lsmem $o --sysroot "$1" >> "$2" 2>> "$3"
	done
}

check_lsmem() {   # LABEL SERVED-SYSROOT PLAIN-SYSROOT NAME
	local base=$T/lsmem-${1//\//-}
	local out=$base.out err=$base.err want=$CONF/golden-2.38.1/lsmem-$4 oracle=golden
	run_lsmem "$2" "$out" "$err"
	if [ $USE_GOLDEN = 0 ] || [ ! -f "$want" ]; then
		# No golden (the chmem dumps): lsmem over the extracted dump is the oracle.
		want=$base.want; oracle=plain
		run_lsmem "$3" "$want" "$base.want.err"
	fi
	if cmp -s "$want" "$out" && [ ! -s "$err" ]; then ok "$1: lsmem output equals the $oracle output"
	else
		bad "$1: lsmem over the served tree differs from $oracle (stderr: $(wc -c < "$err") bytes)"
		diff -u "$want" "$out" | head -20; head -5 "$err"
	fi
}

# Every file and symlink of the dump, byte for byte (read into a plain file
# first: cmp -s trusts st_size, and sysfs files report 4096), except
# power/autosuspend_delay_ms: the kernel fails its read with EIO (memory
# devices have no autosuspend), so cp -r left an empty file in the dump.
compare_dump() {   # LABEL DUMP-MEMORY-DIR SERVED-MEMORY-DIR
	local rel differing=()
	while IFS= read -r -d '' rel; do
		rel=${rel#./}
		case $rel in power/autosuspend_delay_ms|*/power/autosuspend_delay_ms) continue ;; esac
		if [ -L "$2/$rel" ]; then
			[ "$(readlink "$2/$rel")" = "$(readlink "$3/$rel" 2>/dev/null)" ] && continue
		elif cat "$3/$rel" > "$T/copy" 2>/dev/null && cmp -s "$2/$rel" "$T/copy"; then
			continue
		fi
		differing+=("$rel")
	done < <(cd "$2" && find . \( -type f -o -type l \) -print0)
	if [ ${#differing[@]} = 0 ]; then ok "$1: every file of the dump served byte for byte"
	else
		bad "$1: ${#differing[@]} files differ from the dump or are missing:" \
		    "$(printf '%s\n' "${differing[@]}" | sed -E 's/memory[0-9]+/memoryN/' |
		      sort | uniq -c | awk '{ printf "%s(x%s) ", $2, $1 }')"
	fi
	local blk
	blk=$(cd "$3" && ls -d memory[0-9]* | head -1)
	if ! cat "$3/$blk/power/autosuspend_delay_ms" > /dev/null 2> "$T/eio" &&
	   grep -q 'Input/output error' "$T/eio"; then ok "$1: power/autosuspend_delay_ms reads EIO"
	else bad "$1: reading power/autosuspend_delay_ms does not fail with EIO"; fi
}

check_dump() {   # SET TARBALL
	local name label x fx mnt
	name=$(basename "$2" .tar.bz2); label=$1/$name
	x=$T/extract/$1; fx=$T/fixtures/$1-$name.json; mnt=$T/served/$1/$name
	mkdir -p "$x" "$T/fixtures"
	if ! tar --no-same-owner -C "$x" -jxf "$2"; then bad "$label: cannot extract"; return; fi
	if ! "$HOTPLUGFS" capture --sysroot "$x/$name" --description "util-linux dump $label" \
	     -o "$fx"; then
		bad "$label: capture"; return
	fi
	if ! mount_fixture "$fx" "$mnt"; then bad "$label: mount"; return; fi
	ok "$label: captured and mounted"
	check_lsmem "$label" "$mnt" "$x/$name" "$name"
	compare_dump "$label" "$x/$name/sys/devices/system/memory" "$mnt/sys/devices/system/memory"
}

for set in v2.38.1/dumps HEAD/dumps HEAD/chmem-dumps; do
	for tarball in "$CONF/$set"/*.tar.bz2; do
		[ -e "$tarball" ] && check_dump "${set//\//-}" "$tarball"
	done
done

# The conformance folder's own runner, pointed at the served v2.38.1 dumps.
# It writes under out/ beside itself, so it runs from a scratch copy.
cp -r "$CONF" "$T/conf"
rm -rf "$T/conf/out"
if [ $USE_GOLDEN = 1 ]; then
	bash "$T/conf/run-lsmem-ts.sh" v2.38.1 lsmem "$T/served/v2.38.1-dumps" > "$T/runner.log" 2>&1
	runner_pass=$(grep -c '^PASS' "$T/runner.log"); runner_fail=$(grep -c '^FAIL' "$T/runner.log")
	pass=$((pass + runner_pass)); fail=$((fail + runner_fail))
	sed -n 's/^PASS /PASS: run-lsmem-ts.sh /p' "$T/runner.log"
	if [ "$runner_pass" = 0 ] || [ "$runner_fail" != 0 ]; then
		[ "$runner_pass$runner_fail" = 00 ] && fail=$((fail + 1))
		echo "FAIL: run-lsmem-ts.sh v2.38.1 over the served tree:"; cat "$T/runner.log"
	fi
fi

finish

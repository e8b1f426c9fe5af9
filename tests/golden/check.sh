#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden views: `hotplugfs show FIXTURE VIEW` for every bundled fixture must
# equal tests/golden/FIXTURE/VIEW byte for byte; for a fixture with a
# scenario, `hotplugfs show FIXTURE VIEW --step N` must equal
# tests/golden/FIXTURE/stepN/VIEW for every N from 0 to the number of ops.
# Goldens change only through tests/golden/regenerate.sh, and the diff is
# reviewed like code.
set -u
: "${HOTPLUGFS:?path to the hotplugfs binary}" "${SRCDIR:?repository root}"
VIEWS="iomem memmap memory node"
pass=0 fail=0
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT

# check LABEL GOLDEN_DIR FIXTURE [--step N]
check() {
	local label=$1 dir=$2 fixture=$3 view golden rc; shift 3
	for view in $VIEWS; do
		golden=$dir/$view
		"$HOTPLUGFS" show "$fixture" "$view" "$@" > "$out/got" 2> "$out/err"
		rc=$?
		if [ ! -e "$golden" ]; then
			# A view the machine does not have (s390: no firmware map) must say so.
			if [ $rc -ne 0 ] && [ -s "$out/err" ]; then pass=$((pass+1)); continue; fi
			echo "FAIL $label/$view: no golden file, but the view exists"; fail=$((fail+1)); continue
		fi
		if [ $rc -eq 0 ] && cmp -s "$golden" "$out/got"; then
			pass=$((pass+1))
		else
			echo "FAIL $label/$view (exit $rc)"; cat "$out/err"; diff -u "$golden" "$out/got" | head -20
			fail=$((fail+1))
		fi
	done
}

for fixture in "$SRCDIR"/fixtures/*.json; do
	name=$(basename "$fixture" .json)
	steps=$("$HOTPLUGFS" show "$fixture" steps 2> "$out/err")
	if [ -z "$steps" ]; then
		echo "FAIL $name: $(cat "$out/err")"; fail=$((fail+1)); continue
	fi
	if [ "$steps" -eq 0 ]; then
		check "$name" "$SRCDIR/tests/golden/$name" "$fixture"
		continue
	fi
	for ((n = 0; n <= steps; n++)); do
		if [ ! -d "$SRCDIR/tests/golden/$name/step$n" ]; then
			echo "FAIL $name/step$n: no golden directory"; fail=$((fail+1)); continue
		fi
		check "$name/step$n" "$SRCDIR/tests/golden/$name/step$n" "$fixture" --step "$n"
	done
	if [ -d "$SRCDIR/tests/golden/$name/step$((steps+1))" ]; then
		echo "FAIL $name: stale golden directory step$((steps+1))"; fail=$((fail+1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden views: `hotplugfs show FIXTURE VIEW` for every bundled fixture must
# equal tests/golden/FIXTURE/VIEW byte for byte.  Goldens change only through
# tests/golden/regenerate.sh, and the diff is reviewed like code.
set -u
: "${HOTPLUGFS:?path to the hotplugfs binary}" "${SRCDIR:?repository root}"
VIEWS="iomem memmap memory node"
pass=0 fail=0
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
for fixture in "$SRCDIR"/fixtures/*.json; do
	name=$(basename "$fixture" .json)
	for view in $VIEWS; do
		golden=$SRCDIR/tests/golden/$name/$view
		"$HOTPLUGFS" show "$fixture" "$view" > "$out/got" 2> "$out/err"
		rc=$?
		if [ ! -e "$golden" ]; then
			# A view the machine does not have (s390: no firmware map) must say so.
			if [ $rc -ne 0 ] && [ -s "$out/err" ]; then pass=$((pass+1)); continue; fi
			echo "FAIL $name/$view: no golden file, but the view exists"; fail=$((fail+1)); continue
		fi
		if [ $rc -eq 0 ] && cmp -s "$golden" "$out/got"; then
			pass=$((pass+1))
		else
			echo "FAIL $name/$view (exit $rc)"; diff -u "$golden" "$out/got" | head -20
			fail=$((fail+1))
		fi
	done
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

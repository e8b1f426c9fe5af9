#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The only way goldens change: rewrite tests/golden/* from the current binary.
# A fixture with a scenario gets one directory per step, stepN/VIEW: the
# machine after its first N ops (step0: as booted, the last: every op).
# Review `git diff tests/golden` before committing.
set -eu
HOTPLUGFS=${HOTPLUGFS:-build/fs/hotplugfs}
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$HOTPLUGFS" ] || { echo "regenerate: $HOTPLUGFS is not an executable; build first" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# views DIR FIXTURE [--step N]
views() {
	local dir=$1 fixture=$2 view; shift 2
	mkdir -p "$dir"
	for view in iomem memmap memory node; do
		if ! "$HOTPLUGFS" show "$fixture" "$view" "$@" > "$dir/$view" 2> "$tmp/err"; then
			# Only a view the machine does not have may be missing.
			grep -q "this machine has no" "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
			rm -f "$dir/$view"
		fi
	done
}

for fixture in "$SRCDIR"/fixtures/*.json; do
	name=$(basename "$fixture" .json)
	steps=$("$HOTPLUGFS" show "$fixture" steps)
	if [ "$steps" -eq 0 ]; then
		views "$tmp/out/$name" "$fixture"
		continue
	fi
	for ((n = 0; n <= steps; n++)); do
		views "$tmp/out/$name/step$n" "$fixture" --step "$n"
	done
done
# Everything generated: only now replace the goldens.
for dir in "$tmp"/out/*/; do
	name=$(basename "$dir")
	rm -rf "$SRCDIR/tests/golden/$name"
	cp -r "$dir" "$SRCDIR/tests/golden/$name"
done
echo "regenerated; now review: git diff --stat tests/golden"

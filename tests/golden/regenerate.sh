#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The only way goldens change: rewrite tests/golden/* from the current binary.
# Review `git diff tests/golden` before committing.
set -eu
HOTPLUGFS=${HOTPLUGFS:-build/fs/hotplugfs}
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$HOTPLUGFS" ] || { echo "regenerate: $HOTPLUGFS is not an executable; build first" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for fixture in "$SRCDIR"/fixtures/*.json; do
	name=$(basename "$fixture" .json)
	mkdir -p "$tmp/$name"
	for view in iomem memmap memory node; do
		if ! "$HOTPLUGFS" show "$fixture" "$view" > "$tmp/$name/$view" 2> "$tmp/err"; then
			# Only a view the machine does not have may be missing.
			grep -q "this machine has no" "$tmp/err" || { cat "$tmp/err" >&2; exit 1; }
			rm -f "$tmp/$name/$view"
		fi
	done
done
# Everything generated: only now replace the goldens.
for dir in "$tmp"/*/; do
	name=$(basename "$dir")
	rm -rf "$SRCDIR/tests/golden/$name"
	cp -r "$dir" "$SRCDIR/tests/golden/$name"
done
echo "regenerated; now review: git diff --stat tests/golden"

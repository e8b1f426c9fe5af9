#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The only way goldens change: rewrite tests/golden/* from the current binary.
# Review `git diff tests/golden` before committing.
set -eu
HOTPLUGFS=${HOTPLUGFS:-build/fs/hotplugfs}
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
for fixture in "$SRCDIR"/fixtures/*.json; do
	name=$(basename "$fixture" .json)
	rm -rf "$SRCDIR/tests/golden/$name"; mkdir -p "$SRCDIR/tests/golden/$name"
	for view in iomem memmap memory node; do
		if ! "$HOTPLUGFS" show "$fixture" "$view" > "$SRCDIR/tests/golden/$name/$view" 2>/dev/null; then
			rm -f "$SRCDIR/tests/golden/$name/$view"
		fi
	done
done
echo "regenerated; now review: git diff --stat tests/golden"

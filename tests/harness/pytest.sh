#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs pytest FILES... with harness/ on the Python path and the fixtures
# found by name: the Python harness's own tests and the example in docs/.
# Debian's python3-pytest is in /usr/bin/python3, which need not be the
# first python3 on PATH.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
for py in python3 /usr/bin/python3; do
	if "$py" -c 'import pytest' 2> /dev/null; then
		cd "$SRCDIR" || exit 1
		export PYTHONPATH=$SRCDIR/harness${PYTHONPATH:+:$PYTHONPATH}
		export HOTPLUGFS_FIXTURES_DIR=$SRCDIR/fixtures
		# -p: the hotplugfs_machine fixture and its marker; no cache in the tree.
		exec "$py" -m pytest -q -p hotplugfs_test -p no:cacheprovider "$@"
	fi
done
echo "SKIP: no pytest (Debian: python3-pytest)"
exit 77

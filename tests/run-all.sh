#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds and runs every test: `tests/run-all.sh` normally, `--sanitize` under
# ASan+UBSan (a separate build directory).  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
dir=build opts=()
if [ "${1:-}" = --sanitize ]; then
	dir=build-sanitize
	opts=(-Db_sanitize=address,undefined -Db_lundef=false)
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	# The QEMU guests run once per CI run, in the normal pass: under the
	# sanitizers they would only double CI's time (tests/kernel/README.md).
	export HOTPLUGFS_SKIP_KERNEL=1
	# Tests that build their own copy (install, fresh-user) run in the plain pass only.
	export HOTPLUGFS_SANITIZE=1
fi
if [ ! -d "$dir" ]; then
	meson setup "$dir" "${opts[@]}" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }
fi
ninja -C "$dir" >/dev/null || { ninja -C "$dir"; echo "0 passed, 1 failed"; exit 1; }
meson test -C "$dir" --print-errorlogs --num-processes 1 "${@:2}" | tee "$dir/test-summary.txt"
rc=${PIPESTATUS[0]}
ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$dir/test-summary.txt")
bad=0
for k in Fail "Unexpected Pass" Timeout; do
	n=$(sed -n "s/^$k: *\([0-9]*\).*/\1/p" "$dir/test-summary.txt"); bad=$((bad + ${n:-0}))
done
skipped=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$dir/test-summary.txt")
echo "${ok:-0} passed, $bad failed, ${skipped:-0} skipped"
exit $rc

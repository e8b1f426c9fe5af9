#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ndctl and daxctl 76.1 (Debian bookworm), unmodified, through `hotplugfs run`
# on fixtures/nvdimm-kmem.json (booted, and at the devdax step of its
# scenario) and fixtures/cxl-kmem.json: every command is printed with its
# output and exit status, and the transcript must equal
# tests/golden/ndctl/NAME.txt.  Random uuids from ndctl are shown as <uuid>.
# The expectations follow the kernel's sysfs code (docs/ndctl.md); then
# fixtures/nvdimm-qemu.json against the transcripts of real 6.1 and 6.12
# kernels (tests/kernel/ndctl-real).
# Regenerate the transcripts (after checking them) with
#   HOTPLUGFS_REGEN_GOLDEN=1 HOTPLUGFS=build/fs/hotplugfs SRCDIR=. bash tests/tools/ndctl.sh
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"

skip_unless_root "hotplugfs run"
if ! command -v ndctl > /dev/null || ! command -v daxctl > /dev/null; then
	echo "SKIP: ndctl/daxctl not installed"; exit 77
fi
if ! unshare -m --propagation private true 2>/dev/null; then
	echo "SKIP: cannot create a private mount namespace"; exit 77
fi
for t in ndctl daxctl; do
	[ "$($t --version)" = 76.1 ] || echo "note: expectations are for $t 76.1, found $($t --version)"
done
export LC_ALL=POSIX LANG=POSIX LANGUAGE=POSIX
GOLDEN=$SRCDIR/tests/golden/ndctl
scratch ndctl

# Inside the machine: `show CMD...` prints "$ CMD", its output and its exit status.
# shellcheck disable=SC2016  # expanded by the shell inside the machine
INNER='
show() {
	echo "\$ $*"
	"$@" 2>&1
	echo "[exit $?]"
}
'

# transcript NAME FIXTURE SCRIPT: the commands of SCRIPT on a fresh FIXTURE.
transcript() {
	local name=$1 fixture=$2 got want
	timeout --kill-after=5 120 "$HOTPLUGFS" run "$fixture" -- sh -c "$INNER$3" \
		> "$T/$name.raw" 2> "$T/$name.err"
	check "$name: run exits 0 ($(head -c 300 "$T/$name.err"))" [ $? = 0 ]
	got=$(sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g' \
		"$T/$name.raw")
	printf '%s\n' "$got"
	if [ "${HOTPLUGFS_REGEN_GOLDEN:-}" = 1 ]; then
		printf '%s\n' "$got" > "$GOLDEN/$name.txt"
		return
	fi
	want=$(cat "$GOLDEN/$name.txt" 2>/dev/null)
	same_text "$name: transcript" "$got" "$want"
}

# The booted NVDIMM machine: region0, no namespace yet.
without_scenario "$SRCDIR/fixtures/nvdimm-kmem.json" "$T/nvdimm-boot.json"
transcript nvdimm-create "$T/nvdimm-boot.json" '
show ndctl list -RN
show daxctl list
show ndctl create-namespace -m devdax -r region0
show ndctl list -RN
show daxctl list -D -R
show stat -c %n:%F:%t:%T:%a:%U /dev/dax0.0
show cat /sys/bus/dax/devices/dax0.0/resource /sys/bus/dax/devices/dax0.0/target_node
grep -e namespace -e dax /proc/iomem
show daxctl reconfigure-device --mode=system-ram dax0.0
grep -A1 dax0.0 /proc/iomem
show lsmem -o RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES
show readlink /sys/bus/dax/devices/dax0.0/driver
show daxctl offline-memory dax0.0
show daxctl online-memory dax0.0
show daxctl reconfigure-device --mode=devdax dax0.0
show daxctl reconfigure-device --mode=devdax --force dax0.0
grep -A1 dax0.0 /proc/iomem
show lsmem -o RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES
show daxctl list
'

# The scenario up to devdax (namespace-reconfigure), then kmem with a
# block that cannot go offline: the kernel keeps kmem's resources.
python3 - "$SRCDIR/fixtures/nvdimm-kmem.json" > "$T/nvdimm-devdax.json" <<'PY'
import json, sys
fx = json.load(open(sys.argv[1]))
fx["scenario"] = fx["scenario"][:2]
json.dump(fx, sys.stdout, indent=1)
PY
transcript nvdimm-devdax "$T/nvdimm-devdax.json" '
show ndctl list -RN
show daxctl reconfigure-device --mode=system-ram dax0.0
show daxctl list
show ls /sys/bus/dax/drivers/kmem
show daxctl offline-memory dax0.0
show daxctl online-memory --no-movable dax0.0
show daxctl list
'

# CXL: dax0.0 unbound by the scenario after offlining, dax1.0 stuck.
transcript cxl-kmem "$SRCDIR/fixtures/cxl-kmem.json" '
show daxctl list -D -R
show ndctl list -RN
show ls /sys/bus/dax/devices
show readlink -f /sys/bus/dax/devices/dax0.0
show daxctl reconfigure-device --mode=system-ram dax0.0
show daxctl reconfigure-device --mode=devdax dax1.0
show daxctl list
grep -e dax -e kmem /proc/iomem
'

# The command sequence of tests/kernel/ndctl_test.py on fixtures/nvdimm-qemu.json
# against what Debian's 6.1 and 6.12 kernels printed with QEMU's NVDIMM
# (tests/kernel/ndctl-real, recorded by that test's --save): one line per command.
if [ "${HOTPLUGFS_REGEN_GOLDEN:-}" != 1 ]; then
	PYTHONDONTWRITEBYTECODE=1 HOTPLUGFS_KERNEL_WORK='' timeout --kill-after=5 300 \
		python3 "$SRCDIR/tests/kernel/ndctl_test.py" --real "$SRCDIR/tests/kernel/ndctl-real" \
		> "$T/real.out" 2>&1
	rc=$?
	sed 's/^/    /' "$T/real.out"
	if [ $rc = 77 ]; then
		echo "note: the recorded real-kernel transcripts were not compared: $(tail -1 "$T/real.out")"
	else
		check "the recorded 6.1 and 6.12 transcripts (ndctl_test.py --real)" [ $rc = 0 ]
	fi
fi
finish

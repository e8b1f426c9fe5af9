#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `hotplugfs capture` binds the pmem ranges of /proc/iomem to the nd regions
# /sys/bus/nd shows (the literal form's nd-region devices): the legacy-pmem
# guest of tests/kernel/differential.py as a Debian 6.12 kernel showed it,
# e820 region0 with namespace0.0 and the label-less NVDIMM's region1 with
# namespace1.0, each claimed raw by nd_pmem; a region whose namespace has a
# holder (fsdax through pfnX.Y) gets no entry.  The fixture then boots with
# the namespaces as devices: namespace-reconfigure makes devdax of them.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
scratch capture-nd
S=$T/root

put() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" > "$1"; }

# region BUS_DIR N START NSTYPE PROVIDER [HOLDER]
region() {
	local bus=$S/sys/devices/$1 r=$2
	put "$bus/provider" "$5"
	put "$bus/region$r/resource" "$3"
	put "$bus/region$r/nstype" "$4"
	put "$bus/region$r/target_node" 0
	put "$bus/region$r/namespace$r.0/holder" "${6:-}"
	mkdir -p "$S/sys/bus/nd/devices"
	ln -s "../../../devices/$1/region$r" "$S/sys/bus/nd/devices/region$r"
	ln -s "../../../devices/$1/region$r/namespace$r.0" "$S/sys/bus/nd/devices/namespace$r.0"
}

mkdir -p "$S/proc"
cat > "$S/proc/iomem" <<'IOMEM'
00000000-1fffffff : System RAM
20000000-2fffffff : Persistent Memory (legacy)
  20000000-2fffffff : namespace0.0
30000000-3fffffff : System RAM
100000000-10fffffff : Persistent Memory
  100000000-10fffffff : namespace1.0
IOMEM
region platform/e820_pmem/ndbus0 0 0x20000000 4 e820
region LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus1 1 0x100000000 4 ACPI.NFIT

devices() {
	python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1])).get("devices"), sort_keys=True))' "$1"
}

check "capture" "$HOTPLUGFS" capture --sysroot "$S" --kernel 6.12 --arch x86_64 -o "$T/fx.json"
same "devices" "$(devices "$T/fx.json")" \
'[{"bus": "e820", "mode": "raw", "namespace": "namespace0.0", "node": 0, "region": "region0", "start": "0x20000000", "type": "nd-region"}, {"bus": "nfit", "labels": false, "mode": "raw", "namespace": "namespace1.0", "node": 0, "region": "region1", "start": "0x100000000", "type": "nd-region"}]'

# The bound namespaces are the model's: reconfigured to devdax, each keeps
# its info block and memmap prefix and gets daxX.Y (__dax_pmem_probe()).
python3 - "$T/fx.json" "$T/chain.json" <<'PY'
import json, sys
fx = json.load(open(sys.argv[1]))
fx["scenario"] = [{"op": "namespace-reconfigure", "device": "namespace%d.0" % r, "mode": "devdax"}
                  for r in (0, 1)]
json.dump(fx, open(sys.argv[2], "w"))
PY
same_text "devdax" "$("$HOTPLUGFS" show "$T/chain.json" iomem 2>&1)" \
"00000000-1fffffff : System RAM
20000000-2fffffff : Persistent Memory (legacy)
  20000000-205fffff : namespace0.0
  20600000-2fffffff : dax0.0
30000000-3fffffff : System RAM
100000000-10fffffff : Persistent Memory
  100000000-1005fffff : namespace1.0
  100600000-10fffffff : dax1.0"

# fsdax (pfn1.0 holds namespace1.0): not what the model binds, no entry.
put "$S/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus1/region1/namespace1.0/holder" pfn1.0
check "capture with a holder" "$HOTPLUGFS" capture --sysroot "$S" --kernel 6.12 --arch x86_64 -o "$T/fx2.json"
same "devices with a holder" "$(devices "$T/fx2.json")" \
'[{"bus": "e820", "mode": "raw", "namespace": "namespace0.0", "node": 0, "region": "region0", "start": "0x20000000", "type": "nd-region"}]'
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `hotplugfs ctl` against a real daemon: a kernel failure is printed as one
# line naming its errno once, exactly; the reply on the socket still carries
# errno and errno_name (docs/control-protocol.md).  Mounts only in a private
# mount namespace (re-executes itself under unshare); every daemon and client
# is bounded by timeout.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "FUSE mounts"
if ! command -v python3 >/dev/null; then
	echo "SKIP: needs python3 (a raw socket client)"; exit 77
fi
in_private_ns 120 "$@"

scratch ctl-errno
MNT=$T/mnt; SOCK=$T/ctl.sock

# The DIMM fixture as booted (1 GiB of RAM, 128 MiB blocks, room for DIMMs at
# 4 GiB), without its scenario: the test drives the machine itself.
without_scenario "$SRCDIR/fixtures/dimm-hotplug-6.1.json" "$T/fixture.json"

ctl() { timeout --kill-after=2 20 "$HOTPLUGFS" ctl "$SOCK" "$@"; }
# refused NAME WANT-STDERR ARGS...: exit 1 and exactly that one line on stderr.
refused() {
	local name=$1 want=$2 err rc; shift 2
	err=$(ctl "$@" 2>&1 >/dev/null); rc=$?
	same "$name: status" "$rc" 1
	same_text "$name: message" "$err" "$want"
}

if ! mount_fixture "$T/fixture.json" "$MNT" --control "$SOCK" || ! [ -S "$SOCK" ]; then
	bad "mount -f --control did not mount and listen"
	finish; exit 1
fi

# A DIMM whose only block (memory32) is online and holds unmovable pages.
ctl dimm-add start=0x100000000 size=128M > /dev/null; same "dimm-add" "$?" 0
ctl state block=32 state=online > /dev/null; same "online memory32" "$?" 0
ctl fault block=32 unmovable=true > /dev/null; same "fault: memory32 unmovable" "$?" 0

# offline_pages() fails with -EBUSY (mm/memory_hotplug.c, 6.1).
refused "offline of an unmovable block" \
	"hotplugfs ctl: state: echo offline > memory32/state: Device or resource busy (EBUSY)" \
	state block=32 state=offline
# acpi_scan_try_to_offline() fails, so the eject does: -EBUSY.
refused "eject of a DIMM that cannot go offline" \
	"hotplugfs ctl: dimm-eject: dimm0: eject: offlining memory32 failed with EBUSY: Device or resource busy (EBUSY)" \
	dimm-eject device=dimm0
# A bad request has no errno: the error alone.
refused "bad request" 'hotplugfs ctl: state: there is no memory99' state block=99 state=online

# The protocol is unchanged: the raw reply still has errno and errno_name.
reply=$(timeout 20 python3 - "$SOCK" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b'{"op": "state", "block": 32, "state": "offline"}\n')
buf = b""
while not buf.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
r = json.loads(buf)
print(r["ok"], r.get("errno"), r.get("errno_name"), r["error"])
EOF
)
same "raw reply" "$reply" \
	"False 16 EBUSY state: echo offline > memory32/state: Device or resource busy (EBUSY)"

unmount_fixture "$MNT"
finish

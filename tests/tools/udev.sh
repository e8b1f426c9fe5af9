#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Uevents to real listeners (docs/udev.md), with Debian's udev 252:
#  - `udevadm monitor --udev --subsystem-match=memory` inside `hotplugfs run`
#    prints "add /devices/system/memory/memoryN (memory)" for each block of a
#    DIMM plugged over the control socket, then what later happens to them;
#  - the datagrams carry what the control socket logged (SEQNUM = its seq),
#    from a root sender with a port id of its own, and are those
#    systemd-udevd 252 itself sends for the same kernel uevents (checked
#    against the real daemon in a sandbox, when user namespaces allow one);
#  - `udevadm test --action=add` runs the distribution's rules and a user's
#    memory auto-online rule against the served sysfs, and the hot-added
#    block is online afterwards; the other blocks are untouched;
#  - writes to memoryN/uevent send synthetic uevents (SYNTH_UUID), which
#    `udevadm trigger --settle` waits for; bad ones fail with EINVAL;
#  - the DIMM's own ACPI device sends nothing (as the kernel: no acpi or
#    container uevent is heard inside run);
#  - on the NVDIMM machine, `ndctl create-namespace -m devdax` and
#    `daxctl reconfigure-device --mode=system-ram dax0.0` and back make
#    `udevadm monitor --udev --subsystem-match=dax --subsystem-match=nd`
#    print the dax and nd devices' add, bind and unbind, in the kernel's
#    order among the blocks' uevents, with the variables dev_uevent() adds;
#  - nothing reaches the host's network namespace.
# CMD runs inside `run`, whose memory directory is checked to be FUSE before
# anything is written to it.  Everything is bounded by timeout.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "hotplugfs run"
if ! command -v udevadm > /dev/null; then
	echo "SKIP: udevadm not installed (apt-get install udev; .ci/install-deps does)"; exit 77
fi
if ! command -v python3 > /dev/null; then echo "SKIP: needs python3"; exit 77; fi
if ! unshare -m --propagation private true 2>/dev/null; then
	echo "SKIP: cannot create a private mount namespace"; exit 77
fi
# libudev subscribes to the udev group only where udevd runs or /dev is a
# devtmpfs (device_monitor_new_full(), systemd 252); otherwise it silently
# listens to nothing.
if ! [ -e /run/udev/control ] && ! grep -q '^[^ ]* /dev devtmpfs ' /proc/self/mounts; then
	echo "SKIP: /dev is no devtmpfs and no udevd runs: libudev would not listen"; exit 77
fi

scratch udev
export TMPDIR=$T/tmp
mkdir "$TMPDIR"
WIRE="python3 $SRCDIR/tests/tools/udev_wire.py"
SOCK=$T/ctl.sock
BG=()
EXIT_HOOKS+=('for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done')

# The DIMM fixture as booted (6.1, auto_online_blocks offline, room at 4 GiB).
without_scenario "$SRCDIR/fixtures/dimm-hotplug-6.1.json" "$T/fixture.json"
ctl() { timeout --kill-after=2 20 "$HOTPLUGFS" ctl "$SOCK" "$@"; }
# wait_for FILE: up to 20 s.
wait_for() { for _ in $(seq 200); do [ -e "$1" ] && return 0; sleep 0.1; done; return 1; }

# The host's own udev group, listened to all along: the machine must not be heard.
$WIRE listen --seconds 60 --out "$T/host.wire" --ready "$T/host.ready" &
BG+=($!)
wait_for "$T/host.ready" || bad "host listener did not start"

# --- CMD, inside run ------------------------------------------------------------
cat > "$T/inner.sh" <<EOF
set -u
T=$T
WIRE="$WIRE"
MEM=/sys/devices/system/memory
# Safety: the blocks written below must be the machine's.
[ "\$(stat -f -c %T \$MEM)" = fuseblk ] || { echo "memory directory is not FUSE" > \$T/inner.err; exit 99; }
readlink /proc/self/ns/net > \$T/inner.netns
udevadm monitor --udev --subsystem-match=memory > \$T/monitor.out 2> \$T/monitor.err &
MON=\$!
udevadm monitor --udev --subsystem-match=acpi --subsystem-match=container > \$T/acpi.out 2>&1 &
ACPI=\$!
\$WIRE listen --seconds 60 --out \$T/run.wire --ready \$T/run.ready &
LISTEN=\$!
# udevadm monitor prints this line once its socket listens.
for _ in \$(seq 200); do grep -q '^UDEV - ' \$T/monitor.out && grep -q '^UDEV - ' \$T/acpi.out && [ -e \$T/run.ready ] && break; sleep 0.1; done
touch \$T/listening
for _ in \$(seq 200); do [ -e \$T/plugged ] && break; sleep 0.1; done
for _ in \$(seq 100); do [ \$(grep -c ' add ' \$T/monitor.out) -ge 4 ] && break; sleep 0.1; done

# A user's auto-online rule next to the distribution's rules, in run's
# mount namespace only.
mkdir \$T/user-rules
cp -a /etc/udev/rules.d/. \$T/user-rules/ 2>/dev/null
mount -t tmpfs hotplugfs-rules /etc/udev/rules.d
cp -a \$T/user-rules/. /etc/udev/rules.d/
# RHEL 7's line (/lib/udev/rules.d/40-redhat.rules).
echo 'SUBSYSTEM=="memory", ACTION=="add", PROGRAM="/bin/uname -p", RESULT!="s390*", ATTR{state}=="offline", ATTR{state}="online"' \\
	> /etc/udev/rules.d/40-hotplugfs-memory-online.rules
cat \$MEM/memory33/state > \$T/state.before
udevadm test --action=add /devices/system/memory/memory33 > \$T/test.out 2>&1
echo \$? > \$T/test.rc
cat \$MEM/memory32/state \$MEM/memory33/state \$MEM/memory34/state \$MEM/memory35/state > \$T/state.after

# Synthetic uevents through the uevent file.
echo add > \$MEM/memory32/uevent; echo \$? > \$T/synth.rc
echo bogus > \$MEM/memory32/uevent 2> \$T/bogus.err; echo \$? > \$T/bogus.rc
timeout 20 udevadm trigger --settle --action=change --subsystem-match=memory \\
	--sysname-match=memory35 > \$T/trigger.out 2>&1
echo \$? > \$T/trigger.rc
for _ in \$(seq 100); do grep -q 'change.*memory35' \$T/monitor.out && break; sleep 0.1; done
sleep 0.3
kill \$MON \$ACPI \$LISTEN
wait
EOF
timeout --kill-after=5 120 "$HOTPLUGFS" run --control "$SOCK" "$T/fixture.json" -- \
	bash "$T/inner.sh" > "$T/run.out" 2>&1 &
RUN=$!
BG+=($RUN)
if wait_for "$T/listening"; then
	ctl dimm-add start=0x100000000 size=512M > "$T/dimm.json"
	same "dimm-add over the control socket" "$?" 0
	ctl events limit=1000 > "$T/events.json"
	touch "$T/plugged"
else
	bad "the listeners inside run did not start: $(cat "$T/run.out" "$T/monitor.err" 2>/dev/null)"
	touch "$T/plugged"
fi
wait "$RUN"
same "run's status" "$?" 0
cat "$T/inner.err" 2>/dev/null

# --- what the listeners inside run received ----------------------------------------
# udevadm monitor: "UDEV  [8078.311744] add      /devices/system/memory/memory32 (memory)"
got=$(sed -n 's/^UDEV *\[[0-9.]*\] *\([a-z]*\) *\(.*\)$/\1 \2/p' "$T/monitor.out")
same_text "udevadm monitor --udev --subsystem-match=memory inside run" "$got" \
"add /devices/system/memory/memory32 (memory)
add /devices/system/memory/memory33 (memory)
add /devices/system/memory/memory34 (memory)
add /devices/system/memory/memory35 (memory)
online /devices/system/memory/memory33 (memory)
add /devices/system/memory/memory32 (memory)
change /devices/system/memory/memory35 (memory)"

# The PNP0C80 device is a scan handler's (acpi_memory_device_add()): no
# driver binds it and its eject keeps it (acpi_bus_trim()), so the kernel
# sends no acpi uevent for it, and 6.1 no container one.
check "udevadm monitor --subsystem-match=acpi heard its header" grep -q '^UDEV - ' "$T/acpi.out"
same_text "udevadm monitor --udev --subsystem-match=acpi --subsystem-match=container: nothing" \
	"$(grep '^UDEV  *\[' "$T/acpi.out")" ""

# The datagrams: from uid 0, a port id that is not the kernel's, to group 2
# only; SEQNUM is the control socket's seq of the same uevent.
seqs=$(python3 -c '
import json, sys
for e in json.load(open(sys.argv[1]))["events"]:
    if e["event"] == "uevent":
        print(e["seq"], e["action"], e["devpath"])' "$T/events.json")
wire_adds=$(grep -c '^group=2 port=[1-9][0-9]* uid=0 | libudev magic=feedcafe header_size=40 properties_off=40 properties_len=[0-9]* subsystem=86e45acf devtype=00000000 bloom=00000000:00000000 | UDEV_DATABASE_VERSION=1 ACTION=add DEVPATH=/devices/system/memory/memory3[2-5] SUBSYSTEM=memory SEQNUM=[0-9]* USEC_INITIALIZED=[0-9]*$' "$T/run.wire")
same "four well-formed add datagrams, nothing else in them" "$wire_adds" 4
wire_seqs=$(sed -n 's/.* ACTION=\([a-z]*\) DEVPATH=\([^ ]*\) SUBSYSTEM=memory SEQNUM=\([0-9]*\) .*/\3 \1 \2/p' \
	"$T/run.wire" | head -4)
same_text "SEQNUM of each add is the control socket's seq of that uevent" "$wire_seqs" "$seqs"
check "no malformed datagram" sh -c "! grep -q '^BAD' '$T/run.wire'"
same "datagrams seen inside run" "$(wc -l < "$T/run.wire")" 7
synth=$(grep -c 'ACTION=add DEVPATH=/devices/system/memory/memory32 SUBSYSTEM=memory SYNTH_UUID=0 SEQNUM=' "$T/run.wire")
same "echo add > memory32/uevent: a synthetic add with SYNTH_UUID=0" "$synth" 1
check "udevadm trigger --settle: a change with its own SYNTH_UUID" \
	grep -q 'ACTION=change DEVPATH=/devices/system/memory/memory35 SUBSYSTEM=memory SYNTH_UUID=[0-9a-f-]\{36\} SEQNUM=' \
	"$T/run.wire"
same "udevadm trigger --settle status" "$(cat "$T/trigger.rc")" 0
same "echo add > memory32/uevent status" "$(cat "$T/synth.rc")" 0
same "echo bogus > memory32/uevent status" "$(cat "$T/bogus.rc")" 1
check "echo bogus > memory32/uevent: EINVAL" grep -q 'Invalid argument' "$T/bogus.err"

# --- udevadm test: the rules against the served sysfs ---------------------------
same "udevadm test status" "$(cat "$T/test.rc")" 0
same "memory33 before udevadm test" "$(cat "$T/state.before")" offline
same "memory32-35 after udevadm test (only memory33 was tested)" \
	"$(tr '\n' ' ' < "$T/state.after")" "offline online offline offline "
check "udevadm test ran the rule's PROGRAM" grep -q "Running PROGRAM '/bin/uname -p'" "$T/test.out"
check "udevadm test applied the user's ATTR{state} write" grep -q \
	"40-hotplugfs-memory-online.rules:1 ATTR '/sys/devices/system/memory/memory33/state' writing 'online'" \
	"$T/test.out"
check "udevadm test read the distribution's rules" \
	grep -q '^Reading rules file: /usr/lib/udev/rules.d/50-udev-default.rules' "$T/test.out"

# --- the host heard nothing ------------------------------------------------------
kill "${BG[0]}" 2>/dev/null
check "run's CMD had a network namespace of its own" \
	test "$(cat "$T/inner.netns")" != "$(readlink /proc/self/ns/net)"
# (The host may have a udevd of its own: only the machine's datagrams count.)
check "the host's udev group heard none of the machine's datagrams" \
	sh -c "test -s '$T/run.wire' && ! grep -qxF -f '$T/run.wire' '$T/host.wire'"

# --- the NVDIMM machine: nd and dax devices ----------------------------------------
# /dev inside run is the machine's (fs/devnodes.c), no devtmpfs: libudev
# listens to the udev group only if /run/udev/control exists, which a host
# without udevd lacks.  CMD makes one, in run's mount namespace only.
without_scenario "$SRCDIR/fixtures/nvdimm-kmem.json" "$T/nvdimm.json"
if command -v ndctl > /dev/null && command -v daxctl > /dev/null; then
	cat > "$T/nd.sh" <<EOF
set -u
T=$T
[ "\$(stat -f -c %T /sys/devices/system/memory)" = fuseblk ] || { echo "memory directory is not FUSE" > \$T/nd.err; exit 99; }
if [ -d /run/udev ]; then mount -t tmpfs none /run/udev; else mount -t tmpfs none /run; mkdir /run/udev; fi
touch /run/udev/control
udevadm monitor --udev --subsystem-match=dax --subsystem-match=nd > \$T/nd-monitor.out 2>&1 &
MON=\$!
udevadm monitor --udev --subsystem-match=dax --subsystem-match=nd --subsystem-match=memory > \$T/all-monitor.out 2>&1 &
ALL=\$!
$WIRE listen --seconds 60 --out \$T/nd.wire --ready \$T/nd.ready &
LISTEN=\$!
for _ in \$(seq 200); do grep -q '^UDEV - ' \$T/nd-monitor.out && grep -q '^UDEV - ' \$T/all-monitor.out && [ -e \$T/nd.ready ] && break; sleep 0.1; done
ndctl create-namespace -m devdax -r region0 > \$T/nd-create.out 2>&1; echo \$? > \$T/nd-create.rc
daxctl reconfigure-device --mode=system-ram dax0.0 > \$T/nd-ram.out 2>&1; echo \$? > \$T/nd-ram.rc
daxctl reconfigure-device --mode=devdax --force dax0.0 > \$T/nd-devdax.out 2>&1; echo \$? > \$T/nd-devdax.rc
for _ in \$(seq 100); do [ \$(grep -c '^UDEV  *\[' \$T/nd-monitor.out) -ge 9 ] && break; sleep 0.1; done
sleep 0.3
kill \$MON \$ALL \$LISTEN
wait
EOF
	timeout --kill-after=5 120 "$HOTPLUGFS" run "$T/nvdimm.json" -- bash "$T/nd.sh" \
		> "$T/nd-run.out" 2>&1
	same "run on the NVDIMM machine: status" "$?" 0
	cat "$T/nd.err" 2>/dev/null
	same "ndctl create-namespace -m devdax" "$(cat "$T/nd-create.rc")" 0
	same "daxctl reconfigure-device --mode=system-ram dax0.0" "$(cat "$T/nd-ram.rc")" 0
	same "daxctl reconfigure-device --mode=devdax --force dax0.0" "$(cat "$T/nd-devdax.rc")" 0
	R=/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region0
	got=$(sed -n 's/^UDEV *\[[0-9.]*\] *\([a-z]*\) *\(.*\)$/\1 \2/p' "$T/nd-monitor.out")
	same_text "udevadm monitor --udev --subsystem-match=dax --subsystem-match=nd inside run" "$got" \
"add $R/dax0.0/dax0.0 (dax)
bind $R/dax0.0/dax0.0 (dax)
bind $R/dax0.0 (nd)
add $R/dax0.1 (nd)
add $R/namespace0.1 (nd)
unbind $R/dax0.0/dax0.0 (dax)
bind $R/dax0.0/dax0.0 (dax)
unbind $R/dax0.0/dax0.0 (dax)
bind $R/dax0.0/dax0.0 (dax)"
	# device_dax's unbind before kmem's probe adds the blocks, kmem's bind
	# after (daxctl onlines them then), its unbind after their removal.
	got=$(sed -n 's/^UDEV *\[[0-9.]*\] *\([a-z]*\) *\(.*\)$/\1 \2/p' "$T/all-monitor.out" |
		tail -n +6 | sed "s#$R/dax0.0/##")
	same_text "daxctl reconfigure-device and back: dax and memory uevents in order" "$got" \
"unbind dax0.0 (dax)
add /devices/system/memory/memory33 (memory)
add /devices/system/memory/memory34 (memory)
add /devices/system/memory/memory35 (memory)
bind dax0.0 (dax)
online /devices/system/memory/memory33 (memory)
online /devices/system/memory/memory34 (memory)
online /devices/system/memory/memory35 (memory)
offline /devices/system/memory/memory33 (memory)
offline /devices/system/memory/memory34 (memory)
offline /devices/system/memory/memory35 (memory)
remove /devices/system/memory/memory33 (memory)
remove /devices/system/memory/memory34 (memory)
remove /devices/system/memory/memory35 (memory)
unbind dax0.0 (dax)
bind dax0.0 (dax)"
	# The datagrams carry the variables dev_uevent() adds, as udevd puts
	# them: DEVNAME under /dev, MAJOR and MINOR after SEQNUM.  (MODALIAS is
	# what the device's uevent file shows: dax:t0 on a real 6.12.)
	check "dax0.0's add datagram" grep -q "^group=2 port=[1-9][0-9]* uid=0 | libudev magic=feedcafe header_size=40 properties_off=40 properties_len=[0-9]* subsystem=3a2553ca devtype=00000000 bloom=00000000:00000000 | UDEV_DATABASE_VERSION=1 ACTION=add DEVPATH=$R/dax0.0/dax0.0 SUBSYSTEM=dax DEVNAME=/dev/dax0.0 MODALIAS=dax:t0\** SEQNUM=[0-9]* MAJOR=251 MINOR=0 USEC_INITIALIZED=[0-9]*\$" "$T/nd.wire"
	check "dax0.0's bind to kmem: DRIVER=kmem" grep -q "ACTION=bind DEVPATH=$R/dax0.0/dax0.0 SUBSYSTEM=dax DEVNAME=/dev/dax0.0 DRIVER=kmem MODALIAS=dax:t0\** SEQNUM=" "$T/nd.wire"
	check "dax0.0's unbind: no DRIVER, no MODALIAS" grep -q "ACTION=unbind DEVPATH=$R/dax0.0/dax0.0 SUBSYSTEM=dax DEVNAME=/dev/dax0.0 SEQNUM=[0-9]* MAJOR=251 MINOR=0 USEC_INITIALIZED=" "$T/nd.wire"
	check "the nd dax seed's add: DEVTYPE hashed into the header" grep -q "subsystem=4f463220 devtype=767122ed bloom=00000000:00000000 | UDEV_DATABASE_VERSION=1 ACTION=add DEVPATH=$R/dax0.1 SUBSYSTEM=nd DEVTYPE=nd_dax MODALIAS=nd:t7 SEQNUM=" "$T/nd.wire"
	check "no malformed datagram (NVDIMM machine)" sh -c "! grep -q '^BAD' '$T/nd.wire'"
else
	echo "note: ndctl/daxctl not installed: the NVDIMM machine's uevents are not checked"
fi

# --- the same uevents through the real systemd-udevd 252 -------------------------
# A sandbox: a user namespace (so the host's kernel uevents never reach it:
# uevent_net_init() lists only namespaces of the initial one), its own
# network and mount namespaces, empty rule directories, /run on tmpfs.  The
# kernel uevents are injected into it (uevent_net_rcv()); udevd's
# rebroadcast must be ours, but for the values of SEQNUM, USEC_INITIALIZED
# (and hence properties_len) and the sender's port id.
UDEVD=$(command -v systemd-udevd || ls /usr/lib/systemd/systemd-udevd /lib/systemd/systemd-udevd 2>/dev/null | head -1)
if [ -n "$UDEVD" ] && unshare --user --map-root-user --net --mount true 2>/dev/null; then
	cat > "$T/sandbox.sh" <<EOF
set -u
mount -t tmpfs none /run && mkdir -p /run/udev || exit 1
mount -t tmpfs none /usr/lib/udev/rules.d || exit 1
mount -t tmpfs none /etc/udev/rules.d || exit 1
"$UDEVD" > "$T/udevd.log" 2>&1 &
UD=\$!
$WIRE listen --seconds 20 --count 2 --out "$T/udevd.wire" --ready "$T/udevd.ready" &
L=\$!
for _ in \$(seq 100); do [ -e /run/udev/control ] && [ -e "$T/udevd.ready" ] && break; sleep 0.1; done
$WIRE inject add /devices/system/memory/memory32 memory
sleep 0.5
$WIRE inject add /devices/system/memory/memory32 memory SYNTH_UUID=0
wait \$L
kill \$UD
wait
EOF
	timeout --kill-after=5 60 unshare --user --map-root-user --net --mount --fork \
		bash "$T/sandbox.sh" > "$T/sandbox.out" 2>&1
	mask() { sed 's/port=[0-9]*/port=P/; s/properties_len=[0-9]*/properties_len=L/;
		s/SEQNUM=[0-9]*/SEQNUM=N/; s/USEC_INITIALIZED=[0-9]*/USEC_INITIALIZED=U/'; }
	ours=$( (grep -m1 'ACTION=add DEVPATH=/devices/system/memory/memory32 ' "$T/run.wire"
		 grep -m1 'SYNTH_UUID=0' "$T/run.wire") | mask)
	theirs=$(mask < "$T/udevd.wire")
	same_text "our datagrams are systemd-udevd's (add, synthetic add)" "$ours" "$theirs"
	check "systemd-udevd's sender had a port id (not the kernel's 0)" \
		sh -c "test -s '$T/udevd.wire' && ! grep -q '^group=2 port=0 ' '$T/udevd.wire'"
else
	echo "note: no systemd-udevd or no user namespaces: the comparison with udevd is skipped"
fi
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The control socket (docs/control-protocol.md) and `hotplugfs ctl`: dump,
# dimm-add and dimm-eject seen in /proc/iomem, the firmware map and the
# memory blocks; events streamed to concurrent watchers; bad requests refused
# with a precise error and no change; the socket's mode; raw protocol
# (ids, bad JSON, long lines, pipelining, overflow of a watcher that does not
# read); two clients at once; readers never see half an op; the kernel's
# cached dentries dropped as soon as a removal is answered; a watcher that
# connects right after an op gets its reply before any event.  Mounts only in a
# private mount namespace (re-executes itself under unshare); every daemon
# and client is bounded by timeout.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "FUSE mounts"
if ! command -v python3 >/dev/null; then
	echo "SKIP: needs python3 (a raw socket client)"; exit 77
fi
in_private_ns 300 "$@"

contains() { case $2 in *"$3"*) ok ;; *) bad "$1: '$2' does not contain '$3'" ;; esac; }
scratch control
MNT=$T/mnt; SOCK=$T/ctl.sock
BG=()
EXIT_HOOKS+=('for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done')

# The DIMM fixture as booted: 1 GiB of RAM, room for DIMMs at 4 GiB, 128 MiB
# blocks, auto_online_blocks offline, firmware map 0-6.  Its scenario (which
# plugs and ejects a DIMM) is left out: this test drives the machine itself.
without_scenario "$SRCDIR/fixtures/dimm-hotplug-6.1.json" "$T/fixture.json"

ctl() { timeout --kill-after=2 20 "$HOTPLUGFS" ctl "$SOCK" "$@"; }
MEM=$MNT/sys/devices/system/memory
MAP=$MNT/sys/firmware/memmap
NODE0=$MNT/sys/devices/system/node/node0

if ! mount_fixture "$T/fixture.json" "$MNT" --control "$SOCK" || ! [ -S "$SOCK" ]; then
	bad "mount -f --control did not mount and listen"
	finish; exit 1
fi

# views: everything the three views show, for before/after comparisons.
views() {
	echo "== iomem"; cat "$MNT/proc/iomem"
	echo "== memmap"
	for d in "$MAP"/*; do echo "${d##*/} $(cat "$d/start") $(cat "$d/end") $(cat "$d/type")"; done
	echo "== memory"
	for d in "$MEM"/memory[0-9]*; do
		echo "${d##*/} $(cat "$d/state") $(cat "$d/valid_zones") $(cat "$d/phys_index")"
	done
	echo "== node0"; ls "$NODE0" | grep '^memory' | sort -V
}
blocks() { (cd "$MEM" && ls -d memory[0-9]* | sort -V | tr '\n' ' '); }
# json FILE EXPR: evaluates a Python expression on the JSON in FILE (as j).
json() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

# --- the socket -------------------------------------------------------------
same "socket mode" "$(stat -c '%a %F' "$SOCK")" "600 socket"

# --- dump -------------------------------------------------------------------
ctl dump > "$T/dump0.json"; rc=$?
same "dump status" "$rc" 0
same "dump: no devices" "$(json "$T/dump0.json" 'len(j["devices"])')" 0
same "dump: the blocks are the memoryN directories" \
	"$(json "$T/dump0.json" '" ".join("memory%d" % b["id"] for b in j["blocks"])') " "$(blocks)"
same "dump: iomem is /proc/iomem" "$(json "$T/dump0.json" 'j["iomem"]')" "$(cat "$MNT/proc/iomem")"
same "dump: firmware map entries" "$(json "$T/dump0.json" 'len(j["firmware_map"])')" 7
last0=$(json "$T/dump0.json" 'j["events"]')

# --- dimm-add, with two watchers --------------------------------------------
# One streams until killed; the other stops by itself after --count 5.
timeout 60 "$HOTPLUGFS" ctl "$SOCK" watch > "$T/watch.out" 2> "$T/watch.err" &
W1=$!; BG+=("$W1")
timeout 60 "$HOTPLUGFS" ctl "$SOCK" watch --count 5 > "$T/watch5.out" 2> "$T/watch5.err" &
W2=$!; BG+=("$W2")
# The watchers are registered once `stats` counts three clients (the
# two and itself).
for _ in $(seq 100); do
	[ "$(ctl stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["clients"])')" = 3 ] && break
	sleep 0.05
done
views > "$T/before-add"
out=$(ctl dimm-add start=0x100000000 size=512M); rc=$?
same "dimm-add status" "$rc" 0
same "dimm-add result" "$(echo "$out" | tr -d ' \n')" '{"device":"dimm0"}'
check "iomem shows the DIMM's System RAM" grep -qx '100000000-11fffffff : System RAM' "$MNT/proc/iomem"
same "the new firmware-map entry" "$(cat "$MAP/7/start") $(cat "$MAP/7/end") $(cat "$MAP/7/type")" \
	"0x100000000 0x11fffffff System RAM"
same "the new blocks" "$(blocks)" "memory0 memory1 memory2 memory3 memory4 memory5 memory6 memory7 memory32 memory33 memory34 memory35 "
same "a new block is offline" "$(cat "$MEM/memory33/state")" offline
check "node0 links the new block" test -L "$NODE0/memory35"
ctl state block=32 state=online_movable > /dev/null
same "online_movable through ctl" "$(cat "$MEM/memory32/state")" online
ctl events since="$last0" limit=1000 > "$T/events.json"
want=$(json "$T/events.json" '" ".join(str(e["seq"]) for e in j["events"])')
for _ in $(seq 100); do
	[ "$(wc -l < "$T/watch.out")" -ge "$(echo "$want" | wc -w)" ] && break
	sleep 0.05
done
got=$(python3 -c 'import json,sys; print(" ".join(str(json.loads(l)["seq"]) for l in open(sys.argv[1])))' "$T/watch.out")
same "the watcher got every event, in order" "$got" "$want"
uev=$(python3 -c 'import json,sys; print(" ".join(e["action"] + str(e["block"]) for e in map(json.loads, open(sys.argv[1])) if e["event"] == "uevent"))' "$T/watch.out")
same "uevents of the add and the online" "$uev" "add32 add33 add34 add35 online32"
notify=$(python3 -c 'import json,sys; print(" ".join(e["action"] for e in map(json.loads, open(sys.argv[1])) if e["event"] == "notify"))' "$T/watch.out")
same "notifier events of the online" "$notify" "MEM_GOING_ONLINE MEM_ONLINE"
check "the watcher saw the iomem and memmap additions" \
	sh -c "grep -q '\"event\":\"iomem\",\"change\":\"add\"' '$T/watch.out' && grep -q '\"event\":\"memmap\",\"change\":\"add\"' '$T/watch.out'"
wait "$W2"; rc=$?
same "watch --count 5 ends by itself" "$rc" 0
same "watch --count 5 printed 5 events" "$(wc -l < "$T/watch5.out")" 5
same "watch --count 5: the first five" "$(head -c 2000 "$T/watch5.out" | python3 -c 'import json,sys; print(" ".join(str(json.loads(l)["seq"]) for l in sys.stdin))')" "$(echo "$want" | cut -d' ' -f1-5)"

# --- bad requests change nothing --------------------------------------------
out=$(ctl virtio-mem-add start=0x140000000 region_size=1G); rc=$?
same "virtio-mem-add status" "$rc" 0
same "virtio-mem-add result" "$(echo "$out" | tr -d ' \n')" '{"device":"virtio0"}'
views > "$T/before-bad"
refused() {   # refused NAME WANT-IN-MESSAGE ARGS...
	local name=$1 want=$2 err rc; shift 2
	err=$(ctl "$@" 2>&1 >/dev/null); rc=$?
	same "$name: status" "$rc" 1
	contains "$name: message" "$err" "$want"
}
refused "unaligned size" "is not aligned to the block size" dimm-add start=0x200000000 size=100M
refused "unaligned start" "is not aligned" dimm-add start=0x200100000 size=128M
refused "overlap" "conflicts with System RAM" dimm-add start=0x110000000 size=512M
refused "unknown device" 'no device "dimm7"' dimm-eject device=dimm7
refused "wrong device kind" "" virtio-mem-resize device=dimm0 requested_size=128M
refused "a size that is not one" '"12Q" is not a size' dimm-add start=0x200000000 size=12Q
refused "unknown verb" 'unknown verb "dimm-remove"' dimm-remove device=dimm0
refused "unknown key" "colour: unknown key for dimm-add" dimm-add start=0x200000000 size=128M colour=red
refused "missing key" 'missing required key "size"' dimm-add start=0x200000000
refused "block that does not exist" "there is no memory99" state block=99 state=online
# More than the device holds: plug beyond a virtio-mem region, unplug a
# DIMM twice (the second time it is gone).
refused "more than a region holds" "exceeds the region size" virtio-mem-resize device=virtio0 requested_size=2G
views > "$T/after-bad"
check "bad requests changed nothing" cmp -s "$T/before-bad" "$T/after-bad"
err=$(ctl --json '{"op":"dimm-add","start":"0x200000000"' 2>&1); rc=$?
same "ctl --json with broken JSON" "$rc" 2
ctl nosuchverb 2>/dev/null; same "ctl of an unknown verb" "$?" 1
"$HOTPLUGFS" ctl "$T/nothing.sock" dump 2>/dev/null; same "ctl without a daemon" "$?" 3
"$HOTPLUGFS" ctl "$SOCK" 2>/dev/null; same "ctl without a verb" "$?" 2

# --- raw protocol -------------------------------------------------------------
cat > "$T/raw.py" <<'EOF'
import json, os, socket, sys, threading, time
path = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.settimeout(20)
    return s, s.makefile("rb")
def ask(s, f, line):
    s.sendall(line if isinstance(line, bytes) else line.encode())
    return json.loads(f.readline())
s, f = conn()
out = {}
out["id"] = ask(s, f, '{"op":"stats","id":"abc"}\n')
out["num_id"] = ask(s, f, '{"id":7,"op":"stats"}\n')["id"]
out["bad_json"] = ask(s, f, '{"op": dump}\n')
out["trailing"] = ask(s, f, '{"op":"dump"} x\n')
out["not_object"] = ask(s, f, '[1,2]\n')
out["no_op"] = ask(s, f, '{"id":1}\n')
# blank lines are ignored; pipelined requests are answered in order
s.sendall(b'\n  \n{"op":"stats","id":1}\n{"op":"events","since":0,"limit":1,"id":2}\n{"op":"bogus","id":3}\n')
out["pipelined"] = [json.loads(f.readline())["id"] for _ in range(3)]
# a line longer than 64 KiB: an error, then the connection is closed
s.sendall(b'{"op":"stats","pad":"' + b"x" * 70000 + b'"}\n')
out["long"] = json.loads(f.readline())
out["long_eof"] = f.readline() == b""
# a watcher that does not read: overflow, then closed; one that reads
# (as fast as a client can) is never dropped
w, wf = conn()
ask(w, wf, '{"op":"watch"}\n')
r, rf = conn()
ask(r, rf, '{"op":"watch"}\n')
reader = {"lines": 0, "overflow": False}
def read_all():
    for line in rf:
        reader["lines"] += 1
        if b'"overflow"' in line:
            reader["overflow"] = True
threading.Thread(target=read_all, daemon=True).start()
c, cf = conn()
n = int(sys.argv[2])
for i in range(n):
    c.sendall(b'{"op":"dimm-add","start":"0x200000000","size":"1G"}\n{"op":"dimm-eject","device":"dimm1"}\n')
    r1 = json.loads(cf.readline()); r2 = json.loads(cf.readline())
    if not (r1["ok"] and r2["ok"]):
        out["flood_error"] = [r1, r2]
        break
last = None
count = 0
for line in wf:
    count += 1
    last = json.loads(line)
out["overflow_last"] = last
out["overflow_lines"] = count
out["reader"] = reader
json.dump(out, sys.stdout)
EOF
timeout 120 python3 "$T/raw.py" "$SOCK" 1500 > "$T/raw.json" 2> "$T/raw.err"
same "raw client status" "$?" 0
r() { json "$T/raw.json" "$1"; }
same "id echoed" "$(r 'j["id"]["id"]')" abc
same "numeric id echoed" "$(r 'j["num_id"]')" 7
same "bad JSON refused" "$(r 'j["bad_json"]["ok"]')" False
contains "bad JSON message" "$(r 'j["bad_json"]["error"]')" "not JSON: "
contains "text after the value" "$(r 'j["trailing"]["error"]')" "not JSON: unexpected text after the value"
contains "not an object" "$(r 'j["not_object"]["error"]')" 'expected an object'
contains "no op" "$(r 'j["no_op"]["error"]')" 'missing required key "op"'
same "no op: the id still comes back" "$(r 'j["no_op"]["id"]')" 1
same "pipelined replies in order" "$(r 'j["pipelined"]')" "[1, 2, 3]"
contains "a line over 64 KiB" "$(r 'j["long"]["error"]')" "longer than 65536 bytes"
same "closed after the long line" "$(r 'j["long_eof"]')" True
same "flood without errors" "$(r '"flood_error" in j')" False
same "the watcher that did not read got overflow last" "$(r 'j["overflow_last"]["event"]')" overflow
echo "measured: a non-reading watcher got $(r 'j["overflow_lines"]') lines before overflow"
[ -s "$T/raw.err" ] && { echo "raw client stderr:"; head -5 "$T/raw.err"; }
same "a watcher that reads is not dropped" "$(r 'j["reader"]["overflow"]')" False
check "a watcher that reads got the flood's events" test "$(r 'j["reader"]["lines"]')" -gt 3000

# --- invalidation: a removed name is gone at once ----------------------------
# Put memory33, its attributes, its node link and its firmware-map entry in
# the kernel's dentry cache, then eject.
nr=$(ls "$MAP" | sort -n | tail -1)
cat "$MEM/memory33/state" "$MEM/memory33/phys_index" > /dev/null
stat "$MEM/memory33" "$NODE0/memory33" "$MAP/$nr" "$MAP/$nr/start" > /dev/null
ctl state block=32 state=offline > /dev/null
ctl stats > "$T/stats0.json"
ctl dimm-eject device=dimm0 > /dev/null; rc=$?
same "dimm-eject status" "$rc" 0
stat "$MEM/memory33" > /dev/null 2> "$T/stat.err"; rc=$?
same "stat memory33 right after the eject fails" "$rc" 1
contains "stat memory33: ENOENT" "$(cat "$T/stat.err")" "No such file or directory"
check "stat memory33/state fails" test ! -e "$MEM/memory33/state"
check "the node link is gone" test ! -e "$NODE0/memory33"
check "the firmware-map entry is gone" test ! -e "$MAP/$nr"
same "ls no longer lists the blocks" "$(blocks)" "memory0 memory1 memory2 memory3 memory4 memory5 memory6 memory7 "
check "iomem no longer has the DIMM" test -z "$(grep '^100000000-' "$MNT/proc/iomem")"
ctl stats > "$T/stats1.json"
check "the eject dropped cached names ($(json "$T/stats0.json" 'j["invalidations"]["dropped"]') -> $(json "$T/stats1.json" 'j["invalidations"]["dropped"]'))" \
	test "$(json "$T/stats1.json" 'j["invalidations"]["dropped"]')" -gt "$(json "$T/stats0.json" 'j["invalidations"]["dropped"]')"
same "no invalidation failed" "$(json "$T/stats1.json" 'j["invalidations"]["failed"]')" 0
ctl dimm-add start=0x100000000 size=512M > /dev/null
check "stat memory33 succeeds after dimm-add" test -e "$MEM/memory33"
check "memory33/state readable again" test "$(cat "$MEM/memory33/state")" = offline
check "the node link is back" test -L "$NODE0/memory33"

# --- two clients at once, and readers that never see half an op --------------
# Writer A plugs and ejects DIMMs in 4 slots, FIFO, so that the set of blocks
# above 4 GiB never repeats within 8 ops; writer B toggles memory4 through
# another connection.  The reader lists the blocks, reads /proc/iomem and
# lists them again; when both lists agree, iomem's System RAM above 4 GiB
# must cover exactly those blocks.  Every /proc/iomem read on its own must
# show whole DIMMs only.
ctl dimm-eject device=dimm0 > /dev/null
cat > "$T/reader.sh" <<'EOF'
MEM=$1/sys/devices/system/memory; IOMEM=$1/proc/iomem; end=$2
checked=0; bad=0; reads=0
hotplugged() { local n=(); for d in "$MEM"/memory[0-9]*; do d=${d##*memory}; [ "$d" -ge 32 ] && n+=("$d"); done; echo "${n[*]}"; }
while [ "$(date +%s%N)" -lt "$end" ]; do
	a=$(hotplugged); io=$(<"$IOMEM"); b=$(hotplugged); reads=$((reads + 1))
	# System RAM at or above 4 GiB, as block ids
	ram=""
	while IFS=' ' read -r range colon name rest; do
		[ "$name $rest" = "System RAM" ] || continue
		s=$((16#${range%-*})); e=$((16#${range#*-}))
		[ "$s" -ge $((1 << 32)) ] || continue
		# whole DIMMs only: 256 MiB at a slot boundary
		if [ $((s % (1 << 28))) -ne 0 ] || [ $(((e + 1 - s) % (1 << 28))) -ne 0 ]; then
			echo "HALF: $range"; bad=$((bad + 1))
		fi
		for ((x = s >> 27; x <= e >> 27; x++)); do ram+="$x "; done
	done <<< "$io"
	if [ "$a" = "$b" ]; then
		checked=$((checked + 1))
		if [ "${ram% }" != "$a" ]; then
			echo "DISAGREE: blocks [$a] iomem [${ram% }]"; bad=$((bad + 1))
		fi
	fi
done
echo "reads=$reads checked=$checked bad=$bad"
EOF
cat > "$T/writer_a.sh" <<'EOF'
H=$1; S=$2; end=$3; ops=0; errs=0
slots=(0x100000000 0x110000000 0x120000000 0x130000000); names=()
while [ "$(date +%s%N)" -lt "$end" ]; do
	for s in "${slots[@]}"; do
		d=$(timeout 20 "$H" ctl "$S" dimm-add start=$s size=256M | sed -n 's/.*"device": "\(.*\)".*/\1/p')
		[ -n "$d" ] && names+=("$d") || errs=$((errs + 1)); ops=$((ops + 1))
	done
	for d in "${names[@]}"; do
		timeout 20 "$H" ctl "$S" dimm-eject device="$d" > /dev/null || errs=$((errs + 1))
		ops=$((ops + 1))
	done
	names=()
done
echo "ops=$ops errs=$errs"
EOF
cat > "$T/writer_b.sh" <<'EOF'
H=$1; S=$2; end=$3; ops=0; errs=0
while [ "$(date +%s%N)" -lt "$end" ]; do
	for st in offline online; do
		timeout 20 "$H" ctl "$S" state block=4 state=$st > /dev/null || errs=$((errs + 1))
		ops=$((ops + 1))
	done
done
echo "ops=$ops errs=$errs"
EOF
end=$(( $(date +%s%N) + 4000000000 ))
bash "$T/reader.sh" "$MNT" "$end" > "$T/reader.out" 2>&1 & R=$!
bash "$T/writer_a.sh" "$HOTPLUGFS" "$SOCK" "$end" > "$T/wa.out" 2>&1 & A=$!
bash "$T/writer_b.sh" "$HOTPLUGFS" "$SOCK" "$end" > "$T/wb.out" 2>&1 & B=$!
BG+=("$R" "$A" "$B")
wait "$R" "$A" "$B"
echo "measured: reader $(tail -1 "$T/reader.out"); writer A $(cat "$T/wa.out"); writer B $(cat "$T/wb.out")"
same "reader: no half-applied state" "$(tail -1 "$T/reader.out" | sed 's/.*bad=//')" 0
grep -m3 'HALF\|DISAGREE' "$T/reader.out"
check "reader: some reads were cross-checked" \
	test "$(tail -1 "$T/reader.out" | sed 's/.*checked=\([0-9]*\).*/\1/')" -gt 0
same "writer A: no errors" "$(sed 's/.*errs=//' "$T/wa.out")" 0
same "writer B: no errors" "$(sed 's/.*errs=//' "$T/wb.out")" 0
check "writer A did some ops" test "$(sed 's/ops=\([0-9]*\).*/\1/' "$T/wa.out")" -gt 8
check "the daemon survived" kill -0 "$MOUNT_PID"

# --- a watcher right after an op: its reply always comes first ------------------
# The eject's reply waits for its invalidations; a watcher that connects in
# that window once got events before its own reply ("not a reply").
cat > "$T/watch_after_op.py" <<'EOF'
import json, socket, sys
path, rounds = sys.argv[1], int(sys.argv[2])
def conn():
    s = socket.socket(socket.AF_UNIX); s.connect(path); return s, s.makefile("r")
op, opr = conn()
first_not_reply = 0
for i in range(rounds):
    req = {"op": "dimm-add", "start": "0x100000000", "size": "512M"} if i % 2 == 0 else \
          {"op": "dimm-eject", "device": "dimm0"}
    op.sendall((json.dumps(req) + "\n").encode())
    w, wr = conn()
    w.sendall(b'{"op":"watch"}\n')
    line = json.loads(wr.readline())
    if "ok" not in line:
        first_not_reply += 1
    reply = json.loads(opr.readline())
    if not reply.get("ok"):
        print("op failed:", reply); sys.exit(1)
    w.close()
print(first_not_reply)
EOF
got=$(timeout 120 python3 "$T/watch_after_op.py" "$SOCK" 1000); rc=$?
same "1000 watchers right after an op: all ran" "$rc" 0
same "1000 watchers right after an op: every first line a reply" "$got" 0

# --- the end --------------------------------------------------------------------
kill "$W1" 2>/dev/null; wait "$W1" 2>/dev/null
kill -TERM "$MOUNT_PID"; wait "$MOUNT_PID"; rc=$?; MOUNT_PID=
same "daemon exit status" "$rc" 0
check "the socket is removed at exit" test ! -e "$SOCK"

# --- hotplugfs run --control ---------------------------------------------------
timeout --kill-after=5 60 "$HOTPLUGFS" run --control "$SOCK" "$T/fixture.json" -- sh -c '
	"$0" ctl "$1" dimm-add start=0x100000000 size=128M > /dev/null &&
	cat /sys/devices/system/memory/memory32/state &&
	grep "^100000000-" /proc/iomem' "$HOTPLUGFS" "$SOCK" > "$T/run.out" 2> "$T/run.err"
same "run --control status" "$?" 0
same "run --control: the DIMM inside" "$(tr '\n' ' ' < "$T/run.out")" "offline 100000000-107ffffff : System RAM "
[ -s "$T/run.err" ] && { echo "run stderr:"; head -5 "$T/run.err"; }

finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Crash safety (docs/journal.md): a daemon serving with --state is killed
# with SIGKILL at a random moment, ROUNDS times on a DIMM machine and half
# as many on an nd machine (nvdimm-kmem as booted), while a client
# keeps sending control ops and stores through the mount and records which
# were acknowledged.  After each kill the same `mount --state` clears the
# dead mount (ENOTCONN) and must serve exactly the machine of the
# acknowledged changes: every file and link of the mount, the dump and the
# event log equal those of a reference daemon (no journal) to which the
# same acknowledged changes were applied -- plus, at most, the one change in
# flight at the kill, which may or may not have been journaled.  Then: a
# second daemon on the journal and a changed fixture are refused.
# Private mount namespace; every daemon bounded in time.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root; ROUNDS (default
# 30, 10 in the sanitizer pass: CI's bounded form; ROUNDS=100 or more for a
# thorough run); TIMING=1 prints each round's outcome and times.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "FUSE mounts"
command -v python3 > /dev/null || { echo "SKIP: needs python3"; exit 77; }
in_private_ns 900 "$@"

if [ "${HOTPLUGFS_SANITIZE:-}" = 1 ]; then ROUNDS=${ROUNDS:-10}; else ROUNDS=${ROUNDS:-30}; fi
scratch crash
CLIENT=$SRCDIR/tests/fuse/crash_client.py
MNT=$T/mnt SOCK=$T/ctl.sock STATE=$T/state
REF=$T/ref REF_SOCK=$T/ref.sock

DPID= RPID=
EXIT_HOOKS+=('[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null; umount -l "$MNT" 2>/dev/null')
EXIT_HOOKS+=('[ -n "$RPID" ] && kill "$RPID" 2>/dev/null; umount -l "$REF" 2>/dev/null')
mkdir -p "$MNT" "$REF"
# serve MNT SOCK [ARGS...]: a daemon (bounded by the test's own timeout);
# its pid in PID once it answers on the socket.
serve() {
	local mnt=$1 sock=$2 deadline=$((SECONDS + 20))
	shift 2
	"$HOTPLUGFS" mount -f --control "$sock" "$@" "$T/fixture.json" "$mnt" 2>> "$T/daemon.err" &
	PID=$!
	while [ $SECONDS -le $deadline ]; do
		mountpoint -q "$mnt" && [ -S "$sock" ] && stat "$mnt/sys" > /dev/null 2>&1 &&
			"$HOTPLUGFS" ctl "$sock" stats > /dev/null 2>&1 && return 0
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.02
	done
	tail -5 "$T/daemon.err" >&2
	return 1
}
not_mounted() { ! mountpoint -q "$1"; }
# the daemon under test, restoring from $STATE
start_daemon() { serve "$MNT" "$SOCK" --state "$STATE" && DPID=$PID; }

# kill_rounds FIXTURE ROUNDS: the fixture as booted, served by a reference
# daemon and by the daemon under test on a new journal; ROUNDS kills and
# restarts, each checked.  Both daemons keep serving after it.
kill_rounds() {
	local name=$1 rounds=$2 round result client t0 t1 cleared
	local acked=0 in_doubt=0 committed=0 lost=0 stale=0 restore_ms=0
	without_scenario "$SRCDIR/fixtures/$name" "$T/fixture.json"
	rm -f "$STATE"
	serve "$REF" "$REF_SOCK" && RPID=$PID || { bad "$name: the reference daemon did not start"; return 1; }
	start_daemon || { bad "$name: the daemon did not start"; return 1; }
	cleared=$(grep -c 'unmounted the mount of a daemon that is gone (ENOTCONN)' "$T/daemon.err")
	for ((round = 1; round <= rounds; round++)); do
		# bounded: short of the test's timeout, report what was done
		[ $SECONDS -lt 700 ] || { bad "$name: out of time after $((round - 1)) kills"; break; }
		rm -f "$T/round.json.ready"
		timeout 60 python3 "$CLIENT" run "$SOCK" "$MNT" "$round" "$T/round.json" &
		client=$!
		for _ in $(seq 500); do [ -e "$T/round.json.ready" ] && break; sleep 0.01; done
		# 0 to 60 ms into the client's run
		sleep "0.$(printf '%03d' $((RANDOM % 60)))"
		kill -9 "$DPID"; wait "$DPID" 2>/dev/null
		wait "$client" || { bad "$name: round $round: the client failed"; break; }
		# The dead daemon's mount answers ENOTCONN until the restart clears it.
		stat -f "$MNT" > /dev/null 2>&1 || stale=$((stale + 1))
		t0=$(date +%s%N)
		start_daemon || { bad "$name: round $round: the daemon did not come back"; break; }
		restore_ms=$((restore_ms + ($(date +%s%N) - t0) / 1000000))
		# The reference gets the acknowledged changes (with the same outcomes),
		# then the two must read alike, or alike once the change in flight is
		# applied too (it was journaled before the kill).
		t1=$(date +%s%N)
		result=$(timeout 300 python3 "$CLIENT" check "$SOCK" "$MNT" "$REF_SOCK" "$REF" \
			"$T/round.json" 2> "$T/check.err")
		[ -n "${TIMING:-}" ] && echo "$name: round $round: $result, restore $(( (t1 - t0) / 1000000 )) ms, check $(( ($(date +%s%N) - t1) / 1000000 )) ms"
		set -- $result
		acked=$((acked + ${2:-0})); in_doubt=$((in_doubt + ${3:-0})); result=${1:-}
		case $result in
		same) ;;
		committed) committed=$((committed + 1)) ;;
		lost) lost=$((lost + 1))
			bad "$name: round $round: the restarted machine is not the acknowledged one"
			head -20 "$T/check.err" | sed 's/^/    /'
			break ;;
		*) bad "$name: round $round: the reference answered differently ($result)"
			head -20 "$T/check.err" | sed 's/^/    /'
			break ;;
		esac
	done
	round=$((round - 1))
	echo "measured: $name: $round kills, $acked acknowledged changes, $lost lost; $in_doubt in flight at the kill, $committed of them journaled; $stale stale mounts cleared; $(grep -c . "$STATE") journal lines; restore $((restore_ms / (round > 0 ? round : 1))) ms on average"
	same "$name: kills survived" "$round" "$rounds"
	same "$name: acknowledged changes lost" "$lost" 0
	same "$name: every kill left a stale mount (ENOTCONN)" "$stale" "$round"
	cleared=$(( $(grep -c 'unmounted the mount of a daemon that is gone (ENOTCONN)' "$T/daemon.err") - cleared ))
	check "$name: the restarts said they cleared it" test "$cleared" -ge "$round"
	check "$name: some changes were acknowledged" test "$acked" -gt "$rounds"
}

# An nd machine (namespace seeds, pfn/dax seeds, dax/kmem: the stores
# `ndctl create-namespace` makes), then the DIMM machine.
kill_rounds nvdimm-kmem.json $(( (ROUNDS + 1) / 2 ))
kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=; umount -l "$MNT" 2>/dev/null
kill "$RPID"; wait "$RPID" 2>/dev/null; RPID=
kill_rounds dimm-hotplug-6.1.json "$ROUNDS"

# --- refusals -------------------------------------------------------------------
"$HOTPLUGFS" mount -f --state "$STATE" "$T/fixture.json" "$T/mnt2" > /dev/null 2> "$T/second.err"
same "a second daemon on the journal: exit status" "$?" 2
check "a second daemon on the journal: the reason" grep -q "in use by another hotplugfs" "$T/second.err"
"$HOTPLUGFS" ctl "$SOCK" stats > /dev/null 2>&1
same "the daemon still serves" "$?" 0
kill -TERM "$DPID"; wait "$DPID"; rc=$?; DPID=
same "a clean stop after all that" "$rc" 0
# A relative mountpoint: libfuse changes to / in the foreground too, and a
# clean stop must still unmount what it mounted.
mkdir -p "$T/rel"
(cd "$T" && exec "$HOTPLUGFS" mount -f fixture.json rel 2> rel.err) & PID=$!
for _ in $(seq 200); do mountpoint -q "$T/rel" && break; sleep 0.02; done
kill -TERM "$PID"; wait "$PID"
same "a relative mountpoint: exit status" "$?" 0
check "a relative mountpoint: unmounted at the stop" not_mounted "$T/rel"
same "a relative mountpoint: nothing said" "$(cat "$T/rel.err")" ""
cp "$T/fixture.json" "$T/changed.json"; echo >> "$T/changed.json"
"$HOTPLUGFS" mount -f --state "$STATE" "$T/changed.json" "$T/mnt2" > /dev/null 2> "$T/changed.err"
same "a changed fixture: exit status" "$?" 2
check "a changed fixture: the reason" grep -q "the fixture changed" "$T/changed.err"
finish

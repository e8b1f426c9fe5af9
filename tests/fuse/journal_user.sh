#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mount --state as an ordinary user (docs/journal.md): nobody mounts through
# fusermount3 with a journal, which is nobody's own file of mode 0600; a
# DIMM plugged and a block onlined over the control socket; the daemon is
# killed with SIGKILL; the same command as nobody detaches the dead mount
# (fusermount3 -u -z, no privilege) and serves the same machine.  A second
# daemon on the journal is refused while the first runs.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "setpriv to nobody, a private mount namespace"
command -v fusermount3 > /dev/null || { echo "SKIP: needs fusermount3"; exit 77; }
in_private_ns 120 "$@"
scratch journal-user
U=$T/nobody
mkdir "$U"
chmod 755 "$T"
chown nobody:nogroup "$U"
without_scenario "$SRCDIR/fixtures/dimm-hotplug-6.1.json" "$U/fixture.json"
chmod 644 "$U/fixture.json"
as_nobody() { timeout 60 setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
setpriv --reuid=nobody --regid=nogroup --clear-groups "$HOTPLUGFS" --version > /dev/null 2>&1 ||
	{ echo "SKIP: nobody cannot run $HOTPLUGFS"; exit 77; }

MNT=$U/mnt SOCK=$U/ctl.sock STATE=$U/state DPID=
as_nobody mkdir "$MNT"
EXIT_HOOKS+=('[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null; umount -l "$MNT" 2>/dev/null')
# serve: nobody's daemon in the foreground (setpriv execs it: DPID is the
# daemon, bounded by the namespace's timeout), once the files are there.
serve() {
	local deadline=$((SECONDS + 10))
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$HOTPLUGFS" mount -f --control "$SOCK" --state "$STATE" \
		"$U/fixture.json" "$MNT" 2>> "$T/daemon.err" &
	DPID=$!
	while [ $SECONDS -le $deadline ]; do
		as_nobody stat "$MNT/sys/devices/system/memory" > /dev/null 2>&1 && return 0
		kill -0 "$DPID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$T/daemon.err" >&2
	return 1
}
blocks() { as_nobody ls "$MNT/sys/devices/system/memory" | grep -c '^memory'; }

if ! serve; then
	bad "nobody: mount --state serves"
	finish; exit
fi
same "nobody's mount" "$(findmnt -n -o FSTYPE "$MNT")" fuse.hotplugfs
same "the journal: nobody's own, 0600" "$(stat -c '%U %a' "$STATE")" "nobody 600"
before=$(blocks)
as_nobody "$HOTPLUGFS" ctl "$SOCK" dimm-add start=0x100000000 size=256M > /dev/null
same "dimm-add over the socket" "$?" 0
as_nobody "$HOTPLUGFS" ctl "$SOCK" state block=32 state=online > /dev/null
same "state block=32 online" "$?" 0
same "two blocks more" "$(blocks)" $((before + 2))
want=$(as_nobody cat "$MNT/proc/iomem" "$MNT/sys/devices/system/memory/memory32/state")
as_nobody "$HOTPLUGFS" mount -f --state "$STATE" "$U/fixture.json" "$U" 2> "$T/err"
same "a second daemon on the journal: exit 2" "$?" 2
check "a second daemon: says the journal is in use" grep -q "^hotplugfs: $STATE: " "$T/err"

kill -9 "$DPID"
wait "$DPID" 2>/dev/null
as_nobody stat -f "$MNT" > /dev/null 2>&1
same "the dead daemon's mount: stale" "$?" 1
if ! serve; then
	bad "nobody: mount --state after the kill"
	finish; exit
fi
check "the stale mount was detached" grep -q "unmounted the mount of a daemon that is gone" "$T/daemon.err"
same "one mount at MNT" "$(findmnt -n -o TARGET "$MNT" | wc -l)" 1
same "the same blocks after the kill" "$(blocks)" $((before + 2))
same_text "the same iomem and block state" \
	"$(as_nobody cat "$MNT/proc/iomem" "$MNT/sys/devices/system/memory/memory32/state")" "$want"
same "the journal is still nobody's" "$(stat -c '%U %a' "$STATE")" "nobody 600"
as_nobody fusermount3 -u "$MNT"
same "nobody unmounts it" "$?" 0
wait "$DPID" 2>/dev/null
same "the daemon ends with the mount" "$?" 0
DPID=
finish

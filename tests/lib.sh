# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the shell tests: counters and the closing "N passed, N failed"
# line, a private mount namespace for anything that mounts, a scratch
# directory, and foreground daemons bounded in time and cleaned up on exit.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
: "${HOTPLUGFS:?set HOTPLUGFS to the hotplugfs binary}"
: "${SRCDIR:?set SRCDIR to the repository root}"

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# check NAME COMMAND...: passes when COMMAND succeeds.
check() { local name=$1; shift; if "$@"; then ok; else bad "$name"; fi; }
# same NAME GOT WANT
same() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
# same_text NAME GOT WANT: multi-line, shows a diff on mismatch.
same_text() {
	if [ "$2" = "$3" ]; then ok; else
		bad "$1"; diff -u <(printf '%s\n' "$3") <(printf '%s\n' "$2") | sed 's/^/    /'
	fi
}
# finish: the closing line, and the exit status of the test.
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }

# skip_unless_root WHY: meson's skip status without root.
skip_unless_root() {
	[ "$(id -u)" = 0 ] || { echo "SKIP: needs root ($1)"; exit 77; }
}

# in_private_ns SECONDS ARGS...: re-executes the calling script in a private
# mount namespace, killed after SECONDS, so no mount can leak to the host.
in_private_ns() {
	local secs=$1
	shift
	[ "${HOTPLUGFS_PRIVATE_NS:-}" = 1 ] && return 0
	unshare -m --propagation private true 2>/dev/null ||
		{ echo "SKIP: cannot create a private mount namespace"; exit 77; }
	HOTPLUGFS_PRIVATE_NS=1 exec timeout --kill-after=10 "$secs" \
		unshare -m --propagation private bash "$0" "$@"
}

# scratch NAME: T becomes a fresh directory, removed (after every daemon
# has been stopped) when the test exits.
EXIT_HOOKS=()
run_exit_hooks() {
	local i
	for ((i = ${#EXIT_HOOKS[@]} - 1; i >= 0; i--)); do eval "${EXIT_HOOKS[i]}"; done
}
scratch() {
	T=$(mktemp -d "/tmp/hotplugfs-$1.XXXXXX")
	EXIT_HOOKS+=("rm -rf '$T'")
	trap run_exit_hooks EXIT
	trap 'exit 1' TERM INT
}

# mount_fixture FIXTURE MNT [ARGS...]: serves FIXTURE at MNT with
# `hotplugfs mount -f` (killed after 240 s at the latest; a SIGTERM to
# MOUNT_PID reaches the daemon, which then has 30 s to exit: under the
# sanitizers and a loaded machine its exit can take seconds) and waits up to
# MOUNT_WAIT seconds (default 10) for the machine to be served; the daemon's
# stderr goes to MNT.err and is shown when the mount fails.  MOUNT_PID is the
# daemon.  Unmounted and stopped on exit.
mount_fixture() {
	local fixture=$1 mnt=$2
	shift 2
	mount_with "$mnt" "$@" "$fixture"
}

# mount_with MNT ARGS...: the same for `hotplugfs mount -f ARGS... MNT`
# (e.g. --live --sysroot DIR).
mount_with() {
	local mnt=$1 deadline=$((SECONDS + ${MOUNT_WAIT:-10}))
	shift
	mkdir -p "$mnt"
	timeout --kill-after=30 240 "$HOTPLUGFS" mount -f "$@" "$mnt" 2> "$mnt.err" &
	MOUNT_PID=$!
	EXIT_HOOKS+=("umount -l '$mnt' 2>/dev/null; kill $MOUNT_PID 2>/dev/null; wait $MOUNT_PID 2>/dev/null")
	while [ $SECONDS -le $deadline ]; do
		mountpoint -q "$mnt" && stat "$mnt/sys" > /dev/null 2>&1 && return 0
		kill -0 "$MOUNT_PID" 2>/dev/null || break
		sleep 0.05
	done
	cat "$mnt.err" >&2
	return 1
}

# unmount_fixture MNT: unmounts and waits for the last daemon to exit.
unmount_fixture() {
	fusermount3 -u "$1" 2>/dev/null || umount -l "$1"
	wait "$MOUNT_PID" 2>/dev/null
}

# Workers that print one JSON line of counts to $T/ROLE.*.out
# (tests/fuse/stress.py, vfs_random.py):
# workers_sum ROLE KEY: KEY summed over the workers of ROLE;
workers_sum() {
	cat "$T/$1".*.out | python3 -c 'import json,sys; print(sum(json.loads(l)[sys.argv[1]] for l in sys.stdin if l.startswith("{")))' "$2"
}
# workers_list ROLE KEY: the lists under KEY, one item a line, indented;
workers_list() {
	cat "$T/$1".*.out | python3 -c 'import json,sys
for l in sys.stdin:
    if l.startswith("{"):
        for e in json.loads(l)[sys.argv[1]]: print("    " + e)' "$2"
}
# workers_errnos ROLE: their "by_errno" counts added up, as "EBUSY=3 EINVAL=5".
workers_errnos() {
	cat "$T/$1".*.out | python3 -c 'import json,sys,collections; c=collections.Counter()
for l in sys.stdin:
    if l.startswith("{"): c.update(json.loads(l)["by_errno"])
print(" ".join("%s=%d" % kv for kv in sorted(c.items())))'
}

# without_scenario FIXTURE OUT: the fixture as booted, for a test that
# drives the machine itself.
without_scenario() {
	python3 - "$1" > "$2" <<'EOF'
import json, sys
fx = json.load(open(sys.argv[1]))
fx.pop("scenario", None)
json.dump(fx, sys.stdout, indent=1)
EOF
}

# blocks_fixture N FILE: a boot-form machine of N memory blocks of 128 MiB:
# RAM below 640K, the legacy hole, then RAM from 1 MiB to N * 128 MiB, so
# every block (block 0 too) has present memory; la57: a million blocks is
# 128 TiB, beyond the 46 bits of 4-level paging.
blocks_fixture() {
	printf '{
  "hotplugfs-fixture": 1,
  "description": "%d memory blocks of 128 MiB, one RAM range",
  "block_size": "128M",
  "la57": true,
  "e820": [
    { "start": "0x0", "end": "0x9fbff", "type": "ram" },
    { "start": "0x9fc00", "end": "0xfffff", "type": "reserved" },
    { "start": "0x100000", "end": "0x%x", "type": "ram" }
  ]
}\n' "$1" $(( $1 * 128 * 1024 * 1024 - 1 )) > "$2"
}

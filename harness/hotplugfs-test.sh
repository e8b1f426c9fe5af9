# SPDX-License-Identifier: GPL-2.0-or-later
# hotplugfs-test.sh: a machine for your own shell tests.  Source it from bash:
#
#   . /usr/share/hotplugfs/hotplugfs-test.sh
#   hp_start qemu-vm-4g                     # a running machine (root not needed)
#   hp_run chmem -d 256M                    # a tool, seeing the machine at the real paths
#   hp_plug dimm-add start=0x180000000 size=1G
#   hp_assert_file sys/devices/system/memory/memory48/state offline
#   hp_stop                                 # also done at exit
#
# Functions (each returns non-zero on failure, with the reason on stderr):
#   hp_start [RUN-OPTIONS] FIXTURE   `hotplugfs run --control` of FIXTURE (a file or a
#                                    name), holding the machine until hp_stop.  Sets
#                                    HP_SOCK (its control socket) and HP_MOUNT (its
#                                    files, readable from this shell).
#   hp_run CMD [ARGS...]             CMD in the machine's namespace (hotplugfs exec):
#                                    /proc/iomem, /sys/devices/system/memory ... are
#                                    the machine's; CMD's exit status.
#   hp_ctl VERB [KEY=VALUE...]       a control verb (docs/control-protocol.md); the
#   hp_plug VERB [KEY=VALUE...]      result's JSON on stdout.  hp_plug is hp_ctl.
#   hp_read PATH                     a file of the machine (PATH relative: proc/iomem).
#   hp_write PATH TEXT               one write(2) of TEXT to a file of the machine.
#   hp_view VIEW                     iomem, memmap, memory or node as `hotplugfs show`
#                                    prints it, read from the running machine (iomem
#                                    as this shell may read it: zeroed without root).
#   hp_assert_view VIEW FILE         hp_view VIEW equals FILE ("-": stdin); else a diff.
#   hp_assert_file PATH TEXT         the file's content, without its newline, is TEXT.
#   hp_stop                          stops the machine, removes its directory.
#
# Env: HOTPLUGFS (default: hotplugfs from PATH), HP_START_TIMEOUT (seconds, 30).

HOTPLUGFS=${HOTPLUGFS:-hotplugfs}
HP_SOCK= HP_MOUNT= HP_DIR= HP_RUN_PID= HP_HOLD_FD=

_hp_fail() { echo "hotplugfs-test: $*" >&2; return 1; }

hp_start() {
	local deadline pid mnt
	[ $# -ge 1 ] || { _hp_fail "usage: hp_start [RUN-OPTIONS] FIXTURE"; return 1; }
	[ -z "$HP_RUN_PID" ] || { _hp_fail "a machine is running already (hp_stop first)"; return 1; }
	HP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hotplugfs-test.XXXXXX") || return 1
	HP_SOCK=$HP_DIR/control
	mkfifo "$HP_DIR/hold" || return 1
	# The machine lives as long as its CMD, and CMD (cat) as long as we
	# hold the fifo open: when this shell dies, the machine goes too.
	"$HOTPLUGFS" run --control "$HP_SOCK" "$@" -- \
		sh -c 'echo "$$ $HOTPLUGFS_MOUNT" > "$1.tmp" && mv "$1.tmp" "$1" && exec cat > /dev/null' \
		sh "$HP_DIR/info" < "$HP_DIR/hold" 2> "$HP_DIR/stderr" &
	HP_RUN_PID=$!
	exec {HP_HOLD_FD}> "$HP_DIR/hold"
	deadline=$((SECONDS + ${HP_START_TIMEOUT:-30}))
	until [ -s "$HP_DIR/info" ] && [ -S "$HP_SOCK" ]; do
		if ! kill -0 "$HP_RUN_PID" 2> /dev/null || [ $SECONDS -ge $deadline ]; then
			cat "$HP_DIR/stderr" >&2
			hp_stop
			_hp_fail "the machine did not start"
			return 1
		fi
		sleep 0.05
	done
	read -r pid mnt < "$HP_DIR/info"
	# The mount lives in run's namespace; /proc/PID/root reaches it.
	HP_MOUNT=/proc/$pid/root$mnt
	[ "${HP_NO_EXIT_TRAP:-}" = 1 ] || [ -n "$(trap -p EXIT)" ] || trap hp_stop EXIT
}

hp_stop() {
	local rc=0
	if [ -n "$HP_HOLD_FD" ]; then
		exec {HP_HOLD_FD}>&-
		HP_HOLD_FD=
	fi
	if [ -n "$HP_RUN_PID" ]; then
		wait "$HP_RUN_PID" 2> /dev/null || rc=$?
		HP_RUN_PID=
	fi
	[ -n "$HP_DIR" ] && rm -rf "$HP_DIR"
	HP_DIR= HP_SOCK= HP_MOUNT=
	return $rc
}

_hp_running() { [ -n "$HP_RUN_PID" ] || _hp_fail "no machine (hp_start first)"; }

hp_run() { _hp_running && "$HOTPLUGFS" exec "$HP_SOCK" -- "$@"; }
hp_ctl() { _hp_running && "$HOTPLUGFS" ctl "$HP_SOCK" "$@"; }
hp_plug() { hp_ctl "$@"; }

hp_read() { _hp_running && cat "$HP_MOUNT/${1#/}"; }

hp_write() {
	_hp_running || return 1
	# One write(2), as echo > file does: the kernel's errno comes back.
	printf '%s' "$2" > "$HP_MOUNT/${1#/}"
}

hp_assert_file() {
	local got
	got=$(hp_read "$1") || return 1
	[ "$got" = "$2" ] || { _hp_fail "$1 is '$got', expected '$2'"; return 1; }
}

# The view as `hotplugfs show` prints it: every readable file below the
# directory as "path: content", links as "path -> target", in directory
# order (find walks as show does: a directory's entries, each descended
# into in turn).
_hp_walk() {
	local root=$1 rel type content
	while IFS= read -r -d '' type && IFS= read -r -d '' rel; do
		case $type in
		l) printf '%s -> %s\n' "$rel" "$(readlink "$root/$rel")" ;;
		f)
			content=
			# EOF ends the read (status 1): only a message says it failed.
			{ IFS= read -r -d '' content < "$root/$rel"; } 2> "$HP_DIR/read.err" || true
			if [ -s "$HP_DIR/read.err" ]; then
				read -r content < "$HP_DIR/read.err"
				printf '%s: <%s>\n' "$rel" "${content##*: }"
			elif [ -z "$content" ]; then printf '%s: <empty>\n' "$rel"
			elif [ "${content: -1}" != $'\n' ]; then printf '%s: %s <no newline>\n' "$rel" "$content"
			else printf '%s: %s' "$rel" "$content"
			fi ;;
		esac
	done < <(find "$root" -mindepth 1 \( -type l -o \( -type f -perm /0444 \) \) \
		-printf '%y\0%P\0')
}

hp_view() {
	_hp_running || return 1
	case $1 in
	iomem) cat "$HP_MOUNT/proc/iomem" ;;
	memmap) _hp_walk "$HP_MOUNT/sys/firmware/memmap" ;;
	memory) _hp_walk "$HP_MOUNT/sys/devices/system/memory" ;;
	node) _hp_walk "$HP_MOUNT/sys/devices/system/node" ;;
	*) _hp_fail "unknown view '$1' (iomem, memmap, memory, node)" ;;
	esac
}

hp_assert_view() {
	local got want
	got=$(hp_view "$1"; echo x) || return 1
	if [ "$2" = - ]; then want=$(cat; echo x); else want=$(cat "$2"; echo x) || return 1; fi
	[ "$got" = "$want" ] && return 0
	_hp_fail "view $1 differs (- expected, + machine):"
	diff -u <(printf '%s' "${want%x}") <(printf '%s' "${got%x}") | tail -n +3 >&2
	return 1
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One command line: --help on every subcommand (stdout, exit 0), --version,
# usage errors (exit 2, with the way to --help), fixtures by name, -d on
# stderr only, progress only on a terminal, and mount's options: no
# allow_other unless asked, -o passed to FUSE, fstab's words ignored,
# control=, state=, unknown options refused before anything is mounted, the
# mount.fuse3 call form and mount.fuse.hotplugfs's -f (fake); --state listed,
# and refused with --live.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] && in_private_ns 300 "$@"
scratch cli
FX=$SRCDIR/fixtures/qemu-vm-4g.json
export HOTPLUGFS_FIXTURES_DIR=$SRCDIR/fixtures
VERSION=$(sed -n "s/^ *version : '\(.*\)',$/\1/p" "$SRCDIR/meson.build")

# --- help and version -----------------------------------------------------------
"$HOTPLUGFS" --help > "$T/out" 2> "$T/err"
same "hotplugfs --help: exit 0" "$?" 0
check "hotplugfs --help: on stdout" grep -q '^Usage: hotplugfs COMMAND' "$T/out"
check "hotplugfs --help: exit codes" grep -q '0 ok, 1 refused, 2 usage or a bad fixture, 3 runtime' "$T/out"
same "hotplugfs --version" "$("$HOTPLUGFS" --version)" "hotplugfs $VERSION"
for sub in mount run exec show ctl map capture; do
	"$HOTPLUGFS" "$sub" --help > "$T/out" 2> "$T/err"
	same "$sub --help: exit 0" "$?" 0
	same "$sub --help: usage line on stdout" "$(sed -n 2p "$T/out")" \
		"$(sed -n 2p "$T/out" | grep "^  hotplugfs $sub \[OPTION")"
	check "$sub --help: nothing on stderr" test ! -s "$T/err"
	check "$sub --help: lists --debug" grep -q -- '-d, --debug' "$T/out"
	same "$sub --version" "$("$HOTPLUGFS" "$sub" --version)" "hotplugfs $VERSION"
	"$HOTPLUGFS" "$sub" --no-such-option > "$T/out" 2> "$T/err"
	same "$sub --no-such-option: exit 2" "$?" 2
	check "$sub --no-such-option: says where help is" grep -q "^Try 'hotplugfs $sub --help'.$" "$T/err"
	check "$sub --no-such-option: nothing on stdout" test ! -s "$T/out"
done
"$HOTPLUGFS" mount --help > "$T/out"
check "mount --help: lists --state" grep -q -- '--state=FILE  *Journal every acknowledged change' "$T/out"
"$HOTPLUGFS" mount --live --state "$T/journal" "$T" > "$T/out" 2> "$T/err"
same "mount --live --state: exit 2" "$?" 2
check "mount --live --state: says why" grep -q "^hotplugfs mount: --state journals a simulated machine; with --live the kernel itself keeps the state$" "$T/err"
check "mount --live --state: no journal made" test ! -e "$T/journal"
"$HOTPLUGFS" frobnicate > /dev/null 2> "$T/err"
same "unknown command: exit 2" "$?" 2
check "unknown command: named" grep -q "unknown command 'frobnicate'" "$T/err"
"$HOTPLUGFS" show "$FX" > /dev/null 2> "$T/err"
same "show without a view: exit 2" "$?" 2

# --- fixtures by name -------------------------------------------------------------
"$HOTPLUGFS" show "$FX" memory > "$T/by-path"
"$HOTPLUGFS" show qemu-vm-4g memory > "$T/by-name"
check "show qemu-vm-4g: the installed fixture" cmp -s "$T/by-name" "$T/by-path"
"$HOTPLUGFS" show qemu-vm-4g.json memory > "$T/by-name"
check "show qemu-vm-4g.json: the same" cmp -s "$T/by-name" "$T/by-path"
(cd "$T" && cp "$SRCDIR/fixtures/chmem-vm.json" qemu-vm-4g &&
	"$HOTPLUGFS" show qemu-vm-4g memory > by-name 2> /dev/null)
check "a file of that name comes first" cmp -s "$T/by-name" <("$HOTPLUGFS" show chmem-vm memory)
"$HOTPLUGFS" show no-such-machine iomem > /dev/null 2> "$T/err"
same "unknown name: exit 2" "$?" 2
check "unknown name: named as typed" grep -q '^no-such-machine: ' "$T/err"

# --- -d: debug on stderr, stdout unchanged ------------------------------------------
"$HOTPLUGFS" show -d qemu-vm-4g memory > "$T/out" 2> "$T/err"
check "-d: output unchanged" cmp -s "$T/out" "$T/by-path"
check "-d: says which file the name found" grep -q "DEBUG.*fixture qemu-vm-4g: $SRCDIR/fixtures/qemu-vm-4g.json" "$T/err"
"$HOTPLUGFS" show qemu-vm-4g memory 2> "$T/err" > /dev/null
check "no -d: nothing on stderr" test ! -s "$T/err"

# --- progress: a terminal only ----------------------------------------------------------
HOTPLUGFS_PROGRESS_DELAY_MS=0 "$HOTPLUGFS" show qemu-vm-4g iomem 2> "$T/err" > /dev/null
check "progress: quiet when stderr is not a terminal" test ! -s "$T/err"
HOTPLUGFS_PROGRESS_DELAY_MS=0 script -qec "'$HOTPLUGFS' show qemu-vm-4g iomem > /dev/null" /dev/null > "$T/tty"
check "progress: on a terminal, booting FIXTURE" grep -q 'hotplugfs: booting qemu-vm-4g.json\.\.\.' "$T/tty"
check "progress: erased at the end" grep -q $'\r\e\[K' "$T/tty"

if [ "$(id -u)" != 0 ]; then
	echo "note: not root: the mount checks need a private mount namespace"
	finish; exit
fi

# --- mount options --------------------------------------------------------------------
# super options of the mount at $1 (the part after " - fuse.hotplugfs hotplugfs ")
super_opts() { awk -v m="$1" '$5 == m { sub(/.* - /, ""); print $3 }' /proc/self/mountinfo; }
mount_opts() { awk -v m="$1" '$5 == m { print $6 }' /proc/self/mountinfo; }

mkdir -p "$T/m1" "$T/m2" "$T/m3" "$T/m4"
"$HOTPLUGFS" mount "$FX" "$T/m1"
same "mount: exit 0 once mounted" "$?" 0
opts=$(super_opts "$T/m1")
check "mount: no allow_other unless asked" test "${opts/allow_other/}" = "$opts"
check "mount: fuse.hotplugfs, default_permissions" grep -q 'default_permissions' <<< "$(super_opts "$T/m1")"
umount "$T/m1"
"$HOTPLUGFS" mount -o allow_other,ro -o defaults,noauto,nofail,x-systemd.automount,comment=x \
	-o control="$T/c1" "$FX" "$T/m1"
same "mount -o ...: exit 0" "$?" 0
check "-o allow_other reaches the kernel" grep -q allow_other <<< "$(super_opts "$T/m1")"
check "-o ro reaches the kernel" grep -q '^ro' <<< "$(mount_opts "$T/m1")"
check "-o control= serves the socket" test -S "$T/c1"
same "and it answers" "$("$HOTPLUGFS" ctl "$T/c1" dimm-add start=0x180000000 size=1G | grep -c dimm0)" 1
umount "$T/m1"
"$HOTPLUGFS" mount -o state="$T/journal" "$FX" "$T/m1"
same "mount -o state=FILE: exit 0" "$?" 0
check "-o state=FILE: the journal's header" grep -q '^{"hotplugfs-journal":1,' "$T/journal"
check "-o state= is not FUSE's" bash -c "! grep -q state <<< '$(super_opts "$T/m1")'"
umount "$T/m1"
"$HOTPLUGFS" mount -o bogus "$FX" "$T/m1" 2> "$T/err"
same "-o bogus: exit 2" "$?" 2
check "-o bogus: libfuse names it" grep -q "unknown option.*bogus" "$T/err"
check "-o bogus: nothing mounted" bash -c "! mountpoint -q '$T/m1'"

# mount.fuse3 runs "hotplugfs FIXTURE DIR -o OPTS", with dev,suid added (util/mount.fuse.c).
"$HOTPLUGFS" qemu-vm-4g "$T/m2" -o rw,nosuid,nodev,dev,suid
same "mount.fuse3's call form: exit 0" "$?" 0
check "mount.fuse3's call form: mounted" mountpoint -q "$T/m2"
cmp -s <(lsmem --sysroot "$T/m2") <("$HOTPLUGFS" run qemu-vm-4g -- lsmem)
same "lsmem --sysroot on it equals run's lsmem" "$?" 0
umount "$T/m2"
ln -s "$HOTPLUGFS" "$T/mount.fuse.hotplugfs"
"$T/mount.fuse.hotplugfs" qemu-vm-4g "$T/m3" -f -o rw
same "mount.fuse.hotplugfs -f (fake): exit 0" "$?" 0
check "mount.fuse.hotplugfs -f: nothing mounted" bash -c "! mountpoint -q '$T/m3'"
"$T/mount.fuse.hotplugfs" qemu-vm-4g "$T/m3" -n -v -o rw,noexec -t fuse.hotplugfs 2> /dev/null
same "mount.fuse.hotplugfs SRC DIR -n -v -o ... -t: exit 0" "$?" 0
check "mount.fuse.hotplugfs: mounted" mountpoint -q "$T/m3"
umount "$T/m3"
"$T/mount.fuse.hotplugfs" qemu-vm-4g "$T/m3" -t ext4 2> "$T/err"
same "mount.fuse.hotplugfs -t ext4: exit 2" "$?" 2

# capture progress: on a terminal, counted in blocks.
"$HOTPLUGFS" mount "$FX" "$T/m4"
HOTPLUGFS_PROGRESS_DELAY_MS=0 script -qec "'$HOTPLUGFS' capture --sysroot '$T/m4' -o '$T/cap.json'" /dev/null > "$T/tty"
check "capture progress on a terminal" grep -q 'hotplugfs: capturing memory blocks\.\.\.' "$T/tty"
umount "$T/m4"
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# As an ordinary user (a fresh useradd account) in a fresh clone: the
# README's two commands work (build and `hotplugfs run ... -- lsmem`, then
# the test suite), a chmem store works, /proc/iomem reads zeroed as on a
# real machine, `hotplugfs mount` works through fusermount3 and refuses
# allow_other, the examples pass, and the host's memory blocks are not
# touched.  Skipped, with hotplugfs's own reason, only where the kernel
# forbids user namespaces.
#
# /dev/fuse must be usable by everyone for this (udev makes it 0666); where
# it is not (a VM without udev), a 0666 node is bound over it in this test's
# private mount namespace only.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "creates a user account"
if [ "${HOTPLUGFS_SANITIZE:-}" = 1 ]; then
	echo "SKIP: builds its own copy; the plain run covers it"; exit 77
fi
for tool in useradd userdel setpriv git meson ninja; do
	command -v "$tool" > /dev/null || { echo "SKIP: no $tool"; exit 77; }
done
in_private_ns 1500 "$@"
scratch fresh
chmod 755 "$T"
USER_NAME=hpfs$$
HOME_DIR=$T/home
useradd -M -d "$HOME_DIR" -s /bin/bash "$USER_NAME" || { bad "useradd"; finish; exit 1; }
EXIT_HOOKS+=("userdel '$USER_NAME' 2>/dev/null")
mkdir -p "$HOME_DIR/tmp"   # the user's TMPDIR: pytest's directories go with the test
git clone -q "$SRCDIR" "$HOME_DIR/hotplugfs" || { bad "git clone"; finish; exit 1; }
echo "user $USER_NAME (uid $(id -u "$USER_NAME")), clone of $(git -C "$HOME_DIR/hotplugfs" log -1 --format=%h)"
chown -R "$USER_NAME:$USER_NAME" "$HOME_DIR"

# as_user SCRIPT: bash -c SCRIPT in the clone, as the user, with a plain
# login environment (Debian's python3, no root variables).  The sbin
# directories are on PATH because chmem lives in /usr/sbin, which Debian's
# login PATH for users (/etc/login.defs) leaves out.
as_user() {
	setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups \
		env -i HOME="$HOME_DIR" USER="$USER_NAME" LOGNAME="$USER_NAME" LANG=C.UTF-8 \
		PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin TERM=dumb \
		TMPDIR="$HOME_DIR/tmp" \
		bash -c "cd ~/hotplugfs && $1"
}

mode=$(stat -c %a /dev/fuse)
if [ $((0$mode & 06)) != 6 ]; then
	mkdir "$T/dev"
	mount -t tmpfs -o mode=0755 hotplugfs-dev "$T/dev" && mknod -m 0666 "$T/dev/fuse" c 10 229 &&
		mount --bind "$T/dev/fuse" /dev/fuse
	EXIT_HOOKS+=("umount /dev/fuse '$T/dev'")
	echo "note: /dev/fuse is $mode here (no udev); a 0666 one stands in, in this namespace only"
fi
host_states() { cat /sys/devices/system/memory/memory*/state 2> /dev/null | md5sum; }
host_before=$(host_states)

# --- the README's first command ------------------------------------------------------------
readme_build=$(grep -m1 '^meson setup build && ninja -C build && build/fs/hotplugfs run ' "$SRCDIR/README.md")
readme_test=$(grep -m1 '^bash tests/run-all.sh$' "$SRCDIR/README.md")
check "README: the build-and-run command" test -n "$readme_build"
check "README: the test command" test -n "$readme_test"
as_user "$readme_build" > "$T/readme1.out" 2> "$T/readme1.err"
rc=$?
if [ $rc != 0 ] && grep -q 'refused: without root this needs a user namespace' "$T/readme1.err"; then
	echo "SKIP: $(grep refused "$T/readme1.err")"
	exit 77
fi
same "README command 1 as $USER_NAME: exit 0" "$rc" 0
[ $rc = 0 ] || tail -5 "$T/readme1.err"
check "  lsmem printed the machine" grep -q '^Total online memory: *4G$' "$T/readme1.out"
check "  its two ranges" test "$(grep -c '^0x' "$T/readme1.out")" = 2

# --- a chmem store, iomem, the safety rule -----------------------------------------------------
as_user "build/fs/hotplugfs run fixtures/qemu-vm-4g.json -- sh -c \
	'chmem -d 256M && lsmem -b --summary=only && cat /sys/devices/system/memory/memory47/state'" \
	> "$T/chmem.out" 2> "$T/chmem.err"
same "chmem -d 256M as $USER_NAME: exit 0" "$?" 0
check "  memory47 went offline" grep -q '^offline$' "$T/chmem.out"
check "  lsmem: 256M offline" grep -q '^Total offline memory: *268435456$' "$T/chmem.out"
same "inside: root of its own user namespace" \
	"$(as_user 'HOTPLUGFS_FIXTURES_DIR=fixtures build/fs/hotplugfs run qemu-vm-4g -- id -u' 2>&1)" 0
same "inside: /sys/devices/system/memory is hotplugfs" \
	"$(as_user 'build/fs/hotplugfs run fixtures/qemu-vm-4g.json -- findmnt -n -o FSTYPE /sys/devices/system/memory')" \
	fuse.hotplugfs
same "inside: /proc/iomem zeroed, as for root in a container" \
	"$(as_user 'build/fs/hotplugfs run fixtures/qemu-vm-4g.json -- head -2 /proc/iomem')" \
	"00000000-00000000 : Reserved"$'\n'"00000000-00000000 : System RAM"
same "the host's memory blocks untouched" "$(host_states)" "$host_before"

# --- hotplugfs mount through fusermount3 -------------------------------------------------------
as_user 'mkdir -p ~/m && build/fs/hotplugfs mount --control ~/c fixtures/qemu-vm-4g.json ~/m &&
	build/fs/hotplugfs ctl ~/c dimm-add start=0x180000000 size=1G > /dev/null &&
	lsmem --sysroot ~/m -b --summary=only; fusermount3 -u ~/m' > "$T/mount.out" 2> "$T/mount.err"
same "mount, ctl, lsmem --sysroot, fusermount3 -u as $USER_NAME" "$?" 0
check "  lsmem saw the plugged DIMM (offline)" grep -q '^Total offline memory: *1073741824$' "$T/mount.out"
as_user 'build/fs/hotplugfs mount -o allow_other fixtures/qemu-vm-4g.json ~/m' > /dev/null 2> "$T/ao.err"
same "mount -o allow_other as $USER_NAME: refused by fusermount3 (exit 3)" "$?" 3
check "  fusermount3 says why" grep -q 'user_allow_other' "$T/ao.err"

# --- the examples, as the user -----------------------------------------------------------------
as_user 'HOTPLUGFS=$PWD/build/fs/hotplugfs HOTPLUGFS_FIXTURES_DIR=$PWD/fixtures \
	HOTPLUGFS_TEST_SH=$PWD/harness/hotplugfs-test.sh bash docs/examples/lsmem-chmem.sh' > "$T/ex.out" 2>&1
same "the shell example as $USER_NAME" "$?" 0
if /usr/bin/python3 -c 'import pytest' 2> /dev/null; then
	as_user 'HOTPLUGFS=$PWD/build/fs/hotplugfs HOTPLUGFS_FIXTURES_DIR=$PWD/fixtures PYTHONPATH=$PWD/harness \
		python3 -m pytest -q -p hotplugfs_test -p no:cacheprovider docs/examples/test_lsmem_chmem.py' > "$T/py.out" 2>&1
	same "the pytest example as $USER_NAME" "$?" 0
	tail -1 "$T/py.out"
fi

# --- the README's second command ---------------------------------------------------------------
as_user "$readme_test" > "$T/readme2.out" 2>&1
rc=$?
same "README command 2 (the test suite) as $USER_NAME: exit 0" "$rc" 0
last=$(tail -1 "$T/readme2.out")
echo "  as $USER_NAME: $last"
check "  nothing failed" grep -q '^[0-9]* passed, 0 failed, [0-9]* skipped$' <<< "$last"
[ $rc = 0 ] || grep -E '^ *[0-9]+/[0-9]+ .*FAIL' "$T/readme2.out"
same "the host's memory blocks still untouched" "$(host_states)" "$host_before"
finish

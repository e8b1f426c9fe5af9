#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mkdir, create, mknod, symlink, link, unlink, rmdir and rename through the
# mount answer the errno the VFS over sysfs answers (tests/fuse/vfs_errno.py
# says which and why), as root and as nobody (setpriv), and change nothing.
# Mounts only in a private mount namespace.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "FUSE mounts, setpriv"
in_private_ns 120 "$@"
scratch vfs-errno
MNT=$T/mnt

# nobody must reach the mount and a python it may run.
chmod 755 "$T"
cp "$SRCDIR/tests/fuse/vfs_errno.py" "$T/"
chmod 644 "$T/vfs_errno.py"
PY=$(command -v python3)
for p in "$PY" /usr/bin/python3; do
	if setpriv --reuid=nobody --regid=nogroup --clear-groups "$p" -c '' 2>/dev/null; then
		NOBODY_PY=$p
		break
	fi
done
protected=$(cat /proc/sys/fs/protected_hardlinks 2>/dev/null || echo 0)

if mount_fixture "$SRCDIR/fixtures/qemu-vm-4g.json" "$MNT" -o allow_other; then
	ok
	# Everything below is tried on our mount only.
	same "the mount is hotplugfs" "$(findmnt -n -o FSTYPE "$MNT")" fuse.hotplugfs
	if [ "$(findmnt -n -o FSTYPE "$MNT")" = fuse.hotplugfs ]; then
		out=$(timeout 60 "$PY" "$T/vfs_errno.py" "$MNT" root "$protected")
		grep "^FAIL" <<< "$out"
		same "root: every syscall's errno" "$(grep -c '^FAIL' <<< "$out")" 0
		check "root: cases ran" grep -q '^ok root: rename directory' <<< "$out"
		if [ -n "${NOBODY_PY:-}" ]; then
			out=$(timeout 60 setpriv --reuid=nobody --regid=nogroup --clear-groups \
				"$NOBODY_PY" "$T/vfs_errno.py" "$MNT" nobody "$protected")
			grep '^FAIL' <<< "$out"
			same "nobody: every syscall's errno" "$(grep -c '^FAIL' <<< "$out")" 0
			check "nobody: cases ran" grep -q '^ok nobody: rename directory' <<< "$out"
		else
			bad "no python3 that nobody may run"
		fi
	fi
	unmount_fixture "$MNT"
else
	bad "mount"
fi
finish

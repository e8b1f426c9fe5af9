#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# FUSE semantics of a served machine: sizes, modes, seq_file reads (snapshot,
# small buffers, lseek(0) re-read), unprivileged /proc/iomem, one store per
# write with the kernel's errno, kernfs open rules, symlinks, readdir cursors,
# and a clean exit on unmount and on SIGTERM.  Mounts only inside a private
# mount namespace (the script re-executes itself under unshare).
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "FUSE mounts with allow_other"
in_private_ns 300 "$@"

FIXTURE=$SRCDIR/fixtures/qemu-vm-4g.json
scratch semantics
MNT=$T/mnt
chmod 755 "$T"   # the unprivileged reader must reach the mount
# allow_other: the unprivileged reader of /proc/iomem below is another user.
mount_fg() { mount_fixture "$FIXTURE" "$MNT" -o allow_other; }

if ! mount_fg; then
	bad "mount -f did not mount $FIXTURE"
	finish; exit 1
fi
ok

M=$MNT/sys/devices/system/memory
IOMEM=$MNT/proc/iomem
"$HOTPLUGFS" show "$FIXTURE" iomem > "$T/iomem.want"
# shellcheck disable=SC2010  # listing through readdir is the point
FIRST=$(ls "$M" | grep -E '^memory[0-9]+$' | sort -V | head -n 1)
B=$M/$FIRST

# --- stat: sizes and modes as sysfs/procfs report them --------------------
# Files read through the page cache report their length (docs/design.md);
# kernfs says 4096, which a page-cache read would fill with zeroes.
same "sysfs st_size" "$(stat -c %s "$B/state")" "$(cat "$B/state" | wc -c)"
same "direct-I/O sysfs st_size (kexec_crash_size)" \
	"$(stat -c %s "$MNT/sys/kernel/kexec_crash_size")" 4096
same "procfs st_size" "$(stat -c %s "$IOMEM")" 0
same "mode state" "$(stat -c %a "$B/state")" 644
same "mode phys_index" "$(stat -c %a "$B/phys_index")" 444
same "mode block_size_bytes" "$(stat -c %a "$M/block_size_bytes")" 444
same "mode auto_online_blocks" "$(stat -c %a "$M/auto_online_blocks")" 644
same "mode proc/iomem" "$(stat -c %a "$IOMEM")" 444
same "owner" "$(stat -c %u:%g "$B/state")" 0:0
same "type dir" "$(stat -c %F "$B")" directory
same "inode of a file is stable" "$(stat -c %i "$B/state")" "$(stat -c %i "$B/state")"
if [ -d "$MNT/sys/firmware/memmap/0" ]; then
	for f in start end type; do
		same "mode memmap/0/$f" "$(stat -c %a "$MNT/sys/firmware/memmap/0/$f")" 444
	done
else
	bad "no sys/firmware/memmap/0 in $FIXTURE"
fi

# --- reads: seq_file snapshot served by offset ----------------------------
# (cmp on the file itself would compare st_size 0 with the real size: copy first)
cat "$IOMEM" > "$T/iomem.cat"
check "cat proc/iomem equals show iomem" cmp -s "$T/iomem.cat" "$T/iomem.want"
dd if="$IOMEM" bs=7 status=none > "$T/iomem.dd"
check "dd bs=7 of proc/iomem equals show iomem" cmp -s "$T/iomem.dd" "$T/iomem.want"
dd if="$B/state" bs=1 status=none > "$T/state.dd"
check "dd bs=1 of state equals cat" cmp -s "$T/state.dd" <(cat "$B/state")

python3 - "$B/state" "$IOMEM" > "$T/py.out" 2>&1 <<'EOF'
import os, sys
state, iomem = sys.argv[1], sys.argv[2]
want = open(state, 'rb').read()
fd = os.open(state, os.O_RDONLY)
one = os.read(fd, 4096)
print('one-read', one == want and one.endswith(b'\n'))
print('eof', os.read(fd, 4096) == b'')
os.lseek(fd, 0, os.SEEK_SET)
print('reread', os.read(fd, 4096) == want)
os.close(fd)
# pread at a middle offset serves the same snapshot
fd = os.open(iomem, os.O_RDONLY)
whole = b''
while True:
    b = os.read(fd, 100)
    if not b:
        break
    whole += b
print('chunks', whole == open(iomem, 'rb').read())
os.lseek(fd, 0, os.SEEK_SET)
print('iomem-reread', os.read(fd, len(whole) + 1) == whole)
print('pread-mid', os.pread(fd, 10, 5) == whole[5:15])
os.close(fd)
EOF
for k in one-read eof reread chunks iomem-reread pread-mid; do
	same "python $k" "$(awk -v k=$k '$1 == k { print $2 }' "$T/py.out")" True
done

# --- unprivileged opener sees zeroed addresses ----------------------------
sed -E 's/^( *)[0-9a-f]+-[0-9a-f]+ : /\100000000-00000000 : /' "$T/iomem.want" > "$T/iomem.zero"
setpriv --reuid=65534 --regid=65534 --clear-groups cat "$IOMEM" > "$T/iomem.user" 2>&1
check "unprivileged proc/iomem has zeroed addresses" cmp -s "$T/iomem.user" "$T/iomem.zero"
check "zeroed iomem is not empty" test -s "$T/iomem.zero"
# Credentials are the opener's: an fd opened by root and read after dropping stays real.
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all cat <"$IOMEM" > "$T/iomem.fd" 2>&1
check "fd opened by root keeps real addresses" cmp -s "$T/iomem.fd" "$T/iomem.want"

# --- writes: one store per write(2), the kernel's errno -------------------
orig=$(cat "$M/auto_online_blocks")
check "write online_movable" sh -c "echo online_movable > '$M/auto_online_blocks'"
same "auto_online_blocks reads back" "$(cat "$M/auto_online_blocks")" online_movable
check "write without newline" sh -c "printf online > '$M/auto_online_blocks'"
same "auto_online_blocks reads back online" "$(cat "$M/auto_online_blocks")" online
err=$(bash -c "printf bogus > '$M/auto_online_blocks'" 2>&1); rc=$?
check "bogus store fails" test "$rc" -ne 0
check "bogus store is EINVAL" grep -q "Invalid argument" <<< "$err"
same "bogus store left the value" "$(cat "$M/auto_online_blocks")" online
echo "$orig" > "$M/auto_online_blocks"
same "restored auto_online_blocks" "$(cat "$M/auto_online_blocks")" "$orig"
python3 - "$M/auto_online_blocks" > "$T/py.write" 2>&1 <<'EOF'
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
print('count', os.write(fd, b'offline\n') == 8)
os.lseek(fd, 0, os.SEEK_SET)
print('rdwr-reread', os.read(fd, 4096) == b'offline\n')
try:
    os.write(fd, b'nonsense\n'); print('einval', False)
except OSError as e:
    print('einval', e.errno == 22)
os.close(fd)
EOF
for k in count rdwr-reread einval; do
	same "python write $k" "$(awk -v k=$k '$1 == k { print $2 }' "$T/py.write")" True
done
echo "$orig" > "$M/auto_online_blocks"

# A block's state whose size the kernel got from a stat but whose page it
# never read, changed by a store to another file (a write to state itself
# has the kernel drop its size, fuse_write_update_attr()): the store drops
# the size at once (fs/page_cache.c), so the next stat and read see the new
# length; then the same once the page is cached.
L=$M/$(ls "$M" | grep -E '^memory[0-9]+$' | sort -V | tail -n 1)
same "last block online, by size only" "$(stat -c %s "$L/state")" 7
check "store 0 to online after a stat of state only" sh -c "echo 0 > '$L/online'"
same "state size after the store" "$(stat -c %s "$L/state")" 8
same "state after the store" "$(cat "$L/state")" offline
check "store 1 to online with state's page cached" sh -c "echo 1 > '$L/online'"
same "state after the second store" "$(cat "$L/state")" online
same "state size after the second store" "$(stat -c %s "$L/state")" 7

err=$(bash -c "echo 1 > '$B/phys_index'" 2>&1); rc=$?
check "write to 0444 fails even as root" test "$rc" -ne 0
check "write to 0444 is EACCES" grep -q "Permission denied" <<< "$err"
err=$(bash -c "echo 1 > '$IOMEM'" 2>&1)
check "write to proc/iomem is EACCES" grep -q "Permission denied" <<< "$err"
if [ -e "$M/probe" ]; then
	err=$(cat "$M/probe" 2>&1)
	check "read of write-only probe is EACCES" grep -q "Permission denied" <<< "$err"
fi
check "truncate to 0 is accepted" truncate -s 0 "$B/state"
err=$(chmod 600 "$B/state" 2>&1)
check "chmod is refused" grep -q "Operation not permitted" <<< "$err"

# --- symlinks --------------------------------------------------------------
same "readlink node0" "$(readlink "$B/node0")" ../../node/node0
same "readlink subsystem" "$(readlink "$B/subsystem")" ../../../../bus/memory
same "symlink st_size" "$(stat -c %s "$B/node0")" "$(readlink "$B/node0" | tr -d '\n' | wc -c)"
check "node link resolves" test -d "$B/node0/"

# --- readdir ---------------------------------------------------------------
ls -f "$M" > "$T/ls.f"
same "ls -f starts with . and .." "$(head -n 2 "$T/ls.f" | tr '\n' ' ')" ". .. "
check "ls -f has no duplicates" test -z "$(sort "$T/ls.f" | uniq -d)"
# shellcheck disable=SC2010
ls "$M" | grep -E '^memory[0-9]+$' | sort -V > "$T/blocks.ls"
nblocks=$(wc -l < "$T/blocks.ls")
# every listed block answers with its own phys_index
mismatch=0
while read -r b; do
	want=$(printf '%08x' "${b#memory}")
	[ "$(cat "$M/$b/phys_index")" = "$want" ] || mismatch=$((mismatch + 1))
done < "$T/blocks.ls"
same "listed blocks have their phys_index" "$mismatch" 0
check "memory dir lists blocks" test "$nblocks" -gt 0
# The blocks the command line reports (show memory) are the ones listed.
"$HOTPLUGFS" show "$FIXTURE" memory 2>/dev/null | grep -oE '\bmemory[0-9]+\b' | sort -uV > "$T/blocks.show"
if [ -s "$T/blocks.show" ]; then
	check "ls memoryN equals show memory" cmp -s "$T/blocks.ls" "$T/blocks.show"
fi
# Tiny getdents64 buffers make the kernel resume at every entry's offset.
python3 - "$M" > "$T/py.dir" 2>&1 <<'EOF'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.getdents64.restype = ctypes.c_ssize_t
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
buf = ctypes.create_string_buffer(64)
names = []
while True:
    n = libc.getdents64(fd, buf, ctypes.c_size_t(64))
    if n <= 0:
        break
    pos = 0
    raw = buf.raw
    while pos < n:
        reclen = int.from_bytes(raw[pos + 16:pos + 18], 'little')
        names.append(raw[pos + 19:pos + reclen].split(b'\0')[0].decode())
        pos += reclen
os.close(fd)
print('\n'.join(names))
EOF
check "small-buffer readdir equals ls -f" cmp -s "$T/py.dir" "$T/ls.f"

# --- statfs ----------------------------------------------------------------
same "statfs type" "$(stat -f -c %T "$MNT")" fuseblk
same "statfs namemax" "$(stat -f -c %l "$MNT")" 255

# --- unmount: the daemon exits 0 ------------------------------------------
fusermount3 -u "$MNT" 2>/dev/null || umount "$MNT"
wait "$MOUNT_PID"; rc=$?; MOUNT_PID=
same "daemon exit status after unmount" "$rc" 0
check "unmounted" test "$(mountpoint -q "$MNT"; echo $?)" != 0

# SIGTERM unmounts cleanly and exits 0
if mount_fg; then
	kill -TERM "$MOUNT_PID"; wait "$MOUNT_PID"; rc=$?; MOUNT_PID=
	same "daemon exit status after SIGTERM" "$rc" 0
	check "SIGTERM unmounted" test "$(mountpoint -q "$MNT"; echo $?)" != 0
else
	bad "second mount -f"
fi

# Without -f the command returns once mounted, leaving a daemon behind.
if timeout 60 "$HOTPLUGFS" mount "$FIXTURE" "$MNT"; then
	check "daemonized mount is mounted" mountpoint -q "$MNT"
	cat "$IOMEM" > "$T/iomem.daemon"
	check "daemonized mount serves files" cmp -s "$T/iomem.daemon" "$T/iomem.want"
	umount "$MNT"
else
	bad "mount without -f"
fi

finish

# SPDX-License-Identifier: GPL-2.0-or-later
"""Files opened before their memory block went away act on nothing.

usage: stale_handles.py HOTPLUGFS MOUNTPOINT CONTROL-SOCKET

The kernel answers ENODEV to a read or a write through a file whose kernfs
node was removed: kernfs_fop_write_iter() and the seq_file read's
kernfs_seq_start() fail kernfs_get_active() on a deactivated node
(fs/kernfs/file.c 6.12), and a block added again is a new node, so old
descriptors never reach it.  Checked for each way a file is served here: a
writer (direct I/O, its own open file), a reader and writer (a snapshot),
and read-only opens served from the page cache (state, whose contents
follow the block, and phys_index, which never changes), after an eject, and
after an eject and an add of the same range, with the new block looked up
or not before the old descriptors are used.  Prints "ok ..." or "FAIL ...".
"""
import errno
import os
import subprocess
import sys

HOTPLUGFS, MNT, SOCK = sys.argv[1:4]
MEM = os.path.join(MNT, "sys/devices/system/memory")
BLOCK = os.path.join(MEM, "memory32")
failed = 0


def report(ok, what):
    global failed
    if ok:
        print(f"ok {what}")
    else:
        failed += 1
        print(f"FAIL {what}")


def ctl(*args):
    subprocess.run([HOTPLUGFS, "ctl", SOCK, *args], check=True, timeout=20,
                   stdout=subprocess.DEVNULL)


def outcome(call):
    try:
        got = call()
        return "data" if isinstance(got, bytes) and got else "success"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def read_file(path):
    with open(path, "rb") as f:
        return f.read().decode()


def open_all():
    """The four ways memory32's files are open, each used once."""
    fds = {
        "writer": os.open(os.path.join(BLOCK, "state"), os.O_WRONLY),
        "reader+writer": os.open(os.path.join(BLOCK, "state"), os.O_RDWR),
        "page-cache state": os.open(os.path.join(BLOCK, "state"), os.O_RDONLY),
        "page-cache phys_index": os.open(os.path.join(BLOCK, "phys_index"), os.O_RDONLY),
    }
    for name, fd in fds.items():
        if name != "writer":
            os.pread(fd, 4096, 0)   # served: snapshot taken, pages cached
    return fds


def check_stale(fds, when):
    """Every old descriptor fails with ENODEV and changes nothing."""
    for name, fd in fds.items():
        if name != "writer":
            got = outcome(lambda: os.pread(fd, 4096, 0))
            report(got == "ENODEV", f"{when}: read through the {name}: {got}, want ENODEV")
    for name in ("writer", "reader+writer"):
        got = outcome(lambda: os.write(fds[name], b"online"))
        report(got == "ENODEV", f"{when}: write through the {name}: {got}, want ENODEV")
    for fd in fds.values():
        os.close(fd)


ino = {}


def plug():
    ctl("dimm-add", "start=4G", "size=256M")
    st = os.stat(os.path.join(BLOCK, "state"))
    report(read_file(os.path.join(BLOCK, "state")) == "offline\n", "a new block is offline")
    report(st.st_ino not in ino.values(), "a new block's state has an inode number of its own")
    ino[len(ino)] = st.st_ino


# 1. Ejected: the files are gone.
plug()
fds = open_all()
ctl("dimm-eject", "device=dimm0")
report(not os.path.exists(BLOCK), "memory32 is gone after the eject")
check_stale(fds, "after an eject")

# 2. Ejected and added again, the old descriptors used first: the write
#    must not online the new block.
plug()
fds = open_all()
ctl("dimm-eject", "device=dimm0")
plug()
check_stale(fds, "after an eject and an add")
report(read_file(os.path.join(BLOCK, "state")) == "offline\n",
       "the new block is still offline after the old writer's store")

# 3. The same, with the new block's files looked up and read first (the
#    kernel then holds the new inodes beside the old ones).
fds = open_all()
ctl("dimm-eject", "device=dimm0")
plug()
read_file(os.path.join(BLOCK, "phys_index"))
check_stale(fds, "after an eject, an add and a lookup")
report(read_file(os.path.join(BLOCK, "state")) == "offline\n",
       "the new block is still offline (looked up first)")

# 4. New descriptors work on the new block.
with open(os.path.join(BLOCK, "state"), "w") as f:
    f.write("online")
report(read_file(os.path.join(BLOCK, "state")) == "online\n", "a new writer onlines the new block")
print(f"{failed} failed")
sys.exit(1 if failed else 0)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The workers of tests/fuse/vfs_random.sh.  Each runs until the deadline
(monotonic seconds) and prints one JSON line of counts.

  calls MNT SEED DEADLINE   random system calls through the mount, the way
                            a careless or hostile program makes them: on
                            every path the tree had at the start, on names
                            that never existed and on blocks that come and
                            go, with random flags, offsets, sizes and data;
                            up to 32 descriptors are held across calls (so
                            across DIMM ejects).  Every errno must be one
                            the kernel's VFS or sysfs could give.
  dimms SOCK DEADLINE       adds and ejects DIMMs over the control socket
                            (slots of 256 MiB from 4 GiB), so that held
                            descriptors go stale and blocks reappear
"""
import errno
import json
import mmap
import os
import random
import select
import socket
import sys
import time

SLOTS = [0x100000000 + k * 0x10000000 for k in range(4)]
# Errnos a program can meet on sysfs and procfs: the VFS's refusals, kernfs
# (ENODEV for a removed node's open file) and the stores' own errnos.
# Anything else (EIO, ENOSYS, ENOTCONN, EFAULT, ...) is the adapter's fault.
EXPECTED = {errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM,
            errno.EINVAL, errno.ENODEV, errno.EBUSY, errno.ENXIO, errno.ERANGE,
            errno.ENODATA, errno.EOPNOTSUPP, errno.ELOOP, errno.EBADF, errno.ESPIPE,
            errno.EEXIST, errno.EXDEV, errno.ENAMETOOLONG, errno.ENOTEMPTY, errno.EAGAIN,
            errno.EFBIG, errno.EROFS, errno.ENOTTY, errno.ENOMEM,
            # memory_failure() of a poisoned page (hard_offline_page), and
            # memory_block_online() of a block with one (6.2+)
            133}   # EHWPOISON
# The files whose EIO is the kernel's: autosuspend_delay_ms_show/_store
# (drivers/base/power/sysfs.c) while the device does not use autosuspend, as
# memory blocks do not; soft_offline_page() (mm/memory-failure.c) of a pfn
# pfn_to_online_page() does not find.
KERNEL_EIO = ("power/autosuspend_delay_ms", "soft_offline_page")
FLAGS = [os.O_RDONLY, os.O_WRONLY, os.O_RDWR, os.O_WRONLY | os.O_TRUNC,
         os.O_RDWR | os.O_APPEND, os.O_RDONLY | os.O_DIRECTORY, os.O_RDONLY | os.O_NOFOLLOW,
         os.O_WRONLY | os.O_CREAT, os.O_RDWR | os.O_CREAT | os.O_EXCL,
         os.O_RDONLY | os.O_NONBLOCK, os.O_PATH, os.O_WRONLY | os.O_NOCTTY | os.O_SYNC]
WORDS = [b"online\n", b"offline\n", b"online_movable\n", b"online_kernel\n", b"1\n", b"0\n",
         b"0x140000000\n", b"add\n", b"change\n", b"", b"\n", b"\x00", b"x" * 4097,
         b"online\x00junk", b"offline", b"-1\n", b"18446744073709551616\n"]
OFFSETS = [0, 1, 7, 4095, 4096, 4097, 65536, 1 << 31, (1 << 63) - 1]


def walk(mnt):
    """The tree's paths, but for the fault files: a "signal" fault makes
    every offline EINTR, and Python retries an EINTR write forever."""
    paths = []
    debug = os.path.join(mnt, "sys/kernel/debug")
    for top, dirs, files in os.walk(mnt):
        if top == debug:
            dirs[:] = files[:] = []
        paths += [os.path.join(top, n) for n in dirs + files]
    mem = os.path.join(mnt, "sys/devices/system/memory")
    for b in list(range(32, 40)) + [99999]:   # hot-added blocks, and none
        paths += [os.path.join(mem, "memory%d" % b, a) for a in ("state", "online", "")]
    paths += [os.path.join(mnt, n) for n in ("nope", "proc/iomem/x", "sys/" + "a" * 300)]
    return paths


def rand_data(rnd):
    if rnd.random() < 0.7:
        return rnd.choice(WORDS)
    return bytes(rnd.randrange(256) for _ in range(rnd.choice([1, 8, 100, 5000])))


FLAG_NAMES = {os.O_WRONLY: "O_WRONLY", os.O_RDWR: "O_RDWR", os.O_TRUNC: "O_TRUNC",
              os.O_APPEND: "O_APPEND", os.O_DIRECTORY: "O_DIRECTORY",
              os.O_NOFOLLOW: "O_NOFOLLOW", os.O_CREAT: "O_CREAT", os.O_EXCL: "O_EXCL",
              os.O_NONBLOCK: "O_NONBLOCK", os.O_PATH: "O_PATH", os.O_SYNC: "O_SYNC"}


def flag_names(flags):
    return "|".join(n for f, n in FLAG_NAMES.items() if flags & f == f) or "O_RDONLY"


def calls(mnt, seed, deadline):
    rnd = random.Random(seed)
    paths = walk(mnt)
    held = []   # (fd, what it is) of open descriptors
    counts = {"calls": 0, "errors": 0, "by_errno": {}, "unexpected": [], "paths": len(paths)}

    def opened(p):
        if len(held) < 32:
            flags = rnd.choice(FLAGS)
            what = "%s %s" % (os.path.relpath(p, mnt), flag_names(flags))
            held.append((os.open(p, flags, 0o644), what))

    def closed(p):
        if held:
            os.close(held.pop(rnd.randrange(len(held)))[0])

    ops = {
        "open": opened, "close": closed,
        "read": lambda fd: os.read(fd, rnd.choice([0, 1, 4096, 70000])),
        "pread": lambda fd: os.pread(fd, rnd.choice([1, 4096, 9000]), rnd.choice(OFFSETS)),
        "write": lambda fd: os.write(fd, rand_data(rnd)),
        "pwrite": lambda fd: os.pwrite(fd, rand_data(rnd), rnd.choice(OFFSETS)),
        "lseek": lambda fd: os.lseek(fd, rnd.choice(OFFSETS + [-1]), rnd.choice([0, 1, 2, 3, 4])),
        "fstat": os.fstat,
        "ftruncate": lambda fd: os.ftruncate(fd, rnd.choice([0, 4096])),
        "fsync": os.fsync,
        "getdents": os.listdir,
        "poll": lambda fd: select.poll().register(fd, select.POLLPRI | select.POLLERR),
        "mmap": lambda fd: mmap.mmap(fd, 4096, prot=mmap.PROT_READ).close(),
        "stat": os.stat, "lstat": os.lstat, "readlink": os.readlink, "listdir": os.listdir,
        "access": lambda p: os.access(p, rnd.choice([os.R_OK, os.W_OK, os.X_OK])),
        "statvfs": os.statvfs,
        "chmod": lambda p: os.chmod(p, 0o777),
        "chown": lambda p: os.chown(p, 1, 1),
        "utime": lambda p: os.utime(p, None),
        "truncate": lambda p: os.truncate(p, 0),
        "getxattr": lambda p: os.getxattr(p, rnd.choice(["user.x", "security.selinux",
                                                         "trusted.a"])),
        "listxattr": os.listxattr,
        "setxattr": lambda p: os.setxattr(p, "user.x", b"1"),
        "removexattr": lambda p: os.removexattr(p, "user.x"),
        "mkdir": lambda p: os.mkdir(os.path.join(p, "new")),
        "rmdir": os.rmdir, "unlink": os.unlink,
        "rename": lambda p: os.rename(p, p + ".moved"),
        "symlink": lambda p: os.symlink("/", os.path.join(p, "ln")),
        "link": lambda p: os.link(p, os.path.join(mnt, "hard")),
        "mknod": lambda p: os.mknod(os.path.join(p, "fifo")),
    }
    on_fd = {"read", "pread", "write", "pwrite", "lseek", "fstat", "ftruncate", "fsync",
             "getdents", "poll", "mmap"}
    names = sorted(ops)
    while time.monotonic() < deadline:
        for _ in range(100):
            name = rnd.choice(names)
            if name in on_fd:
                # mostly a held descriptor; now and then one that is not open
                fd, what = rnd.choice(held) if held and rnd.random() < 0.95 else (1 << 20, "closed")
                arg = fd
            else:
                arg = rnd.choice(paths)
                what = os.path.relpath(arg, mnt)
            counts["calls"] += 1
            try:
                ops[name](arg)
            except OSError as e:
                counts["errors"] += 1
                code = errno.errorcode.get(e.errno, str(e.errno))
                counts["by_errno"][code] = counts["by_errno"].get(code, 0) + 1
                expected = e.errno in EXPECTED or (
                    e.errno == errno.EIO and any(f in what for f in KERNEL_EIO))
                if not expected and len(counts["unexpected"]) < 20:
                    counts["unexpected"].append("%s on %s: %s" % (name, what, code))
            except (ValueError, OverflowError):
                pass   # refused by Python before the call
    for fd, _ in held:
        try:
            os.close(fd)
        except OSError:
            pass
    print(json.dumps(counts))


def dimms(sock, deadline):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(sock)
    f = s.makefile("rb")
    plugged, ops, refused = [], 0, 0
    rnd = random.Random(0)
    while time.monotonic() < deadline:
        free = [a for a in SLOTS if a not in [p[0] for p in plugged]]
        if free and (not plugged or rnd.random() < 0.5):
            req = {"op": "dimm-add", "start": hex(rnd.choice(free)), "size": "256M"}
        else:
            victim = rnd.choice(plugged)
            req = {"op": "dimm-eject", "device": victim[1]}
        s.sendall((json.dumps(req) + "\n").encode())
        r = json.loads(f.readline())
        ops += 1
        if not r["ok"]:
            refused += 1
        elif req["op"] == "dimm-add":
            plugged.append((int(req["start"], 16), r["result"]["device"]))
        else:
            plugged.remove(victim)
        time.sleep(0.005)
    print(json.dumps({"ops": ops, "refused": refused}))


def main():
    if sys.argv[1] == "calls":
        calls(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif sys.argv[1] == "dimms":
        dimms(sys.argv[2], float(sys.argv[3]))
    else:
        sys.exit("usage: vfs_random.py calls|dimms ...")


if __name__ == "__main__":
    main()

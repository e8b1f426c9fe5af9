# SPDX-License-Identifier: GPL-2.0-or-later
"""Namespace syscalls on a mounted machine answer as the VFS over sysfs does.

usage: vfs_errno.py MOUNTPOINT root|nobody PROTECTED_HARDLINKS

sysfs directories (kernfs_dir_iops, fs/kernfs/dir.c 6.12) have ->mkdir,
->rmdir and ->rename, which answer -EPERM without kernfs syscall ops (and
rename -EINVAL for flags), and no ->create, ->mknod, ->symlink, ->link or
->unlink: vfs_create() says -EACCES, the others -EPERM (fs/namei.c).  The
VFS's own checks come first: an existing name is EEXIST (filename_create),
a missing one ENOENT, may_create()/may_delete() need write permission on
the directory (EACCES for nobody), unlink of a directory is EISDIR, rmdir of
a file ENOTDIR, and may_linkat() refuses a hard link to a file the caller
may not write when fs.protected_hardlinks is set (EPERM).  /proc's
directories answer the same.  Prints "ok NAME" or "FAIL NAME: ..." per case.
"""
import ctypes
import errno
import os
import stat
import sys

MNT, ROLE, PROTECTED = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
MEM = os.path.join(MNT, "sys/devices/system/memory")
BLOCK = os.path.join(MEM, "memory1")
STATE = os.path.join(BLOCK, "state")
LINK = os.path.join(BLOCK, "subsystem")
PROC = os.path.join(MNT, "proc")
NEW = os.path.join(MEM, "hotplugfs-new")

libc = ctypes.CDLL(None, use_errno=True)
RENAME_NOREPLACE = 1


def renameat2(old, new, flags):
    AT_FDCWD = -100
    if libc.renameat2(AT_FDCWD, old.encode(), AT_FDCWD, new.encode(), flags) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def create(path, flags=os.O_CREAT | os.O_WRONLY):
    os.close(os.open(path, flags, 0o644))


hard = "EPERM" if PROTECTED else "EACCES"   # may_linkat() before may_create()
# name, call, errno as root, errno as nobody
CASES = [
    ("mkdir", lambda: os.mkdir(NEW), "EPERM", "EACCES"),
    ("mkdir existing", lambda: os.mkdir(BLOCK), "EEXIST", "EEXIST"),
    ("mkdir in /proc", lambda: os.mkdir(os.path.join(PROC, "x")), "EPERM", "EACCES"),
    ("open O_CREAT", lambda: create(NEW), "EACCES", "EACCES"),
    ("open O_CREAT|O_EXCL existing",
     lambda: create(STATE, os.O_CREAT | os.O_EXCL | os.O_WRONLY), "EEXIST", "EEXIST"),
    ("mknod regular", lambda: os.mknod(NEW, 0o644 | stat.S_IFREG), "EACCES", "EACCES"),
    ("mknod fifo", lambda: os.mknod(NEW, 0o644 | stat.S_IFIFO), "EPERM", "EACCES"),
    ("mknod char device", lambda: os.mknod(NEW, 0o644 | stat.S_IFCHR, os.makedev(1, 3)),
     "EPERM", "EACCES"),
    ("symlink", lambda: os.symlink("memory1", NEW), "EPERM", "EACCES"),
    ("link", lambda: os.link(STATE, NEW), "EPERM", hard),
    ("unlink file", lambda: os.unlink(STATE), "EPERM", "EACCES"),
    ("unlink symlink", lambda: os.unlink(LINK), "EPERM", "EACCES"),
    ("unlink directory", lambda: os.unlink(BLOCK), "EISDIR", "EACCES"),
    ("unlink missing", lambda: os.unlink(NEW), "ENOENT", "ENOENT"),
    ("unlink /proc/iomem", lambda: os.unlink(os.path.join(PROC, "iomem")), "EPERM", "EACCES"),
    ("rmdir", lambda: os.rmdir(BLOCK), "EPERM", "EACCES"),
    ("rmdir a file", lambda: os.rmdir(STATE), "ENOTDIR", "EACCES"),
    ("rmdir missing", lambda: os.rmdir(NEW), "ENOENT", "ENOENT"),
    ("rename file", lambda: os.rename(STATE, os.path.join(BLOCK, "x")), "EPERM", "EACCES"),
    ("rename directory", lambda: os.rename(BLOCK, os.path.join(MEM, "memory99999")),
     "EPERM", "EACCES"),
    ("rename missing", lambda: os.rename(NEW, NEW + "2"), "ENOENT", "ENOENT"),
    ("renameat2 RENAME_NOREPLACE",
     lambda: renameat2(STATE, os.path.join(BLOCK, "x"), RENAME_NOREPLACE), "EINVAL", "EACCES"),
]

failed = 0
for name, call, want_root, want_nobody in CASES:
    want = want_root if ROLE == "root" else want_nobody
    try:
        call()
        got = "success"
    except OSError as e:
        got = errno.errorcode.get(e.errno, str(e.errno))
    if got == want:
        print(f"ok {ROLE}: {name}")
    else:
        failed += 1
        print(f"FAIL {ROLE}: {name}: got {got}, want {want}")
# Nothing changed: the names are all still there, the new one is not.
for path in (BLOCK, STATE, LINK, os.path.join(PROC, "iomem")):
    if not os.path.lexists(path):
        failed += 1
        print(f"FAIL {ROLE}: {path} is gone")
if os.path.lexists(NEW):
    failed += 1
    print(f"FAIL {ROLE}: {NEW} exists")
sys.exit(1 if failed else 0)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The kernel's caches never show a machine older than the last answered
change (tests/fuse/never_stale.sh drives this).

usage: never_stale.py HOTPLUGFS FIXTURE MOUNT SOCKET STEPS.json EXPECTED.json

The daemon serves FIXTURE without its scenario.  OPS is a list of steps:
{"op": {...}} is sent over the control socket, {"store": [path, word]} is
written through the mount.  Before every step every file of the views is
read through the mount (so its contents, sizes, names and listings are in
the kernel's caches), and after the step's answer every file is read again
and must equal what `hotplugfs show EXPECTED VIEW --step i` says, where
EXPECTED is FIXTURE with the steps as its scenario (a store being the
scenario's "state" op).  Prints one line per mismatch and "N passed, N failed".
"""
import json
import os
import socket
import subprocess
import sys

VIEWS = [("iomem", "proc/iomem"), ("memmap", "sys/firmware/memmap"),
         ("memory", "sys/devices/system/memory"), ("node", "sys/devices/system/node")]


def dump_dir(root, rel, out):
    """The text `hotplugfs show` prints for a directory (fs/cmd_show.c)."""
    path = os.path.join(root, rel) if rel else root
    for name in os.listdir(path):
        child = f"{rel}/{name}" if rel else name
        full = os.path.join(root, child)
        if os.path.islink(full):
            out.append(f"{child} -> {os.readlink(full)}\n")
        elif os.path.isdir(full):
            dump_dir(root, child, out)
        else:
            if not os.stat(full).st_mode & 0o444:
                continue
            try:
                with open(full, "rb") as f:
                    data = f.read().decode()
            except OSError as e:
                out.append(f"{child}: <{os.strerror(e.errno)}>\n")
                continue
            if not data:
                out.append(f"{child}: <empty>\n")
            elif not data.endswith("\n"):
                out.append(f"{child}: {data} <no newline>\n")
            else:
                out.append(f"{child}: {data}")


def dump_mount(mnt, view, path):
    full = os.path.join(mnt, path)
    if not os.path.exists(full):
        return None
    if view == "iomem":
        with open(full) as f:
            return f.read()
    out = []
    dump_dir(full, "", out)
    return "".join(out)


def show(hotplugfs, fixture, view, step):
    r = subprocess.run([hotplugfs, "show", fixture, view, "--step", str(step)],
                       capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def main():
    hotplugfs, fixture, mnt, sock_path, ops_file, expected = sys.argv[1:7]
    steps = json.load(open(ops_file))
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(sock_path)
    replies = sock.makefile("r")
    passed = failed = 0

    def compare(step):
        nonlocal passed, failed
        for view, path in VIEWS:
            got, want = dump_mount(mnt, view, path), show(hotplugfs, expected, view, step)
            if got == want:
                passed += 1
                continue
            failed += 1
            g, w = (got or "").splitlines(), (want or "").splitlines()
            first = next((i for i in range(max(len(g), len(w)))
                          if i >= len(g) or i >= len(w) or g[i] != w[i]), 0)
            print(f"FAIL: {os.path.basename(fixture)} step {step} {view}: line {first + 1}: "
                  f"got {g[first] if first < len(g) else '<end>'!r}, "
                  f"want {w[first] if first < len(w) else '<end>'!r}")

    compare(0)
    for i, step in enumerate(steps, 1):
        for view, path in VIEWS:          # everything into the kernel's caches
            dump_mount(mnt, view, path)
        if "op" in step:
            sock.sendall((json.dumps(step["op"]) + "\n").encode())
            reply = json.loads(replies.readline())
            want_ok = "expect" not in step
            if reply.get("ok") != want_ok:
                print(f"FAIL: step {i}: {step} answered {reply}")
                failed += 1
        else:
            path, word = step["store"]
            try:
                fd = os.open(os.path.join(mnt, path), os.O_WRONLY)
                try:
                    os.write(fd, word.encode())
                finally:
                    os.close(fd)
            except OSError:
                pass                          # the scenario expects the same failure
        compare(i)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

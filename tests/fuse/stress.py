#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The workers of tests/fuse/stress.sh, on a DIMM machine with 2048 slots of
256 MiB from 4 GiB.  Each runs until the deadline (monotonic seconds) and
prints one JSON line of counts.

  dimms SOCK DEADLINE          over one connection: a window of 4 DIMMs slides
                               up through the slots (add the next, eject the
                               oldest) and wraps around, so that a set of
                               hot-added blocks recurs only after 4096 ops, far
                               longer than a snapshot takes
  stores MNT SEED DEADLINE     stores through the mount: state and online of
                               random blocks, auto_online_blocks now and then
  reader MNT DEADLINE          snapshots of the views: the hot-added blocks
                               listed, /proc/iomem, the firmware map and the
                               node links, between two listings of the blocks;
                               when the two agree, all four must say the same
"""
import errno
import json
import os
import random
import socket
import sys
import time

BASE, SLOT, BLOCK, SLOTS, WINDOW = 1 << 32, 256 << 20, 128 << 20, 2048, 4
FIRST = BASE // BLOCK


def dimms(sock, deadline):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(sock)
    f = s.makefile("rb")
    ops = errors = 0
    unexpected = []

    def ask(req):
        nonlocal ops
        s.sendall((json.dumps(req) + "\n").encode())
        ops += 1
        return json.loads(f.readline())

    live, pos = [], 0
    while time.monotonic() < deadline:
        # Flat out, the loop would answer little else than these ops and
        # hardly a snapshot would see two listings agree (the faster the
        # daemon, the fewer): bursts of 16 ops, with a pause after each
        # that a snapshot fits in.
        time.sleep(0.15 if pos % 16 == 15 else 0.002)
        r = ask({"op": "dimm-add", "start": hex(BASE + pos % SLOTS * SLOT), "size": "256M"})
        pos += 1
        if r["ok"]:
            live.append(r["result"]["device"])
        else:
            errors += 1
            unexpected.append(r["error"])
        while len(live) > WINDOW:
            r = ask({"op": "dimm-eject", "device": live[0]})
            if r["ok"]:
                live.pop(0)
                continue
            errors += 1
            if r.get("errno_name") != "EBUSY":
                unexpected.append(r["error"])
            break   # a block the stores put in ZONE_NORMAL met a veto: later
    print(json.dumps({"role": "dimms", "ops": ops, "errors": errors, "unexpected": unexpected[:5]}))


def stores(mnt, seed, deadline):
    rnd = random.Random(seed)
    mem = os.path.join(mnt, "sys/devices/system/memory")
    ops = errors = 0
    by_errno = {}
    unexpected = []
    while time.monotonic() < deadline:
        if rnd.random() < 0.05:
            path = os.path.join(mem, "auto_online_blocks")
            data = rnd.choice(["offline", "online", "online_movable"])
        else:
            ids = [int(n[6:]) for n in os.listdir(mem) if n.startswith("memory") and n[6:].isdigit()]
            block = rnd.choice(ids)
            if rnd.random() < 0.8:
                path = os.path.join(mem, "memory%d/state" % block)
                data = rnd.choice(["online", "offline", "online_movable", "online_kernel"])
            else:
                path = os.path.join(mem, "memory%d/online" % block)
                data = rnd.choice(["1", "0"])
        ops += 1
        try:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, (data + "\n").encode())
            finally:
                os.close(fd)
        except OSError as e:
            errors += 1
            name = errno.errorcode.get(e.errno, str(e.errno))
            by_errno[name] = by_errno.get(name, 0) + 1
            # gone before the open (ENOENT) or between the open and the write
            # (kernfs_fop_write_iter: ENODEV), already so, refused by the
            # kernel path
            if e.errno not in (errno.ENOENT, errno.ENODEV, errno.EINVAL, errno.EBUSY,
                               errno.EPERM):
                unexpected.append("%s: %s" % (path, name))
    print(json.dumps({"role": "stores", "ops": ops, "errors": errors, "by_errno": by_errno,
                      "unexpected": unexpected[:5]}))


def hot_blocks(mem):
    return sorted(int(n[6:]) for n in os.listdir(mem)
                  if n.startswith("memory") and n[6:].isdigit() and int(n[6:]) >= FIRST)


def blocks_of(start, end):
    return list(range(start // BLOCK, (end + 1) // BLOCK))


def reader(mnt, deadline):
    mem = os.path.join(mnt, "sys/devices/system/memory")
    fwmap = os.path.join(mnt, "sys/firmware/memmap")
    nodes = os.path.join(mnt, "sys/devices/system/node")
    reads = checked = torn = 0
    bad = []
    while time.monotonic() < deadline:
        a = hot_blocks(mem)
        try:
            with open(os.path.join(mnt, "proc/iomem")) as f:
                iomem = f.read()
            fw = []
            for nr in os.listdir(fwmap):
                d = os.path.join(fwmap, nr)
                fw.append([open(os.path.join(d, k)).read().strip() for k in ("start", "end", "type")])
            linked = []
            for node in os.listdir(nodes):
                if node.startswith("node") and node[4:].isdigit():
                    linked += [int(n[6:]) for n in os.listdir(os.path.join(nodes, node))
                               if n.startswith("memory") and int(n[6:]) >= FIRST]
        except OSError as e:
            # an entry went between listing and opening it (ENOENT), or
            # between opening and reading it (kernfs_seq_start: ENODEV)
            if e.errno not in (errno.ENOENT, errno.ENODEV):
                raise
            torn += 1
            continue
        b = hot_blocks(mem)
        reads += 1
        # Every read on its own: hot-added System RAM only in whole DIMMs.
        ram = []
        for line in iomem.splitlines():
            # top-level, or inside the 64-bit PCI window (__request_region
            # descends into a parent that is not busy)
            rng, _, name = line.strip().partition(" : ")
            if name != "System RAM":
                continue
            s, e = (int(x, 16) for x in rng.split("-"))
            if s < BASE:
                continue
            if s % SLOT or (e + 1 - s) % SLOT:
                bad.append("half a DIMM in /proc/iomem: " + line)
            ram += blocks_of(s, e)
        fw_ram = []
        for s, e, t in fw:
            if t == "System RAM" and int(s, 16) >= BASE:
                fw_ram += blocks_of(int(s, 16), int(e, 16))
        if a != b:
            continue
        checked += 1
        views = {"iomem": sorted(ram), "memmap": sorted(fw_ram), "node links": sorted(linked)}
        for what, got in views.items():
            if got != a:
                bad.append("blocks %s, but %s says %s" % (a, what, got))
    print(json.dumps({"role": "reader", "reads": reads, "checked": checked, "torn": torn,
                      "inconsistent": len(bad), "examples": bad[:5]}))


def main():
    role = sys.argv[1]
    if role == "dimms":
        dimms(sys.argv[2], float(sys.argv[3]))
    elif role == "stores":
        stores(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif role == "reader":
        reader(sys.argv[2], float(sys.argv[3]))
    else:
        sys.exit("usage: stress.py dimms|stores|reader ...")


if __name__ == "__main__":
    main()

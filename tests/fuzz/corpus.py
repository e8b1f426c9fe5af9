#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Seed corpora of the fuzz targets (tests/fuzz/run.sh), from the fixtures
and the examples of docs/:

- fixture: every fixtures/*.json, and each with one more scenario op taken
  from the request examples of docs/control-protocol.md, and with the
  faults example of docs/fixture-format.md;
- control: for each machine the target offers, every request example of
  docs/control-protocol.md on a line of its own, all of them pipelined in one
  input, and a line over 64 KiB;
- store: for each machine, the words the kernel's stores take, written to
  every writable file in turn, and slow offlines;
- capture: for each fixture, the records (fuzz_capture.c) of the files
  `hotplugfs show` prints of its /proc/iomem, firmware map, memory blocks
  and nodes, with the module parameters; and a 6.12 guest's files with
  hotplugfs_kmod's (tests/data/kmod-6.12-boot) for --live.

Usage: corpus.py --hotplugfs BINARY --out DIR   (writes DIR/TARGET/NAME)
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The machines of fuzz_control.c and fuzz_store.c, in their order.
CONTROL_FIXTURES = ["dimm-hotplug-6.1", "virtio-mem-6.12", "nvdimm-kmem", "cxl-host",
                    "cxl-kmem", "s390-standby-6.12", "chmem-vm", "legacy-pmem-vm"]
STORE_FIXTURES = ["dimm-hotplug-6.1", "virtio-mem-6.12", "s390-standby-6.12", "chmem-vm",
                  "nvdimm-kmem", "cxl-kmem", "qemu-vm-4g", "legacy-pmem-vm"]
STORE_WORDS = [b"online\n", b"offline\n", b"online_movable\n", b"online_kernel\n", b"1\n",
               b"0\n", b"0x100000000\n", b"0x140000000", b"on\n", b"auto\n", b"enabled\n",
               b"-16\n", b"8\n", b"Y\n", b"force\n", b"contig-zones\n", b"auto-movable\n"]
MAX_INPUT = 65536


def doc(name):
    with open(os.path.join(ROOT, "docs", name), encoding="utf-8") as f:
        return f.read()


def request_examples():
    """Every {"op": ...} example of docs/control-protocol.md, as text."""
    text = doc("control-protocol.md")
    found = []
    for m in re.finditer(r'`(\{"op"[^`]*\})`', text):
        found.append(m.group(1))
    for block in re.findall(r"```json\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if '"op"' in line:
                found.append(line.strip())
    seen, out = set(), []
    for f in found:
        try:
            json.loads(f)
        except ValueError:
            continue
        if f not in seen:
            seen.add(f)
            out.append(f)
    return out


def faults_example():
    block = re.search(r'```json\n("faults":.*?)```', doc("fixture-format.md"), re.S).group(1)
    return json.loads("{" + block + "}")["faults"]


def write(out, target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def fixture_seeds(out, fixtures, requests):
    for path in fixtures:
        name = os.path.basename(path)[:-5]
        with open(path, "rb") as f:
            raw = f.read()
        write(out, "fixture", name, raw)
        fx = json.loads(raw)
        for i, r in enumerate(requests):
            op = json.loads(r)
            op.pop("id", None)
            if op.get("op") in ("watch", "events", "stats"):
                continue
            v = dict(fx)
            v["scenario"] = list(fx.get("scenario", [])) + [op]
            write(out, "fixture", "%s+op%d" % (name, i), json.dumps(v, indent=1))
        v = dict(fx)
        v["faults"] = faults_example()
        write(out, "fixture", name + "+faults", json.dumps(v, indent=1))


def control_seeds(out, requests):
    # 0xff 65: 65 KiB of 'x' (fuzz_control.c)
    long_line = b'{"op":"stats","pad":"\xff\x41"}\n{"op":"dump"}\n'
    for i, name in enumerate(CONTROL_FIXTURES):
        prefix = bytes([i])
        for j, r in enumerate(requests):
            write(out, "control", "%s-%d" % (name, j), prefix + (r + "\n").encode())
        write(out, "control", name + "-all",
              prefix + "".join(r + "\n" for r in requests).encode())
        write(out, "control", name + "-watch",
              prefix + b'{"op":"watch","since":0}\n{"op":"dimm-add","start":"0x100000000",'
              b'"size":"512M"}\n{"op":"events","since":0,"limit":3}\n')
    write(out, "control", "long-line", bytes([0]) + long_line)


def store_cmd(index, data):
    return bytes([0, index >> 8, index & 255, len(data) >> 8, len(data) & 255]) + data


def store_seeds(out):
    for i, name in enumerate(STORE_FIXTURES):
        for w, word in enumerate(STORE_WORDS):
            for first in range(0, 256, 64):
                seed = bytes([i]) + b"".join(store_cmd(k, word) for k in range(first, first + 64))
                write(out, "store", "%s-w%d-%d" % (name, w, first), seed)
        # slow offlines: fault block N slow, then offline stores everywhere
        for blk in range(0, 40, 8):
            seed = bytes([i])
            for b in range(blk, blk + 8):
                seed += bytes([6, 3, b])
            for k in range(0, 48):
                seed += store_cmd(k, b"offline\n") + bytes([k & 1])
            write(out, "store", "%s-slow%d" % (name, blk), seed)


def show(hotplugfs, fixture, view):
    r = subprocess.run([hotplugfs, "show", fixture, view], capture_output=True)
    return r.stdout if r.returncode == 0 else None


def records(prefix, text):
    """show's "path: content" and "path -> target" lines as capture records."""
    out = []
    for line in text.decode(errors="replace").splitlines():
        if " -> " in line and ": " not in line.split(" -> ")[0]:
            path, target = line.split(" -> ", 1)
            out.append("@%s/%s %s\n" % (prefix, path, target))
            continue
        path, _, content = line.partition(": ")
        if content.startswith("<") and content.endswith(">") and content != "<empty>":
            continue   # a file that fails to read
        if content == "<empty>":
            content = ""
        elif content.endswith(" <no newline>"):
            out.append("=%s/%s\n%s" % (prefix, path, content[:-len(" <no newline>")]))
            continue
        else:
            content += "\n"
        out.append("=%s/%s\n%s" % (prefix, path, content))
    return out


def tree_records(root):
    """A copied tree (files and symbolic links) as capture records."""
    out = []
    for d, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for f in sorted(files + [x for x in dirs if os.path.islink(os.path.join(d, x))]):
            path = os.path.join(d, f)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                out.append("@%s %s\n" % (rel, os.readlink(path)))
                continue
            text = open(path, errors="replace").read()
            # a record's body runs to the next line that starts one
            if not text or (text.endswith("\n") and
                            not any(l[:1] in "=@/|%" for l in text.splitlines())):
                out.append("=%s\n%s" % (rel, text))
    return out


def kmod_seeds(out):
    """A 6.12 guest's files with hotplugfs_kmod's (tests/data), for --live:
    bit 4 of the first byte; 6.12 (2) on x86_64 (1 << 2), or guessed."""
    seed = "".join(tree_records(os.path.join(ROOT, "tests", "data", "kmod-6.12-boot")))
    for opts in (16 | 2 | 1 << 2, 16):
        write(out, "capture", "kmod-6.12-boot-%d" % opts, bytes([opts]) + seed.encode())


def capture_seeds(out, hotplugfs, fixtures):
    params = ("=sys/module/memory_hotplug/parameters/online_policy\ncontig-zones\n"
              "=sys/module/memory_hotplug/parameters/auto_movable_ratio\n301\n"
              "=sys/module/memory_hotplug/parameters/auto_movable_numa_aware\nY\n"
              "=sys/module/memory_hotplug/parameters/memmap_on_memory\nN\n")
    for path in fixtures:
        name = os.path.basename(path)[:-5]
        recs = []
        iomem = show(hotplugfs, path, "iomem")
        if iomem is not None:
            recs.append("=proc/iomem\n" + iomem.decode(errors="replace"))
        for view, prefix in (("memmap", "sys/firmware/memmap"),
                             ("memory", "sys/devices/system/memory"),
                             ("node", "sys/devices/system/node")):
            text = show(hotplugfs, path, view)
            if text is not None:
                recs += records(prefix, text)
        seed = "".join(recs) + params
        for opts in (0, 1, 2, 9):
            data = bytes([opts]) + seed.encode()
            if len(data) <= MAX_INPUT:
                write(out, "capture", "%s-%d" % (name, opts), data)
    kmod_seeds(out)
    write(out, "capture", "hostile",
          bytes([0]) + b"|proc/iomem\n@sys/devices/system/memory/block_size_bytes /dev/zero\n"
          b"%sys/firmware/memmap/0/start 1000000000\n@sys /sys\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotplugfs", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    fixtures = sorted(glob.glob(os.path.join(ROOT, "fixtures", "*.json")))
    requests = request_examples()
    if not requests:
        sys.exit("corpus.py: no request examples found in docs/control-protocol.md")
    fixture_seeds(a.out, fixtures, requests)
    control_seeds(a.out, requests)
    store_seeds(a.out)
    capture_seeds(a.out, a.hotplugfs, fixtures)
    for t in ("fixture", "control", "store", "capture"):
        print("seeds %s: %d" % (t, len(os.listdir(os.path.join(a.out, t)))))


if __name__ == "__main__":
    main()

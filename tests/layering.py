#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The structure docs/design.md promises, checked from the includes:

- no cycle among core/ headers;
- every core/ file includes only headers of its own layer or of layers
  below it (the layer table below, in the order of docs/design.md);
- no file under fs/ can see struct machine: core/machine.h is not among the
  headers it includes, directly or through others, so any dereference of
  the model fails to compile and the front ends keep to core/backend.h and
  core/tree.h.

Prints one line per problem and "N passed, N failed".
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)

# Lowest first: a layer reads the layers above it in this list, never below.
LAYERS = [
    ("base", ["units", "strtab", "sysfs_parse", "numbered_name", "size", "errors", "jsonutil", "json_strict", "store",
              "profile", "params", "resource", "resource_defaults", "iomem",
              "firmware_map", "e820", "memory_block", "notifier", "event_log", "fault"]),
    ("machine", ["machine", "zone"]),
    ("online/hotplug", ["online", "hotplug", "kexec"]),
    ("devices", ["device", "dev_*"]),
    ("ops", ["ops"]),
    ("boot/fixture", ["fixture", "boot", "scenario"]),
    ("tree", ["tree", "attr", "attrs_*", "nd_*", "device_uevent"]),
    ("backend", ["backend", "sim_backend", "journal"]),
    ("live", ["sysdir", "kmod_files", "capture_kmod", "capture_nd", "capture", "live_backend"]),
]


def layer_of(stem):
    for i, (_, names) in enumerate(LAYERS):
        for n in names:
            if n == stem or (n.endswith("*") and stem.startswith(n[:-1])):
                return i
    return None


def includes(path):
    with open(path, encoding="utf-8") as f:
        return INCLUDE.findall(f.read())


def files(folder, exts):
    d = os.path.join(ROOT, folder)
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(exts))


def main():
    ok = bad = 0

    def fail(msg):
        nonlocal bad
        bad += 1
        print("FAIL: " + msg)

    core = {os.path.basename(p): p for p in files("core", (".c", ".h"))}
    fsdir = {os.path.basename(p): p for p in files("fs", (".c", ".h"))}
    graph = {name: [i for i in includes(p) if i in core or i in fsdir]
             for name, p in list(core.items()) + list(fsdir.items())}

    # 1. Header cycles in core/.
    state = {}

    def visit(h, stack):
        nonlocal ok
        state[h] = 1
        for n in graph.get(h, []):
            if not n.endswith(".h") or n not in core:
                continue
            if state.get(n) == 1:
                fail("include cycle: " + " -> ".join(stack[stack.index(n):] + [n]))
            elif n not in state:
                visit(n, stack + [n])
        state[h] = 2

    for h in sorted(n for n in core if n.endswith(".h")):
        if h not in state:
            visit(h, [h])
    if not bad:
        ok += 1

    # 2. Layers read downward only.
    before = bad
    for name in sorted(core):
        stem = os.path.splitext(name)[0]
        mine = layer_of(stem)
        if mine is None:
            fail(f"core/{name} is in no layer of tests/layering.py")
            continue
        for inc in graph[name]:
            theirs = layer_of(os.path.splitext(inc)[0])
            if inc in core and theirs is not None and theirs > mine:
                fail(f"core/{name} ({LAYERS[mine][0]}) includes {inc} "
                     f"({LAYERS[theirs][0]}): a layer above it")
    if bad == before:
        ok += 1

    # 3. fs/ never sees struct machine.
    before = bad

    def closure(name, seen):
        for n in graph.get(name, []):
            if n not in seen:
                seen[n] = name
                closure(n, seen)
        return seen

    for name in sorted(fsdir):
        seen = closure(name, {})
        if "machine.h" in seen:
            chain, n = ["machine.h"], "machine.h"
            while seen.get(n) and seen[n] != name:
                n = seen[n]
                chain.append(n)
            chain.append(name)
            fail(f"fs/{name} sees struct machine: " + " <- ".join(chain))
    if bad == before:
        ok += 1

    print(f"{ok} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

# SPDX-License-Identifier: GPL-2.0-or-later
"""hotplugfs_kmod on real Debian 6.1 and 6.12 kernels under QEMU/TCG: after
every hotplug step the module's exports must equal the kernel's own files
and its notifier stream the calls the kernel made.

Usage: kmod_test.py [SERIES...]   (default: 6.1 6.12)
Env:   HOTPLUGFS_KERNEL_CACHE     kernel cache (default /var/cache/hotplugfs-kernels)
       HOTPLUGFS_KERNEL_WORK      work directory (default: a fresh one under /tmp, removed)
       HOTPLUGFS_KERNEL_CAPTURES  when set, the views after every step go to
                                  $HOTPLUGFS_KERNEL_CAPTURES/<series>/<NN-step>/
Prints one line per check and ends with "N passed, N failed"; exits 77
when no kernel can be had.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import guest  # noqa: E402
import kernels  # noqa: E402

SRCDIR = os.environ.get("SRCDIR", os.path.dirname(os.path.dirname(HERE)))
DEBUGFS = "/sys/kernel/debug/hotplugfs"
MEMORY = "/sys/devices/system/memory"
MIB = 1 << 20

# The calls each kernel makes, per block (raw action numbers checked too).
ACTIONS = {
    "6.1": {"MEM_ONLINE": 1, "MEM_GOING_OFFLINE": 2, "MEM_OFFLINE": 4, "MEM_GOING_ONLINE": 8,
            "MEM_CANCEL_ONLINE": 16, "MEM_CANCEL_OFFLINE": 32},
    "6.12": {"MEM_ONLINE": 0, "MEM_GOING_OFFLINE": 1, "MEM_OFFLINE": 2, "MEM_GOING_ONLINE": 3,
             "MEM_CANCEL_ONLINE": 4, "MEM_CANCEL_OFFLINE": 5, "MEM_PREPARE_ONLINE": 6,
             "MEM_FINISH_OFFLINE": 7},
}
ONLINE = {"6.1": ["MEM_GOING_ONLINE", "MEM_ONLINE"],
          "6.12": ["MEM_PREPARE_ONLINE", "MEM_GOING_ONLINE", "MEM_ONLINE"]}
OFFLINE = {"6.1": ["MEM_GOING_OFFLINE", "MEM_OFFLINE"],
           "6.12": ["MEM_GOING_OFFLINE", "MEM_OFFLINE", "MEM_FINISH_OFFLINE"]}
# GOING_ONLINE vetoed by the "first" callback: what each callback sees
VETO_ONLINE_FIRST = {"6.1": ["MEM_GOING_ONLINE", "MEM_CANCEL_ONLINE"],
                     "6.12": ["MEM_PREPARE_ONLINE", "MEM_GOING_ONLINE", "MEM_CANCEL_ONLINE",
                              "MEM_FINISH_OFFLINE"]}
VETO_ONLINE_LAST = {"6.1": ["MEM_CANCEL_ONLINE"],
                    "6.12": ["MEM_PREPARE_ONLINE", "MEM_CANCEL_ONLINE", "MEM_FINISH_OFFLINE"]}
VETO_OFFLINE_FIRST = ["MEM_GOING_OFFLINE", "MEM_CANCEL_OFFLINE"]
VETO_OFFLINE_LAST = ["MEM_CANCEL_OFFLINE"]


class Checks:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok - %s" % name, flush=True)
        else:
            self.failed += 1
            print("FAIL - %s" % name, flush=True)
            for line in str(detail).splitlines()[:60]:
                print("    " + line, flush=True)
        return ok

    def same(self, name, got, want):
        detail = ""
        if got != want:
            detail = "got:  %r\nwant: %r" % (got, want)
            if isinstance(got, str) and isinstance(want, str):
                import difflib
                detail = "\n".join(difflib.unified_diff(want.splitlines(), got.splitlines(),
                                                        "want", "got", lineterm=""))
        return self.check(name, got == want, detail)


def parse_kv(line, tail=None):
    """key=value words; the value of TAIL (name in iomem lines) runs to the end of the line."""
    out = {}
    rest = line
    while rest:
        m = re.match(r"(\w+)=", rest)
        if not m:
            break
        key = m.group(1)
        rest = rest[m.end():]
        if key == tail:
            out[key] = rest
            break
        value, _, rest = rest.partition(" ")
        out[key] = value
    return out


def render_iomem(text):
    """The module's iomem lines as r_show() prints /proc/iomem (kernel/resource.c,
    6.1 and 6.12): 2 spaces per level up to 5, at least 8 hex digits."""
    lines = []
    for line in text.splitlines():
        r = parse_kv(line, "name")
        depth = min(int(r["depth"]), 5)
        lines.append("%s%08x-%08x : %s" % ("  " * depth, int(r["start"], 16), int(r["end"], 16),
                                           r["name"]))
    return "\n".join(lines)


def build_static(src, out, cflags=()):
    """A static helper for the guest (its initramfs has no libc): (ok, stderr)."""
    r = subprocess.run(["gcc", "-std=c11", *cflags, "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                        "-o", out, src], capture_output=True, text=True)
    return r.returncode == 0, r.stderr


def build_module(abi, root, workdir):
    """hotplugfs_kmod.ko for ABI, built by kmod/build-out-of-tree.sh."""
    ko = os.path.join(workdir, "hotplugfs_kmod.ko")
    r = subprocess.run(["bash", os.path.join(SRCDIR, "kmod", "build-out-of-tree.sh"),
                        kernels.kdir(abi, root), os.path.join(workdir, "kmod-build"), ko],
                       capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        print("# " + r.stderr.replace("\n", "\n# "), flush=True)
        return None
    return ko


class Scenario:
    capture_suffix = ""

    def __init__(self, series, g, checks, captures):
        self.series = series
        self.g = g
        self.c = checks
        self.captures = captures
        self.step_no = 0
        self.seq = -1  # the last notifier record already looked at
        self.pages_per_block = 0x8000

    def name(self, what):
        return "%s: %s" % (self.series, what)

    def check(self, what, ok, detail=""):
        return self.c.check(self.name(what), ok, detail)

    def same(self, what, got, want):
        return self.c.same(self.name(what), got, want)

    def step(self, label):
        self.step_no += 1
        if self.captures:
            self.g.capture("%02d-%s" % (self.step_no, label),
                           os.path.join(self.captures, self.series + self.capture_suffix))

    # ---- the module's views and the kernel's ----

    def module_iomem(self):
        return self.g.check("cat %s/iomem" % DEBUGFS)

    def module_blocks(self):
        return {int(b["id"]): b for b in map(parse_kv, self.g.check("cat %s/blocks" % DEBUGFS).splitlines())}

    def sysfs_blocks(self):
        """id -> (state, node or '-', valid_zones) from memoryN."""
        out = self.g.check(
            "cd %s && for d in memory*; do n=''; for l in $d/node*; do [ -e \"$l\" ] && n=${l##*node}; done; "
            "echo \"${d#memory} $(cat $d/state) ${n:--} $(cat $d/valid_zones)\"; done" % MEMORY)
        blocks = {}
        for line in out.splitlines():
            bid, state, node, zones = line.split(" ", 3)
            blocks[int(bid)] = (state, node, zones)
        return blocks

    def compare_views(self, label):
        rc, real = self.g.run("cat /proc/iomem")
        self.same("%s: module iomem rendered equals /proc/iomem" % label,
                  render_iomem(self.module_iomem()), real.rstrip("\n"))
        mod, real = self.module_blocks(), self.sysfs_blocks()
        self.same("%s: module block ids equal memoryN" % label, sorted(mod), sorted(real))
        bad = []
        for bid in sorted(set(mod) & set(real)):
            b, (state, node, zones) = mod[bid], real[bid]
            want_zone = zones if state == "online" else "none"
            if b["state"] != state:
                bad.append("memory%d: state %s, sysfs %s" % (bid, b["state"], state))
            if node != "-" and b["node"] != node:
                bad.append("memory%d: node %s, sysfs link node%s" % (bid, b["node"], node))
            if b["block_zone"] != want_zone:  # valid_zones_show() of an online block: mem->zone
                bad.append("memory%d: block_zone %s, valid_zones %s" % (bid, b["block_zone"], zones))
            if b["block_zone"] != "none" and b["zone"] != b["block_zone"]:
                bad.append("memory%d: pages in %s, mem->zone %s" % (bid, b["zone"], b["block_zone"]))
            if state != "online" and b["zone"] != "none":
                bad.append("memory%d: offline but pages in %s" % (bid, b["zone"]))
        self.check("%s: module blocks equal memoryN state, node, zone" % label, not bad, "\n".join(bad))
        return mod

    # ---- notifier calls ----

    def events(self):
        """Records after the last one looked at."""
        out = self.g.check("cat %s/events_log" % DEBUGFS)
        recs = [parse_kv(line) for line in out.splitlines()]
        new = [r for r in recs if int(r["seq"]) > self.seq]
        if recs:
            self.seq = max(self.seq, int(recs[-1]["seq"]))
        return new

    def check_calls(self, label, recs, first, last, block=None, start_pfn=None, nr_pages=None):
        """RECS (records of one operation on one block) against the names each callback should see."""
        got_first = [r["name"] for r in recs if r["cb"] == "first"]
        got_last = [r["name"] for r in recs if r["cb"] == "last"]
        self.same("%s: calls seen first" % label, got_first, first)
        self.same("%s: calls seen last" % label, got_last, last)
        bad = []
        for r in recs:
            if int(r["action"]) != ACTIONS[self.series].get(r["name"]):
                bad.append("%s has raw action %s" % (r["name"], r["action"]))
            if block is not None and int(r["block"]) != block:
                bad.append("%s for block %s" % (r["name"], r["block"]))
            if start_pfn is not None and int(r["start_pfn"], 16) != start_pfn:
                bad.append("%s start_pfn %s, want 0x%x" % (r["name"], r["start_pfn"], start_pfn))
            if nr_pages is not None and int(r["nr_pages"], 16) != nr_pages:
                bad.append("%s nr_pages %s, want 0x%x" % (r["name"], r["nr_pages"], nr_pages))
            # memory_block_online()/_offline(), 6.12: the altmap is the block's first pages
            if (block is not None and start_pfn is not None
                    and r["name"] in ("MEM_PREPARE_ONLINE", "MEM_FINISH_OFFLINE")
                    and (int(r["altmap_start_pfn"], 16), int(r["altmap_nr_pages"], 16))
                    != (block * self.pages_per_block, start_pfn - block * self.pages_per_block)):
                bad.append("%s altmap %s+%s" % (r["name"], r["altmap_start_pfn"], r["altmap_nr_pages"]))
        self.check("%s: raw action numbers, block and pfn range" % label, not bad, "\n".join(bad))

    def store(self, path, value, timeout=120):
        """Writes VALUE to PATH in the guest; returns '' or the strerror text."""
        out = self.g.check("echo %s > %s 2>/tmp/.err && echo OK || sed 's/.*: //' /tmp/.err"
                           % (value, path), timeout)
        out = out.strip()
        return "" if out == "OK" else out

    def block_range(self, blocks, bid):
        vm = int(blocks[bid]["vmemmap_pages"], 16)
        return bid * self.pages_per_block + vm, self.pages_per_block - vm

    def wait_for(self, what, script, timeout=120):
        """Polls SCRIPT in the guest until it exits 0."""
        rc, out = self.g.run("i=0; while [ $i -lt %d ]; do (%s) >/dev/null 2>&1 && exit 0; "
                             "i=$((i+1)); sleep 0.5; done; exit 1" % (timeout * 2, script),
                             timeout + 30)
        return self.check("%s within %d s" % (what, timeout), rc == 0, out)

    # ---- the scenario ----

    def run(self):
        g, s = self.g, self.series
        t0 = time.monotonic()
        rc, out = g.run("insmod /lib/modules/hotplugfs_kmod.ko first_priority=0 last_priority=0")
        self.check("module refuses to load with first_priority <= last_priority", rc != 0, out)
        # (busybox insmod tries finit_module, then init_module: the line may come twice)
        rc, out = g.run("dmesg | grep 'hotplugfs_kmod: first_priority (0) must be above last_priority (0)'")
        self.check("the refusal says why in the kernel log", rc == 0, out)
        rc, out = g.run("insmod /lib/modules/hotplugfs_kmod.ko && cat %s/version && cat %s/info"
                        % (DEBUGFS, DEBUGFS))
        self.check("module loads", rc == 0, out)
        info = dict(line.split("=", 1) for line in out.splitlines()[1:] if "=" in line)
        self.same("protocol version file", out.splitlines()[0] if out else "", "1")
        self.same("layout", info.get("layout"), s)
        self.pages_per_block = int(info.get("pages_per_block", "0x8000"), 16)
        self.same("actions style", info.get("actions"), "macros" if s == "6.1" else "enum")
        self.step("loaded")
        boot = self.compare_views("boot")
        self.same("boot: no notifier calls yet", self.events(), [])

        # what sysfs cannot tell: would offlining fail?  Ask the kernel for the
        # boot blocks the module says cannot go offline.
        predicted = {b: v for b, v in boot.items() if v["state"] == "online" and v["offline"] != "ok"}
        self.check("boot: some boot block predicted to refuse offlining", bool(predicted), boot)
        for bid, b in sorted(predicted.items()):
            if b["reason"] == "unmovable":
                # an in-use kernel page can be freed before the kernel looks: not a stable fact
                print("# %s: memory%d predicted EBUSY (unmovable page %s): not tried" % (s, bid, b["pfn"]))
                continue
            err = self.store("%s/memory%d/state" % (MEMORY, bid), "offline")
            want = os.strerror(16 if b["offline"] == "EBUSY" else 22)
            self.same("boot: offlining memory%d fails as predicted (%s, %s)" % (bid, b["offline"], b["reason"]),
                      err, want)
        self.same("boot: refused offlines made no notifier call", self.events(), [])
        self.step("boot-offline-refused")

        # ---- a 512 MiB ACPI DIMM ----
        g.qmp("object-add", **{"qom-type": "memory-backend-ram", "id": "m1", "size": 512 * MIB})
        g.qmp("device_add", driver="pc-dimm", id="d1", memdev="m1")
        before = set(boot)
        self.wait_for("dimm: 4 new memory blocks",
                      "[ $(ls -d %s/memory* | wc -l) -eq %d ]" % (MEMORY, len(before) + 4))
        blocks = self.compare_views("dimm plugged")
        new = sorted(set(blocks) - before)
        self.same("dimm: 4 new blocks, offline", [blocks[b]["state"] for b in new], ["offline"] * 4)
        if len(new) != 4:
            return
        iomem = [parse_kv(line, "name") for line in self.module_iomem().splitlines()]
        base = new[0] * self.pages_per_block * 4096
        dimm = [r for r in iomem if int(r["start"], 16) == base and r["depth"] == "0"]
        self.same("dimm: top-level System RAM, busy, desc 0",
                  [(r["name"], r["flags"], r["desc"], r["end"]) for r in dimm],
                  [("System RAM", "0x81000200", "0", hex(base + 512 * MIB - 1))])
        self.same("dimm: one static memory group of 512 MiB, named by its first block",
                  sorted({(blocks[b]["group"], blocks[b]["group_type"], blocks[b]["group_pages"])
                          for b in new}), [(str(new[0]), "static", "0x20000")])
        self.same("dimm: plugging made no notifier call", self.events(), [])
        self.step("dimm-plugged")

        # a live consumer of the `events` stream (O_NONBLOCK, poll()) sees the first online
        kept = len(g.check("cat %s/events_log" % DEBUGFS).splitlines())
        g.check("( events_reader %s/events %d 30000 > /tmp/stream 2> /tmp/stream.err; "
                "echo $? > /tmp/stream.rc ) > /dev/null 2>&1 &" % (DEBUGFS, kept + 2 * len(ONLINE[s])))
        g.check("sleep 1")  # let it drain what is kept and block in poll()
        for bid in new:
            err = self.store("%s/memory%d/state" % (MEMORY, bid), "online_movable")
            self.same("dimm: memory%d online_movable" % bid, err, "")
            start, nr = self.block_range(blocks, bid)
            self.check_calls("dimm: memory%d online" % bid, self.events(), ONLINE[s], ONLINE[s],
                             bid, start, nr)
            blocks = self.compare_views("dimm memory%d online" % bid)
            self.same("dimm: memory%d in Movable, predicted offlinable" % bid,
                      (blocks[bid]["zone"], blocks[bid]["offline"]), ("Movable", "ok"))
            self.step("dimm-online-%d" % bid)
            if bid == new[0]:
                self.wait_for("events: the stream reader ends", "test -e /tmp/stream.rc", 60)
                rc, out = g.run("cat /tmp/stream.rc /tmp/stream.err")
                self.check("events: poll() woke the reader and it read every record",
                           out.startswith("0\n") and "woken by poll() 0 times" not in out, out)
                stream = g.check("cat /tmp/stream")
                log = g.check("cat %s/events_log" % DEBUGFS)
                self.same("events: the stream equals events_log", stream, log)

        last = new[3]
        err = self.store("%s/memory%d/state" % (MEMORY, last), "offline")
        self.same("dimm: memory%d offline" % last, err, "")
        start, nr = self.block_range(blocks, last)
        self.check_calls("dimm: memory%d offline" % last, self.events(), OFFLINE[s], OFFLINE[s],
                         last, start, nr)
        blocks = self.compare_views("dimm memory%d offline" % last)
        self.step("dimm-offline-%d" % last)

        # ---- vetoes injected through the module ----
        start, nr = self.block_range(blocks, last)
        g.check("echo 'MEM_GOING_ONLINE 0x%x 0x%x -16' > %s/inject" % (start, nr, DEBUGFS))
        err = self.store("%s/memory%d/state" % (MEMORY, last), "online_movable")
        self.same("veto: GOING_ONLINE vetoed with -16 fails the store with EBUSY", err, os.strerror(16))
        recs = self.events()
        self.check_calls("veto: GOING_ONLINE on memory%d" % last, recs, VETO_ONLINE_FIRST[s],
                         VETO_ONLINE_LAST[s], last)
        self.same("veto: the vetoing call's errno",
                  [(r["name"], r["errno"]) for r in recs if r["cb"] == "first" and r["errno"] != "0"],
                  [("MEM_GOING_ONLINE", "-16")])
        self.same("veto: one-shot rule consumed", g.check("cat %s/inject" % DEBUGFS), "")
        blocks = self.compare_views("veto online")
        self.same("veto: memory%d still offline" % last, blocks[last]["state"], "offline")

        victim = new[2]
        start, nr = self.block_range(blocks, victim)
        g.check("echo 'MEM_GOING_OFFLINE 0x%x 0x%x -12' > %s/inject" % (start, nr, DEBUGFS))
        err = self.store("%s/memory%d/state" % (MEMORY, victim), "offline")
        self.same("veto: GOING_OFFLINE vetoed with -12 fails the store with ENOMEM", err, os.strerror(12))
        self.check_calls("veto: GOING_OFFLINE on memory%d" % victim, self.events(),
                         VETO_OFFLINE_FIRST, VETO_OFFLINE_LAST, victim)
        blocks = self.compare_views("veto offline")
        self.same("veto: memory%d still online" % victim, blocks[victim]["state"], "online")
        for rule, errno in (("MEM_ONLINE 0x0 0x1 -16", 95), ("MEM_GOING_ONLINE 0x0 0x1 5", 34),
                            ("MEM_GOING_ONLINE 0x0 0x1 -16 0", 34), ("MEM_GOING_ONLINE 0x0 0x0 -16", 22),
                            ("MEM_BOGUS 0x0 0x1 -16", 22), ("MEM_GOING_ONLINE 0x0 0x1", 22)):
            err = self.store("%s/inject" % DEBUGFS, "'%s'" % rule)
            self.same("inject: %r refused with %s" % (rule, os.strerror(errno)), err, os.strerror(errno))
        self.same("inject: refused rules armed nothing", g.check("cat %s/inject" % DEBUGFS), "")
        self.step("vetoes")

        # ---- unload and load while hotplug runs ----
        g.check("( i=0; while [ $i -lt 10 ]; do echo offline > %s/memory%d/state; "
                "echo online_movable > %s/memory%d/state; i=$((i+1)); done; echo done > /tmp/loop.done ) "
                "> /tmp/loop.log 2>&1 &" % (MEMORY, victim, MEMORY, victim))
        rc, out = g.run("n=0; while [ ! -e /tmp/loop.done ] || [ $n -lt 5 ]; do "
                        "rmmod hotplugfs_kmod || exit 1; insmod /lib/modules/hotplugfs_kmod.ko || exit 2; "
                        "cat %s/iomem %s/blocks %s/events_log > /dev/null || exit 3; n=$((n+1)); done; "
                        "echo $n" % (DEBUGFS, DEBUGFS, DEBUGFS), timeout=300)
        self.check("reload: rmmod/insmod/read cycles while memory%d goes on and offline (%s cycles)"
                   % (victim, out.strip()), rc == 0, out + g.run("cat /tmp/loop.log")[1])
        self.seq = -1  # a new module instance starts its ring at 0
        self.events()
        blocks = self.compare_views("after reloads")
        self.step("reloaded")

        # ---- unplug: the kernel offlines the online blocks itself ----
        g.qmp("device_del", id="d1")
        try:
            g.wait_qmp_event("DEVICE_DELETED", timeout=120)
            deleted = True
        except (guest.GuestError, TimeoutError) as e:
            deleted = False
            self.check("dimm: DEVICE_DELETED", False, e)
        if deleted:
            self.check("dimm: DEVICE_DELETED", True)
        self.wait_for("dimm: its blocks removed", "! ls -d %s/memory%d" % (MEMORY, new[0]))
        recs = self.events()
        online_before = [b for b in new if blocks[b]["state"] == "online"]
        for bid in online_before:
            start, nr = self.block_range(blocks, bid)
            self.check_calls("unplug: memory%d offlined by the kernel" % bid,
                             [r for r in recs if int(r["block"]) == bid], OFFLINE[s], OFFLINE[s],
                             bid, start, nr)
        self.same("unplug: no call for other blocks",
                  sorted({int(r["block"]) for r in recs} - set(online_before)), [])
        blocks = self.compare_views("dimm unplugged")
        self.step("dimm-unplugged")

        # ---- virtio-mem ----
        g.check("echo online_movable > %s/auto_online_blocks" % MEMORY)
        before = set(blocks)
        g.qmp("qom-set", path="vm0", property="requested-size", value=256 * MIB)
        self.wait_for("virtio-mem: grown to 256 MiB in 2 online blocks",
                      "[ $(cat %s/memory*/state | grep -c online) -eq %d ]"
                      % (MEMORY, sum(1 for b in blocks.values() if b["state"] == "online") + 2))
        blocks = self.compare_views("virtio-mem grown")
        grown = sorted(set(blocks) - before)
        self.same("virtio-mem: 2 new blocks, online in Movable",
                  [(blocks[b]["state"], blocks[b]["zone"]) for b in grown], [("online", "Movable")] * 2)
        recs = self.events()
        for bid in grown:
            start, nr = self.block_range(blocks, bid)
            self.check_calls("virtio-mem: memory%d online" % bid,
                             [r for r in recs if int(r["block"]) == bid], ONLINE[s], ONLINE[s],
                             bid, start, nr)
        iomem = [parse_kv(line, "name") for line in self.module_iomem().splitlines()]
        vm = [(r["depth"], r["flags"], r["desc"]) for r in iomem if r["name"] == "System RAM (virtio_mem)"]
        self.same("virtio-mem: a busy, driver-managed, mergeable System RAM child of virtio0",
                  vm, [("1", "0x87000200", "0")])
        self.same("virtio-mem: a dynamic memory group of 128 MiB units",
                  sorted({(blocks[b]["group_type"], blocks[b]["group_pages"]) for b in grown}),
                  [("dynamic", "0x8000")])
        self.step("virtio-mem-grown")

        g.qmp("qom-set", path="vm0", property="requested-size", value=0)
        self.wait_for("virtio-mem: shrunk to 0", "! ls -d %s/memory%d" % (MEMORY, grown[-1]) if grown else "true")
        self.wait_for("virtio-mem: size 0", "! ls -d %s/memory%d" % (MEMORY, grown[0]) if grown else "true")
        recs = self.events()
        for bid in grown:
            start, nr = self.block_range(blocks, bid)
            self.check_calls("virtio-mem: memory%d offlined and removed" % bid,
                             [r for r in recs if int(r["block"]) == bid], OFFLINE[s], OFFLINE[s],
                             bid, start, nr)
        blocks = self.compare_views("virtio-mem shrunk")
        self.step("virtio-mem-shrunk")

        # ---- the end ----
        rc, out = g.run("rmmod hotplugfs_kmod && ! test -e %s" % DEBUGFS)
        self.check("module unloads, its debugfs directory goes", rc == 0, out)
        rc, out = g.run("dmesg | grep -E 'BUG|WARNING|Oops|general protection|Call Trace' ; true")
        self.same("no kernel BUG, WARNING or Oops in dmesg", out, "")
        return time.monotonic() - t0


class MemmapScenario(Scenario):
    """A second boot with memory_hotplug.memmap_on_memory=1: a 128 MiB DIMM (one
    block, so 6.1 applies it too) keeps its memmap in its first pages."""

    def run(self):
        g, s = self.g, self.series
        t0 = time.monotonic()
        g.check("insmod /lib/modules/hotplugfs_kmod.ko")
        rc, out = g.run("cat /sys/module/memory_hotplug/parameters/memmap_on_memory")
        self.check("memmap: memmap_on_memory enabled (%s)" % out.strip(), out.strip() in ("Y", "force"), out)
        before = set(self.compare_views("memmap boot"))
        self.events()
        g.qmp("object-add", **{"qom-type": "memory-backend-ram", "id": "m2", "size": 128 * MIB})
        g.qmp("device_add", driver="pc-dimm", id="d2", memdev="m2")
        self.wait_for("memmap: 1 new memory block",
                      "[ $(ls -d %s/memory* | wc -l) -eq %d ]" % (MEMORY, len(before) + 1))
        blocks = self.compare_views("memmap dimm plugged")
        new = sorted(set(blocks) - before)
        if not self.same("memmap: one new block", len(new), 1):
            return time.monotonic() - t0
        bid = new[0]
        # 128 MiB of struct page (64 bytes per 4 KiB page): 2 MiB, 0x200 pages
        self.same("memmap: memory%d holds its memmap in 0x200 pages" % bid,
                  blocks[bid]["vmemmap_pages"], "0x200")
        self.step("memmap-dimm-plugged")
        err = self.store("%s/memory%d/state" % (MEMORY, bid), "online_movable")
        self.same("memmap: memory%d online_movable" % bid, err, "")
        start, nr = self.block_range(blocks, bid)
        self.same("memmap: notifier range starts after the memmap", (start, nr),
                  (bid * self.pages_per_block + 0x200, self.pages_per_block - 0x200))
        self.check_calls("memmap: memory%d online" % bid, self.events(), ONLINE[s], ONLINE[s],
                         bid, start, nr)
        blocks = self.compare_views("memmap memory%d online" % bid)
        self.step("memmap-online")
        err = self.store("%s/memory%d/state" % (MEMORY, bid), "offline")
        self.same("memmap: memory%d offline" % bid, err, "")
        self.check_calls("memmap: memory%d offline" % bid, self.events(), OFFLINE[s], OFFLINE[s],
                         bid, start, nr)
        self.compare_views("memmap memory%d offline" % bid)
        self.step("memmap-offline")
        g.qmp("device_del", id="d2")
        try:
            g.wait_qmp_event("DEVICE_DELETED", timeout=120)
            self.check("memmap: DEVICE_DELETED", True)
        except (guest.GuestError, TimeoutError) as e:
            self.check("memmap: DEVICE_DELETED", False, e)
        self.wait_for("memmap: its block removed", "! ls -d %s/memory%d" % (MEMORY, bid))
        self.same("memmap: removing an offline block made no call", self.events(), [])
        self.compare_views("memmap dimm unplugged")
        self.step("memmap-unplugged")
        return time.monotonic() - t0


def boot_and_run(name, scenario_class, series, g, checks, captures):
    """Boots G and runs SCENARIO_CLASS on it; G is shut down in any case."""
    try:
        try:
            secs = g.boot()
            checks.check("%s: %s boots to /init (%.1f s)" % (series, name, secs), True)
        except guest.BootFailed as e:
            checks.check("%s: %s boots to /init" % (series, name), False, e)
            return
        if scenario_class is Scenario:
            extra_checks(series, g, checks)
        sc = scenario_class(series, g, checks, captures)
        try:
            secs = sc.run()
            print("# %s: %s scenario took %.0f s" % (series, name, secs or 0), flush=True)
        except (guest.GuestError, TimeoutError, OSError, KeyError, ValueError) as e:
            checks.check("%s: %s scenario ran to its end" % (series, name), False,
                         "%s: %s\n--- console ---\n%s" % (type(e).__name__, e, g.console_tail()))
    finally:
        g.shutdown()


def extra_checks(series, g, checks):
    lsmem = shutil.which("lsmem")
    if lsmem:
        rc, out = g.run(lsmem + " -b")
        checks.check("%s: the host's lsmem runs in the guest with its ldd libraries" % series,
                     rc == 0 and "Memory block size:" in out, out)
    rc, out = g.run("grep -w fuse /proc/filesystems")
    checks.check("%s: fuse is available in the guest" % series, rc == 0, out)


def kernel_and_module(series, workdir, checks):
    """The series' kernel (fetched and cached) and hotplugfs_kmod built for it:
    (abi, root, workdir/series, ko or None), or None when no kernel can be had."""
    log = lambda m: print(m, flush=True)  # noqa: E731
    try:
        abi, root = kernels.ensure(series, log=log)
    except kernels.Unavailable as e:
        print("# %s: %s" % (series, e), flush=True)
        return None
    print("# %s: Debian %s" % (series, abi), flush=True)
    wd = os.path.join(workdir, series)
    os.makedirs(wd, exist_ok=True)
    t = time.monotonic()
    ko = build_module(abi, root, wd)
    checks.check("%s: module builds against linux-headers-%s-amd64" % (series, abi), ko is not None)
    if ko:
        print("# %s: module built in %.0f s" % (series, time.monotonic() - t), flush=True)
    return abi, root, wd, ko


def run_series(series, workdir, checks, captures):
    log = lambda m: print(m, flush=True)  # noqa: E731
    got = kernel_and_module(series, workdir, checks)
    if got is None:
        return None
    abi, root, wd, ko = got
    if not ko:
        return 0
    reader = os.path.join(wd, "events_reader")
    ok, err = build_static(os.path.join(HERE, "events_reader.c"), reader)
    if not checks.check("%s: events_reader builds (static)" % series, ok, err):
        return 0

    def make_guest(name, append):
        g = guest.Guest((abi, root), os.path.join(wd, name), kmod=ko, modules=["virtio_mem", "fuse"],
                        append=append,
                        qemu_args=["-object", "memory-backend-ram,id=vmem0,size=2G",
                                   "-device", "virtio-mem-pci,id=vm0,memdev=vmem0,requested-size=0"],
                        log=log)
        g.add_file(reader, "/bin/events_reader")
        # a dynamically linked host tool with its libraries, as hotplugfs itself will be
        if shutil.which("lsmem"):
            g.add_executable(shutil.which("lsmem"))
        return g

    boot_and_run("guest", Scenario, series, make_guest("guest", "memhp_default_state=offline"),
                 checks, captures)
    boot_and_run("memmap guest", MemmapScenario, series,
                 make_guest("memmap", "memhp_default_state=offline memory_hotplug.memmap_on_memory=1"),
                 checks, captures)
    return 1


def main():
    # a TERM (run.sh's timeout) unwinds through the finally blocks: no qemu is left behind
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    series = sys.argv[1:] or ["6.1", "6.12"]
    keep = os.environ.get("HOTPLUGFS_KERNEL_WORK")
    workdir = keep or tempfile.mkdtemp(prefix="hotplugfs-kernel.")
    captures = os.environ.get("HOTPLUGFS_KERNEL_CAPTURES")
    checks = Checks()
    ran = 0
    t = time.monotonic()
    try:
        for s in series:
            r = run_series(s, workdir, checks, captures)
            if r is None:
                continue
            ran += 1
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("# total %.0f s" % (time.monotonic() - t), flush=True)
    if ran == 0:
        print("SKIP: no guest kernel could be fetched (package registry unreachable?)")
        sys.exit(77)
    print("%d passed, %d failed" % (checks.passed, checks.failed))
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()

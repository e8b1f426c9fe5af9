# SPDX-License-Identifier: GPL-2.0-or-later
"""`hotplugfs mount --live` on real Debian 6.1 and 6.12 kernels under
QEMU/TCG: after every hotplug step the live mounts must serve, byte for
byte, what the kernel's own files say, stores through them must reach the
kernel and answer its result, the watch stream must carry the notifier
calls the kernel made, and a `capture --live` of that moment, served by the
simulator, must serve the same views again.

One boot per kernel (memhp_default_state=offline, a 2 GiB virtio-mem
device, slots for a DIMM).  In the guest:
  /mnt/ro    hotplugfs mount --live                       (read-only mirror)
  /mnt/rw    hotplugfs mount --live --live-stores --control /tmp/hp.sock
  /mnt/sim   hotplugfs mount CAPTURE, the fixture `capture --live` wrote
and `hotplugfs ctl /tmp/hp.sock watch` runs for the whole scenario.

Views compared (one line each, per mount and step: match, or the first
difference): /proc/iomem; every file of /sys/firmware/memmap/N/; every
regular file (its bytes, or the error reading it gives) and every symlink
(its target) under /sys/devices/system/memory, memoryN/ and their power/
directories, which the simulator serves as well, so nothing is skipped.

Usage: live_test.py [SERIES...]   (default: 6.1 6.12)
Env:   HOTPLUGFS                  the hotplugfs binary (default $SRCDIR/build/fs/hotplugfs)
       HOTPLUGFS_KERNEL_CACHE, HOTPLUGFS_KERNEL_WORK: as for kmod_test.py
Prints one line per check and ends with "N passed, N failed"; exits 77
when no kernel can be had.
"""
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import guest  # noqa: E402
from kmod_test import (DEBUGFS, MEMORY, MIB, OFFLINE, ONLINE, VETO_ONLINE_FIRST,  # noqa: E402
                       Checks, build_static, kernel_and_module, parse_kv)

SRCDIR = os.environ.get("SRCDIR", os.path.dirname(os.path.dirname(HERE)))
HOST_HOTPLUGFS = os.environ.get("HOTPLUGFS") or os.path.join(SRCDIR, "build", "fs", "hotplugfs")
# In the guest (not at the host's path: the guest's /init mounts a tmpfs on /tmp)
HOTPLUGFS = "/usr/local/bin/hotplugfs"
RO, RW, SIM = "/mnt/ro", "/mnt/rw", "/mnt/sim"
SOCK = "/tmp/hp.sock"
VIEWS = (("iomem", "proc/iomem"), ("memmap", "sys/firmware/memmap/"),
         ("memory", "sys/devices/system/memory/"))
NOTIFY_BAD = 0x8002  # NOTIFY_STOP_MASK | 0x0002 (include/linux/notifier.h)

# Differences whose cause is known and lies outside the live backend, as
# (pattern searched in the check's name and detail, the cause).  A check that
# fails this way is reported as "known", not counted as failed; one that
# passes is a plain pass (and the entry can go).
KNOWN = [
    (r"busybox cat \(sendfile\) of /mnt/\w+/proc/iomem",
     "sendfile(2) from a FUSE file opened with FOPEN_DIRECT_IO reads through the page cache "
     "(filemap_splice_read(), fs/fuse/file.c since 6.5), bounded by st_size, which is 0 for "
     "/proc files as in procfs; upstream's fix (copy_splice_read() for FOPEN_DIRECT_IO, "
     "marked for stable) is not in every 6.12 build"),
]


def known_cause(text):
    for pattern, cause in KNOWN:
        if re.search(pattern, text):
            return cause
    return None


class LiveChecks(Checks):
    def __init__(self):
        super().__init__()
        self.known = []

    def check(self, name, ok, detail=""):
        cause = None if ok else known_cause("%s\n%s" % (name, detail))
        if cause:
            self.known.append(name)
            print("known - %s\n    cause: %s" % (name, cause), flush=True)
            return False
        return super().check(name, ok, detail)


def first_difference(want, got):
    """The first line where GOT differs from WANT, as text."""
    a, b = want.split(b"\n"), got.split(b"\n")
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else None
        y = b[i] if i < len(b) else None
        if x != y:
            show = lambda v: "(end)" if v is None else repr(v.decode(errors="replace"))  # noqa: E731
            return "line %d: reference %s, mount %s" % (i + 1, show(x), show(y))
    return "equal"


class StopScenario(Exception):
    """What follows cannot be checked; the scenario goes to its end."""


class LiveScenario:
    def __init__(self, series, g, checks):
        self.series = series
        self.g = g
        self.c = checks
        self.step_no = 0
        self.step_name = "boot"
        self.seq = -1          # the last module record looked at
        self.watch_lines = 0   # the watch lines looked at
        self.pages_per_block = 0x8000
        self.settled = []      # (step, view) that matched only on a later read
        self.step_events = []  # the watch events of the step under way

    # ---- checks ----

    def name(self, what):
        return "%s: %s: %s" % (self.series, self.step_name, what)

    def check(self, what, ok, detail=""):
        return self.c.check(self.name(what), ok, detail)

    def same(self, what, got, want):
        return self.c.same(self.name(what), got, want)

    def store(self, path, value, timeout=120):
        """Writes VALUE to PATH in the guest; '' or the strerror text."""
        out = self.g.check("echo %s > %s 2>/tmp/.err && echo OK || sed 's/.*: //' /tmp/.err"
                           % (value, path), timeout).strip()
        return "" if out == "OK" else out

    def wait_for(self, what, script, timeout=120):
        rc, out = self.g.run("i=0; while [ $i -lt %d ]; do (%s) >/dev/null 2>&1 && exit 0; "
                             "i=$((i+1)); sleep 0.2; done; exit 1" % (timeout * 5, script),
                             timeout + 30)
        return self.check("%s within %d s" % (what, timeout), rc == 0, out)

    # ---- the views ----

    def read_views(self, roots):
        """{name: {path: bytes}} of the views under each root of ROOTS, read by
        views_dump (views_dump.c): a file's bytes, b"!ERR " + the error reading
        it gives, b"!LINK " + a symlink's target."""
        script = "; ".join("printf 'R %s 0\\n\\n'; views_dump '%s'" % (name, root)
                           for name, root in roots.items())
        rc, data = self.g.run_bytes(script, 180)
        if rc != 0:
            raise guest.GuestError("reading the views failed: %s" % data[-500:])
        out, cur, pos = {}, None, 0
        while pos < len(data):
            nl = data.index(b"\n", pos)
            kind, _, rest = data[pos:nl].decode().partition(" ")
            path, _, length = rest.rpartition(" ")
            body = data[nl + 1:nl + 1 + int(length)]
            pos = nl + 1 + int(length) + 1
            if kind == "R":
                cur = out.setdefault(path, {})
            else:
                cur[path.lstrip("/")] = {"F": b"", "E": b"!ERR ", "L": b"!LINK "}[kind] + body
        return out

    @staticmethod
    def view_differences(want, got, prefix):
        """The files under PREFIX that differ, each with its first difference."""
        paths = sorted({p for p in want if p.startswith(prefix)} |
                       {p for p in got if p.startswith(prefix)})
        if not paths:
            return ["no such files at all"]
        out = []
        for p in paths:
            if p not in got:
                out.append("/%s: missing in the mount (reference: %r)" % (p, want[p][:80]))
            elif p not in want:
                out.append("/%s: only in the mount (%r)" % (p, got[p][:80]))
            elif want[p] != got[p]:
                out.append("/%s: %s" % (p, first_difference(want[p], got[p])))
        return out

    def compare(self, pairs, roots, tries=3):
        """PAIRS: (reference, mount) names of ROOTS; one check per view and pair,
        saying the first difference whose cause is not known (KNOWN), or else
        the first known one.  The live mounts follow the kernel asynchronously
        (a uevent, then a rebuild): a view that differs is read again, up to
        TRIES times."""
        pending = {(a, b, v) for a, b in pairs for v, _ in VIEWS}
        diffs = {}
        for attempt in range(tries):
            views = self.read_views(roots)
            for a, b, v in sorted(pending):
                d = self.view_differences(views[a], views[b], dict(VIEWS)[v])
                if d:
                    diffs[(a, b, v)] = d
                else:
                    if attempt:
                        self.settled.append("%s %s %s/%s after %d reads" % (self.series, self.step_name,
                                                                          b, v, attempt + 1))
                    diffs.pop((a, b, v), None)
            pending = set(diffs)
            if not pending:
                break
            time.sleep(1)
        for a, b in pairs:
            for v, _ in VIEWS:
                what = "%s %s equals %s" % (b, v, a)
                d = diffs.get((a, b, v), [])
                unknown = [x for x in d if not known_cause(self.name("%s: %s" % (what, x)))]
                shown = (unknown or d)[:1]
                more = " (+%d more)" % (len(unknown or d) - 1) if len(unknown or d) > 1 else ""
                self.check("%s%s%s" % (what, ": " + shown[0] if shown else "", more), not d,
                           "\n".join(unknown[1:6]))
        return views

    # ---- the module's records and the watch stream ----

    def records(self):
        """The module's records after the last one looked at."""
        out = self.g.check("cat %s/events_log" % DEBUGFS)
        recs = [parse_kv(line) for line in out.splitlines()]
        new = [r for r in recs if int(r["seq"]) > self.seq]
        if recs:
            self.seq = max(self.seq, int(recs[-1]["seq"]))
        return new

    @staticmethod
    def expected_calls(recs):
        """The chain calls RECS show, as (name, raw, block, start_pfn, nr_pages,
        altmap_start_pfn, altmap_nr_pages, ret): each `first` record, with the
        chain's result: the first callback's veto, else the last's answer
        (NOTIFY_BAD when a callback between them stopped the call)."""
        calls = []
        for i, r in enumerate(recs):
            if r["cb"] != "first":
                continue
            if int(r["ret"], 16) & 0x8000:
                ret = int(r["ret"], 16)
            else:
                last = [x for x in recs[i + 1:] if x["cb"] == "last" and x["action"] == r["action"]
                        and x["start_pfn"] == r["start_pfn"] and x["nr_pages"] == r["nr_pages"]]
                ret = int(last[0]["ret"], 16) if last else NOTIFY_BAD
            calls.append((r["name"], int(r["action"]), int(r["block"]), int(r["start_pfn"], 16),
                          int(r["nr_pages"], 16), int(r.get("altmap_start_pfn", "0x0"), 16),
                          int(r.get("altmap_nr_pages", "0x0"), 16), ret))
        return calls

    def watch_events(self, want_notify, timeout=20):
        """The watch lines after the last looked at, once WANT_NOTIFY notify
        events have arrived (or TIMEOUT passed)."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.g.check("cat /tmp/watch.log")
            text = text[:text.rfind("\n") + 1]   # whole lines only
            lines = text.splitlines()[self.watch_lines:]
            events = [json.loads(x) for x in lines if x.startswith("{")]
            if (sum(1 for e in events if e.get("event") == "notify") >= want_notify
                    or time.monotonic() > deadline):
                self.watch_lines += len(lines)
                self.step_events += events
                return events
            time.sleep(0.3)

    def check_notify(self, what, recs, order=None):
        """The watch stream's notify events since the last look against RECS,
        the module's records of the same moment; ORDER, when given, the
        names the first callback must have seen."""
        want = self.expected_calls(recs)
        events = self.watch_events(len(want))
        got = []
        bad = []
        for e in events:
            if e.get("event") != "notify":
                continue
            got.append((e["action"], e["raw"], e["block"], int(e["start_pfn"], 16),
                        int(e["nr_pages"], 16), int(e["altmap_start_pfn"], 16),
                        int(e["altmap_nr_pages"], 16), e["ret"]))
            line = ("seq=%d notify %s(%d) block=%d start_pfn=%s nr_pages=%s altmap_start_pfn=%s "
                    "altmap_nr_pages=%s ret=0x%x" % (e["seq"], e["action"], e["raw"], e["block"],
                                                    e["start_pfn"], e["nr_pages"], e["altmap_start_pfn"],
                                                    e["altmap_nr_pages"], e["ret"]))
            if e.get("line") != line:
                bad.append("line %r, want %r" % (e.get("line"), line))
        if order is not None:
            self.same("%s: the module saw %s" % (what, " ".join(order)), [c[0] for c in want], order)
        self.same("%s: watch notify events equal the module's calls (%d)" % (what, len(want)),
                  got, want)
        self.check("%s: notify lines in the simulator's format" % what, not bad, "\n".join(bad))
        return events

    def check_uevent_order(self, what, events, block, action):
        """The uevent the kernel sends after device_online()/device_offline()
        returns (drivers/base/core.c) comes after the block's notifier calls."""
        kinds = [(e["event"], e.get("action")) for e in events
                 if e.get("block") == block and e["event"] in ("notify", "uevent")]
        idx = [i for i, k in enumerate(kinds) if k == ("uevent", action)]
        last_notify = max([i for i, k in enumerate(kinds) if k[0] == "notify"], default=-1)
        self.check("%s: uevent %s for memory%d after its notifier calls" % (what, action, block),
                   len(idx) == 1 and idx[0] > last_notify, kinds)

    # ---- the module's blocks ----

    def module_blocks(self):
        return {int(b["id"]): b for b in
                map(parse_kv, self.g.check("cat %s/blocks" % DEBUGFS).splitlines())}

    def block_range(self, blocks, bid):
        vm = int(blocks[bid]["vmemmap_pages"], 16)
        return bid * self.pages_per_block + vm, self.pages_per_block - vm

    def kernel_state(self, bid):
        return self.g.check("cat %s/memory%d/state" % (MEMORY, bid)).strip()

    # ---- one step ----

    def check_order(self, events):
        """The watch events of one step in the kernel's order, per block: "add"
        before any call (create_memory_block_devices() in
        add_memory_resource()), "online"/"offline" after its calls
        (device_online()/device_offline(), drivers/base/core.c), "remove"
        last (try_remove_memory(); mm/memory_hotplug.c).  Where the step's
        resource and firmware-map events fall among the blocks' is only
        reported: a live capture reads those files at other moments than the
        blocks (see the report of `# order:` lines)."""
        per_block = {}
        for e in events:
            if e["event"] in ("notify", "uevent"):
                per_block.setdefault(e["block"], []).append(
                    "notify" if e["event"] == "notify" else e["action"])
        bad = ["memory%d: %s" % (b, " ".join(k)) for b, k in sorted(per_block.items())
               if not re.fullmatch(r"(add )?(notify )*((online|offline) )?(remove )?", " ".join(k) + " ")]
        lines = [e["line"] for e in events]
        self.check("watch: each block's events in the kernel's order (%d events)" % len(events),
                   not bad, "\n".join(bad + ["--- the step's events:"] + lines))
        pos = lambda kind, change: [i for i, e in enumerate(events)  # noqa: E731
                                    if e["event"] == kind and e.get("change", e.get("action")) == change]
        # add_memory_resource(): resource, blocks, firmware map; try_remove_memory(): the reverse
        for before, after in ((pos("iomem", "add"), pos("uevent", "add")),
                              (pos("uevent", "add"), pos("memmap", "add")),
                              (pos("memmap", "remove"), pos("uevent", "remove")),
                              (pos("uevent", "remove"), pos("iomem", "remove"))):
            if before and after and max(before) > min(after):
                print("# order: %s: %s: %r came after %r" % (self.series, self.step_name, events[max(before)]["line"],
                                                           events[min(after)]["line"]), flush=True)

    def step(self, label):
        """After a step: the mounts against the kernel and the order of the
        step's watch events, then a capture of this moment served by the
        simulator against the live mount."""
        self.step_no += 1
        self.step_name = "%02d-%s" % (self.step_no, label)
        self.compare([("kernel", "ro"), ("kernel", "rw")], {"kernel": "", "ro": RO, "rw": RW})
        self.watch_events(0, 0)   # what the rebuilds behind the views logged
        self.check_order(self.step_events)
        self.step_events = []
        g = self.g
        t = time.monotonic()
        rc, out = g.run("%s capture --live -o /tmp/capture.json" % HOTPLUGFS, 120)
        if not self.check("capture --live", rc == 0, out):
            if "memory_groups: unknown key" in out:
                # the live mounts rebuild their model the same way: they stay behind
                raise StopScenario("the fixture loader cannot load memory_groups yet")
            return
        blocks = self.module_blocks()  # the predictions of (about) that moment
        rc, out = g.run("%s mount /tmp/capture.json %s" % (HOTPLUGFS, SIM), 60)
        if not self.check("the simulator mounts the capture", rc == 0, out):
            g.run("cp /tmp/capture.json /tmp/capture-%s.json" % self.step_name)
            return
        try:
            self.compare([("rw", "sim")], {"rw": RW, "sim": SIM}, tries=1)
            for bid, b in sorted(blocks.items()):
                if b["state"] != "online" or b["offline"] not in ("EBUSY", "EINVAL"):
                    continue
                err = self.store("%s%s/memory%d/state" % (SIM, MEMORY, bid), "offline")
                want = os.strerror(16 if b["offline"] == "EBUSY" else 22)
                self.same("simulator: offlining memory%d fails as the module predicted (%s, %s)"
                          % (bid, b["offline"], b["reason"]), err, want)
        finally:
            g.run("umount %s" % SIM)
        print("# %s: %s: capture + simulator %.1f s" % (self.series, self.step_name,
                                                        time.monotonic() - t), flush=True)

    # ---- the scenario ----

    def run(self):
        g, s = self.g, self.series
        t0 = time.monotonic()
        g.check("mkdir -p %s %s %s" % (RO, RW, SIM))

        # without the module: exit 2, naming it and how to load it
        rc, out = g.run("%s mount --live %s" % (HOTPLUGFS, RO))
        self.same("mount --live without the module: exit status", rc, 2)
        self.check("mount --live without the module: the message names hotplugfs_kmod and insmod",
                   "hotplugfs_kmod" in out and "insmod" in out, out)
        rc, out = g.run("grep -c ' %s ' /proc/mounts" % RO)
        self.same("mount --live without the module: nothing mounted", out.strip(), "0")

        out = g.check("insmod /lib/modules/hotplugfs_kmod.ko && cat %s/info" % DEBUGFS)
        info = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        self.pages_per_block = int(info.get("pages_per_block", "0x8000"), 16)
        rc, out = g.run("%s mount --live %s && %s mount --live --live-stores --control %s %s"
                        % (HOTPLUGFS, RO, HOTPLUGFS, SOCK, RW), 60)
        if not self.check("mount --live (read-only) and mount --live --live-stores --control",
                          rc == 0, out):
            return time.monotonic() - t0
        g.check("( %s ctl %s watch > /tmp/watch.log 2> /tmp/watch.err ) > /dev/null 2>&1 &"
                % (HOTPLUGFS, SOCK))
        self.wait_for("watch: the watcher connected",
                      "%s ctl %s stats | grep -q '\"clients\": 2'" % (HOTPLUGFS, SOCK), 20)
        self.records()
        real = g.check("cat /proc/iomem")
        for root in (RO, RW):
            # busybox cat copies with sendfile(2), as real tools may
            self.same("busybox cat (sendfile) of %s/proc/iomem equals /proc/iomem" % root,
                      g.check("cat %s/proc/iomem" % root), real)
        self.step("boot")

        try:
            self.hotplug()
        except StopScenario as e:
            self.check("the hotplug steps ran", False, "stopped at %s: %s" % (self.step_name, e))
        self.end()
        return time.monotonic() - t0

    def hotplug(self):
        g, s = self.g, self.series

        # ---- stores the kernel refuses, and the read-only mount ----
        self.step_name = "boot-refused"
        boot = self.module_blocks()
        predicted = {b: v for b, v in boot.items() if v["state"] == "online" and v["offline"] != "ok"}
        self.check("some boot block predicted to refuse offlining", bool(predicted), boot)
        for bid, b in sorted(predicted.items()):
            if b["reason"] == "unmovable":
                # an in-use kernel page can be freed before the kernel looks
                print("# %s: memory%d predicted EBUSY (unmovable page %s): not tried" % (s, bid, b["pfn"]))
                continue
            err = self.store("%s%s/memory%d/state" % (RW, MEMORY, bid), "offline")
            want = os.strerror(16 if b["offline"] == "EBUSY" else 22)
            self.same("rw: offlining memory%d gives the kernel's %s (%s)" % (bid, b["offline"], b["reason"]),
                      err, want)
            self.same("memory%d still online" % bid, self.kernel_state(bid), "online")
        self.same("refused offlines made no notifier call", self.records(), [])
        self.same("refused offlines: no notify on the watch", [e for e in self.watch_events(0, 1)
                                                                 if e["event"] == "notify"], [])
        self.step("boot-refused")

        # ---- a 512 MiB ACPI DIMM ----
        self.step_name = "dimm"
        g.qmp("object-add", **{"qom-type": "memory-backend-ram", "id": "m1", "size": 512 * MIB})
        g.qmp("device_add", driver="pc-dimm", id="d1", memdev="m1")
        self.wait_for("4 new memory blocks in sysfs",
                      "[ $(ls -d %s/memory* | wc -l) -eq %d ]" % (MEMORY, len(boot) + 4))
        rc, out = g.run("%s capture --live -o /tmp/capture.json" % HOTPLUGFS, 120)
        if "memory_groups: unknown key" in out:
            # the live mounts rebuild their model from such a capture: they stay behind
            self.check("capture --live of a machine with a DIMM", False, out)
            raise StopScenario("the fixture loader cannot load memory_groups yet")
        for root in (RO, RW):
            self.wait_for("4 new memory blocks in %s" % root,
                          "[ $(ls -d %s%s/memory* | wc -l) -eq %d ]" % (root, MEMORY, len(boot) + 4), 30)
        blocks = self.module_blocks()
        new = sorted(set(blocks) - set(boot))
        if not self.same("4 new blocks", len(new), 4):
            raise StopScenario("the DIMM did not come as 4 blocks")
        err = self.store("%s%s/memory%d/state" % (RO, MEMORY, new[0]), "online_movable")
        self.same("ro: a store gets EROFS", err, os.strerror(30))
        self.same("ro: the kernel's block stays offline", self.kernel_state(new[0]), "offline")
        self.same("plugging made no notifier call", self.records(), [])
        self.step("dimm-plugged")

        self.step_name = "dimm-online"
        for bid in new:
            err = self.store("%s%s/memory%d/state" % (RW, MEMORY, bid), "online_movable")
            self.same("rw: memory%d online_movable answers the kernel's success" % bid, err, "")
            self.same("memory%d online in Movable in sysfs" % bid,
                      self.g.check("cat %s/memory%d/state %s/memory%d/valid_zones"
                                   % (MEMORY, bid, MEMORY, bid)).split(), ["online", "Movable"])
            events = self.check_notify("memory%d online" % bid, self.records(), ONLINE[s])
            self.check_uevent_order("memory%d online" % bid, events, bid, "online")
        self.step("dimm-online")

        last = new[3]
        self.step_name = "dimm-offline"
        err = self.store("%s%s/memory%d/state" % (RW, MEMORY, last), "offline")
        self.same("rw: memory%d offline answers the kernel's success" % last, err, "")
        self.same("memory%d offline in sysfs" % last, self.kernel_state(last), "offline")
        events = self.check_notify("memory%d offline" % last, self.records(), OFFLINE[s])
        self.check_uevent_order("memory%d offline" % last, events, last, "offline")
        self.step("dimm-offline-%d" % last)

        # ---- a veto injected through the module ----
        self.step_name = "veto"
        start, nr = self.block_range(blocks, last)
        g.check("echo 'MEM_GOING_ONLINE 0x%x 0x%x -16' > %s/inject" % (start, nr, DEBUGFS))
        err = self.store("%s%s/memory%d/state" % (RW, MEMORY, last), "online_movable")
        self.same("rw: online_movable vetoed in GOING_ONLINE with -16 gives EBUSY", err, os.strerror(16))
        self.same("memory%d still offline in sysfs" % last, self.kernel_state(last), "offline")
        events = self.check_notify("vetoed online of memory%d" % last, self.records(),
                                   VETO_ONLINE_FIRST[s])
        self.same("no uevent for the vetoed block",
                  [e["line"] for e in events if e["event"] == "uevent"], [])
        self.step("veto")

        # ---- unplug: the kernel offlines the online blocks itself ----
        self.step_name = "dimm-unplug"
        g.qmp("device_del", id="d1")
        try:
            g.wait_qmp_event("DEVICE_DELETED", timeout=120)
            self.check("DEVICE_DELETED", True)
        except (guest.GuestError, TimeoutError) as e:
            self.check("DEVICE_DELETED", False, e)
        self.wait_for("its blocks removed from sysfs", "! ls -d %s/memory%d" % (MEMORY, new[0]))
        for root in (RO, RW):
            self.wait_for("its blocks removed from %s" % root,
                          "! ls -d %s%s/memory%d" % (root, MEMORY, new[0]), 30)
        recs = self.records()
        self.check_notify("the kernel offlines memory%d-%d" % (new[0], new[2]), recs,
                          OFFLINE[s] * 3)
        self.step("dimm-unplugged")

        # ---- virtio-mem, onlined by the kernel: auto_online_blocks set through rw ----
        self.step_name = "virtio-mem"
        err = self.store("%s%s/auto_online_blocks" % (RW, MEMORY), "online_movable")
        self.same("rw: auto_online_blocks online_movable", err, "")
        self.same("auto_online_blocks in sysfs", g.check("cat %s/auto_online_blocks" % MEMORY).strip(),
                  "online_movable")
        before = self.module_blocks()
        g.qmp("qom-set", path="vm0", property="requested-size", value=256 * MIB)
        online = sum(1 for b in before.values() if b["state"] == "online")
        for root in ("", RO, RW):
            self.wait_for("grown by 2 online blocks in %s" % (root or "sysfs"),
                          "[ $(cat %s%s/memory*/state | grep -c online) -eq %d ]"
                          % (root, MEMORY, online + 2))
        blocks = self.module_blocks()
        grown = sorted(set(blocks) - set(before))
        self.same("2 new blocks", len(grown), 2)
        self.check_notify("virtio-mem onlines memory%s" % ",".join(map(str, grown)), self.records(),
                          ONLINE[s] * len(grown))
        self.step("virtio-mem-grown")

        self.step_name = "virtio-mem-shrink"
        g.qmp("qom-set", path="vm0", property="requested-size", value=0)
        for root in ("", RO, RW):
            for bid in grown:
                self.wait_for("memory%d removed from %s" % (bid, root or "sysfs"),
                              "! ls -d %s%s/memory%d" % (root, MEMORY, bid))
        self.check_notify("virtio-mem offlines memory%s" % ",".join(map(str, grown)), self.records(),
                          OFFLINE[s] * len(grown))
        self.step("virtio-mem-shrunk")

    def end(self):
        g = self.g
        self.step_name = "end"
        rc, out = g.run("cat /tmp/watch.err; umount %s && umount %s" % (RO, RW), 60)
        self.check("both live mounts unmount (watch: %s)" % out.strip().replace("\n", " "), rc == 0, out)
        rc, out = g.run("i=0; while ! rmmod hotplugfs_kmod; do i=$((i+1)); [ $i -lt 20 ] || exit 1; "
                        "sleep 0.5; done")
        self.check("the module unloads once the mounts are gone", rc == 0, out)
        rc, out = g.run("%s capture --live -o /tmp/none.json" % HOTPLUGFS)
        self.same("capture --live without the module: exit status", rc, 2)
        self.check("capture --live without the module: the message names hotplugfs_kmod",
                   "hotplugfs_kmod" in out, out)
        rc, out = g.run("dmesg | grep -E 'BUG|WARNING|Oops|general protection|Call Trace' ; true")
        self.same("no kernel BUG, WARNING or Oops in dmesg", out, "")


def run_series(series, workdir, checks):
    log = lambda m: print(m, flush=True)  # noqa: E731
    got = kernel_and_module(series, workdir, checks)
    if got is None:
        return None
    abi, root, wd, ko = got
    if not ko:
        return 0
    views = os.path.join(wd, "views_dump")
    ok, err = build_static(os.path.join(HERE, "views_dump.c"), views)
    if not checks.check("%s: views_dump builds (static)" % series, ok, err):
        return 0
    g = guest.Guest((abi, root), os.path.join(wd, "live"), kmod=ko, modules=["virtio_mem", "fuse"],
                    append="memhp_default_state=offline",
                    qemu_args=["-object", "memory-backend-ram,id=vmem0,size=2G",
                               "-device", "virtio-mem-pci,id=vm0,memdev=vmem0,requested-size=0"],
                    log=log)
    g.add_file(views, "/bin/views_dump")
    g.add_executable(HOST_HOTPLUGFS, HOTPLUGFS)  # its libraries at the host's paths
    sc = None
    try:
        try:
            secs = g.boot()
            checks.check("%s: boots to /init (%.1f s)" % (series, secs), True)
        except guest.BootFailed as e:
            checks.check("%s: boots to /init" % series, False, e)
            return 1
        sc = LiveScenario(series, g, checks)
        try:
            secs = sc.run()
            print("# %s: boot %.1f s, live scenario %.0f s" % (series, g.boot_seconds, secs), flush=True)
        except (guest.GuestError, TimeoutError, OSError, KeyError, ValueError) as e:
            checks.check("%s: live scenario ran to its end" % series, False,
                         "%s: %s\n--- console ---\n%s" % (type(e).__name__, e, g.console_tail()))
    finally:
        g.shutdown()
        for line in (sc.settled if sc else []):
            print("# settled only on a later read: %s" % line, flush=True)
    return 1


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    series = sys.argv[1:] or ["6.1", "6.12"]
    if not os.access(HOST_HOTPLUGFS, os.X_OK):
        print("SKIP: no hotplugfs binary at %s (build first, or set HOTPLUGFS)" % HOST_HOTPLUGFS)
        sys.exit(77)
    keep = os.environ.get("HOTPLUGFS_KERNEL_WORK")
    workdir = keep or tempfile.mkdtemp(prefix="hotplugfs-live.")
    checks = LiveChecks()
    ran = 0
    t = time.monotonic()
    try:
        for s in series:
            if run_series(s, workdir, checks) is not None:
                ran += 1
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("# total %.0f s" % (time.monotonic() - t), flush=True)
    if ran == 0:
        print("SKIP: no guest kernel could be fetched (package registry unreachable?)")
        sys.exit(77)
    print("# %d known differences (causes above, outside the live backend)" % len(checks.known))
    print("%d passed, %d failed" % (checks.passed, checks.failed))
    sys.exit(1 if checks.failed else 0)


if __name__ == "__main__":
    main()

# SPDX-License-Identifier: GPL-2.0-or-later
"""The simulation predicts the real kernel: for every scenario QEMU can run
on Debian 6.1 and 6.12, hotplugfs starts from the booted guest's state alone
(`hotplugfs capture --live`, plus the QEMU devices as QEMU describes them),
applies the same operations through its control socket and its own files,
and must produce, at every step, what the kernel did.

Per boot: the guest boots with the scenario's QEMU devices and kernel
command line, loads hotplugfs_kmod, captures itself, and serves that capture
with hotplugfs inside the guest (/tmp/sim, control socket /tmp/sim.sock).
Then every step does the real operation (QMP, or a store to the kernel's
file) and the simulated one (a control verb, or the same store on the
simulator's file), waits for the kernel to finish, and compares five views:

  iomem     /proc/iomem, line by line
  memmap    every file of /sys/firmware/memmap
  memory    every file, directory and symlink under /sys/devices/system/memory:
            names, modes, sizes, contents or the errno of reading them, link targets
  store     the outcome (errno) of the step's store or operation
  notifier  the memory notifier calls the step made: the module's `first`
            callback records against the simulator's `notify` events
            (names, raw action numbers, pfn ranges, altmap on 6.12)

The simulator is parametrized only by what the real kernel showed before the
step and by QEMU's own description of its devices (QMP query-memory-devices,
and for a device present at boot, the binding of the capture's resource
to it: the literal form's `devices`, which the capture writes itself for the
pmem regions), never by the kernel's state after the step.  The one kernel fact
it is told during a run is movability: which online blocks the module
predicts cannot go offline (EBUSY) is synced into the simulator's faults
before every step, since page allocation is not modelled.

Usage: differential.py [SERIES...] [--only BOOT,...]   (default: 6.1 6.12, every boot)
       BOOT: plain, memmap, auto-movable, virtio-mem-boot, legacy-pmem, nvdimm-hotplug,
             nvdimm-boot-hotplug (BOOTS below)
Env:   HOTPLUGFS          the hotplugfs binary (default: build/fs/hotplugfs)
       HOTPLUGFS_KERNEL_CACHE, HOTPLUGFS_KERNEL_WORK: see kmod_test.py
Prints one line per step and view, a table per scenario, kernel and view,
and ends with "N passed, N failed" (a step and view is one check; a
mismatch that docs/fidelity.md records as a limit is reported as such and
passes); exits 77 when no kernel can be had.
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
import kernels  # noqa: E402
import kmod_test  # noqa: E402

SRCDIR = os.environ.get("SRCDIR", os.path.dirname(os.path.dirname(HERE)))
MIB = 1 << 20
DEBUGFS = "/sys/kernel/debug/hotplugfs"
MEMORY = "/sys/devices/system/memory"
SIM = "/tmp/sim"
SOCK = "/tmp/sim.sock"
VIEWS = ("iomem", "memmap", "memory", "store", "notifier")
ERRNO_NAMES = {0: "ok", 1: "EPERM", 4: "EINTR", 5: "EIO", 12: "ENOMEM", 13: "EACCES",
               16: "EBUSY", 17: "EEXIST", 19: "ENODEV", 22: "EINVAL", 28: "ENOSPC",
               30: "EROFS", 95: "EOPNOTSUPP", 133: "EHWPOISON"}
ERRNO_NUMBERS = {v: k for k, v in ERRNO_NAMES.items()}


def errno_name(e):
    return ERRNO_NAMES.get(e, "errno %d" % e)


class StepFailed(Exception):
    """The real kernel did not get where a step needs it (a setup failure, not a mismatch)."""


# ---------------------------------------------------------------- the tally

class Tally:
    """Matches out of checks per (scenario, kernel, view), and every mismatch."""

    def __init__(self):
        self.cells = {}
        self.mismatches = []     # (series, scenario, step, view, text, limit or None)
        self.errors = []         # (series, scenario, text): a scenario that could not run
        self.failed = 0
        self.passed = 0

    def record(self, series, scenario, step, view, match, text, limit=None):
        cell = self.cells.setdefault((scenario, series, view), [0, 0])
        cell[1] += 1
        if match:
            cell[0] += 1
            self.passed += 1
        else:
            self.mismatches.append((series, scenario, step, view, text, limit))
            if limit:
                self.passed += 1
            else:
                self.failed += 1

    def error(self, series, scenario, text):
        self.errors.append((series, scenario, text))
        self.failed += 1
        print("ERROR %s %s: %s" % (series, scenario, text.replace("\n", "\n    ")), flush=True)

    def table(self):
        lines = ["| scenario | kernel | " + " | ".join(VIEWS) + " |",
                 "| --- | --- |" + " --- |" * len(VIEWS)]
        # scenarios in the order they ran, each kernel's row after the other
        first = {}
        for sc, s, _ in self.cells:
            first.setdefault(sc, len(first))
        keys = sorted({(sc, s) for sc, s, _ in self.cells}, key=lambda k: (first[k[0]], k[1]))
        for sc, s in keys:
            cols = []
            for v in VIEWS:
                c = self.cells.get((sc, s, v))
                cols.append("%d/%d" % tuple(c) if c else "-")
            lines.append("| %s | %s | %s |" % (sc, s, " | ".join(cols)))
        return "\n".join(lines)


# ------------------------------------------------------- known limits

# Mismatches docs/fidelity.md explains and leaves: (view, regex on the
# mismatch text) -> the reason.  Anything else is a failure.
LIMITS = [
    ("iomem", r"^only the BARs of the hot-added PCI function",
     "PCI hotplug is not simulated: the BAR resources the kernel assigns to a hot-added "
     "virtio-mem-pci function (pci_assign_unassigned_bridge_resources()) are not in the simulation"),
]


def known_limit(view, text):
    for v, rx, why in LIMITS:
        if v == view and re.search(rx, text):
            return why
    return None


# ------------------------------------------------------- views

def parse_dump(text):
    """hp_probe dump lines -> {path: record}."""
    out = {}
    for line in text.splitlines():
        if line.startswith("{"):
            r = json.loads(line)
            out[r["p"]] = r
    return out


def describe(r, real=None):
    """An entry as text.  REAL (the kernel's entry for the same path) lets
    st_size follow hotplugfs's documented rule: a file served through the
    page cache reports the length of its contents where kernfs says 4096
    (docs/design.md, docs/fidelity.md), which is not counted as a mismatch."""
    if r is None:
        return "(absent)"
    if r["t"] == "l":
        return "-> %s" % r["c"]
    if r["t"] == "d":
        return "dir %s" % r.get("m", "?") if "e" not in r else "dir, errno %s" % errno_name(r["e"])
    size = r.get("s", "?")
    if (real is not None and real is not r and real.get("s") == 4096 and "c" in r
            and size == len(r["c"].encode())):
        size = 4096
    head = "%s %s" % (r.get("m", "?"), size)
    if "e" in r:
        return "%s: read fails with %s" % (head, errno_name(r["e"]))
    return "%s: %r" % (head, r["c"])


def view_of(path):
    if path == "proc/iomem":
        return "iomem"
    if path.startswith("sys/firmware/memmap"):
        return "memmap"
    return "memory"


def without_resources(text, names):
    """TEXT (/proc/iomem) without the resources called one of NAMES and
    everything nested in them."""
    out, skip_depth = [], None
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip(" "))
        if skip_depth is not None and depth > skip_depth:
            continue
        skip_depth = None
        if line.split(" : ", 1)[-1] in names:
            skip_depth = depth
            continue
        out.append(line)
    return out


def first_line_diff(ra, rb):
    for i in range(max(len(ra), len(rb))):
        x = ra[i] if i < len(ra) else "(end)"
        y = rb[i] if i < len(rb) else "(end)"
        if x != y:
            return "line %d: expected %r, got %r" % (i + 1, x, y)
    return None


def compare_iomem(real, sim, pci_functions=()):
    """None when equal, else the first differing line.  The resources of
    PCI_FUNCTIONS (hot-added PCI functions: their BARs, which PCI hotplug
    assigns and the simulator does not model) are left out of the
    comparison; when they are the only difference, the text says so."""
    a, b = real.get("proc/iomem"), sim.get("proc/iomem")
    if a is None or b is None or "c" not in a or "c" not in b:
        return None if describe(a) == describe(b) else "expected %s, got %s" % (describe(a), describe(b))
    if a["c"] == b["c"]:
        return None
    diff = first_line_diff(without_resources(a["c"], pci_functions), without_resources(b["c"], pci_functions))
    if diff is None and pci_functions:
        left = [x for x in a["c"].splitlines() if x not in without_resources(a["c"], pci_functions)]
        return "only the BARs of the hot-added PCI function(s) %s differ: %s" % (
            ", ".join(sorted(pci_functions)), "; ".join(x.strip() for x in left))
    return diff or "expected %s, got %s" % (describe(a), describe(b))


def compare_tree(real, sim, view):
    """None when every entry of VIEW is equal, else the first difference and a count."""
    paths = sorted({p for p in real if view_of(p) == view} | {p for p in sim if view_of(p) == view},
                   key=lambda p: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p)])
    diffs = []
    for p in paths:
        a, b = real.get(p), sim.get(p)
        if describe(a) != describe(b, a):
            diffs.append("%s: expected %s, got %s" % (p, describe(a), describe(b, a)))
    if not diffs:
        return None
    more = " (and %d more)" % (len(diffs) - 1) if len(diffs) > 1 else ""
    return diffs[0] + more


def all_diffs(real, sim, view):
    paths = sorted({p for p in real if view_of(p) == view} | {p for p in sim if view_of(p) == view})
    return ["%s: expected %s, got %s" % (p, describe(real.get(p)), describe(sim.get(p), real.get(p)))
            for p in paths if describe(real.get(p)) != describe(sim.get(p), real.get(p))]


# ------------------------------------------------------- one booted guest

class Machine:
    """A booted guest with the module loaded and the simulator serving its
    boot capture, and the steps that drive both."""

    def __init__(self, series, boot, g, tally):
        self.series = series
        self.boot = boot
        self.g = g
        self.tally = tally
        self.scenario = None
        self.step_no = 0
        self.mod_seq = -1        # the last module record looked at
        self.sim_seq = 0         # the last simulator event looked at
        self.pages_per_block = 0x8000
        self.block_size = 128 * MIB
        self.sim_unmovable = {}  # block -> what the simulator was last told
        self.dimms = {}          # QEMU id -> simulator device name
        self.virtio_devices = {}    # QEMU id -> the simulator's virtioN
        self.pci_functions = set()  # hot-added PCI functions ("0000:00:03.0"), from QMP query-pci
        self.nd_regions = {}     # "e820"/"nfit" -> (its boot namespace, the dax device it would get)
        self.keep_dumps = os.environ.get("HOTPLUGFS_DIFF_DUMPS")

    # ---- the guest ----

    def sh(self, script, timeout=120):
        return self.g.check(script, timeout)

    def ctl(self, verb, **args):
        """A control verb; returns (errno or 0, result dict or error text)."""
        words = " ".join("%s=%s" % (k, v) for k, v in args.items())
        rc, out = self.g.run("hotplugfs ctl %s %s %s 2>/tmp/.ctl.err; echo \"@rc=$?\"; cat /tmp/.ctl.err"
                             % (SOCK, verb, words), 120)
        body, _, err = out.partition("@rc=")
        code, _, err = err.partition("\n")
        if code.strip() == "0":
            return 0, json.loads(body) if body.strip() else {}
        m = re.findall(r"\((E[A-Z0-9]+)\)", err)
        if code.strip() == "1" and m and m[-1] in ERRNO_NUMBERS:
            return ERRNO_NUMBERS[m[-1]], err.strip()
        raise StepFailed("hotplugfs ctl %s %s: exit %s: %s" % (verb, words, code.strip(), err.strip()))

    def store(self, path, value):
        """(real errno, simulated errno) of `echo VALUE > PATH` on both."""
        out = self.sh("hp_probe store %s %s; hp_probe store %s%s %s" % (path, value, SIM, path, value))
        real, sim = (int(x) for x in out.split())
        return real, sim

    def module_blocks(self):
        return {int(b["id"]): b for b in map(kmod_test.parse_kv, self.sh("cat %s/blocks" % DEBUGFS).splitlines())}

    def module_events(self):
        out = self.sh("cat %s/events_log" % DEBUGFS)
        recs = [kmod_test.parse_kv(line) for line in out.splitlines()]
        new = [r for r in recs if int(r["seq"]) > self.mod_seq]
        if recs:
            self.mod_seq = max(self.mod_seq, int(recs[-1]["seq"]))
        return new

    def sim_events(self):
        err, res = self.ctl("events", since=self.sim_seq, limit=65536)
        if err:
            raise StepFailed("events: %s" % res)
        self.sim_seq = res["last"]
        return res["events"]

    def sync_movability(self):
        """The module's prediction of which online blocks cannot go offline
        now (EBUSY) becomes the simulator's unmovable faults."""
        for bid, b in sorted(self.module_blocks().items()):
            want = b["state"] == "online" and b["offline"] == "EBUSY"
            if self.sim_unmovable.get(bid, False) != want:
                err, res = self.ctl("fault", block=bid, unmovable="true" if want else "false")
                if err:
                    raise StepFailed("fault memory%d: %s" % (bid, res))
                self.sim_unmovable[bid] = want

    def wait(self, what, script, timeout=120):
        rc, out = self.g.run("i=0; while [ $i -lt %d ]; do (%s) >/dev/null 2>&1 && exit 0; "
                             "i=$((i+1)); sleep 0.2; done; exit 1" % (timeout * 5, script), timeout + 30)
        if rc != 0:
            raise StepFailed("%s: not within %d s" % (what, timeout))

    def settle(self, quiet=1.0, timeout=120):
        """Until the memory blocks' states and the module's notifier log stop changing."""
        script = ("a=''; n=0; while [ $n -lt %d ]; do b=\"$(cat %s/memory*/state 2>/dev/null | tr -d '\\n')"
                  "$(wc -l < %s/events_log)\"; [ \"$a\" = \"$b\" ] && exit 0; a=$b; n=$((n+1)); sleep %s; done; exit 1"
                  % (int(timeout / quiet), MEMORY, DEBUGFS, quiet))
        rc, out = self.g.run(script, timeout + 30)
        if rc != 0:
            raise StepFailed("the kernel did not settle within %d s" % timeout)

    # ---- set up ----

    def start(self, devices):
        """insmod, capture the boot state, bind its resources to the QEMU
        devices that made them (DEVICES(machine, capture): the literal
        form's `devices`), serve it."""
        self.sh("insmod /lib/modules/hotplugfs_kmod.ko")
        info = dict(line.split("=", 1) for line in self.sh("cat %s/info" % DEBUGFS).splitlines() if "=" in line)
        self.pages_per_block = int(info["pages_per_block"], 16)
        self.block_size = int(info["block_size"], 16)
        self.sh("hotplugfs capture --live -o /tmp/boot.json", 180)
        capture = json.loads(self.sh("cat /tmp/boot.json"))
        for bid, b in self.module_blocks().items():
            self.sim_unmovable[bid] = b["state"] == "online" and b["offline"] == "EBUSY"
        if devices:
            capture["devices"] = devices(self, capture)
        data = json.dumps(capture, indent=1)
        self.fixture = capture
        import base64
        b64 = base64.b64encode(data.encode()).decode()
        self.sh("printf '%%s' '%s' | base64 -d > /tmp/sim.json && mkdir -p %s && "
                "hotplugfs mount --control %s /tmp/sim.json %s" % (b64, SIM, SOCK, SIM), 180)
        self.module_events()
        self.sim_events()

    # ---- the steps ----

    def begin(self, scenario):
        self.scenario = scenario + self.boot.get("label", "")
        self.step_no = 0

    def compare(self, label, outcome=None):
        """Compares every view after a step; OUTCOME is (real errno, simulated errno) or None."""
        self.step_no += 1
        tag = "%s %s #%d %s" % (self.series, self.scenario, self.step_no, label)
        out = self.sh("hp_probe dump / > /tmp/real.dump; hp_probe dump %s > /tmp/simd.dump; "
                      "echo '@@@'; cat /tmp/real.dump; echo '@@@'; cat /tmp/simd.dump" % SIM, 300)
        _, real_text, sim_text = out.split("@@@\n")
        real, sim = parse_dump(real_text), parse_dump(sim_text)
        if self.keep_dumps:
            d = os.path.join(self.keep_dumps, self.series, self.scenario)
            os.makedirs(d, exist_ok=True)
            for name, text in (("real", real_text), ("sim", sim_text)):
                with open(os.path.join(d, "%02d-%s.%s" % (self.step_no, re.sub(r"\W+", "-", label), name)), "w") as f:
                    f.write(text)
        results = [("iomem", compare_iomem(real, sim, self.pci_functions)),
                   ("memmap", compare_tree(real, sim, "memmap")),
                   ("memory", compare_tree(real, sim, "memory"))]
        if outcome is not None:
            r, s = outcome
            results.append(("store", None if r == s else "expected %s, got %s" % (errno_name(r), errno_name(s))))
        results.append(("notifier", self.compare_calls()))
        for view, diff in results:
            if diff is None:
                print("%s: %s match" % (tag, view), flush=True)
                self.tally.record(self.series, self.scenario, tag, view, True, "")
                continue
            limit = known_limit(view, diff)
            print("%s: %s %s %s" % (tag, view, "LIMIT" if limit else "MISMATCH", diff), flush=True)
            if view == "memory" and not limit:
                for d in all_diffs(real, sim, view)[1:8]:
                    print("    " + d, flush=True)
            self.tally.record(self.series, self.scenario, tag, view, False, diff, limit)

    def compare_calls(self):
        mod = [r for r in self.module_events() if r["cb"] == "first"]
        sim = [e for e in self.sim_events() if e["event"] == "notify"]
        want = [self.call_text(r["name"], int(r["action"]), int(r["start_pfn"], 16), int(r["nr_pages"], 16),
                               r.get("altmap_start_pfn"), r.get("altmap_nr_pages")) for r in mod]
        got = [self.call_text(e["action"], e["raw"], int(e["start_pfn"], 16), int(e["nr_pages"], 16),
                              e.get("altmap_start_pfn"), e.get("altmap_nr_pages")) for e in sim]
        if want == got:
            return None
        for i in range(max(len(want), len(got))):
            x = want[i] if i < len(want) else "(none)"
            y = got[i] if i < len(got) else "(none)"
            if x != y:
                return "call %d: expected %s, got %s (%d calls, %d simulated)" % (i + 1, x, y, len(want), len(got))

    def call_text(self, name, raw, start, nr, alt_start, alt_nr):
        s = "%s(%d) 0x%x+0x%x" % (name, raw, start, nr)
        if self.series != "6.1":    # struct memory_notify has the altmap from 6.8
            s += " altmap 0x%x+0x%x" % (int(alt_start or "0", 16), int(alt_nr or "0", 16))
        return s

    # ---- operations on both ----

    def set_auto_online(self, value):
        self.compare("auto_online_blocks=%s" % value, self.store(MEMORY + "/auto_online_blocks", value))

    def state(self, bid, value):
        self.sync_movability()
        outcome = self.store("%s/memory%d/state" % (MEMORY, bid), value)
        self.settle(0.5)
        self.compare("%s memory%d" % (value, bid), outcome)

    def plug_memory_device(self, driver, qid, size, verb):
        """QEMU's DRIVER (pc-dimm, nvdimm) QID with a SIZE RAM backend; the
        simulator's VERB told where QEMU put it (query-memory-devices:
        address, size, node, slot).  QEMU's device and the verb's result."""
        self.g.qmp("object-add", **{"qom-type": "memory-backend-ram", "id": "mem-" + qid, "size": size})
        self.g.qmp("device_add", driver=driver, id=qid, memdev="mem-" + qid)
        dev = self.memory_device(qid)
        err, res = self.ctl(verb, start="0x%x" % dev["addr"], size="0x%x" % dev["size"],
                            node=dev["node"], slot=dev["slot"])
        if err:
            raise StepFailed("%s: %s" % (verb, res))
        return dev, res

    def dimm_plug(self, qid, size):
        """pc-dimm QID of SIZE: QEMU picks the address and the slot (its ACPI
        device); the simulator is told them."""
        before = self.block_ids()
        dev, res = self.plug_memory_device("pc-dimm", qid, size, "dimm-add")
        self.dimms[qid] = (res["device"], str(dev["slot"]))
        n = size // self.block_size
        self.wait("%s: %d new memory blocks" % (qid, n),
                  "[ $(ls -d %s/memory* | wc -l) -eq %d ]" % (MEMORY, len(before) + n))
        self.settle()
        self.compare("plug %s %dM at 0x%x" % (qid, size // MIB, dev["addr"]))
        return [b for b in range(dev["addr"] // self.block_size, (dev["addr"] + size) // self.block_size)]

    def dimm_unplug(self, qid):
        """device_del: the kernel offlines and removes, or refuses (ACPI _OST)."""
        self.sync_movability()
        self.g.qmp_events = [e for e in self.g.qmp_events if e["event"] not in ("ACPI_DEVICE_OST", "DEVICE_DELETED")]
        self.g.qmp("device_del", id=qid)
        device, slot = self.dimms[qid]
        err, res = self.ctl("dimm-eject", device=device)
        ost = self.wait_ost(slot)
        real = 0 if ost == 0 else 16
        if real == 0:
            self.g.wait_qmp_event("DEVICE_DELETED", timeout=120)
            self.g.qmp("object-del", id="mem-" + qid)
        self.settle()
        self.compare("unplug %s (_OST status 0x%x)" % (qid, ost), (real, err))
        return real

    def wait_ost(self, slot, timeout=180):
        """The guest's final _OST status for the eject request (source 3,
        ACPI_NOTIFY_EJECT_REQUEST) of the DIMM in SLOT (by slot: once the
        device is gone, QEMU's event names no device).  acpi_device_hotplug(), 6.1 and 6.12, reports
        ACPI_OST_SC_EJECT_IN_PROGRESS (0x84) first, then the outcome: 0, or
        0x82 (ACPI_OST_SC_DEVICE_BUSY) when acpi_scan_hot_remove() failed."""
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.g.qmp_events):
                info = e.get("data", {}).get("info", {})
                if e["event"] == "ACPI_DEVICE_OST" and info.get("slot") == slot and info.get("source") == 3 \
                        and info.get("status") != 0x84:
                    self.g.qmp_events.pop(i)
                    return info["status"]
            left = deadline - time.monotonic()
            if left <= 0:
                raise StepFailed("no _OST for the eject of slot %s" % slot)
            self.g.qmp_events.append(self.g._qmp_read_message(time.monotonic() + left))

    def virtio_mem_add(self, qid, size):
        """virtio-mem-pci QID with a SIZE backend, nothing requested: QEMU
        places the region; the simulator gets QEMU's address, block size and
        node, and the virtio index the kernel will hand out (the lowest free
        one among the devices it has before the step)."""
        have = set(int(x[6:]) for x in self.sh("ls /sys/bus/virtio/devices").split()
                   if x.startswith("virtio"))
        index = min(i for i in range(len(have) + 1) if i not in have)
        self.g.qmp("object-add", **{"qom-type": "memory-backend-ram", "id": "mem-" + qid, "size": size})
        self.g.qmp("device_add", driver="virtio-mem-pci", id=qid, memdev="mem-" + qid)
        dev = self.memory_device(qid)
        self.pci_functions.add(self.pci_function(qid))
        err, res = self.ctl("virtio-mem-add", start="0x%x" % dev["memaddr"], region_size="0x%x" % dev["max-size"],
                            block_size="0x%x" % dev["block-size"], node=dev["node"], index=index)
        if err:
            raise StepFailed("virtio-mem-add: %s" % res)
        self.wait("virtio%d in /proc/iomem" % index, "grep -q ' : virtio%d$' /proc/iomem" % index)
        self.settle()
        self.compare("add %s (%dM at 0x%x, blocks of %dK)" % (qid, dev["max-size"] // MIB, dev["memaddr"],
                                                             dev["block-size"] // 1024))
        return res["device"]

    def virtio_mem_resize(self, qid, device, size):
        """requested-size over QMP; the driver plugs or unplugs until QEMU's
        `size` (what is plugged) reaches it."""
        self.sync_movability()
        self.g.qmp("qom-set", path=qid, property="requested-size", value=size)
        err, res = self.ctl("virtio-mem-resize", device=device, requested_size="0x%x" % size)
        deadline = time.monotonic() + 120
        while self.g.qmp("qom-get", path=qid, property="size") != size:
            if time.monotonic() > deadline:
                raise StepFailed("%s: plugged size never reached 0x%x" % (qid, size))
            time.sleep(0.3)
        self.settle()
        self.compare("resize %s to %dM" % (qid, size // MIB), (0, err))

    def nvdimm_add(self, qid, size):
        """nvdimm QID with a SIZE backend (no label area) on a `nvdimm=on`
        machine: QEMU places it and gives it a memory slot; the kernel sees
        it through NFIT hotplug (no ACPI _OST).  The simulator gets QEMU's
        address, size, node and slot (query-memory-devices)."""
        dev, res = self.plug_memory_device("nvdimm", qid, size, "nvdimm-add")
        # nd_pmem's claim of the io namespace is the last thing the kernel does
        self.wait("%s in /proc/iomem" % res["namespace"], "grep -q ' : %s$' /proc/iomem" % res["namespace"])
        self.settle()
        self.compare("add %s %dM at 0x%x (slot %d)" % (qid, dev["size"] // MIB, dev["addr"], dev["slot"]))
        return res

    def nvdimm_unplug_refused(self, qid, region):
        """device_del of an NVDIMM: QEMU refuses it (the guest hears nothing);
        the simulator's nvdimm-remove is a bad request.  Both must refuse."""
        try:
            self.g.qmp("device_del", id=qid)
        except guest.GuestError as e:
            if "nvdimm device hot unplug is not supported" not in str(e):
                raise
        else:
            raise StepFailed("QEMU unplugged NVDIMM %s" % qid)
        try:
            self.ctl("nvdimm-remove", device=region)
        except StepFailed as e:   # a bad request: exit 1, no errno
            if "QEMU cannot unplug an NVDIMM" not in str(e):
                raise
        else:
            raise StepFailed("nvdimm-remove %s succeeded" % region)
        self.settle()
        self.compare("device_del %s refused" % qid)

    def dax_driver(self, dax, drv_from, drv_to):
        """DAX's remove_id and unbind on DRV_FROM, new_id on DRV_TO, as daxctl
        reconfigure-device stores them, on both (the simulator serves the dax
        bus); the outcome is the first store that fails on either."""
        self.sync_movability()
        outcome = None
        for path in ("/sys/bus/dax/drivers/%s/remove_id" % drv_from, "/sys/bus/dax/drivers/%s/unbind" % drv_from,
                     "/sys/bus/dax/drivers/%s/new_id" % drv_to):
            outcome = self.store(path, dax)
            if outcome != (0, 0):
                break
        self.settle()
        self.compare("%s from %s to %s" % (dax, drv_from, drv_to), outcome)

    def pci_function(self, qid):
        """QEMU's PCI address of device QID, as the kernel names its resources."""
        for bus in self.g.qmp("query-pci"):
            for d in bus["devices"]:
                if d.get("qdev_id") == qid:
                    return "0000:%02x:%02x.%x" % (bus["bus"], d["slot"], d["function"])
        raise StepFailed("QEMU lists no PCI device %s" % qid)

    def memory_device(self, qid):
        for d in self.g.qmp("query-memory-devices"):
            if d["data"].get("id") == qid:
                return d["data"]
        raise StepFailed("QEMU lists no memory device %s" % qid)

    def block_ids(self):
        out = self.sh("cd %s && ls -d memory[0-9]*" % MEMORY)
        return sorted(int(x[6:]) for x in out.split())

    def pin_kernel_pages(self, bid, files=6000):
        """Unmovable kernel pages (inodes and dentries of tmpfs files) in
        memory BID, the only ZONE_NORMAL block: the module must then predict EBUSY."""
        self.sh("mkdir -p /tmp/pin && cd /tmp/pin && seq 1 %d | xargs touch" % files, 300)
        b = self.module_blocks().get(bid)
        if not b or b["offline"] != "EBUSY":
            raise StepFailed("memory%d still predicted %s after pinning" % (bid, b and b["offline"]))

    def namespace_to_devdax(self, ns):
        """ndctl create-namespace -f -e NS -m devdax on the kernel (it writes
        the dax seed's uuid, align and namespace and binds dax_pmem), the
        control verb namespace-reconfigure on the simulator."""
        rc, out = self.g.run("ndctl create-namespace -f -e %s -m devdax 2>&1" % ns, 300)
        if rc != 0:
            raise StepFailed("ndctl create-namespace -e %s -m devdax: exit %d: %s" % (ns, rc, out.strip()))
        err, res = self.ctl("namespace-reconfigure", device=ns, mode="devdax")
        self.settle()
        self.compare("%s to devdax (ndctl create-namespace -f -e)" % ns, (0, err))

    def dax_driver_store(self, driver, attr, dax):
        """`echo DAX > /sys/bus/dax/drivers/DRIVER/ATTR` (bind, unbind, new_id) on both."""
        self.sync_movability()
        outcome = self.store("/sys/bus/dax/drivers/%s/%s" % (driver, attr), dax)
        self.settle()
        self.compare("%s > %s/%s" % (dax, driver, attr), outcome)


# ------------------------------------------------------- scenarios

def sc_default_state(m, state):
    """memhp_default_state: a DIMM plugged after boot comes up as the boot
    parameter says (auto_online_blocks), then is unplugged."""
    m.begin("memhp_default_state=%s" % state)
    m.compare("boot")
    m.dimm_plug("d0", 128 * MIB)
    m.dimm_unplug("d0")


def sc_pc_dimm(m, online="online_movable"):
    """512 MiB DIMM onlined block by block, one block offlined and onlined in
    another zone, a block that cannot go offline, a failing unplug, a second
    DIMM onlined with the default policy and unplugged."""
    m.begin({"online_movable": "pc-dimm", "online": "pc-dimm (online)"}[online])
    m.set_auto_online("offline")
    blocks = m.dimm_plug("d1", 512 * MIB)
    for b in blocks:
        m.state(b, online)
    m.state(blocks[-1], "offline")
    m.state(blocks[-1], "online_kernel")
    # a boot block that holds reserved pages: EBUSY, no notifier call
    stuck = [bid for bid, b in sorted(m.module_blocks().items())
             if b["state"] == "online" and b["offline"] == "EBUSY" and b["reason"] == "reserved"]
    if stuck:
        m.state(stuck[-1], "offline")
    # the kernel's own allocations in the ZONE_NORMAL block: the eject fails
    m.pin_kernel_pages(blocks[-1])
    m.dimm_unplug("d1")
    m.set_auto_online("online")
    m.dimm_plug("d2", 256 * MIB)
    m.dimm_unplug("d2")


def sc_vetoes(m):
    """A GOING_ONLINE and a GOING_OFFLINE vetoed through the module's
    `inject` (the simulator: its notifier error injector)."""
    m.begin("vetoes")
    m.set_auto_online("offline")
    blocks = m.dimm_plug("d3", 256 * MIB)
    b = blocks[0]
    start = b * m.pages_per_block
    for action, errno, word, then in (("MEM_GOING_ONLINE", -16, "online_movable", None),
                                      ("MEM_GOING_OFFLINE", -12, "offline", "online_movable")):
        if then:
            m.state(b, then)
        m.sh("echo '%s 0x%x 0x%x %d' > %s/inject" % (action, start, m.pages_per_block, errno, DEBUGFS))
        err, res = m.ctl("inject", action=action, errno=errno)
        if err:
            raise StepFailed("inject: %s" % res)
        m.sync_movability()
        outcome = m.store("%s/memory%d/state" % (MEMORY, b), word)
        m.ctl("inject", action=action, errno=0)
        m.settle(0.5)
        m.compare("%s vetoed (%d): %s memory%d" % (action, errno, word, b), outcome)
    m.state(b, "offline")
    m.dimm_unplug("d3")


def sc_virtio_mem(m):
    """virtio-mem hot-added over QMP (virtio-mem-pci), grown in steps and
    shrunk, once to a size that is not a multiple of the memory block size."""
    m.begin("virtio-mem")
    m.set_auto_online("online_movable")
    dev = m.virtio_mem_add("vm0", 1024 * MIB)
    for size in (256, 512, 300, 0):
        m.virtio_mem_resize("vm0", dev, size * MIB)


def bind_virtio_mem(m, capture):
    """The boot virtio-mem device vm0 as QEMU describes it, bound to the
    capture's top-level resource at its address."""
    dev = m.memory_device("vm0")
    name = [r["name"] for r in capture["iomem"] if int(r["start"], 16) == dev["memaddr"]]
    if not name:
        raise StepFailed("the capture has no resource at vm0's 0x%x" % dev["memaddr"])
    m.virtio_devices["vm0"] = name[0]
    return [{"type": "virtio-mem", "resource": name[0], "block_size": "0x%x" % dev["block-size"],
             "plugged_size": "0x%x" % dev["size"], "node": dev["node"]}]


def sc_virtio_mem_boot(m):
    """A virtio-mem device with 256 MiB plugged at boot, bound to the
    capture's virtioN (`devices`): grown, shrunk to a size that is not a
    multiple of the memory block size, emptied and grown again."""
    m.begin("virtio-mem at boot")
    m.compare("boot")
    for size in (512, 300, 0, 128):
        m.virtio_mem_resize("vm0", m.virtio_devices["vm0"], size * MIB)


def sc_legacy_pmem(m):
    """Legacy pmem (`memmap=nn!ss`, nd_e820 and nd_pmem; the boot state,
    with its region served from the capture, is sc_default_state's first
    step): a DIMM beside it."""
    m.begin("pc-dimm")
    m.set_auto_online("offline")
    blocks = m.dimm_plug("d4", 256 * MIB)
    for b in blocks:
        m.state(b, "online_movable")
    m.state(blocks[0], "offline")
    m.dimm_unplug("d4")


def pmem_regions(m, capture):
    """The capture binds each pmem range to its nd region itself (`hotplugfs
    capture` reads /sys/bus/nd: the literal form's nd-region devices); the
    runner notes the namespace nd_pmem claimed in each and adds nothing."""
    devices = capture.get("devices", [])
    for d in devices:
        if d["type"] == "nd-region" and "namespace" in d:
            m.nd_regions[d["bus"]] = (d["namespace"], "dax" + d["namespace"][len("namespace"):])
    if sorted(m.nd_regions) != ["e820", "nfit"]:
        raise StepFailed("the capture bound no namespace of %s" % " and ".join(
            sorted({"e820", "nfit"} - set(m.nd_regions))))
    return devices


def sc_pmem_to_kmem(m, bus, by_store):
    """The region's boot namespace to devdax (ndctl), its dax device from
    device_dax to kmem (the stores daxctl makes), the blocks kmem added
    onlined by the kernel (auto_online_blocks) or BY_STORE, offlined, kmem
    unbound (the memory removed) and device_dax bound again."""
    ns, dax = m.nd_regions[bus]
    m.begin({"e820": "legacy pmem to kmem", "nfit": "NVDIMM to kmem"}[bus])
    m.set_auto_online("offline" if by_store else "online")
    m.namespace_to_devdax(ns)
    m.dax_driver_store("device_dax", "unbind", dax)
    before = set(m.block_ids())
    m.dax_driver_store("kmem", "new_id", dax)
    blocks = sorted(set(m.block_ids()) - before)
    if not blocks:
        raise StepFailed("kmem added no memory block for %s" % dax)
    if by_store:
        for b in blocks:
            m.state(b, "online_movable")
    for b in blocks:
        m.state(b, "offline")
    m.dax_driver_store("kmem", "unbind", dax)
    m.dax_driver_store("device_dax", "bind", dax)


def sc_kmem_stuck(m, bus):
    """kmem unbound while its block is online: remove_memory() fails, the
    memory and both resources stay ("cannot be hotremoved until the next
    reboot", dev_dax_kmem_remove()), and device_dax cannot have the device."""
    ns, dax = m.nd_regions[bus]
    m.begin({"e820": "legacy pmem kmem unbound online", "nfit": "NVDIMM kmem unbound online"}[bus])
    m.dax_driver_store("device_dax", "unbind", dax)
    before = set(m.block_ids())
    m.dax_driver_store("kmem", "bind", dax)
    for b in sorted(set(m.block_ids()) - before):
        m.state(b, "online_movable")
    m.dax_driver_store("kmem", "unbind", dax)
    m.dax_driver_store("device_dax", "bind", dax)


def sc_nvdimm_hotplug(m):
    """An NVDIMM hot-added at run time (QMP device_add nvdimm / nvdimm-add):
    the NFIT bus, a label-less region with its raw io namespace; its unplug
    refused by QEMU; a DIMM after it (QEMU's next memory slot: PNP0C80:01),
    onlined and unplugged; a second NVDIMM in the slot and the range that
    DIMM left (region1, namespace1.0), a DIMM after it (slot 2)."""
    m.begin("nvdimm hot-add")
    m.compare("boot")
    res = m.nvdimm_add("nv1", 256 * MIB)
    m.nvdimm_unplug_refused("nv1", res["device"])
    blocks = m.dimm_plug("d7", 128 * MIB)
    m.state(blocks[0], "online_movable")
    m.dimm_unplug("d7")
    m.nvdimm_add("nv2", 128 * MIB)
    m.dimm_plug("d8", 128 * MIB)
    m.dimm_unplug("d8")


def sc_nvdimm_devdax(m):
    """The hot-added NVDIMM's raw namespace to devdax (ndctl),
    its dax device to kmem (daxctl's stores), the kmem block onlined and
    offlined, back to device_dax; again with auto_online_blocks=online_movable."""
    m.begin("nvdimm hot-add: devdax, kmem")
    m.namespace_to_devdax("namespace0.0")
    m.dax_driver("dax0.0", "device_dax", "kmem")
    kmem = [bid for bid in m.block_ids() if 0x100000000 // m.block_size <= bid < 0x110000000 // m.block_size]
    for b in kmem:
        m.state(b, "online_movable")
    for b in kmem:
        m.state(b, "offline")
    m.dax_driver("dax0.0", "kmem", "device_dax")
    # kmem onlines what it adds as auto_online_blocks says
    m.set_auto_online("online_movable")
    m.dax_driver("dax0.0", "device_dax", "kmem")
    for b in kmem:
        m.state(b, "offline")
    m.dax_driver("dax0.0", "kmem", "device_dax")


def sc_nvdimm_beside_boot(m):
    """An NVDIMM hot-added beside one present at boot (served from the
    capture): the same NFIT bus, the next region (region1, namespace1.0),
    QEMU's next slot; a DIMM after both (slot 2)."""
    m.begin("nvdimm hot-add beside a boot NVDIMM")
    m.compare("boot")
    m.nvdimm_add("nv1", 256 * MIB)
    m.dimm_plug("d9", 128 * MIB)
    m.dimm_unplug("d9")


# Boots: the QEMU devices and kernel command line, and what runs on them.
BOOTS = [
    {"name": "plain", "append": "memhp_default_state=offline", "modules": ["virtio_mem"],
     "scenarios": [lambda m: sc_default_state(m, "offline"), sc_pc_dimm, sc_vetoes, sc_virtio_mem]},
    {"name": "memmap", "label": " [memmap_on_memory]", "append": "memhp_default_state=online_movable memory_hotplug.memmap_on_memory=1",
     "scenarios": [lambda m: sc_default_state(m, "online_movable"), sc_pc_dimm]},
    {"name": "auto-movable", "label": " [auto-movable]", "append": "memhp_default_state=online memory_hotplug.online_policy=auto-movable",
     "scenarios": [lambda m: sc_default_state(m, "online"), lambda m: sc_pc_dimm(m, "online")]},
    {"name": "virtio-mem-boot", "label": "", "append": "memhp_default_state=online_movable",
     "modules": ["virtio_mem"], "devices": bind_virtio_mem,
     "qemu": ["-object", "memory-backend-ram,id=mem-vm0,size=1G",
              "-device", "virtio-mem-pci,id=vm0,memdev=mem-vm0,node=0,requested-size=256M"],
     "scenarios": [sc_virtio_mem_boot]},
    {"name": "legacy-pmem", "label": " [legacy pmem, NVDIMM]", "machine": "pc,nvdimm=on",
     "append": "memhp_default_state=online memmap=256M!0x20000000",
     "qemu": ["-object", "memory-backend-ram,id=mem-nv0,size=256M", "-device", "nvdimm,id=nv0,memdev=mem-nv0"],
     "modules": ["nd_e820"] + guest.ND_MODULES, "tools": guest.ND_TOOLS, "devices": pmem_regions,
     "scenarios": [lambda m: sc_default_state(m, "online"), sc_legacy_pmem,
                   lambda m: sc_pmem_to_kmem(m, "e820", False), lambda m: sc_pmem_to_kmem(m, "nfit", True),
                   lambda m: sc_kmem_stuck(m, "nfit")]},
    {"name": "nvdimm-hotplug", "label": " [NVDIMM hot-add]", "machine": "pc,nvdimm=on",
     "append": "memhp_default_state=offline",
     "modules": guest.ND_MODULES, "tools": guest.ND_TOOLS,
     "scenarios": [sc_nvdimm_hotplug, sc_nvdimm_devdax]},
    {"name": "nvdimm-boot-hotplug", "label": "", "machine": "pc,nvdimm=on",
     "append": "memhp_default_state=offline", "modules": ["nfit", "nd_pmem"],
     "qemu": ["-object", "memory-backend-ram,id=mem-nv0,size=256M", "-device", "nvdimm,id=nv0,memdev=mem-nv0"],
     "scenarios": [sc_nvdimm_beside_boot]},
]


# ------------------------------------------------------- running

def run_boot(series, kernel, wd, boot, ko, probe, hotplugfs, tally, log):
    g = guest.Guest(kernel, os.path.join(wd, boot["name"]), kmod=ko,
                    modules=["fuse"] + boot.get("modules", []), append=boot["append"],
                    qemu_args=boot.get("qemu", []), machine=boot.get("machine", "pc"), log=log)
    g.add_file(probe, "/bin/hp_probe")
    g.add_executable(hotplugfs, "/bin/hotplugfs")
    for tool in boot.get("tools", ()):
        g.add_executable(tool)
    name = "%s boot" % boot["name"]
    try:
        try:
            g.boot()
            print("# %s: %s booted in %.1f s" % (series, boot["name"], g.boot_seconds), flush=True)
        except guest.BootFailed as e:
            tally.error(series, name, str(e))
            return
        m = Machine(series, boot, g, tally)
        try:
            m.start(boot.get("devices"))
        except (guest.GuestError, StepFailed, TimeoutError, OSError, ValueError) as e:
            tally.error(series, name, "%s: %s\n--- console ---\n%s" % (type(e).__name__, e, g.console_tail(15)))
            return
        for sc in boot["scenarios"]:
            t = time.monotonic()
            try:
                sc(m)
            except (guest.GuestError, StepFailed, TimeoutError, OSError, KeyError, ValueError) as e:
                tally.error(series, m.scenario or name, "step %d: %s: %s" % (m.step_no + 1, type(e).__name__, e))
                if isinstance(e, (guest.GuestError, TimeoutError, OSError)):
                    return  # the guest is gone or stuck
            print("# %s: %s took %.0f s" % (series, m.scenario, time.monotonic() - t), flush=True)
    finally:
        g.shutdown()


def run_series(series, workdir, hotplugfs, tally, only):
    log = lambda msg: print(msg, flush=True)  # noqa: E731
    try:
        abi, root = kernels.ensure(series, log=log)
    except kernels.Unavailable as e:
        print("# %s: %s" % (series, e), flush=True)
        return False
    wd = os.path.join(workdir, series)
    os.makedirs(wd, exist_ok=True)
    ko = kmod_test.build_module(abi, root, wd)
    if not ko:
        tally.error(series, "build", "hotplugfs_kmod does not build")
        return True
    probe = os.path.join(wd, "hp_probe")
    ok, err = kmod_test.build_static(os.path.join(HERE, "hp_probe.c"), probe, ["-D_GNU_SOURCE"])
    if not ok:
        tally.error(series, "build", "hp_probe: " + err)
        return True
    for boot in BOOTS:
        if only and boot["name"] not in only:
            continue
        run_boot(series, (abi, root), wd, boot, ko, probe, hotplugfs, tally, log)
    return True


def main(argv=None):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = list(sys.argv[1:] if argv is None else argv)
    only = None
    if "--only" in args:
        i = args.index("--only")
        only = set(args[i + 1].split(","))
        del args[i:i + 2]
    series = args or ["6.1", "6.12"]
    hotplugfs = os.environ.get("HOTPLUGFS") or os.path.join(SRCDIR, "build", "fs", "hotplugfs")
    if not os.access(hotplugfs, os.X_OK):
        print("SKIP: no hotplugfs binary at %s (build first, or set HOTPLUGFS)" % hotplugfs)
        return 77
    keep = os.environ.get("HOTPLUGFS_KERNEL_WORK")
    workdir = keep or tempfile.mkdtemp(prefix="hotplugfs-diff.")
    tally = Tally()
    ran = 0
    t = time.monotonic()
    try:
        for s in series:
            ran += run_series(s, workdir, hotplugfs, tally, only)
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print("# total %.0f s" % (time.monotonic() - t), flush=True)
    if not ran:
        print("SKIP: no guest kernel could be fetched (package registry unreachable?)")
        return 77
    print()
    print(tally.table())
    print("%d passed, %d failed" % (tally.passed, tally.failed))
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())

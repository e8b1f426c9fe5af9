#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The client of tests/fuse/crash_restart.sh: control ops over the socket,
stores through the mount, on a DIMM machine (4 GiB and up: slots of 256 MiB
for DIMMs) or an nd machine (region0: namespace, pfn and dax seeds, drivers,
dax/kmem), whichever the mount serves.

  run SOCK MNT SEED OUT      random actions until the daemon dies (or 30 s);
                             OUT gets {"acked": [...], "in_flight": ACTION|null};
                             OUT.ready appears once the actions start
  check SOCK MNT REF_SOCK REF FILE
                             applies FILE's acknowledged actions to the
                             reference (each must come out as it did), then
                             compares the views of both (every file and link,
                             the dump, the event log): prints "same", or
                             "committed" when they agree once the action in
                             flight is applied too, or "lost" and a diff;
                             then the number of actions acknowledged and in
                             flight

An action is {"op": REQUEST} or {"store": PATH, "data": TEXT}; an acked one
also has its "outcome": {"ok": true}, {"errno": N} or {"error": TEXT}.
"""
import errno
import json
import os
import random
import socket
import sys
import time

SLOTS = [0x100000000 + k * 0x10000000 for k in range(4)]
BLOCK = 0x8000000
# a killed daemon: its FUSE connection answers ENOTCONN (ECONNABORTED for a
# request in flight), its socket ECONNRESET or EPIPE; ENODEV is an answer (a
# bind of no such device)
DEAD = (errno.ENOTCONN, errno.ECONNABORTED, errno.ECONNRESET, errno.EPIPE)


class Gone(Exception):
    """The daemon died under the action."""


class Control:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(20)
        self.s.connect(path)
        self.f = self.s.makefile("rb")

    def ask(self, req):
        try:
            self.s.sendall((json.dumps(req) + "\n").encode())
            line = self.f.readline()
        except OSError as e:
            raise Gone() from e
        if not line:
            raise Gone()
        return json.loads(line)


def outcome_of_reply(r):
    if r["ok"]:
        return {"ok": True}
    return {"errno": r["errno"]} if "errno" in r else {"error": r["error"]}


def do(ctl, mnt, action):
    """Runs one action; its outcome, or Gone."""
    if "op" in action:
        return outcome_of_reply(ctl.ask(action["op"]))
    path = os.path.join(mnt, action["store"])
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError as e:
        if e.errno in DEAD:
            raise Gone() from e
        return {"error": errno.errorcode.get(e.errno, str(e.errno))}
    try:
        os.write(fd, action["data"].encode())
        return {"ok": True}
    except OSError as e:
        if e.errno in DEAD:
            raise Gone() from e
        return {"errno": e.errno}
    finally:
        try:
            os.close(fd)
        except OSError:
            pass


class DimmModel:
    """What the client believes exists, from the answers it got."""

    def __init__(self, dump):
        self.dimms = {}   # slot index -> device name
        for d in dump["devices"]:
            if d["kind"] == "acpi-dimm":
                self.dimms[SLOTS.index(int(d["start"], 16))] = d["name"]

    def blocks(self):
        ids = list(range(8))
        for k in self.dimms:
            first = SLOTS[k] // BLOCK
            ids += [first, first + 1]
        return ids

    def pick(self, rnd):
        r = rnd.random()
        free = [k for k in range(len(SLOTS)) if k not in self.dimms]
        if r < 0.18 and free:
            k = rnd.choice(free)
            return {"op": {"op": "dimm-add", "start": hex(SLOTS[k]), "size": "256M"}}, ("add", k)
        if r < 0.30 and self.dimms:
            k = rnd.choice(sorted(self.dimms))
            return {"op": {"op": "dimm-eject", "device": self.dimms[k]}}, ("eject", k)
        if r < 0.40:
            action = rnd.choice(["MEM_GOING_ONLINE", "MEM_GOING_OFFLINE"])
            return {"op": {"op": "inject", "action": action,
                           "errno": rnd.choice([0, 0, "EBUSY"])}}, None
        if r < 0.45:
            return {"op": {"op": "auto-online",
                           "value": rnd.choice(["offline", "online", "online_movable"])}}, None
        if r < 0.50:
            return {"store": "sys/devices/system/memory/auto_online_blocks",
                    "data": rnd.choice(["offline\n", "online_movable\n", "online"])}, None
        if r < 0.55 and self.dimms:
            k = rnd.choice(sorted(self.dimms))
            return {"op": {"op": "fault", "block": SLOTS[k] // BLOCK + rnd.randrange(2),
                           "unmovable": rnd.random() < 0.5}}, None
        block = rnd.choice(self.blocks())
        word = rnd.choice(["online\n", "offline\n", "online_movable\n", "online_kernel", "offline"])
        return {"store": "sys/devices/system/memory/memory%d/state" % block, "data": word}, None

    def answered(self, change, outcome):
        if change and change[0] == "eject" and outcome.get("ok"):
            del self.dimms[change[1]]


ND = "sys/bus/nd/devices"
DAX = "sys/bus/dax/devices"
MEMORY = "sys/devices/system/memory"
UUIDS = ["6f90f47e-8261-4dcd-98d8-eda579d6ff4e\n", "0b5c2e53-4d0b-4b4e-9a41-7c0d3c7e2a10\n"]
# the words each nd attribute takes (ndctl create-namespace stores them),
# and some that are wrong for it
ND_WORDS = {
    "uuid": UUIDS, "size": ["0\n", "134217728\n", "268435456\n", "100\n"],
    "alt_name": ["crash\n", "\n"], "sector_size": ["512\n", "4096\n", "7\n"],
    "mode": ["pmem\n", "ram\n", "none\n"], "align": ["4096\n", "2097152\n", "3\n"],
    "namespace": ["namespace0.0\n", "namespace0.1\n", "namespace0.2\n", "\n"],
    "force_raw": ["0\n", "1\n"], "holder_class": ["\n", "pfn\n", "dax\n"],
}
DRIVERS = {"nd_pmem": "sys/bus/nd/drivers/nd_pmem", "dax_pmem": "sys/bus/nd/drivers/dax_pmem",
           "kmem": "sys/bus/dax/drivers/kmem", "device_dax": "sys/bus/dax/drivers/device_dax"}
MODES = ["raw", "fsdax", "devdax", "system-ram", "sector"]


class NdModel:
    """Picks among what the mount lists (reading changes nothing), listed
    again after a change; about half of its actions are ndctl's own
    sequences of stores on region0's seeds."""

    def __init__(self, mnt):
        self.mnt = mnt
        self.queue = []
        self.stale = True

    def ls(self, d, prefixes):
        try:
            names = os.listdir(os.path.join(self.mnt, d))
        except OSError:
            return []
        return sorted(n for n in names if n.startswith(prefixes))

    def seed(self, kind):
        try:
            with open(os.path.join(self.mnt, ND, "region0", kind + "_seed")) as f:
                return f.read().strip()
        except OSError:
            return kind + "0.0"

    def create(self, rnd):
        """ndctl create-namespace: the namespace seed's uuid and size, then
        for fsdax or devdax a pfn or dax seed claims it; then the bind."""
        ns = self.seed("namespace")
        steps = [(ns, "uuid", rnd.choice(UUIDS)), (ns, "size", rnd.choice(ND_WORDS["size"][1:3]))]
        if rnd.random() < 0.3:
            steps.append((ns, "alt_name", "crash\n"))
        kind = rnd.choice(["raw", "pfn", "dax"])
        if kind == "raw":
            steps.append(("nd_pmem", "bind", ns + "\n"))
        else:
            dev = self.seed(kind)
            steps += [(dev, "uuid", rnd.choice(UUIDS)), (dev, "align", "2097152\n"),
                      (dev, "namespace", ns + "\n")]
            steps.append(("nd_pmem" if kind == "pfn" else "dax_pmem", "bind", dev + "\n"))
        return [self.store(*step) for step in steps]

    @staticmethod
    def store(dev, attr, data):
        if dev in DRIVERS:
            return {"store": "%s/%s" % (DRIVERS[dev], attr), "data": data}
        return {"store": "%s/%s/%s" % (ND, dev, attr), "data": data}

    def pick(self, rnd):
        if self.queue:
            return self.queue.pop(0), None
        if self.stale:
            self.nd = self.ls(ND, ("namespace", "pfn", "dax", "btt")) or ["namespace0.0"]
            self.dax = self.ls(DAX, ("dax",)) or ["dax0.0"]
            self.blocks = self.ls(MEMORY, ("memory",)) or ["memory0"]
            self.stale = False
        r = rnd.random()
        if r < 0.15:
            self.queue = self.create(rnd)
            return self.queue.pop(0), None
        if r < 0.40:
            attr = rnd.choice(sorted(ND_WORDS))
            return self.store(rnd.choice(self.nd), attr, rnd.choice(ND_WORDS[attr])), None
        if r < 0.50:
            return self.store(rnd.choice(sorted(DRIVERS)), rnd.choice(["bind", "unbind"]),
                              rnd.choice(self.nd + self.dax) + "\n"), None
        namespaces = [n for n in self.nd if n.startswith("namespace")] or ["namespace0.0"]
        if r < 0.56:
            return {"op": {"op": "pmem-namespace-create", "region": "region0",
                           "size": rnd.choice(["128M", "256M", "512M"]),
                           "mode": rnd.choice(MODES)}}, None
        if r < 0.64:
            return {"op": {"op": "namespace-reconfigure", "device": rnd.choice(namespaces),
                           "mode": rnd.choice(MODES)}}, None
        if r < 0.69:
            return {"op": {"op": "dax-reconfigure", "device": rnd.choice(self.dax),
                           "mode": rnd.choice(["system-ram", "devdax"])}}, None
        if r < 0.72:
            return {"op": {"op": "kmem-unbind", "device": rnd.choice(self.dax)}}, None
        if r < 0.74:
            return {"op": {"op": "dax-memmap-on-memory", "device": rnd.choice(self.dax),
                           "enable": rnd.random() < 0.5}}, None
        if r < 0.77:
            return {"op": {"op": "auto-online",
                           "value": rnd.choice(["offline", "online", "online_movable"])}}, None
        if r < 0.80:
            action = rnd.choice(["MEM_GOING_ONLINE", "MEM_GOING_OFFLINE"])
            return {"op": {"op": "inject", "action": action,
                           "errno": rnd.choice([0, 0, "EBUSY"])}}, None
        word = rnd.choice(["online\n", "offline\n", "online_movable\n", "online_kernel"])
        return {"store": "%s/%s/state" % (MEMORY, rnd.choice(self.blocks)), "data": word}, None

    def answered(self, change, outcome):
        if outcome.get("ok"):
            self.stale = True


def model_of(mnt, dump):
    if any(n.startswith("region") for n in NdModel(mnt).ls(ND, ("region",))):
        return NdModel(mnt)
    return DimmModel(dump)


def run(sock, mnt, seed, out):
    rnd = random.Random(seed)
    acked, in_flight = [], None
    ctl = Control(sock)
    model = model_of(mnt, ctl.ask({"op": "dump"})["result"])
    with open(out + ".ready", "w"):
        pass   # the killer may start counting
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            action, change = model.pick(rnd)
            in_flight = action
            if "op" in action:
                r = ctl.ask(action["op"])
                outcome = outcome_of_reply(r)
                if change and change[0] == "add" and r["ok"]:
                    model.dimms[change[1]] = r["result"]["device"]
            else:
                outcome = do(ctl, mnt, action)
            in_flight = None
            model.answered(change, outcome)
            acked.append(dict(action, outcome=outcome))
    except Gone:
        pass
    with open(out, "w") as f:
        json.dump({"acked": acked, "in_flight": in_flight}, f)


def apply(sock, mnt, actions):
    """Applies actions; the number whose outcome differs from the record."""
    ctl = Control(sock)
    bad = 0
    for action in actions:
        got = do(ctl, mnt, action)
        if "outcome" in action and got != action["outcome"]:
            print("outcome differs: %s: %s, the daemon said %s" % (
                json.dumps({k: v for k, v in action.items() if k != "outcome"}), got,
                action["outcome"]), file=sys.stderr)
            bad += 1
    return bad


def views(sock, mnt):
    """What must survive a crash: every file and link, the dump (with the
    generation and the number of events), the newest 2000 events."""
    out = []
    for top, dirs, files in os.walk(mnt):
        dirs.sort()
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(top, d))]):
            p = os.path.join(top, name)
            rel = os.path.relpath(p, mnt)
            if os.path.islink(p):
                out.append("%s -> %s" % (rel, os.readlink(p)))
                continue
            try:
                with open(p, "rb") as f:
                    out.append("%s: %r" % (rel, f.read()))
            except OSError as e:
                out.append("%s: <%s>" % (rel, errno.errorcode.get(e.errno, e.errno)))
    ctl = Control(sock)
    dump = ctl.ask({"op": "dump"})["result"]
    out.append(json.dumps(dump, sort_keys=True))
    # the newest events (the dump has the count, and every round checks)
    events = ctl.ask({"op": "events", "since": max(0, dump["events"] - 2000),
                      "limit": 2000})["result"]["events"]
    out += [e["line"] for e in events]
    return out


def check(sock, mnt, ref_sock, ref, file):
    with open(file) as f:
        round_ = json.load(f)
    counts = "%d %d" % (len(round_["acked"]), round_["in_flight"] is not None)
    if apply(ref_sock, ref, round_["acked"]):
        print("outcomes", counts)
        return 1
    got = views(sock, mnt)
    if got == views(ref_sock, ref):
        print("same", counts)
        return 0
    if round_["in_flight"] is not None:
        apply(ref_sock, ref, [round_["in_flight"]])
        want = views(ref_sock, ref)
        if got == want:
            print("committed", counts)
            return 0
    else:
        want = views(ref_sock, ref)
    print("lost", counts)
    for a, b in zip(want, got):
        if a != b:
            print("  want: %s\n  got:  %s" % (a[:300], b[:300]), file=sys.stderr)
    return 1


def main():
    mode = sys.argv[1]
    if mode == "run":
        run(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif mode == "check":
        sys.exit(check(*sys.argv[2:7]))
    else:
        sys.exit("usage: crash_client.py run|check ...")


if __name__ == "__main__":
    main()

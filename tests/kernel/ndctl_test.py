# SPDX-License-Identifier: GPL-2.0-or-later
"""ndctl and daxctl on a real kernel and on the simulator, command by command.

Each Debian kernel boots once under QEMU/TCG with an emulated NVDIMM whose
labels are initialized (as fixtures/nvdimm-qemu.json describes it); the
host's ndctl, daxctl and lsmem run in the guest with their libraries.  The
same script then runs on the simulated machine of fixtures/nvdimm-qemu.json
(its "kernel" set to the guest's series) through `hotplugfs run`.  Both sides
use the same busybox for everything else, so only the kernel (or the
simulator) differs.  Every command prints one line: "ok" when both
transcripts are equal after masking what changes from boot to boot (uuids,
the dynamic majors), "ok (known: ...)" when they are equal once the lines of
a documented limit are dropped (docs/ndctl.md, KNOWN below; none today),
"FAIL" with the first differing line otherwise.

Usage: ndctl_test.py [--save DIR] [--real DIR] [SERIES...]   (default: 6.1 6.12)
  --save DIR   writes DIR/<series>.real and DIR/<series>.sim, the masked
               transcripts, for reading the differences whole, and the raw
               guest output as DIR/<series>.raw (headed by the fingerprint
               of COMMANDS)
  --real DIR   takes the guest's output from DIR/<series>.raw (of --save)
               instead of booting: for checking a change of the simulator.
               tests/kernel/ndctl-real holds the recorded ones, which
               tests/tools/ndctl.sh checks on every run; a raw file of
               another command list is refused (record it again with --save)
Env:   HOTPLUGFS (the binary), SRCDIR, HOTPLUGFS_KERNEL_CACHE, HOTPLUGFS_KERNEL_WORK
Ends with "N passed, N failed"; exits 77 when no kernel can be had or the
simulator side cannot run here (not root, no ndctl/daxctl).
"""
import hashlib
import json
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
FIXTURE = os.path.join(SRCDIR, "fixtures", "nvdimm-qemu.json")
TOOLS = guest.ND_TOOLS + ("/usr/bin/lsmem",)
# the busybox applets the script uses, first in PATH on both sides
APPLETS = ("sh", "cat", "echo", "grep", "ls", "readlink", "stat", "tr", "printf", "head")
LSMEM = "lsmem -o RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES"

# QEMU 7.2: the label area comes off the end of the backend and the rest is
# aligned down to 2 MiB, so 514 MiB with 128 KiB of labels is a 512 MiB region.
QEMU_NVDIMM = ["-object", "memory-backend-ram,id=nv0,size=514M",
               "-device", "nvdimm,id=nvdimm0,memdev=nv0,label-size=128K"]
GUEST_MODULES = guest.ND_MODULES
# Not compared: a fresh label area holds no index block, so the kernel sees
# a label-less DIMM (one raw namespace over the region) until ndctl writes one.
LABELS = "ndctl disable-region region0 && ndctl init-labels nmem0 && ndctl enable-region region0"

# dump DIR: each entry of DIR (not following directories): a link and its
# target, a directory, or a file's mode, name and contents ('|' for newlines).
# tree DIR: every path below DIR, sorted, links with their targets.
# pmem: /proc/iomem's lines inside the NVDIMM's range (4 GiB to 4.5 GiB).
PRELUDE = r"""
export LC_ALL=C PATH="$BB:/usr/sbin:/usr/bin:/sbin:/bin"
dump() (
	cd "$1" || exit
	for f in *; do
		if [ -L "$f" ]; then
			echo "$f -> $(readlink "$f")"
		elif [ -d "$f" ]; then
			echo "$f/"
		else
			printf '%s %s: ' "$(stat -c %a "$f")" "$f"
			cat "$f" 2>&1 | tr '\n' '|'
			echo
		fi
	done
)
tree() {
	find "$1" | sort | while read -r p; do
		if [ -L "$p" ]; then
			echo "${p#$1} -> $(readlink "$p")"
		else
			echo "${p#$1}"
		fi
	done
}
pmem() {
	grep -E '^ *1[01][0-9a-f]{7}-1[01][0-9a-f]{7} ' /proc/iomem
}
"""

NDBUS = "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0"
COMMANDS = [
    "ndctl list -RN",
    "daxctl list",
    "ls /sys/bus/nd/devices /sys/bus/dax/devices",
    "tree " + NDBUS,
    "dump %s/nfit" % NDBUS,
    "dump %s/nd/ndctl0" % NDBUS,
    "dump %s/region0/nfit" % NDBUS,
    "readlink /sys/class/nd/ndctl0",
    "tree /sys/bus/nd",
    "dump /sys/bus/nd/devices/region0",
    "dump /sys/bus/nd/devices/namespace0.0",
    "dump /sys/bus/nd/devices/dax0.0",
    "dump %s/nmem0" % NDBUS,
    "dump %s/nmem0/nfit" % NDBUS,
    "ndctl list -D",
    "ndctl list -RD",
    "pmem",
    "ndctl create-namespace -m devdax -r region0",
    "ndctl list -RN",
    "ndctl list -RDN",
    "dump %s/nmem0" % NDBUS,
    "stat -c '%n %F %a %u minor %T' /dev/nmem0",
    "daxctl list -D -R",
    "ls /sys/bus/nd/devices /sys/bus/dax/devices",
    "dump /sys/bus/nd/devices/region0",
    "dump /sys/bus/nd/devices/namespace0.0",
    "dump /sys/bus/nd/devices/dax0.0",
    "dump /sys/bus/nd/devices/dax0.0/dax_region",
    "dump /sys/bus/dax/devices/dax0.0",
    "dump /sys/bus/dax/devices/dax0.0/mapping0",
    "dump /sys/bus/dax/drivers/device_dax",
    "tree %s/region0" % NDBUS,
    "tree /sys/bus/dax",
    "stat -c '%n %F %a %u minor %T' /dev/dax0.0",
    "pmem",
    "cat /sys/devices/system/memory/auto_online_blocks",
    "echo online > /sys/devices/system/memory/auto_online_blocks",
    "daxctl reconfigure-device --mode=system-ram dax0.0",
    "echo offline > /sys/devices/system/memory/auto_online_blocks",
    "daxctl reconfigure-device --mode=system-ram dax0.0",
    "pmem",
    LSMEM,
    "readlink /sys/bus/dax/devices/dax0.0/driver",
    "dump /sys/bus/dax/drivers/kmem",
    "tree /sys/bus/dax",
    "daxctl list",
    "daxctl offline-memory dax0.0",
    LSMEM,
    "pmem",
    "daxctl online-memory dax0.0",
    LSMEM,
    "daxctl reconfigure-device --mode=devdax dax0.0",
    "pmem",
    "daxctl reconfigure-device --mode=devdax --force dax0.0",
    "pmem",
    LSMEM,
    "ls /sys/devices/system/memory",
    "daxctl list",
    "ndctl list -RN",
]

# Values that change from boot to boot on a real kernel, masked on both sides.
MASKS = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    # the dax class major is dynamic (register_chrdev_region of dax_init)
    (re.compile(r"MAJOR=\d+"), "MAJOR=<major>"),
    (re.compile(r"(\bdev: )\d+:"), r"\1<major>:"),
]

# Differences documented in docs/ndctl.md ("What differs from a real kernel"):
# (what, regex of lines dropped from both transcripts).  A command whose
# transcripts are equal only after these are dropped counts as "known".
# None is left for this sequence (the DIMM and libnvdimm's module were the
# last, now served).
KNOWN = []


def fingerprint():
    """The first line of a raw transcript: which command list made it."""
    h = hashlib.sha256("\n".join(COMMANDS).encode()).hexdigest()[:16]
    return "# ndctl_test.py commands %s" % h


def read_raw(path):
    """(the kernel it came from, the guest's output) of a --save'd raw file."""
    with open(path) as f:
        head, _, text = f.read().partition("\n")
    if head != fingerprint():
        raise OSError("%s was recorded with another command list (%r, now %r): "
                      "record it again with --save" % (path, head, fingerprint()))
    kernel, _, text = text.partition("\n")
    return kernel[len("# kernel "):], text


def script(bb):
    """The whole sequence as one sh script: each command's output between
    "@@CMD i" and "@@RC i status" lines."""
    parts = ["BB=%s" % bb, PRELUDE]
    for i, cmd in enumerate(COMMANDS):
        parts.append("echo '@@CMD %d'\n%s 2>&1\nprintf '\\n@@RC %d %%d\\n' $?" % (i, cmd, i))
    return "\n".join(parts) + "\n"


def parse(text):
    """{index: (status, output lines)} from a transcript of script()."""
    out = {}
    rx = re.compile(r"^@@CMD (\d+)\n(.*?)\n@@RC \1 (\d+)$", re.S | re.M)
    for m in rx.finditer(text):
        body = m.group(2).rstrip("\n")
        for pat, rep in MASKS:
            body = pat.sub(rep, body)
        out[int(m.group(1))] = (int(m.group(3)), body.split("\n") if body else [])
    return out


def drop_known(lines):
    used = set()
    kept = []
    for line in lines:
        for what, rx in KNOWN:
            if rx.match(line):
                used.add(what)
                break
        else:
            kept.append(line)
    return kept, used


def first_difference(a, b):
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else "<end>"
        y = b[i] if i < len(b) else "<end>"
        if x != y:
            return i + 1, x, y
    return None


def compare(series, real, sim, log):
    """One line per command; returns (passed, failed)."""
    passed = failed = 0
    for i, cmd in enumerate(COMMANDS):
        label = "%s: %s" % (series, cmd)
        if i not in real or i not in sim:
            log("FAIL - %s: no output from the %s" % (label, "guest" if i not in real else "simulator"))
            failed += 1
            continue
        (rrc, rlines), (src, slines) = real[i], sim[i]
        if (rrc, rlines) == (src, slines):
            log("ok - %s" % label)
            passed += 1
            continue
        rk, used_r = drop_known(rlines)
        sk, used_s = drop_known(slines)
        if rrc == src and rk == sk:
            log("ok - %s (known: %s)" % (label, "; ".join(sorted(used_r | used_s))))
            passed += 1
            continue
        d = first_difference(rk, sk)
        if d is None:
            log("FAIL - %s: exit status %d, simulator %d" % (label, rrc, src))
        else:
            log("FAIL - %s: line %d: kernel %r, simulator %r" % (label, d[0], d[1], d[2]))
        failed += 1
    return passed, failed


def fixture_for(series, path):
    with open(FIXTURE) as f:
        fx = json.load(f)
    fx["kernel"] = series
    with open(path, "w") as f:
        json.dump(fx, f, indent=1)
    return path


def run_real(series, workdir, log):
    """(Debian's kernel version, the transcript on the guest), or None when
    no kernel can be had."""
    try:
        abi, root = kernels.ensure(series, log=log)
    except kernels.Unavailable as e:
        log("# %s: %s" % (series, e))
        return None
    log("# %s: Debian %s" % (series, abi))
    g = guest.Guest((abi, root), os.path.join(workdir, series), machine="pc,nvdimm=on",
                    memory="1G,slots=4,maxmem=8G", modules=GUEST_MODULES,
                    qemu_args=QEMU_NVDIMM, log=log)
    for tool in TOOLS:
        g.add_executable(tool)
    try:
        secs = g.boot()
        log("# %s: booted in %.1f s" % (series, secs))
        rc, out = g.run(LABELS, timeout=120)
        if rc != 0:
            raise guest.GuestError("initializing the labels failed: %s" % out)
        t = time.monotonic()
        rc, out = g.run(script("/bin"), timeout=600)
        log("# %s: the sequence took %.1f s on the guest" % (series, time.monotonic() - t))
        return abi, out
    finally:
        g.shutdown()


def run_sim(series, workdir, hotplugfs):
    bb = os.path.join(workdir, "bb")
    os.makedirs(bb, exist_ok=True)
    for a in APPLETS:
        if not os.path.lexists(os.path.join(bb, a)):
            os.symlink("/bin/busybox", os.path.join(bb, a))
    fx = fixture_for(series, os.path.join(workdir, "nvdimm-qemu-%s.json" % series))
    r = subprocess.run(["timeout", "--kill-after=5", "300", hotplugfs, "run", fx, "--",
                        os.path.join(bb, "sh"), "-c", script(bb)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("hotplugfs run exited %d: %s" % (r.returncode, r.stderr[-2000:]))
    return r.stdout


def sim_prerequisites(hotplugfs):
    if os.geteuid() != 0:
        return "needs root (hotplugfs run)"
    for t in TOOLS:
        if not os.access(t, os.X_OK):
            return "%s is missing (packages ndctl, daxctl, util-linux)" % t
    if not os.access("/bin/busybox", os.X_OK):
        return "/bin/busybox is missing (package busybox-static)"
    if not os.access(hotplugfs, os.X_OK):
        return "no hotplugfs binary at %s (set HOTPLUGFS)" % hotplugfs
    return None


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = sys.argv[1:]
    save = real_dir = None
    while args[:1] in (["--save"], ["--real"]):
        if args[0] == "--save":
            save = args[1]
        else:
            real_dir = args[1]
        args = args[2:]
    series_list = args or ["6.1", "6.12"]
    hotplugfs = os.environ.get("HOTPLUGFS", os.path.join(SRCDIR, "build", "fs", "hotplugfs"))
    why = sim_prerequisites(hotplugfs)
    if why:
        print("SKIP: %s" % why)
        sys.exit(77)
    log = lambda m: print(m, flush=True)  # noqa: E731
    keep = os.environ.get("HOTPLUGFS_KERNEL_WORK")
    workdir = os.path.join(keep, "ndctl") if keep else tempfile.mkdtemp(prefix="hotplugfs-ndctl.")
    os.makedirs(workdir, exist_ok=True)
    passed = failed = ran = 0
    t0 = time.monotonic()
    try:
        for series in series_list:
            try:
                if real_dir:
                    got = read_raw(os.path.join(real_dir, "%s.raw" % series))
                    log("# %s: recorded on Debian %s" % (series, got[0]))
                else:
                    got = run_real(series, workdir, log)
            except (guest.GuestError, TimeoutError, OSError) as e:
                log("FAIL - %s: the guest ran the sequence: %s" % (series, e))
                failed += 1
                ran += 1
                continue
            if got is None:
                continue
            abi, real_text = got
            ran += 1
            try:
                sim_text = run_sim(series, workdir, hotplugfs)
            except RuntimeError as e:
                log("FAIL - %s: the simulator ran the sequence: %s" % (series, e))
                failed += 1
                continue
            real, sim = parse(real_text), parse(sim_text)
            if save:
                os.makedirs(save, exist_ok=True)
                with open(os.path.join(save, "%s.raw" % series), "w") as f:
                    f.write("%s\n# kernel %s\n%s" % (fingerprint(), abi, real_text))
                for name, t in (("real", real), ("sim", sim)):
                    with open(os.path.join(save, "%s.%s" % (series, name)), "w") as f:
                        for i, cmd in enumerate(COMMANDS):
                            rc, lines = t.get(i, (-1, ["<missing>"]))
                            f.write("$ %s\n%s[exit %d]\n" % (cmd, "".join(x + "\n" for x in lines), rc))
            p, f = compare(series, real, sim, log)
            passed += p
            failed += f
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    log("# total %.0f s" % (time.monotonic() - t0))
    if ran == 0:
        print("SKIP: no guest kernel could be fetched (package registry unreachable?)")
        sys.exit(77)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

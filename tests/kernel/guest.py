# SPDX-License-Identifier: GPL-2.0-or-later
"""A Debian kernel booted under QEMU/TCG with a busybox initramfs, driven
from the host.  Standard library only.

    g = Guest(kernel, workdir, modules=["virtio_mem"], kmod="hotplugfs_kmod.ko")
    g.add_file("/host/path", "/guest/path")     # extra files for the initramfs
    g.add_executable("/usr/bin/foo")             # + the shared libraries ldd lists
    g.boot()
    rc, out = g.run("cat /proc/iomem")
    g.qmp("device_add", driver="pc-dimm", id="d1", memdev="m1")
    g.copy_out("/proc/iomem", "/tmp/iomem")
    g.capture("03-dimm-plugged", "/tmp/captures")  # the three views + the module's files
    g.shutdown()

From a shell: python3 tests/kernel/guest.py --help.

Channels: the serial console (ttyS0) goes to console.log in the work
directory; the command channel is a virtio serial port (named
hotplugfs.cmd) on a unix socket, on which /init runs a command agent; QMP
is another unix socket.  Framing on the command channel:
  host -> guest   "<id> <seconds> <base64 of a sh script>\\n"
  guest -> host   "@@BEGIN <id>\\n" base64 of stdout+stderr "@@END <id> <exit code>\\n"
Lines whose id is not a number are skipped by the agent; the host only
takes a reply with the id it sent, and ignores anything else.
A second 8250 port (ttyS1) was the first choice for the channel; under TCG
its replies were lost now and then (about one command in 300: the command
ran, the agent went back to reading, its output never reached the host),
which the virtio port does not do.
"""
import base64
import gzip
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import tarfile
import time

import kernels

QEMU = "qemu-system-x86_64"
BUSYBOX = "/bin/busybox"
# The host's ndctl and daxctl (Guest.add_executable brings their libraries),
# and the guest modules an NVDIMM needs up to kmem (nd_e820 for legacy pmem).
ND_TOOLS = ("/usr/bin/ndctl", "/usr/bin/daxctl")
ND_MODULES = ["nfit", "nd_pmem", "dax_pmem", "device_dax", "kmem"]

INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mkdir -p /proc /sys /dev /tmp /run
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
for m in $(cat /etc/modules.load); do
	insmod "/lib/modules/$m" || echo "init: insmod $m failed"
done
echo "init: reached /init"
port=
for p in /sys/class/virtio-ports/*; do
	[ "$(cat "$p/name" 2>/dev/null)" = hotplugfs.cmd ] && port=/dev/${p##*/}
done
[ -n "$port" ] || { echo "init: no hotplugfs.cmd virtio port"; poweroff -f; }
exec sh /bin/hp-agent "$port"
"""

AGENT = r"""#!/bin/sh
# The command agent on the command channel (see guest.py).
port=$1
exec <> "$port" >&0 2>&0  # one open: a virtio port takes only one
echo "@@READY"
while read -r id secs b64; do
	case $id in ''|*[!0-9]*) continue ;; esac  # not a command
	printf '%s' "$b64" | base64 -d > /tmp/.cmd
	timeout "$secs" sh /tmp/.cmd > /tmp/.out 2>&1 < /dev/null
	rc=$?
	echo "@@BEGIN $id"
	base64 < /tmp/.out
	echo "@@END $id $rc"
done
echo "@@AGENT-EXIT"
"""

# Copies the three views and the module's files into DIR as plain files and
# symlinks (sysfs files report a size of 4096, so tar cannot read them directly).
CAPTURE = r"""#!/bin/sh
set -u
out=$1
rm -rf "$out"; mkdir -p "$out"
grab() {  # grab FILE: its bytes, or nothing when it cannot be read
	mkdir -p "$out$(dirname "$1")"
	cat "$1" > "$out$1" 2>/dev/null || rm -f "$out$1"
}
grab /proc/iomem
for f in /sys/firmware/memmap/*/*; do grab "$f"; done
for d in /sys/devices/system/memory /sys/devices/system/memory/memory*; do
	for f in "$d"/*; do
		if [ -L "$f" ]; then
			mkdir -p "$out$d"; ln -s "$(readlink "$f")" "$out$f"
		elif [ -f "$f" ]; then
			grab "$f"
		fi
	done
done
for f in /sys/module/memory_hotplug/parameters/*; do grab "$f"; done
if [ -d /sys/kernel/debug/hotplugfs ]; then
	for f in version info iomem blocks events_log inject; do
		grab /sys/kernel/debug/hotplugfs/$f
	done
fi
"""


class GuestError(Exception):
    pass


class BootFailed(GuestError):
    pass


def _module_order(moddir, names):
    """The .ko paths (relative to MODDIR) to load for NAMES, dependencies first,
    from modules.dep; names built into the kernel are skipped."""
    deps = {}
    with open(os.path.join(moddir, "modules.dep")) as f:
        for line in f:
            path, _, rest = line.partition(":")
            deps[path] = rest.split()
    by_name = {}
    for path in deps:
        base = os.path.basename(path).split(".ko")[0]
        by_name[base] = path
        by_name[base.replace("-", "_")] = path
    builtin = set()
    with open(os.path.join(moddir, "modules.builtin")) as f:
        for line in f:
            builtin.add(os.path.basename(line.strip()).split(".ko")[0].replace("-", "_"))
    order = []

    def visit(path):
        for d in deps[path]:
            visit(d)
        if path not in order:
            order.append(path)

    for n in names:
        key = n.replace("-", "_")
        if key in builtin:
            continue
        if key not in by_name:
            raise GuestError("no module %s in %s" % (n, moddir))
        visit(by_name[key])
    return order


class Guest:
    def __init__(self, kernel, workdir, *, memory="1G,slots=4,maxmem=8G", machine="pc",
                 smp=1, qemu_args=(), append="", modules=(), kmod=None,
                 boot_timeout=180, life_timeout=1500, log=print):
        """KERNEL is (abi, root) from kernels.ensure().  QEMU_ARGS are extra
        qemu arguments (-object/-device ...), APPEND extra kernel command line,
        MODULES guest kernel modules loaded by /init (with their dependencies),
        KMOD the hotplugfs_kmod.ko put at /lib/modules/hotplugfs_kmod.ko (not
        loaded).  LIFE_TIMEOUT bounds the whole qemu process."""
        self.abi, self.root = kernel
        self.workdir = workdir
        self.memory, self.machine, self.smp = memory, machine, smp
        self.qemu_args = list(qemu_args)
        self.append = append
        # the command channel's driver (built in on 6.12)
        self.modules = ["virtio_pci", "virtio_console"] + list(modules)
        self.kmod = kmod
        self.boot_timeout, self.life_timeout = boot_timeout, life_timeout
        self.log = log
        self.files = []  # (host path, guest path)
        self.proc = None
        self.cmd_sock = None
        self.qmp_sock = None
        self.qmp_events = []
        self._rx = b""
        self._qmp_rx = b""
        self._next_id = 1
        self.boot_seconds = None
        os.makedirs(workdir, exist_ok=True)

    # ---- the initramfs ----

    def add_file(self, host_path, guest_path):
        """HOST_PATH goes into the initramfs at GUEST_PATH (mode kept)."""
        self.files.append((host_path, guest_path))

    def add_executable(self, host_path, guest_path=None):
        """A dynamically linked HOST_PATH with every library `ldd` lists,
        at the same paths in the guest (the loader included)."""
        self.add_file(host_path, guest_path or host_path)
        out = subprocess.run(["ldd", host_path], capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            for p in parts:
                if p.startswith("/") and os.path.exists(p):
                    self.add_file(os.path.realpath(p), p)

    def _put(self, stage, guest_path, data=None, src=None, mode=0o755):
        dst = os.path.join(stage, guest_path.lstrip("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if src is not None:
            shutil.copyfile(src, dst)
            shutil.copymode(src, dst)
        else:
            with open(dst, "wb") as f:
                f.write(data.encode() if isinstance(data, str) else data)
            os.chmod(dst, mode)

    def build_initramfs(self):
        stage = os.path.join(self.workdir, "initramfs")
        shutil.rmtree(stage, ignore_errors=True)
        os.makedirs(stage)
        self._put(stage, "/bin/busybox", src=BUSYBOX)
        self._put(stage, "/init", INIT)
        self._put(stage, "/bin/hp-agent", AGENT)
        self._put(stage, "/bin/hp-capture", CAPTURE)
        moddir = kernels.modules_dir(self.abi, self.root)
        load = []
        for rel in _module_order(moddir, self.modules):
            name = os.path.basename(rel)
            src = os.path.join(moddir, rel)
            if name.endswith(".xz"):  # busybox insmod takes plain ELF; the signature survives
                name = name[:-3]
                data = subprocess.run(["xz", "-dc", src], check=True, capture_output=True).stdout
                self._put(stage, "/lib/modules/" + name, data, mode=0o644)
            else:
                self._put(stage, "/lib/modules/" + name, src=src)
            load.append(name)
        self._put(stage, "/etc/modules.load", "\n".join(load) + "\n", mode=0o644)
        if self.kmod:
            self._put(stage, "/lib/modules/hotplugfs_kmod.ko", src=self.kmod)
        for host, guest in self.files:
            self._put(stage, guest, src=host)
        cpio = subprocess.run("find . -print0 | cpio --null -o -H newc --quiet", shell=True,
                              cwd=stage, check=True, capture_output=True).stdout
        path = os.path.join(self.workdir, "initramfs.gz")
        with open(path, "wb") as f:
            f.write(gzip.compress(cpio, compresslevel=1))
        return path

    # ---- booting ----

    def _qemu_argv(self, initrd):
        w = self.workdir
        append = "console=ttyS0 panic=-1 rdinit=/init " + self.append
        return ["timeout", "--kill-after=5", str(self.life_timeout), QEMU,
                "-accel", "tcg", "-machine", self.machine, "-smp", str(self.smp),
                "-m", self.memory, "-no-reboot", "-nodefaults", "-display", "none",
                "-kernel", kernels.vmlinuz(self.abi, self.root), "-initrd", initrd,
                "-append", append.strip(),
                "-serial", "file:" + os.path.join(w, "console.log"),
                "-qmp", "unix:%s,server=on,wait=off" % os.path.join(w, "qmp.sock"),
                ] + self.qemu_args + [
                # last, so the caller's virtio devices come first (virtio0, ...)
                "-device", "virtio-serial-pci,id=hpser",
                "-chardev", "socket,id=cmd,path=%s,server=on,wait=on" % os.path.join(w, "cmd.sock"),
                "-device", "virtserialport,bus=hpser.0,chardev=cmd,name=hotplugfs.cmd"]

    def _connect(self, path, deadline):
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BootFailed("qemu exited (%s) before %s existed: %s"
                                 % (self.proc.returncode, os.path.basename(path), self._stderr()))
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(path)
                return s
            except OSError:
                s.close()
                time.sleep(0.05)
        raise BootFailed("no %s" % path)

    def _stderr(self):
        try:
            with open(os.path.join(self.workdir, "qemu.stderr")) as f:
                return f.read().strip()[-2000:]
        except OSError:
            return ""

    def _boot_once(self, initrd):
        longest = os.path.join(self.workdir, "cmd.sock")
        if len(longest.encode()) > 100:  # sun_path holds 108 bytes
            raise BootFailed("work directory too long for a unix socket: %s" % self.workdir)
        for name in ("cmd.sock", "qmp.sock", "console.log"):
            try:
                os.unlink(os.path.join(self.workdir, name))
            except FileNotFoundError:
                pass
        self._rx = b""
        self._qmp_rx = b""
        self.qmp_events = []
        with open(os.path.join(self.workdir, "qemu.stderr"), "w") as err:
            self.proc = subprocess.Popen(self._qemu_argv(initrd), stdin=subprocess.DEVNULL,
                                         stdout=err, stderr=err, start_new_session=True)
        start = time.monotonic()
        deadline = start + self.boot_timeout
        self.cmd_sock = self._connect(os.path.join(self.workdir, "cmd.sock"), deadline)
        self.qmp_sock = self._connect(os.path.join(self.workdir, "qmp.sock"), deadline)
        self._qmp_read_message(deadline)  # the greeting
        self.qmp("qmp_capabilities")
        self._read_until(b"@@READY\n", deadline)
        self.boot_seconds = time.monotonic() - start

    def boot(self):
        """Boots; a boot that never reaches /init is retried once (TCG now and
        then oopses early, e.g. while patching kernel text)."""
        initrd = self.build_initramfs()
        for attempt in (1, 2):
            try:
                self._boot_once(initrd)
                return self.boot_seconds
            except (GuestError, TimeoutError, OSError) as e:
                tail = self.console_tail()
                self._kill()
                if attempt == 2:
                    raise BootFailed("%s\n--- console ---\n%s" % (e, tail))
                self.log("# boot attempt 1 failed (%s); retrying" % e)
                log = os.path.join(self.workdir, "console.log")
                if os.path.exists(log):
                    shutil.copyfile(log, os.path.join(self.workdir, "console.boot1.log"))

    def console_tail(self, n=40):
        try:
            with open(os.path.join(self.workdir, "console.log"), "rb") as f:
                lines = f.read().decode(errors="replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return ""

    # ---- the command channel ----

    def _read_until(self, marker, deadline):
        while marker not in self._rx:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no %r from the guest" % marker)
            self.cmd_sock.settimeout(min(left, 0.5))
            try:
                data = self.cmd_sock.recv(65536)
            except socket.timeout:
                if self.proc.poll() is not None:
                    raise GuestError("qemu exited (%s)" % self.proc.returncode)
                continue
            if not data:
                raise GuestError("the guest closed the command channel")
            self._rx += data
        head, _, self._rx = self._rx.partition(marker)
        return head

    def run(self, script, timeout=60):
        """Runs SCRIPT with sh in the guest (killed after TIMEOUT seconds);
        returns (exit code, stdout+stderr as text)."""
        rc, out = self.run_bytes(script, timeout)
        return rc, out.decode(errors="replace")

    def run_bytes(self, script, timeout=60):
        cid = self._next_id
        self._next_id += 1
        b64 = base64.b64encode(script.encode()).decode()
        start = time.monotonic()
        self._transcript("%d > %s" % (cid, script))
        self.cmd_sock.sendall(("%d %d %s\n" % (cid, timeout, b64)).encode())
        deadline = start + timeout + 30
        self._read_until(b"@@BEGIN %d\n" % cid, deadline)
        body = self._read_until(b"@@END %d " % cid, deadline)
        rc = int(self._read_until(b"\n", deadline))
        out = base64.b64decode(body)
        self._transcript("%d < rc=%d %.2fs %s" % (cid, rc, time.monotonic() - start,
                                                 out[:300].decode(errors="replace")))
        return rc, out

    def _transcript(self, line):
        """Every command and its answer, in commands.log of the work directory."""
        with open(os.path.join(self.workdir, "commands.log"), "a") as f:
            f.write(line.rstrip("\n") + "\n")

    def check(self, script, timeout=60):
        """run(), raising GuestError unless the exit code is 0."""
        rc, out = self.run(script, timeout)
        if rc != 0:
            raise GuestError("guest command failed (%d): %s\n%s" % (rc, script, out))
        return out

    def copy_out(self, guest_path, host_path, timeout=120):
        rc, data = self.run_bytes("cat '%s'" % guest_path, timeout)
        if rc != 0:
            raise GuestError("cannot read %s in the guest: %s" % (guest_path, data.decode(errors="replace")))
        with open(host_path, "wb") as f:
            f.write(data)

    def capture(self, step, host_dir, timeout=120):
        """The guest's /proc/iomem, /sys/firmware/memmap, /sys/devices/system/memory
        (and the module's files when loaded) as a tree under HOST_DIR/STEP."""
        rc, data = self.run_bytes("hp-capture /tmp/.capture >/dev/null && "
                                  "tar -C /tmp/.capture -czf - .", timeout)
        if rc != 0:
            raise GuestError("capture failed: %s" % data[-500:])
        dst = os.path.join(host_dir, step)
        shutil.rmtree(dst, ignore_errors=True)
        os.makedirs(dst)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as t:
            t.extractall(dst, filter="tar") if hasattr(tarfile, "tar_filter") else t.extractall(dst)
        return dst

    # ---- QMP ----

    def _qmp_read_message(self, deadline):
        while b"\n" not in self._qmp_rx:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer on QMP")
            self.qmp_sock.settimeout(min(left, 1.0))
            try:
                data = self.qmp_sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise GuestError("QMP closed")
            self._qmp_rx += data
        line, _, self._qmp_rx = self._qmp_rx.partition(b"\n")
        return json.loads(line)

    def qmp(self, command, timeout=30, **arguments):
        """Sends one QMP command; returns its "return" value, raises on "error".
        Events that arrive meanwhile are kept in qmp_events."""
        msg = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        self.qmp_sock.sendall(json.dumps(msg).encode() + b"\n")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._qmp_read_message(deadline)
            if "event" in reply:
                self.qmp_events.append(reply)
                continue
            if "error" in reply:
                raise GuestError("QMP %s: %s" % (command, reply["error"]))
            return reply.get("return")

    def wait_qmp_event(self, name, timeout=60):
        """Waits for (and consumes) the QMP event NAME."""
        deadline = time.monotonic() + timeout
        while True:
            for i, e in enumerate(self.qmp_events):
                if e["event"] == name:
                    return self.qmp_events.pop(i)
            self.qmp_events.append(self._qmp_read_message(deadline))

    # ---- the end ----

    def _kill(self):
        for s in (self.cmd_sock, self.qmp_sock):
            if s:
                s.close()
        self.cmd_sock = self.qmp_sock = None
        if self.proc and self.proc.poll() is None:
            # TERM to `timeout`, which passes it on to qemu and reaps it (killing
            # the group would orphan qemu); KILL the group if that does not do
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self.proc:
            self.proc.wait()

    def shutdown(self, timeout=20):
        """Powers the guest off (QMP quit), killing qemu if it does not go."""
        if self.proc and self.proc.poll() is None and self.qmp_sock:
            try:
                self.qmp("quit", timeout=5)
            except (GuestError, OSError, TimeoutError):
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        self._kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()


def main(argv=None):
    """guest.py [options] [--] COMMAND: boots a Debian kernel, runs COMMAND with
    sh in the guest, prints its output, exits with its exit code (77 when no
    kernel can be had).  For trying things by hand and for scripts."""
    import argparse
    import sys
    import tempfile

    p = argparse.ArgumentParser(description=main.__doc__)
    p.add_argument("--series", default="6.12", choices=sorted(kernels.SERIES))
    p.add_argument("--memory", default="1G,slots=4,maxmem=8G", help="qemu -m")
    p.add_argument("--machine", default="pc", help="qemu -machine")
    p.add_argument("--append", default="", help="extra kernel command line")
    p.add_argument("--qemu", action="append", default=[], metavar="ARG",
                   help="an extra qemu argument (repeat: --qemu=-device --qemu=...)")
    p.add_argument("--module", action="append", default=[], metavar="NAME",
                   help="a guest kernel module for /init to load (with its dependencies)")
    p.add_argument("--kmod", metavar="KO", help="put this hotplugfs_kmod.ko at /lib/modules/")
    p.add_argument("--file", action="append", default=[], metavar="HOST:GUEST",
                   help="an extra host file for the initramfs")
    p.add_argument("--exec", action="append", default=[], metavar="PATH",
                   help="a host executable plus the libraries ldd lists")
    p.add_argument("--capture", metavar="DIR", help="after COMMAND, capture the views into DIR/after")
    p.add_argument("--workdir", help="work directory (default: a temporary one, removed)")
    p.add_argument("--timeout", type=int, default=120, help="seconds COMMAND may run")
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args(argv)
    command = " ".join(a.command[1:] if a.command[:1] == ["--"] else a.command) or "true"
    try:
        kernel = kernels.ensure(a.series, log=lambda m: print(m, file=sys.stderr))
    except kernels.Unavailable as e:
        print("SKIP: %s" % e, file=sys.stderr)
        return 77
    workdir = a.workdir or tempfile.mkdtemp(prefix="hotplugfs-guest.")
    g = Guest(kernel, workdir, memory=a.memory, machine=a.machine, qemu_args=a.qemu,
              append=a.append, modules=a.module, kmod=a.kmod,
              log=lambda m: print(m, file=sys.stderr))
    for spec in a.file:
        host, _, guest_path = spec.partition(":")
        g.add_file(host, guest_path or host)
    for path in a.exec:
        g.add_executable(path)
    try:
        g.boot()
        print("# booted in %.1f s" % g.boot_seconds, file=sys.stderr)
        rc, out = g.run_bytes(command, a.timeout)
        sys.stdout.buffer.write(out)
        if a.capture:
            g.capture("after", a.capture)
        return rc
    finally:
        g.shutdown()
        if not a.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

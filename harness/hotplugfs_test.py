# SPDX-License-Identifier: GPL-2.0-or-later
"""hotplugfs_test: a machine for your own Python tests.

A Machine is `hotplugfs run --control SOCKET FIXTURE` held open: tools run
inside it with Machine.run() (hotplugfs exec), see the machine's
/proc/iomem and /sys/devices/system/memory at the real paths, and see
what earlier tools and control verbs changed.  No root is needed where the
kernel allows user namespaces (README.md, "Without root").

With pytest, load the fixture in a conftest.py:

    pytest_plugins = ["hotplugfs_test"]

and ask for `hotplugfs_machine` (qemu-vm-4g unless a test is marked
@pytest.mark.hotplugfs_fixture("NAME-or-FILE")):

    def test_chmem(hotplugfs_machine):
        m = hotplugfs_machine
        assert m.run("chmem", "-d", "256M").returncode == 0
        m.assert_file("sys/devices/system/memory/memory47/state", "offline")

Environment: HOTPLUGFS names the binary (default: hotplugfs from PATH).
"""
import json
import os
import shutil
import subprocess
import tempfile
import time

__all__ = ["Machine", "HotplugfsError", "hotplugfs_machine"]

VIEWS = {
    "memmap": "sys/firmware/memmap",
    "memory": "sys/devices/system/memory",
    "node": "sys/devices/system/node",
}


class HotplugfsError(Exception):
    """A machine that did not start, or a control verb that was refused."""


def _binary():
    return os.environ.get("HOTPLUGFS") or shutil.which("hotplugfs") or "hotplugfs"


class Machine:
    """A running machine: its control socket, its files and helpers.

    fixture: a fixture file, or the name of an installed one ("qemu-vm-4g").
    run_options: more `hotplugfs run` options, such as ["--kexec-safe"].
    """

    def __init__(self, fixture, run_options=(), hotplugfs=None, timeout=30):
        self.fixture = fixture
        self.hotplugfs = hotplugfs or _binary()
        self.dir = tempfile.mkdtemp(prefix="hotplugfs-test.")
        self.socket = os.path.join(self.dir, "control")
        self.mount = None
        self.pid = None
        info = os.path.join(self.dir, "info")
        self._stderr = open(os.path.join(self.dir, "stderr"), "w+b")
        # The machine lives as long as its CMD, cat, reads our pipe: it ends
        # when stop() closes the pipe, or when this process dies.
        holder = 'echo "$$ $HOTPLUGFS_MOUNT" > "$1.tmp" && mv "$1.tmp" "$1" && exec cat > /dev/null'
        self._proc = subprocess.Popen(
            [self.hotplugfs, "run", "--control", self.socket, *run_options, fixture,
             "--", "sh", "-c", holder, "sh", info],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._stderr)
        deadline = time.monotonic() + timeout
        while not (os.path.exists(info) and os.path.exists(self.socket)):
            if self._proc.poll() is not None or time.monotonic() > deadline:
                why = self.stderr()
                self.stop()
                raise HotplugfsError("the machine %s did not start: %s" % (fixture, why.strip()))
            time.sleep(0.05)
        with open(info) as f:
            pid, mnt = f.read().split()
        self.pid = int(pid)
        # The mount lives in run's namespace; /proc/PID/root reaches it.
        self.mount = "/proc/%d/root%s" % (self.pid, mnt)

    # -- lifetime ---------------------------------------------------------

    def stop(self):
        """Ends the machine; returns `hotplugfs run`'s exit status."""
        if self._proc is None:
            return None
        if self._proc.stdin:
            self._proc.stdin.close()
        try:
            rc = self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            rc = self._proc.wait()
        self._proc = None
        self._stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return rc

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stderr(self):
        """What `hotplugfs run` printed so far (intercepted kexec calls ...)."""
        self._stderr.flush()
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    # -- tools and control ---------------------------------------------------

    def run(self, *cmd, check=False, input=None, timeout=120):
        """Runs cmd inside the machine; a CompletedProcess with text output."""
        return subprocess.run([self.hotplugfs, "exec", self.socket, "--", *cmd],
                              input=input, capture_output=True, text=True, check=check,
                              timeout=timeout)

    def ctl(self, verb, **args):
        """A control verb (docs/control-protocol.md); its result as a dict.

        Values go as JSON: ctl("dimm-add", start="0x180000000", size="1G").
        """
        request = dict(args, op=verb)
        p = subprocess.run([self.hotplugfs, "ctl", self.socket, "--json", json.dumps(request)],
                           capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise HotplugfsError(p.stderr.strip() or "ctl %s: exit status %d" % (verb, p.returncode))
        return json.loads(p.stdout)

    def plug_dimm(self, start, size, node=None):
        """Adds an ACPI DIMM; its device name (for unplug_dimm)."""
        args = {"start": start, "size": size}
        if node is not None:
            args["node"] = node
        return self.ctl("dimm-add", **args)["device"]

    def unplug_dimm(self, device):
        return self.ctl("dimm-eject", device=device)

    # -- files and views -------------------------------------------------------

    def path(self, rel):
        return os.path.join(self.mount, rel.lstrip("/"))

    def read(self, rel):
        with open(self.path(rel)) as f:
            return f.read()

    def write(self, rel, text):
        """One write(2), as `echo TEXT > FILE`; OSError carries the kernel's errno."""
        fd = os.open(self.path(rel), os.O_WRONLY)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)

    def view(self, name):
        """iomem, memmap, memory or node as `hotplugfs show` prints it, from
        the running machine (iomem as this process may read it)."""
        if name == "iomem":
            return self.read("proc/iomem")
        if name not in VIEWS:
            raise ValueError("unknown view %r (iomem, memmap, memory, node)" % name)
        root = self.path(VIEWS[name])
        out = []
        self._walk(root, "", out)
        return "".join(out)

    def _walk(self, root, rel, out):
        # Directory order, each directory descended into in turn, as show walks.
        with os.scandir(os.path.join(root, rel)) as it:
            entries = list(it)
        for e in entries:
            path = os.path.join(rel, e.name) if rel else e.name
            if e.is_symlink():
                out.append("%s -> %s\n" % (path, os.readlink(e.path)))
            elif e.is_dir():
                self._walk(root, path, out)
            elif e.stat().st_mode & 0o444:
                try:
                    with open(e.path) as f:
                        text = f.read()
                except OSError as err:
                    out.append("%s: <%s>\n" % (path, os.strerror(err.errno)))
                    continue
                if not text:
                    out.append("%s: <empty>\n" % path)
                elif not text.endswith("\n"):
                    out.append("%s: %s <no newline>\n" % (path, text))
                else:
                    out.append("%s: %s" % (path, text))

    def lsmem(self):
        """lsmem -J -a -b with every column, run inside: the list of blocks."""
        p = self.run("lsmem", "-J", "-a", "-b", "-o", "RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES",
                     check=True)
        return json.loads(p.stdout)["memory"]

    # -- assertions --------------------------------------------------------------

    def assert_file(self, rel, expected):
        got = self.read(rel).rstrip("\n")
        assert got == expected, "%s is %r, expected %r" % (rel, got, expected)

    def assert_view(self, name, expected):
        got = self.view(name)
        if got != expected:
            import difflib
            diff = "".join(difflib.unified_diff(expected.splitlines(True), got.splitlines(True),
                                                "expected", "machine"))
            raise AssertionError("view %s differs:\n%s" % (name, diff))


try:
    import pytest
except ImportError:  # the module works without pytest too
    pytest = None

if pytest is not None:
    def pytest_configure(config):
        config.addinivalue_line(
            "markers", "hotplugfs_fixture(name): the fixture hotplugfs_machine runs")

    @pytest.fixture
    def hotplugfs_machine(request):
        """A running Machine of qemu-vm-4g, or of the test's hotplugfs_fixture mark."""
        marker = request.node.get_closest_marker("hotplugfs_fixture")
        fixture = marker.args[0] if marker else getattr(request, "param", "qemu-vm-4g")
        with Machine(fixture) as m:
            yield m

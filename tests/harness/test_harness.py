# SPDX-License-Identifier: GPL-2.0-or-later
"""harness/hotplugfs_test.py, the Python library users' tests import: views
read from a running machine equal `hotplugfs show`, lsmem inside equals
`show --json memory`, stores carry the kernel's errno, refusals raise, and
stopping leaves nothing behind.  Runs as root or as an ordinary user."""
import errno
import json
import os
import subprocess

import pytest

from hotplugfs_test import HotplugfsError, Machine

SRCDIR = os.environ["SRCDIR"]
FIXTURE = os.path.join(SRCDIR, "fixtures", "qemu-vm-4g.json")


def show(*args):
    return subprocess.run([os.environ["HOTPLUGFS"], "show", *args], check=True,
                          capture_output=True, text=True).stdout


@pytest.mark.parametrize("view", ["memmap", "memory", "node"])
def test_views_equal_show(hotplugfs_machine, view):
    assert hotplugfs_machine.view(view) == show(FIXTURE, view)
    hotplugfs_machine.assert_view(view, show(FIXTURE, view))


@pytest.mark.parametrize("name", ["qemu-vm-4g", "chmem-vm", "server-2s-512g"])
def test_lsmem_inside_equals_show_json(name):
    with Machine(name) as m:
        assert m.lsmem() == json.loads(show("--json", name, "memory"))["memory"]


def test_run_status_and_output(hotplugfs_machine):
    p = hotplugfs_machine.run("sh", "-c", "cat /sys/devices/system/memory/memory0/state; exit 3")
    assert (p.returncode, p.stdout) == (3, "online\n")


def test_store_and_errno(hotplugfs_machine):
    m = hotplugfs_machine
    m.write("sys/devices/system/memory/memory40/state", "offline")
    m.assert_file("sys/devices/system/memory/memory40/state", "offline")
    assert m.run("cat", "/sys/devices/system/memory/memory40/state").stdout == "offline\n"
    with pytest.raises(OSError) as e:
        m.write("sys/devices/system/memory/memory40/state", "bogus")
    assert e.value.errno == errno.EINVAL
    with pytest.raises(AssertionError, match="memory40/state: offline"):
        m.assert_view("memory", show(FIXTURE, "memory"))


def test_ctl(hotplugfs_machine):
    m = hotplugfs_machine
    assert m.plug_dimm("0x180000000", "1G") == "dimm0"
    assert len(m.lsmem()) == 40
    with pytest.raises(HotplugfsError, match="dimm9"):
        m.unplug_dimm("dimm9")


@pytest.mark.hotplugfs_fixture("chmem-vm")
def test_marker_picks_the_fixture(hotplugfs_machine):
    assert hotplugfs_machine.fixture == "chmem-vm"
    assert hotplugfs_machine.view("memory") == show("chmem-vm", "memory")


def test_stop_leaves_nothing():
    m = Machine(FIXTURE)
    d, sock = m.dir, m.socket
    assert m.stop() == 0
    assert not os.path.exists(d) and not os.path.exists(sock)


def test_a_bad_fixture_raises(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{ "hotplugfs-fixture": 1, "description": "bad", "e820": 7 }')
    with pytest.raises(HotplugfsError, match=str(bad) + ": "):
        Machine(str(bad))

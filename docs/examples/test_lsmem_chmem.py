# SPDX-License-Identifier: GPL-2.0-or-later
"""An example pytest test of lsmem and chmem against a simulated machine.

Run it with the hotplugfs_test module on the Python path (installed, or
harness/ of a source tree):

    pytest -p hotplugfs_test test_lsmem_chmem.py

No root is needed (chmem is in /usr/sbin: have that on PATH).  Each test
gets its own machine (hotplugfs_machine).
"""
import pytest

GIB = 1 << 30


def online_bytes(blocks):
    return sum(b["size"] for b in blocks if b["state"] == "online")


def test_lsmem_sees_the_machine(hotplugfs_machine):
    blocks = hotplugfs_machine.lsmem()
    assert len(blocks) == 32
    assert online_bytes(blocks) == 4 * GIB
    assert {b["node"] for b in blocks} == {0}


def test_chmem_takes_blocks_offline(hotplugfs_machine):
    m = hotplugfs_machine
    p = m.run("chmem", "-v", "-d", "256M")
    assert p.returncode == 0, p.stderr
    assert "Memory Block 47 (0x0000000178000000-0x000000017fffffff) disabled" in p.stdout
    m.assert_file("sys/devices/system/memory/memory47/state", "offline")
    assert online_bytes(m.lsmem()) == 4 * GIB - 256 * 2**20


def test_a_plugged_dimm_can_be_onlined(hotplugfs_machine):
    m = hotplugfs_machine
    assert m.plug_dimm(start="0x180000000", size="1G") == "dimm0"
    m.assert_file("sys/devices/system/memory/memory48/state", "offline")
    assert m.run("chmem", "-e", "1G").returncode == 0
    assert online_bytes(m.lsmem()) == 5 * GIB


@pytest.mark.hotplugfs_fixture("chmem-vm")
def test_another_fixture(hotplugfs_machine):
    assert hotplugfs_machine.run("lsmem").returncode == 0

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What travels on NETLINK_KOBJECT_UEVENT, for tests/tools/udev.sh.

  udev_wire.py listen --out FILE --ready FILE [--seconds S] [--count N] [--groups G]
      Binds to the groups G (a bit mask; default 2, udev's), touches the
      ready file, then writes one line per datagram until S seconds passed
      or N datagrams came:
        group=G port=P uid=U | libudev magic=M header_size=H properties_off=O
        properties_len=L subsystem=S devtype=D bloom=HI:LO | KEY=VALUE KEY=VALUE ...
      (a kernel-format datagram has "| kernel HEADER |" instead).  A header
      whose offsets or lengths do not match the datagram is written as
      "BAD ..." with the reason.
  udev_wire.py inject ACTION DEVPATH SUBSYSTEM [KEY=VALUE ...]
      Sends a uevent to the kernel's uevent socket of this network namespace
      (uevent_net_rcv(), lib/kobject_uevent.c, 4.18+), which broadcasts it to
      the kernel group as from the kernel itself, with SEQNUM appended.  Needs
      CAP_SYS_ADMIN over the namespace's owner: used only in a sandbox that
      runs systemd-udevd, never in the host's namespace.
"""
import argparse
import os
import socket
import struct
import sys
import time

NETLINK_KOBJECT_UEVENT = 15
SO_PASSCRED = 16
SCM_CREDENTIALS = 2
HEADER = struct.Struct("=8sIIIIIIII")   # struct monitor_netlink_header (systemd 252)


def describe(data, addr, anc):
    port, group = addr
    uid = "?"
    for level, kind, d in anc:
        if level == socket.SOL_SOCKET and kind == SCM_CREDENTIALS:
            uid = struct.unpack("=iII", d[:12])[1]
    where = "group=%d port=%d uid=%s" % (group, port, uid)
    if data.startswith(b"libudev\0"):
        if len(data) < HEADER.size:
            return "BAD %s | short libudev header (%d bytes)" % (where, len(data))
        f = HEADER.unpack_from(data)
        be = lambda i: struct.unpack_from(">I", data, 8 + 4 * i)[0]   # network order fields
        hsize, off, plen = f[2], f[3], f[4]
        if off != hsize or off + plen != len(data):
            return "BAD %s | header_size=%d properties_off=%d properties_len=%d in %d bytes" % (
                where, hsize, off, plen, len(data))
        head = ("libudev magic=%08x header_size=%d properties_off=%d properties_len=%d "
                "subsystem=%08x devtype=%08x bloom=%08x:%08x" %
                (be(0), hsize, off, plen, be(4), be(5), be(6), be(7)))
        props = data[off:off + plen]
    else:
        end = data.find(b"\0")
        head = "kernel " + data[:end].decode(errors="replace")
        props = data[end + 1:]
    if not props.endswith(b"\0"):
        return "BAD %s | properties not NUL-terminated" % where
    keys = [p.decode(errors="replace") for p in props[:-1].split(b"\0")]
    return "%s | %s | %s" % (where, head, " ".join(keys))


def listen(a):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC,
                      NETLINK_KOBJECT_UEVENT)
    s.setsockopt(socket.SOL_SOCKET, SO_PASSCRED, 1)
    s.bind((0, a.groups))
    open(a.ready, "w").close()
    deadline = time.monotonic() + a.seconds
    n = 0
    with open(a.out, "w") as out:
        while n < a.count:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            s.settimeout(left)
            try:
                data, anc, _, addr = s.recvmsg(65536, socket.CMSG_SPACE(12))
            except socket.timeout:
                break
            out.write(describe(data, addr, anc) + "\n")
            out.flush()
            n += 1
    return 0


def inject(a):
    body = "%s@%s\0ACTION=%s\0DEVPATH=%s\0SUBSYSTEM=%s\0" % (
        a.action, a.devpath, a.action, a.devpath, a.subsystem)
    body = (body + "".join(v + "\0" for v in a.vars)).encode()
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW | socket.SOCK_CLOEXEC,
                      NETLINK_KOBJECT_UEVENT)
    s.bind((0, 0))
    # nlmsghdr: netlink_rcv_skb() hands uevent_net_rcv_skb() only requests
    # of a type >= NLMSG_MIN_TYPE (0x10); NLM_F_REQUEST | NLM_F_ACK.
    s.sendto(struct.pack("=IHHII", 16 + len(body), 0x10, 0x5, 1, 0) + body, (0, 0))
    ack = s.recv(4096)
    err = struct.unpack_from("=i", ack, 16)[0]
    if err:
        print("inject: %s" % os.strerror(-err), file=sys.stderr)
        return 1
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="verb", required=True)
    li = sub.add_parser("listen")
    li.add_argument("--out", required=True)
    li.add_argument("--ready", required=True)
    li.add_argument("--seconds", type=float, default=30)
    li.add_argument("--count", type=int, default=1 << 30)
    li.add_argument("--groups", type=int, default=2)
    inj = sub.add_parser("inject")
    inj.add_argument("action")
    inj.add_argument("devpath")
    inj.add_argument("subsystem")
    inj.add_argument("vars", nargs="*")
    a = p.parse_args()
    return listen(a) if a.verb == "listen" else inject(a)


if __name__ == "__main__":
    sys.exit(main())

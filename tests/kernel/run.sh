#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real Debian 6.1 and 6.12 kernels under QEMU/TCG: kmod/ (kmod_test.py), or
# with --live `hotplugfs mount --live` (live_test.py), with --ndctl ndctl
# and daxctl on an emulated NVDIMM against `hotplugfs run` (ndctl_test.py), or
# with --diff the simulator predicting each step of the kernel (differential.py).
# Usage: bash tests/kernel/run.sh [--live|--ndctl|--diff] [6.1|6.12 ...]
# Env:   HOTPLUGFS_SKIP_KERNEL=1 skips (exit 77), e.g. for the sanitizer pass;
#        SRCDIR (default: this checkout), HOTPLUGFS_KERNEL_CACHE,
#        HOTPLUGFS_KERNEL_WORK, HOTPLUGFS_KERNEL_CAPTURES: see kmod_test.py;
#        HOTPLUGFS (--live, --ndctl, --diff): the binary to test (default: $SRCDIR/build/fs/hotplugfs).
# Ends with "N passed, N failed"; 77 when no guest kernel can be had.
set -u
skip() { echo "SKIP: $*"; exit 77; }
script=kmod_test.py
case "${1:-}" in
--live) script=live_test.py; shift ;;
--ndctl) script=ndctl_test.py; shift ;;
--diff) script=differential.py; shift ;;
esac
[ "${HOTPLUGFS_SKIP_KERNEL:-}" = 1 ] && skip "HOTPLUGFS_SKIP_KERNEL=1"
for tool in qemu-system-x86_64 cpio xz make gcc-12 depmod apt-get apt-cache dpkg-deb python3 timeout; do
	command -v "$tool" > /dev/null || skip "$tool is missing (.ci/install-deps installs it)"
done
# the initramfs has no libraries: busybox must be the static one (busybox-static)
[ -x /bin/busybox ] && ! ldd /bin/busybox > /dev/null 2>&1 ||
	skip "/bin/busybox is missing or not static (package busybox-static)"
cache=${HOTPLUGFS_KERNEL_CACHE:-/var/cache/hotplugfs-kernels}
mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || skip "cannot write the kernel cache $cache"
export PYTHONDONTWRITEBYTECODE=1  # keep the source tree clean
export SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
exec timeout --kill-after=30 1700 python3 "$SRCDIR/tests/kernel/$script" "$@"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-out-of-tree.sh KDIR BUILD_DIR OUT_KO: builds hotplugfs_kmod.ko from a
# copy of this directory in BUILD_DIR (kbuild writes next to the sources)
# against the kernel headers at KDIR, and copies it to OUT_KO.
# The Debian 6.1 kbuild's compiler probes now and then fail on a loaded
# machine (the module then wants mcount and modpost refuses it): one clean
# retry before giving up.
set -u
kdir=$1 build=$2 out=$3
src=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$kdir/Makefile" ]; then
	echo "build-out-of-tree.sh: $kdir has no kernel headers (no Makefile)" >&2
	exit 1
fi
for attempt in 1 2; do
	rm -rf "$build"
	mkdir -p "$build"
	cp "$src"/Kbuild "$src"/Makefile "$src"/*.c "$src"/*.h "$build"/
	if make -C "$build" KDIR="$kdir" > "$build/make.log" 2>&1 && [ -f "$build/hotplugfs_kmod.ko" ]; then
		cp "$build/hotplugfs_kmod.ko" "$out"
		exit 0
	fi
	echo "build-out-of-tree.sh: attempt $attempt failed:" >&2
	tail -n 20 "$build/make.log" >&2
done
exit 1

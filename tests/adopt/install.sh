#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `meson install` into a fresh prefix gives a working tool: every file in
# place; the installed binary runs the README's example by fixture name (no
# HOTPLUGFS_FIXTURES_DIR: the compiled-in directory); `man -l` renders each
# page without a warning; bash completion, loaded the way bash-completion
# loads it, completes a fixture name, views and verbs; the installed harness
# runs the installed examples; and, as root, mount(8) uses the installed
# helper: `mount -t fuse.hotplugfs NAME DIR`, an fstab line, and mount.fuse3's
# hotplugfs#NAME.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
if [ "${HOTPLUGFS_SANITIZE:-}" = 1 ]; then
	echo "SKIP: builds its own copy; the plain run covers it"; exit 77
fi
[ "$(id -u)" = 0 ] && in_private_ns 900 "$@"
scratch install
unset HOTPLUGFS_FIXTURES_DIR
P=$T/prefix

# --- install ----------------------------------------------------------------------------
if ! { meson setup "$T/build" "$SRCDIR" --prefix="$P" && ninja -C "$T/build" fs/hotplugfs &&
       meson install -C "$T/build" --no-rebuild; } > "$T/build.log" 2>&1; then
	tail -20 "$T/build.log"; bad "meson setup, build and install"; finish; exit 1
fi
PYDIR=$(dirname "$(find "$P" -name hotplugfs_test.py | head -1)")
for f in bin/hotplugfs share/man/man1/hotplugfs.1 share/man/man1/hotplugfs-ctl.1 \
	share/man/man5/hotplugfs-fixture.5 share/bash-completion/completions/hotplugfs \
	share/doc/hotplugfs/COPYING share/doc/hotplugfs/fixture-format.md \
	share/doc/hotplugfs/control-protocol.md share/doc/hotplugfs/examples/lsmem-chmem.sh \
	share/doc/hotplugfs/examples/test_lsmem_chmem.py share/hotplugfs/hotplugfs-test.sh; do
	check "installed: $f" test -s "$P/$f"
done
check "installed: the Python module" test -s "$PYDIR/hotplugfs_test.py"
same "installed: every fixture" "$(ls "$P/share/hotplugfs/fixtures" | sort)" \
	"$(ls "$SRCDIR/fixtures" | sort)"
same "installed: mount.fuse.hotplugfs is the binary" "$(readlink -f "$P/sbin/mount.fuse.hotplugfs")" \
	"$P/bin/hotplugfs"
check "COPYING is the GPL, version 2" grep -q 'Version 2, June 1991' "$P/share/doc/hotplugfs/COPYING"
# The example CI job installs to /usr/local and uses these paths.
for path in $(grep -o '/usr/local/share/[^ "]*' "$SRCDIR/docs/examples/github-ci.yml" | sort -u); do
	check "the CI example's $path is installed" test -e "$P/${path#/usr/local/}"
done

# --- the installed binary, by fixture name --------------------------------------------
export PATH=$P/bin:$PATH
same "hotplugfs is the installed one" "$(command -v hotplugfs)" "$P/bin/hotplugfs"
hotplugfs show qemu-vm-4g iomem > "$T/iomem" 2> "$T/err"
same "installed: show qemu-vm-4g iomem by name" "$?" 0
check "installed: the installed fixture's view" cmp -s "$T/iomem" <("$HOTPLUGFS" show "$SRCDIR/fixtures/qemu-vm-4g.json" iomem)
can_run=1
hotplugfs run qemu-vm-4g -- true 2> "$T/refused" || can_run=0
if [ $can_run = 1 ]; then
	# The README's example, word for word but for the fixture's name.
	hotplugfs run qemu-vm-4g -- lsmem > "$T/lsmem"
	same "installed: hotplugfs run qemu-vm-4g -- lsmem" "$?" 0
	same "  prints the machine's memory" "$(grep -c '^0x' "$T/lsmem")" 2
	check "  4G online" grep -q '^Total online memory: *4G$' "$T/lsmem"
else
	echo "note: hotplugfs run cannot run here: $(cat "$T/refused")"
fi

# --- man pages --------------------------------------------------------------------------
for page in "$P"/share/man/man1/*.1 "$P"/share/man/man5/*.5; do
	MANWIDTH=80 man --warnings -l "$page" > "$T/man.out" 2> "$T/man.err"
	same "man -l $(basename "$page"): exit 0" "$?" 0
	check "man -l $(basename "$page"): no warning" test ! -s "$T/man.err"
	check "man -l $(basename "$page"): rendered" grep -q '^NAME' "$T/man.out"
done
check "hotplugfs(1) has the exit status table" grep -q '3 *runtime error' \
	<(MANWIDTH=200 man -l "$P/share/man/man1/hotplugfs.1")
for sub in mount run exec show ctl map capture; do
	check "hotplugfs(1) describes $sub" grep -qE "^       $sub( |\$)" \
		<(MANWIDTH=200 man -l "$P/share/man/man1/hotplugfs.1")
done

# --- bash completion ------------------------------------------------------------------------
# bash-completion loads it from XDG_DATA_DIRS (bash_completion's
# __load_completion), as for any prefix but /usr and /usr/local.
export XDG_DATA_DIRS=$P/share:/usr/local/share:/usr/share
complete_line() {
	bash -i -c '
		. /usr/share/bash-completion/bash_completion
		__load_completion hotplugfs || exit 1
		read -ra COMP_WORDS <<< "$1"
		[ "${1: -1}" = " " ] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) COMP_LINE=$1 COMP_POINT=${#1}
		_hotplugfs hotplugfs "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort -u' bash "$1" 2> /dev/null
}
if [ -r /usr/share/bash-completion/bash_completion ]; then
	same "completion: registered" "$(bash -i -c '. /usr/share/bash-completion/bash_completion
		__load_completion hotplugfs; complete -p hotplugfs' 2> /dev/null)" "complete -F _hotplugfs hotplugfs"
	same "completion: a fixture name" "$(cd "$T" && complete_line 'hotplugfs run qemu-vm')" qemu-vm-4g
	same "completion: fixture names for show" "$(cd "$T" && complete_line 'hotplugfs show server' | tr '\n' ' ')" \
		"server-2s-512g "
	same "completion: views" "$(complete_line 'hotplugfs show qemu-vm-4g m' | tr '\n' ' ')" "memmap memory "
	same "completion: ctl verbs" "$(complete_line 'hotplugfs ctl /tmp/sock dimm-' | tr '\n' ' ')" \
		"dimm-add dimm-eject "
	same "completion: subcommands" "$(complete_line 'hotplugfs ' | grep -v '^-' | tr '\n' ' ')" \
		"capture ctl exec map mount run show "
	verbs=$(sed -n 's/^\t{ "\([a-z0-9-]*\)", op_.*/\1/p' "$SRCDIR/core/ops.c" | sort | tr '\n' ' ')
	got=$(complete_line 'hotplugfs ctl /tmp/sock ' | grep -v '^watch$\|^stats$' | tr '\n' ' ')
	same "completion: every verb of core/ops.c" "$got" "$verbs"
else
	echo "note: no bash-completion installed: completion not checked"
fi

# --- the installed harness runs the installed examples -------------------------------------
if [ $can_run = 1 ]; then
	HOTPLUGFS_TEST_SH=$P/share/hotplugfs/hotplugfs-test.sh timeout 300 env -u HOTPLUGFS \
		bash "$P/share/doc/hotplugfs/examples/lsmem-chmem.sh" > "$T/ex.out" 2>&1
	same "installed shell example passes" "$?" 0
	tail -1 "$T/ex.out"
	for py in python3 /usr/bin/python3; do
		"$py" -c 'import pytest' 2> /dev/null || continue
		(cd "$T" && unset HOTPLUGFS && PYTHONPATH=$PYDIR timeout 300 "$py" -m pytest -q -p hotplugfs_test \
			-p no:cacheprovider "$P/share/doc/hotplugfs/examples/test_lsmem_chmem.py") > "$T/py.out" 2>&1
		same "installed pytest example passes" "$?" 0
		tail -1 "$T/py.out"
		break
	done
fi

# --- mount(8): the installed helper, fstab, mount.fuse3 --------------------------------------
if [ "$(id -u)" != 0 ]; then
	echo "note: not root: mount(8) not checked"; finish; exit
fi
sbin=$(readlink -f /sbin)
mkdir -p "$T/sbin-extra" "$T/m1" "$T/m2" "$T/m3"
cp -P "$P/sbin/mount.fuse.hotplugfs" "$T/sbin-extra/"
# /sbin gains the helper in this namespace only: a read-only overlay of it.
if mount -t overlay hotplugfs-sbin -o "lowerdir=$T/sbin-extra:$sbin" "$sbin" 2> "$T/ovl.err"; then
	mount -t fuse.hotplugfs qemu-vm-4g "$T/m1"
	same "mount -t fuse.hotplugfs qemu-vm-4g DIR" "$?" 0
	same "  the machine is there" "$(cat "$T/m1/sys/devices/system/memory/block_size_bytes" 2>&1)" 8000000
	same "  findmnt: fuse.hotplugfs" "$(findmnt -n -o FSTYPE,SOURCE "$T/m1")" "fuse.hotplugfs hotplugfs"
	umount "$T/m1"
	same "  umount" "$?" 0
	echo "qemu-vm-4g  $T/m2  fuse.hotplugfs  noauto,allow_other,control=$T/c2  0 0" > "$T/fstab"
	mount -T "$T/fstab" "$T/m2"
	same "an fstab line: mount DIR" "$?" 0
	check "  allow_other from fstab" grep -q "allow_other" <(findmnt -n -o FS-OPTIONS "$T/m2")
	same "  control= from fstab" "$(hotplugfs ctl "$T/c2" dimm-add start=0x180000000 size=1G | grep -c dimm0)" 1
	check "  the DIMM shows" test -d "$T/m2/sys/devices/system/memory/memory55"
	umount "$T/m2"
	umount "$sbin"
else
	echo "note: no overlayfs here ($(cat "$T/ovl.err")): the helper in /sbin not checked"
fi
# mount.fuse3 runs `hotplugfs ...` through /bin/sh, and mount(8) passes no
# PATH: the shell's default one must find it, as it finds /usr/local/bin.
mkdir -p "$T/bin-extra"
ln -s "$P/bin/hotplugfs" "$T/bin-extra/hotplugfs"
if mount -t overlay hotplugfs-bin -o "lowerdir=$T/bin-extra:/usr/local/bin" /usr/local/bin 2> /dev/null; then
	mount -t fuse "hotplugfs#qemu-vm-4g" "$T/m3"
	same "mount.fuse3: mount -t fuse hotplugfs#qemu-vm-4g DIR" "$?" 0
	same "  the machine is there" "$(cat "$T/m3/sys/devices/system/memory/block_size_bytes" 2>&1)" 8000000
	umount "$T/m3"
	umount /usr/local/bin
fi
finish

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kexec-tools 2.0.25, unmodified, against every fixture through
# `hotplugfs run --kexec-safe` (docs/kexec.md):
#  - `kexec -d -l`: MEMORY RANGES equal what the model predicts
#    (tests/tools/kexec_expect.py applies kexec-tools' rules to
#    `hotplugfs show FIX memmap|iomem`; never to kexec's own output);
#  - `kexec -d -p`: CRASH MEMORY RANGES and the RAM PT_LOADs (driver-managed
#    RAM included, Crash kernel cut out); no reservation: kexec's own message;
#  - `kexec --print-ckr-size`;
#  - the host kernel is never asked to load anything: the calls are
#    intercepted and answered, kexec_loaded reads 1 inside the machine only.
# The kernel image is Debian's linux-image-6.1.0-*-amd64-unsigned, unpacked
# with dpkg-deb -x into $KEXEC_CACHE (never installed).
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
KEXEC_CACHE=${KEXEC_CACHE:-/var/cache/hotplugfs-kexec}

skip_unless_root "hotplugfs run"
if ! command -v kexec > /dev/null; then echo "SKIP: kexec-tools not installed"; exit 77; fi
if ! command -v python3 > /dev/null; then echo "SKIP: python3 needed for the expectations"; exit 77; fi
VMLINUZ=$(ls "$KEXEC_CACHE"/root/boot/vmlinuz-6.1.0-*-amd64 2>/dev/null | sort -V | tail -1)
if [ -z "$VMLINUZ" ]; then
	mkdir -p "$KEXEC_CACHE" && (
		cd "$KEXEC_CACHE" || exit 1
		pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' 2>/dev/null |
		      awk '{ print $1 }' | sort -V | tail -1)
		[ -n "$pkg" ] && apt-get download "$pkg" > /dev/null 2>&1 &&
			dpkg-deb -x "$(ls -t "$pkg"_*.deb | head -1)" root
	)
	VMLINUZ=$(ls "$KEXEC_CACHE"/root/boot/vmlinuz-6.1.0-*-amd64 2>/dev/null | sort -V | tail -1)
fi
if [ -z "$VMLINUZ" ]; then
	echo "SKIP: no Debian linux-image-6.1.0-*-amd64-unsigned kernel in $KEXEC_CACHE and none could be downloaded"
	exit 77
fi
echo "kernel image: $VMLINUZ"

EXPECT="python3 $SRCDIR/tests/tools/kexec_expect.py"
scratch kexec

# The section of kexec -d output after HEADER up to the next non-range line.
section() {
	sed -n "/^$1\$/,\$p" | sed -n '1d; /^[0-9a-f]\{16\}-[0-9a-f]\{16\} ([0-9]*)$/!q; p'
}

host_loaded=$(cat /sys/kernel/kexec_loaded 2>/dev/null || echo absent)
host_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded 2>/dev/null || echo absent)

fixtures=("$SRCDIR"/fixtures/*.json "$SRCDIR"/tests/tools/kexec-fixtures/*.json)
for fx in "${fixtures[@]}"; do
	name=$(basename "$fx" .json)
	"$HOTPLUGFS" show "$fx" iomem > "$T/iomem" 2>/dev/null || { bad "$name: show iomem"; continue; }
	memmap=-
	if "$HOTPLUGFS" show "$fx" memmap > "$T/memmap" 2>/dev/null && [ -s "$T/memmap" ]; then
		memmap=$T/memmap
	fi

	# kexec -l: MEMORY RANGES from the firmware map (or /proc/iomem).
	"$HOTPLUGFS" run --kexec-safe "$fx" -- sh -c \
		'kexec -d -l "$1" --command-line=console=ttyS0; echo "rc=$?"; echo "loaded=$(cat /sys/kernel/kexec_loaded)"' \
		sh "$VMLINUZ" > "$T/l.out" 2> "$T/l.err"
	got=$(section "MEMORY RANGES" < "$T/l.err")
	same_text "$name: kexec -l MEMORY RANGES" "$got" "$($EXPECT load "$memmap" "$T/iomem")"
	if grep -q '^rc=0$' "$T/l.out"; then
		ok
		grep -q '^hotplugfs: intercepted kexec_load(.*flags=0x3e0000) = 0' "$T/l.err" && ok ||
			bad "$name: kexec_load not intercepted: $(grep -v '^sym\|R_X86' "$T/l.err" | tail -3)"
		grep -q '^loaded=1$' "$T/l.out" && ok || bad "$name: kexec_loaded is not 1 after -l"
	else
		# Only a machine without room for the kernel may fail to load.
		echo "note: $name: kexec -l failed: $(grep -v '^sym\|R_X86' "$T/l.err" | tail -1)"
	fi

	# --print-ckr-size: the last Crash kernel's size.
	got=$("$HOTPLUGFS" run "$fx" -- kexec --print-ckr-size 2>&1)
	same_text "$name: --print-ckr-size" "$got" "$($EXPECT ckr "$T/iomem")"

	# kexec -p
	"$HOTPLUGFS" run --kexec-safe "$fx" -- sh -c \
		'kexec -d -p "$1" --command-line=console=ttyS0; echo "rc=$?"; echo "crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"' \
		sh "$VMLINUZ" > "$T/p.out" 2> "$T/p.err"
	if [ "$($EXPECT ckr "$T/iomem")" = 0 ]; then
		grep -q '^Memory for crashkernel is not reserved$' "$T/p.err" && ok ||
			bad "$name: kexec -p without a reservation: $(tail -2 "$T/p.err")"
		grep -q '^rc=1$' "$T/p.out" && ok || bad "$name: kexec -p without a reservation: not exit 1"
		continue
	fi
	got=$(section "CRASH MEMORY RANGES" < "$T/p.err")
	same_text "$name: kexec -p CRASH MEMORY RANGES" "$got" "$($EXPECT crash "$T/iomem")"
	got=$(grep "^Elf header: p_type = 1" "$T/p.err" | grep -v 'p_paddr = 0x1000 ' |
	      sed 's/.*\(p_paddr = [^ ]*\) \(p_vaddr = [^ ]*\) \(p_filesz = [^ ]*\).*/\1 \2 \3/')
	same_text "$name: kexec -p RAM PT_LOADs" "$got" "$($EXPECT ram-loads "$T/iomem")"
	grep -q '^Kernel text Elf header: p_type = 1, p_offset = 0x1000000 p_paddr = 0x1000000 p_vaddr = 0xffffffff81000000' "$T/p.err" && ok ||
		bad "$name: no kernel text PT_LOAD from /proc/kcore"
	grep -q '^rc=0$' "$T/p.out" && ok || bad "$name: kexec -p failed: $(grep -v '^sym\|R_X86' "$T/p.err" | tail -2)"
	grep -q '^hotplugfs: intercepted kexec_load(.*flags=0x3e0001) = 0' "$T/p.err" && ok ||
		bad "$name: crash kexec_load not intercepted"
	grep -q '^crash_loaded=1$' "$T/p.out" && ok || bad "$name: kexec_crash_loaded is not 1 after -p"
done

# Without --kexec-safe a loading kexec is refused before anything runs.
"$HOTPLUGFS" run "$SRCDIR/fixtures/qemu-vm-4g.json" -- kexec -l "$VMLINUZ" > /dev/null 2> "$T/refuse.err"
[ $? = 1 ] && grep -q 'refusing to run kexec without --kexec-safe' "$T/refuse.err" && ok ||
	bad "kexec -l without --kexec-safe was not refused"

# kexec_crash_size: a write shrinks the reservation (crash_shrink_memory).
out=$("$HOTPLUGFS" run --kexec-safe "$SRCDIR/fixtures/server-2s-512g.json" -- sh -c '
	f=/sys/kernel/kexec_crash_size; cat $f
	echo 1073741824 > $f 2>/dev/null || echo grow-refused
	echo 268435456 > $f && cat $f && grep -E "Crash kernel|^  [0-9a-f]+-[0-9a-f]+ : System RAM$" /proc/iomem' 2>&1)
same_text "kexec_crash_size shrink" "$out" "536870912
grow-refused
268435456
  4b000000-5affffff : Crash kernel
  5b000000-6affffff : System RAM"

# The host kernel was never asked: its files are unchanged.
same_text "host kexec_loaded unchanged" "$(cat /sys/kernel/kexec_loaded 2>/dev/null || echo absent)" "$host_loaded"
same_text "host kexec_crash_loaded unchanged" "$(cat /sys/kernel/kexec_crash_loaded 2>/dev/null || echo absent)" "$host_crash_loaded"

finish

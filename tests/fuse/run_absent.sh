#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hotplugfs run with a literal fixture that lacks iomem, firmware_memmap or
# memory_blocks: what the machine does not have is absent inside run (stat
# and open fail with ENOENT), never the host's file, so a test cannot pass
# on the data of the machine it runs on (docs/fixture-format.md).  Read-only
# commands only.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
skip_unless_root "hotplugfs run"
if ! unshare -m --propagation private true 2>/dev/null; then
	echo "SKIP: cannot create a private mount namespace"; exit 77
fi
scratch runabsent

# run FIXTURE ARGS...: hotplugfs run, bounded; sets RC.
run() { local fx=$1; shift; timeout --kill-after=5 60 "$HOTPLUGFS" run "$fx" -- "$@"; RC=$?; }

# The host has what must not show (else these checks could not fail).
check "host /proc/iomem reads" test -n "$(head -1 /proc/iomem)"
grep -v ' - cgroup\| - nsfs' /proc/self/mountinfo | sort > "$T/mountinfo.before"
cat /proc/iomem > "$T/host-iomem"

cat > "$T/blocks.json" <<'EOF'
{ "hotplugfs-fixture": 1, "description": "memory blocks only: no iomem, no firmware map",
  "block_size": "128M",
  "memory_blocks": [{ "first": 0, "count": 8, "valid_zones": "DMA32" },
                    { "first": 32, "count": 4, "state": "offline" }] }
EOF
cat > "$T/nothing.json" <<'EOF'
{ "hotplugfs-fixture": 1, "description": "nothing captured" }
EOF
cat > "$T/iomem.json" <<'EOF'
{ "hotplugfs-fixture": 1, "description": "an iomem tree only",
  "iomem": [{ "name": "Reserved", "start": "0x0", "end": "0xfff" },
            { "name": "System RAM", "start": "0x1000", "end": "0x3fffffff",
              "children": [{ "name": "Kernel code", "start": "0x1000000", "end": "0x1e01826" }] }] }
EOF

# --- no iomem: /proc/iomem is absent, the rest of /proc is the host's -------
run "$T/blocks.json" sh -c 'cat /proc/iomem; echo "rc=$?"' > "$T/out" 2> "$T/err"
same "run status" "$RC" 0
same "cat /proc/iomem fails" "$(cat "$T/out")" "rc=1"
same "with ENOENT" "$(cat "$T/err")" "cat: /proc/iomem: No such file or directory"
run "$T/blocks.json" sh -c 'test -e /proc/iomem'
same "test -e /proc/iomem is false" "$RC" 1
run "$T/blocks.json" python3 -c 'open("/proc/iomem")' 2> "$T/err"
check "open(2) says ENOENT" grep -q "FileNotFoundError: \[Errno 2\]" "$T/err"
run "$T/blocks.json" sh -c 'head -1 /proc/meminfo > /dev/null'
same "other /proc files stay" "$RC" 0
timeout --kill-after=5 60 "$HOTPLUGFS" run --kexec-safe "$T/blocks.json" -- \
	sh -c 'test -e /proc/iomem'
same "absent with --kexec-safe too" "$?" 1
# The blocks are there: lsmem reads the machine's.
run "$T/blocks.json" lsmem -r -n -o RANGE,STATE --summary=never > "$T/lsmem"
same_text "lsmem sees the fixture's blocks" "$(cat "$T/lsmem")" \
"0x0000000000000000-0x000000003fffffff online
0x0000000100000000-0x000000011fffffff offline"

# --- no firmware_memmap: the directory is absent ---------------------------
if [ -e /sys/firmware/memmap ]; then
	run "$T/blocks.json" sh -c 'test -e /sys/firmware/memmap'
	same "no /sys/firmware/memmap" "$RC" 1
	run "$T/blocks.json" sh -c 'ls /sys/firmware' > "$T/firmware"
	check "the rest of /sys/firmware stays" test "$(wc -l < "$T/firmware")" -ge 1
else
	echo "note: the host has no /sys/firmware/memmap; its absence is not checked"
fi

# --- no memory_blocks: the memory directory and its neighbours are absent ---
for p in /sys/devices/system/memory /sys/devices/system/node /sys/bus/memory \
	 /sys/module/memory_hotplug; do
	[ -e "$p" ] || { echo "note: the host has no $p"; continue; }
	run "$T/nothing.json" sh -c "test -e $p"
	same "no $p" "$RC" 1
done
run "$T/nothing.json" sh -c 'test -e /proc/iomem'
same "nothing: no /proc/iomem" "$RC" 1
run "$T/nothing.json" sh -c 'test -d /sys/devices/system/cpu'
same "nothing: the host's cpu directory stays" "$RC" 0

# --- iomem given: /proc/iomem is the fixture's -----------------------------
run "$T/iomem.json" cat /proc/iomem > "$T/iomem.run"
same "run cat /proc/iomem status" "$RC" 0
"$HOTPLUGFS" show "$T/iomem.json" iomem > "$T/iomem.want"
check "/proc/iomem is the fixture's" cmp -s "$T/iomem.run" "$T/iomem.want"
same "it is the literal tree" "$(head -1 "$T/iomem.run")" "00000000-00000fff : Reserved"

# --- nothing left behind ---------------------------------------------------
grep -v ' - cgroup\| - nsfs' /proc/self/mountinfo | sort > "$T/mountinfo.after"
check "nothing left mounted" cmp -s "$T/mountinfo.before" "$T/mountinfo.after"
check "host /proc/iomem unchanged" cmp -s <(cat /proc/iomem) "$T/host-iomem"
# (run.sh checks run's other temporary directories.)
leftover=$(find /tmp -maxdepth 1 -name 'hotplugfs-missing.*' -newer "$T/blocks.json" 2>/dev/null)
same "the dangling link's directory removed" "$leftover" ""

finish

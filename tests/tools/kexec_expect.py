#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What kexec-tools 2.0.25 should print for a machine, computed from the
machine model (`hotplugfs show FIX memmap|iomem`) with the rules of
kexec-tools 2.0.25 (kexec/arch/i386/crashdump-x86.c, docs/kexec.md), never from kexec's own output.

usage: kexec_expect.py load MEMMAP_FILE|- IOMEM_FILE   -> MEMORY RANGES lines
       kexec_expect.py crash IOMEM_FILE                -> CRASH MEMORY RANGES lines
       kexec_expect.py ckr IOMEM_FILE                  -> --print-ckr-size output
MEMMAP_FILE is `show FIX memmap` output ("N/start: 0x..."), or - when the
machine has no firmware map (then /proc/iomem is parsed)."""
import re
import sys

RAM, RESERVED, ACPI, NVS, UNCACHED, PMEM, PRAM = 0, 1, 2, 3, 4, 6, 11
LINE = re.compile(r'^\s*([0-9a-f]+)-([0-9a-f]+) : (.*)$')


def iomem(path):
    out = []
    for line in open(path):
        m = LINE.match(line.rstrip('\n'))
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3)))
    return out


def memmap_ranges(path):
    """get_firmware_memmap_ranges(): exact type strings, qsort by start."""
    table = {'System RAM': RAM, 'ACPI Tables': ACPI, 'Unusable memory': RESERVED,
             'reserved': RESERVED, 'Reserved': RESERVED, 'Unknown E820 type': RESERVED,
             'ACPI Non-volatile Storage': NVS, 'Uncached RAM': UNCACHED,
             'Persistent Memory (legacy)': PRAM, 'Persistent Memory': PMEM}
    entries = {}
    for line in open(path):
        key, _, val = line.rstrip('\n').partition(': ')
        nr, _, attr = key.partition('/')
        entries.setdefault(nr, {})[attr] = val
    r = [(int(e['start'], 0), int(e['end'], 0), table.get(e['type'], RESERVED))
         for e in entries.values()]
    r.sort(key=lambda x: x[0])
    # fixup_memory_ranges(): same-type overlapping neighbours merge.
    out = []
    for s, e, t in r:
        if out and out[-1][2] == t and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e), t)
        else:
            out.append((s, e, t))
    return out


# Names both /proc/iomem parsers of kexec-tools match exactly (memcmp with
# the newline); they differ only in how they take RAM and reserved.
EXACT_NAMES = {
    'ACPI Tables': ACPI,
    'ACPI Non-volatile Storage': NVS,
    'Persistent Memory (legacy)': PRAM,
    'Persistent Memory': PMEM,
}


def iomem_ranges(path):
    """get_memory_ranges_proc_iomem(): exact names at any depth, file order."""
    out = []
    for s, e, name in iomem(path):
        if name == 'System RAM':
            t = RAM
        elif name.lower() == 'reserved':
            t = RESERVED
        elif name in EXACT_NAMES:
            t = EXACT_NAMES[name]
        else:
            continue
        out.append((s, e, t))
    return out[:2048]


def load(memmap, iomem_path):
    r = memmap_ranges(memmap) if memmap != '-' else iomem_ranges(iomem_path)
    # REALMODE_IVT_END: the first RAM range starting below 0x400.
    for i, (s, e, t) in enumerate(r):
        if t == RAM and s < 0x400:
            r[i] = (0x400, e, t)
            break
    return r


def crash_kernel(iomem_path):
    return [(s, e) for s, e, n in iomem(iomem_path) if n == 'Crash kernel']


def crash(iomem_path):
    """get_crash_memory_ranges(): "System RAM" anywhere in the name, then
    every Crash kernel range cut out (exclude_region)."""
    out = []
    for s, e, name in iomem(iomem_path):
        if 'System RAM' in name:
            t = RAM
        elif name in EXACT_NAMES:
            t = EXACT_NAMES[name]
        elif name in ('reserved', 'Reserved'):
            t = RESERVED
        else:
            continue
        out.append((s, e, t))
    for cs, ce in crash_kernel(iomem_path):
        cut = []
        for s, e, t in out:
            if e < cs or s > ce:
                cut.append((s, e, t))
                continue
            if s < cs:
                cut.append((s, cs - 1, t))
            if e > ce:
                cut.append((ce + 1, e, t))
        out = cut
    return out


def show(r):
    for s, e, t in r:
        print('%016x-%016x (%d)' % (s, e, t))


def main():
    if sys.argv[1] == 'load':
        show(load(sys.argv[2], sys.argv[3]))
    elif sys.argv[1] == 'crash':
        show(crash(sys.argv[2]))
    elif sys.argv[1] == 'ckr':
        ck = crash_kernel(sys.argv[2])
        print(ck[-1][1] - ck[-1][0] + 1 if ck else 0)
    elif sys.argv[1] == 'ram-loads':
        # kdump PT_LOADs: RAM ranges only (vaddr = PAGE_OFFSET + start)
        for s, e, t in crash(sys.argv[2]):
            if t == RAM and s >= 0x100000:
                print('p_paddr = 0x%x p_vaddr = 0x%x p_filesz = 0x%x' %
                      (s, 0xffff888000000000 + s, e - s + 1))


main()

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks a picture of `hotplugfs map` against the text of the same machine's
`hotplugfs show FIXTURE iomem` and `show FIXTURE memory`, and its PNG rendering.
Each subcommand prints one "FAIL: ..." line per problem and exits 1 if any.

  map_check.py facts SVG IOMEM MEMORY   bands = the resources and blocks, holes, legend
  map_check.py labels SVG NAME...       each NAME is the whole text of a label
  map_check.py bound SVG MEMORY MAXRES MAXBLK  within the bounds, blocks still counted
  map_check.py size PNG SVG             the PNG is as large as the SVG says
  map_check.py colours PNG RRGGBB...    not one colour, and pixels of each of these
"""
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

SVG = '{http://www.w3.org/2000/svg}'
failures = []


def fail(msg):
    failures.append(msg)


# The legend's words for a block class (fs/map_style.c), and the fill of a
# band of that class.
CLASS_LEGEND = {
    'DMA': ('online, ZONE_DMA', '#fdb462'),
    'DMA32': ('online, ZONE_DMA32', '#fbe27a'),
    'Normal': ('online, ZONE_NORMAL', '#8fd18a'),
    'Movable': ('online, ZONE_MOVABLE', '#8cbfe3'),
    'none': ('online, spans zones (valid_zones: none)', '#c9c3b8'),
    'going-offline': ('going-offline', 'url(#going-offline)'),
    'offline': ('offline', 'url(#offline)'),
}


def parse_iomem(text):
    """[(depth, start, end, name)] from r_show()'s lines (depth < 5 here)."""
    out = []
    for line in text.splitlines():
        m = re.fullmatch(r'( *)([0-9a-f]+)-([0-9a-f]+) : (.*)', line)
        if not m:
            sys.exit(f'unexpected iomem line: {line!r}')
        out.append((len(m.group(1)) // 2, int(m.group(2), 16), int(m.group(3), 16), m.group(4)))
    return out


def parse_memory(text):
    """{block: (state, valid_zones, nodes)} from `show memory`."""
    blocks = {}
    for line in text.splitlines():
        m = re.fullmatch(r'memory(\d+)/(state|valid_zones|phys_index): (.*)', line)
        if m:
            blocks.setdefault(int(m.group(1)), {})[m.group(2)] = m.group(3)
            continue
        m = re.fullmatch(r'memory(\d+)/node(\d+) -> .*', line)
        if m:
            blocks.setdefault(int(m.group(1)), {}).setdefault('nodes', []).append(int(m.group(2)))
    out = {}
    for n, b in blocks.items():
        if int(b['phys_index'], 16) != n:
            sys.exit(f'memory{n}: phys_index {b["phys_index"]}')
        out[n] = (b['state'], b.get('valid_zones', ''), ','.join(map(str, sorted(b.get('nodes', [])))))
    return out


def groups(root, cls):
    return [g for g in root.iter(SVG + 'g') if g.get('class') == cls]


def text_of(t):
    return ''.join(t.itertext())


def block_counts(root):
    """{(state, zones): blocks} over every band, from data-counts."""
    counts = {}
    for g in groups(root, 'blk'):
        for entry in g.get('data-counts').split(';'):
            state, zones, n = entry.split('|')
            counts[(state, zones)] = counts.get((state, zones), 0) + int(n)
    return counts


def check_facts(svg_file, iomem_file, memory_file):
    root = ET.parse(svg_file).getroot()
    iomem = parse_iomem(open(iomem_file).read())
    blocks = parse_memory(open(memory_file).read())

    # Every resource, in /proc/iomem order, with its depth, range and name.
    drawn = [(int(g.get('data-depth')), int(g.get('data-start'), 16), int(g.get('data-end'), 16),
              g.get('data-name')) for g in groups(root, 'res')]
    if drawn != iomem:
        fail(f'resources drawn {len(drawn)}, /proc/iomem has {len(iomem)}; first difference: ' +
             str(next(((a, b) for a, b in zip(drawn, iomem) if a != b), None)))

    # Holes: the gaps between top-level resources, adjacent pieces merged.
    holes = []
    for g in groups(root, 'hole'):
        s, e = int(g.get('data-start'), 16), int(g.get('data-end'), 16)
        if holes and holes[-1][1] + 1 == s:
            holes[-1] = (holes[-1][0], e)
        else:
            holes.append((s, e))
    top = [r for r in iomem if r[0] == 0]
    gaps = [(a[2] + 1, b[1] - 1) for a, b in zip(top, top[1:]) if a[2] + 1 < b[1]]
    if holes != gaps:
        fail(f'holes {[(hex(a), hex(b)) for a, b in holes]}, '
             f'gaps in /proc/iomem {[(hex(a), hex(b)) for a, b in gaps]}')

    # Every block in exactly one band, with its state, valid_zones and nodes.
    seen = {}
    for g in groups(root, 'blk'):
        first, last = int(g.get('data-first')), int(g.get('data-last'))
        if g.get('data-state') is None:
            fail(f'memory{first}-{last}: a mixed band below the bound')
            continue
        for n in range(first, last + 1):
            if n in seen:
                fail(f'memory{n} is in two bands')
            seen[n] = (g.get('data-state'), g.get('data-zones'), g.get('data-nodes'))
    if seen != blocks:
        diff = sorted(set(seen.items()) ^ set(blocks.items()))[:4]
        fail(f'blocks drawn differ from sys/devices/system/memory: {diff}')

    # Node bands: runs of consecutive blocks linked to the same nodes.
    runs = []
    for n in sorted(blocks):
        if runs and runs[-1][0] == n - 1 and runs[-1][1] == blocks[n][2]:
            runs[-1] = (n, runs[-1][1])
        else:
            runs.append((n, blocks[n][2]))
    drawn_nodes = [g.get('data-nodes') for g in groups(root, 'node')]
    if drawn_nodes != [ns for _, ns in runs if ns]:
        fail(f'node bands {drawn_nodes}, want {[ns for _, ns in runs if ns]}')

    # The legend: exactly the block classes the machine has.
    legend = {text_of(t) for t in root.iter(SVG + 'text')}
    classes = {z if s == 'online' else s for s, z, _ in blocks.values()}
    for cls, (words, _) in CLASS_LEGEND.items():
        if (cls in classes) != (words in legend):
            fail(f'legend {"lacks" if cls in classes else "has"} "{words}"')
    nodes = {n for _, _, ns in blocks.values() for n in ns.split(',') if n and ',' not in ns}
    for n in nodes:
        if f'node{n}' not in legend:
            fail(f'legend lacks node{n}')

    # Each block band is filled with its class's colour.
    for g in groups(root, 'blk'):
        rect = g.find(SVG + 'rect')
        cls = g.get('data-zones') if g.get('data-state') == 'online' else g.get('data-state')
        if cls in CLASS_LEGEND and rect.get('fill') != CLASS_LEGEND[cls][1]:
            fail(f'memory{g.get("data-first")}: fill {rect.get("fill")} for {cls}')


def check_labels(svg_file, names):
    root = ET.parse(svg_file).getroot()
    texts = {text_of(t) for t in root.iter(SVG + 'text')}
    # a label with its size after it: the name is the text before the tspan
    heads = {t.text for t in root.iter(SVG + 'text')}
    for name in names:
        if name not in texts and name not in heads:
            fail(f'no label "{name}"')


def check_bound(svg_file, memory_file, max_res, max_blk):
    root = ET.parse(svg_file).getroot()
    blocks = parse_memory(open(memory_file).read())
    res, blk = groups(root, 'res'), groups(root, 'blk')
    if len(res) > max_res:
        fail(f'{len(res)} resources drawn, bound {max_res}')
    if len(blk) > max_blk:
        fail(f'{len(blk)} block bands, bound {max_blk}')
    if not any(g.get('data-state') is None for g in blk):
        fail('no mixed band')
    want = {}
    for s, z, _ in blocks.values():
        want[(s, z)] = want.get((s, z), 0) + 1
    if block_counts(root) != want:
        fail(f'block counts {block_counts(root)}, want {want}')
    spans = sorted((int(g.get('data-first')), int(g.get('data-last'))) for g in blk)
    if any(a[1] >= b[0] for a, b in zip(spans, spans[1:])):
        fail('block bands overlap')


def png_chunks(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit(f'{path}: not a PNG')
    return data


def png_size(path):
    """(width, height) from the IHDR chunk, which comes first."""
    return struct.unpack('>II', png_chunks(path)[16:24])


def png_colours(path):
    """The colours of an 8-bit RGB(A) non-interlaced PNG's pixels."""
    data = png_chunks(path)
    pos, idat, ihdr = 8, b'', None
    while pos < len(data):
        n, typ = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if typ == b'IHDR':
            ihdr = struct.unpack('>IIBBBBB', body)
        elif typ == b'IDAT':
            idat += body
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        sys.exit(f'{path}: PNG of depth {depth}, colour type {ctype}: not handled')
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, colours, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), set(), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            for x in range(stride):
                line[x] = (line[x] + prev[x]) & 255
        elif f == 3:
            for x in range(stride):
                line[x] = (line[x] + ((line[x - bpp] if x >= bpp else 0) + prev[x]) // 2) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b, c = prev[x], prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        colours.update(bytes(line[x:x + 3]) for x in range(0, stride, bpp))
        prev = line
    return colours


def check_size(png_file, svg_file):
    root = ET.parse(svg_file).getroot()
    w, h = png_size(png_file)
    if (w, h) != (int(root.get('width')), int(root.get('height'))):
        fail(f'PNG is {w}x{h}, the SVG {root.get("width")}x{root.get("height")}')


def check_colours(png_file, want):
    colours = png_colours(png_file)
    if len(colours) < 16:
        fail(f'PNG has {len(colours)} colours')
    for c in want:
        if bytes.fromhex(c) not in colours:
            fail(f'PNG has no pixel of #{c}')


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'facts':
        check_facts(*args)
    elif cmd == 'labels':
        check_labels(args[0], args[1:])
    elif cmd == 'bound':
        check_bound(args[0], args[1], int(args[2]), int(args[3]))
    elif cmd == 'size':
        check_size(args[0], args[1])
    elif cmd == 'colours':
        check_colours(args[0], args[1:])
    else:
        sys.exit(f'unknown check {cmd}')
    for f in failures:
        print(f'FAIL: {f}')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()

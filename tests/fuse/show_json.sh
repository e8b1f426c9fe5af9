#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# hotplugfs show --json, every view, every fixture: memory equals what the
# real `lsmem -J -a -b -o RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES` prints
# inside `hotplugfs run` of the same machine (the shape it promises, and the
# values); iomem's tree printed back is /proc/iomem byte for byte; memmap
# and node hold every file of `show`'s text view; steps is the count.
# Env: HOTPLUGFS = the binary, SRCDIR = the repository root.
set -u
. "$SRCDIR/tests/lib.sh"
scratch showjson
COLS=RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES
# Compares two JSON files as values; prints the first difference.
json_equal() {
	python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
if a != b:
    for i, (x, y) in enumerate(zip(a.get("memory", []), b.get("memory", []))):
        if x != y:
            print("    first difference at %d: %s != %s" % (i, x, y)); break
    sys.exit(1)
PY
}
# iomem JSON printed back as r_show() prints it.
iomem_text() {
	python3 -c 'import json, sys
def walk(rs, depth):
    for r in rs:
        print("%s%s-%s : %s" % ("  " * depth, r["start"][2:], r["end"][2:], r["name"]))
        walk(r["children"], depth + 1)
walk(json.load(sys.stdin)["iomem"], 0)'
}
# memmap/node JSON printed back as the text view ("path: content", links).
dir_text() {
	python3 -c 'import json, sys
def walk(o, path):
    for k, v in o.items():
        p = path + "/" + k if path else k
        if isinstance(v, str):
            print("%s: %s" % (p, v) if v else "%s: <empty>" % p)
        elif "link" in v and len(v) == 1:
            print("%s -> %s" % (p, v["link"]))
        elif "error" in v and len(v) == 1:
            print("%s: <%s>" % (p, v["error"]))
        else:
            walk(v, p)
walk(json.load(sys.stdin)[sys.argv[1]], "")' "$1"
}

can_run=0
[ "$(id -u)" = 0 ] && unshare -m true 2> /dev/null && can_run=1
for fx in "$SRCDIR"/fixtures/*.json; do
	name=$(basename "$fx" .json)
	"$HOTPLUGFS" show --json "$fx" iomem | iomem_text > "$T/iomem.back"
	"$HOTPLUGFS" show "$fx" iomem > "$T/iomem.want"
	check "$name: iomem JSON prints back as /proc/iomem" cmp -s "$T/iomem.back" "$T/iomem.want"
	for view in memmap node; do
		"$HOTPLUGFS" show "$fx" "$view" > "$T/$view.want" 2> /dev/null || continue
		"$HOTPLUGFS" show -J "$fx" "$view" | dir_text "$view" > "$T/$view.back"
		check "$name: $view JSON holds every file" cmp -s "$T/$view.back" "$T/$view.want"
	done
	same "$name: steps" "$("$HOTPLUGFS" show --json "$fx" steps | tr -d ' \n')" \
		"{\"steps\":$("$HOTPLUGFS" show "$fx" steps)}"
	"$HOTPLUGFS" show --json "$fx" memory > "$T/memory.json" 2> /dev/null || continue
	[ $can_run = 1 ] || continue
	timeout 60 "$HOTPLUGFS" run "$fx" -- lsmem -J -a -b -o "$COLS" > "$T/lsmem.json"
	check "$name: show --json memory equals lsmem -J -a -b" json_equal "$T/memory.json" "$T/lsmem.json"
done
[ $can_run = 1 ] || echo "note: not root: memory JSON not compared with lsmem"
"$HOTPLUGFS" show --json "$SRCDIR/fixtures/qemu-vm-4g.json" bogus > /dev/null 2>&1
same "unknown view: exit 2" "$?" 2
finish

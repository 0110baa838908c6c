#!/usr/bin/python3
"""steps.py WANT GOT LABEL: two transcripts of steps ("== NAME" lines, then
what the step printed), real libvirtd's and ours, compared step by step;
prints each step's verdict and the diff of those that differ, then
"LABEL: N/M steps identical to real libvirtd's ..." Exit 0 when all are."""
import difflib
import sys


def steps(path):
    out, cur = [], None
    for line in open(path):
        if line.startswith("== "):
            cur = [line.strip()[3:], []]
            out.append(cur)
        elif cur:
            cur[1].append(line)
    return out


want, got = steps(sys.argv[1]), steps(sys.argv[2])
label = sys.argv[3] if len(sys.argv) > 3 else "oracle"
good = 0
for i, (name, lines) in enumerate(want):
    other = got[i][1] if i < len(got) and got[i][0] == name else None
    if other == lines:
        good += 1
        print("ok   %s" % name)
    else:
        print("FAIL %s" % name)
        sys.stdout.writelines("    " + d for d in difflib.unified_diff(
            lines, other or [], "real libvirtd", "ours", n=1))
if len(got) != len(want):
    print("FAIL ours has %d steps, real %d" % (len(got), len(want)))
print("%s: %d/%d steps identical to real libvirtd's %s" % (
    label, good, len(want), "storage driver" if label == "storage" else "QEMU driver"))
sys.exit(0 if good == len(want) and len(got) == len(want) else 1)

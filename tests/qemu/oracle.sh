#!/bin/bash
# The QEMU driver against real libvirtd 9.0's, through real virsh: the same
# scenario (scenario.sh: define, list, dominfo, domstate, dumpxml both ways,
# start, suspend, resume, ACPI shutdown after the guest's marker, start,
# destroy, undefine, the error paths, and a second connection's events) on
# both, normalized only for what is random, compared step by step.
. "$(dirname "$0")/lib.sh"
q_setup
q_payload
q_real_start
q_ours_start

bash "$Q_DIR/scenario.sh" "$REAL_URI" real "$IT_DIR" "$PAYLOAD" >"$IT_DIR/want" 2>&1
bash "$Q_DIR/scenario.sh" "$OURS_URI" ours "$IT_DIR" "$PAYLOAD" >"$IT_DIR/got" 2>&1
sed -i 's#WORK/real#WORK/TAG#g' "$IT_DIR/want"
sed -i 's#WORK/ours#WORK/TAG#g' "$IT_DIR/got"

python3 - "$IT_DIR/want" "$IT_DIR/got" <<'PY'
import difflib, sys

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
print("oracle: %d/%d steps identical to real libvirtd's QEMU driver" % (good, len(want)))
sys.exit(0 if good == len(want) and len(got) == len(want) else 1)
PY

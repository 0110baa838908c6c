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

/usr/bin/python3 "$Q_DIR/steps.py" "$IT_DIR/want" "$IT_DIR/got" oracle

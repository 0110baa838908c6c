#!/bin/bash
# Storage pools and volumes (the dir backend) of the QEMU driver against
# real libvirtd 9.0's storage driver, loaded beside its QEMU driver, through
# real virsh: the same scenario (storage-scenario.sh: pools defined, built,
# started, listed with filters, destroyed, deleted, undefined; raw and qcow2
# volumes created, cloned, resized, wiped and deleted; the files each
# daemon keeps; a second connection's pool events) on both, normalized only
# for what is random, compared step by step.
. "$(dirname "$0")/lib.sh"
q_setup
it_need qemu-img qemu-utils
export REAL_LIBVIRTD_EXTRA_DRIVERS=storage
q_real_start
q_ours_start

bash "$Q_DIR/storage-scenario.sh" "$REAL_URI" real "$IT_DIR" >"$IT_DIR/want" 2>&1
bash "$Q_DIR/storage-scenario.sh" "$OURS_URI" ours "$IT_DIR" >"$IT_DIR/got" 2>&1
/usr/bin/python3 "$Q_DIR/steps.py" "$IT_DIR/want" "$IT_DIR/got" storage

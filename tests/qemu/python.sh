#!/bin/bash
# python3-libvirt, the bindings applications use, against real libvirtd
# 9.0's QEMU driver and ours: python-client.py plays the same calls on
# both (define, the lists, the domain's facts, XML both ways, start,
# suspend, resume, reset, ACPI shutdown, destroy, undefine, autostart, the
# connection's facts, failing calls' error code, domain and message, and a
# second connection's lifecycle and reboot events). Its transcripts,
# normalized there only for what is random, must be identical.
. "$(dirname "$0")/lib.sh"
q_setup
# Debian's interpreter: a python3 earlier on PATH (a pyenv) may lack the
# libvirt module.
PY=/usr/bin/python3
"$PY" -c 'import libvirt' 2>/dev/null || it_skip "python3-libvirt is not installed"
q_payload
q_real_start
q_ours_start

timeout 300 "$PY" "$Q_DIR/python-client.py" "$REAL_URI" real "$IT_DIR" "$PAYLOAD" >"$IT_DIR/want" 2>&1
timeout 300 "$PY" "$Q_DIR/python-client.py" "$OURS_URI" ours "$IT_DIR" "$PAYLOAD" >"$IT_DIR/got" 2>&1
if diff -u "$IT_DIR/want" "$IT_DIR/got"; then
    echo "python: $(grep -c '^== ' "$IT_DIR/want") steps, $(wc -l <"$IT_DIR/want") lines identical to real libvirtd"
    exit 0
fi
echo "FAIL: ours differs from real libvirtd (- real, + ours)"
exit 1

#!/bin/bash
# What one process per connection buys, beside real libvirtd 9.0 (one
# process for every client), with a payload VM running on each and ten
# python3-libvirt clients calling in a loop (crash.py):
#   - crash isolation: SIGSEGV to one of our connection processes: the
#     other nine clients see no failed call and the VM keeps running; the
#     same signal to real libvirtd: what its clients see is printed;
#   - upgrade under load: our daemon's binary replaced (renamed over, as
#     dpkg and install(1) do) while the clients call: no call fails, a
#     connection opened afterwards runs the new binary, the VM is
#     untouched; real libvirtd needs a restart: what its clients see then.
# docs/security.md ("Crash isolation and upgrades") has the figures.
. "$(dirname "$0")/lib.sh"
q_setup
/usr/bin/python3 -c 'import libvirt' 2>/dev/null || it_skip "python3-libvirt not installed"
q_payload
ulimit -c 0
q_real_start
# Ours runs a copy of the daemon, which the upgrade replaces.
mkdir -p "$IT_DIR/bin"
cp "$LIBVIRTD" "$IT_DIR/bin/libvirtd"
ln -s "$(dirname "$LIBVIRTD")/qemu-supervisor" "$IT_DIR/bin/qemu-supervisor"
LIBVIRTD=$IT_DIR/bin/libvirtd q_ours_start
ACT=${IT_PIDS[-1]}

rc=0
v() { timeout 60 virsh -c "$1" "${@:2}" >/dev/null 2>&1; }
for side in real ours; do
    uri=$REAL_URI
    [ $side = ours ] && uri=$OURS_URI
    sed "s#@PAYLOAD@#$PAYLOAD#g; s#@SERIAL@#$IT_DIR/$side.serial#g; s#@NAME@#crash-$side#g" \
        "$Q_DIR/data/scenario.xml" >"$IT_DIR/$side.xml"
    v "$uri" define "$IT_DIR/$side.xml" && v "$uri" start "crash-$side" || {
        echo "FAIL: cannot start crash-$side"
        exit 1
    }
done
QR=$(q_qemu_pid crash-real "$IT_DIR") QO=$(q_qemu_pid crash-ours "$IT_DIR")
[ -n "$QR" ] && [ -n "$QO" ] || { echo "FAIL: a VM has no QEMU"; exit 1; }

echo "== ours: SIGSEGV to one connection process"
/usr/bin/python3 "$Q_DIR/crash.py" --expect=isolated segv-one "$OURS_URI" crash-ours "$ACT" "$QO" || rc=1
echo "== ours: the daemon's binary replaced under load"
cp "$LIBVIRTD" "$IT_DIR/bin/.libvirtd.new"
printf 'rebuilt %s\n' "$(date +%s)" >>"$IT_DIR/bin/.libvirtd.new"
/usr/bin/python3 "$Q_DIR/crash.py" --expect=untouched upgrade "$OURS_URI" crash-ours \
    "$IT_DIR/bin/libvirtd" "$IT_DIR/bin/.libvirtd.new" "$ACT" "$QO" || rc=1
echo "== real libvirtd: restarted (its upgrade)"
/usr/bin/python3 "$Q_DIR/crash.py" restart "$REAL_URI" crash-real \
    "'$Q_DIR/real-qemu.sh' restart '$Q_REAL_DIR' >/dev/null" "$QR" || rc=1
echo "== real libvirtd: SIGSEGV to the daemon"
pid=$(awk '{print $1}' "$Q_REAL_DIR/libvirtd.pid" 2>/dev/null)
if [ -n "$pid" ]; then
    /usr/bin/python3 "$Q_DIR/crash.py" segv-daemon "$REAL_URI" crash-real "$pid" "$QR" || rc=1
else
    echo "FAIL: no pid for real libvirtd"
    rc=1
fi
# Real's VM is destroyed by its daemon, started again for the cleanup.
"$Q_DIR/real-qemu.sh" start "$Q_REAL_DIR" >/dev/null 2>&1
v "$REAL_URI" destroy crash-real
v "$OURS_URI" destroy crash-ours
[ $rc = 0 ] && echo "crash: ours isolated and upgraded under load as expected"
exit $rc

#!/bin/bash
# selftest.sh: the QEMU tests' tools against each other on this machine.
# Builds the payload, starts real libvirtd 9.0 with real-qemu.sh, and plays
# a VM's whole life with real virsh while a second connection listens to
# its lifecycle events: define, start, suspend, resume, the guest's marker,
# ACPI shutdown, start, destroy, undefine; then a daemon restart under a
# running VM, and a stop that must destroy it and leave no process behind.
# One line per check; exit 0 when all pass, 1 when one fails, 77 when a
# prerequisite is missing (scripts/install-deps.sh installs them all).
set -u
. "$(dirname "$0")/qemu-lib.sh"
RQ=$QEMU_TESTS/real-qemu.sh

qemu_need
qemu_setup
NAME=selftest-vm
FAILS=0
EVPID=

ok() { echo "ok: $1"; }
bad() {
    echo "FAIL: $1"
    FAILS=$((FAILS + 1))
}
check() { # DESCRIPTION CMD...
    local what=$1
    shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}
ms() { date +%s%3N; }
v() { timeout -k 5 60 virsh -q -c "$URI" "$@" </dev/null; }
state_is() { [ "$(v domstate --reason "$NAME" 2>/dev/null)" = "$1" ]; }
qemu_pid() { cat "$LV/run/libvirt/qemu/$NAME.pid" 2>/dev/null; }
is_qemu_of() { # PID: a live QEMU running this domain
    [ -n "$1" ] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "guest=$NAME"
}
parent_of() { awk '{print $4}' "/proc/$1/stat" 2>/dev/null; }
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]; }
procs_of() { # every process but this shell whose command line mentions $1
    local p c
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = $$ ] && continue
        c=$({ tr "\0" " " <"$p/cmdline"; } 2>/dev/null) || continue
        case $c in *"$1"*) echo "${p#/proc/} $c" ;; esac
    done
}
stop_events() {
    [ -n "$EVPID" ] || return 0
    kill "$EVPID" 2>/dev/null
    wait "$EVPID" 2>/dev/null
    EVPID=
}
trap 'stop_events; qemu_cleanup' EXIT

t0=$(ms)
qemu_payload
t_payload=$(($(ms) - t0))
check "payload.sh made vmlinuz and initrd.gz" test -s "$QT/payload/vmlinuz" -a -s "$QT/payload/initrd.gz"

LV=$QT/real
t0=$(ms)
qemu_oracle_start real || {
    bad "real-qemu.sh start"
    exit 1
}
URI=$QEMU_URI
t_start=$(($(ms) - t0))
check "start prints the URI" test "$URI" = "qemu+unix:///system?socket=$LV/sock/libvirt-sock"
check "start again is a no-op with the same URI" test "$("$RQ" start "$LV")" = "$URI"
check "uri prints the URI" test "$("$RQ" uri "$LV")" = "$URI"
check "status: answers" "$RQ" status "$LV"
check "only the QEMU driver is loaded" test "$(ls "$LV/drv")" = libvirt_driver_qemu.so
check "virsh version: libvirt 9.0.0, QEMU" \
    grep -q 'Using library: libvirt 9.0.0' <(v version)

qemu_domain_xml "$NAME" "$QT/serial.log" >"$QT/$NAME.xml"
echo "<domain type='qemu'><name>selftest-sync</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>" >"$QT/sync.xml"

# The second connection. virsh event gives no sign that it has registered:
# define and undefine a throw-away domain until its Undefined event shows.
timeout -k 5 240 virsh -c "$URI" event --all --loop </dev/null >"$QT/events.txt" 2>&1 &
EVPID=$!
synced() {
    v define "$QT/sync.xml" >/dev/null 2>&1
    v undefine selftest-sync >/dev/null 2>&1
    grep -q "selftest-sync': Undefined" "$QT/events.txt"
}
check "a second connection listens to events" qemu_wait 100 synced

check "define" v define "$QT/$NAME.xml"
check "its config is DIR/etc/libvirt/qemu/$NAME.xml" test -s "$LV/etc/libvirt/qemu/$NAME.xml"
check "domstate: shut off (unknown)" state_is "shut off (unknown)"
check "start" v start "$NAME"
check "domstate: running (booted)" state_is "running (booted)"
check "status file: <domstatus state='running' reason='booted'" \
    grep -q "<domstatus state='running' reason='booted'" "$LV/run/libvirt/qemu/$NAME.xml"
QPID=$(qemu_pid)
check "the pid file names the domain's QEMU" is_qemu_of "$QPID"
check "the reaper is QEMU's parent" test "$(parent_of "${QPID:-0}")" = "$(cut -d' ' -f1 "$LV/reaper.pid")"
check "dominfo: running, 1 CPU, 131072 KiB" \
    grep -qzE 'State: +running.*CPU\(s\): +1.*Max memory: +131072 KiB' <(v dominfo "$NAME")
check "suspend" v suspend "$NAME"
check "domstate: paused (user)" state_is "paused (user)"
check "resume" v resume "$NAME"
check "domstate: running (unpaused)" state_is "running (unpaused)"
t0=$(ms)
check "the guest prints its marker on the serial file" \
    qemu_wait 300 grep -q 'qemu-payload: up' "$QT/serial.log"
t_marker=$(($(ms) - t0))
t0=$(ms)
check "shutdown (ACPI power button)" v shutdown "$NAME"
check "the guest powers off: shut off (shutdown)" qemu_wait 300 state_is "shut off (shutdown)"
t_shutdown=$(($(ms) - t0))
check "the guest saw the button" grep -q 'power button' "$QT/serial.log"
check "QEMU is gone" gone "${QPID:-0}"
check "status and pid files are removed" \
    test ! -e "$LV/run/libvirt/qemu/$NAME.xml" -a ! -e "$LV/run/libvirt/qemu/$NAME.pid"
check "start again" v start "$NAME"
t0=$(ms)
check "destroy" v destroy "$NAME"
t_destroy=$(($(ms) - t0))
check "domstate: shut off (destroyed)" state_is "shut off (destroyed)"
check "the QEMU log says: shutting down, reason=destroyed" \
    grep -q 'shutting down, reason=destroyed' "$LV/var/log/libvirt/qemu/$NAME.log"
check "undefine" v undefine "$NAME"
check "its config is removed" test ! -e "$LV/etc/libvirt/qemu/$NAME.xml"

qemu_wait 50 grep -q "'$NAME': Undefined" "$QT/events.txt"
stop_events
sed -n "s/^event 'lifecycle' for domain '$NAME': //p" "$QT/events.txt" >"$QT/events.got"
cat >"$QT/events.want" <<'EOF'
Defined Added
Resumed Unpaused
Started Booted
Suspended Paused
Resumed Unpaused
Shutdown Finished after guest request
Stopped Shutdown
Resumed Unpaused
Started Booted
Shutdown Finished after host request
Stopped Destroyed
Undefined Removed
EOF
if diff -u "$QT/events.want" "$QT/events.got" >"$QT/events.diff"; then
    ok "the second connection saw every lifecycle event, in order"
else
    bad "lifecycle events seen by the second connection (- expected, + seen)"
    cat "$QT/events.diff"
fi

# A restart keeps the running domain; a stop destroys it.
v define "$QT/$NAME.xml" >/dev/null && v start "$NAME" >/dev/null
QPID=$(qemu_pid)
OLD=$(cat "$LV/libvirtd.pid" 2>/dev/null)
t0=$(ms)
check "restart prints the URI" test "$("$RQ" restart "$LV")" = "$URI"
t_restart=$(($(ms) - t0))
check "restart: a new daemon" test "$(cat "$LV/libvirtd.pid" 2>/dev/null)" != "$OLD"
check "restart: the domain's QEMU still runs" is_qemu_of "$QPID"
check "restart: the new daemon sees it running (booted), same pid" \
    test "$(v domstate --reason "$NAME" 2>/dev/null)/$(qemu_pid)" = "running (booted)/$QPID"
t0=$(ms)
check "stop (with a running domain)" "$RQ" stop "$LV"
t_stop=$(($(ms) - t0))
check "stop destroyed the domain's QEMU" gone "${QPID:-0}"
check "stop again is a no-op" "$RQ" stop "$LV"
check "status after stop: not running" test "$("$RQ" status "$LV"; echo $?)" = 1
left=$(procs_of "$QT/")
check "no process of $QT is left" test -z "$left"
[ -n "$left" ] && echo "$left"

echo "times (ms): payload $t_payload, daemon start $t_start, boot to marker after resume $t_marker," \
    "ACPI shutdown $t_shutdown, destroy $t_destroy, restart $t_restart, stop $t_stop"
if [ "$FAILS" -eq 0 ]; then
    echo "PASS: selftest"
    exit 0
fi
echo "FAIL: selftest ($FAILS checks failed; QEMU_KEEP=1 keeps $QT)"
exit 1

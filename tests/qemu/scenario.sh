#!/bin/bash
# scenario.sh URI TAG WORKDIR PAYLOADDIR: the lifecycle of real VMs as a
# user drives them with real virsh, printed normalized (only what is random:
# UUIDs, ids, pids, CPU time, MAC addresses, pty numbers, the serial file's
# and payload's paths, and the races of real libvirtd noted below).
# tests/qemu/oracle.sh runs it against real libvirtd's QEMU driver and
# against ours and compares the two transcripts step by step. The domains:
# the payload one (data/scenario.xml: file serial, kernel boot), the same
# with on_poweroff=restart, a BIOS-boot one with the host's defaults, a pty
# and a file serial and non-default lifecycle actions
# (data/scenario-bios.xml), the latter created transient, and starts that
# fail (docs/testing-qemu.md lists the steps). A second connection's
# `virsh event --all --loop`, started first, must hear every event; each
# `virsh` is its own connection, so a VM outlives the one that started it.
set -u
URI=$1 TAG=$2 W=$3 PAYLOAD=$4
SERIAL=$W/$TAG.serial
NAME=scen-$TAG
rm -f "$SERIAL"

v() { timeout 60 virsh -c "$URI" "$@" 2>&1; }
# When QEMU exits at once, real libvirtd says "process exited while
# connecting to monitor" or "qemu unexpectedly closed the monitor",
# whichever it notices first (a race): one wording for both.
norm() {
    sed -E -e 's/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/UUID/g' \
        -e "s#$W#WORK#g; s#$PAYLOAD#PAYLOAD#g; s#$NAME#NAME#g" \
        -e 's/^(CPU time: +)[0-9.]+s/\1Xs/' \
        -e 's/^(Id: +)[0-9]+$/\1N/' \
        -e "s/ id='[0-9]+'/ id='N'/" \
        -e 's/^ +[0-9]+ +(NAME[^ ]* +)/ N    \1/' \
        -e "s/(<mac address=')[0-9a-f:]+'/\1MAC'/" \
        -e 's#/dev/pts/[0-9]+#/dev/pts/N#g' \
        -e "s/(<domstatus.* pid=')[0-9]+'/\1PID'/" \
        -e 's/internal error: qemu unexpectedly closed the monitor: /internal error: process exited while connecting to monitor: /'
}
say() { echo "== $*"; }
wait_for() { # TRIES CMD...: until CMD succeeds, 0.1 s apart
    local n=$1
    shift
    for ((i = 0; i < n; i++)); do "$@" && return 0; sleep 0.1; done
    return 1
}

sed "s#@PAYLOAD@#$PAYLOAD#g; s#@SERIAL@#$SERIAL#g; s#@NAME@#$NAME#g" \
    "$(dirname "$0")/data/scenario.xml" >"$W/$TAG.xml"
echo "<domain type='qemu'><name>broken</name>" >"$W/$TAG-bad.xml"
# Well formed, but not what libvirt's schema allows (--validate).
sed "s#</devices>#</devices>\n  <bogus/>#; s#<memory unit='MiB'>#<memory unit='parsecs'>#" \
    "$W/$TAG.xml" >"$W/$TAG-invalid.xml"
# The second domain: BIOS boot (nothing to boot: it stays running), no
# machine or emulator named (the host's defaults), a pty serial (the
# console) and a file one, lifecycle actions other than the defaults.
BIOS=$NAME-bios
BIOS_SERIAL=$W/$TAG-bios.serial
rm -f "$BIOS_SERIAL"
sed "s#@NAME@#$BIOS#g; s#@SERIAL@#$BIOS_SERIAL#g" \
    "$(dirname "$0")/data/scenario-bios.xml" >"$W/$TAG-bios.xml"
# The payload domain with on_poweroff=restart: an ACPI shutdown boots it
# again (its serial file is appended to: two markers).
RESTART=$NAME-restart
RESTART_SERIAL=$W/$TAG-restart.serial
rm -f "$RESTART_SERIAL"
sed "s#@NAME@#$RESTART#g; s#@PAYLOAD@#$PAYLOAD#g; s#@SERIAL@#$RESTART_SERIAL#g" \
    "$(dirname "$0")/data/scenario.xml" |
    sed "s#</features>#</features>\n  <on_poweroff>restart</on_poweroff>#" >"$W/$TAG-restart.xml"
markers() { [ "$(grep -c 'qemu-payload: up' "$1" 2>/dev/null)" -ge "$2" ]; }
# A transient domain: the BIOS one, created.
TRANS=$NAME-transient
sed "s#@NAME@#$TRANS#g; s#@SERIAL@#$W/$TAG-transient.serial#g" \
    "$(dirname "$0")/data/scenario-bios.xml" >"$W/$TAG-transient.xml"
# Starts that fail: a serial file in a missing directory, a missing
# kernel, a kernel QEMU cannot load (a directory).
BROKEN=$NAME-broken
sed "s#@NAME@#$BROKEN#g; s#@PAYLOAD@#$W/$TAG-missing#g; s#@SERIAL@#$W/$TAG-missing/serial#g" \
    "$(dirname "$0")/data/scenario.xml" >"$W/$TAG-broken1.xml"
sed "s#@NAME@#$BROKEN#g; s#@PAYLOAD@#$W/$TAG-missing#g; s#@SERIAL@#$W/$TAG-broken.serial#g" \
    "$(dirname "$0")/data/scenario.xml" >"$W/$TAG-broken2.xml"
sed "s#@NAME@#$BROKEN#g; s#@PAYLOAD@#$PAYLOAD#g; s#@SERIAL@#$W/$TAG-broken.serial#g" \
    "$(dirname "$0")/data/scenario.xml" | sed "s#<kernel>.*</kernel>#<kernel>$W</kernel>#" \
    >"$W/$TAG-broken3.xml"

# The listener: registered once a throw-away domain's Undefined shows up.
timeout 120 virsh -c "$URI" event --all --loop >"$W/$TAG.events" 2>&1 &
LISTENER=$!
sed "s#@NAME@#$NAME-probe#; s#@PAYLOAD@#$PAYLOAD#g; s#@SERIAL@#$W/$TAG.probe#" \
    "$(dirname "$0")/data/scenario.xml" >"$W/$TAG-probe.xml"
for ((i = 0; i < 50; i++)); do
    v define "$W/$TAG-probe.xml" >/dev/null
    v undefine "$NAME-probe" >/dev/null
    grep -q "'$NAME-probe': Undefined" "$W/$TAG.events" && break
    sleep 0.1
done
: >"$W/$TAG.events.start"
cp "$W/$TAG.events" "$W/$TAG.events.start"

{
    say define; v define "$W/$TAG.xml"
    say list; v list --all
    say dominfo; v dominfo "$NAME"
    say domstate; v domstate --reason "$NAME"
    say dumpxml --inactive; v dumpxml --inactive "$NAME"
    say define again; v define "$W/$TAG.xml"
    say start; v start "$NAME"
    say start again; v start "$NAME"
    say list; v list
    say dominfo; v dominfo "$NAME" | grep -v '^Messages:'
    say domstate; v domstate --reason "$NAME"
    say dumpxml; v dumpxml "$NAME"
    say suspend; v suspend "$NAME"
    say domstate; v domstate --reason "$NAME"
    say suspend again; v suspend "$NAME"
    say resume; v resume "$NAME"
    say domstate; v domstate --reason "$NAME"
    say guest marker
    wait_for 300 grep -q 'qemu-payload: up' "$SERIAL" && echo "the guest is up"
    # An ACPI reboot: the guest powers off, libvirt resets it and it runs on.
    say reboot; v reboot "$NAME"
    say guest marker again
    wait_for 300 markers "$SERIAL" 2 && echo "the guest is up again"
    say domstate; v domstate --reason "$NAME"
    say shutdown; v shutdown "$NAME"
    wait_for 300 sh -c "virsh -c '$URI' domstate '$NAME' 2>/dev/null | grep -q 'shut off'"
    say domstate; v domstate --reason "$NAME"
    say start; v start "$NAME"
    # Paused, so that the guest does not reset itself after the reset
    # (SeaBIOS does it once or twice: as many reboot events).
    say suspend; v suspend "$NAME"
    say reset paused; v reset "$NAME"
    say domstate; v domstate --reason "$NAME"
    say destroy; v destroy "$NAME"
    say domstate; v domstate --reason "$NAME"
    say destroy again; v destroy "$NAME"
    say undefine; v undefine "$NAME"
    say undefine again; v undefine "$NAME"
    say bad xml; v define "$W/$TAG-bad.xml"
    say define --validate invalid; v define --validate "$W/$TAG-invalid.xml"
    say create --validate invalid; v create --validate "$W/$TAG-invalid.xml"
    say define --validate; v define --validate "$W/$TAG.xml"
    say undefine validated; v undefine "$NAME"
    say define restart; v define "$W/$TAG-restart.xml"
    say start restart; v start "$RESTART"
    say guest marker restart
    wait_for 300 markers "$RESTART_SERIAL" 1 && echo "the guest is up"
    say shutdown restart; v shutdown "$RESTART"
    say guest marker again
    wait_for 300 markers "$RESTART_SERIAL" 2 && echo "the guest is up again"
    say domstate restart; v domstate --reason "$RESTART"
    say destroy restart; v destroy "$RESTART"
    say domstate restart; v domstate --reason "$RESTART"
    say undefine restart; v undefine "$RESTART"
    say define bios; v define "$W/$TAG-bios.xml"
    say dumpxml --inactive bios; v dumpxml --inactive "$BIOS"
    say start bios; v start "$BIOS"
    say dumpxml bios; v dumpxml "$BIOS"
    say domstate bios; v domstate --reason "$BIOS"
    say serial files
    ls -l "$BIOS_SERIAL" | awk '{print $1, $5}'
    say dumpxml --inactive bios running; v dumpxml --inactive "$BIOS"
    say reset bios; v reset "$BIOS"
    wait_for 50 sh -c "virsh -c '$URI' domstate '$BIOS' 2>/dev/null | grep -q 'shut off'"
    say domstate bios; v domstate --reason "$BIOS"
    say undefine bios; v undefine "$BIOS"
    say create transient; v create "$W/$TAG-transient.xml"
    say list; v list --all
    say dumpxml transient; v dumpxml "$TRANS"
    say dumpxml --inactive transient; v dumpxml --inactive "$TRANS"
    say undefine transient; v undefine "$TRANS"
    say destroy transient; v destroy "$TRANS"
    say dominfo transient; v dominfo "$TRANS"
    say define broken; v define "$W/$TAG-broken1.xml"
    say start: no serial directory; v start "$BROKEN"
    say domstate broken; v domstate --reason "$BROKEN"
    say undefine broken; v undefine "$BROKEN"
    say define broken again; v define "$W/$TAG-broken2.xml"
    say start: no kernel; v start "$BROKEN"
    say undefine broken; v undefine "$BROKEN"
    say define broken again; v define "$W/$TAG-broken3.xml"
    say start: a directory for a kernel; v start "$BROKEN"
    say domstate broken; v domstate --reason "$BROKEN"
    say undefine broken; v undefine "$BROKEN"
    say list; v list --all
} | norm

# Every event, after the ones of the probe, in order.
wait_for 50 grep -q "'$BROKEN': Undefined" "$W/$TAG.events"
kill "$LISTENER" 2>/dev/null
wait "$LISTENER" 2>/dev/null
say events
# Not control-error: real libvirtd emits it when a reset's follow-up query
# (qom-list) meets QEMU dying, a race it loses about 2 times in 5 here.
# And a run of reboot events is one: after a reset SeaBIOS resets the
# guest once or twice more, as it pleases.
tail -n +"$(($(wc -l <"$W/$TAG.events.start") + 1))" "$W/$TAG.events" | grep -v '^$' |
    grep -v "^event 'control-error' for domain" |
    awk '!($0 == prev && /^event .reboot. /) { print } { prev = $0 }' | norm

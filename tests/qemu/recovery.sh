#!/bin/bash
# recovery.sh URI RUNDIR TAG WORKDIR PAYLOAD ACTIVATOR: kill -9 at the places that can
# die: a VM's QEMU, its supervisor, and the connection process in the
# middle of a start. After each, the next connection shows the truth (shut
# off (crashed), as real libvirt shows a QEMU killed under it, with a
# Stopped Failed event), no stale lock holds anyone up (the next start
# works at once), and no QEMU is left without its supervisor. RUNDIR is
# our driver's run directory (supervisor pids are in its status files);
# ACTIVATOR the systemd-socket-activate whose children serve connections.
set -u
URI=$1 RUN=$2 TAG=$3 W=$4 PAYLOAD=$5 ACTIVATOR=$6
NAME=rec-$TAG
v() { timeout 60 virsh -c "$URI" "$@" 2>&1; }
good=0 total=0
check() { # NAME COMMAND...: a check that passes when COMMAND does
    local what=$1
    shift
    total=$((total + 1))
    if "$@"; then
        good=$((good + 1))
        echo "ok   $what"
    else
        echo "FAIL $what"
    fi
}
state_is() { [ "$(v domstate --reason "$NAME" | head -1)" = "$1" ]; }
qemu_of() { # the live QEMU of our domain, from /proc
    local p
    for p in /proc/[0-9]*; do
        cat "$p/cmdline" 2>/dev/null | tr '\0' ' ' | grep -q "guest=$NAME,debug-threads" &&
            [ "$(awk '{print $3}' "$p/stat" 2>/dev/null)" != Z ] && echo "${p#/proc/}"
    done
}
wait_until() { # TRIES CMD...
    local n=$1
    shift
    for ((i = 0; i < n; i++)); do "$@" && return 0; sleep 0.1; done
    return 1
}
no_qemu() { [ -z "$(qemu_of)" ]; }
supervisor_of() { grep -o "supervisor='[0-9]*'" "$RUN/$NAME.xml" 2>/dev/null | grep -o '[0-9]*'; }

sed "s#@PAYLOAD@#$PAYLOAD#g; s#@SERIAL@#$W/$NAME.serial#g; s#@NAME@#$NAME#g" \
    "$(dirname "$0")/data/scenario.xml" >"$W/$NAME.xml"
timeout 120 virsh -c "$URI" event --all --loop >"$W/$NAME.events" 2>&1 &
LISTENER=$!
sleep 0.5
v define "$W/$NAME.xml" >/dev/null

# 1. QEMU killed.
v start "$NAME" >/dev/null
kill -9 "$(qemu_of)"
check "a killed QEMU: shut off (crashed)" wait_until 50 state_is "shut off (crashed)"
check "a killed QEMU: a Stopped Failed event" \
    wait_until 50 grep -q "'$NAME': Stopped Failed" "$W/$NAME.events"
check "a killed QEMU: the next start works" sh -c "virsh -c '$URI' start '$NAME' >/dev/null"

# 2. The supervisor killed: its QEMU dies with it.
sup=$(supervisor_of)
check "the supervisor is known" test -n "$sup"
kill -9 "$sup"
check "a killed supervisor: its QEMU goes too" wait_until 50 no_qemu
check "a killed supervisor: shut off (crashed)" wait_until 50 state_is "shut off (crashed)"
check "a killed supervisor: no stale lock, the next start works at once" \
    timeout 20 sh -c "virsh -c '$URI' start '$NAME' >/dev/null"
check "a killed supervisor: Stopped Failed" \
    wait_until 50 sh -c "[ \$(grep -c \"'$NAME': Stopped Failed\" '$W/$NAME.events') -ge 2 ]"
v destroy "$NAME" >/dev/null

# 3. The connection process killed in the middle of a start: the VM ends up
# running (its supervisor carries on) or shut off, never half started, and
# the next calls work.
for delay in 0.01 0.05 0.2; do
    v start "$NAME" >/dev/null &
    CLIENT=$!
    sleep "$delay"
    # The connection processes are the activator's children.
    for p in $(pgrep -P "$ACTIVATOR"); do
        kill -9 "$p" 2>/dev/null
    done
    wait "$CLIENT" 2>/dev/null
    # A start the supervisor had taken over goes on without the connection
    # ("paused (starting up)" until QEMU runs, as real libvirt shows it).
    wait_until 100 sh -c "[ \"\$(virsh -c '$URI' domstate --reason '$NAME' | head -1)\" != 'paused (starting up)' ]"
    st=$(v domstate "$NAME" | head -1)
    check "killed during a start (${delay} s): a clear state ('$st')" \
        sh -c "[ '$st' = running ] || [ '$st' = 'shut off' ]"
    if [ "$st" = running ]; then
        check "killed during a start (${delay} s): one QEMU" sh -c "[ \$(echo \"$(qemu_of)\" | wc -w) = 1 ]"
        v destroy "$NAME" >/dev/null
    fi
    check "killed during a start (${delay} s): the next start and destroy work" \
        sh -c "virsh -c '$URI' start '$NAME' >/dev/null && virsh -c '$URI' destroy '$NAME' >/dev/null"
done
check "no QEMU left" wait_until 50 no_qemu
v undefine "$NAME" >/dev/null
kill "$LISTENER" 2>/dev/null
wait "$LISTENER" 2>/dev/null
echo "recovery: $good/$total as expected"
[ "$good" = "$total" ]

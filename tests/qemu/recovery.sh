#!/bin/bash
# recovery.sh URI RUNDIR TAG WORKDIR PAYLOAD ACTIVATOR: kill -9 at the places that can
# die: a VM's QEMU, its supervisor, and the connection process in the
# middle of a start. After each, the next connection shows the truth (shut
# off (crashed), as real libvirt shows a QEMU killed under it, with a
# Stopped Failed event), no stale lock holds anyone up (the next start
# works at once), and no QEMU is left without its supervisor. RUNDIR is
# our driver's run directory (supervisor pids are in its status files);
# ACTIVATOR the systemd-socket-activate whose children serve connections.
#
# Then kill -9 at chosen system calls (strace -e inject=CALL:signal=KILL
# kills the process as it enters the call, before the call runs): a
# connection process defining, redefining and undefining (before its
# write is renamed into place, at the rename, after it; the config file
# is the old one or the new one, whole, the name is there once, no
# temporary file is left and the next define goes at once), one destroying
# (the destroy still happens, the next state change is not held up), and
# a supervisor writing the status (the file is whole, the domain shut off
# (crashed), the next start works). Without strace those parts are
# skipped, and said so. Last, a connection stopped while the event journal
# rotates past it says in the log how many events it lost.
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
        # This test's own (its serial file is in $W): other tests on the
        # machine may run a domain of the same name.
        cat "$p/cmdline" 2>/dev/null | tr '\0' ' ' | grep "guest=$NAME,debug-threads" |
            grep -qF "$W/" &&
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

# 4. Kill -9 at chosen system calls.
CONF=${RUN%/run/libvirt/qemu}/etc/libvirt/qemu
traced() { [ "$(awk '/^TracerPid:/ {print $2}' "/proc/$1/status" 2>/dev/null)" != 0 ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }
# kill_conn_at CALLS WHEN COMMAND: runs the virsh COMMAND (one line) on a
# new connection whose process is killed when it enters the WHEN-th of
# CALLS (comma separated). Prints the virsh output into $W/kill.out.
kill_conn_at() {
    local calls=$1 when=$2 cmd=$3 before pid= vp st i
    rm -f "$W/kill.fifo"
    mkfifo "$W/kill.fifo"
    before=" $(pgrep -P "$ACTIVATOR" | tr '\n' ' ') "
    timeout 60 virsh -c "$URI" <"$W/kill.fifo" >"$W/kill.out" 2>&1 &
    vp=$!
    exec 9>"$W/kill.fifo"
    for ((i = 0; i < 100; i++)); do
        [ -z "$pid" ] || break
        for p in $(pgrep -P "$ACTIVATOR"); do
            [[ $before == *" $p "* ]] || pid=$p
        done
        [ -n "$pid" ] || sleep 0.05
    done
    [ -n "$pid" ] || { echo "no connection process for: $cmd"; exec 9>&-; wait "$vp"; return 1; }
    timeout 60 strace -qq -o /dev/null -p "$pid" -e trace="$calls" \
        -e inject="$calls:signal=KILL:when=$when" &
    st=$!
    wait_until 50 traced "$pid"
    echo "$cmd" >&9
    wait_until 100 gone "$pid"
    st_ok=$?
    exec 9>&-
    wait "$vp" 2>/dev/null
    kill "$st" 2>/dev/null
    wait "$st" 2>/dev/null
    return $st_ok
}
config_whole() { # FILE: a config that parses as a whole domain
    [ -f "$1" ] && tail -1 "$1" | grep -q '^</domain>$' && xmllint --noout "$1" 2>/dev/null
}
no_temp() { [ -z "$(ls -A "$CONF" "$RUN" | grep -- '\.tmp')" ]; }
defined_once() { [ "$(v list --all --name | grep -cx "$1")" = 1 ]; }
undefined() { [ "$(v list --all --name | grep -cx "$1")" = 0 ] && [ ! -e "$CONF/$1.xml" ]; }
define_fast() { # the driver lock is free: a define goes through at once
    timeout 10 virsh -c "$URI" define "$1" >/dev/null
}

if ! command -v strace >/dev/null; then
    echo "SKIP kill -9 at chosen system calls: no strace"
else
    D=rec2-$TAG
    sed "s#<name>$NAME</name>#<name>$D</name><uuid>6c1f3f0e-5c1e-4d2a-9a57-0d1b2c3d4e5f</uuid>#" \
        "$W/$NAME.xml" >"$W/$D.xml"
    sed "s#<memory unit='MiB'>[0-9]*</memory>#<memory unit='MiB'>96</memory>#" "$W/$D.xml" \
        >"$W/$D-96.xml"
    # A new domain: killed before the rename (its temporary file written
    # and synced), at the rename: nothing defined; after the rename (the
    # directory sync): defined, whole.
    for at in "fsync 1" "renameat,rename 1"; do
        check "define: the connection dies at ${at% *}" \
            kill_conn_at "${at% *}" "${at#* }" "define $W/$D.xml"
        check "define killed at ${at% *}: nothing defined" undefined "$D"
    done
    check "define killed: the driver lock is free, the next define goes at once" \
        define_fast "$W/$D.xml"
    v undefine "$D" >/dev/null
    check "define: the connection dies after the rename" kill_conn_at fsync 2 "define $W/$D.xml"
    check "define killed after the rename: defined once" defined_once "$D"
    check "define killed after the rename: the config is whole" config_whole "$CONF/$D.xml"
    # An update killed at the rename: the old config, whole.
    check "redefine: the connection dies at the rename" \
        kill_conn_at renameat,rename 1 "define $W/$D-96.xml"
    check "redefine killed at the rename: the old config, whole" \
        sh -c "$(declare -f config_whole); config_whole '$CONF/$D.xml' && grep -q \"<memory unit='KiB'>131072</memory>\" '$CONF/$D.xml'"
    check "redefine killed: still defined once" defined_once "$D"
    # Undefine killed at the unlink of its config: still defined, whole;
    # after it (the directory sync): gone, and a define of the name again
    # is a new domain (shut off (unknown)), not the last one's state.
    v autostart "$D" >/dev/null
    check "undefine: the connection dies at the config's unlink" \
        kill_conn_at unlinkat,unlink 2 "undefine $D"
    check "undefine killed at the unlink: still defined, whole" \
        sh -c "$(declare -f config_whole); config_whole '$CONF/$D.xml'"
    check "undefine killed at the unlink: defined once" defined_once "$D"
    v start "$D" >/dev/null
    v destroy "$D" >/dev/null
    v autostart "$D" >/dev/null
    check "undefine: the connection dies after the config's unlink" \
        kill_conn_at fsync 2 "undefine $D"
    check "undefine killed after the unlink: undefined" undefined "$D"
    v define "$W/$D.xml" >/dev/null
    check "defined again after a killed undefine: shut off (unknown)" \
        sh -c "[ \"\$(virsh -c '$URI' domstate --reason '$D' | head -1)\" = 'shut off (unknown)' ]"
    check "no temporary file left after the next writes" no_temp
    v undefine "$D" >/dev/null

    # A destroy whose connection dies while the supervisor carries it out
    # (its QEMU stopped, so that it takes the grace period).
    v start "$NAME" >/dev/null
    q=$(qemu_of)
    kill -STOP "$q"
    before=" $(pgrep -P "$ACTIVATOR" | tr '\n' ' ') "
    v destroy "$NAME" >"$W/destroy.out" &
    DP=$!
    sleep 1
    for p in $(pgrep -P "$ACTIVATOR"); do
        [[ $before == *" $p "* ]] || kill -9 "$p"
    done
    wait "$DP"
    check "destroy's connection killed: reads answer at once" \
        sh -c "timeout 5 virsh -c '$URI' domstate '$NAME' >/dev/null"
    served() { # a state change that is answered, not held up by a lock
        local out
        out=$(timeout 25 virsh -c "$URI" "$@" 2>&1)
        [ $? != 124 ] && [[ $out != *"state change lock"* ]]
    }
    check "destroy's connection killed: no stale job lock, the next state change is served" \
        served resume "$NAME"
    check "destroy's connection killed: the destroy happens" \
        wait_until 150 state_is "shut off (destroyed)"
    check "destroy's connection killed: Stopped Destroyed" \
        wait_until 50 grep -q "'$NAME': Stopped Destroyed" "$W/$NAME.events"
    check "destroy's connection killed: no QEMU left" wait_until 50 no_qemu

    # The supervisor killed while it writes the status of a suspend: at
    # the rename of the new status into place, the old one stays, whole.
    v start "$NAME" >/dev/null
    sup=$(supervisor_of)
    timeout 60 strace -qq -o /dev/null -p "$sup" -e trace=renameat,rename \
        -e inject=renameat,rename:signal=KILL &
    st=$!
    wait_until 50 traced "$sup"
    v suspend "$NAME" >/dev/null
    check "the supervisor dies at the rename of its status" wait_until 50 gone "$sup"
    kill "$st" 2>/dev/null
    wait "$st" 2>/dev/null
    check "supervisor killed writing the status: the old status, whole" \
        sh -c "grep -q \"^<domstatus state='running'\" '$RUN/$NAME.xml' && tail -1 '$RUN/$NAME.xml' | grep -qx '</domstatus>'"
    check "supervisor killed writing the status: shut off (crashed)" \
        wait_until 50 state_is "shut off (crashed)"
    check "supervisor killed writing the status: its QEMU goes too" wait_until 50 no_qemu
    check "supervisor killed writing the status: the next start works at once" \
        timeout 20 sh -c "virsh -c '$URI' start '$NAME' >/dev/null"
    check "supervisor killed writing the status: its temporary file is cleaned up" no_temp
    v destroy "$NAME" >/dev/null
fi
# 5. A connection that falls behind the journal's rotations (stopped while
# a flood of records goes by: JOURNAL_APPEND, tests/qemu/journal-append.c)
# says in the log how many events it lost, and goes on with the next ones.
LOG=${RUN%/run/libvirt/qemu}/libvirtd.log
if [ ! -x "${JOURNAL_APPEND:-}" ]; then
    echo "SKIP a connection behind the journal: no JOURNAL_APPEND"
else
    before=" $(pgrep -P "$ACTIVATOR" | tr '\n' ' ') "
    timeout 120 virsh -c "$URI" event --all --loop >"$W/behind.events" 2>&1 &
    BEHIND=$!
    LC=
    for ((i = 0; i < 100; i++)); do
        for p in $(pgrep -P "$ACTIVATOR"); do
            [[ $before == *" $p "* ]] || LC=$p
        done
        [ -n "$LC" ] && break
        sleep 0.05
    done
    # Registered once it hears an event.
    for ((i = 0; i < 50; i++)); do
        v define "$W/$NAME.xml" >/dev/null
        grep -q "'$NAME': Defined" "$W/behind.events" && break
        sleep 0.1
    done
    check "a connection behind the journal: its process is known" test -n "$LC"
    kill -STOP "$LC"
    "$JOURNAL_APPEND" "$RUN/events" 12000 \
        "lifecycle 0 1 -1 0f0e0d0c-0b0a-0908-0706-050403020100 flood-$TAG"
    kill -CONT "$LC"
    v undefine "$NAME" >/dev/null
    # It first sends what its queue holds of the flood (4096 events) to a
    # virsh that prints each: up to 30 s on a loaded machine.
    check "a connection behind the journal: goes on with the next events" \
        wait_until 300 grep -q "'$NAME': Undefined" "$W/behind.events"
    check "a connection behind the journal: says in the log how many it lost" \
        grep -Eq "rotated past this connection: [0-9]+ events lost" "$LOG"
    kill "$BEHIND" 2>/dev/null
    wait "$BEHIND" 2>/dev/null
fi
kill "$LISTENER" 2>/dev/null
wait "$LISTENER" 2>/dev/null
echo "recovery: $good/$total as expected"
[ "$good" = "$total" ]

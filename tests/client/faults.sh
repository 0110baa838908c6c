#!/bin/bash
# Faults on the client side, and reconnect:
#   - daemon killed mid-call: faults.c (built against our libvirt.so and
#     against Debian's) has a call in flight when the daemon process is
#     killed; the call must fail within a second or two, the close
#     callback must fire, and both libraries must say the same;
#   - silent daemon: real virsh and ours with -k 1 -K 2 against a daemon
#     that stops answering (SIGSTOP) give up on their own, with the same
#     words, both in a call and while waiting for events;
#   - client killed mid-call: the daemon process serving it exits;
#   - reconnect=1 (ours only): the daemon process is killed between and
#     during calls, with an event callback registered; reads are repeated,
#     a state-changing call in flight is reported as of unknown outcome and
#     never repeated, and events keep coming on the new connection; when the
#     daemon is gone for good the close callback fires. Against our
#     activated daemon and against a real libvirtd 9.0 restarted.
# Environment (set by meson): LIBVIRTD, VIRSH_OURS, FAULTS_OURS, FAULTS_REAL.
# Exits 77 (skip) without real libvirt 9.0 or without faults-real (meson
# builds it only when pkg-config finds Debian's libvirt: libvirt-dev).

here=$(cd "$(dirname "$0")" && pwd)
unset LD_LIBRARY_PATH
. "$here/../integration/lib.sh"

it_need_real_libvirt
it_need_socket_activate
it_need pgrep procps
[ -x "${FAULTS_REAL:-}" ] ||
    it_skip "FAULTS_REAL='${FAULTS_REAL:-}' is not a program: meson builds faults-real only when pkg-config finds Debian's libvirt (libvirt-dev)"
it_setup

failures=0
checks=0
fail() {
    echo "FAIL $*"
    failures=$((failures + 1))
}

ours_start ours || exit 1
OURS_URI=$(uri_for "$OURS_SOCK")

# The process serving the newest connection to our activated socket.
child() { pgrep -n -P "$OURS_PID"; }

# A faults.c process as a coprocess: say LINE, hear [SECS] (into $heard).
start_faults() {
    coproc FAULTS { "$1" 2>&1; }
}
say() { echo "$1" >&"${FAULTS[1]}"; }
hear() {
    heard="(nothing within ${1:-10} s)"
    read -t "${1:-10}" -r heard <&"${FAULTS[0]}"
    printf '%s\n' "$heard" >>"$IT_DIR/transcript"
}
stop_faults() {
    exec {FAULTS[1]}>&-
    it_bounded 10 wait "$FAULTS_PID" 2>/dev/null
}
expect() { # expect LABEL PATTERN: the last line heard matches PATTERN
    checks=$((checks + 1))
    # shellcheck disable=SC2053
    [[ $heard == $2 ]] || fail "$1: expected '$2', got '$heard'"
}
ms_of() { sed -n 's/.*(\([0-9]*\) ms)$/\1/p' <<<"$heard"; }
# The last line heard without its timing, for comparing transcripts.
untimed() { printf '%s\n' "${heard% (*ms)}"; }

# 1. Daemon killed mid-call. $1: faults binary; $2: URI; $3: "ours" (kill
# the activated child) or a real libvirtd's pid. Prints the scrubbed lines.
killed_mid_call() {
    local bin=$1 uri=$2 target=$3 victim out=() ms
    start_faults "$bin"
    say "open $uri"; hear; out+=("$heard")
    say "version"; hear; out+=("$heard")
    if [ "$target" = ours ]; then victim=$(child); else victim=$target; fi
    kill -STOP "$victim"
    say "version"
    sleep 0.3
    kill -KILL "$victim"
    hear 10
    ms=$(ms_of)
    checks=$((checks + 1))
    if [ -z "$ms" ] || [ "$ms" -gt 2500 ]; then
        fail "$bin: the call in flight did not fail promptly: $heard"
    fi
    out+=("$(untimed)")
    say "wait-close 3000"; hear; out+=("$(untimed)")
    say "alive"; hear; out+=("$heard")
    say "version"; hear; out+=("$(untimed)")
    stop_faults
    printf '%s\n' "${out[@]}"
}

expected_kill=$'open: ok\nversion: ok\nversion: error Cannot recv data: Connection reset by peer\nclose: reason 1\nalive: 0\nversion: error internal error: client socket is closed'
for lib in ours real; do
    bin=$FAULTS_OURS
    [ $lib = real ] && bin=$FAULTS_REAL
    got=$(killed_mid_call "$bin" "$OURS_URI" ours)
    checks=$((checks + 1))
    [ "$got" = "$expected_kill" ] ||
        fail "daemon killed mid-call ($lib library, our daemon):"$'\n'"$got"
    real_start "real-$lib" || exit 1
    got=$(killed_mid_call "$bin" "$(uri_for "$REAL_SOCK")" "$REAL_PID")
    checks=$((checks + 1))
    [ "$got" = "$expected_kill" ] ||
        fail "daemon killed mid-call ($lib library, real libvirtd):"$'\n'"$got"
done

# 2. A silent daemon, noticed by the client's keepalive (-k 1 -K 2): a
# call in flight fails, and an event wait ends, within a few seconds.
silent_daemon() {
    local virsh=$1
    {
        echo "domstate test"
        sleep 0.5
        kill -STOP "$(child)"
        echo "domstate test"
    } | it_bounded 30 "$virsh" -q -k 1 -K 2 -c "$OURS_URI" 2>&1
    echo "exit $?"
}
silent_events() {
    local virsh=$1
    (sleep 1; kill -STOP "$(child)") &
    it_bounded 30 "$virsh" -k 1 -K 2 -c "$OURS_URI" 'event --all --timeout 20' 2>&1
    echo "exit $?"
    wait
}
for what in silent_daemon silent_events; do
    SECONDS=0
    r=$($what virsh)
    t_real=$SECONDS
    SECONDS=0
    o=$($what "$VIRSH_OURS")
    t_ours=$SECONDS
    checks=$((checks + 1))
    [ "$r" = "$o" ] || fail "$what: real virsh and ours differ:"$'\n'"$(diff <(echo "$r") <(echo "$o"))"
    checks=$((checks + 1))
    grep -q "keepalive" <<<"$o" && [ "$t_ours" -le 8 ] ||
        fail "$what: ours took ${t_ours}s (real ${t_real}s) and said: $o"
done
# The stopped daemon processes go with the test's cleanup of their parent;
# wake them so that they can see their clients gone and exit.
for p in $(pgrep -P "$OURS_PID"); do kill -CONT "$p"; done

# 3. Client killed mid-call: the daemon process serving it exits.
for virsh in virsh "$VIRSH_OURS"; do
    before=" $(pgrep -P "$OURS_PID" | tr '\n' ' ')"
    it_bounded 20 "$virsh" -c "$OURS_URI" 'event --all --timeout 10' >/dev/null 2>&1 &
    vpid=$!
    c=
    for ((i = 0; i < 50; i++)); do
        [ -n "$c" ] && break
        sleep 0.1
        for p in $(pgrep -P "$OURS_PID"); do
            [[ $before == *" $p "* ]] || c=$p
        done
    done
    checks=$((checks + 1))
    [ -n "$c" ] || { fail "client ($virsh) killed mid-call: no daemon process appeared"; continue; }
    sleep 0.3
    kill -STOP "$c"
    pkill -KILL -P "$vpid" 2>/dev/null # virsh itself, then its runner
    kill -KILL "$vpid" 2>/dev/null
    wait "$vpid" 2>/dev/null
    kill -CONT "$c"
    for ((i = 0; i < 30; i++)); do
        kill -0 "$c" 2>/dev/null || break
        sleep 0.1
    done
    checks=$((checks + 1))
    if kill -0 "$c" 2>/dev/null; then
        fail "client ($virsh) killed mid-call: daemon process $c still running after 3 s"
        kill -KILL "$c"
    fi
done

# 4. reconnect=1, our library. $1: URI; $2: "ours" or "real".
reconnect_run() {
    local uri="$1&reconnect=1" target=$2 victim
    start_faults "$FAULTS_OURS"
    say "open $uri"; hear; expect "$target: open" "open: ok"
    say "dom test"; hear; expect "$target: lookup" "dom: ok"
    say "suspend"; hear; expect "$target: suspend" "suspend: ok"
    say "wait-events 1 3000"; hear; expect "$target: first event" "events: test:suspended"

    # Killed between calls: the event loop reconnects, events keep coming.
    kill_daemon "$target"
    say "suspend"; hear 15; expect "$target: suspend after a kill between calls" "suspend: ok"
    say "wait-events 1 3000"; hear
    expect "$target: event after a kill between calls" "events: test:suspended"

    # Killed during a read: repeated on a new connection.
    victim=$(stop_daemon "$target")
    say "version"; sleep 0.3; kill_daemon "$target" "$victim"
    hear 15; expect "$target: a read in flight is repeated" "version: ok"

    # Killed during a state-changing call: unknown outcome, not repeated.
    victim=$(stop_daemon "$target")
    say "suspend"; sleep 0.3; kill_daemon "$target" "$victim"
    hear 15
    expect "$target: a change in flight is not repeated" \
        "suspend: error operation failed: the connection was lost while virDomainSuspend was in progress: it may or may not have taken effect (*"
    say "list"; hear 15; expect "$target: list on the new connection" "list: test"
    say "suspend"; hear 15; expect "$target: suspend after the unknown outcome" "suspend: ok"
    say "wait-events 1 3000"; hear
    expect "$target: events keep coming" "events: test:suspended"
    say "wait-close 200"; hear; expect "$target: no close while reconnecting works" "close: none"
    stop_faults
}
kill_daemon() { # kill_daemon ours|real [PID]: the serving process, or real libvirtd (restarted)
    if [ "$1" = ours ]; then
        kill -KILL "${2:-$(child)}"
        kill -CONT "${2:-$(child)}" 2>/dev/null
    else
        kill -KILL "$REAL_PID"
        wait "$REAL_PID" 2>/dev/null
        rm -f "$REAL_SOCK" "$REAL_SOCK_RO"
        real_start "$REAL_NAME" >/dev/null || fail "real libvirtd did not restart"
    fi
}
stop_daemon() {
    if [ "$1" = ours ]; then
        local c
        c=$(child)
        kill -STOP "$c"
        echo "$c"
    else
        kill -STOP "$REAL_PID"
    fi
}
if [ -n "${FAULTS_OURS:-}" ]; then
    reconnect_run "$OURS_URI" ours
    REAL_NAME=real-reconnect
    real_start "$REAL_NAME" || exit 1
    reconnect_run "$(uri_for "$REAL_SOCK")" real

    # Gone for good: the call fails after the attempts, the close callback
    # fires, and the event loop (a 50 ms timer in it) never waited for the
    # round of attempts, which sleeps about five seconds in all.
    start_faults "$FAULTS_OURS"
    say "open $OURS_URI&reconnect=1"; hear; expect "gone: open" "open: ok"
    say "ticks"; hear; expect "gone: ticks" "ticks: ok"
    sleep 0.3
    say "max-gap"; hear
    c=$(child)
    it_stop "$OURS_PID"
    kill -KILL "$c" 2>/dev/null
    say "version"; hear 20; expect "gone: the call fails" "version: error *"
    say "wait-close 10000"; hear 12; expect "gone: close callback" "close: reason 1*"
    say "max-gap"; hear
    gap=${heard#max-gap: }
    gap=${gap% ms}
    checks=$((checks + 1))
    [[ $gap =~ ^[0-9]+$ ]] && [ "$gap" -lt 500 ] ||
        fail "gone: the event loop was held up while reconnecting: $heard"
    echo "gone: the event loop's timer was at most ${gap} ms late while reconnecting"
    stop_faults
fi

echo "$checks checks, $failures failures"
[ "$failures" -eq 0 ] || { echo "transcript:"; cat "$IT_DIR/transcript"; }
[ "$failures" -eq 0 ]

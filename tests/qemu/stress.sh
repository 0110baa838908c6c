#!/bin/bash
# stress.sh concurrency|isolation|recovery: the QEMU driver's tests that
# are not a comparison line by line, each with its daemons and payload.
#   concurrency  8 clients hammering 3 domains of ours (concurrency.py)
#   isolation    a stopped QEMU must not hold up list/dominfo of another
#                VM: ours must answer within the bound; real libvirtd's
#                figures are printed beside ours for the record; the call
#                queued behind the stuck one times out, and a destroy
#                goes through, as real's do
#   recovery     kill -9 of a QEMU, a supervisor, a connection process
#                mid-start on ours (recovery.sh)
. "$(dirname "$0")/lib.sh"
what=${1:?usage: stress.sh concurrency|isolation|recovery}
q_setup
q_payload
q_ours_start
RUN=$OURS_ROOT/run/libvirt/qemu
# The tests find QEMUs by their guest name in /proc: names unique to this
# run keep another run's VMs (a second checkout's tests) out of it.
ID=$(basename "$IT_DIR" | tr -cd 'a-zA-Z0-9')
case $what in
concurrency)
    names=()
    for n in 1 2 3; do
        sed "s#@PAYLOAD@#$PAYLOAD#g; s#@SERIAL@#$IT_DIR/c$n.serial#g; s#@NAME@#c$n-$ID#g" \
            "$Q_DIR/data/scenario.xml" >"$IT_DIR/c$n.xml"
        virsh -c "$OURS_URI" define "$IT_DIR/c$n.xml" >/dev/null || exit 1
        names+=("c$n-$ID")
    done
    CONCURRENCY_SECONDS=${CONCURRENCY_SECONDS:-15} \
        /usr/bin/python3 "$Q_DIR/concurrency.py" "$OURS_URI" "$RUN" "${names[@]}"
    ;;
isolation)
    q_real_start
    bash "$Q_DIR/isolation.sh" "$REAL_URI" - "real$ID" "$IT_DIR" "$PAYLOAD" ||
        echo "(real libvirtd fails the bound: for the record only)"
    bash "$Q_DIR/isolation.sh" "$OURS_URI" "$RUN" "ours$ID" "$IT_DIR" "$PAYLOAD" || exit 1
    # The time-out of the call queued behind a stuck one, and the destroy
    # that does not queue: what real virsh prints against real libvirtd.
    if diff -u "$IT_DIR/real$ID-stuck.out" "$IT_DIR/ours$ID-stuck.out"; then
        echo "ok   a stuck domain's queued call and destroy print what real's do"
    else
        echo "FAIL a stuck domain's queued call and destroy differ from real's"
        exit 1
    fi
    ;;
recovery)
    bash "$Q_DIR/recovery.sh" "$OURS_URI" "$RUN" "ours$ID" "$IT_DIR" "$PAYLOAD" "${IT_PIDS[-1]}"
    ;;
*)
    echo "stress.sh: unknown test '$what'" >&2
    exit 2
    ;;
esac

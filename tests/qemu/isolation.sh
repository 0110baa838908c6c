#!/bin/bash
# isolation.sh URI RUNDIR_OR_- TAG WORKDIR PAYLOAD: one VM's QEMU stopped
# (SIGSTOP) with clients stuck in calls on it, and a second VM: `virsh
# list` and `virsh dominfo` of the second must still answer. Prints the
# figures (ms) for the note and exits 1 when either took longer than
# ISOLATION_BOUND_MS (default 5000; the stuck calls wait up to 30 s).
# Then the queued call's time-out and a destroy of the stuck domain, whose
# output goes to WORKDIR/TAG-stuck.out.
. "$(dirname "$0")/lib.sh"
set -u
URI=$1 TAG=$3 W=$4 PAYLOAD=$5
BOUND=${ISOLATION_BOUND_MS:-5000}
v() { timeout 120 virsh -c "$URI" "$@" 2>&1; }
ms() { date +%s%3N; }

for n in A B; do
    sed "s#@PAYLOAD@#$PAYLOAD#g; s#@SERIAL@#$W/$TAG-iso$n.serial#g; s#@NAME@#iso$n-$TAG#g" \
        "$(dirname "$0")/data/scenario.xml" >"$W/$TAG-iso$n.xml"
    v define "$W/$TAG-iso$n.xml" >/dev/null && v start "iso$n-$TAG" >/dev/null || {
        echo "FAIL: cannot start iso$n-$TAG"
        exit 1
    }
done
A=$(q_qemu_pid "isoA-$TAG" "$W")
[ -n "$A" ] || { echo "FAIL: no QEMU for isoA-$TAG"; exit 1; }
kill -STOP "$A"
# Clients stuck on A: a state change (the monitor never answers) and a
# second one queued behind it.
v suspend "isoA-$TAG" >"$W/$TAG-stuck1" &
S1=$!
sleep 0.5
v resume "isoA-$TAG" >"$W/$TAG-stuck2" &
S2=$!
sleep 0.5

fail=0
t0=$(ms); out=$(v list); t1=$(ms)
list_ms=$((t1 - t0))
t0=$(ms); info=$(v dominfo "isoB-$TAG"); t1=$(ms)
info_ms=$((t1 - t0))
t0=$(ms); infoa=$(v dominfo "isoA-$TAG"); t1=$(ms)
infoa_ms=$((t1 - t0))
echo "isolation ($TAG): list ${list_ms} ms, dominfo of the other VM ${info_ms} ms," \
    "dominfo of the stuck one ${infoa_ms} ms, while two calls wait on the stopped QEMU"
[[ $out == *"isoB-$TAG"* ]] || { echo "FAIL: list did not answer: $out"; fail=1; }
[[ $info == *"State:"*running* ]] || { echo "FAIL: dominfo did not answer: $info"; fail=1; }
[ "$list_ms" -le "$BOUND" ] || { echo "FAIL: list took ${list_ms} ms"; fail=1; }
[ "$info_ms" -le "$BOUND" ] || { echo "FAIL: dominfo took ${info_ms} ms"; fail=1; }
kill -0 "$S1" 2>/dev/null || { echo "FAIL: the call on the stopped QEMU did not wait"; fail=1; }

# The call queued behind the stuck one gives up after libvirt's 30 s with
# libvirt's error naming the holder; a destroy does not queue (libvirt
# kills QEMU first, which ends the stuck call). What each printed goes to
# $W/$TAG-stuck.out, which stress.sh compares between real and ours.
wait "$S2"
t0=$(ms); dout=$(v destroy "isoA-$TAG"); drc=$?; t1=$(ms)
destroy_ms=$((t1 - t0))
echo "isolation ($TAG): destroy of the stuck one ${destroy_ms} ms"
{
    echo "queued resume:"
    cat "$W/$TAG-stuck2"
    echo "destroy ($drc):"
    echo "$dout"
} | sed "s/-$TAG'/-TAG'/g" >"$W/$TAG-stuck.out"
[ "$drc" = 0 ] || { echo "FAIL: destroy of the stuck domain: $dout"; fail=1; }
kill -CONT "$A" 2>/dev/null
wait "$S1"
{
    echo "the stuck suspend:"
    cat "$W/$TAG-stuck1"
} | sed "s/-$TAG'/-TAG'/g" >>"$W/$TAG-stuck.out"
for n in A B; do v destroy "iso$n-$TAG" >/dev/null; v undefine "iso$n-$TAG" >/dev/null; done
exit $fail

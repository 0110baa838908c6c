#!/bin/bash
# Memory, vCPUs, reset and statistics: setmem, setmaxmem, setvcpus (with
# --config, --live, --maximum and their error paths) on a shut-off and a
# running domain, vcpucount, dommemstat, domstats with its groups and
# filters, and reset with the event it raises, driven by real virsh on
# real libvirtd's QEMU driver and on ours. The transcripts, normalized only
# for what is random (times, the RSS, ids, UUIDs, paths), must be
# identical.
. "$(dirname "$0")/lib.sh"
q_setup
q_payload
q_real_start
q_ours_start

norm() {
    sed -E -e 's/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/UUID/g' \
        -e 's/^(  (cpu\.(time|user|system)|vcpu\.[0-9]+\.(time|delay)|balloon\.rss)=)[0-9]+$/\1N/' \
        -e 's/^rss +[0-9]+$/rss N/' -e 's/^(CPU time: +)[0-9.]+s/\1Xs/' -e 's/^(Id: +)[0-9]+$/\1N/' \
        -e "s#$IT_DIR/(real|ours)-#WORK/TAG-#g" -e "s#$PAYLOAD#PAYLOAD#g"
}

run() {
    local uri=$1 tag=$2 n
    v() { timeout 60 virsh -c "$uri" "$@" 2>&1; }
    for n in t1 t2; do
        sed "s#@PAYLOAD@#$PAYLOAD#g; s#@SERIAL@#$IT_DIR/$tag-$n.serial#g; s#@NAME@#$n#g" \
            "$Q_DIR/data/scenario.xml" >"$IT_DIR/$tag-$n.xml"
        v define "$IT_DIR/$tag-$n.xml" >/dev/null
    done
    timeout 120 virsh -c "$uri" event --all --loop >"$IT_DIR/$tag.events" 2>&1 &
    local listener=$!
    sleep 0.5
    # Shut off.
    for c in "setmem t2 64M" "setmem t2 64M --live" "setmaxmem t2 32M" "dominfo t2" \
        "setmaxmem t2 100M --config" "dominfo t2" "setmem t2 60M --config" "dominfo t2" \
        "setmem t2 300M --config" "setmaxmem t2 50M --config" "dominfo t2" \
        "setvcpus t2 2 --live" "setvcpus t2 2" "setvcpus t2 2 --config" \
        "setvcpus t2 3 --config --maximum" "vcpucount t2" "setvcpus t2 2 --config" \
        "vcpucount t2" "setvcpus t2 1 --config --maximum" "vcpucount t2" \
        "dumpxml --inactive t2" "dommemstat t2" "reset t2" "domstats t2" \
        "domstats --balloon --vcpu --state t2" "domstats --cpu-total --block --interface t2" \
        "setmem nosuch 64M --config" "setvcpus nosuch 1 --config"; do
        echo "== $c"
        v $c
    done
    # Running.
    v start t1 >/dev/null
    for ((n = 0; n < 300; n++)); do
        grep -q 'qemu-payload: up' "$IT_DIR/$tag-t1.serial" 2>/dev/null && break
        sleep 0.1
    done
    for c in "setmem t1 64M" "setmem t1 64M --live" "setmem t1 64M --config" "setmaxmem t1 200M" \
        "setmaxmem t1 200M --config" "dominfo t1" "dumpxml --inactive t1" \
        "setvcpus t1 2" "setvcpus t1 1 --live" "setvcpus t1 2 --config" \
        "setvcpus t1 2 --config --maximum" "setvcpus t1 3 --live" "setvcpus t1 1 --current" \
        "vcpucount t1" "dommemstat t1" "domstats t1" "domstats --state --list-active" \
        "domstats --state --list-inactive" "domstats --list-running --state --enforce" \
        "domstats --list-persistent --list-shutoff --vcpu" "domstats --perf --iothread t1" \
        "domstats --balloon --dirtyrate t1" "reset t1" "domstate --reason t1"; do
        echo "== $c"
        v $c
    done
    sleep 1
    v destroy t1 >/dev/null
    v undefine t1 >/dev/null
    v undefine t2 >/dev/null
    sleep 0.5
    kill "$listener" 2>/dev/null
    wait "$listener" 2>/dev/null
    echo "== the other connection's events"
    # A run of reboot events is one: after a reset of a running guest
    # SeaBIOS resets it once or twice more, as it pleases (2 or 3 events).
    grep -v '^$' "$IT_DIR/$tag.events" |
        awk '!($0 == prev && /^event .reboot. /) { print } { prev = $0 }'
}

run "$REAL_URI" real | norm >"$IT_DIR/want"
run "$OURS_URI" ours | norm >"$IT_DIR/got"
if diff -u "$IT_DIR/want" "$IT_DIR/got"; then
    echo "tune: $(grep -c '^== ' "$IT_DIR/want") steps identical to real libvirtd"
    exit 0
fi
echo "FAIL: ours differs from real libvirtd (- real, + ours)"
exit 1

#!/bin/bash
# virt-manager 4.1 (Debian's), headless under Xvfb, against real libvirtd
# 9.0's QEMU driver and ours: connected with --connect and
# --show-domain-performance to a running payload VM, it lists the domain,
# reads its XML, capabilities and domain capabilities, opens its details
# window and registers for events; the VM is then suspended, resumed,
# destroyed and started again with virsh, and virt-manager must log the
# same events. Its --debug log, normalized only for what is random, must be
# the same line for line: any call of ours that fails where real's works
# shows up there (virt-manager logs its failed calls and tracebacks).
# No console (the domain has no graphics). Both daemons serve storage
# pools (real's storage driver beside its QEMU driver), each with a
# "default" pool in the test's directory, so that virt-manager finds one
# and lists it rather than building one in /var/lib/libvirt/images.
. "$(dirname "$0")/lib.sh"
export REAL_LIBVIRTD_EXTRA_DRIVERS=storage
q_setup
it_need virt-manager virt-manager
it_need xvfb-run xvfb
it_need xauth xauth
q_payload
q_real_start
q_ours_start

# Normalized, and why:
#   - the log's "[date virt-manager PID]" prefix: time and pid (removed
#     where the records are sorted, below);
#   - "id=0x...": the address of a Python object virt-manager prints;
#   - UUIDs: each define makes a random one;
#   - the work directory (WORK/TAG) and the domain's name: each daemon has
#     its own socket, serial file and domain (vm-real, vm-ours);
#   - <domain id='N'>: each daemon numbers its domains itself;
#   - the host's memory in the capabilities' NUMA cell (its size and its
#     count of 4 KiB pages): on a host whose memory is hot-added as it runs
#     it grows between the two runs (qemu-python checks it against the
#     host's NUMA nodes).
norm() { # TAG
    sed -E -e 's/ id=0x[0-9a-f]+/ id=0xADDR/g' \
        -e "s#^( {8,}<memory unit='KiB'>)[0-9]+(</memory>)#\1MEM\2#" \
        -e "s#<pages unit='KiB' size='4'>[0-9]+</pages>#<pages unit='KiB' size='4'>MEM</pages>#g" \
        -e 's/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/UUID/g' \
        -e "s#$IT_DIR/$1#WORK/TAG#g; s#$PAYLOAD#PAYLOAD#g; s/vm-$1/NAME/g" \
        -e "s/(<domain [^>]*) id='[0-9]+'/\1 id='N'/"
}

run() { # URI TAG
    local uri=$1 tag=$2 n=vm-$2 log=$IT_DIR/$2-virt-manager.log vm i
    v() { timeout 60 virsh -c "$uri" "$@" >/dev/null 2>&1; }
    wait_log() { # PATTERN: until virt-manager has logged it (30 s at most)
        for ((i = 0; i < 300; i++)); do
            grep -q -- "$1" "$log" && return 0
            sleep 0.1
        done
        echo "virt-manager did not log '$1'" >>"$log.missing"
        return 1
    }
    sed "s#@PAYLOAD@#$PAYLOAD#g; s#@SERIAL@#$IT_DIR/$tag-vm.serial#g; s#@NAME@#$n#g" \
        "$Q_DIR/data/scenario.xml" >"$IT_DIR/$tag-vm.xml"
    v define "$IT_DIR/$tag-vm.xml"
    v start "$n"
    v pool-define-as default dir --target "$IT_DIR/$tag-pool"
    v pool-build default
    v pool-start default
    v vol-create-as default disk.qcow2 16M --format qcow2
    # Its settings in memory (no dconf, no D-Bus), no accessibility bus,
    # its ~/.cache/virt-manager in the test's directory.
    mkdir -p "$IT_DIR/home-$tag"
    HOME=$IT_DIR/home-$tag GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 \
        timeout -s TERM 120 xvfb-run -a -s "-screen 0 1024x768x24" \
        virt-manager --debug --no-fork --connect "$uri" --show-domain-performance "$n" \
        >"$log" 2>&1 &
    vm=$!
    # Each step once virt-manager has seen the one before.
    wait_log "Showing VM details" &&
        v suspend "$n" && wait_log "EVENT_SUSPENDED_PAUSED" &&
        v resume "$n" && wait_log "EVENT_RESUMED_UNPAUSED" &&
        v destroy "$n" && wait_log "EVENT_STOPPED_DESTROYED" &&
        v start "$n" && wait_log "EVENT_STARTED_BOOTED"
    sleep 1
    kill -TERM "$vm" 2>/dev/null
    wait "$vm" 2>/dev/null
    v destroy "$n"
    v undefine "$n"
    v vol-delete --pool default disk.qcow2
    v pool-destroy default
    v pool-undefine default
    cat "$log.missing" 2>/dev/null
    # virt-manager logs from its main loop, its connection-opening thread
    # and its event thread, so how their records interleave is timing: the
    # records (a line with the "[date virt-manager PID]" prefix and the
    # lines after it, such as an XML document) are compared sorted, and the
    # events apart, in their own order.
    /usr/bin/python3 - "$log" <<'PY'
import re, sys
recs, events = [], []
for line in open(sys.argv[1], errors="replace"):
    head = re.match(r"\[[^]]*virt-manager [0-9]+\] ", line)
    if head or not recs:
        recs.append(line[head.end():] if head else line)
    else:
        recs[-1] += line
for r in recs:
    if "domain lifecycle event" in r:
        events.append(r)
sys.stdout.writelines(sorted(r for r in recs if r not in events))
print("== the events virt-manager logged")
sys.stdout.writelines(events)
PY
}

run "$REAL_URI" real | norm real >"$IT_DIR/want"
run "$OURS_URI" ours | norm ours >"$IT_DIR/got"
if ! grep -q 'EVENT_STARTED_BOOTED' "$IT_DIR/want"; then
    cat "$IT_DIR/want"
    echo "FAIL: virt-manager did not follow real libvirtd's domain"
    exit 1
fi
if diff -u "$IT_DIR/want" "$IT_DIR/got"; then
    echo "virt-manager: $(wc -l <"$IT_DIR/want") lines of its debug log identical to real libvirtd's"
    exit 0
fi
echo "FAIL: ours differs from real libvirtd (- real, + ours)"
exit 1

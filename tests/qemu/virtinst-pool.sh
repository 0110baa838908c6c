#!/bin/bash
# virt-install (Debian's virtinst 4.1) with a new disk in a storage pool,
# against real libvirtd 9.0's QEMU and storage drivers and ours: the
# `default` dir pool defined and started first (virsh), then
# `--disk size=1,pool=default` with --print-xml (nothing made) and for real
# (the volume made through the pool, the payload VM started on it with
# --import and its kernel and initrd: it comes up on its serial file), what
# the pool and the domain then hold, and `virsh undefine
# --remove-all-storage`, which finds the volume by its path and deletes it.
# virt-install is given a PIIX3 USB controller: the ICH9 set it adds by
# default is not run by our QEMU driver yet (docs/qemu.md). Each tool's exit
# status and output must be the same as with real libvirtd, after
# normalizing only what is random (see norm below).
. "$(dirname "$0")/lib.sh"
q_setup
it_need virt-install virtinst
it_need qemu-img qemu-utils
/usr/bin/python3 -c 'import libvirt' 2>/dev/null || it_skip "python3-libvirt is not installed"
export REAL_LIBVIRTD_EXTRA_DRIVERS=storage
q_payload
q_real_start
q_ours_start

# Normalized, and why: UUIDs (random), <domain id> (each daemon's own), the
# work directory (each daemon's pool, serial file and socket are its own),
# the file times, virt-install's progress bar's sizes and elapsed time.
norm() { # TAG
    sed -E -e 's/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/UUID/g' \
        -e "s/(<domain [^>]*) id='[0-9]+'/\1 id='N'/" \
        -e "s#$IT_DIR/$1#WORK/TAG#g; s#$PAYLOAD#PAYLOAD#g; s#$IT_DIR#WORK#g" \
        -e "s/vp-$1/NAME/g" \
        -e 's#<([amc]time)>[0-9.]+</#<\1>T</#' \
        -e 's/[|] +[0-9.]+ [KMGT]?B +[0-9]{2}:[0-9]{2}( [^ ]*)? *$/| SIZE MM:SS/' \
        -e 's/ [0-9]{2}:[0-9]{2} +$/ MM:SS/'
}

run() { # URI TAG
    local uri=$1 tag=$2 n=vp-$2 i
    local ser=$IT_DIR/$tag-vp.serial
    export HOME=$IT_DIR/home-$tag
    mkdir -p "$HOME"
    v() { timeout 60 virsh -c "$uri" "$@" 2>&1; }
    step() { echo "== $*"; }
    install() { # [extra args]
        timeout 120 virt-install --connect "$uri" --name "$n" --memory 128 --vcpus 1 \
            --virt-type qemu --import --disk size=1,pool=default \
            --boot "kernel=$PAYLOAD/vmlinuz,initrd=$PAYLOAD/initrd.gz,kernel_args=console=ttyS0 quiet panic=-1" \
            --serial "file,path=$ser" --graphics none --noautoconsole --network none \
            --osinfo detect=off,name=generic --controller usb,model=piix3-uhci "$@" 2>&1
        echo "exit $?"
    }
    step pool-define-as default
    v pool-define-as default dir --target "$IT_DIR/$tag-default"
    v pool-build default
    v pool-start default
    step virt-install --print-xml
    install --print-xml
    step vol-list after --print-xml
    v vol-list default
    step virt-install
    install
    step domstate
    v domstate --reason "$n"
    step guest marker
    for ((i = 0; i < 300; i++)); do
        grep -q 'qemu-payload: up' "$ser" 2>/dev/null && break
        sleep 0.1
    done
    grep -c 'qemu-payload: up' "$ser"
    step vol-dumpxml
    v vol-dumpxml --pool default "$n.qcow2"
    step dumpxml --inactive
    v dumpxml --inactive "$n"
    step domblklist
    v domblklist "$n"
    step command line
    grep -e '^-blockdev' -e '^-device .*virtio-blk' "$IT_DIR/$tag/var/log/libvirt/qemu/$n.log"
    step virt-install, volume in use
    install
    step destroy
    v destroy "$n"
    # After the VM: while it runs, real's QEMU has one 4 KiB block more
    # allocated in the image than ours (the same command line).
    step vol-list --details
    v vol-list --details default
    step undefine --remove-all-storage
    v undefine "$n" --remove-all-storage
    step vol-list after undefine
    v vol-list default
    v pool-destroy default >/dev/null
    v pool-undefine default >/dev/null
}

run "$REAL_URI" real | norm real >"$IT_DIR/want"
run "$OURS_URI" ours | norm ours >"$IT_DIR/got"
if diff -u "$IT_DIR/want" "$IT_DIR/got"; then
    echo "virtinst-pool: $(grep -c '^== ' "$IT_DIR/want") steps identical to real libvirtd"
    exit 0
fi
echo "FAIL: ours differs from real libvirtd (- real, + ours)"
exit 1

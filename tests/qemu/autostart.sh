#!/bin/bash
# Autostart: storage pools and then domains marked autostart start when
# the host "boots" (a domain on a volume of such a pool included), on
# real libvirtd (which starts them when its QEMU driver starts: the test
# restarts it) and on ours (`libvirtd --autostart`, what
# units/libvirtd-autostart.service runs at boot); the others stay off, a
# second boot starts nothing more. Real virsh drives both; the transcripts,
# normalized for what is random, must be identical.
. "$(dirname "$0")/lib.sh"
q_setup
it_need qemu-img qemu-utils
export REAL_LIBVIRTD_EXTRA_DRIVERS=storage
q_payload
q_real_start
q_ours_start

# A reboot empties /run, and with it libvirt's once-per-boot markers
# (RUN/libvirt/qemu/autostarted, and real's storage driver's own).
reboot() { rm -f "${RUNDIR:?}/autostarted" "${RUNDIR:?}/../storage/autostarted"; }

# run URI TAG BOOT...: the transcript of one daemon; BOOT is how it starts.
run() {
    local uri=$1 tag=$2 n
    shift 2
    v() { timeout 60 virsh -c "$uri" "$@" 2>&1; }
    for n in A B; do
        sed "s#@PAYLOAD@#$PAYLOAD#g; s#@SERIAL@#$IT_DIR/$tag-$n.serial#g; s#@NAME@#auto$n#g" \
            "$Q_DIR/data/scenario.xml" >"$IT_DIR/$tag-$n.xml"
    done
    # A's disk is a volume of poolP, marked autostart too: the pools start
    # first. poolQ is not marked.
    sed -i "s#<devices>#<devices>\n    <disk type='volume' device='disk'><source pool='poolP' volume='disk.raw'/><target dev='vda' bus='virtio'/></disk>#" \
        "$IT_DIR/$tag-A.xml"
    echo "== pools"; v pool-define-as poolP dir --target "$IT_DIR/$tag-poolP"
    v pool-define-as poolQ dir --target "$IT_DIR/$tag-poolQ"
    v pool-build poolP; v pool-build poolQ; v pool-start poolP
    v vol-create-as poolP disk.raw 1M; v pool-destroy poolP
    echo "== pool-autostart"; v pool-autostart poolP
    echo "== pool-list --autostart"; v pool-list --all --autostart
    echo "== define"; v define "$IT_DIR/$tag-A.xml"; v define "$IT_DIR/$tag-B.xml"
    echo "== autostart"; v autostart autoA
    echo "== autostart missing"; v autostart nosuch
    echo "== list --autostart"; v list --all --autostart
    echo "== list --no-autostart"; v list --all --no-autostart
    echo "== dominfo"; v dominfo autoA | grep Autostart
    echo "== boot"; reboot; "$@" >>"$IT_DIR/$tag-boot.log" 2>&1
    echo "== list after boot"; v list --all | sed -E 's/^ +[0-9]+ +/ N    /'
    echo "== domstate A"; v domstate --reason autoA
    echo "== domstate B"; v domstate --reason autoB
    echo "== pool-list after boot"; v pool-list --all
    echo "== destroy"; v destroy autoA; v pool-destroy poolP
    echo "== the daemon starts again, no reboot"; "$@" >>"$IT_DIR/$tag-boot.log" 2>&1
    echo "== list: A stays off"; v list --all | sed -E 's/^ +[0-9]+ +/ N    /'
    echo "== pool-list: poolP stays off"; v pool-list --all
    echo "== reboot"; reboot; "$@" >>"$IT_DIR/$tag-boot.log" 2>&1
    echo "== list after the second boot"; v list --all | sed -E 's/^ +[0-9]+ +/ N    /'
    echo "== pool-list after the second boot"; v pool-list --all
    echo "== autostart --disable"; v autostart --disable autoA
    echo "== list --autostart"; v list --all --autostart
    echo "== destroy"; v destroy autoA
    echo "== undefine"; v undefine autoA; v undefine autoB
    echo "== undefine left no autostart link"; ls "${AUTODIR:?}" 2>&1 | grep -c auto
    echo "== pools undefined"; v pool-destroy poolP; v pool-undefine poolP; v pool-undefine poolQ
}

real_boot() { "$Q_DIR/real-qemu.sh" restart "$Q_REAL_DIR" >/dev/null; }
ours_boot() { "$LIBVIRTD" --autostart -f "$OURS_ROOT/libvirtd.conf" -v; }

RUNDIR=$Q_REAL_DIR/run/libvirt/qemu AUTODIR=$Q_REAL_DIR/etc/libvirt/qemu/autostart run "$REAL_URI" real real_boot | sed "s#$IT_DIR/real-#WORK/TAG-#g" >"$IT_DIR/want"
RUNDIR=$OURS_ROOT/run/libvirt/qemu AUTODIR=$OURS_ROOT/etc/libvirt/qemu/autostart run "$OURS_URI" ours ours_boot | sed "s#$IT_DIR/ours-#WORK/TAG-#g" >"$IT_DIR/got"
if diff -u "$IT_DIR/want" "$IT_DIR/got"; then
    echo "autostart: $(grep -c '^== ' "$IT_DIR/want") steps identical to real libvirtd"
    echo "our boot's log:"; cat "$IT_DIR/ours-boot.log"
    exit 0
fi
echo "FAIL: our autostart differs from real libvirtd's (- real, + ours)"
echo "our boot's log:"; cat "$IT_DIR/ours-boot.log"
exit 1

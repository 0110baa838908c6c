#!/bin/bash
# storage-scenario.sh URI TAG WORKDIR: storage pools and volumes of the dir
# backend as a user drives them with real virsh, printed normalized (only
# what is random or differs between the two daemons' runs: UUIDs, the
# work directory, the file system's sizes, the files' times).
# tests/qemu/storage.sh runs it against real libvirtd's QEMU and storage
# drivers and against ours and compares the two transcripts step by step.
# Each `virsh` is its own connection; a second connection's `virsh
# pool-event --loop` (lifecycle, and another for refresh), started first,
# must hear every event.
set -u
URI=$1 TAG=$2 W=$3
D=$W/$TAG-pools
rm -rf "$D"
mkdir -p "$D"

v() { timeout 60 virsh -c "$URI" "$@" 2>&1; }
# The file system's sizes change between runs: pool sizes are N (bytes)
# and S (virsh's units), the details tables' rules and padding with them.
norm() {
    sed -E -e 's/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/UUID/g' \
        -e "s#$W/$TAG#WORK/TAG#g" \
        -e "/<pool /,/<\/pool>/ s#<(capacity|allocation|available) unit='bytes'>[0-9]+</#<\1 unit='bytes'>N</#" \
        -e 's#<([amc]time)>[0-9.]+</#<\1>T</#' \
        -e 's/^(Capacity|Allocation|Available):( +)[0-9.]+ [KMGTP]iB$/\1:\2S/' \
        -e 's/^-{20,}$/----/' \
        -e 's/ (running|inactive) +(yes|no) +(yes|no) +[0-9.]+ [KMGTP]iB +[0-9.]+ [KMGTP]iB +[0-9.]+ [KMGTP]iB *$/ \1 \2 \3 S S S/' \
        -e 's/^ (Name|p[0-9a-z-]*)  +/ \1 /' \
        -e 's/ +(State|Autostart|Persistent|Capacity|Allocation|Available)/ \1/g'
}
say() { echo "== $*"; }

# The listeners: registered once a throw-away pool's Undefined shows up.
timeout 120 virsh -c "$URI" pool-event --loop >"$W/$TAG.pool-events" 2>&1 &
L1=$!
timeout 120 virsh -c "$URI" pool-event --loop --event refresh >"$W/$TAG.pool-refresh" 2>&1 &
L2=$!
mkdir -p "$D/probe"
for ((i = 0; i < 50; i++)); do
    v pool-define-as probe dir --target "$D/probe" >/dev/null
    v pool-start probe >/dev/null
    v pool-refresh probe >/dev/null
    v pool-destroy probe >/dev/null
    v pool-undefine probe >/dev/null
    grep -q "'probe': Undefined" "$W/$TAG.pool-events" &&
        grep -q "'probe'" "$W/$TAG.pool-refresh" && break
    sleep 0.1
done
cp "$W/$TAG.pool-events" "$W/$TAG.pool-events.start"
cp "$W/$TAG.pool-refresh" "$W/$TAG.pool-refresh.start"

P=$D/p1/imgs
mkdir -p "$D/p1"
cat >"$W/$TAG-p2.xml" <<EOF
<pool type='dir'>
  <name>p2</name>
  <target>
    <path>$D/p2</path>
    <permissions><mode>0750</mode></permissions>
  </target>
</pool>
EOF
cat >"$W/$TAG-vol.xml" <<EOF
<volume>
  <name>x.qcow2</name>
  <capacity unit='MiB'>5</capacity>
  <allocation>0</allocation>
  <target><format type='qcow2'/><permissions><mode>0640</mode></permissions></target>
</volume>
EOF
cat >"$W/$TAG-from.xml" <<EOF
<volume><name>from.raw</name><capacity>1</capacity><target><format type='raw'/></target></volume>
EOF
echo "<pool type='dir'><name>bad</name></pool>" >"$W/$TAG-bad.xml"
# A domain on two volumes of p1 (BIOS boot: nothing to boot, it stays
# running), and one whose volume is missing.
dom_xml() { # NAME POOL VOLUME
    cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source pool='$2' volume='$3'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='volume' device='disk'>
      <source pool='p1' volume='sparse.raw'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}
dom_xml sv p1 a.qcow2 >"$W/$TAG-sv.xml"
dom_xml sv-missing p1 nope.qcow2 >"$W/$TAG-sv-missing.xml"
dom_xml sv-nopool nopool a.qcow2 >"$W/$TAG-sv-nopool.xml"
if [ "$TAG" = real ]; then ROOT=$W/real; else ROOT=$W/ours; fi
printf "<pool type='dir'><name>p9</name><target><path>%s</path></target><extra/></pool>\n" \
    "$W/$TAG-p9" >"$W/$TAG-pool-invalid.xml"
disks() { sed -n '/<disk/,/<\/disk>/p'; }

{
    say pool-define --validate invalid; v pool-define --validate "$W/$TAG-pool-invalid.xml"
    say pool-define-as; v pool-define-as p1 dir --target "$P"
    say pool-list --all; v pool-list --all
    say pool-info inactive; v pool-info p1
    say pool-dumpxml inactive; v pool-dumpxml p1
    say pool-start unbuilt; v pool-start p1
    say pool-build; v pool-build p1
    say pool-start; v pool-start p1
    say pool-start again; v pool-start p1
    say pool-autostart; v pool-autostart p1
    say pool-list --details; v pool-list --all --details
    say pool-info; v pool-info p1
    say pool-dumpxml; v pool-dumpxml p1
    say pool-dumpxml --inactive; v pool-dumpxml --inactive p1
    say vol-create-as sparse raw; v vol-create-as p1 sparse.raw 10M --allocation 0
    say vol-create-as raw; v vol-create-as p1 full.raw 4M
    say vol-create-as part raw; v vol-create-as p1 part.raw 8M --allocation 1M
    say vol-create-as qcow2; v vol-create-as p1 a.qcow2 20M --format qcow2
    say vol-create-as qcow2 prealloc; v vol-create-as p1 m.qcow2 8M --format qcow2 --prealloc-metadata --allocation 0
    say vol-create-as qcow2 falloc; v vol-create-as p1 f.qcow2 2M --format qcow2 --prealloc-metadata
    say vol-create-as raw prealloc; v vol-create-as p1 bad.raw 1M --prealloc-metadata
    say vol-create-as exists; v vol-create-as p1 full.raw 1M
    say vol-create-as slash; v vol-create-as p1 ../escape 1M
    say vol-create-as dot-dot; v vol-create-as p1 .. 1M
    say pool-build active; v pool-build p1
    say vol-create-as too big; v vol-create-as p1 huge.raw 1P
    say vol-create; v vol-create p1 "$W/$TAG-vol.xml"
    say vol-create-as --backing-vol; v vol-create-as p1 over.qcow2 20M --format qcow2 --backing-vol a.qcow2 --backing-vol-format qcow2
    say vol-create-as raw backing; v vol-create-as p1 over2.qcow2 10M --format qcow2 --backing-vol "$P/sparse.raw"
    say vol-create-as raw over backing; v vol-create-as p1 over3.raw 10M --backing-vol "$P/sparse.raw"
    say vol-dumpxml overlay; v vol-dumpxml --pool p1 over.qcow2
    say vol-dumpxml raw overlay; v vol-dumpxml --pool p1 over2.qcow2
    say vol-list; v vol-list p1
    say vol-list --details; v vol-list --details p1
    say vol-info; v vol-info --pool p1 a.qcow2
    say vol-info by path; v vol-info "$P/sparse.raw"
    say vol-dumpxml raw; v vol-dumpxml --pool p1 full.raw
    say vol-dumpxml sparse; v vol-dumpxml --pool p1 sparse.raw
    say vol-dumpxml qcow2; v vol-dumpxml --pool p1 a.qcow2
    say vol-dumpxml prealloc; v vol-dumpxml --pool p1 m.qcow2
    say vol-dumpxml xml; v vol-dumpxml --pool p1 x.qcow2
    say vol-key; v vol-key --pool p1 a.qcow2
    say vol-path; v vol-path --pool p1 a.qcow2
    say vol-name; v vol-name "$P/a.qcow2"
    say vol-pool; v vol-pool "$P/a.qcow2"
    say vol-pool --uuid; v vol-pool --uuid "$P//a.qcow2"
    say vol-info missing; v vol-info --pool p1 nope
    say vol-clone qcow2; v vol-clone --pool p1 a.qcow2 b.qcow2
    say vol-clone raw; v vol-clone --pool p1 part.raw part2.raw
    say vol-create-from; v vol-create-from p1 "$W/$TAG-from.xml" --inputpool p1 a.qcow2
    say vol-resize raw; v vol-resize --pool p1 sparse.raw 12M
    say vol-resize qcow2; v vol-resize --pool p1 a.qcow2 30M
    say vol-resize shrink; v vol-resize --pool p1 sparse.raw 6M
    say vol-resize shrink --shrink; v vol-resize --pool p1 sparse.raw 6M --shrink
    say vol-resize below allocation; v vol-resize --pool p1 full.raw 1M --shrink
    say vol-resize --allocate; v vol-resize --pool p1 part.raw 9M --allocate
    say vol-resize --delta; v vol-resize --pool p1 part2.raw 1M --delta
    say vol-wipe raw; v vol-wipe --pool p1 full.raw
    say vol-wipe sparse; v vol-wipe --pool p1 part2.raw
    say vol-wipe qcow2; v vol-wipe --pool p1 b.qcow2
    say vol-wipe nnsa; v vol-wipe --pool p1 part.raw --algorithm nnsa
    say vol-list after; v vol-list --details p1
    say vol-dumpxml wiped; v vol-dumpxml --pool p1 b.qcow2
    say vol-delete; v vol-delete --pool p1 b.qcow2
    say vol-delete by path; v vol-delete "$P/from.raw"
    say vol-delete missing; v vol-delete --pool p1 b.qcow2
    mkdir -m 0750 "$P/sub"
    say pool-refresh; v pool-refresh p1
    say directory volume; v vol-list --details p1 | grep sub
    say vol-dumpxml directory; v vol-dumpxml --pool p1 sub
    say vol-info directory; v vol-info --pool p1 sub
    say vol-delete directory; v vol-delete --pool p1 sub
    say define volume disks; v define "$W/$TAG-sv.xml"
    say dumpxml --inactive volume disks; v dumpxml --inactive sv | disks
    say start volume disks; v start sv
    say dumpxml volume disks; v dumpxml sv | disks
    say command line; grep -e '^-blockdev' -e '^-device .*virtio-blk' "$ROOT/var/log/libvirt/qemu/sv.log"
    say domblklist; v domblklist sv
    say destroy; v destroy sv
    say start missing volume; v define "$W/$TAG-sv-missing.xml" >/dev/null; v start sv-missing
    say start missing pool; v define "$W/$TAG-sv-nopool.xml" >/dev/null; v start sv-nopool
    say start pool inactive; v pool-destroy p1 >/dev/null; v start sv; v pool-start p1 >/dev/null
    say undefine; v undefine sv; v undefine sv-missing >/dev/null; v undefine sv-nopool >/dev/null
    say pool-define p2; v pool-define "$W/$TAG-p2.xml"
    say pool-define bad; v pool-define "$W/$TAG-bad.xml"
    say pool-define-as same target; v pool-define-as p9 dir --target "$P"
    say pool-build p2; v pool-build p2
    say pool-start p2; v pool-start p2
    say pool-dumpxml p2; v pool-dumpxml p2
    say pool-list --persistent; v pool-list --persistent
    say pool-list --autostart; v pool-list --autostart
    say pool-list --no-autostart; v pool-list --no-autostart --all
    say pool-list --type; v pool-list --type dir --all
    say pool-list --type fs; v pool-list --type fs --all
    say pool-create-as; v pool-create-as p3 dir --target "$D/p3"
    say pool-create-as --build; v pool-create-as p3 dir --target "$D/p3" --build
    say pool-list --transient; v pool-list --transient
    say pool-autostart transient; v pool-autostart p3
    say pool-info transient; v pool-info p3
    say pool-destroy transient; v pool-destroy p3
    say pool-info gone; v pool-info p3
    say pool-define running; v pool-dumpxml --inactive p1 | sed "s#<path>$P</path>#<path>$D/p1/next</path>#" >"$W/$TAG-p1-next.xml"; v pool-define "$W/$TAG-p1-next.xml"
    say pool-dumpxml --inactive redefined; v pool-dumpxml --inactive p1
    say pool-dumpxml redefined; v pool-dumpxml p1 | grep path
    say pool-undefine active; v pool-undefine p1
    say pool-delete active; v pool-delete p1
    say vol-create-as in p2; v vol-create-as p2 y 1M
    say pool-destroy; v pool-destroy p2
    say pool-destroy again; v pool-destroy p2
    say vol-list inactive; v vol-list p2
    say pool-dumpxml stopped; v pool-dumpxml p2
    say pool-info stopped; v pool-info p2
    say pool-delete not empty; v pool-delete p2
    say pool-start p2 again; v pool-start p2
    say vol-delete y; v vol-delete --pool p2 y
    say pool-destroy p2 again; v pool-destroy p2
    say pool-delete; v pool-delete p2
    say pool-undefine p2; v pool-undefine p2
    say pool-destroy redefined; v pool-destroy p1
    say pool-dumpxml destroyed redefined; v pool-dumpxml p1
    say pool-start redefined; v pool-start p1 --build
    say pool-dumpxml started redefined; v pool-dumpxml p1 | grep path
    say vol-list redefined; v vol-list p1
    say pool-autostart --disable; v pool-autostart --disable p1
    say pool-list --all; v pool-list --all
    say pool-info missing; v pool-info nope
} | norm

# The files on disk, as the daemon keeps them.
say files
for f in etc/libvirt/storage/p1.xml run/libvirt/storage/p1.xml; do
    echo "-- $f"
    sed -E 's/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/UUID/' "$ROOT/$f" | norm
done
echo "-- autostart: $(ls "$ROOT/etc/libvirt/storage/autostart" 2>&1)"
echo "-- modes: $(stat -c '%n %a' "$P" "$P"/* | sed "s#$P/##g; s#$P#target#")"

v pool-destroy p1 >/dev/null
v pool-undefine p1 >/dev/null
say events
for ((i = 0; i < 50; i++)); do
    grep -q "'p1': Undefined" "$W/$TAG.pool-events" && break
    sleep 0.1
done
tail -n +"$(($(wc -l <"$W/$TAG.pool-events.start") + 1))" "$W/$TAG.pool-events" | grep -v '^$'
tail -n +"$(($(wc -l <"$W/$TAG.pool-refresh.start") + 1))" "$W/$TAG.pool-refresh" | grep -v '^$'
kill "$L1" "$L2" 2>/dev/null
wait "$L1" "$L2" 2>/dev/null
exit 0

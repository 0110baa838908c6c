#!/bin/bash
# `virsh event --all --loop` on one connection while another saves,
# restores, managed-saves, starts, destroys, renames and changes the
# metadata of test:///default's domain: real virsh and ours, on real
# libvirtd 9.0 and on ours, must print the same four times.
# Run through with-daemons.sh (REAL_SOCK, OURS_SOCK); OUR_VIRSH is ours.
set -u
dir=$(mktemp -d /tmp/guestops-events.XXXXXX)
trap 'rm -rf "$dir"' EXIT
rc=0
for daemon in real ours; do
    if [ "$daemon" = real ]; then sock=$REAL_SOCK; else sock=$OURS_SOCK; fi
    uri="test+unix:///default?socket=$sock"
    for client in real ours; do
        if [ "$client" = real ]; then v=virsh; else v=$OUR_VIRSH; fi
        out=$dir/$daemon-$client.out
        timeout 30 "$v" -c "$uri" event --all --loop --timeout 3 >"$out" 2>&1 &
        pid=$!
        sleep 1
        /usr/bin/python3 - "$uri" "$dir/save-$daemon-$client" <<'PY' || rc=1
import sys
import libvirt
conn = libvirt.open(sys.argv[1])
dom = conn.lookupByName("test")
dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_TITLE, "t", None, None)
dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, "<a/>", "k", "http://example.org/e")
dom.save(sys.argv[2])
conn.restore(sys.argv[2])
dom.managedSave()
dom.create()
dom.destroy()
dom.rename("renamed")
conn.lookupByName("renamed").rename("test")
conn.lookupByName("test").create()
conn.close()
PY
        wait "$pid"
    done
done
for f in real-ours ours-real ours-ours; do
    if ! diff -u "$dir/real-real.out" "$dir/$f.out"; then
        echo "FAIL events seen by $f (daemon-client) differ from real virsh on real libvirtd"
        rc=1
    fi
done
grep -q "metadata-change" "$dir/real-real.out" || { echo "FAIL real virsh saw no metadata-change"; rc=1; }
[ $rc = 0 ] && echo "guestops-events: 4 of 4 identical ($(grep -c '^event' "$dir/real-real.out") events)"
exit $rc

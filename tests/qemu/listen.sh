#!/bin/bash
# qemu:///system served by `libvirtd --listen` (neither systemd nor xinetd)
# as by socket activation, and VMs that do not depend on the daemon: a VM
# started through one listener keeps running when that listener is
# stopped and its binary deleted (an upgrade, or a removal), and a new
# listener, from another copy of the binary, finds it running and
# destroys it. Real virsh drives it; the lines checked are what a user
# would look at.
. "$(dirname "$0")/lib.sh"
q_setup
q_payload

R=$IT_DIR/lroot
mkdir -p "$R" "$IT_DIR/lsock" "$IT_DIR/bin1" "$IT_DIR/bin2"
# Two installations: libvirtd and, beside it, the supervisor it starts.
for b in bin1 bin2; do
    cp "$LIBVIRTD" "$IT_DIR/$b/libvirtd"
    cp "$(dirname "$LIBVIRTD")/qemu-supervisor" "$IT_DIR/$b/qemu-supervisor"
done
cat >"$IT_DIR/listen.conf" <<CONF
listen_tls = 0
listen_tcp = 0
unix_sock_dir = "$IT_DIR/lsock"
qemu_root = "$R"
CONF
OURS_ROOT=$R # q_cleanup stops the VMs it finds here
URI="qemu+unix:///system?socket=$IT_DIR/lsock/libvirt-sock"
pass=0 total=0
check() { # WHAT CMD...
    local what=$1
    shift
    total=$((total + 1))
    if "$@"; then pass=$((pass + 1)); echo "ok   $what"; else echo "FAIL $what"; fi
}
v() { timeout 60 virsh -c "$URI" "$@" 2>&1; }
listener() { # BINARY: starts it, sets LPID
    rm -f "$IT_DIR/lsock/libvirt-sock"
    "$1" --listen -f "$IT_DIR/listen.conf" </dev/null \
        >>"$IT_DIR/listen.log" 2>&1 &
    LPID=$!
    IT_PIDS+=("$LPID")
    it_wait_socket "$IT_DIR/lsock/libvirt-sock" || { cat "$IT_DIR/listen.log"; exit 1; }
}
up() { grep -q 'qemu-payload: up' "$IT_DIR/l.serial" 2>/dev/null; }
wait_until() { local n=$1 i; shift; for ((i = 0; i < n; i++)); do "$@" && return 0; sleep 0.1; done; return 1; }

sed "s#@PAYLOAD@#$PAYLOAD#g; s#@SERIAL@#$IT_DIR/l.serial#g; s#@NAME@#lvm#g" \
    "$Q_DIR/data/scenario.xml" >"$IT_DIR/l.xml"
listener "$IT_DIR/bin1/libvirtd"
check "define through --listen" sh -c "virsh -c '$URI' define '$IT_DIR/l.xml' | grep -q \"Domain 'lvm' defined\""
check "start through --listen" sh -c "virsh -c '$URI' start lvm | grep -q \"Domain 'lvm' started\""
check "the guest comes up" wait_until 300 up
check "list shows it running" sh -c "virsh -c '$URI' list | grep -Eq ' lvm +running'"

kill "$LPID"
wait "$LPID" 2>/dev/null
rm -rf "$IT_DIR/bin1"
sleep 0.5
qemu_alive() {
    local p
    p=$(grep -o " pid='[0-9]*'" "$R/run/libvirt/qemu/lvm.xml" | grep -o '[0-9]*')
    [ -n "$p" ] && [ "$p" != 0 ] && kill -0 "$p" 2>/dev/null
}
check "the VM runs on with no daemon, its binaries deleted" qemu_alive

listener "$IT_DIR/bin2/libvirtd"
check "a new daemon finds it running" sh -c "virsh -c '$URI' domstate --reason lvm | grep -qx 'running (booted)'"
check "and suspends and resumes it" sh -c "virsh -c '$URI' suspend lvm >/dev/null && virsh -c '$URI' resume lvm >/dev/null"
check "and destroys it" sh -c "virsh -c '$URI' destroy lvm | grep -q \"Domain 'lvm' destroyed\""
check "its QEMU is gone" wait_until 50 sh -c "! grep -q \"state='running'\" '$R/run/libvirt/qemu/lvm.xml'"
check "undefine" sh -c "virsh -c '$URI' undefine lvm | grep -q 'has been undefined'"
echo "listen: $pass/$total"
[ "$pass" = "$total" ]

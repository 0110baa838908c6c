#!/bin/bash
# console.sh: real virsh's `console` to a running guest's serial port, on a
# terminal, against real libvirtd's QEMU driver and ours (tests/qemu/console.py
# drives it): the same transcript on both (connecting, a second console
# refused while one is open, the guest's boot marker and an echoed line,
# Ctrl+] to leave, connecting again), screenshots of its VNC screen. Then
# the console of a guest whose serial is a file, and of a device that does
# not exist.
# meson points LD_LIBRARY_PATH at our libvirt.so (this test runs our virsh,
# which finds it by its rpath); real virsh must load real libvirt.
unset LD_LIBRARY_PATH
. "$(dirname "$0")/lib.sh"
q_setup
q_payload
q_real_start
q_ours_start

cat >"$IT_DIR/con.xml" <<XML
<domain type='qemu'>
  <name>con</name>
  <memory unit='MiB'>96</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$PAYLOAD/vmlinuz</kernel>
    <initrd>$PAYLOAD/initrd.gz</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' autoport='yes'/>
    <video><model type='vga'/></video>
    <memballoon model='none'/>
  </devices>
</domain>
XML
sed "s#<name>con</name>#<name>confile</name>#; s#<serial type='pty'><target port='0'/></serial>#<serial type='file'><source path='$IT_DIR/SIDE.serial'/><target port='0'/></serial>#; s#<console type='pty'>#<console type='file'><source path='$IT_DIR/SIDE.serial'/>#" \
    "$IT_DIR/con.xml" >"$IT_DIR/confile.xml"

run() { # URI SIDE
    local uri=$1 side=$2
    v() { timeout 60 virsh -c "$uri" "$@" 2>&1; }
    v define "$IT_DIR/con.xml" >/dev/null
    v start --paused con
    /usr/bin/python3 "$Q_DIR/console.py" "$uri" con
    echo "== screenshots (a libvirt stream too)"
    v screenshot con "$IT_DIR/$side.png" | sed "s#$IT_DIR/$side#SHOT#"
    file -b "$IT_DIR/$side.png"
    v screenshot con --screen 1 "$IT_DIR/$side-1.png"
    v suspend con >/dev/null
    v screenshot con "$IT_DIR/$side-p.png" | sed "s#$IT_DIR/$side#SHOT#"
    v resume con >/dev/null
    v domdisplay con
    sed "s#SIDE#$side#g" "$IT_DIR/confile.xml" >"$IT_DIR/confile-$side.xml"
    v define "$IT_DIR/confile-$side.xml" >/dev/null
    v start confile
    echo "== file serial: console"
    # No terminal needed to be refused: the call fails before virsh's own
    # terminal check only with one; so ask through a pty too.
    /usr/bin/python3 - "$uri" <<'PY'
import os, pty, sys, time
for dev in ([], ["--devname", "serial0"], ["--devname", "nosuch"]):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("virsh", ["virsh", "-c", sys.argv[1], "console", "confile"] + dev)
    out = b""
    while True:
        try:
            d = os.read(fd, 4096)
        except OSError:
            break
        if not d:
            break
        out += d
    _, st = os.waitpid(pid, 0)
    print(dev, os.waitstatus_to_exitcode(st),
          [l for l in out.replace(b"\r", b"").decode().split("\n") if l.startswith("error")])
PY
    echo "== inactive"
    v destroy con >/dev/null
    v screenshot con "$IT_DIR/$side-off.png"
    /usr/bin/python3 - "$uri" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp("virsh", ["virsh", "-c", sys.argv[1], "console", "con"])
out = b""
while True:
    try:
        d = os.read(fd, 4096)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(st), out.replace(b"\r", b"").decode().strip().split("\n"))
PY
    v destroy confile >/dev/null
    v undefine con >/dev/null
    v undefine confile >/dev/null
}

run "$REAL_URI" real >"$IT_DIR/real.txt" 2>&1
run "$OURS_URI" ours >"$IT_DIR/ours.txt" 2>&1
# Our virsh's console, on real's daemon, as real virsh's there.
if [ -x "${OUR_VIRSH:-}" ]; then
    timeout 60 virsh -c "$REAL_URI" define "$IT_DIR/con.xml" >/dev/null
    timeout 60 virsh -c "$REAL_URI" start --paused con >"$IT_DIR/ourvirsh.txt" 2>&1
    CONSOLE_VIRSH=$OUR_VIRSH /usr/bin/python3 "$Q_DIR/console.py" "$REAL_URI" con \
        >>"$IT_DIR/ourvirsh.txt" 2>&1
    timeout 60 virsh -c "$REAL_URI" destroy con >/dev/null 2>&1
    timeout 60 virsh -c "$REAL_URI" undefine con >/dev/null 2>&1
    sed -n '1,/^again says/p' "$IT_DIR/real.txt" >"$IT_DIR/real-console.txt"
    echo "--- our virsh"
    diff -u "$IT_DIR/real-console.txt" "$IT_DIR/ourvirsh.txt" || {
        echo "FAIL: our virsh's console differs from real virsh's"
        exit 1
    }
fi
echo "--- real"
cat "$IT_DIR/real.txt"
if diff -u "$IT_DIR/real.txt" "$IT_DIR/ours.txt"; then
    grep -q '^marker: True' "$IT_DIR/ours.txt" && grep -q '^echo: True' "$IT_DIR/ours.txt" || {
        echo "FAIL: the guest's marker and echo did not come through the console"
        exit 1
    }
    echo "console: the same on both"
    exit 0
fi
echo "FAIL: our console differs from real's"
exit 1

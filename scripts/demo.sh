#!/bin/bash
# Installs what is needed, builds, starts our libvirtd socket-activated on a
# unix socket (one process per connection, as systemd Accept=yes does) and
# shows our virsh (build/client/virsh/virsh), then real virsh 9.0, using
# test:///default through it. Then the QEMU driver: a real VM (the small
# TCG guest of tests/qemu/payload.sh) defined, started, watched until the
# guest says it is up, paused, resumed, shut down through ACPI and
# undefined, with all of the driver's state in a temporary directory
# (qemu_root), so the host's /etc/libvirt and /run are not touched. Then
# everything stops. Exits 0 when all of it worked.
#
#   sudo bash scripts/demo.sh
set -eu
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh

dir=$(mktemp -d /var/tmp/libvirtd-demo.XXXXXX)
chmod 755 "$dir"
sock=$dir/libvirt-sock
pids=()
cleanup() {
    local rc=$? p
    # A VM still running at this point (the demo failed half way) goes
    # with its supervisor.
    for p in $(grep -ho "supervisor='[0-9]*'" "$dir"/root/run/libvirt/qemu/*.xml 2>/dev/null |
        grep -o '[0-9]*'); do
        kill "$p" 2>/dev/null || true
    done
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    rm -rf "$dir"
    exit "$rc"
}
trap cleanup EXIT

wait_for() { # TENTHS CMD...: CMD every 0.1 s until it succeeds
    local n=$1 i
    shift
    for ((i = 0; i < n; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

mkdir -p "$dir/root"
printf 'unix_sock_dir = "%s"\nqemu_root = "%s"\n' "$dir" "$dir/root" >"$dir/libvirtd.conf"
systemd-socket-activate --accept \
    -l "$sock" "$PWD/build/src/libvirtd" -f "$dir/libvirtd.conf" 2>"$dir/log" &
pids+=($!)
wait_for 100 test -S "$sock" || { cat "$dir/log" >&2; exit 1; }
# What the generator would give the socket from libvirtd.conf (its default
# unix_sock_rw_perms); the daemon warns about a socket open wider.
chmod 700 "$sock"

uri="test+unix:///default?socket=$sock"
ours=$PWD/build/client/virsh/virsh
echo "\$ build/client/virsh/virsh -c '$uri' 'version; list --all; define tests/data/domain-web.xml; start web; list --all; dominfo web'"
"$ours" -c "$uri" "version; list --all; define tests/data/domain-web.xml; start web; list --all; dominfo web"
for cmd in version 'list --all' 'dominfo test'; do
    echo "\$ virsh -c '$uri' $cmd   # real virsh 9.0"
    virsh -c "$uri" $cmd
done

echo "== the QEMU driver: a real VM"
bash tests/qemu/payload.sh "$dir/payload"
sed "s#@PAYLOAD@#$dir/payload#g; s#@SERIAL@#$dir/demo.serial#g; s#@NAME@#demo#g" \
    tests/qemu/data/scenario.xml >"$dir/demo.xml"
quri="qemu+unix:///system?socket=$sock"
run() {
    echo "\$ virsh -c '$quri' $*"
    "$ours" -c "$quri" "$@"
}
run define "$dir/demo.xml"
run start demo
wait_for 600 grep -q 'qemu-payload: up' "$dir/demo.serial" ||
    { echo "the guest did not come up" >&2; exit 1; }
echo "(the guest's serial console says: $(grep -m1 'qemu-payload: up' "$dir/demo.serial"))"
run list --all
run dominfo demo
run suspend demo
run domstate --reason demo
run resume demo
run shutdown demo
wait_for 300 sh -c "'$ours' -c '$quri' domstate demo | grep -q 'shut off'" ||
    { echo "the guest did not power off" >&2; exit 1; }
run domstate --reason demo
run undefine demo
echo "(the activator's log: each of the $(grep -c '^Spawned' "$dir/log") connections got its own libvirtd process; the first two:)"
grep -m4 '^Spawned\|^libvirtd.*connected' "$dir/log"

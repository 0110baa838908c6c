#!/bin/bash
# Installs what is needed, builds, starts our libvirtd socket-activated on a
# unix socket (one process per connection, as systemd Accept=yes does) and
# shows our virsh (build/client/virsh/virsh), then real virsh 9.0, using
# test:///default through it. Then stops it.
#
#   sudo bash scripts/demo.sh
set -eu
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh

dir=$(mktemp -d /tmp/libvirtd-demo.XXXXXX)
sock=$dir/libvirt-sock
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT

systemd-socket-activate --accept -l "$sock" "$PWD/build/src/libvirtd" 2>"$dir/log" &
pid=$!
for ((i = 0; i < 100; i++)); do
    [ -S "$sock" ] && break
    sleep 0.1
done
[ -S "$sock" ] || { cat "$dir/log" >&2; exit 1; }

uri="test+unix:///default?socket=$sock"
ours=$PWD/build/client/virsh/virsh
echo "\$ build/client/virsh/virsh -c '$uri' 'version; list --all; define tests/data/domain-web.xml; start web; list --all; dominfo web'"
"$ours" -c "$uri" "version; list --all; define tests/data/domain-web.xml; start web; list --all; dominfo web"
for cmd in version 'list --all' 'dominfo test'; do
    echo "\$ virsh -c '$uri' $cmd   # real virsh 9.0"
    virsh -c "$uri" $cmd
done
echo "(the activator's log: each connection got its own libvirtd process)"
cat "$dir/log"

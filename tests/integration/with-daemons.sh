#!/bin/bash
# Starts a private real libvirtd 9.0 and our libvirtd (read-write and
# read-only sockets, behind systemd-socket-activate --accept), runs the
# given command with REAL_SOCK, REAL_SOCK_RO, OURS_SOCK, OURS_SOCK_RO,
# OURS_LOG, OURS_PID (the read-write activator) and TEST_DATA in its environment, then stops them all.
#
# Usage: LIBVIRTD=build/src/libvirtd tests/integration/with-daemons.sh CMD [ARGS...]

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

[ $# -ge 1 ] || { echo "usage: $0 CMD [ARGS...]" >&2; exit 2; }

# meson points LD_LIBRARY_PATH at our libvirt.so when a test depends on our
# virsh; real virsh and python3-libvirt must load Debian's, and our virsh
# finds its own by rpath.
unset LD_LIBRARY_PATH

it_need_real_libvirt
it_need_socket_activate
/usr/bin/python3 -c 'import libvirt' 2>/dev/null || it_skip "python3-libvirt not installed"
it_setup

real_start real || exit 1
ours_start ours || exit 1
ours_rw=$OURS_SOCK ours_log=$IT_DIR/ours/log ours_pid=$OURS_PID
ours_start ours-ro --read-only || exit 1

export REAL_SOCK REAL_SOCK_RO
export OURS_SOCK=$ours_rw OURS_SOCK_RO=$OURS_SOCK OURS_LOG=$ours_log
# The activator of the read-write socket: its children are the connections.
export OURS_PID=$ours_pid
TEST_DATA=$(cd "$here/../data" && pwd)
export TEST_DATA

"$@"
rc=$?
for pid in "$REAL_PID" "$OURS_PID"; do
    kill -0 "$pid" 2>/dev/null || { echo "process $pid died during the run"; rc=1; }
done
exit $rc

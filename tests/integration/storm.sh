#!/bin/bash
# Connection storms: STORM_N (2000) connections opened at once, each
# sending CONNECT_OPEN before any reply is read (storm.py), through each way
# of starting our libvirtd (systemd-socket-activate --accept, libvirtd
# --listen, a real xinetd) and to real libvirtd 9.0: none refused below the
# limits (max_clients 5000; xinetd's instances raised for the storm), the
# PSS each idle connection takes, and every connection process gone once
# its client closed. Real libvirtd's refusals are recorded, not failed on.
# docs/security.md ("Connection storms") has the figures.
. "$(dirname "$0")/lib.sh"
unset LD_LIBRARY_PATH
it_need_real_libvirt
it_need_socket_activate
XINETD=$(command -v xinetd || echo /usr/sbin/xinetd)
[ -x "$XINETD" ] || it_skip "xinetd not installed"
[ -x "${LIBVIRTD:-}" ] || { echo "LIBVIRTD='${LIBVIRTD:-}' is not built"; exit 1; }
[ "$(id -u)" -eq 0 ] || it_skip "needs root (file limits for $N connections)"
N=${STORM_N:-2000}
LIBVIRTD=$(realpath "$LIBVIRTD")
it_setup
ulimit -n "$(ulimit -Hn)"
rc=0
storm() { /usr/bin/python3 "$(dirname "$0")/storm.py" "$@" || rc=1; }

# Activated, as libvirtd.socket runs it.
ours_start act || exit 1
storm activated "$OURS_SOCK" "$N" parent "$OURS_PID"
it_stop "$OURS_PID"

# libvirtd --listen.
L=$IT_DIR/listen
mkdir -p "$L/run"
printf 'unix_sock_dir = "%s"\nlisten_tcp = 0\nlisten_tls = 0\nlog_level = 3\n' "$L/run" >"$L/libvirtd.conf"
LIBVIRTD_TEST_DEFAULT_DIR=$L/test-default "$LIBVIRTD" --listen -f "$L/libvirtd.conf" \
    </dev/null >"$L/log" 2>&1 &
LP=$!
IT_PIDS+=("$LP")
it_wait_socket "$L/run/libvirt-sock" "$LP" || { cat "$L/log"; exit 1; }
storm --listen "$L/run/libvirt-sock" "$N" parent "$LP"
it_stop "$LP"

# xinetd, the shipped tcp service with its instances raised for the storm.
X=$IT_DIR/xinetd
mkdir -p "$X/d"
printf 'auth_tcp = "none"\nlog_level = 3\n' >"$X/libvirtd.conf"
start_xinetd() {
    XPORT=$(it_free_port) || return 1
    sed -e "s|^\(\s*port\s*=\).*|\1 $XPORT|" -e "s|^\(\s*disable\s*=\).*|\1 no|" \
        -e "s|^\(\s*instances\s*=\).*|\1 UNLIMITED|" -e "s|^\(\s*per_source\s*=\).*|\1 UNLIMITED|" \
        -e "s|^\(\s*server\s*=\).*|\1 $LIBVIRTD|" \
        -e "s|^\(\s*\)# bind\(\s*=\).*|\1bind\2 127.0.0.1|" \
        -e "s|^}|\tcps\t\t= 100000 1\n\tenv\t\t= LIBVIRTD_CONFIG=$X/libvirtd.conf LIBVIRTD_TEST_DEFAULT_DIR=$X/test-default\n}|" \
        "$(dirname "$0")/../../conf/xinetd.d/libvirtd-tcp.in" >"$X/d/libvirtd-tcp"
    printf 'defaults\n{\n\tlog_type\t= FILE %s\n}\nincludedir %s\n' "$X/xinetd.log" "$X/d" >"$X/xinetd.conf"
    : >"$X/msg.log"
    "$XINETD" -f "$X/xinetd.conf" -pidfile "$X/xinetd.pid" -filelog "$X/msg.log" \
        -dontfork -stayalive </dev/null >"$X/out" 2>&1 &
    XPID=$!
    IT_PIDS+=("$XPID")
    it_wait_listen "$XPORT" "$XPID" "$X/msg.log"
}
it_retry_port start_xinetd || { cat "$X/out" "$X/msg.log"; exit 1; }
storm xinetd "127.0.0.1:$XPORT" "$N" parent "$XPID"
it_stop "$XPID"

# Real libvirtd: one process for all of them.
real_start real || exit 1
STORM_EXPECT_REFUSED=1 storm "real libvirtd" "$REAL_SOCK" "$N" daemon "$REAL_PID"
exit $rc

#!/bin/bash
# The systemd units: `systemd-analyze verify` is clean on every one, and
# each socket's service, started by systemd-socket-activate --accept with
# exactly the ExecStart line of its unit (the binary path pointing at the
# daemon under test), serves virsh as that kind of socket should.
#
# Usage: LIBVIRTD=build/src/libvirtd [UNITS_DIR=build/units] tests/deploy/units.sh

. "$(dirname "$0")/common.sh"
deploy_need_libvirtd
it_need systemd-analyze systemd
it_need_socket_activate
it_need certtool gnutls-bin
it_need ss iproute2
it_need prlimit util-linux
deploy_need_virsh
it_setup

# The units as installed: the configured ones from the build, or rendered
# from units/*.in here when the build has none.
U=$IT_DIR/units
mkdir -p "$U" "$IT_DIR/run"
if [ -n "${UNITS_DIR:-}" ] && [ -f "$UNITS_DIR/libvirtd.socket" ]; then
    cp "$UNITS_DIR"/libvirtd*.socket "$UNITS_DIR"/libvirtd*@.service \
        "$UNITS_DIR"/libvirtd-autostart.service "$U"/
else
    for f in "$SOURCE_ROOT"/units/*.in; do
        sed -e 's|@SBINDIR@|/usr/sbin|g' -e 's|@RUNSTATEDIR@|/run|g' \
            -e "s|@TLS_LIBVIRTD@|$(basename "$(tls_libvirtd)")|g" \
            -e 's|@DOCDIR@|/usr/share/doc/libvirt-remote|g' "$f" >"$U/$(basename "$f" .in)"
    done
fi
# The daemon under test stands in for the installed one (libvirtd, or
# libvirtd-full beside it for TLS).
sed -i -E "s|^ExecStart=(-?)[^ ]*/(libvirtd(-full)?) |ExecStart=\1$(dirname "$LIBVIRTD")/\2 |" \
    "$U"/*@.service "$U"/libvirtd-autostart.service

SOCKETS=(libvirtd libvirtd-ro libvirtd-tcp libvirtd-tls)

verify_clean() {
    local out
    out=$(cd "$U" && systemd-analyze verify "$U"/*.socket "$U"/*@.service \
        "$U"/libvirtd-autostart.service 2>&1)
    [ $? -eq 0 ] && [ -z "$out" ] || { printf '%s\n' "$out"; return 1; }
}
check "systemd-analyze verify is clean on every unit" verify_clean

unit_has() { grep -qx "$2" "$U/$1"; }
for s in "${SOCKETS[@]}"; do
    check "$s.socket accepts (Accept=yes)" unit_has "$s.socket" "Accept=yes"
    check "$s@.service keeps domain processes (KillMode=process)" \
        unit_has "$s@.service" "KillMode=process"
    check "$s@.service has NoNewPrivileges and ProtectSystem" \
        bash -c "grep -qx NoNewPrivileges=yes '$U/$s@.service' && grep -q ^ProtectSystem= '$U/$s@.service'"
    check "$s@.service bounds each connection (MemoryMax=1024M, TasksMax=16)" \
        bash -c "grep -qx MemoryMax=1024M '$U/$s@.service' && grep -qx TasksMax=16 '$U/$s@.service'"
done
check "libvirtd-autostart.service runs libvirtd --autostart once at boot" \
    bash -c "grep -qx 'ExecStart=$(dirname "$LIBVIRTD")/libvirtd --autostart' '$U/libvirtd-autostart.service' &&
             grep -qx Type=oneshot '$U/libvirtd-autostart.service' &&
             grep -qx WantedBy=multi-user.target '$U/libvirtd-autostart.service'"
check "libvirtd-autostart.service keeps the domains it starts (KillMode=process)" \
    unit_has libvirtd-autostart.service "KillMode=process"
for s in libvirtd-tcp libvirtd-tls; do
    check "$s.socket binds before its address exists (FreeBind=yes)" unit_has "$s.socket" "FreeBind=yes"
done

# ExecStart of a template, split into words.
exec_line() { sed -n 's/^ExecStart=-\{0,1\}//p' "$U/$1@.service"; }

deploy_pki
CONF=$IT_DIR/libvirtd.conf
# write_conf: libvirtd.conf as the units' sockets are (PORT_TCP, PORT_TLS).
write_conf() {
    cat >"$CONF" <<CONF
unix_sock_dir = "$IT_DIR/run"
unix_sock_rw_perms = "0700"
unix_sock_ro_perms = "0777"
listen_addr = "127.0.0.1"
tcp_port = "$PORT_TCP"
tls_port = "$PORT_TLS"
auth_tcp = "none"
log_level = 2
CONF
    tls_conf_lines >>"$CONF"
}

# activate NAME LISTEN: the socket unit NAME, on LISTEN, running its
# ExecStart; sets ACT_PID. Returns 2 when LISTEN is a port in use.
activate() {
    local name=$1 listen=$2
    # shellcheck disable=SC2046
    systemd-socket-activate --accept -E LIBVIRTD_CONFIG="$CONF" -l "$listen" $(exec_line "$name") \
        </dev/null >"$IT_DIR/$name.log" 2>&1 &
    ACT_PID=$!
    IT_PIDS+=("$ACT_PID")
    case "$listen" in
        /*) it_wait_socket "$listen" "$ACT_PID" || { cat "$IT_DIR/$name.log" >&2; return 1; } ;;
        *) it_wait_listen "${listen##*:}" "$ACT_PID" "$IT_DIR/$name.log" ;;
    esac
}

# start_inet: the tcp and tls sockets on two free ports, and the
# configuration that names them. Returns 2 when a port was taken.
start_inet() {
    local rc tcp_pid
    PORT_TCP=$(it_free_port) && PORT_TLS=$(it_free_port) || return 1
    write_conf
    activate libvirtd-tcp "127.0.0.1:$PORT_TCP" || return
    tcp_pid=$ACT_PID
    activate libvirtd-tls "127.0.0.1:$PORT_TLS" || {
        rc=$?
        it_stop "$tcp_pid"
        return $rc
    }
}

it_retry_port start_inet || exit 1
activate libvirtd "$IT_DIR/run/libvirt-sock" || exit 1
activate libvirtd-ro "$IT_DIR/run/libvirt-sock-ro" || exit 1
chmod 0700 "$IT_DIR/run/libvirt-sock"
chmod 0777 "$IT_DIR/run/libvirt-sock-ro"

RW="test+unix:///default?socket=$IT_DIR/run/libvirt-sock"
RO="test+unix:///default?socket=$IT_DIR/run/libvirt-sock-ro"
TCP="test+tcp://127.0.0.1:$PORT_TCP/default"

for VIRSH in "${CLIENTS[@]}"; do
    c=$(client_name)
    expect_output "libvirtd.socket serves $c read-write" "Domain 'test' destroyed" \
        vsh "$RW" 'list --all; destroy test'
    expect_output "libvirtd-ro.socket serves $c read-only" "read only access prevents" \
        vsh "$RO" 'list --all; destroy test'
    expect_output "libvirtd-ro.socket lists for $c" " test " vsh "$RO" 'list --all'
    expect_output "libvirtd-tcp.socket serves $c" "Domain 'test' destroyed" \
        vsh "$TCP" 'list --all; destroy test'
done

# A client's URI cannot forge log lines, on either unix socket.
forge_open unix "$IT_DIR/run/libvirt-sock"
forge_open unix "$IT_DIR/run/libvirt-sock-ro"
forge_checks "libvirtd.socket" "$IT_DIR/libvirtd.log"
forge_checks "libvirtd-ro.socket" "$IT_DIR/libvirtd-ro.log"

# Each connection is logged at open and close with the peer's identity.
check "unix connections logged with uid, gid and pid" \
    grep -q "client unix pid=[0-9]* uid=$(id -u) gid=$(id -g) connected on unix-rw" "$IT_DIR/libvirtd.log"
check "unix connections logged at close" \
    grep -q "client unix pid=[0-9]* uid=[0-9]* gid=[0-9]* disconnected" "$IT_DIR/libvirtd.log"
check "read-only connections logged as such" \
    grep -q "connected on unix-ro (read-only)" "$IT_DIR/libvirtd-ro.log"
check "tcp connections logged with the address" \
    grep -q "client 127.0.0.1:[0-9]* connected on tcp" "$IT_DIR/libvirtd-tcp.log"
check "sockets that match libvirtd.conf give no warning" \
    bash -c "! grep -q 'warning' '$IT_DIR/libvirtd.log' '$IT_DIR/libvirtd-ro.log' '$IT_DIR/libvirtd-tcp.log'"

# The TLS socket: its ExecStart (--socket-kind=tls) does the handshake and
# the checks, then serves the session; a revoked client certificate is
# refused without a byte, and the reason logged. Where libvirtd is the
# static build without gnutls, the unit runs libvirtd-full directly.
check "libvirtd-tls@.service runs $(basename "$(tls_libvirtd)") --socket-kind=tls" \
    grep -Eq "^ExecStart=-?[^ ]*/$(basename "$(tls_libvirtd)") --socket-kind=tls\$" \
    "$U/libvirtd-tls@.service"
TLS=$(tls_uri "$PORT_TLS")
for VIRSH in "${CLIENTS[@]}"; do
    c=$(client_name)
    expect_output "libvirtd-tls.socket serves $c" "Domain 'test' destroyed" \
        vsh "$TLS" 'list --all; destroy test'
done
VIRSH=virsh
expect_output "libvirtd-tls.socket refuses a revoked certificate (real virsh)" \
    "Unable to read TLS confirmation" vsh "$(tls_uri "$PORT_TLS" client-revoked)" 'uri'
VIRSH=$OUR_VIRSH
expect_output "libvirtd-tls.socket refuses a revoked certificate (our virsh)" \
    "server verification (of our certificate or IP address) failed" \
    vsh "$(tls_uri "$PORT_TLS" client-revoked)" 'uri'
VIRSH=virsh
sleep 0.3
check "the refusal is logged with its reason" grep -q "has been revoked" "$IT_DIR/libvirtd-tls.log"

# Every per-connection process exited 0.
all_exited_0() {
    local log=$1 i
    for ((i = 0; i < 100; i++)); do
        [ "$(grep -c '^Spawned' "$log")" -eq "$(grep -c '^Child .* died' "$log")" ] && break
        sleep 0.1
    done
    [ "$(grep -c '^Spawned' "$log")" -gt 0 ] &&
        [ "$(grep -c '^Spawned' "$log")" -eq "$(grep -c '^Child .* died with code 0$' "$log")" ] ||
        { cat "$log"; return 1; }
}
for s in libvirtd libvirtd-ro libvirtd-tcp; do
    check "every $s@ instance exited 0" all_exited_0 "$IT_DIR/$s.log"
done

# Each activated connection's process carries connection_memory_limit and
# connection_tasks_limit as its RLIMIT_AS and RLIMIT_NPROC: the defaults
# here, and the configured values on a socket whose file sets them.
expect_limits "a libvirtd@ connection has the default limits (1024 MiB, 16 tasks)" 1024 16 \
    unix "$IT_DIR/run/libvirt-sock"
expect_limits "a libvirtd-ro@ connection has the default limits" 1024 16 \
    unix "$IT_DIR/run/libvirt-sock-ro"
expect_limits "a libvirtd-tcp@ connection has the default limits" 1024 16 tcp "127.0.0.1:$PORT_TCP"
MCONF=$IT_DIR/limits.conf
{ cat "$CONF"; printf 'connection_memory_limit = 512\nconnection_tasks_limit = 8\n'; } >"$MCONF"
# shellcheck disable=SC2046
systemd-socket-activate --accept -E LIBVIRTD_CONFIG="$MCONF" -l "$IT_DIR/limits-sock" \
    $(exec_line libvirtd-ro) </dev/null >"$IT_DIR/limits.log" 2>&1 &
IT_PIDS+=("$!")
it_wait_socket "$IT_DIR/limits-sock" "$!" || exit 1
expect_limits "a connection has the configured limits (512 MiB, 8 tasks)" 512 8 \
    unix "$IT_DIR/limits-sock"

# A log_outputs file that cannot be opened: the error names the file,
# the reason and where log_outputs was set; the connection is served with
# the default output.
LCONF=$IT_DIR/badlog.conf
{ cat "$CONF"; echo "log_outputs = \"1:file:$IT_DIR/nonexistent/dir/x.log\""; } >"$LCONF"
lline=$(wc -l <"$LCONF")
# shellcheck disable=SC2046
systemd-socket-activate --accept -E LIBVIRTD_CONFIG="$LCONF" -l "$IT_DIR/badlog-sock" \
    $(exec_line libvirtd) </dev/null >"$IT_DIR/badlog.log" 2>&1 &
IT_PIDS+=("$!")
it_wait_socket "$IT_DIR/badlog-sock" "$!" || exit 1
expect_output "a log file that cannot be opened does not stop an activated connection" " test " \
    vsh "test+unix:///default?socket=$IT_DIR/badlog-sock" 'list --all'
expect_output "and is reported with file:line, path and reason" \
    "$LCONF:$lline: log_outputs: cannot open log file $IT_DIR/nonexistent/dir/x.log: No such file or directory" \
    cat "$IT_DIR/badlog.log"

# A socket that is not where libvirtd.conf says: the daemon warns.
activate libvirtd "$IT_DIR/elsewhere-sock" || exit 1
vsh "test+unix:///default?socket=$IT_DIR/elsewhere-sock" 'uri' >/dev/null 2>&1
expect_output "a socket libvirtd.conf does not describe is warned about" \
    "puts the unix-rw socket at $IT_DIR/run/libvirt-sock" cat "$IT_DIR/libvirtd.log"

finish

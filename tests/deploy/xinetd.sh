#!/bin/bash
# xinetd: the shipped service files (conf/xinetd.d), with only the port,
# address and paths changed, run by a real xinetd on loopback; each
# connection starts one `libvirtd --inetd` that serves virsh and exits.
#
# Usage: LIBVIRTD=build/src/libvirtd [XINETD_DIR=build/conf] tests/deploy/xinetd.sh

. "$(dirname "$0")/common.sh"
deploy_need_libvirtd
deploy_need_virsh
XINETD=$(command -v xinetd || echo /usr/sbin/xinetd)
it_need "$XINETD" xinetd
it_need certtool gnutls-bin
it_need ss iproute2
it_need prlimit util-linux
it_setup

D=$IT_DIR/xinetd.d
mkdir -p "$D"
deploy_pki
CONF=$IT_DIR/libvirtd.conf
cat >"$CONF" <<CONF
auth_tcp = "none"
log_level = 2
log_outputs = "2:file:$IT_DIR/libvirtd.log"
connection_memory_limit = 768
connection_tasks_limit = 12
CONF
tls_conf_lines >>"$CONF"

# The service file as shipped, made to run here.
service() {
    local name=$1 port=$2 src
    if [ -n "${XINETD_DIR:-}" ] && [ -f "$XINETD_DIR/$name" ]; then
        src=$XINETD_DIR/$name
    else
        src=$SOURCE_ROOT/conf/xinetd.d/$name.in
    fi
    sed -e "s|^\(\s*port\s*=\).*|\1 $port|" \
        -e "s|^\(\s*disable\s*=\).*|\1 no|" \
        -e "s|@TLS_LIBVIRTD@|$(basename "$(tls_libvirtd)")|" \
        -e "s|^\(\s*server\s*=\).*/\(libvirtd[-a-z]*\)$|\1 $(dirname "$LIBVIRTD")/\2|" \
        -e "s|^\(\s*\)# bind\(\s*=\).*|\1bind\2 127.0.0.1|" \
        -e "s|^}|\tenv\t\t= LIBVIRTD_CONFIG=$CONF\n}|" \
        "$src" >"$D/$name"
}

cat >"$IT_DIR/xinetd.conf" <<XCONF
defaults
{
	log_type	= FILE $IT_DIR/xinetd.log
	instances	= 10
}
includedir $D
XCONF

# start_xinetd: both services on two free ports (PORT_TCP, PORT_TLS), and
# xinetd serving them; its own messages go to xinetd-msg.log. Returns 2
# when a port was taken (with -stayalive xinetd runs on without it).
start_xinetd() {
    PORT_TCP=$(it_free_port) && PORT_TLS=$(it_free_port) || return 1
    service libvirtd-tcp "$PORT_TCP"
    service libvirtd-tls "$PORT_TLS"
    # xinetd appends: a retry must not read the last one's bind error.
    : >"$IT_DIR/xinetd-msg.log"
    "$XINETD" -f "$IT_DIR/xinetd.conf" -pidfile "$IT_DIR/xinetd.pid" -filelog "$IT_DIR/xinetd-msg.log" \
        -dontfork -stayalive </dev/null >"$IT_DIR/xinetd.out" 2>&1 &
    XPID=$!
    IT_PIDS+=("$XPID")
    it_wait_listen "$PORT_TCP" "$XPID" "$IT_DIR/xinetd-msg.log" &&
        it_wait_listen "$PORT_TLS" "$XPID" "$IT_DIR/xinetd-msg.log"
}
it_retry_port start_xinetd || {
    cat "$IT_DIR/xinetd.out" >&2
    exit 1
}

check "the tcp service runs libvirtd --inetd with wait = no" \
    bash -c "grep -Eq 'server_args\s*=\s*--inetd --socket-kind=tcp' '$D/libvirtd-tcp' && grep -Eq 'wait\s*=\s*no' '$D/libvirtd-tcp'"
check "the tls service runs $(basename "$(tls_libvirtd)") --inetd --socket-kind=tls" \
    bash -c "grep -Eq 'server_args\s*=\s*--inetd --socket-kind=tls' '$D/libvirtd-tls' &&
        grep -Eq 'server\s*=\s*$(tls_libvirtd)\$' '$D/libvirtd-tls'"

TCP="test+tcp://127.0.0.1:$PORT_TCP/default"
for VIRSH in "${CLIENTS[@]}"; do
    c=$(client_name)
    expect_output "xinetd serves $c over tcp" "Domain 'test' destroyed" \
        vsh "$TCP" 'list --all; destroy test'
    expect_output "each xinetd connection is a fresh process ($c)" "running" vsh "$TCP" 'domstate test'
done
# Each connection's process carries connection_memory_limit and
# connection_tasks_limit as its RLIMIT_AS and RLIMIT_NPROC.
expect_limits "an xinetd connection has the configured limits (768 MiB, 12 tasks)" 768 12 \
    tcp "127.0.0.1:$PORT_TCP"

# A client's URI cannot forge lines in a log_outputs file either.
forge_open tcp "127.0.0.1:$PORT_TCP"
forge_checks "xinetd, file output" "$IT_DIR/libvirtd.log"
sleep 0.5
check "xinetd connections are logged with the peer address" \
    grep -q "client 127.0.0.1:[0-9]* connected on tcp" "$IT_DIR/libvirtd.log"
check "and at close" grep -q "client 127.0.0.1:[0-9]* disconnected" "$IT_DIR/libvirtd.log"
check "every libvirtd started by xinetd exited 0" \
    bash -c "grep -q 'EXIT: libvirtd-tcp status=0' '$IT_DIR/xinetd.log' && ! grep -q 'EXIT: libvirtd-tcp status=[1-9]' '$IT_DIR/xinetd.log' || { cat '$IT_DIR/xinetd.log'; false; }"

# TLS: libvirtd --inetd --socket-kind=tls does the handshake and the checks
# on stdin/stdout, then serves the session.
TLS=$(tls_uri "$PORT_TLS")
for VIRSH in "${CLIENTS[@]}"; do
    c=$(client_name)
    expect_output "xinetd's libvirtd-tls serves $c" "Domain 'test' destroyed" \
        vsh "$TLS" 'list --all; destroy test'
done
VIRSH=virsh
expect_output "xinetd's libvirtd-tls refuses a client without a certificate" \
    "Unable to read TLS confirmation" vsh "$(tls_uri "$PORT_TLS" client-nocert)" 'uri'
sleep 0.5
check "the refusal is logged with its reason" grep -q "sent no certificate" "$IT_DIR/libvirtd.log"
check "every TLS connection that was let in exited 0" \
    bash -c "grep -q 'EXIT: libvirtd-tls status=0' '$IT_DIR/xinetd.log' || { cat '$IT_DIR/xinetd.log'; false; }"

finish

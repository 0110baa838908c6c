#!/bin/bash
# libvirtd-generator: run as systemd runs it, with temporary output
# directories, it turns libvirtd.conf into drop-ins for our socket units
# and service templates; the units with those drop-ins verify clean; a
# socket activated where the drop-in says serves with no warning from the
# daemon, and one that
# disagrees with libvirtd.conf is warned about.
#
# Usage: LIBVIRTD=build/src/libvirtd [GENERATOR=build/src/libvirtd-generator] tests/deploy/generator.sh

. "$(dirname "$0")/common.sh"
deploy_need_libvirtd
GENERATOR=${GENERATOR:-$(dirname "$LIBVIRTD")/libvirtd-generator}
[ -x "$GENERATOR" ] || { echo "GENERATOR='$GENERATOR' is not an executable" >&2; exit 1; }
it_need systemd-analyze systemd
it_need_socket_activate
it_setup

# gen NAME CONF: runs the generator into $IT_DIR/NAME/{normal,early,late}.
gen() {
    local d=$IT_DIR/$1
    mkdir -p "$d/normal" "$d/early" "$d/late"
    LIBVIRTD_CONFIG=$2 "$GENERATOR" "$d/normal" "$d/early" "$d/late" 2>"$d/stderr"
}
# dropin NAME UNIT: the drop-in written for UNIT.
dropin() { cat "$IT_DIR/$1/normal/$2.d/50-libvirtd-conf.conf"; }
has() { dropin "$1" "$2" | grep -qxF -- "$3" || { echo "  $2 lacks '$3':"; dropin "$1" "$2"; return 1; }; }

# 1. No libvirtd.conf: libvirt's defaults.
check "a missing libvirtd.conf is not an error" gen defaults "$IT_DIR/none.conf"
check "defaults: rw socket in /run/libvirt, mode 0700" \
    bash -c "$(declare -f dropin has); IT_DIR=$IT_DIR; has defaults libvirtd.socket ListenStream=/run/libvirt/libvirt-sock && has defaults libvirtd.socket SocketMode=0700"
check "defaults: ro socket mode 0777" has defaults libvirtd-ro.socket SocketMode=0777
check "defaults: tcp on every address, port 16509" has defaults libvirtd-tcp.socket ListenStream=16509
check "defaults: tls on every address, port 16514" has defaults libvirtd-tls.socket ListenStream=16514
for u in libvirtd-tcp libvirtd-tls; do
    check "$u.socket gets FreeBind=yes" has defaults $u.socket FreeBind=yes
done
for u in libvirtd libvirtd-ro libvirtd-tcp libvirtd-tls; do
    check "$u.socket's ListenStream is reset before it is set" has defaults $u.socket ListenStream=
done
for u in libvirtd libvirtd-ro libvirtd-tcp libvirtd-tls; do
    check "defaults: $u@.service gets MemoryMax=1024M (connection_memory_limit)" \
        has defaults "$u@.service" MemoryMax=1024M
    check "defaults: $u@.service gets TasksMax=16 (connection_tasks_limit)" \
        has defaults "$u@.service" TasksMax=16
done
check "nothing in the early and late directories" \
    bash -c "[ -z \"\$(find '$IT_DIR/defaults/early' '$IT_DIR/defaults/late' -mindepth 1)\" ]"

# 2. Everything set.
GROUP=$(id -gn)
cat >"$IT_DIR/custom.conf" <<CONF
unix_sock_dir = "$IT_DIR/run"
unix_sock_group = "$GROUP"
unix_sock_rw_perms = "0770"
unix_sock_ro_perms = "0775"
listen_addr = "127.0.0.1"
tcp_port = "26509"
tls_port = "26514"
max_clients = 42
max_queued_clients = 17
connection_memory_limit = 512
connection_tasks_limit = 8
CONF
check "a full libvirtd.conf is turned into drop-ins" gen custom "$IT_DIR/custom.conf"
check "custom: rw socket path" has custom libvirtd.socket "ListenStream=$IT_DIR/run/libvirt-sock"
check "custom: ro socket path" has custom libvirtd-ro.socket "ListenStream=$IT_DIR/run/libvirt-sock-ro"
check "custom: rw mode" has custom libvirtd.socket SocketMode=0770
check "custom: ro mode" has custom libvirtd-ro.socket SocketMode=0775
check "custom: group" has custom libvirtd.socket "SocketGroup=$GROUP"
check "custom: tcp address and port" has custom libvirtd-tcp.socket ListenStream=127.0.0.1:26509
check "custom: tls address and port" has custom libvirtd-tls.socket ListenStream=127.0.0.1:26514
check "custom: max_clients is MaxConnections" has custom libvirtd-tcp.socket MaxConnections=42
check "custom: max_queued_clients is Backlog" has custom libvirtd.socket Backlog=17
check "custom: connection_memory_limit is MemoryMax" has custom libvirtd-tcp@.service MemoryMax=512M
check "custom: connection_tasks_limit is TasksMax" has custom libvirtd-tls@.service TasksMax=8
printf 'connection_memory_limit = 0\nconnection_tasks_limit = 0\n' >"$IT_DIR/nolimit.conf"
gen nolimit "$IT_DIR/nolimit.conf"
check "connection_memory_limit = 0 is MemoryMax=infinity" has nolimit libvirtd@.service MemoryMax=infinity
check "connection_tasks_limit = 0 is TasksMax=infinity" has nolimit libvirtd-ro@.service TasksMax=infinity

# 3. IPv6 and host names.
printf 'listen_addr = "::1"\n' >"$IT_DIR/v6.conf"
gen v6 "$IT_DIR/v6.conf"
check "an IPv6 listen_addr is bracketed" has v6 libvirtd-tcp.socket "ListenStream=[::1]:16509"
printf 'listen_addr = "host.example"\n' >"$IT_DIR/name.conf"
gen name "$IT_DIR/name.conf"
check "a host name listens nowhere rather than everywhere" \
    bash -c "! grep -q '^ListenStream=.' '$IT_DIR/name/normal/libvirtd-tcp.socket.d/50-libvirtd-conf.conf'"
expect_output "a host name is reported" 'listen_addr "host.example" is not a numeric IP address' \
    cat "$IT_DIR/name/stderr"

# 4. A bad file: nothing written, the error names file and line.
printf 'max_clients = 3\ntcp_port = "http"\n' >"$IT_DIR/bad.conf"
check "a bad libvirtd.conf fails the generator" bash -c "! LIBVIRTD_CONFIG='$IT_DIR/bad.conf' '$GENERATOR' '$IT_DIR/bad-out' x y 2>'$IT_DIR/bad.err'"
expect_output "its error names the file and line" "$IT_DIR/bad.conf:2: tcp_port" cat "$IT_DIR/bad.err"
check "and nothing is written" bash -c "[ ! -e '$IT_DIR/bad-out' ] || [ -z \"\$(ls -A '$IT_DIR/bad-out')\" ]"
printf 'some_new_key = 1\n' >"$IT_DIR/unknown.conf"
gen unknown "$IT_DIR/unknown.conf"
expect_output "unknown keys are warned about with file:line" "unknown.conf:1: unknown key some_new_key" \
    cat "$IT_DIR/unknown/stderr"

# 5. The units with the drop-ins verify clean.
U=$IT_DIR/custom/normal
for f in "$SOURCE_ROOT"/units/*.in; do
    sed -e "s|@SBINDIR@|$(dirname "$LIBVIRTD")|g" -e 's|@RUNSTATEDIR@|/run|g' \
        -e "s|@TLS_LIBVIRTD@|$(basename "$(tls_libvirtd)")|g" \
        -e 's|@DOCDIR@|/usr/share/doc/libvirt-remote|g' "$f" >"$U/$(basename "$f" .in)"
done
verify_clean() {
    local out
    out=$(cd "$U" && systemd-analyze verify "$U"/*.socket "$U"/*@.service 2>&1)
    [ $? -eq 0 ] && [ -z "$out" ] || { printf '%s\n' "$out"; return 1; }
}
check "units with the generated drop-ins verify clean" verify_clean

# 6. The socket the drop-in describes, activated, matches libvirtd.conf:
# no warning. Then libvirtd.conf changes without a daemon-reload: warning.
mkdir -p "$IT_DIR/run"
sock=$(dropin custom libvirtd.socket | sed -n 's/^ListenStream=\(.\)/\1/p')
mode=$(dropin custom libvirtd.socket | sed -n 's/^SocketMode=//p')
systemd-socket-activate --accept -E LIBVIRTD_CONFIG="$IT_DIR/custom.conf" -l "$sock" \
    "$LIBVIRTD" --socket-kind=unix-rw </dev/null >"$IT_DIR/act.log" 2>&1 &
IT_PIDS+=("$!")
it_wait_socket "$sock" "$!" || exit 1
chmod "$mode" "$sock"
chgrp "$GROUP" "$sock"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.close()' "$sock"
sleep 0.5
check "a socket made from the drop-in gives no warning" \
    bash -c "grep -q 'connected on unix-rw' '$IT_DIR/act.log' && ! grep -q warning '$IT_DIR/act.log' || { cat '$IT_DIR/act.log'; false; }"
chmod 0777 "$sock"
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.close()' "$sock"
sleep 0.5
expect_output "a socket whose mode disagrees with libvirtd.conf is warned about" \
    'unix_sock_rw_perms = "0770"' cat "$IT_DIR/act.log"

finish

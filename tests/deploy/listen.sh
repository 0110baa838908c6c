#!/bin/bash
# libvirtd --listen, in the foreground and with --daemon: it binds what
# libvirtd.conf enables with the configured permissions, serves each
# connection in its own process (virsh over unix rw, unix ro and tcp),
# holds connections beyond max_clients back until one ends, stops
# accepting on SIGTERM while open connections finish, writes and removes
# its pid file, and starts nothing when the configuration is wrong.
#
# Usage: LIBVIRTD=build/src/libvirtd tests/deploy/listen.sh

. "$(dirname "$0")/common.sh"
deploy_need_libvirtd
deploy_need_virsh
it_need certtool gnutls-bin
it_need prlimit util-linux
it_need ss iproute2
it_need pgrep procps
it_setup

RUN=$IT_DIR/run
CONF=$IT_DIR/libvirtd.conf
RW="test+unix:///default?socket=$RUN/libvirt-sock"
RO="test+unix:///default?socket=$RUN/libvirt-sock-ro"

# start_fg PORT: libvirtd --listen in the foreground (FG), tcp on PORT;
# returns 2 when PORT is in use. Later daemons in this test reuse CONF,
# and so PORT, once FG has let it go.
start_fg() {
    cat >"$CONF" <<CONF
# as a user would write it
unix_sock_dir = "$RUN"
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "$1"
auth_tcp = "none"
max_clients = 2
log_level = 2
CONF
    rm -rf "$RUN"
    "$LIBVIRTD" --listen -f "$CONF" </dev/null >"$IT_DIR/fg.log" 2>&1 &
    FG=$!
    IT_PIDS+=("$FG")
    it_wait_listen "$1" "$FG" "$IT_DIR/fg.log" || return
    it_wait_socket "$RUN/libvirt-sock-ro" "$FG" || { cat "$IT_DIR/fg.log" >&2; return 1; }
}
it_on_free_port PORT start_fg {} || exit 1
TCP="test+tcp://127.0.0.1:$PORT/default"

check "rw socket has unix_sock_rw_perms 0700" bash -c "[ \$(stat -c %a '$RUN/libvirt-sock') = 700 ]"
check "ro socket has unix_sock_ro_perms 0777" bash -c "[ \$(stat -c %a '$RUN/libvirt-sock-ro') = 777 ]"

for VIRSH in "${CLIENTS[@]}"; do
    c=$(client_name)
    expect_output "--listen serves $c on the rw socket" "Domain 'test' destroyed" \
        vsh "$RW" 'destroy test'
    expect_output "each connection is its own process with its own state ($c)" "running" \
        vsh "$RW" 'domstate test'
    expect_output "--listen serves $c read-only on the ro socket" "read only access prevents" \
        vsh "$RO" 'destroy test'
    expect_output "--listen serves $c over tcp" "Domain 'test' destroyed" vsh "$TCP" 'destroy test'
done
check "connections are logged with their peers" \
    bash -c "grep -q 'client unix pid=[0-9]* uid=[0-9]* gid=[0-9]* connected on unix-rw' '$IT_DIR/fg.log' &&
             grep -q 'client 127.0.0.1:[0-9]* connected on tcp' '$IT_DIR/fg.log'"
check "each connection was served by a different process" \
    bash -c "[ \$(grep 'connected on' '$IT_DIR/fg.log' | sed 's/^libvirtd\[\([0-9]*\)\].*/\1/' | sort -u | wc -l) -ge 3 ]"

# Each connection's child carries connection_memory_limit and
# connection_tasks_limit (the defaults here) as RLIMIT_AS and RLIMIT_NPROC.
expect_limits "a --listen connection has the default limits (1024 MiB, 16 tasks)" 1024 16 \
    unix "$RUN/libvirt-sock"
expect_limits "and over tcp" 1024 16 tcp "127.0.0.1:$PORT"

# A client's URI cannot forge log lines, on either unix socket.
forge_open unix "$RUN/libvirt-sock"
forge_open unix "$RUN/libvirt-sock-ro"
forge_checks "--listen" "$IT_DIR/fg.log"

# max_clients = 2: a third connection waits until one of two ends.
VIRSH=virsh
hold() { vsh "$1" "event --all --loop --timeout $2" >/dev/null 2>&1; }
hold "$RW" 3 &
H1=$!
hold "$RO" 3 &
H2=$!
sleep 1
vsh "$RW" 'domstate test' >"$IT_DIR/third.out" 2>&1 &
THIRD=$!
sleep 1
check "beyond max_clients a connection waits" kill -0 "$THIRD"
wait "$H1" "$H2"
wait "$THIRD"
check "and is served once a slot frees" grep -q running "$IT_DIR/third.out"
expect_output "reaching max_clients is logged" "max_clients (2) connections open" cat "$IT_DIR/fg.log"

# SIGTERM: stop accepting, let the open connection finish, then exit 0.
hold "$RW" 3 &
H1=$!
sleep 1
kill -TERM "$FG"
sleep 0.5
check "after SIGTERM the sockets are gone" bash -c "[ ! -e '$RUN/libvirt-sock' ] && [ ! -e '$RUN/libvirt-sock-ro' ]"
check "after SIGTERM tcp refuses" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null"
check "an open connection keeps the daemon running" kill -0 "$FG"
wait "$H1"
for ((i = 0; i < 50; i++)); do kill -0 "$FG" 2>/dev/null || break; sleep 0.1; done
wait "$FG"
rc=$?
check "once it ends the daemon exits 0 (got $rc)" test "$rc" -eq 0

# --daemon with --pid-file.
PIDF=$IT_DIR/libvirtd.pid
"$LIBVIRTD" --listen --daemon --pid-file "$PIDF" --config "$CONF" </dev/null >"$IT_DIR/bg.out" 2>&1
rc=$?
check "--daemon returns 0 once ready (got $rc)" test "$rc" -eq 0
DPID=$(cat "$PIDF" 2>/dev/null)
[ -n "$DPID" ] && IT_PIDS+=("$DPID")
check "the pid file names the running daemon" bash -c "[ -n '$DPID' ] && kill -0 '$DPID'"
check "the daemon is in its own session" bash -c "[ \$(ps -o sid= -p '$DPID') -eq '$DPID' ] 2>/dev/null || [ \$(ps -o sid= -p '$DPID') != \$(ps -o sid= -p $$) ]"
for VIRSH in "${CLIENTS[@]}"; do
    expect_output "--daemon serves $(client_name)" " test " vsh "$RW" 'list --all'
    expect_output "--daemon serves $(client_name) over tcp" " test " vsh "$TCP" 'list --all'
done
VIRSH=virsh
"$LIBVIRTD" --listen --daemon --pid-file "$PIDF" --config "$CONF" >"$IT_DIR/second.out" 2>&1
rc=$?
check "a second daemon on the same sockets refuses (got $rc)" test "$rc" -ne 0
expect_output "and says why" "in use by another daemon" cat "$IT_DIR/second.out"
kill -TERM "$DPID"
for ((i = 0; i < 50; i++)); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
check "SIGTERM stops the daemon" bash -c "! kill -0 '$DPID' 2>/dev/null"
check "and removes its pid file and sockets" bash -c "[ ! -e '$PIDF' ] && [ ! -e '$RUN/libvirt-sock' ]"

# A daemon killed outright leaves its sockets; the next one replaces them.
"$LIBVIRTD" --listen -f "$CONF" </dev/null >"$IT_DIR/k.log" 2>&1 &
K=$!
IT_PIDS+=("$K")
it_wait_socket "$RUN/libvirt-sock-ro" "$K"
sleep 0.2
kids=$(pgrep -P "$K" || true)
kill -9 "$K"
wait "$K" 2>/dev/null
# Its idle children die with it (PR_SET_PDEATHSIG), a moment later.
for ((i = 0; i < 50; i++)); do
    alive=0
    for k in $kids; do kill -0 "$k" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
done
"$LIBVIRTD" --listen -f "$CONF" </dev/null >"$IT_DIR/k2.log" 2>&1 &
K2=$!
IT_PIDS+=("$K2")
sleep 0.5
expect_output "stale sockets are replaced" " test " vsh "$RW" 'list --all'
it_stop "$K2"

# listen_tls = 1: the TLS port, each connection's handshake and checks in
# its own process, for real virsh and ours.
deploy_pki
TCONF=$IT_DIR/tls.conf
# start_tls PORT: libvirtd --listen (T) with listen_tls = 1 on PORT;
# returns 2 when PORT is in use.
start_tls() {
    {
        echo "unix_sock_dir = \"$IT_DIR/tlsrun\""
        echo 'listen_tls = 1'
        echo 'listen_addr = "127.0.0.1"'
        echo "tls_port = \"$1\""
        echo 'tls_allowed_dn_list = ["C=GB,O=Libvirt Test,CN=client*"]'
        tls_conf_lines
    } >"$TCONF"
    rm -rf "$IT_DIR/tlsrun"
    "$LIBVIRTD" --listen -f "$TCONF" </dev/null >"$IT_DIR/tls.log" 2>&1 &
    T=$!
    IT_PIDS+=("$T")
    it_wait_listen "$1" "$T" "$IT_DIR/tls.log" || return
    it_wait_socket "$IT_DIR/tlsrun/libvirt-sock-ro" "$T" || { cat "$IT_DIR/tls.log" >&2; return 1; }
}
it_on_free_port TPORT start_tls {} || exit 1
for VIRSH in "${CLIENTS[@]}"; do
    c=$(client_name)
    expect_output "--listen serves $c over tls" "Domain 'test' destroyed" \
        vsh "$(tls_uri "$TPORT")" 'list --all; destroy test'
done
VIRSH=virsh
expect_output "--listen refuses a DN not in tls_allowed_dn_list (real virsh)" \
    "Unable to read TLS confirmation" vsh "$(tls_uri "$TPORT" client-dn)" 'uri'
sleep 0.3
expect_output "and logs the DN" "its DN is 'C=GB,O=Intruders Ltd" cat "$IT_DIR/tls.log"
check "tls connections are logged with the address" \
    grep -q "client 127.0.0.1:[0-9]* connected on tls" "$IT_DIR/tls.log"
it_stop "$T"

# Out of file descriptors. Each run's log is capped (a daemon that logs
# every failed accept() would fill the disk) and every wait is bounded.
# children PID: the daemon's children, from /proc.
children() { cat "/proc/$1/task/$1/children" 2>/dev/null; }
# cpu_ticks PIDS...: their utime + stime, in clock ticks.
cpu_ticks() {
    local p t=0
    for p in "$@"; do
        t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    echo "$t"
}
FCONF=$IT_DIR/fd.conf
printf 'unix_sock_dir = "%s"\nlisten_tls = 0\nlog_level = 2\n' "$IT_DIR/fdrun" >"$FCONF"
printf 'connection_memory_limit = 256\nconnection_tasks_limit = 4\n' >>"$FCONF"
FRW="test+unix:///default?socket=$IT_DIR/fdrun/libvirt-sock"

# (i) Started with 8 fds, each idle child keeps a spare one, gives it up
# when accept() finds no free fd, and serves the connection.
bash -c 'ulimit -n 8 && exec "$@" 3>&- 4>&- 5>&- 6>&- 7>&-' - "$LIBVIRTD" --listen -f "$FCONF" \
    </dev/null > >(stdbuf -o0 head -c 2000000 >"$IT_DIR/fd8.log") 2>&1 &
F=$!
IT_PIDS+=("$F")
it_wait_socket "$IT_DIR/fdrun/libvirt-sock-ro" "$F" || { cat "$IT_DIR/fd8.log"; exit 1; }
VSH_TIMEOUT=10 expect_output "--listen under ulimit -n 8 serves virsh list on the rw socket" \
    " test " vsh "$FRW" 'list --all'
it_stop "$F"

# (ii) An idle child whose fd limit drops below what it holds: a
# connection waits, but the child neither spins nor floods the log; once
# the limit is back the waiting client is served.
"$LIBVIRTD" --listen -f "$FCONF" </dev/null > >(stdbuf -o0 head -c 2000000 >"$IT_DIR/fdlow.log") 2>&1 &
F=$!
IT_PIDS+=("$F")
it_wait_socket "$IT_DIR/fdrun/libvirt-sock-ro" "$F" || { cat "$IT_DIR/fdlow.log"; exit 1; }
for ((i = 0; i < 50; i++)); do
    [ "$(children "$F" | wc -w)" -ge 4 ] && break
    sleep 0.1
done
kids=$(children "$F")
nofile=$(prlimit --pid "$F" --nofile --noheadings --output SOFT,HARD | awk '{print $1 ":" $2}')
for k in $kids; do prlimit --pid "$k" --nofile=3:"${nofile#*:}" 2>/dev/null; done
t0=$(cpu_ticks $kids)
VSH_TIMEOUT=20 vsh "$FRW" 'list --all' >"$IT_DIR/fdlow.out" 2>&1 &
C=$!
sleep 2
fails=$(grep -c 'accept on' "$IT_DIR/fdlow.log")
check "an idle child out of fds logs a handful of accept failures in 2 s, not one per try (got $fails)" \
    test "$fails" -ge 1 -a "$fails" -le 5
ticks=$(($(cpu_ticks $kids) - t0))
check "and the idle children do not spin (CPU $ticks ticks in 2 s)" \
    test "$ticks" -le $((2 * $(getconf CLK_TCK) / 10))
check "the client waits meanwhile" kill -0 "$C"
for k in $kids; do prlimit --pid "$k" --nofile="$nofile" 2>/dev/null; done
for ((i = 0; i < 50; i++)); do kill -0 "$C" 2>/dev/null || break; sleep 0.1; done
wait "$C"
expect_output "once the fd limit is back the waiting client is served" " test " \
    cat "$IT_DIR/fdlow.out"
kill "$C" 2>/dev/null
expect_limits "a --listen connection has the configured limits (256 MiB, 4 tasks)" 256 4 \
    unix "$IT_DIR/fdrun/libvirt-sock-ro"
it_stop "$F"

# Nothing starts on a bad configuration.
bad() {
    local name=$1 text=$2 want=$3 out rc
    printf '%b' "$text" >"$IT_DIR/$name.conf"
    rm -rf "$IT_DIR/badrun"
    out=$(timeout 10 "$LIBVIRTD" --listen -f "$IT_DIR/$name.conf" 2>&1 </dev/null)
    rc=$?
    T_TOTAL=$((T_TOTAL + 1))
    if [ $rc -eq 4 ] && [[ "$out" == *"$want"* ]] && [ ! -e "$IT_DIR/badrun" ]; then
        T_GOOD=$((T_GOOD + 1))
        echo "ok   $name: refused with '$want'"
    else
        echo "FAIL $name: expected exit 4 and '$want', got $rc: $out"
    fi
}
bad bad-type "unix_sock_dir = \"$IT_DIR/badrun\"\nlisten_tls = 0\nmax_clients = \"many\"\n" \
    "$IT_DIR/bad-type.conf:3: max_clients must be a number"
bad bad-value "unix_sock_dir = \"$IT_DIR/badrun\"\nlisten_tls = 0\n\nunix_sock_rw_perms = \"rw\"\n" \
    "$IT_DIR/bad-value.conf:4: unix_sock_rw_perms must be an octal mode"
bad tls-missing-ca "unix_sock_dir = \"$IT_DIR/badrun\"\nlisten_tls = 1\nca_file = \"$IT_DIR/no-such/cacert.pem\"\n" \
    "Cannot read CA certificate '$IT_DIR/no-such/cacert.pem'"
bad tls-missing-cert "unix_sock_dir = \"$IT_DIR/badrun\"\nlisten_tls = 1\nca_file = \"$PKI/server-ok/cacert.pem\"\ncert_file = \"$IT_DIR/no-such/servercert.pem\"\nkey_file = \"$PKI/server-ok/serverkey.pem\"\n" \
    "Cannot read certificate '$IT_DIR/no-such/servercert.pem': No such file or directory"
bad tls-missing-key "unix_sock_dir = \"$IT_DIR/badrun\"\nlisten_tls = 1\nca_file = \"$PKI/server-ok/cacert.pem\"\ncert_file = \"$PKI/server-ok/servercert.pem\"\nkey_file = \"$IT_DIR/no-such/serverkey.pem\"\n" \
    "Cannot read private key '$IT_DIR/no-such/serverkey.pem': No such file or directory"
bad log-file-unopenable "unix_sock_dir = \"$IT_DIR/badrun\"\nlisten_tls = 0\n# the log\n\nlog_outputs = \"1:file:$IT_DIR/nonexistent/dir/x.log\"\n" \
    "$IT_DIR/log-file-unopenable.conf:5: log_outputs: cannot open log file $IT_DIR/nonexistent/dir/x.log: No such file or directory"
bad tcp-needs-auth-none "unix_sock_dir = \"$IT_DIR/badrun\"\nlisten_tls = 0\nlisten_tcp = 1\n" \
    'auth_tcp = "sasl" is not supported'
out=$("$LIBVIRTD" --listen -f "$IT_DIR/missing-file.conf" 2>&1)
rc=$?
check "an explicit config file that does not exist is an error (got $rc)" test "$rc" -eq 4
expect_output "and the error names it" "$IT_DIR/missing-file.conf: cannot open" echo "$out"
expect_output "unknown keys are warned about with file:line" "$CONF.2:2: unknown key frobnicate" \
    bash -c "printf 'unix_sock_dir = \"$IT_DIR/badrun\"\nfrobnicate = 1\nlisten_tls = 2\n' >'$CONF.2'; '$LIBVIRTD' --listen -f '$CONF.2' 2>&1"

finish

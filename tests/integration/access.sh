#!/bin/bash
# Who gets in, and what they may do, on the sockets that need no TLS:
#
#  - the read-only unix socket refuses each state-changing virsh command
#    of issue 2 with libvirt's "read only access prevents ..." error, for
#    real virsh and our virsh, word for word what real libvirtd's read-only
#    socket answers;
#  - unix_sock_allowed_users / unix_sock_allowed_groups (SO_PEERCRED): a
#    list naming the caller lets it in, a list without it refuses it with
#    "access denied: uid N gid N is not in ..." on the first call;
#  - tcp with auth_tcp = "sasl" (anything but "none") is refused: --listen
#    does not start, an activated tcp connection is closed with a log line.
#
# Every daemon is private (temp dir, --listen -f CONF or
# systemd-socket-activate), stopped by PID on exit.
#
# Usage: LIBVIRTD=build/src/libvirtd OUR_VIRSH=build/client/virsh/virsh \
#        tests/integration/access.sh
# Exits 77 (skip) without real libvirt 9.0, python3-libvirt or ss.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

# meson points LD_LIBRARY_PATH at our libvirt.so (this test depends on our
# virsh); real virsh must load real libvirt.so, ours finds its own by rpath.
unset LD_LIBRARY_PATH
it_need_real_libvirt
it_need_socket_activate
/usr/bin/python3 -c 'import libvirt' 2>/dev/null || it_skip "python3-libvirt not installed"
it_need ss iproute2
for v in LIBVIRTD OUR_VIRSH; do
    [ -x "${!v:-}" ] || {
        it_log "$v='${!v:-}' is not an executable"
        exit 1
    }
done
it_setup

CLIENTS=(virsh "$OUR_VIRSH")
DEMO=$here/../client/demo.xml

TOTAL=0
GOOD=0
ok() {
    TOTAL=$((TOTAL + 1)) GOOD=$((GOOD + 1))
    printf 'ok   %s\n' "$1"
}
bad() {
    TOTAL=$((TOTAL + 1))
    printf 'FAIL %s\n' "$1"
    shift
    printf '     %s\n' "$@"
}
client_name() { if [ "$1" = virsh ]; then echo "real virsh"; else echo "our virsh"; fi; }

# vsh VIRSH URI COMMAND: one bounded virsh run, isolated from the user's
# configuration; stdout and stderr together.
vsh() {
    mkdir -p "$IT_DIR/home"
    HOME=$IT_DIR/home XDG_CONFIG_HOME=$IT_DIR/home/.config XDG_CACHE_HOME=$IT_DIR/home/.cache \
        LC_ALL=C timeout 30 "$1" -c "$2" "$3" </dev/null 2>&1
}

# ours_listen NAME CONF-LINE...: our libvirtd --listen with a private
# config (unix sockets in $IT_DIR/NAME/sock, no tls, no tcp unless told).
ours_listen() {
    local name=$1 d line
    shift
    d=$IT_DIR/$name
    mkdir -p "$d" || return 1
    {
        echo "unix_sock_dir = \"$d/sock\""
        echo 'listen_tls = 0'
        for line in "$@"; do
            echo "$line"
        done
    } >"$d/libvirtd.conf"
    "$LIBVIRTD" --listen -f "$d/libvirtd.conf" </dev/null >"$d/log" 2>&1 &
    LISTEN_PID=$!
    IT_PIDS+=("$LISTEN_PID")
    it_wait_socket "$d/sock/libvirt-sock-ro" "$LISTEN_PID" || {
        cat "$d/log" >&2
        return 1
    }
}

real_start real || exit 1
ours_listen ours || exit 1
REAL_RO=$(uri_for "$REAL_SOCK_RO")
OURS_RO=$(uri_for "$IT_DIR/ours/sock/libvirt-sock-ro")
OURS_RW=$(uri_for "$IT_DIR/ours/sock/libvirt-sock")

# ---- the read-only socket ----------------------------------------------
# Each state-changing command of issue 2, in a state where it would succeed
# on a read-write socket (test:///default has "test" running).
COMMANDS=(
    "define $DEMO"
    "undefine test"
    "create $DEMO"
    "start test"
    "suspend test"
    "resume test"
    "shutdown test"
    "reboot test"
    "destroy test"
    "autostart test"
    "setmem test 65536"
    "setmaxmem test 262144"
    "setvcpus test 1"
)
for cmd in "${COMMANDS[@]}"; do
    name=${cmd%% *}
    want=$(vsh virsh "$REAL_RO" "$cmd")
    # virsh start checks the state itself first, and "test" is running (a
    # read-only connection cannot stop it): the call itself is checked
    # below with python-libvirt.
    if [ "$name" = start ] && [ "$want" = "error: Domain is already active" ]; then
        for v in "${CLIENTS[@]}"; do
            got=$(vsh "$v" "$OURS_RO" "$cmd")
            if [ "$got" = "$want" ]; then
                ok "start on the read-only socket ($(client_name "$v")) answers as real: $got"
            else
                bad "start on the read-only socket ($(client_name "$v"))" "real: $want" "ours: $got"
            fi
        done
        continue
    fi
    if [[ "$want" != *"read only access prevents"* ]]; then
        bad "$name on real libvirtd's read-only socket" "expected a read-only refusal, got: $want"
        continue
    fi
    for v in "${CLIENTS[@]}"; do
        c=$(client_name "$v")
        got=$(vsh "$v" "$OURS_RO" "$cmd")
        if [ "$got" = "$want" ]; then
            ok "$name refused on the read-only socket ($c): $(grep -m1 'read only' <<<"$got")"
        else
            bad "$name refused on the read-only socket ($c)" "real libvirtd: $want" "ours: $got"
        fi
    done
done
# virDomainCreate itself (virsh start's call) on the read-only socket, made
# with python-libvirt (real libvirt.so) without the client's own read-only
# flag, so that the daemon is the one to refuse.
create_ro() {
    /usr/bin/python3 - "$1" <<'PY' 2>&1
import libvirt, sys
libvirt.registerErrorHandler(lambda *a: None, None)
c = libvirt.open(sys.argv[1])
try:
    c.lookupByName("test").create()
    print("accepted")
except libvirt.libvirtError as e:
    print(e.get_error_code(), e.get_error_message())
PY
}
want=$(create_ro "$REAL_RO")
got=$(create_ro "$OURS_RO")
if [[ "$want" == *"read only access prevents virDomainCreate"* ]] && [ "$got" = "$want" ]; then
    ok "virDomainCreate refused on the read-only socket (python-libvirt): $got"
else
    bad "virDomainCreate refused on the read-only socket (python-libvirt)" "real: $want" "ours: $got"
fi

# The same commands pass on the read-write socket (the refusal is the
# socket's doing, not the command's).
for v in "${CLIENTS[@]}"; do
    c=$(client_name "$v")
    got=$(vsh "$v" "$OURS_RW" "suspend test; resume test; setmem test 65536; destroy test; undefine test")
    if [[ "$got" == *"Domain 'test' destroyed"* ]] && [[ "$got" != *error* ]]; then
        ok "state changes pass on the read-write socket ($c)"
    else
        bad "state changes pass on the read-write socket ($c)" "$got"
    fi
    got=$(vsh "$v" "$OURS_RO" "list --all; dominfo test; dumpxml test")
    if [[ "$got" == *" test "* ]] && [[ "$got" == *"<domain"* ]] && [[ "$got" != *error* ]]; then
        ok "reads pass on the read-only socket ($c)"
    else
        bad "reads pass on the read-only socket ($c)" "$got"
    fi
done
it_stop "$LISTEN_PID"

# ---- peer restriction (SO_PEERCRED) ------------------------------------
ME=$(id -un)
MYUID=$(id -u)
MYGID=$(id -g)
MYGROUP=$(id -gn)
DENIED="access denied: uid $MYUID gid $MYGID is not in unix_sock_allowed_users or unix_sock_allowed_groups"

# peer_case NAME OK|DENIED CONF-LINE...
PEER_N=0
peer_case() {
    local name=$1 want=$2 v c got dir
    shift 2
    PEER_N=$((PEER_N + 1))
    dir=peer$PEER_N
    ours_listen "$dir" "$@" || {
        bad "$name: daemon starts" "$(cat "$IT_DIR/$dir/log")"
        return
    }
    for v in "${CLIENTS[@]}"; do
        c=$(client_name "$v")
        got=$(vsh "$v" "$(uri_for "$IT_DIR/$dir/sock/libvirt-sock")" 'domstate test')
        if [ "$want" = OK ] && [[ "$got" == running* ]]; then
            ok "$name: let in ($c)"
        elif [ "$want" = DENIED ] && [[ "$got" == *"$DENIED"* ]]; then
            ok "$name: refused ($c): $(grep -m1 'access denied' <<<"$got")"
        else
            bad "$name ($c)" "expected $want, got: $got"
        fi
    done
    if [ "$want" = DENIED ]; then
        sleep 0.2
        if grep -q "uid=$MYUID gid=$MYGID" "$IT_DIR/$dir/log" &&
            grep -q "not in unix_sock_allowed_users" "$IT_DIR/$dir/log"; then
            ok "$name: the refusal is logged with the peer's uid and gid"
        else
            bad "$name: the refusal is logged" "$(cat "$IT_DIR/$dir/log")"
        fi
    fi
    it_stop "$LISTEN_PID"
}

peer_case "allowed user by name" OK "unix_sock_allowed_users = [\"$ME\"]"
peer_case "allowed user by uid" OK "unix_sock_allowed_users = [\"$MYUID\"]"
peer_case "allowed group by name" OK "unix_sock_allowed_groups = [\"$MYGROUP\"]"
peer_case "allowed group by gid" OK "unix_sock_allowed_groups = [\"$MYGID\"]"
peer_case "user not in the list" DENIED 'unix_sock_allowed_users = ["nobody", "65533"]'
peer_case "group not in the list" DENIED 'unix_sock_allowed_groups = ["65533"]'
peer_case "neither list names the caller" DENIED 'unix_sock_allowed_users = ["nobody"]' \
    'unix_sock_allowed_groups = ["65533"]'

# ---- tcp without authentication only when configured -------------------
d=$IT_DIR/tcp-sasl
mkdir -p "$d"
# sasl_conf PORT: the configuration, with tcp on PORT and auth_tcp = "sasl".
sasl_conf() {
    printf 'unix_sock_dir = "%s/sock"\nlisten_tls = 0\nlisten_tcp = 1\nlisten_addr = "127.0.0.1"\ntcp_port = "%s"\nauth_tcp = "sasl"\n' \
        "$d" "$1" >"$d/libvirtd.conf"
}
sasl_conf "$(it_free_port)"
out=$(timeout 10 "$LIBVIRTD" --listen -f "$d/libvirtd.conf" </dev/null 2>&1)
rc=$?
if [ $rc -eq 4 ] && [[ "$out" == *'auth_tcp = "sasl" is not supported'* ]] && [ ! -e "$d/sock" ]; then
    ok "--listen with auth_tcp = \"sasl\" starts nothing: $out"
else
    bad "--listen with auth_tcp = \"sasl\" starts nothing" "status $rc: $out"
fi
# Activated on a tcp socket (libvirtd-tcp.socket) with the same config:
# the connection is closed, the log says why. sasl_activate PORT returns 2
# when PORT is in use.
sasl_activate() {
    local pid
    sasl_conf "$1"
    systemd-socket-activate --accept -l "127.0.0.1:$1" -E LIBVIRTD_CONFIG="$d/libvirtd.conf" \
        "$LIBVIRTD" --socket-kind=tcp </dev/null >"$d/log" 2>&1 &
    pid=$!
    IT_PIDS+=("$pid")
    it_wait_listen "$1" "$pid" "$d/log"
}
it_on_free_port PORT sasl_activate {} || exit 1
for v in "${CLIENTS[@]}"; do
    c=$(client_name "$v")
    got=$(vsh "$v" "test+tcp://127.0.0.1:$PORT/default" 'uri')
    if [[ "$got" == *error* ]] && [[ "$got" != *"test:///default"* ]]; then
        ok "activated tcp with auth_tcp = \"sasl\" refuses $c: $(grep -m1 error <<<"$got")"
    else
        bad "activated tcp with auth_tcp = \"sasl\" refuses $c" "$got"
    fi
done
sleep 0.2
if grep -q 'auth_tcp' "$d/log"; then
    ok "and logs why: $(grep -m1 'auth_tcp' "$d/log")"
else
    bad "activated tcp refusal is logged" "$(cat "$d/log")"
fi

printf '\naccess: %d/%d as expected\n' "$GOOD" "$TOTAL"
[ "$GOOD" -eq "$TOTAL" ]

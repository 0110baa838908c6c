# Helpers for the TLS tests; source after tests/integration/lib.sh.
#
#   tls_setup                    it_setup + a PKI in $PKI (make-pki.sh)
#   tls_port                     prints a free tcp port on 127.0.0.1
#   real_tls_start NAME PORT ROLE [CONF-LINE...]
#                                private real libvirtd 9.0 on 127.0.0.1:PORT
#                                with the server certificate of $PKI/ROLE
#   ours_tls_start NAME PORT ROLE [tls-server options...]
#                                tests/tls/tls-server behind
#                                systemd-socket-activate --accept
#   daemon_tls_start NAME PORT ROLE [CONF-LINE...]
#                                $LIBVIRTD --listen with listen_tls = 1 on
#                                127.0.0.1:PORT and $PKI/ROLE's credentials
#   daemon_tls_activate NAME PORT ROLE [CONF-LINE...]
#                                --socket-kind=tls behind
#                                systemd-socket-activate --accept, run as
#                                the libvirtd-tls socket unit runs it:
#                                libvirtd-full beside $LIBVIRTD when the
#                                build has it, else $LIBVIRTD;
#                                $TLS_ACTIVATE overrides the program
#   tls_uri PORT ROLE [EXTRA]    test+tls://127.0.0.1:PORT/default?pkipath=...

# The allowed DN list every server in these tests is given: client-ok and
# client-noaddr match, client-dn does not. libvirt prints DNs the way
# gnutls_x509_crt_get_dn does: legacy order, country first.
ALLOWED_DN='C=GB,O=Libvirt Test,CN=client*'

TLS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

tls_setup() {
    it_setup
    command -v certtool >/dev/null 2>&1 || it_skip "certtool (gnutls-bin) not installed"
    PKI=$IT_DIR/pki
    "$TLS_HERE/make-pki.sh" "$PKI" || {
        it_log "make-pki.sh failed"
        exit 1
    }
}

# A free port: bind port 0 and report what the kernel chose. Racy in
# theory, fine for a test that uses it at once.
tls_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits (about 10 s) for something to listen on 127.0.0.1:$1; fails if
# process $2 died first.
tls_wait_port() {
    local port=$1 pid=$2 i
    for ((i = 0; i < 100; i++)); do
        # Look, don't connect: a probe connection would start a server.
        if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            it_log "process $pid exited before port $port opened"
            return 1
        fi
        sleep 0.1
    done
    it_log "timed out waiting for port $port"
    return 1
}

real_tls_start() {
    local name=$1 port=$2 role=$3 d line
    shift 3
    d=$IT_DIR/$name
    mkdir -p "$d/sock" "$d/drv" "$d/run" "$d/cfg" "$d/cache" || return 1
    {
        echo "unix_sock_dir = \"$d/sock\""
        echo 'listen_tcp = 0'
        echo 'listen_tls = 1'
        echo "tls_port = \"$port\""
        echo 'listen_addr = "127.0.0.1"'
        echo 'auth_tls = "none"'
        echo 'auth_unix_ro = "none"'
        echo 'auth_unix_rw = "none"'
        echo "key_file = \"$PKI/$role/private/serverkey.pem\""
        echo "cert_file = \"$PKI/$role/servercert.pem\""
        echo "ca_file = \"$PKI/$role/cacert.pem\""
        echo "crl_file = \"$PKI/$role/cacrl.pem\""
        echo "tls_allowed_dn_list = [\"$ALLOWED_DN\"]"
        echo 'log_outputs = "3:stderr"'
        for line in "$@"; do
            echo "$line"
        done
    } >"$d/libvirtd.conf"
    LIBVIRT_DRIVER_DIR=$d/drv XDG_RUNTIME_DIR=$d/run XDG_CONFIG_HOME=$d/cfg \
        XDG_CACHE_HOME=$d/cache \
        /usr/sbin/libvirtd --listen -f "$d/libvirtd.conf" -p "$d/pid" \
        </dev/null >"$d/log" 2>&1 &
    REAL_PID=$!
    IT_PIDS+=("$REAL_PID")
    tls_wait_port "$port" "$REAL_PID" || {
        it_log "real libvirtd failed to start; its log:"
        cat "$d/log" >&2
        return 1
    }
}

ours_tls_start() {
    local name=$1 port=$2 role=$3 d
    shift 3
    d=$IT_DIR/$name
    mkdir -p "$d" || return 1
    [ -x "${TLS_SERVER:-}" ] || {
        it_log "TLS_SERVER='${TLS_SERVER:-}' is not an executable"
        return 1
    }
    systemd-socket-activate --accept -l "127.0.0.1:$port" \
        "$TLS_SERVER" --pki "$PKI/$role" --allowed-dn "$ALLOWED_DN" "$@" \
        </dev/null >"$d/log" 2>&1 &
    OURS_PID=$!
    IT_PIDS+=("$OURS_PID")
    tls_wait_port "$port" "$OURS_PID" || {
        cat "$d/log" >&2
        return 1
    }
}

# daemon_tls_conf DIR PORT ROLE [CONF-LINE...]: our libvirtd.conf for a TLS
# server with $PKI/ROLE's credentials, written to DIR/libvirtd.conf.
daemon_tls_conf() {
    local d=$1 port=$2 role=$3 line
    shift 3
    mkdir -p "$d/sock" || return 1
    {
        echo "unix_sock_dir = \"$d/sock\""
        echo 'listen_tls = 1'
        echo 'listen_addr = "127.0.0.1"'
        echo "tls_port = \"$port\""
        echo "key_file = \"$PKI/$role/private/serverkey.pem\""
        echo "cert_file = \"$PKI/$role/servercert.pem\""
        echo "ca_file = \"$PKI/$role/cacert.pem\""
        echo "crl_file = \"$PKI/$role/cacrl.pem\""
        echo "tls_allowed_dn_list = [\"$ALLOWED_DN\"]"
        for line in "$@"; do
            echo "$line"
        done
    } >"$d/libvirtd.conf"
}

daemon_tls_start() {
    local name=$1 port=$2 role=$3 d
    shift 3
    d=$IT_DIR/$name
    daemon_tls_conf "$d" "$port" "$role" "$@" || return 1
    "$LIBVIRTD" --listen -f "$d/libvirtd.conf" </dev/null >"$d/log" 2>&1 &
    DAEMON_PID=$!
    IT_PIDS+=("$DAEMON_PID")
    tls_wait_port "$port" "$DAEMON_PID" || {
        cat "$d/log" >&2
        return 1
    }
}

daemon_tls_activate() {
    local name=$1 port=$2 role=$3 d
    shift 3
    d=$IT_DIR/$name
    daemon_tls_conf "$d" "$port" "$role" "$@" || return 1
    systemd-socket-activate --accept -l "127.0.0.1:$port" -E LIBVIRTD_CONFIG="$d/libvirtd.conf" \
        "${TLS_ACTIVATE:-$(tls_libvirtd)}" --socket-kind=tls </dev/null >"$d/log" 2>&1 &
    DAEMON_PID=$!
    IT_PIDS+=("$DAEMON_PID")
    tls_wait_port "$port" "$DAEMON_PID" || {
        cat "$d/log" >&2
        return 1
    }
}

tls_uri() {
    printf 'test+tls://127.0.0.1:%s/default?pkipath=%s%s' "$1" "$PKI/$2" "${3:-}"
}

# Helpers for the TLS tests; source after tests/integration/lib.sh.
#
#   tls_setup                    it_setup + a PKI in $PKI (make-pki.sh)
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
#
# Each *_start and *_activate returns 2 when PORT is in use: start them
# with it_on_free_port VAR FUNCTION NAME {} ROLE ... (lib.sh).

# The allowed DN list every server in these tests is given: client-ok and
# client-noaddr match, client-dn does not. libvirt prints DNs the way
# gnutls_x509_crt_get_dn does: legacy order, country first.
ALLOWED_DN='C=GB,O=Libvirt Test,CN=client*'

TLS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

tls_setup() {
    it_need certtool gnutls-bin
    it_need ss iproute2
    it_setup
    PKI=$IT_DIR/pki
    "$TLS_HERE/make-pki.sh" "$PKI" || {
        it_log "make-pki.sh failed"
        exit 1
    }
}

real_tls_start() {
    local name=$1 port=$2 role=$3 d line
    shift 3
    d=$IT_DIR/$name
    # A start tried again (another port) must not see the last one's sockets.
    rm -rf "$d/sock"
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
    it_wait_listen "$port" "$REAL_PID" "$d/log"
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
    it_wait_listen "$port" "$OURS_PID" "$d/log"
}

# daemon_tls_conf DIR PORT ROLE [CONF-LINE...]: our libvirtd.conf for a TLS
# server with $PKI/ROLE's credentials, written to DIR/libvirtd.conf.
daemon_tls_conf() {
    local d=$1 port=$2 role=$3 line
    shift 3
    rm -rf "$d/sock"
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
    it_wait_listen "$port" "$DAEMON_PID" "$d/log"
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
    it_wait_listen "$port" "$DAEMON_PID" "$d/log"
}

tls_uri() {
    printf 'test+tls://127.0.0.1:%s/default?pkipath=%s%s' "$1" "$PKI/$2" "${3:-}"
}

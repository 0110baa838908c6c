# Shell helpers for the QEMU driver's tests, on top of the integration
# helpers (tests/integration/lib.sh). Source it from bash:
#
#   . "$(dirname "$0")/lib.sh"
#   q_setup                  # it_setup + the prerequisites (exit 77 without them)
#   q_payload                # the guest payload in $PAYLOAD (tests/qemu/payload.sh)
#   q_real_start             # real libvirtd's QEMU driver: $REAL_URI
#   q_ours_start             # ours, socket-activated, state under $OURS_ROOT: $OURS_URI
#
# Everything stops on exit, VMs included: ours are found by their status
# files (their supervisors outlive every connection, as they must), real's
# by its own stop.
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

Q_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REAL_URI= OURS_URI= OURS_ROOT= PAYLOAD=
Q_REAL_DIR=

q_setup() {
    it_setup
    trap 'q_cleanup; it_cleanup' EXIT
    it_need_real_libvirt
    it_need_socket_activate
    it_need qemu-system-x86_64 qemu-system-x86
    [ -x "$LIBVIRTD" ] || it_skip "LIBVIRTD ($LIBVIRTD) is not built"
    # QEMU and the real daemon read the payload and write serial files here.
    chmod 755 "$IT_DIR"
}

# The supervisors of our VMs, from their status files.
q_supervisors() {
    [ -n "$OURS_ROOT" ] || return 0
    grep -ho "supervisor='[0-9]*'" "$OURS_ROOT"/run/libvirt/qemu/*.xml 2>/dev/null |
        grep -o '[0-9]*'
}

q_cleanup() {
    local pid i
    [ "$BASHPID" = "$$" ] || return 0
    # A supervisor told to stop destroys its VM and exits; one that does not
    # is killed (its QEMU dies with it).
    for pid in $(q_supervisors); do
        kill "$pid" 2>/dev/null
    done
    for ((i = 0; i < 100; i++)); do
        [ -z "$(for p in $(q_supervisors); do kill -0 "$p" 2>/dev/null && echo "$p"; done)" ] &&
            break
        sleep 0.1
    done
    for pid in $(q_supervisors); do
        kill -9 "$pid" 2>/dev/null
    done
    if [ -n "$Q_REAL_DIR" ]; then
        "$Q_DIR/real-qemu.sh" stop "$Q_REAL_DIR" >/dev/null 2>&1
        Q_REAL_DIR=
    fi
}

# q_qemu_pid NAME DIR: the pid of guest NAME's QEMU (either driver), from
# /proc; only one whose command line names a file under DIR, the test's
# own (other tests on the machine may run a domain of the same name).
q_qemu_pid() {
    local p
    for p in /proc/[0-9]*; do
        tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep "guest=$1,debug-threads" | grep -qF "$2/" &&
            [ "$(awk '{print $3}' "$p/stat" 2>/dev/null)" != Z ] && { echo "${p#/proc/}"; return; }
    done
}

q_payload() {
    PAYLOAD=$IT_DIR/payload
    "$Q_DIR/payload.sh" "$PAYLOAD" >"$IT_DIR/payload.log" 2>&1 || {
        cat "$IT_DIR/payload.log" >&2
        echo "FAIL: cannot build the guest payload" >&2
        exit 1
    }
}

q_real_start() {
    Q_REAL_DIR=$IT_DIR/real
    REAL_URI=$(REAL_LIBVIRTD_CAPS_CACHE=${REAL_LIBVIRTD_CAPS_CACHE:-/var/tmp/qemu-real-caps-cache} \
        "$Q_DIR/real-qemu.sh" start "$Q_REAL_DIR") || {
        echo "FAIL: real libvirtd's QEMU driver did not start" >&2
        exit 1
    }
}

q_ours_start() {
    OURS_ROOT=$IT_DIR/ours
    mkdir -p "$OURS_ROOT/sock"
    # Warnings of every connection process in OURS_ROOT/libvirtd.log.
    printf 'unix_sock_dir = "%s"\nqemu_root = "%s"\nlog_outputs = "3:file:%s"\n' \
        "$OURS_ROOT/sock" "$OURS_ROOT" "$OURS_ROOT/libvirtd.log" >"$OURS_ROOT/libvirtd.conf"
    systemd-socket-activate --accept \
        -l "$OURS_ROOT/sock/libvirt-sock" "$LIBVIRTD" -f "$OURS_ROOT/libvirtd.conf" \
        2>>"$OURS_ROOT/daemon.log" &
    IT_PIDS+=($!)
    it_wait_socket "$OURS_ROOT/sock/libvirt-sock" || {
        echo "FAIL: our libvirtd's socket did not appear" >&2
        exit 1
    }
    OURS_URI="qemu+unix:///system?socket=$OURS_ROOT/sock/libvirt-sock"
}

# q_pki: a throwaway PKI in $Q_PKI (CA, server for localhost/127.0.0.1,
# client), the file names libvirt's pkipath= and our libvirtd.conf use.
Q_PKI=
q_pki() {
    local who
    it_need certtool gnutls-bin
    Q_PKI=$IT_DIR/pki
    mkdir -p "$Q_PKI" || exit 1
    certtool --generate-privkey --outfile "$Q_PKI/cakey.pem" 2>/dev/null &&
        printf 'cn = Test CA\nca\ncert_signing_key\nexpiration_days = 2\n' >"$Q_PKI/ca.info" &&
        certtool --generate-self-signed --load-privkey "$Q_PKI/cakey.pem" \
            --template "$Q_PKI/ca.info" --outfile "$Q_PKI/cacert.pem" >/dev/null 2>&1 || exit 1
    for who in server client; do
        certtool --generate-privkey --outfile "$Q_PKI/${who}key.pem" 2>/dev/null || exit 1
        if [ $who = server ]; then
            printf 'cn = localhost\ndns_name = localhost\nip_address = 127.0.0.1\ntls_www_server\n'
        else
            printf 'cn = client\ntls_www_client\n'
        fi >"$Q_PKI/$who.info"
        printf 'organization = Test\nencryption_key\nsigning_key\nexpiration_days = 2\n' \
            >>"$Q_PKI/$who.info"
        certtool --generate-certificate --load-privkey "$Q_PKI/${who}key.pem" \
            --load-ca-certificate "$Q_PKI/cacert.pem" --load-ca-privkey "$Q_PKI/cakey.pem" \
            --template "$Q_PKI/$who.info" --outfile "$Q_PKI/${who}cert.pem" >/dev/null 2>&1 ||
            exit 1
    done
}

# q_ours_tls_start PORT: ours over TLS too (after q_ours_start and q_pki),
# one process per connection as libvirtd-tls@.service runs it, the same
# qemu_root: $OURS_TLS_URI.
q_ours_tls_start() {
    local port=$1 full
    full=$(dirname "$LIBVIRTD")/libvirtd-full
    [ -x "$full" ] || full=$LIBVIRTD
    {
        printf 'unix_sock_dir = "%s"\nqemu_root = "%s"\nlog_outputs = "3:file:%s"\n' \
            "$OURS_ROOT/sock-tls" "$OURS_ROOT" "$OURS_ROOT/libvirtd.log"
        printf 'listen_tls = 1\nlisten_tcp = 0\ntls_port = "%s"\nlisten_addr = "127.0.0.1"\n' "$port"
        printf 'key_file = "%s"\ncert_file = "%s"\nca_file = "%s"\n' \
            "$Q_PKI/serverkey.pem" "$Q_PKI/servercert.pem" "$Q_PKI/cacert.pem"
    } >"$OURS_ROOT/libvirtd-tls.conf"
    mkdir -p "$OURS_ROOT/sock-tls"
    systemd-socket-activate --accept -l "127.0.0.1:$port" \
        "$full" --socket-kind=tls -f "$OURS_ROOT/libvirtd-tls.conf" \
        2>>"$OURS_ROOT/daemon.log" &
    IT_PIDS+=($!)
    it_wait_listen "$port" "$!" "$OURS_ROOT/daemon.log" || {
        echo "FAIL: our TLS listener did not come up" >&2
        exit 1
    }
    OURS_TLS_URI="qemu+tls://localhost:$port/system?pkipath=$Q_PKI"
}

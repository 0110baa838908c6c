#!/bin/bash
# The TLS matrix of issue 4: every certificate case, on the end that checks
# it, with each pairing of real libvirt 9.0 and ours:
#   real virsh -> real libvirtd   (the oracle: what users see today)
#   real virsh -> ours            (tests/tls/tls-server: rpc/tls + session_run)
#   our client -> real libvirtd   (tests/tls/tls-client: rpc/tls's client end)
#   our client -> ours
# where "our client" is both tests/tls/tls-client (rpc/tls's client end,
# able to show a server a certificate our library would refuse to send) and
# our virsh (libvirt.so's tls transport), and "ours" is tests/tls/tls-server
# plus the real daemon binary: libvirtd --listen with listen_tls = 1
# ("daemon"), and libvirtd --socket-kind=tls behind systemd-socket-activate
# --accept ("daemon-act", as libvirtd-tls.socket runs it: libvirtd-full in
# the static build; "daemon-act-addr" runs libvirtd, which execs it).
# Each refusal is asserted on both ends: the client's message, and the
# reason in the server's log. Needs $TLS_SERVER, $TLS_CLIENT, $LIBVIRTD and
# $OUR_VIRSH (meson sets them); exits 77 when real libvirt 9.0 or certtool
# is missing.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../integration/lib.sh"
. "$here/tls-lib.sh"

# meson points LD_LIBRARY_PATH at our libvirt.so (the matrix depends on
# our virsh); real virsh must load real libvirt.so, ours finds its own by
# rpath.
unset LD_LIBRARY_PATH
it_need_real_libvirt
it_need_socket_activate
for v in TLS_SERVER TLS_CLIENT LIBVIRTD OUR_VIRSH; do
    [ -x "${!v:-}" ] || {
        it_log "$v='${!v:-}' is not an executable"
        exit 1
    }
done
tls_setup
export PKI TLS_CLIENT OUR_VIRSH

FAILS=0
PASSES=0

pass() {
    PASSES=$((PASSES + 1))
    printf 'PASS %s\n' "$1"
}

fail() {
    FAILS=$((FAILS + 1))
    printf 'FAIL %s\n' "$1"
    shift
    printf '     %s\n' "$@"
}

# expect NAME OK|REFUSED PATTERN CMD...: runs CMD (bounded), checks that it
# succeeded or failed as told and that its output contains PATTERN.
expect() {
    local name=$1 want=$2 pattern=$3 out rc
    shift 3
    if [ "$(type -t "$1")" = function ]; then
        # timeout(1) runs programs: give it a shell that knows the function.
        out=$(timeout 30 bash -c "$(declare -f "$1")"'; "$@"' _ "$@" 2>&1)
    else
        out=$(timeout 30 "$@" 2>&1)
    fi
    rc=$?
    if [ "$want" = OK ] && [ $rc -ne 0 ]; then
        fail "$name" "expected success, got status $rc:" "$out"
    elif [ "$want" = REFUSED ] && [ $rc -eq 0 ]; then
        fail "$name" "expected a refusal, it connected:" "$out"
    elif [ $rc -eq 124 ]; then
        fail "$name" "timed out"
    elif ! grep -qF -- "$pattern" <<<"$out"; then
        fail "$name" "expected output containing: $pattern" "got: $out"
    else
        pass "$name"
        printf '     -> %s\n' "$(grep -F -- "$pattern" <<<"$out" | head -1)"
    fi
}

# log_mark FILE / log_expect NAME FILE PATTERN: the server's log since the
# mark must contain PATTERN (waits up to 2 s for the line to be written).
log_mark() { LOG_MARK=$(stat -c %s "$1" 2>/dev/null || echo 0); }

log_expect() {
    local name=$1 file=$2 pattern=$3 i
    for ((i = 0; i < 20; i++)); do
        if tail -c +"$((LOG_MARK + 1))" "$file" | grep -qF -- "$pattern"; then
            pass "$name (server log)"
            printf '     -> %s\n' "$(tail -c +"$((LOG_MARK + 1))" "$file" | grep -F -- "$pattern" | head -1 | cut -c1-300)"
            return
        fi
        sleep 0.1
    done
    fail "$name (server log)" "expected a line containing: $pattern" \
        "got: $(tail -c +"$((LOG_MARK + 1))" "$file")"
}

virsh_to() { virsh -c "test+tls://127.0.0.1:$1/default?pkipath=$PKI/$2${3:-}" version; }
virsh_to_host() { virsh -c "test+tls://$1:$2/default?pkipath=$PKI/$3${4:-}" version; }
ourvirsh_to() { "$OUR_VIRSH" -c "test+tls://127.0.0.1:$1/default?pkipath=$PKI/$2${3:-}" version; }
ours_to() { "$TLS_CLIENT" --pki "$PKI/$2" --host 127.0.0.1 --port "$1" "${@:3}"; }

REFUSED_REAL_CLIENT='Unable to read TLS confirmation: Input/output error'
REFUSED_OUR_CLIENT='server verification (of our certificate or IP address) failed'

# ---- the server checks the client -------------------------------------
it_on_free_port REAL_PORT real_tls_start real {} server-ok || exit 1
REAL_LOG=$IT_DIR/real/log
it_on_free_port OURS_PORT ours_tls_start ours {} server-ok || exit 1
OURS_LOG=$IT_DIR/ours/log
it_on_free_port DAEMON_PORT daemon_tls_start daemon {} server-ok || exit 1
it_on_free_port ACT_PORT daemon_tls_activate daemon-act {} server-ok || exit 1

for server in real ours daemon daemon-act; do
    case $server in
    real) port=$REAL_PORT log=$REAL_LOG ;;
    ours) port=$OURS_PORT log=$OURS_LOG ;;
    daemon) port=$DAEMON_PORT log=$IT_DIR/daemon/log ;;
    daemon-act) port=$ACT_PORT log=$IT_DIR/daemon-act/log ;;
    esac

    expect "valid: real virsh -> $server" OK "Running hypervisor: TEST" virsh_to $port client-ok
    expect "valid: our client -> $server" OK "version" ours_to $port client-ok
    expect "valid: our virsh -> $server" OK "Running hypervisor: TEST" ourvirsh_to $port client-ok
    expect "valid, host by name: real virsh -> $server" OK "Running hypervisor" \
        virsh_to_host localhost $port client-ok
    expect "valid, host by name: our client -> $server" OK "version" \
        "$TLS_CLIENT" --pki "$PKI/client-ok" --host localhost --port $port

    # A client checks its own certificate before it connects (next
    # section), and real virsh does so even with no_verify=1; our test
    # client has --no-sanity to skip that, so that the server gets to see
    # (and refuse) these. A gnutls client offers only a certificate issued
    # by a CA the server names in its request, so a certificate from
    # another CA arrives as no certificate at all.
    for case in "wrongca|" "expired|Certificate failed validation" \
        "future|Certificate failed validation" "revoked|has been revoked" \
        "dn|not on the list of allowed clients" "nocert|"; do
        role=client-${case%%|*}
        reason=${case#*|}
        case $server/$role in
        real/client-wrongca | real/client-nocert) reason='No certificate was found' ;;
        real/*) ;;
        */client-wrongca | */client-nocert) reason='the client sent no certificate' ;;
        */client-expired) reason='The certificate has expired.' ;;
        */client-future) reason='The certificate is not yet active.' ;;
        esac
        case $role in
        client-wrongca | client-expired | client-future) ;;
        *)
            log_mark "$log"
            expect "$role refused: real virsh -> $server" REFUSED "$REFUSED_REAL_CLIENT" \
                virsh_to $port $role
            log_expect "$role refused: real virsh -> $server" "$log" "$reason"
            log_mark "$log"
            expect "$role refused: our virsh -> $server" REFUSED "$REFUSED_OUR_CLIENT" \
                ourvirsh_to $port $role
            log_expect "$role refused: our virsh -> $server" "$log" "$reason"
            ;;
        esac
        log_mark "$log"
        expect "$role refused: our client -> $server" REFUSED "$REFUSED_OUR_CLIENT" \
            ours_to $port $role --no-sanity
        log_expect "$role refused: our client -> $server" "$log" "$reason"
    done
done

# A client refuses to use its own bad certificate before connecting.
# no_verify=1 does not change that, in libvirt 9.0 as in ours.
for case in "wrongca|failed validation against" "expired|has expired" "future|is not yet active"; do
    role=client-${case%%|*}
    expect "own $role refused locally: real virsh" REFUSED "${case#*|}" virsh_to $REAL_PORT $role
    expect "own $role refused locally: our client" REFUSED "${case#*|}" ours_to $REAL_PORT $role
    expect "own $role refused locally, no_verify=1: real virsh" REFUSED "${case#*|}" \
        virsh_to $REAL_PORT $role '&no_verify=1'
    expect "own $role refused locally, no_verify=1: our client" REFUSED "${case#*|}" \
        ours_to $REAL_PORT $role --no-verify
    expect "own $role refused locally: our virsh" REFUSED "${case#*|}" ourvirsh_to $REAL_PORT $role
    expect "own $role refused locally, no_verify=1: our virsh" REFUSED "${case#*|}" \
        ourvirsh_to $REAL_PORT $role '&no_verify=1'
done

# A key that is not the certificate's is refused when it is loaded, with
# gnutls's words (ours compares the public key hashes instead of signing).
KEY_MISMATCH='The certificate and the given key do not match'
expect "key not the certificate's refused locally: real virsh" REFUSED "$KEY_MISMATCH" \
    virsh_to $REAL_PORT client-wrongkey
expect "key not the certificate's refused locally: our virsh" REFUSED "$KEY_MISMATCH" \
    ourvirsh_to $REAL_PORT client-wrongkey
expect "key not the certificate's refused locally: our client" REFUSED "$KEY_MISMATCH" \
    ours_to $REAL_PORT client-wrongkey

# tls_priority= on the client, against real libvirtd ("+" written %2B:
# ours decodes a "+" in a URI value as a space, the seed's rule).
expect "tls_priority TLS 1.2 only: real virsh -> real" OK "Running hypervisor" \
    virsh_to $REAL_PORT client-ok '&tls_priority=NORMAL:-VERS-ALL:%2BVERS-TLS1.2'
expect "tls_priority TLS 1.2 only: our virsh -> real" OK "Running hypervisor" \
    ourvirsh_to $REAL_PORT client-ok '&tls_priority=NORMAL:-VERS-ALL:%2BVERS-TLS1.2'
expect "bad tls_priority refused: our virsh" REFUSED "Failed to set TLS session priority to BOGUS" \
    ourvirsh_to $REAL_PORT client-ok '&tls_priority=BOGUS'

# The address check as the daemon's tls_check_client_address, on both ways
# of starting it.
it_on_free_port P daemon_tls_start daemon-addr {} server-ok 'tls_check_client_address = 1' || exit 1
# daemon-act-addr runs libvirtd itself, as a unit written for libvirtd
# would: the static build execs libvirtd-full for the connection.
TLS_ACTIVATE=$LIBVIRTD it_on_free_port Q daemon_tls_activate daemon-act-addr {} server-ok \
    'tls_check_client_address = 1' || exit 1
for server in daemon-addr daemon-act-addr; do
    if [ $server = daemon-addr ]; then port=$P; else port=$Q; fi
    expect "tls_check_client_address, SAN IP matches: real virsh -> $server" OK \
        "Running hypervisor" virsh_to $port client-ok
    expect "tls_check_client_address, SAN IP matches: our virsh -> $server" OK \
        "Running hypervisor" ourvirsh_to $port client-ok
    log_mark "$IT_DIR/$server/log"
    expect "tls_check_client_address, no address in cert: real virsh -> $server" REFUSED \
        "$REFUSED_REAL_CLIENT" virsh_to $port client-noaddr
    log_expect "tls_check_client_address, no address in cert: real virsh -> $server" \
        "$IT_DIR/$server/log" 'does not name the address 127.0.0.1'
    expect "tls_check_client_address, no address in cert: our virsh -> $server" REFUSED \
        "$REFUSED_OUR_CLIENT" ourvirsh_to $port client-noaddr
done

# Our server options with no libvirt counterpart to compare: the seed's
# address check, and tls_no_verify_certificate.
it_on_free_port P ours_tls_start ours-addr {} server-ok --check-address || exit 1
expect "address check, SAN IP matches: real virsh -> ours" OK "Running hypervisor" virsh_to $P client-ok
expect "address check, SAN IP matches: our client -> ours" OK "version" ours_to $P client-ok
log_mark "$IT_DIR/ours-addr/log"
expect "address check, no address in cert: real virsh -> ours" REFUSED "$REFUSED_REAL_CLIENT" \
    virsh_to $P client-noaddr
log_expect "address check, no address in cert: real virsh -> ours" "$IT_DIR/ours-addr/log" \
    'does not name the address 127.0.0.1'
expect "address check, no address in cert: our client -> ours" REFUSED "$REFUSED_OUR_CLIENT" \
    ours_to $P client-noaddr

it_on_free_port P real_tls_start real-noverify {} server-ok 'tls_no_verify_certificate = 1' || exit 1
expect "tls_no_verify_certificate, DN not allowed: real virsh -> real" OK "Running hypervisor" \
    virsh_to $P client-dn
it_on_free_port P ours_tls_start ours-noverify {} server-ok --no-verify || exit 1
log_mark "$IT_DIR/ours-noverify/log"
expect "tls_no_verify_certificate, DN not allowed: real virsh -> ours" OK "Running hypervisor" \
    virsh_to $P client-dn
log_expect "tls_no_verify_certificate, DN not allowed: real virsh -> ours" \
    "$IT_DIR/ours-noverify/log" 'warning: Certificate check failed'

# ---- the client checks the server -------------------------------------
# Servers with a bad certificate of their own only start when told not to
# check it (tls_no_sanity_certificate); that refusal is checked last.
for case in "wrongca|hasn't got a known issuer" "expired|has expired" \
    "future|is not yet active" "revoked|has been revoked" \
    "mismatch|owner does not match the hostname 127.0.0.1"; do
    role=server-${case%%|*}
    reason=${case#*|}
    it_on_free_port P real_tls_start "real-$role" {} $role 'tls_no_sanity_certificate = 1' || exit 1
    it_on_free_port Q ours_tls_start "ours-$role" {} $role --no-sanity || exit 1
    for server in real ours; do
        if [ $server = real ]; then port=$P; else port=$Q; fi
        expect "$role refused: real virsh -> $server" REFUSED \
            "authentication failed: Failed to verify peer's certificate" virsh_to $port client-ok
        expect "$role refused: our client -> $server" REFUSED "$reason" ours_to $port client-ok
        expect "$role, no_verify=1 warns and connects: real virsh -> $server" OK \
            "Certificate check failed" virsh_to $port client-ok '&no_verify=1'
        expect "$role, no_verify=1 warns and connects: our client -> $server" OK \
            "warning: Certificate check failed" ours_to $port client-ok --no-verify
        expect "$role refused: our virsh -> $server" REFUSED "$reason" ourvirsh_to $port client-ok
        expect "$role, no_verify=1 warns and connects: our virsh -> $server" OK \
            "libvirt: warning : Certificate check failed" ourvirsh_to $port client-ok '&no_verify=1'
    done
done

# A server refuses to start with its own expired certificate.
if it_on_free_port P real_tls_start real-sanity {} server-expired 2>/dev/null; then
    fail "own expired server certificate: real libvirtd" "it started"
elif grep -qF 'has expired' "$IT_DIR/real-sanity/log"; then
    pass "own expired server certificate: real libvirtd"
    printf '     -> %s\n' "$(grep -F 'has expired' "$IT_DIR/real-sanity/log")"
else
    fail "own expired server certificate: real libvirtd" "$(cat "$IT_DIR/real-sanity/log")"
fi
expect "own expired server certificate: ours" REFUSED "The server certificate" \
    "$TLS_SERVER" --pki "$PKI/server-expired" --port "$(it_free_port)"
if it_on_free_port P real_tls_start real-wrongkey {} server-wrongkey 2>/dev/null; then
    fail "server key not its certificate's: real libvirtd" "it started"
elif grep -qF "$KEY_MISMATCH" "$IT_DIR/real-wrongkey/log"; then
    pass "server key not its certificate's: real libvirtd"
    printf '     -> %s\n' "$(grep -F "$KEY_MISMATCH" "$IT_DIR/real-wrongkey/log")"
else
    fail "server key not its certificate's: real libvirtd" "$(cat "$IT_DIR/real-wrongkey/log")"
fi
d=$IT_DIR/daemon-wrongkey
daemon_tls_conf "$d" "$(it_free_port)" server-wrongkey
expect "server key not its certificate's: libvirtd --listen starts nothing" REFUSED \
    "$KEY_MISMATCH" "$LIBVIRTD" --listen -f "$d/libvirtd.conf"
d=$IT_DIR/daemon-sanity
daemon_tls_conf "$d" "$(it_free_port)" server-expired
expect "own expired server certificate: libvirtd --listen starts nothing" REFUSED \
    "The server certificate $PKI/server-expired/servercert.pem has expired" \
    "$LIBVIRTD" --listen -f "$d/libvirtd.conf"
check_nothing_started() { [ ! -e "$1/sock/libvirt-sock" ]; }
if check_nothing_started "$d"; then pass "own expired server certificate: no socket left"; else
    fail "own expired server certificate: no socket left" "$d/sock/libvirt-sock exists"; fi

printf '\n%d passed, %d failed\n' "$PASSES" "$FAILS"
[ "$FAILS" -eq 0 ]

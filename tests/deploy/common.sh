# Helpers shared by the deployment tests, on top of tests/integration/lib.sh
# (it_setup, it_skip, it_wait_socket, it_stop, IT_PIDS, IT_DIR).
#
# Environment: LIBVIRTD (the daemon under test); the tests find the other
# built programs and files beside it or through BUILD_ROOT / SOURCE_ROOT.

deploy_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$deploy_here/../integration/lib.sh"

# meson points LD_LIBRARY_PATH at our libvirt.so when a test depends on
# our virsh; real virsh must keep the real one (ours finds its own by rpath).
unset LD_LIBRARY_PATH

SOURCE_ROOT=${SOURCE_ROOT:-$(cd "$deploy_here/../.." && pwd)}

deploy_need_libvirtd() {
    [ -x "${LIBVIRTD:-}" ] || {
        echo "LIBVIRTD='${LIBVIRTD:-}' is not an executable" >&2
        exit 1
    }
    LIBVIRTD=$(cd "$(dirname "$LIBVIRTD")" && pwd)/$(basename "$LIBVIRTD")
    BUILD_ROOT=${BUILD_ROOT:-$(cd "$(dirname "$LIBVIRTD")/.." && pwd)}
}

# deploy_need_virsh: real virsh (a skip without it) and ours (OUR_VIRSH,
# meson sets it; by hand it defaults to the build's): the clients every
# way of starting is checked with, in CLIENTS.
deploy_need_virsh() {
    command -v virsh >/dev/null 2>&1 || it_skip "virsh not installed"
    OUR_VIRSH=${OUR_VIRSH:-$BUILD_ROOT/client/virsh/virsh}
    [ -x "$OUR_VIRSH" ] || {
        echo "OUR_VIRSH='$OUR_VIRSH' is not an executable" >&2
        exit 1
    }
    CLIENTS=(virsh "$OUR_VIRSH")
}
VIRSH=virsh

# vsh URI COMMANDS...: $VIRSH, bounded (VSH_TIMEOUT seconds, 30 unless
# set), isolated from the user's config.
vsh() {
    local uri=$1
    shift
    mkdir -p "$IT_DIR/home"
    HOME=$IT_DIR/home XDG_CONFIG_HOME=$IT_DIR/home/.config XDG_CACHE_HOME=$IT_DIR/home/.cache \
        LC_ALL=C timeout "${VSH_TIMEOUT:-30}" "$VIRSH" -c "$uri" "$@" </dev/null
}

# vsh_ro URI COMMANDS...: the same, read-only (virsh -r).
vsh_ro() {
    local uri=$1
    shift
    mkdir -p "$IT_DIR/home"
    HOME=$IT_DIR/home XDG_CONFIG_HOME=$IT_DIR/home/.config XDG_CACHE_HOME=$IT_DIR/home/.cache \
        LC_ALL=C timeout "${VSH_TIMEOUT:-30}" "$VIRSH" -r -c "$uri" "$@" </dev/null
}

# client_name: "real virsh" or "our virsh", for check names.
client_name() {
    if [ "$VIRSH" = virsh ]; then echo "real virsh"; else echo "our virsh"; fi
}

# deploy_pki: a throwaway PKI in $PKI (tests/tls/make-pki.sh), or exit 1.
# A test that calls it needs certtool first (it_need certtool gnutls-bin).
deploy_pki() {
    PKI=$IT_DIR/pki
    "$SOURCE_ROOT/tests/tls/make-pki.sh" "$PKI" >"$IT_DIR/make-pki.log" 2>&1 || {
        echo "make-pki.sh could not make the PKI:" >&2
        cat "$IT_DIR/make-pki.log" >&2
        exit 1
    }
}

# tls_conf_lines: libvirtd.conf lines for the server-ok credentials of $PKI.
tls_conf_lines() {
    cat <<TLSCONF
ca_file = "$PKI/server-ok/cacert.pem"
crl_file = "$PKI/server-ok/cacrl.pem"
cert_file = "$PKI/server-ok/servercert.pem"
key_file = "$PKI/server-ok/private/serverkey.pem"
TLSCONF
}

# tls_uri PORT [ROLE]: a test+tls URI to 127.0.0.1:PORT with $PKI/ROLE
# (client-ok when not given) as pkipath.
tls_uri() {
    printf 'test+tls://127.0.0.1:%s/default?pkipath=%s' "$1" "$PKI/${2:-client-ok}"
}

# conn ARGS...: tests/deploy/conn.py (one raw connection: open a URI that
# may hold any byte, and with --limits print the serving process's limits).
conn() { timeout 30 python3 "$deploy_here/conn.py" "$@"; }

# A URI whose newline would forge a log line, if it were logged verbatim:
# in the query (test:///default opens, and the open is logged) and in the
# path (the open fails); and one with a backslash and an n, which must not
# read as an escaped newline in the log.
FORGED='libvirtd[1]: error: forged'
FORGE_URIS=("test:///default?forge=1"$'\n'"$FORGED" "test:///default"$'\n'"$FORGED"
    'test:///default?forge=2\n'"$FORGED")

# forge_open KIND TARGET: opens each of FORGE_URIS on its own connection.
forge_open() {
    local u
    for u in "${FORGE_URIS[@]}"; do conn --uri "$u" "$@" >/dev/null; done
}

# no_line_starts_with TEXT FILE
no_line_starts_with() {
    ! awk -v t="$1" 'index($0, t) == 1 { print "    " FILENAME ":" FNR ": " $0; found = 1 }
        END { exit !found }' "$2"
}

# forge_checks WHERE LOG: the open was logged as one escaped line, and no
# line of LOG begins with the forged text.
forge_checks() {
    local where=$1 log=$2 i
    for ((i = 0; i < 20; i++)); do
        grep -qF 'opened test:///default?forge=1\nlibvirtd[1]' "$log" && break
        sleep 0.1
    done
    check "$where: a newline in the open URI is logged escaped, on one line" \
        grep -qF "opened test:///default?forge=1\\n$FORGED" "$log"
    check "$where: no log line starts with the text after the newline" \
        no_line_starts_with "$FORGED" "$log"
    check "$where: a backslash in the URI is logged doubled" \
        grep -qF "opened test:///default?forge=2\\\\n$FORGED" "$log"
}

# want_limit RESOURCE VALUE: "SOFT HARD" as /proc/PID/limits shows them for
# a connection process given VALUE (0: none, so this shell's own limits):
# the soft limit is VALUE, the hard one this shell's (libvirtd leaves it for
# the VM supervisors it starts). Under AddressSanitizer libvirtd sets no
# address-space limit.
want_limit() {
    local res=$1 v=$2
    if [ "$v" = 0 ] || { [ "$res" = as ] && [[ "${SANITIZE:-none}" == *address* ]]; }; then
        prlimit --pid $$ "--$res" --noheadings --output SOFT,HARD | awk '{print $1, $2}'
    else
        echo "$v $(prlimit --pid $$ "--$res" --noheadings --output HARD | awk '{print $1}')"
    fi
}

# expect_limits NAME MIB TASKS CONN_ARGS...: the process serving the
# connection that `conn --limits CONN_ARGS...` opens has an address-space
# limit of MIB MiB and a process limit of TASKS (0: none).
expect_limits() {
    local name=$1 as np out
    as=$(want_limit as $(($2 * 1024 * 1024)))
    np=$(want_limit nproc "$3")
    shift 3
    out=$(conn --limits "$@" 2>&1)
    T_TOTAL=$((T_TOTAL + 1))
    if [[ "$out" == *$'\n'"as $as"$'\n'* ]] && [[ "$out" == *$'\n'"nproc $np"* ]]; then
        T_GOOD=$((T_GOOD + 1))
        echo "ok   $name"
    else
        echo "FAIL $name: expected 'as $as' and 'nproc $np', got:"
        printf '%s\n' "$out" | sed 's/^/    /'
    fi
}

T_TOTAL=0
T_GOOD=0

# check NAME COMMAND...: runs COMMAND, counts it, prints ok/FAIL.
check() {
    local name=$1
    shift
    T_TOTAL=$((T_TOTAL + 1))
    if "$@"; then
        T_GOOD=$((T_GOOD + 1))
        echo "ok   $name"
    else
        echo "FAIL $name"
    fi
}

# expect_output NAME WANT COMMAND...: COMMAND's stdout+stderr must contain WANT.
expect_output() {
    local name=$1 want=$2 out
    shift 2
    T_TOTAL=$((T_TOTAL + 1))
    out=$("$@" 2>&1)
    if [[ "$out" == *"$want"* ]]; then
        T_GOOD=$((T_GOOD + 1))
        echo "ok   $name"
    else
        echo "FAIL $name: expected output containing '$want', got:"
        printf '%s\n' "$out" | sed 's/^/    /'
    fi
}

# Prints the tally and exits 0 only when every check passed.
finish() {
    echo "$(basename "$0" .sh): $T_GOOD/$T_TOTAL as expected"
    [ "$T_GOOD" -eq "$T_TOTAL" ]
    exit $?
}

#!/bin/bash
# Our client side against both daemons, over one group of transports:
#   local  unix (real and ours), tcp (real daemon), ext (ours, and the real
#          daemon's socket through nc), and the local auto-spawn;
#   ssh    a private sshd on loopback, both proxy modes;
#   tls    a private real libvirtd with a PKI made here (certtool).
# On each URI:
#   - our virsh prints byte for byte what real virsh 9.0 prints (stdout,
#     stderr, exit status) for every line of virsh-cmds.txt, and for the
#     interactive session in virsh-session.txt (-q, -r and plain); the
#     lines of each area's virsh-cmds-AREA.txt only on the local unix URIs;
#   - api-check built against our libvirt.so prints what it prints when
#     built against Debian's libvirt;
#   - the threads test passes against both daemons.
# Environment (set by meson): LIBVIRTD, VIRSH_OURS, API_CHECK_OURS,
# API_CHECK_REAL, THREADS_OURS.
# Exits 77 (skip) when a prerequisite is missing: real libvirt 9.0,
# api-check-real (built only when meson finds Debian's libvirt-dev), or
# what the group needs (nc; sshd, ssh and root; certtool). Once they are
# there, a daemon that does not start is a failure.
#
# Usage: client-interop.sh local|ssh|tls

here=$(cd "$(dirname "$0")" && pwd)
# meson points LD_LIBRARY_PATH at our libvirt.so for the tests that use it;
# real virsh must keep Debian's library (ours find theirs by rpath).
unset LD_LIBRARY_PATH
. "$here/../integration/lib.sh"

part=${1:-}
case $part in
local | ssh | tls) ;;
*)
    echo "usage: $0 local|ssh|tls" >&2
    exit 2
    ;;
esac

it_need_real_libvirt
it_need_socket_activate
it_need ss iproute2
[ -x "${API_CHECK_REAL:-}" ] ||
    it_skip "API_CHECK_REAL='${API_CHECK_REAL:-}' is not a program: meson builds api-check-real only when pkg-config finds Debian's libvirt (libvirt-dev)"
case $part in
local) it_need nc netcat-openbsd ;;
ssh)
    it_need /usr/sbin/sshd openssh-server
    it_need ssh openssh-client
    it_need ssh-keygen openssh-client
    it_need nc netcat-openbsd
    [ "$(id -u)" -eq 0 ] || it_skip "sshd needs root to log a user in"
    ;;
tls) it_need certtool gnutls-bin ;;
esac
it_setup

DATA=$here
export DATA
failures=0
checks=0

# dominfo's CPU time moves while the test driver runs; everything else
# must match exactly.
# Random parts: CPU time, when a snapshot or checkpoint was made (the
# seconds, the date virsh shows, the names made of them), and the test
# driver's block and interface counters, which tick with the time of day
# (domblkstat and domifstat, plain and --human).
scrub() {
    sed -e 's/^\(CPU time: *\).*/\1X/' \
        -e 's/\b1[0-9]\{9\}\b/<TIME>/g' \
        -e 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] [+-][0-9]\{4\}/<DATE>/g' \
        -e 's/^\(\S* \(rd_req\|rd_bytes\|wr_req\|wr_bytes\|errs\|rx_bytes\|rx_packets\|rx_errs\|rx_drop\|tx_bytes\|tx_packets\|tx_errs\|tx_drop\)\) [0-9]*$/\1 N/' \
        -e 's/^\( number of .*: *\| error count: *\)[0-9]*$/\1N/' "$1"
}

# compare_cmd URI LINE: real virsh and ours on one command line.
compare_cmd() {
    local uri=$1 line=$2 rr ro d=$IT_DIR/cmp
    mkdir -p "$d"
    eval "it_bounded 60 virsh -c \"\$uri\" $line" >"$d/r.out" 2>"$d/r.err" </dev/null
    rr=$?
    eval "it_bounded 60 \"\$VIRSH_OURS\" -c \"\$uri\" $line" >"$d/o.out" 2>"$d/o.err" </dev/null
    ro=$?
    checks=$((checks + 1))
    local same_out=0 same_err=0
    diff <(scrub "$d/r.out") <(scrub "$d/o.out") >"$d/diff" && same_out=1
    echo "-- stderr:" >>"$d/diff"
    # The editor's temporary file (virsh-cmds-edits.txt) has a random name.
    diff <(sed 's|/virsh[A-Za-z0-9]\{6\}\.xml|/virshXXXXXX.xml|g' "$d/r.err") \
        <(sed 's|/virsh[A-Za-z0-9]\{6\}\.xml|/virshXXXXXX.xml|g' "$d/o.err") >>"$d/diff" &&
        same_err=1
    if [ "$rr" != "$ro" ] || [ $same_out = 0 ] || [ $same_err = 0 ]; then
        echo "FAIL virsh $line on $uri: expected exit $rr, got $ro; diff real ours:"
        cat "$d/diff"
        failures=$((failures + 1))
    fi
}

# compare_session URI OPTS: the interactive shell fed from a pipe.
compare_session() {
    local uri=$1 opts=$2 d=$IT_DIR/cmp script
    mkdir -p "$d"
    script=$(sed "s|\$DATA|$DATA|g" "$here/virsh-session.txt")
    local rr ro
    printf '%s\n' "$script" | it_bounded 60 virsh $opts -c "$uri" >"$d/r.out" 2>&1
    rr=$?
    printf '%s\n' "$script" | it_bounded 60 "$VIRSH_OURS" $opts -c "$uri" >"$d/o.out" 2>&1
    ro=$?
    checks=$((checks + 1))
    if ! diff <(scrub "$d/r.out") <(scrub "$d/o.out") >"$d/diff" || [ "$rr" != "$ro" ]; then
        echo "FAIL interactive virsh $opts on $uri (exit real $rr, ours $ro); diff real ours:"
        cat "$d/diff"
        failures=$((failures + 1))
    fi
}

compare_api() {
    local uri=$1 d=$IT_DIR/cmp
    it_bounded 120 "$API_CHECK_REAL" "$uri" >"$d/api-r.out" 2>&1
    it_bounded 120 "$API_CHECK_OURS" "$uri" >"$d/api-o.out" 2>&1
    checks=$((checks + 1))
    if ! diff "$d/api-r.out" "$d/api-o.out" >"$d/diff"; then
        echo "FAIL api-check on $uri (built against Debian's libvirt vs ours):"
        cat "$d/diff"
        failures=$((failures + 1))
    fi
}

run_threads() {
    local uri=$1
    checks=$((checks + 1))
    if ! it_bounded 120 "$THREADS_OURS" "$uri" >"$IT_DIR/threads.out" 2>&1; then
        echo "FAIL threads test on $uri:"
        cat "$IT_DIR/threads.out"
        failures=$((failures + 1))
    fi
}

# ssh to a private sshd on loopback: keys made here, virt-ssh-helper
# (beside $LIBVIRTD) on the remote PATH for proxy=native, netcat to the
# real daemon's socket for proxy=netcat.
ssh_keys() {
    local d=$IT_DIR/ssh
    mkdir -p "$d" && chmod 700 "$d" || return 1
    ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey" </dev/null || return 1
    ssh-keygen -q -t ed25519 -N '' -f "$d/userkey" </dev/null || return 1
    cp "$d/userkey.pub" "$d/authorized_keys"
}
# ssh_start PORT: sshd on 127.0.0.1:PORT; sets SSH_CMD, the ssh that
# reaches it. Returns 2 when PORT is in use.
ssh_start() {
    local d=$IT_DIR/ssh sport=$1 pid i
    cat >"$d/sshd_config" <<EOF2
Port $sport
ListenAddress 127.0.0.1
HostKey $d/hostkey
AuthorizedKeysFile $d/authorized_keys
PidFile $d/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
PermitRootLogin prohibit-password
SetEnv PATH=$(dirname "$LIBVIRTD"):/usr/local/bin:/usr/bin:/bin
EOF2
    mkdir -p /run/sshd 2>/dev/null
    # sshd -E appends: a retry must not read the last one's bind error.
    : >"$d/sshd.log"
    /usr/sbin/sshd -D -f "$d/sshd_config" -E "$d/sshd.log" </dev/null &
    pid=$!
    IT_PIDS+=("$pid")
    it_wait_listen "$sport" "$pid" "$d/sshd.log" || return
    cat >"$d/ssh_config" <<EOF2
Host lo
  HostName 127.0.0.1
  Port $sport
  IdentityFile $d/userkey
  UserKnownHostsFile $d/known_hosts
  StrictHostKeyChecking no
  LogLevel ERROR
EOF2
    printf '#!/bin/sh\nexec ssh -F %s "$@"\n' "$d/ssh_config" >"$d/ssh"
    chmod +x "$d/ssh"
    for ((i = 0; i < 50; i++)); do
        "$d/ssh" lo true 2>/dev/null </dev/null && { SSH_CMD=$d/ssh; return 0; }
        sleep 0.1
    done
    it_log "sshd listens on 127.0.0.1:$sport but 'ssh lo true' does not succeed; its log:"
    cat "$d/sshd.log" >&2
    return 1
}

# TLS to a private real libvirtd with a PKI made here (certtool).
tls_pki() {
    local p=$IT_DIR/tls/pki who
    mkdir -p "$p" || return 1
    certtool --generate-privkey --outfile "$p/cakey.pem" 2>/dev/null &&
        printf 'cn = Test CA\nca\ncert_signing_key\nexpiration_days = 2\n' >"$p/ca.info" &&
        certtool --generate-self-signed --load-privkey "$p/cakey.pem" \
            --template "$p/ca.info" --outfile "$p/cacert.pem" >/dev/null 2>&1 || return 1
    for who in server client; do
        certtool --generate-privkey --outfile "$p/${who}key.pem" 2>/dev/null || return 1
        if [ $who = server ]; then
            printf 'cn = localhost\ndns_name = localhost\nip_address = 127.0.0.1\ntls_www_server\n'
        else
            printf 'cn = client\ntls_www_client\n'
        fi >"$p/$who.info"
        printf 'organization = Test\nencryption_key\nsigning_key\nexpiration_days = 2\n' \
            >>"$p/$who.info"
        certtool --generate-certificate --load-privkey "$p/${who}key.pem" \
            --load-ca-certificate "$p/cacert.pem" --load-ca-privkey "$p/cakey.pem" \
            --template "$p/$who.info" --outfile "$p/${who}cert.pem" >/dev/null 2>&1 || return 1
    done
}
# tls_start PORT: the real libvirtd on 127.0.0.1:PORT (tls only); sets
# TLS_URI. Returns 2 when PORT is in use.
tls_start() {
    local d=$IT_DIR/tls p=$IT_DIR/tls/pki tport=$1 pid
    rm -rf "$d/sock"
    mkdir -p "$d/sock" "$d/drv" "$d/run" "$d/cfg" "$d/cache" || return 1
    cat >"$d/libvirtd.conf" <<EOF2
unix_sock_dir = "$d/sock"
listen_tcp = 0
listen_tls = 1
tls_port = "$tport"
listen_addr = "127.0.0.1"
key_file = "$p/serverkey.pem"
cert_file = "$p/servercert.pem"
ca_file = "$p/cacert.pem"
auth_tls = "none"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:stderr"
EOF2
    LIBVIRT_DRIVER_DIR=$d/drv XDG_RUNTIME_DIR=$d/run XDG_CONFIG_HOME=$d/cfg \
        XDG_CACHE_HOME=$d/cache \
        /usr/sbin/libvirtd --listen -f "$d/libvirtd.conf" -p "$d/pid" </dev/null >"$d/log" 2>&1 &
    pid=$!
    IT_PIDS+=("$pid")
    it_wait_listen "$tport" "$pid" "$d/log" || return
    it_wait_socket "$d/sock/libvirt-sock" "$pid" || { cat "$d/log" >&2; return 1; }
    TLS_URI="test+tls://localhost:$tport/default?pkipath=$p"
}

uris=()
case $part in
local)
    it_on_free_port port real_start real {} || exit 1
    ours_start ours || exit 1
    ext_real=$IT_DIR/ext-real.sh
    ext_ours=$IT_DIR/ext-ours.sh
    printf '#!/bin/sh\nexec nc -U %s\n' "$REAL_SOCK" >"$ext_real"
    printf '#!/bin/sh\nexec %s --stdio\n' "$LIBVIRTD" >"$ext_ours"
    chmod +x "$ext_real" "$ext_ours"
    uris+=("$(uri_for "$REAL_SOCK")" "test+tcp://127.0.0.1:$port/default"
        "$(uri_for "$OURS_SOCK")" "test+ext:///default?command=$ext_ours"
        "test+ext:///default?command=$ext_real")
    ;;
ssh)
    real_start real || exit 1
    ssh_keys || exit 1
    it_on_free_port sport ssh_start {} || exit 1
    uris+=("test+ssh://lo/default?command=$SSH_CMD&proxy=native"
        "test+ssh://lo/default?command=$SSH_CMD&proxy=netcat&socket=$REAL_SOCK")
    ;;
tls)
    tls_pki || {
        it_log "certtool could not make the PKI"
        exit 1
    }
    it_on_free_port tport tls_start {} || exit 1
    uris+=("$TLS_URI")
    ;;
esac

for uri in "${uris[@]}"; do
    while IFS= read -r line; do
        [ -n "$line" ] && compare_cmd "$uri" "$line"
    done <"$here/virsh-cmds.txt"
    for opts in "" "-q" "-r"; do
        compare_session "$uri" "$opts"
    done
    compare_api "$uri"
    run_threads "$uri"
done

# Each area's lines (virsh-cmds-AREA.txt: networks, storage, ...) on the
# local unix URIs, real's daemon and ours: the transports are the same
# code whatever the call, and the five URIs above already cover them.
if [ "$part" = local ]; then
    for f in "$here"/virsh-cmds-*.txt; do
        [ -f "$f" ] || continue
        for uri in "$(uri_for "$REAL_SOCK")" "$(uri_for "$OURS_SOCK")"; do
            while IFS= read -r line; do
                [ -n "$line" ] || continue
                # virsh-cmds-edits.txt: the editor is edit-xml.sh, and a
                # line's "@MODE " prefix tells it what to do.
                if [ "$f" = "$here/virsh-cmds-edits.txt" ]; then
                    mode=keep
                    case $line in
                    @*)
                        mode=${line%% *}
                        mode=${mode#@}
                        line=${line#* }
                        ;;
                    esac
                    unset VISUAL # virsh takes $VISUAL before $EDITOR
                    EDITOR=$here/edit-xml.sh VIRSH_EDIT=$mode compare_cmd "$uri" "$line"
                else
                    compare_cmd "$uri" "$line"
                fi
            done <"$f"
        done
    done
fi

# A local URI with no daemon listening: the client starts libvirtd --stdio.
if [ "$part" = local ]; then
    mkdir -p "$IT_DIR/nosock"
    out=$(LIBVIRT_REMOTE_SOCKET_DIR=$IT_DIR/nosock LIBVIRTD_PATH=$LIBVIRTD \
        "$VIRSH_OURS" -c test:///default 'domstate test; uri' 2>&1)
    checks=$((checks + 1))
    if [ "$out" != $'running\n\ntest:///default\n' ] && [ "$out" != $'running\n\ntest:///default' ]; then
        echo "FAIL auto-spawn: expected 'running' and the URI, got:"
        echo "$out"
        failures=$((failures + 1))
    fi
    # ... and read-only: the spawned daemon refuses changes.
    out=$(LIBVIRT_REMOTE_SOCKET_DIR=$IT_DIR/nosock LIBVIRTD_PATH=$LIBVIRTD \
        "$VIRSH_OURS" -r -c test:///default 'suspend test' 2>&1)
    checks=$((checks + 1))
    case "$out" in
    *"read only access prevents virDomainSuspend"*) ;;
    *)
        echo "FAIL auto-spawn read-only: expected a read-only refusal, got:"
        echo "$out"
        failures=$((failures + 1))
        ;;
    esac
fi

echo "$checks checks, $failures failures"
[ "$failures" -eq 0 ]

# Shell helpers for the integration tests. Source it from bash:
#
#   . "$(dirname "$0")/lib.sh"
#   it_setup                      # temp dir in $IT_DIR, removed (and every
#                                 # process started here stopped) on exit
#   real_start real               # private real libvirtd 9.0: $REAL_SOCK, $REAL_SOCK_RO
#   ours_start ours               # our libvirtd behind systemd-socket-activate: $OURS_SOCK
#   ours_start ours-ro --read-only            # ... on a read-only socket
#   uri_for "$SOCK"               # test+unix:///default?socket=SOCK
#
# $LIBVIRTD is the daemon under test. LIBVIRTD=real makes "ours" a second
# private real libvirtd, so a test can be checked against real on both sides.
#
# Exit status 77 means "skipped" to meson.

IT_PIDS=()
IT_DIR=

it_log() { printf '%s\n' "$*" >&2; }

it_skip() {
    it_log "SKIP: $*"
    exit 77
}

it_cleanup() {
    local pid i
    # Only the test's own shell cleans up: a subshell that inherited the
    # EXIT trap must not stop the daemons and remove the directory.
    [ "$BASHPID" = "$$" ] || return 0
    for pid in "${IT_PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${IT_PIDS[@]}"; do
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    IT_PIDS=()
    if [ -n "$IT_DIR" ] && [ -z "${IT_KEEP:-}" ]; then
        rm -rf "$IT_DIR"
    fi
}

it_setup() {
    IT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/lvit.XXXXXX") || exit 1
    # Unix socket paths are limited to 108 bytes; mktemp under /tmp is short.
    trap 'it_cleanup' EXIT
    trap 'exit 130' INT TERM HUP
}

# Skips the test (exit 77) unless real libvirt 9.0's tools are here.
it_need_real_libvirt() {
    local v
    command -v virsh >/dev/null 2>&1 || it_skip "virsh not installed"
    [ -x /usr/sbin/libvirtd ] || it_skip "/usr/sbin/libvirtd not installed"
    v=$(virsh --version 2>/dev/null)
    case "$v" in
        9.0.*) ;;
        *) it_skip "virsh is '$v', the interop tests need libvirt 9.0" ;;
    esac
}

# What serves TLS (the TLS unit and xinetd file run it): libvirtd-full
# beside $LIBVIRTD in a build whose libvirtd is the static one without
# gnutls, else $LIBVIRTD.
tls_libvirtd() {
    local full
    full=$(dirname "$LIBVIRTD")/libvirtd-full
    if [ -x "$full" ]; then echo "$full"; else echo "$LIBVIRTD"; fi
}

it_need_socket_activate() {
    it_need systemd-socket-activate systemd
}

# it_need PROGRAM PACKAGE: skips the test (exit 77) unless PROGRAM (a name
# on the PATH, or an absolute path) can be run. A missing prerequisite is a
# skip, never a part of a test quietly left out; PACKAGE is the Debian
# package that has it, and scripts/install-deps.sh installs every one, so
# that a CI run skips nothing.
it_need() {
    case $1 in
    /*) [ -x "$1" ] && return 0 ;;
    *) command -v "$1" >/dev/null 2>&1 && return 0 ;;
    esac
    it_skip "$1 not found (Debian package $2; scripts/install-deps.sh installs it)"
}

# it_free_port: a TCP port on 127.0.0.1 that no socket uses right now: the
# one the kernel picks for port 0. Something else may take it before the
# daemon it is meant for binds it, so start daemons on it through
# it_on_free_port or it_retry_port, which notice that and try another.
it_free_port() {
    /usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# it_listens PORT PID: process PID itself listens on 127.0.0.1:PORT. It asks
# ss who listens, not only whether something does: another program may
# hold the port.
it_listens() {
    ss -Hltnp "sport = :$1" 2>/dev/null | grep -q "pid=$2,"
}

# it_wait_listen PORT PID LOG: waits (bounded, about 10 s) until process
# PID listens on 127.0.0.1:PORT, without connecting (a probe connection
# would start a server process). Returns 0 then; 2 when LOG says the
# address was in use (PID is stopped: the caller may start it again on
# another port); 1 when PID exits first or time runs out (LOG is printed).
it_wait_listen() {
    local port=$1 pid=$2 log=$3 i
    for ((i = 0; i < 100; i++)); do
        it_listens "$port" "$pid" && return 0
        if grep -qi 'address already in use' "$log" 2>/dev/null; then
            it_log "port $port was taken: $(grep -im1 'address already in use' "$log")"
            it_stop "$pid"
            return 2
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        it_log "timed out waiting for process $pid to listen on 127.0.0.1:$port; its log:"
    else
        it_log "process $pid exited before it listened on 127.0.0.1:$port; its log:"
    fi
    cat "$log" >&2
    return 1
}

# it_retry_port CMD [ARGS...]: runs CMD again while it returns 2 (a port it
# took from it_free_port was in use by the time it bound it), 5 times at
# most. Returns CMD's last status.
it_retry_port() {
    local try rc
    for ((try = 1; try <= 5; try++)); do
        "$@"
        rc=$?
        [ "$rc" -eq 2 ] || return "$rc"
        [ "$try" -lt 5 ] && it_log "a port was taken before it was bound: trying another"
    done
    it_log "a port was taken before it was bound, 5 times: giving up"
    return 2
}

# it_on_free_port VAR CMD [ARGS...]: runs CMD ARGS with each "{}" in ARGS
# replaced by a port from it_free_port, through it_retry_port; sets VAR to
# the port CMD started on. Returns CMD's status.
it_on_free_port() {
    it_retry_port it_on_free_port_once "$@"
}

it_on_free_port_once() {
    local var_=$1 port_ arg_ args_=()
    shift
    port_=$(it_free_port) || return 1
    for arg_ in "$@"; do
        args_+=("${arg_//\{\}/$port_}")
    done
    "${args_[@]}" || return
    printf -v "$var_" '%s' "$port_"
}

# Waits (bounded, about 10 s) until path $1 exists as a socket; fails if
# process $2 died first.
it_wait_socket() {
    local path=$1 pid=$2 i
    for ((i = 0; i < 100; i++)); do
        [ -S "$path" ] && return 0
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            it_log "process $pid exited before $path appeared"
            return 1
        fi
        sleep 0.1
    done
    it_log "timed out waiting for $path"
    return 1
}

# real_start NAME [TCP_PORT]: starts a private real libvirtd serving the test
# driver only (LIBVIRT_DRIVER_DIR is an empty directory) with its own conf,
# pid file and socket dir under $IT_DIR/NAME. Sets REAL_SOCK, REAL_SOCK_RO,
# REAL_PID. With TCP_PORT it also listens on 127.0.0.1:TCP_PORT, auth none,
# and returns 2 when that port is in use (it_on_free_port real_start NAME {}).
real_start() {
    local name=$1 port=${2:-} d
    d=$IT_DIR/$name
    # A start tried again (another port) must not see the last one's sockets.
    rm -rf "$d/sock"
    mkdir -p "$d/sock" "$d/drv" "$d/run" "$d/cfg" "$d/cache" || return 1
    {
        echo "unix_sock_dir = \"$d/sock\""
        echo 'listen_tls = 0'
        if [ -n "$port" ]; then
            echo 'listen_tcp = 1'
            echo "tcp_port = \"$port\""
            echo 'listen_addr = "127.0.0.1"'
            echo 'auth_tcp = "none"'
        else
            echo 'listen_tcp = 0'
        fi
        echo 'auth_unix_ro = "none"'
        echo 'auth_unix_rw = "none"'
        echo 'log_outputs = "3:stderr"'
    } >"$d/libvirtd.conf"
    LIBVIRT_DRIVER_DIR=$d/drv XDG_RUNTIME_DIR=$d/run XDG_CONFIG_HOME=$d/cfg \
        XDG_CACHE_HOME=$d/cache \
        /usr/sbin/libvirtd ${port:+--listen} -f "$d/libvirtd.conf" -p "$d/pid" \
        </dev/null >"$d/log" 2>&1 &
    REAL_PID=$!
    IT_PIDS+=("$REAL_PID")
    REAL_SOCK=$d/sock/libvirt-sock
    REAL_SOCK_RO=$d/sock/libvirt-sock-ro
    # It makes its unix sockets before it binds the port: wait for the
    # port first, so that a port in use is not mistaken for a start.
    if [ -n "$port" ]; then
        it_wait_listen "$port" "$REAL_PID" "$d/log" || return
    fi
    if ! it_wait_socket "$REAL_SOCK" "$REAL_PID" ||
        ! it_wait_socket "$REAL_SOCK_RO" "$REAL_PID"; then
        it_log "real libvirtd failed to start; its log:"
        cat "$d/log" >&2
        return 1
    fi
}

# ours_start NAME [--read-only]: starts $LIBVIRTD behind
# `systemd-socket-activate --accept` on $IT_DIR/NAME/sock (one daemon process
# per connection). Sets OURS_SOCK and OURS_PID; the daemons' stderr goes to
# $IT_DIR/NAME/log. With LIBVIRTD=real, starts a second real libvirtd instead
# (its read-write or read-only socket, as asked).
ours_start() {
    local name=$1 ro=${2:-} d
    d=$IT_DIR/$name
    if [ "${LIBVIRTD:-}" = real ]; then
        local save_pid=${REAL_PID:-} save_sock=${REAL_SOCK:-} save_ro=${REAL_SOCK_RO:-} rc=0
        real_start "$name" || rc=1
        OURS_PID=$REAL_PID
        if [ -n "$ro" ]; then OURS_SOCK=$REAL_SOCK_RO; else OURS_SOCK=$REAL_SOCK; fi
        REAL_PID=$save_pid REAL_SOCK=$save_sock REAL_SOCK_RO=$save_ro
        return $rc
    fi
    [ -x "${LIBVIRTD:-}" ] || {
        it_log "LIBVIRTD='${LIBVIRTD:-}' is not an executable"
        return 1
    }
    mkdir -p "$d" || return 1
    OURS_SOCK=$d/sock
    # test:///default's shared state goes in the test's directory.
    systemd-socket-activate --accept -l "$OURS_SOCK" \
        -E LIBVIRTD_TEST_DEFAULT_DIR="$d/test-default" "$LIBVIRTD" $ro \
        </dev/null >"$d/log" 2>&1 &
    OURS_PID=$!
    IT_PIDS+=("$OURS_PID")
    it_wait_socket "$OURS_SOCK" "$OURS_PID" || {
        cat "$d/log" >&2
        return 1
    }
}

# it_stop PID: stops one process this script started, and forgets it (the
# cleanup on exit must not signal a PID that may have been reused).
it_stop() {
    local pid=$1 i p keep=()
    kill "$pid" 2>/dev/null
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    for p in "${IT_PIDS[@]}"; do
        [ "$p" = "$pid" ] || keep+=("$p")
    done
    IT_PIDS=("${keep[@]}")
    return 0
}

# it_bounded SECS CMD [ARGS...]: runs CMD (stdin, stdout and stderr as
# given) but for at most SECS seconds. When time runs out it prints, on
# stderr, the command and the stacks of every thread of it and of its
# children (with gdb, when installed), kills them and returns 124. Use it
# wherever a hang would otherwise eat the whole test's time limit and
# leave no trace of where it hung.
it_bounded() {
    local secs=$1 pid wd rc
    shift
    "$@" <&0 &
    pid=$!
    # The watchdog is stopped with USR1, which nothing here traps: a
    # signal this shell does trap (TERM) could reach the subshell before it
    # has dropped the inherited traps and run the EXIT trap (it_cleanup).
    (
        trap 'kill $s 2>/dev/null; exit 0' USR1
        sleep "$secs" &
        s=$!
        wait $s
        kill -0 "$pid" 2>/dev/null || exit 0
        {
            echo "TIMEOUT after ${secs}s: $*"
            for p in $pid $(pgrep -P "$pid" 2>/dev/null); do
                echo "-- process $p: $(tr '\0' ' ' </proc/$p/cmdline 2>/dev/null)"
                command -v gdb >/dev/null &&
                    timeout 20 gdb -q -p "$p" -batch -ex 'thread apply all bt' 2>&1 |
                    grep -E '^(Thread|#)'
            done
        } >&2
        pkill -KILL -P "$pid" 2>/dev/null
        kill -KILL "$pid" 2>/dev/null
    ) </dev/null &
    wd=$!
    wait "$pid"
    rc=$?
    kill -USR1 "$wd" 2>/dev/null
    wait "$wd" 2>/dev/null
    [ $rc = 137 ] && rc=124
    return $rc
}

uri_for() { printf 'test+unix:///default?socket=%s' "$1"; }

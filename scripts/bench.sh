#!/usr/bin/env bash
# bench.sh [--qemu | --qemu-only] [BUILD_DIR]: our libvirtd and libvirt.so
# against real libvirt 9.0, side by side on this machine, in one run;
# prints one table of medians and p99 (microseconds unless stated) with the
# ratio ours/real.
#
#   (no option)  the remote layer on the test driver (below), ~1 minute
#   --qemu       then the QEMU driver's table (scripts/bench-qemu.sh: real
#                VMs against real libvirtd 9.0's QEMU driver and the bare
#                floor; root; ~2 minutes more)
#   --qemu-only  only the QEMU driver's table
#
# Daemons started (all private, in a temporary directory, stopped at exit):
#   real     /usr/sbin/libvirtd --listen (unix + tcp, + tls with a PKI)
#   act      ours, one process per connection through
#            systemd-socket-activate --accept (unix, tcp, and tls with
#            libvirtd-full --socket-kind=tls as libvirtd-tls@.service
#            runs it)
#   listen   ours, libvirtd --listen (pre-forked pool; unix and tcp)
#   listen-tls  ours, libvirtd --listen with listen_tls = 1 (tls only)
#   echo     tests/bench/echo-floor, a bare static program, through
#            systemd-socket-activate --accept: the floor of a process start
#            per connection
#   tls-echo tests/bench/tls-echo-floor, the same with gnutls initialised
#            and the server's credentials loaded first: the floor of a TLS
#            connection process's start
# Figures, not pass/fail: the machine is shared. docs/performance.md has a
# recorded run and what each target means. BENCH_SCALE=N multiplies the
# iteration counts (default 1; 0.2 for a quick look).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
QEMU=0
CORE=1
while [ $# -gt 0 ]; do
    case $1 in
    --qemu) QEMU=1 ;;
    --qemu-only) QEMU=1 CORE=0 ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    --) shift; break ;;
    -*) echo "bench.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
BUILD=${1:-$ROOT/build}
SCALE=${BENCH_SCALE:-1}

# What it runs (real libvirtd, systemd-socket-activate, certtool, the
# build tools): installed when missing, as scripts/test.sh does.
bash "$ROOT/scripts/install-deps.sh"
if [ ! -f "$BUILD/build.ninja" ]; then
    meson setup "$BUILD" "$ROOT" >/dev/null
fi
ninja -C "$BUILD" >/dev/null
if ((!CORE)); then
    exec bash "$ROOT/scripts/bench-qemu.sh" "$BUILD"
fi

BENCH=$BUILD/tests/bench/bench-ours
BENCH_REAL=$BUILD/tests/bench/bench-real
ECHO=$BUILD/tests/bench/echo-floor
TLS_ECHO=$BUILD/tests/bench/tls-echo-floor
LIBVIRTD=$BUILD/src/libvirtd
# What libvirtd-tls@.service runs: libvirtd-full beside a static libvirtd.
TLS_LIBVIRTD=$BUILD/src/libvirtd-full
[ -x "$TLS_LIBVIRTD" ] || TLS_LIBVIRTD=$LIBVIRTD
REAL_LIBVIRTD=${REAL_LIBVIRTD:-/usr/sbin/libvirtd}
for f in "$BENCH" "$ECHO" "$LIBVIRTD" "$REAL_LIBVIRTD"; do
    [ -x "$f" ] || { echo "bench.sh: $f is missing" >&2; exit 1; }
done
command -v systemd-socket-activate >/dev/null ||
    { echo "bench.sh: systemd-socket-activate is missing (package systemd)" >&2; exit 1; }
[ -x "$BENCH_REAL" ] || BENCH_REAL=

W=$(mktemp -d /tmp/lv-bench.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

n() { awk -v n="$1" -v s="$SCALE" 'BEGIN { v = int(n * s); print v < 5 ? 5 : v }'; }
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_for() { # wait_for PATH-or-PORT
    for ((i = 0; i < 100; i++)); do
        if [[ $1 == /* ]]; then [ -S "$1" ] && return 0
        else (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; fi
        sleep 0.1
    done
    echo "bench.sh: nothing listens on $1" >&2
    exit 1
}

# --- a node file of 1000 domains ---
NODE=$W/node1000.xml
{
    echo "<node><cpu><mhz>2400</mhz><model>x86_64</model><active>8</active><nodes>1</nodes>"
    echo "<sockets>2</sockets><cores>2</cores><threads>2</threads></cpu><memory>16777216</memory>"
    for ((i = 0; i < 1000; i++)); do
        printf "<domain type='test'><name>dom%04d</name><memory>524288</memory><vcpu>1</vcpu>" "$i"
        printf "<os><type>hvm</type></os><devices><disk type='file' device='disk'>"
        printf "<source file='/guest/dom%04d.img'/><target dev='vda' bus='virtio'/></disk>" "$i"
        printf "<interface type='network'><source network='default'/></interface></devices></domain>\n"
    done
    echo "</node>"
} >"$NODE"

# --- a PKI for tls, when certtool is there ---
PKI=
if command -v certtool >/dev/null && [ -f "$ROOT/tests/tls/make-pki.sh" ]; then
    bash "$ROOT/tests/tls/make-pki.sh" "$W/pki" >/dev/null 2>&1 && PKI=$W/pki
fi

# --- real libvirtd ---
RT=$(free_port)
RS=$(free_port)
mkdir -p "$W/real/sock" "$W/real/drv" "$W/real/run"
{
    echo "unix_sock_dir = \"$W/real/sock\""
    echo "listen_tcp = 1"
    echo "tcp_port = \"$RT\""
    echo "listen_addr = \"127.0.0.1\""
    echo "auth_tcp = \"none\""
    echo "auth_unix_ro = \"none\""
    echo "auth_unix_rw = \"none\""
    if [ -n "$PKI" ]; then
        echo "listen_tls = 1"
        echo "tls_port = \"$RS\""
        echo "key_file = \"$PKI/server-ok/serverkey.pem\""
        echo "cert_file = \"$PKI/server-ok/servercert.pem\""
        echo "ca_file = \"$PKI/server-ok/cacert.pem\""
        echo "tls_no_verify_certificate = 1"
    else
        echo "listen_tls = 0"
    fi
} >"$W/real/libvirtd.conf"
LIBVIRT_DRIVER_DIR=$W/real/drv XDG_RUNTIME_DIR=$W/real/run \
    "$REAL_LIBVIRTD" --listen -f "$W/real/libvirtd.conf" -p "$W/real/pid" \
    >"$W/real/log" 2>&1 &
PIDS+=($!)
REAL_PID=$!

# --- ours, socket-activated ---
# Under systemd the units and libvirtd.conf agree (the generator sees to
# it); here the same file tells each process where its sockets are.
OT=$(free_port)
mkdir -p "$W/act/sock"
printf 'unix_sock_dir = "%s"\nlisten_tls = 0\nlisten_tcp = 1\ntcp_port = "%s"\nauth_tcp = "none"\n' \
    "$W/act/sock" "$OT" >"$W/act/libvirtd.conf"
systemd-socket-activate --accept -l "$W/act/sock/libvirt-sock" \
    "$LIBVIRTD" -f "$W/act/libvirtd.conf" 2>"$W/act/log" &
PIDS+=($!)
ACT_UNIX=$!
systemd-socket-activate --accept -l "127.0.0.1:$OT" \
    "$LIBVIRTD" -f "$W/act/libvirtd.conf" 2>>"$W/act/log" &
PIDS+=($!)

# --- ours, --listen ---
LT=$(free_port)
mkdir -p "$W/listen/sock"
printf 'unix_sock_dir = "%s"\nlisten_tls = 0\nlisten_tcp = 1\ntcp_port = "%s"\nlisten_addr = "127.0.0.1"\nauth_tcp = "none"\nlog_level = 4\n' \
    "$W/listen/sock" "$LT" >"$W/listen/libvirtd.conf"
"$LIBVIRTD" --listen -f "$W/listen/libvirtd.conf" 2>"$W/listen/log" &
PIDS+=($!)
LISTEN_PID=$!

# --- ours with tls: activated, and a second --listen with listen_tls = 1 ---
OS=
LS=
if [ -n "$PKI" ]; then
    OS=$(free_port)
    LS=$(free_port)
    tls_conf() { # tls_conf DIR PORT
        printf 'unix_sock_dir = "%s"\nlisten_tcp = 0\nlisten_tls = 1\ntls_port = "%s"\n' "$1/sock" "$2"
        printf 'listen_addr = "127.0.0.1"\nlog_level = 4\ntls_no_verify_certificate = 1\n'
        printf 'key_file = "%s"\ncert_file = "%s"\nca_file = "%s"\n' \
            "$PKI/server-ok/serverkey.pem" "$PKI/server-ok/servercert.pem" "$PKI/server-ok/cacert.pem"
    }
    mkdir -p "$W/act-tls/sock" "$W/listen-tls/sock"
    tls_conf "$W/act-tls" "$OS" >"$W/act-tls/libvirtd.conf"
    tls_conf "$W/listen-tls" "$LS" >"$W/listen-tls/libvirtd.conf"
    systemd-socket-activate --accept -l "127.0.0.1:$OS" \
        "$TLS_LIBVIRTD" --socket-kind=tls -f "$W/act-tls/libvirtd.conf" 2>"$W/act-tls/log" &
    PIDS+=($!)
    "$LIBVIRTD" --listen -f "$W/listen-tls/libvirtd.conf" 2>"$W/listen-tls/log" &
    PIDS+=($!)
fi

# --- the bare echo floor ---
systemd-socket-activate --accept -l "$W/echo.sock" "$ECHO" 2>/dev/null &
PIDS+=($!)
if [ -n "$PKI" ] && [ -x "$TLS_ECHO" ]; then
    systemd-socket-activate --accept -l "$W/tls-echo.sock" "$TLS_ECHO" \
        "$PKI/server-ok/cacert.pem" "$PKI/server-ok/servercert.pem" \
        "$PKI/server-ok/serverkey.pem" 2>/dev/null &
    PIDS+=($!)
else
    TLS_ECHO=
fi

wait_for "$W/real/sock/libvirt-sock"
wait_for "$RT"
wait_for "$W/act/sock/libvirt-sock"
wait_for "$OT"
wait_for "$W/listen/sock/libvirt-sock"
wait_for "$LT"
wait_for "$W/echo.sock"
if [ -n "$PKI" ]; then
    wait_for "$RS"
    wait_for "$OS"
    wait_for "$LS"
    [ -z "$TLS_ECHO" ] || wait_for "$W/tls-echo.sock"
fi

U_REAL="test+unix:///default?socket=$W/real/sock/libvirt-sock"
U_ACT="test+unix:///default?socket=$W/act/sock/libvirt-sock"
U_LISTEN="test+unix:///default?socket=$W/listen/sock/libvirt-sock"
T_REAL="test+tcp://127.0.0.1:$RT/default"
T_ACT="test+tcp://127.0.0.1:$OT/default"
T_LISTEN="test+tcp://127.0.0.1:$LT/default"
N_REAL="test+unix://$NODE?socket=$W/real/sock/libvirt-sock"
N_ACT="test+unix://$NODE?socket=$W/act/sock/libvirt-sock"


# --- the table ---
printf '%-52s %10s %10s %10s %10s %8s\n' "measurement" "ours" "ours p99" "real" "real p99" "ours/real"
printf '%s\n' "$(printf '%.0s-' {1..105})"
row() { # row LABEL "median p99 n" "median p99 n" [DENOMINATOR LABEL]
    local a b
    read -r a1 a2 _ <<<"$2"
    read -r b1 b2 _ <<<"$3"
    printf '%-52s %10s %10s %10s %10s %8s\n' "$1" "$a1" "$a2" "$b1" "$b2" \
        "$(awk -v a="$a1" -v b="$b1" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
}
note() { printf '%-52s %s\n' "$1" "$2"; }
run() { "$@" 2>>"$W/errors" || echo "fail fail 0"; }

# This machine's idle CPUs poll for a while before they halt (cpuidle
# haltpoll, adapting to recent wake-ups), so a round trip costs more or
# less depending on what ran just before. Measurements that are compared
# therefore run interleaved: ROUNDS rounds, each running every command
# once; each command's figure is the median over the rounds of its
# median and of its p99. Sets R[0..] to "median p99".
ROUNDS=5
interleave() {
    local i j
    local -a meds p99s
    R=()
    for ((i = 0; i < ROUNDS; i++)); do
        for ((j = 1; j <= $#; j++)); do
            read -r a b _ <<<"$(eval "run ${!j}")"
            meds[j]+="$a "
            p99s[j]+="$b "
        done
    done
    for ((j = 1; j <= $#; j++)); do
        R[j - 1]="$(mid ${meds[j]}) $(mid ${p99s[j]})"
    done
}
mid() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

interleave "\"$BENCH\" echo \"$W/echo.sock\" $(n 100)" \
    "\"$BENCH\" open \"$U_ACT\" $(n 100)" \
    "\"$BENCH\" open \"$U_REAL\" $(n 100)" \
    "\"$BENCH\" open \"$U_LISTEN\" $(n 100)" \
    "\"$BENCH\" open \"$T_ACT\" $(n 60)" \
    "\"$BENCH\" open \"$T_REAL\" $(n 60)" \
    "\"$BENCH\" open \"$T_LISTEN\" $(n 60)"
row "open+version+close unix: activated vs real" "${R[1]}" "${R[2]}"
row "open+version+close unix: activated vs echo floor" "${R[1]}" "${R[0]}"
row "open+version+close unix: --listen vs real" "${R[3]}" "${R[2]}"
row "open+version+close tcp: activated vs real" "${R[4]}" "${R[5]}"
row "open+version+close tcp: --listen vs real" "${R[6]}" "${R[5]}"
if [ -z "$PKI" ]; then
    note "open+version+close tls" "n/a: no certtool for a PKI"
else
    # The same client certificate against each; tls_no_verify_certificate
    # on both sides of the comparison.
    tls() { echo "test+tls://127.0.0.1:$1/default?pkipath=$PKI/client-ok"; }
    interleave "\"$BENCH\" open \"$(tls "$OS")\" $(n 30)" \
        "\"$BENCH\" open \"$(tls "$RS")\" $(n 30)" \
        "\"$BENCH\" open \"$(tls "$LS")\" $(n 30)" \
        "\"$BENCH\" echo \"$W/echo.sock\" $(n 100)" \
        ${TLS_ECHO:+"\"$BENCH\" echo \"$W/tls-echo.sock\" $(n 100)"}
    row "open+version+close tls: activated vs real" "${R[0]}" "${R[1]}"
    row "open+version+close tls: --listen vs real" "${R[2]}" "${R[1]}"
    # The floor under an activated tls connection: everything --listen
    # does (handshake included) plus a bare process start.
    read -r l1 _ <<<"${R[2]}"
    read -r e1 _ <<<"${R[3]}"
    row "open+version+close tls: activated vs --listen+echo" "${R[0]}" \
        "$(awk -v a="$l1" -v b="$e1" 'BEGIN { printf "%.1f", a + b }') -"
    # The same floor with what no TLS connection process can skip: gnutls
    # initialised and the credentials loaded (tls-echo-floor), against
    # real libvirtd. Above 1.0, activated tls cannot reach 1.0 x real.
    if [ -n "$TLS_ECHO" ]; then
        read -r t1 _ <<<"${R[4]}"
        row "tls floor: --listen + tls echo floor vs real" \
            "$(awk -v a="$l1" -v b="$t1" 'BEGIN { printf "%.1f", a + b }') -" "${R[1]}"
        row "tls echo floor vs echo floor" "${R[4]}" "${R[3]}"
    fi
fi
interleave "\"$BENCH\" version \"$U_ACT\" $(n 4000)" \
    "\"$BENCH\" version \"$U_REAL\" $(n 4000)" \
    "\"$BENCH\" pingpong - $(n 4000)" \
    "\"$BENCH\" info \"$U_ACT\" $(n 4000) test" \
    "\"$BENCH\" info \"$U_REAL\" $(n 4000) test" \
    "\"$BENCH\" pingpong cross $(n 4000)"
row "round trip virConnectGetVersion (unix)" "${R[0]}" "${R[1]}"
row "round trip virConnectGetVersion vs bare ping-pong" "${R[0]}" "${R[2]}"
row "round trip virDomainGetInfo (unix)" "${R[3]}" "${R[4]}"
row "bare ping-pong: pinned to two CPUs vs unpinned" "${R[5]}" "${R[2]}"
row "virConnectListAllDomains, 1000 domains" \
    "$(run "$BENCH" listall "$N_ACT" "$(n 200)")" "$(run "$BENCH" listall "$N_REAL" "$(n 200)")"
row "virDomainGetXMLDesc, one of 1000 domains" \
    "$(run "$BENCH" dumpxml "$N_ACT" "$(n 3000)" dom0500)" \
    "$(run "$BENCH" dumpxml "$N_REAL" "$(n 3000)" dom0500)"
SECS=$(awk -v s="$SCALE" 'BEGIN { v = 2 * s; print v < 0.5 ? 0.5 : v }')
for k in 1 2 8 64; do
    a=$(run "$BENCH" parallel "$U_ACT" "$k" "$SECS")
    b=$(run "$BENCH" parallel "$U_REAL" "$k" "$SECS")
    row "calls/s, $k clients in parallel (higher is better)" "$a - " "$b - "
done

# PSS: the daemon side's processes. A client process maps some of the
# same shared libraries as real libvirtd, which lowers libvirtd's share of
# them: its figure can come out slightly negative. Real: the one libvirtd. Ours under
# socket activation: the libvirtd processes the activator started (the
# activator is systemd's part). Ours --listen: the parent and its children.
pss_of() { # pss_of PID... -> KiB
    local total=0 p v
    for p in "$@"; do
        v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || true)
        total=$((total + ${v:-0}))
    done
    echo "$total"
}
descendants() { # descendants PID -> PID and every descendant
    local p
    echo "$1"
    for p in $(pgrep -P "$1" || true); do descendants "$p"; done
}
pss_real() { pss_of "$REAL_PID"; }
pss_act() { pss_of $(pgrep -P "$ACT_UNIX" || true); }
pss_listen() { pss_of $(descendants "$LISTEN_PID"); }
pss_per_conn() { # pss_per_conn URI K PSSFN -> KiB per connection
    local base fifo pid total
    base=$($3)
    fifo=$W/idle.fifo
    rm -f "$fifo"
    mkfifo "$fifo"
    "$BENCH" idle "$1" "$2" <"$fifo" >"$W/idle.out" 2>>"$W/errors" &
    pid=$!
    exec 9>"$fifo"
    for ((i = 0; i < 300; i++)); do
        grep -q ready "$W/idle.out" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sleep 0.5
    total=$($3)
    exec 9>&-
    wait "$pid" 2>/dev/null || true
    sleep 0.5
    awk -v t="$total" -v b="$base" -v k="$2" 'BEGIN { printf "%.0f", (t - b) / k }'
}
for k in 1 100; do
    a=$(pss_per_conn "$U_ACT" "$k" pss_act)
    l=$(pss_per_conn "$U_LISTEN" "$k" pss_listen)
    b=$(pss_per_conn "$U_REAL" "$k" pss_real)
    row "PSS KiB per idle connection, $k: activated" "$a - " "$b - "
    row "PSS KiB per idle connection, $k: --listen" "$l - " "$b - "
done

if [ -n "$BENCH_REAL" ]; then
    # Each client x daemon pair, against real client x real daemon.
    interleave "\"$BENCH\" open \"$U_ACT\" $(n 60)" \
        "\"$BENCH\" open \"$U_REAL\" $(n 60)" \
        "\"$BENCH_REAL\" open \"$U_ACT\" $(n 60)" \
        "\"$BENCH_REAL\" open \"$U_REAL\" $(n 60)"
    row "pair open: our client x our daemon (activated)" "${R[0]}" "${R[3]}"
    row "pair open: our client x real daemon" "${R[1]}" "${R[3]}"
    row "pair open: real client x our daemon (activated)" "${R[2]}" "${R[3]}"
    row "pair open: real client x real daemon" "${R[3]}" "${R[3]}"
    interleave "\"$BENCH\" version \"$U_ACT\" $(n 2000)" \
        "\"$BENCH\" version \"$U_REAL\" $(n 2000)" \
        "\"$BENCH_REAL\" version \"$U_ACT\" $(n 2000)" \
        "\"$BENCH_REAL\" version \"$U_REAL\" $(n 2000)"
    row "pair round trip: our client x our daemon" "${R[0]}" "${R[3]}"
    row "pair round trip: our client x real daemon" "${R[1]}" "${R[3]}"
    row "pair round trip: real client x our daemon" "${R[2]}" "${R[3]}"
    row "pair round trip: real client x real daemon" "${R[3]}" "${R[3]}"
else
    note "pairs with the real client" "n/a: libvirt-dev not found when building"
fi
printf '%s\n' "$(printf '%.0s-' {1..105})"
echo "ours/real: ours over real libvirt 9.0 (the echo and ping-pong rows: over the bare floor; pair rows: over real client x real daemon); times in µs"
echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), kernel $(uname -r)"
if [ -s "$W/errors" ]; then
    echo "errors:"
    sort -u "$W/errors" | head -20
fi
if ((QEMU)); then
    echo
    bash "$ROOT/scripts/bench-qemu.sh" "$BUILD"
fi

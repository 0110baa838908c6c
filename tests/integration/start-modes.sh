#!/bin/bash
# Each way of starting our libvirtd serves real virsh the same as real
# libvirtd 9.0: socket activation (systemd-socket-activate --accept, as
# systemd Accept=yes), --inetd (the connection on stdin/stdout, as xinetd),
# --stdio (a pipe pair: virsh's ext transport spawns it), and --read-only.
# Every per-connection process must have exited 0 afterwards.
#
# Usage: LIBVIRTD=build/src/libvirtd tests/integration/start-modes.sh

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

it_need_real_libvirt
it_need_socket_activate
[ -x "${LIBVIRTD:-}" ] || { echo "LIBVIRTD='${LIBVIRTD:-}' is not an executable" >&2; exit 1; }
it_setup

real_start real || exit 1
mkdir -p "$IT_DIR/home" "$IT_DIR/inetd"

systemd-socket-activate --inetd --accept -l "$IT_DIR/inetd/sock" "$LIBVIRTD" --inetd \
    </dev/null >"$IT_DIR/inetd/log" 2>&1 &
IT_PIDS+=("$!")
it_wait_socket "$IT_DIR/inetd/sock" "$!" || exit 1
ours_start activated || exit 1
ours_start ro --read-only || exit 1
printf '#!/bin/sh\nexec "%s" --stdio\n' "$LIBVIRTD" >"$IT_DIR/stdio.sh"
chmod +x "$IT_DIR/stdio.sh"

CMDS='uri; list --all; dominfo test; suspend test; domstate --reason test; resume test; hostname'

# run URI: virsh output with the URI and CPU time normalized
run() {
    local out rc
    out=$(cd "$IT_DIR/home" && HOME=$IT_DIR/home XDG_CONFIG_HOME=$IT_DIR/home/.config \
        LC_ALL=C timeout 60 virsh -c "$1" "$CMDS" 2>&1 </dev/null)
    rc=$?
    printf '%s\nexit %d\n' "$out" "$rc" |
        sed -e "s|^test+[a-z]*:///default?[^ ]*$|<URI>|" -e 's/^\(CPU time: *\)[0-9.]*s$/\1<T>/'
}

run "$(uri_for "$REAL_SOCK")" >"$IT_DIR/real.txt"
run "$(uri_for "$REAL_SOCK_RO")" >"$IT_DIR/real-ro.txt"

total=0 good=0
check() {
    local name=$1 want=$2 uri=$3
    total=$((total + 1))
    run "$uri" >"$IT_DIR/$name.txt"
    if diff -u --label "real" --label "ours ($name)" "$want" "$IT_DIR/$name.txt"; then
        good=$((good + 1))
        echo "ok   $name"
    else
        echo "FAIL $name"
    fi
}

check socket-activated "$IT_DIR/real.txt" "$(uri_for "$IT_DIR/activated/sock")"
check inetd "$IT_DIR/real.txt" "$(uri_for "$IT_DIR/inetd/sock")"
check stdio "$IT_DIR/real.txt" "test+ext:///default?command=$IT_DIR/stdio.sh"
check read-only "$IT_DIR/real-ro.txt" "$(uri_for "$IT_DIR/ro/sock")"

# Every per-connection process has exited, with 0.
total=$((total + 1))
bad=0
for log in "$IT_DIR/activated/log" "$IT_DIR/inetd/log" "$IT_DIR/ro/log"; do
    for ((i = 0; i < 100; i++)); do
        [ "$(grep -c '^Spawned' "$log")" -eq "$(grep -c '^Child .* died' "$log")" ] && break
        sleep 0.1
    done
    if grep -q '^Child .* died with code [^0]' "$log" ||
        [ "$(grep -c '^Spawned' "$log")" -ne "$(grep -c '^Child .* died with code 0$' "$log")" ]; then
        echo "FAIL process exits ($log):"
        cat "$log"
        bad=1
    fi
done
[ $bad -eq 0 ] && { good=$((good + 1)); echo "ok   every per-connection process exited 0"; }

echo "start-modes: $good/$total as expected"
[ "$good" -eq "$total" ]

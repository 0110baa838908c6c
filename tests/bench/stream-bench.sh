#!/bin/bash
# stream-bench.sh: the streams section of scripts/bench-qemu.sh (files in
# /dev/shm: the streams' speed, not the disk's). Real virsh
# moves one volume over libvirt streams, from real libvirtd 9.0 (its
# storage driver) and from ours, over unix and TLS; the floor is `cat` of
# the same file into the same place. Then virsh console's round trip: a
# line typed on the console of a running payload guest until the guest's
# answer is back. Interleaved rounds; medians. Figures, not pass/fail.
#   BENCH_SCALE   multiplies the rounds (default 1)
#   STREAM_MIB    the volume's size in MiB (default 256)
set -o pipefail
unset LD_LIBRARY_PATH
. "$(dirname "$0")/../qemu/lib.sh"
q_setup
# The volumes, the sources and what comes back live in memory (tmpfs), so
# that the figures are the streams' and not the disk's writeback.
SHM=$(mktemp -d /dev/shm/stream-bench.XXXXXX) || exit 1
chmod 755 "$SHM"
trap 'rm -rf "$SHM"; q_cleanup; it_cleanup' EXIT
it_need qemu-img qemu-utils
q_pki
q_payload
SCALE=${BENCH_SCALE:-1}
MIB=${STREAM_MIB:-256}
ROUNDS=$(awk -v s="$SCALE" 'BEGIN { r = int(5 * s); print r < 3 ? 3 : r }')
port_real=$(it_free_port) port_ours=$(it_free_port)
REAL_LIBVIRTD_LOG_FILTERS=3:* REAL_LIBVIRTD_EXTRA_DRIVERS=storage \
    REAL_LIBVIRTD_TLS=$port_real:$Q_PKI q_real_start
REAL_TLS_URI="qemu+tls://localhost:$port_real/system?pkipath=$Q_PKI"
q_ours_start
q_ours_tls_start "$port_ours"

head -c $((MIB << 20)) /dev/urandom >"$SHM/src"
for side in real ours; do
    if [ $side = real ]; then uri=$REAL_URI; else uri=$OURS_URI; fi
    mkdir -p "$SHM/pool-$side"
    virsh -q -c "$uri" pool-create-as bp dir --target "$SHM/pool-$side" >/dev/null &&
        virsh -q -c "$uri" vol-create-as bp v.img "${MIB}M" --format raw >/dev/null &&
        virsh -q -c "$uri" vol-upload --pool bp v.img "$SHM/src" || {
        echo "stream-bench: cannot set up the volume on $side" >&2
        exit 1
    }
done

secs() { # CMD...: wall seconds of one run, or "fail"
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || { echo fail; return; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", b - a }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "fail") }'; }

declare -A T
cases=(floor-down floor-up)
for tr in unix tls; do
    for side in real ours; do cases+=("$side-$tr-down" "$side-$tr-up"); done
done
for ((r = 0; r < ROUNDS; r++)); do
    for c in "${cases[@]}"; do
        side=${c%%-*}
        rest=${c#*-}
        if [ "$side" = floor ]; then
            case $rest in
                down) t=$(secs sh -c "cat '$SHM/pool-ours/v.img' >'$SHM/out'") ;;
                up) t=$(secs sh -c "cat '$SHM/src' >'$SHM/pool-ours/v.img'") ;;
            esac
        else
            tr=${rest%-*} dir=${rest#*-}
            if [ "$side" = real ]; then
                [ "$tr" = unix ] && uri=$REAL_URI || uri=$REAL_TLS_URI
            else
                [ "$tr" = unix ] && uri=$OURS_URI || uri=$OURS_TLS_URI
            fi
            if [ "$dir" = down ]; then
                t=$(secs virsh -q -c "$uri" vol-download --pool bp v.img "$SHM/out")
            else
                t=$(secs virsh -q -c "$uri" vol-upload --pool bp v.img "$SHM/src")
            fi
        fi
        T[$c]+="$t "
    done
done
rate() { # seconds -> MiB/s
    awk -v s="$1" -v m="$MIB" 'BEGIN { if (s == "fail" || s <= 0) print "fail"; else printf "%.0f", m / s }'
}
printf '%-44s %10s %10s %10s %8s %8s\n' "streams ($MIB MiB volume, real virsh)" ours real floor \
    ours/real ours/floor
for tr in unix tls; do
    for dir in down up; do
        o=$(rate "$(printf '%s\n' ${T[ours-$tr-$dir]} | median)")
        re=$(rate "$(printf '%s\n' ${T[real-$tr-$dir]} | median)")
        f=$(rate "$(printf '%s\n' ${T[floor-$dir]} | median)")
        label="vol-$([ $dir = down ] && echo download || echo upload), $tr (MiB/s)"
        printf '%-44s %10s %10s %10s %8s %8s\n' "$label" "$o" "$re" "$f" \
            "$(awk -v a="$o" -v b="$re" 'BEGIN { if (b > 0 && a != "fail") printf "%.2f", a / b; else print "-" }')" \
            "$(awk -v a="$o" -v b="$f" 'BEGIN { if (b > 0 && a != "fail") printf "%.2f", a / b; else print "-" }')"
    done
done

# The console's round trip, through each daemon, real virsh on a pty.
cat >"$IT_DIR/con.xml" <<XML
<domain type='qemu'>
  <name>bcon</name>
  <memory unit='MiB'>96</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$PAYLOAD/vmlinuz</kernel>
    <initrd>$PAYLOAD/initrd.gz</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <devices>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <memballoon model='none'/>
  </devices>
</domain>
XML
for side in real ours; do
    if [ $side = real ]; then uri=$REAL_URI; else uri=$OURS_URI; fi
    virsh -q -c "$uri" create "$IT_DIR/con.xml" >/dev/null || exit 1
done
/usr/bin/python3 - "$REAL_URI" "$OURS_URI" "$ROUNDS" <<'PY'
import os, pty, select, statistics, sys, time
real, ours, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])

def console(uri):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("virsh", ["virsh", "-c", uri, "console", "bcon"])
    return pid, fd

def read_until(fd, what, timeout=30):
    out, end = b"", time.monotonic() + timeout
    while what not in out and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            out += os.read(fd, 4096)
    return what in out

sessions = {}
for name, uri in (("real", real), ("ours", ours)):
    pid, fd = console(uri)
    read_until(fd, b"Escape character is")
    # The guest is up once it answers.
    for _ in range(60):
        os.write(fd, b"ping\r")
        if read_until(fd, b"got ping", 1):
            break
    sessions[name] = (pid, fd)
times = {"real": [], "ours": []}
for i in range(rounds * 20):
    for name, (pid, fd) in sessions.items():
        word = b"w%d" % i
        t0 = time.monotonic()
        os.write(fd, word + b"\r")
        ok = read_until(fd, b"got " + word, 5)
        times[name].append((time.monotonic() - t0) * 1000 if ok else float("inf"))
for name, (pid, fd) in sessions.items():
    os.write(fd, b"\x1d")
    os.waitpid(pid, 0)
o, r = statistics.median(times["ours"]), statistics.median(times["real"])
print("%-44s %10.2f %10.2f %10s %8.2f" % ("virsh console round trip (ms, median)", o, r, "-", o / r))
PY
for side in real ours; do
    if [ $side = real ]; then uri=$REAL_URI; else uri=$OURS_URI; fi
    virsh -q -c "$uri" destroy bcon >/dev/null 2>&1
    virsh -q -c "$uri" pool-destroy bp >/dev/null 2>&1
done
exit 0

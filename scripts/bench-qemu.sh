#!/usr/bin/env bash
# bench-qemu.sh [BUILD_DIR]: the QEMU driver's section of scripts/bench.sh
# (`bench.sh --qemu` or `--qemu-only` runs it; it also runs alone, on a
# built tree). Our qemu:///system against real libvirtd 9.0's QEMU driver
# and against the bare floor, in one run, with real VMs (the payload guest,
# TCG, 128 MiB); prints one table of medians and p99 in milliseconds.
#
# Started, all private and stopped at exit (VMs included):
#   real   real libvirtd 9.0, QEMU driver only (tests/qemu/real-qemu.sh),
#          logging warnings only (REAL_LIBVIRTD_LOG_FILTERS, default 3:*:
#          the tests' default logs every QMP message)
#   ours   build/src/libvirtd, socket-activated, its state under
#          qemu_root (tests/qemu/lib.sh's q_ours_start)
#   floor  tests/bench/qemu-floor: QEMU forked and exec'd with real's
#          command line for the same domain, QMP greeting, qmp_capabilities
#          and cont; SIGTERM and waitpid
# tests/bench/qemu-bench.py drives them (real virsh and python3-libvirt:
# the clients users run). Needs root, the packages scripts/install-deps.sh
# installs and, once per machine, a Debian mirror for the payload. About
# two minutes; BENCH_SCALE=N multiplies the rounds (0.3: a quick look).
# Exit status 0; 77 when a prerequisite is missing (said on stderr).
set -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
SCALE=${BENCH_SCALE:-1}
export LIBVIRTD=$BUILD/src/libvirtd
FLOOR=$BUILD/tests/bench/qemu-floor
for f in "$LIBVIRTD" "$FLOOR"; do
    [ -x "$f" ] || { echo "bench-qemu.sh: $f is missing (build first)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench-qemu.sh: needs root (real libvirtd's qemu:///system)" >&2; exit 77; }
/usr/bin/python3 -c 'import libvirt' 2>/dev/null ||
    { echo "bench-qemu.sh: /usr/bin/python3 has no libvirt (package python3-libvirt)" >&2; exit 77; }

# Short socket paths, and nothing under /tmp that others clean.
export TMPDIR=${BENCH_TMPDIR:-/var/tmp}
export REAL_LIBVIRTD_LOG_FILTERS=${REAL_LIBVIRTD_LOG_FILTERS:-3:*}
. "$ROOT/tests/qemu/lib.sh"
q_setup
# Both daemons' run directories (status, pid and lock files, sockets'
# neighbours) on tmpfs, as /run is on the hosts they serve: a status file
# fsync'd on a disk costs 0.3-0.5 ms here, on tmpfs nothing, and both
# drivers write one at every state change (ours fsyncs more of them).
# BENCH_QEMU_RUN=disk keeps them under the temporary directory instead.
RUNFS=
if [ "${BENCH_QEMU_RUN:-tmpfs}" = tmpfs ]; then
    RUNFS=$(mktemp -d /dev/shm/lv-bench.XXXXXX) || exit 1
    trap 'q_cleanup; rm -rf "$RUNFS"; it_cleanup' EXIT
    for d in real ours; do
        mkdir -p "$IT_DIR/$d" "$RUNFS/$d" && ln -s "$RUNFS/$d" "$IT_DIR/$d/run" || exit 1
    done
fi
q_payload
q_real_start
q_ours_start
W=$IT_DIR/bench
mkdir -p "$W"
chmod 755 "$W"

# The floor runs what real libvirt runs for tests/qemu/data/scenario.xml
# (its log, DIR/var/log/libvirt/qemu/NAME.log), with the serial file
# opened by QEMU rather than passed with -add-fd and without -uuid.
head -c 32 /dev/urandom >"$W/master-key.aes"
QEMU_ARGV=(/usr/bin/qemu-system-x86_64
    -name guest=floor,debug-threads=on -S
    -object "{\"qom-type\":\"secret\",\"id\":\"masterKey0\",\"format\":\"raw\",\"file\":\"$W/master-key.aes\"}"
    -machine pc-i440fx-7.2,usb=off,dump-guest-core=off,memory-backend=pc.ram
    -accel tcg -cpu qemu64 -m 128
    -object '{"qom-type":"memory-backend-ram","id":"pc.ram","size":134217728}'
    -overcommit mem-lock=off -smp 1,sockets=1,cores=1,threads=1 -display none
    -no-user-config -nodefaults -rtc base=utc -no-shutdown -boot strict=on
    -kernel "$PAYLOAD/vmlinuz" -initrd "$PAYLOAD/initrd.gz"
    -append 'console=ttyS0 quiet panic=-1'
    -device '{"driver":"piix3-usb-uhci","id":"usb","bus":"pci.0","addr":"0x1.0x2"}'
    -chardev "file,id=charserial0,path=$W/floor.serial,append=on"
    -device '{"driver":"isa-serial","chardev":"charserial0","id":"serial0","index":0}'
    -audiodev '{"id":"audio1","driver":"none"}'
    -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny
    -msg timestamp=on)

declare -A F
while read -r key rest; do
    F[$key]=$rest
done < <(/usr/bin/python3 -I "$ROOT/tests/bench/qemu-bench.py" "$REAL_URI" "$OURS_URI" \
    "$FLOOR" "$W" "$ROOT/tests/qemu/data/scenario.xml" "$PAYLOAD" "$SCALE" -- "${QEMU_ARGV[@]}" \
    2>"$W/progress" || echo "FAILED")
if [ -n "${F[FAILED]+x}" ] || [ -z "${F[api_event_ours]:-}" ]; then
    echo "bench-qemu.sh: the QEMU benchmark failed:" >&2
    tail -20 "$W/progress" >&2
    exit 1
fi

ms() { awk -v v="$1" 'BEGIN { if (v == "-") print "-"; else printf "%.2f", v / 1000 }'; }
fig() { # fig KEY -> "median p99" in ms
    local m p
    read -r m p _ <<<"${F[$1]}"
    echo "$(ms "$m") $(ms "$p")"
}
sum() { # sum KEY KEY -> "median -": the two medians added
    local a b
    read -r a _ <<<"${F[$1]}"
    read -r b _ <<<"${F[$2]}"
    echo "$(ms "$(awk -v a="$a" -v b="$b" 'BEGIN { print a + b }')") -"
}
printf '%-50s %9s %9s %9s %9s %7s %7s\n' "measurement (ms)" "ours" "ours p99" "other" "other p99" "ratio" "target"
printf '%s\n' "$(printf '%.0s-' {1..107})"
row() { # row LABEL "median p99" "median p99" TARGET
    local a1 a2 b1 b2
    read -r a1 a2 <<<"$2"
    read -r b1 b2 <<<"$3"
    printf '%-50s %9s %9s %9s %9s %7s %7s\n' "$1" "$a1" "$a2" "$b1" "$b2" \
        "$(awk -v a="$a1" -v b="$b1" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" "$4"
}
vs() { # vs LABEL KEY TARGET: ours against real
    row "$1" "$(fig "${2}_ours")" "$(fig "${2}_real")" "$3"
}
vs "open+close qemu:///system (api) vs real" api_open -
vs "virsh uri (a virsh process, nothing else) vs real" v_uri -
vs "virsh start vs real" v_start "<=0.3"
vs "virDomainCreate (api) vs real" api_start "<=0.3"
row "virDomainCreate (api) vs floor" "$(fig api_start_ours)" "$(fig floor_start)" "<=1.5"
row "virsh start vs floor + virsh uri" "$(fig v_start_ours)" "$(sum floor_start v_uri_ours)" "<=1.5"
row "real: virDomainCreate (api) vs floor" "$(fig api_start_real)" "$(fig floor_start)" -
vs "virsh destroy vs real" v_destroy "<=0.2"
vs "virDomainDestroy (api) vs real" api_destroy "<=0.2"
row "virDomainDestroy (api) vs floor" "$(fig api_destroy_ours)" "$(fig floor_destroy)" -
vs "suspend+resume round trip (api) vs real" api_susres -
vs "virDomainSuspend (api) vs real" api_suspend -
vs "virsh list --all, 1 defined vs real" v_list1 -
vs "virsh list --all, 100 defined vs real" v_list100 -
vs "virsh list --all, 1000 defined vs real" v_list1000 "<=0.5"
row "virsh list --all, 1000: ours' test driver vs real" "$(fig v_testlist1000_ours)" "$(fig v_list1000_real)" -
row "virsh list --all, 1000: real's test driver vs real" "$(fig v_testlist1000_real)" "$(fig v_list1000_real)" -
vs "virConnectListAllDomains, 1000 (api) vs real" api_listall1000 -
vs "virDomainDefineXML, ~1000 defined (api) vs real" api_define1000 -
vs "suspend on A -> event on B vs real" api_event "<=1.0"
printf '%s\n' "$(printf '%.0s-' {1..107})"
echo "ratio: ours over other (real libvirt 9.0's QEMU driver, or the floor); (api): one call timed in python3-libvirt on an open connection; virsh: the whole /usr/bin/virsh process"
if [ -n "$RUNFS" ]; then
    echo "run directories: on tmpfs ($RUNFS; BENCH_QEMU_RUN=disk: on disk)"
else
    echo "run directories: on disk, under $IT_DIR"
fi
if [ -n "${F[races_ours]:-}" ]; then
    read -r ro rn _ <<<"${F[races_ours]}"
    read -r rr rrn _ <<<"${F[races_real]}"
    echo "starts refused with 'domain is already running' right after a destroy had returned" \
        "(retried, not timed): ours $ro of $rn, real $rr of $rrn"
fi
echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), kernel $(uname -r), $(qemu-system-x86_64 --version | head -1)"

# Streams: volume upload and download over unix and TLS, and the console's
# round trip (tests/bench/stream-bench.sh, its own daemons and a guest).
echo
bash "$ROOT/tests/bench/stream-bench.sh" || echo "stream-bench: failed (exit $?)"

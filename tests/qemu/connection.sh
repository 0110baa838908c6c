#!/bin/bash
# The QEMU driver's connection against real libvirtd 9.0's, through real
# virsh and python3-libvirt: version, capabilities, domcapabilities
# (default, --virttype qemu --arch x86_64 --machine pc, and others, with
# their errors), nodeinfo, hostname, uri, maxvcpus, sysinfo, freecell,
# nodememstats, nodecpustats; identical after normalizing only what is
# random or changes by itself:
#
#   - the host UUID in <capabilities>: this host has no SMBIOS UUID, and
#     real libvirt then makes up a random one each time it starts (ours is
#     derived from /etc/machine-id, so that every connection of one host
#     says the same: checked to be a UUID and stable below);
#   - the socket path in `virsh uri` (each daemon has its own directory);
#   - the numbers of freecell, nodememstats and nodecpustats (free memory,
#     buffers and CPU times change between two calls of the same daemon;
#     the keys, the cells and the layout are compared, and free memory
#     must agree within 10%).
#
# Real libvirtd runs in a mount namespace pinned to one CPU
# (REAL_LIBVIRTD_PIN_CPU, tests/qemu/real-qemu.sh); ours is not pinned. The
# host facts read from sysfs and /proc (nodeinfo, topology, caches,
# nodecpustats) do not depend on the CPU a process runs on, and the host
# CPU's CPUID leaves that <capabilities> decodes are the same on every CPU
# of a host but for the APIC ids, which are not reported: so nothing is
# normalized for the pinning, and the comparison itself is the check.
#
# The host facts a define takes from the capabilities (qdrv_env, through
# tests/qemu/test-qemu-env: arch, emulator, machine, CPU model, and the
# refusals) against real's defines; UUIDs are random there and normalized.
#
# Then qemu:///session from a daemon running as nobody (the XDG paths), and
# the capabilities cache: with wrappers of the emulators first on our
# daemon's PATH (each records its starts), a first connection probes each
# emulator, a second one starts no QEMU at all (the cache under
# qemu_root/var/cache/libvirt/qemu/capabilities), and touching the x86_64
# wrapper (a new mtime) makes the next connection probe that one again,
# and only that one, with the same capabilities as before.
. "$(dirname "$0")/lib.sh"
q_setup
PY=/usr/bin/python3  # python3-libvirt is in the system python, not a pyenv
"$PY" -c "import libvirt" 2>/dev/null || it_skip "python3-libvirt is not installed"
q_real_start
q_ours_start

fails=0 checks=0
ok() { checks=$((checks + 1)); echo "ok   $*"; }
bad() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL $*"; }

# What each daemon answers, one command at a time, stdout and stderr.
run() { # URI NAME VIRSH-ARGS...
    local uri=$1 name=$2
    shift 2
    virsh -c "$uri" "$@" >"$IT_DIR/$name.out" 2>"$IT_DIR/$name.err"
    echo "exit $?" >>"$IT_DIR/$name.err"
}

norm() { # FILE KIND
    case $2 in
    capabilities) sed -E 's#<uuid>[0-9a-f-]{36}</uuid>#<uuid>UUID</uuid>#' "$1" ;;
    uri) sed -E 's#socket=[^ ]*/sock/libvirt-sock#socket=SOCK#' "$1" ;;
    numbers) sed -E 's/[0-9]+/N/g' "$1" ;;
    *) cat "$1" ;;
    esac
}

compare() { # KIND VIRSH-ARGS...
    local kind=$1 label
    shift
    label="virsh $*"
    run "$REAL_URI" real "$@"
    run "$OURS_URI" ours "$@"
    if diff -u <(norm "$IT_DIR/real.out" "$kind"; cat "$IT_DIR/real.err") \
        <(norm "$IT_DIR/ours.out" "$kind"; cat "$IT_DIR/ours.err") >"$IT_DIR/diff"; then
        ok "$label"
    else
        bad "$label"
        sed 's/^/    /' "$IT_DIR/diff" | head -40
    fi
}

compare plain version
compare capabilities capabilities
compare plain domcapabilities
compare plain domcapabilities --virttype qemu --arch x86_64 --machine pc
compare plain domcapabilities --virttype kvm
compare plain domcapabilities --machine q35
compare plain domcapabilities --arch i686
compare plain domcapabilities --arch i686 --virttype qemu
compare plain domcapabilities --emulatorbin /usr/bin/qemu-system-x86_64 --machine isapc
compare plain domcapabilities --machine microvm --virttype qemu
compare plain domcapabilities --arch sparc
compare plain domcapabilities --arch nosuch
compare plain domcapabilities --virttype xen
compare plain domcapabilities --virttype nosuch
compare plain domcapabilities --machine nosuch
compare plain domcapabilities --emulatorbin /usr/bin/qemu-system-i386 --arch x86_64
compare plain domcapabilities --emulatorbin /nonexistent
cp /usr/bin/qemu-system-x86_64 "$IT_DIR/qemu-copy" # any binary is probed
compare plain domcapabilities --emulatorbin "$IT_DIR/qemu-copy" --virttype qemu
compare plain nodeinfo
compare plain hostname
compare uri uri
compare plain maxvcpus
compare plain maxvcpus --type kvm
compare plain sysinfo
compare numbers freecell
compare numbers freecell --all
compare numbers freecell 0
compare numbers nodememstats
compare numbers nodememstats 0
compare numbers nodecpustats
compare numbers nodecpustats 1
compare numbers nodecpustats 99
compare plain nodecpumap
compare plain nodecpumap --pretty
compare plain cpu-models x86_64
compare plain cpu-models aarch64
compare plain cpu-models riscv64
compare plain cpu-models arm
D=$(cd "$(dirname "$0")/../data" && pwd)
compare plain cpu-baseline "$D/cpu-haswell.xml"
compare plain cpu-baseline --features "$D/cpu-two-hosts.xml"
compare plain cpu-baseline "$D/cpu-invtsc.xml"
compare plain cpu-baseline --migratable "$D/cpu-invtsc.xml"
compare plain cpu-baseline --migratable --features "$D/cpu-invtsc.xml"
compare plain cpu-baseline "$D/cpu-guest.xml"

# The calls virsh does not make, through python3-libvirt; the numbers that
# change by themselves are printed as their type.
api() { # URI
    "$PY" - "$1" <<'PY' 2>&1
import sys, libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
c = libvirt.open(sys.argv[1])
def show(what, f):
    try:
        print(what, f())
    except libvirt.libvirtError as e:
        print(what, "error", e.get_error_code(), e.get_error_domain(), e.get_error_message())
show("getVersion", c.getVersion)
show("getMaxVcpus(None)", lambda: c.getMaxVcpus(None))
show("getMaxVcpus(qemu)", lambda: c.getMaxVcpus("qemu"))
show("getMaxVcpus(kvm)", lambda: c.getMaxVcpus("kvm"))
show("getMaxVcpus(xen)", lambda: c.getMaxVcpus("xen"))
show("getInfo", c.getInfo)
show("getCellsFreeMemory", lambda: [type(v).__name__ for v in c.getCellsFreeMemory(0, 8)])
show("getCellsFreeMemory(5)", lambda: c.getCellsFreeMemory(5, 1))
show("getMemoryStats", lambda: sorted(c.getMemoryStats(-1).keys()))
show("getMemoryStats(0)", lambda: sorted(c.getMemoryStats(0).keys()))
show("getMemoryStats(7)", lambda: c.getMemoryStats(7))
show("getCPUStats", lambda: sorted(c.getCPUStats(-1).keys()))
show("getCPUMap", c.getCPUMap)
show("getCPUModelNames", lambda: c.getCPUModelNames("x86_64"))
show("getCPUModelNames(flags)", lambda: c.getCPUModelNames("x86_64", 1))
show("getCPUModelNames(arm)", lambda: c.getCPUModelNames("arm"))
show("getSysinfo", lambda: c.getSysinfo(0))
show("getType", c.getType)
PY
}
if diff -u <(api "$REAL_URI") <(api "$OURS_URI") >"$IT_DIR/diff"; then
    ok "python3-libvirt: versions, max vcpus, node info, cells, stats, sysinfo"
else
    bad "python3-libvirt: versions, max vcpus, node info, cells, stats, sysinfo"
    sed 's/^/    /' "$IT_DIR/diff"
fi

# Free memory agrees within 10%, and our host UUID is one, stable.
"$PY" - "$REAL_URI" "$OURS_URI" <<'PY' && ok "free memory within 10%" || bad "free memory within 10%"
import sys, libvirt
a, b = (libvirt.open(u).getFreeMemory() for u in sys.argv[1:])
sys.exit(0 if abs(a - b) <= 0.1 * max(a, b) else 1)
PY
u1=$(virsh -c "$OURS_URI" capabilities | grep -o '<uuid>[^<]*' | head -1)
u2=$(virsh -c "$OURS_URI" capabilities | grep -o '<uuid>[^<]*' | head -1)
if [[ $u1 =~ ^\<uuid\>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ && $u1 == "$u2" ]]; then
    ok "our host UUID is a UUID, the same on every connection"
else
    bad "our host UUID is a UUID, the same on every connection ($u1, $u2)"
fi

# ---- the host facts the domain XML's QEMU rules get (qdrv_env) ----
# A define fills in what a domain does not say from the probed
# capabilities: the arch, the emulator, the machine (canonical), the CPU
# model (the machine's default, qemu32 for qemu-system-i386), and refuses
# an emulator that does not serve the arch. test-qemu-env parses each
# file with them, as our define does; real libvirtd defines it.
ENV_TOOL=${1:-$(dirname "$LIBVIRTD")/../tests/qemu/test-qemu-env}
E=$IT_DIR/env
mkdir -p "$E/xml"
dom() { # NAME TYPE-ATTRS [DEVICES]
    printf "<domain type='qemu'><name>%s</name><memory>131072</memory><os><type %s>hvm</type></os><devices>%s</devices></domain>\n" \
        "$1" "$2" "${3:-}" >"$E/xml/$1.xml"
}
dom plain ""
dom i686 "arch='i686'"
dom i686pc "arch='i686' machine='pc'"
dom alias "arch='x86_64' machine='pc'"
dom old "machine='pc-i440fx-2.0'"
dom sparc "arch='sparc'"
dom nomachine "machine='nosuch'"
dom emu386 "" "<emulator>/usr/bin/qemu-system-i386</emulator>"
dom emu386arch "arch='i686'" "<emulator>/usr/bin/qemu-system-i386</emulator>"
dom emu64i686 "arch='i686'" "<emulator>/usr/bin/qemu-system-x86_64</emulator>"
dom emunone "" "<emulator>/nonexistent</emulator>"
sed "s/type='qemu'/type='kvm'/; s/<name>plain/<name>kvm/" "$E/xml/plain.xml" >"$E/xml/kvm.xml"
for f in "$E"/xml/*.xml; do
    n=$(basename "$f" .xml)
    echo "== $n.xml"
    if virsh -c "$REAL_URI" define "$f" >/dev/null 2>"$E/err"; then
        virsh -c "$REAL_URI" dumpxml --inactive "$n" | grep -v '^$'
        virsh -c "$REAL_URI" undefine "$n" >/dev/null
    else
        tail -1 "$E/err"
    fi
done >"$E/real"
"$ENV_TOOL" "$E/root" "$E"/xml/*.xml >"$E/ours" 2>&1
if diff -u <(sed -E 's#<uuid>.*</uuid>#<uuid/>#' "$E/real") \
    <(sed -E 's#<uuid>.*</uuid>#<uuid/>#' "$E/ours") >"$IT_DIR/diff"; then
    ok "the QEMU rules' host facts: $(grep -c '^== ' "$E/real") defines identical"
else
    bad "the QEMU rules' host facts"
    sed 's/^/    /' "$IT_DIR/diff" | head -40
fi

# ---- the capabilities cache ----
C=$IT_DIR/cache
mkdir -p "$C/bin" "$C/sock"
for b in qemu-system-x86_64 qemu-system-i386; do
    printf '#!/bin/sh\necho "$0" >>%s/starts\nexec /usr/bin/%s "$@"\n' "$C" "$b" >"$C/bin/$b"
    chmod 755 "$C/bin/$b"
done
printf 'unix_sock_dir = "%s"\nqemu_root = "%s"\n' "$C/sock" "$C" >"$C/libvirtd.conf"
systemd-socket-activate --accept -E PATH="$C/bin:/usr/bin:/bin" \
    -l "$C/sock/libvirt-sock" "$LIBVIRTD" -f "$C/libvirtd.conf" 2>>"$C/daemon.log" &
IT_PIDS+=($!)
it_wait_socket "$C/sock/libvirt-sock" || { echo "FAIL: the cache daemon's socket" >&2; exit 1; }
CU="qemu+unix:///system?socket=$C/sock/libvirt-sock"
starts() { grep -c "/$1\$" "$C/starts" 2>/dev/null || echo 0; }

virsh -c "$CU" capabilities >"$C/caps1" 2>&1
x1=$(starts qemu-system-x86_64) i1=$(starts qemu-system-i386)
if [ "$x1" -ge 1 ] && [ "$i1" -ge 1 ] && grep -q "<emulator>$C/bin/qemu-system-x86_64<" "$C/caps1"; then
    ok "first connection probes each emulator (x86_64: $x1 QEMU starts, i386: $i1)"
else
    bad "first connection probes each emulator (x86_64: $x1, i386: $i1)"
    head -5 "$C/caps1" "$C/daemon.log"
fi
n=$(ls "$C/var/cache/libvirt/qemu/capabilities/" 2>/dev/null | wc -l)
[ "$n" = 2 ] && ok "the cache holds both emulators" || bad "the cache holds both emulators ($n files)"

virsh -c "$CU" capabilities >"$C/caps2" 2>&1
virsh -c "$CU" 'version; domcapabilities' >/dev/null 2>&1
x2=$(starts qemu-system-x86_64) i2=$(starts qemu-system-i386)
if [ "$x2" = "$x1" ] && [ "$i2" = "$i1" ] && cmp -s "$C/caps1" "$C/caps2"; then
    ok "later connections use the cache: no QEMU started, the same capabilities"
else
    bad "later connections use the cache (x86_64 starts $x1 -> $x2, i386 $i1 -> $i2)"
    diff "$C/caps1" "$C/caps2" | head
fi

touch -d '2001-02-03 04:05:06' "$C/bin/qemu-system-x86_64"
virsh -c "$CU" capabilities >"$C/caps3" 2>&1
x3=$(starts qemu-system-x86_64) i3=$(starts qemu-system-i386)
if [ "$x3" -gt "$x2" ] && [ "$i3" = "$i2" ] && cmp -s "$C/caps1" "$C/caps3"; then
    ok "a touched emulator is probed again, alone, with the same result ($((x3 - x2)) starts)"
else
    bad "a touched emulator is probed again (x86_64 starts $x2 -> $x3, i386 $i2 -> $i3)"
    diff "$C/caps1" "$C/caps3" | head
fi
virsh -c "$CU" version >/dev/null 2>&1
[ "$(starts qemu-system-x86_64)" = "$x3" ] && ok "and cached again" ||
    bad "and cached again ($(starts qemu-system-x86_64) starts)"

# ---- qemu:///session: a daemon not running as root ----
# It serves the session only, with libvirt's XDG layout under the user's
# home (no XDG_RUNTIME_DIR: the run directory is in the cache directory).
# Skipped where nobody cannot run the build (a home that others cannot
# enter).
S=$IT_DIR/session
mkdir -p "$S/home" && chmod 777 "$S" "$S/home"
printf 'unix_sock_dir = "%s"\nunix_sock_rw_perms = "0777"\n' "$S" >"$S/libvirtd.conf"
if runuser -u nobody -- test -x "$LIBVIRTD" -a -r "$S/libvirtd.conf" 2>/dev/null; then
    runuser -u nobody -- systemd-socket-activate --accept -E HOME="$S/home" \
        -l "$S/libvirt-sock" "$LIBVIRTD" -f "$S/libvirtd.conf" 2>>"$S/daemon.log" &
    IT_PIDS+=($!)
    it_wait_socket "$S/libvirt-sock" || { echo "FAIL: the session daemon's socket" >&2; exit 1; }
    got=$(virsh -c "qemu+unix:///session?socket=$S/libvirt-sock" version 2>&1 | tail -2 | head -1)
    sys=$(virsh -c "qemu+unix:///system?socket=$S/libvirt-sock" version 2>&1 | tail -1)
    H=$S/home
    if [ "$got" = "$(virsh -c "$REAL_URI" version | tail -2 | head -1)" ] &&
        [ "$sys" = "error: internal error: unexpected QEMU URI path '/system', try qemu:///session" ] &&
        [ -d "$H/.config/libvirt/qemu/lib" ] && [ -d "$H/.cache/libvirt/qemu/run" ] &&
        [ -d "$H/.cache/libvirt/qemu/log" ] &&
        [ "$(ls "$H/.cache/libvirt/qemu/cache/capabilities" | wc -l)" = 2 ]; then
        ok "qemu:///session as nobody: the XDG paths, and qemu:///system refused"
    else
        bad "qemu:///session as nobody ($got; $sys)"
        find "$H" | sed 's/^/    /' | head -20
    fi
else
    echo "skip qemu:///session: nobody cannot run $LIBVIRTD"
fi

echo "$((checks - fails)) passed, $fails failed"
[ "$fails" = 0 ]

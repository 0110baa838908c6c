# Shell helpers for the tests that run real VMs. Source it from bash:
#
#   . "$(dirname "$0")/qemu-lib.sh"
#   qemu_need                      # skip (77) unless everything is here
#   qemu_setup                     # $QT: a temp dir under /var/tmp; on exit
#                                  # every oracle started here is stopped and
#                                  # $QT removed (QEMU_KEEP=1 keeps it)
#   qemu_payload                   # $QT/payload/{vmlinuz,initrd.gz}
#   qemu_oracle_start real         # real libvirtd 9.0 in $QT/real: $QEMU_URI
#   qemu_domain_xml NAME SERIAL >F # a domain that boots the payload
#
# docs/testing-qemu.md says how the pieces fit.

QEMU_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QT=
QEMU_ORACLES=()

qemu_log() { printf '%s\n' "$*" >&2; }

qemu_skip() {
    qemu_log "SKIP: $*"
    exit 77
}

# qemu_need: skips the test unless it can run here: root, real libvirt
# 9.0's daemon, virsh and QEMU driver, QEMU, python3, and the tools the
# payload is made with. scripts/install-deps.sh installs all of them, so
# CI skips nothing.
qemu_need() {
    local v p
    [ "$(id -u)" -eq 0 ] || qemu_skip "not root: the oracle runs libvirtd as root in a mount namespace"
    for p in /usr/sbin/libvirtd:libvirt-daemon /usr/bin/virsh:libvirt-clients \
        /usr/bin/qemu-system-x86_64:qemu-system-x86 /usr/bin/python3:python3 \
        /usr/bin/dpkg-deb:dpkg /usr/bin/apt-get:apt /usr/bin/flock:util-linux; do
        [ -x "${p%%:*}" ] || qemu_skip "${p%%:*} not found (Debian package ${p##*:}; scripts/install-deps.sh installs it)"
    done
    compgen -G '/usr/lib/*/libvirt/connection-driver/libvirt_driver_qemu.so' >/dev/null ||
        qemu_skip "libvirt's QEMU driver not found (Debian package libvirt-daemon-driver-qemu; scripts/install-deps.sh installs it)"
    v=$(/usr/bin/virsh --version 2>/dev/null)
    case $v in
    9.0.*) ;;
    *) qemu_skip "virsh is '$v'; the oracle is libvirt 9.0" ;;
    esac
}

qemu_cleanup() {
    local d
    # A subshell that inherited the trap must not stop anything.
    [ "$BASHPID" = "$$" ] || return 0
    for d in "${QEMU_ORACLES[@]}"; do
        "$QEMU_TESTS/real-qemu.sh" stop "$d" || qemu_log "warning: real-qemu.sh stop $d failed"
    done
    QEMU_ORACLES=()
    if [ -n "$QT" ] && [ -z "${QEMU_KEEP:-}" ]; then
        rm -rf -- "$QT"
    fi
}

# qemu_setup: $QT, a new directory under /var/tmp (QEMU and the daemon's
# sockets need short paths that every user can traverse).
qemu_setup() {
    QT=$(mktemp -d /var/tmp/qemu-test.XXXXXX) || exit 1
    chmod 755 "$QT"
    trap qemu_cleanup EXIT
    trap 'exit 130' INT TERM HUP
}

# qemu_payload: builds (or copies from the cache) $QT/payload. A failure
# is a test failure, not a skip: the payload needs only apt and a mirror,
# which CI has.
qemu_payload() {
    "$QEMU_TESTS/payload.sh" "$QT/payload" || {
        qemu_log "FAIL: tests/qemu/payload.sh could not make the guest"
        exit 1
    }
}

# qemu_oracle_start NAME: starts real libvirtd in $QT/NAME (stopped on
# exit) and sets QEMU_URI to its URI.
qemu_oracle_start() {
    QEMU_ORACLES+=("$QT/$1")
    QEMU_URI=$("$QEMU_TESTS/real-qemu.sh" start "$QT/$1")
}

# qemu_domain_xml NAME SERIAL: a TCG domain booting $QT/payload with its
# serial port written to the file SERIAL.
qemu_domain_xml() {
    cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$QT/payload/vmlinuz</kernel>
    <initrd>$QT/payload/initrd.gz</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='file'><source path='$2'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}

# qemu_wait TENTHS CMD...: runs CMD every 0.1 s until it succeeds, at most
# TENTHS times.
qemu_wait() {
    local n=$1 i
    shift
    for ((i = 0; i < n; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

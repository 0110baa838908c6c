#!/bin/bash
# Installs what building and testing need on Debian 12 (run as root, or with
# sudo available). Does nothing when everything is already installed.
#
# Every program a test needs is here: a test whose prerequisite is missing
# exits 77 and meson counts it as skipped, so a run after this script
# (CI's) must show "Skipped: 0".
set -eu

PACKAGES=(
    # build
    meson ninja-build pkg-config gcc libc6-dev rpcsvc-proto
    libtirpc-dev libgnutls28-dev libsystemd-dev libxml2-dev
    # the static libvirtd-full: archives of what gnutls links (without
    # them it is built dynamically, and TLS connections start slower)
    nettle-dev libgmp-dev libtasn1-6-dev libidn2-dev libunistring-dev
    libbrotli-dev libzstd-dev
    # run: systemd-socket-activate
    systemd
    # ss: the attack tests find a connection's serving process with it, and
    # every test that starts a daemon on a port checks with it that the
    # daemon (and not another program) listens there
    iproute2
    # prlimit (the fd-exhaustion and connection-limit checks), pgrep and ps
    # (a daemon's children)
    util-linux procps
    # the interop tests: real libvirt 9.0 as the oracle
    libvirt-daemon libvirt-clients python3 python3-libvirt perl
    # real libvirt's headers and pkg-config file: api-check, faults and the
    # benchmark are also built against Debian's libvirt.so (the real-client
    # halves of the client tests, the pair rows of scripts/bench.sh)
    libvirt-dev
    # the deployment tests: a real xinetd and sshd on loopback, netcat for
    # ssh's default remote side
    xinetd openssh-server openssh-client netcat-openbsd
    # the TLS tests: certtool makes their PKI
    gnutls-bin
    # the valgrind test: every per-connection process under memcheck
    valgrind
    # the fuzz run: clang with libFuzzer and the sanitizer runtimes
    clang libclang-rt-14-dev
    # the QEMU tests (tests/qemu): real libvirtd 9.0's QEMU driver as the
    # oracle, QEMU to run the guests (TCG), and for the guest payload,
    # which tests/qemu/payload.sh fetches with apt-get download and
    # unpacks (dpkg-deb), xz and zstd for kernels whose modules are
    # compressed; flock (util-linux, above) guards its cache
    libvirt-daemon-driver-qemu qemu-system-x86 xz-utils zstd
    # the storage pools of the QEMU tests: qemu-img for qcow2 volumes (ours
    # and real's; real's storage driver is in libvirt-daemon)
    qemu-utils
    # the QEMU tests' other real clients: virt-install, virt-xml and
    # virt-clone (tests/qemu/virtinst.sh; python3-libvirt is above), and
    # virt-manager headless on an X virtual framebuffer
    # (tests/qemu/virt-manager.sh; xvfb-run needs xauth)
    virtinst virt-manager xvfb xauth
)

# A Debian host booted with systemd has kernel.pid_max = 4194304 (systemd's
# 50-pid-max.conf); one without systemd as PID 1 keeps the kernel's 32768.
# The suite starts tens of thousands of processes, so PIDs then come round
# within one test script, which bash 5.2 mishandles: a `wait PID` for a job
# that has exited never returned (client-interop.sh, twice on a loaded
# machine). Set what systemd would set.
if [ "$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 4194304)" -lt 4194304 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo 4194304 >/proc/sys/kernel/pid_max 2>/dev/null ||
            echo "install-deps: warning: cannot raise kernel.pid_max" >&2
    elif command -v sudo >/dev/null; then
        sudo sysctl -q kernel.pid_max=4194304 ||
            echo "install-deps: warning: cannot raise kernel.pid_max" >&2
    fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# No recommends: the QEMU driver and QEMU would otherwise pull in swtpm,
# OVMF, the GUI and friends, which no test uses.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"

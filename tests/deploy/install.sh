#!/bin/bash
# `meson install` into a DESTDIR places the daemon's parts where a
# distribution puts them: libvirtd in sbindir, virt-ssh-helper in bindir,
# the units in systemd's unit directory, the generator in its generator
# directory, libvirtd.conf in SYSCONFDIR/libvirt, the xinetd services in
# SYSCONFDIR/xinetd.d and the docs in DATADIR/doc. The installed units
# name the installed daemon, and the client library, headers and pkg-config
# file go beside the system's libvirt (LIBDIR/libvirt-remote,
# INCLUDEDIR/libvirt-remote, libvirt-remote.pc; tests/deploy/install-host.sh
# installs onto the host's /usr/local, in a namespace, and uses both).
#
# Usage: BUILD_ROOT=build tests/deploy/install.sh

. "$(dirname "$0")/common.sh"
[ -n "${BUILD_ROOT:-}" ] && [ -f "$BUILD_ROOT/build.ninja" ] || { echo "BUILD_ROOT='${BUILD_ROOT:-}' is not a meson build directory" >&2; exit 1; }
command -v meson >/dev/null 2>&1 || it_skip "meson not on PATH"
it_setup

DEST=$IT_DIR/root
meson install -C "$BUILD_ROOT" --destdir "$DEST" --no-rebuild >"$IT_DIR/install.log" 2>&1 ||
    { cat "$IT_DIR/install.log"; exit 1; }

# The option values, as paths.
opts=$(meson introspect "$BUILD_ROOT" --buildoptions)
opt() { printf '%s' "$opts" | python3 -c 'import json,sys
o={x["name"]: x["value"] for x in json.load(sys.stdin)}
print(o.get(sys.argv[1], ""))' "$1"; }
PREFIX=$(opt prefix)
abs() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PREFIX" "$1" ;; esac; }
SBINDIR=$(abs "$(opt sbindir)")
BINDIR=$(abs "$(opt bindir)")
SYSCONFDIR=$(abs "$(opt sysconfdir)")
DATADIR=$(abs "$(opt datadir)")
LIBDIR=$(abs "$(opt libdir)")
INCLUDEDIR=$(abs "$(opt includedir)")
# Where systemd wants units and generators, rebased on our prefix.
UNITDIR=$(opt systemd_unit_dir)
GENDIR=$(opt systemd_generator_dir)
if [ -z "$UNITDIR" ]; then
    UNITDIR=$(pkg-config --define-variable=root_prefix="$PREFIX" \
        --variable=systemd_system_unit_dir systemd 2>/dev/null)
    UNITDIR=${UNITDIR:-$PREFIX/lib/systemd/system}
fi
if [ -z "$GENDIR" ]; then
    GENDIR=$(pkg-config --define-variable=root_prefix="$PREFIX" \
        --variable=systemd_system_generator_dir systemd 2>/dev/null)
    GENDIR=${GENDIR:-$PREFIX/lib/systemd/system-generators}
fi
XINETDDIR=$(opt xinetd_dir)
XINETDDIR=$(abs "${XINETDDIR:-$(opt sysconfdir)/xinetd.d}")

installed() { [ -e "$DEST$1" ] || { echo "  missing: $1"; return 1; }; }
executable() { [ -x "$DEST$1" ] && [ -f "$DEST$1" ] || { echo "  not an executable: $1"; return 1; }; }

check "libvirtd in sbindir ($SBINDIR)" executable "$SBINDIR/libvirtd"
# The static libvirtd's dynamic twin (not built with sanitizers or fuzzing).
if [ -e "$BUILD_ROOT/src/libvirtd-full" ]; then
    check "libvirtd-full (TLS) in sbindir" executable "$SBINDIR/libvirtd-full"
fi
check "virt-ssh-helper in bindir ($BINDIR)" executable "$BINDIR/virt-ssh-helper"
check "the generator in systemd's generator dir ($GENDIR)" executable "$GENDIR/libvirtd-generator"
for u in libvirtd libvirtd-ro libvirtd-tcp libvirtd-tls; do
    check "$u.socket and $u@.service in $UNITDIR" \
        bash -c "$(declare -f installed); DEST='$DEST'; installed '$UNITDIR/$u.socket' && installed '$UNITDIR/$u@.service'"
    check "$u@.service runs the installed libvirtd" \
        grep -Eq "^ExecStart=$SBINDIR/libvirtd(-full)? " "$DEST$UNITDIR/$u@.service"
done
tls_exec=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$DEST$UNITDIR/libvirtd-tls@.service")
check "libvirtd-tls@.service's program ($tls_exec) is installed" executable "$tls_exec"
check "libvirtd.conf in $SYSCONFDIR/libvirt" installed "$SYSCONFDIR/libvirt/libvirtd.conf"
check "the installed libvirtd.conf is the documented sample" \
    cmp -s "$DEST$SYSCONFDIR/libvirt/libvirtd.conf" "$SOURCE_ROOT/conf/libvirtd.conf"
for s in libvirtd-tcp libvirtd-tls; do
    check "xinetd service $s in $XINETDDIR, naming the installed libvirtd" \
        grep -Eq "server\s*=\s*$SBINDIR/libvirtd(-full)?$" "$DEST$XINETDDIR/$s"
done
for d in deployment.md configuration.md; do
    check "docs/$d in $DATADIR/doc" bash -c "ls '$DEST$DATADIR'/doc/*/'$d' >/dev/null 2>&1"
done
check "the installed sockets name the runtime directory" \
    grep -q "^ListenStream=$(opt runstatedir)/libvirt/libvirt-sock$" "$DEST$UNITDIR/libvirtd.socket"

# The client's parts: the library, its headers, pkg-config and virsh,
# beside the system's libvirt unless it is built to replace it.
if [ "$(opt replace_system_libvirt)" = True ]; then
    CLIBDIR=$LIBDIR CINCLUDEDIR=$INCLUDEDIR PC=libvirt
else
    CLIBDIR=$LIBDIR/libvirt-remote CINCLUDEDIR=$INCLUDEDIR/libvirt-remote PC=libvirt-remote
    check "client: no libvirt.so.0 in $LIBDIR, where the system's libvirt would load it" \
        test ! -e "$DEST$LIBDIR/libvirt.so.0"
    check "client: no headers in $INCLUDEDIR/libvirt" test ! -e "$DEST$INCLUDEDIR/libvirt"
fi
for f in "$CLIBDIR/libvirt.so.0" "$CINCLUDEDIR/libvirt/libvirt.h" \
    "$CINCLUDEDIR/libvirt/virterror.h" "$LIBDIR/pkgconfig/$PC.pc"; do
    check "client: $f" installed "$f"
done
check "client: $PC.pc's directories are where the files went" \
    bash -c "grep -qx 'libdir=\${prefix}${CLIBDIR#$PREFIX}' '$DEST$LIBDIR/pkgconfig/$PC.pc' &&
        grep -qx 'includedir=\${prefix}${CINCLUDEDIR#$PREFIX}' '$DEST$LIBDIR/pkgconfig/$PC.pc'"
check "virsh in bindir ($BINDIR)" executable "$BINDIR/virsh"

echo "installed files:"
(cd "$DEST" && find . -type f -o -type l | sort | sed 's/^\./    /')
finish

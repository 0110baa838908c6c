#!/bin/bash
# payload.sh OUTDIR: makes OUTDIR/vmlinuz and OUTDIR/initrd.gz, the guest the
# QEMU tests boot under TCG (about 2 s to ready). Kernel command line:
#
#   console=ttyS0 quiet panic=-1
#
# The kernel is Debian's cloud kernel; the initramfs is a static busybox, the
# ACPI button and evdev modules when the kernel has them as modules, and an
# init that starts busybox's acpid, prints "qemu-payload: up" on ttyS0 once a
# power-button press will be acted on, and powers the machine off
# (poweroff -f) when the button is pressed (virsh shutdown). Each line typed
# on ttyS0 afterwards is answered with "qemu-payload: got LINE".
#
# Nothing is installed on the host: the two .debs are fetched with
# `apt-get download` (apt-get update first when apt has no lists, as root)
# and only unpacked.
#
# Env: PAYLOAD_CACHE=DIR  where the .debs and the built files are kept for the
#        next build, which then needs no network (default
#        /var/tmp/libvirt-remote-$UID/payload; empty: no cache). The cache is
#        used only when it belongs to the caller and nobody else can write it.
#
# Exit status: 0 when both files are in OUTDIR (already there: nothing is
# done); 1 with a message otherwise, e.g. when the packages cannot be
# fetched; 2 on bad usage.
set -u -o pipefail
umask 022
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd) || exit 1
# Bump when the guest changes: cached builds of another recipe are not used.
RECIPE=3
MARKER='qemu-payload: up'
MODULES=(kernel/drivers/acpi/button.ko kernel/drivers/input/evdev.ko)

say() { echo "payload.sh: $*" >&2; }
fail() {
    say "$*"
    exit 1
}

[ $# -eq 1 ] && [ -n "$1" ] || {
    echo "usage: payload.sh OUTDIR" >&2
    exit 2
}
mkdir -p -- "$1" || fail "cannot create $1"
OUT=$(cd -- "$1" && pwd -P) || fail "cannot enter $1"

complete() { [ -s "$1/vmlinuz" ] && [ -s "$1/initrd.gz" ]; }
complete "$OUT" && exit 0

# copy_pair FROM TO: both files into TO, each through a temporary name and a
# rename, initrd.gz last, so TO never looks complete before it is.
copy_pair() {
    local f
    for f in vmlinuz initrd.gz; do
        cp -- "$1/$f" "$2/.$f.$$" && chmod 644 "$2/.$f.$$" &&
            mv -f -- "$2/.$f.$$" "$2/$f" || {
            rm -f -- "$2/.$f.$$"
            return 1
        }
    done
}

# mine DIR: DIR is a directory of the caller's that nobody else can write.
mine() { [ -d "$1" ] && [ ! -L "$1" ] && [ -O "$1" ] && [ $((0$(stat -c %a -- "$1") & 022)) -eq 0 ]; }
if [ "${PAYLOAD_CACHE+set}" = set ]; then
    CACHE=$PAYLOAD_CACHE
    TOP=$CACHE
else
    TOP=/var/tmp/libvirt-remote-$(id -u)
    CACHE=$TOP/payload
fi
if [ -n "$CACHE" ]; then
    mkdir -p -m 755 -- "$TOP" "$CACHE" 2>/dev/null
    # A cache in a shared place is used only if it is the caller's own:
    # whoever can write it chooses the kernel the tests boot.
    if ! mine "$TOP" || ! mine "$CACHE"; then
        say "warning: not using the cache $CACHE (not a directory of $(id -un)'s that only it can write)"
        CACHE=
    fi
fi
BUILT=${CACHE:+$CACHE/built-$RECIPE}

if [ -n "$CACHE" ]; then
    # One build at a time per cache; the others wait, then reuse it.
    exec 8>>"$CACHE/.lock" || fail "cannot open $CACHE/.lock"
    flock -w 600 8 || fail "another payload.sh holds $CACHE/.lock for more than 600 s"
    if complete "$BUILT"; then
        copy_pair "$BUILT" "$OUT" || fail "cannot copy the payload from $BUILT to $OUT"
        exit 0
    fi
fi

W=$(mktemp -d "$OUT/.payload.XXXXXX") || fail "cannot create a work directory in $OUT"
trap 'rm -rf -- "$W"' EXIT
DEBS=${CACHE:+$CACHE/debs}
DEBS=${DEBS:-$W/debs}
mkdir -p -- "$DEBS" || fail "cannot create $DEBS"

newest() { # GLOB: the newest file in DEBS matching it
    local f
    f=$(cd -- "$DEBS" && ls -1 -- $1 2>/dev/null | sort -V | tail -n 1)
    [ -n "$f" ] && echo "$DEBS/$f"
}

apt_lists_ready=
apt_lists() { # makes sure apt knows the packages (apt-get update once if not)
    [ -n "$apt_lists_ready" ] && return 0
    command -v apt-get >/dev/null || fail "apt-get not found: cannot fetch the payload's packages"
    if ! apt-cache show busybox-static >/dev/null 2>&1; then
        [ "$(id -u)" -eq 0 ] || fail "apt has no package lists and only root can run apt-get update"
        say "apt has no package lists: apt-get update"
        # apt-get update succeeds even when no mirror answers: look again.
        if ! apt-get -q -o DPkg::Lock::Timeout=300 update >"$W/update.log" 2>&1 ||
            ! apt-cache show busybox-static >/dev/null 2>&1; then
            grep -E '^(E|W):' "$W/update.log" | tail -n 5 >&2
            fail "apt-get update gave no package lists (is a Debian mirror reachable?)"
        fi
    fi
    apt_lists_ready=1
}

fetch() { # PACKAGE: its .deb, downloaded into DEBS
    local dl=$W/download
    apt_lists
    rm -rf -- "$dl"
    mkdir -p -- "$dl" || fail "cannot create $dl"
    say "downloading $1"
    # As root apt would download as _apt, who cannot write a private
    # directory; there is nothing to sandbox in a download.
    (cd -- "$dl" && apt-get -q -o APT::Sandbox::User="$(id -un)" download "$1") \
        >"$W/download.log" 2>&1 || {
        tail -n 5 "$W/download.log" >&2
        fail "cannot download $1 (is a Debian mirror reachable?)"
    }
    # The cache gets whole files only.
    mv -f -- "$dl"/*.deb "$DEBS/" || fail "apt-get download $1 left no .deb"
}

KDEB=$(newest 'linux-image-*-cloud-amd64_*.deb')
if [ -z "$KDEB" ]; then
    apt_lists
    # linux-image-cloud-amd64 is a metapackage: the kernel is what it needs.
    KPKG=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-cloud-amd64\)$/\1/p' | head -n 1)
    [ -n "$KPKG" ] || fail "apt does not know which kernel linux-image-cloud-amd64 stands for"
    fetch "$KPKG"
    KDEB=$(newest "${KPKG}_*.deb")
fi
BDEB=$(newest 'busybox-static_*.deb')
if [ -z "$BDEB" ]; then
    fetch busybox-static
    BDEB=$(newest 'busybox-static_*.deb')
fi
[ -n "$KDEB" ] && [ -n "$BDEB" ] || fail "a downloaded package is missing from $DEBS"

# Unpack only what the guest needs: the kernel, its list of built-in
# modules, and the two modules.
X=$W/x
mkdir -p "$X"
dpkg-deb --fsys-tarfile "$BDEB" | tar -x -C "$X" ./bin/busybox ||
    fail "cannot unpack busybox from $BDEB"
pats=(--wildcards './boot/vmlinuz-*' './lib/modules/*/modules.builtin')
for m in "${MODULES[@]}"; do pats+=("./lib/modules/*/$m*"); done
# Tar reports the module patterns that matched nothing (built in): fine.
dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$X" "${pats[@]}" 2>"$W/tar.log"
VMLINUZ=$(ls "$X"/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$VMLINUZ" ] || {
    cat "$W/tar.log" >&2
    fail "no kernel in $KDEB"
}
KVER=${VMLINUZ##*/vmlinuz-}
KMOD=$X/lib/modules/$KVER
[ -x "$X/bin/busybox" ] || fail "no busybox in $BDEB"

R=$W/root
mkdir -p "$R"/{bin,dev,proc,sys,tmp,lib/modules,etc/acpi/PWRF} || fail "cannot create $R"
cp "$X/bin/busybox" "$R/bin/busybox" || fail "cannot copy busybox"
LOAD=
for m in "${MODULES[@]}"; do
    name=${m##*/}
    name=${name%.ko}
    if grep -qxF "$m" "$KMOD/modules.builtin" 2>/dev/null; then
        continue
    fi
    f=$(ls "$KMOD/$m" "$KMOD/$m".* 2>/dev/null | head -n 1)
    [ -n "$f" ] || fail "$KDEB has $name neither built in nor as a module"
    case $f in
    *.ko) cat -- "$f" ;;
    *.ko.xz) xz -dc -- "$f" ;;
    *.ko.zst) zstd -qdc -- "$f" ;;
    *.ko.gz) gzip -dc -- "$f" ;;
    *) fail "$f: unknown module compression" ;;
    esac >"$R/lib/modules/$name.ko" ||
        fail "cannot decompress $f (xz needs xz-utils, zst needs zstd)"
    # Dependencies are not resolved: say so rather than boot a guest that
    # cannot see its power button.
    deps=$(tr '\0' '\n' <"$R/lib/modules/$name.ko" | sed -n 's/^depends=//p' | head -n 1)
    [ -z "$deps" ] || fail "module $name needs $deps, which payload.sh does not add"
    LOAD="$LOAD $name"
done

# The guest's init. acpid runs /etc/acpi/PWRF/00000080 when the power
# button's key event arrives on any /dev/input/event*; evdev makes those
# nodes, so it waits for one before it starts acpid, and prints the marker
# only once acpid runs.
cat >"$R/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in$LOAD; do insmod /lib/modules/\$m.ko || echo "payload: insmod \$m failed" >/dev/ttyS0; done
n=0
until ls /dev/input/event* >/dev/null 2>&1 || [ \$n -ge 50 ]; do sleep 0.1; n=\$((n + 1)); done
acpid -c /etc/acpi -l /tmp/acpid.log
n=0
until pidof acpid >/dev/null || [ \$n -ge 50 ]; do sleep 0.1; n=\$((n + 1)); done
echo "$MARKER" >/dev/ttyS0
# What is typed on the console comes back, for the console tests.
while read -r line </dev/ttyS0; do echo "qemu-payload: got \$line" >/dev/ttyS0; done
exec sleep 2147483647
EOF
cat >"$R/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
echo "qemu-payload: power button: powering off" >/dev/ttyS0
poweroff -f
EOF
chmod 755 "$R/init" "$R/etc/acpi/PWRF/00000080"

/usr/bin/python3 "$HERE/mkinitramfs.py" "$R" "$W/initrd.gz" dev/console:c:5:1 ||
    fail "cannot pack the initramfs"
cp -- "$VMLINUZ" "$W/vmlinuz" || fail "cannot copy the kernel"
copy_pair "$W" "$OUT" || fail "cannot write $OUT/vmlinuz and $OUT/initrd.gz"

if [ -n "$BUILT" ]; then
    rm -rf -- "$BUILT.new" &&
        mkdir -- "$BUILT.new" && copy_pair "$W" "$BUILT.new" &&
        echo "${KDEB##*/} ${BDEB##*/}" >"$BUILT.new/from" &&
        rm -rf -- "$BUILT" && mv -- "$BUILT.new" "$BUILT" ||
        say "warning: could not keep the payload in $BUILT"
fi
say "built $OUT/vmlinuz and $OUT/initrd.gz (${KDEB##*/}, ${BDEB##*/})"
exit 0

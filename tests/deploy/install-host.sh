#!/bin/bash
# A real `meson install` onto this host's /usr/local and a real `ldconfig`,
# in a mount namespace of its own with overlays over /usr/local and /etc
# (so the files land in a temporary upper directory and the host never sees
# them), then the host's libvirt is used as its users use it:
#   - the loader's cache names Debian's libvirt.so.0 only, and nothing of
#     ours is in /usr/local/lib/ARCH or /usr/local/include/libvirt;
#   - Debian's virsh, python3-libvirt and a program built against
#     libvirt-dev (pkg-config libvirt) still work, and pkg-config libvirt
#     is still Debian's;
#   - our virsh and a program built with pkg-config libvirt-remote load our
#     library (by their run path) and reach our daemon;
#   - that program, built against our headers and library, runs unchanged
#     on Debian's libvirt.so.0, and the one built against libvirt-dev runs
#     on ours: every function we export carries libvirt's own version node.
#
# Usage: BUILD_ROOT=build LIBVIRTD=build/src/libvirtd tests/deploy/install-host.sh
# Needs root (mount namespaces, overlayfs), cc, libvirt-dev, python3-libvirt.

. "$(dirname "$0")/common.sh"
deploy_need_libvirtd
[ "$(id -u)" -eq 0 ] || it_skip "needs root (a mount namespace with overlays)"
# An instrumented libvirt.so needs its sanitizer's runtime loaded first:
# Debian's virsh and the libvirt-dev program could not load it.
[ "${SANITIZE:-none}" = none ] || it_skip "a sanitizer build (b_sanitize=$SANITIZE)"
command -v unshare >/dev/null 2>&1 || it_skip "unshare (util-linux) missing"
command -v cc >/dev/null 2>&1 || it_skip "no C compiler"
command -v meson >/dev/null 2>&1 || it_skip "meson not on PATH"
pkg-config --exists libvirt 2>/dev/null || it_skip "libvirt-dev not installed"
[ -x /usr/bin/virsh ] || it_skip "Debian's virsh not installed"
/usr/bin/python3 -c 'import libvirt' 2>/dev/null || it_skip "python3-libvirt not installed"
opts=$(meson introspect "$BUILD_ROOT" --buildoptions)
opt() { printf '%s' "$opts" | python3 -c 'import json,sys
o={x["name"]: x["value"] for x in json.load(sys.stdin)}
print(o.get(sys.argv[1], ""))' "$1"; }
[ "$(opt prefix)" = /usr/local ] || it_skip "the build's prefix is $(opt prefix), not /usr/local"
[ "$(opt replace_system_libvirt)" = False ] || it_skip "built with -Dreplace_system_libvirt=true"
it_setup

# A libvirt client program: the library's version, then the names of the
# URI's domains.
cat >"$IT_DIR/prog.c" <<'EOF'
#include <stdio.h>
#include <libvirt/libvirt.h>
int main(int argc, char **argv)
{
    unsigned long v = 0;
    virDomainPtr *doms = NULL;
    if (argc != 2 || virGetVersion(&v, NULL, NULL) < 0)
        return 2;
    virConnectPtr c = virConnectOpen(argv[1]);
    if (!c)
        return 1;
    int n = virConnectListAllDomains(c, &doms, 0);
    printf("library %lu, %d domains:", v, n);
    for (int i = 0; i < n; i++) {
        printf(" %s", virDomainGetName(doms[i]));
        virDomainFree(doms[i]);
    }
    printf("\n");
    virConnectClose(c);
    return n < 0;
}
EOF
cat >"$IT_DIR/inside.sh" <<'EOF'
set -u
T=$1 BUILD_ROOT=$2
. "$T/lib.sh"
mkdir -p "$T/local-upper" "$T/local-work" "$T/etc-upper" "$T/etc-work"
mount -t overlay overlay -o "lowerdir=/usr/local,upperdir=$T/local-upper,workdir=$T/local-work" /usr/local &&
    mount -t overlay overlay -o "lowerdir=/etc,upperdir=$T/etc-upper,workdir=$T/etc-work" /etc ||
    { echo "SKIP overlayfs cannot be mounted here"; exit 77; }
meson install -C "$BUILD_ROOT" --no-rebuild >"$T/install.log" 2>&1 || { cat "$T/install.log"; exit 1; }
# meson's list of what it installed (every file, one per line).
grep -v '^#' "$BUILD_ROOT/meson-logs/install-log.txt" >"$T/installed"
ldconfig || exit 1
arch=$(gcc -print-multiarch)
ours=/usr/local/lib/$arch/libvirt-remote
printf '#!/bin/sh\nexec /usr/local/sbin/libvirtd --stdio\n' >"$T/libvirtd-stdio"
chmod +x "$T/libvirtd-stdio"
ext="test+ext:///default?command=$T/libvirtd-stdio"

check "meson install installed files ($(wc -l <"$T/installed")), all under /usr/local" \
    bash -c "[ -s '$T/installed' ] && ! grep -v '^/usr/local/' '$T/installed'"
check "the loader's cache has one libvirt.so.0, Debian's" \
    bash -c "[ \"\$(ldconfig -p | grep -c 'libvirt\.so\.0 ')\" = 1 ] && ldconfig -p | grep -q 'libvirt\.so\.0 .*=> /lib/$arch/libvirt\.so\.0\|libvirt\.so\.0 .*=> /usr/lib/$arch/libvirt\.so\.0'"
check "no libvirt.so.0 of ours in /usr/local/lib/$arch" test ! -e "/usr/local/lib/$arch/libvirt.so.0"
check "ours in $ours" test -e "$ours/libvirt.so.0"
check "no headers of ours in /usr/local/include/libvirt" test ! -e /usr/local/include/libvirt
check "our headers in /usr/local/include/libvirt-remote/libvirt" test -e /usr/local/include/libvirt-remote/libvirt/libvirt.h
check "pkg-config libvirt is Debian's" \
    bash -c "[ \"\$(pkg-config --variable=libdir libvirt)\" = /usr/lib/$arch ]"
check "pkg-config libvirt-remote names directories that exist" \
    bash -c "[ -d \"\$(pkg-config --variable=libdir libvirt-remote)\" ] && [ -d \"\$(pkg-config --variable=includedir libvirt-remote)\" ]"
check "Debian's virsh works" bash -c "/usr/bin/virsh -c test:///default list --name | grep -qx test"
check "python3-libvirt works" \
    /usr/bin/python3 -c 'import libvirt; assert libvirt.open("test:///default").lookupByName("test").isActive()'
cc -o "$T/prog-real" "$T/prog.c" $(pkg-config --cflags --libs libvirt) 2>"$T/cc-real.log"
check "a program built against libvirt-dev builds" test -x "$T/prog-real"
check "... and runs on Debian's libvirt" bash -c "'$T/prog-real' test:///default | grep -q 'domains: test\$'"
check "... and on ours, with our daemon" \
    bash -c "LD_LIBRARY_PATH='$ours' '$T/prog-real' '$ext' | grep -q 'domains: test\$'"
check "... which it really loaded" \
    bash -c "LD_LIBRARY_PATH='$ours' ldd '$T/prog-real' | grep -q '$ours/libvirt.so.0'"
cc -o "$T/prog-ours" "$T/prog.c" $(pkg-config --cflags --libs libvirt-remote) 2>"$T/cc-ours.log"
check "a program built with pkg-config libvirt-remote builds" test -x "$T/prog-ours"
check "... loads ours by its run path" bash -c "ldd '$T/prog-ours' | grep -q '$ours/libvirt.so.0'"
check "... and works with our daemon" bash -c "'$T/prog-ours' '$ext' | grep -q 'domains: test\$'"
check "... and runs unchanged on Debian's libvirt.so.0" \
    bash -c "LD_LIBRARY_PATH=/usr/lib/$arch '$T/prog-ours' test:///default | grep -q 'domains: test\$'"
check "every function ours exports has a version node of libvirt's" \
    bash -c "objdump -T '$ours/libvirt.so.0' | awk '\$NF ~ /^vir/ && \$(NF-1) !~ /^LIBVIRT_(PRIVATE_)?[0-9.]+\$/ {bad=1; print} END {exit bad}'"
check "our virsh (/usr/local/bin/virsh) loads ours" bash -c "ldd /usr/local/bin/virsh | grep -q '$ours/libvirt.so.0'"
check "our virsh works with our daemon" bash -c "/usr/local/bin/virsh -c '$ext' list --name | grep -qx test"
check "Debian's virsh works with our daemon" bash -c "/usr/bin/virsh -c '$ext' list --name | grep -qx test"
finish
EOF
# inside.sh uses check/finish: the helpers, for the namespace's shell.
{
    declare -f check
    echo "T_TOTAL=0 T_GOOD=0"
    echo "finish() { echo \"install-host: \$T_GOOD/\$T_TOTAL as expected\"; [ \"\$T_GOOD\" -eq \"\$T_TOTAL\" ]; exit \$?; }"
} >"$IT_DIR/lib.sh"
HOME=$IT_DIR/home timeout 180 unshare -m --propagation private bash "$IT_DIR/inside.sh" "$IT_DIR" "$BUILD_ROOT"

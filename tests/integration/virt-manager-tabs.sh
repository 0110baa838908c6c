#!/bin/bash
# virt-manager 4.1 (Debian's), headless under Xvfb, on test:///default of a
# private real libvirtd 9.0 and of ours: its connection details window
# (--show-host-summary), the Virtual Networks tab and the Storage tab, each
# captured as an image once it has settled. The two daemons' images must be
# the same pixel for pixel (ImageMagick's compare, absolute error 0):
# whatever virt-manager could not read from ours (an empty list, a missing
# size, an error dialog) shows as a difference. The Overview tab is left
# out: its CPU graph moves, and it shows each daemon's socket path.
# Also compares the two --debug logs' lines about networks and pools.
#
# Usage: LIBVIRTD=build/src/libvirtd tests/integration/virt-manager-tabs.sh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

it_need_real_libvirt
it_need_socket_activate
it_need virt-manager virt-manager
it_need xvfb-run xvfb
it_need xauth xauth
it_need xdotool xdotool
it_need import imagemagick
it_need compare imagemagick
it_setup

real_start real || exit 1
real_rw=$REAL_SOCK
ours_start ours || exit 1
ours_rw=$OURS_SOCK

# Where virt-manager's tabs are in its 800x600 connection details window
# (GTK's default theme, Xvfb's fonts: the same for both runs).
NET_TAB="175 49"
STORAGE_TAB="287 49"

# shoot URI TAG: runs virt-manager under its own Xvfb and writes
# TAG-net.png and TAG-storage.png.
shoot() {
    local uri=$1 tag=$2 d=$IT_DIR/$2
    mkdir -p "$d/home"
    cat >"$d/inside.sh" <<EOF
#!/bin/bash
virt-manager --debug --no-fork --connect '$uri' --show-host-summary >'$d/log' 2>&1 &
vm=\$!
w=
for i in \$(seq 1 150); do
    w=\$(xdotool search --name "Connection Details" 2>/dev/null | head -1)
    [ -n "\$w" ] && break
    sleep 0.2
done
[ -n "\$w" ] || { echo "no Connection Details window" >&2; kill \$vm; exit 1; }
sleep 2
xdotool mousemove $NET_TAB click 1
sleep 2
import -window "\$w" '$d/net.png'
xdotool mousemove $STORAGE_TAB click 1
sleep 2
import -window "\$w" '$d/storage.png'
kill \$vm
wait \$vm
exit 0
EOF
    chmod +x "$d/inside.sh"
    HOME=$d/home GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 \
        timeout -s TERM 120 xvfb-run -a -s "-screen 0 1024x768x24" "$d/inside.sh"
}

fail=0
shoot "$(uri_for "$real_rw")" real || fail=1
shoot "$(uri_for "$ours_rw")" ours || fail=1
for tab in net storage; do
    r=$IT_DIR/real/$tab.png o=$IT_DIR/ours/$tab.png
    if [ ! -s "$r" ] || [ ! -s "$o" ]; then
        echo "FAIL $tab: no image (real $(stat -c %s "$r" 2>/dev/null), ours $(stat -c %s "$o" 2>/dev/null))"
        fail=1
        continue
    fi
    ae=$(compare -metric AE "$r" "$o" "$IT_DIR/$tab-diff.png" 2>&1 >/dev/null)
    echo "virt-manager $tab tab: $ae pixels differ"
    if [ "$ae" != 0 ]; then
        fail=1
        [ -n "${KEEP_IMAGES:-}" ] && cp "$r" "$o" "$IT_DIR/$tab-diff.png" "$KEEP_IMAGES/"
    fi
done
# What virt-manager logged about networks and pools, without times and
# pids and object addresses; the events it logs are left out (how many
# refresh events arrive depends on timing, real against real too).
for tag in real ours; do
    grep -E 'network|pool|Network|Pool' "$IT_DIR/$tag/log" | grep -v ' event: ' |
        sed -E -e 's/^\[[^]]*\] //' -e 's/ id=0x[0-9a-f]+/ id=ADDR/g' \
            -e "s#$real_rw|$ours_rw#SOCK#g" |
        sort >"$IT_DIR/$tag/lines"
done
if ! diff -u "$IT_DIR/real/lines" "$IT_DIR/ours/lines"; then
    echo "FAIL: virt-manager's network and storage log lines differ (real -, ours +)"
    fail=1
fi
[ "$fail" = 0 ] && echo "virt-manager tabs: same on both"
exit $fail

#!/bin/bash
# The daemon's tests under valgrind: every per-connection libvirtd started
# while python-interop.py, bad-input.py and guestops.py run is a
# memcheck run (full leak check). Any memcheck error or definitely/indirectly
# lost block in any of them fails this test; the reports are printed.
#
# Usage: LIBVIRTD=build/src/libvirtd tests/integration/valgrind.sh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

command -v valgrind >/dev/null || it_skip "valgrind is not installed"
it_need_real_libvirt
it_setup

# memcheck sees the heap only through a shared malloc: beside a static
# libvirtd the build has libvirtd-dynamic, the same program linked
# dynamically (with gnutls), for this test.
target=$LIBVIRTD
[ -x "$(dirname "$LIBVIRTD")/libvirtd-dynamic" ] && target=$(dirname "$LIBVIRTD")/libvirtd-dynamic
logs=$IT_DIR/valgrind
mkdir -p "$logs"
wrapper=$IT_DIR/libvirtd-valgrind
cat >"$wrapper" <<EOF2
#!/bin/sh
exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --log-file=$logs/vg.%p "$target" "\$@"
EOF2
chmod +x "$wrapper"

rc=0
export LIBVIRTD=$wrapper
bash "$here/with-daemons.sh" /usr/bin/python3 "$here/python-interop.py" >"$IT_DIR/py.out" 2>&1 ||
    { echo "python-interop failed under valgrind:"; cat "$IT_DIR/py.out"; rc=1; }
bash "$here/with-daemons.sh" /usr/bin/python3 "$here/bad-input.py" >"$IT_DIR/bad.out" 2>&1 ||
    { echo "bad-input failed under valgrind:"; tail -30 "$IT_DIR/bad.out"; rc=1; }
bash "$here/with-daemons.sh" /usr/bin/python3 "$here/guestops.py" >"$IT_DIR/guestops.out" 2>&1 ||
    { echo "guestops failed under valgrind:"; grep -v '^ok' "$IT_DIR/guestops.out" | tail -30; rc=1; }

runs=$(ls "$logs" | wc -l)
bad=0
for f in "$logs"/vg.*; do
    [ -s "$f" ] || continue
    echo "== valgrind report $f"
    cat "$f"
    bad=$((bad + 1))
done
echo "valgrind: $runs daemon processes checked, $bad with errors or leaks"
[ "$runs" -gt 0 ] || rc=1
[ "$bad" -eq 0 ] || rc=1
exit $rc

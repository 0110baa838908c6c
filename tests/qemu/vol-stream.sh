#!/bin/bash
# vol-stream.sh: volume upload and download over libvirt streams, real
# virsh against real libvirtd 9.0 (its storage driver beside its QEMU
# driver) and against ours, over unix and over TLS: the files that come
# back are byte-identical to what went up, and every virsh line prints the
# same on both (after normalizing the pool's directory). Covers a whole
# upload and download, --offset and --length both ways, a qcow2 volume's
# file, --sparse both ways (holes kept: the same allocation), a read-only
# connection refused, and errors (no such volume, no such file, a file
# that cannot be created).
unset LD_LIBRARY_PATH
. "$(dirname "$0")/lib.sh"
q_setup
it_need qemu-img qemu-utils
q_pki
port_real=$(it_free_port) port_ours=$(it_free_port)
REAL_LIBVIRTD_EXTRA_DRIVERS=storage REAL_LIBVIRTD_TLS=$port_real:$Q_PKI q_real_start
REAL_TLS_URI="qemu+tls://localhost:$port_real/system?pkipath=$Q_PKI"
q_ours_start
q_ours_tls_start "$port_ours"

# What goes up: 3 MiB of random bytes, and a sparse file (1 MiB of data,
# a 6 MiB hole, 1 MiB of data).
head -c $((3 << 20)) /dev/urandom >"$IT_DIR/rand"
{
    head -c $((1 << 20)) /dev/urandom
} >"$IT_DIR/sparse"
dd if=/dev/urandom of="$IT_DIR/sparse" bs=1M count=1 seek=7 conv=notrunc status=none

run() { # URI TRANSPORT-URI SIDE
    local uri=$1 turi=$2 side=$3 pool=$IT_DIR/pool-$side out=$IT_DIR/out-$side
    mkdir -p "$pool" "$out"
    v() { timeout 60 virsh -c "$uri" "$@" 2>&1 | sed "s#$pool#POOL#g; s#$out#OUT#g"; }
    t() { timeout 60 virsh -c "$turi" "$@" 2>&1 | sed "s#$pool#POOL#g; s#$out#OUT#g"; }
    same() { cmp -s "$1" "$2" && echo "same: $3" || echo "DIFFERENT: $3"; }
    v pool-define-as vp dir --target "$pool"
    v pool-start vp
    v vol-create-as vp raw.img 8M --format raw
    v vol-create-as vp q.qcow2 8M --format qcow2
    v vol-create-as vp sp.img 8M --format raw
    for x in unix:v tls:t; do
        local tr=${x%%:*} f=${x#*:}
        echo "== $tr"
        $f vol-upload --pool vp raw.img "$IT_DIR/rand"
        $f vol-download --pool vp raw.img "$out/raw-$tr"
        head -c $((3 << 20)) "$out/raw-$tr" >"$out/raw-$tr.head"
        same "$IT_DIR/rand" "$out/raw-$tr.head" "upload then download ($tr)"
        wc -c <"$out/raw-$tr"
        $f vol-download --pool vp raw.img "$out/part-$tr" --offset 1000 --length 5000
        tail -c +1001 "$IT_DIR/rand" | head -c 5000 >"$out/part-want"
        same "$out/part-want" "$out/part-$tr" "--offset 1000 --length 5000 ($tr)"
        $f vol-upload --pool vp raw.img "$IT_DIR/rand" --offset $((4 << 20)) --length $((3 << 20))
        $f vol-download --pool vp raw.img "$out/off-$tr" --offset $((4 << 20)) --length $((3 << 20))
        same "$IT_DIR/rand" "$out/off-$tr" "upload at an offset ($tr)"
        # More than --length: refused as a full disk. (What real has written
        # by then depends on its I/O thread: only the messages are compared.)
        $f vol-upload --pool vp raw.img "$IT_DIR/rand" --length 100000
        $f vol-download --pool vp q.qcow2 "$out/q-$tr"
        same "$pool/q.qcow2" "$out/q-$tr" "a qcow2 volume's file ($tr)"
        $f vol-upload --pool vp sp.img "$IT_DIR/sparse" --sparse
        $f vol-download --pool vp sp.img "$out/sp-$tr" --sparse
        same "$IT_DIR/sparse" "$out/sp-$tr" "--sparse both ways ($tr)"
        echo "allocated KiB of the sparse download: $(du -k "$out/sp-$tr" | cut -f1)"
        $f vol-info --pool vp sp.img
        $f vol-upload --pool vp nosuch.img "$IT_DIR/rand"
        $f vol-upload --pool vp raw.img "$IT_DIR/nosuch"
        $f vol-download --pool vp raw.img "$IT_DIR/nosuchdir/x"
    done
    echo "== read-only"
    timeout 60 virsh -r -c "$uri" vol-download --pool vp raw.img "$out/ro" 2>&1
    v vol-delete --pool vp raw.img
    v vol-delete --pool vp q.qcow2
    v vol-delete --pool vp sp.img
    v pool-destroy vp
    v pool-undefine vp
}

run "$REAL_URI" "$REAL_TLS_URI" real >"$IT_DIR/real.txt"
run "$OURS_URI" "$OURS_TLS_URI" ours >"$IT_DIR/ours.txt"
echo "--- real"
cat "$IT_DIR/real.txt"
if ! diff -u "$IT_DIR/real.txt" "$IT_DIR/ours.txt"; then
    echo "FAIL: ours differs from real"
    exit 1
fi
if grep -q DIFFERENT "$IT_DIR/ours.txt" || [ "$(grep -c '^same:' "$IT_DIR/ours.txt")" != 10 ]; then
    echo "FAIL: a transfer did not bring back what went up"
    exit 1
fi
echo "vol-stream: the same on both, every transfer byte-identical"

#!/bin/bash
# Runs one script of real virsh 9.0 commands against a private real libvirtd
# 9.0 and against our libvirtd (behind systemd-socket-activate --accept),
# and requires the same stdout, stderr and exit status from both. Only what
# is random is normalized: generated UUIDs, CPU time, and the socket path
# that `uri` prints.
#
# Usage: LIBVIRTD=build/src/libvirtd [INTEROP_CASES=FILE] \
#            tests/integration/virsh-interop.sh [FILTER]
#        (LIBVIRTD=real compares real with real; FILTER is a grep -E pattern
#        on case names; FILE is one of tests/integration/interop/*.sh, the
#        cases of one area, domain.sh when unset)
# Prints each differing case with a diff, then "interop: N/N identical".

here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "$here/../data" && pwd)
. "$here/lib.sh"

filter=${1:-}

it_need_real_libvirt
it_need_socket_activate
command -v perl >/dev/null 2>&1 || it_skip "perl not installed"
it_setup

real_start real || exit 1
real_rw=$REAL_SOCK real_ro=$REAL_SOCK_RO
ours_start ours || exit 1
ours_rw=$OURS_SOCK
ours_start ours-ro --read-only || exit 1
ours_ro=$OURS_SOCK

mkdir -p "$IT_DIR/home" "$IT_DIR/out"

WEB=$data/domain-web.xml
DB=$data/domain-db.xml
# Elements libvirt knows and our model does not interpret (kept and written
# back in libvirt's place), and two it does not know (dropped).
KEPT=$data/domain-kept.xml
# Attributes and children inside interpreted elements (kept the same way).
EXTRAS=$data/domain-extras.xml
SCRATCH=$data/domain-transient.xml
MALFORMED=$data/domain-malformed.xml
NOTDOM=$data/domain-not-a-domain.xml
NONAME=$data/domain-no-name.xml
CLASH=$data/domain-web-clash.xml

# The UUIDs that are fixed (test:///default's "test" and our XML files);
# every other UUID in the output was generated and is normalized.
KNOWN_UUIDS='6695eb01-f6a4-8304-79aa-97f2502e193f 1c6b0a6e-3d2f-4c51-9b8e-2f4a7d0c9e11 8f3e2b71-5a0c-4d9e-a1b2-c3d4e5f60718 0a0b0c0d-1111-2222-3333-444455556666'

CASE_NAMES=()
CASE_CMDS=()
CASE_RO=()

# add NAME COMMANDS [ro|node|node:FILE]: ro runs on the read-only sockets,
# node connects to test:///ABS/PATH/node-interop.xml instead of
# test:///default, node:FILE to that file of tests/data.
add() {
    CASE_NAMES+=("$1")
    CASE_CMDS+=("$2")
    CASE_RO+=("${3:-}")
}

# A case file may set NORMALIZE_EXTRA to more perl substitutions for what
# its commands print that ticks (the test driver's statistics counters).
# The cases: tests/integration/interop/AREA.sh, one file per area, each a
# list of add lines (INTEROP_CASES names the file; domain.sh by default).
cases_file=${INTEROP_CASES:-$here/interop/domain.sh}
[ -f "$cases_file" ] || { echo "no case file $cases_file"; exit 1; }
. "$cases_file"

# normalize SOCK < raw > normalized
normalize() {
    SOCK=$1 KNOWN=$KNOWN_UUIDS perl -pe '
        BEGIN { %known = map { $_ => 1 } split / /, $ENV{KNOWN}; %seen = (); $n = 0; }
        s/\Q$ENV{SOCK}\E/<SOCK>/g;
        s/^(CPU time:\s+)[0-9.]+s$/${1}<CPUTIME>/;
        # When a snapshot or checkpoint was made (and the name it gets by
        # default): seconds since the epoch, or the date virsh shows.
        s/\b1[0-9]{9}\b/abs($& - $^T) < 86400 ? "<TIME>" : $&/ge;
        s/\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\b/<DATE>/g;
        s{\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b}{
            $known{$1} ? $1 : ($seen{$1} //= "<UUID" . ++$n . ">")
        }ge;
    '"${NORMALIZE_EXTRA:-}"
}

# run_case SOCK COMMANDS OUTPREFIX [node]: runs virsh, writes OUTPREFIX.txt
run_case() {
    local sock=$1 cmd=$2 out=$3 uri rc
    uri=$(uri_for "$sock")
    [ "${4:-}" = node ] && uri="test+unix://$data/node-interop.xml?socket=$sock"
    case ${4:-} in node:*) uri="test+unix://$data/${4#node:}?socket=$sock" ;; esac
    (
        cd "$IT_DIR/home" &&
            env -u LIBVIRT_DEFAULT_URI -u VIRSH_DEFAULT_CONNECT_URI \
                HOME="$IT_DIR/home" XDG_CONFIG_HOME="$IT_DIR/home/.config" \
                XDG_CACHE_HOME="$IT_DIR/home/.cache" LC_ALL=C \
                timeout 60 virsh -c "$uri" "$cmd" \
                </dev/null >"$out.stdout" 2>"$out.stderr"
    )
    rc=$?
    {
        echo "--- stdout"
        normalize "$sock" <"$out.stdout"
        echo "--- stderr"
        normalize "$sock" <"$out.stderr"
        echo "--- exit $rc"
    } >"$out.txt"
}

total=0
same=0
failed=()
for i in "${!CASE_NAMES[@]}"; do
    name=${CASE_NAMES[$i]}
    cmd=${CASE_CMDS[$i]}
    if [ -n "$filter" ] && ! grep -qE -- "$filter" <<<"$name"; then
        continue
    fi
    if [ "${CASE_RO[$i]}" = ro ]; then
        rs=$real_ro os=$ours_ro
    else
        rs=$real_rw os=$ours_rw
    fi
    total=$((total + 1))
    run_case "$rs" "$cmd" "$IT_DIR/out/$name.real" "${CASE_RO[$i]}"
    run_case "$os" "$cmd" "$IT_DIR/out/$name.ours" "${CASE_RO[$i]}"
    if diff -u --label "real: $name" --label "ours: $name" \
        "$IT_DIR/out/$name.real.txt" "$IT_DIR/out/$name.ours.txt" \
        >"$IT_DIR/out/$name.diff"; then
        same=$((same + 1))
        [ -n "${VERBOSE:-}" ] && { echo "=== $name: same"; cat "$IT_DIR/out/$name.real.txt"; }
    else
        failed+=("$name")
        echo "=== $name: DIFFERENT  (virsh '$cmd')"
        cat "$IT_DIR/out/$name.diff"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "differing cases: ${failed[*]}"
fi
# Both daemons must still be alive (ours: the activator).
for pid in "$REAL_PID" "$OURS_PID"; do
    kill -0 "$pid" 2>/dev/null || { echo "process $pid died during the run"; same=-1; }
done
echo "interop: $same/$total identical"
[ "$same" -eq "$total" ]

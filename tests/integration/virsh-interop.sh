#!/bin/bash
# Runs one script of real virsh 9.0 commands against a private real libvirtd
# 9.0 and against our libvirtd (behind systemd-socket-activate --accept),
# and requires the same stdout, stderr and exit status from both. Only what
# is random is normalized: generated UUIDs, CPU time, and the socket path
# that `uri` prints.
#
# Usage: LIBVIRTD=build/src/libvirtd tests/integration/virsh-interop.sh [FILTER]
#        (LIBVIRTD=real compares real with real; FILTER is a grep -E pattern
#        on case names)
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

# add NAME COMMANDS [ro|node]: ro runs on the read-only sockets, node
# connects to test:///ABS/PATH/node-interop.xml instead of test:///default.
add() {
    CASE_NAMES+=("$1")
    CASE_CMDS+=("$2")
    CASE_RO+=("${3:-}")
}

# A populated state: test running, web defined with autostart, db paused,
# scratch transient and running.
SETUP="define $WEB; autostart web; define $DB; start db; suspend db; create $SCRATCH"

# Connection and host.
add version 'version'
add uri 'uri'
add hostname 'hostname'
add nodeinfo 'nodeinfo'
add freecell 'freecell'
add capabilities 'capabilities'
add sysinfo 'sysinfo'

# list and its filters.
add list 'list'
add list-all 'list --all'
add list-name "$SETUP; list --all --name"
add list-uuid "$SETUP; list --all --uuid"
add list-inactive "$SETUP; list --inactive"
add list-state-running "$SETUP; list --state-running"
add list-state-paused "$SETUP; list --state-paused"
add list-state-shutoff "$SETUP; list --state-shutoff"
add list-state-other "$SETUP; list --state-other"
add list-persistent "$SETUP; list --all --persistent"
add list-transient "$SETUP; list --all --transient"
add list-autostart "$SETUP; list --all --autostart"
add list-no-autostart "$SETUP; list --all --no-autostart"
add list-populated "$SETUP; list --all; list; list --inactive --name; list --state-running --name --uuid"

# One domain.
add dominfo 'dominfo test'
add dominfo-by-id-uuid 'dominfo 1; dominfo 6695eb01-f6a4-8304-79aa-97f2502e193f'
add domstate 'domstate test'
add domstate-reason 'domstate --reason test'
add domstate-populated "$SETUP; domstate web; domstate --reason web; domstate --reason db; domstate --reason scratch"
add domid 'domid test'
add domid-inactive "define $WEB; domid web"
add domname 'domname 1'
add domuuid 'domuuid test'
add domuuid-defined "define $WEB; domuuid web; domuuid 1"
add dumpxml 'dumpxml test'
add dumpxml-inactive 'dumpxml --inactive test'
add dumpxml-defined "define $WEB; dumpxml web; dumpxml --inactive web"
add dumpxml-kept "define $KEPT; dumpxml kept; start kept; dumpxml kept"
add dumpxml-extras "define $EXTRAS; dumpxml extras; start extras; dumpxml extras; dumpxml --inactive extras"
add domblklist 'domblklist test'
add domblklist-defined "define $WEB; domblklist web; domblklist --details web"
add domiflist 'domiflist test'
add domiflist-defined "define $WEB; domiflist web; define $DB; domiflist db"
add vcpucount 'vcpucount test'
add vcpucount-defined "define $WEB; vcpucount web"
add dominfo-defined "define $WEB; dominfo web"

# Lifecycle.
add define-undefine "define $WEB; list --all; undefine web; list --all"
add create-destroy "create $SCRATCH; list --all; dominfo scratch; destroy scratch; list --all"
add start "define $WEB; start web; list --all; dominfo web; domstate --reason web"
add suspend-resume 'suspend test; domstate --reason test; list --all; resume test; domstate --reason test'
add shutdown 'shutdown test; domstate --reason test; list --all; start test; domstate --reason test'
add reboot 'reboot test; domstate --reason test; dominfo test'
add destroy 'destroy test; domstate --reason test; list --all; domid test'
add lifecycle-web "define $WEB; start web; suspend web; resume web; shutdown web; start web; reboot web; destroy web; undefine web; list --all"
add undefine-running "define $WEB; start web; undefine web; list --all; destroy web; list --all"
add autostart "define $WEB; autostart web; dominfo web; list --all --autostart; autostart --disable web; dominfo web; list --all --no-autostart"
add setmem 'setmem test 1048576; dominfo test'
add setmem-config "define $WEB; setmem web 262144 --config; dominfo web"
add setmaxmem "define $WEB; setmaxmem web 2097152; dominfo web; dumpxml web"
add setmaxmem-active 'setmaxmem test 4194304; dominfo test'
add setvcpus 'setvcpus test 1; vcpucount test; dominfo test'
add setvcpus-config "define $WEB; setvcpus web 2 --config; vcpucount web; setvcpus web 2 --config --maximum; vcpucount web"
add reset 'reset test; domstate --reason test; destroy test; reset test'
add dommemstat "dommemstat test; define $WEB; start web; dommemstat web; destroy web; dommemstat web"
# (With several domains and no names, real libvirt lists them in its hash
# table's order, which is random: only one matches, or the names say.)
add domstats "domstats; domstats test; define $WEB; domstats --list-inactive --state; domstats --list-active; domstats --raw web test"
add domstats-groups 'domstats --vcpu --balloon --cpu-total test; domstats --state --enforce; domstats --vcpu --enforce'
add event-loop 'event --loop --all --timeout 1'
add event-lifecycle 'event --event lifecycle --timeout 1'

# Errors.
add error-no-domain 'dominfo nosuch'
add error-no-domain-many 'domstate nosuch; domid nosuch; domuuid nosuch; dumpxml nosuch; start nosuch; destroy nosuch; undefine nosuch'
add error-no-domain-id 'domname 42; dominfo 42'
add error-already-active 'start test'
add error-not-running "define $WEB; destroy web; suspend web; shutdown web"
add error-not-paused 'resume test'
add error-malformed-xml "define $MALFORMED; list --all"
add error-malformed-xml-create "create $MALFORMED; list --all"
add error-not-a-domain "define $NOTDOM; list --all"
add error-no-name "define $NONAME"
add error-name-clash "define $WEB; define $CLASH; dominfo web"
add error-setvcpus-too-many 'setvcpus test 64'
add error-missing-file "define $IT_DIR/no-such-file.xml"

# The read-only socket.
add ro-list 'list --all; dominfo test; domstate --reason test' ro
add ro-destroy 'destroy test; list --all' ro
add ro-define "define $WEB; list --all" ro
add ro-suspend 'suspend test; domstate test' ro

# A node file in libvirt's test-driver format.
add node-file-list 'list --all; nodeinfo; freecell; dominfo inline; dominfo db' node
add node-file-dumpxml 'dumpxml inline; dumpxml db; domblklist db; domiflist db; vcpucount db' node
add node-file-lifecycle "destroy db; list --all; define $WEB; start web; list --all; capabilities" node

# normalize SOCK < raw > normalized
normalize() {
    SOCK=$1 KNOWN=$KNOWN_UUIDS perl -pe '
        BEGIN { %known = map { $_ => 1 } split / /, $ENV{KNOWN}; %seen = (); $n = 0; }
        s/\Q$ENV{SOCK}\E/<SOCK>/g;
        s/^(CPU time:\s+)[0-9.]+s$/${1}<CPUTIME>/;
        s{\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b}{
            $known{$1} ? $1 : ($seen{$1} //= "<UUID" . ++$n . ">")
        }ge;
    '
}

# run_case SOCK COMMANDS OUTPREFIX [node]: runs virsh, writes OUTPREFIX.txt
run_case() {
    local sock=$1 cmd=$2 out=$3 uri rc
    uri=$(uri_for "$sock")
    [ "${4:-}" = node ] && uri="test+unix://$data/node-interop.xml?socket=$sock"
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

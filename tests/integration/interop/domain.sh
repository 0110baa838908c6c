# The domain and host cases of tests/integration/virsh-interop.sh (sourced
# by it: add NAME COMMANDS [ro|node]; $WEB, $DB, ... name the XML files in
# tests/data).

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

# --validate: libvirt's RelaxNG schema (the one Debian's libvirt0 installs).
add define-validate "define --validate $data/domain-invalid.xml; create --validate $data/domain-invalid.xml; define --validate $WEB; define --validate $data/storage-pool-invalid.xml; list --all --name"

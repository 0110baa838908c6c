# The snapshot and checkpoint cases of tests/integration/virsh-interop.sh
# (sourced by it: add NAME COMMANDS [ro|node]). Creation times, and the
# names snapshots get from them, are normalized as random.

SX=$data/snapshot-basic.xml
CX=$data/checkpoint-basic.xml
# Three snapshots in a chain, then a fourth beside them under s1.
CHAIN='snapshot-create-as test s1 --description first; snapshot-create-as test s2; snapshot-create-as test s3; snapshot-current test s1; snapshot-create-as test s4'

# Creating.
add snap-create-as 'snapshot-create-as test s1; snapshot-list test; snapshot-current test --name'
add snap-create-as-desc "snapshot-create-as test s1 --description 'one & <two>'; snapshot-dumpxml test s1"
add snap-create-noname 'snapshot-create test; snapshot-list test --name'
add snap-create-xml "snapshot-create test $SX; snapshot-dumpxml test fromxml; snapshot-info test fromxml"
add snap-create-dup 'snapshot-create-as test s1; snapshot-create-as test s1; snapshot-list test --name'
add snap-create-malformed "snapshot-create test $data/snapshot-malformed.xml"
add snap-create-wrong-root "snapshot-create test $data/snapshot-wrong-root.xml"
add snap-create-bad-disk "snapshot-create test $data/snapshot-bad-disk.xml; snapshot-create test $data/snapshot-disk-no.xml; snapshot-list test"
add snap-create-bad-memory "snapshot-create test $data/snapshot-bad-memory.xml"
add snap-create-flags 'snapshot-create-as test a --atomic; snapshot-create-as test b --live; snapshot-create-as test c --quiesce; snapshot-create-as test d --disk-only; snapshot-create-as test e --no-metadata; snapshot-create-as test f --reuse-external; snapshot-list test --name'
add snap-create-halt 'snapshot-create-as test h --halt; list --all; domstate --reason test; snapshot-info test h'
add snap-create-inactive "define $WEB; snapshot-create-as web w1; snapshot-dumpxml web w1; snapshot-info web w1; snapshot-list web"
add snap-create-paused "define $DB; start db; suspend db; snapshot-create-as db p1; snapshot-dumpxml db p1; snapshot-list db"
add snap-create-diskspec 'snapshot-create-as test x --diskspec vda,snapshot=no; snapshot-create-as test y --diskspec vdb; snapshot-create-as test z --diskspec vda,snapshot=internal; snapshot-dumpxml test z'
add snap-create-memspec 'snapshot-create-as test m --memspec file=/nonexistent/mem'
add snap-create-unknown-domain 'snapshot-create-as nosuch s1'

# Listing.
add snap-list-empty 'snapshot-list test; snapshot-list test --tree; snapshot-list test --name; snapshot-current test'
add snap-list "$CHAIN; snapshot-list test"
add snap-list-tree "$CHAIN; snapshot-list test --tree"
add snap-list-parent "$CHAIN; snapshot-list test --parent"
add snap-list-roots "$CHAIN; snapshot-list test --roots"
add snap-list-leaves "$CHAIN; snapshot-list test --leaves; snapshot-list test --no-leaves; snapshot-list test --leaves --no-leaves --name"
add snap-list-metadata "$CHAIN; snapshot-list test --metadata --name; snapshot-list test --no-metadata"
add snap-list-state "$CHAIN; snapshot-list test --active --name; snapshot-list test --inactive; snapshot-list test --disk-only"
add snap-list-location "$CHAIN; snapshot-list test --internal --name; snapshot-list test --external"
add snap-list-topological "$CHAIN; snapshot-list test --topological --name; snapshot-list test --topological"
add snap-list-from "$CHAIN; snapshot-list test --from s1; snapshot-list test --from s1 --descendants --name; snapshot-list test --from s2 --tree; snapshot-list test --from s1 --descendants --tree"
add snap-list-from-filters "$CHAIN; snapshot-list test --from s1 --leaves --name; snapshot-list test --from s1 --descendants --no-leaves --name; snapshot-list test --from s1 --topological --descendants --name"
add snap-list-current "$CHAIN; snapshot-list test --current; snapshot-list test --current --tree"
add snap-list-from-unknown "$CHAIN; snapshot-list test --from nosuch"
add snap-list-inactive-domain "define $WEB; snapshot-create-as web a; start web; snapshot-create-as web b; snapshot-list web --inactive --name; snapshot-list web --active --name; snapshot-list web --parent"

# One snapshot.
add snap-info "$CHAIN; snapshot-info test s1; snapshot-info test s2; snapshot-info test --current; snapshot-info test nosuch"
add snap-dumpxml "$CHAIN; snapshot-dumpxml test s3; snapshot-dumpxml test s1 --security-info; snapshot-dumpxml test nosuch"
add snap-parent "$CHAIN; snapshot-parent test s3; snapshot-parent test s1; snapshot-parent test --current; snapshot-parent test nosuch"
add snap-current "$CHAIN; snapshot-current test; snapshot-current test --name; snapshot-current test s3; snapshot-current test --name; snapshot-current test nosuch; snapshot-current test --snapshotname s2; snapshot-info test s2"
add snap-current-none 'snapshot-current test; snapshot-current test --name'

# Reverting.
add snap-revert "snapshot-create-as test s1; setmem test 1048576; dominfo test; snapshot-revert test s1; list --all; domstate --reason test; dominfo test"
add snap-revert-paused "snapshot-create-as test r; suspend test; snapshot-create-as test p; snapshot-revert test r; domstate --reason test; snapshot-revert test p; domstate --reason test; snapshot-revert test r --paused; domstate --reason test; snapshot-revert test p --running; domstate --reason test"
add snap-revert-shutoff "destroy test; snapshot-create-as test off; start test; snapshot-revert test off; domstate --reason test; list --all; snapshot-revert test off --running; domstate --reason test; snapshot-revert test off --paused; list --all"
add snap-revert-from-off "snapshot-create-as test on; destroy test; snapshot-revert test on; list --all; domstate --reason test"
add snap-revert-current "$CHAIN; snapshot-revert test s2; snapshot-current test --name; snapshot-revert test --current; snapshot-list test --tree; snapshot-create-as test s5; snapshot-parent test s5"
add snap-revert-errors "snapshot-create-as test s1; snapshot-revert test nosuch; snapshot-revert test s1 --running --paused; snapshot-revert test s1 --force; snapshot-revert test"
add snap-revert-config "define $WEB; snapshot-create-as web w; setmaxmem web 2097152; dumpxml web; snapshot-revert web w; dumpxml web; snapshot-revert web w --running; list --all"

# Deleting.
add snap-delete "$CHAIN; snapshot-delete test s1; snapshot-list test --parent; snapshot-current test --name"
add snap-delete-current "$CHAIN; snapshot-delete test s4; snapshot-current test --name; snapshot-delete test s1; snapshot-current test --name; snapshot-list test --tree"
add snap-delete-children "$CHAIN; snapshot-delete test s2 --children; snapshot-list test --parent; snapshot-current test --name; snapshot-delete test s1 --children; snapshot-list test"
add snap-delete-children-only "$CHAIN; snapshot-delete test s1 --children-only; snapshot-list test --parent; snapshot-current test --name"
add snap-delete-children-only-current "$CHAIN; snapshot-current test s3; snapshot-delete test s1 --children-only; snapshot-current test --name"
add snap-delete-metadata "$CHAIN; snapshot-delete test s3 --metadata; snapshot-list test --name"
add snap-delete-errors "$CHAIN; snapshot-delete test nosuch; snapshot-delete test; snapshot-delete test s1 --children --children-only"
add snap-delete-current-opt "$CHAIN; snapshot-delete test --current; snapshot-list test --name; snapshot-delete test --current; snapshot-delete test --current"

# Domains with snapshots.
add snap-undefine "define $WEB; snapshot-create-as web w1; snapshot-create-as web w2; undefine web; list --all; undefine web --snapshots-metadata; list --all"
add snap-undefine-running "snapshot-create-as test s1; undefine test; list --all; snapshot-list test --name; destroy test; list --all"
add snap-undefine-managed-save "define $WEB; snapshot-create-as web w1; undefine web --managed-save; undefine web --nvram"
add snap-redefine-domain "define $WEB; snapshot-create-as web w1; define $WEB; snapshot-list web --name"
add snap-dominfo "snapshot-create-as test s1; dominfo test"
add snap-multi-domain "define $WEB; snapshot-create-as web w1; snapshot-create-as test t1; snapshot-list web --name; snapshot-list test --name; snapshot-parent web w1"

# Read-only connections.
add snap-ro-list 'snapshot-list test; snapshot-current test; snapshot-info test nosuch' ro
add snap-ro-create 'snapshot-create-as test s1' ro
add snap-ro-revert-delete 'snapshot-revert test s1; snapshot-delete test s1' ro

# Node files: snapshots live with the connection.
add snap-node 'snapshot-create-as test n1; snapshot-create-as test n2; snapshot-list test --tree; snapshot-revert test n1; snapshot-delete test n1; snapshot-list test --parent' node

# Checkpoints.
add cp-create-as 'checkpoint-create-as test c1 --description hi; checkpoint-list test; checkpoint-dumpxml test c1'
add cp-create-xml "checkpoint-create test $CX; checkpoint-dumpxml test cpxml --no-domain; checkpoint-info test cpxml"
add cp-create-noname 'checkpoint-create test; checkpoint-list test --name'
add cp-create-dup 'checkpoint-create-as test c1; checkpoint-create-as test c1'
add cp-create-slash "checkpoint-create-as test 'a/b'"
add cp-create-inactive "define $WEB; checkpoint-create-as web c1; start web; checkpoint-create-as web c1; checkpoint-dumpxml web c1 --no-domain"
add cp-create-diskspec 'checkpoint-create-as test c1 --diskspec vda,checkpoint=no; checkpoint-dumpxml test c1 --no-domain; checkpoint-create-as test c2 --diskspec vda,checkpoint=bitmap,bitmap=foo; checkpoint-dumpxml test c2 --no-domain; checkpoint-create-as test c3 --diskspec vdb'
add cp-create-quiesce 'checkpoint-create-as test q --quiesce; checkpoint-list test --name'
add cp-vs-snapshot 'snapshot-create-as test s; checkpoint-create-as test c; snapshot-delete test s; checkpoint-create-as test c; snapshot-create-as test s2; snapshot-list test'
add cp-list "checkpoint-create-as test c1; checkpoint-create-as test c2; checkpoint-create-as test c3; checkpoint-list test; checkpoint-list test --tree; checkpoint-list test --parent; checkpoint-list test --roots; checkpoint-list test --leaves; checkpoint-list test --no-leaves; checkpoint-list test --topological --name; checkpoint-list test --from c1; checkpoint-list test --from c1 --descendants --name"
add cp-list-empty 'checkpoint-list test; checkpoint-list test --tree; checkpoint-list test --name'
add cp-info "checkpoint-create-as test c1; checkpoint-create-as test c2; checkpoint-info test c1; checkpoint-info test c2; checkpoint-info test nosuch"
add cp-dumpxml "checkpoint-create-as test c1; checkpoint-create-as test c2; checkpoint-dumpxml test c2; checkpoint-dumpxml test c2 --no-domain; checkpoint-dumpxml test c2 --size; checkpoint-dumpxml test c1 --security-info --no-domain; checkpoint-dumpxml test nosuch"
add cp-parent "checkpoint-create-as test c1; checkpoint-create-as test c2; checkpoint-parent test c2; checkpoint-parent test c1; checkpoint-parent test nosuch"
add cp-delete "checkpoint-create-as test c1; checkpoint-create-as test c2; checkpoint-create-as test c3; checkpoint-delete test c2; checkpoint-list test --parent; checkpoint-create-as test c4; checkpoint-list test --parent"
add cp-delete-children "checkpoint-create-as test c1; checkpoint-create-as test c2; checkpoint-create-as test c3; checkpoint-delete test c2 --children; checkpoint-list test --parent; checkpoint-create-as test c4; checkpoint-list test --tree"
add cp-delete-children-only "checkpoint-create-as test c1; checkpoint-create-as test c2; checkpoint-create-as test c3; checkpoint-delete test c1 --children-only; checkpoint-list test --parent; checkpoint-create-as test c4; checkpoint-list test --parent"
add cp-delete-metadata "checkpoint-create-as test c1; checkpoint-delete test c1 --metadata; checkpoint-list test; checkpoint-delete test nosuch"
add cp-undefine "define $WEB; start web; checkpoint-create-as web c1; destroy web; undefine web; list --all"
add cp-ro 'checkpoint-list test; checkpoint-create-as test c1; checkpoint-delete test c1' ro
add cp-node 'checkpoint-create-as test n1; checkpoint-create-as test n2; checkpoint-list test --tree; checkpoint-delete test n1; checkpoint-list test --parent' node
add cp-current-moves 'checkpoint-create-as test c1; checkpoint-create-as test c2; checkpoint-list test --leaves --no-leaves; checkpoint-create-as test c3; checkpoint-delete test c3; checkpoint-create-as test c4; checkpoint-list test --parent; checkpoint-delete test c1 --children; checkpoint-create-as test c5; checkpoint-list test --parent; checkpoint-create-as test c6; checkpoint-delete test c5 --children-only; checkpoint-create-as test c7; checkpoint-list test --parent'
add snap-ro-secure 'snapshot-dumpxml test nosuch --security-info; snapshot-dumpxml test nosuch; checkpoint-dumpxml test nosuch --security-info; checkpoint-dumpxml test nosuch' ro
add snap-redefine "snapshot-create test $data/snapshot-redefine.xml --redefine; snapshot-list test --name; snapshot-current test; snapshot-dumpxml test old; snapshot-create test $data/snapshot-redefine.xml --redefine --current; snapshot-current test --name; snapshot-info test old"
add snap-redefine-existing "snapshot-create-as test s1 --description before; snapshot-create-as test s2; snapshot-current test s1; snapshot-info test s1; snapshot-dumpxml test s1"
add snap-redefine-domain-xml "snapshot-create test $data/snapshot-redefine-domain.xml --redefine; snapshot-list test --parent; snapshot-dumpxml test olddom; snapshot-create test $data/snapshot-redefine-domain.xml --redefine --current; snapshot-current test --name; snapshot-revert test olddom; list --all; snapshot-create-as test next; snapshot-parent test next"
add snap-tree-roots "snapshot-create test $data/snapshot-redefine-domain.xml --redefine; snapshot-create-as test s; snapshot-list test --tree; snapshot-current test olddom; snapshot-create-as test s2; snapshot-list test --tree; snapshot-list test --roots --name"
add cp-redefine "checkpoint-create test $data/checkpoint-redefine.xml --redefine; checkpoint-list test --parent; checkpoint-dumpxml test cpold; checkpoint-create-as test c2; checkpoint-parent test c2; checkpoint-create test $data/checkpoint-redefine-bare.xml --redefine; checkpoint-dumpxml test cpbare; checkpoint-info test cpbare; checkpoint-create-as test c3; checkpoint-parent test c3"
add cp-redefine-errors "checkpoint-create test $data/checkpoint-redefine-orphan.xml --redefine; checkpoint-create test $data/checkpoint-redefine-notime.xml --redefine; checkpoint-create test $data/checkpoint-redefine.xml --redefine-validate; checkpoint-create test $data/checkpoint-redefine.xml --redefine --redefine-validate; checkpoint-list test"
add cp-redefine-existing "checkpoint-create-as test c1 --description before; checkpoint-create test $data/checkpoint-redefine.xml --redefine; checkpoint-dumpxml test c1 --no-domain; checkpoint-list test --parent"
add undefine-checkpoints-metadata "define $WEB; start web; checkpoint-create-as web c1; destroy web; undefine web --checkpoints-metadata; list --all; define $WEB; undefine web --checkpoints-metadata --snapshots-metadata --managed-save"
add undefine-fallback 'snapshot-create-as test s; undefine test --keep-nvram; undefine test --snapshots-metadata --keep-nvram; destroy test; list --all'
add undefine-fallback-inactive 'snapshot-create-as test a; destroy test; undefine test --managed-save; undefine test --nvram; snapshot-list test; undefine --snapshots-metadata test --keep-nvram'

# A chain 300 deep (the tree's indentation grows four characters a level),
# then the whole of it deleted at once.
DEEP=
for i in $(seq -w 1 300); do DEEP+="snapshot-create-as test d$i; "; done
add snap-deep-tree "${DEEP}snapshot-list test --tree; snapshot-info test d001; snapshot-list test --from d150 --descendants --name; snapshot-delete test d001 --children; snapshot-list test"
add snapshot-create-validate "snapshot-create test $data/snapshot-invalid.xml --validate; snapshot-create test $data/snapshot-invalid.xml; snapshot-list test --name"

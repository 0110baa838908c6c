# The host interface cases of tests/integration/virsh-interop.sh (sourced
# by it: add NAME COMMANDS [ro|node]). test:///default has eth1, active.
IF=$data

add iface-list 'iface-list; iface-list --all; iface-list --inactive'
add iface-dumpxml 'iface-dumpxml eth1'
add iface-dumpxml-inactive 'iface-dumpxml --inactive eth1'
add iface-dumpxml-xpath 'iface-dumpxml --xpath //ip eth1; iface-dumpxml --wrap --xpath //@address eth1'
add iface-mac-name 'iface-mac eth1; iface-name aa:bb:cc:dd:ee:ff; iface-name AA:BB:CC:DD:EE:FF'
add iface-unknown 'iface-dumpxml eth9; iface-mac eth9; iface-name 00:11:22:33:44:55; iface-start eth9; iface-destroy eth9; iface-undefine eth9'

# Define (XML written back in libvirt's order, unknown elements dropped),
# start, destroy, undefine.
add iface-define "iface-define $IF/iface-eth2.xml; iface-list --all; iface-dumpxml eth2; iface-mac eth2"
add iface-define-bridge "iface-define $IF/iface-bridge.xml; iface-list --all; iface-dumpxml br0"
add iface-define-bond "iface-define $IF/iface-bond.xml; iface-define $IF/iface-bond-arp.xml; iface-dumpxml bond0; iface-dumpxml bond1"
add iface-define-vlan "iface-define $IF/iface-vlan.xml; iface-dumpxml eth1.42; iface-list --all"
add iface-redefine "iface-define $IF/iface-eth2.xml; iface-start eth2; iface-define $IF/iface-eth2-changed.xml; iface-list --all; iface-dumpxml eth2"
add iface-lifecycle "iface-define $IF/iface-eth2.xml; iface-start eth2; iface-list; iface-start eth2; iface-destroy eth2; iface-destroy eth2; iface-list --inactive; iface-undefine eth2; iface-list --all"
add iface-destroy-eth1 'iface-destroy eth1; iface-list --all; iface-start eth1; iface-list'
add iface-undefine-active 'iface-undefine eth1; iface-list --all; iface-dumpxml eth1'
add iface-name-multiple "iface-define $IF/iface-bridge.xml; iface-name aa:bb:cc:dd:ee:ff"
add iface-name-after-undefine "iface-define $IF/iface-eth2.xml; iface-undefine eth1; iface-name aa:bb:cc:dd:ee:01"

# The change transaction.
add iface-begin-rollback "iface-begin; iface-define $IF/iface-eth2.xml; iface-undefine eth1; iface-list --all; iface-rollback; iface-list --all"
add iface-begin-commit "iface-begin; iface-define $IF/iface-eth2.xml; iface-destroy eth1; iface-commit; iface-list --all; iface-rollback"
add iface-begin-twice 'iface-begin; iface-begin; iface-commit; iface-commit'
add iface-rollback-none 'iface-rollback; iface-commit'
add iface-rollback-state "iface-begin; iface-destroy eth1; iface-list --all; iface-rollback; iface-list --all"

# Bad definitions: libvirt's errors, nothing defined.
for bad in notype badtype noname root nobridge vlan-noname vlan-notag startmode mtu mtu-nan nofamily \
    family linkstate linkspeed peerdns bondmode bond-member miimon arpmon malformed; do
    add "iface-define-bad-$bad" "iface-define $IF/iface-bad-$bad.xml; iface-list --all"
done
add iface-define-missing-file "iface-define $IT_DIR/no-such-file.xml"

# What real's test driver does not do.
add iface-bridge 'iface-bridge eth1 br1; iface-list --all'
add iface-unbridge 'iface-unbridge br1'

# The read-only socket.
add ro-iface-read 'iface-list --all; iface-dumpxml eth1; iface-mac eth1; iface-name aa:bb:cc:dd:ee:ff' ro
add ro-iface-define "iface-define $IF/iface-eth2.xml; iface-list --all" ro
add ro-iface-destroy 'iface-destroy eth1; iface-undefine eth1; iface-begin; iface-list --all' ro

# A node file's interfaces.
add node-file-iface 'iface-list --all; iface-dumpxml node-eth0; iface-dumpxml node-br0' node
# Attributes read as libvirt's XPath reads them: from the first element
# that has them.
add iface-define-split-attrs "iface-define $IF/iface-bond-split.xml; iface-dumpxml bond2"
add iface-define-validate "iface-define --validate $data/interface-invalid.xml; iface-list --all"

# The network cases of tests/integration/virsh-interop.sh (sourced by it:
# add NAME COMMANDS [ro|node]). test:///default's "default" network and
# the networks of tests/data/network-*.xml; their fixed UUIDs are compared
# as they are, generated ones normalized.
KNOWN_UUIDS="$KNOWN_UUIDS dd8fe884-6c02-601e-7551-cca97df1c5df 5b1a7c3e-2f4d-4e6a-9b8c-0d1e2f3a4b5c 6c2b8d4f-3a5e-4f7b-8c9d-1e2f3a4b5c6d 81ff0d90-c91e-6742-64da-4a736edb9a9c 9f5e1a7c-6d8b-4cae-9f20-4b5c6d7e8f90 0d4e6f8a-1b3c-4d5e-8f7a-9b0c1d2e3f4a"

LAB=$data/network-lab.xml
ISO=$data/network-isolated.xml
BRIDGED=$data/network-bridged.xml
RICH=$data/network-rich.xml

# lab defined and started, autostart; isolated defined; bridged transient.
NSETUP="net-define $LAB; net-start lab; net-autostart lab; net-define $ISO; net-create $BRIDGED"

# test:///default's network.
add net-list 'net-list'
add net-list-all 'net-list --all'
add net-info 'net-info default'
add net-dumpxml 'net-dumpxml default'
add net-dumpxml-inactive 'net-dumpxml --inactive default'
add net-uuid 'net-uuid default'
add net-name 'net-name dd8fe884-6c02-601e-7551-cca97df1c5df'
add net-info-by-uuid 'net-info dd8fe884-6c02-601e-7551-cca97df1c5df'

# Listing filters on a populated state.
add net-list-populated "$NSETUP; net-list; net-list --all"
add net-list-inactive "$NSETUP; net-list --inactive"
add net-list-persistent "$NSETUP; net-list --all --persistent"
add net-list-transient "$NSETUP; net-list --all --transient"
add net-list-autostart "$NSETUP; net-list --all --autostart"
add net-list-no-autostart "$NSETUP; net-list --all --no-autostart"
add net-list-name "$NSETUP; net-list --all --name"
add net-list-uuid "$NSETUP; net-list --all --uuid"
add net-list-table "$NSETUP; net-list --all --table"
add net-list-mixed "$NSETUP; net-list --inactive --persistent --name; net-list --transient --autostart; net-list --persistent --no-autostart --uuid"

# Define, start, destroy, undefine, autostart, and what each shows.
add net-define-lab "net-define $LAB; net-info lab; net-dumpxml lab; net-list --all"
add net-define-generated "net-define $ISO; net-dumpxml isolated; net-info isolated; net-uuid isolated"
add net-define-rich "net-define $RICH; net-dumpxml rich; net-info rich"
add net-define-bridged "net-define $BRIDGED; net-dumpxml bridged; net-info bridged"
add net-define-validate "net-define --validate $LAB; net-dumpxml lab"
add net-lifecycle "net-define $LAB; net-start lab; net-info lab; net-destroy lab; net-info lab; net-undefine lab; net-list --all"
add net-create "net-create $BRIDGED; net-info bridged; net-dumpxml bridged; net-destroy bridged; net-list --all"
add net-create-validate "net-create --validate $ISO; net-list --all --transient"
add net-autostart "net-define $LAB; net-autostart lab; net-info lab; net-autostart --disable lab; net-info lab"
add net-autostart-transient "net-create $BRIDGED; net-autostart bridged; net-info bridged"
add net-redefine-running "net-define $LAB; net-start lab; net-define $LAB; net-destroy lab; net-list --all"
add net-create-over-defined "net-define $LAB; net-create $LAB; net-list --all; net-destroy lab; net-list --all"
add net-define-over-transient "net-create $LAB; net-define $LAB; net-destroy lab; net-list --all --persistent"
add net-destroy-inactive "net-define $LAB; net-destroy lab; net-list --all"
add net-default-cycle "net-destroy default; net-list --all; net-start default; net-list"

# Error paths.
add net-unknown 'net-info nosuch; net-dumpxml nosuch; net-start nosuch; net-destroy nosuch; net-undefine nosuch; net-autostart nosuch; net-uuid nosuch'
add net-unknown-uuid 'net-name 11111111-2222-3333-4444-555555555555; net-info 11111111-2222-3333-4444-555555555555'
add net-start-active 'net-start default'
add net-undefine-active 'net-undefine default'
add net-undefine-transient "net-create $BRIDGED; net-undefine bridged"
add net-define-dup "net-define $LAB; net-define $data/network-lab-clash.xml; net-create $data/network-lab-clash.xml"
add net-define-default-again 'net-define /dev/null'
add net-create-running "net-create $LAB; net-create $LAB"
add net-bad-xml "net-define $data/network-malformed.xml; net-create $data/network-malformed.xml"
add net-not-a-network "net-define $data/network-not-a-network.xml"
add net-no-name "net-define $data/network-no-name.xml"
add net-bad-forward "net-define $data/network-bad-forward.xml"
add net-nat-no-ip "net-define $data/network-nat-no-ip.xml"
add net-bad-range "net-define $data/network-bad-range.xml"
add net-bad-mac "net-define $data/network-bad-mac.xml"
add net-bad-name "net-define $data/network-bad-name.xml"
add net-bad-prefix "net-define $data/network-bad-prefix.xml"
add net-bad-addr "net-define $data/network-bad-addr.xml"
add net-bad-uuid "net-define $data/network-bad-uuid.xml"
add net-missing-file 'net-define /nonexistent/net.xml'
add net-dhcp-leases 'net-dhcp-leases default'
add net-dhcp-leases-mac 'net-dhcp-leases default --mac 52:54:00:00:00:01'
add net-port-list 'net-port-list default'
add net-port-list-unknown 'net-port-list nosuch'

# net-update: every section and command real's test driver takes.
H1="<host mac='52:54:00:00:00:07' name='h7' ip='192.168.122.7'/>"
add net-update-dhcp-host "net-update default add ip-dhcp-host \"$H1\"; net-dumpxml default; net-update default modify ip-dhcp-host \"<host mac='52:54:00:00:00:07' name='h7b' ip='192.168.122.8'/>\"; net-dumpxml default; net-update default delete ip-dhcp-host \"<host mac='52:54:00:00:00:07'/>\"; net-dumpxml default"
add net-update-dhcp-host-first "net-update default add-last ip-dhcp-host \"$H1\"; net-update default add-first ip-dhcp-host \"<host mac='52:54:00:00:00:06' ip='192.168.122.6'/>\"; net-dumpxml default"
add net-update-dhcp-host-errors "net-update default add ip-dhcp-host \"$H1\"; net-update default add ip-dhcp-host \"<host mac='52:54:00:00:00:07' ip='192.168.122.9'/>\"; net-update default delete ip-dhcp-host \"<host mac='52:54:00:00:00:99'/>\"; net-update default add ip-dhcp-host \"<host ip='192.168.122.9'/>\"; net-update default add ip-dhcp-host \"<host mac='52:54:00:00:00:08'/>\"; net-update default add ip-dhcp-host \"<host mac='52:54:00:00:00:17' ip='192.168.122.17'/>\" --parent-index 3; net-update default add ip-dhcp-host \"<foo/>\"; net-update default add ip-dhcp-host \"<host\""
add net-update-dhcp-range "net-update default add ip-dhcp-range \"<range start='192.168.122.2' end='192.168.122.9'/>\"; net-dumpxml default; net-update default delete ip-dhcp-range \"<range start='192.168.122.2' end='192.168.122.254'/>\"; net-dumpxml default; net-update default add ip-dhcp-range \"<range start='192.168.122.2' end='192.168.122.9'/>\"; net-update default modify ip-dhcp-range \"<range start='192.168.122.2' end='192.168.122.9'/>\"; net-update default delete ip-dhcp-range \"<range start='192.168.122.50' end='192.168.122.60'/>\"; net-update default add ip-dhcp-range \"<range start='10.0.0.2' end='10.0.0.9'/>\""
add net-update-dns "net-update default add dns-host \"<host ip='192.168.122.7'><hostname>x</hostname></host>\"; net-update default add dns-txt \"<txt name='t' value='v'/>\"; net-update default add dns-srv \"<srv service='s' protocol='tcp'/>\"; net-dumpxml default; net-update default add dns-host \"<host ip='192.168.122.7'><hostname>y</hostname></host>\"; net-update default add dns-txt \"<txt name='t' value='w'/>\"; net-update default add dns-srv \"<srv service='s' protocol='tcp'/>\"; net-update default modify dns-host \"<host ip='192.168.122.7'><hostname>x</hostname></host>\"; net-update default modify dns-txt \"<txt name='t' value='v'/>\"; net-update default modify dns-srv \"<srv service='s' protocol='tcp'/>\"; net-update default delete dns-host \"<host ip='192.168.122.70'><hostname>x</hostname></host>\"; net-update default delete dns-txt \"<txt name='t'/>\"; net-update default delete dns-srv \"<srv service='s' protocol='tcp'/>\"; net-dumpxml default; net-update default delete dns-txt \"<txt name='u'/>\"; net-update default delete dns-srv \"<srv service='q' protocol='udp'/>\"; net-update default delete dns-host \"<host ip='192.168.122.71'><hostname>z</hostname></host>\"; net-update default add dns-host \"<host ip='192.168.122.9'/>\""
add net-update-portgroup "net-update default add portgroup \"<portgroup name='p'/>\"; net-update default add portgroup \"<portgroup name='q' default='yes'/>\"; net-dumpxml default; net-update default add portgroup \"<portgroup name='p'/>\"; net-update default modify portgroup \"<portgroup name='p' default='yes'/>\"; net-update default modify portgroup \"<portgroup name='zz'/>\"; net-update default delete portgroup \"<portgroup name='q'/>\"; net-update default modify portgroup \"<portgroup name='p' default='yes'/>\"; net-dumpxml default; net-update default delete portgroup \"<portgroup name='q'/>\""
add net-update-forward-interface "net-update default add forward-interface \"<interface dev='eth9'/>\"; net-update default add-first forward-interface \"<interface dev='eth8'/>\"; net-dumpxml default; net-update default add forward-interface \"<interface dev='eth9'/>\"; net-update default modify forward-interface \"<interface dev='eth9'/>\"; net-update default delete forward-interface \"<interface dev='eth8'/>\"; net-dumpxml default; net-update default delete forward-interface \"<interface dev='eth7'/>\""
add net-update-unsupported "net-update default modify bridge \"<bridge name='x'/>\"; net-update default add domain \"<domain name='x'/>\"; net-update default add ip \"<ip/>\"; net-update default delete forward \"<forward/>\"; net-update default add forward-pf \"<pf dev='eth0'/>\""
add net-update-live-config "net-define $LAB; net-update lab add ip-dhcp-host \"$H1\" --live; net-update lab add ip-dhcp-host \"<host mac='52:54:00:00:00:09' ip='10.10.0.9'/>\" --config; net-dumpxml lab; net-start lab; net-update lab add dns-txt \"<txt name='a' value='b'/>\" --config; net-dumpxml lab; net-update lab add dns-txt \"<txt name='c' value='d'/>\"; net-update lab add dns-txt \"<txt name='e' value='f'/>\" --live --config; net-dumpxml lab; net-destroy lab; net-dumpxml lab"
add net-update-transient "net-create $BRIDGED; net-update bridged add portgroup \"<portgroup name='p'/>\" --config; net-update bridged add portgroup \"<portgroup name='p'/>\"; net-dumpxml bridged"
add net-update-unknown "net-update nosuch add portgroup \"<portgroup name='p'/>\""

# Read-only connections: reads allowed, changes refused.
add net-ro-reads 'net-list --all; net-info default; net-dumpxml default; net-uuid default; net-name dd8fe884-6c02-601e-7551-cca97df1c5df' ro
add net-ro-define "net-define $LAB" ro
add net-ro-create "net-create $LAB" ro
add net-ro-changes 'net-destroy default; net-start default; net-undefine default; net-autostart default; net-autostart --disable default' ro
add net-ro-update "net-update default add dns-txt \"<txt name='t' value='v'/>\"" ro
add net-ro-leases 'net-dhcp-leases default' ro

# A node file's networks (inline and file=).
add net-node 'net-list --all; net-dumpxml nodenet; net-dumpxml lab; net-info nodenet' node
add net-bridge-stp "net-define $data/network-bridged-stp.xml"
add net-define-validate-bad "net-define --validate $ISO"
add net-bad-dns "net-define $data/network-bad-dns.xml"
add net-bad-route "net-define $data/network-bad-route.xml"
add net-bad-vlan "net-define $data/network-bad-vlan.xml"
add net-bad-bandwidth "net-define $data/network-bad-bandwidth.xml"
add net-bad-dhcp-host "net-define $data/network-bad-dhcp-host.xml"
add net-quirks "net-define $data/network-quirks.xml; net-dumpxml quirks; net-update quirks add dns-txt \"<txt name='t' value='v'/>\"; net-dumpxml quirks"
add net-port-create "net-port-create default $data/network-port.xml"
add net-port-dumpxml 'net-port-dumpxml default 6695eb01-f6a4-8304-79aa-97f2502e193f; net-port-delete default 6695eb01-f6a4-8304-79aa-97f2502e193f'
add net-port-ro "net-port-create default $data/network-port.xml; net-port-list default" ro

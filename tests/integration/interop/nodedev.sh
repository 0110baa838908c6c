# The node device, secret and network filter cases of
# tests/integration/virsh-interop.sh (sourced by it: add NAME COMMANDS
# [ro|node]). Real's test driver serves node devices (listing them with
# virsh's default flags fails there, as it must here); it has no secrets
# and no network filters, so every secret-* and nwfilter-* command fails
# with "not supported", the same way on both.
ND=$data
VHBA=$ND/nodedev-vhba.xml

# Listing: virsh asks for active devices, which real's test driver refuses;
# --tree with --cap is refused by virsh itself.
add nodedev-list 'nodedev-list'
add nodedev-list-all 'nodedev-list --all'
add nodedev-list-inactive 'nodedev-list --inactive'
add nodedev-list-tree 'nodedev-list --tree'
add nodedev-list-cap 'nodedev-list --cap scsi_host'
add nodedev-list-cap-several 'nodedev-list --cap fc_host,vports'
add nodedev-list-cap-bogus 'nodedev-list --cap bogus'
add nodedev-list-tree-cap 'nodedev-list --tree --cap system'

# Each device's XML and info.
add nodedev-dumpxml 'nodedev-dumpxml computer; nodedev-dumpxml scsi_host1; nodedev-dumpxml scsi_host2; nodedev-dumpxml scsi_host11'
add nodedev-dumpxml-xpath 'nodedev-dumpxml --xpath //wwnn scsi_host1; nodedev-dumpxml --wrap --xpath //name scsi_host11'
add nodedev-info 'nodedev-info computer; nodedev-info scsi_host11'
add nodedev-unknown 'nodedev-dumpxml nope; nodedev-info nope; nodedev-destroy nope'

# vHBA creation and destruction (real's mock: always scsi_host12).
add nodedev-create "nodedev-create $VHBA; nodedev-dumpxml scsi_host12; nodedev-info scsi_host12"
add nodedev-create-noparent "nodedev-create $ND/nodedev-vhba-noparent.xml; nodedev-dumpxml scsi_host12"
add nodedev-create-twice "nodedev-create $VHBA; nodedev-create $ND/nodedev-vhba-noparent.xml; nodedev-dumpxml scsi_host12"
add nodedev-create-destroy "nodedev-create $VHBA; nodedev-destroy scsi_host12; nodedev-destroy scsi_host12; nodedev-dumpxml scsi_host12"
add nodedev-destroy-any 'nodedev-destroy scsi_host1; nodedev-destroy computer; nodedev-dumpxml scsi_host11; nodedev-dumpxml computer'
add nodedev-create-after-template-gone "nodedev-destroy scsi_host11; nodedev-create $VHBA"

# Creation errors.
add nodedev-create-bad-parent "nodedev-create $ND/nodedev-vhba-badparent.xml; nodedev-dumpxml scsi_host12"
add nodedev-create-parent-missing "nodedev-create $ND/nodedev-vhba-noparent-found.xml"
add nodedev-create-no-wwnn "nodedev-create $ND/nodedev-vhba-nowwnn.xml"
add nodedev-create-not-hba "nodedev-create $ND/nodedev-not-hba.xml"
add nodedev-create-system "nodedev-create $ND/nodedev-system.xml"
add nodedev-create-no-caps "nodedev-create $ND/nodedev-nocaps.xml"
add nodedev-create-bad-cap "nodedev-create $ND/nodedev-badcap.xml"
add nodedev-create-bad-subcap "nodedev-create $ND/nodedev-vports-type.xml"
add nodedev-create-top-fc-host "nodedev-create $ND/nodedev-fc-top.xml"
add nodedev-create-malformed "nodedev-create $ND/nodedev-malformed.xml"
add nodedev-create-not-a-device "nodedev-create $ND/nodedev-not-a-device.xml"
add nodedev-create-missing-file "nodedev-create $IT_DIR/no-such-file.xml"

# What real's test driver does not serve.
add nodedev-detach 'nodedev-detach scsi_host1'
add nodedev-reattach 'nodedev-reattach scsi_host1'
add nodedev-reset 'nodedev-reset scsi_host1'
add nodedev-define "nodedev-define $VHBA"
add nodedev-undefine 'nodedev-undefine scsi_host1'
add nodedev-start 'nodedev-start scsi_host1'
add nodedev-autostart 'nodedev-autostart scsi_host1; nodedev-autostart --disable scsi_host1'

# The read-only socket.
add ro-nodedev-read 'nodedev-dumpxml scsi_host1; nodedev-info computer; nodedev-list --cap system' ro
add ro-nodedev-create "nodedev-create $VHBA; nodedev-dumpxml scsi_host12" ro
add ro-nodedev-destroy 'nodedev-destroy scsi_host1; nodedev-dumpxml scsi_host1' ro

# A node file's devices.
add node-file-nodedev 'nodedev-list --cap system,scsi_host; nodedev-dumpxml node-computer; nodedev-dumpxml node-hba; nodedev-info node-hba' node
add node-file-nodedev-create "nodedev-create $VHBA; nodedev-create $ND/nodedev-vhba-noparent.xml" node

# Secrets: not served by real's test driver.
SECRET_UUID=0a0b0c0d-1111-2222-3333-444455556666
add secret-list 'secret-list'
add secret-list-filters 'secret-list --ephemeral; secret-list --private; secret-list --no-ephemeral --no-private'
add secret-define "secret-define $ND/nodedev-vhba.xml"
add secret-dumpxml "secret-dumpxml $SECRET_UUID"
add secret-set-value "secret-set-value $SECRET_UUID --base64 c2VjcmV0"
add secret-get-value "secret-get-value $SECRET_UUID"
add secret-undefine "secret-undefine $SECRET_UUID"
add secret-event 'secret-event --all --timeout 1'
add ro-secret 'secret-list; secret-undefine 0a0b0c0d-1111-2222-3333-444455556666' ro

# Network filters: not served either.
add nwfilter-list 'nwfilter-list'
add nwfilter-define "nwfilter-define $ND/nodedev-vhba.xml"
add nwfilter-dumpxml 'nwfilter-dumpxml clean-traffic'
add nwfilter-undefine 'nwfilter-undefine clean-traffic'
add nwfilter-binding-list 'nwfilter-binding-list'
add nwfilter-binding-create "nwfilter-binding-create $ND/nodedev-vhba.xml"
add nwfilter-binding-dumpxml 'nwfilter-binding-dumpxml vnet0'
add nwfilter-binding-delete 'nwfilter-binding-delete vnet0'
add ro-nwfilter 'nwfilter-list; nwfilter-undefine clean-traffic' ro

# Node device events: the list, a wait that hears nothing, a bad name.
add nodedev-event-list 'nodedev-event --list'
add nodedev-event-timeout 'nodedev-event --event lifecycle --timeout 1'
add nodedev-event-device 'nodedev-event --event update --device scsi_host1 --timeout 1'
add nodedev-event-bogus 'nodedev-event --event bogus'
add nodedev-event-create "nodedev-create $VHBA; nodedev-event --event lifecycle --timeout 1"
add ro-secret-define "secret-define $ND/nodedev-vhba.xml" ro
add ro-nwfilter-define "nwfilter-define $ND/nodedev-vhba.xml; nwfilter-binding-delete vnet0" ro
add ro-secret-others "secret-set-value $SECRET_UUID --base64 c2VjcmV0; secret-get-value $SECRET_UUID; secret-dumpxml $SECRET_UUID; secret-list" ro
add ro-nwfilter-others "nwfilter-undefine clean-traffic; nwfilter-binding-create $ND/nodedev-vhba.xml; nwfilter-dumpxml x; nwfilter-binding-list" ro
add ro-nodedev-others "nodedev-detach scsi_host1; nodedev-reattach scsi_host1; nodedev-reset scsi_host1; nodedev-define $VHBA; nodedev-undefine scsi_host1; nodedev-start scsi_host1; nodedev-autostart scsi_host1; nodedev-info scsi_host1" ro
add nodedev-create-validate "nodedev-create --validate $data/nodedev-invalid.xml; nodedev-list --cap fc_host"

# The storage pool and volume cases of tests/integration/virsh-interop.sh
# (sourced by it: add NAME COMMANDS [ro|node|node:FILE]); the XML files are
# tests/data/storage-*.xml.

PDIR=$data/storage-pool-dir.xml
PNETFS=$data/storage-pool-netfs.xml
PLOGICAL=$data/storage-pool-logical.xml
PISCSI=$data/storage-pool-iscsi.xml
PSCSI=$data/storage-pool-scsi.xml
PRBD=$data/storage-pool-rbd.xml
VOL=$data/storage-vol.xml
VBLOCK=$data/storage-vol-block.xml
VCLONE=$data/storage-vol-clone.xml

# A populated state: images defined and autostarted, share defined, vg
# running (transient), a netfs pool defined with -as, two volumes.
SPOOLS="pool-define $PDIR; pool-autostart images; pool-define $PNETFS; pool-create $PLOGICAL; pool-define-as fsp fs --source-dev /dev/sdx1 --target /mnt/fsp"
SVOLS="vol-create default-pool $VOL; vol-create-as default-pool raw.img 1G --allocation 100M"

# Listing pools, every filter.
add pool-list 'pool-list'
add pool-list-all 'pool-list --all'
add pool-list-details 'pool-list --all --details'
add pool-list-populated "$SPOOLS; pool-list; pool-list --all; pool-list --all --details"
add pool-list-inactive "$SPOOLS; pool-list --inactive; pool-list --inactive --details"
add pool-list-persistent "$SPOOLS; pool-list --all --persistent; pool-list --all --transient"
add pool-list-autostart "$SPOOLS; pool-list --all --autostart; pool-list --all --no-autostart"
add pool-list-type "$SPOOLS; pool-list --all --type dir; pool-list --all --type netfs,logical; pool-list --all --type fs --details; pool-list --all --type iscsi,scsi,rbd"
add pool-list-name-uuid "$SPOOLS; pool-list --all --name; pool-list --all --uuid; pool-list --name --uuid"
add pool-list-all-filters "$SPOOLS; pool-list --all --persistent --autostart --type dir; pool-list --inactive --no-autostart --name"
add pool-list-bad-type 'pool-list --type floppy'

# One pool.
add pool-info 'pool-info default-pool'
add pool-info-uuid 'pool-info dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566'
add pool-info-missing 'pool-info nosuch'
add pool-dumpxml 'pool-dumpxml default-pool'
add pool-dumpxml-inactive 'pool-dumpxml --inactive default-pool'
add pool-dumpxml-types "pool-define $PDIR; pool-dumpxml images; pool-define $PNETFS; pool-dumpxml share; pool-define $PLOGICAL; pool-dumpxml vg; pool-define $PISCSI; pool-dumpxml san; pool-define $PSCSI; pool-dumpxml hba; pool-define $PRBD; pool-dumpxml ceph"
add pool-uuid-name 'pool-uuid default-pool; pool-name dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566; pool-uuid nosuch; pool-name 11111111-2222-3333-4444-555555555555'
add pool-info-inactive "pool-define $PDIR; pool-info images; pool-start images; pool-info images"

# Pool lifecycle.
add pool-define "pool-define $PDIR; pool-list --all --details; pool-info images"
add pool-define-as 'pool-define-as p1 dir --target /srv/p1; pool-dumpxml p1; pool-define-as n1 netfs --source-host h1 --source-path /e --source-format cifs --target /mnt/n1; pool-dumpxml n1; pool-define-as l1 logical --source-name vg1 --source-dev /dev/sdq --target /dev/vg1; pool-dumpxml l1'
add pool-define-as-disk 'pool-define-as d1 disk --source-dev /dev/sdc --source-format gpt --target /dev; pool-dumpxml d1; pool-define-as z1 zfs --source-name tank; pool-dumpxml z1'
add pool-create "pool-create $PDIR; pool-list --all --details; pool-destroy images; pool-list --all"
add pool-create-as 'pool-create-as t1 dir --target /t1; pool-list --transient; pool-info t1; pool-autostart t1; pool-destroy t1; pool-info t1'
add pool-start-stop "pool-define $PDIR; pool-build images; pool-start images; pool-refresh images; pool-destroy images; pool-delete images; pool-undefine images; pool-list --all"
add pool-autostart "pool-define $PDIR; pool-autostart images; pool-info images; pool-autostart --disable images; pool-info images; pool-autostart default-pool; pool-list --autostart"
add pool-redefine "pool-define $PDIR; pool-define $PDIR; pool-start images; pool-define $PDIR; pool-dumpxml images; pool-destroy images; pool-list --all"
add pool-redefine-running 'pool-define-as default-pool dir --target /elsewhere; pool-dumpxml default-pool; pool-destroy default-pool; pool-dumpxml default-pool'

# Pool errors.
add pool-errors-active 'pool-start default-pool; pool-build default-pool; pool-delete default-pool; pool-undefine default-pool'
add pool-errors-inactive "pool-define $PDIR; pool-destroy images; pool-refresh images; vol-list images; vol-create-as images x 1M; vol-info x --pool images"
add pool-errors-dup "pool-define $PDIR; pool-define $data/storage-pool-clash.xml; pool-define-as default-pool dir --target /x; pool-create-as default-pool dir --target /y; pool-define-as other dir --target /default-pool; pool-create $PDIR; pool-start images; pool-create $PDIR"
add pool-errors-source 'pool-define-as f1 fs --source-dev /dev/a --target /f1; pool-define-as f2 fs --source-dev /dev/a --target /f2; pool-define-as n1 netfs --source-host h --source-path /e --target /n1; pool-define-as n2 netfs --source-host h --source-path /e --target /n2'
add pool-errors-xml "pool-define $data/storage-pool-bad-type.xml; pool-define $data/storage-pool-no-target.xml; pool-define $data/storage-pool-malformed.xml; pool-define $data/storage-pool-fs-badformat.xml; pool-define $data/domain-web.xml; pool-create $data/storage-pool-malformed.xml"
add pool-errors-required 'pool-define-as q1 fs --target /q1; pool-define-as q2 netfs --target /q2; pool-define-as q3 netfs --source-host h --target /q3; pool-define-as q4 scsi --target /q4; pool-define-as q5 disk --target /q5; pool-define-as q6 rbd; pool-define-as q7 iscsi --target /q7'
add pool-errors-missing 'pool-start nosuch; pool-destroy nosuch; pool-undefine nosuch; pool-dumpxml nosuch; pool-autostart nosuch; pool-refresh nosuch; vol-list nosuch'
add pool-transient-autostart 'pool-create-as t1 dir --target /t1; pool-autostart t1; pool-autostart --disable t1'

# Source discovery and capabilities.
add find-sources 'find-storage-pool-sources logical; find-storage-pool-sources-as logical'
add find-sources-netfs 'find-storage-pool-sources-as netfs nfs.example.com; find-storage-pool-sources-as netfs; find-storage-pool-sources netfs'
add find-sources-other 'find-storage-pool-sources dir; find-storage-pool-sources floppy; find-storage-pool-sources-as iscsi h1'
add pool-capabilities 'pool-capabilities'

# Volumes.
add vol-list 'vol-list default-pool; vol-list default-pool --details'
add vol-create "$SVOLS; vol-list default-pool --details; vol-dumpxml disk1.qcow2 --pool default-pool; vol-dumpxml raw.img --pool default-pool; pool-info default-pool; pool-dumpxml default-pool"
add vol-create-as 'vol-create-as default-pool a.img 10M; vol-create-as default-pool b.qcow2 1G --allocation 0 --format qcow2; vol-create-as default-pool c.vmdk 2G --format vmdk --allocation 1G; vol-list default-pool --details; vol-dumpxml b.qcow2 --pool default-pool'
add vol-info "$SVOLS; vol-info disk1.qcow2 --pool default-pool; vol-info /default-pool/raw.img; vol-info --pool default-pool raw.img --bytes"
add vol-key-path-name "$SVOLS; vol-key disk1.qcow2 --pool default-pool; vol-path disk1.qcow2 --pool default-pool; vol-name /default-pool/disk1.qcow2; vol-pool /default-pool/disk1.qcow2; vol-pool --uuid /default-pool/raw.img; vol-key /default-pool/raw.img; vol-path /default-pool/raw.img"
add vol-block "vol-create default-pool $VBLOCK; vol-info blk --pool default-pool; vol-dumpxml blk --pool default-pool"
add vol-clone "$SVOLS; vol-clone raw.img raw2.img --pool default-pool; vol-dumpxml raw2.img --pool default-pool; vol-clone disk1.qcow2 raw.img --pool default-pool; vol-list default-pool; pool-info default-pool"
add vol-create-from "$SVOLS; vol-create-from default-pool $VCLONE raw.img --inputpool default-pool; vol-dumpxml copy.img --pool default-pool; vol-create-from default-pool $VCLONE nosuch --inputpool default-pool; vol-create-from default-pool $VCLONE copy.img --inputpool default-pool"
add vol-delete "$SVOLS; vol-delete raw.img --pool default-pool; vol-delete /default-pool/disk1.qcow2; vol-list default-pool; pool-info default-pool; vol-delete raw.img --pool default-pool"
add vol-wipe-resize "$SVOLS; vol-wipe raw.img --pool default-pool; vol-resize raw.img 2G --pool default-pool; vol-info raw.img --pool default-pool"
add vol-upload-download "$SVOLS; vol-upload raw.img $VOL --pool default-pool; vol-download raw.img $IT_DIR/home/dl.img --pool default-pool"
add vol-errors-xml "vol-create default-pool $data/storage-vol-huge.xml; vol-create default-pool $data/storage-vol-nocap.xml; vol-create default-pool $data/storage-vol-badunit.xml; vol-create default-pool $data/storage-vol-badformat.xml; vol-create default-pool $data/storage-vol-noname.xml; vol-create default-pool $data/storage-vol-malformed.xml; vol-create default-pool $PDIR"
add vol-errors-dup "$SVOLS; vol-create default-pool $VOL; vol-create-as default-pool raw.img 1M"
add vol-errors-missing 'vol-info nosuch --pool default-pool; vol-dumpxml nosuch --pool default-pool; vol-key /no/such; vol-path nosuch --pool default-pool; vol-delete nosuch --pool default-pool; vol-info x --pool nosuch'
add vol-other-pools "pool-create $PLOGICAL; vol-create-as vg lv1 1G; vol-info lv1 --pool vg; vol-dumpxml lv1 --pool vg; pool-create $PRBD; vol-create-as ceph r1 1M; vol-info r1 --pool ceph; vol-dumpxml r1 --pool ceph; vol-list ceph --details"
add vol-disk-pool 'pool-define-as d1 disk --source-dev /dev/sdc --target /dev; pool-start d1; vol-create-as d1 sdc1 100M; vol-info sdc1 --pool d1; vol-dumpxml sdc1 --pool d1; vol-create-as d1 sdc2 1M --format qcow2'
add vol-pool-lifecycle "$SVOLS; pool-destroy default-pool; vol-list default-pool; vol-info raw.img --pool default-pool; pool-start default-pool; vol-list default-pool --details"
add vol-full-pool 'vol-create-as default-pool big1 60G; vol-create-as default-pool big2 60G; vol-create-as default-pool big3 39G; pool-info default-pool; vol-create-as default-pool big4 2G; pool-list --details'

# Node files: pools with their volumes.
add node-pools 'pool-list --all --details; vol-list nodepool --details; vol-list nodevg --details; vol-list nodedisk --details; pool-dumpxml nodepool; pool-dumpxml nodedisk' node:storage-node.xml
add node-vols 'vol-dumpxml a.img --pool nodepool; vol-dumpxml b.qcow2 --pool nodepool; vol-key b.qcow2 --pool nodepool; vol-name my-key; vol-path my-key; vol-pool /elsewhere/b.qcow2; vol-dumpxml lv1 --pool nodevg; vol-dumpxml sdd1 --pool nodedisk; vol-info sdd1 --pool nodedisk' node:storage-node.xml
add node-lifecycle 'pool-destroy nodepool; pool-list --all; vol-list nodepool; pool-start nodepool; vol-list nodepool; pool-destroy nodevg; pool-undefine nodevg; pool-list --all; list --all' node:storage-node.xml

# Read-only connections: reads allowed, changes refused.
add ro-reads 'pool-list --all --details; pool-info default-pool; pool-dumpxml default-pool; vol-list default-pool; find-storage-pool-sources logical' ro
add ro-writes "pool-define $PDIR; pool-create $PDIR; pool-define-as x dir --target /x; pool-destroy default-pool; pool-refresh default-pool; pool-autostart default-pool; pool-build default-pool; pool-undefine default-pool; vol-create default-pool $VOL; vol-create-as default-pool a 1M" ro

# More of virsh's volume options.
add vol-backing 'vol-create-as default-pool base.img 1G; vol-create-as default-pool top.qcow2 1G --format qcow2 --backing-vol base.img --backing-vol-format raw; vol-dumpxml top.qcow2 --pool default-pool; vol-create-as default-pool pm.qcow2 1G --format qcow2 --prealloc-metadata'
add vol-validate "vol-create default-pool $VOL --validate; pool-define --validate $PDIR; pool-list --all"
add vol-info-physical "$SVOLS; vol-info raw.img --pool default-pool --physical"
add pool-event-none 'pool-event --list; pool-event --event lifecycle --timeout 1; pool-event --event refresh --pool default-pool --timeout 1'
add pool-event-bad 'pool-event --event nosuch; pool-event --event lifecycle --pool nosuch --timeout 1'
add vol-names-odd "vol-create-as default-pool 'a b' 1M; vol-create-as default-pool 'x&y<z>' 1M; vol-list default-pool; vol-dumpxml 'x&y<z>' --pool default-pool"
add pool-xml-escape "pool-define $PDIR; pool-dumpxml images"
add pool-source-more "pool-define $data/storage-pool-netfs-proto.xml; pool-dumpxml nf; pool-define $data/storage-pool-iscsi-auth.xml; pool-dumpxml is; pool-define $data/storage-pool-rbd-auth.xml; pool-dumpxml rb; pool-define $data/storage-pool-fc.xml; pool-dumpxml fc; pool-list --all --type iscsi,rbd,scsi --details"
add vol-wipe-pattern "$SVOLS; vol-wipe raw.img --pool default-pool --algorithm nnsa; vol-resize raw.img 1M --pool default-pool --shrink --delta"
add ro-vol-writes "vol-wipe x --pool default-pool; vol-delete x --pool default-pool; vol-clone x y --pool default-pool; vol-resize x 1M --pool default-pool; pool-capabilities; vol-info --physical x --pool default-pool" ro
add node-pool-files 'pool-list --all --details; vol-list images --details; vol-list filed --details; vol-list inl --details; vol-dumpxml disk1.qcow2 --pool filed; vol-dumpxml blk --pool inl; pool-dumpxml filed' node:storage-node-files.xml
add node-bad-pool 'pool-list' node:storage-node-bad-pool.xml
add node-bad-vol 'pool-list' node:storage-node-bad-vol.xml
add node-bad-file 'pool-list' node:storage-node-bad-file.xml
add pool-define-validate-bad "pool-define --validate $data/storage-pool-invalid.xml; pool-list --all --name"

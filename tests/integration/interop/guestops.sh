# Guest operations on domains (sourced by virsh-interop.sh): time,
# hostname, file systems, keys, rename, save/restore, managed save, core
# dumps, metadata and descriptions, interface addresses, lifecycle actions,
# passwords, control and launch security info, and what real's test driver
# refuses. Save images and dumps go to $GO (the same path for both daemons,
# each case writing its files before it reads them).
GO=$IT_DIR/guestops
mkdir -p "$GO"
printf 'not a save image\n' >"$GO/garbage"

# Time.
add domtime 'domtime test; domtime --pretty test'
add domtime-set 'domtime --time 1234 test; domtime test; domtime --now test; domtime --sync test; domtime --time 1234 --sync test'
add domtime-inactive "define $WEB; domtime web; domtime --time 5 web"
add domtime-paused 'suspend test; domtime test; domtime --time 9 test; resume test; domtime test'
add domtime-unknown 'domtime nosuch'

# Hostname.
add domhostname 'domhostname test; domhostname --source agent test'
add domhostname-inactive "define $WEB; domhostname web; destroy test; domhostname test"

# File systems.
add domfsinfo 'domfsinfo test'
add domfsinfo-inactive "define $WEB; domfsinfo web"
add domfsfreeze 'domfsfreeze test; domfsfreeze test; domfsthaw test; domfsthaw test'
add domfsfreeze-mountpoint 'domfsfreeze test --mountpoint /; domfsfreeze test --mountpoint /boot; domfsthaw test --mountpoint /boot; domfsthaw test'
add domfsfreeze-bad 'domfsfreeze test --mountpoint /nosuch; domfsthaw test --mountpoint /nosuch; domfsfreeze --mountpoint / --mountpoint /boot test; domfsthaw test'
add domfsfreeze-inactive "define $WEB; domfsfreeze web; domfsthaw web"
add domfstrim 'domfstrim test; domfstrim --minimum 1024 test; domfstrim --mountpoint / test'
add domfstrim-inactive "define $WEB; domfstrim web"

# Keys and NMI.
add send-key 'send-key test KEY_A; send-key test --codeset linux --holdtime 50 KEY_LEFTSHIFT KEY_B; send-key test --codeset xt 30'
add send-key-bad 'send-key test NOSUCHKEY; send-key test --codeset usb 4'
add send-key-inactive "define $WEB; send-key web KEY_A"
add inject-nmi "inject-nmi test; define $WEB; inject-nmi web"

# Rename (events in guestops-events.py).
add domrename-active 'domrename test foo'
add domrename "destroy test; domrename test foo; list --all; dominfo foo; domrename foo test; list --all"
add domrename-defined "define $WEB; domrename web web2; list --all; dumpxml web2"
add domrename-clash "define $WEB; destroy test; domrename web test; domrename test 'a/b'; list --all"
add domrename-transient "create $SCRATCH; destroy scratch; domrename test test"

# Save and restore.
add save-restore "save test $GO/s1; list --all; domstate --reason test; restore $GO/s1; list --all; domstate --reason test"
add save-dumpxml "save test $GO/s2; save-image-dumpxml $GO/s2; save-image-dumpxml --security-info $GO/s2"
add save-flags "save --running test $GO/s3; save --paused test $GO/s3; save --bypass-cache test $GO/s3; save --xml $WEB test $GO/s3"
add save-inactive "define $WEB; save web $GO/s4; destroy test; save test $GO/s4"
add save-transient "create $SCRATCH; save scratch $GO/s5; list --all; restore $GO/s5; list --all; dominfo scratch"
add save-define "save test $GO/s6; save-image-define $GO/s6 $WEB; save-image-dumpxml $GO/s6"
add restore-flags "save test $GO/s7; restore --running $GO/s7; restore --paused $GO/s7; restore --bypass-cache $GO/s7; restore --xml $WEB $GO/s7; restore $GO/s7; list"
add restore-running "save test $GO/s8; restore $GO/s8; restore $GO/s8"
add restore-bad "restore $GO/nosuch; restore $GO/garbage; save-image-dumpxml $GO/garbage; save-image-define $GO/garbage $WEB"
add save-image-define-bad "save test $GO/s9; save-image-define $GO/s9 $MALFORMED; save-image-define $GO/s9 $NOTDOM; save-image-dumpxml $GO/s9"

add save-restore-defined "save test $GO/s10; undefine test; restore $GO/s10; list --all; dominfo test; destroy test; list --all"
add save-restore-node "save db $GO/s11; list --all; restore $GO/s11; list --all; domstate --reason db" node
add save-restore-paused "suspend test; save test $GO/s12; restore $GO/s12; domstate --reason test"

# Managed save.
add managedsave 'managedsave test; list --all; domstate --reason test; dominfo test; start test; list; dominfo test'
add managedsave-remove 'managedsave test; managedsave-remove test; dominfo test; managedsave-remove test; start test; domstate --reason test'
add managedsave-flags 'managedsave --running test; managedsave --paused test; managedsave --bypass-cache test; list'
add managedsave-inactive "define $WEB; managedsave web; managedsave-remove web"
add managedsave-undefine 'managedsave test; undefine test; undefine --managed-save test; list --all'
add managedsave-xml 'managedsave test; managedsave-dumpxml test; managedsave-define test /dev/null'
add managedsave-transient "create $SCRATCH; managedsave scratch; list --all"
add managedsave-start-paused 'managedsave test; start --paused test; list'

add managedsave-node 'managedsave db; dominfo db; start db; dominfo db' node
add managedsave-persist "managedsave test; list --all; domtime --time 5 test" 

# Core dumps.
add dump "dump test $GO/d1; list; dump --crash test $GO/d2; list --all; domstate --reason test"
add dump-flags "dump --live test $GO/d3; dump --bypass-cache test $GO/d3; dump --reset test $GO/d3; dump --memory-only test $GO/d3; dump --memory-only --format elf test $GO/d3"
add dump-inactive "define $WEB; dump web $GO/d4"

# Metadata and descriptions (events in guestops-events.py).
add desc 'desc test; desc --title test; desc test --new-desc hello; desc test; desc --title test --new-desc "a title"; desc --title test; dumpxml test'
add desc-config 'desc --config test --new-desc cfg; desc test; desc --config test; desc --live test; dumpxml --inactive test'
add desc-inactive "define $WEB; desc web; desc web --new-desc words; desc web; desc --live web"
add metadata 'metadata test http://example.org/a; metadata test http://example.org/a --key a --set "<x>1</x>"; metadata test http://example.org/a; dumpxml test; metadata test http://example.org/a --remove; metadata test http://example.org/a'
add metadata-nested 'metadata test http://example.org/n --key n --set "<a x=\"1\"><b>t</b><c/></a>"; metadata test http://example.org/n; metadata test http://example.org/m --key m --set "<m/>"; metadata test http://example.org/n --key k --set "<z/>"; dumpxml test; metadata test http://example.org/m --remove; metadata test http://example.org/n --remove; dumpxml test'
add metadata-config 'metadata --config test http://example.org/a --key a --set "<x/>"; metadata test http://example.org/a; metadata --config test http://example.org/a; dumpxml --inactive test'
add metadata-bad 'metadata test http://example.org/a --set "<x>1</x>"; metadata test http://example.org/a --key a --set "<x"; metadata test "" --key a --set "<x/>"'

# Interface addresses.
add domifaddr 'domifaddr test; domifaddr test --full; domifaddr test --source lease; domifaddr test --source agent; domifaddr test --source arp; domifaddr test testnet0; domifaddr test nosuch'
add domifaddr-node 'domifaddr db; domifaddr inline; domtime db; domfsinfo db' node
add domifaddr-defined "define $WEB; start web; domifaddr web; domifaddr web --full; define $DB; domifaddr db"

# Lifecycle actions and passwords.
add set-lifecycle-action 'set-lifecycle-action test poweroff restart; set-lifecycle-action test reboot destroy; set-lifecycle-action test crash coredump-restart; dumpxml test; set-lifecycle-action test poweroff preserve --config; dumpxml --inactive test'
add set-lifecycle-action-bad "set-lifecycle-action test reboot coredump-destroy; set-lifecycle-action test poweroff rename-restart; define $WEB; set-lifecycle-action web crash restart; set-lifecycle-action --live web crash restart; dumpxml web"
add set-user-password "set-user-password test root secret; set-user-password --encrypted test root secret; define $WEB; set-user-password web root secret"

# Control and launch security info.
add domcontrol "domcontrol test; domtime --time 5 test; domcontrol test; domtime --time 15000 test; domcontrol test; domtime --time 30001 test; domcontrol test; define $WEB; domcontrol web"
add domlaunchsecinfo "domlaunchsecinfo test; define $WEB; domlaunchsecinfo web"

# What real's test driver refuses.
add unsupported 'guestinfo test; domjobinfo test; domjobabort test; dompmsuspend test mem; dompmwakeup test; guestvcpus test'
add setmem-live 'setmem test 1048576 --live; dominfo test; setmaxmem test 1048576 --live; setmem --current test 4096; dominfo test'

# The same calls refused on a read-only connection.
add ro-guestops "domtime test; domtime --time 5 test; domhostname test; domfsinfo test; domfsfreeze test; domfstrim test; send-key test KEY_A; inject-nmi test; domrename test x; managedsave test; save test $GO/ro; restore $GO/ro; dump test $GO/ro; desc test --new-desc x; domifaddr test; domifaddr --source agent test; set-lifecycle-action test poweroff destroy; set-user-password test a b; domcontrol test; metadata test http://e/ ; desc test; dominfo test" ro
add ro-save-image "save-image-dumpxml $GO/garbage; save-image-define $GO/garbage $WEB; managedsave-remove test" ro

# Screenshots come over a libvirt stream (the file itself is compared by
# tests/integration/streams.py). The default file name has the time in it.
NORMALIZE_EXTRA="${NORMALIZE_EXTRA:-}"' s/-\d{4}-\d\d-\d\d-\d\d:\d\d:\d\d\.png\b/-<DATE>.png/g;'
add screenshot "screenshot test $GO/shot.png; screenshot test --screen 1 $GO/shot1.png; destroy test; screenshot test $GO/shot2.png; screenshot test; screenshot --domain test --file $GO/shot3.png --screen 0"
add screenshot-bad "screenshot nosuch $GO/x.png; screenshot test $GO/nosuchdir/x.png; screenshot test --screen -1 $GO/x.png; screenshot test --screen abc $GO/x.png"
add ro-screenshot "screenshot test $GO/ro.png" ro

# The domain statistics and tuning cases of tests/integration/virsh-interop.sh
# (sourced by it: add NAME COMMANDS [ro|node]). $TUNED is a definition with
# every tuning element (memtune in MiB, IOThread ids, pins, numatune, perf).

TUNED=$data/domain-tuned.xml

# The test driver's block, interface and vCPU counters are the time of day:
# only their values are normalized, not the lines or their order.
NORMALIZE_EXTRA='
    s/^(\S+ (?:rd_req|rd_bytes|wr_req|wr_bytes|errs|rx_bytes|rx_packets|rx_errs|rx_drop|tx_bytes|tx_packets|tx_errs|tx_drop)) \d+$/$1 <N>/;
    s/^( number of .*:\s+|\s*error count:\s+)\d+$/$1<N>/;
'

# vCPUs (their affinity is printed against the host CPU map).
add vcpuinfo 'vcpuinfo test; vcpuinfo --pretty test'
add vcpuinfo-inactive "define $TUNED; vcpuinfo tuned; vcpuinfo --pretty tuned"
add vcpuinfo-tuned "define $TUNED; start tuned; vcpuinfo tuned"
add vcpupin 'vcpupin test; vcpupin test 0; vcpupin test 0 1,3; vcpupin test; vcpuinfo test; dumpxml test'
add vcpupin-tuned "define $TUNED; vcpupin tuned; vcpupin tuned --config; vcpupin tuned 2 5-7 --config"
add vcpupin-flags 'vcpupin test 1 2 --config; vcpupin test 0 1 --live; vcpupin test --config; vcpupin test --live'
add vcpupin-errors 'vcpupin test 5 1; vcpupin test 0 99; vcpupin test 0 abc; vcpupin nosuch'
add vcpupin-inactive "define $TUNED; vcpupin tuned 0 1"
add emulatorpin 'emulatorpin test; emulatorpin test 2-3; emulatorpin test; emulatorpin test --config; dumpxml test'
add emulatorpin-config 'emulatorpin test 2 --config; emulatorpin test --config; emulatorpin test --live; dumpxml --inactive test'
add emulatorpin-tuned "define $TUNED; emulatorpin tuned; emulatorpin tuned 1,3 --config; emulatorpin tuned; dumpxml tuned"
add emulatorpin-errors 'emulatorpin test 99; emulatorpin nosuch; emulatorpin test --live --config'

# IOThreads.
add iothreadinfo 'iothreadinfo test'
add iothreadinfo-tuned "define $TUNED; iothreadinfo tuned; dumpxml tuned; start tuned; iothreadinfo tuned --live"
add iothreadadd "iothreadadd test 3; iothreadinfo test; dumpxml test; define $TUNED; iothreadadd tuned 9; iothreadadd tuned 7 --config; iothreadinfo tuned; dumpxml tuned"
add iothreaddel "define $TUNED; iothreaddel tuned 1; iothreadinfo tuned; dumpxml tuned; iothreaddel tuned 4; iothreadinfo tuned; dumpxml tuned"
add iothreadpin "define $TUNED; iothreadpin tuned 1 0-1; iothreadinfo tuned; dumpxml tuned; iothreadpin tuned 4 5 --config; iothreadinfo tuned"
add iothread-errors 'iothreadadd test 3; iothreadadd test 3; iothreaddel test 5; iothreadpin test 5 1; iothreadadd test 0; iothreadinfo nosuch'
add iothreadset "define $TUNED; iothreadset tuned 4 --poll-max-ns 100; iothreadset tuned 9 --poll-max-ns 100"

# domstats groups.
add domstats-iothread "domstats --iothread; domstats --iothread --enforce test; define $TUNED; start tuned; domstats --iothread --state tuned"
add domstats-enforce 'domstats --enforce --cpu-total; domstats --enforce --balloon; domstats --enforce --vcpu; domstats --enforce --interface; domstats --enforce --block; domstats --enforce --perf; domstats --enforce --memory; domstats --enforce --dirtyrate; domstats --enforce --vm'
add domstats-all-groups 'domstats --iothread --vcpu --block --interface --balloon --cpu-total --perf --memory --dirtyrate --vm --state'

# Block and interface statistics.
add domblkstat 'domblkstat test vda; domblkstat test /guest/diskimage1; domblkstat test vda --human'
add domblkstat-errors "domblkstat test; domblkstat test hda; domblkstat nosuch vda; define $TUNED; domblkstat tuned sda"
add domblkstat-tuned "define $TUNED; start tuned; domblkstat tuned sdb; domblkstat tuned /var/lib/libvirt/images/tuned.img --human"
add domifstat 'domifstat test testnet0; domifstat test aa:bb:cc:dd:ee:ff'
add domifstat-errors "domifstat test vnet0; domifstat test 00:11:22:33:44:55; define $TUNED; domifstat tuned tap7"
add domifstat-tuned "define $TUNED; start tuned; domifstat tuned tap7; domifstat tuned 52:54:00:5e:00:01"
add domblkinfo 'domblkinfo test vda; domblkinfo test /guest/diskimage1; domblkinfo test --all; domblkinfo test vda --human; domblkinfo test --all --human'
add domblkinfo-tuned "define $TUNED; domblkinfo tuned --all; domblkinfo tuned sdb; domblkinfo tuned hdc; domblkinfo tuned --all --human"
add domblkinfo-errors 'domblkinfo test hda; domblkinfo nosuch vda'
add domblkerror "domblkerror test; define $TUNED; domblkerror tuned; start tuned; domblkerror tuned"

# The scheduler.
add schedinfo 'schedinfo test; schedinfo test weight=10; schedinfo test --set weight=10; schedinfo --weight 7 test'
add schedinfo-flags 'schedinfo test --config; schedinfo test --live; schedinfo test --current; schedinfo test --set weight=10 --config'
add schedinfo-errors 'schedinfo test --set cap=10; schedinfo test --set weight=abc; schedinfo nosuch'

# memtune, blkiotune, numatune.
add memtune 'memtune test; memtune test --hard-limit 1000000; memtune test; dumpxml test'
add memtune-limits 'memtune test --hard-limit 100 --soft-limit 200; memtune test; memtune test --swap-hard-limit 300; memtune test; dumpxml test; memtune test --hard-limit -1; memtune test; memtune test --swap-hard-limit -1; memtune test --hard-limit -1; memtune test; dumpxml test'
add memtune-errors 'memtune test --soft-limit 100 --swap-hard-limit 2000000; memtune test --min-guarantee 100; memtune test --live --config; memtune nosuch'
add memtune-tuned "define $TUNED; memtune tuned; dumpxml tuned; memtune tuned --soft-limit 4096 --config; memtune tuned --live; start tuned; memtune tuned --live; memtune tuned --hard-limit 8192 --live; memtune tuned --config; memtune tuned"
add blkiotune 'blkiotune test; blkiotune test --weight 500; blkiotune test; dumpxml test'
add blkiotune-devices 'blkiotune test --device-weights /dev/sda,500,/dev/sdb,300; blkiotune test --device-read-iops-sec /dev/sda,20; blkiotune test --device-write-bytes-sec /dev/sdb,1000; blkiotune test --device-weights /dev/sdb,0; blkiotune test; dumpxml test'
add blkiotune-errors 'blkiotune test --device-weights /dev/sda; blkiotune test --device-weights /dev/sda,x; blkiotune nosuch'
add blkiotune-tuned "define $TUNED; blkiotune tuned; blkiotune tuned --weight 100 --config; blkiotune tuned --device-read-bytes-sec /dev/sdz,1,/dev/sdy,2; blkiotune tuned; dumpxml tuned"
add numatune 'numatune test; numatune test --mode interleave --nodeset 0-1; numatune test; dumpxml test'
add numatune-nodeset 'numatune test --nodeset 1; numatune test; numatune test --mode preferred; numatune test; numatune test --config; dumpxml test'
add numatune-errors 'numatune test --mode preferred; numatune test --nodeset abc; numatune test --mode foo; numatune nosuch'
add numatune-tuned "define $TUNED; numatune tuned; numatune tuned --mode strict; numatune tuned; dumpxml tuned"

# Block I/O tuning, perf events.
add blkdeviotune "blkdeviotune test vda; blkdeviotune test sdx; define $TUNED; blkdeviotune tuned sda"
add perf 'perf test; perf test --enable cmt,cpu_cycles; perf test --disable cmt; perf test; dumpxml test'
add perf-tuned "define $TUNED; perf tuned; perf tuned --enable mbmt --config; perf tuned --config; dumpxml tuned"
add perf-errors 'perf test --enable foo; perf nosuch'

# Read-only connections: reads are allowed, changes refused.
add ro-reads 'vcpuinfo test; vcpupin test; emulatorpin test; iothreadinfo test; schedinfo test; memtune test; blkiotune test; numatune test; perf test; domblkinfo test --all; domblkerror test; domstats --iothread' ro
add ro-stats 'domblkstat test vda; domifstat test testnet0' ro
add ro-changes 'vcpupin test 0 1; emulatorpin test 1; iothreadadd test 2; iothreaddel test 2; iothreadpin test 2 1; memtune test --hard-limit 100; blkiotune test --weight 100; numatune test --nodeset 0; perf test --enable cmt; schedinfo test --set weight=1' ro

# A node file's domains.
add node-file 'vcpuinfo db; vcpupin db; memtune db; domblkinfo db --all; iothreadinfo db' node

# The poll parameters of added IOThreads (domstats' iothread group,
# iothreadset): kept from the add to the delete, across a restart.
add iothread-poll 'iothreadadd test 3; iothreadset test 3 --poll-max-ns 5 --config; iothreadset test 3 --poll-grow 6; iothreadset test 3 --poll-shrink 7 --live; domstats --iothread test; iothreadadd test 2; iothreadadd test 1 --config; domstats --iothread; iothreaddel test 3; domstats --iothread; destroy test; start test; domstats --iothread; iothreadinfo test; iothreadset test 2 --poll-max-ns 1; iothreadset test 1 --poll-max-ns 9 --poll-grow 1 --poll-shrink 2; domstats --iothread --raw'

# Block I/O tuning: a disk's <iotune>.
add blkdeviotune-set 'blkdeviotune test vda --total-bytes-sec 1000 --total-bytes-sec-max 2000; blkdeviotune test vda; dumpxml test; blkdeviotune test vda --read-iops-sec 5 --write-iops-sec 6; blkdeviotune test vda --total-iops-sec 3; blkdeviotune test vda --group-name g1 --total-bytes-sec-max-length 5; blkdeviotune test vda; blkdeviotune test vda --size-iops-sec 9; dumpxml test'
add blkdeviotune-tuned "define $TUNED; blkdeviotune tuned sdb --read-bytes-sec 10 --read-bytes-sec-max 20; blkdeviotune tuned sdb; dumpxml tuned; blkdeviotune tuned /var/lib/libvirt/images/tuned-data.img; blkdeviotune tuned sdb --read-bytes-sec 0 --read-bytes-sec-max 0; dumpxml tuned"
add blkdeviotune-ro 'blkdeviotune test vda; blkdeviotune test vda --total-bytes-sec 1' ro

# CPU statistics (the test driver's fixed figures).
add cpu-stats 'cpu-stats test; cpu-stats test --total; cpu-stats test --start 1 --count 1; cpu-stats test --start 3 --count 2; cpu-stats test --start 0 --count 20; cpu-stats test --count 0; cpu-stats test --start -1'
add cpu-stats-inactive "define $TUNED; cpu-stats tuned; start tuned; cpu-stats tuned --total; cpu-stats nosuch"
add cpu-stats-ro 'cpu-stats test' ro

# The balloon's statistics period.
add dommemstat-period 'dommemstat test --period 5; dumpxml test; dommemstat test --period 7 --config; dumpxml test --inactive; dommemstat test --period 0; dumpxml test; dommemstat test'
add dommemstat-period-errors "define $TUNED; dommemstat tuned --period 3; dommemstat tuned --period -1; define $data/domain-web.xml; dommemstat web --period 2 --config; dumpxml web"
add dommemstat-period-ro 'dommemstat test --period 5' ro
add blkdeviotune-errors 'blkdeviotune test vda --total-bytes-sec 5 --read-bytes-sec 3 --total-bytes-sec-max 9 --read-bytes-sec-max 9; blkdeviotune test vda --total-iops-sec-max 5 --write-iops-sec-max 3; blkdeviotune test vda --total-bytes-sec 99999999999999999 --total-bytes-sec-max 99999999999999999; blkdeviotune test vda --read-bytes-sec 3 --read-bytes-sec-max 4; blkdeviotune test vda --total-bytes-sec 2 --total-bytes-sec-max 3; blkdeviotune test sdx --total-bytes-sec 1; blkdeviotune test vda'

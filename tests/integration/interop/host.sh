# The host-level cases of tests/integration/virsh-interop.sh (sourced by
# it: add NAME COMMANDS [ro|node]): CPU map, free and allocated pages,
# free memory per cell, CPU and memory statistics, node memory tuning,
# suspend, CPU models, baseline and comparison of CPUs, domain
# capabilities.

CPU_HASWELL=$data/cpu-haswell.xml
CPU_TWO=$data/cpu-two-hosts.xml
CPU_GUEST=$data/cpu-guest.xml
CPU_MALFORMED=$data/cpu-malformed.xml

add nodecpumap 'nodecpumap'
add nodecpumap-pretty 'nodecpumap --pretty'
add nodecpumap-ro 'nodecpumap' ro
add nodecpumap-node 'nodecpumap --pretty' node

add freepages 'freepages'
add freepages-all 'freepages --all'
add freepages-cell 'freepages --cellno 0 --pagesize 4'
add freepages-cell1 'freepages --cellno 1 --pagesize 2048'
add freepages-cell-only 'freepages --cellno 0'
add freepages-pagesize-only 'freepages --pagesize 4'
add freepages-units 'freepages --cellno 0 --pagesize 2M; freepages 1 1G; freepages 0 4KiB'
add freepages-bad-cell 'freepages --cellno 7 --pagesize 4'
add freepages-bad-size 'freepages --cellno 0 --pagesize 3'
add freepages-ro 'freepages --all' ro
add freepages-node 'freepages --all' node

add allocpages 'allocpages 2M 10'
add allocpages-cell 'allocpages --pagesize 2048 --pagecount 10 --cellno 0'
add allocpages-all 'allocpages --pagesize 4 --pagecount 1 --all --add'
add allocpages-ro 'allocpages 2M 10' ro

add freecell-all 'freecell --all'
add freecell-cells 'freecell 0; freecell 1; freecell --cellno 1'
add freecell-bad 'freecell 2; freecell 9'
add freecell-ro 'freecell; freecell --all; freecell 1' ro
add freecell-node 'freecell; freecell --all; freecell 0' node

add nodecpustats 'nodecpustats'
add nodecpustats-cpu 'nodecpustats 0; nodecpustats --cpu 3; nodecpustats 99'
add nodecpustats-bad 'nodecpustats -2'
add nodecpustats-ro 'nodecpustats' ro
add nodememstats 'nodememstats'
add nodememstats-cell 'nodememstats 0; nodememstats --cell 1'

add node-memory-tune 'node-memory-tune'
add node-memory-tune-set 'node-memory-tune --shm-pages-to-scan 10 --shm-sleep-millisecs 5 --shm-merge-across-nodes 1'
add node-memory-tune-ro 'node-memory-tune; node-memory-tune --shm-pages-to-scan 10' ro

add nodesuspend 'nodesuspend mem 60'
add nodesuspend-disk 'nodesuspend disk 30; nodesuspend hybrid 1'
add nodesuspend-bad 'nodesuspend bogus 60'
add nodesuspend-ro 'nodesuspend mem 60' ro

add cpu-models-x86 'cpu-models x86_64; cpu-models i686'
add cpu-models-ppc 'cpu-models ppc64; cpu-models ppc64le'
add cpu-models-any 'cpu-models aarch64; cpu-models s390x; cpu-models armv7l'
add cpu-models-unsupported 'cpu-models riscv64; cpu-models mips'
add cpu-models-unknown 'cpu-models arm; cpu-models x86'
add cpu-models-ro 'cpu-models x86_64' ro

add cpu-baseline "cpu-baseline $CPU_HASWELL"
add cpu-baseline-two "cpu-baseline $CPU_TWO"
add cpu-baseline-features "cpu-baseline --features $CPU_HASWELL"
add cpu-baseline-migratable "cpu-baseline --migratable $CPU_HASWELL"
add cpu-baseline-guest "cpu-baseline $CPU_GUEST"
add cpu-baseline-malformed "cpu-baseline $CPU_MALFORMED"
add cpu-baseline-missing 'cpu-baseline /nonexistent/cpu.xml'
add cpu-baseline-ro "cpu-baseline $CPU_HASWELL" ro
add cpu-baseline-two-features "cpu-baseline --features $CPU_TWO"

add cpu-compare "cpu-compare $CPU_HASWELL"
add cpu-compare-guest "cpu-compare $CPU_GUEST; cpu-compare --error $CPU_GUEST"
add cpu-compare-ro "cpu-compare $CPU_HASWELL" ro
add hypervisor-cpu-compare "hypervisor-cpu-compare $CPU_HASWELL"
add hypervisor-cpu-compare-opts "hypervisor-cpu-compare --virttype test --arch x86_64 $CPU_GUEST"
add hypervisor-cpu-baseline "hypervisor-cpu-baseline $CPU_HASWELL"
add hypervisor-cpu-baseline-model 'hypervisor-cpu-baseline --model Haswell'
add hypervisor-cpu-baseline-none 'hypervisor-cpu-baseline --features'

add domcapabilities 'domcapabilities'
add domcapabilities-opts 'domcapabilities --virttype test --arch i686'
add domcapabilities-ro 'domcapabilities' ro

# The same calls on a node file (no NUMA cells there).
add host-node "nodecpustats; nodememstats; cpu-models x86_64; cpu-baseline $CPU_TWO; allocpages 2M 1; nodesuspend mem 1" node
add cpu-baseline-ppc64-arm "cpu-baseline $data/cpu-ppc64.xml; cpu-baseline $data/cpu-arm.xml"

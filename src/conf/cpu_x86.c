/* The x86 half of libvirt 9.0's CPU driver as virConnectBaselineCPU uses
 * it: host CPUs (a model and extra features) become feature sets, the
 * baseline is their intersection, and it is described as the model that
 * needs the fewest features added or removed. Features are compared by
 * name, each name standing for its CPUID bit as in libvirt's map. */
#include "cpu.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "error.h"
#include "xml.h"

struct x86_model {
    const char *name;
    const char *vendor; /* NULL: any vendor's */
    int decode_guest;   /* may describe a guest CPU (baseline's result) */
    const char *removed;  /* features QEMU's model lost: NULL, or space-separated */
    const char *features; /* space-separated */
};

/* libvirt 9.0's cpu_map facts for x86, as its CPU driver uses them: the
 * features in the map's order, and each model in the index's order with
 * its vendor, whether it may be a guest CPU's decoding, the features its
 * QEMU model no longer has (a guest CPU of that model disables them unless
 * it requires them) and its features. */
static const char *const x86_features[] = {
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "sep", "mtrr", "pge",
    "mca", "cmov", "pat", "pse36", "pn", "clflush", "ds", "acpi", "mmx", "fxsr", "sse", "sse2",
    "ss", "ht", "tm", "ia64", "pbe", "pni", "pclmuldq", "dtes64", "monitor", "ds_cpl", "vmx",
    "smx", "est", "tm2", "ssse3", "cid", "fma", "cx16", "xtpr", "pdcm", "pcid", "dca", "sse4.1",
    "sse4.2", "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "xsave", "osxsave", "avx",
    "f16c", "rdrand", "hypervisor", "arat", "fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle",
    "avx2", "smep", "bmi2", "erms", "invpcid", "rtm", "cmt", "mpx", "avx512f", "avx512dq",
    "rdseed", "adx", "smap", "avx512ifma", "pcommit", "clflushopt", "clwb", "intel-pt",
    "avx512pf", "avx512er", "avx512cd", "sha-ni", "avx512bw", "avx512vl", "avx512vbmi", "umip",
    "pku", "ospke", "waitpkg", "avx512vbmi2", "gfni", "vaes", "vpclmulqdq", "avx512vnni",
    "avx512bitalg", "avx512-vpopcntdq", "la57", "rdpid", "bus-lock-detect", "cldemote",
    "movdiri", "movdir64b", "sgxlc", "pks", "avx512-4vnniw", "avx512-4fmaps", "fsrm",
    "avx512-vp2intersect", "md-clear", "serialize", "tsx-ldtrk", "pconfig", "arch-lbr",
    "amx-bf16", "avx512-fp16", "amx-tile", "amx-int8", "spec-ctrl", "stibp",
    "arch-capabilities", "core-capability", "ssbd", "avx-vnni", "avx512-bf16", "xsaveopt",
    "xsavec", "xgetbv1", "xsaves", "xfd", "mbm_total", "mbm_local", "sgx1", "sgx2",
    "sgx-exinfo", "sgx-debug", "sgx-mode64", "sgx-provisionkey", "sgx-tokenkey", "sgx-kss",
    "intel-pt-lip", "syscall", "nx", "mmxext", "fxsr_opt", "pdpe1gb", "rdtscp", "lm",
    "3dnowext", "3dnow", "lahf_lm", "cmp_legacy", "svm", "extapic", "cr8legacy", "abm", "sse4a",
    "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", "lwp", "fma4", "tce",
    "cvt16", "nodeid_msr", "tbm", "topoext", "perfctr_core", "perfctr_nb", "invtsc", "clzero",
    "xsaveerptr", "wbnoinvd", "ibpb", "ibrs", "amd-stibp", "amd-ssbd", "virt-ssbd",
    "amd-no-ssb", "npt", "lbrv", "svm-lock", "nrip-save", "tsc-scale", "vmcb-clean",
    "flushbyasid", "decodeassists", "pause-filter", "pfthreshold", "avic", "v-vmsave-vmload",
    "vgif", "svme-addr-chk", "rdctl-no", "ibrs-all", "rsba", "skip-l1dfl-vmentry", "ssb-no",
    "mds-no", "pschange-mc-no", "tsx-ctrl", "taa-no", "split-lock-detect",
};
static const struct x86_model x86_models[] = {
    {"486", NULL, 1, NULL,
     "fpu pse vme"
    },
    {"pentium", NULL, 1, NULL,
     "cx8 de fpu mce mmx msr pse tsc vme"
    },
    {"pentium2", NULL, 1, NULL,
     "cmov cx8 de fpu fxsr mca mce mmx msr mtrr pae pat pge pse pse36 sep tsc vme"
    },
    {"pentium3", NULL, 1, NULL,
     "cmov cx8 de fpu fxsr mca mce mmx msr mtrr pae pat pge pse pse36 sep sse tsc vme"
    },
    {"pentiumpro", NULL, 1, NULL,
     "apic cmov cx8 de fpu fxsr mce mmx msr pae pat pge pse sep sse sse2 tsc"
    },
    {"coreduo", "Intel", 1, NULL,
     "apic clflush cmov cx8 de fpu fxsr mca mce mmx monitor msr mtrr nx pae pat pge "
     "pni pse sep sse sse2 tsc vme"
    },
    {"n270", "Intel", 1, NULL,
     "apic clflush cmov cx8 de fpu fxsr mca mce mmx monitor msr mtrr nx pae pat pge "
     "pni pse sep sse sse2 ssse3 tsc vme"
    },
    {"core2duo", "Intel", 1, NULL,
     "apic clflush cmov cx8 de fpu fxsr lm mca mce mmx monitor msr mtrr nx pae pat "
     "pge pni pse pse36 sep sse sse2 ssse3 syscall tsc vme"
    },
    {"qemu32", NULL, 1, NULL,
     "apic cmov cx8 de fpu fxsr mce mmx msr pae pat pge pni pse sep sse sse2 tsc"
    },
    {"kvm32", NULL, 1, NULL,
     "apic clflush cmov cx8 de fpu fxsr mca mce mmx msr mtrr pae pat pge pni pse "
     "pse36 sep sse sse2 tsc"
    },
    {"cpu64-rhel5", NULL, 0, NULL,
     "apic clflush cmov cx8 de fpu fxsr lm mca mce mmx msr mtrr nx pae pat pge pni "
     "pse pse36 sep sse sse2 syscall tsc"
    },
    {"cpu64-rhel6", NULL, 0, NULL,
     "apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr nx pae "
     "pat pge pni pse pse36 sep sse sse2 syscall tsc"
    },
    {"qemu64", NULL, 1, NULL,
     "apic clflush cmov cx16 cx8 de fpu fxsr lm mca mce mmx msr mtrr nx pae pat pge "
     "pni pse pse36 sep sse sse2 svm syscall tsc"
    },
    {"kvm64", NULL, 1, NULL,
     "apic clflush cmov cx16 cx8 de fpu fxsr lm mca mce mmx msr mtrr nx pae pat pge "
     "pni pse pse36 sep sse sse2 syscall tsc"
    },
    {"Conroe", "Intel", 1, NULL,
     "apic clflush cmov cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr nx pae pat "
     "pge pni pse pse36 sep sse sse2 ssse3 syscall tsc"
    },
    {"Penryn", "Intel", 1, NULL,
     "apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr nx pae "
     "pat pge pni pse pse36 sep sse sse2 sse4.1 ssse3 syscall tsc"
    },
    {"Nehalem", "Intel", 1, NULL,
     "apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr nx pae "
     "pat pge pni popcnt pse pse36 sep sse sse2 sse4.1 sse4.2 ssse3 syscall tsc"
    },
    {"Nehalem-IBRS", "Intel", 1, NULL,
     "apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr nx pae "
     "pat pge pni popcnt pse pse36 sep spec-ctrl sse sse2 sse4.1 sse4.2 ssse3 syscall "
     "tsc"
    },
    {"Westmere", "Intel", 1, NULL,
     "aes apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr nx "
     "pae pat pge pni popcnt pse pse36 sep sse sse2 sse4.1 sse4.2 ssse3 syscall tsc"
    },
    {"Westmere-IBRS", "Intel", 1, NULL,
     "aes apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr nx "
     "pae pat pge pni popcnt pse pse36 sep spec-ctrl sse sse2 sse4.1 sse4.2 ssse3 "
     "syscall tsc"
    },
    {"SandyBridge", "Intel", 1, NULL,
     "aes apic avx clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr "
     "nx pae pat pclmuldq pge pni popcnt pse pse36 rdtscp sep sse sse2 sse4.1 sse4.2 "
     "ssse3 syscall tsc tsc-deadline x2apic xsave"
    },
    {"SandyBridge-IBRS", "Intel", 1, NULL,
     "aes apic avx clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr "
     "nx pae pat pclmuldq pge pni popcnt pse pse36 rdtscp sep spec-ctrl sse sse2 "
     "sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline x2apic xsave"
    },
    {"IvyBridge", "Intel", 1, NULL,
     "aes apic avx clflush cmov cx16 cx8 de erms f16c fpu fsgsbase fxsr lahf_lm lm "
     "mca mce mmx msr mtrr nx pae pat pclmuldq pge pni popcnt pse pse36 rdrand rdtscp "
     "sep smep sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline vme x2apic xsave"
    },
    {"IvyBridge-IBRS", "Intel", 1, NULL,
     "aes apic avx clflush cmov cx16 cx8 de erms f16c fpu fsgsbase fxsr lahf_lm lm "
     "mca mce mmx msr mtrr nx pae pat pclmuldq pge pni popcnt pse pse36 rdrand rdtscp "
     "sep smep spec-ctrl sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline vme "
     "x2apic xsave"
    },
    {"Haswell-noTSX", "Intel", 1, NULL,
     "aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms fma fpu fsgsbase fxsr "
     "invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae pat pcid pclmuldq pge pni "
     "popcnt pse pse36 rdtscp sep smep sse sse2 sse4.1 sse4.2 ssse3 syscall tsc "
     "tsc-deadline x2apic xsave"
    },
    {"Haswell-noTSX-IBRS", "Intel", 1, NULL,
     "aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms fma fpu fsgsbase fxsr "
     "invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae pat pcid pclmuldq pge pni "
     "popcnt pse pse36 rdtscp sep smep spec-ctrl sse sse2 sse4.1 sse4.2 ssse3 syscall "
     "tsc tsc-deadline x2apic xsave"
    },
    {"Haswell", "Intel", 1, NULL,
     "aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms fma fpu fsgsbase fxsr "
     "hle invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae pat pcid pclmuldq pge "
     "pni popcnt pse pse36 rdtscp rtm sep smep sse sse2 sse4.1 sse4.2 ssse3 syscall "
     "tsc tsc-deadline x2apic xsave"
    },
    {"Haswell-IBRS", "Intel", 1, NULL,
     "aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms fma fpu fsgsbase fxsr "
     "hle invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae pat pcid pclmuldq pge "
     "pni popcnt pse pse36 rdtscp rtm sep smep spec-ctrl sse sse2 sse4.1 sse4.2 ssse3 "
     "syscall tsc tsc-deadline x2apic xsave"
    },
    {"Broadwell-noTSX", "Intel", 1, NULL,
     "3dnowprefetch adx aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms fma "
     "fpu fsgsbase fxsr invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae pat pcid "
     "pclmuldq pge pni popcnt pse pse36 rdseed rdtscp sep smap smep sse sse2 sse4.1 "
     "sse4.2 ssse3 syscall tsc tsc-deadline x2apic xsave"
    },
    {"Broadwell-noTSX-IBRS", "Intel", 1, NULL,
     "3dnowprefetch adx aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms fma "
     "fpu fsgsbase fxsr invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae pat pcid "
     "pclmuldq pge pni popcnt pse pse36 rdseed rdtscp sep smap smep spec-ctrl sse "
     "sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline x2apic xsave"
    },
    {"Broadwell", "Intel", 1, NULL,
     "3dnowprefetch adx aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms fma "
     "fpu fsgsbase fxsr hle invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae pat "
     "pcid pclmuldq pge pni popcnt pse pse36 rdseed rdtscp rtm sep smap smep sse sse2 "
     "sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline x2apic xsave"
    },
    {"Broadwell-IBRS", "Intel", 1, NULL,
     "3dnowprefetch adx aes apic avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de erms fma "
     "fpu fsgsbase fxsr hle invpcid lahf_lm lm mca mce mmx movbe msr mtrr nx pae pat "
     "pcid pclmuldq pge pni popcnt pse pse36 rdseed rdtscp rtm sep smap smep "
     "spec-ctrl sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline x2apic xsave"
    },
    {"Skylake-Client", "Intel", 1, NULL,
     "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de "
     "erms f16c fma fpu fsgsbase fxsr hle invpcid lahf_lm lm mca mce mmx movbe mpx "
     "msr mtrr nx pae pat pcid pclmuldq pge pni popcnt pse pse36 rdrand rdseed rdtscp "
     "rtm sep smap smep sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline vme "
     "x2apic xgetbv1 xsave xsavec xsaveopt"
    },
    {"Skylake-Client-IBRS", "Intel", 1, NULL,
     "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de "
     "erms f16c fma fpu fsgsbase fxsr hle invpcid lahf_lm lm mca mce mmx movbe mpx "
     "msr mtrr nx pae pat pcid pclmuldq pge pni popcnt pse pse36 rdrand rdseed rdtscp "
     "rtm sep smap smep spec-ctrl sse sse2 sse4.1 sse4.2 ssse3 syscall tsc "
     "tsc-deadline vme x2apic xgetbv1 xsave xsavec xsaveopt"
    },
    {"Skylake-Client-noTSX-IBRS", "Intel", 0, NULL,
     "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush cmov cx16 cx8 de "
     "erms f16c fma fpu fsgsbase fxsr invpcid lahf_lm lm mca mce mmx movbe mpx msr "
     "mtrr nx pae pat pcid pclmuldq pge pni popcnt pse pse36 rdrand rdseed rdtscp sep "
     "smap smep spec-ctrl sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline vme "
     "x2apic xgetbv1 xsave xsavec xsaveopt"
    },
    {"Skylake-Server", "Intel", 1, NULL,
     "3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd avx512dq avx512f "
     "avx512vl bmi1 bmi2 clflush clwb cmov cx16 cx8 de erms f16c fma fpu fsgsbase "
     "fxsr hle invpcid lahf_lm lm mca mce mmx movbe mpx msr mtrr nx pae pat pcid "
     "pclmuldq pdpe1gb pge pni popcnt pse pse36 rdrand rdseed rdtscp rtm sep smap "
     "smep sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline vme x2apic xgetbv1 "
     "xsave xsavec xsaveopt"
    },
    {"Skylake-Server-IBRS", "Intel", 1, NULL,
     "3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd avx512dq avx512f "
     "avx512vl bmi1 bmi2 clflush clwb cmov cx16 cx8 de erms f16c fma fpu fsgsbase "
     "fxsr hle invpcid lahf_lm lm mca mce mmx movbe mpx msr mtrr nx pae pat pcid "
     "pclmuldq pdpe1gb pge pni popcnt pse pse36 rdrand rdseed rdtscp rtm sep smap "
     "smep spec-ctrl sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline vme x2apic "
     "xgetbv1 xsave xsavec xsaveopt"
    },
    {"Skylake-Server-noTSX-IBRS", "Intel", 0, NULL,
     "3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd avx512dq avx512f "
     "avx512vl bmi1 bmi2 clflush clwb cmov cx16 cx8 de erms f16c fma fpu fsgsbase "
     "fxsr invpcid lahf_lm lm mca mce mmx movbe mpx msr mtrr nx pae pat pcid pclmuldq "
     "pdpe1gb pge pni popcnt pse pse36 rdrand rdseed rdtscp sep smap smep spec-ctrl "
     "sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline vme x2apic xgetbv1 xsave "
     "xsavec xsaveopt"
    },
    {"Cascadelake-Server", "Intel", 1, NULL,
     "3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd avx512dq avx512f "
     "avx512vl avx512vnni bmi1 bmi2 clflush clflushopt clwb cmov cx16 cx8 de erms "
     "f16c fma fpu fsgsbase fxsr hle invpcid lahf_lm lm mca mce mmx movbe mpx msr "
     "mtrr nx pae pat pcid pclmuldq pdpe1gb pge pni popcnt pse pse36 rdrand rdseed "
     "rdtscp rtm sep smap smep spec-ctrl ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall "
     "tsc tsc-deadline vme x2apic xgetbv1 xsave xsavec xsaveopt"
    },
    {"Cascadelake-Server-noTSX", "Intel", 0, NULL,
     "3dnowprefetch abm adx aes apic arat avx avx2 avx512bw avx512cd avx512dq avx512f "
     "avx512vl avx512vnni bmi1 bmi2 clflush clflushopt clwb cmov cx16 cx8 de erms "
     "f16c fma fpu fsgsbase fxsr invpcid lahf_lm lm mca mce mmx movbe mpx msr mtrr nx "
     "pae pat pcid pclmuldq pdpe1gb pge pni popcnt pse pse36 rdrand rdseed rdtscp sep "
     "smap smep spec-ctrl ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline "
     "vme x2apic xgetbv1 xsave xsavec xsaveopt"
    },
    {"Icelake-Client", "Intel", 1, "intel-pt",
     "3dnowprefetch abm adx aes apic arat avx avx2 avx512-vpopcntdq avx512bitalg "
     "avx512vbmi avx512vbmi2 avx512vnni bmi1 bmi2 clflush cmov cx16 cx8 de erms f16c "
     "fma fpu fsgsbase fxsr gfni hle invpcid lahf_lm lm mca mce mmx movbe mpx msr "
     "mtrr nx pae pat pcid pclmuldq pge pku pni popcnt pse pse36 rdrand rdseed rdtscp "
     "rtm sep smap smep spec-ctrl ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc "
     "tsc-deadline umip vaes vme vpclmulqdq wbnoinvd x2apic xgetbv1 xsave xsavec "
     "xsaveopt"
    },
    {"Icelake-Client-noTSX", "Intel", 0, "intel-pt",
     "3dnowprefetch abm adx aes apic arat avx avx2 avx512-vpopcntdq avx512bitalg "
     "avx512vbmi avx512vbmi2 avx512vnni bmi1 bmi2 clflush cmov cx16 cx8 de erms f16c "
     "fma fpu fsgsbase fxsr gfni invpcid lahf_lm lm mca mce mmx movbe mpx msr mtrr nx "
     "pae pat pcid pclmuldq pge pku pni popcnt pse pse36 rdrand rdseed rdtscp sep "
     "smap smep spec-ctrl ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline "
     "umip vaes vme vpclmulqdq wbnoinvd x2apic xgetbv1 xsave xsavec xsaveopt"
    },
    {"Icelake-Server", "Intel", 1, "intel-pt",
     "3dnowprefetch abm adx aes apic arat avx avx2 avx512-vpopcntdq avx512bitalg "
     "avx512bw avx512cd avx512dq avx512f avx512vbmi avx512vbmi2 avx512vl avx512vnni "
     "bmi1 bmi2 clflush clflushopt clwb cmov cx16 cx8 de erms f16c fma fpu fsgsbase "
     "fxsr gfni hle invpcid la57 lahf_lm lm mca mce mmx movbe mpx msr mtrr nx pae pat "
     "pcid pclmuldq pdpe1gb pge pku pni popcnt pse pse36 rdrand rdseed rdtscp rtm sep "
     "smap smep spec-ctrl ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline "
     "umip vaes vme vpclmulqdq wbnoinvd x2apic xgetbv1 xsave xsavec xsaveopt"
    },
    {"Icelake-Server-noTSX", "Intel", 0, "intel-pt",
     "3dnowprefetch abm adx aes apic arat avx avx2 avx512-vpopcntdq avx512bitalg "
     "avx512bw avx512cd avx512dq avx512f avx512vbmi avx512vbmi2 avx512vl avx512vnni "
     "bmi1 bmi2 clflush clflushopt clwb cmov cx16 cx8 de erms f16c fma fpu fsgsbase "
     "fxsr gfni invpcid la57 lahf_lm lm mca mce mmx movbe mpx msr mtrr nx pae pat "
     "pcid pclmuldq pdpe1gb pge pku pni popcnt pse pse36 rdrand rdseed rdtscp sep "
     "smap smep spec-ctrl ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline "
     "umip vaes vme vpclmulqdq wbnoinvd x2apic xgetbv1 xsave xsavec xsaveopt"
    },
    {"Cooperlake", "Intel", 1, NULL,
     "3dnowprefetch abm adx aes apic arat arch-capabilities avx avx2 avx512-bf16 "
     "avx512bw avx512cd avx512dq avx512f avx512vl avx512vnni bmi1 bmi2 clflush "
     "clflushopt clwb cmov cx16 cx8 de erms f16c fma fpu fsgsbase fxsr hle ibrs-all "
     "invpcid lahf_lm lm mca mce mds-no mmx movbe msr mtrr nx pae pat pcid pclmuldq "
     "pdpe1gb pge pku pni popcnt pschange-mc-no pse pse36 rdctl-no rdrand rdseed "
     "rdtscp rtm sep skip-l1dfl-vmentry smap smep spec-ctrl ssbd sse sse2 sse4.1 "
     "sse4.2 ssse3 stibp syscall taa-no tsc tsc-deadline vme x2apic xgetbv1 xsave "
     "xsavec xsaveopt"
    },
    {"Snowridge", "Intel", 1, NULL,
     "3dnowprefetch aes apic arat arch-capabilities cldemote clflush clflushopt clwb "
     "cmov core-capability cx16 cx8 de erms fpu fsgsbase fxsr gfni lahf_lm lm mca mce "
     "mmx movbe movdir64b movdiri msr mtrr nx pae pat pclmuldq pdpe1gb pge pni popcnt "
     "pse pse36 rdrand rdseed rdtscp sep sha-ni smap smep spec-ctrl split-lock-detect "
     "ssbd sse sse2 sse4.1 sse4.2 ssse3 syscall tsc tsc-deadline umip vme x2apic "
     "xgetbv1 xsave xsavec xsaveopt"
    },
    {"athlon", "AMD", 1, NULL,
     "3dnow 3dnowext apic cmov cx8 de fpu fxsr mce mmx mmxext msr mtrr pae pat pge "
     "pse pse36 sep sse sse2 tsc vme"
    },
    {"phenom", "AMD", 1, NULL,
     "3dnow 3dnowext apic clflush cmov cx8 de fpu fxsr fxsr_opt lm mca mce mmx mmxext "
     "monitor msr mtrr nx pae pat pge pni pse pse36 sep sse sse2 svm syscall tsc"
    },
    {"Opteron_G1", "AMD", 1, NULL,
     "apic clflush cmov cx8 de fpu fxsr lm mca mce mmx msr mtrr nx pae pat pge pni "
     "pse pse36 sep sse sse2 syscall tsc"
    },
    {"Opteron_G2", "AMD", 1, NULL,
     "apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce mmx msr mtrr nx pae "
     "pat pge pni pse pse36 rdtscp sep sse sse2 svm syscall tsc"
    },
    {"Opteron_G3", "AMD", 1, "monitor",
     "abm apic clflush cmov cx16 cx8 de fpu fxsr lahf_lm lm mca mce misalignsse mmx "
     "msr mtrr nx pae pat pge pni popcnt pse pse36 rdtscp sep sse sse2 sse4a svm "
     "syscall tsc"
    },
    {"Opteron_G4", "AMD", 1, NULL,
     "3dnowprefetch abm aes apic avx clflush cmov cx16 cx8 de fma4 fpu fxsr lahf_lm "
     "lm mca mce misalignsse mmx msr mtrr nx pae pat pclmuldq pdpe1gb pge pni popcnt "
     "pse pse36 rdtscp sep sse sse2 sse4.1 sse4.2 sse4a ssse3 svm syscall tsc xop "
     "xsave"
    },
    {"Opteron_G5", "AMD", 1, NULL,
     "3dnowprefetch abm aes apic avx clflush cmov cx16 cx8 de f16c fma fma4 fpu fxsr "
     "lahf_lm lm mca mce misalignsse mmx msr mtrr nx pae pat pclmuldq pdpe1gb pge pni "
     "popcnt pse pse36 rdtscp sep sse sse2 sse4.1 sse4.2 sse4a ssse3 svm syscall tbm "
     "tsc xop xsave"
    },
    {"EPYC", "AMD", 1, "monitor",
     "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush clflushopt cmov "
     "cr8legacy cx16 cx8 de f16c fma fpu fsgsbase fxsr fxsr_opt lahf_lm lm mca mce "
     "misalignsse mmx mmxext movbe msr mtrr nx osvw pae pat pclmuldq pdpe1gb pge pni "
     "popcnt pse pse36 rdrand rdseed rdtscp sep sha-ni smap smep sse sse2 sse4.1 "
     "sse4.2 sse4a ssse3 svm syscall tsc vme xgetbv1 xsave xsavec xsaveopt"
    },
    {"EPYC-IBPB", "AMD", 1, "monitor",
     "3dnowprefetch abm adx aes apic arat avx avx2 bmi1 bmi2 clflush clflushopt cmov "
     "cr8legacy cx16 cx8 de f16c fma fpu fsgsbase fxsr fxsr_opt ibpb lahf_lm lm mca "
     "mce misalignsse mmx mmxext movbe msr mtrr nx osvw pae pat pclmuldq pdpe1gb pge "
     "pni popcnt pse pse36 rdrand rdseed rdtscp sep sha-ni smap smep sse sse2 sse4.1 "
     "sse4.2 sse4a ssse3 svm syscall tsc vme xgetbv1 xsave xsavec xsaveopt"
    },
    {"EPYC-Rome", "AMD", 1, NULL,
     "3dnowprefetch abm adx aes amd-stibp apic arat avx avx2 bmi1 bmi2 clflush "
     "clflushopt clwb clzero cmov cr8legacy cx16 cx8 de f16c fma fpu fsgsbase fxsr "
     "fxsr_opt ibpb lahf_lm lm mca mce misalignsse mmx mmxext movbe msr mtrr npt "
     "nrip-save nx osvw pae pat pclmuldq pdpe1gb perfctr_core pge pni popcnt pse "
     "pse36 rdpid rdrand rdseed rdtscp sep sha-ni smap smep sse sse2 sse4.1 sse4.2 "
     "sse4a ssse3 svm syscall tsc umip vme wbnoinvd xgetbv1 xsave xsavec xsaveerptr "
     "xsaveopt"
    },
    {"EPYC-Milan", "AMD", 1, NULL,
     "3dnowprefetch abm adx aes amd-ssbd amd-stibp apic arat avx avx2 bmi1 bmi2 "
     "clflush clflushopt clwb clzero cmov cr8legacy cx16 cx8 de erms f16c fma fpu "
     "fsgsbase fsrm fxsr fxsr_opt ibpb ibrs invpcid lahf_lm lm mca mce misalignsse "
     "mmx mmxext movbe msr mtrr npt nrip-save nx osvw pae pat pcid pclmuldq pdpe1gb "
     "perfctr_core pge pku pni popcnt pse pse36 rdpid rdrand rdseed rdtscp sep sha-ni "
     "smap smep sse sse2 sse4.1 sse4.2 sse4a ssse3 svm svme-addr-chk syscall tsc umip "
     "vme wbnoinvd xgetbv1 xsave xsavec xsaveerptr xsaveopt xsaves"
    },
    {"Dhyana", "Hygon", 1, "monitor",
     "3dnowprefetch abm adx apic arat avx avx2 bmi1 bmi2 clflush clflushopt cmov "
     "cr8legacy cx16 cx8 de f16c fma fpu fsgsbase fxsr fxsr_opt ibpb lahf_lm lm mca "
     "mce misalignsse mmx mmxext movbe msr mtrr nx osvw pae pat pdpe1gb pge pni "
     "popcnt pse pse36 rdrand rdseed rdtscp sep smap smep sse sse2 sse4.1 sse4.2 "
     "sse4a ssse3 svm syscall tsc vme xgetbv1 xsave xsavec xsaveopt"
    },
};

#define NFEATURES (sizeof(x86_features) / sizeof(x86_features[0]))
#define NMODELS (sizeof(x86_models) / sizeof(x86_models[0]))
/* More features than the map has cannot be distinct ones. */
#define MAX_CPU_FEATURES 1024

static const char *const x86_vendors[] = {"Intel", "AMD", "Hygon"};

struct fset {
    unsigned char bit[NFEATURES];
};

static int feature_index(const char *name, size_t len)
{
    for (size_t i = 0; i < NFEATURES; i++)
        if (strlen(x86_features[i]) == len && strncmp(x86_features[i], name, len) == 0)
            return (int)i;
    return -1;
}

static const struct x86_model *model_find(const char *name)
{
    for (size_t i = 0; i < NMODELS; i++)
        if (strcmp(x86_models[i].name, name) == 0)
            return &x86_models[i];
    return NULL;
}

static void names_to_set(const char *names, struct fset *set)
{
    memset(set, 0, sizeof(*set));
    for (const char *p = names ? names : ""; *p;) {
        size_t len = strcspn(p, " ");
        int i = feature_index(p, len);
        if (i >= 0)
            set->bit[i] = 1;
        p += len;
        p += strspn(p, " ");
    }
}

static void model_features(const struct x86_model *m, struct fset *set)
{
    names_to_set(m->features, set);
}

/* One host CPU as virCPUDefParseXML reads it for the baseline. */
struct host_cpu {
    char *arch, *model, *vendor;
    char **features;
    size_t nfeatures;
};

static void host_cpu_clear(struct host_cpu *c)
{
    free(c->arch);
    free(c->model);
    free(c->vendor);
    for (size_t i = 0; i < c->nfeatures; i++)
        free(c->features[i]);
    free(c->features);
    memset(c, 0, sizeof(*c));
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

/* The element's text, or NULL when it is missing or empty. */
static char *child_text(xmlNodePtr n, const char *name)
{
    xmlNodePtr c = child(n, name);
    xmlChar *t = c ? xmlNodeGetContent(c) : NULL;
    char *s = NULL;

    if (t && *t)
        s = strdup((const char *)t);
    xmlFree(t);
    return s;
}

__attribute__((format(printf, 2, 3))) static int fail(int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    error_report(code, FROM_CPU, "%s", msg);
    return -1;
}

static int host_cpu_parse(const char *text, struct host_cpu *c)
{
    xmlDocPtr doc = xml_parse(text, strlen(text), "(CPU_definition)", FROM_CPU);
    xmlNodePtr root;
    xmlChar *mode;
    int r = -1;

    if (!doc)
        return -1;
    root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, "cpu") != 0) {
        fail(ERR_XML_ERROR, "%s", "XML does not contain expected 'cpu' element");
        goto out;
    }
    if ((mode = xmlGetProp(root, (const xmlChar *)"mode"))) {
        xmlFree(mode);
        fail(ERR_CONFIG_UNSUPPORTED, "%s", "Attribute mode is only allowed for guest CPU");
        goto out;
    }
    if (!(c->arch = child_text(root, "arch"))) {
        fail(ERR_XML_ERROR, "%s", "Missing CPU architecture");
        goto out;
    }
    if (!cpu_arch_known(c->arch)) {
        fail(ERR_CONFIG_UNSUPPORTED, "Unknown architecture %s", c->arch);
        goto out;
    }
    if (!(c->model = child_text(root, "model"))) {
        fail(ERR_XML_ERROR, "%s", "Missing CPU model name");
        goto out;
    }
    c->vendor = child_text(root, "vendor");
    for (xmlNodePtr f = root->children; f; f = f->next) {
        xmlChar *name;

        if (f->type != XML_ELEMENT_NODE || strcmp((const char *)f->name, "feature") != 0)
            continue;
        name = xmlGetProp(f, (const xmlChar *)"name");
        if (!name || !*name) {
            xmlFree(name);
            fail(ERR_XML_ERROR, "%s", "Invalid CPU feature name");
            goto out;
        }
        for (size_t i = 0; i < c->nfeatures; i++) {
            if (strcmp(c->features[i], (const char *)name) == 0) {
                fail(ERR_XML_ERROR, "CPU feature '%s' specified more than once",
                     (const char *)name);
                xmlFree(name);
                goto out;
            }
        }
        if (c->nfeatures == MAX_CPU_FEATURES) {
            xmlFree(name);
            fail(ERR_XML_ERROR, "%s", "too many CPU features");
            goto out;
        }
        char **grown = realloc(c->features, (c->nfeatures + 1) * sizeof(char *));
        if (!grown || !(grown[c->nfeatures] = strdup((const char *)name))) {
            if (grown)
                c->features = grown;
            xmlFree(name);
            error_report(ERR_NO_MEMORY, FROM_CPU, NULL);
            goto out;
        }
        c->features = grown;
        c->nfeatures++;
        xmlFree(name);
    }
    r = 0;
out:
    xmlFreeDoc(doc);
    return r;
}

/* The CPU's features: its model's and the ones it lists. */
static int host_cpu_features(const struct host_cpu *c, struct fset *set)
{
    const struct x86_model *m = model_find(c->model);

    if (!m)
        return fail(ERR_INTERNAL_ERROR, "Unknown CPU model %s", c->model);
    model_features(m, set);
    for (size_t i = 0; i < c->nfeatures; i++) {
        int k = feature_index(c->features[i], strlen(c->features[i]));
        if (k < 0)
            return fail(ERR_INTERNAL_ERROR, "Unknown CPU feature %s", c->features[i]);
        set->bit[k] = 1;
    }
    return 0;
}

static int set_empty(const struct fset *set)
{
    for (size_t i = 0; i < NFEATURES; i++)
        if (set->bit[i])
            return 0;
    return 1;
}

static int vendor_known(const char *v)
{
    for (size_t i = 0; i < sizeof(x86_vendors) / sizeof(x86_vendors[0]); i++)
        if (strcmp(v, x86_vendors[i]) == 0)
            return 1;
    return 0;
}

/* How far model M is from DATA, weighed as libvirt 9.0 weighs a guest
 * CPU's feature list (the required features, then the disabled ones):
 * each listed feature counts 1, a disabled one a growing penalty (2, 3,
 * 4, ...) instead; libvirt's loop runs while i < enabled, which shrinks as
 * it counts, so only some of the disabled features are weighed. *penalty
 * gets the penalties' part. */
static size_t model_cost(const struct x86_model *m, const struct fset *data, size_t *penalty)
{
    struct fset mf, rm;
    size_t required = 0, disabled = 0, weight = 2;

    model_features(m, &mf);
    names_to_set(m->removed, &rm);
    for (size_t i = 0; i < NFEATURES; i++) {
        if (data->bit[i] && !mf.bit[i])
            required++;
        else if (!data->bit[i] && (mf.bit[i] || rm.bit[i]))
            disabled++;
    }
    size_t enabled = required + disabled;
    *penalty = 0;
    for (size_t i = required; i < enabled; i++) {
        enabled--;
        *penalty += weight++;
    }
    return enabled + *penalty;
}

/* libvirt's decoding: models are tried from the last to the first, the
 * preferred one (the model every CPU named) wins outright, otherwise one
 * costing less, or as much with less of it in penalties, replaces the
 * current choice. */
static const struct x86_model *decode(const struct fset *data, const char *vendor,
                                      const char *preferred)
{
    const struct x86_model *best = NULL;
    size_t best_cost = 0, best_penalty = 0;

    for (size_t i = NMODELS; i-- > 0;) {
        const struct x86_model *m = &x86_models[i];
        size_t cost, penalty;

        if (!m->decode_guest)
            continue;
        if (vendor && m->vendor && strcmp(vendor, m->vendor) != 0)
            continue;
        if (preferred && strcmp(m->name, preferred) == 0)
            return m;
        cost = model_cost(m, data, &penalty);
        if (!best || cost < best_cost || (cost == best_cost && penalty < best_penalty)) {
            best = m;
            best_cost = cost;
            best_penalty = penalty;
        }
    }
    return best;
}

struct out {
    char *buf;
    size_t len, cap;
    int failed;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (o->failed || n < 0)
        return;
    if (o->len + (size_t)n + 1 > o->cap) {
        size_t cap = (o->len + (size_t)n + 1) * 2;
        char *g = realloc(o->buf, cap);
        if (!g) {
            o->failed = 1;
            return;
        }
        o->buf = g;
        o->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    o->len += (size_t)n;
}

/* The features libvirt's map marks as not migratable. */
static int non_migratable(size_t i)
{
    return strcmp(x86_features[i], "xsaves") == 0 || strcmp(x86_features[i], "invtsc") == 0;
}

struct listed {
    size_t feature;
    int require;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(x86_features[((const struct listed *)a)->feature],
                  x86_features[((const struct listed *)b)->feature]);
}

/* The CPU element of model M describing DATA: the features to require,
 * then to disable, in the map's order (then the model's removed features
 * the data lacks, in the model's order); without the non-migratable ones
 * when MIGRATABLE; expanded, the model's features too, all sorted by
 * name, as virCPUExpandFeatures lists them. */
static char *format(const struct x86_model *m, const char *vendor, int forbid,
                    const struct fset *data, int expand, int migratable)
{
    struct out o = {0};
    struct fset mf, listed_set = {{0}};
    struct listed list[2 * NFEATURES];
    size_t n = 0;

    model_features(m, &mf);
    for (size_t i = 0; i < NFEATURES; i++)
        if (data->bit[i] && !mf.bit[i])
            list[n++] = (struct listed){i, 1};
    for (size_t i = 0; i < NFEATURES; i++)
        if (!data->bit[i] && mf.bit[i])
            list[n++] = (struct listed){i, 0};
    for (const char *p = m->removed ? m->removed : ""; *p;) {
        size_t len = strcspn(p, " ");
        int i = feature_index(p, len);
        if (i >= 0 && !data->bit[i])
            list[n++] = (struct listed){(size_t)i, 0};
        p += len;
        p += strspn(p, " ");
    }
    if (migratable) {
        size_t k = 0;
        for (size_t j = 0; j < n; j++)
            if (!non_migratable(list[j].feature))
                list[k++] = list[j];
        n = k;
    }
    if (expand) {
        for (size_t j = 0; j < n; j++)
            listed_set.bit[list[j].feature] = 1;
        for (size_t i = 0; i < NFEATURES; i++)
            if (mf.bit[i] && !listed_set.bit[i])
                list[n++] = (struct listed){i, 1};
        qsort(list, n, sizeof(list[0]), by_name);
    }
    put(&o, "<cpu mode='custom' match='exact'>\n  <model fallback='%s'>%s</model>\n",
        forbid ? "forbid" : "allow", m->name);
    if (vendor)
        put(&o, "  <vendor>%s</vendor>\n", vendor);
    for (size_t j = 0; j < n; j++)
        put(&o, "  <feature policy='%s' name='%s'/>\n", list[j].require ? "require" : "disable",
            x86_features[list[j].feature]);
    put(&o, "</cpu>\n");
    if (o.failed) {
        free(o.buf);
        error_report(ERR_NO_MEMORY, FROM_CPU, NULL);
        return NULL;
    }
    return o.buf;
}

static int arch_is_x86(const char *arch)
{
    return strcmp(arch, "x86_64") == 0 || strcmp(arch, "i686") == 0;
}

static int arch_in(const char *arch, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(arch, *list) == 0)
            return 1;
    return 0;
}

static char *model_only(const char *model, int forbid)
{
    char *s;

    if (asprintf(&s, "<cpu mode='custom' match='exact'>\n  <model fallback='%s'>%s</model>\n</cpu>\n",
                 forbid ? "forbid" : "allow", model) < 0) {
        error_report(ERR_NO_MEMORY, FROM_CPU, NULL);
        return NULL;
    }
    return s;
}

/* The baselines of libvirt's other CPU drivers: ppc64's is the first
 * CPU's model when every CPU names it, arm's the first CPU's model as it
 * is, s390's does not exist. Vendors and features play no part. */
static char *baseline_other(const struct host_cpu *cpus, size_t n)
{
    static const char *const ppc64[] = {"ppc64", "ppc64le", NULL};
    static const char *const arm[] = {"armv6l", "armv7l", "armv7b", "aarch64", NULL};
    static const char *const s390[] = {"s390", "s390x", NULL};
    const char *arch = cpus[0].arch;

    if (arch_in(arch, ppc64)) {
        const char *const *models;
        size_t nmodels, k = 0;

        if (cpu_arch_models(arch, FROM_CPU, &models, &nmodels) < 0)
            return NULL;
        while (k < nmodels && strcmp(models[k], cpus[0].model) != 0)
            k++;
        if (k == nmodels) {
            fail(ERR_INTERNAL_ERROR, "Unknown CPU model %s", cpus[0].model);
            return NULL;
        }
        for (size_t i = 1; i < n; i++) {
            if (strcmp(cpus[i].model, cpus[0].model) != 0) {
                fail(ERR_OPERATION_FAILED, "%s", "CPUs are incompatible");
                return NULL;
            }
        }
        return model_only(cpus[0].model, 1);
    }
    if (arch_in(arch, arm))
        return model_only(cpus[0].model, 0);
    if (arch_in(arch, s390)) {
        fail(ERR_NO_SUPPORT, "cannot compute baseline CPU of %s architecture", arch);
        return NULL;
    }
    fail(ERR_NO_SUPPORT, "'%s' architecture is not supported by CPU driver", arch);
    return NULL;
}

char *cpu_baseline(char *const *xml, size_t n, int expand, int migratable)
{
    struct host_cpu *cpus = NULL;
    struct fset data, one;
    const char *vendor = NULL, *preferred = NULL;
    int output_vendor = 1;
    const struct x86_model *m;
    char *result = NULL;

    if (n == 0) {
        error_report(ERR_INVALID_ARG, FROM_CPU, "%s", "nothing to baseline");
        return NULL;
    }
    if (!(cpus = calloc(n, sizeof(*cpus)))) {
        error_report(ERR_NO_MEMORY, FROM_CPU, NULL);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (host_cpu_parse(xml[i], &cpus[i]) < 0)
            goto out;
    if (!arch_is_x86(cpus[0].arch)) {
        result = baseline_other(cpus, n);
        goto out;
    }
    preferred = cpus[0].model;
    /* The vendor: the first CPU's, else the first one a later CPU (or its
     * model) names; shown only when every CPU names it. */
    if (host_cpu_features(&cpus[0], &data) < 0)
        goto out;
    if (!cpus[0].vendor)
        output_vendor = 0;
    else if (!vendor_known(cpus[0].vendor)) {
        fail(ERR_OPERATION_FAILED, "Unknown CPU vendor %s", cpus[0].vendor);
        goto out;
    } else
        vendor = cpus[0].vendor;
    for (size_t i = 1; i < n; i++) {
        const struct x86_model *mi;
        const char *vn;

        if (host_cpu_features(&cpus[i], &one) < 0)
            goto out;
        mi = model_find(cpus[i].model);
        if (cpus[i].vendor && mi->vendor && strcmp(cpus[i].vendor, mi->vendor) != 0) {
            fail(ERR_OPERATION_FAILED, "CPU vendor %s of model %s differs from vendor %s",
                 mi->vendor, mi->name, cpus[i].vendor);
            goto out;
        }
        vn = cpus[i].vendor;
        if (!vn) {
            output_vendor = 0;
            vn = mi->vendor;
        }
        if (vn && !vendor) {
            if (!vendor_known(vn)) {
                fail(ERR_OPERATION_FAILED, "Unknown CPU vendor %s", vn);
                goto out;
            }
            vendor = vn;
        } else if (vn && strcmp(vendor, vn) != 0) {
            fail(ERR_OPERATION_FAILED, "%s", "CPU vendors do not match");
            goto out;
        }
        for (size_t k = 0; k < NFEATURES; k++)
            data.bit[k] &= one.bit[k];
        if (preferred && strcmp(preferred, cpus[i].model) != 0)
            preferred = NULL;
    }
    if (set_empty(&data)) {
        fail(ERR_OPERATION_FAILED, "%s", "CPUs are incompatible");
        goto out;
    }
    if (!(m = decode(&data, vendor, preferred))) {
        fail(ERR_OPERATION_FAILED, "%s", "Cannot find suitable CPU model for given data");
        goto out;
    }
    result = format(m, output_vendor ? vendor : NULL, preferred && strcmp(m->name, preferred) == 0,
                    &data, expand, migratable);
out:
    for (size_t i = 0; i < n; i++)
        host_cpu_clear(&cpus[i]);
    free(cpus);
    return result;
}

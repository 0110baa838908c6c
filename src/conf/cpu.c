#include "cpu.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

/* virArch's names in libvirt 9.0 (its "none" is not accepted by name). */
static const char *const arch_names[] = {
    "alpha",    "armv6l",    "armv7l",   "armv7b",     "aarch64", "cris",     "i686",
    "ia64",     "lm32",      "m68k",     "microblaze", "microblazeel", "mips", "mipsel",
    "mips64",   "mips64el",  "openrisc", "parisc",     "parisc64", "ppc",     "ppcle",
    "ppc64",    "ppc64le",   "ppcemb",   "riscv32",    "riscv64", "s390",     "s390x",
    "sh4",      "sh4eb",     "sparc",    "sparc64",    "unicore32", "x86_64", "xtensa",
    "xtensaeb",
};

/* cpu_map's x86 models (x86 index order) and ppc64 models. */
static const char *const x86_models[] = {
    "486", "pentium", "pentium2", "pentium3", "pentiumpro", "coreduo", "n270", "core2duo",
    "qemu32", "kvm32", "cpu64-rhel5", "cpu64-rhel6", "qemu64", "kvm64", "Conroe", "Penryn",
    "Nehalem", "Nehalem-IBRS", "Westmere", "Westmere-IBRS", "SandyBridge", "SandyBridge-IBRS",
    "IvyBridge", "IvyBridge-IBRS", "Haswell-noTSX", "Haswell-noTSX-IBRS", "Haswell",
    "Haswell-IBRS", "Broadwell-noTSX", "Broadwell-noTSX-IBRS", "Broadwell", "Broadwell-IBRS",
    "Skylake-Client", "Skylake-Client-IBRS", "Skylake-Client-noTSX-IBRS", "Skylake-Server",
    "Skylake-Server-IBRS", "Skylake-Server-noTSX-IBRS", "Cascadelake-Server",
    "Cascadelake-Server-noTSX", "Icelake-Client", "Icelake-Client-noTSX", "Icelake-Server",
    "Icelake-Server-noTSX", "Cooperlake", "Snowridge", "athlon", "phenom", "Opteron_G1",
    "Opteron_G2", "Opteron_G3", "Opteron_G4", "Opteron_G5", "EPYC", "EPYC-IBPB", "EPYC-Rome",
    "EPYC-Milan", "Dhyana",
};
static const char *const ppc64_models[] = {
    "POWER6", "POWER7", "POWER8", "POWER9", "POWER10", "POWERPC_e5500", "POWERPC_e6500",
};

/* The architectures each of libvirt's CPU drivers serves, and its models
 * (NULL: the driver takes any model, as arm's and s390's do). */
static const struct cpu_driver {
    const char *arches[4];
    const char *const *models;
    size_t nmodels;
} cpu_drivers[] = {
    {{"i686", "x86_64"}, x86_models, sizeof(x86_models) / sizeof(x86_models[0])},
    {{"ppc64", "ppc64le"}, ppc64_models, sizeof(ppc64_models) / sizeof(ppc64_models[0])},
    {{"s390", "s390x"}, NULL, 0},
    {{"armv6l", "armv7l", "armv7b", "aarch64"}, NULL, 0},
};

int cpu_arch_known(const char *arch)
{
    for (size_t i = 0; i < sizeof(arch_names) / sizeof(arch_names[0]); i++)
        if (strcmp(arch, arch_names[i]) == 0)
            return 1;
    return 0;
}

int cpu_arch_models(const char *arch, int from, const char *const **models, size_t *n)
{
    if (!cpu_arch_known(arch)) {
        error_report(ERR_INVALID_ARG, from, "cannot find architecture %s", arch);
        return -1;
    }
    for (size_t d = 0; d < sizeof(cpu_drivers) / sizeof(cpu_drivers[0]); d++) {
        for (size_t a = 0; a < 4 && cpu_drivers[d].arches[a]; a++) {
            if (strcmp(arch, cpu_drivers[d].arches[a]) == 0) {
                *models = cpu_drivers[d].models;
                *n = cpu_drivers[d].nmodels;
                return 0;
            }
        }
    }
    error_report(ERR_NO_SUPPORT, FROM_CPU, "'%s' architecture is not supported by CPU driver",
                 arch);
    return -1;
}

int cpu_model_names_reply(const char *arch, int from, int need_results,
                          remote_connect_get_cpu_model_names_ret *ret)
{
    const char *const *models;
    size_t n;

    if (cpu_arch_models(arch, from, &models, &n) < 0)
        return -1;
    if (need_results && n) {
        if (!(ret->models.models_val = calloc(n, sizeof(char *)))) {
            error_report(ERR_NO_MEMORY, from, NULL);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            if (!(ret->models.models_val[i] = strdup(models[i]))) {
                ret->models.models_len = (u_int)i;
                error_report(ERR_NO_MEMORY, from, NULL);
                return -1;
            }
        }
        ret->models.models_len = (u_int)n;
    }
    ret->ret = (int)n;
    return 0;
}

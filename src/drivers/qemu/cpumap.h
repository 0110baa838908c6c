/* cpumap: libvirt 9.0's x86 CPU models and features (its cpu_map
 * directory, read as libvirt reads it) and its way of naming a CPU: the
 * model that describes CPUID data with the fewest extra features
 * (cpu_x86.c's x86Decode), for the host CPU of the capabilities, the
 * host-model of the domain capabilities, and the custom models libvirt
 * knows. */
#ifndef SRC_DRIVERS_QEMU_CPUMAP_H
#define SRC_DRIVERS_QEMU_CPUMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where libvirt's CPU map is (libvirt0's data; CPU_MAP_DIR overrides). */
#ifndef CPU_MAP_DIR
#define CPU_MAP_DIR "/usr/share/libvirt/cpu_map"
#endif

/* CPUID leaves and subleaves, and MSRs: one item each. */
struct x86_item {
    bool msr;
    uint32_t leaf, sub;   /* msr: leaf is the index */
    uint32_t r[4];        /* eax, ebx, ecx, edx (msr: eax and edx) */
};

struct x86_data {
    struct x86_item *items;
    size_t n;
};

/* The x86 map, loaded once per process; NULL when it cannot be read
 * (a warning is logged). */
const struct x86_map *cpumap_x86(void);

/* The models of the map in its order; name and vendor (NULL: none). */
size_t cpumap_model_count(const struct x86_map *m);
const char *cpumap_model_name(const struct x86_map *m, size_t i);
/* The vendor of the model named name: "Intel", NULL without one; *known
 * is false when the map has no such model. */
const char *cpumap_model_vendor(const struct x86_map *m, const char *name, bool *known);

/* libvirt's name of a feature QEMU names (its aliases of source qemu), or
 * name itself. */
const char *cpumap_feature_from_qemu(const struct x86_map *m, const char *name);

/* Building data: a feature by libvirt's name (unknown ones are ignored),
 * the vendor string (GenuineIntel), the signature. 0 or -1 (no memory). */
int cpumap_data_add_feature(const struct x86_map *m, struct x86_data *d, const char *name);
int cpumap_data_set_vendor(struct x86_data *d, const char *vendor);
int cpumap_data_set_signature(struct x86_data *d, unsigned family, unsigned model,
                              unsigned stepping);
int cpumap_data_add_item(struct x86_data *d, const struct x86_item *it);
void cpumap_data_clear(struct x86_data *d);
bool cpumap_data_has_feature(const struct x86_map *m, const struct x86_data *d,
                             const char *name);

/* The host's CPUID (the leaves the map uses) and IA32_ARCH_CAPABILITIES
 * when the CPU has it, as libvirt's cpuidSet and virHostCPUGetMSR. */
int cpumap_host_data(const struct x86_map *m, struct x86_data *d);

/* The hypervisor's version of a model: its name and the features that
 * block it (QEMU's unavailable-features, libvirt's names). */
struct cpumap_hv_model {
    const char *name;
    const char *const *blockers;
    size_t nblockers;
};

enum { CPUMAP_REQUIRE, CPUMAP_DISABLE };

struct cpumap_cpu {
    char *model;
    const char *vendor; /* NULL: none */
    unsigned family, model_num, stepping;
    size_t nfeatures;
    char **features;
    int *policy; /* CPUMAP_REQUIRE or CPUMAP_DISABLE */
};

/* x86Decode: host (true: the capabilities' host CPU, whose candidates may
 * disable nothing) or guest (the host-model); hv restricts the candidates
 * to the hypervisor's models (NULL: all of the map's). 0, or -1 when no
 * model fits (or no memory). */
int cpumap_decode(const struct x86_map *m, const struct x86_data *d, bool host,
                  const struct cpumap_hv_model *hv, size_t nhv, struct cpumap_cpu *out);
void cpumap_cpu_clear(struct cpumap_cpu *c);

/* Whether the feature is an MSR's (IA32_ARCH_CAPABILITIES ...). */
bool cpumap_feature_is_msr(const struct x86_map *m, const char *name);

/* The maximum physical address bits (CPUID 0x80000008), 0 unknown. */
unsigned cpumap_phys_bits(const struct x86_data *d);

#endif

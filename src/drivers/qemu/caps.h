/* caps: what each QEMU emulator of the host can do, probed the way
 * libvirt 9.0 probes it and kept in a cache.
 *
 * The emulators are those libvirt looks for on the PATH: qemu-system-x86_64
 * (x86_64 guests) and qemu-system-i386 (i686 guests). Each is run as
 * `-S -no-user-config -nodefaults -nographic -machine none` with its QMP
 * monitor on a socket pair, once with TCG and, when /dev/kvm can be opened,
 * once with KVM; what it answers (query-version, query-machines,
 * query-cpu-definitions, query-cpu-model-expansion of host/max,
 * query-kvm, qom-list-types, query-commands, query-qmp-schema, ...) is
 * turned into a struct qemu_caps. The QEMU process is our child: it is
 * reaped here, killed at the deadline, and dies with us (PDEATHSIG).
 *
 * The cache: one file per emulator in CACHEDIR/capabilities/, written
 * atomically (temp file, fsync, rename), holding what was probed and the
 * key it is valid for: the emulator's path, size, mtime, ctime and inode,
 * the mtime of QEMU's module directory, whether /dev/kvm could be opened,
 * and our version. A key that differs means a new probe. */
#ifndef SRC_DRIVERS_QEMU_CAPS_H
#define SRC_DRIVERS_QEMU_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a probe waits for QEMU: through the connection's loop (struct
 * drv_context's wait_fd), or with poll() when fn is NULL. */
struct qemu_wait {
    int (*fn)(void *opaque, int fd, uint32_t events, long long deadline_ms);
    void *opaque;
};

enum qemu_accel_kind { QEMU_ACCEL_TCG, QEMU_ACCEL_KVM, QEMU_ACCEL_COUNT };

struct qemu_machine {
    char *name;  /* canonical: pc-i440fx-7.2 */
    char *alias; /* pc, or NULL */
    int max_cpus;
    bool is_default, deprecated, hotplug_cpus, numa_mem;
    char *default_cpu_type; /* NULL when QEMU names none */
    char *default_ram_id;   /* NULL when QEMU names none */
};

struct qemu_cpu_model {
    char *name, *type_name;
    bool usable;     /* QEMU reports no unavailable features */
    char **blockers; /* the unavailable features, NULL-terminated, or NULL */
    size_t nblockers;
    bool deprecated;
};

enum qemu_prop_type { QEMU_PROP_BOOL, QEMU_PROP_NUMBER, QEMU_PROP_STRING };

/* One property of the host CPU model's full expansion: a feature (bool),
 * family/model/stepping/... (number), vendor/model-id (string). */
struct qemu_cpu_prop {
    char *name;
    enum qemu_prop_type type;
    bool b;
    bool nonmig; /* true only in the expansion with migratable=off */
    long long n;
    char *s;
};

/* What one accelerator sees. */
struct qemu_accel {
    bool probed;
    struct qemu_cpu_model *cpus; /* query-cpu-definitions, in QEMU's order */
    size_t ncpus;
    /* The full expansion of "host" (KVM) or "max" (TCG) */
    struct qemu_cpu_prop *host_props;
    size_t nhost_props;
};

/* What libvirt calls QEMU capability flags, those our XML needs. */
enum qemu_flag {
    QEMU_FLAG_IOTHREAD,
    QEMU_FLAG_MEMORY_FILE,
    QEMU_FLAG_MEMORY_MEMFD,
    QEMU_FLAG_USB_STORAGE,
    QEMU_FLAG_ICH9_AHCI,
    QEMU_FLAG_VIRTIO_TRANSITIONAL,
    QEMU_FLAG_SDL,
    QEMU_FLAG_VNC,
    QEMU_FLAG_SPICE,
    QEMU_FLAG_EGL_HEADLESS,
    QEMU_FLAG_DBUS,
    QEMU_FLAG_VGA,
    QEMU_FLAG_CIRRUS,
    QEMU_FLAG_VMVGA,
    QEMU_FLAG_QXL,
    QEMU_FLAG_VIRTIO_GPU,
    QEMU_FLAG_BOCHS,
    QEMU_FLAG_RAMFB,
    QEMU_FLAG_SCSI_GENERIC,
    QEMU_FLAG_RNG_RANDOM,
    QEMU_FLAG_RNG_EGD,
    QEMU_FLAG_RNG_BUILTIN,
    QEMU_FLAG_VHOST_USER_FS,
    QEMU_FLAG_TPM_TIS,
    QEMU_FLAG_TPM_CRB,
    QEMU_FLAG_TPM_SPAPR,
    QEMU_FLAG_TPM_PASSTHROUGH,
    QEMU_FLAG_TPM_EMULATOR,
    QEMU_FLAG_USB_REDIR,
    QEMU_FLAG_SPICEVMC,
    QEMU_FLAG_VMCOREINFO,
    QEMU_FLAG_VMGENID,
    QEMU_FLAG_SEV,
    QEMU_FLAG_SGX,
    QEMU_FLAG_CPU_MIGRATABLE,
    QEMU_FLAG_CPU_UNAVAILABLE_FEATURES,
    QEMU_FLAG_COUNT
};

struct qemu_caps {
    char *emulator;   /* the path found on the PATH */
    char *arch;       /* libvirt's name for its guests' arch: x86_64, i686 */
    unsigned version; /* major * 1000000 + minor * 1000 + micro */
    char *package;    /* "Debian 1:7.2+dfsg-7+deb12u18+b3" */
    bool kvm;         /* KVM works for it: /dev/kvm, and query-kvm says enabled */
    /* query-machines without "none", in QEMU's order but for its default
     * machine, moved first (libvirt's order) */
    struct qemu_machine *machines;
    size_t nmachines;
    struct qemu_accel accel[QEMU_ACCEL_COUNT];
    uint64_t flags; /* 1 << enum qemu_flag */
    /* The Hyper-V enlightenments KVM offers (1 << enum qemu_hyperv), from
     * a full expansion of host with hv-passthrough; probed only with KVM */
    bool hyperv_probed;
    uint32_t hyperv;
};

/* libvirt's Hyper-V enlightenments, in its order. */
enum qemu_hyperv {
    QEMU_HV_RELAXED, QEMU_HV_VAPIC, QEMU_HV_SPINLOCKS, QEMU_HV_VPINDEX, QEMU_HV_RUNTIME,
    QEMU_HV_SYNIC, QEMU_HV_STIMER, QEMU_HV_RESET, QEMU_HV_VENDOR_ID, QEMU_HV_FREQUENCIES,
    QEMU_HV_REENLIGHTENMENT, QEMU_HV_TLBFLUSH, QEMU_HV_IPI, QEMU_HV_EVMCS, QEMU_HV_AVIC,
    QEMU_HV_EMSR_BITMAP, QEMU_HV_XMM_INPUT, QEMU_HV_COUNT
};
extern const char *const qemu_hyperv_names[QEMU_HV_COUNT];

/* The host's emulators, each loaded from the cache or probed. */
struct qemu_caps_set {
    struct qemu_caps **caps;
    size_t n;
};

/* Finds the emulators on the PATH and fills *set with what each can do,
 * from CACHEDIR/capabilities/ when the cache is valid, probing (and
 * writing the cache) when not. An emulator that cannot be probed is left
 * out (as libvirt does), with a warning in the log. Returns 0, or -1 when
 * out of memory (error recorded). Free with qemu_caps_set_free. */
int qemu_caps_set_load(struct qemu_caps_set *set, const char *cachedir,
                       const struct qemu_wait *wait);

void qemu_caps_set_free(struct qemu_caps_set *set);

/* The emulator at path (a domain's <emulator>, domcapabilities'
 * emulatorbin): the one of the set, else probed (or read from the cache)
 * and added to the set. NULL with libvirt's error ("Cannot check QEMU
 * binary PATH: ...") when it cannot be. */
const struct qemu_caps *qemu_caps_set_add(struct qemu_caps_set *set, const char *cachedir,
                                          const char *emulator, const struct qemu_wait *wait);

/* The emulator for guests of arch (x86_64, i686), or NULL. */
const struct qemu_caps *qemu_caps_for_arch(const struct qemu_caps_set *set, const char *arch);

/* The probed emulator at path, or NULL. */
const struct qemu_caps *qemu_caps_for_emulator(const struct qemu_caps_set *set,
                                               const char *path);

/* Probes one emulator now, whatever the cache says (arch NULL: QEMU's
 * target, in libvirt's name). Returns the caps (free with qemu_caps_free)
 * or NULL with the error recorded. */
struct qemu_caps *qemu_caps_probe(const char *emulator, const char *arch,
                                  const struct qemu_wait *wait);

void qemu_caps_free(struct qemu_caps *c);

bool qemu_caps_has(const struct qemu_caps *c, enum qemu_flag f);

/* The machine named name or aliased so, or NULL. */
const struct qemu_machine *qemu_caps_machine(const struct qemu_caps *c, const char *name);

/* libvirt's canonical name for a machine: pc -> pc-i440fx-7.2, q35 ->
 * pc-q35-7.2; a name that is no alias is returned as it is (a pointer into
 * c, or name itself). */
const char *qemu_caps_canonical_machine(const struct qemu_caps *c, const char *name);

/* The machine a domain gets when it names none: QEMU's default (for
 * x86 pc-i440fx-7.2), or NULL when the emulator has no machine. */
const char *qemu_caps_default_machine(const struct qemu_caps *c);

/* The documents (capsxml.c): virConnectGetCapabilities' for the set
 * (uuid: the host's), and virConnectGetDomainCapabilities' for one
 * emulator, KVM or TCG, and a canonical machine of it. NULL with the
 * error recorded. */
char *qemu_caps_format_capabilities(const struct qemu_caps_set *set, const char *uuid);
char *qemu_caps_format_domcaps(const struct qemu_caps *c, bool kvm, const char *machine);

/* KVM's most vCPUs per guest (libvirt's virHostCPUGetKVMMaxVCPUs), or -1
 * with the error recorded when /dev/kvm cannot be opened. */
int qemu_kvm_max_vcpus(void);

#endif

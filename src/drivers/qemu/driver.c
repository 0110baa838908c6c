/* The QEMU driver: qemu:///system and qemu:///session. A connection is a
 * qdrv (qdrv.h) over the driver's shared directories (paths.h: libvirt's
 * layout, under libvirtd.conf's qemu_root); the domains are in domain.c.
 * The connection's own operations are here: the host's facts (host.h)
 * and the emulators' capabilities (caps.h), probed once per emulator
 * binary and kept in the cache directory, loaded the first time a
 * connection needs them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "caps.h"
#include "conf/cpu.h"
#include "conf/domain_xml.h"
#include "config.h"
#include "driver.h"
#include "error.h"
#include "host.h"
#include "paths.h"
#include "qdrv.h"
#include "storage.h"
#include "qemu.h"

struct drv_conn {
    struct qdrv q; /* first: qdrv_env finds the connection from it */
    struct qemu_paths paths;
    char *host_uuid; /* libvirtd.conf's host_uuid, or NULL */
    struct qemu_caps_set caps;
    bool caps_loaded;
    struct dx_env env;
};

struct qdrv *qemu_conn_qdrv(struct drv_conn *c)
{
    return &c->q;
}

/* The path of a qemu URI ("/system"), or NULL when it is not one. */
static char *uri_path(const char *uri)
{
    if (strncmp(uri, "qemu:", 5) != 0 && strncmp(uri, "qemu+", 5) != 0)
        return NULL;
    const char *p = strchr(uri, ':') + 1;
    if (strncmp(p, "//", 2) == 0) {
        p += 2;
        p += strcspn(p, "/?#");
    }
    return strndup(p, strcspn(p, "?#"));
}

/* ---- the emulators' capabilities ---- */

/* The host's emulators, from the cache or probed (through the
 * connection's wait, so that the connection stays responsive and the
 * probe has a deadline), once per connection. An emulator that cannot be
 * probed is left out, as libvirt leaves it out. */
static const struct qemu_caps_set *conn_caps(struct drv_conn *c)
{
    if (!c->caps_loaded) {
        struct qemu_wait w = {c->q.ctx.wait_fd, c->q.ctx.wait_opaque};
        if (qemu_caps_set_load(&c->caps, c->paths.cache, &w) < 0)
            return NULL;
        c->caps_loaded = true;
    }
    return &c->caps;
}

/* libvirt's names of architectures (virArch). */
static bool known_arch(const char *a)
{
    static const char *const archs[] = {
        "alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686", "ia64", "lm32",
        "loongarch64", "m68k", "microblaze", "microblazeel", "mips", "mipsel", "mips64",
        "mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle", "ppc64", "ppc64le",
        "ppcemb", "riscv32", "riscv64", "s390", "s390x", "sh4", "sh4eb", "sparc", "sparc64",
        "unicore32", "x86_64", "xtensa", "xtensaeb"};
    for (size_t i = 0; i < sizeof(archs) / sizeof(archs[0]); i++)
        if (strcmp(archs[i], a) == 0)
            return true;
    return false;
}

/* libvirt's virt types (virDomainVirtType). */
static bool known_virt_type(const char *t)
{
    static const char *const types[] = {"none", "qemu", "kqemu", "kvm", "xen", "lxc",
                                        "uml", "openvz", "test", "vmware", "hyperv", "vbox",
                                        "phyp", "parallels", "bhyve", "vz", "hvf"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(types[i], t) == 0)
            return true;
    return false;
}

/* The emulator for arch, with libvirt's error when there is none. */
static const struct qemu_caps *caps_for_arch(struct drv_conn *c, const char *arch)
{
    const struct qemu_caps_set *set = conn_caps(c);
    const struct qemu_caps *qc = set ? qemu_caps_for_arch(set, arch) : NULL;

    if (set && !qc)
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU, "No emulator found for arch '%s'", arch);
    return qc;
}

/* The emulator at a path: one of the host's, or any other binary, probed
 * like them (libvirt probes whatever a domain or a caller names). */
static const struct qemu_caps *caps_for_emulator(struct drv_conn *c, const char *emulator)
{
    struct qemu_wait w = {c->q.ctx.wait_fd, c->q.ctx.wait_opaque};

    if (!conn_caps(c))
        return NULL;
    return qemu_caps_set_add(&c->caps, c->paths.cache, emulator, &w);
}

static char *dup_or_nomem(const char *s)
{
    char *d = strdup(s);
    if (!d)
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    return d;
}

/* ---- the host facts of the QEMU rules (struct dx_env) ---- */

static char *env_arch(void *opaque, const char *virt_type)
{
    struct drv_conn *c = opaque;
    const struct qemu_caps_set *set = conn_caps(c);

    (void)virt_type;
    if (!set)
        return NULL;
    /* the host's arch when there is an emulator for it, else the first */
    if (qemu_caps_for_arch(set, host_arch()) || !set->n)
        return dup_or_nomem(host_arch());
    return dup_or_nomem(set->caps[0]->arch);
}

static char *env_emulator(void *opaque, const char *virt_type, const char *arch)
{
    const struct qemu_caps *qc = caps_for_arch(opaque, arch);

    (void)virt_type;
    return qc ? dup_or_nomem(qc->emulator) : NULL;
}

/* The emulator's caps when it serves arch (x86_64's serves i686 too), with
 * libvirt's error otherwise. */
static const struct qemu_caps *caps_serving(void *opaque, const char *emulator, const char *arch)
{
    const struct qemu_caps *qc = caps_for_emulator(opaque, emulator);

    if (qc && arch && strcmp(qc->arch, arch) != 0 &&
        !(strcmp(qc->arch, "x86_64") == 0 && strcmp(arch, "i686") == 0)) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU, "Emulator '%s' does not support arch '%s'",
                     emulator, arch);
        return NULL;
    }
    return qc;
}

static char *env_machine(void *opaque, const char *emulator, const char *virt_type,
                         const char *arch)
{
    const struct qemu_caps *qc = caps_serving(opaque, emulator, arch);
    const char *m = qc ? qemu_caps_default_machine(qc) : NULL;

    (void)virt_type;
    (void)arch;
    if (qc && !m)
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU, "no machine types for emulator '%s'",
                     emulator);
    return m ? dup_or_nomem(m) : NULL;
}

static char *env_canonical(void *opaque, const char *emulator, const char *virt_type,
                           const char *arch, const char *machine)
{
    const struct qemu_caps *qc = caps_serving(opaque, emulator, arch);

    (void)virt_type;
    return qc ? dup_or_nomem(qemu_caps_canonical_machine(qc, machine)) : NULL;
}

/* libvirt's virQEMUCapsGetMachineDefaultCPU: the model of the accel's
 * CPU definitions whose QOM type is the machine's default-cpu-type. */
static char *env_cpu(void *opaque, const char *emulator, const char *virt_type,
                     const char *machine)
{
    const struct qemu_caps *qc = caps_for_emulator(opaque, emulator);
    const struct qemu_machine *m = qc ? qemu_caps_machine(qc, machine) : NULL;

    if (!qc)
        return NULL;
    bool kvm = virt_type && strcmp(virt_type, "kvm") == 0 && qc->kvm;
    const struct qemu_accel *a = &qc->accel[kvm ? QEMU_ACCEL_KVM : QEMU_ACCEL_TCG];
    for (size_t i = 0; m && m->default_cpu_type && i < a->ncpus; i++)
        if (a->cpus[i].type_name && strcmp(a->cpus[i].type_name, m->default_cpu_type) == 0)
            return dup_or_nomem(a->cpus[i].name);
    return dup_or_nomem("");
}

static void env_init(struct drv_conn *c)
{
    c->env = (struct dx_env){
        .driver = DX_DRIVER_QEMU,
        .opaque = c,
        .default_arch = env_arch,
        .default_emulator = env_emulator,
        .default_machine = env_machine,
        .canonical_machine = env_canonical,
        .default_cpu = env_cpu,
    };
}

const struct dx_env *qdrv_env(struct qdrv *q)
{
    return &((struct drv_conn *)((char *)q - offsetof(struct drv_conn, q)))->env;
}

static int qemu_open(const char *uri, unsigned int flags, const struct drv_context *ctx,
                     struct drv_conn **out)
{
    char *path = uri ? uri_path(uri) : NULL;
    struct drv_conn *c = NULL;
    int r = -1;

    (void)flags;
    if (!path)
        return 0;
    /* As libvirt: a privileged daemon serves both with the system
     * driver; an unprivileged one only the session. */
    bool privileged = geteuid() == 0;
    if (privileged ? strcmp(path, "/system") != 0 && strcmp(path, "/session") != 0
                   : strcmp(path, "/session") != 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "unexpected QEMU URI path '%s', try %s",
                     path, privileged ? "qemu:///system" : "qemu:///session");
        goto out;
    }
    if (!(c = calloc(1, sizeof(*c)))) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        goto out;
    }
    const struct config *cfg = ctx ? ctx->config : NULL;
    /* Where the state lives: libvirt's directories, under qemu_root when
     * libvirtd.conf sets it. */
    if (qemu_paths_init(&c->paths, privileged, cfg ? cfg->qemu_root : NULL) < 0) {
        free(c);
        c = NULL;
        goto out;
    }
    if ((cfg && cfg->host_uuid && !(c->host_uuid = strdup(cfg->host_uuid))) ||
        qdrv_open(&c->q, &c->paths, ctx) < 0) {
        if (!error_last())
            error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        qemu_paths_free(&c->paths);
        free(c->host_uuid);
        free(c);
        c = NULL;
        goto out;
    }
    env_init(c);
    *out = c;
    r = 1;
out:
    free(path);
    return r;
}

static void qemu_close(struct drv_conn *c)
{
    if (!c)
        return;
    qdrv_close(&c->q);
    qemu_caps_set_free(&c->caps);
    qemu_paths_free(&c->paths);
    free(c->host_uuid);
    free(c);
}

static void qemu_set_event_sink(struct drv_conn *c, drv_event_fn fn, void *opaque)
{
    qdrv_set_event_sink(&c->q, fn, opaque);
}

static void qemu_events_wanted(struct drv_conn *c)
{
    qdrv_events_wanted(&c->q);
}

static int qemu_connect_get_type(struct drv_conn *c, remote_connect_get_type_ret *ret)
{
    (void)c;
    return drv_string(&ret->type, "QEMU");
}

static int qemu_connect_get_hostname(struct drv_conn *c, remote_connect_get_hostname_ret *ret)
{
    (void)c;
    return (ret->hostname = host_hostname()) ? 0 : -1;
}

static int qemu_node_get_security_model(struct drv_conn *c,
                                        remote_node_get_security_model_ret *ret)
{
    (void)c;
    /* security_driver = "none", as the driver runs QEMU */
    if (drv_chars(&ret->model.model_len, &ret->model.model_val, "none", 256) < 0 ||
        drv_chars(&ret->doi.doi_len, &ret->doi.doi_val, "0", 256) < 0)
        return -1;
    return 0;
}

static int qemu_connect_get_version(struct drv_conn *c, remote_connect_get_version_ret *ret)
{
    /* the version of the emulator of the host's arch (libvirt's
     * virQEMUCapsGetDefaultVersion) */
    const struct qemu_caps_set *set = conn_caps(c);
    const struct qemu_caps *qc = set ? qemu_caps_for_arch(set, host_arch()) : NULL;

    if (!set)
        return -1;
    if (!qc) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "Cannot find suitable emulator for %s",
                     host_arch());
        return -1;
    }
    ret->hv_ver = qc->version;
    return 0;
}

static int qemu_connect_get_capabilities(struct drv_conn *c,
                                         remote_connect_get_capabilities_ret *ret)
{
    const struct qemu_caps_set *set = conn_caps(c);
    char uuid[37];

    if (!set)
        return -1;
    host_uuid(c->host_uuid, uuid);
    return (ret->capabilities = qemu_caps_format_capabilities(set, uuid)) ? 0 : -1;
}

int qemu_connect_get_domain_capabilities(struct drv_conn *c,
                                         const remote_connect_get_domain_capabilities_args *args,
                                         remote_connect_get_domain_capabilities_ret *ret)
{
    const char *emulator = args->emulatorbin ? *args->emulatorbin : NULL;
    const char *arch = args->arch ? *args->arch : NULL;
    const char *machine = args->machine ? *args->machine : NULL;
    const char *virttype = args->virttype ? *args->virttype : NULL;
    const struct qemu_caps_set *set;
    const struct qemu_caps *qc;

    if (args->flags) {
        error_report(ERR_INVALID_ARG, FROM_DOMAIN, "unsupported flags (0x%x) in function %s",
                     args->flags, "qemuConnectGetDomainCapabilities");
        return -1;
    }
    if (virttype && !known_virt_type(virttype)) {
        error_report(ERR_INVALID_ARG, FROM_QEMU, "unknown virttype: %s", virttype);
        return -1;
    }
    if (arch && !known_arch(arch)) {
        error_report(ERR_INVALID_ARG, FROM_QEMU, "unknown architecture: %s", arch);
        return -1;
    }
    if (!(set = conn_caps(c)))
        return -1;
    if (emulator) {
        if (!(qc = caps_for_emulator(c, emulator)))
            return -1;
        if (arch && strcmp(arch, qc->arch) != 0) {
            error_report(ERR_INVALID_ARG, FROM_QEMU, "Emulator '%s' does not support arch '%s'",
                         emulator, arch);
            return -1;
        }
    } else {
        if (!arch)
            arch = host_arch();
        if (!(qc = qemu_caps_for_arch(set, arch))) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                         "unable to find any emulator to serve '%s' architecture", arch);
            return -1;
        }
    }
    bool kvm;
    if (!virttype)
        kvm = qc->kvm;
    else if (strcmp(virttype, "kvm") == 0 && qc->kvm)
        kvm = true;
    else if (strcmp(virttype, "qemu") == 0)
        kvm = false;
    else {
        error_report(ERR_INVALID_ARG, FROM_QEMU, "Emulator '%s' does not support virt type '%s'",
                     qc->emulator, virttype);
        return -1;
    }
    if (machine) {
        if (!qemu_caps_machine(qc, machine)) {
            error_report(ERR_INVALID_ARG, FROM_QEMU,
                         "the machine '%s' is not supported by emulator '%s'", machine,
                         qc->emulator);
            return -1;
        }
        machine = qemu_caps_canonical_machine(qc, machine);
    } else if (!(machine = qemu_caps_default_machine(qc))) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU, "no machine types for emulator '%s'",
                     qc->emulator);
        return -1;
    }
    return (ret->capabilities = qemu_caps_format_domcaps(qc, kvm, machine)) ? 0 : -1;
}

static int qemu_node_get_info(struct drv_conn *c, remote_node_get_info_ret *ret)
{
    struct host_info info;

    (void)c;
    if (host_get_info(&info) < 0)
        return -1;
    memset(ret->model, 0, sizeof(ret->model));
    snprintf(ret->model, sizeof(ret->model), "%s", info.model);
    ret->memory = info.memory_kib;
    ret->cpus = (int)info.cpus;
    ret->mhz = (int)info.mhz;
    ret->nodes = (int)info.nodes;
    ret->sockets = (int)info.sockets;
    ret->cores = (int)info.cores;
    ret->threads = (int)info.threads;
    return 0;
}

static int qemu_connect_get_max_vcpus(struct drv_conn *c,
                                      const remote_connect_get_max_vcpus_args *args,
                                      remote_connect_get_max_vcpus_ret *ret)
{
    const char *type = args->type ? *args->type : NULL;

    (void)c;
    /* libvirt 9.0's qemuConnectGetMaxVcpus */
    if (!type || strcasecmp(type, "qemu") == 0) {
        ret->max_vcpus = 16;
        return 0;
    }
    if (strcasecmp(type, "kvm") == 0) {
        int n = qemu_kvm_max_vcpus();
        if (n < 0)
            return -1;
        ret->max_vcpus = n;
        return 0;
    }
    error_report(ERR_INVALID_ARG, FROM_QEMU, "unknown type '%s'", type);
    return -1;
}

static int qemu_node_get_free_memory(struct drv_conn *c, remote_node_get_free_memory_ret *ret)
{
    (void)c;
    ret->freeMem = host_free_memory();
    return 0;
}

static int qemu_node_get_cells_free_memory(struct drv_conn *c,
                                           const remote_node_get_cells_free_memory_args *args,
                                           remote_node_get_cells_free_memory_ret *ret)
{
    int max = host_node_count() - 1, n = 0;

    (void)c;
    if (max < 0)
        max = 0;
    if (args->startCell > max) {
        error_report(ERR_INTERNAL_ERROR, FROM_NONE,
                     "start cell %d out of range (0-%d)", args->startCell, max);
        return -1;
    }
    /* maxcells is 1..REMOTE_NODE_MAX_CELLS (src/dispatch-host.c) */
    int last = args->startCell + args->maxcells - 1;
    if (last > max)
        last = max;
    if (!(ret->cells.cells_val = calloc((size_t)(last - args->startCell + 1), sizeof(uint64_t)))) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    for (int i = args->startCell; i <= last; i++) {
        uint64_t v = 0;
        if (host_node_count() == 0)
            v = host_free_memory();
        else if (host_cell_free(i, &v) < 0)
            v = 0;
        ret->cells.cells_val[n++] = v;
    }
    ret->cells.cells_len = (u_int)n;
    return 0;
}

/* The stats as virNodeGet*Stats answer: nparams 0 asks for the count. */
static int fill_stats(const struct host_stat *st, int n, int nparams, u_int *len,
                      void **val, size_t size, int *out_n, const char *fn)
{
    char msg[128];

    (void)size;
    if (nparams < n) {
        snprintf(msg, sizeof(msg), "nparams in %s must be equal to %d", fn, n);
        error_set_message(ERR_INVALID_ARG, FROM_NONE, msg);
        return -1;
    }
    remote_node_get_cpu_stats *p = calloc((size_t)n, sizeof(*p));
    if (!p) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        p[i].value = st[i].value;
        if (!(p[i].field = strdup(st[i].name))) {
            for (int k = 0; k < i; k++)
                free(p[k].field);
            free(p);
            error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
            return -1;
        }
    }
    *val = p;
    *len = (u_int)n;
    *out_n = n;
    return 0;
}

static int qemu_node_get_cpu_stats(struct drv_conn *c, const remote_node_get_cpu_stats_args *args,
                                   remote_node_get_cpu_stats_ret *ret)
{
    struct host_stat st[4];
    int n;

    (void)c;
    if (args->flags) {
        error_report(ERR_INVALID_ARG, FROM_NONE, "unsupported flags (0x%x) in function %s",
                     args->flags, "virHostCPUGetStats");
        return -1;
    }
    /* libvirt answers the count before it looks at the CPU */
    if (args->nparams == 0) {
        ret->nparams = 4;
        return 0;
    }
    if ((n = host_cpu_stats(args->cpuNum, st)) < 0)
        return -1;
    return fill_stats(st, n, args->nparams, &ret->params.params_len,
                      (void **)&ret->params.params_val, sizeof(*ret->params.params_val),
                      &ret->nparams, "virHostCPUGetStatsLinux");
}

static int qemu_node_get_memory_stats(struct drv_conn *c,
                                      const remote_node_get_memory_stats_args *args,
                                      remote_node_get_memory_stats_ret *ret)
{
    struct host_stat st[4];
    int n;

    (void)c;
    if (args->flags) {
        error_report(ERR_INVALID_ARG, FROM_NONE, "unsupported flags (0x%x) in function %s",
                     args->flags, "virHostMemGetStats");
        return -1;
    }
    /* libvirt answers the count (4, a cell's too) before it looks */
    if (args->nparams == 0) {
        ret->nparams = 4;
        return 0;
    }
    if ((n = host_memory_stats(args->cellNum, st)) < 0)
        return -1;
    /* the two reply structs have the same layout */
    return fill_stats(st, n, args->nparams, &ret->params.params_len,
                      (void **)&ret->params.params_val, sizeof(*ret->params.params_val),
                      &ret->nparams, "virHostMemGetStats");
}

static int qemu_connect_get_sysinfo(struct drv_conn *c, const remote_connect_get_sysinfo_args *args,
                                    remote_connect_get_sysinfo_ret *ret)
{
    (void)c;
    (void)ret;
    if (args->flags) {
        error_report(ERR_INVALID_ARG, FROM_QEMU, "unsupported flags (0x%x) in function %s",
                     args->flags, "qemuConnectGetSysinfo");
        return -1;
    }
    return host_sysinfo(&ret->sysinfo);
}

/* virCheckFlags' failure: the message alone, without the code's words. */
static int unsupported_flags(unsigned int flags, int from, const char *func)
{
    char msg[160];

    if (!flags)
        return 0;
    snprintf(msg, sizeof(msg), "unsupported flags (0x%x) in function %s", flags, func);
    error_set_message(ERR_INVALID_ARG, from, msg);
    return -1;
}

static int qemu_node_get_cpu_map(struct drv_conn *c, const remote_node_get_cpu_map_args *args,
                                 remote_node_get_cpu_map_ret *ret)
{
    enum { MAX_CPUS = REMOTE_CPUMAP_MAX * 8 };
    unsigned char *map;
    unsigned int online = 0;
    int n;

    (void)c;
    if (unsupported_flags(args->flags, FROM_NONE, "virHostCPUGetMap") < 0)
        return -1;
    if (!(map = calloc(1, MAX_CPUS / 8))) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    if ((n = host_cpu_map(map, MAX_CPUS, &online)) < 0) {
        free(map);
        return -1;
    }
    if (args->need_map) {
        ret->cpumap.cpumap_val = (char *)map;
        ret->cpumap.cpumap_len = (u_int)((n + 7) / 8);
    } else {
        free(map);
    }
    if (args->need_online)
        ret->online = online;
    ret->ret = n;
    return 0;
}

static int qemu_connect_get_cpu_model_names(struct drv_conn *c,
                                            const remote_connect_get_cpu_model_names_args *args,
                                            remote_connect_get_cpu_model_names_ret *ret)
{
    (void)c;
    if (unsupported_flags(args->flags, FROM_QEMU, "qemuConnectGetCPUModelNames") < 0)
        return -1;
    return cpu_model_names_reply(args->arch, FROM_QEMU, args->need_results, ret);
}

#define BASELINE_CPU_EXPAND_FEATURES 1
#define BASELINE_CPU_MIGRATABLE 2

static int qemu_connect_baseline_cpu(struct drv_conn *c, const remote_connect_baseline_cpu_args *args,
                                     remote_connect_baseline_cpu_ret *ret)
{
    (void)c;
    if (unsupported_flags(args->flags & ~(BASELINE_CPU_EXPAND_FEATURES | BASELINE_CPU_MIGRATABLE),
                          FROM_QEMU, "qemuConnectBaselineCPU") < 0)
        return -1;
    ret->cpu = cpu_baseline(args->xmlCPUs.xmlCPUs_val, args->xmlCPUs.xmlCPUs_len,
                            args->flags & BASELINE_CPU_EXPAND_FEATURES,
                            args->flags & BASELINE_CPU_MIGRATABLE);
    return ret->cpu ? 0 : -1;
}

static const struct drv_host_ops qemu_host_ops = {
    .connect_get_type = qemu_connect_get_type,
    .connect_get_version = qemu_connect_get_version,
    .connect_get_max_vcpus = qemu_connect_get_max_vcpus,
    .node_get_info = qemu_node_get_info,
    .connect_get_capabilities = qemu_connect_get_capabilities,
    .connect_get_hostname = qemu_connect_get_hostname,
    .node_get_free_memory = qemu_node_get_free_memory,
    .node_get_cells_free_memory = qemu_node_get_cells_free_memory,
    .node_get_security_model = qemu_node_get_security_model,
    .connect_get_sysinfo = qemu_connect_get_sysinfo,
    .node_get_cpu_stats = qemu_node_get_cpu_stats,
    .node_get_memory_stats = qemu_node_get_memory_stats,
    .node_get_cpu_map = qemu_node_get_cpu_map,
    .connect_get_cpu_model_names = qemu_connect_get_cpu_model_names,
    .connect_baseline_cpu = qemu_connect_baseline_cpu,
};

const struct driver qemu_driver = {
    .name = "QEMU",
    .open = qemu_open,
    .close = qemu_close,
    .set_event_sink = qemu_set_event_sink,
    .events_wanted = qemu_events_wanted,
    .host = &qemu_host_ops,
    .domain = &qemu_domain_ops,
    .storage = &qemu_storage_ops,
};

int qemu_autostart_claim(struct drv_conn *c)
{
    /* Real libvirt's marker: RUN/autostarted, which a reboot clears with
     * the rest of /run, so a daemon restarted later does not start again
     * what a user has stopped since. */
    char *path = NULL;
    if (asprintf(&path, "%s/autostarted", c->q.run_dir) < 0) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int saved = errno;
    free(path);
    if (fd >= 0) {
        close(fd);
        return 1;
    }
    if (saved == EEXIST)
        return 0;
    error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot create the autostart marker in '%s': %s",
                 c->q.run_dir, strerror(saved));
    return -1;
}

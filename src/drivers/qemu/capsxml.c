/* capsxml: the capabilities and domain capabilities documents, as
 * libvirt 9.0's QEMU driver writes them (virCapabilitiesFormatXML and
 * virDomainCapsFormat over what virQEMUCapsInit* and
 * virQEMUCapsFillDomainCaps fill in), from the probed emulators
 * (caps.h), the node (host.h) and libvirt's CPU map (cpumap.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "cpumap.h"
#include "error.h"
#include "host.h"

/* XML text and attribute escaping into a static buffer (one use at a
 * time per call of host_buf_printf). */
static const char *esc(const char *s, char *buf, size_t len)
{
    size_t o = 0;

    for (; s && *s && o + 7 < len; s++) {
        const char *r = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;"
                      : *s == '\'' ? "&apos;" : *s == '"' ? "&quot;" : NULL;
        if (r) {
            size_t n = strlen(r);
            memcpy(buf + o, r, n);
            o += n;
        } else {
            buf[o++] = *s;
        }
    }
    buf[o] = '\0';
    return buf;
}

/* ---- the host CPU ---- */

static int kvm_fd(void)
{
    return open("/dev/kvm", O_RDWR | O_CLOEXEC);
}

/* virHostCPUGetTscInfo: the TSC's frequency of a KVM vCPU and whether KVM
 * scales it. 0, or -1 when KVM cannot tell. */
static int tsc_info(unsigned long long *hz, bool *scaling)
{
    int kfd = kvm_fd(), vm = -1, vcpu = -1, r = -1;

    if (kfd < 0)
        return -1;
    if ((vm = ioctl(kfd, KVM_CREATE_VM, 0)) < 0)
        goto out;
    if ((vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0)
        goto out;
    int khz = ioctl(vcpu, KVM_GET_TSC_KHZ);
    if (khz < 0)
        goto out;
    *hz = (unsigned long long)khz * 1000ULL;
    int sc = ioctl(kfd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_CONTROL);
    if (sc < 0)
        goto out;
    *scaling = sc > 0;
    r = 0;
out:
    if (vcpu >= 0)
        close(vcpu);
    if (vm >= 0)
        close(vm);
    close(kfd);
    return r;
}

int qemu_kvm_max_vcpus(void)
{
    int fd = kvm_fd(), r;

    if (fd < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "Unable to open /dev/kvm: %s", strerror(errno));
        return -1;
    }
    r = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
    if (r <= 0)
        r = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
    close(fd);
    return r > 0 ? r : 4;
}

static void format_host_cpu(struct host_buf *b, const struct host_info *info)
{
    const struct x86_map *m = cpumap_x86();
    struct x86_data d = {0};
    struct cpumap_cpu cpu = {0};
    const char *arch = host_arch();
    bool x86 = strcmp(arch, "x86_64") == 0 || strcmp(arch, "i686") == 0;
    bool decoded = x86 && m && cpumap_host_data(m, &d) == 0 &&
                   cpumap_decode(m, &d, true, NULL, 0, &cpu) == 0;
    char e[256];

    host_buf_printf(b, "    <cpu>\n      <arch>%s</arch>\n", arch);
    if (decoded) {
        host_buf_printf(b, "      <model>%s</model>\n", esc(cpu.model, e, sizeof(e)));
        if (cpu.vendor)
            host_buf_printf(b, "      <vendor>%s</vendor>\n", cpu.vendor);
        unsigned long long mc = host_microcode();
        if (mc)
            host_buf_printf(b, "      <microcode version='%llu'/>\n", mc);
        host_buf_printf(b, "      <signature family='%u' model='%u' stepping='%u'/>\n",
                        cpu.family, cpu.model_num, cpu.stepping);
        unsigned long long hz;
        bool scaling;
        if (cpumap_data_has_feature(m, &d, "invtsc") && tsc_info(&hz, &scaling) == 0)
            host_buf_printf(b, "      <counter name='tsc' frequency='%llu' scaling='%s'/>\n", hz,
                            scaling ? "yes" : "no");
    }
    host_buf_printf(b, "      <topology sockets='%u' dies='1' cores='%u' threads='%u'/>\n",
                    info->sockets, info->cores, info->threads);
    if (decoded && cpumap_phys_bits(&d))
        host_buf_printf(b, "      <maxphysaddr mode='emulate' bits='%u'/>\n",
                        cpumap_phys_bits(&d));
    for (size_t i = 0; decoded && i < cpu.nfeatures; i++)
        host_buf_printf(b, "      <feature name='%s'/>\n", cpu.features[i]);
    host_format_page_sizes(b, "      ");
    host_buf_printf(b, "    </cpu>\n");
    cpumap_cpu_clear(&cpu);
    cpumap_data_clear(&d);
}

/* ---- capabilities ---- */

/* An executable on the PATH, or NULL. */
static char *which(const char *name)
{
    const char *path = getenv("PATH");
    char *copy = strdup(path && *path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    char *save = NULL, *found = NULL;

    for (char *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        char *cand;
        if (asprintf(&cand, "%s/%s", dir, name) < 0)
            break;
        if (access(cand, X_OK) == 0)
            found = cand;
        else
            free(cand);
    }
    free(copy);
    return found;
}

/* Runs argv with no input or output; its exit status, or -1. */
static int run_quiet(char *const argv[])
{
    pid_t pid = fork();
    int st;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* virNodeSuspendGetTargetMask: what pm-is-supported says (nothing
 * without it). */
static void format_power(struct host_buf *b)
{
    static const char *const opt[] = {"--suspend", "--hibernate", "--suspend-hybrid"};
    static const char *const tag[] = {"suspend_mem", "suspend_disk", "suspend_hybrid"};
    char *pm = which("pm-is-supported");
    int ok[3] = {0}, any = 0;

    for (int i = 0; pm && i < 3; i++) {
        char *argv[] = {pm, (char *)opt[i], NULL};
        ok[i] = run_quiet(argv) == 0;
        any |= ok[i];
    }
    free(pm);
    if (!any) {
        host_buf_printf(b, "    <power_management/>\n");
        return;
    }
    host_buf_printf(b, "    <power_management>\n");
    for (int i = 0; i < 3; i++)
        if (ok[i])
            host_buf_printf(b, "      <%s/>\n", tag[i]);
    host_buf_printf(b, "    </power_management>\n");
}

static void format_guest(struct host_buf *b, const struct qemu_caps *c)
{
    bool i686 = strcmp(c->arch, "i686") == 0;
    char e[4096], e2[512];

    host_buf_printf(b, "  <guest>\n    <os_type>hvm</os_type>\n    <arch name='%s'>\n", c->arch);
    host_buf_printf(b, "      <wordsize>%d</wordsize>\n", i686 ? 32 : 64);
    host_buf_printf(b, "      <emulator>%s</emulator>\n", esc(c->emulator, e, sizeof(e)));
    for (size_t i = 0; i < c->nmachines; i++) {
        const struct qemu_machine *m = &c->machines[i];
        char maxcpus[64] = "";
        if (m->max_cpus > 0)
            snprintf(maxcpus, sizeof(maxcpus), " maxCpus='%d'", m->max_cpus);
        const char *dep = m->deprecated ? " deprecated='yes'" : "";
        host_buf_printf(b, "      <machine%s%s>%s</machine>\n", maxcpus, dep,
                        esc(m->name, e2, sizeof(e2)));
        if (m->alias) {
            host_buf_printf(b, "      <machine canonical='%s'%s%s>", esc(m->name, e2, sizeof(e2)),
                            maxcpus, dep);
            host_buf_printf(b, "%s</machine>\n", esc(m->alias, e2, sizeof(e2)));
        }
    }
    host_buf_printf(b, "      <domain type='qemu'/>\n");
    if (c->kvm)
        host_buf_printf(b, "      <domain type='kvm'/>\n");
    host_buf_printf(b, "    </arch>\n    <features>\n");
    if (i686)
        host_buf_printf(b, "      <pae/>\n      <nonpae/>\n");
    host_buf_printf(b, "      <acpi default='on' toggle='yes'/>\n"
                       "      <apic default='on' toggle='no'/>\n"
                       "      <cpuselection/>\n"
                       "      <deviceboot/>\n"
                       "      <disksnapshot default='on' toggle='no'/>\n"
                       "    </features>\n  </guest>\n\n");
}

char *qemu_caps_format_capabilities(const struct qemu_caps_set *set, const char *uuid)
{
    struct host_buf b = {0};
    struct host_info info;

    if (host_get_info(&info) < 0)
        return NULL;
    host_buf_printf(&b, "<capabilities>\n\n  <host>\n    <uuid>%s</uuid>\n", uuid);
    format_host_cpu(&b, &info);
    format_power(&b);
    host_buf_printf(&b, "    <iommu support='%s'/>\n", host_has_iommu() ? "yes" : "no");
    host_buf_printf(&b, "    <migration_features>\n      <live/>\n      <uri_transports>\n"
                        "        <uri_transport>tcp</uri_transport>\n"
                        "        <uri_transport>rdma</uri_transport>\n"
                        "      </uri_transports>\n    </migration_features>\n");
    host_format_topology(&b);
    host_format_cache(&b);
    /* security_driver = "none" and the DAC driver, QEMU running as the
     * daemon's user (qemu.conf user = group = the daemon's) */
    host_buf_printf(&b,
                    "    <secmodel>\n      <model>none</model>\n      <doi>0</doi>\n"
                    "    </secmodel>\n    <secmodel>\n      <model>dac</model>\n"
                    "      <doi>0</doi>\n"
                    "      <baselabel type='kvm'>+%u:+%u</baselabel>\n"
                    "      <baselabel type='qemu'>+%u:+%u</baselabel>\n"
                    "    </secmodel>\n  </host>\n\n",
                    (unsigned)geteuid(), (unsigned)getegid(), (unsigned)geteuid(),
                    (unsigned)getegid());
    for (size_t i = 0; set && i < set->n; i++)
        format_guest(&b, set->caps[i]);
    host_buf_printf(&b, "</capabilities>\n");
    return host_buf_take(&b);
}

/* ---- domain capabilities ---- */

static bool is_i440fx(const char *m)
{
    return strcmp(m, "pc") == 0 || strncmp(m, "pc-i440fx-", 10) == 0 ||
           (strncmp(m, "pc-", 3) == 0 && m[3] >= '0' && m[3] <= '9');
}

struct enum_list {
    const char *name;
    const char *values[16];
};

/* <enum name='N'> with the values set, or <enum name='N'/>. */
static void format_enum(struct host_buf *b, const char *indent, const char *name,
                        const char *const *values, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += values[i] != NULL;
    if (!k) {
        host_buf_printf(b, "%s<enum name='%s'/>\n", indent, name);
        return;
    }
    host_buf_printf(b, "%s<enum name='%s'>\n", indent, name);
    for (size_t i = 0; i < n; i++)
        if (values[i])
            host_buf_printf(b, "%s  <value>%s</value>\n", indent, values[i]);
    host_buf_printf(b, "%s</enum>\n", indent);
}

#define ENUM(b, indent, name, ...)                                                             \
    do {                                                                                       \
        const char *const v_[] = {__VA_ARGS__};                                                \
        format_enum(b, indent, name, v_, sizeof(v_) / sizeof(v_[0]));                          \
    } while (0)

#define IF(flag, s) (qemu_caps_has(c, flag) ? (s) : NULL)

static void format_host_model(struct host_buf *b, const struct qemu_caps *c, bool kvm)
{
    const struct qemu_accel *a = &c->accel[kvm ? QEMU_ACCEL_KVM : QEMU_ACCEL_TCG];
    const struct x86_map *m = cpumap_x86();
    struct x86_data d = {0};
    struct cpumap_cpu cpu = {0};
    struct cpumap_hv_model *hv = NULL;
    long long fam = 0, mod = 0, step = 0;
    bool ok = false;
    /* libvirt asks for max-x86_64-cpu's unavailable-features (and
     * migratable) whatever the binary: qemu-system-i386 has neither, and
     * without the first libvirt drops the MSR features from host-model */
    bool drop_msr = !qemu_caps_has(c, QEMU_FLAG_CPU_UNAVAILABLE_FEATURES);

    if (!m || !a->probed || !a->nhost_props)
        goto out;
    for (size_t i = 0; i < a->nhost_props; i++) {
        const struct qemu_cpu_prop *p = &a->host_props[i];
        const char *name = cpumap_feature_from_qemu(m, p->name);
        if (p->type == QEMU_PROP_BOOL && p->b && cpumap_data_add_feature(m, &d, name) < 0)
            goto out;
        if (p->type == QEMU_PROP_STRING && strcmp(name, "vendor") == 0)
            cpumap_data_set_vendor(&d, p->s);
        if (p->type == QEMU_PROP_NUMBER) {
            if (strcmp(name, "family") == 0)
                fam = p->n;
            else if (strcmp(name, "model") == 0)
                mod = p->n;
            else if (strcmp(name, "stepping") == 0)
                step = p->n;
        }
    }
    if (cpumap_data_set_signature(&d, (unsigned)fam, (unsigned)mod, (unsigned)step) < 0)
        goto out;
    /* the hypervisor's models, their blockers in libvirt's names */
    if (!(hv = calloc(a->ncpus + 1, sizeof(*hv))))
        goto out;
    for (size_t i = 0; i < a->ncpus; i++) {
        hv[i].name = a->cpus[i].name;
        hv[i].nblockers = a->cpus[i].nblockers;
        if (a->cpus[i].nblockers) {
            const char **bl = calloc(a->cpus[i].nblockers, sizeof(char *));
            if (!bl)
                goto out;
            for (size_t k = 0; k < a->cpus[i].nblockers; k++)
                bl[k] = cpumap_feature_from_qemu(m, a->cpus[i].blockers[k]);
            hv[i].blockers = bl;
        }
    }
    ok = cpumap_decode(m, &d, false, hv, a->ncpus, &cpu) == 0;
out:
    if (!ok) {
        host_buf_printf(b, "    <mode name='host-model' supported='no'/>\n");
    } else {
        host_buf_printf(b, "    <mode name='host-model' supported='yes'>\n");
        host_buf_printf(b, "      <model fallback='forbid'>%s</model>\n", cpu.model);
        if (cpu.vendor)
            host_buf_printf(b, "      <vendor>%s</vendor>\n", cpu.vendor);
        for (size_t i = 0; i < cpu.nfeatures; i++)
            if (!drop_msr || !cpumap_feature_is_msr(m, cpu.features[i]))
            host_buf_printf(b, "      <feature policy='%s' name='%s'/>\n",
                            cpu.policy[i] == CPUMAP_DISABLE ? "disable" : "require",
                            cpu.features[i]);
        host_buf_printf(b, "    </mode>\n");
    }
    for (size_t i = 0; hv && i < a->ncpus; i++)
        free((void *)hv[i].blockers);
    free(hv);
    cpumap_cpu_clear(&cpu);
    cpumap_data_clear(&d);
}

static void format_custom(struct host_buf *b, const struct qemu_caps *c, bool kvm)
{
    const struct qemu_accel *a = &c->accel[kvm ? QEMU_ACCEL_KVM : QEMU_ACCEL_TCG];
    const struct x86_map *m = cpumap_x86();
    size_t n = 0;

    for (size_t i = 0; i < a->ncpus; i++) {
        bool known;
        cpumap_model_vendor(m, a->cpus[i].name, &known);
        n += known || !m;
    }
    if (!n) {
        host_buf_printf(b, "    <mode name='custom' supported='no'/>\n");
        return;
    }
    host_buf_printf(b, "    <mode name='custom' supported='yes'>\n");
    for (size_t i = 0; i < a->ncpus; i++) {
        bool known;
        const char *vendor = cpumap_model_vendor(m, a->cpus[i].name, &known);
        if (m && !known)
            continue;
        host_buf_printf(b, "      <model usable='%s' vendor='%s'>%s</model>\n",
                        a->cpus[i].usable ? "yes" : "no", vendor ? vendor : "unknown",
                        a->cpus[i].name);
    }
    host_buf_printf(b, "    </mode>\n");
}

char *qemu_caps_format_domcaps(const struct qemu_caps *c, bool kvm, const char *machine)
{
    struct host_buf b = {0};
    const struct qemu_machine *mach = qemu_caps_machine(c, machine);
    int maxcpus = mach ? mach->max_cpus : 0;
    char e[4096];

    if (kvm) {
        int host = qemu_kvm_max_vcpus();
        if (host < 0)
            return NULL;
        if (host < maxcpus)
            maxcpus = host;
    }
    host_buf_printf(&b, "<domainCapabilities>\n  <path>%s</path>\n",
                    esc(c->emulator, e, sizeof(e)));
    host_buf_printf(&b, "  <domain>%s</domain>\n", kvm ? "kvm" : "qemu");
    host_buf_printf(&b, "  <machine>%s</machine>\n", esc(machine, e, sizeof(e)));
    host_buf_printf(&b, "  <arch>%s</arch>\n", c->arch);
    host_buf_printf(&b, "  <vcpu max='%d'/>\n", maxcpus);
    host_buf_printf(&b, "  <iothreads supported='%s'/>\n",
                    qemu_caps_has(c, QEMU_FLAG_IOTHREAD) ? "yes" : "no");

    /* the firmware: no descriptors of it are read (none for BIOS guests) */
    host_buf_printf(&b, "  <os supported='yes'>\n    <enum name='firmware'/>\n"
                        "    <loader supported='yes'>\n");
    ENUM(&b, "      ", "type", "rom", "pflash");
    ENUM(&b, "      ", "readonly", "yes", "no");
    /* secure boot needs SMM firmware, of which no descriptor is read */
    ENUM(&b, "      ", "secure", "no");
    host_buf_printf(&b, "    </loader>\n  </os>\n");

    host_buf_printf(&b, "  <cpu>\n");
    bool migratable = qemu_caps_has(c, QEMU_FLAG_CPU_MIGRATABLE);
    if (kvm) {
        host_buf_printf(&b, "    <mode name='host-passthrough' supported='yes'>\n");
        ENUM(&b, "      ", "hostPassthroughMigratable", migratable ? "on" : NULL, "off");
        host_buf_printf(&b, "    </mode>\n");
    } else {
        host_buf_printf(&b, "    <mode name='host-passthrough' supported='no'/>\n");
    }
    host_buf_printf(&b, "    <mode name='maximum' supported='yes'>\n");
    ENUM(&b, "      ", "maximumMigratable", "on", "off");
    host_buf_printf(&b, "    </mode>\n");
    format_host_model(&b, c, kvm);
    format_custom(&b, c, kvm);
    host_buf_printf(&b, "  </cpu>\n");

    host_buf_printf(&b, "  <memoryBacking supported='yes'>\n");
    ENUM(&b, "    ", "sourceType", IF(QEMU_FLAG_MEMORY_FILE, "file"), "anonymous",
         IF(QEMU_FLAG_MEMORY_MEMFD, "memfd"));
    host_buf_printf(&b, "  </memoryBacking>\n  <devices>\n");

    bool transitional = qemu_caps_has(c, QEMU_FLAG_VIRTIO_TRANSITIONAL);
    host_buf_printf(&b, "    <disk supported='yes'>\n");
    ENUM(&b, "      ", "diskDevice", "disk", "cdrom", "floppy", "lun");
    bool ide = is_i440fx(machine);
    ENUM(&b, "      ", "bus", ide ? "ide" : NULL, "fdc", "scsi", "virtio",
         IF(QEMU_FLAG_USB_STORAGE, "usb"), IF(QEMU_FLAG_ICH9_AHCI, "sata"));
    ENUM(&b, "      ", "model", "virtio", transitional ? "virtio-transitional" : NULL,
         transitional ? "virtio-non-transitional" : NULL);
    host_buf_printf(&b, "    </disk>\n");

    host_buf_printf(&b, "    <graphics supported='yes'>\n");
    ENUM(&b, "      ", "type", IF(QEMU_FLAG_SDL, "sdl"), IF(QEMU_FLAG_VNC, "vnc"),
         IF(QEMU_FLAG_SPICE, "spice"), IF(QEMU_FLAG_EGL_HEADLESS, "egl-headless"),
         IF(QEMU_FLAG_DBUS, "dbus"));
    host_buf_printf(&b, "    </graphics>\n");

    host_buf_printf(&b, "    <video supported='yes'>\n");
    ENUM(&b, "      ", "modelType", IF(QEMU_FLAG_VGA, "vga"), IF(QEMU_FLAG_CIRRUS, "cirrus"),
         IF(QEMU_FLAG_VMVGA, "vmvga"), IF(QEMU_FLAG_QXL, "qxl"),
         IF(QEMU_FLAG_VIRTIO_GPU, "virtio"), "none", IF(QEMU_FLAG_BOCHS, "bochs"),
         IF(QEMU_FLAG_RAMFB, "ramfb"));
    host_buf_printf(&b, "    </video>\n");

    bool vfio = host_has_iommu() && access("/dev/vfio/vfio", F_OK) == 0;
    host_buf_printf(&b, "    <hostdev supported='yes'>\n");
    ENUM(&b, "      ", "mode", "subsystem");
    ENUM(&b, "      ", "startupPolicy", "default", "mandatory", "requisite", "optional");
    ENUM(&b, "      ", "subsysType", "usb", "pci", IF(QEMU_FLAG_SCSI_GENERIC, "scsi"));
    ENUM(&b, "      ", "capsType", NULL);
    ENUM(&b, "      ", "pciBackend", vfio ? "vfio" : NULL);
    host_buf_printf(&b, "    </hostdev>\n");

    host_buf_printf(&b, "    <rng supported='yes'>\n");
    ENUM(&b, "      ", "model", "virtio", transitional ? "virtio-transitional" : NULL,
         transitional ? "virtio-non-transitional" : NULL);
    ENUM(&b, "      ", "backendModel", IF(QEMU_FLAG_RNG_RANDOM, "random"),
         IF(QEMU_FLAG_RNG_EGD, "egd"), IF(QEMU_FLAG_RNG_BUILTIN, "builtin"));
    host_buf_printf(&b, "    </rng>\n");

    host_buf_printf(&b, "    <filesystem supported='yes'>\n");
    ENUM(&b, "      ", "driverType", "path", "handle", IF(QEMU_FLAG_VHOST_USER_FS, "virtiofs"));
    host_buf_printf(&b, "    </filesystem>\n");

    /* the TPM emulator backend needs swtpm (libvirt's virTPMHasSwtpm) */
    char *swtpm = which("swtpm"), *setup = which("swtpm_setup"), *ioctl_ = which("swtpm_ioctl");
    bool has_swtpm = swtpm && setup && ioctl_;
    free(swtpm);
    free(setup);
    free(ioctl_);
    const char *tpm_models[] = {IF(QEMU_FLAG_TPM_TIS, "tpm-tis"), IF(QEMU_FLAG_TPM_CRB, "tpm-crb")};
    const char *tpm_backends[] = {IF(QEMU_FLAG_TPM_PASSTHROUGH, "passthrough"),
                                  has_swtpm ? IF(QEMU_FLAG_TPM_EMULATOR, "emulator") : NULL};
    if (tpm_models[0] || tpm_models[1]) {
        host_buf_printf(&b, "    <tpm supported='yes'>\n");
        format_enum(&b, "      ", "model", tpm_models, 2);
        format_enum(&b, "      ", "backendModel", tpm_backends, 2);
        host_buf_printf(&b, "    </tpm>\n");
    } else {
        host_buf_printf(&b, "    <tpm supported='no'/>\n");
    }

    if (qemu_caps_has(c, QEMU_FLAG_USB_REDIR)) {
        host_buf_printf(&b, "    <redirdev supported='yes'>\n");
        ENUM(&b, "      ", "bus", "usb");
        host_buf_printf(&b, "    </redirdev>\n");
    } else {
        host_buf_printf(&b, "    <redirdev supported='no'/>\n");
    }
    host_buf_printf(&b, "    <channel supported='yes'>\n");
    ENUM(&b, "      ", "type", "pty", "unix", IF(QEMU_FLAG_SPICEVMC, "spicevmc"));
    host_buf_printf(&b, "    </channel>\n  </devices>\n");

    host_buf_printf(&b, "  <features>\n    <gic supported='no'/>\n");
    host_buf_printf(&b, "    <vmcoreinfo supported='%s'/>\n",
                    qemu_caps_has(c, QEMU_FLAG_VMCOREINFO) ? "yes" : "no");
    host_buf_printf(&b, "    <genid supported='%s'/>\n",
                    qemu_caps_has(c, QEMU_FLAG_VMGENID) ? "yes" : "no");
    host_buf_printf(&b, "    <backingStoreInput supported='yes'/>\n"
                        "    <backup supported='yes'/>\n");
    /* SEV and SGX hosts would need their parameters here; a host without
     * them (or without KVM) says no */
    host_buf_printf(&b, "    <sev supported='no'/>\n    <sgx supported='no'/>\n");
    if (c->hyperv_probed) {
        const char *hv[QEMU_HV_COUNT];
        for (int i = 0; i < QEMU_HV_COUNT; i++)
            hv[i] = c->hyperv & (1u << i) ? qemu_hyperv_names[i] : NULL;
        host_buf_printf(&b, "    <hyperv supported='yes'>\n");
        format_enum(&b, "      ", "features", hv, QEMU_HV_COUNT);
        host_buf_printf(&b, "    </hyperv>\n");
    }
    host_buf_printf(&b, "  </features>\n</domainCapabilities>\n");
    return host_buf_take(&b);
}

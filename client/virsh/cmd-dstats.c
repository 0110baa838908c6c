/* Domain statistics and tuning commands: vcpuinfo, vcpupin,
 * emulatorpin, iothreadinfo/add/del/pin/set, domblkstat, domifstat,
 * domblkinfo, domblkerror, schedinfo, memtune, blkiotune, numatune, perf,
 * blkdeviotune, cpu-stats,
 * domstats and dommemstat; the host's node-memory-tune.
 * Wording and layout are real virsh 9.0's. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "vsh.h"

#define OPT_DOMAIN                                                                             \
    {                                                                                          \
        "domain", VSH_OT_DATA, VSH_OFLAG_REQ                                                   \
    }
#define OPT_LCC                                                                                \
    {"config", VSH_OT_BOOL, 0}, {"live", VSH_OT_BOOL, 0},                                      \
    {                                                                                          \
        "current", VSH_OT_BOOL, 0                                                              \
    }
#define OPT_END                                                                                \
    {                                                                                          \
        NULL, 0, 0                                                                             \
    }

static bool exclusive(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *a,
                      const char *b)
{
    if (vsh_opt_bool(cmd, a) && vsh_opt_bool(cmd, b)) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", a, b);
        return false;
    }
    return true;
}

/* --config/--live/--current into VIR_DOMAIN_AFFECT_* (-1: none given when
 * none_is_minus_one); false when --current is mixed with another. */
static bool affect_flags(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, int *flags,
                         bool none_is_minus_one)
{
    bool config = vsh_opt_bool(cmd, "config"), live = vsh_opt_bool(cmd, "live");
    bool current = vsh_opt_bool(cmd, "current");

    if (!exclusive(ctl, cmd, "current", "live") || !exclusive(ctl, cmd, "current", "config"))
        return false;
    *flags = none_is_minus_one && !config && !live && !current ? -1 : 0;
    if (config)
        *flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (live)
        *flags |= VIR_DOMAIN_AFFECT_LIVE;
    return true;
}

/* The host's CPU count as virsh asks it (virNodeGetCPUMap). */
static int node_cpu_count(struct vsh_ctl *ctl)
{
    int n = virNodeGetCPUMap(ctl->conn, NULL, NULL, 0);
    if (n < 0)
        vsh_error(ctl, "%s", "Unable to get cpu map");
    return n;
}

/* libvirt's bitmap text of a cpumap: "0-3,5". Malloc'd. */
static char *map_format(const unsigned char *map, int nbits)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    int first = 1;

    if (!f)
        return NULL;
    for (int i = 0; i < nbits; i++) {
        if (!(map[i / 8] & (1 << (i % 8))))
            continue;
        int j = i;
        while (j + 1 < nbits && (map[(j + 1) / 8] & (1 << ((j + 1) % 8))))
            j++;
        if (j > i)
            fprintf(f, "%s%d-%d", first ? "" : ",", i, j);
        else
            fprintf(f, "%s%d", first ? "" : ",", i);
        first = 0;
        i = j;
    }
    fclose(f);
    return buf;
}

/* virsh's CPU list: "r" for every CPU, else libvirt's "0-3,^2,5"; a map
 * of maplen bytes (malloc'd), NULL with virsh's error printed. */
static unsigned char *parse_cpulist(struct vsh_ctl *ctl, const char *list, int maxcpu,
                                    int *maplen)
{
    enum { MAX = 1024 };
    unsigned char bits[MAX] = {0};
    const char *p = list;
    int last = -1;

    *maplen = (maxcpu + 7) / 8;
    unsigned char *map = calloc((size_t)*maplen ? (size_t)*maplen : 1, 1);
    if (!map)
        return NULL;
    if (list[0] == 'r') {
        for (int i = 0; i < maxcpu; i++)
            map[i / 8] |= (unsigned char)(1 << (i % 8));
        return map;
    }
    while (*p) {
        int neg = 0;
        char *end;
        if (*p == '^') {
            neg = 1;
            p++;
        }
        if (*p < '0' || *p > '9')
            goto bad;
        long a = strtol(p, &end, 10), b = a;
        if (a >= MAX)
            goto bad;
        p = end;
        if (*p == '-' && !neg) {
            p++;
            if (*p < '0' || *p > '9')
                goto bad;
            b = strtol(p, &end, 10);
            if (b >= MAX || b < a)
                goto bad;
            p = end;
        }
        for (long i = a; i <= b; i++)
            bits[i] = (unsigned char)!neg;
        if (*p == ',') {
            p++;
            if (!*p)
                goto bad;
        } else if (*p) {
            goto bad;
        }
    }
    for (int i = 0; i < MAX; i++)
        if (bits[i])
            last = i;
    if (last < 0)
        goto bad;
    if (last >= maxcpu) {
        vsh_error(ctl, "CPU %d in cpulist '%s' exceed the maxcpu %d", last, list, maxcpu);
        free(map);
        return NULL;
    }
    for (int i = 0; i <= last; i++)
        if (bits[i])
            map[i / 8] |= (unsigned char)(1 << (i % 8));
    return map;
bad:
    vsh_error(ctl, "Invalid cpulist '%s'", list);
    free(map);
    return NULL;
}

/* A typed parameter's value as virsh prints it. */
static void param_value(const virTypedParameter *p, char *buf, size_t len)
{
    switch (p->type) {
    case VIR_TYPED_PARAM_INT:
        snprintf(buf, len, "%d", p->value.i);
        break;
    case VIR_TYPED_PARAM_UINT:
        snprintf(buf, len, "%u", p->value.ui);
        break;
    case VIR_TYPED_PARAM_LLONG:
        snprintf(buf, len, "%lld", p->value.l);
        break;
    case VIR_TYPED_PARAM_ULLONG:
        snprintf(buf, len, "%llu", p->value.ul);
        break;
    case VIR_TYPED_PARAM_DOUBLE:
        snprintf(buf, len, "%f", p->value.d);
        break;
    case VIR_TYPED_PARAM_BOOLEAN:
        snprintf(buf, len, "%s", p->value.b ? "yes" : "no");
        break;
    case VIR_TYPED_PARAM_STRING:
        snprintf(buf, len, "%s", p->value.s ? p->value.s : "");
        break;
    default:
        snprintf(buf, len, "unimplemented parameter type %d", p->type);
    }
}

/* ---- vcpuinfo, vcpupin, emulatorpin ---- */

static const struct vsh_opt_def opts_vcpuinfo[] = {
    OPT_DOMAIN,
    {"pretty", VSH_OT_BOOL, 0},
    OPT_END,
};

static void print_affinity(struct vsh_ctl *ctl, const unsigned char *map, int maxcpu,
                           bool pretty)
{
    vsh_print(ctl, "%-15s ", "CPU Affinity:");
    if (pretty) {
        char *s = map_format(map, maxcpu);
        vsh_print(ctl, "%s (out of %d)", s ? s : "", maxcpu);
        free(s);
    } else {
        for (int i = 0; i < maxcpu; i++)
            vsh_print(ctl, "%c", VIR_CPU_USED(map, i) ? 'y' : '-');
    }
    vsh_print(ctl, "\n");
}

static const char *vcpu_state(int s)
{
    switch (s) {
    case VIR_VCPU_OFFLINE:
        return "offline";
    case VIR_VCPU_BLOCKED:
        return "blocked";
    case VIR_VCPU_RUNNING:
        return "running";
    default:
        return "no state";
    }
}

static bool cmd_vcpuinfo(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool pretty = vsh_opt_bool(cmd, "pretty"), ok = false;
    virDomainInfo info;
    virVcpuInfoPtr vinfo = NULL;
    unsigned char *maps = NULL;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    int maxcpu, maplen, n;

    if (!dom)
        return false;
    if (virDomainGetInfo(dom, &info) != 0 || (maxcpu = node_cpu_count(ctl)) < 0)
        goto out;
    maplen = VIR_CPU_MAPLEN(maxcpu);
    vinfo = calloc(info.nrVirtCpu ? info.nrVirtCpu : 1, sizeof(*vinfo));
    maps = calloc((size_t)(info.nrVirtCpu ? info.nrVirtCpu : 1) * (size_t)maplen, 1);
    if (!vinfo || !maps)
        goto out;
    n = virDomainGetVcpus(dom, vinfo, (int)info.nrVirtCpu, maps, maplen);
    if (n < 0) {
        if (info.state != VIR_DOMAIN_SHUTOFF)
            goto out;
        vsh_reset_libvirt_error(ctl);
        free(vinfo);
        vinfo = NULL;
        n = virDomainGetVcpuPinInfo(dom, (int)info.nrVirtCpu, maps, maplen,
                                    VIR_DOMAIN_AFFECT_CONFIG);
        if (n < 0)
            goto out;
    }
    for (int i = 0; i < n; i++) {
        vsh_print(ctl, "%-15s %d\n", "VCPU:", i);
        if (vinfo) {
            vsh_print(ctl, "%-15s %d\n", "CPU:", vinfo[i].cpu);
            vsh_print(ctl, "%-15s %s\n", "State:", vcpu_state(vinfo[i].state));
            if (vinfo[i].cpuTime != 0)
                vsh_print(ctl, "%-15s %.1lfs\n",
                          "CPU time:", (double)vinfo[i].cpuTime / 1000000000.0);
        } else {
            vsh_print(ctl, "%-15s %s\n", "CPU:", "N/A");
            vsh_print(ctl, "%-15s %s\n", "State:", "N/A");
            vsh_print(ctl, "%-15s %s\n", "CPU time", "N/A");
        }
        print_affinity(ctl, VIR_GET_CPUMAP(maps, maplen, i), maxcpu, pretty);
        if (i < n - 1)
            vsh_print(ctl, "\n");
    }
    ok = true;
out:
    free(vinfo);
    free(maps);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_vcpupin[] = {
    OPT_DOMAIN, {"vcpu", VSH_OT_INT, 0}, {"cpulist", VSH_OT_STRING, 0}, OPT_LCC, OPT_END,
};

static bool cmd_vcpupin(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *cpulist = vsh_opt_string(cmd, "cpulist");
    int flags, vcpu = -1, maxcpu, maplen, got_vcpu;
    bool ok = false;
    unsigned char *map = NULL;

    if (!affect_flags(ctl, cmd, &flags, true))
        return false;
    got_vcpu = vsh_opt_int(ctl, cmd, "vcpu", &vcpu);
    if (got_vcpu < 0)
        return false;
    if (got_vcpu > 0 && vcpu < 0) {
        vsh_error(ctl, "Numeric value '%s' for <vcpu> option is malformed or out of range",
                  vsh_opt_string(cmd, "vcpu"));
        return false;
    }
    /* virsh wants a vCPU with a CPU list */
    if (cpulist && got_vcpu == 0) {
        vsh_error(ctl, "%s", "vcpupin: Missing vCPU number in pin mode.");
        return false;
    }
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if ((maxcpu = node_cpu_count(ctl)) < 0)
        goto out;
    maplen = VIR_CPU_MAPLEN(maxcpu);
    if (!cpulist) {
        unsigned int qflags = flags < 0 ? 0 : (unsigned int)flags;
        int ncpus = virDomainGetVcpusFlags(dom, qflags | VIR_DOMAIN_VCPU_MAXIMUM);
        if (ncpus < 0)
            goto out;
        if (got_vcpu && vcpu >= ncpus) {
            if ((qflags & VIR_DOMAIN_AFFECT_LIVE) ||
                (!(qflags & VIR_DOMAIN_AFFECT_CONFIG) && virDomainIsActive(dom) == 1))
                vsh_error(ctl, "vcpu %d is out of range of live cpu count %d", vcpu, ncpus);
            else
                vsh_error(ctl, "vcpu %d is out of range of persistent cpu count %d", vcpu,
                          ncpus);
            goto out;
        }
        map = calloc((size_t)ncpus * (size_t)maplen, 1);
        if (!map)
            goto out;
        int n = virDomainGetVcpuPinInfo(dom, ncpus, map, maplen, qflags);
        if (n < 0)
            goto out;
        struct vsh_table *t = vsh_table_new("VCPU", "CPU Affinity", NULL);
        for (int i = 0; i < ncpus; i++) {
            if (got_vcpu && i != vcpu)
                continue;
            char num[16], *s = map_format(VIR_GET_CPUMAP(map, maplen, i), maxcpu);
            snprintf(num, sizeof(num), "%d", i);
            vsh_table_row(t, num, s ? s : "", NULL);
            free(s);
        }
        vsh_table_print(ctl, t);
        vsh_table_free(t);
        ok = true;
        goto out;
    }
    if (!(map = parse_cpulist(ctl, cpulist, maxcpu, &maplen)))
        goto out;
    if (flags == -1)
        ok = virDomainPinVcpu(dom, (unsigned int)vcpu, map, maplen) == 0;
    else
        ok = virDomainPinVcpuFlags(dom, (unsigned int)vcpu, map, maplen, (unsigned int)flags) ==
             0;
out:
    free(map);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_emulatorpin[] = {
    OPT_DOMAIN,
    {"cpulist", VSH_OT_STRING, 0},
    OPT_LCC,
    OPT_END,
};

static bool cmd_emulatorpin(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *cpulist = vsh_opt_string(cmd, "cpulist");
    int flags, maxcpu, maplen;
    bool ok = false;
    unsigned char *map = NULL;

    if (!affect_flags(ctl, cmd, &flags, false))
        return false;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if ((maxcpu = node_cpu_count(ctl)) < 0)
        goto out;
    maplen = VIR_CPU_MAPLEN(maxcpu);
    if (!cpulist) {
        map = calloc((size_t)maplen, 1);
        if (!map)
            goto out;
        if (virDomainGetEmulatorPinInfo(dom, map, maplen, (unsigned int)flags) >= 0) {
            char *s = map_format(map, maxcpu);
            vsh_print_extra(ctl, "%s %s\n", "emulator:", "CPU Affinity");
            vsh_print_extra(ctl, "----------------------------------\n");
            vsh_print(ctl, "       *: %s\n", s ? s : "");
            free(s);
            ok = true;
        }
        goto out;
    }
    if ((map = parse_cpulist(ctl, cpulist, maxcpu, &maplen)))
        ok = virDomainPinEmulator(dom, map, maplen, (unsigned int)flags) == 0;
out:
    free(map);
    virDomainFree(dom);
    return ok;
}

/* ---- IOThreads ---- */

static const struct vsh_opt_def opts_iothreadinfo[] = {
    OPT_DOMAIN,
    OPT_LCC,
    OPT_END,
};

static bool cmd_iothreadinfo(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    int flags;
    virDomainIOThreadInfoPtr *info = NULL;

    if (!affect_flags(ctl, cmd, &flags, false))
        return false;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    int n = virDomainGetIOThreadInfo(dom, &info, (unsigned int)flags);
    if (n < 0) {
        vsh_error(ctl, "%s", "Unable to get domain IOThreads information");
        virDomainFree(dom);
        return false;
    }
    if (n == 0) {
        vsh_print_extra(ctl, "%s", "No IOThreads found for the domain");
    } else {
        struct vsh_table *t = vsh_table_new("IOThread ID", "CPU Affinity", NULL);
        for (int i = 0; i < n; i++) {
            char id[16], *s = map_format(info[i]->cpumap, info[i]->cpumaplen * 8);
            snprintf(id, sizeof(id), "%u", info[i]->iothread_id);
            vsh_table_row(t, id, s ? s : "", NULL);
            free(s);
        }
        vsh_table_print(ctl, t);
        vsh_table_free(t);
    }
    for (int i = 0; i < n; i++)
        virDomainIOThreadInfoFree(info[i]);
    free(info);
    virDomainFree(dom);
    return true;
}

static const struct vsh_opt_def opts_iothread_id[] = {
    OPT_DOMAIN,
    {"id", VSH_OT_INT, VSH_OFLAG_REQ},
    OPT_LCC,
    OPT_END,
};

static bool iothread_id(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *opt,
                        int *id)
{
    if (vsh_opt_int(ctl, cmd, opt, id) < 0)
        return false;
    if (*id <= 0) {
        vsh_error(ctl, "Invalid IOThread id value: '%d'", *id);
        return false;
    }
    return true;
}

static bool iothread_add_del(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, bool add)
{
    int flags, id = 0;

    if (!affect_flags(ctl, cmd, &flags, false) || !iothread_id(ctl, cmd, "id", &id))
        return false;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    bool ok = (add ? virDomainAddIOThread(dom, (unsigned int)id, (unsigned int)flags)
                   : virDomainDelIOThread(dom, (unsigned int)id, (unsigned int)flags)) == 0;
    virDomainFree(dom);
    return ok;
}

static bool cmd_iothreadadd(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return iothread_add_del(ctl, cmd, true);
}

static bool cmd_iothreaddel(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return iothread_add_del(ctl, cmd, false);
}

static const struct vsh_opt_def opts_iothreadpin[] = {
    OPT_DOMAIN,
    {"iothread", VSH_OT_INT, VSH_OFLAG_REQ},
    {"cpulist", VSH_OT_DATA, VSH_OFLAG_REQ},
    OPT_LCC,
    OPT_END,
};

static bool cmd_iothreadpin(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    int flags, id = 0, maxcpu, maplen;
    bool ok = false;

    if (!affect_flags(ctl, cmd, &flags, false))
        return false;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (vsh_opt_int(ctl, cmd, "iothread", &id) >= 0 && (maxcpu = node_cpu_count(ctl)) >= 0) {
        unsigned char *map =
            parse_cpulist(ctl, vsh_opt_string(cmd, "cpulist"), maxcpu, &maplen);
        if (map)
            ok = virDomainPinIOThread(dom, (unsigned int)id, map, maplen,
                                      (unsigned int)flags) == 0;
        free(map);
    }
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_iothreadset[] = {
    OPT_DOMAIN,
    {"id", VSH_OT_INT, VSH_OFLAG_REQ},
    {"poll-max-ns", VSH_OT_INT, 0},
    {"poll-grow", VSH_OT_INT, 0},
    {"poll-shrink", VSH_OT_INT, 0},
    {"thread-pool-min", VSH_OT_INT, 0},
    {"thread-pool-max", VSH_OT_INT, 0},
    OPT_LCC,
    OPT_END,
};

static bool cmd_iothreadset(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const struct {
        const char *opt, *field;
        int type;
    } opts[] = {{"poll-max-ns", VIR_DOMAIN_IOTHREAD_POLL_MAX_NS, VIR_TYPED_PARAM_ULLONG},
                {"poll-grow", VIR_DOMAIN_IOTHREAD_POLL_GROW, VIR_TYPED_PARAM_UINT},
                {"poll-shrink", VIR_DOMAIN_IOTHREAD_POLL_SHRINK, VIR_TYPED_PARAM_UINT},
                {"thread-pool-min", "thread_pool_min", VIR_TYPED_PARAM_INT},
                {"thread-pool-max", "thread_pool_max", VIR_TYPED_PARAM_INT}};
    virTypedParameter p[5];
    int flags, id = 0, n = 0;
    bool ok = false;

    if (!affect_flags(ctl, cmd, &flags, false))
        return false;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (!iothread_id(ctl, cmd, "id", &id))
        goto out;
    memset(p, 0, sizeof(p));
    for (int i = 0; i < 5; i++) {
        const char *v = vsh_opt_string(cmd, opts[i].opt);
        char *end;
        if (!v)
            continue;
        errno = 0;
        snprintf(p[n].field, sizeof(p[n].field), "%s", opts[i].field);
        p[n].type = opts[i].type;
        if (opts[i].type == VIR_TYPED_PARAM_INT) {
            long x = strtol(v, &end, 10);
            if (errno || *end || !*v || x < INT_MIN || x > INT_MAX)
                goto bad;
            p[n++].value.i = (int)x;
        } else {
            unsigned long long x = strtoull(v, &end, 10);
            if (errno || *end || !*v || *v == '-' ||
                (opts[i].type == VIR_TYPED_PARAM_UINT && x > UINT_MAX))
                goto bad;
            if (opts[i].type == VIR_TYPED_PARAM_UINT)
                p[n++].value.ui = (unsigned int)x;
            else
                p[n++].value.ul = x;
        }
        continue;
    bad:
        vsh_error(ctl, "Numeric value '%s' for <%s> option is malformed or out of range", v,
                  opts[i].opt);
        goto out;
    }
    if (n == 0) {
        vsh_error(ctl, "%s", "Not enough arguments passed, nothing to set");
        goto out;
    }
    ok = virDomainSetIOThreadParams(dom, (unsigned int)id, p, n, (unsigned int)flags) == 0;
out:
    virDomainFree(dom);
    return ok;
}

/* ---- block and interface statistics ---- */

static const struct vsh_opt_def opts_domblkstat[] = {
    OPT_DOMAIN,
    {"device", VSH_OT_STRING, 0},
    {"human", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_domblkstat(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name, *device = vsh_opt_string(cmd, "device");
    bool human = vsh_opt_bool(cmd, "human");
    virDomainBlockStatsStruct s;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name);

    if (!dom)
        return false;
    if (!device)
        device = "";
    if (virDomainBlockStats(dom, device, &s, sizeof(s)) == -1) {
        vsh_error(ctl, "Failed to get block stats %s %s", name, device);
        virDomainFree(dom);
        return false;
    }
    const struct {
        const char *field, *human;
        long long v;
    } rows[] = {{"rd_req", "number of read operations:", s.rd_req},
                {"rd_bytes", "number of bytes read:", s.rd_bytes},
                {"wr_req", "number of write operations:", s.wr_req},
                {"wr_bytes", "number of bytes written:", s.wr_bytes},
                {"errs", "error count:", s.errs}};
    if (human)
        vsh_print(ctl, "Device: %s\n", device);
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (rows[i].v < 0)
            continue;
        if (human)
            vsh_print(ctl, " %-31s %lld\n", rows[i].human, rows[i].v);
        else
            vsh_print(ctl, "%s %s %lld\n", device, rows[i].field, rows[i].v);
    }
    virDomainFree(dom);
    return true;
}

static const struct vsh_opt_def opts_domifstat[] = {
    OPT_DOMAIN,
    {"interface", VSH_OT_DATA, VSH_OFLAG_REQ},
    OPT_END,
};

static bool cmd_domifstat(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name, *device = vsh_opt_string(cmd, "interface");
    virDomainInterfaceStatsStruct s;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name);

    if (!dom)
        return false;
    if (virDomainInterfaceStats(dom, device, &s, sizeof(s)) == -1) {
        vsh_error(ctl, "Failed to get interface stats %s %s", name, device);
        virDomainFree(dom);
        return false;
    }
    const struct {
        const char *field;
        long long v;
    } rows[] = {{"rx_bytes", s.rx_bytes}, {"rx_packets", s.rx_packets},
                {"rx_errs", s.rx_errs},   {"rx_drop", s.rx_drop},
                {"tx_bytes", s.tx_bytes}, {"tx_packets", s.tx_packets},
                {"tx_errs", s.tx_errs},   {"tx_drop", s.tx_drop}};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (rows[i].v >= 0)
            vsh_print(ctl, "%s %s %lld\n", device, rows[i].field, rows[i].v);
    virDomainFree(dom);
    return true;
}

/* virsh's pretty capacity: "1023.995 GiB". */
static void pretty_capacity(unsigned long long v, char *buf, size_t len)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double d = (double)v;
    int u = 0;
    while (u < 6 && d >= 1024) {
        d /= 1024;
        u++;
    }
    snprintf(buf, len, "%.3lf %s", d, units[u]);
}

static void blkinfo_cells(const virDomainBlockInfo *info, bool human, char c[3][64])
{
    const unsigned long long v[3] = {info->capacity, info->allocation, info->physical};
    for (int i = 0; i < 3; i++) {
        if (human)
            pretty_capacity(v[i], c[i], 64);
        else
            snprintf(c[i], 64, "%llu", v[i]);
    }
}

static const struct vsh_opt_def opts_domblkinfo[] = {
    OPT_DOMAIN, {"device", VSH_OT_STRING, 0}, {"human", VSH_OT_BOOL, 0}, {"all", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_domblkinfo(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *device = vsh_opt_string(cmd, "device");
    bool human = vsh_opt_bool(cmd, "human"), all = vsh_opt_bool(cmd, "all"), ok = false;
    virDomainBlockInfo info;
    char c[3][64];

    if (!all && !device) {
        vsh_error(ctl, "%s", "command 'domblkinfo' requires <device> option");
        return false;
    }
    if (all && device) {
        vsh_error(ctl, "Options --all and --device are mutually exclusive");
        return false;
    }
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (!all) {
        if (virDomainGetBlockInfo(dom, device, &info, 0) == 0) {
            blkinfo_cells(&info, human, c);
            vsh_print(ctl, "%-15s %s\n", "Capacity:", c[0]);
            vsh_print(ctl, "%-15s %s\n", "Allocation:", c[1]);
            vsh_print(ctl, "%-15s %s\n", "Physical:", c[2]);
            ok = true;
        }
        virDomainFree(dom);
        return ok;
    }
    char *xml = virDomainGetXMLDesc(dom, 0);
    xmlDocPtr doc = xml ? xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
                                        XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR)
                        : NULL;
    free(xml);
    xmlXPathContextPtr xp = doc ? xmlXPathNewContext(doc) : NULL;
    xmlXPathObjectPtr disks = xp ? xmlXPathEval(BAD_CAST "/domain/devices/disk", xp) : NULL;
    if (!disks)
        goto out;
    struct vsh_table *t = vsh_table_new("Target", "Capacity", "Allocation", "Physical", NULL);
    ok = true;
    for (int i = 0; disks->nodesetval && i < disks->nodesetval->nodeNr && ok; i++) {
        xmlNodePtr d = disks->nodesetval->nodeTab[i];
        char *target = NULL;
        int has_source = 0;
        for (xmlNodePtr n = d->children; n; n = n->next) {
            if (n->type != XML_ELEMENT_NODE)
                continue;
            if (strcmp((const char *)n->name, "target") == 0 && !target)
                target = (char *)xmlGetProp(n, BAD_CAST "dev");
            if (strcmp((const char *)n->name, "source") == 0)
                has_source = 1;
        }
        if (!has_source) {
            vsh_table_row(t, target ? target : "", "-", "-", "-", NULL);
        } else if (virDomainGetBlockInfo(dom, target ? target : "", &info, 0) == 0) {
            blkinfo_cells(&info, human, c);
            vsh_table_row(t, target ? target : "", c[0], c[1], c[2], NULL);
        } else {
            ok = false;
        }
        xmlFree(target);
    }
    if (ok)
        vsh_table_print(ctl, t);
    vsh_table_free(t);
out:
    if (disks)
        xmlXPathFreeObject(disks);
    if (xp)
        xmlXPathFreeContext(xp);
    if (doc)
        xmlFreeDoc(doc);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_domblkerror[] = {
    OPT_DOMAIN,
    OPT_END,
};

static bool cmd_domblkerror(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const char *const names[] = {"no error", "unspecified error", "no space"};
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    virDomainDiskErrorPtr errs = NULL;
    bool ok = false;

    if (!dom)
        return false;
    int n = virDomainGetDiskErrors(dom, NULL, 0, 0);
    if (n < 0)
        goto out;
    if (n) {
        if (!(errs = calloc((size_t)n, sizeof(*errs))))
            goto out;
        if ((n = virDomainGetDiskErrors(dom, errs, (unsigned int)n, 0)) < 0)
            goto out;
    }
    if (n == 0)
        vsh_print(ctl, "No errors found\n");
    for (int i = 0; i < n; i++) {
        int e = errs[i].error;
        vsh_print(ctl, "%s: %s\n", errs[i].disk, e >= 0 && e <= 2 ? names[e] : "unknown error");
        free(errs[i].disk);
    }
    ok = true;
out:
    free(errs);
    virDomainFree(dom);
    return ok;
}

/* ---- schedinfo ---- */

static const struct vsh_opt_def opts_schedinfo[] = {
    OPT_DOMAIN,
    /* virsh takes --weight and --cap only by name: positional arguments
     * after the domain are --set's */
    {"weight", VSH_OT_INT, VSH_OFLAG_REQ_OPT},
    {"cap", VSH_OT_INT, VSH_OFLAG_REQ_OPT},
    {"current", VSH_OT_BOOL, 0},
    {"config", VSH_OT_BOOL, 0},
    {"live", VSH_OT_BOOL, 0},
    {"set", VSH_OT_ARGV, 0},
    OPT_END,
};

/* One "name=value" of --set (or --weight/--cap) into the parameter of that
 * name; false with virsh's error when there is none or the value does not
 * fit its type. */
static bool sched_update(struct vsh_ctl *ctl, const char *name, const char *value,
                         const virTypedParameter *params, int nparams, virTypedParameter *out)
{
    for (int i = 0; i < nparams; i++) {
        if (strcmp(params[i].field, name) != 0)
            continue;
        char *end;
        errno = 0;
        memset(out, 0, sizeof(*out));
        snprintf(out->field, sizeof(out->field), "%s", name);
        out->type = params[i].type;
        switch (params[i].type) {
        case VIR_TYPED_PARAM_INT: {
            long v = strtol(value, &end, 10);
            if (errno || *end || !*value || v < INT_MIN || v > INT_MAX)
                goto bad;
            out->value.i = (int)v;
            break;
        }
        case VIR_TYPED_PARAM_UINT: {
            unsigned long v = strtoul(value, &end, 10);
            if (errno || *end || !*value || *value == '-' || v > UINT_MAX)
                goto bad;
            out->value.ui = (unsigned int)v;
            break;
        }
        case VIR_TYPED_PARAM_LLONG:
            out->value.l = strtoll(value, &end, 10);
            if (errno || *end || !*value)
                goto bad;
            break;
        case VIR_TYPED_PARAM_ULLONG:
            out->value.ul = strtoull(value, &end, 10);
            if (errno || *end || !*value || *value == '-')
                goto bad;
            break;
        default:
            goto bad;
        }
        return true;
    bad:
        vsh_error(ctl, "invalid argument: Invalid value for field '%s': expected %s", name,
                  params[i].type == VIR_TYPED_PARAM_INT      ? "int"
                  : params[i].type == VIR_TYPED_PARAM_UINT   ? "unsigned int"
                  : params[i].type == VIR_TYPED_PARAM_LLONG  ? "long long"
                  : params[i].type == VIR_TYPED_PARAM_ULLONG ? "unsigned long long"
                                                             : "a number");
        return false;
    }
    vsh_error(ctl, "invalid scheduler option: %s", name);
    return false;
}

static int sched_get(virDomainPtr dom, virTypedParameter *params, int *nparams, int flags,
                     bool use_flags)
{
    memset(params, 0, (size_t)*nparams * sizeof(*params));
    return use_flags
               ? virDomainGetSchedulerParametersFlags(dom, params, nparams, (unsigned int)flags)
               : virDomainGetSchedulerParameters(dom, params, nparams);
}

static bool cmd_schedinfo(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool live = vsh_opt_bool(cmd, "live"), config = vsh_opt_bool(cmd, "config");
    bool current = vsh_opt_bool(cmd, "current"), ok = false;
    int flags, nparams = 0, nupdates = 0;
    virTypedParameter *params = NULL, updates[VSH_MAX_ARGV + 2];
    char *type;

    if (!affect_flags(ctl, cmd, &flags, false))
        return false;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (!(type = virDomainGetSchedulerType(dom, &nparams))) {
        vsh_error(ctl, "%s", "Failed to get scheduler type");
        goto out;
    }
    vsh_print(ctl, "%-15s: %s\n", "Scheduler", type);
    free(type);
    if (!nparams) {
        ok = true;
        goto out;
    }
    bool use_flags = flags || current;
    int qflags = live && config ? 0 : flags;
    if (!(params = calloc((size_t)nparams, sizeof(*params))) ||
        sched_get(dom, params, &nparams, qflags, use_flags) < 0)
        goto out;
    size_t nsets;
    const char *const *sets = vsh_opt_argv(cmd, &nsets);
    const char *weight = vsh_opt_string(cmd, "weight"), *cap = vsh_opt_string(cmd, "cap");
    for (size_t k = 0; k < nsets; k++) {
        const char *set = sets[k], *eq = strchr(set, '=');
        char name[VIR_TYPED_PARAM_FIELD_LENGTH];
        if (!eq) {
            vsh_error(ctl, "%s", "Invalid syntax for --set, expecting name=value");
            goto out;
        }
        snprintf(name, sizeof(name), "%.*s", (int)(eq - set), set);
        if (!sched_update(ctl, name, eq + 1, params, nparams, &updates[nupdates++]))
            goto out;
    }
    if (weight && !sched_update(ctl, "weight", weight, params, nparams, &updates[nupdates++]))
        goto out;
    if (cap && !sched_update(ctl, "cap", cap, params, nparams, &updates[nupdates++]))
        goto out;
    if (nupdates) {
        int r = use_flags ? virDomainSetSchedulerParametersFlags(dom, updates, nupdates,
                                                                 (unsigned int)flags)
                          : virDomainSetSchedulerParameters(dom, updates, nupdates);
        if (r < 0 || sched_get(dom, params, &nparams, qflags, use_flags) < 0)
            goto out;
    } else if (live && config) {
        vsh_error(ctl, "%s", "cannot query both live and config at once");
        goto out;
    }
    for (int i = 0; i < nparams; i++) {
        char v[256];
        param_value(&params[i], v, sizeof(v));
        vsh_print(ctl, "%-15s: %s\n", params[i].field, v);
    }
    ok = true;
out:
    if (params)
        virTypedParamsFree(params, nparams);
    virDomainFree(dom);
    return ok;
}

/* ---- memtune, blkiotune, numatune ---- */

typedef int (*get_params_fn)(virDomainPtr, virTypedParameterPtr, int *, unsigned int);
typedef int (*set_params_fn)(virDomainPtr, virTypedParameterPtr, int, unsigned int);

/* Gets and prints a domain's parameters ("%-15s: %s"); fmt may change a
 * value's text. */
static bool show_params(struct vsh_ctl *ctl, virDomainPtr dom, get_params_fn get, int flags,
                        const char *what,
                        void (*fmt)(const virTypedParameter *, char *, size_t))
{
    int n = 0;
    if (get(dom, NULL, &n, (unsigned int)flags) != 0) {
        vsh_error(ctl, "Unable to get number of %s parameters", what);
        return false;
    }
    if (n == 0) {
        vsh_print(ctl, "No %s parameters\n", what);
        return true;
    }
    virTypedParameter *p = calloc((size_t)n, sizeof(*p));
    if (!p || get(dom, p, &n, (unsigned int)flags) != 0) {
        vsh_error(ctl, "Unable to get %s parameters", what);
        free(p);
        return false;
    }
    for (int i = 0; i < n; i++) {
        char v[4096];
        (fmt ? fmt : param_value)(&p[i], v, sizeof(v));
        vsh_print(ctl, "%-15s: %s\n", p[i].field, v);
    }
    virTypedParamsFree(p, n);
    return true;
}

static void memtune_value(const virTypedParameter *p, char *buf, size_t len)
{
    if (p->type == VIR_TYPED_PARAM_ULLONG &&
        p->value.ul == (unsigned long long)VIR_DOMAIN_MEMORY_PARAM_UNLIMITED)
        snprintf(buf, len, "unlimited");
    else
        param_value(p, buf, len);
}

static const struct vsh_opt_def opts_memtune[] = {
    OPT_DOMAIN,
    {"hard-limit", VSH_OT_INT, 0},
    {"soft-limit", VSH_OT_INT, 0},
    {"swap-hard-limit", VSH_OT_INT, 0},
    {"min-guarantee", VSH_OT_INT, 0},
    OPT_LCC,
    OPT_END,
};

/* virsh's memtune sizes: KiB by default, a unit allowed, negative for
 * unlimited. 0 not given, 1 set, -1 malformed. */
static int memtune_size(const struct vsh_cmd *cmd, const char *name, unsigned long long *kib)
{
    const char *s = vsh_opt_string(cmd, name);
    char *end;
    if (!s)
        return 0;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s)
        return -1;
    if (v < 0) {
        *kib = (unsigned long long)VIR_DOMAIN_MEMORY_PARAM_UNLIMITED;
        return 1;
    }
    unsigned long long scale = 1024;
    if (*end) {
        static const struct {
            const char *u;
            unsigned long long s;
        } units[] = {{"b", 1},
                     {"bytes", 1},
                     {"k", 1024},
                     {"KiB", 1024},
                     {"KB", 1000},
                     {"m", 1048576},
                     {"MiB", 1048576},
                     {"MB", 1000000},
                     {"g", 1073741824},
                     {"GiB", 1073741824},
                     {"GB", 1000000000},
                     {"t", 1099511627776ULL},
                     {"TiB", 1099511627776ULL},
                     {"TB", 1000000000000ULL}};
        scale = 0;
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
            if (strcasecmp(units[i].u, end) == 0 &&
                (units[i].u[1] != 'B' || strcmp(end + 1, "B") == 0))
                scale = units[i].s;
        if (!scale)
            return -1;
    }
    if ((unsigned long long)v > LLONG_MAX / scale)
        return -1;
    *kib = ((unsigned long long)v * scale + 1023) / 1024;
    return 1;
}

static bool cmd_memtune(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const struct {
        const char *opt, *field;
    } opts[] = {{"hard-limit", VIR_DOMAIN_MEMORY_HARD_LIMIT},
                {"soft-limit", VIR_DOMAIN_MEMORY_SOFT_LIMIT},
                {"swap-hard-limit", VIR_DOMAIN_MEMORY_SWAP_HARD_LIMIT},
                {"min-guarantee", VIR_DOMAIN_MEMORY_MIN_GUARANTEE}};
    virTypedParameter p[4];
    int flags, n = 0;
    bool ok;

    if (!affect_flags(ctl, cmd, &flags, false))
        return false;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    for (int i = 0; i < 4; i++) {
        unsigned long long kib;
        int r = memtune_size(cmd, opts[i].opt, &kib);
        if (r < 0) {
            vsh_error(ctl, "Unable to parse integer parameter %s", opts[i].opt);
            virDomainFree(dom);
            return false;
        }
        if (r == 0)
            continue;
        memset(&p[n], 0, sizeof(p[n]));
        snprintf(p[n].field, sizeof(p[n].field), "%s", opts[i].field);
        p[n].type = VIR_TYPED_PARAM_ULLONG;
        p[n++].value.ul = kib;
    }
    if (n == 0) {
        ok =
            show_params(ctl, dom, virDomainGetMemoryParameters, flags, "memory", memtune_value);
    } else {
        ok = virDomainSetMemoryParameters(dom, p, n, (unsigned int)flags) == 0;
        if (!ok)
            vsh_error(ctl, "%s", "Unable to change memory parameters");
    }
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_blkiotune[] = {
    OPT_DOMAIN,
    {"weight", VSH_OT_INT, 0},
    {"device-weights", VSH_OT_STRING, 0},
    {"device-read-iops-sec", VSH_OT_STRING, 0},
    {"device-write-iops-sec", VSH_OT_STRING, 0},
    {"device-read-bytes-sec", VSH_OT_STRING, 0},
    {"device-write-bytes-sec", VSH_OT_STRING, 0},
    OPT_LCC,
    OPT_END,
};

static bool cmd_blkiotune(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const struct {
        const char *opt, *field;
    } strs[] = {{"device-weights", "device_weight"},
                {"device-read-iops-sec", "device_read_iops_sec"},
                {"device-write-iops-sec", "device_write_iops_sec"},
                {"device-read-bytes-sec", "device_read_bytes_sec"},
                {"device-write-bytes-sec", "device_write_bytes_sec"}};
    virTypedParameter p[6];
    int flags, n = 0, weight = 0;
    bool ok;

    if (!affect_flags(ctl, cmd, &flags, false))
        return false;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    int r = vsh_opt_int(ctl, cmd, "weight", &weight);
    if (r < 0) {
        virDomainFree(dom);
        return false;
    }
    memset(p, 0, sizeof(p));
    if (r > 0) {
        snprintf(p[n].field, sizeof(p[n].field), "weight");
        p[n].type = VIR_TYPED_PARAM_UINT;
        p[n++].value.ui = (unsigned int)weight;
    }
    for (int i = 0; i < 5; i++) {
        const char *v = vsh_opt_string(cmd, strs[i].opt);
        if (!v)
            continue;
        snprintf(p[n].field, sizeof(p[n].field), "%s", strs[i].field);
        p[n].type = VIR_TYPED_PARAM_STRING;
        p[n++].value.s = (char *)v;
    }
    if (n == 0) {
        ok = show_params(ctl, dom, virDomainGetBlkioParameters, flags, "blkio", NULL);
    } else {
        ok = virDomainSetBlkioParameters(dom, p, n, (unsigned int)flags) == 0;
        if (!ok)
            vsh_error(ctl, "%s", "Unable to change blkio parameters");
    }
    virDomainFree(dom);
    return ok;
}

static const char *const numa_modes[] = {"strict", "preferred", "interleave", "restrictive"};

static void numa_value(const virTypedParameter *p, char *buf, size_t len)
{
    if (strcmp(p->field, VIR_DOMAIN_NUMA_MODE) == 0 && p->type == VIR_TYPED_PARAM_INT &&
        p->value.i >= 0 && p->value.i < 4)
        snprintf(buf, len, "%s", numa_modes[p->value.i]);
    else
        param_value(p, buf, len);
}

static const struct vsh_opt_def opts_numatune[] = {
    OPT_DOMAIN, {"mode", VSH_OT_STRING, 0}, {"nodeset", VSH_OT_STRING, 0}, OPT_LCC, OPT_END,
};

static bool cmd_numatune(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *mode = vsh_opt_string(cmd, "mode"), *nodeset = vsh_opt_string(cmd, "nodeset");
    virTypedParameter p[2];
    int flags, n = 0;
    bool ok;

    if (!affect_flags(ctl, cmd, &flags, false))
        return false;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    memset(p, 0, sizeof(p));
    if (mode) {
        int m = -1;
        for (int i = 0; i < 4; i++)
            if (strcmp(mode, numa_modes[i]) == 0)
                m = i;
        if (m < 0) {
            char *end;
            long v = strtol(mode, &end, 10);
            if (!*mode || *end || v < 0 || v > INT_MAX) {
                vsh_error(ctl, "Invalid mode: %s", mode);
                virDomainFree(dom);
                return false;
            }
            m = (int)v;
        }
        snprintf(p[n].field, sizeof(p[n].field), VIR_DOMAIN_NUMA_MODE);
        p[n].type = VIR_TYPED_PARAM_INT;
        p[n++].value.i = m;
    }
    if (nodeset) {
        snprintf(p[n].field, sizeof(p[n].field), VIR_DOMAIN_NUMA_NODESET);
        p[n].type = VIR_TYPED_PARAM_STRING;
        p[n++].value.s = (char *)nodeset;
    }
    if (n == 0) {
        ok = show_params(ctl, dom, virDomainGetNumaParameters, flags, "numa", numa_value);
    } else {
        ok = virDomainSetNumaParameters(dom, p, n, (unsigned int)flags) == 0;
        if (!ok)
            vsh_error(ctl, "%s", "Unable to change numa parameters");
    }
    virDomainFree(dom);
    return ok;
}

/* ---- perf ---- */

static const struct vsh_opt_def opts_perf[] = {
    OPT_DOMAIN, {"enable", VSH_OT_STRING, 0}, {"disable", VSH_OT_STRING, 0}, OPT_LCC, OPT_END,
};

static void print_perf(struct vsh_ctl *ctl, const virTypedParameter *p, int n)
{
    for (int i = 0; i < n; i++)
        if (p[i].type == VIR_TYPED_PARAM_BOOLEAN)
            vsh_print(ctl, "%-15s: %s\n", p[i].field, p[i].value.b ? "enabled" : "disabled");
}

/* The events of a comma-separated list, each set to `on`. */
static int perf_list(const char *list, bool on, virTypedParameter **p, int *n)
{
    char *copy = strdup(list), *save = NULL;
    if (!copy)
        return -1;
    for (char *e = strtok_r(copy, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
        virTypedParameter *v = realloc(*p, (size_t)(*n + 1) * sizeof(*v));
        if (!v) {
            free(copy);
            return -1;
        }
        *p = v;
        memset(&v[*n], 0, sizeof(v[*n]));
        snprintf(v[*n].field, sizeof(v[*n].field), "%s", e);
        v[*n].type = VIR_TYPED_PARAM_BOOLEAN;
        v[(*n)++].value.b = on;
    }
    free(copy);
    return 0;
}

static bool cmd_perf(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *en = vsh_opt_string(cmd, "enable"), *dis = vsh_opt_string(cmd, "disable");
    virTypedParameter *p = NULL;
    int flags, n = 0;
    bool ok = false;

    if (!affect_flags(ctl, cmd, &flags, false))
        return false;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (!en && !dis) {
        if (virDomainGetPerfEvents(dom, &p, &n, (unsigned int)flags) != 0) {
            vsh_error(ctl, "%s", "Unable to get perf events");
        } else {
            print_perf(ctl, p, n);
            ok = true;
        }
        virTypedParamsFree(p, n);
        virDomainFree(dom);
        return ok;
    }
    if ((en && perf_list(en, true, &p, &n) < 0) || (dis && perf_list(dis, false, &p, &n) < 0))
        goto out;
    if (virDomainSetPerfEvents(dom, p, n, (unsigned int)flags) != 0) {
        vsh_error(ctl, "%s", "Unable to enable/disable perf events");
        goto out;
    }
    print_perf(ctl, p, n);
    ok = true;
out:
    free(p);
    virDomainFree(dom);
    return ok;
}

/* ---- domstats, dommemstat ---- */

static const struct vsh_opt_def opts_domstats[] = {
    {"state", VSH_OT_BOOL, 0},
    {"cpu-total", VSH_OT_BOOL, 0},
    {"balloon", VSH_OT_BOOL, 0},
    {"vcpu", VSH_OT_BOOL, 0},
    {"interface", VSH_OT_BOOL, 0},
    {"block", VSH_OT_BOOL, 0},
    {"perf", VSH_OT_BOOL, 0},
    {"iothread", VSH_OT_BOOL, 0},
    {"memory", VSH_OT_BOOL, 0},
    {"dirtyrate", VSH_OT_BOOL, 0},
    {"vm", VSH_OT_BOOL, 0},
    {"list-active", VSH_OT_BOOL, 0},
    {"list-inactive", VSH_OT_BOOL, 0},
    {"list-persistent", VSH_OT_BOOL, 0},
    {"list-transient", VSH_OT_BOOL, 0},
    {"list-running", VSH_OT_BOOL, 0},
    {"list-paused", VSH_OT_BOOL, 0},
    {"list-shutoff", VSH_OT_BOOL, 0},
    {"list-other", VSH_OT_BOOL, 0},
    {"raw", VSH_OT_BOOL, 0},
    {"enforce", VSH_OT_BOOL, 0},
    {"backing", VSH_OT_BOOL, 0},
    {"nowait", VSH_OT_BOOL, 0},
    {"domain", VSH_OT_ARGV, VSH_OFLAG_BARE},
    OPT_END,
};

static bool cmd_domstats(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const struct {
        const char *opt;
        unsigned int bit;
    } groups[] = {{"state", VIR_DOMAIN_STATS_STATE},
                  {"cpu-total", VIR_DOMAIN_STATS_CPU_TOTAL},
                  {"balloon", VIR_DOMAIN_STATS_BALLOON},
                  {"vcpu", VIR_DOMAIN_STATS_VCPU},
                  {"interface", VIR_DOMAIN_STATS_INTERFACE},
                  {"block", VIR_DOMAIN_STATS_BLOCK},
                  {"perf", VIR_DOMAIN_STATS_PERF},
                  {"iothread", VIR_DOMAIN_STATS_IOTHREAD},
                  {"memory", VIR_DOMAIN_STATS_MEMORY},
                  {"dirtyrate", VIR_DOMAIN_STATS_DIRTYRATE},
                  {"vm", VIR_DOMAIN_STATS_VM}},
      lists[] = {{"list-active", VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE},
                 {"list-inactive", VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE},
                 {"list-persistent", VIR_CONNECT_GET_ALL_DOMAINS_STATS_PERSISTENT},
                 {"list-transient", VIR_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT},
                 {"list-running", VIR_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING},
                 {"list-paused", VIR_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED},
                 {"list-shutoff", VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF},
                 {"list-other", VIR_CONNECT_GET_ALL_DOMAINS_STATS_OTHER},
                 {"enforce", VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS},
                 {"backing", VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING},
                 {"nowait", VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT}};
    unsigned int stats = 0, flags = 0;
    virDomainStatsRecordPtr *recs = NULL;
    int n;

    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
        if (vsh_opt_bool(cmd, groups[i].opt))
            stats |= groups[i].bit;
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
        if (vsh_opt_bool(cmd, lists[i].opt))
            flags |= lists[i].bit;
    size_t nwords;
    const char *const *words = vsh_opt_argv(cmd, &nwords);
    if (nwords) {
        virDomainPtr doms[VSH_MAX_ARGV + 1] = {NULL};
        size_t nd = 0;
        bool found = true;
        for (; nd < nwords && found; nd++)
            found = (doms[nd] = vsh_lookup_domain(ctl, words[nd], VSH_BYALL)) != NULL;
        n = found ? virDomainListGetStats(doms, stats, &recs, flags) : -1;
        for (size_t i = 0; i < nd; i++)
            if (doms[i])
                virDomainFree(doms[i]);
    } else {
        n = virConnectGetAllDomainStats(ctl->conn, stats, &recs, flags);
    }
    if (n < 0)
        return false;
    for (int i = 0; i < n; i++) {
        if (i)
            vsh_print(ctl, "\n");
        vsh_print(ctl, "Domain: '%s'\n", virDomainGetName(recs[i]->dom));
        for (int k = 0; k < recs[i]->nparams; k++) {
            char v[4096];
            param_value(&recs[i]->params[k], v, sizeof(v));
            vsh_print(ctl, "  %s=%s\n", recs[i]->params[k].field, v);
        }
    }
    virDomainStatsRecordListFree(recs);
    return true;
}

static const struct vsh_opt_def opts_dommemstat[] = {
    OPT_DOMAIN,
    {"period", VSH_OT_INT, 0},
    OPT_LCC,
    OPT_END,
};

static bool cmd_dommemstat(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const char *const names[] = {
        "swap_in",     "swap_out",        "major_fault",   "minor_fault", "unused",
        "available",   "actual",          "rss",           "usable",      "last_update",
        "disk_caches", "hugetlb_pgalloc", "hugetlb_pgfail"};
    virDomainMemoryStatStruct st[VIR_DOMAIN_MEMORY_STAT_NR];
    const char *name;
    int flags;

    if (!affect_flags(ctl, cmd, &flags, false))
        return false;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name);
    if (!dom)
        return false;
    int period = 0, r = vsh_opt_int(ctl, cmd, "period", &period);
    if (r != 0) {
        bool ok = false;
        if (r > 0 && period < 0)
            vsh_error(ctl, "Invalid collection period value '%d'", period);
        else if (r > 0 && virDomainSetMemoryStatsPeriod(dom, period, (unsigned int)flags) < 0)
            vsh_error(ctl, "%s", "Unable to change balloon collection period.");
        else
            ok = r > 0;
        virDomainFree(dom);
        return ok;
    }
    int n = virDomainMemoryStats(dom, st, VIR_DOMAIN_MEMORY_STAT_NR, 0);
    if (n < 0) {
        vsh_error(ctl, "Failed to get memory statistics for domain %s", name);
        virDomainFree(dom);
        return false;
    }
    for (int i = 0; i < n; i++)
        if (st[i].tag >= 0 && st[i].tag < VIR_DOMAIN_MEMORY_STAT_NR)
            vsh_print(ctl, "%s %llu\n", names[st[i].tag], st[i].val);
    virDomainFree(dom);
    return true;
}

/* ---- blkdeviotune ---- */

static const char *const iotune_opts[] = {"total-bytes-sec",
                                          "read-bytes-sec",
                                          "write-bytes-sec",
                                          "total-iops-sec",
                                          "read-iops-sec",
                                          "write-iops-sec",
                                          "total-bytes-sec-max",
                                          "read-bytes-sec-max",
                                          "write-bytes-sec-max",
                                          "total-iops-sec-max",
                                          "read-iops-sec-max",
                                          "write-iops-sec-max",
                                          "size-iops-sec",
                                          "group-name",
                                          "total-bytes-sec-max-length",
                                          "read-bytes-sec-max-length",
                                          "write-bytes-sec-max-length",
                                          "total-iops-sec-max-length",
                                          "read-iops-sec-max-length",
                                          "write-iops-sec-max-length"};
#define NIOTUNE_OPTS 20

static const struct vsh_opt_def opts_blkdeviotune[] = {
    OPT_DOMAIN,
    {"device", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"total-bytes-sec", VSH_OT_INT, 0},
    {"read-bytes-sec", VSH_OT_INT, 0},
    {"write-bytes-sec", VSH_OT_INT, 0},
    {"total-iops-sec", VSH_OT_INT, 0},
    {"read-iops-sec", VSH_OT_INT, 0},
    {"write-iops-sec", VSH_OT_INT, 0},
    {"total-bytes-sec-max", VSH_OT_INT, 0},
    {"read-bytes-sec-max", VSH_OT_INT, 0},
    {"write-bytes-sec-max", VSH_OT_INT, 0},
    {"total-iops-sec-max", VSH_OT_INT, 0},
    {"read-iops-sec-max", VSH_OT_INT, 0},
    {"write-iops-sec-max", VSH_OT_INT, 0},
    {"size-iops-sec", VSH_OT_INT, 0},
    {"group-name", VSH_OT_STRING, 0},
    {"total-bytes-sec-max-length", VSH_OT_INT, 0},
    {"read-bytes-sec-max-length", VSH_OT_INT, 0},
    {"write-bytes-sec-max-length", VSH_OT_INT, 0},
    {"total-iops-sec-max-length", VSH_OT_INT, 0},
    {"read-iops-sec-max-length", VSH_OT_INT, 0},
    {"write-iops-sec-max-length", VSH_OT_INT, 0},
    OPT_LCC,
    OPT_END,
};

static bool cmd_blkdeviotune(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *disk = vsh_opt_string(cmd, "device");
    virTypedParameter p[NIOTUNE_OPTS];
    int flags, n = 0;
    bool ok = false;

    if (!affect_flags(ctl, cmd, &flags, false))
        return false;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    memset(p, 0, sizeof(p));
    for (int i = 0; i < NIOTUNE_OPTS; i++) {
        const char *v = vsh_opt_string(cmd, iotune_opts[i]);
        if (!v)
            continue;
        snprintf(p[n].field, sizeof(p[n].field), "%s", iotune_opts[i]);
        for (char *c = p[n].field; *c; c++)
            if (*c == '-')
                *c = '_';
        if (i == 13) {
            p[n].type = VIR_TYPED_PARAM_STRING;
            p[n++].value.s = (char *)v;
            continue;
        }
        unsigned long long x;
        bool bytes = strstr(iotune_opts[i], "bytes-sec") && !strstr(iotune_opts[i], "length");
        if (bytes) {
            if (vsh_opt_scaled(ctl, cmd, iotune_opts[i], &x, 1, ULLONG_MAX) < 0)
                goto bad;
        } else {
            char *end;
            errno = 0;
            x = strtoull(v, &end, 10);
            if (errno || *end || !*v || *v == '-') {
                vsh_error(ctl,
                          "Numeric value '%s' for <%s> option is malformed or out of range", v,
                          iotune_opts[i]);
                goto bad;
            }
        }
        p[n].type = VIR_TYPED_PARAM_ULLONG;
        p[n++].value.ul = x;
    }
    if (n == 0) {
        int count = 0;
        /* virsh counts without naming the disk */
        if (virDomainGetBlockIoTune(dom, NULL, NULL, &count, (unsigned int)flags) != 0) {
            vsh_error(ctl, "%s", "Unable to get number of block I/O throttle parameters");
            goto out;
        }
        virTypedParameter *q = calloc(count ? (size_t)count : 1, sizeof(*q));
        if (!q || virDomainGetBlockIoTune(dom, disk, q, &count, (unsigned int)flags) != 0) {
            vsh_error(ctl, "%s", "Unable to get block I/O throttle parameters");
            free(q);
            goto out;
        }
        for (int i = 0; i < count; i++) {
            char v[4096];
            param_value(&q[i], v, sizeof(v));
            vsh_print(ctl, "%-15s: %s\n", q[i].field, v);
        }
        virTypedParamsFree(q, count);
        ok = true;
    } else {
        ok = virDomainSetBlockIoTune(dom, disk, p, n, (unsigned int)flags) == 0;
        if (!ok)
            vsh_error(ctl, "%s", "Unable to change block I/O throttle");
    }
    goto out;
bad:
    vsh_error(ctl, "%s", "Unable to parse integer parameter");
out:
    virDomainFree(dom);
    return ok;
}

/* ---- cpu-stats ---- */

static const struct vsh_opt_def opts_cpu_stats[] = {
    OPT_DOMAIN, {"total", VSH_OT_BOOL, 0}, {"start", VSH_OT_INT, 0}, {"count", VSH_OT_INT, 0},
    OPT_END,
};

static void print_cpu_param(struct vsh_ctl *ctl, const virTypedParameter *p, bool is_time)
{
    if (is_time && p->type == VIR_TYPED_PARAM_ULLONG) {
        vsh_print(ctl, "\t%-15s %6llu.%09llu seconds\n", p->field, p->value.ul / 1000000000,
                  p->value.ul % 1000000000);
    } else {
        char v[256];
        param_value(p, v, sizeof(v));
        vsh_print(ctl, "\t%-15s %s\n", p->field, v);
    }
}

static bool cmd_cpu_stats(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool show_total = vsh_opt_bool(cmd, "total"), show_per_cpu = false, ok = false;
    int cpu = 0, count = -1, r;
    virTypedParameter *p = NULL;
    int np = 0;

    if ((r = vsh_opt_int(ctl, cmd, "start", &cpu)) < 0)
        return false;
    if (r > 0) {
        if (cpu < 0) {
            vsh_error(ctl, "%s", "Invalid value for start CPU");
            return false;
        }
        show_per_cpu = true;
    }
    if ((r = vsh_opt_int(ctl, cmd, "count", &count)) < 0)
        return false;
    if (r > 0) {
        if (count < 0) {
            vsh_error(ctl, "%s", "Invalid value for number of CPUs to show");
            return false;
        }
        show_per_cpu = true;
    }
    if (!show_total && !show_per_cpu)
        show_total = show_per_cpu = true;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (show_per_cpu) {
        int max_id = virDomainGetCPUStats(dom, NULL, 0, 0, 0, 0);
        if (max_id < 0)
            goto failed;
        if (cpu >= max_id) {
            vsh_error(ctl, "Start CPU %d is out of range (min: 0, max: %d)", cpu, max_id - 1);
            goto out;
        }
        if (count < 0)
            count = max_id;
        int nparams = virDomainGetCPUStats(dom, NULL, 0, 0, 1, 0);
        if (nparams < 0)
            goto failed;
        if (cpu + count > max_id) {
            vsh_print(ctl, "Only %d CPUs available to show\n", max_id - cpu);
            count = max_id - cpu;
        }
        while (count > 0 && nparams > 0) {
            int n = count < 128 ? count : 128;
            p = calloc((size_t)nparams * (size_t)n, sizeof(*p));
            if (!p || virDomainGetCPUStats(dom, p, (unsigned int)nparams, cpu, (unsigned int)n,
                                           0) < 0)
                goto failed;
            for (int i = 0; i < n; i++) {
                if (p[i * nparams].type == 0)
                    continue;
                vsh_print(ctl, "CPU%d:\n", cpu + i);
                for (int j = 0; j < nparams; j++) {
                    const virTypedParameter *q = &p[i * nparams + j];
                    print_cpu_param(ctl, q,
                                    strcmp(q->field, "cpu_time") == 0 ||
                                        strcmp(q->field, "vcpu_time") == 0);
                }
            }
            virTypedParamsFree(p, nparams * n);
            p = NULL;
            cpu += n;
            count -= n;
        }
    }
    if (show_total) {
        int nparams = virDomainGetCPUStats(dom, NULL, 0, -1, 1, 0);
        if (nparams < 0)
            goto failed;
        p = calloc(nparams > 0 ? (size_t)nparams : 1, sizeof(*p));
        if (!p || (np = virDomainGetCPUStats(dom, p, (unsigned int)nparams, -1, 1, 0)) < 0)
            goto failed;
        vsh_print(ctl, "Total:\n");
        for (int i = 0; i < np; i++)
            print_cpu_param(ctl, &p[i],
                            strcmp(p[i].field, "cpu_time") == 0 ||
                                strcmp(p[i].field, "user_time") == 0 ||
                                strcmp(p[i].field, "system_time") == 0);
        virTypedParamsFree(p, nparams);
        p = NULL;
    }
    ok = true;
    goto out;
failed:
    vsh_error(ctl, "Failed to retrieve CPU statistics for domain '%s'", virDomainGetName(dom));
out:
    free(p);
    virDomainFree(dom);
    return ok;
}

/* ---- node-memory-tune ---- */

static const struct vsh_opt_def opts_node_memory_tune[] = {
    {"shm-pages-to-scan", VSH_OT_INT, 0},
    {"shm-sleep-millisecs", VSH_OT_INT, 0},
    {"shm-merge-across-nodes", VSH_OT_INT, 0},
    OPT_END,
};

static bool cmd_node_memory_tune(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const struct {
        const char *opt, *field;
    } opts[] = {
        {"shm-pages-to-scan", VIR_NODE_MEMORY_SHARED_PAGES_TO_SCAN},
        {"shm-sleep-millisecs", VIR_NODE_MEMORY_SHARED_SLEEP_MILLISECS},
        {"shm-merge-across-nodes", VIR_NODE_MEMORY_SHARED_MERGE_ACROSS_NODES},
    };
    virTypedParameter set[3];
    int n = 0;

    memset(set, 0, sizeof(set));
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        const char *v = vsh_opt_string(cmd, opts[i].opt);
        char *end;
        if (!v)
            continue;
        errno = 0;
        unsigned long long x = strtoull(v, &end, 10);
        if (errno || *end || !*v || *v == '-' || x > UINT_MAX) {
            vsh_error(ctl, "Numeric value '%s' for <%s> option is malformed or out of range",
                      v, opts[i].opt);
            return false;
        }
        snprintf(set[n].field, VIR_TYPED_PARAM_FIELD_LENGTH, "%s", opts[i].field);
        set[n].type = VIR_TYPED_PARAM_UINT;
        set[n++].value.ui = (unsigned int)x;
    }
    if (n > 0) {
        if (virNodeSetMemoryParameters(ctl->conn, set, n, 0) != 0) {
            vsh_error(ctl, "%s", "Unable to change memory parameters");
            return false;
        }
        return true;
    }
    int count = 0;
    if (virNodeGetMemoryParameters(ctl->conn, NULL, &count, 0) != 0) {
        vsh_error(ctl, "%s", "Unable to get number of memory parameters");
        return false;
    }
    if (count == 0)
        return true;
    virTypedParameter *params = calloc((size_t)count, sizeof(*params));
    if (!params) {
        vsh_error(ctl, "%s", "out of memory");
        return false;
    }
    if (virNodeGetMemoryParameters(ctl->conn, params, &count, 0) != 0) {
        vsh_error(ctl, "%s", "Unable to get memory parameters");
        free(params);
        return false;
    }
    vsh_print(ctl, "%s", "Shared memory:\n");
    for (int i = 0; i < count; i++) {
        char buf[256];
        param_value(&params[i], buf, sizeof(buf));
        vsh_print(ctl, "\t%-15s %s\n", params[i].field, buf);
    }
    virTypedParamsFree(params, count);
    return true;
}

const struct vsh_cmd_def vsh_dstats_cmds[] = {
    {"vcpuinfo", cmd_vcpuinfo, opts_vcpuinfo, "detailed domain vcpu information", false},
    {"vcpupin", cmd_vcpupin, opts_vcpupin, "control or query domain vcpu affinity", false},
    {"emulatorpin", cmd_emulatorpin, opts_emulatorpin,
     "control or query domain emulator affinity", false},
    {"iothreadinfo", cmd_iothreadinfo, opts_iothreadinfo, "view domain IOThreads", false},
    {"iothreadadd", cmd_iothreadadd, opts_iothread_id, "add an IOThread to the guest domain",
     false},
    {"iothreaddel", cmd_iothreaddel, opts_iothread_id,
     "delete an IOThread from the guest domain", false},
    {"iothreadpin", cmd_iothreadpin, opts_iothreadpin, "control domain IOThread affinity",
     false},
    {"iothreadset", cmd_iothreadset, opts_iothreadset,
     "modifies an existing IOThread of the guest domain", false},
    {"domblkstat", cmd_domblkstat, opts_domblkstat, "get device block stats for a domain",
     false},
    {"domifstat", cmd_domifstat, opts_domifstat, "get network interface stats for a domain",
     false},
    {"domblkinfo", cmd_domblkinfo, opts_domblkinfo, "domain block device size information",
     false},
    {"domblkerror", cmd_domblkerror, opts_domblkerror, "Show errors on block devices", false},
    {"schedinfo", cmd_schedinfo, opts_schedinfo, "show/set scheduler parameters", false},
    {"memtune", cmd_memtune, opts_memtune, "Get or set memory parameters", false},
    {"blkiotune", cmd_blkiotune, opts_blkiotune, "Get or set blkio parameters", false},
    {"numatune", cmd_numatune, opts_numatune, "Get or set numa parameters", false},
    {"perf", cmd_perf, opts_perf, "Get or set perf event", false},
    {"blkdeviotune", cmd_blkdeviotune, opts_blkdeviotune,
     "Set or query a block device I/O tuning parameters.", false},
    {"cpu-stats", cmd_cpu_stats, opts_cpu_stats, "show domain cpu statistics", false},
    {"domstats", cmd_domstats, opts_domstats, "get statistics about one or multiple domains",
     false},
    {"dommemstat", cmd_dommemstat, opts_dommemstat, "get memory statistics for a domain",
     false},
    {"node-memory-tune", cmd_node_memory_tune, opts_node_memory_tune,
     "Get or set node memory parameters", false},
    {NULL, NULL, NULL, NULL, false},
};

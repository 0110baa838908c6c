/* host: the node's facts, read where libvirt 9.0 reads them (host.h). */
#include "host.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "error.h"

#define SYS_CPU "/sys/devices/system/cpu"
#define SYS_NODE "/sys/devices/system/node"
#define MAX_CPUS 4096
#define MAX_NODES 1024
#define MAX_PAGE_SIZES 8

/* ---- small readers ---- */

/* The first line of a sysfs file without its line break, in buf; -1 when
 * it cannot be read. */
static int read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "re");

    if (!f)
        return -1;
    if (!fgets(buf, (int)len, f)) {
        fclose(f);
        return -1;
    }
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

static int read_long(const char *path, long long *v)
{
    char buf[64], *end;

    if (read_line(path, buf, sizeof(buf)) < 0)
        return -1;
    errno = 0;
    *v = strtoll(buf, &end, 10);
    return errno || end == buf ? -1 : 0;
}

/* A cpu list ("0-3,8") into a bitmap of MAX_CPUS; the number set, or -1. */
static int parse_cpulist(const char *s, unsigned char *map)
{
    int n = 0;

    memset(map, 0, MAX_CPUS);
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s)
            return -1;
        s = end;
        if (*s == '-') {
            b = strtol(s + 1, &end, 10);
            if (end == s + 1)
                return -1;
            s = end;
        }
        for (long i = a; i <= b && i < MAX_CPUS; i++)
            if (i >= 0 && !map[i]) {
                map[i] = 1;
                n++;
            }
        if (*s == ',')
            s++;
        else if (*s)
            break;
    }
    return n;
}

static int read_cpulist(const char *path, unsigned char *map)
{
    char buf[8192];

    if (read_line(path, buf, sizeof(buf)) < 0)
        return -1;
    return parse_cpulist(buf, map);
}

/* ---- buffers ---- */

void host_buf_printf(struct host_buf *b, const char *fmt, ...)
{
    va_list ap;

    if (b->failed)
        return;
    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = true;
            return;
        }
        if (b->s && (size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = b->cap ? b->cap * 2 : 4096;
        while (ncap < b->len + (size_t)n + 1)
            ncap *= 2;
        char *s = realloc(b->s, ncap);
        if (!s) {
            b->failed = true;
            return;
        }
        b->s = s;
        b->cap = ncap;
    }
}

char *host_buf_take(struct host_buf *b)
{
    char *s = b->s;

    if (b->failed || !s) {
        free(s);
        s = NULL;
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    }
    memset(b, 0, sizeof(*b));
    return s;
}

/* ---- the arch, the host name, the UUID ---- */

const char *host_arch(void)
{
    static char arch[65];
    struct utsname u;

    if (!arch[0]) {
        if (uname(&u) < 0)
            return "x86_64";
        /* libvirt's names of uname's machines */
        if (strcmp(u.machine, "i386") == 0 || strcmp(u.machine, "i486") == 0 ||
            strcmp(u.machine, "i586") == 0 || strcmp(u.machine, "i686") == 0)
            snprintf(arch, sizeof(arch), "i686");
        else if (strcmp(u.machine, "amd64") == 0)
            snprintf(arch, sizeof(arch), "x86_64");
        else if (strcmp(u.machine, "arm64") == 0)
            snprintf(arch, sizeof(arch), "aarch64");
        else
            snprintf(arch, sizeof(arch), "%s", u.machine);
    }
    return arch;
}

/* libvirt's virGetHostname: gethostname, and when that is not a fully
 * qualified name, the canonical name the resolver gives it (unless that
 * is localhost). */
char *host_hostname(void)
{
    char name[HOST_NAME_MAX + 1];
    struct addrinfo hints = {0}, *info = NULL;
    char *r;

    if (gethostname(name, sizeof(name)) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "failed to determine host name: %s",
                     strerror(errno));
        return NULL;
    }
    name[HOST_NAME_MAX] = '\0';
    if (strchr(name, '.')) {
        r = strdup(name);
    } else {
        hints.ai_flags = AI_CANONNAME;
        hints.ai_family = AF_UNSPEC;
        if (getaddrinfo(name, NULL, &hints, &info) != 0 || !info) {
            r = strdup(name);
        } else {
            const char *c = info->ai_canonname;
            r = strdup(!c || strncmp(c, "localhost", 9) == 0 ? name : c);
        }
        if (info)
            freeaddrinfo(info);
    }
    if (!r)
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    return r;
}

static bool uuid_text_ok(const char *s)
{
    int hex = 0, nonzero = 0, nonf = 0;

    for (const char *p = s; *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
            return false;
        hex++;
        nonzero |= *p != '0';
        nonf |= *p != 'f' && *p != 'F';
    }
    /* libvirt refuses all-zero and all-ff system UUIDs, as firmware gives */
    return hex == 32 && nonzero && nonf;
}

static void uuid_format(const char *hex32, char *buf)
{
    int k = 0;

    for (int i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            buf[k++] = '-';
        char c = hex32[i];
        buf[k++] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    }
    buf[k] = '\0';
}

static void uuid_normalize(const char *s, char *buf)
{
    char hex[33];
    int n = 0;

    for (const char *p = s; *p && n < 32; p++)
        if (*p != '-' && *p != ' ')
            hex[n++] = *p;
    hex[n] = '\0';
    uuid_format(hex, buf);
}

void host_uuid(const char *configured, char *buf)
{
    static const char *const dmi[] = {"/sys/devices/virtual/dmi/id/product_uuid",
                                      "/sys/class/dmi/id/product_uuid"};
    char line[128];

    if (configured && uuid_text_ok(configured)) {
        uuid_normalize(configured, buf);
        return;
    }
    for (size_t i = 0; i < sizeof(dmi) / sizeof(dmi[0]); i++)
        if (read_line(dmi[i], line, sizeof(line)) == 0 && uuid_text_ok(line)) {
            uuid_normalize(line, buf);
            return;
        }
    /* No SMBIOS UUID: real libvirt makes up a random one per daemon; a
     * daemon per connection keeps one per host instead: the machine id
     * (itself random, made once at install), as a version 4 UUID. */
    if (read_line("/etc/machine-id", line, sizeof(line)) == 0 && strlen(line) == 32 &&
        uuid_text_ok(line)) {
        line[12] = '4';
        static const char variant[] = "89ab";
        char c = line[16];
        int v = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
        line[16] = variant[v & 3];
        uuid_format(line, buf);
        return;
    }
    uuid_format("00000000000040008000000000000001", buf);
}

/* ---- CPUs and NUMA nodes ---- */

struct cpu_topo {
    int online;   /* 1 online, 0 offline, -1 not present */
    int socket, die, core;
    char siblings[256];
};

static int cpu_online(int cpu)
{
    char path[128];
    long long v;

    snprintf(path, sizeof(path), SYS_CPU "/cpu%d", cpu);
    if (access(path, F_OK) < 0)
        return -1;
    snprintf(path, sizeof(path), SYS_CPU "/cpu%d/online", cpu);
    if (read_long(path, &v) < 0)
        return 1; /* cpu0 often has no online file: it is online */
    return v != 0;
}

static void cpu_topology(int cpu, struct cpu_topo *t)
{
    char path[160];
    long long v;

    t->online = cpu_online(cpu);
    t->socket = t->die = t->core = 0;
    t->siblings[0] = '\0';
    snprintf(path, sizeof(path), SYS_CPU "/cpu%d/topology/physical_package_id", cpu);
    if (read_long(path, &v) == 0)
        t->socket = v < 0 ? 0 : (int)v;
    snprintf(path, sizeof(path), SYS_CPU "/cpu%d/topology/die_id", cpu);
    if (read_long(path, &v) == 0)
        t->die = v < 0 ? 0 : (int)v;
    snprintf(path, sizeof(path), SYS_CPU "/cpu%d/topology/core_id", cpu);
    if (read_long(path, &v) == 0)
        t->core = (int)v;
    snprintf(path, sizeof(path), SYS_CPU "/cpu%d/topology/thread_siblings_list", cpu);
    if (read_line(path, t->siblings, sizeof(t->siblings)) < 0)
        snprintf(t->siblings, sizeof(t->siblings), "%d", cpu);
}

/* The NUMA nodes, ascending; their count (0 when sysfs has none). */
static int list_nodes(int *nodes, int max)
{
    DIR *d = opendir(SYS_NODE);
    struct dirent *e;
    int n = 0;

    if (!d)
        return 0;
    while ((e = readdir(d)) && n < max) {
        unsigned id;
        char c;
        if (sscanf(e->d_name, "node%u%c", &id, &c) == 1)
            nodes[n++] = (int)id;
    }
    closedir(d);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && nodes[j - 1] > nodes[j]; j--) {
            int t = nodes[j];
            nodes[j] = nodes[j - 1];
            nodes[j - 1] = t;
        }
    return n;
}

/* The CPUs of node (its cpuN entries), into map; their count. */
static int node_cpus(int node, unsigned char *map)
{
    char path[128];
    DIR *d;
    struct dirent *e;
    int n = 0;

    memset(map, 0, MAX_CPUS);
    snprintf(path, sizeof(path), SYS_NODE "/node%d", node);
    if (!(d = opendir(path)))
        return -1;
    while ((e = readdir(d))) {
        unsigned id;
        char c;
        if (sscanf(e->d_name, "cpu%u%c", &id, &c) == 1 && id < MAX_CPUS) {
            map[id] = 1;
            n++;
        }
    }
    closedir(d);
    return n;
}

static int present_cpus(unsigned char *map)
{
    int n = read_cpulist(SYS_CPU "/present", map);

    if (n > 0)
        return n;
    memset(map, 0, MAX_CPUS);
    n = 0;
    for (int i = 0; i < MAX_CPUS; i++)
        if (cpu_online(i) >= 0) {
            map[i] = 1;
            n++;
        }
    return n;
}

/* libvirt's virHostCPUParseNode: the online CPUs of a node and their
 * sockets, cores per socket and threads per core. */
static int parse_node(const unsigned char *cpus, const unsigned char *present, int *sockets,
                      int *cores, int *threads, int *offline)
{
    static unsigned char sockmap[MAX_CPUS];
    static int core_count[MAX_CPUS];
    static unsigned char coremap[64][MAX_CPUS / 8 + 1];
    int n = 0, maxsock = -1;

    memset(sockmap, 0, sizeof(sockmap));
    memset(core_count, 0, sizeof(core_count));
    memset(coremap, 0, sizeof(coremap));
    *sockets = *cores = *threads = 0;
    for (int i = 0; i < MAX_CPUS; i++) {
        struct cpu_topo t;
        if (!cpus[i] || !present[i])
            continue;
        cpu_topology(i, &t);
        if (t.online <= 0) {
            (*offline)++;
            continue;
        }
        n++;
        if (t.socket < MAX_CPUS) {
            sockmap[t.socket] = 1;
            if (t.socket > maxsock)
                maxsock = t.socket;
        }
        unsigned char sib[MAX_CPUS];
        int nt = parse_cpulist(t.siblings, sib);
        if (nt > *threads)
            *threads = nt;
        if (t.socket < 64 && t.core >= 0 && t.core < MAX_CPUS &&
            !(coremap[t.socket][t.core / 8] & (1 << (t.core % 8)))) {
            coremap[t.socket][t.core / 8] |= (unsigned char)(1 << (t.core % 8));
            if (++core_count[t.socket] > *cores)
                *cores = core_count[t.socket];
        }
    }
    for (int i = 0; i <= maxsock; i++)
        *sockets += sockmap[i];
    return n;
}

static uint64_t meminfo_kib(const char *path, const char *key)
{
    FILE *f = fopen(path, "re");
    char line[256];
    uint64_t v = 0;
    size_t klen = strlen(key);

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        char *p = line;
        /* node meminfo: "Node 0 MemTotal:       24683664 kB" */
        if (strncmp(p, "Node ", 5) == 0) {
            p += 5;
            while (*p >= '0' && *p <= '9')
                p++;
            while (*p == ' ')
                p++;
        }
        if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
            v = strtoull(p + klen + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

static unsigned cpu_mhz(void)
{
    FILE *f = fopen("/proc/cpuinfo", "re");
    char line[1024];
    unsigned mhz = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "cpu MHz", 7) != 0)
            continue;
        char *p = strchr(line, ':');
        char *end;
        if (!p)
            continue;
        unsigned long v = strtoul(p + 1, &end, 10);
        if (end != p + 1 && (*end == '.' || *end == '\0' || *end == '\n' || *end == ' ')) {
            mhz = (unsigned)v;
            break;
        }
    }
    fclose(f);
    return mhz;
}

int host_get_info(struct host_info *info)
{
    static unsigned char present[MAX_CPUS], cpus[MAX_CPUS];
    int nodes[MAX_NODES], nn = list_nodes(nodes, MAX_NODES), offline = 0;
    int total = 0;

    memset(info, 0, sizeof(*info));
    snprintf(info->model, sizeof(info->model), "%s", host_arch());
    /* As libvirt with libnuma: the sum of the NUMA nodes' MemTotal, which
     * is not /proc/meminfo's on every host (a VM whose memory is hot-added
     * shows less in its node than in /proc/meminfo, and it changes). */
    for (int i = 0; i < nn; i++) {
        char path[128];
        snprintf(path, sizeof(path), SYS_NODE "/node%d/meminfo", nodes[i]);
        info->memory_kib += meminfo_kib(path, "MemTotal");
    }
    if (!info->memory_kib)
        info->memory_kib = meminfo_kib("/proc/meminfo", "MemTotal");
    info->mhz = cpu_mhz();
    present_cpus(present);
    for (int i = 0; i < nn; i++) {
        int s, c, t;
        if (node_cpus(nodes[i], cpus) < 0)
            continue;
        int n = parse_node(cpus, present, &s, &c, &t, &offline);
        info->nodes++;
        total += n;
        if ((unsigned)s > info->sockets)
            info->sockets = (unsigned)s;
        if ((unsigned)c > info->cores)
            info->cores = (unsigned)c;
        if ((unsigned)t > info->threads)
            info->threads = (unsigned)t;
    }
    if (!total || !info->nodes) {
        /* No NUMA in sysfs: every CPU as one node */
        int s, c, t;
        offline = 0;
        memset(cpus, 1, sizeof(cpus));
        total = parse_node(cpus, present, &s, &c, &t, &offline);
        info->nodes = 1;
        info->sockets = (unsigned)s;
        info->cores = (unsigned)c;
        info->threads = (unsigned)t;
    }
    if (!total) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "no CPUs found");
        return -1;
    }
    info->cpus = (unsigned)total;
    if (!info->sockets)
        info->sockets = 1;
    if (!info->cores)
        info->cores = 1;
    if (!info->threads)
        info->threads = 1;
    if (info->nodes * info->sockets * info->cores * info->threads != (unsigned)(total + offline)) {
        info->nodes = 1;
        info->sockets = 1;
        info->cores = (unsigned)(total + offline);
        info->threads = 1;
    }
    return 0;
}

/* ---- memory ---- */

int host_node_count(void)
{
    int nodes[MAX_NODES];
    int n = list_nodes(nodes, MAX_NODES);
    return n ? nodes[n - 1] + 1 : 0;
}

int host_cell_free(int cell, uint64_t *bytes)
{
    char path[128];
    struct stat st;

    snprintf(path, sizeof(path), SYS_NODE "/node%d/meminfo", cell);
    if (stat(path, &st) < 0)
        return -1;
    *bytes = meminfo_kib(path, "MemFree") * 1024;
    return 0;
}

uint64_t host_free_memory(void)
{
    int nodes[MAX_NODES], n = list_nodes(nodes, MAX_NODES);
    uint64_t sum = 0, v;

    if (!n)
        return meminfo_kib("/proc/meminfo", "MemFree") * 1024;
    for (int i = 0; i < n; i++)
        if (host_cell_free(nodes[i], &v) == 0)
            sum += v;
    return sum;
}

int host_memory_stats(int cell, struct host_stat *out)
{
    char path[128];

    if (cell < 0) {
        static const char *const keys[] = {"MemTotal", "MemFree", "Buffers", "Cached"};
        static const char *const names[] = {"total", "free", "buffers", "cached"};
        for (int i = 0; i < 4; i++) {
            out[i].name = names[i];
            out[i].value = meminfo_kib("/proc/meminfo", keys[i]);
        }
        return 4;
    }
    snprintf(path, sizeof(path), SYS_NODE "/node%d/meminfo", cell);
    if (access(path, R_OK) < 0) {
        char msg[128];
        int max = host_node_count() - 1;
        snprintf(msg, sizeof(msg), "cellNum in virHostMemGetStats must be less than or equal to %d",
                 max < 0 ? 0 : max);
        error_set_message(ERR_INVALID_ARG, FROM_NONE, msg);
        return -1;
    }
    out[0].name = "total";
    out[0].value = meminfo_kib(path, "MemTotal");
    out[1].name = "free";
    out[1].value = meminfo_kib(path, "MemFree");
    return 2;
}

int host_cpu_stats(int cpu, struct host_stat *out)
{
    FILE *f = fopen("/proc/stat", "re");
    char line[1024], want[32];
    long tick = sysconf(_SC_CLK_TCK);
    uint64_t ns = tick > 0 ? 1000000000ULL / (uint64_t)tick : 10000000ULL;

    if (!f) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot open /proc/stat: %s", strerror(errno));
        return -1;
    }
    if (cpu < 0)
        snprintf(want, sizeof(want), "cpu ");
    else
        snprintf(want, sizeof(want), "cpu%d ", cpu);
    while (fgets(line, sizeof(line), f)) {
        unsigned long long usr, ni, sys, idle, iowait, irq, sirq;
        if (strncmp(line, want, strlen(want)) != 0)
            continue;
        if (sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu", &usr, &ni, &sys,
                   &idle, &iowait, &irq, &sirq) < 7)
            break;
        fclose(f);
        out[0].name = "kernel";
        out[0].value = (sys + irq + sirq) * ns;
        out[1].name = "user";
        out[1].value = (usr + ni) * ns;
        out[2].name = "idle";
        out[2].value = idle * ns;
        out[3].name = "iowait";
        out[3].value = iowait * ns;
        return 4;
    }
    fclose(f);
    error_set_message(ERR_INVALID_ARG, FROM_NONE, "Invalid cpuNum in virHostCPUGetStatsLinux");
    return -1;
}

/* ---- page sizes ---- */

/* The huge page sizes in KiB, ascending; their count. */
static int huge_sizes(const char *dir, unsigned long long *sizes, int max)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return 0;
    while ((e = readdir(d)) && n < max) {
        unsigned long long kb;
        if (sscanf(e->d_name, "hugepages-%llukB", &kb) == 1)
            sizes[n++] = kb;
    }
    closedir(d);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && sizes[j - 1] > sizes[j]; j--) {
            unsigned long long t = sizes[j];
            sizes[j] = sizes[j - 1];
            sizes[j - 1] = t;
        }
    return n;
}

static unsigned long long base_page_kib(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    return ps > 0 ? (unsigned long long)ps / 1024 : 4;
}

void host_format_page_sizes(struct host_buf *b, const char *indent)
{
    unsigned long long sizes[MAX_PAGE_SIZES];
    int n = huge_sizes("/sys/kernel/mm/hugepages", sizes, MAX_PAGE_SIZES);

    host_buf_printf(b, "%s<pages unit='KiB' size='%llu'/>\n", indent, base_page_kib());
    for (int i = 0; i < n; i++)
        host_buf_printf(b, "%s<pages unit='KiB' size='%llu'/>\n", indent, sizes[i]);
}

/* ---- topology ---- */

static void format_cell(struct host_buf *b, int id, const unsigned char *cpus, bool numa,
                        const int *nodes, int nn)
{
    char path[160], dist[4096];
    unsigned long long sizes[MAX_PAGE_SIZES], huge_kib = 0, counts[MAX_PAGE_SIZES];
    uint64_t mem;
    int ncpus = 0;

    if (numa) {
        snprintf(path, sizeof(path), SYS_NODE "/node%d/meminfo", id);
        mem = meminfo_kib(path, "MemTotal");
    } else {
        mem = meminfo_kib("/proc/meminfo", "MemTotal");
    }
    snprintf(path, sizeof(path), SYS_NODE "/node%d/hugepages", id);
    int ns = numa ? huge_sizes(path, sizes, MAX_PAGE_SIZES)
                  : huge_sizes("/sys/kernel/mm/hugepages", sizes, MAX_PAGE_SIZES);
    for (int i = 0; i < ns; i++) {
        long long v = 0;
        if (numa)
            snprintf(path, sizeof(path), SYS_NODE "/node%d/hugepages/hugepages-%llukB/nr_hugepages",
                     id, sizes[i]);
        else
            snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/hugepages-%llukB/nr_hugepages",
                     sizes[i]);
        if (read_long(path, &v) < 0 || v < 0)
            v = 0;
        counts[i] = (unsigned long long)v;
        huge_kib += counts[i] * sizes[i];
    }
    unsigned long long base = base_page_kib();
    host_buf_printf(b, "        <cell id='%d'>\n", id);
    host_buf_printf(b, "          <memory unit='KiB'>%llu</memory>\n", (unsigned long long)mem);
    host_buf_printf(b, "          <pages unit='KiB' size='%llu'>%llu</pages>\n", base,
                    mem > huge_kib ? (mem - huge_kib) / base : 0);
    for (int i = 0; i < ns; i++)
        host_buf_printf(b, "          <pages unit='KiB' size='%llu'>%llu</pages>\n", sizes[i],
                        counts[i]);
    snprintf(path, sizeof(path), SYS_NODE "/node%d/distance", id);
    if (numa && read_line(path, dist, sizeof(dist)) == 0) {
        host_buf_printf(b, "          <distances>\n");
        char *p = dist;
        for (int i = 0; i < nn; i++) {
            char *end;
            long v = strtol(p, &end, 10);
            if (end == p)
                break;
            p = end;
            host_buf_printf(b, "            <sibling id='%d' value='%ld'/>\n", nodes[i], v);
        }
        host_buf_printf(b, "          </distances>\n");
    }
    for (int i = 0; i < MAX_CPUS; i++)
        ncpus += cpus[i] && cpu_online(i) > 0;
    host_buf_printf(b, "          <cpus num='%d'>\n", ncpus);
    for (int i = 0; i < MAX_CPUS; i++) {
        struct cpu_topo t;
        if (!cpus[i])
            continue;
        cpu_topology(i, &t);
        if (t.online <= 0)
            continue;
        host_buf_printf(b,
                        "            <cpu id='%d' socket_id='%d' die_id='%d' core_id='%d' "
                        "siblings='%s'/>\n",
                        i, t.socket, t.die, t.core, t.siblings);
    }
    host_buf_printf(b, "          </cpus>\n");
    host_buf_printf(b, "        </cell>\n");
}

void host_format_topology(struct host_buf *b)
{
    static unsigned char cpus[MAX_CPUS];
    int nodes[MAX_NODES], nn = list_nodes(nodes, MAX_NODES);

    host_buf_printf(b, "    <topology>\n");
    host_buf_printf(b, "      <cells num='%d'>\n", nn ? nn : 1);
    if (!nn) {
        present_cpus(cpus);
        format_cell(b, 0, cpus, false, NULL, 0);
    }
    for (int i = 0; i < nn; i++) {
        node_cpus(nodes[i], cpus);
        format_cell(b, nodes[i], cpus, true, nodes, nn);
    }
    host_buf_printf(b, "      </cells>\n");
    host_buf_printf(b, "    </topology>\n");
}

/* ---- caches ---- */

struct bank {
    int id, level;
    char type[16], cpus[256];
    unsigned long long size_kib;
};

void host_format_cache(struct host_buf *b)
{
    static struct bank banks[256];
    int nb = 0;

    for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
        char path[192], buf[256];
        if (cpu_online(cpu) < 0)
            break;
        for (int idx = 0;; idx++) {
            struct bank k = {0};
            long long v;
            snprintf(path, sizeof(path), SYS_CPU "/cpu%d/cache/index%d/level", cpu, idx);
            if (read_long(path, &v) < 0)
                break;
            k.level = (int)v;
            /* libvirt reports level 3 and up only */
            if (k.level < 3)
                continue;
            snprintf(path, sizeof(path), SYS_CPU "/cpu%d/cache/index%d/id", cpu, idx);
            if (read_long(path, &v) < 0)
                continue;
            k.id = (int)v;
            snprintf(path, sizeof(path), SYS_CPU "/cpu%d/cache/index%d/type", cpu, idx);
            if (read_line(path, buf, sizeof(buf)) < 0)
                continue;
            snprintf(k.type, sizeof(k.type), "%s",
                     strcmp(buf, "Data") == 0          ? "data"
                     : strcmp(buf, "Instruction") == 0 ? "code"
                                                       : "both");
            snprintf(path, sizeof(path), SYS_CPU "/cpu%d/cache/index%d/size", cpu, idx);
            if (read_line(path, buf, sizeof(buf)) < 0)
                continue;
            k.size_kib = strtoull(buf, NULL, 10);
            if (strchr(buf, 'M'))
                k.size_kib *= 1024;
            snprintf(path, sizeof(path), SYS_CPU "/cpu%d/cache/index%d/shared_cpu_list", cpu, idx);
            if (read_line(path, k.cpus, sizeof(k.cpus)) < 0)
                continue;
            bool seen = false;
            for (int i = 0; i < nb; i++)
                seen |= banks[i].id == k.id && banks[i].level == k.level &&
                        strcmp(banks[i].type, k.type) == 0;
            if (!seen && nb < 256)
                banks[nb++] = k;
        }
    }
    if (!nb)
        return;
    /* libvirt sorts the banks by level, then id */
    for (int i = 1; i < nb; i++)
        for (int j = i; j > 0 && (banks[j - 1].level > banks[j].level ||
                                  (banks[j - 1].level == banks[j].level &&
                                   banks[j - 1].id > banks[j].id));
             j--) {
            struct bank t = banks[j];
            banks[j] = banks[j - 1];
            banks[j - 1] = t;
        }
    host_buf_printf(b, "    <cache>\n");
    for (int i = 0; i < nb; i++) {
        static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
        unsigned long long s = banks[i].size_kib;
        int u = 0;
        while (s && s % 1024 == 0 && u < 3) {
            s /= 1024;
            u++;
        }
        host_buf_printf(b,
                        "      <bank id='%d' level='%d' type='%s' size='%llu' unit='%s' "
                        "cpus='%s'/>\n",
                        banks[i].id, banks[i].level, banks[i].type, s, units[u], banks[i].cpus);
    }
    host_buf_printf(b, "    </cache>\n");
}

bool host_has_iommu(void)
{
    DIR *d = opendir("/sys/kernel/iommu_groups");
    struct dirent *e;
    bool any = false;

    if (!d)
        return false;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            any = true;
            break;
        }
    closedir(d);
    return any;
}

/* The first "microcode" of /proc/cpuinfo (libvirt's microcode version). */
unsigned long long host_microcode(void)
{
    FILE *f = fopen("/proc/cpuinfo", "re");
    char line[1024];
    unsigned long long v = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "microcode", 9) != 0)
            continue;
        char *p = strchr(line, ':');
        if (p)
            v = strtoull(p + 1, NULL, 0);
        break;
    }
    fclose(f);
    return v;
}

/* libvirt reads the host's SMBIOS tables with dmidecode when its QEMU
 * driver starts; where that fails (no dmidecode, no DMI tables: most VMs
 * and containers) it reports that they are not available. Reading and
 * formatting what dmidecode prints is not done: every host gets the
 * error for now. */
int host_sysinfo(char **out)
{
    *out = NULL;
    error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU, "%s",
                 "Host SMBIOS information is not available");
    return -1;
}

/* ---- the CPU map (virHostCPUGetMap) ---- */

/* Marks the CPUs of a sysfs list ("0-3,8") in map (bits, max CPUs);
 * returns one more than the highest, or -1 when the list is malformed. */
static int parse_cpu_list(const char *s, unsigned char *map, int max)
{
    int top = 0;

    while (*s && *s != '\n') {
        char *end;
        long a = strtol(s, &end, 10), b;
        if (end == s || a < 0 || a >= max)
            return -1;
        b = a;
        if (*end == '-') {
            s = end + 1;
            b = strtol(s, &end, 10);
            if (end == s || b < a || b >= max)
                return -1;
        }
        for (long c = a; c <= b; c++)
            if (map)
                map[c / 8] |= (unsigned char)(1 << (c % 8));
        if (b + 1 > top)
            top = (int)b + 1;
        s = *end == ',' ? end + 1 : end;
    }
    return top;
}

int host_cpu_map(unsigned char *map, int max, unsigned int *online)
{
    char present[4096], on[4096];
    int n;

    if (read_line(SYS_CPU "/present", present, sizeof(present)) < 0 ||
        (n = parse_cpu_list(present, NULL, max)) < 0 ||
        read_line(SYS_CPU "/online", on, sizeof(on)) < 0 ||
        parse_cpu_list(on, map, max) < 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_NONE, "%s", "unable to read the host's CPUs");
        return -1;
    }
    *online = 0;
    for (int c = 0; c < max; c++)
        if (map[c / 8] & (1 << (c % 8)))
            (*online)++;
    return n;
}

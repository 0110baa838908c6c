/* Host CPU, memory, page and CPU model commands (issue 17, area host):
 * nodecpumap, freecell, nodecpustats, nodememstats, freepages,
 * allocpages, nodesuspend, cpu-models, cpu-baseline, cpu-compare,
 * hypervisor-cpu-compare, hypervisor-cpu-baseline, domcapabilities.
 * Wording and layout are real virsh 9.0's. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "vsh.h"

static bool exclusive(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *a,
                      const char *b)
{
    if (vsh_opt_string(cmd, a) && vsh_opt_string(cmd, b)) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", a, b);
        return false;
    }
    return true;
}

/* A whole number option parsed as virsh parses it (long long, or
 * unsigned long long that refuses a sign): 0 not given, 1 parsed, -1
 * malformed (error printed). */
static int opt_llong(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *name,
                     long long *value, bool is_unsigned)
{
    const char *s = vsh_opt_string(cmd, name);
    char *end;

    if (!s)
        return 0;
    errno = 0;
    if (is_unsigned) {
        if (*s == '-' || *s == '+')
            goto bad;
        unsigned long long u = strtoull(s, &end, 10);
        if (u > LLONG_MAX)
            goto bad;
        *value = (long long)u;
    } else {
        *value = strtoll(s, &end, 10);
    }
    if (!*s || *end || errno)
        goto bad;
    return 1;
bad:
    vsh_error(ctl, "Numeric value '%s' for <%s> option is malformed or out of range", s, name);
    return -1;
}

/* The host's capabilities, parsed (no DTD is read), with an XPath
 * context; false with the error reported. */
static bool capabilities(struct vsh_ctl *ctl, xmlDocPtr *doc, xmlXPathContextPtr *xp)
{
    char *caps = virConnectGetCapabilities(ctl->conn);

    if (!caps) {
        vsh_error(ctl, "%s", "unable to get node capabilities");
        return false;
    }
    *doc = xmlReadMemory(caps, (int)strlen(caps), "capabilities.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
    free(caps);
    if (!*doc || !(*xp = xmlXPathNewContext(*doc))) {
        xmlFreeDoc(*doc);
        vsh_error(ctl, "%s", "unable to get node capabilities");
        return false;
    }
    return true;
}

static void capabilities_free(xmlDocPtr doc, xmlXPathContextPtr xp)
{
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
}

/* The numbers an XPath selects: each node's attribute (or text when
 * attr is NULL). Returns their count (0..max). */
static int xpath_numbers(xmlXPathContextPtr xp, const char *path, const char *attr,
                         unsigned long *out, int max)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)path, xp);
    int n = 0;

    if (o && o->nodesetval) {
        for (int i = 0; i < o->nodesetval->nodeNr && n < max; i++) {
            xmlNodePtr node = o->nodesetval->nodeTab[i];
            xmlChar *v = attr ? xmlGetProp(node, (const xmlChar *)attr) : xmlNodeGetContent(node);
            if (v)
                out[n++] = strtoul((const char *)v, NULL, 10);
            xmlFree(v);
        }
    }
    xmlXPathFreeObject(o);
    return n;
}

#define MAX_CELLS 1024

static const struct vsh_opt_def opts_nodecpumap[] = {
    {"pretty", VSH_OT_BOOL, 0},
    {NULL, 0, 0},
};

static bool cmd_nodecpumap(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned char *map = NULL;
    unsigned int online = 0;
    int n = virNodeGetCPUMap(ctl->conn, &map, &online, 0);

    if (n < 0) {
        vsh_error(ctl, "%s", "Unable to get cpu map");
        return false;
    }
    vsh_print(ctl, "%-15s %d\n", "CPUs present:", n);
    vsh_print(ctl, "%-15s %u\n", "CPUs online:", online);
    vsh_print(ctl, "%-15s ", "CPU map:");
    if (vsh_opt_bool(cmd, "pretty")) {
        /* libvirt's bitmap format: runs of two or more as "a-b" */
        bool first = true;
        for (int c = 0; c < n; c++) {
            if (!(map[c / 8] & (1 << (c % 8))))
                continue;
            int end = c;
            while (end + 1 < n && (map[(end + 1) / 8] & (1 << ((end + 1) % 8))))
                end++;
            vsh_print(ctl, end > c ? "%s%d-%d" : "%s%d", first ? "" : ",", c, end);
            first = false;
            c = end;
        }
    } else {
        for (int c = 0; c < n; c++)
            vsh_print(ctl, "%c", map[c / 8] & (1 << (c % 8)) ? 'y' : '-');
    }
    vsh_print(ctl, "\n");
    free(map);
    return true;
}

static const struct vsh_opt_def opts_freecell[] = {
    {"cellno", VSH_OT_INT, 0},
    {"all", VSH_OT_BOOL, 0},
    {NULL, 0, 0},
};

static bool cmd_freecell(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool all = vsh_opt_bool(cmd, "all");
    int cell = -1, has_cell;
    unsigned long long mem;

    if (all && vsh_opt_string(cmd, "cellno")) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", "all", "cellno");
        return false;
    }
    if ((has_cell = vsh_opt_int(ctl, cmd, "cellno", &cell)) < 0)
        return false;
    if (all) {
        xmlDocPtr doc;
        xmlXPathContextPtr xp;
        unsigned long ids[MAX_CELLS];
        unsigned long long free_mem[MAX_CELLS], total = 0;
        int n;

        if (!capabilities(ctl, &doc, &xp))
            return false;
        n = xpath_numbers(xp, "/capabilities/host/topology/cells/cell", "id", ids, MAX_CELLS);
        capabilities_free(doc, xp);
        for (int i = 0; i < n; i++) {
            if (virNodeGetCellsFreeMemory(ctl->conn, &free_mem[i], (int)ids[i], 1) != 1) {
                vsh_error(ctl, "failed to get free memory for NUMA node number: %lu", ids[i]);
                return false;
            }
        }
        for (int i = 0; i < n; i++) {
            vsh_print(ctl, "%5lu: %10llu KiB\n", ids[i], free_mem[i] / 1024);
            total += free_mem[i];
        }
        vsh_print_extra(ctl, "--------------------\n");
        vsh_print_extra(ctl, "%5s: %10llu KiB\n", "Total", total / 1024);
        return true;
    }
    if (has_cell) {
        if (virNodeGetCellsFreeMemory(ctl->conn, &mem, cell, 1) != 1)
            return false;
        vsh_print(ctl, "%d: %llu KiB\n", cell, mem / 1024);
        return true;
    }
    if ((mem = virNodeGetFreeMemory(ctl->conn)) == 0)
        return false;
    vsh_print(ctl, "%s: %llu KiB\n", "Total", mem / 1024);
    return true;
}

static const struct vsh_opt_def opts_nodecpustats[] = {
    {"cpu", VSH_OT_INT, 0},
    {"percent", VSH_OT_BOOL, 0},
    {NULL, 0, 0},
};

enum { CPU_USER, CPU_SYSTEM, CPU_IDLE, CPU_IOWAIT, CPU_INTR, CPU_NSTATS };

static bool cmd_nodecpustats(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const char *const fields[CPU_NSTATS] = {VIR_NODE_CPU_STATS_USER,
                                                   VIR_NODE_CPU_STATS_KERNEL,
                                                   VIR_NODE_CPU_STATS_IDLE,
                                                   VIR_NODE_CPU_STATS_IOWAIT,
                                                   VIR_NODE_CPU_STATS_INTR};
    static const char *const labels[CPU_NSTATS] = {"user:", "system:", "idle:", "iowait:",
                                                   "intr:"};
    bool percent = vsh_opt_bool(cmd, "percent");
    int cpu = VIR_NODE_CPU_STATS_ALL_CPUS, nparams = 0;
    unsigned long long stats[2][CPU_NSTATS] = {{0}};
    bool present[CPU_NSTATS] = {false};
    virNodeCPUStatsPtr params;
    bool ok = false;

    if (vsh_opt_int(ctl, cmd, "cpu", &cpu) < 0)
        return false;
    if (virNodeGetCPUStats(ctl->conn, cpu, NULL, &nparams, 0) != 0) {
        vsh_error(ctl, "%s", "Unable to get number of cpu stats");
        return false;
    }
    if (nparams == 0)
        return true;
    if (!(params = calloc((size_t)nparams, sizeof(*params))))
        return false;
    for (int round = 0; round < 2; round++) {
        int n = nparams;
        if (virNodeGetCPUStats(ctl->conn, cpu, params, &n, 0) != 0) {
            vsh_error(ctl, "%s", "Unable to get node cpu stats");
            goto out;
        }
        for (int i = 0; i < n; i++)
            for (int k = 0; k < CPU_NSTATS; k++)
                if (strcmp(params[i].field, fields[k]) == 0) {
                    stats[round][k] = params[i].value;
                    present[k] = true;
                }
        if (!percent) {
            for (int k = 0; k < CPU_NSTATS; k++)
                if (present[k])
                    vsh_print(ctl, "%-15s %20llu\n", labels[k], stats[0][k]);
            ok = true;
            goto out;
        }
        if (round == 0)
            sleep(1);
    }
    double delta[CPU_NSTATS], total = 0;
    for (int k = 0; k < CPU_INTR; k++) {
        delta[k] = (double)(stats[1][k] - stats[0][k]);
        total += delta[k];
    }
    vsh_print(ctl, "%-15s %5.1lf%%\n", "usage:", (delta[CPU_USER] + delta[CPU_SYSTEM]) / total * 100);
    for (int k = 0; k < CPU_INTR; k++)
        vsh_print(ctl, "%-15s %5.1lf%%\n", labels[k], delta[k] / total * 100);
    ok = true;
out:
    free(params);
    return ok;
}

static const struct vsh_opt_def opts_nodememstats[] = {
    {"cell", VSH_OT_INT, 0},
    {NULL, 0, 0},
};

static bool cmd_nodememstats(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    int cell = VIR_NODE_MEMORY_STATS_ALL_CELLS, nparams = 0;
    virNodeMemoryStatsPtr params;

    if (vsh_opt_int(ctl, cmd, "cell", &cell) < 0)
        return false;
    if (virNodeGetMemoryStats(ctl->conn, cell, NULL, &nparams, 0) != 0) {
        vsh_error(ctl, "%s", "Unable to get number of memory stats");
        return false;
    }
    if (nparams == 0)
        return true;
    if (!(params = calloc((size_t)nparams, sizeof(*params))))
        return false;
    if (virNodeGetMemoryStats(ctl->conn, cell, params, &nparams, 0) != 0) {
        vsh_error(ctl, "%s", "Unable to get memory stats");
        free(params);
        return false;
    }
    for (int i = 0; i < nparams; i++)
        vsh_print(ctl, "%-7s: %20llu KiB\n", params[i].field, params[i].value);
    free(params);
    return true;
}

/* --pagesize: a size (KiB without a unit), in KiB rounded up. */
static int opt_pagesize(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, unsigned int *kib)
{
    unsigned long long bytes = 0;
    int r = vsh_opt_scaled(ctl, cmd, "pagesize", &bytes, 1024, UINT_MAX * 1024ULL);

    if (r > 0)
        *kib = (unsigned int)((bytes + 1023) / 1024);
    return r;
}

static const struct vsh_opt_def opts_freepages[] = {
    {"cellno", VSH_OT_INT, 0},
    {"pagesize", VSH_OT_INT, 0},
    {"all", VSH_OT_BOOL, 0},
    {NULL, 0, 0},
};

static bool cmd_freepages(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool all = vsh_opt_bool(cmd, "all");
    int cell = -1, has_cell, has_size;
    unsigned int size = 0;
    unsigned long long count = 0;

    if (all && vsh_opt_string(cmd, "cellno")) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", "all", "cellno");
        return false;
    }
    if ((has_cell = vsh_opt_int(ctl, cmd, "cellno", &cell)) < 0)
        return false;
    if ((has_size = opt_pagesize(ctl, cmd, &size)) < 0)
        return false;
    if (all) {
        xmlDocPtr doc;
        xmlXPathContextPtr xp;
        unsigned long ids[MAX_CELLS], sizes[64];
        unsigned int pages[64];
        unsigned long long counts[64];
        int ncells, npages;

        if (!capabilities(ctl, &doc, &xp))
            return false;
        if (has_size) {
            sizes[0] = size;
            npages = 1;
        } else {
            npages = xpath_numbers(xp, "/capabilities/host/cpu/pages", "size", sizes, 64);
        }
        ncells = xpath_numbers(xp, "/capabilities/host/topology/cells/cell", "id", ids,
                               MAX_CELLS);
        capabilities_free(doc, xp);
        for (int i = 0; i < npages; i++)
            pages[i] = (unsigned int)sizes[i];
        for (int c = 0; c < ncells; c++) {
            if (npages == 0 ||
                virNodeGetFreePages(ctl->conn, (unsigned int)npages, pages, (int)ids[c], 1,
                                    counts, 0) < 0)
                return false;
            vsh_print(ctl, "Node %lu:\n", ids[c]);
            for (int i = 0; i < npages; i++)
                vsh_print(ctl, "%uKiB: %lld\n", pages[i], (long long)counts[i]);
            vsh_print(ctl, "%c", '\n');
        }
        return true;
    }
    if (!has_cell) {
        vsh_error(ctl, "%s", "missing cellno argument");
        return false;
    }
    if (!has_size) {
        vsh_error(ctl, "%s", "missing pagesize argument");
        return false;
    }
    if (cell < -1) {
        vsh_error(ctl, "%s", "cell number must be non-negative integer or -1");
        return false;
    }
    if (virNodeGetFreePages(ctl->conn, 1, &size, cell, 1, &count, 0) < 0)
        return false;
    vsh_print(ctl, "%uKiB: %lld\n", size, (long long)count);
    return true;
}

static const struct vsh_opt_def opts_allocpages[] = {
    {"pagesize", VSH_OT_INT, VSH_OFLAG_REQ},
    {"pagecount", VSH_OT_INT, VSH_OFLAG_REQ},
    {"cellno", VSH_OT_INT, 0},
    {"add", VSH_OT_BOOL, 0},
    {"all", VSH_OT_BOOL, 0},
    {NULL, 0, 0},
};

static bool cmd_allocpages(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool all = vsh_opt_bool(cmd, "all");
    int cell = -1;
    unsigned int size = 0;
    long long count = 0;
    unsigned long long counts[1];
    unsigned int flags = vsh_opt_bool(cmd, "add") ? VIR_NODE_ALLOC_PAGES_ADD
                                                  : VIR_NODE_ALLOC_PAGES_SET;

    if (all && vsh_opt_string(cmd, "cellno")) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", "all", "cellno");
        return false;
    }
    if (vsh_opt_int(ctl, cmd, "cellno", &cell) < 0 || opt_pagesize(ctl, cmd, &size) < 0 ||
        opt_llong(ctl, cmd, "pagecount", &count, true) < 0)
        return false;
    counts[0] = (unsigned long long)count;
    if (all) {
        xmlDocPtr doc;
        xmlXPathContextPtr xp;
        unsigned long ids[MAX_CELLS];
        int n;

        if (!capabilities(ctl, &doc, &xp))
            return false;
        n = xpath_numbers(xp, "/capabilities/host/topology/cells/cell", "id", ids, MAX_CELLS);
        capabilities_free(doc, xp);
        for (int i = 0; i < n; i++)
            if (virNodeAllocPages(ctl->conn, 1, &size, counts, (int)ids[i], 1, flags) < 0)
                return false;
        return true;
    }
    return virNodeAllocPages(ctl->conn, 1, &size, counts, cell, 1, flags) >= 0;
}

static const struct vsh_opt_def opts_nodesuspend[] = {
    {"target", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"duration", VSH_OT_INT, VSH_OFLAG_REQ},
    {NULL, 0, 0},
};

static bool cmd_nodesuspend(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const char *const targets[] = {"mem", "disk", "hybrid"};
    const char *target = vsh_opt_string(cmd, "target");
    long long duration = 0;
    int t = -1;

    if (opt_llong(ctl, cmd, "duration", &duration, false) < 0)
        return false;
    for (int i = 0; i < 3; i++)
        if (strcmp(target, targets[i]) == 0)
            t = i;
    if (t < 0) {
        vsh_error(ctl, "%s", "Invalid target");
        return false;
    }
    if (duration < 0) {
        vsh_error(ctl, "%s", "Invalid duration");
        return false;
    }
    if (virNodeSuspendForDuration(ctl->conn, (unsigned int)t, (unsigned long long)duration, 0) <
        0) {
        vsh_error(ctl, "%s", "The host was not suspended");
        return false;
    }
    return true;
}

static const struct vsh_opt_def opts_cpu_models[] = {
    {"arch", VSH_OT_DATA, VSH_OFLAG_REQ},
    {NULL, 0, 0},
};

static bool cmd_cpu_models(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    char **models = NULL;
    int n = virConnectGetCPUModelNames(ctl->conn, vsh_opt_string(cmd, "arch"), &models, 0);

    if (n < 0) {
        vsh_error(ctl, "%s", "failed to get CPU model names");
        return false;
    }
    if (n == 0)
        vsh_print_extra(ctl, "%s\n", "all CPU models are accepted");
    for (int i = 0; models && models[i]; i++) {
        vsh_print(ctl, "%s\n", models[i]);
        free(models[i]);
    }
    free(models);
    return true;
}

/* libxml2's fatal error as libvirt reports a file's: "FILE:LINE: MESSAGE",
 * the line and a caret under where it stopped. */
static void xml_error(void *ctx, const char *msg, ...)
{
    xmlParserCtxtPtr ctxt = ctx;
    char **out = ctxt->_private;

    (void)msg;
    if (*out || !ctxt->input || ctxt->lastError.level != XML_ERR_FATAL ||
        !ctxt->lastError.message)
        return;
    const xmlChar *base = ctxt->input->base, *cur = ctxt->input->cur;
    while (cur > base && (*cur == '\n' || *cur == '\r'))
        cur--;
    while (cur > base && *cur != '\n' && *cur != '\r')
        cur--;
    if (*cur == '\n' || *cur == '\r')
        cur++;
    size_t col = (size_t)(ctxt->input->cur - cur), len = 0;
    while (cur[len] && cur[len] != '\n' && cur[len] != '\r')
        len++;
    char *caret = malloc(col + 2);
    if (!caret)
        return;
    size_t k = 0;
    for (; k < col && k < len; k++)
        caret[k] = cur[k] == '\t' ? '\t' : '-';
    caret[k++] = '^';
    caret[k] = '\0';
    if (asprintf(out, "%s:%d: %s%.*s\n%s", ctxt->lastError.file ? ctxt->lastError.file : "",
                 ctxt->lastError.line, ctxt->lastError.message, (int)len,
                 len ? (const char *)cur : "(null)", caret) < 0)
        *out = NULL;
    free(caret);
}

static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                           const xmlChar *system_id)
{
    (void)name;
    (void)external_id;
    (void)system_id;
    xmlStopParser(ctx);
}

/* The CPU definitions a file holds, as virsh finds them: <cpu> elements
 * at its top, a domain's, the host's in capabilities, or the host-model
 * of domain capabilities. A NULL-terminated list (caller frees), or NULL
 * with the error printed. */
static char **file_cpus(struct vsh_ctl *ctl, const char *path, unsigned int *n)
{
    char *text = vsh_read_file(ctl, path), *wrapped = NULL, *err = NULL, **cpus = NULL;
    const char *body;
    xmlParserCtxtPtr ctxt = NULL;
    xmlDocPtr doc = NULL;
    xmlXPathContextPtr xp = NULL;
    xmlXPathObjectPtr o = NULL;

    if (!text)
        return NULL;
    /* the prolog cannot be inside the wrapper */
    body = text;
    if (strncmp(body, "<?xml", 5) == 0 && strstr(body, "?>"))
        body = strstr(body, "?>") + 2;
    if (asprintf(&wrapped, "<container>%s</container>", body) < 0)
        goto out;
    if (!(ctxt = xmlNewParserCtxt()))
        goto out;
    ctxt->_private = &err;
    ctxt->sax->error = xml_error;
    ctxt->sax->internalSubset = refuse_doctype;
    doc = xmlCtxtReadMemory(ctxt, wrapped, (int)strlen(wrapped), path, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOWARNING);
    if (!doc || !ctxt->wellFormed) {
        vsh_error(ctl, "%s", err ? err : "failed to parse XML");
        goto out;
    }
    xp = xmlXPathNewContext(doc);
    o = xp ? xmlXPathEvalExpression(
                 (const xmlChar *)"/container/cpu|/container/domain/cpu|"
                                  "/container/capabilities/host/cpu|"
                                  "/container/domainCapabilities/cpu/"
                                  "mode[@name='host-model' and @supported='yes']",
                 xp)
           : NULL;
    if (!o || !o->nodesetval || o->nodesetval->nodeNr == 0) {
        vsh_error(ctl,
                  "File '%s' does not contain any <cpu> element or valid domain XML, host "
                  "capabilities XML, or domain capabilities XML",
                  path);
        goto out;
    }
    *n = (unsigned int)o->nodesetval->nodeNr;
    if (!(cpus = calloc(*n + 1, sizeof(char *))))
        goto out;
    for (unsigned int i = 0; i < *n; i++) {
        xmlNodePtr node = o->nodesetval->nodeTab[i];
        xmlBufferPtr buf = xmlBufferCreate();
        /* the domain capabilities' host-model is a <cpu> to the daemon */
        if (strcmp((const char *)node->name, "mode") == 0) {
            xmlNodeSetName(node, (const xmlChar *)"cpu");
            xmlUnsetProp(node, (const xmlChar *)"name");
            xmlUnsetProp(node, (const xmlChar *)"supported");
        }
        if (!buf || xmlNodeDump(buf, doc, node, 0, 0) < 0 ||
            !(cpus[i] = strdup((const char *)xmlBufferContent(buf)))) {
            xmlBufferFree(buf);
            for (unsigned int k = 0; k < i; k++)
                free(cpus[k]);
            free(cpus);
            cpus = NULL;
            goto out;
        }
        xmlBufferFree(buf);
    }
out:
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    free(err);
    free(wrapped);
    free(text);
    return cpus;
}

static void free_list(char **list)
{
    for (size_t i = 0; list && list[i]; i++)
        free(list[i]);
    free(list);
}

static const struct vsh_opt_def opts_cpu_baseline[] = {
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"features", VSH_OT_BOOL, 0},
    {"migratable", VSH_OT_BOOL, 0},
    {NULL, 0, 0},
};

static bool cmd_cpu_baseline(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int n = 0, flags = 0;
    char **cpus, *result;

    if (vsh_opt_bool(cmd, "features"))
        flags |= VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES;
    if (vsh_opt_bool(cmd, "migratable"))
        flags |= VIR_CONNECT_BASELINE_CPU_MIGRATABLE;
    if (!(cpus = file_cpus(ctl, vsh_opt_string(cmd, "file"), &n)))
        return false;
    result = virConnectBaselineCPU(ctl->conn, (const char **)cpus, n, flags);
    free_list(cpus);
    if (!result)
        return false;
    vsh_print(ctl, "%s", result);
    free(result);
    return true;
}

/* What cpu-compare and hypervisor-cpu-compare say of the result. */
static bool print_comparison(struct vsh_ctl *ctl, int result, const char *what, const char *file)
{
    switch (result) {
    case VIR_CPU_COMPARE_INCOMPATIBLE:
        vsh_print(ctl, "CPU described in %s is incompatible with %s\n", file, what);
        return false;
    case VIR_CPU_COMPARE_IDENTICAL:
        vsh_print(ctl, "CPU described in %s is identical to %s\n", file, what);
        return true;
    case VIR_CPU_COMPARE_SUPERSET:
        vsh_print(ctl, "%s is a superset of CPU described in %s\n", what, file);
        return true;
    default:
        return false;
    }
}

static const struct vsh_opt_def opts_cpu_compare[] = {
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"error", VSH_OT_BOOL, 0},
    {"validate", VSH_OT_BOOL, 0},
    {NULL, 0, 0},
};

static bool cmd_cpu_compare(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file");
    unsigned int n = 0, flags = 0;
    char **cpus;
    int r;

    if (vsh_opt_bool(cmd, "error"))
        flags |= VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE;
    if (vsh_opt_bool(cmd, "validate"))
        flags |= VIR_CONNECT_COMPARE_CPU_VALIDATE_XML;
    if (!(cpus = file_cpus(ctl, file, &n)))
        return false;
    r = virConnectCompareCPU(ctl->conn, cpus[0], flags);
    free_list(cpus);
    if (r == VIR_CPU_COMPARE_ERROR) {
        vsh_error(ctl, "Failed to compare host CPU with %s", file);
        return false;
    }
    return print_comparison(ctl, r, "host CPU", file);
}

static const struct vsh_opt_def opts_hv_cpu_compare[] = {
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"virttype", VSH_OT_STRING, 0},
    {"emulator", VSH_OT_STRING, 0},
    {"arch", VSH_OT_STRING, 0},
    {"machine", VSH_OT_STRING, 0},
    {"error", VSH_OT_BOOL, 0},
    {"validate", VSH_OT_BOOL, 0},
    {NULL, 0, 0},
};

static bool cmd_hv_cpu_compare(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file");
    unsigned int n = 0, flags = 0;
    char **cpus;
    int r;

    if (vsh_opt_bool(cmd, "error"))
        flags |= VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE;
    if (vsh_opt_bool(cmd, "validate"))
        flags |= VIR_CONNECT_COMPARE_CPU_VALIDATE_XML;
    if (!(cpus = file_cpus(ctl, file, &n)))
        return false;
    r = virConnectCompareHypervisorCPU(ctl->conn, vsh_opt_string(cmd, "emulator"),
                                       vsh_opt_string(cmd, "arch"),
                                       vsh_opt_string(cmd, "machine"),
                                       vsh_opt_string(cmd, "virttype"), cpus[0], flags);
    free_list(cpus);
    if (r == VIR_CPU_COMPARE_ERROR) {
        vsh_error(ctl, "Failed to compare hypervisor CPU with %s", file);
        return false;
    }
    return print_comparison(ctl, r, "the CPU provided by hypervisor on the host", file);
}

static const struct vsh_opt_def opts_hv_cpu_baseline[] = {
    {"file", VSH_OT_STRING, 0},
    {"virttype", VSH_OT_STRING, 0},
    {"emulator", VSH_OT_STRING, 0},
    {"arch", VSH_OT_STRING, 0},
    {"machine", VSH_OT_STRING, 0},
    {"features", VSH_OT_BOOL, 0},
    {"migratable", VSH_OT_BOOL, 0},
    {"model", VSH_OT_STRING, 0},
    {NULL, 0, 0},
};

static bool cmd_hv_cpu_baseline(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file"), *model = vsh_opt_string(cmd, "model");
    unsigned int n = 0, flags = 0;
    char **cpus = NULL, *result, *one[2] = {NULL, NULL};

    if (!exclusive(ctl, cmd, "file", "model"))
        return false;
    if (!file && !model) {
        vsh_error(ctl, "%s", "Either --file or --model must be provided");
        return false;
    }
    if (vsh_opt_bool(cmd, "features"))
        flags |= VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES;
    if (vsh_opt_bool(cmd, "migratable"))
        flags |= VIR_CONNECT_BASELINE_CPU_MIGRATABLE;
    if (file) {
        if (!(cpus = file_cpus(ctl, file, &n)))
            return false;
    } else {
        if (asprintf(&one[0], "<cpu>\n  <model>%s</model>\n</cpu>", model) < 0)
            return false;
        cpus = one;
        n = 1;
    }
    result = virConnectBaselineHypervisorCPU(ctl->conn, vsh_opt_string(cmd, "emulator"),
                                             vsh_opt_string(cmd, "arch"),
                                             vsh_opt_string(cmd, "machine"),
                                             vsh_opt_string(cmd, "virttype"),
                                             (const char **)cpus, n, flags);
    if (cpus == one)
        free(one[0]);
    else
        free_list(cpus);
    if (!result)
        return false;
    vsh_print(ctl, "%s", result);
    free(result);
    return true;
}

static const struct vsh_opt_def opts_domcapabilities[] = {
    {"virttype", VSH_OT_STRING, 0},
    {"emulatorbin", VSH_OT_STRING, 0},
    {"arch", VSH_OT_STRING, 0},
    {"machine", VSH_OT_STRING, 0},
    {NULL, 0, 0},
};

static bool cmd_domcapabilities(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    char *caps = virConnectGetDomainCapabilities(
        ctl->conn, vsh_opt_string(cmd, "emulatorbin"), vsh_opt_string(cmd, "arch"),
        vsh_opt_string(cmd, "machine"), vsh_opt_string(cmd, "virttype"), 0);

    if (!caps) {
        vsh_error(ctl, "%s", "failed to get emulator capabilities");
        return false;
    }
    vsh_print(ctl, "%s\n", caps);
    free(caps);
    return true;
}

const struct vsh_cmd_def vsh_node_cmds[] = {
    {"nodecpumap", cmd_nodecpumap, opts_nodecpumap, "node cpu map", false},
    {"freecell", cmd_freecell, opts_freecell, "NUMA free memory", false},
    {"nodecpustats", cmd_nodecpustats, opts_nodecpustats, "Prints cpu stats of the node.",
     false},
    {"nodememstats", cmd_nodememstats, opts_nodememstats, "Prints memory stats of the node.",
     false},
    {"freepages", cmd_freepages, opts_freepages, "NUMA free pages", false},
    {"allocpages", cmd_allocpages, opts_allocpages, "Manipulate pages pool size", false},
    {"nodesuspend", cmd_nodesuspend, opts_nodesuspend,
     "suspend the host node for a given time duration", false},
    {"cpu-models", cmd_cpu_models, opts_cpu_models, "CPU models", false},
    {"cpu-baseline", cmd_cpu_baseline, opts_cpu_baseline, "compute baseline CPU", false},
    {"cpu-compare", cmd_cpu_compare, opts_cpu_compare,
     "compare host CPU with a CPU described by an XML file", false},
    {"hypervisor-cpu-compare", cmd_hv_cpu_compare, opts_hv_cpu_compare,
     "compare a CPU with the CPU created by a hypervisor on the host", false},
    {"hypervisor-cpu-baseline", cmd_hv_cpu_baseline, opts_hv_cpu_baseline,
     "compute baseline CPU usable by a specific hypervisor", false},
    {"domcapabilities", cmd_domcapabilities, opts_domcapabilities, "domain capabilities",
     false},
    {NULL, NULL, NULL, NULL, false},
};

/* The host-level public functions of issue 17 that convert between the
 * caller's arrays and the wire's: the CPU map, free memory per cell and
 * in all, CPU and memory statistics, free and allocated pages, CPU model
 * names and the baselines of CPUs. Checks and messages are libvirt 9.0's
 * (its public functions' and its remote driver's). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

/* libvirt's virCheck*Arg failures: "WHAT in FUNC must HOW", the message
 * alone, no code text. */
static void bad_arg(virConnectPtr conn, const char *what, const char *func, const char *how)
{
    char msg[200];

    snprintf(msg, sizeof(msg), "%s in %s must %s", what, func, how);
    error_set_message(ERR_INVALID_ARG, VIR_FROM_DOMAIN, msg);
    api_fail(conn);
}

#define CHECK_NONNEG(conn, v, fail)                                                      \
    do {                                                                                 \
        if ((v) < 0) {                                                                   \
            bad_arg(conn, #v, __func__, "be zero or greater");             \
            return fail;                                                                 \
        }                                                                                \
    } while (0)
#define CHECK_POSITIVE(conn, v, fail)                                                    \
    do {                                                                                 \
        if ((v) <= 0) {                                                                  \
            bad_arg(conn, #v, __func__, "be greater than zero");           \
            return fail;                                                                 \
        }                                                                                \
    } while (0)
#define CHECK_NONZERO(conn, v, fail)                                                     \
    do {                                                                                 \
        if ((v) == 0) {                                                                  \
            bad_arg(conn, #v, __func__, "not be zero");                    \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

static void no_memory(virConnectPtr conn)
{
    error_report(ERR_NO_MEMORY, VIR_FROM_NONE, NULL);
    api_fail(conn);
}

static int too_many_cells(virConnectPtr conn, unsigned long long n)
{
    error_report(ERR_RPC, VIR_FROM_REMOTE, "too many NUMA cells: %llu > %d", n,
                 REMOTE_NODE_MAX_CELLS);
    api_fail(conn);
    return -1;
}

/* 0 is libvirt's failure: a driver that reports no free memory fails. */
unsigned long long virNodeGetFreeMemory(virConnectPtr conn)
{
    remote_node_get_free_memory_ret r;

    CHECK_CONN(conn, 0);
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_NODE_GET_FREE_MEMORY, NULL, NULL,
            XA(remote_node_get_free_memory_ret), &r) < 0)
        return 0;
    if (r.freeMem == 0) {
        error_set_message(ERR_INTERNAL_ERROR, VIR_FROM_NONE,
                          "An error occurred, but the cause is unknown");
        api_fail(conn);
    }
    return r.freeMem;
}

int virNodeGetCellsFreeMemory(virConnectPtr conn, unsigned long long *freeMems, int startCell,
                              int maxCells)
{
    remote_node_get_cells_free_memory_args a;
    remote_node_get_cells_free_memory_ret r;

    CHECK_CONN(conn, -1);
    CHECK_ARG(conn, freeMems, -1);
    CHECK_POSITIVE(conn, maxCells, -1);
    CHECK_NONNEG(conn, startCell, -1);
    if (maxCells > REMOTE_NODE_MAX_CELLS)
        return too_many_cells(conn, (unsigned long long)maxCells);
    a.startCell = startCell;
    a.maxcells = maxCells;
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_NODE_GET_CELLS_FREE_MEMORY, XA(remote_node_get_cells_free_memory_args),
            &a, XA(remote_node_get_cells_free_memory_ret), &r) < 0)
        return -1;
    u_int n = r.cells.cells_len <= (u_int)maxCells ? r.cells.cells_len : (u_int)maxCells;
    for (u_int i = 0; i < n; i++)
        freeMems[i] = r.cells.cells_val[i];
    xdr_free(XA(remote_node_get_cells_free_memory_ret), (char *)&r);
    return (int)n;
}

int virNodeGetCPUMap(virConnectPtr conn, unsigned char **cpumap, unsigned int *online,
                     unsigned int flags)
{
    remote_node_get_cpu_map_args a = {.need_map = !!cpumap, .need_online = !!online,
                                      .flags = flags};
    remote_node_get_cpu_map_ret r;
    int rc;

    CHECK_CONN(conn, -1);
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_NODE_GET_CPU_MAP, XA(remote_node_get_cpu_map_args), &a,
            XA(remote_node_get_cpu_map_ret), &r) < 0)
        return -1;
    rc = r.ret;
    if (rc >= 0 && cpumap) {
        if (!(*cpumap = calloc(1, r.cpumap.cpumap_len ? r.cpumap.cpumap_len : 1))) {
            xdr_free(XA(remote_node_get_cpu_map_ret), (char *)&r);
            no_memory(conn);
            return -1;
        }
        memcpy(*cpumap, r.cpumap.cpumap_val, r.cpumap.cpumap_len);
    }
    if (rc >= 0 && online)
        *online = r.online;
    xdr_free(XA(remote_node_get_cpu_map_ret), (char *)&r);
    return rc;
}

/* The stats calls' shared checks (virNodeGetCPUStats and
 * virNodeGetMemoryStats): a NULL array asks for the count. */
static int check_stats_args(virConnectPtr conn, const void *params, int *nparams, int index,
                            const char *index_name, const char *func)
{
    char msg[160];

    if (!nparams) {
        api_invalid_arg(func, "nparams");
        api_fail(conn);
        return -1;
    }
    if (*nparams < 0) {
        bad_arg(conn, "nparams", func, "be zero or greater");
        return -1;
    }
    if ((!params && *nparams != 0) || (params && *nparams == 0)) {
        snprintf(msg, sizeof(msg), "params in %s must be %s", func,
                 params ? "NULL" : "non-NULL");
        error_set_message(ERR_INVALID_ARG, VIR_FROM_DOMAIN, msg);
        api_fail(conn);
        return -1;
    }
    if (index < 0 && index != -1) {
        snprintf(msg, sizeof(msg), "%s in %s only accepts %d as a negative value", index_name,
                 func, -1);
        error_set_message(ERR_INVALID_ARG, VIR_FROM_DOMAIN, msg);
        api_fail(conn);
        return -1;
    }
    return 0;
}

int virNodeGetCPUStats(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params, int *nparams,
                       unsigned int flags)
{
    remote_node_get_cpu_stats_args a;
    remote_node_get_cpu_stats_ret r;
    int rc = 0;

    CHECK_CONN(conn, -1);
    if (check_stats_args(conn, params, nparams, cpuNum, "cpuNum", __func__) < 0)
        return -1;
    a.cpuNum = cpuNum;
    a.nparams = *nparams;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_NODE_GET_CPU_STATS, XA(remote_node_get_cpu_stats_args), &a,
            XA(remote_node_get_cpu_stats_ret), &r) < 0)
        return -1;
    if (r.params.params_len > (u_int)*nparams) {
        error_report(ERR_RPC, VIR_FROM_REMOTE, "%s",
                     "remoteNodeGetCPUStats: returned number of stats exceeds limit");
        api_fail(conn);
        rc = -1;
    } else if (*nparams == 0) {
        *nparams = r.nparams;
    } else {
        for (u_int i = 0; i < r.params.params_len; i++) {
            snprintf(params[i].field, VIR_NODE_CPU_STATS_FIELD_LENGTH, "%s",
                     r.params.params_val[i].field);
            params[i].value = r.params.params_val[i].value;
        }
        *nparams = (int)r.params.params_len;
    }
    xdr_free(XA(remote_node_get_cpu_stats_ret), (char *)&r);
    return rc;
}

int virNodeGetMemoryStats(virConnectPtr conn, int cellNum, virNodeMemoryStatsPtr params,
                          int *nparams, unsigned int flags)
{
    remote_node_get_memory_stats_args a;
    remote_node_get_memory_stats_ret r;
    int rc = 0;

    CHECK_CONN(conn, -1);
    if (check_stats_args(conn, params, nparams, cellNum, "cellNum", __func__) < 0)
        return -1;
    a.cellNum = cellNum;
    a.nparams = *nparams;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_NODE_GET_MEMORY_STATS, XA(remote_node_get_memory_stats_args), &a,
            XA(remote_node_get_memory_stats_ret), &r) < 0)
        return -1;
    if (r.params.params_len > (u_int)*nparams) {
        error_report(ERR_RPC, VIR_FROM_REMOTE, "%s",
                     "remoteNodeGetMemoryStats: returned number of stats exceeds limit");
        api_fail(conn);
        rc = -1;
    } else if (*nparams == 0) {
        *nparams = r.nparams;
    } else {
        for (u_int i = 0; i < r.params.params_len; i++) {
            snprintf(params[i].field, VIR_NODE_MEMORY_STATS_FIELD_LENGTH, "%s",
                     r.params.params_val[i].field);
            params[i].value = r.params.params_val[i].value;
        }
        *nparams = (int)r.params.params_len;
    }
    xdr_free(XA(remote_node_get_memory_stats_ret), (char *)&r);
    return rc;
}

int virNodeGetFreePages(virConnectPtr conn, unsigned int npages, unsigned int *pages,
                        int startCell, unsigned int cellCount, unsigned long long *counts,
                        unsigned int flags)
{
    remote_node_get_free_pages_args a;
    remote_node_get_free_pages_ret r;

    CHECK_CONN(conn, -1);
    CHECK_NONZERO(conn, npages, -1);
    CHECK_ARG(conn, pages, -1);
    CHECK_NONZERO(conn, cellCount, -1);
    CHECK_ARG(conn, counts, -1);
    if ((unsigned long long)npages * cellCount > REMOTE_NODE_MAX_CELLS)
        return too_many_cells(conn, (unsigned long long)npages * cellCount);
    a.pages.pages_len = npages;
    a.pages.pages_val = pages;
    a.startCell = startCell;
    a.cellCount = cellCount;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_NODE_GET_FREE_PAGES, XA(remote_node_get_free_pages_args), &a,
            XA(remote_node_get_free_pages_ret), &r) < 0)
        return -1;
    u_int n = r.counts.counts_len <= npages * cellCount ? r.counts.counts_len : npages * cellCount;
    for (u_int i = 0; i < n; i++)
        counts[i] = r.counts.counts_val[i];
    xdr_free(XA(remote_node_get_free_pages_ret), (char *)&r);
    return (int)n;
}

int virNodeAllocPages(virConnectPtr conn, unsigned int npages, unsigned int *pageSizes,
                      unsigned long long *pageCounts, int startCell, unsigned int cellCount,
                      unsigned int flags)
{
    remote_node_alloc_pages_args a;
    remote_node_alloc_pages_ret r;

    CHECK_CONN(conn, -1);
    CHECK_WRITE(conn, -1);
    CHECK_NONZERO(conn, npages, -1);
    CHECK_ARG(conn, pageSizes, -1);
    CHECK_ARG(conn, pageCounts, -1);
    CHECK_NONZERO(conn, cellCount, -1);
    if (npages > REMOTE_NODE_MAX_CELLS)
        return too_many_cells(conn, npages);
    a.pageSizes.pageSizes_len = npages;
    a.pageSizes.pageSizes_val = pageSizes;
    a.pageCounts.pageCounts_len = npages;
    a.pageCounts.pageCounts_val = (uint64_t *)pageCounts;
    a.startCell = startCell;
    a.cellCount = cellCount;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_NODE_ALLOC_PAGES, XA(remote_node_alloc_pages_args), &a,
            XA(remote_node_alloc_pages_ret), &r) < 0)
        return -1;
    return r.ret;
}

int virConnectGetCPUModelNames(virConnectPtr conn, const char *arch, char ***models,
                               unsigned int flags)
{
    remote_connect_get_cpu_model_names_args a;
    remote_connect_get_cpu_model_names_ret r;
    int rc;

    CHECK_CONN(conn, -1);
    CHECK_ARG(conn, arch, -1);
    a.arch = (char *)arch;
    a.need_results = !!models;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_CONNECT_GET_CPU_MODEL_NAMES,
            XA(remote_connect_get_cpu_model_names_args), &a,
            XA(remote_connect_get_cpu_model_names_ret), &r) < 0)
        return -1;
    rc = r.ret;
    if (models) {
        /* the list is the caller's, NULL-terminated; the strings move */
        char **list = calloc(r.models.models_len + 1, sizeof(char *));
        if (!list) {
            xdr_free(XA(remote_connect_get_cpu_model_names_ret), (char *)&r);
            no_memory(conn);
            return -1;
        }
        for (u_int i = 0; i < r.models.models_len; i++) {
            list[i] = r.models.models_val[i];
            r.models.models_val[i] = NULL;
        }
        r.models.models_len = 0;
        *models = list;
    }
    xdr_free(XA(remote_connect_get_cpu_model_names_ret), (char *)&r);
    return rc;
}

char *virConnectBaselineCPU(virConnectPtr conn, const char **xmlCPUs, unsigned int ncpus,
                            unsigned int flags)
{
    remote_connect_baseline_cpu_args a;

    CHECK_CONN(conn, NULL);
    CHECK_ARG(conn, xmlCPUs, NULL);
    if (ncpus > REMOTE_CPU_BASELINE_MAX) {
        error_report(ERR_RPC, VIR_FROM_REMOTE, "too many CPUs: %u > %d", ncpus,
                     REMOTE_CPU_BASELINE_MAX);
        api_fail(conn);
        return NULL;
    }
    a.xmlCPUs.xmlCPUs_len = ncpus;
    a.xmlCPUs.xmlCPUs_val = (char **)xmlCPUs;
    a.flags = flags;
    return string_call(conn, REMOTE_PROC_CONNECT_BASELINE_CPU, XA(remote_connect_baseline_cpu_args),
                       &a, XA(remote_connect_baseline_cpu_ret));
}

char *virConnectBaselineHypervisorCPU(virConnectPtr conn, const char *emulator,
                                      const char *arch, const char *machine,
                                      const char *virttype, const char **xmlCPUs,
                                      unsigned int ncpus, unsigned int flags)
{
    remote_connect_baseline_hypervisor_cpu_args a;
    char *e = (char *)emulator, *ar = (char *)arch, *m = (char *)machine, *v = (char *)virttype;

    CHECK_CONN(conn, NULL);
    if (ncpus > REMOTE_CPU_BASELINE_MAX) {
        error_report(ERR_RPC, VIR_FROM_REMOTE, "too many CPUs: %u > %d", ncpus,
                     REMOTE_CPU_BASELINE_MAX);
        api_fail(conn);
        return NULL;
    }
    a.emulator = emulator ? &e : NULL;
    a.arch = arch ? &ar : NULL;
    a.machine = machine ? &m : NULL;
    a.virttype = virttype ? &v : NULL;
    a.xmlCPUs.xmlCPUs_len = ncpus;
    a.xmlCPUs.xmlCPUs_val = (char **)xmlCPUs;
    a.flags = flags;
    return string_call(conn, REMOTE_PROC_CONNECT_BASELINE_HYPERVISOR_CPU,
                       XA(remote_connect_baseline_hypervisor_cpu_args), &a,
                       XA(remote_connect_baseline_hypervisor_cpu_ret));
}

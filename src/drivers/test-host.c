#include "test-host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/cpu.h"
#include "error.h"

/* The test host's CPUs: 8 present, 0, 2 and 4 online. */
#define TEST_CPUS 8
#define TEST_CPUS_ONLINE_MAP 0x15
#define TEST_CPUS_ONLINE 3

static int check_flags(unsigned int flags, const char *func)
{
    char msg[160];

    if (flags) {
        /* libvirt's virCheckFlags words it without the code's text */
        snprintf(msg, sizeof(msg), "unsupported flags (0x%x) in function %s", flags, func);
        error_set_message(ERR_INVALID_ARG, FROM_TEST, msg);
        return -1;
    }
    return 0;
}

static void no_memory(void)
{
    error_report(ERR_NO_MEMORY, FROM_TEST, NULL);
}

int thost_node_get_cpu_map(const remote_node_get_cpu_map_args *args,
                           remote_node_get_cpu_map_ret *ret)
{
    if (check_flags(args->flags, "testNodeGetCPUMap") < 0)
        return -1;
    if (args->need_map) {
        /* one bit per CPU, as VIR_CPU_MAPLEN counts bytes */
        if (!(ret->cpumap.cpumap_val = calloc(1, (TEST_CPUS + 7) / 8))) {
            no_memory();
            return -1;
        }
        ret->cpumap.cpumap_val[0] = TEST_CPUS_ONLINE_MAP;
        ret->cpumap.cpumap_len = (TEST_CPUS + 7) / 8;
    }
    if (args->need_online)
        ret->online = TEST_CPUS_ONLINE;
    ret->ret = TEST_CPUS;
    return 0;
}

/* libvirt 9.0's test driver makes up counts but returns 0 (entries
 * filled) for them, and libvirtd takes a count of 0 for a failure: over
 * the wire every request fails, which the dispatcher reports. */
int thost_node_get_free_pages(const remote_node_get_free_pages_args *args,
                              remote_node_get_free_pages_ret *ret)
{
    (void)ret;
    return check_flags(args->flags, "testNodeGetFreePages");
}

/* What virNodeGetCellsFreeMemory reports per cell of test:///default:
 * each cell's whole memory, in the unit the test driver keeps it (KiB),
 * which callers read as bytes. */
static const uint64_t default_cells[] = {2097152, 4194304};

int thost_node_get_cells_free_memory(int default_node,
                                     const remote_node_get_cells_free_memory_args *args,
                                     remote_node_get_cells_free_memory_ret *ret)
{
    int ncells = default_node ? (int)(sizeof(default_cells) / sizeof(default_cells[0])) : 0;
    int n;

    if (args->startCell >= ncells) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "%s", "Range exceeds available cells");
        return -1;
    }
    n = ncells - args->startCell;
    if (n > args->maxcells)
        n = args->maxcells;
    if (!(ret->cells.cells_val = calloc((size_t)n, sizeof(uint64_t)))) {
        no_memory();
        return -1;
    }
    for (int i = 0; i < n; i++)
        ret->cells.cells_val[i] = default_cells[args->startCell + i];
    ret->cells.cells_len = (u_int)n;
    return 0;
}

/* The same statistics for every CPU and for all of them, in ns. */
static const struct {
    const char *field;
    uint64_t value;
} cpu_stats[] = {
    {"user", 9797400000ULL},
    {"kernel", 34678723400000ULL},
    {"idle", 87264900000ULL},
    {"iowait", 763600000ULL},
};
#define NCPU_STATS ((int)(sizeof(cpu_stats) / sizeof(cpu_stats[0])))

int thost_node_get_cpu_stats(const remote_node_get_cpu_stats_args *args,
                             remote_node_get_cpu_stats_ret *ret)
{
    int n = args->nparams < NCPU_STATS ? args->nparams : NCPU_STATS;

    if (check_flags(args->flags, "testNodeGetCPUStats") < 0)
        return -1;
    if (args->nparams == 0) {
        ret->nparams = NCPU_STATS;
        return 0;
    }
    if (!(ret->params.params_val = calloc((size_t)n, sizeof(*ret->params.params_val)))) {
        no_memory();
        return -1;
    }
    for (int i = 0; i < n; i++) {
        ret->params.params_val[i].value = cpu_stats[i].value;
        if (!(ret->params.params_val[i].field = strdup(cpu_stats[i].field))) {
            ret->params.params_len = (u_int)i;
            no_memory();
            return -1;
        }
    }
    ret->params.params_len = (u_int)n;
    ret->nparams = n;
    return 0;
}

int thost_connect_get_cpu_model_names(const remote_connect_get_cpu_model_names_args *args,
                                      remote_connect_get_cpu_model_names_ret *ret)
{
    if (check_flags(args->flags, "testConnectGetCPUModelNames") < 0)
        return -1;
    return cpu_model_names_reply(args->arch, FROM_TEST, args->need_results, ret);
}

#define BASELINE_CPU_EXPAND_FEATURES 1

int thost_connect_baseline_cpu(const remote_connect_baseline_cpu_args *args,
                               remote_connect_baseline_cpu_ret *ret)
{
    if (check_flags(args->flags & ~BASELINE_CPU_EXPAND_FEATURES, "testConnectBaselineCPU") < 0)
        return -1;
    ret->cpu = cpu_baseline(args->xmlCPUs.xmlCPUs_val, args->xmlCPUs.xmlCPUs_len,
                            args->flags & BASELINE_CPU_EXPAND_FEATURES, 0);
    return ret->cpu ? 0 : -1;
}

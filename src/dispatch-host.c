/* The host-level procedures whose arguments libvirtd (or the public
 * function it calls) checks before the driver sees them, and the forwarded
 * client identity, which libvirtd handles itself. Texts are libvirt 9.0's. */
#include <stdio.h>
#include <string.h>

#include "dispatch-handlers.h"
#include "dispatch-table.h"
#include "error.h"

#define NODE_CPU_STATS_ALL_CPUS (-1)
#define NODE_MEMORY_STATS_ALL_CELLS (-1)

static int invalid_arg(const char *msg)
{
    error_set_message(ERR_INVALID_ARG, FROM_DOMAIN, msg);
    return -1;
}

static int check_non_negative(int value, const char *what, const char *api)
{
    char msg[128];

    if (value >= 0)
        return 0;
    snprintf(msg, sizeof(msg), "%s in %s must be zero or greater", what, api);
    return invalid_arg(msg);
}

/* libvirt's stats calls take -1 for "all", and no other negative number. */
static int check_all_or_index(int value, int all, const char *what, const char *api)
{
    char msg[128];

    if (value >= 0 || value == all)
        return 0;
    snprintf(msg, sizeof(msg), "%s in %s only accepts %d as a negative value", what, api, all);
    return invalid_arg(msg);
}

int h_node_get_cells_free_memory(struct session *s, void *argsp, void *ret)
{
    const remote_node_get_cells_free_memory_args *args = argsp;

    if (args->maxcells > REMOTE_NODE_MAX_CELLS) {
        error_report(ERR_RPC, FROM_RPC, "%s", "maxCells > REMOTE_NODE_MAX_CELLS");
        return -1;
    }
    if (args->maxcells <= 0)
        return invalid_arg("maxCells in virNodeGetCellsFreeMemory must be greater than zero");
    if (check_non_negative(args->startCell, "startCell", "virNodeGetCellsFreeMemory") < 0)
        return -1;
    return DRIVER_CALL(s, host, node_get_cells_free_memory,
                       REMOTE_PROC_NODE_GET_CELLS_FREE_MEMORY, args, ret);
}

int h_node_get_cpu_stats(struct session *s, void *argsp, void *ret)
{
    const remote_node_get_cpu_stats_args *args = argsp;

    if (args->nparams > REMOTE_NODE_CPU_STATS_MAX) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "%s", "nparams too large");
        return -1;
    }
    if (check_non_negative(args->nparams, "nparams", "virNodeGetCPUStats") < 0 ||
        check_all_or_index(args->cpuNum, NODE_CPU_STATS_ALL_CPUS, "cpuNum",
                           "virNodeGetCPUStats") < 0)
        return -1;
    return DRIVER_CALL(s, host, node_get_cpu_stats, REMOTE_PROC_NODE_GET_CPU_STATS, args, ret);
}

int h_node_get_memory_stats(struct session *s, void *argsp, void *ret)
{
    const remote_node_get_memory_stats_args *args = argsp;

    if (args->nparams > REMOTE_NODE_MEMORY_STATS_MAX) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "%s", "nparams too large");
        return -1;
    }
    if (check_non_negative(args->nparams, "nparams", "virNodeGetMemoryStats") < 0 ||
        check_all_or_index(args->cellNum, NODE_MEMORY_STATS_ALL_CELLS, "cellNum",
                           "virNodeGetMemoryStats") < 0)
        return -1;
    return DRIVER_CALL(s, host, node_get_memory_stats, REMOTE_PROC_NODE_GET_MEMORY_STATS, args,
                       ret);
}

/* libvirtd takes a driver's count of 0 entries for a failure (libvirt
 * 9.0's test driver always answers so). */
int h_node_get_free_pages(struct session *s, void *argsp, void *retp)
{
    const remote_node_get_free_pages_args *args = argsp;
    remote_node_get_free_pages_ret *ret = retp;

    if (args->pages.pages_len == 0)
        return invalid_arg("npages in virNodeGetFreePages must not be zero");
    if (args->cellCount == 0)
        return invalid_arg("cellCount in virNodeGetFreePages must not be zero");
    if ((uint64_t)args->pages.pages_len * args->cellCount > REMOTE_NODE_MAX_CELLS) {
        error_report(ERR_RPC, FROM_RPC, "%s", "npages * cellCount > REMOTE_NODE_MAX_CELLS");
        return -1;
    }
    if (DRIVER_CALL(s, host, node_get_free_pages, REMOTE_PROC_NODE_GET_FREE_PAGES, args, ret) < 0)
        return -1;
    if (ret->counts.counts_len == 0) {
        /* libvirtd's words when a call fails with no error recorded: the
         * message alone, without the code's "internal error: " */
        error_set_message(ERR_INTERNAL_ERROR, FROM_RPC,
                          "Library function returned error but did not set virError");
        return -1;
    }
    return 0;
}

/* The identity a proxy forwards for its client (virConnectSetIdentity's
 * keys and their types). libvirtd keeps it for its access-control checks;
 * we have none, and the identity files are opened with stays the peer's
 * own (src/identity.c), so a forwarded identity is checked and grants
 * nothing. */
static const struct {
    const char *field;
    int type;
} identity_keys[] = {
    {"user-name", VIR_TYPED_PARAM_STRING},
    {"unix-user-id", VIR_TYPED_PARAM_ULLONG},
    {"group-name", VIR_TYPED_PARAM_STRING},
    {"unix-group-id", VIR_TYPED_PARAM_ULLONG},
    {"process-id", VIR_TYPED_PARAM_LLONG},
    {"process-time", VIR_TYPED_PARAM_ULLONG},
    {"sasl-user-name", VIR_TYPED_PARAM_STRING},
    {"x509-distinguished-name", VIR_TYPED_PARAM_STRING},
    {"selinux-context", VIR_TYPED_PARAM_STRING},
};

static const char *type_name(int type)
{
    static const char *const names[] = {"",       "int",     "uint",   "llong",
                                        "ullong", "double",  "boolean", "string"};

    return type >= 1 && type <= 7 ? names[type] : "unknown";
}

int h_connect_set_identity(struct session *s, void *argsp, void *ret)
{
    const remote_connect_set_identity_args *args = argsp;
    const u_int n = args->params.params_len;

    (void)s;
    (void)ret;
    for (u_int i = 0; i < n; i++) {
        const remote_typed_param *p = &args->params.params_val[i];
        size_t k = 0;

        while (k < sizeof(identity_keys) / sizeof(identity_keys[0]) &&
               strcmp(identity_keys[k].field, p->field) != 0)
            k++;
        if (k == sizeof(identity_keys) / sizeof(identity_keys[0])) {
            error_report(ERR_ARGUMENT_UNSUPPORTED, FROM_NONE, "parameter '%s' not supported",
                         p->field);
            return -1;
        }
        if (p->value.type != identity_keys[k].type) {
            error_report(ERR_INVALID_ARG, FROM_NONE,
                         "invalid type '%s' for parameter '%s', expected '%s'",
                         type_name(p->value.type), p->field, type_name(identity_keys[k].type));
            return -1;
        }
        for (u_int j = 0; j < i; j++) {
            if (strcmp(args->params.params_val[j].field, p->field) == 0) {
                error_report(ERR_INVALID_ARG, FROM_NONE, "parameter '%s' occurs multiple times",
                             p->field);
                return -1;
            }
        }
    }
    return 0;
}

/* dstats: the public functions of domain statistics and tuning: typed
 * parameters to and from the wire, vCPU, emulator and IOThread pinning,
 * block and interface statistics, block info and disk errors, the
 * scheduler and the memory, blkio, NUMA, block I/O and perf tuning. Each
 * checks what libvirt checks before the call and converts the reply. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

#define DOM_CALL(dom, proc, args, a, rets, r)                                                  \
    rpc((dom)->conn, REMOTE_PROC_##proc, XA(args), (a), (rets), (r))

/* ---- typed parameters ---- */

void virTypedParamsClear(virTypedParameterPtr params, int nparams)
{
    for (int i = 0; params && i < nparams; i++)
        if (params[i].type == VIR_TYPED_PARAM_STRING) {
            free(params[i].value.s);
            params[i].value.s = NULL;
        }
}

void virTypedParamsFree(virTypedParameterPtr params, int nparams)
{
    virTypedParamsClear(params, nparams);
    free(params);
}

/* The wire's parameters into out (room for max); -1 with libvirt's
 * error when there are more or one is malformed. */
static int params_from_wire(virConnectPtr conn, const remote_typed_param *v, u_int n,
                            virTypedParameterPtr out, int max)
{
    if (n > (u_int)max) {
        error_report(ERR_RPC, VIR_FROM_REMOTE, "returned number of parameters exceeds limit");
        api_fail(conn);
        return -1;
    }
    memset(out, 0, (size_t)n * sizeof(*out));
    for (u_int i = 0; i < n; i++) {
        const remote_typed_param_value *x = &v[i].value;
        if (strlen(v[i].field) >= VIR_TYPED_PARAM_FIELD_LENGTH) {
            error_report(ERR_INTERNAL_ERROR, VIR_FROM_REMOTE,
                         "Parameter %s too big for destination", v[i].field);
            goto fail;
        }
        strcpy(out[i].field, v[i].field);
        out[i].type = x->type;
        switch (x->type) {
        case VIR_TYPED_PARAM_INT:
            out[i].value.i = x->remote_typed_param_value_u.i;
            break;
        case VIR_TYPED_PARAM_UINT:
            out[i].value.ui = x->remote_typed_param_value_u.ui;
            break;
        case VIR_TYPED_PARAM_LLONG:
            out[i].value.l = x->remote_typed_param_value_u.l;
            break;
        case VIR_TYPED_PARAM_ULLONG:
            out[i].value.ul = x->remote_typed_param_value_u.ul;
            break;
        case VIR_TYPED_PARAM_DOUBLE:
            out[i].value.d = x->remote_typed_param_value_u.d;
            break;
        case VIR_TYPED_PARAM_BOOLEAN:
            out[i].value.b = (char)(x->remote_typed_param_value_u.b != 0);
            break;
        case VIR_TYPED_PARAM_STRING:
            if (!(out[i].value.s = strdup(x->remote_typed_param_value_u.s))) {
                error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
                goto fail;
            }
            break;
        default:
            error_report(ERR_INTERNAL_ERROR, VIR_FROM_REMOTE, "unknown parameter type: %d",
                         x->type);
            goto fail;
        }
    }
    return 0;
fail:
    virTypedParamsClear(out, (int)n);
    api_fail(conn);
    return -1;
}

/* The caller's parameters as the wire's (the fields and strings are
 * borrowed); *out is freed with free(). */
static int params_to_wire(virConnectPtr conn, virTypedParameterPtr p, int n,
                          remote_typed_param **out)
{
    *out = calloc(n > 0 ? (size_t)n : 1, sizeof(**out));
    if (!*out) {
        error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
        api_fail(conn);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        remote_typed_param_value *x = &(*out)[i].value;
        (*out)[i].field = p[i].field;
        x->type = p[i].type;
        switch (p[i].type) {
        case VIR_TYPED_PARAM_INT:
            x->remote_typed_param_value_u.i = p[i].value.i;
            break;
        case VIR_TYPED_PARAM_UINT:
            x->remote_typed_param_value_u.ui = p[i].value.ui;
            break;
        case VIR_TYPED_PARAM_LLONG:
            x->remote_typed_param_value_u.l = p[i].value.l;
            break;
        case VIR_TYPED_PARAM_ULLONG:
            x->remote_typed_param_value_u.ul = p[i].value.ul;
            break;
        case VIR_TYPED_PARAM_DOUBLE:
            x->remote_typed_param_value_u.d = p[i].value.d;
            break;
        case VIR_TYPED_PARAM_BOOLEAN:
            x->remote_typed_param_value_u.b = p[i].value.b;
            break;
        case VIR_TYPED_PARAM_STRING:
            x->remote_typed_param_value_u.s = p[i].value.s ? p[i].value.s : (char *)"";
            break;
        default:
            free(*out);
            error_report(ERR_RPC, VIR_FROM_REMOTE, "unknown parameter type: %d", p[i].type);
            api_fail(conn);
            return -1;
        }
    }
    return 0;
}

/* libvirt's checks of a Set*Parameters call. */
static int check_set(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                     const char *func)
{
    if (dom->conn->flags & VIR_CONNECT_RO) {
        error_report(ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, "read only access prevents %s",
                     func);
        api_fail(dom->conn);
        return -1;
    }
    if (!params) {
        api_invalid_arg(func, "params");
        api_fail(dom->conn);
        return -1;
    }
    if (nparams <= 0) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN,
                     "nparams in %s must be greater than zero", func);
        api_fail(dom->conn);
        return -1;
    }
    return 0;
}

/* The Get*Parameters calls that share one shape: args {dom, nparams,
 * flags}, ret {params, nparams}; nparams 0 asks how many there are. */
#define GET_PARAMS(fn, proc, name, maxparams)                                                  \
    int fn(virDomainPtr domain, virTypedParameterPtr params, int *nparams, unsigned int flags) \
    {                                                                                          \
        remote_##name##_args a;                                                                \
        remote_##name##_ret r;                                                                 \
        CHECK_DOM(domain, -1);                                                                 \
        CHECK_ARG(domain->conn, nparams, -1);                                                  \
        if (*nparams < 0 || (*nparams && !params)) {                                           \
            api_invalid_arg(__func__, "params");                                               \
            api_fail(domain->conn);                                                            \
            return -1;                                                                         \
        }                                                                                      \
        if (*nparams > maxparams) {                                                            \
            error_report(ERR_RPC, VIR_FROM_REMOTE, "nparams count exceeds maximum: %d > %d",   \
                         *nparams, maxparams);                                                 \
            api_fail(domain->conn);                                                            \
            return -1;                                                                         \
        }                                                                                      \
        a.dom = wire_dom(domain);                                                              \
        a.nparams = *nparams;                                                                  \
        a.flags = flags | VIR_TYPED_PARAM_STRING_OKAY;                                         \
        memset(&r, 0, sizeof(r));                                                              \
        if (DOM_CALL(domain, proc, remote_##name##_args, &a, XA(remote_##name##_ret), &r) < 0) \
            return -1;                                                                         \
        int rc = 0;                                                                            \
        if (*nparams == 0)                                                                     \
            *nparams = r.nparams;                                                              \
        else if ((rc = params_from_wire(domain->conn, r.params.params_val,                     \
                                        r.params.params_len, params, *nparams)) == 0)          \
            *nparams = (int)r.params.params_len;                                               \
        xdr_free(XA(remote_##name##_ret), (char *)&r);                                         \
        return rc;                                                                             \
    }

GET_PARAMS(virDomainGetMemoryParameters, DOMAIN_GET_MEMORY_PARAMETERS,
           domain_get_memory_parameters, REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX)
GET_PARAMS(virDomainGetBlkioParameters, DOMAIN_GET_BLKIO_PARAMETERS,
           domain_get_blkio_parameters, REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX)
GET_PARAMS(virDomainGetNumaParameters, DOMAIN_GET_NUMA_PARAMETERS, domain_get_numa_parameters,
           REMOTE_DOMAIN_NUMA_PARAMETERS_MAX)

/* The Set*Parameters calls: args {dom, params, flags}. */
#define SET_PARAMS(fn, proc, name)                                                             \
    int fn(virDomainPtr domain, virTypedParameterPtr params, int nparams, unsigned int flags)  \
    {                                                                                          \
        remote_##name##_args a;                                                                \
        remote_typed_param *w;                                                                 \
        CHECK_DOM(domain, -1);                                                                 \
        if (check_set(domain, params, nparams, __func__) < 0 ||                                \
            params_to_wire(domain->conn, params, nparams, &w) < 0)                             \
            return -1;                                                                         \
        a.dom = wire_dom(domain);                                                              \
        a.params.params_val = w;                                                               \
        a.params.params_len = (u_int)nparams;                                                  \
        a.flags = flags;                                                                       \
        int rc = DOM_CALL(domain, proc, remote_##name##_args, &a, NULL, NULL);                 \
        free(w);                                                                               \
        return rc < 0 ? -1 : 0;                                                                \
    }

SET_PARAMS(virDomainSetMemoryParameters, DOMAIN_SET_MEMORY_PARAMETERS,
           domain_set_memory_parameters)
SET_PARAMS(virDomainSetBlkioParameters, DOMAIN_SET_BLKIO_PARAMETERS,
           domain_set_blkio_parameters)
SET_PARAMS(virDomainSetNumaParameters, DOMAIN_SET_NUMA_PARAMETERS, domain_set_numa_parameters)
SET_PARAMS(virDomainSetSchedulerParametersFlags, DOMAIN_SET_SCHEDULER_PARAMETERS_FLAGS,
           domain_set_scheduler_parameters_flags)
SET_PARAMS(virDomainSetPerfEvents, DOMAIN_SET_PERF_EVENTS, domain_set_perf_events)

int virDomainSetSchedulerParameters(virDomainPtr domain, virTypedParameterPtr params,
                                    int nparams)
{
    remote_domain_set_scheduler_parameters_args a;
    remote_typed_param *w;

    CHECK_DOM(domain, -1);
    if (check_set(domain, params, nparams, __func__) < 0 ||
        params_to_wire(domain->conn, params, nparams, &w) < 0)
        return -1;
    a.dom = wire_dom(domain);
    a.params.params_val = w;
    a.params.params_len = (u_int)nparams;
    int rc = DOM_CALL(domain, DOMAIN_SET_SCHEDULER_PARAMETERS,
                      remote_domain_set_scheduler_parameters_args, &a, NULL, NULL);
    free(w);
    return rc < 0 ? -1 : 0;
}

int virDomainSetIOThreadParams(virDomainPtr domain, unsigned int iothread_id,
                               virTypedParameterPtr params, int nparams, unsigned int flags)
{
    remote_domain_set_iothread_params_args a;
    remote_typed_param *w;

    CHECK_DOM(domain, -1);
    if (check_set(domain, params, nparams, __func__) < 0 ||
        params_to_wire(domain->conn, params, nparams, &w) < 0)
        return -1;
    a.dom = wire_dom(domain);
    a.iothread_id = iothread_id;
    a.params.params_val = w;
    a.params.params_len = (u_int)nparams;
    a.flags = flags;
    int rc = DOM_CALL(domain, DOMAIN_SET_IOTHREAD_PARAMS,
                      remote_domain_set_iothread_params_args, &a, NULL, NULL);
    free(w);
    return rc < 0 ? -1 : 0;
}

char *virDomainGetSchedulerType(virDomainPtr domain, int *nparams)
{
    remote_domain_get_scheduler_type_args a;
    remote_domain_get_scheduler_type_ret r = {0};

    CHECK_DOM(domain, NULL);
    a.dom = wire_dom(domain);
    if (DOM_CALL(domain, DOMAIN_GET_SCHEDULER_TYPE, remote_domain_get_scheduler_type_args, &a,
                 XA(remote_domain_get_scheduler_type_ret), &r) < 0)
        return NULL;
    if (nparams)
        *nparams = r.nparams;
    return r.type; /* the caller's */
}

static int sched_params(virDomainPtr domain, virTypedParameterPtr params, int *nparams,
                        remote_typed_param *v, u_int n)
{
    if (params_from_wire(domain->conn, v, n, params, *nparams) < 0)
        return -1;
    *nparams = (int)n;
    return 0;
}

int virDomainGetSchedulerParameters(virDomainPtr domain, virTypedParameterPtr params,
                                    int *nparams)
{
    remote_domain_get_scheduler_parameters_args a;
    remote_domain_get_scheduler_parameters_ret r = {0};

    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, params, -1);
    CHECK_ARG(domain->conn, nparams, -1);
    a.dom = wire_dom(domain);
    a.nparams = *nparams;
    if (DOM_CALL(domain, DOMAIN_GET_SCHEDULER_PARAMETERS,
                 remote_domain_get_scheduler_parameters_args, &a,
                 XA(remote_domain_get_scheduler_parameters_ret), &r) < 0)
        return -1;
    int rc = sched_params(domain, params, nparams, r.params.params_val, r.params.params_len);
    xdr_free(XA(remote_domain_get_scheduler_parameters_ret), (char *)&r);
    return rc;
}

int virDomainGetSchedulerParametersFlags(virDomainPtr domain, virTypedParameterPtr params,
                                         int *nparams, unsigned int flags)
{
    remote_domain_get_scheduler_parameters_flags_args a;
    remote_domain_get_scheduler_parameters_flags_ret r = {0};

    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, params, -1);
    CHECK_ARG(domain->conn, nparams, -1);
    a.dom = wire_dom(domain);
    a.nparams = *nparams;
    a.flags = flags | VIR_TYPED_PARAM_STRING_OKAY;
    if (DOM_CALL(domain, DOMAIN_GET_SCHEDULER_PARAMETERS_FLAGS,
                 remote_domain_get_scheduler_parameters_flags_args, &a,
                 XA(remote_domain_get_scheduler_parameters_flags_ret), &r) < 0)
        return -1;
    int rc = sched_params(domain, params, nparams, r.params.params_val, r.params.params_len);
    xdr_free(XA(remote_domain_get_scheduler_parameters_flags_ret), (char *)&r);
    return rc;
}

int virDomainGetBlockIoTune(virDomainPtr dom, const char *disk, virTypedParameterPtr params,
                            int *nparams, unsigned int flags)
{
    remote_domain_get_block_io_tune_args a;
    remote_domain_get_block_io_tune_ret r = {0};
    char *d = (char *)disk;

    CHECK_DOM(dom, -1);
    CHECK_ARG(dom->conn, nparams, -1);
    if (*nparams < 0 || (*nparams && (!params || !disk))) {
        api_invalid_arg(__func__, *nparams && !disk ? "disk" : "params");
        api_fail(dom->conn);
        return -1;
    }
    a.dom = wire_dom(dom);
    a.disk = disk ? &d : NULL;
    a.nparams = *nparams;
    a.flags = flags | VIR_TYPED_PARAM_STRING_OKAY;
    if (DOM_CALL(dom, DOMAIN_GET_BLOCK_IO_TUNE, remote_domain_get_block_io_tune_args, &a,
                 XA(remote_domain_get_block_io_tune_ret), &r) < 0)
        return -1;
    int rc = 0;
    if (*nparams == 0)
        *nparams = r.nparams;
    else if ((rc = params_from_wire(dom->conn, r.params.params_val, r.params.params_len, params,
                                    *nparams)) == 0)
        *nparams = (int)r.params.params_len;
    xdr_free(XA(remote_domain_get_block_io_tune_ret), (char *)&r);
    return rc;
}

int virDomainSetBlockIoTune(virDomainPtr dom, const char *disk, virTypedParameterPtr params,
                            int nparams, unsigned int flags)
{
    remote_domain_set_block_io_tune_args a;
    remote_typed_param *w;

    CHECK_DOM(dom, -1);
    CHECK_ARG(dom->conn, disk, -1);
    if (check_set(dom, params, nparams, __func__) < 0 ||
        params_to_wire(dom->conn, params, nparams, &w) < 0)
        return -1;
    a.dom = wire_dom(dom);
    a.disk = (char *)disk;
    a.params.params_val = w;
    a.params.params_len = (u_int)nparams;
    a.flags = flags;
    int rc = DOM_CALL(dom, DOMAIN_SET_BLOCK_IO_TUNE, remote_domain_set_block_io_tune_args, &a,
                      NULL, NULL);
    free(w);
    return rc < 0 ? -1 : 0;
}

int virDomainGetPerfEvents(virDomainPtr dom, virTypedParameterPtr *params, int *nparams,
                           unsigned int flags)
{
    remote_domain_get_perf_events_args a;
    remote_domain_get_perf_events_ret r = {0};

    CHECK_DOM(dom, -1);
    CHECK_ARG(dom->conn, params, -1);
    CHECK_ARG(dom->conn, nparams, -1);
    a.dom = wire_dom(dom);
    a.flags = flags;
    if (DOM_CALL(dom, DOMAIN_GET_PERF_EVENTS, remote_domain_get_perf_events_args, &a,
                 XA(remote_domain_get_perf_events_ret), &r) < 0)
        return -1;
    int rc = -1;
    u_int n = r.params.params_len;
    *params = calloc(n ? n : 1, sizeof(**params));
    if (!*params) {
        error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
        api_fail(dom->conn);
    } else if (params_from_wire(dom->conn, r.params.params_val, n, *params, (int)n) < 0) {
        free(*params);
        *params = NULL;
    } else {
        *nparams = (int)n;
        rc = 0;
    }
    xdr_free(XA(remote_domain_get_perf_events_ret), (char *)&r);
    return rc;
}

/* virDomainGetCPUStats: the domain's total (start_cpu -1, ncpus 1) or
 * nparams figures for each of ncpus CPUs from start_cpu, at
 * params[cpu * nparams + k]; with nparams 0, how many there are. */
int virDomainGetCPUStats(virDomainPtr domain, virTypedParameterPtr params, unsigned int nparams,
                         int start_cpu, unsigned int ncpus, unsigned int flags)
{
    remote_domain_get_cpu_stats_args a;
    remote_domain_get_cpu_stats_ret r = {0};

    CHECK_DOM(domain, -1);
    if ((start_cpu == -1 ? ncpus != 1 : start_cpu < 0) || (nparams && (!params || !ncpus)) ||
        (!nparams && params) || (nparams && ncpus > UINT_MAX / nparams)) {
        api_invalid_arg(__func__, start_cpu < -1 ? "start_cpu" : "params");
        api_fail(domain->conn);
        return -1;
    }
    a.dom = wire_dom(domain);
    a.nparams = nparams;
    a.start_cpu = start_cpu;
    a.ncpus = ncpus;
    a.flags = flags | VIR_TYPED_PARAM_STRING_OKAY;
    if (DOM_CALL(domain, DOMAIN_GET_CPU_STATS, remote_domain_get_cpu_stats_args, &a,
                 XA(remote_domain_get_cpu_stats_ret), &r) < 0)
        return -1;
    int rc = r.nparams;
    u_int len = r.params.params_len;
    if (nparams && len) {
        u_int per = r.nparams > 0 ? (u_int)r.nparams : 0;
        if (!per || per > nparams || len % per || len / per > ncpus) {
            error_report(ERR_RPC, VIR_FROM_REMOTE, "%s",
                         "remoteDomainGetCPUStats: returned number of stats exceeds limit");
            api_fail(domain->conn);
            rc = -1;
        } else {
            memset(params, 0, (size_t)nparams * ncpus * sizeof(*params));
            for (u_int cpu = 0; rc >= 0 && cpu < len / per; cpu++)
                if (params_from_wire(domain->conn, r.params.params_val + cpu * per, per,
                                     params + (size_t)cpu * nparams, (int)per) < 0)
                    rc = -1;
        }
    }
    xdr_free(XA(remote_domain_get_cpu_stats_ret), (char *)&r);
    return rc;
}

/* ---- vCPUs, the emulator ---- */

/* Copies a reply's cpumaps into the caller's buffer of `size` bytes. */
static void copy_maps(unsigned char *dst, long long size, const char *src, u_int len)
{
    if (!dst || size <= 0)
        return;
    memset(dst, 0, (size_t)size);
    memcpy(dst, src, len < (u_int)size ? len : (size_t)size);
}

int virDomainGetVcpus(virDomainPtr domain, virVcpuInfoPtr info, int maxinfo,
                      unsigned char *cpumaps, int maplen)
{
    remote_domain_get_vcpus_args a;
    remote_domain_get_vcpus_ret r = {0};

    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, info, -1);
    if (maxinfo < 1 || (cpumaps && maplen <= 0) || (!cpumaps && maplen)) {
        api_invalid_arg(__func__, maxinfo < 1 ? "maxinfo" : "maplen");
        api_fail(domain->conn);
        return -1;
    }
    a.dom = wire_dom(domain);
    a.maxinfo = maxinfo;
    a.maplen = cpumaps ? maplen : 0;
    if (DOM_CALL(domain, DOMAIN_GET_VCPUS, remote_domain_get_vcpus_args, &a,
                 XA(remote_domain_get_vcpus_ret), &r) < 0)
        return -1;
    if (r.info.info_len > (u_int)maxinfo ||
        r.cpumaps.cpumaps_len > (u_int)((long long)maxinfo * a.maplen)) {
        xdr_free(XA(remote_domain_get_vcpus_ret), (char *)&r);
        error_report(ERR_RPC, VIR_FROM_REMOTE, "host reply too large: %u > %d", r.info.info_len,
                     maxinfo);
        api_fail(domain->conn);
        return -1;
    }
    memset(info, 0, (size_t)maxinfo * sizeof(*info));
    for (u_int i = 0; i < r.info.info_len; i++) {
        info[i].number = r.info.info_val[i].number;
        info[i].state = r.info.info_val[i].state;
        info[i].cpuTime = r.info.info_val[i].cpu_time;
        info[i].cpu = r.info.info_val[i].cpu;
    }
    copy_maps(cpumaps, (long long)maxinfo * a.maplen, r.cpumaps.cpumaps_val,
              r.cpumaps.cpumaps_len);
    int n = (int)r.info.info_len;
    xdr_free(XA(remote_domain_get_vcpus_ret), (char *)&r);
    return n;
}

int virDomainGetVcpuPinInfo(virDomainPtr domain, int ncpumaps, unsigned char *cpumaps,
                            int maplen, unsigned int flags)
{
    remote_domain_get_vcpu_pin_info_args a;
    remote_domain_get_vcpu_pin_info_ret r = {0};

    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, cpumaps, -1);
    if (ncpumaps <= 0 || maplen <= 0) {
        api_invalid_arg(__func__, ncpumaps <= 0 ? "ncpumaps" : "maplen");
        api_fail(domain->conn);
        return -1;
    }
    a.dom = wire_dom(domain);
    a.ncpumaps = ncpumaps;
    a.maplen = maplen;
    a.flags = flags;
    if (DOM_CALL(domain, DOMAIN_GET_VCPU_PIN_INFO, remote_domain_get_vcpu_pin_info_args, &a,
                 XA(remote_domain_get_vcpu_pin_info_ret), &r) < 0)
        return -1;
    copy_maps(cpumaps, (long long)ncpumaps * maplen, r.cpumaps.cpumaps_val,
              r.cpumaps.cpumaps_len);
    int n = r.num;
    xdr_free(XA(remote_domain_get_vcpu_pin_info_ret), (char *)&r);
    return n;
}

static int pin_check(virDomainPtr domain, const unsigned char *cpumap, int maplen,
                     const char *func)
{
    if (domain->conn->flags & VIR_CONNECT_RO) {
        error_report(ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, "read only access prevents %s",
                     func);
        api_fail(domain->conn);
        return -1;
    }
    if (!cpumap || maplen <= 0 || maplen > REMOTE_CPUMAP_MAX) {
        api_invalid_arg(func, !cpumap ? "cpumap" : "maplen");
        api_fail(domain->conn);
        return -1;
    }
    return 0;
}

int virDomainPinVcpu(virDomainPtr domain, unsigned int vcpu, unsigned char *cpumap, int maplen)
{
    remote_domain_pin_vcpu_args a;

    CHECK_DOM(domain, -1);
    if (pin_check(domain, cpumap, maplen, __func__) < 0)
        return -1;
    a.dom = wire_dom(domain);
    a.vcpu = vcpu;
    a.cpumap.cpumap_val = (char *)cpumap;
    a.cpumap.cpumap_len = (u_int)maplen;
    return DOM_CALL(domain, DOMAIN_PIN_VCPU, remote_domain_pin_vcpu_args, &a, NULL, NULL) < 0
               ? -1
               : 0;
}

int virDomainPinVcpuFlags(virDomainPtr domain, unsigned int vcpu, unsigned char *cpumap,
                          int maplen, unsigned int flags)
{
    remote_domain_pin_vcpu_flags_args a;

    CHECK_DOM(domain, -1);
    if (pin_check(domain, cpumap, maplen, __func__) < 0)
        return -1;
    a.dom = wire_dom(domain);
    a.vcpu = vcpu;
    a.cpumap.cpumap_val = (char *)cpumap;
    a.cpumap.cpumap_len = (u_int)maplen;
    a.flags = flags;
    return DOM_CALL(domain, DOMAIN_PIN_VCPU_FLAGS, remote_domain_pin_vcpu_flags_args, &a, NULL,
                    NULL) < 0
               ? -1
               : 0;
}

int virDomainPinEmulator(virDomainPtr domain, unsigned char *cpumap, int maplen,
                         unsigned int flags)
{
    remote_domain_pin_emulator_args a;

    CHECK_DOM(domain, -1);
    if (pin_check(domain, cpumap, maplen, __func__) < 0)
        return -1;
    a.dom = wire_dom(domain);
    a.cpumap.cpumap_val = (char *)cpumap;
    a.cpumap.cpumap_len = (u_int)maplen;
    a.flags = flags;
    return DOM_CALL(domain, DOMAIN_PIN_EMULATOR, remote_domain_pin_emulator_args, &a, NULL,
                    NULL) < 0
               ? -1
               : 0;
}

int virDomainGetEmulatorPinInfo(virDomainPtr domain, unsigned char *cpumaps, int maplen,
                                unsigned int flags)
{
    remote_domain_get_emulator_pin_info_args a;
    remote_domain_get_emulator_pin_info_ret r = {0};

    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, cpumaps, -1);
    if (maplen <= 0) {
        api_invalid_arg(__func__, "maplen");
        api_fail(domain->conn);
        return -1;
    }
    a.dom = wire_dom(domain);
    a.maplen = maplen;
    a.flags = flags;
    if (DOM_CALL(domain, DOMAIN_GET_EMULATOR_PIN_INFO, remote_domain_get_emulator_pin_info_args,
                 &a, XA(remote_domain_get_emulator_pin_info_ret), &r) < 0)
        return -1;
    copy_maps(cpumaps, maplen, r.cpumaps.cpumaps_val, r.cpumaps.cpumaps_len);
    int n = r.ret;
    xdr_free(XA(remote_domain_get_emulator_pin_info_ret), (char *)&r);
    return n;
}

/* ---- IOThreads ---- */

void virDomainIOThreadInfoFree(virDomainIOThreadInfoPtr info)
{
    if (!info)
        return;
    free(info->cpumap);
    free(info);
}

int virDomainGetIOThreadInfo(virDomainPtr domain, virDomainIOThreadInfoPtr **info,
                             unsigned int flags)
{
    remote_domain_get_iothread_info_args a;
    remote_domain_get_iothread_info_ret r = {0};

    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, info, -1);
    *info = NULL;
    a.dom = wire_dom(domain);
    a.flags = flags;
    if (DOM_CALL(domain, DOMAIN_GET_IOTHREAD_INFO, remote_domain_get_iothread_info_args, &a,
                 XA(remote_domain_get_iothread_info_ret), &r) < 0)
        return -1;
    u_int n = r.info.info_len;
    virDomainIOThreadInfoPtr *v = n ? calloc(n, sizeof(*v)) : NULL;
    int rc = (int)r.ret;
    for (u_int i = 0; v && i < n; i++) {
        v[i] = calloc(1, sizeof(**v));
        if (!v[i] || !(v[i]->cpumap = malloc(r.info.info_val[i].cpumap.cpumap_len + 1))) {
            for (u_int j = 0; j <= i; j++)
                virDomainIOThreadInfoFree(v[j]);
            free(v);
            v = NULL;
            break;
        }
        v[i]->iothread_id = r.info.info_val[i].iothread_id;
        v[i]->cpumaplen = (int)r.info.info_val[i].cpumap.cpumap_len;
        memcpy(v[i]->cpumap, r.info.info_val[i].cpumap.cpumap_val,
               r.info.info_val[i].cpumap.cpumap_len);
    }
    xdr_free(XA(remote_domain_get_iothread_info_ret), (char *)&r);
    if (n && !v) {
        error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
        api_fail(domain->conn);
        return -1;
    }
    *info = v;
    return rc;
}

int virDomainPinIOThread(virDomainPtr domain, unsigned int iothread_id, unsigned char *cpumap,
                         int maplen, unsigned int flags)
{
    remote_domain_pin_iothread_args a;

    CHECK_DOM(domain, -1);
    if (pin_check(domain, cpumap, maplen, __func__) < 0)
        return -1;
    a.dom = wire_dom(domain);
    a.iothreads_id = iothread_id;
    a.cpumap.cpumap_val = (char *)cpumap;
    a.cpumap.cpumap_len = (u_int)maplen;
    a.flags = flags;
    return DOM_CALL(domain, DOMAIN_PIN_IOTHREAD, remote_domain_pin_iothread_args, &a, NULL,
                    NULL) < 0
               ? -1
               : 0;
}

/* ---- statistics ---- */

int virDomainBlockStats(virDomainPtr dom, const char *disk, virDomainBlockStatsPtr stats,
                        size_t size)
{
    remote_domain_block_stats_args a;
    remote_domain_block_stats_ret r = {0};

    CHECK_DOM(dom, -1);
    CHECK_ARG(dom->conn, disk, -1);
    CHECK_ARG(dom->conn, stats, -1);
    if (size > sizeof(*stats)) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN, "size must not exceed %zu",
                     sizeof(*stats));
        api_fail(dom->conn);
        return -1;
    }
    a.dom = wire_dom(dom);
    a.path = (char *)disk;
    if (DOM_CALL(dom, DOMAIN_BLOCK_STATS, remote_domain_block_stats_args, &a,
                 XA(remote_domain_block_stats_ret), &r) < 0)
        return -1;
    virDomainBlockStatsStruct s = {r.rd_req, r.rd_bytes, r.wr_req, r.wr_bytes, r.errs};
    memcpy(stats, &s, size);
    return 0;
}

int virDomainInterfaceStats(virDomainPtr dom, const char *device,
                            virDomainInterfaceStatsPtr stats, size_t size)
{
    remote_domain_interface_stats_args a;
    remote_domain_interface_stats_ret r = {0};

    CHECK_DOM(dom, -1);
    CHECK_ARG(dom->conn, device, -1);
    CHECK_ARG(dom->conn, stats, -1);
    if (size > sizeof(*stats)) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN, "size must not exceed %zu",
                     sizeof(*stats));
        api_fail(dom->conn);
        return -1;
    }
    a.dom = wire_dom(dom);
    a.device = (char *)device;
    if (DOM_CALL(dom, DOMAIN_INTERFACE_STATS, remote_domain_interface_stats_args, &a,
                 XA(remote_domain_interface_stats_ret), &r) < 0)
        return -1;
    virDomainInterfaceStatsStruct s = {r.rx_bytes, r.rx_packets, r.rx_errs, r.rx_drop,
                                       r.tx_bytes, r.tx_packets, r.tx_errs, r.tx_drop};
    memcpy(stats, &s, size);
    return 0;
}

int virDomainGetBlockInfo(virDomainPtr dom, const char *disk, virDomainBlockInfoPtr info,
                          unsigned int flags)
{
    remote_domain_get_block_info_args a;
    remote_domain_get_block_info_ret r = {0};

    CHECK_DOM(dom, -1);
    CHECK_ARG(dom->conn, disk, -1);
    CHECK_ARG(dom->conn, info, -1);
    a.dom = wire_dom(dom);
    a.path = (char *)disk;
    a.flags = flags;
    if (DOM_CALL(dom, DOMAIN_GET_BLOCK_INFO, remote_domain_get_block_info_args, &a,
                 XA(remote_domain_get_block_info_ret), &r) < 0)
        return -1;
    info->capacity = r.capacity;
    info->allocation = r.allocation;
    info->physical = r.physical;
    return 0;
}

int virDomainGetDiskErrors(virDomainPtr dom, virDomainDiskErrorPtr errors,
                           unsigned int maxerrors, unsigned int flags)
{
    remote_domain_get_disk_errors_args a;
    remote_domain_get_disk_errors_ret r = {0};

    CHECK_DOM(dom, -1);
    if ((!errors && maxerrors) || (errors && !maxerrors)) {
        api_invalid_arg(__func__, "errors");
        api_fail(dom->conn);
        return -1;
    }
    a.dom = wire_dom(dom);
    a.maxerrors = maxerrors;
    a.flags = flags;
    if (DOM_CALL(dom, DOMAIN_GET_DISK_ERRORS, remote_domain_get_disk_errors_args, &a,
                 XA(remote_domain_get_disk_errors_ret), &r) < 0)
        return -1;
    int rc = r.nerrors;
    if (r.errors.errors_len > maxerrors) {
        error_report(ERR_RPC, VIR_FROM_REMOTE, "Too many disk errors '%u' for limit '%u'",
                     r.errors.errors_len, maxerrors);
        rc = -1;
    }
    for (u_int i = 0; rc >= 0 && i < r.errors.errors_len; i++) {
        errors[i].error = r.errors.errors_val[i].error;
        errors[i].disk = r.errors.errors_val[i].disk; /* the caller's */
        r.errors.errors_val[i].disk = NULL;
    }
    xdr_free(XA(remote_domain_get_disk_errors_ret), (char *)&r);
    if (rc < 0)
        api_fail(dom->conn);
    return rc;
}

int virDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats, unsigned int nr_stats,
                         unsigned int flags)
{
    remote_domain_memory_stats_args a;
    remote_domain_memory_stats_ret r = {0};

    CHECK_DOM(dom, -1);
    if (!stats || nr_stats == 0)
        return 0;
    if (nr_stats > REMOTE_DOMAIN_MEMORY_STATS_MAX) {
        error_report(ERR_RPC, VIR_FROM_REMOTE, "too many memory stats requested: %u > %d",
                     nr_stats, REMOTE_DOMAIN_MEMORY_STATS_MAX);
        api_fail(dom->conn);
        return -1;
    }
    a.dom = wire_dom(dom);
    a.maxStats = nr_stats;
    a.flags = flags;
    if (DOM_CALL(dom, DOMAIN_MEMORY_STATS, remote_domain_memory_stats_args, &a,
                 XA(remote_domain_memory_stats_ret), &r) < 0)
        return -1;
    u_int n = r.stats.stats_len < nr_stats ? r.stats.stats_len : nr_stats;
    for (u_int i = 0; i < n; i++) {
        stats[i].tag = r.stats.stats_val[i].tag;
        stats[i].val = r.stats.stats_val[i].val;
    }
    xdr_free(XA(remote_domain_memory_stats_ret), (char *)&r);
    return (int)n;
}

void virDomainStatsRecordListFree(virDomainStatsRecordPtr *stats)
{
    for (size_t i = 0; stats && stats[i]; i++) {
        virDomainFree(stats[i]->dom);
        virTypedParamsFree(stats[i]->params, stats[i]->nparams);
        free(stats[i]);
    }
    free(stats);
}

/* The records of a GET_ALL_DOMAIN_STATS reply as the caller's
 * NULL-terminated list; its count, or -1 with the error published. */
static int stats_records(virConnectPtr conn, remote_connect_get_all_domain_stats_ret *r,
                         virDomainStatsRecordPtr **out)
{
    u_int n = r->retStats.retStats_len;
    virDomainStatsRecordPtr *list = calloc(n + 1, sizeof(*list));
    if (!list)
        goto nomem;
    for (u_int i = 0; i < n; i++) {
        remote_domain_stats_record *rec = &r->retStats.retStats_val[i];
        u_int np = rec->params.params_len;
        if (!(list[i] = calloc(1, sizeof(**list))))
            goto nomem;
        list[i]->params = calloc(np ? np : 1, sizeof(virTypedParameter));
        list[i]->dom =
            conn_domain_new(conn, rec->dom.name, (unsigned char *)rec->dom.uuid, rec->dom.id);
        if (!list[i]->params || !list[i]->dom)
            goto nomem;
        if (params_from_wire(conn, rec->params.params_val, np, list[i]->params, (int)np) < 0) {
            virDomainStatsRecordListFree(list);
            return -1;
        }
        list[i]->nparams = (int)np;
    }
    *out = list;
    return (int)n;
nomem:
    virDomainStatsRecordListFree(list);
    error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
    api_fail(conn);
    return -1;
}

static int all_domain_stats(virConnectPtr conn, virDomainPtr *doms, u_int ndoms,
                            unsigned int stats, virDomainStatsRecordPtr **retStats,
                            unsigned int flags)
{
    remote_connect_get_all_domain_stats_args a = {0};
    remote_connect_get_all_domain_stats_ret r = {0};
    remote_nonnull_domain *w = ndoms ? calloc(ndoms, sizeof(*w)) : NULL;

    if (ndoms && !w) {
        error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
        api_fail(conn);
        return -1;
    }
    for (u_int i = 0; i < ndoms; i++)
        w[i] = wire_dom(doms[i]);
    a.doms.doms_val = w;
    a.doms.doms_len = ndoms;
    a.stats = stats;
    a.flags = flags;
    int rc = rpc(conn, REMOTE_PROC_CONNECT_GET_ALL_DOMAIN_STATS,
                 XA(remote_connect_get_all_domain_stats_args), &a,
                 XA(remote_connect_get_all_domain_stats_ret), &r);
    free(w);
    if (rc < 0)
        return -1;
    rc = stats_records(conn, &r, retStats);
    xdr_free(XA(remote_connect_get_all_domain_stats_ret), (char *)&r);
    return rc;
}

int virConnectGetAllDomainStats(virConnectPtr conn, unsigned int stats,
                                virDomainStatsRecordPtr **retStats, unsigned int flags)
{
    CHECK_CONN(conn, -1);
    CHECK_ARG(conn, retStats, -1);
    *retStats = NULL;
    return all_domain_stats(conn, NULL, 0, stats, retStats, flags);
}

int virDomainListGetStats(virDomainPtr *doms, unsigned int stats,
                          virDomainStatsRecordPtr **retStats, unsigned int flags)
{
    u_int n = 0;

    api_enter();
    if (!doms || !doms[0]) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN, "%s",
                     "doms array in virDomainListGetStats must contain at least one domain");
        api_fail(NULL);
        return -1;
    }
    CHECK_ARG(doms[0]->conn, retStats, -1);
    *retStats = NULL;
    while (doms[n]) {
        if (doms[n]->conn != doms[0]->conn) {
            error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN, "%s",
                         "domains in 'doms' array must belong to a single connection");
            api_fail(doms[0]->conn);
            return -1;
        }
        n++;
    }
    return all_domain_stats(doms[0]->conn, doms, n, stats, retStats, flags);
}

/* ---- the host's memory parameters (node-memory-tune) ---- */

int virNodeGetMemoryParameters(virConnectPtr conn, virTypedParameterPtr params, int *nparams,
                               unsigned int flags)
{
    remote_node_get_memory_parameters_args a;
    remote_node_get_memory_parameters_ret r;
    int rc = 0;

    CHECK_CONN(conn, -1);
    CHECK_ARG(conn, nparams, -1);
    if (*nparams < 0 || (*nparams && !params)) {
        api_invalid_arg(__func__, *nparams < 0 ? "nparams" : "params");
        api_fail(conn);
        return -1;
    }
    if (*nparams > REMOTE_NODE_MEMORY_PARAMETERS_MAX) {
        error_report(ERR_RPC, VIR_FROM_REMOTE, "nparams count exceeds maximum: %d > %d",
                     *nparams, REMOTE_NODE_MEMORY_PARAMETERS_MAX);
        api_fail(conn);
        return -1;
    }
    a.nparams = *nparams;
    a.flags = flags | VIR_TYPED_PARAM_STRING_OKAY;
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_NODE_GET_MEMORY_PARAMETERS,
            XA(remote_node_get_memory_parameters_args), &a,
            XA(remote_node_get_memory_parameters_ret), &r) < 0)
        return -1;
    if (*nparams == 0)
        *nparams = r.nparams;
    else if ((rc = params_from_wire(conn, r.params.params_val, r.params.params_len, params,
                                    *nparams)) == 0)
        *nparams = (int)r.params.params_len;
    xdr_free(XA(remote_node_get_memory_parameters_ret), (char *)&r);
    return rc;
}

int virNodeSetMemoryParameters(virConnectPtr conn, virTypedParameterPtr params, int nparams,
                               unsigned int flags)
{
    remote_node_set_memory_parameters_args a;
    remote_typed_param *w;

    CHECK_CONN(conn, -1);
    if (conn->flags & VIR_CONNECT_RO) {
        error_report(ERR_OPERATION_DENIED, VIR_FROM_NONE, "read only access prevents %s",
                     __func__);
        api_fail(conn);
        return -1;
    }
    if (!params || nparams < 0) {
        api_invalid_arg(__func__, !params ? "params" : "nparams");
        api_fail(conn);
        return -1;
    }
    if (params_to_wire(conn, params, nparams, &w) < 0)
        return -1;
    a.params.params_val = w;
    a.params.params_len = (u_int)nparams;
    a.flags = flags;
    int rc = rpc(conn, REMOTE_PROC_NODE_SET_MEMORY_PARAMETERS,
                 XA(remote_node_set_memory_parameters_args), &a, NULL, NULL);
    free(w);
    return rc < 0 ? -1 : 0;
}

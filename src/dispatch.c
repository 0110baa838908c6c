#include "dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "procedures.h"
#include "remote_protocol.h"

/* virConnectSupportsFeature numbers the daemon answers itself. */
enum {
    FEATURE_TYPED_PARAM_STRING = 8,
    FEATURE_PROGRAM_KEEPALIVE = 10,
    FEATURE_REMOTE_EVENT_CALLBACK = 14,
    FEATURE_REMOTE_CLOSE_CALLBACK = 15,
    FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER = 16,
};

#define DOMAIN_EVENT_ID_LIFECYCLE 0
#define DOMAIN_EVENT_ID_REBOOT 1
#define DOMAIN_EVENT_ID_LAST 27
/* The legacy procedures take events up to DEVICE_REMOVED; later ones only
 * come through the callback procedures. */
#define DOMAIN_EVENT_ID_LEGACY_LAST 15
#define DOMAIN_XML_SECURE 1
#define DOMAIN_XML_MIGRATABLE 8
#define DOMAIN_VCPU_GUEST 8

typedef int (*handler_fn)(struct session *s, void *args, void *ret);

enum {
    D_WRITE = 1 << 0,   /* changes state: refused on a read-only socket */
    D_NO_CONN = 1 << 1, /* allowed before CONNECT_OPEN */
};

struct dispatch_entry {
    int proc;
    const char *api; /* the public API named in libvirt's errors */
    xdrproc_t args_fn;
    size_t args_size;
    xdrproc_t ret_fn;
    size_t ret_size;
    handler_fn fn;
    unsigned int flags;
};

/* Wire domain -> driver view. The name is borrowed from the wire struct. */
static struct drv_dom_id dom_view(const remote_nonnull_domain *r)
{
    struct drv_dom_id d = {.name = r->name, .id = r->id};
    memcpy(d.uuid, r->uuid, DRV_UUID_LEN);
    return d;
}

/* Driver domain -> wire; takes the name. */
static void dom_to_wire(struct drv_dom_id *d, remote_nonnull_domain *r)
{
    r->name = d->name;
    d->name = NULL;
    memcpy(r->uuid, d->uuid, DRV_UUID_LEN);
    r->id = d->id;
}

static int need_op(const void *op)
{
    if (op)
        return 0;
    error_report(ERR_NO_SUPPORT, FROM_RPC, NULL);
    return -1;
}

#define DRV(s, op) (need_op((const void *)(s)->drv->op) < 0 ? -1 : 0)

/* --- connection --- */

static int h_auth_list(struct session *s, void *args, void *retp)
{
    remote_auth_list_ret *ret = retp;

    ret->types.types_val = calloc(1, sizeof(remote_auth_type));
    if (!ret->types.types_val)
        return -1;
    ret->types.types_val[0] = REMOTE_AUTH_NONE;
    ret->types.types_len = 1;
    return 0;
}

/* virConnectOpenFlags' VIR_CONNECT_RO: the client asks for a read-only
 * connection, and from then on the session is one, whatever socket it
 * came in on (as in libvirtd). */
#define CONNECT_RO 1

static int h_connect_open(struct session *s, void *argsp, void *retp)
{
    remote_connect_open_args *args = argsp;
    struct drv_context ctx;
    const char *uri;

    if (s->conn) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "connection already open");
        return -1;
    }
    /* Without a name libvirtd probes its drivers for a default, and with
     * the test driver alone none claims one: these are its answers. */
    if (!args->name) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "connection not open");
        return -1;
    }
    uri = *args->name;
    if (!*uri) {
        error_report(ERR_NO_CONNECT, FROM_NONE, "<null>");
        return -1;
    }
    if (args->flags & CONNECT_RO)
        s->opt.read_only = true;
    ctx = (struct drv_context){.who = s->opt.who, .read_only = s->opt.read_only};
    for (size_t i = 0; drivers[i]; i++) {
        int r = drivers[i]->open(uri, args->flags, &ctx, &s->conn);
        if (r < 0)
            return -1;
        if (r > 0) {
            s->drv = drivers[i];
            s->uri = strdup(uri);
            if (s->drv->set_event_sink)
                s->drv->set_event_sink(s->conn, session_event_sink, s);
            log_info("client %s opened %s%s", s->opt.peer, uri,
                     s->opt.read_only ? " (read-only)" : "");
            return 0;
        }
    }
    error_report(ERR_NO_CONNECT, FROM_NONE, "%s", uri);
    return -1;
}

/* libvirtd answers and then closes the connection. */
static int h_connect_close(struct session *s, void *args, void *ret)
{
    if (s->conn)
        s->drv->close(s->conn);
    s->conn = NULL;
    s->ncallbacks = 0;
    free(s->uri);
    s->uri = NULL;
    s->closing = true;
    return 0;
}

static int h_supports_feature(struct session *s, void *argsp, void *retp)
{
    remote_connect_supports_feature_args *args = argsp;
    remote_connect_supports_feature_ret *ret = retp;

    switch (args->feature) {
    case FEATURE_PROGRAM_KEEPALIVE:
        /* A client that asks knows the keepalive program: from now on
         * the daemon may ping it (libvirtd does the same). */
        s->keepalive_enabled = true;
        ret->supported = 1;
        return 0;
    case FEATURE_REMOTE_EVENT_CALLBACK:
    case FEATURE_REMOTE_CLOSE_CALLBACK:
        ret->supported = 1;
        return 0;
    }
    if (!s->conn) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "hypervisor connection not open");
        return -1;
    }
    ret->supported = args->feature == FEATURE_TYPED_PARAM_STRING ||
                     args->feature == FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER;
    return 0;
}

static int h_get_type(struct session *s, void *args, void *retp)
{
    remote_connect_get_type_ret *ret = retp;

    ret->type = strdup(s->drv->get_type(s->conn));
    return ret->type ? 0 : -1;
}

static int h_get_version(struct session *s, void *args, void *retp)
{
    remote_connect_get_version_ret *ret = retp;
    uint64_t v;

    if (DRV(s, get_version) < 0 || s->drv->get_version(s->conn, &v) < 0)
        return -1;
    ret->hv_ver = v;
    return 0;
}

/* The library version of the daemon: we speak for libvirt 9.0.0. */
static int h_get_lib_version(struct session *s, void *args, void *retp)
{
    remote_connect_get_lib_version_ret *ret = retp;

    ret->lib_ver = 9000000;
    return 0;
}

static int h_get_hostname(struct session *s, void *args, void *retp)
{
    remote_connect_get_hostname_ret *ret = retp;

    if (DRV(s, get_hostname) < 0)
        return -1;
    return s->drv->get_hostname(s->conn, &ret->hostname);
}

static int h_get_uri(struct session *s, void *args, void *retp)
{
    remote_connect_get_uri_ret *ret = retp;

    ret->uri = strdup(s->uri ? s->uri : "");
    return ret->uri ? 0 : -1;
}

static int h_get_max_vcpus(struct session *s, void *argsp, void *retp)
{
    remote_connect_get_max_vcpus_args *args = argsp;
    remote_connect_get_max_vcpus_ret *ret = retp;

    if (DRV(s, get_max_vcpus) < 0)
        return -1;
    int n = s->drv->get_max_vcpus(s->conn, args->type ? *args->type : NULL);
    if (n < 0)
        return -1;
    ret->max_vcpus = n;
    return 0;
}

static int h_get_capabilities(struct session *s, void *args, void *retp)
{
    remote_connect_get_capabilities_ret *ret = retp;

    if (DRV(s, get_capabilities) < 0)
        return -1;
    return s->drv->get_capabilities(s->conn, &ret->capabilities);
}

static int h_get_sysinfo(struct session *s, void *argsp, void *retp)
{
    remote_connect_get_sysinfo_args *args = argsp;
    remote_connect_get_sysinfo_ret *ret = retp;

    if (DRV(s, get_sysinfo) < 0)
        return -1;
    return s->drv->get_sysinfo(s->conn, args->flags, &ret->sysinfo);
}

static int h_is_secure(struct session *s, void *args, void *retp)
{
    remote_connect_is_secure_ret *ret = retp;

    ret->secure = s->opt.secure;
    return 0;
}

static int h_close_callback(struct session *s, void *args, void *ret)
{
    return 0;
}

static int h_node_get_info(struct session *s, void *args, void *retp)
{
    remote_node_get_info_ret *ret = retp;
    struct drv_node_info info = {0};

    if (DRV(s, node_get_info) < 0 || s->drv->node_get_info(s->conn, &info) < 0)
        return -1;
    for (size_t i = 0; i < sizeof(ret->model); i++)
        ret->model[i] = info.model[i];
    ret->memory = info.memory_kib;
    ret->cpus = info.cpus;
    ret->mhz = info.mhz;
    ret->nodes = info.nodes;
    ret->sockets = info.sockets;
    ret->cores = info.cores;
    ret->threads = info.threads;
    return 0;
}

/* libvirt sends security strings as char arrays with their NUL. */
static int chars_from_string(const char *str, u_int *len, char **val, u_int max)
{
    size_t n = str ? strlen(str) + 1 : 0;

    if (n > max) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "security string too long");
        return -1;
    }
    *len = (u_int)n;
    *val = NULL;
    if (n) {
        *val = malloc(n);
        if (!*val)
            return -1;
        memcpy(*val, str, n);
    }
    return 0;
}

static int h_node_get_security_model(struct session *s, void *args, void *retp)
{
    remote_node_get_security_model_ret *ret = retp;
    struct drv_sec_model m = {0};
    int r = -1;

    if (DRV(s, node_get_security_model) < 0 ||
        s->drv->node_get_security_model(s->conn, &m) < 0)
        return -1;
    if (chars_from_string(m.model, &ret->model.model_len, &ret->model.model_val,
                          REMOTE_SECURITY_MODEL_MAX) < 0 ||
        chars_from_string(m.doi, &ret->doi.doi_len, &ret->doi.doi_val,
                          REMOTE_SECURITY_DOI_MAX) < 0)
        goto out;
    r = 0;
out:
    free(m.model);
    free(m.doi);
    return r;
}

/* --- listing and lookup --- */

static int h_list_all_domains(struct session *s, void *argsp, void *retp)
{
    remote_connect_list_all_domains_args *args = argsp;
    remote_connect_list_all_domains_ret *ret = retp;
    struct drv_dom_id *doms = NULL;
    size_t n = 0;

    if (DRV(s, list_all_domains) < 0 ||
        s->drv->list_all_domains(s->conn, args->flags, &doms, &n) < 0)
        return -1;
    if (n > REMOTE_DOMAIN_LIST_MAX) {
        for (size_t i = 0; i < n; i++)
            drv_dom_id_clear(&doms[i]);
        free(doms);
        error_report(ERR_RPC, FROM_RPC, "Too many domains '%zu' for limit '%d'", n,
                     REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    ret->ret = (u_int)n;
    if (args->need_results) {
        ret->domains.domains_val = calloc(n ? n : 1, sizeof(remote_nonnull_domain));
        if (!ret->domains.domains_val)
            n = 0;
        else
            ret->domains.domains_len = (u_int)n;
    }
    for (size_t i = 0; i < n; i++) {
        if (args->need_results && ret->domains.domains_val)
            dom_to_wire(&doms[i], &ret->domains.domains_val[i]);
        drv_dom_id_clear(&doms[i]);
    }
    free(doms);
    return 0;
}

static int h_num_of_domains(struct session *s, void *args, void *retp)
{
    remote_connect_num_of_domains_ret *ret = retp;

    if (DRV(s, num_of_domains) < 0)
        return -1;
    ret->num = s->drv->num_of_domains(s->conn);
    return ret->num < 0 ? -1 : 0;
}

static int h_num_of_defined_domains(struct session *s, void *args, void *retp)
{
    remote_connect_num_of_defined_domains_ret *ret = retp;

    if (DRV(s, num_of_defined_domains) < 0)
        return -1;
    ret->num = s->drv->num_of_defined_domains(s->conn);
    return ret->num < 0 ? -1 : 0;
}

static int h_list_domains(struct session *s, void *argsp, void *retp)
{
    remote_connect_list_domains_args *args = argsp;
    remote_connect_list_domains_ret *ret = retp;

    if (args->maxids < 0) {
        error_report(ERR_RPC, FROM_RPC, "maxids must be non-negative");
        return -1;
    }
    if (args->maxids > REMOTE_DOMAIN_ID_LIST_MAX) {
        error_report(ERR_RPC, FROM_RPC, "maxids > REMOTE_DOMAIN_LIST_MAX");
        return -1;
    }
    if (DRV(s, list_domains) < 0)
        return -1;
    ret->ids.ids_val = calloc((size_t)args->maxids + 1, sizeof(int));
    if (!ret->ids.ids_val)
        return -1;
    int n = s->drv->list_domains(s->conn, ret->ids.ids_val, args->maxids);
    if (n < 0)
        return -1;
    ret->ids.ids_len = (u_int)n;
    return 0;
}

static int h_list_defined_domains(struct session *s, void *argsp, void *retp)
{
    remote_connect_list_defined_domains_args *args = argsp;
    remote_connect_list_defined_domains_ret *ret = retp;

    if (args->maxnames < 0) {
        error_report(ERR_RPC, FROM_RPC, "maxnames must be non-negative");
        return -1;
    }
    if (args->maxnames > REMOTE_DOMAIN_NAME_LIST_MAX) {
        error_report(ERR_RPC, FROM_RPC, "maxnames > REMOTE_DOMAIN_NAME_LIST_MAX");
        return -1;
    }
    if (DRV(s, list_defined_domains) < 0)
        return -1;
    ret->names.names_val = calloc((size_t)args->maxnames + 1, sizeof(char *));
    if (!ret->names.names_val)
        return -1;
    int n = s->drv->list_defined_domains(s->conn, ret->names.names_val, args->maxnames);
    if (n < 0)
        return -1;
    ret->names.names_len = (u_int)n;
    return 0;
}

static int finish_lookup(int r, struct drv_dom_id *d, remote_domain_ret *ret)
{
    if (r < 0)
        return -1;
    dom_to_wire(d, &ret->dom);
    return 0;
}

static int h_lookup_by_id(struct session *s, void *argsp, void *retp)
{
    remote_domain_lookup_by_id_args *args = argsp;
    struct drv_dom_id d = {0};

    if (DRV(s, lookup_by_id) < 0)
        return -1;
    return finish_lookup(s->drv->lookup_by_id(s->conn, args->id, &d), &d, retp);
}

static int h_lookup_by_name(struct session *s, void *argsp, void *retp)
{
    remote_domain_lookup_by_name_args *args = argsp;
    struct drv_dom_id d = {0};

    if (DRV(s, lookup_by_name) < 0)
        return -1;
    return finish_lookup(s->drv->lookup_by_name(s->conn, args->name, &d), &d, retp);
}

static int h_lookup_by_uuid(struct session *s, void *argsp, void *retp)
{
    remote_domain_lookup_by_uuid_args *args = argsp;
    struct drv_dom_id d = {0};

    if (DRV(s, lookup_by_uuid) < 0)
        return -1;
    return finish_lookup(s->drv->lookup_by_uuid(s->conn, (unsigned char *)args->uuid, &d),
                         &d, retp);
}

/* --- creating and defining --- */

static int h_create_xml(struct session *s, void *argsp, void *retp)
{
    remote_domain_create_xml_args *args = argsp;
    struct drv_dom_id d = {0};

    if (DRV(s, domain_create_xml) < 0)
        return -1;
    return finish_lookup(s->drv->domain_create_xml(s->conn, args->xml_desc, args->flags, &d),
                         &d, retp);
}

static int h_define_xml(struct session *s, void *argsp, void *retp)
{
    remote_domain_define_xml_args *args = argsp;
    struct drv_dom_id d = {0};

    if (DRV(s, domain_define_xml) < 0)
        return -1;
    return finish_lookup(s->drv->domain_define_xml(s->conn, args->xml, 0, &d), &d, retp);
}

static int h_define_xml_flags(struct session *s, void *argsp, void *retp)
{
    remote_domain_define_xml_flags_args *args = argsp;
    struct drv_dom_id d = {0};

    if (DRV(s, domain_define_xml) < 0)
        return -1;
    return finish_lookup(s->drv->domain_define_xml(s->conn, args->xml, args->flags, &d), &d,
                         retp);
}

/* --- one domain --- */

static int h_create(struct session *s, void *argsp, void *ret)
{
    remote_domain_args *args = argsp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_create) < 0)
        return -1;
    return s->drv->domain_create(s->conn, &d, 0);
}

static int h_create_with_flags(struct session *s, void *argsp, void *retp)
{
    remote_domain_flags_args *args = argsp;
    remote_domain_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_create) < 0 || s->drv->domain_create(s->conn, &d, args->flags) < 0)
        return -1;
    ret->dom.name = strdup(args->dom.name);
    memcpy(ret->dom.uuid, d.uuid, DRV_UUID_LEN);
    ret->dom.id = d.id;
    return ret->dom.name ? 0 : -1;
}

#define DOM_OP(fname, op, ...)                                              \
    static int fname(struct session *s, void *argsp, void *ret)             \
    {                                                                       \
        remote_domain_args *args = argsp;                                   \
        struct drv_dom_id d = dom_view(&args->dom);                         \
        if (DRV(s, op) < 0)                                                 \
            return -1;                                                      \
        return s->drv->op(s->conn, &d, ##__VA_ARGS__) < 0 ? -1 : 0;         \
    }

#define DOM_FLAGS_OP(fname, op)                                             \
    static int fname(struct session *s, void *argsp, void *ret)             \
    {                                                                       \
        remote_domain_flags_args *args = argsp;                             \
        struct drv_dom_id d = dom_view(&args->dom);                         \
        if (DRV(s, op) < 0)                                                 \
            return -1;                                                      \
        return s->drv->op(s->conn, &d, args->flags) < 0 ? -1 : 0;           \
    }

DOM_OP(h_undefine, domain_undefine, 0)
DOM_FLAGS_OP(h_undefine_flags, domain_undefine)
DOM_OP(h_destroy, domain_destroy, 0)
DOM_FLAGS_OP(h_destroy_flags, domain_destroy)
DOM_OP(h_suspend, domain_suspend)
DOM_OP(h_resume, domain_resume)
DOM_OP(h_shutdown, domain_shutdown, 0)
DOM_FLAGS_OP(h_shutdown_flags, domain_shutdown)
DOM_FLAGS_OP(h_reboot, domain_reboot)

static int h_get_info(struct session *s, void *argsp, void *retp)
{
    remote_domain_args *args = argsp;
    remote_domain_get_info_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);
    struct drv_dom_info info = {0};

    if (DRV(s, domain_get_info) < 0 || s->drv->domain_get_info(s->conn, &d, &info) < 0)
        return -1;
    ret->state = (u_char)info.state;
    ret->max_mem = info.max_mem_kib;
    ret->memory = info.memory_kib;
    ret->nr_virt_cpu = (u_short)info.nr_vcpus;
    ret->cpu_time = info.cpu_time_ns;
    return 0;
}

static int h_get_state(struct session *s, void *argsp, void *retp)
{
    remote_domain_flags_args *args = argsp;
    remote_domain_get_state_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_get_state) < 0)
        return -1;
    return s->drv->domain_get_state(s->conn, &d, args->flags, &ret->state, &ret->reason);
}

static int h_get_xml_desc(struct session *s, void *argsp, void *retp)
{
    remote_domain_flags_args *args = argsp;
    remote_domain_get_xml_desc_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);

    /* Migratable XML carries what secure XML does (libvirt refuses both
     * read-only with the same words). */
    if (s->opt.read_only && (args->flags & (DOMAIN_XML_SECURE | DOMAIN_XML_MIGRATABLE))) {
        error_report(ERR_OPERATION_DENIED, FROM_DOMAIN,
                     "virDomainGetXMLDesc with secure flag");
        return -1;
    }
    if (DRV(s, domain_get_xml_desc) < 0)
        return -1;
    return s->drv->domain_get_xml_desc(s->conn, &d, args->flags, &ret->xml);
}

static int h_get_os_type(struct session *s, void *argsp, void *retp)
{
    remote_domain_args *args = argsp;
    remote_domain_get_os_type_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_get_os_type) < 0)
        return -1;
    return s->drv->domain_get_os_type(s->conn, &d, &ret->type);
}

static int h_get_max_memory(struct session *s, void *argsp, void *retp)
{
    remote_domain_args *args = argsp;
    remote_domain_get_max_memory_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);
    uint64_t kib;

    if (DRV(s, domain_get_max_memory) < 0 ||
        s->drv->domain_get_max_memory(s->conn, &d, &kib) < 0)
        return -1;
    ret->memory = kib;
    return 0;
}

static int h_set_max_memory(struct session *s, void *argsp, void *ret)
{
    remote_domain_memory_args *args = argsp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_set_max_memory) < 0)
        return -1;
    return s->drv->domain_set_max_memory(s->conn, &d, args->memory);
}

/* virDomainSetMemory is SetMemoryFlags with VIR_DOMAIN_AFFECT_LIVE. */
static int h_set_memory(struct session *s, void *argsp, void *ret)
{
    remote_domain_memory_args *args = argsp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_set_memory_flags) < 0)
        return -1;
    return s->drv->domain_set_memory_flags(s->conn, &d, args->memory, 1);
}

static int h_set_memory_flags(struct session *s, void *argsp, void *ret)
{
    remote_domain_set_memory_flags_args *args = argsp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_set_memory_flags) < 0)
        return -1;
    return s->drv->domain_set_memory_flags(s->conn, &d, args->memory, args->flags);
}

static int h_set_vcpus(struct session *s, void *argsp, void *ret)
{
    remote_domain_set_vcpus_args *args = argsp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_set_vcpus_flags) < 0)
        return -1;
    return s->drv->domain_set_vcpus_flags(s->conn, &d, args->nvcpus, 1);
}

static int h_set_vcpus_flags(struct session *s, void *argsp, void *ret)
{
    remote_domain_set_vcpus_flags_args *args = argsp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_set_vcpus_flags) < 0)
        return -1;
    return s->drv->domain_set_vcpus_flags(s->conn, &d, args->nvcpus, args->flags);
}

static int h_get_vcpus_flags(struct session *s, void *argsp, void *retp)
{
    remote_domain_flags_args *args = argsp;
    remote_domain_get_vcpus_flags_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);

    /* Asking the guest agent is a write as far as libvirt is concerned. */
    if (s->opt.read_only && (args->flags & DOMAIN_VCPU_GUEST)) {
        error_report(ERR_OPERATION_DENIED, FROM_DOMAIN, "read only access prevents %s",
                     "virDomainGetVcpusFlags");
        return -1;
    }
    if (DRV(s, domain_get_vcpus_flags) < 0)
        return -1;
    ret->num = s->drv->domain_get_vcpus_flags(s->conn, &d, args->flags);
    return ret->num < 0 ? -1 : 0;
}

static int h_get_autostart(struct session *s, void *argsp, void *retp)
{
    remote_domain_args *args = argsp;
    remote_domain_get_autostart_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_get_autostart) < 0)
        return -1;
    return s->drv->domain_get_autostart(s->conn, &d, &ret->autostart);
}

static int h_set_autostart(struct session *s, void *argsp, void *ret)
{
    remote_domain_set_autostart_args *args = argsp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_set_autostart) < 0)
        return -1;
    return s->drv->domain_set_autostart(s->conn, &d, args->autostart);
}

static int h_is_active(struct session *s, void *argsp, void *retp)
{
    remote_domain_args *args = argsp;
    remote_domain_is_active_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_is_active) < 0)
        return -1;
    ret->active = s->drv->domain_is_active(s->conn, &d);
    return ret->active < 0 ? -1 : 0;
}

static int h_is_persistent(struct session *s, void *argsp, void *retp)
{
    remote_domain_args *args = argsp;
    remote_domain_is_persistent_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_is_persistent) < 0)
        return -1;
    ret->persistent = s->drv->domain_is_persistent(s->conn, &d);
    return ret->persistent < 0 ? -1 : 0;
}

static int h_has_managed_save(struct session *s, void *argsp, void *retp)
{
    remote_domain_flags_args *args = argsp;
    remote_domain_has_managed_save_image_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);

    if (DRV(s, domain_has_managed_save) < 0)
        return -1;
    ret->result = s->drv->domain_has_managed_save(s->conn, &d, args->flags);
    return ret->result < 0 ? -1 : 0;
}

static int h_get_security_label(struct session *s, void *argsp, void *retp)
{
    remote_domain_args *args = argsp;
    remote_domain_get_security_label_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);
    struct drv_sec_label l = {0};

    if (DRV(s, domain_get_security_label) < 0 ||
        s->drv->domain_get_security_label(s->conn, &d, &l) < 0)
        return -1;
    int r = chars_from_string(l.label && *l.label ? l.label : NULL, &ret->label.label_len,
                              &ret->label.label_val, REMOTE_SECURITY_LABEL_MAX);
    ret->enforcing = l.enforcing;
    free(l.label);
    return r;
}

static int h_get_messages(struct session *s, void *argsp, void *retp)
{
    remote_domain_flags_args *args = argsp;
    remote_domain_get_messages_ret *ret = retp;
    struct drv_dom_id d = dom_view(&args->dom);
    char **msgs = NULL;
    size_t n = 0;

    if (DRV(s, domain_get_messages) < 0 ||
        s->drv->domain_get_messages(s->conn, &d, args->flags, &msgs, &n) < 0)
        return -1;
    if (n > REMOTE_DOMAIN_MESSAGES_MAX) {
        for (size_t i = 0; i < n; i++)
            free(msgs[i]);
        free(msgs);
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "too many messages");
        return -1;
    }
    ret->msgs.msgs_val = msgs;
    ret->msgs.msgs_len = (u_int)n;
    return 0;
}

/* --- events --- */

/* Adds a registration for event_id (limited to one domain when dom is
 * set); max_id is the highest event id the procedure takes. As in
 * libvirtd, a connection holds one registration per event and domain
 * filter, whichever procedure made it: a second one is refused, so one
 * change never fans out into many copies of its event. Returns the new
 * callback id, or -1. */
static int add_callback(struct session *s, int event_id, int max_id, int proc,
                        const remote_domain dom)
{
    if (event_id < 0 || event_id > max_id) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "unsupported event ID %d", event_id);
        return -1;
    }
    for (size_t i = 0; i < s->ncallbacks; i++) {
        const struct event_callback *cb = &s->callbacks[i];
        if (cb->event_id == event_id && cb->has_dom == (dom != NULL) &&
            (!dom || memcmp(cb->uuid, dom->uuid, DRV_UUID_LEN) == 0)) {
            error_report(ERR_INVALID_ARG, FROM_NONE, "event callback already tracked");
            return -1;
        }
    }
    if (s->ncallbacks >= SESSION_MAX_CALLBACKS) {
        error_report(ERR_RPC, FROM_RPC, "too many event callbacks");
        return -1;
    }
    struct event_callback *cb = &s->callbacks[s->ncallbacks++];
    cb->id = s->next_callback_id++;
    cb->event_id = event_id;
    cb->proc = proc;
    cb->has_dom = dom != NULL;
    if (dom)
        memcpy(cb->uuid, dom->uuid, DRV_UUID_LEN);
    return cb->id;
}

static void remove_callback_at(struct session *s, size_t i)
{
    memmove(&s->callbacks[i], &s->callbacks[i + 1],
            (s->ncallbacks - i - 1) * sizeof(s->callbacks[0]));
    s->ncallbacks--;
}

/* Legacy registrations (without callback ids) are keyed by event id. */
static int find_legacy(struct session *s, int event_id)
{
    for (size_t i = 0; i < s->ncallbacks; i++)
        if (s->callbacks[i].proc != REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE &&
            s->callbacks[i].proc != REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT &&
            s->callbacks[i].event_id == event_id && s->callbacks[i].id < 0)
            return (int)i;
    return -1;
}

static int legacy_proc(int event_id)
{
    return event_id == DOMAIN_EVENT_ID_LIFECYCLE ? REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE
           : event_id == DOMAIN_EVENT_ID_REBOOT  ? REMOTE_PROC_DOMAIN_EVENT_REBOOT
                                                 : 0;
}

static int register_legacy(struct session *s, int event_id)
{
    if (add_callback(s, event_id, DOMAIN_EVENT_ID_LEGACY_LAST, legacy_proc(event_id), NULL) < 0)
        return -1;
    s->callbacks[s->ncallbacks - 1].id = -1;
    s->next_callback_id--;
    return 0;
}

static int deregister_legacy(struct session *s, int event_id)
{
    int i = find_legacy(s, event_id);

    if (i < 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "domain event %d not registered",
                     event_id);
        return -1;
    }
    remove_callback_at(s, (size_t)i);
    return 0;
}

static int h_event_register(struct session *s, void *args, void *retp)
{
    remote_connect_domain_event_register_ret *ret = retp;

    if (register_legacy(s, DOMAIN_EVENT_ID_LIFECYCLE) < 0)
        return -1;
    ret->cb_registered = 1;
    return 0;
}

static int h_event_deregister(struct session *s, void *args, void *retp)
{
    remote_connect_domain_event_register_ret *ret = retp;

    if (deregister_legacy(s, DOMAIN_EVENT_ID_LIFECYCLE) < 0)
        return -1;
    ret->cb_registered = 0;
    return 0;
}

static int h_event_register_any(struct session *s, void *argsp, void *ret)
{
    remote_connect_domain_event_register_any_args *args = argsp;

    return register_legacy(s, args->eventID);
}

static int h_event_deregister_any(struct session *s, void *argsp, void *ret)
{
    remote_connect_domain_event_register_any_args *args = argsp;

    return deregister_legacy(s, args->eventID);
}

static int h_event_callback_register_any(struct session *s, void *argsp, void *retp)
{
    remote_connect_domain_event_callback_register_any_args *args = argsp;
    remote_connect_domain_event_callback_register_any_ret *ret = retp;
    int proc = args->eventID == DOMAIN_EVENT_ID_LIFECYCLE
                   ? REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE
               : args->eventID == DOMAIN_EVENT_ID_REBOOT ? REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT
                                                         : 0;
    int id = add_callback(s, args->eventID, DOMAIN_EVENT_ID_LAST - 1, proc, args->dom);

    if (id < 0)
        return -1;
    ret->callbackID = id;
    return 0;
}

static int h_event_callback_deregister_any(struct session *s, void *argsp, void *ret)
{
    remote_connect_domain_event_callback_deregister_any_args *args = argsp;

    for (size_t i = 0; i < s->ncallbacks; i++) {
        if (s->callbacks[i].id == args->callbackID) {
            remove_callback_at(s, i);
            return 0;
        }
    }
    error_report(ERR_INTERNAL_ERROR, FROM_RPC, "domain event callback %d not registered",
                 args->callbackID);
    return -1;
}

static int send_event(struct session *s, const struct event_callback *cb,
                      const struct queued_event *ev)
{
    struct message_header hdr = {
        .prog = REMOTE_PROGRAM,
        .vers = REMOTE_PROTOCOL_VERSION,
        .proc = cb->proc,
        .type = MESSAGE_EVENT,
        .serial = 1, /* what libvirtd 9.0 puts in every event */
        .status = MESSAGE_OK,
    };
    remote_nonnull_domain dom = {.name = ev->dom.name, .id = ev->dom.id};

    memcpy(dom.uuid, ev->dom.uuid, DRV_UUID_LEN);
    switch (cb->proc) {
    case REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE: {
        remote_domain_event_lifecycle_msg m = {dom, ev->event, ev->detail};
        return session_send(s, &hdr, (xdrproc_t)xdr_remote_domain_event_lifecycle_msg, &m);
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE: {
        remote_domain_event_callback_lifecycle_msg m = {cb->id, {dom, ev->event, ev->detail}};
        return session_send(s, &hdr,
                            (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &m);
    }
    }
    return 0;
}

int dispatch_flush_events(struct session *s)
{
    int r = 0;

    for (size_t e = 0; e < s->nevents; e++) {
        struct queued_event *ev = &s->events[e];
        for (size_t i = 0; r == 0 && i < s->ncallbacks; i++) {
            const struct event_callback *cb = &s->callbacks[i];
            if (cb->event_id != DOMAIN_EVENT_ID_LIFECYCLE)
                continue;
            if (cb->has_dom && memcmp(cb->uuid, ev->dom.uuid, DRV_UUID_LEN) != 0)
                continue;
            r = send_event(s, cb, ev);
        }
        drv_dom_id_clear(&ev->dom);
    }
    s->nevents = 0;
    return r;
}

/* --- the table --- */

#define X(t) (xdrproc_t) xdr_##t, sizeof(t)
#define NONE NULL, 0

static const struct dispatch_entry table[] = {
    {REMOTE_PROC_CONNECT_OPEN, "virConnectOpen", X(remote_connect_open_args), NONE,
     h_connect_open, D_NO_CONN},
    {REMOTE_PROC_CONNECT_CLOSE, "virConnectClose", NONE, NONE, h_connect_close, D_NO_CONN},
    {REMOTE_PROC_CONNECT_GET_TYPE, "virConnectGetType", NONE, X(remote_connect_get_type_ret),
     h_get_type, 0},
    {REMOTE_PROC_CONNECT_GET_VERSION, "virConnectGetVersion", NONE,
     X(remote_connect_get_version_ret), h_get_version, 0},
    {REMOTE_PROC_CONNECT_GET_MAX_VCPUS, "virConnectGetMaxVcpus",
     X(remote_connect_get_max_vcpus_args), X(remote_connect_get_max_vcpus_ret),
     h_get_max_vcpus, 0},
    {REMOTE_PROC_NODE_GET_INFO, "virNodeGetInfo", NONE, X(remote_node_get_info_ret),
     h_node_get_info, 0},
    {REMOTE_PROC_CONNECT_GET_CAPABILITIES, "virConnectGetCapabilities", NONE,
     X(remote_connect_get_capabilities_ret), h_get_capabilities, 0},
    {REMOTE_PROC_DOMAIN_CREATE, "virDomainCreate", X(remote_domain_args), NONE, h_create,
     D_WRITE},
    {REMOTE_PROC_DOMAIN_CREATE_XML, "virDomainCreateXML", X(remote_domain_create_xml_args),
     X(remote_domain_ret), h_create_xml, D_WRITE},
    {REMOTE_PROC_DOMAIN_DEFINE_XML, "virDomainDefineXML", X(remote_domain_define_xml_args),
     X(remote_domain_ret), h_define_xml, D_WRITE},
    {REMOTE_PROC_DOMAIN_DESTROY, "virDomainDestroy", X(remote_domain_args), NONE, h_destroy,
     D_WRITE},
    {REMOTE_PROC_DOMAIN_GET_XML_DESC, "virDomainGetXMLDesc", X(remote_domain_flags_args),
     X(remote_domain_get_xml_desc_ret), h_get_xml_desc, 0},
    {REMOTE_PROC_DOMAIN_GET_AUTOSTART, "virDomainGetAutostart", X(remote_domain_args),
     X(remote_domain_get_autostart_ret), h_get_autostart, 0},
    {REMOTE_PROC_DOMAIN_GET_INFO, "virDomainGetInfo", X(remote_domain_args),
     X(remote_domain_get_info_ret), h_get_info, 0},
    {REMOTE_PROC_DOMAIN_GET_MAX_MEMORY, "virDomainGetMaxMemory", X(remote_domain_args),
     X(remote_domain_get_max_memory_ret), h_get_max_memory, 0},
    {REMOTE_PROC_DOMAIN_GET_OS_TYPE, "virDomainGetOSType", X(remote_domain_args),
     X(remote_domain_get_os_type_ret), h_get_os_type, 0},
    {REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, "virConnectListDefinedDomains",
     X(remote_connect_list_defined_domains_args), X(remote_connect_list_defined_domains_ret),
     h_list_defined_domains, 0},
    {REMOTE_PROC_DOMAIN_LOOKUP_BY_ID, "virDomainLookupByID", X(remote_domain_lookup_by_id_args),
     X(remote_domain_ret), h_lookup_by_id, 0},
    {REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, "virDomainLookupByName",
     X(remote_domain_lookup_by_name_args), X(remote_domain_ret), h_lookup_by_name, 0},
    {REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, "virDomainLookupByUUID",
     X(remote_domain_lookup_by_uuid_args), X(remote_domain_ret), h_lookup_by_uuid, 0},
    {REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS, "virConnectNumOfDefinedDomains", NONE,
     X(remote_connect_num_of_defined_domains_ret), h_num_of_defined_domains, 0},
    {REMOTE_PROC_DOMAIN_REBOOT, "virDomainReboot", X(remote_domain_flags_args), NONE, h_reboot,
     D_WRITE},
    {REMOTE_PROC_DOMAIN_RESUME, "virDomainResume", X(remote_domain_args), NONE, h_resume,
     D_WRITE},
    {REMOTE_PROC_DOMAIN_SET_AUTOSTART, "virDomainSetAutostart",
     X(remote_domain_set_autostart_args), NONE, h_set_autostart, D_WRITE},
    {REMOTE_PROC_DOMAIN_SET_MAX_MEMORY, "virDomainSetMaxMemory", X(remote_domain_memory_args),
     NONE, h_set_max_memory, D_WRITE},
    {REMOTE_PROC_DOMAIN_SET_MEMORY, "virDomainSetMemory", X(remote_domain_memory_args), NONE,
     h_set_memory, D_WRITE},
    {REMOTE_PROC_DOMAIN_SET_VCPUS, "virDomainSetVcpus", X(remote_domain_set_vcpus_args), NONE,
     h_set_vcpus, D_WRITE},
    {REMOTE_PROC_DOMAIN_SHUTDOWN, "virDomainShutdown", X(remote_domain_args), NONE, h_shutdown,
     D_WRITE},
    {REMOTE_PROC_DOMAIN_SUSPEND, "virDomainSuspend", X(remote_domain_args), NONE, h_suspend,
     D_WRITE},
    {REMOTE_PROC_DOMAIN_UNDEFINE, "virDomainUndefine", X(remote_domain_args), NONE,
     h_undefine, D_WRITE},
    {REMOTE_PROC_CONNECT_LIST_DOMAINS, "virConnectListDomains",
     X(remote_connect_list_domains_args), X(remote_connect_list_domains_ret), h_list_domains,
     0},
    {REMOTE_PROC_CONNECT_NUM_OF_DOMAINS, "virConnectNumOfDomains", NONE,
     X(remote_connect_num_of_domains_ret), h_num_of_domains, 0},
    {REMOTE_PROC_CONNECT_GET_HOSTNAME, "virConnectGetHostname", NONE,
     X(remote_connect_get_hostname_ret), h_get_hostname, 0},
    {REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, "virConnectSupportsFeature",
     X(remote_connect_supports_feature_args), X(remote_connect_supports_feature_ret),
     h_supports_feature, D_NO_CONN},
    {REMOTE_PROC_AUTH_LIST, "virConnectOpen", NONE, X(remote_auth_list_ret), h_auth_list,
     D_NO_CONN},
    {REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER, "virConnectDomainEventRegister", NONE,
     X(remote_connect_domain_event_register_ret), h_event_register, 0},
    {REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER, "virConnectDomainEventDeregister", NONE,
     X(remote_connect_domain_event_register_ret), h_event_deregister, 0},
    {REMOTE_PROC_CONNECT_GET_URI, "virConnectGetURI", NONE, X(remote_connect_get_uri_ret),
     h_get_uri, 0},
    {REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL, "virDomainGetSecurityLabel",
     X(remote_domain_args), X(remote_domain_get_security_label_ret), h_get_security_label, 0},
    {REMOTE_PROC_NODE_GET_SECURITY_MODEL, "virNodeGetSecurityModel", NONE,
     X(remote_node_get_security_model_ret), h_node_get_security_model, 0},
    {REMOTE_PROC_CONNECT_IS_SECURE, "virConnectIsSecure", NONE,
     X(remote_connect_is_secure_ret), h_is_secure, 0},
    {REMOTE_PROC_DOMAIN_IS_ACTIVE, "virDomainIsActive", X(remote_domain_args),
     X(remote_domain_is_active_ret), h_is_active, 0},
    {REMOTE_PROC_DOMAIN_IS_PERSISTENT, "virDomainIsPersistent", X(remote_domain_args),
     X(remote_domain_is_persistent_ret), h_is_persistent, 0},
    {REMOTE_PROC_CONNECT_GET_LIB_VERSION, "virConnectGetLibVersion", NONE,
     X(remote_connect_get_lib_version_ret), h_get_lib_version, 0},
    {REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY, "virConnectDomainEventRegisterAny",
     X(remote_connect_domain_event_register_any_args), NONE, h_event_register_any, 0},
    {REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER_ANY, "virConnectDomainEventDeregisterAny",
     X(remote_connect_domain_event_register_any_args), NONE, h_event_deregister_any, 0},
    {REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE, "virDomainHasManagedSaveImage",
     X(remote_domain_flags_args), X(remote_domain_has_managed_save_image_ret),
     h_has_managed_save, 0},
    {REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS, "virDomainCreateWithFlags",
     X(remote_domain_flags_args), X(remote_domain_ret), h_create_with_flags, D_WRITE},
    {REMOTE_PROC_DOMAIN_SET_VCPUS_FLAGS, "virDomainSetVcpusFlags",
     X(remote_domain_set_vcpus_flags_args), NONE, h_set_vcpus_flags, D_WRITE},
    {REMOTE_PROC_DOMAIN_GET_VCPUS_FLAGS, "virDomainGetVcpusFlags", X(remote_domain_flags_args),
     X(remote_domain_get_vcpus_flags_ret), h_get_vcpus_flags, 0},
    {REMOTE_PROC_CONNECT_GET_SYSINFO, "virConnectGetSysinfo",
     X(remote_connect_get_sysinfo_args), X(remote_connect_get_sysinfo_ret), h_get_sysinfo, 0},
    {REMOTE_PROC_DOMAIN_SET_MEMORY_FLAGS, "virDomainSetMemoryFlags",
     X(remote_domain_set_memory_flags_args), NONE, h_set_memory_flags, D_WRITE},
    {REMOTE_PROC_DOMAIN_GET_STATE, "virDomainGetState", X(remote_domain_flags_args),
     X(remote_domain_get_state_ret), h_get_state, 0},
    {REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS, "virDomainUndefineFlags", X(remote_domain_flags_args),
     NONE, h_undefine_flags, D_WRITE},
    {REMOTE_PROC_DOMAIN_DESTROY_FLAGS, "virDomainDestroyFlags", X(remote_domain_flags_args),
     NONE, h_destroy_flags, D_WRITE},
    {REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS, "virDomainShutdownFlags", X(remote_domain_flags_args),
     NONE, h_shutdown_flags, D_WRITE},
    {REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, "virConnectListAllDomains",
     X(remote_connect_list_all_domains_args), X(remote_connect_list_all_domains_ret),
     h_list_all_domains, 0},
    {REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
     "virConnectDomainEventRegisterAny",
     X(remote_connect_domain_event_callback_register_any_args),
     X(remote_connect_domain_event_callback_register_any_ret), h_event_callback_register_any,
     0},
    {REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
     "virConnectDomainEventDeregisterAny",
     X(remote_connect_domain_event_callback_deregister_any_args), NONE,
     h_event_callback_deregister_any, 0},
    {REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS, "virDomainDefineXMLFlags",
     X(remote_domain_define_xml_flags_args), X(remote_domain_ret), h_define_xml_flags,
     D_WRITE},
    {REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK, "virConnectRegisterCloseCallback", NONE,
     NONE, h_close_callback, 0},
    {REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, "virConnectUnregisterCloseCallback", NONE,
     NONE, h_close_callback, 0},
    {REMOTE_PROC_DOMAIN_GET_MESSAGES, "virDomainGetMessages", X(remote_domain_flags_args),
     X(remote_domain_get_messages_ret), h_get_messages, 0},
};

#define TABLE_LEN (sizeof(table) / sizeof(table[0]))

/* The table is sorted by procedure number: a binary search finds an entry. */
static const struct dispatch_entry *find_entry(int proc)
{
    size_t lo = 0, hi = TABLE_LEN;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (table[mid].proc == proc)
            return &table[mid];
        if (table[mid].proc < proc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int dispatch_proc_is_write(int proc)
{
    const struct dispatch_entry *e = find_entry(proc);

    return e && (e->flags & D_WRITE);
}

int dispatch_send_error(struct session *s, const struct message_header *call)
{
    const struct error *err = error_last();
    struct message_header hdr = *call;
    remote_error rerr = {0};
    char *msg;

    hdr.type = MESSAGE_REPLY;
    hdr.status = MESSAGE_ERROR;
    if (!err)
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "unknown failure");
    err = error_last();
    msg = err->message;
    rerr.code = err->code;
    rerr.domain = err->domain;
    rerr.level = err->level ? err->level : ERR_LEVEL_ERROR;
    rerr.message = msg ? &msg : NULL;
    rerr.int1 = err->int1;
    rerr.int2 = err->int2;
    int r = session_send(s, &hdr, (xdrproc_t)xdr_remote_error, &rerr);
    error_clear();
    return r;
}

int dispatch_call(struct session *s, const struct message_header *call,
                  const unsigned char *frame, size_t len)
{
    const struct dispatch_entry *e = find_entry(call->proc);
    struct message_header hdr = *call;
    union {
        remote_connect_open_args a;
        char pad[256];
    } args, ret;
    int r;

    error_clear();
    if (!e) {
        /* A procedure of libvirt's that we do not implement gets what
         * libvirtd answers when its driver lacks the function. */
        const struct procedure_info *p = procedure_lookup(call->proc);
        if (p && p->api && !s->conn)
            error_report(ERR_INTERNAL_ERROR, FROM_RPC, "hypervisor connection not open");
        else if (p && p->api)
            error_report(ERR_NO_SUPPORT, p->error_domain, "%s", p->api);
        else
            error_report(ERR_RPC, FROM_RPC, "unknown procedure: %d", call->proc);
        return dispatch_send_error(s, call);
    }
    if (e->args_size > sizeof(args) || e->ret_size > sizeof(ret)) {
        /* A table entry whose structs outgrew the buffers: a build bug. */
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "no room to decode procedure %d", e->proc);
        return dispatch_send_error(s, call);
    }
    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    if (e->args_fn && message_decode_body(frame, len, e->args_fn, &args) < 0) {
        error_set_message(ERR_RPC, FROM_RPC, "Unable to decode message payload");
        log_warn("client %s: undecodable arguments for procedure %d", s->opt.peer,
                 call->proc);
        return dispatch_send_error(s, call);
    }
    if (!s->conn && !(e->flags & D_NO_CONN)) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "hypervisor connection not open");
        r = -1;
    } else if (s->opt.read_only && (e->flags & D_WRITE)) {
        error_report(ERR_OPERATION_DENIED, FROM_DOMAIN, "read only access prevents %s", e->api);
        r = -1;
    } else {
        r = e->fn(s, &args, &ret);
    }
    if (e->args_fn)
        message_free_body(e->args_fn, &args);
    if (r < 0) {
        if (e->ret_fn)
            message_free_body(e->ret_fn, &ret);
        return dispatch_send_error(s, call);
    }
    hdr.type = MESSAGE_REPLY;
    hdr.status = MESSAGE_OK;
    r = session_send(s, &hdr, e->ret_fn, e->ret_fn ? &ret : NULL);
    if (e->ret_fn)
        message_free_body(e->ret_fn, &ret);
    return r;
}

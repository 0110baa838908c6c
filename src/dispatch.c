#include "dispatch.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch-handlers.h"
#include "dispatch-table.h"
#include "error.h"
#include "events.h"
#include "feature.h"
#include "log.h"

/* The procedures that are not plain calls of a driver operation: those of
 * the connection itself, of event registrations, and those whose
 * arguments need a check before the driver sees them. Everything else is
 * generated from rpc/procedures.txt (dispatch-table.c). */

#define DOMAIN_XML_SECURE 1
#define DOMAIN_XML_MIGRATABLE 8
#define DOMAIN_VCPU_GUEST 8

int dispatch_unsupported(int proc)
{
    const struct procedure_info *p = procedure_lookup(proc);

    error_report(ERR_NO_SUPPORT, p ? p->error_domain : FROM_RPC, "%s",
                 p && p->api ? p->api : "unknown procedure");
    return -1;
}

/* --- the connection --- */

int h_auth_list(struct session *s, void *args, void *retp)
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

int h_connect_open(struct session *s, void *argsp, void *retp)
{
    remote_connect_open_args *args = argsp;
    const struct driver *const *list;
    struct drv_context ctx;
    const char *uri;

    if (session_conn(s)) {
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
        session_set_read_only(s);
    ctx = session_context(s);
    list = session_opts(s)->drivers ? session_opts(s)->drivers : drivers;
    for (size_t i = 0; list[i]; i++) {
        struct drv_conn *conn = NULL;
        int r = list[i]->open(uri, args->flags, &ctx, &conn);
        if (r < 0)
            return -1;
        if (r > 0) {
            if (session_attach(s, list[i], conn, uri) < 0)
                return -1;
            log_info("client %s opened %s%s", session_opts(s)->peer, uri,
                     session_read_only(s) ? " (read-only)" : "");
            return 0;
        }
    }
    error_report(ERR_NO_CONNECT, FROM_NONE, "%s", uri);
    return -1;
}

/* libvirtd answers and then closes the connection. */
int h_connect_close(struct session *s, void *args, void *ret)
{
    session_detach(s);
    session_end_after_reply(s);
    return 0;
}

int h_connect_supports_feature(struct session *s, void *argsp, void *retp)
{
    remote_connect_supports_feature_args *args = argsp;
    remote_connect_supports_feature_ret *ret = retp;

    switch (args->feature) {
    case FEATURE_PROGRAM_KEEPALIVE:
        /* A client that asks knows the keepalive program: from now on
         * the daemon may ping it (libvirtd does the same). */
        session_enable_keepalive(s);
        ret->supported = 1;
        return 0;
    case FEATURE_REMOTE_EVENT_CALLBACK:
    case FEATURE_REMOTE_CLOSE_CALLBACK:
        ret->supported = 1;
        return 0;
    }
    if (!session_conn(s)) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "hypervisor connection not open");
        return -1;
    }
    ret->supported = args->feature == FEATURE_TYPED_PARAM_STRING ||
                     args->feature == FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER;
    return 0;
}

int h_connect_get_uri(struct session *s, void *args, void *retp)
{
    remote_connect_get_uri_ret *ret = retp;

    ret->uri = strdup(session_uri(s) ? session_uri(s) : "");
    return ret->uri ? 0 : -1;
}

/* The library version of the daemon: we speak for libvirt 9.0.0. */
int h_connect_get_lib_version(struct session *s, void *args, void *retp)
{
    remote_connect_get_lib_version_ret *ret = retp;

    ret->lib_ver = 9000000;
    return 0;
}

int h_connect_is_secure(struct session *s, void *args, void *retp)
{
    remote_connect_is_secure_ret *ret = retp;

    ret->secure = session_opts(s)->secure;
    return 0;
}

/* The close callback lives in the client; the daemon has nothing to do. */
int h_connect_register_close_callback(struct session *s, void *args, void *ret)
{
    return 0;
}

int h_connect_unregister_close_callback(struct session *s, void *args, void *ret)
{
    return 0;
}

/* --- calls checked before the driver's operation --- */

int h_domain_get_xml_desc(struct session *s, void *argsp, void *ret)
{
    const remote_domain_get_xml_desc_args *args = argsp;

    /* Migratable XML carries what secure XML does (libvirt refuses both
     * read-only with the same words). */
    if (session_read_only(s) && (args->flags & (DOMAIN_XML_SECURE | DOMAIN_XML_MIGRATABLE))) {
        error_report(ERR_OPERATION_DENIED, FROM_DOMAIN,
                     "virDomainGetXMLDesc with secure flag");
        return -1;
    }
    return DRIVER_CALL(s, domain, domain_get_xml_desc, REMOTE_PROC_DOMAIN_GET_XML_DESC, args,
                       ret);
}

int h_domain_get_vcpus_flags(struct session *s, void *argsp, void *ret)
{
    const remote_domain_get_vcpus_flags_args *args = argsp;

    /* Asking the guest agent is a write as far as libvirt is concerned. */
    if (session_read_only(s) && (args->flags & DOMAIN_VCPU_GUEST)) {
        error_report(ERR_OPERATION_DENIED, FROM_DOMAIN, "read only access prevents %s",
                     "virDomainGetVcpusFlags");
        return -1;
    }
    return DRIVER_CALL(s, domain, domain_get_vcpus_flags, REMOTE_PROC_DOMAIN_GET_VCPUS_FLAGS,
                       args, ret);
}

int h_connect_list_domains(struct session *s, void *argsp, void *ret)
{
    const remote_connect_list_domains_args *args = argsp;

    if (args->maxids < 0) {
        error_report(ERR_RPC, FROM_RPC, "maxids must be non-negative");
        return -1;
    }
    if (args->maxids > REMOTE_DOMAIN_ID_LIST_MAX) {
        error_report(ERR_RPC, FROM_RPC, "maxids > REMOTE_DOMAIN_LIST_MAX");
        return -1;
    }
    return DRIVER_CALL(s, domain, connect_list_domains, REMOTE_PROC_CONNECT_LIST_DOMAINS, args,
                       ret);
}

int h_connect_list_defined_domains(struct session *s, void *argsp, void *ret)
{
    const remote_connect_list_defined_domains_args *args = argsp;

    if (args->maxnames < 0) {
        error_report(ERR_RPC, FROM_RPC, "maxnames must be non-negative");
        return -1;
    }
    if (args->maxnames > REMOTE_DOMAIN_NAME_LIST_MAX) {
        error_report(ERR_RPC, FROM_RPC, "maxnames > REMOTE_DOMAIN_NAME_LIST_MAX");
        return -1;
    }
    return DRIVER_CALL(s, domain, connect_list_defined_domains,
                       REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, args, ret);
}

/* The list may not outgrow what the wire can carry. */
int h_connect_list_all_domains(struct session *s, void *args, void *retp)
{
    remote_connect_list_all_domains_ret *ret = retp;

    if (DRIVER_CALL(s, domain, connect_list_all_domains, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS,
                    args, ret) < 0)
        return -1;
    if (ret->ret > REMOTE_DOMAIN_LIST_MAX) {
        error_report(ERR_RPC, FROM_RPC, "Too many domains '%u' for limit '%d'", ret->ret,
                     REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    return 0;
}

/* --- event registrations (events.c keeps them) --- */

#define DOMAIN_EVENT_ID_LIFECYCLE 0

/* Tells the driver that events are wanted (driver.h). */
static int events_now_wanted(struct session *s, int rc)
{
    const struct driver *drv = session_driver(s);

    if (rc >= 0 && drv && drv->events_wanted && session_conn(s))
        drv->events_wanted(session_conn(s));
    return rc;
}

int h_connect_domain_event_register(struct session *s, void *args, void *retp)
{
    remote_connect_domain_event_register_ret *ret = retp;
    int rc = events_register(session_events(s), DRV_EVENT_DOMAIN, DOMAIN_EVENT_ID_LIFECYCLE, true,
                             NULL, 0);

    if (events_now_wanted(s, rc) < 0)
        return -1;
    ret->cb_registered = 1;
    return 0;
}

int h_connect_domain_event_deregister(struct session *s, void *args, void *retp)
{
    remote_connect_domain_event_deregister_ret *ret = retp;

    if (events_deregister_legacy(session_events(s), DOMAIN_EVENT_ID_LIFECYCLE) < 0)
        return -1;
    ret->cb_registered = 0;
    return 0;
}

int h_connect_domain_event_register_any(struct session *s, void *argsp, void *ret)
{
    remote_connect_domain_event_register_any_args *args = argsp;

    int rc = events_register(session_events(s), DRV_EVENT_DOMAIN, args->eventID, true, NULL, 0);

    return events_now_wanted(s, rc) < 0 ? -1 : 0;
}

int h_connect_domain_event_deregister_any(struct session *s, void *argsp, void *ret)
{
    remote_connect_domain_event_deregister_any_args *args = argsp;

    return events_deregister_legacy(session_events(s), args->eventID);
}

int h_connect_domain_event_callback_register_any(struct session *s, void *argsp, void *retp)
{
    remote_connect_domain_event_callback_register_any_args *args = argsp;
    remote_connect_domain_event_callback_register_any_ret *ret = retp;
    int id = events_now_wanted(
        s, events_register(session_events(s), DRV_EVENT_DOMAIN, args->eventID, false,
                           args->dom ? (const unsigned char *)args->dom->uuid : NULL,
                           args->dom ? DRV_UUID_LEN : 0));

    if (id < 0)
        return -1;
    ret->callbackID = id;
    return 0;
}

int h_connect_domain_event_callback_deregister_any(struct session *s, void *argsp, void *ret)
{
    remote_connect_domain_event_callback_deregister_any_args *args = argsp;

    return events_deregister(session_events(s), DRV_EVENT_DOMAIN, args->callbackID);
}

/* A driver without the objects has no events for them either (real's test
 * driver has no secrets, so registering for their events is unsupported). */
static bool family_served(const struct driver *drv, int family)
{
    if (!drv)
        return false;
    switch (family) {
    case DRV_EVENT_NETWORK:
        return drv->network != NULL;
    case DRV_EVENT_STORAGE_POOL:
        return drv->storage != NULL;
    case DRV_EVENT_NODE_DEVICE:
        return drv->nodedev != NULL;
    case DRV_EVENT_SECRET:
        return drv->secret != NULL;
    default:
        return false;
    }
}

/* The other families' registrations: one event id, optionally one object
 * (its uuid; a node device's name), answered with the callbackID. */
static int register_other(struct session *s, int family, int event_id,
                          const unsigned char *key, size_t key_len, int *callback_id)
{
    if (!family_served(session_driver(s), family))
        return dispatch_unsupported(family == DRV_EVENT_NETWORK
                                        ? REMOTE_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY
                                    : family == DRV_EVENT_STORAGE_POOL
                                        ? REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY
                                    : family == DRV_EVENT_NODE_DEVICE
                                        ? REMOTE_PROC_CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY
                                        : REMOTE_PROC_CONNECT_SECRET_EVENT_REGISTER_ANY);

    int id = events_now_wanted(
        s, events_register(session_events(s), family, event_id, false, key, key_len));

    if (id < 0)
        return -1;
    *callback_id = id;
    return 0;
}

int h_connect_network_event_register_any(struct session *s, void *argsp, void *retp)
{
    remote_connect_network_event_register_any_args *args = argsp;
    remote_connect_network_event_register_any_ret *ret = retp;

    return register_other(s, DRV_EVENT_NETWORK, args->eventID,
                          args->net ? (const unsigned char *)args->net->uuid : NULL,
                          args->net ? DRV_UUID_LEN : 0, &ret->callbackID);
}

int h_connect_network_event_deregister_any(struct session *s, void *argsp, void *ret)
{
    remote_connect_network_event_deregister_any_args *args = argsp;

    (void)ret;
    return events_deregister(session_events(s), DRV_EVENT_NETWORK, args->callbackID);
}

int h_connect_storage_pool_event_register_any(struct session *s, void *argsp, void *retp)
{
    remote_connect_storage_pool_event_register_any_args *args = argsp;
    remote_connect_storage_pool_event_register_any_ret *ret = retp;

    return register_other(s, DRV_EVENT_STORAGE_POOL, args->eventID,
                          args->pool ? (const unsigned char *)args->pool->uuid : NULL,
                          args->pool ? DRV_UUID_LEN : 0, &ret->callbackID);
}

int h_connect_storage_pool_event_deregister_any(struct session *s, void *argsp, void *ret)
{
    remote_connect_storage_pool_event_deregister_any_args *args = argsp;

    (void)ret;
    return events_deregister(session_events(s), DRV_EVENT_STORAGE_POOL, args->callbackID);
}

int h_connect_node_device_event_register_any(struct session *s, void *argsp, void *retp)
{
    remote_connect_node_device_event_register_any_args *args = argsp;
    remote_connect_node_device_event_register_any_ret *ret = retp;
    const char *name = args->dev ? args->dev->name : NULL;

    return register_other(s, DRV_EVENT_NODE_DEVICE, args->eventID, (const unsigned char *)name,
                          name ? strlen(name) : 0, &ret->callbackID);
}

int h_connect_node_device_event_deregister_any(struct session *s, void *argsp, void *ret)
{
    remote_connect_node_device_event_deregister_any_args *args = argsp;

    (void)ret;
    return events_deregister(session_events(s), DRV_EVENT_NODE_DEVICE, args->callbackID);
}

int h_connect_secret_event_register_any(struct session *s, void *argsp, void *retp)
{
    remote_connect_secret_event_register_any_args *args = argsp;
    remote_connect_secret_event_register_any_ret *ret = retp;

    return register_other(s, DRV_EVENT_SECRET, args->eventID,
                          args->secret ? (const unsigned char *)args->secret->uuid : NULL,
                          args->secret ? DRV_UUID_LEN : 0, &ret->callbackID);
}

int h_connect_secret_event_deregister_any(struct session *s, void *argsp, void *ret)
{
    remote_connect_secret_event_deregister_any_args *args = argsp;

    (void)ret;
    return events_deregister(session_events(s), DRV_EVENT_SECRET, args->callbackID);
}

/* --- dispatching --- */

/* The table is sorted by procedure number: a binary search finds an entry. */
static const struct dispatch_entry *find_entry(int proc)
{
    size_t lo = 0, hi = dispatch_table_len;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dispatch_table[mid].proc == proc)
            return &dispatch_table[mid];
        if (dispatch_table[mid].proc < proc)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int dispatch_decode(struct session *s, const struct message_header *hdr,
                    const unsigned char *frame, size_t len, struct dispatch_call *call)
{
    const struct dispatch_entry *e = find_entry(hdr->proc);

    error_clear();
    call->entry = e;
    if (!e) {
        /* A procedure of libvirt's that we do not implement gets what
         * libvirtd answers when its driver lacks the function: after the
         * read-only check when its row says it writes. */
        const struct procedure_info *p = procedure_lookup(hdr->proc);
        if (p && p->api && !session_conn(s))
            error_report(ERR_INTERNAL_ERROR, FROM_RPC, "hypervisor connection not open");
        else if (p && p->api && (p->flags & PROC_WRITE) && session_read_only(s))
            error_report(ERR_OPERATION_DENIED, p->error_domain, "read only access prevents %s",
                         p->api);
        else if (p && p->api)
            error_report(ERR_NO_SUPPORT, p->error_domain, "%s", p->api);
        else
            error_report(ERR_RPC, FROM_RPC, "unknown procedure: %d", hdr->proc);
        return -1;
    }
    memset(&call->args, 0, sizeof(call->args));
    if (e->args_fn && message_decode_body(frame, len, e->args_fn, &call->args) < 0) {
        error_set_message(ERR_RPC, FROM_RPC, "Unable to decode message payload");
        log_warn("client %s: undecodable arguments for procedure %d", session_opts(s)->peer,
                 hdr->proc);
        return -1;
    }
    return 0;
}

int dispatch_run(struct session *s, struct dispatch_call *call, struct dispatch_reply *reply)
{
    const struct dispatch_entry *e = call->entry;
    int r;

    reply->ret_fn = e->ret_fn;
    memset(&reply->ret, 0, sizeof(reply->ret));
    if (!session_conn(s) && !(e->flags & PROC_NO_CONN)) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "hypervisor connection not open");
        r = -1;
    } else if (session_read_only(s) && (e->flags & PROC_WRITE)) {
        error_report(ERR_OPERATION_DENIED, FROM_DOMAIN, "read only access prevents %s", e->api);
        r = -1;
    } else {
        r = e->fn(s, &call->args, &reply->ret);
    }
    if (e->args_fn)
        message_free_body(e->args_fn, &call->args);
    return r;
}

void dispatch_reply_free(struct dispatch_reply *reply)
{
    if (reply->ret_fn)
        message_free_body(reply->ret_fn, &reply->ret);
    reply->ret_fn = NULL;
}

#include "dispatch.h"

#include <stdlib.h>
#include <string.h>

#include "dispatch-handlers.h"
#include "dispatch-table.h"
#include "error.h"
#include "feature.h"
#include "log.h"

/* The procedures that are not plain calls of a driver operation: those of
 * the connection itself, of event registrations, and those whose
 * arguments need a check before the driver sees them. Everything else is
 * generated from rpc/procedures.txt (dispatch-table.c). */

#define DOMAIN_EVENT_ID_LIFECYCLE 0
#define DOMAIN_EVENT_ID_REBOOT 1
#define DOMAIN_EVENT_ID_LAST 27
/* The legacy procedures take events up to DEVICE_REMOVED; later ones only
 * come through the callback procedures. */
#define DOMAIN_EVENT_ID_LEGACY_LAST 15
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
int h_connect_close(struct session *s, void *args, void *ret)
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

int h_connect_supports_feature(struct session *s, void *argsp, void *retp)
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

int h_connect_get_uri(struct session *s, void *args, void *retp)
{
    remote_connect_get_uri_ret *ret = retp;

    ret->uri = strdup(s->uri ? s->uri : "");
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

    ret->secure = s->opt.secure;
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
    if (s->opt.read_only && (args->flags & (DOMAIN_XML_SECURE | DOMAIN_XML_MIGRATABLE))) {
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
    if (s->opt.read_only && (args->flags & DOMAIN_VCPU_GUEST)) {
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

int h_connect_domain_event_register(struct session *s, void *args, void *retp)
{
    remote_connect_domain_event_register_ret *ret = retp;

    if (register_legacy(s, DOMAIN_EVENT_ID_LIFECYCLE) < 0)
        return -1;
    ret->cb_registered = 1;
    return 0;
}

int h_connect_domain_event_deregister(struct session *s, void *args, void *retp)
{
    remote_connect_domain_event_deregister_ret *ret = retp;

    if (deregister_legacy(s, DOMAIN_EVENT_ID_LIFECYCLE) < 0)
        return -1;
    ret->cb_registered = 0;
    return 0;
}

int h_connect_domain_event_register_any(struct session *s, void *argsp, void *ret)
{
    remote_connect_domain_event_register_any_args *args = argsp;

    return register_legacy(s, args->eventID);
}

int h_connect_domain_event_deregister_any(struct session *s, void *argsp, void *ret)
{
    remote_connect_domain_event_deregister_any_args *args = argsp;

    return deregister_legacy(s, args->eventID);
}

int h_connect_domain_event_callback_register_any(struct session *s, void *argsp, void *retp)
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

int h_connect_domain_event_callback_deregister_any(struct session *s, void *argsp, void *ret)
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

int dispatch_proc_is_write(int proc)
{
    const struct dispatch_entry *e = find_entry(proc);

    return e && (e->flags & PROC_WRITE);
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
    /* Every procedure's types fit (dispatch-table.c asserts it). */
    union {
        remote_connect_open_args a;
        char pad[DISPATCH_BODY_MAX];
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
    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    if (e->args_fn && message_decode_body(frame, len, e->args_fn, &args) < 0) {
        error_set_message(ERR_RPC, FROM_RPC, "Unable to decode message payload");
        log_warn("client %s: undecodable arguments for procedure %d", s->opt.peer,
                 call->proc);
        return dispatch_send_error(s, call);
    }
    if (!s->conn && !(e->flags & PROC_NO_CONN)) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "hypervisor connection not open");
        r = -1;
    } else if (s->opt.read_only && (e->flags & PROC_WRITE)) {
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

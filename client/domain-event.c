/* domain-event: the public functions that register and deregister domain
 * event callbacks. Callbacks on the same event and filter share one
 * registration with the server (libvirtd refuses a second); the engine
 * (rpc.c) receives and delivers the events. */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "error.h"
#include "feature.h"
#include "wire.h"

/* Events */

static int register_event(virConnectPtr conn, virDomainPtr dom, int event_id,
                          virConnectDomainEventGenericCallback cb, void *opaque,
                          virFreeCallback freecb, int legacy)
{
    remote_connect_domain_event_callback_register_any_args a;
    remote_connect_domain_event_callback_register_any_ret r = {0};
    remote_nonnull_domain rd;
    struct conn_event_cb *e;

    if (event_id != VIR_DOMAIN_EVENT_ID_LIFECYCLE && event_id != VIR_DOMAIN_EVENT_ID_REBOOT &&
        event_id != VIR_DOMAIN_EVENT_ID_METADATA_CHANGE) {
        error_report(ERR_NO_SUPPORT, VIR_FROM_REMOTE, "domain event %d", event_id);
        return -1;
    }
    int has = conn_server_has(conn, FEATURE_REMOTE_EVENT_CALLBACK, &conn->srv_event_cb);
    if (has < 0)
        return -1;
    if (!has) {
        error_report(ERR_NO_SUPPORT, VIR_FROM_REMOTE, "%s",
                     "the server does not support event callbacks");
        return -1;
    }
    if (conn_attach_event_loop(conn) < 0) {
        error_report(ERR_INTERNAL_ERROR, VIR_FROM_REMOTE, "%s",
                     "could not initialize domain event timer");
        return -1;
    }
    memset(&a, 0, sizeof(a));
    a.eventID = event_id;
    if (dom) {
        rd.name = dom->name;
        memcpy(rd.uuid, dom->uuid, VIR_UUID_BUFLEN);
        rd.id = dom->id;
        a.dom = &rd;
    }
    e = calloc(1, sizeof(*e));
    if (!e || (dom && !(e->dom_name = strdup(dom->name)))) {
        free(e);
        error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
        return -1;
    }
    if (dom) {
        memcpy(e->dom_uuid, dom->uuid, VIR_UUID_BUFLEN);
        e->dom_id = dom->id;
    }
    pthread_mutex_lock(&conn->lock);
    struct conn_event_cb *shared = conn_shared_registration(
        conn->callbacks, NULL, event_id, e->dom_name, dom ? dom->uuid : NULL);
    /* libvirt's rule: one function once per event, filter and kind. */
    for (struct conn_event_cb *c = shared; c; c = c->next)
        if (c->cb == cb && c->legacy == legacy &&
            conn_same_filter(c, event_id, e->dom_name, dom ? dom->uuid : NULL)) {
            pthread_mutex_unlock(&conn->lock);
            free(e->dom_name);
            free(e);
            error_report(ERR_INVALID_ARG, VIR_FROM_NONE, "%s", "event callback already tracked");
            return -1;
        }
    if (shared)
        r.callbackID = shared->remote_id;
    pthread_mutex_unlock(&conn->lock);
    if (!shared &&
        conn_call(conn, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                  (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args, &a,
                  (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_ret, &r) < 0) {
        free(e->dom_name);
        free(e);
        return -1;
    }
    pthread_mutex_lock(&conn->lock);
    e->local_id = conn->next_local_id++;
    e->remote_id = r.callbackID;
    e->event_id = event_id;
    e->legacy = legacy;
    e->cb = cb;
    e->opaque = opaque;
    e->freecb = freecb;
    /* Kept in the order they were registered, which is the order their
     * callbacks run for one event. */
    struct conn_event_cb **tail = &conn->callbacks;
    while (*tail)
        tail = &(*tail)->next;
    *tail = e;
    pthread_mutex_unlock(&conn->lock);
    return e->local_id;
}

/* Removes the registration matching local_id (or, for legacy ones, cb). */
static int deregister_event(virConnectPtr conn, int local_id, virConnectDomainEventCallback legacy_cb)
{
    struct conn_event_cb **pp, *e = NULL;
    remote_connect_domain_event_callback_deregister_any_args a;

    pthread_mutex_lock(&conn->lock);
    for (pp = &conn->callbacks; *pp; pp = &(*pp)->next) {
        struct conn_event_cb *c = *pp;
        if (legacy_cb ? (c->legacy &&
                         c->cb == (virConnectDomainEventGenericCallback)(void (*)(void))legacy_cb)
                      : (!c->legacy && c->local_id == local_id)) {
            e = c;
            *pp = c->next;
            break;
        }
    }
    /* The server's registration goes when its last callback does. */
    int still_shared = e && conn_shared_registration(conn->callbacks, NULL, e->event_id, e->dom_name,
                                                e->dom_uuid) != NULL;
    pthread_mutex_unlock(&conn->lock);
    if (!e) {
        if (legacy_cb)
            error_report(ERR_INVALID_ARG, VIR_FROM_NONE, "event callback function %p not registered",
                         (void *)(void (*)(void))legacy_cb);
        else
            error_report(ERR_INVALID_ARG, VIR_FROM_NONE, "event callback id %d not registered",
                         local_id);
        return -1;
    }
    a.callbackID = e->remote_id;
    int rc = still_shared
                 ? 0
                 : conn_call(conn, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                             (xdrproc_t)xdr_remote_connect_domain_event_callback_deregister_any_args,
                             &a, NULL, NULL);
    if (e->freecb)
        e->freecb(e->opaque);
    free(e->dom_name);
    free(e);
    return rc;
}

int virConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                     virConnectDomainEventGenericCallback cb, void *opaque,
                                     virFreeCallback freecb)
{
    int id;

    CHECK_CONN_IN(conn, -1, VIR_FROM_DOMAIN);
    CHECK_ARG_IN(conn, cb, -1, VIR_FROM_DOMAIN);
    if (eventID < 0 || eventID >= 27) {
        api_bad_event_id(__func__, VIR_FROM_DOMAIN, eventID, 27);
        api_fail(conn);
        return -1;
    }
    id = register_event(conn, dom, eventID, cb, opaque, freecb, 0);
    if (id < 0)
        api_fail(conn);
    return id;
}

int virConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    CHECK_CONN_IN(conn, -1, VIR_FROM_DOMAIN);
    if (deregister_event(conn, callbackID, NULL) < 0) {
        api_fail(conn);
        return -1;
    }
    return 0;
}

int virConnectDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                                  void *opaque, virFreeCallback freecb)
{
    CHECK_CONN(conn, -1);
    CHECK_ARG(conn, cb, -1);
    if (register_event(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                       (virConnectDomainEventGenericCallback)(void (*)(void))cb, opaque, freecb,
                       1) < 0) {
        api_fail(conn);
        return -1;
    }
    return 0;
}

int virConnectDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb)
{
    CHECK_CONN(conn, -1);
    if (deregister_event(conn, -1, cb) < 0) {
        api_fail(conn);
        return -1;
    }
    return 0;
}

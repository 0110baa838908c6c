/* network-event: the public functions that register and deregister
 * network event callbacks. As for domains (domain-event.c), callbacks on
 * the same event and filter share one registration with the server; the
 * engine (rpc.c) receives and delivers the events. */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "error.h"
#include "wire.h"

int virConnectNetworkEventRegisterAny(virConnectPtr conn, virNetworkPtr net, int eventID,
                                      virConnectNetworkEventGenericCallback cb, void *opaque,
                                      virFreeCallback freecb)
{
    remote_connect_network_event_register_any_args a;
    remote_connect_network_event_register_any_ret r = {0};
    remote_nonnull_network rn;
    struct conn_event_cb *e, *shared;

    CHECK_CONN_IN(conn, -1, VIR_FROM_NETWORK);
    CHECK_ARG_IN(conn, cb, -1, VIR_FROM_NETWORK);
    if (net && net->conn != conn) {
        error_report(ERR_INVALID_ARG, VIR_FROM_NETWORK,
                     "network '%s' in %s must match connection", net->name, __func__);
        goto fail;
    }
    if (eventID < 0 || eventID > VIR_NETWORK_EVENT_ID_LIFECYCLE) {
        api_bad_event_id(__func__, VIR_FROM_NETWORK, eventID, VIR_NETWORK_EVENT_ID_LIFECYCLE + 1);
        goto fail;
    }
    if (conn_attach_event_loop(conn) < 0) {
        error_report(ERR_INTERNAL_ERROR, VIR_FROM_REMOTE, "%s",
                     "could not initialize domain event timer");
        goto fail;
    }
    if (!(e = calloc(1, sizeof(*e))) || (net && !(e->dom_name = strdup(net->name)))) {
        free(e);
        error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
        goto fail;
    }
    if (net)
        memcpy(e->dom_uuid, net->uuid, VIR_UUID_BUFLEN);
    memset(&a, 0, sizeof(a));
    a.eventID = eventID;
    if (net) {
        rn.name = net->name;
        memcpy(rn.uuid, net->uuid, VIR_UUID_BUFLEN);
        a.net = &rn;
    }
    pthread_mutex_lock(&conn->lock);
    shared = conn_shared_registration(conn->net_callbacks, NULL, eventID, e->dom_name,
                                      net ? net->uuid : NULL);
    /* libvirt's rule: one function once per event and filter. */
    for (struct conn_event_cb *c = shared; c; c = c->next)
        if (c->cb == (virConnectDomainEventGenericCallback)(void (*)(void))cb &&
            conn_same_filter(c, eventID, e->dom_name, net ? net->uuid : NULL)) {
            pthread_mutex_unlock(&conn->lock);
            free(e->dom_name);
            free(e);
            error_report(ERR_INVALID_ARG, VIR_FROM_NONE, "%s", "event callback already tracked");
            goto fail;
        }
    if (shared)
        r.callbackID = shared->remote_id;
    pthread_mutex_unlock(&conn->lock);
    if (!shared && conn_call(conn, REMOTE_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY,
                             (xdrproc_t)xdr_remote_connect_network_event_register_any_args, &a,
                             (xdrproc_t)xdr_remote_connect_network_event_register_any_ret,
                             &r) < 0) {
        free(e->dom_name);
        free(e);
        goto fail;
    }
    pthread_mutex_lock(&conn->lock);
    e->local_id = conn->next_local_id++;
    e->remote_id = r.callbackID;
    e->event_id = eventID;
    e->dom_id = -1;
    e->cb = (virConnectDomainEventGenericCallback)(void (*)(void))cb;
    e->opaque = opaque;
    e->freecb = freecb;
    struct conn_event_cb **tail = &conn->net_callbacks;
    while (*tail)
        tail = &(*tail)->next;
    *tail = e;
    pthread_mutex_unlock(&conn->lock);
    return e->local_id;
fail:
    api_fail(conn);
    return -1;
}

int virConnectNetworkEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    struct conn_event_cb **pp, *e = NULL;
    remote_connect_network_event_deregister_any_args a;
    int still_shared, rc;

    CHECK_CONN_IN(conn, -1, VIR_FROM_NETWORK);
    pthread_mutex_lock(&conn->lock);
    for (pp = &conn->net_callbacks; *pp; pp = &(*pp)->next)
        if ((*pp)->local_id == callbackID) {
            e = *pp;
            *pp = e->next;
            break;
        }
    /* The server's registration goes when its last callback does. */
    still_shared = e && conn_shared_registration(conn->net_callbacks, NULL, e->event_id,
                                                 e->dom_name, e->dom_uuid) != NULL;
    pthread_mutex_unlock(&conn->lock);
    if (!e) {
        error_report(ERR_INVALID_ARG, VIR_FROM_NONE, "event callback id %d not registered",
                     callbackID);
        api_fail(conn);
        return -1;
    }
    a.callbackID = e->remote_id;
    rc = still_shared ? 0
                      : conn_call(conn, REMOTE_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY,
                                  (xdrproc_t)xdr_remote_connect_network_event_deregister_any_args,
                                  &a, NULL, NULL);
    if (e->freecb)
        e->freecb(e->opaque);
    free(e->dom_name);
    free(e);
    if (rc < 0)
        api_fail(conn);
    return rc;
}

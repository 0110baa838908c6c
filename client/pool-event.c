/* pool-event: the public functions that register and deregister storage
 * pool and node device event callbacks. As for domains and networks
 * (domain-event.c, network-event.c), callbacks on the same event and
 * filter share one registration with the server; the engine (rpc.c)
 * receives and delivers the events. A node device filter is its name
 * (dom_name; dom_uuid stays zero). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

/* What differs between the two kinds. */
struct obj_event_kind {
    int from;        /* VIR_FROM_* of argument errors */
    int last_id;     /* the highest eventID */
    int reg_proc, dereg_proc;
    xdrproc_t reg_args, reg_ret, dereg_args;
};

static const struct obj_event_kind pool_kind = {
    VIR_FROM_STORAGE,
    VIR_STORAGE_POOL_EVENT_ID_REFRESH,
    REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY,
    REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY,
    (xdrproc_t)xdr_remote_connect_storage_pool_event_register_any_args,
    (xdrproc_t)xdr_remote_connect_storage_pool_event_register_any_ret,
    (xdrproc_t)xdr_remote_connect_storage_pool_event_deregister_any_args,
};

static const struct obj_event_kind nodedev_kind = {
    VIR_FROM_NODEDEV,
    VIR_NODE_DEVICE_EVENT_ID_UPDATE,
    REMOTE_PROC_CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY,
    REMOTE_PROC_CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY,
    (xdrproc_t)xdr_remote_connect_node_device_event_register_any_args,
    (xdrproc_t)xdr_remote_connect_node_device_event_register_any_ret,
    (xdrproc_t)xdr_remote_connect_node_device_event_deregister_any_args,
};

/* Registers cb on *list; args is the register call's arguments (filter
 * already filled in), ret its reply, whose first member is callbackID. */
static int obj_event_register(virConnectPtr conn, const struct obj_event_kind *k,
                              struct conn_event_cb **list, int eventID, const char *name,
                              const unsigned char *uuid, void *args, int *ret,
                              virConnectDomainEventGenericCallback cb, void *opaque,
                              virFreeCallback freecb, const char *func)
{
    struct conn_event_cb *e, *shared;
    static const unsigned char zero[VIR_UUID_BUFLEN];

    if (eventID < 0 || eventID > k->last_id) {
        api_bad_event_id(func, k->from, eventID, k->last_id + 1);
        return -1;
    }
    if (conn_attach_event_loop(conn) < 0) {
        error_report(ERR_INTERNAL_ERROR, VIR_FROM_REMOTE, "%s",
                     "could not initialize domain event timer");
        return -1;
    }
    if (!uuid)
        uuid = zero;
    if (!(e = calloc(1, sizeof(*e))) || (name && !(e->dom_name = strdup(name)))) {
        free(e);
        error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
        return -1;
    }
    memcpy(e->dom_uuid, uuid, VIR_UUID_BUFLEN);
    pthread_mutex_lock(&conn->lock);
    shared = conn_shared_registration(*list, NULL, eventID, e->dom_name, uuid);
    /* libvirt's rule: one function once per event and filter. */
    for (struct conn_event_cb *c = shared; c; c = c->next)
        if (c->cb == cb && conn_same_filter(c, eventID, e->dom_name, uuid)) {
            pthread_mutex_unlock(&conn->lock);
            free(e->dom_name);
            free(e);
            error_report(ERR_INVALID_ARG, VIR_FROM_NONE, "%s", "event callback already tracked");
            return -1;
        }
    if (shared)
        *ret = shared->remote_id;
    pthread_mutex_unlock(&conn->lock);
    if (!shared && conn_call(conn, k->reg_proc, k->reg_args, args, k->reg_ret, ret) < 0) {
        free(e->dom_name);
        free(e);
        return -1;
    }
    pthread_mutex_lock(&conn->lock);
    e->local_id = conn->next_local_id++;
    e->remote_id = *ret;
    e->event_id = eventID;
    e->dom_id = -1;
    e->cb = cb;
    e->opaque = opaque;
    e->freecb = freecb;
    struct conn_event_cb **tail = list;
    while (*tail)
        tail = &(*tail)->next;
    *tail = e;
    pthread_mutex_unlock(&conn->lock);
    return e->local_id;
}

static int obj_event_deregister(virConnectPtr conn, const struct obj_event_kind *k,
                                struct conn_event_cb **list, int callbackID)
{
    struct conn_event_cb **pp, *e = NULL;
    remote_connect_storage_pool_event_deregister_any_args a; /* both kinds: callbackID */
    int still_shared, rc;

    pthread_mutex_lock(&conn->lock);
    for (pp = list; *pp; pp = &(*pp)->next)
        if ((*pp)->local_id == callbackID) {
            e = *pp;
            *pp = e->next;
            break;
        }
    /* The server's registration goes when its last callback does. */
    still_shared = e && conn_shared_registration(*list, NULL, e->event_id, e->dom_name,
                                                 e->dom_uuid) != NULL;
    pthread_mutex_unlock(&conn->lock);
    if (!e) {
        /* libvirt's remote driver finds no such id before any call. */
        error_report(ERR_INVALID_ARG, VIR_FROM_NONE, "event callback id %d not registered",
                     callbackID);
        return -1;
    }
    a.callbackID = e->remote_id;
    rc = still_shared ? 0 : conn_call(conn, k->dereg_proc, k->dereg_args, &a, NULL, NULL);
    if (e->freecb)
        e->freecb(e->opaque);
    free(e->dom_name);
    free(e);
    return rc;
}

int virConnectStoragePoolEventRegisterAny(virConnectPtr conn, virStoragePoolPtr pool,
                                          int eventID,
                                          virConnectStoragePoolEventGenericCallback cb,
                                          void *opaque, virFreeCallback freecb)
{
    remote_connect_storage_pool_event_register_any_args a;
    remote_connect_storage_pool_event_register_any_ret r = {0};
    remote_nonnull_storage_pool rp;
    int id;

    CHECK_CONN_IN(conn, -1, VIR_FROM_STORAGE);
    CHECK_ARG_IN(conn, cb, -1, VIR_FROM_STORAGE);
    if (pool && pool->conn != conn) {
        error_report(ERR_INVALID_ARG, VIR_FROM_STORAGE,
                     "storage pool '%s' in %s must match connection", pool->name, __func__);
        goto fail;
    }
    memset(&a, 0, sizeof(a));
    a.eventID = eventID;
    if (pool) {
        rp.name = pool->name;
        memcpy(rp.uuid, pool->uuid, VIR_UUID_BUFLEN);
        a.pool = &rp;
    }
    id = obj_event_register(conn, &pool_kind, &conn->pool_callbacks, eventID,
                            pool ? pool->name : NULL, pool ? pool->uuid : NULL, &a,
                            &r.callbackID,
                            (virConnectDomainEventGenericCallback)(void (*)(void))cb, opaque,
                            freecb, __func__);
    if (id >= 0)
        return id;
fail:
    api_fail(conn);
    return -1;
}

int virConnectStoragePoolEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    CHECK_CONN_IN(conn, -1, VIR_FROM_STORAGE);
    if (obj_event_deregister(conn, &pool_kind, &conn->pool_callbacks, callbackID) < 0) {
        api_fail(conn);
        return -1;
    }
    return 0;
}

int virConnectNodeDeviceEventRegisterAny(virConnectPtr conn, virNodeDevicePtr dev, int eventID,
                                         virConnectNodeDeviceEventGenericCallback cb,
                                         void *opaque, virFreeCallback freecb)
{
    remote_connect_node_device_event_register_any_args a;
    remote_connect_node_device_event_register_any_ret r = {0};
    remote_nonnull_node_device rd;
    int id;

    CHECK_CONN_IN(conn, -1, VIR_FROM_NODEDEV);
    CHECK_ARG_IN(conn, cb, -1, VIR_FROM_NODEDEV);
    if (dev && dev->conn != conn) {
        error_report(ERR_INVALID_ARG, VIR_FROM_NODEDEV,
                     "node device '%s' in %s must match connection", dev->name, __func__);
        goto fail;
    }
    memset(&a, 0, sizeof(a));
    a.eventID = eventID;
    if (dev) {
        rd.name = dev->name;
        a.dev = &rd;
    }
    id = obj_event_register(conn, &nodedev_kind, &conn->nodedev_callbacks, eventID,
                            dev ? dev->name : NULL, NULL, &a, &r.callbackID,
                            (virConnectDomainEventGenericCallback)(void (*)(void))cb, opaque,
                            freecb, __func__);
    if (id >= 0)
        return id;
fail:
    api_fail(conn);
    return -1;
}

int virConnectNodeDeviceEventDeregisterAny(virConnectPtr conn, int callbackID)
{
    CHECK_CONN_IN(conn, -1, VIR_FROM_NODEDEV);
    if (obj_event_deregister(conn, &nodedev_kind, &conn->nodedev_callbacks, callbackID) < 0) {
        api_fail(conn);
        return -1;
    }
    return 0;
}

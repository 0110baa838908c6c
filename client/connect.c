/* connect: the public functions of a connection itself: open (the URI,
 * the stream, the handshake), references and close, liveness, keepalive,
 * the close callback. The engine (rpc.c) does the work. */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "error.h"
#include "feature.h"
#include "wire.h"

static int conn_default_auth_cb(virConnectCredentialPtr cred, unsigned int ncred, void *cbdata)
{
    (void)cred;
    (void)ncred;
    (void)cbdata;
    /* Only auth type "none" is spoken here; nothing is ever asked. */
    return -1;
}

static int default_credtypes[] = {VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE};
static virConnectAuth default_auth = {default_credtypes, 2, conn_default_auth_cb, NULL};
virConnectAuthPtr virConnectAuthPtrDefault = &default_auth;

static virConnectPtr conn_open(const char *name, unsigned int flags)
{
    virConnectPtr conn = calloc(1, sizeof(*conn));
    int r;

    if (!conn) {
        error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
        return NULL;
    }
    conn->refs = 1; /* the memory reference held by the open handle */
    pthread_mutex_init(&conn->lock, NULL);
    pthread_mutex_init(&conn->err_lock, NULL);
    conn->tr.fd = -1;
    conn->tr.err_fd = -1;
    conn->watch = -1;
    conn->dispatch_timer = -1;
    conn->ka_timer = -1;
    conn->reconnect_timer = -1;
    conn->queue_tail = &conn->queue;
    conn->flags = flags & VIR_CONNECT_RO;

    if (!name || !*name)
        name = getenv("LIBVIRT_DEFAULT_URI");
    if (name && !*name)
        name = NULL;
    if (uri_parse(name, stderr, &conn->uri) < 0)
        goto fail;
    if (name && !(conn->uri_str = strdup(name))) {
        error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
        goto fail;
    }
    if (conn_open_stream(conn) < 0)
        goto fail;

    conn->reconnect = conn->uri->reconnect > 0;
    pthread_mutex_lock(&conn->lock);
    r = conn_handshake_locked(conn);
    pthread_mutex_unlock(&conn->lock);
    if (r < 0)
        goto fail;

    /* Without a URI the server chose the driver; ask it which. */
    if (!conn->uri_str) {
        remote_connect_get_uri_ret u;
        memset(&u, 0, sizeof(u));
        if (conn_call(conn, REMOTE_PROC_CONNECT_GET_URI, NULL, NULL,
                      (xdrproc_t)xdr_remote_connect_get_uri_ret, &u) < 0)
            goto fail;
        conn->uri_str = strdup(u.uri);
        xdr_free((xdrproc_t)xdr_remote_connect_get_uri_ret, (char *)&u);
        if (!conn->uri_str) {
            error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
            goto fail;
        }
    }
    conn_attach_event_loop(conn);
    error_clear();
    return conn;

fail:
    {
        /* Keep the error across the cleanup. */
        struct error saved = {0};
        const struct error *e = error_last();
        if (e) {
            saved = *e;
            saved.message = e->message ? strdup(e->message) : NULL;
            saved.str1 = saved.str2 = saved.str3 = NULL;
        }
        conn_free(conn);
        if (e) {
            error_set(&saved);
            free(saved.message);
        }
    }
    return NULL;
}

virConnectPtr virConnectOpenAuth(const char *name, virConnectAuthPtr auth, unsigned int flags)
{
    virConnectPtr conn;

    (void)auth;
    api_enter();
    conn = conn_open(name, flags);
    if (!conn) {
        api_fail(NULL);
        return NULL;
    }
    return conn;
}

virConnectPtr virConnectOpen(const char *name)
{
    return virConnectOpenAuth(name, NULL, 0);
}

virConnectPtr virConnectOpenReadOnly(const char *name)
{
    return virConnectOpenAuth(name, NULL, VIR_CONNECT_RO);
}

int virInitialize(void)
{
    return 0;
}

int virConnectRef(virConnectPtr conn)
{
    CHECK_CONN(conn, -1);
    __atomic_add_fetch(&conn->refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

int virConnectClose(virConnectPtr conn)
{
    CHECK_CONN(conn, -1);
    return conn_release(conn);
}

int virConnectIsAlive(virConnectPtr conn)
{
    int alive;

    CHECK_CONN(conn, -1);
    pthread_mutex_lock(&conn->lock);
    alive = !conn->dead;
    pthread_mutex_unlock(&conn->lock);
    return alive;
}

int virConnectSetKeepAlive(virConnectPtr conn, int interval, unsigned int count)
{
    int timer = -1, old, has;

    CHECK_CONN(conn, -1);
    if (!event_impl_registered()) {
        error_report(ERR_INTERNAL_ERROR, VIR_FROM_RPC, "%s",
                     "keepalive requires an event loop (virEventRegisterDefaultImpl)");
        api_fail(conn);
        return -1;
    }
    has = conn_server_has(conn, FEATURE_PROGRAM_KEEPALIVE, &conn->srv_keepalive);
    if (has < 0) {
        api_fail(conn);
        return -1;
    }
    if (!has)
        return 1;
    if (interval > 0) {
        conn_internal_ref(conn);
        /* Checked often; keepalive_tick acts only when an interval is up. */
        timer = virEventAddTimeout(interval * 1000 < 250 ? interval * 1000 : 250,
                                   conn_keepalive_cb, conn, conn_loop_unref);
        if (timer < 0)
            conn_internal_refs_dec(conn);
    }
    pthread_mutex_lock(&conn->lock);
    old = conn->ka_timer;
    conn->ka_timer = timer;
    conn->ka_interval = interval;
    conn->ka_count = count;
    conn->ka_missed = 0;
    conn_set_write_timeout(conn);
    pthread_mutex_unlock(&conn->lock);
    if (old >= 0)
        virEventRemoveTimeout(old);
    return 0;
}

int virConnectRegisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb, void *opaque,
                                    virFreeCallback freecb)
{
    int has;

    CHECK_CONN(conn, -1);
    CHECK_ARG(conn, cb, -1);
    has = conn_server_has(conn, FEATURE_REMOTE_CLOSE_CALLBACK, &conn->srv_close_cb);
    if (has < 0) {
        api_fail(conn);
        return -1;
    }
    pthread_mutex_lock(&conn->lock);
    if (conn->close_cb) {
        pthread_mutex_unlock(&conn->lock);
        error_report(ERR_OPERATION_INVALID, VIR_FROM_REMOTE, "%s",
                     "A close callback is already registered");
        api_fail(conn);
        return -1;
    }
    conn->close_cb = cb;
    conn->close_opaque = opaque;
    conn->close_freecb = freecb;
    pthread_mutex_unlock(&conn->lock);
    if (has &&
        conn_call(conn, REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK, NULL, NULL, NULL, NULL) < 0) {
        pthread_mutex_lock(&conn->lock);
        conn->close_cb = NULL;
        conn->close_freecb = NULL;
        pthread_mutex_unlock(&conn->lock);
        api_fail(conn);
        return -1;
    }
    return 0;
}

int virConnectUnregisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb)
{
    virFreeCallback freecb;
    void *opaque;

    CHECK_CONN(conn, -1);
    pthread_mutex_lock(&conn->lock);
    if (conn->close_cb != cb) {
        pthread_mutex_unlock(&conn->lock);
        error_report(ERR_OPERATION_INVALID, VIR_FROM_REMOTE, "%s",
                     "A different callback was requested");
        api_fail(conn);
        return -1;
    }
    pthread_mutex_unlock(&conn->lock);
    if (conn->srv_close_cb > 0 &&
        conn_call(conn, REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, NULL, NULL, NULL, NULL) < 0) {
        api_fail(conn);
        return -1;
    }
    pthread_mutex_lock(&conn->lock);
    freecb = conn->close_freecb;
    opaque = conn->close_opaque;
    conn->close_cb = NULL;
    conn->close_freecb = NULL;
    conn->close_opaque = NULL;
    pthread_mutex_unlock(&conn->lock);
    if (freecb)
        freecb(opaque);
    return 0;
}


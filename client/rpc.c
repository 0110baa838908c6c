/* rpc: the client's RPC engine, one connection to a libvirtd: the stream
 * (transport, handshake, reconnect), the call machinery (serials, reply
 * matching, error replies, keepalive both ways, events queued on the way),
 * the event loop's hold on the connection, event and close-callback
 * delivery, the connection's references and its shutdown. The public
 * functions (connect.c, host.c, domain.c, domain-event.c, api-gen.c) call
 * into it; it calls none of them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "channel.h"
#include "conn.h"
#include "error.h"
#include "feature.h"
#include "keepalive_protocol.h"
#include "message.h"
#include "procedures.h"
#include "wire.h"



/* Memory of a connection lives while anything references it: `refs`
 * counts the application's references, one per domain handle and one per
 * registration in the event loop (fd handle, timers). The connection is
 * shut down (CONNECT_CLOSE sent, registrations removed) when only the
 * event loop's references are left; the memory goes with the last one. */
void conn_free(virConnectPtr conn)
{
    struct conn_event_cb *cb, *ncb;
    struct conn_event *ev, *nev;

    if (conn->ch)
        channel_free(conn->ch);
    transport_close(&conn->tr);
    struct conn_event_cb *lists[] = {conn->callbacks, conn->net_callbacks, conn->pool_callbacks,
                                     conn->nodedev_callbacks};
    for (int l = 0; l < 4; l++)
        for (cb = lists[l]; cb; cb = ncb) {
            ncb = cb->next;
            if (cb->freecb)
                cb->freecb(cb->opaque);
            free(cb->dom_name);
            free(cb);
        }
    for (ev = conn->queue; ev; ev = nev) {
        nev = ev->next;
        free(ev->dom_name);
        free(ev->nsuri);
        free(ev);
    }
    if (conn->close_freecb)
        conn->close_freecb(conn->close_opaque);
    uri_free(conn->uri);
    free(conn->uri_str);
    free(conn->type);
    virResetError(&conn->err);
    pthread_mutex_destroy(&conn->lock);
    pthread_mutex_destroy(&conn->err_lock);
    free(conn);
}

/* The event loop's references: one per registered handle or timer. */

void conn_loop_unref(void *opaque)
{
    conn_internal_refs_dec(opaque);
}

int conn_internal_refs_dec(virConnectPtr conn)
{
    int left = __atomic_sub_fetch(&conn->refs, 1, __ATOMIC_SEQ_CST);

    if (left == 0)
        conn_free(conn);
    return left;
}

void conn_internal_ref(virConnectPtr conn)
{
    __atomic_add_fetch(&conn->refs, 1, __ATOMIC_SEQ_CST);
}

/* Marks the stream dead and records why, with the child's stderr when it
 * has something to say (ssh's "Connection refused", nc's "not found").
 * `failed`: the channel failed and recorded its error ("Cannot recv data:
 * Connection reset by peer", gnutls's reason for TLS), which stands unless
 * the child says more; otherwise the stream ended: "WHAT: Input/output
 * error", as libvirt says it. */
static void conn_mark_dead(virConnectPtr conn, int reason, const char *what, bool failed)
{
    char *child = transport_child_stderr(&conn->tr);

    conn->dead = 1;
    conn->close_reason = reason;
    if (conn->tr.pid > 0)
        /* As libvirt: what the child said, then the socket error. */
        error_report(ERR_SYSTEM_ERROR, VIR_FROM_RPC, "Cannot recv data: %s: %s",
                     child ? child : "", "Connection reset by peer");
    else if (child)
        error_report(ERR_SYSTEM_ERROR, VIR_FROM_RPC, "%s: %s", what, child);
    else if (!failed || !error_last())
        error_report(ERR_SYSTEM_ERROR, VIR_FROM_RPC, "%s: %s", what, "Input/output error");
    free(child);
}

/* Reopen attempts after a loss, 50 ms apart and doubling up to 1 s:
 * about five seconds in all. */
#define RECONNECT_ATTEMPTS 10
#define RECONNECT_FIRST_DELAY_MS 50
#define RECONNECT_MAX_DELAY_MS 1000
/* After a failed round, calls fail at once for this long. */
#define RECONNECT_QUIET_MS 5000

static int reconnect_locked(virConnectPtr conn);
static void reconnect_start_locked(virConnectPtr conn);

static void conn_dead_error(void)
{
    error_report(ERR_INTERNAL_ERROR, VIR_FROM_RPC, "%s", "client socket is closed");
}

/* Keepalive bounds writes as it bounds waiting for a reply: a write the
 * server has not taken whole after as long as keepalive would wait for an
 * answer (interval x (count + 1): the pings, then the last wait) gives the
 * server up, the same as a silent one. Without keepalive a write waits, as
 * in libvirt. Lock held. */
void conn_set_write_timeout(virConnectPtr conn)
{
    long long ms = (long long)conn->ka_interval * ((long long)conn->ka_count + 1) * 1000;

    if (conn->ch)
        channel_set_write_timeout(conn->ch, conn->ka_interval <= 0 ? -1
                                            : ms > INT_MAX         ? INT_MAX
                                                                   : (int)ms);
}

static int send_message(virConnectPtr conn, unsigned prog, int proc, int type,
                        unsigned serial, xdrproc_t fn, const void *obj)
{
    struct message_header hdr = {prog, 1, proc, type, serial, MESSAGE_OK};
    struct msgbuf buf = {0};
    int rc = 0;

    if (message_encode(&buf, &hdr, fn, obj) < 0) {
        error_report(ERR_RPC, VIR_FROM_RPC, "%s", "Unable to encode message payload");
        rc = -1;
    } else if (channel_write(conn->ch, buf.data, buf.len) < 0) {
        if (errno == ETIMEDOUT) {
            /* Past keepalive's bound (conn_set_write_timeout), with a frame
             * cut short: the stream is done for, as with a silent server. */
            conn->dead = 1;
            conn->close_reason = VIR_CONNECT_CLOSE_REASON_KEEPALIVE;
            shutdown(channel_read_fd(conn->ch), SHUT_RDWR);
            error_report(ERR_INTERNAL_ERROR, VIR_FROM_RPC, "%s",
                         "connection closed due to keepalive timeout");
        } else {
            /* A peer that went away is an end of file however it shows,
             * as on the read side. */
            conn_mark_dead(conn,
                           errno == EPIPE || errno == ECONNRESET ? VIR_CONNECT_CLOSE_REASON_EOF
                                                                 : VIR_CONNECT_CLOSE_REASON_ERROR,
                           "Cannot write data", true);
        }
        rc = -1;
    }
    msgbuf_free(&buf);
    return rc;
}

/* Whether registration c is for event_id and this filter (dom_name NULL:
 * every domain). */
int conn_same_filter(const struct conn_event_cb *c, int event_id, const char *dom_name,
                       const unsigned char *dom_uuid)
{
    return c->event_id == event_id && !c->dom_name == !dom_name &&
           (!dom_name || (memcmp(c->dom_uuid, dom_uuid, VIR_UUID_BUFLEN) == 0 &&
                          strcmp(c->dom_name, dom_name) == 0));
}

/* The registration among list's entries before `end` (NULL: all) that
 * the server holds for event_id and this filter, if any. libvirtd refuses
 * a second registration of the same event and filter on one connection,
 * so callbacks share it. */
struct conn_event_cb *conn_shared_registration(struct conn_event_cb *list,
                                                 const struct conn_event_cb *end, int event_id,
                                                 const char *dom_name,
                                                 const unsigned char *dom_uuid)
{
    for (struct conn_event_cb *c = list; c && c != end; c = c->next)
        if (conn_same_filter(c, event_id, dom_name, dom_uuid))
            return c;
    return NULL;
}

/* Queues one event message for delivery to the application. */
static void queue_event(virConnectPtr conn, const unsigned char *frame, size_t len, int proc)
{
    struct conn_event *ev = calloc(1, sizeof(*ev));
    const remote_nonnull_domain *d = NULL;
    remote_domain_event_callback_lifecycle_msg lc;
    remote_domain_event_callback_reboot_msg rb;
    remote_domain_event_callback_metadata_change_msg md;
    struct conn_event_cb *cb, *list = conn->callbacks;
    int remote_id = -1, queued = 0;

    if (!ev)
        return;
    memset(&lc, 0, sizeof(lc));
    memset(&rb, 0, sizeof(rb));
    memset(&md, 0, sizeof(md));
    ev->proc = proc;
    if (proc == REMOTE_PROC_NETWORK_EVENT_LIFECYCLE) {
        remote_network_event_lifecycle_msg nm;
        memset(&nm, 0, sizeof(nm));
        if (message_decode_body(frame, len, (xdrproc_t)xdr_remote_network_event_lifecycle_msg,
                                &nm) < 0)
            goto drop;
        remote_id = nm.callbackID;
        ev->event = nm.event;
        ev->detail = nm.detail;
        ev->dom_name = strdup(nm.net.name);
        memcpy(ev->dom_uuid, nm.net.uuid, VIR_UUID_BUFLEN);
        ev->dom_id = -1;
        message_free_body((xdrproc_t)xdr_remote_network_event_lifecycle_msg, &nm);
        if (!ev->dom_name)
            goto drop;
        list = conn->net_callbacks;
    } else if (proc == REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE ||
               proc == REMOTE_PROC_STORAGE_POOL_EVENT_REFRESH) {
        /* The refresh message is the lifecycle one without event and detail. */
        remote_storage_pool_event_lifecycle_msg pm;
        remote_storage_pool_event_refresh_msg rm;
        int lcy = proc == REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE;
        memset(&pm, 0, sizeof(pm));
        memset(&rm, 0, sizeof(rm));
        if ((lcy ? message_decode_body(frame, len,
                                       (xdrproc_t)xdr_remote_storage_pool_event_lifecycle_msg, &pm)
                 : message_decode_body(frame, len,
                                       (xdrproc_t)xdr_remote_storage_pool_event_refresh_msg,
                                       &rm)) < 0)
            goto drop;
        remote_id = lcy ? pm.callbackID : rm.callbackID;
        ev->event = pm.event;
        ev->detail = pm.detail;
        ev->dom_name = strdup(lcy ? pm.pool.name : rm.pool.name);
        memcpy(ev->dom_uuid, lcy ? pm.pool.uuid : rm.pool.uuid, VIR_UUID_BUFLEN);
        ev->dom_id = -1;
        if (lcy)
            message_free_body((xdrproc_t)xdr_remote_storage_pool_event_lifecycle_msg, &pm);
        else
            message_free_body((xdrproc_t)xdr_remote_storage_pool_event_refresh_msg, &rm);
        if (!ev->dom_name)
            goto drop;
        list = conn->pool_callbacks;
    } else if (proc == REMOTE_PROC_NODE_DEVICE_EVENT_LIFECYCLE ||
               proc == REMOTE_PROC_NODE_DEVICE_EVENT_UPDATE) {
        remote_node_device_event_lifecycle_msg dm;
        remote_node_device_event_update_msg um;
        int lcy = proc == REMOTE_PROC_NODE_DEVICE_EVENT_LIFECYCLE;
        memset(&dm, 0, sizeof(dm));
        memset(&um, 0, sizeof(um));
        if ((lcy ? message_decode_body(frame, len,
                                       (xdrproc_t)xdr_remote_node_device_event_lifecycle_msg, &dm)
                 : message_decode_body(frame, len,
                                       (xdrproc_t)xdr_remote_node_device_event_update_msg,
                                       &um)) < 0)
            goto drop;
        remote_id = lcy ? dm.callbackID : um.callbackID;
        ev->event = dm.event;
        ev->detail = dm.detail;
        ev->dom_name = strdup(lcy ? dm.dev.name : um.dev.name);
        ev->dom_id = -1;
        if (lcy)
            message_free_body((xdrproc_t)xdr_remote_node_device_event_lifecycle_msg, &dm);
        else
            message_free_body((xdrproc_t)xdr_remote_node_device_event_update_msg, &um);
        if (!ev->dom_name)
            goto drop;
        list = conn->nodedev_callbacks;
    } else if (proc == REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE) {
        if (message_decode_body(frame, len, (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg,
                                &lc) < 0)
            goto drop;
        remote_id = lc.callbackID;
        ev->event = lc.msg.event;
        ev->detail = lc.msg.detail;
        d = &lc.msg.dom;
    } else if (proc == REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT) {
        if (message_decode_body(frame, len, (xdrproc_t)xdr_remote_domain_event_callback_reboot_msg,
                                &rb) < 0)
            goto drop;
        remote_id = rb.callbackID;
        d = &rb.msg.dom;
    } else if (proc == REMOTE_PROC_DOMAIN_EVENT_CALLBACK_METADATA_CHANGE) {
        if (message_decode_body(frame, len,
                                (xdrproc_t)xdr_remote_domain_event_callback_metadata_change_msg,
                                &md) < 0)
            goto drop;
        remote_id = md.callbackID;
        ev->event = md.type;
        if (md.nsuri && !(ev->nsuri = strdup(*md.nsuri))) {
            message_free_body((xdrproc_t)xdr_remote_domain_event_callback_metadata_change_msg,
                              &md);
            goto drop;
        }
        d = &md.dom;
    } else {
        goto drop; /* an event we never registered for */
    }
    if (d) {
        ev->dom_name = strdup(d->name);
        memcpy(ev->dom_uuid, d->uuid, VIR_UUID_BUFLEN);
        ev->dom_id = d->id;
        if (proc == REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE)
            message_free_body((xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &lc);
        else if (proc == REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT)
            message_free_body((xdrproc_t)xdr_remote_domain_event_callback_reboot_msg, &rb);
        else
            message_free_body((xdrproc_t)xdr_remote_domain_event_callback_metadata_change_msg,
                              &md);
        if (!ev->dom_name)
            goto drop;
    }
    /* Named by our own ids: the server's change when we reconnect. The
     * server holds one registration per event and domain filter, which
     * every callback of ours on them shares: each gets its copy. */
    for (cb = list; cb; cb = cb->next) {
        struct conn_event *copy = ev;
        if (cb->remote_id != remote_id)
            continue;
        if (queued) {
            copy = malloc(sizeof(*copy));
            if (!copy)
                break;
            *copy = *ev;
            copy->dom_name = strdup(ev->dom_name);
            copy->nsuri = ev->nsuri ? strdup(ev->nsuri) : NULL;
            if (!copy->dom_name || (ev->nsuri && !copy->nsuri)) {
                free(copy->dom_name);
                free(copy->nsuri);
                free(copy);
                break;
            }
        }
        copy->local_id = cb->local_id;
        copy->next = NULL;
        *conn->queue_tail = copy;
        conn->queue_tail = &copy->next;
        queued = 1;
    }
    if (queued)
        return;
    free(ev->dom_name);
drop:
    free(ev->nsuri);
    free(ev);
}

void conn_error_from_frame(const unsigned char *frame, size_t len)
{
    remote_error e;

    memset(&e, 0, sizeof(e));
    if (message_decode_body(frame, len, (xdrproc_t)xdr_remote_error, &e) < 0) {
        error_report(ERR_RPC, VIR_FROM_RPC, "%s", "Unable to decode message payload");
        return;
    }
    struct error rec = {
        .code = e.code,
        .domain = e.domain,
        .level = e.level,
        .message = e.message ? *e.message : NULL,
        .str1 = e.str1 ? *e.str1 : NULL,
        .str2 = e.str2 ? *e.str2 : NULL,
        .str3 = e.str3 ? *e.str3 : NULL,
        .int1 = e.int1,
        .int2 = e.int2,
    };
    if (!rec.code)
        rec.code = ERR_INTERNAL_ERROR;
    error_set(&rec);
    message_free_body((xdrproc_t)xdr_remote_error, &e);
}

/* Handles every whole frame buffered. When `serial` >= 0, stops at the
 * reply to that call and decodes it (status into *done: 1 ok, -1 error
 * recorded). Returns 0, or -1 when the stream is unusable. */
static int process_frames(virConnectPtr conn, long serial, int proc, xdrproc_t ret_fn, void *ret,
                          int *done)
{
    const unsigned char *frame;
    long len;

    while ((len = channel_next_frame(conn->ch, &frame)) > 0) {
        struct message_header hdr;

        message_decode_header(frame, (size_t)len, &hdr);
        conn->ka_since = clock_mono_ms();
        conn->ka_missed = 0;
        if (hdr.prog == MESSAGE_PROGRAM_KEEPALIVE) {
            if (hdr.proc == KEEPALIVE_PROC_PING) {
                channel_consume(conn->ch, (size_t)len);
                if (send_message(conn, MESSAGE_PROGRAM_KEEPALIVE, KEEPALIVE_PROC_PONG,
                                 MESSAGE_EVENT, 0, NULL, NULL) < 0)
                    return -1;
                continue;
            }
        } else if (hdr.prog == MESSAGE_PROGRAM_REMOTE && hdr.type == MESSAGE_EVENT) {
            queue_event(conn, frame, (size_t)len, hdr.proc);
        } else if (hdr.prog == MESSAGE_PROGRAM_REMOTE && hdr.type == MESSAGE_REPLY &&
                   serial >= 0 && hdr.serial == (unsigned)serial) {
            if (hdr.proc != proc) {
                error_report(ERR_RPC, VIR_FROM_RPC, "Unexpected procedure %d in reply to %d",
                             hdr.proc, proc);
                *done = -1;
            } else if (hdr.status == MESSAGE_OK) {
                if (ret_fn && message_decode_body(frame, (size_t)len, ret_fn, ret) < 0) {
                    error_report(ERR_RPC, VIR_FROM_RPC, "%s", "Unable to decode message payload");
                    *done = -1;
                } else {
                    *done = 1;
                }
            } else {
                conn_error_from_frame(frame, (size_t)len);
                *done = -1;
            }
            channel_consume(conn->ch, (size_t)len);
            return 0;
        } else if (hdr.prog == MESSAGE_PROGRAM_REMOTE &&
                   (hdr.type == MESSAGE_STREAM || hdr.type == MESSAGE_STREAM_HOLE ||
                    hdr.type == MESSAGE_REPLY)) {
            /* A stream's data, end or error; a reply to a stream's finish. */
            stream_take_frame(conn, &hdr, frame, (size_t)len);
        }
        /* Anything else (a stray reply, an unknown program) is skipped. */
        channel_consume(conn->ch, (size_t)len);
    }
    if (len < 0) {
        conn->dead = 1;
        conn->close_reason = VIR_CONNECT_CLOSE_REASON_ERROR;
        error_report(ERR_RPC, VIR_FROM_RPC, "%s", "packet received from server too large");
        return -1;
    }
    return 0;
}

/* Reads what is there, waiting up to timeout_ms (-1: forever). Returns 1
 * when bytes came, 0 on timeout, -1 when the stream ended (recorded). */
static int read_some(virConnectPtr conn, int timeout_ms)
{
    struct pollfd pfd = {.fd = channel_read_fd(conn->ch), .events = POLLIN};
    int rc;

    transport_drain_stderr(&conn->tr);
    do
        rc = poll(&pfd, 1, timeout_ms);
    while (rc < 0 && errno == EINTR);
    if (rc == 0)
        return 0;
    ssize_t n = channel_fill(conn->ch);
    if (n > 0)
        return 1;
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (n == 0)
        conn_mark_dead(conn, VIR_CONNECT_CLOSE_REASON_EOF, "End of file while reading data",
                       false);
    else
        /* A reset is the peer going away, as libvirt reports it. */
        conn_mark_dead(conn,
                       errno == ECONNRESET ? VIR_CONNECT_CLOSE_REASON_EOF
                                           : VIR_CONNECT_CLOSE_REASON_ERROR,
                       "Cannot recv data", true);
    return -1;
}

static void deliver(virConnectPtr conn);
static void notify_close(virConnectPtr conn);

/* Milliseconds until keepalive has something to do (ping, or give up),
 * or -1 when it is off. Lock held. */
static int keepalive_wait_ms(virConnectPtr conn)
{
    long long due, now;

    if (conn->dead || conn->ka_interval <= 0)
        return -1;
    due = conn->ka_since + conn->ka_interval * 1000LL;
    now = clock_mono_ms();
    return due <= now ? 0 : (int)(due - now);
}

/* Keepalive, with the lock held: once the server has been quiet for an
 * interval since it last spoke or was pinged, ping it, and declare it
 * dead when `count` pings went unanswered. The event loop's timer calls
 * it between calls; a call waiting for its reply calls it itself, since
 * the timer cannot take the lock the call holds. Returns 1 when the
 * connection has just died of it. */
static int keepalive_tick(virConnectPtr conn)
{
    if (keepalive_wait_ms(conn) != 0)
        return 0;
    if (conn->ka_missed >= conn->ka_count) {
        conn->dead = 1;
        conn->close_reason = VIR_CONNECT_CLOSE_REASON_KEEPALIVE;
        /* The server is gone as far as we are concerned: let it see that. */
        shutdown(channel_read_fd(conn->ch), SHUT_RDWR);
        return 1;
    }
    conn->ka_missed++;
    conn->ka_since = clock_mono_ms();
    send_message(conn, MESSAGE_PROGRAM_KEEPALIVE, KEEPALIVE_PROC_PING, MESSAGE_EVENT, 0, NULL,
                 NULL);
    return 0;
}

/* After the lock is dropped: hands queued events to the event loop, or
 * reports a dead stream to the close callback. */
static void after_io(virConnectPtr conn)
{
    int timer, have_events, dead;
    /* Reconnecting and the close callback (which may call the API) reset
     * this thread's error; the failing call must still return its own. */
    struct error saved;

    error_save(&saved);
    pthread_mutex_lock(&conn->lock);
    if (conn->dead && conn->reconnect && !conn->closed && !conn->gave_up)
        /* Lost between calls (or by a call that must not be repeated):
         * reopen now, so that events keep coming. */
        reconnect_start_locked(conn);
    timer = conn->dispatch_timer;
    have_events = conn->queue != NULL;
    /* While a round is under way the loss is not final. */
    dead = conn->dead && !conn->rc_running;
    pthread_mutex_unlock(&conn->lock);
    if (have_events && timer >= 0)
        virEventUpdateTimeout(timer, 0);
    if (dead)
        notify_close(conn);
    error_restore(&saved);
}

/* One call on the current stream, lock held. *sent (when sent is not
 * NULL) tells whether the request went out whole, so that the server may
 * have acted on it. Returns 0, or -1 with the error recorded. */
static int call_locked_st(virConnectPtr conn, int proc, xdrproc_t args_fn, const void *args,
                          xdrproc_t ret_fn, void *ret, int *sent, virStreamPtr st)
{
    unsigned serial;
    int done = 0, sent_here;

    if (!sent)
        sent = &sent_here;
    *sent = 0;
    if (conn->dead) {
        conn_dead_error();
        return -1;
    }
    serial = conn->serial++;
    if (st) {
        st->proc = proc;
        st->serial = serial;
        st->opened = 1;
        st->next = conn->streams;
        conn->streams = st;
    }
    if (send_message(conn, MESSAGE_PROGRAM_REMOTE, proc, MESSAGE_CALL, serial, args_fn, args) < 0)
        return -1;
    *sent = 1;
    while (!done) {
        if (process_frames(conn, serial, proc, ret_fn, ret, &done) < 0)
            break;
        if (done) {
            /* Frames that came in the same read as the reply (events,
             * pings) would otherwise wait for the next read. */
            int ignored = 0;
            process_frames(conn, -1, 0, NULL, NULL, &ignored);
            break;
        }
        int got = read_some(conn, keepalive_wait_ms(conn));
        if (got < 0)
            break;
        if (got == 0 && keepalive_tick(conn)) {
            error_report(ERR_INTERNAL_ERROR, VIR_FROM_RPC, "%s",
                         "connection closed due to keepalive timeout");
            break;
        }
    }
    return done == 1 ? 0 : -1;
}

static int call_locked(virConnectPtr conn, int proc, xdrproc_t args_fn, const void *args,
                       xdrproc_t ret_fn, void *ret, int *sent)
{
    return call_locked_st(conn, proc, args_fn, args, ret_fn, ret, sent, NULL);
}

int conn_call_stream(virConnectPtr conn, int proc, xdrproc_t args_fn, const void *args,
                     xdrproc_t ret_fn, void *ret, virStreamPtr st)
{
    int rc;

    pthread_mutex_lock(&conn->lock);
    /* Never repeated on a new connection: the stream is this one's. */
    rc = call_locked_st(conn, proc, args_fn, args, ret_fn, ret, NULL, st);
    if (rc < 0)
        conn_stream_forget_locked(conn, st);
    pthread_mutex_unlock(&conn->lock);
    after_io(conn);
    return rc;
}

void conn_stream_forget_locked(virConnectPtr conn, virStreamPtr st)
{
    for (virStreamPtr *p = &conn->streams; *p; p = &(*p)->next)
        if (*p == st) {
            *p = st->next;
            break;
        }
    st->next = NULL;
    st->opened = 0;
}

int conn_stream_send_locked(virConnectPtr conn, virStreamPtr st, int type, int status,
                            const void *data, size_t len)
{
    struct message_header hdr = {MESSAGE_PROGRAM_REMOTE, 1, st->proc, type, st->serial, status};
    struct msgbuf buf = {0};
    unsigned char *body;
    int rc = 0;

    if (conn->dead) {
        conn_dead_error();
        return -1;
    }
    if (!(body = message_raw_body(&buf, len))) {
        error_report(ERR_RPC, VIR_FROM_RPC, "%s", "Unable to encode message payload");
        return -1;
    }
    if (len)
        memcpy(body, data, len);
    message_finish_raw(&buf, &hdr, len);
    if (channel_write(conn->ch, buf.data, buf.len) < 0) {
        conn_mark_dead(conn,
                       errno == EPIPE || errno == ECONNRESET ? VIR_CONNECT_CLOSE_REASON_EOF
                                                             : VIR_CONNECT_CLOSE_REASON_ERROR,
                       "Cannot write data", true);
        rc = -1;
    }
    msgbuf_free(&buf);
    return rc;
}

int conn_stream_wait_locked(virConnectPtr conn, virStreamPtr st, int (*ready)(virStreamPtr),
                            int nonblock)
{
    int ignored = 0;

    for (;;) {
        if (process_frames(conn, -1, 0, NULL, NULL, &ignored) < 0)
            return -1;
        if (ready(st))
            return 0;
        if (conn->dead) {
            conn_dead_error();
            return -1;
        }
        int got = read_some(conn, nonblock ? 0 : keepalive_wait_ms(conn));
        if (got < 0)
            return -1;
        if (got == 0 && nonblock) {
            process_frames(conn, -1, 0, NULL, NULL, &ignored);
            return 0;
        }
        if (got == 0 && keepalive_tick(conn)) {
            error_report(ERR_INTERNAL_ERROR, VIR_FROM_RPC, "%s",
                         "connection closed due to keepalive timeout");
            return -1;
        }
    }
}

/* Whether repeating a call is harmless: the procedures that only read
 * (ACCESS r in rpc/procedures.txt). Only these are sent again when the
 * connection is lost while they wait. */
static int proc_is_read(int proc)
{
    const struct procedure_info *p = procedure_lookup(proc);

    return p && (p->flags & PROC_RESEND);
}

int conn_call(virConnectPtr conn, int proc, xdrproc_t args_fn, const void *args,
              xdrproc_t ret_fn, void *ret)
{
    int rc = -1, sent = 0;

    pthread_mutex_lock(&conn->lock);
    for (int attempt = 0; attempt < 3; attempt++) {
        /* A request never sent is safe to send on a new stream; but right
         * after a round of attempts failed, fail at once. */
        if (conn->dead && conn->reconnect && !conn->closed &&
            (!conn->gave_up || clock_mono_ms() - conn->gave_up_at >= RECONNECT_QUIET_MS) &&
            reconnect_locked(conn) < 0)
            break;
        rc = call_locked(conn, proc, args_fn, args, ret_fn, ret, &sent);
        if (rc == 0 || !conn->dead || !conn->reconnect || conn->closed)
            break;
        if (sent && !proc_is_read(proc)) {
            /* The server may or may not have acted on it: say so, and
             * never send it again. The next call gets a new stream. */
            const struct procedure_info *p = procedure_lookup(proc);
            error_report(ERR_OPERATION_FAILED, VIR_FROM_RPC,
                         "the connection was lost while %s was in progress: it may or "
                         "may not have taken effect",
                         p && p->api ? p->api : "a call");
            break;
        }
    }
    pthread_mutex_unlock(&conn->lock);
    after_io(conn);
    return rc;
}

/* The event loop saw the fd readable (or hung up): read what is there
 * without blocking and queue what it brings. */
static void conn_io_cb(int watch, int fd, int events, void *opaque)
{
    virConnectPtr conn = opaque;
    int dummy = 0;

    pthread_mutex_lock(&conn->lock);
    if (!conn->dead && conn->ch && read_some(conn, 0) >= 0)
        process_frames(conn, -1, 0, NULL, NULL, &dummy);
    if (conn->dead && conn->watch >= 0) {
        /* A dead stream stays readable (end of file) for ever. */
        virEventRemoveHandle(conn->watch);
        conn->watch = -1;
    }
    pthread_mutex_unlock(&conn->lock);
    error_clear();
    after_io(conn);
    deliver(conn);
}

static void conn_dispatch_cb(int timer, void *opaque)
{
    virConnectPtr conn = opaque;

    virEventUpdateTimeout(timer, -1);
    deliver(conn);
}

/* Client-side keepalive: ping when the server has been quiet for an
 * interval; give up after `count` unanswered pings. */
void conn_keepalive_cb(int timer, void *opaque)
{
    virConnectPtr conn = opaque;
    int dead_now;

    (void)timer;
    pthread_mutex_lock(&conn->lock);
    dead_now = keepalive_tick(conn);
    pthread_mutex_unlock(&conn->lock);
    error_clear();
    if (dead_now)
        notify_close(conn);
}

/* The registrations an event message of proc is for. */
static struct conn_event_cb *event_list(virConnectPtr conn, int proc)
{
    switch (proc) {
    case REMOTE_PROC_NETWORK_EVENT_LIFECYCLE:
        return conn->net_callbacks;
    case REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE:
    case REMOTE_PROC_STORAGE_POOL_EVENT_REFRESH:
        return conn->pool_callbacks;
    case REMOTE_PROC_NODE_DEVICE_EVENT_LIFECYCLE:
    case REMOTE_PROC_NODE_DEVICE_EVENT_UPDATE:
        return conn->nodedev_callbacks;
    default:
        return conn->callbacks;
    }
}

/* Runs the application's callbacks for queued events, without the lock. */
static void deliver(virConnectPtr conn)
{
    for (;;) {
        struct conn_event *ev;
        struct conn_event_cb *cb;
        virConnectDomainEventGenericCallback fn = NULL;
        void *opaque = NULL;

        pthread_mutex_lock(&conn->lock);
        ev = conn->queue;
        if (!ev || conn->closed) {
            pthread_mutex_unlock(&conn->lock);
            return;
        }
        conn->queue = ev->next;
        if (!conn->queue)
            conn->queue_tail = &conn->queue;
        for (cb = event_list(conn, ev->proc); cb; cb = cb->next)
            if (cb->local_id == ev->local_id) {
                fn = cb->cb;
                opaque = cb->opaque;
                break;
            }
        pthread_mutex_unlock(&conn->lock);

        if (fn && (ev->proc == REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE ||
                   ev->proc == REMOTE_PROC_STORAGE_POOL_EVENT_REFRESH)) {
            virStoragePoolPtr pool = conn_pool_new(conn, ev->dom_name, ev->dom_uuid);
            if (pool) {
                if (ev->proc == REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE)
                    ((virConnectStoragePoolEventLifecycleCallback)(void (*)(void))fn)(
                        conn, pool, ev->event, ev->detail, opaque);
                else
                    ((virConnectStoragePoolEventGenericCallback)(void (*)(void))fn)(conn, pool,
                                                                                  opaque);
                virStoragePoolFree(pool);
            }
        } else if (fn && (ev->proc == REMOTE_PROC_NODE_DEVICE_EVENT_LIFECYCLE ||
                          ev->proc == REMOTE_PROC_NODE_DEVICE_EVENT_UPDATE)) {
            virNodeDevicePtr dev = nodedev_new(conn, ev->dom_name);
            if (dev) {
                if (ev->proc == REMOTE_PROC_NODE_DEVICE_EVENT_LIFECYCLE)
                    ((virConnectNodeDeviceEventLifecycleCallback)(void (*)(void))fn)(
                        conn, dev, ev->event, ev->detail, opaque);
                else
                    ((virConnectNodeDeviceEventGenericCallback)(void (*)(void))fn)(conn, dev,
                                                                                 opaque);
                virNodeDeviceFree(dev);
            }
        } else if (fn && ev->proc == REMOTE_PROC_NETWORK_EVENT_LIFECYCLE) {
            virNetworkPtr net = conn_network_new(conn, ev->dom_name, ev->dom_uuid);
            if (net) {
                ((virConnectNetworkEventLifecycleCallback)(void (*)(void))fn)(
                    conn, net, ev->event, ev->detail, opaque);
                conn_network_release(net);
            }
        } else if (fn) {
            virDomainPtr dom = conn_domain_new(conn, ev->dom_name, ev->dom_uuid, ev->dom_id);
            if (dom) {
                if (ev->proc == REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE)
                    ((virConnectDomainEventCallback)(void (*)(void))fn)(conn, dom, ev->event,
                                                                       ev->detail, opaque);
                else if (ev->proc == REMOTE_PROC_DOMAIN_EVENT_CALLBACK_METADATA_CHANGE)
                    ((virConnectDomainEventMetadataChangeCallback)(void (*)(void))fn)(
                        conn, dom, ev->event, ev->nsuri, opaque);
                else
                    fn(conn, dom, opaque);
                conn_domain_release(dom);
            }
        }
        free(ev->dom_name);
        free(ev->nsuri);
        free(ev);
    }
}

static void notify_close(virConnectPtr conn)
{
    virConnectCloseFunc cb;
    void *opaque;
    int reason;

    pthread_mutex_lock(&conn->lock);
    cb = conn->close_notified ? NULL : conn->close_cb;
    opaque = conn->close_opaque;
    reason = conn->close_reason;
    if (conn->dead)
        conn->close_notified = 1;
    pthread_mutex_unlock(&conn->lock);
    if (cb)
        cb(conn, reason, opaque);
}

/* The handshake's calls, lock held. */
static int feature_supported(virConnectPtr conn, int feature)
{
    remote_connect_supports_feature_args a = {feature};
    remote_connect_supports_feature_ret r = {0};

    if (call_locked(conn, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
                    (xdrproc_t)xdr_remote_connect_supports_feature_args, &a,
                    (xdrproc_t)xdr_remote_connect_supports_feature_ret, &r, NULL) < 0)
        return -1;
    return r.supported ? 1 : 0;
}

/* AUTH_LIST: we speak auth "none" only. */
static int authenticate(virConnectPtr conn)
{
    remote_auth_list_ret r;
    int ok = 0;

    memset(&r, 0, sizeof(r));
    if (call_locked(conn, REMOTE_PROC_AUTH_LIST, NULL, NULL, (xdrproc_t)xdr_remote_auth_list_ret,
                    &r, NULL) < 0)
        return -1;
    if (r.types.types_len == 0)
        ok = 1;
    for (u_int i = 0; i < r.types.types_len; i++)
        if (r.types.types_val[i] == REMOTE_AUTH_NONE)
            ok = 1;
    if (!ok)
        error_report(ERR_AUTH_FAILED, VIR_FROM_REMOTE, "unsupported authentication type %d",
                     (int)r.types.types_val[0]);
    xdr_free((xdrproc_t)xdr_remote_auth_list_ret, (char *)&r);
    return ok ? 0 : -1;
}

/* Whether the server has a feature: asked the first time it matters (most
 * connections never register a callback or ask for keepalive, and each
 * question is a round trip), then remembered in *known (-1: not asked).
 * 1 or 0, or -1 with the error recorded. */
int conn_server_has(virConnectPtr conn, int feature, int *known)
{
    remote_connect_supports_feature_args a = {feature};
    remote_connect_supports_feature_ret r = {0};
    int v;

    pthread_mutex_lock(&conn->lock);
    v = *known;
    pthread_mutex_unlock(&conn->lock);
    if (v >= 0)
        return v;
    if (conn_call(conn, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
                  (xdrproc_t)xdr_remote_connect_supports_feature_args, &a,
                  (xdrproc_t)xdr_remote_connect_supports_feature_ret, &r) < 0)
        return -1;
    pthread_mutex_lock(&conn->lock);
    *known = r.supported ? 1 : 0;
    pthread_mutex_unlock(&conn->lock);
    return r.supported ? 1 : 0;
}

/* Authentication and CONNECT_OPEN on a new stream; lock held. The
 * feature probes wait for server_has. Returns 0, or -1 with the error
 * recorded. */
int conn_handshake_locked(virConnectPtr conn)
{
    remote_connect_open_args oa;
    char *rn;

    if (authenticate(conn) < 0)
        return -1;
    /* A new stream may reach a different server. */
    conn->srv_keepalive = conn->srv_event_cb = conn->srv_close_cb = -1;

    memset(&oa, 0, sizeof(oa));
    rn = conn->uri->remote_name;
    oa.name = rn ? &rn : NULL;
    oa.flags = conn->flags;
    return call_locked(conn, REMOTE_PROC_CONNECT_OPEN, (xdrproc_t)xdr_remote_connect_open_args,
                       &oa, NULL, NULL, NULL);
}

/* Opens the transport named by the URI into conn->ch. */
int conn_open_stream(virConnectPtr conn)
{
    int fd;

    if (transport_open(conn->uri, conn->flags & VIR_CONNECT_RO, &conn->tr) < 0)
        return -1;
    /* The connection is ours now; channel_write waits out a full socket and
     * never raises SIGPIPE. */
    conn->ch = conn->tr.ch;
    conn->tr.ch = NULL;
    fd = channel_read_fd(conn->ch);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    conn->dead = 0;
    conn->ka_since = clock_mono_ms();
    conn->ka_missed = 0;
    conn_set_write_timeout(conn);
    return 0;
}

/* One reopen: a new stream with the same URI, the handshake, and the
 * server-side registrations the application had (close callback, event
 * callbacks) made again. Lock held. */
static int reopen_locked(virConnectPtr conn)
{
    struct conn_event_cb *cb;

    if (conn->ch) {
        channel_free(conn->ch);
        conn->ch = NULL;
    }
    transport_close(&conn->tr);
    if (conn_open_stream(conn) < 0)
        return -1;
    if (conn_handshake_locked(conn) < 0)
        goto fail;
    if (conn->close_cb) {
        int r = feature_supported(conn, FEATURE_REMOTE_CLOSE_CALLBACK);
        if (r < 0)
            goto fail;
        conn->srv_close_cb = r;
        if (r && call_locked(conn, REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK, NULL, NULL, NULL,
                             NULL, NULL) < 0)
            goto fail;
    }
    for (cb = conn->callbacks; cb; cb = cb->next) {
        remote_connect_domain_event_callback_register_any_args a;
        remote_connect_domain_event_callback_register_any_ret r = {0};
        remote_nonnull_domain rd;
        struct conn_event_cb *shared =
            conn_shared_registration(conn->callbacks, cb, cb->event_id, cb->dom_name, cb->dom_uuid);

        if (shared) { /* registered again already, a few lines up */
            cb->remote_id = shared->remote_id;
            continue;
        }
        memset(&a, 0, sizeof(a));
        a.eventID = cb->event_id;
        if (cb->dom_name) {
            rd.name = cb->dom_name;
            memcpy(rd.uuid, cb->dom_uuid, VIR_UUID_BUFLEN);
            rd.id = cb->dom_id;
            a.dom = &rd;
        }
        if (call_locked(conn, REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                        (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_args, &a,
                        (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_ret, &r,
                        NULL) < 0)
            goto fail;
        cb->remote_id = r.callbackID;
    }
    for (cb = conn->net_callbacks; cb; cb = cb->next) {
        remote_connect_network_event_register_any_args a;
        remote_connect_network_event_register_any_ret r = {0};
        remote_nonnull_network rn;
        struct conn_event_cb *shared = conn_shared_registration(
            conn->net_callbacks, cb, cb->event_id, cb->dom_name, cb->dom_uuid);

        if (shared) {
            cb->remote_id = shared->remote_id;
            continue;
        }
        memset(&a, 0, sizeof(a));
        a.eventID = cb->event_id;
        if (cb->dom_name) {
            rn.name = cb->dom_name;
            memcpy(rn.uuid, cb->dom_uuid, VIR_UUID_BUFLEN);
            a.net = &rn;
        }
        if (call_locked(conn, REMOTE_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY,
                        (xdrproc_t)xdr_remote_connect_network_event_register_any_args, &a,
                        (xdrproc_t)xdr_remote_connect_network_event_register_any_ret, &r,
                        NULL) < 0)
            goto fail;
        cb->remote_id = r.callbackID;
    }
    for (cb = conn->pool_callbacks; cb; cb = cb->next) {
        remote_connect_storage_pool_event_register_any_args a;
        remote_connect_storage_pool_event_register_any_ret r = {0};
        remote_nonnull_storage_pool rp;
        struct conn_event_cb *shared = conn_shared_registration(
            conn->pool_callbacks, cb, cb->event_id, cb->dom_name, cb->dom_uuid);

        if (shared) {
            cb->remote_id = shared->remote_id;
            continue;
        }
        memset(&a, 0, sizeof(a));
        a.eventID = cb->event_id;
        if (cb->dom_name) {
            rp.name = cb->dom_name;
            memcpy(rp.uuid, cb->dom_uuid, VIR_UUID_BUFLEN);
            a.pool = &rp;
        }
        if (call_locked(conn, REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY,
                        (xdrproc_t)xdr_remote_connect_storage_pool_event_register_any_args, &a,
                        (xdrproc_t)xdr_remote_connect_storage_pool_event_register_any_ret, &r,
                        NULL) < 0)
            goto fail;
        cb->remote_id = r.callbackID;
    }
    for (cb = conn->nodedev_callbacks; cb; cb = cb->next) {
        remote_connect_node_device_event_register_any_args a;
        remote_connect_node_device_event_register_any_ret r = {0};
        remote_nonnull_node_device rd;
        struct conn_event_cb *shared = conn_shared_registration(
            conn->nodedev_callbacks, cb, cb->event_id, cb->dom_name, cb->dom_uuid);

        if (shared) {
            cb->remote_id = shared->remote_id;
            continue;
        }
        memset(&a, 0, sizeof(a));
        a.eventID = cb->event_id;
        if (cb->dom_name) {
            rd.name = cb->dom_name;
            a.dev = &rd;
        }
        if (call_locked(conn, REMOTE_PROC_CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY,
                        (xdrproc_t)xdr_remote_connect_node_device_event_register_any_args, &a,
                        (xdrproc_t)xdr_remote_connect_node_device_event_register_any_ret, &r,
                        NULL) < 0)
            goto fail;
        cb->remote_id = r.callbackID;
    }
    return 0;
fail:
    conn->dead = 1;
    return -1;
}

static int reconnect_next_delay(int ms)
{
    return ms * 2 > RECONNECT_MAX_DELAY_MS ? RECONNECT_MAX_DELAY_MS : ms * 2;
}

/* A round has ended, the timer's or a call's: the timer stops. */
static void reconnect_round_over_locked(virConnectPtr conn)
{
    conn->rc_running = 0;
    if (conn->reconnect_timer >= 0)
        virEventUpdateTimeout(conn->reconnect_timer, -1);
}

/* A new stream is open: the event loop's watch moves to its fd. */
static void reconnected_locked(virConnectPtr conn)
{
    reconnect_round_over_locked(conn);
    conn->gave_up = 0;
    conn->close_notified = 0;
    if (conn->dispatch_timer >= 0 && conn->watch < 0) {
        int watch;
        conn_internal_ref(conn);
        watch = virEventAddHandle(channel_read_fd(conn->ch), VIR_EVENT_HANDLE_READABLE,
                                  conn_io_cb, conn, conn_loop_unref);
        if (watch < 0)
            conn_internal_refs_dec(conn);
        conn->watch = watch;
    }
    error_clear();
}

static void gave_up_locked(virConnectPtr conn)
{
    reconnect_round_over_locked(conn);
    conn->gave_up = 1;
    conn->gave_up_at = clock_mono_ms();
}

static void remove_watch_locked(virConnectPtr conn)
{
    if (conn->watch >= 0) {
        virEventRemoveHandle(conn->watch);
        conn->watch = -1;
    }
}

/* The URI variable reconnect: after the stream is lost, open a new one,
 * trying for about five seconds (the daemon may be restarting). This is
 * the round a call makes, in the caller's thread; the lock is dropped
 * while it sleeps, so that the event loop's callbacks on this connection
 * go on, and a round the event loop runs meanwhile may be the one that
 * succeeds. Lock held; returns 0 or -1 with the error of the last attempt
 * recorded. */
static int reconnect_locked(virConnectPtr conn)
{
    int delay_ms = RECONNECT_FIRST_DELAY_MS, rc = -1;

    remove_watch_locked(conn);
    for (int attempt = 0; attempt < RECONNECT_ATTEMPTS && rc < 0; attempt++) {
        if (attempt > 0) {
            struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};
            pthread_mutex_unlock(&conn->lock);
            nanosleep(&ts, NULL);
            pthread_mutex_lock(&conn->lock);
            delay_ms = reconnect_next_delay(delay_ms);
            if (!conn->dead) { /* the event loop's round got there first */
                error_clear();
                return 0;
            }
            if (conn->closed)
                break;
        }
        rc = reopen_locked(conn);
    }
    if (rc < 0) {
        gave_up_locked(conn);
        return -1;
    }
    reconnected_locked(conn);
    return 0;
}

/* A round for a loss noticed between calls. With the event loop attached
 * it runs on reconnect_timer, one attempt per firing: the thread running
 * the loop never sleeps in it. Without, it runs here. Lock held. */
static void reconnect_start_locked(virConnectPtr conn)
{
    if (conn->reconnect_timer < 0) {
        reconnect_locked(conn);
        return;
    }
    if (conn->rc_running)
        return;
    remove_watch_locked(conn);
    conn->rc_running = 1;
    conn->rc_attempts = 0;
    conn->rc_delay_ms = RECONNECT_FIRST_DELAY_MS;
    virEventUpdateTimeout(conn->reconnect_timer, 0);
}

/* One attempt of the event loop's round; the timer is re-armed for the
 * next one, 50 ms doubling up to 1 s later, until the round succeeds, a
 * call's round ends it, or it gives up (then the close callback fires). */
static void conn_reconnect_cb(int timer, void *opaque)
{
    virConnectPtr conn = opaque;
    int lost = 0;

    pthread_mutex_lock(&conn->lock);
    if (!conn->rc_running) {
        virEventUpdateTimeout(timer, -1);
    } else if (!conn->dead || conn->closed) {
        reconnect_round_over_locked(conn);
    } else if (reopen_locked(conn) == 0) {
        reconnected_locked(conn);
    } else if (++conn->rc_attempts >= RECONNECT_ATTEMPTS) {
        gave_up_locked(conn);
        lost = 1;
    } else {
        virEventUpdateTimeout(timer, conn->rc_delay_ms);
        conn->rc_delay_ms = reconnect_next_delay(conn->rc_delay_ms);
    }
    pthread_mutex_unlock(&conn->lock);
    error_clear();
    if (lost)
        notify_close(conn);
}

int conn_attach_event_loop(virConnectPtr conn)
{
    int fd, watch, timer, rc_timer = -1;

    if (!event_impl_registered())
        return -1;
    pthread_mutex_lock(&conn->lock);
    if (conn->watch >= 0 || conn->dead) {
        pthread_mutex_unlock(&conn->lock);
        return conn->dead ? -1 : 0;
    }
    fd = channel_read_fd(conn->ch);
    pthread_mutex_unlock(&conn->lock);

    conn_internal_ref(conn);
    watch = virEventAddHandle(fd, VIR_EVENT_HANDLE_READABLE, conn_io_cb, conn, conn_loop_unref);
    if (watch < 0) {
        conn_internal_refs_dec(conn);
        return -1;
    }
    conn_internal_ref(conn);
    timer = virEventAddTimeout(-1, conn_dispatch_cb, conn, conn_loop_unref);
    if (timer < 0)
        conn_internal_refs_dec(conn);
    if (conn->reconnect) {
        conn_internal_ref(conn);
        rc_timer = virEventAddTimeout(-1, conn_reconnect_cb, conn, conn_loop_unref);
        if (rc_timer < 0)
            conn_internal_refs_dec(conn);
    }
    pthread_mutex_lock(&conn->lock);
    conn->watch = watch;
    conn->dispatch_timer = timer;
    conn->reconnect_timer = rc_timer;
    pthread_mutex_unlock(&conn->lock);
    return 0;
}








/* Number of references the event loop holds (handle and timers). */
static int loop_refs(virConnectPtr conn)
{
    int n = 0;

    pthread_mutex_lock(&conn->lock);
    n += conn->watch >= 0;
    n += conn->dispatch_timer >= 0;
    n += conn->ka_timer >= 0;
    n += conn->reconnect_timer >= 0;
    pthread_mutex_unlock(&conn->lock);
    return n;
}

static void conn_shutdown(virConnectPtr conn)
{
    int watch, timer, ka, rc_timer;

    pthread_mutex_lock(&conn->lock);
    int alive = !conn->dead;
    pthread_mutex_unlock(&conn->lock);
    if (alive) {
        if (conn->close_cb && conn->srv_close_cb > 0)
            conn_call(conn, REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, NULL, NULL, NULL, NULL);
        conn_call(conn, REMOTE_PROC_CONNECT_CLOSE, NULL, NULL, NULL, NULL);
    }
    pthread_mutex_lock(&conn->lock);
    conn->dead = 1;
    conn->closed = 1;
    conn->close_notified = 1; /* closing on purpose is not reported */
    watch = conn->watch;
    timer = conn->dispatch_timer;
    ka = conn->ka_timer;
    rc_timer = conn->reconnect_timer;
    conn->watch = conn->dispatch_timer = conn->ka_timer = conn->reconnect_timer = -1;
    conn->rc_running = 0;
    /* The stream goes now, not when the event loop lets go of the memory
     * (an application may never run the loop again): the peer sees the
     * end at once and a child we started is reaped. */
    if (conn->ch) {
        channel_free(conn->ch);
        conn->ch = NULL;
    }
    transport_close(&conn->tr);
    pthread_mutex_unlock(&conn->lock);
    /* Each removal drops the event loop's reference when the loop purges
     * it; the memory goes with the last one. */
    if (watch >= 0)
        virEventRemoveHandle(watch);
    if (timer >= 0)
        virEventRemoveTimeout(timer);
    if (ka >= 0)
        virEventRemoveTimeout(ka);
    if (rc_timer >= 0)
        virEventRemoveTimeout(rc_timer);
    error_clear();
}

int conn_release(virConnectPtr conn)
{
    int loop = loop_refs(conn);
    int left = __atomic_sub_fetch(&conn->refs, 1, __ATOMIC_SEQ_CST);

    if (left == loop) {
        /* Only the event loop holds it now: the application is done. */
        __atomic_add_fetch(&conn->refs, 1, __ATOMIC_SEQ_CST);
        conn_shutdown(conn);
        conn_internal_refs_dec(conn);
        return 0;
    }
    return left - loop;
}


void conn_domain_release(virDomainPtr dom)
{
    if (__atomic_sub_fetch(&dom->refs, 1, __ATOMIC_SEQ_CST) == 0) {
        virConnectPtr conn = dom->conn;
        free(dom->name);
        free(dom);
        conn_release(conn);
    }
}

virDomainPtr conn_domain_new(virConnectPtr conn, const char *name, const unsigned char *uuid,
                             int id)
{
    virDomainPtr dom = calloc(1, sizeof(*dom));

    if (!dom || !(dom->name = strdup(name))) {
        free(dom);
        error_report(ERR_NO_MEMORY, VIR_FROM_DOM, NULL);
        return NULL;
    }
    dom->refs = 1;
    dom->conn = conn;
    memcpy(dom->uuid, uuid, VIR_UUID_BUFLEN);
    dom->id = id;
    __atomic_add_fetch(&conn->refs, 1, __ATOMIC_SEQ_CST);
    return dom;
}











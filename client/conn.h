/* conn: what libvirt.so keeps for one open connection and one domain
 * handle, and the RPC call that every API function goes through. Internal
 * to libvirt.so. */
#ifndef CLIENT_CONN_H
#define CLIENT_CONN_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <rpc/rpc.h>

#include "libvirt/libvirt.h"
#include "libvirt/virterror.h"
#include "error.h"
#include "message.h"
#include "transport.h"
#include "uri.h"

struct channel;

/* One registration of an application callback for domain events. */
struct conn_event_cb {
    int local_id;  /* what virConnectDomainEventRegisterAny returned */
    int remote_id; /* the server's callbackID */
    int event_id;  /* VIR_DOMAIN_EVENT_ID_* */
    int legacy;    /* registered with virConnectDomainEventRegister */
    char *dom_name; /* the domain it is limited to (NULL: all), kept to */
    unsigned char dom_uuid[VIR_UUID_BUFLEN]; /* register it again after */
    int dom_id;                              /* a reconnect */
    virConnectDomainEventGenericCallback cb;
    void *opaque;
    virFreeCallback freecb;
    struct conn_event_cb *next;
};

/* One event received but not yet handed to the application. */
struct conn_event {
    int proc;     /* REMOTE_PROC_DOMAIN_EVENT_CALLBACK_* */
    int local_id; /* the registration it is for */
    char *dom_name;
    unsigned char dom_uuid[VIR_UUID_BUFLEN];
    int dom_id;
    int event, detail; /* lifecycle; a metadata change's type in event */
    char *nsuri;       /* a metadata change's namespace, or NULL */
    struct conn_event *next;
};

/* One piece of what a stream's server sent, not yet read: data, or a
 * hole of hole_len bytes (a sparse stream). */
struct stream_chunk {
    struct stream_chunk *next;
    size_t len, off;      /* data: len bytes, off of them already read */
    long long hole_len;   /* a hole: what is left of it; data: 0 */
    unsigned char data[];
};

/* A libvirt stream (stream.c): bytes to and from the server that follow
 * the reply to the call that opened it, as STREAM frames of that call's
 * procedure and serial. Guarded by its connection's lock once opened. */
struct _virStream {
    int refs; /* atomic */
    virConnectPtr conn;
    unsigned int flags;  /* VIR_STREAM_NONBLOCK */
    int proc;            /* the opening call's, once made */
    unsigned int serial;
    int opened;          /* on conn->streams */
    int eof;             /* the server's data has ended */
    int finished;        /* the server confirmed a finish or an abort */
    int failed;          /* the server reported an error, kept in err */
    struct error err;
    struct stream_chunk *head, *tail;
    size_t queued;       /* bytes of data in the chunks */
    /* virStreamEventAddCallback's callback, run from a timer of the event
     * loop whenever what it waits for is there. */
    virStreamEventCallback cb;
    void *cb_opaque;
    virFreeCallback cb_free;
    int cb_events;
    int cb_timer;        /* -1: none */
    struct _virStream *next; /* conn->streams */
};

struct _virConnect {
    int refs; /* atomic */

    /* Held for a whole call (request written, reply read) and whenever the
     * channel is read outside a call. Calls on one connection from several
     * threads are therefore serialized. */
    pthread_mutex_t lock;
    struct transport tr;
    struct channel *ch;
    unsigned int serial;
    int dead;        /* the stream ended or failed; every call fails (or,
                        with reconnect, first opens a new one) */
    int closed;      /* the application closed it */
    int close_reason;

    struct uri *uri;
    char *uri_str;   /* what virConnectGetURI returns */
    char *type;      /* cached virConnectGetType answer */
    unsigned int flags; /* VIR_CONNECT_RO */
    int reconnect;      /* URI variable reconnect: reopen a lost stream */
    int gave_up;        /* the last reconnect failed: report the loss */
    long long gave_up_at; /* when (monotonic ms) */
    /* A round of reopen attempts run by the event loop, one attempt per
     * firing of reconnect_timer (-1 when none), so that the loop never
     * sleeps between attempts. */
    int reconnect_timer;
    int rc_running;  /* a round is under way on the timer */
    int rc_attempts; /* attempts it made */
    int rc_delay_ms; /* until the next one */
    /* What the server supports, asked when first needed (server_has):
     * 1 or 0; -1 not asked yet. */
    int srv_keepalive;  /* the keepalive program */
    int srv_close_cb;   /* REGISTER_CLOSE_CALLBACK */
    int srv_event_cb;   /* the callback event procedures */

    /* Events, guarded by `lock`: the domain registrations, and the network,
     * storage pool and node device ones (the same entries: dom_name and
     * dom_uuid name the object, a node device by name only; cb is the
     * kind's generic callback type). */
    struct conn_event_cb *callbacks;
    struct conn_event_cb *net_callbacks;
    struct conn_event_cb *pool_callbacks;
    struct conn_event_cb *nodedev_callbacks;
    int next_local_id;
    struct conn_event *queue, **queue_tail;
    struct _virStream *streams; /* opened on this connection */
    int watch;       /* event loop handle for the fd, -1 when none */
    int dispatch_timer; /* fires to hand queued events over, -1 when none */

    /* Keepalive (client side), guarded by `lock`. */
    int ka_interval;
    unsigned int ka_count;
    unsigned int ka_missed;
    int ka_timer;
    long long ka_since; /* when the server last sent anything or was last
                           pinged (ms on the monotonic clock) */

    /* Close callback, guarded by `lock`. */
    virConnectCloseFunc close_cb;
    void *close_opaque;
    virFreeCallback close_freecb;
    int close_notified;

    /* Last error of an API call on this connection. */
    pthread_mutex_t err_lock;
    virError err;
};

struct _virDomain {
    int refs; /* atomic */
    virConnectPtr conn;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id;
};

struct _virStoragePool {
    int refs; /* atomic */
    virConnectPtr conn;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
};

struct _virNetwork {
    int refs; /* atomic */
    virConnectPtr conn;
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
};

struct _virStorageVol {
    int refs; /* atomic */
    virConnectPtr conn;
    char *pool, *name, *key;
};

struct _virNetworkPort {
    int refs; /* atomic */
    virNetworkPtr net; /* a reference held */
    unsigned char uuid[VIR_UUID_BUFLEN];
};

/* Sends procedure `proc` with args (args_fn NULL for none), waits for its
 * reply and decodes it into *ret (ret_fn NULL for none; caller frees *ret
 * with xdr_free(ret_fn, ret)). Returns 0, or -1 with the error recorded
 * (the server's error for an error reply). */
int conn_call(virConnectPtr conn, int proc, xdrproc_t args_fn, const void *args,
              xdrproc_t ret_fn, void *ret);

/* A new domain handle (refs 1, holding a reference on conn); NULL with an
 * error recorded on no memory. */
virDomainPtr conn_domain_new(virConnectPtr conn, const char *name, const unsigned char *uuid,
                             int id);

/* Drops a reference to a domain handle (virDomainFree); the last one frees
 * it and drops the connection reference it held. */
void conn_domain_release(virDomainPtr dom);

/* A new network handle (refs 1, holding a reference on conn) / drops a
 * reference (virNetworkFree), the last one freeing it; as for domains.
 * NULL with an error recorded on no memory. */
virNetworkPtr conn_network_new(virConnectPtr conn, const char *name, const unsigned char *uuid);
/* Handles for an event (storage.c, nodedev.c), released with their Free. */
virStoragePoolPtr conn_pool_new(virConnectPtr conn, const char *name,
                                const unsigned char *uuid);
virNodeDevicePtr nodedev_new(virConnectPtr conn, const char *name);
void conn_network_release(virNetworkPtr net);

/* What the public connection and event functions use of the engine
 * (rpc.c); the engine uses none of theirs. */

/* Streams (stream.c uses these of the engine). conn_call_stream is
 * conn_call for a call that opens st: the stream is on the connection
 * before the call goes, so its data, which may follow the reply at once,
 * finds it. conn_stream_send sends one STREAM frame of st (status
 * CONTINUE with data; OK to finish; ERROR to abort) and
 * conn_stream_wait_locked reads until ready(st) or, with nonblock, until
 * nothing more is there (lock held; 0, or -1 with the error recorded when
 * the connection failed). conn_stream_forget takes st off the connection
 * (lock held). */
int conn_call_stream(virConnectPtr conn, int proc, xdrproc_t args_fn, const void *args,
                     xdrproc_t ret_fn, void *ret, virStreamPtr st);
int conn_stream_send_locked(virConnectPtr conn, virStreamPtr st, int type, int status,
                            const void *data, size_t len);
int conn_stream_wait_locked(virConnectPtr conn, virStreamPtr st, int (*ready)(virStreamPtr),
                            int nonblock);
void conn_stream_forget_locked(virConnectPtr conn, virStreamPtr st);
/* Records the error an error frame (a reply's, a stream's) carries. */
void conn_error_from_frame(const unsigned char *frame, size_t len);
/* stream.c's side: a STREAM or STREAM_HOLE frame, or a reply with a
 * stream's serial (a finish refused), for the stream it belongs to; 1 when
 * it was one of st's. Lock held. */
int stream_take_frame(virConnectPtr conn, const struct message_header *hdr,
                      const unsigned char *frame, size_t len);

/* The stream for conn->uri, into conn->ch. Returns 0 or -1 with the error
 * recorded. */
int conn_open_stream(virConnectPtr conn);
/* Open's calls on a new stream (authentication, CONNECT_OPEN, and the
 * registrations a reconnect must renew). Lock held. Returns 0 or -1. */
int conn_handshake_locked(virConnectPtr conn);
/* Frees a connection that was never handed out, or whose last reference
 * went. */
void conn_free(virConnectPtr conn);
/* Drops one application reference; when only the event loop's are left,
 * the connection is shut down. Returns the references the application
 * still holds. */
int conn_release(virConnectPtr conn);
/* References the event loop takes for a handle or timer, dropped by
 * conn_loop_unref when the loop lets go of it. */
void conn_internal_ref(virConnectPtr conn);
int conn_internal_refs_dec(virConnectPtr conn);
void conn_loop_unref(void *opaque);
/* The keepalive timer's callback. */
void conn_keepalive_cb(int timer, void *opaque);
/* Bounds writes by keepalive's interval x (count + 1). Lock held. */
void conn_set_write_timeout(virConnectPtr conn);
/* Whether the server supports feature (asked once per stream, remembered
 * in *known). Returns 1, 0, or -1 with the error recorded. */
int conn_server_has(virConnectPtr conn, int feature, int *known);
/* Whether registration c is for event_id and this filter (dom_name NULL:
 * every domain), and the first registration before `end` (NULL: all) that
 * is: callbacks on the same event and filter share the server's one. */
int conn_same_filter(const struct conn_event_cb *c, int event_id, const char *dom_name,
                     const unsigned char *dom_uuid);
struct conn_event_cb *conn_shared_registration(struct conn_event_cb *list,
                                               const struct conn_event_cb *end, int event_id,
                                               const char *dom_name,
                                               const unsigned char *dom_uuid);

/* Registers the connection's fd and a dispatch timer with the default
 * event loop, once, if one is registered (events need it). Returns 0, or
 * -1 when there is no event loop or the connection is dead. Call without
 * the connection's lock. */
int conn_attach_event_loop(virConnectPtr conn);

/* API entry and failure bookkeeping (errors.c): every public function
 * calls api_enter first and api_fail(conn or NULL) before returning an
 * error, which publishes the recorded error as virGetLastError's and calls
 * the error handler. */
void api_enter(void);
void api_fail(virConnectPtr conn);

/* Sets the error record for an invalid argument or handle. */
void api_invalid_conn(const char *func);
void api_invalid_domain(const char *func);
void api_invalid_network(const char *func);
void api_invalid_arg(const char *func, const char *what);

/* The checks at the top of a public function: each records libvirt's error,
 * publishes it and returns `fail` from the caller when the handle or
 * argument is missing. CHECK_CONN and CHECK_DOM also call api_enter. */
#define CHECK_CONN(conn, fail)                                                           \
    do {                                                                                 \
        api_enter();                                                                     \
        if (!(conn)) {                                                                   \
            api_invalid_conn(__func__);                                                  \
            api_fail(NULL);                                                              \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

#define CHECK_DOM(dom, fail)                                                             \
    do {                                                                                 \
        api_enter();                                                                     \
        if (!(dom) || !(dom)->conn) {                                                    \
            api_invalid_domain(__func__);                                                \
            api_fail(NULL);                                                              \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

/* The same for storage pool and volume handles (api_invalid_object: api.h). */
#define CHECK_POOL(pool, fail)                                                           \
    do {                                                                                 \
        api_enter();                                                                     \
        if (!(pool) || !(pool)->conn) {                                                  \
            api_invalid_object(__func__, 46, VIR_FROM_STORAGE);                      \
            api_fail(NULL);                                                              \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

#define CHECK_VOL(vol, fail)                                                             \
    do {                                                                                 \
        api_enter();                                                                     \
        if (!(vol) || !(vol)->conn) {                                                    \
            api_invalid_object(__func__, 47, VIR_FROM_STORAGE);                      \
            api_fail(NULL);                                                              \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

#define CHECK_NET(net, fail)                                                             \
    do {                                                                                 \
        api_enter();                                                                     \
        if (!(net) || !(net)->conn) {                                                    \
            api_invalid_network(__func__);                                               \
            api_fail(NULL);                                                              \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

#define CHECK_ARG(conn, arg, fail)                                                       \
    do {                                                                                 \
        if (!(arg)) {                                                                    \
            api_invalid_arg(__func__, #arg);                                             \
            api_fail(conn);                                                              \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

/* The default event loop (event.c): 1 when virEventRegisterDefaultImpl
 * was called. */
int event_impl_registered(void);

#endif

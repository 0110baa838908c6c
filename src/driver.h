/* driver: what a hypervisor driver offers the dispatcher. A driver opens
 * and closes its connections and serves procedures through per-object
 * operation tables (driver-ops.h, generated from rpc/procedures.txt: one
 * operation per procedure, named after it, taking the procedure's decoded
 * arguments and filling its reply). A table or an operation a driver
 * leaves NULL is answered with libvirt's "not supported" error. Every
 * operation returns 0 on success and -1 with an error recorded
 * (rpc/error.h) on failure; what it puts in a reply is freed by the
 * dispatcher. */
#ifndef SRC_DRIVER_H
#define SRC_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "driver-ops.h"
#include "identity.h"

struct config;

#define DRV_UUID_LEN 16

/* The kinds of object events are raised for, each with its own event ids
 * (virDomainEventID, virNetworkEventID, virStoragePoolEventID,
 * virNodeDeviceEventID, virSecretEventID) and registration procedures. */
enum drv_event_family {
    DRV_EVENT_DOMAIN,
    DRV_EVENT_NETWORK,
    DRV_EVENT_STORAGE_POOL,
    DRV_EVENT_NODE_DEVICE,
    DRV_EVENT_SECRET,
};

/* Event sink: the driver calls it for every event it raises, in the order
 * they happen: the event's family and id, the key of the object it
 * concerns (key_len bytes: its uuid; a node device's name) and libvirt's
 * message for it as msg_fn encodes it: a remote_domain_event_*_msg for a
 * domain, the family's remote_*_event_*_msg (its callbackID left 0) for
 * the others. The session sends it to the registrations that want it after
 * the reply to the current call. */
typedef void (*drv_event_fn)(void *opaque, int family, int event_id, const unsigned char *key,
                             size_t key_len, xdrproc_t msg_fn, const void *msg);

struct drv_conn; /* one open hypervisor connection, private to its driver */

/* The operation tables (driver-ops.h defines those with operations). */
struct drv_network_ops;
struct drv_storage_ops;
struct drv_nodedev_ops;
struct drv_interface_ops;
struct drv_secret_ops;
struct drv_nwfilter_ops;
struct drv_snapshot_ops;
struct drv_checkpoint_ops;

/* Who opens a connection, and how its operations may wait: what a driver
 * needs to decide what the client may do, with whose permissions it reads
 * files the client names, and to wait for an fd (a monitor's reply)
 * without the connection going deaf: wait_fd(wait_opaque, fd, EPOLLIN or
 * EPOLLOUT, deadline on the monotonic clock in ms, -1 none) returns 1 when
 * fd is ready, 0 at the deadline, -1 when the client is gone. */
/* A libvirt stream an operation opens for its call (a screenshot, a
 * volume's upload or download, a console): the session moves bytes
 * between the client and fd once the call's reply has gone, as STREAM
 * frames of the call's procedure and serial, until the client finishes or
 * aborts it, or fd ends. */
enum drv_stream_dir {
    DRV_STREAM_SOURCE = 1, /* fd is read and sent to the client */
    DRV_STREAM_SINK = 2,   /* what the client sends is written to fd */
};

struct drv_stream {
    int fd;                    /* the session's from the call on, closed by it */
    unsigned int dir;          /* DRV_STREAM_SOURCE and/or DRV_STREAM_SINK */
    unsigned long long length; /* bytes at most each way; 0: no bound */
    bool sparse;               /* holes may cross (a regular file only) */
    /* -1, or an fd that becomes readable when someone else takes the
     * stream over (a console opened with --force elsewhere): the stream
     * then fails as libvirt's does ("stream had I/O failure"). The
     * session closes it with the stream. */
    int cancel_fd;
    /* Called once when the stream ends: ok at the client's finish (after
     * its last byte is written), !ok when it is aborted, fails or the
     * client goes; an ok call may fail (0, or -1 with the error recorded),
     * and the client's finish then gets that error. NULL: nothing to do. */
    int (*done)(void *opaque, bool ok);
    void *opaque;
};

struct drv_context {
    const struct identity *who;   /* NULL: the process's own */
    const struct config *config;  /* libvirtd.conf as read; NULL: the defaults */
    bool read_only;
    int (*wait_fd)(void *wait_opaque, int fd, uint32_t events, long long deadline_ms);
    /* Watches fd for as long as the connection lives (or until unwatch):
     * fn runs from the session's loop whenever fd is readable, between
     * calls or while one waits; the events it raises through the sink go
     * out right after it (or after the reply of a call that is waiting).
     * 0, or -1 with the error recorded. */
    int (*watch_fd)(void *wait_opaque, int fd, void (*fn)(void *fn_opaque), void *fn_opaque);
    void (*unwatch_fd)(void *wait_opaque, int fd);
    /* Hands the session the stream of the call being handled (at most one
     * per call). If the call then fails, the session closes st->fd and
     * calls st->done(opaque, false). 0, or -1 with the error recorded (fd
     * is closed then too). */
    int (*open_stream)(void *wait_opaque, const struct drv_stream *st);
    void *wait_opaque;
};

struct driver {
    const char *name;

    /* Opens `uri` if this driver serves it. Returns 1 and sets *conn when it
     * does, 0 when the URI is not this driver's, -1 on error. */
    int (*open)(const char *uri, unsigned int flags, const struct drv_context *ctx,
                struct drv_conn **conn);
    void (*close)(struct drv_conn *conn);
    /* The client has closed the connection (CONNECT_CLOSE): what other
     * connections may be waiting on goes now, before the reply, while the
     * rest waits for close after it (NULL: nothing to do). The test
     * driver leaves test:///default's store here, so that a client that
     * opens again right after its close finds the state reset, as with
     * real libvirtd. */
    void (*detach)(struct drv_conn *conn);
    void (*set_event_sink)(struct drv_conn *conn, drv_event_fn fn, void *opaque);
    /* The client has registered an event callback (called on each
     * registration; NULL: nothing to do): a driver whose events come from
     * other processes starts listening for them now, not at open. */
    void (*events_wanted)(struct drv_conn *conn);

    const struct drv_host_ops *host;             /* the connection and the node */
    const struct drv_domain_ops *domain;         /* domains */
    const struct drv_network_ops *network;       /* networks and their ports */
    const struct drv_storage_ops *storage;       /* storage pools and volumes */
    const struct drv_nodedev_ops *nodedev;       /* node devices */
    const struct drv_interface_ops *interface;   /* host interfaces */
    const struct drv_secret_ops *secret;         /* secrets */
    const struct drv_nwfilter_ops *nwfilter;     /* network filters and bindings */
    const struct drv_snapshot_ops *snapshot;     /* domain snapshots */
    const struct drv_checkpoint_ops *checkpoint; /* domain checkpoints */
};

/* The drivers built in, in the order open tries them; NULL-terminated. */
extern const struct driver *const drivers[];

/* Helpers for filling replies; each returns 0, or -1 with libvirt's
 * out-of-memory error recorded. */

/* *dst = a copy of src. */
int drv_string(char **dst, const char *src);

/* A domain reference in a reply (the name is copied). */
int drv_domain(remote_nonnull_domain *dst, const char *name, const unsigned char *uuid, int id);

/* libvirt's counted character arrays (security labels, models) carry the
 * string with its NUL; NULL is sent empty. -1 with an internal error when
 * it is longer than max. */
int drv_chars(u_int *len, char **val, const char *src, u_int max);

/* libvirt's check of an argument that must not be zero ("memory in
 * virDomainSetMemoryFlags must not be zero", VIR_ERR_INVALID_ARG): 0 when
 * value is not zero, else -1 with that error recorded. */
int drv_nonzero(uint64_t value, const char *what, const char *api);

#endif

/* session: one client connection, from its first frame to its hang-up. The
 * session does not care who started the process: main hands it a channel. */
#ifndef SRC_SESSION_H
#define SRC_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "channel.h"
#include "driver.h"
#include "message.h"

#define SESSION_MAX_CALLBACKS 256
#define SESSION_MAX_QUEUED_EVENTS 4096

struct session_options {
    bool read_only;
    int keepalive_interval; /* seconds between our pings when idle; <= 0: off */
    int keepalive_count;    /* unanswered pings before we give up */
    int message_timeout;    /* seconds for a message to arrive whole (and the
                               first one after connecting), and for the
                               client to take what we write; 0: no limit */
    int spin_wait_us;       /* after answering, µs to keep watching for the
                               next message before sleeping in poll; 0: none */
    bool secure;            /* the transport is encrypted or local */
    const char *peer;       /* description of the peer for log lines */
    const char *deny;       /* set: answer the first call with this refusal, then close */
    const struct identity *who; /* whose permissions files named by the client are
                                   opened with (identity.h) */
};

struct event_callback {
    int id;          /* callbackID given to the client */
    int event_id;    /* virDomainEventID */
    int proc;        /* message procedure used to deliver it */
    bool has_dom;    /* filter on one domain */
    unsigned char uuid[DRV_UUID_LEN];
};

struct queued_event {
    struct drv_dom_id dom;
    int event, detail;
};

struct session {
    struct channel *ch;
    struct session_options opt;
    const struct driver *drv;
    struct drv_conn *conn;
    char *uri; /* what the client opened */

    struct event_callback callbacks[SESSION_MAX_CALLBACKS];
    size_t ncallbacks;
    int next_callback_id;

    /* Events raised by the driver during a call, sent after its reply. */
    struct queued_event *events;
    size_t nevents;

    struct msgbuf out;
    bool keepalive_enabled;
    int pings_unanswered;
    long long last_ka_ms;   /* when bytes last came or we last pinged (monotonic ms) */
    long long msg_start_ms; /* when the message being received began */
    bool got_message;       /* a whole message has come since connecting */
    bool closing;   /* the client closed its connection: end after the reply */
    bool peer_gone; /* a write found the client gone: it hung up */
};

/* Serves the client on `ch` until it hangs up or breaks the protocol.
 * Takes ownership of ch. Returns 0 for an orderly end, -1 otherwise. */
int session_run(struct channel *ch, const struct session_options *opt);

/* The driver's event sink: queues a lifecycle event for after the reply. */
void session_event_sink(void *opaque, const struct drv_dom_id *dom, int event, int detail);

/* Sends one frame to the client (used by dispatch for replies and events).
 * Returns 0 or -1. */
int session_send(struct session *s, const struct message_header *hdr, xdrproc_t proc,
                 const void *body);

#endif

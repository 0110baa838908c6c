/* session: one client connection, from its first frame to its hang-up. The
 * session does not care who started the process: main hands it a channel.
 * It runs the connection process's event loop (loop.h): it reads frames,
 * answers keepalive, hands calls of the remote program to dispatch one at
 * a time, and is the only writer of frames (replies, errors, events). A
 * driver operation that must wait does so through session_wait_fd, so
 * keepalive is still answered and further calls are queued meanwhile. */
#ifndef SRC_SESSION_H
#define SRC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "driver.h"
#include "events.h"

/* Calls that may wait, read whole, while one is being handled; with more,
 * the session stops reading until they are answered. */
#define SESSION_MAX_PENDING 16

/* Streams (screenshots, volume transfers, consoles) open at once on one
 * connection; a call opening one more fails. */
#define SESSION_MAX_STREAMS 8

/* fds a driver may watch for the life of a connection (drv_context). */
#define SESSION_MAX_DRIVER_WATCHES 8

struct session_options {
    bool read_only;
    int keepalive_interval; /* seconds between our pings when idle; <= 0: off */
    int keepalive_count;    /* unanswered pings before we give up */
    int message_timeout;    /* seconds for a message to arrive whole (and the
                               first one after connecting), and for the
                               client to take what we write; 0: no limit */
    int spin_wait_us;       /* after answering, µs to keep watching for the
                               next message before sleeping; 0: none */
    bool secure;            /* the transport is encrypted or local */
    const char *peer;       /* description of the peer for log lines */
    const char *deny;       /* set: answer the first call with this refusal, then close */
    const struct identity *who; /* whose permissions files named by the client are
                                   opened with (identity.h) */
    const struct config *config; /* libvirtd.conf, for the drivers; NULL: defaults */
    const struct driver *const *drivers; /* NULL-terminated, tried in order at open;
                                            NULL: the built-in ones */
};

struct session; /* private to session.c */

/* Serves the client on `ch` until it hangs up or breaks the protocol.
 * Takes ownership of ch. Returns 0 for an orderly end, -1 otherwise. */
int session_run(struct channel *ch, const struct session_options *opt);

/* What dispatch's hand-written handlers (the procedures of the connection
 * itself) read and change. */
const struct session_options *session_opts(const struct session *s);
bool session_read_only(const struct session *s);
/* The connection is read-only from now on (VIR_CONNECT_RO at open). */
void session_set_read_only(struct session *s);
const struct driver *session_driver(const struct session *s);
struct drv_conn *session_conn(const struct session *s);
const char *session_uri(const struct session *s);
/* What a driver's open gets to wait through the session: see
 * session_wait_fd. */
struct drv_context session_context(struct session *s);
/* Takes conn, opened by drv for uri, as the hypervisor connection; its
 * events come to this session. Returns 0, or -1 when out of memory (conn
 * is closed then). */
int session_attach(struct session *s, const struct driver *drv, struct drv_conn *conn,
                   const char *uri);
/* Forgets the hypervisor connection and every event registration; the
 * connection is closed before the next detach or when the session ends. */
void session_detach(struct session *s);
/* The client may be pinged from now on (it asked for the keepalive
 * feature). */
void session_enable_keepalive(struct session *s);
/* The connection ends once the current reply is sent (CONNECT_CLOSE). */
void session_end_after_reply(struct session *s);
struct events *session_events(struct session *s);

/* For a driver operation that waits on fd (EPOLLIN / EPOLLOUT): runs the
 * session's loop, answering keepalive and queueing further calls, until fd
 * is ready, the monotonic clock reaches deadline_ms (-1: none) or the
 * client is gone. Returns 1 when ready, 0 at the deadline, -1 when the
 * connection ended (the caller should give up; its reply is not sent). */
int session_wait_fd(struct session *s, int fd, uint32_t events, long long deadline_ms);

#endif

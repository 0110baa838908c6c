#include "clock.h"
#include "session.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dispatch.h"
#include "error.h"
#include "keepalive_protocol.h"
#include "log.h"
#include "loop.h"
#include "remote_protocol.h"

/* What the channel recorded about its failure, for the log. */
static const char *channel_failure(void)
{
    const struct error *e = error_last();

    return e && e->message ? e->message : strerror(errno);
}

/* Calls read whole while another is handled wait here, in order. */
struct pending {
    unsigned char *frame;
    size_t len;
};

/* Bytes the pending calls may hold in all (a few maximal messages). */
#define SESSION_PENDING_BYTES_MAX (2 * MESSAGE_LEN_MAX)

struct sstream;

struct session {
    struct channel *ch;
    struct loop *loop;
    struct session_options opt;
    const struct driver *drv;
    struct drv_conn *conn;
    const struct driver *closing_drv; /* detached, closed when the session ends */
    struct drv_conn *closing;
    char *uri; /* what the client opened */
    struct events *events;
    unsigned long events_dropped; /* since the last flush (logged once per flush) */

    struct msgbuf out;
    bool keepalive_enabled;
    int pings_unanswered;
    long long last_ka_ms;   /* when bytes last came or we last pinged (monotonic ms) */
    long long msg_start_ms; /* when the message being received began */
    bool got_message;       /* a whole message has come since connecting */

    int depth; /* calls being handled: 1 while a driver operation waits */
    struct pending pending[SESSION_MAX_PENDING];
    size_t npending, pending_bytes;
    bool reading; /* the channel is watched for input */

    /* Streams of calls answered (streams.c's part of the session: see
     * "streams" below), and the one the call being handled opened. */
    struct sstream *streams[SESSION_MAX_STREAMS];
    struct drv_stream call_stream;
    bool call_has_stream;
    bool in_call;
    struct msgbuf sbuf; /* a data frame being sent */

    struct driver_watch {
        int fd;
        void (*fn)(void *opaque);
        void *opaque;
        struct session *s;
    } watches[SESSION_MAX_DRIVER_WATCHES];
    size_t nwatches;

    bool ending;  /* the client closed its connection: end after the reply */
    bool done;    /* the connection is over */
    bool orderly; /* ... because the client closed, hung up or vanished */
};

/* ---- what dispatch reads and changes ---- */

const struct session_options *session_opts(const struct session *s)
{
    return &s->opt;
}

bool session_read_only(const struct session *s)
{
    return s->opt.read_only;
}

void session_set_read_only(struct session *s)
{
    s->opt.read_only = true;
}

const struct driver *session_driver(const struct session *s)
{
    return s->drv;
}

struct drv_conn *session_conn(const struct session *s)
{
    return s->conn;
}

const char *session_uri(const struct session *s)
{
    return s->uri;
}

struct events *session_events(struct session *s)
{
    return s->events;
}

void session_enable_keepalive(struct session *s)
{
    s->keepalive_enabled = true;
}

void session_end_after_reply(struct session *s)
{
    s->ending = true;
}

static int wait_for_driver(void *opaque, int fd, uint32_t events, long long deadline_ms)
{
    return session_wait_fd(opaque, fd, events, deadline_ms);
}

static int send_event(void *opaque, int proc, const int32_t *callback_id,
                      const unsigned char *body, size_t len);

static int flush_events(struct session *s);

static void on_driver_fd(void *opaque, int fd, uint32_t events)
{
    struct driver_watch *w = opaque;
    struct session *s = w->s;

    (void)fd;
    (void)events;
    w->fn(w->opaque);
    /* Between calls its events go now; during one, after its reply. */
    if (s->depth == 0 && flush_events(s) < 0)
        s->done = true;
}

static int watch_for_driver(void *opaque, int fd, void (*fn)(void *), void *fn_opaque)
{
    struct session *s = opaque;

    if (s->nwatches >= SESSION_MAX_DRIVER_WATCHES) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "too many driver watches");
        return -1;
    }
    /* The array does not move while a watch lives: watches are only added
     * at the end and removed by unwatch, which compacts it after updating
     * the loop's pointers. */
    struct driver_watch *w = &s->watches[s->nwatches];
    *w = (struct driver_watch){fd, fn, fn_opaque, s};
    if (loop_watch(s->loop, fd, EPOLLIN, on_driver_fd, w) < 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "cannot watch fd %d: %s", fd,
                     strerror(errno));
        return -1;
    }
    s->nwatches++;
    return 0;
}

static void unwatch_for_driver(void *opaque, int fd)
{
    struct session *s = opaque;

    for (size_t i = 0; i < s->nwatches; i++) {
        if (s->watches[i].fd != fd)
            continue;
        loop_unwatch(s->loop, fd);
        for (size_t j = i + 1; j < s->nwatches; j++) {
            loop_unwatch(s->loop, s->watches[j].fd);
            s->watches[j - 1] = s->watches[j];
            loop_watch(s->loop, s->watches[j - 1].fd, EPOLLIN, on_driver_fd,
                       &s->watches[j - 1]);
        }
        s->nwatches--;
        return;
    }
}

static int open_stream_for_driver(void *opaque, const struct drv_stream *st);

struct drv_context session_context(struct session *s)
{
    return (struct drv_context){.who = s->opt.who,
                                .config = s->opt.config,
                                .read_only = s->opt.read_only,
                                .wait_fd = wait_for_driver,
                                .watch_fd = watch_for_driver,
                                .unwatch_fd = unwatch_for_driver,
                                .open_stream = open_stream_for_driver,
                                .wait_opaque = s};
}

/* The driver's event sink: queues an event for after the reply. */
static void event_sink(void *opaque, int family, int event_id, const unsigned char *key,
                       size_t key_len, xdrproc_t msg_fn, const void *msg)
{
    struct session *s = opaque;

    if (events_queue(s->events, family, event_id, key, key_len, msg_fn, msg) < 0)
        s->events_dropped++;
}

/* Sends the queued events; a burst that overflowed the queue is logged
 * once, with how many were dropped (one line per event was thousands of
 * log lines when a connection catches up with a flooded journal). */
static int flush_events(struct session *s)
{
    if (s->events_dropped) {
        log_warn("client %s: %lu events dropped: more than %d were waiting to be sent",
                 s->opt.peer, s->events_dropped, EVENTS_MAX_QUEUED);
        s->events_dropped = 0;
    }
    return events_flush(s->events, send_event, s);
}

int session_attach(struct session *s, const struct driver *drv, struct drv_conn *conn,
                   const char *uri)
{
    char *u = strdup(uri);

    if (!u) {
        drv->close(conn);
        error_report(ERR_NO_MEMORY, FROM_RPC, NULL);
        return -1;
    }
    s->drv = drv;
    s->conn = conn;
    s->uri = u;
    if (drv->set_event_sink)
        drv->set_event_sink(conn, event_sink, s);
    return 0;
}

/* The driver's connection is closed when the session ends, after the
 * reply to CONNECT_CLOSE and after the client's connection itself, as
 * libvirtd closes it only once it has answered (remoteDispatchConnectClose
 * just marks the client for closing): a driver's close can be slow, and
 * the client need not wait for it (the QEMU driver's closes an inotify
 * instance, which waits for an RCU grace period: 3-15 ms here). Once
 * detached it gets no watch and no event. */
static void close_detached(struct session *s)
{
    if (s->closing)
        s->closing_drv->close(s->closing);
    s->closing = NULL;
}

void session_detach(struct session *s)
{
    while (s->nwatches > 0)
        unwatch_for_driver(s, s->watches[s->nwatches - 1].fd);
    close_detached(s);
    if (s->conn && s->drv && s->drv->detach)
        s->drv->detach(s->conn);
    s->closing_drv = s->drv;
    s->closing = s->conn;
    s->conn = NULL;
    events_clear(s->events);
    free(s->uri);
    s->uri = NULL;
}

/* ---- writing: the session alone writes frames ---- */

/* Sends one frame. Returns 0 or -1 (the connection is over). */
static int send_frame(struct session *s, const struct msgbuf *frame)
{
    if (channel_write(s->ch, frame->data, frame->len) == 0)
        return 0;
    if (errno == EPIPE || errno == ECONNRESET) {
        /* Killed or gone mid-call: as orderly an end as a hang-up. */
        log_info("client %s: gone before its reply was written", s->opt.peer);
        s->orderly = true;
    } else {
        log_warn("client %s: %s", s->opt.peer, channel_failure());
    }
    s->done = true;
    return -1;
}

static int send_error(struct session *s, const struct message_header *call);

static int send_body(struct session *s, const struct message_header *hdr, xdrproc_t proc,
                     const void *body)
{
    if (message_encode(&s->out, hdr, proc, body) < 0) {
        log_error("client %s: cannot encode reply to procedure %d", s->opt.peer, hdr->proc);
        if (hdr->type != MESSAGE_REPLY || hdr->status != MESSAGE_OK)
            return -1;
        /* A reply too large for the wire becomes an error reply. */
        error_set_message(ERR_RPC, FROM_RPC, "Unable to encode message payload");
        return send_error(s, hdr);
    }
    return send_frame(s, &s->out);
}

/* An error reply to `call` carrying the recorded error (or a generic one);
 * send_error_as sends it as a message of another type (a stream's). */
static int send_error_as(struct session *s, const struct message_header *call, int type);

static int send_error(struct session *s, const struct message_header *call)
{
    return send_error_as(s, call, MESSAGE_REPLY);
}

static int send_error_as(struct session *s, const struct message_header *call, int type)
{
    struct message_header hdr = *call;
    const struct error *err;
    remote_error rerr = {0};
    char *msg;
    int r;

    hdr.type = type;
    hdr.status = MESSAGE_ERROR;
    if (!error_last())
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "unknown failure");
    err = error_last();
    msg = err->message;
    rerr.code = err->code;
    rerr.domain = err->domain;
    rerr.level = err->level ? err->level : ERR_LEVEL_ERROR;
    rerr.message = msg ? &msg : NULL;
    rerr.int1 = err->int1;
    rerr.int2 = err->int2;
    r = send_body(s, &hdr, (xdrproc_t)xdr_remote_error, &rerr);
    error_clear();
    return r;
}

static int reply_rpc_error(struct session *s, const struct message_header *hdr,
                           const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int reply_rpc_error(struct session *s, const struct message_header *hdr,
                           const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_warn("client %s: %s", s->opt.peer, msg);
    error_set_message(ERR_RPC, FROM_RPC, msg);
    return send_error(s, hdr);
}

/* The header of a message nobody asked for (an event, a keepalive). */
static struct message_header unasked(unsigned int prog, unsigned int vers, int proc,
                                     unsigned int serial)
{
    struct message_header hdr = {
        .prog = prog,
        .vers = vers,
        .proc = proc,
        .type = MESSAGE_EVENT,
        .serial = serial,
        .status = MESSAGE_OK,
    };
    return hdr;
}

/* An event, as libvirtd sends them: type MESSAGE, serial 1. */
static int send_event(void *opaque, int proc, const int32_t *callback_id,
                      const unsigned char *body, size_t len)
{
    struct session *s = opaque;
    struct message_header hdr = unasked(REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, proc, 1);

    if (message_encode_parts(&s->out, &hdr, callback_id, body, len) < 0)
        return -1;
    return send_frame(s, &s->out);
}

static int send_keepalive(struct session *s, int proc)
{
    struct message_header hdr = unasked(KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION, proc, 0);

    return send_body(s, &hdr, NULL, NULL);
}

/* ---- the programs ---- */

/* A frame being handled: in the channel's buffer (consumed once the
 * session is done with its bytes) or a waiting call's copy. */
struct frame {
    const unsigned char *data;
    size_t len;
    bool in_channel;
    bool released;
};

static void release(struct session *s, struct frame *f)
{
    if (f->in_channel && !f->released)
        channel_consume(s->ch, f->len);
    f->released = true;
}

/* ---- streams ----
 *
 * A stream belongs to the call that opened it: its frames carry the call's
 * program, procedure and serial, with type STREAM. The source's bytes go
 * to the client as data (status CONTINUE), one chunk per turn of the loop
 * so that calls and keepalive still get through, and its end as empty
 * data; what the client sends is written to the sink. The client ends a
 * stream with status OK (finish) or ERROR (abort), each confirmed with an
 * empty OK; a failure is a STREAM frame with status ERROR carrying
 * libvirt's error. These are libvirtd's rules. A sink that cannot take
 * more (a pty whose reader is slow) stops the session reading from the
 * client until it can: the flow control in that direction; the other way
 * the session reads a chunk only once the last one was written. */

#define STREAM_CHUNK 262120 /* a data frame's body at most, as libvirtd sends it */

struct sstream {
    struct message_header hdr; /* of the call that opened it */
    struct drv_stream st;
    bool src_ended;            /* the source's end was sent */
    unsigned long long sent, received;
    long long data_left;       /* sparse source: data before the next hole; -1: look */
    unsigned char *backlog;    /* sink: bytes the fd did not take yet */
    size_t backlog_len;
};

static int open_stream_for_driver(void *opaque, const struct drv_stream *st)
{
    struct session *s = opaque;
    size_t open = 0;

    for (size_t i = 0; i < SESSION_MAX_STREAMS; i++)
        open += s->streams[i] != NULL;
    if (!s->in_call || s->call_has_stream) {
        error_report(ERR_INTERNAL_ERROR, FROM_STREAMS, "a stream outside its call");
    } else if (open >= SESSION_MAX_STREAMS) {
        error_report(ERR_OPERATION_INVALID, FROM_STREAMS,
                     "too many streams open on this connection (at most %d)",
                     SESSION_MAX_STREAMS);
    } else {
        s->call_stream = *st;
        s->call_has_stream = true;
        return 0;
    }
    close(st->fd);
    if (st->cancel_fd >= 0)
        close(st->cancel_fd);
    return -1;
}

/* The stream the failed call opened goes. */
static void stream_discard(struct session *s)
{
    if (!s->call_has_stream)
        return;
    close(s->call_stream.fd);
    if (s->call_stream.cancel_fd >= 0)
        close(s->call_stream.cancel_fd);
    if (s->call_stream.done)
        s->call_stream.done(s->call_stream.opaque, false);
    s->call_has_stream = false;
}

static uint32_t stream_events(const struct sstream *ss)
{
    return ((ss->st.dir & DRV_STREAM_SOURCE) && !ss->src_ended ? EPOLLIN : 0) |
           (ss->backlog_len ? EPOLLOUT : 0);
}

/* Whether a sink's backlog holds the client's input back. */
static bool streams_blocked(const struct session *s)
{
    for (size_t i = 0; i < SESSION_MAX_STREAMS; i++)
        if (s->streams[i] && s->streams[i]->backlog_len)
            return true;
    return false;
}

static void stream_free(struct session *s, struct sstream *ss)
{
    for (size_t i = 0; i < SESSION_MAX_STREAMS; i++)
        if (s->streams[i] == ss)
            s->streams[i] = NULL;
    loop_unwatch(s->loop, ss->st.fd);
    close(ss->st.fd);
    if (ss->st.cancel_fd >= 0) {
        loop_unwatch(s->loop, ss->st.cancel_fd);
        close(ss->st.cancel_fd);
    }
    free(ss->backlog);
    free(ss);
}

/* Ends a stream: the driver hears how (its answer for a finish), and the
 * stream goes. Returns what done returned. */
static int stream_end(struct session *s, struct sstream *ss, bool ok)
{
    int r = ss->st.done ? ss->st.done(ss->st.opaque, ok) : 0;

    stream_free(s, ss);
    return r;
}

static int stream_send(struct session *s, const struct sstream *ss, int status, size_t len)
{
    struct message_header hdr = ss->hdr;

    hdr.type = MESSAGE_STREAM;
    hdr.status = status;
    if (!message_raw_body(&s->sbuf, len) || message_finish_raw(&s->sbuf, &hdr, len) < 0) {
        log_error("client %s: cannot encode stream data", s->opt.peer);
        s->done = true;
        return -1;
    }
    return send_frame(s, &s->sbuf);
}

/* The stream failed: the client gets the recorded error as the stream's,
 * and the stream goes. */
static int stream_fail(struct session *s, struct sstream *ss)
{
    struct message_header hdr = ss->hdr;
    struct error saved;

    log_info("client %s: stream of procedure %d failed: %s", s->opt.peer, hdr.proc,
             error_last() && error_last()->message ? error_last()->message : "?");
    error_save(&saved);
    stream_end(s, ss, false);
    error_restore(&saved);
    return send_error_as(s, &hdr, MESSAGE_STREAM);
}

/* Sparse source: sends the hole it is in, if it is in one (1), or learns
 * how much data lies before the next (0). -1 with the error recorded. */
static int stream_hole(struct session *s, struct sstream *ss)
{
    off_t at = lseek(ss->st.fd, 0, SEEK_CUR), data, hole, end = lseek(ss->st.fd, 0, SEEK_END);
    unsigned char body[12];
    long long len;

    if (at < 0 || end < 0 || lseek(ss->st.fd, at, SEEK_SET) < 0)
        goto fail;
    if (at >= end) {
        ss->data_left = 0; /* the end: the read that follows says so */
        return 0;
    }
    data = lseek(ss->st.fd, at, SEEK_DATA);
    if (data < 0 && errno != ENXIO)
        goto fail;
    if (data < 0)
        data = end; /* a hole to the end */
    if (ss->st.length && (unsigned long long)(data - at) > ss->st.length - ss->sent)
        data = at + (off_t)(ss->st.length - ss->sent);
    if (data > at) {
        struct message_header hdr = ss->hdr;
        len = data - at;
        for (int i = 0; i < 8; i++)
            body[i] = (unsigned char)((unsigned long long)len >> (56 - 8 * i));
        memset(body + 8, 0, 4); /* flags */
        hdr.type = MESSAGE_STREAM_HOLE;
        hdr.status = MESSAGE_CONTINUE;
        if (lseek(ss->st.fd, data, SEEK_SET) < 0)
            goto fail;
        ss->sent += (unsigned long long)len;
        if (message_encode_parts(&s->sbuf, &hdr, NULL, body, sizeof(body)) < 0)
            goto fail;
        return send_frame(s, &s->sbuf) < 0 ? -2 : 1;
    }
    hole = lseek(ss->st.fd, at, SEEK_HOLE);
    if (hole < 0 || lseek(ss->st.fd, at, SEEK_SET) < 0)
        goto fail;
    ss->data_left = hole - at;
    return 0;
fail:
    error_report(ERR_SYSTEM_ERROR, FROM_STREAMS, "unable to find the holes of the stream: %s",
                 strerror(errno));
    return -1;
}

/* Reads and sends one chunk of a source, or its end. */
static void stream_pump(struct session *s, struct sstream *ss)
{
    size_t want = STREAM_CHUNK;
    unsigned char *buf;
    ssize_t n;

    if (ss->st.length) {
        if (ss->sent >= ss->st.length)
            want = 0;
        else if (ss->st.length - ss->sent < want)
            want = (size_t)(ss->st.length - ss->sent);
    }
    if (want && ss->st.sparse) {
        if (ss->data_left <= 0) {
            int r = stream_hole(s, ss);
            if (r == -1)
                stream_fail(s, ss);
            if (r != 0)
                return;
        }
        if (ss->data_left > 0 && (unsigned long long)ss->data_left < want)
            want = (size_t)ss->data_left;
    }
    buf = message_raw_body(&s->sbuf, want);
    if (!buf) {
        error_report(ERR_NO_MEMORY, FROM_STREAMS, NULL);
        stream_fail(s, ss);
        return;
    }
    n = want ? read(ss->st.fd, buf, want) : 0;
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n < 0 && errno == EIO && isatty(ss->st.fd))
        n = 0; /* the other side of a pty closed: its end */
    if (n < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STREAMS, "stream had I/O failure: %s",
                     strerror(errno));
        stream_fail(s, ss);
        return;
    }
    ss->sent += (unsigned long long)n;
    if (ss->st.sparse)
        ss->data_left -= n;
    if (n == 0) {
        ss->src_ended = true;
        loop_rewatch(s->loop, ss->st.fd, stream_events(ss));
    }
    stream_send(s, ss, MESSAGE_CONTINUE, (size_t)n);
}

/* Writes len bytes of p to a sink's fd until they are all written, it
 * would block or it fails; returns how many it took, with *err the errno
 * that stopped it (0 when all went). */
static size_t write_some(int fd, const unsigned char *p, size_t len, int *err)
{
    size_t off = 0;

    *err = 0;
    while (off < len) {
        ssize_t n = write(fd, p + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *err = n < 0 ? errno : EIO;
            break;
        }
        off += (size_t)n;
    }
    return off;
}

/* Writes what a sink's backlog holds; true when it is empty. */
static bool stream_flush(struct session *s, struct sstream *ss)
{
    int err;
    size_t off = write_some(ss->st.fd, ss->backlog, ss->backlog_len, &err);

    if (err && err != EAGAIN) {
        error_report(ERR_SYSTEM_ERROR, FROM_STREAMS, "unable to write to the stream: %s",
                     strerror(err));
        ss->backlog_len = 0;
        stream_fail(s, ss);
        return false;
    }
    memmove(ss->backlog, ss->backlog + off, ss->backlog_len - off);
    ss->backlog_len -= off;
    loop_rewatch(s->loop, ss->st.fd, stream_events(ss));
    return ss->backlog_len == 0;
}

static void on_stream_fd(void *opaque, int fd, uint32_t events)
{
    struct session *s = opaque;
    struct sstream *ss = NULL;

    for (size_t i = 0; i < SESSION_MAX_STREAMS && !ss; i++)
        if (s->streams[i] && s->streams[i]->st.fd == fd)
            ss = s->streams[i];
    if (!ss || s->done)
        return;
    if ((events & (EPOLLOUT | EPOLLERR)) && ss->backlog_len && !stream_flush(s, ss))
        return;
    if ((ss->st.dir & DRV_STREAM_SOURCE) && !ss->src_ended &&
        (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        stream_pump(s, ss);
}

/* Someone else took the stream over. */
static void on_stream_cancel(void *opaque, int fd, uint32_t events)
{
    struct session *s = opaque;

    (void)events;
    for (size_t i = 0; i < SESSION_MAX_STREAMS; i++)
        if (s->streams[i] && s->streams[i]->st.cancel_fd == fd) {
            error_report(ERR_RPC, FROM_STREAMS, "stream had I/O failure");
            stream_fail(s, s->streams[i]);
            return;
        }
}

/* After the reply to the call that opened it: the stream starts. */
static int stream_start(struct session *s, const struct message_header *call)
{
    struct sstream *ss = calloc(1, sizeof(*ss));
    size_t slot = 0;

    while (slot < SESSION_MAX_STREAMS && s->streams[slot])
        slot++;
    if (!ss || slot == SESSION_MAX_STREAMS) {
        free(ss);
        stream_discard(s);
        error_report(ERR_NO_MEMORY, FROM_STREAMS, NULL);
        return send_error_as(s, call, MESSAGE_STREAM);
    }
    ss->hdr = *call;
    ss->st = s->call_stream;
    ss->data_left = -1;
    s->call_has_stream = false;
    /* A regular file is always ready (loop.h); the rest must not block. */
    fcntl(ss->st.fd, F_SETFL, fcntl(ss->st.fd, F_GETFL) | O_NONBLOCK);
    if (loop_watch(s->loop, ss->st.fd, stream_events(ss), on_stream_fd, s) < 0 ||
        (ss->st.cancel_fd >= 0 &&
         loop_watch(s->loop, ss->st.cancel_fd, EPOLLIN, on_stream_cancel, s) < 0)) {
        error_report(ERR_SYSTEM_ERROR, FROM_STREAMS, "cannot watch the stream: %s",
                     strerror(errno));
        loop_unwatch(s->loop, ss->st.fd);
        close(ss->st.fd);
        if (ss->st.cancel_fd >= 0)
            close(ss->st.cancel_fd);
        if (ss->st.done)
            ss->st.done(ss->st.opaque, false);
        free(ss);
        return send_error_as(s, call, MESSAGE_STREAM);
    }
    s->streams[slot] = ss;
    return 0;
}

/* Data for a sink. */
static int stream_data(struct session *s, struct sstream *ss, const unsigned char *data,
                       size_t len)
{
    if (!(ss->st.dir & DRV_STREAM_SINK)) {
        /* libvirtd's words when its end of such a stream refuses data. */
        error_report(ERR_RPC, FROM_STREAMS, "stream had unexpected termination");
        return stream_fail(s, ss);
    }
    bool over = false;
    if (ss->st.length && len > ss->st.length - ss->received) {
        /* As libvirt's file streams: what fits is written, then the
         * stream fails as a full disk would. */
        len = (size_t)(ss->st.length - ss->received);
        over = true;
    }
    ss->received += len;
    int err;
    size_t done = write_some(ss->st.fd, data, len, &err);
    if (over) {
        error_report(ERR_SYSTEM_ERROR, FROM_STREAMS, "cannot write to stream: %s",
                     strerror(ENOSPC));
        return stream_fail(s, ss);
    }
    if (err == EAGAIN) {
        /* The rest waits until the fd takes it (an emptied backlog's
         * buffer goes first). */
        free(ss->backlog);
        ss->backlog = malloc(len - done);
        if (!ss->backlog) {
            error_report(ERR_NO_MEMORY, FROM_STREAMS, NULL);
            return stream_fail(s, ss);
        }
        memcpy(ss->backlog, data + done, len - done);
        ss->backlog_len = len - done;
        loop_rewatch(s->loop, ss->st.fd, stream_events(ss));
    } else if (err) {
        error_report(ERR_SYSTEM_ERROR, FROM_STREAMS, "unable to write to the stream: %s",
                     strerror(err));
        return stream_fail(s, ss);
    }
    return 0;
}

/* A hole the client skips in a sparse upload (a regular file's sink). */
static int stream_skip(struct session *s, struct sstream *ss, const unsigned char *body,
                       size_t len)
{
    unsigned long long skip = 0;

    if (!ss->st.sparse || !(ss->st.dir & DRV_STREAM_SINK) || len != 12) {
        error_report(ERR_RPC, FROM_STREAMS, "Unexpected stream hole");
        return stream_fail(s, ss);
    }
    for (int i = 0; i < 8; i++)
        skip = skip << 8 | body[i];
    if (skip > (unsigned long long)LLONG_MAX ||
        (ss->st.length && skip > ss->st.length - ss->received)) {
        error_report(ERR_OPERATION_INVALID, FROM_STREAMS, "a hole beyond the stream's end");
        return stream_fail(s, ss);
    }
    off_t at = lseek(ss->st.fd, 0, SEEK_CUR);
    if (at < 0 || skip > (unsigned long long)(LLONG_MAX - at) ||
        lseek(ss->st.fd, (off_t)skip, SEEK_CUR) < 0 ||
        /* A hole at the end is the file's length too. */
        (ftruncate(ss->st.fd, at + (off_t)skip) < 0 && errno != EINVAL)) {
        error_report(ERR_SYSTEM_ERROR, FROM_STREAMS, "unable to skip a hole: %s",
                     strerror(errno));
        return stream_fail(s, ss);
    }
    ss->received += skip;
    return 0;
}

/* A STREAM or STREAM_HOLE frame from the client. */
static int stream_frame(struct session *s, const struct message_header *hdr, struct frame *f)
{
    struct sstream *ss = NULL;
    const unsigned char *body = f->data + MESSAGE_LEN_MIN;
    size_t len = f->len - MESSAGE_LEN_MIN;
    struct message_header h;

    for (size_t i = 0; i < SESSION_MAX_STREAMS && !ss; i++)
        if (s->streams[i] && s->streams[i]->hdr.prog == hdr->prog &&
            s->streams[i]->hdr.proc == hdr->proc && s->streams[i]->hdr.serial == hdr->serial)
            ss = s->streams[i];
    if (!ss) {
        /* Data may still come after a stream ended: libvirtd drops it. */
        log_info("client %s: ignoring stream frame for procedure %d serial %u",
                 s->opt.peer, hdr->proc, hdr->serial);
        return 0;
    }
    if (hdr->type == MESSAGE_STREAM_HOLE)
        return stream_skip(s, ss, body, len);
    h = ss->hdr;
    switch (hdr->status) {
    case MESSAGE_CONTINUE:
        return stream_data(s, ss, body, len);
    case MESSAGE_OK: /* finish: an error from the driver is a reply */
        if (stream_end(s, ss, true) < 0)
            return send_error(s, &h);
        return stream_send(s, &(struct sstream){.hdr = h}, MESSAGE_OK, 0);
    default: /* abort */
        log_info("client %s: stream of procedure %d aborted at the client's request",
                 s->opt.peer, h.proc);
        stream_end(s, ss, false);
        error_clear();
        return stream_send(s, &(struct sstream){.hdr = h}, MESSAGE_OK, 0);
    }
}

static void streams_close(struct session *s)
{
    stream_discard(s);
    for (size_t i = 0; i < SESSION_MAX_STREAMS; i++)
        if (s->streams[i])
            stream_end(s, s->streams[i], false);
    msgbuf_free(&s->sbuf);
}

static int keepalive_message(struct session *s, const struct message_header *hdr,
                             struct frame *f)
{
    (void)f;
    if (hdr->proc == KEEPALIVE_PROC_PING)
        return send_keepalive(s, KEEPALIVE_PROC_PONG);
    return 0; /* a pong, or an unknown keepalive message: nothing to answer */
}

/* A call of the remote program: decoded, its frame released (a driver
 * that waits lets more input in), run, answered, then the events it
 * raised. */
static int remote_call(struct session *s, const struct message_header *hdr, struct frame *f)
{
    struct message_header rh = *hdr;
    struct dispatch_call call;
    struct dispatch_reply reply;
    int r;

    if (hdr->status != MESSAGE_OK)
        return reply_rpc_error(s, hdr, "Unexpected message status %d", hdr->status);
    if (s->opt.deny) {
        /* A peer the configuration refuses learns why from its first
         * call's reply, then the connection ends. */
        error_report(ERR_AUTH_FAILED, FROM_RPC, "%s", s->opt.deny);
        send_error(s, hdr);
        return -1;
    }
    r = dispatch_decode(s, hdr, f->data, f->len, &call);
    release(s, f);
    if (r < 0)
        return send_error(s, hdr);
    s->depth++;
    s->in_call = true;
    r = dispatch_run(s, &call, &reply);
    s->in_call = false;
    s->depth--;
    if (s->done) {
        r = -1; /* the client left while the driver waited */
    } else if (r < 0) {
        stream_discard(s);
        r = send_error(s, hdr);
    } else {
        rh.type = MESSAGE_REPLY;
        rh.status = MESSAGE_OK;
        r = send_body(s, &rh, reply.ret_fn, reply.ret_fn ? &reply.ret : NULL);
        if (r == 0 && s->call_has_stream)
            r = stream_start(s, hdr);
    }
    stream_discard(s);
    dispatch_reply_free(&reply);
    if (r == 0)
        r = flush_events(s);
    if (r == 0 && s->ending) {
        s->orderly = true;
        s->done = true;
    }
    return r;
}

/* The programs the daemon serves: number, version and the message type
 * each takes. libvirt's qemu program (0x20008087) belongs here when a
 * driver serves it. */
static const struct program {
    uint32_t prog, vers;
    int type;
    int (*handle)(struct session *s, const struct message_header *hdr, struct frame *f);
} programs[] = {
    {KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION, MESSAGE_EVENT, keepalive_message},
    {REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, MESSAGE_CALL, remote_call},
};

static const struct program *find_program(const struct message_header *hdr)
{
    for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++)
        if (programs[i].prog == hdr->prog && programs[i].vers == hdr->vers &&
            programs[i].type == hdr->type)
            return &programs[i];
    return NULL;
}

/* One whole frame with its decoded header. Returns 0 to carry on, -1 when
 * the connection must end. Releases the frame. */
static int handle_frame(struct session *s, const struct message_header *hdr, struct frame *f)
{
    const struct program *p = find_program(hdr);
    int r = 0;

    if (p) {
        r = p->handle(s, hdr, f);
    } else if (hdr->type == MESSAGE_STREAM || hdr->type == MESSAGE_STREAM_HOLE) {
        r = stream_frame(s, hdr, f);
    } else if (hdr->type != MESSAGE_CALL) {
        /* Replies, stream data and events from a client have nothing to
         * answer; libvirtd ignores them too. */
        log_warn("client %s: ignoring message of type %d for procedure %d", s->opt.peer,
                 hdr->type, hdr->proc);
    } else {
        r = reply_rpc_error(s, hdr, "Cannot find program %u version %u", hdr->prog,
                            hdr->vers);
    }
    release(s, f);
    return r;
}

/* A call that arrived while another is being handled, kept whole. */
static int keep_pending(struct session *s, struct frame *f)
{
    struct pending *p = &s->pending[s->npending];

    p->frame = malloc(f->len);
    if (!p->frame) {
        log_error("client %s: out of memory for a waiting call", s->opt.peer);
        return -1;
    }
    memcpy(p->frame, f->data, f->len);
    p->len = f->len;
    s->npending++;
    s->pending_bytes += f->len;
    release(s, f);
    return 0;
}

/* Handles the oldest waiting call as if it had just arrived. */
static int run_pending(struct session *s)
{
    struct pending p = s->pending[0];
    struct frame f = {.data = p.frame, .len = p.len};
    struct message_header hdr;
    int r = -1;

    memmove(&s->pending[0], &s->pending[1], (s->npending - 1) * sizeof(s->pending[0]));
    s->npending--;
    s->pending_bytes -= p.len;
    if (message_decode_header(p.frame, p.len, &hdr) == 0)
        r = handle_frame(s, &hdr, &f);
    free(p.frame);
    return r;
}

/* Reads the channel only while there is room for waiting calls. */
static void update_reading(struct session *s)
{
    bool want = s->npending < SESSION_MAX_PENDING &&
                s->pending_bytes < SESSION_PENDING_BYTES_MAX && !streams_blocked(s);

    if (want != s->reading && loop_rewatch(s->loop, channel_read_fd(s->ch),
                                           want ? EPOLLIN : 0) == 0)
        s->reading = want;
}

/* Handles what can be handled now: waiting calls (when none is being
 * handled), then every whole frame buffered. Returns 0, or -1 when the
 * connection must end. */
static int process(struct session *s)
{
    const unsigned char *frame;
    long flen = 0;

    while (!s->done) {
        /* Calls that waited go first, once no call is being handled. */
        if (s->depth == 0 && s->npending > 0) {
            if (run_pending(s) < 0)
                return -1;
            continue;
        }
        if (streams_blocked(s))
            break; /* a sink must take what it has first */
        flen = channel_next_frame(s->ch, &frame);
        if (flen <= 0)
            break;
        struct frame f = {.data = frame, .len = (size_t)flen, .in_channel = true};
        struct message_header hdr;
        s->got_message = true;
        if (message_decode_header(frame, f.len, &hdr) < 0)
            return -1;
        s->pings_unanswered = 0;
        if (s->depth == 0 || hdr.type != MESSAGE_CALL) {
            /* Keepalive and what is only logged never wait. */
            if (handle_frame(s, &hdr, &f) < 0)
                return -1;
        } else if (s->npending >= SESSION_MAX_PENDING ||
                   s->pending_bytes + f.len > SESSION_PENDING_BYTES_MAX) {
            break; /* read no further until the waiting calls are answered */
        } else if (keep_pending(s, &f) < 0) {
            return -1;
        }
    }
    update_reading(s);
    if (!s->done && flen < 0) {
        log_warn("client %s: frame length outside %d..%d, closing", s->opt.peer,
                 MESSAGE_LEN_MIN, MESSAGE_LEN_MAX);
        return -1;
    }
    return 0;
}

/* ---- reading and time ---- */

/* The loop's callback for the channel: takes in what came. */
static void on_input(void *opaque, int fd, uint32_t events)
{
    struct session *s = opaque;
    bool was_empty = channel_pending(s->ch) == 0;
    ssize_t got = channel_fill(s->ch);

    (void)fd;
    (void)events;
    if (got > 0) {
        s->last_ka_ms = clock_mono_ms();
        if (was_empty)
            s->msg_start_ms = s->last_ka_ms;
        return;
    }
    if (got < 0 && errno == EAGAIN)
        return;
    if (got < 0 && errno != ECONNRESET) {
        log_warn("client %s: %s", s->opt.peer, channel_failure());
    } else {
        /* A hang-up, or the client vanished (killed, or reset). */
        if (got == 0 && channel_pending(s->ch) > 0)
            log_warn("client %s: hung up in the middle of a frame (%zu bytes)",
                     s->opt.peer, channel_pending(s->ch));
        s->orderly = true;
    }
    s->done = true;
}

/* When the message being received (or, before the first, the first one)
 * runs out of time; -1 when nothing is awaited or there is no limit. */
static long long message_deadline(const struct session *s)
{
    if (s->opt.message_timeout <= 0 || (s->got_message && channel_pending(s->ch) == 0) ||
        streams_blocked(s))
        return -1;
    return s->msg_start_ms + s->opt.message_timeout * 1000LL;
}

/* When keepalive next has something to do: an interval after the client
 * last sent anything or was last pinged; -1 when off. */
static long long keepalive_deadline(const struct session *s)
{
    if (!s->keepalive_enabled || s->opt.keepalive_interval <= 0)
        return -1;
    return s->last_ka_ms + s->opt.keepalive_interval * 1000LL;
}

static long long earliest(long long a, long long b)
{
    return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

/* Does what is due at the clock's time: ends a message that took too long,
 * pings a quiet client or gives up on a silent one. Returns 0 or -1. */
static int timers(struct session *s)
{
    long long md = message_deadline(s), kd = keepalive_deadline(s), now = clock_mono_ms();

    if (md >= 0 && now >= md) {
        log_warn("client %s: %s within message_timeout (%d s), closing", s->opt.peer,
                 s->got_message ? "a message did not arrive whole" : "no whole message arrived",
                 s->opt.message_timeout);
        return -1;
    }
    if (kd < 0 || now < kd)
        return 0;
    if (s->pings_unanswered >= s->opt.keepalive_count) {
        log_warn("client %s: no answer to %d keepalive pings, closing", s->opt.peer,
                 s->pings_unanswered);
        return -1;
    }
    s->pings_unanswered++;
    s->last_ka_ms = now;
    return send_keepalive(s, KEEPALIVE_PROC_PING);
}

/* Watches the loop for up to `us` microseconds without sleeping; > 0 when
 * something ran, 0 when the time ran out. A client's next call usually
 * follows our reply within microseconds, and a process asleep is woken on
 * an idle CPU, which on a virtual machine (the vCPU halted) costs tens of
 * microseconds per message. Each turn yields the CPU, so on a busy machine
 * the other runnable work goes first. */
static int spin_wait(struct session *s, int us)
{
    long long end = clock_mono_us() + us;
    int n;

    while ((n = loop_run_once(s->loop, 0)) == 0 && clock_mono_us() < end)
        sched_yield();
    return n;
}

/* One turn of the loop: what is buffered, then a wait for input, the
 * session's own deadlines or `deadline_ms`, whichever comes first.
 * Returns 0, or -1 when the connection must end. */
static int turn(struct session *s, long long deadline_ms, bool may_spin)
{
    long long due;
    int n = 0;

    if (process(s) < 0 || s->done)
        return -1;
    due = earliest(earliest(message_deadline(s), keepalive_deadline(s)), deadline_ms);
    if (may_spin && s->opt.spin_wait_us > 0 && (due < 0 || due > clock_mono_ms()))
        n = spin_wait(s, s->opt.spin_wait_us);
    if (n == 0)
        n = loop_run_once(s->loop, due);
    if (n < 0) {
        log_error("epoll_wait: %s", strerror(errno));
        return -1;
    }
    if (s->done)
        return -1;
    return n == 0 ? timers(s) : 0;
}

struct fd_wait {
    bool ready;
};

static void on_wait_ready(void *opaque, int fd, uint32_t events)
{
    struct fd_wait *w = opaque;

    (void)fd;
    (void)events;
    w->ready = true;
}

int session_wait_fd(struct session *s, int fd, uint32_t events, long long deadline_ms)
{
    struct fd_wait w = {false};
    int r;

    if (loop_watch(s->loop, fd, events, on_wait_ready, &w) < 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "cannot wait for fd %d: %s", fd,
                     strerror(errno));
        return -1;
    }
    while (!w.ready && !s->done && (deadline_ms < 0 || clock_mono_ms() < deadline_ms))
        if (turn(s, deadline_ms, false) < 0)
            s->done = true;
    loop_unwatch(s->loop, fd);
    r = w.ready ? 1 : s->done ? -1 : 0;
    if (r < 0)
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "the client is gone");
    return r;
}

static void session_cleanup(struct session *s)
{
    streams_close(s);
    session_detach(s);
    for (size_t i = 0; i < s->npending; i++)
        free(s->pending[i].frame);
    events_free(s->events);
    loop_free(s->loop);
    msgbuf_free(&s->out);
    channel_free(s->ch);
    /* Last: the client has its hang-up before a slow driver close. */
    close_detached(s);
    error_clear();
}

int session_run(struct channel *ch, const struct session_options *opt)
{
    struct session s = {.ch = ch, .opt = *opt, .reading = true};
    int r;

    s.last_ka_ms = s.msg_start_ms = clock_mono_ms();
    if (s.opt.message_timeout > 0)
        channel_set_write_timeout(ch, s.opt.message_timeout * 1000);
    s.loop = loop_new();
    s.events = events_new();
    if (!s.loop || !s.events ||
        loop_watch(s.loop, channel_read_fd(ch), EPOLLIN, on_input, &s) < 0) {
        log_error("client %s: cannot set up the session: %s", s.opt.peer, strerror(errno));
        session_cleanup(&s);
        return -1;
    }
    while (turn(&s, -1, true) == 0)
        ;
    r = s.orderly ? 0 : -1;
    session_cleanup(&s);
    return r;
}

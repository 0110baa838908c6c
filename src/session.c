#include "clock.h"
#include "session.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

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

struct drv_context session_context(struct session *s)
{
    return (struct drv_context){.who = s->opt.who,
                                .config = s->opt.config,
                                .read_only = s->opt.read_only,
                                .wait_fd = wait_for_driver,
                                .watch_fd = watch_for_driver,
                                .unwatch_fd = unwatch_for_driver,
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

/* An error reply to `call` carrying the recorded error (or a generic one). */
static int send_error(struct session *s, const struct message_header *call)
{
    struct message_header hdr = *call;
    const struct error *err;
    remote_error rerr = {0};
    char *msg;
    int r;

    hdr.type = MESSAGE_REPLY;
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
    r = dispatch_run(s, &call, &reply);
    s->depth--;
    if (s->done) {
        r = -1; /* the client left while the driver waited */
    } else if (r < 0) {
        r = send_error(s, hdr);
    } else {
        rh.type = MESSAGE_REPLY;
        rh.status = MESSAGE_OK;
        r = send_body(s, &rh, reply.ret_fn, reply.ret_fn ? &reply.ret : NULL);
    }
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
                s->pending_bytes < SESSION_PENDING_BYTES_MAX;

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
    if (s->opt.message_timeout <= 0 || (s->got_message && channel_pending(s->ch) == 0))
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

#include "clock.h"
#include "session.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispatch.h"
#include "error.h"
#include "log.h"
#include "keepalive_protocol.h"
#include "remote_protocol.h"

/* What the channel recorded about its failure, for the log. */
static const char *channel_failure(void)
{
    const struct error *e = error_last();

    return e && e->message ? e->message : strerror(errno);
}

int session_send(struct session *s, const struct message_header *hdr, xdrproc_t proc,
                 const void *body)
{
    if (message_encode(&s->out, hdr, proc, body) < 0) {
        log_error("client %s: cannot encode reply to procedure %d", s->opt.peer, hdr->proc);
        if (hdr->type != MESSAGE_REPLY || hdr->status != MESSAGE_OK)
            return -1;
        /* A reply too large for the wire becomes an error reply. */
        error_set_message(ERR_RPC, FROM_RPC, "Unable to encode message payload");
        return dispatch_send_error(s, hdr);
    }
    if (channel_write(s->ch, s->out.data, s->out.len) < 0) {
        if (errno == EPIPE || errno == ECONNRESET) {
            /* Killed or gone mid-call: as orderly an end as a hang-up. */
            log_info("client %s: gone before its reply was written", s->opt.peer);
            s->peer_gone = true;
        } else {
            log_warn("client %s: %s", s->opt.peer, channel_failure());
        }
        return -1;
    }
    return 0;
}

void session_event_sink(void *opaque, const struct drv_dom_id *dom, int event, int detail)
{
    struct session *s = opaque;

    if (s->ncallbacks == 0)
        return;
    if (s->nevents >= SESSION_MAX_QUEUED_EVENTS) {
        log_warn("client %s: event queue full, dropping an event", s->opt.peer);
        return;
    }
    if (!s->events) {
        s->events = calloc(SESSION_MAX_QUEUED_EVENTS, sizeof(*s->events));
        if (!s->events)
            return;
    }
    struct queued_event *ev = &s->events[s->nevents];
    ev->dom.name = strdup(dom->name);
    if (!ev->dom.name)
        return;
    memcpy(ev->dom.uuid, dom->uuid, DRV_UUID_LEN);
    ev->dom.id = dom->id;
    ev->event = event;
    ev->detail = detail;
    s->nevents++;
}

static int send_keepalive(struct session *s, int proc)
{
    struct message_header hdr = {
        .prog = MESSAGE_PROGRAM_KEEPALIVE,
        .vers = 1,
        .proc = proc,
        .type = MESSAGE_EVENT,
        .serial = 0,
        .status = MESSAGE_OK,
    };
    return session_send(s, &hdr, NULL, NULL);
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
    return dispatch_send_error(s, hdr);
}

/* One whole frame from the client. Returns 0 to carry on, -1 to drop it. */
static int session_handle_frame(struct session *s, const unsigned char *frame, size_t len)
{
    struct message_header hdr;

    if (message_decode_header(frame, len, &hdr) < 0)
        return -1;
    s->pings_unanswered = 0;

    if (hdr.prog == MESSAGE_PROGRAM_KEEPALIVE && hdr.vers == 1 && hdr.type == MESSAGE_EVENT) {
        if (hdr.proc == KEEPALIVE_PROC_PING)
            return send_keepalive(s, KEEPALIVE_PROC_PONG);
        return 0; /* a pong, or an unknown keepalive message: nothing to answer */
    }
    if (hdr.type != MESSAGE_CALL) {
        /* Replies, stream data and events from a client have nothing to
         * answer; libvirtd ignores them too. */
        log_warn("client %s: ignoring message of type %d for procedure %d", s->opt.peer,
                 hdr.type, hdr.proc);
        return 0;
    }
    if (hdr.prog != MESSAGE_PROGRAM_REMOTE || hdr.vers != REMOTE_PROTOCOL_VERSION)
        return reply_rpc_error(s, &hdr, "Cannot find program %u version %u", hdr.prog,
                               hdr.vers);
    if (hdr.status != MESSAGE_OK)
        return reply_rpc_error(s, &hdr, "Unexpected message status %d", hdr.status);
    if (s->opt.deny) {
        /* A peer the configuration refuses learns why from its first
         * call's reply, then the connection ends. */
        error_report(ERR_AUTH_FAILED, FROM_RPC, "%s", s->opt.deny);
        dispatch_send_error(s, &hdr);
        return -1;
    }
    if (dispatch_call(s, &hdr, frame, len) < 0)
        return -1;
    return dispatch_flush_events(s);
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

static int session_poll_timeout(const struct session *s)
{
    long long md = message_deadline(s), kd = keepalive_deadline(s), due, now;

    due = md < 0 ? kd : kd < 0 ? md : md < kd ? md : kd;
    if (due < 0)
        return -1;
    now = clock_mono_ms();
    return due <= now ? 0 : due - now > INT_MAX ? INT_MAX : (int)(due - now);
}

/* Nothing came for a keepalive interval: ping, or give up on a silent peer. */
static int session_idle(struct session *s)
{
    if (s->pings_unanswered >= s->opt.keepalive_count) {
        log_warn("client %s: no answer to %d keepalive pings, closing", s->opt.peer,
                 s->pings_unanswered);
        return -1;
    }
    s->pings_unanswered++;
    s->last_ka_ms = clock_mono_ms();
    return send_keepalive(s, KEEPALIVE_PROC_PING);
}

/* Watches the connection for up to `us` microseconds without sleeping;
 * 1 when it is ready, 0 when the time ran out, -1 on error. A client's
 * next call usually follows our reply within microseconds, and a process
 * asleep in poll() is woken on an idle CPU, which on a virtual machine
 * (the vCPU halted) costs tens of microseconds per message. Each turn
 * yields the CPU, so on a busy machine the other runnable work goes
 * first. */
static int spin_wait(struct pollfd *pfd, int us)
{
    long long end = clock_mono_us() + us;
    int n;

    while ((n = poll(pfd, 1, 0)) == 0 && clock_mono_us() < end)
        sched_yield();
    return n;
}

static void session_cleanup(struct session *s)
{
    if (s->conn)
        s->drv->close(s->conn);
    for (size_t i = 0; i < s->nevents; i++)
        drv_dom_id_clear(&s->events[i].dom);
    free(s->events);
    free(s->uri);
    msgbuf_free(&s->out);
    channel_free(s->ch);
    error_clear();
}

int session_run(struct channel *ch, const struct session_options *opt)
{
    struct session s = {.ch = ch, .opt = *opt};
    int r = -1;

    s.last_ka_ms = s.msg_start_ms = clock_mono_ms();
    if (s.opt.message_timeout > 0)
        channel_set_write_timeout(ch, s.opt.message_timeout * 1000);

    for (;;) {
        const unsigned char *frame = NULL;
        long flen;

        while ((flen = channel_next_frame(ch, &frame)) > 0) {
            s.got_message = true;
            if (session_handle_frame(&s, frame, (size_t)flen) < 0)
                goto out;
            channel_consume(ch, (size_t)flen);
            if (s.closing) {
                r = 0;
                goto out;
            }
        }
        if (flen < 0) {
            log_warn("client %s: frame length outside %d..%d, closing", s.opt.peer,
                     MESSAGE_LEN_MIN, MESSAGE_LEN_MAX);
            goto out;
        }

        struct pollfd pfd = {.fd = channel_read_fd(ch), .events = POLLIN};
        int timeout = session_poll_timeout(&s), n = 0;
        if (s.opt.spin_wait_us > 0 && timeout != 0)
            n = spin_wait(&pfd, s.opt.spin_wait_us);
        if (n == 0)
            n = poll(&pfd, 1, timeout);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            log_error("poll: %s", strerror(errno));
            goto out;
        }
        if (n == 0) {
            long long md = message_deadline(&s), kd = keepalive_deadline(&s), now = clock_mono_ms();
            if (md >= 0 && now >= md) {
                log_warn("client %s: %s within message_timeout (%d s), closing", s.opt.peer,
                         s.got_message ? "a message did not arrive whole"
                                       : "no whole message arrived",
                         s.opt.message_timeout);
                goto out;
            }
            if (kd >= 0 && now >= kd && session_idle(&s) < 0)
                goto out;
            continue;
        }
        bool was_empty = channel_pending(ch) == 0;
        ssize_t got = channel_fill(ch);
        if (got > 0) {
            s.last_ka_ms = clock_mono_ms();
            if (was_empty)
                s.msg_start_ms = s.last_ka_ms;
        }
        if (got < 0) {
            if (errno == EAGAIN)
                continue;
            if (errno == ECONNRESET)
                r = 0; /* the client vanished (killed, or reset): it hung up */
            else
                log_warn("client %s: %s", s.opt.peer, channel_failure());
            goto out;
        }
        if (got == 0) {
            if (channel_pending(ch) > 0)
                log_warn("client %s: hung up in the middle of a frame (%zu bytes)",
                         s.opt.peer, channel_pending(ch));
            r = 0;
            goto out;
        }
    }
out:
    if (s.peer_gone)
        r = 0;
    session_cleanup(&s);
    return r;
}

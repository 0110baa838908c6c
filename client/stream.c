/* stream: libvirt's streams in libvirt.so. A stream is made with
 * virStreamNew and handed to a call that opens it (virDomainScreenshot,
 * virStorageVolUpload and Download, virDomainOpenConsole and OpenChannel);
 * from the reply on, STREAM frames of that call's procedure and serial
 * carry the data both ways: the server's data (an empty one is its end),
 * holes of a sparse stream, its error; the client's data, then OK to
 * finish or ERROR to abort, which the server confirms with an empty OK
 * (or, for a finish it refuses, an error reply). What the server sends is
 * queued on the stream as the connection reads it, whoever reads it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "conn.h"
#include "wire.h"

/* The data of one STREAM frame at most, as libvirt sends it. */
#define STREAM_CHUNK 262120


#define CHECK_STREAM(st, fail)                                                           \
    do {                                                                                 \
        api_enter();                                                                     \
        if (!(st) || !(st)->conn) {                                                      \
            api_invalid_object(__func__, VIR_ERR_INVALID_STREAM, VIR_FROM_STREAMS);      \
            api_fail(NULL);                                                              \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

virStreamPtr virStreamNew(virConnectPtr conn, unsigned int flags)
{
    virStreamPtr st;

    CHECK_CONN(conn, NULL);
    st = calloc(1, sizeof(*st));
    if (!st) {
        error_report(ERR_NO_MEMORY, VIR_FROM_STREAMS, NULL);
        api_fail(conn);
        return NULL;
    }
    st->refs = 1;
    st->conn = conn;
    st->flags = flags;
    st->cb_timer = -1;
    __atomic_add_fetch(&conn->refs, 1, __ATOMIC_SEQ_CST);
    return st;
}

int virStreamRef(virStreamPtr st)
{
    CHECK_STREAM(st, -1);
    __atomic_add_fetch(&st->refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static void free_chunks(virStreamPtr st)
{
    while (st->head) {
        struct stream_chunk *c = st->head;
        st->head = c->next;
        free(c);
    }
    st->tail = NULL;
    st->queued = 0;
}

/* ---- what the connection reads for a stream (lock held) ---- */

static void update_timer_locked(virStreamPtr st);

static void push_chunk(virStreamPtr st, struct stream_chunk *c)
{
    if (st->tail)
        st->tail->next = c;
    else
        st->head = c;
    st->tail = c;
}

int stream_take_frame(virConnectPtr conn, const struct message_header *hdr,
                      const unsigned char *frame, size_t len)
{
    virStreamPtr st = conn->streams;
    size_t body = len - MESSAGE_LEN_MIN;

    while (st && !(st->proc == hdr->proc && st->serial == hdr->serial))
        st = st->next;
    if (!st)
        return 0;
    if (hdr->type == MESSAGE_REPLY) {
        /* The server refused the finish (or the abort). */
        if (hdr->status == MESSAGE_ERROR) {
            struct error saved;
            error_save(&saved);
            conn_error_from_frame(frame, len);
            error_save(&st->err);
            error_restore(&saved);
            st->failed = 1;
        }
        st->finished = 1;
    } else if (hdr->type == MESSAGE_STREAM_HOLE) {
        long long hole = 0;
        struct stream_chunk *c;
        if (body != 12 || !(c = calloc(1, sizeof(*c))))
            return 1;
        for (int i = 0; i < 8; i++)
            hole = (long long)((unsigned long long)hole << 8 | frame[MESSAGE_LEN_MIN + i]);
        if (hole <= 0) {
            free(c);
            return 1;
        }
        c->hole_len = hole;
        push_chunk(st, c);
    } else if (hdr->status == MESSAGE_CONTINUE && body == 0) {
        st->eof = 1;
    } else if (hdr->status == MESSAGE_CONTINUE) {
        struct stream_chunk *c = malloc(sizeof(*c) + body);
        if (!c)
            return 1;
        *c = (struct stream_chunk){.len = body};
        memcpy(c->data, frame + MESSAGE_LEN_MIN, body);
        push_chunk(st, c);
        st->queued += body;
    } else if (hdr->status == MESSAGE_OK) {
        st->finished = 1;
        st->eof = 1;
    } else {
        struct error saved;
        error_save(&saved);
        conn_error_from_frame(frame, len);
        error_save(&st->err);
        error_restore(&saved);
        st->failed = 1;
        st->eof = 1;
    }
    update_timer_locked(st);
    return 1;
}

/* ---- sending ---- */

static int check_open(virStreamPtr st)
{
    if (!st->opened) {
        error_report(ERR_OPERATION_FAILED, VIR_FROM_RPC, "%s", "stream is closed");
        return -1;
    }
    if (st->failed) {
        error_set(&st->err);
        return -1;
    }
    return 0;
}

int virStreamSend(virStreamPtr st, const char *data, size_t nbytes)
{
    virConnectPtr conn;
    size_t off = 0;
    int rc = 0;

    CHECK_STREAM(st, -1);
    conn = st->conn;
    CHECK_ARG(conn, data, -1);
    pthread_mutex_lock(&conn->lock);
    /* An error the server sent meanwhile comes first. */
    if (check_open(st) < 0) {
        rc = -1;
    } else {
        /* Nothing to send is not an empty frame: that would be an end. */
        while (off < nbytes) {
            size_t n = nbytes - off > STREAM_CHUNK ? STREAM_CHUNK : nbytes - off;
            if (conn_stream_send_locked(conn, st, MESSAGE_STREAM, MESSAGE_CONTINUE, data + off,
                                        n) < 0) {
                rc = -1;
                break;
            }
            off += n;
        }
    }
    pthread_mutex_unlock(&conn->lock);
    if (rc < 0) {
        api_fail(conn);
        return -1;
    }
    return (int)(nbytes > (size_t)INT32_MAX ? INT32_MAX : nbytes);
}

int virStreamSendHole(virStreamPtr st, long long length, unsigned int flags)
{
    virConnectPtr conn;
    unsigned char body[12];
    int rc;

    CHECK_STREAM(st, -1);
    conn = st->conn;
    if (length < 0) {
        error_report(ERR_INVALID_ARG, VIR_FROM_STREAMS,
                     "length in %s must be greater than or equal to zero", __func__);
        api_fail(conn);
        return -1;
    }
    for (int i = 0; i < 8; i++)
        body[i] = (unsigned char)((unsigned long long)length >> (56 - 8 * i));
    for (int i = 0; i < 4; i++)
        body[8 + i] = (unsigned char)(flags >> (24 - 8 * i));
    pthread_mutex_lock(&conn->lock);
    rc = check_open(st);
    if (rc == 0)
        rc = conn_stream_send_locked(conn, st, MESSAGE_STREAM_HOLE, MESSAGE_CONTINUE, body,
                                     sizeof(body));
    pthread_mutex_unlock(&conn->lock);
    if (rc < 0) {
        api_fail(conn);
        return -1;
    }
    return 0;
}

/* ---- receiving ---- */

static int has_input(virStreamPtr st)
{
    return st->head || st->eof || st->failed || st->finished || !st->opened;
}

/* Copies what is queued into data, up to nbytes: data up to a hole (zeros
 * for a hole unless stop_at_hole). Returns the bytes copied, -3 at a hole
 * when stopping there, 0 at the end, -1 with the error recorded. */
static int take(virStreamPtr st, char *data, size_t nbytes, int stop_at_hole)
{
    size_t got = 0;

    while (got < nbytes && st->head) {
        struct stream_chunk *c = st->head;
        if (c->hole_len) {
            if (stop_at_hole) {
                if (got)
                    break;
                return -3;
            }
            size_t n = (size_t)c->hole_len < nbytes - got ? (size_t)c->hole_len : nbytes - got;
            memset(data + got, 0, n);
            got += n;
            c->hole_len -= (long long)n;
            if (c->hole_len)
                break;
        } else {
            size_t n = c->len - c->off < nbytes - got ? c->len - c->off : nbytes - got;
            memcpy(data + got, c->data + c->off, n);
            c->off += n;
            got += n;
            st->queued -= n;
            if (c->off < c->len)
                break;
        }
        st->head = c->next;
        if (!st->head)
            st->tail = NULL;
        free(c);
        if (stop_at_hole && st->head && st->head->hole_len)
            break;
    }
    if (got)
        return (int)got;
    if (st->failed)
        return check_open(st);
    return 0;
}

static int recv_common(virStreamPtr st, char *data, size_t nbytes, unsigned int flags)
{
    virConnectPtr conn = st->conn;
    int rc;

    if (nbytes > INT32_MAX)
        nbytes = INT32_MAX;
    pthread_mutex_lock(&conn->lock);
    if (!st->opened && !st->head) {
        rc = check_open(st);
    } else {
        rc = 0;
        if (!has_input(st))
            rc = conn_stream_wait_locked(conn, st, has_input, st->flags & VIR_STREAM_NONBLOCK);
        if (rc == 0) {
            if (!st->head && !st->eof && !st->failed) {
                rc = -2; /* nothing yet, and the stream does not block */
            } else {
                rc = take(st, data, nbytes, flags & VIR_STREAM_RECV_STOP_AT_HOLE);
            }
        }
    }
    update_timer_locked(st);
    pthread_mutex_unlock(&conn->lock);
    if (rc == -1)
        api_fail(conn);
    return rc;
}

int virStreamRecv(virStreamPtr st, char *data, size_t nbytes)
{
    CHECK_STREAM(st, -1);
    CHECK_ARG(st->conn, data, -1);
    return recv_common(st, data, nbytes, 0);
}

int virStreamRecvFlags(virStreamPtr st, char *data, size_t nbytes, unsigned int flags)
{
    CHECK_STREAM(st, -1);
    CHECK_ARG(st->conn, data, -1);
    if (flags & ~(unsigned int)VIR_STREAM_RECV_STOP_AT_HOLE) {
        error_report(ERR_INVALID_ARG, VIR_FROM_STREAMS, "%s: unsupported flags (0x%x)",
                     __func__, flags & ~(unsigned int)VIR_STREAM_RECV_STOP_AT_HOLE);
        api_fail(st->conn);
        return -1;
    }
    return recv_common(st, data, nbytes, flags);
}

int virStreamRecvHole(virStreamPtr st, long long *length, unsigned int flags)
{
    virConnectPtr conn;
    int rc = 0;

    CHECK_STREAM(st, -1);
    conn = st->conn;
    CHECK_ARG(conn, length, -1);
    (void)flags;
    pthread_mutex_lock(&conn->lock);
    if (st->head && st->head->hole_len) {
        struct stream_chunk *c = st->head;
        *length = c->hole_len;
        st->head = c->next;
        if (!st->head)
            st->tail = NULL;
        free(c);
    } else {
        *length = 0;
    }
    pthread_mutex_unlock(&conn->lock);
    return rc;
}

int virStreamInData(virStreamPtr st, int *inData, long long *length)
{
    CHECK_STREAM(st, -1);
    CHECK_ARG(st->conn, inData, -1);
    CHECK_ARG(st->conn, length, -1);
    /* Only a local stream knows: libvirt's remote streams refuse it too. */
    error_report(ERR_NO_SUPPORT, VIR_FROM_STREAMS, "%s", __func__);
    api_fail(st->conn);
    return -1;
}

/* ---- the whole-stream helpers ---- */

int virStreamSendAll(virStreamPtr st, virStreamSourceFunc handler, void *opaque)
{
    char *buf;
    int rc = -1;

    CHECK_STREAM(st, -1);
    CHECK_ARG(st->conn, handler, -1);
    if (st->flags & VIR_STREAM_NONBLOCK) {
        error_report(ERR_OPERATION_INVALID, VIR_FROM_STREAMS, "%s",
                     "data sources cannot be used for non-blocking streams");
        api_fail(st->conn);
        return -1;
    }
    if (!(buf = malloc(STREAM_CHUNK))) {
        error_report(ERR_NO_MEMORY, VIR_FROM_STREAMS, NULL);
        api_fail(st->conn);
        return -1;
    }
    for (;;) {
        int got = handler(st, buf, STREAM_CHUNK, opaque);
        if (got < 0) {
            virStreamAbort(st);
            goto out;
        }
        if (got == 0)
            break;
        if (virStreamSend(st, buf, (size_t)got) < 0)
            goto out;
    }
    rc = 0;
out:
    free(buf);
    return rc;
}

int virStreamSparseSendAll(virStreamPtr st, virStreamSourceFunc handler,
                           virStreamSourceHoleFunc holeHandler,
                           virStreamSourceSkipFunc skipHandler, void *opaque)
{
    char *buf;
    int rc = -1;
    long long data_left = 0;

    CHECK_STREAM(st, -1);
    CHECK_ARG(st->conn, handler, -1);
    CHECK_ARG(st->conn, holeHandler, -1);
    CHECK_ARG(st->conn, skipHandler, -1);
    if (st->flags & VIR_STREAM_NONBLOCK) {
        error_report(ERR_OPERATION_INVALID, VIR_FROM_STREAMS, "%s",
                     "data sources cannot be used for non-blocking streams");
        api_fail(st->conn);
        return -1;
    }
    if (!(buf = malloc(STREAM_CHUNK))) {
        error_report(ERR_NO_MEMORY, VIR_FROM_STREAMS, NULL);
        api_fail(st->conn);
        return -1;
    }
    for (;;) {
        int in_data = 0;
        long long section = 0;
        size_t want = STREAM_CHUNK;

        if (data_left == 0) {
            if (holeHandler(st, &in_data, &section, opaque) < 0)
                goto abort;
            if (!in_data && section) {
                if (virStreamSendHole(st, section, 0) < 0 ||
                    skipHandler(st, section, opaque) < 0)
                    goto abort;
                continue;
            }
            data_left = section;
        }
        if (data_left > 0 && (unsigned long long)data_left < want)
            want = (size_t)data_left;
        int got = handler(st, buf, want, opaque);
        if (got < 0)
            goto abort;
        if (got == 0)
            break;
        data_left -= got;
        if (data_left < 0)
            data_left = 0;
        if (virStreamSend(st, buf, (size_t)got) < 0)
            goto out;
    }
    rc = 0;
    goto out;
abort:
    virStreamAbort(st);
out:
    free(buf);
    return rc;
}

static int recv_all(virStreamPtr st, virStreamSinkFunc handler,
                    virStreamSinkHoleFunc holeHandler, void *opaque)
{
    char *buf;
    int rc = -1;

    if (st->flags & VIR_STREAM_NONBLOCK) {
        error_report(ERR_OPERATION_INVALID, VIR_FROM_STREAMS, "%s",
                     "data sinks cannot be used for non-blocking streams");
        api_fail(st->conn);
        return -1;
    }
    if (!(buf = malloc(STREAM_CHUNK))) {
        error_report(ERR_NO_MEMORY, VIR_FROM_STREAMS, NULL);
        api_fail(st->conn);
        return -1;
    }
    for (;;) {
        int got = virStreamRecvFlags(st, buf, STREAM_CHUNK,
                                     holeHandler ? VIR_STREAM_RECV_STOP_AT_HOLE : 0);
        if (got == -3) {
            long long hole = 0;
            if (virStreamRecvHole(st, &hole, 0) < 0 || holeHandler(st, hole, opaque) < 0)
                goto abort;
            continue;
        }
        if (got < 0)
            goto out;
        if (got == 0)
            break;
        for (int off = 0; off < got;) {
            int n = handler(st, buf + off, (size_t)(got - off), opaque);
            if (n <= 0)
                goto abort;
            off += n;
        }
    }
    rc = 0;
    goto out;
abort:
    virStreamAbort(st);
out:
    free(buf);
    return rc;
}

int virStreamRecvAll(virStreamPtr st, virStreamSinkFunc handler, void *opaque)
{
    CHECK_STREAM(st, -1);
    CHECK_ARG(st->conn, handler, -1);
    return recv_all(st, handler, NULL, opaque);
}

int virStreamSparseRecvAll(virStreamPtr st, virStreamSinkFunc handler,
                           virStreamSinkHoleFunc holeHandler, void *opaque)
{
    CHECK_STREAM(st, -1);
    CHECK_ARG(st->conn, handler, -1);
    CHECK_ARG(st->conn, holeHandler, -1);
    return recv_all(st, handler, holeHandler, opaque);
}

/* ---- ending ---- */

static int finished(virStreamPtr st)
{
    return st->finished || st->failed || !st->opened;
}

/* Sends OK (finish) or ERROR (abort) and waits for the server's answer. */
static int end_stream(virStreamPtr st, int status)
{
    virConnectPtr conn = st->conn;
    int rc;

    pthread_mutex_lock(&conn->lock);
    if (!st->opened) {
        rc = check_open(st);
    } else if (status == MESSAGE_OK && st->failed) {
        rc = check_open(st);
        conn_stream_forget_locked(conn, st);
    } else {
        st->finished = 0;
        rc = conn_stream_send_locked(conn, st, MESSAGE_STREAM, status, NULL, 0);
        if (rc == 0)
            rc = conn_stream_wait_locked(conn, st, finished, 0);
        if (rc == 0 && st->failed && status == MESSAGE_OK)
            rc = check_open(st);
        conn_stream_forget_locked(conn, st);
    }
    free_chunks(st);
    update_timer_locked(st);
    pthread_mutex_unlock(&conn->lock);
    if (rc < 0)
        api_fail(conn);
    return rc;
}

int virStreamFinish(virStreamPtr st)
{
    CHECK_STREAM(st, -1);
    return end_stream(st, MESSAGE_OK);
}

int virStreamAbort(virStreamPtr st)
{
    CHECK_STREAM(st, -1);
    if (!st->opened) {
        /* Never opened, or over: nothing to tell the server. */
        return 0;
    }
    return end_stream(st, MESSAGE_ERROR);
}

/* ---- event callbacks ---- */

/* What the callback may see now: readable when data, an end or an error
 * is queued; writable while open (sends never wait for the server). */
static int ready_events(virStreamPtr st)
{
    int ev = 0;

    if (st->head || st->eof || st->failed)
        ev |= VIR_STREAM_EVENT_READABLE;
    if (st->opened && !st->eof)
        ev |= VIR_STREAM_EVENT_WRITABLE;
    if (st->failed)
        ev |= VIR_STREAM_EVENT_ERROR;
    if (st->eof && !st->head && !st->failed)
        ev |= VIR_STREAM_EVENT_HANGUP;
    return ev;
}

static void update_timer_locked(virStreamPtr st)
{
    if (st->cb_timer < 0)
        return;
    int due = st->cb && (ready_events(st) & (st->cb_events | VIR_STREAM_EVENT_ERROR |
                                              VIR_STREAM_EVENT_HANGUP));
    virEventUpdateTimeout(st->cb_timer, due ? 0 : -1);
}

/* One registration, the timer's: its free callback runs in the event
 * loop's thread once the timer is gone, after any run of the callback, so
 * that is where the application's free callback goes too. */
struct stream_reg {
    virStreamPtr st;
    virFreeCallback ff;
    void *opaque;
};

static void stream_timer_cb(int timer, void *opaque)
{
    struct stream_reg *reg = opaque;
    virStreamPtr st = reg->st;
    virConnectPtr conn = st->conn;
    virStreamEventCallback cb;
    int events;

    (void)timer;
    pthread_mutex_lock(&conn->lock);
    /* Take what has come since the connection was last read. */
    if (st->opened && !conn->dead)
        conn_stream_wait_locked(conn, st, has_input, 1);
    error_clear();
    events = ready_events(st) & (st->cb_events | VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP);
    /* A callback removed (or replaced) meanwhile is not this one's. */
    cb = st->cb_timer == timer ? st->cb : NULL;
    if (!events && st->cb_timer == timer)
        virEventUpdateTimeout(timer, -1);
    pthread_mutex_unlock(&conn->lock);
    if (cb && events)
        cb(st, events, reg->opaque);
    pthread_mutex_lock(&conn->lock);
    if (st->cb_timer == timer)
        update_timer_locked(st);
    pthread_mutex_unlock(&conn->lock);
}

static void stream_timer_free(void *opaque)
{
    struct stream_reg *reg = opaque;

    if (reg->ff)
        reg->ff(reg->opaque);
    virStreamFree(reg->st);
    free(reg);
}

int virStreamEventAddCallback(virStreamPtr st, int events, virStreamEventCallback cb,
                              void *opaque, virFreeCallback ff)
{
    virConnectPtr conn;
    struct stream_reg *reg;
    int timer;

    CHECK_STREAM(st, -1);
    conn = st->conn;
    CHECK_ARG(conn, cb, -1);
    if (!event_impl_registered()) {
        error_report(ERR_INTERNAL_ERROR, VIR_FROM_STREAMS, "%s", "no event loop registered");
        api_fail(conn);
        return -1;
    }
    pthread_mutex_lock(&conn->lock);
    if (st->cb) {
        pthread_mutex_unlock(&conn->lock);
        error_report(ERR_INTERNAL_ERROR, VIR_FROM_STREAMS, "%s",
                     "multiple stream callbacks not supported");
        api_fail(conn);
        return -1;
    }
    pthread_mutex_unlock(&conn->lock);
    if (!(reg = malloc(sizeof(*reg)))) {
        error_report(ERR_NO_MEMORY, VIR_FROM_STREAMS, NULL);
        api_fail(conn);
        return -1;
    }
    *reg = (struct stream_reg){st, ff, opaque};
    __atomic_add_fetch(&st->refs, 1, __ATOMIC_SEQ_CST);
    timer = virEventAddTimeout(-1, stream_timer_cb, reg, stream_timer_free);
    if (timer < 0) {
        free(reg);
        virStreamFree(st);
        api_fail(conn);
        return -1;
    }
    pthread_mutex_lock(&conn->lock);
    st->cb = cb;
    st->cb_opaque = opaque;
    st->cb_free = ff;
    st->cb_events = events;
    st->cb_timer = timer;
    update_timer_locked(st);
    pthread_mutex_unlock(&conn->lock);
    return 0;
}

int virStreamEventUpdateCallback(virStreamPtr st, int events)
{
    CHECK_STREAM(st, -1);
    pthread_mutex_lock(&st->conn->lock);
    if (!st->cb) {
        pthread_mutex_unlock(&st->conn->lock);
        error_report(ERR_INTERNAL_ERROR, VIR_FROM_STREAMS, "%s", "no stream callback registered");
        api_fail(st->conn);
        return -1;
    }
    st->cb_events = events;
    update_timer_locked(st);
    pthread_mutex_unlock(&st->conn->lock);
    return 0;
}

int virStreamEventRemoveCallback(virStreamPtr st)
{
    int timer;

    CHECK_STREAM(st, -1);
    pthread_mutex_lock(&st->conn->lock);
    if (!st->cb) {
        pthread_mutex_unlock(&st->conn->lock);
        error_report(ERR_INTERNAL_ERROR, VIR_FROM_STREAMS, "%s", "no stream callback registered");
        api_fail(st->conn);
        return -1;
    }
    timer = st->cb_timer;
    st->cb = NULL;
    st->cb_free = NULL;
    st->cb_timer = -1;
    pthread_mutex_unlock(&st->conn->lock);
    /* The free callback runs when the loop lets go of the timer. */
    if (timer >= 0)
        virEventRemoveTimeout(timer);
    return 0;
}

int virStreamFree(virStreamPtr st)
{
    virConnectPtr conn;

    CHECK_STREAM(st, -1);
    if (__atomic_sub_fetch(&st->refs, 1, __ATOMIC_SEQ_CST) != 0)
        return 0;
    conn = st->conn;
    pthread_mutex_lock(&conn->lock);
    if (st->opened)
        conn_stream_forget_locked(conn, st);
    free_chunks(st);
    pthread_mutex_unlock(&conn->lock);
    error_free_fields(&st->err);
    free(st);
    conn_release(conn);
    return 0;
}

/* ---- the calls that open a stream ---- */

static int check_stream_arg(virConnectPtr conn, virStreamPtr st, const char *func)
{
    if (!st || st->conn != conn) {
        api_invalid_object(func, VIR_ERR_INVALID_STREAM, VIR_FROM_STREAMS);
        return -1;
    }
    if (st->opened) {
        error_report(ERR_OPERATION_INVALID, VIR_FROM_STREAMS, "%s", "stream is already open");
        return -1;
    }
    st->eof = st->finished = st->failed = 0;
    error_free_fields(&st->err);
    return 0;
}

char *virDomainScreenshot(virDomainPtr dom, virStreamPtr st, unsigned int screen,
                          unsigned int flags)
{
    remote_domain_screenshot_args a;
    remote_domain_screenshot_ret r;
    char *mime = NULL;

    CHECK_DOM(dom, NULL);
    CHECK_WRITE(dom->conn, NULL);
    if (check_stream_arg(dom->conn, st, __func__) < 0) {
        api_fail(dom->conn);
        return NULL;
    }
    a.dom = wire_dom(dom);
    a.screen = screen;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (conn_call_stream(dom->conn, REMOTE_PROC_DOMAIN_SCREENSHOT, XA(remote_domain_screenshot_args),
                         &a, XA(remote_domain_screenshot_ret), &r, st) < 0) {
        api_fail(dom->conn);
        return NULL;
    }
    if (r.mime) {
        mime = *r.mime;
        *r.mime = NULL;
    }
    xdr_free(XA(remote_domain_screenshot_ret), (char *)&r);
    return mime;
}

static int vol_transfer(virStorageVolPtr vol, virStreamPtr st, unsigned long long offset,
                        unsigned long long length, unsigned int flags, int proc,
                        const char *func)
{
    remote_storage_vol_upload_args a;

    CHECK_WRITE(vol->conn, -1);
    if (check_stream_arg(vol->conn, st, func) < 0) {
        api_fail(vol->conn);
        return -1;
    }
    a.vol = wire_vol(vol);
    a.offset = offset;
    a.length = length;
    a.flags = flags;
    /* Upload's and download's arguments are laid out alike. */
    if (conn_call_stream(vol->conn, proc, XA(remote_storage_vol_upload_args), &a, NULL, NULL,
                         st) < 0) {
        api_fail(vol->conn);
        return -1;
    }
    return 0;
}

int virStorageVolUpload(virStorageVolPtr vol, virStreamPtr st, unsigned long long offset,
                        unsigned long long length, unsigned int flags)
{
    CHECK_VOL(vol, -1);
    return vol_transfer(vol, st, offset, length, flags, REMOTE_PROC_STORAGE_VOL_UPLOAD,
                        __func__);
}

int virStorageVolDownload(virStorageVolPtr vol, virStreamPtr st, unsigned long long offset,
                          unsigned long long length, unsigned int flags)
{
    CHECK_VOL(vol, -1);
    return vol_transfer(vol, st, offset, length, flags, REMOTE_PROC_STORAGE_VOL_DOWNLOAD,
                        __func__);
}

int virDomainOpenConsole(virDomainPtr dom, const char *dev_name, virStreamPtr st,
                         unsigned int flags)
{
    remote_domain_open_console_args a;
    char *name = (char *)dev_name;

    CHECK_DOM(dom, -1);
    CHECK_WRITE(dom->conn, -1);
    if (check_stream_arg(dom->conn, st, __func__) < 0) {
        api_fail(dom->conn);
        return -1;
    }
    a.dom = wire_dom(dom);
    a.dev_name = dev_name ? &name : NULL;
    a.flags = flags;
    if (conn_call_stream(dom->conn, REMOTE_PROC_DOMAIN_OPEN_CONSOLE,
                         XA(remote_domain_open_console_args), &a, NULL, NULL, st) < 0) {
        api_fail(dom->conn);
        return -1;
    }
    return 0;
}

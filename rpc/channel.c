#include "channel.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "message.h"

#define CHANNEL_READ_CHUNK 65536

struct channel {
    int rfd, wfd;
    unsigned char *in;
    size_t start; /* first unconsumed byte */
    size_t end;   /* one past the last received byte */
    size_t cap;
    int wfd_plain;        /* wfd is not a socket: write(2), not send(2) */
    gnutls_session_t tls; /* NULL: plain */
    void (*tls_release)(void *);
    void *tls_release_opaque;
    int write_timeout_ms;        /* -1: a write waits for the peer for ever */
    long long write_deadline_ms; /* the write under way fails after this
                                    (monotonic ms); -1: none */
    int transport_errno;         /* why the fds failed under the gnutls call under
                                    way (not EAGAIN); 0: they did not */
};

struct channel *channel_new(int rfd, int wfd)
{
    struct channel *ch = calloc(1, sizeof(*ch));

    if (!ch)
        return NULL;
    ch->rfd = rfd;
    ch->wfd = wfd;
    ch->write_timeout_ms = -1;
    ch->write_deadline_ms = -1;
    return ch;
}

void channel_free(struct channel *ch)
{
    if (!ch)
        return;
    if (ch->tls)
        gnutls_deinit(ch->tls);
    if (ch->tls_release)
        ch->tls_release(ch->tls_release_opaque);
    if (ch->wfd >= 0 && ch->wfd != ch->rfd)
        close(ch->wfd);
    if (ch->rfd >= 0)
        close(ch->rfd);
    free(ch->in);
    free(ch);
}

int channel_read_fd(const struct channel *ch)
{
    return ch->rfd;
}

int channel_write_fd(const struct channel *ch)
{
    return ch->wfd;
}

size_t channel_pending(const struct channel *ch)
{
    return ch->end - ch->start;
}

/* Records a failed read or write (libvirt's words, as virNetSocket says
 * them) and leaves errno as it was. */
static void channel_report(const char *what, const char *reason)
{
    int saved = errno;

    error_report(ERR_SYSTEM_ERROR, FROM_RPC, "%s: %s", what, reason);
    errno = saved;
}

/* A failed gnutls call: when the fds failed under it (a reset, a closed
 * pipe; gnutls says "pull error", "push error" or, for a reset, "non-properly
 * terminated"), errno is theirs, as on a plain channel; otherwise it is EIO
 * and the record carries gnutls's reason. Returns -1. */
static int channel_tls_failed(struct channel *ch, const char *what, ssize_t err)
{
    if (ch->transport_errno) {
        errno = ch->transport_errno;
        channel_report(what, strerror(errno));
    } else {
        errno = EIO;
        channel_report(what, gnutls_strerror((int)err));
    }
    return -1;
}

/* Makes room for `need` bytes after ch->start, moving what is buffered to
 * the front first. */
static int channel_reserve(struct channel *ch, size_t need)
{
    if (ch->start > 0) {
        memmove(ch->in, ch->in + ch->start, ch->end - ch->start);
        ch->end -= ch->start;
        ch->start = 0;
    }
    if (ch->cap >= need)
        return 0;
    unsigned char *p = realloc(ch->in, need);
    if (!p)
        return -1;
    ch->in = p;
    ch->cap = need;
    return 0;
}

/* Reads application data into the buffer, then whatever gnutls still holds
 * decrypted: the session loop polls the fd, and a record already read from
 * it would otherwise wait for the next byte from the peer. */
static ssize_t channel_fill_tls(struct channel *ch)
{
    ssize_t n, total = 0;

    for (;;) {
        ch->transport_errno = 0;
        do
            n = gnutls_record_recv(ch->tls, ch->in + ch->end, ch->cap - ch->end);
        while (n == GNUTLS_E_INTERRUPTED);
        if (n < 0) {
            if (total > 0)
                break; /* report it on the next call */
            if (n == GNUTLS_E_AGAIN) {
                errno = EAGAIN;
                return -1;
            }
            /* A peer that closes its socket without close_notify has hung
             * up as surely as one that sends it; frames carry their own
             * length, so a cut-off frame is still noticed by the caller. */
            if (n == GNUTLS_E_PREMATURE_TERMINATION)
                return 0;
            return channel_tls_failed(ch, "Cannot recv data", n);
        }
        if (n == 0)
            return total;
        ch->end += (size_t)n;
        total += n;
        size_t more = gnutls_record_check_pending(ch->tls);
        if (more == 0)
            break;
        if (ch->cap - ch->end < more && channel_reserve(ch, ch->end - ch->start + more) < 0) {
            error_report(ERR_NO_MEMORY, FROM_RPC, NULL);
            errno = ENOMEM;
            return -1;
        }
    }
    return total;
}

ssize_t channel_fill(struct channel *ch)
{
    size_t have = ch->end - ch->start, room = ch->cap - ch->end;
    size_t want = CHANNEL_READ_CHUNK; /* room wanted after what is buffered */
    bool whole_frame = false;

    /* When a frame is partly in, the buffer grows for the rest of it only,
     * counting the part already in once: for a frame larger than a chunk
     * it then holds that frame and nothing more, and it never grows again
     * for the frame's last bytes (a realloc that copies, as
     * AddressSanitizer's does, would hold the frame twice). Its length was
     * checked by channel_next_frame already. */
    if (have >= MESSAGE_LEN_WORD) {
        long flen = message_frame_length(ch->in + ch->start);
        size_t rest = flen > 0 && (size_t)flen > have ? (size_t)flen - have : 0;
        if (rest > want) {
            want = rest;
            whole_frame = true;
        } else if (rest > 0 && room >= rest) {
            want = 0;
        }
    }
    if (want > 0 && room < (whole_frame ? want : want / 2)) {
        if (channel_reserve(ch, have + want) < 0) {
            error_report(ERR_NO_MEMORY, FROM_RPC, NULL);
            errno = ENOMEM;
            return -1;
        }
    }
    if (ch->tls)
        return channel_fill_tls(ch);
    ssize_t n;
    do
        n = read(ch->rfd, ch->in + ch->end, ch->cap - ch->end);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        ch->end += (size_t)n;
    if (n < 0 && errno != EAGAIN)
        channel_report("Cannot recv data", strerror(errno));
    return n;
}

long channel_next_frame(struct channel *ch, const unsigned char **frame)
{
    size_t have = ch->end - ch->start;

    if (have < MESSAGE_LEN_WORD)
        return 0;
    long flen = message_frame_length(ch->in + ch->start);
    if (flen < 0)
        return -1;
    if (have < (size_t)flen)
        return 0;
    *frame = ch->in + ch->start;
    return flen;
}

void channel_consume(struct channel *ch, size_t len)
{
    ch->start += len;
    if (ch->start == ch->end) {
        ch->start = ch->end = 0;
        /* Give back a buffer that grew for one large frame. */
        if (ch->cap > 4 * CHANNEL_READ_CHUNK) {
            free(ch->in);
            ch->in = NULL;
            ch->cap = 0;
        }
    }
}

void channel_set_write_timeout(struct channel *ch, int ms)
{
    ch->write_timeout_ms = ms;
}

/* Waits for the peer to make room (or send what TLS needs first). Within
 * channel_write the write timeout bounds the whole write, not each wait: a
 * peer that takes a little now and then, never letting one wait run out,
 * would otherwise hold the write for ever. Past the deadline: ETIMEDOUT.
 * Outside it (gnutls writing during its handshake) each wait is bounded. */
static int channel_wait(const struct channel *ch, int fd, short events)
{
    struct pollfd pfd = {.fd = fd, .events = events};
    int timeout = ch->write_timeout_ms, n;

    if (ch->write_deadline_ms >= 0) {
        long long left = ch->write_deadline_ms - clock_mono_ms();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        timeout = left > INT_MAX ? INT_MAX : (int)left;
    }
    n = poll(&pfd, 1, timeout);
    if (n < 0 && errno != EINTR)
        return -1;
    if (n == 0) {
        errno = ETIMEDOUT;
        return -1;
    }
    return 0;
}

/* One write to the peer. On a socket it is send(MSG_NOSIGNAL): a peer that
 * hung up is EPIPE, not a SIGPIPE that kills the process (libvirt.so runs
 * inside applications that keep SIGPIPE's default). Pipes get write(2). */
static ssize_t channel_send(struct channel *ch, const void *buf, size_t len)
{
    if (!ch->wfd_plain) {
        /* With a write timeout, never block inside send: the caller's
         * wait is the one that is bounded. */
        int flags = MSG_NOSIGNAL | (ch->write_timeout_ms >= 0 ? MSG_DONTWAIT : 0);
        ssize_t n = send(ch->wfd, buf, len, flags);
        if (n >= 0 || errno != ENOTSOCK)
            return n;
        ch->wfd_plain = 1;
    }
    if (ch->write_timeout_ms >= 0) {
        /* A pipe has no such flag: wait (bounded) for room, then write no
         * more than a pipe with room takes without blocking. */
        if (channel_wait(ch, ch->wfd, POLLOUT) < 0)
            return -1;
        if (len > PIPE_BUF)
            len = PIPE_BUF;
    }
    return write(ch->wfd, buf, len);
}

static int channel_write_tls(struct channel *ch, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ch->transport_errno = 0;
        ssize_t n = gnutls_record_send(ch->tls, p, len);
        if (n == GNUTLS_E_INTERRUPTED)
            continue;
        if (n == GNUTLS_E_AGAIN) {
            /* gnutls keeps the record it began; the retry repeats the same
             * arguments, as its manual asks. */
            int dir = gnutls_record_get_direction(ch->tls);
            if (channel_wait(ch, dir ? ch->wfd : ch->rfd, dir ? POLLOUT : POLLIN) < 0) {
                channel_report("Cannot write data", strerror(errno));
                return -1;
            }
            continue;
        }
        if (n < 0)
            return channel_tls_failed(ch, "Cannot write data", n);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int channel_write_plain(struct channel *ch, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = channel_send(ch, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                if (channel_wait(ch, ch->wfd, POLLOUT) < 0)
                    break;
                continue;
            }
            break;
        }
        p += n;
        len -= (size_t)n;
    }
    if (len == 0)
        return 0;
    channel_report("Cannot write data", strerror(errno));
    return -1;
}

int channel_write(struct channel *ch, const void *buf, size_t len)
{
    int r;

    ch->write_deadline_ms =
        ch->write_timeout_ms >= 0 ? clock_mono_ms() + ch->write_timeout_ms : -1;
    r = ch->tls ? channel_write_tls(ch, buf, len) : channel_write_plain(ch, buf, len);
    ch->write_deadline_ms = -1;
    return r;
}

/* gnutls's transport: the channel's own fds with read(2) and write(2) (send(2)
 * on a socket, see channel_send), so a TLS session runs over a pipe pair
 * (--stdio, inetd) as over a socket. */
static ssize_t channel_tls_pull(gnutls_transport_ptr_t opaque, void *buf, size_t len)
{
    struct channel *ch = opaque;
    ssize_t n;

    do
        n = read(ch->rfd, buf, len);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno != EAGAIN)
            ch->transport_errno = errno;
        gnutls_transport_set_errno(ch->tls, errno);
    }
    return n;
}

static ssize_t channel_tls_push(gnutls_transport_ptr_t opaque, const void *buf, size_t len)
{
    struct channel *ch = opaque;
    ssize_t n;

    do
        n = channel_send(ch, buf, len);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno != EAGAIN)
            ch->transport_errno = errno;
        gnutls_transport_set_errno(ch->tls, errno);
    }
    return n;
}

/* Waits up to ms milliseconds (GNUTLS_INDEFINITE_TIMEOUT: forever) for
 * input: > 0 readable, 0 timed out, -1 error. */
static int channel_tls_pull_timeout(gnutls_transport_ptr_t opaque, unsigned int ms)
{
    struct channel *ch = opaque;
    struct pollfd pfd = {.fd = ch->rfd, .events = POLLIN};
    int timeout = ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : ms > INT_MAX ? INT_MAX : (int)ms;
    int n;

    do
        n = poll(&pfd, 1, timeout);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        gnutls_transport_set_errno(ch->tls, errno);
    return n;
}

void channel_attach_tls(struct channel *ch, struct gnutls_session_int *tls,
                        void (*release)(void *), void *opaque)
{
    ch->tls = tls;
    ch->tls_release = release;
    ch->tls_release_opaque = opaque;
    gnutls_transport_set_ptr(tls, ch);
    gnutls_transport_set_pull_function(tls, channel_tls_pull);
    gnutls_transport_set_push_function(tls, channel_tls_push);
    gnutls_transport_set_pull_timeout_function(tls, channel_tls_pull_timeout);
}

struct gnutls_session_int *channel_tls(const struct channel *ch)
{
    return ch->tls;
}

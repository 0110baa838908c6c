#include "channel.h"

#include <errno.h>
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
    int wfd_plain; /* wfd is not a socket: write(2), not send(2) */
    const struct channel_layer *layer; /* NULL: plain */
    void *layer_state;
    int write_timeout_ms;        /* -1: a write waits for the peer for ever */
    long long write_deadline_ms; /* the write under way fails after this
                                    (monotonic ms); -1: none */
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
    if (ch->layer)
        ch->layer->free(ch->layer_state);
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

void channel_report(const char *what, const char *reason)
{
    int saved = errno;

    error_report(ERR_SYSTEM_ERROR, FROM_RPC, "%s: %s", what, reason);
    errno = saved;
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

unsigned char *channel_input_room(struct channel *ch, size_t *room)
{
    *room = ch->cap - ch->end;
    return ch->in + ch->end;
}

void channel_input_added(struct channel *ch, size_t n)
{
    ch->end += n;
}

int channel_input_reserve(struct channel *ch, size_t more)
{
    if (ch->cap - ch->end >= more)
        return 0;
    if (channel_reserve(ch, ch->end - ch->start + more) < 0) {
        error_report(ERR_NO_MEMORY, FROM_RPC, NULL);
        errno = ENOMEM;
        return -1;
    }
    return 0;
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
    if (ch->layer)
        return ch->layer->fill(ch, ch->layer_state);
    ssize_t n = channel_fd_read(ch, ch->in + ch->end, ch->cap - ch->end);
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

/* Within channel_write the write timeout bounds the whole write, not each
 * wait: a peer that takes a little now and then, never letting one wait
 * run out, would otherwise hold the write for ever. Outside it (gnutls
 * writing during its handshake) each wait is bounded. */
int channel_wait(const struct channel *ch, bool output)
{
    struct pollfd pfd = {.fd = output ? ch->wfd : ch->rfd, .events = output ? POLLOUT : POLLIN};
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
ssize_t channel_fd_read(struct channel *ch, void *buf, size_t len)
{
    ssize_t n;

    do
        n = read(ch->rfd, buf, len);
    while (n < 0 && errno == EINTR);
    return n;
}

ssize_t channel_send(struct channel *ch, const void *buf, size_t len)
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
        if (channel_wait(ch, true) < 0)
            return -1;
        if (len > PIPE_BUF)
            len = PIPE_BUF;
    }
    return write(ch->wfd, buf, len);
}

static int channel_write_plain(struct channel *ch, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = channel_send(ch, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                if (channel_wait(ch, true) < 0)
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
    r = ch->layer ? ch->layer->write(ch, ch->layer_state, buf, len)
                  : channel_write_plain(ch, buf, len);
    ch->write_deadline_ms = -1;
    return r;
}

void channel_attach_layer(struct channel *ch, const struct channel_layer *layer, void *state)
{
    ch->layer = layer;
    ch->layer_state = state;
}

void *channel_layer_state(const struct channel *ch, const struct channel_layer *layer)
{
    return ch->layer == layer ? ch->layer_state : NULL;
}

bool channel_layered(const struct channel *ch)
{
    return ch->layer != NULL;
}

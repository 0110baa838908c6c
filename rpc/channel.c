#include "channel.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "message.h"

#define CHANNEL_READ_CHUNK 65536

struct channel {
    int rfd, wfd;
    unsigned char *in;
    size_t start; /* first unconsumed byte */
    size_t end;   /* one past the last received byte */
    size_t cap;
};

struct channel *channel_new(int rfd, int wfd)
{
    struct channel *ch = calloc(1, sizeof(*ch));

    if (!ch)
        return NULL;
    ch->rfd = rfd;
    ch->wfd = wfd;
    return ch;
}

void channel_free(struct channel *ch)
{
    if (!ch)
        return;
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

size_t channel_pending(const struct channel *ch)
{
    return ch->end - ch->start;
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

ssize_t channel_fill(struct channel *ch)
{
    size_t want = CHANNEL_READ_CHUNK;
    size_t have = ch->end - ch->start;

    /* When a frame larger than the chunk is partly in, make room for all of
     * it; its length was checked by channel_next_frame already. */
    if (have >= MESSAGE_LEN_WORD) {
        long flen = message_frame_length(ch->in + ch->start);
        if (flen > 0 && (size_t)flen > want)
            want = (size_t)flen;
    }
    if (ch->cap - ch->end < want / 2 || ch->cap < want) {
        if (channel_reserve(ch, have + want) < 0) {
            errno = ENOMEM;
            return -1;
        }
    }
    ssize_t n;
    do
        n = read(ch->rfd, ch->in + ch->end, ch->cap - ch->end);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        ch->end += (size_t)n;
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

int channel_write(struct channel *ch, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    while (len > 0) {
        ssize_t n = write(ch->wfd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                struct pollfd pfd = {.fd = ch->wfd, .events = POLLOUT};
                if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
                    return -1;
                continue;
            }
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

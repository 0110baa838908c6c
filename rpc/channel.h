/* channel: one byte stream to the peer (a socket, or a read fd and a write
 * fd such as stdin/stdout or a child's pipes), read and written in whole
 * frames. Incoming bytes are buffered so that pipelined frames cost one
 * read; a frame's length word is checked before its buffer grows. */
#ifndef RPC_CHANNEL_H
#define RPC_CHANNEL_H

#include <stddef.h>
#include <sys/types.h>

struct channel;

/* Wraps rfd/wfd (they may be the same socket). The channel owns them and
 * closes them in channel_free. Returns NULL on allocation failure. */
struct channel *channel_new(int rfd, int wfd);

void channel_free(struct channel *ch);

/* The fd to poll for input. */
int channel_read_fd(const struct channel *ch);

/* Bytes already buffered (a frame may be waiting without the fd being
 * readable). */
size_t channel_pending(const struct channel *ch);

/* Reads what the peer has sent (once; blocks only if the fd is blocking).
 * Returns the number of bytes read, 0 at end of stream, -1 on error (errno
 * set; EAGAIN when nothing was there). */
ssize_t channel_fill(struct channel *ch);

/* If a whole frame is buffered, points *frame at it (length word included)
 * and returns its length; returns 0 when more bytes are needed and -1 when
 * the next length word is outside the limits (the peer must be dropped).
 * The frame stays valid until channel_consume. */
long channel_next_frame(struct channel *ch, const unsigned char **frame);

/* Drops the first `len` buffered bytes (the frame just handled). */
void channel_consume(struct channel *ch, size_t len);

/* Writes all of buf, waiting for the fd to drain when it is non-blocking.
 * Returns 0, or -1 on error (errno set). */
int channel_write(struct channel *ch, const void *buf, size_t len);

#endif

/* channel: one byte stream to the peer (a socket, or a read fd and a write
 * fd such as stdin/stdout or a child's pipes), read and written in whole
 * frames, in the clear or through a layer between it and its fds (TLS:
 * rpc/tls.c attaches one). Incoming bytes are buffered so that pipelined
 * frames cost one read; a frame's length word is checked before its
 * buffer grows. The channel itself knows nothing of TLS, so a program
 * without gnutls links it alone. */
#ifndef RPC_CHANNEL_H
#define RPC_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct channel;

/* Wraps rfd/wfd (they may be the same socket). The channel owns them and
 * closes them in channel_free. Returns NULL on allocation failure. */
struct channel *channel_new(int rfd, int wfd);

void channel_free(struct channel *ch);

/* The fd to poll for input. */
int channel_read_fd(const struct channel *ch);

/* The fd output goes to (the same as channel_read_fd for a socket). */
int channel_write_fd(const struct channel *ch);

/* Bytes already buffered (a frame may be waiting without the fd being
 * readable). With TLS, channel_fill leaves no decrypted data inside gnutls,
 * so "nothing pending and the fd not readable" still means "no input". */
size_t channel_pending(const struct channel *ch);

/* Reads what the peer has sent (once; blocks only if the fd is blocking;
 * with TLS it may block until the rest of a record that began arriving is
 * in). Returns the number of bytes read, 0 at end of stream (with TLS also
 * when the peer closed without a close_notify), -1 on error with errno set:
 * EAGAIN when nothing was there (nothing recorded); otherwise the error is
 * recorded (rpc/error.h), "Cannot recv data: REASON", and errno is the
 * fd's (ECONNRESET...), or EIO for a TLS failure, whose REASON is
 * gnutls's ("Decryption has failed."). */
ssize_t channel_fill(struct channel *ch);

/* If a whole frame is buffered, points *frame at it (length word included)
 * and returns its length; returns 0 when more bytes are needed and -1 when
 * the next length word is outside the limits (the peer must be dropped).
 * The frame stays valid until channel_consume. */
long channel_next_frame(struct channel *ch, const unsigned char **frame);

/* Drops the first `len` buffered bytes (the frame just handled). */
void channel_consume(struct channel *ch, size_t len);

/* Writes all of buf, waiting for the fd to drain when it is non-blocking;
 * a socket is written with MSG_NOSIGNAL, so a closed peer is EPIPE, never
 * SIGPIPE, with TLS as without. Returns 0, or -1 with errno set as for
 * channel_fill (ETIMEDOUT past the write timeout) and "Cannot write data:
 * REASON" recorded. */
int channel_write(struct channel *ch, const void *buf, size_t len);

/* How long one channel_write may take, however the peer paces its
 * reading, before it fails with ETIMEDOUT; -1 (the default) waits for
 * ever. */
void channel_set_write_timeout(struct channel *ch, int ms);

/* A layer between the channel and its fds (rpc/tls.c's TLS session).
 * Once attached, channel_fill and channel_write go through it, and
 * channel_free calls its free. */
struct channel_layer {
    /* Reads what the peer sent into the channel's buffer
     * (channel_input_room, channel_input_added); returns as channel_fill. */
    ssize_t (*fill)(struct channel *ch, void *state);
    /* Writes all of p, waiting with channel_wait; 0, or -1 with the failure
     * recorded (channel_report) and errno set. */
    int (*write)(struct channel *ch, void *state, const unsigned char *p, size_t len);
    void (*free)(void *state);
};

/* Attaches a layer on a channel nothing was read from yet. */
void channel_attach_layer(struct channel *ch, const struct channel_layer *layer, void *state);

/* The state of the attached layer if it is `layer`, else NULL. */
void *channel_layer_state(const struct channel *ch, const struct channel_layer *layer);

/* Whether a layer (TLS) is attached. */
bool channel_layered(const struct channel *ch);

/* For a layer: the buffer's free room (at least what channel_fill made),
 * bytes put there, and room for `more` bytes (-1, ENOMEM recorded, when
 * memory runs out). */
unsigned char *channel_input_room(struct channel *ch, size_t *room);
void channel_input_added(struct channel *ch, size_t n);
int channel_input_reserve(struct channel *ch, size_t more);

/* For a layer: the channel's own fds. channel_fd_read is read(2) on the
 * read fd; channel_send writes to the write fd as the channel does (send
 * with MSG_NOSIGNAL on a socket, write on a pipe); channel_wait waits for
 * the read fd (output false) or the write fd to be ready, within the write
 * timeout, and fails with ETIMEDOUT. */
ssize_t channel_fd_read(struct channel *ch, void *buf, size_t len);
ssize_t channel_send(struct channel *ch, const void *buf, size_t len);
int channel_wait(const struct channel *ch, bool output);

/* Records a failed read or write in libvirt's words ("Cannot recv data:
 * REASON"), leaving errno as it was. */
void channel_report(const char *what, const char *reason);

#endif

/* channel: one byte stream to the peer (a socket, or a read fd and a write
 * fd such as stdin/stdout or a child's pipes), read and written in whole
 * frames, in the clear or through a TLS session (rpc/tls.h sets one up).
 * Incoming bytes are buffered so that pipelined frames cost one read; a
 * frame's length word is checked before its buffer grows. */
#ifndef RPC_CHANNEL_H
#define RPC_CHANNEL_H

#include <stddef.h>
#include <sys/types.h>

struct channel;
struct gnutls_session_int; /* gnutls_session_t, without gnutls.h */

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

/* Puts the TLS session `tls` between the channel and its fds: gnutls's
 * transport becomes this channel's rfd/wfd (read/write, so pipes work as
 * well as sockets, with a poll-based pull timeout for
 * gnutls_handshake_set_timeout and gnutls_record_set_timeout). Call it on a
 * channel nothing was read from yet, before the handshake; from then on
 * channel_fill and channel_write carry application data through the
 * session. The channel owns the session: channel_free deinits it, then
 * calls release(opaque) when release is not NULL (rpc/tls uses it to drop
 * the session's reference to the credentials it was made with). */
void channel_attach_tls(struct channel *ch, struct gnutls_session_int *tls,
                        void (*release)(void *), void *opaque);

/* The attached TLS session, or NULL for a plain channel. */
struct gnutls_session_int *channel_tls(const struct channel *ch);

#endif

/* test-tls-channel PKIDIR: rpc/tls and channel over a socketpair, client
 * and server in two processes. Checks what the session loop relies on:
 * pipelined frames (many in one TLS record), a frame spread over many
 * records, and EOF, all read with the session's pattern (take buffered
 * frames, poll only when none is whole), with a poll timeout that turns a
 * missed record into a failure instead of a hang. Then how failures are
 * told: a corrupted record is recorded with gnutls's reason, and a write
 * to a peer that closed is EPIPE or ECONNRESET, "Cannot write data: Broken
 * pipe", as on a plain socket (both were EIO, "Input/output error"). PKIDIR is
 * make-pki.sh's output. Exit status 0 when every check passed. */
#include <errno.h>
#include <gnutls/gnutls.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "error.h"
#include "message.h"
#include "tls.h"

#define SMALL_FRAMES 200
#define BIG_BODY (300 * 1024)

static char pki_server[4096], pki_client[4096];

/* A frame of `len` bytes: length word, a header naming frame number `n`
 * in its serial, and filler. */
static unsigned char *make_frame(size_t len, unsigned int n)
{
    unsigned char *f = calloc(1, len);
    if (!f)
        return NULL;
    for (int i = 0; i < 4; i++)
        f[i] = (unsigned char)(len >> (24 - 8 * i));
    for (int i = 0; i < 4; i++)
        f[4 + 16 + i] = (unsigned char)(n >> (24 - 8 * i)); /* serial */
    for (size_t i = 28; i < len; i++)
        f[i] = (unsigned char)(i * 7);
    return f;
}

/* The session loop's reading pattern. Returns frames seen before EOF, or
 * -1 on error or a 5 s stall. */
static long drain(struct channel *ch, size_t *bytes)
{
    long frames = 0;

    *bytes = 0;
    for (;;) {
        const unsigned char *frame;
        long flen;
        while ((flen = channel_next_frame(ch, &frame)) > 0) {
            frames++;
            *bytes += (size_t)flen;
            channel_consume(ch, (size_t)flen);
        }
        if (flen < 0)
            return -1;
        struct pollfd pfd = {.fd = channel_read_fd(ch), .events = POLLIN};
        int n = poll(&pfd, 1, 5000);
        if (n == 0) {
            fprintf(stderr, "server: stalled after %ld frames with %zu bytes buffered\n",
                    frames, channel_pending(ch));
            return -1;
        }
        ssize_t got = channel_fill(ch);
        if (got < 0 && errno == EAGAIN)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            return channel_pending(ch) == 0 ? frames : -1;
    }
}

static int server(int fd)
{
    struct tls_options opt = {.pkipath = pki_server};
    struct tls_context *ctx = tls_context_new(true, &opt);
    struct channel *ch = channel_new(fd, fd);
    struct tls_peer peer;
    size_t bytes;
    long frames;
    int rc = 1;

    if (!ctx || !ch || tls_server_accept(ctx, ch, &peer) < 0) {
        fprintf(stderr, "server: %s\n", error_last() ? error_last()->message : "setup failed");
        goto out;
    }
    tls_peer_clear(&peer);
    frames = drain(ch, &bytes);
    size_t want = SMALL_FRAMES * 64 + 2 * (BIG_BODY + 28);
    if (frames != SMALL_FRAMES + 2 || bytes != want) {
        fprintf(stderr,
                "FAIL server: expected %d frames, %zu bytes; got %ld frames, %zu bytes\n",
                SMALL_FRAMES + 2, want, frames, bytes);
        goto out;
    }
    printf("PASS server read %ld pipelined and large frames over TLS, then EOF\n", frames);
    rc = 0;
out:
    channel_free(ch);
    tls_context_free(ctx);
    return rc;
}

static int client(int fd)
{
    struct tls_options opt = {.pkipath = pki_client};
    struct tls_context *ctx = tls_context_new(false, &opt);
    struct channel *ch = channel_new(fd, fd);
    unsigned char *batch = malloc(SMALL_FRAMES * 64), *big = NULL;
    struct tls_peer peer;
    int rc = 1;

    if (!ctx || !ch || !batch || tls_client_connect(ctx, ch, "localhost", &peer) < 0) {
        fprintf(stderr, "client: %s\n", error_last() ? error_last()->message : "setup failed");
        goto out;
    }
    tls_peer_clear(&peer);
    /* Many frames in one write: they travel in one or two TLS records. */
    for (unsigned int i = 0; i < SMALL_FRAMES; i++) {
        unsigned char *f = make_frame(64, i);
        if (!f)
            goto out;
        memcpy(batch + i * 64, f, 64);
        free(f);
    }
    if (channel_write(ch, batch, SMALL_FRAMES * 64) < 0)
        goto out;
    /* Frames larger than a record, written in one go each. */
    for (unsigned int i = 0; i < 2; i++) {
        if (!(big = make_frame(BIG_BODY + 28, 1000 + i)) ||
            channel_write(ch, big, BIG_BODY + 28) < 0)
            goto out;
        free(big);
        big = NULL;
    }
    rc = 0;
out:
    free(batch);
    free(big);
    channel_free(ch); /* closes without close_notify: the server sees EOF */
    tls_context_free(ctx);
    return rc;
}

/* Both ends of one scenario: the server's and the client's halves run in
 * two processes over a socketpair; the result is the server's and the
 * client's exit status together. */
static int run_pair(int (*server_fn)(int), int (*client_fn)(int))
{
    int sv[2], status = 0;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        close(sv[0]);
        int rc = client_fn(sv[1]);
        fflush(stdout);
        _exit(rc);
    }
    close(sv[1]);
    int rs = server_fn(sv[0]);
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "FAIL client exited with status %d\n", status);
        return 1;
    }
    return rs;
}

static const char *recorded(void)
{
    const struct error *e = error_last();
    return e && e->message ? e->message : "(nothing recorded)";
}

/* The server's end of a connection set up with rpc/tls, or NULL. */
static struct channel *server_accept(int fd, struct tls_context **ctx)
{
    struct tls_options opt = {.pkipath = pki_server};
    struct channel *ch = channel_new(fd, fd);
    struct tls_peer peer;

    *ctx = tls_context_new(true, &opt);
    if (!*ctx || !ch || tls_server_accept(*ctx, ch, &peer) < 0) {
        fprintf(stderr, "server: %s\n", recorded());
        channel_free(ch);
        return NULL;
    }
    tls_peer_clear(&peer);
    return ch;
}

static struct channel *client_connect(int fd, struct tls_context **ctx)
{
    struct tls_options opt = {.pkipath = pki_client};
    struct channel *ch = channel_new(fd, fd);
    struct tls_peer peer;

    *ctx = tls_context_new(false, &opt);
    if (!*ctx || !ch || tls_client_connect(*ctx, ch, "localhost", &peer) < 0) {
        fprintf(stderr, "client: %s\n", recorded());
        channel_free(ch);
        return NULL;
    }
    tls_peer_clear(&peer);
    return ch;
}

/* After the handshake the client writes an application-data record of
 * garbage straight to the socket, under gnutls. */
static int client_corrupts(int fd)
{
    static const unsigned char record[5 + 32] = {0x17, 0x03, 0x03, 0x00, 0x20, 'x', 'x'};
    struct tls_context *ctx;
    struct channel *ch = client_connect(fd, &ctx);
    char c;

    if (!ch)
        return 1;
    if (write(fd, record, sizeof(record)) != (ssize_t)sizeof(record))
        return 1;
    while (read(fd, &c, 1) > 0) /* until the server hangs up */
        ;
    channel_free(ch);
    tls_context_free(ctx);
    return 0;
}

static int server_reads_corrupt_record(int fd)
{
    struct tls_context *ctx;
    struct channel *ch = server_accept(fd, &ctx);
    char want[256];
    ssize_t got = 0;
    int rc = 1;

    if (!ch)
        goto out;
    snprintf(want, sizeof(want), "Cannot recv data: %s",
             gnutls_strerror(GNUTLS_E_DECRYPTION_FAILED));
    error_clear();
    for (int i = 0; i < 100 && (got = channel_fill(ch)) != -1; i++) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        poll(&pfd, 1, 100);
    }
    if (got != -1 || errno != EIO || strcmp(recorded(), want) != 0) {
        fprintf(
            stderr,
            "FAIL a corrupted record: expected -1, EIO and \"%s\"; got %zd, %s and \"%s\"\n",
            want, got, strerror(errno), recorded());
        goto out;
    }
    printf("PASS a corrupted record is reported as \"%s\"\n", recorded());
    rc = 0;
out:
    channel_free(ch);
    tls_context_free(ctx);
    return rc;
}

/* The server accepts, then hangs up at once. */
static int server_hangs_up(int fd)
{
    struct tls_context *ctx;
    struct channel *ch = server_accept(fd, &ctx);

    channel_free(ch);
    tls_context_free(ctx);
    return ch ? 0 : 1;
}

static int client_writes_to_closed_peer(int fd)
{
    static unsigned char buf[65536];
    struct tls_context *ctx;
    struct channel *ch = client_connect(fd, &ctx);
    char want[128];
    int r = 0, rc = 1;

    if (!ch)
        return 1;
    error_clear();
    for (int i = 0; i < 1000 && (r = channel_write(ch, buf, sizeof(buf))) == 0; i++)
        ;
    /* EPIPE, or ECONNRESET when gnutls read the reset first. */
    snprintf(want, sizeof(want), "Cannot write data: %s", strerror(errno));
    if (r != -1 || (errno != EPIPE && errno != ECONNRESET) || strcmp(recorded(), want) != 0) {
        fprintf(stderr,
                "FAIL a write to a closed peer: expected -1, EPIPE or ECONNRESET and \"%s\"; "
                "got %d, %s and \"%s\"\n",
                want, r, strerror(errno), recorded());
        goto out;
    }
    printf("PASS a write to a closed peer fails as on a plain socket: \"%s\"\n", recorded());
    rc = 0;
out:
    channel_free(ch);
    tls_context_free(ctx);
    return rc;
}

int main(int argc, char **argv)
{

    if (argc != 2) {
        fprintf(stderr, "usage: test-tls-channel PKIDIR\n");
        return 2;
    }
    snprintf(pki_server, sizeof(pki_server), "%s/server-ok", argv[1]);
    snprintf(pki_client, sizeof(pki_client), "%s/client-ok", argv[1]);
    alarm(60);
    int rs = run_pair(server, client);
    rs |= run_pair(server_reads_corrupt_record, client_corrupts);
    rs |= run_pair(server_hangs_up, client_writes_to_closed_peer);
    return rs;
}

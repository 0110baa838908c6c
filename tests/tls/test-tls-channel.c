/* test-tls-channel PKIDIR: rpc/tls and channel over a socketpair, client
 * and server in two processes. Checks what the session loop relies on:
 * pipelined frames (many in one TLS record), a frame spread over many
 * records, and EOF, all read with the session's pattern (take buffered
 * frames, poll only when none is whole), with a poll timeout that turns a
 * missed record into a failure instead of a hang. PKIDIR is make-pki.sh's
 * output. Exit status 0 when every check passed. */
#include <errno.h>
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

int main(int argc, char **argv)
{
    int sv[2], status = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: test-tls-channel PKIDIR\n");
        return 2;
    }
    snprintf(pki_server, sizeof(pki_server), "%s/server-ok", argv[1]);
    snprintf(pki_client, sizeof(pki_client), "%s/client-ok", argv[1]);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return 1;
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        close(sv[0]);
        _exit(client(sv[1]));
    }
    close(sv[1]);
    alarm(60);
    int rs = server(sv[0]);
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "FAIL client exited with status %d\n", status);
        return 1;
    }
    return rs;
}

/* The session's event loop with a driver operation that waits: the real
 * session code, on one end of a socketpair, serving a client thread on the
 * other, with a driver whose connect_get_hostname waits (session_wait_fd,
 * through its open context) for a pipe the client writes to. While it
 * waits, keepalive pings are answered and a second call is held back until
 * the first is answered; a client that hangs up ends the wait at once. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "keepalive_protocol.h"
#include "message.h"
#include "remote_protocol.h"
#include "session.h"

#include "check.h"

/* ---- a driver whose one operation waits ---- */

static int wake_fd[2]; /* the operation waits for wake_fd[0] */
static int wait_result = -2;

struct drv_conn {
    struct drv_context ctx;
};

static int w_open(const char *uri, unsigned int flags, const struct drv_context *ctx,
                  struct drv_conn **conn)
{
    if (strcmp(uri, "wait:///") != 0)
        return 0;
    *conn = calloc(1, sizeof(**conn));
    if (!*conn)
        return -1;
    (*conn)->ctx = *ctx;
    return 1;
}

static void w_close(struct drv_conn *c)
{
    free(c);
}

static int w_get_hostname(struct drv_conn *c, remote_connect_get_hostname_ret *ret)
{
    char byte;

    wait_result = c->ctx.wait_fd(c->ctx.wait_opaque, wake_fd[0], EPOLLIN,
                                 clock_mono_ms() + 10000);
    if (wait_result != 1)
        return -1;
    if (read(wake_fd[0], &byte, 1) != 1)
        return -1;
    ret->hostname = strdup("woken");
    return ret->hostname ? 0 : -1;
}

static int w_get_version(struct drv_conn *c, remote_connect_get_version_ret *ret)
{
    ret->hv_ver = 7;
    return 0;
}

static const struct drv_host_ops w_host = {
    .connect_get_hostname = w_get_hostname,
    .connect_get_version = w_get_version,
};

static const struct driver wait_driver = {
    .name = "wait", .open = w_open, .close = w_close, .host = &w_host};
static const struct driver *const wait_drivers[] = {&wait_driver, NULL};

/* ---- the client side ---- */

static int write_frame(int fd, uint32_t prog, int proc, int type, uint32_t serial,
                       xdrproc_t fn, const void *body)
{
    struct message_header h = {prog, 1, proc, type, serial, MESSAGE_OK};
    struct msgbuf b = {0};
    int r = message_encode(&b, &h, fn, body) == 0 && write(fd, b.data, b.len) == (ssize_t)b.len;

    msgbuf_free(&b);
    return r ? 0 : -1;
}

/* The next frame's header within ms, or -1 (nothing, or the end). */
static int read_header(int fd, int ms, struct message_header *h)
{
    unsigned char buf[4096];
    struct pollfd p = {.fd = fd, .events = POLLIN};
    size_t got = 0, want = 4;

    while (got < want) {
        if (poll(&p, 1, ms) != 1)
            return -1;
        ssize_t n = read(fd, buf + got, want - got);
        if (n <= 0)
            return -1;
        got += (size_t)n;
        if (got == 4) {
            long len = message_frame_length(buf);
            if (len < 0 || len > (long)sizeof(buf))
                return -1;
            want = (size_t)len;
        }
    }
    return message_decode_header(buf, got, h);
}

struct client {
    int fd;
    bool hang_up_while_waiting;
};

static void *client_main(void *opaque)
{
    struct client *cl = opaque;
    struct message_header h;
    char *name = "wait:///";
    remote_connect_open_args open = {&name, 0};

    if (write_frame(cl->fd, REMOTE_PROGRAM, REMOTE_PROC_CONNECT_OPEN, MESSAGE_CALL, 1,
                    (xdrproc_t)xdr_remote_connect_open_args, &open) < 0 ||
        read_header(cl->fd, 5000, &h) < 0 || h.status != MESSAGE_OK) {
        FAIL("open was not answered");
        return NULL;
    }
    /* The call that waits, then a ping and a second call behind it. */
    write_frame(cl->fd, REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_HOSTNAME, MESSAGE_CALL, 2,
                NULL, NULL);
    if (cl->hang_up_while_waiting) {
        usleep(100 * 1000);
        shutdown(cl->fd, SHUT_RDWR);
        return NULL;
    }
    write_frame(cl->fd, KEEPALIVE_PROGRAM, KEEPALIVE_PROC_PING, MESSAGE_EVENT, 0, NULL, NULL);
    write_frame(cl->fd, REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_VERSION, MESSAGE_CALL, 3, NULL,
                NULL);
    if (read_header(cl->fd, 5000, &h) < 0 || h.prog != KEEPALIVE_PROGRAM ||
        h.proc != KEEPALIVE_PROC_PONG)
        FAIL("no pong while the driver waited (got prog %#x proc %d)", h.prog, h.proc);
    if (read_header(cl->fd, 300, &h) == 0)
        FAIL("serial %u was answered while the first call still waited", h.serial);
    if (write(wake_fd[1], "x", 1) != 1)
        FAIL("cannot wake the driver");
    if (read_header(cl->fd, 5000, &h) < 0 || h.serial != 2 || h.status != MESSAGE_OK)
        FAIL("the waiting call's reply: serial %u status %d", h.serial, h.status);
    if (read_header(cl->fd, 5000, &h) < 0 || h.serial != 3 || h.status != MESSAGE_OK)
        FAIL("the held call's reply: serial %u status %d", h.serial, h.status);
    close(cl->fd);
    return NULL;
}

/* Runs a session on one end of a socketpair against client_main. */
static int run(bool hang_up, long long *took_ms)
{
    int sv[2];
    pthread_t t;
    struct client cl;
    struct session_options opt = {.keepalive_interval = 0, .peer = "unit", .drivers =
                                                                               wait_drivers};
    long long start;
    int r;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
        pipe2(wake_fd, O_CLOEXEC) < 0)
        return -2;
    cl = (struct client){.fd = sv[1], .hang_up_while_waiting = hang_up};
    pthread_create(&t, NULL, client_main, &cl);
    start = clock_mono_ms();
    r = session_run(channel_new(sv[0], sv[0]), &opt);
    *took_ms = clock_mono_ms() - start;
    pthread_join(t, NULL);
    if (hang_up)
        close(sv[1]);
    close(wake_fd[0]);
    close(wake_fd[1]);
    return r;
}

static void waiting_call_keeps_the_connection_alive(void)
{
    long long took;
    int r = run(false, &took);

    if (r != 0)
        FAIL("the session ended with %d, not 0", r);
    if (wait_result != 1)
        FAIL("the driver's wait returned %d, not 1 (ready)", wait_result);
}

static void hang_up_ends_the_wait(void)
{
    long long took;
    int r;

    wait_result = -2;
    r = run(true, &took);
    if (wait_result != -1)
        FAIL("the driver's wait returned %d, not -1 (the client is gone)", wait_result);
    if (r != 0)
        FAIL("a client that hung up ended the session with %d, not 0", r);
    if (took > 5000)
        FAIL("the session took %lld ms to notice the hang-up", took);
}

int main(void)
{
    waiting_call_keeps_the_connection_alive();
    hang_up_ends_the_wait();
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("session: a waiting driver operation answers keepalive and holds later calls\n");
    return 0;
}

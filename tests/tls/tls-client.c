/* tls-client: rpc/tls's client end against a TLS server, for the TLS tests:
 * tcp connect, handshake, checks, confirmation byte, then CONNECT_OPEN of
 * test:///default and CONNECT_GET_VERSION. Prints "version N" on success,
 * "error: MESSAGE" (the recorded error, as a user would see it) on failure,
 * and "warning: ..." for a check no_verify let through.
 *
 *   tls-client --pki DIR --host HOST --port PORT [--no-verify] [--no-sanity]
 *              [--priority S]
 *
 * --no-verify is the URI's no_verify=1; --no-sanity skips the check of our
 * own certificate, which libvirt's clients always make, so that a test can
 * show a server a bad client certificate.
 *
 * Exit status: 0 connected and got the version, 1 refused or failed, 2 usage. */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "error.h"
#include "message.h"
#include "remote_protocol.h"
#include "tls.h"

static int dial(const char *host, const char *port)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
    int fd = -1, r = getaddrinfo(host, port, &hints, &res);

    if (r != 0) {
        printf("error: %s:%s: %s\n", host, port, gai_strerror(r));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    if (fd < 0)
        printf("error: unable to connect to %s:%s: %s\n", host, port, strerror(errno));
    freeaddrinfo(res);
    return fd;
}

/* One call and its reply; decodes the reply body with `ret_proc` into
 * `ret`. Returns 0, or -1 having printed why. */
static int call(struct channel *ch, int proc, unsigned int serial, xdrproc_t args_proc,
                const void *args, xdrproc_t ret_proc, void *ret)
{
    struct message_header hdr = {
        .prog = MESSAGE_PROGRAM_REMOTE,
        .vers = 1,
        .proc = proc,
        .type = MESSAGE_CALL,
        .serial = serial,
        .status = MESSAGE_OK,
    };
    struct msgbuf out = {0};
    const unsigned char *frame = NULL;
    long flen;

    if (message_encode(&out, &hdr, args_proc, args) < 0 ||
        channel_write(ch, out.data, out.len) < 0) {
        printf("error: cannot send call %d: %s\n", proc, strerror(errno));
        msgbuf_free(&out);
        return -1;
    }
    msgbuf_free(&out);
    for (;;) {
        while ((flen = channel_next_frame(ch, &frame)) == 0) {
            ssize_t n = channel_fill(ch);
            if (n <= 0) {
                printf("error: connection closed while waiting for reply to %d\n", proc);
                return -1;
            }
        }
        if (flen < 0) {
            printf("error: bad frame length\n");
            return -1;
        }
        if (message_decode_header(frame, (size_t)flen, &hdr) < 0) {
            printf("error: bad header\n");
            return -1;
        }
        if (hdr.prog != MESSAGE_PROGRAM_REMOTE || hdr.serial != serial) {
            channel_consume(ch, (size_t)flen); /* keepalive or event */
            continue;
        }
        break;
    }
    int r = 0;
    if (hdr.status == MESSAGE_ERROR) {
        remote_error err;
        memset(&err, 0, sizeof(err));
        if (message_decode_body(frame, (size_t)flen, (xdrproc_t)xdr_remote_error, &err) == 0) {
            printf("error: %s\n", err.message ? *err.message : "(no message)");
            message_free_body((xdrproc_t)xdr_remote_error, &err);
        }
        r = -1;
    } else if (ret_proc && message_decode_body(frame, (size_t)flen, ret_proc, ret) < 0) {
        printf("error: reply to %d does not decode\n", proc);
        r = -1;
    }
    channel_consume(ch, (size_t)flen);
    return r;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pki", required_argument, NULL, 'k'},
        {"host", required_argument, NULL, 'h'},
        {"port", required_argument, NULL, 'P'},
        {"no-verify", no_argument, NULL, 'n'},
        {"no-sanity", no_argument, NULL, 's'},
        {"priority", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    struct tls_options opt = {0};
    struct tls_peer peer = {0};
    const char *host = NULL, *port = NULL;
    struct tls_context *ctx;
    struct channel *ch = NULL;
    int c, fd, rc = 1;

    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            opt.pkipath = optarg;
            break;
        case 'h':
            host = optarg;
            break;
        case 'P':
            port = optarg;
            break;
        case 'n':
            opt.no_verify = true;
            break;
        case 's':
            opt.no_sanity = true;
            break;
        case 'p':
            opt.priority = optarg;
            break;
        default:
            return 2;
        }
    }
    if (!host || !port) {
        fprintf(stderr, "usage: tls-client [--pki DIR] --host HOST --port PORT [--no-verify] "
                        "[--no-sanity] [--priority S]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (!(ctx = tls_context_new(false, &opt))) {
        printf("error: %s\n", error_last()->message);
        return 1;
    }
    if ((fd = dial(host, port)) < 0)
        goto out;
    if (!(ch = channel_new(fd, fd))) {
        close(fd);
        goto out;
    }
    int r = tls_client_connect(ctx, ch, host, &peer);
    if (peer.warning)
        printf("warning: %s\n", peer.warning);
    if (r < 0) {
        printf("error: %s\n", error_last()->message);
        goto out;
    }
    char *name = "test:///default";
    remote_connect_open_args open_args = {.name = &name, .flags = 0};
    remote_connect_get_version_ret ver = {0};
    if (call(ch, REMOTE_PROC_CONNECT_OPEN, 1, (xdrproc_t)xdr_remote_connect_open_args,
             &open_args, NULL, NULL) < 0 ||
        call(ch, REMOTE_PROC_CONNECT_GET_VERSION, 2, NULL, NULL,
             (xdrproc_t)xdr_remote_connect_get_version_ret, &ver) < 0 ||
        call(ch, REMOTE_PROC_CONNECT_CLOSE, 3, NULL, NULL, NULL, NULL) < 0)
        goto out;
    printf("connected to '%s', version %llu\n", peer.dn ? peer.dn : "?",
           (unsigned long long)ver.hv_ver);
    rc = 0;
out:
    channel_free(ch);
    tls_peer_clear(&peer);
    tls_context_free(ctx);
    return rc;
}

/* tls-server: one TLS connection served by the daemon's session code, for
 * the TLS tests. The connection comes from systemd-socket-activate --accept
 * (fd 3) or, with --port, from accepting once on 127.0.0.1:PORT. It runs
 * rpc/tls's server end with the options given, then session_run: this is
 * what libvirtd's tls mode does, without the config file.
 *
 *   tls-server --pki DIR [--allowed-dn PATTERN]... [--no-verify] [--no-sanity]
 *              [--check-address] [--priority STR] [--port PORT]
 *
 * DIR holds cacert.pem, cacrl.pem, servercert.pem, serverkey.pem. Exit
 * status: 0 served, 1 refused or failed, 2 usage. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "channel.h"
#include "error.h"
#include "log.h"
#include "session.h"
#include "tls.h"

#define MAX_DN 16

static int accept_one(int port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int one = 1, lfd, fd;

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(lfd, 1) < 0) {
        fprintf(stderr, "tls-server: cannot listen on 127.0.0.1:%d: %s\n", port,
                strerror(errno));
        return -1;
    }
    fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        fprintf(stderr, "tls-server: accept: %s\n", strerror(errno));
    close(lfd);
    return fd;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pki", required_argument, NULL, 'k'},     {"allowed-dn", required_argument, NULL, 'd'},
        {"no-verify", no_argument, NULL, 'n'},     {"no-sanity", no_argument, NULL, 's'},
        {"check-address", no_argument, NULL, 'a'}, {"priority", required_argument, NULL, 'p'},
        {"port", required_argument, NULL, 'P'},    {NULL, 0, NULL, 0},
    };
    const char *dns[MAX_DN + 1] = {NULL};
    char logerr[256];
    struct tls_options opt = {0};
    struct tls_peer peer = {0};
    struct tls_context *ctx;
    struct channel *ch;
    size_t ndn = 0;
    int port = 0, fd, c;

    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'k':
            opt.pkipath = optarg;
            break;
        case 'd':
            if (ndn == MAX_DN)
                return 2;
            dns[ndn++] = optarg;
            break;
        case 'n':
            opt.no_verify = true;
            break;
        case 's':
            opt.no_sanity = true;
            break;
        case 'a':
            opt.check_address = true;
            break;
        case 'p':
            opt.priority = optarg;
            break;
        case 'P':
            port = atoi(optarg);
            break;
        default:
            fprintf(stderr, "usage: tls-server --pki DIR [--allowed-dn P]... [--no-verify] "
                            "[--no-sanity] [--check-address] [--priority S] [--port N]\n");
            return 2;
        }
    }
    if (!opt.pkipath) {
        fprintf(stderr, "tls-server: --pki DIR is required\n");
        return 2;
    }
    if (ndn > 0)
        opt.allowed_dn = dns;
    log_init(LOG_DEFAULT_STDERR, LOG_LEVEL_WARN, "3:stderr", NULL, logerr, sizeof(logerr));

    ctx = tls_context_new(true, &opt);
    if (!ctx) {
        fprintf(stderr, "tls-server: %s\n", error_last()->message);
        return 1;
    }
    if (port > 0) {
        fd = accept_one(port);
    } else if (sd_listen_fds(1) == 1) {
        fd = SD_LISTEN_FDS_START;
    } else {
        fprintf(stderr, "tls-server: no --port and no socket from systemd-socket-activate\n");
        fd = -1;
    }
    if (fd < 0) {
        tls_context_free(ctx);
        return 1;
    }
    ch = channel_new(fd, fd);
    if (!ch || tls_server_accept(ctx, ch, &peer) < 0) {
        fprintf(stderr, "tls-server: refused client '%s': %s\n", peer.dn ? peer.dn : "(none)",
                ch ? error_last()->message : "out of memory");
        channel_free(ch);
        tls_peer_clear(&peer);
        tls_context_free(ctx);
        return 1;
    }
    if (peer.warning)
        fprintf(stderr, "tls-server: warning: %s\n", peer.warning);
    fprintf(stderr, "tls-server: accepted client '%s'\n", peer.dn);
    struct session_options sopt = {
        .keepalive_interval = 5,
        .keepalive_count = 5,
        .secure = true,
        .peer = peer.dn,
    };
    int r = session_run(ch, &sopt);
    tls_peer_clear(&peer);
    tls_context_free(ctx);
    return r == 0 ? 0 : 1;
}

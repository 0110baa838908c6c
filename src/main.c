/* libvirtd: serves one client connection, then exits. main only decides
 * where that connection comes from; session.c serves it. */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <systemd/sd-daemon.h>

#include "config.h"
#include "log.h"
#include "session.h"

/* Exit codes: what went wrong, for whoever started us. */
enum {
    EXIT_OK = 0,
    EXIT_PEER = 1,   /* the client broke the protocol or vanished mid-frame */
    EXIT_USAGE = 2,  /* bad command line */
    EXIT_SYSTEM = 3, /* the connection we were handed is unusable */
};

enum mode {
    MODE_ACTIVATED, /* LISTEN_FDS: one connected socket on fd 3 */
    MODE_INETD,     /* the connection is stdin/stdout (a socket) */
    MODE_STDIO,     /* stdin/stdout are pipes: ssh, ext, a spawning client */
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: libvirtd [OPTION]...\n"
            "Serve one libvirt RPC client connection, then exit.\n"
            "\n"
            "Where the connection comes from (default: socket activation, LISTEN_FDS):\n"
            "  --inetd          the connection is on stdin/stdout (xinetd, inetd)\n"
            "  --stdio          stdin/stdout are a pipe pair (ssh, ext transports)\n"
            "\n"
            "  --read-only      refuse procedures that change state (read-only socket)\n"
            "  -v, --verbose    log each connection and protocol error\n"
            "  -h, --help       show this help\n"
            "  -V, --version    show the version\n");
}

/* A printable identity of the peer on `fd`, for log lines. */
static void describe_peer(int fd, char *buf, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);

    snprintf(buf, len, "fd %d", fd);
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) < 0)
        return;
    if (ss.ss_family == AF_UNIX) {
        struct ucred cred;
        socklen_t cl = sizeof(cred);
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0)
            snprintf(buf, len, "unix pid=%ld uid=%ld gid=%ld", (long)cred.pid,
                     (long)cred.uid, (long)cred.gid);
        else
            snprintf(buf, len, "unix");
    } else if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) {
        char host[INET6_ADDRSTRLEN] = "?";
        int port;
        if (ss.ss_family == AF_INET) {
            struct sockaddr_in *in = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
            port = ntohs(in->sin_port);
            snprintf(buf, len, "%s:%d", host, port);
        } else {
            struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
            port = ntohs(in6->sin6_port);
            snprintf(buf, len, "[%s]:%d", host, port);
        }
    }
}

static bool is_local_socket(int fd)
{
    return sd_is_socket(fd, AF_UNIX, SOCK_STREAM, -1) > 0;
}

/* The socket-activation handover: exactly one connected stream socket. */
static int activated_fd(void)
{
    int n = sd_listen_fds(1);

    if (n < 0) {
        log_error("cannot read LISTEN_FDS: %s", strerror(-n));
        return -1;
    }
    if (n == 0) {
        log_error("no connection was passed (LISTEN_FDS is not set); "
                  "use --inetd or --stdio, or start me through socket activation");
        return -1;
    }
    if (n != 1) {
        log_error("expected one connected socket, got %d fds", n);
        return -1;
    }
    int fd = SD_LISTEN_FDS_START;
    if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 0) <= 0) {
        log_error("fd %d is not a connected stream socket (use Accept=yes)", fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"inetd", no_argument, NULL, 'i'},
        {"stdio", no_argument, NULL, 's'},
        {"read-only", no_argument, NULL, 'r'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    enum mode mode = MODE_ACTIVATED;
    struct session_options opt = {.keepalive_interval = 5, .keepalive_count = 5};
    bool verbose = false;
    int c;

    while ((c = getopt_long(argc, argv, "vhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'i':
            mode = MODE_INETD;
            break;
        case 's':
            mode = MODE_STDIO;
            break;
        case 'r':
            opt.read_only = true;
            break;
        case 'v':
            verbose = true;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case 'V':
            printf("libvirtd (libvirt-remote) %s\n", PACKAGE_VERSION);
            return EXIT_OK;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "libvirtd: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return EXIT_USAGE;
    }

    /* In inetd mode stderr may be the client's socket: log to syslog. */
    log_init(mode == MODE_INETD ? LOG_TO_SYSLOG : LOG_TO_STDERR,
             verbose ? LOG_LEVEL_INFO : LOG_LEVEL_WARN);
    signal(SIGPIPE, SIG_IGN);

    int rfd, wfd;
    switch (mode) {
    case MODE_ACTIVATED:
        rfd = wfd = activated_fd();
        if (rfd < 0)
            return EXIT_SYSTEM;
        break;
    case MODE_INETD:
        if (sd_is_socket(STDIN_FILENO, AF_UNSPEC, SOCK_STREAM, 0) <= 0) {
            log_error("--inetd: stdin is not a connected stream socket");
            return EXIT_SYSTEM;
        }
        rfd = wfd = STDIN_FILENO;
        break;
    case MODE_STDIO:
    default:
        rfd = STDIN_FILENO;
        wfd = STDOUT_FILENO;
        break;
    }

    char peer[128];
    if (mode == MODE_STDIO)
        snprintf(peer, sizeof(peer), "stdio");
    else
        describe_peer(rfd, peer, sizeof(peer));
    opt.peer = peer;
    opt.secure = mode == MODE_STDIO || is_local_socket(rfd);
    log_info("client %s connected%s", peer, opt.read_only ? " (read-only)" : "");

    struct channel *ch = channel_new(rfd, wfd);
    if (!ch) {
        log_error("out of memory");
        return EXIT_SYSTEM;
    }
    int r = session_run(ch, &opt);
    log_info("client %s disconnected", peer);
    return r == 0 ? EXIT_OK : EXIT_PEER;
}

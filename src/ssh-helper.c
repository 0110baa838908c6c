/* virt-ssh-helper: what libvirt clients run on the remote host of an
 * ssh:// URI, in place of netcat. Real libvirt 9.0 clients run
 *
 *   sh -c 'which virt-ssh-helper ...; if test $? = 0; then virt-ssh-helper [-r ]'URI'; else nc
 * ...'
 *
 * and speak the RPC protocol on its stdin and stdout. We serve the
 * connection ourselves: exec `libvirtd --stdio`, one daemon for this
 * connection as every other way of starting gives, with no socket and no
 * netcat involved. The one exception is an unprivileged user asking for a
 * system URI (qemu:///system): a daemon running as that user cannot serve
 * it, so we relay to the system's read-write or read-only socket, where
 * the socket's own permissions decide. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "daemon-paths.h"
#include "error.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: virt-ssh-helper [-r] URI\n"
            "Serve one libvirt connection on stdin/stdout (run by libvirt clients over ssh).\n"
            "\n"
            "  -r, --readonly   connect read-only\n"
            "  -h, --help       show this help\n"
            "  -V, --version    show the version\n");
}

/* The path part of driver[+transport]://[authority]/path[?query], in buf. */
static int uri_path(const char *uri, char *buf, size_t len)
{
    const char *p = strstr(uri, "://");
    size_t n;

    if (!p || p == uri)
        return -1;
    p += 3;
    p += strcspn(p, "/?"); /* skip the authority */
    n = strcspn(p, "?#");
    if (n >= len)
        return -1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return 0;
}

/* libvirtd beside this program (a build tree, or a private install),
 * else the installed one. */
static void find_libvirtd(char *buf, size_t len)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

    if (n > 0) {
        char *slash;
        self[n] = '\0';
        slash = strrchr(self, '/');
        if (slash) {
            *slash = '\0';
            if ((size_t)snprintf(buf, len, "%s/libvirtd", self) < len && access(buf, X_OK) == 0)
                return;
        }
    }
    snprintf(buf, len, "%s/libvirtd", SBINDIR);
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Copies stdin to sock and sock to stdout until the daemon hangs up. */
static int relay(int sock)
{
    struct pollfd pfd[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
                            {.fd = sock, .events = POLLIN}};
    char buf[65536];

    for (;;) {
        if (poll(pfd, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                /* The client is gone: let the daemon see the end. */
                shutdown(sock, SHUT_WR);
                pfd[0].fd = -1;
            } else if (write_all(sock, buf, (size_t)n) < 0) {
                return -1;
            }
        }
        if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(sock, buf, sizeof(buf));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return 0;
            if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
                return -1;
        }
    }
}

static void warn_config(void *opaque, const char *msg)
{
    (void)opaque;
    (void)msg; /* the daemon reports the file's problems; not our client's business */
}

static int relay_to_system(bool read_only)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    const char *path = getenv("LIBVIRTD_CONFIG");
    struct config cfg;
    int fd, r;

    if (!path || !*path)
        path = SYSCONFDIR "/libvirt/libvirtd.conf";
    config_init(&cfg);
    if (config_load(&cfg, path, false, warn_config, NULL) < 0) {
        fprintf(stderr, "virt-ssh-helper: %s\n", error_last_message());
        config_free(&cfg);
        return EXIT_FAIL;
    }
    r = config_sock_path(&cfg, read_only ? CONFIG_SOCK_RO : CONFIG_SOCK_RW, sa.sun_path,
                         sizeof(sa.sun_path));
    config_free(&cfg);
    if (r < 0) {
        fprintf(stderr, "virt-ssh-helper: unix_sock_dir is too long\n");
        return EXIT_FAIL;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(stderr, "virt-ssh-helper: cannot connect to %s: %s\n", sa.sun_path,
                strerror(errno));
        return EXIT_FAIL;
    }
    signal(SIGPIPE, SIG_IGN);
    r = relay(fd);
    close(fd);
    return r == 0 ? EXIT_OK : EXIT_FAIL;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"readonly", no_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    bool read_only = false;
    char path[1024], daemon[PATH_MAX];
    int c;

    while ((c = getopt_long(argc, argv, "rhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            read_only = true;
            break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case 'V':
            printf("virt-ssh-helper (libvirt-remote) %s\n", PACKAGE_VERSION);
            return EXIT_OK;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (uri_path(argv[optind], path, sizeof(path)) < 0) {
        fprintf(stderr, "virt-ssh-helper: '%s' is not a libvirt URI\n", argv[optind]);
        return EXIT_USAGE;
    }

    if (getuid() != 0 && strcmp(path, "/system") == 0)
        return relay_to_system(read_only);

    find_libvirtd(daemon, sizeof(daemon));
    if (read_only)
        execl(daemon, "libvirtd", "--stdio", "--read-only", (char *)NULL);
    else
        execl(daemon, "libvirtd", "--stdio", (char *)NULL);
    fprintf(stderr, "virt-ssh-helper: cannot run %s: %s\n", daemon, strerror(errno));
    return EXIT_FAIL;
}

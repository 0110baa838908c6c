/* libvirtd: serves libvirt RPC clients, one process per connection. main
 * only decides where a connection comes from (an activated socket, inetd's
 * stdin, a pipe pair, or a child forked by the --listen daemon) and what
 * kind it is; session.c serves it. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <systemd/sd-daemon.h>

#include "config.h"
#include "daemon-paths.h"
#include "listen.h"
#include "log.h"
#include "session.h"

/* Exit codes: what went wrong, for whoever started us. */
enum {
    EXIT_OK = 0,
    EXIT_PEER = 1,   /* the client broke the protocol or vanished mid-frame */
    EXIT_USAGE = 2,  /* bad command line */
    EXIT_SYSTEM = 3, /* the connection is unusable, or a system call failed */
    EXIT_CONFIG = 4, /* libvirtd.conf is wrong, or asks for what we cannot do */
};

enum mode {
    MODE_ACTIVATED, /* LISTEN_FDS: one connected socket on fd 3 */
    MODE_INETD,     /* the connection is stdin/stdout (a socket) */
    MODE_STDIO,     /* stdin/stdout are pipes: ssh, ext, a spawning client */
    MODE_LISTEN,    /* standalone: bind, accept, fork per connection */
};

struct daemon_opts {
    enum mode mode;
    bool read_only;
    bool kind_given;
    enum listen_kind kind;
    bool verbose;
    bool daemonize;
    const char *pid_file;
    const char *config_file; /* NULL: the default, which may be missing */
};

static struct config cfg;
static const char *config_name; /* the file cfg came from, for messages */
static bool config_found;       /* false: no file, only defaults */

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: libvirtd [OPTION]...\n"
            "Serve libvirt RPC clients, one process per connection.\n"
            "\n"
            "Where the connection comes from (default: socket activation, LISTEN_FDS):\n"
            "  --inetd              the connection is on stdin/stdout (xinetd, inetd)\n"
            "  --stdio              stdin/stdout are a pipe pair (ssh, ext transports)\n"
            "  -l, --listen         bind the sockets libvirtd.conf enables, fork one\n"
            "                       process per connection\n"
            "\n"
            "  --socket-kind=KIND   the socket the connection came in on: unix-rw,\n"
            "                       unix-ro, tcp or tls (default: from the socket)\n"
            "  --read-only          refuse procedures that change state (read-only socket)\n"
            "  -f, --config=FILE    read FILE instead of %s\n"
            "  -d, --daemon         with --listen: run in the background\n"
            "  -p, --pid-file=FILE  with --listen: write the daemon's pid to FILE\n"
            "  -v, --verbose        log at level info (log_level = 2)\n"
            "  -h, --help           show this help\n"
            "  -V, --version        show the version\n",
            SYSCONFDIR "/libvirt/libvirtd.conf");
}

/* A printable identity of the peer on `fd`, for log lines. */
static void describe_peer(int fd, char *buf, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char host[INET6_ADDRSTRLEN] = "?";

    snprintf(buf, len, "fd %d", fd);
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) < 0)
        return;
    if (ss.ss_family == AF_UNIX) {
        struct ucred cred;
        socklen_t cl = sizeof(cred);
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0)
            snprintf(buf, len, "unix pid=%ld uid=%ld gid=%ld", (long)cred.pid, (long)cred.uid,
                     (long)cred.gid);
        else
            snprintf(buf, len, "unix");
    } else if (ss.ss_family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        snprintf(buf, len, "%s:%d", host, ntohs(in->sin_port));
    } else if (ss.ss_family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        snprintf(buf, len, "[%s]:%d", host, ntohs(in6->sin6_port));
    }
}

/* On a pipe pair the peer is whoever started us: over ssh, sshd says
 * where the client is in SSH_CONNECTION ("CLIENT_IP CLIENT_PORT ..."). */
static void describe_stdio_peer(char *buf, size_t len)
{
    const char *ssh = getenv("SSH_CONNECTION");
    char ip[64] = "", port[16] = "";

    if (ssh && sscanf(ssh, "%63s %15s", ip, port) == 2)
        snprintf(buf, len, "ssh %s:%s uid=%ld", ip, port, (long)getuid());
    else
        snprintf(buf, len, "stdio uid=%ld", (long)getuid());
}

static enum listen_kind kind_of_socket(int fd, bool read_only)
{
    if (sd_is_socket(fd, AF_UNIX, SOCK_STREAM, -1) > 0)
        return read_only ? LISTEN_UNIX_RO : LISTEN_UNIX_RW;
    return LISTEN_TCP;
}

/* The socket-activation handover: exactly one connected stream socket. */
static int activated_fd(void)
{
    int n = sd_listen_fds(1);
    int fd = SD_LISTEN_FDS_START;

    if (n < 0) {
        log_error("cannot read LISTEN_FDS: %s", strerror(-n));
        return -1;
    }
    if (n == 0) {
        log_error("no connection was passed (LISTEN_FDS is not set); "
                  "use --inetd, --stdio or --listen, or start me through socket activation");
        return -1;
    }
    if (n != 1) {
        log_error("expected one connected socket, got %d fds", n);
        return -1;
    }
    if (sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 0) <= 0) {
        log_error("fd %d is not a connected stream socket (use Accept=yes)", fd);
        return -1;
    }
    return fd;
}

/* Under systemd the sockets are systemd's, not ours: say so when the one
 * we were handed is not the one libvirtd.conf describes (the generator
 * keeps them in step; a missing daemon-reload does not). */
static void check_handed_socket(int fd, enum listen_kind kind)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    const char *hint = "run 'systemctl daemon-reload' and restart the libvirtd sockets so the "
                       "generator applies libvirtd.conf";

    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
        return;
    if (ss.ss_family == AF_UNIX && (kind == LISTEN_UNIX_RW || kind == LISTEN_UNIX_RO)) {
        struct sockaddr_un *un = (struct sockaddr_un *)&ss;
        char want[108];
        unsigned perms =
            kind == LISTEN_UNIX_RO ? cfg.unix_sock_ro_perms : cfg.unix_sock_rw_perms;
        struct stat st;

        if (sl <= offsetof(struct sockaddr_un, sun_path) || un->sun_path[0] == '\0')
            return;
        if (config_sock_path(&cfg, kind == LISTEN_UNIX_RO ? CONFIG_SOCK_RO : CONFIG_SOCK_RW,
                             want, sizeof(want)) < 0)
            return;
        if (strcmp(un->sun_path, want) != 0) {
            log_warn("connection came in on %s, but %s puts the %s socket at %s; %s",
                     un->sun_path, config_name, listen_kind_name(kind), want, hint);
            return;
        }
        if (stat(un->sun_path, &st) == 0 && (st.st_mode & 07777) != perms)
            log_warn("socket %s has mode %04o, but %s sets unix_sock_%s_perms = \"%04o\"; %s",
                     un->sun_path, (unsigned)(st.st_mode & 07777), config_name,
                     kind == LISTEN_UNIX_RO ? "ro" : "rw", perms, hint);
        if (cfg.unix_sock_group && stat(un->sun_path, &st) == 0) {
            struct group *gr = getgrnam(cfg.unix_sock_group);
            if (gr && gr->gr_gid != st.st_gid)
                log_warn(
                    "socket %s belongs to group %ld, but %s sets unix_sock_group = \"%s\"; "
                    "%s",
                    un->sun_path, (long)st.st_gid, config_name, cfg.unix_sock_group, hint);
        }
    } else if ((ss.ss_family == AF_INET || ss.ss_family == AF_INET6) &&
               (kind == LISTEN_TCP || kind == LISTEN_TLS)) {
        int want = kind == LISTEN_TCP ? cfg.tcp_port : cfg.tls_port;
        int port = ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
                                           : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        if (port != want)
            log_warn("connection came in on port %d, but %s sets %s_port = \"%d\"; %s", port,
                     config_name, kind == LISTEN_TCP ? "tcp" : "tls", want, hint);
    }
}

/* What this build cannot do for a kind of connection, as a message for
 * the log; NULL when it can serve it. */
static const char *cannot_serve(enum listen_kind kind)
{
    static char msg[256];

    switch (kind) {
    case LISTEN_TLS:
        /* The hook for issue 4: the TLS handshake runs here, before the session. */
        return "TLS is not built yet: this libvirtd cannot serve the tls socket (set "
               "listen_tls = 0, or do not enable the tls socket unit)";
    case LISTEN_TCP:
        if (cfg.auth_tcp != CONFIG_AUTH_NONE) {
            snprintf(msg, sizeof(msg),
                     "auth_tcp = \"%s\" is not supported; tcp is served only with "
                     "auth_tcp = \"none\" (no authentication: trusted networks only)",
                     config_auth_name(cfg.auth_tcp));
            return msg;
        }
        return NULL;
    case LISTEN_UNIX_RW:
    case LISTEN_UNIX_RO: {
        enum config_auth a = kind == LISTEN_UNIX_RO ? cfg.auth_unix_ro : cfg.auth_unix_rw;
        if (a != CONFIG_AUTH_NONE) {
            snprintf(msg, sizeof(msg), "auth_unix_%s = \"%s\" is not supported; use \"none\"",
                     kind == LISTEN_UNIX_RO ? "ro" : "rw", config_auth_name(a));
            return msg;
        }
        return NULL;
    }
    }
    return NULL;
}

/* Serves one connection to the end. The same code for every way of starting. */
static int serve(int rfd, int wfd, enum listen_kind kind, bool read_only, const char *peer)
{
    struct session_options opt = {
        .read_only = read_only || kind == LISTEN_UNIX_RO,
        .keepalive_interval = cfg.keepalive_interval,
        .keepalive_count = cfg.keepalive_count,
        .secure = kind != LISTEN_TCP,
        .peer = peer,
    };
    const char *why = cannot_serve(kind);
    struct channel *ch;
    int r;

    if (why) {
        log_error("refusing %s client %s: %s", listen_kind_name(kind), peer, why);
        return EXIT_CONFIG;
    }
    log_notice("client %s connected on %s%s", peer, listen_kind_name(kind),
               opt.read_only ? " (read-only)" : "");
    ch = channel_new(rfd, wfd);
    if (!ch) {
        log_error("out of memory");
        return EXIT_SYSTEM;
    }
    r = session_run(ch, &opt);
    log_notice("client %s disconnected%s", peer, r == 0 ? "" : " (protocol error)");
    return r == 0 ? EXIT_OK : EXIT_PEER;
}

/* listen.c's callback, in a freshly forked child. */
static int serve_accepted(int fd, enum listen_kind kind, void *opaque)
{
    char peer[128];

    (void)opaque;
    describe_peer(fd, peer, sizeof(peer));
    return serve(fd, fd, kind, false, peer);
}

static void warn_config(void *opaque, const char *msg)
{
    (void)opaque;
    log_warn("%s", msg);
}

/* Reads libvirtd.conf. Warnings are printed on stderr before logging is
 * set up: they are for whoever started us. */
static int load_config(const struct daemon_opts *o)
{
    const char *path = o->config_file;
    bool must_exist = path != NULL;
    char err[768];

    if (!path)
        path = getenv("LIBVIRTD_CONFIG");
    if (path && *path)
        must_exist = true;
    else
        path = SYSCONFDIR "/libvirt/libvirtd.conf";
    config_name = path;
    config_found = access(path, F_OK) == 0;
    config_init(&cfg);
    if (config_load(&cfg, path, must_exist, warn_config, NULL, err, sizeof(err)) < 0) {
        log_error("%s", err);
        return -1;
    }
    return 0;
}

/* Writes our pid to path, holding a lock on it for our lifetime so that a
 * second daemon with the same pid file refuses to start. */
static int write_pid_file(const char *path)
{
    char buf[32];
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

    if (fd < 0) {
        log_error("cannot open pid file %s: %s", path, strerror(errno));
        return -1;
    }
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        log_error("pid file %s is locked: another libvirtd is running", path);
        close(fd);
        return -1;
    }
    snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf)) {
        log_error("cannot write pid file %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd; /* kept open: the lock lives as long as we do */
}

/* Forks into the background. The original process exits only when the
 * daemon is ready (pid file written), with 0, or with the daemon's error,
 * so that `libvirtd --daemon` fails visibly. Returns in the daemon. */
static int daemonize(const char *pid_file, int *pid_fd)
{
    int pipefd[2], nul;
    pid_t pid;
    char status = 1;

    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        log_error("pipe: %s", strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        log_error("fork: %s", strerror(errno));
        return -1;
    }
    if (pid > 0) {
        close(pipefd[1]);
        if (read(pipefd[0], &status, 1) != 1)
            status = EXIT_SYSTEM;
        _exit(status);
    }
    close(pipefd[0]);
    setsid();
    pid = fork();
    if (pid < 0)
        _exit(EXIT_SYSTEM);
    if (pid > 0)
        _exit(EXIT_OK); /* the middle process; the first one waits on the pipe */
    if (chdir("/") < 0)
        _exit(EXIT_SYSTEM);
    *pid_fd = -1;
    if (pid_file && (*pid_fd = write_pid_file(pid_file)) < 0) {
        status = EXIT_SYSTEM;
        (void)!write(pipefd[1], &status, 1);
        _exit(EXIT_SYSTEM);
    }
    nul = open("/dev/null", O_RDWR);
    if (nul >= 0) {
        dup2(nul, STDIN_FILENO);
        dup2(nul, STDOUT_FILENO);
        dup2(nul, STDERR_FILENO);
        if (nul > STDERR_FILENO)
            close(nul);
    }
    status = 0;
    (void)!write(pipefd[1], &status, 1);
    close(pipefd[1]);
    return 0;
}

static int run_listen(const struct daemon_opts *o)
{
    struct listen_set set;
    char err[512];
    int pid_fd = -1, r;

    if (cfg.listen_tls && cannot_serve(LISTEN_TLS)) {
        log_error("%s: listen_tls = 1, but %s", config_name, cannot_serve(LISTEN_TLS));
        return EXIT_CONFIG;
    }
    if (cfg.listen_tcp && cannot_serve(LISTEN_TCP)) {
        log_error("%s: listen_tcp = 1, but %s", config_name, cannot_serve(LISTEN_TCP));
        return EXIT_CONFIG;
    }
    if (listen_open(&set, &cfg, err, sizeof(err)) < 0) {
        log_error("%s", err);
        return EXIT_SYSTEM;
    }
    if (o->daemonize) {
        if (daemonize(o->pid_file, &pid_fd) < 0) {
            listen_close(&set);
            return EXIT_SYSTEM;
        }
        /* stderr is /dev/null now: the default output becomes syslog. */
        log_init(LOG_DEFAULT_SYSLOG, o->verbose ? LOG_LEVEL_INFO : cfg.log_level,
                 cfg.log_outputs, cfg.log_filters);
    } else if (o->pid_file && (pid_fd = write_pid_file(o->pid_file)) < 0) {
        listen_close(&set);
        return EXIT_SYSTEM;
    }
    log_notice("libvirtd %s started, pid %ld, max_clients %d", PACKAGE_VERSION, (long)getpid(),
               cfg.max_clients);
    r = listen_run(&set, cfg.max_clients, serve_accepted, NULL);
    listen_close(&set);
    if (o->pid_file && pid_fd >= 0) {
        unlink(o->pid_file);
        close(pid_fd);
    }
    log_notice("libvirtd stopped");
    return r == 0 ? EXIT_OK : EXIT_SYSTEM;
}

static int run_one(const struct daemon_opts *o)
{
    char peer[128];
    enum listen_kind kind;
    int rfd, wfd;

    switch (o->mode) {
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
    default:
        rfd = STDIN_FILENO;
        wfd = STDOUT_FILENO;
        break;
    }
    if (o->mode == MODE_STDIO) {
        kind = o->kind_given ? o->kind : (o->read_only ? LISTEN_UNIX_RO : LISTEN_UNIX_RW);
        describe_stdio_peer(peer, sizeof(peer));
    } else {
        kind = o->kind_given ? o->kind : kind_of_socket(rfd, o->read_only);
        describe_peer(rfd, peer, sizeof(peer));
        if (config_found)
            check_handed_socket(rfd, kind);
    }
    return serve(rfd, wfd, kind, o->read_only, peer);
}

static enum log_default default_output(const struct daemon_opts *o)
{
    switch (o->mode) {
    case MODE_INETD:
        return LOG_DEFAULT_SYSLOG; /* stderr may be the client's socket */
    case MODE_STDIO:
        return LOG_DEFAULT_CLIENT; /* stderr goes back to the client */
    default:
        return LOG_DEFAULT_STDERR; /* journald under systemd, else the terminal */
    }
}

int main(int argc, char **argv)
{
    enum { OPT_INETD = 256, OPT_STDIO, OPT_READ_ONLY, OPT_SOCKET_KIND };
    static const struct option longopts[] = {
        {"inetd", no_argument, NULL, OPT_INETD},
        {"stdio", no_argument, NULL, OPT_STDIO},
        {"listen", no_argument, NULL, 'l'},
        {"read-only", no_argument, NULL, OPT_READ_ONLY},
        {"socket-kind", required_argument, NULL, OPT_SOCKET_KIND},
        {"config", required_argument, NULL, 'f'},
        {"daemon", no_argument, NULL, 'd'},
        {"pid-file", required_argument, NULL, 'p'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct daemon_opts o = {.mode = MODE_ACTIVATED};
    int c, r;

    while ((c = getopt_long(argc, argv, "lf:dp:vhV", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_INETD:
            o.mode = MODE_INETD;
            break;
        case OPT_STDIO:
            o.mode = MODE_STDIO;
            break;
        case 'l':
            o.mode = MODE_LISTEN;
            break;
        case OPT_READ_ONLY:
            o.read_only = true;
            break;
        case OPT_SOCKET_KIND:
            if (listen_kind_parse(optarg, &o.kind) < 0) {
                fprintf(stderr,
                        "libvirtd: --socket-kind must be unix-rw, unix-ro, tcp or tls, "
                        "not '%s'\n",
                        optarg);
                return EXIT_USAGE;
            }
            o.kind_given = true;
            break;
        case 'f':
            o.config_file = optarg;
            break;
        case 'd':
            o.daemonize = true;
            break;
        case 'p':
            o.pid_file = optarg;
            break;
        case 'v':
            o.verbose = true;
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
    if ((o.daemonize || o.pid_file) && o.mode != MODE_LISTEN) {
        fprintf(stderr, "libvirtd: --daemon and --pid-file go with --listen\n");
        return EXIT_USAGE;
    }
    if (o.mode == MODE_LISTEN && o.kind_given) {
        fprintf(stderr, "libvirtd: --socket-kind does not apply to --listen\n");
        return EXIT_USAGE;
    }

    /* Until the configuration is read, messages go to the default output. */
    log_init(default_output(&o), o.verbose ? LOG_LEVEL_INFO : LOG_LEVEL_WARN, NULL, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (load_config(&o) < 0) {
        log_error("nothing started: fix the configuration file");
        return EXIT_CONFIG;
    }
    if (log_init(default_output(&o), o.verbose ? LOG_LEVEL_INFO : cfg.log_level,
                 cfg.log_outputs, cfg.log_filters) < 0 &&
        o.mode == MODE_LISTEN) {
        log_error("nothing started: a log output cannot be opened");
        return EXIT_CONFIG;
    }

    r = o.mode == MODE_LISTEN ? run_listen(&o) : run_one(&o);
    log_close();
    config_free(&cfg);
    return r;
}

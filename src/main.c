/* libvirtd: serves libvirt RPC clients, one process per connection. main
 * decides where a connection comes from (an activated socket, inetd's
 * stdin, a pipe pair, or a --listen child), what kind it is, and whether
 * its peer may use it: the auth_* settings, unix_sock_allowed_users and
 * _groups, the TLS handshake and certificate checks (rpc/tls); it bounds
 * the process, then session.c serves the connection (and gives a refused
 * unix peer main's reason in reply to its first call). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "autostart.h"
#include "config.h"
#include "daemon-paths.h"
#include "error.h"
#include "listen.h"
#include "log.h"
#include "session.h"
#include "tls-serve.h"

#define SD_LISTEN_FDS_START 3

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
    MODE_LISTEN,    /* standalone: bind, and serve each connection in a child */
    MODE_AUTOSTART, /* start the autostart domains, exit (autostart.c) */
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
            "  --autostart          serve nobody: start the domains marked autostart\n"
            "                       (what real libvirtd does when it starts), exit\n"
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

/* sd_is_socket(3) without libsystemd (loading it cost every connection
 * process about 0.4 ms): 1 when fd is a stream socket of `family`
 * (AF_UNSPEC: any) that is listening (1), connected (0) or either (-1). */
static int is_stream_socket(int fd, int family, int listening)
{
    struct stat st;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int type = 0, accepting = 0;
    socklen_t l = sizeof(type);

    if (fstat(fd, &st) < 0)
        return -errno;
    if (!S_ISSOCK(st.st_mode))
        return 0;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0)
        return -errno;
    if (type != SOCK_STREAM)
        return 0;
    if (listening >= 0) {
        l = sizeof(accepting);
        if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &l) < 0)
            return -errno;
        if (!accepting != !listening)
            return 0;
    }
    if (family != AF_UNSPEC) {
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
            return -errno;
        if (sl < sizeof(sa_family_t) || ss.ss_family != family)
            return 0;
    }
    return 1;
}

/* sd_listen_fds(1) without libsystemd: the number of fds passed from
 * SD_LISTEN_FDS_START on, 0 when LISTEN_FDS is not for us, or -errno.
 * The variables are removed and the fds made close-on-exec, as there. */
static int listen_fds(void)
{
    const char *pid_s = getenv("LISTEN_PID"), *fds_s = getenv("LISTEN_FDS");
    char *end;
    long pid, n;
    int r = 0;

    if (!pid_s || !fds_s)
        goto out;
    errno = 0;
    pid = strtol(pid_s, &end, 10);
    if (errno || *end || pid <= 0) {
        r = -EINVAL;
        goto out;
    }
    if (pid != (long)getpid())
        goto out;
    n = strtol(fds_s, &end, 10);
    if (errno || *end || n < 0 || n > 1024) {
        r = -EINVAL;
        goto out;
    }
    for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + (int)n; fd++) {
        int flags = fcntl(fd, F_GETFD);
        if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) {
            r = -errno;
            goto out;
        }
    }
    r = (int)n;
out:
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    return r;
}

static enum listen_kind kind_of_socket(int fd, bool read_only)
{
    if (is_stream_socket(fd, AF_UNIX, -1) > 0)
        return read_only ? LISTEN_UNIX_RO : LISTEN_UNIX_RW;
    return LISTEN_TCP;
}

/* The socket-activation handover: exactly one connected stream socket. */
static int activated_fd(void)
{
    int n = listen_fds();
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
    if (is_stream_socket(fd, AF_UNSPEC, 0) <= 0) {
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
        if (cfg.auth_tls != CONFIG_AUTH_NONE) {
            snprintf(msg, sizeof(msg),
                     "auth_tls = \"%s\" is not supported; tls is served with "
                     "auth_tls = \"none\" (the client certificate is the credential)",
                     config_auth_name(cfg.auth_tls));
            return msg;
        }
        return NULL;
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

/* Whether `list` (names or numbers) names `id`; lookup turns a name into
 * an id (getpwnam or getgrnam). */
static bool list_names_id(char **list, unsigned long id, bool users)
{
    for (size_t i = 0; list && list[i]; i++) {
        char *end;
        unsigned long n = strtoul(list[i], &end, 10);
        if (*list[i] && !*end && n == id)
            return true;
        if (users) {
            struct passwd *pw = getpwnam(list[i]);
            if (pw && pw->pw_uid == id)
                return true;
        } else {
            struct group *gr = getgrnam(list[i]);
            if (gr && gr->gr_gid == id)
                return true;
        }
    }
    return false;
}

/* unix_sock_allowed_users / _groups against the peer's credentials: NULL
 * when the peer may use the socket, otherwise why not (static buffer). */
static const char *unix_peer_refused(int fd)
{
    static char why[256];
    struct ucred cred;
    socklen_t cl = sizeof(cred);

    if (!cfg.unix_sock_allowed_users && !cfg.unix_sock_allowed_groups)
        return NULL;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0) {
        snprintf(why, sizeof(why), "access denied: the peer's credentials are unknown");
        return why;
    }
    if (list_names_id(cfg.unix_sock_allowed_users, cred.uid, true) ||
        list_names_id(cfg.unix_sock_allowed_groups, cred.gid, false))
        return NULL;
    /* Supplementary groups of the peer's user count too. */
    struct passwd *pw = getpwuid(cred.uid);
    if (pw && cfg.unix_sock_allowed_groups) {
        gid_t groups[256];
        int n = 256;
        if (getgrouplist(pw->pw_name, cred.gid, groups, &n) >= 0)
            for (int i = 0; i < n; i++)
                if (list_names_id(cfg.unix_sock_allowed_groups, groups[i], false))
                    return NULL;
    }
    snprintf(why, sizeof(why),
             "access denied: uid %ld gid %ld is not in unix_sock_allowed_users or "
             "unix_sock_allowed_groups",
             (long)cred.uid, (long)cred.gid);
    return why;
}

/* Whose permissions the connection on fd reads files with: a unix
 * socket's peer as the kernel knows it, otherwise (tcp, tls) our own. */
static void peer_identity(int fd, enum listen_kind kind, struct identity *who)
{
    if ((kind != LISTEN_UNIX_RW && kind != LISTEN_UNIX_RO) || identity_from_socket(fd, who) < 0)
        identity_self(who);
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* Lowers the soft limit `resource` to `want` (never raises it: a tighter
 * limit from whoever started us stays). The hard limit is left as it was:
 * nothing in this process raises a soft limit, and a domain's supervisor,
 * which this process may start and which must outlive it, puts the soft
 * limits back to the hard ones for QEMU (supervisor-main.c). Returns 0 or
 * -1, logged. */
static int lower_rlimit(int resource, rlim_t want, const char *key)
{
    struct rlimit rl;

    if (getrlimit(resource, &rl) < 0) {
        log_error("%s: getrlimit: %s", key, strerror(errno));
        return -1;
    }
    if (rl.rlim_cur > want)
        rl.rlim_cur = want;
    if (setrlimit(resource, &rl) < 0) {
        log_error("%s: setrlimit: %s", key, strerror(errno));
        return -1;
    }
    return 0;
}

/* Bounds this connection's process before it reads a byte of the client's:
 * connection_memory_limit (address space) and connection_tasks_limit
 * (processes of our user; the kernel does not hold root to it). Under
 * AddressSanitizer there is no address-space limit: its shadow memory
 * reserves terabytes at start. Returns 0 or -1, logged. */
static int limit_connection(void)
{
    if (cfg.connection_memory_limit > 0) {
#ifdef UNDER_ASAN
        log_debug("connection_memory_limit = %d not applied: AddressSanitizer reserves more "
                  "address space than any limit",
                  cfg.connection_memory_limit);
#else
        if (lower_rlimit(RLIMIT_AS, (rlim_t)cfg.connection_memory_limit << 20,
                         "connection_memory_limit") < 0)
            return -1;
#endif
    }
    if (cfg.connection_tasks_limit > 0 &&
        lower_rlimit(RLIMIT_NPROC, (rlim_t)cfg.connection_tasks_limit,
                     "connection_tasks_limit") < 0)
        return -1;
    return 0;
}

/* Serves one connection to the end. The same code for every way of starting. */
static int serve(int rfd, int wfd, enum listen_kind kind, bool read_only, const char *peer,
                 const struct identity *who)
{
    struct session_options opt = {
        .read_only = read_only || kind == LISTEN_UNIX_RO,
        .keepalive_interval = cfg.keepalive_interval,
        .keepalive_count = cfg.keepalive_count,
        .message_timeout = cfg.message_timeout,
        .spin_wait_us = cfg.spin_wait_us,
        .secure = kind != LISTEN_TCP,
        .peer = peer,
        .who = who,
        .config = &cfg,
    };
    const char *why = cannot_serve(kind);
    struct channel *ch;
    int r;

    if (limit_connection() < 0)
        return EXIT_SYSTEM;
    if (why) {
        log_error("refusing %s client %s: %s", listen_kind_name(kind), peer, why);
        return EXIT_CONFIG;
    }
    if (kind == LISTEN_TCP || kind == LISTEN_TLS) {
        /* Every reply and handshake flight is written whole: Nagle would
         * only hold the last segment of one back until the peer's delayed
         * ACK (40 ms). Fails harmlessly when the fd is not TCP (--stdio). */
        int one = 1;
        setsockopt(wfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    log_notice("client %s connected on %s%s", peer, listen_kind_name(kind),
               opt.read_only ? " (read-only)" : "");
    if (kind == LISTEN_UNIX_RW || kind == LISTEN_UNIX_RO) {
        opt.deny = unix_peer_refused(rfd);
        if (opt.deny)
            log_warn("refusing client %s: %s", peer, opt.deny);
    }
    ch = channel_new(rfd, wfd);
    if (!ch) {
        log_error("out of memory");
        return EXIT_SYSTEM;
    }
    if (kind == LISTEN_TLS && tls_serve_accept(&cfg, config_name, ch, peer) < 0) {
        channel_free(ch);
        return EXIT_PEER;
    }
    r = session_run(ch, &opt);
    log_notice("client %s disconnected%s", peer, r == 0 ? "" : " (protocol error)");
    return r == 0 ? EXIT_OK : EXIT_PEER;
}

/* listen.c's callback, in a freshly forked child. */
static int serve_accepted(int fd, enum listen_kind kind, void *opaque)
{
    struct identity who;
    char peer[128];
    int r;

    (void)opaque;
    describe_peer(fd, peer, sizeof(peer));
    peer_identity(fd, kind, &who);
    r = serve(fd, fd, kind, false, peer, &who);
    identity_clear(&who);
    return r;
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

    if (!path)
        path = getenv("LIBVIRTD_CONFIG");
    if (path && *path)
        must_exist = true;
    else
        path = SYSCONFDIR "/libvirt/libvirtd.conf";
    config_name = path;
    config_found = access(path, F_OK) == 0;
    config_init(&cfg);
    if (config_load(&cfg, path, must_exist, warn_config, NULL) < 0) {
        log_error("%s", error_last_message());
        return -1;
    }
    return 0;
}

/* Sets up logging from libvirtd.conf. A file output that cannot be opened
 * is reported, with where log_outputs was set, on the default output that
 * takes its place. Returns log_init's result. */
static int setup_logging(enum log_default def, int level)
{
    char err[512];
    int line;

    if (log_init(def, level, cfg.log_outputs, cfg.log_filters, err, sizeof(err)) == 0)
        return 0;
    line = config_key_line(&cfg, "log_outputs");
    if (line > 0)
        log_error("%s:%d: log_outputs: %s", config_name, line, err);
    else
        log_error("%s: log_outputs: %s", config_name, err);
    return -1;
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
    if (cfg.listen_tls && tls_serve_setup(&cfg, config_name) < 0)
        return EXIT_CONFIG;
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
        setup_logging(LOG_DEFAULT_SYSLOG, o->verbose ? LOG_LEVEL_INFO : cfg.log_level);
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
    struct identity who;
    char peer[128];
    enum listen_kind kind;
    int rfd, wfd, r;

    switch (o->mode) {
    case MODE_ACTIVATED:
        rfd = wfd = activated_fd();
        if (rfd < 0)
            return EXIT_SYSTEM;
        break;
    case MODE_INETD:
        if (is_stream_socket(STDIN_FILENO, AF_UNSPEC, 0) <= 0) {
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
        /* Our caller is the client: its files are opened as ourselves
         * (stdin may be a socketpair whose peer is sshd, not the user). */
        kind = o->kind_given ? o->kind : (o->read_only ? LISTEN_UNIX_RO : LISTEN_UNIX_RW);
        describe_stdio_peer(peer, sizeof(peer));
        identity_self(&who);
    } else {
        kind = o->kind_given ? o->kind : kind_of_socket(rfd, o->read_only);
        describe_peer(rfd, peer, sizeof(peer));
        peer_identity(rfd, kind, &who);
        if (config_found)
            check_handed_socket(rfd, kind);
    }
    r = serve(rfd, wfd, kind, o->read_only, peer, &who);
    identity_clear(&who);
    return r;
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
    enum { OPT_INETD = 256, OPT_STDIO, OPT_READ_ONLY, OPT_SOCKET_KIND, OPT_AUTOSTART };
    static const struct option longopts[] = {
        {"inetd", no_argument, NULL, OPT_INETD},
        {"stdio", no_argument, NULL, OPT_STDIO},
        {"listen", no_argument, NULL, 'l'},
        {"autostart", no_argument, NULL, OPT_AUTOSTART},
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
    char err[256];
    int c, r;

    tls_serve_init(argv);
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
        case OPT_AUTOSTART:
            o.mode = MODE_AUTOSTART;
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
    if (o.mode == MODE_AUTOSTART && (o.kind_given || o.read_only)) {
        fprintf(stderr, "libvirtd: --autostart serves no connection: no --socket-kind or --read-only\n");
        return EXIT_USAGE;
    }
    if (o.mode == MODE_LISTEN && o.kind_given) {
        fprintf(stderr, "libvirtd: --socket-kind does not apply to --listen\n");
        return EXIT_USAGE;
    }

    /* Until the configuration is read, messages go to the default output. */
    log_init(default_output(&o), o.verbose ? LOG_LEVEL_INFO : LOG_LEVEL_WARN, NULL, NULL, err,
             sizeof(err));
    if (o.mode != MODE_LISTEN && o.kind_given && o.kind == LISTEN_TLS && !tls_serve_here()) {
        tls_serve_hand_over("a TLS connection");
        return EXIT_SYSTEM;
    }
    signal(SIGPIPE, SIG_IGN);
    if (load_config(&o) < 0) {
        log_error("nothing started: fix the configuration file");
        return EXIT_CONFIG;
    }
    /* A listener without tls forks its pool from the small program. */
    if (o.mode == MODE_LISTEN && cfg.listen_tls && !tls_serve_here()) {
        tls_serve_hand_over("--listen with listen_tls = 1");
        return EXIT_SYSTEM;
    }
    if (setup_logging(default_output(&o), o.verbose ? LOG_LEVEL_INFO : cfg.log_level) < 0 &&
        o.mode == MODE_LISTEN) {
        log_error("nothing started: a log output cannot be opened");
        return EXIT_CONFIG;
    }

    r = o.mode == MODE_LISTEN      ? run_listen(&o)
        : o.mode == MODE_AUTOSTART ? autostart_run(&cfg)
                                   : run_one(&o);
    log_close();
    config_free(&cfg);
    return r;
}

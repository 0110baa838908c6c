#include "listen.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "log.h"

static const char *const kind_names[] = {"unix-rw", "unix-ro", "tcp", "tls"};

const char *listen_kind_name(enum listen_kind kind)
{
    return (unsigned)kind < 4 ? kind_names[kind] : "?";
}

int listen_kind_parse(const char *name, enum listen_kind *kind)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, kind_names[i]) == 0) {
            *kind = (enum listen_kind)i;
            return 0;
        }
    }
    return -1;
}

static int mkdir_p(const char *dir, mode_t mode)
{
    char buf[4096];
    size_t len = strlen(dir);

    if (len >= sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, dir, len + 1);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, mode) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* Removes a socket file left by a daemon that died, but never one that
 * something still listens on. A daemon killed outright leaves its idle
 * pool children holding the socket for the moment they take to die
 * (PR_SET_PDEATHSIG), so an answer is asked again for up to a second
 * before we believe it. Returns 0, or -1 with err set. */
static int remove_stale(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct stat st;
    int fd, r = 0;

    if (lstat(path, &st) < 0)
        return 0;
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, errlen, "%s exists and is not a socket", path);
        return -1;
    }
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    for (int attempt = 0; attempt < 10; attempt++) {
        if (attempt > 0)
            usleep(100 * 1000);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            snprintf(err, errlen, "socket: %s", strerror(errno));
            return -1;
        }
        r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
        close(fd);
        if (r < 0)
            break;
    }
    if (r == 0) {
        snprintf(err, errlen, "%s is in use by another daemon", path);
        return -1;
    }
    unlink(path);
    return 0;
}

static int bind_unix(struct listen_set *set, const struct config *cfg, enum listen_kind kind,
                     int backlog, char *err, size_t errlen)
{
    struct listener *l = &set->l[set->n];
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    unsigned perms = kind == LISTEN_UNIX_RO ? cfg->unix_sock_ro_perms : cfg->unix_sock_rw_perms;
    mode_t old;
    int fd, r;

    if (config_sock_path(cfg, kind == LISTEN_UNIX_RO ? CONFIG_SOCK_RO : CONFIG_SOCK_RW, l->path,
                         sizeof(l->path)) < 0) {
        snprintf(err, errlen, "unix_sock_dir %s is too long for a socket path",
                 cfg->unix_sock_dir);
        return -1;
    }
    if (mkdir_p(cfg->unix_sock_dir, 0755) < 0) {
        snprintf(err, errlen, "cannot create %s: %s", cfg->unix_sock_dir, strerror(errno));
        return -1;
    }
    if (remove_stale(l->path, err, errlen) < 0)
        return -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", l->path);
    /* Nobody may connect before the final mode is set. */
    old = umask(0077);
    r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    if (r < 0) {
        snprintf(err, errlen, "cannot bind %s: %s", l->path, strerror(errno));
        close(fd);
        return -1;
    }
    if (cfg->unix_sock_group) {
        struct group *gr = getgrnam(cfg->unix_sock_group);
        if (!gr) {
            snprintf(err, errlen, "unix_sock_group: no group named '%s'", cfg->unix_sock_group);
            goto fail;
        }
        if (chown(l->path, (uid_t)-1, gr->gr_gid) < 0) {
            snprintf(err, errlen, "cannot give %s to group %s: %s", l->path,
                     cfg->unix_sock_group, strerror(errno));
            goto fail;
        }
    }
    if (chmod(l->path, perms) < 0) {
        snprintf(err, errlen, "cannot chmod %s: %s", l->path, strerror(errno));
        goto fail;
    }
    if (listen(fd, backlog) < 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", l->path, strerror(errno));
        goto fail;
    }
    l->fd = fd;
    l->kind = kind;
    snprintf(l->desc, sizeof(l->desc), "%s %s", listen_kind_name(kind), sa.sun_path);
    set->n++;
    return 0;
fail:
    unlink(l->path);
    close(fd);
    return -1;
}

static void describe_addr(const struct sockaddr *sa, char *buf, size_t len)
{
    char host[INET6_ADDRSTRLEN] = "?";

    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        snprintf(buf, len, "[%s]:%d", host, ntohs(in6->sin6_port));
    } else {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        snprintf(buf, len, "%s:%d", host, ntohs(in->sin_port));
    }
}

static int bind_inet(struct listen_set *set, const char *addr, int port, enum listen_kind kind,
                     int backlog, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_ADDRCONFIG,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL, *ai;
    char service[16], where[128];
    int r, bound = 0, last_errno = 0;

    snprintf(service, sizeof(service), "%d", port);
    r = getaddrinfo(addr, service, &hints, &res);
    if (r == EAI_ADDRFAMILY || r == EAI_NONAME || r == EAI_NODATA) {
        /* AI_ADDRCONFIG hides loopback-only hosts' addresses; ask again. */
        hints.ai_flags = AI_PASSIVE;
        r = getaddrinfo(addr, service, &hints, &res);
    }
    if (r != 0) {
        snprintf(err, errlen, "cannot resolve listen_addr '%s': %s", addr ? addr : "",
                 gai_strerror(r));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        struct listener *l = &set->l[set->n];
        int fd, one = 1;

        if (set->n == LISTEN_MAX)
            break;
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                    ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        /* Separate sockets for v4 and v6, as libvirt binds them. */
        if (ai->ai_family == AF_INET6)
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        describe_addr(ai->ai_addr, where, sizeof(where));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, backlog) < 0) {
            last_errno = errno;
            close(fd);
            /* A host without IPv6 still serves IPv4. */
            if (ai->ai_family == AF_INET6 &&
                (last_errno == EADDRNOTAVAIL || last_errno == EAFNOSUPPORT))
                continue;
            snprintf(err, errlen, "cannot listen on %s %s: %s", listen_kind_name(kind), where,
                     strerror(last_errno));
            freeaddrinfo(res);
            return -1;
        }
        l->fd = fd;
        l->kind = kind;
        l->path[0] = '\0';
        snprintf(l->desc, sizeof(l->desc), "%s %s", listen_kind_name(kind), where);
        set->n++;
        bound++;
    }
    freeaddrinfo(res);
    if (bound == 0) {
        snprintf(err, errlen, "cannot listen on %s port %d: %s", listen_kind_name(kind), port,
                 strerror(last_errno ? last_errno : EADDRNOTAVAIL));
        return -1;
    }
    return 0;
}

int listen_open(struct listen_set *set, const struct config *cfg, char *err, size_t errlen)
{
    int backlog = cfg->max_queued_clients;

    memset(set, 0, sizeof(*set));
    err[0] = '\0';
    if (bind_unix(set, cfg, LISTEN_UNIX_RW, backlog, err, errlen) < 0 ||
        bind_unix(set, cfg, LISTEN_UNIX_RO, backlog, err, errlen) < 0)
        goto fail;
    if (cfg->listen_tcp &&
        bind_inet(set, cfg->listen_addr, cfg->tcp_port, LISTEN_TCP, backlog, err, errlen) < 0)
        goto fail;
    if (cfg->listen_tls &&
        bind_inet(set, cfg->listen_addr, cfg->tls_port, LISTEN_TLS, backlog, err, errlen) < 0)
        goto fail;
    return 0;
fail:
    listen_close(set);
    return -1;
}

void listen_close(struct listen_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        if (set->l[i].fd >= 0)
            close(set->l[i].fd);
        if (set->l[i].path[0])
            unlink(set->l[i].path);
        set->l[i].fd = -1;
        set->l[i].path[0] = '\0';
    }
    set->n = 0;
}

/* Idle children kept ready. Each one costs a fork the client no longer
 * waits for; a few cover the bursts a single host produces. */
#define LISTEN_POOL 4

enum child_state { CHILD_IDLE, CHILD_BUSY };

/* The children: idle ones waiting on the listening sockets, busy ones
 * serving their connection; a second SIGTERM reaches the busy ones. */
struct children {
    pid_t *pids;
    enum child_state *state;
    int n, max, idle;
};

static int children_find(const struct children *c, pid_t pid)
{
    for (int i = 0; i < c->n; i++)
        if (c->pids[i] == pid)
            return i;
    return -1;
}

static void children_remove(struct children *c, int i)
{
    if (c->state[i] == CHILD_IDLE)
        c->idle--;
    c->n--;
    c->pids[i] = c->pids[c->n];
    c->state[i] = c->state[c->n];
}

static void children_reap(struct children *c)
{
    pid_t pid;
    int status;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        int i = children_find(c, pid);
        bool idle = i >= 0 && c->state[i] == CHILD_IDLE;

        if (i >= 0)
            children_remove(c, i);
        if (idle)
            log_debug("idle connection process %ld ended", (long)pid);
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            log_debug("connection process %ld exited", (long)pid);
        else if (WIFEXITED(status))
            log_info("connection process %ld exited with status %d", (long)pid,
                     WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
            log_warn("connection process %ld was killed by signal %d", (long)pid,
                     WTERMSIG(status));
    }
}

/* A child announced on the pipe that it took a connection. */
static void children_mark_busy(struct children *c, pid_t pid)
{
    int i = children_find(c, pid);

    if (i >= 0 && c->state[i] == CHILD_IDLE) {
        c->state[i] = CHILD_BUSY;
        c->idle--;
    }
}

/* The pipe children announce taken connections on: pids, one write each
 * (atomic, being smaller than PIPE_BUF). */
static void drain_taken(struct children *c, int taken_fd)
{
    pid_t pid;

    while (read(taken_fd, &pid, sizeof(pid)) == (ssize_t)sizeof(pid))
        children_mark_busy(c, pid);
}

/* How long an idle child stops accepting after accept() failed for want
 * of a resource, and how often it says so. libvirt too stops accepting
 * for a while rather than retry at once: the connection stays queued, and
 * retrying cannot succeed before something else has ended. */
#define LISTEN_BACKOFF_MS 1000
#define LISTEN_BACKOFF_LOG_S 60

/* accept() errors that concern only the connection being accepted (gone
 * or refused on the way, accept(2)); anything else says "not now" (out of
 * fds or memory) or "never" (a broken listener), and is waited out. */
static bool accept_error_is_transient(int e)
{
    switch (e) {
    case EAGAIN:
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
    case EPERM:
    case ENETDOWN:
    case ENETUNREACH:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case EHOSTUNREACH:
    case ENONET:
    case EOPNOTSUPP:
        return true;
    default:
        return false;
    }
}

/* An idle child's accept() failures, logged once per LISTEN_BACKOFF_LOG_S
 * however often they recur. */
struct accept_failures {
    bool logged;
    struct timespec last_log;
    unsigned unlogged;
};

/* Notes a failed accept() on l with errno e, then waits LISTEN_BACKOFF_MS. */
static void accept_back_off(struct accept_failures *f, const struct listener *l, int e)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (!f->logged || now.tv_sec - f->last_log.tv_sec >= LISTEN_BACKOFF_LOG_S) {
        if (f->unlogged)
            log_warn("accept on %s: %s; not accepting for %d ms (%u failures not logged "
                     "since the last message)",
                     l->desc, strerror(e), LISTEN_BACKOFF_MS, f->unlogged);
        else
            log_warn("accept on %s: %s; not accepting for %d ms", l->desc, strerror(e),
                     LISTEN_BACKOFF_MS);
        f->logged = true;
        f->last_log = now;
        f->unlogged = 0;
    } else {
        f->unlogged++;
    }
    poll(NULL, 0, LISTEN_BACKOFF_MS);
}

/* An idle child: wait for a connection on any listener, take it, tell the
 * parent (which forks a replacement), serve it and exit. Each child waits
 * in an epoll set of its own with EPOLLEXCLUSIVE, so a connection wakes one
 * idle child, not the whole pool. The listeners are non-blocking: when
 * another child still wins the race for a connection, accept() says
 * EAGAIN and we wait again.
 *
 * A child holds only what it needs (the listeners, its end of the taken
 * pipe, its epoll set) and one spare fd on /dev/null: when accept() finds
 * no free fd (EMFILE, ENFILE), the spare is given up for the connection,
 * which then has the listeners' fds to be served with once they are
 * closed. */
static void child_run(struct listen_set *set, int sigfd, const int taken[2], pid_t parent,
                      const sigset_t *oldmask, listen_serve_fn serve, void *opaque)
{
    struct accept_failures failures = {0};
    struct epoll_event ev;
    pid_t self = getpid();
    int ep, spare;

    close(sigfd);
    close(taken[0]);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    sigprocmask(SIG_SETMASK, oldmask, NULL);
    /* An idle child must not outlive the daemon: it holds the sockets. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(0);
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        log_error("epoll_create1: %s", strerror(errno));
        _exit(3);
    }
    for (size_t i = 0; i < set->n; i++) {
        ev = (struct epoll_event){.events = EPOLLIN | EPOLLEXCLUSIVE, .data.u64 = i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, set->l[i].fd, &ev) < 0) {
            log_error("epoll_ctl on %s: %s", set->l[i].desc, strerror(errno));
            _exit(3);
        }
    }
    spare = -1;
    for (;;) {
        if (spare < 0)
            spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
        int n = epoll_wait(ep, &ev, 1, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            _exit(3);
        }
        if (n == 0)
            continue;
        size_t i = (size_t)ev.data.u64;
        int fd = accept4(set->l[i].fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0 && (errno == EMFILE || errno == ENFILE) && spare >= 0) {
            close(spare);
            spare = -1;
            fd = accept4(set->l[i].fd, NULL, NULL, SOCK_CLOEXEC);
        }
        if (fd < 0) {
            int e = errno;
            if (!accept_error_is_transient(e))
                accept_back_off(&failures, &set->l[i], e);
            else if (e != EAGAIN && e != EINTR && e != ECONNABORTED)
                log_warn("accept on %s: %s", set->l[i].desc, strerror(e));
            continue;
        }
        enum listen_kind kind = set->l[i].kind;
        (void)!write(taken[1], &self, sizeof(self));
        close(taken[1]);
        close(ep);
        if (spare >= 0)
            close(spare);
        /* From here on we are a connection, which outlives the daemon. */
        prctl(PR_SET_PDEATHSIG, 0);
        for (size_t j = 0; j < set->n; j++) {
            close(set->l[j].fd);
            set->l[j].fd = -1;
            set->l[j].path[0] = '\0'; /* the child must never remove them */
        }
        _exit(serve(fd, kind, opaque));
    }
}

/* Forks idle children until LISTEN_POOL wait or max_clients are reached.
 * Returns 0, or -1 when fork failed (the caller tries again later). */
static int pool_fill(struct listen_set *set, struct children *c, int sigfd, const int taken[2],
                     const sigset_t *oldmask, listen_serve_fn serve, void *opaque)
{
    pid_t parent = getpid();

    while (c->idle < LISTEN_POOL && c->n < c->max) {
        pid_t pid = fork();
        if (pid < 0) {
            log_error("cannot fork a connection process: %s", strerror(errno));
            return -1;
        }
        if (pid == 0)
            child_run(set, sigfd, taken, parent, oldmask, serve, opaque);
        c->pids[c->n] = pid;
        c->state[c->n] = CHILD_IDLE;
        c->n++;
        c->idle++;
    }
    return 0;
}

/* Stopping: the idle children hold the listening sockets, so they end
 * now, and the sockets with them, before we return to waiting. */
static void pool_stop(struct children *c, int taken_fd)
{
    drain_taken(c, taken_fd);
    for (int i = 0; i < c->n; i++)
        if (c->state[i] == CHILD_IDLE)
            kill(c->pids[i], SIGTERM);
    for (int i = 0; i < c->n;) {
        if (c->state[i] != CHILD_IDLE) {
            i++;
            continue;
        }
        while (waitpid(c->pids[i], NULL, 0) < 0 && errno == EINTR)
            ;
        children_remove(c, i);
    }
}

int listen_run(struct listen_set *set, int max_clients, listen_serve_fn serve, void *opaque)
{
    struct children c = {.max = max_clients > 0 ? max_clients : 1};
    struct pollfd pfd[2];
    sigset_t mask, oldmask;
    bool stopping = false, full_logged = false;
    int sigfd, taken[2] = {-1, -1}, ret = 0;

    c.pids = calloc((size_t)c.max, sizeof(*c.pids));
    c.state = calloc((size_t)c.max, sizeof(*c.state));
    if (!c.pids || !c.state || pipe2(taken, O_CLOEXEC) < 0) {
        log_error("cannot set up the connection pool: %s", strerror(errno));
        free(c.pids);
        free(c.state);
        return -1;
    }
    fcntl(taken[0], F_SETFL, O_NONBLOCK);
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    sigprocmask(SIG_BLOCK, &mask, &oldmask);
    sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sigfd < 0) {
        log_error("signalfd: %s", strerror(errno));
        ret = -1;
        goto out;
    }
    for (size_t i = 0; i < set->n; i++)
        log_info("listening on %s", set->l[i].desc);

    while (!stopping || c.n > 0) {
        int timeout = -1;

        if (!stopping) {
            if (pool_fill(set, &c, sigfd, taken, &oldmask, serve, opaque) < 0)
                timeout = 1000;
            if (c.idle == 0 && c.n >= c.max && !full_logged) {
                log_warn("max_clients (%d) connections open; new ones wait until one ends",
                         c.max);
                full_logged = true;
            }
            if (c.idle > 0)
                full_logged = false;
        }
        pfd[0] = (struct pollfd){.fd = sigfd, .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = taken[0], .events = POLLIN};
        if (poll(pfd, 2, timeout) < 0) {
            if (errno == EINTR)
                continue;
            log_error("poll: %s", strerror(errno));
            ret = -1;
            break;
        }
        if (pfd[1].revents & POLLIN)
            drain_taken(&c, taken[0]);
        if (pfd[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                if (si.ssi_signo == SIGCHLD)
                    continue;
                if (si.ssi_signo == SIGHUP) {
                    log_warn(
                        "SIGHUP: reloading is not supported; restart to apply libvirtd.conf");
                } else if (!stopping) {
                    stopping = true;
                    listen_close(set);
                    pool_stop(&c, taken[0]);
                    log_notice("stopping: no new connections; waiting for %d open ones", c.n);
                } else {
                    log_warn("second stop request: ending %d open connections", c.n);
                    for (int i = 0; i < c.n; i++)
                        kill(c.pids[i], SIGTERM);
                }
            }
            children_reap(&c);
        }
    }
out:
    if (sigfd >= 0)
        close(sigfd);
    close(taken[0]);
    close(taken[1]);
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
    free(c.pids);
    free(c.state);
    return ret;
}

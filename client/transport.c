#include "transport.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "config.h"
#include "error.h"
#include "tls.h"

extern char **environ;

#define FROM_RPC_DOMAIN 7

const char *transport_socket_dir(void)
{
    const char *dir = getenv("LIBVIRT_REMOTE_SOCKET_DIR");

    return dir && *dir ? dir : RUNSTATEDIR "/libvirt";
}

static int connect_unix(const char *path, int *fdp)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    *fdp = fd;
    return 0;
}

static int open_unix(const char *path, struct transport *tr)
{
    if (connect_unix(path, &tr->fd) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC_DOMAIN, "Failed to connect socket to '%s': %s",
                     path, strerror(errno));
        return -1;
    }
    tr->secure = 1;
    return 0;
}

static int open_tcp(const char *host, const char *service, struct transport *tr)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_ADDRCONFIG};
    struct addrinfo *res = NULL, *ai;
    int rc, saved = ECONNREFUSED;

    rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC_DOMAIN, "Unable to resolve address '%s' service '%s': %s",
                     host, service, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof(one));
            tr->fd = fd;
            freeaddrinfo(res);
            return 0;
        }
        saved = errno;
        close(fd);
    }
    freeaddrinfo(res);
    error_report(ERR_SYSTEM_ERROR, FROM_RPC_DOMAIN, "unable to connect to server at '%s:%s': %s",
                 host, service, strerror(saved));
    return -1;
}

/* Starts argv[0] (searched in PATH) with one end of a socket pair as its
 * stdin and stdout and a pipe as its stderr. Returns 0, or an errno value
 * (nothing recorded). */
static int spawn_child_errno(char *const argv[], struct transport *tr)
{
    int sv[2] = {-1, -1}, ep[2] = {-1, -1};
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int rc;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
        pipe2(ep, O_CLOEXEC) < 0) {
        rc = errno;
        goto fail;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
    posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
    rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        goto fail;
    close(sv[1]);
    close(ep[1]);
    fcntl(ep[0], F_SETFL, O_NONBLOCK);
    tr->fd = sv[0];
    tr->pid = pid;
    tr->err_fd = ep[0];
    tr->secure = 1;
    return 0;
fail:
    if (!rc)
        rc = EIO;
    for (int i = 0; i < 2; i++) {
        if (sv[i] >= 0)
            close(sv[i]);
        if (ep[i] >= 0)
            close(ep[i]);
    }
    return rc;
}

static int spawn_child(char *const argv[], struct transport *tr)
{
    int rc = spawn_child_errno(argv, tr);

    if (rc == 0)
        return 0;
    /* libvirt's child reports this on its stderr and the client then
     * sees the stream end; say the same. */
    error_report(ERR_SYSTEM_ERROR, FROM_RPC_DOMAIN,
                 "Cannot recv data: libvirt:  error : cannot execute binary %s: %s: "
                 "Connection reset by peer",
                 argv[0], strerror(rc));
    return -1;
}

/* Wraps s in single quotes for a POSIX shell. */
static char *shell_quote(const char *s)
{
    size_t n = 2;
    char *out, *p;

    for (const char *c = s; *c; c++)
        n += *c == '\'' ? 4 : 1;
    out = malloc(n + 1);
    if (!out)
        return NULL;
    p = out;
    *p++ = '\'';
    for (const char *c = s; *c; c++) {
        if (*c == '\'') {
            memcpy(p, "'\\''", 4);
            p += 4;
        } else {
            *p++ = *c;
        }
    }
    *p++ = '\'';
    *p = '\0';
    return out;
}

/* Whether a word needs no quoting for the shell. */
static int shell_safe(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("/._-+:,@%=", *s))
            return 0;
    return 1;
}

/* The command the remote shell runs to reach its libvirtd, worded exactly
 * as libvirt 9.0 words it (so a remote host set up for real libvirt works,
 * and captures compare): virt-ssh-helper, the native proxy, when there;
 * netcat on the daemon's socket otherwise. */
static char *ssh_remote_command(const struct uri *uri, int readonly)
{
    const char *sock = uri->socket ? uri->socket
                       : readonly  ? "/var/run/libvirt/libvirt-sock-ro"
                                   : "/var/run/libvirt/libvirt-sock";
    char *qnc = shell_quote(uri->netcat ? uri->netcat : "nc");
    char *qsock = shell_safe(sock) ? strdup(sock) : shell_quote(sock);
    char *qname = shell_quote(uri->remote_name ? uri->remote_name : "");
    const char *ro = readonly ? "-r " : "";
    enum uri_proxy proxy = uri->proxy;
    char *nc = NULL, *cmd = NULL;
    int rc = -1;

    if (!qnc || !qsock || !qname)
        goto out;
    /* Naming a socket or a netcat means netcat. */
    if (proxy == URI_PROXY_AUTO && (uri->socket || uri->netcat))
        proxy = URI_PROXY_NETCAT;
    if (asprintf(&nc,
                 "if %s -q 2>&1 | grep \"requires an argument\" >/dev/null 2>&1; then "
                 "ARG=-q0;else ARG=;fi;%s $ARG -U %s",
                 qnc, qnc, qsock) < 0) {
        nc = NULL;
        goto out;
    }
    switch (proxy) {
    case URI_PROXY_NETCAT:
        rc = asprintf(&cmd, "sh -c '%s'", nc);
        break;
    case URI_PROXY_NATIVE:
        rc = asprintf(&cmd, "sh -c 'virt-ssh-helper %s%s'", ro, qname);
        break;
    case URI_PROXY_AUTO:
        rc = asprintf(&cmd,
                      "sh -c 'which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then "
                      "    virt-ssh-helper %s%s; else    %s; fi'",
                      ro, qname, nc);
        break;
    }
out:
    free(qnc);
    free(qsock);
    free(qname);
    free(nc);
    return rc < 0 ? NULL : cmd;
}

static int open_ssh(const struct uri *uri, int readonly, struct transport *tr)
{
    char *argv[24];
    int n = 0, rc;
    char *remote;
    char port[16];

    if (uri->proxy == URI_PROXY_NATIVE && uri->netcat) {
        error_report(ERR_INVALID_ARG, FROM_RPC_DOMAIN, "%s",
                     "netcat path not valid with native proxy mode");
        return -1;
    }
    remote = ssh_remote_command(uri, readonly);
    if (!remote) {
        error_report(ERR_NO_MEMORY, FROM_RPC_DOMAIN, NULL);
        return -1;
    }
    argv[n++] = uri->command ? uri->command : (char *)"ssh";
    if (uri->port > 0) {
        snprintf(port, sizeof(port), "%d", uri->port);
        argv[n++] = (char *)"-p";
        argv[n++] = port;
    }
    if (uri->user) {
        argv[n++] = (char *)"-l";
        argv[n++] = uri->user;
    }
    if (uri->keyfile) {
        argv[n++] = (char *)"-i";
        argv[n++] = uri->keyfile;
    }
    argv[n++] = (char *)"-T";
    argv[n++] = (char *)"-e";
    argv[n++] = (char *)"none";
    if (uri->no_tty) {
        argv[n++] = (char *)"-o";
        argv[n++] = (char *)"BatchMode=yes";
    }
    if (uri->no_verify) {
        argv[n++] = (char *)"-o";
        argv[n++] = (char *)"StrictHostKeyChecking=no";
    }
    argv[n++] = (char *)"--";
    argv[n++] = uri->server ? uri->server : (char *)"localhost";
    argv[n++] = remote;
    argv[n] = NULL;
    rc = spawn_child(argv, tr);
    tr->secure = 1;
    free(remote);
    return rc;
}

static const char *libvirtd_path(void)
{
    const char *p = getenv("LIBVIRTD_PATH");

    return p && *p ? p : SBINDIR "/libvirtd";
}

/* A local URI: the daemon's socket when one listens, else a private
 * libvirtd --stdio for this connection. */
static int open_local(const struct uri *uri, int readonly, struct transport *tr)
{
    char path[4096];
    const char *autostart = getenv("LIBVIRT_AUTOSTART");

    snprintf(path, sizeof(path), "%s/%s", transport_socket_dir(),
             readonly ? "libvirt-sock-ro" : "libvirt-sock");
    if (connect_unix(path, &tr->fd) == 0) {
        tr->secure = 1;
        return 0;
    }
    if ((errno != ENOENT && errno != ECONNREFUSED) || (autostart && strcmp(autostart, "0") == 0)) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC_DOMAIN, "Failed to connect socket to '%s': %s",
                     path, strerror(errno));
        return -1;
    }
    int sock_err = errno, rc;
    char *argv[] = {(char *)libvirtd_path(), (char *)"--stdio",
                    readonly ? (char *)"--read-only" : NULL, NULL};
    rc = spawn_child_errno(argv, tr);
    if (rc != 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC_DOMAIN,
                     "Failed to connect socket to '%s': %s; cannot start '%s': %s", path,
                     strerror(sock_err), argv[0], strerror(rc));
        return -1;
    }
    tr->spawned = 1;
    return 0;
}

/* tls: tcp, then rpc/tls's client end on a channel over the socket. */
static int open_tls(const struct uri *uri, struct transport *tr)
{
    const char *host = uri->server ? uri->server : "localhost";
    struct tls_options opt = {
        .pkipath = uri->pkipath,
        .priority = uri->tls_priority,
        .no_verify = uri->no_verify != 0,
    };
    struct tls_peer peer = {0};
    struct tls_context *ctx;
    int rc;

    /* The credentials first: a client whose own files are bad never
     * connects, as in libvirt. */
    if (!(ctx = tls_context_new(false, &opt)))
        return -1;
    if (open_tcp(host, uri->service, tr) < 0) {
        tls_context_free(ctx);
        return -1;
    }
    if (!(tr->ch = channel_new(tr->fd, tr->fd))) {
        close(tr->fd);
        tr->fd = -1;
        tls_context_free(ctx);
        error_report(ERR_NO_MEMORY, FROM_RPC_DOMAIN, NULL);
        return -1;
    }
    rc = tls_client_connect(ctx, tr->ch, host, &peer);
    /* The channel holds the context as long as it needs it. */
    tls_context_free(ctx);
    if (peer.warning)
        fprintf(stderr, "libvirt: warning : %s\n", peer.warning);
    tls_peer_clear(&peer);
    if (rc < 0)
        return -1;
    tr->secure = 1;
    return 0;
}

static int connect_any(const struct uri *uri, int readonly, struct transport *tr)
{
    char *argv[2];

    if (uri->local && !uri->socket)
        return open_local(uri, readonly, tr);
    switch (uri->transport) {
    case URI_TRANSPORT_UNIX:
        if (uri->socket)
            return open_unix(uri->socket, tr);
        {
            char path[4096];
            snprintf(path, sizeof(path), "%s/%s", transport_socket_dir(),
                     readonly ? "libvirt-sock-ro" : "libvirt-sock");
            return open_unix(path, tr);
        }
    case URI_TRANSPORT_TCP:
        return open_tcp(uri->server ? uri->server : "localhost", uri->service, tr);
    case URI_TRANSPORT_SSH:
        return open_ssh(uri, readonly, tr);
    case URI_TRANSPORT_EXT:
        argv[0] = uri->command;
        argv[1] = NULL;
        if (spawn_child(argv, tr) < 0)
            return -1;
        /* libvirt cannot know what the command does with the bytes. */
        tr->secure = 0;
        return 0;
    case URI_TRANSPORT_TLS:
        return open_tls(uri, tr);
    case URI_TRANSPORT_LIBSSH:
    case URI_TRANSPORT_LIBSSH2:
        error_report(ERR_NO_SUPPORT, FROM_RPC_DOMAIN, "transport '%s' (use 'ssh')",
                     uri_transport_name(uri->transport));
        return -1;
    }
    return -1;
}

int transport_open(const struct uri *uri, int readonly, struct transport *tr)
{
    memset(tr, 0, sizeof(*tr));
    tr->fd = -1;
    tr->err_fd = -1;
    if (connect_any(uri, readonly, tr) < 0) {
        /* What a failed connect left behind: a channel (tls) or an fd. */
        if (tr->ch)
            channel_free(tr->ch);
        else if (tr->fd >= 0)
            close(tr->fd);
        tr->ch = NULL;
        tr->fd = -1;
        return -1;
    }
    if (!tr->ch && !(tr->ch = channel_new(tr->fd, tr->fd))) {
        close(tr->fd);
        tr->fd = -1;
        error_report(ERR_NO_MEMORY, FROM_RPC_DOMAIN, NULL);
        return -1;
    }
    return 0;
}

void transport_drain_stderr(struct transport *tr)
{
    char buf[4096];
    ssize_t n;

    if (tr->err_fd < 0)
        return;
    while ((n = read(tr->err_fd, buf, sizeof(buf))) > 0) {
        size_t k = (size_t)n, cap = sizeof(tr->errbuf);
        if (k >= cap) {
            memcpy(tr->errbuf, buf + k - cap, cap);
            tr->errlen = cap;
        } else {
            if (tr->errlen + k > cap) {
                size_t drop = tr->errlen + k - cap;
                memmove(tr->errbuf, tr->errbuf + drop, tr->errlen - drop);
                tr->errlen -= drop;
            }
            memcpy(tr->errbuf + tr->errlen, buf, k);
            tr->errlen += k;
        }
    }
}

char *transport_child_stderr(struct transport *tr)
{
    size_t len;
    char *out;

    if (tr->err_fd < 0)
        return NULL;
    /* Give a dying child a moment to finish its message. */
    for (int tries = 0; tries < 20; tries++) {
        struct pollfd pfd = {.fd = tr->err_fd, .events = POLLIN};
        if (poll(&pfd, 1, 50) <= 0)
            break;
        size_t before = tr->errlen;
        transport_drain_stderr(tr);
        if (tr->errlen == before)
            break; /* end of file */
    }
    len = tr->errlen;
    while (len > 0 && (tr->errbuf[len - 1] == '\n' || tr->errbuf[len - 1] == '\r' ||
                       tr->errbuf[len - 1] == ' '))
        len--;
    if (len == 0)
        return NULL;
    out = strndup(tr->errbuf, len);
    return out;
}

void transport_close(struct transport *tr)
{
    if (tr->ch) {
        channel_free(tr->ch);
        tr->ch = NULL;
        tr->fd = -1;
    }
    if (tr->err_fd >= 0) {
        close(tr->err_fd);
        tr->err_fd = -1;
    }
    if (tr->pid > 0) {
        int status;
        /* The child sees end of file and exits; a stuck one is ended. */
        for (int i = 0; i < 40; i++) {
            pid_t r = waitpid(tr->pid, &status, WNOHANG);
            if (r == tr->pid || (r < 0 && errno != EINTR)) {
                tr->pid = 0;
                return;
            }
            struct timespec ts = {0, 25 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        kill(tr->pid, SIGTERM);
        while (waitpid(tr->pid, &status, 0) < 0 && errno == EINTR)
            ;
        tr->pid = 0;
    }
}

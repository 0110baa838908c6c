/* listen: the standalone daemon (`libvirtd --listen`) for hosts with
 * neither systemd socket units nor xinetd. It binds what libvirtd.conf
 * enables and serves each connection in a child process of its own; the
 * child runs the same per-connection code as every other way of starting,
 * handed to it as a callback, and exits when its client hangs up.
 *
 * The parent never touches a connection: it keeps a small pool of forked
 * children waiting in accept() on the shared listening sockets. The child
 * that takes a connection tells the parent, which forks a replacement, and
 * serves that one connection, then exits; a client never waits for a
 * fork (docs/performance.md). */
#ifndef SRC_LISTEN_H
#define SRC_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/* What kind of socket a connection arrived on; decides read-only access,
 * the auth setting that applies and whether TLS runs first. */
enum listen_kind {
    LISTEN_UNIX_RW,
    LISTEN_UNIX_RO,
    LISTEN_TCP,
    LISTEN_TLS,
};

#define LISTEN_MAX 16

struct listener {
    int fd;
    enum listen_kind kind;
    char desc[160]; /* "unix /run/libvirt/libvirt-sock", "tcp 0.0.0.0:16509" */
    char path[108]; /* unix sockets: removed by listen_close */
};

struct listen_set {
    struct listener l[LISTEN_MAX];
    size_t n;
};

/* "unix-rw", "unix-ro", "tcp", "tls". */
const char *listen_kind_name(enum listen_kind kind);

/* Parses one of the names above. Returns 0 or -1. */
int listen_kind_parse(const char *name, enum listen_kind *kind);

/* Binds every socket cfg enables: the unix rw and ro sockets always, tcp
 * when listen_tcp, tls when listen_tls. Unix sockets get unix_sock_*_perms
 * and unix_sock_group; a stale socket file nobody listens on is replaced.
 * Returns 0, or -1 with the reason in err and nothing left bound. */
int listen_open(struct listen_set *set, const struct config *cfg, char *err, size_t errlen);

/* Serves one accepted connection in a forked child; its return value is
 * the child's exit status. */
typedef int (*listen_serve_fn)(int fd, enum listen_kind kind, void *opaque);

/* The pool loop. At most max_clients processes exist at once, idle ones
 * included, so at most max_clients connections are served at once and,
 * with every process busy, new ones wait in the kernel's backlog. SIGTERM or SIGINT
 * stops accepting (the sockets are closed and unix ones removed) and
 * returns once every open connection has finished; a second one passes
 * SIGTERM on to the children. Returns 0, or -1 on a system error. */
int listen_run(struct listen_set *set, int max_clients, listen_serve_fn serve, void *opaque);

/* Closes every listener and removes the unix socket files. */
void listen_close(struct listen_set *set);

#endif

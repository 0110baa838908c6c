/* transport: turns a parsed URI into a connected channel to a libvirtd: a
 * unix or tcp socket, a tcp socket carrying a TLS session (rpc/tls), or one
 * end of a socket pair whose other end is the stdin/stdout of a child (ssh,
 * the ext command, or a libvirtd --stdio this client started because no
 * local daemon listens). */
#ifndef CLIENT_TRANSPORT_H
#define CLIENT_TRANSPORT_H

#include <sys/types.h>

#include "uri.h"

struct channel;

struct transport {
    struct channel *ch; /* the stream (owns its fd, and its TLS session for
                         * tls); the caller takes it over */
    int fd;       /* the connected fd while opening; ch's once ch is set */
    pid_t pid;    /* the child at the other end, 0 when none */
    int err_fd;   /* read end of the child's stderr, -1 when none */
    int secure;   /* unix socket, ssh, or a daemon we spawned (not tcp, not ext) */
    int spawned;  /* we started libvirtd for a local URI */
    char errbuf[4096]; /* the tail of what the child wrote on stderr */
    size_t errlen;
};

/* Connects as `uri` says; `readonly` picks the read-only unix socket and
 * starts a spawned daemon with --read-only. For tls the handshake, the
 * check of the server and the server's confirmation byte are done here
 * (pkipath=, no_verify=, tls_priority= apply); a check that no_verify=1 let
 * through is printed on stderr as libvirt's warning. Returns 0 with *tr
 * filled (tr->ch blocking), or -1 with an error recorded (libvirt's texts:
 * "Failed to connect socket to '...': ...", "unable to connect to server at
 * 'h:p': ...", rpc/tls's messages). */
int transport_open(const struct uri *uri, int readonly, struct transport *tr);

/* Reads what the child wrote on stderr since the last call, without
 * blocking, keeping the last sizeof(errbuf) bytes: a chatty child never
 * blocks on a full pipe while the connection is in use. */
void transport_drain_stderr(struct transport *tr);

/* What the child wrote on stderr so far (trimmed), or NULL. Caller frees. */
char *transport_child_stderr(struct transport *tr);

/* Closes err_fd and reaps the child (terminating it if it lingers). Frees
 * tr->ch if the caller did not take it; free a channel taken over first. */
void transport_close(struct transport *tr);

/* The directory holding libvirt-sock and libvirt-sock-ro for local URIs:
 * $LIBVIRT_REMOTE_SOCKET_DIR, or RUNSTATEDIR/libvirt. */
const char *transport_socket_dir(void);

#endif

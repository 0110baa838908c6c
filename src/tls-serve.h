/* tls-serve: how this program serves TLS connections, in one of two ways
 * linked in (src/meson.build): tls-serve.c serves them itself (libvirtd-full,
 * and the one libvirtd of a build without the static daemon); tls-lean.c,
 * in the static libvirtd that has no gnutls, hands them to libvirtd-full,
 * the same program with it, installed beside it. main.c calls these and
 * knows neither. */
#ifndef SRC_TLS_SERVE_H
#define SRC_TLS_SERVE_H

#include <stdbool.h>

struct channel;
struct config;

/* First thing in main, with its argv (a hand-over runs it again). */
void tls_serve_init(char **argv);

/* Whether this program serves TLS itself. When it does not,
 * tls_serve_hand_over replaces the process with one that does, with the
 * same arguments, fds and environment; it returns only on failure,
 * having logged it (why: what needs TLS, for the message). */
bool tls_serve_here(void);
void tls_serve_hand_over(const char *why);

/* Loads the server's credentials from cfg, once (in --listen before any
 * fork, so that bad certificates stop the start as they stop libvirtd's).
 * Returns 0, or -1 logged with config_name. */
int tls_serve_setup(const struct config *cfg, const char *config_name);

/* The handshake and every check of the peer's certificate on ch, after
 * tls_serve_setup; logs the refusal (the client gets no word, as with
 * libvirtd) or the certificate presented. Returns 0 to serve it, -1 when
 * refused. */
int tls_serve_accept(const struct config *cfg, const char *config_name, struct channel *ch,
                     const char *peer);

#endif

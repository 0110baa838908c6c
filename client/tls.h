/* tls: the client end of libvirt's TLS transport. After the TCP connect:
 * x509 credentials (pkipath= or libvirt's default locations), the
 * handshake, the server certificate check (unless no_verify=1), then the
 * one status byte the server sends (1: our certificate and address were
 * accepted). The session is then run by a relay thread between the socket
 * and one end of a socket pair, so the rest of the client reads and writes
 * plain frames on the other end like on any other transport. */
#ifndef CLIENT_TLS_H
#define CLIENT_TLS_H

#include "uri.h"

struct tls_relay;

/* Takes ownership of the connected socket `sock`. Returns 0 with *plain
 * (the caller's end, owned by the caller) and *relay set, or -1 with an
 * error recorded (sock closed). */
int tls_client_start(int sock, const struct uri *uri, const char *host, int *plain,
                     struct tls_relay **relay);

/* Waits for the relay to finish (it does once the caller's end is closed
 * or the server hangs up) and frees it. */
void tls_relay_stop(struct tls_relay *relay);

#endif

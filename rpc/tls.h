/* tls: x509 credentials, the TLS handshake on a channel and the checks both
 * ends make of the other's certificate, as libvirt makes them.
 *
 * A context holds one end's credentials (CA list, CRL, own certificate and
 * key) and its policy; it is made once per process. tls_server_accept and
 * tls_client_connect run one connection's handshake on a channel, check the
 * peer, exchange libvirt's one-byte confirmation and leave the channel
 * carrying application data through the session. Nothing here prints:
 * failures are recorded with error_report (rpc/error.h), and a check that
 * failed but was let through by no_verify comes back in tls_peer.warning for
 * the caller to show. */
#ifndef RPC_TLS_H
#define RPC_TLS_H

#include <stdbool.h>

struct channel;
struct tls_context;

/* libvirt's credential files (kbase/tlscerts.html). Any member may be NULL
 * where the role has none. */
struct tls_paths {
    char *ca_file;   /* cacert.pem: the CA certificates that sign peers */
    char *crl_file;  /* cacrl.pem: revocation list, optional */
    char *cert_file; /* servercert.pem or clientcert.pem */
    char *key_file;  /* serverkey.pem or clientkey.pem */
};

/* Fills *paths the way libvirt locates them:
 *  - pkipath set (the URI's pkipath=): PKIPATH/cacert.pem, cacrl.pem,
 *    {server,client}cert.pem, {server,client}key.pem, whether they exist or
 *    not;
 *  - otherwise, for a user other than root: $HOME/.pki/libvirt/ with the same
 *    names, each (the certificate and key as a pair) falling back to the
 *    system file when missing there;
 *  - the system files: /etc/pki/CA/cacert.pem, /etc/pki/CA/cacrl.pem,
 *    /etc/pki/libvirt/{server,client}cert.pem,
 *    /etc/pki/libvirt/private/{server,client}key.pem.
 * Returns 0, or -1 (error recorded) when out of memory; free with
 * tls_paths_clear. */
int tls_paths_locate(struct tls_paths *paths, bool server, const char *pkipath);

/* Frees the members and zeroes *paths. */
void tls_paths_clear(struct tls_paths *paths);

struct tls_options {
    /* Credential files; NULL picks tls_paths_locate's choice (with
     * `pkipath`), "" loads none (libvirtd.conf's key_file = "" etc.). The CA
     * file must exist; the CRL is skipped when missing; the server's
     * certificate and key must exist, a client without them connects
     * certificate-less (and a server will refuse it). */
    const char *pkipath;
    const char *ca_file, *crl_file, *cert_file, *key_file;
    /* gnutls priority string; NULL: "NORMAL", libvirt's default. */
    const char *priority;
    /* Accept a peer whose certificate fails the checks, with a warning
     * (server: tls_no_verify_certificate; client: no_verify=1). */
    bool no_verify;
    /* Skip checking our own certificate and the CA at load time (server:
     * tls_no_sanity_certificate). libvirt's clients always check, even with
     * no_verify=1. */
    bool no_sanity;
    /* Server: fnmatch(3) patterns a client's DN must match, NULL-terminated;
     * NULL lets any certificate the CA signed in (tls_allowed_dn_list). */
    const char *const *allowed_dn;
    /* Server: the client certificate must name the address the connection
     * comes from, in a SAN IP entry or as its CN (docs/tls.md). */
    bool check_address;
    /* Limit for the handshake and for waiting for the confirmation byte,
     * in milliseconds; <= 0: 60000. */
    int timeout_ms;
};

/* Loads and (unless no_sanity) checks the credentials, validates the
 * priority string. Returns the context, or NULL with an error recorded
 * carrying libvirt's message for the fault ("The server certificate %s has
 * expired", "Cannot read CA certificate '%s': ..."). The strings in *opt are
 * copied. Free with tls_context_free. */
struct tls_context *tls_context_new(bool server, const struct tls_options *opt);

/* Drops the caller's reference. A channel carrying a session made from the
 * context holds its own until channel_free, so the context may be freed as
 * soon as the connection is set up. */
void tls_context_free(struct tls_context *ctx);

/* What one end learnt about the other. Free with tls_peer_clear. */
struct tls_peer {
    char *dn;      /* the peer certificate's DN, libvirt's (legacy) order;
                    * NULL when it sent none */
    char *warning; /* a check that failed but no_verify let through; NULL
                    * when every check passed */
};

void tls_peer_clear(struct tls_peer *peer);

/* Server end of a fresh connection on ch (nothing read from it yet):
 * handshake (requesting a client certificate), check the client (CA, dates,
 * CRL, usage, allowed DN, optionally its address, taken from the socket
 * with getpeername), then send the confirmation byte 1. On refusal nothing
 * is sent, as with libvirtd: the caller logs error_last() and frees the
 * channel, which closes it. On success the channel carries the session.
 * Returns 0 or -1 (error recorded). *peer is filled either way. */
int tls_server_accept(struct tls_context *ctx, struct channel *ch, struct tls_peer *peer);

/* Client end: handshake, check the server certificate (CA, dates, CRL,
 * usage, and that it names `host`, a hostname or IP address as in the
 * URI), then read the server's confirmation byte; anything but 1, or a
 * close, means the server refused us. Returns 0 or -1 (error recorded,
 * e.g. "server verification (of our certificate or IP address) failed").
 * *peer is filled either way. */
int tls_client_connect(struct tls_context *ctx, struct channel *ch, const char *host,
                       struct tls_peer *peer);

#endif

#include "tls.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "error.h"

#define FROM_RPC_DOMAIN 7

struct tls_relay {
    gnutls_session_t session;
    gnutls_certificate_credentials_t cred;
    int sock;  /* to the server */
    int plain; /* our end of the socket pair */
    pthread_t thread;
};

static int file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* libvirt's client PKI layout: pkipath= when given; else the user's
 * ~/.pki/libvirt when it has a CA certificate there (not for root); else
 * the system's /etc/pki. */
static void pki_paths(const struct uri *uri, char *ca, char *cert, char *key, size_t len)
{
    const char *home = getenv("HOME");

    if (uri->pkipath) {
        snprintf(ca, len, "%s/cacert.pem", uri->pkipath);
        snprintf(cert, len, "%s/clientcert.pem", uri->pkipath);
        snprintf(key, len, "%s/clientkey.pem", uri->pkipath);
        return;
    }
    if (geteuid() != 0 && home) {
        snprintf(ca, len, "%s/.pki/libvirt/cacert.pem", home);
        if (file_exists(ca)) {
            snprintf(cert, len, "%s/.pki/libvirt/clientcert.pem", home);
            snprintf(key, len, "%s/.pki/libvirt/clientkey.pem", home);
            return;
        }
    }
    snprintf(ca, len, "%s", "/etc/pki/CA/cacert.pem");
    snprintf(cert, len, "%s", "/etc/pki/libvirt/clientcert.pem");
    snprintf(key, len, "%s", "/etc/pki/libvirt/private/clientkey.pem");
}

static int tls_fail(const char *what, int rc)
{
    error_report(ERR_SYSTEM_ERROR, FROM_RPC_DOMAIN, "%s: %s", what, gnutls_strerror(rc));
    return -1;
}

static int load_credentials(struct tls_relay *r, const struct uri *uri)
{
    char ca[4096], cert[4096], key[4096];
    int rc;

    pki_paths(uri, ca, cert, key, sizeof(ca));
    rc = gnutls_certificate_allocate_credentials(&r->cred);
    if (rc < 0)
        return tls_fail("Unable to allocate x509 credentials", rc);
    if (!file_exists(ca)) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC_DOMAIN, "Cannot read CA certificate '%s': %s", ca,
                     strerror(errno));
        return -1;
    }
    rc = gnutls_certificate_set_x509_trust_file(r->cred, ca, GNUTLS_X509_FMT_PEM);
    if (rc < 0)
        return tls_fail("Unable to set x509 CA certificate", rc);
    /* A client certificate is optional for the handshake; a server that
     * wants one refuses us with the status byte. */
    if (file_exists(cert) && file_exists(key)) {
        rc = gnutls_certificate_set_x509_key_file(r->cred, cert, key, GNUTLS_X509_FMT_PEM);
        if (rc < 0)
            return tls_fail("Unable to set x509 key and certificate", rc);
    }
    return 0;
}

/* The server's certificate must chain to our CA and name `host`. */
static int verify_server(struct tls_relay *r, const char *host)
{
    unsigned int status = 0;
    gnutls_datum_t out = {0};
    int rc;

    rc = gnutls_certificate_verify_peers3(r->session, host, &status);
    if (rc < 0)
        return tls_fail("Unable to verify TLS peer", rc);
    if (status == 0)
        return 0;
    /* libvirt's message has no detail; gnutls' reason goes to str1 for
     * whoever wants it. */
    error_report(ERR_AUTH_FAILED, FROM_RPC_DOMAIN, "%s", "Failed to verify peer's certificate");
    if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) == 0) {
        struct error e = {
            .code = ERR_AUTH_FAILED,
            .domain = FROM_RPC_DOMAIN,
            .level = ERR_LEVEL_ERROR,
            .message = (char *)"authentication failed: Failed to verify peer's certificate",
            .str1 = (char *)out.data,
        };
        error_set(&e); /* copies the strings */
        gnutls_free(out.data);
    }
    return -1;
}

static int send_all_tls(gnutls_session_t s, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = gnutls_record_send(s, buf, len);
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Shuttles bytes until either side ends; then ends the other. */
static void *relay_main(void *arg)
{
    struct tls_relay *r = arg;
    char buf[65536];

    for (;;) {
        struct pollfd p[2] = {{.fd = r->sock, .events = POLLIN}, {.fd = r->plain, .events = POLLIN}};
        int pending = gnutls_record_check_pending(r->session) > 0;

        if (!pending && poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pending || (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = gnutls_record_recv(r->session, buf, sizeof(buf));
            if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
                continue;
            if (n <= 0 || write_all(r->plain, buf, (size_t)n) < 0)
                break;
        }
        if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = read(r->plain, buf, sizeof(buf));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                gnutls_bye(r->session, GNUTLS_SHUT_WR);
                break;
            }
            if (send_all_tls(r->session, buf, (size_t)n) < 0)
                break;
        }
    }
    /* The client sees the end of the stream. */
    shutdown(r->plain, SHUT_RDWR);
    return NULL;
}

static void relay_free(struct tls_relay *r)
{
    if (r->session)
        gnutls_deinit(r->session);
    if (r->cred)
        gnutls_certificate_free_credentials(r->cred);
    if (r->sock >= 0)
        close(r->sock);
    if (r->plain >= 0)
        close(r->plain);
    free(r);
}

int tls_client_start(int sock, const struct uri *uri, const char *host, int *plain,
                     struct tls_relay **relay)
{
    struct tls_relay *r = calloc(1, sizeof(*r));
    int sv[2] = {-1, -1};
    unsigned char status;
    const char *err_pos = NULL;
    int rc;

    if (!r) {
        close(sock);
        error_report(ERR_NO_MEMORY, FROM_RPC_DOMAIN, NULL);
        return -1;
    }
    r->sock = sock;
    r->plain = -1;
    if (load_credentials(r, uri) < 0)
        goto fail;
    rc = gnutls_init(&r->session, GNUTLS_CLIENT);
    if (rc < 0) {
        tls_fail("Failed to initialize TLS session", rc);
        goto fail;
    }
    rc = gnutls_priority_set_direct(r->session, uri->tls_priority ? uri->tls_priority : "NORMAL",
                                    &err_pos);
    if (rc < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC_DOMAIN,
                     "Failed to set TLS session priority to %s: %s",
                     uri->tls_priority ? uri->tls_priority : "NORMAL", gnutls_strerror(rc));
        goto fail;
    }
    gnutls_credentials_set(r->session, GNUTLS_CRD_CERTIFICATE, r->cred);
    gnutls_server_name_set(r->session, GNUTLS_NAME_DNS, host, strlen(host));
    gnutls_transport_set_int(r->session, sock);
    do
        rc = gnutls_handshake(r->session);
    while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
    if (rc < 0) {
        tls_fail("TLS handshake failed", rc);
        goto fail;
    }
    if (!uri->no_verify && verify_server(r, host) < 0)
        goto fail;
    /* The server's verdict on our certificate and address. */
    do
        rc = (int)gnutls_record_recv(r->session, &status, 1);
    while (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED);
    /* libvirt's wording for both outcomes: a server that does not accept
     * us mostly just hangs up. */
    if (rc <= 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC_DOMAIN, "%s",
                     "Unable to read TLS confirmation: Input/output error");
        goto fail;
    }
    if (status != 1) {
        error_report(ERR_RPC, FROM_RPC_DOMAIN, "%s",
                     "server verification (of our certificate or IP address) failed");
        goto fail;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC_DOMAIN, "Unable to create socket pair: %s",
                     strerror(errno));
        goto fail;
    }
    r->plain = sv[1];
    rc = pthread_create(&r->thread, NULL, relay_main, r);
    if (rc != 0) {
        close(sv[0]);
        error_report(ERR_SYSTEM_ERROR, FROM_RPC_DOMAIN, "Unable to start TLS relay: %s",
                     strerror(rc));
        goto fail;
    }
    *plain = sv[0];
    *relay = r;
    return 0;
fail:
    relay_free(r);
    return -1;
}

void tls_relay_stop(struct tls_relay *relay)
{
    if (!relay)
        return;
    pthread_join(relay->thread, NULL);
    relay_free(relay);
}

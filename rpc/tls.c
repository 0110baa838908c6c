#include "tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "error.h"

#define TLS_PKI_DIR "/etc/pki"
#define TLS_DEFAULT_PRIORITY "NORMAL"
#define TLS_DEFAULT_TIMEOUT_MS 60000
#define TLS_REASON_MAX 1024
#define TLS_KEY_FILE_MAX (1 << 20) /* a key file larger than this is not one */

struct tls_context {
    int refs; /* the creator's, plus one per channel carrying a session */
    bool server;
    gnutls_certificate_credentials_t cred;
    gnutls_priority_t prio;
    bool no_verify;
    bool check_address;
    char **allowed_dn; /* NULL-terminated copy, or NULL */
    unsigned int timeout_ms;
};

/* What a failed check says, kept until the caller knows whether it refuses
 * (an error) or lets the peer in (a warning). */
struct tls_reason {
    char text[TLS_REASON_MAX];
};

static void reason_set(struct tls_reason *why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void reason_set(struct tls_reason *why, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why->text, sizeof(why->text), fmt, ap);
    va_end(ap);
}

static bool file_exists(const char *path)
{
    return access(path, F_OK) == 0;
}

static char *path_join(const char *dir, const char *name)
{
    char *p = NULL;

    if (asprintf(&p, "%s/%s", dir, name) < 0)
        return NULL;
    return p;
}

void tls_paths_clear(struct tls_paths *paths)
{
    free(paths->ca_file);
    free(paths->crl_file);
    free(paths->cert_file);
    free(paths->key_file);
    memset(paths, 0, sizeof(*paths));
}

static int paths_in_dir(struct tls_paths *p, const char *dir, bool server)
{
    p->ca_file = path_join(dir, "cacert.pem");
    p->crl_file = path_join(dir, "cacrl.pem");
    p->cert_file = path_join(dir, server ? "servercert.pem" : "clientcert.pem");
    p->key_file = path_join(dir, server ? "serverkey.pem" : "clientkey.pem");
    if (!p->ca_file || !p->crl_file || !p->cert_file || !p->key_file)
        return -1;
    return 0;
}

/* Drops the user's files that are not there, so the system's are used; the
 * certificate and key go as a pair, since one is useless without the
 * other. */
static void paths_keep_existing(struct tls_paths *p)
{
    if (!file_exists(p->ca_file)) {
        free(p->ca_file);
        p->ca_file = NULL;
    }
    if (!file_exists(p->crl_file)) {
        free(p->crl_file);
        p->crl_file = NULL;
    }
    if (!file_exists(p->cert_file) || !file_exists(p->key_file)) {
        free(p->cert_file);
        free(p->key_file);
        p->cert_file = p->key_file = NULL;
    }
}

int tls_paths_locate(struct tls_paths *paths, bool server, const char *pkipath)
{
    memset(paths, 0, sizeof(*paths));
    if (pkipath) {
        if (paths_in_dir(paths, pkipath, server) < 0)
            goto nomem;
        return 0;
    }
    const char *home = getenv("HOME");
    if (geteuid() != 0 && home && *home) {
        char *dir = path_join(home, ".pki/libvirt");
        if (!dir)
            goto nomem;
        int r = paths_in_dir(paths, dir, server);
        free(dir);
        if (r < 0)
            goto nomem;
        paths_keep_existing(paths);
    }
    if (!paths->ca_file && !(paths->ca_file = strdup(TLS_PKI_DIR "/CA/cacert.pem")))
        goto nomem;
    if (!paths->crl_file && !(paths->crl_file = strdup(TLS_PKI_DIR "/CA/cacrl.pem")))
        goto nomem;
    if (!paths->cert_file) {
        paths->cert_file = strdup(server ? TLS_PKI_DIR "/libvirt/servercert.pem"
                                         : TLS_PKI_DIR "/libvirt/clientcert.pem");
        paths->key_file = strdup(server ? TLS_PKI_DIR "/libvirt/private/serverkey.pem"
                                        : TLS_PKI_DIR "/libvirt/private/clientkey.pem");
        if (!paths->cert_file || !paths->key_file)
            goto nomem;
    }
    return 0;
nomem:
    tls_paths_clear(paths);
    error_report(ERR_NO_MEMORY, FROM_RPC, NULL);
    return -1;
}

/* libvirt's words for a gnutls verification status, made more specific
 * where gnutls knows more (expired, not yet active). */
static const char *verify_status_text(unsigned int status)
{
    if (status & GNUTLS_CERT_REVOKED)
        return "The certificate has been revoked.";
    if (status & GNUTLS_CERT_SIGNER_NOT_FOUND)
        return "The certificate hasn't got a known issuer.";
    if (status & GNUTLS_CERT_EXPIRED)
        return "The certificate has expired.";
    if (status & GNUTLS_CERT_NOT_ACTIVATED)
        return "The certificate is not yet active.";
    if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
        return "The certificate uses an insecure algorithm";
    if (status & GNUTLS_CERT_INVALID)
        return "The certificate is not trusted.";
    return "Invalid certificate";
}

/* `what` is "CA", "server" or "client": libvirt's messages name the role. */
static int check_times(gnutls_x509_crt_t cert, const char *what, const char *name,
                       struct tls_reason *why)
{
    time_t now = time(NULL);

    if (gnutls_x509_crt_get_expiration_time(cert) < now) {
        reason_set(why, "The %s certificate %s has expired", what, name);
        return -1;
    }
    if (gnutls_x509_crt_get_activation_time(cert) > now) {
        reason_set(why, "The %s certificate %s is not yet active", what, name);
        return -1;
    }
    return 0;
}

static int check_basic_constraints(gnutls_x509_crt_t cert, const char *name, bool is_ca,
                                   bool for_server, struct tls_reason *why)
{
    int status = gnutls_x509_crt_get_basic_constraints(cert, NULL, NULL, NULL);

    if (status > 0 && !is_ca) {
        reason_set(why,
                   "The certificate %s basic constraints show a CA, but we need one for a %s",
                   name, for_server ? "server" : "client");
        return -1;
    }
    if (status == 0 && is_ca) {
        reason_set(why, "The certificate %s basic constraints do not show a CA", name);
        return -1;
    }
    if (status == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
        if (is_ca) {
            reason_set(why, "The certificate %s is missing basic constraints for a CA", name);
            return -1;
        }
    } else if (status < 0) {
        reason_set(why, "Unable to query certificate %s basic constraints %s", name,
                   gnutls_strerror(status));
        return -1;
    }
    return 0;
}

/* Only a usage marked critical is enforced, as libvirt does; TLS with RSA
 * key exchange needs key encipherment, every handshake a signature. */
static int check_key_usage(gnutls_x509_crt_t cert, const char *name, bool is_ca,
                           struct tls_reason *why)
{
    unsigned int usage = 0, critical = 0;
    int status = gnutls_x509_crt_get_key_usage(cert, &usage, &critical);

    if (status == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return 0;
    if (status < 0) {
        reason_set(why, "Unable to query certificate %s key usage %s", name,
                   gnutls_strerror(status));
        return -1;
    }
    if (!critical)
        return 0;
    if (is_ca) {
        if (!(usage & GNUTLS_KEY_KEY_CERT_SIGN)) {
            reason_set(why, "Certificate %s usage does not permit certificate signing", name);
            return -1;
        }
        return 0;
    }
    if (!(usage & GNUTLS_KEY_DIGITAL_SIGNATURE)) {
        reason_set(why, "Certificate %s usage does not permit digital signature", name);
        return -1;
    }
    if (!(usage & GNUTLS_KEY_KEY_ENCIPHERMENT)) {
        reason_set(why, "Certificate %s usage does not permit key encipherment", name);
        return -1;
    }
    return 0;
}

/* The extended key usage must allow the role; no extension allows both. */
static int check_key_purpose(gnutls_x509_crt_t cert, const char *name, bool for_server,
                             struct tls_reason *why)
{
    bool allow_server = false, allow_client = false, critical = false;

    for (unsigned int i = 0;; i++) {
        char oid[256];
        size_t size = sizeof(oid);
        unsigned int crit = 0;
        int status = gnutls_x509_crt_get_key_purpose_oid(cert, i, oid, &size, &crit);

        if (status == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
            if (i == 0)
                allow_server = allow_client = true;
            break;
        }
        if (status < 0) {
            reason_set(why, "Unable to query certificate %s key purpose %s", name,
                       gnutls_strerror(status));
            return -1;
        }
        if (crit)
            critical = true;
        if (strcmp(oid, GNUTLS_KP_TLS_WWW_SERVER) == 0)
            allow_server = true;
        else if (strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT) == 0)
            allow_client = true;
        else if (strcmp(oid, GNUTLS_KP_ANY) == 0)
            allow_server = allow_client = true;
    }
    if (for_server ? allow_server : allow_client)
        return 0;
    if (!critical)
        return 0;
    reason_set(why, "Certificate %s purpose does not allow use for with a TLS %s", name,
               for_server ? "server" : "client");
    return -1;
}

static int check_cert(gnutls_x509_crt_t cert, const char *name, bool for_server, bool is_ca,
                      struct tls_reason *why)
{
    if (check_times(cert,
                    is_ca        ? "CA"
                    : for_server ? "server"
                                 : "client",
                    name, why) < 0 ||
        check_basic_constraints(cert, name, is_ca, for_server, why) < 0 ||
        check_key_usage(cert, name, is_ca, why) < 0)
        return -1;
    if (!is_ca && check_key_purpose(cert, name, for_server, why) < 0)
        return -1;
    return 0;
}

static bool given(const char *path)
{
    return path && *path;
}

static void crts_free(gnutls_x509_crt_t *list, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++)
        gnutls_x509_crt_deinit(list[i]);
    gnutls_free(list);
}

/* Every certificate in a PEM file. Returns 0 or a gnutls error code. */
static int import_crts(const char *file, gnutls_x509_crt_t **list, unsigned int *n)
{
    gnutls_datum_t data = {NULL, 0};
    int err = gnutls_load_file(file, &data);

    if (err >= 0)
        err = gnutls_x509_crt_list_import2(list, n, &data, GNUTLS_X509_FMT_PEM, 0);
    gnutls_free(data.data);
    return err < 0 ? err : 0;
}

/* The key file's bytes into one buffer the file's size, read with read(2):
 * no stdio buffer holds a copy of its end (gnutls_load_file's fopen'ed
 * one does, freed unwiped), so key_text_wipe wipes the only one we made.
 * Returns 0 or GNUTLS_E_FILE_ERROR, as gnutls_load_file. */
static int key_text_read(const char *file, gnutls_datum_t *text)
{
    struct stat st;
    unsigned char *buf = NULL;
    size_t len = 0;
    int fd = open(file, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return GNUTLS_E_FILE_ERROR;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > TLS_KEY_FILE_MAX ||
        !(buf = malloc((size_t)st.st_size + 1)))
        goto fail;
    while (len < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    text->data = buf;
    text->size = (unsigned int)len;
    return 0;
fail:
    if (buf)
        explicit_bzero(buf, len);
    free(buf);
    close(fd);
    return GNUTLS_E_FILE_ERROR;
}

/* The private key's text is a secret: wiped before it is freed. */
static void key_text_wipe(gnutls_datum_t *text)
{
    if (text->data)
        explicit_bzero(text->data, text->size);
    free(text->data);
    text->data = NULL;
    text->size = 0;
}

/* A private key in a PEM file (PKCS#1 or unencrypted PKCS#8). */
static int import_key(const char *file, gnutls_x509_privkey_t *key)
{
    gnutls_datum_t text = {NULL, 0};
    int err = key_text_read(file, &text);

    if (err >= 0)
        err = gnutls_x509_privkey_init(key);
    if (err >= 0)
        err = gnutls_x509_privkey_import2(*key, &text, GNUTLS_X509_FMT_PEM, NULL, 0);
    key_text_wipe(&text);
    return err < 0 ? err : 0;
}

/* 0 if `key` belongs to `cert`, by their public key hashes. gnutls would
 * prove it by signing with the key, an RSA private operation (about 1 ms
 * here) that every connection process and every client open would pay. */
static int key_matches(gnutls_x509_privkey_t key, gnutls_x509_crt_t cert)
{
    unsigned char key_id[64], crt_id[64];
    size_t key_len = sizeof(key_id), crt_len = sizeof(crt_id);
    int err = gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, key_id, &key_len);

    if (err >= 0)
        err = gnutls_x509_crt_get_key_id(cert, GNUTLS_KEYID_USE_SHA256, crt_id, &crt_len);
    if (err >= 0 && (key_len != crt_len || memcmp(key_id, crt_id, key_len) != 0))
        err = GNUTLS_E_CERTIFICATE_KEY_MISMATCH;
    return err < 0 ? err : 0;
}

/* Our certificate chain, the CA list, the CRL and our key into ctx->cred,
 * each file read and parsed once. Unless `sanity` is off
 * (tls_no_sanity_certificate), our certificate and the CAs are checked
 * first as libvirt checks them at start, so that a bad file is reported
 * with its name instead of as a failed handshake on the other end. */
static int load_credentials(struct tls_context *ctx, const struct tls_paths *p, bool sanity)
{
    const char *role = ctx->server ? "server" : "client";
    gnutls_x509_crt_t *crts = NULL, *cas = NULL;
    unsigned int ncrts = 0, ncas = 0;
    gnutls_x509_privkey_t key = NULL;
    gnutls_x509_trust_list_t tlist;
    struct tls_reason why;
    int err, r = -1;

    why.text[0] = '\0';
    if (given(p->cert_file) && file_exists(p->cert_file)) {
        err = import_crts(p->cert_file, &crts, &ncrts);
        if (err < 0) {
            reason_set(&why, "Unable to import %s certificate %s: %s", role, p->cert_file,
                       gnutls_strerror(err));
            goto out;
        }
        if (sanity && check_cert(crts[0], p->cert_file, ctx->server, false, &why) < 0)
            goto out;
    }
    if (given(p->ca_file)) {
        if (!file_exists(p->ca_file)) {
            reason_set(&why, "Cannot read CA certificate '%s': %s", p->ca_file,
                       strerror(errno));
            goto out;
        }
        err = import_crts(p->ca_file, &cas, &ncas);
        if (err < 0) {
            reason_set(&why, "Unable to import CA certificate list %s: %s", p->ca_file,
                       gnutls_strerror(err));
            goto out;
        }
        for (unsigned int i = 0; sanity && i < ncas; i++)
            if (check_cert(cas[i], p->ca_file, ctx->server, true, &why) < 0)
                goto out;
    }
    if (sanity && ncrts > 0 && ncas > 0) {
        unsigned int status = 0;
        if (gnutls_x509_crt_list_verify(crts, 1, cas, ncas, NULL, 0, 0, &status) < 0) {
            reason_set(&why, "Unable to verify %s certificate %s against CA certificate %s",
                       role, p->cert_file, p->ca_file);
            goto out;
        }
        if (status != 0) {
            reason_set(&why, "Our own certificate %s failed validation against %s: %s",
                       p->cert_file, p->ca_file, verify_status_text(status));
            goto out;
        }
    }
    if (ncas > 0) {
        /* What gnutls_certificate_set_x509_trust_file does, without
         * parsing the file again: the credentials' trust list takes the
         * certificates, and a server names them in its certificate
         * request. */
        gnutls_certificate_get_trust_list(ctx->cred, &tlist);
        err = gnutls_x509_trust_list_add_cas(tlist, cas, ncas, GNUTLS_TL_USE_IN_TLS);
        gnutls_free(cas);
        cas = NULL;
        ncas = 0;
        if (err < 0) {
            reason_set(&why, "Unable to set x509 CA certificate: %s: %s", p->ca_file,
                       gnutls_strerror(err));
            goto out;
        }
    }
    if (given(p->crl_file) && file_exists(p->crl_file)) {
        err = gnutls_certificate_set_x509_crl_file(ctx->cred, p->crl_file, GNUTLS_X509_FMT_PEM);
        if (err < 0) {
            reason_set(&why, "Unable to set x509 certificate revocation list: %s: %s",
                       p->crl_file, gnutls_strerror(err));
            goto out;
        }
    }
    if (given(p->cert_file) && given(p->key_file)) {
        /* A client may go without: the server decides whether it minds. */
        /* An existing file either gave certificates or ended it above. */
        if (!file_exists(p->cert_file)) {
            if (!ctx->server)
                r = 0;
            else
                reason_set(&why, "Cannot read certificate '%s': %s", p->cert_file,
                           strerror(errno));
            goto out;
        }
        if (!file_exists(p->key_file)) {
            if (!ctx->server)
                r = 0;
            else
                reason_set(&why, "Cannot read private key '%s': %s", p->key_file,
                           strerror(errno));
            goto out;
        }
        err = import_key(p->key_file, &key);
        if (err >= 0)
            err = key_matches(key, crts[0]);
        if (err >= 0) {
            gnutls_certificate_set_flags(ctx->cred, GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH);
            err = gnutls_certificate_set_x509_key(ctx->cred, crts, (int)ncrts, key);
        }
        if (err < 0) {
            reason_set(&why, "Unable to set x509 key and certificate: %s, %s: %s",
                       p->key_file, p->cert_file, gnutls_strerror(err));
            goto out;
        }
    }
    r = 0;
out:
    if (r < 0)
        error_report(ERR_SYSTEM_ERROR, FROM_RPC, "%s", why.text);
    if (key)
        gnutls_x509_privkey_deinit(key);
    crts_free(crts, ncrts);
    crts_free(cas, ncas);
    return r;
}

static char **strv_copy(const char *const *v)
{
    size_t n = 0;

    while (v[n])
        n++;
    char **copy = calloc(n + 1, sizeof(*copy));
    if (!copy)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!(copy[i] = strdup(v[i]))) {
            for (size_t j = 0; j < i; j++)
                free(copy[j]);
            free(copy);
            return NULL;
        }
    }
    return copy;
}

/* opt's explicit file wins; NULL takes the located default. */
static int pick(char **slot, const char *given)
{
    if (!given)
        return 0;
    free(*slot);
    *slot = strdup(given);
    return *slot ? 0 : -1;
}

struct tls_context *tls_context_new(bool server, const struct tls_options *opt)
{
    struct tls_context *ctx = calloc(1, sizeof(*ctx));
    struct tls_paths paths = {0};
    const char *priority = opt->priority ? opt->priority : TLS_DEFAULT_PRIORITY;
    const char *errpos = NULL;
    int err;

    if (!ctx) {
        error_report(ERR_NO_MEMORY, FROM_RPC, NULL);
        return NULL;
    }
    ctx->refs = 1;
    ctx->server = server;
    ctx->no_verify = opt->no_verify;
    ctx->check_address = server && opt->check_address;
    ctx->timeout_ms =
        opt->timeout_ms > 0 ? (unsigned int)opt->timeout_ms : TLS_DEFAULT_TIMEOUT_MS;
    if (tls_paths_locate(&paths, server, opt->pkipath) < 0)
        goto fail;
    if (pick(&paths.ca_file, opt->ca_file) < 0 || pick(&paths.crl_file, opt->crl_file) < 0 ||
        pick(&paths.cert_file, opt->cert_file) < 0 ||
        pick(&paths.key_file, opt->key_file) < 0 ||
        (server && opt->allowed_dn && !(ctx->allowed_dn = strv_copy(opt->allowed_dn)))) {
        error_report(ERR_NO_MEMORY, FROM_RPC, NULL);
        goto fail;
    }
    err = gnutls_priority_init(&ctx->prio, priority, &errpos);
    if (err < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC,
                     "Failed to set TLS session priority to %s: %s (at '%s')", priority,
                     gnutls_strerror(err), errpos ? errpos : "");
        goto fail;
    }
    err = gnutls_certificate_allocate_credentials(&ctx->cred);
    if (err < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC, "Unable to allocate x509 credentials: %s",
                     gnutls_strerror(err));
        goto fail;
    }
    if (load_credentials(ctx, &paths, !opt->no_sanity) < 0)
        goto fail;
    /* Finite-field DHE, if the priority string allows it, uses the RFC 7919
     * groups instead of parameters generated at start. */
    if (server)
        gnutls_certificate_set_known_dh_params(ctx->cred, GNUTLS_SEC_PARAM_MEDIUM);
    tls_paths_clear(&paths);
    return ctx;
fail:
    tls_paths_clear(&paths);
    tls_context_free(ctx);
    return NULL;
}

void tls_context_free(struct tls_context *ctx)
{
    if (!ctx || --ctx->refs > 0)
        return;
    if (ctx->cred)
        gnutls_certificate_free_credentials(ctx->cred);
    if (ctx->prio)
        gnutls_priority_deinit(ctx->prio);
    if (ctx->allowed_dn) {
        for (char **p = ctx->allowed_dn; *p; p++)
            free(*p);
        free(ctx->allowed_dn);
    }
    free(ctx);
}

void tls_peer_clear(struct tls_peer *peer)
{
    free(peer->dn);
    free(peer->warning);
    peer->dn = peer->warning = NULL;
}

/* The DN in libvirt's order (gnutls_x509_crt_get_dn's legacy form,
 * "C=GB,O=...,CN=..."), which is what tls_allowed_dn_list patterns are
 * written against. Caller frees. */
static char *cert_dn(gnutls_x509_crt_t cert)
{
    size_t size = 0;
    char *dn;

    if (gnutls_x509_crt_get_dn(cert, NULL, &size) != GNUTLS_E_SHORT_MEMORY_BUFFER)
        return NULL;
    if (!(dn = malloc(size + 1)))
        return NULL;
    if (gnutls_x509_crt_get_dn(cert, dn, &size) < 0) {
        free(dn);
        return NULL;
    }
    dn[size] = '\0';
    return dn;
}

static int check_allowed_dn(char *const *patterns, const char *dn, struct tls_reason *why)
{
    for (; *patterns; patterns++)
        if (fnmatch(*patterns, dn, 0) == 0)
            return 0;
    reason_set(why,
               "Client's Distinguished Name is not on the list of allowed clients "
               "(tls_allowed_dn_list): its DN is '%s'",
               dn);
    return -1;
}

/* An address in its shortest binary form: IPv4-mapped IPv6 becomes IPv4,
 * so that a client reaching a dual-stack socket matches its IPv4 SAN. */
struct bin_addr {
    unsigned char b[16];
    size_t len;
};

static void bin_addr_from_v6(struct bin_addr *a, const struct in6_addr *in6)
{
    if (IN6_IS_ADDR_V4MAPPED(in6)) {
        memcpy(a->b, &in6->s6_addr[12], 4);
        a->len = 4;
    } else {
        memcpy(a->b, in6->s6_addr, 16);
        a->len = 16;
    }
}

static bool bin_addr_parse(struct bin_addr *a, const char *text)
{
    struct in6_addr in6;

    if (inet_pton(AF_INET, text, a->b) == 1) {
        a->len = 4;
        return true;
    }
    if (inet_pton(AF_INET6, text, &in6) == 1) {
        bin_addr_from_v6(a, &in6);
        return true;
    }
    return false;
}

static int peer_address(int fd, struct bin_addr *a, char *text, size_t textlen)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
        return -1;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
        memcpy(a->b, &sin->sin_addr, 4);
        a->len = 4;
    } else if (ss.ss_family == AF_INET6) {
        bin_addr_from_v6(a, &((const struct sockaddr_in6 *)&ss)->sin6_addr);
    } else {
        errno = EAFNOSUPPORT;
        return -1;
    }
    if (!inet_ntop(a->len == 4 ? AF_INET : AF_INET6, a->b, text, (socklen_t)textlen))
        return -1;
    return 0;
}

/* The seed's address check: the certificate names the address the client
 * connects from, in a subjectAltName iPAddress entry or as its CN. */
static int check_address(gnutls_x509_crt_t cert, int fd, struct tls_reason *why)
{
    struct bin_addr peer, other;
    char text[INET6_ADDRSTRLEN];

    if (peer_address(fd, &peer, text, sizeof(text)) < 0) {
        reason_set(why,
                   "Cannot check the client's address against its certificate: the connection "
                   "has no IP peer address (%s)",
                   strerror(errno));
        return -1;
    }
    for (unsigned int i = 0;; i++) {
        unsigned char buf[256];
        size_t size = sizeof(buf);
        int type = gnutls_x509_crt_get_subject_alt_name(cert, i, buf, &size, NULL);
        if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            break;
        if (type == GNUTLS_SAN_IPADDRESS) {
            if (size == 16)
                bin_addr_from_v6(&other, (const struct in6_addr *)buf);
            else if (size == 4) {
                memcpy(other.b, buf, 4);
                other.len = 4;
            } else
                continue;
            if (other.len == peer.len && memcmp(other.b, peer.b, peer.len) == 0)
                return 0;
        }
    }
    for (unsigned int i = 0;; i++) {
        char cn[256];
        size_t size = sizeof(cn);
        if (gnutls_x509_crt_get_dn_by_oid(cert, GNUTLS_OID_X520_COMMON_NAME, i, 0, cn, &size) <
            0)
            break;
        if (bin_addr_parse(&other, cn) && other.len == peer.len &&
            memcmp(other.b, peer.b, peer.len) == 0)
            return 0;
    }
    reason_set(why,
               "The client certificate does not name the address %s the client connects from "
               "(in a subjectAltName IP address or its CN)",
               text);
    return -1;
}

/* Every check of the peer's certificate chain. `host`: the client's view
 * of the server's name (NULL on the server). Fills *dn when the peer sent a
 * certificate. */
static int check_peer(struct tls_context *ctx, gnutls_session_t s, struct channel *ch,
                      const char *host, char **dn, struct tls_reason *why)
{
    const bool peer_is_server = !ctx->server;
    const char *role = peer_is_server ? "server" : "client";
    unsigned int status = 0, ncerts = 0;
    gnutls_x509_crt_t cert = NULL;
    int r = -1, err;

    if (gnutls_certificate_type_get(s) != GNUTLS_CRT_X509) {
        reason_set(why, "Only x509 certificates are supported");
        return -1;
    }
    err = gnutls_certificate_verify_peers2(s, &status);
    if (err == GNUTLS_E_NO_CERTIFICATE_FOUND) {
        /* A gnutls client offers only a certificate from a CA the server
         * named, so "none" often means "one from another CA". */
        reason_set(why,
                   "Unable to verify TLS peer: the %s sent no certificate (it has none, or "
                   "none issued by a CA in our CA certificate file)",
                   role);
        return -1;
    }
    if (err < 0) {
        reason_set(why, "Unable to verify TLS peer: %s", gnutls_strerror(err));
        return -1;
    }
    const gnutls_datum_t *certs = gnutls_certificate_get_peers(s, &ncerts);
    if (!certs || ncerts == 0) {
        reason_set(why, "Unable to verify TLS peer: the %s sent no certificate", role);
        return -1;
    }
    for (unsigned int i = 0; i < ncerts; i++) {
        if (gnutls_x509_crt_init(&cert) < 0 ||
            gnutls_x509_crt_import(cert, &certs[i], GNUTLS_X509_FMT_DER) < 0) {
            reason_set(why, "Unable to load the %s's certificate", role);
            goto out;
        }
        if (i == 0 && !*dn)
            *dn = cert_dn(cert);
        if (status != 0) {
            reason_set(why, "Certificate failed validation: %s", verify_status_text(status));
            goto out;
        }
        char name[512];
        char *subject = i == 0 ? *dn : cert_dn(cert);
        snprintf(name, sizeof(name), "'%s'", subject ? subject : "?");
        if (i > 0)
            free(subject);
        if (check_times(cert, i > 0 ? "CA" : role, name, why) < 0)
            goto out;
        if (i == 0) {
            if (!*dn) {
                reason_set(why, "Failed to get the %s certificate's distinguished name", role);
                goto out;
            }
            if (ctx->allowed_dn && check_allowed_dn(ctx->allowed_dn, *dn, why) < 0)
                goto out;
            if (host && !gnutls_x509_crt_check_hostname(cert, host)) {
                reason_set(why, "Certificate %s owner does not match the hostname %s", name,
                           host);
                goto out;
            }
            if (check_basic_constraints(cert, name, false, peer_is_server, why) < 0 ||
                check_key_usage(cert, name, false, why) < 0 ||
                check_key_purpose(cert, name, peer_is_server, why) < 0)
                goto out;
            if (ctx->check_address && check_address(cert, channel_read_fd(ch), why) < 0)
                goto out;
        }
        gnutls_x509_crt_deinit(cert);
        cert = NULL;
    }
    r = 0;
out:
    if (cert)
        gnutls_x509_crt_deinit(cert);
    return r;
}

/* ---- the TLS layer of a channel (channel.h's struct channel_layer) ---- */

/* A session on a channel. It uses its context's credentials until it is
 * deinit'ed, so it holds a reference on the context. */
struct tls_layer {
    gnutls_session_t s;
    struct channel *ch;
    struct tls_context *ctx;
    int transport_errno; /* why the fds failed under the gnutls call under way
                            (not EAGAIN); 0: they did not */
};

/* A failed gnutls call: when the fds failed under it (a reset, a closed
 * pipe; gnutls says "pull error", "push error" or, for a reset, "non-properly
 * terminated"), errno is theirs, as on a plain channel; otherwise it is EIO
 * and the record carries gnutls's reason. Returns -1. */
static int layer_failed(struct tls_layer *t, const char *what, ssize_t err)
{
    if (t->transport_errno) {
        errno = t->transport_errno;
        channel_report(what, strerror(errno));
    } else {
        errno = EIO;
        channel_report(what, gnutls_strerror((int)err));
    }
    return -1;
}

/* Reads application data into the buffer, then whatever gnutls still holds
 * decrypted: the session loop waits on the fd, and a record already read
 * from it would otherwise wait for the next byte from the peer. */
static ssize_t layer_fill(struct channel *ch, void *state)
{
    struct tls_layer *t = state;
    ssize_t n, total = 0;

    for (;;) {
        size_t room;
        unsigned char *at = channel_input_room(ch, &room);
        t->transport_errno = 0;
        do
            n = gnutls_record_recv(t->s, at, room);
        while (n == GNUTLS_E_INTERRUPTED);
        if (n < 0) {
            if (total > 0)
                break; /* report it on the next call */
            if (n == GNUTLS_E_AGAIN) {
                errno = EAGAIN;
                return -1;
            }
            /* A peer that closes its socket without close_notify has hung
             * up as surely as one that sends it; frames carry their own
             * length, so a cut-off frame is still noticed by the caller. */
            if (n == GNUTLS_E_PREMATURE_TERMINATION)
                return 0;
            return layer_failed(t, "Cannot recv data", n);
        }
        if (n == 0)
            return total;
        channel_input_added(ch, (size_t)n);
        total += n;
        size_t more = gnutls_record_check_pending(t->s);
        if (more == 0)
            break;
        if (channel_input_reserve(ch, more) < 0)
            return -1;
    }
    return total;
}

static int layer_write(struct channel *ch, void *state, const unsigned char *p, size_t len)
{
    struct tls_layer *t = state;

    while (len > 0) {
        t->transport_errno = 0;
        ssize_t n = gnutls_record_send(t->s, p, len);
        if (n == GNUTLS_E_INTERRUPTED)
            continue;
        if (n == GNUTLS_E_AGAIN) {
            /* gnutls keeps the record it began; the retry repeats the same
             * arguments, as its manual asks. */
            if (channel_wait(ch, gnutls_record_get_direction(t->s) == 1) < 0) {
                channel_report("Cannot write data", strerror(errno));
                return -1;
            }
            continue;
        }
        if (n < 0)
            return layer_failed(t, "Cannot write data", n);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void layer_free(void *state)
{
    struct tls_layer *t = state;

    gnutls_deinit(t->s);
    tls_context_free(t->ctx);
    free(t);
}

static const struct channel_layer tls_layer_ops = {layer_fill, layer_write, layer_free};

/* gnutls's transport: the channel's own fds (read(2), and send(2) or
 * write(2) as the channel writes), so a TLS session runs over a pipe pair
 * (--stdio, inetd) as over a socket. */
static ssize_t transport_pull(gnutls_transport_ptr_t opaque, void *buf, size_t len)
{
    struct tls_layer *t = opaque;
    ssize_t n = channel_fd_read(t->ch, buf, len);

    if (n < 0) {
        if (errno != EAGAIN)
            t->transport_errno = errno;
        gnutls_transport_set_errno(t->s, errno);
    }
    return n;
}

static ssize_t transport_push(gnutls_transport_ptr_t opaque, const void *buf, size_t len)
{
    struct tls_layer *t = opaque;
    ssize_t n;

    do
        n = channel_send(t->ch, buf, len);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        if (errno != EAGAIN)
            t->transport_errno = errno;
        gnutls_transport_set_errno(t->s, errno);
    }
    return n;
}

/* Waits up to ms milliseconds (GNUTLS_INDEFINITE_TIMEOUT: forever) for
 * input: > 0 readable, 0 timed out, -1 error. */
static int transport_pull_timeout(gnutls_transport_ptr_t opaque, unsigned int ms)
{
    struct tls_layer *t = opaque;
    struct pollfd pfd = {.fd = channel_read_fd(t->ch), .events = POLLIN};
    int timeout = ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : ms > INT_MAX ? INT_MAX : (int)ms;
    int n;

    do
        n = poll(&pfd, 1, timeout);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        gnutls_transport_set_errno(t->s, errno);
    return n;
}

/* Puts session s between the channel and its fds; the channel owns it
 * from now on (and a reference on ctx). Returns 0, or -1 (no memory; s is
 * deinit'ed). */
static int attach(struct channel *ch, gnutls_session_t s, struct tls_context *ctx)
{
    struct tls_layer *t = calloc(1, sizeof(*t));

    if (!t) {
        gnutls_deinit(s);
        error_report(ERR_NO_MEMORY, FROM_RPC, NULL);
        return -1;
    }
    *t = (struct tls_layer){.s = s, .ch = ch, .ctx = ctx};
    ctx->refs++;
    gnutls_transport_set_ptr(s, t);
    gnutls_transport_set_pull_function(s, transport_pull);
    gnutls_transport_set_push_function(s, transport_push);
    gnutls_transport_set_pull_timeout_function(s, transport_pull_timeout);
    channel_attach_layer(ch, &tls_layer_ops, t);
    return 0;
}

static gnutls_session_t session_new(struct tls_context *ctx)
{
    gnutls_session_t s = NULL;
    int err = gnutls_init(&s, ctx->server ? GNUTLS_SERVER : GNUTLS_CLIENT);

    if (err < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC, "Failed to initialize TLS session: %s",
                     gnutls_strerror(err));
        return NULL;
    }
    if ((err = gnutls_priority_set(s, ctx->prio)) < 0 ||
        (err = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, ctx->cred)) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC, "Failed set TLS x509 credentials: %s",
                     gnutls_strerror(err));
        gnutls_deinit(s);
        return NULL;
    }
    /* Request, not require: a client without a certificate completes the
     * handshake and is then refused with a message that says so. */
    if (ctx->server)
        gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
    gnutls_handshake_set_timeout(s, ctx->timeout_ms);
    return s;
}

/* For a non-blocking fd: waits (a bounded while; the caller retries) until
 * gnutls can go on in the direction it was going. */
static void wait_io(struct channel *ch, gnutls_session_t s)
{
    bool out = gnutls_record_get_direction(s) == 1;
    struct pollfd pfd = {.fd = out ? channel_write_fd(ch) : channel_read_fd(ch),
                         .events = out ? POLLOUT : POLLIN};

    poll(&pfd, 1, 1000);
}

static int handshake(struct tls_context *ctx, struct channel *ch, gnutls_session_t s)
{
    int err;

    for (;;) {
        err = gnutls_handshake(s);
        if (err == 0)
            return 0;
        if (err == GNUTLS_E_AGAIN || err == GNUTLS_E_INTERRUPTED) {
            wait_io(ch, s);
            continue;
        }
        if (!gnutls_error_is_fatal(err))
            continue;
        break;
    }
    if (err == GNUTLS_E_TIMEDOUT)
        error_report(ERR_AUTH_FAILED, FROM_RPC, "TLS handshake failed: no answer within %u ms",
                     ctx->timeout_ms);
    else
        error_report(ERR_AUTH_FAILED, FROM_RPC, "TLS handshake failed: %s",
                     gnutls_strerror(err));
    return -1;
}

/* Runs the peer checks and applies no_verify. */
static int verify(struct tls_context *ctx, gnutls_session_t s, struct channel *ch,
                  const char *host, struct tls_peer *peer)
{
    struct tls_reason why;

    why.text[0] = '\0';
    if (check_peer(ctx, s, ch, host, &peer->dn, &why) == 0)
        return 0;
    if (ctx->no_verify) {
        if (asprintf(&peer->warning, "Certificate check failed: %s", why.text) < 0)
            peer->warning = NULL;
        return 0;
    }
    error_report(ERR_AUTH_FAILED, FROM_RPC, "Failed to verify peer's certificate: %s",
                 why.text);
    return -1;
}

int tls_server_accept(struct tls_context *ctx, struct channel *ch, struct tls_peer *peer)
{
    static const unsigned char confirm = 1;
    gnutls_session_t s;
    ssize_t n;

    memset(peer, 0, sizeof(*peer));
    if (!ctx->server) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "a client TLS context cannot accept");
        return -1;
    }
    if (!(s = session_new(ctx)) || attach(ch, s, ctx) < 0)
        return -1;
    if (handshake(ctx, ch, s) < 0 || verify(ctx, s, ch, NULL, peer) < 0)
        return -1;
    /* libvirt's clients wait for this byte, in its own record, before
     * their first call. */
    do {
        n = gnutls_record_send(s, &confirm, 1);
        if (n == GNUTLS_E_AGAIN)
            wait_io(ch, s);
    } while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
    if (n != 1) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC, "Unable to send TLS confirmation: %s",
                     n < 0 ? gnutls_strerror((int)n) : "short write");
        return -1;
    }
    return 0;
}

int tls_client_connect(struct tls_context *ctx, struct channel *ch, const char *host,
                       struct tls_peer *peer)
{
    unsigned char byte = 0;
    gnutls_session_t s;
    ssize_t n;

    memset(peer, 0, sizeof(*peer));
    if (ctx->server) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "a server TLS context cannot connect");
        return -1;
    }
    if (!(s = session_new(ctx)) || attach(ch, s, ctx) < 0)
        return -1;
    if (handshake(ctx, ch, s) < 0 || verify(ctx, s, ch, host, peer) < 0)
        return -1;
    gnutls_record_set_timeout(s, ctx->timeout_ms);
    do {
        n = gnutls_record_recv(s, &byte, 1);
        if (n == GNUTLS_E_AGAIN)
            wait_io(ch, s);
    } while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
    gnutls_record_set_timeout(s, 0);
    if (n == 1 && byte == 1)
        return 0;
    if (n == GNUTLS_E_TIMEDOUT) {
        error_report(ERR_SYSTEM_ERROR, FROM_RPC,
                     "Unable to read TLS confirmation: no answer within %u ms",
                     ctx->timeout_ms);
        return -1;
    }
    /* libvirtd says no by closing the connection without a word; only it
     * knows why, and logs it. */
    error_report(ERR_RPC, FROM_RPC,
                 "server verification (of our certificate or IP address) failed: %s; the "
                 "server's log says why",
                 n == 1                                ? "it answered with a byte other than 1"
                 : n == 0                              ? "it closed the connection"
                 : n == GNUTLS_E_PREMATURE_TERMINATION ? "it closed the connection"
                                                       : gnutls_strerror((int)n));
    return -1;
}

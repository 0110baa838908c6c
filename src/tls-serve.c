/* Serving TLS here (tls-serve.h). */
#include "tls-serve.h"

#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "log.h"
#include "tls.h"

static struct tls_context *tls_ctx;

void tls_serve_init(char **argv)
{
    (void)argv;
}

bool tls_serve_here(void)
{
    return true;
}

void tls_serve_hand_over(const char *why)
{
    (void)why;
}

int tls_serve_setup(const struct config *cfg, const char *config_name)
{
    struct tls_options o = {
        .ca_file = cfg->ca_file,
        .crl_file = cfg->crl_file,
        .cert_file = cfg->cert_file,
        .key_file = cfg->key_file,
        .priority = cfg->tls_priority,
        .no_verify = cfg->tls_no_verify_certificate,
        .no_sanity = cfg->tls_no_sanity_certificate,
        .allowed_dn = (const char *const *)cfg->tls_allowed_dn_list,
        .check_address = cfg->tls_check_client_address,
    };

    if (tls_ctx)
        return 0;
    tls_ctx = tls_context_new(true, &o);
    if (!tls_ctx) {
        log_error("%s: %s", config_name, error_last_message());
        return -1;
    }
    return 0;
}

int tls_serve_accept(const struct config *cfg, const char *config_name, struct channel *ch,
                     const char *peer)
{
    struct tls_peer tp = {0};

    if (tls_serve_setup(cfg, config_name) < 0 || tls_server_accept(tls_ctx, ch, &tp) < 0) {
        /* Refused: close without a word, as libvirtd does; the reason is
         * in our log. */
        log_warn("refusing tls client %s (%s): %s", peer, tp.dn ? tp.dn : "no certificate",
                 error_last_message());
        tls_peer_clear(&tp);
        return -1;
    }
    if (tp.warning)
        log_warn("tls client %s: %s (let in: tls_no_verify_certificate = 1)", peer,
                 tp.warning);
    log_notice("client %s presented certificate '%s'", peer, tp.dn ? tp.dn : "(none)");
    tls_peer_clear(&tp);
    return 0;
}

/* Called by the p11-kit stand-ins (p11-stubs.c) of a static libvirtd-full:
 * gnutls only goes there for PKCS#11 URIs, which our credential paths never
 * are (they are checked to be files first). */
void lean_no_pkcs11(const char *name) __attribute__((noreturn));
void lean_no_pkcs11(const char *name)
{
    log_error("internal error: %s called: PKCS#11 is not built into this libvirtd", name);
    _exit(3);
}

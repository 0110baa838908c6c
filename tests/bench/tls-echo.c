/* tls-echo-floor CA CERT KEY: echo-floor (echo.c) with the part of a TLS
 * connection process's start that no TLS server can skip: gnutls
 * initialised (its constructor runs before main) and a server's
 * credentials loaded from their PEM files, with nothing checked that
 * gnutls does not need (no sanity checks, no key-and-certificate match).
 * Then it echoes 28 bytes on fd 3 in the clear and exits. Linked like
 * libvirtd-full (static where the archives are), so scripts/bench.sh can
 * add its cost to a pooled TLS connection's and show the floor under an
 * activated TLS connection. */
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <unistd.h>

#ifdef TLS_ECHO_STATIC
/* The p11-kit stand-ins of a static link (src/lean-stubs.py) call this;
 * credentials named by file path never reach p11-kit. */
void lean_no_pkcs11(const char *name) __attribute__((noreturn));
void lean_no_pkcs11(const char *name)
{
    fprintf(stderr, "tls-echo-floor: %s called\n", name);
    _exit(3);
}
#endif

int main(int argc, char **argv)
{
    gnutls_certificate_credentials_t cred;
    char buf[28];
    size_t got = 0;
    int err;

    if (argc != 4) {
        fprintf(stderr, "usage: tls-echo-floor CA CERT KEY\n");
        return 2;
    }
    err = gnutls_certificate_allocate_credentials(&cred);
    if (err >= 0) {
        gnutls_certificate_set_flags(cred, GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH);
        err = gnutls_certificate_set_x509_trust_file(cred, argv[1], GNUTLS_X509_FMT_PEM);
    }
    if (err >= 0)
        err = gnutls_certificate_set_x509_key_file(cred, argv[2], argv[3], GNUTLS_X509_FMT_PEM);
    if (err < 0) {
        fprintf(stderr, "tls-echo-floor: %s\n", gnutls_strerror(err));
        return 1;
    }
    while (got < sizeof(buf)) {
        ssize_t r = read(3, buf + got, sizeof(buf) - got);
        if (r <= 0)
            return 1;
        got += (size_t)r;
    }
    err = write(3, buf, got) == (ssize_t)got ? 0 : 1;
    gnutls_certificate_free_credentials(cred);
    return err;
}

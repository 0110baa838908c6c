/* TLS handed to libvirtd-full (tls-serve.h): the static libvirtd has no
 * gnutls, which saves every plain connection the cost of loading it. */
#include "tls-serve.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon-paths.h"
#include "log.h"

static char **saved_argv;

void tls_serve_init(char **argv)
{
    saved_argv = argv;
}

bool tls_serve_here(void)
{
    return false;
}

/* libvirtd-full beside this program, else the installed one; the
 * connection's fds and LISTEN_* variables go across. */
void tls_serve_hand_over(const char *why)
{
    char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - sizeof("/libvirtd-full"));
    char *slash;

    if (n > 0) {
        path[n] = '\0';
        slash = strrchr(path, '/');
        if (slash) {
            strcpy(slash, "/libvirtd-full");
            execv(path, saved_argv);
        }
    }
    snprintf(path, sizeof(path), "%s/libvirtd-full", SBINDIR);
    execv(path, saved_argv);
    log_error("%s needs %s: %s", why, path, strerror(errno));
}

int tls_serve_setup(const struct config *cfg, const char *config_name)
{
    (void)cfg;
    log_error("%s: internal error: TLS asked of the libvirtd without it", config_name);
    return -1;
}

int tls_serve_accept(const struct config *cfg, const char *config_name, struct channel *ch,
                     const char *peer)
{
    (void)ch;
    (void)peer;
    return tls_serve_setup(cfg, config_name);
}

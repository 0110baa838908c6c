/* libvirtd-generator: a systemd generator that keeps libvirtd.conf the one
 * place for ports, addresses, socket permissions and the bounds on each
 * connection's process. systemd runs it at
 * boot and on every daemon-reload as
 *
 *   libvirtd-generator NORMAL_DIR EARLY_DIR LATE_DIR
 *
 * and it writes, in NORMAL_DIR, a drop-in for each of our socket units
 * (libvirtd.socket.d/50-libvirtd-conf.conf, ...) that replaces the unit's
 * ListenStream= and sets SocketMode=, SocketGroup=, MaxConnections= and,
 * on tcp and tls, FreeBind=; and one for each per-connection service
 * template (libvirtd@.service.d/...) that sets MemoryMax= and TasksMax=
 * from connection_memory_limit and connection_tasks_limit. It reads
 * SYSCONFDIR/libvirt/libvirtd.conf, or the file named by $LIBVIRTD_CONFIG
 * (for tests). A missing file means libvirt's defaults. A bad file writes
 * nothing, so the units keep their shipped settings, and the error goes to
 * the journal. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "config.h"
#include "daemon-paths.h"
#include "error.h"

#define DROPIN "50-libvirtd-conf.conf"

static const char *const services[] = {"libvirtd@.service", "libvirtd-ro@.service",
                                       "libvirtd-tcp@.service", "libvirtd-tls@.service"};

static const char *config_path;

static void warn_config(void *opaque, const char *msg)
{
    (void)opaque;
    fprintf(stderr, "libvirtd-generator: warning: %s\n", msg);
}

/* Opens DIR/UNIT.d/DROPIN for writing, with the header every drop-in has
 * and the [SECTION] line. */
static FILE *open_dropin(const char *dir, const char *unit, const char *section)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s.d", dir, unit);
    if (mkdir(path, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "libvirtd-generator: cannot create %s: %s\n", path, strerror(errno));
        return NULL;
    }
    snprintf(path, sizeof(path), "%s/%s.d/" DROPIN, dir, unit);
    f = fopen(path, "we");
    if (!f) {
        fprintf(stderr, "libvirtd-generator: cannot write %s: %s\n", path, strerror(errno));
        return NULL;
    }
    fprintf(f,
            "# Written by libvirtd-generator from %s.\n"
            "# Edit that file and run 'systemctl daemon-reload', not this one.\n"
            "[%s]\n",
            config_path, section);
    return f;
}

static int close_dropin(FILE *f)
{
    int bad = ferror(f);

    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "libvirtd-generator: write error: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static int write_unix(const char *dir, const struct config *cfg, const char *unit,
                      const char *sock, unsigned perms)
{
    char path[108];
    FILE *f;

    if (config_sock_path(cfg, sock, path, sizeof(path)) < 0) {
        fprintf(stderr, "libvirtd-generator: %s: unix_sock_dir %s is too long for a socket\n",
                config_path, cfg->unix_sock_dir);
        return -1;
    }
    f = open_dropin(dir, unit, "Socket");
    if (!f)
        return -1;
    fprintf(f, "ListenStream=\nListenStream=%s\nSocketMode=%04o\n", path, perms);
    if (cfg->unix_sock_group)
        fprintf(f, "SocketGroup=%s\n", cfg->unix_sock_group);
    fprintf(f, "MaxConnections=%d\nBacklog=%d\n", cfg->max_clients, cfg->max_queued_clients);
    return close_dropin(f);
}

static int write_inet(const char *dir, const struct config *cfg, const char *unit, int port)
{
    const char *addr = cfg->listen_addr;
    unsigned char buf[sizeof(struct in6_addr)];
    FILE *f = open_dropin(dir, unit, "Socket");

    if (!f)
        return -1;
    fprintf(f, "ListenStream=\n");
    if (!addr || !*addr) {
        fprintf(f, "ListenStream=%d\n", port);
    } else if (inet_pton(AF_INET, addr, buf) == 1) {
        fprintf(f, "ListenStream=%s:%d\n", addr, port);
    } else if (inet_pton(AF_INET6, addr, buf) == 1) {
        fprintf(f, "ListenStream=[%s]:%d\n", addr, port);
    } else {
        /* A name cannot be looked up at boot. Listening everywhere instead
         * would widen what the admin asked for: leave the socket without an
         * address, so it fails to start and says why. */
        fprintf(f, "# listen_addr = \"%s\" is not a numeric address: not listening.\n", addr);
        fprintf(stderr,
                "libvirtd-generator: %s: listen_addr \"%s\" is not a numeric IP address; "
                "%s will not start until it is\n",
                config_path, addr, unit);
    }
    fprintf(f, "FreeBind=yes\nMaxConnections=%d\nBacklog=%d\n", cfg->max_clients,
            cfg->max_queued_clients);
    return close_dropin(f);
}

/* The bounds on one connection's process, as systemd sets them on each
 * instance of a service template: what libvirtd itself sets as rlimits
 * (main.c), and more: MemoryMax= counts the memory the instance uses, not
 * the address space it maps, and TasksMax= its own tasks, not its user's. */
static int write_service(const char *dir, const struct config *cfg, const char *unit)
{
    FILE *f = open_dropin(dir, unit, "Service");

    if (!f)
        return -1;
    if (cfg->connection_memory_limit > 0)
        fprintf(f, "MemoryMax=%dM\n", cfg->connection_memory_limit);
    else
        fprintf(f, "MemoryMax=infinity\n");
    if (cfg->connection_tasks_limit > 0)
        fprintf(f, "TasksMax=%d\n", cfg->connection_tasks_limit);
    else
        fprintf(f, "TasksMax=infinity\n");
    return close_dropin(f);
}

int main(int argc, char **argv)
{
    struct config cfg;
    const char *dir;
    int r = 0;

    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: libvirtd-generator NORMAL_DIR [EARLY_DIR LATE_DIR]\n");
        return 2;
    }
    dir = argv[1];
    config_path = getenv("LIBVIRTD_CONFIG");
    if (!config_path || !*config_path)
        config_path = SYSCONFDIR "/libvirt/libvirtd.conf";

    config_init(&cfg);
    if (config_load(&cfg, config_path, false, warn_config, NULL) < 0) {
        fprintf(stderr,
                "libvirtd-generator: %s; the libvirtd socket units keep their own "
                "settings\n",
                error_last_message());
        config_free(&cfg);
        return 1;
    }
    if (write_unix(dir, &cfg, "libvirtd.socket", CONFIG_SOCK_RW, cfg.unix_sock_rw_perms) < 0 ||
        write_unix(dir, &cfg, "libvirtd-ro.socket", CONFIG_SOCK_RO, cfg.unix_sock_ro_perms) <
            0 ||
        write_inet(dir, &cfg, "libvirtd-tcp.socket", cfg.tcp_port) < 0 ||
        write_inet(dir, &cfg, "libvirtd-tls.socket", cfg.tls_port) < 0)
        r = 1;
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]) && r == 0; i++)
        if (write_service(dir, &cfg, services[i]) < 0)
            r = 1;
    config_free(&cfg);
    return r;
}

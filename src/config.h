/* config: libvirtd.conf, in libvirt's syntax and with libvirt's key names.
 *
 * The syntax (libvirt's virconf): one `key = value` per line (or separated
 * by ';'), '#' comments, values are integers, strings in "..." or '...'
 * (or """...""" over several lines), or lists of those in [ ... ] that may
 * span lines. Booleans are the integers 0 and 1.
 *
 * Every way of starting the daemon reads the same file, so one file
 * governs them all. Library code: nothing here prints; errors are
 * recorded (rpc/error.h) for the caller to report. */
#ifndef SRC_CONFIG_H
#define SRC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

enum config_auth {
    CONFIG_AUTH_NONE,
    CONFIG_AUTH_SASL,
    CONFIG_AUTH_POLKIT,
};

/* Names of the unix sockets inside unix_sock_dir, as libvirt names them. */
#define CONFIG_SOCK_RW "libvirt-sock"
#define CONFIG_SOCK_RO "libvirt-sock-ro"

/* Room for every key of config.c's table (checked at compile time). */
#define CONFIG_MAX_KEYS 96

struct config {
    /* listening (the standalone --listen mode; the generator for systemd) */
    bool listen_tls, listen_tcp;
    int tls_port, tcp_port;
    char *listen_addr; /* NULL: every address */
    int max_queued_clients;

    /* unix sockets */
    char *unix_sock_dir;
    char *unix_sock_group; /* NULL: the daemon's group */
    /* Our own: who may use the unix sockets, checked against the peer's
     * SO_PEERCRED; names or numbers. Both NULL: anyone the socket's
     * permissions let in. */
    char **unix_sock_allowed_users, **unix_sock_allowed_groups;
    unsigned unix_sock_ro_perms, unix_sock_rw_perms, unix_sock_admin_perms;

    /* authentication */
    enum config_auth auth_unix_ro, auth_unix_rw, auth_tcp, auth_tls;
    char **sasl_allowed_username_list; /* NULL-terminated, or NULL */

    /* TLS (issue 4 uses these) */
    char *key_file, *cert_file, *ca_file, *crl_file; /* NULL: libvirt's PKI defaults */
    bool tls_no_verify_certificate, tls_no_sanity_certificate;
    char **tls_allowed_dn_list; /* NULL-terminated, or NULL: any valid certificate */
    char *tls_priority;         /* NULL: "NORMAL", libvirt's default (rpc/tls) */
    bool tls_check_client_address; /* ours: the certificate must name the peer's IP */

    /* limits */
    int max_clients;
    int max_anonymous_clients;
    int keepalive_interval; /* seconds; -1 disables our pings */
    int keepalive_count;
    int message_timeout;    /* ours: seconds a message may take; 0: no limit */
    int spin_wait_us;       /* ours: µs to watch for the next message before sleeping */
    /* ours: bounds on each connection's process, 0 for none: MiB of
     * address space (RLIMIT_AS; MemoryMax= under systemd) and processes
     * (RLIMIT_NPROC; TasksMax=) */
    int connection_memory_limit, connection_tasks_limit;

    /* logging (checked by log.c's rules) */
    int log_level;
    char *log_filters, *log_outputs;

    char *host_uuid;

    /* ours: the directory the QEMU driver's system paths are taken under
     * (ROOT/etc/libvirt/qemu, ROOT/run/libvirt/qemu, ...); NULL: the real
     * system paths */
    char *qemu_root;

    /* Where each key was last set: its line in the file, 0 when it holds
     * the default. Indexed as config.c's key table; read it with
     * config_key_line. */
    int key_line[CONFIG_MAX_KEYS];
};

/* Called for each warning, "FILE:LINE: message" (an unknown key, a key
 * with no effect here, a key set twice). */
typedef void (*config_warn_fn)(void *opaque, const char *msg);

/* Fills cfg with the defaults (libvirt's, where libvirt has one). The
 * runtime directory is RUNSTATEDIR/libvirt. */
void config_init(struct config *cfg);

/* Reads `path` into cfg, which holds defaults or an earlier file.
 * When the file does not exist and must_exist is false, returns 0 and
 * leaves cfg alone. Returns 0, or -1 with the error recorded (rpc/error.h,
 * domain FROM_CONF): "FILE:LINE: reason" for what the file says
 * (ERR_CONF_SYNTAX), "FILE: reason" for the file as a whole
 * (ERR_SYSTEM_ERROR when it cannot be opened or read, ERR_CONF_SYNTAX when
 * it is too large); on -1 cfg is left as it was. */
int config_load(struct config *cfg, const char *path, bool must_exist, config_warn_fn warn,
                void *opaque);

/* The same for text already in memory; `name` is used in messages. */
int config_parse(struct config *cfg, const char *name, const char *text, size_t len,
                 config_warn_fn warn, void *opaque);

/* The line of the file where `key` was last set, for messages about its
 * value ("FILE:LINE: key: ..."); 0 when the key holds its default or is
 * not a key. */
int config_key_line(const struct config *cfg, const char *key);

/* Frees what cfg owns and zeroes it. */
void config_free(struct config *cfg);

/* "none", "sasl" or "polkit". */
const char *config_auth_name(enum config_auth a);

/* Writes the path of socket `name` (CONFIG_SOCK_*) into buf. Returns 0, or
 * -1 when it does not fit in a unix socket address. */
int config_sock_path(const struct config *cfg, const char *name, char *buf, size_t len);

#endif

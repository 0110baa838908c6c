#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daemon-paths.h"
#include "error.h"
#include "log.h"
#include "uuid.h"

/* libvirt's virConfReadFile reads up to 10 MiB. */
#define CONFIG_MAX_FILE (10 * 1024 * 1024)
#define CONFIG_MAX_LIST 1024
#define CONFIG_MAX_STRING 4096

/* A parsed value: an integer, a string or a list of those. */
enum value_type { VAL_INT, VAL_STRING, VAL_LIST };

struct value {
    enum value_type type;
    long long num;
    char *str;
    struct value *items;
    size_t nitems;
};

/* What a key accepts and where it goes. */
enum key_kind {
    K_BOOL,    /* 0 or 1 */
    K_INT,     /* integer in [min, max] */
    K_LIMIT,   /* 0 (no limit) or an integer in [min, max] */
    K_PORT,    /* "16509" or 16509 */
    K_STRING,  /* any string */
    K_PATH,    /* an absolute path */
    K_PERMS,   /* "0770": octal file mode */
    K_AUTH,    /* "none" | "sasl" | "polkit" */
    K_LIST,    /* list of strings */
    K_OUTPUTS, /* log_outputs */
    K_FILTERS, /* log_filters */
    K_UUID,    /* host_uuid */
    K_IGNORED, /* a libvirt key that means nothing in a per-connection daemon */
};

struct key {
    const char *name;
    enum key_kind kind;
    size_t offset;
    long long min, max;
    const char *why; /* K_IGNORED: why it has no effect */
};

#define F(field) offsetof(struct config, field)
#define IGNORED(n, w)                                                                          \
    {                                                                                          \
        n, K_IGNORED, 0, 0, 0, w                                                               \
    }

static const char WORKERS[] = "every connection is served by its own process";
static const char NO_ADMIN[] = "there is no admin socket";
static const char NO_SASL[] = "SASL is not supported";

static const struct key keys[] = {
    {"listen_tls", K_BOOL, F(listen_tls), 0, 1, NULL},
    {"listen_tcp", K_BOOL, F(listen_tcp), 0, 1, NULL},
    {"tls_port", K_PORT, F(tls_port), 1, 65535, NULL},
    {"tcp_port", K_PORT, F(tcp_port), 1, 65535, NULL},
    {"listen_addr", K_STRING, F(listen_addr), 0, 0, NULL},
    {"unix_sock_group", K_STRING, F(unix_sock_group), 0, 0, NULL},
    {"unix_sock_ro_perms", K_PERMS, F(unix_sock_ro_perms), 0, 0, NULL},
    {"unix_sock_rw_perms", K_PERMS, F(unix_sock_rw_perms), 0, 0, NULL},
    {"unix_sock_admin_perms", K_PERMS, F(unix_sock_admin_perms), 0, 0, NULL},
    {"unix_sock_dir", K_PATH, F(unix_sock_dir), 0, 0, NULL},
    {"unix_sock_allowed_users", K_LIST, F(unix_sock_allowed_users), 0, 0, NULL},
    {"unix_sock_allowed_groups", K_LIST, F(unix_sock_allowed_groups), 0, 0, NULL},
    {"auth_unix_ro", K_AUTH, F(auth_unix_ro), 0, 0, NULL},
    {"auth_unix_rw", K_AUTH, F(auth_unix_rw), 0, 0, NULL},
    {"auth_tcp", K_AUTH, F(auth_tcp), 0, 0, NULL},
    {"auth_tls", K_AUTH, F(auth_tls), 0, 0, NULL},
    {"key_file", K_PATH, F(key_file), 0, 0, NULL},
    {"cert_file", K_PATH, F(cert_file), 0, 0, NULL},
    {"ca_file", K_PATH, F(ca_file), 0, 0, NULL},
    {"crl_file", K_PATH, F(crl_file), 0, 0, NULL},
    {"tls_no_verify_certificate", K_BOOL, F(tls_no_verify_certificate), 0, 1, NULL},
    {"tls_no_sanity_certificate", K_BOOL, F(tls_no_sanity_certificate), 0, 1, NULL},
    {"tls_allowed_dn_list", K_LIST, F(tls_allowed_dn_list), 0, 0, NULL},
    {"tls_priority", K_STRING, F(tls_priority), 0, 0, NULL},
    {"tls_check_client_address", K_BOOL, F(tls_check_client_address), 0, 1, NULL},
    {"sasl_allowed_username_list", K_LIST, F(sasl_allowed_username_list), 0, 0, NULL},
    {"max_clients", K_INT, F(max_clients), 1, 1000000, NULL},
    {"max_queued_clients", K_INT, F(max_queued_clients), 1, 65535, NULL},
    {"max_anonymous_clients", K_INT, F(max_anonymous_clients), 0, 1000000, NULL},
    {"keepalive_interval", K_INT, F(keepalive_interval), -1, 3600, NULL},
    {"keepalive_count", K_INT, F(keepalive_count), 0, 1000, NULL},
    {"message_timeout", K_INT, F(message_timeout), 0, 86400, NULL},
    {"spin_wait_us", K_INT, F(spin_wait_us), 0, 1000000, NULL},
    /* MiB. The program's own mappings take about 35 MiB (more with gnutls):
     * below 128 a connection could not take one message of the largest
     * size (32 MiB), so a smaller value is a mistake, not a policy. */
    {"connection_memory_limit", K_LIMIT, F(connection_memory_limit), 128, 1048576, NULL},
    {"connection_tasks_limit", K_LIMIT, F(connection_tasks_limit), 1, 65536, NULL},
    {"log_level", K_INT, F(log_level), 1, 4, NULL},
    {"log_filters", K_FILTERS, F(log_filters), 0, 0, NULL},
    {"log_outputs", K_OUTPUTS, F(log_outputs), 0, 0, NULL},
    {"host_uuid", K_UUID, F(host_uuid), 0, 0, NULL},
    {"qemu_root", K_PATH, F(qemu_root), 0, 0, NULL},
    IGNORED("host_uuid_source", "the host UUID comes from host_uuid or the driver"),
    IGNORED("keepalive_required", "libvirt dropped it too; clients always get keepalive"),
    IGNORED("min_workers", WORKERS),
    IGNORED("max_workers", WORKERS),
    IGNORED("prio_workers", WORKERS),
    IGNORED("max_requests", WORKERS),
    IGNORED("max_client_requests", WORKERS),
    IGNORED("admin_min_workers", NO_ADMIN),
    IGNORED("admin_max_workers", NO_ADMIN),
    IGNORED("admin_max_clients", NO_ADMIN),
    IGNORED("admin_max_queued_clients", NO_ADMIN),
    IGNORED("admin_max_client_requests", NO_ADMIN),
    IGNORED("admin_keepalive_interval", NO_ADMIN),
    IGNORED("admin_keepalive_count", NO_ADMIN),
    IGNORED("tcp_min_ssf", NO_SASL),
    IGNORED("audit_level", "auditing is not supported"),
    IGNORED("audit_logging", "auditing is not supported"),
    IGNORED("access_drivers", "access control drivers are not supported"),
    IGNORED("mdns_adv", "mDNS advertising is not supported"),
    IGNORED("mdns_name", "mDNS advertising is not supported"),
    IGNORED("ovs_timeout", "Open vSwitch is not used"),
    IGNORED("log_buffer_size", "libvirt dropped it too"),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))
_Static_assert(NKEYS <= CONFIG_MAX_KEYS, "raise CONFIG_MAX_KEYS in config.h");

static const char *const auth_names[] = {"none", "sasl", "polkit"};

const char *config_auth_name(enum config_auth a)
{
    return (unsigned)a < sizeof(auth_names) / sizeof(auth_names[0]) ? auth_names[a] : "?";
}

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

void config_init(struct config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->listen_tls = true;
    cfg->listen_tcp = false;
    cfg->tls_port = 16514;
    cfg->tcp_port = 16509;
    cfg->max_queued_clients = 1000;
    cfg->unix_sock_dir = xstrdup(RUNSTATEDIR "/libvirt");
    /* libvirt's defaults when polkit is not in use: only root may write. */
    cfg->unix_sock_ro_perms = 0777;
    cfg->unix_sock_rw_perms = 0700;
    cfg->unix_sock_admin_perms = 0700;
    cfg->auth_unix_ro = CONFIG_AUTH_NONE;
    cfg->auth_unix_rw = CONFIG_AUTH_NONE;
    cfg->auth_tcp = CONFIG_AUTH_SASL;
    cfg->auth_tls = CONFIG_AUTH_NONE;
    cfg->max_clients = 5000;
    cfg->max_anonymous_clients = 20;
    cfg->keepalive_interval = 5;
    cfg->keepalive_count = 5;
    cfg->message_timeout = 60;
    cfg->spin_wait_us = 50;
    cfg->connection_memory_limit = 1024;
    cfg->connection_tasks_limit = 16;
    cfg->log_level = 3;
}

static void strv_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

static char **strv_dup(char *const *v)
{
    size_t n = 0;
    char **out;

    if (!v)
        return NULL;
    while (v[n])
        n++;
    out = calloc(n + 1, sizeof(*out));
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        out[i] = strdup(v[i]);
        if (!out[i]) {
            strv_free(out);
            return NULL;
        }
    }
    return out;
}

static bool is_string_kind(enum key_kind kind)
{
    return kind == K_STRING || kind == K_PATH || kind == K_OUTPUTS || kind == K_FILTERS ||
           kind == K_UUID;
}

/* A deep copy, so that a failed parse can leave the caller's config alone. */
static int config_copy(struct config *dst, const struct config *src)
{
    *dst = *src;
    for (size_t i = 0; i < NKEYS; i++) {
        void *d = (char *)dst + keys[i].offset;
        if (is_string_kind(keys[i].kind))
            *(char **)d = NULL;
        else if (keys[i].kind == K_LIST)
            *(char ***)d = NULL;
    }
    for (size_t i = 0; i < NKEYS; i++) {
        void *d = (char *)dst + keys[i].offset;
        const void *s = (const char *)src + keys[i].offset;
        if (is_string_kind(keys[i].kind) && *(char *const *)s) {
            if (!(*(char **)d = strdup(*(char *const *)s)))
                goto fail;
        } else if (keys[i].kind == K_LIST && *(char **const *)s) {
            if (!(*(char ***)d = strv_dup(*(char **const *)s)))
                goto fail;
        }
    }
    return 0;
fail:
    config_free(dst);
    return -1;
}

void config_free(struct config *cfg)
{
    for (size_t i = 0; i < NKEYS; i++) {
        void *field = (char *)cfg + keys[i].offset;
        if (is_string_kind(keys[i].kind))
            free(*(char **)field);
        else if (keys[i].kind == K_LIST)
            strv_free(*(char ***)field);
    }
    memset(cfg, 0, sizeof(*cfg));
}

/* The parser: a cursor over the text with a line number for messages. */
struct parser {
    const char *name;
    const char *p, *end;
    int line;
    config_warn_fn warn;
    void *opaque;
};

static int fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records "FILE:LINE: reason" (rpc/error.h) as a configuration syntax
 * error. Returns -1. */
static int fail(struct parser *ps, const char *fmt, ...)
{
    char msg[512], full[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(full, sizeof(full), "%s:%d: %s", ps->name, ps->line, msg);
    error_set_message(ERR_CONF_SYNTAX, FROM_CONF, full);
    return -1;
}

static int fail_nomem(struct parser *ps)
{
    char full[1024];

    snprintf(full, sizeof(full), "%s:%d: out of memory", ps->name, ps->line);
    error_set_message(ERR_NO_MEMORY, FROM_CONF, full);
    return -1;
}

/* Records "FILE: reason" about a file as a whole. Returns -1. */
static int fail_file(int code, const char *name, const char *reason)
{
    char full[1024];

    snprintf(full, sizeof(full), "%s: %s", name, reason);
    error_set_message(code, FROM_CONF, full);
    return -1;
}

static void warn(struct parser *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn(struct parser *ps, int line, const char *fmt, ...)
{
    char msg[512], full[700];
    va_list ap;

    if (!ps->warn)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(full, sizeof(full), "%s:%d: %s", ps->name, line, msg);
    ps->warn(ps->opaque, full);
}

static bool at_end(const struct parser *ps)
{
    return ps->p >= ps->end;
}

static void skip_blanks(struct parser *ps)
{
    while (!at_end(ps) && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r'))
        ps->p++;
}

static void skip_comment(struct parser *ps)
{
    if (!at_end(ps) && *ps->p == '#')
        while (!at_end(ps) && *ps->p != '\n')
            ps->p++;
}

/* Blanks, comments and newlines: allowed between the items of a list. */
static void skip_space(struct parser *ps)
{
    for (;;) {
        skip_blanks(ps);
        skip_comment(ps);
        if (at_end(ps) || *ps->p != '\n')
            return;
        ps->line++;
        ps->p++;
    }
}

static void value_clear(struct value *v)
{
    free(v->str);
    for (size_t i = 0; i < v->nitems; i++)
        value_clear(&v->items[i]);
    free(v->items);
    memset(v, 0, sizeof(*v));
}

static int parse_string(struct parser *ps, struct value *v)
{
    const char *start;
    size_t len;
    int start_line = ps->line;

    if (ps->end - ps->p >= 3 && memcmp(ps->p, "\"\"\"", 3) == 0) {
        ps->p += 3;
        start = ps->p;
        while (ps->end - ps->p >= 3 && memcmp(ps->p, "\"\"\"", 3) != 0) {
            if (*ps->p == '\n')
                ps->line++;
            ps->p++;
        }
        if (ps->end - ps->p < 3) {
            ps->line = start_line;
            return fail(ps, "unterminated \"\"\" string");
        }
        len = (size_t)(ps->p - start);
        ps->p += 3;
    } else {
        char quote = *ps->p++;
        start = ps->p;
        while (!at_end(ps) && *ps->p != quote && *ps->p != '\n')
            ps->p++;
        if (at_end(ps) || *ps->p != quote)
            return fail(ps, "unterminated string (a %c string must end on its line)", quote);
        len = (size_t)(ps->p - start);
        ps->p++;
    }
    if (len > CONFIG_MAX_STRING)
        return fail(ps, "string longer than %d bytes", CONFIG_MAX_STRING);
    if (memchr(start, '\0', len))
        return fail(ps, "string contains a NUL byte");
    v->type = VAL_STRING;
    v->str = strndup(start, len);
    if (!v->str)
        return fail_nomem(ps);
    return 0;
}

static int parse_int(struct parser *ps, struct value *v)
{
    char buf[32];
    size_t n = 0;
    char *endp;

    if (*ps->p == '-' || *ps->p == '+')
        buf[n++] = *ps->p++;
    while (!at_end(ps) && *ps->p >= '0' && *ps->p <= '9' && n < sizeof(buf) - 1)
        buf[n++] = *ps->p++;
    buf[n] = '\0';
    if (!at_end(ps) && *ps->p >= '0' && *ps->p <= '9')
        return fail(ps, "number too long");
    if (n == 0 || (n == 1 && (buf[0] == '-' || buf[0] == '+')))
        return fail(ps, "expected a number");
    errno = 0;
    v->num = strtoll(buf, &endp, 10);
    if (errno || *endp)
        return fail(ps, "number out of range: %s", buf);
    v->type = VAL_INT;
    return 0;
}

static int parse_value(struct parser *ps, struct value *v, bool in_list);

static int parse_list(struct parser *ps, struct value *v)
{
    v->type = VAL_LIST;
    ps->p++; /* '[' */
    skip_space(ps);
    while (!at_end(ps) && *ps->p != ']') {
        struct value *items;
        if (v->nitems == CONFIG_MAX_LIST)
            return fail(ps, "list longer than %d items", CONFIG_MAX_LIST);
        items = realloc(v->items, (v->nitems + 1) * sizeof(*items));
        if (!items)
            return fail_nomem(ps);
        v->items = items;
        memset(&v->items[v->nitems], 0, sizeof(*items));
        if (parse_value(ps, &v->items[v->nitems++], true) < 0)
            return -1;
        skip_space(ps);
        if (!at_end(ps) && *ps->p == ',') {
            ps->p++;
            skip_space(ps);
        } else if (!at_end(ps) && *ps->p != ']') {
            return fail(ps, "expected ',' or ']' in a list");
        }
    }
    if (at_end(ps))
        return fail(ps, "unterminated list (missing ']')");
    ps->p++;
    return 0;
}

static int parse_value(struct parser *ps, struct value *v, bool in_list)
{
    if (at_end(ps) || *ps->p == '\n' || *ps->p == '#')
        return fail(ps, "expected a value");
    switch (*ps->p) {
    case '"':
    case '\'':
        return parse_string(ps, v);
    case '[':
        if (in_list)
            return fail(ps, "lists cannot contain lists");
        return parse_list(ps, v);
    default:
        if (*ps->p == '-' || *ps->p == '+' || (*ps->p >= '0' && *ps->p <= '9'))
            return parse_int(ps, v);
        return fail(ps, "expected a number, a quoted string or a list, found '%c'", *ps->p);
    }
}

static const char *type_name(enum value_type t)
{
    return t == VAL_INT ? "a number" : t == VAL_STRING ? "a string" : "a list";
}

static int want(struct parser *ps, const struct key *k, const struct value *v,
                enum value_type t, const char *what)
{
    if (v->type == t)
        return 0;
    return fail(ps, "%s must be %s, not %s", k->name, what, type_name(v->type));
}

static int set_string(struct parser *ps, char **field, const char *s)
{
    char *copy = strdup(s);
    if (!copy)
        return fail_nomem(ps);
    free(*field);
    *field = copy;
    return 0;
}

/* libvirt's UUID text, and not one digit over and over (libvirt refuses
 * those as a host UUID). */
static bool valid_uuid(const char *s)
{
    unsigned char u[UUID_LEN];

    if (uuid_parse(s, u) < 0)
        return false;
    for (int i = 1; i < UUID_LEN; i++)
        if (u[i] != u[0])
            return true;
    return (u[0] >> 4) != (u[0] & 15);
}

/* Checks v against k and stores it in cfg. Returns 0 or -1 (error recorded). */
static int apply(struct parser *ps, struct config *cfg, const struct key *k,
                 const struct value *v, int line)
{
    void *field = (char *)cfg + k->offset;
    char err[256];

    switch (k->kind) {
    case K_BOOL:
        if (want(ps, k, v, VAL_INT, "0 or 1") < 0)
            return -1;
        if (v->num != 0 && v->num != 1)
            return fail(ps, "%s must be 0 or 1, not %lld", k->name, v->num);
        *(bool *)field = v->num == 1;
        return 0;
    case K_INT:
        if (want(ps, k, v, VAL_INT, "a number") < 0)
            return -1;
        if (v->num < k->min || v->num > k->max)
            return fail(ps, "%s must be between %lld and %lld, not %lld", k->name, k->min,
                        k->max, v->num);
        *(int *)field = (int)v->num;
        return 0;
    case K_LIMIT:
        if (want(ps, k, v, VAL_INT, "a number") < 0)
            return -1;
        if (v->num != 0 && (v->num < k->min || v->num > k->max))
            return fail(ps, "%s must be 0 (no limit) or between %lld and %lld, not %lld",
                        k->name, k->min, k->max, v->num);
        *(int *)field = (int)v->num;
        return 0;
    case K_PORT: {
        long long port;
        if (v->type == VAL_STRING) {
            char *endp;
            errno = 0;
            port = strtoll(v->str, &endp, 10);
            if (!v->str[0] || *endp || errno)
                return fail(ps, "%s must be a port number, not \"%s\"", k->name, v->str);
        } else if (v->type == VAL_INT) {
            port = v->num;
        } else {
            return fail(ps, "%s must be a port number in quotes, not a list", k->name);
        }
        if (port < 1 || port > 65535)
            return fail(ps, "%s must be between 1 and 65535, not %lld", k->name, port);
        *(int *)field = (int)port;
        return 0;
    }
    case K_STRING:
        if (want(ps, k, v, VAL_STRING, "a string") < 0)
            return -1;
        return set_string(ps, field, v->str);
    case K_PATH:
        if (want(ps, k, v, VAL_STRING, "a string") < 0)
            return -1;
        if (v->str[0] != '/')
            return fail(ps, "%s must be an absolute path, not \"%s\"", k->name, v->str);
        return set_string(ps, field, v->str);
    case K_PERMS: {
        char *endp;
        unsigned long mode;
        if (want(ps, k, v, VAL_STRING, "an octal mode in quotes (\"0770\")") < 0)
            return -1;
        errno = 0;
        mode = strtoul(v->str, &endp, 8);
        if (!v->str[0] || *endp || errno || mode > 07777 || v->str[0] == '-')
            return fail(ps, "%s must be an octal mode such as \"0770\", not \"%s\"", k->name,
                        v->str);
        *(unsigned *)field = (unsigned)mode;
        return 0;
    }
    case K_AUTH:
        if (want(ps, k, v, VAL_STRING, "a string") < 0)
            return -1;
        for (int i = 0; i < 3; i++) {
            if (strcmp(v->str, auth_names[i]) == 0) {
                *(enum config_auth *)field = (enum config_auth)i;
                return 0;
            }
        }
        return fail(ps, "%s must be \"none\", \"sasl\" or \"polkit\", not \"%s\"", k->name,
                    v->str);
    case K_LIST: {
        char **list;
        if (want(ps, k, v, VAL_LIST, "a list of strings") < 0)
            return -1;
        for (size_t i = 0; i < v->nitems; i++)
            if (v->items[i].type != VAL_STRING)
                return fail(ps, "%s: item %zu must be a string, not %s", k->name, i + 1,
                            type_name(v->items[i].type));
        list = calloc(v->nitems + 1, sizeof(*list));
        if (!list)
            return fail_nomem(ps);
        for (size_t i = 0; i < v->nitems; i++) {
            if (!(list[i] = strdup(v->items[i].str))) {
                strv_free(list);
                return fail_nomem(ps);
            }
        }
        strv_free(*(char ***)field);
        *(char ***)field = list;
        return 0;
    }
    case K_OUTPUTS:
    case K_FILTERS:
        if (want(ps, k, v, VAL_STRING, "a string") < 0)
            return -1;
        if ((k->kind == K_OUTPUTS ? log_outputs_check : log_filters_check)(v->str, err,
                                                                           sizeof(err)) < 0)
            return fail(ps, "%s: %s", k->name, err);
        return set_string(ps, field, v->str);
    case K_UUID:
        if (want(ps, k, v, VAL_STRING, "a string") < 0)
            return -1;
        if (!valid_uuid(v->str))
            return fail(ps, "host_uuid \"%s\" is not a valid UUID", v->str);
        return set_string(ps, field, v->str);
    case K_IGNORED:
        warn(ps, line, "%s has no effect here: %s", k->name, k->why);
        return 0;
    }
    return 0;
}

static const struct key *find_key(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* One statement: NAME = VALUE, then a separator. */
static int parse_statement(struct parser *ps, struct config *cfg, int *seen_line)
{
    char name[64];
    size_t n = 0;
    struct value v = {0};
    const struct key *k;
    int line = ps->line, r;

    while (!at_end(ps) &&
           (*ps->p == '_' || *ps->p == '.' || (*ps->p >= 'a' && *ps->p <= 'z') ||
            (*ps->p >= 'A' && *ps->p <= 'Z') || (n > 0 && *ps->p >= '0' && *ps->p <= '9'))) {
        if (n == sizeof(name) - 1)
            return fail(ps, "key name too long");
        name[n++] = *ps->p++;
    }
    name[n] = '\0';
    if (n == 0)
        return fail(ps, "expected a key name, found '%c'", *ps->p);
    skip_blanks(ps);
    if (at_end(ps) || *ps->p != '=')
        return fail(ps, "expected '=' after %s", name);
    ps->p++;
    skip_blanks(ps);
    if (parse_value(ps, &v, false) < 0)
        goto out_fail;
    skip_blanks(ps);
    if (!at_end(ps) && *ps->p == ';')
        ps->p++; /* another statement may follow on this line */
    else
        skip_comment(ps);
    if (!at_end(ps) && ps->p[-1] != ';' && *ps->p != '\n') {
        fail(ps, "unexpected '%c' after the value of %s", *ps->p, name);
        goto out_fail;
    }

    k = find_key(name);
    if (!k) {
        warn(ps, line, "unknown key %s (ignored)", name);
        r = 0;
    } else {
        int *seen = &seen_line[k - keys];
        if (*seen)
            warn(ps, line, "%s is set again (the value at line %d is replaced)", name, *seen);
        *seen = line;
        r = apply(ps, cfg, k, &v, line);
        if (r == 0)
            cfg->key_line[k - keys] = line;
    }
    value_clear(&v);
    return r;

out_fail:
    value_clear(&v);
    return -1;
}

int config_parse(struct config *cfg, const char *name, const char *text, size_t len,
                 config_warn_fn warn_fn, void *opaque)
{
    struct parser ps = {.name = name,
                        .p = text,
                        .end = text + len,
                        .line = 1,
                        .warn = warn_fn,
                        .opaque = opaque};
    int seen_line[NKEYS] = {0};
    struct config work;

    if (config_copy(&work, cfg) < 0)
        return fail_file(ERR_NO_MEMORY, name, "out of memory");
    for (;;) {
        skip_space(&ps);
        if (at_end(&ps))
            break;
        if (*ps.p == ';') {
            ps.p++;
            continue;
        }
        if (parse_statement(&ps, &work, seen_line) < 0) {
            config_free(&work);
            return -1;
        }
    }
    config_free(cfg);
    *cfg = work;
    return 0;
}

/* Reads all of f into *buf (NUL-terminated, caller frees) and its length
 * into *len, refusing more than CONFIG_MAX_FILE bytes. The buffer starts at
 * the file's size, not at the limit: every connection process reads the
 * file. Returns 0, or -1 with the error recorded. */
static int read_file(FILE *f, const char *path, char **buf, size_t *len)
{
    char reason[128];

    struct stat st;
    size_t cap = 4096, n = 0;
    char *b = NULL;

    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0)
        cap =
            (size_t)st.st_size < CONFIG_MAX_FILE ? (size_t)st.st_size + 2 : CONFIG_MAX_FILE + 2;
    for (;;) {
        char *nb = realloc(b, cap);
        if (!nb) {
            fail_file(ERR_NO_MEMORY, path, "out of memory");
            goto fail;
        }
        b = nb;
        n += fread(b + n, 1, cap - 1 - n, f);
        if (ferror(f)) {
            snprintf(reason, sizeof(reason), "cannot read: %s", strerror(errno));
            fail_file(ERR_SYSTEM_ERROR, path, reason);
            goto fail;
        }
        if (n > CONFIG_MAX_FILE) {
            snprintf(reason, sizeof(reason), "larger than %d bytes", CONFIG_MAX_FILE);
            fail_file(ERR_CONF_SYNTAX, path, reason);
            goto fail;
        }
        if (feof(f))
            break;
        cap = cap - 1 > CONFIG_MAX_FILE / 2 ? CONFIG_MAX_FILE + 2 : 2 * cap;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
fail:
    free(b);
    return -1;
}

int config_load(struct config *cfg, const char *path, bool must_exist, config_warn_fn warn_fn,
                void *opaque)
{
    FILE *f = fopen(path, "re");
    char *buf = NULL, reason[128];
    size_t len = 0;
    int ret = -1;

    if (!f) {
        if (errno == ENOENT && !must_exist)
            return 0;
        snprintf(reason, sizeof(reason), "cannot open: %s", strerror(errno));
        return fail_file(ERR_SYSTEM_ERROR, path, reason);
    }
    if (read_file(f, path, &buf, &len) == 0)
        ret = config_parse(cfg, path, buf, len, warn_fn, opaque);
    free(buf);
    fclose(f);
    return ret;
}

int config_key_line(const struct config *cfg, const char *key)
{
    const struct key *k = find_key(key);

    return k ? cfg->key_line[k - keys] : 0;
}

int config_sock_path(const struct config *cfg, const char *name, char *buf, size_t len)
{
    size_t max = len < 108 ? len : 108; /* sizeof(sun_path) */
    int n = snprintf(buf, len, "%s/%s", cfg->unix_sock_dir, name);

    return n < 0 || (size_t)n >= max ? -1 : 0;
}

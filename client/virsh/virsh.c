/* virsh: our command-line client. Global options, the connection, parsing
 * command lines (argv words or a string with quotes and ';'), running the
 * commands, the interactive shell, and the helpers commands share. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "vsh.h"

/* Output */

void vsh_print(struct vsh_ctl *ctl, const char *fmt, ...)
{
    va_list ap;

    (void)ctl;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

void vsh_print_extra(struct vsh_ctl *ctl, const char *fmt, ...)
{
    va_list ap;

    if (ctl->quiet)
        return;
    va_start(ap, fmt);
    vfprintf(stdout, fmt, ap);
    va_end(ap);
}

void vsh_error(struct vsh_ctl *ctl, const char *fmt, ...)
{
    va_list ap;

    (void)ctl;
    fflush(stdout);
    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

/* The library calls this for every failure; keep the error for
 * vsh_report_error, as real virsh does. */
static struct vsh_ctl *error_ctl;

static void error_handler(void *opaque, virErrorPtr err)
{
    (void)opaque;
    (void)err;
    if (!error_ctl)
        return;
    virFreeError(error_ctl->last_error);
    error_ctl->last_error = virSaveLastError();
    if (getenv("VIRSH_DEBUG"))
        virDefaultErrorFunc(err);
}

void vsh_reset_libvirt_error(struct vsh_ctl *ctl)
{
    virFreeError(ctl->last_error);
    ctl->last_error = NULL;
    virResetLastError();
}

void vsh_report_error(struct vsh_ctl *ctl)
{
    if (!ctl->last_error) {
        /* A failure the handler did not see (none in this library, but
         * keep virsh's fallback). */
        virErrorPtr e = virGetLastError();
        if (!e)
            return;
        ctl->last_error = virSaveLastError();
    }
    if (ctl->last_error->code != VIR_ERR_OK) {
        if (ctl->last_error->message)
            vsh_error(ctl, "%s", ctl->last_error->message);
        else
            vsh_error(ctl, "%s", "unknown error");
    }
    vsh_reset_libvirt_error(ctl);
}

/* Options */

static int opt_index(const struct vsh_cmd_def *def, const char *name)
{
    for (int i = 0; def->opts && def->opts[i].name; i++)
        if (strcmp(def->opts[i].name, name) == 0)
            return i;
    return -1;
}

bool vsh_opt_bool(const struct vsh_cmd *cmd, const char *name)
{
    int i = opt_index(cmd->def, name);

    return i >= 0 && cmd->seen[i];
}

const char *vsh_opt_nth(const struct vsh_cmd *cmd, const char *name, int n)
{
    if (n == 0)
        return vsh_opt_string(cmd, name);
    return n - 1 < cmd->nmore ? cmd->more[n - 1] : NULL;
}

const char *vsh_opt_string(const struct vsh_cmd *cmd, const char *name)
{
    int i = opt_index(cmd->def, name);

    return i >= 0 && cmd->seen[i] ? cmd->value[i] : NULL;
}

const char *const *vsh_opt_argv(const struct vsh_cmd *cmd, size_t *n)
{
    *n = cmd->nargv;
    return cmd->nargv ? cmd->argv : NULL;
}

int vsh_opt_int(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *name, int *value)
{
    const char *s = vsh_opt_string(cmd, name);
    char *end;
    long v;

    if (!s)
        return 0;
    errno = 0;
    v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < INT_MIN || v > INT_MAX) {
        vsh_error(ctl, "Numeric value '%s' for <%s> option is malformed or out of range", s, name);
        return -1;
    }
    *value = (int)v;
    return 1;
}

int vsh_opt_ull(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *name,
                unsigned long long *value, unsigned long long max)
{
    const char *s = vsh_opt_string(cmd, name);
    char *end;
    unsigned long long v;

    if (!s)
        return 0;
    errno = 0;
    v = strtoull(s, &end, 10);
    /* A sign is refused, as virsh's positive-only parsers refuse it. */
    if (!*s || *end || errno || strchr(s, '-') || v > max) {
        vsh_error(ctl, "Numeric value '%s' for <%s> option is malformed or out of range", s, name);
        return -1;
    }
    *value = v;
    return 1;
}

int vsh_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* libvirt's scaled integers: a number and an optional unit, where "b" or
 * "bytes" is 1, k/m/g/t/p/e alone or with "iB" are powers of 1024 and with
 * "B" powers of 1000; no unit means `scale`. */
static int scale_integer(unsigned long long *value, const char *suffix, unsigned long long scale,
                         unsigned long long limit)
{
    unsigned long long base = 1024;
    int power;

    if (!suffix || !*suffix) {
        if (!scale)
            return -1;
    } else {
        if (strcasecmp(suffix, "b") == 0 || strcasecmp(suffix, "byte") == 0 ||
            strcasecmp(suffix, "bytes") == 0) {
            scale = 1;
        } else {
            if (!suffix[1] || strcasecmp(suffix + 1, "iB") == 0)
                base = 1024;
            else if (strcmp(suffix + 1, "B") == 0 || strcmp(suffix + 1, "b") == 0)
                base = 1000;
            else
                return -1;
            switch (tolower((unsigned char)suffix[0])) {
            case 'e': power = 6; break;
            case 'p': power = 5; break;
            case 't': power = 4; break;
            case 'g': power = 3; break;
            case 'm': power = 2; break;
            case 'k': power = 1; break;
            default: return -1;
            }
            scale = 1;
            while (power--) {
                if (scale > ULLONG_MAX / base)
                    return -1;
                scale *= base;
            }
        }
    }
    if (*value && limit / *value < scale)
        return -1;
    *value *= scale;
    if (*value > limit)
        return -1;
    return 0;
}

int vsh_opt_scaled(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *name,
                   unsigned long long *value, unsigned long long scale, unsigned long long max)
{
    const char *s = vsh_opt_string(cmd, name);
    char *end;

    if (!s)
        return 0;
    errno = 0;
    if (!isdigit((unsigned char)*s))
        goto bad;
    *value = strtoull(s, &end, 10);
    if (errno || scale_integer(value, end, scale, max) < 0)
        goto bad;
    return 1;
bad:
    vsh_error(ctl, "Scaled numeric value '%s' for <%s> option is malformed or out of range", s,
              name);
    return -1;
}

/* Connection */

/* Says why the connection went away, unless we closed it. */
static void catch_disconnect(virConnectPtr conn, int reason, void *opaque)
{
    struct vsh_ctl *ctl = opaque;
    const char *why = NULL;
    char *uri;

    switch (reason) {
    case VIR_CONNECT_CLOSE_REASON_ERROR:
        why = "I/O error";
        break;
    case VIR_CONNECT_CLOSE_REASON_EOF:
        why = "end of file";
        break;
    case VIR_CONNECT_CLOSE_REASON_KEEPALIVE:
        why = "keepalive timeout";
        break;
    default:
        return;
    }
    uri = virConnectGetURI(conn);
    vsh_error(ctl, "Disconnected from %s due to %s", uri ? uri : "(null)", why);
    free(uri);
    /* A running "event" command has nothing more to wait for. */
    vsh_event_done(ctl);
}

bool vsh_connect(struct vsh_ctl *ctl, const char *uri, bool readonly)
{
    vsh_disconnect(ctl);
    ctl->conn = virConnectOpenAuth(uri, virConnectAuthPtrDefault, readonly ? VIR_CONNECT_RO : 0);
    if (!ctl->conn) {
        vsh_error(ctl, "%s", "failed to connect to the hypervisor");
        return false;
    }
    ctl->readonly = readonly;
    /* As real virsh: a close callback (to notice a lost daemon) and
     * client keepalive, both harmless when unsupported. */
    virConnectRegisterCloseCallback(ctl->conn, catch_disconnect, ctl, NULL);
    vsh_reset_libvirt_error(ctl);
    if (ctl->keepalive_interval != 0) {
        int interval = ctl->keepalive_interval > 0 ? ctl->keepalive_interval : 5;
        int count = ctl->keepalive_count >= 0 ? ctl->keepalive_count : 6;
        virConnectSetKeepAlive(ctl->conn, interval, (unsigned int)count);
        vsh_reset_libvirt_error(ctl);
    }
    return true;
}

void vsh_disconnect(struct vsh_ctl *ctl)
{
    if (!ctl->conn)
        return;
    virConnectUnregisterCloseCallback(ctl->conn, catch_disconnect);
    vsh_reset_libvirt_error(ctl);
    if (virConnectClose(ctl->conn) < 0)
        vsh_error(ctl, "%s", "failed to disconnect from the hypervisor");
    ctl->conn = NULL;
}

/* Domains */

virDomainPtr vsh_lookup_domain(struct vsh_ctl *ctl, const char *n, unsigned int by)
{
    virDomainPtr dom = NULL;
    char *end;
    long id;

    if (by & VSH_BYID) {
        errno = 0;
        id = strtol(n, &end, 10);
        if (*n && !*end && !errno && id >= 0 && id <= INT_MAX)
            dom = virDomainLookupByID(ctl->conn, (int)id);
    }
    if (!dom && (by & VSH_BYUUID) && strlen(n) == VIR_UUID_STRING_BUFLEN - 1)
        dom = virDomainLookupByUUIDString(ctl->conn, n);
    if (!dom && (by & VSH_BYNAME))
        dom = virDomainLookupByName(ctl->conn, n);
    vsh_reset_libvirt_error(ctl);
    if (!dom)
        vsh_error(ctl, "failed to get domain '%s'", n);
    return dom;
}

virDomainPtr vsh_command_domain(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, unsigned int by,
                                const char **name)
{
    const char *n = vsh_opt_string(cmd, "domain");

    if (!n)
        return NULL;
    if (name)
        *name = n;
    return vsh_lookup_domain(ctl, n, by);
}

char *vsh_read_file(struct vsh_ctl *ctl, const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0, cap = 0;

    if (!f) {
        vsh_error(ctl, "Failed to open file '%s': %s", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (cap - len < 4096) {
            char *p = realloc(buf, cap + 65536);
            if (!p) {
                free(buf);
                fclose(f);
                vsh_error(ctl, "%s", "out of memory");
                return NULL;
            }
            buf = p;
            cap += 65536;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        vsh_error(ctl, "Failed to read file '%s': %s", path, strerror(errno));
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* The event loop thread and the "event" command's wait. */

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ev_cond = PTHREAD_COND_INITIALIZER;
static int ev_done;
static long long ev_deadline; /* ms, 0 for none */
static volatile sig_atomic_t ev_interrupted;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Microseconds on the monotonic clock, for -t. */
static long long now_ms_fine(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *event_loop(void *arg)
{
    (void)arg;
    for (;;)
        virEventRunDefaultImpl();
    return NULL;
}

static void on_sigint(int sig)
{
    (void)sig;
    ev_interrupted = 1;
}

void vsh_event_start(struct vsh_ctl *ctl, int timeout_ms)
{
    (void)ctl;
    pthread_mutex_lock(&ev_lock);
    ev_done = 0;
    ev_interrupted = 0;
    ev_deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
    pthread_mutex_unlock(&ev_lock);
}

void vsh_event_done(struct vsh_ctl *ctl)
{
    (void)ctl;
    pthread_mutex_lock(&ev_lock);
    ev_done = 1;
    pthread_cond_broadcast(&ev_cond);
    pthread_mutex_unlock(&ev_lock);
}

void vsh_event_line(struct vsh_ctl *ctl, bool timestamp, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (timestamp) {
        struct timeval tv;
        struct tm tm;
        char ts[64];
        gettimeofday(&tv, NULL);
        gmtime_r(&tv.tv_sec, &tm);
        strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
        vsh_print(ctl, "%s.%03d+0000: %s\n", ts, (int)(tv.tv_usec / 1000), line);
    } else {
        vsh_print(ctl, "%s\n", line);
    }
    fflush(stdout);
}

enum vsh_event_end vsh_event_wait(struct vsh_ctl *ctl)
{
    struct sigaction sa = {.sa_handler = on_sigint}, old;
    enum vsh_event_end end;

    (void)ctl;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    pthread_mutex_lock(&ev_lock);
    for (;;) {
        if (ev_done) {
            end = VSH_EVENT_DONE;
            break;
        }
        if (ev_interrupted) {
            end = VSH_EVENT_INTERRUPT;
            break;
        }
        if (ev_deadline && now_ms() >= ev_deadline) {
            end = VSH_EVENT_TIMEOUT;
            break;
        }
        /* Wake up now and then to notice SIGINT and the deadline. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&ev_cond, &ev_lock, &ts);
    }
    pthread_mutex_unlock(&ev_lock);
    sigaction(SIGINT, &old, NULL);
    return end;
}

/* Command lookup and parsing */

static const struct vsh_cmd_def vsh_builtin_cmds[];
static const struct vsh_cmd_def *const cmd_tables[] = {vsh_builtin_cmds, vsh_host_cmds,
                                                       vsh_domain_cmds, vsh_node_cmds,
                                                       vsh_nodedev_cmds, vsh_storage_cmds,
                                                       vsh_network_cmds, vsh_snapshot_cmds,
                                                       vsh_guestops_cmds, vsh_dstats_cmds,
                                                       vsh_edit_cmds, vsh_console_cmds};

static const struct vsh_cmd_def *find_command(const char *name)
{
    for (size_t t = 0; t < sizeof(cmd_tables) / sizeof(cmd_tables[0]); t++)
        for (const struct vsh_cmd_def *d = cmd_tables[t]; d->name; d++)
            if (strcmp(d->name, name) == 0)
                return d;
    return NULL;
}

static void free_commands(struct vsh_cmd *cmd)
{
    while (cmd) {
        struct vsh_cmd *next = cmd->next;
        free(cmd);
        cmd = next;
    }
}

static bool add_argv(struct vsh_ctl *ctl, struct vsh_cmd *cmd, const char *w)
{
    if (cmd->nargv == VSH_MAX_ARGV) {
        vsh_error(ctl, "unexpected data '%s'", w);
        return false;
    }
    cmd->argv[cmd->nargv++] = w;
    return true;
}

/* Word w given positionally to option k: a VSH_OT_ARGV option takes it
 * and stays open for more. */
static bool take_positional(struct vsh_ctl *ctl, struct vsh_cmd *cmd, int k, const char *w,
                            unsigned long long *need_arg)
{
    cmd->seen[k] = true;
    if (cmd->def->opts[k].type == VSH_OT_ARGV)
        return add_argv(ctl, cmd, w);
    *need_arg &= ~(1ULL << k);
    cmd->value[k] = w;
    return true;
}

/* Parses one command from words[0..n); words stay owned by the caller
 * and must outlive the command. */
static struct vsh_cmd *parse_one(struct vsh_ctl *ctl, char **words, size_t n)
{
    const struct vsh_cmd_def *def = find_command(words[0]);
    struct vsh_cmd *cmd;
    unsigned long long need_arg = 0;
    size_t i;

    if (!def) {
        vsh_error(ctl, "unknown command: '%s'", words[0]);
        return NULL;
    }
    cmd = calloc(1, sizeof(*cmd));
    if (!cmd)
        return NULL;
    cmd->def = def;
    for (int k = 0; def->opts && def->opts[k].name; k++)
        if (def->opts[k].type != VSH_OT_BOOL && !(def->opts[k].flags & VSH_OFLAG_REQ_OPT))
            need_arg |= 1ULL << k;

    for (i = 1; i < n; i++) {
        const char *w = words[i];
        int k;

        if (w[0] == '-' && w[1] == '-' && w[2]) {
            char name[128];
            const char *eq = strchr(w + 2, '=');
            size_t len = eq ? (size_t)(eq - (w + 2)) : strlen(w + 2);
            if (len >= sizeof(name))
                len = sizeof(name) - 1;
            memcpy(name, w + 2, len);
            name[len] = '\0';
            k = opt_index(def, name);
            if (k < 0) {
                vsh_error(ctl, "command '%s' doesn't support option --%s", def->name, name);
                goto fail;
            }
            if (cmd->seen[k] && (def->opts[k].flags & VSH_OFLAG_MULTI) && !eq && i + 1 < n &&
                cmd->nmore < VSH_MAX_MORE) {
                cmd->more[cmd->nmore++] = words[++i];
                continue;
            }
            if (cmd->seen[k] && def->opts[k].type != VSH_OT_ARGV) {
                vsh_error(ctl, "option --%s already seen", name);
                goto fail;
            }
            cmd->seen[k] = true;
            if (def->opts[k].type != VSH_OT_ARGV)
                need_arg &= ~(1ULL << k);
            if (def->opts[k].type == VSH_OT_ARGV) {
                const char *v = eq ? eq + 1 : i + 1 < n ? words[++i] : NULL;
                if (!v) {
                    vsh_error(ctl, "expected syntax: --%s <%s>", name, "string");
                    goto fail;
                }
                if (!add_argv(ctl, cmd, v))
                    goto fail;
            } else if (def->opts[k].type == VSH_OT_BOOL) {
                if (eq) {
                    vsh_error(ctl, "invalid '=' after option --%s", name);
                    goto fail;
                }
            } else if (eq) {
                cmd->value[k] = eq + 1;
            } else if (i + 1 < n) {
                cmd->value[k] = words[++i];
            } else {
                vsh_error(ctl, "expected syntax: --%s <%s>", name,
                          def->opts[k].type == VSH_OT_INT ? "number" : "string");
                goto fail;
            }
            if (def->opts[k].type == VSH_OT_ARGV && cmd->value[k] && cmd->nargv < VSH_MAX_ARGV)
                cmd->argv[cmd->nargv++] = cmd->value[k];
        } else if (w[0] == '-' && w[1] == '-' && !w[2]) {
            /* "--": everything after is data. */
            for (i++; i < n; i++) {
                if (!need_arg) {
                    vsh_error(ctl, "unexpected data '%s'", words[i]);
                    goto fail;
                }
                k = __builtin_ctzll(need_arg);
                if (!take_positional(ctl, cmd, k, words[i], &need_arg))
                    goto fail;
            }
            break;
        } else {
            if (!need_arg) {
                vsh_error(ctl, "unexpected data '%s'", w);
                goto fail;
            }
            k = __builtin_ctzll(need_arg);
            if (!take_positional(ctl, cmd, k, w, &need_arg))
                goto fail;
        }
    }
    /* virsh names every required option that is missing */
    bool missing = false;
    for (int k = 0; def->opts && def->opts[k].name; k++) {
        if ((def->opts[k].flags & VSH_OFLAG_REQ) && !cmd->seen[k]) {
            if (def->opts[k].type == VSH_OT_DATA || def->opts[k].type == VSH_OT_ARGV)
                vsh_error(ctl, "command '%s' requires <%s> option", def->name, def->opts[k].name);
            else
                vsh_error(ctl, "command '%s' requires --%s option", def->name, def->opts[k].name);
            missing = true;
        }
    }
    if (missing)
        goto fail;
    return cmd;
fail:
    free(cmd);
    return NULL;
}

/* Splits a command string into words: blanks separate, quotes group,
 * backslash escapes, ';' or a newline ends a command, '#' starts a comment
 * at the start of a word. Appends each command's words to *cmds via
 * parse_one. The words live in *storage (freed by the caller). Returns 0,
 * or -1 on a syntax error (printed). */
static int parse_string(struct vsh_ctl *ctl, const char *line, struct vsh_cmd **cmds,
                        char ***storage, size_t *nstorage)
{
    const char *p = line;
    char *words[256];
    size_t nw = 0;
    struct vsh_cmd **tail = cmds;

    while (*tail)
        tail = &(*tail)->next;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' ) {
            while (*p && *p != '\n')
                p++;
        }
        if (!*p || *p == ';' || *p == '\n') {
            if (nw > 0) {
                struct vsh_cmd *c = parse_one(ctl, words, nw);
                if (!c)
                    return -1;
                *tail = c;
                tail = &c->next;
            }
            nw = 0;
            if (!*p)
                return 0;
            p++;
            continue;
        }
        /* One word. */
        char *w = malloc(strlen(p) + 1), *o = w;
        char quote = 0;
        if (!w)
            return -1;
        while (*p) {
            if (quote) {
                if (*p == quote) {
                    quote = 0;
                    p++;
                } else if (*p == '\\' && quote == '"' && p[1]) {
                    *o++ = p[1];
                    p += 2;
                } else {
                    *o++ = *p++;
                }
            } else if (*p == '\'' || *p == '"') {
                quote = *p++;
            } else if (*p == '\\' && p[1]) {
                *o++ = p[1];
                p += 2;
            } else if (*p == ' ' || *p == '\t' || *p == ';' || *p == '\n') {
                break;
            } else {
                *o++ = *p++;
            }
        }
        *o = '\0';
        if (quote) {
            free(w);
            vsh_error(ctl, "%s", "dangling quote");
            return -1;
        }
        char **s = realloc(*storage, (*nstorage + 1) * sizeof(char *));
        if (!s) {
            free(w);
            return -1;
        }
        *storage = s;
        s[(*nstorage)++] = w;
        if (nw < sizeof(words) / sizeof(words[0]))
            words[nw++] = w;
    }
}

/* Runs a chain of commands; false when the last one failed (real virsh's
 * exit status is its last command's). */
static bool run_commands(struct vsh_ctl *ctl, struct vsh_cmd *cmd, bool *quit)
{
    bool last_ok = true;

    for (; cmd; cmd = cmd->next) {
        bool ok;

        if (!cmd->def->no_connect && !ctl->conn) {
            if (!vsh_connect(ctl, ctl->connname, ctl->readonly)) {
                vsh_report_error(ctl);
                last_ok = false;
                if (!ctl->interactive)
                    return false;
                continue;
            }
        }
        long long start = now_ms_fine();
        ok = cmd->def->handler(ctl, cmd);
        long long elapsed = now_ms_fine() - start;
        if (!ok)
            vsh_report_error(ctl);
        last_ok = ok;
        if (strcmp(cmd->def->name, "quit") == 0 || strcmp(cmd->def->name, "exit") == 0) {
            *quit = true;
            break;
        }
        /* -t replaces the blank line after a command, even with -q. */
        if (ctl->timing)
            vsh_print(ctl, "\n(Time: %.3f ms)\n\n", (double)elapsed / 1000.0);
        else
            vsh_print_extra(ctl, "\n");
        fflush(stdout);
    }
    return last_ok;
}

/* Built-in commands that need the engine. */

static const struct vsh_opt_def opts_connect[] = {
    {"name", VSH_OT_STRING, 0},
    {"readonly", VSH_OT_BOOL, 0},
    {NULL, 0, 0},
};

static bool vsh_cmd_connect(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name = vsh_opt_string(cmd, "name");
    bool ro = vsh_opt_bool(cmd, "readonly");

    if (name) {
        free(ctl->connname);
        ctl->connname = strdup(name);
    }
    return vsh_connect(ctl, ctl->connname, ro);
}

static bool cmd_quit(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    (void)ctl;
    (void)cmd;
    return true;
}

static const struct vsh_opt_def opts_help[] = {
    {"command", VSH_OT_STRING, 0},
    {NULL, 0, 0},
};

static bool cmd_help(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name = vsh_opt_string(cmd, "command");
    if (name) {
        const struct vsh_cmd_def *d = find_command(name);
        if (!d) {
            vsh_error(ctl, "command or command group '%s' doesn't exist", name);
            return false;
        }
        vsh_print(ctl, "  NAME\n    %s - %s\n\n  SYNOPSIS\n    %s", d->name, d->help, d->name);
        for (int k = 0; d->opts && d->opts[k].name; k++) {
            const struct vsh_opt_def *o = &d->opts[k];
            if (o->type == VSH_OT_BOOL)
                vsh_print(ctl, " [--%s]", o->name);
            else if (o->flags & VSH_OFLAG_REQ)
                vsh_print(ctl, " <%s>", o->name);
            else
                vsh_print(ctl, " [--%s <%s>]", o->name,
                          o->type == VSH_OT_INT ? "number" : "string");
        }
        vsh_print(ctl, "\n\n");
        return true;
    }
    for (size_t t = 0; t < sizeof(cmd_tables) / sizeof(cmd_tables[0]); t++)
        for (const struct vsh_cmd_def *d = cmd_tables[t]; d->name; d++)
            vsh_print(ctl, "    %-30s %s\n", d->name, d->help);
    return true;
}

static const struct vsh_cmd_def vsh_builtin_cmds[] = {
    {"connect", vsh_cmd_connect, opts_connect, "(re)connect to hypervisor", true},
    {"quit", cmd_quit, NULL, "quit this interactive terminal", true},
    {"exit", cmd_quit, NULL, "quit this interactive terminal", true},
    {"help", cmd_help, opts_help, "print help", true},
    {NULL, NULL, NULL, NULL, false},
};

/* Main */

static void usage(void)
{
    printf("\n"
           "virsh [options]... [<command_string>]\n"
           "virsh [options]... <command> [args...]\n"
           "\n"
           "  options:\n"
           "    -c | --connect=URI      hypervisor connection URI\n"
           "    -d | --debug=NUM        debug level [0-4]\n"
           "    -e | --escape <char>    set escape sequence for console\n"
           "    -h | --help             this help\n"
           "    -k | --keepalive-interval=NUM\n"
           "                            keepalive interval in seconds, 0 for disable\n"
           "    -K | --keepalive-count=NUM\n"
           "                            number of possible missed keepalive messages\n"
           "    -l | --log=FILE         output logging to file\n"
           "    -q | --quiet            quiet mode\n"
           "    -r | --readonly         connect readonly\n"
           "    -t | --timing           print timing information\n"
           "    -v                      short version\n"
           "    -V                      long version\n"
           "         --version[=TYPE]   version, TYPE is short or long (default short)\n"
           "\n");
}

static bool parse_nonneg(const char *s, int *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < 0 || v > INT_MAX)
        return false;
    *out = (int)v;
    return true;
}

static int parse_args(struct vsh_ctl *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"connect", required_argument, NULL, 'c'},
        {"debug", required_argument, NULL, 'd'},
        {"escape", required_argument, NULL, 'e'},
        {"help", no_argument, NULL, 'h'},
        {"keepalive-interval", required_argument, NULL, 'k'},
        {"keepalive-count", required_argument, NULL, 'K'},
        {"log", required_argument, NULL, 'l'},
        {"quiet", no_argument, NULL, 'q'},
        {"readonly", no_argument, NULL, 'r'},
        {"timing", no_argument, NULL, 't'},
        {"version", optional_argument, NULL, 'v'},
        {NULL, 0, NULL, 0},
    };
    int c, v;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:c:d:e:hk:K:l:qrtvV", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            free(ctl->connname);
            ctl->connname = strdup(optarg);
            break;
        case 'd':
            if (!parse_nonneg(optarg, &v)) {
                vsh_error(ctl, "option -%s takes a numeric argument", "d");
                return -1;
            }
            break;
        case 'e': {
            const char *e = optarg;
            if (e[0] == '^' && e[1] && !e[2] && isalpha((unsigned char)e[1]))
                ctl->escape_char = (char)(toupper((unsigned char)e[1]) - 'A' + 1);
            else if (e[0] && !e[1] && e[0] != '^')
                ctl->escape_char = e[0];
            else {
                vsh_error(ctl, "Invalid string '%s' for escape sequence", e);
                return -1;
            }
            break;
        }
        case 'h':
            usage();
            exit(EXIT_SUCCESS);
        case 'k':
            if (!parse_nonneg(optarg, &v)) {
                vsh_error(ctl, "%s", "Invalid value for option -k");
                return -1;
            }
            ctl->keepalive_interval = v;
            break;
        case 'K':
            if (!parse_nonneg(optarg, &v)) {
                vsh_error(ctl, "%s", "option -K requires a positive integer argument");
                return -1;
            }
            ctl->keepalive_count = v;
            break;
        case 'l':
            break;
        case 'q':
            ctl->quiet = true;
            break;
        case 'r':
            ctl->readonly = true;
            break;
        case 't':
            ctl->timing = true;
            break;
        case 'v':
            if (!optarg || strcmp(optarg, "short") == 0) {
                printf("%d.%d.%d\n", LIBVIR_VERSION_NUMBER / 1000000,
                       LIBVIR_VERSION_NUMBER / 1000 % 1000, LIBVIR_VERSION_NUMBER % 1000);
                exit(EXIT_SUCCESS);
            }
            if (strcmp(optarg, "long") != 0) {
                vsh_error(ctl, "unknown version type '%s'", optarg);
                return -1;
            }
            /* fall through */
        case 'V':
            printf("Virsh command line tool of libvirt %d.%d.%d\n"
                   "See web site at https://libvirt.org/\n\n",
                   LIBVIR_VERSION_NUMBER / 1000000, LIBVIR_VERSION_NUMBER / 1000 % 1000,
                   LIBVIR_VERSION_NUMBER % 1000);
            exit(EXIT_SUCCESS);
        case ':':
            vsh_error(ctl, "option '-%c' requires an argument", optopt);
            return -1;
        default:
            if (optopt)
                vsh_error(ctl, "unsupported option '-%c'. See --help.", optopt);
            else
                vsh_error(ctl, "unsupported option '%s'. See --help.", argv[optind - 1]);
            return -1;
        }
    }
    return optind;
}

static void banner(struct vsh_ctl *ctl)
{
    vsh_print_extra(ctl, "Welcome to %s, the virtualization interactive terminal.\n\n"
                         "Type:  'help' for help with commands\n"
                         "       'quit' to quit\n\n",
                    "virsh");
}

static bool shell(struct vsh_ctl *ctl)
{
    bool tty = isatty(STDIN_FILENO);
    char *line = NULL;
    size_t cap = 0;
    bool quit = false;

    /* Real virsh connects first and gives up at once when it cannot. */
    if (!vsh_connect(ctl, ctl->connname, ctl->readonly)) {
        vsh_report_error(ctl);
        return false;
    }
    banner(ctl);
    while (!quit) {
        ssize_t n;
        char **storage = NULL;
        size_t nstorage = 0;
        struct vsh_cmd *cmds = NULL;

        fputs(ctl->readonly ? "virsh > " : "virsh # ", stdout);
        fflush(stdout);
        n = getline(&line, &cap, stdin);
        if (n < 0) {
            fputc('\n', stdout);
            break;
        }
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        /* A terminal echoes what was typed; from a pipe, show it the way
         * readline does. */
        if (!tty)
            printf("%s\n", line);
        /* As real virsh: a failed command is reported, but the shell
         * itself still ends with success. */
        if (parse_string(ctl, line, &cmds, &storage, &nstorage) == 0)
            run_commands(ctl, cmds, &quit);
        free_commands(cmds);
        for (size_t i = 0; i < nstorage; i++)
            free(storage[i]);
        free(storage);
    }
    if (quit)
        fputc('\n', stdout);
    free(line);
    return true;
}

int main(int argc, char **argv)
{
    struct vsh_ctl ctl = {.keepalive_interval = -1, .keepalive_count = -1, .escape_char = 0x1d};
    pthread_t loop;
    int first;
    bool ok;
    struct vsh_cmd *cmds = NULL;
    char **storage = NULL;
    size_t nstorage = 0;

    setlocale(LC_ALL, "");
    error_ctl = &ctl;
    virSetErrorFunc(NULL, error_handler);
    if (virEventRegisterDefaultImpl() < 0 ||
        pthread_create(&loop, NULL, event_loop, NULL) != 0) {
        vsh_error(&ctl, "%s", "Failed to initialize libvirt");
        return EXIT_FAILURE;
    }
    pthread_detach(loop);

    if (!ctl.connname) {
        const char *env = getenv("VIRSH_DEFAULT_CONNECT_URI");
        if (env && *env)
            ctl.connname = strdup(env);
    }
    first = parse_args(&ctl, argc, argv);
    if (first < 0) {
        free(ctl.connname);
        return EXIT_FAILURE;
    }

    if (first >= argc) {
        ctl.interactive = true;
        ok = shell(&ctl);
    } else {
        bool quit = false;
        int rc;
        if (argc - first == 1) {
            rc = parse_string(&ctl, argv[first], &cmds, &storage, &nstorage);
        } else {
            cmds = parse_one(&ctl, argv + first, (size_t)(argc - first));
            rc = cmds ? 0 : -1;
        }
        ok = rc == 0 && run_commands(&ctl, cmds, &quit);
    }
    free_commands(cmds);
    for (size_t i = 0; i < nstorage; i++)
        free(storage[i]);
    free(storage);
    fflush(stdout);
    vsh_disconnect(&ctl);
    virFreeError(ctl.last_error);
    free(ctl.connname);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

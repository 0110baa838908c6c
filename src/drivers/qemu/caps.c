#include "caps.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "daemon-paths.h"
#include "error.h"
#include "json.h"
#include "log.h"
#include "paths.h"
#include "state/file.h"

/* A probe of one emulator with one accelerator takes 25-100 ms here; this
 * bounds a QEMU that hangs. */
#define PROBE_TIMEOUT_MS 20000
/* The largest reply we read (query-qmp-schema is about 200 KiB). */
#define PROBE_REPLY_MAX (16 * 1024 * 1024)
/* Bump when what the cache holds changes. */
#define CACHE_FORMAT 4
#define CACHE_MAX (8 * 1024 * 1024)

/* The arches we probe and the binaries libvirt looks for. */
static const struct {
    const char *arch, *binary;
} emulators[] = {
    {"i686", "qemu-system-i386"},
    {"x86_64", "qemu-system-x86_64"},
};

/* Where Debian's QEMU keeps its modules (libvirt watches its mtime). */
static const char *const module_dirs[] = {
    "/usr/lib/x86_64-linux-gnu/qemu",
    "/usr/lib64/qemu",
    "/usr/lib/qemu",
};


/* main's json.h has no array helpers or writer: these. */
static size_t jlen(const struct json *j)
{
    return j && j->type == JSON_ARRAY ? j->n : 0;
}

static const struct json *jat(const struct json *j, size_t i)
{
    return j && j->type == JSON_ARRAY && i < j->n ? j->items[i] : NULL;
}

static int jput(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        size_t ncap = *cap ? *cap : 256;
        while (ncap < *len + n + 1)
            ncap *= 2;
        char *b = realloc(*buf, ncap);
        if (!b)
            return -1;
        *buf = b;
        *cap = ncap;
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
    return 0;
}

/* j written as JSON text, appended to *buf (NUL-terminated). 0 or -1. */
static int json_write(char **buf, size_t *len, size_t *cap, const struct json *j)
{
    char num[64];

    switch (j->type) {
    case JSON_NULL:
        return jput(buf, len, cap, "null");
    case JSON_BOOL:
        return jput(buf, len, cap, j->boolean ? "true" : "false");
    case JSON_NUMBER:
        if (j->is_integer)
            snprintf(num, sizeof(num), "%lld", (long long)j->integer);
        else
            snprintf(num, sizeof(num), "%.17g", j->number);
        return jput(buf, len, cap, num);
    case JSON_STRING: {
        size_t l = *len;
        if (json_append_string(buf, &l, j->string) < 0)
            return -1;
        *len = l;
        /* json_append_string grows *buf on its own: keep *cap honest */
        *cap = l + 1;
        char *b = realloc(*buf, *cap);
        if (!b)
            return -1;
        *buf = b;
        (*buf)[l] = '\0';
        return 0;
    }
    case JSON_ARRAY:
    case JSON_OBJECT:
        if (jput(buf, len, cap, j->type == JSON_ARRAY ? "[" : "{") < 0)
            return -1;
        for (size_t i = 0; i < j->n; i++) {
            if (i && jput(buf, len, cap, ",") < 0)
                return -1;
            if (j->type == JSON_OBJECT) {
                struct json key = {.type = JSON_STRING, .string = j->keys[i]};
                if (json_write(buf, len, cap, &key) < 0 || jput(buf, len, cap, ":") < 0)
                    return -1;
            }
            if (json_write(buf, len, cap, j->items[i]) < 0)
                return -1;
        }
        return jput(buf, len, cap, j->type == JSON_ARRAY ? "]" : "}");
    }
    return -1;
}

static void nomem(void)
{
    error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
}

static void strv_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

static void accel_clear(struct qemu_accel *ac)
{
    for (size_t i = 0; i < ac->ncpus; i++) {
        free(ac->cpus[i].name);
        free(ac->cpus[i].type_name);
        strv_free(ac->cpus[i].blockers);
    }
    free(ac->cpus);
    for (size_t i = 0; i < ac->nhost_props; i++) {
        free(ac->host_props[i].name);
        free(ac->host_props[i].s);
    }
    free(ac->host_props);
    memset(ac, 0, sizeof(*ac));
}

void qemu_caps_free(struct qemu_caps *c)
{
    if (!c)
        return;
    free(c->emulator);
    free(c->arch);
    free(c->package);
    for (size_t i = 0; i < c->nmachines; i++) {
        free(c->machines[i].name);
        free(c->machines[i].alias);
        free(c->machines[i].default_cpu_type);
        free(c->machines[i].default_ram_id);
    }
    free(c->machines);
    for (int a = 0; a < QEMU_ACCEL_COUNT; a++)
        accel_clear(&c->accel[a]);
    free(c);
}

bool qemu_caps_has(const struct qemu_caps *c, enum qemu_flag f)
{
    return c && (c->flags >> f) & 1;
}

static void set_flag(struct qemu_caps *c, enum qemu_flag f, bool on)
{
    if (on)
        c->flags |= (uint64_t)1 << f;
}

const struct qemu_machine *qemu_caps_machine(const struct qemu_caps *c, const char *name)
{
    if (!c || !name)
        return NULL;
    for (size_t i = 0; i < c->nmachines; i++)
        if (strcmp(c->machines[i].name, name) == 0 ||
            (c->machines[i].alias && strcmp(c->machines[i].alias, name) == 0))
            return &c->machines[i];
    return NULL;
}

const char *qemu_caps_canonical_machine(const struct qemu_caps *c, const char *name)
{
    if (!c || !name)
        return name;
    for (size_t i = 0; i < c->nmachines; i++)
        if (c->machines[i].alias && strcmp(c->machines[i].alias, name) == 0)
            return c->machines[i].name;
    return name;
}

const char *qemu_caps_default_machine(const struct qemu_caps *c)
{
    return c && c->nmachines ? c->machines[0].name : NULL;
}

/* ---- one QEMU process and its monitor ---- */

struct probe {
    pid_t pid;
    int fd;    /* our end of the monitor's socket pair */
    int errfd; /* QEMU's stderr */
    char *buf; /* what was read and not yet taken as a line */
    size_t len, cap;
    long long deadline;
    const struct qemu_wait *wait;
    const char *emulator;
    bool starting; /* no greeting yet: a failure is QEMU's start's */
    bool failed;   /* an error is recorded: give up */
};

/* In the child: QEMU gets fd 3 as its monitor, /dev/null as stdin and
 * stdout, errfd as stderr, default signals, no limits we were given, and
 * dies when we do. Never returns. */
static void exec_qemu(const char *emulator, const char *accel, int monfd, int errfd)
{
    static const int sigs[] = {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2};
    struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
    sigset_t none;
    int null = open("/dev/null", O_RDWR);

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        signal(sigs[i], SIG_DFL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1)
        _exit(127);
    /* A connection's own bounds (connection_memory_limit) are too small
     * for QEMU; where we may, they do not apply to it. */
    setrlimit(RLIMIT_AS, &unlimited);
    setrlimit(RLIMIT_NPROC, &unlimited);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(errfd, 2) < 0 ||
        dup2(monfd, 3) < 0)
        _exit(127);
    for (int fd = 4; fd < 1024; fd++)
        close(fd);
    /* The TCG translation buffer defaults to 1 GiB of address space; a
     * probe needs none of it, and a bounded address space may not have it. */
    const char *accel_arg = strcmp(accel, "tcg") == 0 ? "tcg,tb-size=16" : accel;
    char *const argv[] = {(char *)emulator,
                          "-S",
                          "-no-user-config",
                          "-nodefaults",
                          "-nographic",
                          "-machine",
                          "none",
                          "-accel",
                          (char *)accel_arg,
                          "-chardev",
                          "socket,id=monitor,fd=3,server=off",
                          "-mon",
                          "chardev=monitor,mode=control",
                          NULL};
    char path[PATH_MAX + 8];
    const char *p = getenv("PATH");
    snprintf(path, sizeof(path), "PATH=%s", p ? p : "/usr/local/bin:/usr/bin:/bin");
    char *const envp[] = {path, "LC_ALL=C", NULL};
    execve(emulator, argv, envp);
    _exit(127);
}

static int probe_start(struct probe *p, const char *emulator, const char *accel,
                       const struct qemu_wait *wait)
{
    int sv[2], ev[2];

    memset(p, 0, sizeof(*p));
    p->pid = -1;
    p->fd = p->errfd = -1;
    p->wait = wait;
    p->emulator = emulator;
    p->deadline = clock_mono_ms() + PROBE_TIMEOUT_MS;
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        goto syserr;
    if (pipe2(ev, O_CLOEXEC) < 0) {
        close(sv[0]);
        close(sv[1]);
        goto syserr;
    }
    p->pid = fork();
    if (p->pid == 0)
        exec_qemu(emulator, accel, sv[1], ev[1]);
    close(sv[1]);
    close(ev[1]);
    p->fd = sv[0];
    p->errfd = ev[0];
    if (p->pid < 0)
        goto syserr;
    fcntl(p->fd, F_SETFL, O_NONBLOCK);
    fcntl(p->errfd, F_SETFL, O_NONBLOCK);
    return 0;
syserr:
    error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "Failed to start QEMU binary %s for probing: %s",
                 emulator, strerror(errno));
    p->failed = true;
    return -1;
}

/* What QEMU wrote on stderr, for an error message (at most len - 1 bytes,
 * its last line break dropped). */
static void probe_stderr(struct probe *p, char *out, size_t len)
{
    size_t n = 0;
    ssize_t r;

    while (p->errfd >= 0 && n + 1 < len && (r = read(p->errfd, out + n, len - 1 - n)) > 0)
        n += (size_t)r;
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        n--;
    out[n] = '\0';
}

static void probe_fail(struct probe *p, const char *what)
{
    char err[1024];

    if (p->failed)
        return;
    if (p->starting) {
        /* libvirt's words for a QEMU that does not get as far as its
         * monitor, with all it said on stderr */
        size_t n = 0;
        ssize_t r;
        long long until = clock_mono_ms() + 2000;
        /* QEMU is dying: read its stderr to the end (its exit closes it),
         * for a bounded time. */
        while (p->errfd >= 0 && n + 1 < sizeof(err)) {
            r = read(p->errfd, err + n, sizeof(err) - 1 - n);
            if (r > 0) {
                n += (size_t)r;
                continue;
            }
            long long left = until - clock_mono_ms();
            struct pollfd e = {p->errfd, POLLIN, 0};
            if (r == 0 || (errno != EAGAIN && errno != EINTR) || left <= 0 ||
                poll(&e, 1, (int)left) <= 0)
                break;
        }
        err[n] = '\0';
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "Failed to start QEMU binary %s for probing: %s",
                     p->emulator, n ? err : "unknown error");
        p->failed = true;
        return;
    }
    probe_stderr(p, err, sizeof(err));
    error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "Failed to probe capabilities for %s: %s%s%s",
                 p->emulator, what, *err ? ": " : "", err);
    p->failed = true;
}

static int probe_wait(struct probe *p, uint32_t events)
{
    if (p->wait && p->wait->fn) {
        int r = p->wait->fn(p->wait->opaque, p->fd, events, p->deadline);
        if (r < 0)
            p->failed = true; /* the client is gone: the error is recorded */
        return r;
    }
    long long left = p->deadline - clock_mono_ms();
    struct pollfd pfd = {p->fd, (short)(events == EPOLLIN ? POLLIN : POLLOUT), 0};
    if (left <= 0)
        return 0;
    int r = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
    return r < 0 && errno == EINTR ? 0 : r > 0 ? 1 : r;
}

/* Reads the next line from the monitor into a new string (without its
 * line break). NULL on failure (recorded). */
static char *probe_line(struct probe *p)
{
    for (;;) {
        char *nl = p->len ? memchr(p->buf, '\n', p->len) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - p->buf);
            char *line = strndup(p->buf, n);
            if (!line) {
                nomem();
                p->failed = true;
                return NULL;
            }
            memmove(p->buf, nl + 1, p->len - n - 1);
            p->len -= n + 1;
            return line;
        }
        if (p->len >= PROBE_REPLY_MAX) {
            probe_fail(p, "reply too large");
            return NULL;
        }
        if (p->cap - p->len < 65536) {
            size_t ncap = p->cap ? p->cap * 2 : 131072;
            char *b = realloc(p->buf, ncap);
            if (!b) {
                nomem();
                p->failed = true;
                return NULL;
            }
            p->buf = b;
            p->cap = ncap;
        }
        ssize_t r = read(p->fd, p->buf + p->len, p->cap - p->len);
        if (r > 0) {
            p->len += (size_t)r;
            continue;
        }
        if (r == 0 || (r < 0 && errno == ECONNRESET)) {
            /* QEMU went away before it answered: libvirt, which sees it
             * fail while it starts (-daemonize), words that as a failed
             * start, with what QEMU said on stderr (probe_send too). */
            p->starting = true;
            probe_fail(p, "QEMU exited");
            return NULL;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN) {
            probe_fail(p, strerror(errno));
            return NULL;
        }
        int w = probe_wait(p, EPOLLIN);
        if (w <= 0) {
            if (w == 0)
                probe_fail(p, "timed out waiting for QEMU");
            return NULL;
        }
    }
}

/* The next message that is not an event. */
static struct json *probe_read(struct probe *p)
{
    for (;;) {
        char *line = probe_line(p);
        struct json *j;

        if (!line)
            return NULL;
        j = json_parse(line, strlen(line));
        free(line);
        if (!j || j->type != JSON_OBJECT) {
            json_free(j);
            probe_fail(p, "malformed reply from QEMU");
            return NULL;
        }
        if (!json_get(j, "event"))
            return j;
        json_free(j);
    }
}

static int probe_send(struct probe *p, const char *text)
{
    size_t len = strlen(text), off = 0;

    while (off < len) {
        ssize_t r = send(p->fd, text + off, len - off, MSG_NOSIGNAL);
        if (r > 0) {
            off += (size_t)r;
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN) {
            int w = probe_wait(p, EPOLLOUT);
            if (w <= 0) {
                if (w == 0)
                    probe_fail(p, "timed out writing to QEMU");
                return -1;
            }
            continue;
        }
        /* QEMU gone (EPIPE, a reset): a failed start for libvirt, as in
         * probe_line. */
        if (r == 0 || errno == EPIPE || errno == ECONNRESET)
            p->starting = true;
        probe_fail(p, r < 0 ? strerror(errno) : "QEMU closed its monitor");
        return -1;
    }
    return 0;
}

/* Sends one command (its JSON text) and returns QEMU's "return" member
 * (in *reply, to be freed with json_free; *ret points into it), or NULL in
 * *ret when QEMU answered with an error (*reply set, not an error for
 * us). -1 when the monitor failed (recorded). */
static int probe_cmd(struct probe *p, const char *cmd, struct json **reply,
                     const struct json **ret)
{
    *reply = NULL;
    *ret = NULL;
    if (p->failed || probe_send(p, cmd) < 0 || probe_send(p, "\n") < 0)
        return -1;
    if (!(*reply = probe_read(p)))
        return -1;
    *ret = json_get(*reply, "return");
    return 0;
}

/* Ends the process: "quit", then SIGKILL if it has not gone by the
 * deadline (or at once when the probe failed), and reaps it. */
static void probe_end(struct probe *p)
{
    if (p->pid > 0) {
        int st;
        bool gone = false;

        if (!p->failed) {
            struct json *r = NULL;
            const struct json *ret;
            long long stop = clock_mono_ms() + 2000;

            if (p->deadline > stop)
                p->deadline = stop;
            probe_cmd(p, "{\"execute\":\"quit\"}", &r, &ret);
            json_free(r);
            /* QEMU closes the monitor as it exits. */
            while (!p->failed) {
                char *line = probe_line(p);
                if (!line)
                    break;
                free(line);
            }
            error_clear();
            while (clock_mono_ms() < p->deadline) {
                pid_t w = waitpid(p->pid, &st, WNOHANG);
                if (w == p->pid || (w < 0 && errno == ECHILD)) {
                    gone = true;
                    break;
                }
                struct timespec ts = {0, 1000000};
                nanosleep(&ts, NULL);
            }
        }
        if (!gone) {
            kill(p->pid, SIGKILL);
            while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
                ;
        }
    }
    if (p->fd >= 0)
        close(p->fd);
    if (p->errfd >= 0)
        close(p->errfd);
    free(p->buf);
    p->pid = -1;
    p->fd = p->errfd = -1;
    p->buf = NULL;
}

/* ---- turning replies into caps ---- */

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int take_machines(struct qemu_caps *c, const struct json *ret)
{
    size_t n = jlen(ret), def = SIZE_MAX;

    c->machines = calloc(n ? n : 1, sizeof(*c->machines));
    if (!c->machines)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct json *m = jat(ret, i);
        const char *name = json_get_string(m, "name");
        struct qemu_machine *mach;

        if (!name || strcmp(name, "none") == 0)
            continue;
        mach = &c->machines[c->nmachines++];
        mach->name = strdup(name);
        mach->alias = dup_or_null(json_get_string(m, "alias"));
        mach->max_cpus = (int)json_get_int(m, "cpu-max", 0);
        mach->is_default = json_get_bool(m, "is-default", false);
        mach->deprecated = json_get_bool(m, "deprecated", false);
        mach->hotplug_cpus = json_get_bool(m, "hotpluggable-cpus", false);
        mach->numa_mem = json_get_bool(m, "numa-mem-supported", false);
        mach->default_cpu_type = dup_or_null(json_get_string(m, "default-cpu-type"));
        mach->default_ram_id = dup_or_null(json_get_string(m, "default-ram-id"));
        if (!mach->name || (json_get_string(m, "alias") && !mach->alias))
            return -1;
        if (mach->is_default && def == SIZE_MAX)
            def = c->nmachines - 1;
    }
    /* libvirt moves QEMU's default machine to the front. */
    if (def != SIZE_MAX && def > 0) {
        struct qemu_machine d = c->machines[def];
        memmove(&c->machines[1], &c->machines[0], def * sizeof(d));
        c->machines[0] = d;
    }
    return 0;
}

static int take_cpus(struct qemu_accel *a, const struct json *ret)
{
    size_t n = jlen(ret);

    a->cpus = calloc(n ? n : 1, sizeof(*a->cpus));
    if (!a->cpus)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct json *d = jat(ret, i);
        const struct json *unav = json_get(d, "unavailable-features");
        const char *name = json_get_string(d, "name");
        struct qemu_cpu_model *m;
        size_t nb = jlen(unav);

        if (!name)
            continue;
        m = &a->cpus[a->ncpus++];
        m->name = strdup(name);
        m->type_name = dup_or_null(json_get_string(d, "typename"));
        m->deprecated = json_get_bool(d, "deprecated", false);
        m->usable = unav && nb == 0;
        if (!m->name)
            return -1;
        if (nb) {
            m->blockers = calloc(nb + 1, sizeof(char *));
            if (!m->blockers)
                return -1;
            for (size_t k = 0; k < nb; k++) {
                const struct json *f = jat(unav, k);
                if (f && f->type == JSON_STRING) {
                    if (!(m->blockers[m->nblockers] = strdup(f->string)))
                        return -1;
                    m->nblockers++;
                }
            }
        }
    }
    return 0;
}

/* The props of the full expansion (migratable) and of the one with
 * migratable=off (nm, may be NULL), merged as libvirt 9.0 merges them: a
 * feature on only without migratability is on, marked nonmig. */
static int take_props(struct qemu_accel *a, const struct json *props, const struct json *nm)
{
    if (!props || props->type != JSON_OBJECT)
        return 0;
    a->host_props = calloc(props->n ? props->n : 1, sizeof(*a->host_props));
    if (!a->host_props)
        return -1;
    for (size_t i = 0; i < props->n; i++) {
        const struct json *v = props->items[i];
        struct qemu_cpu_prop *p = &a->host_props[a->nhost_props];

        if (v->type == JSON_BOOL) {
            const struct json *w = json_get(nm, props->keys[i]);
            p->type = QEMU_PROP_BOOL;
            p->b = v->boolean;
            if (!p->b && w && w->type == JSON_BOOL && w->boolean)
                p->b = p->nonmig = true;
        } else if (v->type == JSON_NUMBER && v->is_integer) {
            p->type = QEMU_PROP_NUMBER;
            p->n = v->integer;
        } else if (v->type == JSON_STRING) {
            p->type = QEMU_PROP_STRING;
            if (!(p->s = strdup(v->string)))
                return -1;
        } else {
            continue;
        }
        a->nhost_props++;
        if (!(p->name = strdup(props->keys[i])))
            return -1;
    }
    return 0;
}

static bool has_name(const struct json *list, const char *name)
{
    for (size_t i = 0; i < jlen(list); i++)
        if (json_get_string(jat(list, i), "name") &&
            strcmp(json_get_string(jat(list, i), "name"), name) == 0)
            return true;
    return false;
}

static bool has_string(const struct json *list, const char *s)
{
    for (size_t i = 0; i < jlen(list); i++) {
        const struct json *v = jat(list, i);
        if (v->type == JSON_STRING && strcmp(v->string, s) == 0)
            return true;
    }
    return false;
}

/* libvirt's query-qmp-schema queries: "ENTITY/arg-type/MEMBER/+VARIANT".
 * Each step follows a command's arg-type or ret-type, an object's member
 * (to its type), an array to its element type; "+X" asks whether the
 * entity (an object's variants, an enum's values) has X. */
static const struct json *schema_entity(const struct json *schema, const char *name)
{
    for (size_t i = 0; i < jlen(schema); i++) {
        const char *n = json_get_string(jat(schema, i), "name");
        if (n && strcmp(n, name) == 0)
            return jat(schema, i);
    }
    return NULL;
}

static bool schema_query(const struct json *schema, const char *query)
{
    char buf[256], *save = NULL, *step;
    const struct json *e = NULL;

    snprintf(buf, sizeof(buf), "%s", query);
    for (step = strtok_r(buf, "/", &save); step; step = strtok_r(NULL, "/", &save)) {
        const char *mt;

        if (!e) {
            e = schema_entity(schema, step);
        } else if (step[0] == '+') {
            const struct json *vars = json_get(e, "variants");
            for (size_t i = 0; i < jlen(vars); i++) {
                const char *cs = json_get_string(jat(vars, i), "case");
                if (cs && strcmp(cs, step + 1) == 0)
                    return true;
            }
            return has_string(json_get(e, "values"), step + 1) ||
                   has_name(json_get(e, "members"), step + 1);
        } else if (strcmp(step, "arg-type") == 0 || strcmp(step, "ret-type") == 0) {
            const char *t = json_get_string(e, step);
            e = t ? schema_entity(schema, t) : NULL;
        } else {
            const struct json *members = json_get(e, "members");
            const struct json *found = NULL;
            for (size_t i = 0; i < jlen(members); i++) {
                const char *n = json_get_string(jat(members, i), "name");
                if (n && strcmp(n, step) == 0)
                    found = jat(members, i);
            }
            const char *t = json_get_string(found, "type");
            e = t ? schema_entity(schema, t) : NULL;
        }
        while (e && (mt = json_get_string(e, "meta-type")) && strcmp(mt, "array") == 0) {
            const char *t = json_get_string(e, "element-type");
            e = t ? schema_entity(schema, t) : NULL;
        }
        if (!e)
            return false;
    }
    return e != NULL;
}

/* Flags that are a QOM type being there. */
static const struct {
    enum qemu_flag flag;
    const char *type;
} type_flags[] = {
    {QEMU_FLAG_IOTHREAD, "iothread"},
    {QEMU_FLAG_MEMORY_FILE, "memory-backend-file"},
    {QEMU_FLAG_MEMORY_MEMFD, "memory-backend-memfd"},
    {QEMU_FLAG_USB_STORAGE, "usb-storage"},
    {QEMU_FLAG_ICH9_AHCI, "ich9-ahci"},
    {QEMU_FLAG_VIRTIO_TRANSITIONAL, "virtio-blk-pci-transitional"},
    {QEMU_FLAG_VGA, "VGA"},
    {QEMU_FLAG_CIRRUS, "cirrus-vga"},
    {QEMU_FLAG_VMVGA, "vmware-svga"},
    {QEMU_FLAG_QXL, "qxl"},
    {QEMU_FLAG_VIRTIO_GPU, "virtio-gpu-pci"},
    {QEMU_FLAG_BOCHS, "bochs-display"},
    {QEMU_FLAG_RAMFB, "ramfb"},
    {QEMU_FLAG_SCSI_GENERIC, "scsi-generic"},
    {QEMU_FLAG_RNG_RANDOM, "rng-random"},
    {QEMU_FLAG_RNG_EGD, "rng-egd"},
    {QEMU_FLAG_RNG_BUILTIN, "rng-builtin"},
    {QEMU_FLAG_VHOST_USER_FS, "vhost-user-fs-device"},
    {QEMU_FLAG_TPM_TIS, "tpm-tis"},
    {QEMU_FLAG_TPM_CRB, "tpm-crb"},
    {QEMU_FLAG_TPM_SPAPR, "tpm-spapr"},
    {QEMU_FLAG_USB_REDIR, "usb-redir"},
    {QEMU_FLAG_VMCOREINFO, "vmcoreinfo"},
    {QEMU_FLAG_VMGENID, "vmgenid"},
};

/* Flags from query-qmp-schema, as libvirt 9.0 asks them. */
static const struct {
    enum qemu_flag flag;
    const char *query;
} schema_flags[] = {
    {QEMU_FLAG_SDL, "query-display-options/ret-type/+sdl"},
    {QEMU_FLAG_EGL_HEADLESS, "query-display-options/ret-type/+egl-headless"},
    {QEMU_FLAG_DBUS, "query-display-options/ret-type/+dbus"},
    {QEMU_FLAG_SPICEVMC, "chardev-add/arg-type/backend/+spicevmc"},
};

static int cmd_ok(struct probe *p, const char *cmd, struct json **reply,
                  const struct json **ret)
{
    if (probe_cmd(p, cmd, reply, ret) < 0)
        return -1;
    return 0;
}

/* A model object {"name":N,"props":{...}} as JSON text, with
 * "migratable":false among its props unless migratable. */
static char *model_text(const char *name, const struct json *props, bool migratable)
{
    char *text = NULL;
    size_t len = 0, cap = 0;
    struct json n = {.type = JSON_STRING, .string = (char *)name};
    bool first = true;

    if (jput(&text, &len, &cap, "{\"name\":") < 0 || json_write(&text, &len, &cap, &n) < 0)
        goto fail;
    if (migratable && (!props || props->type != JSON_OBJECT || !props->n))
        return jput(&text, &len, &cap, "}") < 0 ? (free(text), NULL) : text;
    if (jput(&text, &len, &cap, ",\"props\":{") < 0)
        goto fail;
    if (!migratable) {
        if (jput(&text, &len, &cap, "\"migratable\":false") < 0)
            goto fail;
        first = false;
    }
    for (size_t i = 0; props && props->type == JSON_OBJECT && i < props->n; i++) {
        struct json k = {.type = JSON_STRING, .string = props->keys[i]};
        if (strcmp(props->keys[i], "migratable") == 0)
            continue;
        if ((!first && jput(&text, &len, &cap, ",") < 0) ||
            json_write(&text, &len, &cap, &k) < 0 || jput(&text, &len, &cap, ":") < 0 ||
            json_write(&text, &len, &cap, props->items[i]) < 0)
            goto fail;
        first = false;
    }
    if (jput(&text, &len, &cap, "}}") < 0)
        goto fail;
    return text;
fail:
    free(text);
    return NULL;
}

/* libvirt's STATIC_FULL expansion of "host" (KVM) or "max" (TCG): a
 * static expansion, then a full expansion of what that returned (which
 * lists every feature by all its names). *reply holds the answer, *props
 * points into it (NULL when QEMU cannot expand the model). */
static int expand_full(struct probe *p, const char *model, bool migratable, struct json **reply,
                       const struct json **props)
{
    struct json *r1 = NULL;
    const struct json *ret, *m;
    char *mt = NULL, *cmd = NULL;
    int rc = -1;

    *reply = NULL;
    *props = NULL;
    if (!(mt = model_text(model, NULL, migratable)) ||
        asprintf(&cmd,
                 "{\"execute\":\"query-cpu-model-expansion\",\"arguments\":{\"type\":\"static\","
                 "\"model\":%s}}",
                 mt) < 0) {
        cmd = NULL;
        goto nomem;
    }
    if (cmd_ok(p, cmd, &r1, &ret) < 0)
        goto out;
    free(cmd);
    cmd = NULL;
    free(mt);
    mt = NULL;
    if (!(m = json_get(ret, "model")) || !json_get_string(m, "name")) {
        rc = 0;
        goto out;
    }
    /* the static answer holds the features; libvirt sends it as it is */
    if (!(mt = model_text(json_get_string(m, "name"), json_get(m, "props"), true)) ||
        asprintf(&cmd,
                 "{\"execute\":\"query-cpu-model-expansion\",\"arguments\":{\"type\":\"full\","
                 "\"model\":%s}}",
                 mt) < 0) {
        cmd = NULL;
        goto nomem;
    }
    if (cmd_ok(p, cmd, reply, &ret) < 0)
        goto out;
    *props = json_get(json_get(ret, "model"), "props");
    rc = 0;
    goto out;
nomem:
    nomem();
    p->failed = true;
out:
    free(cmd);
    free(mt);
    json_free(r1);
    return rc;
}

static int probe_host_cpu(struct probe *p, struct qemu_accel *a, const char *model)
{
    struct json *r1 = NULL, *r2 = NULL;
    const struct json *mig, *nonmig = NULL;
    int rc = -1;

    if (expand_full(p, model, true, &r1, &mig) < 0)
        goto out;
    if (mig && expand_full(p, model, false, &r2, &nonmig) < 0)
        goto out;
    if (mig && take_props(a, mig, nonmig) < 0) {
        nomem();
        p->failed = true;
        goto out;
    }
    rc = 0;
out:
    json_free(r1);
    json_free(r2);
    return rc;
}

const char *const qemu_hyperv_names[QEMU_HV_COUNT] = {
    "relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic",
    "stimer", "reset", "vendor_id", "frequencies", "reenlightenment", "tlbflush",
    "ipi", "evmcs", "avic", "emsr_bitmap", "xmm_input",
};

/* libvirt's virQEMUCapsProbeHypervCapabilities: the hv-* props of a full
 * expansion of host with hv-passthrough that are on (a number above 0, a
 * string). */
static int probe_hyperv(struct probe *p, struct qemu_caps *c)
{
    struct json *r = NULL;
    const struct json *ret, *props;

    if (cmd_ok(p,
               "{\"execute\":\"query-cpu-model-expansion\",\"arguments\":{\"type\":\"full\","
               "\"model\":{\"name\":\"host\",\"props\":{\"migratable\":false,"
               "\"hv-passthrough\":true}}}}",
               &r, &ret) < 0)
        return -1;
    props = json_get(json_get(ret, "model"), "props");
    if (props && props->type == JSON_OBJECT) {
        c->hyperv_probed = true;
        for (size_t i = 0; i < props->n; i++) {
            const char *k = props->keys[i];
            const struct json *v = props->items[i];
            char name[64];
            if (strncmp(k, "hv-", 3) != 0)
                continue;
            snprintf(name, sizeof(name), "%s", k + 3);
            for (char *q = name; *q; q++)
                if (*q == '-')
                    *q = '_';
            bool on = (v->type == JSON_BOOL && v->boolean) ||
                      (v->type == JSON_NUMBER && v->number > 0) || v->type == JSON_STRING;
            for (int h = 0; h < QEMU_HV_COUNT; h++)
                if (on && strcmp(qemu_hyperv_names[h], name) == 0)
                    c->hyperv |= 1u << h;
        }
    }
    json_free(r);
    return 0;
}

static int probe_accel(struct qemu_caps *c, const char *accel, const struct qemu_wait *wait)
{
    bool kvm = strcmp(accel, "kvm") == 0;
    struct qemu_accel *a = &c->accel[kvm ? QEMU_ACCEL_KVM : QEMU_ACCEL_TCG];
    struct probe p;
    struct json *greeting = NULL, *r = NULL;
    const struct json *ret;
    int rc = -1;

    if (probe_start(&p, c->emulator, accel, wait) < 0)
        goto out;
    p.starting = true;
    if (!(greeting = probe_read(&p)) || !json_get(greeting, "QMP")) {
        probe_fail(&p, "no QMP greeting");
        goto out;
    }
    p.starting = false;
    if (cmd_ok(&p, "{\"execute\":\"qmp_capabilities\"}", &r, &ret) < 0)
        goto out;
    json_free(r);
    r = NULL;

    if (kvm) {
        if (cmd_ok(&p, "{\"execute\":\"query-kvm\"}", &r, &ret) < 0)
            goto out;
        c->kvm = json_get_bool(ret, "enabled", false) && json_get_bool(ret, "present", false);
        json_free(r);
        r = NULL;
        if (!c->kvm) {
            rc = 0;
            goto out;
        }
    } else {
        const struct json *v;
        if (cmd_ok(&p, "{\"execute\":\"query-version\"}", &r, &ret) < 0)
            goto out;
        v = json_get(ret, "qemu");
        c->version = (unsigned)(json_get_int(v, "major", 0) * 1000000 +
                                json_get_int(v, "minor", 0) * 1000 + json_get_int(v, "micro", 0));
        c->package = strdup(json_get_string(ret, "package") ? json_get_string(ret, "package") : "");
        json_free(r);
        r = NULL;
        if (!c->package)
            goto nomem;

        /* libvirt's name of the target's arch, for a binary found by path */
        if (!c->arch) {
            if (cmd_ok(&p, "{\"execute\":\"query-target\"}", &r, &ret) < 0)
                goto out;
            const char *t = json_get_string(ret, "arch");
            if (!t) {
                probe_fail(&p, "no target arch");
                goto out;
            }
            if (!(c->arch = strdup(strcmp(t, "i386") == 0 ? "i686" : t)))
                goto nomem;
            json_free(r);
            r = NULL;
        }

        if (cmd_ok(&p, "{\"execute\":\"query-machines\"}", &r, &ret) < 0)
            goto out;
        if (take_machines(c, ret) < 0)
            goto nomem;
        json_free(r);
        r = NULL;

        if (cmd_ok(&p, "{\"execute\":\"qom-list-types\"}", &r, &ret) < 0)
            goto out;
        for (size_t i = 0; i < sizeof(type_flags) / sizeof(type_flags[0]); i++)
            set_flag(c, type_flags[i].flag, has_name(ret, type_flags[i].type));
        json_free(r);
        r = NULL;

        if (cmd_ok(&p, "{\"execute\":\"query-commands\"}", &r, &ret) < 0)
            goto out;
        set_flag(c, QEMU_FLAG_VNC, has_name(ret, "query-vnc"));
        set_flag(c, QEMU_FLAG_SPICE, has_name(ret, "query-spice"));
        json_free(r);
        r = NULL;

        if (cmd_ok(&p, "{\"execute\":\"query-qmp-schema\"}", &r, &ret) < 0)
            goto out;
        for (size_t i = 0; i < sizeof(schema_flags) / sizeof(schema_flags[0]); i++)
            set_flag(c, schema_flags[i].flag, schema_query(ret, schema_flags[i].query));
        json_free(r);
        r = NULL;

        /* libvirt asks this of max-x86_64-cpu whatever the binary, so an
         * i386 one never has it. */
        if (cmd_ok(&p,
                   "{\"execute\":\"qom-list-properties\",\"arguments\":"
                   "{\"typename\":\"max-x86_64-cpu\"}}",
                   &r, &ret) < 0)
            goto out;
        set_flag(c, QEMU_FLAG_CPU_MIGRATABLE, has_name(ret, "migratable"));
        set_flag(c, QEMU_FLAG_CPU_UNAVAILABLE_FEATURES, has_name(ret, "unavailable-features"));
        json_free(r);
        r = NULL;

        if (cmd_ok(&p, "{\"execute\":\"query-tpm-types\"}", &r, &ret) < 0)
            goto out;
        set_flag(c, QEMU_FLAG_TPM_PASSTHROUGH, has_string(ret, "passthrough"));
        set_flag(c, QEMU_FLAG_TPM_EMULATOR, has_string(ret, "emulator"));
        json_free(r);
        r = NULL;
    }

    if (cmd_ok(&p, "{\"execute\":\"query-cpu-definitions\"}", &r, &ret) < 0)
        goto out;
    if (take_cpus(a, ret) < 0)
        goto nomem;
    json_free(r);
    r = NULL;

    if (probe_host_cpu(&p, a, kvm ? "host" : "max") < 0)
        goto out;
    if (kvm && probe_hyperv(&p, c) < 0)
        goto out;

    /* SEV and SGX answer only under KVM. */
    if (kvm) {
        if (cmd_ok(&p, "{\"execute\":\"query-sev-capabilities\"}", &r, &ret) < 0)
            goto out;
        set_flag(c, QEMU_FLAG_SEV, ret != NULL);
        json_free(r);
        r = NULL;
        if (cmd_ok(&p, "{\"execute\":\"query-sgx-capabilities\"}", &r, &ret) < 0)
            goto out;
        set_flag(c, QEMU_FLAG_SGX, ret != NULL);
        json_free(r);
        r = NULL;
    }
    a->probed = true;
    rc = 0;
    goto out;
nomem:
    nomem();
    p.failed = true;
out:
    json_free(r);
    json_free(greeting);
    probe_end(&p);
    return rc;
}

static bool kvm_accessible(void)
{
    return access("/dev/kvm", R_OK | W_OK) == 0;
}

struct qemu_caps *qemu_caps_probe(const char *emulator, const char *arch,
                                  const struct qemu_wait *wait)
{
    struct qemu_caps *c = calloc(1, sizeof(*c));

    if (!c || !(c->emulator = strdup(emulator)) || (arch && !(c->arch = strdup(arch)))) {
        qemu_caps_free(c);
        nomem();
        return NULL;
    }
    if (probe_accel(c, "tcg", wait) < 0)
        goto fail;
    /* Without a working KVM probe the emulator still serves TCG guests. */
    if (kvm_accessible() && probe_accel(c, "kvm", wait) < 0) {
        log_warn("cannot probe %s with KVM: %s", emulator, error_last_message());
        error_clear();
        accel_clear(&c->accel[QEMU_ACCEL_KVM]);
        c->kvm = false;
    }
    if (!c->kvm)
        c->flags &= ~(((uint64_t)1 << QEMU_FLAG_SEV) | ((uint64_t)1 << QEMU_FLAG_SGX));
    return c;
fail:
    qemu_caps_free(c);
    return NULL;
}

/* ---- the cache ---- */

static const char *const flag_names[QEMU_FLAG_COUNT] = {
    [QEMU_FLAG_IOTHREAD] = "iothread",
    [QEMU_FLAG_MEMORY_FILE] = "memory-backend-file",
    [QEMU_FLAG_MEMORY_MEMFD] = "memory-backend-memfd",
    [QEMU_FLAG_USB_STORAGE] = "usb-storage",
    [QEMU_FLAG_ICH9_AHCI] = "ich9-ahci",
    [QEMU_FLAG_VIRTIO_TRANSITIONAL] = "virtio-pci-transitional",
    [QEMU_FLAG_SDL] = "sdl",
    [QEMU_FLAG_VNC] = "vnc",
    [QEMU_FLAG_SPICE] = "spice",
    [QEMU_FLAG_EGL_HEADLESS] = "egl-headless",
    [QEMU_FLAG_DBUS] = "display-dbus",
    [QEMU_FLAG_VGA] = "VGA",
    [QEMU_FLAG_CIRRUS] = "cirrus-vga",
    [QEMU_FLAG_VMVGA] = "vmware-svga",
    [QEMU_FLAG_QXL] = "qxl",
    [QEMU_FLAG_VIRTIO_GPU] = "virtio-gpu",
    [QEMU_FLAG_BOCHS] = "bochs-display",
    [QEMU_FLAG_RAMFB] = "ramfb",
    [QEMU_FLAG_SCSI_GENERIC] = "scsi-generic",
    [QEMU_FLAG_RNG_RANDOM] = "rng-random",
    [QEMU_FLAG_RNG_EGD] = "rng-egd",
    [QEMU_FLAG_RNG_BUILTIN] = "rng-builtin",
    [QEMU_FLAG_VHOST_USER_FS] = "vhost-user-fs",
    [QEMU_FLAG_TPM_TIS] = "tpm-tis",
    [QEMU_FLAG_TPM_CRB] = "tpm-crb",
    [QEMU_FLAG_TPM_SPAPR] = "tpm-spapr",
    [QEMU_FLAG_TPM_PASSTHROUGH] = "tpm-passthrough",
    [QEMU_FLAG_TPM_EMULATOR] = "tpm-emulator",
    [QEMU_FLAG_USB_REDIR] = "usb-redir",
    [QEMU_FLAG_SPICEVMC] = "spicevmc",
    [QEMU_FLAG_VMCOREINFO] = "vmcoreinfo",
    [QEMU_FLAG_VMGENID] = "vmgenid",
    [QEMU_FLAG_SEV] = "sev-guest",
    [QEMU_FLAG_SGX] = "sgx-epc",
    [QEMU_FLAG_CPU_MIGRATABLE] = "cpu-migratable",
    [QEMU_FLAG_CPU_UNAVAILABLE_FEATURES] = "cpu-unavailable-features",
};

/* What the cache of one emulator is valid for. */
struct cache_key {
    char text[PATH_MAX + 512];
};

static void stat_text(char *buf, size_t len, const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        snprintf(buf, len, "-");
        return;
    }
    snprintf(buf, len, "%lld %llu %lld.%09ld %lld.%09ld", (long long)st.st_size,
             (unsigned long long)st.st_ino, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
             (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
}

/* One line: the emulator (path, size, inode, mtime, ctime), QEMU's module
 * directory, /dev/kvm access, and which libvirtd made it (our version,
 * the cache format, and our own binary's ctime, as libvirt keys on its
 * own). Emulator first so that a wrong file is told from a stale one. */
static int cache_key(struct cache_key *k, const char *emulator, const char *arch)
{
    char emu[128], mod[128] = "-", self[128];

    stat_text(emu, sizeof(emu), emulator);
    if (strcmp(emu, "-") == 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "Cannot check QEMU binary %s: %s", emulator,
                     strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < sizeof(module_dirs) / sizeof(module_dirs[0]); i++) {
        struct stat st;
        if (stat(module_dirs[i], &st) == 0) {
            snprintf(mod, sizeof(mod), "%lld.%09ld", (long long)st.st_mtim.tv_sec,
                     st.st_mtim.tv_nsec);
            break;
        }
    }
    stat_text(self, sizeof(self), "/proc/self/exe");
    snprintf(k->text, sizeof(k->text), "%s %s %s | %s | kvm %d | %s %d %s", emulator, arch, emu,
             mod, kvm_accessible(), PACKAGE_VERSION, CACHE_FORMAT, self);
    return 0;
}

/* A file name for the emulator and arch: readable, and distinct for each
 * path (a hash of it). */
static char *cache_file(const char *cachedir, const char *emulator, const char *arch)
{
    uint64_t h = 1469598103934665603ULL;
    const char *base = strrchr(emulator, '/');
    char *s;

    for (const char *p = emulator; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    if (asprintf(&s, "%s/capabilities/%s-%s-%016llx.caps", cachedir, arch,
                 base ? base + 1 : emulator, (unsigned long long)h) < 0)
        return NULL;
    return s;
}

struct out {
    char *buf;
    size_t len, cap;
    bool failed;
};

static void outf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void outf(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (o->failed)
        return;
    for (;;) {
        va_start(ap, fmt);
        n = vsnprintf(o->buf ? o->buf + o->len : NULL, o->buf ? o->cap - o->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            o->failed = true;
            return;
        }
        if (o->buf && (size_t)n < o->cap - o->len) {
            o->len += (size_t)n;
            return;
        }
        size_t ncap = o->cap ? o->cap * 2 : 65536;
        while (ncap < o->len + (size_t)n + 1)
            ncap *= 2;
        char *b = realloc(o->buf, ncap);
        if (!b) {
            o->failed = true;
            return;
        }
        o->buf = b;
        o->cap = ncap;
    }
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static char *cache_format(const struct qemu_caps *c, const struct cache_key *k)
{
    struct out o = {0};

    outf(&o, "qemucaps %d\nkey %s\narch %s\nversion %u\nkvm %d\npackage %s\n", CACHE_FORMAT,
         k->text, c->arch, c->version, c->kvm, c->package ? c->package : "");
    if (c->hyperv_probed)
        outf(&o, "hyperv %u\n", c->hyperv);
    for (int f = 0; f < QEMU_FLAG_COUNT; f++)
        if (qemu_caps_has(c, (enum qemu_flag)f))
            outf(&o, "flag %s\n", flag_names[f]);
    for (size_t i = 0; i < c->nmachines; i++) {
        const struct qemu_machine *m = &c->machines[i];
        outf(&o, "machine %s %s %d %d%d%d%d %s %s\n", m->name, or_dash(m->alias), m->max_cpus,
             m->is_default, m->deprecated, m->hotplug_cpus, m->numa_mem,
             or_dash(m->default_cpu_type), or_dash(m->default_ram_id));
    }
    for (int a = 0; a < QEMU_ACCEL_COUNT; a++) {
        const struct qemu_accel *ac = &c->accel[a];
        if (!ac->probed)
            continue;
        outf(&o, "accel %s\n", a == QEMU_ACCEL_KVM ? "kvm" : "tcg");
        for (size_t i = 0; i < ac->ncpus; i++) {
            const struct qemu_cpu_model *m = &ac->cpus[i];
            outf(&o, "cpu %s %s %d%d", m->name, or_dash(m->type_name), m->usable, m->deprecated);
            for (size_t b = 0; b < m->nblockers; b++)
                outf(&o, " %s", m->blockers[b]);
            outf(&o, "\n");
        }
        for (size_t i = 0; i < ac->nhost_props; i++) {
            const struct qemu_cpu_prop *p = &ac->host_props[i];
            if (p->type == QEMU_PROP_BOOL)
                outf(&o, "prop %s %s %d\n", p->name, p->nonmig ? "B" : "b", p->b);
            else if (p->type == QEMU_PROP_NUMBER)
                outf(&o, "prop %s n %lld\n", p->name, p->n);
            else
                outf(&o, "prop %s s %s\n", p->name, p->s);
        }
    }
    outf(&o, "end\n");
    if (o.failed) {
        free(o.buf);
        return NULL;
    }
    return o.buf;
}

/* A cache file's text (NUL-terminated, caller frees), or NULL when there
 * is none that can be read: the cache is only a cache. */
static char *read_small(const char *path)
{
    char *text = NULL;
    size_t len = 0;

    if (state_file_read(path, CACHE_MAX, &text, &len) < 0 || len == 0) {
        error_clear();
        free(text);
        return NULL;
    }
    return text;
}

/* Splits line at spaces into at most max words, the last taking the rest
 * of the line. Returns the number of words. */
static int words(char *line, char **w, int max)
{
    int n = 0;

    while (*line && n < max) {
        w[n++] = line;
        if (n == max)
            break;
        line = strchr(line, ' ');
        if (!line)
            break;
        *line++ = '\0';
    }
    return n;
}

static bool parse_int(const char *s, long long *v)
{
    char *end;

    errno = 0;
    *v = strtoll(s, &end, 10);
    return *s && !*end && !errno;
}

static char *undash(const char *s)
{
    return strcmp(s, "-") == 0 ? NULL : strdup(s);
}

#define GROW(arr, n)                                                                           \
    ({                                                                                         \
        void *g_ = realloc((arr), ((n) + 1) * sizeof(*(arr)));                                 \
        if (g_) {                                                                              \
            (arr) = g_;                                                                        \
            memset(&(arr)[(n)], 0, sizeof(*(arr)));                                            \
        }                                                                                      \
        g_ != NULL;                                                                            \
    })

/* Parses a cache file whose key line must equal k. NULL when it does not,
 * or the file is not one we wrote (no error is recorded: the caller
 * probes). */
static struct qemu_caps *cache_parse(char *text, const struct cache_key *k, const char *emulator)
{
    struct qemu_caps *c = calloc(1, sizeof(*c));
    struct qemu_accel *a = NULL;
    char *save = NULL, *line;
    long long v;
    int n;
    bool end = false, header = false;

    if (!c || !(c->emulator = strdup(emulator)))
        goto bad;
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *w[8];

        if (end)
            goto bad;
        if (!header) {
            char want[32];
            snprintf(want, sizeof(want), "qemucaps %d", CACHE_FORMAT);
            if (strcmp(line, want) != 0)
                goto bad;
            header = true;
            continue;
        }
        if (strncmp(line, "key ", 4) == 0) {
            if (strcmp(line + 4, k->text) != 0)
                goto bad;
            continue;
        }
        if (strncmp(line, "package ", 8) == 0 || strcmp(line, "package") == 0) {
            if (!(c->package = strdup(line[7] ? line + 8 : "")))
                goto bad;
            continue;
        }
        /* The last word of each kind takes the rest of the line. */
        n = words(line, w,
                  strncmp(line, "machine ", 8) == 0 ? 7
                  : strncmp(line, "cpu ", 4) == 0   ? 5
                  : strncmp(line, "prop ", 5) == 0  ? 4
                                                    : 2);
        if (n == 1 && strcmp(w[0], "end") == 0) {
            end = true;
        } else if (n == 2 && strcmp(w[0], "arch") == 0) {
            if (!(c->arch = strdup(w[1])))
                goto bad;
        } else if (n == 2 && strcmp(w[0], "version") == 0 && parse_int(w[1], &v)) {
            c->version = (unsigned)v;
        } else if (n == 2 && strcmp(w[0], "hyperv") == 0 && parse_int(w[1], &v)) {
            c->hyperv_probed = true;
            c->hyperv = (uint32_t)v;
        } else if (n == 2 && strcmp(w[0], "kvm") == 0) {
            c->kvm = strcmp(w[1], "1") == 0;
        } else if (n == 2 && strcmp(w[0], "flag") == 0) {
            for (int f = 0; f < QEMU_FLAG_COUNT; f++)
                if (strcmp(flag_names[f], w[1]) == 0)
                    set_flag(c, (enum qemu_flag)f, true);
        } else if (n == 7 && strcmp(w[0], "machine") == 0 && parse_int(w[3], &v) &&
                   strlen(w[4]) == 4) {
            struct qemu_machine *m;
            if (!GROW(c->machines, c->nmachines))
                goto bad;
            m = &c->machines[c->nmachines++];
            m->name = strdup(w[1]);
            m->alias = undash(w[2]);
            m->max_cpus = (int)v;
            m->is_default = w[4][0] == '1';
            m->deprecated = w[4][1] == '1';
            m->hotplug_cpus = w[4][2] == '1';
            m->numa_mem = w[4][3] == '1';
            m->default_cpu_type = undash(w[5]);
            m->default_ram_id = undash(w[6]);
            if (!m->name)
                goto bad;
        } else if (n == 2 && strcmp(w[0], "accel") == 0) {
            a = &c->accel[strcmp(w[1], "kvm") == 0 ? QEMU_ACCEL_KVM : QEMU_ACCEL_TCG];
            a->probed = true;
        } else if (n >= 4 && strcmp(w[0], "cpu") == 0 && a && strlen(w[3]) == 2) {
            struct qemu_cpu_model *m;
            char *rest = n == 5 ? w[4] : NULL, *bsave = NULL, *b;
            if (!GROW(a->cpus, a->ncpus))
                goto bad;
            m = &a->cpus[a->ncpus++];
            m->name = strdup(w[1]);
            m->type_name = undash(w[2]);
            m->usable = w[3][0] == '1';
            m->deprecated = w[3][1] == '1';
            if (!m->name)
                goto bad;
            for (b = rest ? strtok_r(rest, " ", &bsave) : NULL; b; b = strtok_r(NULL, " ", &bsave)) {
                char **nb = realloc(m->blockers, (m->nblockers + 2) * sizeof(char *));
                if (!nb)
                    goto bad;
                m->blockers = nb;
                if (!(m->blockers[m->nblockers] = strdup(b)))
                    goto bad;
                m->blockers[++m->nblockers] = NULL;
            }
        } else if (n == 4 && strcmp(w[0], "prop") == 0 && a) {
            struct qemu_cpu_prop *p;
            if (!GROW(a->host_props, a->nhost_props))
                goto bad;
            p = &a->host_props[a->nhost_props++];
            if (!(p->name = strdup(w[1])))
                goto bad;
            if (strcmp(w[2], "b") == 0 || strcmp(w[2], "B") == 0) {
                p->type = QEMU_PROP_BOOL;
                p->b = strcmp(w[3], "1") == 0;
                p->nonmig = w[2][0] == 'B';
            } else if (strcmp(w[2], "n") == 0 && parse_int(w[3], &v)) {
                p->type = QEMU_PROP_NUMBER;
                p->n = v;
            } else if (strcmp(w[2], "s") == 0) {
                p->type = QEMU_PROP_STRING;
                if (!(p->s = strdup(w[3])))
                    goto bad;
            } else {
                goto bad;
            }
        } else if (n == 3 && strcmp(w[0], "prop") == 0 && a && strcmp(w[2], "s") == 0) {
            struct qemu_cpu_prop *p; /* an empty string */
            if (!GROW(a->host_props, a->nhost_props))
                goto bad;
            p = &a->host_props[a->nhost_props++];
            p->type = QEMU_PROP_STRING;
            if (!(p->name = strdup(w[1])) || !(p->s = strdup("")))
                goto bad;
        } else {
            goto bad;
        }
    }
    if (!end || !c->arch || !c->package)
        goto bad;
    return c;
bad:
    qemu_caps_free(c);
    return NULL;
}

/* The caps of one emulator: from the cache when it is valid, else probed
 * and cached. NULL with the error recorded. */
static struct qemu_caps *caps_get(const char *cachedir, const char *emulator, const char *arch,
                                  const struct qemu_wait *wait)
{
    struct cache_key k;
    struct qemu_caps *c = NULL;
    char *file = NULL, *text = NULL, *dir = NULL;

    /* an emulator named by path is probed for its arch: "emu" in the key */
    const char *label = arch ? arch : "emu";
    if (cache_key(&k, emulator, label) < 0)
        return NULL;
    if (cachedir) {
        if (!(file = cache_file(cachedir, emulator, label))) {
            nomem();
            return NULL;
        }
        if ((text = read_small(file)) && (c = cache_parse(text, &k, emulator)) &&
            (!arch || strcmp(c->arch, arch) == 0)) {
            log_debug("QEMU capabilities of %s from %s", emulator, file);
            goto out;
        }
        qemu_caps_free(c);
        c = NULL;
    }
    log_info("probing the capabilities of %s for %s", emulator, label);
    if (!(c = qemu_caps_probe(emulator, arch, wait)))
        goto out;
    if (file) {
        char *body = cache_format(c, &k);
        if (!body || asprintf(&dir, "%s/capabilities", cachedir) < 0) {
            dir = NULL;
            nomem();
        } else if (state_file_mkdirs(dir, 0755) == 0 &&
                   state_file_write(file, body, strlen(body), 0600) == 0) {
            log_debug("QEMU capabilities of %s cached in %s", emulator, file);
        }
        if (error_last()) {
            /* A cache we cannot write costs the next connection a probe,
             * nothing more. */
            log_warn("cannot cache the capabilities of %s: %s", emulator,
                     error_last_message());
            error_clear();
        }
        free(body);
    }
out:
    free(file);
    free(text);
    free(dir);
    return c;
}

/* An executable `name` on the PATH (libvirt's virFindFileInPath). */
static char *find_in_path(const char *name)
{
    const char *path = getenv("PATH");
    char *copy, *save = NULL, *dir, *found = NULL;

    if (!path || !*path)
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    if (!(copy = strdup(path)))
        return NULL;
    for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char *cand;
        struct stat st;
        if (asprintf(&cand, "%s/%s", *dir ? dir : ".", name) < 0)
            break;
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
            found = cand;
        else
            free(cand);
    }
    free(copy);
    return found;
}

int qemu_caps_set_load(struct qemu_caps_set *set, const char *cachedir,
                       const struct qemu_wait *wait)
{
    size_t max = sizeof(emulators) / sizeof(emulators[0]);

    memset(set, 0, sizeof(*set));
    if (!(set->caps = calloc(max, sizeof(*set->caps)))) {
        nomem();
        return -1;
    }
    for (size_t i = 0; i < max; i++) {
        char *bin = find_in_path(emulators[i].binary);
        struct qemu_caps *c;

        /* An x86_64 host runs i686 guests with qemu-system-x86_64 when
         * there is no qemu-system-i386 (libvirt does the same). */
        if (!bin && strcmp(emulators[i].arch, "i686") == 0)
            bin = find_in_path("qemu-system-x86_64");
        if (!bin)
            continue;
        c = caps_get(cachedir, bin, emulators[i].arch, wait);
        free(bin);
        if (!c) {
            if (error_last() && error_last()->code == ERR_NO_MEMORY) {
                qemu_caps_set_free(set);
                return -1;
            }
            log_warn("%s", error_last_message());
            error_clear();
            continue;
        }
        set->caps[set->n++] = c;
    }
    return 0;
}

const struct qemu_caps *qemu_caps_set_add(struct qemu_caps_set *set, const char *cachedir,
                                          const char *emulator, const struct qemu_wait *wait)
{
    const struct qemu_caps *have = qemu_caps_for_emulator(set, emulator);
    struct qemu_caps *c, **n;

    if (have)
        return have;
    if (!(c = caps_get(cachedir, emulator, NULL, wait)))
        return NULL;
    if (!(n = realloc(set->caps, (set->n + 1) * sizeof(*n)))) {
        qemu_caps_free(c);
        nomem();
        return NULL;
    }
    set->caps = n;
    set->caps[set->n++] = c;
    return c;
}

void qemu_caps_set_free(struct qemu_caps_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        qemu_caps_free(set->caps[i]);
    free(set->caps);
    memset(set, 0, sizeof(*set));
}

const struct qemu_caps *qemu_caps_for_arch(const struct qemu_caps_set *set, const char *arch)
{
    for (size_t i = 0; set && i < set->n; i++)
        if (strcmp(set->caps[i]->arch, arch) == 0)
            return set->caps[i];
    return NULL;
}

const struct qemu_caps *qemu_caps_for_emulator(const struct qemu_caps_set *set,
                                               const char *path)
{
    for (size_t i = 0; set && i < set->n; i++)
        if (strcmp(set->caps[i]->emulator, path) == 0)
            return set->caps[i];
    return NULL;
}

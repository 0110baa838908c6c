#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#define LOG_MAX_OUTPUTS 8
#define LOG_MAX_FILTERS 32
#define LOG_MATCH_MAX 64
#define LOG_PATH_MAX 1024
#define LOG_MSG_MAX 2048 /* a message as formatted, before escaping */

enum output_kind { OUT_STDERR, OUT_JOURNAL_STREAM, OUT_SYSLOG, OUT_FILE, OUT_JOURNALD };

struct output {
    enum output_kind kind;
    int level;
    char arg[LOG_PATH_MAX]; /* syslog ident or file path */
    int fd;                 /* OUT_FILE */
};

struct filter {
    int level;
    char match[LOG_MATCH_MAX];
};

static struct output outputs[LOG_MAX_OUTPUTS];
static size_t noutputs;
static struct filter filters[LOG_MAX_FILTERS];
static size_t nfilters;
static int global_level = LOG_LEVEL_WARN;
static bool syslog_open;

static const char *const level_names[] = {"", "debug", "info", "warning", "error"};

/* Parses "N:" at *p; returns the level or -1. */
static int parse_level(const char **p)
{
    const char *s = *p;
    if (s[0] < '1' || s[0] > '4' || s[1] != ':')
        return -1;
    *p = s + 2;
    return s[0] - '0';
}

/* Copies the next space-separated word of *p into buf; returns its length,
 * 0 at the end, or -1 when it does not fit. */
static int next_word(const char **p, char *buf, size_t len)
{
    const char *s = *p;
    size_t n;

    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    n = strcspn(s, " \t\n");
    *p = s + n;
    if (n >= len)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return (int)n;
}

/* Copies src into dst; returns -1 when it does not fit. */
static int copy_str(char *dst, size_t len, const char *src)
{
    size_t n = strlen(src);

    if (n >= len)
        return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

/* Parses one output word into *o (fd not opened). Returns 0 or -1. */
static int parse_output(const char *word, struct output *o, char *err, size_t errlen)
{
    const char *p = word;
    int level = parse_level(&p);

    if (level < 0) {
        snprintf(err, errlen, "log output '%s' does not start with a level 1-4 and ':'", word);
        return -1;
    }
    memset(o, 0, sizeof(*o));
    o->level = level;
    o->fd = -1;
    if (strcmp(p, "stderr") == 0) {
        o->kind = OUT_STDERR;
    } else if (strcmp(p, "journald") == 0) {
        o->kind = OUT_JOURNALD;
    } else if (strncmp(p, "syslog:", 7) == 0 && p[7]) {
        o->kind = OUT_SYSLOG;
        if (copy_str(o->arg, sizeof(o->arg), p + 7) < 0)
            goto too_long;
    } else if (strncmp(p, "file:", 5) == 0 && p[5] == '/') {
        o->kind = OUT_FILE;
        if (copy_str(o->arg, sizeof(o->arg), p + 5) < 0)
            goto too_long;
    } else {
        snprintf(
            err, errlen,
            "log output '%s': expected stderr, journald, syslog:NAME or file:/ABSOLUTE/PATH",
            word);
        return -1;
    }
    return 0;
too_long:
    snprintf(err, errlen, "log output '%.40s...' is too long", word);
    return -1;
}

static int parse_outputs(const char *spec, struct output *out, size_t *n, char *err,
                         size_t errlen)
{
    char word[LOG_PATH_MAX + 16];
    const char *p = spec;
    int r;

    *n = 0;
    while ((r = next_word(&p, word, sizeof(word))) != 0) {
        if (r < 0) {
            snprintf(err, errlen, "a log output is too long");
            return -1;
        }
        if (*n == LOG_MAX_OUTPUTS) {
            snprintf(err, errlen, "more than %d log outputs", LOG_MAX_OUTPUTS);
            return -1;
        }
        if (parse_output(word, &out[*n], err, errlen) < 0)
            return -1;
        (*n)++;
    }
    return 0;
}

static int parse_filters(const char *spec, struct filter *out, size_t *n, char *err,
                         size_t errlen)
{
    char word[LOG_MATCH_MAX + 8];
    const char *p = spec;
    int r;

    *n = 0;
    while ((r = next_word(&p, word, sizeof(word))) != 0) {
        const char *m = word;
        int level;

        if (r < 0) {
            snprintf(err, errlen, "a log filter is longer than %d characters", LOG_MATCH_MAX);
            return -1;
        }
        /* libvirt's "+" prefix (log the stack trace) means nothing here. */
        level = parse_level(&m);
        if (level < 0 || (*m == '+' && !*++m) || !*m) {
            snprintf(err, errlen, "log filter '%s' is not LEVEL:MATCH with LEVEL 1-4", word);
            return -1;
        }
        if (*n == LOG_MAX_FILTERS) {
            snprintf(err, errlen, "more than %d log filters", LOG_MAX_FILTERS);
            return -1;
        }
        out[*n].level = level;
        if (copy_str(out[*n].match, sizeof(out[*n].match), m) < 0) {
            snprintf(err, errlen, "a log filter is longer than %d characters", LOG_MATCH_MAX);
            return -1;
        }
        (*n)++;
    }
    return 0;
}

int log_outputs_check(const char *spec, char *err, size_t errlen)
{
    struct output tmp[LOG_MAX_OUTPUTS];
    size_t n;

    err[0] = '\0';
    return parse_outputs(spec, tmp, &n, err, errlen);
}

int log_filters_check(const char *spec, char *err, size_t errlen)
{
    struct filter tmp[LOG_MAX_FILTERS];
    size_t n;

    err[0] = '\0';
    return parse_filters(spec, tmp, &n, err, errlen);
}

/* JOURNAL_STREAM names the device and inode of the journal stream systemd
 * connected our stderr to; if stderr is still that stream, journald reads
 * a "<N>" prefix on each line as its priority. */
static bool stderr_is_journal(void)
{
    const char *e = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;

    if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
        return false;
    if (fstat(STDERR_FILENO, &st) < 0)
        return false;
    return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

static void add_default(enum output_kind kind, int level)
{
    struct output *o = &outputs[noutputs++];

    memset(o, 0, sizeof(*o));
    o->kind = kind;
    o->level = level;
    o->fd = -1;
    if (kind == OUT_SYSLOG)
        snprintf(o->arg, sizeof(o->arg), "libvirtd");
}

static void set_defaults(enum log_default def)
{
    noutputs = 0;
    switch (def) {
    case LOG_DEFAULT_STDERR:
        add_default(stderr_is_journal() ? OUT_JOURNAL_STREAM : OUT_STDERR, LOG_LEVEL_DEBUG);
        break;
    case LOG_DEFAULT_SYSLOG:
        add_default(OUT_SYSLOG, LOG_LEVEL_DEBUG);
        break;
    case LOG_DEFAULT_CLIENT:
        add_default(OUT_SYSLOG, LOG_LEVEL_DEBUG);
        add_default(OUT_STDERR, LOG_LEVEL_ERROR);
        break;
    }
}

int log_init(enum log_default def, int level, const char *out_spec, const char *filter_spec,
             char *err, size_t errlen)
{
    char perr[256];

    err[0] = '\0';
    log_close();
    global_level =
        level >= LOG_LEVEL_DEBUG && level <= LOG_LEVEL_ERROR ? level : LOG_LEVEL_WARN;
    if (!filter_spec || parse_filters(filter_spec, filters, &nfilters, perr, sizeof(perr)) < 0)
        nfilters = 0;
    if (!out_spec || parse_outputs(out_spec, outputs, &noutputs, perr, sizeof(perr)) < 0 ||
        noutputs == 0)
        set_defaults(def);

    for (size_t i = 0; i < noutputs; i++) {
        struct output *o = &outputs[i];
        if (o->kind == OUT_STDERR && stderr_is_journal())
            o->kind = OUT_JOURNAL_STREAM;
        if (o->kind == OUT_SYSLOG && !syslog_open) {
            openlog(o->arg, LOG_PID, LOG_DAEMON);
            syslog_open = true;
        }
        if (o->kind == OUT_FILE) {
            o->fd = open(o->arg, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
            if (o->fd < 0) {
                /* Said before the defaults replace outputs[], o with them. */
                snprintf(err, errlen, "cannot open log file %s: %s", o->arg, strerror(errno));
                log_close();
                set_defaults(def);
                return -1;
            }
        }
    }
    return 0;
}

void log_close(void)
{
    for (size_t i = 0; i < noutputs; i++)
        if (outputs[i].kind == OUT_FILE && outputs[i].fd >= 0)
            close(outputs[i].fd);
    noutputs = 0;
    if (syslog_open) {
        closelog();
        syslog_open = false;
    }
}

/* "../src/session.c" -> "session" into buf. */
static const char *source_name(const char *file, char *buf, size_t len)
{
    const char *base = strrchr(file, '/');
    size_t n;

    base = base ? base + 1 : file;
    n = strcspn(base, ".");
    if (n >= len)
        n = len - 1;
    memcpy(buf, base, n);
    buf[n] = '\0';
    return buf;
}

static int threshold(const char *source)
{
    char name[64];

    source_name(source, name, sizeof(name));
    for (size_t i = 0; i < nfilters; i++)
        if (strstr(name, filters[i].match))
            return filters[i].level;
    return global_level;
}

bool log_enabled(enum log_level level, const char *source)
{
    return (int)level >= threshold(source);
}

static void write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        buf += w;
        len -= (size_t)w;
    }
}

/* journald's native protocol (systemd's "Native Journal Protocol"), spoken
 * directly: linking libsystemd for this one call cost every connection
 * process about 0.4 ms of start-up. One datagram per entry; MESSAGE uses
 * the length-prefixed form so that any byte may appear in it. */
static void journal_send(int syslog_prio, const char *msg)
{
    static int fd = -1;
    static const struct sockaddr_un sa = {.sun_family = AF_UNIX,
                                          .sun_path = "/run/systemd/journal/socket"};
    char head[64];
    unsigned char len[8];
    uint64_t n = strlen(msg);
    int hl = snprintf(head, sizeof(head), "PRIORITY=%d\nSYSLOG_IDENTIFIER=libvirtd\nMESSAGE\n",
                      syslog_prio);
    struct iovec iov[] = {
        {.iov_base = head, .iov_len = (size_t)hl},
        {.iov_base = len, .iov_len = sizeof(len)},
        {.iov_base = (void *)msg, .iov_len = (size_t)n},
        {.iov_base = (void *)"\n", .iov_len = 1},
    };
    struct msghdr mh = {
        .msg_name = (void *)&sa, .msg_namelen = sizeof(sa), .msg_iov = iov, .msg_iovlen = 4};

    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(n >> (8 * i));
    if (fd < 0)
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd >= 0)
        (void)sendmsg(fd, &mh, MSG_NOSIGNAL);
}

/* Copies msg into buf (len bytes) with each control byte (below 0x20, and
 * 0x7f) written as \n, \r, \t or \xNN and a backslash as \\, so that a
 * message is one line of the log, however it came by what it quotes (a
 * client's URI, a file name): nobody can forge a line, and the escaped
 * text reads back unambiguously. Cuts only between whole escapes. */
static void escape_line(const char *msg, char *buf, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    for (const unsigned char *p = (const unsigned char *)msg; *p; p++) {
        char esc[4];
        size_t n = 0;

        if (*p == '\\' || *p == '\n' || *p == '\r' || *p == '\t') {
            esc[n++] = '\\';
            esc[n++] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : *p == '\t' ? 't' : '\\';
        } else if (*p < 0x20 || *p == 0x7f) {
            esc[n++] = '\\';
            esc[n++] = 'x';
            esc[n++] = hex[*p >> 4];
            esc[n++] = hex[*p & 0xf];
        } else {
            esc[n++] = (char)*p;
        }
        if (o + n >= len)
            break;
        memcpy(buf + o, esc, n);
        o += n;
    }
    buf[o] = '\0';
}

/* Writes msg to every output that takes `level`; an audit line goes to
 * every output that takes warnings. Every output gets it escaped. */
static void emit(enum log_level level, int syslog_prio, bool audit, const char *raw)
{
    char msg[LOG_MSG_MAX * 2], line[LOG_MSG_MAX * 2 + 128];
    int n;

    escape_line(raw, msg, sizeof(msg));
    if (noutputs == 0)
        set_defaults(LOG_DEFAULT_STDERR);
    for (size_t i = 0; i < noutputs; i++) {
        struct output *o = &outputs[i];
        if (audit ? o->level > LOG_LEVEL_WARN : (int)level < o->level)
            continue;
        switch (o->kind) {
        case OUT_STDERR:
            n = snprintf(line, sizeof(line), "libvirtd[%ld]: %s: %s\n", (long)getpid(),
                         level_names[level], msg);
            write_all(STDERR_FILENO, line,
                      (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
            break;
        case OUT_JOURNAL_STREAM:
            n = snprintf(line, sizeof(line), "<%d>%s: %s\n", syslog_prio, level_names[level],
                         msg);
            write_all(STDERR_FILENO, line,
                      (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
            break;
        case OUT_SYSLOG:
            syslog(syslog_prio, "%s: %s", level_names[level], msg);
            break;
        case OUT_JOURNALD:
            journal_send(syslog_prio, msg);
            break;
        case OUT_FILE: {
            char stamp[64];
            struct timespec ts;
            struct tm tm;
            clock_gettime(CLOCK_REALTIME, &ts);
            gmtime_r(&ts.tv_sec, &tm);
            strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
            n = snprintf(line, sizeof(line), "%s.%03ld+0000: %ld: %s : %s\n", stamp,
                         ts.tv_nsec / 1000000, (long)getpid(), level_names[level], msg);
            write_all(o->fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
            break;
        }
        }
    }
}

void log_msg(enum log_level level, const char *source, const char *fmt, ...)
{
    static const int prio[] = {LOG_DEBUG, LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};
    char msg[LOG_MSG_MAX];
    va_list ap;

    if (level < LOG_LEVEL_DEBUG || level > LOG_LEVEL_ERROR || !log_enabled(level, source))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    emit(level, prio[level], false, msg);
}

void log_notice(const char *fmt, ...)
{
    char msg[LOG_MSG_MAX];
    va_list ap;

    if (global_level >= LOG_LEVEL_ERROR)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    emit(LOG_LEVEL_INFO, LOG_NOTICE, true, msg);
}

/* log: the daemon's log lines, with libvirt's levels, filters and outputs.
 *
 * Levels are libvirt's: 1 debug, 2 info, 3 warning, 4 error. A message is
 * kept when its level reaches the first filter whose match is a substring
 * of the message's source (the file that logged it, without ".c"), or
 * log_level when no filter matches; each output then writes it when the
 * level reaches that output's own level.
 *
 * Outputs use libvirt's log_outputs syntax, space separated:
 *   "3:stderr"  "2:syslog:NAME"  "1:file:/PATH"  "3:journald"
 * With nothing configured the daemon picks one output (see log_init). */
#ifndef SRC_LOG_H
#define SRC_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level {
    LOG_LEVEL_DEBUG = 1,
    LOG_LEVEL_INFO = 2,
    LOG_LEVEL_WARN = 3,
    LOG_LEVEL_ERROR = 4,
};

/* Where log lines go when log_outputs is empty. */
enum log_default {
    LOG_DEFAULT_STDERR, /* plain stderr, or journald when JOURNAL_STREAM says stderr is the
                           journal */
    LOG_DEFAULT_SYSLOG, /* stderr belongs to the client (inetd) or to nobody (--daemon) */
    LOG_DEFAULT_CLIENT, /* stdio: syslog, plus errors on stderr for the spawning client */
};

/* Checks a log_outputs / log_filters value. Returns 0, or -1 with the
 * reason in err (always NUL-terminated). */
int log_outputs_check(const char *spec, char *err, size_t errlen);
int log_filters_check(const char *spec, char *err, size_t errlen);

/* Sets up logging once at start-up. outputs and filters may be NULL or
 * empty; they must have passed the checks above (a bad one falls back to
 * the default). Returns 0, or -1 when a file output cannot be opened, with
 * "cannot open log file PATH: REASON" in err (always NUL-terminated) and
 * the default output in use; the caller logs it, knowing where the
 * outputs were configured. */
int log_init(enum log_default def, int level, const char *outputs, const char *filters,
             char *err, size_t errlen);

/* Forgets the outputs (closes files); used by a forked child that must not
 * share them, and at exit. */
void log_close(void);

/* True when a line at `level` from the calling source would be written
 * anywhere; lets callers skip building expensive messages. */
bool log_enabled(enum log_level level, const char *source);

void log_msg(enum log_level level, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A connection opened or closed: always written unless log_level is 4
 * (errors only) so that every way of starting leaves an audit trail. */
void log_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define LOG_SOURCE__ __FILE__
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, LOG_SOURCE__, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, LOG_SOURCE__, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, LOG_SOURCE__, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, LOG_SOURCE__, __VA_ARGS__)

#endif

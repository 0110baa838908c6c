/* log: the daemon's log lines. Where they go is decided once at start-up
 * (stderr by default; syslog when stderr is the client's socket). */
#ifndef SRC_LOG_H
#define SRC_LOG_H

enum log_target {
    LOG_TO_STDERR,
    LOG_TO_SYSLOG,
};

enum log_level {
    LOG_LEVEL_DEBUG = 1,
    LOG_LEVEL_INFO = 2,
    LOG_LEVEL_WARN = 3,
    LOG_LEVEL_ERROR = 4,
};

void log_init(enum log_target target, enum log_level min_level);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif

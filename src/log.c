#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

static enum log_target target = LOG_TO_STDERR;
static enum log_level min_level = LOG_LEVEL_WARN;

void log_init(enum log_target t, enum log_level level)
{
    target = t;
    min_level = level;
    if (t == LOG_TO_SYSLOG)
        openlog("libvirtd", LOG_PID, LOG_DAEMON);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    static const char *const names[] = {"", "debug", "info", "warning", "error"};
    static const int prio[] = {LOG_DEBUG, LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR};
    char line[2048];
    va_list ap;

    if (level < min_level)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (target == LOG_TO_SYSLOG)
        syslog(prio[level], "%s", line);
    else
        fprintf(stderr, "libvirtd[%ld]: %s: %s\n", (long)getpid(), names[level], line);
}

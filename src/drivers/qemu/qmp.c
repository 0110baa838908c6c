/* qmp: see qmp.h. */
#include "qmp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"

struct qmp {
    int fd;
    char *buf;
    size_t len, cap;
    unsigned long next_id;
};

struct qmp *qmp_new(int fd)
{
    struct qmp *q = calloc(1, sizeof(*q));

    if (!q) {
        close(fd);
        return NULL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    q->fd = fd;
    return q;
}

void qmp_free(struct qmp *q)
{
    if (!q)
        return;
    close(q->fd);
    free(q->buf);
    free(q);
}

int qmp_fd(const struct qmp *q)
{
    return q->fd;
}

int qmp_fill(struct qmp *q)
{
    if (q->cap - q->len < 4096) {
        size_t cap = q->cap ? q->cap * 2 : 16384;
        if (cap > QMP_MAX_MESSAGE + 4096) {
            error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "QEMU monitor reply exceeds buffer size (%u bytes)",
                         QMP_MAX_MESSAGE);
            return -1;
        }
        char *b = realloc(q->buf, cap);
        if (!b) {
            error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
            return -1;
        }
        q->buf = b;
        q->cap = cap;
    }
    ssize_t n;
    do
        n = read(q->fd, q->buf + q->len, q->cap - q->len);
    while (n < 0 && errno == EINTR);
    if (n > 0) {
        q->len += (size_t)n;
        return 1;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 0;
    if (n == 0)
        error_report(ERR_OPERATION_FAILED, FROM_QEMU, "%s", "End of file from qemu monitor");
    else
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "Unable to read from monitor: %s",
                     strerror(errno));
    return -1;
}

struct json *qmp_next(struct qmp *q)
{
    for (;;) {
        char *nl = q->len ? memchr(q->buf, '\n', q->len) : NULL;
        if (!nl)
            return NULL;
        size_t line = (size_t)(nl - q->buf) + 1;
        struct json *j = json_parse(q->buf, line);
        memmove(q->buf, q->buf + line, q->len - line);
        q->len -= line;
        if (j && j->type == JSON_OBJECT)
            return j;
        json_free(j);
    }
}

static int write_all(int fd, const char *s, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            if (poll(&p, 1, 5000) <= 0)
                return -1;
            continue;
        }
        if (n <= 0)
            return -1;
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

int qmp_send(struct qmp *q, const char *execute, const char *arguments, char *id_out)
{
    char id[24];
    size_t len = 0;
    char *msg = NULL;
    int r = -1;

    snprintf(id, sizeof(id), "libvirt-%lu", ++q->next_id);
    /* {"execute":X,"arguments":A,"id":I} */
    if ((msg = strdup("{\"execute\":")) == NULL)
        goto out;
    len = strlen(msg);
    if (json_append_string(&msg, &len, execute) < 0)
        goto out;
    size_t alen = arguments ? strlen(arguments) : 0;
    char *m = realloc(msg, len + alen + 64);
    if (!m)
        goto out;
    msg = m;
    if (arguments)
        len += (size_t)sprintf(msg + len, ",\"arguments\":%s", arguments);
    len += (size_t)sprintf(msg + len, ",\"id\":\"%s\"}\r\n", id);
    if (write_all(q->fd, msg, len) < 0) {
        error_report(ERR_OPERATION_FAILED, FROM_QEMU, "%s",
                     "Unable to write to monitor: Broken pipe");
        goto out;
    }
    if (id_out)
        memcpy(id_out, id, strlen(id) + 1);
    r = 0;
out:
    if (r < 0 && !error_last())
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    free(msg);
    return r;
}

/* Waits until a message is readable or the deadline; 0 when one may be,
 * -1 at the deadline or end of file (recorded). */
static int wait_message(struct qmp *q, long long deadline_ms, const char *what)
{
    for (;;) {
        int r = qmp_fill(q);
        if (r != 0)
            return r < 0 ? -1 : 0;
        long long left = deadline_ms < 0 ? -1 : deadline_ms - clock_mono_ms();
        if (deadline_ms >= 0 && left <= 0) {
            error_report(ERR_OPERATION_TIMEOUT, FROM_QEMU, "%s", what);
            return -1;
        }
        struct pollfd p = {.fd = q->fd, .events = POLLIN};
        int n = poll(&p, 1, left < 0 ? -1 : (int)(left > 1000000 ? 1000000 : left));
        if (n < 0 && errno != EINTR) {
            error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "poll: %s", strerror(errno));
            return -1;
        }
    }
}

int qmp_handshake(struct qmp *q, long long deadline_ms, qmp_event_fn on_event, void *opaque)
{
    struct json *m;

    for (;;) {
        while ((m = qmp_next(q))) {
            int greeting = json_get(m, "QMP") != NULL;
            json_free(m);
            if (greeting)
                return qmp_command(q, "qmp_capabilities", NULL, deadline_ms, on_event, opaque,
                                   NULL);
        }
        if (wait_message(q, deadline_ms, "monitor greeting from QEMU") < 0)
            return -1;
    }
}

int qmp_command(struct qmp *q, const char *execute, const char *arguments, long long deadline_ms,
                qmp_event_fn on_event, void *opaque, struct json **reply)
{
    char id[24];
    struct json *m;

    if (reply)
        *reply = NULL;
    if (qmp_send(q, execute, arguments, id) < 0)
        return -1;
    for (;;) {
        while ((m = qmp_next(q))) {
            const char *mid = json_get_string(m, "id");
            if (json_get(m, "event") && on_event)
                on_event(opaque, m);
            if (json_get(m, "event") || !mid || strcmp(mid, id) != 0) {
                json_free(m);
                continue;
            }
            const struct json *err = json_get(m, "error");
            if (err) {
                const char *desc = json_get_string(err, "desc");
                error_report(ERR_INTERNAL_ERROR, FROM_QEMU,
                             "unable to execute QEMU command '%s': %s", execute,
                             desc ? desc : "unknown error");
                json_free(m);
                return -1;
            }
            if (reply)
                *reply = m;
            else
                json_free(m);
            return 0;
        }
        if (wait_message(q, deadline_ms, "QEMU monitor reply") < 0)
            return -1;
    }
}

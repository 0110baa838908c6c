/* event: libvirt's default event loop, a poll() over registered handles and
 * timers. Any thread may add, update or remove; a pipe wakes the thread
 * inside virEventRunDefaultImpl so that it sees the change. Callbacks run
 * without the loop's lock held, so they may call back into the loop. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "conn.h"
#include "error.h"

struct handle {
    int id;
    int fd;
    int events; /* VIR_EVENT_HANDLE_* */
    virEventHandleCallback cb;
    void *opaque;
    virFreeCallback ff;
    int deleted;
};

struct timer {
    int id;
    int interval; /* ms; -1 disabled */
    long long due; /* ms on the monotonic clock */
    virEventTimeoutCallback cb;
    void *opaque;
    virFreeCallback ff;
    int deleted;
};

static pthread_mutex_t loop_lock = PTHREAD_MUTEX_INITIALIZER;
static int registered;
static int wake_pipe[2] = {-1, -1};
static struct handle *handles;
static size_t nhandles;
static struct timer *timers;
static size_t ntimers;
static int next_id = 1;

static void wake(void)
{
    char c = 0;

    if (wake_pipe[1] >= 0 && write(wake_pipe[1], &c, 1) < 0) {
        /* A full pipe already guarantees a wake-up. */
    }
}

int event_impl_registered(void)
{
    int r;

    pthread_mutex_lock(&loop_lock);
    r = registered;
    pthread_mutex_unlock(&loop_lock);
    return r;
}

int virEventRegisterDefaultImpl(void)
{
    api_enter();
    pthread_mutex_lock(&loop_lock);
    if (!registered) {
        if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
            pthread_mutex_unlock(&loop_lock);
            error_report(ERR_SYSTEM_ERROR, 40, "Unable to create wakeup pipe: %s",
                         strerror(errno));
            api_fail(NULL);
            return -1;
        }
        registered = 1;
    }
    pthread_mutex_unlock(&loop_lock);
    return 0;
}

int virEventAddHandle(int fd, int events, virEventHandleCallback cb, void *opaque,
                      virFreeCallback ff)
{
    struct handle *h;
    int id;

    pthread_mutex_lock(&loop_lock);
    if (!registered) {
        pthread_mutex_unlock(&loop_lock);
        return -1;
    }
    h = realloc(handles, (nhandles + 1) * sizeof(*h));
    if (!h) {
        pthread_mutex_unlock(&loop_lock);
        return -1;
    }
    handles = h;
    id = next_id++;
    handles[nhandles++] = (struct handle){id, fd, events, cb, opaque, ff, 0};
    wake();
    pthread_mutex_unlock(&loop_lock);
    return id;
}

void virEventUpdateHandle(int watch, int events)
{
    pthread_mutex_lock(&loop_lock);
    for (size_t i = 0; i < nhandles; i++)
        if (handles[i].id == watch && !handles[i].deleted)
            handles[i].events = events;
    wake();
    pthread_mutex_unlock(&loop_lock);
}

int virEventRemoveHandle(int watch)
{
    int rc = -1;

    pthread_mutex_lock(&loop_lock);
    for (size_t i = 0; i < nhandles; i++)
        if (handles[i].id == watch && !handles[i].deleted) {
            handles[i].deleted = 1;
            rc = 0;
        }
    wake();
    pthread_mutex_unlock(&loop_lock);
    return rc;
}

int virEventAddTimeout(int timeout, virEventTimeoutCallback cb, void *opaque, virFreeCallback ff)
{
    struct timer *t;
    int id;

    pthread_mutex_lock(&loop_lock);
    if (!registered) {
        pthread_mutex_unlock(&loop_lock);
        return -1;
    }
    t = realloc(timers, (ntimers + 1) * sizeof(*t));
    if (!t) {
        pthread_mutex_unlock(&loop_lock);
        return -1;
    }
    timers = t;
    id = next_id++;
    timers[ntimers++] = (struct timer){id, timeout,
                                       clock_mono_ms() + (timeout > 0 ? timeout : 0),
                                       cb, opaque, ff, 0};
    wake();
    pthread_mutex_unlock(&loop_lock);
    return id;
}

void virEventUpdateTimeout(int timer, int timeout)
{
    pthread_mutex_lock(&loop_lock);
    for (size_t i = 0; i < ntimers; i++)
        if (timers[i].id == timer && !timers[i].deleted) {
            timers[i].interval = timeout;
            timers[i].due = clock_mono_ms() + (timeout > 0 ? timeout : 0);
        }
    wake();
    pthread_mutex_unlock(&loop_lock);
}

int virEventRemoveTimeout(int timer)
{
    int rc = -1;

    pthread_mutex_lock(&loop_lock);
    for (size_t i = 0; i < ntimers; i++)
        if (timers[i].id == timer && !timers[i].deleted) {
            timers[i].deleted = 1;
            rc = 0;
        }
    wake();
    pthread_mutex_unlock(&loop_lock);
    return rc;
}

static short to_poll(int events)
{
    short e = 0;

    if (events & VIR_EVENT_HANDLE_READABLE)
        e |= POLLIN;
    if (events & VIR_EVENT_HANDLE_WRITABLE)
        e |= POLLOUT;
    return e;
}

static int from_poll(short revents)
{
    int e = 0;

    if (revents & POLLIN)
        e |= VIR_EVENT_HANDLE_READABLE;
    if (revents & POLLOUT)
        e |= VIR_EVENT_HANDLE_WRITABLE;
    if (revents & (POLLERR | POLLNVAL))
        e |= VIR_EVENT_HANDLE_ERROR;
    if (revents & POLLHUP)
        e |= VIR_EVENT_HANDLE_HANGUP;
    return e;
}

/* Drops deleted entries, calling their free callbacks (without the lock). */
static void purge(void)
{
    for (;;) {
        virFreeCallback ff = NULL;
        void *opaque = NULL;
        size_t i;

        pthread_mutex_lock(&loop_lock);
        for (i = 0; i < nhandles; i++)
            if (handles[i].deleted)
                break;
        if (i < nhandles) {
            ff = handles[i].ff;
            opaque = handles[i].opaque;
            handles[i] = handles[--nhandles];
        } else {
            for (i = 0; i < ntimers; i++)
                if (timers[i].deleted)
                    break;
            if (i == ntimers) {
                pthread_mutex_unlock(&loop_lock);
                return;
            }
            ff = timers[i].ff;
            opaque = timers[i].opaque;
            timers[i] = timers[--ntimers];
        }
        pthread_mutex_unlock(&loop_lock);
        if (ff)
            ff(opaque);
    }
}

int virEventRunDefaultImpl(void)
{
    struct pollfd *pfds;
    int *ids;
    size_t n, i;
    long long now, next = -1;
    int timeout, rc;

    api_enter();
    pthread_mutex_lock(&loop_lock);
    if (!registered) {
        pthread_mutex_unlock(&loop_lock);
        error_report(ERR_INTERNAL_ERROR, 40, "%s", "no event loop registered");
        api_fail(NULL);
        return -1;
    }
    n = nhandles;
    pfds = calloc(n + 1, sizeof(*pfds));
    ids = calloc(n + 1, sizeof(*ids));
    if (!pfds || !ids) {
        pthread_mutex_unlock(&loop_lock);
        free(pfds);
        free(ids);
        error_report(ERR_NO_MEMORY, 40, NULL);
        api_fail(NULL);
        return -1;
    }
    pfds[0].fd = wake_pipe[0];
    pfds[0].events = POLLIN;
    for (i = 0; i < n; i++) {
        pfds[i + 1].fd = handles[i].deleted || !handles[i].events ? -1 : handles[i].fd;
        pfds[i + 1].events = to_poll(handles[i].events);
        ids[i + 1] = handles[i].id;
    }
    for (i = 0; i < ntimers; i++)
        if (!timers[i].deleted && timers[i].interval >= 0 && (next < 0 || timers[i].due < next))
            next = timers[i].due;
    pthread_mutex_unlock(&loop_lock);

    now = clock_mono_ms();
    timeout = next < 0 ? -1 : next <= now ? 0 : (int)(next - now);
    rc = poll(pfds, n + 1, timeout);
    if (rc < 0 && errno != EINTR) {
        free(pfds);
        free(ids);
        error_report(ERR_SYSTEM_ERROR, 40, "Unable to poll on file handles: %s",
                     strerror(errno));
        api_fail(NULL);
        return -1;
    }
    if (rc > 0 && (pfds[0].revents & POLLIN)) {
        char buf[64];
        while (read(wake_pipe[0], buf, sizeof(buf)) > 0)
            ;
    }

    /* Timers that are due, one at a time, each looked up again since a
     * callback may have changed the list. */
    now = clock_mono_ms();
    for (;;) {
        virEventTimeoutCallback cb = NULL;
        void *opaque = NULL;
        int id = 0;

        pthread_mutex_lock(&loop_lock);
        for (i = 0; i < ntimers; i++) {
            struct timer *t = &timers[i];
            if (!t->deleted && t->interval >= 0 && t->due <= now) {
                t->due = now + (t->interval > 0 ? t->interval : 0);
                /* Run each timer at most once per iteration. */
                if (t->due <= now)
                    t->due = now + 1;
                cb = t->cb;
                opaque = t->opaque;
                id = t->id;
                break;
            }
        }
        pthread_mutex_unlock(&loop_lock);
        if (!cb)
            break;
        cb(id, opaque);
    }

    for (i = 1; rc > 0 && i <= n; i++) {
        virEventHandleCallback cb = NULL;
        void *opaque = NULL;
        int fd = -1;

        if (!pfds[i].revents || pfds[i].fd < 0)
            continue;
        pthread_mutex_lock(&loop_lock);
        for (size_t k = 0; k < nhandles; k++)
            if (handles[k].id == ids[i] && !handles[k].deleted) {
                cb = handles[k].cb;
                opaque = handles[k].opaque;
                fd = handles[k].fd;
            }
        pthread_mutex_unlock(&loop_lock);
        if (cb)
            cb(ids[i], fd, from_poll(pfds[i].revents), opaque);
    }
    free(pfds);
    free(ids);
    purge();
    return 0;
}

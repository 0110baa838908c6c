#include "loop.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "clock.h"

/* Few fds per connection: the channel, a driver's handful. */
#define LOOP_MAX_WATCHES 32

struct watch {
    int fd;
    uint32_t events;
    bool always_ready; /* epoll refused it (a regular file) */
    loop_fd_fn fn;
    void *opaque;
};

struct loop {
    int ep;
    struct watch watches[LOOP_MAX_WATCHES];
    size_t n;
};

struct loop *loop_new(void)
{
    struct loop *l = calloc(1, sizeof(*l));

    if (!l)
        return NULL;
    l->ep = epoll_create1(EPOLL_CLOEXEC);
    if (l->ep < 0) {
        int e = errno;
        free(l);
        errno = e;
        return NULL;
    }
    return l;
}

void loop_free(struct loop *l)
{
    if (!l)
        return;
    close(l->ep);
    free(l);
}

static struct watch *find(struct loop *l, int fd)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->watches[i].fd == fd)
            return &l->watches[i];
    return NULL;
}

int loop_watch(struct loop *l, int fd, uint32_t events, loop_fd_fn fn, void *opaque)
{
    struct epoll_event ev = {.events = events, .data.fd = fd};
    struct watch *w;

    if (find(l, fd)) {
        errno = EEXIST;
        return -1;
    }
    if (l->n >= LOOP_MAX_WATCHES) {
        errno = ENOSPC;
        return -1;
    }
    w = &l->watches[l->n];
    *w = (struct watch){.fd = fd, .events = events, .fn = fn, .opaque = opaque};
    if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        if (errno != EPERM)
            return -1;
        w->always_ready = true;
    }
    l->n++;
    return 0;
}

int loop_rewatch(struct loop *l, int fd, uint32_t events)
{
    struct watch *w = find(l, fd);
    struct epoll_event ev = {.events = events, .data.fd = fd};

    if (!w) {
        errno = ENOENT;
        return -1;
    }
    w->events = events;
    return w->always_ready ? 0 : epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &ev);
}

void loop_unwatch(struct loop *l, int fd)
{
    struct watch *w = find(l, fd);

    if (!w)
        return;
    if (!w->always_ready)
        epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
    *w = l->watches[--l->n];
}

static int timeout_for(long long deadline_ms)
{
    long long now;

    if (deadline_ms < 0)
        return -1;
    now = clock_mono_ms();
    if (deadline_ms <= now)
        return 0;
    return deadline_ms - now > INT_MAX ? INT_MAX : (int)(deadline_ms - now);
}

int loop_run_once(struct loop *l, long long deadline_ms)
{
    struct epoll_event ready[LOOP_MAX_WATCHES];
    struct {
        int fd;
        uint32_t events;
    } due[2 * LOOP_MAX_WATCHES];
    int n, timeout = timeout_for(deadline_ms);
    size_t ndue = 0, ran = 0;

    /* A watch epoll cannot see is ready whenever asked about. */
    for (size_t i = 0; i < l->n; i++)
        if (l->watches[i].always_ready && l->watches[i].events) {
            due[ndue].fd = l->watches[i].fd;
            due[ndue++].events = l->watches[i].events;
            timeout = 0;
        }
    do
        n = epoll_wait(l->ep, ready, LOOP_MAX_WATCHES, timeout);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        due[ndue].fd = ready[i].data.fd;
        due[ndue++].events = ready[i].events;
    }
    /* Callbacks may add and remove watches: each is looked up again. */
    for (size_t i = 0; i < ndue; i++) {
        struct watch *w = find(l, due[i].fd);
        if (w) {
            w->fn(w->opaque, w->fd, due[i].events);
            ran++;
        }
    }
    return (int)ran;
}

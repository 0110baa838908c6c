/* A libvirt API client driven line by line from stdin, for the fault and
 * reconnect tests: the test script kills and stops daemons between the
 * lines and reads what each line did. Built against our libvirt.so and
 * against Debian's, so both answer the same script.
 *
 * The default event loop runs in its own thread; a close callback and a
 * lifecycle callback for every domain are registered at open.
 *
 * Commands (one per line), each answered with one line on stdout:
 *   open URI          "open: ok" or "open: error MESSAGE"
 *   version           virConnectGetVersion: "version: ok" or
 *                     "version: error MESSAGE (N ms)"
 *   list              the names of all domains, sorted: "list: a b"
 *   dom NAME          looks the domain up and keeps the handle: "dom: ok"
 *   suspend           on the kept domain handle: "suspend: ok" or
 *                     "suspend: error MESSAGE (N ms)"
 *   wait-events N MS  waits up to MS ms for N lifecycle events, then lists
 *                     those seen since the last time: "events:
 *                     test:suspended ..." (or "events: none")
 *   wait-close MS     "close: reason R (N ms)" or "close: none"
 *   alive             "alive: 1" or "alive: 0"
 *   ticks             starts a 50 ms timer in the event loop: "ticks: ok"
 *   max-gap           the longest the event loop made that timer wait
 *                     since the last max-gap, beyond its 50 ms: "max-gap:
 *                     N ms" (a loop blocked in a callback shows here)
 * Usage: faults < commands */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static char events[4096];
static int nevents;
static int close_reason = -1;
static long long close_at;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long long last_tick, max_gap;

static void on_tick(int timer, void *opaque)
{
    long long now = now_ms();

    (void)timer;
    (void)opaque;
    pthread_mutex_lock(&lock);
    if (last_tick && now - last_tick - 50 > max_gap)
        max_gap = now - last_tick - 50;
    last_tick = now;
    pthread_mutex_unlock(&lock);
}

static void quiet(void *data, virErrorPtr err)
{
    (void)data;
    (void)err;
}

static void *loop(void *arg)
{
    (void)arg;
    for (;;)
        virEventRunDefaultImpl();
    return NULL;
}

static const char *event_name(int event)
{
    static const char *names[] = {"defined", "undefined", "started",  "suspended", "resumed",
                                  "stopped", "shutdown",  "pmsuspended", "crashed"};
    return event >= 0 && event < (int)(sizeof(names) / sizeof(names[0])) ? names[event] : "?";
}

static int on_lifecycle(virConnectPtr c, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)c;
    (void)detail;
    (void)opaque;
    pthread_mutex_lock(&lock);
    size_t len = strlen(events);
    snprintf(events + len, sizeof(events) - len, " %s:%s", virDomainGetName(dom),
             event_name(event));
    nevents++;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
    return 0;
}

static void on_close(virConnectPtr c, int reason, void *opaque)
{
    (void)c;
    (void)opaque;
    pthread_mutex_lock(&lock);
    close_reason = reason;
    close_at = now_ms();
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
}

static const char *last_message(void)
{
    virErrorPtr e = virGetLastError();

    return e && e->message ? e->message : "(no error recorded)";
}

/* Waits on the condition until pred() holds or ms pass; lock held. */
static void wait_for(int (*pred)(int), int arg, int ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    while (!pred(arg))
        if (pthread_cond_timedwait(&cond, &lock, &ts) != 0)
            break;
}

static int have_events(int n)
{
    return nevents >= n;
}

static int have_close(int unused)
{
    (void)unused;
    return close_reason >= 0;
}

static void print_events(void)
{
    printf("events:%s\n", nevents ? events : " none");
    events[0] = '\0';
    nevents = 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(virConnectPtr conn)
{
    virDomainPtr *doms = NULL;
    const char **names;
    long long t0 = now_ms();
    int n = virConnectListAllDomains(conn, &doms, 0);

    if (n < 0) {
        printf("list: error %s (%lld ms)\n", last_message(), now_ms() - t0);
        return;
    }
    names = calloc((size_t)n + 1, sizeof(*names));
    for (int i = 0; i < n; i++)
        names[i] = virDomainGetName(doms[i]);
    qsort(names, (size_t)n, sizeof(*names), cmp_str);
    printf("list:");
    for (int i = 0; i < n; i++)
        printf(" %s", names[i]);
    printf("\n");
    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    free(names);
}

int main(void)
{
    virConnectPtr conn = NULL;
    virDomainPtr dom = NULL;
    pthread_t t;
    char line[1024];

    setvbuf(stdout, NULL, _IOLBF, 0);
    virSetErrorFunc(NULL, quiet);
    if (virEventRegisterDefaultImpl() < 0 || pthread_create(&t, NULL, loop, NULL) != 0) {
        printf("cannot start the event loop\n");
        return 1;
    }
    while (fgets(line, sizeof(line), stdin)) {
        char cmd[32] = "", arg[900] = "";
        int a = 0, b = 0;

        line[strcspn(line, "\n")] = '\0';
        if (sscanf(line, "%31s %899s", cmd, arg) < 1)
            continue;
        if (!strcmp(cmd, "open")) {
            conn = virConnectOpen(arg);
            if (!conn) {
                printf("open: error %s\n", last_message());
                continue;
            }
            virConnectRegisterCloseCallback(conn, on_close, NULL, NULL);
            virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                             VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), NULL,
                                             NULL);
            printf("open: ok\n");
        } else if (!conn) {
            printf("%s: not connected\n", cmd);
        } else if (!strcmp(cmd, "version")) {
            unsigned long v;
            long long t0 = now_ms();
            if (virConnectGetVersion(conn, &v) == 0)
                printf("version: ok\n");
            else
                printf("version: error %s (%lld ms)\n", last_message(), now_ms() - t0);
        } else if (!strcmp(cmd, "list")) {
            list(conn);
        } else if (!strcmp(cmd, "dom")) {
            long long t0 = now_ms();
            if (dom)
                virDomainFree(dom);
            dom = virDomainLookupByName(conn, arg);
            if (dom)
                printf("dom: ok\n");
            else
                printf("dom: error %s (%lld ms)\n", last_message(), now_ms() - t0);
        } else if (!strcmp(cmd, "suspend")) {
            long long t0 = now_ms();
            if (!dom)
                printf("suspend: no domain\n");
            else if (virDomainSuspend(dom) == 0)
                printf("suspend: ok\n");
            else
                printf("suspend: error %s (%lld ms)\n", last_message(), now_ms() - t0);
        } else if (!strcmp(cmd, "wait-events")) {
            sscanf(line, "%*s %d %d", &a, &b);
            pthread_mutex_lock(&lock);
            wait_for(have_events, a, b);
            print_events();
            pthread_mutex_unlock(&lock);
        } else if (!strcmp(cmd, "wait-close")) {
            long long t0 = now_ms();
            sscanf(line, "%*s %d", &a);
            pthread_mutex_lock(&lock);
            wait_for(have_close, 0, a);
            if (close_reason >= 0)
                printf("close: reason %d (%lld ms)\n", close_reason,
                       close_at > t0 ? close_at - t0 : 0);
            else
                printf("close: none\n");
            close_reason = -1;
            pthread_mutex_unlock(&lock);
        } else if (!strcmp(cmd, "ticks")) {
            int timer = virEventAddTimeout(50, on_tick, NULL, NULL);
            printf("ticks: %s\n", timer >= 0 ? "ok" : "error");
        } else if (!strcmp(cmd, "max-gap")) {
            pthread_mutex_lock(&lock);
            printf("max-gap: %lld ms\n", max_gap);
            max_gap = 0;
            pthread_mutex_unlock(&lock);
        } else if (!strcmp(cmd, "alive")) {
            printf("alive: %d\n", virConnectIsAlive(conn));
        } else {
            printf("%s: unknown command\n", cmd);
        }
    }
    if (dom)
        virDomainFree(dom);
    if (conn)
        virConnectClose(conn);
    return 0;
}

/* bench: timings of the libvirt client API against a daemon, for
 * scripts/bench.sh. Uses only the public libvirt API (plus plain sockets
 * for the bare echo floor), so the same source builds against this
 * project's libvirt.so and against Debian's libvirt.
 *
 *   bench open URI N            N x (open, virConnectGetVersion, close)
 *   bench version URI N         N x virConnectGetVersion on one connection
 *   bench info URI N NAME       N x virDomainGetInfo on one connection
 *   bench listall URI N         N x virConnectListAllDomains (all flags 0)
 *   bench dumpxml URI N NAME    N x virDomainGetXMLDesc
 *   bench parallel URI K SECS   K processes, one connection each, calling
 *                               virConnectGetVersion for SECS seconds
 *   bench idle URI K            open K connections, print "ready", hold
 *                               them until stdin closes
 *   bench echo SOCKET N         N x (connect, send 28 bytes, read them
 *                               back, close) on a unix socket
 *   bench pingpong - N          N x 28 bytes there and back between two
 *                               processes on a unix socket pair: the
 *                               floor under any call round trip
 *   bench pingpong cross N      the same with the two processes pinned to
 *                               two different CPUs, each sleeping in
 *                               read() while it waits: the cost of a
 *                               wake-up on another, idle CPU
 *
 * Timed modes print "median_us p99_us n"; parallel prints "calls_per_s";
 * the first few iterations are a warm-up and are not counted. Exit status
 * 0, or 1 with the failure on stderr. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define WARMUP 3

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static void report(double *samples, int n)
{
    int p99;

    qsort(samples, (size_t)n, sizeof(*samples), cmp_double);
    p99 = (n * 99 + 99) / 100 - 1;
    if (p99 >= n)
        p99 = n - 1;
    printf("%.1f %.1f %d\n", samples[n / 2], samples[p99], n);
}

static int fail(const char *what)
{
    virErrorPtr e = virGetLastError();

    fprintf(stderr, "bench: %s failed: %s\n", what, e && e->message ? e->message : "?");
    return 1;
}

static void quiet(void *data, virErrorPtr err)
{
    (void)data;
    (void)err;
}

static int positive(const char *s)
{
    int v = atoi(s);

    return v > 0 ? v : 1;
}

static int run_open(const char *uri, int n)
{
    double *t = calloc((size_t)n, sizeof(*t));

    if (!t)
        return 1;
    for (int i = -WARMUP; i < n; i++) {
        unsigned long ver;
        double t0 = now_us();
        virConnectPtr c = virConnectOpen(uri);

        if (!c)
            return fail("virConnectOpen");
        if (virConnectGetVersion(c, &ver) < 0)
            return fail("virConnectGetVersion");
        virConnectClose(c);
        if (i >= 0)
            t[i] = now_us() - t0;
    }
    report(t, n);
    free(t);
    return 0;
}

enum call { CALL_VERSION, CALL_INFO, CALL_LISTALL, CALL_DUMPXML };

static int one_call(virConnectPtr c, virDomainPtr dom, enum call what)
{
    unsigned long ver;
    virDomainInfo info;
    virDomainPtr *doms;
    char *xml;
    int r;

    switch (what) {
    case CALL_VERSION:
        return virConnectGetVersion(c, &ver);
    case CALL_INFO:
        return virDomainGetInfo(dom, &info);
    case CALL_LISTALL:
        r = virConnectListAllDomains(c, &doms, 0);
        for (int i = 0; i < r; i++)
            virDomainFree(doms[i]);
        if (r >= 0)
            free(doms);
        return r < 0 ? -1 : 0;
    case CALL_DUMPXML:
        xml = virDomainGetXMLDesc(dom, 0);
        free(xml);
        return xml ? 0 : -1;
    }
    return -1;
}

static int run_calls(const char *uri, int n, enum call what, const char *name)
{
    virConnectPtr c = virConnectOpen(uri);
    virDomainPtr dom = NULL;
    double *t = calloc((size_t)n, sizeof(*t));

    if (!c)
        return fail("virConnectOpen");
    if (!t)
        return 1;
    if (name && !(dom = virDomainLookupByName(c, name)))
        return fail("virDomainLookupByName");
    for (int i = -WARMUP; i < n; i++) {
        double t0 = now_us();

        if (one_call(c, dom, what) < 0)
            return fail("call");
        if (i >= 0)
            t[i] = now_us() - t0;
    }
    report(t, n);
    if (dom)
        virDomainFree(dom);
    virConnectClose(c);
    free(t);
    return 0;
}

/* One child of `parallel`: connect, say so, wait for the start byte, call
 * until the deadline, write the count. */
static void parallel_child(const char *uri, int ready_fd, int go_fd, int out_fd, double secs)
{
    unsigned long ver;
    long count = 0;
    char b = 0;
    virConnectPtr c = virConnectOpen(uri);

    if (!c)
        _exit(fail("virConnectOpen"));
    (void)!write(ready_fd, &b, 1);
    if (read(go_fd, &b, 1) < 0) /* 0: the parent closed it, go */
        _exit(1);
    double end = now_us() + secs * 1e6;
    while (now_us() < end) {
        if (virConnectGetVersion(c, &ver) < 0)
            _exit(fail("virConnectGetVersion"));
        count++;
    }
    (void)!write(out_fd, &count, sizeof(count));
    virConnectClose(c);
    _exit(0);
}

static int run_parallel(const char *uri, int k, double secs)
{
    int ready[2], go[2], out[2], status, bad = 0;
    long total = 0, count;
    char b;

    if (pipe(ready) < 0 || pipe(go) < 0 || pipe(out) < 0)
        return 1;
    for (int i = 0; i < k; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return 1;
        if (pid == 0) {
            close(ready[0]);
            close(go[1]);
            close(out[0]);
            parallel_child(uri, ready[1], go[0], out[1], secs);
        }
    }
    close(ready[1]);
    close(go[0]);
    close(out[1]);
    /* A client that dies before it is ready would leave us waiting. */
    alarm((unsigned)secs + 120);
    for (int i = 0; i < k; i++)
        if (read(ready[0], &b, 1) != 1)
            bad = 1;
    /* Closing the pipe starts every child at once: read() returns 0. */
    double t0 = now_us();
    close(go[1]);
    while (read(out[0], &count, sizeof(count)) == (ssize_t)sizeof(count))
        total += count;
    double elapsed = (now_us() - t0) / 1e6;
    while (wait(&status) > 0)
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            bad = 1;
    if (bad) {
        fprintf(stderr, "bench: a parallel client failed\n");
        return 1;
    }
    printf("%.0f\n", (double)total / (elapsed > secs ? elapsed : secs));
    return 0;
}

static int run_idle(const char *uri, int k)
{
    virConnectPtr *c = calloc((size_t)k, sizeof(*c));
    char buf[64];

    if (!c)
        return 1;
    for (int i = 0; i < k; i++) {
        unsigned long ver;
        if (!(c[i] = virConnectOpen(uri)))
            return fail("virConnectOpen");
        if (virConnectGetVersion(c[i], &ver) < 0)
            return fail("virConnectGetVersion");
    }
    printf("ready\n");
    fflush(stdout);
    while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
        ;
    for (int i = 0; i < k; i++)
        virConnectClose(c[i]);
    free(c);
    return 0;
}

static int run_echo(const char *path, int n)
{
    static const char msg[28] = "0123456789abcdef0123456789a";
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    double *t = calloc((size_t)n, sizeof(*t));
    char buf[sizeof(msg)];

    if (!t)
        return 1;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    for (int i = -WARMUP; i < n; i++) {
        double t0 = now_us();
        size_t got = 0;
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            write(fd, msg, sizeof(msg)) != (ssize_t)sizeof(msg)) {
            fprintf(stderr, "bench: echo to %s: %s\n", path, strerror(errno));
            return 1;
        }
        while (got < sizeof(buf)) {
            ssize_t r = read(fd, buf + got, sizeof(buf) - got);
            if (r <= 0) {
                fprintf(stderr, "bench: echo from %s: short read\n", path);
                return 1;
            }
            got += (size_t)r;
        }
        close(fd);
        if (i >= 0)
            t[i] = now_us() - t0;
    }
    report(t, n);
    free(t);
    return 0;
}

/* The `which`-th CPU this process may run on, or -1. */
static int nth_cpu(int which)
{
    cpu_set_t allowed;

    if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
        return -1;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, &allowed) && which-- == 0)
            return cpu;
    return -1;
}

static int pin_to(int cpu)
{
    cpu_set_t one;

    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    return sched_setaffinity(0, sizeof(one), &one);
}

static int run_pingpong(int n, int cross)
{
    static const char msg[28] = "0123456789abcdef0123456789a";
    char buf[sizeof(msg)];
    int sv[2], status;
    double *t = calloc((size_t)n, sizeof(*t));
    pid_t pid;

    if (!t || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return 1;
    int cpu_a = nth_cpu(0), cpu_b = nth_cpu(1);
    if (cross && (cpu_b < 0 || pin_to(cpu_a) < 0)) {
        fprintf(stderr, "bench: pingpong cross needs two CPUs\n");
        return 1;
    }
    pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        ssize_t r;
        if (cross && pin_to(cpu_b) < 0)
            _exit(1);
        close(sv[0]);
        while ((r = read(sv[1], buf, sizeof(buf))) > 0)
            if (write(sv[1], buf, (size_t)r) != r)
                _exit(1);
        _exit(0);
    }
    close(sv[1]);
    for (int i = -WARMUP; i < n; i++) {
        double t0 = now_us();
        size_t got = 0;

        if (write(sv[0], msg, sizeof(msg)) != (ssize_t)sizeof(msg))
            return 1;
        while (got < sizeof(buf)) {
            ssize_t r = read(sv[0], buf + got, sizeof(buf) - got);
            if (r <= 0)
                return 1;
            got += (size_t)r;
        }
        if (i >= 0)
            t[i] = now_us() - t0;
    }
    close(sv[0]);
    waitpid(pid, &status, 0);
    report(t, n);
    free(t);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench open|version|listall URI N\n"
                    "       bench info|dumpxml URI N NAME\n"
                    "       bench parallel URI CLIENTS SECONDS\n"
                    "       bench idle URI CLIENTS\n"
                    "       bench echo SOCKET N\n"
                    "       bench pingpong -|cross N\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *mode, *target;
    int n;

    if (argc < 4)
        return usage();
    mode = argv[1];
    target = argv[2];
    n = positive(argv[3]);
    signal(SIGPIPE, SIG_IGN);
    if (strcmp(mode, "echo") == 0)
        return run_echo(target, n);
    if (strcmp(mode, "pingpong") == 0)
        return run_pingpong(n, strcmp(target, "cross") == 0);
    virSetErrorFunc(NULL, quiet);
    if (strcmp(mode, "open") == 0)
        return run_open(target, n);
    if (strcmp(mode, "version") == 0)
        return run_calls(target, n, CALL_VERSION, NULL);
    if (strcmp(mode, "listall") == 0)
        return run_calls(target, n, CALL_LISTALL, NULL);
    if (strcmp(mode, "info") == 0 && argc > 4)
        return run_calls(target, n, CALL_INFO, argv[4]);
    if (strcmp(mode, "dumpxml") == 0 && argc > 4)
        return run_calls(target, n, CALL_DUMPXML, argv[4]);
    if (strcmp(mode, "parallel") == 0 && argc > 4)
        return run_parallel(target, n, atof(argv[4]) > 0 ? atof(argv[4]) : 1.0);
    if (strcmp(mode, "idle") == 0)
        return run_idle(target, n);
    return usage();
}

/* qemu-floor: the least a QEMU driver can do to start and destroy a VM,
 * the floor under virDomainCreate and virDomainDestroy in scripts/bench.sh.
 *
 *   qemu-floor N WORKDIR -- QEMU [ARG]...
 *
 * N times: bind a unix socket in WORKDIR, fork and exec QEMU (its output
 * to WORKDIR/floor-qemu.log) with ARGs plus the socket as its QMP monitor
 * on fd 3 (as libvirt passes it: -chardev socket,fd=3,server=on,wait=off);
 * connect, read the greeting, send qmp_capabilities and cont and read
 * their answers: that is the start. Then SIGTERM and waitpid: the destroy.
 * No status file, no lock, no event: only QEMU's own start and exit. The
 * ARGs should include -S, as the drivers' do, or cont has nothing to do.
 * Prints one line per round, "start_us destroy_us". Exit status 0, 1 with
 * the failure on stderr (QEMU killed and reaped), 2 on bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MONITOR_ARGS 4
#define TIMEOUT_MS 20000

static pid_t qemu = -1;

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int fail(const char *what)
{
    fprintf(stderr, "qemu-floor: %s: %s\n", what, errno ? strerror(errno) : "failed");
    if (qemu > 0) {
        kill(qemu, SIGKILL);
        waitpid(qemu, NULL, 0);
    }
    return 1;
}

/* Reads QMP lines until one that is not an event contains `want`.
 * Returns 0, or -1 on EOF, an error answer, a full buffer or the timeout. */
static int qmp_wait(int fd, const char *want)
{
    static char buf[65536];
    static size_t have;
    double deadline = now_us() + TIMEOUT_MS * 1e3;

    for (;;) {
        char *nl;

        while ((nl = memchr(buf, '\n', have))) {
            size_t used = (size_t)(nl - buf) + 1;
            int found, error;

            *nl = '\0';
            found = strstr(buf, want) && !strstr(buf, "\"event\"");
            error = strstr(buf, "\"error\"") != NULL;
            if (error)
                fprintf(stderr, "qemu-floor: QMP error: %s\n", buf);
            memmove(buf, nl + 1, have - used);
            have -= used;
            if (error)
                return -1;
            if (found)
                return 0;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int left = (int)((deadline - now_us()) / 1e3);
        if (left <= 0 || have + 1 >= sizeof(buf) || poll(&p, 1, left) <= 0)
            return -1;
        ssize_t r = read(fd, buf + have, sizeof(buf) - have - 1);
        if (r <= 0)
            return -1;
        have += (size_t)r;
    }
}

static int qmp(int fd, const char *command)
{
    size_t n = strlen(command);

    if (write(fd, command, n) != (ssize_t)n)
        return -1;
    return qmp_wait(fd, "\"return\"");
}

static int round_trip(char **argv, const char *dir, double *start, double *destroy)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char log[4096];
    int lfd = -1, cfd = -1, status;
    double t0 = now_us();

    snprintf(log, sizeof(log), "%s/floor-qemu.log", dir);
    if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/floor-mon.sock", dir) >=
        (int)sizeof(sa.sun_path))
        return fail("WORKDIR is too long for a socket path");
    unlink(sa.sun_path);
    lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0)
        return fail("monitor socket");
    qemu = fork();
    if (qemu < 0)
        return fail("fork");
    if (qemu == 0) {
        int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

        /* dup2 onto itself would keep FD_CLOEXEC */
        if (out < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0 ||
            (lfd == 3 ? fcntl(3, F_SETFD, 0) : dup2(lfd, 3)) < 0)
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    close(lfd);
    cfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (cfd < 0 || connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return fail("connect to the monitor");
    if (qmp_wait(cfd, "\"QMP\"") < 0)
        return fail("no QMP greeting (see floor-qemu.log)");
    if (qmp(cfd, "{\"execute\":\"qmp_capabilities\"}\n") < 0 ||
        qmp(cfd, "{\"execute\":\"cont\"}\n") < 0)
        return fail("qmp_capabilities or cont");
    double t1 = now_us();
    if (kill(qemu, SIGTERM) < 0 || waitpid(qemu, &status, 0) != qemu)
        return fail("SIGTERM and waitpid");
    double t2 = now_us();
    qemu = -1;
    close(cfd);
    unlink(sa.sun_path);
    *start = t1 - t0;
    *destroy = t2 - t1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 5 || strcmp(argv[3], "--") != 0 || atoi(argv[1]) <= 0) {
        fprintf(stderr, "usage: qemu-floor N WORKDIR -- QEMU [ARG]...\n");
        return 2;
    }
    int n = atoi(argv[1]), nq = argc - 4;
    char **qargv = calloc((size_t)(nq + MONITOR_ARGS + 1), sizeof(*qargv));

    if (!qargv)
        return fail("calloc");
    memcpy(qargv, argv + 4, (size_t)nq * sizeof(*qargv));
    qargv[nq++] = "-chardev";
    qargv[nq++] = "socket,id=charmonitor,fd=3,server=on,wait=off";
    qargv[nq++] = "-mon";
    qargv[nq++] = "chardev=charmonitor,id=monitor,mode=control";
    for (int i = 0; i < n; i++) {
        double start, destroy;

        if (round_trip(qargv, argv[2], &start, &destroy))
            return 1;
        printf("%.1f %.1f\n", start, destroy);
        fflush(stdout);
    }
    free(qargv);
    return 0;
}

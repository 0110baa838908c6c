/* test-qemu-run: the command line really runs. For a domain file (the
 * payload domain), as a supervisor would: parse it with the QEMU rules,
 * validate it for a start, open its serial file, write a master key, bind
 * the monitor socket, build the command and exec QEMU with it; then, on
 * the monitor, qmp_capabilities and cont; the guest's "qemu-payload: up"
 * must reach the serial file; quit, and QEMU is reaped. QEMU is killed and
 * reaped on every failure too.
 *
 *   test-qemu-run [-M ALIAS=MACHINE]... DOMAIN.xml PAYLOAD_DIR WORK_DIR
 *
 * @PAYLOAD@ and @DIR@ in the file become PAYLOAD_DIR and WORK_DIR. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf/domain_xml.h"
#include "drivers/qemu/command.h"
#include "env.h"
#include "error.h"
#include "../unit/check.h"

#define MARKER "qemu-payload: up"

static pid_t qemu = -1;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* s with every `from` replaced by `to`; malloc'd. */
static char *replace(const char *s, const char *from, const char *to)
{
    size_t lf = strlen(from), lt = strlen(to), n = 0;
    for (const char *p = s; (p = strstr(p, from)); p += lf)
        n++;
    char *out = malloc(strlen(s) + n * lt + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = s, *q; ; p = q + lf) {
        q = strstr(p, from);
        size_t k = q ? (size_t)(q - p) : strlen(p);
        memcpy(o, p, k);
        o += k;
        if (!q)
            break;
        memcpy(o, to, lt);
        o += lt;
    }
    *o = '\0';
    return out;
}

/* Reads QMP lines from fd into buf until one contains `want` (and is not
 * an event), or the deadline. Returns 0 when found. */
static int qmp_wait(int fd, const char *want, double deadline, char *buf, size_t len)
{
    size_t have = 0;

    for (;;) {
        char *nl;
        while ((nl = memchr(buf, '\n', have))) {
            *nl = '\0';
            int found = strstr(buf, want) != NULL && strstr(buf, "\"event\"") == NULL;
            if (strstr(buf, "\"error\""))
                FAIL("QMP answered with an error: %s", buf);
            size_t used = (size_t)(nl - buf) + 1;
            memmove(buf, nl + 1, have - used);
            have -= used;
            if (found)
                return 0;
        }
        double left = deadline - now();
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (left <= 0 || have + 1 >= len || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
            return -1;
        ssize_t r = read(fd, buf + have, len - have - 1);
        if (r <= 0)
            return -1;
        have += (size_t)r;
    }
}

static int qmp(int fd, const char *command, const char *want)
{
    char buf[65536];
    size_t n = strlen(command);

    if (write(fd, command, n) != (ssize_t)n) {
        FAIL("cannot send %s: %s", command, strerror(errno));
        return -1;
    }
    if (qmp_wait(fd, want, now() + 10, buf, sizeof(buf)) < 0) {
        FAIL("no %s after %s", want, command);
        return -1;
    }
    return 0;
}

static int file_has(const char *path, const char *what)
{
    char *s = test_read_file(path);
    int has = s && strstr(s, what) != NULL;
    free(s);
    return has;
}

/* Waits for QEMU to exit (up to `seconds`), then kills it; reaps it. */
static void reap(double seconds)
{
    double deadline = now() + seconds;
    int status;

    if (qemu < 0)
        return;
    while (waitpid(qemu, &status, WNOHANG) == 0) {
        if (now() > deadline) {
            kill(qemu, SIGKILL);
            waitpid(qemu, &status, 0);
            FAIL("QEMU did not exit within %.0f s: killed", seconds);
            break;
        }
        usleep(10000);
    }
    qemu = -1;
}

static int listen_unix(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
        return -1;
    strcpy(sa.sun_path, path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int connect_unix(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    strcpy(sa.sun_path, path);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

static void exec_qemu(const struct qemu_command *cmd, char **env, const char *log)
{
    int out = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    if (out < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
        _exit(126);
    /* The fds the command names stay open across exec. */
    for (size_t i = 0; i < cmd->nfds; i++)
        if (fcntl(cmd->fds[i], F_SETFD, 0) < 0)
            _exit(126);
    execve(cmd->argv[0], cmd->argv, env);
    _exit(127);
}

static int write_master_key(const char *path)
{
    unsigned char key[32];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int ok = fd >= 0 && getrandom(key, sizeof(key), 0) == (ssize_t)sizeof(key) &&
             write(fd, key, sizeof(key)) == (ssize_t)sizeof(key);

    if (fd >= 0)
        close(fd);
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i + 1 < argc && strcmp(argv[i], "-M") == 0; i += 2)
        if (test_env_add_alias(argv[i + 1]) < 0)
            return 2;
    if (i + 3 != argc) {
        fprintf(stderr, "usage: test-qemu-run [-M ALIAS=MACHINE]... DOMAIN.xml PAYLOAD WORK\n");
        return 2;
    }
    const char *payload = argv[i + 1], *work = argv[i + 2];
    char key[4096], mon[4096], log[4096];
    snprintf(key, sizeof(key), "%s/master-key.aes", work);
    snprintf(mon, sizeof(mon), "%s/monitor.sock", work);
    snprintf(log, sizeof(log), "%s/qemu.log", work);

    char *text = test_read_file(argv[i]), *a = text ? replace(text, "@PAYLOAD@", payload) : NULL;
    char *xml = a ? replace(a, "@DIR@", work) : NULL;
    free(text);
    free(a);
    struct dx_def *def = xml ? dx_def_parse_string_env(xml, &test_env) : NULL;
    free(xml);
    if (!def || qemu_validate(def, QEMU_VALIDATE_START) < 0) {
        FAIL("the domain is refused: %s", error_last_message());
        return 1;
    }

    struct qemu_file *files = NULL;
    size_t nfiles = 0;
    int fds[8], monitor = -1, qmp_fd = -1;
    struct qemu_command cmd = {0};
    char **env = qemu_command_env(work);
    const char *serial = NULL;
    if (qemu_command_files(def, &files, &nfiles) < 0 || nfiles < 1 || nfiles > 8) {
        FAIL("the domain has no serial file to watch");
        goto out;
    }
    for (size_t k = 0; k < nfiles; k++)
        if ((fds[k] = open(files[k].path, files[k].flags, files[k].mode)) < 0)
            FAIL("cannot open %s: %s", files[k].path, strerror(errno));
    serial = files[0].path;
    monitor = listen_unix(mon);
    if (failures || monitor < 0 || write_master_key(key) < 0 || !env) {
        FAIL("cannot prepare the start in %s: %s", work, strerror(errno));
        goto out;
    }
    struct qemu_start st = {.master_key = key, .monitor_fd = monitor, .file_fds = fds};
    if (qemu_command_build(def, &st, &cmd) < 0) {
        FAIL("no command: %s", error_last_message());
        goto out;
    }

    double t0 = now();
    qemu = fork();
    if (qemu == 0)
        exec_qemu(&cmd, env, log);
    if (qemu < 0) {
        FAIL("fork: %s", strerror(errno));
        goto out;
    }
    /* The supervisor's end: the monitor is QEMU's now. */
    close(monitor);
    monitor = -1;
    for (size_t k = 0; k < nfiles; k++)
        close(fds[k]);
    nfiles = 0;

    char buf[65536];
    qmp_fd = connect_unix(mon);
    if (qmp_fd < 0 || qmp_wait(qmp_fd, "\"QMP\"", now() + 10, buf, sizeof(buf)) < 0) {
        char *l = test_read_file(log);
        FAIL("no QMP greeting from QEMU; its output:\n%s", l ? l : "(none)");
        free(l);
        goto out;
    }
    if (qmp(qmp_fd, "{\"execute\":\"qmp_capabilities\"}\n", "\"return\"") < 0 ||
        qmp(qmp_fd, "{\"execute\":\"cont\"}\n", "\"return\"") < 0)
        goto out;
    double ready = now();
    while (!file_has(serial, MARKER) && now() < ready + 30)
        usleep(50000);
    if (!file_has(serial, MARKER)) {
        FAIL("no \"%s\" in %s within 30 s of cont", MARKER, serial);
        goto out;
    }
    printf("QMP ready %.0f ms after exec, \"%s\" %.1f s after cont\n", (ready - t0) * 1000,
           MARKER, now() - ready);
    if (qmp(qmp_fd, "{\"execute\":\"quit\"}\n", "\"return\"") < 0)
        goto out;
    reap(10);
out:
    if (qemu > 0) {
        kill(qemu, SIGKILL);
        reap(5);
    }
    if (qmp_fd >= 0)
        close(qmp_fd);
    if (monitor >= 0)
        close(monitor);
    for (size_t k = 0; k < nfiles; k++)
        if (fds[k] >= 0)
            close(fds[k]);
    free(files);
    qemu_command_free(&cmd);
    qemu_command_env_free(env);
    dx_def_free(def);
    test_env_free();
    if (!failures)
        printf("PASS: QEMU ran the payload domain with our command line and quit\n");
    return failures ? 1 : 0;
}

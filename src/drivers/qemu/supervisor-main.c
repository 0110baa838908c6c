/* qemu-supervisor LAUNCH READY_FD: the program that owns one running VM
 * (supervisor.h says what it does and which files it keeps). It is
 * single-threaded: one poll loop over QEMU's monitor, the control socket
 * and its clients, and a signalfd for QEMU's exit. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "qmp.h"
#include "sup-util.h"
#include "supervisor.h"

/* libvirt's values (libvirt-domain.h). */
enum { ST_RUNNING = 1, ST_PAUSED = 3, ST_SHUTOFF = 5 };
enum { RUN_BOOTED = 1, RUN_UNPAUSED = 5, PAUSED_USER = 1, PAUSED_SHUTTING_DOWN = 8 };
enum { OFF_UNKNOWN = 0, OFF_SHUTDOWN = 1, OFF_DESTROYED = 2, OFF_CRASHED = 3, OFF_FAILED = 6 };
enum { EV_STARTED = 2, EV_SUSPENDED = 3, EV_RESUMED = 4, EV_STOPPED = 5, EV_SHUTDOWN = 6 };
enum { EV_STOPPED_SHUTDOWN = 0, EV_STOPPED_DESTROYED = 1, EV_STOPPED_CRASHED = 2,
       EV_STOPPED_FAILED = 5 };
enum { EV_SHUTDOWN_GUEST = 1, EV_SHUTDOWN_HOST = 2 };

#define MAX_CLIENTS 16
#define DESTROY_GRACE_MS 10000

struct client {
    int fd;
    char buf[1024];
    size_t len;
    bool waiting_exit; /* a destroy, answered when QEMU is gone */
    char qmp_id[24];   /* a request waiting for this QMP reply */
    const char *what;  /* that request */
};

struct sup {
    struct sup_launch l;
    char status_path[4096], pid_path[4096], sup_path[4096], launch_path[4096];
    int lock_fd, log_fd, ctl_fd, sig_fd;
    pid_t qemu;
    struct qmp *qmp;
    int state, reason;
    char *ptys;
    bool shutdown_seen;   /* a SHUTDOWN event came (the one libvirt reports) */
    bool guest_shutdown;  /* ... and it was the guest's */
    bool destroying;      /* we sent SIGTERM */
    bool fake_reboot;     /* a virDomainReboot: reset instead of stopping */
    long long kill_at;    /* when SIGKILL follows a destroy's SIGTERM */
    off_t log_start;      /* where QEMU's own output begins in the log */
    struct client clients[MAX_CLIENTS];
    size_t nclients;
};

static void sup_log(struct sup *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sup_log(struct sup *s, const char *fmt, ...)
{
    char line[2048];
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;
    int n;

    if (s->log_fd < 0)
        return;
    gmtime_r(&now, &tm);
    n = (int)strftime(line, sizeof(line), "%Y-%m-%d %H:%M:%S.000+0000: ", &tm);
    va_start(ap, fmt);
    n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(line) - 2)
        n = (int)sizeof(line) - 2;
    line[n++] = '\n';
    if (write(s->log_fd, line, (size_t)n) < 0) {
        /* nowhere else to say it */
    }
}

/* The status file: state, reason, pids, the ptys QEMU gave its chardevs,
 * and the live definition while it runs. */
static void write_status(struct sup *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (!f)
        return;
    fprintf(f, "<domstatus state='%s' reason='%s'", sup_state_name(s->state),
            sup_reason_name(s->state, s->reason));
    if (s->state != ST_SHUTOFF)
        fprintf(f, " pid='%d' supervisor='%d' id='%d'", (int)s->qemu, (int)getpid(), s->l.id);
    fprintf(f, ">\n");
    if (s->state != ST_SHUTOFF) {
        if (s->ptys)
            fprintf(f, "  <ptys>%s</ptys>\n", s->ptys);
        fprintf(f, "%s\n", s->l.domain_xml ? s->l.domain_xml : "");
    }
    fprintf(f, "</domstatus>\n");
    if (fclose(f) == 0 && text && sup_write_file(s->status_path, text, len, 0600) < 0)
        sup_log(s, "cannot write status: %s", error_last_message());
    free(text);
}

static void set_state(struct sup *s, int state, int reason)
{
    s->state = state;
    s->reason = reason;
    write_status(s);
}

/* A lifecycle event, as the driver's journal carries it. */
static void emit(struct sup *s, int event, int detail)
{
    char rec[512];

    if (!s->l.journal_dir)
        return;
    snprintf(rec, sizeof(rec), "lifecycle %d %d %d %s %s", event, detail,
             event == EV_STOPPED ? -1 : s->l.id, s->l.uuid ? s->l.uuid : "-", s->l.name);
    if (sup_journal_append(s->l.journal_dir, rec) < 0)
        sup_log(s, "%s", error_last_message());
}

static void emit_reboot(struct sup *s)
{
    char rec[512];

    if (!s->l.journal_dir)
        return;
    snprintf(rec, sizeof(rec), "reboot %d %s %s", s->l.id, s->l.uuid ? s->l.uuid : "-",
             s->l.name);
    if (sup_journal_append(s->l.journal_dir, rec) < 0)
        sup_log(s, "%s", error_last_message());
}

static void reply(struct client *c, const char *text)
{
    size_t n = strlen(text);
    if (write(c->fd, text, n) != (ssize_t)n || write(c->fd, "\n", 1) != 1) {
        /* the requester is gone: nothing to tell */
    }
}

static void reply_error(struct client *c)
{
    char line[2048];
    sup_error_encode(line, sizeof(line));
    reply(c, line);
}

static void drop_client(struct sup *s, size_t i)
{
    close(s->clients[i].fd);
    s->clients[i] = s->clients[--s->nclients];
}

/* ---- starting QEMU ---- */

static int bind_listen(const char *name, int backlog)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", name);
    unlink(name);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, backlog) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot listen on %s: %s", name,
                     strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static pid_t fork_qemu(struct sup *s, int mon_fd)
{
    pid_t parent = getpid(), pid = fork();

    if (pid != 0)
        return pid;
    /* QEMU dies with its supervisor: no VM is ever left without one. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    dup2(s->log_fd, 1);
    dup2(s->log_fd, 2);
    dup2(mon_fd, SUP_MONITOR_FD);
    closefrom(SUP_MONITOR_FD + 1);
    execv(s->l.argv[0], s->l.argv);
    dprintf(2, "cannot execute %s: %s\n", s->l.argv[0], strerror(errno));
    _exit(127);
}

/* What QEMU wrote to the log in this start (its last 2 KiB at most), for
 * a failed start's message, as libvirt quotes it. */
static void log_tail(struct sup *s, char *out, size_t size)
{
    off_t end = lseek(s->log_fd, 0, SEEK_END), from = s->log_start;
    int fd = open(s->l.log_file ? s->l.log_file : "/dev/null", O_RDONLY | O_CLOEXEC);

    out[0] = '\0';
    if (end - from > (off_t)size - 1)
        from = end - (off_t)size + 1;
    ssize_t n = fd >= 0 && end > from ? pread(fd, out, (size_t)(end - from), from) : 0;
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return;
    out[n] = '\0';
    while (n > 0 && out[n - 1] == '\n')
        out[--n] = '\0';
}

static void on_qmp_event(void *opaque, const struct json *ev);

/* QEMU's pty chardevs, "ALIAS=PATH ..." from query-chardev. */
static void read_ptys(struct sup *s)
{
    struct json *r = NULL;
    char *out = NULL;
    size_t len = 0;

    if (qmp_command(s->qmp, "query-chardev", NULL, clock_mono_ms() + 10000, on_qmp_event, s,
                    &r) < 0)
        return;
    const struct json *list = json_get(r, "return");
    FILE *f = open_memstream(&out, &len);
    for (size_t i = 0; f && list && list->type == JSON_ARRAY && i < list->n; i++) {
        const char *label = json_get_string(list->items[i], "label");
        const char *file = json_get_string(list->items[i], "filename");
        if (label && file && strncmp(file, "pty:", 4) == 0)
            fprintf(f, "%s%s=%s", len || ftell(f) ? " " : "", label, file + 4);
    }
    if (f)
        fclose(f);
    free(s->ptys);
    s->ptys = out && *out ? out : NULL;
    if (s->ptys != out)
        free(out);
    json_free(r);
}

/* Starts QEMU and brings it to running. 0, or -1 with the error recorded
 * (QEMU killed and reaped). */
static int start_qemu(struct sup *s)
{
    int mon = bind_listen("monitor.sock", 1);
    if (mon < 0)
        return -1;
    sup_log(s, "starting up libvirt-remote qemu supervisor, domain %s", s->l.name);
    {
        char line[8192];
        size_t at = 0;
        for (size_t i = 0; i < s->l.argc && at < sizeof(line) - 2; i++)
            at += (size_t)snprintf(line + at, sizeof(line) - at, "%s%s", i ? " \\\n" : "",
                                   s->l.argv[i]);
        if (write(s->log_fd, line, strlen(line)) < 0 || write(s->log_fd, "\n", 1) < 0) {
            /* a log we cannot write does not stop the VM */
        }
        s->log_start = lseek(s->log_fd, 0, SEEK_END);
    }
    s->qemu = fork_qemu(s, mon);
    if (s->qemu < 0) {
        close(mon);
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot fork: %s", strerror(errno));
        return -1;
    }
    /* QEMU listens on the socket we bound: our connect is queued at once
     * and accepted when its monitor is up. */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = "monitor.sock"};
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot connect to the monitor: %s",
                     strerror(errno));
        close(mon);
        goto fail;
    }
    close(mon);
    s->qmp = qmp_new(fd);
    if (!s->qmp || qmp_handshake(s->qmp, clock_mono_ms() + 30000, on_qmp_event, s) < 0)
        goto fail;
    read_ptys(s);
    if (!s->l.start_paused &&
        qmp_command(s->qmp, "cont", NULL, clock_mono_ms() + 30000, on_qmp_event, s, NULL) < 0)
        goto fail;
    return 0;
fail:;
    char tail[2048];
    kill(s->qemu, SIGKILL);
    while (waitpid(s->qemu, NULL, 0) < 0 && errno == EINTR)
        ;
    s->qemu = 0;
    log_tail(s, tail, sizeof(tail));
    if (*tail)
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "qemu unexpectedly closed the monitor: %s",
                     tail);
    return -1;
}

/* ---- QMP events ---- */

static void on_qmp_event(void *opaque, const struct json *ev)
{
    struct sup *s = opaque;
    const char *name = json_get_string(ev, "event");
    const struct json *data = json_get(ev, "data");

    if (!name)
        return;
    if (strcmp(name, "SHUTDOWN") == 0) {
        bool guest = json_get_bool(data, "guest", false);
        if (s->fake_reboot && guest) {
            /* virDomainReboot through ACPI: the guest powered off, and is
             * reset and started again instead. */
            s->fake_reboot = false;
            qmp_send(s->qmp, "system_reset", NULL, NULL);
            qmp_send(s->qmp, "cont", NULL, NULL);
            return; /* its RESET event is the reboot event */
        }
        if (s->shutdown_seen)
            return;
        s->shutdown_seen = true;
        s->guest_shutdown = guest;
        emit(s, EV_SHUTDOWN, guest ? EV_SHUTDOWN_GUEST : EV_SHUTDOWN_HOST);
        if (guest && s->state != ST_SHUTOFF) {
            /* QEMU runs with -no-shutdown: it stops and waits for us. */
            const char *act = s->l.on_poweroff ? s->l.on_poweroff : "destroy";
            if (strcmp(act, "restart") == 0) {
                s->shutdown_seen = false;
                qmp_send(s->qmp, "system_reset", NULL, NULL);
                qmp_send(s->qmp, "cont", NULL, NULL);
            } else if (strcmp(act, "preserve") != 0) {
                kill(s->qemu, SIGTERM);
                s->kill_at = clock_mono_ms() + DESTROY_GRACE_MS;
            }
        }
    } else if (strcmp(name, "RESET") == 0) {
        /* Whoever reset it, the guest or a virsh reset (host-qmp-system-reset),
         * libvirt reports a reboot. */
        emit_reboot(s);
    }
}

/* ---- control requests ---- */

static void qmp_request(struct sup *s, struct client *c, const char *cmd, const char *what)
{
    if (!s->qmp || qmp_send(s->qmp, cmd, NULL, c->qmp_id) < 0) {
        reply_error(c);
        return;
    }
    c->what = what;
}

static void handle_request(struct sup *s, struct client *c, const char *req)
{
    if (strcmp(req, "suspend") == 0) {
        qmp_request(s, c, "stop", "suspend");
    } else if (strcmp(req, "resume") == 0) {
        qmp_request(s, c, "cont", "resume");
    } else if (strcmp(req, "powerdown") == 0) {
        qmp_request(s, c, "system_powerdown", "powerdown");
    } else if (strcmp(req, "reboot") == 0) {
        s->fake_reboot = true;
        qmp_request(s, c, "system_powerdown", "reboot");
    } else if (strcmp(req, "reset") == 0) {
        qmp_request(s, c, "system_reset", "reset");
    } else if (strcmp(req, "query-balloon") == 0) {
        qmp_request(s, c, "query-balloon", "query");
    } else if (strcmp(req, "destroy") == 0 || strcmp(req, "destroy-graceful") == 0) {
        c->waiting_exit = true;
        if (!s->destroying) {
            s->destroying = true;
            kill(s->qemu, SIGTERM);
            s->kill_at = strcmp(req, "destroy") == 0 ? clock_mono_ms() + DESTROY_GRACE_MS : -1;
        }
    } else {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "unknown supervisor request '%s'", req);
        reply_error(c);
    }
}

/* A QMP reply to a client's request. */
static void on_qmp_reply(struct sup *s, struct json *m)
{
    const char *id = json_get_string(m, "id");

    for (size_t i = 0; id && i < s->nclients; i++) {
        struct client *c = &s->clients[i];
        if (!c->what || strcmp(c->qmp_id, id) != 0)
            continue;
        const struct json *err = json_get(m, "error");
        if (err) {
            const char *desc = json_get_string(err, "desc");
            error_report(ERR_OPERATION_FAILED, FROM_QEMU, "%s", desc ? desc : "QEMU error");
            reply_error(c);
        } else if (strcmp(c->what, "suspend") == 0) {
            if (s->state != ST_PAUSED) {
                set_state(s, ST_PAUSED, PAUSED_USER);
                emit(s, EV_SUSPENDED, 0);
            }
            reply(c, "ok");
        } else if (strcmp(c->what, "resume") == 0) {
            if (s->state != ST_RUNNING) {
                set_state(s, ST_RUNNING, RUN_UNPAUSED);
                emit(s, EV_RESUMED, 0);
            }
            reply(c, "ok");
        } else if (strcmp(c->what, "query") == 0) {
            char *text = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&text, &len);
            const struct json *ret = json_get(m, "return");
            if (f) {
                fprintf(f, "ok actual=%lld", (long long)json_get_int(ret, "actual", -1));
                fclose(f);
            }
            reply(c, text ? text : "ok");
            free(text);
        } else {
            reply(c, "ok");
        }
        c->what = NULL;
        drop_client(s, i);
        return;
    }
}

static void read_client(struct sup *s, size_t i)
{
    struct client *c = &s->clients[i];
    ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);

    if (n <= 0) {
        drop_client(s, i);
        return;
    }
    c->len += (size_t)n;
    char *nl = memchr(c->buf, '\n', c->len);
    if (!nl) {
        if (c->len >= sizeof(c->buf) - 1)
            drop_client(s, i);
        return;
    }
    *nl = '\0';
    handle_request(s, c, c->buf);
    c->len = 0;
    if (!c->what && !c->waiting_exit)
        drop_client(s, i);
}

/* ---- QEMU's end ---- */

static void finish(struct sup *s, int wstatus)
{
    int reason, detail;

    if (s->destroying) {
        reason = OFF_DESTROYED;
        detail = EV_STOPPED_DESTROYED;
    } else if (s->guest_shutdown) {
        reason = OFF_SHUTDOWN;
        detail = EV_STOPPED_SHUTDOWN;
    } else {
        reason = OFF_CRASHED;
        detail = EV_STOPPED_FAILED;
    }
    if (s->destroying && !s->shutdown_seen)
        emit(s, EV_SHUTDOWN, EV_SHUTDOWN_HOST);
    sup_log(s, "shutting down, reason=%s",
            reason == OFF_DESTROYED ? "destroyed"
            : reason == OFF_SHUTDOWN ? "shutdown"
                                     : "crashed");
    if (WIFSIGNALED(wstatus) && !s->destroying)
        sup_log(s, "qemu was killed by signal %d", WTERMSIG(wstatus));
    s->qemu = 0;
    qmp_free(s->qmp);
    s->qmp = NULL;
    unlink(s->pid_path);
    unlink("monitor.sock");
    unlink("control.sock");
    set_state(s, ST_SHUTOFF, reason);
    emit(s, EV_STOPPED, detail);
    for (size_t i = 0; i < s->nclients; i++)
        if (s->clients[i].waiting_exit)
            reply(&s->clients[i], "ok");
        else if (s->clients[i].what) {
            error_report(ERR_OPERATION_FAILED, FROM_QEMU, "%s", "domain is not running");
            reply_error(&s->clients[i]);
        }
    if (chdir("/") == 0)
        rmdir(s->l.dom_dir);
    unlink(s->launch_path);
}

/* ---- main ---- */

static void tell(int fd, const char *line)
{
    if (fd < 0)
        return;
    if (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0) {
        /* the starter went away; carry on */
    }
    close(fd);
}

static void loop(struct sup *s)
{
    for (;;) {
        struct pollfd p[3 + MAX_CLIENTS];
        int n = 0, timeout = -1;
        p[n++] = (struct pollfd){.fd = s->sig_fd, .events = POLLIN};
        p[n++] = (struct pollfd){.fd = s->ctl_fd, .events = s->nclients < MAX_CLIENTS ? POLLIN : 0};
        p[n++] = (struct pollfd){.fd = s->qmp ? qmp_fd(s->qmp) : -1, .events = POLLIN};
        for (size_t i = 0; i < s->nclients; i++)
            p[n++] = (struct pollfd){.fd = s->clients[i].fd, .events = POLLIN};
        if (s->kill_at > 0) {
            long long left = s->kill_at - clock_mono_ms();
            timeout = left < 0 ? 0 : (int)left;
        }
        if (poll(p, (nfds_t)n, timeout) < 0 && errno != EINTR)
            return;
        if (s->kill_at > 0 && clock_mono_ms() >= s->kill_at && s->qemu > 0) {
            kill(s->qemu, SIGKILL);
            s->kill_at = 0;
        }
        if (p[0].revents) {
            struct signalfd_siginfo si;
            while (read(s->sig_fd, &si, sizeof(si)) == sizeof(si)) {
                if (si.ssi_signo == SIGTERM && s->qemu > 0 && !s->destroying) {
                    /* Asked to stop: the VM goes as with a destroy. */
                    s->destroying = true;
                    kill(s->qemu, SIGTERM);
                    s->kill_at = clock_mono_ms() + DESTROY_GRACE_MS;
                }
            }
            int ws;
            if (s->qemu > 0 && waitpid(s->qemu, &ws, WNOHANG) == s->qemu) {
                /* Events still queued on the monitor come first. */
                if (s->qmp) {
                    qmp_fill(s->qmp);
                    struct json *m;
                    while ((m = qmp_next(s->qmp))) {
                        if (json_get(m, "event"))
                            on_qmp_event(s, m);
                        json_free(m);
                    }
                }
                finish(s, ws);
                return;
            }
        }
        if (p[2].revents && s->qmp) {
            if (qmp_fill(s->qmp) < 0) {
                /* The monitor closed: QEMU is going; its exit follows. */
                qmp_free(s->qmp);
                s->qmp = NULL;
            }
            struct json *m;
            while (s->qmp && (m = qmp_next(s->qmp))) {
                if (json_get(m, "event"))
                    on_qmp_event(s, m);
                else
                    on_qmp_reply(s, m);
                json_free(m);
            }
        }
        for (size_t i = s->nclients; i-- > 0;)
            if (p[3 + i].revents)
                read_client(s, i);
        if (p[1].revents & POLLIN) {
            int fd = accept4(s->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
            if (fd >= 0 && s->nclients < MAX_CLIENTS)
                s->clients[s->nclients++] = (struct client){.fd = fd};
            else if (fd >= 0)
                close(fd);
        }
    }
}

/* The connection process that started us lowered its soft limits
 * (connection_memory_limit, connection_tasks_limit); a VM gets the hard
 * ones back. */
static void restore_limits(void)
{
    static const int which[] = {RLIMIT_AS, RLIMIT_NPROC, RLIMIT_DATA};
    for (size_t i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
        struct rlimit rl;
        if (getrlimit(which[i], &rl) == 0 && rl.rlim_cur != rl.rlim_max) {
            rl.rlim_cur = rl.rlim_max;
            setrlimit(which[i], &rl);
        }
    }
}

int sup_main(int argc, char **argv)
{
    struct sup s = {.lock_fd = -1, .log_fd = -1, .ctl_fd = -1, .sig_fd = -1};
    int ready = argc > 2 ? atoi(argv[2]) : -1;
    char line[4096];

    restore_limits();
    if (argc < 2 || sup_launch_read(argv[1], &s.l) < 0) {
        sup_error_encode(line, sizeof(line));
        tell(ready, line);
        return 1;
    }
    snprintf(s.launch_path, sizeof(s.launch_path), "%s", argv[1]);
    snprintf(s.status_path, sizeof(s.status_path), "%s/%s.xml", s.l.run_dir, s.l.name);
    snprintf(s.pid_path, sizeof(s.pid_path), "%s/%s.pid", s.l.run_dir, s.l.name);
    snprintf(s.sup_path, sizeof(s.sup_path), "%s/%s.sup", s.l.run_dir, s.l.name);
    /* The starter handed over its locks: the supervisor lock, held for
     * life, and the job lock, let go once the VM runs. */
    int job_fd = argc > 4 ? atoi(argv[4]) : -1;
    s.lock_fd = argc > 3 ? atoi(argv[3]) : sup_lock_take(s.sup_path);
    if (s.lock_fd < 0) {
        error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s", "domain is already running");
        goto fail;
    }
    s.log_fd = open(s.l.log_file ? s.l.log_file : "/dev/null",
                    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (mkdir(s.l.dom_dir, 0750) < 0 && errno != EEXIST) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot create %s: %s", s.l.dom_dir,
                     strerror(errno));
        goto fail;
    }
    if (chdir(s.l.dom_dir) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot enter %s: %s", s.l.dom_dir,
                     strerror(errno));
        goto fail;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    s.sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    s.ctl_fd = bind_listen("control.sock", 16);
    if (s.sig_fd < 0 || s.ctl_fd < 0 || start_qemu(&s) < 0)
        goto fail;
    snprintf(line, sizeof(line), "%d", (int)s.qemu);
    sup_write_file(s.pid_path, line, strlen(line), 0644);
    if (s.l.start_paused) {
        set_state(&s, ST_PAUSED, PAUSED_USER);
        emit(&s, EV_STARTED, 0);
        emit(&s, EV_SUSPENDED, 0);
    } else {
        set_state(&s, ST_RUNNING, RUN_BOOTED);
        emit(&s, EV_RESUMED, 0);
        emit(&s, EV_STARTED, 0);
    }
    tell(ready, "ok");
    if (job_fd >= 0)
        close(job_fd);
    loop(&s);
    sup_launch_clear(&s.l);
    free(s.ptys);
    return 0;
fail:
    sup_error_encode(line, sizeof(line));
    if (s.lock_fd >= 0) {
        /* A start that failed leaves the domain shut off (failed). */
        s.state = ST_SHUTOFF;
        s.reason = OFF_FAILED;
        write_status(&s);
        unlink("monitor.sock");
        unlink("control.sock");
        if (chdir("/") == 0)
            rmdir(s.l.dom_dir);
        unlink(s.launch_path);
    }
    sup_log(&s, "start failed: %s", error_last_message());
    tell(ready, line);
    return 1;
}

int main(int argc, char **argv)
{
    return sup_main(argc, argv);
}

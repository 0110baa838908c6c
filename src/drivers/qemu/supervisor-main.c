/* qemu-supervisor LAUNCH READY_FD: the program that owns one running VM
 * (supervisor.h says what it does and which files it keeps). It is
 * single-threaded: one poll loop over QEMU's monitor, the control socket
 * and its clients, and a signalfd for QEMU's exit. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "command.h"
#include "conf/domain_xml.h"
#include "error.h"
#include "qmp.h"
#include "state/file.h"
#include "state/journal.h"
#include "state/lock.h"
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
    char status_path[4096], pid_path[4096], sup_path[4096];
    int lock_fd, log_fd, ctl_fd, sig_fd;
    pid_t qemu;
    struct qmp *qmp;
    struct state_journal *journal; /* opened at the first event */
    int state, reason;
    struct dx_def *def;   /* the definition it runs (l.domain_xml) */
    char *live_xml;       /* its live XML (dx_def_format_live) once QEMU runs */
    char *inactive_xml;   /* the same without the run's id and ptys */
    char **serial_ptys;   /* per serial of def: the pty QEMU opened, or NULL */
    char **tap_names;     /* per interface of def: its tap device, or NULL */
    int vnc_port;         /* an autoport display's */
    char *ptys;
    bool shutdown_seen;   /* a SHUTDOWN event came (the one libvirt reports) */
    bool guest_shutdown;  /* ... and QEMU is stopped for it: a shutdown */
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
    struct timespec ts;
    struct tm tm;
    va_list ap;
    int n;

    if (s->log_fd < 0)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    n = (int)strftime(line, sizeof(line), "%Y-%m-%d %H:%M:%S", &tm);
    n += snprintf(line + n, sizeof(line) - (size_t)n, ".%03ld+0000: ", ts.tv_nsec / 1000000);
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

/* The status file (supervisor.h): state, reason, pids, the ptys QEMU gave
 * its chardevs, and while it runs the live XML and the definition. */
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
        if (s->live_xml)
            fprintf(f, "%s", s->live_xml);
        if (s->live_xml && s->inactive_xml)
            fprintf(f, "<inactive>\n%s</inactive>\n", s->inactive_xml);
        fprintf(f, "<config>\n%s</config>\n", s->l.domain_xml ? s->l.domain_xml : "");
    }
    fprintf(f, "</domstatus>\n");
    if (fclose(f) == 0 && text && state_file_write_runtime(s->status_path, text, len, 0600) < 0)
        sup_log(s, "cannot write status: %s", error_last_message());
    free(text);
}

static void set_state(struct sup *s, int state, int reason)
{
    s->state = state;
    s->reason = reason;
    write_status(s);
}

/* Appends one record (sup-util.h) to the driver's journal. */
static void journal_append(struct sup *s, const char *rec)
{
    if (!s->l.journal_dir)
        return;
    if ((s->journal || sup_journal_open(s->l.journal_dir, &s->journal) == 0) &&
        state_journal_append(s->journal, rec, strlen(rec), NULL, NULL, NULL) == 0)
        return;
    sup_log(s, "cannot record an event: %s", error_last_message());
    error_clear();
}

/* A lifecycle event, as the driver's journal carries it. */
static void emit(struct sup *s, int event, int detail)
{
    char rec[SUP_RECORD_MAX];

    snprintf(rec, sizeof(rec), "lifecycle %d %d %d %s %s", event, detail,
             event == EV_STOPPED ? -1 : s->l.id, s->l.uuid ? s->l.uuid : "-", s->l.name);
    journal_append(s, rec);
}

static void emit_reboot(struct sup *s)
{
    char rec[SUP_RECORD_MAX];

    snprintf(rec, sizeof(rec), "reboot %d %s %s", s->l.id, s->l.uuid ? s->l.uuid : "-",
             s->l.name);
    journal_append(s, rec);
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

/* Closes every fd from 3 on but the keep ones (which lose FD_CLOEXEC). */
static int keep_only(const int *keep, size_t n)
{
    unsigned int from = 3;

    for (;;) {
        int next = -1;
        for (size_t i = 0; i < n; i++)
            if (keep[i] >= (int)from && (next < 0 || keep[i] < next))
                next = keep[i];
        if (next < 0)
            break;
        if ((unsigned int)next > from && close_range(from, (unsigned int)next - 1, 0) < 0)
            return -1;
        if (fcntl(next, F_SETFD, 0) < 0)
            return -1;
        from = (unsigned int)next + 1;
    }
    return close_range(from, ~0u, 0);
}

/* QEMU, as command.h says: with the fds the command names, as they are,
 * and libvirt's environment. */
static pid_t fork_qemu(struct sup *s, const struct qemu_command *cmd, char **env)
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
    signal(SIGPIPE, SIG_DFL);
    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, 0) < 0 || dup2(s->log_fd, 1) < 0 || dup2(s->log_fd, 2) < 0 ||
        keep_only(cmd->fds, cmd->nfds) < 0) {
        dprintf(s->log_fd, "cannot prepare QEMU's fds: %s\n", strerror(errno));
        _exit(126);
    }
    execve(cmd->argv[0], cmd->argv, env);
    dprintf(2, "cannot execute %s: %s\n", cmd->argv[0], strerror(errno));
    _exit(127);
}

/* The master key: 32 random bytes, 0600, in the domain's directory. */
static int write_master_key(const char *path)
{
    unsigned char key[32];
    size_t got = 0;

    while (got < sizeof(key)) {
        ssize_t n = getrandom(key + got, sizeof(key) - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "unable to generate the master key: %s",
                         strerror(errno));
            return -1;
        }
        got += (size_t)n;
    }
    int r = state_file_write_runtime(path, key, sizeof(key), 0600);
    explicit_bzero(key, sizeof(key));
    return r;
}

/* A tap device for a type='ethernet' interface, as libvirt makes one:
 * vnetN, up, its MAC the guest's with 0xfe first. The fd, its name in
 * name (IFNAMSIZ), or -1 with the error recorded. */
static int open_tap(const struct dx_net *n, char *name)
{
    struct ifreq ifr = {0};
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "Unable to open /dev/net/tun: %s",
                     strerror(errno));
        return -1;
    }
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (strcmp(n->model, "virtio") == 0 ? IFF_VNET_HDR : 0);
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "vnet%%d");
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "Unable to create tap device: %s",
                     strerror(errno));
        close(fd);
        return -1;
    }
    snprintf(name, IFNAMSIZ, "%s", ifr.ifr_name);
    int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq mac = {0};
    snprintf(mac.ifr_name, sizeof(mac.ifr_name), "%s", name);
    mac.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
    memcpy(mac.ifr_hwaddr.sa_data, n->mac, 6);
    mac.ifr_hwaddr.sa_data[0] = (char)0xfe;
    struct ifreq up = {0};
    snprintf(up.ifr_name, sizeof(up.ifr_name), "%s", name);
    int ok = sk >= 0 && ioctl(sk, SIOCSIFHWADDR, &mac) == 0 &&
             ioctl(sk, SIOCGIFFLAGS, &up) == 0 && (up.ifr_flags |= IFF_UP, 1) &&
             ioctl(sk, SIOCSIFFLAGS, &up) == 0;
    if (!ok) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "Unable to set up tap device %s: %s", name,
                     strerror(errno));
        close(fd);
        fd = -1;
    }
    if (sk >= 0)
        close(sk);
    return fd;
}

/* The first VNC port from 5900 nobody listens on, as libvirt's allocator
 * picks it (the display binds it a moment later). */
static int free_vnc_port(void)
{
    for (int port = 5900; port < 65536; port++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        if (fd < 0)
            break;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
        close(fd);
        if (r == 0)
            return port;
    }
    error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "%s", "Unable to find an unused port in range "
                                                      "'display' (5900-65535)");
    return -1;
}

/* What libvirt writes first in the domain's log at a start. */
static void log_start(struct sup *s, char *const *env, const struct qemu_command *cmd)
{
    struct utsname u;
    char host[256] = "";

    if (uname(&u) < 0)
        snprintf(u.release, sizeof(u.release), "unknown");
    gethostname(host, sizeof(host) - 1);
    sup_log(s, "starting up libvirt version: 9.0.0, package: libvirt-remote, kernel: %s, "
               "hostname: %s",
            u.release, host);
    char *text = qemu_command_format(env, cmd);
    if (text && write(s->log_fd, text, strlen(text)) < 0) {
        /* a log we cannot write does not stop the VM */
    }
    free(text);
    if (geteuid() == 0)
        sup_log(s, "Domain id=%d is tainted: high-privileges", s->l.id);
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

/* QEMU's pty chardevs from query-chardev: "LABEL=PATH ..." for the status,
 * and per serial of def (chardev "char" + its alias) for the live XML. */
static void read_ptys(struct sup *s)
{
    struct json *r = NULL;
    char *out = NULL;
    size_t len = 0;

    if (qmp_command(s->qmp, "query-chardev", NULL, clock_mono_ms() + 10000, on_qmp_event, s,
                    &r) < 0) {
        error_clear();
        return;
    }
    const struct json *list = json_get(r, "return");
    FILE *f = open_memstream(&out, &len);
    for (size_t i = 0; f && list && list->type == JSON_ARRAY && i < list->n; i++) {
        const char *label = json_get_string(list->items[i], "label");
        const char *file = json_get_string(list->items[i], "filename");
        if (!label || !file || strncmp(file, "pty:", 4) != 0)
            continue;
        fprintf(f, "%s%s=%s", ftell(f) ? " " : "", label, file + 4);
        for (size_t k = 0; s->def && k < s->def->nserials; k++) {
            char alias[64];
            dx_alias(s->def, DX_DEV_SERIAL, k, alias, sizeof(alias));
            if (strncmp(label, "char", 4) == 0 && strcmp(label + 4, alias) == 0 &&
                !s->serial_ptys[k])
                s->serial_ptys[k] = strdup(file + 4);
        }
    }
    if (f)
        fclose(f);
    free(s->ptys);
    s->ptys = out && *out ? out : NULL;
    if (s->ptys != out)
        free(out);
    json_free(r);
}

/* The live XML, from the definition and what this run gave it. */
static int make_live(struct sup *s)
{
    struct dx_live live = {
        .id = s->l.id,
        .serial_ptys = (const char *const *)s->serial_ptys,
        .net_ifnames = (const char *const *)s->tap_names,
        .vnc_port = s->vnc_port,
        .uid = (unsigned int)geteuid(),
        .gid = (unsigned int)getegid(),
    };
    char *x = dx_def_format_live(s->def, &live);
    /* What libvirt formats as a transient running domain's inactive XML:
     * the live one but for the id and the ptys. */
    live.id = -1;
    live.serial_ptys = NULL;
    char *y = x ? dx_def_format_live(s->def, &live) : NULL;
    if (!y) {
        free(x);
        return -1;
    }
    free(s->live_xml);
    free(s->inactive_xml);
    s->live_xml = x;
    s->inactive_xml = y;
    return 0;
}

/* Starts QEMU and brings it to running: command.h's steps. 0, or -1 with
 * the error recorded (QEMU killed and reaped). */

/* Whether the qcow2 image at path names a backing file (its header's
 * backing_file_offset): the command line says "backing":null for every
 * qcow2 disk, which would hide the backing file's data from the guest. */
static int has_backing(const char *path)
{
    unsigned char h[16];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY), backed = 0;
    if (fd < 0)
        return 0;
    if (pread(fd, h, sizeof(h), 0) == (ssize_t)sizeof(h) && memcmp(h, "QFI\xfb", 4) == 0)
        for (int k = 8; k < 16; k++)
            backed |= h[k] != 0;
    close(fd);
    return backed;
}

static int start_qemu(struct sup *s)
{
    static const struct dx_env stored = {.driver = DX_DRIVER_QEMU};
    struct qemu_file *files = NULL;
    size_t nfiles = 0;
    int *fds = NULL, *taps = NULL, mon = -1, r = -1;
    struct qemu_command cmd = {0};
    char **env = NULL, key[4096];

    /* The definition the connection checked, as it was defined. */
    if (!(s->def = dx_def_parse_string_env(s->l.domain_xml, &stored)) ||
        sup_launch_apply_volumes(s->l.volumes, s->def) < 0 ||
        qemu_validate(s->def, QEMU_VALIDATE_START) < 0)
        goto out;
    s->serial_ptys = calloc(s->def->nserials + 1, sizeof(char *));
    s->tap_names = calloc(s->def->nnets + 1, sizeof(char *));
    taps = calloc(s->def->nnets + 1, sizeof(int));
    if (!s->serial_ptys || !s->tap_names || !taps)
        goto nomem;
    for (size_t i = 0; i < s->def->nnets; i++)
        taps[i] = -1;
    /* The files QEMU writes, opened here and passed. */
    if (qemu_command_files(s->def, &files, &nfiles) < 0)
        goto out;
    if (!(fds = calloc(nfiles + 1, sizeof(int))))
        goto nomem;
    for (size_t i = 0; i < nfiles; i++)
        fds[i] = -1;
    for (size_t i = 0; i < nfiles; i++)
        if ((fds[i] = open(files[i].path, files[i].flags, files[i].mode)) < 0) {
            error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "Failed to create file '%s': %s",
                         files[i].path, strerror(errno));
            goto out;
        }
    /* What QEMU is to read must be there, as libvirt checks it (in this
     * order, after the serial files) before it runs QEMU. */
    struct stat sb;
    for (size_t i = 0; i < s->def->ndisks; i++) {
        const struct dx_disk *d = &s->def->disks[i];
        const char *file = d->src ? d->src : d->vol_path;
        if (file && stat(file, &sb) < 0) {
            error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "Cannot access storage file '%s': %s",
                         file, strerror(errno));
            goto out;
        }
        if (file && d->drv_type && strcmp(d->drv_type, "qcow2") == 0 && has_backing(file)) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                         "disk '%s': the qcow2 image '%s' has a backing file, and backing "
                         "chains are not supported by this QEMU driver",
                         d->dst, file);
            goto out;
        }
    }
    const char *boot_files[] = {s->def->kernel, s->def->initrd};
    for (size_t i = 0; i < 2; i++)
        if (boot_files[i] && stat(boot_files[i], &sb) < 0) {
            error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "unable to stat: %s: %s", boot_files[i],
                         strerror(errno));
            goto out;
        }
    for (size_t i = 0; i < s->def->nnets; i++) {
        if (strcmp(s->def->nets[i].type, "ethernet") != 0)
            continue;
        char name[IFNAMSIZ];
        if ((taps[i] = open_tap(&s->def->nets[i], name)) < 0)
            goto out;
        if (!(s->tap_names[i] = strdup(name)))
            goto nomem;
    }
    for (size_t i = 0; i < s->def->ngraphics; i++)
        if (s->def->graphics[i].autoport && (s->vnc_port = free_vnc_port()) < 0)
            goto out;
    snprintf(key, sizeof(key), "%s/master-key.aes", s->l.dom_dir);
    if (write_master_key(key) < 0 || (mon = bind_listen("monitor.sock", 1)) < 0)
        goto out;
    struct qemu_start st = {
        .master_key = key,
        .monitor_fd = mon,
        .file_fds = fds,
        .tap_fds = taps,
        .vnc_port = s->vnc_port,
    };
    if (qemu_command_build(s->def, &st, &cmd) < 0)
        goto out;
    if (!(env = qemu_command_env(s->l.dom_dir)))
        goto nomem;
    log_start(s, env, &cmd);
    s->log_start = lseek(s->log_fd, 0, SEEK_END);
    s->qemu = fork_qemu(s, &cmd, env);
    if (s->qemu < 0) {
        s->qemu = 0;
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot fork: %s", strerror(errno));
        goto out;
    }
    /* What QEMU has now is its own. */
    for (size_t i = 0; i < nfiles; i++) {
        close(fds[i]);
        fds[i] = -1;
    }
    for (size_t i = 0; i < s->def->nnets; i++)
        if (taps[i] >= 0) {
            close(taps[i]);
            taps[i] = -1;
        }
    /* QEMU listens on the socket we bound: our connect is queued at once
     * and accepted when its monitor is up. */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = "monitor.sock"};
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot connect to the monitor: %s",
                     strerror(errno));
        if (fd >= 0)
            close(fd);
        goto fail;
    }
    close(mon);
    mon = -1;
    s->qmp = qmp_new(fd);
    if (!s->qmp || qmp_handshake(s->qmp, clock_mono_ms() + 30000, on_qmp_event, s) < 0)
        goto fail;
    read_ptys(s);
    const char *reboot = qemu_command_reboot_action(s->def);
    if (reboot) {
        char args[64];
        snprintf(args, sizeof(args), "{\"reboot\":\"%s\"}", reboot);
        if (qmp_command(s->qmp, "set-action", args, clock_mono_ms() + 30000, on_qmp_event, s,
                        NULL) < 0)
            goto fail;
    }
    if (make_live(s) < 0)
        goto fail;
    if (!s->l.start_paused &&
        qmp_command(s->qmp, "cont", NULL, clock_mono_ms() + 30000, on_qmp_event, s, NULL) < 0)
        goto fail;
    r = 0;
    goto out;
nomem:
    error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    goto out;
fail:;
    char tail[2048];
    kill(s->qemu, SIGKILL);
    while (waitpid(s->qemu, NULL, 0) < 0 && errno == EINTR)
        ;
    s->qemu = 0;
    qmp_free(s->qmp);
    s->qmp = NULL;
    log_tail(s, tail, sizeof(tail));
    if (*tail)
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU,
                     "process exited while connecting to monitor: %s", tail);
out:
    if (mon >= 0)
        close(mon);
    for (size_t i = 0; fds && i < nfiles; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    for (size_t i = 0; taps && s->def && i < s->def->nnets; i++)
        if (taps[i] >= 0)
            close(taps[i]);
    free(fds);
    free(taps);
    free(files);
    qemu_command_free(&cmd);
    qemu_command_env_free(env);
    return r;
}

/* ---- QMP events ---- */

static bool on_poweroff_restart(const struct sup *s)
{
    return s->l.on_poweroff && strcmp(s->l.on_poweroff, "restart") == 0;
}

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
        if (on_poweroff_restart(s)) {
            /* libvirt's fake reboot: reset and run again, and no Shutdown
             * event for it (nor for the SHUTDOWN of a destroy, then). */
            if (!s->destroying && s->state != ST_SHUTOFF) {
                qmp_send(s->qmp, "system_reset", NULL, NULL);
                qmp_send(s->qmp, "cont", NULL, NULL);
            }
            return;
        }
        if (s->shutdown_seen)
            return;
        s->shutdown_seen = true;
        emit(s, EV_SHUTDOWN, guest ? EV_SHUTDOWN_GUEST : EV_SHUTDOWN_HOST);
        if (!s->destroying && s->state != ST_SHUTOFF) {
            /* QEMU runs with -no-shutdown: it stops and waits for us. As
             * libvirt, whoever asked for it (the guest, a reset turned
             * into a shutdown by set-action, a SIGTERM from elsewhere):
             * the domain shuts down. */
            const char *act = s->l.on_poweroff ? s->l.on_poweroff : "destroy";
            if (strcmp(act, "preserve") != 0) {
                s->guest_shutdown = true;
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

static void qmp_request_args(struct sup *s, struct client *c, const char *cmd,
                             const char *args, const char *what)
{
    if (!s->qmp) {
        /* The monitor is gone: QEMU is going. */
        error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s", "domain is not running");
        reply_error(c);
        error_clear();
        return;
    }
    if (qmp_send(s->qmp, cmd, args, c->qmp_id) < 0) {
        reply_error(c);
        error_clear();
        return;
    }
    c->what = what;
}

static void qmp_request(struct sup *s, struct client *c, const char *cmd, const char *what)
{
    qmp_request_args(s, c, cmd, NULL, what);
}

/* "screendump FILE": QEMU writes the screen as PNG to FILE in the domain's
 * directory, a name of libvirt's form (qemu.screendump.XXXXXX) the
 * connection made there; nothing else is written. */
static void screendump(struct sup *s, struct client *c, const char *file)
{
    static const char prefix[] = "qemu.screendump.";
    char args[4200];
    size_t n = strlen(prefix);

    if (strncmp(file, prefix, n) != 0 || strlen(file) != n + 6 ||
        strspn(file + n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != 6) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "bad screendump file '%s'", file);
        reply_error(c);
        error_clear();
        return;
    }
    snprintf(args, sizeof(args), "{\"filename\":\"%s/%s\",\"format\":\"png\"}", s->l.dom_dir,
             file);
    qmp_request_args(s, c, "screendump", args, "screendump");
}

static void handle_request(struct sup *s, struct client *c, const char *req)
{
    if (strncmp(req, "screendump ", 11) == 0) {
        screendump(s, c, req + 11);
    } else if (strcmp(req, "suspend") == 0) {
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
            if (strcmp(c->what, "screendump") == 0)
                /* libvirt's words for a command it sent itself. */
                error_report(ERR_INTERNAL_ERROR, FROM_QEMU,
                             "unable to execute QEMU command 'screendump': %s",
                             desc ? desc : "QEMU error");
            else
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

/* The monitor closed, with its error recorded: what waited for a reply
 * gets that error, as libvirt's callers do ("Unable to read from monitor:
 * Connection reset by peer" for a QEMU killed before it read the
 * command). */
static void monitor_gone(struct sup *s)
{
    for (size_t i = s->nclients; i-- > 0;)
        if (s->clients[i].what) {
            reply_error(&s->clients[i]);
            s->clients[i].what = NULL;
            drop_client(s, i);
        }
    error_clear();
    qmp_free(s->qmp);
    s->qmp = NULL;
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

/* What the start put in the domain's directory (which is removed after). */
static void unlink_dom_files(struct sup *s)
{
    static const char *const names[] = {"monitor.sock", "control.sock", "master-key.aes"};
    char path[4096];

    for (size_t i = 0; s->l.dom_dir && i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", s->l.dom_dir, names[i]);
        unlink(path);
    }
}

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
    if (s->destroying && !s->shutdown_seen && !on_poweroff_restart(s))
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
    unlink_dom_files(s);
    set_state(s, ST_SHUTOFF, reason);
    emit(s, EV_STOPPED, detail);
    /* The domain is shut off: the next start may begin before the destroy
     * that waits for this is answered (not only once this process exits). */
    if (s->lock_fd >= 0) {
        close(s->lock_fd);
        s->lock_fd = -1;
    }
    /* Every client gets its answer: a destroy that it is done, the
     * others (a request waiting for QEMU, or not read yet) libvirt's
     * error for a domain that stopped before the call ran. */
    for (size_t i = 0; i < s->nclients; i++)
        if (s->clients[i].waiting_exit) {
            reply(&s->clients[i], "ok");
        } else {
            error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s", "domain is not running");
            reply_error(&s->clients[i]);
            error_clear();
        }
    if (chdir("/") == 0)
        rmdir(s->l.dom_dir);
}

/* ---- main ---- */

static void sup_clear(struct sup *s)
{
    for (size_t i = 0; s->def && i < s->def->nserials; i++)
        free(s->serial_ptys[i]);
    for (size_t i = 0; s->def && i < s->def->nnets; i++)
        free(s->tap_names[i]);
    free(s->serial_ptys);
    free(s->tap_names);
    dx_def_free(s->def);
    free(s->live_xml);
    free(s->inactive_xml);
    free(s->ptys);
    sup_launch_clear(&s->l);
}

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
                /* What is still queued on the monitor comes first, then
                 * how it ended. */
                if (s->qmp) {
                    int f;
                    do {
                        f = qmp_fill(s->qmp);
                        struct json *m;
                        while ((m = qmp_next(s->qmp))) {
                            if (json_get(m, "event"))
                                on_qmp_event(s, m);
                            else
                                on_qmp_reply(s, m);
                            json_free(m);
                        }
                    } while (f > 0);
                    if (f < 0)
                        monitor_gone(s);
                }
                finish(s, ws);
                return;
            }
        }
        if (p[2].revents && s->qmp) {
            if (qmp_fill(s->qmp) < 0)
                monitor_gone(s); /* QEMU is going; its exit follows */
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
    /* Read, the launch file is spent: gone at once, so that an exit of
     * ours never removes the one a later start has written. */
    unlink(argv[1]);
    snprintf(s.status_path, sizeof(s.status_path), "%s/%s.xml", s.l.run_dir, s.l.name);
    snprintf(s.pid_path, sizeof(s.pid_path), "%s/%s.pid", s.l.run_dir, s.l.name);
    snprintf(s.sup_path, sizeof(s.sup_path), "%s/%s.sup", s.l.run_dir, s.l.name);
    /* The starter handed over its locks: the supervisor lock, held for
     * life, and the job lock, let go once the VM runs. */
    int job_fd = argc > 4 ? atoi(argv[4]) : -1;
    struct state_lock *own = NULL;
    if (argc > 3) {
        s.lock_fd = atoi(argv[3]);
    } else {
        /* Started by hand: the lock is taken here. */
        int got = state_lock_try(s.sup_path, NULL, &own);
        if (got == 0)
            error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s", "domain is already running");
        if (got <= 0)
            goto fail;
        s.lock_fd = state_lock_fd(own);
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
    if (state_file_write_runtime(s.pid_path, line, strlen(line), 0644) < 0) {
        sup_log(&s, "%s", error_last_message());
        error_clear();
    }
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
    state_journal_close(s.journal);
    sup_clear(&s);
    return 0;
fail:
    sup_error_encode(line, sizeof(line));
    if (s.lock_fd >= 0) {
        /* A start that failed leaves the domain shut off (failed). */
        s.state = ST_SHUTOFF;
        s.reason = OFF_FAILED;
        write_status(&s);
        unlink_dom_files(&s);
        if (chdir("/") == 0)
            rmdir(s.l.dom_dir);
    }
    sup_log(&s, "shutting down, reason=failed");
    tell(ready, line);
    return 1;
}

int main(int argc, char **argv)
{
    return sup_main(argc, argv);
}

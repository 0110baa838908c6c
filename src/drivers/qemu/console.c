/* console: virDomainOpenConsole for a running domain. The console is a
 * serial port QEMU runs on a pty (its path is in the status file, from
 * query-chardev): the connection opens the pty itself, puts it in raw mode
 * as libvirt does, and hands it to the session as a stream both ways.
 * One console session per device at a time, across every connection
 * process: the holder keeps an OFD lock on RUN/NAME.console-ALIAS for the
 * stream's life, so the lock goes with the stream, or with the process if
 * it is killed. --force takes a session over: the newcomer writes to the
 * lock file, which the holder watches (inotify, the stream's cancel fd):
 * the holder's stream fails as libvirt's does, its lock goes, and the
 * newcomer takes it. */
#include "console.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "error.h"

enum { CONSOLE_FORCE = 1 }; /* VIR_DOMAIN_CONSOLE_FORCE */

/* What the stream's end lets go of. */
struct console_hold {
    int lock_fd;
};

static int console_done(void *opaque, bool ok)
{
    struct console_hold *h = opaque;

    (void)ok;
    close(h->lock_fd);
    free(h);
    return 0;
}

/* The pty of the chardev with `alias` in the status's "ALIAS=PATH ..."
 * list, copied into buf; NULL when it has none. */
static const char *pty_of(const char *ptys, const char *alias, char *buf, size_t size)
{
    size_t alen = strlen(alias);

    for (const char *p = ptys; p && *p;) {
        size_t n = strcspn(p, " ");
        if (n > alen && strncmp(p, alias, alen) == 0 && p[alen] == '=' && n - alen - 1 < size) {
            memcpy(buf, p + alen + 1, n - alen - 1);
            buf[n - alen - 1] = '\0';
            return buf;
        }
        p += n;
        p += strspn(p, " ");
    }
    return NULL;
}

/* The alias libvirt gives a domain's character devices: a console that is
 * the first serial port is that port ("serial0"). */
static int find_device(const struct dx_def *def, const char *dev_name, char *alias,
                       size_t size, const struct dx_chr **chr)
{
    *chr = NULL;
    if (!dev_name) {
        if (def->nconsoles > 0) {
            /* Named console0 in errors; a serial-type console is the first
             * serial port's chardev. */
            *chr = &def->consoles[0];
            snprintf(alias, size, "console0");
            return 0;
        }
        if (def->nserials > 0) {
            *chr = &def->serials[0];
            snprintf(alias, size, "serial0");
            return 0;
        }
        return -1;
    }
    for (size_t i = 0; i < def->nserials; i++) {
        snprintf(alias, size, "serial%zu", i);
        if (strcmp(alias, dev_name) == 0) {
            *chr = &def->serials[i];
            return 0;
        }
    }
    for (size_t i = 0; i < def->nconsoles; i++) {
        snprintf(alias, size, "console%zu", i);
        if (strcmp(alias, dev_name) == 0) {
            *chr = &def->consoles[i];
            return 0;
        }
    }
    return -1;
}

/* The chardev QEMU runs for the device with `alias`: a serial-type
 * console0 is serial0's. */
static const char *chardev_alias(const struct dx_def *def, const char *alias)
{
    if (strcmp(alias, "console0") == 0 && def->nserials > 0 && def->nconsoles > 0 &&
        (!def->consoles[0].target_type || strcmp(def->consoles[0].target_type, "serial") == 0))
        return "serial0";
    return alias;
}

int qemu_open_console(const struct qemu_console_req *req, struct drv_stream *st)
{
    const struct dx_chr *chr;
    char alias[32], pty[256], lock_path[4096];
    struct console_hold *h;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    struct termios raw;
    int fd, lock_fd;

    if (find_device(req->def, req->dev_name, alias, sizeof(alias), &chr) < 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "cannot find character device %s",
                     req->dev_name ? req->dev_name : "<null>");
        return -1;
    }
    char label[40];
    snprintf(label, sizeof(label), "char%s", chardev_alias(req->def, alias));
    if (!chr->type || strcmp(chr->type, "pty") != 0 ||
        !pty_of(req->ptys, label, pty, sizeof(pty))) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "character device %s is not using a PTY",
                     req->dev_name ? req->dev_name : alias);
        return -1;
    }
    if (strncmp(pty, "/dev/pts/", 9) != 0 || strstr(pty, "..")) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "unexpected pty path '%s'", pty);
        return -1;
    }
    if ((size_t)snprintf(lock_path, sizeof(lock_path), "%s/%s.console-%s", req->run_dir,
                         req->name, alias) >= sizeof(lock_path)) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "path too long");
        return -1;
    }
    lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (lock_fd < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot open '%s': %s", lock_path,
                     strerror(errno));
        return -1;
    }
    int locked = fcntl(lock_fd, F_OFD_SETLK, &fl), e = errno;
    if (locked < 0 && (e == EAGAIN || e == EACCES) && (req->flags & CONSOLE_FORCE)) {
        /* Tell the holder, and wait (a bounded while) for it to let go. */
        struct timespec tick = {0, 10 * 1000 * 1000};
        if (pwrite(lock_fd, "f", 1, 0) == 1)
            for (int i = 0; i < 300 && locked < 0 && (errno == EAGAIN || errno == EACCES); i++) {
                nanosleep(&tick, NULL);
                locked = fcntl(lock_fd, F_OFD_SETLK, &fl);
            }
        e = errno;
    }
    if (locked < 0) {
        close(lock_fd);
        if (e == EAGAIN || e == EACCES)
            error_report(ERR_OPERATION_FAILED, FROM_QEMU, "%s",
                         "Active console session exists for this domain");
        else
            error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot lock '%s': %s", lock_path,
                         strerror(e));
        return -1;
    }
    /* Written to by whoever forces a session of their own. */
    int cancel_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (cancel_fd >= 0 && inotify_add_watch(cancel_fd, lock_path, IN_MODIFY) < 0) {
        close(cancel_fd);
        cancel_fd = -1;
    }
    fd = open(pty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STREAMS, "Unable to open stream for '%s': %s",
                     pty, strerror(errno));
        close(lock_fd);
        if (cancel_fd >= 0)
            close(cancel_fd);
        return -1;
    }
    if (tcgetattr(fd, &raw) == 0) {
        cfmakeraw(&raw);
        tcsetattr(fd, TCSADRAIN, &raw);
    }
    if (!(h = malloc(sizeof(*h)))) {
        close(fd);
        close(lock_fd);
        if (cancel_fd >= 0)
            close(cancel_fd);
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    h->lock_fd = lock_fd;
    *st = (struct drv_stream){.fd = fd,
                              .dir = DRV_STREAM_SOURCE | DRV_STREAM_SINK,
                              .cancel_fd = cancel_fd,
                              .done = console_done,
                              .opaque = h};
    return 0;
}

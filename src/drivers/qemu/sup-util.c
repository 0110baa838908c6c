/* sup-util: see sup-util.h. */
#include "sup-util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

int sup_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
    char tmp[4096], dir[4096];
    int fd, r = -1;

    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >= sizeof(tmp)) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "path too long: %s", path);
        return -1;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        goto fail;
    for (const char *p = data; len > 0;) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            goto fail;
        p += n;
        len -= (size_t)n;
    }
    if (fsync(fd) < 0 || close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) < 0)
        goto fail;
    snprintf(dir, sizeof(dir), "%s", path);
    int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
fail:
    error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "Failed to write file '%s': %s", path,
                 strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return r;
}

int sup_read_file(const char *path, size_t max, char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat st;
    char *buf = NULL;
    size_t have = 0;

    *data = NULL;
    *len = 0;
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "Failed to open file '%s': %s", path,
                     strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "'%s' is not a file of at most %zu bytes",
                     path, max);
        close(fd);
        return -1;
    }
    buf = malloc((size_t)st.st_size + 1);
    while (buf && have < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + have, (size_t)st.st_size - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        have += (size_t)n;
    }
    close(fd);
    if (!buf) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    buf[have] = '\0';
    *data = buf;
    *len = have;
    return 1;
}

int sup_lock_take(const char *path)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

    if (fd < 0)
        return -1;
    if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
        int e = errno == EACCES ? EAGAIN : errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

bool sup_lock_held(const char *path)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool held;

    if (fd < 0)
        return false;
    held = fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
    close(fd);
    return held;
}

static const char *const state_names[] = {"nostate", "running", "blocked", "paused",
                                          "shutdown", "shutoff", "crashed", "pmsuspended"};
static const char *const running_reasons[] = {
    "unknown", "booted", "migrated", "restored", "from snapshot", "unpaused",
    "migration canceled", "save canceled", "wakeup", "crashed", "post-copy"};
static const char *const paused_reasons[] = {
    "unknown", "user", "migration", "save", "dump", "ioerror", "watchdog",
    "from snapshot", "shutdown", "snapshot", "panicked", "starting up", "post-copy"};
static const char *const shutoff_reasons[] = {"unknown", "shutdown", "destroyed",
                                              "crashed", "migrated", "saved",
                                              "failed", "from snapshot", "daemon"};
#define N(a) (int)(sizeof(a) / sizeof(a[0]))

const char *sup_state_name(int state)
{
    return state >= 0 && state < N(state_names) ? state_names[state] : "nostate";
}

int sup_state_from_name(const char *name)
{
    for (int i = 0; name && i < N(state_names); i++)
        if (strcmp(state_names[i], name) == 0)
            return i;
    return 0;
}

static const char *const *reasons_of(int state, int *n)
{
    switch (state) {
    case 1:
        *n = N(running_reasons);
        return running_reasons;
    case 3:
        *n = N(paused_reasons);
        return paused_reasons;
    case 5:
        *n = N(shutoff_reasons);
        return shutoff_reasons;
    default:
        *n = 0;
        return NULL;
    }
}

const char *sup_reason_name(int state, int reason)
{
    int n;
    const char *const *r = reasons_of(state, &n);
    return r && reason >= 0 && reason < n ? r[reason] : "unknown";
}

int sup_reason_from_name(int state, const char *name)
{
    int n;
    const char *const *r = reasons_of(state, &n);
    for (int i = 0; r && name && i < n; i++)
        if (strcmp(r[i], name) == 0)
            return i;
    return 0;
}

void sup_error_encode(char *buf, size_t size)
{
    const struct error *e = error_last();
    const char *msg = e && e->message ? e->message : "unknown error";

    snprintf(buf, size, "error %d %d ", e ? e->code : ERR_INTERNAL_ERROR,
             e ? e->domain : FROM_QEMU);
    size_t at = strlen(buf);
    /* One line: a newline in a message (QEMU's log lines) becomes a space
     * here and is put back by nobody; libvirt joins them the same way. */
    for (const char *p = msg; *p && at + 1 < size; p++)
        buf[at++] = *p == '\n' ? ' ' : *p;
    buf[at] = '\0';
}

void sup_error_decode(const char *line)
{
    int code = ERR_INTERNAL_ERROR, domain = FROM_QEMU, used = 0;

    if (sscanf(line, "error %d %d %n", &code, &domain, &used) >= 2 && used > 0)
        error_set_message(code, domain, line + used);
    else
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "unexpected reply from supervisor: %s",
                     line);
}

int sup_journal_append(const char *dir, const char *record)
{
    char path[4096];
    size_t n = strlen(record);

    snprintf(path, sizeof(path), "%s/events", dir);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot open the event journal %s: %s", path,
                     strerror(errno));
        return -1;
    }
    char *line = malloc(n + 2);
    ssize_t w = -1;
    if (line) {
        memcpy(line, record, n);
        line[n] = '\n';
        w = write(fd, line, n + 1);
        free(line);
    }
    close(fd);
    if (w != (ssize_t)(n + 1)) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot append to the event journal %s", path);
        return -1;
    }
    return 0;
}

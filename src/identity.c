#include "identity.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

/* Linux's NGROUPS_MAX. */
#define IDENTITY_MAX_GROUPS 65536

void identity_self(struct identity *id)
{
    memset(id, 0, sizeof(*id));
    id->uid = geteuid();
    id->gid = getegid();
}

int identity_from_socket(int fd, struct identity *id)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);

    memset(id, 0, sizeof(*id));
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
        return -1;
    id->peer = true;
    id->uid = cred.uid;
    id->gid = cred.gid;
    /* Without SO_PEERGROUPS (Linux before 4.13) only the primary group
     * counts: fewer permissions than the peer has, never more. */
    len = 0;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, NULL, &len) < 0 && errno == ERANGE &&
        len > 0 && len <= IDENTITY_MAX_GROUPS * sizeof(gid_t)) {
        gid_t *groups = malloc(len);
        if (groups && getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
            id->groups = groups;
            id->ngroups = len / sizeof(gid_t);
        } else {
            free(groups);
        }
    }
    return 0;
}

void identity_clear(struct identity *id)
{
    free(id->groups);
    memset(id, 0, sizeof(*id));
}

/* The filesystem identity and groups the process had before taking a
 * peer's. */
struct saved {
    bool taken;
    gid_t *groups;
    int ngroups;
};

/* Takes id's filesystem identity (uid, gid, groups) unless it is ours
 * already. Returns 0, or -1 with errno set when the process may not
 * (it is not privileged). */
static int take(const struct identity *id, struct saved *sv)
{
    int n;

    memset(sv, 0, sizeof(*sv));
    if (!id || !id->peer || id->uid == geteuid())
        return 0;
    n = getgroups(0, NULL);
    if (n < 0)
        return -1;
    sv->groups = malloc((size_t)(n ? n : 1) * sizeof(gid_t));
    if (!sv->groups)
        return -1;
    sv->ngroups = getgroups(n, sv->groups);
    if (sv->ngroups < 0 || setgroups(id->ngroups, id->groups) < 0)
        goto fail;
    sv->taken = true;
    /* setfsuid and setfsgid report failure only by not changing the
     * value: asking for -1 reads it back. */
    setfsgid(id->gid);
    setfsuid(id->uid);
    if ((gid_t)setfsgid((gid_t)-1) != id->gid || (uid_t)setfsuid((uid_t)-1) != id->uid) {
        errno = EPERM;
        goto fail;
    }
    return 0;
fail:
    n = errno;
    if (sv->taken)
        setgroups((size_t)sv->ngroups, sv->groups);
    free(sv->groups);
    sv->groups = NULL;
    sv->taken = false;
    setfsuid(geteuid());
    setfsgid(getegid());
    errno = n;
    return -1;
}

/* Gives the peer's identity back. A process that cannot is not safe to
 * go on with. */
static void give_back(struct saved *sv)
{
    if (!sv->taken)
        return;
    setfsuid(geteuid());
    setfsgid(getegid());
    if ((uid_t)setfsuid((uid_t)-1) != geteuid() || (gid_t)setfsgid((gid_t)-1) != getegid() ||
        setgroups((size_t)sv->ngroups, sv->groups) < 0)
        abort();
    free(sv->groups);
    sv->groups = NULL;
    sv->taken = false;
}

/* What a refused file is, for its message; NULL when it is a regular file. */
static const char *not_regular(mode_t mode)
{
    if (S_ISREG(mode))
        return NULL;
    if (S_ISLNK(mode))
        return "is a symbolic link";
    if (S_ISDIR(mode))
        return "is a directory";
    return "is not a regular file";
}

/* Opens path for reading as id; fills *st. Returns the fd, or -1 with the
 * error recorded and errno set. */
static int open_as(const struct identity *id, const char *path, int err_domain,
                   struct stat *st)
{
    const char *as = id && id->peer && id->uid != geteuid() ? " as uid " : NULL;
    struct saved sv;
    struct stat first;
    const char *what;
    int pfd = -1, fd = -1, e = 0;

    if (take(id, &sv) < 0) {
        e = errno;
        error_report(ERR_SYSTEM_ERROR, err_domain,
                     "Cannot open '%s' with the permissions of uid %u: %s", path,
                     (unsigned)id->uid, strerror(e));
        errno = e;
        return -1;
    }
    /* First look at what the name is without opening it for reading: a
     * FIFO would block, a device would see an open. Then open it and make
     * sure it is still the same file. */
    pfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (pfd < 0 || fstat(pfd, &first) < 0) {
        e = errno;
    } else if (!not_regular(first.st_mode)) {
        fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, st) < 0)
            e = errno;
    }
    give_back(&sv);
    if (pfd >= 0)
        close(pfd);
    if (e) {
        if (fd >= 0)
            close(fd);
        if (as)
            error_report(ERR_SYSTEM_ERROR, err_domain, "Failed to open file '%s'%s%u: %s", path,
                         as, (unsigned)id->uid, strerror(e));
        else
            error_report(ERR_SYSTEM_ERROR, err_domain, "Failed to open file '%s': %s", path,
                         strerror(e));
        errno = e;
        return -1;
    }
    if (fd < 0)
        what = not_regular(first.st_mode);
    else if (!(what = not_regular(st->st_mode)) &&
             (st->st_dev != first.st_dev || st->st_ino != first.st_ino))
        what = "changed while it was being opened";
    if (what) {
        error_report(ERR_INVALID_ARG, err_domain, "'%s' %s", path, what);
        if (fd >= 0)
            close(fd);
        errno = EINVAL;
        return -1;
    }
    return fd;
}

int identity_read_file(const struct identity *id, const char *path, size_t max,
                       int err_domain, char **text, size_t *len)
{
    struct stat st;
    size_t cap, n = 0;
    char *buf = NULL;
    int fd = open_as(id, path, err_domain, &st), e;

    if (fd < 0)
        return -1;
    if ((unsigned long long)st.st_size > max)
        goto too_large;
    cap = (size_t)st.st_size + 1;
    buf = malloc(cap + 1);
    if (!buf)
        goto no_memory;
    /* The size is a hint: the file may grow while it is read, but never
     * past max. */
    for (;;) {
        ssize_t r;
        if (n == cap) {
            if (n > max)
                goto too_large;
            size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            char *p = realloc(buf, ncap + 1);
            if (!p)
                goto no_memory;
            buf = p;
            cap = ncap;
        }
        r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            e = errno;
            error_report(ERR_SYSTEM_ERROR, err_domain, "Failed to read file '%s': %s", path,
                         strerror(e));
            goto fail;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (n > max)
        goto too_large;
    close(fd);
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
too_large:
    error_report(ERR_INVALID_ARG, err_domain, "'%s' is larger than %zu bytes", path, max);
    goto fail;
no_memory:
    error_report(ERR_NO_MEMORY, err_domain, NULL);
fail:
    free(buf);
    close(fd);
    errno = EINVAL;
    return -1;
}

int identity_open_read(const struct identity *id, const char *path, int err_domain)
{
    struct stat st;

    return open_as(id, path, err_domain, &st);
}

int identity_open_write(const struct identity *id, const char *path, mode_t mode)
{
    struct saved sv;
    struct stat st;
    int fd = -1, e = 0;

    if (take(id, &sv) < 0)
        return -1;
    /* An existing name is looked at first without opening it: a FIFO
     * would block, a device would see an open. */
    int pfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (pfd >= 0) {
        if (fstat(pfd, &st) < 0)
            e = errno;
        else if (!S_ISREG(st.st_mode))
            e = EINVAL;
        close(pfd);
    } else if (errno != ENOENT) {
        e = errno;
    }
    if (!e) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
                            O_CLOEXEC,
                  mode);
        if (fd < 0)
            e = errno;
        else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
            e = EINVAL;
    }
    give_back(&sv);
    if (e) {
        if (fd >= 0)
            close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

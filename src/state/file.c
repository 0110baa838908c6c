#include "file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "util.h"

/* Temporary files are ".NAME" TEMP_TAG "PID-N". */
#define TEMP_TAG ".tmp-"

/* Tries before giving up on finding a free temporary name. */
#define TEMP_TRIES 100

static int fail(const char *what, const char *path, int e)
{
    error_report(ERR_SYSTEM_ERROR, FROM_NONE, "%s '%s': %s", what, path, strerror(e));
    errno = e;
    return -1;
}

/* Whether name is one of our temporary files. */
static bool is_temp(const char *name)
{
    const char *tag = NULL, *p;
    size_t digits;

    if (name[0] != '.')
        return false;
    for (p = strstr(name + 1, TEMP_TAG); p; p = strstr(p + 1, TEMP_TAG))
        tag = p;
    if (!tag)
        return false;
    p = tag + strlen(TEMP_TAG);
    digits = strspn(p, "0123456789");
    if (!digits || p[digits] != '-')
        return false;
    p += digits + 1;
    digits = strspn(p, "0123456789");
    return digits && !p[digits];
}

/* Removes the temporary files in dirfd whose writer is gone: it held an
 * OFD lock on its file until it renamed it or died, so a lock we can take
 * is a dead writer's. The name is unlinked only while it is still the
 * file we locked. Best effort: what cannot be removed now is next time. */
static void remove_leftovers(int dirfd)
{
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *de;

    if (!d) {
        if (fd >= 0)
            close(fd);
        return;
    }
    while ((de = readdir(d))) {
        struct stat locked, named;
        int tfd;

        if ((de->d_type != DT_REG && de->d_type != DT_UNKNOWN) || !is_temp(de->d_name))
            continue;
        tfd = openat(dirfd, de->d_name,
                     O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (tfd < 0)
            continue;
        if (fstat(tfd, &locked) == 0 && S_ISREG(locked.st_mode) &&
            state_ofd_trylock(tfd, F_RDLCK) == 1 &&
            fstatat(dirfd, de->d_name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
            named.st_dev == locked.st_dev && named.st_ino == locked.st_ino)
            unlinkat(dirfd, de->d_name, 0);
        close(tfd);
    }
    closedir(d);
}

/* Creates and locks a new temporary file for `name` in dirfd, its name in
 * tmp. Returns the fd, or -1 with errno set. */
static int create_temp(int dirfd, const char *name, char *tmp, size_t tmp_size)
{
    static unsigned counter;

    for (int tries = 0; tries < TEMP_TRIES; tries++) {
        struct stat st;
        int n, fd, got;

        n = snprintf(tmp, tmp_size, ".%s" TEMP_TAG "%ld-%u", name, (long)getpid(), counter++);
        if (n < 0 || (size_t)n >= tmp_size || n > NAME_MAX) {
            errno = ENAMETOOLONG;
            return -1;
        }
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            if (errno == EEXIST)
                continue;
            return -1;
        }
        got = state_ofd_trylock(fd, F_WRLCK);
        if (got < 0) {
            int e = errno;
            unlinkat(dirfd, tmp, 0);
            close(fd);
            errno = e;
            return -1;
        }
        /* Another writer's clean-up can take a file for a leftover in the
         * moment between its creation and our lock, and remove it: then
         * start again with a new name. */
        if (got == 1 && fstat(fd, &st) == 0 && st.st_nlink > 0)
            return fd;
        close(fd);
    }
    errno = EAGAIN;
    return -1;
}

/* state_file_write, or with durable 0 state_file_write_runtime. */
static int replace(const char *path, const void *data, size_t len, mode_t mode, int durable)
{
    char tmp[PATH_MAX];
    const char *name;
    int dirfd, fd, e;

    dirfd = state_path_dir(path, &name);
    if (dirfd < 0)
        return fail("Failed to write file", path, errno);
    remove_leftovers(dirfd);
    fd = create_temp(dirfd, name, tmp, sizeof(tmp));
    if (fd < 0) {
        e = errno;
        close(dirfd);
        return fail("Failed to write file", path, e);
    }
    if (fchmod(fd, mode & 07777) < 0 || state_pwrite_all(fd, data, len, 0) < 0 ||
        (durable && fsync(fd) < 0) || renameat(dirfd, tmp, dirfd, name) < 0) {
        e = errno;
        unlinkat(dirfd, tmp, 0);
        close(fd);
        close(dirfd);
        return fail("Failed to write file", path, e);
    }
    /* The lock on the temporary file ends here, after the rename: from
     * now on its name is the target's, which no clean-up touches. */
    close(fd);
    e = durable && state_dir_sync(dirfd) < 0 ? errno : 0;
    close(dirfd);
    return e ? fail("Failed to write file", path, e) : 0;
}

int state_file_write(const char *path, const void *data, size_t len, mode_t mode)
{
    return replace(path, data, len, mode, 1);
}

int state_file_write_runtime(const char *path, const void *data, size_t len, mode_t mode)
{
    return replace(path, data, len, mode, 0);
}

/* Opens path for reading if it is a regular file, looking at it first
 * without opening it for reading (a FIFO would block, a device would see
 * an open). Fills *st. Returns the fd, or -1 with the error recorded. */
static int open_regular(const char *path, struct stat *st)
{
    int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0)
        return fail("Failed to open file", path, errno);
    if (fstat(fd, st) < 0) {
        int e = errno;
        close(fd);
        return fail("Failed to open file", path, e);
    }
    close(fd);
    fd = -1;
    if (S_ISREG(st->st_mode))
        fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd >= 0 && fstat(fd, st) < 0) {
        int e = errno;
        close(fd);
        return fail("Failed to open file", path, e);
    }
    if (fd >= 0 && S_ISREG(st->st_mode))
        return fd;
    if (fd >= 0) {
        close(fd);
    } else if (S_ISREG(st->st_mode)) {
        return fail("Failed to open file", path, errno);
    }
    error_report(ERR_SYSTEM_ERROR, FROM_NONE, "Failed to open file '%s': not a regular file",
                 path);
    errno = EINVAL;
    return -1;
}

int state_file_read(const char *path, size_t max, char **data, size_t *len)
{
    struct stat st;
    size_t cap, got = 0;
    char *buf = NULL;
    int fd, e = 0;

    *data = NULL;
    *len = 0;
    fd = open_regular(path, &st);
    if (fd < 0)
        return -1;
    if (max >= SIZE_MAX - 1) {
        e = EINVAL;
        goto out;
    }
    /* The size is a hint: read until the end, one byte past max at most,
     * however the file changes meanwhile. */
    cap = (size_t)st.st_size < max ? (size_t)st.st_size + 1 : max + 1;
    for (;;) {
        ssize_t n;

        if (got == cap) {
            if (cap > max) {
                e = EFBIG;
                goto out;
            }
            size_t more = cap * 2 < max + 1 ? cap * 2 : max + 1;
            char *bigger = realloc(buf, more + 1);
            if (!bigger) {
                e = ENOMEM;
                goto out;
            }
            buf = bigger;
            cap = more;
        }
        if (!buf && !(buf = malloc(cap + 1))) {
            e = ENOMEM;
            goto out;
        }
        n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            e = errno;
            goto out;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    if (got > max)
        e = EFBIG;
out:
    close(fd);
    if (e) {
        free(buf);
        if (e == EFBIG) {
            error_report(ERR_SYSTEM_ERROR, FROM_NONE,
                         "Failed to read file '%s': larger than %zu bytes", path, max);
            errno = EFBIG;
            return -1;
        }
        return fail("Failed to read file", path, e);
    }
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return 0;
}

int state_file_remove(const char *path)
{
    const char *name;
    int dirfd = state_path_dir(path, &name), e = 0;

    if (dirfd < 0)
        return errno == ENOENT ? 0 : fail("Failed to remove file", path, errno);
    if (unlinkat(dirfd, name, 0) < 0) {
        if (errno != ENOENT)
            e = errno;
    } else if (state_dir_sync(dirfd) < 0) {
        e = errno;
    }
    close(dirfd);
    return e ? fail("Failed to remove file", path, e) : 0;
}

/* fsync of the directory the last component of path is in. */
static int sync_parent(const char *path)
{
    const char *name;
    int dirfd = state_path_dir(path, &name), r;

    if (dirfd < 0)
        return -1;
    r = state_dir_sync(dirfd);
    if (r < 0) {
        int e = errno;
        close(dirfd);
        errno = e;
        return -1;
    }
    close(dirfd);
    return 0;
}

int state_file_mkdirs(const char *path, mode_t mode)
{
    struct stat st;
    size_t n = strlen(path);
    char *buf;
    int e = 0;

    if (!n) {
        error_report(ERR_SYSTEM_ERROR, FROM_NONE, "Cannot create directory '': %s",
                     strerror(ENOENT));
        errno = ENOENT;
        return -1;
    }
    buf = strdup(path);
    if (!buf)
        return fail("Cannot create directory", path, ENOMEM);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    for (char *p = buf + 1;; p++) {
        char c = *p;

        if (c != '/' && c != '\0')
            continue;
        *p = '\0';
        if (mkdir(buf, mode & 07777) == 0) {
            /* mkdir's mode is cut by the umask; the caller asked for this
             * one. The new name is made durable in its parent. */
            if (chmod(buf, mode & 07777) < 0 || sync_parent(buf) < 0)
                e = errno;
        } else if (errno != EEXIST) {
            e = errno;
        }
        *p = c;
        if (e || !c)
            break;
    }
    if (!e && stat(buf, &st) < 0)
        e = errno;
    else if (!e && !S_ISDIR(st.st_mode))
        e = ENOTDIR;
    free(buf);
    return e ? fail("Cannot create directory", path, e) : 0;
}

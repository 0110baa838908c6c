#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "util.h"

#define OWNER_MAX 200

/* "owner=" OWNER "\npid=" PID "\n", with room to spare. */
#define DESCRIPTION_MAX 256

/* Pauses between tries of a busy lock: 1 ms, doubling up to 20 ms, so a
 * lock whose holder is killed is taken within 20 ms. */
#define PAUSE_FIRST_US 1000
#define PAUSE_MAX_US 20000

/* Times a lock taken on a file that was removed meanwhile is given up to
 * try the file that has the name now, before calling it an error. */
#define REOPEN_TRIES 100

struct state_lock {
    int fd;
    char *path;
};

static bool owner_ok(const char *owner)
{
    size_t n = 0;

    if (!owner)
        return true;
    for (; owner[n]; n++)
        if (owner[n] < 0x20 || owner[n] > 0x7e)
            return false;
    return n > 0 && n <= OWNER_MAX;
}

/* Opens the lock file into *fd unless it is open already, and tries the
 * lock. Returns 1 when taken (on the file that has the name now), 0 when
 * busy (*fd stays open for the next try and for naming the holder), -1
 * with the error recorded (*fd closed). */
static int take(const char *path, int *fd)
{
    for (int tries = 0; tries < REOPEN_TRIES; tries++) {
        struct stat locked, named;
        int got;

        if (*fd < 0) {
            *fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
            if (*fd < 0) {
                error_report(ERR_SYSTEM_ERROR, FROM_NONE, "Failed to open lock file '%s': %s",
                             path, strerror(errno));
                return -1;
            }
        }
        got = state_ofd_trylock(*fd, F_WRLCK);
        if (got < 0) {
            error_report(ERR_SYSTEM_ERROR, FROM_NONE, "Failed to lock file '%s': %s", path,
                         strerror(errno));
            close(*fd);
            *fd = -1;
            return -1;
        }
        if (got == 0)
            return 0;
        /* A holder may have removed the file (state_lock_remove) while we
         * waited on it: a lock on a file without the name guards nothing. */
        if (fstat(*fd, &locked) == 0 && lstat(path, &named) == 0 &&
            locked.st_dev == named.st_dev && locked.st_ino == named.st_ino)
            return 1;
        close(*fd);
        *fd = -1;
    }
    error_report(ERR_SYSTEM_ERROR, FROM_NONE, "Failed to lock file '%s': %s", path,
                 "it keeps being removed");
    return -1;
}

/* The handle for a lock just taken on fd, with the holder's description
 * written. Returns 0, or -1 with the error recorded (fd closed). */
static int held(const char *path, const char *owner, int fd, struct state_lock **lock)
{
    char desc[DESCRIPTION_MAX];
    int n = 0;

    *lock = malloc(sizeof(**lock));
    if (*lock)
        (*lock)->path = strdup(path);
    if (!*lock || !(*lock)->path) {
        free(*lock);
        *lock = NULL;
        close(fd);
        error_report(ERR_NO_MEMORY, FROM_NONE, NULL);
        return -1;
    }
    (*lock)->fd = fd;
    /* A description that cannot be written leaves the holder unnamed;
     * the lock is held all the same. Truncating first means a waiter
     * reads an empty file or a prefix, never the last holder's tail. */
    if (owner)
        n = snprintf(desc, sizeof(desc), "owner=%s\npid=%ld\n", owner, (long)getpid());
    if (ftruncate(fd, 0) == 0 && n > 0)
        (void)state_pwrite_all(fd, desc, (size_t)n, 0);
    return 0;
}

/* The holder's owner from the lock file, into buf (empty when it did not
 * say, or is writing it right now: only a complete line counts). */
static void holder(int fd, char *buf, size_t size)
{
    char desc[DESCRIPTION_MAX + 1];
    ssize_t n = state_pread_all(fd, desc, DESCRIPTION_MAX, 0);
    char *end;

    buf[0] = '\0';
    if (n <= 0)
        return;
    desc[n] = '\0';
    if (strncmp(desc, "owner=", 6) != 0 || !(end = strchr(desc, '\n')))
        return;
    n = end - (desc + 6);
    if ((size_t)n >= size)
        n = (ssize_t)size - 1;
    memcpy(buf, desc + 6, (size_t)n);
    buf[n] = '\0';
}

int state_lock_try(const char *path, const char *owner, struct state_lock **lock)
{
    int fd = -1, r;

    *lock = NULL;
    if (!owner_ok(owner)) {
        error_report(ERR_INVALID_ARG, FROM_NONE, "lock owner '%s'", owner);
        return -1;
    }
    r = take(path, &fd);
    if (r == 0)
        close(fd);
    if (r != 1)
        return r;
    return held(path, owner, fd, lock) < 0 ? -1 : 1;
}

int state_lock_acquire(const char *path, const char *owner, long long timeout_ms,
                       state_wait_fn wait, void *opaque, struct state_lock **lock)
{
    struct state_backoff pause = {PAUSE_FIRST_US, PAUSE_MAX_US};
    long long deadline = clock_mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    char name[OWNER_MAX + 1];
    int fd = -1, r, w;

    *lock = NULL;
    if (!owner_ok(owner)) {
        error_report(ERR_INVALID_ARG, FROM_NONE, "lock owner '%s'", owner);
        return -1;
    }
    for (;;) {
        r = take(path, &fd);
        if (r < 0)
            return -1;
        if (r == 1)
            return held(path, owner, fd, lock);
        w = state_backoff_wait(&pause, deadline, wait, opaque);
        if (w < 0) {
            close(fd);
            error_report(ERR_OPERATION_ABORTED, FROM_NONE,
                         "cannot acquire state change lock: the client is gone");
            return -1;
        }
        if (w == 0)
            break;
    }
    holder(fd, name, sizeof(name));
    close(fd);
    if (name[0])
        error_report(ERR_OPERATION_TIMEOUT, FROM_NONE,
                     "cannot acquire state change lock (held by monitor=%s)", name);
    else
        error_report(ERR_OPERATION_TIMEOUT, FROM_NONE, "cannot acquire state change lock");
    return -1;
}

void state_lock_release(struct state_lock *lock)
{
    if (!lock)
        return;
    /* The description goes before the lock, so that nobody names a
     * holder that has gone. */
    if (ftruncate(lock->fd, 0) < 0) {
        /* Nothing to do: the next holder truncates it too. */
    }
    state_ofd_unlock(lock->fd);
    close(lock->fd);
    free(lock->path);
    free(lock);
}

int state_lock_fd(const struct state_lock *lock)
{
    return lock->fd;
}

void state_lock_leave(struct state_lock *lock)
{
    if (!lock)
        return;
    close(lock->fd);
    free(lock->path);
    free(lock);
}

int state_lock_held(const char *path)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC), r;

    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        error_report(ERR_SYSTEM_ERROR, FROM_NONE, "Failed to open lock file '%s': %s", path,
                     strerror(errno));
        return -1;
    }
    r = fcntl(fd, F_OFD_GETLK, &fl);
    if (r < 0)
        error_report(ERR_SYSTEM_ERROR, FROM_NONE, "Failed to query lock file '%s': %s", path,
                     strerror(errno));
    close(fd);
    return r < 0 ? -1 : fl.l_type != F_UNLCK;
}

int state_lock_remove(struct state_lock *lock)
{
    int r = 0;

    if (unlink(lock->path) < 0 && errno != ENOENT) {
        error_report(ERR_SYSTEM_ERROR, FROM_NONE, "Failed to remove file '%s': %s", lock->path,
                     strerror(errno));
        r = -1;
    }
    state_lock_release(lock);
    return r;
}

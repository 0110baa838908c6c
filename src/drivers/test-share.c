/* test-share: the store test:///default's connections share (test-share.h). */
#include "test-share.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "daemon-paths.h"
#include "error.h"
#include "state/file.h"
#include "state/journal.h"
#include "state/lock.h"

/* libvirt's job wait (VIR_JOB_WAIT_TIME). */
#define LOCK_TIMEOUT_MS 30000
/* How long an open waits for another open or close of the same store (they
 * hold the users lock for a few system calls). */
#define JOIN_TIMEOUT_MS 5000

struct tshare {
    char *base, *dir;
    char *users, *state, *lock_path, *journal_path;
    int users_fd;    /* holds an OFD read lock: this connection counts */
    int snap_fd;     /* the state file the memory copy was built from; -1: the default */
    int loaded;      /* the memory copy matches snap_fd */
    int sleeper;     /* an eventfd nobody writes, for waiting through the loop */
    int watched;     /* the reader's fd is watched through ctx */
    struct state_lock *lock;
    struct state_journal *journal;
    struct state_journal_reader *reader;
    struct drv_context ctx;
    int have_ctx;
};

static void no_memory(void)
{
    error_report(ERR_NO_MEMORY, FROM_TEST, NULL);
}

static void sys_fail(const char *what, const char *path, int e)
{
    error_report(ERR_SYSTEM_ERROR, FROM_TEST, "%s '%s': %s", what, path, strerror(e));
}

/* An OFD lock of `type` (F_RDLCK, F_WRLCK, F_UNLCK) on the whole of fd,
 * without waiting: 1 taken, 0 held elsewhere, -1 error (errno). Turning a
 * held read lock into a write lock, or back, is atomic. */
static int ofd_lock(int fd, short type)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET};

    if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
        return 1;
    return errno == EAGAIN || errno == EACCES ? 0 : -1;
}

/* fd is still the file at path (a closer may have removed it). */
static int same_file(int fd, const char *path)
{
    struct stat a, b;

    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
           a.st_dev == b.st_dev;
}

static int share_wait(void *opaque, long long deadline_ms)
{
    struct tshare *t = opaque;

    if (t->have_ctx && t->ctx.wait_fd) {
        if (t->sleeper < 0)
            t->sleeper = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (t->sleeper >= 0)
            return t->ctx.wait_fd(t->ctx.wait_opaque, t->sleeper, EPOLLIN, deadline_ms) < 0
                       ? -1
                       : 0;
    }
    long long ms = deadline_ms - clock_mono_ms();
    if (ms > 0) {
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static char *join(const char *a, const char *b)
{
    char *s;
    if (asprintf(&s, "%s/%s", a, b) < 0)
        return NULL;
    return s;
}

/* Removes everything in dir, then dir. The caller holds the write lock
 * on dir/users and knows no process will open it (its daemon instance is
 * gone); "users" goes last. */
static void remove_store(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")))
            if (strcmp(e->d_name, "users") != 0)
                unlinkat(dirfd(d), e->d_name, 0);
    unlinkat(dirfd(d), "users", 0);
    closedir(d);
    rmdir(dir);
}

/* Removes the stores of daemon instances that are gone (their last
 * connection was killed, so nobody closed them), once none of their
 * processes holds them. Runs when this connection is the first of its
 * own instance, which is rare enough. */
static void sweep(const char *base, long self)
{
    DIR *d = opendir(base);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 1 || pid == self || e->d_name[0] == '0' ||
            kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char *dir = join(base, e->d_name), *users = dir ? join(dir, "users") : NULL;
        int fd = users ? open(users, O_RDWR | O_NOFOLLOW | O_CLOEXEC) : -1;
        if (fd >= 0 && ofd_lock(fd, F_WRLCK) == 1 && same_file(fd, users))
            remove_store(dir);
        else if (fd < 0 && users && errno == ENOENT)
            remove_store(dir);
        if (fd >= 0)
            close(fd);
        free(users);
        free(dir);
    }
    closedir(d);
}

static char *default_base(void)
{
    const char *env = getenv("LIBVIRTD_TEST_DEFAULT_DIR");
    char *s = NULL;

    if (env && env[0] == '/')
        return strdup(env);
    if (geteuid() == 0)
        return strdup(RUNSTATEDIR "/libvirt/test-default");
    env = getenv("XDG_RUNTIME_DIR");
    if (env && env[0] == '/') {
        if (asprintf(&s, "%s/libvirt/test-default", env) < 0)
            return NULL;
        return s;
    }
    if (asprintf(&s, "/tmp/libvirt-test-default-%ld", (long)geteuid()) < 0)
        return NULL;
    return s;
}

/* Takes this connection's read lock on the users file; resets the state
 * when it is the first. */
static int join_store(struct tshare *t)
{
    long long deadline = clock_mono_ms() + JOIN_TIMEOUT_MS;
    long long pause_us = 50;

    int created = 0;

    for (;;) {
        if (mkdir(t->dir, 0700) == 0) {
            created = 1;
        } else if (errno != EEXIST) {
            if (errno != ENOENT || state_file_mkdirs(t->base, 0755) < 0 ||
                (mkdir(t->dir, 0700) < 0 && errno != EEXIST)) {
                if (errno != ENOENT) {
                    sys_fail("Cannot create directory", t->dir, errno);
                    return -1;
                }
            }
            created = 1;
        }
        int fd = open(t->users, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
        if (fd < 0 && errno != ENOENT) {
            sys_fail("Failed to open file", t->users, errno);
            return -1;
        }
        if (fd >= 0) {
            int r = ofd_lock(fd, F_WRLCK);
            if (r == 1) {
                if (same_file(fd, t->users)) {
                    /* Nobody else is connected: the state starts again
                     * from the default, whatever a killed last
                     * connection left. */
                    if (unlink(t->state) < 0 && errno != ENOENT) {
                        sys_fail("Failed to remove file", t->state, errno);
                        close(fd);
                        return -1;
                    }
                    ofd_lock(fd, F_RDLCK);
                    t->users_fd = fd;
                    /* A new daemon instance: the stores of those gone go. */
                    if (created)
                        sweep(t->base, (long)getppid());
                    return 0;
                }
            } else if (r == 0 && ofd_lock(fd, F_RDLCK) == 1) {
                if (same_file(fd, t->users)) {
                    t->users_fd = fd;
                    return 0;
                }
            } else if (r < 0) {
                sys_fail("Failed to lock file", t->users, errno);
                close(fd);
                return -1;
            }
            close(fd);
        }
        /* Another open (about to share its read lock) or the last close
         * (about to remove the store) holds the write lock. */
        if (clock_mono_ms() >= deadline) {
            error_report(ERR_OPERATION_TIMEOUT, FROM_TEST,
                         "cannot join the shared state in '%s'", t->dir);
            return -1;
        }
        if (pause_us < 1000) {
            usleep((useconds_t)pause_us);
            pause_us *= 2;
        } else if (share_wait(t, clock_mono_ms() + 2) < 0) {
            error_report(ERR_OPERATION_ABORTED, FROM_TEST, NULL);
            return -1;
        }
    }
}

int tshare_open(const struct drv_context *ctx, struct tshare **out)
{
    struct tshare *t = calloc(1, sizeof(*t));
    char key[32];

    *out = NULL;
    if (!t) {
        no_memory();
        return -1;
    }
    t->users_fd = t->snap_fd = t->sleeper = -1;
    if (ctx) {
        t->ctx = *ctx;
        t->have_ctx = 1;
    }
    snprintf(key, sizeof(key), "%ld", (long)getppid());
    t->base = default_base();
    t->dir = t->base ? join(t->base, key) : NULL;
    if (t->dir) {
        t->users = join(t->dir, "users");
        t->state = join(t->dir, "state");
        t->lock_path = join(t->dir, "lock");
        t->journal_path = join(t->dir, "events");
    }
    if (!t->users || !t->state || !t->lock_path || !t->journal_path) {
        no_memory();
        goto fail;
    }
    if (join_store(t) < 0)
        goto fail;
    *out = t;
    return 0;
fail:
    tshare_close(t);
    return -1;
}

int tshare_listen(struct tshare *t, void (*on_event)(void *opaque), void *opaque)
{
    struct state_journal_reader *r;

    if (t->reader)
        return 0;
    /* Events from now on, this connection's own included. Woken by the
     * journal's 50 ms timer, not inotify: the release of an inotify
     * instance waits for an RCU grace period (5-20 ms here), and a
     * process killed with -9 releases it before its client socket, so its
     * client saw the connection drop that much later (and a call it sent
     * meanwhile was lost: tests/client/faults.sh). */
    if (state_journal_reader_open(t->journal_path, STATE_JOURNAL_POLL, &r) < 0)
        return -1;
    if (on_event && t->have_ctx && t->ctx.watch_fd) {
        if (t->ctx.watch_fd(t->ctx.wait_opaque, state_journal_reader_fd(r), on_event, opaque) <
            0) {
            state_journal_reader_close(r);
            return -1;
        }
        t->watched = 1;
    }
    t->reader = r;
    return 0;
}

int tshare_listening(const struct tshare *t)
{
    return t->reader != NULL;
}

void tshare_close(struct tshare *t)
{
    if (!t)
        return;
    if (t->reader) {
        if (t->watched && t->ctx.unwatch_fd)
            t->ctx.unwatch_fd(t->ctx.wait_opaque, state_journal_reader_fd(t->reader));
        state_journal_reader_close(t->reader);
    }
    state_journal_close(t->journal);
    state_lock_release(t->lock);
    if (t->snap_fd >= 0)
        close(t->snap_fd);
    if (t->sleeper >= 0)
        close(t->sleeper);
    if (t->users_fd >= 0) {
        /* The last one out resets the state and drops the events; the
         * directory, "users" and "lock" stay for the next open (making
         * and removing them cost each lone connection tens of µs). */
        if (ofd_lock(t->users_fd, F_WRLCK) == 1 && same_file(t->users_fd, t->users)) {
            static const char *const gone[] = {"state", "state.new", "events", "events.1",
                                               "events.index"};
            for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++) {
                char *p = join(t->dir, gone[i]);
                if (p)
                    unlink(p);
                free(p);
            }
        }
        close(t->users_fd);
    }
    free(t->base);
    free(t->dir);
    free(t->users);
    free(t->state);
    free(t->lock_path);
    free(t->journal_path);
    free(t);
}

static int read_fd(int fd, const char *path, char **data, size_t *len)
{
    struct stat st;

    if (fstat(fd, &st) < 0) {
        sys_fail("Failed to read file", path, errno);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > TSHARE_STATE_MAX) {
        sys_fail("Failed to read file", path, S_ISREG(st.st_mode) ? EFBIG : EINVAL);
        return -1;
    }
    size_t n = (size_t)st.st_size, got = 0;
    char *buf = malloc(n + 1);
    if (!buf) {
        no_memory();
        return -1;
    }
    while (got < n) {
        ssize_t r = pread(fd, buf + got, n - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            sys_fail("Failed to read file", path, r < 0 ? errno : EIO);
            free(buf);
            return -1;
        }
        got += (size_t)r;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

int tshare_snapshot(struct tshare *t, char **data, size_t *len)
{
    struct stat st, cur;

    *data = NULL;
    *len = 0;
    if (t->loaded) {
        /* A state file is never written in place, only replaced: while
         * the file this copy came from is the one at the path (it is
         * held open, so its inode is not reused), nothing changed. */
        if (stat(t->state, &st) < 0) {
            if (errno == ENOENT && t->snap_fd < 0)
                return 0;
        } else if (t->snap_fd >= 0 && fstat(t->snap_fd, &cur) == 0 && cur.st_ino == st.st_ino &&
                   cur.st_dev == st.st_dev) {
            return 0;
        }
    }
    int fd = open(t->state, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno != ENOENT) {
        sys_fail("Failed to open file", t->state, errno);
        return -1;
    }
    if (fd >= 0 && read_fd(fd, t->state, data, len) < 0) {
        close(fd);
        return -1;
    }
    if (t->snap_fd >= 0)
        close(t->snap_fd);
    t->snap_fd = fd;
    t->loaded = 1;
    return 1;
}

void tshare_forget(struct tshare *t)
{
    t->loaded = 0;
}

int tshare_lock(struct tshare *t, const char *owner)
{
    if (t->lock)
        return 0;
    return state_lock_acquire(t->lock_path, owner, LOCK_TIMEOUT_MS, share_wait, t, &t->lock);
}

void tshare_unlock(struct tshare *t)
{
    state_lock_release(t->lock);
    t->lock = NULL;
}

/* The state is replaced as state/file.h replaces a file (a whole new file
 * renamed over the old one: a reader, or a writer killed at any point,
 * sees the old state or the new), but not synced: it means nothing after
 * a reboot, since the first open after one finds nobody connected and
 * resets it, and the two fsyncs cost about 0.5 ms per call on ext4. Only
 * the lock holder writes, so the temporary file has one name; a killed
 * writer's is truncated by the next. */
int tshare_save(struct tshare *t, const char *data, size_t len)
{
    char *tmp = join(t->dir, "state.new");
    int fd = tmp ? open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
                        0600)
                 : -1;
    size_t done = 0;

    t->loaded = 0;
    if (!tmp) {
        no_memory();
        return -1;
    }
    while (fd >= 0 && done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            break;
        }
        done += (size_t)n;
    }
    if (fd < 0 || done < len || rename(tmp, t->state) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_NONE, "Failed to write file '%s': %s", t->state,
                     strerror(errno));
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    /* fd is now the file at t->state: the memory copy's. */
    if (t->snap_fd >= 0)
        close(t->snap_fd);
    t->snap_fd = fd;
    t->loaded = 1;
    return 0;
}

int tshare_append(struct tshare *t, const void *data, size_t len)
{
    if (!t->journal && state_journal_open(t->journal_path, 0, &t->journal) < 0)
        return -1;
    return state_journal_append(t->journal, data, len, share_wait, t, NULL);
}

int tshare_next_event(struct tshare *t, const void **data, size_t *len)
{
    struct state_journal_record rec;
    int r;

    if (!t->reader)
        return 0;
    r = state_journal_reader_next(t->reader, &rec);
    if (r == 1) {
        *data = rec.data;
        *len = rec.len;
    }
    return r;
}

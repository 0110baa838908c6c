/* src/state/lock: lock files between processes. A holder in another
 * process makes a waiter time out with libvirt's error naming it; killing
 * the holder with SIGKILL frees the lock at once; the wait goes through
 * the caller's callback and ends when it says the client is gone; a lock
 * file removed by its holder is not a lock for whoever waited on it; and
 * four processes incrementing a counter under the lock lose no update. */
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "error.h"
#include "state/lock.h"

#include "check.h"
#include "state-helpers.h"

#define OWNER "remoteDispatchDomainSuspend"
#define WAITER "remoteDispatchDomainResume"

static char lock_path[256];

/* A process that holds a lock until it is told to let it go ('r':
 * release, 'x': remove) or killed. */
struct holder {
    pid_t pid;
    int cmd;   /* write a command here */
    int ready; /* 'L' once it holds the lock, 'D' once it has let it go */
};

static bool holder_start(struct holder *h, const char *path, const char *owner)
{
    int ready[2], cmd[2];
    char c = 0;

    if (pipe(ready) != 0 || pipe(cmd) != 0)
        exit(2);
    h->pid = child_fork();
    if (h->pid == 0) {
        struct state_lock *l;

        close(ready[0]);
        close(cmd[1]);
        if (state_lock_acquire(path, owner, 1000, NULL, NULL, &l) != 0)
            _exit(1);
        if (write(ready[1], "L", 1) != 1)
            _exit(1);
        if (read(cmd[0], &c, 1) == 1) {
            if (c == 'x')
                state_lock_remove(l);
            else
                state_lock_release(l);
            if (write(ready[1], "D", 1) != 1)
                _exit(1);
        }
        /* Alive until the test is done with it: what frees the lock is
         * the release, not an exit. */
        while (read(cmd[0], &c, 1) > 0)
            ;
        _exit(0);
    }
    close(ready[1]);
    close(cmd[0]);
    h->cmd = cmd[1];
    h->ready = ready[0];
    if (read(h->ready, &c, 1) != 1 || c != 'L') {
        FAIL("the holder did not get the lock");
        return false;
    }
    return true;
}

static void holder_end(struct holder *h)
{
    close(h->cmd);
    close(h->ready);
    child_kill(h->pid);
}

static bool error_is(int code, const char *message)
{
    const struct error *e = error_last();

    if (!e || e->code != code || e->domain != FROM_NONE ||
        (message && (!e->message || strcmp(e->message, message) != 0))) {
        fprintf(stderr, "  expected error %d/%d '%s', got %d/%d '%s'\n", code, FROM_NONE,
                message ? message : "", e ? e->code : 0, e ? e->domain : 0,
                e && e->message ? e->message : "(none)");
        return false;
    }
    return true;
}

static char *file_text(const char *path)
{
    static char buf[512];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

    if (fd >= 0)
        close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

/* Whoever waits while another process holds the lock times out with
 * libvirt 9.0's error, naming the holder; the wait goes through the
 * callback, in steps, never past the deadline. */
static void timeout_names_holder(struct holder *h)
{
    struct loop_stub loop = {0};
    struct state_lock *l = (struct state_lock *)1;
    long long t0, took;

    error_clear();
    if (state_lock_try(lock_path, WAITER, &l) != 0 || l)
        FAIL("try on a held lock did not say busy");
    if (error_last())
        FAIL("a busy try recorded an error: %s", error_last_message());
    t0 = clock_mono_ms();
    if (state_lock_acquire(lock_path, WAITER, 300, loop_stub_wait, &loop, &l) != -1) {
        FAIL("a held lock was acquired");
        state_lock_release(l);
        return;
    }
    took = clock_mono_ms() - t0;
    if (!error_is(ERR_OPERATION_TIMEOUT,
                  "Timed out during operation: cannot acquire state change lock "
                  "(held by monitor=" OWNER ")"))
        FAIL("wrong timeout error");
    if (took < 300 || took > 1500)
        FAIL("timed out after %lld ms, asked for 300", took);
    if (loop.calls < 5)
        FAIL("the wait callback ran %d times in 300 ms", loop.calls);
    if (loop.last_deadline > t0 + 301)
        FAIL("the callback was asked to wait past the deadline (%lld > %lld)",
             loop.last_deadline, t0 + 300);
    /* No time at all: one try, and the same error. */
    if (state_lock_acquire(lock_path, WAITER, 0, loop_stub_wait, &loop, &l) != -1 ||
        !error_is(ERR_OPERATION_TIMEOUT, NULL))
        FAIL("a zero timeout on a held lock did not time out");
}

struct killer {
    struct loop_stub loop;
    pid_t victim;
    long long killed_at;
};

static int kill_holder_wait(void *opaque, long long deadline_ms)
{
    struct killer *k = opaque;

    if (!k->killed_at) {
        kill(k->victim, SIGKILL);
        child_wait(k->victim);
        k->killed_at = clock_mono_ms();
    }
    return loop_stub_wait(&k->loop, deadline_ms);
}

/* SIGKILL of the holder frees the lock at once: no stale lock. */
static void killed_holder_frees_it(struct holder *h)
{
    struct killer k = {.victim = h->pid};
    struct state_lock *l;
    char expect[128];
    long long took;

    if (state_lock_acquire(lock_path, WAITER, 5000, kill_holder_wait, &k, &l) != 0) {
        FAIL("the lock of a killed holder was not taken: %s", error_last_message());
        return;
    }
    took = clock_mono_ms() - k.killed_at;
    /* The pauses between tries end at 20 ms. */
    if (!k.killed_at || took > 250)
        FAIL("the lock was taken %lld ms after its holder was killed", took);
    snprintf(expect, sizeof(expect), "owner=" WAITER "\npid=%ld\n", (long)getpid());
    if (strcmp(file_text(lock_path), expect) != 0)
        FAIL("the lock file says '%s', expected '%s'", file_text(lock_path), expect);
    state_lock_release(l);
    if (file_text(lock_path)[0])
        FAIL("the lock file still names a holder after release: '%s'", file_text(lock_path));
    printf("lock: taken %lld ms after its holder was killed\n", took);
}

static void unnamed_holder(void)
{
    struct holder h;
    struct state_lock *l;

    if (!holder_start(&h, lock_path, NULL))
        return;
    if (state_lock_acquire(lock_path, WAITER, 100, loop_stub_wait, &(struct loop_stub){0},
                           &l) != -1 ||
        !error_is(ERR_OPERATION_TIMEOUT,
                  "Timed out during operation: cannot acquire state change lock"))
        FAIL("wrong timeout for a holder that did not say who it is");
    holder_end(&h);
}

/* The wait callback says the client is gone: the wait ends there. */
static void client_gone(void)
{
    struct loop_stub loop = {.gone_after = 3};
    struct holder h;
    struct state_lock *l;
    long long t0 = clock_mono_ms();

    if (!holder_start(&h, lock_path, OWNER))
        return;
    if (state_lock_acquire(lock_path, WAITER, 5000, loop_stub_wait, &loop, &l) != -1 ||
        !error_is(ERR_OPERATION_ABORTED, NULL))
        FAIL("a wait whose client went away did not end with ERR_OPERATION_ABORTED");
    if (loop.calls != 3 || clock_mono_ms() - t0 > 1000)
        FAIL("the wait went on after the client left: %d calls, %lld ms", loop.calls,
             clock_mono_ms() - t0);
    holder_end(&h);
}

struct releaser {
    struct loop_stub loop;
    struct holder *h;
    char command;
    long long told_at;
};

static int tell_holder_wait(void *opaque, long long deadline_ms)
{
    struct releaser *r = opaque;

    if (r->loop.calls == 2 && write(r->h->cmd, &r->command, 1) == 1)
        r->told_at = clock_mono_ms();
    return loop_stub_wait(&r->loop, deadline_ms);
}

/* A holder that releases (and lives on) lets the waiter in. */
static void release_lets_waiter_in(void)
{
    struct holder h;
    struct releaser r = {.h = &h, .command = 'r'};
    struct state_lock *l;
    char c;

    if (!holder_start(&h, lock_path, OWNER))
        return;
    if (state_lock_acquire(lock_path, WAITER, 5000, tell_holder_wait, &r, &l) != 0) {
        FAIL("the lock released by its holder was not taken: %s", error_last_message());
    } else {
        if (!r.told_at || clock_mono_ms() - r.told_at > 250)
            FAIL("taken %lld ms after the release", clock_mono_ms() - r.told_at);
        if (read(h.ready, &c, 1) != 1 || c != 'D' || kill(h.pid, 0) != 0)
            FAIL("the holder did not release and live on");
        state_lock_release(l);
    }
    holder_end(&h);
}

/* A holder removes the lock file (undefine) while another process waits
 * on it: the waiter must end up holding the file that has the name, so a
 * third comer is kept out. */
static void removed_while_waiting(void)
{
    struct holder h;
    struct releaser r = {.h = &h, .command = 'x'};
    struct state_lock *l, *third;
    struct stat st;

    if (!holder_start(&h, lock_path, OWNER))
        return;
    if (state_lock_acquire(lock_path, WAITER, 5000, tell_holder_wait, &r, &l) != 0) {
        FAIL("no lock after its file was removed: %s", error_last_message());
        holder_end(&h);
        return;
    }
    if (stat(lock_path, &st) != 0)
        FAIL("the lock file is not there again");
    if (state_lock_try(lock_path, "third", &third) != 0) {
        FAIL("a third comer got the lock: the waiter held the removed file");
        state_lock_release(third);
    }
    state_lock_release(l);
    holder_end(&h);
}

/* Two handles in one process exclude each other (OFD locks, not POSIX
 * ones), and locks on two files (a domain's, the driver's) do not. */
static void one_process(void)
{
    char driver_path[300];
    struct state_lock *a, *b, *d;

    snprintf(driver_path, sizeof(driver_path), "%s/driver.lock", test_dir);
    if (state_lock_try(lock_path, "a", &a) != 1) {
        FAIL("a free lock was not taken: %s", error_last_message());
        return;
    }
    if (state_lock_try(lock_path, "b", &b) != 0)
        FAIL("a second handle in the same process got a held lock");
    if (state_lock_try(driver_path, "driver", &d) != 1)
        FAIL("the driver lock was not independent of a domain's");
    else
        state_lock_release(d);
    state_lock_release(a);
    if (state_lock_try(lock_path, "b", &b) != 1)
        FAIL("the lock was not free after release");
    else
        state_lock_release(b);
}

static void bad_input(void)
{
    char missing[300], msg[400];
    struct state_lock *l;

    if (state_lock_try(lock_path, "two\nlines", &l) != -1 || !error_is(ERR_INVALID_ARG, NULL))
        FAIL("an owner with a newline was accepted");
    snprintf(missing, sizeof(missing), "%s/no/such.lock", test_dir);
    snprintf(msg, sizeof(msg), "Failed to open lock file '%s': No such file or directory",
             missing);
    if (state_lock_acquire(missing, OWNER, 100, NULL, NULL, &l) != -1 ||
        !error_is(ERR_SYSTEM_ERROR, msg))
        FAIL("wrong error for a lock in a missing directory");
}

/* Four processes increment a counter in a plain file, read-pause-write,
 * under the lock: a lost update means two held it at once. */
static void mutual_exclusion(void)
{
    enum { PROCS = 4, ROUNDS = 40 };
    char counter[300];
    pid_t pids[PROCS];
    int fd;
    char *text;

    snprintf(counter, sizeof(counter), "%s/counter", test_dir);
    fd = open(counter, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, "0", 1) != 1)
        exit(2);
    close(fd);
    for (int p = 0; p < PROCS; p++) {
        pids[p] = child_fork();
        if (pids[p] != 0)
            continue;
        for (int i = 0; i < ROUNDS; i++) {
            struct state_lock *l;
            char buf[32] = "";
            long v;

            if (state_lock_acquire(lock_path, "counter", 5000, NULL, NULL, &l) != 0)
                _exit(1);
            fd = open(counter, O_RDWR);
            if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
                _exit(1);
            v = strtol(buf, NULL, 10);
            usleep(200);
            snprintf(buf, sizeof(buf), "%ld", v + 1);
            if (pwrite(fd, buf, strlen(buf), 0) != (ssize_t)strlen(buf))
                _exit(1);
            close(fd);
            state_lock_release(l);
        }
        _exit(0);
    }
    for (int p = 0; p < PROCS; p++)
        if (child_wait(pids[p]) != 0)
            FAIL("counting process %d failed", p);
    text = file_text(counter);
    if (strtol(text, NULL, 10) != PROCS * ROUNDS)
        FAIL("the counter is %s, expected %d: updates were lost", text, PROCS * ROUNDS);
}

/* A lock handed to another process (state_lock_fd, as a starter hands
 * a domain's locks to its supervisor) stays held after the giver leaves
 * it, until the taker exits; state_lock_held sees it without taking it. */
static void handed_over(void)
{
    char path[300];
    struct state_lock *l, *other;
    int go[2];
    char c;

    snprintf(path, sizeof(path), "%s/handed.lock", test_dir);
    if (state_lock_held(path) != 0)
        FAIL("a lock file that is not there is held");
    if (state_lock_try(path, OWNER, &l) != 1) {
        FAIL("cannot take the lock to hand over");
        return;
    }
    if (state_lock_held(path) != 1)
        FAIL("a held lock is not seen as held");
    if (pipe(go) != 0)
        exit(2);
    pid_t pid = child_fork();
    if (pid == 0) {
        int fd = fcntl(state_lock_fd(l), F_DUPFD, 10); /* what an exec keeps */
        close(go[1]);
        if (read(go[0], &c, 1) < 0)
            _exit(1);
        close(fd);
        _exit(0);
    }
    close(go[0]);
    state_lock_leave(l);
    if (state_lock_try(path, WAITER, &other) != 0)
        FAIL("the lock was let go when the giver left it");
    if (state_lock_held(path) != 1)
        FAIL("a lock handed over is not seen as held");
    close(go[1]);
    if (child_wait(pid) != 0)
        FAIL("the taker failed");
    if (state_lock_held(path) != 0)
        FAIL("the lock is still held after the taker exited");
    if (state_lock_try(path, WAITER, &other) != 1)
        FAIL("the lock cannot be taken after the taker exited");
    else
        state_lock_release(other);
}

int main(void)
{
    struct holder h;

    test_dir_make();
    snprintf(lock_path, sizeof(lock_path), "%s/vm1.lock", test_dir);
    if (holder_start(&h, lock_path, OWNER)) {
        timeout_names_holder(&h);
        killed_holder_frees_it(&h);
        close(h.cmd);
        close(h.ready);
    }
    unnamed_holder();
    client_gone();
    release_lets_waiter_in();
    removed_while_waiting();
    one_process();
    bad_input();
    mutual_exclusion();
    handed_over();
    if (failures)
        return 1;
    printf("state-lock: all passed\n");
    return 0;
}

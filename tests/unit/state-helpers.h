/* What the src/state/ tests share: a temporary directory removed at the
 * end, children that die with the test (so a failing or killed test
 * leaves no process behind), a wait callback that stands in for the
 * session's event loop, and a seeded random source whose seed is printed
 * so that a failure can be replayed (STATE_TEST_SEED=N). */
#ifndef TESTS_UNIT_STATE_HELPERS_H
#define TESTS_UNIT_STATE_HELPERS_H

#include <errno.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

static char test_dir[64];

static inline int remove_entry(const char *path, const struct stat *st, int flag,
                               struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline void test_dir_remove(void)
{
    if (test_dir[0])
        nftw(test_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    test_dir[0] = '\0';
}

/* A new empty directory, /tmp/state-XXXXXX, removed at exit. */
static inline const char *test_dir_make(void)
{
    snprintf(test_dir, sizeof(test_dir), "/tmp/state-XXXXXX");
    if (!mkdtemp(test_dir)) {
        perror("mkdtemp");
        exit(2);
    }
    atexit(test_dir_remove);
    return test_dir;
}

/* fork() for a child that is killed when the test process dies. The
 * child must end with _exit. */
static inline pid_t child_fork(void)
{
    pid_t parent = getpid(), pid = fork();

    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(3);
    }
    return pid;
}

/* Waits for pid; returns its exit status, or 128 + signal. */
static inline int child_wait(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static inline void child_kill(pid_t pid)
{
    kill(pid, SIGKILL);
    child_wait(pid);
}

/* The wait callback, as the session's loop would run it: sleeps (here:
 * poll with nothing to watch) until the deadline. */
struct loop_stub {
    int calls;
    long long last_deadline;
    int gone_after; /* > 0: the client goes away at this call */
};

static inline int loop_stub_wait(void *opaque, long long deadline_ms)
{
    struct loop_stub *l = opaque;
    long long now = clock_mono_ms();

    l->calls++;
    l->last_deadline = deadline_ms;
    if (l->gone_after && l->calls >= l->gone_after)
        return -1;
    if (deadline_ms > now)
        poll(NULL, 0, (int)(deadline_ms - now));
    return 0;
}

static uint64_t rand_state;

static inline void rand_seed(const char *test)
{
    const char *env = getenv("STATE_TEST_SEED");

    rand_state =
        env ? strtoull(env, NULL, 10) : (uint64_t)time(NULL) ^ (uint64_t)getpid() << 16;
    if (!rand_state)
        rand_state = 1;
    printf("%s: seed %llu\n", test, (unsigned long long)rand_state);
    fflush(stdout);
}

/* xorshift64*: a number in [0, n). */
static inline uint64_t rand_below(uint64_t n)
{
    rand_state ^= rand_state >> 12;
    rand_state ^= rand_state << 25;
    rand_state ^= rand_state >> 27;
    return (rand_state * 0x2545f4914f6cdd1dull) % n;
}

/* A child's own sequence, different from its parent's and siblings'. */
static inline void rand_fork_reseed(uint64_t salt)
{
    rand_state ^= (salt + 1) * 0x9e3779b97f4a7c15ull;
    if (!rand_state)
        rand_state = 1;
}

#endif

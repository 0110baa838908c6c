/* clock: the monotonic clock in milliseconds, for deadlines and timers in
 * the daemon's session loop and the client library's event loop and
 * keepalive, and in microseconds for the session loop's spin wait. */
#ifndef RPC_CLOCK_H
#define RPC_CLOCK_H

#include <time.h>

static inline long long clock_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline long long clock_mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#endif

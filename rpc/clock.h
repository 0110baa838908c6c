/* clock: milliseconds on the monotonic clock, for deadlines and timers in
 * the daemon's session loop and the client library's event loop and
 * keepalive. */
#ifndef RPC_CLOCK_H
#define RPC_CLOCK_H

#include <time.h>

static inline long long clock_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif

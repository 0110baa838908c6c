/* util: what the three state modules (file, lock, journal) share and
 * nobody else needs: a path as a directory fd and a name, OFD locks that
 * never block, waiting with back-off through the caller's callback, whole
 * writes, CRC-32 and little-endian fields. Internal to src/state/. */
#ifndef SRC_STATE_UTIL_H
#define SRC_STATE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lock.h"

/* Opens the directory `path` is in (O_PATH is not enough: it is fsync'd)
 * and points *name at the last component inside `path`. Returns the
 * directory fd, or -1 with errno set (EINVAL: no last component, or it is
 * "." or ".."). */
int state_path_dir(const char *path, const char **name);

/* fsync of a directory; errno kept for the caller's message. */
int state_dir_sync(int dirfd);

/* Takes an OFD lock of `type` (F_RDLCK, F_WRLCK) on the whole of fd
 * without waiting. Returns 1 when taken, 0 when another open file
 * description holds a conflicting one, -1 with errno set. */
int state_ofd_trylock(int fd, short type);
void state_ofd_unlock(int fd);

/* A wait that grows: each step is twice the last, up to max_us. Steps
 * shorter than a millisecond are slept (they cannot hurt the event loop);
 * longer ones go through the caller's wait callback when there is one. */
struct state_backoff {
    long long step_us;
    long long max_us;
};

/* Waits one step, never past deadline_ms (monotonic). Returns 1 when the
 * caller should try again, 0 when the deadline has passed, -1 when the
 * wait callback says the client is gone. */
int state_backoff_wait(struct state_backoff *b, long long deadline_ms, state_wait_fn wait,
                       void *opaque);

/* Writes all of buf at off (pwrite), retrying short writes and EINTR.
 * Returns 0, or -1 with errno set. */
int state_pwrite_all(int fd, const void *buf, size_t len, off_t off);

/* Reads up to len bytes at off, retrying short reads and EINTR until
 * end of file. Returns the bytes read, or -1 with errno set. */
ssize_t state_pread_all(int fd, void *buf, size_t len, off_t off);

/* CRC-32 (IEEE 802.3, as zlib's crc32) of len bytes. */
uint32_t state_crc32(const void *data, size_t len);

static inline void state_put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline void state_put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint32_t state_get_le32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static inline uint64_t state_get_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

#endif

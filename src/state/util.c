#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

int state_path_dir(const char *path, const char **name)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char *dir;
    int fd, e;

    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        errno = EINVAL;
        return -1;
    }
    if (!slash)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else
        dir = strndup(path, (size_t)(slash - path));
    if (!dir)
        return -1;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    e = errno;
    free(dir);
    errno = e;
    if (fd >= 0)
        *name = base;
    return fd;
}

int state_dir_sync(int dirfd)
{
    /* Some file systems cannot sync a directory; their renames are as
     * durable as they get. */
    if (fsync(dirfd) < 0 && errno != EINVAL && errno != EROFS)
        return -1;
    return 0;
}

int state_ofd_trylock(int fd, short type)
{
    struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};

    while (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
        if (errno == EAGAIN || errno == EACCES)
            return 0;
        if (errno != EINTR)
            return -1;
    }
    return 1;
}

void state_ofd_unlock(int fd)
{
    struct flock fl = {.l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};

    while (fcntl(fd, F_OFD_SETLK, &fl) < 0 && errno == EINTR)
        ;
}

int state_backoff_wait(struct state_backoff *b, long long deadline_ms, state_wait_fn wait,
                       void *opaque)
{
    long long now_us = clock_mono_us(), until_us, step = b->step_us;

    if (now_us >= deadline_ms * 1000)
        return 0;
    until_us = now_us + step;
    if (until_us > deadline_ms * 1000)
        until_us = deadline_ms * 1000;
    b->step_us = step * 2 > b->max_us ? b->max_us : step * 2;
    if (wait && step >= 1000)
        return wait(opaque, (until_us + 999) / 1000) < 0 ? -1 : 1;

    struct timespec ts = {.tv_sec = (until_us - now_us) / 1000000,
                          .tv_nsec = (until_us - now_us) % 1000000 * 1000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    return 1;
}

int state_pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t)n;
        off += n;
    }
    return 0;
}

ssize_t state_pread_all(int fd, void *buf, size_t len, off_t off)
{
    char *p = buf;
    size_t got = 0;

    while (got < len) {
        ssize_t n = pread(fd, p + got, len - got, off + (off_t)got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

uint32_t state_crc32(const void *data, size_t len)
{
    static uint32_t table[256];
    const unsigned char *p = data;
    uint32_t crc = 0xffffffffu;

    /* The table is filled once; the process is single-threaded, and two
     * threads filling it would write the same values. */
    if (!table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    while (len--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc ^ 0xffffffffu;
}

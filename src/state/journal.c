#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "util.h"

/* The magics are these four bytes in the files. */
#define MAGIC(a, b, c, d)                                                                      \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define INDEX_MAGIC MAGIC('L', 'V', 'J', 'I')
#define FILE_MAGIC MAGIC('L', 'V', 'J', 'G')
#define FRAME_MAGIC MAGIC('L', 'V', 'J', 'R')
#define FORMAT_VERSION 1

/* The layouts (little-endian; docs/state.md):
 * index:  magic, version, generation (8), end (8), last sequence (8),
 *         CRC-32 of the 32 bytes before it, 4 zero bytes;
 * a generation's header: magic, version, generation (8), CRC-32 of the
 *         16 bytes before it, 4 zero bytes;
 * a frame: magic, record length, sequence (8), CRC-32 of the record,
 *         CRC-32 of the 20 bytes before it; then the record. */
#define INDEX_SIZE 40
#define FILE_HEADER_SIZE 24
#define FRAME_HEADER_SIZE 24
#define FRAME_MAX (FRAME_HEADER_SIZE + STATE_JOURNAL_RECORD_MAX)

/* A reader reads ahead this much: two whole frames at least. */
#define READ_AHEAD (2 * FRAME_MAX)

/* An appender waiting for the lock, held for microseconds, starts with
 * short sleeps (10 us, doubling) and uses the caller's wait callback once
 * the pauses reach a millisecond. */
#define PAUSE_FIRST_US 10
#define PAUSE_MAX_US 5000

/* Reads of the index that met a write under way, before the reader waits
 * for the next write to wake it. */
#define INDEX_READ_TRIES 100

/* Tries at finding the current generation's file when a reader starts,
 * each after a rotation got in between. */
#define START_TRIES 10

#define POLL_INTERVAL_MS 50

struct names {
    char cur[PATH_MAX];   /* events */
    char old[PATH_MAX];   /* events.1 */
    char index[PATH_MAX]; /* events.index */
    char next[PATH_MAX];  /* events.new: the next generation being made */
    char link[PATH_MAX];  /* events.1.new: "events" about to become "events.1" */
};

struct index {
    uint64_t gen;
    uint64_t end;
    uint64_t seq;
};

/* What reads frames from one generation's file. */
struct scan {
    int fd;             /* -1: none */
    off_t limit;        /* the committed end: nothing at or past it is read */
    unsigned char *buf; /* READ_AHEAD bytes */
    off_t buf_off;      /* file offset of buf[0] */
    size_t buf_len;
};

struct state_journal {
    struct names n;
    int index_fd;
    int data_fd; /* the file of generation data_gen, or -1 */
    uint64_t data_gen;
    size_t rotate;
    unsigned char *frame; /* FRAME_MAX bytes */
};

struct state_journal_reader {
    struct names n;
    int index_fd;
    int notify_fd;     /* inotify on the index, or a timerfd */
    struct scan s;     /* s.fd: the generation being read */
    uint64_t gen;      /* its number, 0 before the first */
    bool final;        /* the index has moved past it: s.limit is its size */
    off_t pos;         /* where its next frame starts */
    uint64_t last_seq; /* the last record given, or where reading started */
    struct index ix;   /* the index as last read */
    bool ix_valid;
};

static int fail(const char *what, const char *path, int e)
{
    error_report(ERR_SYSTEM_ERROR, FROM_NONE, "Failed to %s event journal '%s': %s", what, path,
                 strerror(e));
    errno = e;
    return -1;
}

static int name(char *buf, const char *path, const char *suffix)
{
    int len = snprintf(buf, PATH_MAX, "%s%s", path, suffix);

    return len < 0 || len >= PATH_MAX ? -1 : 0;
}

static int names_fill(struct names *n, const char *path)
{
    if (name(n->cur, path, "") < 0 || name(n->old, path, ".1") < 0 ||
        name(n->index, path, ".index") < 0 || name(n->next, path, ".new") < 0 ||
        name(n->link, path, ".1.new") < 0)
        return fail("open", path, ENAMETOOLONG);
    return 0;
}

static void index_encode(const struct index *ix, unsigned char *b)
{
    memset(b, 0, INDEX_SIZE);
    state_put_le32(b, INDEX_MAGIC);
    state_put_le32(b + 4, FORMAT_VERSION);
    state_put_le64(b + 8, ix->gen);
    state_put_le64(b + 16, ix->end);
    state_put_le64(b + 24, ix->seq);
    state_put_le32(b + 32, state_crc32(b, 32));
}

/* Reads the index. Returns 1 when it is valid, 0 when the file is empty
 * (a journal nobody has appended to), -1 when it is not valid (damaged,
 * or being written right now), -2 on an I/O error (errno set). */
static int index_read(int fd, struct index *ix)
{
    unsigned char b[INDEX_SIZE];
    ssize_t n = state_pread_all(fd, b, INDEX_SIZE, 0);

    if (n < 0)
        return -2;
    if (n == 0)
        return 0;
    if (n != INDEX_SIZE || state_get_le32(b) != INDEX_MAGIC ||
        state_get_le32(b + 4) != FORMAT_VERSION || state_get_le32(b + 32) != state_crc32(b, 32))
        return -1;
    ix->gen = state_get_le64(b + 8);
    ix->end = state_get_le64(b + 16);
    ix->seq = state_get_le64(b + 24);
    if (!ix->gen || ix->end < FILE_HEADER_SIZE || ix->end > (uint64_t)INT64_MAX)
        return -1;
    return 1;
}

/* Opens a generation's file, checks its header and tells its generation
 * and size. Returns the fd, or -1 with errno set (EINVAL: not a valid
 * generation file). */
static int gen_open(const char *path, int flags, uint64_t *gen, off_t *size)
{
    unsigned char h[FILE_HEADER_SIZE];
    struct stat st;
    int fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
        state_pread_all(fd, h, FILE_HEADER_SIZE, 0) != FILE_HEADER_SIZE ||
        state_get_le32(h) != FILE_MAGIC || state_get_le32(h + 4) != FORMAT_VERSION ||
        state_get_le32(h + 16) != state_crc32(h, 16) || !state_get_le64(h + 8)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    *gen = state_get_le64(h + 8);
    *size = st.st_size;
    return fd;
}

/* Makes [off, off + n) of the file, below s->limit, available in the
 * buffer. Returns it, or NULL when the file does not have it (*err 0) or
 * on an I/O error (*err set). */
static const unsigned char *scan_get(struct scan *s, off_t off, size_t n, int *err)
{
    size_t want;
    ssize_t got;

    if (off >= s->buf_off && (size_t)(off - s->buf_off) + n <= s->buf_len)
        return s->buf + (off - s->buf_off);
    if (off + (off_t)n > s->limit)
        return NULL;
    want = s->limit - off < READ_AHEAD ? (size_t)(s->limit - off) : READ_AHEAD;
    got = state_pread_all(s->fd, s->buf, want, off);
    if (got < 0) {
        *err = errno;
        s->buf_len = 0;
        return NULL;
    }
    s->buf_off = off;
    s->buf_len = (size_t)got;
    return (size_t)got >= n ? s->buf : NULL;
}

/* Whether a valid frame starts at off: 1 (with its record's length,
 * sequence number and bytes); 2 when its header is valid but its record
 * is not (*len says how much to skip); 0 when there is no frame header
 * there; -1 on an I/O error (errno). */
static int scan_frame(struct scan *s, off_t off, uint32_t *len, uint64_t *seq,
                      const unsigned char **record)
{
    const unsigned char *h, *f;
    uint32_t n;
    int err = 0;

    h = scan_get(s, off, FRAME_HEADER_SIZE, &err);
    if (!h)
        goto none;
    if (state_get_le32(h) != FRAME_MAGIC || state_get_le32(h + 20) != state_crc32(h, 20))
        return 0;
    n = state_get_le32(h + 4);
    if (n > STATE_JOURNAL_RECORD_MAX)
        return 0;
    *seq = state_get_le64(h + 8);
    f = scan_get(s, off, FRAME_HEADER_SIZE + n, &err);
    if (!f)
        goto none;
    *len = n;
    if (state_crc32(f + FRAME_HEADER_SIZE, n) != state_get_le32(f + 16))
        return 2;
    *record = f + FRAME_HEADER_SIZE;
    return 1;
none:
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

/* Where the first valid frame after off starts (s->limit when none
 * does), or -1 on an I/O error (errno). */
static off_t scan_resync(struct scan *s, off_t off)
{
    for (off_t at = off + 1; at + FRAME_HEADER_SIZE <= s->limit; at++) {
        const unsigned char *p, *record;
        uint32_t len;
        uint64_t seq;
        int err = 0, v;

        p = scan_get(s, at, 4, &err);
        if (!p) {
            if (err) {
                errno = err;
                return -1;
            }
            break;
        }
        if (state_get_le32(p) != FRAME_MAGIC)
            continue;
        v = scan_frame(s, at, &len, &seq, &record);
        if (v < 0)
            return -1;
        if (v == 1)
            return at;
    }
    return s->limit;
}

/* ---- appending ---- */

static int index_write(struct state_journal *j, const struct index *ix)
{
    unsigned char b[INDEX_SIZE];

    index_encode(ix, b);
    if (state_pwrite_all(j->index_fd, b, INDEX_SIZE, 0) < 0)
        return fail("write", j->n.index, errno);
    return 0;
}

/* Starts generation gen, the one before it (if any) being complete and
 * cut at its committed end: a new file becomes "events" and the one it
 * replaces "events.1", then the index commits it. "events" is there all
 * along: it is linked as "events.1" before it is replaced. Returns 0, or
 * -1 with the error recorded. */
static int start_generation(struct state_journal *j, struct index *ix, uint64_t gen,
                            uint64_t seq)
{
    unsigned char h[FILE_HEADER_SIZE] = {0};
    struct index next = {gen, FILE_HEADER_SIZE, seq};
    const char *failed = j->n.next;
    int fd, e;

    fd = open(j->n.next, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail("write", j->n.next, errno);
    state_put_le32(h, FILE_MAGIC);
    state_put_le32(h + 4, FORMAT_VERSION);
    state_put_le64(h + 8, gen);
    state_put_le32(h + 16, state_crc32(h, 16));
    if (state_pwrite_all(fd, h, FILE_HEADER_SIZE, 0) < 0)
        goto fail;
    failed = j->n.old;
    if (unlink(j->n.link) < 0 && errno != ENOENT)
        goto fail;
    if (link(j->n.cur, j->n.link) == 0) {
        if (rename(j->n.link, j->n.old) < 0)
            goto fail;
    } else if (errno != ENOENT && rename(j->n.cur, j->n.old) < 0 && errno != ENOENT) {
        /* Without hard links, "events" is missing for a moment: readers
         * that start then try again. */
        goto fail;
    }
    failed = j->n.cur;
    if (rename(j->n.next, j->n.cur) < 0)
        goto fail;
    if (j->data_fd >= 0)
        close(j->data_fd);
    j->data_fd = -1;
    /* Not committed until the index says so: an appender that finds the
     * new file uncommitted commits it (journal_sync). */
    if (index_write(j, &next) < 0) {
        close(fd);
        return -1;
    }
    j->data_fd = fd;
    j->data_gen = gen;
    *ix = next;
    return 0;
fail:
    e = errno;
    close(fd);
    return fail("write", failed, e);
}

/* The highest sequence number of the valid frames in the generation file
 * at path (0: none, or no such file). */
static uint64_t highest_seq(const char *path, uint64_t *gen)
{
    struct scan s = {.fd = -1};
    uint64_t top = 0, g = 0;
    off_t pos = FILE_HEADER_SIZE;

    s.fd = gen_open(path, O_RDONLY, &g, &s.limit);
    s.buf = malloc(READ_AHEAD);
    if (s.fd >= 0 && s.buf) {
        if (g > *gen)
            *gen = g;
        while (pos < s.limit) {
            const unsigned char *record;
            uint32_t len;
            uint64_t seq;
            int v = scan_frame(&s, pos, &len, &seq, &record);
            if (v < 0)
                break;
            if (v == 0) {
                pos = scan_resync(&s, pos);
                if (pos < 0)
                    break;
                continue;
            }
            if (seq > top)
                top = seq;
            pos += FRAME_HEADER_SIZE + len;
        }
    }
    if (s.fd >= 0)
        close(s.fd);
    free(s.buf);
    return top;
}

/* A damaged index: a new generation, numbered past both files', whose
 * sequence numbers go on from the highest either has, so readers neither
 * get a number twice nor take the damage for a reset. */
static int recover(struct state_journal *j, struct index *ix)
{
    uint64_t gen = 0, seq = highest_seq(j->n.cur, &gen), seq_old = highest_seq(j->n.old, &gen);

    return start_generation(j, ix, gen + 1, seq > seq_old ? seq : seq_old);
}

/* Whether path names the file open as fd. */
static bool is_named(int fd, const char *path)
{
    struct stat open_st, named;

    return fstat(fd, &open_st) == 0 && lstat(path, &named) == 0 &&
           open_st.st_dev == named.st_dev && open_st.st_ino == named.st_ino;
}

/* Under the lock: makes *ix the committed state and j->data_fd the file of
 * its generation, cut at the committed end. Repairs what an appender
 * killed part way left: a frame it had not committed is cut off (no
 * reader has seen it), a rotation it had not committed is committed.
 * Returns 0, or -1 with the error recorded. */
static int journal_sync(struct state_journal *j, struct index *ix)
{
    struct stat st;
    uint64_t gen;
    off_t size;
    int v = index_read(j->index_fd, ix), fd;

    if (v == -2)
        return fail("read", j->n.index, errno);
    if (v == 0)
        return start_generation(j, ix, 1, 0);
    if (v < 0)
        return recover(j, ix);
    /* The file kept from the last append is the current one while it has
     * the index's generation and the name "events": a rotation killed
     * before its commit leaves the name to the next generation's file. */
    if (j->data_fd < 0 || j->data_gen != ix->gen || !is_named(j->data_fd, j->n.cur)) {
        if (j->data_fd >= 0)
            close(j->data_fd);
        j->data_fd = -1;
        fd = gen_open(j->n.cur, O_RDWR, &gen, &size);
        if (fd < 0 && errno != ENOENT && errno != EINVAL)
            return fail("open", j->n.cur, errno);
        if (fd < 0)
            return start_generation(j, ix, ix->gen + 1, ix->seq);
        if (gen == ix->gen + 1 && size == FILE_HEADER_SIZE) {
            struct index next = {gen, FILE_HEADER_SIZE, ix->seq};
            if (index_write(j, &next) < 0) {
                close(fd);
                return -1;
            }
            *ix = next;
        } else if (gen != ix->gen) {
            close(fd);
            return start_generation(j, ix, (gen > ix->gen ? gen : ix->gen) + 1, ix->seq);
        }
        j->data_fd = fd;
        j->data_gen = gen;
    }
    if (fstat(j->data_fd, &st) < 0)
        return fail("read", j->n.cur, errno);
    /* Shorter than its committed records: someone else cut it. Its
     * readers read what is left; the journal goes on in a new file. */
    if ((uint64_t)st.st_size < ix->end)
        return start_generation(j, ix, ix->gen + 1, ix->seq);
    if ((uint64_t)st.st_size > ix->end && ftruncate(j->data_fd, (off_t)ix->end) < 0)
        return fail("write", j->n.cur, errno);
    return 0;
}

int state_journal_open(const char *path, size_t rotate_bytes, struct state_journal **journal)
{
    struct state_journal *j = calloc(1, sizeof(*j));

    *journal = NULL;
    if (!j || !(j->frame = malloc(FRAME_MAX))) {
        free(j);
        error_report(ERR_NO_MEMORY, FROM_NONE, NULL);
        return -1;
    }
    j->index_fd = j->data_fd = -1;
    j->rotate = rotate_bytes ? rotate_bytes : STATE_JOURNAL_ROTATE_DEFAULT;
    if (names_fill(&j->n, path) < 0)
        goto fail;
    j->index_fd = open(j->n.index, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
    if (j->index_fd < 0) {
        fail("open", j->n.index, errno);
        goto fail;
    }
    *journal = j;
    return 0;
fail:
    state_journal_close(j);
    return -1;
}

int state_journal_append(struct state_journal *j, const void *data, size_t len,
                         state_wait_fn wait, void *opaque, uint64_t *seq)
{
    struct state_backoff pause = {PAUSE_FIRST_US, PAUSE_MAX_US};
    long long deadline = clock_mono_ms() + STATE_JOURNAL_LOCK_TIMEOUT_MS;
    unsigned char *h = j->frame;
    struct index ix;
    size_t size = FRAME_HEADER_SIZE + len;
    int r, ret = -1;

    if (len > STATE_JOURNAL_RECORD_MAX) {
        error_report(ERR_INVALID_ARG, FROM_NONE,
                     "an event record of %zu bytes is over the limit of %d", len,
                     STATE_JOURNAL_RECORD_MAX);
        return -1;
    }
    while ((r = state_ofd_trylock(j->index_fd, F_WRLCK)) == 0) {
        int w = state_backoff_wait(&pause, deadline, wait, opaque);
        if (w < 0) {
            error_report(ERR_OPERATION_ABORTED, FROM_NONE,
                         "cannot append to event journal '%s': the client is gone", j->n.cur);
            return -1;
        }
        if (w == 0) {
            error_report(ERR_OPERATION_TIMEOUT, FROM_NONE,
                         "cannot append to event journal '%s': its lock stays held", j->n.cur);
            return -1;
        }
    }
    if (r < 0)
        return fail("lock", j->n.index, errno);
    if (journal_sync(j, &ix) < 0)
        goto out;
    if (ix.end > FILE_HEADER_SIZE && ix.end + size > j->rotate &&
        start_generation(j, &ix, ix.gen + 1, ix.seq) < 0)
        goto out;
    state_put_le32(h, FRAME_MAGIC);
    state_put_le32(h + 4, (uint32_t)len);
    state_put_le64(h + 8, ix.seq + 1);
    state_put_le32(h + 16, state_crc32(data, len));
    state_put_le32(h + 20, state_crc32(h, 20));
    if (len)
        memcpy(h + FRAME_HEADER_SIZE, data, len);
    /* One write past the committed end, then the commit. Killed between
     * the two, the frame was never there for readers, and the next
     * appender cuts it off. */
    if (state_pwrite_all(j->data_fd, h, size, (off_t)ix.end) < 0) {
        fail("write", j->n.cur, errno);
        goto out;
    }
    ix.end += size;
    ix.seq++;
    if (index_write(j, &ix) < 0)
        goto out;
    if (seq)
        *seq = ix.seq;
    ret = 0;
out:
    state_ofd_unlock(j->index_fd);
    return ret;
}

void state_journal_close(struct state_journal *j)
{
    if (!j)
        return;
    if (j->data_fd >= 0)
        close(j->data_fd);
    if (j->index_fd >= 0)
        close(j->index_fd);
    free(j->frame);
    free(j);
}

/* ---- reading ---- */

/* Reads the index into r->ix, trying again while a write is under way;
 * a damaged index counts as none until an appender repairs it (its write
 * wakes the reader). Returns 0, or -1 with the error recorded. */
static int reader_index(struct state_journal_reader *r)
{
    struct index ix;

    r->ix_valid = false;
    for (int i = 0; i < INDEX_READ_TRIES; i++) {
        int v = index_read(r->index_fd, &ix);
        if (v == -2)
            return fail("read", r->n.index, errno);
        if (v == 0)
            return 0;
        if (v == 1) {
            r->ix = ix;
            r->ix_valid = true;
            return 0;
        }
        sched_yield();
    }
    return 0;
}

/* Opens the wake-up fd: inotify on the index, or a timer. */
static int reader_notify(struct state_journal_reader *r, unsigned int flags)
{
    struct itimerspec every = {
        .it_interval = {0, POLL_INTERVAL_MS * 1000000L},
        .it_value = {0, POLL_INTERVAL_MS * 1000000L},
    };

    if (!(flags & STATE_JOURNAL_POLL)) {
        r->notify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (r->notify_fd >= 0 && inotify_add_watch(r->notify_fd, r->n.index, IN_MODIFY) >= 0)
            return 0;
        /* Out of inotify instances or watches (fs.inotify.*): a timer
         * finds the same records, later. */
        if (r->notify_fd >= 0)
            close(r->notify_fd);
    }
    r->notify_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (r->notify_fd < 0 || timerfd_settime(r->notify_fd, 0, &every, NULL) < 0)
        return fail("watch", r->n.index, errno);
    return 0;
}

/* Takes fd (generation gen, size bytes) as the file being read, from its
 * first record. */
static void reader_take(struct state_journal_reader *r, int fd, uint64_t gen, off_t size)
{
    if (r->s.fd >= 0)
        close(r->s.fd);
    r->s.fd = fd;
    r->s.buf_len = 0;
    r->gen = gen;
    r->pos = FILE_HEADER_SIZE;
    r->final = !(r->ix_valid && r->ix.gen == gen);
    r->s.limit = r->final ? size : (off_t)r->ix.end;
}

/* Where a new reader starts: the current generation at its committed
 * end. */
static int reader_start(struct state_journal_reader *r)
{
    for (int tries = 0; tries < START_TRIES; tries++) {
        const char *paths[] = {r->n.cur, r->n.old};

        if (reader_index(r) < 0)
            return -1;
        if (!r->ix_valid)
            return 0; /* nothing appended yet: every record is new */
        r->gen = r->ix.gen;
        r->last_seq = r->ix.seq;
        for (int i = 0; i < 2; i++) {
            uint64_t gen;
            off_t size;
            int fd = gen_open(paths[i], O_RDONLY, &gen, &size);
            if (fd >= 0 && gen == r->ix.gen) {
                reader_take(r, fd, gen, size);
                r->pos = (off_t)r->ix.end;
                return 0;
            }
            if (fd >= 0)
                close(fd);
        }
    }
    /* Rotating faster than we look, or damaged: start with the
     * generation after this one. */
    return 0;
}

/* Moves on to the next generation still there after r->gen: the next
 * one, unless the reader fell too far behind. Returns 1 when it did, 0
 * when there is none (yet). */
static int reader_advance(struct state_journal_reader *r)
{
    const char *paths[] = {r->n.cur, r->n.old};
    uint64_t gen[2];
    off_t size[2];
    int fd[2], pick = -1;

    for (int i = 0; i < 2; i++) {
        fd[i] = gen_open(paths[i], O_RDONLY, &gen[i], &size[i]);
        if (fd[i] >= 0 && gen[i] > r->gen && gen[i] <= r->ix.gen &&
            (pick < 0 || gen[i] < gen[pick]))
            pick = i;
    }
    for (int i = 0; i < 2; i++)
        if (fd[i] >= 0 && i != pick)
            close(fd[i]);
    if (pick < 0)
        return 0;
    reader_take(r, fd[pick], gen[pick], size[pick]);
    return 1;
}

/* Empties the wake-up fd, then reads the index: whatever is committed
 * after this makes the fd readable again. */
static int reader_refresh(struct state_journal_reader *r)
{
    char buf[4096];
    struct stat st;

    while (read(r->notify_fd, buf, sizeof(buf)) > 0)
        ;
    if (reader_index(r) < 0)
        return -1;
    if (!r->ix_valid || r->s.fd < 0 || r->final)
        return 0;
    if (r->ix.gen == r->gen) {
        if ((off_t)r->ix.end > r->s.limit)
            r->s.limit = (off_t)r->ix.end;
        return 0;
    }
    if (r->ix.gen < r->gen) {
        /* The journal was made again from nothing: read it from its
         * start. */
        close(r->s.fd);
        r->s.fd = -1;
        r->gen = 0;
        r->last_seq = 0;
        return 0;
    }
    /* The index has moved past this generation, which was cut at its
     * committed end first: it is read to its end. */
    if (fstat(r->s.fd, &st) < 0)
        return fail("read", r->n.cur, errno);
    r->s.limit = st.st_size;
    r->final = true;
    return 0;
}

/* The next valid, new frame below the limit: 1 with *rec filled, 0 when
 * the limit is reached, -1 on error (recorded). */
static int reader_frame(struct state_journal_reader *r, struct state_journal_record *rec)
{
    while (r->pos < r->s.limit) {
        const unsigned char *record;
        uint32_t len;
        uint64_t seq;
        int v = scan_frame(&r->s, r->pos, &len, &seq, &record);

        if (v < 0)
            return fail("read", r->n.cur, errno);
        if (v == 0) {
            /* No frame here: on to the next one that is whole. */
            off_t next = scan_resync(&r->s, r->pos);
            if (next < 0)
                return fail("read", r->n.cur, errno);
            r->pos = next;
            continue;
        }
        /* A damaged record in a sound frame is stepped over as a whole:
         * scanning its bytes could take them for frames. */
        r->pos += FRAME_HEADER_SIZE + len;
        if (v == 2 || seq <= r->last_seq)
            continue;
        rec->seq = seq;
        rec->lost = seq - r->last_seq - 1;
        rec->data = record;
        rec->len = len;
        r->last_seq = seq;
        return 1;
    }
    return 0;
}

int state_journal_reader_open(const char *path, unsigned int flags,
                              struct state_journal_reader **reader)
{
    struct state_journal_reader *r = calloc(1, sizeof(*r));

    *reader = NULL;
    if (!r || !(r->s.buf = malloc(READ_AHEAD))) {
        free(r);
        error_report(ERR_NO_MEMORY, FROM_NONE, NULL);
        return -1;
    }
    r->index_fd = r->notify_fd = r->s.fd = -1;
    if (names_fill(&r->n, path) < 0)
        goto fail;
    /* Creating the empty index is all a reader writes: it is what the
     * reader watches, and an appender fills it. */
    r->index_fd =
        open(r->n.index, O_RDONLY | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
    if (r->index_fd < 0) {
        fail("open", r->n.index, errno);
        goto fail;
    }
    /* The watch comes before the starting point, so that nothing
     * committed after it goes unnoticed. */
    if (reader_notify(r, flags) < 0 || reader_start(r) < 0)
        goto fail;
    *reader = r;
    return 0;
fail:
    state_journal_reader_close(r);
    return -1;
}

int state_journal_reader_fd(const struct state_journal_reader *r)
{
    return r->notify_fd;
}

int state_journal_reader_next(struct state_journal_reader *r, struct state_journal_record *rec)
{
    bool refreshed = false;

    for (;;) {
        if (r->s.fd >= 0 && r->pos < r->s.limit) {
            int f = reader_frame(r, rec);
            if (f != 0)
                return f;
            continue;
        }
        if ((r->s.fd < 0 || r->final) && r->ix_valid && r->ix.gen > r->gen && reader_advance(r))
            continue;
        if (refreshed)
            return 0;
        if (reader_refresh(r) < 0)
            return -1;
        refreshed = true;
    }
}

void state_journal_reader_close(struct state_journal_reader *r)
{
    if (!r)
        return;
    if (r->s.fd >= 0)
        close(r->s.fd);
    if (r->index_fd >= 0)
        close(r->index_fd);
    if (r->notify_fd >= 0)
        close(r->notify_fd);
    free(r->s.buf);
    free(r);
}

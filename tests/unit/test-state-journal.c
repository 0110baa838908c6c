/* src/state/journal: the event journal between processes. Four processes
 * append thousands of records while readers in two other processes read
 * them, across many rotations: each record once, in sequence order, none
 * lost. Appenders SIGKILLed at random moments (mid-write, mid-rotation)
 * leave nothing a reader takes for a record. Damage by hand (half a frame
 * past the end, a flipped byte, a cut file, a rotation left half done) is
 * skipped or repaired and later records still arrive. A reader that falls
 * too far behind is told exactly how many records it missed.
 *
 * Where readers must keep up for a test to mean anything, appenders wait
 * for them (a shared counter, "throttle"): how far a reader may fall
 * behind is its own test, and the machine's load must not decide. */
#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "error.h"
#include "state/journal.h"
#include "state/util.h"

#include "check.h"
#include "state-helpers.h"

/* What docs/state.md says of the layout, which the damage tests use. */
#define FILE_HEADER 24
#define FRAME_HEADER 24
#define INDEX_SIZE 40

#define MARKER 0xffffu
#define MAX_WRITERS 4096

/* What the processes of one test share: the highest sequence number
 * appended, and how far each reader has read (UINT64_MAX: no reader). */
struct shared {
    uint64_t appended;
    uint64_t read[2];
    uint64_t lag; /* 0: appenders do not wait */
};

static struct shared *sh;

static void shared_reset(uint64_t lag, int readers)
{
    sh->appended = 0;
    sh->read[0] = 0;
    sh->read[1] = readers > 1 ? 0 : UINT64_MAX;
    sh->lag = lag;
}

static void throttle(void)
{
    for (;;) {
        uint64_t a = __atomic_load_n(&sh->appended, __ATOMIC_SEQ_CST);
        uint64_t r0 = __atomic_load_n(&sh->read[0], __ATOMIC_SEQ_CST);
        uint64_t r1 = __atomic_load_n(&sh->read[1], __ATOMIC_SEQ_CST);
        if (!sh->lag || a <= (r0 < r1 ? r0 : r1) + sh->lag)
            return;
        usleep(50);
    }
}

static void note_appended(uint64_t seq)
{
    uint64_t cur = __atomic_load_n(&sh->appended, __ATOMIC_SEQ_CST);

    while (cur < seq && !__atomic_compare_exchange_n(&sh->appended, &cur, seq, false,
                                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        ;
}

/* A test record: writer, counter, length, then bytes that depend on all
 * three, so a record that is not whole or not itself does not check. */
static size_t record_make(unsigned char *buf, uint32_t writer, uint32_t counter, size_t len)
{
    if (len < 12)
        len = 12;
    state_put_le32(buf, writer);
    state_put_le32(buf + 4, counter);
    state_put_le32(buf + 8, (uint32_t)len);
    for (size_t i = 12; i < len; i++)
        buf[i] = (unsigned char)(writer * 131 + counter * 7 + i);
    return len;
}

static bool record_check(const unsigned char *buf, size_t len, uint32_t *writer,
                         uint32_t *counter)
{
    if (len < 12 || state_get_le32(buf + 8) != len)
        return false;
    *writer = state_get_le32(buf);
    *counter = state_get_le32(buf + 4);
    for (size_t i = 12; i < len; i++)
        if (buf[i] != (unsigned char)(*writer * 131 + *counter * 7 + i))
            return false;
    return true;
}

/* What a reader saw. Writers below `steady` must have every counter in
 * order; the others (killed at random) strictly increasing ones. */
struct tally {
    uint64_t first_seq, last_seq;
    long got, lost, bad, misordered, markers;
    uint32_t steady;
    uint32_t next[MAX_WRITERS];
};

static void tally_add(struct tally *t, const struct state_journal_record *rec, int slot)
{
    uint32_t w, c;

    if (!t->got)
        t->first_seq = rec->seq;
    else if (rec->seq != t->last_seq + 1 + rec->lost)
        t->misordered++;
    t->lost += (long)rec->lost;
    t->last_seq = rec->seq;
    t->got++;
    if (slot >= 0)
        __atomic_store_n(&sh->read[slot], rec->seq, __ATOMIC_SEQ_CST);
    if (!record_check(rec->data, rec->len, &w, &c) || (w >= MAX_WRITERS && w != MARKER)) {
        t->bad++;
        return;
    }
    if (w == MARKER) {
        t->markers++;
        return;
    }
    if (w < t->steady ? c != t->next[w] : c < t->next[w])
        t->misordered++;
    t->next[w] = c + 1;
}

/* Reads through the fd, as an event loop would, until `want` records (or
 * a marker when want is 0) or the deadline. Returns 0, or -1 on an error
 * of the reader. */
static int read_until(struct state_journal_reader *r, struct tally *t, long want, int slot,
                      long long deadline)
{
    struct pollfd p = {.fd = state_journal_reader_fd(r), .events = POLLIN};

    while (clock_mono_ms() < deadline) {
        struct state_journal_record rec;
        int n;

        while ((n = state_journal_reader_next(r, &rec)) == 1) {
            tally_add(t, &rec, slot);
            if (want ? t->got >= want : t->markers > 0)
                return 0;
        }
        if (n < 0)
            return -1;
        poll(&p, 1, 100);
    }
    return 0;
}

static char *journal_in(const char *sub)
{
    static char path[256];
    char dir[200];

    snprintf(dir, sizeof(dir), "%s/%s", test_dir, sub);
    if (mkdir(dir, 0700) != 0)
        exit(2);
    snprintf(path, sizeof(path), "%s/events", dir);
    return path;
}

static struct state_journal *journal_open(const char *path, size_t rotate)
{
    struct state_journal *j;

    if (state_journal_open(path, rotate, &j) != 0) {
        fprintf(stderr, "journal open: %s\n", error_last_message());
        exit(2);
    }
    return j;
}

static struct state_journal_reader *reader_open(const char *path, unsigned flags)
{
    struct state_journal_reader *r;

    if (state_journal_reader_open(path, flags, &r) != 0) {
        fprintf(stderr, "reader open: %s\n", error_last_message());
        exit(2);
    }
    return r;
}

static uint64_t append(struct state_journal *j, uint32_t writer, uint32_t counter, size_t len)
{
    static unsigned char buf[STATE_JOURNAL_RECORD_MAX];
    uint64_t seq = 0;

    len = record_make(buf, writer, counter, len);
    if (state_journal_append(j, buf, len, NULL, NULL, &seq) != 0) {
        FAIL("append %u/%u: %s", writer, counter, error_last_message());
        return 0;
    }
    return seq;
}

/* A process appending `count` records of lengths in [min, max). */
static pid_t writer_start(const char *path, size_t rotate, uint32_t id, uint32_t count,
                          size_t min, size_t max)
{
    pid_t pid = child_fork();
    unsigned char *buf;
    struct state_journal *j;

    if (pid)
        return pid;
    rand_fork_reseed(id);
    buf = malloc(STATE_JOURNAL_RECORD_MAX);
    if (!buf || state_journal_open(path, rotate, &j) != 0)
        _exit(1);
    for (uint32_t c = 0; c < count; c++) {
        size_t len = record_make(buf, id, c, min + rand_below(max - min));
        uint64_t seq;

        throttle();
        if (state_journal_append(j, buf, len, NULL, NULL, &seq) != 0) {
            fprintf(stderr, "writer %u: %s\n", id, error_last_message());
            _exit(1);
        }
        note_appended(seq);
    }
    _exit(0);
}

/* A reader in its own process; its tally comes back through a pipe. */
static pid_t reader_start(const char *path, long want, int slot, int *result)
{
    int p[2], ready[2];
    pid_t pid;
    char c;

    if (pipe(p) != 0 || pipe(ready) != 0)
        exit(2);
    pid = child_fork();
    if (pid == 0) {
        struct tally *t = calloc(1, sizeof(*t));
        struct state_journal_reader *r;

        if (!t || state_journal_reader_open(path, 0, &r) != 0 || write(ready[1], "R", 1) != 1)
            _exit(1);
        t->steady = MAX_WRITERS;
        if (read_until(r, t, want, slot, clock_mono_ms() + 20000) < 0)
            _exit(1);
        if (write(p[1], t, sizeof(*t)) != (ssize_t)sizeof(*t))
            _exit(1);
        _exit(0);
    }
    close(p[1]);
    close(ready[1]);
    if (read(ready[0], &c, 1) != 1)
        FAIL("the reading process did not start");
    close(ready[0]);
    *result = p[0];
    return pid;
}

static bool reader_result(pid_t pid, int fd, struct tally *t)
{
    ssize_t n = read(fd, t, sizeof(*t));

    close(fd);
    if (child_wait(pid) != 0 || n != (ssize_t)sizeof(*t)) {
        FAIL("the reading process failed");
        return false;
    }
    return true;
}

/* Four appenders, 3000 records each, 16..400 bytes, a generation of
 * 64 KiB: about forty rotations under two readers, one of them in
 * another process. */
static void concurrent_appenders(void)
{
    enum { WRITERS = 4, EACH = 3000 };
    const char *path = journal_in("concurrent");
    struct tally *mine = calloc(1, sizeof(*mine)), theirs;
    struct state_journal_reader *r = reader_open(path, 0);
    pid_t writers[WRITERS], reader;
    long long t0 = clock_mono_ms();
    int result;

    shared_reset(300, 2);
    reader = reader_start(path, WRITERS * EACH, 1, &result);
    for (uint32_t w = 0; w < WRITERS; w++)
        writers[w] = writer_start(path, 64 * 1024, w, EACH, 16, 400);
    mine->steady = WRITERS;
    if (read_until(r, mine, WRITERS * EACH, 0, clock_mono_ms() + 20000) < 0)
        FAIL("reader: %s", error_last_message());
    for (int w = 0; w < WRITERS; w++)
        if (child_wait(writers[w]) != 0)
            FAIL("appending process %d failed", w);
    if (mine->got != WRITERS * EACH || mine->lost || mine->bad || mine->misordered)
        FAIL("this reader: %ld of %d records, %ld lost, %ld bad, %ld out of order", mine->got,
             WRITERS * EACH, mine->lost, mine->bad, mine->misordered);
    if (mine->first_seq != 1 || mine->last_seq != WRITERS * EACH)
        FAIL("sequence numbers %llu..%llu, expected 1..%d", (unsigned long long)mine->first_seq,
             (unsigned long long)mine->last_seq, WRITERS * EACH);
    for (int w = 0; w < WRITERS; w++)
        if (mine->next[w] != EACH)
            FAIL("writer %d: %u records read, %d appended", w, mine->next[w], EACH);
    if (reader_result(reader, result, &theirs) &&
        (theirs.got != WRITERS * EACH || theirs.lost || theirs.bad || theirs.misordered ||
         theirs.first_seq != 1))
        FAIL("the other reader: %ld of %d records, %ld lost, %ld bad, %ld out of order",
             theirs.got, WRITERS * EACH, theirs.lost, theirs.bad, theirs.misordered);
    state_journal_reader_close(r);
    printf("journal: %d records from %d processes read by 2 readers in %lld ms\n",
           WRITERS * EACH, WRITERS, clock_mono_ms() - t0);
    free(mine);
}

/* Bytes past the committed end of the current generation: what an
 * appender killed before its commit left. */
static long long uncommitted(const char *path)
{
    char index[300];
    unsigned char b[INDEX_SIZE];
    struct stat st;
    int fd;

    snprintf(index, sizeof(index), "%s.index", path);
    fd = open(index, O_RDONLY);
    if (fd < 0 || pread(fd, b, INDEX_SIZE, 0) != INDEX_SIZE || stat(path, &st) != 0) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    close(fd);
    return (long long)st.st_size - (long long)state_get_le64(b + 16);
}

/* Appenders of big records (they take several pages: a kill can cut one
 * in the middle) are SIGKILLed at random moments, many times, rotating
 * often, beside one steady appender; a reader in another process reads
 * all along. */
static void killed_appenders(void)
{
    enum { STEADY = 1500 };
    const char *path = journal_in("killed");
    long long deadline = clock_mono_ms() + 1500;
    struct state_journal *j = journal_open(path, 256 * 1024);
    struct tally t;
    pid_t reader, steady;
    int result, kills = 0, cut = 0;

    shared_reset(8, 1);
    reader = reader_start(path, 0, 0, &result);
    steady = writer_start(path, 256 * 1024, 0, STEADY, 16, 200);
    for (uint32_t victim = 100; clock_mono_ms() < deadline && victim < MAX_WRITERS; victim++) {
        pid_t pid = writer_start(path, 256 * 1024, victim, 1000000, 4096, 40000);
        usleep((useconds_t)rand_below(3000));
        child_kill(pid);
        kills++;
        if (uncommitted(path) > 0)
            cut++;
    }
    if (child_wait(steady) != 0)
        FAIL("the steady appender failed");
    note_appended(append(j, MARKER, 0, 16));
    if (reader_result(reader, result, &t)) {
        if (t.markers != 1 || t.lost || t.bad || t.misordered)
            FAIL("reader: %ld records, %ld lost, %ld bad, %ld out of order, %ld markers", t.got,
                 t.lost, t.bad, t.misordered, t.markers);
        if (t.next[0] != STEADY)
            FAIL("%u of the steady appender's %d records read", t.next[0], STEADY);
        printf("journal: %d appenders killed (%d left an uncommitted tail), %ld records read\n",
               kills, cut, t.got);
    }
    if (kills < 20)
        FAIL("only %d appenders killed: the test proved nothing", kills);
    state_journal_close(j);
}

static bool expect(struct state_journal_reader *r, uint32_t writer, uint32_t counter,
                   uint64_t lost)
{
    struct state_journal_record rec;
    uint32_t w, c;
    int n = state_journal_reader_next(r, &rec);

    if (n != 1) {
        FAIL("no record %u/%u (%d: %s)", writer, counter, n, n < 0 ? error_last_message() : "");
        return false;
    }
    if (!record_check(rec.data, rec.len, &w, &c) || w != writer || c != counter ||
        rec.lost != lost) {
        FAIL("expected record %u/%u after %llu lost, got %u/%u after %llu lost", writer,
             counter, (unsigned long long)lost, w, c, (unsigned long long)rec.lost);
        return false;
    }
    return true;
}

static void expect_none(struct state_journal_reader *r)
{
    struct state_journal_record rec;
    int n = state_journal_reader_next(r, &rec);

    if (n != 0)
        FAIL("expected no record, got %d (seq %llu)", n,
             n == 1 ? (unsigned long long)rec.seq : 0ull);
}

/* A reader starts at the end; a reader of a journal not made yet gets
 * everything from the first record. */
static void start_at_end(void)
{
    const char *path = journal_in("start");
    struct state_journal_reader *early = reader_open(path, 0), *late;
    struct state_journal *j = journal_open(path, 0);

    append(j, 1, 0, 50);
    append(j, 1, 1, 50);
    late = reader_open(path, 0);
    append(j, 1, 2, 50);
    expect(early, 1, 0, 0);
    expect(early, 1, 1, 0);
    expect(early, 1, 2, 0);
    expect_none(early);
    expect(late, 1, 2, 0);
    expect_none(late);
    state_journal_reader_close(early);
    state_journal_reader_close(late);
    state_journal_close(j);
}

/* The fd is quiet when there is nothing, and wakes up when another
 * process appends: inotify, and the timer a reader can ask for. */
static void fd_wakes_up(void)
{
    const char *path = journal_in("wake");
    unsigned flags[] = {0, STATE_JOURNAL_POLL};

    for (int i = 0; i < 2; i++) {
        struct state_journal_reader *r = reader_open(path, flags[i]);
        struct pollfd p = {.fd = state_journal_reader_fd(r), .events = POLLIN};
        long long t0;
        pid_t pid;

        expect_none(r);
        if (!flags[i] && poll(&p, 1, 100) != 0)
            FAIL("the fd is readable with nothing appended");
        pid = child_fork();
        if (pid == 0) {
            struct state_journal *j;
            unsigned char buf[64];
            size_t len = record_make(buf, 2, (uint32_t)i, 40);
            _exit(state_journal_open(path, 0, &j) != 0 ||
                  state_journal_append(j, buf, len, NULL, NULL, NULL) != 0);
        }
        if (child_wait(pid) != 0)
            FAIL("the appending process failed");
        t0 = clock_mono_ms();
        if (poll(&p, 1, 2000) != 1)
            FAIL("the fd did not wake up (%s)", flags[i] ? "timer" : "inotify");
        else if (clock_mono_ms() - t0 > 500)
            FAIL("the fd woke up after %lld ms", clock_mono_ms() - t0);
        expect(r, 2, (uint32_t)i, 0);
        expect_none(r);
        state_journal_reader_close(r);
    }
}

/* The largest record goes through whole; a larger one is refused. */
static void record_limit(void)
{
    const char *path = journal_in("limit");
    struct state_journal_reader *r = reader_open(path, 0);
    struct state_journal *j = journal_open(path, 0);
    unsigned char *buf = malloc(STATE_JOURNAL_RECORD_MAX + 1);
    size_t len = record_make(buf, 3, 0, STATE_JOURNAL_RECORD_MAX);

    if (state_journal_append(j, buf, len, NULL, NULL, NULL) != 0)
        FAIL("a record of the largest size was refused: %s", error_last_message());
    if (state_journal_append(j, buf, STATE_JOURNAL_RECORD_MAX + 1, NULL, NULL, NULL) != -1 ||
        !error_last() || error_last()->code != ERR_INVALID_ARG)
        FAIL("a record over the limit was not refused with ERR_INVALID_ARG");
    expect(r, 3, 0, 0);
    expect_none(r);
    free(buf);
    state_journal_reader_close(r);
    state_journal_close(j);
}

static int open_or_die(const char *path, int flags)
{
    int fd = open(path, flags);

    if (fd < 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        exit(2);
    }
    return fd;
}

/* Half a frame past the committed end (an appender killed mid-write) is
 * never read, and the next append cuts it off. */
static void torn_tail(void)
{
    const char *path = journal_in("torn");
    struct state_journal_reader *r = reader_open(path, 0);
    struct state_journal *j = journal_open(path, 0);
    unsigned char half[40] = {0};
    long long extra;
    int fd;

    append(j, 4, 0, 100);
    /* A frame header saying 1000 bytes, and 16 of them. */
    memcpy(half, "LVJR", 4);
    state_put_le32(half + 4, 1000);
    state_put_le64(half + 8, 2);
    state_put_le32(half + 20, state_crc32(half, 20));
    fd = open_or_die(path, O_WRONLY | O_APPEND);
    if (write(fd, half, sizeof(half)) != (ssize_t)sizeof(half))
        exit(2);
    close(fd);
    expect(r, 4, 0, 0);
    expect_none(r);
    append(j, 4, 1, 100);
    extra = uncommitted(path);
    if (extra != 0)
        FAIL("%lld bytes past the committed end after an append", extra);
    append(j, 4, 2, 100);
    expect(r, 4, 1, 0);
    expect(r, 4, 2, 0);
    expect_none(r);
    state_journal_reader_close(r);
    state_journal_close(j);
}

/* Damage below the committed end: a flipped byte in a record, in a frame
 * header, a file cut short. The damaged record is skipped, the gap
 * reported, the next ones read. Records are 100 bytes: frame k (from 0)
 * starts at 24 + 124 k; frame 0 is there before the reader, frames 1 to 3
 * are records 0 to 2. */
static void damage(void)
{
    static const struct {
        const char *what;
        off_t at; /* byte flipped, in frame 2 (record 1) */
        bool cut; /* the file cut in frame 3 (record 2) instead */
    } cases[] = {
        {"a byte of a record", 24 + 2 * 124 + 24 + 10, false},
        {"a byte of a frame header", 24 + 2 * 124 + 1, false},
        {"the file cut short", 24 + 3 * 124 + 50, true},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char sub[16];
        const char *path;
        struct state_journal_reader *r;
        struct state_journal *j;
        unsigned char byte;
        int fd;

        snprintf(sub, sizeof(sub), "damage%zu", i);
        path = journal_in(sub);
        j = journal_open(path, 0);
        append(j, 5, 99, 100); /* the journal exists: records go from offset 24 */
        r = reader_open(path, 0);
        append(j, 5, 0, 100);
        append(j, 5, 1, 100);
        append(j, 5, 2, 100);
        fd = open_or_die(path, O_RDWR);
        if (cases[i].cut) {
            if (ftruncate(fd, cases[i].at) != 0)
                exit(2);
        } else if (pread(fd, &byte, 1, cases[i].at) != 1 ||
                   (byte ^= 0x40, pwrite(fd, &byte, 1, cases[i].at)) != 1) {
            exit(2);
        }
        close(fd);
        printf("damage: %s\n", cases[i].what);
        expect(r, 5, 0, 0);
        if (cases[i].cut) {
            expect(r, 5, 1, 0);
            expect_none(r);
            /* The appender starts a new generation past the cut. */
            append(j, 5, 3, 100);
            expect(r, 5, 3, 1);
        } else {
            expect(r, 5, 2, 1);
            expect_none(r);
            append(j, 5, 3, 100);
            expect(r, 5, 3, 0);
        }
        expect_none(r);
        state_journal_reader_close(r);
        state_journal_close(j);
    }
}

/* A rotation whose appender was killed after it put the new generation in
 * place and before it committed it: the old generation is "events.1",
 * an empty next one is "events", the index still names the old one.
 * Readers old and new, and the next appends, make sense of it; a reader
 * that has not opened generation 1 yet still finds it once the append
 * after the crash has completed the rotation (generations of 300 bytes:
 * two records each). */
static void half_done_rotation(void)
{
    const char *path = journal_in("rotation");
    struct state_journal_reader *before = reader_open(path, 0), *idle = reader_open(path, 0);
    struct state_journal_reader *after;
    struct state_journal *j = journal_open(path, 300);
    unsigned char h[FILE_HEADER] = {0};
    char old[300], next[300];
    int fd;

    append(j, 6, 0, 100);
    snprintf(old, sizeof(old), "%s.1", path);
    snprintf(next, sizeof(next), "%s.new", path);
    if (link(path, next) != 0 || rename(next, old) != 0)
        exit(2);
    memcpy(h, "LVJG", 4);
    state_put_le32(h + 4, 1);
    state_put_le64(h + 8, 2);
    state_put_le32(h + 16, state_crc32(h, 16));
    fd = open_or_die(next, O_WRONLY | O_CREAT | O_TRUNC);
    if (write(fd, h, sizeof(h)) != (ssize_t)sizeof(h) || rename(next, path) != 0)
        exit(2);
    close(fd);
    after = reader_open(path, 0);
    expect(before, 6, 0, 0);
    expect_none(after);
    /* The next append completes the rotation: records 1 and 2 fill
     * generation 2, and generation 1 is still there for idle. */
    for (uint32_t c = 1; c <= 2; c++)
        append(j, 6, c, 100);
    for (uint32_t c = 0; c <= 2; c++) {
        if (c)
            expect(before, 6, c, 0);
        if (c)
            expect(after, 6, c, 0);
        expect(idle, 6, c, 0);
    }
    /* Record 3 rotates again (generation 1 goes): every reader is in
     * generation 2 by now and loses nothing. */
    append(j, 6, 3, 100);
    expect(before, 6, 3, 0);
    expect(after, 6, 3, 0);
    expect(idle, 6, 3, 0);
    expect_none(before);
    expect_none(after);
    expect_none(idle);
    state_journal_reader_close(before);
    state_journal_reader_close(after);
    state_journal_reader_close(idle);
    state_journal_close(j);
}

/* Generations of 4 KiB hold 32 records of 100 bytes. A reader keeps the
 * generation it reads, and "events.1" holds the one after: two rotations
 * behind, it loses nothing; five behind, it is told what it lost. */
static void falling_behind(void)
{
    const char *path = journal_in("behind");
    struct state_journal *j = journal_open(path, 4096);
    struct state_journal_reader *r;
    struct state_journal_record rec;
    long got = 0, lost = 0, with_loss = 0;
    uint64_t last = 0;
    int n;

    append(j, 7, 0, 100); /* generation 1 exists: the reader keeps it */
    r = reader_open(path, 0);
    for (uint32_t c = 1; c <= 20; c++)
        append(j, 7, c, 100);
    for (uint32_t c = 1; c <= 10; c++)
        expect(r, 7, c, 0);
    for (uint32_t c = 21; c <= 80; c++) /* generations 2 and 3 */
        append(j, 7, c, 100);
    for (uint32_t c = 11; c <= 80; c++)
        if (!expect(r, 7, c, 0))
            break;
    expect_none(r);
    state_journal_reader_close(r);

    /* Sequence numbers 1 to 32 are generation 1, 33 to 64 the second...
     * A reader starting after 81 (in generation 3) while 200 more are
     * appended reads the rest of generation 3 (82 to 96), then
     * generations 8 and 9 (225 to 281), all that is left: it lost
     * generations 4 to 7, 128 records. */
    r = reader_open(path, 0);
    for (uint32_t c = 81; c <= 280; c++)
        append(j, 7, c, 100);
    while ((n = state_journal_reader_next(r, &rec)) == 1) {
        got++;
        lost += (long)rec.lost;
        with_loss += rec.lost > 0;
        if (rec.seq <= last)
            FAIL("sequence %llu after %llu", (unsigned long long)rec.seq,
                 (unsigned long long)last);
        last = rec.seq;
    }
    if (n < 0)
        FAIL("reader: %s", error_last_message());
    if (got + lost != 200 || lost != 128 || with_loss != 1 || last != 281)
        FAIL("%ld read and %ld lost (in %ld gaps), last %llu; expected 72, 128 in one gap, "
             "281",
             got, lost, with_loss, (unsigned long long)last);
    state_journal_reader_close(r);
    state_journal_close(j);
}

/* The append lock is held elsewhere: the wait goes through the callback
 * and ends when the client goes away, or at the timeout with libvirt's
 * code. The timeout takes STATE_JOURNAL_LOCK_TIMEOUT_MS: it runs in its
 * own process beside the other tests. */
static pid_t lock_held_start(int *lock_fd)
{
    const char *path = journal_in("locked");
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    struct state_journal *j = journal_open(path, 0);
    char index[300];
    pid_t pid;

    append(j, 8, 0, 20);
    snprintf(index, sizeof(index), "%s.index", path);
    *lock_fd = open_or_die(index, O_RDWR);
    if (fcntl(*lock_fd, F_OFD_SETLK, &fl) != 0)
        exit(2);
    pid = child_fork();
    if (pid == 0) {
        struct loop_stub gone = {.gone_after = 2}, loop = {0};
        unsigned char buf[32];
        size_t len = record_make(buf, 8, 1, 20);
        long long t0 = clock_mono_ms(), took;

        if (state_journal_append(j, buf, len, loop_stub_wait, &gone, NULL) != -1 ||
            error_last()->code != ERR_OPERATION_ABORTED || gone.calls != 2) {
            fprintf(stderr, "FAIL lock_held: a gone client did not end the wait\n");
            _exit(1);
        }
        t0 = clock_mono_ms();
        if (state_journal_append(j, buf, len, loop_stub_wait, &loop, NULL) != -1 ||
            error_last()->code != ERR_OPERATION_TIMEOUT || error_last()->domain != FROM_NONE) {
            fprintf(stderr, "FAIL lock_held: no timeout error: %s\n", error_last_message());
            _exit(1);
        }
        took = clock_mono_ms() - t0;
        if (took < STATE_JOURNAL_LOCK_TIMEOUT_MS ||
            took > STATE_JOURNAL_LOCK_TIMEOUT_MS + 1000 || loop.calls < 10) {
            fprintf(stderr, "FAIL lock_held: timed out after %lld ms, %d waits\n", took,
                    loop.calls);
            _exit(1);
        }
        _exit(0);
    }
    state_journal_close(j);
    return pid;
}

int main(void)
{
    pid_t locked;
    int lock_fd;

    rand_seed("state-journal");
    test_dir_make();
    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        exit(2);
    shared_reset(0, 1);
    locked = lock_held_start(&lock_fd);
    start_at_end();
    fd_wakes_up();
    record_limit();
    torn_tail();
    damage();
    half_done_rotation();
    falling_behind();
    concurrent_appenders();
    killed_appenders();
    if (child_wait(locked) != 0)
        FAIL("the append under a held lock did not end as it should");
    close(lock_fd);
    if (failures)
        return 1;
    printf("state-journal: all passed\n");
    return 0;
}

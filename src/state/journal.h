/* journal: a driver's event journal, shared by every per-connection
 * process. Any process appends a record (an opaque byte string: the
 * driver puts an event id, a domain uuid and libvirt's XDR event message
 * in it); every process with event callbacks registered reads the records
 * appended after it started reading, each once, in one global order.
 *
 * On disk, for path ".../events" (docs/state.md has the byte layout):
 * - "events": the current generation, a header and framed records; each
 *   frame has a magic, a length, the record's sequence number and CRC-32s
 *   of itself and of the record;
 * - "events.1": the generation before it; rotation renames "events" to
 *   "events.1" when the next record would take "events" past its limit;
 * - "events.index": the commit record (current generation, end of its
 *   last complete record, last sequence number), which is also the lock
 *   appenders take (OFD) and the file readers watch (inotify IN_MODIFY).
 *
 * An append holds the lock for a few system calls: it writes its frame
 * after the committed end and then the new index; the index write is the
 * commit. Readers read only below the committed end, so they never see a
 * frame being written. A frame left behind by an appender killed before it
 * committed is cut off by the next appender before it writes (readers had
 * not seen it). Sequence numbers are committed with the end, so they have
 * no gaps: a gap seen by a reader is records it lost (see below), never a
 * dead writer. The frame checks are the second line: a damaged frame (a
 * file edited by hand, a disk error) is skipped, the reader resynchronizes
 * on the next valid frame, and the gap is reported.
 *
 * A reader keeps its current generation open, so rotation never takes
 * away what it is reading; after it, the reader goes on with the next
 * generation ("events.1" or "events", whichever it is). Records are lost
 * only by a reader that has not opened generation g+1 when the journal
 * rotates to g+3 (it is about two files behind); it is then told how many
 * it missed (record.lost).
 *
 * The journal is not made durable (no fsync): it lives in the run
 * directory, and its events mean nothing after a reboot. The directory
 * must exist; files are created 0600. */
#ifndef SRC_STATE_JOURNAL_H
#define SRC_STATE_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lock.h"

/* The largest record, in bytes. */
#define STATE_JOURNAL_RECORD_MAX (64 * 1024)

/* The size a generation grows to before rotation, when the appender asks
 * for none in particular. */
#define STATE_JOURNAL_ROTATE_DEFAULT (1024 * 1024)

/* How long an append waits for the lock: it is held for microseconds, so
 * running out means a holder that is stopped (SIGSTOP, a debugger). */
#define STATE_JOURNAL_LOCK_TIMEOUT_MS 5000

struct state_journal;

/* Opens the journal at path for appending; rotate_bytes is the size a
 * generation may reach (0: STATE_JOURNAL_ROTATE_DEFAULT; a record always
 * fits in an empty generation). Returns 0 with *journal set, or -1 with
 * the error recorded. */
int state_journal_open(const char *path, size_t rotate_bytes, struct state_journal **journal);

/* Appends len bytes (at most STATE_JOURNAL_RECORD_MAX) as one record,
 * waiting for the lock through wait(opaque, ...) (NULL: sleeps) for at
 * most STATE_JOURNAL_LOCK_TIMEOUT_MS. Returns 0 once the record is
 * committed, with its sequence number in *seq (seq may be NULL); -1 with
 * the error recorded (ERR_OPERATION_TIMEOUT when the lock stayed held,
 * ERR_OPERATION_ABORTED when wait returned -1), and nothing appended. */
int state_journal_append(struct state_journal *journal, const void *data, size_t len,
                         state_wait_fn wait, void *opaque, uint64_t *seq);

/* Closes the journal (NULL: nothing). */
void state_journal_close(struct state_journal *journal);

struct state_journal_reader;

/* Readers' flags. */
enum {
    /* Wake up on a timer (every 50 ms) instead of inotify, for a file
     * system whose other writers inotify does not see (NFS). Also what a
     * reader falls back to when the user's inotify instances or watches
     * are used up. */
    STATE_JOURNAL_POLL = 1 << 0,
};

/* One record, as state_journal_reader_next gives it. */
struct state_journal_record {
    uint64_t seq;     /* its sequence number, one more than the last one given */
    uint64_t lost;    /* records just before this one the reader missed (0) */
    const void *data; /* owned by the reader; valid until its next call */
    size_t len;
};

/* Starts reading the journal at path at its current end: records already
 * appended are not given. flags: STATE_JOURNAL_*. The journal need not
 * exist yet. Returns 0 with *reader set, or -1 with the error recorded. */
int state_journal_reader_open(const char *path, unsigned int flags,
                              struct state_journal_reader **reader);

/* The fd an event loop watches for EPOLLIN: it is readable when there may
 * be new records. The reader owns it; state_journal_reader_next empties
 * it. */
int state_journal_reader_fd(const struct state_journal_reader *reader);

/* The next record: 1 with *record filled, 0 when there is none for now
 * (call again when the fd is readable), -1 on error (recorded). Call it
 * until it returns 0 each time the fd is readable: a record appended while
 * it runs is given now or makes the fd readable again. */
int state_journal_reader_next(struct state_journal_reader *reader,
                              struct state_journal_record *record);

/* Stops reading and frees the reader (NULL: nothing). */
void state_journal_reader_close(struct state_journal_reader *reader);

#endif

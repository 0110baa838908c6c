/* test-share: the store that the connections to test:///default open at
 * the same time share, as real libvirtd's connections share its one
 * test:///default (docs/state.md, "test:///default"). The test driver
 * (test.c) keeps the domains in memory as a copy of this store's state
 * file and goes back to the file whenever another connection has replaced
 * it; this module knows nothing of domains: the state is an opaque byte
 * string, the events opaque records.
 *
 * Where: DIR = $LIBVIRTD_TEST_DEFAULT_DIR, else RUNSTATEDIR/libvirt/
 * test-default for root and $XDG_RUNTIME_DIR/libvirt/test-default for
 * others; the store is DIR/PPID, PPID being the process that started this
 * connection's process: one daemon instance (a systemd-socket-activate,
 * systemd itself, a --listen parent) has one test:///default, as one real
 * libvirtd has, and two instances running side by side (two test runs) do
 * not see each other's. In it:
 * - "users": every open connection holds an OFD read lock on it; the
 *   kernel drops it when the process ends however it ends (kill -9
 *   included). An open that gets the write lock is the only connection:
 *   it resets the state (removes the state file: the built-in default).
 *   A close that can turn its read lock into the write lock is the last
 *   one: it resets the state too (and removes the journal). The store of
 *   an instance that is gone is removed by the first open of a new one.
 * - "state": the state, replaced atomically (a new file renamed over it,
 *   as state/file.h does, but not synced: see tshare_save); absent: the
 *   built-in default.
 * - "lock": the short lock every state-changing call holds (state/lock.h)
 *   from before it reads the state until its events are in the journal.
 * - "events", "events.1", "events.index": the event journal
 *   (state/journal.h); every connection reads it from the moment it
 *   opened.
 *
 * Errors are recorded (rpc/error.h). */
#ifndef SRC_DRIVERS_TEST_SHARE_H
#define SRC_DRIVERS_TEST_SHARE_H

#include <stddef.h>

#include "driver.h"

/* Bound on the state file and on one event record. */
#define TSHARE_STATE_MAX (64 * 1024 * 1024)

struct tshare;

/* Joins the store of this daemon instance (creating it, and resetting it
 * when no other connection is open). Returns 0 with *out set, or -1 with
 * the error recorded. */
int tshare_open(const struct drv_context *ctx, struct tshare **out);

/* Starts reading the event journal, from its end (the client registered
 * an event callback: nothing before matters to it); again: nothing.
 * on_event(opaque) runs from the session's loop when the journal may have
 * new records (not when ctx has no watch_fd: then they are read only by
 * tshare_next_event's callers). 0, or -1 recorded.
 *
 * Not done at open: a connection that never listens has no reason to
 * wake up. The reader polls (STATE_JOURNAL_POLL, every 50 ms) rather than
 * using inotify, whose release waits for an RCU grace period (5-20 ms
 * here) on every close and, for a process killed with -9, before its
 * client socket is closed. */
int tshare_listen(struct tshare *t, void (*on_event)(void *opaque), void *opaque);

/* Whether tshare_listen has succeeded: the events of this connection's
 * own calls then come back through the journal too. */
int tshare_listening(const struct tshare *t);

/* Leaves the store: resets the state (and drops the journal) when this
 * was the last connection. NULL: nothing. */
void tshare_close(struct tshare *t);

/* Whether the memory copy is out of date: returns 1 when it must be
 * (re)built from *data (malloc'd, NUL-terminated, *len bytes; NULL when
 * the state is the built-in default), 0 when nothing changed since the
 * last 1 (or tshare_save), -1 with the error recorded. After
 * tshare_forget, the next call returns 1. */
int tshare_snapshot(struct tshare *t, char **data, size_t *len);

/* The memory copy no longer matches what was read (a call failed half
 * way): the next tshare_snapshot reads the file again. */
void tshare_forget(struct tshare *t);

/* The state lock, held from before the snapshot of a state-changing call
 * to after its events are appended; waits (the loop keeps running) up to
 * 30 s, libvirt's job wait. owner names the call. 0, or -1 recorded. */
int tshare_lock(struct tshare *t, const char *owner);
void tshare_unlock(struct tshare *t);

/* Under the lock: replaces the state; the memory copy is then current. */
int tshare_save(struct tshare *t, const char *data, size_t len);

/* Under the lock: appends one event record. */
int tshare_append(struct tshare *t, const void *data, size_t len);

/* The next event record any connection appended since this one started
 * listening (this one's too): 1 with *data (valid until the next call) and *len set,
 * 0 when there is none for now, -1 recorded. */
int tshare_next_event(struct tshare *t, const void **data, size_t *len);

#endif

/* lock: a lock file that many per-connection processes contend for,
 * libvirt's job ("state change") lock for one domain, or a short
 * driver-wide lock (define, undefine, id allocation) on another file.
 *
 * The lock is an OFD lock (F_OFD_SETLK) on the whole lock file: it belongs
 * to the open file, so two handles in one process exclude each other too,
 * and the kernel drops it when its holder exits however it exits (kill -9
 * included): a lock is never stale. A holder writes who it is into the
 * file ("owner=remoteDispatchDomainSuspend\npid=4242\n") so that a waiter
 * that gives up can name it, as libvirt does.
 *
 * Nothing here blocks for long: a busy lock is tried again after growing
 * pauses (up to 20 ms) spent in the caller's wait callback, so the event
 * loop keeps answering keepalive, until the timeout.
 *
 * Lock files are created 0600 in an existing directory and left in place
 * on release (removing one is only safe through state_lock_remove). The
 * lock's fd is close-on-exec; a fork()ed child that does not exec shares
 * the held lock (one open file): it must not call state_lock_release,
 * which would end the parent's hold. */
#ifndef SRC_STATE_LOCK_H
#define SRC_STATE_LOCK_H

/* How a caller waits without blocking its event loop: run the loop until
 * the monotonic clock reaches deadline_ms, then return 0 (returning early,
 * >= 0, is fine: the lock is tried again); return -1 when the client is
 * gone, which ends the wait. A driver built on drv_context's wait_fd can
 * wait for an fd that never becomes ready (an eventfd nobody writes). */
typedef int (*state_wait_fn)(void *opaque, long long deadline_ms);

struct state_lock;

/* Takes the lock at path if it is free, without waiting. owner (NULL: no
 * description) is what a waiter that times out names: the API this
 * holder runs, e.g. "remoteDispatchDomainSuspend", at most 200 printable
 * bytes. Returns 1 with *lock set when taken, 0 when another holder has
 * it (nothing recorded), -1 on error (recorded). */
int state_lock_try(const char *path, const char *owner, struct state_lock **lock);

/* Takes the lock at path, waiting through wait(opaque, ...) while it is
 * held elsewhere (a NULL wait sleeps), for at most timeout_ms. Returns 0
 * with *lock set; -1 with the error recorded otherwise:
 * - the timeout: libvirt 9.0's error, ERR_OPERATION_TIMEOUT in domain
 *   FROM_NONE (as virdomainjob.c reports it), "Timed out during
 *   operation: cannot acquire state change lock (held by
 *   monitor=OWNER)", or without the parenthesis when the holder did not
 *   say who it is;
 * - the client is gone (wait returned -1): ERR_OPERATION_ABORTED;
 * - a system error (ERR_SYSTEM_ERROR) naming the file. */
int state_lock_acquire(const char *path, const char *owner, long long timeout_ms,
                       state_wait_fn wait, void *opaque, struct state_lock **lock);

/* Releases the lock and frees the handle (NULL: nothing). */
void state_lock_release(struct state_lock *lock);

/* The lock's fd, to hand the lock to a program this process starts (dup
 * it to a fd that survives exec): the child then holds the same lock (one
 * open file) until it closes its copy or exits. */
int state_lock_fd(const struct state_lock *lock);

/* Frees the handle and closes this process's fd without releasing the
 * lock: for a lock handed to another process (state_lock_fd), which keeps
 * it held as long as it has its copy open. The holder's description stays
 * in the file (the next holder replaces it). NULL: nothing. */
void state_lock_leave(struct state_lock *lock);

/* Whether some open file holds the lock at path, without taking it (a
 * check that took it would make a concurrent state_lock_try fail). 1 when
 * held, 0 when free or when there is no such file, -1 on error (recorded). */
int state_lock_held(const char *path);

/* Removes the lock file while holding it, then releases it: for a domain
 * that is undefined. A waiter that then gets the lock on the removed file
 * notices and starts again on whatever file has that name by then.
 * Returns 0, or -1 with the error recorded (the lock is released either
 * way and the handle freed). */
int state_lock_remove(struct state_lock *lock);

#endif

/* sup-util: small pieces the supervisor program and the driver share:
 * whole-file reads and atomic writes, the supervisor lock, libvirt's state
 * and reason names, errors carried as one line, and the event journal's
 * append. */
#ifndef SRC_DRIVERS_QEMU_SUP_UTIL_H
#define SRC_DRIVERS_QEMU_SUP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Writes len bytes to path atomically (a temporary file beside it, fsync,
 * rename, fsync of the directory). 0, or -1 with the error recorded. */
int sup_write_file(const char *path, const void *data, size_t len, mode_t mode);

/* Reads a whole file of at most max bytes into *data (NUL-terminated,
 * caller frees). 1, 0 when it does not exist, -1 on error (recorded). */
int sup_read_file(const char *path, size_t max, char **data, size_t *len);

/* Takes the write lock on path (an OFD lock, released when the returned fd
 * is closed or the process dies). The fd, or -1 (errno EAGAIN: someone
 * holds it). */
int sup_lock_take(const char *path);

/* Whether somebody holds the lock on path. */
bool sup_lock_held(const char *path);

/* virDomainState and its reasons by the names libvirt writes in its status
 * files ("running", "booted", ...); unknown names are 0. */
const char *sup_state_name(int state);
int sup_state_from_name(const char *name);
const char *sup_reason_name(int state, int reason);
int sup_reason_from_name(int state, const char *name);

/* The recorded error as one line "error CODE DOMAIN MESSAGE" (into buf),
 * and back: sup_error_decode records the error a line carries. */
void sup_error_encode(char *buf, size_t size);
void sup_error_decode(const char *line);

/* Appends one event record (one line of text) to the journal in dir. 0, or
 * -1 with the error recorded. */
int sup_journal_append(const char *dir, const char *record);

#endif

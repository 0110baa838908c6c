/* sup-util: small pieces the supervisor program and the driver share:
 * libvirt's state and reason names, errors carried as one line, and where
 * the event journal is (files, locks and the journal themselves are
 * src/state's). */
#ifndef SRC_DRIVERS_QEMU_SUP_UTIL_H
#define SRC_DRIVERS_QEMU_SUP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "state/journal.h"

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

/* The driver's event journal (state/journal.h): RUN/events, and
 * events.1, events.index beside it. A record is one line of text,
 * "lifecycle EVENT DETAIL ID UUID NAME" or "reboot ID UUID NAME", written
 * by connection processes (define, undefine, a dead supervisor's stop)
 * and supervisors (everything a running VM does), or a storage pool's
 * ("pool EVENT DETAIL UUID NAME", "pool-refresh UUID NAME": storage.c). A generation is rotated
 * at SUP_JOURNAL_ROTATE_BYTES: about 2500 records, so a reader loses
 * records only when it is some 5000 behind (and says so in its log). */
#define SUP_JOURNAL_NAME "events"
#define SUP_JOURNAL_ROTATE_BYTES (256 * 1024)

/* The largest record the driver writes or reads. */
#define SUP_RECORD_MAX 512

/* Opens the journal in dir (RUN) for appending. 0, or -1 with the error
 * recorded. */
int sup_journal_open(const char *dir, struct state_journal **journal);

#endif

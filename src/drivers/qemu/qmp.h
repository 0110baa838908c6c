/* qmp: one QEMU Machine Protocol connection (QEMU's monitor socket). QMP is
 * lines of JSON: a greeting, then replies ({"return": ...} or {"error":
 * ...}) to commands in the order they were sent, each carrying the command's
 * id, and events ({"event": NAME, "data": ..., "timestamp": ...}) at any
 * time. The monitor takes one client at a time, so exactly one process, the
 * VM's supervisor (or the capability probe), holds it.
 *
 * The calls never wait except qmp_wait_reply and qmp_handshake, which wait
 * up to a deadline on the monotonic clock (ms). Every message is bounded
 * (QMP_MAX_MESSAGE). */
#ifndef SRC_DRIVERS_QEMU_QMP_H
#define SRC_DRIVERS_QEMU_QMP_H

#include <stddef.h>

#include "json.h"

#define QMP_MAX_MESSAGE (16u << 20)

struct qmp;

/* Takes over fd, a connected stream socket (made non-blocking). NULL when
 * out of memory (fd is then closed). */
struct qmp *qmp_new(int fd);

/* Closes the socket and frees everything. */
void qmp_free(struct qmp *q);

int qmp_fd(const struct qmp *q);

/* Called for each event read while waiting for something else. */
typedef void (*qmp_event_fn)(void *opaque, const struct json *event);

/* Reads the greeting and negotiates (qmp_capabilities). 0, or -1 with the
 * error recorded. */
int qmp_handshake(struct qmp *q, long long deadline_ms, qmp_event_fn on_event, void *opaque);

/* Sends a command: `arguments` is a JSON object's text or NULL. The id it
 * carries ("libvirt-N", counting up, as libvirt numbers its own) is
 * written to id_out (at least 24 bytes) when not NULL. 0, or -1 with the
 * error recorded. */
int qmp_send(struct qmp *q, const char *execute, const char *arguments, char *id_out);

/* Reads what the socket has without waiting. 1 when bytes came, 0 when
 * none were there, -1 at end of file or on error (recorded). */
int qmp_fill(struct qmp *q);

/* The next whole message read, or NULL when there is none yet. A line that
 * is not a JSON object is skipped. Caller frees with json_free. */
struct json *qmp_next(struct qmp *q);

/* Sends a command and waits for its reply, handing events that arrive
 * meanwhile to on_event (may be NULL). On success *reply is the "return"
 * value's message (caller frees) and 0 is returned; an {"error": ...}
 * reply is -1 with libvirt's "internal error: unable to execute QEMU
 * command 'X': DESC" recorded; so are end of file and the deadline. */
int qmp_command(struct qmp *q, const char *execute, const char *arguments, long long deadline_ms,
                qmp_event_fn on_event, void *opaque, struct json **reply);

#endif

/* dispatch: procedure number -> decoder, handler, encoder. The table is
 * data; handlers translate between wire structs and driver calls. */
#ifndef SRC_DISPATCH_H
#define SRC_DISPATCH_H

#include "message.h"
#include "session.h"

/* Handles one decoded CALL of the remote program whose frame is
 * `frame`/`len`: decodes its arguments, refuses it on a read-only session
 * if it changes state, runs it and sends the reply (or an error reply).
 * Returns 0, or -1 when the reply could not be sent. */
int dispatch_call(struct session *s, const struct message_header *hdr,
                  const unsigned char *frame, size_t len);

/* Sends an error reply for `hdr` carrying the current error record (or a
 * generic one). Returns 0 or -1. */
int dispatch_send_error(struct session *s, const struct message_header *hdr);

/* Sends and forgets the events the driver queued during the last call. */
int dispatch_flush_events(struct session *s);

/* Whether procedure `proc` changes state (refused on read-only sockets). */
int dispatch_proc_is_write(int proc);

#endif

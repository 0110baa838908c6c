/* dispatch: a call of the remote program -> its handler, through the table
 * generated from rpc/procedures.txt. It decodes the arguments, applies the
 * access rules (open first, read-only), runs the handler and hands back the
 * reply body or an error; the session writes every frame. */
#ifndef SRC_DISPATCH_H
#define SRC_DISPATCH_H

#include "message.h"
#include "remote_protocol.h"

struct session;
struct dispatch_entry;

/* Decoded arguments and replies live in buffers of this size; the
 * generated table asserts that each procedure's types fit. */
#define DISPATCH_BODY_MAX 256

union dispatch_body {
    remote_connect_open_args any;
    char bytes[DISPATCH_BODY_MAX];
};

/* One decoded call, ready to run. */
struct dispatch_call {
    const struct dispatch_entry *entry;
    union dispatch_body args;
};

/* What a call answers: ret, encoded with ret_fn (NULL: an empty body). */
struct dispatch_reply {
    xdrproc_t ret_fn;
    union dispatch_body ret;
};

/* Looks up the procedure of `hdr` and decodes its arguments from the frame
 * (which the caller may drop afterwards). Returns 0, or -1 with the error
 * recorded (libvirt's answer for a procedure we lack; undecodable
 * arguments). */
int dispatch_decode(struct session *s, const struct message_header *hdr,
                    const unsigned char *frame, size_t len, struct dispatch_call *call);

/* Runs a decoded call (refusing it before the open or on a read-only
 * connection as libvirt does) and frees its arguments. Returns 0 with
 * *reply to send, or -1 with the error recorded; either way the caller
 * frees *reply with dispatch_reply_free. */
int dispatch_run(struct session *s, struct dispatch_call *call, struct dispatch_reply *reply);

void dispatch_reply_free(struct dispatch_reply *reply);

#endif

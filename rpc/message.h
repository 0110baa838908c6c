/* message: one frame of libvirt's RPC protocol. A frame is a 4-byte
 * big-endian length (counting itself), a 24-byte header and an XDR body.
 * Nothing outside rpc/ reads or writes raw wire bytes. */
#ifndef RPC_MESSAGE_H
#define RPC_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include <rpc/rpc.h>

#define MESSAGE_LEN_WORD 4
#define MESSAGE_HEADER_LEN 24
/* A length word outside [MESSAGE_LEN_MIN, MESSAGE_LEN_MAX] ends the
 * connection before anything more is read (libvirtd 9.0 does the same). */
#define MESSAGE_LEN_MIN (MESSAGE_LEN_WORD + MESSAGE_HEADER_LEN)
#define MESSAGE_LEN_MAX (MESSAGE_LEN_WORD + 33554432)

#define MESSAGE_PROGRAM_REMOTE 0x20008086u
#define MESSAGE_PROGRAM_KEEPALIVE 0x6b656570u

enum message_type {
    MESSAGE_CALL = 0,
    MESSAGE_REPLY = 1,
    MESSAGE_EVENT = 2, /* libvirt's VIR_NET_MESSAGE: events and keepalive */
    MESSAGE_STREAM = 3,
    MESSAGE_CALL_WITH_FDS = 4,
    MESSAGE_REPLY_WITH_FDS = 5,
    MESSAGE_STREAM_HOLE = 6,
};

enum message_status {
    MESSAGE_OK = 0,
    MESSAGE_ERROR = 1,
    MESSAGE_CONTINUE = 2,
};

struct message_header {
    uint32_t prog;
    uint32_t vers;
    int32_t proc;
    int32_t type;
    uint32_t serial;
    int32_t status;
};

/* A growable byte buffer that holds one encoded frame. */
struct msgbuf {
    unsigned char *data;
    size_t len;
    size_t cap;
};

void msgbuf_free(struct msgbuf *buf);

/* Checks a frame's length word (the first 4 bytes). Returns the frame
 * length, or -1 when it is outside the limits. */
long message_frame_length(const unsigned char word[MESSAGE_LEN_WORD]);

/* Decodes the header of a whole frame of `len` bytes (length word
 * included). Returns 0, or -1 when the frame is too short. */
int message_decode_header(const unsigned char *frame, size_t len,
                          struct message_header *hdr);

/* Decodes the body of a whole frame into *obj with `proc` (an rpcgen xdr_*
 * function). Returns 0, or -1 when the body does not decode; *obj is then
 * freed again. Caller frees *obj with message_free_body. */
int message_decode_body(const unsigned char *frame, size_t len, xdrproc_t proc,
                        void *obj);

/* Frees what message_decode_body allocated in *obj. */
void message_free_body(xdrproc_t proc, void *obj);

/* Encodes header and body (proc may be NULL for an empty body) into *out,
 * replacing its contents. Returns 0, or -1 when encoding fails or the
 * frame would exceed MESSAGE_LEN_MAX. */
int message_encode(struct msgbuf *out, const struct message_header *hdr,
                   xdrproc_t proc, const void *obj);

/* Encodes just a body into *out, replacing its contents, to be sent
 * later, maybe several times, with message_encode_parts. Returns 0 or -1. */
int message_encode_body(struct msgbuf *out, xdrproc_t proc, const void *obj);

/* Encodes a frame of header, an XDR int when prefix is not NULL (the
 * callbackID libvirt's callback events put before the event's own body)
 * and len bytes of a body message_encode_body made. Returns 0 or -1. */
int message_encode_parts(struct msgbuf *out, const struct message_header *hdr,
                         const int32_t *prefix, const unsigned char *body, size_t len);

/* A frame whose body is raw bytes (stream data): message_raw_body makes
 * room in *out for a body of up to max bytes and returns where it goes (NULL
 * when max is too large or memory ran out); once len bytes are there,
 * message_finish_raw writes the length word and header before them. */
unsigned char *message_raw_body(struct msgbuf *out, size_t max);
int message_finish_raw(struct msgbuf *out, const struct message_header *hdr, size_t len);

#endif

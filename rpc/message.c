#include "message.h"

#include <stdlib.h>
#include <string.h>

#include "keepalive_protocol.h"
#include "remote_protocol.h"

/* The program numbers are the .x files'; message.h repeats them only so
 * that its users need not include the generated headers. */
_Static_assert(MESSAGE_PROGRAM_REMOTE == REMOTE_PROGRAM, "remote program number");
_Static_assert(MESSAGE_PROGRAM_KEEPALIVE == KEEPALIVE_PROGRAM, "keepalive program number");

static uint32_t load_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be32(unsigned char *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

void msgbuf_free(struct msgbuf *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

static int msgbuf_reserve(struct msgbuf *buf, size_t need)
{
    if (buf->cap >= need)
        return 0;
    size_t cap = buf->cap ? buf->cap : 256;
    while (cap < need)
        cap *= 2;
    unsigned char *p = realloc(buf->data, cap);
    if (!p)
        return -1;
    buf->data = p;
    buf->cap = cap;
    return 0;
}

long message_frame_length(const unsigned char word[MESSAGE_LEN_WORD])
{
    uint32_t len = load_be32(word);

    if (len < MESSAGE_LEN_MIN || len > MESSAGE_LEN_MAX)
        return -1;
    return (long)len;
}

int message_decode_header(const unsigned char *frame, size_t len,
                          struct message_header *hdr)
{
    if (len < MESSAGE_LEN_MIN)
        return -1;
    const unsigned char *p = frame + MESSAGE_LEN_WORD;
    hdr->prog = load_be32(p);
    hdr->vers = load_be32(p + 4);
    hdr->proc = (int32_t)load_be32(p + 8);
    hdr->type = (int32_t)load_be32(p + 12);
    hdr->serial = load_be32(p + 16);
    hdr->status = (int32_t)load_be32(p + 20);
    return 0;
}

int message_decode_body(const unsigned char *frame, size_t len, xdrproc_t proc,
                        void *obj)
{
    XDR xdr;
    int ok;

    if (len < MESSAGE_LEN_MIN)
        return -1;
    /* xdrmem never reads past the body, and the generated decoders check
     * every string and array count against its maximum before allocating. */
    xdrmem_create(&xdr, (char *)frame + MESSAGE_LEN_MIN, (u_int)(len - MESSAGE_LEN_MIN),
                  XDR_DECODE);
    ok = proc(&xdr, obj);
    xdr_destroy(&xdr);
    if (!ok) {
        message_free_body(proc, obj);
        return -1;
    }
    return 0;
}

void message_free_body(xdrproc_t proc, void *obj)
{
    xdr_free(proc, obj);
}

/* Makes room for a frame of `total` bytes in *out and writes its length
 * word and header. Returns 0 or -1. */
static int put_head(struct msgbuf *out, const struct message_header *hdr, size_t total)
{
    if (total > MESSAGE_LEN_MAX)
        return -1;
    if (msgbuf_reserve(out, total) < 0)
        return -1;
    store_be32(out->data, (uint32_t)total);
    store_be32(out->data + 4, hdr->prog);
    store_be32(out->data + 8, hdr->vers);
    store_be32(out->data + 12, (uint32_t)hdr->proc);
    store_be32(out->data + 16, (uint32_t)hdr->type);
    store_be32(out->data + 20, hdr->serial);
    store_be32(out->data + 24, (uint32_t)hdr->status);
    return 0;
}

int message_encode_body(struct msgbuf *out, xdrproc_t proc, const void *obj)
{
    unsigned long len = xdr_sizeof(proc, (void *)obj);
    XDR xdr;
    int ok;

    if (len > MESSAGE_LEN_MAX - MESSAGE_LEN_MIN || msgbuf_reserve(out, len) < 0)
        return -1;
    xdrmem_create(&xdr, (char *)out->data, (u_int)len, XDR_ENCODE);
    ok = proc(&xdr, (void *)obj);
    xdr_destroy(&xdr);
    if (!ok)
        return -1;
    out->len = len;
    return 0;
}

int message_encode_parts(struct msgbuf *out, const struct message_header *hdr,
                         const int32_t *prefix, const unsigned char *body, size_t len)
{
    size_t at = MESSAGE_LEN_MIN + (prefix ? 4 : 0);

    if (len > MESSAGE_LEN_MAX || put_head(out, hdr, at + len) < 0)
        return -1;
    if (prefix)
        store_be32(out->data + MESSAGE_LEN_MIN, (uint32_t)*prefix);
    if (len)
        memcpy(out->data + at, body, len);
    out->len = at + len;
    return 0;
}

int message_encode(struct msgbuf *out, const struct message_header *hdr,
                   xdrproc_t proc, const void *obj)
{
    unsigned long body = proc ? xdr_sizeof(proc, (void *)obj) : 0;
    size_t total = MESSAGE_LEN_MIN + body;
    XDR xdr;

    if (put_head(out, hdr, total) < 0)
        return -1;
    if (proc) {
        xdrmem_create(&xdr, (char *)out->data + MESSAGE_LEN_MIN, (u_int)body, XDR_ENCODE);
        int ok = proc(&xdr, (void *)obj);
        xdr_destroy(&xdr);
        if (!ok)
            return -1;
    }
    out->len = total;
    return 0;
}

unsigned char *message_raw_body(struct msgbuf *out, size_t max)
{
    if (max > MESSAGE_LEN_MAX - MESSAGE_LEN_MIN || msgbuf_reserve(out, MESSAGE_LEN_MIN + max) < 0)
        return NULL;
    return out->data + MESSAGE_LEN_MIN;
}

int message_finish_raw(struct msgbuf *out, const struct message_header *hdr, size_t len)
{
    if (MESSAGE_LEN_MIN + len > out->cap || put_head(out, hdr, MESSAGE_LEN_MIN + len) < 0)
        return -1;
    out->len = MESSAGE_LEN_MIN + len;
    return 0;
}

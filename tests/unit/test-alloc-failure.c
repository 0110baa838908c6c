/* An allocation that fails while the daemon answers virConnectListAllDomains
 * is an error reply, and nothing is leaked; never a success with a short
 * or empty list.
 *
 * In process: session_run serves one end of a socketpair in a thread, this
 * program is the client on the other end. The daemon's code is linked with
 * -Wl,--wrap for malloc, calloc, realloc and strdup (see meson.build), so
 * that the test can make the Nth allocation after it sends the call fail.
 * For N = 1, 2, ... until the call goes through without a failure, a fresh
 * session opens test:///default, defines three more domains, then lists
 * them all with allocation N failing; the reply must be an error reply
 * (out of memory, or the encoder's "Unable to encode message payload"),
 * and the heap in use after the sessions must be what it was before (glibc's
 * mallinfo2, run with tcache off so that freed chunks count as free; under
 * AddressSanitizer LeakSanitizer checks at exit instead). */
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "error.h"
#include "message.h"
#include "remote_protocol.h"
#include "session.h"

#define DOMAINS 4 /* test:///default's one, and three defined */

#include "check.h"

/* Allocations by the daemon's code: while armed, the one numbered
 * fail_at (from 1) fails. */
static atomic_int armed, count, fail_at, failed;

static int should_fail(void)
{
    if (!atomic_load(&armed))
        return 0;
    if (atomic_fetch_add(&count, 1) + 1 != atomic_load(&fail_at))
        return 0;
    atomic_store(&failed, 1);
    return 1;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

void *__wrap_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    return should_fail() ? NULL : __real_strdup(s);
}

static void *serve(void *arg)
{
    struct session_options opt = {.keepalive_interval = -1, .peer = "test"};
    int fd = *(int *)arg;

    session_run(channel_new(fd, fd), &opt);
    return NULL;
}

/* Sends one call, with the injection armed from when the frame is
 * encoded until the reply is read (the client's own encoding must not
 * count), and reads its reply's frame into *reply (caller frees). Returns
 * the reply's length, or -1. */
static long call(int fd, int proc, xdrproc_t args_fn, const void *args, int arm_at,
                 unsigned char **reply)
{
    struct message_header hdr = {MESSAGE_PROGRAM_REMOTE, REMOTE_PROTOCOL_VERSION, proc,
                                 MESSAGE_CALL,           (uint32_t)proc,          MESSAGE_OK};
    struct msgbuf out = {0};
    unsigned char word[4];
    long len = -1;

    if (message_encode(&out, &hdr, args_fn, args) < 0)
        return -1;
    atomic_store(&count, 0);
    atomic_store(&fail_at, arm_at);
    atomic_store(&failed, 0);
    atomic_store(&armed, arm_at > 0);
    if (write(fd, out.data, out.len) == (ssize_t)out.len &&
        recv(fd, word, 4, MSG_WAITALL) == 4 && (len = message_frame_length(word)) >= 0) {
        *reply = __real_malloc((size_t)len);
        memcpy(*reply, word, 4);
        if (recv(fd, *reply + 4, (size_t)len - 4, MSG_WAITALL) != len - 4)
            len = -1;
    }
    atomic_store(&armed, 0);
    msgbuf_free(&out);
    return len;
}

static int call_ok(int fd, int proc, xdrproc_t args_fn, const void *args)
{
    struct message_header hdr;
    unsigned char *reply = NULL;
    long len = call(fd, proc, args_fn, args, 0, &reply);
    int ok = len > 0 && message_decode_header(reply, (size_t)len, &hdr) == 0 &&
             hdr.status == MESSAGE_OK;

    free(reply);
    return ok ? 0 : -1;
}

/* One session: open, define, then the list with allocation n failing.
 * Returns 1 when allocation n happened (and the reply was checked), 0 when
 * the list needed fewer, -1 when the session could not be set up. */
static int one_session(int n)
{
    remote_connect_open_args open_args = {0};
    char *uri = "test:///default";
    remote_connect_list_all_domains_args list_args = {1, 0};
    struct message_header hdr;
    unsigned char *reply = NULL;
    pthread_t t;
    int sv[2], r = -1;
    long len;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
        pthread_create(&t, NULL, serve, &sv[1]) != 0)
        return -1;
    open_args.name = &uri;
    if (call_ok(sv[0], REMOTE_PROC_CONNECT_OPEN, (xdrproc_t)xdr_remote_connect_open_args,
                &open_args) < 0)
        goto out;
    for (int i = 1; i < DOMAINS; i++) {
        char xml[256];
        remote_domain_define_xml_args def = {xml};
        snprintf(xml, sizeof(xml),
                 "<domain type='test'><name>oom%d</name><memory>1024</memory>"
                 "<os><type>hvm</type></os></domain>",
                 i);
        if (call_ok(sv[0], REMOTE_PROC_DOMAIN_DEFINE_XML,
                    (xdrproc_t)xdr_remote_domain_define_xml_args, &def) < 0)
            goto out;
    }

    len = call(sv[0], REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS,
               (xdrproc_t)xdr_remote_connect_list_all_domains_args, &list_args, n, &reply);
    if (len < 0 || message_decode_header(reply, (size_t)len, &hdr) < 0) {
        FAIL("allocation %d failing: no reply to the list (the session ended)", n);
        r = 1;
        goto out;
    }
    r = atomic_load(&failed);
    if (hdr.status == MESSAGE_OK) {
        remote_connect_list_all_domains_ret ret;
        memset(&ret, 0, sizeof(ret));
        if (message_decode_body(reply, (size_t)len,
                                (xdrproc_t)xdr_remote_connect_list_all_domains_ret, &ret) < 0)
            FAIL("allocation %d failing: a success reply that does not decode", n);
        else if (r || ret.domains.domains_len != DOMAINS || ret.ret != DOMAINS)
            FAIL("allocation %d %s: a success with %u of %d domains (ret %u)", n,
                 r ? "failing" : "not reached", ret.domains.domains_len, DOMAINS, ret.ret);
        message_free_body((xdrproc_t)xdr_remote_connect_list_all_domains_ret, &ret);
    } else if (!r) {
        FAIL("no allocation failed, yet the list is an error reply");
    } else {
        remote_error e;
        memset(&e, 0, sizeof(e));
        if (message_decode_body(reply, (size_t)len, (xdrproc_t)xdr_remote_error, &e) < 0)
            FAIL("allocation %d failing: an error reply that does not decode", n);
        else if (e.code != ERR_NO_MEMORY &&
                 !(e.code == ERR_RPC && e.message &&
                   strcmp(*e.message, "Unable to encode message payload") == 0))
            FAIL("allocation %d failing: error %d \"%s\", expected out of memory", n, e.code,
                 e.message ? *e.message : "");
        message_free_body((xdrproc_t)xdr_remote_error, &e);
    }
out:
    free(reply);
    close(sv[0]); /* the session sees its client hang up and ends */
    pthread_join(t, NULL);
    return r;
}

static size_t heap_in_use(void)
{
    return mallinfo2().uordblks;
}

int main(void)
{
    int n, r = 1;
    size_t before, after;

    /* The first session sets up what stays for the process (libxml2's
     * globals, stdio buffers); later ones must give back all they take. */
    if (one_session(1000000) != 0) {
        FAIL("a session without failures did not list %d domains", DOMAINS);
        return 1;
    }
    before = heap_in_use();
    for (n = 1; n < 10000 && (r = one_session(n)) == 1; n++)
        ;
    after = heap_in_use();
    if (r < 0)
        FAIL("allocation %d failing: the session could not be set up", n);
    if (after != before)
        FAIL("%zu bytes in use before the failing lists, %zu after: %zd leaked", before, after,
             (ssize_t)(after - before));
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("list all domains: each of its %d allocations failing gave an error reply, and "
           "nothing leaked (%zu bytes in use before and after)\n",
           n - 1, before);
    return 0;
}

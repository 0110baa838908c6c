/* Framing and XDR against golden vectors: frames captured from real virsh
 * 9.0 talking to real libvirtd 9.0 (tests/data/captures, decoded by tshark's
 * libvirt dissector in decoded.txt). Each frame is decoded with rpc/ and the
 * generated codecs, its fields compared with what tshark shows, and
 * re-encoded byte for byte. Then the limits: the length word, string and
 * array maxima.
 *
 * Usage: test-message CAPTURES_DIR */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "remote_protocol.h"

static const char *captures;
static int failures;
static int checks;
static const char *current; /* the vector or test being checked */

#define FAIL(...)                                                                              \
    do {                                                                                       \
        failures++;                                                                            \
        fprintf(stderr, "FAIL %s: ", current);                                                 \
        fprintf(stderr, __VA_ARGS__);                                                          \
        fputc('\n', stderr);                                                                   \
    } while (0)

static void check_int(const char *what, long long expected, long long got)
{
    checks++;
    if (expected != got)
        FAIL("%s: expected %lld, got %lld", what, expected, got);
}

static void check_uint(const char *what, unsigned long long expected, unsigned long long got)
{
    checks++;
    if (expected != got)
        FAIL("%s: expected %llu, got %llu", what, expected, got);
}

static void check_str(const char *what, const char *expected, const char *got)
{
    checks++;
    if (!expected || !got) {
        if (expected != got)
            FAIL("%s: expected %s%s%s, got %s%s%s", what, expected ? "\"" : "",
                 expected ? expected : "(null)", expected ? "\"" : "", got ? "\"" : "",
                 got ? got : "(null)", got ? "\"" : "");
        return;
    }
    if (strcmp(expected, got) != 0)
        FAIL("%s: expected \"%s\", got \"%s\"", what, expected, got);
}

/* A remote_string (optional string): NULL or a pointer to the string. */
static void check_optstr(const char *what, const char *expected, remote_string got)
{
    check_str(what, expected, got ? *got : NULL);
}

static void hex(char *out, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
}

static void check_uuid(const char *what, const char *expected_hex, const char *got)
{
    char buf[2 * VIR_UUID_BUFLEN + 1];

    hex(buf, (const unsigned char *)got, VIR_UUID_BUFLEN);
    check_str(what, expected_hex, buf);
}

static void check_domain(const char *what, const remote_nonnull_domain *dom, const char *name,
                         const char *uuid_hex, int id)
{
    char w[128];

    snprintf(w, sizeof(w), "%s.name", what);
    check_str(w, name, dom->name);
    snprintf(w, sizeof(w), "%s.uuid", what);
    check_uuid(w, uuid_hex, dom->uuid);
    snprintf(w, sizeof(w), "%s.id", what);
    check_int(w, id, dom->id);
}

static unsigned char *read_vector(const char *name, size_t *len)
{
    char path[4096];
    FILE *f;
    unsigned char *buf = NULL;
    long size;

    snprintf(path, sizeof(path), "%s/%s.bin", captures, name);
    f = fopen(path, "rb");
    if (!f) {
        FAIL("cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) < 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
        FAIL("cannot size %s", path);
        goto out;
    }
    buf = malloc(size ? size : 1);
    if (!buf || fread(buf, 1, size, f) != (size_t)size) {
        FAIL("cannot read %s", path);
        free(buf);
        buf = NULL;
        goto out;
    }
    *len = size;
out:
    fclose(f);
    return buf;
}

struct expect_header {
    uint32_t prog;
    int32_t proc;
    int32_t type;
    uint32_t serial;
    int32_t status;
};

/* Loads a vector, checks its length word and header, decodes its body into
 * obj (when proc is not NULL), lets check() compare the fields, re-encodes
 * and compares the bytes. */
static void vector(const char *name, size_t expected_len, struct expect_header eh,
                   xdrproc_t proc, void *obj, size_t objsize, void (*check)(void *obj))
{
    size_t len = 0;
    unsigned char *frame;
    struct message_header hdr;
    struct msgbuf out = {0};

    current = name;
    frame = read_vector(name, &len);
    if (!frame)
        return;
    check_uint("file size", expected_len, len);
    check_int("message_frame_length", (long long)len, message_frame_length(frame));

    checks++;
    if (message_decode_header(frame, len, &hdr) < 0) {
        FAIL("message_decode_header: expected 0, got -1");
        goto out;
    }
    check_uint("header.prog", eh.prog, hdr.prog);
    check_uint("header.vers", 1, hdr.vers);
    check_int("header.proc", eh.proc, hdr.proc);
    check_int("header.type", eh.type, hdr.type);
    check_uint("header.serial", eh.serial, hdr.serial);
    check_int("header.status", eh.status, hdr.status);

    if (proc) {
        memset(obj, 0, objsize);
        checks++;
        if (message_decode_body(frame, len, proc, obj) < 0) {
            FAIL("message_decode_body: expected 0, got -1");
            goto out;
        }
        check(obj);
    } else {
        check_uint("empty body", MESSAGE_LEN_MIN, len);
    }

    checks++;
    if (message_encode(&out, &hdr, proc, obj) < 0) {
        FAIL("message_encode: expected 0, got -1");
    } else if (out.len != len || memcmp(out.data, frame, len) != 0) {
        size_t i = 0;
        while (i < len && i < out.len && out.data[i] == frame[i])
            i++;
        FAIL("re-encoded frame differs: expected %zu bytes, got %zu, first difference at "
             "byte %zu",
             len, out.len, i);
    }
    if (proc)
        message_free_body(proc, obj);
out:
    msgbuf_free(&out);
    free(frame);
}

#define TEST_UUID "6695eb01f6a4830479aa97f2502e193f"
#define REMOTE 0x20008086u
#define KEEPALIVE 0x6b656570u

static void check_auth_list_ret(void *p)
{
    remote_auth_list_ret *r = p;
    check_uint("types.len", 1, r->types.types_len);
    if (r->types.types_len == 1)
        check_int("types[0]", REMOTE_AUTH_NONE, r->types.types_val[0]);
}

static void check_supports_feature_args(void *p)
{
    check_int("feature", 10, ((remote_connect_supports_feature_args *)p)->feature);
}

static void check_supports_feature_ret(void *p)
{
    check_int("supported", 1, ((remote_connect_supports_feature_ret *)p)->supported);
}

static void check_open_args(void *p)
{
    remote_connect_open_args *a = p;
    check_optstr("name", "test:///default", a->name);
    check_uint("flags", 0, a->flags);
}

static void check_version_ret(void *p)
{
    check_uint("hv_ver", 2, ((remote_connect_get_version_ret *)p)->hv_ver);
}

static void check_node_info_ret(void *p)
{
    remote_node_get_info_ret *r = p;
    char model[33];

    memcpy(model, r->model, 32);
    model[32] = 0;
    check_str("model", "i686", model);
    for (int i = 4; i < 32; i++)
        if (r->model[i] != 0)
            FAIL("model[%d]: expected 0, got %d", i, r->model[i]);
    check_uint("memory", 3145728, r->memory);
    check_int("cpus", 16, r->cpus);
    check_int("mhz", 1400, r->mhz);
    check_int("nodes", 2, r->nodes);
    check_int("sockets", 2, r->sockets);
    check_int("cores", 2, r->cores);
    check_int("threads", 2, r->threads);
}

static void check_lookup_by_name_args(void *p)
{
    check_str("name", "test", ((remote_domain_lookup_by_name_args *)p)->name);
}

static void check_domain_ret(void *p)
{
    check_domain("dom", &((remote_domain_lookup_by_name_ret *)p)->dom, "test", TEST_UUID, 1);
}

static void check_domain_args(void *p)
{
    check_domain("dom", &((remote_domain_get_info_args *)p)->dom, "test", TEST_UUID, 1);
}

static void check_domain_flags_args(void *p)
{
    remote_domain_get_xml_desc_args *a = p;
    check_domain("dom", &a->dom, "test", TEST_UUID, 1);
    check_uint("flags", 0, a->flags);
}

static void check_domain_get_info_ret(void *p)
{
    remote_domain_get_info_ret *r = p;
    check_uint("state", 1, r->state);
    check_uint("max_mem", 8388608, r->max_mem);
    check_uint("memory", 2097152, r->memory);
    check_uint("nr_virt_cpu", 2, r->nr_virt_cpu);
    check_uint("cpu_time", 1795570702485317000ULL, r->cpu_time);
}

static void check_list_all_args(void *p)
{
    remote_connect_list_all_domains_args *a = p;
    check_int("need_results", 1, a->need_results);
    check_uint("flags", 3, a->flags);
}

static void check_list_all_ret(void *p)
{
    remote_connect_list_all_domains_ret *r = p;
    check_uint("domains.len", 1, r->domains.domains_len);
    if (r->domains.domains_len == 1)
        check_domain("domains[0]", &r->domains.domains_val[0], "test", TEST_UUID, 1);
    check_uint("ret", 1, r->ret);
}

static void check_error_no_domain(void *p)
{
    remote_error *e = p;
    check_int("code", 42, e->code);
    check_int("domain", 12, e->domain);
    check_optstr("message", "Domain not found", e->message);
    check_int("level", 2, e->level);
    check_int("dom is null", 1, e->dom == NULL);
    check_optstr("str1", "Domain not found", e->str1);
    check_optstr("str2", NULL, e->str2);
    check_optstr("str3", NULL, e->str3);
    check_int("int1", -1, e->int1);
    check_int("int2", -1, e->int2);
    check_int("net is null", 1, e->net == NULL);
}

static void check_xml_ret(void *p)
{
    const char *xml = ((remote_domain_get_xml_desc_ret *)p)->xml;
    const char *head = "<domain type='test' id='1'>\n  <name>test</name>\n"
                       "  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n";
    const char *tail = "  </devices>\n</domain>\n";

    check_uint("strlen(xml)", 1034, strlen(xml));
    checks++;
    if (strncmp(xml, head, strlen(head)) != 0)
        FAIL("xml: expected it to start with \"%s\", got \"%.80s\"", head, xml);
    checks++;
    if (strlen(xml) < strlen(tail) || strcmp(xml + strlen(xml) - strlen(tail), tail) != 0)
        FAIL("xml: expected it to end with \"%s\"", tail);
}

static void check_callback_register_any_args(void *p)
{
    remote_connect_domain_event_callback_register_any_args *a = p;
    check_int("eventID", 0, a->eventID);
    check_int("dom is null", 1, a->dom == NULL);
}

static void check_callback_register_any_ret(void *p)
{
    check_int("callbackID", 0,
              ((remote_connect_domain_event_callback_register_any_ret *)p)->callbackID);
}

static void check_lifecycle_msg(void *p)
{
    remote_domain_event_callback_lifecycle_msg *m = p;
    check_int("callbackID", 0, m->callbackID);
    check_domain("msg.dom", &m->msg.dom, "test", TEST_UUID, 1);
    check_int("msg.event", 3, m->msg.event);   /* VIR_DOMAIN_EVENT_SUSPENDED */
    check_int("msg.detail", 0, m->msg.detail); /* ..._SUSPENDED_PAUSED */
}

static void golden_vectors(void)
{
    union {
        remote_auth_list_ret auth;
        remote_connect_supports_feature_args sfa;
        remote_connect_supports_feature_ret sfr;
        remote_connect_open_args open;
        remote_connect_get_version_ret ver;
        remote_node_get_info_ret node;
        remote_domain_lookup_by_name_args lbn;
        remote_domain_lookup_by_name_ret dom;
        remote_domain_get_info_args da;
        remote_domain_get_xml_desc_args dfa;
        remote_domain_get_info_ret info;
        remote_connect_list_all_domains_args laa;
        remote_connect_list_all_domains_ret lar;
        remote_error err;
        remote_domain_get_xml_desc_ret xml;
        remote_connect_domain_event_callback_register_any_args cra;
        remote_connect_domain_event_callback_register_any_ret crr;
        remote_domain_event_callback_lifecycle_msg lc;
    } u;
#define V(name, len, prog, proc, type, serial, status, xdr, check)                             \
    vector(name, len, (struct expect_header){prog, proc, type, serial, status},                \
           (xdrproc_t)(xdr), &u, sizeof(u), check)

    V("auth_list_call", 28, REMOTE, 66, 0, 0, 0, NULL, NULL);
    V("auth_list_reply", 36, REMOTE, 66, 1, 0, 0, xdr_remote_auth_list_ret,
      check_auth_list_ret);
    V("connect_supports_feature_call", 32, REMOTE, 60, 0, 1, 0,
      xdr_remote_connect_supports_feature_args, check_supports_feature_args);
    V("connect_supports_feature_reply", 32, REMOTE, 60, 1, 1, 0,
      xdr_remote_connect_supports_feature_ret, check_supports_feature_ret);
    V("connect_open_call", 56, REMOTE, 1, 0, 2, 0, xdr_remote_connect_open_args,
      check_open_args);
    V("connect_open_reply", 28, REMOTE, 1, 1, 2, 0, NULL, NULL);
    V("connect_register_close_callback_call", 28, REMOTE, 360, 0, 5, 0, NULL, NULL);
    V("connect_get_version_call", 28, REMOTE, 4, 0, 7, 0, NULL, NULL);
    V("connect_get_version_reply", 36, REMOTE, 4, 1, 7, 0, xdr_remote_connect_get_version_ret,
      check_version_ret);
    V("connect_close_call", 28, REMOTE, 2, 0, 9, 0, NULL, NULL);
    V("connect_close_reply", 28, REMOTE, 2, 1, 9, 0, NULL, NULL);
    V("node_get_info_call", 28, REMOTE, 6, 0, 6, 0, NULL, NULL);
    V("node_get_info_reply", 188, REMOTE, 6, 1, 6, 0, xdr_remote_node_get_info_ret,
      check_node_info_ret);
    V("domain_lookup_by_name_call", 36, REMOTE, 23, 0, 6, 0,
      xdr_remote_domain_lookup_by_name_args, check_lookup_by_name_args);
    V("domain_lookup_by_name_reply", 56, REMOTE, 23, 1, 6, 0, xdr_remote_domain_lookup_by_name_ret,
      check_domain_ret);
    V("domain_get_info_call", 56, REMOTE, 16, 0, 8, 0, xdr_remote_domain_get_info_args,
      check_domain_args);
    V("domain_get_info_reply", 60, REMOTE, 16, 1, 8, 0, xdr_remote_domain_get_info_ret,
      check_domain_get_info_ret);
    V("list_all_domains_call", 36, REMOTE, 273, 0, 6, 0,
      xdr_remote_connect_list_all_domains_args, check_list_all_args);
    V("list_all_domains_reply", 64, REMOTE, 273, 1, 6, 0,
      xdr_remote_connect_list_all_domains_ret, check_list_all_ret);
    V("error_reply_no_domain", 112, REMOTE, 23, 1, 6, 1, xdr_remote_error,
      check_error_no_domain);
    V("get_xml_desc_call", 60, REMOTE, 14, 0, 7, 0, xdr_remote_domain_get_xml_desc_args,
      check_domain_flags_args);
    V("get_xml_desc_reply", 1068, REMOTE, 14, 1, 7, 0, xdr_remote_domain_get_xml_desc_ret,
      check_xml_ret);
    V("keepalive_ping", 28, KEEPALIVE, 1, 2, 0, 0, NULL, NULL);
    V("keepalive_pong", 28, KEEPALIVE, 2, 2, 0, 0, NULL, NULL);
    V("connect_domain_event_callback_register_any_call", 36, REMOTE, 316, 0, 6, 0,
      xdr_remote_connect_domain_event_callback_register_any_args,
      check_callback_register_any_args);
    V("connect_domain_event_callback_register_any_reply", 32, REMOTE, 316, 1, 6, 0,
      xdr_remote_connect_domain_event_callback_register_any_ret,
      check_callback_register_any_ret);
    V("domain_event_callback_lifecycle_msg", 68, REMOTE, 318, 2, 1, 0,
      xdr_remote_domain_event_callback_lifecycle_msg, check_lifecycle_msg);
#undef V
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void length_word_limits(void)
{
    static const struct {
        uint32_t word;
        long expected;
    } cases[] = {
        {0, -1},
        {4, -1},
        {27, -1},
        {28, 28},
        {29, 29},
        {33554435, 33554435},
        {33554436, 33554436},
        {33554437, -1},
        {0x7fffffff, -1},
        {0x80000000u, -1},
        {0xffffffffu, -1},
    };
    unsigned char w[4];
    char what[64];

    current = "length_word_limits";
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        put_be32(w, cases[i].word);
        snprintf(what, sizeof(what), "message_frame_length(%" PRIu32 ")", cases[i].word);
        check_int(what, cases[i].expected, message_frame_length(w));
    }
}

/* A frame of `body` bytes of zeroes after a header for proc. Caller frees. */
static unsigned char *make_frame(int proc, size_t body, size_t *len)
{
    unsigned char *f = calloc(1, MESSAGE_LEN_MIN + body);

    if (!f)
        abort();
    put_be32(f, (uint32_t)(MESSAGE_LEN_MIN + body));
    put_be32(f + 4, REMOTE);
    put_be32(f + 8, 1);
    put_be32(f + 12, (uint32_t)proc);
    *len = MESSAGE_LEN_MIN + body;
    return f;
}

static void header_too_short(void)
{
    unsigned char f[MESSAGE_LEN_MIN] = {0};
    struct message_header hdr;

    current = "header_too_short_fails";
    check_int("message_decode_header(27 bytes)", -1, message_decode_header(f, 27, &hdr));
    check_int("message_decode_header(28 bytes)", 0, message_decode_header(f, 28, &hdr));
}

/* A string body of count n with n bytes present (padded), decoded as
 * DOMAIN_LOOKUP_BY_NAME args. */
static int decode_string_of(uint32_t n)
{
    size_t len;
    size_t body = 4 + ((n + 3) & ~3u);
    unsigned char *f = make_frame(23, body, &len);
    remote_domain_lookup_by_name_args a;
    int r;

    put_be32(f + MESSAGE_LEN_MIN, n);
    memset(f + MESSAGE_LEN_MIN + 4, 'a', n);
    memset(&a, 0, sizeof(a));
    r = message_decode_body(f, len, (xdrproc_t)xdr_remote_domain_lookup_by_name_args, &a);
    if (r == 0) {
        if (strlen(a.name) != n)
            FAIL("decoded string length: expected %u, got %zu", n, strlen(a.name));
        message_free_body((xdrproc_t)xdr_remote_domain_lookup_by_name_args, &a);
    }
    free(f);
    return r;
}

static void string_limits(void)
{
    current = "string_over_max_fails_decode";
    check_int("string of REMOTE_STRING_MAX+1 bytes decodes", -1,
              decode_string_of(REMOTE_STRING_MAX + 1));
    current = "string_at_max_decodes";
    check_int("string of REMOTE_STRING_MAX bytes decodes", 0,
              decode_string_of(REMOTE_STRING_MAX));

    /* A count far beyond the body must fail without allocating it. */
    current = "string_count_beyond_body_fails_decode";
    {
        size_t len;
        unsigned char *f = make_frame(23, 8, &len);
        remote_domain_lookup_by_name_args a = {0};
        put_be32(f + MESSAGE_LEN_MIN, 0xfffffff0u);
        check_int(
            "decode", -1,
            message_decode_body(f, len, (xdrproc_t)xdr_remote_domain_lookup_by_name_args, &a));
        free(f);
    }
}

/* A LIST_ALL_DOMAINS reply body with n domains (empty names). */
static int decode_domain_list_of(uint32_t n)
{
    size_t len;
    size_t per = 4 + VIR_UUID_BUFLEN + 4;
    unsigned char *f = make_frame(273, 4 + (size_t)n * per + 4, &len);
    unsigned char *p = f + MESSAGE_LEN_MIN;
    remote_connect_list_all_domains_ret r;
    int rc;

    put_be32(p, n);
    p += 4;
    for (uint32_t i = 0; i < n; i++) {
        put_be32(p, 0);                /* name: empty */
        memset(p + 4, (int)i, 16);     /* uuid */
        put_be32(p + 20, (uint32_t)i); /* id */
        p += per;
    }
    put_be32(p, n);
    memset(&r, 0, sizeof(r));
    rc = message_decode_body(f, len, (xdrproc_t)xdr_remote_connect_list_all_domains_ret, &r);
    if (rc == 0) {
        if (r.domains.domains_len != n)
            FAIL("decoded list length: expected %u, got %u", n, r.domains.domains_len);
        message_free_body((xdrproc_t)xdr_remote_connect_list_all_domains_ret, &r);
    }
    free(f);
    return rc;
}

static void array_limits(void)
{
    current = "domain_list_over_max_fails_decode";
    check_int("list of REMOTE_DOMAIN_LIST_MAX+1 domains decodes", -1,
              decode_domain_list_of(REMOTE_DOMAIN_LIST_MAX + 1));
    current = "domain_list_at_max_decodes";
    check_int("list of REMOTE_DOMAIN_LIST_MAX domains decodes", 0,
              decode_domain_list_of(REMOTE_DOMAIN_LIST_MAX));

    current = "auth_type_list_over_max_fails_decode";
    {
        size_t len;
        unsigned char *f = make_frame(66, 4 + 4 * (REMOTE_AUTH_TYPE_LIST_MAX + 1), &len);
        remote_auth_list_ret r = {0};
        put_be32(f + MESSAGE_LEN_MIN, REMOTE_AUTH_TYPE_LIST_MAX + 1);
        check_int("decode", -1,
                  message_decode_body(f, len, (xdrproc_t)xdr_remote_auth_list_ret, &r));
        free(f);
    }
}

static void truncated_bodies(void)
{
    const char *names[] = {"domain_lookup_by_name_reply", "node_get_info_reply",
                           "error_reply_no_domain", "list_all_domains_reply"};
    xdrproc_t procs[] = {(xdrproc_t)xdr_remote_domain_lookup_by_name_ret,
                         (xdrproc_t)xdr_remote_node_get_info_ret, (xdrproc_t)xdr_remote_error,
                         (xdrproc_t)xdr_remote_connect_list_all_domains_ret};
    union {
        remote_domain_lookup_by_name_ret dom;
        remote_node_get_info_ret node;
        remote_error err;
        remote_connect_list_all_domains_ret list;
    } u;

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        size_t len = 0;
        unsigned char *f;
        char what[160];

        current = names[i];
        f = read_vector(names[i], &len);
        if (!f)
            continue;
        snprintf(what, sizeof(what), "truncated by 4 bytes: message_decode_body");
        memset(&u, 0, sizeof(u));
        check_int(what, -1, message_decode_body(f, len - 4, procs[i], &u));
        free(f);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CAPTURES_DIR\n", argv[0]);
        return 2;
    }
    captures = argv[1];
    golden_vectors();
    length_word_limits();
    header_too_short();
    string_limits();
    array_limits();
    truncated_bodies();
    printf("test-message: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}

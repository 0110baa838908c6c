/* Unit test of the in-memory test driver, through the driver interface.
 * Expected values come from libvirt 9.0's own test driver. Usage:
 * test-testdriver [DATADIR] (default: tests/data/testdriver). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "drivers/test.h"
#include "error.h"

#include "check.h"

static const struct driver *drv = &test_driver;
static const char *datadir = "tests/data/testdriver";

#define EXPECT_INT(what, expected, got)                                                        \
    do {                                                                                       \
        long long e_ = (long long)(expected), g_ = (long long)(got);                           \
        if (e_ != g_)                                                                          \
            FAIL("%s: expected %lld, got %lld", what, e_, g_);                                 \
    } while (0)

#define EXPECT_STR(what, expected, got)                                                        \
    do {                                                                                       \
        const char *e_ = (expected), *g_ = (got);                                              \
        if (!g_ || strcmp(e_, g_) != 0)                                                        \
            FAIL("%s: expected \"%s\", got \"%s\"", what, e_, g_ ? g_ : "(null)");             \
    } while (0)

static void expect_error(const char *what, int code, int domain, const char *message)
{
    const struct error *e = error_last();
    if (!e) {
        FAIL("%s: expected error %d/%d \"%s\", got none", what, code, domain, message);
        return;
    }
    EXPECT_INT(what, code, e->code);
    EXPECT_INT(what, domain, e->domain);
    if (message)
        EXPECT_STR(what, message, e->message);
}

#define MAXEV 32
static struct {
    char name[64];
    int id, event, detail;
} events[MAXEV];
static int nevents;

/* The driver's event sink: the test driver raises lifecycle events (id 0)
 * with libvirt's lifecycle message. */
static void on_event(void *opaque, int family, int event_id, const unsigned char *uuid,
                     size_t key_len, xdrproc_t msg_fn, const void *msg)
{
    const remote_domain_event_lifecycle_msg *m = msg;

    if (family != DRV_EVENT_DOMAIN || event_id != 0 || key_len != 16 ||
        memcmp(uuid, m->dom.uuid, 16) != 0)
        FAIL("event %d for a uuid other than its domain's", event_id);
    if (nevents < MAXEV) {
        snprintf(events[nevents].name, sizeof(events[0].name), "%s", m->dom.name);
        events[nevents].id = m->dom.id;
        events[nevents].event = m->event;
        events[nevents].detail = m->detail;
    }
    nevents++;
}

/* Checks that exactly the given (event, detail) pairs were emitted. */
static void expect_events(const char *what, int n, const int *pairs)
{
    EXPECT_INT(what, n, nevents);
    for (int i = 0; i < n && i < nevents; i++) {
        EXPECT_INT(what, pairs[2 * i], events[i].event);
        EXPECT_INT(what, pairs[2 * i + 1], events[i].detail);
    }
    nevents = 0;
}

/* The driver's operations take and fill the wire's structs; these call
 * them the way the tests read best. A domain is named as the wire names
 * it (name, uuid, id). */
typedef remote_nonnull_domain dref;
#define HOST (drv->host)
#define DOM (drv->domain)
#define FREE_RET(t, r) xdr_free((xdrproc_t)xdr_##t, (char *)(r))

static void dref_clear(dref *d)
{
    free(d->name);
    memset(d, 0, sizeof(*d));
}

/* Moves the domain of a successful reply out, or frees a failed one. */
#define DOM_REPLY(t, rc, r, d)                                                                 \
    do {                                                                                       \
        if ((rc) == 0)                                                                         \
            *(d) = (r).dom;                                                                    \
        else                                                                                   \
            FREE_RET(t, &(r));                                                                 \
    } while (0)

static int lookup_by_name(struct drv_conn *c, const char *name, dref *d)
{
    remote_domain_lookup_by_name_args a = {(char *)name};
    remote_domain_lookup_by_name_ret r = {0};
    int rc = DOM->domain_lookup_by_name(c, &a, &r);
    DOM_REPLY(remote_domain_lookup_by_name_ret, rc, r, d);
    return rc;
}

static int lookup_by_id(struct drv_conn *c, int id, dref *d)
{
    remote_domain_lookup_by_id_args a = {id};
    remote_domain_lookup_by_id_ret r = {0};
    int rc = DOM->domain_lookup_by_id(c, &a, &r);
    DOM_REPLY(remote_domain_lookup_by_id_ret, rc, r, d);
    return rc;
}

static int define_xml(struct drv_conn *c, const char *xml, dref *d)
{
    remote_domain_define_xml_args a = {(char *)xml};
    remote_domain_define_xml_ret r = {0};
    int rc = DOM->domain_define_xml(c, &a, &r);
    DOM_REPLY(remote_domain_define_xml_ret, rc, r, d);
    return rc;
}

static int create_xml(struct drv_conn *c, const char *xml, dref *d)
{
    remote_domain_create_xml_args a = {(char *)xml, 0};
    remote_domain_create_xml_ret r = {0};
    int rc = DOM->domain_create_xml(c, &a, &r);
    DOM_REPLY(remote_domain_create_xml_ret, rc, r, d);
    return rc;
}

/* Starts d and updates its id, as the client does. */
static int create(struct drv_conn *c, dref *d)
{
    remote_domain_create_with_flags_args a = {*d, 0};
    remote_domain_create_with_flags_ret r = {0};
    int rc = DOM->domain_create_with_flags(c, &a, &r);
    if (rc == 0)
        d->id = r.dom.id;
    FREE_RET(remote_domain_create_with_flags_ret, &r);
    return rc;
}

static int get_state(struct drv_conn *c, const dref *d, int *state, int *reason)
{
    remote_domain_get_state_args a = {*d, 0};
    remote_domain_get_state_ret r = {0};
    int rc = DOM->domain_get_state(c, &a, &r);
    *state = r.state;
    *reason = r.reason;
    return rc;
}

/* The domain's XML (caller frees), or NULL. */
static char *get_xml(struct drv_conn *c, const dref *d)
{
    remote_domain_get_xml_desc_args a = {*d, 0};
    remote_domain_get_xml_desc_ret r = {0};
    return DOM->domain_get_xml_desc(c, &a, &r) == 0 ? r.xml : NULL;
}

#define DOM_ONLY(fn, op, t)                                                                    \
    static int fn(struct drv_conn *c, const dref *d)                                           \
    {                                                                                          \
        t a = {*d};                                                                            \
        return DOM->op(c, &a);                                                                 \
    }
DOM_ONLY(suspend, domain_suspend, remote_domain_suspend_args)
DOM_ONLY(resume, domain_resume, remote_domain_resume_args)
DOM_ONLY(destroy, domain_destroy, remote_domain_destroy_args)
DOM_ONLY(undefine, domain_undefine, remote_domain_undefine_args)
DOM_ONLY(shutdown_dom, domain_shutdown, remote_domain_shutdown_args)

static int is_persistent(struct drv_conn *c, const dref *d)
{
    remote_domain_is_persistent_args a = {*d};
    remote_domain_is_persistent_ret r = {0};
    return DOM->domain_is_persistent(c, &a, &r) < 0 ? -1 : r.persistent;
}

static int set_memory_flags(struct drv_conn *c, const dref *d, uint64_t kib, unsigned flags)
{
    remote_domain_set_memory_flags_args a = {*d, kib, flags};
    return DOM->domain_set_memory_flags(c, &a);
}

static int num_of_domains(struct drv_conn *c)
{
    remote_connect_num_of_domains_ret r = {0};
    return DOM->connect_num_of_domains(c, &r) < 0 ? -1 : r.num;
}

static int num_of_defined_domains(struct drv_conn *c)
{
    remote_connect_num_of_defined_domains_ret r = {0};
    return DOM->connect_num_of_defined_domains(c, &r) < 0 ? -1 : r.num;
}

/* How many domains list_all_domains answers with flags, or -1. */
static int list_all(struct drv_conn *c, unsigned int flags)
{
    remote_connect_list_all_domains_args a = {1, flags};
    remote_connect_list_all_domains_ret r = {0};
    int rc = DOM->connect_list_all_domains(c, &a, &r);
    int n = rc < 0 ? -1 : (int)r.domains.domains_len;
    FREE_RET(remote_connect_list_all_domains_ret, &r);
    return n;
}

static char *slurp(const char *name)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", datadir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        FAIL("cannot open %s", path);
        return NULL;
    }
    char *buf = calloc(1, 1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static struct drv_conn *open_uri(const char *uri)
{
    struct drv_conn *c = NULL;
    int r = drv->open(uri, 0, NULL, &c);
    EXPECT_INT(uri, 1, r);
    if (c)
        drv->set_event_sink(c, on_event, NULL);
    nevents = 0;
    return c;
}

static void default_state_matches_libvirt(void)
{
    struct drv_conn *c = open_uri("test:///default");
    if (!c)
        return;
    remote_connect_get_type_ret type = {0};
    remote_connect_get_version_ret ver = {0};
    remote_node_get_info_ret info = {0};
    remote_connect_get_max_vcpus_args mva = {NULL};
    remote_connect_get_max_vcpus_ret mvr = {0};
    HOST->connect_get_type(c, &type);
    EXPECT_STR("type", "TEST", type.type);
    free(type.type);
    HOST->connect_get_version(c, &ver);
    EXPECT_INT("version", 2, ver.hv_ver);
    HOST->node_get_info(c, &info);
    EXPECT_STR("model", "i686", info.model);
    EXPECT_INT("memory", 3145728, info.memory);
    EXPECT_INT("cpus", 16, info.cpus);
    EXPECT_INT("mhz", 1400, info.mhz);
    EXPECT_INT("threads", 2, info.threads);
    HOST->connect_get_max_vcpus(c, &mva, &mvr);
    EXPECT_INT("max vcpus", 32, mvr.max_vcpus);

    remote_connect_get_capabilities_ret caps = {0};
    char *want = slurp("default-caps.xml");
    HOST->connect_get_capabilities(c, &caps);
    if (want)
        EXPECT_STR("capabilities", want, caps.capabilities);
    free(caps.capabilities);
    free(want);

    dref dom = {0};
    EXPECT_INT("lookup test", 0, lookup_by_name(c, "test", &dom));
    EXPECT_INT("test id", 1, dom.id);
    char *xml = get_xml(c, &dom);
    want = slurp("default-test.xml");
    if (want)
        EXPECT_STR("dumpxml test", want, xml);
    free(xml);
    free(want);

    int state = -1, reason = -1;
    get_state(c, &dom, &state, &reason);
    EXPECT_INT("test state", 1, state);
    EXPECT_INT("test reason", 0, reason);
    remote_domain_get_security_label_args la = {dom};
    remote_domain_get_security_label_ret label = {0};
    DOM->domain_get_security_label(c, &la, &label);
    EXPECT_STR("seclabel", "libvirt-test", label.label.label_val);
    EXPECT_INT("enforcing", 1, label.enforcing);
    FREE_RET(remote_domain_get_security_label_ret, &label);
    dref_clear(&dom);
    drv->close(c);
}

static void missing_domains_report_libvirt_errors(void)
{
    struct drv_conn *c = open_uri("test:///default");
    if (!c)
        return;
    dref dom = {0};
    EXPECT_INT("lookup nope", -1, lookup_by_name(c, "nope", &dom));
    expect_error("lookup nope", ERR_NO_DOMAIN, FROM_TEST, "Domain not found");
    EXPECT_INT("lookup id 99", -1, lookup_by_id(c, 99, &dom));
    expect_error("lookup id 99", ERR_NO_DOMAIN, FROM_TEST, "Domain not found");
    EXPECT_INT("lookup id -1", -1, lookup_by_id(c, -1, &dom));
    expect_error("lookup id -1", ERR_INVALID_ARG, FROM_DOMAIN,
                 "id in virDomainLookupByID must be zero or greater");

    dref gone = {.name = "ghost", .id = -1};
    memset(gone.uuid, 0x11, sizeof(gone.uuid));
    EXPECT_INT("destroy ghost", -1, destroy(c, &gone));
    expect_error("destroy ghost", ERR_NO_DOMAIN, FROM_TEST,
                 "Domain not found: no domain with matching uuid "
                 "'11111111-1111-1111-1111-111111111111' (ghost)");
    drv->close(c);
}

static void bad_xml_is_refused_and_changes_nothing(void)
{
    struct drv_conn *c = open_uri("test:///default");
    if (!c)
        return;
    dref dom = {0};
    static const struct {
        const char *xml;
        int code, domain;
        const char *message;
    } cases[] = {
        {"<domain", ERR_XML_DETAIL, FROM_DOMAIN,
         "(domain_definition):1: Couldn't find end of Start Tag domain line 1\n<domain\n"
         "-------^"},
        {"<foo/>", ERR_XML_ERROR, FROM_XML,
         "XML error: expecting root element of 'domain', not 'foo'"},
        {"<domain type='test'><memory>1024</memory><os><type>hvm</type></os></domain>",
         ERR_NO_NAME, FROM_DOMAIN, "missing name information"},
        {"<domain type='test'><name>test</name><memory>1</memory><os><type>hvm</type></os>"
         "</domain>",
         ERR_OPERATION_FAILED, FROM_DOMAIN,
         "operation failed: domain 'test' already exists with uuid "
         "6695eb01-f6a4-8304-79aa-97f2502e193f"},
        {"<domain type='test'><name>x</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>"
         "<memory>1</memory><os><type>hvm</type></os></domain>",
         ERR_OPERATION_FAILED, FROM_DOMAIN,
         "operation failed: domain 'test' is already defined with uuid "
         "6695eb01-f6a4-8304-79aa-97f2502e193f"},
        {"<domain type='foo'><name>x</name><memory>1</memory><os><type>hvm</type></os>"
         "</domain>",
         ERR_CONFIG_UNSUPPORTED, FROM_DOMAIN,
         "unsupported configuration: invalid domain type foo"},
        /* No DTD, so no entity can expand (issue 14). */
        {"<!DOCTYPE domain [<!ENTITY e 'x'>]><domain type='test'><name>x</name>"
         "<memory>1</memory><os><type>hvm</type></os><description>&e;</description></domain>",
         ERR_XML_ERROR, FROM_DOMAIN,
         "XML error: (domain_definition):1: a <!DOCTYPE> is not accepted: libvirt's XML has "
         "no DTD, entities or other declarations"},
        /* libvirt 9.0's words for these three. */
        {"<domain type='test'><name>a\nb</name><memory>1</memory><os><type>hvm</type></os>"
         "</domain>",
         ERR_XML_DETAIL, FROM_XML, "invalid char in name: \n"},
        {"<domain type='test'><name>x</name><memory>9007199254740992</memory>"
         "<os><type>hvm</type></os></domain>",
         ERR_OVERFLOW, FROM_NONE, "numerical overflow: value too large: 9007199254740992"},
        {"<domain type='test'><name>x</name><memory unit='b'>9223372036854775807</memory>"
         "<os><type>hvm</type></os></domain>",
         ERR_OVERFLOW, FROM_DOMAIN, "numerical overflow: size value too large"},
        /* Ours: names become file names; vCPUs are bounded. */
        {"<domain type='test'><name>.x</name><memory>1</memory><os><type>hvm</type></os>"
         "</domain>",
         ERR_XML_ERROR, FROM_DOMAIN, "XML error: name .x cannot start with '.'"},
        {"<domain type='test'><name>a\tb</name><memory>1</memory><os><type>hvm</type></os>"
         "</domain>",
         ERR_XML_DETAIL, FROM_XML, "invalid char in name: 0x09"},
        {"<domain type='test'><name>x</name><memory>1</memory><vcpu>2147483648</vcpu>"
         "<os><type>hvm</type></os></domain>",
         ERR_CONFIG_UNSUPPORTED, FROM_DOMAIN,
         "unsupported configuration: maximum vcpus count 2147483648 is more than the limit "
         "of 16384"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        EXPECT_INT(cases[i].xml, -1, define_xml(c, cases[i].xml, &dom));
        expect_error(cases[i].xml, cases[i].code, cases[i].domain, cases[i].message);
    }
    EXPECT_INT("domains after bad xml", 0, num_of_defined_domains(c));
    EXPECT_INT("running after bad xml", 1, num_of_domains(c));
    expect_events("no events for bad xml", 0, NULL);
    drv->close(c);
}

static void lifecycle_follows_libvirt(void)
{
    struct drv_conn *c = open_uri("test:///default");
    if (!c)
        return;
    const char *xml = "<domain type='test'><name>a</name><memory unit='MiB'>1</memory>"
                      "<os><type>hvm</type></os><devices><interface type='network'>"
                      "<source network='default'/></interface></devices></domain>";
    dref dom = {0};
    int state, reason;
    EXPECT_INT("define", 0, define_xml(c, xml, &dom));
    expect_events("define", 1, (int[]){0, 0});
    get_state(c, &dom, &state, &reason);
    EXPECT_INT("defined state", 5, state);
    EXPECT_INT("defined reason", 0, reason);

    EXPECT_INT("suspend inactive", -1, suspend(c, &dom));
    expect_error("suspend inactive", ERR_INTERNAL_ERROR, FROM_TEST,
                 "internal error: domain 'a' not running");
    EXPECT_INT("destroy inactive", -1, destroy(c, &dom));
    expect_error("destroy inactive", ERR_OPERATION_INVALID, FROM_DOMAIN,
                 "Requested operation is not valid: domain is not running");

    EXPECT_INT("start", 0, create(c, &dom));
    EXPECT_INT("first new id", 2, dom.id);
    expect_events("start", 1, (int[]){2, 0});
    EXPECT_INT("start again", -1, create(c, &dom));
    expect_error("start again", ERR_INTERNAL_ERROR, FROM_TEST,
                 "internal error: Domain 'a' is already running");

    EXPECT_INT("suspend", 0, suspend(c, &dom));
    get_state(c, &dom, &state, &reason);
    EXPECT_INT("paused", 3, state);
    EXPECT_INT("paused/user", 1, reason);
    EXPECT_INT("resume", 0, resume(c, &dom));
    get_state(c, &dom, &state, &reason);
    EXPECT_INT("running/unpaused", 5, reason);
    expect_events("suspend+resume", 2, (int[]){3, 0, 4, 0});

    EXPECT_INT("setmem too high", -1, set_memory_flags(c, &dom, 4096, 0));
    expect_error("setmem too high", ERR_INVALID_ARG, FROM_TEST,
                 "invalid argument: cannot set memory higher than max memory");

    EXPECT_INT("destroy", 0, destroy(c, &dom));
    expect_events("destroy", 1, (int[]){5, 1});
    get_state(c, &dom, &state, &reason);
    EXPECT_INT("shutoff/destroyed", 2, reason);

    EXPECT_INT("start 2", 0, create(c, &dom));
    EXPECT_INT("second new id", 3, dom.id);
    EXPECT_INT("undefine running", 0, undefine(c, &dom));
    EXPECT_INT("now transient", 0, is_persistent(c, &dom));
    EXPECT_INT("shutdown", 0, shutdown_dom(c, &dom));
    expect_events("start, undefine, shutdown", 3, (int[]){2, 0, 1, 0, 5, 0});
    EXPECT_INT("gone", -1, get_state(c, &dom, &state, &reason));
    expect_error("gone", ERR_NO_DOMAIN, FROM_TEST, NULL);
    dref_clear(&dom);

    EXPECT_INT("create transient", 0, create_xml(c, xml, &dom));
    EXPECT_INT("transient id", 4, dom.id);
    char *out = get_xml(c, &dom);
    if (!out || !strstr(out, "<target dev='testnet0'/>") || !strstr(out, "52:54:00:") ||
        !strstr(out, "<memory unit='KiB'>1024</memory>"))
        FAIL("transient xml: expected testnet0, a 52:54:00 MAC and 1024 KiB, got %s", out);
    free(out);
    EXPECT_INT("destroy transient", 0, destroy(c, &dom));
    expect_events("create+destroy transient", 2, (int[]){2, 0, 5, 1});
    EXPECT_INT("transient gone", -1, lookup_by_name(c, "a", &dom));
    dref_clear(&dom);
    drv->close(c);
}

static void listing_filters_like_libvirt(void)
{
    struct drv_conn *c = open_uri("test:///default");
    if (!c)
        return;
    dref dom = {0};
    define_xml(c,
               "<domain type='test'><name>b</name><memory>1024</memory>"
               "<os><type>hvm</type></os></domain>",
               &dom);
    dref_clear(&dom);
    static const struct {
        unsigned int flags;
        int count;
    } cases[] = {{0, 2},  {1, 1},   {2, 1},   {4, 2},    {8, 0},   {16, 1},
                 {64, 1}, {512, 2}, {256, 0}, {1024, 0}, {2048, 2}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char what[64];
        snprintf(what, sizeof(what), "list_all_domains(0x%x)", cases[i].flags);
        EXPECT_INT(what, cases[i].count, list_all(c, cases[i].flags));
    }
    EXPECT_INT("bad flag", -1, list_all(c, 0x10000));
    expect_error("bad flag", ERR_INVALID_ARG, FROM_TEST,
                 "unsupported flags (0x10000) in function testConnectListAllDomains");
    drv->close(c);
}

static void node_file_loads_running_domains(void)
{
    char uri[1200], abs[1024];
    if (!realpath(datadir, abs)) {
        FAIL("realpath %s failed", datadir);
        return;
    }
    snprintf(uri, sizeof(uri), "test://%s/node.xml", abs);
    struct drv_conn *c = open_uri(uri);
    if (!c)
        return;
    remote_node_get_info_ret info = {0};
    HOST->node_get_info(c, &info);
    EXPECT_STR("node model", "i986", info.model);
    EXPECT_INT("node cpus", 50, info.cpus);
    EXPECT_INT("node memory", 8192000, info.memory);
    dref dom = {0};
    EXPECT_INT("lookup fc4", 0, lookup_by_name(c, "fc4", &dom));
    EXPECT_INT("fc4 id", 2, dom.id);
    EXPECT_INT("fc4 uuid byte", 0xef, (unsigned char)dom.uuid[0]);
    dref_clear(&dom);
    EXPECT_INT("no test domain", -1, lookup_by_name(c, "test", &dom));
    EXPECT_INT("running", 2, num_of_domains(c));
    drv->close(c);

    struct drv_conn *bad = NULL;
    EXPECT_INT("open missing file", -1, drv->open("test:///nonexistent/x.xml", 0, NULL, &bad));
    expect_error("open missing file", ERR_XML_ERROR, FROM_TEST,
                 "XML error: failed to parse xml document '/nonexistent/x.xml'");
    EXPECT_INT("open other scheme", 0, drv->open("qemu:///system", 0, NULL, &bad));
}

static int b_events[16][2], nb_events;

static void on_event_b(void *opaque, int family, int event_id, const unsigned char *uuid,
                       size_t key_len, xdrproc_t msg_fn, const void *msg)
{
    const remote_domain_event_lifecycle_msg *m = msg;
    if (nb_events < 16) {
        b_events[nb_events][0] = m->event;
        b_events[nb_events][1] = m->detail;
    }
    nb_events++;
}

/* Two connections open at once share test:///default (the store in
 * LIBVIRTD_TEST_DEFAULT_DIR); the last close resets it. Without a session
 * loop, a connection reads the others' events when it next changes the
 * state. */
static void default_is_shared_while_open(void)
{
    struct drv_conn *a = open_uri("test:///default"), *b = open_uri("test:///default");
    dref x = {0}, t = {0}, tb = {0}, ghost = {.name = "ghost"};
    int state = -1, reason = -1;

    if (!a || !b)
        goto out;
    drv->set_event_sink(b, on_event_b, NULL);
    drv->events_wanted(b); /* b registered a callback */
    nb_events = 0;
    EXPECT_INT("define on a", 0,
               define_xml(a, "<domain type='test'><name>x</name><memory>1024</memory>"
                             "<os><type>hvm</type></os></domain>", &x));
    EXPECT_INT("x seen on b", 0, lookup_by_name(b, "x", &tb));
    dref_clear(&tb);
    EXPECT_INT("lookup test on a", 0, lookup_by_name(a, "test", &t));
    EXPECT_INT("destroy on a", 0, destroy(a, &t));
    EXPECT_INT("state on b", 0, get_state(b, &t, &state, &reason));
    EXPECT_INT("b sees shut off", 5, state);
    EXPECT_INT("b sees destroyed", 2, reason);
    EXPECT_INT("b's failed call", -1, destroy(b, &ghost));
    EXPECT_INT("b heard a's two events", 2, nb_events);
    EXPECT_INT("defined", 0, b_events[0][0]);
    EXPECT_INT("stopped", 5, b_events[1][0]);
    EXPECT_INT("destroyed", 1, b_events[1][1]);
    EXPECT_INT("b's create", 0, create(b, &t));
    EXPECT_INT("b hears its own start", 3, nb_events);
    EXPECT_INT("started", 2, b_events[2][0]);
    EXPECT_INT("a's domains", 1, num_of_defined_domains(a));
out:
    dref_clear(&x);
    dref_clear(&t);
    if (a)
        drv->close(a);
    if (b)
        drv->close(b);
    struct drv_conn *c = open_uri("test:///default");
    if (!c)
        return;
    EXPECT_INT("reset: no x", -1, lookup_by_name(c, "x", &x));
    EXPECT_INT("reset: test runs", 1, num_of_domains(c));
    drv->close(c);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        datadir = argv[1];
    /* test:///default's shared store, private to this run; the last close
     * removes what is in it. */
    char store[] = "/tmp/test-testdriver.XXXXXX";
    if (!mkdtemp(store) || setenv("LIBVIRTD_TEST_DEFAULT_DIR", store, 1) < 0) {
        perror("test-testdriver: store");
        return 1;
    }
    default_state_matches_libvirt();
    missing_domains_report_libvirt_errors();
    bad_xml_is_refused_and_changes_nothing();
    lifecycle_follows_libvirt();
    listing_filters_like_libvirt();
    node_file_loads_running_domains();
    default_is_shared_while_open();
    /* The last close reset the state (no "state" file: the default) and
     * dropped the events; the lock files stay for the next open. */
    char path[256];
    static const char *const left[] = {"users", "lock"}, *const gone[] = {"state",
                                                                        "events.index"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%ld/%s", store, (long)getppid(), gone[i]);
        if (access(path, F_OK) == 0)
            FAIL("%s is left after the last close", path);
        snprintf(path, sizeof(path), "%s/%ld/%s", store, (long)getppid(), left[i]);
        if (unlink(path) < 0)
            FAIL("%s: %s", path, strerror(errno));
    }
    snprintf(path, sizeof(path), "%s/%ld", store, (long)getppid());
    if (rmdir(path) < 0 || rmdir(store) < 0)
        FAIL("the shared store has more files: %s", strerror(errno));
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("all test-driver checks passed\n");
    return 0;
}

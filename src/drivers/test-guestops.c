/* The test driver's guest operations on domains (test-guestops.h), with
 * real libvirt 9.0's test driver's semantics, texts and flags checks.
 *
 * Differences from real libvirt worth knowing:
 * - send-key accepts every key code of a known codeset: real's checks
 *   each against its keymap tables ("invalid keycode").
 * - save images, restores and core dumps open the path the client names
 *   with the client's permissions (identity.h) and only regular files;
 *   real's libvirtd opens them as itself. A save that fails half-way
 *   leaves its partial file (real's removes it). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "conf/domain_xml.h"
#include "conf/xml.h"
#include "error.h"
#include "identity.h"
#include "test-guestops.h"
#include "uuid.h"

/* virDomainState, virDomainRunningReason, virDomainShutoffReason */
enum { ST_RUNNING = 1, ST_PAUSED = 3, ST_SHUTOFF = 5 };
enum { RUNNING_RESTORED = 3 };
enum { SHUTOFF_CRASHED = 3, SHUTOFF_SAVED = 5 };
/* virDomainEventType and the details used here */
enum { EV_DEFINED = 0, EV_UNDEFINED = 1, EV_STARTED = 2, EV_STOPPED = 5 };
enum { EV_DEFINED_RENAMED = 2, EV_UNDEFINED_RENAMED = 1, EV_STARTED_RESTORED = 2,
       EV_STOPPED_CRASHED = 2, EV_STOPPED_SAVED = 4 };
enum { AFFECT_LIVE = 1, AFFECT_CONFIG = 2 };
/* VIR_DOMAIN_EVENT_ID_METADATA_CHANGE */
#define EVENT_ID_METADATA_CHANGE 23

/* What a guest's clock reads until it is set: real's 1989-11-17 15:32:00. */
#define DEFAULT_SECONDS 627319920LL

/* The test driver's save image: this magic with its NUL, the length of the
 * domain XML as a native int, the XML. */
static const char save_magic[15] = "TestGuestMagic";
#define SAVE_XML_MAX 8192
/* A save image that ends early is a system error with whatever errno the
 * reading thread last left (a short read sets none): real libvirtd 9.0
 * says "Success" or "Protocol not available" depending on that thread's
 * history; ours says what real's test driver in-process says, "Success". */
#define SHORT_READ_ERRNO 0

/* ---- what each domain's guest holds ---- */

struct guest {
    unsigned char uuid[DRV_UUID_LEN];
    long long seconds;
    unsigned int nseconds;
    int frozen[2]; /* "/" and "/boot" */
    int managed_save;
};

struct guests {
    struct guest *v;
    size_t n, cap;
};

static const struct guest guest_default = {.seconds = DEFAULT_SECONDS};

static struct guests *guests(struct drv_conn *c)
{
    return test_state(c, TEST_KIND_GUEST);
}

static struct guest *guest_find(struct drv_conn *c, const unsigned char *uuid)
{
    struct guests *g = guests(c);
    for (size_t i = 0; g && i < g->n; i++)
        if (memcmp(g->v[i].uuid, uuid, DRV_UUID_LEN) == 0)
            return &g->v[i];
    return NULL;
}

/* A guest's state as it reads: the defaults when nothing was changed. */
static struct guest guest_get(struct drv_conn *c, const unsigned char *uuid)
{
    struct guest *g = guest_find(c, uuid);
    return g ? *g : guest_default;
}

/* The entry of uuid, made when missing; NULL with the error recorded. */
static struct guest *guest_entry(struct drv_conn *c, const unsigned char *uuid)
{
    struct guests *g = guests(c);
    struct guest *e = guest_find(c, uuid);

    if (e)
        return e;
    if (!g) {
        test_no_memory();
        return NULL;
    }
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 8;
        struct guest *v = realloc(g->v, cap * sizeof(*v));
        if (!v) {
            test_no_memory();
            return NULL;
        }
        g->v = v;
        g->cap = cap;
    }
    e = &g->v[g->n++];
    *e = guest_default;
    memcpy(e->uuid, uuid, DRV_UUID_LEN);
    return e;
}

void test_guest_forget(struct drv_conn *c, const unsigned char *uuid)
{
    struct guests *g = guests(c);
    struct guest *e = guest_find(c, uuid);

    if (e)
        *e = g->v[--g->n];
}

void test_guest_started(struct drv_conn *c, const unsigned char *uuid)
{
    struct guest *e = guest_find(c, uuid);
    if (e)
        e->managed_save = 0;
}

int test_guest_has_managed_save(struct drv_conn *c, const unsigned char *uuid)
{
    return guest_get(c, uuid).managed_save;
}

int test_guest_undefine(struct drv_conn *c, const unsigned char *uuid, unsigned int flags)
{
    enum { UNDEFINE_MANAGED_SAVE = 1 };
    struct guest *e = guest_find(c, uuid);

    if (!e || !e->managed_save)
        return 0;
    if (!(flags & UNDEFINE_MANAGED_SAVE)) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST,
                     "Refusing to undefine while domain managed save image exists");
        return -1;
    }
    e->managed_save = 0;
    return 0;
}

/* ---- the kind: saved with test:///default's state, metadata events ---- */

static void guests_clear(struct drv_conn *c, void *state)
{
    struct guests *g = state;
    (void)c;
    free(g->v);
    memset(g, 0, sizeof(*g));
}

/* One line per guest that differs from the defaults:
 *   "guest UUID SECONDS NSECONDS FROZEN_ROOT FROZEN_BOOT MANAGED_SAVE\n" */
static int guests_save(struct drv_conn *c, void *state, FILE *f)
{
    struct guests *g = state;
    char uuid[37];
    (void)c;
    for (size_t i = 0; i < g->n; i++) {
        const struct guest *e = &g->v[i];
        uuid_format(e->uuid, uuid);
        if (fprintf(f, "guest %s %lld %u %d %d %d\n", uuid, e->seconds, e->nseconds, e->frozen[0],
                    e->frozen[1], e->managed_save) < 0)
            return -1;
    }
    return 0;
}

static int guests_load(struct drv_conn *c, void *state, const char *data, size_t len)
{
    const char *p = data, *end = data + len;
    (void)state;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        char line[160], uuid[40];
        long long seconds;
        unsigned int nseconds;
        int f0, f1, ms, used = 0;
        unsigned char raw[DRV_UUID_LEN];
        struct guest *e;

        if (!nl || (size_t)(nl - p) >= sizeof(line))
            goto bad;
        memcpy(line, p, (size_t)(nl - p));
        line[nl - p] = '\0';
        p = nl + 1;
        if (sscanf(line, "guest %39s %lld %u %d %d %d%n", uuid, &seconds, &nseconds, &f0, &f1,
                   &ms, &used) != 6 ||
            line[used] != '\0' || uuid_parse(uuid, raw) < 0 || (f0 & ~1) || (f1 & ~1) ||
            (ms & ~1))
            goto bad;
        if (!(e = guest_entry(c, raw)))
            return -1;
        e->seconds = seconds;
        e->nseconds = nseconds;
        e->frozen[0] = f0;
        e->frozen[1] = f1;
        e->managed_save = ms;
    }
    return 0;
bad:
    error_report(ERR_INTERNAL_ERROR, FROM_TEST,
                 "the shared state of test:///default is damaged: a guest's line");
    return -1;
}

/* A metadata-change record: 'G', the type and the domain's id (32 bits
 * little-endian each), its uuid, the lengths of its name and of the
 * namespace (0xffffffff: none), then both. */
#define MREC_HEAD (1 + 8 + DRV_UUID_LEN + 8)
#define MREC_NAME_MAX 4096
#define MREC_URI_MAX 4096

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The callback event's body after its callbackID, which the session
 * writes for each registration. */
struct metadata_change {
    remote_nonnull_domain dom;
    int type;
    remote_string nsuri;
};

static bool_t xdr_metadata_change(XDR *x, struct metadata_change *m)
{
    return xdr_remote_nonnull_domain(x, &m->dom) && xdr_int(x, &m->type) &&
           xdr_remote_string(x, &m->nsuri);
}

static void guests_deliver(struct drv_conn *c, const unsigned char *rec, size_t len)
{
    if (len < MREC_HEAD)
        return;
    uint32_t nlen = get32(rec + 25), ulen = get32(rec + 29);
    int has_uri = ulen != 0xffffffffu;
    if (nlen == 0 || nlen > MREC_NAME_MAX || (has_uri && ulen > MREC_URI_MAX) ||
        len != MREC_HEAD + nlen + (has_uri ? ulen : 0))
        return;
    char *name = strndup((const char *)rec + MREC_HEAD, nlen);
    char *uri = has_uri ? strndup((const char *)rec + MREC_HEAD + nlen, ulen) : NULL;
    if (name && (!has_uri || uri) && strlen(name) == nlen && (!uri || strlen(uri) == ulen)) {
        struct metadata_change m = {
            .dom = {.name = name, .id = (int)get32(rec + 5)},
            .type = (int)get32(rec + 1),
            .nsuri = uri ? &uri : NULL,
        };
        memcpy(m.dom.uuid, rec + 9, DRV_UUID_LEN);
        test_emit(c, DRV_EVENT_DOMAIN, EVENT_ID_METADATA_CHANGE, rec + 9, DRV_UUID_LEN,
                  (xdrproc_t)xdr_metadata_change, &m);
    }
    free(name);
    free(uri);
}

static void queue_metadata_change(struct drv_conn *c, struct tdom *d, int type, const char *uri)
{
    const char *name = test_dom_name(d);
    size_t nlen = strlen(name), ulen = uri ? strlen(uri) : 0;
    unsigned char *rec;

    if (nlen > MREC_NAME_MAX || ulen > MREC_URI_MAX || !(rec = malloc(MREC_HEAD + nlen + ulen)))
        return;
    rec[0] = 'G';
    put32(rec + 1, (uint32_t)type);
    put32(rec + 5, (uint32_t)test_dom_id(d));
    memcpy(rec + 9, test_dom_uuid(d), DRV_UUID_LEN);
    put32(rec + 25, (uint32_t)nlen);
    put32(rec + 29, uri ? (uint32_t)ulen : 0xffffffffu);
    memcpy(rec + MREC_HEAD, name, nlen);
    if (uri)
        memcpy(rec + MREC_HEAD + nlen, uri, ulen);
    test_queue_event(c, rec, MREC_HEAD + nlen + ulen);
    free(rec);
}

const struct test_kind test_guest_kind = {
    .name = "guests",
    .tag = 'G',
    .state_size = sizeof(struct guests),
    .clear = guests_clear,
    .save = guests_save,
    .load = guests_load,
    .deliver = guests_deliver,
};

/* ---- helpers ---- */

/* libvirt's virReportInvalidArg: the message as it is, without the
 * "invalid argument" prefix. */
static void invalid_arg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void invalid_arg(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    error_set_message(ERR_INVALID_ARG, FROM_DOMAIN, msg);
}

static void not_running(void)
{
    error_report(ERR_OPERATION_INVALID, FROM_DOMAIN, "domain is not running");
}

/* The domain, which must be active (virDomainObjCheckActive). */
static struct tdom *active_dom(struct drv_conn *c, const remote_nonnull_domain *dom)
{
    struct tdom *d = test_dom_get(c, dom);
    if (d && !test_dom_active(d)) {
        not_running();
        return NULL;
    }
    return d;
}

/* A read-only call on an active domain: flags checked, then the domain. */
static struct tdom *read_active(struct drv_conn *c, const remote_nonnull_domain *dom,
                                unsigned int flags, unsigned int supported, const char *func)
{
    if (test_check_flags(flags, supported, func) < 0 || test_sync(c) < 0)
        return NULL;
    return active_dom(c, dom);
}

static char *dup_or_oom(const char *s)
{
    char *r = strdup(s);
    if (!r)
        test_no_memory();
    return r;
}

/* ---- time, hostname, control ---- */

int test_guest_get_time(struct drv_conn *c, const remote_domain_get_time_args *a,
                        remote_domain_get_time_ret *r)
{
    if (test_check_flags(a->flags, 0, "testDomainGetTime") < 0 || test_sync(c) < 0)
        return -1;
    struct tdom *d = test_dom_get(c, &a->dom);
    if (!d)
        return -1;
    if (test_dom_state(d, NULL) != ST_RUNNING) {
        not_running();
        return -1;
    }
    struct guest g = guest_get(c, test_dom_uuid(d));
    r->seconds = g.seconds;
    r->nseconds = g.nseconds;
    return 0;
}

static int set_time_locked(struct drv_conn *c, const remote_domain_set_time_args *a)
{
    enum { TIME_SYNC = 1 };
    struct tdom *d;
    struct guest *g;

    if (test_check_flags(a->flags, TIME_SYNC, "testDomainSetTime") < 0 ||
        !(d = active_dom(c, &a->dom)) || !(g = guest_entry(c, test_dom_uuid(d))))
        return -1;
    g->seconds = a->seconds;
    g->nseconds = a->nseconds;
    return 0;
}

int test_guest_set_time(struct drv_conn *c, const remote_domain_set_time_args *a)
{
    if (test_wr_begin(c, "testDomainSetTime") < 0)
        return -1;
    return test_wr_end(c, set_time_locked(c, a));
}

/* The hostname is made of the name the client gave, as real's is. */
int test_guest_get_hostname(struct drv_conn *c, const remote_domain_get_hostname_args *a,
                            remote_domain_get_hostname_ret *r)
{
    if (!read_active(c, &a->dom, a->flags, 0, "testDomainGetHostname"))
        return -1;
    if (asprintf(&r->hostname, "%shost", a->dom.name) < 0) {
        r->hostname = NULL;
        test_no_memory();
        return -1;
    }
    return 0;
}

/* The guest's clock doubles as the control state, as in real's test
 * driver: below 10000 s a job, below 30000 s occupied, below 60000 s an
 * error (reason by the seconds modulo 4). */
int test_guest_get_control_info(struct drv_conn *c,
                                const remote_domain_get_control_info_args *a,
                                remote_domain_get_control_info_ret *r)
{
    enum { CONTROL_OK, CONTROL_JOB, CONTROL_OCCUPIED, CONTROL_ERROR };
    struct tdom *d = read_active(c, &a->dom, a->flags, 0, "testDomainGetControlInfo");
    if (!d)
        return -1;
    long long s = guest_get(c, test_dom_uuid(d)).seconds;
    memset(r, 0, sizeof(*r));
    if (s > 0 && s < 10000) {
        r->state = CONTROL_JOB;
        r->stateTime = (uint64_t)s;
    } else if (s >= 10000 && s < 30000) {
        r->state = CONTROL_OCCUPIED;
        r->stateTime = (uint64_t)(s - 10000);
    } else if (s >= 30000 && s < 60000) {
        r->state = CONTROL_ERROR;
        r->details = (unsigned int)(s % 4);
        r->stateTime = (uint64_t)(s - 30000);
    } else {
        r->state = CONTROL_OK;
    }
    return 0;
}

/* Real's test driver takes no flags here, and libvirt's client always
 * asks for string parameters (VIR_TYPED_PARAM_STRING_OKAY): refused. */
int test_guest_get_launch_security_info(struct drv_conn *c,
                                        const remote_domain_get_launch_security_info_args *a,
                                        remote_domain_get_launch_security_info_ret *r)
{
    (void)c;
    (void)r;
    return test_check_flags(a->flags, 0, "testDomainGetLaunchSecurityInfo");
}

/* ---- file systems ---- */

static int str_array(remote_nonnull_string **val, u_int *len, const char *const *s, size_t n)
{
    *val = calloc(n ? n : 1, sizeof(**val));
    if (!*val) {
        test_no_memory();
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!((*val)[i] = dup_or_oom(s[i])))
            return -1;
        *len = (u_int)(i + 1);
    }
    return 0;
}

/* Two file systems on the first disk of device 'disk': / and /boot. */
int test_guest_get_fsinfo(struct drv_conn *c, const remote_domain_get_fsinfo_args *a,
                          remote_domain_get_fsinfo_ret *r)
{
    static const char *const mounts[2] = {"/", "/boot"};
    struct tdom *d = read_active(c, &a->dom, a->flags, 0, "testDomainGetFSInfo");
    if (!d)
        return -1;
    struct dx_def *def = test_dom_def(d);
    const char *dst = NULL;
    for (size_t i = 0; i < def->ndisks && !dst; i++)
        if (def->disks[i].device && strcmp(def->disks[i].device, "disk") == 0)
            dst = def->disks[i].dst;
    if (!dst)
        return 0;
    r->info.info_val = calloc(2, sizeof(*r->info.info_val));
    if (!r->info.info_val) {
        test_no_memory();
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        remote_domain_fsinfo *f = &r->info.info_val[i];
        r->info.info_len = (u_int)(i + 1);
        if (!(f->mountpoint = dup_or_oom(mounts[i])) || !(f->fstype = dup_or_oom("ext4")) ||
            asprintf(&f->name, "%s%d", dst, i + 1) < 0) {
            if (!f->name)
                test_no_memory();
            return -1;
        }
        if (str_array(&f->dev_aliases.dev_aliases_val, &f->dev_aliases.dev_aliases_len, &dst,
                      1) < 0)
            return -1;
    }
    r->ret = 2;
    return 0;
}

/* Freezes (freeze 1) or thaws the named mount points, all when none:
 * the count that changed, or -1 with nothing changed. */
static int freeze_locked(struct drv_conn *c, const remote_nonnull_domain *dom,
                         const remote_nonnull_string *mounts, u_int nmounts, unsigned int flags,
                         int freeze, const char *func)
{
    struct tdom *d;
    struct guest *g;
    int next[2], n = 0;

    if (test_check_flags(flags, 0, func) < 0 || !(d = active_dom(c, dom)) ||
        !(g = guest_entry(c, test_dom_uuid(d))))
        return -1;
    next[0] = g->frozen[0];
    next[1] = g->frozen[1];
    for (u_int i = 0; i < (nmounts ? nmounts : 2); i++) {
        int k = 0;
        if (nmounts) {
            if (strcmp(mounts[i], "/") == 0) {
                k = 0;
            } else if (strcmp(mounts[i], "/boot") == 0) {
                k = 1;
            } else {
                error_report(ERR_OPERATION_INVALID, FROM_TEST, "mount point not found: %s",
                             mounts[i]);
                return -1;
            }
        } else {
            k = (int)i;
        }
        if (next[k] != freeze) {
            next[k] = freeze;
            n++;
        }
    }
    g->frozen[0] = next[0];
    g->frozen[1] = next[1];
    return n;
}

static int freeze(struct drv_conn *c, const remote_nonnull_domain *dom,
                  const remote_nonnull_string *mounts, u_int nmounts, unsigned int flags,
                  int on, const char *func, int *count)
{
    if (test_wr_begin(c, func) < 0)
        return -1;
    int n = freeze_locked(c, dom, mounts, nmounts, flags, on, func);
    if (test_wr_end(c, n < 0 ? -1 : 0) < 0)
        return -1;
    *count = n;
    return 0;
}

int test_guest_fsfreeze(struct drv_conn *c, const remote_domain_fsfreeze_args *a,
                        remote_domain_fsfreeze_ret *r)
{
    return freeze(c, &a->dom, a->mountpoints.mountpoints_val, a->mountpoints.mountpoints_len,
                  a->flags, 1, "testDomainFSFreeze", &r->filesystems);
}

int test_guest_fsthaw(struct drv_conn *c, const remote_domain_fsthaw_args *a,
                      remote_domain_fsthaw_ret *r)
{
    return freeze(c, &a->dom, a->mountpoints.mountpoints_val, a->mountpoints.mountpoints_len,
                  a->flags, 0, "testDomainFSThaw", &r->filesystems);
}

int test_guest_fstrim(struct drv_conn *c, const remote_domain_fstrim_args *a)
{
    if (!read_active(c, &a->dom, a->flags, 0, "testDomainFSTrim"))
        return -1;
    const char *m = a->mountPoint ? *a->mountPoint : NULL;
    if (m && strcmp(m, "/") != 0 && strcmp(m, "/boot") != 0) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST, "mount point not found: %s", m);
        return -1;
    }
    return 0;
}

/* ---- keys, NMI, passwords ---- */

int test_guest_send_key(struct drv_conn *c, const remote_domain_send_key_args *a)
{
    enum { KEYCODE_SET_LAST = 10 }; /* virKeycodeSet: linux ... qnum */
    if (a->keycodes.keycodes_len == 0) {
        invalid_arg("nkeycodes in virDomainSendKey must be greater than zero");
        return -1;
    }
    if (!read_active(c, &a->dom, a->flags, 0, "testDomainSendKey"))
        return -1;
    if (a->codeset >= KEYCODE_SET_LAST) {
        error_report(ERR_INTERNAL_ERROR, FROM_TEST, "invalid keycode %u of %s codeset",
                     a->keycodes.keycodes_val[0], "(null)");
        return -1;
    }
    return 0;
}

int test_guest_inject_nmi(struct drv_conn *c, const remote_domain_inject_nmi_args *a)
{
    return read_active(c, &a->dom, a->flags, 0, "testDomainInjectNMI") ? 0 : -1;
}

/* The image real's test driver streams for any domain, active or not: the
 * one libvirt installs (libvirt0's PKGDATADIR). */
#define TEST_SCREENSHOT "/usr/share/libvirt/test-screenshot.png"

int test_guest_screenshot(struct drv_conn *c, const remote_domain_screenshot_args *a,
                          remote_domain_screenshot_ret *r)
{
    struct drv_stream st = {.dir = DRV_STREAM_SOURCE, .cancel_fd = -1};

    if (test_check_flags(a->flags, 0, "testDomainScreenshot") < 0 || test_sync(c) < 0 ||
        !test_dom_get(c, &a->dom))
        return -1;
    st.fd = open(TEST_SCREENSHOT, O_RDONLY | O_CLOEXEC);
    if (st.fd < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STREAMS, "Unable to open stream for '%s': %s",
                     TEST_SCREENSHOT, strerror(errno));
        return -1;
    }
    r->mime = malloc(sizeof(*r->mime));
    if (!r->mime || !(*r->mime = strdup("image/png"))) {
        free(r->mime);
        r->mime = NULL;
        close(st.fd);
        test_no_memory();
        return -1;
    }
    return test_open_stream(c, &st);
}

int test_guest_set_user_password(struct drv_conn *c,
                                 const remote_domain_set_user_password_args *a)
{
    enum { PASSWORD_ENCRYPTED = 1 };
    if (!a->user || !a->password) {
        invalid_arg("%s in virDomainSetUserPassword must not be NULL",
                     a->user ? "password" : "user");
        return -1;
    }
    return read_active(c, &a->dom, a->flags, PASSWORD_ENCRYPTED, "testDomainSetUserPassword")
               ? 0
               : -1;
}

/* ---- rename ---- */

static int rename_locked(struct drv_conn *c, const remote_domain_rename_args *a)
{
    struct tdom *d;
    const char *name = a->new_name ? *a->new_name : NULL;

    if (test_check_flags(a->flags, 0, "testDomainRename") < 0 ||
        !(d = test_dom_get(c, &a->dom)))
        return -1;
    if (test_dom_active(d)) {
        error_report(ERR_OPERATION_INVALID, FROM_DOMAIN, "cannot rename active domain");
        return -1;
    }
    if (!test_dom_persistent(d)) {
        error_report(ERR_OPERATION_INVALID, FROM_DOMAIN, "cannot rename a transient domain");
        return -1;
    }
    if (test_dom_state(d, NULL) != ST_SHUTOFF) {
        error_report(ERR_OPERATION_INVALID, FROM_DOMAIN,
                     "domain has to be shutoff before renaming");
        return -1;
    }
    if (!name) {
        invalid_arg("new_name in virDomainRename must not be NULL");
        return -1;
    }
    if (strchr(name, '/')) {
        error_report(ERR_XML_ERROR, FROM_TEST, "name %s cannot contain '/'", name);
        return -1;
    }
    if (dx_name_check(name) < 0)
        return -1;
    /* The UNDEFINED event names the domain by its old name. */
    test_dom_emit(c, d, EV_UNDEFINED, EV_UNDEFINED_RENAMED);
    if (test_dom_rename(c, d, name) < 0)
        return -1;
    test_dom_emit(c, d, EV_DEFINED, EV_DEFINED_RENAMED);
    return 0;
}

int test_guest_rename(struct drv_conn *c, const remote_domain_rename_args *a,
                      remote_domain_rename_ret *r)
{
    if (test_wr_begin(c, "testDomainRename") < 0)
        return -1;
    r->retcode = 0;
    return test_wr_end(c, rename_locked(c, a));
}

/* ---- save images ---- */

static void system_error(int e, const char *fmt, const char *a1, const char *a2)
{
    char msg[1024];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    snprintf(msg, sizeof(msg), fmt, a1, a2);
#pragma GCC diagnostic pop
    error_report(ERR_SYSTEM_ERROR, FROM_TEST, "%s: %s", msg, strerror(e));
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads up to n bytes; the count read (short at the end of the file), or
 * -1 with errno set. */
static ssize_t read_all(int fd, void *p, size_t n)
{
    char *s = p;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, s + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Writes def (id: as it runs, -1 for none) as a save image at path. */
static int image_write(struct drv_conn *c, const char *path, const struct dx_def *def, int id)
{
    char *xml = dx_def_format(def, id);
    int fd, len, ret = -1;

    if (!xml) {
        system_error(errno ? errno : ENOMEM,
                     "saving domain '%s' failed to allocate space for metadata", def->name, "");
        return -1;
    }
    len = (int)strlen(xml);
    if ((fd = identity_open_write(test_who(c), path, 0600)) < 0) {
        system_error(errno, "saving domain '%s' to '%s': open failed", def->name, path);
        goto out;
    }
    if (write_all(fd, save_magic, sizeof(save_magic)) < 0 ||
        write_all(fd, &len, sizeof(len)) < 0 || write_all(fd, xml, (size_t)len) < 0) {
        system_error(errno, "saving domain '%s' to '%s': write failed", def->name, path);
        close(fd);
        goto out;
    }
    if (close(fd) < 0) {
        system_error(errno, "saving domain '%s' to '%s': write failed", def->name, path);
        goto out;
    }
    ret = 0;
out:
    free(xml);
    return ret;
}

/* The definition a save image holds (the hardened parser's; libvirt's
 * errors), or NULL with the error recorded. */
static struct dx_def *image_read(struct drv_conn *c, const char *path)
{
    char magic[sizeof(save_magic)], *xml = NULL;
    struct dx_def *def = NULL;
    int fd, len;
    ssize_t n;

    if ((fd = identity_open_read(test_who(c), path, FROM_TEST)) < 0) {
        if (errno != EINVAL)
            system_error(errno, "cannot read domain image '%s'", path, "");
        return NULL;
    }
    errno = 0;
    if ((n = read_all(fd, magic, sizeof(magic))) != (ssize_t)sizeof(magic)) {
        system_error(n < 0 ? errno : SHORT_READ_ERRNO, "incomplete save header in '%s'", path, "");
        goto out;
    }
    if (memcmp(magic, save_magic, sizeof(magic)) != 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_TEST, "mismatched header magic");
        goto out;
    }
    errno = 0;
    if ((n = read_all(fd, &len, sizeof(len))) != (ssize_t)sizeof(len)) {
        system_error(n < 0 ? errno : SHORT_READ_ERRNO, "failed to read metadata length in '%s'",
                     path, "");
        goto out;
    }
    if (len < 1 || len > SAVE_XML_MAX) {
        error_report(ERR_INTERNAL_ERROR, FROM_TEST, "length of metadata out of range");
        goto out;
    }
    if (!(xml = calloc(1, (size_t)len + 1))) {
        test_no_memory();
        goto out;
    }
    errno = 0;
    if ((n = read_all(fd, xml, (size_t)len)) != len) {
        system_error(n < 0 ? errno : SHORT_READ_ERRNO, "incomplete metadata in '%s'", path, "");
        goto out;
    }
    def = dx_def_parse_string(xml);
out:
    free(xml);
    close(fd);
    return def;
}

/* Real's reads a definition for a save image without naming its
 * interfaces (a restore names them, as a define does). */
static void drop_generated_ifnames(struct dx_def *def)
{
    for (size_t i = 0; i < def->nnets; i++)
        if (def->nets[i].ifname_generated) {
            free(def->nets[i].ifname);
            def->nets[i].ifname = NULL;
        }
}

static const char *opt(remote_string s)
{
    return s ? *s : NULL;
}

static int xml_modification(const char *dxml)
{
    if (dxml) {
        error_report(ERR_ARGUMENT_UNSUPPORTED, FROM_TEST, "xml modification unsupported");
        return -1;
    }
    return 0;
}

static int save_locked(struct drv_conn *c, const remote_nonnull_domain *dom, const char *to,
                       const char *dxml, unsigned int flags)
{
    struct tdom *d;

    if (test_check_flags(flags, 0, "testDomainSaveFlags") < 0 || xml_modification(dxml) < 0 ||
        !(d = active_dom(c, dom)))
        return -1;
    if (image_write(c, to, test_dom_def(d), test_dom_id(d)) < 0)
        return -1;
    test_dom_stop(c, d, SHUTOFF_SAVED, EV_STOPPED_SAVED);
    return 0;
}

static int save(struct drv_conn *c, const remote_nonnull_domain *dom, const char *to,
                const char *dxml, unsigned int flags)
{
    if (test_wr_begin(c, "testDomainSaveFlags") < 0)
        return -1;
    return test_wr_end(c, save_locked(c, dom, to, dxml, flags));
}

int test_guest_save(struct drv_conn *c, const remote_domain_save_args *a)
{
    return save(c, &a->dom, a->to, NULL, 0);
}

int test_guest_save_flags(struct drv_conn *c, const remote_domain_save_flags_args *a)
{
    return save(c, &a->dom, a->to, opt(a->dxml), a->flags);
}

static int restore_locked(struct drv_conn *c, const char *from, const char *dxml,
                          unsigned int flags)
{
    struct dx_def *def;

    if (test_check_flags(flags, 0, "testDomainRestoreFlags") < 0 ||
        xml_modification(dxml) < 0 || !(def = image_read(c, from)))
        return -1;
    return test_dom_start_def(c, def, RUNNING_RESTORED, EV_STARTED_RESTORED) ? 0 : -1;
}

static int restore(struct drv_conn *c, const char *from, const char *dxml, unsigned int flags)
{
    if (test_wr_begin(c, "testDomainRestoreFlags") < 0)
        return -1;
    return test_wr_end(c, restore_locked(c, from, dxml, flags));
}

int test_guest_restore(struct drv_conn *c, const remote_domain_restore_args *a)
{
    return restore(c, a->from, NULL, 0);
}

int test_guest_restore_flags(struct drv_conn *c, const remote_domain_restore_flags_args *a)
{
    return restore(c, a->from, opt(a->dxml), a->flags);
}

int test_guest_save_image_get_xml_desc(struct drv_conn *c,
                                       const remote_domain_save_image_get_xml_desc_args *a,
                                       remote_domain_save_image_get_xml_desc_ret *r)
{
    enum { SAVE_IMAGE_XML_SECURE = 1 };
    struct dx_def *def;

    if (test_check_flags(a->flags, SAVE_IMAGE_XML_SECURE, "testDomainSaveImageGetXMLDesc") < 0 ||
        !(def = image_read(c, a->file)))
        return -1;
    drop_generated_ifnames(def);
    r->xml = dx_def_format(def, -1);
    dx_def_free(def);
    if (!r->xml) {
        test_no_memory();
        return -1;
    }
    return 0;
}

/* Not a change of the driver's state: only the file is written. */
int test_guest_save_image_define_xml(struct drv_conn *c,
                                     const remote_domain_save_image_define_xml_args *a)
{
    enum { SAVE_RUNNING = 2, SAVE_PAUSED = 4 };
    struct dx_def *def, *newdef;

    if (test_check_flags(a->flags, SAVE_RUNNING | SAVE_PAUSED, "testDomainSaveImageDefineXML") <
            0 ||
        !(def = image_read(c, a->file)))
        return -1;
    dx_def_free(def);
    if (!(newdef = dx_def_parse_string(a->dxml)))
        return -1;
    drop_generated_ifnames(newdef);
    int r = image_write(c, a->file, newdef, -1);
    dx_def_free(newdef);
    return r;
}

/* ---- managed save ---- */

static int managed_save_locked(struct drv_conn *c, const remote_domain_managed_save_args *a)
{
    enum { SAVE_BYPASS_CACHE = 1, SAVE_RUNNING = 2, SAVE_PAUSED = 4 };
    struct tdom *d;
    struct guest *g;

    if (test_check_flags(a->flags, SAVE_BYPASS_CACHE | SAVE_RUNNING | SAVE_PAUSED,
                         "testDomainManagedSave") < 0 ||
        !(d = active_dom(c, &a->dom)))
        return -1;
    if (!test_dom_persistent(d)) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST,
                     "cannot do managed save for transient domain");
        return -1;
    }
    if (!(g = guest_entry(c, test_dom_uuid(d))))
        return -1;
    test_dom_stop(c, d, SHUTOFF_SAVED, EV_STOPPED_SAVED);
    g->managed_save = 1;
    return 0;
}

int test_guest_managed_save(struct drv_conn *c, const remote_domain_managed_save_args *a)
{
    if (test_wr_begin(c, "testDomainManagedSave") < 0)
        return -1;
    return test_wr_end(c, managed_save_locked(c, a));
}

static int managed_save_remove_locked(struct drv_conn *c,
                                      const remote_domain_managed_save_remove_args *a)
{
    struct tdom *d;
    struct guest *g;

    if (test_check_flags(a->flags, 0, "testDomainManagedSaveRemove") < 0 ||
        !(d = test_dom_get(c, &a->dom)))
        return -1;
    if ((g = guest_find(c, test_dom_uuid(d))))
        g->managed_save = 0;
    return 0;
}

int test_guest_managed_save_remove(struct drv_conn *c,
                                   const remote_domain_managed_save_remove_args *a)
{
    if (test_wr_begin(c, "testDomainManagedSaveRemove") < 0)
        return -1;
    return test_wr_end(c, managed_save_remove_locked(c, a));
}

/* ---- core dumps ---- */

enum { DUMP_CRASH = 1, DUMP_LIVE = 2, DUMP_RESET = 8 };

static int core_dump_locked(struct drv_conn *c, const remote_nonnull_domain *dom, const char *to,
                            unsigned int format, unsigned int flags)
{
    enum { FORMAT_RAW = 0, FORMAT_LAST = 5 };
    struct tdom *d;
    int fd;

    if (format >= FORMAT_LAST) {
        invalid_arg("dumpformat '%d' is not supported", format);
        return -1;
    }
    if ((flags & DUMP_CRASH) && (flags & DUMP_LIVE)) {
        invalid_arg("Flags 'VIR_DUMP_CRASH' and 'VIR_DUMP_LIVE' are mutually exclusive");
        return -1;
    }
    if ((flags & DUMP_CRASH) && (flags & DUMP_RESET)) {
        invalid_arg("Flags 'VIR_DUMP_CRASH' and 'VIR_DUMP_RESET' are mutually exclusive");
        return -1;
    }
    if ((flags & DUMP_LIVE) && (flags & DUMP_RESET)) {
        invalid_arg("Flags 'VIR_DUMP_LIVE' and 'VIR_DUMP_RESET' are mutually exclusive");
        return -1;
    }
    if (test_check_flags(flags, DUMP_CRASH, "testDomainCoreDumpWithFormat") < 0 ||
        !(d = active_dom(c, dom)))
        return -1;
    if ((fd = identity_open_write(test_who(c), to, 0600)) < 0) {
        system_error(errno, "domain '%s' coredump: failed to open %s", dom->name, to);
        return -1;
    }
    if (write_all(fd, save_magic, sizeof(save_magic)) < 0) {
        system_error(errno, "domain '%s' coredump: failed to write header to %s", dom->name, to);
        close(fd);
        return -1;
    }
    if (close(fd) < 0) {
        system_error(errno, "domain '%s' coredump: write failed: %s", dom->name, to);
        return -1;
    }
    if (format != FORMAT_RAW) {
        error_report(ERR_OPERATION_UNSUPPORTED, FROM_TEST,
                     "kdump-compressed format is not supported here");
        return -1;
    }
    if (flags & DUMP_CRASH)
        test_dom_stop(c, d, SHUTOFF_CRASHED, EV_STOPPED_CRASHED);
    return 0;
}

static int core_dump(struct drv_conn *c, const remote_nonnull_domain *dom, const char *to,
                     unsigned int format, unsigned int flags)
{
    if (test_wr_begin(c, "testDomainCoreDumpWithFormat") < 0)
        return -1;
    return test_wr_end(c, core_dump_locked(c, dom, to, format, flags));
}

int test_guest_core_dump(struct drv_conn *c, const remote_domain_core_dump_args *a)
{
    return core_dump(c, &a->dom, a->to, 0, a->flags);
}

int test_guest_core_dump_with_format(struct drv_conn *c,
                                     const remote_domain_core_dump_with_format_args *a)
{
    return core_dump(c, &a->dom, a->to, a->dumpformat, a->flags);
}

/* ---- lifecycle actions ---- */

static const char *const lifecycle_types[] = {"poweroff", "reboot", "crash"};
static const char *const lifecycle_actions[] = {"destroy",  "restart",          "rename-restart",
                                                "preserve", "coredump-destroy", "coredump-restart"};

static int set_action(struct dx_def *def, unsigned int type, unsigned int action)
{
    char **slot = type == 0 ? &def->on_poweroff : type == 1 ? &def->on_reboot : &def->on_crash;
    char *s = dup_or_oom(lifecycle_actions[action]);
    if (!s)
        return -1;
    free(*slot);
    *slot = s;
    return 0;
}

static int set_lifecycle_action_locked(struct drv_conn *c,
                                       const remote_domain_set_lifecycle_action_args *a)
{
    struct tdom *d;
    struct dx_def *live, *config;

    if (a->type >= 3) {
        invalid_arg("invalid lifecycle type '%u'", a->type);
        return -1;
    }
    if (a->action >= 6) {
        invalid_arg("invalid lifecycle action '%u'", a->action);
        return -1;
    }
    if (test_check_flags(a->flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainSetLifecycleAction") <
        0)
        return -1;
    /* Power-off and reboot cannot dump core (virDomainDefLifecycleActionAllowed). */
    if (a->type != 2 && a->action >= 4) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_DOMAIN,
                     "Lifecycle event '%s' doesn't support '%s' action",
                     lifecycle_types[a->type], lifecycle_actions[a->action]);
        return -1;
    }
    if (!(d = test_dom_get(c, &a->dom)) || test_dom_defs(d, a->flags, &live, &config) < 0)
        return -1;
    if ((live && set_action(live, a->type, a->action) < 0) ||
        (config && set_action(config, a->type, a->action) < 0))
        return -1;
    return 0;
}

int test_guest_set_lifecycle_action(struct drv_conn *c,
                                    const remote_domain_set_lifecycle_action_args *a)
{
    if (test_wr_begin(c, "testDomainSetLifecycleAction") < 0)
        return -1;
    return test_wr_end(c, set_lifecycle_action_locked(c, a));
}

/* ---- metadata ---- */

enum { META_DESCRIPTION, META_TITLE, META_ELEMENT };

static void no_metadata(void)
{
    error_set_message(80, FROM_DOMAIN, "metadata not found: Requested metadata element is not present");
}

/* libvirt's virDomainObjGetOneDef for GetMetadata: the one definition
 * flags name (LIVE and CONFIG together refused). */
static struct dx_def *one_def(struct tdom *d, unsigned int flags)
{
    struct dx_def *live, *config;

    if ((flags & AFFECT_LIVE) && (flags & AFFECT_CONFIG)) {
        invalid_arg("Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are "
                     "mutually exclusive");
        return NULL;
    }
    if (test_dom_defs(d, flags, &live, &config) < 0)
        return NULL;
    return live ? live : config;
}

static int check_uri(int type, const char *uri, const char *func)
{
    if (type == META_ELEMENT && !uri) {
        invalid_arg("uri in %s must not be NULL", func);
        return -1;
    }
    if (type != META_ELEMENT && uri) {
        invalid_arg("uri in %s must be NULL", func);
        return -1;
    }
    return 0;
}

int test_guest_get_metadata(struct drv_conn *c, const remote_domain_get_metadata_args *a,
                            remote_domain_get_metadata_ret *r)
{
    const char *uri = opt(a->uri);
    struct tdom *d;
    struct dx_def *def;

    if (a->type < META_DESCRIPTION || a->type > META_ELEMENT) {
        invalid_arg("unknown metadata type '%d'", a->type);
        return -1;
    }
    if (check_uri(a->type, uri, "virDomainGetMetadata") < 0 ||
        test_check_flags(a->flags, AFFECT_LIVE | AFFECT_CONFIG, "virDomainObjGetMetadata") < 0 ||
        test_sync(c) < 0 || !(d = test_dom_get(c, &a->dom)) || !(def = one_def(d, a->flags)))
        return -1;
    if (a->type == META_ELEMENT) {
        r->metadata = dx_def_metadata_get(def, uri);
        if (!r->metadata && !error_last())
            no_metadata();
        return r->metadata ? 0 : -1;
    }
    const char *text = a->type == META_TITLE ? def->title : def->description;
    if (!text) {
        no_metadata();
        return -1;
    }
    return (r->metadata = dup_or_oom(text)) ? 0 : -1;
}

static int set_text(char **slot, const char *text)
{
    char *s = NULL;
    if (text && *text && !(s = dup_or_oom(text)))
        return -1;
    free(*slot);
    *slot = s;
    return 0;
}

static int set_one(struct dx_def *def, int type, const char *metadata, const char *key,
                   const char *uri)
{
    switch (type) {
    case META_DESCRIPTION:
        return set_text(&def->description, metadata);
    case META_TITLE:
        return set_text(&def->title, metadata);
    default:
        return dx_def_metadata_set(def, uri, key, metadata);
    }
}

static int set_metadata_locked(struct drv_conn *c, const remote_domain_set_metadata_args *a)
{
    const char *metadata = opt(a->metadata), *key = opt(a->key), *uri = opt(a->uri);
    struct tdom *d;
    struct dx_def *live, *config;

    switch (a->type) {
    case META_TITLE:
        if (metadata && strchr(metadata, '\n')) {
            invalid_arg("metadata title can't contain newlines");
            return -1;
        }
        /* fallthrough */
    case META_DESCRIPTION:
        if (check_uri(a->type, uri, "virDomainSetMetadata") < 0)
            return -1;
        if (key) {
            invalid_arg("key in virDomainSetMetadata must be NULL");
            return -1;
        }
        break;
    case META_ELEMENT:
        if (check_uri(a->type, uri, "virDomainSetMetadata") < 0)
            return -1;
        if (metadata && !key) {
            invalid_arg(    "key in virDomainSetMetadata must not be NULL");
            return -1;
        }
        break;
    default:
        invalid_arg("unknown metadata type '%d'", a->type);
        return -1;
    }
    if (test_check_flags(a->flags, AFFECT_LIVE | AFFECT_CONFIG, "virDomainObjSetMetadata") < 0 ||
        !(d = test_dom_get(c, &a->dom)) || test_dom_defs(d, a->flags, &live, &config) < 0)
        return -1;
    if ((live && set_one(live, a->type, metadata, key, uri) < 0) ||
        (config && set_one(config, a->type, metadata, key, uri) < 0))
        return -1;
    queue_metadata_change(c, d, a->type, uri);
    return 0;
}

int test_guest_set_metadata(struct drv_conn *c, const remote_domain_set_metadata_args *a)
{
    if (test_wr_begin(c, "testDomainSetMetadata") < 0)
        return -1;
    return test_wr_end(c, set_metadata_locked(c, a));
}

/* ---- interface addresses ---- */

/* Where an interface on network `name` gets its address: the first
 * address of the network's DHCP range (its own address without one) and
 * its prefix. The networks are test-network.c's when it provides this;
 * without it, test:///default's "default" network. */
int test_network_address_base(struct drv_conn *c, const char *name, char *addr, size_t len,
                              unsigned int *prefix, int *ipv6) __attribute__((weak));

static int network_base(struct drv_conn *c, const char *name, char *addr, size_t len,
                        unsigned int *prefix, int *ipv6)
{
    if (test_network_address_base)
        return test_network_address_base(c, name, addr, len, prefix, ipv6);
    if (test_is_default(c) && strcmp(name, "default") == 0) {
        snprintf(addr, len, "192.168.122.2");
        *prefix = 24;
        *ipv6 = 0;
        return 0;
    }
    char msg[512];
    snprintf(msg, sizeof(msg), "Network not found: no network with matching name '%s'", name);
    error_set_message(43, FROM_TEST, msg); /* VIR_ERR_NO_NETWORK */
    return -1;
}

static int net_address(struct drv_conn *c, const struct dx_net *net, unsigned int offset,
                       size_t index, remote_domain_ip_addr *ip)
{
    enum { IP_ADDR_IPV4, IP_ADDR_IPV6 };
    char base[64];
    unsigned int prefix;
    int ipv6;

    if (!net->type || strcmp(net->type, "network") != 0) {
        ip->type = IP_ADDR_IPV4;
        ip->prefix = 24;
        return asprintf(&ip->addr, "192.168.0.%zu", index + 1) < 0 ? (ip->addr = NULL, -1) : 0;
    }
    if (network_base(c, net->src ? net->src : "", base, sizeof(base), &prefix, &ipv6) < 0)
        return -1;
    ip->prefix = prefix;
    ip->type = ipv6 ? IP_ADDR_IPV6 : IP_ADDR_IPV4;
    if (ipv6) {
        /* the last byte of the address grows by the offset */
        struct in6_addr_bytes {
            unsigned char b[16];
        } a6;
        if (inet_pton(AF_INET6, base, &a6) != 1)
            return -1;
        a6.b[15] = (unsigned char)(a6.b[15] + offset);
        char out[64];
        if (!inet_ntop(AF_INET6, &a6, out, sizeof(out)))
            return -1;
        ip->addr = strdup(out);
    } else {
        struct in_addr a4;
        if (inet_pton(AF_INET, base, &a4) != 1)
            return -1;
        a4.s_addr = htonl(ntohl(a4.s_addr) + offset);
        char out[32];
        if (!inet_ntop(AF_INET, &a4, out, sizeof(out)))
            return -1;
        ip->addr = strdup(out);
    }
    return ip->addr ? 0 : -1;
}

int test_guest_interface_addresses(struct drv_conn *c,
                                   const remote_domain_interface_addresses_args *a,
                                   remote_domain_interface_addresses_ret *r)
{
    enum { SOURCE_LAST = 3 };
    struct tdom *d;

    if (test_check_flags(a->flags, 0, "testDomainInterfaceAddresses") < 0)
        return -1;
    if (a->source >= SOURCE_LAST) {
        error_report(ERR_ARGUMENT_UNSUPPORTED, FROM_TEST, "Unknown IP address data source %d",
                     (int)a->source);
        return -1;
    }
    if (test_sync(c) < 0 || !(d = active_dom(c, &a->dom)))
        return -1;
    struct dx_def *def = test_dom_def(d);
    if (!def->nnets)
        return 0;
    remote_domain_interface *v = calloc(def->nnets, sizeof(*v));
    if (!v) {
        test_no_memory();
        return -1;
    }
    r->ifaces.ifaces_val = v;
    for (size_t i = 0; i < def->nnets; i++) {
        const struct dx_net *net = &def->nets[i];
        const unsigned char *m = net->mac;
        char mac[18];
        r->ifaces.ifaces_len = (u_int)(i + 1);
        snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
                 m[5]);
        if (!(v[i].name = dup_or_oom(net->ifname ? net->ifname : "")) ||
            !(v[i].hwaddr = malloc(sizeof(*v[i].hwaddr))) ||
            !(*v[i].hwaddr = dup_or_oom(mac)) ||
            !(v[i].addrs.addrs_val = calloc(1, sizeof(*v[i].addrs.addrs_val))))
            goto oom;
        v[i].addrs.addrs_len = 1;
        unsigned int offset = (unsigned int)(20 * (test_dom_id(d) - 1) + (int)i + 1);
        if (net_address(c, net, offset, i, &v[i].addrs.addrs_val[0]) < 0) {
            if (!error_last())
                test_no_memory();
            return -1;
        }
    }
    return 0;
oom:
    test_no_memory();
    return -1;
}

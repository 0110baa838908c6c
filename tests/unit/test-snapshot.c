/* Unit test of the test driver's snapshots and checkpoints, through the
 * driver interface, and of their part of test:///default's state file.
 * Expected values come from libvirt 9.0's own test driver. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "drivers/test.h"
#include "drivers/test-snapshot.h"
#include "error.h"

#include "check.h"

static const struct driver *drv = &test_driver;

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

static struct drv_conn *open_default(void)
{
    struct drv_conn *c = NULL;
    struct drv_context ctx = {0};
    if (drv->open("test:///default", 0, &ctx, &c) != 1 || !c) {
        FAIL("cannot open test:///default: %s", error_last_message());
        return NULL;
    }
    return c;
}

static int events[16][2], nevents;

static void on_event(void *opaque, int family, int event_id, const unsigned char *uuid,
                     size_t key_len, xdrproc_t msg_fn, const void *msg)
{
    const remote_domain_event_lifecycle_msg *m = msg;
    (void)opaque;
    (void)family;
    (void)event_id;
    (void)uuid;
    (void)key_len;
    (void)msg_fn;
    if (nevents < 16) {
        events[nevents][0] = m->event;
        events[nevents][1] = m->detail;
    }
    nevents++;
}

/* test:///default's "test", as the wire names it. */
static remote_nonnull_domain test_dom(struct drv_conn *c)
{
    remote_domain_lookup_by_name_args a = {"test"};
    remote_domain_lookup_by_name_ret r = {0};
    if (drv->domain->domain_lookup_by_name(c, &a, &r) < 0)
        FAIL("no domain test: %s", error_last_message());
    return r.dom;
}

static int create(struct drv_conn *c, remote_nonnull_domain dom, const char *xml,
                  unsigned int flags)
{
    remote_domain_snapshot_create_xml_args a = {dom, (char *)xml, flags};
    remote_domain_snapshot_create_xml_ret r = {0};
    int rc = drv->snapshot->domain_snapshot_create_xml(c, &a, &r);
    xdr_free((xdrproc_t)xdr_remote_domain_snapshot_create_xml_ret, (char *)&r);
    return rc;
}

/* The names a listing gives, comma-separated, in its order. */
static void list_names(struct drv_conn *c, remote_nonnull_domain dom, const char *from,
                       unsigned int flags, char *out, size_t len)
{
    remote_nonnull_domain_snapshot *v;
    u_int n;
    int rc;
    out[0] = '\0';
    if (from) {
        remote_domain_snapshot_list_all_children_args a = {{(char *)from, dom}, 1, flags};
        remote_domain_snapshot_list_all_children_ret r = {0};
        rc = drv->snapshot->domain_snapshot_list_all_children(c, &a, &r);
        v = r.snapshots.snapshots_val;
        n = r.snapshots.snapshots_len;
        for (u_int i = 0; rc == 0 && i < n; i++)
            snprintf(out + strlen(out), len - strlen(out), "%s%s", i ? "," : "", v[i].name);
        xdr_free((xdrproc_t)xdr_remote_domain_snapshot_list_all_children_ret, (char *)&r);
    } else {
        remote_domain_list_all_snapshots_args a = {dom, 1, flags};
        remote_domain_list_all_snapshots_ret r = {0};
        rc = drv->snapshot->domain_list_all_snapshots(c, &a, &r);
        v = r.snapshots.snapshots_val;
        n = r.snapshots.snapshots_len;
        for (u_int i = 0; rc == 0 && i < n; i++)
            snprintf(out + strlen(out), len - strlen(out), "%s%s", i ? "," : "", v[i].name);
        xdr_free((xdrproc_t)xdr_remote_domain_list_all_snapshots_ret, (char *)&r);
    }
    if (rc < 0)
        snprintf(out, len, "error: %s", error_last_message());
}

static const char *current(struct drv_conn *c, remote_nonnull_domain dom, char *buf, size_t len)
{
    remote_domain_snapshot_current_args a = {dom, 0};
    remote_domain_snapshot_current_ret r = {0};
    if (drv->snapshot->domain_snapshot_current(c, &a, &r) < 0)
        snprintf(buf, len, "none");
    else
        snprintf(buf, len, "%s", r.snap.name);
    xdr_free((xdrproc_t)xdr_remote_domain_snapshot_current_ret, (char *)&r);
    return buf;
}

#define SNAP(n) "<domainsnapshot><name>" n "</name></domainsnapshot>"

/* Siblings newest first, depth first; the current one is the next one's
 * parent; a deleted current one leaves its parent current. */
static void tree_follows_libvirt(void)
{
    struct drv_conn *c = open_default();
    char names[256], cur[64];
    if (!c)
        return;
    remote_nonnull_domain dom = test_dom(c);
    EXPECT_INT("s1", 0, create(c, dom, SNAP("s1"), 0));
    EXPECT_INT("s2", 0, create(c, dom, SNAP("s2"), 0));
    EXPECT_INT("s3", 0, create(c, dom, SNAP("s3"), 0));
    EXPECT_INT("s1 again", -1, create(c, dom, SNAP("s1"), 0));
    EXPECT_STR("taken", "operation failed: domain moment s1 already exists", error_last_message());
    /* Current again: what virsh snapshot-current NAME sends. */
    remote_domain_snapshot_get_xml_desc_args xa = {{"s1", dom}, 0};
    remote_domain_snapshot_get_xml_desc_ret xr = {0};
    EXPECT_INT("xml", 0, drv->snapshot->domain_snapshot_get_xml_desc(c, &xa, &xr));
    EXPECT_INT("redefine current", 0, create(c, dom, xr.xml, 3));
    xdr_free((xdrproc_t)xdr_remote_domain_snapshot_get_xml_desc_ret, (char *)&xr);
    EXPECT_INT("s4", 0, create(c, dom, SNAP("s4"), 0));
    list_names(c, dom, NULL, 1024, names, sizeof(names));
    EXPECT_STR("topological", "s1,s4,s2,s3", names);
    list_names(c, dom, NULL, 1, names, sizeof(names));
    EXPECT_STR("roots", "s1", names);
    list_names(c, dom, NULL, 4, names, sizeof(names));
    EXPECT_STR("leaves", "s4,s3", names);
    list_names(c, dom, NULL, 4 | 8, names, sizeof(names));
    EXPECT_STR("leaves and not", "", names);
    list_names(c, dom, "s1", 0, names, sizeof(names));
    EXPECT_STR("children", "s4,s2", names);
    list_names(c, dom, "s1", 1, names, sizeof(names));
    EXPECT_STR("descendants", "s4,s2,s3", names);
    list_names(c, dom, NULL, 1 << 20, names, sizeof(names));
    EXPECT_STR("bad flags", "error: unsupported flags (0x100000) in function testDomainListAllSnapshots",
               names);
    remote_domain_snapshot_delete_args d4 = {{"s4", dom}, 0};
    EXPECT_INT("delete s4", 0, drv->snapshot->domain_snapshot_delete(c, &d4));
    EXPECT_STR("parent current", "s1", current(c, dom, cur, sizeof(cur)));
    remote_domain_snapshot_delete_args d1 = {{"s1", dom}, 4};
    EXPECT_INT("delete s1's children", 0, drv->snapshot->domain_snapshot_delete(c, &d1));
    list_names(c, dom, NULL, 0, names, sizeof(names));
    EXPECT_STR("left", "s1", names);
    EXPECT_INT("checkpoint with snapshots", -1,
               drv->checkpoint->domain_checkpoint_create_xml(
                   c, &(remote_domain_checkpoint_create_xml_args){dom, "<domaincheckpoint/>", 0},
                   &(remote_domain_checkpoint_create_xml_ret){0}));
    EXPECT_STR("refused", "Operation not supported: cannot create checkpoint while snapshot exists",
               error_last_message());
    free(dom.name);
    drv->close(c);
}

/* Reverting a running domain to a running snapshot stops and starts it. */
static void revert_raises_libvirts_events(void)
{
    struct drv_conn *c = open_default();
    if (!c)
        return;
    drv->set_event_sink(c, on_event, NULL);
    remote_nonnull_domain dom = test_dom(c);
    EXPECT_INT("run", 0, create(c, dom, SNAP("run"), 0));
    nevents = 0;
    remote_domain_revert_to_snapshot_args ra = {{"run", dom}, 2};
    EXPECT_INT("revert paused", 0, drv->snapshot->domain_revert_to_snapshot(c, &ra));
    EXPECT_INT("three events", 3, nevents);
    EXPECT_INT("stopped", 5, events[0][0]);
    EXPECT_INT("from snapshot", 6, events[0][1]);
    EXPECT_INT("started", 2, events[1][0]);
    EXPECT_INT("from snapshot", 3, events[1][1]);
    EXPECT_INT("suspended", 3, events[2][0]);
    EXPECT_INT("from snapshot", 5, events[2][1]);
    remote_domain_get_state_args sa = {dom, 0};
    remote_domain_get_state_ret sr = {0};
    EXPECT_INT("state", 0, drv->domain->domain_get_state(c, &sa, &sr));
    EXPECT_INT("paused", 3, sr.state);
    EXPECT_INT("from snapshot", 7, sr.reason);
    free(dom.name);
    drv->close(c);
}

/* A second connection sees the first one's snapshots; the last close
 * forgets them. */
static void snapshots_are_shared_while_open(void)
{
    struct drv_conn *a = open_default(), *b = open_default();
    char names[256];
    if (a && b) {
        remote_nonnull_domain dom = test_dom(a);
        EXPECT_INT("on a", 0, create(a, dom, SNAP("shared"), 0));
        list_names(b, dom, NULL, 0, names, sizeof(names));
        EXPECT_STR("seen on b", "shared", names);
        free(dom.name);
    }
    if (a)
        drv->close(a);
    if (b)
        drv->close(b);
    struct drv_conn *c = open_default();
    if (!c)
        return;
    remote_nonnull_domain dom = test_dom(c);
    list_names(c, dom, NULL, 0, names, sizeof(names));
    EXPECT_STR("reset", "", names);
    free(dom.name);
    drv->close(c);
}

/* The state file's text: what serialize writes parses back to the same
 * text, and no cut of it, nor a wrong length, is taken. */
static void state_text_round_trips_and_damage_is_refused(void)
{
    static const char text[] = "moments 2 1 3\n"
                               "moment 0 1700000000 1 1 0 1\n"
                               "S 2\ns1\nS 5\nfirst\nS -\nS 6\n<x/>\n\n\nS 3\nvda\nS 8\ninternal\nS -\n"
                               "moment 1 1700000001 5 0 1 0\n"
                               "S 2\ns2\nS -\nS 2\ns1\nS -\n"
                               "moment 2 1700000002 0 0 1 1\n"
                               "S 2\nc1\nS -\nS -\nS -\nS 3\nvda\nS 6\nbitmap\nS 2\nc1\n";
    const char *p = text;
    struct tmoments *m = NULL;
    EXPECT_INT("parse", 0, tmoments_parse(&p, text + strlen(text), &m));
    EXPECT_INT("all read", (long long)strlen(text), (long long)(p - text));
    EXPECT_INT("two snapshots", 2, tmoments_snapshots(m));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    EXPECT_INT("serialize", 0, f ? tmoments_serialize(f, m) : -1);
    if (f)
        fclose(f);
    EXPECT_STR("same text", text, buf);
    free(buf);
    tmoments_free(m);
    for (size_t cut = 0; cut < strlen(text); cut++) {
        char *copy = strndup(text, cut);
        const char *q = copy;
        struct tmoments *t = NULL;
        if (tmoments_parse(&q, copy + cut, &t) == 0)
            FAIL("a cut at %zu was taken", cut);
        tmoments_free(t);
        free(copy);
    }
    static const char *const bad[] = {
        "moments 1 0 0\nmoment 0 0 1 1 0 0\nS 99\nx\nS -\nS -\nS -\n",
        "moments 1 0 0\nmoment 0 0 42 1 0 0\nS 1\nx\nS -\nS -\nS -\n",
        "moments 99999 0 0\n",
        "moments 1 0 0\nmoment 0 0 1 1 0 99999\nS 1\nx\nS -\nS -\nS -\n",
        "moments 1 0 0\nmoment 0 0 1 1 0 0\nS -\nS -\nS -\nS -\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *q = bad[i];
        struct tmoments *t = NULL;
        if (tmoments_parse(&q, bad[i] + strlen(bad[i]), &t) == 0)
            FAIL("damaged text %zu was taken", i);
        tmoments_free(t);
    }
}

int main(void)
{
    char store[] = "/tmp/test-snapshot.XXXXXX";
    if (!mkdtemp(store) || setenv("LIBVIRTD_TEST_DEFAULT_DIR", store, 1) < 0) {
        perror("test-snapshot: store");
        return 1;
    }
    tree_follows_libvirt();
    revert_raises_libvirts_events();
    snapshots_are_shared_while_open();
    state_text_round_trips_and_damage_is_refused();
    /* What the shared store keeps after the last close (test-testdriver
     * checks which): removed with it. */
    char path[320];
    static const char *const left[] = {"users", "lock"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%ld/%s", store, (long)getppid(), left[i]);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s/%ld", store, (long)getppid());
    if (rmdir(path) < 0 || rmdir(store) < 0)
        FAIL("the shared store has more files: %s", strerror(errno));
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("all snapshot checks passed\n");
    return 0;
}

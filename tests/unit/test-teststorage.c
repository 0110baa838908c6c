/* Unit test of the test driver's storage pools and volumes, through the
 * driver interface: test:///default's default-pool, volumes taken from a
 * pool's 100 GiB, libvirt 9.0's errors, events, and a damaged shared-state
 * section refused without a crash. Expected values come from libvirt
 * 9.0's own test driver. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "drivers/test-storage.h"
#include "drivers/test.h"
#include "error.h"

#include "check.h"

static const struct driver *drv = &test_driver;

#define EXPECT_INT(what, expected, got)                                                        \
    do {                                                                                       \
        long long e_ = (long long)(expected), g_ = (long long)(got);                           \
        if (e_ != g_)                                                                          \
            FAIL("%s: expected %lld, got %lld", what, e_, g_);                                 \
    } while (0)

static void expect_error(const char *what, int code, const char *message)
{
    const struct error *e = error_last();
    if (!e || e->code != code || !e->message || strcmp(e->message, message) != 0)
        FAIL("%s: expected error %d \"%s\", got %d \"%s\"", what, code, message,
             e ? e->code : 0, e && e->message ? e->message : "(none)");
}

static int pool_events[8][2], npool_events;

static void on_event(void *opaque, int family, int event_id, const unsigned char *key,
                     size_t key_len, xdrproc_t msg_fn, const void *msg)
{
    (void)opaque;
    (void)key;
    (void)msg_fn;
    if (family != DRV_EVENT_STORAGE_POOL || key_len != 16) {
        FAIL("an event of family %d with a %zu-byte key", family, key_len);
        return;
    }
    if (npool_events < 8) {
        pool_events[npool_events][0] = event_id;
        pool_events[npool_events][1] =
            event_id == 0 ? ((const remote_storage_pool_event_lifecycle_msg *)msg)->event : -1;
    }
    npool_events++;
}

static void default_pool_and_volumes(void)
{
    struct drv_conn *c = NULL;
    const struct drv_storage_ops *s = drv->storage;
    EXPECT_INT("open", 1, drv->open("test:///default", 0, NULL, &c));
    if (!c)
        return;
    drv->set_event_sink(c, on_event, NULL);

    remote_storage_pool_lookup_by_name_args la = {"default-pool"};
    remote_storage_pool_lookup_by_name_ret lr = {{0}};
    EXPECT_INT("lookup default-pool", 0, s->storage_pool_lookup_by_name(c, &la, &lr));
    remote_storage_pool_get_info_args ia = {lr.pool};
    remote_storage_pool_get_info_ret ir = {0};
    EXPECT_INT("info", 0, s->storage_pool_get_info(c, &ia, &ir));
    EXPECT_INT("running", 2, ir.state);
    EXPECT_INT("capacity", 107374182400ULL, ir.capacity);
    EXPECT_INT("available", 107374182400ULL, ir.available);

    remote_storage_vol_create_xml_args va = {
        lr.pool, "<volume><name>v</name><capacity unit='G'>60</capacity></volume>", 0};
    remote_storage_vol_create_xml_ret vr = {{0}};
    EXPECT_INT("create v", 0, s->storage_vol_create_xml(c, &va, &vr));
    remote_storage_vol_create_xml_ret vr2 = {{0}};
    va.xml = "<volume><name>w</name><capacity unit='G'>60</capacity></volume>";
    EXPECT_INT("create w: too big", -1, s->storage_vol_create_xml(c, &va, &vr2));
    expect_error("no space", ERR_INTERNAL_ERROR,
                 "internal error: Not enough free space in pool for volume 'w'");
    EXPECT_INT("info after v", 0, s->storage_pool_get_info(c, &ia, &ir));
    EXPECT_INT("allocation", 60ULL << 30, ir.allocation);
    EXPECT_INT("available", 40ULL << 30, ir.available);

    remote_storage_vol_lookup_by_path_args pa = {"/default-pool/v"};
    remote_storage_vol_lookup_by_path_ret pr = {{0}};
    EXPECT_INT("lookup by path", 0, s->storage_vol_lookup_by_path(c, &pa, &pr));
    if (pr.vol.key && strcmp(pr.vol.key, "/default-pool/v") != 0)
        FAIL("key: expected the path, got %s", pr.vol.key);
    pa.path = "/nope";
    remote_storage_vol_lookup_by_path_ret pr2 = {{0}};
    EXPECT_INT("lookup /nope", -1, s->storage_vol_lookup_by_path(c, &pa, &pr2));
    expect_error("no vol", ERR_NO_STORAGE_VOL,
                 "Storage volume not found: no storage vol with matching path '/nope'");

    remote_storage_pool_destroy_args da = {lr.pool};
    EXPECT_INT("destroy", 0, s->storage_pool_destroy(c, &da));
    remote_storage_pool_refresh_args ra = {lr.pool, 0};
    EXPECT_INT("refresh inactive", -1, s->storage_pool_refresh(c, &ra));
    expect_error("refresh inactive", ERR_OPERATION_INVALID,
                 "Requested operation is not valid: storage pool 'default-pool' is not active");
    remote_storage_pool_create_args ca = {lr.pool, 0};
    EXPECT_INT("start", 0, s->storage_pool_create(c, &ca));
    EXPECT_INT("refresh", 0, s->storage_pool_refresh(c, &ra));
    EXPECT_INT("three events", 3, npool_events);
    EXPECT_INT("stopped", 3, pool_events[0][1]);
    EXPECT_INT("started", 2, pool_events[1][1]);
    EXPECT_INT("refresh", 1, pool_events[2][0]);

    xdr_free((xdrproc_t)xdr_remote_storage_pool_lookup_by_name_ret, (char *)&lr);
    xdr_free((xdrproc_t)xdr_remote_storage_vol_create_xml_ret, (char *)&vr);
    xdr_free((xdrproc_t)xdr_remote_storage_vol_lookup_by_path_ret, (char *)&pr);
    drv->close(c);
}

/* The section test:///default's state file keeps, damaged in every way
 * tried: refused (-1) and never a crash (test.c then drops whatever was
 * read). */
static void damaged_state_is_refused(void)
{
    static const char *const bad[] = {
        "pool",
        "pool 1 1 0 1 2 3 0 999999\n<pool",
        "pool 1 1 0 1 2 3 0 10\n<pool type=",
        "pool 1 1 0 1 2 3 1 74\n<pool type='dir'><name>p</name><target><path>/p</path></target></pool>",
        "pool 1 1 0 1 2 3 99999999 74\n<pool type='dir'><name>p</name><target><path>/p</path></target></pool>",
        "pool 1 1 0 1 2 3 1 74\n<pool type='dir'><name>p</name><target><path>/p</path></target></pool>vol 5\n<vol>",
        "vol 3\nabc",
        "\n\n\n",
    };
    char path[] = "/tmp/test-teststorage-XXXXXX.xml";
    int fd = mkstemps(path, 4);
    if (fd < 0 || write(fd, "<node/>", 7) != 7) {
        FAIL("node file: %s", strerror(errno));
        return;
    }
    close(fd);
    char uri[128];
    snprintf(uri, sizeof(uri), "test://%s", path);
    struct drv_conn *c = NULL;
    EXPECT_INT("open node file", 1, drv->open(uri, 0, NULL, &c));
    unlink(path);
    if (!c)
        return;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        void *state = test_state(c, TEST_KIND_STORAGE);
        test_storage_kind.clear(c, state);
        if (test_storage_kind.load(c, state, bad[i], strlen(bad[i])) != -1)
            FAIL("damaged section %zu was accepted", i);
    }
    drv->close(c);
}

int main(void)
{
    char store[] = "/tmp/test-teststorage.XXXXXX";
    if (!mkdtemp(store) || setenv("LIBVIRTD_TEST_DEFAULT_DIR", store, 1) < 0) {
        perror("test-teststorage: store");
        return 1;
    }
    default_pool_and_volumes();
    damaged_state_is_refused();
    /* The last close removed the state; the store's lock files stay. */
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", store);
    if (system(cmd) != 0)
        FAIL("could not remove %s", store);
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("all storage checks passed\n");
    return 0;
}

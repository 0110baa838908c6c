/* test-qemu-storage: the QEMU driver's storage calls driven directly (no
 * daemon, no QEMU, no qemu-img), in a temporary qemu_root: a dir pool
 * defined, built and started, a raw volume made, and the seam the volume
 * transfers use (qstorage_vol_open): a write at an offset read back with a
 * bound, a read past the end, and the references it refuses (a name that
 * leaves the pool, an inactive pool). What real libvirt answers for the
 * same calls is tests/qemu/storage.sh's business; this checks the seam's
 * own contract (storage.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "drivers/qemu/qemu.h"
#include "drivers/qemu/storage.h"
#include "error.h"

static int failures;

#define CHECK(cond, ...)                                                                     \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            failures++;                                                                      \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                            \
            fprintf(stderr, __VA_ARGS__);                                                    \
            fprintf(stderr, " (last error: %s)\n", error_last() ? error_last_message() : "-"); \
        }                                                                                    \
    } while (0)

int main(void)
{
    char root[] = "/tmp/test-qemu-storage.XXXXXX", xml[8192], buf[16];
    struct config cfg;
    struct drv_context ctx = {.config = &cfg};
    struct drv_conn *conn = NULL;
    const struct drv_storage_ops *ops = qemu_driver.storage;
    unsigned long long bound = 1;
    int fd = -1;

    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    memset(&cfg, 0, sizeof(cfg));
    cfg.qemu_root = root;
    if (qemu_driver.open("qemu:///system", 0, &ctx, &conn) != 1) {
        fprintf(stderr, "FAIL: cannot open qemu:///system under %s: %s\n", root,
                error_last_message());
        return 1;
    }
    snprintf(xml, sizeof(xml),
             "<pool type='dir'><name>seam</name><target><path>%s/pool</path></target></pool>",
             root);
    remote_storage_pool_define_xml_args da = {.xml = xml};
    remote_storage_pool_define_xml_ret dr = {0};
    CHECK(ops->storage_pool_define_xml(conn, &da, &dr) == 0, "define");
    remote_storage_pool_build_args ba = {.pool = dr.pool};
    CHECK(ops->storage_pool_build(conn, &ba) == 0, "build");

    remote_nonnull_storage_vol ref = {.pool = "seam", .name = "v.raw", .key = ""};
    CHECK(qstorage_vol_open(conn, &ref, 0, 0, 0, &fd, &bound) < 0 && fd == -1,
          "a volume of an inactive pool opens");
    error_clear();

    remote_storage_pool_create_args ca = {.pool = dr.pool};
    CHECK(ops->storage_pool_create(conn, &ca) == 0, "start");
    remote_storage_vol_create_xml_args va = {
        .pool = dr.pool,
        .xml = "<volume><name>v.raw</name><capacity unit='KiB'>64</capacity>"
               "<allocation>0</allocation></volume>"};
    remote_storage_vol_create_xml_ret vr = {0};
    CHECK(ops->storage_vol_create_xml(conn, &va, &vr) == 0, "vol-create");

    CHECK(qstorage_vol_open(conn, &ref, 1, 4096, 0, &fd, &bound) == 0 && fd >= 0 && bound == 0,
          "open for writing at 4096: fd %d bound %llu", fd, bound);
    if (fd >= 0) {
        CHECK(write(fd, "hello", 5) == 5, "write");
        close(fd);
    }
    CHECK(qstorage_vol_open(conn, &ref, 0, 4096, 5, &fd, &bound) == 0 && bound == 5,
          "open for reading 5 at 4096: bound %llu", bound);
    if (fd >= 0) {
        memset(buf, 0, sizeof(buf));
        CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0, "read back '%s'", buf);
        close(fd);
    }
    CHECK(qstorage_vol_open(conn, &ref, 0, 1 << 20, 0, &fd, &bound) == 0, "open past the end");
    if (fd >= 0) {
        CHECK(read(fd, buf, sizeof(buf)) == 0, "a read past the end is empty");
        close(fd);
    }
    const char *bad[] = {"..", ".", "../pool/v.raw", "nope"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        remote_nonnull_storage_vol b = {.pool = "seam", .name = (char *)bad[i], .key = ""};
        fd = -1;
        CHECK(qstorage_vol_open(conn, &b, 0, 0, 0, &fd, &bound) < 0 && fd == -1 &&
                  error_last() && error_last()->code == ERR_NO_STORAGE_VOL,
              "volume name '%s' opens", bad[i]);
        error_clear();
    }
    remote_nonnull_storage_vol other = {.pool = "../seam", .name = "v.raw", .key = ""};
    CHECK(qstorage_vol_open(conn, &other, 0, 0, 0, &fd, &bound) < 0 && error_last() &&
              error_last()->code == ERR_NO_STORAGE_POOL,
          "pool name '../seam' opens");
    error_clear();

    xdr_free((xdrproc_t)xdr_remote_storage_pool_define_xml_ret, (char *)&dr);
    xdr_free((xdrproc_t)xdr_remote_storage_vol_create_xml_ret, (char *)&vr);
    qemu_driver.close(conn);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: %s failed\n", cmd);
    if (failures)
        return 1;
    printf("qemu storage seam: all checks passed\n");
    return 0;
}

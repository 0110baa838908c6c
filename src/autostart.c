/* libvirtd --autostart: what real libvirtd does when it starts up, for a
 * daemon that never runs on its own. Real libvirtd starts the domains
 * marked autostart when its QEMU driver initializes, that is at boot. Our
 * connection processes start only when a client connects, so a one-shot
 * run of this (units/libvirtd-autostart.service, at boot) does it instead:
 * it opens qemu:///system with the configuration it was given, starts
 * the storage pools (at every run, as a real daemon's start does: below)
 * and then every inactive persistent domain whose autostart link is set,
 * one after the other, and exits. As real libvirt, it does so once per boot: the
 * first run leaves a marker in the run directory (which a reboot clears),
 * and later runs start nothing, so a domain a user destroyed after boot
 * stays off when the daemon "restarts". */
#include "autostart.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "driver.h"
#include "drivers/qemu/qemu.h"
#include "error.h"
#include "log.h"
#include "remote_protocol.h"

/* Without a client, a driver that waits for QEMU waits with poll(). */
static int wait_fd(void *opaque, int fd, uint32_t events, long long deadline_ms)
{
    (void)opaque;
    for (;;) {
        long long left = deadline_ms < 0 ? -1 : deadline_ms - clock_mono_ms();
        struct pollfd p = {.fd = fd, .events = (short)events};
        if (deadline_ms >= 0 && left <= 0)
            return 0;
        int r = poll(&p, 1, left < 0 ? -1 : left > 60000 ? 60000 : (int)left);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

static const char *last_error(void)
{
    const struct error *e = error_last();
    return e && e->message ? e->message : "unknown error";
}

int autostart_run(const struct config *cfg)
{
    /* VIR_CONNECT_LIST_DOMAINS_INACTIVE | VIR_CONNECT_LIST_DOMAINS_AUTOSTART */
    enum { INACTIVE = 2, AUTOSTART = 0x400 };
    /* VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE */
    enum { POOLS_INACTIVE = 1 };
    struct drv_context ctx = {.config = cfg, .wait_fd = wait_fd};
    const struct driver *drv = &qemu_driver;
    struct drv_conn *conn = NULL;
    remote_connect_list_all_domains_args la = {.need_results = 1,
                                               .flags = INACTIVE | AUTOSTART};
    remote_connect_list_all_domains_ret lr = {0};
    int started = 0, failed = 0;

    if (drv->open("qemu:///system", 0, &ctx, &conn) != 1) {
        log_error("autostart: cannot open qemu:///system: %s", last_error());
        return 1;
    }
    /* The pools first, as real's storage driver starts them before its
     * QEMU driver starts the domains (whose disks may be their volumes),
     * and at every start of the daemon, not once per boot: real finds
     * every dir pool whose directory is there active then, marked
     * autostart or not. So every inactive pool is started here, and one
     * whose directory is missing stays off. */
    remote_connect_list_all_storage_pools_args pa = {.need_results = 1, .flags = POOLS_INACTIVE};
    remote_connect_list_all_storage_pools_ret pr = {0};
    if (drv->storage->connect_list_all_storage_pools(conn, &pa, &pr) < 0) {
        log_error("autostart: cannot list the storage pools: %s", last_error());
        error_clear();
    }
    for (u_int i = 0; i < pr.pools.pools_len; i++) {
        remote_storage_pool_create_args ca = {.pool = pr.pools.pools_val[i]};
        error_clear();
        if (drv->storage->storage_pool_create(conn, &ca) < 0)
            log_info("autostart: storage pool '%s' stays inactive: %s", ca.pool.name,
                     last_error());
        else
            log_info("autostart: started storage pool '%s'", ca.pool.name);
    }
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_storage_pools_ret, (char *)&pr);
    error_clear();

    int todo = qemu_autostart_claim(conn);
    if (todo <= 0) {
        if (todo < 0)
            log_error("autostart: %s", last_error());
        else
            log_info("autostart: already done in this boot (the marker is in the run directory)");
        drv->close(conn);
        return todo < 0 ? 1 : 0;
    }
    if (drv->domain->connect_list_all_domains(conn, &la, &lr) < 0) {
        log_error("autostart: cannot list the domains: %s", last_error());
        drv->close(conn);
        return 1;
    }
    for (u_int i = 0; i < lr.domains.domains_len; i++) {
        remote_domain_create_args ca = {.dom = lr.domains.domains_val[i]};
        const char *name = ca.dom.name;
        error_clear();
        if (drv->domain->domain_create(conn, &ca) < 0) {
            /* Another process may have started it in the meantime. */
            log_error("autostart: cannot start domain '%s': %s", name, last_error());
            failed++;
        } else {
            log_info("autostart: started domain '%s'", name);
            started++;
        }
    }
    log_info("autostart: %d domain(s) started, %d failed", started, failed);
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_domains_ret, (char *)&lr);
    drv->close(conn);
    return failed ? 1 : 0;
}

/* test-priv: what test.c shares of its domains with test-dstats.c (the
 * rest of what the test driver's files share is test-internal.h's). */
#ifndef SRC_DRIVERS_TEST_PRIV_H
#define SRC_DRIVERS_TEST_PRIV_H

#include "conf/domain_xml.h"
#include "driver.h"

/* virDomainModificationImpact */
enum { AFFECT_LIVE = 1, AFFECT_CONFIG = 2 };

struct tdom {
    struct dx_def *def;    /* the running definition, or the only one */
    struct dx_def *newdef; /* the persistent config while running */
    int id, state, reason, persistent, autostart;
    /* What test-dstats.c keeps of the domain beyond its XML (the poll
     * parameters of the IOThreads added to it), as text; NULL: nothing.
     * Lives as long as the domain, saved with test:///default's state. */
    char *extra;
    struct tdom *prev, *next;
    struct tdom *name_next, *uuid_next, *id_next;
};

/* The domain the client names (the shared state brought up to date
 * first), or NULL with libvirt's "no domain with matching uuid" error. */
struct tdom *tdrv_dom(struct drv_conn *c, const remote_nonnull_domain *dom);

/* 1 when d runs. */
int tdrv_active(const struct tdom *d);

/* libvirt's virDomainObjGetDefs: the live and/or persistent definition
 * `flags` (AFFECT_*, none: the current one) name, NULL for the other;
 * -1 with libvirt's error when the domain's state does not allow them. */
int tdrv_defs(struct tdom *d, unsigned int flags, struct dx_def **live, struct dx_def **config);

/* The host CPUs the test hypervisor has (nodes x sockets x cores x
 * threads of virNodeGetInfo: 16 for test:///default). */
int tdrv_host_cpus(const struct drv_conn *c);

#endif

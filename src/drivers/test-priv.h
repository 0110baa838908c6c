/* test-priv: the test driver's domains as test.c keeps them (struct tdom),
 * for the files that act on them beyond test-internal.h's test_dom_*
 * calls (test-dstats.c). */
#ifndef SRC_DRIVERS_TEST_PRIV_H
#define SRC_DRIVERS_TEST_PRIV_H

#include "conf/domain_xml.h"
#include "driver.h"

struct tmoments;

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
    struct tmoments *moments; /* its snapshots and checkpoints (test-snapshot.h) */
    struct tdom *prev, *next;
    struct tdom *name_next, *uuid_next, *id_next;
};

/* (The domain by its wire reference, whether it runs and its definitions
 * by flags: test-internal.h's test_dom_get, test_dom_active,
 * test_dom_defs.) */

/* The host CPUs the test hypervisor has (nodes x sockets x cores x
 * threads of virNodeGetInfo: 16 for test:///default). */
int tdrv_host_cpus(const struct drv_conn *c);

#endif

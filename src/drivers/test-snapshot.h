/* test-snapshot: the test driver's domain snapshots and checkpoints, as
 * real libvirt 9.0's test driver keeps them: per domain, a tree of each
 * kind (a new one's parent is the current one), the snapshot XML with the
 * domain's definition inside, revert with its lifecycle events. The
 * operation tables go in the driver's struct driver; test.c keeps each
 * domain's `struct tmoments` and gives this file the few things it needs
 * of a domain (the test_dom_* functions, defined in test.c). */
#ifndef SRC_DRIVERS_TEST_SNAPSHOT_H
#define SRC_DRIVERS_TEST_SNAPSHOT_H

#include <stdio.h>

#include "conf/domain_xml.h"
#include "driver.h"
#include "test-internal.h"

struct tdom;
struct tmoments; /* one domain's snapshots and checkpoints */

extern const struct drv_snapshot_ops test_snapshot_ops;
extern const struct drv_checkpoint_ops test_checkpoint_ops;

/* Frees a domain's moments (NULL is fine). */
void tmoments_free(struct tmoments *m);

/* How many snapshots the domain has (undefine's check). */
unsigned int tmoments_snapshots(const struct tmoments *m);

/* test:///default's state file: the moments of one domain after its
 * definition. serialize returns 0 or -1; parse reads from *p (not past
 * end), advances it, sets *m (NULL when there are none) and returns 0, or
 * -1 when the text is not what serialize writes. */
int tmoments_serialize(FILE *f, const struct tmoments *m);
int tmoments_parse(const char **p, const char *end, struct tmoments **m);

/* ---- test.c's side (and test-internal.h's test_dom_* calls) ---- */

/* Where the domain keeps its moments. */
struct tmoments **test_dom_moments(struct tdom *d);
/* Stops d (shut off from snapshot, STOPPED FROM_SNAPSHOT); a transient
 * domain is gone after it: d is no longer valid. */
void test_dom_halt(struct drv_conn *c, struct tdom *d);
/* Makes def (which it takes) d's definition: stops d first when it is
 * active (STOPPED FROM_SNAPSHOT), then run 0 leaves it off, 1 starts it
 * (STARTED FROM_SNAPSHOT), 2 starts it paused (and SUSPENDED
 * FROM_SNAPSHOT). 0, or -1 with the error recorded. */
int test_dom_revert(struct drv_conn *c, struct tdom *d, struct dx_def *def, int run);

#endif

/* test-storage: the test driver's storage pools and volumes, as real
 * libvirt 9.0's test driver keeps them: test:///default's default-pool,
 * the <pool> elements of a node file (with their <volume>s), every pool
 * 100 GiB with the volumes' allocations taken from it, and the pool
 * lifecycle and refresh events. Described to test.c by test_storage_kind
 * (test-internal.h); its procedures are test_storage_ops. */
#ifndef SRC_DRIVERS_TEST_STORAGE_H
#define SRC_DRIVERS_TEST_STORAGE_H

#include "test-internal.h"

extern const struct test_kind test_storage_kind;
extern const struct drv_storage_ops test_storage_ops;

#endif

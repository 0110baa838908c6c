/* test: libvirt's in-memory "test" hypervisor driver. */
#ifndef SRC_DRIVERS_TEST_H
#define SRC_DRIVERS_TEST_H

#include "driver.h"

extern const struct driver test_driver;

#endif

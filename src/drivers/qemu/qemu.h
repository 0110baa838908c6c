/* qemu: the QEMU driver (qemu:///system, qemu:///session). */
#ifndef SRC_DRIVERS_QEMU_QEMU_H
#define SRC_DRIVERS_QEMU_QEMU_H

#include "driver.h"

extern const struct driver qemu_driver;

#endif

/* qemu: the QEMU driver (qemu:///system, qemu:///session). */
#ifndef SRC_DRIVERS_QEMU_QEMU_H
#define SRC_DRIVERS_QEMU_QEMU_H

#include "driver.h"

extern const struct driver qemu_driver;

/* Whether this boot's autostart is still to be done (libvirtd --autostart):
 * 1 the first time in a boot (it is then marked done), 0 after that, -1
 * on error (recorded). */
int qemu_autostart_claim(struct drv_conn *c);

#endif

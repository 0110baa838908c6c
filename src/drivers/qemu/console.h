/* console: a running domain's serial console as a stream (console.c). */
#ifndef SRC_DRIVERS_QEMU_CONSOLE_H
#define SRC_DRIVERS_QEMU_CONSOLE_H

#include "conf/domain_xml.h"
#include "driver.h"

struct qemu_console_req {
    const struct dx_def *def; /* the live definition */
    const char *ptys;         /* the status's "ALIAS=PATH ..." */
    const char *run_dir;      /* where the console locks go */
    const char *name;         /* the domain's */
    const char *dev_name;     /* the device asked for (its alias), or NULL: the console */
    unsigned int flags;       /* VIR_DOMAIN_CONSOLE_* */
};

/* Opens the console's pty and takes its lock: *st is the stream to hand
 * the session (its done lets the lock go). 0, or -1 with libvirt's error
 * recorded (no such device, not a pty, a session already open). */
int qemu_open_console(const struct qemu_console_req *req, struct drv_stream *st);

#endif

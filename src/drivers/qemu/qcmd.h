/* qcmd: a domain definition as a QEMU command line, and what of a
 * definition the driver cannot honour. A stand-in that covers what the
 * basic VM of tests/qemu/data needs (kernel boot, memory, vCPUs, serial
 * ports, ACPI), until the full mapping (src/drivers/qemu/command.c) lands:
 * a definition it does not cover is refused, never half started. */
#ifndef SRC_DRIVERS_QEMU_QCMD_H
#define SRC_DRIVERS_QEMU_QCMD_H

#include <stddef.h>

struct dx_def;

/* 0, or -1 with libvirt's "unsupported configuration" error recorded. */
int qcmd_validate(const struct dx_def *def);

/* QEMU's argv (NULL-terminated, *argc entries, each malloc'd) with its
 * monitor on the listening socket monitor_fd. 0, or -1 recorded. */
int qcmd_build(const struct dx_def *def, int monitor_fd, char ***argv, size_t *argc);

#endif

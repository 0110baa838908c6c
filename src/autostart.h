/* libvirtd --autostart: starts the domains marked autostart (autostart.c). */
#ifndef SRC_AUTOSTART_H
#define SRC_AUTOSTART_H

struct config;

/* Starts every inactive autostart domain of qemu:///system. Returns the
 * exit status: 0 when all started (or there were none), 1 otherwise. */
int autostart_run(const struct config *cfg);

#endif

/* cpu: what libvirt 9.0's CPU drivers know of architectures and named
 * CPU models (its cpu_map), as the drivers answer virConnectGetCPUModelNames. */
#ifndef SRC_CONF_CPU_H
#define SRC_CONF_CPU_H

#include <stddef.h>

#include "remote_protocol.h"

/* Returns 1 when ARCH is one of libvirt's architecture names (virArch),
 * 0 otherwise. */
int cpu_arch_known(const char *arch);

/* The CPU models libvirt's CPU driver for ARCH names, in cpu_map's order:
 * sets *models to a static list (NULL when the driver accepts every model)
 * and *n to its length and returns 0; returns -1 with libvirt's error
 * recorded when ARCH is unknown (in error domain FROM, the asking driver's)
 * or has no CPU driver. */
int cpu_arch_models(const char *arch, int from, const char *const **models, size_t *n);

/* virConnectGetCPUModelNames' reply for ARCH: the count, and the names
 * when NEED_RESULTS (RET's, freed with it); 0, or -1 with the error
 * recorded (FROM as for cpu_arch_models). */
int cpu_model_names_reply(const char *arch, int from, int need_results,
                          remote_connect_get_cpu_model_names_ret *ret);

/* The baseline of N host CPU definitions XML[] (virConnectBaselineCPU:
 * the guest CPU all of them can run), features expanded when EXPAND,
 * the non-migratable ones left out when MIGRATABLE: a new
 * string (caller frees) in libvirt's format, or NULL with libvirt's error
 * recorded (src/conf/cpu_x86.c; ppc64's and arm's simple rules too). */
char *cpu_baseline(char *const *xml, size_t n, int expand, int migratable);

#endif

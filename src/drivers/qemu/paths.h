/* paths: where the QEMU driver keeps what it keeps, as real libvirt 9.0
 * lays it out.
 *
 * qemu:///system (privileged):  /etc/libvirt/qemu.conf, /etc/libvirt/qemu
 * (domain XML, autostart/), /run/libvirt/qemu (live status),
 * /var/lib/libvirt/qemu, /var/cache/libvirt/qemu, /var/log/libvirt/qemu;
 * each under libvirtd.conf's qemu_root when that is set (ROOT/etc/...,
 * ROOT/run/..., ROOT/var/...: the layout tests/qemu/real-qemu.sh gives real
 * libvirt under its DIR).
 *
 * qemu:///session: $XDG_CONFIG_HOME/libvirt/qemu.conf and .../libvirt/qemu
 * (domain XML), $XDG_RUNTIME_DIR/libvirt/qemu/run, $XDG_CONFIG_HOME/
 * libvirt/qemu/lib, $XDG_CACHE_HOME/libvirt/qemu/cache and .../qemu/log,
 * with libvirt's fallbacks (~/.config, ~/.cache, and the cache directory
 * when XDG_RUNTIME_DIR is unset). */
#ifndef SRC_DRIVERS_QEMU_PATHS_H
#define SRC_DRIVERS_QEMU_PATHS_H

#include <stdbool.h>

struct qemu_paths {
    bool privileged;  /* qemu:///system's paths */
    char *root;       /* qemu_root, or NULL */
    char *qemu_conf;  /* qemu.conf */
    char *config;     /* persistent domain XML: NAME.xml */
    char *autostart;  /* links to the domains started at boot */
    char *state;      /* live status of running domains */
    char *lib;        /* save images, snapshots, nvram, ... */
    char *cache;      /* capabilities/: the probed emulators */
    char *log;        /* each domain's NAME.log */
};

/* Fills *p for the system paths (privileged; under root when it is a
 * non-empty path) or the session paths of the process's user (from its
 * environment). Returns 0, or -1 with libvirt's error recorded (out of
 * memory, or no home directory for the session). Free with
 * qemu_paths_free. */
int qemu_paths_init(struct qemu_paths *p, bool privileged, const char *root);

void qemu_paths_free(struct qemu_paths *p);

#endif

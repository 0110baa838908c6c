/* qdrv: one connection's view of the QEMU driver's shared state. Nothing
 * here outlives the connection: every domain's config, status and events
 * are files (qemu-paths below), read when asked and written under locks,
 * so that any number of connection processes see one truth.
 *
 *   CONF/NAME.xml            persistent config (libvirt's layout)
 *   CONF/autostart/NAME.xml  symlink to it when autostart is on
 *   RUN/NAME.xml             status (supervisor.h), RUN/NAME.pid, .sup
 *   RUN/NAME.job             the domain's job lock ("state change lock")
 *   RUN/driver.lock          the driver lock: define, undefine, ids
 *   RUN/next-id              the next domain id
 *   RUN/events, events.1, events.index   the event journal (docs/state.md)
 *   LIB/domain-ID-NAME/      a running domain's monitor and control sockets
 *   LOG/NAME.log             QEMU's log
 * and the storage pools' files (storage.h). */
#ifndef SRC_DRIVERS_QEMU_QDRV_H
#define SRC_DRIVERS_QEMU_QDRV_H

#include <stdbool.h>
#include <sys/types.h>

#include "driver.h"
#include "paths.h"
#include "state/journal.h"

struct dx_env;

struct qdrv {
    char *conf_dir, *autostart_dir, *run_dir, *lib_dir, *log_dir;
    char *supervisor; /* the qemu-supervisor program */
    /* The storage pools' definitions, autostart links and state (storage.h). */
    char *pool_conf_dir, *pool_autostart_dir, *pool_run_dir;
    struct drv_context ctx;
    drv_event_fn sink;
    void *sink_opaque;
    /* The event journal (sup-util.h): appended to, and read from where it
     * ended when the connection opened, its reader's fd watched through
     * the session. */
    struct state_journal *journal;        /* opened at the first append */
    struct state_journal_reader *events;
    int watch_fd;                         /* the reader's fd while watched, or -1 */
    int sleep_fd;                         /* an eventfd nobody writes: lock waits */
};

/* Fills q for the directories of paths (paths.h: the system's, under
 * libvirtd.conf's qemu_root when set, or the session's), creating them.
 * 0, or -1 with the error recorded. */
int qdrv_open(struct qdrv *q, const struct qemu_paths *paths, const struct drv_context *ctx);

void qdrv_close(struct qdrv *q);

/* The client registered an event callback: read the journal from now on. */
void qdrv_events_wanted(struct qdrv *q);

/* Appends rec (one line) to the driver's event journal; a failure is
 * logged, never the caller's. */
void qdrv_journal_append(struct qdrv *q, const char *rec);

/* How the state library waits in a connection process (state/lock.h's
 * state_wait_fn; opaque is the qdrv): the session's loop runs meanwhile. */
int qdrv_wait_loop(void *opaque, long long deadline_ms);

/* The event sink; events from the journal go there from now on. */
void qdrv_set_event_sink(struct qdrv *q, drv_event_fn fn, void *opaque);

/* The domain operations; each finds its qdrv through qemu_conn_qdrv. */
extern const struct drv_domain_ops qemu_domain_ops;
struct qdrv *qemu_conn_qdrv(struct drv_conn *c);

/* The host facts the QEMU rules of the domain XML ask for (default arch,
 * emulator and machine, canonical machine names), answered from the
 * connection's probed capabilities (driver.c; probed on first use,
 * through the connection's wait). Valid while the connection is open. */
const struct dx_env *qdrv_env(struct qdrv *q);

/* virConnectGetDomainCapabilities (driver.c; its procedure is of module
 * libvirt-domain, so it sits in qemu_domain_ops). */
int qemu_connect_get_domain_capabilities(struct drv_conn *c,
                                         const remote_connect_get_domain_capabilities_args *args,
                                         remote_connect_get_domain_capabilities_ret *ret);

#endif

/* supervisor: the contract between a connection process and the small
 * program that owns one running VM (qemu-supervisor, supervisor-main.c).
 *
 * A VM must outlive the connection that started it, QEMU's monitor takes
 * one client, and something must reap QEMU and say why it stopped. So the
 * connection that starts a domain writes a launch file and starts the
 * supervisor detached from itself (double fork, setsid, exec). The
 * supervisor takes the domain's supervisor lock for its whole life, does
 * the start (command.h: the serial files, the master key, the monitor
 * socket, the command line, logged), starts QEMU as its child (QEMU dies
 * with it), speaks QMP, writes the domain's status file with the live XML, appends lifecycle events to the
 * driver's journal, serves requests from connection processes on a control
 * socket, and when QEMU exits records why, cleans up and exits.
 *
 * Files, for a domain NAME with run directory RUN and domain directory DOM
 * (under the driver's lib directory, domain-ID-NAME as libvirt names it):
 *   RUN/NAME.launch   written by the starter: what the supervisor needs
 *   RUN/NAME.xml      the status, written only by the supervisor while the
 *                     VM runs (and its last state after: see below):
 *                       <domstatus state= reason= pid= supervisor= id=>
 *                         <ptys>ALIAS=PATH ...</ptys>
 *                       <domain ...>the live XML</domain>
 *                       <inactive>
 *                       <domain ...>the same without this run's facts (the
 *                         id, the ptys): a transient domain's --inactive</domain>
 *                       </inactive>
 *                       <config>
 *                       <domain ...>the definition it started from</domain>
 *                       </config>
 *                       </domstatus>
 *                     each <domain> at the start of a line, as written by
 *                     dx_def_format_live and dx_def_format, and read back
 *                     verbatim
 *   RUN/NAME.pid      QEMU's pid, as libvirt writes it
 *   RUN/NAME.sup      the supervisor lock: held (OFD lock) while it lives
 *   DOM/monitor.sock  QEMU's monitor (QEMU listens on a socket we bind)
 *   DOM/master-key.aes  the domain's master key (-object secret)
 *   DOM/control.sock  the supervisor's control socket
 *
 * The control protocol is one request line, one reply line, per
 * connection: "suspend", "resume", "powerdown", "reset", "reboot",
 * "destroy", "destroy-graceful", "query-balloon" answered "ok" (with a JSON
 * return value for queries) or "error CODE DOMAIN MESSAGE"; a destroy is
 * answered once QEMU is gone and the status says so. */
#ifndef SRC_DRIVERS_QEMU_SUPERVISOR_H
#define SRC_DRIVERS_QEMU_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>

/* What the starter tells the supervisor; every string malloc'd. */
struct sup_launch {
    char *name;
    char *uuid;          /* the canonical string form */
    int id;
    char *run_dir;       /* RUN */
    char *dom_dir;       /* DOM, created by the supervisor, removed at the end */
    char *log_file;      /* QEMU's stdout and stderr, appended */
    char *journal_dir;   /* where lifecycle events go (state/journal.h) */
    char *on_poweroff, *on_reboot, *on_crash; /* libvirt's action names */
    bool start_paused;
    char *domain_xml;    /* the definition to start (dx_def_format's, with the
                            QEMU rules applied and qemu_validate passed) */
    char *volumes;       /* the files of its type='volume' disks, one line
                            "INDEX PATH" each (INDEX in the definition's
                            disks), or NULL */
};

/* Writes l to path atomically. 0, or -1 with the error recorded. */
int sup_launch_write(const struct sup_launch *l, const char *path);

/* Reads a launch file. 0, or -1 with the error recorded. */
int sup_launch_read(const char *path, struct sup_launch *l);

void sup_launch_clear(struct sup_launch *l);

/* Sets the vol_path of def's volume disks from a launch's volumes. 0, or
 * -1 recorded (a line that names no volume disk, out of memory). */
struct dx_def;
int sup_launch_apply_volumes(const char *volumes, struct dx_def *def);

/* The status of a domain as its status file tells it. */
struct sup_status {
    int state;           /* virDomainState */
    int reason;          /* its reason */
    int qemu_pid, sup_pid, id;
    char *domain_xml;    /* the live XML, verbatim (NULL when shut off, or
                            not known yet while it starts) */
    char *inactive_xml;  /* the live XML without the run's id and ptys,
                            verbatim (NULL when the live one is) */
    char *def_xml;       /* the definition it started from, verbatim (NULL
                            when shut off) */
    char *ptys;          /* "ALIAS=PATH ..." of pty chardevs, or NULL */
};

/* Reads RUN/NAME.xml. 1 when there is one, 0 when there is none, -1 on
 * error (recorded). A status that says running while nobody holds the
 * supervisor lock is a supervisor that died: it is returned as it is,
 * with *alive false. */
int sup_status_read(const char *run_dir, const char *name, struct sup_status *st, bool *alive);

void sup_status_clear(struct sup_status *st);

/* Starts the supervisor for the launch file at launch_path, detached.
 * sup_lock and job_lock are the starter's hold on the domain's supervisor
 * lock (RUN/NAME.sup) and job lock: the supervisor gets both (an OFD lock
 * is held while any copy of its fd is open), keeps the first for its life
 * and lets go of the second once the VM runs, so that no moment of the
 * start is unlocked even if the starter dies. Returns the read end of a
 * pipe on which the supervisor writes one line when the VM runs ("ok") or
 * failed ("error CODE DOMAIN MESSAGE"), or -1 with the error recorded.
 * supervisor_path is the program. */
int sup_spawn(const char *supervisor_path, const char *launch_path, int sup_lock, int job_lock);

/* Sends one control request to the supervisor of domain directory dom_dir
 * and reads the reply line, waiting through wait (the session's loop: 1
 * ready, 0 deadline, -1 client gone) until deadline_ms. 0 with *reply
 * (malloc'd text after "ok", maybe empty), or -1 with the supervisor's
 * error (or a connection error) recorded. */
typedef int (*sup_wait_fn)(void *opaque, int fd, unsigned events, long long deadline_ms);
int sup_request(const char *dom_dir, const char *request, long long deadline_ms, sup_wait_fn wait,
                void *wait_opaque, char **reply);

/* The supervisor program's main. */
int sup_main(int argc, char **argv);

#endif

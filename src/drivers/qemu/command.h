/* command: a QEMU domain definition (src/conf/domain_xml.h, parsed with
 * the QEMU driver's rules) to the command line real libvirt 9.0 starts
 * QEMU 7.2 with, and what this driver refuses to start.
 *
 * How a start uses it (the supervisor, QEMU's parent):
 *   1. qemu_validate(def, QEMU_VALIDATE_START);
 *   2. qemu_command_files(def): opens each file it lists, as it says;
 *   3. creates the master key (32 random bytes, mode 0600) in the
 *      domain's private directory, binds and listens on the monitor
 *      socket there, picks a VNC port for an autoport display;
 *   4. qemu_command_build(def, &start, &cmd), and in the child keeps
 *      cmd.fds open (no FD_CLOEXEC, same numbers), closes the rest, and
 *      execve(cmd.argv[0], cmd.argv, qemu_command_env(libdir));
 *   5. on the monitor: qmp_capabilities, set-action if
 *      qemu_command_reboot_action says so, then cont. A pty serial's
 *      path is query-chardev's for "charserialN" (serial N of def).
 * QEMU starts paused (-S) and stays when the guest powers off
 * (-no-shutdown): the supervisor applies on_poweroff and on_crash. */
#ifndef SRC_DRIVERS_QEMU_COMMAND_H
#define SRC_DRIVERS_QEMU_COMMAND_H

#include <stddef.h>
#include <sys/types.h>

#include "conf/domain_xml.h"

/* When qemu_validate runs. At define (virDomainDefineXML, and create
 * before it starts): what real libvirt refuses at define that parsing
 * does not (the lifecycle actions QEMU has no way to honour), and what
 * this driver's command line cannot express at all, so that a definition
 * it could never start is not stored. At start: all of that again (a
 * stored definition may predate a rule) and what needs what this daemon
 * has not (interfaces of a libvirt network or bridge: no network driver). */
enum { QEMU_VALIDATE_DEFINE, QEMU_VALIDATE_START };

/* Returns 0 when def may be defined (or started), or -1 with the error
 * recorded: real libvirt's where it refuses the same, otherwise "unsupported
 * configuration: ..." (ERR_CONFIG_UNSUPPORTED, FROM_QEMU) naming what is
 * refused. */
int qemu_validate(const struct dx_def *def, int when);

/* A file QEMU writes that the start opens and passes (libvirt passes
 * serial files with -add-fd, which is also why a serial file without
 * append='on' is truncated at every start). */
struct qemu_file {
    const char *path; /* def's: valid while def is */
    int flags;        /* for open(2): O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, and O_TRUNC
                         unless append='on' */
    mode_t mode;      /* for O_CREAT: 0600 */
};

/* The files qemu_command_build wants opened, in the order it takes their
 * fds: one per serial of type file, in def->serials order. Sets *files
 * (malloc'd, caller frees; NULL when *n is 0) and *n. Returns 0 or -1
 * (out of memory, recorded). */
int qemu_command_files(const struct dx_def *def, struct qemu_file **files, size_t *n);

/* What a start provides that the definition does not. */
struct qemu_start {
    /* The master key file: libvirt's LIBDIR/master-key.aes, where
     * LIBDIR is the domain's private directory
     * (/var/lib/libvirt/qemu/domain-ID-NAME). */
    const char *master_key;
    /* A unix socket, bound and listening: QEMU serves QMP on it. */
    int monitor_fd;
    /* The fds of qemu_command_files' files, in its order. */
    const int *file_fds;
    /* Per def->nets: the fd of the tap device of a type='ethernet'
     * interface (opened on /dev/net/tun, TUNSETIFF), -1 for the others;
     * NULL when there is no such interface. */
    const int *tap_fds;
    /* The port an autoport VNC display listens on (5900 + display). */
    int vnc_port;
    /* Where a VNC display without a listen address listens; NULL:
     * 127.0.0.1 (qemu.conf's vnc_listen default). */
    const char *vnc_listen;
};

/* The command: argv[0] is def's emulator, NULL-terminated; fds are the
 * fds of `start` that argv names, which QEMU must inherit as they are. */
struct qemu_command {
    char **argv;
    size_t argc;
    int *fds;
    size_t nfds;
};

/* Builds the command for def (which qemu_validate accepted for a start).
 * Returns 0, or -1 with the error recorded (what validate refuses, a
 * missing fd). cmd is the caller's to qemu_command_free, also after a
 * failure. */
int qemu_command_build(const struct dx_def *def, const struct qemu_start *start,
                       struct qemu_command *cmd);

void qemu_command_free(struct qemu_command *cmd);

/* The environment libvirt gives QEMU: LC_ALL=C, a fixed PATH, and HOME
 * and XDG_{DATA,CACHE,CONFIG}_HOME under libdir. NULL-terminated,
 * malloc'd (qemu_command_env_free), or NULL when out of memory. */
char **qemu_command_env(const char *libdir);
void qemu_command_env_free(char **env);

/* env and the command as libvirt writes them into the domain's log
 * (NAME.log): one variable or option per line, continued with " \",
 * quoted for a shell where needed. Malloc'd, or NULL. */
char *qemu_command_format(char *const *env, const struct qemu_command *cmd);

/* What QEMU must do on a guest reboot, for QMP's set-action
 * ({"reboot": ACTION}) after query-chardev and before cont, as real
 * libvirt sends it: "shutdown" when on_reboot is destroy (QEMU then turns
 * the guest's reboot into a SHUTDOWN, and the supervisor stops it), NULL
 * when QEMU resets as usual. */
const char *qemu_command_reboot_action(const struct dx_def *def);

#endif

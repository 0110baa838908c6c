/* vsh: the command engine of our virsh. Commands are data (name, options,
 * handler); a command line is parsed against them with real virsh's rules
 * (any non-boolean option may be given positionally, in declaration order;
 * required ones are checked; errors worded as virsh words them) and run
 * with a connection that is opened on first need. */
#ifndef VIRSH_VSH_H
#define VIRSH_VSH_H

#include <stdbool.h>
#include <stddef.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

enum vsh_opt_type {
    VSH_OT_BOOL,   /* --flag */
    VSH_OT_STRING, /* --name value */
    VSH_OT_INT,    /* --name number */
    VSH_OT_DATA,   /* a string usually given positionally */
    VSH_OT_ARGV,   /* every remaining positional word (and each --name value) */
};

enum {
    VSH_OFLAG_REQ = 1 << 0,     /* must be given */
    VSH_OFLAG_MULTI = 1 << 1,   /* may be given again (one such option per command) */
    VSH_OFLAG_REQ_OPT = 1 << 2, /* only as --name value, never positionally */
};

#define VSH_MAX_MORE 64

struct vsh_opt_def {
    const char *name;
    enum vsh_opt_type type;
    unsigned int flags;
};

#define VSH_MAX_OPTS 32
#define VSH_MAX_ARGV 64

struct vsh_ctl;
struct vsh_cmd;

typedef bool (*vsh_handler)(struct vsh_ctl *ctl, const struct vsh_cmd *cmd);

struct vsh_cmd_def {
    const char *name;
    vsh_handler handler;
    const struct vsh_opt_def *opts; /* terminated by a NULL name */
    const char *help;
    bool no_connect; /* runs without a connection */
};

/* A parsed command: which options were given and their values. */
struct vsh_cmd {
    const struct vsh_cmd_def *def;
    bool seen[VSH_MAX_OPTS];
    const char *value[VSH_MAX_OPTS];
    const char *more[VSH_MAX_MORE]; /* a VSH_OFLAG_MULTI option's later values */
    int nmore;
    const char *argv[VSH_MAX_ARGV]; /* the VSH_OT_ARGV option's words, in order */
    size_t nargv;
    struct vsh_cmd *next;
};

struct vsh_ctl {
    char *connname;      /* URI to connect to, NULL for the default */
    virConnectPtr conn;
    bool readonly;
    bool quiet;
    bool interactive;
    bool timing;
    int keepalive_interval; /* -1: library default */
    int keepalive_count;
    char escape_char;
    virErrorPtr last_error; /* saved by the error handler */
};

/* Output: vsh_print always, vsh_print_extra unless -q; vsh_error writes
 * "error: ..." to stderr. */
void vsh_print(struct vsh_ctl *ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vsh_print_extra(struct vsh_ctl *ctl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void vsh_error(struct vsh_ctl *ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints and forgets the library's last error ("error: <message>"). */
void vsh_report_error(struct vsh_ctl *ctl);
void vsh_reset_libvirt_error(struct vsh_ctl *ctl);

/* Option access. */
bool vsh_opt_bool(const struct vsh_cmd *cmd, const char *name);
/* The string value, or NULL when not given. */
const char *vsh_opt_string(const struct vsh_cmd *cmd, const char *name);
/* The n-th value of a VSH_OFLAG_MULTI option (0: the first), NULL past the last. */
const char *vsh_opt_nth(const struct vsh_cmd *cmd, const char *name, int n);
/* The words of the command's VSH_OT_ARGV option (*n of them; NULL when none). */
const char *const *vsh_opt_argv(const struct vsh_cmd *cmd, size_t *n);
/* 0 not given, 1 parsed into *value, -1 malformed (error printed). */
int vsh_opt_int(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *name, int *value);
/* An unsigned number of at most max (no sign), as virsh's unsigned
 * options take it. Same returns as vsh_opt_int. */
int vsh_opt_ull(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *name,
                unsigned long long *value, unsigned long long max);
/* Writes all of buf to fd (retrying short writes); 0 or -1 with errno. */
int vsh_write_all(int fd, const char *buf, size_t len);
/* A size with an optional unit suffix, in units of `scale` bytes by
 * default; *value in bytes. Same returns as vsh_opt_int. */
int vsh_opt_scaled(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *name,
                   unsigned long long *value, unsigned long long scale,
                   unsigned long long max);

/* Connection helpers. */
bool vsh_connect(struct vsh_ctl *ctl, const char *uri, bool readonly);
void vsh_disconnect(struct vsh_ctl *ctl);

/* Domain lookup the way virsh does it: by id, uuid, name as `by` allows.
 * Prints "failed to get domain '...'" on failure. */
enum { VSH_BYID = 1, VSH_BYUUID = 2, VSH_BYNAME = 4, VSH_BYALL = 7 };
virDomainPtr vsh_lookup_domain(struct vsh_ctl *ctl, const char *n, unsigned int by);
/* Looks up the command's "domain" option; *name gets its text. */
virDomainPtr vsh_command_domain(struct vsh_ctl *ctl, const struct vsh_cmd *cmd,
                                unsigned int by, const char **name);

/* Reads a whole file; NULL with an error printed. */
char *vsh_read_file(struct vsh_ctl *ctl, const char *path);

/* Writes `xml` to a temporary file, runs the editor ($EDITOR, $VISUAL,
 * vi) on it and reads it back (cmd-edits.c): 1 with *edited the new text
 * (caller frees), 0 when unchanged, -1 with the error printed. */
int vsh_edit_xml(struct vsh_ctl *ctl, const char *xml, char **edited);
/* The edited XML was refused: "error: Failed.", the library's error
 * forgotten, as real virsh does when it cannot ask again. */
void vsh_edit_refused(struct vsh_ctl *ctl);

/* The command tables. */
extern const struct vsh_cmd_def vsh_host_cmds[];
extern const struct vsh_cmd_def vsh_domain_cmds[];
extern const struct vsh_cmd_def vsh_node_cmds[];
extern const struct vsh_cmd_def vsh_nodedev_cmds[]; /* and host interfaces */
extern const struct vsh_cmd_def vsh_storage_cmds[];
extern const struct vsh_cmd_def vsh_network_cmds[];
extern const struct vsh_cmd_def vsh_snapshot_cmds[];
extern const struct vsh_cmd_def vsh_guestops_cmds[];
extern const struct vsh_cmd_def vsh_dstats_cmds[]; /* cmd-dstats.c */
extern const struct vsh_cmd_def vsh_edit_cmds[];   /* cmd-edits.c */
extern const struct vsh_cmd_def vsh_console_cmds[]; /* cmd-console.c */

/* Event waiting for the "event" command: started before registering,
 * returns how the wait ended. */
enum vsh_event_end { VSH_EVENT_DONE, VSH_EVENT_TIMEOUT, VSH_EVENT_INTERRUPT };
void vsh_event_start(struct vsh_ctl *ctl, int timeout_ms);
void vsh_event_done(struct vsh_ctl *ctl);
/* Prints an event's line (fmt without the newline), after a timestamp
 * as real virsh's when asked. */
void vsh_event_line(struct vsh_ctl *ctl, bool timestamp, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
enum vsh_event_end vsh_event_wait(struct vsh_ctl *ctl);

/* A table printed like virsh's vshTable. */
struct vsh_table;
struct vsh_table *vsh_table_new(const char *first, ...);
void vsh_table_row(struct vsh_table *t, const char *first, ...);
void vsh_table_print(struct vsh_ctl *ctl, struct vsh_table *t);
void vsh_table_free(struct vsh_table *t);

#endif

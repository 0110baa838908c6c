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
    VSH_OFLAG_BARE = 1 << 3,    /* an ARGV option real virsh's help shows as <name> */
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

/* A dumpxml command's output: the XML, or with the command's --xpath (and
 * --wrap) the nodes it selects, as real virsh prints them (xpath.c).
 * false with the error printed. */
bool vsh_print_xml(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *xml);

/* Writes `xml` to a temporary file, runs the editor ($EDITOR, $VISUAL,
 * vi) on it and reads it back (cmd-edits.c): 1 with *edited the new text
 * (caller frees), 0 when unchanged, -1 with the error printed. */
int vsh_edit_xml(struct vsh_ctl *ctl, const char *xml, char **edited);
/* The edited XML was refused: "error: Failed.", the library's error
 * forgotten, as real virsh does when it cannot ask again. */
void vsh_edit_refused(struct vsh_ctl *ctl);

/* Real virsh's edit loop: the editor on xml, then define (the command's
 * redefinition: true when it took; relaxed once the user chose 'i'). When
 * define refuses and stdin is a terminal: the library's error, then
 * "Failed. Try again? [y,n,i,f,?]: " (i only when offer_relax, and once):
 * y edits again what the user wrote, f and i define it again, n gives up.
 * Unchanged XML is not defined unless always_define. */
enum vsh_edit_result {
    VSH_EDIT_FAILED,    /* the editor or its file failed (error printed) */
    VSH_EDIT_UNCHANGED, /* nothing was defined */
    VSH_EDIT_DEFINED,
    VSH_EDIT_REFUSED,   /* not a terminal: "error: Failed." printed, as real */
    VSH_EDIT_ABANDONED, /* the user answered n */
};
typedef bool (*vsh_edit_define_fn)(struct vsh_ctl *ctl, const char *xml, bool relaxed,
                                   void *opaque);
enum vsh_edit_result vsh_edit_loop(struct vsh_ctl *ctl, const char *xml, bool offer_relax,
                                   bool always_define, vsh_edit_define_fn define, void *opaque);

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

/* The event commands (event, net-event, pool-event, nodedev-event): one
 * flow for all, as real virsh's. A command describes its kind of event
 * (vsh_event_kind), checks its options with vsh_events_prepare, looks up
 * the object to filter by and calls vsh_events_listen; its callbacks,
 * given a struct vsh_event_reg as their opaque, print with
 * vsh_event_report. */
#define VSH_MAX_EVENTS 32

struct vsh_events;
struct vsh_event_reg {
    struct vsh_events *events;
    int event_id;    /* the event type, an index in the kind's names */
    int callback_id; /* the library's, -1 while not registered */
};

struct vsh_events {
    struct vsh_ctl *ctl;
    bool loop, timestamp;
    int timeout_ms; /* 0: none */
    int count;      /* events printed */
    int nregs;
    struct vsh_event_reg regs[VSH_MAX_EVENTS];
};

struct vsh_event_kind {
    const char *const *names; /* the event types by id, in --list's order */
    int nnames;
    bool has_all; /* --all listens to every type (the domain events) */
    /* Registers one type on obj (NULL: every object) with reg as the
     * callback's opaque: the callback id, or -1 with the library's error. */
    int (*reg)(virConnectPtr conn, void *obj, int event_id, struct vsh_event_reg *reg);
    int (*dereg)(virConnectPtr conn, int callback_id);
};

/* Reads --list, --all, --event, --loop, --timestamp and --timeout into *ev
 * with real virsh's checks and errors: 1 when --list printed the types
 * (the command is done), 0 to go on, -1 with the error printed. */
int vsh_events_prepare(struct vsh_ctl *ctl, const struct vsh_cmd *cmd,
                       const struct vsh_event_kind *kind, struct vsh_events *ev);
/* Registers the chosen types on obj, waits for one event (every one with
 * --loop) until the timeout or SIGINT, prints how the wait ended and the
 * count, deregisters: true when an event came. */
bool vsh_events_listen(const struct vsh_event_kind *kind, struct vsh_events *ev, void *obj);
/* From a callback: the event's line (fmt without the newline), unless a
 * one-shot listener has had its event; a one-shot wait ends with it. */
void vsh_event_report(struct vsh_event_reg *reg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Ends a wait for events (the connection is gone). */
void vsh_event_done(struct vsh_ctl *ctl);

/* Real virsh's help texts (help.txt, compiled by gen-help.py): the groups
 * in real's order, then per command (in real's listing order) its group
 * keyword, description (NULL when real has none; as real prints it
 * after its first line's indent)
 * and each option's help by name. Both arrays end with a NULL name. */
struct vsh_help_group {
    const char *keyword;
    const char *title;
};
struct vsh_help_opt {
    const char *name;
    const char *help;
};
struct vsh_help {
    const char *name;
    const char *group;
    const char *desc;
    const struct vsh_help_opt *opts;
};
extern const struct vsh_help_group vsh_help_groups[];
extern const struct vsh_help vsh_help_texts[];

/* A table printed like virsh's vshTable. */
struct vsh_table;
struct vsh_table *vsh_table_new(const char *first, ...);
void vsh_table_row(struct vsh_table *t, const char *first, ...);
void vsh_table_print(struct vsh_ctl *ctl, struct vsh_table *t);
void vsh_table_free(struct vsh_table *t);

#endif

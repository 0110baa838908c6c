/* procedures: every procedure of libvirt 9.0's remote program, with the
 * public API it carries and, for those we implement, how they may be used.
 * Used to answer a procedure we do not implement with the error libvirtd
 * gives when its driver lacks the function, and by the client to know what
 * it may send again after a reconnect. Generated from procedures.txt. */
#ifndef RPC_PROCEDURES_H
#define RPC_PROCEDURES_H

/* Access flags (procedures.txt's ACCESS column). */
enum {
    PROC_WRITE = 1 << 0,   /* changes state: refused on a read-only connection */
    PROC_RESEND = 1 << 1,  /* only reads: may be sent again after a reconnect */
    PROC_NO_CONN = 1 << 2, /* allowed before CONNECT_OPEN */
};

struct procedure_info {
    int proc;
    const char *name;    /* REMOTE_PROC_ name without the prefix */
    const char *api;     /* e.g. "virDomainBlockPeek"; NULL when none */
    int error_domain;    /* virErrorDomain of that API's module */
    unsigned int flags;  /* PROC_*, for the procedures whose ACCESS is given */
};

extern const struct procedure_info procedure_table[];
extern const unsigned int procedure_table_len;

/* The entry for `proc`, or NULL when libvirt 9.0 has no such procedure. */
const struct procedure_info *procedure_lookup(int proc);

#endif

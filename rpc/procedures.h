/* procedures: every procedure of libvirt 9.0's remote program, with the
 * public API it carries. Used to answer a procedure we do not implement with
 * the error libvirtd gives when its driver lacks the function. */
#ifndef RPC_PROCEDURES_H
#define RPC_PROCEDURES_H

struct procedure_info {
    int proc;
    const char *name;    /* REMOTE_PROC_ name without the prefix */
    const char *api;     /* e.g. "virDomainBlockPeek"; NULL when none */
    int error_domain;    /* virErrorDomain of that API's module */
};

extern const struct procedure_info procedure_table[];
extern const unsigned int procedure_table_len;

/* The entry for `proc`, or NULL when libvirt 9.0 has no such procedure. */
const struct procedure_info *procedure_lookup(int proc);

#endif

/* dispatch-table: what the generated dispatch table (dispatch-table.c, from
 * rpc/procedures.txt) and the hand-written handlers in dispatch.c share.
 * Nothing outside dispatch uses it. */
#ifndef SRC_DISPATCH_TABLE_H
#define SRC_DISPATCH_TABLE_H

#include <stddef.h>

#include "dispatch.h"
#include "procedures.h"
#include "remote_protocol.h"
#include "session.h"

/* Handles one call: args decoded, ret zeroed. Returns 0 (ret is sent and
 * freed) or -1 with the error recorded. */
typedef int (*dispatch_fn)(struct session *s, void *args, void *ret);

struct dispatch_entry {
    int proc;
    const char *api; /* the public API named in libvirt's errors */
    xdrproc_t args_fn;
    size_t args_size;
    xdrproc_t ret_fn;
    size_t ret_size;
    dispatch_fn fn;
    unsigned int flags; /* PROC_* */
};

/* Every procedure we implement, sorted by number. */
extern const struct dispatch_entry dispatch_table[];
extern const size_t dispatch_table_len;

/* libvirt's "this function is not supported by the connection driver"
 * for proc, in its API's error domain. Returns -1. */
int dispatch_unsupported(int proc);

/* Calls driver operation `op` of table `tbl` for procedure `proc`, or
 * answers "not supported" when the driver lacks it. */
#define DRIVER_CALL(s, tbl, op, proc, ...)                                                     \
    (session_driver(s)->tbl && session_driver(s)->tbl->op                                     \
         ? session_driver(s)->tbl->op(session_conn(s), __VA_ARGS__)                           \
         : dispatch_unsupported(proc))

#endif

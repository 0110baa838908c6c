/* api: what the public functions share, those written by hand (host.c,
 * domain.c) and those generated from rpc/procedures.txt (api-gen.c). */
#ifndef CLIENT_API_H
#define CLIENT_API_H

#include "conn.h"
#include "error.h"
#include "wire.h"

#define XA(t) (xdrproc_t) xdr_##t

/* libvirt's read-only check at the top of a function that changes state. */
#define CHECK_WRITE(conn, fail)                                                          \
    do {                                                                                 \
        if ((conn)->flags & VIR_CONNECT_RO) {                                            \
            error_report(ERR_OPERATION_DENIED, VIR_FROM_DOMAIN,                          \
                         "read only access prevents %s", __func__);                      \
            api_fail(conn);                                                              \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

/* One RPC; on failure publishes the error and returns -1. */
int rpc(virConnectPtr conn, int proc, xdrproc_t af, const void *a, xdrproc_t rf, void *r);

/* The wire's name for a domain handle (borrows its name). */
remote_nonnull_domain wire_dom(virDomainPtr dom);

/* A handle for the domain *d of reply r (decoded with rf), which it frees;
 * NULL with the error published when out of memory. */
virDomainPtr dom_from_ret(virConnectPtr conn, const remote_nonnull_domain *d, xdrproc_t rf,
                          void *r);

/* The same for networks. */
remote_nonnull_network wire_net(virNetworkPtr net);
virNetworkPtr net_from_ret(virConnectPtr conn, const remote_nonnull_network *n, xdrproc_t rf,
                           void *r);

/* One RPC whose reply is a single string, which becomes the caller's;
 * NULL with the error published. */
char *string_call(virConnectPtr conn, int proc, xdrproc_t af, const void *a, xdrproc_t rf);

/* Copies a counted char array into a NUL-terminated buffer of `size`.
 * Returns 0, or -1 when it does not fit. */
int copy_counted(char *dst, size_t size, const char *src, u_int len);

#endif

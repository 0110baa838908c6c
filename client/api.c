/* api: what the hand-written public functions (host.c, domain.c) and the
 * generated ones (api-gen.c) share: one RPC, domain handles to and from the
 * wire, string and counted-array answers. */
#include <stdlib.h>
#include <string.h>

#include "api.h"

int rpc(virConnectPtr conn, int proc, xdrproc_t af, const void *a, xdrproc_t rf, void *r)
{
    if (conn_call(conn, proc, af, a, rf, r) < 0) {
        api_fail(conn);
        return -1;
    }
    return 0;
}

remote_nonnull_domain wire_dom(virDomainPtr dom)
{
    remote_nonnull_domain d;

    d.name = dom->name;
    memcpy(d.uuid, dom->uuid, VIR_UUID_BUFLEN);
    d.id = dom->id;
    return d;
}

virDomainPtr dom_from_ret(virConnectPtr conn, const remote_nonnull_domain *d, xdrproc_t rf,
                          void *r)
{
    virDomainPtr dom = conn_domain_new(conn, d->name, (const unsigned char *)d->uuid, d->id);

    xdr_free(rf, (char *)r);
    if (!dom)
        api_fail(conn);
    return dom;
}

/* The string answers: the reply's string becomes the caller's. */
char *string_call(virConnectPtr conn, int proc, xdrproc_t af, const void *a, xdrproc_t rf)
{
    char *s = NULL;

    if (rpc(conn, proc, af, a, rf, &s) < 0)
        return NULL;
    return s;
}

/* Copies a counted char array into a NUL-terminated buffer of `size`. */
int copy_counted(char *dst, size_t size, const char *src, u_int len)
{
    if (len >= size)
        return -1;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 0;
}

void api_invalid_object(const char *func, int code, int domain)
{
    /* rpc/error.c words it: "invalid storage pool pointer in FUNC". */
    error_report(code, domain, "%s", func);
}

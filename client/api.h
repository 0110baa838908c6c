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

/* A node device handle: its name, and its parent's once asked. */
struct _virNodeDevice {
    int refs; /* atomic */
    virConnectPtr conn;
    char *name;
    char *parent;
};

/* A host interface handle. */
struct _virInterface {
    int refs; /* atomic */
    virConnectPtr conn;
    char *name;
    char *mac;
};

#define CHECK_NODEDEV(dev, fail)                                                         \
    do {                                                                                 \
        api_enter();                                                                     \
        if (!(dev) || !(dev)->conn) {                                                    \
            api_invalid_object(__func__, VIR_ERR_INVALID_NODE_DEVICE, VIR_FROM_NODEDEV); \
            api_fail(NULL);                                                              \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

#define CHECK_IFACE(iface, fail)                                                         \
    do {                                                                                 \
        api_enter();                                                                     \
        if (!(iface) || !(iface)->conn) {                                                \
            api_invalid_object(__func__, VIR_ERR_INVALID_INTERFACE, VIR_FROM_INTERFACE); \
            api_fail(NULL);                                                              \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

/* libvirt's "invalid node device pointer in FUNC" and the like. */
void api_invalid_object(const char *func, int code, int domain);

/* New handles (refs 1, each holding a reference on conn); NULL with the
 * out-of-memory error recorded. */
virInterfacePtr iface_new(virConnectPtr conn, const char *name, const char *mac);

/* The wire's name for an interface handle (borrows its strings). */
remote_nonnull_interface wire_iface(virInterfacePtr iface);

/* A handle for the object of reply r (decoded with rf), which they free;
 * NULL with the error published when out of memory. */
virNodeDevicePtr nodedev_from_ret(virConnectPtr conn, const remote_nonnull_node_device *d,
                                  xdrproc_t rf, void *r);
virInterfacePtr iface_from_ret(virConnectPtr conn, const remote_nonnull_interface *i,
                               xdrproc_t rf, void *r);

/* The name-list functions' argument check (libvirt's invalid argument
 * "maxnames") and their answer: the reply's names moved into names, their
 * count returned; -1 with the error published. */
int names_check(virConnectPtr conn, char **const names, int maxnames, int domain);
int names_take(virConnectPtr conn, char **const names, int max, remote_nonnull_string *val,
               u_int len);

/* Copies a counted char array into a NUL-terminated buffer of `size`.
 * Returns 0, or -1 when it does not fit. */
int copy_counted(char *dst, size_t size, const char *src, u_int len);

/* Storage handles (storage.c): the wire's names for them (borrowed), and
 * a handle for the reference *p or *v of reply r (decoded with rf), which
 * they free; NULL with the error published when out of memory. */
remote_nonnull_storage_pool wire_pool(virStoragePoolPtr pool);
remote_nonnull_storage_vol wire_vol(virStorageVolPtr vol);
virStoragePoolPtr pool_from_ret(virConnectPtr conn, const remote_nonnull_storage_pool *p,
                                xdrproc_t rf, void *r);
virStorageVolPtr vol_from_ret(virConnectPtr conn, const remote_nonnull_storage_vol *v,
                              xdrproc_t rf, void *r);

#endif

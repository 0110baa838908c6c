/* interface: the host interface functions written by hand (the rest are
 * generated from rpc/procedures.txt into api-gen.c): handles and lists. */
#include <stdlib.h>
#include <string.h>

#include "api.h"

virInterfacePtr iface_new(virConnectPtr conn, const char *name, const char *mac)
{
    virInterfacePtr iface = calloc(1, sizeof(*iface));

    if (!iface || !(iface->name = strdup(name)) || !(iface->mac = strdup(mac ? mac : ""))) {
        if (iface)
            free(iface->name);
        free(iface);
        error_report(ERR_NO_MEMORY, VIR_FROM_INTERFACE, NULL);
        return NULL;
    }
    iface->refs = 1;
    iface->conn = conn;
    __atomic_add_fetch(&conn->refs, 1, __ATOMIC_SEQ_CST);
    return iface;
}

remote_nonnull_interface wire_iface(virInterfacePtr iface)
{
    remote_nonnull_interface i = {iface->name, iface->mac};
    return i;
}

virInterfacePtr iface_from_ret(virConnectPtr conn, const remote_nonnull_interface *i,
                               xdrproc_t rf, void *r)
{
    virInterfacePtr iface = iface_new(conn, i->name, i->mac);

    xdr_free(rf, (char *)r);
    if (!iface)
        api_fail(conn);
    return iface;
}

int virInterfaceRef(virInterfacePtr iface)
{
    CHECK_IFACE(iface, -1);
    __atomic_add_fetch(&iface->refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

int virInterfaceFree(virInterfacePtr iface)
{
    CHECK_IFACE(iface, -1);
    if (__atomic_sub_fetch(&iface->refs, 1, __ATOMIC_SEQ_CST) == 0) {
        virConnectPtr conn = iface->conn;
        free(iface->name);
        free(iface->mac);
        free(iface);
        conn_release(conn);
    }
    return 0;
}

virConnectPtr virInterfaceGetConnect(virInterfacePtr iface)
{
    CHECK_IFACE(iface, NULL);
    return iface->conn;
}

const char *virInterfaceGetName(virInterfacePtr iface)
{
    CHECK_IFACE(iface, NULL);
    return iface->name;
}

const char *virInterfaceGetMACString(virInterfacePtr iface)
{
    CHECK_IFACE(iface, NULL);
    return iface->mac;
}

static int list_names(virConnectPtr conn, int proc, xdrproc_t rf, char **const names,
                      int maxnames)
{
    remote_connect_list_interfaces_args a = {maxnames};
    remote_connect_list_interfaces_ret r;

    if (names_check(conn, names, maxnames, VIR_FROM_INTERFACE) < 0)
        return -1;
    memset(&r, 0, sizeof(r));
    /* The two replies have the same shape. */
    if (rpc(conn, proc, XA(remote_connect_list_interfaces_args), &a, rf, &r) < 0)
        return -1;
    return names_take(conn, names, maxnames, r.names.names_val, r.names.names_len);
}

int virConnectListInterfaces(virConnectPtr conn, char **const names, int maxnames)
{
    CHECK_CONN(conn, -1);
    return list_names(conn, REMOTE_PROC_CONNECT_LIST_INTERFACES,
                      XA(remote_connect_list_interfaces_ret), names, maxnames);
}

int virConnectListDefinedInterfaces(virConnectPtr conn, char **const names, int maxnames)
{
    CHECK_CONN(conn, -1);
    return list_names(conn, REMOTE_PROC_CONNECT_LIST_DEFINED_INTERFACES,
                      XA(remote_connect_list_defined_interfaces_ret), names, maxnames);
}

int virConnectListAllInterfaces(virConnectPtr conn, virInterfacePtr **ifaces,
                                unsigned int flags)
{
    remote_connect_list_all_interfaces_args a = {ifaces != NULL, flags};
    remote_connect_list_all_interfaces_ret r;
    int n;

    CHECK_CONN(conn, -1);
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_CONNECT_LIST_ALL_INTERFACES,
            XA(remote_connect_list_all_interfaces_args), &a,
            XA(remote_connect_list_all_interfaces_ret), &r) < 0)
        return -1;
    n = (int)r.ret;
    if (ifaces) {
        virInterfacePtr *list = calloc(r.ifaces.ifaces_len + 1, sizeof(*list));
        if (!list)
            goto oom;
        for (u_int k = 0; k < r.ifaces.ifaces_len; k++) {
            remote_nonnull_interface *i = &r.ifaces.ifaces_val[k];
            if (!(list[k] = iface_new(conn, i->name, i->mac))) {
                while (k > 0)
                    virInterfaceFree(list[--k]);
                free(list);
                goto oom;
            }
        }
        *ifaces = list;
        n = (int)r.ifaces.ifaces_len;
    }
    xdr_free(XA(remote_connect_list_all_interfaces_ret), (char *)&r);
    return n;
oom:
    xdr_free(XA(remote_connect_list_all_interfaces_ret), (char *)&r);
    error_report(ERR_NO_MEMORY, VIR_FROM_INTERFACE, NULL);
    api_fail(conn);
    return -1;
}

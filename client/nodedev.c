/* nodedev: the node device functions written by hand (the rest are
 * generated from rpc/procedures.txt into api-gen.c): handles, the lists,
 * the parent (kept in the handle, as libvirt keeps it) and the
 * capability names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

virNodeDevicePtr nodedev_new(virConnectPtr conn, const char *name)
{
    virNodeDevicePtr dev = calloc(1, sizeof(*dev));

    if (!dev || !(dev->name = strdup(name))) {
        free(dev);
        error_report(ERR_NO_MEMORY, VIR_FROM_NODEDEV, NULL);
        return NULL;
    }
    dev->refs = 1;
    dev->conn = conn;
    __atomic_add_fetch(&conn->refs, 1, __ATOMIC_SEQ_CST);
    return dev;
}

virNodeDevicePtr nodedev_from_ret(virConnectPtr conn, const remote_nonnull_node_device *d,
                                  xdrproc_t rf, void *r)
{
    virNodeDevicePtr dev = nodedev_new(conn, d->name);

    xdr_free(rf, (char *)r);
    if (!dev)
        api_fail(conn);
    return dev;
}

int virNodeDeviceRef(virNodeDevicePtr dev)
{
    CHECK_NODEDEV(dev, -1);
    __atomic_add_fetch(&dev->refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

int virNodeDeviceFree(virNodeDevicePtr dev)
{
    CHECK_NODEDEV(dev, -1);
    if (__atomic_sub_fetch(&dev->refs, 1, __ATOMIC_SEQ_CST) == 0) {
        virConnectPtr conn = dev->conn;
        free(dev->name);
        free(dev->parent);
        free(dev);
        conn_release(conn);
    }
    return 0;
}

const char *virNodeDeviceGetName(virNodeDevicePtr dev)
{
    CHECK_NODEDEV(dev, NULL);
    return dev->name;
}

/* libvirt asks once and keeps the answer in the handle; NULL for a device
 * without a parent, as for an error. */
const char *virNodeDeviceGetParent(virNodeDevicePtr dev)
{
    remote_node_device_get_parent_args a;
    remote_node_device_get_parent_ret r;

    CHECK_NODEDEV(dev, NULL);
    if (dev->parent)
        return dev->parent;
    a.name = dev->name;
    memset(&r, 0, sizeof(r));
    if (rpc(dev->conn, REMOTE_PROC_NODE_DEVICE_GET_PARENT,
            XA(remote_node_device_get_parent_args), &a, XA(remote_node_device_get_parent_ret),
            &r) < 0)
        return NULL;
    if (r.parentName && *r.parentName && !(dev->parent = strdup(*r.parentName))) {
        xdr_free(XA(remote_node_device_get_parent_ret), (char *)&r);
        error_report(ERR_NO_MEMORY, VIR_FROM_NODEDEV, NULL);
        api_fail(dev->conn);
        return NULL;
    }
    xdr_free(XA(remote_node_device_get_parent_ret), (char *)&r);
    return dev->parent;
}

/* Moves a reply's names into the caller's array (or, when there are more
 * than it holds, frees them and fails as libvirt's remote driver does). */
int names_take(virConnectPtr conn, char **const names, int max, remote_nonnull_string *val,
               u_int len)
{
    if (len > (u_int)max) {
        for (u_int i = 0; i < len; i++)
            free(val[i]);
        free(val);
        error_report(ERR_RPC, VIR_FROM_REMOTE, "Too many names '%d' for limit '%d'", (int)len,
                     max);
        api_fail(conn);
        return -1;
    }
    for (u_int i = 0; i < len; i++)
        names[i] = val[i];
    free(val);
    return (int)len;
}

int names_check(virConnectPtr conn, char **const names, int maxnames, int domain)
{
    if (maxnames < 0 || (maxnames > 0 && !names)) {
        error_report(ERR_INVALID_ARG, domain, "%s", "maxnames");
        api_fail(conn);
        return -1;
    }
    return 0;
}

int virNodeListDevices(virConnectPtr conn, const char *cap, char **const names, int maxnames,
                       unsigned int flags)
{
    char *cap_s = (char *)cap;
    remote_node_list_devices_args a = {cap ? &cap_s : NULL, maxnames, flags};
    remote_node_list_devices_ret r;

    CHECK_CONN(conn, -1);
    if (names_check(conn, names, maxnames, VIR_FROM_NODEDEV) < 0)
        return -1;
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_NODE_LIST_DEVICES, XA(remote_node_list_devices_args), &a,
            XA(remote_node_list_devices_ret), &r) < 0)
        return -1;
    return names_take(conn, names, maxnames, r.names.names_val, r.names.names_len);
}

int virNodeDeviceListCaps(virNodeDevicePtr dev, char **const names, int maxnames)
{
    remote_node_device_list_caps_args a;
    remote_node_device_list_caps_ret r;

    CHECK_NODEDEV(dev, -1);
    if (names_check(dev->conn, names, maxnames, VIR_FROM_NODEDEV) < 0)
        return -1;
    a.name = dev->name;
    a.maxnames = maxnames;
    memset(&r, 0, sizeof(r));
    if (rpc(dev->conn, REMOTE_PROC_NODE_DEVICE_LIST_CAPS, XA(remote_node_device_list_caps_args),
            &a, XA(remote_node_device_list_caps_ret), &r) < 0)
        return -1;
    return names_take(dev->conn, names, maxnames, r.names.names_val, r.names.names_len);
}

int virConnectListAllNodeDevices(virConnectPtr conn, virNodeDevicePtr **devices,
                                 unsigned int flags)
{
    remote_connect_list_all_node_devices_args a = {devices != NULL, flags};
    remote_connect_list_all_node_devices_ret r;
    int n;

    CHECK_CONN(conn, -1);
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_CONNECT_LIST_ALL_NODE_DEVICES,
            XA(remote_connect_list_all_node_devices_args), &a,
            XA(remote_connect_list_all_node_devices_ret), &r) < 0)
        return -1;
    n = (int)r.ret;
    if (devices) {
        virNodeDevicePtr *list = calloc(r.devices.devices_len + 1, sizeof(*list));
        if (!list)
            goto oom;
        for (u_int k = 0; k < r.devices.devices_len; k++) {
            if (!(list[k] = nodedev_new(conn, r.devices.devices_val[k].name))) {
                while (k > 0)
                    virNodeDeviceFree(list[--k]);
                free(list);
                goto oom;
            }
        }
        *devices = list;
        n = (int)r.devices.devices_len;
    }
    xdr_free(XA(remote_connect_list_all_node_devices_ret), (char *)&r);
    return n;
oom:
    xdr_free(XA(remote_connect_list_all_node_devices_ret), (char *)&r);
    error_report(ERR_NO_MEMORY, VIR_FROM_NODEDEV, NULL);
    api_fail(conn);
    return -1;
}

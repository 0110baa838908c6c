/* storage: the public storage pool and volume functions that are not
 * generated: handles, lists, lookups by UUID and the info structs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "uuid.h"

/* Handles */

virStoragePoolPtr conn_pool_new(virConnectPtr conn, const char *name,
                                const unsigned char *uuid)
{
    virStoragePoolPtr p = calloc(1, sizeof(*p));

    if (!p || !(p->name = strdup(name))) {
        free(p);
        error_report(ERR_NO_MEMORY, VIR_FROM_STORAGE, NULL);
        return NULL;
    }
    p->refs = 1;
    p->conn = conn;
    memcpy(p->uuid, uuid, VIR_UUID_BUFLEN);
    __atomic_add_fetch(&conn->refs, 1, __ATOMIC_SEQ_CST);
    return p;
}

static virStorageVolPtr vol_new(virConnectPtr conn, const remote_nonnull_storage_vol *w)
{
    virStorageVolPtr v = calloc(1, sizeof(*v));

    if (!v || !(v->pool = strdup(w->pool)) || !(v->name = strdup(w->name)) ||
        !(v->key = strdup(w->key))) {
        if (v) {
            free(v->pool);
            free(v->name);
        }
        free(v);
        error_report(ERR_NO_MEMORY, VIR_FROM_STORAGE, NULL);
        return NULL;
    }
    v->refs = 1;
    v->conn = conn;
    __atomic_add_fetch(&conn->refs, 1, __ATOMIC_SEQ_CST);
    return v;
}

remote_nonnull_storage_pool wire_pool(virStoragePoolPtr pool)
{
    remote_nonnull_storage_pool w;

    w.name = pool->name;
    memcpy(w.uuid, pool->uuid, VIR_UUID_BUFLEN);
    return w;
}

remote_nonnull_storage_vol wire_vol(virStorageVolPtr vol)
{
    remote_nonnull_storage_vol w = {vol->pool, vol->name, vol->key};
    return w;
}

virStoragePoolPtr pool_from_ret(virConnectPtr conn, const remote_nonnull_storage_pool *p,
                                xdrproc_t rf, void *r)
{
    virStoragePoolPtr pool = conn_pool_new(conn, p->name, (const unsigned char *)p->uuid);

    xdr_free(rf, (char *)r);
    if (!pool)
        api_fail(conn);
    return pool;
}

virStorageVolPtr vol_from_ret(virConnectPtr conn, const remote_nonnull_storage_vol *v,
                              xdrproc_t rf, void *r)
{
    virStorageVolPtr vol = vol_new(conn, v);

    xdr_free(rf, (char *)r);
    if (!vol)
        api_fail(conn);
    return vol;
}

int virStoragePoolRef(virStoragePoolPtr pool)
{
    CHECK_POOL(pool, -1);
    __atomic_add_fetch(&pool->refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

int virStoragePoolFree(virStoragePoolPtr pool)
{
    CHECK_POOL(pool, -1);
    if (__atomic_sub_fetch(&pool->refs, 1, __ATOMIC_SEQ_CST) == 0) {
        virConnectPtr conn = pool->conn;
        free(pool->name);
        free(pool);
        conn_release(conn);
    }
    return 0;
}

int virStorageVolRef(virStorageVolPtr vol)
{
    CHECK_VOL(vol, -1);
    __atomic_add_fetch(&vol->refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

int virStorageVolFree(virStorageVolPtr vol)
{
    CHECK_VOL(vol, -1);
    if (__atomic_sub_fetch(&vol->refs, 1, __ATOMIC_SEQ_CST) == 0) {
        virConnectPtr conn = vol->conn;
        free(vol->pool);
        free(vol->name);
        free(vol->key);
        free(vol);
        conn_release(conn);
    }
    return 0;
}

virConnectPtr virStoragePoolGetConnect(virStoragePoolPtr pool)
{
    CHECK_POOL(pool, NULL);
    return pool->conn;
}

const char *virStoragePoolGetName(virStoragePoolPtr pool)
{
    CHECK_POOL(pool, NULL);
    return pool->name;
}

int virStoragePoolGetUUID(virStoragePoolPtr pool, unsigned char *uuid)
{
    CHECK_POOL(pool, -1);
    CHECK_ARG(pool->conn, uuid, -1);
    memcpy(uuid, pool->uuid, VIR_UUID_BUFLEN);
    return 0;
}

int virStoragePoolGetUUIDString(virStoragePoolPtr pool, char *buf)
{
    CHECK_POOL(pool, -1);
    CHECK_ARG(pool->conn, buf, -1);
    uuid_format(pool->uuid, buf);
    return 0;
}

virConnectPtr virStorageVolGetConnect(virStorageVolPtr vol)
{
    CHECK_VOL(vol, NULL);
    return vol->conn;
}

const char *virStorageVolGetName(virStorageVolPtr vol)
{
    CHECK_VOL(vol, NULL);
    return vol->name;
}

const char *virStorageVolGetKey(virStorageVolPtr vol)
{
    CHECK_VOL(vol, NULL);
    return vol->key;
}

/* Name lists: the reply's names become the caller's. */
static int take_names(virConnectPtr conn, int proc, xdrproc_t af, const void *a, xdrproc_t rf,
                      char **const names, int maxnames, const char *what)
{
    struct {
        u_int len;
        char **val;
    } r;
    int n;

    if (maxnames < 0 || (maxnames > 0 && !names)) {
        error_report(ERR_INVALID_ARG, VIR_FROM_STORAGE, "%s", "maxnames");
        api_fail(conn);
        return -1;
    }
    memset(&r, 0, sizeof(r));
    if (rpc(conn, proc, af, a, rf, &r) < 0)
        return -1;
    if (r.len > (u_int)maxnames) {
        xdr_free(rf, (char *)&r);
        error_report(ERR_RPC, VIR_FROM_REMOTE, "Too many %s '%d' for limit '%d'", what,
                     (int)r.len, maxnames);
        api_fail(conn);
        return -1;
    }
    n = (int)r.len;
    for (int i = 0; i < n; i++) {
        names[i] = r.val[i];
        r.val[i] = NULL;
    }
    r.len = 0;
    xdr_free(rf, (char *)&r);
    return n;
}

int virConnectListStoragePools(virConnectPtr conn, char **const names, int maxnames)
{
    remote_connect_list_storage_pools_args a = {maxnames};

    CHECK_CONN(conn, -1);
    return take_names(conn, REMOTE_PROC_CONNECT_LIST_STORAGE_POOLS,
                      XA(remote_connect_list_storage_pools_args), &a,
                      XA(remote_connect_list_storage_pools_ret), names, maxnames,
                      "storage pools");
}

int virConnectListDefinedStoragePools(virConnectPtr conn, char **const names, int maxnames)
{
    remote_connect_list_defined_storage_pools_args a = {maxnames};

    CHECK_CONN(conn, -1);
    return take_names(conn, REMOTE_PROC_CONNECT_LIST_DEFINED_STORAGE_POOLS,
                      XA(remote_connect_list_defined_storage_pools_args), &a,
                      XA(remote_connect_list_defined_storage_pools_ret), names, maxnames,
                      "storage pools");
}

int virStoragePoolListVolumes(virStoragePoolPtr pool, char **const names, int maxnames)
{
    remote_storage_pool_list_volumes_args a;

    CHECK_POOL(pool, -1);
    a.pool = wire_pool(pool);
    a.maxnames = maxnames;
    return take_names(pool->conn, REMOTE_PROC_STORAGE_POOL_LIST_VOLUMES,
                      XA(remote_storage_pool_list_volumes_args), &a,
                      XA(remote_storage_pool_list_volumes_ret), names, maxnames,
                      "storage volumes");
}

int virConnectListAllStoragePools(virConnectPtr conn, virStoragePoolPtr **pools,
                                  unsigned int flags)
{
    remote_connect_list_all_storage_pools_args a = {pools ? 1 : 0, flags};
    remote_connect_list_all_storage_pools_ret r;
    int n;

    CHECK_CONN(conn, -1);
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS,
            XA(remote_connect_list_all_storage_pools_args), &a,
            XA(remote_connect_list_all_storage_pools_ret), &r) < 0)
        return -1;
    n = (int)r.ret;
    if (pools) {
        virStoragePoolPtr *list = calloc(r.pools.pools_len + 1, sizeof(*list));
        for (u_int i = 0; list && i < r.pools.pools_len; i++) {
            remote_nonnull_storage_pool *p = &r.pools.pools_val[i];
            if (!(list[i] = conn_pool_new(conn, p->name, (const unsigned char *)p->uuid))) {
                for (u_int k = 0; k < i; k++)
                    virStoragePoolFree(list[k]);
                free(list);
                list = NULL;
            }
        }
        if (!list) {
            xdr_free(XA(remote_connect_list_all_storage_pools_ret), (char *)&r);
            error_report(ERR_NO_MEMORY, VIR_FROM_STORAGE, NULL);
            api_fail(conn);
            return -1;
        }
        *pools = list;
        n = (int)r.pools.pools_len;
    }
    xdr_free(XA(remote_connect_list_all_storage_pools_ret), (char *)&r);
    return n;
}

int virStoragePoolListAllVolumes(virStoragePoolPtr pool, virStorageVolPtr **vols,
                                 unsigned int flags)
{
    remote_storage_pool_list_all_volumes_args a;
    remote_storage_pool_list_all_volumes_ret r;
    int n;

    CHECK_POOL(pool, -1);
    a.pool = wire_pool(pool);
    a.need_results = vols ? 1 : 0;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(pool->conn, REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES,
            XA(remote_storage_pool_list_all_volumes_args), &a,
            XA(remote_storage_pool_list_all_volumes_ret), &r) < 0)
        return -1;
    n = (int)r.ret;
    if (vols) {
        virStorageVolPtr *list = calloc(r.vols.vols_len + 1, sizeof(*list));
        for (u_int i = 0; list && i < r.vols.vols_len; i++) {
            if (!(list[i] = vol_new(pool->conn, &r.vols.vols_val[i]))) {
                for (u_int k = 0; k < i; k++)
                    virStorageVolFree(list[k]);
                free(list);
                list = NULL;
            }
        }
        if (!list) {
            xdr_free(XA(remote_storage_pool_list_all_volumes_ret), (char *)&r);
            error_report(ERR_NO_MEMORY, VIR_FROM_STORAGE, NULL);
            api_fail(pool->conn);
            return -1;
        }
        *vols = list;
        n = (int)r.vols.vols_len;
    }
    xdr_free(XA(remote_storage_pool_list_all_volumes_ret), (char *)&r);
    return n;
}

/* Lookups by UUID */

virStoragePoolPtr virStoragePoolLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    remote_storage_pool_lookup_by_uuid_args a;
    remote_storage_pool_lookup_by_uuid_ret r;

    CHECK_CONN(conn, NULL);
    CHECK_ARG(conn, uuid, NULL);
    memcpy(a.uuid, uuid, VIR_UUID_BUFLEN);
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_UUID,
            XA(remote_storage_pool_lookup_by_uuid_args), &a,
            XA(remote_storage_pool_lookup_by_uuid_ret), &r) < 0)
        return NULL;
    return pool_from_ret(conn, &r.pool, XA(remote_storage_pool_lookup_by_uuid_ret), &r);
}

virStoragePoolPtr virStoragePoolLookupByUUIDString(virConnectPtr conn, const char *uuidstr)
{
    unsigned char uuid[VIR_UUID_BUFLEN];

    CHECK_CONN(conn, NULL);
    CHECK_ARG(conn, uuidstr, NULL);
    if (uuid_parse(uuidstr, uuid) < 0) {
        error_set_message(ERR_INVALID_ARG, VIR_FROM_STORAGE, "Invalid UUID");
        api_fail(conn);
        return NULL;
    }
    return virStoragePoolLookupByUUID(conn, uuid);
}

/* The info structs */

int virStoragePoolGetInfo(virStoragePoolPtr pool, virStoragePoolInfoPtr info)
{
    remote_storage_pool_get_info_args a;
    remote_storage_pool_get_info_ret r;

    CHECK_POOL(pool, -1);
    CHECK_ARG(pool->conn, info, -1);
    memset(info, 0, sizeof(*info));
    a.pool = wire_pool(pool);
    memset(&r, 0, sizeof(r));
    if (rpc(pool->conn, REMOTE_PROC_STORAGE_POOL_GET_INFO, XA(remote_storage_pool_get_info_args),
            &a, XA(remote_storage_pool_get_info_ret), &r) < 0)
        return -1;
    info->state = r.state;
    info->capacity = r.capacity;
    info->allocation = r.allocation;
    info->available = r.available;
    return 0;
}

int virStorageVolGetInfo(virStorageVolPtr vol, virStorageVolInfoPtr info)
{
    remote_storage_vol_get_info_args a;
    remote_storage_vol_get_info_ret r;

    CHECK_VOL(vol, -1);
    CHECK_ARG(vol->conn, info, -1);
    memset(info, 0, sizeof(*info));
    a.vol = wire_vol(vol);
    memset(&r, 0, sizeof(r));
    if (rpc(vol->conn, REMOTE_PROC_STORAGE_VOL_GET_INFO, XA(remote_storage_vol_get_info_args),
            &a, XA(remote_storage_vol_get_info_ret), &r) < 0)
        return -1;
    info->type = r.type;
    info->capacity = r.capacity;
    info->allocation = r.allocation;
    return 0;
}

int virStorageVolGetInfoFlags(virStorageVolPtr vol, virStorageVolInfoPtr info,
                              unsigned int flags)
{
    remote_storage_vol_get_info_flags_args a;
    remote_storage_vol_get_info_flags_ret r;

    CHECK_VOL(vol, -1);
    CHECK_ARG(vol->conn, info, -1);
    memset(info, 0, sizeof(*info));
    a.vol = wire_vol(vol);
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(vol->conn, REMOTE_PROC_STORAGE_VOL_GET_INFO_FLAGS,
            XA(remote_storage_vol_get_info_flags_args), &a,
            XA(remote_storage_vol_get_info_flags_ret), &r) < 0)
        return -1;
    info->type = r.type;
    info->capacity = r.capacity;
    info->allocation = r.allocation;
    return 0;
}

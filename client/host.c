/* host: the public functions about the connection's host and hypervisor
 * that are not generated (they convert an answer or ask no server). Each
 * checks its arguments as libvirt does and makes at most one RPC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "channel.h"

int virGetVersion(unsigned long *libVer, const char *type, unsigned long *typeVer)
{
    (void)type;
    api_enter();
    if (libVer)
        *libVer = LIBVIR_VERSION_NUMBER;
    if (typeVer)
        *typeVer = LIBVIR_VERSION_NUMBER;
    return 0;
}

const char *virConnectGetType(virConnectPtr conn)
{
    remote_connect_get_type_ret r = {0};
    char *t;

    CHECK_CONN(conn, NULL);
    pthread_mutex_lock(&conn->lock);
    t = conn->type;
    pthread_mutex_unlock(&conn->lock);
    if (t)
        return t;
    if (rpc(conn, REMOTE_PROC_CONNECT_GET_TYPE, NULL, NULL, XA(remote_connect_get_type_ret), &r) < 0)
        return NULL;
    pthread_mutex_lock(&conn->lock);
    if (!conn->type) {
        conn->type = r.type;
        r.type = NULL;
    }
    t = conn->type;
    pthread_mutex_unlock(&conn->lock);
    free(r.type);
    return t;
}

int virConnectGetVersion(virConnectPtr conn, unsigned long *hvVer)
{
    remote_connect_get_version_ret r = {0};

    CHECK_CONN(conn, -1);
    CHECK_ARG(conn, hvVer, -1);
    if (rpc(conn, REMOTE_PROC_CONNECT_GET_VERSION, NULL, NULL, XA(remote_connect_get_version_ret),
            &r) < 0)
        return -1;
    *hvVer = (unsigned long)r.hv_ver;
    return 0;
}

int virConnectGetLibVersion(virConnectPtr conn, unsigned long *libVer)
{
    remote_connect_get_lib_version_ret r = {0};

    CHECK_CONN(conn, -1);
    CHECK_ARG(conn, libVer, -1);
    if (rpc(conn, REMOTE_PROC_CONNECT_GET_LIB_VERSION, NULL, NULL,
            XA(remote_connect_get_lib_version_ret), &r) < 0)
        return -1;
    *libVer = (unsigned long)r.lib_ver;
    return 0;
}


char *virConnectGetURI(virConnectPtr conn)
{
    char *s;

    CHECK_CONN(conn, NULL);
    s = strdup(conn->uri_str ? conn->uri_str : "");
    if (!s) {
        error_report(ERR_NO_MEMORY, VIR_FROM_REMOTE, NULL);
        api_fail(conn);
    }
    return s;
}

int virConnectIsEncrypted(virConnectPtr conn)
{
    int tls;

    CHECK_CONN(conn, -1);
    pthread_mutex_lock(&conn->lock);
    tls = conn->ch && channel_layered(conn->ch);
    pthread_mutex_unlock(&conn->lock);
    return tls;
}

int virConnectIsSecure(virConnectPtr conn)
{
    remote_connect_is_secure_ret r = {0};

    CHECK_CONN(conn, -1);
    if (rpc(conn, REMOTE_PROC_CONNECT_IS_SECURE, NULL, NULL, XA(remote_connect_is_secure_ret),
            &r) < 0)
        return -1;
    return r.secure && conn->tr.secure ? 1 : 0;
}

int virNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info)
{
    remote_node_get_info_ret r;

    CHECK_CONN(conn, -1);
    CHECK_ARG(conn, info, -1);
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_NODE_GET_INFO, NULL, NULL, XA(remote_node_get_info_ret), &r) < 0)
        return -1;
    memset(info, 0, sizeof(*info));
    memcpy(info->model, r.model, sizeof(info->model));
    info->model[sizeof(info->model) - 1] = '\0';
    info->memory = (unsigned long)r.memory;
    info->cpus = (unsigned)r.cpus;
    info->mhz = (unsigned)r.mhz;
    info->nodes = (unsigned)r.nodes;
    info->sockets = (unsigned)r.sockets;
    info->cores = (unsigned)r.cores;
    info->threads = (unsigned)r.threads;
    return 0;
}


int virNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel)
{
    remote_node_get_security_model_ret r;
    int rc = 0;

    CHECK_CONN(conn, -1);
    CHECK_ARG(conn, secmodel, -1);
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_NODE_GET_SECURITY_MODEL, NULL, NULL,
            XA(remote_node_get_security_model_ret), &r) < 0)
        return -1;
    memset(secmodel, 0, sizeof(*secmodel));
    if (r.model.model_len > 0 &&
        copy_counted(secmodel->model, sizeof(secmodel->model), r.model.model_val,
                     r.model.model_len) < 0)
        rc = -1;
    if (r.doi.doi_len > 0 &&
        copy_counted(secmodel->doi, sizeof(secmodel->doi), r.doi.doi_val, r.doi.doi_len) < 0)
        rc = -1;
    xdr_free(XA(remote_node_get_security_model_ret), (char *)&r);
    if (rc < 0) {
        error_report(ERR_RPC, VIR_FROM_REMOTE, "%s", "security model exceeds maximum");
        api_fail(conn);
    }
    return rc;
}


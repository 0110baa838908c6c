/* network: the public network functions written by hand (the rest are
 * generated, api-gen.c): handles, the name lists, the list of handles,
 * the lookups by UUID. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "uuid.h"

void api_invalid_network(const char *func)
{
    char msg[160];
    snprintf(msg, sizeof(msg), "invalid network pointer in %s", func);
    error_set_message(VIR_ERR_INVALID_NETWORK, VIR_FROM_NETWORK, msg);
}

virNetworkPtr conn_network_new(virConnectPtr conn, const char *name, const unsigned char *uuid)
{
    virNetworkPtr net = calloc(1, sizeof(*net));

    if (!net || !(net->name = strdup(name))) {
        free(net);
        error_report(ERR_NO_MEMORY, VIR_FROM_NETWORK, NULL);
        return NULL;
    }
    net->refs = 1;
    net->conn = conn;
    memcpy(net->uuid, uuid, VIR_UUID_BUFLEN);
    __atomic_add_fetch(&conn->refs, 1, __ATOMIC_SEQ_CST);
    return net;
}

void conn_network_release(virNetworkPtr net)
{
    if (__atomic_sub_fetch(&net->refs, 1, __ATOMIC_SEQ_CST) == 0) {
        virConnectPtr conn = net->conn;
        free(net->name);
        free(net);
        conn_release(conn);
    }
}

remote_nonnull_network wire_net(virNetworkPtr net)
{
    remote_nonnull_network n;

    n.name = net->name;
    memcpy(n.uuid, net->uuid, VIR_UUID_BUFLEN);
    return n;
}

virNetworkPtr net_from_ret(virConnectPtr conn, const remote_nonnull_network *n, xdrproc_t rf,
                           void *r)
{
    virNetworkPtr net = conn_network_new(conn, n->name, (const unsigned char *)n->uuid);

    xdr_free(rf, (char *)r);
    if (!net)
        api_fail(conn);
    return net;
}

/* The names of active (proc CONNECT_LIST_NETWORKS) or inactive networks
 * into names[maxnames], which become the caller's. */
static int list_names(virConnectPtr conn, int proc, char **const names, int maxnames)
{
    remote_connect_list_networks_args a = {maxnames};
    remote_connect_list_networks_ret r;
    int n;

    CHECK_ARG(conn, names, -1);
    if (maxnames < 0) {
        error_report(ERR_INVALID_ARG, VIR_FROM_NETWORK, "maxnames in %s must be zero or greater",
                     proc == REMOTE_PROC_CONNECT_LIST_NETWORKS ? "virConnectListNetworks"
                                                               : "virConnectListDefinedNetworks");
        api_fail(conn);
        return -1;
    }
    if (maxnames > REMOTE_NETWORK_LIST_MAX) {
        error_report(ERR_RPC, VIR_FROM_REMOTE,
                     "Too many network names '%d' for limit '%d'", maxnames,
                     REMOTE_NETWORK_LIST_MAX);
        api_fail(conn);
        return -1;
    }
    memset(&r, 0, sizeof(r));
    /* Both procedures carry the same arguments and reply. */
    if (rpc(conn, proc, XA(remote_connect_list_networks_args), &a,
            XA(remote_connect_list_networks_ret), &r) < 0)
        return -1;
    if (r.names.names_len > (u_int)maxnames) {
        xdr_free(XA(remote_connect_list_networks_ret), (char *)&r);
        error_report(ERR_RPC, VIR_FROM_REMOTE, "Too many network names '%d' for limit '%d'",
                     (int)r.names.names_len, maxnames);
        api_fail(conn);
        return -1;
    }
    n = (int)r.names.names_len;
    for (int i = 0; i < n; i++) {
        names[i] = r.names.names_val[i];
        r.names.names_val[i] = NULL;
    }
    r.names.names_len = 0;
    xdr_free(XA(remote_connect_list_networks_ret), (char *)&r);
    return n;
}

int virConnectListNetworks(virConnectPtr conn, char **const names, int maxnames)
{
    CHECK_CONN(conn, -1);
    return list_names(conn, REMOTE_PROC_CONNECT_LIST_NETWORKS, names, maxnames);
}

int virConnectListDefinedNetworks(virConnectPtr conn, char **const names, int maxnames)
{
    CHECK_CONN(conn, -1);
    return list_names(conn, REMOTE_PROC_CONNECT_LIST_DEFINED_NETWORKS, names, maxnames);
}

int virConnectListAllNetworks(virConnectPtr conn, virNetworkPtr **nets, unsigned int flags)
{
    remote_connect_list_all_networks_args a = {nets ? 1 : 0, flags};
    remote_connect_list_all_networks_ret r;
    virNetworkPtr *list = NULL;
    int n;

    CHECK_CONN(conn, -1);
    if (nets)
        *nets = NULL;
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS, XA(remote_connect_list_all_networks_args),
            &a, XA(remote_connect_list_all_networks_ret), &r) < 0)
        return -1;
    n = (int)r.ret;
    if (nets) {
        list = calloc(r.nets.nets_len + 1, sizeof(*list));
        if (!list)
            goto oom;
        for (u_int i = 0; i < r.nets.nets_len; i++) {
            remote_nonnull_network *w = &r.nets.nets_val[i];
            if (!(list[i] = conn_network_new(conn, w->name, (unsigned char *)w->uuid))) {
                for (u_int k = 0; k < i; k++)
                    virNetworkFree(list[k]);
                free(list);
                goto oom;
            }
        }
        *nets = list;
        n = (int)r.nets.nets_len;
    }
    xdr_free(XA(remote_connect_list_all_networks_ret), (char *)&r);
    return n;
oom:
    xdr_free(XA(remote_connect_list_all_networks_ret), (char *)&r);
    error_report(ERR_NO_MEMORY, VIR_FROM_NETWORK, NULL);
    api_fail(conn);
    return -1;
}

virNetworkPtr virNetworkLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    remote_network_lookup_by_uuid_args a;
    remote_network_lookup_by_uuid_ret r;

    CHECK_CONN(conn, NULL);
    CHECK_ARG(conn, uuid, NULL);
    memcpy(a.uuid, uuid, VIR_UUID_BUFLEN);
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_NETWORK_LOOKUP_BY_UUID, XA(remote_network_lookup_by_uuid_args), &a,
            XA(remote_network_lookup_by_uuid_ret), &r) < 0)
        return NULL;
    return net_from_ret(conn, &r.net, XA(remote_network_lookup_by_uuid_ret), &r);
}

virNetworkPtr virNetworkLookupByUUIDString(virConnectPtr conn, const char *uuidstr)
{
    unsigned char uuid[VIR_UUID_BUFLEN];

    CHECK_CONN(conn, NULL);
    CHECK_ARG(conn, uuidstr, NULL);
    if (uuid_parse(uuidstr, uuid) < 0) {
        error_set_message(ERR_INVALID_ARG, VIR_FROM_NETWORK,
                          "uuidstr in virNetworkLookupByUUIDString must be a valid UUID");
        api_fail(conn);
        return NULL;
    }
    return virNetworkLookupByUUID(conn, uuid);
}

int virNetworkRef(virNetworkPtr network)
{
    CHECK_NET(network, -1);
    __atomic_add_fetch(&network->refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

int virNetworkFree(virNetworkPtr network)
{
    CHECK_NET(network, -1);
    conn_network_release(network);
    return 0;
}

virConnectPtr virNetworkGetConnect(virNetworkPtr network)
{
    CHECK_NET(network, NULL);
    return network->conn;
}

const char *virNetworkGetName(virNetworkPtr network)
{
    CHECK_NET(network, NULL);
    return network->name;
}

int virNetworkGetUUID(virNetworkPtr network, unsigned char *uuid)
{
    CHECK_NET(network, -1);
    CHECK_ARG(network->conn, uuid, -1);
    memcpy(uuid, network->uuid, VIR_UUID_BUFLEN);
    return 0;
}

int virNetworkGetUUIDString(virNetworkPtr network, char *buf)
{
    CHECK_NET(network, -1);
    CHECK_ARG(network->conn, buf, -1);
    uuid_format(network->uuid, buf);
    return 0;
}

/* DHCP leases */

void virNetworkDHCPLeaseFree(virNetworkDHCPLeasePtr lease)
{
    if (!lease)
        return;
    free(lease->iface);
    free(lease->mac);
    free(lease->iaid);
    free(lease->ipaddr);
    free(lease->hostname);
    free(lease->clientid);
    free(lease);
}

static char *take(char **s)
{
    char *v = *s;
    *s = NULL;
    return v;
}

static char *take_opt(remote_string *s)
{
    return *s ? take(*s) : NULL;
}

int virNetworkGetDHCPLeases(virNetworkPtr network, const char *mac,
                            virNetworkDHCPLeasePtr **leases, unsigned int flags)
{
    remote_network_get_dhcp_leases_args a;
    remote_network_get_dhcp_leases_ret r;
    char *m = (char *)mac;
    virNetworkDHCPLeasePtr *list = NULL;
    int n;

    CHECK_NET(network, -1);
    a.net = wire_net(network);
    a.mac = mac ? &m : NULL;
    a.need_results = leases ? 1 : 0;
    a.flags = flags;
    if (leases)
        *leases = NULL;
    memset(&r, 0, sizeof(r));
    if (rpc(network->conn, REMOTE_PROC_NETWORK_GET_DHCP_LEASES,
            XA(remote_network_get_dhcp_leases_args), &a, XA(remote_network_get_dhcp_leases_ret),
            &r) < 0)
        return -1;
    n = (int)r.ret;
    if (leases) {
        if (!(list = calloc(r.leases.leases_len + 1, sizeof(*list))))
            goto oom;
        for (u_int i = 0; i < r.leases.leases_len; i++) {
            remote_network_dhcp_lease *w = &r.leases.leases_val[i];
            virNetworkDHCPLeasePtr l = calloc(1, sizeof(*l));
            if (!(list[i] = l)) {
                for (u_int k = 0; k < i; k++)
                    virNetworkDHCPLeaseFree(list[k]);
                free(list);
                goto oom;
            }
            l->iface = take(&w->iface);
            l->expirytime = w->expirytime;
            l->type = w->type;
            l->mac = take_opt(&w->mac);
            l->iaid = take_opt(&w->iaid);
            l->ipaddr = take(&w->ipaddr);
            l->prefix = w->prefix;
            l->hostname = take_opt(&w->hostname);
            l->clientid = take_opt(&w->clientid);
        }
        *leases = list;
        n = (int)r.leases.leases_len;
    }
    xdr_free(XA(remote_network_get_dhcp_leases_ret), (char *)&r);
    return n;
oom:
    xdr_free(XA(remote_network_get_dhcp_leases_ret), (char *)&r);
    error_report(ERR_NO_MEMORY, VIR_FROM_NETWORK, NULL);
    api_fail(network->conn);
    return -1;
}

/* Network ports */

static void invalid_port(const char *func)
{
    char msg[160];
    snprintf(msg, sizeof(msg), "invalid network port pointer in %s", func);
    error_set_message(VIR_ERR_INVALID_NETWORK_PORT, VIR_FROM_NETWORK, msg);
}

#define CHECK_PORT(port, fail)                                                           \
    do {                                                                                 \
        api_enter();                                                                     \
        if (!(port) || !(port)->net || !(port)->net->conn) {                             \
            invalid_port(__func__);                                                      \
            api_fail(NULL);                                                              \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

static virNetworkPortPtr port_new(virNetworkPtr net, const unsigned char *uuid)
{
    virNetworkPortPtr port = calloc(1, sizeof(*port));

    if (!port) {
        error_report(ERR_NO_MEMORY, VIR_FROM_NETWORK, NULL);
        return NULL;
    }
    port->refs = 1;
    port->net = net;
    memcpy(port->uuid, uuid, VIR_UUID_BUFLEN);
    __atomic_add_fetch(&net->refs, 1, __ATOMIC_SEQ_CST);
    return port;
}

static remote_nonnull_network_port wire_port(virNetworkPortPtr port)
{
    remote_nonnull_network_port p;

    p.net = wire_net(port->net);
    memcpy(p.uuid, port->uuid, VIR_UUID_BUFLEN);
    return p;
}

int virNetworkListAllPorts(virNetworkPtr network, virNetworkPortPtr **ports, unsigned int flags)
{
    remote_network_list_all_ports_args a;
    remote_network_list_all_ports_ret r;
    virNetworkPortPtr *list = NULL;
    int n;

    CHECK_NET(network, -1);
    a.network = wire_net(network);
    a.need_results = ports ? 1 : 0;
    a.flags = flags;
    if (ports)
        *ports = NULL;
    memset(&r, 0, sizeof(r));
    if (rpc(network->conn, REMOTE_PROC_NETWORK_LIST_ALL_PORTS,
            XA(remote_network_list_all_ports_args), &a, XA(remote_network_list_all_ports_ret),
            &r) < 0)
        return -1;
    n = (int)r.ret;
    if (ports) {
        if (!(list = calloc(r.ports.ports_len + 1, sizeof(*list))))
            goto oom;
        for (u_int i = 0; i < r.ports.ports_len; i++) {
            if (!(list[i] = port_new(network, (unsigned char *)r.ports.ports_val[i].uuid))) {
                for (u_int k = 0; k < i; k++)
                    virNetworkPortFree(list[k]);
                free(list);
                goto oom;
            }
        }
        *ports = list;
        n = (int)r.ports.ports_len;
    }
    xdr_free(XA(remote_network_list_all_ports_ret), (char *)&r);
    return n;
oom:
    xdr_free(XA(remote_network_list_all_ports_ret), (char *)&r);
    error_report(ERR_NO_MEMORY, VIR_FROM_NETWORK, NULL);
    api_fail(network->conn);
    return -1;
}

static virNetworkPortPtr port_from_ret(virNetworkPtr net, const remote_nonnull_network_port *p,
                                       xdrproc_t rf, void *r)
{
    virNetworkPortPtr port = port_new(net, (const unsigned char *)p->uuid);

    xdr_free(rf, (char *)r);
    if (!port)
        api_fail(net->conn);
    return port;
}

virNetworkPortPtr virNetworkPortLookupByUUID(virNetworkPtr net, const unsigned char *uuid)
{
    remote_network_port_lookup_by_uuid_args a;
    remote_network_port_lookup_by_uuid_ret r;

    CHECK_NET(net, NULL);
    CHECK_ARG(net->conn, uuid, NULL);
    a.network = wire_net(net);
    memcpy(a.uuid, uuid, VIR_UUID_BUFLEN);
    memset(&r, 0, sizeof(r));
    if (rpc(net->conn, REMOTE_PROC_NETWORK_PORT_LOOKUP_BY_UUID,
            XA(remote_network_port_lookup_by_uuid_args), &a,
            XA(remote_network_port_lookup_by_uuid_ret), &r) < 0)
        return NULL;
    return port_from_ret(net, &r.port, XA(remote_network_port_lookup_by_uuid_ret), &r);
}

virNetworkPortPtr virNetworkPortLookupByUUIDString(virNetworkPtr net, const char *uuidstr)
{
    unsigned char uuid[VIR_UUID_BUFLEN];

    CHECK_NET(net, NULL);
    CHECK_ARG(net->conn, uuidstr, NULL);
    if (uuid_parse(uuidstr, uuid) < 0) {
        error_set_message(ERR_INVALID_ARG, VIR_FROM_NETWORK,
                          "uuidstr in virNetworkPortLookupByUUIDString must be a valid UUID");
        api_fail(net->conn);
        return NULL;
    }
    return virNetworkPortLookupByUUID(net, uuid);
}

virNetworkPortPtr virNetworkPortCreateXML(virNetworkPtr net, const char *xmldesc,
                                          unsigned int flags)
{
    remote_network_port_create_xml_args a;
    remote_network_port_create_xml_ret r;

    CHECK_NET(net, NULL);
    CHECK_WRITE(net->conn, NULL);
    CHECK_ARG(net->conn, xmldesc, NULL);
    a.network = wire_net(net);
    a.xml = (char *)xmldesc;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(net->conn, REMOTE_PROC_NETWORK_PORT_CREATE_XML,
            XA(remote_network_port_create_xml_args), &a,
            XA(remote_network_port_create_xml_ret), &r) < 0)
        return NULL;
    return port_from_ret(net, &r.port, XA(remote_network_port_create_xml_ret), &r);
}

virNetworkPtr virNetworkPortGetNetwork(virNetworkPortPtr port)
{
    CHECK_PORT(port, NULL);
    return port->net;
}

char *virNetworkPortGetXMLDesc(virNetworkPortPtr port, unsigned int flags)
{
    remote_network_port_get_xml_desc_args a;

    CHECK_PORT(port, NULL);
    a.port = wire_port(port);
    a.flags = flags;
    return string_call(port->net->conn, REMOTE_PROC_NETWORK_PORT_GET_XML_DESC,
                       XA(remote_network_port_get_xml_desc_args), &a,
                       XA(remote_network_port_get_xml_desc_ret));
}

int virNetworkPortGetUUID(virNetworkPortPtr port, unsigned char *uuid)
{
    CHECK_PORT(port, -1);
    CHECK_ARG(port->net->conn, uuid, -1);
    memcpy(uuid, port->uuid, VIR_UUID_BUFLEN);
    return 0;
}

int virNetworkPortGetUUIDString(virNetworkPortPtr port, char *buf)
{
    CHECK_PORT(port, -1);
    CHECK_ARG(port->net->conn, buf, -1);
    uuid_format(port->uuid, buf);
    return 0;
}

int virNetworkPortDelete(virNetworkPortPtr port, unsigned int flags)
{
    remote_network_port_delete_args a;

    CHECK_PORT(port, -1);
    CHECK_WRITE(port->net->conn, -1);
    a.port = wire_port(port);
    a.flags = flags;
    return rpc(port->net->conn, REMOTE_PROC_NETWORK_PORT_DELETE,
               XA(remote_network_port_delete_args), &a, NULL, NULL);
}

int virNetworkPortRef(virNetworkPortPtr port)
{
    CHECK_PORT(port, -1);
    __atomic_add_fetch(&port->refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

int virNetworkPortFree(virNetworkPortPtr port)
{
    CHECK_PORT(port, -1);
    if (__atomic_sub_fetch(&port->refs, 1, __ATOMIC_SEQ_CST) == 0) {
        conn_network_release(port->net);
        free(port);
    }
    return 0;
}

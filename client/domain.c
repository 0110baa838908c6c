/* domain: the public domain functions that are not generated: lists,
 * lookups and creation, handles, and the calls that convert their answer
 * or check more than handles and read-only access, as libvirt does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "uuid.h"

/* Domain lists */

int virConnectListDomains(virConnectPtr conn, int *ids, int maxids)
{
    remote_connect_list_domains_args a = {maxids};
    remote_connect_list_domains_ret r;
    int n;

    CHECK_CONN(conn, -1);
    if (maxids < 0 || (maxids > 0 && !ids)) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN, "%s", "maxids");
        api_fail(conn);
        return -1;
    }
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_CONNECT_LIST_DOMAINS, XA(remote_connect_list_domains_args), &a,
            XA(remote_connect_list_domains_ret), &r) < 0)
        return -1;
    if (r.ids.ids_len > (u_int)maxids) {
        xdr_free(XA(remote_connect_list_domains_ret), (char *)&r);
        error_report(ERR_RPC, VIR_FROM_REMOTE, "Too many domains '%d' for limit '%d'",
                     (int)r.ids.ids_len, maxids);
        api_fail(conn);
        return -1;
    }
    n = (int)r.ids.ids_len;
    if (n > 0)
        memcpy(ids, r.ids.ids_val, (size_t)n * sizeof(int));
    xdr_free(XA(remote_connect_list_domains_ret), (char *)&r);
    return n;
}

int virConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames)
{
    remote_connect_list_defined_domains_args a = {maxnames};
    remote_connect_list_defined_domains_ret r;
    int n;

    CHECK_CONN(conn, -1);
    if (maxnames < 0 || (maxnames > 0 && !names)) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN, "%s", "maxnames");
        api_fail(conn);
        return -1;
    }
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS,
            XA(remote_connect_list_defined_domains_args), &a,
            XA(remote_connect_list_defined_domains_ret), &r) < 0)
        return -1;
    if (r.names.names_len > (u_int)maxnames) {
        xdr_free(XA(remote_connect_list_defined_domains_ret), (char *)&r);
        error_report(ERR_RPC, VIR_FROM_REMOTE, "Too many domain names '%d' for limit '%d'",
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
    xdr_free(XA(remote_connect_list_defined_domains_ret), (char *)&r);
    return n;
}

int virConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags)
{
    remote_connect_list_all_domains_args a = {domains ? 1 : 0, flags};
    remote_connect_list_all_domains_ret r;
    virDomainPtr *list = NULL;
    int n;

    CHECK_CONN(conn, -1);
    if (domains)
        *domains = NULL;
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, XA(remote_connect_list_all_domains_args),
            &a, XA(remote_connect_list_all_domains_ret), &r) < 0)
        return -1;
    n = (int)r.ret;
    if (domains) {
        list = calloc(r.domains.domains_len + 1, sizeof(*list));
        if (!list)
            goto oom;
        for (u_int i = 0; i < r.domains.domains_len; i++) {
            remote_nonnull_domain *d = &r.domains.domains_val[i];
            list[i] = conn_domain_new(conn, d->name, (unsigned char *)d->uuid, d->id);
            if (!list[i]) {
                for (u_int k = 0; k < i; k++)
                    virDomainFree(list[k]);
                free(list);
                goto oom;
            }
        }
        *domains = list;
        n = (int)r.domains.domains_len;
    }
    xdr_free(XA(remote_connect_list_all_domains_ret), (char *)&r);
    return n;
oom:
    xdr_free(XA(remote_connect_list_all_domains_ret), (char *)&r);
    error_report(ERR_NO_MEMORY, VIR_FROM_DOMAIN, NULL);
    api_fail(conn);
    return -1;
}

/* Lookups and creation */

virDomainPtr virDomainLookupByID(virConnectPtr conn, int id)
{
    remote_domain_lookup_by_id_args a = {id};
    remote_domain_lookup_by_id_ret r;

    CHECK_CONN(conn, NULL);
    if (id < 0) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN, "id in %s must be non-negative", __func__);
        api_fail(conn);
        return NULL;
    }
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_DOMAIN_LOOKUP_BY_ID, XA(remote_domain_lookup_by_id_args), &a,
            XA(remote_domain_lookup_by_id_ret), &r) < 0)
        return NULL;
    return dom_from_ret(conn, &r.dom, XA(remote_domain_lookup_by_id_ret), &r);
}

virDomainPtr virDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid)
{
    remote_domain_lookup_by_uuid_args a;
    remote_domain_lookup_by_uuid_ret r;

    CHECK_CONN(conn, NULL);
    CHECK_ARG(conn, uuid, NULL);
    memcpy(a.uuid, uuid, VIR_UUID_BUFLEN);
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, XA(remote_domain_lookup_by_uuid_args), &a,
            XA(remote_domain_lookup_by_uuid_ret), &r) < 0)
        return NULL;
    return dom_from_ret(conn, &r.dom, XA(remote_domain_lookup_by_uuid_ret), &r);
}

virDomainPtr virDomainLookupByUUIDString(virConnectPtr conn, const char *uuidstr)
{
    unsigned char uuid[VIR_UUID_BUFLEN];
    virDomainPtr dom;

    CHECK_CONN(conn, NULL);
    CHECK_ARG(conn, uuidstr, NULL);
    if (uuid_parse(uuidstr, uuid) < 0) {
        /* libvirt 9.0 reports exactly this, without the usual prefix. */
        error_set_message(ERR_INVALID_ARG, VIR_FROM_DOMAIN, "Invalid UUID");
        api_fail(conn);
        return NULL;
    }
    dom = virDomainLookupByUUID(conn, uuid);
    return dom;
}

virDomainPtr virDomainCreateXML(virConnectPtr conn, const char *xmlDesc, unsigned int flags)
{
    remote_domain_create_xml_args a;
    remote_domain_create_xml_ret r;

    CHECK_CONN(conn, NULL);
    CHECK_ARG(conn, xmlDesc, NULL);
    CHECK_WRITE(conn, NULL);
    a.xml_desc = (char *)xmlDesc;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_DOMAIN_CREATE_XML, XA(remote_domain_create_xml_args), &a,
            XA(remote_domain_create_xml_ret), &r) < 0)
        return NULL;
    return dom_from_ret(conn, &r.dom, XA(remote_domain_create_xml_ret), &r);
}

virDomainPtr virDomainCreateLinux(virConnectPtr conn, const char *xmlDesc, unsigned int flags)
{
    return virDomainCreateXML(conn, xmlDesc, flags);
}

/* Lifecycle */

int virDomainDestroy(virDomainPtr domain)
{
    remote_domain_destroy_args a;

    CHECK_DOM(domain, -1);
    CHECK_WRITE(domain->conn, -1);
    a.dom = wire_dom(domain);
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_DESTROY, XA(remote_domain_destroy_args), &a, NULL,
            NULL) < 0)
        return -1;
    /* As in libvirt: a destroyed domain has no id any more. */
    domain->id = -1;
    return 0;
}

int virDomainCreateWithFlags(virDomainPtr domain, unsigned int flags)
{
    remote_domain_create_with_flags_args a;
    remote_domain_create_with_flags_ret r;

    CHECK_DOM(domain, -1);
    CHECK_WRITE(domain->conn, -1);
    a.dom = wire_dom(domain);
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS,
            XA(remote_domain_create_with_flags_args), &a, XA(remote_domain_create_with_flags_ret),
            &r) < 0)
        return -1;
    domain->id = r.dom.id;
    xdr_free(XA(remote_domain_create_with_flags_ret), (char *)&r);
    return 0;
}

int virDomainCreate(virDomainPtr domain)
{
    remote_domain_create_args a;
    remote_domain_lookup_by_uuid_args la;
    remote_domain_lookup_by_uuid_ret r;

    CHECK_DOM(domain, -1);
    CHECK_WRITE(domain->conn, -1);
    a.dom = wire_dom(domain);
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_CREATE, XA(remote_domain_create_args), &a, NULL,
            NULL) < 0)
        return -1;
    /* DOMAIN_CREATE does not return the new id; libvirt looks it up. */
    memcpy(la.uuid, domain->uuid, VIR_UUID_BUFLEN);
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, XA(remote_domain_lookup_by_uuid_args),
            &la, XA(remote_domain_lookup_by_uuid_ret), &r) < 0)
        return -1;
    domain->id = r.dom.id;
    xdr_free(XA(remote_domain_lookup_by_uuid_ret), (char *)&r);
    return 0;
}

/* Handles */

int virDomainRef(virDomainPtr domain)
{
    CHECK_DOM(domain, -1);
    __atomic_add_fetch(&domain->refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

int virDomainFree(virDomainPtr domain)
{
    CHECK_DOM(domain, -1);
    conn_domain_release(domain);
    return 0;
}

virConnectPtr virDomainGetConnect(virDomainPtr dom)
{
    CHECK_DOM(dom, NULL);
    return dom->conn;
}

const char *virDomainGetName(virDomainPtr domain)
{
    CHECK_DOM(domain, NULL);
    return domain->name;
}

unsigned int virDomainGetID(virDomainPtr domain)
{
    CHECK_DOM(domain, (unsigned int)-1);
    return (unsigned int)domain->id;
}

int virDomainGetUUID(virDomainPtr domain, unsigned char *uuid)
{
    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, uuid, -1);
    memcpy(uuid, domain->uuid, VIR_UUID_BUFLEN);
    return 0;
}

int virDomainGetUUIDString(virDomainPtr domain, char *buf)
{
    const unsigned char *u;

    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, buf, -1);
    u = domain->uuid;
    snprintf(buf, VIR_UUID_STRING_BUFLEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
             u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
             u[15]);
    return 0;
}

/* Queries */

char *virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags)
{
    remote_domain_get_xml_desc_args a;

    CHECK_DOM(domain, NULL);
    if ((domain->conn->flags & VIR_CONNECT_RO) && (flags & VIR_DOMAIN_XML_SECURE)) {
        error_report(ERR_OPERATION_DENIED, VIR_FROM_DOMAIN, "%s",
                     "virDomainGetXMLDesc with secure flag");
        api_fail(domain->conn);
        return NULL;
    }
    a.dom = wire_dom(domain);
    a.flags = flags;
    return string_call(domain->conn, REMOTE_PROC_DOMAIN_GET_XML_DESC,
                       XA(remote_domain_get_xml_desc_args), &a, XA(remote_domain_get_xml_desc_ret));
}

int virDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info)
{
    remote_domain_get_info_args a;
    remote_domain_get_info_ret r;

    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, info, -1);
    a.dom = wire_dom(domain);
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_GET_INFO, XA(remote_domain_get_info_args), &a,
            XA(remote_domain_get_info_ret), &r) < 0)
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = r.state;
    info->maxMem = (unsigned long)r.max_mem;
    info->memory = (unsigned long)r.memory;
    info->nrVirtCpu = r.nr_virt_cpu;
    info->cpuTime = r.cpu_time;
    return 0;
}

int virDomainGetState(virDomainPtr domain, int *state, int *reason, unsigned int flags)
{
    remote_domain_get_state_args a;
    remote_domain_get_state_ret r = {0};

    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, state, -1);
    a.dom = wire_dom(domain);
    a.flags = flags;
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_GET_STATE, XA(remote_domain_get_state_args), &a,
            XA(remote_domain_get_state_ret), &r) < 0)
        return -1;
    *state = r.state;
    if (reason)
        *reason = r.reason;
    return 0;
}

/* SET_MEMORY and SET_MAX_MEMORY carry the same domain and size. */
static int set_memory(virDomainPtr domain, int proc, unsigned long memory)
{
    remote_domain_set_memory_args a;

    if (memory == 0) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN, "%s",
                     "memory in virDomainSetMemory must not be zero");
        api_fail(domain->conn);
        return -1;
    }
    a.dom = wire_dom(domain);
    a.memory = memory;
    return rpc(domain->conn, proc, XA(remote_domain_set_memory_args), &a, NULL, NULL);
}

int virDomainSetMaxMemory(virDomainPtr domain, unsigned long memory)
{
    CHECK_DOM(domain, -1);
    CHECK_WRITE(domain->conn, -1);
    return set_memory(domain, REMOTE_PROC_DOMAIN_SET_MAX_MEMORY, memory);
}

int virDomainSetMemory(virDomainPtr domain, unsigned long memory)
{
    CHECK_DOM(domain, -1);
    CHECK_WRITE(domain->conn, -1);
    return set_memory(domain, REMOTE_PROC_DOMAIN_SET_MEMORY, memory);
}

int virDomainSetVcpus(virDomainPtr domain, unsigned int nvcpus)
{
    remote_domain_set_vcpus_args a;

    CHECK_DOM(domain, -1);
    CHECK_WRITE(domain->conn, -1);
    if (nvcpus < 1) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN, "nvcpus in %s must be positive", __func__);
        api_fail(domain->conn);
        return -1;
    }
    a.dom = wire_dom(domain);
    a.nvcpus = nvcpus;
    return rpc(domain->conn, REMOTE_PROC_DOMAIN_SET_VCPUS, XA(remote_domain_set_vcpus_args), &a,
               NULL, NULL);
}

int virDomainGetMaxVcpus(virDomainPtr domain)
{
    return virDomainGetVcpusFlags(domain, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_VCPU_MAXIMUM);
}

int virDomainGetSecurityLabel(virDomainPtr domain, virSecurityLabelPtr seclabel)
{
    remote_domain_get_security_label_args a;
    remote_domain_get_security_label_ret r;
    int rc = 0;

    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, seclabel, -1);
    a.dom = wire_dom(domain);
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL,
            XA(remote_domain_get_security_label_args), &a,
            XA(remote_domain_get_security_label_ret), &r) < 0)
        return -1;
    memset(seclabel, 0, sizeof(*seclabel));
    if (r.label.label_len > 0 &&
        copy_counted(seclabel->label, sizeof(seclabel->label), r.label.label_val,
                     r.label.label_len) < 0)
        rc = -1;
    seclabel->enforcing = r.enforcing;
    xdr_free(XA(remote_domain_get_security_label_ret), (char *)&r);
    if (rc < 0) {
        error_report(ERR_RPC, VIR_FROM_REMOTE, "%s", "security label exceeds maximum");
        api_fail(domain->conn);
    }
    return rc;
}

int virDomainGetMessages(virDomainPtr domain, char ***msgs, unsigned int flags)
{
    remote_domain_get_messages_args a;
    remote_domain_get_messages_ret r;
    char **list;
    int n;

    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, msgs, -1);
    *msgs = NULL;
    a.dom = wire_dom(domain);
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_GET_MESSAGES, XA(remote_domain_get_messages_args), &a,
            XA(remote_domain_get_messages_ret), &r) < 0)
        return -1;
    n = (int)r.msgs.msgs_len;
    list = calloc((size_t)n + 1, sizeof(*list));
    if (!list) {
        xdr_free(XA(remote_domain_get_messages_ret), (char *)&r);
        error_report(ERR_NO_MEMORY, VIR_FROM_DOMAIN, NULL);
        api_fail(domain->conn);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        list[i] = r.msgs.msgs_val[i];
        r.msgs.msgs_val[i] = NULL;
    }
    r.msgs.msgs_len = 0;
    xdr_free(XA(remote_domain_get_messages_ret), (char *)&r);
    *msgs = list;
    return n;
}

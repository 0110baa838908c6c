/* domain-guest: the public guest-operation functions that are not
 * generated: those that carry arrays or structures (file systems, keys,
 * interface addresses, control info), with libvirt's argument checks. */
#include <stdlib.h>
#include <string.h>

#include "api.h"

static int fail_oom(virConnectPtr conn)
{
    error_report(ERR_NO_MEMORY, VIR_FROM_DOMAIN, NULL);
    api_fail(conn);
    return -1;
}

void virDomainFSInfoFree(virDomainFSInfoPtr info)
{
    if (!info)
        return;
    free(info->mountpoint);
    free(info->name);
    free(info->fstype);
    for (size_t i = 0; i < info->ndevAlias; i++)
        free(info->devAlias[i]);
    free(info->devAlias);
    free(info);
}

int virDomainGetFSInfo(virDomainPtr dom, virDomainFSInfoPtr **info, unsigned int flags)
{
    remote_domain_get_fsinfo_args a;
    remote_domain_get_fsinfo_ret r;
    virDomainFSInfoPtr *list;
    u_int n;

    CHECK_DOM(dom, -1);
    CHECK_WRITE(dom->conn, -1);
    CHECK_ARG(dom->conn, info, -1);
    *info = NULL;
    a.dom = wire_dom(dom);
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(dom->conn, REMOTE_PROC_DOMAIN_GET_FSINFO, XA(remote_domain_get_fsinfo_args), &a,
            XA(remote_domain_get_fsinfo_ret), &r) < 0)
        return -1;
    n = r.info.info_len;
    list = calloc((size_t)n + 1, sizeof(*list));
    for (u_int i = 0; list && i < n; i++) {
        remote_domain_fsinfo *f = &r.info.info_val[i];
        virDomainFSInfoPtr e = calloc(1, sizeof(*e));
        if (!e || !(e->devAlias = calloc(f->dev_aliases.dev_aliases_len + 1, sizeof(char *)))) {
            free(e);
            for (u_int j = 0; j < i; j++)
                virDomainFSInfoFree(list[j]);
            free(list);
            list = NULL;
            break;
        }
        e->mountpoint = f->mountpoint;
        e->name = f->name;
        e->fstype = f->fstype;
        f->mountpoint = f->name = f->fstype = NULL;
        for (u_int j = 0; j < f->dev_aliases.dev_aliases_len; j++) {
            e->devAlias[j] = f->dev_aliases.dev_aliases_val[j];
            f->dev_aliases.dev_aliases_val[j] = NULL;
        }
        e->ndevAlias = f->dev_aliases.dev_aliases_len;
        list[i] = e;
    }
    xdr_free(XA(remote_domain_get_fsinfo_ret), (char *)&r);
    if (!list)
        return fail_oom(dom->conn);
    *info = list;
    return (int)n;
}

static int freeze_thaw(virDomainPtr dom, const char **mountpoints, unsigned int n,
                       unsigned int flags, int freeze, const char *func)
{
    remote_domain_fsfreeze_args a;
    remote_domain_fsfreeze_ret r;

    /* The freeze and thaw calls carry the same fields. */
    _Static_assert(sizeof(remote_domain_fsfreeze_args) == sizeof(remote_domain_fsthaw_args),
                   "fsfreeze and fsthaw arguments differ");
    if (!mountpoints && n) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN, "mountpoints in %s must not be NULL",
                     func);
        api_fail(dom->conn);
        return -1;
    }
    a.dom = wire_dom(dom);
    a.mountpoints.mountpoints_len = n;
    a.mountpoints.mountpoints_val = (remote_nonnull_string *)mountpoints;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(dom->conn, freeze ? REMOTE_PROC_DOMAIN_FSFREEZE : REMOTE_PROC_DOMAIN_FSTHAW,
            XA(remote_domain_fsfreeze_args), &a, XA(remote_domain_fsfreeze_ret), &r) < 0)
        return -1;
    return r.filesystems;
}

int virDomainFSFreeze(virDomainPtr dom, const char **mountpoints, unsigned int nmountpoints,
                      unsigned int flags)
{
    CHECK_DOM(dom, -1);
    CHECK_WRITE(dom->conn, -1);
    return freeze_thaw(dom, mountpoints, nmountpoints, flags, 1, __func__);
}

int virDomainFSThaw(virDomainPtr dom, const char **mountpoints, unsigned int nmountpoints,
                    unsigned int flags)
{
    CHECK_DOM(dom, -1);
    CHECK_WRITE(dom->conn, -1);
    return freeze_thaw(dom, mountpoints, nmountpoints, flags, 0, __func__);
}

int virDomainSendKey(virDomainPtr domain, unsigned int codeset, unsigned int holdtime,
                     unsigned int *keycodes, int nkeycodes, unsigned int flags)
{
    remote_domain_send_key_args a;

    CHECK_DOM(domain, -1);
    CHECK_WRITE(domain->conn, -1);
    CHECK_ARG(domain->conn, keycodes, -1);
    if (nkeycodes <= 0) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN,
                     "nkeycodes in %s must be greater than zero", __func__);
        api_fail(domain->conn);
        return -1;
    }
    if (nkeycodes > VIR_DOMAIN_SEND_KEY_MAX_KEYS) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN, "nkeycodes in %s must be <= %d",
                     __func__, VIR_DOMAIN_SEND_KEY_MAX_KEYS);
        api_fail(domain->conn);
        return -1;
    }
    a.dom = wire_dom(domain);
    a.codeset = codeset;
    a.holdtime = holdtime;
    a.keycodes.keycodes_len = (u_int)nkeycodes;
    a.keycodes.keycodes_val = keycodes;
    a.flags = flags;
    return rpc(domain->conn, REMOTE_PROC_DOMAIN_SEND_KEY, XA(remote_domain_send_key_args), &a,
               NULL, NULL);
}

void virDomainInterfaceFree(virDomainInterfacePtr iface)
{
    if (!iface)
        return;
    free(iface->name);
    free(iface->hwaddr);
    for (unsigned int i = 0; i < iface->naddrs; i++)
        free(iface->addrs[i].addr);
    free(iface->addrs);
    free(iface);
}

int virDomainInterfaceAddresses(virDomainPtr dom, virDomainInterfacePtr **ifaces,
                                unsigned int source, unsigned int flags)
{
    remote_domain_interface_addresses_args a;
    remote_domain_interface_addresses_ret r;
    virDomainInterfacePtr *list;
    u_int n;

    CHECK_DOM(dom, -1);
    if (source == VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT)
        CHECK_WRITE(dom->conn, -1);
    CHECK_ARG(dom->conn, ifaces, -1);
    *ifaces = NULL;
    a.dom = wire_dom(dom);
    a.source = source;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(dom->conn, REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES,
            XA(remote_domain_interface_addresses_args), &a,
            XA(remote_domain_interface_addresses_ret), &r) < 0)
        return -1;
    n = r.ifaces.ifaces_len;
    list = calloc((size_t)n + 1, sizeof(*list));
    for (u_int i = 0; list && i < n; i++) {
        remote_domain_interface *w = &r.ifaces.ifaces_val[i];
        virDomainInterfacePtr e = calloc(1, sizeof(*e));
        if (!e || !(e->addrs = calloc(w->addrs.addrs_len + 1, sizeof(*e->addrs)))) {
            free(e);
            for (u_int j = 0; j < i; j++)
                virDomainInterfaceFree(list[j]);
            free(list);
            list = NULL;
            break;
        }
        e->name = w->name;
        w->name = NULL;
        if (w->hwaddr) {
            e->hwaddr = *w->hwaddr;
            *w->hwaddr = NULL;
        }
        for (u_int j = 0; j < w->addrs.addrs_len; j++) {
            e->addrs[j].type = w->addrs.addrs_val[j].type;
            e->addrs[j].prefix = w->addrs.addrs_val[j].prefix;
            e->addrs[j].addr = w->addrs.addrs_val[j].addr;
            w->addrs.addrs_val[j].addr = NULL;
        }
        e->naddrs = w->addrs.addrs_len;
        list[i] = e;
    }
    xdr_free(XA(remote_domain_interface_addresses_ret), (char *)&r);
    if (!list)
        return fail_oom(dom->conn);
    *ifaces = list;
    return (int)n;
}

int virDomainGetControlInfo(virDomainPtr domain, virDomainControlInfoPtr info,
                            unsigned int flags)
{
    remote_domain_get_control_info_args a;
    remote_domain_get_control_info_ret r;

    CHECK_DOM(domain, -1);
    CHECK_ARG(domain->conn, info, -1);
    a.dom = wire_dom(domain);
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_GET_CONTROL_INFO,
            XA(remote_domain_get_control_info_args), &a, XA(remote_domain_get_control_info_ret),
            &r) < 0)
        return -1;
    info->state = r.state;
    info->details = r.details;
    info->stateTime = r.stateTime;
    return 0;
}

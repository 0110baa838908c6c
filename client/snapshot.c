/* The public functions of domain snapshots and checkpoints
 * (libvirt/libvirt-domain-snapshot.h): their handles, which name a
 * snapshot or checkpoint of a domain and hold a reference on the domain's
 * handle, and one RPC each. The flag checks libvirt makes in the library
 * before calling its driver are made here, with libvirt's words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

struct _virDomainSnapshot {
    int refs; /* atomic */
    virDomainPtr domain;
    char *name;
};

struct _virDomainCheckpoint {
    int refs; /* atomic */
    virDomainPtr domain;
    char *name;
};

/* A new handle for `name` of `dom` (a reference on dom), or NULL with the
 * error recorded. The two kinds share the layout. */
static void *moment_new(virDomainPtr dom, const char *name, size_t size, int from)
{
    struct _virDomainSnapshot *h = calloc(1, size);

    if (!h || !(h->name = strdup(name))) {
        free(h);
        error_report(ERR_NO_MEMORY, from, NULL);
        return NULL;
    }
    h->refs = 1;
    h->domain = dom;
    virDomainRef(dom);
    return h;
}

static void moment_release(void *p)
{
    struct _virDomainSnapshot *h = p;

    if (__atomic_sub_fetch(&h->refs, 1, __ATOMIC_SEQ_CST) == 0) {
        virDomainPtr dom = h->domain;
        free(h->name);
        free(h);
        virDomainFree(dom);
    }
}

/* A handle from a reply's reference, which must name dom (the server's
 * answer is not trusted to name another); the reply is freed. */
static void *moment_from_ret(virDomainPtr dom, const char *name, size_t size, int from,
                             xdrproc_t rf, void *r)
{
    void *h = moment_new(dom, name, size, from);

    xdr_free(rf, (char *)r);
    if (!h)
        api_fail(dom->conn);
    return h;
}

static void invalid(const char *what, int code, int from, const char *func)
{
    char msg[160];

    snprintf(msg, sizeof(msg), "%s: %s", what, func);
    error_set_message(code, from, msg);
    api_fail(NULL);
}

/* libvirt's flag checks, worded as it words them. */
static int exclusive(virConnectPtr conn, unsigned int flags, unsigned int a, const char *an,
                     unsigned int b, const char *bn, int from)
{
    char msg[256];

    if ((flags & a) && (flags & b)) {
        snprintf(msg, sizeof(msg), "Flags '%s' and '%s' are mutually exclusive", an, bn);
        error_set_message(ERR_INVALID_ARG, from, msg);
        api_fail(conn);
        return -1;
    }
    return 0;
}

static int required(virConnectPtr conn, unsigned int flags, unsigned int need, const char *needn,
                    unsigned int by, const char *byn, int from)
{
    char msg[256];

    if ((flags & by) && !(flags & need)) {
        snprintf(msg, sizeof(msg), "Flag '%s' is required by flag '%s'", needn, byn);
        error_set_message(ERR_INVALID_ARG, from, msg);
        api_fail(conn);
        return -1;
    }
    return 0;
}

#define WRITE_CHECK(conn, from, fail)                                                    \
    do {                                                                                 \
        if ((conn)->flags & VIR_CONNECT_RO) {                                            \
            error_report(ERR_OPERATION_DENIED, from, "read only access prevents %s",     \
                         __func__);                                                      \
            api_fail(conn);                                                              \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

#define CHECK_SNAP(s, fail)                                                              \
    do {                                                                                 \
        api_enter();                                                                     \
        if (!(s) || !(s)->domain || !(s)->domain->conn) {                               \
            invalid("Invalid snapshot", VIR_ERR_INVALID_DOMAIN_SNAPSHOT,                 \
                    VIR_FROM_DOMAIN_SNAPSHOT, __func__);                                 \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

#define CHECK_CP(s, fail)                                                                \
    do {                                                                                 \
        api_enter();                                                                     \
        if (!(s) || !(s)->domain || !(s)->domain->conn) {                               \
            invalid("Invalid checkpoint", VIR_ERR_INVALID_DOMAIN_CHECKPOINT,             \
                    VIR_FROM_DOMAIN_CHECKPOINT, __func__);                               \
            return fail;                                                                 \
        }                                                                                \
    } while (0)

static remote_nonnull_domain_snapshot wire_snap(virDomainSnapshotPtr s)
{
    remote_nonnull_domain_snapshot w;

    w.name = s->name;
    w.dom = wire_dom(s->domain);
    return w;
}

static remote_nonnull_domain_checkpoint wire_cp(virDomainCheckpointPtr s)
{
    remote_nonnull_domain_checkpoint w;

    w.name = s->name;
    w.dom = wire_dom(s->domain);
    return w;
}

#define SNAP_RET(dom, field, t, r)                                                       \
    moment_from_ret(dom, (r).field.name, sizeof(virDomainSnapshot), VIR_FROM_DOMAIN_SNAPSHOT, \
                    XA(t), &(r))
#define CP_RET(dom, field, t, r)                                                         \
    moment_from_ret(dom, (r).field.name, sizeof(virDomainCheckpoint),                    \
                    VIR_FROM_DOMAIN_CHECKPOINT, XA(t), &(r))

/* ---- snapshot handles ---- */

const char *virDomainSnapshotGetName(virDomainSnapshotPtr snapshot)
{
    CHECK_SNAP(snapshot, NULL);
    return snapshot->name;
}

virDomainPtr virDomainSnapshotGetDomain(virDomainSnapshotPtr snapshot)
{
    CHECK_SNAP(snapshot, NULL);
    return snapshot->domain;
}

virConnectPtr virDomainSnapshotGetConnect(virDomainSnapshotPtr snapshot)
{
    CHECK_SNAP(snapshot, NULL);
    return snapshot->domain->conn;
}

int virDomainSnapshotRef(virDomainSnapshotPtr snapshot)
{
    CHECK_SNAP(snapshot, -1);
    __atomic_add_fetch(&snapshot->refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

int virDomainSnapshotFree(virDomainSnapshotPtr snapshot)
{
    CHECK_SNAP(snapshot, -1);
    moment_release(snapshot);
    return 0;
}

/* ---- snapshot calls ---- */

virDomainSnapshotPtr virDomainSnapshotCreateXML(virDomainPtr domain, const char *xmlDesc,
                                                unsigned int flags)
{
    remote_domain_snapshot_create_xml_args a;
    remote_domain_snapshot_create_xml_ret r;

    CHECK_DOM(domain, NULL);
    WRITE_CHECK(domain->conn, VIR_FROM_DOMAIN_SNAPSHOT, NULL);
    CHECK_ARG(domain->conn, xmlDesc, NULL);
    if (required(domain->conn, flags, VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE,
                 "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE", VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT,
                 "VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT", VIR_FROM_DOMAIN_SNAPSHOT) < 0 ||
        exclusive(domain->conn, flags, VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE,
                  "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE", VIR_DOMAIN_SNAPSHOT_CREATE_HALT,
                  "VIR_DOMAIN_SNAPSHOT_CREATE_HALT", VIR_FROM_DOMAIN_SNAPSHOT) < 0)
        return NULL;
    a.dom = wire_dom(domain);
    a.xml_desc = (char *)xmlDesc;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_SNAPSHOT_CREATE_XML,
            XA(remote_domain_snapshot_create_xml_args), &a,
            XA(remote_domain_snapshot_create_xml_ret), &r) < 0)
        return NULL;
    return SNAP_RET(domain, snap, remote_domain_snapshot_create_xml_ret, r);
}

char *virDomainSnapshotGetXMLDesc(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    remote_domain_snapshot_get_xml_desc_args a;

    CHECK_SNAP(snapshot, NULL);
    if ((snapshot->domain->conn->flags & VIR_CONNECT_RO) &&
        (flags & VIR_DOMAIN_SNAPSHOT_XML_SECURE)) {
        error_report(ERR_OPERATION_DENIED, VIR_FROM_DOMAIN_SNAPSHOT,
                     "virDomainSnapshotGetXMLDesc with secure flag");
        api_fail(snapshot->domain->conn);
        return NULL;
    }
    a.snap = wire_snap(snapshot);
    a.flags = flags;
    return string_call(snapshot->domain->conn, REMOTE_PROC_DOMAIN_SNAPSHOT_GET_XML_DESC,
                       XA(remote_domain_snapshot_get_xml_desc_args), &a,
                       XA(remote_domain_snapshot_get_xml_desc_ret));
}

int virDomainSnapshotNum(virDomainPtr domain, unsigned int flags)
{
    remote_domain_snapshot_num_args a;
    remote_domain_snapshot_num_ret r;

    CHECK_DOM(domain, -1);
    a.dom = wire_dom(domain);
    a.flags = flags;
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_SNAPSHOT_NUM, XA(remote_domain_snapshot_num_args),
            &a, XA(remote_domain_snapshot_num_ret), &r) < 0)
        return -1;
    return r.num;
}

/* Copies a names reply into the caller's array (which gets the strings). */
static int names_out(virConnectPtr conn, remote_nonnull_string *val, u_int len, char **names,
                     int nameslen)
{
    if (len > (u_int)nameslen) {
        for (u_int i = 0; i < len; i++)
            free(val[i]);
        free(val);
        error_report(ERR_RPC, VIR_FROM_REMOTE, "too many remote snapshot names: %u > %d", len,
                     nameslen);
        api_fail(conn);
        return -1;
    }
    for (u_int i = 0; i < len; i++)
        names[i] = val[i];
    free(val);
    return (int)len;
}

static int nameslen_ok(virConnectPtr conn, char **names, int nameslen)
{
    CHECK_ARG(conn, names, -1);
    if (nameslen < 0) {
        error_report(ERR_INVALID_ARG, VIR_FROM_DOMAIN_SNAPSHOT,
                     "nameslen in virDomainSnapshotListNames must be non-negative");
        api_fail(conn);
        return -1;
    }
    return 0;
}

int virDomainSnapshotListNames(virDomainPtr domain, char **names, int nameslen,
                               unsigned int flags)
{
    remote_domain_snapshot_list_names_args a;
    remote_domain_snapshot_list_names_ret r;

    CHECK_DOM(domain, -1);
    if (nameslen_ok(domain->conn, names, nameslen) < 0)
        return -1;
    a.dom = wire_dom(domain);
    a.maxnames = nameslen;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_SNAPSHOT_LIST_NAMES,
            XA(remote_domain_snapshot_list_names_args), &a,
            XA(remote_domain_snapshot_list_names_ret), &r) < 0)
        return -1;
    return names_out(domain->conn, r.names.names_val, r.names.names_len, names, nameslen);
}

/* The handles of a ListAll reply; *out NULL when not asked for. */
static int snap_list_out(virDomainPtr dom, remote_nonnull_domain_snapshot *val, u_int len,
                         int count, virDomainSnapshotPtr **out)
{
    virDomainSnapshotPtr *list;

    if (!out)
        return count;
    list = calloc(len + 1, sizeof(*list));
    if (!list)
        goto oom;
    for (u_int i = 0; i < len; i++) {
        list[i] = moment_new(dom, val[i].name, sizeof(virDomainSnapshot), VIR_FROM_DOMAIN_SNAPSHOT);
        if (!list[i]) {
            for (u_int k = 0; k < i; k++)
                moment_release(list[k]);
            free(list);
            goto oom;
        }
    }
    *out = list;
    return (int)len;
oom:
    error_report(ERR_NO_MEMORY, VIR_FROM_DOMAIN_SNAPSHOT, NULL);
    api_fail(dom->conn);
    return -1;
}

int virDomainListAllSnapshots(virDomainPtr domain, virDomainSnapshotPtr **snaps,
                              unsigned int flags)
{
    remote_domain_list_all_snapshots_args a;
    remote_domain_list_all_snapshots_ret r;
    int n;

    CHECK_DOM(domain, -1);
    if (snaps)
        *snaps = NULL;
    a.dom = wire_dom(domain);
    a.need_results = snaps ? 1 : 0;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_LIST_ALL_SNAPSHOTS,
            XA(remote_domain_list_all_snapshots_args), &a,
            XA(remote_domain_list_all_snapshots_ret), &r) < 0)
        return -1;
    n = snap_list_out(domain, r.snapshots.snapshots_val, r.snapshots.snapshots_len, r.ret, snaps);
    xdr_free(XA(remote_domain_list_all_snapshots_ret), (char *)&r);
    return n;
}

int virDomainSnapshotNumChildren(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    remote_domain_snapshot_num_children_args a;
    remote_domain_snapshot_num_children_ret r;

    CHECK_SNAP(snapshot, -1);
    a.snap = wire_snap(snapshot);
    a.flags = flags;
    if (rpc(snapshot->domain->conn, REMOTE_PROC_DOMAIN_SNAPSHOT_NUM_CHILDREN,
            XA(remote_domain_snapshot_num_children_args), &a,
            XA(remote_domain_snapshot_num_children_ret), &r) < 0)
        return -1;
    return r.num;
}

int virDomainSnapshotListChildrenNames(virDomainSnapshotPtr snapshot, char **names,
                                       int nameslen, unsigned int flags)
{
    remote_domain_snapshot_list_children_names_args a;
    remote_domain_snapshot_list_children_names_ret r;
    virConnectPtr conn;

    CHECK_SNAP(snapshot, -1);
    conn = snapshot->domain->conn;
    if (nameslen_ok(conn, names, nameslen) < 0)
        return -1;
    a.snap = wire_snap(snapshot);
    a.maxnames = nameslen;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(conn, REMOTE_PROC_DOMAIN_SNAPSHOT_LIST_CHILDREN_NAMES,
            XA(remote_domain_snapshot_list_children_names_args), &a,
            XA(remote_domain_snapshot_list_children_names_ret), &r) < 0)
        return -1;
    return names_out(conn, r.names.names_val, r.names.names_len, names, nameslen);
}

int virDomainSnapshotListAllChildren(virDomainSnapshotPtr snapshot,
                                     virDomainSnapshotPtr **snaps, unsigned int flags)
{
    remote_domain_snapshot_list_all_children_args a;
    remote_domain_snapshot_list_all_children_ret r;
    int n;

    CHECK_SNAP(snapshot, -1);
    if (snaps)
        *snaps = NULL;
    a.snapshot = wire_snap(snapshot);
    a.need_results = snaps ? 1 : 0;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(snapshot->domain->conn, REMOTE_PROC_DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN,
            XA(remote_domain_snapshot_list_all_children_args), &a,
            XA(remote_domain_snapshot_list_all_children_ret), &r) < 0)
        return -1;
    n = snap_list_out(snapshot->domain, r.snapshots.snapshots_val, r.snapshots.snapshots_len,
                      r.ret, snaps);
    xdr_free(XA(remote_domain_snapshot_list_all_children_ret), (char *)&r);
    return n;
}

virDomainSnapshotPtr virDomainSnapshotLookupByName(virDomainPtr domain, const char *name,
                                                   unsigned int flags)
{
    remote_domain_snapshot_lookup_by_name_args a;
    remote_domain_snapshot_lookup_by_name_ret r;

    CHECK_DOM(domain, NULL);
    CHECK_ARG(domain->conn, name, NULL);
    a.dom = wire_dom(domain);
    a.name = (char *)name;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_SNAPSHOT_LOOKUP_BY_NAME,
            XA(remote_domain_snapshot_lookup_by_name_args), &a,
            XA(remote_domain_snapshot_lookup_by_name_ret), &r) < 0)
        return NULL;
    return SNAP_RET(domain, snap, remote_domain_snapshot_lookup_by_name_ret, r);
}

int virDomainHasCurrentSnapshot(virDomainPtr domain, unsigned int flags)
{
    remote_domain_has_current_snapshot_args a;
    remote_domain_has_current_snapshot_ret r;

    CHECK_DOM(domain, -1);
    a.dom = wire_dom(domain);
    a.flags = flags;
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_HAS_CURRENT_SNAPSHOT,
            XA(remote_domain_has_current_snapshot_args), &a,
            XA(remote_domain_has_current_snapshot_ret), &r) < 0)
        return -1;
    return r.result;
}

virDomainSnapshotPtr virDomainSnapshotCurrent(virDomainPtr domain, unsigned int flags)
{
    remote_domain_snapshot_current_args a;
    remote_domain_snapshot_current_ret r;

    CHECK_DOM(domain, NULL);
    a.dom = wire_dom(domain);
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_SNAPSHOT_CURRENT,
            XA(remote_domain_snapshot_current_args), &a,
            XA(remote_domain_snapshot_current_ret), &r) < 0)
        return NULL;
    return SNAP_RET(domain, snap, remote_domain_snapshot_current_ret, r);
}

virDomainSnapshotPtr virDomainSnapshotGetParent(virDomainSnapshotPtr snapshot,
                                                unsigned int flags)
{
    remote_domain_snapshot_get_parent_args a;
    remote_domain_snapshot_get_parent_ret r;

    CHECK_SNAP(snapshot, NULL);
    a.snap = wire_snap(snapshot);
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(snapshot->domain->conn, REMOTE_PROC_DOMAIN_SNAPSHOT_GET_PARENT,
            XA(remote_domain_snapshot_get_parent_args), &a,
            XA(remote_domain_snapshot_get_parent_ret), &r) < 0)
        return NULL;
    return SNAP_RET(snapshot->domain, snap, remote_domain_snapshot_get_parent_ret, r);
}

int virDomainSnapshotIsCurrent(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    remote_domain_snapshot_is_current_args a;
    remote_domain_snapshot_is_current_ret r;

    CHECK_SNAP(snapshot, -1);
    a.snap = wire_snap(snapshot);
    a.flags = flags;
    if (rpc(snapshot->domain->conn, REMOTE_PROC_DOMAIN_SNAPSHOT_IS_CURRENT,
            XA(remote_domain_snapshot_is_current_args), &a,
            XA(remote_domain_snapshot_is_current_ret), &r) < 0)
        return -1;
    return r.current;
}

int virDomainSnapshotHasMetadata(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    remote_domain_snapshot_has_metadata_args a;
    remote_domain_snapshot_has_metadata_ret r;

    CHECK_SNAP(snapshot, -1);
    a.snap = wire_snap(snapshot);
    a.flags = flags;
    if (rpc(snapshot->domain->conn, REMOTE_PROC_DOMAIN_SNAPSHOT_HAS_METADATA,
            XA(remote_domain_snapshot_has_metadata_args), &a,
            XA(remote_domain_snapshot_has_metadata_ret), &r) < 0)
        return -1;
    return r.metadata;
}

int virDomainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    remote_domain_revert_to_snapshot_args a;
    virConnectPtr conn;

    CHECK_SNAP(snapshot, -1);
    conn = snapshot->domain->conn;
    WRITE_CHECK(conn, VIR_FROM_DOMAIN_SNAPSHOT, -1);
    if (exclusive(conn, flags, VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING,
                  "VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING", VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED,
                  "VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED", VIR_FROM_DOMAIN_SNAPSHOT) < 0)
        return -1;
    a.snap = wire_snap(snapshot);
    a.flags = flags;
    return rpc(conn, REMOTE_PROC_DOMAIN_REVERT_TO_SNAPSHOT,
               XA(remote_domain_revert_to_snapshot_args), &a, NULL, NULL);
}

int virDomainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags)
{
    remote_domain_snapshot_delete_args a;
    virConnectPtr conn;

    CHECK_SNAP(snapshot, -1);
    conn = snapshot->domain->conn;
    WRITE_CHECK(conn, VIR_FROM_DOMAIN_SNAPSHOT, -1);
    if (exclusive(conn, flags, VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN,
                  "VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN", VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY,
                  "VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY", VIR_FROM_DOMAIN_SNAPSHOT) < 0)
        return -1;
    a.snap = wire_snap(snapshot);
    a.flags = flags;
    return rpc(conn, REMOTE_PROC_DOMAIN_SNAPSHOT_DELETE, XA(remote_domain_snapshot_delete_args),
               &a, NULL, NULL);
}

/* ---- checkpoint handles ---- */

const char *virDomainCheckpointGetName(virDomainCheckpointPtr checkpoint)
{
    CHECK_CP(checkpoint, NULL);
    return checkpoint->name;
}

virDomainPtr virDomainCheckpointGetDomain(virDomainCheckpointPtr checkpoint)
{
    CHECK_CP(checkpoint, NULL);
    return checkpoint->domain;
}

virConnectPtr virDomainCheckpointGetConnect(virDomainCheckpointPtr checkpoint)
{
    CHECK_CP(checkpoint, NULL);
    return checkpoint->domain->conn;
}

int virDomainCheckpointRef(virDomainCheckpointPtr checkpoint)
{
    CHECK_CP(checkpoint, -1);
    __atomic_add_fetch(&checkpoint->refs, 1, __ATOMIC_SEQ_CST);
    return 0;
}

int virDomainCheckpointFree(virDomainCheckpointPtr checkpoint)
{
    CHECK_CP(checkpoint, -1);
    moment_release(checkpoint);
    return 0;
}

/* ---- checkpoint calls ---- */

virDomainCheckpointPtr virDomainCheckpointCreateXML(virDomainPtr domain, const char *xmlDesc,
                                                    unsigned int flags)
{
    remote_domain_checkpoint_create_xml_args a;
    remote_domain_checkpoint_create_xml_ret r;

    CHECK_DOM(domain, NULL);
    WRITE_CHECK(domain->conn, VIR_FROM_DOMAIN_CHECKPOINT, NULL);
    CHECK_ARG(domain->conn, xmlDesc, NULL);
    if (required(domain->conn, flags, VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE,
                 "VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE",
                 VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE,
                 "VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE",
                 VIR_FROM_DOMAIN_CHECKPOINT) < 0)
        return NULL;
    a.dom = wire_dom(domain);
    a.xml_desc = (char *)xmlDesc;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_CHECKPOINT_CREATE_XML,
            XA(remote_domain_checkpoint_create_xml_args), &a,
            XA(remote_domain_checkpoint_create_xml_ret), &r) < 0)
        return NULL;
    return CP_RET(domain, checkpoint, remote_domain_checkpoint_create_xml_ret, r);
}

char *virDomainCheckpointGetXMLDesc(virDomainCheckpointPtr checkpoint, unsigned int flags)
{
    remote_domain_checkpoint_get_xml_desc_args a;

    CHECK_CP(checkpoint, NULL);
    if ((checkpoint->domain->conn->flags & VIR_CONNECT_RO) &&
        (flags & VIR_DOMAIN_CHECKPOINT_XML_SECURE)) {
        error_report(ERR_OPERATION_DENIED, VIR_FROM_DOMAIN_CHECKPOINT,
                     "virDomainCheckpointGetXMLDesc with secure flag");
        api_fail(checkpoint->domain->conn);
        return NULL;
    }
    a.checkpoint = wire_cp(checkpoint);
    a.flags = flags;
    return string_call(checkpoint->domain->conn, REMOTE_PROC_DOMAIN_CHECKPOINT_GET_XML_DESC,
                       XA(remote_domain_checkpoint_get_xml_desc_args), &a,
                       XA(remote_domain_checkpoint_get_xml_desc_ret));
}

static int cp_list_out(virDomainPtr dom, remote_nonnull_domain_checkpoint *val, u_int len,
                       int count, virDomainCheckpointPtr **out)
{
    virDomainCheckpointPtr *list;

    if (!out)
        return count;
    list = calloc(len + 1, sizeof(*list));
    if (!list)
        goto oom;
    for (u_int i = 0; i < len; i++) {
        list[i] = moment_new(dom, val[i].name, sizeof(virDomainCheckpoint),
                             VIR_FROM_DOMAIN_CHECKPOINT);
        if (!list[i]) {
            for (u_int k = 0; k < i; k++)
                moment_release(list[k]);
            free(list);
            goto oom;
        }
    }
    *out = list;
    return (int)len;
oom:
    error_report(ERR_NO_MEMORY, VIR_FROM_DOMAIN_CHECKPOINT, NULL);
    api_fail(dom->conn);
    return -1;
}

int virDomainListAllCheckpoints(virDomainPtr domain, virDomainCheckpointPtr **checkpoints,
                                unsigned int flags)
{
    remote_domain_list_all_checkpoints_args a;
    remote_domain_list_all_checkpoints_ret r;
    int n;

    CHECK_DOM(domain, -1);
    if (checkpoints)
        *checkpoints = NULL;
    a.dom = wire_dom(domain);
    a.need_results = checkpoints ? 1 : 0;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_LIST_ALL_CHECKPOINTS,
            XA(remote_domain_list_all_checkpoints_args), &a,
            XA(remote_domain_list_all_checkpoints_ret), &r) < 0)
        return -1;
    n = cp_list_out(domain, r.checkpoints.checkpoints_val, r.checkpoints.checkpoints_len, r.ret,
                    checkpoints);
    xdr_free(XA(remote_domain_list_all_checkpoints_ret), (char *)&r);
    return n;
}

int virDomainCheckpointListAllChildren(virDomainCheckpointPtr checkpoint,
                                       virDomainCheckpointPtr **children, unsigned int flags)
{
    remote_domain_checkpoint_list_all_children_args a;
    remote_domain_checkpoint_list_all_children_ret r;
    int n;

    CHECK_CP(checkpoint, -1);
    if (children)
        *children = NULL;
    a.checkpoint = wire_cp(checkpoint);
    a.need_results = children ? 1 : 0;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(checkpoint->domain->conn, REMOTE_PROC_DOMAIN_CHECKPOINT_LIST_ALL_CHILDREN,
            XA(remote_domain_checkpoint_list_all_children_args), &a,
            XA(remote_domain_checkpoint_list_all_children_ret), &r) < 0)
        return -1;
    n = cp_list_out(checkpoint->domain, r.checkpoints.checkpoints_val,
                    r.checkpoints.checkpoints_len, r.ret, children);
    xdr_free(XA(remote_domain_checkpoint_list_all_children_ret), (char *)&r);
    return n;
}

virDomainCheckpointPtr virDomainCheckpointLookupByName(virDomainPtr domain, const char *name,
                                                       unsigned int flags)
{
    remote_domain_checkpoint_lookup_by_name_args a;
    remote_domain_checkpoint_lookup_by_name_ret r;

    CHECK_DOM(domain, NULL);
    CHECK_ARG(domain->conn, name, NULL);
    a.dom = wire_dom(domain);
    a.name = (char *)name;
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(domain->conn, REMOTE_PROC_DOMAIN_CHECKPOINT_LOOKUP_BY_NAME,
            XA(remote_domain_checkpoint_lookup_by_name_args), &a,
            XA(remote_domain_checkpoint_lookup_by_name_ret), &r) < 0)
        return NULL;
    return CP_RET(domain, checkpoint, remote_domain_checkpoint_lookup_by_name_ret, r);
}

virDomainCheckpointPtr virDomainCheckpointGetParent(virDomainCheckpointPtr checkpoint,
                                                    unsigned int flags)
{
    remote_domain_checkpoint_get_parent_args a;
    remote_domain_checkpoint_get_parent_ret r;

    CHECK_CP(checkpoint, NULL);
    a.checkpoint = wire_cp(checkpoint);
    a.flags = flags;
    memset(&r, 0, sizeof(r));
    if (rpc(checkpoint->domain->conn, REMOTE_PROC_DOMAIN_CHECKPOINT_GET_PARENT,
            XA(remote_domain_checkpoint_get_parent_args), &a,
            XA(remote_domain_checkpoint_get_parent_ret), &r) < 0)
        return NULL;
    return CP_RET(checkpoint->domain, parent, remote_domain_checkpoint_get_parent_ret, r);
}

int virDomainCheckpointDelete(virDomainCheckpointPtr checkpoint, unsigned int flags)
{
    remote_domain_checkpoint_delete_args a;
    virConnectPtr conn;

    CHECK_CP(checkpoint, -1);
    conn = checkpoint->domain->conn;
    WRITE_CHECK(conn, VIR_FROM_DOMAIN_CHECKPOINT, -1);
    if (exclusive(conn, flags, VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN,
                  "VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN",
                  VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY,
                  "VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY", VIR_FROM_DOMAIN_CHECKPOINT) < 0)
        return -1;
    a.checkpoint = wire_cp(checkpoint);
    a.flags = flags;
    return rpc(conn, REMOTE_PROC_DOMAIN_CHECKPOINT_DELETE,
               XA(remote_domain_checkpoint_delete_args), &a, NULL, NULL);
}

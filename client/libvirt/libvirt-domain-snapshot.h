/* Domain snapshots and checkpoints: the part of libvirt's public API
 * (libvirt-domain-snapshot.h and libvirt-domain-checkpoint.h in libvirt
 * 9.0) this library carries, source-compatible with it. Included by
 * <libvirt/libvirt.h>. */
#ifndef LIBVIRT_DOMAIN_SNAPSHOT_H
#define LIBVIRT_DOMAIN_SNAPSHOT_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _virDomainSnapshot virDomainSnapshot;
typedef virDomainSnapshot *virDomainSnapshotPtr;

typedef enum {
    VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE = (1 << 0),
    VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT = (1 << 1),
    VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA = (1 << 2),
    VIR_DOMAIN_SNAPSHOT_CREATE_HALT = (1 << 3),
    VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY = (1 << 4),
    VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT = (1 << 5),
    VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE = (1 << 6),
    VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC = (1 << 7),
    VIR_DOMAIN_SNAPSHOT_CREATE_LIVE = (1 << 8),
    VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE = (1 << 9),
} virDomainSnapshotCreateFlags;

typedef enum {
    VIR_DOMAIN_SNAPSHOT_XML_SECURE = (1 << 0),
} virDomainSnapshotXMLFlags;

typedef enum {
    VIR_DOMAIN_SNAPSHOT_LIST_ROOTS = (1 << 0),
    VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS = (1 << 0),
    VIR_DOMAIN_SNAPSHOT_LIST_LEAVES = (1 << 2),
    VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES = (1 << 3),
    VIR_DOMAIN_SNAPSHOT_LIST_METADATA = (1 << 1),
    VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA = (1 << 4),
    VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE = (1 << 5),
    VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE = (1 << 6),
    VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY = (1 << 7),
    VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL = (1 << 8),
    VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL = (1 << 9),
    VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL = (1 << 10),
} virDomainSnapshotListFlags;

typedef enum {
    VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING = 1 << 0,
    VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED = 1 << 1,
    VIR_DOMAIN_SNAPSHOT_REVERT_FORCE = 1 << 2,
    VIR_DOMAIN_SNAPSHOT_REVERT_RESET_NVRAM = 1 << 3,
} virDomainSnapshotRevertFlags;

typedef enum {
    VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN = (1 << 0),
    VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY = (1 << 1),
    VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY = (1 << 2),
} virDomainSnapshotDeleteFlags;

const char *virDomainSnapshotGetName(virDomainSnapshotPtr snapshot);
virDomainPtr virDomainSnapshotGetDomain(virDomainSnapshotPtr snapshot);
virConnectPtr virDomainSnapshotGetConnect(virDomainSnapshotPtr snapshot);
virDomainSnapshotPtr virDomainSnapshotCreateXML(virDomainPtr domain, const char *xmlDesc,
                                                unsigned int flags);
char *virDomainSnapshotGetXMLDesc(virDomainSnapshotPtr snapshot, unsigned int flags);
int virDomainSnapshotNum(virDomainPtr domain, unsigned int flags);
int virDomainSnapshotListNames(virDomainPtr domain, char **names, int nameslen,
                               unsigned int flags);
int virDomainListAllSnapshots(virDomainPtr domain, virDomainSnapshotPtr **snaps,
                              unsigned int flags);
int virDomainSnapshotNumChildren(virDomainSnapshotPtr snapshot, unsigned int flags);
int virDomainSnapshotListChildrenNames(virDomainSnapshotPtr snapshot, char **names,
                                       int nameslen, unsigned int flags);
int virDomainSnapshotListAllChildren(virDomainSnapshotPtr snapshot,
                                     virDomainSnapshotPtr **snaps, unsigned int flags);
virDomainSnapshotPtr virDomainSnapshotLookupByName(virDomainPtr domain, const char *name,
                                                   unsigned int flags);
int virDomainHasCurrentSnapshot(virDomainPtr domain, unsigned int flags);
virDomainSnapshotPtr virDomainSnapshotCurrent(virDomainPtr domain, unsigned int flags);
virDomainSnapshotPtr virDomainSnapshotGetParent(virDomainSnapshotPtr snapshot,
                                                unsigned int flags);
int virDomainSnapshotIsCurrent(virDomainSnapshotPtr snapshot, unsigned int flags);
int virDomainSnapshotHasMetadata(virDomainSnapshotPtr snapshot, unsigned int flags);
int virDomainRevertToSnapshot(virDomainSnapshotPtr snapshot, unsigned int flags);
int virDomainSnapshotDelete(virDomainSnapshotPtr snapshot, unsigned int flags);
int virDomainSnapshotRef(virDomainSnapshotPtr snapshot);
int virDomainSnapshotFree(virDomainSnapshotPtr snapshot);

typedef struct _virDomainCheckpoint virDomainCheckpoint;
typedef virDomainCheckpoint *virDomainCheckpointPtr;

typedef enum {
    VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE = (1 << 0),
    VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE = (1 << 1),
    VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE = (1 << 2),
} virDomainCheckpointCreateFlags;

typedef enum {
    VIR_DOMAIN_CHECKPOINT_XML_SECURE = (1 << 0),
    VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN = (1 << 1),
    VIR_DOMAIN_CHECKPOINT_XML_SIZE = (1 << 2),
} virDomainCheckpointXMLFlags;

typedef enum {
    VIR_DOMAIN_CHECKPOINT_LIST_ROOTS = (1 << 0),
    VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS = (1 << 0),
    VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL = (1 << 1),
    VIR_DOMAIN_CHECKPOINT_LIST_LEAVES = (1 << 2),
    VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES = (1 << 3),
} virDomainCheckpointListFlags;

typedef enum {
    VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN = (1 << 0),
    VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY = (1 << 1),
    VIR_DOMAIN_CHECKPOINT_DELETE_CHILDREN_ONLY = (1 << 2),
} virDomainCheckpointDeleteFlags;

const char *virDomainCheckpointGetName(virDomainCheckpointPtr checkpoint);
virDomainPtr virDomainCheckpointGetDomain(virDomainCheckpointPtr checkpoint);
virConnectPtr virDomainCheckpointGetConnect(virDomainCheckpointPtr checkpoint);
virDomainCheckpointPtr virDomainCheckpointCreateXML(virDomainPtr domain, const char *xmlDesc,
                                                    unsigned int flags);
char *virDomainCheckpointGetXMLDesc(virDomainCheckpointPtr checkpoint, unsigned int flags);
int virDomainListAllCheckpoints(virDomainPtr domain, virDomainCheckpointPtr **checkpoints,
                                unsigned int flags);
int virDomainCheckpointListAllChildren(virDomainCheckpointPtr checkpoint,
                                       virDomainCheckpointPtr **children, unsigned int flags);
virDomainCheckpointPtr virDomainCheckpointLookupByName(virDomainPtr domain, const char *name,
                                                       unsigned int flags);
virDomainCheckpointPtr virDomainCheckpointGetParent(virDomainCheckpointPtr checkpoint,
                                                    unsigned int flags);
int virDomainCheckpointDelete(virDomainCheckpointPtr checkpoint, unsigned int flags);
int virDomainCheckpointRef(virDomainCheckpointPtr checkpoint);
int virDomainCheckpointFree(virDomainCheckpointPtr checkpoint);

#ifdef __cplusplus
}
#endif

#endif

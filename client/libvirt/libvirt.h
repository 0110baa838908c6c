/* libvirt.h: the subset of libvirt's public C API that this project's
 * libvirt.so implements (the remote driver only). Names, types, values and
 * signatures are libvirt 9.0's, so programs written for libvirt compile
 * unchanged against this header as long as they use only these calls. */
#ifndef LIBVIRT_H
#define LIBVIRT_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef VIR_DEPRECATED
#define VIR_DEPRECATED __attribute__((__deprecated__))
#endif
#define VIR_EXPORT_VAR extern

/* The libvirt API level this library provides (major * 1000000 + minor *
 * 1000 + micro). */
#define LIBVIR_VERSION_NUMBER 9000000
#define LIBVIR_CHECK_VERSION(major, minor, micro) \
    ((major) * 1000000 + (minor) * 1000 + (micro) <= LIBVIR_VERSION_NUMBER)

typedef void (*virFreeCallback)(void *opaque);

/* Connections */

typedef struct _virConnect virConnect;
typedef virConnect *virConnectPtr;

typedef struct _virDomain virDomain;
typedef virDomain *virDomainPtr;

typedef struct _virNetwork virNetwork;
typedef virNetwork *virNetworkPtr;

typedef struct _virNetworkPort virNetworkPort;
typedef virNetworkPort *virNetworkPortPtr;

typedef enum {
    VIR_CONNECT_CLOSE_REASON_ERROR = 0,
    VIR_CONNECT_CLOSE_REASON_EOF = 1,
    VIR_CONNECT_CLOSE_REASON_KEEPALIVE = 2,
    VIR_CONNECT_CLOSE_REASON_CLIENT = 3,
#ifdef VIR_ENUM_SENTINELS
    VIR_CONNECT_CLOSE_REASON_LAST = 4,
#endif
} virConnectCloseReason;

typedef enum {
    VIR_CONNECT_RO = 1 << 0,
    VIR_CONNECT_NO_ALIASES = 1 << 1,
} virConnectFlags;

typedef enum {
    VIR_CRED_USERNAME = 1,
    VIR_CRED_AUTHNAME = 2,
    VIR_CRED_LANGUAGE = 3,
    VIR_CRED_CNONCE = 4,
    VIR_CRED_PASSPHRASE = 5,
    VIR_CRED_ECHOPROMPT = 6,
    VIR_CRED_NOECHOPROMPT = 7,
    VIR_CRED_REALM = 8,
    VIR_CRED_EXTERNAL = 9,
#ifdef VIR_ENUM_SENTINELS
    VIR_CRED_LAST = 10,
#endif
} virConnectCredentialType;


#define VIR_UUID_BUFLEN (16)
#define VIR_UUID_STRING_BUFLEN (36 + 1)

#define VIR_SECURITY_LABEL_BUFLEN (4096 + 1)
#define VIR_SECURITY_MODEL_BUFLEN (256 + 1)
#define VIR_SECURITY_DOI_BUFLEN (256 + 1)

typedef struct _virSecurityLabel virSecurityLabel;
struct _virSecurityLabel {
    char label[VIR_SECURITY_LABEL_BUFLEN];
    int enforcing;
};
typedef virSecurityLabel *virSecurityLabelPtr;

typedef struct _virSecurityModel virSecurityModel;
struct _virSecurityModel {
    char model[VIR_SECURITY_MODEL_BUFLEN];
    char doi[VIR_SECURITY_DOI_BUFLEN];
};
typedef virSecurityModel *virSecurityModelPtr;

typedef struct _virNodeInfo virNodeInfo;
struct _virNodeInfo {
    char model[32];       /* CPU model */
    unsigned long memory; /* KiB */
    unsigned int cpus;
    unsigned int mhz;
    unsigned int nodes;
    unsigned int sockets; /* per node */
    unsigned int cores;   /* per socket */
    unsigned int threads; /* per core */
};
typedef virNodeInfo *virNodeInfoPtr;

#define VIR_NODEINFO_MAXCPUS(nodeinfo) \
    ((nodeinfo).nodes * (nodeinfo).sockets * (nodeinfo).cores * (nodeinfo).threads)

typedef struct _virConnectCredential virConnectCredential;
struct _virConnectCredential {
    int type; /* virConnectCredentialType */
    const char *prompt;
    const char *challenge;
    const char *defresult;
    char *result; /* filled by the callback, freed by the library */
    unsigned int resultlen;
};
typedef virConnectCredential *virConnectCredentialPtr;

typedef int (*virConnectAuthCallbackPtr)(virConnectCredentialPtr cred, unsigned int ncred,
                                         void *cbdata);

typedef struct _virConnectAuth virConnectAuth;
struct _virConnectAuth {
    int *credtype;
    unsigned int ncredtype;
    virConnectAuthCallbackPtr cb;
    void *cbdata;
};
typedef virConnectAuth *virConnectAuthPtr;

VIR_EXPORT_VAR virConnectAuthPtr virConnectAuthPtrDefault;

typedef void (*virConnectCloseFunc)(virConnectPtr conn, int reason, void *opaque);

int virInitialize(void);
int virGetVersion(unsigned long *libVer, const char *type, unsigned long *typeVer);

virConnectPtr virConnectOpen(const char *name);
virConnectPtr virConnectOpenReadOnly(const char *name);
virConnectPtr virConnectOpenAuth(const char *name, virConnectAuthPtr auth, unsigned int flags);
int virConnectRef(virConnectPtr conn);
int virConnectClose(virConnectPtr conn);

const char *virConnectGetType(virConnectPtr conn);
int virConnectGetVersion(virConnectPtr conn, unsigned long *hvVer);
int virConnectGetLibVersion(virConnectPtr conn, unsigned long *libVer);
char *virConnectGetHostname(virConnectPtr conn);
char *virConnectGetURI(virConnectPtr conn);
char *virConnectGetSysinfo(virConnectPtr conn, unsigned int flags);
char *virConnectGetCapabilities(virConnectPtr conn);
int virConnectGetMaxVcpus(virConnectPtr conn, const char *type);

int virConnectIsEncrypted(virConnectPtr conn);
int virConnectIsSecure(virConnectPtr conn);
int virConnectIsAlive(virConnectPtr conn);
int virConnectSetKeepAlive(virConnectPtr conn, int interval, unsigned int count);

int virConnectRegisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb, void *opaque,
                                    virFreeCallback freecb);
int virConnectUnregisterCloseCallback(virConnectPtr conn, virConnectCloseFunc cb);

int virNodeGetInfo(virConnectPtr conn, virNodeInfoPtr info);
unsigned long long virNodeGetFreeMemory(virConnectPtr conn);
int virNodeGetSecurityModel(virConnectPtr conn, virSecurityModelPtr secmodel);

/* Host CPUs, memory and pages, CPU models (issue 17, area host) */

#define VIR_NODE_CPU_STATS_FIELD_LENGTH 80
#define VIR_NODE_CPU_STATS_ALL_CPUS (-1)
#define VIR_NODE_CPU_STATS_KERNEL "kernel"
#define VIR_NODE_CPU_STATS_USER "user"
#define VIR_NODE_CPU_STATS_IDLE "idle"
#define VIR_NODE_CPU_STATS_IOWAIT "iowait"
#define VIR_NODE_CPU_STATS_INTR "intr"
#define VIR_NODE_CPU_STATS_UTILIZATION "utilization"

typedef struct _virNodeCPUStats virNodeCPUStats;
struct _virNodeCPUStats {
    char field[VIR_NODE_CPU_STATS_FIELD_LENGTH];
    unsigned long long value;
};
typedef virNodeCPUStats *virNodeCPUStatsPtr;

#define VIR_NODE_MEMORY_STATS_FIELD_LENGTH 80
#define VIR_NODE_MEMORY_STATS_ALL_CELLS (-1)
#define VIR_NODE_MEMORY_STATS_TOTAL "total"
#define VIR_NODE_MEMORY_STATS_FREE "free"
#define VIR_NODE_MEMORY_STATS_BUFFERS "buffers"
#define VIR_NODE_MEMORY_STATS_CACHED "cached"

typedef struct _virNodeMemoryStats virNodeMemoryStats;
struct _virNodeMemoryStats {
    char field[VIR_NODE_MEMORY_STATS_FIELD_LENGTH];
    unsigned long long value;
};
typedef virNodeMemoryStats *virNodeMemoryStatsPtr;

typedef enum {
    VIR_NODE_SUSPEND_TARGET_MEM = 0,
    VIR_NODE_SUSPEND_TARGET_DISK = 1,
    VIR_NODE_SUSPEND_TARGET_HYBRID = 2,
#ifdef VIR_ENUM_SENTINELS
    VIR_NODE_SUSPEND_TARGET_LAST
#endif
} virNodeSuspendTarget;

typedef enum {
    VIR_NODE_ALLOC_PAGES_ADD = 0,
    VIR_NODE_ALLOC_PAGES_SET = (1 << 0),
} virNodeAllocPagesFlags;

typedef enum {
    VIR_CPU_COMPARE_ERROR = -1,
    VIR_CPU_COMPARE_INCOMPATIBLE = 0,
    VIR_CPU_COMPARE_IDENTICAL = 1,
    VIR_CPU_COMPARE_SUPERSET = 2,
#ifdef VIR_ENUM_SENTINELS
    VIR_CPU_COMPARE_LAST
#endif
} virCPUCompareResult;

typedef enum {
    VIR_CONNECT_COMPARE_CPU_FAIL_INCOMPATIBLE = (1 << 0),
    VIR_CONNECT_COMPARE_CPU_VALIDATE_XML = (1 << 1),
} virConnectCompareCPUFlags;

typedef enum {
    VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES = (1 << 0),
    VIR_CONNECT_BASELINE_CPU_MIGRATABLE = (1 << 1),
} virConnectBaselineCPUFlags;

int virNodeGetCellsFreeMemory(virConnectPtr conn, unsigned long long *freeMems, int startCell,
                              int maxCells);
int virNodeGetCPUMap(virConnectPtr conn, unsigned char **cpumap, unsigned int *online,
                     unsigned int flags);
int virNodeGetCPUStats(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params, int *nparams,
                       unsigned int flags);
int virNodeGetMemoryStats(virConnectPtr conn, int cellNum, virNodeMemoryStatsPtr params,
                          int *nparams, unsigned int flags);
int virNodeGetFreePages(virConnectPtr conn, unsigned int npages, unsigned int *pages,
                        int startCell, unsigned int cellcount, unsigned long long *counts,
                        unsigned int flags);
int virNodeAllocPages(virConnectPtr conn, unsigned int npages, unsigned int *pageSizes,
                      unsigned long long *pageCounts, int startCell, unsigned int cellCount,
                      unsigned int flags);
int virNodeSuspendForDuration(virConnectPtr conn, unsigned int target,
                              unsigned long long duration, unsigned int flags);
int virConnectGetCPUModelNames(virConnectPtr conn, const char *arch, char ***models,
                               unsigned int flags);
char *virConnectBaselineCPU(virConnectPtr conn, const char **xmlCPUs, unsigned int ncpus,
                            unsigned int flags);
int virConnectCompareCPU(virConnectPtr conn, const char *xml, unsigned int flags);
int virConnectCompareHypervisorCPU(virConnectPtr conn, const char *emulator, const char *arch,
                                   const char *machine, const char *virttype,
                                   const char *xmlCPU, unsigned int flags);
char *virConnectBaselineHypervisorCPU(virConnectPtr conn, const char *emulator,
                                      const char *arch, const char *machine,
                                      const char *virttype, const char **xmlCPUs,
                                      unsigned int ncpus, unsigned int flags);
char *virConnectGetDomainCapabilities(virConnectPtr conn, const char *emulatorbin,
                                      const char *arch, const char *machine,
                                      const char *virttype, unsigned int flags);

/* Domains */

typedef enum {
    VIR_DOMAIN_NOSTATE = 0,
    VIR_DOMAIN_RUNNING = 1,
    VIR_DOMAIN_BLOCKED = 2,
    VIR_DOMAIN_PAUSED = 3,
    VIR_DOMAIN_SHUTDOWN = 4,
    VIR_DOMAIN_SHUTOFF = 5,
    VIR_DOMAIN_CRASHED = 6,
    VIR_DOMAIN_PMSUSPENDED = 7,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_LAST = 8,
#endif
} virDomainState;

typedef enum {
    VIR_DOMAIN_NOSTATE_UNKNOWN = 0,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_NOSTATE_LAST = 1,
#endif
} virDomainNostateReason;

typedef enum {
    VIR_DOMAIN_RUNNING_UNKNOWN = 0,
    VIR_DOMAIN_RUNNING_BOOTED = 1,
    VIR_DOMAIN_RUNNING_MIGRATED = 2,
    VIR_DOMAIN_RUNNING_RESTORED = 3,
    VIR_DOMAIN_RUNNING_FROM_SNAPSHOT = 4,
    VIR_DOMAIN_RUNNING_UNPAUSED = 5,
    VIR_DOMAIN_RUNNING_MIGRATION_CANCELED = 6,
    VIR_DOMAIN_RUNNING_SAVE_CANCELED = 7,
    VIR_DOMAIN_RUNNING_WAKEUP = 8,
    VIR_DOMAIN_RUNNING_CRASHED = 9,
    VIR_DOMAIN_RUNNING_POSTCOPY = 10,
    VIR_DOMAIN_RUNNING_POSTCOPY_FAILED = 11,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_RUNNING_LAST = 12,
#endif
} virDomainRunningReason;

typedef enum {
    VIR_DOMAIN_BLOCKED_UNKNOWN = 0,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_BLOCKED_LAST = 1,
#endif
} virDomainBlockedReason;

typedef enum {
    VIR_DOMAIN_PAUSED_UNKNOWN = 0,
    VIR_DOMAIN_PAUSED_USER = 1,
    VIR_DOMAIN_PAUSED_MIGRATION = 2,
    VIR_DOMAIN_PAUSED_SAVE = 3,
    VIR_DOMAIN_PAUSED_DUMP = 4,
    VIR_DOMAIN_PAUSED_IOERROR = 5,
    VIR_DOMAIN_PAUSED_WATCHDOG = 6,
    VIR_DOMAIN_PAUSED_FROM_SNAPSHOT = 7,
    VIR_DOMAIN_PAUSED_SHUTTING_DOWN = 8,
    VIR_DOMAIN_PAUSED_SNAPSHOT = 9,
    VIR_DOMAIN_PAUSED_CRASHED = 10,
    VIR_DOMAIN_PAUSED_STARTING_UP = 11,
    VIR_DOMAIN_PAUSED_POSTCOPY = 12,
    VIR_DOMAIN_PAUSED_POSTCOPY_FAILED = 13,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_PAUSED_LAST = 14,
#endif
} virDomainPausedReason;

typedef enum {
    VIR_DOMAIN_SHUTDOWN_UNKNOWN = 0,
    VIR_DOMAIN_SHUTDOWN_USER = 1,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_SHUTDOWN_LAST = 2,
#endif
} virDomainShutdownReason;

typedef enum {
    VIR_DOMAIN_SHUTOFF_UNKNOWN = 0,
    VIR_DOMAIN_SHUTOFF_SHUTDOWN = 1,
    VIR_DOMAIN_SHUTOFF_DESTROYED = 2,
    VIR_DOMAIN_SHUTOFF_CRASHED = 3,
    VIR_DOMAIN_SHUTOFF_MIGRATED = 4,
    VIR_DOMAIN_SHUTOFF_SAVED = 5,
    VIR_DOMAIN_SHUTOFF_FAILED = 6,
    VIR_DOMAIN_SHUTOFF_FROM_SNAPSHOT = 7,
    VIR_DOMAIN_SHUTOFF_DAEMON = 8,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_SHUTOFF_LAST = 9,
#endif
} virDomainShutoffReason;

typedef enum {
    VIR_DOMAIN_CRASHED_UNKNOWN = 0,
    VIR_DOMAIN_CRASHED_PANICKED = 1,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_CRASHED_LAST = 2,
#endif
} virDomainCrashedReason;

typedef enum {
    VIR_DOMAIN_PMSUSPENDED_UNKNOWN = 0,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_PMSUSPENDED_LAST = 1,
#endif
} virDomainPMSuspendedReason;

typedef enum {
    VIR_DOMAIN_AFFECT_CURRENT = 0,
    VIR_DOMAIN_AFFECT_LIVE = 1,
    VIR_DOMAIN_AFFECT_CONFIG = 2,
} virDomainModificationImpact;

typedef enum {
    VIR_DOMAIN_NONE = 0,
    VIR_DOMAIN_START_PAUSED = 1 << 0,
    VIR_DOMAIN_START_AUTODESTROY = 1 << 1,
    VIR_DOMAIN_START_BYPASS_CACHE = 1 << 2,
    VIR_DOMAIN_START_FORCE_BOOT = 1 << 3,
    VIR_DOMAIN_START_VALIDATE = 1 << 4,
    VIR_DOMAIN_START_RESET_NVRAM = 1 << 5,
} virDomainCreateFlags;

typedef enum {
    VIR_DOMAIN_SHUTDOWN_DEFAULT = 0,
    VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN = 1 << 0,
    VIR_DOMAIN_SHUTDOWN_GUEST_AGENT = 1 << 1,
    VIR_DOMAIN_SHUTDOWN_INITCTL = 1 << 2,
    VIR_DOMAIN_SHUTDOWN_SIGNAL = 1 << 3,
    VIR_DOMAIN_SHUTDOWN_PARAVIRT = 1 << 4,
} virDomainShutdownFlagValues;

typedef enum {
    VIR_DOMAIN_REBOOT_DEFAULT = 0,
    VIR_DOMAIN_REBOOT_ACPI_POWER_BTN = 1 << 0,
    VIR_DOMAIN_REBOOT_GUEST_AGENT = 1 << 1,
    VIR_DOMAIN_REBOOT_INITCTL = 1 << 2,
    VIR_DOMAIN_REBOOT_SIGNAL = 1 << 3,
    VIR_DOMAIN_REBOOT_PARAVIRT = 1 << 4,
} virDomainRebootFlagValues;

typedef enum {
    VIR_DOMAIN_DESTROY_DEFAULT = 0,
    VIR_DOMAIN_DESTROY_GRACEFUL = 1 << 0,
    VIR_DOMAIN_DESTROY_REMOVE_LOGS = 1 << 1,
} virDomainDestroyFlagsValues;

typedef enum {
    VIR_DOMAIN_MEM_MAXIMUM = 1 << 2,
    VIR_DOMAIN_MEM_CONFIG = VIR_DOMAIN_AFFECT_CONFIG,
    VIR_DOMAIN_MEM_CURRENT = VIR_DOMAIN_AFFECT_CURRENT,
    VIR_DOMAIN_MEM_LIVE = VIR_DOMAIN_AFFECT_LIVE,
} virDomainMemoryModFlags;

typedef enum {
    VIR_DOMAIN_XML_SECURE = 1 << 0,
    VIR_DOMAIN_XML_INACTIVE = 1 << 1,
    VIR_DOMAIN_XML_UPDATE_CPU = 1 << 2,
    VIR_DOMAIN_XML_MIGRATABLE = 1 << 3,
} virDomainXMLFlags;

typedef enum {
    VIR_DOMAIN_DEFINE_VALIDATE = 1 << 0,
} virDomainDefineFlags;

typedef enum {
    VIR_DOMAIN_UNDEFINE_MANAGED_SAVE = 1 << 0,
    VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA = 1 << 1,
    VIR_DOMAIN_UNDEFINE_NVRAM = 1 << 2,
    VIR_DOMAIN_UNDEFINE_KEEP_NVRAM = 1 << 3,
    VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA = 1 << 4,
    VIR_DOMAIN_UNDEFINE_TPM = 1 << 5,
    VIR_DOMAIN_UNDEFINE_KEEP_TPM = 1 << 6,
} virDomainUndefineFlagsValues;

typedef enum {
    VIR_CONNECT_LIST_DOMAINS_ACTIVE = 1 << 0,
    VIR_CONNECT_LIST_DOMAINS_INACTIVE = 1 << 1,
    VIR_CONNECT_LIST_DOMAINS_PERSISTENT = 1 << 2,
    VIR_CONNECT_LIST_DOMAINS_TRANSIENT = 1 << 3,
    VIR_CONNECT_LIST_DOMAINS_RUNNING = 1 << 4,
    VIR_CONNECT_LIST_DOMAINS_PAUSED = 1 << 5,
    VIR_CONNECT_LIST_DOMAINS_SHUTOFF = 1 << 6,
    VIR_CONNECT_LIST_DOMAINS_OTHER = 1 << 7,
    VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE = 1 << 8,
    VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE = 1 << 9,
    VIR_CONNECT_LIST_DOMAINS_AUTOSTART = 1 << 10,
    VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART = 1 << 11,
    VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT = 1 << 12,
    VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT = 1 << 13,
    VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT = 1 << 14,
    VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT = 1 << 15,
} virConnectListAllDomainsFlags;

typedef enum {
    VIR_DOMAIN_VCPU_MAXIMUM = 1 << 2,
    VIR_DOMAIN_VCPU_GUEST = 1 << 3,
    VIR_DOMAIN_VCPU_HOTPLUGGABLE = 1 << 4,
    VIR_DOMAIN_VCPU_CONFIG = VIR_DOMAIN_AFFECT_CONFIG,
    VIR_DOMAIN_VCPU_CURRENT = VIR_DOMAIN_AFFECT_CURRENT,
    VIR_DOMAIN_VCPU_LIVE = VIR_DOMAIN_AFFECT_LIVE,
} virDomainVcpuFlags;

typedef enum {
    VIR_DOMAIN_EVENT_ID_LIFECYCLE = 0,
    VIR_DOMAIN_EVENT_ID_REBOOT = 1,
    VIR_DOMAIN_EVENT_ID_RTC_CHANGE = 2,
    VIR_DOMAIN_EVENT_ID_WATCHDOG = 3,
    VIR_DOMAIN_EVENT_ID_IO_ERROR = 4,
    VIR_DOMAIN_EVENT_ID_GRAPHICS = 5,
    VIR_DOMAIN_EVENT_ID_IO_ERROR_REASON = 6,
    VIR_DOMAIN_EVENT_ID_CONTROL_ERROR = 7,
    VIR_DOMAIN_EVENT_ID_BLOCK_JOB = 8,
    VIR_DOMAIN_EVENT_ID_DISK_CHANGE = 9,
    VIR_DOMAIN_EVENT_ID_TRAY_CHANGE = 10,
    VIR_DOMAIN_EVENT_ID_PMWAKEUP = 11,
    VIR_DOMAIN_EVENT_ID_PMSUSPEND = 12,
    VIR_DOMAIN_EVENT_ID_BALLOON_CHANGE = 13,
    VIR_DOMAIN_EVENT_ID_PMSUSPEND_DISK = 14,
    VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED = 15,
    VIR_DOMAIN_EVENT_ID_BLOCK_JOB_2 = 16,
    VIR_DOMAIN_EVENT_ID_TUNABLE = 17,
    VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE = 18,
    VIR_DOMAIN_EVENT_ID_DEVICE_ADDED = 19,
    VIR_DOMAIN_EVENT_ID_MIGRATION_ITERATION = 20,
    VIR_DOMAIN_EVENT_ID_JOB_COMPLETED = 21,
    VIR_DOMAIN_EVENT_ID_DEVICE_REMOVAL_FAILED = 22,
    VIR_DOMAIN_EVENT_ID_METADATA_CHANGE = 23,
    VIR_DOMAIN_EVENT_ID_BLOCK_THRESHOLD = 24,
    VIR_DOMAIN_EVENT_ID_MEMORY_FAILURE = 25,
    VIR_DOMAIN_EVENT_ID_MEMORY_DEVICE_SIZE_CHANGE = 26,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_EVENT_ID_LAST = 27,
#endif
} virDomainEventID;

typedef enum {
    VIR_DOMAIN_EVENT_DEFINED = 0,
    VIR_DOMAIN_EVENT_UNDEFINED = 1,
    VIR_DOMAIN_EVENT_STARTED = 2,
    VIR_DOMAIN_EVENT_SUSPENDED = 3,
    VIR_DOMAIN_EVENT_RESUMED = 4,
    VIR_DOMAIN_EVENT_STOPPED = 5,
    VIR_DOMAIN_EVENT_SHUTDOWN = 6,
    VIR_DOMAIN_EVENT_PMSUSPENDED = 7,
    VIR_DOMAIN_EVENT_CRASHED = 8,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_EVENT_LAST = 9,
#endif
} virDomainEventType;

typedef enum {
    VIR_DOMAIN_EVENT_DEFINED_ADDED = 0,
    VIR_DOMAIN_EVENT_DEFINED_UPDATED = 1,
    VIR_DOMAIN_EVENT_DEFINED_RENAMED = 2,
    VIR_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT = 3,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_EVENT_DEFINED_LAST = 4,
#endif
} virDomainEventDefinedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_UNDEFINED_REMOVED = 0,
    VIR_DOMAIN_EVENT_UNDEFINED_RENAMED = 1,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_EVENT_UNDEFINED_LAST = 2,
#endif
} virDomainEventUndefinedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_STARTED_BOOTED = 0,
    VIR_DOMAIN_EVENT_STARTED_MIGRATED = 1,
    VIR_DOMAIN_EVENT_STARTED_RESTORED = 2,
    VIR_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT = 3,
    VIR_DOMAIN_EVENT_STARTED_WAKEUP = 4,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_EVENT_STARTED_LAST = 5,
#endif
} virDomainEventStartedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_SUSPENDED_PAUSED = 0,
    VIR_DOMAIN_EVENT_SUSPENDED_MIGRATED = 1,
    VIR_DOMAIN_EVENT_SUSPENDED_IOERROR = 2,
    VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG = 3,
    VIR_DOMAIN_EVENT_SUSPENDED_RESTORED = 4,
    VIR_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT = 5,
    VIR_DOMAIN_EVENT_SUSPENDED_API_ERROR = 6,
    VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY = 7,
    VIR_DOMAIN_EVENT_SUSPENDED_POSTCOPY_FAILED = 8,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_EVENT_SUSPENDED_LAST = 9,
#endif
} virDomainEventSuspendedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_RESUMED_UNPAUSED = 0,
    VIR_DOMAIN_EVENT_RESUMED_MIGRATED = 1,
    VIR_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT = 2,
    VIR_DOMAIN_EVENT_RESUMED_POSTCOPY = 3,
    VIR_DOMAIN_EVENT_RESUMED_POSTCOPY_FAILED = 4,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_EVENT_RESUMED_LAST = 5,
#endif
} virDomainEventResumedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN = 0,
    VIR_DOMAIN_EVENT_STOPPED_DESTROYED = 1,
    VIR_DOMAIN_EVENT_STOPPED_CRASHED = 2,
    VIR_DOMAIN_EVENT_STOPPED_MIGRATED = 3,
    VIR_DOMAIN_EVENT_STOPPED_SAVED = 4,
    VIR_DOMAIN_EVENT_STOPPED_FAILED = 5,
    VIR_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT = 6,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_EVENT_STOPPED_LAST = 7,
#endif
} virDomainEventStoppedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED = 0,
    VIR_DOMAIN_EVENT_SHUTDOWN_GUEST = 1,
    VIR_DOMAIN_EVENT_SHUTDOWN_HOST = 2,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_EVENT_SHUTDOWN_LAST = 3,
#endif
} virDomainEventShutdownDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_PMSUSPENDED_MEMORY = 0,
    VIR_DOMAIN_EVENT_PMSUSPENDED_DISK = 1,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_EVENT_PMSUSPENDED_LAST = 2,
#endif
} virDomainEventPMSuspendedDetailType;

typedef enum {
    VIR_DOMAIN_EVENT_CRASHED_PANICKED = 0,
    VIR_DOMAIN_EVENT_CRASHED_CRASHLOADED = 1,
#ifdef VIR_ENUM_SENTINELS
    VIR_DOMAIN_EVENT_CRASHED_LAST = 2,
#endif
} virDomainEventCrashedDetailType;


typedef struct _virDomainInfo virDomainInfo;
struct _virDomainInfo {
    unsigned char state;      /* virDomainState */
    unsigned long maxMem;     /* KiB */
    unsigned long memory;     /* KiB */
    unsigned short nrVirtCpu;
    unsigned long long cpuTime; /* nanoseconds */
};
typedef virDomainInfo *virDomainInfoPtr;

int virConnectNumOfDomains(virConnectPtr conn);
int virConnectListDomains(virConnectPtr conn, int *ids, int maxids);
int virConnectNumOfDefinedDomains(virConnectPtr conn);
int virConnectListDefinedDomains(virConnectPtr conn, char **const names, int maxnames);
int virConnectListAllDomains(virConnectPtr conn, virDomainPtr **domains, unsigned int flags);

virDomainPtr virDomainLookupByID(virConnectPtr conn, int id);
virDomainPtr virDomainLookupByName(virConnectPtr conn, const char *name);
virDomainPtr virDomainLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
virDomainPtr virDomainLookupByUUIDString(virConnectPtr conn, const char *uuidstr);

virDomainPtr virDomainCreateXML(virConnectPtr conn, const char *xmlDesc, unsigned int flags);
virDomainPtr virDomainCreateLinux(virConnectPtr conn, const char *xmlDesc, unsigned int flags);
virDomainPtr virDomainDefineXML(virConnectPtr conn, const char *xml);
virDomainPtr virDomainDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags);
int virDomainUndefine(virDomainPtr domain);
int virDomainUndefineFlags(virDomainPtr domain, unsigned int flags);

int virDomainCreate(virDomainPtr domain);
int virDomainCreateWithFlags(virDomainPtr domain, unsigned int flags);
int virDomainSuspend(virDomainPtr domain);
int virDomainResume(virDomainPtr domain);
int virDomainShutdown(virDomainPtr domain);
int virDomainShutdownFlags(virDomainPtr domain, unsigned int flags);
int virDomainReset(virDomainPtr domain, unsigned int flags);
int virDomainReboot(virDomainPtr domain, unsigned int flags);
int virDomainDestroy(virDomainPtr domain);
int virDomainDestroyFlags(virDomainPtr domain, unsigned int flags);

int virDomainRef(virDomainPtr domain);
int virDomainFree(virDomainPtr domain);
virConnectPtr virDomainGetConnect(virDomainPtr dom);

const char *virDomainGetName(virDomainPtr domain);
unsigned int virDomainGetID(virDomainPtr domain);
int virDomainGetUUID(virDomainPtr domain, unsigned char *uuid);
int virDomainGetUUIDString(virDomainPtr domain, char *buf);
char *virDomainGetOSType(virDomainPtr domain);
int virDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info);
int virDomainGetState(virDomainPtr domain, int *state, int *reason, unsigned int flags);
char *virDomainGetXMLDesc(virDomainPtr domain, unsigned int flags);
unsigned long virDomainGetMaxMemory(virDomainPtr domain);
int virDomainSetMaxMemory(virDomainPtr domain, unsigned long memory);
int virDomainSetMemory(virDomainPtr domain, unsigned long memory);
int virDomainSetMemoryFlags(virDomainPtr domain, unsigned long memory, unsigned int flags);
int virDomainSetVcpus(virDomainPtr domain, unsigned int nvcpus);
int virDomainSetVcpusFlags(virDomainPtr domain, unsigned int nvcpus, unsigned int flags);
int virDomainGetVcpusFlags(virDomainPtr domain, unsigned int flags);
int virDomainGetMaxVcpus(virDomainPtr domain);
int virDomainGetAutostart(virDomainPtr domain, int *autostart);
int virDomainSetAutostart(virDomainPtr domain, int autostart);
int virDomainIsActive(virDomainPtr dom);
int virDomainIsPersistent(virDomainPtr dom);
int virDomainIsUpdated(virDomainPtr dom);
int virDomainHasManagedSaveImage(virDomainPtr dom, unsigned int flags);
int virDomainGetSecurityLabel(virDomainPtr domain, virSecurityLabelPtr seclabel);
int virDomainGetMessages(virDomainPtr domain, char ***msgs, unsigned int flags);

/* Guest operations */

typedef enum {
    VIR_DOMAIN_TIME_SYNC = (1 << 0),
} virDomainSetTimeFlagsValues;

typedef enum {
    VIR_DOMAIN_GET_HOSTNAME_LEASE = (1 << 0),
    VIR_DOMAIN_GET_HOSTNAME_AGENT = (1 << 1),
} virDomainGetHostnameFlags;

typedef struct _virDomainFSInfo virDomainFSInfo;
typedef virDomainFSInfo *virDomainFSInfoPtr;
struct _virDomainFSInfo {
    char *mountpoint;
    char *name;
    char *fstype;
    size_t ndevAlias;
    char **devAlias;
};
void virDomainFSInfoFree(virDomainFSInfoPtr info);

typedef enum {
    VIR_KEYCODE_SET_LINUX = 0,
    VIR_KEYCODE_SET_XT = 1,
    VIR_KEYCODE_SET_ATSET1 = 2,
    VIR_KEYCODE_SET_ATSET2 = 3,
    VIR_KEYCODE_SET_ATSET3 = 4,
    VIR_KEYCODE_SET_OSX = 5,
    VIR_KEYCODE_SET_XT_KBD = 6,
    VIR_KEYCODE_SET_USB = 7,
    VIR_KEYCODE_SET_WIN32 = 8,
    VIR_KEYCODE_SET_QNUM = 9,
} virKeycodeSet;
#define VIR_DOMAIN_SEND_KEY_MAX_KEYS 16

typedef enum {
    VIR_DOMAIN_SAVE_BYPASS_CACHE = 1 << 0,
    VIR_DOMAIN_SAVE_RUNNING = 1 << 1,
    VIR_DOMAIN_SAVE_PAUSED = 1 << 2,
    VIR_DOMAIN_SAVE_RESET_NVRAM = 1 << 3,
} virDomainSaveRestoreFlags;

typedef enum {
    VIR_DOMAIN_SAVE_IMAGE_XML_SECURE = 1 << 0,
} virDomainSaveImageXMLFlags;

typedef enum {
    VIR_DUMP_CRASH = (1 << 0),
    VIR_DUMP_LIVE = (1 << 1),
    VIR_DUMP_BYPASS_CACHE = (1 << 2),
    VIR_DUMP_RESET = (1 << 3),
    VIR_DUMP_MEMORY_ONLY = (1 << 4),
} virDomainCoreDumpFlags;

typedef enum {
    VIR_DOMAIN_CORE_DUMP_FORMAT_RAW,
    VIR_DOMAIN_CORE_DUMP_FORMAT_KDUMP_ZLIB,
    VIR_DOMAIN_CORE_DUMP_FORMAT_KDUMP_LZO,
    VIR_DOMAIN_CORE_DUMP_FORMAT_KDUMP_SNAPPY,
    VIR_DOMAIN_CORE_DUMP_FORMAT_WIN_DMP,
} virDomainCoreDumpFormat;

typedef enum {
    VIR_DOMAIN_METADATA_DESCRIPTION = 0,
    VIR_DOMAIN_METADATA_TITLE = 1,
    VIR_DOMAIN_METADATA_ELEMENT = 2,
} virDomainMetadataType;

typedef enum {
    VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE = 0,
    VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT = 1,
    VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP = 2,
} virDomainInterfaceAddressesSource;

/* virIPAddrType is declared with the network API below. */

typedef struct _virDomainIPAddress virDomainIPAddress;
typedef virDomainIPAddress *virDomainIPAddressPtr;
struct _virDomainIPAddress {
    int type;
    char *addr;
    unsigned int prefix;
};

typedef struct _virDomainInterface virDomainInterface;
typedef virDomainInterface *virDomainInterfacePtr;
struct _virDomainInterface {
    char *name;
    char *hwaddr;
    unsigned int naddrs;
    virDomainIPAddressPtr addrs;
};
void virDomainInterfaceFree(virDomainInterfacePtr iface);

typedef enum {
    VIR_DOMAIN_LIFECYCLE_POWEROFF = 0,
    VIR_DOMAIN_LIFECYCLE_REBOOT = 1,
    VIR_DOMAIN_LIFECYCLE_CRASH = 2,
} virDomainLifecycle;

typedef enum {
    VIR_DOMAIN_LIFECYCLE_ACTION_DESTROY = 0,
    VIR_DOMAIN_LIFECYCLE_ACTION_RESTART = 1,
    VIR_DOMAIN_LIFECYCLE_ACTION_RESTART_RENAME = 2,
    VIR_DOMAIN_LIFECYCLE_ACTION_PRESERVE = 3,
    VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_DESTROY = 4,
    VIR_DOMAIN_LIFECYCLE_ACTION_COREDUMP_RESTART = 5,
} virDomainLifecycleAction;

typedef enum {
    VIR_DOMAIN_PASSWORD_ENCRYPTED = 1 << 0,
} virDomainSetUserPasswordFlags;

typedef enum {
    VIR_DOMAIN_CONTROL_OK = 0,
    VIR_DOMAIN_CONTROL_JOB = 1,
    VIR_DOMAIN_CONTROL_OCCUPIED = 2,
    VIR_DOMAIN_CONTROL_ERROR = 3,
} virDomainControlState;

typedef enum {
    VIR_DOMAIN_CONTROL_ERROR_REASON_NONE = 0,
    VIR_DOMAIN_CONTROL_ERROR_REASON_UNKNOWN = 1,
    VIR_DOMAIN_CONTROL_ERROR_REASON_MONITOR = 2,
    VIR_DOMAIN_CONTROL_ERROR_REASON_INTERNAL = 3,
} virDomainControlErrorReason;

typedef struct _virDomainControlInfo virDomainControlInfo;
typedef virDomainControlInfo *virDomainControlInfoPtr;
struct _virDomainControlInfo {
    unsigned int state;
    unsigned int details;
    unsigned long long stateTime;
};

int virDomainGetTime(virDomainPtr dom, long long *seconds, unsigned int *nseconds,
                     unsigned int flags);
int virDomainSetTime(virDomainPtr dom, long long seconds, unsigned int nseconds,
                     unsigned int flags);
char *virDomainGetHostname(virDomainPtr domain, unsigned int flags);
int virDomainGetFSInfo(virDomainPtr dom, virDomainFSInfoPtr **info, unsigned int flags);
int virDomainFSFreeze(virDomainPtr dom, const char **mountpoints, unsigned int nmountpoints,
                      unsigned int flags);
int virDomainFSThaw(virDomainPtr dom, const char **mountpoints, unsigned int nmountpoints,
                    unsigned int flags);
int virDomainFSTrim(virDomainPtr dom, const char *mountPoint, unsigned long long minimum,
                    unsigned int flags);
int virDomainSendKey(virDomainPtr domain, unsigned int codeset, unsigned int holdtime,
                     unsigned int *keycodes, int nkeycodes, unsigned int flags);
int virDomainInjectNMI(virDomainPtr domain, unsigned int flags);
int virDomainRename(virDomainPtr dom, const char *new_name, unsigned int flags);
int virDomainSave(virDomainPtr domain, const char *to);
int virDomainSaveFlags(virDomainPtr domain, const char *to, const char *dxml,
                       unsigned int flags);
int virDomainRestore(virConnectPtr conn, const char *from);
int virDomainRestoreFlags(virConnectPtr conn, const char *from, const char *dxml,
                          unsigned int flags);
char *virDomainSaveImageGetXMLDesc(virConnectPtr conn, const char *file, unsigned int flags);
int virDomainSaveImageDefineXML(virConnectPtr conn, const char *file, const char *dxml,
                                unsigned int flags);
int virDomainManagedSave(virDomainPtr dom, unsigned int flags);
int virDomainManagedSaveRemove(virDomainPtr dom, unsigned int flags);
int virDomainCoreDump(virDomainPtr domain, const char *to, unsigned int flags);
int virDomainCoreDumpWithFormat(virDomainPtr domain, const char *to, unsigned int dumpformat,
                                unsigned int flags);
char *virDomainGetMetadata(virDomainPtr domain, int type, const char *uri, unsigned int flags);
int virDomainSetMetadata(virDomainPtr domain, int type, const char *metadata, const char *key,
                         const char *uri, unsigned int flags);
int virDomainInterfaceAddresses(virDomainPtr dom, virDomainInterfacePtr **ifaces,
                                unsigned int source, unsigned int flags);
int virDomainSetLifecycleAction(virDomainPtr domain, unsigned int type, unsigned int action,
                                unsigned int flags);
int virDomainSetUserPassword(virDomainPtr dom, const char *user, const char *password,
                             unsigned int flags);
int virDomainGetControlInfo(virDomainPtr domain, virDomainControlInfoPtr info,
                            unsigned int flags);

int virDomainAbortJob(virDomainPtr dom);
int virDomainPMSuspendForDuration(virDomainPtr dom, unsigned int target,
                                  unsigned long long duration, unsigned int flags);
int virDomainPMWakeup(virDomainPtr dom, unsigned int flags);
char *virDomainManagedSaveGetXMLDesc(virDomainPtr domain, unsigned int flags);
int virDomainManagedSaveDefineXML(virDomainPtr domain, const char *dxml, unsigned int flags);

/* Domain events */

typedef void (*virConnectDomainEventGenericCallback)(virConnectPtr conn, virDomainPtr dom,
                                                     void *opaque);
/* Through void (*)(void) so that -Wcast-function-type stays quiet. */
#define VIR_DOMAIN_EVENT_CALLBACK(cb) \
    ((virConnectDomainEventGenericCallback)(void (*)(void))(cb))

/* For VIR_DOMAIN_EVENT_ID_METADATA_CHANGE: type is a virDomainMetadataType,
 * nsuri the namespace of an element's change (NULL otherwise). */
typedef void (*virConnectDomainEventMetadataChangeCallback)(virConnectPtr conn, virDomainPtr dom,
                                                            int type, const char *nsuri,
                                                            void *opaque);

/* For VIR_DOMAIN_EVENT_ID_LIFECYCLE (and virConnectDomainEventRegister). */
typedef int (*virConnectDomainEventCallback)(virConnectPtr conn, virDomainPtr dom, int event,
                                             int detail, void *opaque);

int virConnectDomainEventRegister(virConnectPtr conn, virConnectDomainEventCallback cb,
                                  void *opaque, virFreeCallback freecb);
int virConnectDomainEventDeregister(virConnectPtr conn, virConnectDomainEventCallback cb);
int virConnectDomainEventRegisterAny(virConnectPtr conn, virDomainPtr dom, int eventID,
                                     virConnectDomainEventGenericCallback cb, void *opaque,
                                     virFreeCallback freecb);
int virConnectDomainEventDeregisterAny(virConnectPtr conn, int callbackID);

/* Networks */

typedef enum {
    VIR_NETWORK_XML_INACTIVE = (1 << 0),
} virNetworkXMLFlags;

typedef enum {
    VIR_NETWORK_CREATE_VALIDATE = 1 << 0,
} virNetworkCreateFlags;

typedef enum {
    VIR_NETWORK_DEFINE_VALIDATE = 1 << 0,
} virNetworkDefineFlags;

typedef enum {
    VIR_CONNECT_LIST_NETWORKS_INACTIVE = 1 << 0,
    VIR_CONNECT_LIST_NETWORKS_ACTIVE = 1 << 1,
    VIR_CONNECT_LIST_NETWORKS_PERSISTENT = 1 << 2,
    VIR_CONNECT_LIST_NETWORKS_TRANSIENT = 1 << 3,
    VIR_CONNECT_LIST_NETWORKS_AUTOSTART = 1 << 4,
    VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART = 1 << 5,
} virConnectListAllNetworksFlags;

typedef enum {
    VIR_NETWORK_UPDATE_COMMAND_NONE = 0,
    VIR_NETWORK_UPDATE_COMMAND_MODIFY = 1,
    VIR_NETWORK_UPDATE_COMMAND_DELETE = 2,
    VIR_NETWORK_UPDATE_COMMAND_ADD_LAST = 3,
    VIR_NETWORK_UPDATE_COMMAND_ADD_FIRST = 4,
#ifdef VIR_ENUM_SENTINELS
    VIR_NETWORK_UPDATE_COMMAND_LAST
#endif
} virNetworkUpdateCommand;

typedef enum {
    VIR_NETWORK_SECTION_NONE = 0,
    VIR_NETWORK_SECTION_BRIDGE = 1,
    VIR_NETWORK_SECTION_DOMAIN = 2,
    VIR_NETWORK_SECTION_IP = 3,
    VIR_NETWORK_SECTION_IP_DHCP_HOST = 4,
    VIR_NETWORK_SECTION_IP_DHCP_RANGE = 5,
    VIR_NETWORK_SECTION_FORWARD = 6,
    VIR_NETWORK_SECTION_FORWARD_INTERFACE = 7,
    VIR_NETWORK_SECTION_FORWARD_PF = 8,
    VIR_NETWORK_SECTION_PORTGROUP = 9,
    VIR_NETWORK_SECTION_DNS_HOST = 10,
    VIR_NETWORK_SECTION_DNS_TXT = 11,
    VIR_NETWORK_SECTION_DNS_SRV = 12,
#ifdef VIR_ENUM_SENTINELS
    VIR_NETWORK_SECTION_LAST
#endif
} virNetworkUpdateSection;

typedef enum {
    VIR_NETWORK_UPDATE_AFFECT_CURRENT = 0,
    VIR_NETWORK_UPDATE_AFFECT_LIVE = 1 << 0,
    VIR_NETWORK_UPDATE_AFFECT_CONFIG = 1 << 1,
} virNetworkUpdateFlags;

int virConnectNumOfNetworks(virConnectPtr conn);
int virConnectListNetworks(virConnectPtr conn, char **const names, int maxnames);
int virConnectNumOfDefinedNetworks(virConnectPtr conn);
int virConnectListDefinedNetworks(virConnectPtr conn, char **const names, int maxnames);
int virConnectListAllNetworks(virConnectPtr conn, virNetworkPtr **nets, unsigned int flags);
virNetworkPtr virNetworkLookupByName(virConnectPtr conn, const char *name);
virNetworkPtr virNetworkLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
virNetworkPtr virNetworkLookupByUUIDString(virConnectPtr conn, const char *uuid);
virNetworkPtr virNetworkCreateXML(virConnectPtr conn, const char *xml);
virNetworkPtr virNetworkCreateXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags);
virNetworkPtr virNetworkDefineXML(virConnectPtr conn, const char *xml);
virNetworkPtr virNetworkDefineXMLFlags(virConnectPtr conn, const char *xml, unsigned int flags);
int virNetworkUndefine(virNetworkPtr network);
int virNetworkUpdate(virNetworkPtr network, unsigned int command, unsigned int section,
                     int parentIndex, const char *xml, unsigned int flags);
int virNetworkCreate(virNetworkPtr network);
int virNetworkDestroy(virNetworkPtr network);
int virNetworkRef(virNetworkPtr network);
int virNetworkFree(virNetworkPtr network);
virConnectPtr virNetworkGetConnect(virNetworkPtr network);
const char *virNetworkGetName(virNetworkPtr network);
int virNetworkGetUUID(virNetworkPtr network, unsigned char *uuid);
int virNetworkGetUUIDString(virNetworkPtr network, char *buf);
char *virNetworkGetXMLDesc(virNetworkPtr network, unsigned int flags);
char *virNetworkGetBridgeName(virNetworkPtr network);
int virNetworkGetAutostart(virNetworkPtr network, int *autostart);
int virNetworkSetAutostart(virNetworkPtr network, int autostart);
int virNetworkIsActive(virNetworkPtr net);
int virNetworkIsPersistent(virNetworkPtr net);

/* Network events */

typedef enum {
    VIR_NETWORK_EVENT_DEFINED = 0,
    VIR_NETWORK_EVENT_UNDEFINED = 1,
    VIR_NETWORK_EVENT_STARTED = 2,
    VIR_NETWORK_EVENT_STOPPED = 3,
#ifdef VIR_ENUM_SENTINELS
    VIR_NETWORK_EVENT_LAST
#endif
} virNetworkEventLifecycleType;

typedef enum {
    VIR_NETWORK_EVENT_ID_LIFECYCLE = 0,
#ifdef VIR_ENUM_SENTINELS
    VIR_NETWORK_EVENT_ID_LAST
#endif
} virNetworkEventID;

typedef void (*virConnectNetworkEventGenericCallback)(virConnectPtr conn, virNetworkPtr net,
                                                      void *opaque);
typedef void (*virConnectNetworkEventLifecycleCallback)(virConnectPtr conn, virNetworkPtr net,
                                                        int event, int detail, void *opaque);
#define VIR_NETWORK_EVENT_CALLBACK(cb) \
    ((virConnectNetworkEventGenericCallback)(void (*)(void))(cb))

int virConnectNetworkEventRegisterAny(virConnectPtr conn, virNetworkPtr net, int eventID,
                                      virConnectNetworkEventGenericCallback cb, void *opaque,
                                      virFreeCallback freecb);
int virConnectNetworkEventDeregisterAny(virConnectPtr conn, int callbackID);

typedef enum {
    VIR_IP_ADDR_TYPE_IPV4,
    VIR_IP_ADDR_TYPE_IPV6,
#ifdef VIR_ENUM_SENTINELS
    VIR_IP_ADDR_TYPE_LAST
#endif
} virIPAddrType;

typedef struct _virNetworkDHCPLease virNetworkDHCPLease;
typedef virNetworkDHCPLease *virNetworkDHCPLeasePtr;
struct _virNetworkDHCPLease {
    char *iface;          /* Network interface name */
    long long expirytime; /* Seconds since epoch */
    int type;             /* virIPAddrType */
    char *mac;            /* MAC address */
    char *iaid;           /* IAID */
    char *ipaddr;         /* IP address */
    unsigned int prefix;  /* IP address prefix */
    char *hostname;       /* Hostname */
    char *clientid;       /* Client ID or DUID */
};

void virNetworkDHCPLeaseFree(virNetworkDHCPLeasePtr lease);
int virNetworkGetDHCPLeases(virNetworkPtr network, const char *mac,
                            virNetworkDHCPLeasePtr **leases, unsigned int flags);

typedef enum {
    VIR_NETWORK_PORT_CREATE_RECLAIM = (1 << 0),
    VIR_NETWORK_PORT_CREATE_VALIDATE = (1 << 1),
} virNetworkPortCreateFlags;

int virNetworkListAllPorts(virNetworkPtr network, virNetworkPortPtr **ports, unsigned int flags);
virNetworkPortPtr virNetworkPortLookupByUUID(virNetworkPtr net, const unsigned char *uuid);
virNetworkPortPtr virNetworkPortLookupByUUIDString(virNetworkPtr net, const char *uuidstr);
virNetworkPortPtr virNetworkPortCreateXML(virNetworkPtr net, const char *xmldesc,
                                          unsigned int flags);
virNetworkPtr virNetworkPortGetNetwork(virNetworkPortPtr port);
char *virNetworkPortGetXMLDesc(virNetworkPortPtr port, unsigned int flags);
int virNetworkPortGetUUID(virNetworkPortPtr port, unsigned char *uuid);
int virNetworkPortGetUUIDString(virNetworkPortPtr port, char *buf);
int virNetworkPortDelete(virNetworkPortPtr port, unsigned int flags);
int virNetworkPortFree(virNetworkPortPtr port);
int virNetworkPortRef(virNetworkPortPtr port);

/* The event loop */

/* Storage pools and volumes */

typedef struct _virStoragePool virStoragePool;
typedef virStoragePool *virStoragePoolPtr;
typedef struct _virStorageVol virStorageVol;
typedef virStorageVol *virStorageVolPtr;

typedef enum {
    VIR_STORAGE_POOL_INACTIVE = 0,
    VIR_STORAGE_POOL_BUILDING = 1,
    VIR_STORAGE_POOL_RUNNING = 2,
    VIR_STORAGE_POOL_DEGRADED = 3,
    VIR_STORAGE_POOL_INACCESSIBLE = 4,
} virStoragePoolState;

typedef struct _virStoragePoolInfo virStoragePoolInfo;
struct _virStoragePoolInfo {
    int state;                     /* virStoragePoolState */
    unsigned long long capacity;   /* bytes */
    unsigned long long allocation; /* bytes */
    unsigned long long available;  /* bytes */
};
typedef virStoragePoolInfo *virStoragePoolInfoPtr;

typedef enum {
    VIR_STORAGE_VOL_FILE = 0,
    VIR_STORAGE_VOL_BLOCK = 1,
    VIR_STORAGE_VOL_DIR = 2,
    VIR_STORAGE_VOL_NETWORK = 3,
    VIR_STORAGE_VOL_NETDIR = 4,
    VIR_STORAGE_VOL_PLOOP = 5,
} virStorageVolType;

typedef struct _virStorageVolInfo virStorageVolInfo;
struct _virStorageVolInfo {
    int type;                      /* virStorageVolType */
    unsigned long long capacity;   /* bytes */
    unsigned long long allocation; /* bytes */
};
typedef virStorageVolInfo *virStorageVolInfoPtr;

typedef enum {
    VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE = 1 << 0,
    VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE = 1 << 1,
    VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT = 1 << 2,
    VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT = 1 << 3,
    VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART = 1 << 4,
    VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART = 1 << 5,
    VIR_CONNECT_LIST_STORAGE_POOLS_DIR = 1 << 6,
    VIR_CONNECT_LIST_STORAGE_POOLS_FS = 1 << 7,
    VIR_CONNECT_LIST_STORAGE_POOLS_NETFS = 1 << 8,
    VIR_CONNECT_LIST_STORAGE_POOLS_LOGICAL = 1 << 9,
    VIR_CONNECT_LIST_STORAGE_POOLS_DISK = 1 << 10,
    VIR_CONNECT_LIST_STORAGE_POOLS_ISCSI = 1 << 11,
    VIR_CONNECT_LIST_STORAGE_POOLS_SCSI = 1 << 12,
    VIR_CONNECT_LIST_STORAGE_POOLS_MPATH = 1 << 13,
    VIR_CONNECT_LIST_STORAGE_POOLS_RBD = 1 << 14,
    VIR_CONNECT_LIST_STORAGE_POOLS_SHEEPDOG = 1 << 15,
    VIR_CONNECT_LIST_STORAGE_POOLS_GLUSTER = 1 << 16,
    VIR_CONNECT_LIST_STORAGE_POOLS_ZFS = 1 << 17,
    VIR_CONNECT_LIST_STORAGE_POOLS_VSTORAGE = 1 << 18,
    VIR_CONNECT_LIST_STORAGE_POOLS_ISCSI_DIRECT = 1 << 19,
} virConnectListAllStoragePoolsFlags;

int virConnectNumOfStoragePools(virConnectPtr conn);
int virConnectListStoragePools(virConnectPtr conn, char **const names, int maxnames);
int virConnectNumOfDefinedStoragePools(virConnectPtr conn);
int virConnectListDefinedStoragePools(virConnectPtr conn, char **const names, int maxnames);
int virConnectListAllStoragePools(virConnectPtr conn, virStoragePoolPtr **pools,
                                  unsigned int flags);
char *virConnectFindStoragePoolSources(virConnectPtr conn, const char *type,
                                       const char *srcSpec, unsigned int flags);

virStoragePoolPtr virStoragePoolLookupByName(virConnectPtr conn, const char *name);
virStoragePoolPtr virStoragePoolLookupByUUID(virConnectPtr conn, const unsigned char *uuid);
virStoragePoolPtr virStoragePoolLookupByUUIDString(virConnectPtr conn, const char *uuid);
virStoragePoolPtr virStoragePoolLookupByVolume(virStorageVolPtr vol);
virStoragePoolPtr virStoragePoolCreateXML(virConnectPtr conn, const char *xml,
                                          unsigned int flags);
virStoragePoolPtr virStoragePoolDefineXML(virConnectPtr conn, const char *xml,
                                          unsigned int flags);
int virStoragePoolBuild(virStoragePoolPtr pool, unsigned int flags);
int virStoragePoolUndefine(virStoragePoolPtr pool);
int virStoragePoolCreate(virStoragePoolPtr pool, unsigned int flags);
int virStoragePoolDestroy(virStoragePoolPtr pool);
int virStoragePoolDelete(virStoragePoolPtr pool, unsigned int flags);
int virStoragePoolRefresh(virStoragePoolPtr pool, unsigned int flags);
int virStoragePoolRef(virStoragePoolPtr pool);
int virStoragePoolFree(virStoragePoolPtr pool);
virConnectPtr virStoragePoolGetConnect(virStoragePoolPtr pool);
const char *virStoragePoolGetName(virStoragePoolPtr pool);
int virStoragePoolGetUUID(virStoragePoolPtr pool, unsigned char *uuid);
int virStoragePoolGetUUIDString(virStoragePoolPtr pool, char *buf);
int virStoragePoolGetInfo(virStoragePoolPtr pool, virStoragePoolInfoPtr info);
char *virStoragePoolGetXMLDesc(virStoragePoolPtr pool, unsigned int flags);
int virStoragePoolGetAutostart(virStoragePoolPtr pool, int *autostart);
int virStoragePoolSetAutostart(virStoragePoolPtr pool, int autostart);
int virStoragePoolIsActive(virStoragePoolPtr pool);
int virStoragePoolIsPersistent(virStoragePoolPtr pool);
int virStoragePoolNumOfVolumes(virStoragePoolPtr pool);
int virStoragePoolListVolumes(virStoragePoolPtr pool, char **const names, int maxnames);
int virStoragePoolListAllVolumes(virStoragePoolPtr pool, virStorageVolPtr **vols,
                                 unsigned int flags);

virConnectPtr virStorageVolGetConnect(virStorageVolPtr vol);
virStorageVolPtr virStorageVolLookupByName(virStoragePoolPtr pool, const char *name);
virStorageVolPtr virStorageVolLookupByKey(virConnectPtr conn, const char *key);
virStorageVolPtr virStorageVolLookupByPath(virConnectPtr conn, const char *path);
const char *virStorageVolGetName(virStorageVolPtr vol);
const char *virStorageVolGetKey(virStorageVolPtr vol);
virStorageVolPtr virStorageVolCreateXML(virStoragePoolPtr pool, const char *xml,
                                        unsigned int flags);
virStorageVolPtr virStorageVolCreateXMLFrom(virStoragePoolPtr pool, const char *xml,
                                            virStorageVolPtr clonevol, unsigned int flags);
int virStorageVolDelete(virStorageVolPtr vol, unsigned int flags);
int virStorageVolRef(virStorageVolPtr vol);
int virStorageVolFree(virStorageVolPtr vol);
int virStorageVolGetInfo(virStorageVolPtr vol, virStorageVolInfoPtr info);
char *virStorageVolGetXMLDesc(virStorageVolPtr vol, unsigned int flags);
char *virStorageVolGetPath(virStorageVolPtr vol);
int virStorageVolGetInfoFlags(virStorageVolPtr vol, virStorageVolInfoPtr info,
                              unsigned int flags);
int virStorageVolWipe(virStorageVolPtr vol, unsigned int flags);
int virStorageVolWipePattern(virStorageVolPtr vol, unsigned int algorithm, unsigned int flags);
int virStorageVolResize(virStorageVolPtr vol, unsigned long long capacity, unsigned int flags);
virStoragePoolPtr virStoragePoolLookupByTargetPath(virConnectPtr conn, const char *path);
char *virConnectGetStoragePoolCapabilities(virConnectPtr conn, unsigned int flags);

typedef enum {
    VIR_STORAGE_VOL_GET_PHYSICAL = 1 << 0,
} virStorageVolInfoFlags;

typedef enum {
    VIR_STORAGE_VOL_RESIZE_ALLOCATE = 1 << 0,
    VIR_STORAGE_VOL_RESIZE_DELTA = 1 << 1,
    VIR_STORAGE_VOL_RESIZE_SHRINK = 1 << 2,
} virStorageVolResizeFlags;

typedef enum {
    VIR_EVENT_HANDLE_READABLE = 1,
    VIR_EVENT_HANDLE_WRITABLE = 2,
    VIR_EVENT_HANDLE_ERROR = 4,
    VIR_EVENT_HANDLE_HANGUP = 8,
} virEventHandleType;


typedef void (*virEventHandleCallback)(int watch, int fd, int events, void *opaque);
typedef void (*virEventTimeoutCallback)(int timer, void *opaque);

int virEventRegisterDefaultImpl(void);
int virEventRunDefaultImpl(void);
int virEventAddHandle(int fd, int events, virEventHandleCallback cb, void *opaque,
                      virFreeCallback ff);
void virEventUpdateHandle(int watch, int events);
int virEventRemoveHandle(int watch);
int virEventAddTimeout(int timeout, virEventTimeoutCallback cb, void *opaque,
                       virFreeCallback ff);
void virEventUpdateTimeout(int timer, int timeout);
int virEventRemoveTimeout(int timer);

/* Streams (libvirt-stream): bytes to or from the server after a call that
 * opens one (a screenshot, a volume's upload or download, a console). */
typedef struct _virStream virStream;
typedef virStream *virStreamPtr;

typedef enum {
    VIR_STREAM_NONBLOCK = (1 << 0),
} virStreamFlags;

typedef enum {
    VIR_STREAM_RECV_STOP_AT_HOLE = (1 << 0),
} virStreamRecvFlagsValues;

typedef enum {
    VIR_STREAM_EVENT_READABLE = (1 << 0),
    VIR_STREAM_EVENT_WRITABLE = (1 << 1),
    VIR_STREAM_EVENT_ERROR = (1 << 2),
    VIR_STREAM_EVENT_HANGUP = (1 << 3),
} virStreamEventType;

typedef int (*virStreamSourceFunc)(virStreamPtr st, char *data, size_t nbytes, void *opaque);
typedef int (*virStreamSourceHoleFunc)(virStreamPtr st, int *inData, long long *length,
                                       void *opaque);
typedef int (*virStreamSourceSkipFunc)(virStreamPtr st, long long length, void *opaque);
typedef int (*virStreamSinkFunc)(virStreamPtr st, const char *data, size_t nbytes,
                                 void *opaque);
typedef int (*virStreamSinkHoleFunc)(virStreamPtr st, long long length, void *opaque);
typedef void (*virStreamEventCallback)(virStreamPtr stream, int events, void *opaque);

virStreamPtr virStreamNew(virConnectPtr conn, unsigned int flags);
int virStreamRef(virStreamPtr st);
int virStreamSend(virStreamPtr st, const char *data, size_t nbytes);
int virStreamRecv(virStreamPtr st, char *data, size_t nbytes);
int virStreamRecvFlags(virStreamPtr st, char *data, size_t nbytes, unsigned int flags);
int virStreamSendHole(virStreamPtr st, long long length, unsigned int flags);
int virStreamRecvHole(virStreamPtr st, long long *length, unsigned int flags);
int virStreamInData(virStreamPtr st, int *inData, long long *length);
int virStreamSendAll(virStreamPtr st, virStreamSourceFunc handler, void *opaque);
int virStreamSparseSendAll(virStreamPtr st, virStreamSourceFunc handler,
                           virStreamSourceHoleFunc holeHandler,
                           virStreamSourceSkipFunc skipHandler, void *opaque);
int virStreamRecvAll(virStreamPtr st, virStreamSinkFunc handler, void *opaque);
int virStreamSparseRecvAll(virStreamPtr stream, virStreamSinkFunc handler,
                           virStreamSinkHoleFunc holeHandler, void *opaque);
int virStreamEventAddCallback(virStreamPtr stream, int events, virStreamEventCallback cb,
                              void *opaque, virFreeCallback ff);
int virStreamEventUpdateCallback(virStreamPtr stream, int events);
int virStreamEventRemoveCallback(virStreamPtr stream);
int virStreamFinish(virStreamPtr st);
int virStreamAbort(virStreamPtr st);
int virStreamFree(virStreamPtr st);

char *virDomainScreenshot(virDomainPtr domain, virStreamPtr stream, unsigned int screen,
                          unsigned int flags);

typedef enum {
    VIR_DOMAIN_CONSOLE_FORCE = (1 << 0),
    VIR_DOMAIN_CONSOLE_SAFE = (1 << 1),
} virDomainConsoleFlags;

int virDomainOpenConsole(virDomainPtr dom, const char *dev_name, virStreamPtr st,
                         unsigned int flags);

typedef enum {
    VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM = (1 << 0),
} virStorageVolDownloadFlags;

typedef enum {
    VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM = (1 << 0),
} virStorageVolUploadFlags;

int virStorageVolUpload(virStorageVolPtr vol, virStreamPtr stream, unsigned long long offset,
                        unsigned long long length, unsigned int flags);
int virStorageVolDownload(virStorageVolPtr vol, virStreamPtr stream, unsigned long long offset,
                          unsigned long long length, unsigned int flags);

/* Node devices (libvirt-nodedev) and host interfaces (libvirt-interface). */
typedef struct _virNodeDevice virNodeDevice;
typedef virNodeDevice *virNodeDevicePtr;
typedef struct _virInterface virInterface;
typedef virInterface *virInterfacePtr;

typedef enum {
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_SYSTEM = 1 << 0,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV = 1 << 1,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV = 1 << 2,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_INTERFACE = 1 << 3,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET = 1 << 4,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI_HOST = 1 << 5,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI_TARGET = 1 << 6,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI = 1 << 7,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_STORAGE = 1 << 8,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_FC_HOST = 1 << 9,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_VPORTS = 1 << 10,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_SCSI_GENERIC = 1 << 11,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_DRM = 1 << 12,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV_TYPES = 1 << 13,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV = 1 << 14,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_CCW_DEV = 1 << 15,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_CSS_DEV = 1 << 16,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_VDPA = 1 << 17,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_AP_CARD = 1 << 18,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_AP_QUEUE = 1 << 19,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_AP_MATRIX = 1 << 20,
    VIR_CONNECT_LIST_NODE_DEVICES_CAP_VPD = 1 << 21,
    VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE = 1 << 30,
    VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE = 1U << 31,
} virConnectListAllNodeDeviceFlags;

typedef enum {
    VIR_NODE_DEVICE_XML_INACTIVE = 1 << 0,
} virNodeDeviceXMLFlags;

typedef enum {
    VIR_NODE_DEVICE_CREATE_XML_VALIDATE = 1 << 0,
} virNodeDeviceCreateXMLFlags;

typedef enum {
    VIR_NODE_DEVICE_DEFINE_XML_VALIDATE = 1 << 0,
} virNodeDeviceDefineXMLFlags;

int virNodeNumOfDevices(virConnectPtr conn, const char *cap, unsigned int flags);
int virNodeListDevices(virConnectPtr conn, const char *cap, char **const names, int maxnames,
                       unsigned int flags);
int virConnectListAllNodeDevices(virConnectPtr conn, virNodeDevicePtr **devices,
                                 unsigned int flags);
virNodeDevicePtr virNodeDeviceLookupByName(virConnectPtr conn, const char *name);
virNodeDevicePtr virNodeDeviceLookupSCSIHostByWWN(virConnectPtr conn, const char *wwnn,
                                                  const char *wwpn, unsigned int flags);
const char *virNodeDeviceGetName(virNodeDevicePtr dev);
const char *virNodeDeviceGetParent(virNodeDevicePtr dev);
char *virNodeDeviceGetXMLDesc(virNodeDevicePtr dev, unsigned int flags);
int virNodeDeviceNumOfCaps(virNodeDevicePtr dev);
int virNodeDeviceListCaps(virNodeDevicePtr dev, char **const names, int maxnames);
int virNodeDeviceRef(virNodeDevicePtr dev);
int virNodeDeviceFree(virNodeDevicePtr dev);
virNodeDevicePtr virNodeDeviceCreateXML(virConnectPtr conn, const char *xml_desc,
                                        unsigned int flags);
int virNodeDeviceDestroy(virNodeDevicePtr dev);
int virNodeDeviceDettach(virNodeDevicePtr dev);
int virNodeDeviceDetachFlags(virNodeDevicePtr dev, const char *driverName, unsigned int flags);
int virNodeDeviceReAttach(virNodeDevicePtr dev);
int virNodeDeviceReset(virNodeDevicePtr dev);
virNodeDevicePtr virNodeDeviceDefineXML(virConnectPtr conn, const char *xml_desc,
                                        unsigned int flags);
int virNodeDeviceUndefine(virNodeDevicePtr dev, unsigned int flags);
int virNodeDeviceCreate(virNodeDevicePtr dev, unsigned int flags);
int virNodeDeviceSetAutostart(virNodeDevicePtr dev, int autostart);
int virNodeDeviceGetAutostart(virNodeDevicePtr dev, int *autostart);
int virNodeDeviceIsPersistent(virNodeDevicePtr dev);
int virNodeDeviceIsActive(virNodeDevicePtr dev);

typedef enum {
    VIR_CONNECT_LIST_INTERFACES_INACTIVE = 1 << 0,
    VIR_CONNECT_LIST_INTERFACES_ACTIVE = 1 << 1,
} virConnectListAllInterfacesFlags;

typedef enum {
    VIR_INTERFACE_XML_INACTIVE = 1 << 0,
} virInterfaceXMLFlags;

typedef enum {
    VIR_INTERFACE_DEFINE_VALIDATE = 1 << 0,
} virInterfaceDefineFlags;

int virConnectNumOfInterfaces(virConnectPtr conn);
int virConnectListInterfaces(virConnectPtr conn, char **const names, int maxnames);
int virConnectNumOfDefinedInterfaces(virConnectPtr conn);
int virConnectListDefinedInterfaces(virConnectPtr conn, char **const names, int maxnames);
int virConnectListAllInterfaces(virConnectPtr conn, virInterfacePtr **ifaces,
                                unsigned int flags);
virInterfacePtr virInterfaceLookupByName(virConnectPtr conn, const char *name);
virInterfacePtr virInterfaceLookupByMACString(virConnectPtr conn, const char *mac);
virConnectPtr virInterfaceGetConnect(virInterfacePtr iface);
const char *virInterfaceGetName(virInterfacePtr iface);
const char *virInterfaceGetMACString(virInterfacePtr iface);
char *virInterfaceGetXMLDesc(virInterfacePtr iface, unsigned int flags);
virInterfacePtr virInterfaceDefineXML(virConnectPtr conn, const char *xml, unsigned int flags);
int virInterfaceUndefine(virInterfacePtr iface);
int virInterfaceCreate(virInterfacePtr iface, unsigned int flags);
int virInterfaceDestroy(virInterfacePtr iface, unsigned int flags);
int virInterfaceIsActive(virInterfacePtr iface);
int virInterfaceRef(virInterfacePtr iface);
int virInterfaceFree(virInterfacePtr iface);
int virInterfaceChangeBegin(virConnectPtr conn, unsigned int flags);
int virInterfaceChangeCommit(virConnectPtr conn, unsigned int flags);
int virInterfaceChangeRollback(virConnectPtr conn, unsigned int flags);
/* Domain statistics and tuning: typed parameters, vCPU and emulator
 * pinning, IOThreads, block and interface statistics, tuning. */

#define VIR_TYPED_PARAM_FIELD_LENGTH 80

typedef enum {
    VIR_TYPED_PARAM_INT = 1,
    VIR_TYPED_PARAM_UINT = 2,
    VIR_TYPED_PARAM_LLONG = 3,
    VIR_TYPED_PARAM_ULLONG = 4,
    VIR_TYPED_PARAM_DOUBLE = 5,
    VIR_TYPED_PARAM_BOOLEAN = 6,
    VIR_TYPED_PARAM_STRING = 7,
} virTypedParameterType;

typedef enum {
    VIR_TYPED_PARAM_STRING_OKAY = 1 << 2,
} virTypedParameterFlags;

typedef struct _virTypedParameter virTypedParameter;
struct _virTypedParameter {
    char field[VIR_TYPED_PARAM_FIELD_LENGTH];
    int type;
    union {
        int i;
        unsigned int ui;
        long long int l;
        unsigned long long int ul;
        double d;
        char b;
        char *s;
    } value;
};
typedef virTypedParameter *virTypedParameterPtr;

void virTypedParamsClear(virTypedParameterPtr params, int nparams);
void virTypedParamsFree(virTypedParameterPtr params, int nparams);

#define VIR_CPU_MAPLEN(cpu) (((cpu) + 7) / 8)
#define VIR_USE_CPU(cpumap, cpu) ((cpumap)[(cpu) / 8] |= (1 << ((cpu) % 8)))
#define VIR_UNUSE_CPU(cpumap, cpu) ((cpumap)[(cpu) / 8] &= ~(1 << ((cpu) % 8)))
#define VIR_CPU_USED(cpumap, cpu) ((cpumap)[(cpu) / 8] & (1 << ((cpu) % 8)))
#define VIR_GET_CPUMAP(cpumaps, maplen, vcpu) (&((cpumaps)[(vcpu) * (maplen)]))
#define VIR_CPU_USABLE(cpumaps, maplen, vcpu, cpu)                                           \
    VIR_CPU_USED(VIR_GET_CPUMAP(cpumaps, maplen, vcpu), cpu)

typedef enum {
    VIR_VCPU_OFFLINE = 0,
    VIR_VCPU_RUNNING = 1,
    VIR_VCPU_BLOCKED = 2,
} virVcpuState;

typedef struct _virVcpuInfo virVcpuInfo;
struct _virVcpuInfo {
    unsigned int number;
    int state;
    unsigned long long cpuTime;
    int cpu;
};
typedef virVcpuInfo *virVcpuInfoPtr;

int virDomainGetVcpus(virDomainPtr domain, virVcpuInfoPtr info, int maxinfo,
                      unsigned char *cpumaps, int maplen);
int virDomainPinVcpu(virDomainPtr domain, unsigned int vcpu, unsigned char *cpumap, int maplen);
int virDomainPinVcpuFlags(virDomainPtr domain, unsigned int vcpu, unsigned char *cpumap,
                          int maplen, unsigned int flags);
int virDomainGetVcpuPinInfo(virDomainPtr domain, int ncpumaps, unsigned char *cpumaps,
                            int maplen, unsigned int flags);
int virDomainPinEmulator(virDomainPtr domain, unsigned char *cpumap, int maplen,
                         unsigned int flags);
int virDomainGetEmulatorPinInfo(virDomainPtr domain, unsigned char *cpumaps, int maplen,
                                unsigned int flags);

typedef struct _virDomainIOThreadInfo virDomainIOThreadInfo;
typedef virDomainIOThreadInfo *virDomainIOThreadInfoPtr;
struct _virDomainIOThreadInfo {
    unsigned int iothread_id;
    unsigned char *cpumap;
    int cpumaplen;
};

void virDomainIOThreadInfoFree(virDomainIOThreadInfoPtr info);
int virDomainGetIOThreadInfo(virDomainPtr domain, virDomainIOThreadInfoPtr **info,
                             unsigned int flags);
int virDomainPinIOThread(virDomainPtr domain, unsigned int iothread_id, unsigned char *cpumap,
                         int maplen, unsigned int flags);
int virDomainAddIOThread(virDomainPtr domain, unsigned int iothread_id, unsigned int flags);
int virDomainDelIOThread(virDomainPtr domain, unsigned int iothread_id, unsigned int flags);
int virDomainSetIOThreadParams(virDomainPtr domain, unsigned int iothread_id,
                               virTypedParameterPtr params, int nparams, unsigned int flags);

#define VIR_DOMAIN_IOTHREAD_POLL_MAX_NS "poll_max_ns"
#define VIR_DOMAIN_IOTHREAD_POLL_GROW "poll_grow"
#define VIR_DOMAIN_IOTHREAD_POLL_SHRINK "poll_shrink"

typedef struct _virDomainBlockStats virDomainBlockStatsStruct;
struct _virDomainBlockStats {
    long long rd_req;
    long long rd_bytes;
    long long wr_req;
    long long wr_bytes;
    long long errs;
};
typedef virDomainBlockStatsStruct *virDomainBlockStatsPtr;

typedef struct _virDomainInterfaceStats virDomainInterfaceStatsStruct;
struct _virDomainInterfaceStats {
    long long rx_bytes;
    long long rx_packets;
    long long rx_errs;
    long long rx_drop;
    long long tx_bytes;
    long long tx_packets;
    long long tx_errs;
    long long tx_drop;
};
typedef virDomainInterfaceStatsStruct *virDomainInterfaceStatsPtr;

int virDomainBlockStats(virDomainPtr dom, const char *disk, virDomainBlockStatsPtr stats,
                        size_t size);
int virDomainInterfaceStats(virDomainPtr dom, const char *device,
                            virDomainInterfaceStatsPtr stats, size_t size);

typedef struct _virDomainBlockInfo virDomainBlockInfo;
typedef virDomainBlockInfo *virDomainBlockInfoPtr;
struct _virDomainBlockInfo {
    unsigned long long capacity;
    unsigned long long allocation;
    unsigned long long physical;
};
int virDomainGetBlockInfo(virDomainPtr dom, const char *disk, virDomainBlockInfoPtr info,
                          unsigned int flags);

typedef enum {
    VIR_DOMAIN_DISK_ERROR_NONE = 0,
    VIR_DOMAIN_DISK_ERROR_UNSPEC = 1,
    VIR_DOMAIN_DISK_ERROR_NO_SPACE = 2,
} virDomainDiskErrorCode;

typedef struct _virDomainDiskError virDomainDiskError;
typedef virDomainDiskError *virDomainDiskErrorPtr;
struct _virDomainDiskError {
    char *disk;
    int error;
};
int virDomainGetDiskErrors(virDomainPtr dom, virDomainDiskErrorPtr errors,
                           unsigned int maxerrors, unsigned int flags);

char *virDomainGetSchedulerType(virDomainPtr domain, int *nparams);
int virDomainGetSchedulerParameters(virDomainPtr domain, virTypedParameterPtr params,
                                    int *nparams);
int virDomainGetSchedulerParametersFlags(virDomainPtr domain, virTypedParameterPtr params,
                                         int *nparams, unsigned int flags);
int virDomainSetSchedulerParameters(virDomainPtr domain, virTypedParameterPtr params,
                                    int nparams);
int virDomainSetSchedulerParametersFlags(virDomainPtr domain, virTypedParameterPtr params,
                                         int nparams, unsigned int flags);

#define VIR_DOMAIN_MEMORY_PARAM_UNLIMITED 9007199254740991LL
#define VIR_DOMAIN_MEMORY_HARD_LIMIT "hard_limit"
#define VIR_DOMAIN_MEMORY_SOFT_LIMIT "soft_limit"
#define VIR_DOMAIN_MEMORY_MIN_GUARANTEE "min_guarantee"
#define VIR_DOMAIN_MEMORY_SWAP_HARD_LIMIT "swap_hard_limit"
int virDomainSetMemoryParameters(virDomainPtr domain, virTypedParameterPtr params, int nparams,
                                 unsigned int flags);
/* The host's memory parameters (shared memory service). */
#define VIR_NODE_MEMORY_SHARED_PAGES_TO_SCAN "shm_pages_to_scan"
#define VIR_NODE_MEMORY_SHARED_SLEEP_MILLISECS "shm_sleep_millisecs"
#define VIR_NODE_MEMORY_SHARED_PAGES_SHARED "shm_pages_shared"
#define VIR_NODE_MEMORY_SHARED_PAGES_SHARING "shm_pages_sharing"
#define VIR_NODE_MEMORY_SHARED_PAGES_UNSHARED "shm_pages_unshared"
#define VIR_NODE_MEMORY_SHARED_PAGES_VOLATILE "shm_pages_volatile"
#define VIR_NODE_MEMORY_SHARED_FULL_SCANS "shm_full_scans"
#define VIR_NODE_MEMORY_SHARED_MERGE_ACROSS_NODES "shm_merge_across_nodes"
int virNodeGetMemoryParameters(virConnectPtr conn, virTypedParameterPtr params, int *nparams,
                               unsigned int flags);
int virNodeSetMemoryParameters(virConnectPtr conn, virTypedParameterPtr params, int nparams,
                               unsigned int flags);
int virDomainGetMemoryParameters(virDomainPtr domain, virTypedParameterPtr params, int *nparams,
                                 unsigned int flags);
int virDomainSetBlkioParameters(virDomainPtr domain, virTypedParameterPtr params, int nparams,
                                unsigned int flags);
int virDomainGetBlkioParameters(virDomainPtr domain, virTypedParameterPtr params, int *nparams,
                                unsigned int flags);

typedef enum {
    VIR_DOMAIN_NUMATUNE_MEM_STRICT = 0,
    VIR_DOMAIN_NUMATUNE_MEM_PREFERRED = 1,
    VIR_DOMAIN_NUMATUNE_MEM_INTERLEAVE = 2,
    VIR_DOMAIN_NUMATUNE_MEM_RESTRICTIVE = 3,
} virDomainNumatuneMemMode;
#define VIR_DOMAIN_NUMA_NODESET "numa_nodeset"
#define VIR_DOMAIN_NUMA_MODE "numa_mode"
int virDomainSetNumaParameters(virDomainPtr domain, virTypedParameterPtr params, int nparams,
                               unsigned int flags);
int virDomainGetNumaParameters(virDomainPtr domain, virTypedParameterPtr params, int *nparams,
                               unsigned int flags);
int virDomainGetBlockIoTune(virDomainPtr dom, const char *disk, virTypedParameterPtr params,
                            int *nparams, unsigned int flags);
int virDomainSetBlockIoTune(virDomainPtr dom, const char *disk, virTypedParameterPtr params,
                            int nparams, unsigned int flags);
int virDomainGetPerfEvents(virDomainPtr dom, virTypedParameterPtr *params, int *nparams,
                           unsigned int flags);
int virDomainGetCPUStats(virDomainPtr domain, virTypedParameterPtr params, unsigned int nparams,
                         int start_cpu, unsigned int ncpus, unsigned int flags);
int virDomainSetPerfEvents(virDomainPtr dom, virTypedParameterPtr params, int nparams,
                           unsigned int flags);

typedef enum {
    VIR_DOMAIN_MEMORY_STAT_SWAP_IN = 0,
    VIR_DOMAIN_MEMORY_STAT_SWAP_OUT = 1,
    VIR_DOMAIN_MEMORY_STAT_MAJOR_FAULT = 2,
    VIR_DOMAIN_MEMORY_STAT_MINOR_FAULT = 3,
    VIR_DOMAIN_MEMORY_STAT_UNUSED = 4,
    VIR_DOMAIN_MEMORY_STAT_AVAILABLE = 5,
    VIR_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON = 6,
    VIR_DOMAIN_MEMORY_STAT_RSS = 7,
    VIR_DOMAIN_MEMORY_STAT_USABLE = 8,
    VIR_DOMAIN_MEMORY_STAT_LAST_UPDATE = 9,
    VIR_DOMAIN_MEMORY_STAT_DISK_CACHES = 10,
    VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC = 11,
    VIR_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL = 12,
    VIR_DOMAIN_MEMORY_STAT_NR = 13,
} virDomainMemoryStatTags;

typedef struct _virDomainMemoryStat virDomainMemoryStatStruct;
struct _virDomainMemoryStat {
    int tag;
    unsigned long long val;
};
typedef virDomainMemoryStatStruct *virDomainMemoryStatPtr;
int virDomainMemoryStats(virDomainPtr dom, virDomainMemoryStatPtr stats, unsigned int nr_stats,
                         unsigned int flags);
int virDomainSetMemoryStatsPeriod(virDomainPtr domain, int period, unsigned int flags);

typedef enum {
    VIR_DOMAIN_STATS_STATE = 1 << 0,
    VIR_DOMAIN_STATS_CPU_TOTAL = 1 << 1,
    VIR_DOMAIN_STATS_BALLOON = 1 << 2,
    VIR_DOMAIN_STATS_VCPU = 1 << 3,
    VIR_DOMAIN_STATS_INTERFACE = 1 << 4,
    VIR_DOMAIN_STATS_BLOCK = 1 << 5,
    VIR_DOMAIN_STATS_PERF = 1 << 6,
    VIR_DOMAIN_STATS_IOTHREAD = 1 << 7,
    VIR_DOMAIN_STATS_MEMORY = 1 << 8,
    VIR_DOMAIN_STATS_DIRTYRATE = 1 << 9,
    VIR_DOMAIN_STATS_VM = 1 << 10,
} virDomainStatsTypes;

typedef enum {
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE = VIR_CONNECT_LIST_DOMAINS_ACTIVE,
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE = VIR_CONNECT_LIST_DOMAINS_INACTIVE,
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_PERSISTENT = VIR_CONNECT_LIST_DOMAINS_PERSISTENT,
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT = VIR_CONNECT_LIST_DOMAINS_TRANSIENT,
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING = VIR_CONNECT_LIST_DOMAINS_RUNNING,
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED = VIR_CONNECT_LIST_DOMAINS_PAUSED,
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF = VIR_CONNECT_LIST_DOMAINS_SHUTOFF,
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_OTHER = VIR_CONNECT_LIST_DOMAINS_OTHER,
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT = 1 << 29,
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING = 1 << 30,
    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS = 1U << 31,
} virConnectGetAllDomainStatsFlags;

typedef struct _virDomainStatsRecord virDomainStatsRecord;
typedef virDomainStatsRecord *virDomainStatsRecordPtr;
struct _virDomainStatsRecord {
    virDomainPtr dom;
    virTypedParameterPtr params;
    int nparams;
};
int virConnectGetAllDomainStats(virConnectPtr conn, unsigned int stats,
                                virDomainStatsRecordPtr **retStats, unsigned int flags);
int virDomainListGetStats(virDomainPtr *doms, unsigned int stats,
                          virDomainStatsRecordPtr **retStats, unsigned int flags);
void virDomainStatsRecordListFree(virDomainStatsRecordPtr *stats);

#ifdef __cplusplus
}
#endif

/* Storage pool events */

typedef enum {
    VIR_STORAGE_POOL_EVENT_DEFINED = 0,
    VIR_STORAGE_POOL_EVENT_UNDEFINED = 1,
    VIR_STORAGE_POOL_EVENT_STARTED = 2,
    VIR_STORAGE_POOL_EVENT_STOPPED = 3,
    VIR_STORAGE_POOL_EVENT_CREATED = 4,
    VIR_STORAGE_POOL_EVENT_DELETED = 5,
#ifdef VIR_ENUM_SENTINELS
    VIR_STORAGE_POOL_EVENT_LAST
#endif
} virStoragePoolEventLifecycleType;

typedef enum {
    VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE = 0,
    VIR_STORAGE_POOL_EVENT_ID_REFRESH = 1,
#ifdef VIR_ENUM_SENTINELS
    VIR_STORAGE_POOL_EVENT_ID_LAST
#endif
} virStoragePoolEventID;

typedef void (*virConnectStoragePoolEventGenericCallback)(virConnectPtr conn,
                                                          virStoragePoolPtr pool, void *opaque);
typedef void (*virConnectStoragePoolEventLifecycleCallback)(virConnectPtr conn,
                                                            virStoragePoolPtr pool, int event,
                                                            int detail, void *opaque);
#define VIR_STORAGE_POOL_EVENT_CALLBACK(cb) \
    ((virConnectStoragePoolEventGenericCallback)(void (*)(void))(cb))

int virConnectStoragePoolEventRegisterAny(virConnectPtr conn, virStoragePoolPtr pool,
                                          int eventID,
                                          virConnectStoragePoolEventGenericCallback cb,
                                          void *opaque, virFreeCallback freecb);
int virConnectStoragePoolEventDeregisterAny(virConnectPtr conn, int callbackID);

/* Node device events */

typedef enum {
    VIR_NODE_DEVICE_EVENT_CREATED = 0,
    VIR_NODE_DEVICE_EVENT_DELETED = 1,
    VIR_NODE_DEVICE_EVENT_DEFINED = 2,
    VIR_NODE_DEVICE_EVENT_UNDEFINED = 3,
#ifdef VIR_ENUM_SENTINELS
    VIR_NODE_DEVICE_EVENT_LAST
#endif
} virNodeDeviceEventLifecycleType;

typedef enum {
    VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE = 0,
    VIR_NODE_DEVICE_EVENT_ID_UPDATE = 1,
#ifdef VIR_ENUM_SENTINELS
    VIR_NODE_DEVICE_EVENT_ID_LAST
#endif
} virNodeDeviceEventID;

typedef void (*virConnectNodeDeviceEventGenericCallback)(virConnectPtr conn,
                                                         virNodeDevicePtr dev, void *opaque);
typedef void (*virConnectNodeDeviceEventLifecycleCallback)(virConnectPtr conn,
                                                           virNodeDevicePtr dev, int event,
                                                           int detail, void *opaque);
#define VIR_NODE_DEVICE_EVENT_CALLBACK(cb) \
    ((virConnectNodeDeviceEventGenericCallback)(void (*)(void))(cb))

int virConnectNodeDeviceEventRegisterAny(virConnectPtr conn, virNodeDevicePtr dev, int eventID,
                                         virConnectNodeDeviceEventGenericCallback cb,
                                         void *opaque, virFreeCallback freecb);
int virConnectNodeDeviceEventDeregisterAny(virConnectPtr conn, int callbackID);

#include <libvirt/libvirt-domain-snapshot.h>
#include <libvirt/virterror.h>

#endif

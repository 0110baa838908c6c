/* Storage pool and volume commands: pool-list, pool-info, pool-dumpxml,
 * pool-define(-as), pool-create(-as), pool-build, pool-start,
 * pool-refresh, pool-destroy, pool-delete, pool-undefine, pool-autostart,
 * pool-uuid, pool-name, find-storage-pool-sources(-as), vol-list,
 * vol-info, vol-dumpxml, vol-create(-as), vol-create-from, vol-clone,
 * vol-delete, vol-key, vol-path, vol-name, vol-pool. Wording, option
 * order and layout are real virsh 9.0's. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "vsh.h"

#define OPT_END {NULL, 0, 0}
#define OPT_POOL {"pool", VSH_OT_DATA, VSH_OFLAG_REQ}

static const char *const pool_type_names[] = {
    "dir",  "fs",  "netfs",    "logical", "disk", "iscsi",    "scsi",
    "mpath", "rbd", "sheepdog", "gluster", "zfs",  "vstorage", "iscsi-direct",
};

static const char *const vol_type_names[] = {"file", "block", "dir", "network", "netdir",
                                             "ploop"};

/* vshPrettyCapacity: the largest unit under which the value is < 1024. */
static void pretty(unsigned long long v, char *buf, size_t size)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double d = (double)v;
    size_t u = 0;

    while (d >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
        d /= 1024;
        u++;
    }
    snprintf(buf, size, "%.2f %s", d, units[u]);
}

static const char *pool_state_name(int state, bool details)
{
    static const char *const names[] = {"inactive", "building", "running", "degraded",
                                        "inaccessible"};
    if (!details)
        return state == VIR_STORAGE_POOL_INACTIVE ? "inactive" : "active";
    return state >= 0 && state <= 4 ? names[state] : "unknown";
}

/* ---- lookups ---- */

static virStoragePoolPtr lookup_pool(struct vsh_ctl *ctl, const char *n, bool by_name)
{
    virStoragePoolPtr pool = NULL;

    if (strlen(n) == VIR_UUID_STRING_BUFLEN - 1)
        pool = virStoragePoolLookupByUUIDString(ctl->conn, n);
    if (!pool && by_name) {
        vsh_reset_libvirt_error(ctl);
        pool = virStoragePoolLookupByName(ctl->conn, n);
    }
    if (!pool)
        vsh_error(ctl, "failed to get pool '%s'", n);
    return pool;
}

static virStoragePoolPtr command_pool(struct vsh_ctl *ctl, const struct vsh_cmd *cmd,
                                      const char *opt, const char **name)
{
    const char *n = vsh_opt_string(cmd, opt);

    if (!n)
        return NULL;
    if (name)
        *name = n;
    return lookup_pool(ctl, n, true);
}

/* virshCommandOptVol: by name in --POOLOPT's pool, else by key, else by
 * path. */
static virStorageVolPtr command_vol(struct vsh_ctl *ctl, const struct vsh_cmd *cmd,
                                    const char *opt, const char *poolopt, const char **name)
{
    const char *n = vsh_opt_string(cmd, opt), *p = poolopt ? vsh_opt_string(cmd, poolopt) : NULL;
    virStoragePoolPtr pool = NULL;
    virStorageVolPtr vol = NULL;

    if (!n)
        return NULL;
    if (name)
        *name = n;
    if (p) {
        if (!(pool = lookup_pool(ctl, p, true)))
            return NULL;
        if (virStoragePoolIsActive(pool) != 1) {
            vsh_error(ctl, "pool '%s' is not active", p);
            virStoragePoolFree(pool);
            return NULL;
        }
        vol = virStorageVolLookupByName(pool, n);
    }
    if (!vol) {
        vsh_reset_libvirt_error(ctl);
        vol = virStorageVolLookupByKey(ctl->conn, n);
    }
    if (!vol) {
        vsh_reset_libvirt_error(ctl);
        vol = virStorageVolLookupByPath(ctl->conn, n);
    }
    if (!vol) {
        if (pool || !poolopt)
            vsh_error(ctl, "failed to get vol '%s'", n);
        else
            vsh_error(ctl, "failed to get vol '%s', specifying --%s might help", n, poolopt);
    }
    if (pool)
        virStoragePoolFree(pool);
    return vol;
}

/* ---- pool-list ---- */

static const struct vsh_opt_def opts_pool_list[] = {
    {"inactive", VSH_OT_BOOL, 0}, {"all", VSH_OT_BOOL, 0},
    {"transient", VSH_OT_BOOL, 0}, {"persistent", VSH_OT_BOOL, 0},
    {"autostart", VSH_OT_BOOL, 0}, {"no-autostart", VSH_OT_BOOL, 0},
    {"type", VSH_OT_STRING, 0},    {"details", VSH_OT_BOOL, 0},
    {"uuid", VSH_OT_BOOL, 0},      {"name", VSH_OT_BOOL, 0},
    OPT_END,
};

static int pool_order(const void *a, const void *b)
{
    return strcasecmp(virStoragePoolGetName(*(virStoragePoolPtr const *)a),
                      virStoragePoolGetName(*(virStoragePoolPtr const *)b));
}

/* --type's comma-separated names as list flags; false with the error. */
static bool type_flags(struct vsh_ctl *ctl, const char *types, unsigned int *flags)
{
    char *copy = strdup(types), *save = NULL;
    bool ok = copy != NULL;

    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; ok && t;
         t = strtok_r(NULL, ",", &save)) {
        size_t i = 0;
        while (i < sizeof(pool_type_names) / sizeof(pool_type_names[0]) &&
               strcmp(pool_type_names[i], t) != 0)
            i++;
        if (i == sizeof(pool_type_names) / sizeof(pool_type_names[0])) {
            vsh_error(ctl, "Invalid pool type '%s'", t);
            ok = false;
        } else {
            *flags |= VIR_CONNECT_LIST_STORAGE_POOLS_DIR << i;
        }
    }
    free(copy);
    return ok;
}

static bool cmd_pool_list(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool details = vsh_opt_bool(cmd, "details"), uuid = vsh_opt_bool(cmd, "uuid"),
         name = vsh_opt_bool(cmd, "name");
    unsigned int flags = VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE;
    const char *types = vsh_opt_string(cmd, "type");
    virStoragePoolPtr *pools = NULL;
    struct vsh_table *t = NULL;
    int n;

    if (details && uuid) {
        vsh_error(ctl, "%s", "Options --details and --uuid are mutually exclusive");
        return false;
    }
    if (details && name) {
        vsh_error(ctl, "%s", "Options --details and --name are mutually exclusive");
        return false;
    }
    if (vsh_opt_bool(cmd, "inactive"))
        flags = VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE;
    if (vsh_opt_bool(cmd, "all"))
        flags = VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE | VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE;
    if (vsh_opt_bool(cmd, "persistent"))
        flags |= VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT;
    if (vsh_opt_bool(cmd, "transient"))
        flags |= VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT;
    if (vsh_opt_bool(cmd, "autostart"))
        flags |= VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART;
    if (vsh_opt_bool(cmd, "no-autostart"))
        flags |= VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART;
    if (types && !type_flags(ctl, types, &flags))
        return false;
    n = virConnectListAllStoragePools(ctl->conn, &pools, flags);
    if (n < 0) {
        vsh_error(ctl, "%s", "Failed to list pools");
        return false;
    }
    qsort(pools, (size_t)n, sizeof(*pools), pool_order);
    if (uuid || name) {
        for (int i = 0; i < n; i++) {
            char u[VIR_UUID_STRING_BUFLEN];
            virStoragePoolGetUUIDString(pools[i], u);
            if (uuid && name)
                vsh_print(ctl, "%-36s %-20s\n", u, virStoragePoolGetName(pools[i]));
            else if (uuid)
                vsh_print(ctl, "%-36s\n", u);
            else
                vsh_print(ctl, "%-20s\n", virStoragePoolGetName(pools[i]));
        }
        goto out;
    }
    t = details ? vsh_table_new("Name", "State", "Autostart", "Persistent", "Capacity",
                                "Allocation", "Available", NULL)
                : vsh_table_new("Name", "State", "Autostart", NULL);
    for (int i = 0; i < n; i++) {
        virStoragePoolInfo info;
        int autostart = 0, persistent;
        const char *as, *st = "unknown";
        char cap[32] = "-", alloc[32] = "-", avail[32] = "-";

        as = virStoragePoolGetAutostart(pools[i], &autostart) < 0 ? "no autostart"
             : autostart                                          ? "yes"
                                                                  : "no";
        persistent = details ? virStoragePoolIsPersistent(pools[i]) : 0;
        if (virStoragePoolGetInfo(pools[i], &info) == 0) {
            st = pool_state_name(info.state, details);
            if (details && (info.state == VIR_STORAGE_POOL_RUNNING ||
                            info.state == VIR_STORAGE_POOL_DEGRADED)) {
                pretty(info.capacity, cap, sizeof(cap));
                pretty(info.allocation, alloc, sizeof(alloc));
                pretty(info.available, avail, sizeof(avail));
            }
        } else if (details) {
            strcpy(cap, "unknown");
            strcpy(alloc, "unknown");
            strcpy(avail, "unknown");
        }
        vsh_reset_libvirt_error(ctl);
        if (details)
            vsh_table_row(t, virStoragePoolGetName(pools[i]), st, as,
                          persistent < 0 ? "unknown" : persistent ? "yes" : "no", cap, alloc,
                          avail, NULL);
        else
            vsh_table_row(t, virStoragePoolGetName(pools[i]), st, as, NULL);
    }
    vsh_table_print(ctl, t);
out:
    vsh_table_free(t);
    for (int i = 0; i < n; i++)
        virStoragePoolFree(pools[i]);
    free(pools);
    return true;
}

/* ---- one pool ---- */

static const struct vsh_opt_def opts_pool_only[] = {
    OPT_POOL,
    OPT_END,
};

static const struct vsh_opt_def opts_pool_info[] = {
    OPT_POOL,
    {"bytes", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_pool_info(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virStoragePoolPtr pool = command_pool(ctl, cmd, "pool", NULL);
    bool bytes = vsh_opt_bool(cmd, "bytes"), ok = false;
    virStoragePoolInfo info;
    char u[VIR_UUID_STRING_BUFLEN];

    if (!pool)
        return false;
    vsh_print(ctl, "%-15s %s\n", "Name:", virStoragePoolGetName(pool));
    if (virStoragePoolGetUUIDString(pool, u) == 0)
        vsh_print(ctl, "%-15s %s\n", "UUID:", u);
    if (virStoragePoolGetInfo(pool, &info) == 0) {
        int autostart = 0, persistent = virStoragePoolIsPersistent(pool);
        vsh_print(ctl, "%-15s %s\n", "State:", pool_state_name(info.state, true));
        if (persistent < 0)
            vsh_print(ctl, "%-15s %s\n", "Persistent:", "unknown");
        else
            vsh_print(ctl, "%-15s %s\n", "Persistent:", persistent ? "yes" : "no");
        if (virStoragePoolGetAutostart(pool, &autostart) < 0)
            vsh_print(ctl, "%-15s %s\n", "Autostart:", "no autostart");
        else
            vsh_print(ctl, "%-15s %s\n", "Autostart:", autostart ? "yes" : "no");
        if (info.state == VIR_STORAGE_POOL_RUNNING || info.state == VIR_STORAGE_POOL_DEGRADED) {
            const char *names[] = {"Capacity:", "Allocation:", "Available:"};
            unsigned long long vals[] = {info.capacity, info.allocation, info.available};
            for (int i = 0; i < 3; i++) {
                char buf[32];
                if (bytes) {
                    vsh_print(ctl, "%-15s %llu\n", names[i], vals[i]);
                } else {
                    pretty(vals[i], buf, sizeof(buf));
                    vsh_print(ctl, "%-15s %s\n", names[i], buf);
                }
            }
        }
        ok = true;
    }
    virStoragePoolFree(pool);
    return ok;
}

static const struct vsh_opt_def opts_pool_dumpxml[] = {
    OPT_POOL,
    {"inactive", VSH_OT_BOOL, 0},
    {"xpath", VSH_OT_STRING, 0},
    {"wrap", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_pool_dumpxml(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virStoragePoolPtr pool = command_pool(ctl, cmd, "pool", NULL);
    char *xml;

    if (!pool)
        return false;
    xml = virStoragePoolGetXMLDesc(pool, vsh_opt_bool(cmd, "inactive") ? 1 : 0);
    virStoragePoolFree(pool);
    if (!xml)
        return false;
    vsh_print(ctl, "%s", xml);
    free(xml);
    return true;
}

static const struct vsh_opt_def opts_pool_file[] = {
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"build", VSH_OT_BOOL, 0},
    {"no-overwrite", VSH_OT_BOOL, 0},
    {"overwrite", VSH_OT_BOOL, 0},
    {"validate", VSH_OT_BOOL, 0},
    OPT_END,
};

static const struct vsh_opt_def opts_pool_define_file[] = {
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"validate", VSH_OT_BOOL, 0},
    OPT_END,
};

/* The build flags of pool-create and pool-start. */
static bool build_flags(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, unsigned int *flags)
{
    bool build = vsh_opt_bool(cmd, "build"), no = vsh_opt_bool(cmd, "no-overwrite"),
         over = vsh_opt_bool(cmd, "overwrite");

    if (no && over) {
        vsh_error(ctl, "%s", "Options --overwrite and --no-overwrite are mutually exclusive");
        return false;
    }
    *flags = (build ? 1 : 0) | (over ? 2 : 0) | (no ? 4 : 0);
    return true;
}

static bool cmd_pool_define(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file");
    char *xml = vsh_read_file(ctl, file);
    virStoragePoolPtr pool;

    if (!xml)
        return false;
    pool = virStoragePoolDefineXML(ctl->conn, xml, vsh_opt_bool(cmd, "validate") ? 1 : 0);
    free(xml);
    if (!pool) {
        vsh_error(ctl, "Failed to define pool from %s", file);
        return false;
    }
    vsh_print_extra(ctl, "Pool %s defined from %s\n", virStoragePoolGetName(pool), file);
    virStoragePoolFree(pool);
    return true;
}

static bool cmd_pool_create(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file");
    unsigned int flags;
    virStoragePoolPtr pool;
    char *xml;

    if (!build_flags(ctl, cmd, &flags) || !(xml = vsh_read_file(ctl, file)))
        return false;
    pool = virStoragePoolCreateXML(ctl->conn, xml, flags);
    free(xml);
    if (!pool) {
        vsh_error(ctl, "Failed to create pool from %s", file);
        return false;
    }
    vsh_print_extra(ctl, "Pool %s created from %s\n", virStoragePoolGetName(pool), file);
    virStoragePoolFree(pool);
    return true;
}

static const struct vsh_opt_def opts_pool_as[] = {
    {"name", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"type", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"print-xml", VSH_OT_BOOL, 0},
    {"source-host", VSH_OT_STRING, 0},
    {"source-path", VSH_OT_STRING, 0},
    {"source-dev", VSH_OT_STRING, 0},
    {"source-name", VSH_OT_STRING, 0},
    {"target", VSH_OT_STRING, 0},
    {"source-format", VSH_OT_STRING, 0},
    {"build", VSH_OT_BOOL, 0},
    {"no-overwrite", VSH_OT_BOOL, 0},
    {"overwrite", VSH_OT_BOOL, 0},
    OPT_END,
};

static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* The XML pool-define-as and pool-create-as build from their options. */
static char *pool_as_xml(const struct vsh_cmd *cmd)
{
    const char *host = vsh_opt_string(cmd, "source-host"),
               *path = vsh_opt_string(cmd, "source-path"),
               *dev = vsh_opt_string(cmd, "source-dev"),
               *sname = vsh_opt_string(cmd, "source-name"),
               *target = vsh_opt_string(cmd, "target"),
               *fmt = vsh_opt_string(cmd, "source-format");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (!f)
        return NULL;
    fputs("<pool type='", f);
    put_escaped(f, vsh_opt_string(cmd, "type"));
    fputs("'>\n  <name>", f);
    put_escaped(f, vsh_opt_string(cmd, "name"));
    fputs("</name>\n", f);
    if (host || path || dev || fmt || sname) {
        fputs("  <source>\n", f);
        if (host) {
            fputs("    <host name='", f);
            put_escaped(f, host);
            fputs("'/>\n", f);
        }
        if (path) {
            fputs("    <dir path='", f);
            put_escaped(f, path);
            fputs("'/>\n", f);
        }
        if (dev) {
            fputs("    <device path='", f);
            put_escaped(f, dev);
            fputs("'/>\n", f);
        }
        if (fmt) {
            fputs("    <format type='", f);
            put_escaped(f, fmt);
            fputs("'/>\n", f);
        }
        if (sname) {
            fputs("    <name>", f);
            put_escaped(f, sname);
            fputs("</name>\n", f);
        }
        fputs("  </source>\n", f);
    }
    if (target) {
        fputs("  <target>\n    <path>", f);
        put_escaped(f, target);
        fputs("</path>\n  </target>\n", f);
    }
    fputs("</pool>\n", f);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

static bool pool_as(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, bool create)
{
    const char *name = vsh_opt_string(cmd, "name");
    unsigned int flags = 0;
    virStoragePoolPtr pool;
    char *xml;

    if (create && !build_flags(ctl, cmd, &flags))
        return false;
    if (!(xml = pool_as_xml(cmd))) {
        vsh_error(ctl, "%s", "out of memory");
        return false;
    }
    if (vsh_opt_bool(cmd, "print-xml")) {
        vsh_print(ctl, "%s", xml);
        free(xml);
        return true;
    }
    pool = create ? virStoragePoolCreateXML(ctl->conn, xml, flags)
                  : virStoragePoolDefineXML(ctl->conn, xml, 0);
    free(xml);
    if (!pool) {
        vsh_error(ctl, create ? "Failed to create pool %s" : "Failed to define pool %s", name);
        return false;
    }
    vsh_print_extra(ctl, create ? "Pool %s created\n" : "Pool %s defined\n",
                    virStoragePoolGetName(pool));
    virStoragePoolFree(pool);
    return true;
}

static bool cmd_pool_define_as(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return pool_as(ctl, cmd, false);
}

static bool cmd_pool_create_as(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return pool_as(ctl, cmd, true);
}

/* The pool calls that take the pool and report "Pool NAME DONE" or
 * "Failed to VERB pool NAME". */
enum pool_op { OP_BUILD, OP_START, OP_REFRESH, OP_DESTROY, OP_DELETE, OP_UNDEFINE };

static bool pool_simple(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, enum pool_op op)
{
    static const char *const verbs[] = {"build", "start", "refresh", "destroy", "delete",
                                        "undefine"};
    static const char *const done[] = {"built", "started", "refreshed", "destroyed", "deleted",
                                       "has been undefined"};
    const char *name;
    virStoragePoolPtr pool = command_pool(ctl, cmd, "pool", &name);
    unsigned int flags = 0;
    int rc = -1;

    if (!pool)
        return false;
    if (op == OP_BUILD || op == OP_START) {
        if (!build_flags(ctl, cmd, &flags)) {
            virStoragePoolFree(pool);
            return false;
        }
        if (op == OP_BUILD)
            flags = (flags & 2 ? 1 : 0) | (flags & 4 ? 2 : 0);
    }
    switch (op) {
    case OP_BUILD: rc = virStoragePoolBuild(pool, flags); break;
    case OP_START: rc = virStoragePoolCreate(pool, flags); break;
    case OP_REFRESH: rc = virStoragePoolRefresh(pool, 0); break;
    case OP_DESTROY: rc = virStoragePoolDestroy(pool); break;
    case OP_DELETE: rc = virStoragePoolDelete(pool, 0); break;
    case OP_UNDEFINE: rc = virStoragePoolUndefine(pool); break;
    }
    if (rc < 0)
        vsh_error(ctl, "Failed to %s pool %s", verbs[op], name);
    else if (op == OP_UNDEFINE)
        vsh_print_extra(ctl, "Pool %s %s\n", name, done[op]);
    else
        vsh_print_extra(ctl, "Pool %s %s\n", name, done[op]);
    virStoragePoolFree(pool);
    return rc == 0;
}

static const struct vsh_opt_def opts_pool_build[] = {
    OPT_POOL,
    {"no-overwrite", VSH_OT_BOOL, 0},
    {"overwrite", VSH_OT_BOOL, 0},
    OPT_END,
};

static const struct vsh_opt_def opts_pool_start[] = {
    OPT_POOL,
    {"build", VSH_OT_BOOL, 0},
    {"no-overwrite", VSH_OT_BOOL, 0},
    {"overwrite", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_pool_build(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return pool_simple(ctl, cmd, OP_BUILD);
}

static bool cmd_pool_start(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return pool_simple(ctl, cmd, OP_START);
}

static bool cmd_pool_refresh(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return pool_simple(ctl, cmd, OP_REFRESH);
}

static bool cmd_pool_destroy(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return pool_simple(ctl, cmd, OP_DESTROY);
}

static bool cmd_pool_delete(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return pool_simple(ctl, cmd, OP_DELETE);
}

static bool cmd_pool_undefine(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return pool_simple(ctl, cmd, OP_UNDEFINE);
}

static const struct vsh_opt_def opts_pool_autostart[] = {
    OPT_POOL,
    {"disable", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_pool_autostart(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name;
    virStoragePoolPtr pool = command_pool(ctl, cmd, "pool", &name);
    bool on = !vsh_opt_bool(cmd, "disable");

    if (!pool)
        return false;
    if (virStoragePoolSetAutostart(pool, on) < 0) {
        vsh_error(ctl, on ? "failed to mark pool %s as autostarted"
                          : "failed to unmark pool %s as autostarted",
                  name);
        virStoragePoolFree(pool);
        return false;
    }
    vsh_print_extra(ctl, on ? "Pool %s marked as autostarted\n"
                            : "Pool %s unmarked as autostarted\n",
                    name);
    virStoragePoolFree(pool);
    return true;
}

static bool cmd_pool_uuid(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virStoragePoolPtr pool = command_pool(ctl, cmd, "pool", NULL);
    char u[VIR_UUID_STRING_BUFLEN];
    bool ok;

    if (!pool)
        return false;
    ok = virStoragePoolGetUUIDString(pool, u) == 0;
    if (ok)
        vsh_print(ctl, "%s\n", u);
    else
        vsh_error(ctl, "%s", "failed to get pool UUID");
    virStoragePoolFree(pool);
    return ok;
}

static bool cmd_pool_name(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *n = vsh_opt_string(cmd, "pool");
    virStoragePoolPtr pool = n ? lookup_pool(ctl, n, false) : NULL;

    if (!pool)
        return false;
    vsh_print(ctl, "%s\n", virStoragePoolGetName(pool));
    virStoragePoolFree(pool);
    return true;
}

/* ---- source discovery ---- */

static const struct vsh_opt_def opts_find_sources[] = {
    {"type", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"srcSpec", VSH_OT_STRING, 0},
    OPT_END,
};

static const struct vsh_opt_def opts_find_sources_as[] = {
    {"type", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"host", VSH_OT_STRING, 0},
    {"port", VSH_OT_STRING, 0},
    {"initiator", VSH_OT_STRING, 0},
    OPT_END,
};

static bool find_sources(struct vsh_ctl *ctl, const char *type, const char *spec)
{
    char *xml = virConnectFindStoragePoolSources(ctl->conn, type, spec, 0);

    if (!xml) {
        vsh_error(ctl, "Failed to find any %s pool sources", type);
        return false;
    }
    vsh_print(ctl, "%s", xml);
    free(xml);
    return true;
}

static bool cmd_find_sources(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *type = vsh_opt_string(cmd, "type"), *file = vsh_opt_string(cmd, "srcSpec");
    char *spec = NULL;
    bool ok;

    if (file && !(spec = vsh_read_file(ctl, file)))
        return false;
    ok = find_sources(ctl, type, spec);
    free(spec);
    return ok;
}

static bool cmd_find_sources_as(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *type = vsh_opt_string(cmd, "type"), *host = vsh_opt_string(cmd, "host"),
               *port = vsh_opt_string(cmd, "port"),
               *initiator = vsh_opt_string(cmd, "initiator");
    char *spec = NULL;
    size_t len = 0;
    bool ok;

    if (host) {
        FILE *f = open_memstream(&spec, &len);
        if (!f)
            return false;
        fputs("<source>\n  <host name='", f);
        put_escaped(f, host);
        fputs("'", f);
        if (port) {
            fputs(" port='", f);
            put_escaped(f, port);
            fputs("'", f);
        }
        fputs("/>\n", f);
        if (initiator) {
            fputs("  <initiator>\n    <iqn name='", f);
            put_escaped(f, initiator);
            fputs("'/>\n  </initiator>\n", f);
        }
        fputs("</source>\n", f);
        fclose(f);
    }
    ok = find_sources(ctl, type, spec);
    free(spec);
    return ok;
}

/* ---- volumes ---- */

static const struct vsh_opt_def opts_vol_list[] = {
    OPT_POOL,
    {"details", VSH_OT_BOOL, 0},
    OPT_END,
};

static int vol_order(const void *a, const void *b)
{
    return strcmp(virStorageVolGetName(*(virStorageVolPtr const *)a),
                  virStorageVolGetName(*(virStorageVolPtr const *)b));
}

static bool cmd_vol_list(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virStoragePoolPtr pool = command_pool(ctl, cmd, "pool", NULL);
    bool details = vsh_opt_bool(cmd, "details");
    virStorageVolPtr *vols = NULL;
    struct vsh_table *t;
    int n;

    if (!pool)
        return false;
    n = virStoragePoolListAllVolumes(pool, &vols, 0);
    virStoragePoolFree(pool);
    if (n < 0) {
        vsh_error(ctl, "%s", "Failed to list volumes");
        return false;
    }
    qsort(vols, (size_t)n, sizeof(*vols), vol_order);
    t = details ? vsh_table_new("Name", "Path", "Type", "Capacity", "Allocation", NULL)
                : vsh_table_new("Name", "Path", NULL);
    for (int i = 0; i < n; i++) {
        char *path = virStorageVolGetPath(vols[i]);
        virStorageVolInfo info;
        if (details) {
            char cap[32] = "unknown", alloc[32] = "unknown";
            const char *type = "unknown";
            if (virStorageVolGetInfo(vols[i], &info) == 0) {
                type = info.type >= 0 && info.type <= 5 ? vol_type_names[info.type] : "unknown";
                pretty(info.capacity, cap, sizeof(cap));
                pretty(info.allocation, alloc, sizeof(alloc));
            }
            vsh_table_row(t, virStorageVolGetName(vols[i]), path ? path : "unknown", type, cap,
                          alloc, NULL);
        } else {
            vsh_table_row(t, virStorageVolGetName(vols[i]), path ? path : "unknown", NULL);
        }
        vsh_reset_libvirt_error(ctl);
        free(path);
    }
    vsh_table_print(ctl, t);
    vsh_table_free(t);
    for (int i = 0; i < n; i++)
        virStorageVolFree(vols[i]);
    free(vols);
    return true;
}

static const struct vsh_opt_def opts_vol_pool[] = {
    {"vol", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"pool", VSH_OT_STRING, 0},
    OPT_END,
};

static const struct vsh_opt_def opts_vol_info[] = {
    {"vol", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"pool", VSH_OT_STRING, 0},
    {"bytes", VSH_OT_BOOL, 0},
    {"physical", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_vol_info(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virStorageVolPtr vol = command_vol(ctl, cmd, "vol", "pool", NULL);
    bool bytes = vsh_opt_bool(cmd, "bytes");
    virStorageVolInfo info;
    bool ok;

    if (!vol)
        return false;
    vsh_print(ctl, "%-15s %s\n", "Name:", virStorageVolGetName(vol));
    ok = (vsh_opt_bool(cmd, "physical")
              ? virStorageVolGetInfoFlags(vol, &info, VIR_STORAGE_VOL_GET_PHYSICAL)
              : virStorageVolGetInfo(vol, &info)) == 0;
    if (ok) {
        const char *names[] = {"Capacity:", "Allocation:"};
        unsigned long long vals[] = {info.capacity, info.allocation};
        vsh_print(ctl, "%-15s %s\n", "Type:",
                  info.type >= 0 && info.type <= 5 ? vol_type_names[info.type] : "unknown");
        for (int i = 0; i < 2; i++) {
            char buf[32];
            if (bytes) {
                vsh_print(ctl, "%-15s %llu bytes\n", names[i], vals[i]);
            } else {
                pretty(vals[i], buf, sizeof(buf));
                vsh_print(ctl, "%-15s %s\n", names[i], buf);
            }
        }
    }
    virStorageVolFree(vol);
    return ok;
}

static bool cmd_vol_dumpxml(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virStorageVolPtr vol = command_vol(ctl, cmd, "vol", "pool", NULL);
    char *xml;

    if (!vol)
        return false;
    xml = virStorageVolGetXMLDesc(vol, 0);
    virStorageVolFree(vol);
    if (!xml)
        return false;
    vsh_print(ctl, "%s", xml);
    free(xml);
    return true;
}

static bool cmd_vol_key(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virStorageVolPtr vol = command_vol(ctl, cmd, "vol", "pool", NULL);

    if (!vol)
        return false;
    vsh_print(ctl, "%s\n", virStorageVolGetKey(vol));
    virStorageVolFree(vol);
    return true;
}

static bool cmd_vol_path(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virStorageVolPtr vol = command_vol(ctl, cmd, "vol", "pool", NULL);
    char *path;

    if (!vol)
        return false;
    path = virStorageVolGetPath(vol);
    virStorageVolFree(vol);
    if (!path)
        return false;
    vsh_print(ctl, "%s\n", path);
    free(path);
    return true;
}

static const struct vsh_opt_def opts_vol_name[] = {
    {"vol", VSH_OT_DATA, VSH_OFLAG_REQ},
    OPT_END,
};

static bool cmd_vol_name(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virStorageVolPtr vol = command_vol(ctl, cmd, "vol", NULL, NULL);

    if (!vol)
        return false;
    vsh_print(ctl, "%s\n", virStorageVolGetName(vol));
    virStorageVolFree(vol);
    return true;
}

static const struct vsh_opt_def opts_vol_pool_of[] = {
    {"vol", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"uuid", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_vol_pool(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virStorageVolPtr vol = command_vol(ctl, cmd, "vol", NULL, NULL);
    virStoragePoolPtr pool;

    if (!vol)
        return false;
    pool = virStoragePoolLookupByVolume(vol);
    virStorageVolFree(vol);
    if (!pool) {
        vsh_error(ctl, "%s", "failed to get parent pool");
        return false;
    }
    if (vsh_opt_bool(cmd, "uuid")) {
        char u[VIR_UUID_STRING_BUFLEN];
        virStoragePoolGetUUIDString(pool, u);
        vsh_print(ctl, "%s\n", u);
    } else {
        vsh_print(ctl, "%s\n", virStoragePoolGetName(pool));
    }
    virStoragePoolFree(pool);
    return true;
}

static const struct vsh_opt_def opts_vol_delete[] = {
    {"vol", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"pool", VSH_OT_STRING, 0},
    {"delete-snapshots", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_vol_delete(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name;
    virStorageVolPtr vol = command_vol(ctl, cmd, "vol", "pool", &name);
    bool ok;

    if (!vol)
        return false;
    ok = virStorageVolDelete(vol, vsh_opt_bool(cmd, "delete-snapshots") ? 2 : 0) == 0;
    if (ok)
        vsh_print_extra(ctl, "Vol %s deleted\n", name);
    else
        vsh_error(ctl, "Failed to delete vol %s", name);
    virStorageVolFree(vol);
    return ok;
}

static const struct vsh_opt_def opts_vol_create[] = {
    OPT_POOL,
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"prealloc-metadata", VSH_OT_BOOL, 0},
    {"validate", VSH_OT_BOOL, 0},
    OPT_END,
};

static unsigned int vol_create_flags(const struct vsh_cmd *cmd)
{
    return (vsh_opt_bool(cmd, "prealloc-metadata") ? 1 : 0) |
           (vsh_opt_bool(cmd, "validate") ? 4 : 0);
}

static bool cmd_vol_create(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file");
    virStoragePoolPtr pool = command_pool(ctl, cmd, "pool", NULL);
    virStorageVolPtr vol;
    char *xml;

    if (!pool)
        return false;
    if (!(xml = vsh_read_file(ctl, file))) {
        virStoragePoolFree(pool);
        return false;
    }
    vol = virStorageVolCreateXML(pool, xml, vol_create_flags(cmd));
    free(xml);
    virStoragePoolFree(pool);
    if (!vol) {
        vsh_error(ctl, "Failed to create vol from %s", file);
        return false;
    }
    vsh_print_extra(ctl, "Vol %s created from %s\n", virStorageVolGetName(vol), file);
    virStorageVolFree(vol);
    return true;
}

static const struct vsh_opt_def opts_vol_create_as[] = {
    OPT_POOL,
    {"name", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"capacity", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"allocation", VSH_OT_STRING, 0},
    {"format", VSH_OT_STRING, 0},
    {"backing-vol", VSH_OT_STRING, 0},
    {"backing-vol-format", VSH_OT_STRING, 0},
    {"prealloc-metadata", VSH_OT_BOOL, 0},
    {"print-xml", VSH_OT_BOOL, 0},
    OPT_END,
};

/* virsh's vshVolSize: a number with an optional unit, in bytes. */
static int vol_size(const char *s, unsigned long long *out)
{
    char *end;
    unsigned long long v, mult = 1;

    if (!isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    if (*end && strcasecmp(end, "b") && strcasecmp(end, "byte") && strcasecmp(end, "bytes")) {
        unsigned long long base;
        const char *pw = "kmgtpe", *at = strchr(pw, tolower((unsigned char)*end));
        if (!end[1] || strcasecmp(end + 1, "iB") == 0)
            base = 1024;
        else if ((end[1] == 'b' || end[1] == 'B') && !end[2])
            base = 1000;
        else
            return -2;
        if (!at || !*end)
            return -2;
        for (long i = 0; i <= at - pw; i++)
            mult *= base;
    }
    if (v > ~0ULL / mult)
        return -3;
    *out = v * mult;
    return 0;
}

/* "Malformed size" and, as the library words it, why. */
static bool size_ok(struct vsh_ctl *ctl, const char *s, unsigned long long *out)
{
    int r = vol_size(s, out);
    const char *end = s;

    if (r == 0)
        return true;
    vsh_error(ctl, "Malformed size %s", s);
    while (isdigit((unsigned char)*end))
        end++;
    if (r == -2)
        vsh_error(ctl, "invalid argument: unknown suffix '%s'", end);
    else if (r == -3)
        vsh_error(ctl, "%s", "numerical overflow: value too large");
    return false;
}

static bool cmd_vol_create_as(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name = vsh_opt_string(cmd, "name"), *cap = vsh_opt_string(cmd, "capacity"),
               *alloc = vsh_opt_string(cmd, "allocation"),
               *fmt = vsh_opt_string(cmd, "format"),
               *backing = vsh_opt_string(cmd, "backing-vol"),
               *bfmt = vsh_opt_string(cmd, "backing-vol-format");
    virStoragePoolPtr pool = command_pool(ctl, cmd, "pool", NULL);
    unsigned long long capacity, allocation = 0;
    char *xml = NULL, *bpath = NULL;
    size_t len = 0;
    bool ok = false;
    FILE *f;

    if (!pool)
        return false;
    if (!size_ok(ctl, cap, &capacity) || (alloc && !size_ok(ctl, alloc, &allocation)))
        goto out;
    if (backing) {
        virStorageVolPtr b = virStorageVolLookupByName(pool, backing);
        if (!b)
            b = virStorageVolLookupByKey(ctl->conn, backing);
        if (!b)
            b = virStorageVolLookupByPath(ctl->conn, backing);
        if (!b) {
            vsh_error(ctl, "failed to get vol '%s'", backing);
            goto out;
        }
        vsh_reset_libvirt_error(ctl);
        bpath = virStorageVolGetPath(b);
        virStorageVolFree(b);
        if (!bpath)
            goto out;
    }
    if (!(f = open_memstream(&xml, &len)))
        goto out;
    fputs("<volume>\n  <name>", f);
    put_escaped(f, name);
    fprintf(f, "</name>\n  <capacity>%llu</capacity>\n", capacity);
    if (alloc)
        fprintf(f, "  <allocation>%llu</allocation>\n", allocation);
    if (fmt) {
        fputs("  <target>\n    <format type='", f);
        put_escaped(f, fmt);
        fputs("'/>\n  </target>\n", f);
    }
    if (bpath) {
        fputs("  <backingStore>\n    <path>", f);
        put_escaped(f, bpath);
        fputs("</path>\n", f);
        if (bfmt) {
            fputs("    <format type='", f);
            put_escaped(f, bfmt);
            fputs("'/>\n", f);
        }
        fputs("  </backingStore>\n", f);
    }
    fputs("</volume>\n", f);
    if (fclose(f) != 0)
        goto out;
    if (vsh_opt_bool(cmd, "print-xml")) {
        vsh_print(ctl, "%s", xml);
        ok = true;
        goto out;
    }
    virStorageVolPtr vol =
        virStorageVolCreateXML(pool, xml, vsh_opt_bool(cmd, "prealloc-metadata") ? 1 : 0);
    if (!vol) {
        vsh_error(ctl, "Failed to create vol %s", name);
        goto out;
    }
    vsh_print_extra(ctl, "Vol %s created\n", virStorageVolGetName(vol));
    virStorageVolFree(vol);
    ok = true;
out:
    free(xml);
    free(bpath);
    virStoragePoolFree(pool);
    return ok;
}

static const struct vsh_opt_def opts_vol_create_from[] = {
    OPT_POOL,
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"vol", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"inputpool", VSH_OT_STRING, 0},
    {"prealloc-metadata", VSH_OT_BOOL, 0},
    {"reflink", VSH_OT_BOOL, 0},
    {"validate", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_vol_create_from(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file");
    virStoragePoolPtr pool = command_pool(ctl, cmd, "pool", NULL);
    virStorageVolPtr in = NULL, vol = NULL;
    char *xml = NULL;
    bool ok = false;
    unsigned int flags = (vsh_opt_bool(cmd, "prealloc-metadata") ? 1 : 0) |
                         (vsh_opt_bool(cmd, "reflink") ? 2 : 0) |
                         (vsh_opt_bool(cmd, "validate") ? 4 : 0);

    if (!pool)
        return false;
    if (!(in = command_vol(ctl, cmd, "vol", "inputpool", NULL)) ||
        !(xml = vsh_read_file(ctl, file)))
        goto out;
    vol = virStorageVolCreateXMLFrom(pool, xml, in, flags);
    if (!vol) {
        vsh_error(ctl, "Failed to create vol from %s", file);
        goto out;
    }
    vsh_print_extra(ctl, "Vol %s created from input vol %s\n", virStorageVolGetName(vol),
                    virStorageVolGetName(in));
    ok = true;
out:
    free(xml);
    if (vol)
        virStorageVolFree(vol);
    if (in)
        virStorageVolFree(in);
    virStoragePoolFree(pool);
    return ok;
}

static const struct vsh_opt_def opts_vol_clone[] = {
    {"vol", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"newname", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"pool", VSH_OT_STRING, 0},
    {"prealloc-metadata", VSH_OT_BOOL, 0},
    {"reflink", VSH_OT_BOOL, 0},
    {"print-xml", VSH_OT_BOOL, 0},
    OPT_END,
};

/* The original's XML with its first <name> replaced by newname. */
static char *clone_xml(const char *orig, const char *newname)
{
    const char *a = strstr(orig, "<name>"), *b = a ? strstr(a, "</name>") : NULL;
    char *out = NULL;
    size_t len = 0;
    FILE *f;

    if (!b || !(f = open_memstream(&out, &len)))
        return NULL;
    fwrite(orig, 1, (size_t)(a - orig) + 6, f);
    put_escaped(f, newname);
    fputs(b, f);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static bool cmd_vol_clone(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *newname = vsh_opt_string(cmd, "newname");
    virStorageVolPtr orig = command_vol(ctl, cmd, "vol", "pool", NULL), vol = NULL;
    virStoragePoolPtr pool = NULL;
    char *xml = NULL, *newxml = NULL;
    bool ok = false;
    unsigned int flags =
        (vsh_opt_bool(cmd, "prealloc-metadata") ? 1 : 0) | (vsh_opt_bool(cmd, "reflink") ? 2 : 0);

    if (!orig)
        return false;
    if (!(pool = virStoragePoolLookupByVolume(orig))) {
        vsh_error(ctl, "%s", "failed to get parent pool");
        goto out;
    }
    if (!(xml = virStorageVolGetXMLDesc(orig, 0)) || !(newxml = clone_xml(xml, newname)))
        goto out;
    if (vsh_opt_bool(cmd, "print-xml")) {
        vsh_print(ctl, "%s", newxml);
        ok = true;
        goto out;
    }
    if (!(vol = virStorageVolCreateXMLFrom(pool, newxml, orig, flags))) {
        vsh_error(ctl, "Failed to clone vol from %s", virStorageVolGetName(orig));
        goto out;
    }
    vsh_print_extra(ctl, "Vol %s cloned from %s\n", newname, virStorageVolGetName(orig));
    ok = true;
out:
    free(xml);
    free(newxml);
    if (vol)
        virStorageVolFree(vol);
    if (pool)
        virStoragePoolFree(pool);
    virStorageVolFree(orig);
    return ok;
}

/* ---- vol-upload, vol-download: a volume's bytes over a stream ---- */

static const struct vsh_opt_def opts_vol_transfer[] = {
    {"vol", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"pool", VSH_OT_STRING, 0},
    {"offset", VSH_OT_INT, 0},
    {"length", VSH_OT_INT, 0},
    {"sparse", VSH_OT_BOOL, 0},
    OPT_END,
};

static int file_source(virStreamPtr st, char *data, size_t n, void *opaque)
{
    ssize_t got;

    (void)st;
    do
        got = read(*(int *)opaque, data, n);
    while (got < 0 && errno == EINTR);
    return (int)got;
}

static int file_sink(virStreamPtr st, const char *data, size_t n, void *opaque)
{
    (void)st;
    return vsh_write_all(*(int *)opaque, data, n) < 0 ? -1 : (int)n;
}

/* Where the file's next data or hole is, and how long it runs (a sparse
 * upload's source). */
static int file_in_data(virStreamPtr st, int *in_data, long long *length, void *opaque)
{
    int fd = *(int *)opaque;
    off_t cur = lseek(fd, 0, SEEK_CUR), data, hole, end;

    (void)st;
    if (cur < 0 || (end = lseek(fd, 0, SEEK_END)) < 0 || lseek(fd, cur, SEEK_SET) < 0)
        return -1;
    data = lseek(fd, cur, SEEK_DATA);
    if (data < 0 && errno != ENXIO)
        return -1;
    if (data < 0 || data > cur) {
        /* In a hole (up to the next data, or the end). */
        *in_data = 0;
        *length = (data < 0 ? end : data) - cur;
    } else {
        hole = lseek(fd, cur, SEEK_HOLE);
        if (hole < 0)
            return -1;
        *in_data = 1;
        *length = hole - cur;
    }
    return lseek(fd, cur, SEEK_SET) < 0 ? -1 : 0;
}

static int file_skip(virStreamPtr st, long long length, void *opaque)
{
    int fd = *(int *)opaque;

    (void)st;
    return lseek(fd, (off_t)length, SEEK_CUR) < 0 ? -1 : 0;
}

/* A hole in a download: skipped in the file, which gets its length. */
static int file_hole(virStreamPtr st, long long length, void *opaque)
{
    int fd = *(int *)opaque;
    off_t cur;

    (void)st;
    if ((cur = lseek(fd, (off_t)length, SEEK_CUR)) < 0 || ftruncate(fd, cur) < 0)
        return -1;
    return 0;
}

/* virsh's --length is "wrapped": a negative value counts from the top. */
static int opt_length(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, unsigned long long *v)
{
    const char *s = vsh_opt_string(cmd, "length");
    char *end;

    if (!s)
        return 0;
    errno = 0;
    if (*s == '-') {
        long long n = strtoll(s, &end, 10);
        *v = (unsigned long long)n;
    } else {
        *v = strtoull(s, &end, 10);
    }
    if (!*s || *end || errno) {
        vsh_error(ctl, "Numeric value '%s' for <%s> option is malformed or out of range", s,
                  "length");
        return -1;
    }
    return 1;
}

static bool vol_transfer(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, bool upload)
{
    unsigned long long offset = 0, length = 0;
    const char *name, *file;
    bool sparse = vsh_opt_bool(cmd, "sparse"), ok = false, created = false;
    virStorageVolPtr vol;
    virStreamPtr st = NULL;
    int fd = -1;

    if (vsh_opt_ull(ctl, cmd, "offset", &offset, ULLONG_MAX) < 0 || opt_length(ctl, cmd, &length) < 0)
        return false;
    if (!(vol = command_vol(ctl, cmd, "vol", "pool", &name)))
        return false;
    file = vsh_opt_string(cmd, "file");
    if (upload) {
        if ((fd = open(file, O_RDONLY)) < 0) {
            vsh_error(ctl, "cannot read %s", file);
            goto out;
        }
    } else if ((fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0666)) >= 0) {
        created = true;
    } else if (errno != EEXIST || (fd = open(file, O_WRONLY | O_TRUNC)) < 0) {
        vsh_error(ctl, "cannot create %s", file);
        goto out;
    }
    if (!(st = virStreamNew(ctl->conn, 0))) {
        vsh_error(ctl, "%s", "cannot create a new stream");
        goto out;
    }
    if (upload) {
        if (virStorageVolUpload(vol, st, offset, length,
                                sparse ? VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM : 0) < 0) {
            vsh_error(ctl, "cannot upload to volume %s", name);
            goto out;
        }
        if ((sparse ? virStreamSparseSendAll(st, file_source, file_in_data, file_skip, &fd)
                    : virStreamSendAll(st, file_source, &fd)) < 0) {
            vsh_error(ctl, "cannot send data to volume %s", name);
            goto out;
        }
    } else {
        if (virStorageVolDownload(vol, st, offset, length,
                                  sparse ? VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM : 0) < 0) {
            vsh_error(ctl, "cannot download from volume %s", name);
            goto out;
        }
        if ((sparse ? virStreamSparseRecvAll(st, file_sink, file_hole, &fd)
                    : virStreamRecvAll(st, file_sink, &fd)) < 0) {
            vsh_error(ctl, "cannot receive data from volume %s", name);
            goto out;
        }
    }
    if (close(fd) < 0) {
        fd = -1;
        vsh_error(ctl, "cannot close file %s", file);
        virStreamAbort(st);
        goto out;
    }
    fd = -1;
    if (virStreamFinish(st) < 0) {
        vsh_error(ctl, "cannot close volume %s", name);
        goto out;
    }
    ok = true;
out:
    if (fd >= 0)
        close(fd);
    if (!ok && created)
        unlink(file);
    if (st)
        virStreamFree(st);
    virStorageVolFree(vol);
    return ok;
}

static bool cmd_vol_upload(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return vol_transfer(ctl, cmd, true);
}

static bool cmd_vol_download(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return vol_transfer(ctl, cmd, false);
}

static const struct vsh_opt_def opts_vol_wipe[] = {
    {"vol", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"pool", VSH_OT_STRING, 0},
    {"algorithm", VSH_OT_STRING, 0},
    OPT_END,
};

static bool cmd_vol_wipe(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const char *const algorithms[] = {"zero",      "nnsa",       "dod",    "bsi",
                                             "gutmann",   "schneier",   "pfitzner7",
                                             "pfitzner33", "random",    "trim"};
    const char *name, *alg = vsh_opt_string(cmd, "algorithm");
    virStorageVolPtr vol = command_vol(ctl, cmd, "vol", "pool", &name);
    unsigned int a = 0;
    bool ok = false;

    if (!vol)
        return false;
    if (alg) {
        while (a < sizeof(algorithms) / sizeof(algorithms[0]) && strcmp(algorithms[a], alg))
            a++;
        if (a == sizeof(algorithms) / sizeof(algorithms[0])) {
            vsh_error(ctl, "Unsupported algorithm '%s'", alg);
            goto out;
        }
    }
    if ((a ? virStorageVolWipePattern(vol, a, 0) : virStorageVolWipe(vol, 0)) < 0) {
        vsh_error(ctl, "Failed to wipe vol %s", name);
        goto out;
    }
    vsh_print_extra(ctl, "Vol %s wiped\n", name);
    ok = true;
out:
    virStorageVolFree(vol);
    return ok;
}

static const struct vsh_opt_def opts_vol_resize[] = {
    {"vol", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"capacity", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"pool", VSH_OT_STRING, 0},
    {"allocate", VSH_OT_BOOL, 0},
    {"delta", VSH_OT_BOOL, 0},
    {"shrink", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_vol_resize(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name, *cap = vsh_opt_string(cmd, "capacity");
    virStorageVolPtr vol = command_vol(ctl, cmd, "vol", "pool", &name);
    unsigned int flags = (vsh_opt_bool(cmd, "allocate") ? VIR_STORAGE_VOL_RESIZE_ALLOCATE : 0) |
                         (vsh_opt_bool(cmd, "delta") ? VIR_STORAGE_VOL_RESIZE_DELTA : 0) |
                         (vsh_opt_bool(cmd, "shrink") ? VIR_STORAGE_VOL_RESIZE_SHRINK : 0);
    unsigned long long capacity;
    bool ok = false;

    if (!vol)
        return false;
    if (*cap == '-') {
        if (!(flags & VIR_STORAGE_VOL_RESIZE_SHRINK)) {
            vsh_error(ctl, "%s", "negative size requires --shrink");
            goto out;
        }
        flags |= VIR_STORAGE_VOL_RESIZE_DELTA;
        cap++;
    }
    if (!size_ok(ctl, cap, &capacity))
        goto out;
    if (virStorageVolResize(vol, capacity, flags) < 0) {
        vsh_error(ctl, "Failed to change size of volume '%s' %s %s", name,
                  flags & VIR_STORAGE_VOL_RESIZE_DELTA ? "by" : "to", cap);
        goto out;
    }
    vsh_print(ctl, "Size of volume '%s' successfully changed %s %s\n", name,
              flags & VIR_STORAGE_VOL_RESIZE_DELTA ? "by" : "to", cap);
    ok = true;
out:
    virStorageVolFree(vol);
    return ok;
}

static bool cmd_pool_capabilities(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    char *caps = virConnectGetStoragePoolCapabilities(ctl->conn, 0);

    (void)cmd;
    if (!caps) {
        vsh_error(ctl, "%s", "failed to get storage pool capabilities");
        return false;
    }
    vsh_print(ctl, "%s\n", caps);
    free(caps);
    return true;
}

/* pool-event */

struct pool_event_data {
    struct vsh_ctl *ctl;
    bool loop, timestamp;
    int count;
};

static const char *const pool_event_names[] = {"Defined", "Undefined", "Started", "Stopped", "Created", "Deleted"};

/* After a printed event: one-shot listening ends with the first. */
static void pool_event_seen(struct pool_event_data *d)
{
    d->count++;
    if (!d->loop)
        vsh_event_done(d->ctl);
}

static void on_pool_lifecycle(virConnectPtr conn, virStoragePoolPtr obj, int event, int detail,
                             void *opaque)
{
    struct pool_event_data *d = opaque;

    (void)conn;
    (void)detail;
    if (!d->loop && d->count)
        return;
    vsh_event_line(d->ctl, d->timestamp, "event 'lifecycle' for storage pool %s: %s", virStoragePoolGetName(obj),
                   event >= 0 && event < 6 ? pool_event_names[event] : "unknown");
    pool_event_seen(d);
}

static void on_pool_refresh(virConnectPtr conn, virStoragePoolPtr obj, void *opaque)
{
    struct pool_event_data *d = opaque;

    (void)conn;
    if (!d->loop && d->count)
        return;
    vsh_event_line(d->ctl, d->timestamp, "event 'refresh' for storage pool %s", virStoragePoolGetName(obj));
    pool_event_seen(d);
}

static const struct vsh_opt_def opts_pool_event[] = {
    {"pool", VSH_OT_STRING, 0},
    {"event", VSH_OT_STRING, 0},
    {"loop", VSH_OT_BOOL, 0},
    {"timeout", VSH_OT_INT, 0},
    {"list", VSH_OT_BOOL, 0},
    {"timestamp", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_pool_event(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name = vsh_opt_string(cmd, "event");
    struct pool_event_data data = {ctl, vsh_opt_bool(cmd, "loop"), vsh_opt_bool(cmd, "timestamp"),
                                  0};
    virStoragePoolPtr obj = NULL;
    int timeout = 0, id, event_id;
    bool ok = false;

    if (vsh_opt_bool(cmd, "list")) {
        vsh_print(ctl, "%s\n%s\n", "lifecycle", "refresh");
        return true;
    }
    if (!name) {
        vsh_error(ctl, "%s", "either --list or --event <type> is required");
        return false;
    }
    if (strcmp(name, "lifecycle") == 0) {
        event_id = VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE;
    } else if (strcmp(name, "refresh") == 0) {
        event_id = VIR_STORAGE_POOL_EVENT_ID_REFRESH;
    } else {
        vsh_error(ctl, "unknown event type %s", name);
        return false;
    }
    if (vsh_opt_int(ctl, cmd, "timeout", &timeout) < 0)
        return false;
    if (timeout < 0 || timeout > INT_MAX / 1000) {
        vsh_error(ctl, "invalid timeout");
        return false;
    }
    /* Real virsh goes on without the filter when the pool is not found. */
    if (vsh_opt_string(cmd, "pool"))
        obj = command_pool(ctl, cmd, "pool", NULL);
    vsh_event_start(ctl, timeout * 1000);
    id = virConnectStoragePoolEventRegisterAny(
        ctl->conn, obj, event_id,
        event_id == VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE ? VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool_lifecycle) : VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool_refresh),
        &data, NULL);
    if (id < 0)
        goto out;
    switch (vsh_event_wait(ctl)) {
    case VSH_EVENT_INTERRUPT:
        vsh_print(ctl, "%s", "event loop interrupted\n");
        break;
    case VSH_EVENT_TIMEOUT:
        vsh_print(ctl, "%s", "event loop timed out\n");
        break;
    case VSH_EVENT_DONE:
        break;
    }
    vsh_print(ctl, "events received: %d\n", data.count);
    ok = data.count > 0;
    if (virConnectStoragePoolEventDeregisterAny(ctl->conn, id) < 0)
        ok = false;
out:
    if (obj)
        virStoragePoolFree(obj);
    return ok;
}

static bool cmd_pool_edit(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virStoragePoolPtr pool = command_pool(ctl, cmd, "pool", NULL);
    char *xml, *edited = NULL;
    bool ok = false;

    if (!pool)
        return false;
    /* A driver that refuses the flag gets asked without it, as virsh does. */
    if (!(xml = virStoragePoolGetXMLDesc(pool, 1 /* VIR_STORAGE_XML_INACTIVE */))) {
        virErrorPtr e = virGetLastError();
        if (!e || e->code != VIR_ERR_INVALID_ARG)
            goto out;
        vsh_reset_libvirt_error(ctl);
        if (!(xml = virStoragePoolGetXMLDesc(pool, 0)))
            goto out;
    }
    int r = vsh_edit_xml(ctl, xml, &edited);
    if (r < 0)
        goto out;
    if (r == 0) {
        vsh_print_extra(ctl, "Pool %s XML configuration not changed.\n",
                        virStoragePoolGetName(pool));
        ok = true;
        goto out;
    }
    virStoragePoolPtr p = virStoragePoolDefineXML(ctl->conn, edited, 0);
    if (!p)
        vsh_edit_refused(ctl);
    vsh_print_extra(ctl, "Pool %s XML configuration edited.\n",
                    p ? virStoragePoolGetName(p) : "(null)");
    if (p)
        virStoragePoolFree(p);
    ok = true;
out:
    free(xml);
    free(edited);
    virStoragePoolFree(pool);
    return ok;
}

const struct vsh_cmd_def vsh_storage_cmds[] = {
    {"pool-event", cmd_pool_event, opts_pool_event, "Storage Pool Events", false},
    {"vol-wipe", cmd_vol_wipe, opts_vol_wipe, "wipe a vol", false},
    {"vol-resize", cmd_vol_resize, opts_vol_resize, "resize a vol", false},
    {"vol-upload", cmd_vol_upload, opts_vol_transfer, "upload file contents to a volume", false},
    {"vol-download", cmd_vol_download, opts_vol_transfer, "download volume contents to a file",
     false},
    {"pool-capabilities", cmd_pool_capabilities, NULL, "storage pool capabilities", false},
    {"pool-list", cmd_pool_list, opts_pool_list, "list pools", false},
    {"pool-info", cmd_pool_info, opts_pool_info, "storage pool information", false},
    {"pool-dumpxml", cmd_pool_dumpxml, opts_pool_dumpxml, "pool information in XML", false},
    {"pool-edit", cmd_pool_edit, opts_pool_only, "edit XML configuration for a storage pool",
     false},
    {"pool-define", cmd_pool_define, opts_pool_define_file,
     "define an inactive persistent storage pool or modify an existing persistent one from an "
     "XML file",
     false},
    {"pool-create", cmd_pool_create, opts_pool_file, "create a pool from an XML file", false},
    {"pool-define-as", cmd_pool_define_as, opts_pool_as, "define a pool from a set of args",
     false},
    {"pool-create-as", cmd_pool_create_as, opts_pool_as, "create a pool from a set of args",
     false},
    {"pool-build", cmd_pool_build, opts_pool_build, "build a pool", false},
    {"pool-start", cmd_pool_start, opts_pool_start, "start a (previously defined) inactive pool",
     false},
    {"pool-refresh", cmd_pool_refresh, opts_pool_only, "refresh a pool", false},
    {"pool-destroy", cmd_pool_destroy, opts_pool_only, "destroy (stop) a pool", false},
    {"pool-delete", cmd_pool_delete, opts_pool_only, "delete a pool", false},
    {"pool-undefine", cmd_pool_undefine, opts_pool_only, "undefine an inactive pool", false},
    {"pool-autostart", cmd_pool_autostart, opts_pool_autostart, "autostart a pool", false},
    {"pool-uuid", cmd_pool_uuid, opts_pool_only, "convert a pool name to pool UUID", false},
    {"pool-name", cmd_pool_name, opts_pool_only, "convert a pool UUID to pool name", false},
    {"find-storage-pool-sources", cmd_find_sources, opts_find_sources,
     "discover potential storage pool sources", false},
    {"find-storage-pool-sources-as", cmd_find_sources_as, opts_find_sources_as,
     "find potential storage pool sources", false},
    {"vol-list", cmd_vol_list, opts_vol_list, "list vols", false},
    {"vol-info", cmd_vol_info, opts_vol_info, "storage vol information", false},
    {"vol-dumpxml", cmd_vol_dumpxml, opts_vol_pool, "vol information in XML", false},
    {"vol-create", cmd_vol_create, opts_vol_create, "create a vol from an XML file", false},
    {"vol-create-as", cmd_vol_create_as, opts_vol_create_as, "create a volume from a set of args",
     false},
    {"vol-create-from", cmd_vol_create_from, opts_vol_create_from,
     "create a vol, using another volume as input", false},
    {"vol-clone", cmd_vol_clone, opts_vol_clone, "clone a volume.", false},
    {"vol-delete", cmd_vol_delete, opts_vol_delete, "delete a vol", false},
    {"vol-key", cmd_vol_key, opts_vol_pool, "returns the volume key for a given volume name or path",
     false},
    {"vol-path", cmd_vol_path, opts_vol_pool, "returns the volume path for a given volume name or key",
     false},
    {"vol-name", cmd_vol_name, opts_vol_name, "returns the volume name for a given volume key or path",
     false},
    {"vol-pool", cmd_vol_pool, opts_vol_pool_of, "returns the storage pool for a given volume key or path",
     false},
    {NULL, NULL, NULL, NULL, false},
};

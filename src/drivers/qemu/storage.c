/* storage: see storage.h. Facts (error texts, the qemu-img command lines,
 * the files and what they hold, the events) are real libvirt 9.0's storage
 * driver's, as it answers beside its QEMU driver.
 *
 * Differences from real libvirt worth knowing:
 * - volumes are read from the target directory at every call, so a file
 *   put there by hand shows at once, where real shows it after a
 *   pool-refresh; regular files and directories are volumes, symbolic
 *   links are not (real follows them, out of the pool too);
 * - formats are told apart by their header as raw, qcow and qcow2 only;
 * - a new volume is raw or qcow2 (with a backing store: qcow2 only). */
#include "storage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "conf/storage_xml.h"
#include "conf/xml.h"
#include "error.h"
#include "log.h"
#include "qdrv.h"
#include "state/file.h"
#include "state/lock.h"
#include "uuid.h"

#define LOCK_WAIT_MS 30000
#define POOLS_MAX 4096
#define VOLS_MAX 16384
#define XML_MAX (1024 * 1024)
#define NAME_MAX_LEN 1024
#define CHILD_OUTPUT_MAX (64 * 1024)
#define CHILD_WAIT_MS (3600 * 1000LL)

enum { EV_DEFINED, EV_UNDEFINED, EV_STARTED, EV_STOPPED, EV_CREATED, EV_DELETED };
enum { EVENT_ID_LIFECYCLE, EVENT_ID_REFRESH };

/* Volume formats by their index in the file formats' names, and types. */
enum { FMT_RAW = 1, FMT_DIR = 2, FMT_QCOW = 13, FMT_QCOW2 = 14 };
enum { VOL_FILE = 0, VOL_DIR = 2 };

/* virStoragePoolBuildFlags, virStoragePoolCreateFlags and the others. */
#define BUILD_OVERWRITE 4
#define BUILD_NO_OVERWRITE 8
#define CREATE_WITH_BUILD 1
#define CREATE_WITH_BUILD_OVERWRITE 2
#define CREATE_WITH_BUILD_NO_OVERWRITE 4
#define XML_INACTIVE 1
#define VOL_CREATE_PREALLOC_METADATA 1
#define VOL_CREATE_REFLINK 2
#define RESIZE_ALLOCATE 1
#define RESIZE_DELTA 2
#define RESIZE_SHRINK 4

static const char config_warning[] =
    "<!--\n"
    "WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
    "OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:\n"
    "  virsh pool-edit %s\n"
    "or other application using the libvirt API.\n"
    "-->\n\n";

static struct qdrv *Q(struct drv_conn *c)
{
    return qemu_conn_qdrv(c);
}

static void no_memory(void)
{
    error_report(ERR_NO_MEMORY, FROM_STORAGE, NULL);
}

static char *join3(const char *a, const char *b, const char *c)
{
    char *s = NULL;
    if (asprintf(&s, "%s%s%s", a, b, c) < 0) {
        no_memory();
        return NULL;
    }
    return s;
}

static int check_flags(unsigned int flags, unsigned int allowed, const char *func)
{
    char msg[160];
    if (!(flags & ~allowed))
        return 0;
    snprintf(msg, sizeof(msg), "unsupported flags (0x%x) in function %s", flags & ~allowed,
             func);
    error_set_message(ERR_INVALID_ARG, FROM_STORAGE, msg);
    return -1;
}

/* A name a client gives for a pool or a volume: one path component. */
static int plain_name(const char *name)
{
    return name && *name && strlen(name) <= NAME_MAX_LEN && !strchr(name, '/') &&
           strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* ---- the pools on disk ---- */

static char *pool_path(const char *dir, const char *name, const char *suffix)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s%s", dir, name, suffix) < 0) {
        no_memory();
        return NULL;
    }
    return p;
}

struct qpool {
    struct storage_pool *def;    /* the live one while active */
    struct storage_pool *config; /* the persistent one, or NULL */
};

static void qpool_free(struct qpool *p)
{
    if (!p)
        return;
    if (p->config != p->def)
        storage_pool_free(p->config);
    storage_pool_free(p->def);
    free(p);
}

/* The <pool> of a file: the root, or <poolstate>'s child. NULL recorded. */
static struct storage_pool *read_pool_file(const char *path, int state)
{
    char *data = NULL;
    size_t len = 0;
    struct storage_pool *p = NULL;

    if (state_file_read(path, XML_MAX, &data, &len) < 0)
        return NULL;
    xmlDocPtr doc = xml_parse(data, len, path, FROM_STORAGE);
    free(data);
    if (!doc)
        return NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (state && root && strcmp((const char *)root->name, "poolstate") == 0) {
        xmlNodePtr n = root->children;
        while (n && n->type != XML_ELEMENT_NODE)
            n = n->next;
        root = n;
    }
    if (root && (p = storage_pool_parse_node(root)) && state) {
        /* A state file's sizes are a refresh's, which a definition has not. */
        unsigned long long *sizes[] = {&p->capacity, &p->allocation, &p->available};
        const char *names[] = {"capacity", "allocation", "available"};
        for (xmlNodePtr n = root->children; n; n = n->next)
            for (int i = 0; i < 3; i++)
                if (n->type == XML_ELEMENT_NODE &&
                    strcmp((const char *)n->name, names[i]) == 0) {
                    xmlChar *t = xmlNodeGetContent(n);
                    *sizes[i] = t ? strtoull((const char *)t, NULL, 10) : 0;
                    xmlFree(t);
                }
    } else if (!root)
        error_report(ERR_INTERNAL_ERROR, FROM_STORAGE, "no pool in '%s'", path);
    xmlFreeDoc(doc);
    return p;
}

static int exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* Pool name from the files, or NULL with libvirt's not-found error (none
 * recorded when quiet). */
static struct qpool *load_pool(struct qdrv *q, const char *name, int quiet)
{
    struct qpool *p = NULL;
    char *conf = NULL, *run = NULL, *link = NULL;

    if (!plain_name(name))
        goto missing;
    if (!(conf = pool_path(q->pool_conf_dir, name, ".xml")) ||
        !(run = pool_path(q->pool_run_dir, name, ".xml")) ||
        !(link = pool_path(q->pool_autostart_dir, name, ".xml")))
        goto fail;
    if (!(p = calloc(1, sizeof(*p)))) {
        no_memory();
        goto fail;
    }
    if (exists(conf) && !(p->config = read_pool_file(conf, 0)))
        goto fail;
    if (exists(run)) {
        if (!(p->def = read_pool_file(run, 1)))
            goto fail;
        p->def->active = 1;
    } else {
        p->def = p->config;
    }
    if (!p->def)
        goto missing;
    p->def->persistent = p->config != NULL;
    p->def->autostart = p->config && exists(link);
    if (strcmp(p->def->name, name) != 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_STORAGE, "pool file of '%s' names '%s'", name,
                     p->def->name);
        goto fail;
    }
    free(conf);
    free(run);
    free(link);
    return p;
missing:
    if (!quiet)
        error_report(ERR_NO_STORAGE_POOL, FROM_STORAGE,
                     "no storage pool with matching name '%s'", name);
fail:
    free(conf);
    free(run);
    free(link);
    qpool_free(p);
    return NULL;
}

struct qpools {
    struct qpool **v;
    size_t n;
};

static void qpools_free(struct qpools *l)
{
    for (size_t i = 0; i < l->n; i++)
        qpool_free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static int have_name(const struct qpools *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i]->def->name, name) == 0)
            return 1;
    return 0;
}

/* Every pool (persistent or active), in name order of the files. A file
 * that cannot be read is logged and left out. */
static int load_pools(struct qdrv *q, struct qpools *l)
{
    const char *dirs[] = {q->pool_conf_dir, q->pool_run_dir};

    l->v = NULL;
    l->n = 0;
    for (int d = 0; d < 2; d++) {
        struct dirent **ents = NULL;
        int n = scandir(dirs[d], &ents, NULL, alphasort);
        if (n < 0)
            continue;
        for (int i = 0; i < n; i++) {
            char *nm = ents[i]->d_name;
            size_t len = strlen(nm);
            if (nm[0] != '.' && len > 4 && strcmp(nm + len - 4, ".xml") == 0 &&
                l->n < POOLS_MAX) {
                nm[len - 4] = '\0';
                if (!have_name(l, nm)) {
                    struct qpool *p = load_pool(q, nm, 1);
                    struct qpool **nv = p ? realloc(l->v, (l->n + 1) * sizeof(*nv)) : NULL;
                    if (nv) {
                        l->v = nv;
                        l->v[l->n++] = p;
                    } else {
                        if (p || error_last())
                            log_warn("storage pool %s left out: %s", nm,
                                     p ? "out of memory" : error_last_message());
                        error_clear();
                        qpool_free(p);
                    }
                }
            }
            free(ents[i]);
        }
        free(ents);
    }
    return 0;
}

static struct storage_pool **defs_of(const struct qpools *l)
{
    struct storage_pool **v = calloc(l->n + 1, sizeof(*v));
    if (!v) {
        no_memory();
        return NULL;
    }
    for (size_t i = 0; i < l->n; i++)
        v[i] = l->v[i]->def;
    return v;
}

/* Fills the live numbers of an active pool: its file system's size and
 * its directory's owner and mode, as a refresh gives them. */
static void fill_live(struct storage_pool *p)
{
    struct statvfs sv;
    struct stat sb;

    if (!p->active || !p->target)
        return;
    if (statvfs(p->target, &sv) == 0) {
        p->capacity = (unsigned long long)sv.f_blocks * sv.f_frsize;
        p->allocation = (unsigned long long)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
        p->available = (unsigned long long)sv.f_bfree * sv.f_frsize;
    }
    if (stat(p->target, &sb) == 0) {
        p->perms.mode = sb.st_mode & 07777;
        p->perms.owner = sb.st_uid;
        p->perms.group = sb.st_gid;
    }
}

/* ---- writing the files ---- */

static char *pool_text(const struct storage_pool *def, int state)
{
    struct storage_pool copy = *def;
    char *xml, *out = NULL;
    struct out o;

    if (!state) {
        copy.capacity = copy.allocation = copy.available = 0;
    }
    if (!(xml = storage_pool_format(&copy)))
        return NULL;
    if (storage_out_open(&o) < 0) {
        free(xml);
        return NULL;
    }
    fprintf(o.f, config_warning, def->name);
    if (state) {
        fputs("<poolstate>\n", o.f);
        for (char *line = xml, *nl; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            if (!nl)
                nl = line + strlen(line) - 1;
            fprintf(o.f, "  %.*s\n", (int)(nl - line), line);
        }
        fputs("</poolstate>\n", o.f);
    } else {
        fputs(xml, o.f);
    }
    free(xml);
    out = storage_out_close(&o);
    return out;
}

static int write_pool(struct qdrv *q, const struct storage_pool *def, int state)
{
    char *path = pool_path(state ? q->pool_run_dir : q->pool_conf_dir, def->name, ".xml");
    char *text = path ? pool_text(def, state) : NULL;
    int rc = -1;

    if (text)
        rc = state ? state_file_write_runtime(path, text, strlen(text), 0600)
                   : state_file_write(path, text, strlen(text), 0600);
    free(path);
    free(text);
    return rc;
}

static int remove_pool_file(struct qdrv *q, const char *dir, const char *name,
                            const char *suffix)
{
    char *path = pool_path(dir, name, suffix);
    int rc = path ? state_file_remove(path) : -1;
    free(path);
    return rc;
}

/* ---- locks and events ---- */

static struct state_lock *storage_lock(struct qdrv *q, const char *owner)
{
    char *p = pool_path(q->pool_run_dir, "pools", ".lock");
    struct state_lock *l = NULL;

    if (p && state_lock_acquire(p, owner, LOCK_WAIT_MS, qdrv_wait_loop, q, &l) < 0)
        l = NULL;
    free(p);
    return l;
}

static void emit(struct qdrv *q, const struct storage_pool *p, int id, int event)
{
    char u[UUID_STRING_LEN], rec[NAME_MAX_LEN + 128];

    uuid_format(p->uuid, u);
    if (id == EVENT_ID_LIFECYCLE)
        snprintf(rec, sizeof(rec), "pool %d %d %s %s", event, 0, u, p->name);
    else
        snprintf(rec, sizeof(rec), "pool-refresh %s %s", u, p->name);
    qdrv_journal_append(q, rec);
}

void qstorage_deliver(struct qdrv *q, const char *rec)
{
    char uuid_s[64];
    unsigned char uuid[UUID_LEN];
    int event = 0, detail = 0, used = 0;
    remote_nonnull_storage_pool pool;

    if (sscanf(rec, "pool %d %d %63s %n", &event, &detail, uuid_s, &used) == 3 && used > 0 &&
        uuid_parse(uuid_s, uuid) == 0) {
        pool.name = (char *)rec + used;
        memcpy(pool.uuid, uuid, UUID_LEN);
        remote_storage_pool_event_lifecycle_msg m = {
            .pool = pool, .event = event, .detail = detail};
        q->sink(q->sink_opaque, DRV_EVENT_STORAGE_POOL, EVENT_ID_LIFECYCLE, uuid, UUID_LEN,
                (xdrproc_t)xdr_remote_storage_pool_event_lifecycle_msg, &m);
    } else if (sscanf(rec, "pool-refresh %63s %n", uuid_s, &used) == 1 && used > 0 &&
               uuid_parse(uuid_s, uuid) == 0) {
        pool.name = (char *)rec + used;
        memcpy(pool.uuid, uuid, UUID_LEN);
        remote_storage_pool_event_refresh_msg m = {.pool = pool};
        q->sink(q->sink_opaque, DRV_EVENT_STORAGE_POOL, EVENT_ID_REFRESH, uuid, UUID_LEN,
                (xdrproc_t)xdr_remote_storage_pool_event_refresh_msg, &m);
    }
}

/* ---- volumes: what a file is ---- */

static unsigned long long be64(const unsigned char *b)
{
    unsigned long long v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | b[i];
    return v;
}

static unsigned int be32(const unsigned char *b)
{
    return (unsigned int)b[0] << 24 | (unsigned int)b[1] << 16 | (unsigned int)b[2] << 8 | b[3];
}

/* A file's format as its header tells (raw when it tells nothing). */
static int probe_format(const char *path)
{
    unsigned char h[8];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), f = FMT_RAW;
    if (fd < 0)
        return FMT_RAW;
    if (pread(fd, h, sizeof(h), 0) == 8 && memcmp(h, "QFI\xfb", 4) == 0)
        f = be32(h + 4) == 1 ? FMT_QCOW : FMT_QCOW2;
    close(fd);
    return f;
}

/* A qcow2 image's backing file (its header's name, and format from the
 * header extension, else from the file's own header), with its owner, mode
 * and times, into v; nothing when it has none. */
static void probe_backing(int fd, const unsigned char *hdr, ssize_t got, unsigned int version,
                          struct storage_vol *v)
{
    unsigned long long off = be64(hdr + 8);
    unsigned int len = be32(hdr + 16);
    unsigned char ext[4096];
    char name[1024];
    struct stat sb;

    if (!off || !len || len >= sizeof(name) || off > (unsigned long long)INT64_MAX ||
        pread(fd, name, len, (off_t)off) != (ssize_t)len)
        return;
    name[len] = '\0';
    if (memchr(name, '\0', len) || !(v->backing = strdup(name)))
        return;
    /* Header extensions: after the 72-byte v2 header, or v3's length. */
    size_t at = version == 3 && got >= 104 ? be32(hdr + 100) : 72;
    ssize_t n = pread(fd, ext, sizeof(ext), 0);
    while (n > 0 && at + 8 <= (size_t)n && at < off) {
        unsigned int type = be32(ext + at), elen = be32(ext + at + 4);
        if (type == 0 || at + 8 + elen > (size_t)n)
            break;
        if (type == 0xE2792ACA) {
            char f[32];
            size_t fl = elen < sizeof(f) - 1 ? elen : sizeof(f) - 1;
            memcpy(f, ext + at + 8, fl);
            f[fl] = '\0';
            v->backing_format = strcmp(f, "qcow2") == 0  ? FMT_QCOW2
                                : strcmp(f, "qcow") == 0 ? FMT_QCOW
                                : strcmp(f, "raw") == 0  ? FMT_RAW
                                                         : -1;
        }
        at += 8 + ((elen + 7) & ~7u);
    }
    if (v->backing_format < 0)
        v->backing_format = probe_format(v->backing);
    if (stat(v->backing, &sb) == 0) {
        v->backing_has_stat = 1;
        v->backing_perms.mode = sb.st_mode & 07777;
        v->backing_perms.owner = sb.st_uid;
        v->backing_perms.group = sb.st_gid;
        v->backing_atime = sb.st_atim;
        v->backing_mtime = sb.st_mtim;
        v->backing_ctime = sb.st_ctim;
    }
}

/* The volume name of pool p (a regular file or a directory in its target
 * directory, never a symbolic link): NULL when there is none. */
static struct storage_vol *probe_vol(const struct storage_pool *p, const char *name)
{
    struct storage_vol *v = NULL;
    struct stat sb;
    unsigned char hdr[512];
    char *path = NULL;
    int fd = -1;
    ssize_t got;

    if (!plain_name(name) || !(path = join3(p->target, "/", name))) {
        errno = ENOENT;
        free(path);
        return NULL;
    }
    if (lstat(path, &sb) < 0 || !(S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode))) {
        errno = ENOENT;
        goto out;
    }
    int dir = S_ISDIR(sb.st_mode);
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
                        (dir ? O_DIRECTORY : 0));
    if (fd < 0 || fstat(fd, &sb) < 0 || !(dir ? S_ISDIR(sb.st_mode) : S_ISREG(sb.st_mode)))
        goto out;
    if (!(v = calloc(1, sizeof(*v))))
        goto out;
    v->name = strdup(name);
    v->key = strdup(path);
    v->path = path;
    path = NULL;
    if (!v->name || !v->key) {
        storage_vol_free(v);
        v = NULL;
        goto out;
    }
    v->backing_format = -1;
    v->perms.mode = sb.st_mode & 07777;
    v->perms.owner = sb.st_uid;
    v->perms.group = sb.st_gid;
    v->has_timestamps = 1;
    v->atime = sb.st_atim;
    v->mtime = sb.st_mtim;
    v->ctime = sb.st_ctim;
    if (dir) {
        /* A directory is a volume of type and format dir, of no size. */
        v->type = VOL_DIR;
        v->format = FMT_DIR;
        goto out;
    }
    v->type = VOL_FILE;
    v->format = FMT_RAW;
    v->capacity = (unsigned long long)sb.st_size;
    got = pread(fd, hdr, sizeof(hdr), 0);
    if (got >= 32 && memcmp(hdr, "QFI\xfb", 4) == 0) {
        unsigned int version = be32(hdr + 4);
        if (version == 2 || version == 3) {
            v->format = FMT_QCOW2;
            v->capacity = be64(hdr + 24);
            probe_backing(fd, hdr, got, version, v);
            unsigned int bits = be32(hdr + 20);
            if (version == 3 && got >= 104) {
                v->compat = "1.1";
                if (bits >= 9 && bits <= 21)
                    v->cluster_size = 1ULL << bits;
                v->lazy_refcounts = (int)(be64(hdr + 80) & 1);
            }
        } else if (version == 1) {
            v->format = FMT_QCOW;
            v->capacity = be64(hdr + 24);
        }
    }
    v->allocation = (unsigned long long)sb.st_blocks * 512;
    v->has_physical = 1;
    v->physical = (unsigned long long)sb.st_size;
out:
    if (fd >= 0)
        close(fd);
    free(path);
    return v;
}

static struct storage_vol *find_vol(const struct storage_pool *p, const char *name)
{
    struct storage_vol *v = probe_vol(p, name);
    if (!v)
        error_report(ERR_NO_STORAGE_VOL, FROM_STORAGE, "no storage vol with matching name '%s'",
                     name);
    return v;
}

/* What only a file volume can do (resize, wipe, copy, transfer, a disk). */
static int file_vol(const struct storage_vol *v)
{
    if (v->type == VOL_FILE)
        return 0;
    error_report(ERR_OPERATION_UNSUPPORTED, FROM_STORAGE,
                 "storage volume '%s' is a directory, not a file", v->name);
    return -1;
}

static int cmp_vol(const void *a, const void *b)
{
    return strcmp((*(struct storage_vol *const *)a)->name,
                  (*(struct storage_vol *const *)b)->name);
}

/* p's volumes into p->vols. */
static int scan_vols(struct storage_pool *p)
{
    DIR *d = opendir(p->target);
    struct dirent *e;

    if (!d) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot open directory '%s': %s",
                     p->target, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) && p->nvols < VOLS_MAX) {
        struct storage_vol *v = probe_vol(p, e->d_name);
        if (!v)
            continue;
        struct storage_vol **nv = realloc(p->vols, (p->nvols + 1) * sizeof(*nv));
        if (!nv) {
            storage_vol_free(v);
            closedir(d);
            no_memory();
            return -1;
        }
        p->vols = nv;
        p->vols[p->nvols++] = v;
    }
    closedir(d);
    if (p->nvols > 1)
        qsort(p->vols, p->nvols, sizeof(*p->vols), cmp_vol);
    return 0;
}

/* ---- getting a pool for a call ---- */

static struct qpool *get_pool(struct drv_conn *c, const char *name)
{
    return load_pool(Q(c), name, 0);
}

static struct qpool *get_active(struct drv_conn *c, const char *name)
{
    struct qpool *p = get_pool(c, name);
    if (p && !p->def->active) {
        error_report(ERR_OPERATION_INVALID, FROM_STORAGE, "storage pool '%s' is not active",
                     name);
        qpool_free(p);
        return NULL;
    }
    return p;
}

static struct qpool *get_inactive(struct drv_conn *c, const char *name)
{
    struct qpool *p = get_pool(c, name);
    if (p && p->def->active) {
        error_report(ERR_OPERATION_INVALID, FROM_STORAGE, "storage pool '%s' is still active",
                     name);
        qpool_free(p);
        return NULL;
    }
    return p;
}

static int fill_pool(const struct storage_pool *p, remote_nonnull_storage_pool *out)
{
    memcpy(out->uuid, p->uuid, UUID_LEN);
    return drv_string(&out->name, p->name);
}

static int fill_vol(const struct storage_pool *p, const struct storage_vol *v,
                    remote_nonnull_storage_vol *out)
{
    if (drv_string(&out->pool, p->name) < 0 || drv_string(&out->name, v->name) < 0 ||
        drv_string(&out->key, v->key) < 0)
        return -1;
    return 0;
}

/* ---- listing and looking up pools ---- */

static int count_pools(struct drv_conn *c, int active, int *num)
{
    struct qpools l;
    load_pools(Q(c), &l);
    *num = 0;
    for (size_t i = 0; i < l.n; i++)
        *num += l.v[i]->def->active == active;
    qpools_free(&l);
    return 0;
}

static int check_maxnames(int maxnames, const char *max)
{
    if (maxnames < 0) {
        error_report(ERR_RPC, FROM_RPC, "maxnames must be non-negative");
        return -1;
    }
    if (maxnames > 16384) {
        error_report(ERR_RPC, FROM_RPC, "maxnames > %s", max);
        return -1;
    }
    return 0;
}

static int list_names(struct drv_conn *c, int active, int maxnames, char ***names, u_int *len)
{
    struct qpools l;
    int rc = 0;

    if (check_maxnames(maxnames, "REMOTE_STORAGE_POOL_LIST_MAX") < 0)
        return -1;
    load_pools(Q(c), &l);
    *names = calloc(l.n + 1, sizeof(char *));
    *len = 0;
    if (!*names) {
        no_memory();
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < l.n && (int)*len < maxnames; i++)
        if (l.v[i]->def->active == active &&
            drv_string(&(*names)[(*len)++], l.v[i]->def->name) < 0)
            rc = -1;
    qpools_free(&l);
    return rc;
}

static int q_num_pools(struct drv_conn *c, remote_connect_num_of_storage_pools_ret *ret)
{
    return count_pools(c, 1, &ret->num);
}

static int q_num_defined_pools(struct drv_conn *c,
                               remote_connect_num_of_defined_storage_pools_ret *ret)
{
    return count_pools(c, 0, &ret->num);
}

static int q_list_pools(struct drv_conn *c, const remote_connect_list_storage_pools_args *args,
                        remote_connect_list_storage_pools_ret *ret)
{
    return list_names(c, 1, args->maxnames, &ret->names.names_val, &ret->names.names_len);
}

static int q_list_defined_pools(struct drv_conn *c,
                                const remote_connect_list_defined_storage_pools_args *args,
                                remote_connect_list_defined_storage_pools_ret *ret)
{
    return list_names(c, 0, args->maxnames, &ret->names.names_val, &ret->names.names_len);
}

/* virConnectListAllStoragePools' filter. */
static int pool_matches(const struct storage_pool *p, unsigned int f)
{
    unsigned int types = 0;
    for (int i = 0; i < STORAGE_NTYPES; i++)
        types |= storage_pool_types[i].list_bit;
    if ((f & 3) && !((f & 1) && !p->active) && !((f & 2) && p->active))
        return 0;
    if ((f & 12) && !((f & 4) && p->persistent) && !((f & 8) && !p->persistent))
        return 0;
    if ((f & 48) && !((f & 16) && p->autostart) && !((f & 32) && !p->autostart))
        return 0;
    if ((f & types) && !(f & storage_pool_types[p->type].list_bit))
        return 0;
    return 1;
}

static int q_list_all_pools(struct drv_conn *c,
                            const remote_connect_list_all_storage_pools_args *args,
                            remote_connect_list_all_storage_pools_ret *ret)
{
    unsigned int allowed = 63;
    struct qpools l;
    int rc = 0;

    for (int i = 0; i < STORAGE_NTYPES; i++)
        allowed |= storage_pool_types[i].list_bit;
    if (check_flags(args->flags, allowed, "virConnectListAllStoragePools") < 0)
        return -1;
    load_pools(Q(c), &l);
    ret->pools.pools_val = calloc(l.n + 1, sizeof(*ret->pools.pools_val));
    if (!ret->pools.pools_val) {
        no_memory();
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < l.n; i++)
        if (pool_matches(l.v[i]->def, args->flags) &&
            fill_pool(l.v[i]->def, &ret->pools.pools_val[ret->pools.pools_len++]) < 0)
            rc = -1;
    ret->ret = (u_int)ret->pools.pools_len;
    qpools_free(&l);
    return rc;
}

static int q_pool_lookup_by_name(struct drv_conn *c,
                                 const remote_storage_pool_lookup_by_name_args *args,
                                 remote_storage_pool_lookup_by_name_ret *ret)
{
    struct qpool *p = get_pool(c, args->name);
    int rc = p ? fill_pool(p->def, &ret->pool) : -1;
    qpool_free(p);
    return rc;
}

static int q_pool_lookup_by_uuid(struct drv_conn *c,
                                 const remote_storage_pool_lookup_by_uuid_args *args,
                                 remote_storage_pool_lookup_by_uuid_ret *ret)
{
    struct qpools l;
    int rc = -1;
    char u[UUID_STRING_LEN];

    load_pools(Q(c), &l);
    for (size_t i = 0; i < l.n; i++)
        if (memcmp(l.v[i]->def->uuid, args->uuid, UUID_LEN) == 0) {
            rc = fill_pool(l.v[i]->def, &ret->pool);
            break;
        }
    if (rc < 0 && !error_last()) {
        uuid_format((const unsigned char *)args->uuid, u);
        error_report(ERR_NO_STORAGE_POOL, FROM_STORAGE,
                     "no storage pool with matching uuid '%s'", u);
    }
    qpools_free(&l);
    return rc;
}

static int q_pool_lookup_by_volume(struct drv_conn *c,
                                   const remote_storage_pool_lookup_by_volume_args *args,
                                   remote_storage_pool_lookup_by_volume_ret *ret)
{
    struct qpool *p = load_pool(Q(c), args->vol.pool, 1);
    int rc = -1;
    if (!p)
        error_report(ERR_NO_STORAGE_POOL, FROM_STORAGE,
                     "no storage pool with matching name '%s'", args->vol.pool);
    else
        rc = fill_pool(p->def, &ret->pool);
    qpool_free(p);
    return rc;
}

static int
q_pool_lookup_by_target_path(struct drv_conn *c,
                             const remote_storage_pool_lookup_by_target_path_args *args,
                             remote_storage_pool_lookup_by_target_path_ret *ret)
{
    struct qpools l;
    int rc = -1;
    char *want = strdup(args->path);

    if (!want) {
        no_memory();
        return -1;
    }
    for (char *s = want + strlen(want); s > want + 1 && s[-1] == '/';)
        *--s = '\0';
    load_pools(Q(c), &l);
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i]->def->active && l.v[i]->def->target &&
            strcmp(l.v[i]->def->target, want) == 0) {
            rc = fill_pool(l.v[i]->def, &ret->pool);
            break;
        }
    if (rc < 0 && !error_last())
        error_report(ERR_NO_STORAGE_POOL, FROM_STORAGE,
                     "no storage pool with matching target path '%s'", args->path);
    qpools_free(&l);
    free(want);
    return rc;
}

static int q_pool_get_info(struct drv_conn *c, const remote_storage_pool_get_info_args *args,
                           remote_storage_pool_get_info_ret *ret)
{
    struct qpool *p = get_pool(c, args->pool.name);
    if (!p)
        return -1;
    fill_live(p->def);
    ret->state = p->def->active ? 2 : 0;
    if (p->def->active) {
        ret->capacity = p->def->capacity;
        ret->allocation = p->def->allocation;
        ret->available = p->def->available;
    }
    qpool_free(p);
    return 0;
}

/* The XML real shows for a pool stopped since it ran: its last live one,
 * which SRUN/NAME.stopped keeps. NULL when there is none. */
static struct storage_pool *stopped_def(struct qdrv *q, const struct storage_pool *config)
{
    char *path = pool_path(q->pool_run_dir, config->name, ".stopped");
    struct storage_pool *p = NULL;

    if (path && exists(path)) {
        p = read_pool_file(path, 1);
        if (p && memcmp(p->uuid, config->uuid, UUID_LEN) != 0) {
            storage_pool_free(p);
            p = NULL;
        }
        error_clear();
    }
    free(path);
    return p;
}

/* Whether b was started from a (what a refresh adds aside). */
static int same_def(const struct storage_pool *a, const struct storage_pool *b)
{
    struct storage_pool ca = *a, cb = *b;
    ca.perms.mode = ca.perms.owner = ca.perms.group = -1;
    cb.perms.mode = cb.perms.owner = cb.perms.group = -1;
    char *x = pool_text(&ca, 0), *y = pool_text(&cb, 0);
    int same = x && y && strcmp(x, y) == 0;
    free(x);
    free(y);
    error_clear();
    return same;
}

static int q_pool_get_xml_desc(struct drv_conn *c,
                               const remote_storage_pool_get_xml_desc_args *args,
                               remote_storage_pool_get_xml_desc_ret *ret)
{
    struct qpool *p;
    struct storage_pool *show, *last = NULL;

    if (check_flags(args->flags, XML_INACTIVE, "storagePoolGetXMLDesc") < 0 ||
        !(p = get_pool(c, args->pool.name)))
        return -1;
    show = p->def;
    /* The definition for the next start, when one was given since this
     * one started; else, as real, the running one. */
    if ((args->flags & XML_INACTIVE) && p->config && p->def->active &&
        !same_def(p->config, p->def))
        show = p->config;
    if (show == p->def && p->def->active) {
        fill_live(p->def);
    } else if ((last = stopped_def(Q(c), show))) {
        show = last;
    }
    ret->xml = storage_pool_format(show);
    storage_pool_free(last);
    qpool_free(p);
    return ret->xml ? 0 : -1;
}

static int q_pool_get_autostart(struct drv_conn *c,
                                const remote_storage_pool_get_autostart_args *args,
                                remote_storage_pool_get_autostart_ret *ret)
{
    struct qpool *p = get_pool(c, args->pool.name);
    if (!p)
        return -1;
    ret->autostart = p->def->autostart;
    qpool_free(p);
    return 0;
}

static int q_pool_is_active(struct drv_conn *c, const remote_storage_pool_is_active_args *args,
                            remote_storage_pool_is_active_ret *ret)
{
    struct qpool *p = get_pool(c, args->pool.name);
    if (!p)
        return -1;
    ret->active = p->def->active;
    qpool_free(p);
    return 0;
}

static int q_pool_is_persistent(struct drv_conn *c,
                                const remote_storage_pool_is_persistent_args *args,
                                remote_storage_pool_is_persistent_ret *ret)
{
    struct qpool *p = get_pool(c, args->pool.name);
    if (!p)
        return -1;
    ret->persistent = p->def->persistent;
    qpool_free(p);
    return 0;
}

/* ---- pool state changes ---- */

static int dir_only(const struct storage_pool *def)
{
    if (def->type == STORAGE_POOL_DIR)
        return 0;
    error_report(ERR_INTERNAL_ERROR, FROM_STORAGE, "missing backend for pool type %d (%s)",
                 def->type, storage_pool_types[def->type].name);
    return -1;
}

/* mkdir -p of path's parents, then path itself with the pool's mode. */
static int build_dir(const struct storage_pool *def, unsigned int flags)
{
    mode_t mode = def->perms.mode >= 0 ? (mode_t)def->perms.mode : 0711;
    char *parent;
    struct stat sb;
    int made = 0;

    if ((flags & BUILD_OVERWRITE) && (flags & BUILD_NO_OVERWRITE)) {
        error_report(ERR_OPERATION_INVALID, FROM_STORAGE, "%s",
                     "Overwrite and no overwrite flags are mutually exclusive");
        return -1;
    }
    if (!(parent = strdup(def->target))) {
        no_memory();
        return -1;
    }
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        if (stat(parent, &sb) < 0 && state_file_mkdirs(parent, 0755) < 0) {
            free(parent);
            return -1;
        }
    }
    free(parent);
    if (mkdir(def->target, mode) == 0)
        made = 1;
    else if (errno != EEXIST || stat(def->target, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot create path '%s': %s", def->target,
                     strerror(errno == EEXIST ? ENOTDIR : errno));
        return -1;
    }
    if ((made || def->perms.mode >= 0) && chmod(def->target, mode) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot set mode of '%s' to %04o: %s",
                     def->target, (unsigned)mode, strerror(errno));
        return -1;
    }
    if ((def->perms.owner >= 0 || def->perms.group >= 0) &&
        chown(def->target, def->perms.owner >= 0 ? (uid_t)def->perms.owner : (uid_t)-1,
              def->perms.group >= 0 ? (gid_t)def->perms.group : (gid_t)-1) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot chown '%s' to (%ld, %ld): %s",
                     def->target, def->perms.owner, def->perms.group, strerror(errno));
        return -1;
    }
    return 0;
}

/* What a start checks: the target directory can be opened. */
static int check_target(const struct storage_pool *def)
{
    DIR *d = opendir(def->target);
    if (!d) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot open directory '%s': %s",
                     def->target, strerror(errno));
        return -1;
    }
    closedir(d);
    return 0;
}

static unsigned int build_flags_of_create(unsigned int flags)
{
    return (flags & CREATE_WITH_BUILD_OVERWRITE ? BUILD_OVERWRITE : 0) |
           (flags & CREATE_WITH_BUILD_NO_OVERWRITE ? BUILD_NO_OVERWRITE : 0);
}

/* Makes def active: built first when flags ask, its state written. */
static int activate(struct qdrv *q, struct storage_pool *def, unsigned int flags)
{
    if ((flags &
         (CREATE_WITH_BUILD | CREATE_WITH_BUILD_OVERWRITE | CREATE_WITH_BUILD_NO_OVERWRITE)) &&
        build_dir(def, build_flags_of_create(flags)) < 0)
        return -1;
    if (check_target(def) < 0)
        return -1;
    def->active = 1;
    if (write_pool(q, def, 1) < 0)
        return -1;
    remove_pool_file(q, q->pool_run_dir, def->name, ".stopped");
    error_clear();
    return 0;
}

static int q_pool_define(struct drv_conn *c, const remote_storage_pool_define_xml_args *args,
                         remote_storage_pool_define_xml_ret *ret)
{
    struct qdrv *q = Q(c);
    struct storage_pool *def = NULL, **defs = NULL;
    struct state_lock *lock = NULL;
    struct qpools l = {0};
    size_t at;
    int rc = -1;

    /* VIR_STORAGE_POOL_DEFINE_VALIDATE */
    if (check_flags(args->flags, 1, "storagePoolDefineXML") < 0 ||
        ((args->flags & 1) && xml_validate_text(args->xml, "(storage_pool_definition)", "pool",
                                                "storagepool.rng", FROM_STORAGE) < 0) ||
        !(def = storage_pool_parse_string(args->xml)) || dir_only(def) < 0 ||
        !(lock = storage_lock(q, "remoteDispatchStoragePoolDefineXML")))
        goto out;
    load_pools(q, &l);
    if (!(defs = defs_of(&l)) || storage_pool_check_duplicate(defs, l.n, def, 0, &at) < 0)
        goto out;
    if (write_pool(q, def, 0) < 0)
        goto out;
    remove_pool_file(q, q->pool_run_dir, def->name, ".stopped");
    error_clear();
    emit(q, def, EVENT_ID_LIFECYCLE, EV_DEFINED);
    rc = fill_pool(def, &ret->pool);
out:
    free(defs);
    qpools_free(&l);
    state_lock_release(lock);
    storage_pool_free(def);
    return rc;
}

static int q_pool_create_xml(struct drv_conn *c,
                             const remote_storage_pool_create_xml_args *args,
                             remote_storage_pool_create_xml_ret *ret)
{
    struct qdrv *q = Q(c);
    struct storage_pool *def = NULL, **defs = NULL;
    struct state_lock *lock = NULL;
    struct qpools l = {0};
    size_t at;
    int rc = -1;

    if (check_flags(args->flags, 7, "storagePoolCreateXML") < 0)
        return -1;
    if ((args->flags & CREATE_WITH_BUILD_OVERWRITE) &&
        (args->flags & CREATE_WITH_BUILD_NO_OVERWRITE)) {
        error_report(
            ERR_INVALID_ARG, FROM_STORAGE, "%s",
            "Flags 'VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE' and "
            "'VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE' are mutually exclusive");
        return -1;
    }
    if (!(def = storage_pool_parse_string(args->xml)) || dir_only(def) < 0 ||
        !(lock = storage_lock(q, "remoteDispatchStoragePoolCreateXML")))
        goto out;
    load_pools(q, &l);
    if (!(defs = defs_of(&l)) || storage_pool_check_duplicate(defs, l.n, def, 1, &at) < 0)
        goto out;
    if (activate(q, def, args->flags) < 0)
        goto out;
    emit(q, def, EVENT_ID_LIFECYCLE, EV_STARTED);
    rc = fill_pool(def, &ret->pool);
out:
    free(defs);
    qpools_free(&l);
    state_lock_release(lock);
    storage_pool_free(def);
    return rc;
}

enum need { ANY, ACTIVE, INACTIVE };

/* The shape of the calls that change a pool: flags checked, the storage
 * lock taken, the pool found as the call needs it, then op. */
static int pool_change(struct drv_conn *c, const char *api, const char *owner,
                       unsigned int flags, unsigned int allowed, const char *name,
                       enum need need, int (*op)(struct qdrv *, struct qpool *, unsigned int))
{
    struct qdrv *q = Q(c);
    struct state_lock *lock;
    struct qpool *p = NULL;
    int rc = -1;

    if (check_flags(flags, allowed, api) < 0 || !(lock = storage_lock(q, owner)))
        return -1;
    p = need == ACTIVE     ? get_active(c, name)
        : need == INACTIVE ? get_inactive(c, name)
                           : get_pool(c, name);
    if (p)
        rc = op(q, p, flags);
    qpool_free(p);
    state_lock_release(lock);
    return rc;
}

static int do_start(struct qdrv *q, struct qpool *p, unsigned int flags)
{
    struct storage_pool *def = p->config;
    if (p->def->active) {
        error_report(ERR_OPERATION_INVALID, FROM_STORAGE, "storage pool '%s' is already active",
                     p->def->name);
        return -1;
    }
    if ((flags & CREATE_WITH_BUILD_OVERWRITE) && (flags & CREATE_WITH_BUILD_NO_OVERWRITE)) {
        error_report(
            ERR_INVALID_ARG, FROM_STORAGE, "%s",
            "Flags 'VIR_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE' and "
            "'VIR_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE' are mutually exclusive");
        return -1;
    }
    /* Real keeps what the last run's refresh found in the definition it
     * starts again (until a new one is defined). */
    struct storage_pool *last = stopped_def(q, def);
    if (last) {
        def->perms.mode = last->perms.mode;
        def->perms.owner = last->perms.owner;
        def->perms.group = last->perms.group;
        def->capacity = last->capacity;
        def->allocation = last->allocation;
        def->available = last->available;
        storage_pool_free(last);
    }
    if (dir_only(def) < 0 || activate(q, def, flags) < 0)
        return -1;
    emit(q, def, EVENT_ID_LIFECYCLE, EV_STARTED);
    return 0;
}

static int do_build(struct qdrv *q, struct qpool *p, unsigned int flags)
{
    if (p->def->active) {
        error_report(ERR_OPERATION_INVALID, FROM_STORAGE, "storage pool '%s' is already active",
                     p->def->name);
        return -1;
    }
    if (dir_only(p->def) < 0 || build_dir(p->def, flags) < 0)
        return -1;
    emit(q, p->def, EVENT_ID_LIFECYCLE, EV_CREATED);
    return 0;
}

static int do_destroy(struct qdrv *q, struct qpool *p, unsigned int flags)
{
    (void)flags;
    /* A definition given while it ran replaces the running one now. */
    if (p->config && same_def(p->config, p->def)) {
        /* What a pool-dumpxml of the stopped pool shows, as real keeps it. */
        char *path = pool_path(q->pool_run_dir, p->def->name, ".stopped");
        fill_live(p->def);
        char *text = path ? pool_text(p->def, 1) : NULL;
        if (!text || state_file_write_runtime(path, text, strlen(text), 0600) < 0)
            error_clear();
        free(path);
        free(text);
    } else {
        remove_pool_file(q, q->pool_run_dir, p->def->name, ".stopped");
        error_clear();
    }
    if (remove_pool_file(q, q->pool_run_dir, p->def->name, ".xml") < 0)
        return -1;
    emit(q, p->def, EVENT_ID_LIFECYCLE, EV_STOPPED);
    return 0;
}

static int do_delete(struct qdrv *q, struct qpool *p, unsigned int flags)
{
    (void)flags;
    if (dir_only(p->def) < 0)
        return -1;
    if (rmdir(p->def->target) < 0 && errno != ENOENT) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "failed to remove pool '%s': %s",
                     p->def->target, strerror(errno));
        return -1;
    }
    emit(q, p->def, EVENT_ID_LIFECYCLE, EV_DELETED);
    return 0;
}

static int do_undefine(struct qdrv *q, struct qpool *p, unsigned int flags)
{
    (void)flags;
    if (!p->config) {
        error_report(ERR_OPERATION_INVALID, FROM_STORAGE, "storage pool '%s' is not persistent",
                     p->def->name);
        return -1;
    }
    if (remove_pool_file(q, q->pool_autostart_dir, p->def->name, ".xml") < 0 ||
        remove_pool_file(q, q->pool_conf_dir, p->def->name, ".xml") < 0)
        return -1;
    remove_pool_file(q, q->pool_run_dir, p->def->name, ".stopped");
    error_clear();
    emit(q, p->def, EVENT_ID_LIFECYCLE, EV_UNDEFINED);
    return 0;
}

static int do_refresh(struct qdrv *q, struct qpool *p, unsigned int flags)
{
    (void)flags;
    if (check_target(p->def) < 0)
        return -1;
    emit(q, p->def, EVENT_ID_REFRESH, 0);
    return 0;
}

static int q_pool_create(struct drv_conn *c, const remote_storage_pool_create_args *args)
{
    return pool_change(c, "storagePoolCreate", "remoteDispatchStoragePoolCreate", args->flags,
                       7, args->pool.name, ANY, do_start);
}

static int q_pool_build(struct drv_conn *c, const remote_storage_pool_build_args *args)
{
    return pool_change(c, "storagePoolBuild", "remoteDispatchStoragePoolBuild", args->flags,
                       BUILD_OVERWRITE | BUILD_NO_OVERWRITE, args->pool.name, ANY, do_build);
}

static int q_pool_destroy(struct drv_conn *c, const remote_storage_pool_destroy_args *args)
{
    return pool_change(c, "storagePoolDestroy", "remoteDispatchStoragePoolDestroy", 0, 0,
                       args->pool.name, ACTIVE, do_destroy);
}

static int q_pool_delete(struct drv_conn *c, const remote_storage_pool_delete_args *args)
{
    return pool_change(c, "storagePoolDelete", "remoteDispatchStoragePoolDelete", args->flags,
                       0, args->pool.name, INACTIVE, do_delete);
}

static int q_pool_undefine(struct drv_conn *c, const remote_storage_pool_undefine_args *args)
{
    return pool_change(c, "storagePoolUndefine", "remoteDispatchStoragePoolUndefine", 0, 0,
                       args->pool.name, INACTIVE, do_undefine);
}

static int q_pool_refresh(struct drv_conn *c, const remote_storage_pool_refresh_args *args)
{
    return pool_change(c, "storagePoolRefresh", "remoteDispatchStoragePoolRefresh", args->flags,
                       0, args->pool.name, ACTIVE, do_refresh);
}

static int set_autostart(struct qdrv *q, struct qpool *p, unsigned int on)
{
    char *link = NULL, *conf = NULL;
    int rc = -1;

    if (!p->config) {
        error_report(ERR_INTERNAL_ERROR, FROM_STORAGE, "%s", "pool has no config file");
        return -1;
    }
    if (!(link = pool_path(q->pool_autostart_dir, p->def->name, ".xml")) ||
        !(conf = pool_path(q->pool_conf_dir, p->def->name, ".xml")))
        goto out;
    if (on && !p->def->autostart) {
        if (state_file_mkdirs(q->pool_autostart_dir, 0755) < 0)
            goto out;
        if (symlink(conf, link) < 0 && errno != EEXIST) {
            error_report(ERR_SYSTEM_ERROR, FROM_STORAGE,
                         "Failed to create symlink '%s' to '%s': %s", link, conf,
                         strerror(errno));
            goto out;
        }
    } else if (!on && p->def->autostart && state_file_remove(link) < 0) {
        goto out;
    }
    rc = 0;
out:
    free(link);
    free(conf);
    return rc;
}

static int q_pool_set_autostart(struct drv_conn *c,
                                const remote_storage_pool_set_autostart_args *args)
{
    return pool_change(c, "storagePoolSetAutostart", "remoteDispatchStoragePoolSetAutostart",
                       args->autostart ? 1 : 0, 1, args->pool.name, ANY, set_autostart);
}

/* ---- listing and looking up volumes ---- */

static int q_num_vols(struct drv_conn *c, const remote_storage_pool_num_of_volumes_args *args,
                      remote_storage_pool_num_of_volumes_ret *ret)
{
    struct qpool *p = get_active(c, args->pool.name);
    int rc = p ? scan_vols(p->def) : -1;
    if (rc == 0)
        ret->num = (int)p->def->nvols;
    qpool_free(p);
    return rc;
}

static int q_list_vols(struct drv_conn *c, const remote_storage_pool_list_volumes_args *args,
                       remote_storage_pool_list_volumes_ret *ret)
{
    struct qpool *p;
    int rc = -1;

    if (check_maxnames(args->maxnames, "REMOTE_STORAGE_VOL_LIST_MAX") < 0 ||
        !(p = get_active(c, args->pool.name)))
        return -1;
    if (scan_vols(p->def) == 0) {
        rc = 0;
        ret->names.names_val = calloc(p->def->nvols + 1, sizeof(char *));
        if (!ret->names.names_val) {
            no_memory();
            rc = -1;
        }
        for (size_t i = 0; rc == 0 && i < p->def->nvols && (int)i < args->maxnames; i++)
            if (drv_string(&ret->names.names_val[ret->names.names_len++],
                           p->def->vols[i]->name) < 0)
                rc = -1;
    }
    qpool_free(p);
    return rc;
}

static int q_list_all_vols(struct drv_conn *c,
                           const remote_storage_pool_list_all_volumes_args *args,
                           remote_storage_pool_list_all_volumes_ret *ret)
{
    struct qpool *p;
    int rc = -1;

    if (check_flags(args->flags, 0, "storagePoolListAllVolumes") < 0 ||
        !(p = get_active(c, args->pool.name)))
        return -1;
    if (scan_vols(p->def) == 0) {
        rc = 0;
        if (args->need_results) {
            ret->vols.vols_val = calloc(p->def->nvols + 1, sizeof(*ret->vols.vols_val));
            if (!ret->vols.vols_val) {
                no_memory();
                rc = -1;
            }
            for (size_t i = 0; rc == 0 && i < p->def->nvols; i++)
                if (fill_vol(p->def, p->def->vols[i],
                             &ret->vols.vols_val[ret->vols.vols_len++]) < 0)
                    rc = -1;
        }
        ret->ret = (u_int)p->def->nvols;
    }
    qpool_free(p);
    return rc;
}

static int q_vol_lookup_by_name(struct drv_conn *c,
                                const remote_storage_vol_lookup_by_name_args *args,
                                remote_storage_vol_lookup_by_name_ret *ret)
{
    struct qpool *p = get_active(c, args->pool.name);
    struct storage_vol *v = p ? find_vol(p->def, args->name) : NULL;
    int rc = v ? fill_vol(p->def, v, &ret->vol) : -1;
    storage_vol_free(v);
    qpool_free(p);
    return rc;
}

/* The volume whose path (key) is s, in any active pool. */
static int vol_search(struct drv_conn *c, const char *s, remote_nonnull_storage_vol *out,
                      struct qpool **pool, struct storage_vol **vol)
{
    struct qpools l;
    char *want = strdup(s), *slash;
    int rc = -1;

    if (!want) {
        no_memory();
        return -1;
    }
    /* virFileSanitizePath: doubled slashes go. */
    char *w = want;
    for (const char *r = want; *r; r++)
        if (!(*r == '/' && w > want && w[-1] == '/'))
            *w++ = *r;
    *w = '\0';
    slash = strrchr(want, '/');
    load_pools(Q(c), &l);
    for (size_t i = 0; slash && rc < 0 && i < l.n; i++) {
        struct storage_pool *d = l.v[i]->def;
        size_t tl = d->target ? strlen(d->target) : 0;
        if (!d->active || !tl || (size_t)(slash - want) != tl ||
            strncmp(want, d->target, tl) != 0)
            continue;
        struct storage_vol *v = probe_vol(d, slash + 1);
        if (!v)
            continue;
        rc = out ? fill_vol(d, v, out) : 0;
        if (vol && pool && rc == 0) {
            *vol = v;
            *pool = l.v[i];
            l.v[i] = l.v[--l.n];
        } else {
            storage_vol_free(v);
        }
    }
    qpools_free(&l);
    free(want);
    return rc;
}

static int q_vol_lookup_by_key(struct drv_conn *c,
                               const remote_storage_vol_lookup_by_key_args *args,
                               remote_storage_vol_lookup_by_key_ret *ret)
{
    if (vol_search(c, args->key, &ret->vol, NULL, NULL) == 0)
        return 0;
    if (!error_last())
        error_report(ERR_NO_STORAGE_VOL, FROM_STORAGE, "no storage vol with matching key %s",
                     args->key);
    return -1;
}

static int q_vol_lookup_by_path(struct drv_conn *c,
                                const remote_storage_vol_lookup_by_path_args *args,
                                remote_storage_vol_lookup_by_path_ret *ret)
{
    if (vol_search(c, args->path, &ret->vol, NULL, NULL) == 0)
        return 0;
    if (!error_last())
        error_report(ERR_NO_STORAGE_VOL, FROM_STORAGE, "no storage vol with matching path '%s'",
                     args->path);
    return -1;
}

/* The pool and volume a reference names: *p is the pool's, free both. */
static struct storage_vol *get_vol(struct drv_conn *c, const remote_nonnull_storage_vol *ref,
                                   struct qpool **p)
{
    *p = get_active(c, ref->pool);
    return *p ? find_vol((*p)->def, ref->name) : NULL;
}

static int q_vol_get_info(struct drv_conn *c, const remote_storage_vol_get_info_args *args,
                          remote_storage_vol_get_info_ret *ret)
{
    struct qpool *p;
    struct storage_vol *v = get_vol(c, &args->vol, &p);
    if (v) {
        ret->type = v->type;
        ret->capacity = v->capacity;
        ret->allocation = v->allocation;
    }
    storage_vol_free(v);
    qpool_free(p);
    return v ? 0 : -1;
}

static int q_vol_get_info_flags(struct drv_conn *c,
                                const remote_storage_vol_get_info_flags_args *args,
                                remote_storage_vol_get_info_flags_ret *ret)
{
    struct qpool *p;
    struct storage_vol *v;

    /* VIR_STORAGE_VOL_GET_PHYSICAL: the file's size as allocation. */
    if (check_flags(args->flags, 1, "storageVolGetInfoFlags") < 0 ||
        !(v = get_vol(c, &args->vol, &p))) {
        return -1;
    }
    ret->type = v->type;
    ret->capacity = v->capacity;
    ret->allocation = (args->flags & 1) ? v->physical : v->allocation;
    storage_vol_free(v);
    qpool_free(p);
    return 0;
}

static int q_vol_get_xml_desc(struct drv_conn *c,
                              const remote_storage_vol_get_xml_desc_args *args,
                              remote_storage_vol_get_xml_desc_ret *ret)
{
    struct qpool *p = NULL;
    struct storage_vol *v;

    if (check_flags(args->flags, 0, "storageVolGetXMLDesc") < 0 ||
        !(v = get_vol(c, &args->vol, &p))) {
        qpool_free(p);
        return -1;
    }
    ret->xml = storage_vol_format(p->def, v);
    storage_vol_free(v);
    qpool_free(p);
    return ret->xml ? 0 : -1;
}

static int q_vol_get_path(struct drv_conn *c, const remote_storage_vol_get_path_args *args,
                          remote_storage_vol_get_path_ret *ret)
{
    struct qpool *p;
    struct storage_vol *v = get_vol(c, &args->vol, &p);
    int rc = v ? drv_string(&ret->name, v->path) : -1;
    storage_vol_free(v);
    qpool_free(p);
    return rc;
}

/* ---- running qemu-img and scrub ---- */

static char *find_program(const char *name)
{
    const char *path = getenv("PATH");
    char buf[PATH_MAX];

    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
    for (const char *p = path; *p;) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n && n + strlen(name) + 2 < sizeof(buf)) {
            snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, name);
            if (access(buf, X_OK) == 0)
                return strdup(buf);
        }
        p += n + (e ? 1 : 0);
    }
    return NULL;
}

/* Runs argv (argv[0] a full path) with no input, its output collected
 * while the session's loop runs; libvirt's error when it fails. */
static int run_child(struct qdrv *q, char *const argv[])
{
    int pfd[2], status = 0, rc = -1;
    char out[CHILD_OUTPUT_MAX + 1];
    size_t got = 0;
    pid_t pid;

    if (pipe2(pfd, O_CLOEXEC) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot create pipe: %s", strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot fork child process: %s",
                     strerror(errno));
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        dup2(pfd[1], 1);
        dup2(pfd[1], 2);
        signal(SIGPIPE, SIG_DFL);
        execv(argv[0], argv);
        _exit(127);
    }
    close(pfd[1]);
    long long deadline = clock_mono_ms() + CHILD_WAIT_MS;
    for (;;) {
        if (q->ctx.wait_fd && q->ctx.wait_fd(q->ctx.wait_opaque, pfd[0], POLLIN, deadline) <= 0)
            break;
        char buf[4096];
        ssize_t n = read(pfd[0], buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t keep = (size_t)n < CHILD_OUTPUT_MAX - got ? (size_t)n : CHILD_OUTPUT_MAX - got;
        memcpy(out + got, buf, keep);
        got += keep;
    }
    close(pfd[0]);
    out[got] = '\0';
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        rc = 0;
    } else {
        char cmd[2048] = "";
        size_t used = 0;
        for (int i = 0; argv[i] && used < sizeof(cmd) - 1; i++)
            used +=
                (size_t)snprintf(cmd + used, sizeof(cmd) - used, "%s%s", i ? " " : "", argv[i]);
        if (WIFEXITED(status))
            error_report(ERR_INTERNAL_ERROR, FROM_STORAGE,
                         "Child process (%s) unexpected exit status %d: %s", cmd,
                         WEXITSTATUS(status), out);
        else
            error_report(ERR_INTERNAL_ERROR, FROM_STORAGE, "Child process (%s) unexpected %s",
                         cmd, "fatal signal");
    }
    return rc;
}

static char *qemu_img(void)
{
    char *p = find_program("qemu-img");
    if (!p)
        error_report(ERR_INTERNAL_ERROR, FROM_STORAGE, "%s",
                     "creation of non-raw file images is not supported without qemu-img.");
    return p;
}

/* ---- volumes: creating ---- */

static const char *format_name(int format)
{
    return format == FMT_QCOW2 ? "qcow2" : format == FMT_QCOW ? "qcow" : "raw";
}

/* Copies what in holds into out, leaving holes where it reads zeros. */
static int copy_sparse(int in, int out, const char *inpath, const char *outpath)
{
    static const char zero[65536];
    char buf[65536];
    off_t pos = 0;
    ssize_t n;

    while ((n = read(in, buf, sizeof(buf))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "failed reading from file '%s': %s",
                         inpath, strerror(errno));
            return -1;
        }
        if (memcmp(buf, zero, (size_t)n) != 0 && pwrite(out, buf, (size_t)n, pos) != n) {
            error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "failed writing to file '%s': %s",
                         outpath, strerror(errno));
            return -1;
        }
        pos += n;
    }
    return 0;
}

/* A raw file of v's capacity with v's allocation, a copy of in's data when
 * from is set (libvirt's createRawFile). */
static int create_raw(const struct storage_vol *v, const struct storage_vol *from, mode_t mode)
{
    int fd = open(v->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode), in = -1;
    int rc = -1;

    if (fd < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot create path '%s': %s", v->path,
                     strerror(errno));
        return -1;
    }
    if (ftruncate(fd, (off_t)v->capacity) < 0 || v->capacity > (unsigned long long)INT64_MAX) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot extend file '%s': %s", v->path,
                     strerror(v->capacity > (unsigned long long)INT64_MAX ? EFBIG : errno));
        goto out;
    }
    if (from) {
        in = open(from->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (in < 0) {
            error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "could not open input path '%s': %s",
                         from->path, strerror(errno));
            goto out;
        }
        if (copy_sparse(in, fd, from->path, v->path) < 0)
            goto out;
    }
    if (v->allocation) {
        int e = posix_fallocate(
            fd, 0, (off_t)(v->allocation < v->capacity ? v->allocation : v->capacity));
        if (e) {
            error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot fill file '%s': %s", v->path,
                         strerror(e));
            goto out;
        }
    }
    if (fsync(fd) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot sync data to file '%s': %s",
                     v->path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (in >= 0)
        close(in);
    close(fd);
    if (rc < 0)
        unlink(v->path);
    return rc;
}

/* What a new qcow2 volume's <target> asks of its header: its <compat> and
 * <features><lazy_refcounts/>, which the shared model does not keep.
 * *compat is "0.10" or "1.1" (malloc'd), or NULL recorded. */
static char *qcow2_wanted(const char *xml, int *lazy)
{
    xmlDocPtr doc = xml_parse(xml, strlen(xml), "(storage_volume_definition)", FROM_STORAGE);
    char *compat = NULL;

    *lazy = 0;
    if (!doc)
        return NULL;
    for (xmlNodePtr t = xmlDocGetRootElement(doc)->children; t; t = t->next) {
        if (t->type != XML_ELEMENT_NODE || strcmp((const char *)t->name, "target") != 0)
            continue;
        for (xmlNodePtr n = t->children; n; n = n->next) {
            if (n->type != XML_ELEMENT_NODE)
                continue;
            if (strcmp((const char *)n->name, "compat") == 0) {
                xmlChar *c = xmlNodeGetContent(n);
                free(compat);
                compat = c ? strdup((const char *)c) : NULL;
                xmlFree(c);
            } else if (strcmp((const char *)n->name, "features") == 0) {
                for (xmlNodePtr f = n->children; f; f = f->next)
                    if (f->type == XML_ELEMENT_NODE &&
                        strcmp((const char *)f->name, "lazy_refcounts") == 0)
                        *lazy = 1;
            }
        }
    }
    xmlFreeDoc(doc);
    if (compat && strcmp(compat, "0.10") != 0 && strcmp(compat, "1.1") != 0) {
        error_report(ERR_XML_ERROR, FROM_STORAGE, "forbidden characters in 'compat' attribute");
        free(compat);
        return NULL;
    }
    if (compat && *lazy && strcmp(compat, "0.10") == 0) {
        error_report(ERR_XML_ERROR, FROM_STORAGE, "%s",
                     "format features are only available with compat version 1.1 and newer");
        free(compat);
        return NULL;
    }
    if (!compat && !(compat = strdup(*lazy ? "1.1" : "0.10")))
        no_memory();
    return compat;
}

/* qemu-img create or convert, as real libvirt calls it. */
static int create_with_qemu_img(struct qdrv *q, const struct storage_vol *v,
                                const struct storage_vol *from, int prealloc,
                                const char *compat, int lazy)
{
    char *img = qemu_img(), opts[160], size[32];
    int rc;

    if (!img)
        return -1;
    char backing_fmt[48] = "";
    if (v->backing && !from)
        snprintf(backing_fmt, sizeof(backing_fmt), "backing_fmt=%s,",
                 format_name(v->backing_format));
    snprintf(opts, sizeof(opts), "%s%s%s%s%s", backing_fmt,
             !prealloc                     ? ""
             : v->capacity > v->allocation ? "preallocation=metadata,"
                                           : "preallocation=falloc,",
             v->format == FMT_QCOW2 ? "compat=" : "", v->format == FMT_QCOW2 ? compat : "",
             v->format == FMT_QCOW2 && lazy ? ",lazy_refcounts" : "");
    size_t ol = strlen(opts);
    if (ol && opts[ol - 1] == ',')
        opts[ol - 1] = '\0';
    snprintf(size, sizeof(size), "%lluK", (v->capacity + 1023) / 1024);
    if (from) {
        char *argv[] = {img,
                        "convert",
                        "-f",
                        (char *)format_name(from->format),
                        "-O",
                        (char *)format_name(v->format),
                        "-o",
                        opts,
                        (char *)from->path,
                        (char *)v->path,
                        NULL};
        if (!*opts) {
            argv[6] = argv[8];
            argv[7] = argv[9];
            argv[8] = NULL;
        }
        rc = run_child(q, argv);
    } else if (v->backing) {
        char *argv[] = {img,
                        "create",
                        "-f",
                        (char *)format_name(v->format),
                        "-b",
                        v->backing,
                        "-o",
                        opts,
                        (char *)v->path,
                        size,
                        NULL};
        rc = run_child(q, argv);
    } else {
        char *argv[] = {
            img,  "create", "-f", (char *)format_name(v->format), "-o", opts, (char *)v->path,
            size, NULL};
        rc = run_child(q, argv);
    }
    free(img);
    return rc;
}

static int vol_create(struct drv_conn *c, const char *pool_name, const char *xml,
                      unsigned int flags, const remote_nonnull_storage_vol *clone,
                      remote_nonnull_storage_vol *out)
{
    struct qdrv *q = Q(c);
    struct state_lock *lock = NULL;
    struct qpool *p = NULL, *inp = NULL;
    struct storage_vol *v = NULL, *from = NULL;
    char *compat = NULL;
    int rc = -1;

    if (!(lock = storage_lock(q, clone ? "remoteDispatchStorageVolCreateXMLFrom"
                                       : "remoteDispatchStorageVolCreateXML")) ||
        !(p = get_active(c, pool_name)) || !(v = storage_vol_parse_string(p->def, xml)))
        goto out;
    if (strchr(v->name, '/')) {
        error_report(ERR_OPERATION_INVALID, FROM_STORAGE, "volume name '%s' cannot contain '/'",
                     v->name);
        goto out;
    }
    free(v->path);
    free(v->key);
    v->path = join3(p->def->target, "/", v->name);
    v->key = v->path ? strdup(v->path) : NULL;
    if (!v->key) {
        no_memory();
        goto out;
    }
    struct storage_vol *old = probe_vol(p->def, v->name);
    if (old) {
        storage_vol_free(old);
        error_report(ERR_STORAGE_VOL_EXIST, FROM_STORAGE, "'%s'", v->name);
        goto out;
    }
    /* "." and "..", and what is in the directory but no volume. */
    if (!plain_name(v->name) || exists(v->path)) {
        error_report(ERR_OPERATION_INVALID, FROM_STORAGE,
                     "volume target path '%s' already exists", v->path);
        goto out;
    }
    if (clone) {
        if (!(from = get_vol(c, clone, &inp)) || file_vol(from) < 0)
            goto out;
        if (!xmlStrstr((const xmlChar *)xml, (const xmlChar *)"<allocation"))
            v->allocation = 0;
        /* A copy is never smaller than its original. */
        if (v->capacity < from->capacity)
            v->capacity = from->capacity;
    }
    if (v->backing) {
        if (v->format != FMT_QCOW2 || from) {
            error_report(ERR_NO_SUPPORT, FROM_STORAGE, "%s",
                         "backing storage not supported for raw volumes");
            goto out;
        }
        if (access(v->backing, R_OK) < 0) {
            error_report(ERR_INTERNAL_ERROR, FROM_STORAGE,
                         "inaccessible backing store volume %s", v->backing);
            goto out;
        }
        if (v->backing_format < 0)
            v->backing_format = probe_format(v->backing);
    }
    if (v->format != FMT_RAW && v->format != FMT_QCOW2) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_STORAGE,
                     "volume format '%s' is not supported",
                     storage_vol_format_names(p->def)[v->format]);
        goto out;
    }
    mode_t mode = v->perms.mode >= 0 ? (mode_t)v->perms.mode : 0600;
    int lazy = 0;
    if (v->format == FMT_QCOW2 && !(compat = qcow2_wanted(xml, &lazy)))
        goto out;
    if (v->format == FMT_RAW) {
        if (flags & VOL_CREATE_PREALLOC_METADATA) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_STORAGE, "%s",
                         "metadata preallocation is not supported for raw volumes");
            goto out;
        }
        if (from && from->format == FMT_RAW) {
            if (create_raw(v, from, mode) < 0)
                goto out;
        } else if (from) {
            if (create_with_qemu_img(q, v, from, 0, NULL, 0) < 0)
                goto out;
        } else if (create_raw(v, NULL, mode) < 0) {
            goto out;
        }
    } else if (create_with_qemu_img(q, v, from, flags & VOL_CREATE_PREALLOC_METADATA, compat,
                                    lazy) < 0) {
        unlink(v->path);
        goto out;
    }
    if (chmod(v->path, mode) < 0 ||
        ((v->perms.owner >= 0 || v->perms.group >= 0) &&
         chown(v->path, v->perms.owner >= 0 ? (uid_t)v->perms.owner : (uid_t)-1,
               v->perms.group >= 0 ? (gid_t)v->perms.group : (gid_t)-1) < 0)) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot set permissions of '%s': %s",
                     v->path, strerror(errno));
        unlink(v->path);
        goto out;
    }
    rc = fill_vol(p->def, v, out);
out:
    free(compat);
    storage_vol_free(from);
    qpool_free(inp);
    storage_vol_free(v);
    qpool_free(p);
    state_lock_release(lock);
    return rc;
}

static int q_vol_create_xml(struct drv_conn *c, const remote_storage_vol_create_xml_args *args,
                            remote_storage_vol_create_xml_ret *ret)
{
    if (check_flags(args->flags, VOL_CREATE_PREALLOC_METADATA, "storageVolCreateXML") < 0)
        return -1;
    return vol_create(c, args->pool.name, args->xml, args->flags, NULL, &ret->vol);
}

static int q_vol_create_xml_from(struct drv_conn *c,
                                 const remote_storage_vol_create_xml_from_args *args,
                                 remote_storage_vol_create_xml_from_ret *ret)
{
    if (check_flags(args->flags, VOL_CREATE_PREALLOC_METADATA | VOL_CREATE_REFLINK,
                    "storageVolCreateXMLFrom") < 0)
        return -1;
    return vol_create(c, args->pool.name, args->xml, args->flags, &args->clonevol, &ret->vol);
}

/* ---- volumes: changing and removing ---- */

/* The shape of the volume calls that change one: the lock, the pool, the
 * volume, then op. */
static int
vol_change(struct drv_conn *c, const char *owner, const remote_nonnull_storage_vol *ref,
           int (*op)(struct qdrv *, struct qpool *, struct storage_vol *, const void *),
           const void *arg)
{
    struct qdrv *q = Q(c);
    struct state_lock *lock = storage_lock(q, owner);
    struct qpool *p = NULL;
    struct storage_vol *v = NULL;
    int rc = -1;

    if (lock && (v = get_vol(c, ref, &p)))
        rc = op(q, p, v, arg);
    storage_vol_free(v);
    qpool_free(p);
    state_lock_release(lock);
    return rc;
}

static int do_vol_delete(struct qdrv *q, struct qpool *p, struct storage_vol *v,
                         const void *arg)
{
    (void)q;
    (void)p;
    (void)arg;
    if (v->type == VOL_DIR) {
        if (rmdir(v->path) < 0 && errno != ENOENT) {
            error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot remove directory '%s': %s",
                         v->path, strerror(errno));
            return -1;
        }
    } else if (unlink(v->path) < 0 && errno != ENOENT) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "cannot unlink file '%s': %s", v->path,
                     strerror(errno));
        return -1;
    }
    return 0;
}

static int q_vol_delete(struct drv_conn *c, const remote_storage_vol_delete_args *args)
{
    if (check_flags(args->flags, 0, "storageVolDelete") < 0)
        return -1;
    return vol_change(c, "remoteDispatchStorageVolDelete", &args->vol, do_vol_delete, NULL);
}

static const char *const wipe_algorithms[] = {
    "zero", "nnsa", "dod", "bsi", "gutmann", "schneier", "pfitzner7", "pfitzner33", "random"};

static int do_vol_wipe(struct qdrv *q, struct qpool *p, struct storage_vol *v, const void *arg)
{
    unsigned int alg = *(const unsigned int *)arg;
    int fd, rc = -1;

    (void)p;
    if (file_vol(v) < 0)
        return -1;
    if (alg != 0) {
        char *scrub = find_program("scrub");
        if (!scrub) {
            error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "Cannot find '%s' in path: %s",
                         "scrub", strerror(ENOENT));
            return -1;
        }
        char *argv[] = {scrub, "-f", "-p", (char *)wipe_algorithms[alg], v->path, NULL};
        rc = run_child(q, argv);
        free(scrub);
        return rc;
    }
    fd = open(v->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE,
                     "Failed to open storage volume with path '%s': %s", v->path,
                     strerror(errno));
        return -1;
    }
    if (v->allocation < v->physical) {
        /* A sparse file: emptied and given its size back, all holes. */
        if (ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t)v->physical) < 0) {
            error_report(ERR_SYSTEM_ERROR, FROM_STORAGE,
                         "Failed to truncate volume with path '%s' to 0 bytes: %s", v->path,
                         strerror(errno));
            goto out;
        }
    } else {
        static const char zero[65536];
        for (unsigned long long done = 0; done < v->allocation;) {
            size_t n = v->allocation - done < sizeof(zero) ? (size_t)(v->allocation - done)
                                                           : sizeof(zero);
            ssize_t w = pwrite(fd, zero, n, (off_t)done);
            if (w <= 0) {
                error_report(ERR_SYSTEM_ERROR, FROM_STORAGE,
                             "Failed to write %zu bytes to storage volume with path '%s': %s",
                             n, v->path, strerror(errno));
                goto out;
            }
            done += (unsigned long long)w;
        }
    }
    if (fsync(fd) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE,
                     "cannot sync data to volume with path '%s': %s", v->path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    close(fd);
    return rc;
}

static int q_vol_wipe(struct drv_conn *c, const remote_storage_vol_wipe_args *args)
{
    unsigned int alg = 0;
    if (check_flags(args->flags, 0, "storageVolWipePattern") < 0)
        return -1;
    return vol_change(c, "remoteDispatchStorageVolWipe", &args->vol, do_vol_wipe, &alg);
}

static int q_vol_wipe_pattern(struct drv_conn *c,
                              const remote_storage_vol_wipe_pattern_args *args)
{
    unsigned int alg = args->algorithm;
    if (check_flags(args->flags, 0, "storageVolWipePattern") < 0)
        return -1;
    if (alg >= sizeof(wipe_algorithms) / sizeof(wipe_algorithms[0])) {
        error_report(ERR_INVALID_ARG, FROM_STORAGE, "wiping algorithm %d not supported", alg);
        return -1;
    }
    return vol_change(c, "remoteDispatchStorageVolWipePattern", &args->vol, do_vol_wipe, &alg);
}

struct resize {
    unsigned long long capacity;
    unsigned int flags;
};

static int do_vol_resize(struct qdrv *q, struct qpool *p, struct storage_vol *v,
                         const void *arg)
{
    const struct resize *r = arg;
    unsigned long long want = r->capacity;

    if (file_vol(v) < 0)
        return -1;
    if (r->flags & RESIZE_DELTA) {
        if (r->flags & RESIZE_SHRINK)
            want = v->capacity - (r->capacity < v->capacity ? r->capacity : v->capacity);
        else
            want = v->capacity + r->capacity;
    }
    if (want < v->allocation) {
        error_report(ERR_INVALID_ARG, FROM_STORAGE, "%s",
                     "can't shrink capacity below existing allocation");
        return -1;
    }
    if (want < v->capacity && !(r->flags & RESIZE_SHRINK)) {
        error_report(
            ERR_INVALID_ARG, FROM_STORAGE, "%s",
            "Can't shrink capacity below current capacity unless shrink flag explicitly "
            "specified");
        return -1;
    }
    if (r->flags & RESIZE_ALLOCATE) {
        fill_live(p->def);
        if (want - v->allocation > p->def->available) {
            error_report(ERR_OPERATION_FAILED, FROM_STORAGE, "%s",
                         "Not enough space left in storage pool");
            return -1;
        }
    }
    if (want > (unsigned long long)INT64_MAX) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "Failed to truncate file '%s': %s",
                     v->path, strerror(EFBIG));
        return -1;
    }
    if (v->format == FMT_RAW) {
        int fd = open(v->path, O_RDWR | O_NOFOLLOW | O_CLOEXEC), rc = -1;
        if (fd < 0) {
            error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "Unable to open '%s': %s", v->path,
                         strerror(errno));
            return -1;
        }
        if (r->flags & RESIZE_ALLOCATE) {
            /* As libvirt: the whole file allocated, not only what grows. */
            int e =
                ftruncate(fd, (off_t)want) < 0 ? errno : posix_fallocate(fd, 0, (off_t)want);
            if (e)
                error_report(ERR_SYSTEM_ERROR, FROM_STORAGE,
                             "Failed to pre-allocate space for file '%s': %s", v->path,
                             strerror(e));
            else
                rc = 0;
        } else if (ftruncate(fd, (off_t)want) < 0) {
            error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "Failed to truncate file '%s': %s",
                         v->path, strerror(errno));
        } else {
            rc = 0;
        }
        close(fd);
        return rc;
    }
    if (r->flags & RESIZE_ALLOCATE) {
        error_report(ERR_OPERATION_UNSUPPORTED, FROM_STORAGE, "%s",
                     "preallocate is only supported for raw type volume");
        return -1;
    }
    char *img = qemu_img(), size[32];
    if (!img)
        return -1;
    snprintf(size, sizeof(size), "%llu", want);
    char *shrink[] = {img, "resize", "--shrink", v->path, size, NULL};
    char *grow[] = {img, "resize", v->path, size, NULL};
    int rc = run_child(q, want < v->capacity ? shrink : grow);
    free(img);
    return rc;
}

static int q_vol_resize(struct drv_conn *c, const remote_storage_vol_resize_args *args)
{
    struct resize r = {args->capacity, args->flags};
    if (check_flags(args->flags, RESIZE_ALLOCATE | RESIZE_DELTA | RESIZE_SHRINK,
                    "storageVolResize") < 0)
        return -1;
    return vol_change(c, "remoteDispatchStorageVolResize", &args->vol, do_vol_resize, &r);
}

/* ---- what other parts of the driver use ---- */

int qstorage_volume_file(struct qdrv *q, const char *pool, const char *name, char **path,
                         const char **format)
{
    struct qpool *p = load_pool(q, pool, 0);
    struct storage_vol *v = NULL;
    int rc = -1;

    if (!p)
        return -1;
    if (!p->def->active) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_STORAGE,
                     "storage pool '%s' containing volume '%s' is not active", pool, name);
        goto out;
    }
    if (!(v = find_vol(p->def, name)) || file_vol(v) < 0)
        goto out;
    *path = v->path;
    v->path = NULL;
    *format = format_name(v->format);
    rc = 0;
out:
    storage_vol_free(v);
    qpool_free(p);
    return rc;
}

int qstorage_vol_open(struct drv_conn *c, const remote_nonnull_storage_vol *vol, int write,
                      unsigned long long offset, unsigned long long length, int *fd,
                      unsigned long long *bound)
{
    struct qpool *p;
    struct storage_vol *v = get_vol(c, vol, &p);
    int rc = -1;

    *fd = -1;
    if (!v || file_vol(v) < 0)
        goto out;
    if (offset > (unsigned long long)INT64_MAX) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "Unable to seek %s to %llu: %s", v->path,
                     offset, strerror(EINVAL));
        goto out;
    }
    *fd = open(v->path, (write ? O_WRONLY : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC);
    if (*fd < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "Unable to open '%s': %s", v->path,
                     strerror(errno));
        goto out;
    }
    if (lseek(*fd, (off_t)offset, SEEK_SET) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STORAGE, "Unable to seek %s to %llu: %s", v->path,
                     offset, strerror(errno));
        close(*fd);
        *fd = -1;
        goto out;
    }
    *bound = length;
    rc = 0;
out:
    storage_vol_free(v);
    qpool_free(p);
    return rc;
}

/* virStorageVolUpload and Download: the volume's file as the session's
 * stream, from offset, for length bytes (0: to the end; an upload may grow
 * the file), holes kept both ways with --sparse. */
static int vol_transfer(struct drv_conn *c, const remote_nonnull_storage_vol *vol,
                        unsigned long long offset, unsigned long long length,
                        unsigned int flags, int write, const char *func)
{
    struct qdrv *q = Q(c);
    struct drv_stream st = {.cancel_fd = -1};
    unsigned long long bound = 0;

    /* VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM (and DOWNLOAD's, the same bit) */
    if (check_flags(flags, 1, func) < 0 ||
        qstorage_vol_open(c, vol, write, offset, length, &st.fd, &bound) < 0)
        return -1;
    st.dir = write ? DRV_STREAM_SINK : DRV_STREAM_SOURCE;
    st.length = bound;
    st.sparse = flags & 1;
    if (!q->ctx.open_stream) {
        close(st.fd);
        error_report(ERR_NO_SUPPORT, FROM_STORAGE, "%s", func);
        return -1;
    }
    return q->ctx.open_stream(q->ctx.wait_opaque, &st);
}

static int q_vol_upload(struct drv_conn *c, const remote_storage_vol_upload_args *args)
{
    return vol_transfer(c, &args->vol, args->offset, args->length, args->flags, 1,
                        "storageVolUpload");
}

static int q_vol_download(struct drv_conn *c, const remote_storage_vol_download_args *args)
{
    return vol_transfer(c, &args->vol, args->offset, args->length, args->flags, 0,
                        "storageVolDownload");
}

const struct drv_storage_ops qemu_storage_ops = {
    .storage_vol_upload = q_vol_upload,
    .storage_vol_download = q_vol_download,
    .connect_num_of_storage_pools = q_num_pools,
    .connect_list_storage_pools = q_list_pools,
    .connect_num_of_defined_storage_pools = q_num_defined_pools,
    .connect_list_defined_storage_pools = q_list_defined_pools,
    .connect_list_all_storage_pools = q_list_all_pools,
    .storage_pool_create_xml = q_pool_create_xml,
    .storage_pool_define_xml = q_pool_define,
    .storage_pool_create = q_pool_create,
    .storage_pool_build = q_pool_build,
    .storage_pool_destroy = q_pool_destroy,
    .storage_pool_delete = q_pool_delete,
    .storage_pool_undefine = q_pool_undefine,
    .storage_pool_refresh = q_pool_refresh,
    .storage_pool_lookup_by_name = q_pool_lookup_by_name,
    .storage_pool_lookup_by_uuid = q_pool_lookup_by_uuid,
    .storage_pool_lookup_by_volume = q_pool_lookup_by_volume,
    .storage_pool_lookup_by_target_path = q_pool_lookup_by_target_path,
    .storage_pool_get_info = q_pool_get_info,
    .storage_pool_get_xml_desc = q_pool_get_xml_desc,
    .storage_pool_get_autostart = q_pool_get_autostart,
    .storage_pool_set_autostart = q_pool_set_autostart,
    .storage_pool_is_active = q_pool_is_active,
    .storage_pool_is_persistent = q_pool_is_persistent,
    .storage_pool_num_of_volumes = q_num_vols,
    .storage_pool_list_volumes = q_list_vols,
    .storage_pool_list_all_volumes = q_list_all_vols,
    .storage_vol_create_xml = q_vol_create_xml,
    .storage_vol_create_xml_from = q_vol_create_xml_from,
    .storage_vol_delete = q_vol_delete,
    .storage_vol_lookup_by_name = q_vol_lookup_by_name,
    .storage_vol_lookup_by_key = q_vol_lookup_by_key,
    .storage_vol_lookup_by_path = q_vol_lookup_by_path,
    .storage_vol_get_info = q_vol_get_info,
    .storage_vol_get_info_flags = q_vol_get_info_flags,
    .storage_vol_get_xml_desc = q_vol_get_xml_desc,
    .storage_vol_get_path = q_vol_get_path,
    .storage_vol_wipe = q_vol_wipe,
    .storage_vol_wipe_pattern = q_vol_wipe_pattern,
    .storage_vol_resize = q_vol_resize,
};

/* test-storage: storage pools and volumes of the test driver (see
 * test-storage.h). Facts (error texts, flags, XML shape, the 100 GiB every
 * pool has) are real libvirt 9.0's test driver's as it answers.
 *
 * Differences from real libvirt worth knowing:
 * - pools and volumes are listed in the order they were added; real's
 *   come from hash tables (virsh sorts them either way);
 * - a pool's <source> keeps what the pool types users define carry (hosts,
 *   devices, dir, adapter name/parent/managed/wwnn/wwpn, name, initiator,
 *   format, protocol, auth, vendor, product); other source details, the
 *   storage pool namespaces (fs:, rbd:) and a volume's timestamps,
 *   encryption, compat and features are not kept;
 * - VIR_STORAGE_VOL_CREATE_VALIDATE is refused as real refuses a valid
 *   document, without checking it against libvirt's schema first;
 * - a definition given for a running pool is dropped, which is what
 *   real's test driver shows too (it never applies it). */
#include "test-storage.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "conf/xml.h"
#include "error.h"
#include "uuid.h"

#define POOL_CAPACITY 107374182400ULL /* every pool: 100 GiB */
#define POOLS_MAX 4096
#define VOLS_MAX 16384 /* per pool: what one ListAllVolumes reply carries */
#define NAME_MAX_LEN 1024
#define PATH_MAX_LEN 4096
#define HOSTS_MAX 64
#define DEVICES_MAX 256
#define TAG 'S'

/* Which parts of <source> a pool type reads and writes, and what it needs. */
enum {
    S_HOST = 1,
    S_DEVICE = 2,
    S_DIR = 4,
    S_ADAPTER = 8,
    S_NAME = 16,
    S_FORMAT = 32,
    S_NETWORK = 64,    /* no <target> */
    S_IQN = 128,
    S_DEFNAME = 256,   /* the source name defaults to the pool's */
    S_NEED_DEV = 512,  /* a device is required */
    S_AUTH = 1024,
    S_PROTOCOL = 2048, /* <protocol ver='N'/> */
};

enum vol_formats { VF_NONE, VF_FILE, VF_DISK };

static const char *const fs_formats[] = {"auto", "ext2", "ext3", "ext4", "ufs", "iso9660",
                                         "udf", "gfs", "gfs2", "vfat", "hfs+", "xfs",
                                         "ocfs2", "vmfs", NULL};
static const char *const netfs_formats[] = {"auto", "nfs", "glusterfs", "cifs", NULL};
static const char *const disk_formats[] = {"unknown", "dos", "dvh", "gpt", "mac",
                                           "bsd", "pc98", "sun", "lvm2", NULL};
static const char *const logical_formats[] = {"unknown", "lvm2", NULL};
static const char *const file_vol_formats[] = {
    "none", "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi",
    "fat", "vhd", "ploop", "cow", "qcow", "qcow2", "qed", "vmdk", NULL};
static const char *const disk_vol_formats[] = {"none", "linux", "fat16", "fat32", "linux-swap",
                                               "linux-lvm", "linux-raid", "extended", NULL};
static const char *const vol_types[] = {"file", "block", "dir", "network", "netdir", "ploop",
                                        NULL};

/* libvirt's virStoragePoolType order: the index is the type, and bit
 * (6 + index) of virConnectListAllStoragePools' flags selects it (but
 * iscsi-direct, the newest, has bit 19). */
static const struct pool_type {
    const char *name;
    unsigned int flags;
    const char *const *formats; /* of the pool's source, or NULL */
    int default_format;
    int vol_formats;
    unsigned int list_bit;
    int vol_info_type; /* what virStorageVolGetInfo says its volumes are */
} pool_types[] = {
    {"dir", 0, NULL, 0, VF_FILE, 1u << 6, 0},
    {"fs", S_DEVICE | S_FORMAT | S_NEED_DEV, fs_formats, 0, VF_FILE, 1u << 7, 0},
    {"netfs", S_HOST | S_DIR | S_FORMAT | S_PROTOCOL, netfs_formats, 0, VF_FILE, 1u << 8, 0},
    {"logical", S_NAME | S_DEVICE | S_FORMAT | S_DEFNAME, logical_formats, 1, VF_NONE, 1u << 9, 1},
    {"disk", S_DEVICE | S_FORMAT | S_NEED_DEV, disk_formats, 0, VF_DISK, 1u << 10, 1},
    {"iscsi", S_HOST | S_DEVICE | S_IQN | S_AUTH, NULL, 0, VF_NONE, 1u << 11, 1},
    {"iscsi-direct", S_HOST | S_DEVICE | S_NETWORK | S_IQN | S_AUTH, NULL, 0, VF_NONE, 1u << 19, 1},
    {"scsi", S_ADAPTER, NULL, 0, VF_NONE, 1u << 12, 1},
    {"mpath", 0, NULL, 0, VF_NONE, 1u << 13, 1},
    {"rbd", S_HOST | S_NETWORK | S_NAME | S_AUTH, NULL, 0, VF_FILE, 1u << 14, 3},
    {"sheepdog", S_HOST | S_NETWORK | S_NAME, NULL, 0, VF_FILE, 1u << 15, 3},
    {"gluster", S_HOST | S_NETWORK | S_NAME | S_DIR, NULL, 0, VF_FILE, 1u << 16, 3},
    {"zfs", S_NAME | S_DEVICE | S_DEFNAME, NULL, 0, VF_NONE, 1u << 17, 1},
    {"vstorage", S_NAME, NULL, 0, VF_FILE, 1u << 18, 0},
};
#define POOL_DIR 0
#define POOL_NETFS 2
#define POOL_LOGICAL 3
#define POOL_ISCSI 5
#define POOL_GLUSTER 11
#define POOL_ZFS 12
#define NTYPES ((int)(sizeof(pool_types) / sizeof(pool_types[0])))

struct perms {
    long mode, owner, group; /* -1: unset */
    char *label;
};

struct host {
    char *name;
    int port; /* 0: none */
};

struct adapter {
    char *type, *name, *parent, *managed, *wwnn, *wwpn;
};

struct vol {
    char *name, *key, *path;
    int type;
    int format; /* -1: none */
    unsigned long long capacity, allocation;
    struct perms perms;
    char *backing;      /* <backingStore><path>, or NULL */
    int backing_format; /* -1: none */
};

struct pool {
    int type;
    char *name;
    unsigned char uuid[UUID_LEN];
    struct host *hosts;
    size_t nhosts;
    char **devices;
    size_t ndevices;
    char *src_dir, *src_name, *iqn, *vendor, *product, *protocol;
    char *auth_type, *auth_user, *secret_usage, *secret_uuid;
    struct adapter adapter;
    int format; /* -1: none */
    char *target;
    struct perms perms;
    unsigned long long capacity, allocation, available;
    int active, persistent, autostart;
    struct vol **vols;
    size_t nvols;
};

struct storage_state {
    struct pool **pools;
    size_t npools;
};

static struct storage_state *st(struct drv_conn *c)
{
    return test_state(c, TEST_KIND_STORAGE);
}

/* ---- freeing ---- */

static void perms_free(struct perms *p)
{
    free(p->label);
}

static void vol_free(struct vol *v)
{
    if (!v)
        return;
    free(v->name);
    free(v->key);
    free(v->path);
    free(v->backing);
    perms_free(&v->perms);
    free(v);
}

/* What a pool's <source> holds (also a sources query's). */
static void source_free(struct pool *p)
{
    for (size_t i = 0; i < p->nhosts; i++)
        free(p->hosts[i].name);
    free(p->hosts);
    for (size_t i = 0; i < p->ndevices; i++)
        free(p->devices[i]);
    free(p->devices);
    free(p->src_dir);
    free(p->src_name);
    free(p->iqn);
    free(p->vendor);
    free(p->product);
    free(p->protocol);
    free(p->auth_type);
    free(p->auth_user);
    free(p->secret_usage);
    free(p->secret_uuid);
    free(p->adapter.type);
    free(p->adapter.name);
    free(p->adapter.parent);
    free(p->adapter.managed);
    free(p->adapter.wwnn);
    free(p->adapter.wwpn);
}

static void pool_free(struct pool *p)
{
    if (!p)
        return;
    free(p->name);
    source_free(p);
    free(p->target);
    perms_free(&p->perms);
    for (size_t i = 0; i < p->nvols; i++)
        vol_free(p->vols[i]);
    free(p->vols);
    free(p);
}

/* ---- XML reading helpers ---- */

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
    return NULL;
}

/* The attribute's value (malloc'd), or NULL when absent (or out of
 * memory). */
static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

/* The element's text (malloc'd), untrimmed as libvirt reads it; NULL when
 * the element is absent (or out of memory). */
static char *text(xmlNodePtr n)
{
    if (!n)
        return NULL;
    xmlChar *v = xmlNodeGetContent(n);
    char *s = strdup(v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

static int lookup(const char *const *names, const char *s)
{
    for (int i = 0; names && names[i]; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static int too_long(const char *s, size_t max, const char *what)
{
    if (s && strlen(s) > max) {
        error_report(ERR_XML_ERROR, FROM_STORAGE, "%s is longer than %zu bytes", what, max);
        return 1;
    }
    return 0;
}

/* virFileSanitizePath: no doubled '/', no trailing '/' (but "/" stays). */
static void sanitize_path(char *p)
{
    char *w = p;
    for (const char *r = p; *r; r++)
        if (!(*r == '/' && w > p && w[-1] == '/'))
            *w++ = *r;
    *w = '\0';
    size_t len = strlen(p);
    while (len > 1 && p[len - 1] == '/')
        p[--len] = '\0';
}

static int parse_ull(const char *s, unsigned long long *out)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* virScaleInteger's units: 0, or -1 recorded. */
static int scale(unsigned long long *v, const char *unit)
{
    unsigned long long mult = 1;
    if (unit && *unit && strcasecmp(unit, "b") && strcasecmp(unit, "byte") &&
        strcasecmp(unit, "bytes")) {
        unsigned long long base;
        if (!unit[1] || strcasecmp(unit + 1, "iB") == 0)
            base = 1024;
        else if ((unit[1] == 'b' || unit[1] == 'B') && !unit[2])
            base = 1000;
        else
            goto bad;
        const char *const pw = "kmgtpe";
        const char *at = strchr(pw, unit[0] | 0x20);
        if (!at || !unit[0])
            goto bad;
        for (long i = 0; i <= at - pw; i++)
            mult *= base;
    }
    if (*v > UINT64_MAX / mult) {
        error_report(ERR_OVERFLOW, FROM_STORAGE, "value too large");
        return -1;
    }
    *v *= mult;
    return 0;
bad:
    error_report(ERR_INVALID_ARG, FROM_STORAGE, "unknown suffix '%s'", unit);
    return -1;
}

/* <capacity unit='..'>N</capacity> and its kin: 1 read, 0 absent, -1. */
static int parse_size(xmlNodePtr parent, const char *name, unsigned long long *out)
{
    xmlNodePtr n = child(parent, name);
    if (!n)
        return 0;
    char *t = text(n), *unit = attr(n, "unit");
    int r = 1;
    if (!t || parse_ull(t, out) < 0) {
        error_report(ERR_XML_ERROR, FROM_STORAGE, "malformed %s element", name);
        r = -1;
    } else if (scale(out, unit) < 0) {
        r = -1;
    }
    free(t);
    free(unit);
    return r;
}

static int parse_perms(xmlNodePtr target, struct perms *p)
{
    xmlNodePtr n = child(target, "permissions");
    p->mode = p->owner = p->group = -1;
    if (!n)
        return 0;
    char *mode = text(child(n, "mode")), *owner = text(child(n, "owner")),
         *group = text(child(n, "group"));
    int r = 0;
    char *end;
    if (mode) {
        long m = strtol(mode, &end, 8);
        if (!*mode || *end || m < 0 || m > 0777 * 8 + 7) {
            error_report(ERR_XML_ERROR, FROM_STORAGE, "malformed octal mode");
            r = -1;
        }
        p->mode = m;
    }
    if (r == 0 && owner) {
        long o = strtol(owner, &end, 10);
        if (!*owner || *end || o < -1 || o > UINT32_MAX) {
            error_report(ERR_XML_ERROR, FROM_STORAGE, "malformed owner element");
            r = -1;
        }
        p->owner = o;
    }
    if (r == 0 && group) {
        long g = strtol(group, &end, 10);
        if (!*group || *end || g < -1 || g > UINT32_MAX) {
            error_report(ERR_XML_ERROR, FROM_STORAGE, "malformed group element");
            r = -1;
        }
        p->group = g;
    }
    if (r == 0) {
        p->label = text(child(n, "label"));
        if (too_long(p->label, PATH_MAX_LEN, "label"))
            r = -1;
    }
    free(mode);
    free(owner);
    free(group);
    return r;
}

/* ---- XML writing ---- */

struct out {
    FILE *f;
    char *buf;
    size_t len;
};

static int out_open(struct out *o)
{
    o->buf = NULL;
    o->len = 0;
    o->f = open_memstream(&o->buf, &o->len);
    if (!o->f)
        test_no_memory();
    return o->f ? 0 : -1;
}

/* Closes o: its text (malloc'd), or NULL recorded. */
static char *out_close(struct out *o)
{
    int bad = ferror(o->f);
    if (fclose(o->f) != 0 || bad) {
        free(o->buf);
        test_no_memory();
        return NULL;
    }
    return o->buf;
}

static void esc(FILE *f, const char *s)
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

/* fprintf where %E is an escaped string. */
static void put(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            fputc(*p, f);
            continue;
        }
        p++;
        if (*p == 'E')
            esc(f, va_arg(ap, const char *));
        else if (*p == 's')
            fputs(va_arg(ap, const char *), f);
        else if (*p == 'd')
            fprintf(f, "%d", va_arg(ap, int));
        else if (*p == 'l')
            fprintf(f, "%ld", va_arg(ap, long));
        else if (*p == 'o')
            fprintf(f, "%04lo", va_arg(ap, long));
        else if (*p == 'U')
            fprintf(f, "%llu", va_arg(ap, unsigned long long));
        else
            fputc(*p, f);
    }
    va_end(ap);
}

static void format_perms(FILE *f, const struct perms *p, const char *ind)
{
    if (p->mode == -1 && p->owner == -1 && p->group == -1 && !p->label)
        return;
    put(f, "%s<permissions>\n", ind);
    if (p->mode != -1)
        put(f, "%s  <mode>%o</mode>\n", ind, p->mode);
    if (p->owner != -1)
        put(f, "%s  <owner>%l</owner>\n", ind, p->owner);
    if (p->group != -1)
        put(f, "%s  <group>%l</group>\n", ind, p->group);
    if (p->label)
        put(f, "%s  <label>%E</label>\n", ind, p->label);
    put(f, "%s</permissions>\n", ind);
}

/* ---- pools: parse and format ---- */

static void random_uuid(unsigned char *u)
{
    size_t n = 0;
    while (n < UUID_LEN) {
        ssize_t r = getrandom(u + n, UUID_LEN - n, 0);
        if (r <= 0) {
            for (; n < UUID_LEN; n++)
                u[n] = (unsigned char)rand();
            break;
        }
        n += (size_t)r;
    }
    u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
    u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
}

/* <source> of a pool of type t into p (also used for a sources query). */
static int parse_source(xmlNodePtr src, const struct pool_type *t, struct pool *p)
{
    if (!src)
        return 0;
    for (xmlNodePtr n = src->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        const char *nm = (const char *)n->name;
        if (strcmp(nm, "host") == 0 && (t->flags & S_HOST)) {
            if (p->nhosts >= HOSTS_MAX) {
                error_report(ERR_XML_ERROR, FROM_STORAGE, "too many hosts");
                return -1;
            }
            char *name = attr(n, "name"), *port = attr(n, "port");
            if (!name) {
                free(port);
                error_report(ERR_XML_ERROR, FROM_STORAGE, "missing storage pool host name");
                return -1;
            }
            int pv = 0;
            if (port) {
                char *end;
                long v = strtol(port, &end, 10);
                if (!*port || *end || v < 0 || v > 65535) {
                    error_report(ERR_XML_ERROR, FROM_STORAGE,
                                 "Invalid port number: %s", port);
                    free(port);
                    free(name);
                    return -1;
                }
                pv = (int)v;
            }
            free(port);
            struct host *h = realloc(p->hosts, (p->nhosts + 1) * sizeof(*h));
            if (!h || too_long(name, NAME_MAX_LEN, "host name")) {
                if (!h)
                    test_no_memory();
                else
                    p->hosts = h;
                free(name);
                return -1;
            }
            p->hosts = h;
            h[p->nhosts++] = (struct host){name, pv};
        } else if (strcmp(nm, "device") == 0 && (t->flags & S_DEVICE)) {
            char *path = attr(n, "path");
            if (!path) {
                error_report(ERR_XML_ERROR, FROM_STORAGE, "missing storage pool source device path");
                return -1;
            }
            char **d = p->ndevices < DEVICES_MAX
                           ? realloc(p->devices, (p->ndevices + 1) * sizeof(*d))
                           : NULL;
            if (!d || too_long(path, PATH_MAX_LEN, "device path")) {
                if (d)
                    p->devices = d;
                else
                    error_report(ERR_XML_ERROR, FROM_STORAGE, "too many devices");
                free(path);
                return -1;
            }
            p->devices = d;
            d[p->ndevices++] = path;
        } else if (strcmp(nm, "dir") == 0 && (t->flags & S_DIR) && !p->src_dir) {
            p->src_dir = attr(n, "path");
            if (too_long(p->src_dir, PATH_MAX_LEN, "source path"))
                return -1;
        } else if (strcmp(nm, "name") == 0 && (t->flags & S_NAME) && !p->src_name) {
            p->src_name = text(n);
            if (too_long(p->src_name, NAME_MAX_LEN, "source name"))
                return -1;
        } else if (strcmp(nm, "adapter") == 0 && (t->flags & S_ADAPTER) && !p->adapter.type) {
            p->adapter.type = attr(n, "type");
            p->adapter.name = attr(n, "name");
            p->adapter.parent = attr(n, "parent");
            p->adapter.managed = attr(n, "managed");
            p->adapter.wwnn = attr(n, "wwnn");
            p->adapter.wwpn = attr(n, "wwpn");
            if (!p->adapter.type)
                p->adapter.type = strdup(p->adapter.wwnn ? "fc_host" : "scsi_host");
        } else if (strcmp(nm, "initiator") == 0 && (t->flags & S_IQN) && !p->iqn) {
            p->iqn = attr(child(n, "iqn"), "name");
        } else if (strcmp(nm, "format") == 0 && (t->flags & S_FORMAT)) {
            char *f = attr(n, "type");
            int v = f ? lookup(t->formats, f) : t->default_format;
            if (v < 0)
                error_report(ERR_CONFIG_UNSUPPORTED, FROM_STORAGE, "unknown pool format type %s",
                             f);
            free(f);
            if (v < 0)
                return -1;
            p->format = v;
        } else if (strcmp(nm, "protocol") == 0 && (t->flags & S_PROTOCOL) && !p->protocol) {
            p->protocol = attr(n, "ver");
            char *end;
            if (p->protocol && (!*p->protocol || strtoul(p->protocol, &end, 10) > 1000 || *end)) {
                error_report(ERR_XML_ERROR, FROM_STORAGE,
                             "storage pool protocol ver '%s' is malformed", p->protocol);
                return -1;
            }
        } else if (strcmp(nm, "auth") == 0 && (t->flags & S_AUTH) && !p->auth_type) {
            xmlNodePtr sec = child(n, "secret");
            p->auth_type = attr(n, "type");
            p->auth_user = attr(n, "username");
            p->secret_usage = attr(sec, "usage");
            p->secret_uuid = attr(sec, "uuid");
            if (!p->auth_type || (strcmp(p->auth_type, "chap") && strcmp(p->auth_type, "ceph"))) {
                error_report(ERR_XML_ERROR, FROM_STORAGE, "unknown auth type '%s'",
                             p->auth_type ? p->auth_type : "(null)");
                return -1;
            }
            if (!p->auth_user) {
                error_report(ERR_XML_ERROR, FROM_STORAGE, "missing username for auth");
                return -1;
            }
            if (too_long(p->auth_user, NAME_MAX_LEN, "username") ||
                too_long(p->secret_usage, NAME_MAX_LEN, "secret usage") ||
                too_long(p->secret_uuid, NAME_MAX_LEN, "secret uuid"))
                return -1;
        } else if (strcmp(nm, "vendor") == 0 && !p->vendor) {
            p->vendor = attr(n, "name");
        } else if (strcmp(nm, "product") == 0 && !p->product) {
            p->product = attr(n, "name");
        }
    }
    if (too_long(p->vendor, NAME_MAX_LEN, "vendor") || too_long(p->product, NAME_MAX_LEN, "product") ||
        too_long(p->iqn, NAME_MAX_LEN, "iqn"))
        return -1;
    return 0;
}

static int check_name(const char *name, const char *missing)
{
    if (!name || !*name) {
        error_report(ERR_XML_ERROR, FROM_STORAGE, "%s", missing);
        return -1;
    }
    if (too_long(name, NAME_MAX_LEN, "name"))
        return -1;
    return 0;
}

/* A pool definition from root (<pool>), checked as libvirt checks it. */
static struct pool *pool_parse_node(xmlNodePtr root)
{
    struct pool *p = calloc(1, sizeof(*p));
    char *type = NULL, *uuid = NULL;
    if (!p) {
        test_no_memory();
        return NULL;
    }
    p->format = -1;
    p->perms.mode = p->perms.owner = p->perms.group = -1;
    if (strcmp((const char *)root->name, "pool") != 0) {
        error_report(ERR_XML_ERROR, FROM_STORAGE, "expecting root element of 'pool', not '%s'",
                     (const char *)root->name);
        goto bad;
    }
    type = attr(root, "type");
    if (!type) {
        error_report(ERR_XML_ERROR, FROM_STORAGE,
                     "Missing required attribute 'type' in element 'pool'");
        goto bad;
    }
    p->type = -1;
    for (int i = 0; i < NTYPES; i++)
        if (strcmp(pool_types[i].name, type) == 0)
            p->type = i;
    if (p->type < 0) {
        error_report(ERR_XML_ERROR, FROM_STORAGE,
                     "Invalid value for attribute 'type' in element 'pool': '%s'.", type);
        goto bad;
    }
    const struct pool_type *t = &pool_types[p->type];
    xmlNodePtr src = child(root, "source");
    if (parse_source(src, t, p) < 0)
        goto bad;
    if ((t->flags & S_FORMAT) && p->format < 0)
        p->format = t->default_format;
    p->name = text(child(root, "name"));
    if (check_name(p->name, "missing pool source name element") < 0)
        goto bad;
    if (strchr(p->name, '/')) {
        error_report(ERR_XML_ERROR, FROM_STORAGE, "name %s cannot contain '/'", p->name);
        goto bad;
    }
    uuid = text(child(root, "uuid"));
    if (uuid) {
        if (uuid_parse(uuid, p->uuid) < 0) {
            error_report(ERR_XML_ERROR, FROM_STORAGE, "malformed uuid element");
            goto bad;
        }
    } else {
        random_uuid(p->uuid);
    }
    if ((t->flags & S_HOST) && p->nhosts == 0) {
        error_report(ERR_XML_ERROR, FROM_STORAGE, "missing storage pool source host name");
        goto bad;
    }
    if ((t->flags & S_DIR) && !p->src_dir) {
        error_report(ERR_XML_ERROR, FROM_STORAGE, "missing storage pool source path");
        goto bad;
    }
    if ((t->flags & S_NAME) && !p->src_name) {
        if (!(t->flags & S_DEFNAME)) {
            error_report(ERR_XML_ERROR, FROM_STORAGE, "missing storage pool source name");
            goto bad;
        }
        if (!(p->src_name = strdup(p->name))) {
            test_no_memory();
            goto bad;
        }
    }
    if ((t->flags & S_ADAPTER) && !p->adapter.type) {
        error_report(ERR_XML_ERROR, FROM_STORAGE, "missing storage pool source adapter");
        goto bad;
    }
    if ((t->flags & S_NEED_DEV) && p->ndevices == 0) {
        error_report(ERR_XML_ERROR, FROM_STORAGE, "missing storage pool source device name");
        goto bad;
    }
    if (!(t->flags & S_NETWORK)) {
        xmlNodePtr tn = child(root, "target");
        if (p->type == POOL_ZFS) {
            size_t n = strlen(p->src_name) + 11;
            if ((p->target = malloc(n)))
                snprintf(p->target, n, "/dev/zvol/%s", p->src_name);
        } else {
            p->target = text(child(tn, "path"));
            if (!p->target) {
                error_report(ERR_XML_ERROR, FROM_STORAGE, "missing storage pool target path");
                goto bad;
            }
        }
        if (!p->target || too_long(p->target, PATH_MAX_LEN, "target path"))
            goto bad;
        sanitize_path(p->target);
        if (parse_perms(tn, &p->perms) < 0)
            goto bad;
    }
    free(type);
    free(uuid);
    return p;
bad:
    free(type);
    free(uuid);
    pool_free(p);
    return NULL;
}

static struct pool *pool_parse_string(const char *xml)
{
    xmlDocPtr doc = xml_parse(xml, strlen(xml), "(storage_pool_definition)", FROM_STORAGE);
    if (!doc)
        return NULL;
    struct pool *p = pool_parse_node(xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    return p;
}

static void format_source(FILE *f, const struct pool *p, const char *ind)
{
    const struct pool_type *t = &pool_types[p->type];
    put(f, "%s<source>\n", ind);
    for (size_t i = 0; i < p->nhosts; i++) {
        put(f, "%s  <host name='%E'", ind, p->hosts[i].name);
        if (p->hosts[i].port)
            put(f, " port='%d'", p->hosts[i].port);
        put(f, "/>\n");
    }
    for (size_t i = 0; i < p->ndevices; i++)
        put(f, "%s  <device path='%E'/>\n", ind, p->devices[i]);
    if (p->src_dir)
        put(f, "%s  <dir path='%E'/>\n", ind, p->src_dir);
    if (p->adapter.type) {
        put(f, "%s  <adapter type='%E'", ind, p->adapter.type);
        const char *const names[] = {"name", "parent", "managed", "wwnn", "wwpn"};
        const char *vals[] = {p->adapter.name, p->adapter.parent, p->adapter.managed,
                              p->adapter.wwnn, p->adapter.wwpn};
        for (int i = 0; i < 5; i++)
            if (vals[i])
                put(f, " %s='%E'", names[i], vals[i]);
        put(f, "/>\n");
    }
    if (p->src_name)
        put(f, "%s  <name>%E</name>\n", ind, p->src_name);
    if (p->iqn)
        put(f, "%s  <initiator>\n%s    <iqn name='%E'/>\n%s  </initiator>\n", ind, ind, p->iqn,
            ind);
    if (t->formats && p->format >= 0)
        put(f, "%s  <format type='%s'/>\n", ind, t->formats[p->format]);
    if (p->protocol)
        put(f, "%s  <protocol ver='%E'/>\n", ind, p->protocol);
    if (p->auth_type) {
        put(f, "%s  <auth type='%E' username='%E'>\n", ind, p->auth_type, p->auth_user);
        if (p->secret_usage)
            put(f, "%s    <secret usage='%E'/>\n", ind, p->secret_usage);
        else if (p->secret_uuid)
            put(f, "%s    <secret uuid='%E'/>\n", ind, p->secret_uuid);
        put(f, "%s  </auth>\n", ind);
    }
    if (p->vendor)
        put(f, "%s  <vendor name='%E'/>\n", ind, p->vendor);
    if (p->product)
        put(f, "%s  <product name='%E'/>\n", ind, p->product);
    put(f, "%s</source>\n", ind);
}

static char *pool_format(const struct pool *p)
{
    struct out o;
    char u[UUID_STRING_LEN];
    if (out_open(&o) < 0)
        return NULL;
    uuid_format(p->uuid, u);
    put(o.f, "<pool type='%s'>\n  <name>%E</name>\n  <uuid>%s</uuid>\n", pool_types[p->type].name,
        p->name, u);
    put(o.f, "  <capacity unit='bytes'>%U</capacity>\n", p->capacity);
    put(o.f, "  <allocation unit='bytes'>%U</allocation>\n", p->allocation);
    put(o.f, "  <available unit='bytes'>%U</available>\n", p->available);
    format_source(o.f, p, "  ");
    if (p->target) {
        put(o.f, "  <target>\n    <path>%E</path>\n", p->target);
        format_perms(o.f, &p->perms, "    ");
        put(o.f, "  </target>\n");
    }
    put(o.f, "</pool>\n");
    return out_close(&o);
}

/* ---- volumes: parse and format ---- */

static const char *const *vol_format_names(const struct pool *p)
{
    int k = pool_types[p->type].vol_formats;
    return k == VF_FILE ? file_vol_formats : k == VF_DISK ? disk_vol_formats : NULL;
}

/* A volume of pool p from root (<volume>). */
static struct vol *vol_parse_node(const struct pool *p, xmlNodePtr root)
{
    struct vol *v = calloc(1, sizeof(*v));
    char *type = NULL, *fmt = NULL;
    if (!v) {
        test_no_memory();
        return NULL;
    }
    v->format = v->backing_format = -1;
    v->perms.mode = v->perms.owner = v->perms.group = -1;
    if (strcmp((const char *)root->name, "volume") != 0) {
        error_report(ERR_XML_ERROR, FROM_STORAGE,
                     "expecting root element of 'volume', not '%s'", (const char *)root->name);
        goto bad;
    }
    v->name = text(child(root, "name"));
    if (check_name(v->name, "missing volume name element") < 0)
        goto bad;
    type = attr(root, "type");
    if (type && (v->type = lookup(vol_types, type)) < 0) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_STORAGE, "unknown volume type '%s'", type);
        goto bad;
    }
    v->key = text(child(root, "key"));
    int r = parse_size(root, "capacity", &v->capacity);
    if (r == 0)
        error_report(ERR_XML_ERROR, FROM_STORAGE, "missing capacity element");
    if (r <= 0)
        goto bad;
    r = parse_size(root, "allocation", &v->allocation);
    if (r < 0)
        goto bad;
    if (r == 0)
        v->allocation = v->capacity;
    xmlNodePtr tn = child(root, "target");
    v->path = text(child(tn, "path"));
    const char *const *fmts = vol_format_names(p);
    if (fmts) {
        xmlNodePtr fn = child(tn, "format");
        fmt = attr(fn, "type");
        v->format = pool_types[p->type].vol_formats == VF_FILE ? 1 : 0;
        if (fmt && (v->format = lookup(fmts, fmt)) < 0) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_STORAGE, "unknown volume format type %s",
                         fmt);
            goto bad;
        }
    }
    xmlNodePtr bn = child(root, "backingStore");
    v->backing = text(child(bn, "path"));
    if (v->backing && fmts) {
        free(fmt);
        fmt = attr(child(bn, "format"), "type");
        if (fmt && (v->backing_format = lookup(fmts, fmt)) < 0) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_STORAGE, "unknown volume format type %s",
                         fmt);
            goto bad;
        }
    }
    if (parse_perms(tn, &v->perms) < 0 || too_long(v->key, PATH_MAX_LEN, "key") ||
        too_long(v->backing, PATH_MAX_LEN, "backing store path") ||
        too_long(v->path, PATH_MAX_LEN, "path"))
        goto bad;
    free(type);
    free(fmt);
    return v;
bad:
    free(type);
    free(fmt);
    vol_free(v);
    return NULL;
}

static struct vol *vol_parse_string(const struct pool *p, const char *xml)
{
    xmlDocPtr doc = xml_parse(xml, strlen(xml), "(storage_volume_definition)", FROM_STORAGE);
    if (!doc)
        return NULL;
    struct vol *v = vol_parse_node(p, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    return v;
}

static char *vol_format(const struct pool *p, const struct vol *v)
{
    struct out o;
    if (out_open(&o) < 0)
        return NULL;
    put(o.f, "<volume type='%s'>\n  <name>%E</name>\n  <key>%E</key>\n", vol_types[v->type],
        v->name, v->key ? v->key : "");
    put(o.f, "  <capacity unit='bytes'>%U</capacity>\n", v->capacity);
    put(o.f, "  <allocation unit='bytes'>%U</allocation>\n", v->allocation);
    put(o.f, "  <target>\n");
    if (v->path)
        put(o.f, "    <path>%E</path>\n", v->path);
    const char *const *fmts = vol_format_names(p);
    if (fmts && v->format >= 0)
        put(o.f, "    <format type='%s'/>\n", fmts[v->format]);
    format_perms(o.f, &v->perms, "    ");
    put(o.f, "  </target>\n");
    if (v->backing) {
        put(o.f, "  <backingStore>\n    <path>%E</path>\n", v->backing);
        if (fmts && v->backing_format >= 0)
            put(o.f, "    <format type='%s'/>\n", fmts[v->backing_format]);
        put(o.f, "  </backingStore>\n");
    }
    put(o.f, "</volume>\n");
    return out_close(&o);
}

/* ---- the pools of a connection ---- */

static struct pool *find_name(struct drv_conn *c, const char *name)
{
    struct storage_state *s = st(c);
    for (size_t i = 0; i < s->npools; i++)
        if (strcmp(s->pools[i]->name, name) == 0)
            return s->pools[i];
    return NULL;
}

static struct pool *find_uuid(struct drv_conn *c, const unsigned char *uuid)
{
    struct storage_state *s = st(c);
    for (size_t i = 0; i < s->npools; i++)
        if (memcmp(s->pools[i]->uuid, uuid, UUID_LEN) == 0)
            return s->pools[i];
    return NULL;
}

static int pool_add(struct drv_conn *c, struct pool *p)
{
    struct storage_state *s = st(c);
    if (s->npools >= POOLS_MAX) {
        error_report(ERR_OPERATION_FAILED, FROM_TEST, "too many storage pools");
        return -1;
    }
    struct pool **n = realloc(s->pools, (s->npools + 1) * sizeof(*n));
    if (!n) {
        test_no_memory();
        return -1;
    }
    s->pools = n;
    n[s->npools++] = p;
    return 0;
}

static void pool_remove(struct drv_conn *c, struct pool *p)
{
    struct storage_state *s = st(c);
    for (size_t i = 0; i < s->npools; i++)
        if (s->pools[i] == p) {
            memmove(s->pools + i, s->pools + i + 1, (s->npools - i - 1) * sizeof(*s->pools));
            s->npools--;
            break;
        }
    pool_free(p);
}

static int vol_add(struct pool *p, struct vol *v)
{
    if (p->nvols >= VOLS_MAX) {
        error_report(ERR_OPERATION_FAILED, FROM_TEST, "too many volumes in pool '%s'", p->name);
        return -1;
    }
    struct vol **n = realloc(p->vols, (p->nvols + 1) * sizeof(*n));
    if (!n) {
        test_no_memory();
        return -1;
    }
    p->vols = n;
    n[p->nvols++] = v;
    return 0;
}

static struct vol *vol_by_name(const struct pool *p, const char *name)
{
    for (size_t i = 0; i < p->nvols; i++)
        if (strcmp(p->vols[i]->name, name) == 0)
            return p->vols[i];
    return NULL;
}

/* testStoragePoolObjSetDefaults: every pool is 100 GiB, nothing used. */
static void set_defaults(struct pool *p)
{
    p->capacity = POOL_CAPACITY;
    p->allocation = 0;
    p->available = POOL_CAPACITY;
}

static void recompute(struct pool *p)
{
    p->available = p->capacity - p->allocation;
}

/* ---- events ---- */

enum { EV_DEFINED, EV_UNDEFINED, EV_STARTED, EV_STOPPED, EV_CREATED, EV_DELETED };
#define EVENT_LIFECYCLE 0
#define EVENT_REFRESH 1

/* A record: tag, event id, event (1 byte each), the uuid, the name. */
static void queue(struct drv_conn *c, const struct pool *p, int id, int event)
{
    size_t nlen = strlen(p->name);
    unsigned char *rec = malloc(3 + UUID_LEN + nlen);
    if (!rec)
        return;
    rec[0] = TAG;
    rec[1] = (unsigned char)id;
    rec[2] = (unsigned char)event;
    memcpy(rec + 3, p->uuid, UUID_LEN);
    memcpy(rec + 3 + UUID_LEN, p->name, nlen);
    test_queue_event(c, rec, 3 + UUID_LEN + nlen);
    free(rec);
}

static void storage_deliver(struct drv_conn *c, const unsigned char *rec, size_t len)
{
    if (len < 4 + UUID_LEN || len > 3 + UUID_LEN + NAME_MAX_LEN || rec[1] > EVENT_REFRESH ||
        rec[2] > EV_DELETED || memchr(rec + 3 + UUID_LEN, '\0', len - 3 - UUID_LEN))
        return;
    char *name = strndup((const char *)rec + 3 + UUID_LEN, len - 3 - UUID_LEN);
    if (!name)
        return;
    remote_nonnull_storage_pool pool = {.name = name};
    memcpy(pool.uuid, rec + 3, UUID_LEN);
    if (rec[1] == EVENT_LIFECYCLE) {
        remote_storage_pool_event_lifecycle_msg m = {.pool = pool, .event = rec[2], .detail = 0};
        test_emit(c, DRV_EVENT_STORAGE_POOL, EVENT_LIFECYCLE, rec + 3, UUID_LEN,
                  (xdrproc_t)xdr_remote_storage_pool_event_lifecycle_msg, &m);
    } else {
        remote_storage_pool_event_refresh_msg m = {.pool = pool};
        test_emit(c, DRV_EVENT_STORAGE_POOL, EVENT_REFRESH, rec + 3, UUID_LEN,
                  (xdrproc_t)xdr_remote_storage_pool_event_refresh_msg, &m);
    }
    free(name);
}

/* ---- the kind's hooks ---- */

static void storage_clear(struct drv_conn *c, void *state)
{
    (void)c;
    struct storage_state *s = state;
    for (size_t i = 0; i < s->npools; i++)
        pool_free(s->pools[i]);
    free(s->pools);
    s->pools = NULL;
    s->npools = 0;
}

static const char default_pool_xml[] = "<pool type='dir'>"
                                       "<name>default-pool</name>"
                                       "<uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>"
                                       "<target><path>/default-pool</path></target>"
                                       "</pool>";

static int storage_load_default(struct drv_conn *c, void *state)
{
    (void)state;
    struct pool *p = pool_parse_string(default_pool_xml);
    if (!p)
        return -1;
    set_defaults(p);
    p->active = p->persistent = 1;
    if (pool_add(c, p) < 0) {
        pool_free(p);
        return -1;
    }
    return 0;
}

/* A volume of a node file's pool: its path and key default to the pool's
 * target path and its name, and its allocation is taken from the pool. */
static int node_volume(struct drv_conn *c, struct pool *p, xmlDocPtr doc, xmlNodePtr n,
                       const char *dir)
{
    xmlDocPtr sub;
    xmlNodePtr root;
    (void)doc;
    if (test_node_file(c, n, dir, &sub, &root) < 0)
        return -1;
    struct vol *v = vol_parse_node(p, sub ? root : n);
    xmlFreeDoc(sub);
    if (!v)
        return -1;
    if (!v->path) {
        size_t len = strlen(p->target ? p->target : "(null)") + strlen(v->name) + 2;
        if ((v->path = malloc(len)))
            snprintf(v->path, len, "%s/%s", p->target ? p->target : "(null)", v->name);
    }
    if (v->path && !v->key)
        v->key = strdup(v->path);
    if (!v->path || !v->key) {
        test_no_memory();
        vol_free(v);
        return -1;
    }
    if (vol_add(p, v) < 0) {
        vol_free(v);
        return -1;
    }
    p->allocation += v->allocation;
    recompute(p);
    return 0;
}

static int storage_load_node(struct drv_conn *c, void *state, xmlDocPtr doc, xmlNodePtr n,
                             const char *dir)
{
    xmlDocPtr sub;
    xmlNodePtr root;
    int rc = -1;
    (void)state;
    if (test_node_file(c, n, dir, &sub, &root) < 0)
        return -1;
    /* The volumes are the children of the <pool> element that defines the
     * pool: in the node file, or in the file its file= names. */
    xmlNodePtr def = sub ? root : n;
    struct pool *p = pool_parse_node(def);
    if (!p)
        goto out;
    set_defaults(p);
    p->active = p->persistent = 1;
    if (pool_add(c, p) < 0) {
        pool_free(p);
        goto out;
    }
    for (xmlNodePtr v = def->children; v; v = v->next)
        if (v->type == XML_ELEMENT_NODE && strcmp((const char *)v->name, "volume") == 0 &&
            node_volume(c, p, sub ? sub : doc, v, dir) < 0)
            goto out;
    rc = 0;
out:
    xmlFreeDoc(sub);
    return rc;
}

/* The section: per pool a line "pool ACTIVE PERSISTENT AUTOSTART CAPACITY
 * ALLOCATION AVAILABLE NVOLS LEN" and its XML, then per volume "vol TYPE
 * LEN" and its XML. */
static int storage_save(struct drv_conn *c, void *state, FILE *f)
{
    (void)c;
    struct storage_state *s = state;
    for (size_t i = 0; i < s->npools; i++) {
        struct pool *p = s->pools[i];
        char *x = pool_format(p);
        if (!x)
            return -1;
        fprintf(f, "pool %d %d %d %llu %llu %llu %zu %zu\n%s", p->active, p->persistent,
                p->autostart, p->capacity, p->allocation, p->available, p->nvols, strlen(x), x);
        free(x);
        for (size_t j = 0; j < p->nvols; j++) {
            char *y = vol_format(p, p->vols[j]);
            if (!y)
                return -1;
            fprintf(f, "vol %zu\n%s", strlen(y), y);
            free(y);
        }
    }
    return ferror(f) ? -1 : 0;
}

static void bad_section(void)
{
    error_report(ERR_INTERNAL_ERROR, FROM_TEST, "test:///default's shared storage state is damaged");
}

/* The next line of the section (at most 512 bytes) into line; *p moves
 * past it. 0, or -1 when there is none. */
static int read_line(const char **p, const char *end, char line[513])
{
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    if (!nl || nl - *p > 512)
        return -1;
    memcpy(line, *p, (size_t)(nl - *p));
    line[nl - *p] = '\0';
    *p = nl + 1;
    return 0;
}

/* The len bytes at *p as a string (malloc'd), *p moved past them; NULL
 * when they are not all there. */
static char *read_text(const char **p, const char *end, size_t len)
{
    if (len > (size_t)(end - *p) || len > REMOTE_STRING_MAX)
        return NULL;
    char *t = strndup(*p, len);
    if (t)
        *p += len;
    return t;
}

static int storage_load(struct drv_conn *c, void *state, const char *data, size_t len)
{
    (void)state;
    const char *p = data, *end = data + len;
    char line[513];
    while (p < end) {
        int active, persistent, autostart;
        unsigned long long cap, alloc, avail;
        size_t nvols, xlen;
        char *x = NULL;
        if (read_line(&p, end, line) == 0 &&
            sscanf(line, "pool %d %d %d %llu %llu %llu %zu %zu", &active, &persistent,
                   &autostart, &cap, &alloc, &avail, &nvols, &xlen) == 8)
            x = read_text(&p, end, xlen);
        struct pool *pl = x ? pool_parse_string(x) : NULL;
        free(x);
        if (!pl || nvols > VOLS_MAX || pool_add(c, pl) < 0) {
            pool_free(pl);
            bad_section();
            return -1;
        }
        pl->active = active != 0;
        pl->persistent = persistent != 0;
        pl->autostart = autostart != 0;
        pl->capacity = cap;
        pl->allocation = alloc;
        pl->available = avail;
        for (size_t i = 0; i < nvols; i++) {
            char *y = NULL;
            if (read_line(&p, end, line) == 0 && sscanf(line, "vol %zu", &xlen) == 1)
                y = read_text(&p, end, xlen);
            struct vol *v = y ? vol_parse_string(pl, y) : NULL;
            free(y);
            if (!v || !v->key || !v->path || vol_add(pl, v) < 0) {
                vol_free(v);
                bad_section();
                return -1;
            }
        }
    }
    return 0;
}

const struct test_kind test_storage_kind = {
    .name = "storage",
    .tag = TAG,
    .node_element = "pool",
    .state_size = sizeof(struct storage_state),
    .clear = storage_clear,
    .load_default = storage_load_default,
    .load_node = storage_load_node,
    .save = storage_save,
    .load = storage_load,
    .deliver = storage_deliver,
};

/* ---- replies ---- */

static int fill_pool(const struct pool *p, remote_nonnull_storage_pool *out)
{
    memcpy(out->uuid, p->uuid, UUID_LEN);
    return drv_string(&out->name, p->name);
}

static int fill_vol(const struct pool *p, const struct vol *v, remote_nonnull_storage_vol *out)
{
    if (drv_string(&out->pool, p->name) < 0 || drv_string(&out->name, v->name) < 0 ||
        drv_string(&out->key, v->key ? v->key : "") < 0)
        return -1;
    return 0;
}

static struct pool *get_pool(struct drv_conn *c, const remote_nonnull_storage_pool *ref)
{
    struct pool *p = find_name(c, ref->name);
    if (!p)
        error_report(ERR_NO_STORAGE_POOL, FROM_TEST, "no storage pool with matching name '%s'",
                     ref->name);
    return p;
}

static struct pool *get_active_pool(struct drv_conn *c, const char *name)
{
    struct pool *p = find_name(c, name);
    if (!p) {
        error_report(ERR_NO_STORAGE_POOL, FROM_TEST, "no storage pool with matching name '%s'",
                     name);
        return NULL;
    }
    if (!p->active) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST, "storage pool '%s' is not active", name);
        return NULL;
    }
    return p;
}

static struct vol *get_vol(struct drv_conn *c, const remote_nonnull_storage_vol *ref,
                           struct pool **pool)
{
    struct pool *p = get_active_pool(c, ref->pool);
    if (!p)
        return NULL;
    struct vol *v = vol_by_name(p, ref->name);
    if (!v)
        error_report(ERR_NO_STORAGE_VOL, FROM_TEST, "no storage vol with matching name '%s'",
                     ref->name);
    *pool = p;
    return v;
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

/* ---- listing pools ---- */

static int count_pools(struct drv_conn *c, int active, int *num)
{
    if (test_sync(c) < 0)
        return -1;
    struct storage_state *s = st(c);
    *num = 0;
    for (size_t i = 0; i < s->npools; i++)
        *num += s->pools[i]->active == active;
    return 0;
}

static int list_pools(struct drv_conn *c, int active, int maxnames, char ***names, u_int *len)
{
    if (check_maxnames(maxnames, "REMOTE_STORAGE_POOL_LIST_MAX") < 0 || test_sync(c) < 0)
        return -1;
    struct storage_state *s = st(c);
    *names = calloc((size_t)maxnames + 1, sizeof(char *));
    if (!*names) {
        test_no_memory();
        return -1;
    }
    for (size_t i = 0; i < s->npools && *len < (u_int)maxnames; i++) {
        if (s->pools[i]->active != active)
            continue;
        if (drv_string(&(*names)[*len], s->pools[i]->name) < 0)
            return -1;
        ++*len;
    }
    return 0;
}

static int test_connect_num_of_storage_pools(struct drv_conn *c,
                                             remote_connect_num_of_storage_pools_ret *ret)
{
    return count_pools(c, 1, &ret->num);
}

static int test_connect_num_of_defined_storage_pools(
    struct drv_conn *c, remote_connect_num_of_defined_storage_pools_ret *ret)
{
    return count_pools(c, 0, &ret->num);
}

static int test_connect_list_storage_pools(struct drv_conn *c,
                                           const remote_connect_list_storage_pools_args *args,
                                           remote_connect_list_storage_pools_ret *ret)
{
    return list_pools(c, 1, args->maxnames, &ret->names.names_val, &ret->names.names_len);
}

static int test_connect_list_defined_storage_pools(
    struct drv_conn *c, const remote_connect_list_defined_storage_pools_args *args,
    remote_connect_list_defined_storage_pools_ret *ret)
{
    return list_pools(c, 0, args->maxnames, &ret->names.names_val, &ret->names.names_len);
}

static int pool_matches(const struct pool *p, unsigned int f)
{
    if ((f & 3) && !((f & 1 && !p->active) || (f & 2 && p->active)))
        return 0;
    if ((f & 12) && !((f & 4 && p->persistent) || (f & 8 && !p->persistent)))
        return 0;
    if ((f & 48) && !((f & 16 && p->autostart) || (f & 32 && !p->autostart)))
        return 0;
    if ((f & 0xfffc0) && !(f & pool_types[p->type].list_bit))
        return 0;
    return 1;
}

static int test_connect_list_all_storage_pools(struct drv_conn *c,
                                               const remote_connect_list_all_storage_pools_args *args,
                                               remote_connect_list_all_storage_pools_ret *ret)
{
    if (test_check_flags(args->flags, 0xfffff, "testConnectListAllStoragePools") < 0 ||
        test_sync(c) < 0)
        return -1;
    struct storage_state *s = st(c);
    size_t count = 0;
    for (size_t i = 0; i < s->npools; i++)
        count += pool_matches(s->pools[i], args->flags);
    ret->ret = (u_int)count;
    if (!args->need_results)
        return 0;
    ret->pools.pools_val = calloc(count ? count : 1, sizeof(remote_nonnull_storage_pool));
    if (!ret->pools.pools_val) {
        test_no_memory();
        return -1;
    }
    for (size_t i = 0; i < s->npools; i++) {
        if (!pool_matches(s->pools[i], args->flags))
            continue;
        if (fill_pool(s->pools[i], &ret->pools.pools_val[ret->pools.pools_len]) < 0)
            return -1;
        ret->pools.pools_len++;
    }
    return 0;
}

/* ---- pool lookups and queries ---- */

static int test_storage_pool_lookup_by_name(struct drv_conn *c,
                                            const remote_storage_pool_lookup_by_name_args *args,
                                            remote_storage_pool_lookup_by_name_ret *ret)
{
    if (test_sync(c) < 0)
        return -1;
    struct pool *p = find_name(c, args->name);
    if (!p) {
        error_report(ERR_NO_STORAGE_POOL, FROM_TEST, "no storage pool with matching name '%s'",
                     args->name);
        return -1;
    }
    return fill_pool(p, &ret->pool);
}

static int test_storage_pool_lookup_by_uuid(struct drv_conn *c,
                                            const remote_storage_pool_lookup_by_uuid_args *args,
                                            remote_storage_pool_lookup_by_uuid_ret *ret)
{
    if (test_sync(c) < 0)
        return -1;
    struct pool *p = find_uuid(c, (const unsigned char *)args->uuid);
    if (!p) {
        char u[UUID_STRING_LEN];
        uuid_format((const unsigned char *)args->uuid, u);
        error_report(ERR_NO_STORAGE_POOL, FROM_TEST, "no storage pool with matching uuid '%s'",
                     u);
        return -1;
    }
    return fill_pool(p, &ret->pool);
}

static int test_storage_pool_lookup_by_volume(struct drv_conn *c,
                                              const remote_storage_pool_lookup_by_volume_args *args,
                                              remote_storage_pool_lookup_by_volume_ret *ret)
{
    if (test_sync(c) < 0)
        return -1;
    struct pool *p = find_name(c, args->vol.pool);
    if (!p) {
        error_report(ERR_NO_STORAGE_POOL, FROM_TEST, "no storage pool with matching name '%s'",
                     args->vol.pool);
        return -1;
    }
    return fill_pool(p, &ret->pool);
}

static int test_storage_pool_get_info(struct drv_conn *c,
                                      const remote_storage_pool_get_info_args *args,
                                      remote_storage_pool_get_info_ret *ret)
{
    struct pool *p;
    if (test_sync(c) < 0 || !(p = get_pool(c, &args->pool)))
        return -1;
    ret->state = p->active ? 2 : 0; /* VIR_STORAGE_POOL_RUNNING / INACTIVE */
    ret->capacity = p->capacity;
    ret->allocation = p->allocation;
    ret->available = p->available;
    return 0;
}

static int test_storage_pool_get_xml_desc(struct drv_conn *c,
                                          const remote_storage_pool_get_xml_desc_args *args,
                                          remote_storage_pool_get_xml_desc_ret *ret)
{
    struct pool *p;
    if (test_check_flags(args->flags, 0, "testStoragePoolGetXMLDesc") < 0 || test_sync(c) < 0 ||
        !(p = get_pool(c, &args->pool)))
        return -1;
    return (ret->xml = pool_format(p)) ? 0 : -1;
}

static int test_storage_pool_get_autostart(struct drv_conn *c,
                                           const remote_storage_pool_get_autostart_args *args,
                                           remote_storage_pool_get_autostart_ret *ret)
{
    struct pool *p;
    if (test_sync(c) < 0 || !(p = get_pool(c, &args->pool)))
        return -1;
    ret->autostart = p->persistent && p->autostart;
    return 0;
}

static int test_storage_pool_is_active(struct drv_conn *c,
                                       const remote_storage_pool_is_active_args *args,
                                       remote_storage_pool_is_active_ret *ret)
{
    struct pool *p;
    if (test_sync(c) < 0)
        return -1;
    if (!(p = find_uuid(c, (const unsigned char *)args->pool.uuid))) {
        char u[UUID_STRING_LEN];
        uuid_format((const unsigned char *)args->pool.uuid, u);
        error_report(ERR_NO_STORAGE_POOL, FROM_TEST, "no storage pool with matching uuid '%s'", u);
        return -1;
    }
    ret->active = p->active;
    return 0;
}

static int test_storage_pool_is_persistent(struct drv_conn *c,
                                           const remote_storage_pool_is_persistent_args *args,
                                           remote_storage_pool_is_persistent_ret *ret)
{
    struct pool *p;
    if (test_sync(c) < 0)
        return -1;
    if (!(p = find_uuid(c, (const unsigned char *)args->pool.uuid))) {
        char u[UUID_STRING_LEN];
        uuid_format((const unsigned char *)args->pool.uuid, u);
        error_report(ERR_NO_STORAGE_POOL, FROM_TEST, "no storage pool with matching uuid '%s'", u);
        return -1;
    }
    ret->persistent = p->persistent;
    return 0;
}

/* ---- defining, starting, stopping pools ---- */

static int same_hosts(const struct pool *a, const struct pool *b)
{
    return a->nhosts && b->nhosts && strcmp(a->hosts[0].name, b->hosts[0].name) == 0;
}

static int share_device(const struct pool *a, const struct pool *b)
{
    for (size_t i = 0; i < a->ndevices; i++)
        for (size_t j = 0; j < b->ndevices; j++)
            if (strcmp(a->devices[i], b->devices[j]) == 0)
                return 1;
    return 0;
}

static int str_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* virStoragePoolObjSourceFindDuplicate, for the types the test driver's
 * users define: another pool using the same storage. */
static struct pool *source_conflict(struct drv_conn *c, const struct pool *def)
{
    struct storage_state *s = st(c);
    for (size_t i = 0; i < s->npools; i++) {
        struct pool *o = s->pools[i];
        if (o->type != def->type || strcmp(o->name, def->name) == 0)
            continue;
        int hit = 0;
        switch (def->type) {
        case POOL_DIR:
            hit = str_eq(o->target, def->target);
            break;
        case POOL_NETFS:
        case POOL_GLUSTER:
            hit = str_eq(o->src_dir, def->src_dir) && same_hosts(o, def);
            break;
        case POOL_ISCSI:
            hit = share_device(o, def) && same_hosts(o, def);
            break;
        case POOL_LOGICAL:
            hit = str_eq(o->src_name, def->src_name) || share_device(o, def);
            break;
        case 1: /* fs */
        case 4: /* disk */
        case POOL_ZFS:
            hit = share_device(o, def);
            break;
        default:
            break;
        }
        if (hit)
            return o;
    }
    return NULL;
}

/* virStoragePoolObjIsDuplicate and the source check: the existing pool the
 * definition stands for in *existing (same name and uuid), or none; -1
 * recorded when it clashes. check_active: a transient start, refused when
 * that pool runs. */
static int check_duplicate(struct drv_conn *c, const struct pool *def, int check_active,
                           struct pool **existing)
{
    char u[UUID_STRING_LEN];
    struct pool *o = find_uuid(c, def->uuid);
    *existing = NULL;
    if (o) {
        if (strcmp(o->name, def->name) != 0) {
            uuid_format(o->uuid, u);
            error_report(ERR_OPERATION_FAILED, FROM_STORAGE,
                         "pool '%s' is already defined with uuid %s", o->name, u);
            return -1;
        }
        if (check_active && o->active) {
            error_report(ERR_OPERATION_INVALID, FROM_STORAGE, "pool is already active as '%s'",
                         o->name);
            return -1;
        }
        *existing = o;
    } else if ((o = find_name(c, def->name))) {
        uuid_format(o->uuid, u);
        error_report(ERR_OPERATION_FAILED, FROM_STORAGE, "pool '%s' already exists with uuid %s",
                     o->name, u);
        return -1;
    }
    struct pool *clash = source_conflict(c, def);
    if (clash) {
        error_report(ERR_OPERATION_FAILED, FROM_STORAGE,
                     "Storage source conflict with pool: '%s'", clash->name);
        return -1;
    }
    return 0;
}

/* Replaces existing's definition by def's (def is freed), keeping its
 * state and volumes. */
static void replace_def(struct pool *existing, struct pool *def)
{
    struct pool keep = *existing;
    *existing = *def;
    existing->active = keep.active;
    existing->persistent = keep.persistent;
    existing->autostart = keep.autostart;
    existing->vols = keep.vols;
    existing->nvols = keep.nvols;
    keep.vols = NULL;
    keep.nvols = 0;
    *def = keep;
    pool_free(def);
}

static int define_locked(struct drv_conn *c, const char *xml, unsigned int flags,
                         remote_nonnull_storage_pool *out)
{
    struct pool *def, *o;
    if (test_check_flags(flags, 1, "testStoragePoolDefineXML") < 0 ||
        !(def = pool_parse_string(xml)))
        return -1;
    if (check_duplicate(c, def, 0, &o) < 0) {
        pool_free(def);
        return -1;
    }
    set_defaults(def);
    if (o && o->active) {
        /* A running pool keeps its definition: real's test driver never
         * applies the one given for its next start. */
        o->persistent = 1;
        pool_free(def);
    } else if (o) {
        replace_def(o, def);
        o->persistent = 1;
    } else {
        if (pool_add(c, def) < 0) {
            pool_free(def);
            return -1;
        }
        def->persistent = 1;
        o = def;
    }
    queue(c, o, EVENT_LIFECYCLE, EV_DEFINED);
    return fill_pool(o, out);
}

static int test_storage_pool_define_xml(struct drv_conn *c,
                                        const remote_storage_pool_define_xml_args *args,
                                        remote_storage_pool_define_xml_ret *ret)
{
    if (test_wr_begin(c, "testStoragePoolDefineXML") < 0)
        return -1;
    return test_wr_end(c, define_locked(c, args->xml, args->flags, &ret->pool));
}

static int create_xml_locked(struct drv_conn *c, const char *xml, unsigned int flags,
                             remote_nonnull_storage_pool *out)
{
    struct pool *def, *o;
    if (test_check_flags(flags, 0, "testStoragePoolCreateXML") < 0 ||
        !(def = pool_parse_string(xml)))
        return -1;
    if (check_duplicate(c, def, 1, &o) < 0) {
        pool_free(def);
        return -1;
    }
    set_defaults(def);
    if (o) {
        replace_def(o, def);
    } else {
        if (pool_add(c, def) < 0) {
            pool_free(def);
            return -1;
        }
        o = def;
    }
    o->active = 1;
    queue(c, o, EVENT_LIFECYCLE, EV_STARTED);
    return fill_pool(o, out);
}

static int test_storage_pool_create_xml(struct drv_conn *c,
                                        const remote_storage_pool_create_xml_args *args,
                                        remote_storage_pool_create_xml_ret *ret)
{
    if (test_wr_begin(c, "testStoragePoolCreateXML") < 0)
        return -1;
    return test_wr_end(c, create_xml_locked(c, args->xml, args->flags, &ret->pool));
}

static struct pool *get_inactive_pool(struct drv_conn *c, const char *name)
{
    struct pool *p = find_name(c, name);
    if (!p) {
        error_report(ERR_NO_STORAGE_POOL, FROM_TEST, "no storage pool with matching name '%s'",
                     name);
        return NULL;
    }
    if (p->active) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST, "storage pool '%s' is active", name);
        return NULL;
    }
    return p;
}

/* The shape of every pool call that changes state: flags checked, the
 * pool found (active or inactive as the call needs), then op. */
enum need { ANY, ACTIVE, INACTIVE };

static int pool_change(struct drv_conn *c, const char *api, unsigned int flags,
                       const char *name, enum need need, int (*op)(struct drv_conn *, struct pool *))
{
    if (test_check_flags(flags, 0, api) < 0 || test_wr_begin(c, api) < 0)
        return -1;
    struct pool *p = need == ACTIVE     ? get_active_pool(c, name)
                     : need == INACTIVE ? get_inactive_pool(c, name)
                                        : find_name(c, name);
    if (!p && need == ANY)
        error_report(ERR_NO_STORAGE_POOL, FROM_TEST, "no storage pool with matching name '%s'",
                     name);
    return test_wr_end(c, p ? op(c, p) : -1);
}

static int do_start(struct drv_conn *c, struct pool *p)
{
    p->active = 1;
    queue(c, p, EVENT_LIFECYCLE, EV_STARTED);
    return 0;
}

static int do_build(struct drv_conn *c, struct pool *p)
{
    queue(c, p, EVENT_LIFECYCLE, EV_CREATED);
    return 0;
}

static int do_destroy(struct drv_conn *c, struct pool *p)
{
    p->active = 0;
    queue(c, p, EVENT_LIFECYCLE, EV_STOPPED);
    if (!p->persistent)
        pool_remove(c, p);
    return 0;
}

static int do_delete(struct drv_conn *c, struct pool *p)
{
    queue(c, p, EVENT_LIFECYCLE, EV_DELETED);
    return 0;
}

static int do_undefine(struct drv_conn *c, struct pool *p)
{
    queue(c, p, EVENT_LIFECYCLE, EV_UNDEFINED);
    pool_remove(c, p);
    return 0;
}

static int do_refresh(struct drv_conn *c, struct pool *p)
{
    queue(c, p, EVENT_REFRESH, 0);
    return 0;
}

static int test_storage_pool_create(struct drv_conn *c, const remote_storage_pool_create_args *args)
{
    return pool_change(c, "testStoragePoolCreate", args->flags, args->pool.name, INACTIVE,
                       do_start);
}

static int test_storage_pool_build(struct drv_conn *c, const remote_storage_pool_build_args *args)
{
    return pool_change(c, "testStoragePoolBuild", args->flags, args->pool.name, INACTIVE,
                       do_build);
}

static int test_storage_pool_destroy(struct drv_conn *c,
                                     const remote_storage_pool_destroy_args *args)
{
    return pool_change(c, "testStoragePoolDestroy", 0, args->pool.name, ACTIVE, do_destroy);
}

static int test_storage_pool_delete(struct drv_conn *c, const remote_storage_pool_delete_args *args)
{
    return pool_change(c, "testStoragePoolDelete", args->flags, args->pool.name, INACTIVE,
                       do_delete);
}

static int test_storage_pool_undefine(struct drv_conn *c,
                                      const remote_storage_pool_undefine_args *args)
{
    return pool_change(c, "testStoragePoolUndefine", 0, args->pool.name, INACTIVE, do_undefine);
}

static int test_storage_pool_refresh(struct drv_conn *c,
                                     const remote_storage_pool_refresh_args *args)
{
    return pool_change(c, "testStoragePoolRefresh", args->flags, args->pool.name, ACTIVE,
                       do_refresh);
}

static int autostart_locked(struct drv_conn *c, const remote_storage_pool_set_autostart_args *args)
{
    struct pool *p = get_pool(c, &args->pool);
    if (!p)
        return -1;
    if (!p->persistent) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "pool has no config file");
        return -1;
    }
    p->autostart = args->autostart != 0;
    return 0;
}

static int test_storage_pool_set_autostart(struct drv_conn *c,
                                           const remote_storage_pool_set_autostart_args *args)
{
    if (test_wr_begin(c, "testStoragePoolSetAutostart") < 0)
        return -1;
    return test_wr_end(c, autostart_locked(c, args));
}

/* ---- source discovery ---- */

static const char logical_sources[] = "<sources>\n"
                                      "  <source>\n"
                                      "    <device path='/dev/sda20'/>\n"
                                      "    <name>testvg1</name>\n"
                                      "    <format type='lvm2'/>\n"
                                      "  </source>\n"
                                      "  <source>\n"
                                      "    <device path='/dev/sda21'/>\n"
                                      "    <name>testvg2</name>\n"
                                      "    <format type='lvm2'/>\n"
                                      "  </source>\n"
                                      "</sources>\n";

static int test_connect_find_storage_pool_sources(
    struct drv_conn *c, const remote_connect_find_storage_pool_sources_args *args,
    remote_connect_find_storage_pool_sources_ret *ret)
{
    (void)c;
    if (test_check_flags(args->flags, 0, "testConnectFindStoragePoolSources") < 0)
        return -1;
    int type = -1;
    for (int i = 0; i < NTYPES; i++)
        if (strcmp(pool_types[i].name, args->type) == 0)
            type = i;
    /* Real's test driver takes type 0 (dir) for an unknown name. */
    if (type == POOL_DIR) {
        error_report(ERR_INTERNAL_ERROR, FROM_TEST, "unknown storage pool type %s", args->type);
        return -1;
    }
    if (type != POOL_LOGICAL && type != POOL_NETFS) {
        error_report(ERR_NO_SUPPORT, FROM_TEST, "pool type '%s' does not support source discovery",
                     args->type);
        return -1;
    }
    struct pool spec = {.type = type, .format = -1};
    int rc = -1;
    if (args->srcSpec) {
        xmlDocPtr doc = xml_parse(*args->srcSpec, strlen(*args->srcSpec),
                                  "(storage_source_specification)", FROM_STORAGE);
        if (!doc)
            return -1;
        rc = parse_source(xmlDocGetRootElement(doc), &pool_types[type], &spec);
        xmlFreeDoc(doc);
        if (rc < 0)
            goto out;
        rc = -1;
    }
    if (type == POOL_LOGICAL) {
        rc = drv_string(&ret->xml, logical_sources);
    } else {
        if (!spec.nhosts) {
            error_report(ERR_INVALID_ARG, FROM_TEST, "hostname must be specified for netfs sources");
            goto out;
        }
        struct out o;
        if (out_open(&o) < 0)
            goto out;
        put(o.f, "<sources>\n  <source>\n    <host name='%E'/>\n    <dir path='/testshare'/>\n"
                 "    <format type='nfs'/>\n  </source>\n</sources>\n",
            spec.hosts[0].name);
        rc = (ret->xml = out_close(&o)) ? 0 : -1;
    }
out:
    source_free(&spec);
    return rc;
}

/* ---- volumes ---- */

static int test_storage_pool_num_of_volumes(struct drv_conn *c,
                                            const remote_storage_pool_num_of_volumes_args *args,
                                            remote_storage_pool_num_of_volumes_ret *ret)
{
    struct pool *p;
    if (test_sync(c) < 0 || !(p = get_active_pool(c, args->pool.name)))
        return -1;
    ret->num = (int)p->nvols;
    return 0;
}

static int test_storage_pool_list_volumes(struct drv_conn *c,
                                          const remote_storage_pool_list_volumes_args *args,
                                          remote_storage_pool_list_volumes_ret *ret)
{
    struct pool *p;
    if (check_maxnames(args->maxnames, "REMOTE_STORAGE_VOL_LIST_MAX") < 0 || test_sync(c) < 0 ||
        !(p = get_active_pool(c, args->pool.name)))
        return -1;
    ret->names.names_val = calloc((size_t)args->maxnames + 1, sizeof(char *));
    if (!ret->names.names_val) {
        test_no_memory();
        return -1;
    }
    for (size_t i = 0; i < p->nvols && ret->names.names_len < (u_int)args->maxnames; i++) {
        if (drv_string(&ret->names.names_val[ret->names.names_len], p->vols[i]->name) < 0)
            return -1;
        ret->names.names_len++;
    }
    return 0;
}

static int test_storage_pool_list_all_volumes(struct drv_conn *c,
                                              const remote_storage_pool_list_all_volumes_args *args,
                                              remote_storage_pool_list_all_volumes_ret *ret)
{
    if (test_check_flags(args->flags, 0, "testStoragePoolListAllVolumes") < 0 ||
        test_sync(c) < 0)
        return -1;
    struct pool *p = get_pool(c, &args->pool);
    if (!p)
        return -1;
    if (!p->active) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST, "storage pool is not active");
        return -1;
    }
    ret->ret = (u_int)p->nvols;
    if (!args->need_results)
        return 0;
    ret->vols.vols_val = calloc(p->nvols ? p->nvols : 1, sizeof(remote_nonnull_storage_vol));
    if (!ret->vols.vols_val) {
        test_no_memory();
        return -1;
    }
    for (size_t i = 0; i < p->nvols; i++) {
        if (fill_vol(p, p->vols[i], &ret->vols.vols_val[i]) < 0)
            return -1;
        ret->vols.vols_len++;
    }
    return 0;
}

static int test_storage_vol_lookup_by_name(struct drv_conn *c,
                                           const remote_storage_vol_lookup_by_name_args *args,
                                           remote_storage_vol_lookup_by_name_ret *ret)
{
    struct pool *p;
    if (test_sync(c) < 0 || !(p = get_active_pool(c, args->pool.name)))
        return -1;
    struct vol *v = vol_by_name(p, args->name);
    if (!v) {
        error_report(ERR_NO_STORAGE_VOL, FROM_TEST, "no storage vol with matching name '%s'",
                     args->name);
        return -1;
    }
    return fill_vol(p, v, &ret->vol);
}

/* The first volume of a running pool whose key (by_path 0) or path is s. */
static int vol_search(struct drv_conn *c, const char *s, int by_path,
                      remote_nonnull_storage_vol *out)
{
    if (test_sync(c) < 0)
        return -1;
    struct storage_state *ss = st(c);
    for (size_t i = 0; i < ss->npools; i++) {
        struct pool *p = ss->pools[i];
        if (!p->active)
            continue;
        for (size_t j = 0; j < p->nvols; j++)
            if (str_eq(by_path ? p->vols[j]->path : p->vols[j]->key, s))
                return fill_vol(p, p->vols[j], out);
    }
    error_report(ERR_NO_STORAGE_VOL, FROM_TEST, "no storage vol with matching %s '%s'",
                 by_path ? "path" : "key", s);
    return -1;
}

static int test_storage_vol_lookup_by_key(struct drv_conn *c,
                                          const remote_storage_vol_lookup_by_key_args *args,
                                          remote_storage_vol_lookup_by_key_ret *ret)
{
    return vol_search(c, args->key, 0, &ret->vol);
}

static int test_storage_vol_lookup_by_path(struct drv_conn *c,
                                           const remote_storage_vol_lookup_by_path_args *args,
                                           remote_storage_vol_lookup_by_path_ret *ret)
{
    return vol_search(c, args->path, 1, &ret->vol);
}

/* A new volume of p, placed as real's test driver places it: its path in
 * the pool's target directory, its key that path, its allocation taken
 * from the pool. */
static int vol_create_locked(struct drv_conn *c, const char *pool_name, const char *xml,
                             const remote_nonnull_storage_vol *from, unsigned int flags,
                             const char *api, remote_nonnull_storage_vol *out)
{
    struct pool *p;
    struct vol *v;
    if (test_check_flags(flags, 4, api) < 0 || !(p = get_active_pool(c, pool_name)))
        return -1;
    /* VIR_STORAGE_VOL_CREATE_VALIDATE gets past the call's check, but not
     * past the parser's (real's test driver after the schema check). */
    if (flags & 4) {
        error_set_message(ERR_INVALID_ARG, FROM_STORAGE,
                          "unsupported flags (0x4) in function virStorageVolDefParseXML");
        return -1;
    }
    if (!(v = vol_parse_string(p, xml)))
        return -1;
    int rc = -1;
    if (vol_by_name(p, v->name)) {
        error_report(ERR_OPERATION_FAILED, FROM_TEST, "storage vol already exists");
        goto out;
    }
    if (from && !vol_by_name(p, from->name)) {
        error_report(ERR_NO_STORAGE_VOL, FROM_TEST, "no storage vol with matching name '%s'",
                     from->name);
        goto out;
    }
    if (v->allocation > p->capacity || p->allocation > p->capacity - v->allocation) {
        error_report(ERR_INTERNAL_ERROR, FROM_TEST,
                     "Not enough free space in pool for volume '%s'", v->name);
        goto out;
    }
    /* A pool without a target directory (rbd, gluster...) gets the
     * "(null)/NAME" real's test driver prints. */
    size_t len = strlen(p->target ? p->target : "(null)") + strlen(v->name) + 2;
    free(v->path);
    free(v->key);
    v->key = NULL;
    if ((v->path = malloc(len)))
        snprintf(v->path, len, "%s/%s", p->target ? p->target : "(null)", v->name);
    if (!v->path || !(v->key = strdup(v->path))) {
        test_no_memory();
        goto out;
    }
    if (vol_add(p, v) < 0)
        goto out;
    p->allocation += v->allocation;
    recompute(p);
    return fill_vol(p, v, out);
out:
    vol_free(v);
    return rc;
}

static int test_storage_vol_create_xml(struct drv_conn *c,
                                       const remote_storage_vol_create_xml_args *args,
                                       remote_storage_vol_create_xml_ret *ret)
{
    if (test_wr_begin(c, "testStorageVolCreateXML") < 0)
        return -1;
    return test_wr_end(c, vol_create_locked(c, args->pool.name, args->xml, NULL, args->flags,
                                            "testStorageVolCreateXML", &ret->vol));
}

static int test_storage_vol_create_xml_from(struct drv_conn *c,
                                            const remote_storage_vol_create_xml_from_args *args,
                                            remote_storage_vol_create_xml_from_ret *ret)
{
    if (test_wr_begin(c, "testStorageVolCreateXMLFrom") < 0)
        return -1;
    return test_wr_end(c, vol_create_locked(c, args->pool.name, args->xml, &args->clonevol,
                                            args->flags, "testStorageVolCreateXMLFrom",
                                            &ret->vol));
}

static int vol_delete_locked(struct drv_conn *c, const remote_storage_vol_delete_args *args)
{
    struct pool *p;
    struct vol *v = get_vol(c, &args->vol, &p);
    if (!v)
        return -1;
    p->allocation -= v->allocation < p->allocation ? v->allocation : p->allocation;
    recompute(p);
    for (size_t i = 0; i < p->nvols; i++)
        if (p->vols[i] == v) {
            memmove(p->vols + i, p->vols + i + 1, (p->nvols - i - 1) * sizeof(*p->vols));
            p->nvols--;
            break;
        }
    vol_free(v);
    return 0;
}

static int test_storage_vol_delete(struct drv_conn *c, const remote_storage_vol_delete_args *args)
{
    if (test_check_flags(args->flags, 0, "testStorageVolDelete") < 0 ||
        test_wr_begin(c, "testStorageVolDelete") < 0)
        return -1;
    return test_wr_end(c, vol_delete_locked(c, args));
}

static int test_storage_vol_get_info(struct drv_conn *c,
                                     const remote_storage_vol_get_info_args *args,
                                     remote_storage_vol_get_info_ret *ret)
{
    struct pool *p;
    struct vol *v;
    if (test_sync(c) < 0 || !(v = get_vol(c, &args->vol, &p)))
        return -1;
    ret->type = (char)pool_types[p->type].vol_info_type;
    ret->capacity = v->capacity;
    ret->allocation = v->allocation;
    return 0;
}

static int test_storage_vol_get_xml_desc(struct drv_conn *c,
                                         const remote_storage_vol_get_xml_desc_args *args,
                                         remote_storage_vol_get_xml_desc_ret *ret)
{
    struct pool *p;
    struct vol *v;
    if (test_check_flags(args->flags, 0, "testStorageVolGetXMLDesc") < 0 || test_sync(c) < 0 ||
        !(v = get_vol(c, &args->vol, &p)))
        return -1;
    return (ret->xml = vol_format(p, v)) ? 0 : -1;
}

static int test_storage_vol_get_path(struct drv_conn *c,
                                     const remote_storage_vol_get_path_args *args,
                                     remote_storage_vol_get_path_ret *ret)
{
    struct pool *p;
    struct vol *v;
    if (test_sync(c) < 0 || !(v = get_vol(c, &args->vol, &p)))
        return -1;
    return drv_string(&ret->name, v->path ? v->path : "");
}

const struct drv_storage_ops test_storage_ops = {
    .connect_num_of_storage_pools = test_connect_num_of_storage_pools,
    .connect_list_storage_pools = test_connect_list_storage_pools,
    .connect_num_of_defined_storage_pools = test_connect_num_of_defined_storage_pools,
    .connect_list_defined_storage_pools = test_connect_list_defined_storage_pools,
    .connect_find_storage_pool_sources = test_connect_find_storage_pool_sources,
    .storage_pool_create_xml = test_storage_pool_create_xml,
    .storage_pool_define_xml = test_storage_pool_define_xml,
    .storage_pool_create = test_storage_pool_create,
    .storage_pool_build = test_storage_pool_build,
    .storage_pool_destroy = test_storage_pool_destroy,
    .storage_pool_delete = test_storage_pool_delete,
    .storage_pool_undefine = test_storage_pool_undefine,
    .storage_pool_refresh = test_storage_pool_refresh,
    .storage_pool_lookup_by_name = test_storage_pool_lookup_by_name,
    .storage_pool_lookup_by_uuid = test_storage_pool_lookup_by_uuid,
    .storage_pool_lookup_by_volume = test_storage_pool_lookup_by_volume,
    .storage_pool_get_info = test_storage_pool_get_info,
    .storage_pool_get_xml_desc = test_storage_pool_get_xml_desc,
    .storage_pool_get_autostart = test_storage_pool_get_autostart,
    .storage_pool_set_autostart = test_storage_pool_set_autostart,
    .storage_pool_num_of_volumes = test_storage_pool_num_of_volumes,
    .storage_pool_list_volumes = test_storage_pool_list_volumes,
    .storage_vol_create_xml = test_storage_vol_create_xml,
    .storage_vol_delete = test_storage_vol_delete,
    .storage_vol_lookup_by_name = test_storage_vol_lookup_by_name,
    .storage_vol_lookup_by_key = test_storage_vol_lookup_by_key,
    .storage_vol_lookup_by_path = test_storage_vol_lookup_by_path,
    .storage_vol_get_info = test_storage_vol_get_info,
    .storage_vol_get_xml_desc = test_storage_vol_get_xml_desc,
    .storage_vol_get_path = test_storage_vol_get_path,
    .storage_vol_create_xml_from = test_storage_vol_create_xml_from,
    .storage_pool_is_active = test_storage_pool_is_active,
    .storage_pool_is_persistent = test_storage_pool_is_persistent,
    .connect_list_all_storage_pools = test_connect_list_all_storage_pools,
    .storage_pool_list_all_volumes = test_storage_pool_list_all_volumes,
};

/* storage_xml: see storage_xml.h. Facts (error texts, the types' and
 * formats' names and order, the XML shape) are libvirt 9.0's. */
#include "storage_xml.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "conf/xml.h"
#include "error.h"

#define NAME_MAX_LEN 1024
#define PATH_MAX_LEN 4096
#define HOSTS_MAX 64
#define DEVICES_MAX 256

static const char *const fs_formats[] = {"auto",    "ext2", "ext3",  "ext4", "ufs",
                                         "iso9660", "udf",  "gfs",   "gfs2", "vfat",
                                         "hfs+",    "xfs",  "ocfs2", "vmfs", NULL};
static const char *const netfs_formats[] = {"auto", "nfs", "glusterfs", "cifs", NULL};
static const char *const disk_formats[] = {"unknown", "dos",  "dvh", "gpt",  "mac",
                                           "bsd",     "pc98", "sun", "lvm2", NULL};
static const char *const logical_formats[] = {"unknown", "lvm2", NULL};
static const char *const file_vol_formats[] = {
    "none", "raw", "dir",   "bochs", "cloop", "dmg",   "iso", "vpc",  "vdi",
    "fat",  "vhd", "ploop", "cow",   "qcow",  "qcow2", "qed", "vmdk", NULL};
static const char *const disk_vol_formats[] = {"none",       "linux",      "fat16",
                                               "fat32",      "linux-swap", "linux-lvm",
                                               "linux-raid", "extended",   NULL};
static const char *const vol_types[] = {"file",   "block", "dir", "network",
                                        "netdir", "ploop", NULL};

/* libvirt's virStoragePoolType order: the index is the type, and bit
 * (6 + index) of virConnectListAllStoragePools' flags selects it (but
 * iscsi-direct, the newest, has bit 19). */
const struct storage_pool_type storage_pool_types[STORAGE_NTYPES] = {
    {"dir", 0, NULL, 0, VF_FILE, 1u << 6, 0},
    {"fs", S_DEVICE | S_FORMAT | S_NEED_DEV, fs_formats, 0, VF_FILE, 1u << 7, 0},
    {"netfs", S_HOST | S_DIR | S_FORMAT | S_PROTOCOL, netfs_formats, 0, VF_FILE, 1u << 8, 0},
    {"logical", S_NAME | S_DEVICE | S_FORMAT | S_DEFNAME, logical_formats, 1, VF_NONE, 1u << 9,
     1},
    {"disk", S_DEVICE | S_FORMAT | S_NEED_DEV, disk_formats, 0, VF_DISK, 1u << 10, 1},
    {"iscsi", S_HOST | S_DEVICE | S_IQN | S_AUTH, NULL, 0, VF_NONE, 1u << 11, 1},
    {"iscsi-direct", S_HOST | S_DEVICE | S_NETWORK | S_IQN | S_AUTH, NULL, 0, VF_NONE, 1u << 19,
     1},
    {"scsi", S_ADAPTER, NULL, 0, VF_NONE, 1u << 12, 1},
    {"mpath", 0, NULL, 0, VF_NONE, 1u << 13, 1},
    {"rbd", S_HOST | S_NETWORK | S_NAME | S_AUTH, NULL, 0, VF_FILE, 1u << 14, 3},
    {"sheepdog", S_HOST | S_NETWORK | S_NAME, NULL, 0, VF_FILE, 1u << 15, 3},
    {"gluster", S_HOST | S_NETWORK | S_NAME | S_DIR, NULL, 0, VF_FILE, 1u << 16, 3},
    {"zfs", S_NAME | S_DEVICE | S_DEFNAME, NULL, 0, VF_NONE, 1u << 17, 1},
    {"vstorage", S_NAME, NULL, 0, VF_FILE, 1u << 18, 0},
};

static void no_memory(void)
{
    error_report(ERR_NO_MEMORY, FROM_STORAGE, NULL);
}

static void perms_free(struct storage_perms *p)
{
    free(p->label);
}

void storage_vol_free(struct storage_vol *v)
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
void storage_source_free(struct storage_pool *p)
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

void storage_pool_free(struct storage_pool *p)
{
    if (!p)
        return;
    free(p->name);
    storage_source_free(p);
    free(p->target);
    perms_free(&p->perms);
    for (size_t i = 0; i < p->nvols; i++)
        storage_vol_free(p->vols[i]);
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

static int parse_perms(xmlNodePtr target, struct storage_perms *p)
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

int storage_out_open(struct out *o)
{
    o->buf = NULL;
    o->len = 0;
    o->f = open_memstream(&o->buf, &o->len);
    if (!o->f)
        no_memory();
    return o->f ? 0 : -1;
}

/* Closes o: its text (malloc'd), or NULL recorded. */
char *storage_out_close(struct out *o)
{
    int bad = ferror(o->f);
    if (fclose(o->f) != 0 || bad) {
        free(o->buf);
        no_memory();
        return NULL;
    }
    return o->buf;
}

static void esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '\'':
            fputs("&apos;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* fprintf where %E is an escaped string. */
void storage_put(FILE *f, const char *fmt, ...)
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

static void format_perms(FILE *f, const struct storage_perms *p, const char *ind)
{
    if (p->mode == -1 && p->owner == -1 && p->group == -1 && !p->label)
        return;
    storage_put(f, "%s<permissions>\n", ind);
    if (p->mode != -1)
        storage_put(f, "%s  <mode>%o</mode>\n", ind, p->mode);
    if (p->owner != -1)
        storage_put(f, "%s  <owner>%l</owner>\n", ind, p->owner);
    if (p->group != -1)
        storage_put(f, "%s  <group>%l</group>\n", ind, p->group);
    if (p->label)
        storage_put(f, "%s  <label>%E</label>\n", ind, p->label);
    storage_put(f, "%s</permissions>\n", ind);
}

/* ---- pools: parse and format ---- */

void storage_random_uuid(unsigned char *u)
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
int storage_parse_source(xmlNodePtr src, const struct storage_pool_type *t,
                         struct storage_pool *p)
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
                    error_report(ERR_XML_ERROR, FROM_STORAGE, "Invalid port number: %s", port);
                    free(port);
                    free(name);
                    return -1;
                }
                pv = (int)v;
            }
            free(port);
            struct storage_host *h = realloc(p->hosts, (p->nhosts + 1) * sizeof(*h));
            if (!h || too_long(name, NAME_MAX_LEN, "host name")) {
                if (!h)
                    no_memory();
                else
                    p->hosts = h;
                free(name);
                return -1;
            }
            p->hosts = h;
            h[p->nhosts++] = (struct storage_host){name, pv};
        } else if (strcmp(nm, "device") == 0 && (t->flags & S_DEVICE)) {
            char *path = attr(n, "path");
            if (!path) {
                error_report(ERR_XML_ERROR, FROM_STORAGE,
                             "missing storage pool source device path");
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
                error_report(ERR_CONFIG_UNSUPPORTED, FROM_STORAGE,
                             "unknown pool format type %s", f);
            free(f);
            if (v < 0)
                return -1;
            p->format = v;
        } else if (strcmp(nm, "protocol") == 0 && (t->flags & S_PROTOCOL) && !p->protocol) {
            p->protocol = attr(n, "ver");
            char *end;
            if (p->protocol &&
                (!*p->protocol || strtoul(p->protocol, &end, 10) > 1000 || *end)) {
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
            if (!p->auth_type ||
                (strcmp(p->auth_type, "chap") && strcmp(p->auth_type, "ceph"))) {
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
    if (too_long(p->vendor, NAME_MAX_LEN, "vendor") ||
        too_long(p->product, NAME_MAX_LEN, "product") || too_long(p->iqn, NAME_MAX_LEN, "iqn"))
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
struct storage_pool *storage_pool_parse_node(xmlNodePtr root)
{
    struct storage_pool *p = calloc(1, sizeof(*p));
    char *type = NULL, *uuid = NULL;
    if (!p) {
        no_memory();
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
    for (int i = 0; i < STORAGE_NTYPES; i++)
        if (strcmp(storage_pool_types[i].name, type) == 0)
            p->type = i;
    if (p->type < 0) {
        error_report(ERR_XML_ERROR, FROM_STORAGE,
                     "Invalid value for attribute 'type' in element 'pool': '%s'.", type);
        goto bad;
    }
    const struct storage_pool_type *t = &storage_pool_types[p->type];
    xmlNodePtr src = child(root, "source");
    if (storage_parse_source(src, t, p) < 0)
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
        storage_random_uuid(p->uuid);
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
            no_memory();
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
        if (p->type == STORAGE_POOL_ZFS) {
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
    storage_pool_free(p);
    return NULL;
}

struct storage_pool *storage_pool_parse_string(const char *xml)
{
    xmlDocPtr doc = xml_parse(xml, strlen(xml), "(storage_pool_definition)", FROM_STORAGE);
    if (!doc)
        return NULL;
    struct storage_pool *p = storage_pool_parse_node(xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    return p;
}

static void format_source(FILE *f, const struct storage_pool *p, const char *ind)
{
    const struct storage_pool_type *t = &storage_pool_types[p->type];
    storage_put(f, "%s<source>\n", ind);
    for (size_t i = 0; i < p->nhosts; i++) {
        storage_put(f, "%s  <host name='%E'", ind, p->hosts[i].name);
        if (p->hosts[i].port)
            storage_put(f, " port='%d'", p->hosts[i].port);
        storage_put(f, "/>\n");
    }
    for (size_t i = 0; i < p->ndevices; i++)
        storage_put(f, "%s  <device path='%E'/>\n", ind, p->devices[i]);
    if (p->src_dir)
        storage_put(f, "%s  <dir path='%E'/>\n", ind, p->src_dir);
    if (p->adapter.type) {
        storage_put(f, "%s  <adapter type='%E'", ind, p->adapter.type);
        const char *const names[] = {"name", "parent", "managed", "wwnn", "wwpn"};
        const char *vals[] = {p->adapter.name, p->adapter.parent, p->adapter.managed,
                              p->adapter.wwnn, p->adapter.wwpn};
        for (int i = 0; i < 5; i++)
            if (vals[i])
                storage_put(f, " %s='%E'", names[i], vals[i]);
        storage_put(f, "/>\n");
    }
    if (p->src_name)
        storage_put(f, "%s  <name>%E</name>\n", ind, p->src_name);
    if (p->iqn)
        storage_put(f, "%s  <initiator>\n%s    <iqn name='%E'/>\n%s  </initiator>\n", ind, ind,
                    p->iqn, ind);
    if (t->formats && p->format >= 0)
        storage_put(f, "%s  <format type='%s'/>\n", ind, t->formats[p->format]);
    if (p->protocol)
        storage_put(f, "%s  <protocol ver='%E'/>\n", ind, p->protocol);
    if (p->auth_type) {
        storage_put(f, "%s  <auth type='%E' username='%E'>\n", ind, p->auth_type, p->auth_user);
        if (p->secret_usage)
            storage_put(f, "%s    <secret usage='%E'/>\n", ind, p->secret_usage);
        else if (p->secret_uuid)
            storage_put(f, "%s    <secret uuid='%E'/>\n", ind, p->secret_uuid);
        storage_put(f, "%s  </auth>\n", ind);
    }
    if (p->vendor)
        storage_put(f, "%s  <vendor name='%E'/>\n", ind, p->vendor);
    if (p->product)
        storage_put(f, "%s  <product name='%E'/>\n", ind, p->product);
    storage_put(f, "%s</source>\n", ind);
}

char *storage_pool_format(const struct storage_pool *p)
{
    struct out o;
    char u[UUID_STRING_LEN];
    if (storage_out_open(&o) < 0)
        return NULL;
    uuid_format(p->uuid, u);
    storage_put(o.f, "<pool type='%s'>\n  <name>%E</name>\n  <uuid>%s</uuid>\n",
                storage_pool_types[p->type].name, p->name, u);
    storage_put(o.f, "  <capacity unit='bytes'>%U</capacity>\n", p->capacity);
    storage_put(o.f, "  <allocation unit='bytes'>%U</allocation>\n", p->allocation);
    storage_put(o.f, "  <available unit='bytes'>%U</available>\n", p->available);
    format_source(o.f, p, "  ");
    if (p->target) {
        storage_put(o.f, "  <target>\n    <path>%E</path>\n", p->target);
        format_perms(o.f, &p->perms, "    ");
        storage_put(o.f, "  </target>\n");
    }
    storage_put(o.f, "</pool>\n");
    return storage_out_close(&o);
}

/* ---- volumes: parse and format ---- */

const char *const *storage_vol_format_names(const struct storage_pool *p)
{
    int k = storage_pool_types[p->type].vol_formats;
    return k == VF_FILE ? file_vol_formats : k == VF_DISK ? disk_vol_formats : NULL;
}

/* A volume of pool p from root (<volume>). */
struct storage_vol *storage_vol_parse_node(const struct storage_pool *p, xmlNodePtr root)
{
    struct storage_vol *v = calloc(1, sizeof(*v));
    char *type = NULL, *fmt = NULL;
    if (!v) {
        no_memory();
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
    const char *const *fmts = storage_vol_format_names(p);
    if (fmts) {
        xmlNodePtr fn = child(tn, "format");
        fmt = attr(fn, "type");
        v->format = storage_pool_types[p->type].vol_formats == VF_FILE ? 1 : 0;
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
    storage_vol_free(v);
    return NULL;
}

struct storage_vol *storage_vol_parse_string(const struct storage_pool *p, const char *xml)
{
    xmlDocPtr doc = xml_parse(xml, strlen(xml), "(storage_volume_definition)", FROM_STORAGE);
    if (!doc)
        return NULL;
    struct storage_vol *v = storage_vol_parse_node(p, xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    return v;
}

/* libvirt's timestamp: seconds, and the nanoseconds when not 0. */
static void format_time(FILE *f, const char *name, const struct timespec *t)
{
    fprintf(f, "      <%s>%lld", name, (long long)t->tv_sec);
    if (t->tv_nsec)
        fprintf(f, ".%09ld", t->tv_nsec);
    fprintf(f, "</%s>\n", name);
}

char *storage_vol_format(const struct storage_pool *p, const struct storage_vol *v)
{
    struct out o;
    if (storage_out_open(&o) < 0)
        return NULL;
    storage_put(o.f, "<volume type='%s'>\n  <name>%E</name>\n  <key>%E</key>\n",
                vol_types[v->type], v->name, v->key ? v->key : "");
    storage_put(o.f, "  <capacity unit='bytes'>%U</capacity>\n", v->capacity);
    storage_put(o.f, "  <allocation unit='bytes'>%U</allocation>\n", v->allocation);
    if (v->has_physical)
        storage_put(o.f, "  <physical unit='bytes'>%U</physical>\n", v->physical);
    storage_put(o.f, "  <target>\n");
    if (v->path)
        storage_put(o.f, "    <path>%E</path>\n", v->path);
    const char *const *fmts = storage_vol_format_names(p);
    if (fmts && v->format >= 0)
        storage_put(o.f, "    <format type='%s'/>\n", fmts[v->format]);
    format_perms(o.f, &v->perms, "    ");
    if (v->has_timestamps) {
        storage_put(o.f, "    <timestamps>\n");
        format_time(o.f, "atime", &v->atime);
        format_time(o.f, "mtime", &v->mtime);
        format_time(o.f, "ctime", &v->ctime);
        storage_put(o.f, "      <btime>0</btime>\n    </timestamps>\n");
    }
    if (v->compat) {
        storage_put(o.f, "    <compat>%E</compat>\n", v->compat);
        if (v->cluster_size)
            storage_put(o.f, "    <clusterSize unit='B'>%U</clusterSize>\n", v->cluster_size);
        if (v->lazy_refcounts)
            storage_put(o.f, "    <features>\n      <lazy_refcounts/>\n    </features>\n");
    }
    storage_put(o.f, "  </target>\n");
    if (v->backing) {
        storage_put(o.f, "  <backingStore>\n    <path>%E</path>\n", v->backing);
        if (fmts && v->backing_format >= 0)
            storage_put(o.f, "    <format type='%s'/>\n", fmts[v->backing_format]);
        if (v->backing_has_stat) {
            format_perms(o.f, &v->backing_perms, "    ");
            storage_put(o.f, "    <timestamps>\n");
            format_time(o.f, "atime", &v->backing_atime);
            format_time(o.f, "mtime", &v->backing_mtime);
            format_time(o.f, "ctime", &v->backing_ctime);
            storage_put(o.f, "      <btime>0</btime>\n    </timestamps>\n");
        }
        storage_put(o.f, "  </backingStore>\n");
    }
    storage_put(o.f, "</volume>\n");
    return storage_out_close(&o);
}

/* ---- duplicates ---- */

static int same_hosts(const struct storage_pool *a, const struct storage_pool *b)
{
    return a->nhosts && b->nhosts && strcmp(a->hosts[0].name, b->hosts[0].name) == 0;
}

static int share_device(const struct storage_pool *a, const struct storage_pool *b)
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
static struct storage_pool *source_conflict(struct storage_pool *const *pools, size_t npools,
                                            const struct storage_pool *def)
{
    for (size_t i = 0; i < npools; i++) {
        struct storage_pool *o = pools[i];
        if (o->type != def->type || strcmp(o->name, def->name) == 0)
            continue;
        int hit = 0;
        switch (def->type) {
        case STORAGE_POOL_DIR:
            hit = str_eq(o->target, def->target);
            break;
        case STORAGE_POOL_NETFS:
        case STORAGE_POOL_GLUSTER:
            hit = str_eq(o->src_dir, def->src_dir) && same_hosts(o, def);
            break;
        case STORAGE_POOL_ISCSI:
            hit = share_device(o, def) && same_hosts(o, def);
            break;
        case STORAGE_POOL_LOGICAL:
            hit = str_eq(o->src_name, def->src_name) || share_device(o, def);
            break;
        case 1: /* fs */
        case 4: /* disk */
        case STORAGE_POOL_ZFS:
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

int storage_pool_check_duplicate(struct storage_pool *const *pools, size_t npools,
                                 const struct storage_pool *def, int check_active,
                                 size_t *existing)
{
    char u[UUID_STRING_LEN];
    struct storage_pool *o = NULL;
    *existing = npools;
    for (size_t i = 0; i < npools; i++)
        if (memcmp(pools[i]->uuid, def->uuid, UUID_LEN) == 0) {
            o = pools[i];
            *existing = i;
        }
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
    } else {
        for (size_t i = 0; i < npools; i++)
            if (strcmp(pools[i]->name, def->name) == 0) {
                uuid_format(pools[i]->uuid, u);
                error_report(ERR_OPERATION_FAILED, FROM_STORAGE,
                             "pool '%s' already exists with uuid %s", pools[i]->name, u);
                return -1;
            }
    }
    struct storage_pool *clash = source_conflict(pools, npools, def);
    if (clash) {
        error_report(ERR_OPERATION_FAILED, FROM_STORAGE,
                     "Storage source conflict with pool: '%s'", clash->name);
        return -1;
    }
    return 0;
}

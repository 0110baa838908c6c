/* The test driver's snapshots and checkpoints (test-snapshot.h). Behaviour,
 * error texts and flags are real libvirt 9.0's test driver's, as virsh and
 * python3-libvirt observe them. */
#include "test-snapshot.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libxml/tree.h>

#include "conf/xml.h"
#include "error.h"

enum { ST_RUNNING = 1, ST_PAUSED = 3, ST_SHUTOFF = 5, ST_LAST = 9 };

enum { KIND_SNAPSHOT, KIND_CHECKPOINT };

/* virDomainSnapshotCreateFlags, virDomainSnapshotDeleteFlags,
 * virDomainSnapshotRevertFlags, virDomainSnapshotListFlags and the
 * checkpoint ones. */
enum {
    SNAP_CREATE_REDEFINE = 1,
    SNAP_CREATE_CURRENT = 2,
    SNAP_CREATE_HALT = 8,
    SNAP_CREATE_QUIESCE = 0x40,
    SNAP_CREATE_ATOMIC = 0x80,
    SNAP_CREATE_LIVE = 0x100,
    SNAP_CREATE_VALIDATE = 0x200,
};
enum { DELETE_CHILDREN = 1, DELETE_METADATA_ONLY = 2, DELETE_CHILDREN_ONLY = 4 };
enum { REVERT_RUNNING = 1, REVERT_PAUSED = 2, REVERT_FORCE = 4 };
enum {
    LIST_ROOTS = 1, /* DESCENDANTS for the children calls */
    LIST_METADATA = 2,
    LIST_LEAVES = 4,
    LIST_NO_LEAVES = 8,
    LIST_NO_METADATA = 16,
    LIST_INACTIVE = 32,
    LIST_ACTIVE = 64,
    LIST_DISK_ONLY = 128,
    LIST_INTERNAL = 256,
    LIST_EXTERNAL = 512,
    LIST_TOPOLOGICAL = 1024,
};
#define SNAP_FILTERS 0x3fe
enum { CP_LIST_ROOTS = 1, CP_LIST_TOPOLOGICAL = 2, CP_LIST_LEAVES = 4, CP_LIST_NO_LEAVES = 8 };
enum { CP_CREATE_REDEFINE = 1, CP_CREATE_QUIESCE = 2 };
enum { CP_XML_SECURE = 1, CP_XML_NO_DOMAIN = 2, CP_XML_SIZE = 4 };

/* Lifecycle events and details. */
enum { EV_STARTED = 2, EV_SUSPENDED = 3 };
enum { EV_STARTED_FROM_SNAPSHOT = 3, EV_SUSPENDED_FROM_SNAPSHOT = 5 };

/* Bounds on what a client may make: names are at most a domain name's
 * length, a description 64 KiB, a domain has at most this many of each. */
#define MOMENT_NAME_MAX 1024
#define MOMENT_DESC_MAX 65536
#define MOMENTS_MAX 4096
/* ... and all of them together at most 32 MiB of text (the domain's
 * definition is copied into each): the shared state file is read whole by
 * every call of every connection. */
#define MOMENTS_BYTES_MAX (32u << 20)

static const char *const state_names[ST_LAST] = {
    "nostate", "running", "blocked", "paused", "shutdown",
    "shutoff", "crashed", "pmsuspended", "disk-snapshot"};

struct tmdisk {
    char *name;
    char *mode;   /* snapshot='' or checkpoint='' */
    char *bitmap; /* checkpoints: bitmap='' (NULL: none) */
};

struct tmoment {
    char *name, *desc, *parent; /* parent: its name, NULL for a root */
    long long ctime;
    long long seq;  /* creation order: siblings are listed newest first */
    int state;      /* snapshots: virDomainSnapshotState */
    int memory;     /* snapshots: 1 memory='internal', 0 'no' */
    char *domxml;   /* the domain's definition then, as formatted */
    struct tmdisk *disks;
    size_t ndisks;
};

struct tmoments {
    struct tmoment *m[2];
    size_t n[2];
    char *current[2];
    long long next_seq;
};

static const char *const kind_word[2] = {"snapshot", "checkpoint"};

static void no_memory(void)
{
    error_report(ERR_NO_MEMORY, FROM_TEST, NULL);
}

static int check_flags(unsigned int flags, unsigned int supported, const char *func)
{
    if (flags & ~supported) {
        char msg[160];
        snprintf(msg, sizeof(msg), "unsupported flags (0x%x) in function %s", flags & ~supported,
                 func);
        error_set_message(ERR_INVALID_ARG, FROM_TEST, msg);
        return -1;
    }
    return 0;
}

static char *dup0(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* ---- the moments of a domain ---- */

static void moment_clear(struct tmoment *t)
{
    free(t->name);
    free(t->desc);
    free(t->parent);
    free(t->domxml);
    for (size_t i = 0; i < t->ndisks; i++) {
        free(t->disks[i].name);
        free(t->disks[i].mode);
        free(t->disks[i].bitmap);
    }
    free(t->disks);
    memset(t, 0, sizeof(*t));
}

void tmoments_free(struct tmoments *m)
{
    if (!m)
        return;
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < m->n[k]; i++)
            moment_clear(&m->m[k][i]);
        free(m->m[k]);
        free(m->current[k]);
    }
    free(m);
}

unsigned int tmoments_snapshots(const struct tmoments *m)
{
    return m ? (unsigned int)m->n[KIND_SNAPSHOT] : 0;
}

static struct tmoments *moments_of(struct tdom *d, int create)
{
    struct tmoments **mp = test_dom_moments(d);
    if (!*mp && create) {
        *mp = calloc(1, sizeof(**mp));
        if (!*mp)
            no_memory();
    }
    return *mp;
}

static struct tmoment *find_moment(struct tmoments *m, int kind, const char *name)
{
    if (!m || !name)
        return NULL;
    for (size_t i = 0; i < m->n[kind]; i++)
        if (strcmp(m->m[kind][i].name, name) == 0)
            return &m->m[kind][i];
    return NULL;
}

static void not_found(int kind, const char *name)
{
    if (kind == KIND_SNAPSHOT)
        error_report(ERR_NO_DOMAIN_SNAPSHOT, FROM_TEST,
                     "no domain snapshot with matching name '%s'", name);
    else
        error_report(ERR_NO_DOMAIN_CHECKPOINT, FROM_TEST,
                     "no domain checkpoint with matching name '%s'", name);
}

/* The domain and the moment a reference names. */
static struct tmoment *get_moment(struct drv_conn *c, int kind, const char *name,
                                  const remote_nonnull_domain *dom, struct tdom **dp)
{
    struct tdom *d = test_dom_get(c, dom);
    if (!d)
        return NULL;
    struct tmoment *t = find_moment(*test_dom_moments(d), kind, name);
    if (!t)
        not_found(kind, name);
    *dp = d;
    return t;
}

static int is_current(const struct tmoments *m, int kind, const struct tmoment *t)
{
    return m->current[kind] && strcmp(m->current[kind], t->name) == 0;
}

static int set_current(struct tmoments *m, int kind, const char *name)
{
    char *copy = NULL;
    if (name && !(copy = strdup(name))) {
        no_memory();
        return -1;
    }
    free(m->current[kind]);
    m->current[kind] = copy;
    return 0;
}

static int is_child(const struct tmoment *t, const struct tmoment *parent)
{
    return parent ? t->parent && strcmp(t->parent, parent->name) == 0 : !t->parent;
}

static int has_children(const struct tmoments *m, int kind, const struct tmoment *t)
{
    for (size_t i = 0; i < m->n[kind]; i++)
        if (is_child(&m->m[kind][i], t))
            return 1;
    return 0;
}

/* Appends to out[*n] the children of parent (NULL: the roots), newest
 * first as libvirt links them, each followed by its descendants when
 * deep. */
static void walk(const struct tmoments *m, int kind, const struct tmoment *parent, int deep,
                 const struct tmoment **out, size_t *n)
{
    long long below = -1;
    for (;;) {
        /* The next older sibling: the child with the largest seq below the last. */
        const struct tmoment *next = NULL;
        for (size_t i = 0; i < m->n[kind]; i++) {
            const struct tmoment *t = &m->m[kind][i];
            if (is_child(t, parent) && (below < 0 || t->seq < below) &&
                (!next || t->seq > next->seq))
                next = t;
        }
        if (!next)
            return;
        out[(*n)++] = next;
        if (deep)
            walk(m, kind, next, 1, out, n);
        below = next->seq;
    }
}

static int snapshot_matches(const struct tmoments *m, const struct tmoment *t, unsigned int f)
{
    /* Both leaves and non-leaves asked: libvirt's test driver lists none. */
    if (f & (LIST_LEAVES | LIST_NO_LEAVES)) {
        int leaf = !has_children(m, KIND_SNAPSHOT, t);
        if (!(f & LIST_LEAVES) || !(f & LIST_NO_LEAVES) ? ((f & LIST_LEAVES) ? !leaf : leaf) : 1)
            return 0;
    }
    /* Every snapshot the test driver keeps has metadata. */
    if ((f & (LIST_METADATA | LIST_NO_METADATA)) == LIST_NO_METADATA)
        return 0;
    if (f & (LIST_INACTIVE | LIST_ACTIVE | LIST_DISK_ONLY)) {
        int ok = ((f & LIST_INACTIVE) && t->state == ST_SHUTOFF) ||
                 ((f & LIST_DISK_ONLY) && t->state == 8) ||
                 ((f & LIST_ACTIVE) && t->state != ST_SHUTOFF && t->state != 8);
        if (!ok)
            return 0;
    }
    /* Only internal snapshots are made here. */
    if ((f & (LIST_INTERNAL | LIST_EXTERNAL)) == LIST_EXTERNAL)
        return 0;
    return 1;
}

static int checkpoint_matches(const struct tmoments *m, const struct tmoment *t, unsigned int f)
{
    if (f & (CP_LIST_LEAVES | CP_LIST_NO_LEAVES)) {
        int leaf = !has_children(m, KIND_CHECKPOINT, t);
        if (!(f & CP_LIST_LEAVES) || !(f & CP_LIST_NO_LEAVES) ? ((f & CP_LIST_LEAVES) ? !leaf : leaf)
                                                              : 1)
            return 0;
    }
    return 1;
}

/* The moments a listing shows, in topological order (real libvirt's
 * order is its hash table's unless TOPOLOGICAL is asked, which no client
 * may rely on): from NULL is the whole list (roots only when `roots`),
 * else from's children (all descendants when `roots`, which is then
 * DESCENDANTS). Sets *out (caller frees) and returns the count, or -1. */
static int select_moments(const struct tmoments *m, int kind, const struct tmoment *from,
                          unsigned int flags, const struct tmoment ***out)
{
    size_t n = 0, total = m ? m->n[kind] : 0, k = 0;
    const struct tmoment **all = calloc(total + 1, sizeof(*all));
    if (!all) {
        no_memory();
        return -1;
    }
    if (m) {
        int deep = from ? (flags & LIST_ROOTS) != 0 : !(flags & LIST_ROOTS);
        walk(m, kind, from, deep, all, &n);
    }
    for (size_t i = 0; i < n; i++) {
        int ok = kind == KIND_SNAPSHOT ? snapshot_matches(m, all[i], flags)
                                       : checkpoint_matches(m, all[i], flags);
        if (ok)
            all[k++] = all[i];
    }
    *out = all;
    return (int)k;
}

/* Removes moment t (a pointer into m's array) and moves its children to
 * its parent, placing them among their new siblings in their own order. */
static void remove_moment(struct tmoments *m, int kind, struct tmoment *t)
{
    for (size_t i = 0; i < m->n[kind]; i++) {
        struct tmoment *c = &m->m[kind][i];
        if (c != t && is_child(c, t)) {
            free(c->parent);
            c->parent = dup0(t->parent); /* on failure, a root: still a tree */
        }
    }
    size_t idx = (size_t)(t - m->m[kind]);
    moment_clear(t);
    memmove(t, t + 1, (m->n[kind] - idx - 1) * sizeof(*t));
    m->n[kind]--;
}

/* Deletes t, its descendants too (children) or only them (children_only);
 * what was current goes as libvirt's test driver has it: the parent of a
 * deleted current one becomes current when it is deleted alone, the
 * moment itself when only its children go, none otherwise. */
static int delete_moments(struct tmoments *m, int kind, struct tmoment *t, unsigned int flags)
{
    char *name = strdup(t->name), *parent = dup0(t->parent);
    int rc = -1;
    if (!name || (t->parent && !parent)) {
        no_memory();
        goto out;
    }
    if (flags & (DELETE_CHILDREN | DELETE_CHILDREN_ONLY)) {
        int cur_gone = 0;
        size_t n = m->n[kind];
        unsigned char *gone = calloc(n + 1, 1);
        if (!gone) {
            no_memory();
            goto out;
        }
        /* The descendants: the children of t or of one already found,
         * until a pass finds no more (at most one pass per generation). */
        for (int more = 1; more;) {
            more = 0;
            for (size_t i = 0; i < n; i++) {
                struct tmoment *c = &m->m[kind][i];
                if (gone[i] || !c->parent)
                    continue;
                int under = strcmp(c->parent, name) == 0;
                for (size_t j = 0; !under && j < n; j++)
                    under = gone[j] && strcmp(c->parent, m->m[kind][j].name) == 0;
                if (under) {
                    gone[i] = more = 1;
                    if (is_current(m, kind, c))
                        cur_gone = 1;
                }
            }
        }
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (gone[i])
                moment_clear(&m->m[kind][i]);
            else
                m->m[kind][k++] = m->m[kind][i];
        }
        m->n[kind] = k;
        free(gone);
        struct tmoment *top = find_moment(m, kind, name);
        if (flags & DELETE_CHILDREN_ONLY) {
            if (cur_gone && set_current(m, kind, name) < 0)
                goto out;
        } else {
            /* A checkpoint's parent takes over; a snapshot has none left. */
            if ((cur_gone || is_current(m, kind, top)) &&
                set_current(m, kind, kind == KIND_CHECKPOINT ? parent : NULL) < 0)
                goto out;
            remove_moment(m, kind, top);
        }
    } else {
        if (is_current(m, kind, t) && set_current(m, kind, parent) < 0)
            goto out;
        remove_moment(m, kind, t);
    }
    rc = 0;
out:
    free(name);
    free(parent);
    return rc;
}

/* ---- XML ---- */

struct sbuf {
    char *s;
    size_t len, cap;
    int failed;
};

static void sput(struct sbuf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sstr(struct sbuf *b, const char *s)
{
    sput(b, s, strlen(s));
}

/* Text or an attribute value, escaped as libvirt escapes it. */
static void sesc(struct sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': sstr(b, "&lt;"); break;
        case '>': sstr(b, "&gt;"); break;
        case '&': sstr(b, "&amp;"); break;
        case '\'': sstr(b, "&apos;"); break;
        case '"': sstr(b, "&quot;"); break;
        default: sput(b, s, 1);
        }
    }
}

/* The domain's XML inside the moment's, two spaces further in. */
static void sindent(struct sbuf *b, const char *text)
{
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) + 1 : strlen(text);
        if (n > 1)
            sstr(b, "  ");
        sput(b, text, n);
        text += n;
    }
}

static char *format_moment(const struct tmoment *t, int kind, int with_domain)
{
    struct sbuf b = {0};
    char num[32];
    const char *root = kind == KIND_SNAPSHOT ? "domainsnapshot" : "domaincheckpoint";

    sstr(&b, "<");
    sstr(&b, root);
    sstr(&b, ">\n  <name>");
    sesc(&b, t->name);
    sstr(&b, "</name>\n");
    if (t->desc) {
        sstr(&b, "  <description>");
        sesc(&b, t->desc);
        sstr(&b, "</description>\n");
    }
    if (kind == KIND_SNAPSHOT) {
        sstr(&b, "  <state>");
        sstr(&b, state_names[t->state]);
        sstr(&b, "</state>\n");
    }
    if (t->parent) {
        sstr(&b, "  <parent>\n    <name>");
        sesc(&b, t->parent);
        sstr(&b, "</name>\n  </parent>\n");
    }
    snprintf(num, sizeof(num), "%lld", t->ctime);
    sstr(&b, "  <creationTime>");
    sstr(&b, num);
    sstr(&b, "</creationTime>\n");
    if (kind == KIND_SNAPSHOT)
        sstr(&b, t->memory ? "  <memory snapshot='internal'/>\n" : "  <memory snapshot='no'/>\n");
    if (t->ndisks)
        sstr(&b, "  <disks>\n");
    for (size_t i = 0; i < t->ndisks; i++) {
        sstr(&b, "    <disk name='");
        sesc(&b, t->disks[i].name);
        sstr(&b, kind == KIND_SNAPSHOT ? "' snapshot='" : "' checkpoint='");
        sesc(&b, t->disks[i].mode);
        if (t->disks[i].bitmap) {
            sstr(&b, "' bitmap='");
            sesc(&b, t->disks[i].bitmap);
        }
        sstr(&b, "'/>\n");
    }
    if (t->ndisks)
        sstr(&b, "  </disks>\n");
    if (with_domain && t->domxml)
        sindent(&b, t->domxml);
    sstr(&b, "</");
    sstr(&b, root);
    sstr(&b, ">\n");
    if (b.failed) {
        free(b.s);
        no_memory();
        return NULL;
    }
    return b.s;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
    return NULL;
}

/* The text of <name> under parent, NULL when there is none or it is empty. */
static char *child_text(xmlNodePtr parent, const char *name)
{
    xmlNodePtr n = child(parent, name);
    if (!n)
        return NULL;
    xmlChar *s = xmlNodeGetContent(n);
    char *r = s && *s ? strdup((const char *)s) : NULL;
    xmlFree(s);
    return r;
}

static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *s = xmlGetProp(n, (const xmlChar *)name);
    char *r = s ? strdup((const char *)s) : NULL;
    xmlFree(s);
    return r;
}

/* A disk the moment leaves out by default (libvirt's snapshot='no'):
 * CD-ROMs, floppies and read-only disks. */
static int default_skipped(const struct dx_disk *disk)
{
    return disk->readonly || (disk->device && (strcmp(disk->device, "cdrom") == 0 ||
                                               strcmp(disk->device, "floppy") == 0));
}

static int add_disk(struct tmoment *t, const char *name, const char *mode, const char *bitmap)
{
    struct tmdisk *p = realloc(t->disks, (t->ndisks + 1) * sizeof(*p));
    if (!p) {
        no_memory();
        return -1;
    }
    t->disks = p;
    p[t->ndisks] = (struct tmdisk){strdup(name), strdup(mode), dup0(bitmap)};
    if (!p[t->ndisks].name || !p[t->ndisks].mode || (bitmap && !p[t->ndisks].bitmap)) {
        t->ndisks++;
        no_memory();
        return -1;
    }
    t->ndisks++;
    return 0;
}

static const struct dx_disk *def_disk(const struct dx_def *def, const char *name)
{
    for (size_t i = 0; i < def->ndisks; i++)
        if (def->disks[i].dst && strcmp(def->disks[i].dst, name) == 0)
            return &def->disks[i];
    return NULL;
}

/* The <disks> of a new moment: what the client asked for each disk it
 * names (after checking it names the domain's), the default for the
 * others, in the domain's order. */
static int align_disks(struct tmoment *t, int kind, xmlNodePtr root, const struct dx_def *def,
                       int external_default)
{
    xmlNodePtr disks = child(root, "disks");
    const char *attr_name = kind == KIND_SNAPSHOT ? "snapshot" : "checkpoint";
    int rc = -1;
    size_t nreq = 0;
    struct req {
        char *name, *mode, *bitmap;
    } *req = NULL;

    for (xmlNodePtr n = disks ? disks->children : NULL; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "disk") != 0)
            continue;
        if (nreq >= 1024) {
            error_report(ERR_XML_ERROR, FROM_DOMAIN_SNAPSHOT, "too many disks");
            goto out;
        }
        struct req *p = realloc(req, (nreq + 1) * sizeof(*p));
        if (!p) {
            no_memory();
            goto out;
        }
        req = p;
        req[nreq] = (struct req){attr(n, "name"), attr(n, attr_name), attr(n, "bitmap")};
        nreq++;
        if (!req[nreq - 1].name) {
            error_report(ERR_XML_ERROR, kind == KIND_SNAPSHOT ? FROM_DOMAIN_SNAPSHOT
                                                              : FROM_DOMAIN_CHECKPOINT,
                         "missing name from disk %s", kind_word[kind]);
            goto out;
        }
        if (!def_disk(def, req[nreq - 1].name)) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_DOMAIN, "no disk named '%s'",
                         req[nreq - 1].name);
            goto out;
        }
    }
    for (size_t i = 0; i < def->ndisks; i++) {
        const struct dx_disk *disk = &def->disks[i];
        const struct req *r = NULL;
        if (!disk->dst)
            continue;
        for (size_t j = 0; j < nreq; j++)
            if (strcmp(req[j].name, disk->dst) == 0)
                r = &req[j];
        const char *mode = r && r->mode ? r->mode : NULL;
        if (kind == KIND_SNAPSHOT) {
            if (!mode)
                mode = default_skipped(disk) ? "no" : external_default ? "external" : "internal";
            if (strcmp(mode, "external") == 0) {
                struct stat st;
                if (!disk->src || stat(disk->src, &st) < 0 || !S_ISREG(st.st_mode)) {
                    error_report(ERR_CONFIG_UNSUPPORTED, FROM_DOMAIN_SNAPSHOT,
                                 "source for disk '%s' is not a regular file; refusing to "
                                 "generate external snapshot name",
                                 disk->dst);
                    goto out;
                }
            }
            if (strcmp(mode, "internal") != 0 && !(strcmp(mode, "no") == 0 && default_skipped(disk))) {
                error_report(ERR_CONFIG_UNSUPPORTED, FROM_TEST,
                             "disk '%s' must use snapshot mode 'internal'", disk->dst);
                goto out;
            }
            if (add_disk(t, disk->dst, mode, NULL) < 0)
                goto out;
        } else {
            if (!mode)
                mode = default_skipped(disk) ? "no" : "bitmap";
            const char *bitmap = strcmp(mode, "bitmap") == 0
                                     ? (r && r->bitmap ? r->bitmap : t->name)
                                     : NULL;
            if (add_disk(t, disk->dst, mode, bitmap) < 0)
                goto out;
        }
    }
    rc = 0;
out:
    for (size_t j = 0; j < nreq; j++) {
        free(req[j].name);
        free(req[j].mode);
        free(req[j].bitmap);
    }
    free(req);
    return rc;
}

/* libvirt checks a checkpoint's XML against its schema always, a
 * snapshot's when VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE asks. */
static int validate_moment(xmlDocPtr doc, int kind, int validate)
{
    if (kind == KIND_CHECKPOINT)
        return xml_validate(doc, "domaincheckpoint.rng", FROM_DOMAIN_CHECKPOINT);
    return validate ? xml_validate(doc, "domainsnapshot.rng", FROM_DOMAIN_SNAPSHOT) : 0;
}

/* Parses a client's <domainsnapshot>/<domaincheckpoint> into *t: its name
 * (the creation time when it has none), description and disks; validate:
 * against the snapshot schema too (validate_moment). */
static int parse_moment(const char *xml, int kind, int validate, const struct dx_def *def,
                        struct tmoment *t)
{
    const char *root_name = kind == KIND_SNAPSHOT ? "domainsnapshot" : "domaincheckpoint";
    int from = kind == KIND_SNAPSHOT ? FROM_DOMAIN_SNAPSHOT : FROM_DOMAIN_CHECKPOINT;
    xmlDocPtr doc = xml_parse(xml, strlen(xml),
                              kind == KIND_SNAPSHOT ? "(domain_snapshot)" : "(domain_checkpoint)",
                              from);
    int rc = -1, external = 0;
    if (!doc)
        return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, root_name) != 0) {
        error_report(ERR_XML_ERROR, from, "expecting root element of '%s', not '%s'", root_name,
                     (const char *)root->name);
        goto out;
    }
    if (validate_moment(doc, kind, validate) < 0)
        goto out;
    t->ctime = (long long)time(NULL);
    t->name = child_text(root, "name");
    t->desc = child_text(root, "description");
    if (!t->name) {
        char num[32];
        snprintf(num, sizeof(num), "%lld", t->ctime);
        t->name = strdup(num);
        if (!t->name) {
            no_memory();
            goto out;
        }
    }
    if (strlen(t->name) > MOMENT_NAME_MAX || (t->desc && strlen(t->desc) > MOMENT_DESC_MAX)) {
        error_report(ERR_XML_ERROR, from, "%s name or description too long", kind_word[kind]);
        goto out;
    }
    if (kind == KIND_SNAPSHOT) {
        xmlNodePtr mem = child(root, "memory");
        char *snap = mem ? attr(mem, "snapshot") : NULL;
        if (snap && strcmp(snap, "no") != 0 && strcmp(snap, "internal") != 0 &&
            strcmp(snap, "external") != 0 && strcmp(snap, "default") != 0) {
            error_report(ERR_XML_ERROR, from,
                         "Invalid value for attribute 'snapshot' in element 'memory': '%s'.",
                         snap);
            free(snap);
            goto out;
        }
        char *file = mem ? attr(mem, "file") : NULL;
        external = snap ? strcmp(snap, "external") == 0 : file != NULL;
        free(snap);
        free(file);
    }
    rc = align_disks(t, kind, root, def, external);
out:
    xmlFreeDoc(doc);
    return rc;
}

static int new_moment(struct tmoments *m, int kind, struct tmoment *t);
static int fits(const struct tmoments *m, const struct tmoment *old, const struct tmoment *t);

/* A snapshot given back whole (virsh snapshot-current NAME and
 * snapshot-edit send what snapshot-dumpxml showed, with REDEFINE): its
 * name, description, state, parent, creation time, memory, disks and the
 * domain's definition, as written. */
static int parse_redefine(const char *xml, int kind, int validate, struct tmoment *t)
{
    int from = kind == KIND_SNAPSHOT ? FROM_DOMAIN_SNAPSHOT : FROM_DOMAIN_CHECKPOINT;
    const char *root_name = kind == KIND_SNAPSHOT ? "domainsnapshot" : "domaincheckpoint";
    xmlDocPtr doc = xml_parse(xml, strlen(xml),
                              kind == KIND_SNAPSHOT ? "(domain_snapshot)" : "(domain_checkpoint)",
                              from);
    int rc = -1;
    char *state = NULL, *ctime = NULL, *mem = NULL;
    if (!doc)
        return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (strcmp((const char *)root->name, root_name) != 0) {
        error_report(ERR_XML_ERROR, from, "expecting root element of '%s', not '%s'", root_name,
                     (const char *)root->name);
        goto out;
    }
    if (validate_moment(doc, kind, validate) < 0)
        goto out;
    t->name = child_text(root, "name");
    t->desc = child_text(root, "description");
    t->parent = child_text(child(root, "parent"), "name");
    state = child_text(root, "state");
    ctime = child_text(root, "creationTime");
    if (!t->name) {
        error_report(ERR_XML_ERROR, from, "a redefined %s must have a name", kind_word[kind]);
        goto out;
    }
    if (strlen(t->name) > MOMENT_NAME_MAX || (t->desc && strlen(t->desc) > MOMENT_DESC_MAX) ||
        (t->parent && strlen(t->parent) > MOMENT_NAME_MAX)) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN_SNAPSHOT, "snapshot name or description too long");
        goto out;
    }
    t->state = kind == KIND_SNAPSHOT ? -1 : 0;
    for (int i = 0; kind == KIND_SNAPSHOT && state && i < ST_LAST; i++)
        if (strcmp(state, state_names[i]) == 0)
            t->state = i;
    if (t->state < 0) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN_SNAPSHOT, "Invalid state '%s' in domain snapshot XML",
                     state ? state : "");
        goto out;
    }
    char *endp = NULL;
    t->ctime = ctime ? strtoll(ctime, &endp, 10) : 0;
    if (!ctime || *endp) {
        if (kind == KIND_SNAPSHOT)
            error_report(ERR_XML_ERROR, from, "missing creationTime from existing snapshot");
        else
            error_report(ERR_INTERNAL_ERROR, from, "missing creationTime from existing checkpoint");
        goto out;
    }
    xmlNodePtr m = child(root, "memory");
    mem = m ? attr(m, "snapshot") : NULL;
    t->memory = mem ? strcmp(mem, "internal") == 0 : t->state != ST_SHUTOFF;
    xmlNodePtr disks = child(root, "disks");
    for (xmlNodePtr n = disks ? disks->children : NULL; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "disk") != 0)
            continue;
        char *dn = attr(n, "name"), *mode = attr(n, kind_word[kind]);
        char *bitmap = kind == KIND_CHECKPOINT ? attr(n, "bitmap") : NULL;
        const char *dflt = kind == KIND_SNAPSHOT ? "internal" : "bitmap";
        int r = dn && t->ndisks < 1024 ? add_disk(t, dn, mode ? mode : dflt, bitmap) : -1;
        if (r < 0 && (!dn || t->ndisks >= 1024))
            error_report(ERR_XML_ERROR, from, "missing name from disk %s", kind_word[kind]);
        free(dn);
        free(mode);
        free(bitmap);
        if (r < 0)
            goto out;
    }
    xmlNodePtr dom = child(root, "domain");
    if (dom) {
        struct dx_def *def = dx_def_parse_node(doc, dom);
        if (!def)
            goto out;
        t->domxml = dx_def_format(def, -1);
        dx_def_free(def);
        if (!t->domxml) {
            no_memory();
            goto out;
        }
    }
    rc = 0;
out:
    free(state);
    free(ctime);
    free(mem);
    xmlFreeDoc(doc);
    return rc;
}

static int redefine_snapshot_locked(struct drv_conn *c,
                                    const remote_domain_snapshot_create_xml_args *args,
                                    remote_domain_snapshot_create_xml_ret *ret)
{
    struct tmoment t = {0};
    int rc = -1;
    struct tdom *d = test_dom_get(c, &args->dom);

    if (!d)
        return -1;
    struct tmoments *m = *test_dom_moments(d);
    if (m && m->n[KIND_CHECKPOINT]) {
        error_report(ERR_OPERATION_UNSUPPORTED, FROM_TEST,
                     "cannot create snapshot while checkpoint exists");
        return -1;
    }
    if (parse_redefine(args->xml_desc, KIND_SNAPSHOT, !!(args->flags & SNAP_CREATE_VALIDATE),
                       &t) < 0 ||
        !(m = moments_of(d, 1)))
        goto out;
    if (!t.domxml) {
        error_report(ERR_INTERNAL_ERROR, FROM_DOMAIN_SNAPSHOT, "missing domain in snapshot");
        goto out;
    }
    if (t.parent && (strcmp(t.parent, t.name) == 0 || !find_moment(m, KIND_SNAPSHOT, t.parent))) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "parent %s for moment %s not found", t.parent,
                     t.name);
        goto out;
    }
    struct tmoment *old = find_moment(m, KIND_SNAPSHOT, t.name);
    if (old) {
        if (old->parent && t.parent && strcmp(old->parent, t.parent) != 0) {
            error_report(ERR_INVALID_ARG, FROM_TEST,
                         "cannot change parent of snapshot %s in a redefinition", t.name);
            goto out;
        }
        if (fits(m, old, &t) < 0)
            goto out;
        t.seq = old->seq;
        moment_clear(old);
        *old = t;
        memset(&t, 0, sizeof(t));
        t.name = strdup(old->name);
    } else {
        char *name = strdup(t.name);
        if (!name || new_moment(m, KIND_SNAPSHOT, &t) < 0) {
            if (!name)
                no_memory();
            free(name);
            goto out;
        }
        t.name = name;
    }
    if (!t.name) {
        no_memory();
        goto out;
    }
    if ((args->flags & SNAP_CREATE_CURRENT) && set_current(m, KIND_SNAPSHOT, t.name) < 0)
        goto out;
    if (test_dom_reference(d, &ret->snap.dom) < 0 || drv_string(&ret->snap.name, t.name) < 0)
        goto out;
    rc = 0;
out:
    moment_clear(&t);
    return rc;
}

static size_t moment_bytes(const struct tmoment *t)
{
    size_t n = strlen(t->name) + (t->desc ? strlen(t->desc) : 0) +
               (t->domxml ? strlen(t->domxml) : 0);
    for (size_t i = 0; i < t->ndisks; i++)
        n += strlen(t->disks[i].name) + strlen(t->disks[i].mode) +
             (t->disks[i].bitmap ? strlen(t->disks[i].bitmap) : 0);
    return n;
}

/* Whether t, in old's place (NULL: as a new one), keeps the domain's
 * moments within their bound; -1 with the error when not. */
static int fits(const struct tmoments *m, const struct tmoment *old, const struct tmoment *t)
{
    size_t total = moment_bytes(t);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < m->n[k]; i++)
            if (&m->m[k][i] != old)
                total += moment_bytes(&m->m[k][i]);
    if (total > MOMENTS_BYTES_MAX) {
        error_report(ERR_OPERATION_FAILED, FROM_TEST,
                     "a domain's snapshots and checkpoints take at most %u bytes",
                     MOMENTS_BYTES_MAX);
        return -1;
    }
    return 0;
}

static int new_moment(struct tmoments *m, int kind, struct tmoment *t)
{
    if (m->n[kind] >= MOMENTS_MAX) {
        error_report(ERR_OPERATION_FAILED, FROM_TEST, "a domain has at most %d %ss",
                     MOMENTS_MAX, kind_word[kind]);
        return -1;
    }
    if (fits(m, NULL, t) < 0)
        return -1;
    struct tmoment *p = realloc(m->m[kind], (m->n[kind] + 1) * sizeof(*p));
    if (!p) {
        no_memory();
        return -1;
    }
    m->m[kind] = p;
    t->seq = m->next_seq++;
    p[m->n[kind]++] = *t;
    memset(t, 0, sizeof(*t));
    return 0;
}

static char *domain_copy(struct tdom *d)
{
    char *x = dx_def_format(test_dom_def(d), -1);
    if (!x)
        no_memory();
    return x;
}

static int fill_ref(const struct tdom *d, const struct tmoment *t, remote_nonnull_string *name,
                    remote_nonnull_domain *dom)
{
    if (test_dom_reference(d, dom) < 0)
        return -1;
    return drv_string(name, t->name);
}

/* ---- snapshots ---- */

#define SNAP_REF(r) &(r).name, &(r).dom

static int create_snapshot_locked(struct drv_conn *c, const remote_domain_snapshot_create_xml_args *args,
                                  remote_domain_snapshot_create_xml_ret *ret)
{
    struct tmoment t = {0};
    int rc = -1;
    struct tdom *d = test_dom_get(c, &args->dom);

    if (!d)
        return -1;
    struct tmoments *m = *test_dom_moments(d);
    if (m && m->n[KIND_CHECKPOINT]) {
        error_report(ERR_OPERATION_UNSUPPORTED, FROM_TEST,
                     "cannot create snapshot while checkpoint exists");
        return -1;
    }
    if (parse_moment(args->xml_desc, KIND_SNAPSHOT, !!(args->flags & SNAP_CREATE_VALIDATE),
                     test_dom_def(d), &t) < 0)
        goto out;
    m = moments_of(d, 1);
    if (!m)
        goto out;
    if (find_moment(m, KIND_SNAPSHOT, t.name)) {
        error_report(ERR_OPERATION_FAILED, FROM_DOMAIN, "domain moment %s already exists",
                     t.name);
        goto out;
    }
    t.state = test_dom_state(d, NULL);
    t.memory = t.state != ST_SHUTOFF;
    t.domxml = domain_copy(d);
    t.parent = dup0(m->current[KIND_SNAPSHOT]);
    if (!t.domxml || (m->current[KIND_SNAPSHOT] && !t.parent))
        goto out;
    char *name = strdup(t.name);
    if (!name) {
        no_memory();
        goto out;
    }
    if (new_moment(m, KIND_SNAPSHOT, &t) < 0 || set_current(m, KIND_SNAPSHOT, name) < 0 ||
        test_dom_reference(d, &ret->snap.dom) < 0 || drv_string(&ret->snap.name, name) < 0) {
        free(name);
        goto out;
    }
    free(name);
    if ((args->flags & SNAP_CREATE_HALT) && test_dom_state(d, NULL) != ST_SHUTOFF)
        test_dom_halt(c, d);
    rc = 0;
out:
    moment_clear(&t);
    return rc;
}

static int test_domain_snapshot_create_xml(struct drv_conn *c,
                                           const remote_domain_snapshot_create_xml_args *args,
                                           remote_domain_snapshot_create_xml_ret *ret)
{
    if (check_flags(args->flags,
                    SNAP_CREATE_REDEFINE | SNAP_CREATE_CURRENT | SNAP_CREATE_HALT |
                        SNAP_CREATE_QUIESCE | SNAP_CREATE_ATOMIC | SNAP_CREATE_LIVE |
                        SNAP_CREATE_VALIDATE,
                    "testDomainSnapshotCreateXML") < 0)
        return -1;
    if (test_wr_begin(c, "snapshot-create") < 0)
        return -1;
    if (args->flags & SNAP_CREATE_REDEFINE)
        return test_wr_end(c, redefine_snapshot_locked(c, args, ret));
    return test_wr_end(c, create_snapshot_locked(c, args, ret));
}

static int test_domain_snapshot_get_xml_desc(struct drv_conn *c,
                                             const remote_domain_snapshot_get_xml_desc_args *args,
                                             remote_domain_snapshot_get_xml_desc_ret *ret)
{
    struct tdom *d;
    if (check_flags(args->flags, 1, "testDomainSnapshotGetXMLDesc") < 0)
        return -1;
    struct tmoment *t = get_moment(c, KIND_SNAPSHOT, args->snap.name, &args->snap.dom, &d);
    if (!t)
        return -1;
    ret->xml = format_moment(t, KIND_SNAPSHOT, 1);
    return ret->xml ? 0 : -1;
}

static int list_flags_ok(unsigned int flags, const char *func)
{
    return check_flags(flags, LIST_ROOTS | LIST_TOPOLOGICAL | SNAP_FILTERS, func);
}

static int test_domain_snapshot_num(struct drv_conn *c, const remote_domain_snapshot_num_args *args,
                                    remote_domain_snapshot_num_ret *ret)
{
    const struct tmoment **sel;
    if (list_flags_ok(args->flags, "testDomainSnapshotNum") < 0)
        return -1;
    struct tdom *d = test_dom_get(c, &args->dom);
    if (!d)
        return -1;
    int n = select_moments(*test_dom_moments(d), KIND_SNAPSHOT, NULL, args->flags, &sel);
    if (n < 0)
        return -1;
    free(sel);
    ret->num = n;
    return 0;
}

static int names_reply(const struct tmoment **sel, int n, int maxnames, u_int *len,
                       remote_nonnull_string **val)
{
    if (n > maxnames)
        n = maxnames;
    *val = calloc((size_t)n + 1, sizeof(**val));
    if (!*val) {
        no_memory();
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (drv_string(&(*val)[i], sel[i]->name) < 0)
            return -1;
        *len = (u_int)i + 1;
    }
    return 0;
}

static int maxnames_ok(int maxnames)
{
    if (maxnames < 0) {
        error_report(ERR_RPC, FROM_RPC, "maxnames must be non-negative");
        return -1;
    }
    if (maxnames > REMOTE_DOMAIN_SNAPSHOT_LIST_MAX) {
        error_report(ERR_RPC, FROM_RPC, "maxnames > REMOTE_DOMAIN_SNAPSHOT_LIST_MAX");
        return -1;
    }
    return 0;
}

static int test_domain_snapshot_list_names(struct drv_conn *c,
                                           const remote_domain_snapshot_list_names_args *args,
                                           remote_domain_snapshot_list_names_ret *ret)
{
    const struct tmoment **sel;
    if (maxnames_ok(args->maxnames) < 0 || list_flags_ok(args->flags, "testDomainSnapshotListNames") < 0)
        return -1;
    struct tdom *d = test_dom_get(c, &args->dom);
    if (!d)
        return -1;
    int n = select_moments(*test_dom_moments(d), KIND_SNAPSHOT, NULL, args->flags, &sel);
    if (n < 0)
        return -1;
    int rc = names_reply(sel, n, args->maxnames, &ret->names.names_len, &ret->names.names_val);
    free(sel);
    return rc;
}

static int test_domain_snapshot_lookup_by_name(struct drv_conn *c,
                                               const remote_domain_snapshot_lookup_by_name_args *args,
                                               remote_domain_snapshot_lookup_by_name_ret *ret)
{
    struct tdom *d;
    if (check_flags(args->flags, 0, "testDomainSnapshotLookupByName") < 0)
        return -1;
    struct tmoment *t = get_moment(c, KIND_SNAPSHOT, args->name, &args->dom, &d);
    if (!t)
        return -1;
    return fill_ref(d, t, SNAP_REF(ret->snap));
}

static int test_domain_has_current_snapshot(struct drv_conn *c,
                                            const remote_domain_has_current_snapshot_args *args,
                                            remote_domain_has_current_snapshot_ret *ret)
{
    if (check_flags(args->flags, 0, "testDomainHasCurrentSnapshot") < 0)
        return -1;
    struct tdom *d = test_dom_get(c, &args->dom);
    if (!d)
        return -1;
    struct tmoments *m = *test_dom_moments(d);
    ret->result = m && m->current[KIND_SNAPSHOT] ? 1 : 0;
    return 0;
}

static int test_domain_snapshot_current(struct drv_conn *c,
                                        const remote_domain_snapshot_current_args *args,
                                        remote_domain_snapshot_current_ret *ret)
{
    if (check_flags(args->flags, 0, "testDomainSnapshotCurrent") < 0)
        return -1;
    struct tdom *d = test_dom_get(c, &args->dom);
    if (!d)
        return -1;
    struct tmoments *m = *test_dom_moments(d);
    struct tmoment *t = m ? find_moment(m, KIND_SNAPSHOT, m->current[KIND_SNAPSHOT]) : NULL;
    if (!t) {
        error_report(ERR_NO_DOMAIN_SNAPSHOT, FROM_TEST,
                     "the domain does not have a current snapshot");
        return -1;
    }
    return fill_ref(d, t, SNAP_REF(ret->snap));
}

static int revert_locked(struct drv_conn *c, const remote_domain_revert_to_snapshot_args *args)
{
    struct tdom *d;
    struct tmoment *t = get_moment(c, KIND_SNAPSHOT, args->snap.name, &args->snap.dom, &d);
    if (!t)
        return -1;
    struct tmoments *m = *test_dom_moments(d);
    struct dx_def *def = dx_def_parse_string(t->domxml);
    if (!def)
        return -1;
    if (set_current(m, KIND_SNAPSHOT, t->name) < 0) {
        dx_def_free(def);
        return -1;
    }
    unsigned int f = args->flags;
    if (t->state == ST_RUNNING || t->state == ST_PAUSED) {
        int paused = (f & REVERT_PAUSED) || (t->state == ST_PAUSED && !(f & REVERT_RUNNING));
        return test_dom_revert(c, d, def, paused ? 2 : 1);
    }
    if (test_dom_revert(c, d, def, 0) < 0)
        return -1;
    /* Asked to run a shut-off snapshot, libvirt's test driver announces
     * the start (and the pause) but leaves the domain off. */
    if (f & (REVERT_RUNNING | REVERT_PAUSED)) {
        test_dom_emit(c, d, EV_STARTED, EV_STARTED_FROM_SNAPSHOT);
        if (f & REVERT_PAUSED)
            test_dom_emit(c, d, EV_SUSPENDED, EV_SUSPENDED_FROM_SNAPSHOT);
    }
    return 0;
}

static int test_domain_revert_to_snapshot(struct drv_conn *c,
                                          const remote_domain_revert_to_snapshot_args *args)
{
    if (check_flags(args->flags, REVERT_RUNNING | REVERT_PAUSED | REVERT_FORCE,
                    "testDomainRevertToSnapshot") < 0)
        return -1;
    if ((args->flags & REVERT_RUNNING) && (args->flags & REVERT_PAUSED)) {
        error_report(ERR_INVALID_ARG, FROM_DOMAIN_SNAPSHOT,
                     "Flags 'VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING' and "
                     "'VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED' are mutually exclusive");
        return -1;
    }
    if (test_wr_begin(c, "snapshot-revert") < 0)
        return -1;
    return test_wr_end(c, revert_locked(c, args));
}

static int delete_locked(struct drv_conn *c, int kind, const char *name,
                         const remote_nonnull_domain *dom, unsigned int flags)
{
    struct tdom *d;
    struct tmoment *t = get_moment(c, kind, name, dom, &d);
    if (!t)
        return -1;
    return delete_moments(*test_dom_moments(d), kind, t, flags);
}

static int test_domain_snapshot_delete(struct drv_conn *c,
                                       const remote_domain_snapshot_delete_args *args)
{
    if (check_flags(args->flags, DELETE_CHILDREN | DELETE_CHILDREN_ONLY,
                    "testDomainSnapshotDelete") < 0)
        return -1;
    if (test_wr_begin(c, "snapshot-delete") < 0)
        return -1;
    return test_wr_end(c, delete_locked(c, KIND_SNAPSHOT, args->snap.name, &args->snap.dom,
                                           args->flags));
}

static int test_domain_snapshot_get_parent(struct drv_conn *c,
                                           const remote_domain_snapshot_get_parent_args *args,
                                           remote_domain_snapshot_get_parent_ret *ret)
{
    struct tdom *d;
    if (check_flags(args->flags, 0, "testDomainSnapshotGetParent") < 0)
        return -1;
    struct tmoment *t = get_moment(c, KIND_SNAPSHOT, args->snap.name, &args->snap.dom, &d);
    if (!t)
        return -1;
    struct tmoment *p = find_moment(*test_dom_moments(d), KIND_SNAPSHOT, t->parent);
    if (!p) {
        error_report(ERR_NO_DOMAIN_SNAPSHOT, FROM_TEST,
                     "snapshot '%s' does not have a parent", t->name);
        return -1;
    }
    return fill_ref(d, p, SNAP_REF(ret->snap));
}

static int children_flags_ok(unsigned int flags, const char *func)
{
    return check_flags(flags, LIST_ROOTS | LIST_TOPOLOGICAL | SNAP_FILTERS, func);
}

static int test_domain_snapshot_num_children(struct drv_conn *c,
                                             const remote_domain_snapshot_num_children_args *args,
                                             remote_domain_snapshot_num_children_ret *ret)
{
    struct tdom *d;
    const struct tmoment **sel;
    if (children_flags_ok(args->flags, "testDomainSnapshotNumChildren") < 0)
        return -1;
    struct tmoment *t = get_moment(c, KIND_SNAPSHOT, args->snap.name, &args->snap.dom, &d);
    if (!t)
        return -1;
    int n = select_moments(*test_dom_moments(d), KIND_SNAPSHOT, t, args->flags, &sel);
    if (n < 0)
        return -1;
    free(sel);
    ret->num = n;
    return 0;
}

static int test_domain_snapshot_list_children_names(
    struct drv_conn *c, const remote_domain_snapshot_list_children_names_args *args,
    remote_domain_snapshot_list_children_names_ret *ret)
{
    struct tdom *d;
    const struct tmoment **sel;
    if (maxnames_ok(args->maxnames) < 0 ||
        children_flags_ok(args->flags, "testDomainSnapshotListChildrenNames") < 0)
        return -1;
    struct tmoment *t = get_moment(c, KIND_SNAPSHOT, args->snap.name, &args->snap.dom, &d);
    if (!t)
        return -1;
    int n = select_moments(*test_dom_moments(d), KIND_SNAPSHOT, t, args->flags, &sel);
    if (n < 0)
        return -1;
    int rc = names_reply(sel, n, args->maxnames, &ret->names.names_len, &ret->names.names_val);
    free(sel);
    return rc;
}

static int test_domain_snapshot_is_current(struct drv_conn *c,
                                           const remote_domain_snapshot_is_current_args *args,
                                           remote_domain_snapshot_is_current_ret *ret)
{
    struct tdom *d;
    if (check_flags(args->flags, 0, "testDomainSnapshotIsCurrent") < 0)
        return -1;
    struct tmoment *t = get_moment(c, KIND_SNAPSHOT, args->snap.name, &args->snap.dom, &d);
    if (!t)
        return -1;
    ret->current = is_current(*test_dom_moments(d), KIND_SNAPSHOT, t);
    return 0;
}

static int test_domain_snapshot_has_metadata(struct drv_conn *c,
                                             const remote_domain_snapshot_has_metadata_args *args,
                                             remote_domain_snapshot_has_metadata_ret *ret)
{
    struct tdom *d;
    if (check_flags(args->flags, 0, "testDomainSnapshotHasMetadata") < 0)
        return -1;
    if (!get_moment(c, KIND_SNAPSHOT, args->snap.name, &args->snap.dom, &d))
        return -1;
    ret->metadata = 1;
    return 0;
}

/* A ListAll reply: the count, and the references when asked for. */
static int refs_reply(const struct tdom *d, const struct tmoment **sel, int n, int need,
                      u_int *len, remote_nonnull_domain_snapshot **val, int *count)
{
    *count = n;
    if (!need)
        return 0;
    *val = calloc((size_t)n + 1, sizeof(**val));
    if (!*val) {
        no_memory();
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (fill_ref(d, sel[i], SNAP_REF((*val)[i])) < 0)
            return -1;
        *len = (u_int)i + 1;
    }
    return 0;
}

static int test_domain_list_all_snapshots(struct drv_conn *c,
                                          const remote_domain_list_all_snapshots_args *args,
                                          remote_domain_list_all_snapshots_ret *ret)
{
    const struct tmoment **sel;
    if (list_flags_ok(args->flags, "testDomainListAllSnapshots") < 0)
        return -1;
    struct tdom *d = test_dom_get(c, &args->dom);
    if (!d)
        return -1;
    int n = select_moments(*test_dom_moments(d), KIND_SNAPSHOT, NULL, args->flags, &sel);
    if (n < 0)
        return -1;
    int rc = refs_reply(d, sel, n, args->need_results, &ret->snapshots.snapshots_len,
                        &ret->snapshots.snapshots_val, &ret->ret);
    free(sel);
    return rc;
}

static int test_domain_snapshot_list_all_children(
    struct drv_conn *c, const remote_domain_snapshot_list_all_children_args *args,
    remote_domain_snapshot_list_all_children_ret *ret)
{
    struct tdom *d;
    const struct tmoment **sel;
    if (children_flags_ok(args->flags, "testDomainSnapshotListAllChildren") < 0)
        return -1;
    struct tmoment *t =
        get_moment(c, KIND_SNAPSHOT, args->snapshot.name, &args->snapshot.dom, &d);
    if (!t)
        return -1;
    int n = select_moments(*test_dom_moments(d), KIND_SNAPSHOT, t, args->flags, &sel);
    if (n < 0)
        return -1;
    int rc = refs_reply(d, sel, n, args->need_results, &ret->snapshots.snapshots_len,
                        &ret->snapshots.snapshots_val, &ret->ret);
    free(sel);
    return rc;
}

const struct drv_snapshot_ops test_snapshot_ops = {
    .domain_snapshot_create_xml = test_domain_snapshot_create_xml,
    .domain_snapshot_get_xml_desc = test_domain_snapshot_get_xml_desc,
    .domain_snapshot_num = test_domain_snapshot_num,
    .domain_snapshot_list_names = test_domain_snapshot_list_names,
    .domain_snapshot_lookup_by_name = test_domain_snapshot_lookup_by_name,
    .domain_has_current_snapshot = test_domain_has_current_snapshot,
    .domain_snapshot_current = test_domain_snapshot_current,
    .domain_revert_to_snapshot = test_domain_revert_to_snapshot,
    .domain_snapshot_delete = test_domain_snapshot_delete,
    .domain_snapshot_get_parent = test_domain_snapshot_get_parent,
    .domain_snapshot_num_children = test_domain_snapshot_num_children,
    .domain_snapshot_list_children_names = test_domain_snapshot_list_children_names,
    .domain_snapshot_is_current = test_domain_snapshot_is_current,
    .domain_snapshot_has_metadata = test_domain_snapshot_has_metadata,
    .domain_list_all_snapshots = test_domain_list_all_snapshots,
    .domain_snapshot_list_all_children = test_domain_snapshot_list_all_children,
};

/* ---- checkpoints ---- */

#define CP_REF(r) &(r).name, &(r).dom

static int create_checkpoint_locked(struct drv_conn *c,
                                    const remote_domain_checkpoint_create_xml_args *args,
                                    remote_domain_checkpoint_create_xml_ret *ret)
{
    struct tmoment t = {0};
    int rc = -1;
    struct tdom *d = test_dom_get(c, &args->dom);

    if (!d)
        return -1;
    if (test_dom_state(d, NULL) == ST_SHUTOFF) {
        error_report(ERR_OPERATION_UNSUPPORTED, FROM_TEST,
                     "cannot create checkpoint for inactive domain");
        return -1;
    }
    struct tmoments *m = *test_dom_moments(d);
    if (m && m->n[KIND_SNAPSHOT]) {
        error_report(ERR_OPERATION_UNSUPPORTED, FROM_TEST,
                     "cannot create checkpoint while snapshot exists");
        return -1;
    }
    if (parse_moment(args->xml_desc, KIND_CHECKPOINT, 0, test_dom_def(d), &t) < 0)
        goto out;
    m = moments_of(d, 1);
    if (!m)
        goto out;
    if (find_moment(m, KIND_CHECKPOINT, t.name)) {
        error_report(ERR_OPERATION_FAILED, FROM_DOMAIN,
                     "domain moment %s already exists", t.name);
        goto out;
    }
    t.domxml = domain_copy(d);
    t.parent = dup0(m->current[KIND_CHECKPOINT]);
    if (!t.domxml || (m->current[KIND_CHECKPOINT] && !t.parent))
        goto out;
    char *name = strdup(t.name);
    if (!name) {
        no_memory();
        goto out;
    }
    if (new_moment(m, KIND_CHECKPOINT, &t) < 0 || set_current(m, KIND_CHECKPOINT, name) < 0 ||
        test_dom_reference(d, &ret->checkpoint.dom) < 0 ||
        drv_string(&ret->checkpoint.name, name) < 0) {
        free(name);
        goto out;
    }
    free(name);
    rc = 0;
out:
    moment_clear(&t);
    return rc;
}

/* A checkpoint given back whole: made current only when there is none. */
static int redefine_checkpoint_locked(struct drv_conn *c,
                                      const remote_domain_checkpoint_create_xml_args *args,
                                      remote_domain_checkpoint_create_xml_ret *ret)
{
    struct tmoment t = {0};
    int rc = -1;
    struct tdom *d = test_dom_get(c, &args->dom);

    if (!d)
        return -1;
    struct tmoments *m = *test_dom_moments(d);
    if (m && m->n[KIND_SNAPSHOT]) {
        error_report(ERR_OPERATION_UNSUPPORTED, FROM_TEST,
                     "cannot create checkpoint while snapshot exists");
        return -1;
    }
    if (parse_redefine(args->xml_desc, KIND_CHECKPOINT, 0, &t) < 0 || !(m = moments_of(d, 1)))
        goto out;
    if (t.parent && (strcmp(t.parent, t.name) == 0 || !find_moment(m, KIND_CHECKPOINT, t.parent))) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "parent %s for moment %s not found", t.parent,
                     t.name);
        goto out;
    }
    char *name = strdup(t.name);
    if (!name) {
        no_memory();
        goto out;
    }
    struct tmoment *old = find_moment(m, KIND_CHECKPOINT, t.name);
    if (old) {
        if (fits(m, old, &t) < 0) {
            free(name);
            goto out;
        }
        t.seq = old->seq;
        moment_clear(old);
        *old = t;
        memset(&t, 0, sizeof(t));
    } else if (new_moment(m, KIND_CHECKPOINT, &t) < 0) {
        free(name);
        goto out;
    }
    if ((!m->current[KIND_CHECKPOINT] && set_current(m, KIND_CHECKPOINT, name) < 0) ||
        test_dom_reference(d, &ret->checkpoint.dom) < 0 ||
        drv_string(&ret->checkpoint.name, name) < 0) {
        free(name);
        goto out;
    }
    free(name);
    rc = 0;
out:
    moment_clear(&t);
    return rc;
}

static int test_domain_checkpoint_create_xml(struct drv_conn *c,
                                             const remote_domain_checkpoint_create_xml_args *args,
                                             remote_domain_checkpoint_create_xml_ret *ret)
{
    if (check_flags(args->flags, CP_CREATE_REDEFINE | CP_CREATE_QUIESCE,
                    "testDomainCheckpointCreateXML") < 0)
        return -1;
    if (test_wr_begin(c, "checkpoint-create") < 0)
        return -1;
    if (args->flags & CP_CREATE_REDEFINE)
        return test_wr_end(c, redefine_checkpoint_locked(c, args, ret));
    return test_wr_end(c, create_checkpoint_locked(c, args, ret));
}

static int test_domain_checkpoint_get_xml_desc(
    struct drv_conn *c, const remote_domain_checkpoint_get_xml_desc_args *args,
    remote_domain_checkpoint_get_xml_desc_ret *ret)
{
    struct tdom *d;
    if (check_flags(args->flags, CP_XML_SECURE | CP_XML_NO_DOMAIN | CP_XML_SIZE,
                    "testDomainCheckpointGetXMLDesc") < 0)
        return -1;
    struct tmoment *t =
        get_moment(c, KIND_CHECKPOINT, args->checkpoint.name, &args->checkpoint.dom, &d);
    if (!t)
        return -1;
    ret->xml = format_moment(t, KIND_CHECKPOINT, !(args->flags & CP_XML_NO_DOMAIN));
    return ret->xml ? 0 : -1;
}

/* The checkpoint list flags in the snapshot ones' positions select_moments reads. */
static unsigned int cp_select_flags(unsigned int f)
{
    return (f & CP_LIST_ROOTS ? LIST_ROOTS : 0) | (f & CP_LIST_LEAVES) | (f & CP_LIST_NO_LEAVES);
}

static int cp_refs_reply(const struct tdom *d, const struct tmoment **sel, int n, int need,
                         u_int *len, remote_nonnull_domain_checkpoint **val, int *count)
{
    *count = n;
    if (!need)
        return 0;
    *val = calloc((size_t)n + 1, sizeof(**val));
    if (!*val) {
        no_memory();
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (fill_ref(d, sel[i], CP_REF((*val)[i])) < 0)
            return -1;
        *len = (u_int)i + 1;
    }
    return 0;
}

static int test_domain_list_all_checkpoints(struct drv_conn *c,
                                            const remote_domain_list_all_checkpoints_args *args,
                                            remote_domain_list_all_checkpoints_ret *ret)
{
    const struct tmoment **sel;
    if (check_flags(args->flags, 0xf, "testDomainListAllCheckpoints") < 0)
        return -1;
    struct tdom *d = test_dom_get(c, &args->dom);
    if (!d)
        return -1;
    int n = select_moments(*test_dom_moments(d), KIND_CHECKPOINT, NULL, cp_select_flags(args->flags),
                           &sel);
    if (n < 0)
        return -1;
    int rc = cp_refs_reply(d, sel, n, args->need_results, &ret->checkpoints.checkpoints_len,
                           &ret->checkpoints.checkpoints_val, &ret->ret);
    free(sel);
    return rc;
}

static int test_domain_checkpoint_list_all_children(
    struct drv_conn *c, const remote_domain_checkpoint_list_all_children_args *args,
    remote_domain_checkpoint_list_all_children_ret *ret)
{
    struct tdom *d;
    const struct tmoment **sel;
    if (check_flags(args->flags, 0xf, "testDomainCheckpointListAllChildren") < 0)
        return -1;
    struct tmoment *t =
        get_moment(c, KIND_CHECKPOINT, args->checkpoint.name, &args->checkpoint.dom, &d);
    if (!t)
        return -1;
    int n = select_moments(*test_dom_moments(d), KIND_CHECKPOINT, t, cp_select_flags(args->flags),
                           &sel);
    if (n < 0)
        return -1;
    int rc = cp_refs_reply(d, sel, n, args->need_results, &ret->checkpoints.checkpoints_len,
                           &ret->checkpoints.checkpoints_val, &ret->ret);
    free(sel);
    return rc;
}

static int test_domain_checkpoint_lookup_by_name(
    struct drv_conn *c, const remote_domain_checkpoint_lookup_by_name_args *args,
    remote_domain_checkpoint_lookup_by_name_ret *ret)
{
    struct tdom *d;
    if (check_flags(args->flags, 0, "testDomainCheckpointLookupByName") < 0)
        return -1;
    struct tmoment *t = get_moment(c, KIND_CHECKPOINT, args->name, &args->dom, &d);
    if (!t)
        return -1;
    return fill_ref(d, t, CP_REF(ret->checkpoint));
}

static int test_domain_checkpoint_get_parent(struct drv_conn *c,
                                             const remote_domain_checkpoint_get_parent_args *args,
                                             remote_domain_checkpoint_get_parent_ret *ret)
{
    struct tdom *d;
    if (check_flags(args->flags, 0, "testDomainCheckpointGetParent") < 0)
        return -1;
    struct tmoment *t =
        get_moment(c, KIND_CHECKPOINT, args->checkpoint.name, &args->checkpoint.dom, &d);
    if (!t)
        return -1;
    struct tmoment *p = find_moment(*test_dom_moments(d), KIND_CHECKPOINT, t->parent);
    if (!p) {
        error_report(ERR_NO_DOMAIN_CHECKPOINT, FROM_TEST,
                     "checkpoint '%s' does not have a parent", t->name);
        return -1;
    }
    return fill_ref(d, p, CP_REF(ret->parent));
}

static int test_domain_checkpoint_delete(struct drv_conn *c,
                                         const remote_domain_checkpoint_delete_args *args)
{
    if (check_flags(args->flags, DELETE_CHILDREN | DELETE_METADATA_ONLY | DELETE_CHILDREN_ONLY,
                    "testDomainCheckpointDelete") < 0)
        return -1;
    if (test_wr_begin(c, "checkpoint-delete") < 0)
        return -1;
    return test_wr_end(c, delete_locked(c, KIND_CHECKPOINT, args->checkpoint.name,
                                           &args->checkpoint.dom,
                                           args->flags & ~(unsigned int)DELETE_METADATA_ONLY));
}

const struct drv_checkpoint_ops test_checkpoint_ops = {
    .domain_checkpoint_create_xml = test_domain_checkpoint_create_xml,
    .domain_checkpoint_get_xml_desc = test_domain_checkpoint_get_xml_desc,
    .domain_list_all_checkpoints = test_domain_list_all_checkpoints,
    .domain_checkpoint_list_all_children = test_domain_checkpoint_list_all_children,
    .domain_checkpoint_lookup_by_name = test_domain_checkpoint_lookup_by_name,
    .domain_checkpoint_get_parent = test_domain_checkpoint_get_parent,
    .domain_checkpoint_delete = test_domain_checkpoint_delete,
};

/* ---- test:///default's state file ----
 *
 * After each domain: "moments NSNAP NCP\n", then each snapshot, then each
 * checkpoint, as "moment SEQ CTIME STATE MEMORY CURRENT NDISKS\n" and its
 * strings (name, description, parent, domain XML; per disk name, mode,
 * bitmap), each "S LEN\n" BYTES "\n", or "S -\n" for none. */

static int put_str(FILE *f, const char *s)
{
    if (!s)
        return fprintf(f, "S -\n") > 0 ? 0 : -1;
    return fprintf(f, "S %zu\n%s\n", strlen(s), s) > 0 ? 0 : -1;
}

int tmoments_serialize(FILE *f, const struct tmoments *m)
{
    if (fprintf(f, "moments %zu %zu %lld\n", m ? m->n[0] : 0, m ? m->n[1] : 0,
                m ? m->next_seq : 0) < 0)
        return -1;
    for (int k = 0; m && k < 2; k++) {
        for (size_t i = 0; i < m->n[k]; i++) {
            const struct tmoment *t = &m->m[k][i];
            if (fprintf(f, "moment %lld %lld %d %d %d %zu\n", t->seq, t->ctime, t->state,
                        t->memory, is_current(m, k, t), t->ndisks) < 0 ||
                put_str(f, t->name) < 0 || put_str(f, t->desc) < 0 || put_str(f, t->parent) < 0 ||
                put_str(f, t->domxml) < 0)
                return -1;
            for (size_t j = 0; j < t->ndisks; j++)
                if (put_str(f, t->disks[j].name) < 0 || put_str(f, t->disks[j].mode) < 0 ||
                    put_str(f, t->disks[j].bitmap) < 0)
                    return -1;
        }
    }
    return 0;
}

/* One string; *out NULL for "-". 0 or -1. */
static int get_str(const char **p, const char *end, char **out)
{
    size_t len;
    int used = 0;
    *out = NULL;
    if (end - *p >= 4 && memcmp(*p, "S -\n", 4) == 0) {
        *p += 4;
        return 0;
    }
    if (!memchr(*p, '\n', (size_t)(end - *p)) || sscanf(*p, "S %zu\n%n", &len, &used) != 1 ||
        used <= 0 || len >= (size_t)(end - *p - used) || (*p)[used + len] != '\n')
        return -1;
    *out = strndup(*p + used, len);
    if (!*out)
        return -1;
    *p += (size_t)used + len + 1;
    return 0;
}

int tmoments_parse(const char **p, const char *end, struct tmoments **mp)
{
    size_t n[2];
    long long next_seq;
    int used = 0;
    *mp = NULL;
    if (!memchr(*p, '\n', (size_t)(end - *p)) ||
        sscanf(*p, "moments %zu %zu %lld\n%n", &n[0], &n[1], &next_seq, &used) != 3 || used <= 0 ||
        n[0] > MOMENTS_MAX || n[1] > MOMENTS_MAX)
        return -1;
    *p += used;
    if (!n[0] && !n[1])
        return 0;
    struct tmoments *m = calloc(1, sizeof(*m));
    if (!m)
        return -1;
    m->next_seq = next_seq;
    for (int k = 0; k < 2; k++) {
        m->m[k] = calloc(n[k] + 1, sizeof(struct tmoment));
        if (!m->m[k])
            goto fail;
        for (size_t i = 0; i < n[k]; i++) {
            struct tmoment *t = &m->m[k][i];
            int cur;
            size_t nd;
            used = 0;
            m->n[k] = i + 1;
            if (!memchr(*p, '\n', (size_t)(end - *p)) ||
                sscanf(*p, "moment %lld %lld %d %d %d %zu\n%n", &t->seq, &t->ctime, &t->state,
                       &t->memory, &cur, &nd, &used) != 6 ||
                used <= 0 || t->state < 0 || t->state >= ST_LAST || nd > 1024)
                goto fail;
            *p += used;
            if (get_str(p, end, &t->name) < 0 || !t->name || get_str(p, end, &t->desc) < 0 ||
                get_str(p, end, &t->parent) < 0 || get_str(p, end, &t->domxml) < 0)
                goto fail;
            t->disks = calloc(nd + 1, sizeof(*t->disks));
            if (!t->disks)
                goto fail;
            for (size_t j = 0; j < nd; j++) {
                t->ndisks = j + 1;
                if (get_str(p, end, &t->disks[j].name) < 0 || !t->disks[j].name ||
                    get_str(p, end, &t->disks[j].mode) < 0 || !t->disks[j].mode ||
                    get_str(p, end, &t->disks[j].bitmap) < 0)
                    goto fail;
            }
            if (cur && set_current(m, k, t->name) < 0)
                goto fail;
        }
    }
    *mp = m;
    return 0;
fail:
    tmoments_free(m);
    return -1;
}

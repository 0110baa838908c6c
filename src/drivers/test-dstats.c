/* The test driver's domain statistics and tuning, as libvirt 9.0's test
 * driver answers them: made-up block and interface counters (from the
 * time of day), block info and disk errors, vCPU,
 * emulator and IOThread pinning, the scheduler, memory/blkio/NUMA and
 * block I/O tuning and perf events.
 *
 * The tuning lives in the domain XML (<memtune>, <blkiotune>, <numatune>,
 * <iothreads>, <iothreadids>, <cputune>, <perf>), which domain_xml keeps
 * as elements it does not interpret: each call reads the element it needs
 * into a small model here and, when it changes it, writes it back in
 * libvirt's canonical form. The state shared by test:///default's
 * connections is that XML, so a change is seen by every connection.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <libxml/tree.h>

#include "conf/domain_xml.h"
#include "conf/xml.h"
#include "error.h"
#include "test-dstats.h"
#include "test-internal.h"
#include "test-priv.h"

enum { STRING_OKAY = 4 };                 /* VIR_TYPED_PARAM_STRING_OKAY */
#define MEM_UNLIMITED 9007199254740991ULL /* VIR_DOMAIN_MEMORY_PARAM_UNLIMITED */
#define FIELD_MAX 80                      /* VIR_TYPED_PARAM_FIELD_LENGTH */

/* ---- CPU sets: bit arrays, libvirt's "0-3,5" text ---- */

struct cpuset {
    unsigned char *bits; /* one byte per CPU, 0 or 1 */
    size_t n;            /* CPUs described */
};

static void cpuset_free(struct cpuset *s)
{
    free(s->bits);
    s->bits = NULL;
    s->n = 0;
}

static int cpuset_new(struct cpuset *s, size_t n, int all)
{
    s->n = n;
    s->bits = malloc(n ? n : 1);
    if (!s->bits) {
        test_no_memory();
        return -1;
    }
    memset(s->bits, all ? 1 : 0, n ? n : 1);
    return 0;
}

/* From a cpumap of maplen bytes (libvirt's bit order: CPU 0 is bit 0 of
 * byte 0). */
static int cpuset_from_map(struct cpuset *s, const unsigned char *map, size_t maplen)
{
    if (cpuset_new(s, maplen * 8, 0) < 0)
        return -1;
    for (size_t i = 0; i < maplen * 8; i++)
        s->bits[i] = (map[i / 8] >> (i % 8)) & 1;
    return 0;
}

static void cpuset_to_map(const struct cpuset *s, unsigned char *map, size_t maplen)
{
    memset(map, 0, maplen);
    for (size_t i = 0; i < s->n && i < maplen * 8; i++)
        if (s->bits[i])
            map[i / 8] |= (unsigned char)(1u << (i % 8));
}

static int cpuset_empty(const struct cpuset *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->bits[i])
            return 0;
    return 1;
}

static int cpuset_last(const struct cpuset *s)
{
    for (size_t i = s->n; i > 0; i--)
        if (s->bits[i - 1])
            return (int)(i - 1);
    return -1;
}

/* libvirt's virBitmapFormat: ranges "0-3,5"; "" when empty. Malloc'd. */
static char *cpuset_format(const struct cpuset *s)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    int first = 1;

    if (!f) {
        test_no_memory();
        return NULL;
    }
    for (size_t i = 0; i < s->n; i++) {
        if (!s->bits[i])
            continue;
        size_t j = i;
        while (j + 1 < s->n && s->bits[j + 1])
            j++;
        if (j > i)
            fprintf(f, "%s%zu-%zu", first ? "" : ",", i, j);
        else
            fprintf(f, "%s%zu", first ? "" : ",", i);
        first = 0;
        i = j;
    }
    if (fclose(f) != 0) {
        free(buf);
        test_no_memory();
        return NULL;
    }
    return buf;
}

/* libvirt's virBitmapParse of "0-3,^2,5" (at most `max` CPUs). -1 with
 * "Failed to parse bitmap 'TEXT'" when the text is not one. */
static int cpuset_parse(struct cpuset *s, const char *text, size_t max)
{
    const char *p = text;

    if (cpuset_new(s, max, 0) < 0)
        return -1;
    while (*p == ' ')
        p++;
    if (!*p)
        goto bad;
    while (*p) {
        int neg = 0;
        char *end;
        if (*p == '^') {
            neg = 1;
            p++;
        }
        if (*p < '0' || *p > '9')
            goto bad;
        errno = 0;
        unsigned long a = strtoul(p, &end, 10), b = a;
        if (errno || a >= max)
            goto bad;
        p = end;
        if (*p == '-' && !neg) {
            p++;
            if (*p < '0' || *p > '9')
                goto bad;
            b = strtoul(p, &end, 10);
            if (errno || b >= max || b < a)
                goto bad;
            p = end;
        }
        for (unsigned long i = a; i <= b; i++)
            s->bits[i] = !neg;
        while (*p == ' ')
            p++;
        if (*p == ',') {
            p++;
            while (*p == ' ')
                p++;
            if (!*p)
                goto bad;
        } else if (*p) {
            goto bad;
        }
    }
    return 0;
bad:
    cpuset_free(s);
    error_report(ERR_INVALID_ARG, FROM_NONE, "Failed to parse bitmap '%s'", text);
    return -1;
}

/* The most CPUs a cpuset of the XML may name (libvirt's VIR_DOMAIN_CPUMASK_LEN). */
#define CPUMASK_LEN 4096

/* ---- typed parameters ---- */

struct tplist {
    remote_typed_param *v;
    u_int n, cap;
};

static remote_typed_param *tp_add(struct tplist *l, const char *field, int type)
{
    if (l->n == l->cap) {
        u_int cap = l->cap ? l->cap * 2 : 8;
        remote_typed_param *v = realloc(l->v, cap * sizeof(*v));
        if (!v) {
            test_no_memory();
            return NULL;
        }
        l->v = v;
        l->cap = cap;
    }
    remote_typed_param *p = &l->v[l->n];
    memset(p, 0, sizeof(*p));
    if (!(p->field = strdup(field))) {
        test_no_memory();
        return NULL;
    }
    p->value.type = type;
    l->n++;
    return p;
}

static int tp_int(struct tplist *l, const char *field, int v)
{
    remote_typed_param *p = tp_add(l, field, VIR_TYPED_PARAM_INT);
    if (p)
        p->value.remote_typed_param_value_u.i = v;
    return p ? 0 : -1;
}

static int tp_uint(struct tplist *l, const char *field, unsigned int v)
{
    remote_typed_param *p = tp_add(l, field, VIR_TYPED_PARAM_UINT);
    if (p)
        p->value.remote_typed_param_value_u.ui = v;
    return p ? 0 : -1;
}

static int tp_ullong(struct tplist *l, const char *field, uint64_t v)
{
    remote_typed_param *p = tp_add(l, field, VIR_TYPED_PARAM_ULLONG);
    if (p)
        p->value.remote_typed_param_value_u.ul = v;
    return p ? 0 : -1;
}

static int tp_bool(struct tplist *l, const char *field, int v)
{
    remote_typed_param *p = tp_add(l, field, VIR_TYPED_PARAM_BOOLEAN);
    if (p)
        p->value.remote_typed_param_value_u.b = v != 0;
    return p ? 0 : -1;
}

static int tp_string(struct tplist *l, const char *field, const char *v)
{
    remote_typed_param *p = tp_add(l, field, VIR_TYPED_PARAM_STRING);
    if (!p)
        return -1;
    if (!(p->value.remote_typed_param_value_u.s = strdup(v ? v : ""))) {
        test_no_memory();
        return -1;
    }
    return 0;
}

static void tp_clear(struct tplist *l)
{
    for (u_int i = 0; i < l->n; i++) {
        free(l->v[i].field);
        if (l->v[i].value.type == VIR_TYPED_PARAM_STRING)
            free(l->v[i].value.remote_typed_param_value_u.s);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* Hands the first `max` parameters of l to a reply (the rest are freed);
 * max 0: all. */
static void tp_give(struct tplist *l, u_int max, u_int *len, remote_typed_param **val)
{
    if (max && max < l->n) {
        struct tplist rest = {l->v + max, l->n - max, 0};
        for (u_int i = 0; i < rest.n; i++) {
            free(rest.v[i].field);
            if (rest.v[i].value.type == VIR_TYPED_PARAM_STRING)
                free(rest.v[i].value.remote_typed_param_value_u.s);
        }
        l->n = max;
    }
    *len = l->n;
    *val = l->v;
    memset(l, 0, sizeof(*l));
}

static const char *const tp_type_names[] = {"",       "int",    "uint",    "llong",
                                            "ullong", "double", "boolean", "string"};

/* libvirt's virTypedParamsValidate: every parameter is one of the names
 * (NULL-terminated, each with its VIR_TYPED_PARAM_* in types), once. */
static int tp_validate(const remote_typed_param *p, u_int n, const char *const *names,
                       const int *types)
{
    for (u_int i = 0; i < n; i++) {
        if (strlen(p[i].field) >= FIELD_MAX) {
            error_report(ERR_INVALID_ARG, FROM_NONE, "parameter name '%s' too long",
                         p[i].field);
            return -1;
        }
        int k = 0;
        while (names[k] && strcmp(names[k], p[i].field) != 0)
            k++;
        if (!names[k]) {
            error_report(ERR_ARGUMENT_UNSUPPORTED, FROM_NONE, "parameter '%s' not supported",
                         p[i].field);
            return -1;
        }
        int t = p[i].value.type;
        if (t != types[k]) {
            error_report(ERR_INVALID_ARG, FROM_NONE,
                         "invalid type '%s' for parameter '%s', expected '%s'",
                         t >= 1 && t <= 7 ? tp_type_names[t] : "unknown", p[i].field,
                         tp_type_names[types[k]]);
            return -1;
        }
        for (u_int j = 0; j < i; j++)
            if (strcmp(p[j].field, p[i].field) == 0) {
                error_report(ERR_INVALID_ARG, FROM_NONE, "parameter '%s' occurs multiple times",
                             p[i].field);
                return -1;
            }
    }
    return 0;
}

/* ---- the definition a call names ---- */

/* libvirt's virDomainObjGetOneDef: the one definition flags name. */
static struct dx_def *one_def(struct tdom *d, unsigned int flags)
{
    struct dx_def *live, *config;

    if ((flags & AFFECT_LIVE) && (flags & AFFECT_CONFIG)) {
        error_report(ERR_INVALID_ARG, FROM_DOMAIN,
                     "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are "
                     "mutually exclusive");
        return NULL;
    }
    if (test_dom_defs(d, flags, &live, &config) < 0)
        return NULL;
    return live ? live : config;
}

static struct dx_def *dom_one_def(struct drv_conn *c, const remote_nonnull_domain *dom,
                                  unsigned int flags)
{
    struct tdom *d = test_dom_get(c, dom);
    return d ? one_def(d, flags) : NULL;
}

static int check_active(const struct tdom *d)
{
    if (!test_dom_active(d)) {
        error_report(ERR_OPERATION_INVALID, FROM_DOMAIN, "domain is not running");
        return -1;
    }
    return 0;
}

/* ---- kept elements as documents ---- */

/* The kept child `name` of def parsed, *doc NULL when there is none.
 * Returns 0 or -1. */
static int kept_doc(const struct dx_def *def, const char *name, xmlDocPtr *doc)
{
    const char *xml = dx_kept_get(def, name);

    *doc = NULL;
    if (!xml)
        return 0;
    *doc = xml_parse(xml, strlen(xml), "(domain_definition)", FROM_DOMAIN);
    return *doc ? 0 : -1;
}

static int is_el(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static char *text(xmlNodePtr n)
{
    xmlChar *v = xmlNodeGetContent(n);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static uint64_t text_u64(xmlNodePtr n)
{
    char *s = text(n);
    uint64_t v = s ? strtoull(s, NULL, 10) : 0;
    free(s);
    return v;
}

/* A memory size element in KiB (its unit= scaled as libvirt scales it). */
static uint64_t text_kib(xmlNodePtr n)
{
    static const struct {
        const char *unit;
        uint64_t bytes;
    } units[] = {{"b", 1},
                 {"bytes", 1},
                 {"KB", 1000},
                 {"k", 1024},
                 {"KiB", 1024},
                 {"MB", 1000000},
                 {"M", 1048576},
                 {"MiB", 1048576},
                 {"GB", 1000000000},
                 {"G", 1073741824},
                 {"GiB", 1073741824},
                 {"TB", 1000000000000ULL},
                 {"T", 1099511627776ULL},
                 {"TiB", 1099511627776ULL}};
    uint64_t v = text_u64(n), bytes = 1024;
    char *u = attr(n, "unit");
    for (size_t i = 0; u && i < sizeof(units) / sizeof(units[0]); i++)
        if (strcmp(units[i].unit, u) == 0)
            bytes = units[i].bytes;
    free(u);
    if (bytes == 1024)
        return v;
    return (uint64_t)(((unsigned __int128)v * bytes + 1023) / 1024);
}

/* Writes element n (not one the models here rewrite) at depth `level`,
 * libvirt's way: single quotes, two spaces per level. */
static void write_node(FILE *f, xmlNodePtr n, int level)
{
    int elements = 0;

    fprintf(f, "%*s<%s", 2 * level, "", (const char *)n->name);
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        xmlChar *e = xmlEncodeSpecialChars(n->doc, v);
        fprintf(f, " %s='%s'", (const char *)a->name, e ? (const char *)e : "");
        xmlFree(e);
        xmlFree(v);
    }
    for (xmlNodePtr c = n->children; c; c = c->next)
        elements += c->type == XML_ELEMENT_NODE;
    if (!n->children) {
        fprintf(f, "/>\n");
        return;
    }
    if (!elements) {
        xmlChar *v = xmlNodeGetContent(n);
        xmlChar *e = xmlEncodeSpecialChars(n->doc, v);
        fprintf(f, ">%s</%s>\n", e ? (const char *)e : "", (const char *)n->name);
        xmlFree(e);
        xmlFree(v);
        return;
    }
    fprintf(f, ">\n");
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            write_node(f, c, level + 1);
    fprintf(f, "%*s</%s>\n", 2 * level, "", (const char *)n->name);
}

/* Element text being written: a memstream of one element at depth 1. */
struct out {
    char *buf;
    size_t size;
    FILE *f;
};

static int out_open(struct out *o)
{
    memset(o, 0, sizeof(*o));
    o->f = open_memstream(&o->buf, &o->size);
    if (!o->f) {
        test_no_memory();
        return -1;
    }
    return 0;
}

/* Puts what was written as the kept child `name` (nothing written:
 * removes it). The kept form has no leading indentation and no final
 * newline. */
static int out_put(struct out *o, struct dx_def *def, const char *name)
{
    if (fclose(o->f) != 0) {
        free(o->buf);
        test_no_memory();
        return -1;
    }
    char *s = o->buf;
    size_t len = o->size;
    while (len && s[len - 1] == '\n')
        s[--len] = '\0';
    const char *start = s;
    while (*start == ' ')
        start++;
    int r = dx_kept_put(def, name, len ? start : NULL);
    free(s);
    return r;
}

/* ---- <memtune> ---- */

struct memtune {
    uint64_t hard, soft, guarantee, swap; /* KiB; MEM_UNLIMITED: not set */
};

static int memtune_load(const struct dx_def *def, struct memtune *m)
{
    xmlDocPtr doc;

    m->hard = m->soft = m->guarantee = m->swap = MEM_UNLIMITED;
    if (kept_doc(def, "memtune", &doc) < 0)
        return -1;
    for (xmlNodePtr n = doc ? xmlDocGetRootElement(doc)->children : NULL; n; n = n->next) {
        uint64_t *v = is_el(n, "hard_limit")        ? &m->hard
                      : is_el(n, "soft_limit")      ? &m->soft
                      : is_el(n, "min_guarantee")   ? &m->guarantee
                      : is_el(n, "swap_hard_limit") ? &m->swap
                                                    : NULL;
        if (v) {
            *v = text_kib(n);
            if (*v > MEM_UNLIMITED)
                *v = MEM_UNLIMITED;
        }
    }
    xmlFreeDoc(doc);
    return 0;
}

static int memtune_store(struct dx_def *def, const struct memtune *m)
{
    static const char *const names[] = {"hard_limit", "soft_limit", "min_guarantee",
                                        "swap_hard_limit"};
    const uint64_t v[] = {m->hard, m->soft, m->guarantee, m->swap};
    struct out o;
    int any = 0;

    if (out_open(&o) < 0)
        return -1;
    for (int i = 0; i < 4; i++)
        any |= v[i] < MEM_UNLIMITED;
    if (any) {
        fprintf(o.f, "<memtune>\n");
        for (int i = 0; i < 4; i++)
            if (v[i] < MEM_UNLIMITED)
                fprintf(o.f, "    <%s unit='KiB'>%" PRIu64 "</%s>\n", names[i], v[i], names[i]);
        fprintf(o.f, "  </memtune>\n");
    }
    return out_put(&o, def, "memtune");
}

/* ---- <blkiotune> ---- */

struct blkdev {
    char *path;
    unsigned int weight, riops, wiops;
    uint64_t rbps, wbps;
};

struct blkiotune {
    unsigned int weight;
    struct blkdev *devs;
    size_t ndevs;
};

static void blkiotune_free(struct blkiotune *b)
{
    for (size_t i = 0; i < b->ndevs; i++)
        free(b->devs[i].path);
    free(b->devs);
    memset(b, 0, sizeof(*b));
}

static struct blkdev *blkdev_find(struct blkiotune *b, const char *path, int add)
{
    for (size_t i = 0; i < b->ndevs; i++)
        if (strcmp(b->devs[i].path, path) == 0)
            return &b->devs[i];
    if (!add)
        return NULL;
    struct blkdev *d = realloc(b->devs, (b->ndevs + 1) * sizeof(*d));
    if (!d) {
        test_no_memory();
        return NULL;
    }
    b->devs = d;
    d = &b->devs[b->ndevs];
    memset(d, 0, sizeof(*d));
    if (!(d->path = strdup(path))) {
        test_no_memory();
        return NULL;
    }
    b->ndevs++;
    return d;
}

static int blkiotune_load(const struct dx_def *def, struct blkiotune *b)
{
    xmlDocPtr doc;

    memset(b, 0, sizeof(*b));
    if (kept_doc(def, "blkiotune", &doc) < 0)
        return -1;
    int r = 0;
    for (xmlNodePtr n = doc ? xmlDocGetRootElement(doc)->children : NULL; n && !r;
         n = n->next) {
        if (is_el(n, "weight")) {
            b->weight = (unsigned int)text_u64(n);
            continue;
        }
        if (!is_el(n, "device"))
            continue;
        struct blkdev v = {0};
        for (xmlNodePtr c = n->children; c; c = c->next) {
            if (is_el(c, "path")) {
                free(v.path);
                v.path = text(c);
            } else if (is_el(c, "weight")) {
                v.weight = (unsigned int)text_u64(c);
            } else if (is_el(c, "read_iops_sec")) {
                v.riops = (unsigned int)text_u64(c);
            } else if (is_el(c, "write_iops_sec")) {
                v.wiops = (unsigned int)text_u64(c);
            } else if (is_el(c, "read_bytes_sec")) {
                v.rbps = text_u64(c);
            } else if (is_el(c, "write_bytes_sec")) {
                v.wbps = text_u64(c);
            }
        }
        struct blkdev *d = v.path ? blkdev_find(b, v.path, 1) : NULL;
        if (d) {
            char *p = d->path;
            *d = v;
            d->path = p;
        } else if (v.path) {
            r = -1;
        }
        free(v.path);
    }
    xmlFreeDoc(doc);
    if (r < 0)
        blkiotune_free(b);
    return r;
}

static int blkdev_zero(const struct blkdev *d)
{
    return !d->weight && !d->riops && !d->wiops && !d->rbps && !d->wbps;
}

static int blkiotune_store(struct dx_def *def, const struct blkiotune *b)
{
    struct out o;
    int any = b->weight != 0;

    if (out_open(&o) < 0)
        return -1;
    for (size_t i = 0; i < b->ndevs; i++)
        any |= !blkdev_zero(&b->devs[i]);
    if (any) {
        fprintf(o.f, "<blkiotune>\n");
        if (b->weight)
            fprintf(o.f, "    <weight>%u</weight>\n", b->weight);
        for (size_t i = 0; i < b->ndevs; i++) {
            const struct blkdev *d = &b->devs[i];
            if (blkdev_zero(d))
                continue;
            xmlChar *p = xmlEncodeSpecialChars(NULL, (const xmlChar *)d->path);
            fprintf(o.f, "    <device>\n      <path>%s</path>\n", p ? (const char *)p : "");
            xmlFree(p);
            if (d->weight)
                fprintf(o.f, "      <weight>%u</weight>\n", d->weight);
            if (d->riops)
                fprintf(o.f, "      <read_iops_sec>%u</read_iops_sec>\n", d->riops);
            if (d->wiops)
                fprintf(o.f, "      <write_iops_sec>%u</write_iops_sec>\n", d->wiops);
            if (d->rbps)
                fprintf(o.f, "      <read_bytes_sec>%" PRIu64 "</read_bytes_sec>\n", d->rbps);
            if (d->wbps)
                fprintf(o.f, "      <write_bytes_sec>%" PRIu64 "</write_bytes_sec>\n", d->wbps);
            fprintf(o.f, "    </device>\n");
        }
        fprintf(o.f, "  </blkiotune>\n");
    }
    return out_put(&o, def, "blkiotune");
}

/* ---- <numatune> ---- */

static const char *const numa_modes[] = {"strict", "preferred", "interleave", "restrictive"};
#define NUMA_MODES 4

struct numatune {
    int mode;       /* index in numa_modes */
    int has_memory; /* a <memory> element */
    char *nodeset;  /* NULL: none */
    char *placement;
    xmlDocPtr doc; /* for the other children (<memnode>), written back */
};

static void numatune_free(struct numatune *t)
{
    free(t->nodeset);
    free(t->placement);
    xmlFreeDoc(t->doc);
    memset(t, 0, sizeof(*t));
}

static int numatune_load(const struct dx_def *def, struct numatune *t)
{
    memset(t, 0, sizeof(*t));
    if (kept_doc(def, "numatune", &t->doc) < 0)
        return -1;
    for (xmlNodePtr n = t->doc ? xmlDocGetRootElement(t->doc)->children : NULL; n;
         n = n->next) {
        if (!is_el(n, "memory"))
            continue;
        char *m = attr(n, "mode");
        t->has_memory = 1;
        for (int i = 0; m && i < NUMA_MODES; i++)
            if (strcmp(m, numa_modes[i]) == 0)
                t->mode = i;
        free(m);
        t->nodeset = attr(n, "nodeset");
        t->placement = attr(n, "placement");
    }
    return 0;
}

static int numatune_store(struct dx_def *def, const struct numatune *t)
{
    struct out o;
    int others = 0;
    xmlNodePtr root = t->doc ? xmlDocGetRootElement(t->doc) : NULL;

    if (out_open(&o) < 0)
        return -1;
    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next)
        others |= n->type == XML_ELEMENT_NODE && !is_el(n, "memory");
    if (t->has_memory || others) {
        fprintf(o.f, "<numatune>\n");
        if (t->has_memory) {
            fprintf(o.f, "    <memory mode='%s'", numa_modes[t->mode]);
            if (t->placement && strcmp(t->placement, "auto") == 0)
                fprintf(o.f, " placement='auto'");
            else if (t->nodeset)
                fprintf(o.f, " nodeset='%s'", t->nodeset);
            fprintf(o.f, "/>\n");
        }
        for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next)
            if (n->type == XML_ELEMENT_NODE && !is_el(n, "memory"))
                write_node(o.f, n, 2);
        fprintf(o.f, "  </numatune>\n");
    }
    return out_put(&o, def, "numatune");
}

/* ---- <perf> ---- */

static const char *const perf_events[] = {"cmt",
                                          "mbmt",
                                          "mbml",
                                          "cpu_cycles",
                                          "instructions",
                                          "cache_references",
                                          "cache_misses",
                                          "branch_instructions",
                                          "branch_misses",
                                          "bus_cycles",
                                          "stalled_cycles_frontend",
                                          "stalled_cycles_backend",
                                          "ref_cpu_cycles",
                                          "cpu_clock",
                                          "task_clock",
                                          "page_faults",
                                          "context_switches",
                                          "cpu_migrations",
                                          "page_faults_min",
                                          "page_faults_maj",
                                          "alignment_faults",
                                          "emulation_faults"};
#define NPERF (sizeof(perf_events) / sizeof(perf_events[0]))

/* state[i]: 0 not set, 1 enabled, 2 disabled */
static int perf_load(const struct dx_def *def, int *state)
{
    xmlDocPtr doc;

    memset(state, 0, NPERF * sizeof(*state));
    if (kept_doc(def, "perf", &doc) < 0)
        return -1;
    for (xmlNodePtr n = doc ? xmlDocGetRootElement(doc)->children : NULL; n; n = n->next) {
        if (!is_el(n, "event"))
            continue;
        char *name = attr(n, "name"), *en = attr(n, "enabled");
        for (size_t i = 0; name && en && i < NPERF; i++)
            if (strcmp(name, perf_events[i]) == 0)
                state[i] = strcmp(en, "yes") == 0 ? 1 : 2;
        free(name);
        free(en);
    }
    xmlFreeDoc(doc);
    return 0;
}

static int perf_store(struct dx_def *def, const int *state)
{
    struct out o;
    int any = 0;

    if (out_open(&o) < 0)
        return -1;
    for (size_t i = 0; i < NPERF; i++)
        any |= state[i] != 0;
    if (any) {
        fprintf(o.f, "<perf>\n");
        for (size_t i = 0; i < NPERF; i++)
            if (state[i])
                fprintf(o.f, "    <event name='%s' enabled='%s'/>\n", perf_events[i],
                        state[i] == 1 ? "yes" : "no");
        fprintf(o.f, "  </perf>\n");
    }
    return out_put(&o, def, "perf");
}

/* ---- <iothreads>, <iothreadids>, <cputune> ---- */

struct iothread {
    unsigned int id;
    int autofill; /* not written in the XML: one of <iothreads>' count */
    char *cpuset; /* <iothreadpin>, NULL: none */
};

struct vcpupin {
    unsigned int vcpu;
    char *cpuset;
};

/* What a definition says of its IOThreads and pinning. The other
 * children of <cputune> are kept in doc and written back around the
 * pins, in libvirt's order. */
struct cpu_tune {
    struct iothread *io;
    size_t nio;
    struct vcpupin *pins;
    size_t npins;
    char *emulatorpin;
    xmlDocPtr cputune, iothreadids;
};

static void cpu_tune_free(struct cpu_tune *t)
{
    for (size_t i = 0; i < t->nio; i++)
        free(t->io[i].cpuset);
    for (size_t i = 0; i < t->npins; i++)
        free(t->pins[i].cpuset);
    free(t->io);
    free(t->pins);
    free(t->emulatorpin);
    xmlFreeDoc(t->cputune);
    xmlFreeDoc(t->iothreadids);
    memset(t, 0, sizeof(*t));
}

static struct iothread *io_find(struct cpu_tune *t, unsigned int id)
{
    for (size_t i = 0; i < t->nio; i++)
        if (t->io[i].id == id)
            return &t->io[i];
    return NULL;
}

static struct iothread *io_add(struct cpu_tune *t, unsigned int id, int autofill)
{
    struct iothread *v = realloc(t->io, (t->nio + 1) * sizeof(*v));
    if (!v) {
        test_no_memory();
        return NULL;
    }
    t->io = v;
    v = &t->io[t->nio++];
    memset(v, 0, sizeof(*v));
    v->id = id;
    v->autofill = autofill;
    return v;
}

static char **pin_slot(struct cpu_tune *t, unsigned int vcpu)
{
    size_t i = 0;
    while (i < t->npins && t->pins[i].vcpu < vcpu)
        i++;
    if (i < t->npins && t->pins[i].vcpu == vcpu)
        return &t->pins[i].cpuset;
    struct vcpupin *v = realloc(t->pins, (t->npins + 1) * sizeof(*v));
    if (!v) {
        test_no_memory();
        return NULL;
    }
    t->pins = v;
    memmove(&v[i + 1], &v[i], (t->npins - i) * sizeof(*v));
    v[i].vcpu = vcpu;
    v[i].cpuset = NULL;
    t->npins++;
    return &v[i].cpuset;
}

static int cpu_tune_load(const struct dx_def *def, struct cpu_tune *t)
{
    xmlDocPtr doc;
    unsigned int count = 0;

    memset(t, 0, sizeof(*t));
    if (kept_doc(def, "iothreads", &doc) < 0)
        return -1;
    if (doc)
        count = (unsigned int)text_u64(xmlDocGetRootElement(doc));
    xmlFreeDoc(doc);
    if (kept_doc(def, "iothreadids", &t->iothreadids) < 0 ||
        kept_doc(def, "cputune", &t->cputune) < 0)
        goto fail;
    xmlNodePtr root = t->iothreadids ? xmlDocGetRootElement(t->iothreadids) : NULL;
    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next) {
        if (!is_el(n, "iothread"))
            continue;
        char *id = attr(n, "id");
        unsigned int v = id ? (unsigned int)strtoul(id, NULL, 10) : 0;
        free(id);
        if (v && !io_find(t, v) && !io_add(t, v, 0))
            goto fail;
    }
    /* libvirt numbers the IOThreads the ids do not name from 1 up. */
    for (unsigned int id = 1; t->nio < count; id++)
        if (!io_find(t, id) && !io_add(t, id, 1))
            goto fail;
    root = t->cputune ? xmlDocGetRootElement(t->cputune) : NULL;
    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next) {
        if (is_el(n, "vcpupin")) {
            char *v = attr(n, "vcpu"), *set = attr(n, "cpuset");
            char **slot = v && set ? pin_slot(t, (unsigned int)strtoul(v, NULL, 10)) : NULL;
            free(v);
            if (slot) {
                free(*slot);
                *slot = set;
            } else {
                free(set);
            }
        } else if (is_el(n, "emulatorpin")) {
            free(t->emulatorpin);
            t->emulatorpin = attr(n, "cpuset");
        } else if (is_el(n, "iothreadpin")) {
            char *v = attr(n, "iothread");
            struct iothread *io = v ? io_find(t, (unsigned int)strtoul(v, NULL, 10)) : NULL;
            free(v);
            if (io) {
                free(io->cpuset);
                io->cpuset = attr(n, "cpuset");
            }
        }
    }
    return 0;
fail:
    cpu_tune_free(t);
    return -1;
}

static int is_pin(xmlNodePtr n)
{
    return is_el(n, "vcpupin") || is_el(n, "emulatorpin") || is_el(n, "iothreadpin");
}

/* The children of <cputune> libvirt writes before the pins. */
static int before_pins(xmlNodePtr n)
{
    static const char *const names[] = {
        "shares",          "global_period",  "global_quota",    "period",         "quota",
        "emulator_period", "emulator_quota", "iothread_period", "iothread_quota", NULL};
    for (int i = 0; names[i]; i++)
        if (is_el(n, names[i]))
            return 1;
    return 0;
}

static int cpu_tune_store(struct dx_def *def, const struct cpu_tune *t)
{
    struct out o;
    int written = 0;

    /* <iothreads> and <iothreadids> */
    if (out_open(&o) < 0)
        return -1;
    if (t->nio)
        fprintf(o.f, "<iothreads>%zu</iothreads>\n", t->nio);
    if (out_put(&o, def, "iothreads") < 0 || out_open(&o) < 0)
        return -1;
    for (size_t i = 0; i < t->nio; i++)
        written |= !t->io[i].autofill;
    if (written) {
        fprintf(o.f, "<iothreadids>\n");
        for (size_t i = 0; i < t->nio; i++)
            fprintf(o.f, "    <iothread id='%u'/>\n", t->io[i].id);
        fprintf(o.f, "  </iothreadids>\n");
    }
    if (out_put(&o, def, "iothreadids") < 0 || out_open(&o) < 0)
        return -1;

    /* <cputune> */
    xmlNodePtr root = t->cputune ? xmlDocGetRootElement(t->cputune) : NULL;
    int any = t->npins || t->emulatorpin;
    for (size_t i = 0; i < t->nio; i++)
        any |= t->io[i].cpuset != NULL;
    for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next)
        any |= n->type == XML_ELEMENT_NODE && !is_pin(n);
    if (any) {
        fprintf(o.f, "<cputune>\n");
        for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next)
            if (before_pins(n))
                write_node(o.f, n, 2);
        for (size_t i = 0; i < t->npins; i++)
            fprintf(o.f, "    <vcpupin vcpu='%u' cpuset='%s'/>\n", t->pins[i].vcpu,
                    t->pins[i].cpuset);
        if (t->emulatorpin)
            fprintf(o.f, "    <emulatorpin cpuset='%s'/>\n", t->emulatorpin);
        for (size_t i = 0; i < t->nio; i++)
            if (t->io[i].cpuset)
                fprintf(o.f, "    <iothreadpin iothread='%u' cpuset='%s'/>\n", t->io[i].id,
                        t->io[i].cpuset);
        for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next)
            if (n->type == XML_ELEMENT_NODE && !before_pins(n) && !is_pin(n))
                write_node(o.f, n, 2);
        fprintf(o.f, "  </cputune>\n");
    }
    return out_put(&o, def, "cputune");
}

/* The CPUs a vCPU may run on: its pin, else <vcpu cpuset=>, else all
 * `hostcpus`. */
static int vcpu_cpus(const struct dx_def *def, const struct cpu_tune *t, unsigned int vcpu,
                     int hostcpus, struct cpuset *s)
{
    for (size_t i = 0; i < t->npins; i++)
        if (t->pins[i].vcpu == vcpu) {
            if (!*t->pins[i].cpuset)
                return cpuset_new(s, (size_t)hostcpus, 0);
            return cpuset_parse(s, t->pins[i].cpuset, CPUMASK_LEN);
        }
    if (def->cpuset)
        return cpuset_parse(s, def->cpuset, CPUMASK_LEN);
    return cpuset_new(s, (size_t)hostcpus, 1);
}

/* ---- vCPUs and the emulator ---- */

/* No significance to these numbers: microseconds since the epoch, as
 * libvirt's test driver mixes its counters from. */
static uint64_t statbase(uint64_t *secs)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    if (secs)
        *secs = (uint64_t)tv.tv_sec;
    return (uint64_t)tv.tv_sec * 1000000ULL + (uint64_t)tv.tv_usec;
}

static int cpumaps_alloc(u_int *len, char **val, long long n)
{
    if (n <= 0)
        return 0;
    if (!(*val = calloc((size_t)n, 1))) {
        test_no_memory();
        return -1;
    }
    *len = (u_int)n;
    return 0;
}

int tds_domain_get_vcpus(struct drv_conn *c, const remote_domain_get_vcpus_args *args,
                         remote_domain_get_vcpus_ret *ret)
{
    if (args->maxinfo < 0 || args->maxinfo > REMOTE_VCPUINFO_MAX) {
        error_report(ERR_INTERNAL_ERROR, FROM_REMOTE, "maxinfo > REMOTE_VCPUINFO_MAX");
        return -1;
    }
    if (args->maplen < 0 || (long long)args->maxinfo * args->maplen > REMOTE_CPUMAPS_MAX) {
        error_report(ERR_INTERNAL_ERROR, FROM_REMOTE, "maxinfo * maplen > REMOTE_CPUMAPS_MAX");
        return -1;
    }
    struct tdom *d = test_dom_get(c, &args->dom);
    if (!d)
        return -1;
    if (!test_dom_active(d)) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST,
                     "cannot list vcpus for an inactive domain");
        return -1;
    }
    const struct dx_def *def = d->def;
    struct cpu_tune t;
    if (cpu_tune_load(def, &t) < 0)
        return -1;
    int n = args->maxinfo;
    if (n > (int)def->vcpus)
        n = (int)def->vcpus;
    int r = -1;
    uint64_t base = statbase(NULL);
    if (cpumaps_alloc(&ret->cpumaps.cpumaps_len, &ret->cpumaps.cpumaps_val,
                      (long long)args->maxinfo * args->maplen) < 0)
        goto out;
    if (n > 0 && !(ret->info.info_val = calloc((size_t)n, sizeof(remote_vcpu_info)))) {
        test_no_memory();
        goto out;
    }
    for (int i = 0; i < n; i++) {
        struct cpuset s;
        if (vcpu_cpus(def, &t, (unsigned int)i, tdrv_host_cpus(c), &s) < 0)
            goto out;
        if (args->maplen > 0)
            cpuset_to_map(&s, (unsigned char *)ret->cpumaps.cpumaps_val + i * args->maplen,
                          (size_t)args->maplen);
        remote_vcpu_info *v = &ret->info.info_val[i];
        v->number = (unsigned int)i;
        v->state = 1; /* VIR_VCPU_RUNNING */
        v->cpu = cpuset_last(&s);
        v->cpu_time = base / 10;
        cpuset_free(&s);
        ret->info.info_len = (u_int)i + 1;
    }
    r = 0;
out:
    cpu_tune_free(&t);
    return r;
}

int tds_domain_get_vcpu_pin_info(struct drv_conn *c,
                                 const remote_domain_get_vcpu_pin_info_args *args,
                                 remote_domain_get_vcpu_pin_info_ret *ret)
{
    if (args->ncpumaps < 0 || args->ncpumaps > REMOTE_VCPUINFO_MAX) {
        error_report(ERR_INTERNAL_ERROR, FROM_REMOTE, "ncpumaps > REMOTE_VCPUINFO_MAX");
        return -1;
    }
    if (args->maplen < 0 || (long long)args->ncpumaps * args->maplen > REMOTE_CPUMAPS_MAX) {
        error_report(ERR_INTERNAL_ERROR, FROM_REMOTE, "maxinfo * maplen > REMOTE_CPUMAPS_MAX");
        return -1;
    }
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainGetVcpuPinInfo") <
        0)
        return -1;
    const struct dx_def *def = dom_one_def(c, &args->dom, args->flags);
    struct cpu_tune t;
    if (!def || cpu_tune_load(def, &t) < 0)
        return -1;
    int r = -1, n = 0;
    if (cpumaps_alloc(&ret->cpumaps.cpumaps_len, &ret->cpumaps.cpumaps_val,
                      (long long)args->ncpumaps * args->maplen) < 0)
        goto out;
    for (; n < (int)def->vcpus_max && n < args->ncpumaps; n++) {
        struct cpuset s;
        if (vcpu_cpus(def, &t, (unsigned int)n, tdrv_host_cpus(c), &s) < 0)
            goto out;
        if (args->maplen > 0)
            cpuset_to_map(&s, (unsigned char *)ret->cpumaps.cpumaps_val + n * args->maplen,
                          (size_t)args->maplen);
        cpuset_free(&s);
    }
    ret->num = n;
    r = 0;
out:
    cpu_tune_free(&t);
    return r;
}

static int map_to_text(const char *map, u_int len, char **out)
{
    struct cpuset s;
    if (cpuset_from_map(&s, (const unsigned char *)map, len) < 0)
        return -1;
    *out = cpuset_format(&s);
    int empty = cpuset_empty(&s);
    cpuset_free(&s);
    return *out ? empty : -1;
}

static int pin_vcpu_locked(struct drv_conn *c, const remote_nonnull_domain *dom,
                           unsigned int vcpu, const char *map, u_int maplen, int flags)
{
    struct tdom *d = test_dom_get(c, dom);
    struct dx_def *def;
    if (!d)
        return -1;
    if (flags < 0) {
        /* virDomainPinVcpu: the running domain only */
        if (!test_dom_active(d)) {
            error_report(ERR_OPERATION_INVALID, FROM_TEST,
                         "cannot pin vcpus on an inactive domain");
            return -1;
        }
        def = d->def;
    } else if (!(def = one_def(d, (unsigned int)flags))) {
        return -1;
    }
    if (vcpu >= def->vcpus) {
        error_report(ERR_INVALID_ARG, FROM_TEST,
                     "requested vcpu '%u' is not present in the domain", vcpu);
        return -1;
    }
    struct cpu_tune t;
    char *text = NULL;
    if (cpu_tune_load(def, &t) < 0)
        return -1;
    int r = -1;
    char **slot;
    if (map_to_text(map, maplen, &text) < 0 || !(slot = pin_slot(&t, vcpu)))
        goto out;
    free(*slot);
    *slot = text;
    text = NULL;
    r = cpu_tune_store(def, &t);
out:
    free(text);
    cpu_tune_free(&t);
    return r;
}

int tds_domain_pin_vcpu(struct drv_conn *c, const remote_domain_pin_vcpu_args *args)
{
    if (test_wr_begin(c, "testDomainPinVcpu") < 0)
        return -1;
    return test_wr_end(c, pin_vcpu_locked(c, &args->dom, args->vcpu, args->cpumap.cpumap_val,
                                          args->cpumap.cpumap_len, -1));
}

int tds_domain_pin_vcpu_flags(struct drv_conn *c, const remote_domain_pin_vcpu_flags_args *args)
{
    if (test_check_flags(args->flags, 0, "testDomainPinVcpuFlags") < 0)
        return -1;
    if (test_wr_begin(c, "testDomainPinVcpuFlags") < 0)
        return -1;
    return test_wr_end(c, pin_vcpu_locked(c, &args->dom, args->vcpu, args->cpumap.cpumap_val,
                                          args->cpumap.cpumap_len, (int)args->flags));
}

static int pin_emulator_locked(struct drv_conn *c, const remote_domain_pin_emulator_args *args)
{
    struct dx_def *def = dom_one_def(c, &args->dom, args->flags);
    struct cpu_tune t;
    char *text = NULL;
    if (!def)
        return -1;
    int empty = map_to_text(args->cpumap.cpumap_val, args->cpumap.cpumap_len, &text);
    if (empty < 0)
        return -1;
    if (empty) {
        free(text);
        error_report(ERR_INVALID_ARG, FROM_TEST, "Empty cpu list for pinning");
        return -1;
    }
    if (cpu_tune_load(def, &t) < 0) {
        free(text);
        return -1;
    }
    free(t.emulatorpin);
    t.emulatorpin = text;
    int r = cpu_tune_store(def, &t);
    cpu_tune_free(&t);
    return r;
}

int tds_domain_pin_emulator(struct drv_conn *c, const remote_domain_pin_emulator_args *args)
{
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainPinEmulator") < 0)
        return -1;
    if (test_wr_begin(c, "testDomainPinEmulator") < 0)
        return -1;
    return test_wr_end(c, pin_emulator_locked(c, args));
}

int tds_domain_get_emulator_pin_info(struct drv_conn *c,
                                     const remote_domain_get_emulator_pin_info_args *args,
                                     remote_domain_get_emulator_pin_info_ret *ret)
{
    if (args->maplen < 0 || args->maplen > REMOTE_CPUMAP_MAX) {
        error_report(ERR_INTERNAL_ERROR, FROM_REMOTE, "maplen > REMOTE_CPUMAP_MAX");
        return -1;
    }
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG,
                         "testDomainGetEmulatorPinInfo") < 0)
        return -1;
    const struct dx_def *def = dom_one_def(c, &args->dom, args->flags);
    struct cpu_tune t;
    struct cpuset s = {0};
    if (!def || cpu_tune_load(def, &t) < 0)
        return -1;
    int r = -1;
    if (t.emulatorpin) {
        if (cpuset_parse(&s, t.emulatorpin, CPUMASK_LEN) < 0)
            goto out;
    } else if (def->cpuset) {
        if (cpuset_parse(&s, def->cpuset, CPUMASK_LEN) < 0)
            goto out;
    } else if (cpuset_new(&s, (size_t)tdrv_host_cpus(c), 1) < 0) {
        goto out;
    }
    if (cpumaps_alloc(&ret->cpumaps.cpumaps_len, &ret->cpumaps.cpumaps_val, args->maplen) < 0)
        goto out;
    if (args->maplen > 0)
        cpuset_to_map(&s, (unsigned char *)ret->cpumaps.cpumaps_val, (size_t)args->maplen);
    ret->ret = 1;
    r = 0;
out:
    cpuset_free(&s);
    cpu_tune_free(&t);
    return r;
}

/* ---- IOThreads ---- */

int tds_domain_get_iothread_info(struct drv_conn *c,
                                 const remote_domain_get_iothread_info_args *args,
                                 remote_domain_get_iothread_info_ret *ret)
{
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG,
                         "testDomainGetIOThreadInfo") < 0)
        return -1;
    const struct dx_def *def = dom_one_def(c, &args->dom, args->flags);
    struct cpu_tune t;
    if (!def || cpu_tune_load(def, &t) < 0)
        return -1;
    int r = -1;
    if (t.nio && !(ret->info.info_val = calloc(t.nio, sizeof(remote_domain_iothread_info)))) {
        test_no_memory();
        goto out;
    }
    for (size_t i = 0; i < t.nio; i++) {
        struct cpuset s;
        /* Unpinned, an IOThread may run where the domain's vCPUs may:
         * <vcpu cpuset=>, else as many CPUs as it has vCPUs. */
        if (t.io[i].cpuset ? cpuset_parse(&s, t.io[i].cpuset, CPUMASK_LEN)
            : def->cpuset  ? cpuset_parse(&s, def->cpuset, CPUMASK_LEN)
                           : cpuset_new(&s, def->vcpus_max, 1))
            goto out;
        int last = cpuset_last(&s);
        size_t maplen = last < 0 ? 1 : (size_t)last / 8 + 1;
        remote_domain_iothread_info *v = &ret->info.info_val[i];
        v->iothread_id = t.io[i].id;
        if (!(v->cpumap.cpumap_val = malloc(maplen))) {
            cpuset_free(&s);
            test_no_memory();
            goto out;
        }
        v->cpumap.cpumap_len = (u_int)maplen;
        cpuset_to_map(&s, (unsigned char *)v->cpumap.cpumap_val, maplen);
        cpuset_free(&s);
        ret->info.info_len = (u_int)i + 1;
    }
    ret->ret = (unsigned int)t.nio;
    r = 0;
out:
    cpu_tune_free(&t);
    return r;
}

/* The poll parameters of the IOThreads added to a domain (struct tdom's
 * extra, one "ID MAX-NS GROW SHRINK" line each, in the order they were
 * added): libvirt's test driver keeps them beside the domain, not in its
 * definition, from the add until the IOThread is deleted, whatever the
 * domain's state (a restart keeps them). */
#define POLL_MAX_NS_DEFAULT 32768

struct poll_entry {
    unsigned int id, grow, shrink;
    uint64_t max_ns;
};

struct poll_list {
    struct poll_entry *v;
    size_t n;
};

static int poll_load(const struct tdom *d, struct poll_list *l)
{
    memset(l, 0, sizeof(*l));
    for (const char *p = d->extra; p && *p;) {
        struct poll_entry e;
        int used = 0;
        if (sscanf(p, "%u %" SCNu64 " %u %u\n%n", &e.id, &e.max_ns, &e.grow, &e.shrink,
                   &used) != 4 ||
            used <= 0)
            break;
        p += used;
        struct poll_entry *v = realloc(l->v, (l->n + 1) * sizeof(*v));
        if (!v) {
            free(l->v);
            test_no_memory();
            return -1;
        }
        l->v = v;
        l->v[l->n++] = e;
    }
    return 0;
}

static int poll_store(struct tdom *d, struct poll_list *l)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        free(l->v);
        test_no_memory();
        return -1;
    }
    for (size_t i = 0; i < l->n; i++)
        fprintf(f, "%u %" PRIu64 " %u %u\n", l->v[i].id, l->v[i].max_ns, l->v[i].grow,
                l->v[i].shrink);
    free(l->v);
    if (fclose(f) != 0) {
        free(buf);
        test_no_memory();
        return -1;
    }
    free(d->extra);
    d->extra = size ? buf : NULL;
    if (!size)
        free(buf);
    return 0;
}

static struct poll_entry *poll_find(struct poll_list *l, unsigned int id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].id == id)
            return &l->v[i];
    return NULL;
}

/* Adds (add) or removes an IOThread's poll parameters. */
static int poll_update(struct tdom *d, unsigned int id, int add)
{
    struct poll_list l;
    if (poll_load(d, &l) < 0)
        return -1;
    struct poll_entry *e = poll_find(&l, id);
    if (add && !e) {
        struct poll_entry *v = realloc(l.v, (l.n + 1) * sizeof(*v));
        if (!v) {
            free(l.v);
            test_no_memory();
            return -1;
        }
        l.v = v;
        l.v[l.n++] = (struct poll_entry){id, 0, 0, POLL_MAX_NS_DEFAULT};
    } else if (!add && e) {
        size_t k = (size_t)(e - l.v);
        memmove(e, e + 1, (l.n - k - 1) * sizeof(*e));
        l.n--;
    }
    return poll_store(d, &l);
}

int tds_stats_iothread(const struct tdom *d, remote_typed_param **params, u_int *n)
{
    struct poll_list l;
    struct tplist t = {*params, *n, *n};
    char name[64];
    int r = 0;

    if (poll_load(d, &l) < 0)
        return -1;
    if (l.n) {
        r = tp_uint(&t, "iothread.count", (unsigned int)l.n);
        for (size_t i = 0; i < l.n && !r; i++) {
            snprintf(name, sizeof(name), "iothread.%u.poll-max-ns", l.v[i].id);
            r = tp_ullong(&t, name, l.v[i].max_ns);
            snprintf(name, sizeof(name), "iothread.%u.poll-grow", l.v[i].id);
            r = r ? r : tp_uint(&t, name, l.v[i].grow);
            snprintf(name, sizeof(name), "iothread.%u.poll-shrink", l.v[i].id);
            r = r ? r : tp_uint(&t, name, l.v[i].shrink);
        }
    }
    free(l.v);
    *params = t.v;
    *n = t.n;
    return r;
}

static int add_iothread_locked(struct drv_conn *c, const remote_domain_add_iothread_args *args)
{
    struct tdom *d = test_dom_get(c, &args->dom);
    struct dx_def *live, *config;
    if (!d || test_dom_defs(d, args->flags, &live, &config) < 0)
        return -1;
    struct dx_def *defs[2] = {live, config};
    for (int i = 0; i < 2; i++) {
        struct cpu_tune t;
        if (!defs[i])
            continue;
        if (cpu_tune_load(defs[i], &t) < 0)
            return -1;
        if (io_find(&t, args->iothread_id)) {
            cpu_tune_free(&t);
            error_report(ERR_INVALID_ARG, FROM_TEST,
                         "an IOThread is already using iothread_id '%u'", args->iothread_id);
            return -1;
        }
        int r = io_add(&t, args->iothread_id, 0) ? cpu_tune_store(defs[i], &t) : -1;
        cpu_tune_free(&t);
        if (r < 0)
            return -1;
    }
    return poll_update(d, args->iothread_id, 1);
}

int tds_domain_add_iothread(struct drv_conn *c, const remote_domain_add_iothread_args *args)
{
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainAddIOThread") < 0)
        return -1;
    if (args->iothread_id == 0) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "invalid value of 0 for iothread_id");
        return -1;
    }
    if (test_wr_begin(c, "testDomainAddIOThread") < 0)
        return -1;
    return test_wr_end(c, add_iothread_locked(c, args));
}

static int del_iothread_locked(struct drv_conn *c, const remote_domain_del_iothread_args *args)
{
    struct tdom *d = test_dom_get(c, &args->dom);
    struct dx_def *live, *config;
    if (!d || test_dom_defs(d, args->flags, &live, &config) < 0)
        return -1;
    struct dx_def *defs[2] = {live, config};
    for (int i = 0; i < 2; i++) {
        struct cpu_tune t;
        if (!defs[i])
            continue;
        if (cpu_tune_load(defs[i], &t) < 0)
            return -1;
        struct iothread *io = io_find(&t, args->iothread_id);
        if (!io) {
            cpu_tune_free(&t);
            error_report(ERR_INVALID_ARG, FROM_DOMAIN,
                         "cannot find IOThread '%u' in iothreadids list", args->iothread_id);
            return -1;
        }
        free(io->cpuset);
        size_t k = (size_t)(io - t.io);
        memmove(io, io + 1, (t.nio - k - 1) * sizeof(*io));
        t.nio--;
        /* The remaining ones are all written out from now on. */
        for (size_t j = 0; j < t.nio; j++)
            t.io[j].autofill = 0;
        int r = cpu_tune_store(defs[i], &t);
        cpu_tune_free(&t);
        if (r < 0)
            return -1;
    }
    return poll_update(d, args->iothread_id, 0);
}

int tds_domain_del_iothread(struct drv_conn *c, const remote_domain_del_iothread_args *args)
{
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainDelIOThread") < 0)
        return -1;
    if (args->iothread_id == 0) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "invalid value of 0 for iothread_id");
        return -1;
    }
    if (test_wr_begin(c, "testDomainDelIOThread") < 0)
        return -1;
    return test_wr_end(c, del_iothread_locked(c, args));
}

static int pin_iothread_locked(struct drv_conn *c, const remote_domain_pin_iothread_args *args)
{
    struct dx_def *def = dom_one_def(c, &args->dom, args->flags);
    struct cpu_tune t;
    char *text = NULL;
    if (!def || cpu_tune_load(def, &t) < 0)
        return -1;
    int r = -1;
    struct iothread *io = io_find(&t, args->iothreads_id);
    if (!io) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "iothreadid %u not found", args->iothreads_id);
        goto out;
    }
    int empty = map_to_text(args->cpumap.cpumap_val, args->cpumap.cpumap_len, &text);
    if (empty < 0)
        goto out;
    if (empty) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "Empty iothread cpumap list for pinning");
        goto out;
    }
    free(io->cpuset);
    io->cpuset = text;
    text = NULL;
    r = cpu_tune_store(def, &t);
out:
    free(text);
    cpu_tune_free(&t);
    return r;
}

int tds_domain_pin_iothread(struct drv_conn *c, const remote_domain_pin_iothread_args *args)
{
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainPinIOThread") < 0)
        return -1;
    if (test_wr_begin(c, "testDomainPinIOThread") < 0)
        return -1;
    return test_wr_end(c, pin_iothread_locked(c, args));
}

static int set_iothread_params_locked(struct drv_conn *c,
                                      const remote_domain_set_iothread_params_args *args)
{
    struct tdom *d = test_dom_get(c, &args->dom);
    const struct dx_def *def = d ? one_def(d, args->flags) : NULL;
    struct cpu_tune t;
    if (!def || cpu_tune_load(def, &t) < 0)
        return -1;
    int found = io_find(&t, args->iothread_id) != NULL;
    cpu_tune_free(&t);
    if (!found) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "cannot find IOThread '%u' in iothreadids",
                     args->iothread_id);
        return -1;
    }
    struct poll_list l;
    if (poll_load(d, &l) < 0)
        return -1;
    struct poll_entry *e = poll_find(&l, args->iothread_id);
    if (!e) {
        /* libvirt 9.0's test driver fails here without saying why (it
         * sets no error): libvirt's generic message is what clients see. */
        free(l.v);
        error_set_message(ERR_INTERNAL_ERROR, FROM_NONE,
                          "An error occurred, but the cause is unknown");
        return -1;
    }
    const remote_typed_param *p = args->params.params_val;
    for (u_int i = 0; i < args->params.params_len; i++) {
        const remote_typed_param_value *v = &p[i].value;
        if (strcmp(p[i].field, "poll_max_ns") == 0)
            e->max_ns = v->remote_typed_param_value_u.ul;
        else if (strcmp(p[i].field, "poll_grow") == 0)
            e->grow = v->remote_typed_param_value_u.ui;
        else if (strcmp(p[i].field, "poll_shrink") == 0)
            e->shrink = v->remote_typed_param_value_u.ui;
    }
    return poll_store(d, &l);
}

int tds_domain_set_iothread_params(struct drv_conn *c,
                                   const remote_domain_set_iothread_params_args *args)
{
    static const char *const names[] = {"poll_max_ns",     "poll_grow",       "poll_shrink",
                                        "thread_pool_min", "thread_pool_max", NULL};
    static const int types[] = {VIR_TYPED_PARAM_ULLONG, VIR_TYPED_PARAM_UINT,
                                VIR_TYPED_PARAM_UINT, VIR_TYPED_PARAM_INT, VIR_TYPED_PARAM_INT};
    if (test_check_flags(args->flags, AFFECT_LIVE, "testDomainSetIOThreadParams") < 0 ||
        tp_validate(args->params.params_val, args->params.params_len, names, types) < 0)
        return -1;
    if (test_wr_begin(c, "testDomainSetIOThreadParams") < 0)
        return -1;
    return test_wr_end(c, set_iothread_params_locked(c, args));
}

/* ---- block and interface statistics ---- */

/* libvirt's virDomainDiskIndexByName: a target name, or a source path. */
static const struct dx_disk *disk_by_name(const struct dx_def *def, const char *name)
{
    for (size_t i = 0; i < def->ndisks; i++)
        if (def->disks[i].dst && strcmp(def->disks[i].dst, name) == 0)
            return &def->disks[i];
    for (size_t i = 0; i < def->ndisks; i++)
        if (def->disks[i].src && strcmp(def->disks[i].src, name) == 0)
            return &def->disks[i];
    return NULL;
}

int tds_domain_block_stats(struct drv_conn *c, const remote_domain_block_stats_args *args,
                           remote_domain_block_stats_ret *ret)
{
    struct tdom *d = test_dom_get(c, &args->dom);
    if (!d || check_active(d) < 0)
        return -1;
    if (!*args->path) {
        error_report(ERR_OPERATION_UNSUPPORTED, FROM_TEST,
                     "summary statistics are not supported yet");
        return -1;
    }
    if (!disk_by_name(d->def, args->path)) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "invalid path: %s", args->path);
        return -1;
    }
    uint64_t secs, base = statbase(&secs);
    ret->rd_req = (int64_t)(base / 10);
    ret->rd_bytes = (int64_t)(base / 20);
    ret->wr_req = (int64_t)(base / 30);
    ret->wr_bytes = (int64_t)(base / 40);
    ret->errs = (int64_t)(secs / 2);
    return 0;
}

static int parse_mac(const char *s, unsigned char mac[6])
{
    unsigned int v[6];
    char end;
    if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &end) != 6)
        return -1;
    for (int i = 0; i < 6; i++) {
        if (v[i] > 255)
            return -1;
        mac[i] = (unsigned char)v[i];
    }
    return 0;
}

int tds_domain_interface_stats(struct drv_conn *c,
                               const remote_domain_interface_stats_args *args,
                               remote_domain_interface_stats_ret *ret)
{
    struct tdom *d = test_dom_get(c, &args->dom);
    if (!d || check_active(d) < 0)
        return -1;
    const struct dx_def *def = d->def;
    unsigned char mac[6];
    int by_mac = parse_mac(args->device, mac) == 0, found = 0;
    for (size_t i = 0; i < def->nnets && !found; i++)
        found = by_mac ? memcmp(def->nets[i].mac, mac, 6) == 0
                       : def->nets[i].ifname && strcmp(def->nets[i].ifname, args->device) == 0;
    if (!found) {
        error_report(ERR_INVALID_ARG, FROM_DOMAIN, "'%s' is not a known interface",
                     args->device);
        return -1;
    }
    uint64_t secs, base = statbase(&secs);
    ret->rx_bytes = (int64_t)(base / 10);
    ret->rx_packets = (int64_t)(base / 100);
    ret->rx_errs = (int64_t)secs;
    ret->rx_drop = (int64_t)(secs / 2);
    ret->tx_bytes = (int64_t)(base / 20);
    ret->tx_packets = (int64_t)(base / 110);
    ret->tx_errs = (int64_t)(secs / 3);
    ret->tx_drop = (int64_t)(secs / 4);
    return 0;
}

/* The test driver's disks: 1 TiB, 5 MiB of it not usable. */
#define BLOCK_PHYSICAL 1099511627776ULL
#define BLOCK_CAPACITY 1099506450432ULL

int tds_domain_get_block_info(struct drv_conn *c, const remote_domain_get_block_info_args *args,
                              remote_domain_get_block_info_ret *ret)
{
    if (test_check_flags(args->flags, 0, "testDomainGetBlockInfo") < 0)
        return -1;
    struct tdom *d = test_dom_get(c, &args->dom);
    if (!d)
        return -1;
    const struct dx_disk *disk = disk_by_name(d->def, args->path);
    if (!disk) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "invalid path %s not assigned to domain",
                     args->path);
        return -1;
    }
    if (!disk->src) {
        error_report(ERR_INVALID_ARG, FROM_TEST,
                     "disk '%s' does not currently have a source assigned", args->path);
        return -1;
    }
    ret->capacity = BLOCK_CAPACITY;
    ret->allocation = BLOCK_PHYSICAL;
    ret->physical = BLOCK_PHYSICAL;
    return 0;
}

int tds_domain_get_disk_errors(struct drv_conn *c,
                               const remote_domain_get_disk_errors_args *args,
                               remote_domain_get_disk_errors_ret *ret)
{
    if (args->maxerrors > REMOTE_DOMAIN_DISK_ERRORS_MAX) {
        error_report(ERR_INTERNAL_ERROR, FROM_REMOTE, "maxerrors too large");
        return -1;
    }
    if (test_check_flags(args->flags, 0, "testDomainGetDiskErrors") < 0)
        return -1;
    struct tdom *d = test_dom_get(c, &args->dom);
    if (!d || check_active(d) < 0)
        return -1;
    const struct dx_def *def = d->def;
    if (!args->maxerrors) {
        ret->nerrors = (int)def->ndisks;
        return 0;
    }
    size_t n = def->ndisks < args->maxerrors ? def->ndisks : args->maxerrors;
    if (n && !(ret->errors.errors_val = calloc(n, sizeof(remote_domain_disk_error)))) {
        test_no_memory();
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        remote_domain_disk_error *e = &ret->errors.errors_val[i];
        if (!(e->disk = strdup(def->disks[i].dst))) {
            test_no_memory();
            return -1;
        }
        /* the error kinds in turn: unspecified, no space */
        e->error = (int)(i % 2) + 1;
        ret->errors.errors_len = (u_int)i + 1;
    }
    ret->nerrors = (int)n;
    return 0;
}

/* ---- the scheduler: a fair one with a fixed weight ---- */

#define SCHED_WEIGHT 50

int tds_domain_get_scheduler_type(struct drv_conn *c,
                                  const remote_domain_get_scheduler_type_args *args,
                                  remote_domain_get_scheduler_type_ret *ret)
{
    if (!test_dom_get(c, &args->dom))
        return -1;
    ret->nparams = 1;
    if (!(ret->type = strdup("fair"))) {
        test_no_memory();
        return -1;
    }
    return 0;
}

static int sched_get(struct drv_conn *c, const remote_nonnull_domain *dom, int nparams,
                     unsigned int flags, u_int *len, remote_typed_param **val)
{
    struct tplist l = {0};
    if (test_check_flags(flags, 0, "testDomainGetSchedulerParametersFlags") < 0)
        return -1;
    if (nparams > REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX) {
        error_report(ERR_INTERNAL_ERROR, FROM_REMOTE, "nparams too large");
        return -1;
    }
    if (!test_dom_get(c, dom))
        return -1;
    if (tp_uint(&l, "weight", SCHED_WEIGHT) < 0) {
        tp_clear(&l);
        return -1;
    }
    tp_give(&l, nparams > 0 ? (u_int)nparams : 1, len, val);
    return 0;
}

int tds_domain_get_scheduler_parameters(struct drv_conn *c,
                                        const remote_domain_get_scheduler_parameters_args *args,
                                        remote_domain_get_scheduler_parameters_ret *ret)
{
    return sched_get(c, &args->dom, args->nparams, 0, &ret->params.params_len,
                     &ret->params.params_val);
}

int tds_domain_get_scheduler_parameters_flags(
    struct drv_conn *c, const remote_domain_get_scheduler_parameters_flags_args *args,
    remote_domain_get_scheduler_parameters_flags_ret *ret)
{
    return sched_get(c, &args->dom, args->nparams, args->flags, &ret->params.params_len,
                     &ret->params.params_val);
}

/* The weight is checked and dropped, as libvirt's test driver does. */
static int sched_set(struct drv_conn *c, const remote_nonnull_domain *dom,
                     const remote_typed_param *p, u_int n, unsigned int flags)
{
    static const char *const names[] = {"weight", NULL};
    static const int types[] = {VIR_TYPED_PARAM_UINT};
    if (test_check_flags(flags, 0, "testDomainSetSchedulerParametersFlags") < 0 ||
        tp_validate(p, n, names, types) < 0)
        return -1;
    return test_dom_get(c, dom) ? 0 : -1;
}

int tds_domain_set_scheduler_parameters(struct drv_conn *c,
                                        const remote_domain_set_scheduler_parameters_args *args)
{
    return sched_set(c, &args->dom, args->params.params_val, args->params.params_len, 0);
}

int tds_domain_set_scheduler_parameters_flags(
    struct drv_conn *c, const remote_domain_set_scheduler_parameters_flags_args *args)
{
    return sched_set(c, &args->dom, args->params.params_val, args->params.params_len,
                     args->flags);
}

/* ---- memory, blkio, NUMA, perf: typed parameters over the XML ---- */

/* A Get*Parameters reply: nparams 0 asks how many there are. */
static int tp_reply(struct tplist *l, int nparams, int max, u_int *len,
                    remote_typed_param **val, int *count)
{
    if (nparams == 0) {
        *count = (int)l->n;
        tp_clear(l);
        return 0;
    }
    (void)max;
    tp_give(l, (u_int)nparams, len, val);
    *count = (int)*len;
    return 0;
}

/* Get*Parameters with nparams 0 asks only how many there are: libvirt's
 * test driver answers before it looks at the definition flags name. */
static int dom_count(struct drv_conn *c, const remote_nonnull_domain *dom, int count, int *out)
{
    if (!test_dom_get(c, dom))
        return -1;
    *out = count;
    return 0;
}

static int nparams_check(int nparams, int max)
{
    if (nparams < 0 || nparams > max) {
        error_report(ERR_INTERNAL_ERROR, FROM_REMOTE, "nparams too large");
        return -1;
    }
    return 0;
}

int tds_domain_get_memory_parameters(struct drv_conn *c,
                                     const remote_domain_get_memory_parameters_args *args,
                                     remote_domain_get_memory_parameters_ret *ret)
{
    struct tplist l = {0};
    struct memtune m;
    if (nparams_check(args->nparams, REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX) < 0 ||
        test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG | STRING_OKAY,
                         "testDomainGetMemoryParameters") < 0)
        return -1;
    if (args->nparams == 0)
        return dom_count(c, &args->dom, 3, &ret->nparams);
    const struct dx_def *def = dom_one_def(c, &args->dom, args->flags & ~STRING_OKAY);
    if (!def || memtune_load(def, &m) < 0)
        return -1;
    if (tp_ullong(&l, "hard_limit", m.hard) < 0 || tp_ullong(&l, "soft_limit", m.soft) < 0 ||
        tp_ullong(&l, "swap_hard_limit", m.swap) < 0) {
        tp_clear(&l);
        return -1;
    }
    return tp_reply(&l, args->nparams, REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX,
                    &ret->params.params_len, &ret->params.params_val, &ret->nparams);
}

static int set_memory_params_locked(struct drv_conn *c,
                                    const remote_domain_set_memory_parameters_args *args)
{
    struct dx_def *def = dom_one_def(c, &args->dom, args->flags);
    struct memtune m;
    if (!def || memtune_load(def, &m) < 0)
        return -1;
    const remote_typed_param *p = args->params.params_val;
    int set_hard = 0, set_soft = 0, set_swap = 0;
    uint64_t hard = 0, soft = 0, swap = 0;
    for (u_int i = 0; i < args->params.params_len; i++) {
        uint64_t v = p[i].value.remote_typed_param_value_u.ul;
        if (v > MEM_UNLIMITED)
            v = MEM_UNLIMITED;
        if (strcmp(p[i].field, "hard_limit") == 0) {
            set_hard = 1;
            hard = v;
        } else if (strcmp(p[i].field, "soft_limit") == 0) {
            set_soft = 1;
            soft = v;
        } else {
            set_swap = 1;
            swap = v;
        }
    }
    if (set_hard || set_swap) {
        uint64_t h = set_hard ? hard : m.hard, s = set_swap ? swap : m.swap;
        if (h > s) {
            error_report(ERR_INVALID_ARG, FROM_TEST,
                         "memory hard_limit tunable value must be lower than or equal to "
                         "swap_hard_limit");
            return -1;
        }
    }
    if (set_hard)
        m.hard = hard;
    if (set_soft)
        m.soft = soft;
    if (set_swap)
        m.swap = swap;
    return memtune_store(def, &m);
}

int tds_domain_set_memory_parameters(struct drv_conn *c,
                                     const remote_domain_set_memory_parameters_args *args)
{
    static const char *const names[] = {"hard_limit", "soft_limit", "swap_hard_limit", NULL};
    static const int types[] = {VIR_TYPED_PARAM_ULLONG, VIR_TYPED_PARAM_ULLONG,
                                VIR_TYPED_PARAM_ULLONG};
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG,
                         "testDomainSetMemoryParameters") < 0 ||
        tp_validate(args->params.params_val, args->params.params_len, names, types) < 0)
        return -1;
    if (test_wr_begin(c, "testDomainSetMemoryParameters") < 0)
        return -1;
    return test_wr_end(c, set_memory_params_locked(c, args));
}

static const char *const blkio_fields[] = {"device_weight", "device_read_iops_sec",
                                           "device_write_iops_sec", "device_read_bytes_sec",
                                           "device_write_bytes_sec"};

static uint64_t blkdev_value(const struct blkdev *d, int k)
{
    switch (k) {
    case 0:
        return d->weight;
    case 1:
        return d->riops;
    case 2:
        return d->wiops;
    case 3:
        return d->rbps;
    default:
        return d->wbps;
    }
}

int tds_domain_get_blkio_parameters(struct drv_conn *c,
                                    const remote_domain_get_blkio_parameters_args *args,
                                    remote_domain_get_blkio_parameters_ret *ret)
{
    struct tplist l = {0};
    struct blkiotune b;
    if (nparams_check(args->nparams, REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX) < 0 ||
        test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG | STRING_OKAY,
                         "testDomainGetBlkioParameters") < 0)
        return -1;
    if (args->nparams == 0)
        return dom_count(c, &args->dom, 6, &ret->nparams);
    const struct dx_def *def = dom_one_def(c, &args->dom, args->flags & ~STRING_OKAY);
    if (!def || blkiotune_load(def, &b) < 0)
        return -1;
    int r = tp_uint(&l, "weight", b.weight);
    for (int k = 0; k < 5 && r == 0; k++) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        int first = 1;
        if (!f) {
            test_no_memory();
            r = -1;
            break;
        }
        for (size_t i = 0; i < b.ndevs; i++) {
            uint64_t v = blkdev_value(&b.devs[i], k);
            if (!v)
                continue;
            fprintf(f, "%s%s,%" PRIu64, first ? "" : ",", b.devs[i].path, v);
            first = 0;
        }
        if (fclose(f) != 0) {
            free(buf);
            test_no_memory();
            r = -1;
            break;
        }
        r = tp_string(&l, blkio_fields[k], buf);
        free(buf);
    }
    blkiotune_free(&b);
    if (r < 0) {
        tp_clear(&l);
        return -1;
    }
    return tp_reply(&l, args->nparams, REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX,
                    &ret->params.params_len, &ret->params.params_val, &ret->nparams);
}

/* "PATH,VALUE,PATH,VALUE..." of one blkio field into b (libvirt's merge:
 * a device named again gets the new value). */
static int blkio_merge(struct blkiotune *b, const char *field, int k, const char *str)
{
    char *copy = strdup(str);
    size_t commas = 0;
    if (!copy) {
        test_no_memory();
        return -1;
    }
    for (const char *p = str; *p; p++)
        commas += *p == ',';
    if (!*str || commas % 2 == 0) {
        error_report(ERR_INVALID_ARG, FROM_DOMAIN, "unable to parse blkio device '%s' '%s'",
                     field, str);
        free(copy);
        return -1;
    }
    char *save = NULL;
    int r = 0;
    for (char *path = strtok_r(copy, ",", &save); path && !r;
         path = strtok_r(NULL, ",", &save)) {
        char *val = strtok_r(NULL, ",", &save), *end;
        if (!val) {
            error_report(ERR_INVALID_ARG, FROM_DOMAIN, "unable to parse blkio device '%s' '%s'",
                         field, str);
            r = -1;
            break;
        }
        errno = 0;
        unsigned long long v = strtoull(val, &end, 10);
        if (errno || *end || *val == '-' || (k < 3 && v > UINT32_MAX)) {
            error_report(ERR_INVALID_ARG, FROM_DOMAIN,
                         "invalid value '%s' for parameter '%s' of device '%s'", val, field,
                         path);
            r = -1;
            break;
        }
        struct blkdev *d = blkdev_find(b, path, 1);
        if (!d) {
            r = -1;
            break;
        }
        switch (k) {
        case 0:
            d->weight = (unsigned int)v;
            break;
        case 1:
            d->riops = (unsigned int)v;
            break;
        case 2:
            d->wiops = (unsigned int)v;
            break;
        case 3:
            d->rbps = v;
            break;
        default:
            d->wbps = v;
        }
    }
    free(copy);
    return r;
}

static int set_blkio_locked(struct drv_conn *c,
                            const remote_domain_set_blkio_parameters_args *args)
{
    struct dx_def *def = dom_one_def(c, &args->dom, args->flags);
    struct blkiotune b;
    if (!def || blkiotune_load(def, &b) < 0)
        return -1;
    int r = 0;
    const remote_typed_param *p = args->params.params_val;
    for (u_int i = 0; i < args->params.params_len && !r; i++) {
        if (strcmp(p[i].field, "weight") == 0) {
            b.weight = p[i].value.remote_typed_param_value_u.ui;
            continue;
        }
        for (int k = 0; k < 5; k++)
            if (strcmp(p[i].field, blkio_fields[k]) == 0)
                r = blkio_merge(&b, p[i].field, k, p[i].value.remote_typed_param_value_u.s);
    }
    if (!r)
        r = blkiotune_store(def, &b);
    blkiotune_free(&b);
    return r;
}

int tds_domain_set_blkio_parameters(struct drv_conn *c,
                                    const remote_domain_set_blkio_parameters_args *args)
{
    static const char *const names[] = {"weight",
                                        "device_weight",
                                        "device_read_iops_sec",
                                        "device_write_iops_sec",
                                        "device_read_bytes_sec",
                                        "device_write_bytes_sec",
                                        NULL};
    static const int types[] = {VIR_TYPED_PARAM_UINT,   VIR_TYPED_PARAM_STRING,
                                VIR_TYPED_PARAM_STRING, VIR_TYPED_PARAM_STRING,
                                VIR_TYPED_PARAM_STRING, VIR_TYPED_PARAM_STRING};
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG,
                         "testDomainSetBlkioParameters") < 0 ||
        tp_validate(args->params.params_val, args->params.params_len, names, types) < 0)
        return -1;
    if (test_wr_begin(c, "testDomainSetBlkioParameters") < 0)
        return -1;
    return test_wr_end(c, set_blkio_locked(c, args));
}

int tds_domain_get_numa_parameters(struct drv_conn *c,
                                   const remote_domain_get_numa_parameters_args *args,
                                   remote_domain_get_numa_parameters_ret *ret)
{
    struct tplist l = {0};
    struct numatune t;
    if (nparams_check(args->nparams, REMOTE_DOMAIN_NUMA_PARAMETERS_MAX) < 0 ||
        test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG | STRING_OKAY,
                         "testDomainGetNumaParameters") < 0)
        return -1;
    if (args->nparams == 0)
        return dom_count(c, &args->dom, 2, &ret->nparams);
    const struct dx_def *def = dom_one_def(c, &args->dom, args->flags & ~STRING_OKAY);
    if (!def || numatune_load(def, &t) < 0)
        return -1;
    int r = tp_int(&l, "numa_mode", t.mode) < 0 ||
                    tp_string(&l, "numa_nodeset", t.nodeset ? t.nodeset : "") < 0
                ? -1
                : 0;
    numatune_free(&t);
    if (r < 0) {
        tp_clear(&l);
        return -1;
    }
    return tp_reply(&l, args->nparams, REMOTE_DOMAIN_NUMA_PARAMETERS_MAX,
                    &ret->params.params_len, &ret->params.params_val, &ret->nparams);
}

static int set_numa_locked(struct drv_conn *c,
                           const remote_domain_set_numa_parameters_args *args)
{
    struct tdom *d = test_dom_get(c, &args->dom);
    struct dx_def *def = d ? one_def(d, args->flags) : NULL;
    struct numatune t;
    int mode = -1;
    char *nodeset = NULL;
    const remote_typed_param *p = args->params.params_val;

    if (!def)
        return -1;
    for (u_int i = 0; i < args->params.params_len; i++) {
        if (strcmp(p[i].field, "numa_mode") == 0) {
            mode = p[i].value.remote_typed_param_value_u.i;
            if (mode < 0 || mode >= NUMA_MODES) {
                error_report(ERR_INVALID_ARG, FROM_TEST, "unsupported numatune mode: '%d'",
                             mode);
                free(nodeset);
                return -1;
            }
        } else {
            struct cpuset s;
            if (cpuset_parse(&s, p[i].value.remote_typed_param_value_u.s, CPUMASK_LEN) < 0) {
                free(nodeset);
                return -1;
            }
            free(nodeset);
            nodeset = cpuset_format(&s);
            cpuset_free(&s);
            if (!nodeset)
                return -1;
        }
    }
    if (numatune_load(def, &t) < 0) {
        free(nodeset);
        return -1;
    }
    int r = -1;
    if (mode >= 0 && def == d->def && test_dom_active(d) && t.has_memory && mode != t.mode) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST,
                     "can't change numatune mode for running domain");
        goto out;
    }
    if (mode >= 0 && !nodeset && !t.nodeset) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_DOMAIN,
                     "nodeset for NUMA memory tuning must be set if 'placement' is 'static'");
        goto out;
    }
    if (mode >= 0 || nodeset)
        t.has_memory = 1;
    if (mode >= 0)
        t.mode = mode;
    if (nodeset) {
        free(t.nodeset);
        t.nodeset = nodeset;
        nodeset = NULL;
        free(t.placement);
        t.placement = NULL;
    }
    r = numatune_store(def, &t);
out:
    free(nodeset);
    numatune_free(&t);
    return r;
}

int tds_domain_set_numa_parameters(struct drv_conn *c,
                                   const remote_domain_set_numa_parameters_args *args)
{
    static const char *const names[] = {"numa_mode", "numa_nodeset", NULL};
    static const int types[] = {VIR_TYPED_PARAM_INT, VIR_TYPED_PARAM_STRING};
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG,
                         "testDomainSetNumaParameters") < 0 ||
        tp_validate(args->params.params_val, args->params.params_len, names, types) < 0)
        return -1;
    if (test_wr_begin(c, "testDomainSetNumaParameters") < 0)
        return -1;
    return test_wr_end(c, set_numa_locked(c, args));
}

int tds_domain_get_perf_events(struct drv_conn *c,
                               const remote_domain_get_perf_events_args *args,
                               remote_domain_get_perf_events_ret *ret)
{
    struct tplist l = {0};
    int state[NPERF];
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG | STRING_OKAY,
                         "testDomainGetPerfEvents") < 0)
        return -1;
    const struct dx_def *def = dom_one_def(c, &args->dom, args->flags & ~STRING_OKAY);
    if (!def || perf_load(def, state) < 0)
        return -1;
    for (size_t i = 0; i < NPERF; i++)
        if (tp_bool(&l, perf_events[i], state[i] == 1) < 0) {
            tp_clear(&l);
            return -1;
        }
    tp_give(&l, 0, &ret->params.params_len, &ret->params.params_val);
    return 0;
}

static int set_perf_locked(struct drv_conn *c, const remote_domain_set_perf_events_args *args)
{
    struct dx_def *def = dom_one_def(c, &args->dom, args->flags);
    int state[NPERF];
    if (!def || perf_load(def, state) < 0)
        return -1;
    const remote_typed_param *p = args->params.params_val;
    for (u_int i = 0; i < args->params.params_len; i++)
        for (size_t k = 0; k < NPERF; k++)
            if (strcmp(p[i].field, perf_events[k]) == 0)
                state[k] = p[i].value.remote_typed_param_value_u.b ? 1 : 2;
    return perf_store(def, state);
}

int tds_domain_set_perf_events(struct drv_conn *c,
                               const remote_domain_set_perf_events_args *args)
{
    const char *names[NPERF + 1];
    int types[NPERF];
    for (size_t i = 0; i < NPERF; i++) {
        names[i] = perf_events[i];
        types[i] = VIR_TYPED_PARAM_BOOLEAN;
    }
    names[NPERF] = NULL;
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainSetPerfEvents") <
            0 ||
        tp_validate(args->params.params_val, args->params.params_len, names, types) < 0)
        return -1;
    if (test_wr_begin(c, "testDomainSetPerfEvents") < 0)
        return -1;
    return test_wr_end(c, set_perf_locked(c, args));
}

/* ---- block I/O tuning: a disk's <iotune> ----
 *
 * The model does not interpret <iotune>: it is in the disk's extra (a copy
 * of the <disk> element as written, what was read flagged; domain_xml.c),
 * and written back after <target>. */

static const char *const iotune_fields[] = {"total_bytes_sec",
                                            "read_bytes_sec",
                                            "write_bytes_sec",
                                            "total_iops_sec",
                                            "read_iops_sec",
                                            "write_iops_sec",
                                            "total_bytes_sec_max",
                                            "read_bytes_sec_max",
                                            "write_bytes_sec_max",
                                            "total_iops_sec_max",
                                            "read_iops_sec_max",
                                            "write_iops_sec_max",
                                            "size_iops_sec",
                                            "group_name",
                                            "total_bytes_sec_max_length",
                                            "read_bytes_sec_max_length",
                                            "write_bytes_sec_max_length",
                                            "total_iops_sec_max_length",
                                            "read_iops_sec_max_length",
                                            "write_iops_sec_max_length"};
#define NIOTUNE (sizeof(iotune_fields) / sizeof(iotune_fields[0]))
#define IOTUNE_GROUP 13
/* The largest limit libvirt takes (1e15). */
#define IOTUNE_LIMIT_MAX 1000000000000000ULL
#define LR_NS "urn:x-libvirt-remote:read"

struct iotune {
    uint64_t v[NIOTUNE]; /* by iotune_fields; v[IOTUNE_GROUP] unused */
    char *group;
};

static xmlDocPtr disk_extra_doc(const struct dx_disk *disk)
{
    const char *x = disk->extra;
    return x ? xmlReadMemory(x, (int)strlen(x), NULL, NULL,
                             XML_PARSE_NONET | XML_PARSE_NOBLANKS)
             : NULL;
}

static xmlNodePtr child_el(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is_el(c, name))
            return c;
    return NULL;
}

static void iotune_load(const struct dx_disk *disk, struct iotune *t)
{
    memset(t, 0, sizeof(*t));
    xmlDocPtr doc = disk_extra_doc(disk);
    xmlNodePtr io = doc ? child_el(xmlDocGetRootElement(doc), "iotune") : NULL;
    for (xmlNodePtr c = io ? io->children : NULL; c; c = c->next)
        for (size_t k = 0; k < NIOTUNE; k++)
            if (is_el(c, iotune_fields[k])) {
                if (k == IOTUNE_GROUP) {
                    free(t->group);
                    t->group = text(c);
                } else {
                    t->v[k] = text_u64(c);
                }
            }
    xmlFreeDoc(doc);
}

/* Replaces the child `name` of an element's extra (domain_xml.c: a copy of
 * the element, what the model read flagged) by `child` (NULL: removes it),
 * put after the child `after` (first when `after` is NULL or not
 * there), which is where the formatter writes it back. An element without an extra gets one
 * with nothing else unread. Takes child. Returns 0, or -1 recorded. */
static int extra_put_child(char **extra, const char *root_name, const char *name,
                           const char *after, xmlNodePtr child)
{
    xmlDocPtr doc = NULL;
    int r = -1;

    if (*extra)
        doc = xmlReadMemory(*extra, (int)strlen(*extra), NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    else if (child)
        doc = xmlNewDoc(BAD_CAST "1.0");
    else
        return 0;
    if (doc && !*extra) {
        xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST root_name, NULL);
        xmlNsPtr ns = root ? xmlNewNs(root, BAD_CAST LR_NS, BAD_CAST "lr") : NULL;
        if (!root || !ns) {
            xmlFreeNode(root);
            xmlFreeDoc(doc);
            doc = NULL;
        } else {
            xmlDocSetRootElement(doc, root);
            if (after && !xmlNewNsProp(xmlNewChild(root, NULL, BAD_CAST after, NULL), ns,
                                       BAD_CAST "read", BAD_CAST "1")) {
                xmlFreeDoc(doc);
                doc = NULL;
            }
        }
    }
    if (!doc) {
        xmlFreeNode(child);
        test_no_memory();
        return -1;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc), old = child_el(root, name);
    if (old) {
        xmlUnlinkNode(old);
        xmlFreeNode(old);
    }
    if (child) {
        xmlNodePtr prev = after ? child_el(root, after) : NULL;
        xmlNodePtr first = NULL;
        for (xmlNodePtr c = root->children; c && !first; c = c->next)
            if (c->type == XML_ELEMENT_NODE)
                first = c;
        if (prev)
            xmlAddNextSibling(prev, child);
        else if (first)
            xmlAddPrevSibling(first, child);
        else
            xmlAddChild(root, child);
    }
    xmlBufferPtr xb = xmlBufferCreate();
    if (xb && xmlNodeDump(xb, doc, root, 0, 0) >= 0) {
        char *x = strdup((const char *)xmlBufferContent(xb));
        if (x) {
            free(*extra);
            *extra = x;
            r = 0;
        }
    }
    if (xb)
        xmlBufferFree(xb);
    if (r < 0)
        test_no_memory();
    xmlFreeDoc(doc);
    return r;
}

/* Puts t as the disk's <iotune> (none when all is zero), after <target>. */
static int iotune_store(struct dx_disk *disk, const struct iotune *t)
{
    int any = t->group != NULL;
    for (size_t k = 0; k < NIOTUNE; k++)
        any |= t->v[k] != 0;
    xmlNodePtr io = NULL;
    if (any) {
        char num[32];
        if (!(io = xmlNewNode(NULL, BAD_CAST "iotune"))) {
            test_no_memory();
            return -1;
        }
        for (size_t k = 0; k < NIOTUNE; k++) {
            if (k == IOTUNE_GROUP) {
                if (t->group)
                    xmlNewTextChild(io, NULL, BAD_CAST iotune_fields[k], BAD_CAST t->group);
                continue;
            }
            if (!t->v[k])
                continue;
            snprintf(num, sizeof(num), "%" PRIu64, t->v[k]);
            xmlNewTextChild(io, NULL, BAD_CAST iotune_fields[k], BAD_CAST num);
        }
    }
    return extra_put_child(&disk->extra, "disk", "iotune", "target", io);
}

/* virDomainDiskByName: a target name or a source path; for_set picks the
 * error's wording (Get and Set word it differently). */
static struct dx_disk *disk_for_tune(struct dx_def *def, const char *name, int for_set)
{
    for (size_t i = 0; i < def->ndisks; i++)
        if (def->disks[i].dst && strcmp(def->disks[i].dst, name) == 0)
            return &def->disks[i];
    for (size_t i = 0; i < def->ndisks; i++)
        if (def->disks[i].src && strcmp(def->disks[i].src, name) == 0)
            return &def->disks[i];
    if (for_set)
        error_report(ERR_INVALID_ARG, FROM_TEST,
                     "missing persistent configuration for disk '%s'", name);
    else
        error_report(ERR_INVALID_ARG, FROM_TEST, "disk '%s' was not found in the domain config",
                     name);
    return NULL;
}

int tds_domain_get_block_io_tune(struct drv_conn *c,
                                 const remote_domain_get_block_io_tune_args *args,
                                 remote_domain_get_block_io_tune_ret *ret)
{
    struct tplist l = {0};
    struct iotune t;
    if (nparams_check(args->nparams, REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX) < 0 ||
        test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG | STRING_OKAY,
                         "testDomainGetBlockIoTune") < 0)
        return -1;
    if (args->nparams == 0)
        return dom_count(c, &args->dom, (int)NIOTUNE, &ret->nparams);
    struct dx_def *def = dom_one_def(c, &args->dom, args->flags & ~STRING_OKAY);
    struct dx_disk *disk = def ? disk_for_tune(def, args->disk ? *args->disk : "", 0) : NULL;
    if (!disk)
        return -1;
    iotune_load(disk, &t);
    int r = 0;
    for (size_t i = 0; i < NIOTUNE && !r; i++)
        r = i == IOTUNE_GROUP ? tp_string(&l, iotune_fields[i], t.group ? t.group : "")
                              : tp_ullong(&l, iotune_fields[i], t.v[i]);
    free(t.group);
    if (r < 0) {
        tp_clear(&l);
        return -1;
    }
    return tp_reply(&l, args->nparams, REMOTE_DOMAIN_BLOCK_IO_TUNE_PARAMETERS_MAX,
                    &ret->params.params_len, &ret->params.params_val, &ret->nparams);
}

static int set_block_io_tune_locked(struct drv_conn *c,
                                    const remote_domain_set_block_io_tune_args *args)
{
    struct dx_def *def = dom_one_def(c, &args->dom, args->flags);
    struct dx_disk *disk = def ? disk_for_tune(def, args->disk, 1) : NULL;
    struct iotune t;
    if (!disk)
        return -1;
    iotune_load(disk, &t);
    const remote_typed_param *p = args->params.params_val;
    for (u_int i = 0; i < args->params.params_len; i++)
        for (size_t k = 0; k < NIOTUNE; k++) {
            if (strcmp(p[i].field, iotune_fields[k]) != 0)
                continue;
            if (k == IOTUNE_GROUP) {
                free(t.group);
                t.group = strdup(p[i].value.remote_typed_param_value_u.s);
                if (!t.group) {
                    test_no_memory();
                    return -1;
                }
            } else {
                t.v[k] = p[i].value.remote_typed_param_value_u.ul;
                if (t.v[k] > IOTUNE_LIMIT_MAX) {
                    free(t.group);
                    error_report(ERR_ARGUMENT_UNSUPPORTED, FROM_TEST,
                                 "block I/O throttle limit value must be no more than %llu",
                                 IOTUNE_LIMIT_MAX);
                    return -1;
                }
            }
        }
    /* a total excludes its read and write (bytes, iops; rates, bursts) */
    static const char *const groups[] = {"bytes_sec", "iops_sec", "bytes_sec_max",
                                         "iops_sec_max"};
    int r = 0;
    for (size_t g = 0; g < 4 && !r; g++) {
        size_t k = g % 2 * 3 + g / 2 * 6; /* the total of group g */
        if (t.v[k] && (t.v[k + 1] || t.v[k + 2])) {
            error_report(ERR_INVALID_ARG, FROM_TEST,
                         "total and read/write of %s cannot be set at the same time",
                         groups[g]);
            r = -1;
        }
    }
    /* each rate may not exceed its burst (total, read, write; bytes, iops) */
    for (size_t k = 0; k < 6 && !r; k++)
        if (t.v[k] > t.v[k + 6]) {
            error_report(ERR_INVALID_ARG, FROM_TEST, "%s cannot be set higher than %s ",
                         iotune_fields[k], iotune_fields[k + 6]);
            r = -1;
        }
    if (!r)
        r = iotune_store(disk, &t);
    free(t.group);
    return r;
}

int tds_domain_set_block_io_tune(struct drv_conn *c,
                                 const remote_domain_set_block_io_tune_args *args)
{
    const char *names[NIOTUNE + 1];
    int types[NIOTUNE];
    for (size_t i = 0; i < NIOTUNE; i++) {
        names[i] = iotune_fields[i];
        types[i] = i == IOTUNE_GROUP ? VIR_TYPED_PARAM_STRING : VIR_TYPED_PARAM_ULLONG;
    }
    names[NIOTUNE] = NULL;
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG, "testDomainSetBlockIoTune") <
            0 ||
        tp_validate(args->params.params_val, args->params.params_len, names, types) < 0)
        return -1;
    if (test_wr_begin(c, "testDomainSetBlockIoTune") < 0)
        return -1;
    return test_wr_end(c, set_block_io_tune_locked(c, args));
}

/* ---- the balloon's statistics period (<memballoon><stats period=>) ---- */

static int set_stats_period_locked(struct drv_conn *c,
                                   const remote_domain_set_memory_stats_period_args *args)
{
    struct tdom *d = test_dom_get(c, &args->dom);
    struct dx_def *live, *config;
    if (!d || test_dom_defs(d, args->flags, &live, &config) < 0)
        return -1;
    struct dx_def *defs[2] = {live, config};
    for (int i = 0; i < 2; i++)
        if (defs[i] &&
            (!defs[i]->balloon_model || strcmp(defs[i]->balloon_model, "none") == 0)) {
            error_report(ERR_INTERNAL_ERROR, FROM_TEST,
                         "No memory balloon device configured, can not set the collection "
                         "period");
            return -1;
        }
    for (int i = 0; i < 2; i++) {
        if (!defs[i])
            continue;
        xmlNodePtr st = NULL;
        if (args->period) {
            char num[16];
            snprintf(num, sizeof(num), "%d", args->period);
            if (!(st = xmlNewNode(NULL, BAD_CAST "stats")) ||
                !xmlNewProp(st, BAD_CAST "period", BAD_CAST num)) {
                xmlFreeNode(st);
                test_no_memory();
                return -1;
            }
        }
        if (extra_put_child(&defs[i]->balloon_extra, "memballoon", "stats", NULL, st) < 0)
            return -1;
    }
    return 0;
}

int tds_domain_set_memory_stats_period(struct drv_conn *c,
                                       const remote_domain_set_memory_stats_period_args *args)
{
    if (test_check_flags(args->flags, AFFECT_LIVE | AFFECT_CONFIG,
                         "testDomainSetMemoryStatsPeriod") < 0)
        return -1;
    if (test_wr_begin(c, "testDomainSetMemoryStatsPeriod") < 0)
        return -1;
    return test_wr_end(c, set_stats_period_locked(c, args));
}

/* ---- CPU statistics: libvirt 9.0's test driver's fixed figures ---- */

/* Two host CPUs, as the test driver reports them to virDomainGetCPUStats
 * (ns); CPU i adds i to the first CPU's figures. */
#define CPU_STATS_CPUS 2
#define CPU_STATS_CPU_TIME 24386308517ULL
#define CPU_STATS_VCPU_TIME 23151740627ULL
#define CPU_STATS_TOTAL 48772617035ULL
#define CPU_STATS_USER 5540000000ULL
#define CPU_STATS_SYSTEM 6460000000ULL

int tds_domain_get_cpu_stats(struct drv_conn *c, const remote_domain_get_cpu_stats_args *args,
                             remote_domain_get_cpu_stats_ret *ret)
{
    struct tplist l = {0};

    if (args->nparams > REMOTE_NODE_CPU_STATS_MAX) {
        error_report(ERR_INTERNAL_ERROR, FROM_REMOTE, "nparams too large");
        return -1;
    }
    if (args->ncpus > REMOTE_DOMAIN_GET_CPU_STATS_NCPUS_MAX) {
        error_report(ERR_INTERNAL_ERROR, FROM_REMOTE, "ncpus too large");
        return -1;
    }
    if (test_check_flags(args->flags, STRING_OKAY, "testDomainGetCPUStats") < 0)
        return -1;
    struct tdom *d = test_dom_get(c, &args->dom);
    if (!d || check_active(d) < 0)
        return -1;
    if (args->start_cpu == -1) {
        static const char *const names[] = {"cpu_time", "user_time", "system_time"};
        const uint64_t v[] = {CPU_STATS_TOTAL, CPU_STATS_USER, CPU_STATS_SYSTEM};
        if (args->nparams == 0) {
            ret->nparams = 3;
            return 0;
        }
        for (u_int i = 0; i < 3 && i < args->nparams; i++)
            if (tp_ullong(&l, names[i], v[i]) < 0) {
                tp_clear(&l);
                return -1;
            }
        tp_give(&l, 0, &ret->params.params_len, &ret->params.params_val);
        ret->nparams = (int)ret->params.params_len;
        return 0;
    }
    if (args->nparams == 0) {
        /* no ncpus: how many CPUs; else how many figures per CPU */
        ret->nparams = args->ncpus == 0 ? CPU_STATS_CPUS : 2;
        return 0;
    }
    if (args->start_cpu < 0 || args->start_cpu >= CPU_STATS_CPUS) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "start_cpu %d larger than maximum of %d",
                     args->start_cpu, CPU_STATS_CPUS - 1);
        return -1;
    }
    u_int per = args->nparams < 2 ? args->nparams : 2;
    for (int cpu = args->start_cpu;
         cpu < CPU_STATS_CPUS && (u_int)(cpu - args->start_cpu) < args->ncpus; cpu++) {
        if (tp_ullong(&l, "cpu_time", CPU_STATS_CPU_TIME + (uint64_t)cpu) < 0 ||
            (per > 1 && tp_ullong(&l, "vcpu_time", CPU_STATS_VCPU_TIME + (uint64_t)cpu) < 0)) {
            tp_clear(&l);
            return -1;
        }
    }
    tp_give(&l, 0, &ret->params.params_len, &ret->params.params_val);
    ret->nparams = (int)per;
    return 0;
}

/* ---- a new definition's tuning, as libvirt writes it back ---- */

int tds_canonical(struct dx_def *def)
{
    int r = 0;

    if (dx_kept_get(def, "memtune")) {
        struct memtune m;
        r = memtune_load(def, &m) < 0 ? -1 : memtune_store(def, &m);
    }
    if (!r && dx_kept_get(def, "blkiotune")) {
        struct blkiotune b;
        r = blkiotune_load(def, &b) < 0 ? -1 : blkiotune_store(def, &b);
        blkiotune_free(&b);
    }
    if (!r && dx_kept_get(def, "numatune")) {
        struct numatune t;
        r = numatune_load(def, &t) < 0 ? -1 : numatune_store(def, &t);
        numatune_free(&t);
    }
    if (!r && dx_kept_get(def, "perf")) {
        int state[NPERF];
        r = perf_load(def, state) < 0 ? -1 : perf_store(def, state);
    }
    if (!r && (dx_kept_get(def, "iothreads") || dx_kept_get(def, "iothreadids") ||
               dx_kept_get(def, "cputune"))) {
        struct cpu_tune t;
        r = cpu_tune_load(def, &t) < 0 ? -1 : cpu_tune_store(def, &t);
        cpu_tune_free(&t);
    }
    return r;
}

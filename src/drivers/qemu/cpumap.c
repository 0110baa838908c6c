/* cpumap: see cpumap.h. The algorithm is libvirt 9.0's cpu_x86.c:
 * models and features are bit masks over CPUID leaves and MSRs; a CPU is
 * named by the model (newest first) whose data leaves the shortest list
 * of extra (require) and missing (disable) features, preferring a model
 * whose signature matches the CPU's family and model. */
#include "cpumap.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "log.h"

struct x86_feature {
    char *name;
    char **aliases; /* source='qemu' */
    size_t naliases;
    struct x86_data data;
};

struct x86_vendor {
    char *name;
    struct x86_data data;
};

struct x86_model {
    char *name;
    const struct x86_vendor *vendor;
    uint32_t *sigs;
    size_t nsigs;
    bool decode_host, decode_guest;
    struct x86_data data;
};

struct x86_map {
    struct x86_vendor *vendors;
    size_t nvendors;
    struct x86_feature *features;
    size_t nfeatures;
    struct x86_model *models;
    size_t nmodels;
};

/* ---- data ---- */

static struct x86_item *find_item(const struct x86_data *d, bool msr, uint32_t leaf, uint32_t sub)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].msr == msr && d->items[i].leaf == leaf && d->items[i].sub == sub)
            return &d->items[i];
    return NULL;
}

int cpumap_data_add_item(struct x86_data *d, const struct x86_item *it)
{
    struct x86_item *e = find_item(d, it->msr, it->leaf, it->sub);

    if (e) {
        for (int k = 0; k < 4; k++)
            e->r[k] |= it->r[k];
        return 0;
    }
    struct x86_item *n = realloc(d->items, (d->n + 1) * sizeof(*n));
    if (!n)
        return -1;
    d->items = n;
    d->items[d->n++] = *it;
    return 0;
}

static int data_add(struct x86_data *d, const struct x86_data *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (cpumap_data_add_item(d, &s->items[i]) < 0)
            return -1;
    return 0;
}

static void data_subtract(struct x86_data *d, const struct x86_data *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct x86_item *e = find_item(d, s->items[i].msr, s->items[i].leaf, s->items[i].sub);
        if (e)
            for (int k = 0; k < 4; k++)
                e->r[k] &= ~s->items[i].r[k];
    }
}

static bool item_empty(const struct x86_item *it)
{
    return !(it->r[0] | it->r[1] | it->r[2] | it->r[3]);
}

/* Whether every bit of sub is in d (an empty sub is in nothing, as
 * libvirt's x86DataIsSubset of a feature without bits). */
static bool data_is_subset(const struct x86_data *d, const struct x86_data *sub)
{
    bool any = false;

    for (size_t i = 0; i < sub->n; i++) {
        const struct x86_item *s = &sub->items[i];
        if (item_empty(s))
            continue;
        any = true;
        const struct x86_item *e = find_item(d, s->msr, s->leaf, s->sub);
        if (!e)
            return false;
        for (int k = 0; k < 4; k++)
            if ((e->r[k] & s->r[k]) != s->r[k])
                return false;
    }
    return any;
}

static int data_copy(struct x86_data *d, const struct x86_data *s)
{
    d->items = NULL;
    d->n = 0;
    if (!s->n)
        return 0;
    if (!(d->items = malloc(s->n * sizeof(*d->items))))
        return -1;
    memcpy(d->items, s->items, s->n * sizeof(*d->items));
    d->n = s->n;
    return 0;
}

void cpumap_data_clear(struct x86_data *d)
{
    free(d->items);
    d->items = NULL;
    d->n = 0;
}

/* ---- the map ---- */

static char *prop(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static bool prop_u32(xmlNodePtr n, const char *name, uint32_t *out)
{
    char *s = prop(n, name), *end;

    *out = 0;
    if (!s)
        return false;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    bool ok = !errno && end != s && !*end;
    free(s);
    if (ok)
        *out = (uint32_t)v;
    return ok;
}

static bool is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static struct x86_feature *feature_find(const struct x86_map *m, const char *name)
{
    for (size_t i = 0; i < m->nfeatures; i++)
        if (strcmp(m->features[i].name, name) == 0)
            return &m->features[i];
    return NULL;
}

static const struct x86_vendor *vendor_find(const struct x86_map *m, const char *name)
{
    for (size_t i = 0; i < m->nvendors; i++)
        if (strcmp(m->vendors[i].name, name) == 0)
            return &m->vendors[i];
    return NULL;
}

static const struct x86_model *model_find(const struct x86_map *m, const char *name)
{
    for (size_t i = 0; i < m->nmodels; i++)
        if (strcmp(m->models[i].name, name) == 0)
            return &m->models[i];
    return NULL;
}

static void vendor_data(struct x86_data *d, const char *s)
{
    struct x86_item it = {.leaf = 0};
    char b[12] = {0};
    size_t n = strlen(s);

    memcpy(b, s, n < sizeof(b) ? n : sizeof(b));
    memcpy(&it.r[1], b, 4);     /* ebx */
    memcpy(&it.r[3], b + 4, 4); /* edx */
    memcpy(&it.r[2], b + 8, 4); /* ecx */
    cpumap_data_add_item(d, &it);
}

static uint32_t make_signature(unsigned family, unsigned model, unsigned stepping)
{
    uint32_t sig = 0;

    if (family > 0xf) {
        sig |= (family - 0xf) << 20;
        family = 0xf;
    }
    sig |= family << 8;
    sig |= (model >> 4) << 16;
    sig |= (model & 0xf) << 4;
    sig |= stepping & 0xf;
    return sig;
}

static void parse_feature(struct x86_map *m, xmlNodePtr n)
{
    struct x86_feature f = {0};

    if (!(f.name = prop(n, "name")))
        return;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        struct x86_item it = {0};
        if (is(c, "cpuid")) {
            prop_u32(c, "eax_in", &it.leaf);
            prop_u32(c, "ecx_in", &it.sub);
            prop_u32(c, "eax", &it.r[0]);
            prop_u32(c, "ebx", &it.r[1]);
            prop_u32(c, "ecx", &it.r[2]);
            prop_u32(c, "edx", &it.r[3]);
            cpumap_data_add_item(&f.data, &it);
        } else if (is(c, "msr")) {
            it.msr = true;
            prop_u32(c, "index", &it.leaf);
            prop_u32(c, "eax", &it.r[0]);
            prop_u32(c, "edx", &it.r[3]);
            cpumap_data_add_item(&f.data, &it);
        } else if (is(c, "alias")) {
            char *src = prop(c, "source"), *an = prop(c, "name");
            char **na = an && src && strcmp(src, "qemu") == 0
                            ? realloc(f.aliases, (f.naliases + 1) * sizeof(char *))
                            : NULL;
            if (na) {
                f.aliases = na;
                f.aliases[f.naliases++] = an;
                an = NULL;
            }
            free(an);
            free(src);
        }
    }
    struct x86_feature *nf = realloc(m->features, (m->nfeatures + 1) * sizeof(*nf));
    if (!nf) {
        free(f.name);
        return;
    }
    m->features = nf;
    m->features[m->nfeatures++] = f;
}

static void parse_model(struct x86_map *m, xmlNodePtr n)
{
    struct x86_model md = {.decode_host = true, .decode_guest = true};

    if (!(md.name = prop(n, "name")))
        return;
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (is(c, "model")) { /* based on another model */
            char *base = prop(c, "name");
            const struct x86_model *b = base ? model_find(m, base) : NULL;
            if (b) {
                data_add(&md.data, &b->data);
                if (!md.vendor)
                    md.vendor = b->vendor;
            }
            free(base);
        } else if (is(c, "decode")) {
            char *h = prop(c, "host"), *g = prop(c, "guest");
            md.decode_host = !h || strcmp(h, "off") != 0;
            md.decode_guest = !g || strcmp(g, "off") != 0;
            free(h);
            free(g);
        } else if (is(c, "signature")) {
            uint32_t fam, mod;
            prop_u32(c, "family", &fam);
            prop_u32(c, "model", &mod);
            uint32_t *ns = realloc(md.sigs, (md.nsigs + 1) * sizeof(*ns));
            if (ns) {
                md.sigs = ns;
                md.sigs[md.nsigs++] = make_signature(fam, mod, 0);
            }
        } else if (is(c, "vendor")) {
            char *v = prop(c, "name");
            if (v)
                md.vendor = vendor_find(m, v);
            free(v);
        } else if (is(c, "feature")) {
            char *fname = prop(c, "name"), *removed = prop(c, "removed");
            const struct x86_feature *f = fname ? feature_find(m, fname) : NULL;
            /* a feature the model lost in a later QEMU is not its data */
            if (f && !(removed && strcmp(removed, "yes") == 0))
                data_add(&md.data, &f->data);
            free(fname);
            free(removed);
        }
    }
    struct x86_model *nm = realloc(m->models, (m->nmodels + 1) * sizeof(*nm));
    if (!nm) {
        free(md.name);
        return;
    }
    m->models = nm;
    m->models[m->nmodels++] = md;
}

static int load_file(struct x86_map *m, const char *file);

static void parse_children(struct x86_map *m, xmlNodePtr parent)
{
    for (xmlNodePtr c = parent->children; c; c = c->next) {
        if (is(c, "include")) {
            char *f = prop(c, "filename");
            if (f)
                load_file(m, f);
            free(f);
        } else if (is(c, "vendor")) {
            struct x86_vendor v = {0};
            char *s = prop(c, "string");
            if ((v.name = prop(c, "name")) && s && strlen(s) == 12) {
                vendor_data(&v.data, s);
                struct x86_vendor *nv = realloc(m->vendors, (m->nvendors + 1) * sizeof(*nv));
                if (nv) {
                    m->vendors = nv;
                    m->vendors[m->nvendors++] = v;
                    v.name = NULL;
                }
            }
            free(v.name);
            free(s);
        } else if (is(c, "feature")) {
            parse_feature(m, c);
        } else if (is(c, "model")) {
            parse_model(m, c);
        }
    }
}

static int load_file(struct x86_map *m, const char *file)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s", CPU_MAP_DIR, file);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return -1;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (root)
        parse_children(m, root);
    xmlFreeDoc(doc);
    return 0;
}

const struct x86_map *cpumap_x86(void)
{
    static struct x86_map map;
    static int state; /* 0 not loaded, 1 loaded, -1 failed */
    char path[4096];

    if (state)
        return state > 0 ? &map : NULL;
    snprintf(path, sizeof(path), "%s/index.xml", CPU_MAP_DIR);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNodePtr a = root ? root->children : NULL; a; a = a->next) {
        char *name = is(a, "arch") ? prop(a, "name") : NULL;
        if (name && strcmp(name, "x86") == 0)
            parse_children(&map, a);
        free(name);
    }
    if (doc)
        xmlFreeDoc(doc);
    state = map.nmodels && map.nfeatures ? 1 : -1;
    if (state < 0)
        log_warn("cannot read libvirt's CPU map in %s: host CPU models unknown", CPU_MAP_DIR);
    return state > 0 ? &map : NULL;
}

size_t cpumap_model_count(const struct x86_map *m)
{
    return m ? m->nmodels : 0;
}

const char *cpumap_model_name(const struct x86_map *m, size_t i)
{
    return m && i < m->nmodels ? m->models[i].name : NULL;
}

const char *cpumap_model_vendor(const struct x86_map *m, const char *name, bool *known)
{
    const struct x86_model *md = m ? model_find(m, name) : NULL;

    *known = md != NULL;
    return md && md->vendor ? md->vendor->name : NULL;
}

const char *cpumap_feature_from_qemu(const struct x86_map *m, const char *name)
{
    for (size_t i = 0; m && i < m->nfeatures; i++)
        for (size_t k = 0; k < m->features[i].naliases; k++)
            if (strcmp(m->features[i].aliases[k], name) == 0)
                return m->features[i].name;
    return name;
}

int cpumap_data_add_feature(const struct x86_map *m, struct x86_data *d, const char *name)
{
    const struct x86_feature *f = m ? feature_find(m, name) : NULL;

    return f ? data_add(d, &f->data) : 0;
}

bool cpumap_data_has_feature(const struct x86_map *m, const struct x86_data *d, const char *name)
{
    const struct x86_feature *f = m ? feature_find(m, name) : NULL;

    return f && data_is_subset(d, &f->data);
}

int cpumap_data_set_vendor(struct x86_data *d, const char *vendor)
{
    if (strlen(vendor) != 12)
        return 0;
    vendor_data(d, vendor);
    return 0;
}

int cpumap_data_set_signature(struct x86_data *d, unsigned family, unsigned model,
                              unsigned stepping)
{
    struct x86_item it = {.leaf = 1};

    it.r[0] = make_signature(family, model, stepping);
    return cpumap_data_add_item(d, &it);
}

static uint32_t data_signature(const struct x86_data *d, unsigned *family, unsigned *model,
                               unsigned *stepping)
{
    const struct x86_item *l1 = find_item(d, false, 1, 0);
    uint32_t eax = l1 ? l1->r[0] : 0;

    *family = ((eax >> 8) & 0xf) + ((eax >> 20) & 0xff);
    *model = ((eax >> 4) & 0xf) | ((eax >> 12) & 0xf0);
    *stepping = eax & 0xf;
    return eax ? make_signature(*family, *model, 0) : 0;
}

bool cpumap_feature_is_msr(const struct x86_map *m, const char *name)
{
    const struct x86_feature *f = m ? feature_find(m, name) : NULL;

    for (size_t i = 0; f && i < f->data.n; i++)
        if (f->data.items[i].msr)
            return true;
    return false;
}

unsigned cpumap_phys_bits(const struct x86_data *d)
{
    const struct x86_item *it = find_item(d, false, 0x80000008, 0);
    return it ? it->r[0] & 0xff : 0;
}

/* ---- the host's CPUID ---- */

static void cpuid_call(uint32_t leaf, uint32_t sub, uint32_t *r)
{
    __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]);
}

static int host_msr(uint32_t index, uint64_t *value)
{
    int fd = open("/dev/cpu/0/msr", O_RDONLY | O_CLOEXEC);

    if (fd >= 0) {
        ssize_t r = pread(fd, value, sizeof(*value), index);
        close(fd);
        if (r == sizeof(*value))
            return 0;
    }
    /* KVM's feature MSRs: KVM_GET_MSRS on /dev/kvm */
    struct {
        uint32_t nmsrs, pad;
        struct {
            uint32_t index, reserved;
            uint64_t data;
        } e;
    } msrs = {1, 0, {index, 0, 0}};
    fd = open("/dev/kvm", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    /* _IOWR(KVMIO, 0x88, struct kvm_msrs) */
    int r = ioctl(fd, (unsigned long)0xc008ae88, &msrs);
    close(fd);
    if (r != 1)
        return -1;
    *value = msrs.e.data;
    return 0;
}

int cpumap_host_data(const struct x86_map *m, struct x86_data *d)
{
    uint32_t r[4], max_basic, max_ext, max7 = 0;

    d->items = NULL;
    d->n = 0;
    cpuid_call(0, 0, r);
    max_basic = r[0];
    cpuid_call(0x80000000, 0, r);
    max_ext = r[0];
    /* leaf 0 (the vendor and the maximum), 1 (the signature), and every
     * leaf the map's features use, as far as the CPU has them */
    struct x86_item it = {0};
    cpuid_call(0, 0, it.r);
    if (cpumap_data_add_item(d, &it) < 0)
        return -1;
    if (max_basic >= 1) {
        it = (struct x86_item){.leaf = 1};
        cpuid_call(1, 0, it.r);
        if (cpumap_data_add_item(d, &it) < 0)
            return -1;
    }
    if (max_basic >= 7) {
        cpuid_call(7, 0, r);
        max7 = r[0];
    }
    it = (struct x86_item){.leaf = 0x80000008};
    if (max_ext >= 0x80000008) {
        cpuid_call(0x80000008, 0, it.r);
        if (cpumap_data_add_item(d, &it) < 0)
            return -1;
    }
    for (size_t i = 0; m && i < m->nfeatures; i++)
        for (size_t k = 0; k < m->features[i].data.n; k++) {
            const struct x86_item *f = &m->features[i].data.items[k];
            if (f->msr || find_item(d, false, f->leaf, f->sub))
                continue;
            bool ext = f->leaf >= 0x80000000;
            if (f->leaf >= 0x40000000 && f->leaf < 0x80000000)
                continue; /* hypervisor leaves: not the host's */
            if ((!ext && f->leaf > max_basic) || (ext && f->leaf > max_ext))
                continue;
            if (f->leaf == 7 && f->sub > max7)
                continue;
            it = (struct x86_item){.leaf = f->leaf, .sub = f->sub};
            cpuid_call(f->leaf, f->sub, it.r);
            if (cpumap_data_add_item(d, &it) < 0)
                return -1;
        }
    if (cpumap_data_has_feature(m, d, "arch-capabilities")) {
        uint64_t v;
        if (host_msr(0x10a, &v) == 0) {
            it = (struct x86_item){.msr = true, .leaf = 0x10a};
            it.r[0] = (uint32_t)v;
            it.r[3] = (uint32_t)(v >> 32);
            if (cpumap_data_add_item(d, &it) < 0)
                return -1;
        }
    }
    return 0;
}

/* ---- decoding ---- */

void cpumap_cpu_clear(struct cpumap_cpu *c)
{
    free(c->model);
    for (size_t i = 0; i < c->nfeatures; i++)
        free(c->features[i]);
    free(c->features);
    free(c->policy);
    memset(c, 0, sizeof(*c));
}

static int add_features(const struct x86_map *m, struct cpumap_cpu *c, int policy,
                        struct x86_data *d)
{
    for (size_t i = 0; i < m->nfeatures; i++) {
        const struct x86_feature *f = &m->features[i];
        if (!data_is_subset(d, &f->data))
            continue;
        data_subtract(d, &f->data);
        char **nf = realloc(c->features, (c->nfeatures + 1) * sizeof(char *));
        if (!nf)
            return -1;
        c->features = nf;
        int *np = realloc(c->policy, (c->nfeatures + 1) * sizeof(int));
        if (!np)
            return -1;
        c->policy = np;
        if (!(c->features[c->nfeatures] = strdup(f->name)))
            return -1;
        c->policy[c->nfeatures++] = policy;
    }
    return 0;
}

/* x86DataToCPU */
static int data_to_cpu(const struct x86_map *m, const struct x86_data *data,
                       const struct x86_model *model, const struct cpumap_hv_model *hv,
                       struct cpumap_cpu *c)
{
    struct x86_data copy, mdata;
    int r = -1;

    memset(c, 0, sizeof(*c));
    if (!(c->model = strdup(model->name)))
        return -1;
    if (data_copy(&copy, data) < 0)
        return -1;
    if (data_copy(&mdata, &model->data) < 0) {
        cpumap_data_clear(&copy);
        return -1;
    }
    data_subtract(&copy, &model->data);
    data_subtract(&mdata, data);
    for (size_t i = 0; hv && i < hv->nblockers; i++) {
        const struct x86_feature *f = feature_find(m, hv->blockers[i]);
        if (f && !data_is_subset(&copy, &f->data) && data_add(&mdata, &f->data) < 0)
            goto out;
    }
    if (add_features(m, c, CPUMAP_REQUIRE, &copy) < 0 ||
        add_features(m, c, CPUMAP_DISABLE, &mdata) < 0)
        goto out;
    r = 0;
out:
    cpumap_data_clear(&copy);
    cpumap_data_clear(&mdata);
    return r;
}

static bool has_signature(const struct x86_model *md, uint32_t sig)
{
    for (size_t i = 0; i < md->nsigs; i++)
        if (md->sigs[i] == sig)
            return true;
    return false;
}

/* The size of a feature list as libvirt (9.0 as Debian ships it) weighs
 * it: for a guest CPU each disabled feature costs a growing penalty (2,
 * 3, 4, ...) instead of 1. */
static size_t list_weight(const struct cpumap_cpu *c, bool host, size_t *disabled)
{
    size_t enabled = c->nfeatures, penalty = 2;

    *disabled = 0;
    if (host)
        return enabled;
    /* libvirt's loop runs while i < enabled, which shrinks as it counts:
     * with the disabled features last, only some of them are weighed */
    for (size_t i = 0; i < enabled; i++)
        if (c->policy[i] == CPUMAP_DISABLE) {
            enabled--;
            *disabled += penalty++;
        }
    return enabled + *disabled;
}

/* x86DecodeUseCandidate: 0 current is better, 1 candidate is. */
static int use_candidate(const struct x86_model *cur, const struct cpumap_cpu *cpu_cur,
                         const struct x86_model *cand, const struct cpumap_cpu *cpu_cand,
                         uint32_t sig, bool host)
{
    if (host ? !cand->decode_host : !cand->decode_guest)
        return 0;
    if (host)
        for (size_t i = 0; i < cpu_cand->nfeatures; i++)
            if (cpu_cand->policy[i] == CPUMAP_DISABLE)
                return 0;
    if (!cur)
        return 1;
    if (sig) {
        if (has_signature(cur, sig) && !has_signature(cand, sig))
            return 0;
        if (!has_signature(cur, sig) && has_signature(cand, sig))
            return 1;
    }
    size_t dcur, dcand;
    size_t wcur = list_weight(cpu_cur, host, &dcur), wcand = list_weight(cpu_cand, host, &dcand);
    return wcand < wcur || (wcand == wcur && dcand < dcur);
}

/* x86DataFilterTSX: Intel CPUs whose TSX is broken do not have it. */
static void filter_tsx(const struct x86_map *m, struct x86_data *d, const struct x86_vendor *v)
{
    unsigned fam, mod, step;

    if (!v || strcmp(v->name, "Intel") != 0)
        return;
    data_signature(d, &fam, &mod, &step);
    if (fam == 6 && ((mod == 63 && step < 4) || mod == 60 || mod == 69 || mod == 70)) {
        const struct x86_feature *f;
        if ((f = feature_find(m, "hle")))
            data_subtract(d, &f->data);
        if ((f = feature_find(m, "rtm")))
            data_subtract(d, &f->data);
    }
}

int cpumap_decode(const struct x86_map *m, const struct x86_data *d, bool host,
                  const struct cpumap_hv_model *hv, size_t nhv, struct cpumap_cpu *out)
{
    struct x86_data data;
    const struct x86_vendor *vendor = NULL;
    const struct x86_model *best = NULL;
    struct cpumap_cpu best_cpu = {0};
    unsigned fam, mod, step;

    memset(out, 0, sizeof(*out));
    if (!m || data_copy(&data, d) < 0)
        return -1;
    for (size_t i = 0; i < m->nvendors; i++)
        if (data_is_subset(&data, &m->vendors[i].data)) {
            vendor = &m->vendors[i];
            data_subtract(&data, &vendor->data);
            break;
        }
    uint32_t sig = data_signature(&data, &fam, &mod, &step);
    filter_tsx(m, &data, vendor);
    for (size_t i = m->nmodels; i-- > 0;) {
        const struct x86_model *cand = &m->models[i];
        const struct cpumap_hv_model *hvm = NULL;
        struct cpumap_cpu cc;

        if (hv) {
            for (size_t k = 0; k < nhv && !hvm; k++)
                if (strcmp(hv[k].name, cand->name) == 0)
                    hvm = &hv[k];
            if (!hvm)
                continue;
        }
        if (vendor && cand->vendor && vendor != cand->vendor)
            continue;
        if (data_to_cpu(m, &data, cand, hvm, &cc) < 0) {
            cpumap_cpu_clear(&cc);
            cpumap_cpu_clear(&best_cpu);
            cpumap_data_clear(&data);
            return -1;
        }
        if (use_candidate(best, &best_cpu, cand, &cc, sig, host)) {
            cpumap_cpu_clear(&best_cpu);
            best_cpu = cc;
            best = cand;
        } else {
            cpumap_cpu_clear(&cc);
        }
    }
    cpumap_data_clear(&data);
    if (!best)
        return -1;
    *out = best_cpu;
    out->vendor = vendor ? vendor->name : NULL;
    out->family = fam;
    out->model_num = mod;
    out->stepping = step;
    return 0;
}

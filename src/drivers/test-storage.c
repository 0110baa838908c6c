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

#include "conf/storage_xml.h"
#include "conf/xml.h"
#include "error.h"
#include "uuid.h"

#define POOL_CAPACITY 107374182400ULL /* every pool: 100 GiB */
#define POOLS_MAX 4096
#define VOLS_MAX 16384 /* per pool: what one ListAllVolumes reply carries */
#define NAME_MAX_LEN 1024
#define TAG 'S'

struct storage_state {
    struct storage_pool **pools;
    size_t npools;
};

static struct storage_state *st(struct drv_conn *c)
{
    return test_state(c, TEST_KIND_STORAGE);
}

/* ---- the pools of a connection ---- */

static struct storage_pool *find_name(struct drv_conn *c, const char *name)
{
    struct storage_state *s = st(c);
    for (size_t i = 0; i < s->npools; i++)
        if (strcmp(s->pools[i]->name, name) == 0)
            return s->pools[i];
    return NULL;
}

static struct storage_pool *find_uuid(struct drv_conn *c, const unsigned char *uuid)
{
    struct storage_state *s = st(c);
    for (size_t i = 0; i < s->npools; i++)
        if (memcmp(s->pools[i]->uuid, uuid, UUID_LEN) == 0)
            return s->pools[i];
    return NULL;
}

static int pool_add(struct drv_conn *c, struct storage_pool *p)
{
    struct storage_state *s = st(c);
    if (s->npools >= POOLS_MAX) {
        error_report(ERR_OPERATION_FAILED, FROM_TEST, "too many storage pools");
        return -1;
    }
    struct storage_pool **n = realloc(s->pools, (s->npools + 1) * sizeof(*n));
    if (!n) {
        test_no_memory();
        return -1;
    }
    s->pools = n;
    n[s->npools++] = p;
    return 0;
}

static void pool_remove(struct drv_conn *c, struct storage_pool *p)
{
    struct storage_state *s = st(c);
    for (size_t i = 0; i < s->npools; i++)
        if (s->pools[i] == p) {
            memmove(s->pools + i, s->pools + i + 1, (s->npools - i - 1) * sizeof(*s->pools));
            s->npools--;
            break;
        }
    storage_pool_free(p);
}

static int vol_add(struct storage_pool *p, struct storage_vol *v)
{
    if (p->nvols >= VOLS_MAX) {
        error_report(ERR_OPERATION_FAILED, FROM_TEST, "too many volumes in pool '%s'", p->name);
        return -1;
    }
    struct storage_vol **n = realloc(p->vols, (p->nvols + 1) * sizeof(*n));
    if (!n) {
        test_no_memory();
        return -1;
    }
    p->vols = n;
    n[p->nvols++] = v;
    return 0;
}

static struct storage_vol *vol_by_name(const struct storage_pool *p, const char *name)
{
    for (size_t i = 0; i < p->nvols; i++)
        if (strcmp(p->vols[i]->name, name) == 0)
            return p->vols[i];
    return NULL;
}

/* testStoragePoolObjSetDefaults: every pool is 100 GiB, nothing used. */
static void set_defaults(struct storage_pool *p)
{
    p->capacity = POOL_CAPACITY;
    p->allocation = 0;
    p->available = POOL_CAPACITY;
}

static void recompute(struct storage_pool *p)
{
    p->available = p->capacity - p->allocation;
}

/* ---- events ---- */

enum { EV_DEFINED, EV_UNDEFINED, EV_STARTED, EV_STOPPED, EV_CREATED, EV_DELETED };
#define EVENT_LIFECYCLE 0
#define EVENT_REFRESH 1

/* A record: tag, event id, event (1 byte each), the uuid, the name. */
static void queue(struct drv_conn *c, const struct storage_pool *p, int id, int event)
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
        storage_pool_free(s->pools[i]);
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
    struct storage_pool *p = storage_pool_parse_string(default_pool_xml);
    if (!p)
        return -1;
    set_defaults(p);
    p->active = p->persistent = 1;
    if (pool_add(c, p) < 0) {
        storage_pool_free(p);
        return -1;
    }
    return 0;
}

/* A volume of a node file's pool: its path and key default to the pool's
 * target path and its name, and its allocation is taken from the pool. */
static int node_volume(struct drv_conn *c, struct storage_pool *p, xmlDocPtr doc, xmlNodePtr n,
                       const char *dir)
{
    xmlDocPtr sub;
    xmlNodePtr root;
    (void)doc;
    if (test_node_file(c, n, dir, &sub, &root) < 0)
        return -1;
    struct storage_vol *v = storage_vol_parse_node(p, sub ? root : n);
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
        storage_vol_free(v);
        return -1;
    }
    if (vol_add(p, v) < 0) {
        storage_vol_free(v);
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
    struct storage_pool *p = storage_pool_parse_node(def);
    if (!p)
        goto out;
    set_defaults(p);
    p->active = p->persistent = 1;
    if (pool_add(c, p) < 0) {
        storage_pool_free(p);
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
        struct storage_pool *p = s->pools[i];
        char *x = storage_pool_format(p);
        if (!x)
            return -1;
        fprintf(f, "pool %d %d %d %llu %llu %llu %zu %zu\n%s", p->active, p->persistent,
                p->autostart, p->capacity, p->allocation, p->available, p->nvols, strlen(x), x);
        free(x);
        for (size_t j = 0; j < p->nvols; j++) {
            char *y = storage_vol_format(p, p->vols[j]);
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
        struct storage_pool *pl = x ? storage_pool_parse_string(x) : NULL;
        free(x);
        if (!pl || nvols > VOLS_MAX || pool_add(c, pl) < 0) {
            storage_pool_free(pl);
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
            struct storage_vol *v = y ? storage_vol_parse_string(pl, y) : NULL;
            free(y);
            if (!v || !v->key || !v->path || vol_add(pl, v) < 0) {
                storage_vol_free(v);
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

static int fill_pool(const struct storage_pool *p, remote_nonnull_storage_pool *out)
{
    memcpy(out->uuid, p->uuid, UUID_LEN);
    return drv_string(&out->name, p->name);
}

static int fill_vol(const struct storage_pool *p, const struct storage_vol *v, remote_nonnull_storage_vol *out)
{
    if (drv_string(&out->pool, p->name) < 0 || drv_string(&out->name, v->name) < 0 ||
        drv_string(&out->key, v->key ? v->key : "") < 0)
        return -1;
    return 0;
}

static struct storage_pool *get_pool(struct drv_conn *c, const remote_nonnull_storage_pool *ref)
{
    struct storage_pool *p = find_name(c, ref->name);
    if (!p)
        error_report(ERR_NO_STORAGE_POOL, FROM_TEST, "no storage pool with matching name '%s'",
                     ref->name);
    return p;
}

static struct storage_pool *get_active_pool(struct drv_conn *c, const char *name)
{
    struct storage_pool *p = find_name(c, name);
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

static struct storage_vol *get_vol(struct drv_conn *c, const remote_nonnull_storage_vol *ref,
                           struct storage_pool **pool)
{
    struct storage_pool *p = get_active_pool(c, ref->pool);
    if (!p)
        return NULL;
    struct storage_vol *v = vol_by_name(p, ref->name);
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

static int pool_matches(const struct storage_pool *p, unsigned int f)
{
    if ((f & 3) && !((f & 1 && !p->active) || (f & 2 && p->active)))
        return 0;
    if ((f & 12) && !((f & 4 && p->persistent) || (f & 8 && !p->persistent)))
        return 0;
    if ((f & 48) && !((f & 16 && p->autostart) || (f & 32 && !p->autostart)))
        return 0;
    if ((f & 0xfffc0) && !(f & storage_pool_types[p->type].list_bit))
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
    struct storage_pool *p = find_name(c, args->name);
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
    struct storage_pool *p = find_uuid(c, (const unsigned char *)args->uuid);
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
    struct storage_pool *p = find_name(c, args->vol.pool);
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
    struct storage_pool *p;
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
    struct storage_pool *p;
    if (test_check_flags(args->flags, 0, "testStoragePoolGetXMLDesc") < 0 || test_sync(c) < 0 ||
        !(p = get_pool(c, &args->pool)))
        return -1;
    return (ret->xml = storage_pool_format(p)) ? 0 : -1;
}

static int test_storage_pool_get_autostart(struct drv_conn *c,
                                           const remote_storage_pool_get_autostart_args *args,
                                           remote_storage_pool_get_autostart_ret *ret)
{
    struct storage_pool *p;
    if (test_sync(c) < 0 || !(p = get_pool(c, &args->pool)))
        return -1;
    ret->autostart = p->persistent && p->autostart;
    return 0;
}

static int test_storage_pool_is_active(struct drv_conn *c,
                                       const remote_storage_pool_is_active_args *args,
                                       remote_storage_pool_is_active_ret *ret)
{
    struct storage_pool *p;
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
    struct storage_pool *p;
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

static int str_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* virStoragePoolObjIsDuplicate and the source check (storage_xml.h). */
static int check_duplicate(struct drv_conn *c, const struct storage_pool *def, int check_active,
                           struct storage_pool **existing)
{
    struct storage_state *s = st(c);
    size_t at;
    *existing = NULL;
    if (storage_pool_check_duplicate(s->pools, s->npools, def, check_active, &at) < 0)
        return -1;
    if (at < s->npools)
        *existing = s->pools[at];
    return 0;
}

/* Replaces existing's definition by def's (def is freed), keeping its
 * state and volumes. */
static void replace_def(struct storage_pool *existing, struct storage_pool *def)
{
    struct storage_pool keep = *existing;
    *existing = *def;
    existing->active = keep.active;
    existing->persistent = keep.persistent;
    existing->autostart = keep.autostart;
    existing->vols = keep.vols;
    existing->nvols = keep.nvols;
    keep.vols = NULL;
    keep.nvols = 0;
    *def = keep;
    storage_pool_free(def);
}

static int define_locked(struct drv_conn *c, const char *xml, unsigned int flags,
                         remote_nonnull_storage_pool *out)
{
    struct storage_pool *def, *o;
    /* VIR_STORAGE_POOL_DEFINE_VALIDATE */
    if (test_check_flags(flags, 1, "testStoragePoolDefineXML") < 0 ||
        ((flags & 1) && xml_validate_text(xml, "(storage_pool_definition)", "pool",
                                          "storagepool.rng", FROM_STORAGE) < 0) ||
        !(def = storage_pool_parse_string(xml)))
        return -1;
    if (check_duplicate(c, def, 0, &o) < 0) {
        storage_pool_free(def);
        return -1;
    }
    set_defaults(def);
    if (o && o->active) {
        /* A running pool keeps its definition: real's test driver never
         * applies the one given for its next start. */
        o->persistent = 1;
        storage_pool_free(def);
    } else if (o) {
        replace_def(o, def);
        o->persistent = 1;
    } else {
        if (pool_add(c, def) < 0) {
            storage_pool_free(def);
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
    struct storage_pool *def, *o;
    if (test_check_flags(flags, 0, "testStoragePoolCreateXML") < 0 ||
        !(def = storage_pool_parse_string(xml)))
        return -1;
    if (check_duplicate(c, def, 1, &o) < 0) {
        storage_pool_free(def);
        return -1;
    }
    set_defaults(def);
    if (o) {
        replace_def(o, def);
    } else {
        if (pool_add(c, def) < 0) {
            storage_pool_free(def);
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

static struct storage_pool *get_inactive_pool(struct drv_conn *c, const char *name)
{
    struct storage_pool *p = find_name(c, name);
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
                       const char *name, enum need need, int (*op)(struct drv_conn *, struct storage_pool *))
{
    if (test_check_flags(flags, 0, api) < 0 || test_wr_begin(c, api) < 0)
        return -1;
    struct storage_pool *p = need == ACTIVE     ? get_active_pool(c, name)
                     : need == INACTIVE ? get_inactive_pool(c, name)
                                        : find_name(c, name);
    if (!p && need == ANY)
        error_report(ERR_NO_STORAGE_POOL, FROM_TEST, "no storage pool with matching name '%s'",
                     name);
    return test_wr_end(c, p ? op(c, p) : -1);
}

static int do_start(struct drv_conn *c, struct storage_pool *p)
{
    p->active = 1;
    queue(c, p, EVENT_LIFECYCLE, EV_STARTED);
    return 0;
}

static int do_build(struct drv_conn *c, struct storage_pool *p)
{
    queue(c, p, EVENT_LIFECYCLE, EV_CREATED);
    return 0;
}

static int do_destroy(struct drv_conn *c, struct storage_pool *p)
{
    p->active = 0;
    queue(c, p, EVENT_LIFECYCLE, EV_STOPPED);
    if (!p->persistent)
        pool_remove(c, p);
    return 0;
}

static int do_delete(struct drv_conn *c, struct storage_pool *p)
{
    queue(c, p, EVENT_LIFECYCLE, EV_DELETED);
    return 0;
}

static int do_undefine(struct drv_conn *c, struct storage_pool *p)
{
    queue(c, p, EVENT_LIFECYCLE, EV_UNDEFINED);
    pool_remove(c, p);
    return 0;
}

static int do_refresh(struct drv_conn *c, struct storage_pool *p)
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
    struct storage_pool *p = get_pool(c, &args->pool);
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
    for (int i = 0; i < STORAGE_NTYPES; i++)
        if (strcmp(storage_pool_types[i].name, args->type) == 0)
            type = i;
    /* Real's test driver takes type 0 (dir) for an unknown name. */
    if (type == STORAGE_POOL_DIR) {
        error_report(ERR_INTERNAL_ERROR, FROM_TEST, "unknown storage pool type %s", args->type);
        return -1;
    }
    if (type != STORAGE_POOL_LOGICAL && type != STORAGE_POOL_NETFS) {
        error_report(ERR_NO_SUPPORT, FROM_TEST, "pool type '%s' does not support source discovery",
                     args->type);
        return -1;
    }
    struct storage_pool spec = {.type = type, .format = -1};
    int rc = -1;
    if (args->srcSpec) {
        xmlDocPtr doc = xml_parse(*args->srcSpec, strlen(*args->srcSpec),
                                  "(storage_source_specification)", FROM_STORAGE);
        if (!doc)
            return -1;
        rc = storage_parse_source(xmlDocGetRootElement(doc), &storage_pool_types[type], &spec);
        xmlFreeDoc(doc);
        if (rc < 0)
            goto out;
        rc = -1;
    }
    if (type == STORAGE_POOL_LOGICAL) {
        rc = drv_string(&ret->xml, logical_sources);
    } else {
        if (!spec.nhosts) {
            error_report(ERR_INVALID_ARG, FROM_TEST, "hostname must be specified for netfs sources");
            goto out;
        }
        struct out o;
        if (storage_out_open(&o) < 0)
            goto out;
        storage_put(o.f, "<sources>\n  <source>\n    <host name='%E'/>\n    <dir path='/testshare'/>\n"
                 "    <format type='nfs'/>\n  </source>\n</sources>\n",
            spec.hosts[0].name);
        rc = (ret->xml = storage_out_close(&o)) ? 0 : -1;
    }
out:
    storage_source_free(&spec);
    return rc;
}

/* ---- volumes ---- */

static int test_storage_pool_num_of_volumes(struct drv_conn *c,
                                            const remote_storage_pool_num_of_volumes_args *args,
                                            remote_storage_pool_num_of_volumes_ret *ret)
{
    struct storage_pool *p;
    if (test_sync(c) < 0 || !(p = get_active_pool(c, args->pool.name)))
        return -1;
    ret->num = (int)p->nvols;
    return 0;
}

static int test_storage_pool_list_volumes(struct drv_conn *c,
                                          const remote_storage_pool_list_volumes_args *args,
                                          remote_storage_pool_list_volumes_ret *ret)
{
    struct storage_pool *p;
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
    struct storage_pool *p = get_pool(c, &args->pool);
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
    struct storage_pool *p;
    if (test_sync(c) < 0 || !(p = get_active_pool(c, args->pool.name)))
        return -1;
    struct storage_vol *v = vol_by_name(p, args->name);
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
        struct storage_pool *p = ss->pools[i];
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
    struct storage_pool *p;
    struct storage_vol *v;
    if (test_check_flags(flags, 4, api) < 0 || !(p = get_active_pool(c, pool_name)))
        return -1;
    /* VIR_STORAGE_VOL_CREATE_VALIDATE gets past the call's check, but not
     * past the parser's (real's test driver after the schema check). */
    if (flags & 4) {
        error_set_message(ERR_INVALID_ARG, FROM_STORAGE,
                          "unsupported flags (0x4) in function virStorageVolDefParseXML");
        return -1;
    }
    if (!(v = storage_vol_parse_string(p, xml)))
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
    storage_vol_free(v);
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
    struct storage_pool *p;
    struct storage_vol *v = get_vol(c, &args->vol, &p);
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
    storage_vol_free(v);
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
    struct storage_pool *p;
    struct storage_vol *v;
    if (test_sync(c) < 0 || !(v = get_vol(c, &args->vol, &p)))
        return -1;
    ret->type = (char)storage_pool_types[p->type].vol_info_type;
    ret->capacity = v->capacity;
    ret->allocation = v->allocation;
    return 0;
}

static int test_storage_vol_get_xml_desc(struct drv_conn *c,
                                         const remote_storage_vol_get_xml_desc_args *args,
                                         remote_storage_vol_get_xml_desc_ret *ret)
{
    struct storage_pool *p;
    struct storage_vol *v;
    if (test_check_flags(args->flags, 0, "testStorageVolGetXMLDesc") < 0 || test_sync(c) < 0 ||
        !(v = get_vol(c, &args->vol, &p)))
        return -1;
    return (ret->xml = storage_vol_format(p, v)) ? 0 : -1;
}

static int test_storage_vol_get_path(struct drv_conn *c,
                                     const remote_storage_vol_get_path_args *args,
                                     remote_storage_vol_get_path_ret *ret)
{
    struct storage_pool *p;
    struct storage_vol *v;
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

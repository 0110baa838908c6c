/* The test driver: libvirt's "test" hypervisor, in memory, for one
 * connection. test:///default starts in the state real libvirt 9.0 starts
 * in; test:///ABSOLUTE/PATH.xml loads a <node> file. Semantics, messages,
 * states, reasons and events follow libvirt 9.0's test driver as observed.
 *
 * Differences from real libvirt worth knowing:
 * - list_all_domains and the list_* calls return domains in definition
 *   order; real libvirt's order comes from a hash table with a random seed
 *   and so differs from run to run anyway.
 * - node files: <cpu>, <memory> and <domain> (inline or file=) are read
 *   here, and each other kind's element by its file (test-internal.h);
 *   NUMA cells and the test-driver runstate metadata in a node file are
 *   ignored.
 *
 * The other kinds of object (networks, storage, node devices, host
 * interfaces) are in test-KIND.c, each described by a
 * struct test_kind (test-internal.h); this file keeps their state in the
 * connection, in test:///default's shared state and in its journal. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "conf/xml.h"
#include "conf/domain_xml.h"
#include "driver.h"
#include "error.h"
#include "test.h"
#include "test-guestops.h"
#include "test-host.h"
#include "test-dstats.h"
#include "test-internal.h"
#include "test-priv.h"
#include "test-share.h"
#include "test-snapshot.h"
#include "state/journal.h"
#include "uuid.h"

enum { ST_NOSTATE, ST_RUNNING, ST_BLOCKED, ST_PAUSED, ST_SHUTDOWN, ST_SHUTOFF, ST_CRASHED };
enum { RUNNING_UNKNOWN = 0, RUNNING_BOOTED = 1, RUNNING_UNPAUSED = 5 };
enum { PAUSED_USER = 1 };
enum { SHUTDOWN_USER = 1 };
enum { SHUTOFF_UNKNOWN = 0, SHUTOFF_SHUTDOWN = 1, SHUTOFF_DESTROYED = 2 };

enum { EV_DEFINED, EV_UNDEFINED, EV_STARTED, EV_SUSPENDED, EV_RESUMED, EV_STOPPED };
enum { EV_DEFINED_ADDED = 0, EV_DEFINED_UPDATED = 1 };
enum { EV_STOPPED_SHUTDOWN = 0, EV_STOPPED_DESTROYED = 1 };

enum { UNDEFINE_SNAPSHOTS_METADATA = 2 };
enum { RUNNING_FROM_SNAPSHOT = 4, PAUSED_FROM_SNAPSHOT = 7, SHUTOFF_FROM_SNAPSHOT = 7 };
enum { EV_STARTED_FROM_SNAPSHOT = 3, EV_SUSPENDED_FROM_SNAPSHOT = 5, EV_STOPPED_FROM_SNAPSHOT = 6 };
enum { MEM_MAXIMUM = 4, VCPU_MAXIMUM = 4 };

/* The domain tables start empty and double when there are more domains
 * than buckets. A connection used to start with three tables of 4096
 * buckets (96 KiB zeroed), which cost each connection process 24 page
 * faults before its first call. */
#define MIN_BUCKETS 16
/* What the test hypervisor reports as its vCPU limit (virConnectGetMaxVcpus). */
#define TEST_MAX_VCPUS 32


/* What virNodeGetInfo reports. */
struct node_info {
    char model[32];
    uint64_t memory_kib;
    int cpus, mhz, nodes, sockets, cores, threads;
};

struct drv_conn {
    struct node_info info;
    int default_node;
    int default_pending; /* test:///default's domain not parsed yet */
    struct tdom *head, *tail;
    struct tdom **by_name, **by_uuid, **by_id; /* nbuckets each, or NULL */
    unsigned int nbuckets;                      /* 0 or a power of two */
    unsigned int ndoms;
    int next_id;
    drv_event_fn event_fn;
    void *event_opaque;
    /* test:///default: the store every connection open to it shares
     * (test-share.h); the domains above are a copy of its state, brought
     * up to date at the start of each call. NULL: this connection's own
     * domains (node files). */
    struct tshare *share;
    /* Events a state-changing call raised, appended to the journal with
     * its new state. */
    struct pending_event {
        size_t len;
        unsigned char *data;
    } *pending;
    size_t npending, pending_cap;
    /* Each other kind's objects (test-internal.h); NULL for a kind not
     * built in. */
    void *kind_state[TEST_KIND_COUNT];
    const struct identity *who; /* who opened it (identity.h); NULL: us */
    struct drv_context ctx;     /* how the session serves it (streams) */
};

/* The kinds besides domains, by id; NULL when not built in. */
static const struct test_kind *kind(int id)
{
    switch (id) {
    case TEST_KIND_NETWORK:
        return &test_network_kind;
    case TEST_KIND_STORAGE:
        return &test_storage_kind;
    case TEST_KIND_NODEDEV:
        return &test_nodedev_kind;
    case TEST_KIND_INTERFACE:
        return &test_interface_kind;
    case TEST_KIND_GUEST:
        return &test_guest_kind;
    default:
        return NULL;
    }
}

void *test_state(struct drv_conn *c, enum test_kind_id id)
{
    return (unsigned)id < TEST_KIND_COUNT ? c->kind_state[id] : NULL;
}

static void clear_kinds(struct drv_conn *c)
{
    for (int i = 0; i < TEST_KIND_COUNT; i++)
        if (c->kind_state[i] && kind(i)->clear)
            kind(i)->clear(c, c->kind_state[i]);
}

/* Each kind's test:///default objects. */
static int load_kind_defaults(struct drv_conn *c)
{
    for (int i = 0; i < TEST_KIND_COUNT; i++)
        if (c->kind_state[i] && kind(i)->load_default &&
            kind(i)->load_default(c, c->kind_state[i]) < 0)
            return -1;
    return 0;
}

static const char caps_head[] = "<capabilities>\n"
                                "\n"
                                "  <host>\n"
                                "    <cpu>\n"
                                "      <arch>i686</arch>\n"
                                "      <features>\n"
                                "        <pae/>\n"
                                "        <nonpae/>\n"
                                "      </features>\n"
                                "      <pages unit='KiB' size='4'/>\n"
                                "      <pages unit='KiB' size='8'/>\n"
                                "      <pages unit='KiB' size='2048'/>\n"
                                "      <pages unit='KiB' size='1048576'/>\n"
                                "    </cpu>\n"
                                "    <power_management/>\n"
                                "    <iommu support='no'/>\n"
                                "    <topology>\n";
static const char caps_default_cells[] =
    "      <cells num='2'>\n"
    "        <cell id='0'>\n"
    "          <memory unit='KiB'>2097152</memory>\n"
    "          <pages unit='KiB' size='4'>524288</pages>\n"
    "          <pages unit='KiB' size='2048'>0</pages>\n"
    "          <pages unit='KiB' size='1048576'>0</pages>\n"
    "          <cpus num='8'>\n"
    "            <cpu id='0' socket_id='0' die_id='0' core_id='0' siblings='0'/>\n"
    "            <cpu id='1' socket_id='0' die_id='0' core_id='1' siblings='1'/>\n"
    "            <cpu id='2' socket_id='0' die_id='0' core_id='2' siblings='2'/>\n"
    "            <cpu id='3' socket_id='0' die_id='0' core_id='3' siblings='3'/>\n"
    "            <cpu id='4' socket_id='0' die_id='0' core_id='4' siblings='4'/>\n"
    "            <cpu id='5' socket_id='0' die_id='0' core_id='5' siblings='5'/>\n"
    "            <cpu id='6' socket_id='0' die_id='0' core_id='6' siblings='6'/>\n"
    "            <cpu id='7' socket_id='0' die_id='0' core_id='7' siblings='7'/>\n"
    "          </cpus>\n"
    "        </cell>\n"
    "        <cell id='1'>\n"
    "          <memory unit='KiB'>4194304</memory>\n"
    "          <pages unit='KiB' size='8'>524288</pages>\n"
    "          <pages unit='KiB' size='2048'>0</pages>\n"
    "          <pages unit='KiB' size='1048576'>0</pages>\n"
    "          <cpus num='8'>\n"
    "            <cpu id='8' socket_id='1' die_id='0' core_id='0' siblings='8'/>\n"
    "            <cpu id='9' socket_id='1' die_id='0' core_id='1' siblings='9'/>\n"
    "            <cpu id='10' socket_id='1' die_id='0' core_id='2' siblings='10'/>\n"
    "            <cpu id='11' socket_id='1' die_id='0' core_id='3' siblings='11'/>\n"
    "            <cpu id='12' socket_id='1' die_id='0' core_id='4' siblings='12'/>\n"
    "            <cpu id='13' socket_id='1' die_id='0' core_id='5' siblings='13'/>\n"
    "            <cpu id='14' socket_id='1' die_id='0' core_id='6' siblings='14'/>\n"
    "            <cpu id='15' socket_id='1' die_id='0' core_id='7' siblings='15'/>\n"
    "          </cpus>\n"
    "        </cell>\n"
    "      </cells>\n";
static const char caps_tail[] = "    </topology>\n"
                                "    <secmodel>\n"
                                "      <model>testSecurity</model>\n"
                                "      <doi></doi>\n"
                                "    </secmodel>\n"
                                "  </host>\n"
                                "\n"
                                "  <guest>\n"
                                "    <os_type>hvm</os_type>\n"
                                "    <arch name='i686'>\n"
                                "      <wordsize>32</wordsize>\n"
                                "      <emulator>/usr/bin/test-hv</emulator>\n"
                                "      <domain type='test'/>\n"
                                "    </arch>\n"
                                "    <features>\n"
                                "      <pae/>\n"
                                "      <nonpae/>\n"
                                "    </features>\n"
                                "  </guest>\n"
                                "\n"
                                "  <guest>\n"
                                "    <os_type>xen</os_type>\n"
                                "    <arch name='i686'>\n"
                                "      <wordsize>32</wordsize>\n"
                                "      <emulator>/usr/bin/test-hv</emulator>\n"
                                "      <domain type='test'/>\n"
                                "    </arch>\n"
                                "    <features>\n"
                                "      <pae/>\n"
                                "      <nonpae/>\n"
                                "    </features>\n"
                                "  </guest>\n"
                                "\n"
                                "</capabilities>\n";

static const char sysinfo_xml[] = "<sysinfo type='smbios'>\n"
                                  "  <bios>\n"
                                  "    <entry name='vendor'>LENOVO</entry>\n"
                                  "    <entry name='version'>G4ETA1WW (2.61 )</entry>\n"
                                  "    <entry name='date'>05/07/2014</entry>\n"
                                  "    <entry name='release'>2.61</entry>\n"
                                  "  </bios>\n"
                                  "</sysinfo>\n";

static const char default_domain_xml[] =
    "<domain type='test'>\n"
    "  <name>test</name>\n"
    "  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n"
    "  <memory>8388608</memory>\n"
    "  <currentMemory>2097152</currentMemory>\n"
    "  <vcpu>2</vcpu>\n"
    "  <os><type>hvm</type></os>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <source file='/guest/diskimage1'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
    "    </disk>\n"
    "    <interface type='network'>\n"
    "      <mac address='aa:bb:cc:dd:ee:ff'/>\n"
    "      <source network='default'/>\n"
    "      <target dev='testnet0'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>\n"
    "    </interface>\n"
    "    <memballoon model='virtio'>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
    "    </memballoon>\n"
    "  </devices>\n"
    "</domain>\n";

static const struct node_info default_node_info = {
    .model = "i686",
    .memory_kib = 3145728,
    .cpus = 16,
    .mhz = 1400,
    .nodes = 2,
    .sockets = 2,
    .cores = 2,
    .threads = 2,
};

/* ---- errors with libvirt's exact texts ---- */

int test_check_flags(unsigned int flags, unsigned int supported, const char *func)
{
    if (flags & ~supported) {
        char msg[160];
        snprintf(msg, sizeof(msg), "unsupported flags (0x%x) in function %s",
                 flags & ~supported, func);
        error_set_message(ERR_INVALID_ARG, FROM_TEST, msg);
        return -1;
    }
    return 0;
}

void test_no_memory(void)
{
    error_report(ERR_NO_MEMORY, FROM_TEST, NULL);
}

#define check_flags test_check_flags
#define no_memory test_no_memory

static void not_running(void)
{
    error_report(ERR_OPERATION_INVALID, FROM_DOMAIN, "domain is not running");
}

/* ---- the domain table ---- */

static unsigned int hash_str(const char *s)
{
    unsigned int h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static unsigned int hash_uuid(const unsigned char *u)
{
    unsigned int h = 2166136261u;
    for (int i = 0; i < DRV_UUID_LEN; i++)
        h = (h ^ u[i]) * 16777619u;
    return h;
}

/* The bucket of hash h; only called once the tables exist. */
static struct tdom **bucket(const struct drv_conn *c, struct tdom **table, unsigned int h)
{
    return &table[h & (c->nbuckets - 1)];
}

static struct tdom **name_bucket(const struct drv_conn *c, const char *name)
{
    return bucket(c, c->by_name, hash_str(name));
}

static struct tdom **uuid_bucket(const struct drv_conn *c, const unsigned char *uuid)
{
    return bucket(c, c->by_uuid, hash_uuid(uuid));
}

static struct tdom **id_bucket(const struct drv_conn *c, int id)
{
    return bucket(c, c->by_id, (unsigned int)id);
}

static void hash_in(struct drv_conn *c, struct tdom *d)
{
    struct tdom **b = name_bucket(c, d->def->name);
    d->name_next = *b;
    *b = d;
    b = uuid_bucket(c, d->def->uuid);
    d->uuid_next = *b;
    *b = d;
    if (d->id >= 0) {
        b = id_bucket(c, d->id);
        d->id_next = *b;
        *b = d;
    }
}

/* Makes room for one more domain: doubles the tables (rehashing every
 * domain) when the domains would outnumber the buckets. */
static int tables_reserve(struct drv_conn *c)
{
    unsigned int n = c->nbuckets ? c->nbuckets * 2 : MIN_BUCKETS;
    struct tdom **name, **uuid, **id;

    if (c->ndoms < c->nbuckets)
        return 0;
    name = calloc(n, sizeof(*name));
    uuid = calloc(n, sizeof(*uuid));
    id = calloc(n, sizeof(*id));
    if (!name || !uuid || !id) {
        free(name);
        free(uuid);
        free(id);
        no_memory();
        return -1;
    }
    free(c->by_name);
    free(c->by_uuid);
    free(c->by_id);
    c->by_name = name;
    c->by_uuid = uuid;
    c->by_id = id;
    c->nbuckets = n;
    for (struct tdom *d = c->head; d; d = d->next)
        hash_in(c, d);
    return 0;
}

static void load_pending(struct drv_conn *c);

static struct tdom *find_name(struct drv_conn *c, const char *name)
{
    load_pending(c);
    if (!c->nbuckets)
        return NULL;
    for (struct tdom *d = *name_bucket(c, name); d; d = d->name_next)
        if (strcmp(d->def->name, name) == 0)
            return d;
    return NULL;
}

static struct tdom *find_uuid(struct drv_conn *c, const unsigned char *uuid)
{
    load_pending(c);
    if (!c->nbuckets)
        return NULL;
    for (struct tdom *d = *uuid_bucket(c, uuid); d; d = d->uuid_next)
        if (memcmp(d->def->uuid, uuid, DRV_UUID_LEN) == 0)
            return d;
    return NULL;
}

static struct tdom *find_id(struct drv_conn *c, int id)
{
    load_pending(c);
    if (id < 0 || !c->nbuckets)
        return NULL;
    for (struct tdom *d = *id_bucket(c, id); d; d = d->id_next)
        if (d->id == id)
            return d;
    return NULL;
}

static void unlink_chain(struct tdom **head, struct tdom *d, size_t link_off)
{
    for (struct tdom **pp = head; *pp; pp = (struct tdom **)((char *)*pp + link_off)) {
        if (*pp == d) {
            *pp = *(struct tdom **)((char *)d + link_off);
            return;
        }
    }
}

static void id_unhash(struct drv_conn *c, struct tdom *d)
{
    if (d->id >= 0)
        unlink_chain(id_bucket(c, d->id), d, offsetof(struct tdom, id_next));
}

static void set_id(struct drv_conn *c, struct tdom *d, int id)
{
    id_unhash(c, d);
    d->id = id;
    if (id >= 0) {
        struct tdom **b = id_bucket(c, id);
        d->id_next = *b;
        *b = d;
    }
}

static struct tdom *dom_add(struct drv_conn *c, struct dx_def *def)
{
    struct tdom *d;

    if (tables_reserve(c) < 0)
        return NULL;
    d = calloc(1, sizeof(*d));
    if (!d) {
        no_memory();
        return NULL;
    }
    d->def = def;
    d->id = -1;
    d->state = ST_SHUTOFF;
    d->reason = SHUTOFF_UNKNOWN;
    hash_in(c, d);
    c->ndoms++;
    d->prev = c->tail;
    if (c->tail)
        c->tail->next = d;
    else
        c->head = d;
    c->tail = d;
    return d;
}

static void dom_remove(struct drv_conn *c, struct tdom *d)
{
    test_guest_forget(c, d->def->uuid);
    unlink_chain(name_bucket(c, d->def->name), d, offsetof(struct tdom, name_next));
    unlink_chain(uuid_bucket(c, d->def->uuid), d, offsetof(struct tdom, uuid_next));
    id_unhash(c, d);
    c->ndoms--;
    if (d->prev)
        d->prev->next = d->next;
    else
        c->head = d->next;
    if (d->next)
        d->next->prev = d->prev;
    else
        c->tail = d->prev;
    dx_def_free(d->def);
    dx_def_free(d->newdef);
    tmoments_free(d->moments);
    free(d->extra);
    free(d);
}

static int is_active(const struct tdom *d)
{
    return d->id >= 0;
}

#define EVENT_ID_LIFECYCLE 0

static void queue_event(struct drv_conn *c, struct tdom *d, int id, int event, int detail);

/* A lifecycle event for d, naming it with `id`. */
static void emit_as(struct drv_conn *c, struct tdom *d, int id, int event, int detail)
{
    remote_domain_event_lifecycle_msg m = {
        .dom = {.name = d->def->name, .id = id}, .event = event, .detail = detail};

    if (c->share) {
        queue_event(c, d, id, event, detail);
        return;
    }
    if (!c->event_fn)
        return;
    memcpy(m.dom.uuid, d->def->uuid, DRV_UUID_LEN);
    c->event_fn(c->event_opaque, DRV_EVENT_DOMAIN, EVENT_ID_LIFECYCLE, d->def->uuid, DRV_UUID_LEN,
                (xdrproc_t)xdr_remote_domain_event_lifecycle_msg, &m);
}

static void emit(struct drv_conn *c, struct tdom *d, int event, int detail)
{
    emit_as(c, d, d->id, event, detail);
}

static int fill_id(const struct tdom *d, remote_nonnull_domain *out)
{
    return drv_domain(out, d->def->name, d->def->uuid, d->id);
}

static int sync_state(struct drv_conn *c);

/* Finds the domain the client names, by uuid as libvirt does. */
static struct tdom *get_dom(struct drv_conn *c, const remote_nonnull_domain *dom)
{
    if (sync_state(c) < 0)
        return NULL;
    struct tdom *d = find_uuid(c, (const unsigned char *)dom->uuid);
    if (!d) {
        char uuid[37];
        uuid_format((const unsigned char *)dom->uuid, uuid);
        error_report(ERR_NO_DOMAIN, FROM_TEST, "no domain with matching uuid '%s' (%s)", uuid,
                     dom->name ? dom->name : "");
    }
    return d;
}

/* The persistent definition: newdef while running, else def. */
static struct dx_def *persistent_def(struct tdom *d)
{
    return d->newdef ? d->newdef : d->def;
}

static int start_domain(struct drv_conn *c, struct tdom *d, int reason)
{
    if (d->persistent && !d->newdef) {
        d->newdef = dx_def_copy(d->def);
        if (!d->newdef)
            return -1;
    }
    set_id(c, d, c->next_id++);
    d->state = ST_RUNNING;
    d->reason = reason;
    test_guest_started(c, d->def->uuid);
    return 0;
}

/* Stops `d`, emits STOPPED/detail and drops it when transient. The event
 * carries the old id unless a persistent config replaced the running
 * definition (libvirt's config copy has no id). */
static void stop_domain(struct drv_conn *c, struct tdom *d, int reason, int detail)
{
    int old_id = d->id;
    d->state = ST_SHUTOFF;
    d->reason = reason;
    if (d->newdef) {
        dx_def_free(d->def);
        d->def = d->newdef;
        d->newdef = NULL;
        old_id = -1;
    }
    set_id(c, d, -1);
    emit_as(c, d, old_id, EV_STOPPED, detail);
    if (!d->persistent)
        dom_remove(c, d);
}

/* libvirt's duplicate rules: same uuid with another name, or same name with
 * another uuid, are refused; `live` also refuses an active match. Sets
 * *existing to the same-name-same-uuid domain if any. */
static int check_duplicate(struct drv_conn *c, const struct dx_def *def, int live,
                           struct tdom **existing)
{
    char uuid[37];
    struct tdom *d = find_uuid(c, def->uuid);
    *existing = NULL;
    if (d) {
        if (strcmp(d->def->name, def->name) != 0) {
            uuid_format(d->def->uuid, uuid);
            error_report(ERR_OPERATION_FAILED, FROM_DOMAIN,
                         "domain '%s' is already defined with uuid %s", d->def->name, uuid);
            return -1;
        }
        if (live && is_active(d)) {
            error_report(ERR_OPERATION_INVALID, FROM_DOMAIN, "domain '%s' is already active",
                         d->def->name);
            return -1;
        }
        *existing = d;
        return 0;
    }
    d = find_name(c, def->name);
    if (d) {
        uuid_format(d->def->uuid, uuid);
        error_report(ERR_OPERATION_FAILED, FROM_DOMAIN,
                     "domain '%s' already exists with uuid %s", def->name, uuid);
        return -1;
    }
    return 0;
}

/* ---- connection ---- */

static struct drv_conn *conn_new(void)
{
    struct drv_conn *c = calloc(1, sizeof(*c));
    if (!c) {
        no_memory();
        return NULL;
    }
    c->info = default_node_info;
    c->next_id = 1;
    for (int i = 0; i < TEST_KIND_COUNT; i++) {
        const struct test_kind *k = kind(i);
        if (k && !(c->kind_state[i] = calloc(1, k->state_size ? k->state_size : 1))) {
            for (int j = 0; j < i; j++)
                free(c->kind_state[j]);
            free(c);
            no_memory();
            return NULL;
        }
    }
    return c;
}

static void drop_pending(struct drv_conn *c);

static void test_close(struct drv_conn *c)
{
    if (!c)
        return;
    tshare_close(c->share);
    drop_pending(c);
    free(c->pending);
    while (c->head)
        dom_remove(c, c->head);
    clear_kinds(c);
    for (int i = 0; i < TEST_KIND_COUNT; i++)
        free(c->kind_state[i]);
    free(c->by_name);
    free(c->by_uuid);
    free(c->by_id);
    free(c);
}

/* Adds a parsed node-file or default domain, running and persistent. */
static int add_initial_domain(struct drv_conn *c, struct dx_def *def)
{
    struct tdom *existing;
    if (check_duplicate(c, def, 0, &existing) < 0 || existing) {
        if (existing)
            error_report(ERR_OPERATION_FAILED, FROM_DOMAIN, "domain '%s' already exists",
                         def->name);
        dx_def_free(def);
        return -1;
    }
    struct tdom *d = dom_add(c, def);
    if (!d) {
        dx_def_free(def);
        return -1;
    }
    d->persistent = 1;
    return start_domain(c, d, RUNNING_UNKNOWN);
}

/* test:///default's domain is parsed when a call first looks at the
 * domains: a connection that never does (open, get the version, close)
 * never loads the XML parser's code. Lookups and listings go through
 * find_* or call this first, so the state they see is the same. */
static int open_default(struct drv_conn *c)
{
    c->default_node = 1;
    c->default_pending = 1;
    return 0;
}

static void load_pending(struct drv_conn *c)
{
    if (!c->default_pending)
        return;
    c->default_pending = 0;
    /* It has been running since the open: no event for starting it. */
    drv_event_fn fn = c->event_fn;
    c->event_fn = NULL;
    struct dx_def *def = dx_def_parse_string(default_domain_xml);
    if (!def || add_initial_domain(c, def) < 0)
        fprintf(stderr, "test driver: cannot set up the default domain\n");
    if (load_kind_defaults(c) < 0) {
        fprintf(stderr, "test driver: cannot set up test:///default's objects: %s\n",
                error_last_message());
        error_clear();
    }
    c->event_fn = fn;
}

/* ---- test:///default, shared between connections (test-share.h) ---- */

/* The state file: a header line, then each domain in definition order as
 * a line of numbers followed by its definition's XML, its persistent
 * config's (empty when it has none) and the driver's other state of it
 * (struct tdom's extra, test-dstats.c's; empty when none), then its
 * snapshots and checkpoints (tmoments_serialize):
 *   "test:///default 2 NEXT_ID NDOMS\n"
 *   "domain ID STATE REASON PERSISTENT AUTOSTART DEFLEN NEWDEFLEN EXTRALEN\n"
 *   DEF NEWDEF EXTRA MOMENTS
 * and after the domains each other kind's section, what its save wrote:
 *   "section NAME LEN\n" DATA
 * (a kind without a section starts from its defaults). */
#define STATE_MAGIC "test:///default 2"

static void clear_domains(struct drv_conn *c)
{
    while (c->head)
        dom_remove(c, c->head);
    clear_kinds(c);
}

static void bad_state(const char *why)
{
    error_report(ERR_INTERNAL_ERROR, FROM_TEST, "the shared state of test:///default is damaged: %s",
                 why);
}

/* The kinds' sections, from p to end. */
static int rebuild_kinds(struct drv_conn *c, const char *p, const char *end)
{
    int seen[TEST_KIND_COUNT] = {0};

    while (p < end) {
        char name[64];
        size_t len;
        int used = 0;
        if (!memchr(p, '\n', (size_t)(end - p)) ||
            sscanf(p, "section %63s %zu\n%n", name, &len, &used) != 2 || used <= 0 ||
            len > (size_t)(end - p - used)) {
            bad_state("a section's line");
            return -1;
        }
        p += used;
        int i = 0;
        while (i < TEST_KIND_COUNT && !(kind(i) && strcmp(kind(i)->name, name) == 0))
            i++;
        /* A kind this build does not have: its section is skipped. */
        if (i < TEST_KIND_COUNT) {
            if (seen[i]) {
                bad_state("a section twice");
                return -1;
            }
            seen[i] = 1;
            if (kind(i)->load && kind(i)->load(c, c->kind_state[i], p, len) < 0)
                return -1;
        }
        p += len;
    }
    for (int i = 0; i < TEST_KIND_COUNT; i++)
        if (kind(i) && !seen[i] && kind(i)->load_default &&
            kind(i)->load_default(c, c->kind_state[i]) < 0)
            return -1;
    return 0;
}

/* Builds the domains from the state file's text; NULL: the default. */
static int rebuild(struct drv_conn *c, const char *data, size_t len)
{
    clear_domains(c);
    c->next_id = 1;
    if (!data) {
        struct dx_def *def = dx_def_parse_string(default_domain_xml);
        if (!def || add_initial_domain(c, def) < 0)
            return -1;
        return load_kind_defaults(c);
    }
    const char *p = data, *end = data + len;
    int next_id, used = 0;
    unsigned int ndoms;
    if (sscanf(p, STATE_MAGIC " %d %u\n%n", &next_id, &ndoms, &used) != 2 || used <= 0 ||
        next_id < 1 || ndoms > 1000000) {
        bad_state("no header");
        return -1;
    }
    c->next_id = next_id;
    p += used;
    for (unsigned int i = 0; i < ndoms; i++) {
        int id, state, reason, persistent, autostart;
        size_t deflen, newlen, extralen;
        used = 0;
        if (!memchr(p, '\n', (size_t)(end - p)) ||
            sscanf(p, "domain %d %d %d %d %d %zu %zu %zu\n%n", &id, &state, &reason, &persistent,
                   &autostart, &deflen, &newlen, &extralen, &used) != 8 ||
            used <= 0 || id < -1 || state < ST_NOSTATE || state > ST_CRASHED ||
            (persistent & ~1) || (autostart & ~1) || deflen == 0 ||
            deflen > (size_t)(end - p - used) || newlen > (size_t)(end - p - used) - deflen ||
            extralen > (size_t)(end - p - used) - deflen - newlen) {
            bad_state("a domain's line");
            return -1;
        }
        p += used;
        char *x = strndup(p, deflen), *y = newlen ? strndup(p + deflen, newlen) : NULL;
        char *extra = extralen ? strndup(p + deflen + newlen, extralen) : NULL;
        p += deflen + newlen + extralen;
        if (!x || (newlen && !y) || (extralen && !extra)) {
            free(x);
            free(y);
            free(extra);
            no_memory();
            return -1;
        }
        struct dx_def *def = dx_def_parse_string(x), *newdef = y ? dx_def_parse_string(y) : NULL;
        free(x);
        free(y);
        struct tdom *d = def && (!newlen || newdef) ? dom_add(c, def) : NULL;
        if (!d) {
            dx_def_free(def);
            dx_def_free(newdef);
            free(extra);
            return -1;
        }
        d->newdef = newdef;
        d->extra = extra;
        d->state = state;
        d->reason = reason;
        d->persistent = persistent;
        d->autostart = autostart;
        set_id(c, d, id);
        if (tmoments_parse(&p, end, &d->moments) < 0) {
            bad_state("a domain's snapshots");
            return -1;
        }
    }
    return rebuild_kinds(c, p, end);
}

/* The state file's text for the domains there are now. */
static char *serialize(struct drv_conn *c, size_t *len)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    int ok = f != NULL;

    if (ok)
        ok = fprintf(f, STATE_MAGIC " %d %u\n", c->next_id, c->ndoms) > 0;
    for (struct tdom *d = c->head; ok && d; d = d->next) {
        char *x = dx_def_format(d->def, -1), *y = d->newdef ? dx_def_format(d->newdef, -1) : NULL;
        ok = x && (!d->newdef || y) &&
             fprintf(f, "domain %d %d %d %d %d %zu %zu %zu\n%s%s%s", d->id, d->state,
                     d->reason, d->persistent, d->autostart, strlen(x), y ? strlen(y) : 0,
                     d->extra ? strlen(d->extra) : 0, x, y ? y : "",
                     d->extra ? d->extra : "") > 0 &&
             tmoments_serialize(f, d->moments) == 0;
        free(x);
        free(y);
    }
    for (int i = 0; ok && i < TEST_KIND_COUNT; i++) {
        const struct test_kind *k = kind(i);
        if (!k || !k->save)
            continue;
        char *sec = NULL;
        size_t seclen = 0;
        FILE *sf = open_memstream(&sec, &seclen);
        ok = sf && k->save(c, c->kind_state[i], sf) == 0;
        if (sf && fclose(sf) != 0)
            ok = 0;
        ok = ok && fprintf(f, "section %s %zu\n", k->name, seclen) > 0 &&
             (seclen == 0 || fwrite(sec, 1, seclen, f) == seclen);
        free(sec);
    }
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok) {
        free(buf);
        no_memory();
        return NULL;
    }
    *len = size;
    return buf;
}

/* Brings the domains up to date with the shared state (or, for a
 * connection of its own, parses test:///default's domain the first time). */
static int sync_state(struct drv_conn *c)
{
    char *data;
    size_t len;

    if (!c->share) {
        load_pending(c);
        return 0;
    }
    int r = tshare_snapshot(c->share, &data, &len);
    if (r <= 0)
        return r;
    r = rebuild(c, data, len);
    free(data);
    if (r < 0) {
        clear_domains(c);
        tshare_forget(c->share);
    }
    return r;
}

/* An event record in the journal: 'L', the event, its detail and the
 * domain's id (little-endian 32 bits each), its uuid, then its name. */
#define REC_HEAD (1 + 12 + DRV_UUID_LEN)

static void put32(unsigned char *p, int v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)((unsigned int)v >> (8 * i));
}

static int get32(const unsigned char *p)
{
    unsigned int v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return (int)v;
}

/* Keeps rec (malloc'd; taken over, freed when it cannot be kept) for the
 * end of the call. */
static void pending_add(struct drv_conn *c, unsigned char *rec, size_t len)
{
    if (c->npending == c->pending_cap) {
        size_t cap = c->pending_cap ? c->pending_cap * 2 : 4;
        struct pending_event *p = realloc(c->pending, cap * sizeof(*p));
        if (!p) {
            free(rec);
            return;
        }
        c->pending = p;
        c->pending_cap = cap;
    }
    c->pending[c->npending++] = (struct pending_event){len, rec};
}

void test_queue_event(struct drv_conn *c, const void *rec, size_t len)
{
    if (len == 0 || len > STATE_JOURNAL_RECORD_MAX)
        return;
    unsigned char *copy = malloc(len);
    if (!copy)
        return;
    memcpy(copy, rec, len);
    pending_add(c, copy, len);
}

void test_emit(struct drv_conn *c, int family, int event_id, const unsigned char *key,
               size_t key_len, xdrproc_t msg_fn, const void *msg)
{
    if (c->event_fn)
        c->event_fn(c->event_opaque, family, event_id, key, key_len, msg_fn, msg);
}

static void queue_event(struct drv_conn *c, struct tdom *d, int id, int event, int detail)
{
    size_t nlen = strlen(d->def->name);
    unsigned char *rec;

    rec = malloc(REC_HEAD + nlen);
    if (!rec)
        return;
    rec[0] = 'L';
    put32(rec + 1, event);
    put32(rec + 5, detail);
    put32(rec + 9, id);
    memcpy(rec + 13, d->def->uuid, DRV_UUID_LEN);
    memcpy(rec + REC_HEAD, d->def->name, nlen);
    pending_add(c, rec, REC_HEAD + nlen);
}

static void drop_pending(struct drv_conn *c)
{
    for (size_t i = 0; i < c->npending; i++)
        free(c->pending[i].data);
    c->npending = 0;
}

/* One record to the session's sink. The journal's directory is private,
 * but what is read is checked all the same. */
static void deliver_record(struct drv_conn *c, const unsigned char *rec, size_t len)
{
    if (len > 0 && rec[0] != 'L') {
        /* Another kind's: its tag says whose. */
        for (int i = 0; i < TEST_KIND_COUNT; i++)
            if (kind(i) && kind(i)->tag == rec[0] && kind(i)->deliver) {
                if (c->event_fn)
                    kind(i)->deliver(c, rec, len);
                return;
            }
        return;
    }
    if (!c->event_fn || len < REC_HEAD + 1 || len > REC_HEAD + 4096 || rec[0] != 'L' ||
        memchr(rec + REC_HEAD, '\0', len - REC_HEAD))
        return;
    char *name = strndup((const char *)rec + REC_HEAD, len - REC_HEAD);
    if (!name)
        return;
    remote_domain_event_lifecycle_msg m = {
        .dom = {.name = name, .id = get32(rec + 9)},
        .event = get32(rec + 1),
        .detail = get32(rec + 5)};
    memcpy(m.dom.uuid, rec + 13, DRV_UUID_LEN);
    c->event_fn(c->event_opaque, DRV_EVENT_DOMAIN, EVENT_ID_LIFECYCLE, rec + 13, DRV_UUID_LEN,
                (xdrproc_t)xdr_remote_domain_event_lifecycle_msg, &m);
    free(name);
}

/* Hands the journal's new records to the session, in the journal's order:
 * every connection's events, this one's too. */
static void deliver_events(void *opaque)
{
    struct drv_conn *c = opaque;
    const void *data;
    size_t len;
    int r;

    while ((r = tshare_next_event(c->share, &data, &len)) == 1)
        deliver_record(c, data, len);
    if (r < 0) {
        fprintf(stderr, "test driver: cannot read the event journal: %s\n",
                error_last_message());
        error_clear();
    }
}

/* A state-changing call runs between these: the lock, then the latest
 * state; after it, the new state and its events, in that order, before
 * anyone else may change it. wr_end returns the call's result, or -1
 * when its state could not be saved (nothing of it is then kept). */
static int wr_begin(struct drv_conn *c, const char *owner)
{
    if (!c->share)
        return sync_state(c);
    if (tshare_lock(c->share, owner) < 0)
        return -1;
    if (sync_state(c) < 0) {
        tshare_unlock(c->share);
        return -1;
    }
    return 0;
}

static int wr_end(struct drv_conn *c, int rc)
{
    struct error saved = {0};

    if (!c->share) {
        /* A node file's connection: the call's events (test_queue_event)
         * go straight to its kinds' deliver. */
        for (size_t i = 0; rc == 0 && i < c->npending; i++)
            deliver_record(c, c->pending[i].data, c->pending[i].len);
        drop_pending(c);
        return rc;
    }
    if (rc == 0) {
        size_t len;
        char *text = serialize(c, &len);
        if (!text || tshare_save(c->share, text, len) < 0)
            rc = -1;
        free(text);
    }
    if (rc == 0) {
        for (size_t i = 0; i < c->npending; i++)
            if (tshare_append(c->share, c->pending[i].data, c->pending[i].len) < 0) {
                /* The state is saved; an event that cannot be journalled
                 * is lost (logged), as one a full queue drops. */
                fprintf(stderr, "test driver: cannot journal an event: %s\n",
                        error_last_message());
                error_clear();
                break;
            }
    } else {
        tshare_forget(c->share);
    }
    /* The call's error is what the client gets, whatever the rest says. */
    error_save(&saved);
    tshare_unlock(c->share);
    if (tshare_listening(c->share)) {
        drop_pending(c);
        deliver_events(c);
    } else {
        /* Nobody listens to the journal here: this call's own events go
         * to the session directly (which keeps those a registration
         * wants; with none, it drops them). */
        for (size_t i = 0; rc == 0 && i < c->npending; i++)
            deliver_record(c, c->pending[i].data, c->pending[i].len);
        drop_pending(c);
    }
    error_restore(&saved);
    return rc;
}

int test_sync(struct drv_conn *c)
{
    return sync_state(c);
}

int test_wr_begin(struct drv_conn *c, const char *owner)
{
    return wr_begin(c, owner);
}

int test_wr_end(struct drv_conn *c, int rc)
{
    return wr_end(c, rc);
}

int test_is_default(const struct drv_conn *c)
{
    return c->default_node;
}

const struct identity *test_who(const struct drv_conn *c)
{
    return c->who;
}

int test_open_stream(struct drv_conn *c, const struct drv_stream *st)
{
    if (!c->ctx.open_stream) {
        close(st->fd);
        error_report(ERR_NO_SUPPORT, FROM_STREAMS, "streams are not supported here");
        return -1;
    }
    return c->ctx.open_stream(c->ctx.wait_opaque, st);
}

static void test_events_wanted(struct drv_conn *c)
{
    if (c->share && !tshare_listening(c->share) &&
        tshare_listen(c->share, deliver_events, c) < 0) {
        fprintf(stderr, "test driver: cannot read the event journal: %s\n",
                error_last_message());
        error_clear();
    }
}

static xmlNodePtr first_child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
    return NULL;
}

/* Reads an unsigned value of <node><cpu><name>; 0 when absent, -1 on error. */
static int node_uint(xmlNodePtr parent, const char *name, long *out)
{
    xmlNodePtr n = parent ? first_child(parent, name) : NULL;
    if (!n)
        return 0;
    xmlChar *t = xmlNodeGetContent(n);
    char *end;
    long v = strtol((const char *)t, &end, 10);
    int bad = !*(const char *)t || *end || v < 0;
    xmlFree(t);
    if (bad) {
        error_report(ERR_XML_ERROR, FROM_TEST, "invalid node %s value", name);
        return -1;
    }
    *out = v;
    return 1;
}

static int parse_node_cpu(struct drv_conn *c, xmlNodePtr root)
{
    xmlNodePtr cpu = first_child(root, "cpu");
    long v;
    int r;
    struct {
        const char *name;
        int *dst;
    } fields[] = {{"nodes", &c->info.nodes},
                  {"sockets", &c->info.sockets},
                  {"cores", &c->info.cores},
                  {"threads", &c->info.threads}};
    for (size_t i = 0; i < 4; i++) {
        if ((r = node_uint(cpu, fields[i].name, &v)) < 0)
            return -1;
        if (r)
            *fields[i].dst = (int)v;
    }
    c->info.cpus = c->info.nodes * c->info.sockets * c->info.cores * c->info.threads;
    if ((r = node_uint(cpu, "active", &v)) < 0)
        return -1;
    if (r && v < c->info.cpus)
        c->info.cpus = (int)v;
    if ((r = node_uint(cpu, "mhz", &v)) < 0)
        return -1;
    if (r)
        c->info.mhz = (int)v;
    xmlNodePtr model = cpu ? first_child(cpu, "model") : NULL;
    if (model) {
        xmlChar *t = xmlNodeGetContent(model);
        snprintf(c->info.model, sizeof(c->info.model), "%s", (const char *)t);
        xmlFree(t);
    }
    if ((r = node_uint(root, "memory", &v)) < 0)
        return -1;
    if (r)
        c->info.memory_kib = (uint64_t)v;
    return 0;
}

/* Node files and the domain files they name are read with the client's
 * permissions (identity.h), must be regular files and are bounded. */
#define NODE_FILE_MAX (16 * 1024 * 1024)

static xmlDocPtr load_xml_file(const char *path, const struct identity *who)
{
    char *text;
    size_t len;

    if (identity_read_file(who, path, NODE_FILE_MAX, FROM_TEST, &text, &len) < 0) {
        if (errno == ENOENT) /* what libvirt says */
            error_report(ERR_XML_ERROR, FROM_TEST, "failed to parse xml document '%s'", path);
        return NULL;
    }
    xmlDocPtr doc = xml_parse(text, len, path, FROM_TEST);
    free(text);
    return doc;
}

int test_node_file(struct drv_conn *c, xmlNodePtr n, const char *dir, xmlDocPtr *sub,
                   xmlNodePtr *root)
{
    xmlChar *file = xmlGetProp(n, (const xmlChar *)"file");
    char *path;

    *sub = NULL;
    *root = NULL;
    if (!file)
        return 0;
    int r = file[0] == '/' ? asprintf(&path, "%s", (const char *)file)
                           : asprintf(&path, "%s/%s", dir, (const char *)file);
    xmlFree(file);
    if (r < 0) {
        no_memory();
        return -1;
    }
    *sub = load_xml_file(path, c->who);
    free(path);
    if (!*sub)
        return -1;
    *root = xmlDocGetRootElement(*sub);
    return 0;
}

static int parse_node_domain(struct drv_conn *c, const char *dir, xmlDocPtr doc, xmlNodePtr n)
{
    xmlDocPtr sub;
    xmlNodePtr root;
    struct dx_def *def;

    if (test_node_file(c, n, dir, &sub, &root) < 0)
        return -1;
    def = sub ? dx_def_parse_node(sub, root) : dx_def_parse_node(doc, n);
    xmlFreeDoc(sub);
    if (def && tds_canonical(def) < 0) {
        dx_def_free(def);
        return -1;
    }
    return def ? add_initial_domain(c, def) : -1;
}

/* An element of a node file other than <domain>, <cpu> and <memory>: the
 * kind that reads it, if any. */
static int parse_node_other(struct drv_conn *c, const char *dir, xmlDocPtr doc, xmlNodePtr n)
{
    for (int i = 0; i < TEST_KIND_COUNT; i++) {
        const struct test_kind *k = kind(i);
        if (k && k->node_element && k->load_node &&
            strcmp((const char *)n->name, k->node_element) == 0)
            return k->load_node(c, c->kind_state[i], doc, n, dir);
    }
    return 0;
}

static int open_node_file(struct drv_conn *c, const char *path)
{
    xmlDocPtr doc = load_xml_file(path, c->who);
    if (!doc)
        return -1;
    int ret = -1;
    char *dir = strdup(path);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!dir) {
        no_memory();
        goto out;
    }
    *strrchr(dir, '/') = '\0';
    if (strcmp((const char *)root->name, "node") != 0) {
        error_report(ERR_XML_ERROR, FROM_XML, "expecting root element of 'node', not '%s'",
                     (const char *)root->name);
        goto out;
    }
    if (parse_node_cpu(c, root) < 0)
        goto out;
    for (xmlNodePtr n = root->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)n->name, "domain") == 0 ? parse_node_domain(c, dir, doc, n) < 0
                                                          : parse_node_other(c, dir, doc, n) < 0)
            goto out;
    }
    ret = 0;
out:
    free(dir);
    xmlFreeDoc(doc);
    return ret;
}

/* Splits test:[//authority]/path[?query] and returns the path (malloc'd),
 * "" when there is none, or NULL when the URI is not ours. */
static char *uri_path(const char *uri)
{
    if (strncmp(uri, "test:", 5) != 0 && strncmp(uri, "test+", 5) != 0)
        return NULL;
    const char *colon = strchr(uri, ':');
    if (!colon) /* "test+something" with no scheme end (found by fuzzing) */
        return NULL;
    const char *p = colon + 1;
    if (strncmp(p, "//", 2) == 0) {
        p += 2;
        p += strcspn(p, "/?#");
    }
    return strndup(p, strcspn(p, "?#"));
}

static int test_open(const char *uri, unsigned int flags, const struct drv_context *ctx,
                     struct drv_conn **out)
{
    char *path = uri ? uri_path(uri) : NULL;
    if (!path)
        return 0;
    int ret = -1, r;
    struct drv_conn *c = NULL;
    if (path[0] == '\0' || strcmp(path, "/") == 0) {
        error_report(ERR_INVALID_ARG, FROM_TEST,
                     "testOpen: supply a path or use test:///default");
        goto out;
    }
    c = conn_new();
    if (!c)
        goto out;
    c->who = ctx ? ctx->who : NULL;
    if (ctx)
        c->ctx = *ctx;
    if (strcmp(path, "/default") == 0) {
        r = open_default(c);
        if (r == 0 && tshare_open(ctx, &c->share) < 0) {
            /* Without the store (a run directory that cannot be made) the
             * connection still works, with a test:///default of its own. */
            fprintf(stderr, "test driver: test:///default is not shared: %s\n",
                    error_last_message());
            error_clear();
        }
        if (c->share)
            c->default_pending = 0;
    } else if (path[0] != '/') {
        error_report(ERR_XML_ERROR, FROM_TEST, "failed to parse xml document '%s'", path);
        r = -1;
    } else {
        r = open_node_file(c, path);
    }
    if (r < 0)
        goto out;
    *out = c;
    c = NULL;
    ret = 1;
out:
    test_close(c);
    free(path);
    return ret;
}

/* Leaves test:///default's store at the client's CONNECT_CLOSE: the last
 * connection resets it now, not after the reply (driver.h). */
static void test_detach(struct drv_conn *c)
{
    tshare_close(c->share);
    c->share = NULL;
    c->event_fn = NULL;
}

static void test_set_event_sink(struct drv_conn *c, drv_event_fn fn, void *opaque)
{
    c->event_fn = fn;
    c->event_opaque = opaque;
}

/* ---- the connection and the node ---- */

static int test_connect_get_type(struct drv_conn *c, remote_connect_get_type_ret *ret)
{
    return drv_string(&ret->type, "TEST");
}

static int test_connect_get_version(struct drv_conn *c, remote_connect_get_version_ret *ret)
{
    ret->hv_ver = 2;
    return 0;
}

static int test_connect_get_hostname(struct drv_conn *c, remote_connect_get_hostname_ret *ret)
{
    char buf[HOST_NAME_MAX + 1];
    if (gethostname(buf, sizeof(buf)) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_TEST, "failed to determine host name");
        return -1;
    }
    buf[sizeof(buf) - 1] = '\0';
    return drv_string(&ret->hostname, buf);
}

static int test_node_get_info(struct drv_conn *c, remote_node_get_info_ret *ret)
{
    for (size_t i = 0; i < sizeof(ret->model); i++)
        ret->model[i] = c->info.model[i];
    ret->memory = c->info.memory_kib;
    ret->cpus = c->info.cpus;
    ret->mhz = c->info.mhz;
    ret->nodes = c->info.nodes;
    ret->sockets = c->info.sockets;
    ret->cores = c->info.cores;
    ret->threads = c->info.threads;
    return 0;
}

/* libvirt's test driver adds up its NUMA cells' free memory, kept in KiB
 * and answered as if it were bytes: test:///default's two cells have 1 and
 * 2 GiB free; node files here have no cells, so 0 (which virsh then
 * reports as an error of unknown cause, as with libvirt). */
#define DEFAULT_CELLS_FREE_KIB (1024 * 1024 + 2 * 1024 * 1024)

static int test_node_get_free_memory(struct drv_conn *c, remote_node_get_free_memory_ret *ret)
{
    ret->freeMem = c->default_node ? DEFAULT_CELLS_FREE_KIB : 0;
    return 0;
}

static int test_connect_get_capabilities(struct drv_conn *c,
                                         remote_connect_get_capabilities_ret *ret)
{
    const char *cells =
        c->default_node ? caps_default_cells : "      <cells num='0'>\n      </cells>\n";
    if (asprintf(&ret->capabilities, "%s%s%s", caps_head, cells, caps_tail) < 0) {
        ret->capabilities = NULL;
        no_memory();
        return -1;
    }
    return 0;
}

static int test_connect_get_sysinfo(struct drv_conn *c,
                                    const remote_connect_get_sysinfo_args *args,
                                    remote_connect_get_sysinfo_ret *ret)
{
    if (check_flags(args->flags, 0, "testConnectGetSysinfo") < 0)
        return -1;
    return drv_string(&ret->sysinfo, sysinfo_xml);
}

static int test_node_get_security_model(struct drv_conn *c,
                                        remote_node_get_security_model_ret *ret)
{
    if (drv_chars(&ret->model.model_len, &ret->model.model_val, "testSecurity",
                  REMOTE_SECURITY_MODEL_MAX) < 0)
        return -1;
    return drv_chars(&ret->doi.doi_len, &ret->doi.doi_val, "", REMOTE_SECURITY_DOI_MAX);
}

static int test_connect_get_max_vcpus(struct drv_conn *c,
                                      const remote_connect_get_max_vcpus_args *args,
                                      remote_connect_get_max_vcpus_ret *ret)
{
    ret->max_vcpus = TEST_MAX_VCPUS;
    return 0;
}

/* ---- listing ---- */

static int matches(const struct tdom *d, unsigned int f)
{
    int active = is_active(d);
    if ((f & 3) && !((f & 1 && active) || (f & 2 && !active)))
        return 0;
    if ((f & 12) && !((f & 4 && d->persistent) || (f & 8 && !d->persistent)))
        return 0;
    if (f & 0xf0) {
        int bit = d->state == ST_RUNNING   ? 0x10
                  : d->state == ST_PAUSED  ? 0x20
                  : d->state == ST_SHUTOFF ? 0x40
                                           : 0x80;
        if (!(f & bit))
            return 0;
    }
    if ((f & 0x300) && !(f & 0x200)) /* no managed save images exist */
        return 0;
    if ((f & 0xc00) && !((f & 0x400 && d->autostart) || (f & 0x800 && !d->autostart)))
        return 0;
    if ((f & 0x3000) && !(f & 0x2000)) /* no snapshots */
        return 0;
    if ((f & 0xc000) && !(f & 0x8000)) /* no checkpoints */
        return 0;
    return 1;
}

static int test_connect_list_all_domains(struct drv_conn *c,
                                         const remote_connect_list_all_domains_args *args,
                                         remote_connect_list_all_domains_ret *ret)
{
    if (check_flags(args->flags, 0xffff, "testConnectListAllDomains") < 0)
        return -1;
    size_t count = 0, k = 0;
    if (sync_state(c) < 0)
        return -1;
    for (struct tdom *d = c->head; d; d = d->next)
        count += matches(d, args->flags);
    ret->ret = (u_int)count;
    if (!args->need_results)
        return 0;
    ret->domains.domains_val = calloc(count ? count : 1, sizeof(remote_nonnull_domain));
    if (!ret->domains.domains_val) {
        no_memory();
        return -1;
    }
    for (struct tdom *d = c->head; d; d = d->next) {
        if (!matches(d, args->flags))
            continue;
        if (fill_id(d, &ret->domains.domains_val[k]) < 0)
            return -1;
        ret->domains.domains_len = (u_int)++k;
    }
    return 0;
}

static int test_connect_num_of_domains(struct drv_conn *c,
                                       remote_connect_num_of_domains_ret *ret)
{
    if (sync_state(c) < 0)
        return -1;
    for (struct tdom *d = c->head; d; d = d->next)
        ret->num += is_active(d);
    return 0;
}

/* The dispatcher has checked maxids against the protocol's bound. */
static int test_connect_list_domains(struct drv_conn *c,
                                     const remote_connect_list_domains_args *args,
                                     remote_connect_list_domains_ret *ret)
{
    int n = 0;
    if (sync_state(c) < 0)
        return -1;
    ret->ids.ids_val = calloc((size_t)args->maxids + 1, sizeof(int));
    if (!ret->ids.ids_val) {
        no_memory();
        return -1;
    }
    for (struct tdom *d = c->head; d && n < args->maxids; d = d->next)
        if (is_active(d))
            ret->ids.ids_val[n++] = d->id;
    ret->ids.ids_len = (u_int)n;
    return 0;
}

static int test_connect_num_of_defined_domains(struct drv_conn *c,
                                               remote_connect_num_of_defined_domains_ret *ret)
{
    if (sync_state(c) < 0)
        return -1;
    for (struct tdom *d = c->head; d; d = d->next)
        ret->num += !is_active(d);
    return 0;
}

/* The dispatcher has checked maxnames against the protocol's bound. */
static int test_connect_list_defined_domains(struct drv_conn *c,
                                             const remote_connect_list_defined_domains_args *args,
                                             remote_connect_list_defined_domains_ret *ret)
{
    u_int n = 0;
    if (sync_state(c) < 0)
        return -1;
    ret->names.names_val = calloc((size_t)args->maxnames + 1, sizeof(char *));
    if (!ret->names.names_val) {
        no_memory();
        return -1;
    }
    for (struct tdom *d = c->head; d && n < (u_int)args->maxnames; d = d->next) {
        if (is_active(d))
            continue;
        if (drv_string(&ret->names.names_val[n], d->def->name) < 0)
            return -1;
        ret->names.names_len = ++n;
    }
    return 0;
}

/* ---- lookups ---- */

static int lookup_result(struct tdom *d, remote_nonnull_domain *dom)
{
    if (!d) {
        error_report(ERR_NO_DOMAIN, FROM_TEST, NULL);
        return -1;
    }
    return fill_id(d, dom);
}

static int test_domain_lookup_by_id(struct drv_conn *c,
                                    const remote_domain_lookup_by_id_args *args,
                                    remote_domain_lookup_by_id_ret *ret)
{
    if (args->id < 0) {
        error_set_message(ERR_INVALID_ARG, FROM_DOMAIN,
                          "id in virDomainLookupByID must be zero or greater");
        return -1;
    }
    if (sync_state(c) < 0)
        return -1;
    return lookup_result(find_id(c, args->id), &ret->dom);
}

static int test_domain_lookup_by_name(struct drv_conn *c,
                                      const remote_domain_lookup_by_name_args *args,
                                      remote_domain_lookup_by_name_ret *ret)
{
    if (sync_state(c) < 0)
        return -1;
    return lookup_result(find_name(c, args->name), &ret->dom);
}

static int test_domain_lookup_by_uuid(struct drv_conn *c,
                                      const remote_domain_lookup_by_uuid_args *args,
                                      remote_domain_lookup_by_uuid_ret *ret)
{
    if (sync_state(c) < 0)
        return -1;
    return lookup_result(find_uuid(c, (const unsigned char *)args->uuid), &ret->dom);
}

/* ---- creating and defining ---- */

/* Parses `xml` and checks it against the domains there are (for a
 * transient start or a definition); *existing is the domain it replaces, if
 * any. Returns the new definition, or NULL with the error recorded. */
static struct dx_def *parse_new_def(struct drv_conn *c, const char *xml, int transient,
                                    struct tdom **existing)
{
    struct dx_def *def = dx_def_parse_string(xml);

    if (!def || tds_canonical(def) < 0) {
        dx_def_free(def);
        return NULL;
    }
    if (check_duplicate(c, def, transient, existing) < 0) {
        dx_def_free(def);
        return NULL;
    }
    return def;
}

static int create_xml_locked(struct drv_conn *c, const char *xml, unsigned int flags,
                      remote_nonnull_domain *dom)
{
    struct tdom *d;
    struct dx_def *def;

    /* VIR_DOMAIN_START_VALIDATE: libvirt's schema first. */
    if (check_flags(flags, 0x10, "testDomainCreateXML") < 0 ||
        ((flags & 0x10) && xml_validate_text(xml, "(domain_definition)", "domain", "domain.rng",
                                             FROM_DOMAIN) < 0) ||
        !(def = parse_new_def(c, xml, 1, &d)))
        return -1;
    if (d) {
        /* An inactive persistent domain keeps its config and runs `def`. */
        d->newdef = d->def;
        d->def = def;
    } else if (!(d = dom_add(c, def))) {
        dx_def_free(def);
        return -1;
    }
    if (start_domain(c, d, RUNNING_BOOTED) < 0) {
        if (!d->persistent)
            dom_remove(c, d);
        return -1;
    }
    emit(c, d, EV_STARTED, 0);
    return fill_id(d, dom);
}

static int create_xml(struct drv_conn *c, const char *xml, unsigned int flags,
                      remote_nonnull_domain *dom)
{
    if (wr_begin(c, "testDomainCreateXML") < 0)
        return -1;
    return wr_end(c, create_xml_locked(c, xml, flags, dom));
}

static int define_xml_locked(struct drv_conn *c, const char *xml, unsigned int flags,
                      remote_nonnull_domain *dom)
{
    struct tdom *d;
    struct dx_def *def;

    /* VIR_DOMAIN_DEFINE_VALIDATE */
    if (check_flags(flags, 0x1, "testDomainDefineXMLFlags") < 0 ||
        ((flags & 0x1) && xml_validate_text(xml, "(domain_definition)", "domain", "domain.rng",
                                            FROM_DOMAIN) < 0) ||
        !(def = parse_new_def(c, xml, 0, &d)))
        return -1;
    int detail = EV_DEFINED_ADDED;
    if (d) {
        /* UPDATED when a config is replaced; a running domain that never
         * had one (created from XML) gets ADDED. */
        detail = !is_active(d) || d->newdef ? EV_DEFINED_UPDATED : EV_DEFINED_ADDED;
        if (is_active(d)) {
            dx_def_free(d->newdef);
            d->newdef = def;
        } else {
            dx_def_free(d->def);
            d->def = def;
        }
    } else if (!(d = dom_add(c, def))) {
        dx_def_free(def);
        return -1;
    }
    d->persistent = 1;
    emit(c, d, EV_DEFINED, detail);
    return fill_id(d, dom);
}

static int define_xml(struct drv_conn *c, const char *xml, unsigned int flags,
                      remote_nonnull_domain *dom)
{
    if (wr_begin(c, "testDomainDefineXMLFlags") < 0)
        return -1;
    return wr_end(c, define_xml_locked(c, xml, flags, dom));
}

static int test_domain_create_xml(struct drv_conn *c, const remote_domain_create_xml_args *args,
                                  remote_domain_create_xml_ret *ret)
{
    return create_xml(c, args->xml_desc, args->flags, &ret->dom);
}

static int test_domain_define_xml(struct drv_conn *c, const remote_domain_define_xml_args *args,
                                  remote_domain_define_xml_ret *ret)
{
    return define_xml(c, args->xml, 0, &ret->dom);
}

static int test_domain_define_xml_flags(struct drv_conn *c,
                                        const remote_domain_define_xml_flags_args *args,
                                        remote_domain_define_xml_flags_ret *ret)
{
    return define_xml(c, args->xml, args->flags, &ret->dom);
}

/* ---- one domain ---- */

static struct tdom *create(struct drv_conn *c, const remote_nonnull_domain *dom,
                           unsigned int flags)
{
    if (check_flags(flags, 0, "testDomainCreateWithFlags") < 0)
        return NULL;
    struct tdom *d = get_dom(c, dom);
    if (!d)
        return NULL;
    if (is_active(d)) {
        error_report(ERR_INTERNAL_ERROR, FROM_TEST, "Domain '%s' is already running",
                     d->def->name);
        return NULL;
    }
    if (start_domain(c, d, RUNNING_BOOTED) < 0)
        return NULL;
    emit(c, d, EV_STARTED, 0);
    return d;
}

static int test_domain_create(struct drv_conn *c, const remote_domain_create_args *args)
{
    if (wr_begin(c, "testDomainCreateWithFlags") < 0)
        return -1;
    return wr_end(c, create(c, &args->dom, 0) ? 0 : -1);
}

/* The reply names the domain as the client did, with its new id. */
static int test_domain_create_with_flags(struct drv_conn *c,
                                         const remote_domain_create_with_flags_args *args,
                                         remote_domain_create_with_flags_ret *ret)
{
    if (wr_begin(c, "testDomainCreateWithFlags") < 0)
        return -1;
    struct tdom *d = create(c, &args->dom, args->flags);

    return wr_end(c, d ? drv_domain(&ret->dom, args->dom.name,
                                    (const unsigned char *)args->dom.uuid, d->id)
                       : -1);
}

static int undefine_locked(struct drv_conn *c, const remote_nonnull_domain *dom, unsigned int flags)
{
    if (check_flags(flags, 0x3, "testDomainUndefineFlags") < 0)
        return -1;
    struct tdom *d = get_dom(c, dom);
    if (!d || test_guest_undefine(c, d->def->uuid, flags) < 0)
        return -1;
    unsigned int nsnap = tmoments_snapshots(d->moments);
    if (!is_active(d) && nsnap && !(flags & UNDEFINE_SNAPSHOTS_METADATA)) {
        error_report(ERR_OPERATION_INVALID, FROM_DOMAIN,
                     "cannot delete inactive domain with %u snapshots", nsnap);
        return -1;
    }
    emit(c, d, EV_UNDEFINED, 0);
    /* As in libvirt, a running domain keeps its config copy, which comes
     * back as the definition when it stops (and is then dropped). */
    if (is_active(d)) {
        d->persistent = 0;
    } else {
        dom_remove(c, d);
    }
    return 0;
}

static int undefine(struct drv_conn *c, const remote_nonnull_domain *dom, unsigned int flags)
{
    if (wr_begin(c, "testDomainUndefineFlags") < 0)
        return -1;
    return wr_end(c, undefine_locked(c, dom, flags));
}

static int test_domain_undefine(struct drv_conn *c, const remote_domain_undefine_args *args)
{
    return undefine(c, &args->dom, 0);
}

static int test_domain_undefine_flags(struct drv_conn *c,
                                      const remote_domain_undefine_flags_args *args)
{
    return undefine(c, &args->dom, args->flags);
}

static struct tdom *get_active(struct drv_conn *c, const remote_nonnull_domain *dom)
{
    struct tdom *d = get_dom(c, dom);
    if (d && !is_active(d)) {
        not_running();
        return NULL;
    }
    return d;
}

static int destroy_locked(struct drv_conn *c, const remote_nonnull_domain *dom, unsigned int flags)
{
    if (check_flags(flags, 0x1, "testDomainDestroyFlags") < 0)
        return -1;
    struct tdom *d = get_active(c, dom);
    if (!d)
        return -1;
    stop_domain(c, d, SHUTOFF_DESTROYED, EV_STOPPED_DESTROYED);
    return 0;
}

static int destroy(struct drv_conn *c, const remote_nonnull_domain *dom, unsigned int flags)
{
    if (wr_begin(c, "testDomainDestroyFlags") < 0)
        return -1;
    return wr_end(c, destroy_locked(c, dom, flags));
}

static int test_domain_destroy(struct drv_conn *c, const remote_domain_destroy_args *args)
{
    return destroy(c, &args->dom, 0);
}

static int test_domain_destroy_flags(struct drv_conn *c,
                                     const remote_domain_destroy_flags_args *args)
{
    return destroy(c, &args->dom, args->flags);
}

static int test_domain_suspend_locked(struct drv_conn *c, const remote_domain_suspend_args *args)
{
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    if (!is_active(d) || d->state == ST_PAUSED) {
        error_report(ERR_INTERNAL_ERROR, FROM_TEST, "domain '%s' not running", d->def->name);
        return -1;
    }
    d->state = ST_PAUSED;
    d->reason = PAUSED_USER;
    emit(c, d, EV_SUSPENDED, 0);
    return 0;
}

static int test_domain_suspend(struct drv_conn *c, const remote_domain_suspend_args *args)
{
    if (wr_begin(c, "testDomainSuspend") < 0)
        return -1;
    return wr_end(c, test_domain_suspend_locked(c, args));
}

static int test_domain_resume_locked(struct drv_conn *c, const remote_domain_resume_args *args)
{
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    if (d->state != ST_PAUSED) {
        error_report(ERR_INTERNAL_ERROR, FROM_TEST, "domain '%s' not paused", d->def->name);
        return -1;
    }
    d->state = ST_RUNNING;
    d->reason = RUNNING_UNPAUSED;
    emit(c, d, EV_RESUMED, 0);
    return 0;
}

static int test_domain_resume(struct drv_conn *c, const remote_domain_resume_args *args)
{
    if (wr_begin(c, "testDomainResume") < 0)
        return -1;
    return wr_end(c, test_domain_resume_locked(c, args));
}

static int shutdown_domain_locked(struct drv_conn *c, const remote_nonnull_domain *dom,
                           unsigned int flags)
{
    if (check_flags(flags, 0, "testDomainShutdownFlags") < 0)
        return -1;
    struct tdom *d = get_dom(c, dom);
    if (!d)
        return -1;
    if (!is_active(d)) {
        error_report(ERR_INTERNAL_ERROR, FROM_TEST, "domain '%s' not running", d->def->name);
        return -1;
    }
    stop_domain(c, d, SHUTOFF_SHUTDOWN, EV_STOPPED_SHUTDOWN);
    return 0;
}

static int shutdown_domain(struct drv_conn *c, const remote_nonnull_domain *dom,
                           unsigned int flags)
{
    if (wr_begin(c, "testDomainShutdownFlags") < 0)
        return -1;
    return wr_end(c, shutdown_domain_locked(c, dom, flags));
}

static int test_domain_shutdown(struct drv_conn *c, const remote_domain_shutdown_args *args)
{
    return shutdown_domain(c, &args->dom, 0);
}

static int test_domain_shutdown_flags(struct drv_conn *c,
                                      const remote_domain_shutdown_flags_args *args)
{
    return shutdown_domain(c, &args->dom, args->flags);
}

/* The test driver reboots instantly, following <on_reboot>. */
static int test_domain_reboot_locked(struct drv_conn *c, const remote_domain_reboot_args *args)
{
    if (check_flags(args->flags, 0x1f, "testDomainReboot") < 0)
        return -1;
    struct tdom *d = get_active(c, &args->dom);
    if (!d)
        return -1;
    const char *action = d->def->on_reboot;
    if (strcmp(action, "destroy") == 0) {
        stop_domain(c, d, SHUTOFF_SHUTDOWN, EV_STOPPED_SHUTDOWN);
    } else if (strcmp(action, "preserve") == 0) {
        d->state = ST_SHUTDOWN;
        d->reason = SHUTDOWN_USER;
    } else {
        d->state = ST_RUNNING;
        d->reason = RUNNING_BOOTED;
    }
    return 0;
}

static int test_domain_reboot(struct drv_conn *c, const remote_domain_reboot_args *args)
{
    if (wr_begin(c, "testDomainReboot") < 0)
        return -1;
    return wr_end(c, test_domain_reboot_locked(c, args));
}

static uint64_t now_ns(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000ull;
}

static int test_domain_get_info(struct drv_conn *c, const remote_domain_get_info_args *args,
                                remote_domain_get_info_ret *ret)
{
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    ret->state = (u_char)d->state;
    ret->max_mem = d->def->max_kib;
    ret->memory = d->def->cur_kib;
    ret->nr_virt_cpu = (u_short)d->def->vcpus;
    /* libvirt's test driver reports the wall clock as cpu time. */
    ret->cpu_time = now_ns();
    return 0;
}

static int test_domain_get_state(struct drv_conn *c, const remote_domain_get_state_args *args,
                                 remote_domain_get_state_ret *ret)
{
    if (check_flags(args->flags, 0, "testDomainGetState") < 0)
        return -1;
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    ret->state = d->state;
    ret->reason = d->reason;
    return 0;
}

static int test_domain_get_xml_desc(struct drv_conn *c,
                                    const remote_domain_get_xml_desc_args *args,
                                    remote_domain_get_xml_desc_ret *ret)
{
    if (check_flags(args->flags, 0xb, "testDomainGetXMLDesc") < 0)
        return -1;
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    int inactive = (args->flags & 2) != 0;
    const struct dx_def *def = inactive && d->newdef ? d->newdef : d->def;
    ret->xml = dx_def_format(def, is_active(d) && !inactive ? d->id : -1);
    return ret->xml ? 0 : -1;
}

static int test_domain_get_os_type(struct drv_conn *c, const remote_domain_get_os_type_args *args,
                                   remote_domain_get_os_type_ret *ret)
{
    if (!get_dom(c, &args->dom))
        return -1;
    /* libvirt's test driver answers "linux" whatever the <os><type>. */
    return drv_string(&ret->type, "linux");
}

static int test_domain_get_max_memory(struct drv_conn *c,
                                      const remote_domain_get_max_memory_args *args,
                                      remote_domain_get_max_memory_ret *ret)
{
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    ret->memory = d->def->max_kib;
    return 0;
}

/* libvirt's virDomainObjGetDefs: resolves CURRENT and checks LIVE/CONFIG
 * against the domain's state. */
static int get_defs(struct tdom *d, unsigned int flags, struct dx_def **live,
                    struct dx_def **config)
{
    *live = *config = NULL;
    if (!(flags & (AFFECT_LIVE | AFFECT_CONFIG)))
        flags |= is_active(d) ? AFFECT_LIVE : AFFECT_CONFIG;
    if ((flags & AFFECT_LIVE) && !is_active(d)) {
        not_running();
        return -1;
    }
    if ((flags & AFFECT_CONFIG) && !d->persistent) {
        error_report(ERR_OPERATION_INVALID, FROM_DOMAIN,
                     "transient domains do not have any persistent config");
        return -1;
    }
    if (flags & AFFECT_LIVE)
        *live = d->def;
    if (flags & AFFECT_CONFIG)
        *config = persistent_def(d);
    return 0;
}

static int set_memory_locked(struct drv_conn *c, const remote_nonnull_domain *dom, uint64_t kib,
                      unsigned int flags, const char *api)
{
    if (drv_nonzero(kib, "memory", api) < 0)
        return -1;
    if (check_flags(flags, AFFECT_LIVE | AFFECT_CONFIG | MEM_MAXIMUM,
                    "testDomainSetMemoryFlags") < 0)
        return -1;
    struct tdom *d = get_dom(c, dom);
    struct dx_def *live, *config;
    if (!d || get_defs(d, flags, &live, &config) < 0)
        return -1;
    if (flags & MEM_MAXIMUM) {
        if (live) {
            error_report(ERR_OPERATION_INVALID, FROM_TEST,
                         "cannot resize the maximum memory on an active domain");
            return -1;
        }
        config->max_kib = kib;
        if (config->cur_kib > kib)
            config->cur_kib = kib;
        return 0;
    }
    if ((live && kib > live->max_kib) || (config && kib > config->max_kib)) {
        error_report(ERR_INVALID_ARG, FROM_TEST, "cannot set memory higher than max memory");
        return -1;
    }
    if (live)
        live->cur_kib = kib;
    if (config)
        config->cur_kib = kib;
    return 0;
}

static int set_memory(struct drv_conn *c, const remote_nonnull_domain *dom, uint64_t kib,
                      unsigned int flags, const char *api)
{
    if (wr_begin(c, "testDomainSetMemoryFlags") < 0)
        return -1;
    return wr_end(c, set_memory_locked(c, dom, kib, flags, api));
}

static int test_domain_set_max_memory(struct drv_conn *c,
                                      const remote_domain_set_max_memory_args *args)
{
    return set_memory(c, &args->dom, args->memory, MEM_MAXIMUM, "virDomainSetMaxMemory");
}

static int test_domain_set_memory(struct drv_conn *c, const remote_domain_set_memory_args *args)
{
    return set_memory(c, &args->dom, args->memory, AFFECT_LIVE, "virDomainSetMemoryFlags");
}

static int test_domain_set_memory_flags(struct drv_conn *c,
                                        const remote_domain_set_memory_flags_args *args)
{
    return set_memory(c, &args->dom, args->memory, args->flags, "virDomainSetMemoryFlags");
}

static int test_domain_get_vcpus_flags(struct drv_conn *c,
                                       const remote_domain_get_vcpus_flags_args *args,
                                       remote_domain_get_vcpus_flags_ret *ret)
{
    unsigned int flags = args->flags;

    if ((flags & AFFECT_LIVE) && (flags & AFFECT_CONFIG)) {
        error_set_message(ERR_INVALID_ARG, FROM_DOMAIN,
                          "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are "
                          "mutually exclusive");
        return -1;
    }
    if (check_flags(flags, AFFECT_LIVE | AFFECT_CONFIG | VCPU_MAXIMUM,
                    "testDomainGetVcpusFlags") < 0)
        return -1;
    struct tdom *d = get_dom(c, &args->dom);
    struct dx_def *live, *config;
    if (!d || get_defs(d, flags, &live, &config) < 0)
        return -1;
    const struct dx_def *def = live ? live : config;
    ret->num = (int)(flags & VCPU_MAXIMUM ? def->vcpus_max : def->vcpus);
    return 0;
}

static int set_vcpus_locked(struct drv_conn *c, const remote_nonnull_domain *dom, unsigned int nvcpus,
                     unsigned int flags)
{
    if (drv_nonzero(nvcpus, "nvcpus", "virDomainSetVcpusFlags") < 0)
        return -1;
    if ((flags & VCPU_MAXIMUM) && !(flags & AFFECT_CONFIG)) {
        error_set_message(ERR_INVALID_ARG, FROM_DOMAIN,
                          "Flag 'VIR_DOMAIN_AFFECT_CONFIG' is required by flag "
                          "'VIR_DOMAIN_VCPU_MAXIMUM'");
        return -1;
    }
    if (check_flags(flags, AFFECT_LIVE | AFFECT_CONFIG | VCPU_MAXIMUM,
                    "testDomainSetVcpusFlags") < 0)
        return -1;
    struct tdom *d = get_dom(c, dom);
    struct dx_def *live, *config;
    if (!d || get_defs(d, flags, &live, &config) < 0)
        return -1;
    /* The hypervisor's limit is checked before the domain's own. */
    if (nvcpus > TEST_MAX_VCPUS) {
        error_report(ERR_INVALID_ARG, FROM_TEST,
                     "requested cpu amount exceeds maximum supported amount (%u > %d)", nvcpus,
                     TEST_MAX_VCPUS);
        return -1;
    }
    if (flags & VCPU_MAXIMUM) {
        config->vcpus_max = nvcpus;
        if (config->vcpus > nvcpus)
            config->vcpus = nvcpus;
        return 0;
    }
    struct dx_def *defs[2] = {live, config};
    for (int i = 0; i < 2; i++)
        if (defs[i] && nvcpus > defs[i]->vcpus_max) {
            error_report(ERR_INVALID_ARG, FROM_TEST,
                         "requested cpu amount exceeds maximum (%u > %u)", nvcpus,
                         defs[i]->vcpus_max);
            return -1;
        }
    for (int i = 0; i < 2; i++)
        if (defs[i])
            defs[i]->vcpus = nvcpus;
    return 0;
}

static int set_vcpus(struct drv_conn *c, const remote_nonnull_domain *dom, unsigned int nvcpus,
                     unsigned int flags)
{
    if (wr_begin(c, "testDomainSetVcpusFlags") < 0)
        return -1;
    return wr_end(c, set_vcpus_locked(c, dom, nvcpus, flags));
}

static int test_domain_set_vcpus(struct drv_conn *c, const remote_domain_set_vcpus_args *args)
{
    return set_vcpus(c, &args->dom, args->nvcpus, AFFECT_LIVE);
}

static int test_domain_set_vcpus_flags(struct drv_conn *c,
                                       const remote_domain_set_vcpus_flags_args *args)
{
    return set_vcpus(c, &args->dom, args->nvcpus, args->flags);
}

static int test_domain_get_autostart(struct drv_conn *c,
                                     const remote_domain_get_autostart_args *args,
                                     remote_domain_get_autostart_ret *ret)
{
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    ret->autostart = d->autostart;
    return 0;
}

static int test_domain_set_autostart_locked(struct drv_conn *c,
                                     const remote_domain_set_autostart_args *args)
{
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    d->autostart = args->autostart != 0;
    return 0;
}

static int test_domain_set_autostart(struct drv_conn *c,
                                     const remote_domain_set_autostart_args *args)
{
    if (wr_begin(c, "testDomainSetAutostart") < 0)
        return -1;
    return wr_end(c, test_domain_set_autostart_locked(c, args));
}

static int test_domain_is_active(struct drv_conn *c, const remote_domain_is_active_args *args,
                                 remote_domain_is_active_ret *ret)
{
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    ret->active = is_active(d);
    return 0;
}

static int test_domain_is_persistent(struct drv_conn *c,
                                     const remote_domain_is_persistent_args *args,
                                     remote_domain_is_persistent_ret *ret)
{
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    ret->persistent = d->persistent;
    return 0;
}

static int test_domain_has_managed_save_image(struct drv_conn *c,
                                              const remote_domain_has_managed_save_image_args *args,
                                              remote_domain_has_managed_save_image_ret *ret)
{
    if (check_flags(args->flags, 0, "testDomainHasManagedSaveImage") < 0)
        return -1;
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    ret->result = test_guest_has_managed_save(c, d->def->uuid);
    return 0;
}

static int test_domain_get_security_label(struct drv_conn *c,
                                          const remote_domain_get_security_label_args *args,
                                          remote_domain_get_security_label_ret *ret)
{
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    ret->enforcing = is_active(d);
    return drv_chars(&ret->label.label_len, &ret->label.label_val,
                     is_active(d) ? "libvirt-test" : NULL, REMOTE_SECURITY_LABEL_MAX);
}

static int test_domain_get_messages(struct drv_conn *c,
                                    const remote_domain_get_messages_args *args,
                                    remote_domain_get_messages_ret *ret)
{
    if (check_flags(args->flags, 0x3, "testDomainGetMessages") < 0)
        return -1;
    return get_dom(c, &args->dom) ? 0 : -1;
}

/* ---- for the test driver's other files (test-priv.h) ---- */

int tdrv_host_cpus(const struct drv_conn *c)
{
    return c->info.nodes * c->info.sockets * c->info.cores * c->info.threads;
}

static int test_node_get_cells_free_memory(struct drv_conn *c,
                                           const remote_node_get_cells_free_memory_args *args,
                                           remote_node_get_cells_free_memory_ret *ret)
{
    return thost_node_get_cells_free_memory(c->default_node, args, ret);
}

/* The host calls that need nothing of the connection (test-host.c). */
#define HOST_CALL(op, args_t, ret_t)                                                               \
    static int test_##op(struct drv_conn *c, const args_t *args, ret_t *ret)                       \
    {                                                                                              \
        (void)c;                                                                                   \
        return thost_##op(args, ret);                                                              \
    }
HOST_CALL(node_get_cpu_map, remote_node_get_cpu_map_args, remote_node_get_cpu_map_ret)
HOST_CALL(node_get_free_pages, remote_node_get_free_pages_args, remote_node_get_free_pages_ret)
HOST_CALL(node_get_cpu_stats, remote_node_get_cpu_stats_args, remote_node_get_cpu_stats_ret)
HOST_CALL(connect_get_cpu_model_names, remote_connect_get_cpu_model_names_args,
          remote_connect_get_cpu_model_names_ret)
HOST_CALL(connect_baseline_cpu, remote_connect_baseline_cpu_args, remote_connect_baseline_cpu_ret)

static const struct drv_host_ops host_ops = {
    .connect_get_type = test_connect_get_type,
    .connect_get_version = test_connect_get_version,
    .connect_get_max_vcpus = test_connect_get_max_vcpus,
    .node_get_info = test_node_get_info,
    .node_get_free_memory = test_node_get_free_memory,
    .connect_get_capabilities = test_connect_get_capabilities,
    .connect_get_hostname = test_connect_get_hostname,
    .node_get_security_model = test_node_get_security_model,
    .connect_get_sysinfo = test_connect_get_sysinfo,
    .node_get_cells_free_memory = test_node_get_cells_free_memory,
    .node_get_cpu_map = test_node_get_cpu_map,
    .node_get_free_pages = test_node_get_free_pages,
    .node_get_cpu_stats = test_node_get_cpu_stats,
    .connect_get_cpu_model_names = test_connect_get_cpu_model_names,
    .connect_baseline_cpu = test_connect_baseline_cpu,
};

static int test_domain_reset(struct drv_conn *c, const remote_domain_reset_args *args)
{
    if (check_flags(args->flags, 0, "testDomainReset") < 0)
        return -1;
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    if (!is_active(d)) {
        not_running();
        return -1;
    }
    return 0;
}

/* The test driver's made-up guest statistics, as libvirt 9.0's: derived
 * from the balloon's size, for a domain with a balloon device. */
static int test_domain_memory_stats(struct drv_conn *c,
                                    const remote_domain_memory_stats_args *args,
                                    remote_domain_memory_stats_ret *ret)
{
    /* virDomainMemoryStatTags, in the order libvirt's test driver gives them */
    enum { SWAP_IN, SWAP_OUT, MAJOR_FAULT, MINOR_FAULT, UNUSED, AVAILABLE, ACTUAL, RSS, USABLE,
           LAST_UPDATE, DISK_CACHES, HUGETLB_PGALLOC, HUGETLB_PGFAIL };
    static const int order[] = {ACTUAL,      SWAP_IN,     SWAP_OUT,    MAJOR_FAULT, MINOR_FAULT,
                                UNUSED,      AVAILABLE,   USABLE,      LAST_UPDATE, DISK_CACHES,
                                HUGETLB_PGALLOC, HUGETLB_PGFAIL, RSS};
    enum { N = sizeof(order) / sizeof(order[0]) };

    if (check_flags(args->flags, 0, "testDomainMemoryStats") < 0)
        return -1;
    struct tdom *d = get_dom(c, &args->dom);
    if (!d)
        return -1;
    if (!is_active(d)) {
        not_running();
        return -1;
    }
    const char *balloon = d->def->balloon_model;
    if (!balloon || strcmp(balloon, "none") == 0)
        return 0;
    uint64_t cur = d->def->cur_kib ? d->def->cur_kib : d->def->max_kib;
    remote_domain_memory_stat *s = calloc(N, sizeof(*s));
    if (!s) {
        no_memory();
        return -1;
    }
    u_int n = 0;
    for (size_t i = 0; i < N && n < args->maxStats; i++, n++) {
        s[n].tag = order[i];
        switch (order[i]) {
        case ACTUAL:
        case AVAILABLE:
            s[n].val = cur;
            break;
        case UNUSED:
        case USABLE:
        case RSS:
            s[n].val = cur / 2;
            break;
        case DISK_CACHES:
            s[n].val = cur / 8;
            break;
        case LAST_UPDATE:
            s[n].val = 627319920; /* a fixed moment, as libvirt's */
            break;
        default:
            s[n].val = 0;
        }
    }
    ret->stats.stats_val = s;
    ret->stats.stats_len = n;
    return 0;
}

/* The state group; stats_record_groups adds the iothread group. */
static int stats_record(const struct tdom *d, unsigned int groups, remote_domain_stats_record *r)
{
    memset(r, 0, sizeof(*r));
    if (fill_id(d, &r->dom) < 0)
        return -1;
    if (!(groups & 1))
        return 0;
    remote_typed_param *p = calloc(2, sizeof(*p));
    if (!p || !(p[0].field = strdup("state.state")) || !(p[1].field = strdup("state.reason"))) {
        if (p) {
            free(p[0].field);
            free(p);
        }
        no_memory();
        return -1;
    }
    p[0].value.type = p[1].value.type = VIR_TYPED_PARAM_INT;
    p[0].value.remote_typed_param_value_u.i = d->state;
    p[1].value.remote_typed_param_value_u.i = d->reason;
    r->params.params_val = p;
    r->params.params_len = 2;
    return 0;
}

static int stats_record_groups(const struct tdom *d, unsigned int groups,
                               remote_domain_stats_record *r)
{
    if (stats_record(d, groups, r) < 0)
        return -1;
    if (groups & 0x80) /* VIR_DOMAIN_STATS_IOTHREAD */
        return tds_stats_iothread(d, &r->params.params_val, &r->params.params_len);
    return 0;
}

static int test_connect_get_all_domain_stats(struct drv_conn *c,
                                             const remote_connect_get_all_domain_stats_args *args,
                                             remote_connect_get_all_domain_stats_ret *ret)
{
    /* The groups libvirt 9.0's test driver serves: state, iothread. */
    enum { STATE = 1, IOTHREAD = 0x80, ENFORCE = 1u << 31 };
    unsigned int groups = args->stats ? args->stats : STATE;
    size_t cap = args->doms.doms_len;

    if (check_flags(args->flags, 0xff | (1u << 29) | (1u << 30) | ENFORCE,
                    "testConnectGetAllDomainStats") < 0)
        return -1;
    if ((args->flags & ENFORCE) && (args->stats & ~(STATE | IOTHREAD))) {
        error_report(ERR_ARGUMENT_UNSUPPORTED, FROM_TEST,
                     "Stats types bits 0x%x are not supported by this daemon",
                     args->stats & ~(STATE | IOTHREAD));
        return -1;
    }
    if (sync_state(c) < 0)
        return -1;
    if (!cap)
        for (struct tdom *d = c->head; d; d = d->next)
            cap += matches(d, args->flags & 0xff);
    ret->retStats.retStats_val = calloc(cap ? cap : 1, sizeof(remote_domain_stats_record));
    if (!ret->retStats.retStats_val) {
        no_memory();
        return -1;
    }
    remote_domain_stats_record *recs = ret->retStats.retStats_val;
    u_int n = 0;
    if (args->doms.doms_len) {
        for (u_int i = 0; i < args->doms.doms_len; i++) {
            struct tdom *d = get_dom(c, &args->doms.doms_val[i]);
            if (!d || stats_record_groups(d, groups, &recs[n]) < 0)
                return -1;
            ret->retStats.retStats_len = ++n;
        }
        return 0;
    }
    for (struct tdom *d = c->head; d && n < cap; d = d->next) {
        if (!matches(d, args->flags & 0xff))
            continue;
        if (stats_record_groups(d, groups, &recs[n]) < 0)
            return -1;
        ret->retStats.retStats_len = ++n;
    }
    return 0;
}

/* ---- the domains, lent to test-guestops.c and test-snapshot.c
 * (test-guestops.h, test-snapshot.h) ---- */

struct tdom *test_dom_get(struct drv_conn *c, const remote_nonnull_domain *dom)
{
    return get_dom(c, dom);
}

int test_dom_active(const struct tdom *d)
{
    return is_active(d);
}

int test_dom_state(const struct tdom *d, int *reason)
{
    if (reason)
        *reason = d->reason;
    return d->state;
}

int test_dom_persistent(const struct tdom *d)
{
    return d->persistent;
}

int test_dom_id(const struct tdom *d)
{
    return d->id;
}

const char *test_dom_name(const struct tdom *d)
{
    return d->def->name;
}

const unsigned char *test_dom_uuid(const struct tdom *d)
{
    return d->def->uuid;
}

struct dx_def *test_dom_def(struct tdom *d)
{
    return d->def;
}

int test_dom_defs(struct tdom *d, unsigned int flags, struct dx_def **live,
                  struct dx_def **config)
{
    return get_defs(d, flags, live, config);
}

int test_dom_reference(const struct tdom *d, remote_nonnull_domain *out)
{
    return fill_id(d, out);
}

struct tmoments **test_dom_moments(struct tdom *d)
{
    return &d->moments;
}

void test_dom_emit(struct drv_conn *c, struct tdom *d, int event, int detail)
{
    emit(c, d, event, detail);
}

void test_dom_halt(struct drv_conn *c, struct tdom *d)
{
    stop_domain(c, d, SHUTOFF_FROM_SNAPSHOT, EV_STOPPED_FROM_SNAPSHOT);
}

int test_dom_revert(struct drv_conn *c, struct tdom *d, struct dx_def *def, int run)
{
    if (is_active(d)) {
        int old_id = d->id;
        set_id(c, d, -1);
        d->state = ST_SHUTOFF;
        d->reason = SHUTOFF_FROM_SNAPSHOT;
        emit_as(c, d, old_id, EV_STOPPED, EV_STOPPED_FROM_SNAPSHOT);
    }
    dx_def_free(d->def);
    dx_def_free(d->newdef);
    d->def = def;
    d->newdef = NULL;
    if (!run)
        return 0;
    if (start_domain(c, d, RUNNING_FROM_SNAPSHOT) < 0)
        return -1;
    emit(c, d, EV_STARTED, EV_STARTED_FROM_SNAPSHOT);
    if (run == 2) {
        d->state = ST_PAUSED;
        d->reason = PAUSED_FROM_SNAPSHOT;
        emit(c, d, EV_SUSPENDED, EV_SUSPENDED_FROM_SNAPSHOT);
    }
    return 0;
}

void test_dom_stop(struct drv_conn *c, struct tdom *d, int reason, int detail)
{
    stop_domain(c, d, reason, detail);
}

int test_dom_rename(struct drv_conn *c, struct tdom *d, const char *name)
{
    struct tdom *other = find_name(c, name);
    char *copy;

    if (other) {
        error_report(ERR_OPERATION_INVALID, FROM_DOMAIN, "domain with name '%s' already exists",
                     name);
        return -1;
    }
    if (!(copy = strdup(name))) {
        no_memory();
        return -1;
    }
    unlink_chain(name_bucket(c, d->def->name), d, offsetof(struct tdom, name_next));
    free(d->def->name);
    d->def->name = copy;
    struct tdom **b = name_bucket(c, d->def->name);
    d->name_next = *b;
    *b = d;
    return 0;
}

struct tdom *test_dom_start_def(struct drv_conn *c, struct dx_def *def, int reason, int detail)
{
    struct tdom *d;

    if (check_duplicate(c, def, 1, &d) < 0) {
        dx_def_free(def);
        return NULL;
    }
    if (d) {
        /* An inactive persistent domain keeps its config and runs `def`. */
        dx_def_free(d->newdef);
        d->newdef = d->def;
        d->def = def;
    } else if (!(d = dom_add(c, def))) {
        dx_def_free(def);
        return NULL;
    }
    if (start_domain(c, d, reason) < 0) {
        if (!d->persistent)
            dom_remove(c, d);
        return NULL;
    }
    emit(c, d, EV_STARTED, detail);
    return d;
}

static const struct drv_domain_ops domain_ops = {
    .domain_create = test_domain_create,
    .domain_create_xml = test_domain_create_xml,
    .domain_define_xml = test_domain_define_xml,
    .domain_destroy = test_domain_destroy,
    .domain_get_xml_desc = test_domain_get_xml_desc,
    .domain_get_autostart = test_domain_get_autostart,
    .domain_get_info = test_domain_get_info,
    .domain_get_max_memory = test_domain_get_max_memory,
    .domain_get_os_type = test_domain_get_os_type,
    .connect_list_defined_domains = test_connect_list_defined_domains,
    .domain_lookup_by_id = test_domain_lookup_by_id,
    .domain_lookup_by_name = test_domain_lookup_by_name,
    .domain_lookup_by_uuid = test_domain_lookup_by_uuid,
    .connect_num_of_defined_domains = test_connect_num_of_defined_domains,
    .domain_reboot = test_domain_reboot,
    .domain_resume = test_domain_resume,
    .domain_set_autostart = test_domain_set_autostart,
    .domain_set_max_memory = test_domain_set_max_memory,
    .domain_set_memory = test_domain_set_memory,
    .domain_set_vcpus = test_domain_set_vcpus,
    .domain_shutdown = test_domain_shutdown,
    .domain_suspend = test_domain_suspend,
    .domain_reset = test_domain_reset,
    .domain_memory_stats = test_domain_memory_stats,
    .connect_get_all_domain_stats = test_connect_get_all_domain_stats,
    .domain_undefine = test_domain_undefine,
    .connect_list_domains = test_connect_list_domains,
    .connect_num_of_domains = test_connect_num_of_domains,
    .domain_get_security_label = test_domain_get_security_label,
    .domain_is_active = test_domain_is_active,
    .domain_is_persistent = test_domain_is_persistent,
    .domain_has_managed_save_image = test_domain_has_managed_save_image,
    .domain_create_with_flags = test_domain_create_with_flags,
    .domain_set_vcpus_flags = test_domain_set_vcpus_flags,
    .domain_get_vcpus_flags = test_domain_get_vcpus_flags,
    .domain_set_memory_flags = test_domain_set_memory_flags,
    .domain_get_state = test_domain_get_state,
    .domain_undefine_flags = test_domain_undefine_flags,
    .domain_destroy_flags = test_domain_destroy_flags,
    .domain_shutdown_flags = test_domain_shutdown_flags,
    .connect_list_all_domains = test_connect_list_all_domains,
    .domain_define_xml_flags = test_domain_define_xml_flags,
    .domain_get_messages = test_domain_get_messages,
    TEST_GUEST_DOMAIN_OPS,
    .domain_get_vcpus = tds_domain_get_vcpus,
    .domain_get_vcpu_pin_info = tds_domain_get_vcpu_pin_info,
    .domain_pin_vcpu = tds_domain_pin_vcpu,
    .domain_pin_vcpu_flags = tds_domain_pin_vcpu_flags,
    .domain_pin_emulator = tds_domain_pin_emulator,
    .domain_get_emulator_pin_info = tds_domain_get_emulator_pin_info,
    .domain_get_iothread_info = tds_domain_get_iothread_info,
    .domain_add_iothread = tds_domain_add_iothread,
    .domain_del_iothread = tds_domain_del_iothread,
    .domain_pin_iothread = tds_domain_pin_iothread,
    .domain_set_iothread_params = tds_domain_set_iothread_params,
    .domain_block_stats = tds_domain_block_stats,
    .domain_interface_stats = tds_domain_interface_stats,
    .domain_get_block_info = tds_domain_get_block_info,
    .domain_get_disk_errors = tds_domain_get_disk_errors,
    .domain_get_scheduler_type = tds_domain_get_scheduler_type,
    .domain_get_scheduler_parameters = tds_domain_get_scheduler_parameters,
    .domain_get_scheduler_parameters_flags = tds_domain_get_scheduler_parameters_flags,
    .domain_set_scheduler_parameters = tds_domain_set_scheduler_parameters,
    .domain_set_scheduler_parameters_flags = tds_domain_set_scheduler_parameters_flags,
    .domain_get_memory_parameters = tds_domain_get_memory_parameters,
    .domain_set_memory_parameters = tds_domain_set_memory_parameters,
    .domain_get_blkio_parameters = tds_domain_get_blkio_parameters,
    .domain_set_blkio_parameters = tds_domain_set_blkio_parameters,
    .domain_get_numa_parameters = tds_domain_get_numa_parameters,
    .domain_set_numa_parameters = tds_domain_set_numa_parameters,
    .domain_get_perf_events = tds_domain_get_perf_events,
    .domain_set_perf_events = tds_domain_set_perf_events,
    .domain_get_block_io_tune = tds_domain_get_block_io_tune,
    .domain_set_block_io_tune = tds_domain_set_block_io_tune,
    .domain_get_cpu_stats = tds_domain_get_cpu_stats,
    .domain_set_memory_stats_period = tds_domain_set_memory_stats_period,
};

/* Each kind's operations, in its file. */
extern const struct drv_network_ops test_network_ops;
extern const struct drv_storage_ops test_storage_ops;
extern const struct drv_nodedev_ops test_nodedev_ops;
extern const struct drv_interface_ops test_interface_ops;

const struct driver test_driver = {
    .name = "Test",
    .open = test_open,
    .close = test_close,
    .detach = test_detach,
    .set_event_sink = test_set_event_sink,
    .events_wanted = test_events_wanted,
    .host = &host_ops,
    .domain = &domain_ops,
    .network = &test_network_ops,
    .storage = &test_storage_ops,
    .nodedev = &test_nodedev_ops,
    .interface = &test_interface_ops,
    .snapshot = &test_snapshot_ops,
    .checkpoint = &test_checkpoint_ops,
};

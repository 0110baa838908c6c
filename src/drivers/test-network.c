/* The test driver's virtual networks, as real libvirt 9.0's test driver
 * serves them: test:///default's "default" network (active, persistent),
 * a node file's <network> elements (each active and persistent), and the
 * calls its network driver has: the lists, lookups, define, create,
 * start, destroy, undefine, autostart, bridge name, XML and net-update.
 * It has no DHCP leases and no network ports: those procedures are
 * answered "not supported", as real's are.
 *
 * A network keeps its live definition and, while it runs, the persistent
 * configuration it returns to when it is destroyed (libvirt's newDef).
 * Definitions are nx_def (conf/network_xml.h): the canonical XML with
 * the name, uuid and bridge read from it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/network_xml.h"
#include "conf/xml.h"
#include "driver.h"
#include "error.h"
#include "test-internal.h"
#include "uuid.h"

/* libvirt's network error domain and "Network not found" code. */
enum { FROM_NETWORK = 19, ERR_NO_NETWORK = 43 };
/* virNetworkEventLifecycleType; the lifecycle event's id is 0. */
enum { EV_DEFINED, EV_UNDEFINED, EV_STARTED, EV_STOPPED };
/* virConnectListAllNetworksFlags */
enum {
    LIST_INACTIVE = 1,
    LIST_ACTIVE = 2,
    LIST_PERSISTENT = 4,
    LIST_TRANSIENT = 8,
    LIST_AUTOSTART = 16,
    LIST_NO_AUTOSTART = 32,
};
enum { UPDATE_LIVE = 1, UPDATE_CONFIG = 2 };
enum { CREATE_VALIDATE = 1 };

#define NET_TAG 'N'
/* An event record: the tag, the event and its detail (little-endian 32
 * bits each), the network's uuid, then its name. */
#define REC_HEAD (1 + 8 + NX_UUID_LEN)
#define NAME_MAX_LEN 4096

struct tnet {
    struct nx_def def;    /* live, or the only one */
    struct nx_def newdef; /* the persistent config while active; xml NULL: none */
    int active, persistent, autostart;
    struct tnet *next;
};

struct net_state {
    struct tnet *head;
};

static struct net_state *st(struct drv_conn *c)
{
    return test_state(c, TEST_KIND_NETWORK);
}

static void net_free(struct tnet *n)
{
    nx_def_clear(&n->def);
    nx_def_clear(&n->newdef);
    free(n);
}

static void net_clear(struct drv_conn *c, void *state)
{
    struct net_state *s = state;
    (void)c;
    while (s->head) {
        struct tnet *n = s->head;
        s->head = n->next;
        net_free(n);
    }
}

static struct tnet *net_add(struct net_state *s, struct nx_def *def)
{
    struct tnet *n = calloc(1, sizeof(*n)), **tail = &s->head;
    if (!n) {
        test_no_memory();
        return NULL;
    }
    n->def = *def;
    memset(def, 0, sizeof(*def));
    while (*tail)
        tail = &(*tail)->next;
    *tail = n;
    return n;
}

static void net_remove(struct net_state *s, struct tnet *n)
{
    for (struct tnet **p = &s->head; *p; p = &(*p)->next)
        if (*p == n) {
            *p = n->next;
            net_free(n);
            return;
        }
}

static struct tnet *by_name(struct net_state *s, const char *name)
{
    for (struct tnet *n = s->head; n; n = n->next)
        if (strcmp(n->def.name, name) == 0)
            return n;
    return NULL;
}

static struct tnet *by_uuid(struct net_state *s, const unsigned char *uuid)
{
    for (struct tnet *n = s->head; n; n = n->next)
        if (memcmp(n->def.uuid, uuid, NX_UUID_LEN) == 0)
            return n;
    return NULL;
}

static void not_found_name(const char *name)
{
    char msg[NAME_MAX_LEN + 80];
    snprintf(msg, sizeof(msg), "Network not found: no network with matching name '%s'", name);
    error_set_message(ERR_NO_NETWORK, FROM_TEST, msg);
}

/* The network a call names (by name, as real's test driver finds it). */
static struct tnet *get_net(struct drv_conn *c, const remote_nonnull_network *net)
{
    struct tnet *n = by_name(st(c), net->name);
    if (!n)
        not_found_name(net->name);
    return n;
}

static int fill_net(const struct tnet *n, remote_nonnull_network *out)
{
    memcpy(out->uuid, n->def.uuid, NX_UUID_LEN);
    return drv_string(&out->name, n->def.name);
}

/* ---- events ---- */

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

static void queue(struct drv_conn *c, const struct tnet *n, int event)
{
    size_t nlen = strlen(n->def.name);
    unsigned char *rec = malloc(REC_HEAD + nlen);
    if (!rec)
        return;
    rec[0] = NET_TAG;
    put32(rec + 1, event);
    put32(rec + 5, 0);
    memcpy(rec + 9, n->def.uuid, NX_UUID_LEN);
    memcpy(rec + REC_HEAD, n->def.name, nlen);
    test_queue_event(c, rec, REC_HEAD + nlen);
    free(rec);
}

static void net_deliver(struct drv_conn *c, const unsigned char *rec, size_t len)
{
    if (len < REC_HEAD + 1 || len > REC_HEAD + NAME_MAX_LEN || rec[0] != NET_TAG ||
        memchr(rec + REC_HEAD, '\0', len - REC_HEAD))
        return;
    char *name = strndup((const char *)rec + REC_HEAD, len - REC_HEAD);
    if (!name)
        return;
    remote_network_event_lifecycle_msg m = {
        .net = {.name = name}, .event = get32(rec + 1), .detail = get32(rec + 5)};
    memcpy(m.net.uuid, rec + 9, NX_UUID_LEN);
    test_emit(c, DRV_EVENT_NETWORK, 0, rec + 9, NX_UUID_LEN,
              (xdrproc_t)xdr_remote_network_event_lifecycle_msg, &m);
    free(name);
}

/* ---- test:///default, node files, the shared state ---- */

static const char default_xml[] =
    "<network>\n"
    "  <name>default</name>\n"
    "  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>\n"
    "  <forward mode='nat'/>\n"
    "  <bridge name='virbr0' stp='on' delay='0'/>\n"
    "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
    "    <dhcp>\n"
    "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
    "    </dhcp>\n"
    "  </ip>\n"
    "</network>\n";

static int net_load_default(struct drv_conn *c, void *state)
{
    struct nx_def def;
    struct tnet *n;
    (void)c;
    if (nx_def_parse_string(default_xml, 0, &def) < 0)
        return -1;
    if (!(n = net_add(state, &def))) {
        nx_def_clear(&def);
        return -1;
    }
    n->active = n->persistent = 1;
    return 0;
}

static int net_load_node(struct drv_conn *c, void *state, xmlDocPtr doc, xmlNodePtr node,
                         const char *dir)
{
    xmlDocPtr sub = NULL;
    xmlNodePtr root = NULL;
    struct nx_def def;
    struct tnet *n;
    int rc = -1;

    if (test_node_file(c, node, dir, &sub, &root) < 0)
        return -1;
    if (nx_def_parse_node(sub ? sub : doc, sub ? root : node, &def) < 0)
        goto out;
    if (by_name(state, def.name) || by_uuid(state, def.uuid)) {
        error_report(ERR_OPERATION_FAILED, FROM_NETWORK, "network '%s' already exists",
                     def.name);
        nx_def_clear(&def);
        goto out;
    }
    if (!(n = net_add(state, &def))) {
        nx_def_clear(&def);
        goto out;
    }
    n->active = n->persistent = 1;
    rc = 0;
out:
    if (sub)
        xmlFreeDoc(sub);
    return rc;
}

/* Each network: "NET active persistent autostart deflen newdeflen\n",
 * then its definition's XML and its persistent config's. */
static int net_save(struct drv_conn *c, void *state, FILE *f)
{
    struct net_state *s = state;
    (void)c;
    for (struct tnet *n = s->head; n; n = n->next) {
        size_t dl = strlen(n->def.xml), nl = n->newdef.xml ? strlen(n->newdef.xml) : 0;
        if (fprintf(f, "NET %d %d %d %zu %zu\n", n->active, n->persistent, n->autostart, dl,
                    nl) < 0 ||
            fwrite(n->def.xml, 1, dl, f) != dl ||
            (nl && fwrite(n->newdef.xml, 1, nl, f) != nl))
            return -1;
    }
    return 0;
}

static int bad_section(void)
{
    error_report(ERR_INTERNAL_ERROR, FROM_TEST, "the shared state's networks are damaged");
    return -1;
}

/* One definition of len bytes at p, parsed as a client's would be. */
static int load_def(const char *p, size_t len, struct nx_def *def)
{
    char *xml = strndup(p, len);
    if (!xml) {
        test_no_memory();
        return -1;
    }
    int rc = strlen(xml) == len ? nx_def_parse_string(xml, 0, def) : bad_section();
    free(xml);
    return rc;
}

static int net_load(struct drv_conn *c, void *state, const char *data, size_t len)
{
    const char *p = data, *end = data + len;
    (void)c;
    while (p < end) {
        int active, persistent, autostart, used = 0;
        size_t dl, nl;
        const char *nlp = memchr(p, '\n', (size_t)(end - p));
        char head[128];
        if (!nlp || (size_t)(nlp - p) >= sizeof(head))
            return bad_section();
        memcpy(head, p, (size_t)(nlp - p));
        head[nlp - p] = '\0';
        if (sscanf(head, "NET %d %d %d %zu %zu%n", &active, &persistent, &autostart, &dl, &nl,
                   &used) != 5 ||
            head[used] || dl == 0 || dl > (size_t)(end - nlp - 1) ||
            nl > (size_t)(end - nlp - 1) - dl)
            return bad_section();
        p = nlp + 1;
        struct nx_def def;
        if (load_def(p, dl, &def) < 0)
            return -1;
        struct tnet *n = net_add(state, &def);
        if (!n) {
            nx_def_clear(&def);
            return -1;
        }
        n->active = !!active;
        n->persistent = !!persistent;
        n->autostart = !!autostart;
        p += dl;
        if (nl && load_def(p, nl, &n->newdef) < 0)
            return -1;
        p += nl;
    }
    return 0;
}

const struct test_kind test_network_kind = {
    .name = "networks",
    .tag = NET_TAG,
    .node_element = "network",
    .state_size = sizeof(struct net_state),
    .clear = net_clear,
    .load_default = net_load_default,
    .load_node = net_load_node,
    .save = net_save,
    .load = net_load,
    .deliver = net_deliver,
};

/* ---- listing ---- */

static int matches(const struct tnet *n, unsigned int f)
{
    if ((f & (LIST_INACTIVE | LIST_ACTIVE)) &&
        !((f & LIST_ACTIVE && n->active) || (f & LIST_INACTIVE && !n->active)))
        return 0;
    if ((f & (LIST_PERSISTENT | LIST_TRANSIENT)) &&
        !((f & LIST_PERSISTENT && n->persistent) || (f & LIST_TRANSIENT && !n->persistent)))
        return 0;
    if ((f & (LIST_AUTOSTART | LIST_NO_AUTOSTART)) &&
        !((f & LIST_AUTOSTART && n->autostart) || (f & LIST_NO_AUTOSTART && !n->autostart)))
        return 0;
    return 1;
}

static int test_connect_list_all_networks(struct drv_conn *c,
                                          const remote_connect_list_all_networks_args *args,
                                          remote_connect_list_all_networks_ret *ret)
{
    u_int count = 0, k = 0;
    if (test_check_flags(args->flags, 0x3f, "testConnectListAllNetworks") < 0 ||
        test_sync(c) < 0)
        return -1;
    for (struct tnet *n = st(c)->head; n; n = n->next)
        count += (u_int)matches(n, args->flags);
    ret->ret = count;
    if (!args->need_results)
        return 0;
    if (!(ret->nets.nets_val = calloc(count ? count : 1, sizeof(remote_nonnull_network)))) {
        test_no_memory();
        return -1;
    }
    for (struct tnet *n = st(c)->head; n && k < count; n = n->next) {
        if (!matches(n, args->flags))
            continue;
        if (fill_net(n, &ret->nets.nets_val[k]) < 0)
            return -1;
        ret->nets.nets_len = ++k;
    }
    return 0;
}

static int count_active(struct drv_conn *c, int active, int *num)
{
    if (test_sync(c) < 0)
        return -1;
    *num = 0;
    for (struct tnet *n = st(c)->head; n; n = n->next)
        *num += n->active == active;
    return 0;
}

static int list_names(struct drv_conn *c, int active, int maxnames, u_int *len, char ***val)
{
    u_int k = 0;
    if (maxnames < 0 || maxnames > REMOTE_NETWORK_LIST_MAX) {
        error_report(ERR_RPC, FROM_RPC, "maxnames > REMOTE_NETWORK_LIST_MAX");
        return -1;
    }
    if (test_sync(c) < 0)
        return -1;
    if (!(*val = calloc((size_t)maxnames + 1, sizeof(char *)))) {
        test_no_memory();
        return -1;
    }
    for (struct tnet *n = st(c)->head; n && k < (u_int)maxnames; n = n->next) {
        if (n->active != active)
            continue;
        if (drv_string(&(*val)[k], n->def.name) < 0)
            return -1;
        *len = ++k;
    }
    return 0;
}

static int test_connect_num_of_networks(struct drv_conn *c,
                                        remote_connect_num_of_networks_ret *ret)
{
    return count_active(c, 1, &ret->num);
}

static int test_connect_num_of_defined_networks(struct drv_conn *c,
                                                remote_connect_num_of_defined_networks_ret *ret)
{
    return count_active(c, 0, &ret->num);
}

static int test_connect_list_networks(struct drv_conn *c,
                                      const remote_connect_list_networks_args *args,
                                      remote_connect_list_networks_ret *ret)
{
    return list_names(c, 1, args->maxnames, &ret->names.names_len, &ret->names.names_val);
}

static int test_connect_list_defined_networks(struct drv_conn *c,
                                              const remote_connect_list_defined_networks_args *args,
                                              remote_connect_list_defined_networks_ret *ret)
{
    return list_names(c, 0, args->maxnames, &ret->names.names_len, &ret->names.names_val);
}

/* ---- lookups and reads ---- */

static int test_network_lookup_by_name(struct drv_conn *c,
                                       const remote_network_lookup_by_name_args *args,
                                       remote_network_lookup_by_name_ret *ret)
{
    if (test_sync(c) < 0)
        return -1;
    struct tnet *n = by_name(st(c), args->name);
    if (!n) {
        not_found_name(args->name);
        return -1;
    }
    return fill_net(n, &ret->net);
}

static int test_network_lookup_by_uuid(struct drv_conn *c,
                                       const remote_network_lookup_by_uuid_args *args,
                                       remote_network_lookup_by_uuid_ret *ret)
{
    if (test_sync(c) < 0)
        return -1;
    struct tnet *n = by_uuid(st(c), (const unsigned char *)args->uuid);
    if (!n) {
        char u[UUID_STRING_LEN], msg[128];
        uuid_format((const unsigned char *)args->uuid, u);
        snprintf(msg, sizeof(msg), "Network not found: no network with matching uuid '%s'", u);
        error_set_message(ERR_NO_NETWORK, FROM_TEST, msg);
        return -1;
    }
    return fill_net(n, &ret->net);
}

static int test_network_get_xml_desc(struct drv_conn *c,
                                     const remote_network_get_xml_desc_args *args,
                                     remote_network_get_xml_desc_ret *ret)
{
    struct tnet *n;
    if (test_check_flags(args->flags, 0, "testNetworkGetXMLDesc") < 0 || test_sync(c) < 0 ||
        !(n = get_net(c, &args->net)))
        return -1;
    return drv_string(&ret->xml, n->def.shown);
}

static int test_network_get_bridge_name(struct drv_conn *c,
                                        const remote_network_get_bridge_name_args *args,
                                        remote_network_get_bridge_name_ret *ret)
{
    struct tnet *n;
    if (test_sync(c) < 0 || !(n = get_net(c, &args->net)))
        return -1;
    if (!n->def.bridge) {
        error_report(ERR_INTERNAL_ERROR, FROM_TEST, "network '%s' does not have a bridge name.",
                     n->def.name);
        return -1;
    }
    return drv_string(&ret->name, n->def.bridge);
}

static int test_network_get_autostart(struct drv_conn *c,
                                      const remote_network_get_autostart_args *args,
                                      remote_network_get_autostart_ret *ret)
{
    struct tnet *n;
    if (test_sync(c) < 0 || !(n = get_net(c, &args->net)))
        return -1;
    ret->autostart = n->autostart;
    return 0;
}

static int test_network_is_active(struct drv_conn *c, const remote_network_is_active_args *args,
                                  remote_network_is_active_ret *ret)
{
    struct tnet *n;
    if (test_sync(c) < 0 || !(n = get_net(c, &args->net)))
        return -1;
    ret->active = n->active;
    return 0;
}

static int test_network_is_persistent(struct drv_conn *c,
                                      const remote_network_is_persistent_args *args,
                                      remote_network_is_persistent_ret *ret)
{
    struct tnet *n;
    if (test_sync(c) < 0 || !(n = get_net(c, &args->net)))
        return -1;
    ret->persistent = n->persistent;
    return 0;
}

/* ---- changes ---- */

/* The network def may join: libvirt's virNetworkObjAssignDef checks (the
 * same uuid must have the same name, a name another uuid's; live: not
 * over a running one). NULL with *existing NULL: a new one. */
static int check_assign(struct drv_conn *c, const struct nx_def *def, int live,
                        struct tnet **existing)
{
    char u[UUID_STRING_LEN];
    struct tnet *n = by_uuid(st(c), def->uuid);
    *existing = NULL;
    if (n) {
        if (strcmp(n->def.name, def->name) != 0) {
            uuid_format(def->uuid, u);
            error_report(ERR_OPERATION_FAILED, FROM_NETWORK,
                         "network '%s' is already defined with uuid %s", n->def.name, u);
            return -1;
        }
        if (live && n->active) {
            error_report(ERR_OPERATION_INVALID, FROM_NETWORK,
                         "network is already active as '%s'", n->def.name);
            return -1;
        }
        *existing = n;
        return 0;
    }
    if ((n = by_name(st(c), def->name))) {
        uuid_format(n->def.uuid, u);
        error_report(ERR_OPERATION_FAILED, FROM_NETWORK,
                     "network '%s' already exists with uuid %s", def->name, u);
        return -1;
    }
    return 0;
}

static int create_locked(struct drv_conn *c, const char *xml, unsigned int flags,
                         remote_nonnull_network *out)
{
    struct nx_def def;
    struct tnet *n;
    if (nx_def_parse_string(xml, flags & CREATE_VALIDATE, &def) < 0)
        return -1;
    if (check_assign(c, &def, 1, &n) < 0) {
        nx_def_clear(&def);
        return -1;
    }
    if (n) {
        /* The persistent definition waits in newdef for the destroy. */
        if (n->persistent && !n->newdef.xml) {
            n->newdef = n->def;
        } else {
            nx_def_clear(&n->def);
        }
        n->def = def;
    } else if (!(n = net_add(st(c), &def))) {
        nx_def_clear(&def);
        return -1;
    }
    n->active = 1;
    queue(c, n, EV_STARTED);
    return fill_net(n, out);
}

static int create_xml(struct drv_conn *c, const char *xml, unsigned int flags,
                      remote_nonnull_network *out)
{
    if (test_check_flags(flags, CREATE_VALIDATE, "testNetworkCreateXMLFlags") < 0 ||
        test_wr_begin(c, "virNetworkCreateXML") < 0)
        return -1;
    return test_wr_end(c, create_locked(c, xml, flags, out));
}

static int test_network_create_xml(struct drv_conn *c,
                                   const remote_network_create_xml_args *args,
                                   remote_network_create_xml_ret *ret)
{
    return create_xml(c, args->xml, 0, &ret->net);
}

static int test_network_create_xml_flags(struct drv_conn *c,
                                         const remote_network_create_xml_flags_args *args,
                                         remote_network_create_xml_flags_ret *ret)
{
    return create_xml(c, args->xml, args->flags, &ret->net);
}

static int define_locked(struct drv_conn *c, const char *xml, unsigned int flags,
                         remote_nonnull_network *out)
{
    struct nx_def def;
    struct tnet *n;
    if (nx_def_parse_string(xml, flags & CREATE_VALIDATE, &def) < 0)
        return -1;
    if (check_assign(c, &def, 0, &n) < 0) {
        nx_def_clear(&def);
        return -1;
    }
    if (n && n->active) {
        /* Kept for when the running network is destroyed. */
        nx_def_clear(&n->newdef);
        n->newdef = def;
    } else if (n) {
        nx_def_clear(&n->def);
        nx_def_clear(&n->newdef);
        n->def = def;
    } else if (!(n = net_add(st(c), &def))) {
        nx_def_clear(&def);
        return -1;
    }
    n->persistent = 1;
    queue(c, n, EV_DEFINED);
    return fill_net(n, out);
}

static int define_xml(struct drv_conn *c, const char *xml, unsigned int flags,
                      remote_nonnull_network *out)
{
    if (test_check_flags(flags, CREATE_VALIDATE, "testNetworkDefineXMLFlags") < 0 ||
        test_wr_begin(c, "virNetworkDefineXML") < 0)
        return -1;
    return test_wr_end(c, define_locked(c, xml, flags, out));
}

static int test_network_define_xml(struct drv_conn *c,
                                   const remote_network_define_xml_args *args,
                                   remote_network_define_xml_ret *ret)
{
    return define_xml(c, args->xml, 0, &ret->net);
}

static int test_network_define_xml_flags(struct drv_conn *c,
                                         const remote_network_define_xml_flags_args *args,
                                         remote_network_define_xml_flags_ret *ret)
{
    return define_xml(c, args->xml, args->flags, &ret->net);
}

static int undefine_locked(struct drv_conn *c, const remote_nonnull_network *net)
{
    struct tnet *n = get_net(c, net);
    if (!n)
        return -1;
    if (n->active) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST, "Network '%s' is still running",
                     n->def.name);
        return -1;
    }
    queue(c, n, EV_UNDEFINED);
    net_remove(st(c), n);
    return 0;
}

static int test_network_undefine(struct drv_conn *c, const remote_network_undefine_args *args)
{
    if (test_wr_begin(c, "virNetworkUndefine") < 0)
        return -1;
    return test_wr_end(c, undefine_locked(c, &args->net));
}

static int start_locked(struct drv_conn *c, const remote_nonnull_network *net)
{
    struct tnet *n = get_net(c, net);
    if (!n)
        return -1;
    if (n->active) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST, "Network '%s' is already running",
                     n->def.name);
        return -1;
    }
    n->active = 1;
    queue(c, n, EV_STARTED);
    return 0;
}

static int test_network_create(struct drv_conn *c, const remote_network_create_args *args)
{
    if (test_wr_begin(c, "virNetworkCreate") < 0)
        return -1;
    return test_wr_end(c, start_locked(c, &args->net));
}

/* Real's test driver stops a network whether it runs or not, and a
 * persistent one keeps the definition it ran with (its newdef stays
 * aside, as real's test driver leaves it). */
static int destroy_locked(struct drv_conn *c, const remote_nonnull_network *net)
{
    struct tnet *n = get_net(c, net);
    if (!n)
        return -1;
    n->active = 0;
    queue(c, n, EV_STOPPED);
    if (!n->persistent)
        net_remove(st(c), n);
    return 0;
}

static int test_network_destroy(struct drv_conn *c, const remote_network_destroy_args *args)
{
    if (test_wr_begin(c, "virNetworkDestroy") < 0)
        return -1;
    return test_wr_end(c, destroy_locked(c, &args->net));
}

static int autostart_locked(struct drv_conn *c, const remote_network_set_autostart_args *args)
{
    struct tnet *n = get_net(c, &args->net);
    if (!n)
        return -1;
    n->autostart = args->autostart != 0;
    return 0;
}

static int test_network_set_autostart(struct drv_conn *c,
                                      const remote_network_set_autostart_args *args)
{
    if (test_wr_begin(c, "virNetworkSetAutostart") < 0)
        return -1;
    return test_wr_end(c, autostart_locked(c, args));
}

static int update_locked(struct drv_conn *c, const remote_network_update_args *args)
{
    struct tnet *n = get_net(c, &args->net);
    unsigned int flags = args->flags;
    struct nx_def live = {0}, config = {0};
    int rc = -1;

    if (!n)
        return -1;
    if (!(flags & (UPDATE_LIVE | UPDATE_CONFIG)))
        flags |= n->active ? UPDATE_LIVE : UPDATE_CONFIG;
    if (!n->active && (flags & UPDATE_LIVE)) {
        error_report(ERR_OPERATION_INVALID, FROM_NETWORK, "network is not running");
        return -1;
    }
    if ((flags & UPDATE_CONFIG) && !n->persistent) {
        error_report(ERR_OPERATION_INVALID, FROM_NETWORK,
                     "cannot change persistent config of a transient network");
        return -1;
    }
    if (flags & UPDATE_LIVE) {
        if (nx_def_copy(&live, &n->def) < 0 ||
            nx_def_update(&live, (int)args->command, (int)args->section, args->parentIndex,
                          args->xml) < 0)
            goto out;
    }
    if (flags & UPDATE_CONFIG) {
        const struct nx_def *persistent = n->newdef.xml ? &n->newdef : &n->def;
        if (nx_def_copy(&config, persistent) < 0 ||
            nx_def_update(&config, (int)args->command, (int)args->section, args->parentIndex,
                          args->xml) < 0)
            goto out;
    }
    if (config.xml) {
        if (n->active) {
            nx_def_clear(&n->newdef);
            n->newdef = config;
        } else {
            nx_def_clear(&n->newdef);
            nx_def_clear(&n->def);
            n->def = config;
        }
        memset(&config, 0, sizeof(config));
    }
    if (live.xml) {
        nx_def_clear(&n->def);
        n->def = live;
        memset(&live, 0, sizeof(live));
    }
    rc = 0;
out:
    nx_def_clear(&live);
    nx_def_clear(&config);
    return rc;
}

static int test_network_update(struct drv_conn *c, const remote_network_update_args *args)
{
    if (test_check_flags(args->flags, UPDATE_LIVE | UPDATE_CONFIG, "testNetworkUpdate") < 0 ||
        test_wr_begin(c, "virNetworkUpdate") < 0)
        return -1;
    return test_wr_end(c, update_locked(c, args));
}

const struct drv_network_ops test_network_ops = {
    .connect_num_of_networks = test_connect_num_of_networks,
    .connect_list_networks = test_connect_list_networks,
    .connect_num_of_defined_networks = test_connect_num_of_defined_networks,
    .connect_list_defined_networks = test_connect_list_defined_networks,
    .connect_list_all_networks = test_connect_list_all_networks,
    .network_lookup_by_name = test_network_lookup_by_name,
    .network_lookup_by_uuid = test_network_lookup_by_uuid,
    .network_create_xml = test_network_create_xml,
    .network_create_xml_flags = test_network_create_xml_flags,
    .network_define_xml = test_network_define_xml,
    .network_define_xml_flags = test_network_define_xml_flags,
    .network_undefine = test_network_undefine,
    .network_create = test_network_create,
    .network_destroy = test_network_destroy,
    .network_get_xml_desc = test_network_get_xml_desc,
    .network_get_bridge_name = test_network_get_bridge_name,
    .network_get_autostart = test_network_get_autostart,
    .network_set_autostart = test_network_set_autostart,
    .network_is_active = test_network_is_active,
    .network_is_persistent = test_network_is_persistent,
    .network_update = test_network_update,
};

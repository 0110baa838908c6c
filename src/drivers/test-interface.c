/* test-interface: the test driver's host interfaces, as real libvirt 9.0's
 * test driver serves them: test:///default's eth1, <interface> elements
 * of node files, define (a definition of a name that exists replaces it,
 * its state kept), undefine (active or not), start, destroy, the lookups
 * (by MAC, where an interface without a MAC matches any, as real's
 * comparison does, so that two interfaces give "multiple matching
 * interfaces found"; the handle carries the MAC as asked, in its case) and the change
 * transaction: begin keeps a copy of every interface, rollback puts it back, commit drops it;
 * like the interfaces themselves it belongs to test:///default, not to a connection. The copy
 * holds the definitions only: after a rollback every interface is inactive, as with real's.
 *
 * The XML model is libvirt's interface definition (ethernet, bridge,
 * bond, vlan): what it does not know is dropped, what it knows is written
 * back in libvirt's order. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/xml.h"
#include "error.h"
#include "test-internal.h"

#define ERR_NO_INTERFACE 57
#define ERR_MULTIPLE_INTERFACES 59
#define FROM_INTERFACE 26

#define IFACE_MAX 1024
#define IFACE_DEPTH 4

enum if_type { IF_ETHERNET, IF_BRIDGE, IF_BOND, IF_VLAN };
static const char *const if_types[] = {"ethernet", "bridge", "bond", "vlan"};
static const char *const start_modes[] = {NULL, "none", "onboot", "hotplug"};
static const char *const bond_modes[] = {NULL,          "balance-rr", "active-backup",
                                         "balance-xor", "broadcast",  "802.3ad",
                                         "balance-tlb", "balance-alb"};
static const char *const mii_carriers[] = {NULL, "ioctl", "netif"};
static const char *const arp_validates[] = {NULL, "active", "backup", "all"};
/* virNetDevIfState's names; 0 is "unknown" and is not written. */
static const char *const link_states[] = {"unknown", "notpresent", "down", "lowerlayerdown",
                                          "testing", "dormant",    "up"};
#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

struct if_ip {
    char *address;
    int prefix;
};

struct if_proto {
    char *family, *gateway;
    int autoconf, dhcp, peerdns; /* peerdns: -1 unset */
    struct if_ip *ips;
    size_t nips;
};

struct if_def {
    enum if_type type;
    char *name, *mac;
    int startmode;
    unsigned int mtu;
    unsigned int link_speed;
    int link_state;
    struct if_proto *protos;
    size_t nprotos;
    /* bridge */
    int stp; /* -1 unset */
    char *delay;
    /* bond */
    int bond_mode, monit, freq, downdelay, updelay, carrier, interval, validate;
    char *target;
    /* vlan */
    char *tag, *dev_name;
    /* a bridge's or bond's interfaces */
    struct if_def **itf;
    size_t nitf;
};

enum { MONIT_NONE, MONIT_MII, MONIT_ARP };

struct iface {
    struct if_def *def;
    int active;
};

struct iface_list {
    struct iface *v;
    size_t n;
};

struct interface_state {
    struct iface_list cur;
    /* The copy a change transaction began with. */
    int txn;
    struct iface_list backup;
};

static struct interface_state *state_of(struct drv_conn *c)
{
    return test_state(c, TEST_KIND_INTERFACE);
}

static const char default_interface[] =
    "<interface type='ethernet' name='eth1'><start mode='onboot'/><mac "
    "address='aa:bb:cc:dd:ee:ff'/>"
    "<mtu size='1492'/><protocol family='ipv4'><ip address='192.168.0.5' prefix='24'/>"
    "<route gateway='192.168.0.1'/></protocol></interface>";

/* ---- the definition ---- */

static void def_free(struct if_def *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nprotos; i++) {
        for (size_t j = 0; j < d->protos[i].nips; j++)
            free(d->protos[i].ips[j].address);
        free(d->protos[i].ips);
        free(d->protos[i].family);
        free(d->protos[i].gateway);
    }
    free(d->protos);
    for (size_t i = 0; i < d->nitf; i++)
        def_free(d->itf[i]);
    free(d->itf);
    free(d->name);
    free(d->mac);
    free(d->delay);
    free(d->target);
    free(d->tag);
    free(d->dev_name);
    free(d);
}

static void xml_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* libvirt's "XML error: ..." with the detail formatted. */
static void xml_error(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    error_report(ERR_XML_ERROR, FROM_INTERFACE, "%s", msg);
}

static int is_elem(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent->children; n; n = n->next)
        if (is_elem(n, name))
            return n;
    return NULL;
}

/* The first element named elem under parent that has attribute attr: what
 * libvirt's XPath string(./elem/@attr) reads, whichever element it is on. */
static xmlNodePtr attr_node(xmlNodePtr parent, const char *elem, const char *attr)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (is_elem(n, elem) && xmlHasProp(n, (const xmlChar *)attr))
            return n;
    return NULL;
}

/* Attribute (malloc'd) or NULL; *oom set when it could not be copied. */
static char *prop(xmlNodePtr n, const char *name, int *oom)
{
    xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
    if (!v)
        return NULL;
    char *s = strdup((const char *)v);
    if (!s)
        *oom = 1;
    xmlFree(v);
    return s;
}

/* libvirt's XPath string(): an empty value is no value. */
static char *prop_nonempty(xmlNodePtr n, const char *name, int *oom)
{
    char *s = prop(n, name, oom);
    if (s && !*s) {
        free(s);
        return NULL;
    }
    return s;
}

/* An enumerated attribute: its index in names, or 0 absent, or -1 when
 * it is none of them. */
static int enum_of(const char *v, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], v) == 0)
            return (int)i;
    return -1;
}

static int parse_long(const char *t, long *v)
{
    char *end;
    if (!t || !*t)
        return -1;
    errno = 0;
    long x = strtol(t, &end, 10);
    if (errno || *end)
        return -1;
    *v = x;
    return 0;
}

/* virXPathInt on an attribute of the first element named elem: 0 and *v,
 * -1 missing, -2 not a number. */
static int int_attr(xmlNodePtr parent, const char *elem, const char *attr, int *v)
{
    xmlNodePtr n = attr_node(parent, elem, attr);
    xmlChar *s = n ? xmlGetProp(n, (const xmlChar *)attr) : NULL;
    if (!s || !*s) {
        xmlFree(s);
        return -1;
    }
    long x;
    int r = parse_long((const char *)s, &x) == 0 && x >= -2147483647L - 1 && x <= 2147483647L
                ? 0
                : -2;
    if (r == 0)
        *v = (int)x;
    xmlFree(s);
    return r;
}

static int parse_link(xmlNodePtr lnk, struct if_def *d)
{
    int oom = 0;
    char *speed = prop(lnk, "speed", &oom), *state = prop(lnk, "state", &oom);
    int r = -1;
    if (oom) {
        test_no_memory();
        goto out;
    }
    if (speed) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(speed, &end, 10);
        if (!*speed || *end || errno || v > 0xffffffffUL || speed[0] == '-') {
            error_report(ERR_XML_ERROR, FROM_INTERFACE,
                         "Invalid value for attribute 'speed' in element 'link': '%s'. "
                         "Expected non-negative integer value",
                         speed);
            goto out;
        }
        d->link_speed = (unsigned int)v;
    }
    if (state) {
        int s = enum_of(state, link_states, NELEMS(link_states));
        if (s <= 0) {
            error_report(ERR_XML_ERROR, FROM_INTERFACE,
                         "Invalid value for attribute 'state' in element 'link': '%s'.", state);
            goto out;
        }
        d->link_state = s;
    }
    r = 0;
out:
    free(speed);
    free(state);
    return r;
}

static int parse_proto(xmlNodePtr pn, struct if_proto *p, int *oom)
{
    int ipv6 = strcmp(p->family, "ipv6") == 0;
    xmlNodePtr route = child(pn, "route"), dhcp = child(pn, "dhcp");

    p->peerdns = -1;
    p->gateway = prop_nonempty(route, "gateway", oom);
    if (ipv6 && child(pn, "autoconf"))
        p->autoconf = 1;
    if (dhcp) {
        p->dhcp = 1;
        char *v = prop(dhcp, "peerdns", oom);
        if (v) {
            int yes = strcmp(v, "yes") == 0, no = strcmp(v, "no") == 0;
            if (!yes && !no) {
                error_report(ERR_XML_ERROR, FROM_INTERFACE,
                             "Invalid value for attribute 'peerdns' in element 'dhcp': '%s'.",
                             v);
                free(v);
                return -1;
            }
            p->peerdns = yes;
            free(v);
        }
    }
    size_t n = 0;
    for (xmlNodePtr c = pn->children; c; c = c->next)
        n += is_elem(c, "ip");
    if (n && !(p->ips = calloc(n, sizeof(*p->ips)))) {
        *oom = 1;
        return -1;
    }
    for (xmlNodePtr c = pn->children; c; c = c->next) {
        if (!is_elem(c, "ip"))
            continue;
        struct if_ip *ip = &p->ips[p->nips++];
        if (!(ip->address = prop(c, "address", oom)))
            continue;
        char *pre = prop(c, "prefix", oom);
        long v;
        if (pre && (parse_long(pre, &v) < 0 || v < -2147483647L - 1 || v > 2147483647L)) {
            error_report(ERR_XML_ERROR, FROM_INTERFACE,
                         "Invalid value for attribute 'prefix' in element 'ip': '%s'. "
                         "Expected integer value",
                         pre);
            free(pre);
            return -1;
        }
        if (pre)
            ip->prefix = (int)v;
        free(pre);
    }
    return *oom ? -1 : 0;
}

static int parse_protos(xmlNodePtr root, struct if_def *d, int *oom)
{
    size_t n = 0;
    for (xmlNodePtr c = root->children; c; c = c->next)
        n += is_elem(c, "protocol");
    if (!n)
        return 0;
    if (!(d->protos = calloc(n, sizeof(*d->protos)))) {
        *oom = 1;
        return -1;
    }
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (!is_elem(c, "protocol"))
            continue;
        struct if_proto *p = &d->protos[d->nprotos];
        if (!(p->family = prop(c, "family", oom))) {
            if (!*oom)
                xml_error("protocol misses the family attribute");
            return -1;
        }
        d->nprotos++;
        if (strcmp(p->family, "ipv4") != 0 && strcmp(p->family, "ipv6") != 0) {
            xml_error("unsupported protocol family '%s'", p->family);
            return -1;
        }
        if (parse_proto(c, p, oom) < 0)
            return -1;
    }
    return 0;
}

static struct if_def *parse_def(xmlNodePtr n, int parent, int depth);

/* A bridge's or bond's <interface> children. */
static int parse_members(xmlNodePtr n, struct if_def *d, int depth)
{
    size_t count = 0;
    for (xmlNodePtr c = n->children; c; c = c->next)
        count += is_elem(c, "interface");
    if (!count)
        return 0;
    if (!(d->itf = calloc(count, sizeof(*d->itf)))) {
        test_no_memory();
        return -1;
    }
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (!is_elem(c, "interface"))
            continue;
        if (!(d->itf[d->nitf] = parse_def(c, (int)d->type, depth + 1)))
            return -1;
        d->nitf++;
    }
    return 0;
}

static int parse_bond(xmlNodePtr b, struct if_def *d, int depth, int *oom)
{
    char *mode = prop(b, "mode", oom);
    if (mode) {
        d->bond_mode = enum_of(mode, bond_modes, NELEMS(bond_modes));
        if (d->bond_mode < 0) {
            xml_error("unknown bonding mode %s", mode);
            free(mode);
            return -1;
        }
        free(mode);
    }
    if (*oom || parse_members(b, d, depth) < 0)
        return -1;
    xmlNodePtr mii = child(b, "miimon"), arp = child(b, "arpmon");
    if (mii) {
        d->monit = MONIT_MII;
        if (int_attr(b, "miimon", "freq", &d->freq) < 0) {
            xml_error("bond interface miimon freq missing or invalid");
            return -1;
        }
        if (int_attr(b, "miimon", "downdelay", &d->downdelay) == -2) {
            xml_error("bond interface miimon downdelay invalid");
            return -1;
        }
        if (int_attr(b, "miimon", "updelay", &d->updelay) == -2) {
            xml_error("bond interface miimon updelay invalid");
            return -1;
        }
        char *car = prop(attr_node(b, "miimon", "carrier"), "carrier", oom);
        if (car && (d->carrier = enum_of(car, mii_carriers, NELEMS(mii_carriers))) < 0) {
            xml_error("unknown mii bonding carrier %s", car);
            free(car);
            return -1;
        }
        free(car);
    } else if (arp) {
        d->monit = MONIT_ARP;
        if (int_attr(b, "arpmon", "interval", &d->interval) < 0) {
            xml_error("bond interface arpmon interval missing or invalid");
            return -1;
        }
        if (!(d->target = prop_nonempty(attr_node(b, "arpmon", "target"), "target", oom))) {
            if (!*oom)
                xml_error("bond interface arpmon target missing");
            return -1;
        }
        char *val = prop(attr_node(b, "arpmon", "validate"), "validate", oom);
        if (val && (d->validate = enum_of(val, arp_validates, NELEMS(arp_validates))) < 0) {
            xml_error("unknown arp bonding validate %s", val);
            free(val);
            return -1;
        }
        free(val);
    }
    return *oom ? -1 : 0;
}

/* An <interface> element; parent is the type of the interface it is in,
 * or -1 at the top. NULL with the error recorded. */
static struct if_def *parse_def(xmlNodePtr n, int parent, int depth)
{
    int oom = 0;
    char *type = prop(n, "type", &oom);
    struct if_def *d = NULL;

    if (!type) {
        if (!oom)
            xml_error("Missing required attribute 'type' in element 'interface'");
        goto fail;
    }
    int t = enum_of(type, if_types, NELEMS(if_types));
    if (t < 0) {
        error_report(ERR_XML_ERROR, FROM_INTERFACE,
                     "Invalid value for attribute 'type' in element 'interface': '%s'.", type);
        goto fail;
    }
    if ((parent == IF_BOND && t != IF_ETHERNET) || (parent == IF_BRIDGE && t == IF_BRIDGE) ||
        parent == IF_ETHERNET || parent == IF_VLAN || depth > IFACE_DEPTH) {
        xml_error("interface has unsupported type '%s'", type);
        goto fail;
    }
    if (!(d = calloc(1, sizeof(*d)))) {
        oom = 1;
        goto fail;
    }
    d->type = (enum if_type)t;
    d->stp = -1;
    if (!(d->name = prop(n, "name", &oom))) {
        if (!oom)
            xml_error("interface has no name");
        goto fail;
    }
    if (parent < 0) {
        xmlNodePtr start = attr_node(n, "start", "mode"), mtu = attr_node(n, "mtu", "size");
        char *mode = prop_nonempty(start, "mode", &oom);
        if (mode && (d->startmode = enum_of(mode, start_modes, NELEMS(start_modes))) <= 0) {
            xml_error("unknown interface startmode %s", mode);
            free(mode);
            goto fail;
        }
        free(mode);
        char *size = prop_nonempty(mtu, "size", &oom);
        if (size) {
            char *end;
            errno = 0;
            unsigned long v = strtoul(size, &end, 10);
            int bad = *end || errno || size[0] == '-';
            free(size);
            if (bad || v > 0xffffffffUL) {
                /* Real fails on a size that is no number without saying
                 * why: libvirt's generic text. */
                error_set_message(ERR_INTERNAL_ERROR, FROM_NONE,
                                  "An error occurred, but the cause is unknown");
                goto fail;
            }
            if (v > 100000) {
                xml_error(
                    "value of the 'size' attribute of 'mtu' element must be at most 100000");
                goto fail;
            }
            d->mtu = (unsigned int)v;
        }
        if (oom || parse_protos(n, d, &oom) < 0)
            goto fail;
    }
    xmlNodePtr lnk = child(n, "link");
    if (d->type != IF_BRIDGE && lnk && parse_link(lnk, d) < 0)
        goto fail;
    switch (d->type) {
    case IF_ETHERNET:
        d->mac = prop_nonempty(attr_node(n, "mac", "address"), "address", &oom);
        break;
    case IF_BRIDGE: {
        xmlNodePtr b = child(n, "bridge");
        if (!b) {
            xml_error("bridge interface misses the bridge element");
            goto fail;
        }
        char *stp = prop(b, "stp", &oom);
        if (stp) {
            if (strcmp(stp, "on") == 0 || strcmp(stp, "off") == 0) {
                d->stp = strcmp(stp, "on") == 0;
            } else {
                /* Real records this and still defines the bridge. */
                d->stp = -1;
            }
            free(stp);
            if (d->stp < 0)
                break;
        }
        d->delay = prop(b, "delay", &oom);
        if (oom || parse_members(b, d, depth) < 0)
            goto fail;
        break;
    }
    case IF_BOND: {
        xmlNodePtr b = child(n, "bond");
        if (!b) {
            xml_error("bond interface misses the bond element");
            goto fail;
        }
        if (parse_bond(b, d, depth, &oom) < 0)
            goto fail;
        break;
    }
    case IF_VLAN: {
        xmlNodePtr v = child(n, "vlan");
        if (!v) {
            xml_error("vlan interface misses the vlan element");
            goto fail;
        }
        if (!(d->tag = prop_nonempty(v, "tag", &oom))) {
            if (!oom)
                xml_error("vlan interface misses the tag attribute");
            goto fail;
        }
        xmlNodePtr dev = attr_node(v, "interface", "name");
        if (!(d->dev_name = prop_nonempty(dev, "name", &oom))) {
            if (!oom)
                xml_error("vlan interface misses name attribute");
            goto fail;
        }
        break;
    }
    }
    if (oom)
        goto fail;
    free(type);
    return d;
fail:
    if (oom)
        test_no_memory();
    free(type);
    def_free(d);
    return NULL;
}

static struct if_def *def_parse_string(const char *xml, size_t len)
{
    xmlDocPtr doc = xml_parse(xml, len, "(interface_definition)", FROM_INTERFACE);
    if (!doc)
        return NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    struct if_def *d = NULL;
    if (strcmp((const char *)root->name, "interface") != 0)
        error_report(ERR_XML_ERROR, FROM_INTERFACE,
                     "expecting root element of 'interface', not '%s'",
                     (const char *)root->name);
    else
        d = parse_def(root, -1, 0);
    xmlFreeDoc(doc);
    return d;
}

/* Attribute text escaped as libvirt's buffer escapes it. */
static void put_escaped(FILE *f, const char *s)
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

static void put_attr(FILE *f, const char *name, const char *v)
{
    fprintf(f, " %s='", name);
    put_escaped(f, v);
    fputc('\'', f);
}

static void format_def(FILE *f, const struct if_def *d, int top, int ind);

static void format_protos(FILE *f, const struct if_def *d, int ind)
{
    for (size_t i = 0; i < d->nprotos; i++) {
        const struct if_proto *p = &d->protos[i];
        fprintf(f, "%*s<protocol", ind, "");
        put_attr(f, "family", p->family);
        fputs(">\n", f);
        if (p->autoconf)
            fprintf(f, "%*s<autoconf/>\n", ind + 2, "");
        if (p->dhcp)
            fprintf(f, "%*s<dhcp%s/>\n", ind + 2, "",
                    p->peerdns == 0   ? " peerdns='no'"
                    : p->peerdns == 1 ? " peerdns='yes'"
                                      : "");
        for (size_t j = 0; j < p->nips; j++) {
            if (!p->ips[j].address)
                continue;
            fprintf(f, "%*s<ip", ind + 2, "");
            put_attr(f, "address", p->ips[j].address);
            if (p->ips[j].prefix)
                fprintf(f, " prefix='%d'", p->ips[j].prefix);
            fputs("/>\n", f);
        }
        if (p->gateway) {
            fprintf(f, "%*s<route", ind + 2, "");
            put_attr(f, "gateway", p->gateway);
            fputs("/>\n", f);
        }
        fprintf(f, "%*s</protocol>\n", ind, "");
    }
}

static void format_def(FILE *f, const struct if_def *d, int top, int ind)
{
    fprintf(f, "%*s<interface type='%s' ", ind, "", if_types[d->type]);
    fputs("name='", f);
    put_escaped(f, d->name);
    fputs("'>\n", f);
    int in = ind + 2;
    if (top) {
        if (d->startmode > 0)
            fprintf(f, "%*s<start mode='%s'/>\n", in, "", start_modes[d->startmode]);
        if (d->mtu)
            fprintf(f, "%*s<mtu size='%u'/>\n", in, "", d->mtu);
        format_protos(f, d, in);
    }
    if (d->type != IF_BRIDGE && (d->link_speed || d->link_state)) {
        fprintf(f, "%*s<link", in, "");
        if (d->link_speed)
            fprintf(f, " speed='%u'", d->link_speed);
        if (d->link_state)
            fprintf(f, " state='%s'", link_states[d->link_state]);
        fputs("/>\n", f);
    }
    switch (d->type) {
    case IF_ETHERNET:
        if (d->mac) {
            fprintf(f, "%*s<mac", in, "");
            put_attr(f, "address", d->mac);
            fputs("/>\n", f);
        }
        break;
    case IF_BRIDGE:
        fprintf(f, "%*s<bridge", in, "");
        if (d->stp >= 0)
            fprintf(f, " stp='%s'", d->stp ? "on" : "off");
        if (d->delay)
            put_attr(f, "delay", d->delay);
        fputs(">\n", f);
        for (size_t i = 0; i < d->nitf; i++)
            format_def(f, d->itf[i], 0, in + 2);
        fprintf(f, "%*s</bridge>\n", in, "");
        break;
    case IF_BOND:
        fprintf(f, "%*s<bond", in, "");
        if (d->bond_mode > 0)
            fprintf(f, " mode='%s'", bond_modes[d->bond_mode]);
        fputs(">\n", f);
        if (d->monit == MONIT_MII) {
            fprintf(f, "%*s<miimon freq='%d'", in + 2, "", d->freq);
            if (d->downdelay > 0)
                fprintf(f, " downdelay='%d'", d->downdelay);
            if (d->updelay > 0)
                fprintf(f, " updelay='%d'", d->updelay);
            if (d->carrier > 0)
                fprintf(f, " carrier='%s'", mii_carriers[d->carrier]);
            fputs("/>\n", f);
        } else if (d->monit == MONIT_ARP) {
            fprintf(f, "%*s<arpmon interval='%d'", in + 2, "", d->interval);
            put_attr(f, "target", d->target);
            if (d->validate > 0)
                fprintf(f, " validate='%s'", arp_validates[d->validate]);
            fputs("/>\n", f);
        }
        for (size_t i = 0; i < d->nitf; i++)
            format_def(f, d->itf[i], 0, in + 2);
        fprintf(f, "%*s</bond>\n", in, "");
        break;
    case IF_VLAN:
        fprintf(f, "%*s<vlan", in, "");
        put_attr(f, "tag", d->tag);
        fputs(">\n", f);
        fprintf(f, "%*s<interface", in + 2, "");
        put_attr(f, "name", d->dev_name);
        fputs("/>\n", f);
        fprintf(f, "%*s</vlan>\n", in, "");
        break;
    }
    fprintf(f, "%*s</interface>\n", ind, "");
}

static char *def_format(const struct if_def *d)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        test_no_memory();
        return NULL;
    }
    format_def(f, d, 1, 0);
    if (fclose(f) != 0) {
        free(buf);
        test_no_memory();
        return NULL;
    }
    return buf;
}

/* ---- the objects ---- */

static void list_clear(struct iface_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        def_free(l->v[i].def);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static struct iface *find(struct iface_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].def->name, name) == 0)
            return &l->v[i];
    return NULL;
}

/* Adds def (taken over) or replaces the definition of the interface of
 * its name; the interface, or NULL recorded. */
static struct iface *assign(struct iface_list *l, struct if_def *def, int active)
{
    struct iface *i = find(l, def->name);
    if (i) {
        def_free(i->def);
        i->def = def;
        return i;
    }
    if (l->n == IFACE_MAX) {
        error_report(ERR_OPERATION_FAILED, FROM_TEST, "too many interfaces");
        def_free(def);
        return NULL;
    }
    struct iface *v = realloc(l->v, (l->n + 1) * sizeof(*v));
    if (!v) {
        def_free(def);
        test_no_memory();
        return NULL;
    }
    l->v = v;
    l->v[l->n] = (struct iface){def, active};
    return &l->v[l->n++];
}

static void remove_iface(struct iface_list *l, struct iface *i)
{
    def_free(i->def);
    size_t k = (size_t)(i - l->v);
    memmove(&l->v[k], &l->v[k + 1], (l->n - k - 1) * sizeof(*l->v));
    l->n--;
}

/* A copy of from's definitions in *to (empty before), every interface
 * inactive, as real's copy is (a rollback leaves them so), or -1
 * recorded. */
static int list_copy(struct iface_list *to, const struct iface_list *from)
{
    for (size_t i = 0; i < from->n; i++) {
        char *x = def_format(from->v[i].def);
        struct if_def *d = x ? def_parse_string(x, strlen(x)) : NULL;
        free(x);
        if (!d || !assign(to, d, 0)) {
            list_clear(to);
            return -1;
        }
    }
    return 0;
}

static void interface_clear(struct drv_conn *c, void *state)
{
    struct interface_state *st = state;
    (void)c;
    list_clear(&st->cur);
    list_clear(&st->backup);
    st->txn = 0;
}

static int interface_load_default(struct drv_conn *c, void *state)
{
    struct interface_state *st = state;
    (void)c;
    struct if_def *d = def_parse_string(default_interface, strlen(default_interface));
    return d && assign(&st->cur, d, 1) ? 0 : -1;
}

/* A node file's interfaces are active, as real's are. */
static int interface_load_node(struct drv_conn *c, void *state, xmlDocPtr doc, xmlNodePtr n,
                               const char *dir)
{
    struct interface_state *st = state;
    xmlDocPtr sub;
    xmlNodePtr root;
    (void)doc;
    if (test_node_file(c, n, dir, &sub, &root) < 0)
        return -1;
    struct if_def *d = NULL;
    if (sub && strcmp((const char *)root->name, "interface") != 0)
        error_report(ERR_XML_ERROR, FROM_INTERFACE,
                     "expecting root element of 'interface', not '%s'",
                     (const char *)root->name);
    else
        d = parse_def(sub ? root : n, -1, 0);
    xmlFreeDoc(sub);
    return d && assign(&st->cur, d, 1) ? 0 : -1;
}

/* "txn 0|1\n", then each interface as "cur|backup ACTIVE LEN\n" and its
 * XML. */
static int interface_save(struct drv_conn *c, void *state, FILE *f)
{
    struct interface_state *st = state;
    (void)c;
    if (fprintf(f, "txn %d\n", st->txn) < 0)
        goto nomem;
    for (int b = 0; b < 2; b++) {
        struct iface_list *l = b ? &st->backup : &st->cur;
        for (size_t i = 0; i < l->n; i++) {
            char *x = def_format(l->v[i].def);
            if (!x)
                return -1;
            int ok = fprintf(f, "%s %d %zu\n%s", b ? "backup" : "cur", l->v[i].active,
                             strlen(x), x) > 0;
            free(x);
            if (!ok)
                goto nomem;
        }
    }
    return 0;
nomem:
    test_no_memory();
    return -1;
}

static int damaged(void)
{
    error_report(ERR_INTERNAL_ERROR, FROM_TEST,
                 "the shared state of test:///default is damaged: an interface");
    return -1;
}

static int interface_load(struct drv_conn *c, void *state, const char *data, size_t len)
{
    struct interface_state *st = state;
    const char *p = data, *end = data + len;
    int used = 0;
    (void)c;
    if (!memchr(p, '\n', len) || sscanf(p, "txn %d\n%n", &st->txn, &used) != 1 || used <= 0 ||
        (st->txn & ~1))
        return damaged();
    p += used;
    while (p < end) {
        char which[8];
        int active;
        size_t n;
        used = 0;
        if (!memchr(p, '\n', (size_t)(end - p)) ||
            sscanf(p, "%7s %d %zu\n%n", which, &active, &n, &used) != 3 || used <= 0 ||
            (active & ~1) || n > (size_t)(end - p - used) ||
            (strcmp(which, "cur") != 0 && strcmp(which, "backup") != 0))
            return damaged();
        p += used;
        struct if_def *d = def_parse_string(p, n);
        if (!d || !assign(strcmp(which, "cur") == 0 ? &st->cur : &st->backup, d, active))
            return -1;
        p += n;
    }
    return 0;
}

const struct test_kind test_interface_kind = {
    .name = "interface",
    .tag = 'I',
    .node_element = "interface",
    .state_size = sizeof(struct interface_state),
    .clear = interface_clear,
    .load_default = interface_load_default,
    .load_node = interface_load_node,
    .save = interface_save,
    .load = interface_load,
};

/* ---- the operations ---- */

#define LIST_INACTIVE 1u
#define LIST_ACTIVE 2u

static int fill(remote_nonnull_interface *out, const struct iface *i)
{
    return drv_string(&out->name, i->def->name) < 0 ||
                   drv_string(&out->mac, i->def->mac ? i->def->mac : "") < 0
               ? -1
               : 0;
}

/* error.c has no text for this code: the message is given whole. */
static void not_found(const char *what, const char *value)
{
    char msg[4200];
    snprintf(msg, sizeof(msg), "Interface not found: no interface with matching %s '%s'", what,
             value);
    error_set_message(ERR_NO_INTERFACE, FROM_TEST, msg);
}

static struct iface *get_iface(struct drv_conn *c, const char *name)
{
    struct iface *i = find(&state_of(c)->cur, name);
    if (!i)
        not_found("name", name);
    return i;
}

static int count(struct drv_conn *c, int active, int *num)
{
    if (test_sync(c) < 0)
        return -1;
    struct iface_list *l = &state_of(c)->cur;
    *num = 0;
    for (size_t i = 0; i < l->n; i++)
        *num += l->v[i].active == active;
    return 0;
}

static int names(struct drv_conn *c, int active, int maxnames, char ***val, u_int *len)
{
    if (maxnames < 0 || maxnames > REMOTE_INTERFACE_LIST_MAX) {
        error_report(ERR_RPC, FROM_RPC, "maxnames > REMOTE_INTERFACE_LIST_MAX");
        return -1;
    }
    if (test_sync(c) < 0)
        return -1;
    struct iface_list *l = &state_of(c)->cur;
    if (!(*val = calloc(l->n + 1, sizeof(char *)))) {
        test_no_memory();
        return -1;
    }
    for (size_t i = 0; i < l->n && *len < (u_int)maxnames; i++) {
        if (l->v[i].active != active)
            continue;
        if (drv_string(&(*val)[*len], l->v[i].def->name) < 0)
            return -1;
        (*len)++;
    }
    return 0;
}

static int op_num_active(struct drv_conn *c, remote_connect_num_of_interfaces_ret *ret)
{
    return count(c, 1, &ret->num);
}

static int op_num_defined(struct drv_conn *c, remote_connect_num_of_defined_interfaces_ret *ret)
{
    return count(c, 0, &ret->num);
}

static int op_list_active(struct drv_conn *c, const remote_connect_list_interfaces_args *args,
                          remote_connect_list_interfaces_ret *ret)
{
    return names(c, 1, args->maxnames, &ret->names.names_val, &ret->names.names_len);
}

static int op_list_defined(struct drv_conn *c,
                           const remote_connect_list_defined_interfaces_args *args,
                           remote_connect_list_defined_interfaces_ret *ret)
{
    return names(c, 0, args->maxnames, &ret->names.names_val, &ret->names.names_len);
}

static int op_list_all(struct drv_conn *c, const remote_connect_list_all_interfaces_args *args,
                       remote_connect_list_all_interfaces_ret *ret)
{
    if (test_check_flags(args->flags, LIST_ACTIVE | LIST_INACTIVE,
                         "testConnectListAllInterfaces") < 0 ||
        test_sync(c) < 0)
        return -1;
    struct iface_list *l = &state_of(c)->cur;
    unsigned int want = args->flags ? args->flags : LIST_ACTIVE | LIST_INACTIVE;
    if (args->need_results &&
        !(ret->ifaces.ifaces_val = calloc(l->n + 1, sizeof(remote_nonnull_interface)))) {
        test_no_memory();
        return -1;
    }
    for (size_t i = 0; i < l->n; i++) {
        if (!(want & (l->v[i].active ? LIST_ACTIVE : LIST_INACTIVE)))
            continue;
        if (args->need_results) {
            if (fill(&ret->ifaces.ifaces_val[ret->ifaces.ifaces_len], &l->v[i]) < 0)
                return -1;
            ret->ifaces.ifaces_len++;
        }
        ret->ret++;
    }
    return 0;
}

static int op_lookup_by_name(struct drv_conn *c,
                             const remote_interface_lookup_by_name_args *args,
                             remote_interface_lookup_by_name_ret *ret)
{
    if (test_sync(c) < 0)
        return -1;
    struct iface *i = get_iface(c, args->name);
    return i ? fill(&ret->iface, i) : -1;
}

static int op_lookup_by_mac(struct drv_conn *c,
                            const remote_interface_lookup_by_mac_string_args *args,
                            remote_interface_lookup_by_mac_string_ret *ret)
{
    if (test_sync(c) < 0)
        return -1;
    struct iface_list *l = &state_of(c)->cur;
    struct iface *found = NULL;
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (!l->v[i].def->mac || strcasecmp(l->v[i].def->mac, args->mac) == 0) {
            found = &l->v[i];
            n++;
        }
    if (n == 0) {
        not_found("mac", args->mac);
        return -1;
    }
    if (n > 1) {
        error_set_message(ERR_MULTIPLE_INTERFACES, FROM_TEST,
                          "multiple matching interfaces found");
        return -1;
    }
    /* Real's handle carries the MAC as the caller wrote it. */
    return drv_string(&ret->iface.name, found->def->name) < 0 ||
                   drv_string(&ret->iface.mac, args->mac) < 0
               ? -1
               : 0;
}

static int op_get_xml_desc(struct drv_conn *c, const remote_interface_get_xml_desc_args *args,
                           remote_interface_get_xml_desc_ret *ret)
{
    if (test_check_flags(args->flags, 0, "testInterfaceGetXMLDesc") < 0 || test_sync(c) < 0)
        return -1;
    struct iface *i = get_iface(c, args->iface.name);
    return i && (ret->xml = def_format(i->def)) ? 0 : -1;
}

static int op_is_active(struct drv_conn *c, const remote_interface_is_active_args *args,
                        remote_interface_is_active_ret *ret)
{
    if (test_sync(c) < 0)
        return -1;
    struct iface *i = get_iface(c, args->iface.name);
    if (!i)
        return -1;
    ret->active = i->active;
    return 0;
}

static int op_define_xml(struct drv_conn *c, const remote_interface_define_xml_args *args,
                         remote_interface_define_xml_ret *ret)
{
    /* VIR_INTERFACE_DEFINE_VALIDATE */
    if (test_check_flags(args->flags, 1, "testInterfaceDefineXML") < 0 ||
        ((args->flags & 1) &&
         xml_validate_text(args->xml, "(interface_definition)", "interface", "interface.rng",
                           FROM_INTERFACE) < 0))
        return -1;
    struct if_def *d = def_parse_string(args->xml, strlen(args->xml));
    if (!d)
        return -1;
    if (test_wr_begin(c, "virInterfaceDefineXML") < 0) {
        def_free(d);
        return -1;
    }
    struct iface *i = assign(&state_of(c)->cur, d, 0);
    return test_wr_end(c, i ? fill(&ret->iface, i) : -1);
}

static int op_undefine(struct drv_conn *c, const remote_interface_undefine_args *args)
{
    if (test_wr_begin(c, "virInterfaceUndefine") < 0)
        return -1;
    struct iface *i = get_iface(c, args->iface.name);
    if (i)
        remove_iface(&state_of(c)->cur, i);
    return test_wr_end(c, i ? 0 : -1);
}

static int set_active(struct drv_conn *c, const char *name, unsigned int flags, int active,
                      const char *func, const char *api)
{
    if (test_check_flags(flags, 0, func) < 0 || test_wr_begin(c, api) < 0)
        return -1;
    struct iface *i = get_iface(c, name);
    int rc = -1;
    if (i && i->active == active) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST, NULL);
    } else if (i) {
        i->active = active;
        rc = 0;
    }
    return test_wr_end(c, rc);
}

static int op_create(struct drv_conn *c, const remote_interface_create_args *args)
{
    return set_active(c, args->iface.name, args->flags, 1, "testInterfaceCreate",
                      "virInterfaceCreate");
}

static int op_destroy(struct drv_conn *c, const remote_interface_destroy_args *args)
{
    return set_active(c, args->iface.name, args->flags, 0, "testInterfaceDestroy",
                      "virInterfaceDestroy");
}

static int op_change_begin(struct drv_conn *c, const remote_interface_change_begin_args *args)
{
    if (test_check_flags(args->flags, 0, "testInterfaceChangeBegin") < 0 ||
        test_wr_begin(c, "virInterfaceChangeBegin") < 0)
        return -1;
    struct interface_state *st = state_of(c);
    int rc = -1;
    if (st->txn)
        error_report(ERR_OPERATION_INVALID, FROM_TEST, "there is another transaction running.");
    else if (list_copy(&st->backup, &st->cur) == 0) {
        st->txn = 1;
        rc = 0;
    }
    return test_wr_end(c, rc);
}

static int op_change_commit(struct drv_conn *c, const remote_interface_change_commit_args *args)
{
    if (test_check_flags(args->flags, 0, "testInterfaceChangeCommit") < 0 ||
        test_wr_begin(c, "virInterfaceChangeCommit") < 0)
        return -1;
    struct interface_state *st = state_of(c);
    int rc = -1;
    if (!st->txn) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST,
                     "no transaction running, nothing to be committed.");
    } else {
        list_clear(&st->backup);
        st->txn = 0;
        rc = 0;
    }
    return test_wr_end(c, rc);
}

static int op_change_rollback(struct drv_conn *c,
                              const remote_interface_change_rollback_args *args)
{
    if (test_check_flags(args->flags, 0, "testInterfaceChangeRollback") < 0 ||
        test_wr_begin(c, "virInterfaceChangeRollback") < 0)
        return -1;
    struct interface_state *st = state_of(c);
    int rc = -1;
    if (!st->txn) {
        error_report(ERR_OPERATION_INVALID, FROM_TEST,
                     "no transaction running, nothing to rollback.");
    } else {
        list_clear(&st->cur);
        st->cur = st->backup;
        st->backup = (struct iface_list){0};
        st->txn = 0;
        rc = 0;
    }
    return test_wr_end(c, rc);
}

const struct drv_interface_ops test_interface_ops = {
    .connect_num_of_interfaces = op_num_active,
    .connect_list_interfaces = op_list_active,
    .connect_num_of_defined_interfaces = op_num_defined,
    .connect_list_defined_interfaces = op_list_defined,
    .connect_list_all_interfaces = op_list_all,
    .interface_lookup_by_name = op_lookup_by_name,
    .interface_lookup_by_mac_string = op_lookup_by_mac,
    .interface_get_xml_desc = op_get_xml_desc,
    .interface_define_xml = op_define_xml,
    .interface_undefine = op_undefine,
    .interface_create = op_create,
    .interface_destroy = op_destroy,
    .interface_is_active = op_is_active,
    .interface_change_begin = op_change_begin,
    .interface_change_commit = op_change_commit,
    .interface_change_rollback = op_change_rollback,
};

/* network_xml: see network_xml.h. A definition is checked and normalised
 * in its DOM (the generated uuid, the bridge's defaults, forward dev and
 * its first interface made one) and then written by one walk over a table
 * of the elements libvirt knows, each with its attributes and children in
 * libvirt's order. */
#include "network_xml.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "conf/xml.h"
#include "error.h"
#include "uuid.h"

/* libvirt's network error domain and codes this module reports. */
enum { ERR_OP_INVALID = ERR_OPERATION_INVALID, ERR_OP_UNSUPPORTED = ERR_OPERATION_UNSUPPORTED };

/* Text bigger than this is not a network definition. */
#define NX_XML_MAX (1024 * 1024)

/* ---- the elements libvirt knows, in its order ---- */

enum {
    NX_TEXT = 1,       /* <x>text</x> */
    NX_OPEN = 2,       /* always <x ...>\n</x>, children or not */
    NX_DROP_EMPTY = 4, /* not written without attributes or children */
    NX_META = 8,       /* <metadata>: its children copied */
};

struct spec {
    const char *name;
    const char *const *attrs;
    const struct spec *const *kids;
    unsigned flags;
};

#define A(...) ((const char *const[]){__VA_ARGS__, NULL})
#define K(...) ((const struct spec *const[]){__VA_ARGS__, NULL})

static const struct spec s_lease = {"lease", A("expiry", "unit"), NULL, 0};
static const struct spec s_range = {"range", A("start", "end"), K(&s_lease), 0};
static const struct spec s_dhcp_host = {"host", A("id", "mac", "name", "ip"), K(&s_lease), 0};
static const struct spec s_bootp = {"bootp", A("file", "server"), NULL, NX_DROP_EMPTY};
static const struct spec s_dhcp = {"dhcp", NULL, K(&s_range, &s_dhcp_host, &s_bootp),
                                   NX_DROP_EMPTY};
static const struct spec s_tftp = {"tftp", A("root"), NULL, NX_DROP_EMPTY};
static const struct spec s_ip = {"ip", A("family", "address", "netmask", "prefix", "localPtr"),
                                 K(&s_tftp, &s_dhcp), NX_OPEN};
static const struct spec s_route = {
    "route", A("family", "address", "netmask", "prefix", "gateway", "metric"), NULL, 0};
static const struct spec s_hostname = {"hostname", NULL, NULL, NX_TEXT};
static const struct spec s_dns_host = {"host", A("ip"), K(&s_hostname), 0};
static const struct spec s_forwarder = {"forwarder", A("domain", "addr"), NULL, 0};
static const struct spec s_txt = {"txt", A("name", "value"), NULL, 0};
static const struct spec s_srv = {
    "srv", A("service", "protocol", "domain", "target", "port", "priority", "weight"), NULL, 0};
static const struct spec s_dns = {"dns", A("enable", "forwardPlainNames"),
                                  K(&s_forwarder, &s_txt, &s_srv, &s_dns_host), NX_DROP_EMPTY};
static const struct spec s_nat_addr = {"address", A("start", "end"), NULL, 0};
static const struct spec s_nat_port = {"port", A("start", "end"), NULL, 0};
static const struct spec s_nat = {"nat", A("ipv6"), K(&s_nat_addr, &s_nat_port), NX_DROP_EMPTY};
static const struct spec s_fwd_driver = {"driver", A("name"), NULL, 0};
static const struct spec s_pf = {"pf", A("dev"), NULL, 0};
static const struct spec s_fwd_if = {"interface", A("dev"), NULL, 0};
static const struct spec s_fwd_addr = {
    "address", A("type", "domain", "bus", "slot", "function"), NULL, 0};
static const struct spec s_forward = {"forward", A("dev", "mode", "managed"),
                                      K(&s_fwd_driver, &s_nat, &s_pf, &s_fwd_if, &s_fwd_addr), 0};
static const struct spec s_bridge = {"bridge", A("name", "zone", "stp", "delay", "macTableManager"),
                                     NULL, 0};
static const struct spec s_mtu = {"mtu", A("size"), NULL, 0};
static const struct spec s_mac = {"mac", A("address"), NULL, 0};
static const struct spec s_domain = {"domain", A("name", "localOnly", "register"), NULL,
                                     NX_DROP_EMPTY};
static const struct spec s_tag = {"tag", A("id", "nativeMode"), NULL, 0};
static const struct spec s_vlan = {"vlan", A("trunk"), K(&s_tag), 0};
static const struct spec s_inbound = {"inbound", A("average", "peak", "floor", "burst"), NULL, 0};
static const struct spec s_outbound = {"outbound", A("average", "peak", "floor", "burst"), NULL,
                                       0};
static const struct spec s_bandwidth = {"bandwidth", NULL, K(&s_inbound, &s_outbound),
                                        NX_DROP_EMPTY};
static const struct spec s_port = {"port", A("isolated"), NULL, 0};
static const struct spec s_vp_params = {
    "parameters",
    A("managerid", "typeid", "typeidversion", "instanceid", "interfaceid", "profileid"), NULL, 0};
static const struct spec s_virtualport = {"virtualport", A("type"), K(&s_vp_params), 0};
static const struct spec s_portgroup = {"portgroup", A("name", "default", "trustGuestRxFilters"),
                                        K(&s_virtualport, &s_vlan, &s_bandwidth), NX_OPEN};
static const struct spec s_name = {"name", NULL, NULL, NX_TEXT};
static const struct spec s_uuid = {"uuid", NULL, NULL, NX_TEXT};
static const struct spec s_metadata = {"metadata", NULL, NULL, NX_META};
static const struct spec s_network = {
    "network", A("ipv6", "trustGuestRxFilters"),
    K(&s_name, &s_uuid, &s_metadata, &s_forward, &s_bridge, &s_mtu, &s_mac, &s_domain, &s_dns,
      &s_vlan, &s_bandwidth, &s_port, &s_ip, &s_route, &s_virtualport, &s_portgroup),
    0};

/* ---- small helpers ---- */

static int is_elem(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (is_elem(n, name))
            return n;
    return NULL;
}

static xmlNodePtr next_named(xmlNodePtr n, const char *name)
{
    for (n = n ? n->next : NULL; n; n = n->next)
        if (is_elem(n, name))
            return n;
    return NULL;
}

/* An attribute's value (caller frees with xmlFree), or NULL. */
static char *prop(xmlNodePtr n, const char *name)
{
    return (char *)xmlGetNoNsProp(n, (const xmlChar *)name);
}

static int set_prop(xmlNodePtr n, const char *name, const char *value)
{
    if (!xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value)) {
        error_report(ERR_NO_MEMORY, FROM_NETWORK, NULL);
        return -1;
    }
    return 0;
}

/* The element's text with the blanks around it trimmed (caller frees), or
 * NULL when empty. */
static char *text(xmlNodePtr n)
{
    char *t = n ? (char *)xmlNodeGetContent(n) : NULL;
    if (!t)
        return NULL;
    size_t len = strlen(t), start = 0;
    while (start < len && isspace((unsigned char)t[start]))
        start++;
    while (len > start && isspace((unsigned char)t[len - 1]))
        len--;
    char *r = len > start ? strndup(t + start, len - start) : NULL;
    xmlFree(t);
    return r;
}

static void random_bytes(unsigned char *buf, size_t n)
{
    while (n > 0) {
        ssize_t r = getrandom(buf, n, 0);
        if (r <= 0) {
            for (size_t i = 0; i < n; i++)
                buf[i] = (unsigned char)rand();
            return;
        }
        buf += r;
        n -= (size_t)r;
    }
}

/* An IPv4 or IPv6 address. */
struct addr {
    int family;
    unsigned char b[16];
};

static int addr_parse(const char *s, struct addr *a)
{
    if (s && inet_pton(AF_INET, s, a->b) == 1) {
        a->family = AF_INET;
        return 0;
    }
    if (s && inet_pton(AF_INET6, s, a->b) == 1) {
        a->family = AF_INET6;
        return 0;
    }
    return -1;
}

static int addr_len(const struct addr *a)
{
    return a->family == AF_INET ? 4 : 16;
}

static int addr_equal(const struct addr *a, const struct addr *b)
{
    return a->family == b->family && memcmp(a->b, b->b, (size_t)addr_len(a)) == 0;
}

/* Whether a and b agree on their first prefix bits. */
static int same_net(const struct addr *a, const struct addr *b, int prefix)
{
    if (a->family != b->family)
        return 0;
    for (int i = 0; i < addr_len(a) && prefix > 0; i++, prefix -= 8) {
        unsigned char mask = prefix >= 8 ? 0xff : (unsigned char)(0xff << (8 - prefix));
        if ((a->b[i] & mask) != (b->b[i] & mask))
            return 0;
    }
    return 1;
}

/* The prefix of a netmask: its bits set (libvirt takes a netmask whose
 * bits are not contiguous as it is). */
static int mask_prefix(const struct addr *m)
{
    int p = 0;
    for (int i = 0; i < addr_len(m); i++)
        for (int bit = 7; bit >= 0; bit--)
            p += m->b[i] >> bit & 1;
    return p;
}

static int mac_parse(const char *s, unsigned char mac[6])
{
    for (int i = 0; i < 6; i++) {
        char *end;
        if (!isxdigit((unsigned char)s[0]))
            return -1;
        unsigned long v = strtoul(s, &end, 16);
        if (v > 0xff || end == s || end - s > 2)
            return -1;
        mac[i] = (unsigned char)v;
        s = end;
        if (i < 5) {
            if (*s != ':')
                return -1;
            s++;
        }
    }
    return *s ? -1 : 0;
}

static int nomem(void)
{
    error_report(ERR_NO_MEMORY, FROM_NETWORK, NULL);
    return -1;
}

/* ---- checks and normalisation, on the DOM ---- */

struct ctx {
    const char *name; /* the network's */
};

static int check_name(const char *name)
{
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p == '/' || *p == '\n') {
            error_report(ERR_XML_DETAIL, FROM_XML, "invalid char in name: %c", *p);
            return -1;
        }
        if (*p < 0x20 || *p == 0x7f) {
            error_report(ERR_XML_DETAIL, FROM_XML, "invalid char in name: 0x%02x", *p);
            return -1;
        }
    }
    return 0;
}

/* The ip element's family, address and prefix (classful when it names
 * none, as libvirt defaults it). */
static int ip_def(const struct ctx *x, xmlNodePtr ip, struct addr *a, int *prefix)
{
    char *addr = prop(ip, "address"), *mask = prop(ip, "netmask"), *pfx = prop(ip, "prefix");
    char *family = prop(ip, "family");
    int rc = -1;

    if (!addr || addr_parse(addr, a) < 0 ||
        (family && strcmp(family, a->family == AF_INET ? "ipv4" : "ipv6") != 0)) {
        if (addr)
            error_report(ERR_XML_ERROR, FROM_NETWORK, "Invalid address '%s' in network '%s'",
                         addr, x->name);
        else
            error_report(ERR_XML_ERROR, FROM_NETWORK,
                         "Missing required address attribute in network '%s'", x->name);
        goto out;
    }
    *prefix = -1;
    if (pfx) {
        char *end;
        long p = strtol(pfx, &end, 10);
        if (*end || end == pfx || p < 0 || p > 128) {
            error_report(ERR_XML_ERROR, FROM_NETWORK, "Invalid ip address prefix value '%s' in network '%s'",
                         pfx, x->name);
            goto out;
        }
        if (p > (a->family == AF_INET ? 32 : 128)) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_NETWORK, "Invalid %s prefix '%ld' in network '%s'",
                         a->family == AF_INET ? "IPv4" : "IPv6", p, x->name);
            goto out;
        }
        *prefix = (int)p;
    } else if (mask && a->family == AF_INET6) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_NETWORK,
                     "netmask not allowed for IPv6 address '%s' in network '%s'", addr, x->name);
        goto out;
    } else if (mask) {
        struct addr m;
        if (addr_parse(mask, &m) < 0 || m.family != AF_INET ||
            (*prefix = mask_prefix(&m)) < 0) {
            error_report(ERR_XML_ERROR, FROM_NETWORK, "Invalid netmask '%s' in network '%s'",
                         mask, x->name);
            goto out;
        }
    } else if (a->family == AF_INET) {
        *prefix = a->b[0] < 128 ? 8 : a->b[0] < 192 ? 16 : 24;
    } else {
        *prefix = 64;
    }
    rc = 0;
out:
    xmlFree(addr);
    xmlFree(mask);
    xmlFree(pfx);
    xmlFree(family);
    return rc;
}

static int check_range(const struct ctx *x, xmlNodePtr r, const struct addr *net, int prefix)
{
    char *start = prop(r, "start"), *end = prop(r, "end");
    struct addr s, e;
    int rc = -1;
    char netstr[64];

    if (!start || !end) {
        error_report(ERR_XML_ERROR, FROM_NETWORK, "Missing '%s' attribute in dhcp range for network '%s'",
                     start ? "end" : "start", x->name);
        goto out;
    }
    if (addr_parse(start, &s) < 0) {
        error_report(ERR_XML_ERROR, FROM_NETWORK, "Invalid dhcp range '%s' in network '%s'", start,
                     x->name);
        goto out;
    }
    if (addr_parse(end, &e) < 0) {
        error_report(ERR_XML_ERROR, FROM_NETWORK, "Invalid dhcp range '%s' in network '%s'", end,
                     x->name);
        goto out;
    }
    if (!same_net(&s, net, prefix) || !same_net(&e, net, prefix)) {
        inet_ntop(net->family, net->b, netstr, sizeof(netstr));
        error_report(ERR_INTERNAL_ERROR, FROM_NETWORK,
                     "range %s - %s is not entirely within network %s/%d", start, end, netstr,
                     prefix);
        goto out;
    }
    if (memcmp(s.b, e.b, (size_t)addr_len(&s)) > 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_NETWORK, "range %s - %s is reversed ", start, end);
        goto out;
    }
    rc = 0;
out:
    xmlFree(start);
    xmlFree(end);
    return rc;
}

/* A DHCP host entry of an IPv4 network, as libvirt checks it (partial:
 * the element of a delete, which needs only what identifies it). */
static int check_dhcp_host(const char *net, xmlNodePtr h, int partial)
{
    char *mac = prop(h, "mac"), *name = prop(h, "name"), *ip = prop(h, "ip");
    unsigned char m[6];
    struct addr a;
    int rc = -1;

    if (mac && mac_parse(mac, m) < 0) {
        error_report(ERR_XML_ERROR, FROM_NETWORK, "Cannot parse MAC address '%s' in network '%s'",
                     mac, net);
        goto out;
    }
    if (mac && (m[0] & 1)) {
        error_report(ERR_XML_ERROR, FROM_NETWORK,
                     "expected unicast mac address, found multicast '%s' in network '%s'", mac,
                     net);
        goto out;
    }
    if (ip && addr_parse(ip, &a) < 0) {
        error_report(ERR_XML_ERROR, FROM_NETWORK, "Invalid IP address in static host definition for network '%s'",
                     net);
        goto out;
    }
    if (!partial) {
        if (!mac && !name) {
            error_report(ERR_XML_ERROR, FROM_NETWORK,
                         "Static host definition in IPv4 network '%s' must have mac or name attribute",
                         net);
            goto out;
        }
        if (!ip) {
            error_report(ERR_XML_ERROR, FROM_NETWORK,
                         "Missing IP address in static host definition for network '%s'", net);
            goto out;
        }
    }
    rc = 0;
out:
    xmlFree(mac);
    xmlFree(name);
    xmlFree(ip);
    return rc;
}

static int check_ips(const struct ctx *x, xmlNodePtr root, int *nipv4)
{
    *nipv4 = 0;
    for (xmlNodePtr ip = child(root, "ip"); ip; ip = next_named(ip, "ip")) {
        struct addr a;
        int prefix;
        if (ip_def(x, ip, &a, &prefix) < 0)
            return -1;
        *nipv4 += a.family == AF_INET;
        xmlNodePtr dhcp = child(ip, "dhcp");
        for (xmlNodePtr r = child(dhcp, "range"); r; r = next_named(r, "range"))
            if (check_range(x, r, &a, prefix) < 0)
                return -1;
        for (xmlNodePtr h = child(dhcp, "host"); h && a.family == AF_INET;
             h = next_named(h, "host"))
            if (check_dhcp_host(x->name, h, 0) < 0)
                return -1;
    }
    return 0;
}

/* The DNS records as libvirt checks them (partial: the element of a
 * delete, which needs only what identifies it). */
static int check_dns_host(const char *net, xmlNodePtr h, int partial)
{
    char *ip = prop(h, "ip");
    struct addr a;
    int has_name = child(h, "hostname") != NULL, rc = -1;

    if (ip && addr_parse(ip, &a) < 0)
        error_report(ERR_XML_DETAIL, FROM_NETWORK,
                     "Invalid IP address in network '%s' DNS HOST record", net);
    else if (!ip && !partial)
        error_report(ERR_XML_DETAIL, FROM_NETWORK,
                     "Missing IP address in network '%s' DNS HOST record", net);
    else if (!has_name && !partial)
        error_report(ERR_XML_DETAIL, FROM_NETWORK,
                     "Missing hostname in network '%s' DNS HOST record", net);
    else if (!ip && !has_name)
        error_report(ERR_XML_DETAIL, FROM_NETWORK,
                     "Missing ip and hostname in network '%s' DNS HOST record", net);
    else
        rc = 0;
    xmlFree(ip);
    return rc;
}

static int check_dns_txt(const char *net, xmlNodePtr t, int partial)
{
    char *name = prop(t, "name"), *value = prop(t, "value");
    int rc = -1;

    if (!name)
        error_report(ERR_XML_DETAIL, FROM_NETWORK,
                     "missing required name attribute in DNS TXT record of network %s", net);
    else if (strpbrk(name, " ,"))
        error_report(ERR_XML_DETAIL, FROM_NETWORK,
                     "prohibited character in DNS TXT record name '%s' of network %s", name, net);
    else if (!value && !partial)
        error_report(ERR_XML_DETAIL, FROM_NETWORK,
                     "missing required value attribute in DNS TXT record named '%s' of network %s",
                     name, net);
    else
        rc = 0;
    xmlFree(name);
    xmlFree(value);
    return rc;
}

static int check_dns_srv(const char *net, xmlNodePtr r, int partial)
{
    char *service = prop(r, "service"), *protocol = prop(r, "protocol");
    int rc = -1;

    if (!service && !partial)
        error_report(ERR_XML_DETAIL, FROM_NETWORK,
                     "missing required service attribute in DNS SRV record of network '%s'", net);
    else if (!protocol && !partial)
        error_report(ERR_XML_DETAIL, FROM_NETWORK,
                     "missing required protocol attribute in DNS SRV record '%s' of network '%s'",
                     service, net);
    else
        rc = 0;
    xmlFree(service);
    xmlFree(protocol);
    return rc;
}

static int check_dns(const char *net, xmlNodePtr dns)
{
    for (xmlNodePtr n = dns ? dns->children : NULL; n; n = n->next) {
        if (is_elem(n, "forwarder") && !xmlHasProp(n, (const xmlChar *)"addr") &&
            !xmlHasProp(n, (const xmlChar *)"domain")) {
            error_report(ERR_XML_ERROR, FROM_NETWORK,
                         "Invalid forwarder element, must contain at least one of addr or domain");
            return -1;
        }
        if ((is_elem(n, "host") && check_dns_host(net, n, 0) < 0) ||
            (is_elem(n, "txt") && check_dns_txt(net, n, 0) < 0) ||
            (is_elem(n, "srv") && check_dns_srv(net, n, 0) < 0))
            return -1;
    }
    return 0;
}

/* Each route's gateway must be on one of the network's own subnets. */
static int check_routes(const struct ctx *x, xmlNodePtr root)
{
    for (xmlNodePtr r = child(root, "route"); r; r = next_named(r, "route")) {
        char *gw = prop(r, "gateway");
        struct addr g;
        int reachable = 0;
        if (!gw || addr_parse(gw, &g) < 0) {
            xmlFree(gw);
            continue;
        }
        for (xmlNodePtr ip = child(root, "ip"); ip && !reachable; ip = next_named(ip, "ip")) {
            struct addr a;
            int prefix;
            if (ip_def(x, ip, &a, &prefix) == 0 && same_net(&a, &g, prefix))
                reachable = 1;
        }
        if (!reachable) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_NETWORK,
                         "unreachable static route gateway '%s' specified for network '%s'", gw,
                         x->name);
            xmlFree(gw);
            return -1;
        }
        xmlFree(gw);
    }
    return 0;
}

static int is_uint(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int check_bandwidth(xmlNodePtr bw)
{
    static const char *const attrs[] = {"average", "peak", "burst", "floor", NULL};
    for (xmlNodePtr d = bw ? bw->children : NULL; d; d = d->next) {
        if (!is_elem(d, "inbound") && !is_elem(d, "outbound"))
            continue;
        for (int i = 0; attrs[i]; i++) {
            char *v = prop(d, attrs[i]);
            int bad = v && !is_uint(v);
            if (bad)
                error_report(ERR_CONFIG_UNSUPPORTED, FROM_NONE,
                             "could not convert bandwidth %s value '%s'", attrs[i], v);
            xmlFree(v);
            if (bad)
                return -1;
        }
        if (!xmlHasProp(d, (const xmlChar *)"average") &&
            !xmlHasProp(d, (const xmlChar *)"floor")) {
            error_report(ERR_XML_DETAIL, FROM_NONE, "Missing mandatory average or floor attributes");
            return -1;
        }
    }
    return 0;
}

static int check_vlan(xmlNodePtr vlan)
{
    for (xmlNodePtr t = child(vlan, "tag"); t; t = next_named(t, "tag")) {
        char *id = prop(t, "id");
        long v = is_uint(id) ? strtol(id, NULL, 10) : -1;
        xmlFree(id);
        if (v > 4095) {
            error_report(ERR_XML_ERROR, FROM_NONE, "vlan tag id %ld too large (maximum 4095)", v);
            return -1;
        }
    }
    return 0;
}

/* The smaller elements' values libvirt checks. */
static int check_misc(const struct ctx *x, xmlNodePtr root)
{
    xmlNodePtr n;
    char *v;
    int bad;

    if ((n = child(root, "mtu"))) {
        v = prop(n, "size");
        bad = v && !is_uint(v);
        if (bad)
            error_report(ERR_XML_ERROR, FROM_NETWORK, "Invalid mtu size '%s' in network '%s'", v,
                         x->name);
        xmlFree(v);
        if (bad)
            return -1;
    }
    for (n = child(root, "ip"); n; n = next_named(n, "ip")) {
        v = prop(n, "localPtr");
        bad = v && strcmp(v, "yes") != 0 && strcmp(v, "no") != 0;
        if (bad)
            error_report(ERR_XML_ERROR, FROM_XML,
                         "Invalid value for attribute 'localPtr' in element 'ip': '%s'.", v);
        xmlFree(v);
        if (bad)
            return -1;
    }
    if ((n = child(root, "port"))) {
        v = prop(n, "isolated");
        bad = v && strcmp(v, "yes") != 0 && strcmp(v, "no") != 0;
        if (bad)
            error_report(ERR_XML_ERROR, FROM_XML,
                         "Invalid value for attribute 'isolated' in element 'port': '%s'.", v);
        xmlFree(v);
        if (bad)
            return -1;
    }
    if (check_bandwidth(child(root, "bandwidth")) < 0 || check_vlan(child(root, "vlan")) < 0 ||
        check_dns(x->name, child(root, "dns")) < 0)
        return -1;
    if ((n = child(root, "bridge"))) {
        v = prop(n, "macTableManager");
        bad = v && strcmp(v, "kernel") != 0 && strcmp(v, "libvirt") != 0;
        if (bad)
            error_report(ERR_XML_ERROR, FROM_NETWORK,
                         "Invalid macTableManager setting '%s' in network '%s'", v, x->name);
        xmlFree(v);
        if (bad)
            return -1;
    }
    if ((n = child(child(root, "forward"), "nat"))) {
        for (xmlNodePtr a = child(n, "address"); a; a = next_named(a, "address")) {
            const char *missing = !xmlHasProp(a, (const xmlChar *)"start") ? "start"
                                  : !xmlHasProp(a, (const xmlChar *)"end") ? "end"
                                                                            : NULL;
            if (missing) {
                error_report(ERR_XML_ERROR, FROM_NETWORK,
                             "missing '%s' attribute in <address> element in <nat> in <forward> "
                             "in network %s",
                             missing, x->name);
                return -1;
            }
        }
    }
    for (n = child(root, "portgroup"); n; n = next_named(n, "portgroup")) {
        if (!xmlHasProp(n, (const xmlChar *)"name")) {
            error_report(ERR_XML_ERROR, FROM_NETWORK, "Missing required name attribute in portgroup");
            return -1;
        }
        if (check_bandwidth(child(n, "bandwidth")) < 0 || check_vlan(child(n, "vlan")) < 0)
            return -1;
    }
    return 0;
}

static const char *const fwd_modes[] = {"nat", "route", "open", "bridge", "private",
                                        "vepa", "passthrough", "hostdev", NULL};

/* The forward element's mode ("none" without one); forward dev becomes the
 * first interface and the other way round, as libvirt keeps them. */
static int check_forward(const struct ctx *x, xmlNodePtr root, char *mode, size_t len)
{
    xmlNodePtr fwd = child(root, "forward");
    snprintf(mode, len, "none");
    if (!fwd)
        return 0;
    char *m = prop(fwd, "mode");
    int known = !m;
    for (int i = 0; m && fwd_modes[i]; i++)
        known |= strcmp(m, fwd_modes[i]) == 0;
    if (!known) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_NETWORK, "unknown forwarding type '%s'", m);
        xmlFree(m);
        return -1;
    }
    snprintf(mode, len, "%s", m ? m : "nat");
    xmlFree(m);
    if (set_prop(fwd, "mode", mode) < 0)
        return -1;
    if (!strcmp(mode, "hostdev")) {
        char *managed = prop(fwd, "managed");
        int rc = set_prop(fwd, "managed", managed && !strcmp(managed, "yes") ? "yes" : "no");
        xmlFree(managed);
        if (rc < 0)
            return -1;
    }

    char *dev = prop(fwd, "dev");
    xmlNodePtr first = child(fwd, "interface");
    int rc = 0;
    if ((!strcmp(mode, "nat") || !strcmp(mode, "route") || !strcmp(mode, "open")) &&
        next_named(first, "interface")) {
        error_report(ERR_XML_ERROR, FROM_NETWORK,
                     "multiple forwarding interfaces specified for network '%s', only one is "
                     "supported",
                     x->name);
        xmlFree(dev);
        return -1;
    }
    if (first) {
        char *fdev = prop(first, "dev");
        if (dev && fdev && strcmp(dev, fdev) != 0) {
            error_report(ERR_XML_ERROR, FROM_NETWORK,
                         "<forward dev='%s'> must match first <interface dev='%s'/> in network %s",
                         dev, fdev, x->name);
            rc = -1;
        } else if (fdev) {
            rc = set_prop(fwd, "dev", fdev);
        }
        xmlFree(fdev);
    } else if (dev) {
        xmlNodePtr i = xmlNewChild(fwd, NULL, (const xmlChar *)"interface", NULL);
        rc = i ? set_prop(i, "dev", dev) : nomem();
    }
    xmlFree(dev);
    return rc;
}

static int check_bridge(const struct ctx *x, xmlNodePtr root, const char *mode)
{
    xmlNodePtr br = child(root, "bridge");
    int plain = !strcmp(mode, "none") || !strcmp(mode, "nat") || !strcmp(mode, "route") ||
                !strcmp(mode, "open");

    if (!plain) {
        /* Only a bridge-mode network names its bridge, and by name only. */
        if (br && (xmlHasProp(br, (const xmlChar *)"stp") ||
                   xmlHasProp(br, (const xmlChar *)"delay") ||
                   xmlHasProp(br, (const xmlChar *)"zone"))) {
            error_report(ERR_XML_ERROR, FROM_NETWORK,
                         "bridge delay/stp/zone options only allowed in route, nat, and isolated "
                         "mode, not in %s (network '%s')",
                         mode, x->name);
            return -1;
        }
        char *name = br ? prop(br, "name") : NULL;
        if (name && !strcmp(mode, "bridge") && child(child(root, "forward"), "interface")) {
            error_report(ERR_XML_ERROR, FROM_NETWORK,
                         "A network with forward mode='%s' can specify a bridge name or a "
                         "forward dev, but not both (network '%s')",
                         mode, x->name);
            xmlFree(name);
            return -1;
        }
        if (br) {
            xmlUnlinkNode(br);
            xmlFreeNode(br);
        }
        if (name && !strcmp(mode, "bridge")) {
            br = xmlNewChild(root, NULL, (const xmlChar *)"bridge", NULL);
            if (!br || set_prop(br, "name", name) < 0) {
                xmlFree(name);
                return nomem();
            }
        }
        xmlFree(name);
        return 0;
    }
    if (!br && !(br = xmlNewChild(root, NULL, (const xmlChar *)"bridge", NULL)))
        return nomem();
    char *stp = prop(br, "stp"), *delay = prop(br, "delay");
    int rc = set_prop(br, "stp", stp && !strcmp(stp, "off") ? "off" : "on");
    long d = 0;
    if (delay) {
        char *end;
        d = strtol(delay, &end, 10);
        if (*end || end == delay || d < 0) {
            error_report(ERR_XML_ERROR, FROM_NETWORK, "Invalid delay value in network '%s'",
                         x->name);
            rc = -1;
        }
    }
    char buf[32];
    snprintf(buf, sizeof(buf), "%ld", d);
    if (rc == 0)
        rc = set_prop(br, "delay", buf);
    xmlFree(stp);
    xmlFree(delay);
    return rc;
}

static int check_mac(const struct ctx *x, xmlNodePtr root)
{
    xmlNodePtr m = child(root, "mac");
    char *addr = m ? prop(m, "address") : NULL;
    unsigned char mac[6];
    int rc = 0;

    if (!m)
        return 0;
    if (!addr || mac_parse(addr, mac) < 0) {
        error_report(ERR_XML_ERROR, FROM_NETWORK, "Invalid bridge mac address '%s' in network '%s'",
                     addr ? addr : "(null)", x->name);
        rc = -1;
    } else if (mac[0] & 1) {
        error_report(ERR_XML_ERROR, FROM_NETWORK,
                     "Invalid multicast bridge mac address '%s' in network '%s'", addr, x->name);
        rc = -1;
    } else {
        char buf[18];
        snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
                 mac[3], mac[4], mac[5]);
        rc = set_prop(m, "address", buf);
    }
    xmlFree(addr);
    return rc;
}

/* ---- writing ---- */

static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

static int has_content(xmlNodePtr n, const struct spec *s);

static int has_attrs(xmlNodePtr n, const struct spec *s)
{
    for (int i = 0; s->attrs && s->attrs[i]; i++)
        if (xmlHasProp(n, (const xmlChar *)s->attrs[i]))
            return 1;
    return 0;
}

static int kid_written(xmlNodePtr k, const struct spec *ks)
{
    return !(ks->flags & NX_DROP_EMPTY) || has_attrs(k, ks) || has_content(k, ks);
}

static int has_content(xmlNodePtr n, const struct spec *s)
{
    if (s->flags & NX_META) {
        for (xmlNodePtr k = n->children; k; k = k->next)
            if (k->type == XML_ELEMENT_NODE)
                return 1;
        return 0;
    }
    for (int i = 0; s->kids && s->kids[i]; i++)
        for (xmlNodePtr k = child(n, s->kids[i]->name); k; k = next_named(k, s->kids[i]->name))
            if (kid_written(k, s->kids[i]))
                return 1;
    return 0;
}

/* shown: the text libvirt shows, which has one quirk (a DHCP host's name
 * unescaped) that the text kept to be parsed again must not have. */
static void write_elem(FILE *f, xmlDocPtr doc, xmlNodePtr n, const struct spec *s, int level,
                       int shown)
{
    fprintf(f, "%*s<%s", level * 2, "", s->name);
    for (int i = 0; s->attrs && s->attrs[i]; i++) {
        char *v = prop(n, s->attrs[i]);
        if (v) {
            fprintf(f, " %s='", s->attrs[i]);
            /* libvirt writes a DHCP host's name as it is. */
            if (shown && s == &s_dhcp_host && !strcmp(s->attrs[i], "name"))
                fputs(v, f);
            else
                put_escaped(f, v);
            fputc('\'', f);
            xmlFree(v);
        }
    }
    if (s->flags & NX_TEXT) {
        char *t = text(n);
        fputc('>', f);
        if (t)
            put_escaped(f, t);
        fprintf(f, "</%s>\n", s->name);
        free(t);
        return;
    }
    if ((s->flags & NX_META) && !has_content(n, s)) {
        fputs("/>\n", f);
        return;
    }
    if (s->flags & NX_META) {
        fputs(">\n", f);
        xmlBufferPtr b = xmlBufferCreate();
        for (xmlNodePtr k = n->children; b && k; k = k->next) {
            if (k->type != XML_ELEMENT_NODE)
                continue;
            xmlBufferEmpty(b);
            xmlNodeDump(b, doc, k, level + 1, 1);
            fprintf(f, "%*s%s\n", (level + 1) * 2, "", (const char *)xmlBufferContent(b));
        }
        if (b)
            xmlBufferFree(b);
        fprintf(f, "%*s</%s>\n", level * 2, "", s->name);
        return;
    }
    if (!has_content(n, s) && !(s->flags & NX_OPEN)) {
        fputs("/>\n", f);
        return;
    }
    fputs(">\n", f);
    for (int i = 0; s->kids && s->kids[i]; i++) {
        const struct spec *ks = s->kids[i];
        for (xmlNodePtr k = child(n, ks->name); k; k = next_named(k, ks->name)) {
            if (kid_written(k, ks))
                write_elem(f, doc, k, ks, level + 1, shown);
            /* libvirt keeps one of these. */
            if (ks == &s_name || ks == &s_uuid || ks == &s_metadata || ks == &s_bridge ||
                ks == &s_forward || ks == &s_mtu || ks == &s_mac || ks == &s_domain ||
                ks == &s_dns || ks == &s_dhcp || ks == &s_tftp || ks == &s_nat ||
                ks == &s_bandwidth || ks == &s_vlan || ks == &s_port || ks == &s_virtualport ||
                ks == &s_inbound || ks == &s_outbound)
                break;
        }
    }
    fprintf(f, "%*s</%s>\n", level * 2, "", s->name);
}

static char *format(xmlDocPtr doc, xmlNodePtr root, int shown)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        nomem();
        return NULL;
    }
    write_elem(f, doc, root, &s_network, 0, shown);
    if (fclose(f) != 0 || !buf) {
        free(buf);
        nomem();
        return NULL;
    }
    return buf;
}

/* ---- parsing ---- */

void nx_def_clear(struct nx_def *def)
{
    free(def->name);
    free(def->bridge);
    free(def->xml);
    free(def->shown);
    memset(def, 0, sizeof(*def));
}

int nx_def_copy(struct nx_def *dst, const struct nx_def *src)
{
    memset(dst, 0, sizeof(*dst));
    memcpy(dst->uuid, src->uuid, NX_UUID_LEN);
    if (!(dst->name = strdup(src->name)) || !(dst->xml = strdup(src->xml)) ||
        !(dst->shown = strdup(src->shown)) ||
        (src->bridge && !(dst->bridge = strdup(src->bridge)))) {
        nx_def_clear(dst);
        return nomem();
    }
    return 0;
}

int nx_def_parse_node(xmlDocPtr doc, xmlNodePtr root, struct nx_def *def)
{
    struct ctx x = {0};
    char mode[16];
    int nipv4;
    char *name = NULL, *uuidtxt = NULL;
    int rc = -1;

    memset(def, 0, sizeof(*def));
    if (!is_elem(root, "network")) {
        error_report(ERR_XML_ERROR, FROM_XML, "expecting root element of 'network', not '%s'",
                     root ? (const char *)root->name : "");
        return -1;
    }
    name = text(child(root, "name"));
    if (!name) {
        error_report(ERR_NO_NAME, FROM_NETWORK, NULL);
        goto out;
    }
    if (check_name(name) < 0)
        goto out;
    x.name = name;

    xmlNodePtr u = child(root, "uuid");
    uuidtxt = text(u);
    if (uuidtxt) {
        if (uuid_parse(uuidtxt, def->uuid) < 0) {
            error_report(ERR_INTERNAL_ERROR, FROM_NETWORK, "malformed uuid element");
            goto out;
        }
    } else {
        random_bytes(def->uuid, NX_UUID_LEN);
        def->uuid[6] = (unsigned char)((def->uuid[6] & 0x0f) | 0x40);
        def->uuid[8] = (unsigned char)((def->uuid[8] & 0x3f) | 0x80);
    }
    char canon[UUID_STRING_LEN];
    uuid_format(def->uuid, canon);
    if (u) {
        xmlNodeSetContent(u, (const xmlChar *)canon);
    } else if (!(u = xmlNewChild(root, NULL, (const xmlChar *)"uuid", (const xmlChar *)canon))) {
        nomem();
        goto out;
    }

    if (check_forward(&x, root, mode, sizeof(mode)) < 0 || check_bridge(&x, root, mode) < 0 ||
        check_mac(&x, root) < 0 || check_ips(&x, root, &nipv4) < 0 ||
        check_routes(&x, root) < 0 || check_misc(&x, root) < 0)
        goto out;
    if ((!strcmp(mode, "nat") || !strcmp(mode, "route") || !strcmp(mode, "open")) &&
        !child(root, "ip")) {
        error_report(ERR_XML_ERROR, FROM_NETWORK,
                     "%s forwarding requested, but no IP address provided for network '%s'",
                     mode, name);
        goto out;
    }

    xmlNodePtr br = child(root, "bridge");
    char *brname = br ? prop(br, "name") : NULL;
    if (brname) {
        def->bridge = strdup(brname);
        xmlFree(brname);
        if (!def->bridge) {
            nomem();
            goto out;
        }
    }

    if (!(def->xml = format(doc, root, 0)) || !(def->shown = format(doc, root, 1)))
        goto out;
    def->name = name;
    name = NULL;
    rc = 0;
out:
    free(name);
    free(uuidtxt);
    if (rc < 0)
        nx_def_clear(def);
    return rc;
}

static xmlDocPtr parse_text(const char *xml, const char *url)
{
    size_t len = strnlen(xml, NX_XML_MAX + 1);
    if (len > NX_XML_MAX) {
        error_report(ERR_XML_ERROR, FROM_NETWORK, "network XML is larger than %d bytes",
                     NX_XML_MAX);
        return NULL;
    }
    return xml_parse(xml, len, url, FROM_NETWORK);
}

/* VIR_NETWORK_*_VALIDATE: libvirt's own schema, when the document is a
 * <network> (another root is refused by the parse, as in libvirt). */
static int validate_top(xmlDocPtr doc)
{
    if (!is_elem(xmlDocGetRootElement(doc), "network"))
        return 0;
    return xml_validate(doc, "network.rng", FROM_NETWORK);
}

int nx_def_parse_string(const char *xml, int validate, struct nx_def *def)
{
    memset(def, 0, sizeof(*def));
    xmlDocPtr doc = parse_text(xml, "(network_definition)");
    if (!doc)
        return -1;
    if (validate && validate_top(doc) < 0) {
        xmlFreeDoc(doc);
        return -1;
    }
    int rc = nx_def_parse_node(doc, xmlDocGetRootElement(doc), def);
    xmlFreeDoc(doc);
    return rc;
}

/* ---- net-update ---- */

enum { CMD_MODIFY = 1, CMD_DELETE = 2, CMD_ADD_LAST = 3, CMD_ADD_FIRST = 4 };
enum {
    SEC_BRIDGE = 1,
    SEC_DOMAIN,
    SEC_IP,
    SEC_IP_DHCP_HOST,
    SEC_IP_DHCP_RANGE,
    SEC_FORWARD,
    SEC_FORWARD_INTERFACE,
    SEC_FORWARD_PF,
    SEC_PORTGROUP,
    SEC_DNS_HOST,
    SEC_DNS_TXT,
    SEC_DNS_SRV,
};

static const char *const section_names[] = {
    "none", "bridge", "domain", "ip", "ip-dhcp-host", "ip-dhcp-range", "forward",
    "forward-interface", "forward pf", "portgroup", "dns-host", "dns-txt", "dns-srv"};

static int op_invalid(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int op_invalid(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    error_report(ERR_OP_INVALID, FROM_NETWORK, "%s", msg);
    return -1;
}

static int cannot_modify(const char *what)
{
    error_report(ERR_OP_UNSUPPORTED, FROM_NETWORK, "%s cannot be modified, only added or deleted",
                 what);
    return -1;
}

/* Places a copy of n among parent's children named like it: first, last,
 * or instead of old. */
static int place(xmlNodePtr parent, xmlNodePtr n, int command, xmlNodePtr old)
{
    xmlNodePtr copy = xmlCopyNode(n, 1);
    if (!copy)
        return nomem();
    if (old) {
        xmlNodePtr gone = xmlReplaceNode(old, copy);
        xmlFreeNode(gone);
        return 0;
    }
    xmlNodePtr first = child(parent, (const char *)n->name);
    if (command == CMD_ADD_FIRST && first)
        xmlAddPrevSibling(first, copy);
    else
        xmlAddChild(parent, copy);
    return 0;
}

static xmlNodePtr ensure(xmlNodePtr parent, const char *name)
{
    xmlNodePtr n = child(parent, name);
    if (!n && !(n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL)))
        nomem();
    return n;
}

static int str_eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* The ip element a DHCP change goes to (libvirt's choice: the first with
 * DHCP, else the first IPv4, else the first IPv6). */
static xmlNodePtr dhcp_ip(xmlNodePtr root, int index, const char *net, const char *section)
{
    xmlNodePtr ip;
    int i = 0;
    if (index >= 0) {
        for (ip = child(root, "ip"); ip && i < index; ip = next_named(ip, "ip"))
            i++;
        if (!ip)
            op_invalid("couldn't update dhcp host entry - no <ip> element found at index %d in network '%s'",
                       index, net);
        return ip;
    }
    for (ip = child(root, "ip"); ip; ip = next_named(ip, "ip")) {
        xmlNodePtr d = child(ip, "dhcp");
        if (child(d, "range") || child(d, "host"))
            return ip;
    }
    for (int fam = AF_INET; fam; fam = fam == AF_INET ? AF_INET6 : 0)
        for (ip = child(root, "ip"); ip; ip = next_named(ip, "ip")) {
            char *a = prop(ip, "address");
            struct addr ad;
            int ok = a && addr_parse(a, &ad) == 0 && ad.family == fam;
            xmlFree(a);
            if (ok)
                return ip;
        }
    (void)section;
    op_invalid("couldn't update dhcp host entry - no <ip> element found in network '%s'", net);
    return NULL;
}

static int ip_family(xmlNodePtr ip)
{
    char *a = prop(ip, "address");
    struct addr ad;
    int fam = a && addr_parse(a, &ad) == 0 ? ad.family : 0;
    xmlFree(a);
    return fam;
}

/* libvirt adds DHCP entries to one IPv4 address only. */
static int single_dhcp4(xmlNodePtr root, xmlNodePtr ip)
{
    if (ip_family(ip) != AF_INET)
        return 0;
    for (xmlNodePtr o = child(root, "ip"); o; o = next_named(o, "ip")) {
        xmlNodePtr d = child(o, "dhcp");
        if (o != ip && ip_family(o) == AF_INET && (child(d, "range") || child(d, "host")))
            return op_invalid("dhcp is supported only for a single IPv4 address on each network");
    }
    return 0;
}

static int update_dhcp_host(xmlNodePtr root, xmlNodePtr n, int command, int index,
                            const char *net)
{
    xmlNodePtr ip = dhcp_ip(root, index, net, "ip-dhcp-host");
    if (!ip || single_dhcp4(root, ip) < 0)
        return -1;
    char *mac = prop(n, "mac"), *name = prop(n, "name"), *addr = prop(n, "ip");
    struct addr a;
    int has_ip = addr && addr_parse(addr, &a) == 0;
    int rc = -1;

    if (command != CMD_DELETE) {
        if (!mac && !name) {
            error_report(ERR_XML_ERROR, FROM_NETWORK,
                         "Static host definition in IPv4 network '%s' must have mac or name attribute",
                         net);
            goto out;
        }
        if (!has_ip) {
            error_report(ERR_XML_ERROR, FROM_NETWORK,
                         "Missing IP address in static host definition for network '%s'", net);
            goto out;
        }
    }
    xmlNodePtr dhcp = ensure(ip, "dhcp");
    if (!dhcp)
        goto out;
    xmlNodePtr found = NULL;
    for (xmlNodePtr h = child(dhcp, "host"); h && !found; h = next_named(h, "host")) {
        char *hm = prop(h, "mac"), *hn = prop(h, "name"), *hi = prop(h, "ip");
        struct addr ha;
        int ip_eq = has_ip && hi && addr_parse(hi, &ha) == 0 && addr_equal(&a, &ha);
        int mac_eq = mac && hm && strcasecmp(mac, hm) == 0;
        if (command == CMD_DELETE) {
            if ((!mac || !hm || mac_eq) && (!name || str_eq(name, hn)) && (!has_ip || ip_eq))
                found = h;
        } else if (mac_eq || ip_eq || str_eq(name, hn)) {
            found = h;
        }
        xmlFree(hm);
        xmlFree(hn);
        xmlFree(hi);
    }
    if (command == CMD_DELETE || command == CMD_MODIFY) {
        if (!found) {
            if (command == CMD_DELETE)
                op_invalid("couldn't locate a matching dhcp host entry in network '%s'", net);
            else
                op_invalid("couldn't locate an existing dhcp host entry with \"mac='%s'\" "
                           "\"name='%s'\" \"ip='%s'\" in network '%s'",
                           mac ? mac : "(null)", name ? name : "(null)", addr ? addr : "(null)",
                           net);
            goto out;
        }
        if (command == CMD_DELETE) {
            xmlUnlinkNode(found);
            xmlFreeNode(found);
            rc = 0;
        } else {
            rc = place(dhcp, n, command, found);
        }
        goto out;
    }
    if (found) {
        op_invalid("there is an existing dhcp host entry in network '%s' that matches "
                   "\"<host mac='%s' name='%s' ip='%s'/>\"",
                   net, mac ? mac : "(null)", name ? name : "(null)", addr ? addr : "(null)");
        goto out;
    }
    rc = place(dhcp, n, command, NULL);
out:
    xmlFree(mac);
    xmlFree(name);
    xmlFree(addr);
    return rc;
}

static int update_dhcp_range(xmlNodePtr root, xmlNodePtr n, int command, int index,
                             const char *net)
{
    if (command == CMD_MODIFY) {
        error_report(ERR_OP_UNSUPPORTED, FROM_NETWORK,
                     "dhcp ranges cannot be modified, only added or deleted");
        return -1;
    }
    xmlNodePtr ip = dhcp_ip(root, index, net, "ip-dhcp-range");
    if (!ip || single_dhcp4(root, ip) < 0)
        return -1;
    struct addr a;
    int prefix;
    struct ctx x = {net};
    if (ip_def(&x, ip, &a, &prefix) < 0 || check_range(&x, n, &a, prefix) < 0)
        return -1;
    char *s = prop(n, "start"), *e = prop(n, "end");
    xmlNodePtr dhcp = ensure(ip, "dhcp"), found = NULL;
    int rc = -1;
    if (!dhcp)
        goto out;
    for (xmlNodePtr r = child(dhcp, "range"); r && !found; r = next_named(r, "range")) {
        char *rs = prop(r, "start"), *re = prop(r, "end");
        struct addr as, ae, bs, be;
        if (rs && re && addr_parse(rs, &as) == 0 && addr_parse(re, &ae) == 0 &&
            addr_parse(s, &bs) == 0 && addr_parse(e, &be) == 0 && addr_equal(&as, &bs) &&
            addr_equal(&ae, &be))
            found = r;
        xmlFree(rs);
        xmlFree(re);
    }
    if (command == CMD_DELETE) {
        if (!found) {
            op_invalid("couldn't locate a matching dhcp range entry in network '%s'", net);
            goto out;
        }
        xmlUnlinkNode(found);
        xmlFreeNode(found);
        rc = 0;
        goto out;
    }
    if (found) {
        op_invalid("there is an existing dhcp range entry in network '%s' that matches "
                   "\"<range start='%s' end='%s'/>\"",
                   net, s, e);
        goto out;
    }
    rc = place(dhcp, n, command, NULL);
out:
    xmlFree(s);
    xmlFree(e);
    return rc;
}

static int update_forward_if(xmlNodePtr root, xmlNodePtr n, int command, const char *net)
{
    if (command == CMD_MODIFY)
        return cannot_modify("forward interface entries");
    char *dev = prop(n, "dev");
    xmlNodePtr fwd = child(root, "forward"), found = NULL;
    int rc = -1;
    if (!dev) {
        error_report(ERR_XML_ERROR, FROM_NETWORK, "missing dev attribute in <interface> element");
        goto out;
    }
    for (xmlNodePtr i = child(fwd, "interface"); i && !found; i = next_named(i, "interface")) {
        char *d = prop(i, "dev");
        if (str_eq(d, dev))
            found = i;
        xmlFree(d);
    }
    if (command == CMD_DELETE) {
        if (!found) {
            op_invalid("couldn't find an interface entry in network '%s' matching <interface dev='%s'>",
                       net, dev);
            goto out;
        }
        xmlUnlinkNode(found);
        xmlFreeNode(found);
        if (!child(fwd, "interface"))
            xmlUnsetProp(fwd, (const xmlChar *)"dev");
        rc = 0;
        goto out;
    }
    if (found) {
        op_invalid("there is an existing interface entry in network '%s' that matches "
                   "\"<interface dev='%s'>\"",
                   net, dev);
        goto out;
    }
    if (!fwd && !(fwd = ensure(root, "forward")))
        goto out;
    rc = place(fwd, n, command, NULL);
    if (rc == 0) {
        /* forward dev follows the first interface. */
        xmlNodePtr first = child(fwd, "interface");
        char *fd = prop(first, "dev");
        rc = set_prop(fwd, "dev", fd);
        xmlFree(fd);
    }
out:
    xmlFree(dev);
    return rc;
}

static int update_portgroup(xmlNodePtr root, xmlNodePtr n, int command, const char *net)
{
    char *name = prop(n, "name"), *def = prop(n, "default");
    xmlNodePtr found = NULL, other_default = NULL;
    int rc = -1;
    if (!name) {
        error_report(ERR_XML_ERROR, FROM_NETWORK, "Missing required name attribute in portgroup");
        goto out;
    }
    for (xmlNodePtr p = child(root, "portgroup"); p; p = next_named(p, "portgroup")) {
        char *pn = prop(p, "name"), *pd = prop(p, "default");
        if (str_eq(pn, name))
            found = p;
        else if (str_eq(pd, "yes"))
            other_default = p;
        xmlFree(pn);
        xmlFree(pd);
    }
    if (command == CMD_DELETE || command == CMD_MODIFY) {
        if (!found) {
            op_invalid("couldn't find a portgroup entry in network '%s' matching <portgroup name='%s'>",
                       net, name);
            goto out;
        }
    } else if (found) {
        op_invalid("there is an existing portgroup entry in network '%s' that matches "
                   "\"<portgroup name='%s'>\"",
                   net, name);
        goto out;
    }
    if (command != CMD_DELETE && str_eq(def, "yes") && other_default) {
        op_invalid("a different portgroup entry in network '%s' is already set as the default. "
                   "Only one default is allowed.",
                   net);
        goto out;
    }
    if (command == CMD_DELETE) {
        xmlUnlinkNode(found);
        xmlFreeNode(found);
        rc = 0;
    } else {
        rc = place(root, n, command, command == CMD_MODIFY ? found : NULL);
    }
out:
    xmlFree(name);
    xmlFree(def);
    return rc;
}

/* The hostnames of a <dns><host>, for matching. */
static int hostname_shared(xmlNodePtr a, xmlNodePtr b)
{
    for (xmlNodePtr x = child(a, "hostname"); x; x = next_named(x, "hostname")) {
        char *tx = text(x);
        for (xmlNodePtr y = child(b, "hostname"); tx && y; y = next_named(y, "hostname")) {
            char *ty = text(y);
            int eq = str_eq(tx, ty);
            free(ty);
            if (eq) {
                free(tx);
                return 1;
            }
        }
        free(tx);
    }
    return 0;
}

static int update_dns_host(xmlNodePtr root, xmlNodePtr n, int command, const char *net)
{
    if (command == CMD_MODIFY)
        return cannot_modify("DNS HOST records");
    if (check_dns_host(net, n, command == CMD_DELETE) < 0)
        return -1;
    char *addr = prop(n, "ip");
    struct addr a;
    int has_ip = addr && addr_parse(addr, &a) == 0;
    int rc = -1;
    xmlNodePtr dns = child(root, "dns"), found = NULL;
    for (xmlNodePtr h = child(dns, "host"); h && !found; h = next_named(h, "host")) {
        char *hi = prop(h, "ip");
        struct addr ha;
        if ((has_ip && hi && addr_parse(hi, &ha) == 0 && addr_equal(&a, &ha)) ||
            hostname_shared(n, h))
            found = h;
        xmlFree(hi);
    }
    if (command == CMD_DELETE) {
        if (!found) {
            op_invalid("couldn't locate a matching DNS HOST record in network %s", net);
            goto out;
        }
        xmlUnlinkNode(found);
        xmlFreeNode(found);
        rc = 0;
        goto out;
    }
    if (found) {
        op_invalid("there is already at least one DNS HOST record with a matching field in network %s",
                   net);
        goto out;
    }
    if (!(dns = ensure(root, "dns")))
        goto out;
    rc = place(dns, n, command, NULL);
out:
    xmlFree(addr);
    return rc;
}

static int update_dns_txt(xmlNodePtr root, xmlNodePtr n, int command, const char *net)
{
    if (command == CMD_MODIFY)
        return cannot_modify("DNS TXT records");
    if (check_dns_txt(net, n, command == CMD_DELETE) < 0)
        return -1;
    char *name = prop(n, "name"), *value = prop(n, "value");
    int rc = -1;
    xmlNodePtr dns = child(root, "dns"), found = NULL;
    for (xmlNodePtr t = child(dns, "txt"); t && !found; t = next_named(t, "txt")) {
        char *tn = prop(t, "name");
        if (str_eq(tn, name))
            found = t;
        xmlFree(tn);
    }
    if (command == CMD_DELETE) {
        if (!found) {
            op_invalid("couldn't locate a matching DNS TXT record in network %s", net);
            goto out;
        }
        xmlUnlinkNode(found);
        xmlFreeNode(found);
        rc = 0;
        goto out;
    }
    if (found) {
        op_invalid("there is already a DNS TXT record with name '%s' in network %s", name, net);
        goto out;
    }
    if (!(dns = ensure(root, "dns")))
        goto out;
    rc = place(dns, n, command, NULL);
out:
    xmlFree(name);
    xmlFree(value);
    return rc;
}

static int update_dns_srv(xmlNodePtr root, xmlNodePtr n, int command, const char *net)
{
    static const char *const keys[] = {"domain", "service", "protocol", "target",
                                       "port", "priority", "weight", NULL};
    if (command == CMD_MODIFY)
        return cannot_modify("DNS SRV records");
    if (check_dns_srv(net, n, command == CMD_DELETE) < 0)
        return -1;
    char *service = prop(n, "service");
    int rc = -1;
    xmlNodePtr dns = child(root, "dns"), found = NULL;
    for (xmlNodePtr s = child(dns, "srv"); s && !found; s = next_named(s, "srv")) {
        int all = 1;
        for (int i = 0; keys[i] && all; i++) {
            char *want = prop(n, keys[i]), *have = prop(s, keys[i]);
            if (want && !str_eq(want, have))
                all = 0;
            xmlFree(want);
            xmlFree(have);
        }
        if (all)
            found = s;
    }
    if (command == CMD_DELETE) {
        if (!found) {
            op_invalid("couldn't locate a matching DNS SRV record in network %s", net);
            goto out;
        }
        xmlUnlinkNode(found);
        xmlFreeNode(found);
        rc = 0;
        goto out;
    }
    if (found) {
        op_invalid("there is already at least one DNS SRV record matching all specified fields in network %s",
                   net);
        goto out;
    }
    if (!(dns = ensure(root, "dns")))
        goto out;
    rc = place(dns, n, command, NULL);
out:
    xmlFree(service);
    return rc;
}

static const char *const section_elems[] = {NULL,    NULL,        NULL,      NULL,  "host",
                                            "range", NULL,        "interface", NULL,
                                            "portgroup", "host", "txt", "srv"};

int nx_def_update(struct nx_def *def, int command, int section, int parent_index,
                  const char *xml)
{
    xmlDocPtr doc = NULL, frag = NULL;
    struct nx_def out;
    int rc = -1;

    if (section > 0 && section <= SEC_DNS_SRV && !section_elems[section]) {
        error_report(ERR_OP_UNSUPPORTED, FROM_NETWORK, "can't update '%s' section of network '%s'",
                     section_names[section], def->name);
        return -1;
    }
    if (section <= 0 || section > SEC_DNS_SRV) {
        error_report(ERR_NO_SUPPORT, FROM_NETWORK, "can't update unrecognized section of network");
        return -1;
    }
    if (command < CMD_MODIFY || command > CMD_ADD_FIRST) {
        error_report(ERR_INVALID_ARG, FROM_NETWORK, "unrecognized network update command code %d",
                     command);
        return -1;
    }
    if (!(frag = parse_text(xml, "network_update_xml")))
        return -1;
    xmlNodePtr n = xmlDocGetRootElement(frag);
    if (!is_elem(n, section_elems[section])) {
        error_report(ERR_XML_ERROR, FROM_NETWORK,
                     "unexpected element <%s>, expecting <%s>, while updating network '%s'",
                     (const char *)n->name, section_elems[section], def->name);
        goto out;
    }
    /* libvirt changes a copy made by writing the definition out and
     * parsing that again: what it shows, quirk and all. */
    if (!(doc = xml_parse(def->shown, strlen(def->shown), "(network_definition)", FROM_NETWORK)))
        goto out;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    switch (section) {
    case SEC_IP_DHCP_HOST:
        rc = update_dhcp_host(root, n, command, parent_index, def->name);
        break;
    case SEC_IP_DHCP_RANGE:
        rc = update_dhcp_range(root, n, command, parent_index, def->name);
        break;
    case SEC_FORWARD_INTERFACE:
        rc = update_forward_if(root, n, command, def->name);
        break;
    case SEC_PORTGROUP:
        rc = update_portgroup(root, n, command, def->name);
        break;
    case SEC_DNS_HOST:
        rc = update_dns_host(root, n, command, def->name);
        break;
    case SEC_DNS_TXT:
        rc = update_dns_txt(root, n, command, def->name);
        break;
    default:
        rc = update_dns_srv(root, n, command, def->name);
        break;
    }
    if (rc == 0 && (rc = nx_def_parse_node(doc, root, &out)) == 0) {
        nx_def_clear(def);
        *def = out;
    }
out:
    if (doc)
        xmlFreeDoc(doc);
    xmlFreeDoc(frag);
    return rc;
}

/* Domain XML, matching libvirt 9.0's output for what it interprets: name,
 * uuid, title, description, memory, currentMemory, vcpu (placement, cpuset,
 * current), os (type/arch/machine, kernel, initrd, cmdline, boot), the bare
 * features acpi apic pae hap viridian privnet, clock (offset, adjustment,
 * basis, timezone), on_* actions, and devices: emulator, disk
 * (file/block/dir), controller, interface, serial, console, input, graphics
 * (vnc/spice/sdl), video, memballoon. Device ordering, defaults, implicit
 * controllers, console/serial pairing, interface names (testnetN) and MAC
 * generation follow libvirt's observed behaviour.
 *
 * The other elements libvirt knows as children of <domain>, <features> and
 * <devices> (metadata, cpu, numatune, memtune, pm, seclabel, hyperv,
 * hostdev, channel, sound, rng, tpm, ...) are kept as written and written
 * back where libvirt writes them, so a define followed by dumpxml loses
 * none of them (libvirt would write them in its own canonical form; a
 * driver that cannot honour one refuses it). Within the elements it
 * interprets, the model keeps only what it interprets. Elements libvirt
 * does not know are dropped, as libvirt drops them. */
#include "domain_xml.h"
#include "domain_xml_priv.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "xml.h"
#include "error.h"
#include "uuid.h"

/* libvirt's order of the children of <domain> and of <devices> (its
 * formatter writes them so); kept elements go back in their place. */
static const char *const domain_order[] = {
    "name", "uuid", "genid", "title", "description", "metadata", "maxMemory", "memory",
    "currentMemory", "blkiotune", "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads",
    "iothreadids", "cputune", "numatune", "resource", "sysinfo", "bootloader",
    "bootloader_args", "os", "idmap", "features", "cpu", "clock", "on_poweroff", "on_reboot",
    "on_crash", "on_lockfailure", "pm", "perf", "devices", "seclabel", "keywrap",
    "launchSecurity", NULL};
static const char *const device_order[] = {
    "emulator", "disk",   "controller", "lease",    "filesystem", "interface", "smartcard",
    "serial",   "parallel", "console",  "channel",  "input",      "tpm",       "graphics",
    "sound",    "audio",  "video",      "hostdev",  "redirdev",   "redirfilter", "hub",
    "watchdog", "memballoon", "rng",    "panic",    "shmem",      "memory",    "iommu",
    "vsock",    "crypto", NULL};
/* The features libvirt knows beyond the bare ones the model interprets. */
static const char *const feature_order[] = {
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm", "pvspinlock",
    "capabilities", "pmu", "vmport", "gic", "smm", "ioapic", "hpt", "vmcoreinfo", "htm",
    "nested-hv", "msrs", "ccf-assist", "xen", "cfpc", "sbbc", "ibs", "tcg", "async-teardown",
    NULL};

static const char *const feature_names[] = {"acpi", "apic",     "pae",
                                            "hap",  "viridian", "privnet"};
#define NFEATURES (sizeof(feature_names) / sizeof(feature_names[0]))

const char *const dx_bus_names[] = {"none", "ide", "fdc", "scsi", "virtio",
                                        "xen",  "usb", "uml", "sata", "sd"};

const char *const dx_ctrl_names[] = {"ide",  "fdc", "scsi", "sata",   "virtio-serial",
                                         "ccid", "usb", "pci",  "xenbus", "isa"};

static const char *const virt_types[] = {
    "none",   "qemu",   "kqemu", "kvm",  "xen",       "lxc",   "uml", "openvz", "test",
    "vmware", "hyperv", "vbox",  "phyp", "parallels", "bhyve", "vz",  NULL};
static const char *const os_types[] = {"hvm", "xen", "linux", "exe", "uml", "xenpvh", NULL};
static const char *const net_types[] = {
    "user",     "ethernet", "vhostuser", "server", "client", "mcast", "network", "bridge",
    "internal", "direct",   "hostdev",   "udp",    "vdpa",   "null",  "vds",     NULL};
static const char *const lifecycle_actions[] = {"destroy", "restart", "rename-restart",
                                                "preserve", NULL};
static const char *const crash_actions[] = {"destroy",  "restart",          "rename-restart",
                                            "preserve", "coredump-destroy", "coredump-restart",
                                            NULL};

static int in_list(const char *const *list, const char *s)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

static int name_index(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

/* The index of `name` in a NULL-terminated order table, or -1. */
static int order_of(const char *const *order, const char *name)
{
    for (int i = 0; order[i]; i++)
        if (strcmp(order[i], name) == 0)
            return i;
    return -1;
}

static void drop_blank_text(xmlNodePtr n)
{
    xmlNodePtr next;

    for (xmlNodePtr c = n->children; c; c = next) {
        next = c->next;
        if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else if (c->type == XML_ELEMENT_NODE) {
            drop_blank_text(c);
        }
    }
}

static char *serialize_kept(xmlNodePtr n, int level);

/* Keeps element n as written, for writing back at depth `level` (1 for a
 * child of <domain>). Returns 0, or -1 with the error recorded. */
static int keep(struct dx_kept_list *l, int order, xmlNodePtr n, int level)
{
    xmlNodePtr copy = xmlDocCopyNode(n, n->doc, 1);
    struct dx_kept *items = NULL;
    char *xml = NULL;

    if (copy) {
        drop_blank_text(copy);
        xml = serialize_kept(copy, level);
        xmlFreeNode(copy);
    }
    if (xml)
        items = realloc(l->items, (l->n + 1) * sizeof(*items));
    if (!items) {
        free(xml);
        error_report(ERR_NO_MEMORY, FROM_DOMAIN, NULL);
        return -1;
    }
    l->items = items;
    items[l->n].order = order;
    items[l->n].xml = xml;
    l->n++;
    return 0;
}

const char *dx_kept_get(const struct dx_def *def, const char *name)
{
    int at = order_of(domain_order, name);
    for (size_t i = 0; at >= 0 && i < def->kept.n; i++)
        if (def->kept.items[i].order == at)
            return def->kept.items[i].xml;
    return NULL;
}

int dx_kept_put(struct dx_def *def, const char *name, const char *xml)
{
    struct dx_kept_list *l = &def->kept;
    int at = order_of(domain_order, name);
    char *copy = xml ? strdup(xml) : NULL;
    size_t i = 0;

    if (xml && !copy) {
        error_report(ERR_NO_MEMORY, FROM_DOMAIN, NULL);
        return -1;
    }
    while (i < l->n && l->items[i].order != at)
        i++;
    if (i < l->n) {
        free(l->items[i].xml);
        if (copy) {
            l->items[i].xml = copy;
        } else {
            memmove(&l->items[i], &l->items[i + 1], (l->n - i - 1) * sizeof(l->items[0]));
            l->n--;
        }
        return 0;
    }
    if (!copy)
        return 0;
    struct dx_kept *items = realloc(l->items, (l->n + 1) * sizeof(*items));
    if (!items) {
        free(copy);
        error_report(ERR_NO_MEMORY, FROM_DOMAIN, NULL);
        return -1;
    }
    l->items = items;
    items[l->n].order = at;
    items[l->n].xml = copy;
    l->n++;
    return 0;
}

static void kept_clear(struct dx_kept_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].xml);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

char *dx_xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

void *dx_grow(void *arr, size_t n, size_t size)
{
    void *p = realloc(arr, (n + 1) * size);
    if (p)
        memset((char *)p + n * size, 0, size);
    return p;
}

/* ---- libxml2 helpers ---- */

/* What the parser reads it marks as interpreted (an element's or an
 * attribute's _private), so that what it leaves is found afterwards (see
 * "extras"). */
#define READ ((void *)1)

static void mark_unread(xmlNodePtr n)
{
    n->_private = NULL;
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        a->_private = NULL;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            mark_unread(c);
}

static char *prop(xmlNodePtr node, const char *name)
{
    xmlAttrPtr a = xmlHasProp(node, (const xmlChar *)name);
    if (a)
        a->_private = READ;
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static int is_elem(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (is_elem(n, name)) {
            n->_private = READ;
            return n;
        }
    return NULL;
}

static char *text(xmlNodePtr node)
{
    if (!node)
        return NULL;
    xmlChar *v = xmlNodeGetContent(node);
    char *s = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return s;
}

static char *child_text(xmlNodePtr parent, const char *name)
{
    return text(child(parent, name));
}

static char *child_prop(xmlNodePtr parent, const char *name, const char *attr)
{
    xmlNodePtr c = child(parent, name);
    return c ? prop(c, attr) : NULL;
}

/* ---- extras ----
 *
 * Inside an element the model interprets (a disk, <os>, <memory>...), an
 * attribute or child it does not read is still the user's configuration:
 * it is kept in the structure's `extra`, and the formatter puts it back
 * (apply_extra). `extra` is a copy of the element as written, with what
 * the parser read flagged in a private namespace: lr:read='1' on an
 * element it read, lr:attrs=' a b ' naming the attributes it read. NULL
 * when the parser read everything. */
#define LR_NS "urn:x-libvirt-remote:read"

static int has_unread(xmlNodePtr n)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (!a->_private)
            return 1;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && (!c->_private || has_unread(c)))
            return 1;
    return 0;
}

/* Flags on copy x what the parser read of o (x is a deep copy of o, so
 * their attributes and element children go in step). */
static int flag_read(xmlNodePtr o, xmlNodePtr x, xmlNsPtr ns)
{
    char *names = NULL;
    size_t len = 0;
    int r = 0;

    for (xmlAttrPtr a = o->properties; a; a = a->next) {
        if (!a->_private)
            continue;
        size_t n = strlen((const char *)a->name);
        char *p = realloc(names, len + n + 3);
        if (!p) {
            free(names);
            return -1;
        }
        names = p;
        if (len == 0)
            names[len++] = ' ';
        memcpy(names + len, a->name, n);
        len += n;
        names[len++] = ' ';
        names[len] = '\0';
    }
    if (o->_private && !xmlNewNsProp(x, ns, (const xmlChar *)"read", (const xmlChar *)"1"))
        r = -1;
    if (names && !xmlNewNsProp(x, ns, (const xmlChar *)"attrs", (const xmlChar *)names))
        r = -1;
    free(names);
    xmlNodePtr oc = o->children, xc = x->children;
    for (; r == 0 && oc && xc; oc = oc->next, xc = xc->next)
        if (oc->type == XML_ELEMENT_NODE)
            r = flag_read(oc, xc, ns);
    return r;
}

/* The extra of element n, after the parser has read it: NULL when there
 * is nothing it did not read (or, with *err set, when out of memory). */
static char *extras_of(xmlNodePtr n, int *err)
{
    xmlDocPtr doc;
    xmlNodePtr x;
    xmlBufferPtr xb = NULL;
    char *s = NULL;

    if (!has_unread(n))
        return NULL;
    *err = 1;
    doc = xmlNewDoc((const xmlChar *)"1.0");
    x = doc ? xmlDocCopyNode(n, doc, 1) : NULL;
    if (!x) {
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlDocSetRootElement(doc, x);
    xmlNsPtr ns = xmlNewNs(x, (const xmlChar *)LR_NS, (const xmlChar *)"lr");
    if (ns && flag_read(n, x, ns) == 0 && (xb = xmlBufferCreate()) &&
        xmlNodeDump(xb, doc, x, 0, 0) >= 0)
        s = strdup((const char *)xmlBufferContent(xb));
    if (xb)
        xmlBufferFree(xb);
    xmlFreeDoc(doc);
    if (s)
        *err = 0;
    return s;
}

/* Sets *out to the extra of n; -1 when out of memory (recorded). */
static int take_extras(xmlNodePtr n, char **out)
{
    int err = 0;
    *out = n ? extras_of(n, &err) : NULL;
    if (err) {
        error_report(ERR_NO_MEMORY, FROM_DOMAIN, NULL);
        return -1;
    }
    return 0;
}

/* ---- small value parsers ---- */

int dx_name_check(const char *name)
{
    size_t len = strlen(name);

    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        /* A newline gets libvirt's own words; libvirt lets the other
         * control characters through, we do not. */
        if (*p == '\n') {
            error_report(ERR_XML_DETAIL, FROM_XML, "invalid char in name: %c", *p);
            return -1;
        }
        if (*p < 0x20 || *p == 0x7f) {
            error_report(ERR_XML_DETAIL, FROM_XML, "invalid char in name: 0x%02x", *p);
            return -1;
        }
    }
    if (name[0] == '.') {
        error_report(ERR_XML_ERROR, FROM_DOMAIN, "name %s cannot start with '.'", name);
        return -1;
    }
    if (len > DX_NAME_MAX) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN, "name is %zu bytes long, more than %d", len,
                     DX_NAME_MAX);
        return -1;
    }
    return 0;
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

static int parse_uint(const char *s, unsigned long long *out)
{
    char *end;
    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static int parse_uint_any_base(const char *s, unsigned int *out)
{
    char *end;
    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || *end || v > 0xffffffffUL)
        return -1;
    *out = (unsigned int)v;
    return 0;
}

/* libvirt's unit suffixes: b/bytes, k/KiB (1024), KB (1000), ... up to e/EiB. */
static int scale_unit(const char *unit, unsigned long long *scale)
{
    if (!unit || !*unit) {
        *scale = 1024;
        return 0;
    }
    if (strcasecmp(unit, "b") == 0 || strcasecmp(unit, "bytes") == 0) {
        *scale = 1;
        return 0;
    }
    const char *p = strchr("kmgtpe", (unit[0] | 0x20));
    if (!p || unit[0] == '\0') {
        error_report(ERR_INVALID_ARG, FROM_NONE, "unknown suffix '%s'", unit);
        return -1;
    }
    unsigned long long base;
    if (unit[1] == '\0' || strcasecmp(unit + 1, "ib") == 0)
        base = 1024;
    else if (strcasecmp(unit + 1, "b") == 0)
        base = 1000;
    else {
        error_report(ERR_INVALID_ARG, FROM_NONE, "unknown suffix '%s'", unit);
        return -1;
    }
    unsigned long long s = 1;
    for (int i = 0; i <= (int)(p - "kmgtpe"); i++)
        s *= base;
    *scale = s;
    return 0;
}

/* Parses <name unit=''> as libvirt does and returns KiB (rounded up);
 * absent element gives 0. */
static int parse_memory(xmlNodePtr parent, const char *name, uint64_t *kib)
{
    xmlNodePtr n = child(parent, name);
    *kib = 0;
    if (!n)
        return 0;
    char *val = text(n), *unit = prop(n, "unit");
    unsigned long long v, scale;
    int ret = -1;
    if (parse_uint(val, &v) < 0) {
        error_report(ERR_XML_ERROR, FROM_XML,
                     "Invalid value '%s' for element or attribute './%s[1]'", val ? val : "",
                     name);
        goto out;
    }
    if (scale_unit(unit, &scale) < 0)
        goto out;
    /* libvirt's bounds: the size in bytes fits a long long, and in KiB
     * stays below that in KiB rounded up (2^53). */
    if (v > LLONG_MAX / scale) {
        error_report(ERR_OVERFLOW, FROM_NONE, "value too large: %llu%s", v, unit ? unit : "");
        goto out;
    }
    *kib = (v * scale + 1023) / 1024;
    if (*kib >= (LLONG_MAX / 1024) + 1) {
        error_report(ERR_OVERFLOW, FROM_DOMAIN, "size value too large");
        goto out;
    }
    ret = 0;
out:
    free(val);
    free(unit);
    return ret;
}

static int parse_mac(const char *s, unsigned char mac[6])
{
    for (int i = 0; i < 6; i++) {
        char *end;
        if (!((s[0] >= '0' && s[0] <= '9') || ((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'f')))
            return -1;
        unsigned long v = strtoul(s, &end, 16);
        if (end - s > 2 || v > 0xff)
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

/* libvirt's disk-name index: "vda" 0, "hdc" 2, "sdaa" 26; -1 if not a disk name. */
int dx_disk_name_index(const char *name)
{
    static const char *const prefixes[] = {"fd", "hd", "vd", "sd", "xvd", "ubd"};
    const char *p = NULL;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0) {
            p = name + strlen(prefixes[i]);
            break;
        }
    if (!p)
        return -1;
    int idx = 0, i;
    for (i = 0; *p && i < 6; i++, p++) {
        if (*p < 'a' || *p > 'z')
            break;
        idx = (idx + (i < 1 ? 0 : 1)) * 26;
        idx += *p - 'a';
    }
    if (i == 0)
        return -1;
    p += strspn(p, "0123456789");
    return *p ? -1 : idx;
}

/* A usb address's port: up to four dot-separated numbers ("1", "1.2"). */
static int parse_usb_port(const char *s, char *out, size_t len)
{
    int levels = 0;

    if (strlen(s) >= len)
        return -1;
    for (const char *p = s; *p;) {
        unsigned long long v;
        size_t n = strspn(p, "0123456789");
        char num[12];
        if (n == 0 || n >= sizeof(num) || ++levels > 4)
            return -1;
        memcpy(num, p, n);
        num[n] = '\0';
        if (parse_uint(num, &v) < 0 || v > 255)
            return -1;
        p += n;
        if (*p == '.' && p[1])
            p++;
        else if (*p)
            return -1;
    }
    strcpy(out, s);
    return 0;
}

/* The <address> child of parent; `usb` reads a usb address too (the QEMU
 * driver's; for the others it stays as written, in the extra). */
static int parse_addr_of(xmlNodePtr parent, struct dx_addr *addr, int usb)
{
    xmlNodePtr n = child(parent, "address");
    memset(addr, 0, sizeof(*addr));
    if (!n)
        return 0;
    char *type = prop(n, "type");
    int ret = 0;
    if (usb && type && strcmp(type, "usb") == 0) {
        char *bus = prop(n, "bus"), *port = prop(n, "port");
        addr->type = DX_ADDR_USB;
        if (bus && parse_uint_any_base(bus, &addr->usb_bus) < 0) {
            error_report(ERR_XML_ERROR, FROM_DOMAIN, "Cannot parse <address> 'bus' attribute");
            ret = -1;
        } else if (port && parse_usb_port(port, addr->usb_port, sizeof(addr->usb_port)) < 0) {
            error_report(ERR_XML_ERROR, FROM_DOMAIN, "Cannot parse <address> 'port' attribute");
            ret = -1;
        }
        free(bus);
        free(port);
        free(type);
        return ret;
    }
    struct {
        const char *attr;
        unsigned int *dst;
    } pci[] = {{"domain", &addr->domain},
               {"bus", &addr->bus},
               {"slot", &addr->slot},
               {"function", &addr->function}},
      drv[] = {{"controller", &addr->controller},
               {"bus", &addr->dbus},
               {"target", &addr->target},
               {"unit", &addr->unit}};
    typeof(pci[0]) *list = NULL;
    if (type && strcmp(type, "pci") == 0) {
        addr->type = DX_ADDR_PCI;
        list = pci;
    } else if (type && strcmp(type, "drive") == 0) {
        addr->type = DX_ADDR_DRIVE;
        list = drv;
    } else {
        mark_unread(n); /* another type: put back whole (extras) */
    }
    for (size_t i = 0; list && i < 4; i++) {
        char *v = prop(n, list[i].attr);
        if (v && parse_uint_any_base(v, list[i].dst) < 0) {
            error_report(ERR_XML_ERROR, FROM_DOMAIN, "Cannot parse <address> '%s' attribute",
                         list[i].attr);
            ret = -1;
        }
        free(v);
        if (ret < 0)
            break;
    }
    free(type);
    return ret;
}

static int parse_addr(xmlNodePtr parent, struct dx_addr *addr)
{
    return parse_addr_of(parent, addr, 0);
}

static unsigned int parse_boot_order(xmlNodePtr parent)
{
    char *v = child_prop(parent, "boot", "order");
    unsigned long long o = 0;
    if (v && parse_uint(v, &o) < 0)
        o = 0;
    free(v);
    return (unsigned int)o;
}

/* ---- freeing ---- */

static void disk_clear(struct dx_disk *d)
{
    free(d->type);
    free(d->device);
    free(d->drv_name);
    free(d->drv_type);
    free(d->drv_cache);
    free(d->drv_io);
    free(d->drv_discard);
    free(d->src);
    free(d->src_pool);
    free(d->src_volume);
    free(d->vol_path);
    free(d->dst);
    free(d->serial);
    free(d->extra);
}

static void chr_clear(struct dx_chr *c)
{
    free(c->type);
    free(c->path);
    free(c->append);
    free(c->target_type);
    free(c->target_model);
    free(c->extra);
}

void dx_def_free(struct dx_def *def)
{
    if (!def)
        return;
    free(def->virt_type);
    free(def->name);
    free(def->title);
    free(def->description);
    free(def->cpuset);
    free(def->os_type);
    free(def->arch);
    free(def->machine);
    free(def->kernel);
    free(def->initrd);
    free(def->cmdline);
    for (size_t i = 0; i < def->nboot; i++)
        free(def->boot[i]);
    free(def->boot);
    free(def->clock_offset);
    free(def->clock_adjustment);
    free(def->clock_basis);
    free(def->clock_timezone);
    free(def->on_poweroff);
    free(def->on_reboot);
    free(def->on_crash);
    free(def->emulator);
    for (size_t i = 0; i < def->ndisks; i++)
        disk_clear(&def->disks[i]);
    free(def->disks);
    for (size_t i = 0; i < def->nctrls; i++) {
        free(def->ctrls[i].model);
        free(def->ctrls[i].extra);
    }
    free(def->ctrls);
    for (size_t i = 0; i < def->nnets; i++) {
        struct dx_net *n = &def->nets[i];
        free(n->type);
        free(n->src);
        free(n->src_mode);
        free(n->ifname);
        free(n->model);
        free(n->extra);
    }
    free(def->nets);
    for (size_t i = 0; i < def->nserials; i++)
        chr_clear(&def->serials[i]);
    free(def->serials);
    for (size_t i = 0; i < def->nconsoles; i++)
        chr_clear(&def->consoles[i]);
    free(def->consoles);
    for (size_t i = 0; i < def->ninputs; i++) {
        free(def->inputs[i].type);
        free(def->inputs[i].bus);
        free(def->inputs[i].extra);
    }
    free(def->inputs);
    for (size_t i = 0; i < def->ngraphics; i++) {
        free(def->graphics[i].type);
        free(def->graphics[i].listen);
        free(def->graphics[i].extra);
    }
    free(def->graphics);
    for (size_t i = 0; i < def->nvideos; i++) {
        free(def->videos[i].model);
        free(def->videos[i].extra);
    }
    free(def->videos);
    for (size_t i = 0; i < def->naudios; i++) {
        free(def->audios[i].type);
        free(def->audios[i].extra);
    }
    free(def->audios);
    free(def->cpu.mode);
    free(def->cpu.match);
    free(def->cpu.check);
    free(def->cpu.model);
    free(def->cpu.fallback);
    for (size_t i = 0; i < def->cpu.nfeatures; i++) {
        free(def->cpu.features[i].policy);
        free(def->cpu.features[i].name);
    }
    free(def->cpu.features);
    free(def->cpu.extra);
    free(def->balloon_model);
    free(def->balloon_extra);
    free(def->extra_memory);
    free(def->extra_cur_memory);
    free(def->extra_vcpu);
    free(def->extra_os);
    free(def->extra_clock);
    kept_clear(&def->kept);
    kept_clear(&def->kept_features);
    kept_clear(&def->kept_devices);
    free(def);
}

/* ---- devices ---- */

/* libvirt inserts each parsed disk after the last one on the same bus with
 * a lower index (the bus as written; defaults are filled in later), which is
 * why <disk> order can change on output. */
static void disk_insert(struct dx_def *def, struct dx_disk *disk)
{
    int at = -1;
    int idx = dx_disk_name_index(disk->dst);
    for (int i = (int)def->ndisks - 1; i >= 0; i--) {
        if (def->disks[i].bus != disk->bus)
            continue;
        if (dx_disk_name_index(def->disks[i].dst) > idx)
            at = i;
        else if (at == -1)
            at = i + 1;
    }
    if (at == -1)
        at = (int)def->ndisks;
    memmove(&def->disks[at + 1], &def->disks[at],
            (def->ndisks - (size_t)at) * sizeof(*def->disks));
    def->disks[at] = *disk;
    def->ndisks++;
}

static int parse_disk(struct dx_def *def, xmlNodePtr n)
{
    struct dx_disk d;
    memset(&d, 0, sizeof(d));
    d.type = prop(n, "type");
    if (!d.type)
        d.type = strdup("file");
    d.device = prop(n, "device");
    if (!d.device)
        d.device = strdup("disk");
    xmlNodePtr drv = child(n, "driver");
    if (drv) {
        d.drv_name = prop(drv, "name");
        d.drv_type = prop(drv, "type");
        d.drv_cache = prop(drv, "cache");
        d.drv_io = prop(drv, "io");
        d.drv_discard = prop(drv, "discard");
    }
    xmlNodePtr src = child(n, "source");
    if (src) {
        const char *attr = strcmp(d.type, "block") == 0 ? "dev"
                           : strcmp(d.type, "dir") == 0 ? "dir"
                                                        : "file";
        if (strcmp(d.type, "volume") == 0) {
            d.src_pool = prop(src, "pool");
            d.src_volume = prop(src, "volume");
        } else {
            d.src = prop(src, attr);
        }
    }
    xmlNodePtr tgt = child(n, "target");
    d.dst = tgt ? prop(tgt, "dev") : NULL;
    char *bus = tgt ? prop(tgt, "bus") : NULL;
    if (!d.dst) {
        error_report(ERR_NO_TARGET, FROM_DOMAIN, "device %s", d.src ? d.src : "(null)");
        goto out;
    }
    if (bus) {
        d.bus = name_index(dx_bus_names, DX_BUS_LAST, bus);
        if (d.bus <= 0) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_DOMAIN, "unknown disk bus type '%s'",
                         bus);
            goto out;
        }
    }
    if (!d.src && !(d.src_pool && d.src_volume) && strcmp(d.device, "cdrom") != 0 &&
        strcmp(d.device, "floppy") != 0) {
        error_report(ERR_NO_SOURCE, FROM_DOMAIN, "device %s", d.dst);
        goto out;
    }
    xmlNodePtr backing = def->driver == DX_DRIVER_QEMU ? child(n, "backingStore") : NULL;
    if (backing && !backing->properties && !backing->children)
        d.backing_none = 1;
    else if (backing)
        backing->_private = NULL;
    d.readonly = child(n, "readonly") != NULL;
    d.shareable = child(n, "shareable") != NULL;
    d.serial = child_text(n, "serial");
    d.boot_order = parse_boot_order(n);
    if (parse_addr(n, &d.addr) < 0)
        goto out;
    if (d.addr.type == DX_ADDR_NONE && dx_disk_name_index(d.dst) < 0) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN,
                     "Unknown disk name '%s' and no address specified", d.dst);
        goto out;
    }
    if (take_extras(n, &d.extra) < 0)
        goto out;
    void *p = dx_grow(def->disks, def->ndisks, sizeof(*def->disks));
    if (!p)
        goto out;
    def->disks = p;
    disk_insert(def, &d);
    free(bus);
    return 0;
out:
    free(bus);
    disk_clear(&d);
    return -1;
}

static int parse_ctrl_type(const char *s)
{
    return s ? name_index(dx_ctrl_names, DX_CTRL_LAST, s) : -1;
}

/* New controller types go last; within a type, controllers stay sorted by
 * index (libvirt's insertion rule). */
int dx_ctrl_insert(struct dx_def *def, int type, int index, char *model,
                       const struct dx_addr *addr, char *extra)
{
    void *p = dx_grow(def->ctrls, def->nctrls, sizeof(*def->ctrls));
    if (!p) {
        free(model);
        free(extra);
        return -1;
    }
    def->ctrls = p;
    int at = -1, last_same = -1;
    for (int i = (int)def->nctrls - 1; i >= 0; i--) {
        if (def->ctrls[i].type != type)
            continue;
        if (def->ctrls[i].index > index)
            at = i;
        if (last_same == -1)
            last_same = i;
    }
    if (at == -1)
        at = last_same != -1 ? last_same + 1 : (int)def->nctrls;
    memmove(&def->ctrls[at + 1], &def->ctrls[at],
            (def->nctrls - (size_t)at) * sizeof(*def->ctrls));
    def->ctrls[at].type = type;
    def->ctrls[at].index = index;
    def->ctrls[at].model = model;
    def->ctrls[at].extra = extra;
    if (addr)
        def->ctrls[at].addr = *addr;
    else
        memset(&def->ctrls[at].addr, 0, sizeof(struct dx_addr));
    def->nctrls++;
    return 0;
}

static int parse_controller(struct dx_def *def, xmlNodePtr n)
{
    char *type = prop(n, "type"), *index = prop(n, "index");
    int t = parse_ctrl_type(type ? type : "ide");
    unsigned long long idx = 0;
    int ret = -1;
    struct dx_addr addr;
    if (t < 0) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN, "Unknown controller type '%s'", type);
        goto out;
    }
    if (index && parse_uint(index, &idx) < 0) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN, "Cannot parse controller index %s", index);
        goto out;
    }
    if (parse_addr(n, &addr) < 0)
        goto out;
    char *model = prop(n, "model"), *extra;
    if (take_extras(n, &extra) < 0) {
        free(model);
        goto out;
    }
    ret = dx_ctrl_insert(def, t, (int)idx, model, &addr, extra);
out:
    free(type);
    free(index);
    return ret;
}

static int parse_net(struct dx_def *def, xmlNodePtr n)
{
    struct dx_net net;
    memset(&net, 0, sizeof(net));
    net.type = prop(n, "type");
    int ret = -1;
    if (!net.type && !(net.type = strdup("user")))
        goto out;
    if (!in_list(net_types, net.type)) {
        error_report(ERR_XML_ERROR, FROM_XML,
                     "Invalid value for attribute 'type' in element 'interface': '%s'.",
                     net.type);
        goto out;
    }
    char *mac = child_prop(n, "mac", "address");
    if (mac) {
        int r = parse_mac(mac, net.mac);
        if (r < 0)
            error_report(ERR_XML_ERROR, FROM_DOMAIN, "unable to parse mac address '%s'", mac);
        free(mac);
        if (r < 0)
            goto out;
    } else {
        net.mac[0] = 0x52;
        net.mac[1] = 0x54;
        net.mac[2] = 0x00;
        random_bytes(net.mac + 3, 3);
    }
    xmlNodePtr src = child(n, "source");
    if (src) {
        if (strcmp(net.type, "network") == 0)
            net.src = prop(src, "network");
        else if (strcmp(net.type, "bridge") == 0)
            net.src = prop(src, "bridge");
        else if (strcmp(net.type, "direct") == 0) {
            net.src = prop(src, "dev");
            net.src_mode = prop(src, "mode");
        }
    }
    net.ifname = child_prop(n, "target", "dev");
    /* Names libvirt generates itself are not kept from user input. */
    if (net.ifname &&
        (strncmp(net.ifname, "vnet", 4) == 0 || strncmp(net.ifname, "macvtap", 7) == 0 ||
         strncmp(net.ifname, "macvlan", 7) == 0)) {
        free(net.ifname);
        net.ifname = NULL;
    }
    net.model = child_prop(n, "model", "type");
    net.boot_order = parse_boot_order(n);
    if (parse_addr(n, &net.addr) < 0 || take_extras(n, &net.extra) < 0)
        goto out;
    void *p = dx_grow(def->nets, def->nnets, sizeof(*def->nets));
    if (!p)
        goto out;
    def->nets = p;
    def->nets[def->nnets++] = net;
    return 0;
out:
    free(net.type);
    free(net.src);
    free(net.src_mode);
    free(net.ifname);
    free(net.model);
    free(net.extra);
    return ret;
}

static int parse_chr(struct dx_def *def, struct dx_chr **arr, size_t *n, xmlNodePtr node)
{
    void *p = dx_grow(*arr, *n, sizeof(**arr));
    if (!p)
        return -1;
    *arr = p;
    struct dx_chr *c = &(*arr)[(*n)++];
    c->type = prop(node, "type");
    if (!c->type)
        c->type = strdup("pty");
    c->path = child_prop(node, "source", "path");
    c->target_type = child_prop(node, "target", "type");
    if (def->driver == DX_DRIVER_QEMU) {
        xmlNodePtr src = child(node, "source");
        xmlNodePtr model = child(child(node, "target"), "model");
        c->append = src ? prop(src, "append") : NULL;
        c->target_model = model ? prop(model, "name") : NULL;
        /* A live document's tty='/dev/pts/N' is the run's, not the
         * definition's: libvirt ignores it at define. */
        free(prop(node, "tty"));
    }
    char *port = child_prop(node, "target", "port");
    unsigned long long v;
    c->port = port && parse_uint(port, &v) == 0 ? (int)v : -1;
    free(port);
    return take_extras(node, &c->extra);
}

static int parse_input(struct dx_def *def, xmlNodePtr n)
{
    void *p = dx_grow(def->inputs, def->ninputs, sizeof(*def->inputs));
    if (!p)
        return -1;
    def->inputs = p;
    struct dx_input *in = &def->inputs[def->ninputs++];
    in->type = prop(n, "type");
    in->bus = prop(n, "bus");
    if (!in->type) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN, "missing input device type");
        return -1;
    }
    int hvm = strcmp(def->os_type, "hvm") == 0;
    if (!in->bus) {
        if (strcmp(in->type, "tablet") == 0)
            in->bus = strdup("usb");
        else
            in->bus = strdup(hvm ? "ps2" : "xen");
    } else if (!hvm && strcmp(in->bus, "ps2") == 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_DOMAIN, "unsupported input bus %s", in->bus);
        return -1;
    }
    if (def->driver == DX_DRIVER_QEMU && parse_addr_of(n, &in->addr, 1) < 0)
        return -1;
    return take_extras(n, &in->extra);
}

int dx_add_input(struct dx_def *def, const char *type, const char *bus)
{
    void *p = dx_grow(def->inputs, def->ninputs, sizeof(*def->inputs));
    if (!p)
        return -1;
    def->inputs = p;
    struct dx_input *in = &def->inputs[def->ninputs++];
    in->type = strdup(type);
    in->bus = strdup(bus);
    return in->type && in->bus ? 0 : -1;
}

static int parse_graphics(struct dx_def *def, xmlNodePtr n)
{
    void *p = dx_grow(def->graphics, def->ngraphics, sizeof(*def->graphics));
    if (!p)
        return -1;
    def->graphics = p;
    struct dx_graphics *g = &def->graphics[def->ngraphics++];
    g->type = prop(n, "type");
    if (!g->type) {
        error_report(ERR_INTERNAL_ERROR, FROM_DOMAIN, "missing graphics device type");
        return -1;
    }
    char *port = prop(n, "port"), *autoport = prop(n, "autoport");
    g->listen = prop(n, "listen");
    if (!g->listen)
        g->listen = child_prop(n, "listen", "address");
    xmlNodePtr l = child(n, "listen");
    if (def->driver == DX_DRIVER_QEMU && l) {
        char *ltype = prop(l, "type"), *addr = prop(l, "address");
        if (ltype && strcmp(ltype, "address") != 0)
            xmlHasProp(l, (const xmlChar *)"type")->_private = NULL;
        int clash = addr && strcmp(addr, g->listen) != 0;
        if (clash)
            error_report(ERR_XML_ERROR, FROM_DOMAIN,
                         "graphics 'listen' attribute '%s' must match 'address' attribute of "
                         "first listen element (found '%s')",
                         g->listen, addr);
        free(ltype);
        free(addr);
        if (clash)
            return -1;
    }
    if (port) {
        g->port = atoi(port);
        g->has_port = 1;
    }
    g->autoport = autoport && strcmp(autoport, "yes") == 0;
    /* An autoport display's port is a run's (a live document's), not the
     * definition's. */
    if (def->driver == DX_DRIVER_QEMU && g->autoport && g->has_port)
        g->port = -1;
    if (strcmp(g->type, "vnc") == 0 && (!port || g->port == -1)) {
        g->port = -1;
        g->has_port = 1;
        g->autoport = 1;
    }
    free(port);
    free(autoport);
    return take_extras(n, &g->extra);
}

static unsigned int video_default_vram(const char *model, int hvm)
{
    if (strcmp(model, "vga") == 0 || strcmp(model, "cirrus") == 0 ||
        strcmp(model, "vmvga") == 0)
        return 16384;
    if (strcmp(model, "xen") == 0)
        return hvm ? 16384 : 4096;
    if (strcmp(model, "qxl") == 0)
        return 65536;
    return 0;
}

int dx_add_video(struct dx_def *def, const char *model, const char *vram, const char *ram,
                     const char *heads, const char *primary)
{
    void *p = dx_grow(def->videos, def->nvideos, sizeof(*def->videos));
    if (!p)
        return -1;
    def->videos = p;
    struct dx_video *v = &def->videos[def->nvideos++];
    int hvm = strcmp(def->os_type, "hvm") == 0;
    unsigned long long x;
    v->model = strdup(model);
    v->vram =
        vram && parse_uint(vram, &x) == 0 ? (unsigned int)x : video_default_vram(model, hvm);
    v->ram = ram && parse_uint(ram, &x) == 0 ? (unsigned int)x
             : strcmp(model, "qxl") == 0     ? 65536
                                             : 0;
    v->heads = heads && parse_uint(heads, &x) == 0 ? (unsigned int)x : 1;
    v->primary = primary && strcmp(primary, "yes") == 0;
    return 0;
}

static int parse_video(struct dx_def *def, xmlNodePtr n)
{
    xmlNodePtr m = child(n, "model");
    char *type = m ? prop(m, "type") : NULL, *vram = m ? prop(m, "vram") : NULL,
         *ram = m ? prop(m, "ram") : NULL, *heads = m ? prop(m, "heads") : NULL,
         *primary = m ? prop(m, "primary") : NULL;
    int hvm = strcmp(def->os_type, "hvm") == 0;
    int ret = dx_add_video(def, type ? type : hvm ? "cirrus" : "xen", vram, ram, heads, primary);
    if (ret == 0 && def->driver == DX_DRIVER_QEMU)
        ret = parse_addr(n, &def->videos[def->nvideos - 1].addr);
    if (ret == 0)
        ret = take_extras(n, &def->videos[def->nvideos - 1].extra);
    free(type);
    free(vram);
    free(ram);
    free(heads);
    free(primary);
    return ret;
}

static int parse_audio(struct dx_def *def, xmlNodePtr n)
{
    void *p = dx_grow(def->audios, def->naudios, sizeof(*def->audios));
    unsigned long long id = 0;
    if (!p)
        return -1;
    def->audios = p;
    struct dx_audio *a = &def->audios[def->naudios++];
    char *ids = prop(n, "id");
    a->type = prop(n, "type");
    if (!a->type) {
        free(ids);
        error_report(ERR_XML_ERROR, FROM_XML,
                     "Missing required attribute 'type' in element 'audio'");
        return -1;
    }
    if (ids && (parse_uint(ids, &id) < 0 || id == 0 || id > UINT_MAX)) {
        error_report(ERR_XML_ERROR, FROM_XML,
                     "Invalid value for attribute 'id' in element 'audio': '%s'. Expected "
                     "non-negative integer value",
                     ids);
        free(ids);
        return -1;
    }
    free(ids);
    a->id = (unsigned int)id;
    return take_extras(n, &a->extra);
}

/* What a running domain's XML has and a definition does not: libvirt's
 * QEMU driver ignores it at define (an alias not chosen by the user, a
 * disk source's index), so a live document can be defined again. */
static void ignore_live_only(xmlNodePtr dev)
{
    for (xmlNodePtr c = dev->children; c; c = c->next) {
        if (is_elem(c, "alias")) {
            char *name = prop(c, "name");
            if (!name || strncmp(name, "ua-", 3) != 0)
                c->_private = READ;
            else
                xmlHasProp(c, (const xmlChar *)"name")->_private = NULL;
            free(name);
        } else if (is_elem(dev, "disk") && is_elem(c, "source")) {
            xmlAttrPtr a = xmlHasProp(c, (const xmlChar *)"index");
            if (a)
                a->_private = READ;
        }
    }
}

static int parse_devices(struct dx_def *def, xmlNodePtr devs)
{
    int qemu = def->driver == DX_DRIVER_QEMU;

    if (!devs)
        return 0;
    def->emulator = child_text(devs, "emulator");
    for (xmlNodePtr n = devs->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        int r = 0;
        if (qemu)
            ignore_live_only(n);
        if (qemu && is_elem(n, "audio"))
            r = parse_audio(def, n);
        else if (is_elem(n, "disk"))
            r = parse_disk(def, n);
        else if (is_elem(n, "controller"))
            r = parse_controller(def, n);
        else if (is_elem(n, "interface"))
            r = parse_net(def, n);
        else if (is_elem(n, "serial"))
            r = parse_chr(def, &def->serials, &def->nserials, n);
        else if (is_elem(n, "console"))
            r = parse_chr(def, &def->consoles, &def->nconsoles, n);
        else if (is_elem(n, "input"))
            r = parse_input(def, n);
        else if (is_elem(n, "graphics"))
            r = parse_graphics(def, n);
        else if (is_elem(n, "video"))
            r = parse_video(def, n);
        else if (is_elem(n, "memballoon")) {
            free(def->balloon_model);
            def->balloon_model = prop(n, "model");
            if (!def->balloon_model)
                def->balloon_model = strdup("virtio");
            free(def->balloon_extra);
            r = parse_addr(n, &def->balloon_addr);
            if (r == 0)
                r = take_extras(n, &def->balloon_extra);
        } else if (!is_elem(n, "emulator") &&
                   order_of(device_order, (const char *)n->name) >= 0) {
            /* libvirt adds a virtio-serial controller for a virtio channel. */
            char *ttype = is_elem(n, "channel") ? child_prop(n, "target", "type") : NULL;
            if (ttype && strcmp(ttype, "virtio") == 0)
                def->virtio_channels++;
            free(ttype);
            r = keep(&def->kept_devices, order_of(device_order, (const char *)n->name), n, 2);
        }
        if (r < 0)
            return -1;
    }
    return 0;
}

/* ---- post-parse: the defaults libvirt fills in ---- */

static int disk_default_bus(const struct dx_def *def, const struct dx_disk *d)
{
    if (strcmp(d->device, "floppy") == 0)
        return DX_BUS_FDC;
    if (strncmp(d->dst, "hd", 2) == 0)
        return DX_BUS_IDE;
    if (strncmp(d->dst, "sd", 2) == 0)
        return DX_BUS_SCSI;
    if (strncmp(d->dst, "vd", 2) == 0)
        return DX_BUS_VIRTIO;
    if (strncmp(d->dst, "xvd", 3) == 0)
        return DX_BUS_XEN;
    if (strncmp(d->dst, "ubd", 3) == 0)
        return DX_BUS_UML;
    if (strncmp(d->dst, "fd", 2) == 0)
        return DX_BUS_FDC;
    return strcmp(def->os_type, "hvm") == 0 ? DX_BUS_IDE : DX_BUS_XEN;
}

static int post_disks(struct dx_def *def)
{
    for (size_t i = 0; i < def->ndisks; i++) {
        struct dx_disk *d = &def->disks[i];
        if (d->bus == DX_BUS_NONE)
            d->bus = disk_default_bus(def, d);
        for (size_t j = 0; j < i; j++)
            if (strcmp(def->disks[j].dst, d->dst) == 0) {
                error_report(ERR_XML_ERROR, FROM_DOMAIN,
                             "target '%s' duplicated for disk sources '%s' and '%s'", d->dst,
                             def->disks[j].src ? def->disks[j].src : "(null)",
                             d->src ? d->src : "(null)");
                return -1;
            }
        if (d->addr.type != DX_ADDR_NONE)
            continue;
        int idx = dx_disk_name_index(d->dst);
        unsigned int ui = (unsigned int)idx;
        switch (d->bus) {
        case DX_BUS_IDE:
            d->addr.controller = ui / 4;
            d->addr.dbus = (ui % 4) / 2;
            d->addr.unit = ui % 2;
            break;
        case DX_BUS_FDC:
            d->addr.controller = ui / 2;
            d->addr.unit = ui % 2;
            break;
        case DX_BUS_SCSI:
            d->addr.controller = ui / 7;
            d->addr.unit = ui % 7;
            break;
        case DX_BUS_SATA:
            d->addr.controller = ui / 6;
            d->addr.unit = ui % 6;
            break;
        default:
            continue;
        }
        d->addr.type = DX_ADDR_DRIVE;
    }
    /* Implicit disk controllers, in libvirt's order: scsi, fdc, ide, sata. */
    static const int order[][2] = {{DX_CTRL_SCSI, DX_BUS_SCSI},
                                   {DX_CTRL_FDC, DX_BUS_FDC},
                                   {DX_CTRL_IDE, DX_BUS_IDE},
                                   {DX_CTRL_SATA, DX_BUS_SATA}};
    for (size_t k = 0; k < 4; k++) {
        int max = -1;
        for (size_t i = 0; i < def->ndisks; i++)
            if (def->disks[i].bus == order[k][1] && def->disks[i].addr.type == DX_ADDR_DRIVE &&
                (int)def->disks[i].addr.controller > max)
                max = (int)def->disks[i].addr.controller;
        for (int c = 0; c <= max; c++) {
            int found = 0;
            for (size_t i = 0; i < def->nctrls; i++)
                if (def->ctrls[i].type == order[k][0] && def->ctrls[i].index == c)
                    found = 1;
            if (!found && dx_ctrl_insert(def, order[k][0], c, NULL, NULL, NULL) < 0)
                return -1;
        }
    }
    return 0;
}

static int copy_chr(struct dx_chr *dst, const struct dx_chr *src)
{
    free(dst->type);
    free(dst->path);
    free(dst->append);
    free(dst->extra);
    dst->type = dx_xstrdup(src->type);
    dst->path = dx_xstrdup(src->path);
    dst->append = dx_xstrdup(src->append);
    dst->extra = dx_xstrdup(src->extra);
    return dst->type && (dst->extra || !src->extra) && (dst->append || !src->append) ? 0 : -1;
}

static int post_chardevs(struct dx_def *def)
{
    int hvm = strcmp(def->os_type, "hvm") == 0;
    int next = 0;
    for (size_t i = 0; i < def->nserials; i++) {
        struct dx_chr *s = &def->serials[i];
        if (s->port < 0)
            s->port = next;
        if (s->port + 1 > next)
            next = s->port + 1;
    }
    int need_vserial = def->virtio_channels > 0;
    for (size_t i = 0; i < def->nconsoles; i++) {
        struct dx_chr *c = &def->consoles[i];
        /* libvirt numbers these by position, before the serial console is
         * prepended, so a copy of a definition can renumber them. */
        if (c->target_type && strcmp(c->target_type, "serial") != 0) {
            c->port = (int)i;
            if (strcmp(c->target_type, "virtio") == 0)
                need_vserial = 1;
        }
    }
    int first_serial =
        def->nconsoles > 0 &&
        (!def->consoles[0].target_type || strcmp(def->consoles[0].target_type, "serial") == 0);
    if (!hvm) {
        if (first_serial) {
            struct dx_chr *c = &def->consoles[0];
            free(c->target_type);
            c->target_type = strdup("serial");
            if (c->port < 0)
                c->port = 0;
        }
    } else if (first_serial) {
        struct dx_chr *c = &def->consoles[0];
        if (def->nserials == 0) {
            void *p = dx_grow(def->serials, 0, sizeof(*def->serials));
            if (!p)
                return -1;
            def->serials = p;
            def->nserials = 1;
            if (copy_chr(&def->serials[0], c) < 0)
                return -1;
            def->serials[0].port = c->port < 0 ? 0 : c->port;
        } else if (copy_chr(c, &def->serials[0]) < 0) {
            return -1;
        }
        free(c->target_type);
        c->target_type = strdup("serial");
        c->port = def->serials[0].port;
    } else if (def->nserials > 0) {
        void *p = dx_grow(def->consoles, def->nconsoles, sizeof(*def->consoles));
        if (!p)
            return -1;
        def->consoles = p;
        memmove(&def->consoles[1], &def->consoles[0], def->nconsoles * sizeof(*def->consoles));
        memset(&def->consoles[0], 0, sizeof(*def->consoles));
        def->nconsoles++;
        if (copy_chr(&def->consoles[0], &def->serials[0]) < 0)
            return -1;
        def->consoles[0].target_type = strdup("serial");
        def->consoles[0].port = def->serials[0].port;
    }
    if (need_vserial) {
        int found = 0;
        for (size_t i = 0; i < def->nctrls; i++)
            if (def->ctrls[i].type == DX_CTRL_VIRTIO_SERIAL)
                found = 1;
        if (!found && dx_ctrl_insert(def, DX_CTRL_VIRTIO_SERIAL, 0, NULL, NULL, NULL) < 0)
            return -1;
    }
    return 0;
}

static int post_nets(struct dx_def *def)
{
    for (size_t i = 0; i < def->nnets; i++) {
        if (def->nets[i].ifname)
            continue;
        for (int ctr = 0; ctr < 1024; ctr++) {
            char name[32];
            int used = 0;
            snprintf(name, sizeof(name), "testnet%d", ctr);
            for (size_t j = 0; j < def->nnets; j++)
                if (def->nets[j].ifname && strcmp(def->nets[j].ifname, name) == 0)
                    used = 1;
            if (!used) {
                def->nets[i].ifname = strdup(name);
                def->nets[i].ifname_generated = 1;
                break;
            }
        }
        if (!def->nets[i].ifname) {
            error_report(ERR_INTERNAL_ERROR, FROM_TEST, "Exceeded max iface limit %d", 1024);
            return -1;
        }
    }
    return 0;
}

static int post_video(struct dx_def *def)
{
    if (def->nvideos == 0 && def->ngraphics > 0) {
        int hvm = strcmp(def->os_type, "hvm") == 0;
        if (dx_add_video(def, hvm ? "cirrus" : "xen", NULL, NULL, NULL, NULL) < 0)
            return -1;
    }
    int any_primary = 0;
    for (size_t i = 0; i < def->nvideos; i++)
        any_primary |= def->videos[i].primary;
    if (!any_primary && def->nvideos > 0)
        def->videos[0].primary = 1;
    return 0;
}

/* ---- top level ---- */

static int parse_os(struct dx_def *def, xmlNodePtr os)
{
    xmlNodePtr type = child(os, "type");
    def->os_type = text(type);
    if (!def->os_type || !*def->os_type) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN, "an os <type> must be specified");
        return -1;
    }
    if (!in_list(os_types, def->os_type)) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_DOMAIN, "unknown OS type '%s'", def->os_type);
        return -1;
    }
    def->arch = prop(type, "arch");
    /* The QEMU driver's default is the host's (dxq_post_parse_early). */
    if (!def->arch && def->driver != DX_DRIVER_QEMU)
        def->arch = strdup("i686");
    def->machine = prop(type, "machine");
    def->kernel = child_text(os, "kernel");
    def->initrd = child_text(os, "initrd");
    def->cmdline = child_text(os, "cmdline");
    for (xmlNodePtr n = os->children; n; n = n->next) {
        if (!is_elem(n, "boot"))
            continue;
        n->_private = READ;
        char *dev = prop(n, "dev");
        if (!dev)
            continue;
        void *p = dx_grow(def->boot, def->nboot, sizeof(*def->boot));
        if (!p) {
            free(dev);
            return -1;
        }
        def->boot = p;
        def->boot[def->nboot++] = dev;
    }
    return 0;
}

static const char *const cpu_modes[] = {"custom", "host-model", "host-passthrough", "maximum",
                                         NULL};
static const char *const cpu_matches[] = {"minimum", "exact", "strict", NULL};
static const char *const cpu_checks[] = {"none", "partial", "full", NULL};
static const char *const cpu_fallbacks[] = {"allow", "forbid", NULL};
static const char *const cpu_policies[] = {"force", "require", "optional", "disable", "forbid",
                                           NULL};

/* Value of attribute `attr` of n, which must be one of `allowed`; NULL
 * (*err unchanged) when absent. */
static char *enum_prop(xmlNodePtr n, const char *attr, const char *const *allowed, int *err)
{
    char *v = prop(n, attr);
    if (v && !in_list(allowed, v)) {
        error_report(ERR_XML_ERROR, FROM_XML,
                     "Invalid value for attribute '%s' in element '%s': '%s'.", attr,
                     (const char *)n->name, v);
        free(v);
        *err = 1;
        return NULL;
    }
    return v;
}

/* Is n <seclabel type='dynamic' model='dac' relabel='yes'/>, what a
 * running domain's XML shows (with the run's labels, which a definition
 * does not keep)? */
static int is_dac_seclabel(xmlNodePtr n)
{
    static const char *const want[][2] = {{"type", "dynamic"}, {"model", "dac"}, {"relabel", "yes"}};
    int n_attrs = 0, ok = 1;

    for (xmlAttrPtr a = n->properties; a; a = a->next)
        n_attrs++;
    for (size_t i = 0; ok && i < 3; i++) {
        xmlChar *v = xmlGetProp(n, (const xmlChar *)want[i][0]);
        ok = v && strcmp((const char *)v, want[i][1]) == 0;
        xmlFree(v);
    }
    for (xmlNodePtr c = n->children; ok && c; c = c->next)
        ok = c->type != XML_ELEMENT_NODE || is_elem(c, "label") || is_elem(c, "imagelabel");
    return ok && n_attrs == 3;
}

/* <cpu>, the QEMU driver's way (its defaults are domain_qemu.c's). */
static int parse_cpu(struct dx_def *def, xmlNodePtr n)
{
    struct dx_cpu *c = &def->cpu;
    int err = 0;

    c->mode = enum_prop(n, "mode", cpu_modes, &err);
    c->match = err ? NULL : enum_prop(n, "match", cpu_matches, &err);
    c->check = err ? NULL : enum_prop(n, "check", cpu_checks, &err);
    xmlNodePtr m = child(n, "model");
    if (!err && m) {
        c->model = text(m);
        c->fallback = enum_prop(m, "fallback", cpu_fallbacks, &err);
    }
    for (xmlNodePtr f = n->children; !err && f; f = f->next) {
        if (!is_elem(f, "feature"))
            continue;
        f->_private = READ;
        void *p = dx_grow(c->features, c->nfeatures, sizeof(*c->features));
        if (!p)
            return -1;
        c->features = p;
        struct dx_cpu_feature *cf = &c->features[c->nfeatures++];
        cf->policy = enum_prop(f, "policy", cpu_policies, &err);
        cf->name = prop(f, "name");
        if (!err && !cf->name) {
            error_report(ERR_XML_ERROR, FROM_DOMAIN, "Invalid CPU feature name");
            err = 1;
        }
        if (!err && !cf->policy && !(cf->policy = strdup("require")))
            return -1;
    }
    if (err)
        return -1;
    if (!c->mode && !(c->mode = strdup("custom")))
        return -1;
    if (strcmp(c->mode, "custom") == 0 && c->model && !c->match && !(c->match = strdup("exact")))
        return -1;
    if (c->model && !c->fallback && !(c->fallback = strdup("allow")))
        return -1;
    return take_extras(n, &c->extra);
}

static int parse_lifecycle(xmlNodePtr root, const char *name, const char *const *allowed,
                           char **out)
{
    *out = child_text(root, name);
    if (!*out) {
        *out = strdup(strcmp(name, "on_reboot") == 0 ? "restart" : "destroy");
        return 0;
    }
    if (!in_list(allowed, *out)) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_DOMAIN, "unknown %s action: %s", name, *out);
        return -1;
    }
    return 0;
}

static int parse_vcpu(struct dx_def *def, xmlNodePtr root)
{
    xmlNodePtr n = child(root, "vcpu");
    unsigned long long v;
    def->vcpus_max = def->vcpus = 1;
    if (!n)
        return 0;
    char *t = text(n), *cur = prop(n, "current");
    int ret = -1;
    if (parse_uint(t, &v) < 0 || v > UINT_MAX) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN, "maximum vcpus count must be an integer");
        goto out;
    }
    if (v > DX_VCPUS_MAX) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_DOMAIN,
                     "maximum vcpus count %llu is more than the limit of %d", v, DX_VCPUS_MAX);
        goto out;
    }
    def->vcpus_max = def->vcpus = (unsigned int)v;
    if (cur) {
        if (parse_uint(cur, &v) < 0 || v > UINT_MAX) {
            error_report(ERR_XML_ERROR, FROM_DOMAIN, "current vcpus count must be an integer");
            goto out;
        }
        if (v > def->vcpus_max) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_DOMAIN,
                         "maximum vCPU count must not be less than current vCPU count");
            goto out;
        }
        def->vcpus = (unsigned int)v;
    }
    if (def->vcpus_max == 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_DOMAIN,
                     "CPU IDs in <numa> exceed the <vcpu> count");
        goto out;
    }
    def->cpuset = prop(n, "cpuset");
    /* What the formatter writes anyway is not left over for the QEMU
     * driver's validation to refuse. */
    if (def->driver == DX_DRIVER_QEMU) {
        char *placement = prop(n, "placement");
        if (placement && strcmp(placement, "static") != 0)
            xmlHasProp(n, (const xmlChar *)"placement")->_private = NULL;
        free(placement);
    }
    ret = 0;
out:
    free(t);
    free(cur);
    return ret;
}

static struct dx_def *parse_root(xmlNodePtr root, const struct dx_env *env)
{
    struct dx_def *def = calloc(1, sizeof(*def));
    if (!def) {
        error_report(ERR_NO_MEMORY, FROM_DOMAIN, NULL);
        return NULL;
    }
    def->driver = env ? env->driver : DX_DRIVER_TEST;
    int qemu = def->driver == DX_DRIVER_QEMU;
    def->virt_type = prop(root, "type");
    if (!def->virt_type) {
        error_report(ERR_INTERNAL_ERROR, FROM_DOMAIN, "missing domain type attribute");
        goto fail;
    }
    if (!in_list(virt_types, def->virt_type)) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_DOMAIN, "invalid domain type %s",
                     def->virt_type);
        goto fail;
    }
    def->name = child_text(root, "name");
    if (!def->name || !*def->name) {
        error_report(ERR_NO_NAME, FROM_DOMAIN, NULL);
        goto fail;
    }
    if (dx_name_check(def->name) < 0)
        goto fail;
    char *uuid = child_text(root, "uuid");
    if (uuid) {
        int r = uuid_parse(uuid, def->uuid);
        free(uuid);
        if (r < 0) {
            error_report(ERR_INTERNAL_ERROR, FROM_DOMAIN, "malformed uuid element");
            goto fail;
        }
    } else {
        random_bytes(def->uuid, DRV_UUID_LEN);
        def->uuid[6] = (unsigned char)((def->uuid[6] & 0x0f) | 0x40);
        def->uuid[8] = (unsigned char)((def->uuid[8] & 0x3f) | 0x80);
    }
    def->title = child_text(root, "title");
    def->description = child_text(root, "description");
    if (parse_memory(root, "memory", &def->max_kib) < 0 ||
        parse_memory(root, "currentMemory", &def->cur_kib) < 0 || parse_vcpu(def, root) < 0)
        goto fail;
    xmlNodePtr os = child(root, "os");
    if (!os) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN, "an os <type> must be specified");
        goto fail;
    }
    if (parse_os(def, os) < 0 || take_extras(os, &def->extra_os) < 0 ||
        take_extras(child(root, "memory"), &def->extra_memory) < 0 ||
        take_extras(child(root, "currentMemory"), &def->extra_cur_memory) < 0 ||
        take_extras(child(root, "vcpu"), &def->extra_vcpu) < 0)
        goto fail;
    xmlNodePtr feats = child(root, "features");
    for (xmlNodePtr n = feats ? feats->children : NULL; n; n = n->next) {
        int f = n->type == XML_ELEMENT_NODE
                    ? name_index(feature_names, NFEATURES, (const char *)n->name)
                    : -1;
        int known = n->type == XML_ELEMENT_NODE ? order_of(feature_order, (const char *)n->name)
                                                : -1;
        /* A bare feature the model interprets; one with attributes or
         * children, or another that libvirt knows, is kept as written. */
        if (f >= 0 && !n->properties && !n->children)
            def->features |= 1u << f;
        else if (known >= 0 && keep(&def->kept_features, known, n, 2) < 0)
            goto fail;
    }
    for (xmlNodePtr n = root->children; n; n = n->next) {
        static const char *const modeled[] = {
            "name", "uuid", "title", "description", "memory", "currentMemory", "vcpu", "os",
            "features", "clock", "on_poweroff", "on_reboot", "on_crash", "devices", NULL};
        int at = n->type == XML_ELEMENT_NODE ? order_of(domain_order, (const char *)n->name)
                                             : -1;
        if (qemu && is_elem(n, "seclabel") && is_dac_seclabel(n)) {
            n->_private = READ;
            def->seclabel_dac = 1;
            continue;
        }
        if (qemu && is_elem(n, "cpu")) {
            n->_private = READ;
            if (def->cpu.mode) {
                error_report(ERR_XML_ERROR, FROM_DOMAIN, "more than one <cpu> element");
                goto fail;
            }
            if (parse_cpu(def, n) < 0)
                goto fail;
            continue;
        }
        if (at >= 0 && !in_list(modeled, (const char *)n->name) &&
            keep(&def->kept, at, n, 1) < 0)
            goto fail;
    }
    xmlNodePtr clock = child(root, "clock");
    if (clock) {
        def->clock_offset = prop(clock, "offset");
        def->clock_adjustment = prop(clock, "adjustment");
        def->clock_basis = prop(clock, "basis");
        def->clock_timezone = prop(clock, "timezone");
        if (take_extras(clock, &def->extra_clock) < 0)
            goto fail;
    }
    if (!def->clock_offset)
        def->clock_offset = strdup("utc");
    if (parse_lifecycle(root, "on_poweroff", lifecycle_actions, &def->on_poweroff) < 0 ||
        parse_lifecycle(root, "on_reboot", lifecycle_actions, &def->on_reboot) < 0 ||
        parse_lifecycle(root, "on_crash", crash_actions, &def->on_crash) < 0)
        goto fail;
    if (parse_devices(def, child(root, "devices")) < 0)
        goto fail;

    if (def->max_kib == 0) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN,
                     "Memory size must be specified via <memory> or in the <numa> "
                     "configuration");
        goto fail;
    }
    if (def->cur_kib == 0 || def->cur_kib > def->max_kib)
        def->cur_kib = def->max_kib;
    if (strchr(def->name, '/')) {
        error_report(ERR_XML_ERROR, FROM_DOMAIN, "name %s cannot contain '/'", def->name);
        goto fail;
    }
    if (qemu && dxq_post_parse_early(def, env) < 0)
        goto fail;
    if (post_disks(def) < 0 || post_chardevs(def) < 0 || (!qemu && post_nets(def) < 0) ||
        post_video(def) < 0)
        goto fail;
    if (qemu && dxq_post_parse(def) < 0)
        goto fail;
    return def;
fail:
    if (!error_last())
        error_report(ERR_NO_MEMORY, FROM_DOMAIN, NULL);
    dx_def_free(def);
    return NULL;
}

struct dx_def *dx_def_parse_node_env(xmlDocPtr doc, xmlNodePtr root, const struct dx_env *env)
{
    (void)doc;
    if (!root || strcmp((const char *)root->name, "domain") != 0) {
        error_report(ERR_XML_ERROR, FROM_XML, "expecting root element of 'domain', not '%s'",
                     root ? (const char *)root->name : "");
        return NULL;
    }
    return parse_root(root, env);
}

struct dx_def *dx_def_parse_node(xmlDocPtr doc, xmlNodePtr root)
{
    return dx_def_parse_node_env(doc, root, NULL);
}

struct dx_def *dx_def_parse_string_env(const char *xml, const struct dx_env *env)
{
    xmlDocPtr doc = xml_parse(xml, strlen(xml), "(domain_definition)", FROM_DOMAIN);
    if (!doc)
        return NULL;
    struct dx_def *def = dx_def_parse_node_env(doc, xmlDocGetRootElement(doc), env);
    xmlFreeDoc(doc);
    return def;
}

struct dx_def *dx_def_parse_string(const char *xml)
{
    return dx_def_parse_string_env(xml, NULL);
}

/* ---- formatting ---- */

struct buf {
    char *s;
    size_t len, cap;
    int failed;
};

__attribute__((format(printf, 2, 3))) static void bprintf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    if (b->failed)
        return;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 1024) + (size_t)n;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
}

/* Escapes the five XML specials the way libvirt does, in text and attributes. */
static void besc(struct buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            bprintf(b, "&lt;");
            break;
        case '>':
            bprintf(b, "&gt;");
            break;
        case '&':
            bprintf(b, "&amp;");
            break;
        case '\'':
            bprintf(b, "&apos;");
            break;
        case '"':
            bprintf(b, "&quot;");
            break;
        default:
            bprintf(b, "%c", *s);
        }
    }
}

/* Prints ` name='value'` when value is set. */
static void battr(struct buf *b, const char *name, const char *value)
{
    if (!value)
        return;
    bprintf(b, " %s='", name);
    besc(b, value);
    bprintf(b, "'");
}

/* Writes element n the way libvirt's formatter writes XML: attributes in
 * single quotes, two spaces of indentation per level, an empty element as
 * <name/>. The first line is not indented (the caller's line is). */
static void ser_element(struct buf *b, xmlNodePtr n, int level)
{
    const char *prefix = n->ns && n->ns->prefix ? (const char *)n->ns->prefix : NULL;
    int elements = 0;

    bprintf(b, "<%s%s%s", prefix ? prefix : "", prefix ? ":" : "", (const char *)n->name);
    for (xmlNsPtr ns = n->nsDef; ns; ns = ns->next) {
        bprintf(b, " xmlns%s%s='", ns->prefix ? ":" : "", ns->prefix ? (const char *)ns->prefix : "");
        besc(b, (const char *)ns->href);
        bprintf(b, "'");
    }
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
        bprintf(b, " %s%s%s='", a->ns && a->ns->prefix ? (const char *)a->ns->prefix : "",
                a->ns && a->ns->prefix ? ":" : "", (const char *)a->name);
        besc(b, (const char *)v);
        bprintf(b, "'");
        xmlFree(v);
    }
    for (xmlNodePtr c = n->children; c; c = c->next)
        elements += c->type == XML_ELEMENT_NODE;
    if (!n->children) {
        bprintf(b, "/>");
        return;
    }
    bprintf(b, ">");
    for (xmlNodePtr c = n->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            bprintf(b, "\n%*s", 2 * (level + 1), "");
            ser_element(b, c, level + 1);
        } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            if (elements)
                bprintf(b, "\n%*s", 2 * (level + 1), "");
            besc(b, (const char *)c->content);
        }
    }
    if (elements)
        bprintf(b, "\n%*s", 2 * level, "");
    bprintf(b, "</%s%s%s>", prefix ? prefix : "", prefix ? ":" : "", (const char *)n->name);
}

/* A kept element as text; <metadata> as libxml2 writes it, since libvirt
 * hands its content to libxml2 too. NULL when out of memory. */
static char *serialize_kept(xmlNodePtr n, int level)
{
    struct buf b = {0};

    if (strcmp((const char *)n->name, "metadata") == 0) {
        xmlBufferPtr xb = xmlBufferCreate();
        char *s = NULL;
        if (xb && xmlNodeDump(xb, n->doc, n, level, 1) >= 0)
            s = strdup((const char *)xmlBufferContent(xb));
        if (xb)
            xmlBufferFree(xb);
        return s;
    }
    ser_element(&b, n, level);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

/* ---- extras, written back ----
 *
 * apply_extra merges an element's extra (see "extras") into the element
 * as the formatter wrote it: an attribute it did not read goes after the
 * one it followed as written (first when none did), unless the formatter
 * wrote that attribute itself; a child it did not read goes after the
 * written counterpart of the child it followed (first when none did),
 * unless an equal child is there already; a child it read is paired with
 * the formatter's child of the same name (the k-th read one with the k-th
 * written one) and merged the same way, or, when the formatter wrote none
 * (a variant the model does not know, such as an address of another type),
 * put back whole. */

static int lr_is(xmlAttrPtr a)
{
    return a->ns && a->ns->href && strcmp((const char *)a->ns->href, LR_NS) == 0;
}

static const char *lr_get(xmlNodePtr x, const char *name)
{
    xmlAttrPtr a = xmlHasNsProp(x, (const xmlChar *)name, (const xmlChar *)LR_NS);
    return a && a->children ? (const char *)a->children->content : NULL;
}

static int attr_was_read(xmlNodePtr x, const char *name)
{
    const char *read = lr_get(x, "attrs");
    size_t n = strlen(name);

    for (const char *p = read; p && (p = strstr(p, name)); p += n)
        if (p[-1] == ' ' && p[n] == ' ')
            return 1;
    return 0;
}

/* A copy of x for putting back whole: without the lr: flags. */
static void strip_flags(xmlNodePtr x)
{
    xmlAttrPtr next;

    for (xmlAttrPtr a = x->properties; a; a = next) {
        next = a->next;
        if (lr_is(a))
            xmlRemoveProp(a);
    }
    for (xmlNodePtr c = x->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            strip_flags(c);
    xmlNsPtr *defs = &x->nsDef;
    for (xmlNsPtr ns = *defs; ns; ns = *defs) {
        if (ns->href && strcmp((const char *)ns->href, LR_NS) == 0) {
            *defs = ns->next;
            ns->next = NULL;
            xmlFreeNs(ns);
        } else {
            defs = &ns->next;
        }
    }
}

static int same_element(xmlNodePtr a, xmlNodePtr b)
{
    struct buf sa = {0}, sb = {0};
    int same;

    ser_element(&sa, a, 0);
    ser_element(&sb, b, 0);
    same = !sa.failed && !sb.failed && strcmp(sa.s, sb.s) == 0;
    free(sa.s);
    free(sb.s);
    return same;
}

/* Moves attribute a (the last of f's) to right after `after`, or first. */
static void move_attr(xmlNodePtr f, xmlAttrPtr a, xmlAttrPtr after)
{
    if (a->prev)
        a->prev->next = a->next;
    else
        f->properties = a->next;
    if (a->next)
        a->next->prev = a->prev;
    a->prev = after;
    a->next = after ? after->next : f->properties;
    if (a->next)
        a->next->prev = a;
    if (after)
        after->next = a;
    else
        f->properties = a;
}

static xmlNodePtr nth_child(xmlNodePtr f, const xmlChar *name, int k)
{
    for (xmlNodePtr c = f->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, name) && k-- == 0)
            return c;
    return NULL;
}

static xmlNodePtr first_element(xmlNodePtr f)
{
    for (xmlNodePtr c = f->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

static void put_after(xmlNodePtr f, xmlNodePtr last, xmlNodePtr c)
{
    xmlNodePtr first = first_element(f);

    if (last)
        xmlAddNextSibling(last, c);
    else if (first)
        xmlAddPrevSibling(first, c);
    else
        xmlAddChild(f, c);
}

static void merge_extra(xmlNodePtr f, xmlNodePtr x)
{
    xmlAttrPtr after = NULL;
    xmlNodePtr last = NULL;

    for (xmlAttrPtr a = x->properties; a; a = a->next) {
        if (lr_is(a))
            continue;
        xmlAttrPtr have = xmlHasProp(f, a->name);
        if (have) {
            after = have;
        } else if (!attr_was_read(x, (const char *)a->name)) {
            xmlChar *v = xmlNodeListGetString(x->doc, a->children, 1);
            xmlAttrPtr added = xmlNewProp(f, a->name, v ? v : (const xmlChar *)"");
            xmlFree(v);
            if (added) {
                move_attr(f, added, after);
                after = added;
            }
        }
    }
    for (xmlNodePtr c = x->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (lr_get(c, "read")) {
            int k = 0;
            for (xmlNodePtr p = x->children; p != c; p = p->next)
                k += p->type == XML_ELEMENT_NODE && xmlStrEqual(p->name, c->name) &&
                     lr_get(p, "read");
            xmlNodePtr fc = nth_child(f, c->name, k);
            if (fc) {
                merge_extra(fc, c);
                last = fc;
                continue;
            }
        }
        xmlNodePtr copy = xmlDocCopyNode(c, f->doc, 1);
        if (!copy)
            continue;
        strip_flags(copy);
        int dup = 0;
        for (xmlNodePtr fc = f->children; fc && !dup; fc = fc->next)
            dup = fc->type == XML_ELEMENT_NODE && same_element(fc, copy);
        if (dup) {
            xmlFreeNode(copy);
            continue;
        }
        put_after(f, last, copy);
        last = copy;
    }
}

/* The formatter wrote one element at `level` from b->s + at on (its
 * indentation, the element, a newline); puts `extra` back into it. */
static void apply_extra(struct buf *b, size_t at, const char *extra, int level)
{
    const int opts = XML_PARSE_NONET | XML_PARSE_NOBLANKS;
    xmlDocPtr fd, xd;

    if (!extra || b->failed)
        return;
    fd = xmlReadMemory(b->s + at, (int)(b->len - at), NULL, NULL, opts);
    xd = xmlReadMemory(extra, (int)strlen(extra), NULL, NULL, opts);
    if (fd && xd) {
        xmlNodePtr f = xmlDocGetRootElement(fd);
        merge_extra(f, xmlDocGetRootElement(xd));
        b->len = at;
        bprintf(b, "%*s", 2 * level, "");
        ser_element(b, f, level);
        bprintf(b, "\n");
    }
    xmlFreeDoc(fd);
    xmlFreeDoc(xd);
}

static int describe_unread(struct buf *b, xmlNodePtr x)
{
    for (xmlAttrPtr a = x->properties; a; a = a->next)
        if (!lr_is(a) && !attr_was_read(x, (const char *)a->name)) {
            bprintf(b, "attribute '%s'", (const char *)a->name);
            return 1;
        }
    for (xmlNodePtr c = x->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        size_t at = b->len;
        bprintf(b, "<%s>", (const char *)c->name);
        if (!lr_get(c, "read"))
            return 1;
        bprintf(b, " ");
        if (describe_unread(b, c))
            return 1;
        b->len = at;
        if (b->s)
            b->s[at] = '\0';
    }
    return 0;
}

char *dx_extra_describe(const char *extra)
{
    struct buf b = {0};
    xmlDocPtr xd;

    if (!extra)
        return NULL;
    xd = xmlReadMemory(extra, (int)strlen(extra), NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (xd && !describe_unread(&b, xmlDocGetRootElement(xd)))
        bprintf(&b, "something");
    xmlFreeDoc(xd);
    if (!xd || b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

static void belem(struct buf *b, const char *indent, const char *name, const char *value)
{
    if (!value)
        return;
    bprintf(b, "%s<%s>", indent, name);
    besc(b, value);
    bprintf(b, "</%s>\n", name);
}

/* What the formatter writes: a definition, or (live set) a running QEMU
 * domain with the facts of its run. */
struct fmt {
    const struct dx_def *def;
    const struct dx_live *live;
    int qemu;
};

static void format_addr(struct buf *b, const struct dx_addr *a)
{
    if (a->type == DX_ADDR_PCI)
        bprintf(b,
                "      <address type='pci' domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                "function='0x%x'/>\n",
                a->domain, a->bus, a->slot, a->function);
    else if (a->type == DX_ADDR_DRIVE)
        bprintf(b,
                "      <address type='drive' controller='%u' bus='%u' target='%u' "
                "unit='%u'/>\n",
                a->controller, a->dbus, a->target, a->unit);
    else if (a->type == DX_ADDR_USB) {
        bprintf(b, "      <address type='usb' bus='%u'", a->usb_bus);
        if (a->usb_port[0])
            battr(b, "port", a->usb_port);
        bprintf(b, "/>\n");
    }
}

/* A device's <alias> (a running domain's) and <address>. */
static void format_info(struct buf *b, const struct fmt *f, int kind, size_t i,
                        const struct dx_addr *a)
{
    if (f->live) {
        char alias[64];
        bprintf(b, "      <alias");
        battr(b, "name", dx_alias(f->def, kind, i, alias, sizeof(alias)));
        bprintf(b, "/>\n");
    }
    format_addr(b, a);
}

static void format_disk(struct buf *b, const struct fmt *f, size_t i)
{
    const struct dx_disk *d = &f->def->disks[i];
    size_t at = b->len;
    /* A running domain's empty drive has no format. */
    const char *drv_type = f->live && !d->src && !d->src_volume ? NULL : d->drv_type;

    bprintf(b, "    <disk");
    battr(b, "type", d->type);
    battr(b, "device", d->device);
    bprintf(b, ">\n");
    if (d->drv_name || drv_type || d->drv_cache || d->drv_io || d->drv_discard) {
        bprintf(b, "      <driver");
        battr(b, "name", d->drv_name);
        battr(b, "type", drv_type);
        battr(b, "cache", d->drv_cache);
        battr(b, "io", d->drv_io);
        battr(b, "discard", d->drv_discard);
        bprintf(b, "/>\n");
    }
    if (d->src) {
        const char *attr = strcmp(d->type, "block") == 0 ? "dev"
                           : strcmp(d->type, "dir") == 0 ? "dir"
                                                         : "file";
        bprintf(b, "      <source");
        battr(b, attr, d->src);
        /* libvirt numbers the sources of a run from the last disk on. */
        if (f->live)
            bprintf(b, " index='%zu'", f->def->ndisks - i);
        bprintf(b, "/>\n");
        if (f->live || d->backing_none)
            bprintf(b, "      <backingStore/>\n");
    } else if (d->src_pool && d->src_volume) {
        bprintf(b, "      <source");
        battr(b, "pool", d->src_pool);
        battr(b, "volume", d->src_volume);
        if (f->live)
            bprintf(b, " index='%zu'", f->def->ndisks - i);
        bprintf(b, "/>\n");
        if (f->live || d->backing_none)
            bprintf(b, "      <backingStore/>\n");
    }
    bprintf(b, "      <target");
    battr(b, "dev", d->dst);
    battr(b, "bus", dx_bus_names[d->bus]);
    bprintf(b, "/>\n");
    if (d->readonly)
        bprintf(b, "      <readonly/>\n");
    if (d->shareable)
        bprintf(b, "      <shareable/>\n");
    belem(b, "      ", "serial", d->serial);
    if (d->boot_order)
        bprintf(b, "      <boot order='%u'/>\n", d->boot_order);
    format_info(b, f, DX_DEV_DISK, i, &d->addr);
    bprintf(b, "    </disk>\n");
    apply_extra(b, at, d->extra, 2);
}

static void format_net(struct buf *b, const struct fmt *f, size_t i)
{
    const struct dx_net *n = &f->def->nets[i];
    const char *ifname = n->ifname;
    size_t at = b->len;

    if (!ifname && f->live && f->live->net_ifnames)
        ifname = f->live->net_ifnames[i];
    bprintf(b, "    <interface");
    battr(b, "type", n->type);
    bprintf(b, ">\n");
    bprintf(b, "      <mac address='%02x:%02x:%02x:%02x:%02x:%02x'/>\n", n->mac[0], n->mac[1],
            n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
    if (n->src) {
        const char *attr = strcmp(n->type, "network") == 0  ? "network"
                           : strcmp(n->type, "bridge") == 0 ? "bridge"
                                                            : "dev";
        bprintf(b, "      <source");
        battr(b, attr, n->src);
        battr(b, "mode", n->src_mode);
        bprintf(b, "/>\n");
    }
    if (ifname) {
        bprintf(b, "      <target");
        battr(b, "dev", ifname);
        bprintf(b, "/>\n");
    }
    if (n->model) {
        bprintf(b, "      <model");
        battr(b, "type", n->model);
        bprintf(b, "/>\n");
    }
    if (n->boot_order)
        bprintf(b, "      <boot order='%u'/>\n", n->boot_order);
    format_info(b, f, DX_DEV_NET, i, &n->addr);
    bprintf(b, "    </interface>\n");
    apply_extra(b, at, n->extra, 2);
}

/* The pty a running domain's serial `port` got, or NULL. */
static const char *serial_pty(const struct fmt *f, int port)
{
    if (!f->live || !f->live->serial_ptys)
        return NULL;
    for (size_t i = 0; i < f->def->nserials; i++)
        if (f->def->serials[i].port == port)
            return f->live->serial_ptys[i];
    return NULL;
}

static void format_chr(struct buf *b, const struct fmt *f, int console, size_t i)
{
    const struct dx_chr *c = console ? &f->def->consoles[i] : &f->def->serials[i];
    const char *elem = console ? "console" : "serial";
    int pty = strcmp(c->type, "pty") == 0;
    const char *path = c->path;
    size_t at = b->len;

    /* The QEMU driver writes a pty's path only for a running domain,
     * where it is the run's. */
    if (f->qemu && pty)
        path = console && (!c->target_type || strcmp(c->target_type, "serial") == 0)
                   ? serial_pty(f, c->port)
               : console ? NULL
                         : f->live && f->live->serial_ptys ? f->live->serial_ptys[i]
                                                           : NULL;
    bprintf(b, "    <%s", elem);
    battr(b, "type", c->type);
    if (console && pty && f->live)
        battr(b, "tty", path);
    bprintf(b, ">\n");
    if (path) {
        bprintf(b, "      <source");
        battr(b, "path", path);
        if (f->qemu)
            battr(b, "append", c->append);
        bprintf(b, "/>\n");
    }
    bprintf(b, "      <target");
    if (console || f->qemu)
        battr(b, "type", c->target_type);
    bprintf(b, " port='%d'", c->port < 0 ? 0 : c->port);
    if (f->qemu && !console && c->target_model) {
        bprintf(b, ">\n        <model");
        battr(b, "name", c->target_model);
        bprintf(b, "/>\n      </target>\n");
    } else {
        bprintf(b, "/>\n");
    }
    if (f->live)
        format_info(b, f, console ? DX_DEV_CONSOLE : DX_DEV_SERIAL, i,
                    &(struct dx_addr){.type = DX_ADDR_NONE});
    bprintf(b, "    </%s>\n", elem);
    apply_extra(b, at, c->extra, 2);
}

static void format_input(struct buf *b, const struct fmt *f, size_t i)
{
    const struct dx_input *in = &f->def->inputs[i];
    size_t at = b->len;

    bprintf(b, "    <input");
    battr(b, "type", in->type);
    battr(b, "bus", in->bus);
    if (f->live || in->addr.type != DX_ADDR_NONE) {
        bprintf(b, ">\n");
        format_info(b, f, DX_DEV_INPUT, i, &in->addr);
        bprintf(b, "    </input>\n");
    } else {
        bprintf(b, "/>\n");
    }
    apply_extra(b, at, in->extra, 2);
}

static void format_graphics(struct buf *b, const struct fmt *f, const struct dx_graphics *g)
{
    size_t at = b->len;
    const char *listen = g->listen;
    int port = g->port;

    bprintf(b, "    <graphics");
    battr(b, "type", g->type);
    int vnc = strcmp(g->type, "vnc") == 0, spice = strcmp(g->type, "spice") == 0;
    if (f->live && vnc) {
        if (!listen)
            listen = f->live->vnc_listen ? f->live->vnc_listen : "127.0.0.1";
        if (g->autoport)
            port = f->live->vnc_port;
    }
    if (vnc || spice) {
        if (g->has_port)
            bprintf(b, " port='%d'", port);
        if (vnc || g->autoport)
            bprintf(b, " autoport='%s'", g->autoport ? "yes" : "no");
        battr(b, "listen", listen);
        bprintf(b, ">\n      <listen type='address'");
        battr(b, "address", listen);
        bprintf(b, "/>\n    </graphics>\n");
    } else {
        bprintf(b, "/>\n");
    }
    apply_extra(b, at, g->extra, 2);
}

static void format_video(struct buf *b, const struct fmt *f, size_t i)
{
    const struct dx_video *v = &f->def->videos[i];
    size_t at = b->len;

    bprintf(b, "    <video>\n      <model");
    battr(b, "type", v->model);
    if (v->ram)
        bprintf(b, " ram='%u'", v->ram);
    if (v->vram)
        bprintf(b, " vram='%u'", v->vram);
    bprintf(b, " heads='%u'%s/>\n", v->heads, v->primary ? " primary='yes'" : "");
    format_info(b, f, DX_DEV_VIDEO, i, &v->addr);
    bprintf(b, "    </video>\n");
    apply_extra(b, at, v->extra, 2);
}

static int has_feature(const struct dx_cpu *c, const char *name)
{
    for (size_t i = 0; i < c->nfeatures; i++)
        if (strcmp(c->features[i].name, name) == 0)
            return 1;
    return 0;
}

/* <cpu>, the QEMU driver's way: a running domain's custom model is checked
 * in full against what QEMU made of it (libvirt's check='full'), with the
 * features QEMU reports added. */
static void format_cpu(struct buf *b, const struct fmt *f)
{
    static const char *const tcg_qemu64[] = {"hypervisor", "lahf_lm", NULL};
    const struct dx_cpu *c = &f->def->cpu;
    int custom = strcmp(c->mode, "custom") == 0;
    int full = f->live && custom;
    const char *const *extra_features = NULL;
    size_t at = b->len;

    if (full)
        extra_features = f->live->cpu_features ? f->live->cpu_features : tcg_qemu64;
    bprintf(b, "  <cpu");
    battr(b, "mode", c->mode);
    battr(b, "match", c->match);
    battr(b, "check", full ? "full" : c->check);
    if (!c->model && c->nfeatures == 0 && !(extra_features && extra_features[0])) {
        bprintf(b, "/>\n");
    } else {
        bprintf(b, ">\n");
        if (c->model) {
            bprintf(b, "    <model");
            battr(b, "fallback", full ? "forbid" : c->fallback);
            bprintf(b, ">");
            besc(b, c->model);
            bprintf(b, "</model>\n");
        }
        for (size_t i = 0; i < c->nfeatures; i++) {
            bprintf(b, "    <feature");
            battr(b, "policy", c->features[i].policy);
            battr(b, "name", c->features[i].name);
            bprintf(b, "/>\n");
        }
        for (size_t i = 0; extra_features && extra_features[i]; i++)
            if (!has_feature(c, extra_features[i]))
                bprintf(b, "    <feature policy='require' name='%s'/>\n", extra_features[i]);
        bprintf(b, "  </cpu>\n");
    }
    apply_extra(b, at, c->extra, 1);
}

/* Writes the kept elements whose place in their order is before `upto`,
 * from *cur on, and moves *cur there. */
static void flush_kept(struct buf *b, const struct dx_kept_list *l, int *cur, int upto,
                       const char *indent)
{
    for (; *cur < upto; (*cur)++)
        for (size_t i = 0; i < l->n; i++)
            if (l->items[i].order == *cur)
                bprintf(b, "%s%s\n", indent, l->items[i].xml);
}

/* flush_kept up to the place of element `name` of the order. */
#define KEPT_BEFORE(b, l, cur, order, name, indent)                                            \
    flush_kept(b, l, cur, order_of(order, name), indent)

static int order_len(const char *const *order)
{
    int n = 0;
    while (order[n])
        n++;
    return n;
}

static int has_kept(const struct dx_kept_list *l, const char *const *order, const char *name)
{
    int at = order_of(order, name);
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].order == at)
            return 1;
    return 0;
}

static char *format_def(const struct fmt *f, int id)
{
    const struct dx_def *def = f->def;
    struct buf b = {0};
    char uuid[37];
    int at = 0, dev_at = 0, feat_at = 0;
    /* QEMU is given whole MiB (libvirt aligns a run's memory so). */
    uint64_t max_kib = f->live ? (def->max_kib + 1023) / 1024 * 1024 : def->max_kib;
    uint64_t cur_kib = !f->live ? def->cur_kib : f->live->cur_kib ? f->live->cur_kib : max_kib;

    uuid_format(def->uuid, uuid);
    bprintf(&b, "<domain");
    battr(&b, "type", def->virt_type);
    if (id >= 0)
        bprintf(&b, " id='%d'", id);
    bprintf(&b, ">\n");
    belem(&b, "  ", "name", def->name);
    bprintf(&b, "  <uuid>%s</uuid>\n", uuid);
    KEPT_BEFORE(&b, &def->kept, &at, domain_order, "title", "  ");
    belem(&b, "  ", "title", def->title);
    belem(&b, "  ", "description", def->description);
    KEPT_BEFORE(&b, &def->kept, &at, domain_order, "memory", "  ");
    size_t from = b.len;
    bprintf(&b, "  <memory unit='KiB'>%llu</memory>\n", (unsigned long long)max_kib);
    apply_extra(&b, from, def->extra_memory, 1);
    from = b.len;
    bprintf(&b, "  <currentMemory unit='KiB'>%llu</currentMemory>\n",
            (unsigned long long)cur_kib);
    apply_extra(&b, from, def->extra_cur_memory, 1);
    KEPT_BEFORE(&b, &def->kept, &at, domain_order, "vcpu", "  ");
    from = b.len;
    bprintf(&b, "  <vcpu placement='static'");
    battr(&b, "cpuset", def->cpuset);
    if (def->vcpus != def->vcpus_max)
        bprintf(&b, " current='%u'", def->vcpus);
    bprintf(&b, ">%u</vcpu>\n", def->vcpus_max);
    apply_extra(&b, from, def->extra_vcpu, 1);

    KEPT_BEFORE(&b, &def->kept, &at, domain_order, "resource", "  ");
    if (f->live && !has_kept(&def->kept, domain_order, "resource"))
        bprintf(&b, "  <resource>\n    <partition>/machine</partition>\n  </resource>\n");
    KEPT_BEFORE(&b, &def->kept, &at, domain_order, "os", "  ");
    from = b.len;
    bprintf(&b, "  <os>\n    <type");
    battr(&b, "arch", def->arch);
    battr(&b, "machine", def->machine);
    bprintf(&b, ">");
    besc(&b, def->os_type);
    bprintf(&b, "</type>\n");
    belem(&b, "    ", "kernel", def->kernel);
    belem(&b, "    ", "initrd", def->initrd);
    belem(&b, "    ", "cmdline", def->cmdline);
    int dev_boot = 0;
    for (size_t i = 0; i < def->ndisks; i++)
        dev_boot |= def->disks[i].boot_order != 0;
    for (size_t i = 0; i < def->nnets; i++)
        dev_boot |= def->nets[i].boot_order != 0;
    if (def->nboot > 0) {
        for (size_t i = 0; i < def->nboot; i++) {
            bprintf(&b, "    <boot");
            battr(&b, "dev", def->boot[i]);
            bprintf(&b, "/>\n");
        }
    } else if (!dev_boot && strcmp(def->os_type, "hvm") == 0) {
        bprintf(&b, "    <boot dev='hd'/>\n");
    }
    bprintf(&b, "  </os>\n");
    apply_extra(&b, from, def->extra_os, 1);

    KEPT_BEFORE(&b, &def->kept, &at, domain_order, "features", "  ");
    if (def->features || def->kept_features.n) {
        bprintf(&b, "  <features>\n");
        for (size_t i = 0; i < NFEATURES; i++) {
            KEPT_BEFORE(&b, &def->kept_features, &feat_at, feature_order, feature_names[i],
                        "    ");
            if (def->features & (1u << i))
                bprintf(&b, "    <%s/>\n", feature_names[i]);
        }
        flush_kept(&b, &def->kept_features, &feat_at, order_len(feature_order), "    ");
        bprintf(&b, "  </features>\n");
    }
    KEPT_BEFORE(&b, &def->kept, &at, domain_order, "cpu", "  ");
    if (f->qemu && def->cpu.mode)
        format_cpu(&b, f);
    KEPT_BEFORE(&b, &def->kept, &at, domain_order, "clock", "  ");
    from = b.len;
    bprintf(&b, "  <clock");
    battr(&b, "offset", def->clock_offset);
    battr(&b, "adjustment", def->clock_adjustment);
    battr(&b, "basis", def->clock_basis);
    battr(&b, "timezone", def->clock_timezone);
    bprintf(&b, "/>\n");
    apply_extra(&b, from, def->extra_clock, 1);
    belem(&b, "  ", "on_poweroff", def->on_poweroff);
    belem(&b, "  ", "on_reboot", def->on_reboot);
    belem(&b, "  ", "on_crash", def->on_crash);

    KEPT_BEFORE(&b, &def->kept, &at, domain_order, "devices", "  ");
    bprintf(&b, "  <devices>\n");
    belem(&b, "    ", "emulator", def->emulator);
    for (size_t i = 0; i < def->ndisks; i++)
        format_disk(&b, f, i);
    KEPT_BEFORE(&b, &def->kept_devices, &dev_at, device_order, "controller", "    ");
    for (size_t i = 0; i < def->nctrls; i++) {
        const struct dx_controller *c = &def->ctrls[i];
        from = b.len;
        bprintf(&b, "    <controller type='%s' index='%d'", dx_ctrl_names[c->type], c->index);
        battr(&b, "model", c->model);
        if (f->live || c->addr.type != DX_ADDR_NONE) {
            bprintf(&b, ">\n");
            format_info(&b, f, DX_DEV_CONTROLLER, i, &c->addr);
            bprintf(&b, "    </controller>\n");
        } else {
            bprintf(&b, "/>\n");
        }
        apply_extra(&b, from, c->extra, 2);
    }
    KEPT_BEFORE(&b, &def->kept_devices, &dev_at, device_order, "interface", "    ");
    for (size_t i = 0; i < def->nnets; i++)
        format_net(&b, f, i);
    KEPT_BEFORE(&b, &def->kept_devices, &dev_at, device_order, "serial", "    ");
    for (size_t i = 0; i < def->nserials; i++)
        format_chr(&b, f, 0, i);
    KEPT_BEFORE(&b, &def->kept_devices, &dev_at, device_order, "console", "    ");
    for (size_t i = 0; i < def->nconsoles; i++)
        format_chr(&b, f, 1, i);
    KEPT_BEFORE(&b, &def->kept_devices, &dev_at, device_order, "input", "    ");
    for (size_t i = 0; i < def->ninputs; i++)
        format_input(&b, f, i);
    KEPT_BEFORE(&b, &def->kept_devices, &dev_at, device_order, "graphics", "    ");
    for (size_t i = 0; i < def->ngraphics; i++)
        format_graphics(&b, f, &def->graphics[i]);
    KEPT_BEFORE(&b, &def->kept_devices, &dev_at, device_order, "audio", "    ");
    for (size_t i = 0; i < def->naudios; i++) {
        from = b.len;
        bprintf(&b, "    <audio id='%u'", def->audios[i].id);
        battr(&b, "type", def->audios[i].type);
        bprintf(&b, "/>\n");
        apply_extra(&b, from, def->audios[i].extra, 2);
    }
    KEPT_BEFORE(&b, &def->kept_devices, &dev_at, device_order, "video", "    ");
    for (size_t i = 0; i < def->nvideos; i++)
        format_video(&b, f, i);
    KEPT_BEFORE(&b, &def->kept_devices, &dev_at, device_order, "memballoon", "    ");
    if (def->balloon_model) {
        int alias = f->live && strcmp(def->balloon_model, "none") != 0;
        from = b.len;
        bprintf(&b, "    <memballoon");
        battr(&b, "model", def->balloon_model);
        if (alias || def->balloon_addr.type != DX_ADDR_NONE) {
            bprintf(&b, ">\n");
            if (alias)
                format_info(&b, f, DX_DEV_BALLOON, 0, &def->balloon_addr);
            else
                format_addr(&b, &def->balloon_addr);
            bprintf(&b, "    </memballoon>\n");
        } else {
            bprintf(&b, "/>\n");
        }
        apply_extra(&b, from, def->balloon_extra, 2);
    }
    flush_kept(&b, &def->kept_devices, &dev_at, order_len(device_order), "    ");
    bprintf(&b, "  </devices>\n");
    KEPT_BEFORE(&b, &def->kept, &at, domain_order, "seclabel", "  ");
    if (!f->live && def->seclabel_dac)
        bprintf(&b, "  <seclabel type='dynamic' model='dac' relabel='yes'/>\n");
    if (f->live)
        bprintf(&b,
                "  <seclabel type='dynamic' model='dac' relabel='yes'>\n"
                "    <label>+%u:+%u</label>\n"
                "    <imagelabel>+%u:+%u</imagelabel>\n"
                "  </seclabel>\n",
                f->live->uid, f->live->gid, f->live->uid, f->live->gid);
    flush_kept(&b, &def->kept, &at, order_len(domain_order), "  ");
    bprintf(&b, "</domain>\n");
    if (b.failed) {
        free(b.s);
        error_report(ERR_NO_MEMORY, FROM_DOMAIN, NULL);
        return NULL;
    }
    return b.s;
}

char *dx_def_format(const struct dx_def *def, int id)
{
    struct fmt f = {.def = def, .qemu = def->driver == DX_DRIVER_QEMU};
    return format_def(&f, id);
}

char *dx_def_format_live(const struct dx_def *def, const struct dx_live *live)
{
    struct fmt f = {.def = def, .live = live, .qemu = 1};

    if (def->driver != DX_DRIVER_QEMU) {
        error_report(ERR_INTERNAL_ERROR, FROM_DOMAIN, "not a QEMU domain definition");
        return NULL;
    }
    return format_def(&f, live->id);
}

struct dx_def *dx_def_copy(const struct dx_def *def)
{
    struct dx_env env = {.driver = def->driver};
    char *xml = dx_def_format(def, -1);
    if (!xml)
        return NULL;
    struct dx_def *copy = dx_def_parse_string_env(xml, &env);
    free(xml);
    return copy;
}

/* ---- <metadata> elements by namespace (virDomainGetMetadata/SetMetadata) ---- */

/* The kept <metadata> of def, parsed back (NULL when there is none or on
 * error, *err set then); *index its place in def->kept. */
static xmlDocPtr metadata_doc(const struct dx_def *def, size_t *index, int *err)
{
    int at = order_of(domain_order, "metadata");

    *err = 0;
    for (size_t i = 0; i < def->kept.n; i++) {
        if (def->kept.items[i].order != at)
            continue;
        *index = i;
        const char *x = def->kept.items[i].xml;
        xmlDocPtr doc = xml_parse(x, strlen(x), "(metadata)", FROM_DOMAIN);
        if (!doc)
            *err = 1;
        return doc;
    }
    return NULL;
}

/* The first child element of <metadata> in namespace uri. */
static xmlNodePtr metadata_find(xmlNodePtr meta, const char *uri)
{
    for (xmlNodePtr n = meta->children; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
            strcmp((const char *)n->ns->href, uri) == 0)
            return n;
    return NULL;
}

/* Takes namespace uri off n and its descendants, declaration included. */
static void metadata_strip_ns(xmlNodePtr n, const char *uri)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (n->ns && n->ns->href && strcmp((const char *)n->ns->href, uri) == 0)
            xmlSetNs(n, NULL);
        /* The children first: theirs may be the declaration freed below. */
        metadata_strip_ns(n->children, uri);
        for (xmlNsPtr *pp = &n->nsDef; *pp;) {
            xmlNsPtr ns = *pp;
            if (ns->href && strcmp((const char *)ns->href, uri) == 0) {
                *pp = ns->next;
                ns->next = NULL;
                xmlFreeNs(ns);
            } else {
                pp = &ns->next;
            }
        }
    }
}

char *dx_def_metadata_get(const struct dx_def *def, const char *uri)
{
    size_t index;
    int err;
    xmlDocPtr doc = metadata_doc(def, &index, &err);
    xmlNodePtr n = doc ? metadata_find(xmlDocGetRootElement(doc), uri) : NULL;
    char *ret = NULL;

    if (n) {
        xmlUnlinkNode(n);
        xmlReconciliateNs(doc, n);
        metadata_strip_ns(n, uri);
        drop_blank_text(n);
        xmlBufferPtr xb = xmlBufferCreate();
        if (xb && xmlNodeDump(xb, doc, n, 0, 1) >= 0)
            ret = strdup((const char *)xmlBufferContent(xb));
        if (xb)
            xmlBufferFree(xb);
        xmlFreeNode(n);
        if (!ret)
            error_report(ERR_NO_MEMORY, FROM_DOMAIN, NULL);
    } else if (!err) {
        error_set_message(80, FROM_DOMAIN,
                          "metadata not found: Requested metadata element is not present");
    }
    if (doc)
        xmlFreeDoc(doc);
    return ret;
}

static void ns_apply(xmlNodePtr n, xmlNsPtr ns)
{
    for (; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE) {
            xmlSetNs(n, ns);
            ns_apply(n->children, ns);
        }
}

int dx_def_metadata_set(struct dx_def *def, const char *uri, const char *key, const char *xml)
{
    size_t index = 0;
    int err, ret = -1;
    xmlDocPtr doc = metadata_doc(def, &index, &err), user = NULL;
    xmlNodePtr meta, old, add = NULL;

    if (err)
        return -1;
    if (xml) {
        if (!(user = xml_parse(xml, strlen(xml), "(metadata_xml)", FROM_DOMAIN)))
            goto out;
        if (xmlValidateNCName((const xmlChar *)key, 0) != 0) {
            error_report(ERR_INVALID_ARG, FROM_DOMAIN,
                         "failed to validate prefix for a new XML namespace '%s'", key);
            goto out;
        }
    }
    if (!doc) {
        doc = xmlNewDoc((const xmlChar *)"1.0");
        meta = doc ? xmlNewDocNode(doc, NULL, (const xmlChar *)"metadata", NULL) : NULL;
        if (!meta)
            goto oom;
        xmlDocSetRootElement(doc, meta);
        index = def->kept.n;
    }
    meta = xmlDocGetRootElement(doc);
    while ((old = metadata_find(meta, uri))) {
        xmlUnlinkNode(old);
        xmlFreeNode(old);
    }
    if (user) {
        add = xmlDocCopyNode(xmlDocGetRootElement(user), doc, 1);
        xmlNsPtr ns = add ? xmlNewNs(add, (const xmlChar *)uri, (const xmlChar *)key) : NULL;
        if (!ns)
            goto oom;
        ns_apply(add, ns);
        if (!xmlAddChild(meta, add))
            goto oom;
        add = NULL;
    }
    /* The element replaces the kept one, or is added (an empty one stays,
     * as <metadata/>, as libvirt keeps it). */
    struct dx_kept_list one = {0};
    if (keep(&one, order_of(domain_order, "metadata"), meta, 1) < 0)
        goto out;
    if (index < def->kept.n) {
        free(def->kept.items[index].xml);
        if (one.n) {
            def->kept.items[index] = one.items[0];
        } else {
            memmove(&def->kept.items[index], &def->kept.items[index + 1],
                    (def->kept.n - index - 1) * sizeof(*def->kept.items));
            def->kept.n--;
        }
    } else if (one.n) {
        struct dx_kept *items = realloc(def->kept.items, (def->kept.n + 1) * sizeof(*items));
        if (!items) {
            kept_clear(&one);
            goto oom;
        }
        def->kept.items = items;
        items[def->kept.n++] = one.items[0];
    }
    free(one.items);
    ret = 0;
    goto out;
oom:
    error_report(ERR_NO_MEMORY, FROM_DOMAIN, NULL);
out:
    if (add)
        xmlFreeNode(add);
    if (user)
        xmlFreeDoc(user);
    if (doc)
        xmlFreeDoc(doc);
    return ret;
}

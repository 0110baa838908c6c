/* test-nodedev: the test driver's node devices, as real libvirt 9.0's
 * test driver serves them: test:///default's computer and its three
 * Fibre Channel SCSI hosts, <device> elements of node files, the old list
 * calls and ListAll with its capability filters (real's refuses the
 * active/inactive bits, so plain `virsh nodedev-list` fails there and
 * here alike), and vHBA creation: a create names an fc_host with a WWNN
 * and WWPN and a vport-capable parent, and what appears is always
 * scsi_host12, scsi_host11 copied with the new WWNs, as real's mock does.
 * Destroy removes a vHBA (an fc_host whose parent exists) and reports
 * success for any other device, which it keeps, as real's does. Creating
 * and removing raise lifecycle events.
 *
 * Lists are in the order the devices were added; real's come from a hash
 * table with a random seed and differ from run to run anyway.
 *
 * Capabilities understood: system and scsi_host (with fc_host and
 * vport_ops). A device with another capability type is refused with
 * libvirt's "unsupported configuration" (real's parser knows more of them). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/xml.h"
#include "error.h"
#include "test-internal.h"
#include "uuid.h"

#define ERR_NO_NODE_DEVICE 53
#define FROM_NODEDEV 22

#define NODEDEV_EVENT_TAG 'D'
#define NODEDEV_EVENT_CREATED 0
#define NODEDEV_EVENT_DELETED 1

/* At most this many devices in one connection (a node file, creates). */
#define NODEDEV_MAX 1024
#define NODEDEV_CAPS_MAX 16

enum cap_type { CAP_SYSTEM, CAP_SCSI_HOST };

/* virNodeDevCapType's names, in its order: bit i of ListAll's flags is
 * the i-th name. */
static const char *const cap_names[] = {
    "system",      "pci",        "usb_device", "usb",     "net",    "scsi_host",
    "scsi_target", "scsi",       "storage",    "fc_host", "vports", "scsi_generic",
    "drm",         "mdev_types", "mdev",       "ccw",     "css",    "vdpa",
    "ap_card",     "ap_queue",   "ap_matrix",  "vpd",
};
#define NCAP_NAMES (sizeof(cap_names) / sizeof(cap_names[0]))
enum {
    NAME_SYSTEM = 0,
    NAME_SCSI_HOST = 5,
    NAME_FC_HOST = 9,
    NAME_VPORTS = 10,
    NAME_SCSI_GENERIC = 11,
    NAME_MDEV_TYPES = 13,
    NAME_VPD = 21
};

#define HBA_FC_HOST 1u
#define HBA_VPORT_OPS 2u

struct ndcap {
    enum cap_type type;
    /* system */
    char *product, *hw_vendor, *hw_version, *hw_serial, *fw_vendor, *fw_version, *fw_date;
    unsigned char uuid[DRV_UUID_LEN];
    /* scsi_host */
    unsigned int host;
    int unique_id; /* -1: none */
    unsigned int flags;
    char *wwnn, *wwpn, *fabric_wwn;
    int max_vports, vports;
};

struct ndev {
    char *name, *parent;
    struct ndcap caps[NODEDEV_CAPS_MAX];
    size_t ncaps;
};

struct nodedev_state {
    struct ndev **devs; /* in the order they were added */
    size_t ndevs;
};

static const char default_devices[] =
    "<device><name>computer</name><capability type='system'><hardware>"
    "<vendor>Libvirt</vendor><version>Test driver</version><serial>123456</serial>"
    "<uuid>11111111-2222-3333-4444-555555555555</uuid></hardware><firmware>"
    "<vendor>Libvirt</vendor><version>Test Driver</version>"
    "<release_date>01/22/2007</release_date></firmware></capability></device>\n"
    "<device><name>scsi_host1</name><parent>computer</parent><capability type='scsi_host'>"
    "<host>1</host><unique_id>0</unique_id><capability type='fc_host'>"
    "<wwnn>2000000012341234</wwnn><wwpn>1000000012341234</wwpn>"
    "<fabric_wwn>2000000043214321</fabric_wwn></capability><capability type='vport_ops'>"
    "<max_vports>0</max_vports><vports>0</vports></capability></capability></device>\n"
    "<device><name>scsi_host2</name><parent>computer</parent><capability type='scsi_host'>"
    "<host>2</host><unique_id>1</unique_id><capability type='fc_host'>"
    "<wwnn>2000000056785678</wwnn><wwpn>1000000056785678</wwpn>"
    "<fabric_wwn>2000000087658765</fabric_wwn></capability><capability type='vport_ops'>"
    "<max_vports>0</max_vports><vports>0</vports></capability></capability></device>\n"
    "<device><name>scsi_host11</name><parent>scsi_host1</parent>"
    "<capability type='scsi_host'><host>11</host><unique_id>10</unique_id>"
    "<capability type='fc_host'><wwnn>2000000034563456</wwnn><wwpn>1000000034563456</wwpn>"
    "<fabric_wwn>2000000043214321</fabric_wwn></capability></capability></device>\n";

static struct nodedev_state *state_of(struct drv_conn *c)
{
    return test_state(c, TEST_KIND_NODEDEV);
}

/* ---- the definition ---- */

static void cap_clear(struct ndcap *cap)
{
    free(cap->product);
    free(cap->hw_vendor);
    free(cap->hw_version);
    free(cap->hw_serial);
    free(cap->fw_vendor);
    free(cap->fw_version);
    free(cap->fw_date);
    free(cap->wwnn);
    free(cap->wwpn);
    free(cap->fabric_wwn);
}

static void ndev_free(struct ndev *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->ncaps; i++)
        cap_clear(&d->caps[i]);
    free(d->name);
    free(d->parent);
    free(d);
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    for (xmlNodePtr n = parent ? parent->children : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
            return n;
    return NULL;
}

/* The text of parent's first <name> child (malloc'd), or NULL; *oom set
 * when it could not be copied. libvirt takes an empty text as absent. */
static char *child_text(xmlNodePtr parent, const char *name, int *oom)
{
    xmlNodePtr n = child(parent, name);
    if (!n)
        return NULL;
    xmlChar *t = xmlNodeGetContent(n);
    if (!t) {
        *oom = 1;
        return NULL;
    }
    char *s = *t ? strdup((const char *)t) : NULL;
    if (*t && !s)
        *oom = 1;
    xmlFree(t);
    return s;
}

static char *prop(xmlNodePtr n, const char *name, int *oom)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = strdup((const char *)v);
    if (!s)
        *oom = 1;
    xmlFree(v);
    return s;
}

static void internal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* libvirt's "internal error: ..." with the detail formatted. */
static void internal(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    error_report(ERR_INTERNAL_ERROR, FROM_NODEDEV, "%s", msg);
}

/* A decimal number in text: 0 and *v, or -1 (missing: *missing set). */
static int parse_long(const char *t, long min, long max, long *v)
{
    char *end;
    if (!t || !*t)
        return -1;
    errno = 0;
    long x = strtol(t, &end, 10);
    if (errno || *end || x < min || x > max)
        return -1;
    *v = x;
    return 0;
}

static int parse_system(xmlNodePtr n, struct ndev *d, struct ndcap *cap, int *oom)
{
    xmlNodePtr hw = child(n, "hardware"), fw = child(n, "firmware");

    cap->product = child_text(n, "product", oom);
    cap->hw_vendor = child_text(hw, "vendor", oom);
    cap->hw_version = child_text(hw, "version", oom);
    cap->hw_serial = child_text(hw, "serial", oom);
    cap->fw_vendor = child_text(fw, "vendor", oom);
    cap->fw_version = child_text(fw, "version", oom);
    cap->fw_date = child_text(fw, "release_date", oom);
    char *uuid = child_text(hw, "uuid", oom);
    if (*oom) {
        free(uuid);
        return -1;
    }
    if (!uuid) {
        internal("no system UUID supplied for '%s'", d->name);
        return -1;
    }
    int r = uuid_parse(uuid, cap->uuid);
    free(uuid);
    if (r < 0) {
        internal("malformed uuid element for '%s'", d->name);
        return -1;
    }
    return 0;
}

static int parse_scsi_host(xmlNodePtr n, struct ndev *d, struct ndcap *cap, int create,
                           int *oom)
{
    cap->unique_id = -1;
    if (!create) {
        char *t = child_text(n, "host", oom);
        long v;
        if (!t && !*oom) {
            internal("no SCSI host ID supplied for '%s'", d->name);
            return -1;
        }
        if (t && parse_long(t, 0, 0xffffffffL, &v) < 0) {
            free(t);
            internal("invalid SCSI host ID supplied for '%s'", d->name);
            return -1;
        }
        free(t);
        if (*oom)
            return -1;
        cap->host = (unsigned int)v;
        t = child_text(n, "unique_id", oom);
        if (t && parse_long(t, -2147483647L - 1, 2147483647L, &v) < 0) {
            free(t);
            internal("invalid unique_id supplied for '%s'", d->name);
            return -1;
        }
        if (t)
            cap->unique_id = (int)v;
        free(t);
    }
    for (xmlNodePtr s = n->children; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE || strcmp((const char *)s->name, "capability") != 0)
            continue;
        char *type = prop(s, "type", oom);
        if (!type) {
            if (!*oom)
                internal("missing SCSI host capability type for '%s'", d->name);
            return -1;
        }
        if (strcmp(type, "vport_ops") == 0) {
            cap->flags |= HBA_VPORT_OPS;
            /* What sysfs would say: read back from a saved state. */
            char *t = child_text(s, "max_vports", oom), *u = child_text(s, "vports", oom);
            long v;
            if (t && parse_long(t, 0, 2147483647L, &v) == 0)
                cap->max_vports = (int)v;
            if (u && parse_long(u, 0, 2147483647L, &v) == 0)
                cap->vports = (int)v;
            free(t);
            free(u);
        } else if (strcmp(type, "fc_host") == 0) {
            cap->flags |= HBA_FC_HOST;
            free(cap->wwnn);
            free(cap->wwpn);
            free(cap->fabric_wwn);
            cap->wwnn = child_text(s, "wwnn", oom);
            cap->wwpn = child_text(s, "wwpn", oom);
            cap->fabric_wwn = child_text(s, "fabric_wwn", oom);
            /* Real's test driver cannot generate WWNs either. */
            if (!*oom && !cap->wwnn) {
                internal("no WWNN supplied for '%s', and auto-generation failed", d->name);
                free(type);
                return -1;
            }
            if (!*oom && !cap->wwpn) {
                internal("no WWPN supplied for '%s', and auto-generation failed", d->name);
                free(type);
                return -1;
            }
        } else {
            internal("unknown SCSI host capability type '%s' for '%s'", type, d->name);
            free(type);
            return -1;
        }
        free(type);
        if (*oom)
            return -1;
    }
    return 0;
}

static int parse_cap(xmlNodePtr n, struct ndev *d, int create, int *oom)
{
    char *type = prop(n, "type", oom);
    if (!type) {
        if (!*oom)
            error_report(ERR_XML_ERROR, FROM_NODEDEV,
                         "Missing required attribute 'type' in element 'capability'");
        return -1;
    }
    size_t i = 0;
    while (i < NCAP_NAMES && strcmp(cap_names[i], type) != 0)
        i++;
    int r = -1;
    if (i == NCAP_NAMES) {
        error_report(ERR_XML_ERROR, FROM_NODEDEV,
                     "Invalid value for attribute 'type' in element 'capability': '%s'.", type);
    } else if (i == NAME_FC_HOST || i == NAME_VPORTS || i == NAME_SCSI_GENERIC ||
               i == NAME_MDEV_TYPES || i == NAME_VPD) {
        /* Types libvirt knows only nested or from the host: refused by
         * their number. */
        internal("unknown capability type '%zu' for '%s'", i, d->name);
    } else if (i != NAME_SYSTEM && i != NAME_SCSI_HOST) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_NODEDEV,
                     "node device capability '%s' is not supported by this test driver", type);
    } else if (d->ncaps == NODEDEV_CAPS_MAX) {
        error_report(ERR_XML_ERROR, FROM_NODEDEV, "too many capabilities for '%s'", d->name);
    } else {
        struct ndcap *cap = &d->caps[d->ncaps++];
        memset(cap, 0, sizeof(*cap));
        cap->type = i == NAME_SYSTEM ? CAP_SYSTEM : CAP_SCSI_HOST;
        r = cap->type == CAP_SYSTEM ? parse_system(n, d, cap, oom)
                                    : parse_scsi_host(n, d, cap, create, oom);
    }
    free(type);
    return r;
}

/* A <device> element: the device, or NULL recorded. create: a device a
 * client asks to create ("new device", no host numbers), else one that
 * exists (a node file's, a saved state's). */
static struct ndev *ndev_parse_node(xmlNodePtr root, int create)
{
    int oom = 0;
    struct ndev *d;

    if (strcmp((const char *)root->name, "device") != 0) {
        error_report(ERR_XML_ERROR, FROM_NODEDEV,
                     "expecting root element of 'device', not '%s'", (const char *)root->name);
        return NULL;
    }
    if (!(d = calloc(1, sizeof(*d)))) {
        test_no_memory();
        return NULL;
    }
    if (create)
        d->name = strdup("new device");
    else
        d->name = child_text(root, "name", &oom);
    if (!d->name && !oom) {
        if (create) {
            oom = 1;
        } else {
            error_report(ERR_NO_NAME, FROM_NODEDEV, NULL);
            goto fail;
        }
    }
    d->parent = child_text(root, "parent", &oom);
    if (oom)
        goto nomem;
    int n = 0;
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, "capability") != 0)
            continue;
        n++;
        if (parse_cap(c, d, create, &oom) < 0)
            goto fail;
    }
    if (n == 0) {
        internal("no device capabilities for '%s'", d->name);
        goto fail;
    }
    return d;
nomem:
    test_no_memory();
fail:
    if (oom)
        test_no_memory();
    ndev_free(d);
    return NULL;
}

static struct ndev *ndev_parse_string(const char *xml, size_t len, int create)
{
    xmlDocPtr doc = xml_parse(xml, len, "(node_device_definition)", FROM_NODEDEV);
    if (!doc)
        return NULL;
    struct ndev *d = ndev_parse_node(xmlDocGetRootElement(doc), create);
    xmlFreeDoc(doc);
    return d;
}

/* Text with XML's special characters escaped, as libvirt writes it. */
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

static void put_elem(FILE *f, int indent, const char *name, const char *text)
{
    if (!text)
        return;
    fprintf(f, "%*s<%s>", indent, "", name);
    put_escaped(f, text);
    fprintf(f, "</%s>\n", name);
}

static void format_cap(FILE *f, const struct ndcap *cap)
{
    if (cap->type == CAP_SYSTEM) {
        char uuid[UUID_STRING_LEN];
        uuid_format(cap->uuid, uuid);
        fputs("  <capability type='system'>\n", f);
        put_elem(f, 4, "product", cap->product);
        fputs("    <hardware>\n", f);
        put_elem(f, 6, "vendor", cap->hw_vendor);
        put_elem(f, 6, "version", cap->hw_version);
        put_elem(f, 6, "serial", cap->hw_serial);
        fprintf(f, "      <uuid>%s</uuid>\n", uuid);
        fputs("    </hardware>\n    <firmware>\n", f);
        put_elem(f, 6, "vendor", cap->fw_vendor);
        put_elem(f, 6, "version", cap->fw_version);
        put_elem(f, 6, "release_date", cap->fw_date);
        fputs("    </firmware>\n  </capability>\n", f);
        return;
    }
    fputs("  <capability type='scsi_host'>\n", f);
    fprintf(f, "    <host>%u</host>\n", cap->host);
    if (cap->unique_id != -1)
        fprintf(f, "    <unique_id>%d</unique_id>\n", cap->unique_id);
    if (cap->flags & HBA_FC_HOST) {
        fputs("    <capability type='fc_host'>\n", f);
        put_elem(f, 6, "wwnn", cap->wwnn);
        put_elem(f, 6, "wwpn", cap->wwpn);
        put_elem(f, 6, "fabric_wwn", cap->fabric_wwn);
        fputs("    </capability>\n", f);
    }
    if (cap->flags & HBA_VPORT_OPS) {
        fputs("    <capability type='vport_ops'>\n", f);
        fprintf(f, "      <max_vports>%d</max_vports>\n", cap->max_vports);
        fprintf(f, "      <vports>%d</vports>\n", cap->vports);
        fputs("    </capability>\n", f);
    }
    fputs("  </capability>\n", f);
}

/* The device's XML as virNodeDeviceGetXMLDesc gives it (malloc'd), or
 * NULL recorded. */
static char *ndev_format(const struct ndev *d)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f) {
        test_no_memory();
        return NULL;
    }
    fputs("<device>\n", f);
    put_elem(f, 2, "name", d->name);
    put_elem(f, 2, "parent", d->parent);
    for (size_t i = 0; i < d->ncaps; i++)
        format_cap(f, &d->caps[i]);
    fputs("</device>\n", f);
    if (fclose(f) != 0) {
        free(buf);
        test_no_memory();
        return NULL;
    }
    return buf;
}

/* Whether d has the capability cap_names[i], nested ones included. */
static int has_cap(const struct ndev *d, size_t i)
{
    for (size_t k = 0; k < d->ncaps; k++) {
        const struct ndcap *cap = &d->caps[k];
        if ((cap->type == CAP_SYSTEM && i == NAME_SYSTEM) ||
            (cap->type == CAP_SCSI_HOST &&
             (i == NAME_SCSI_HOST || (i == NAME_FC_HOST && (cap->flags & HBA_FC_HOST)) ||
              (i == NAME_VPORTS && (cap->flags & HBA_VPORT_OPS)))))
            return 1;
    }
    return 0;
}

static int has_cap_named(const struct ndev *d, const char *name)
{
    for (size_t i = 0; i < NCAP_NAMES; i++)
        if (strcmp(cap_names[i], name) == 0)
            return has_cap(d, i);
    return 0;
}

static const struct ndcap *scsi_host_cap(const struct ndev *d)
{
    for (size_t k = 0; k < d->ncaps; k++)
        if (d->caps[k].type == CAP_SCSI_HOST)
            return &d->caps[k];
    return NULL;
}

/* ---- the objects ---- */

static struct ndev *find(struct nodedev_state *st, const char *name)
{
    for (size_t i = 0; i < st->ndevs; i++)
        if (strcmp(st->devs[i]->name, name) == 0)
            return st->devs[i];
    return NULL;
}

/* error.c has no text for this code: the message is given whole. */
static void not_found(const char *name)
{
    char msg[4200];
    snprintf(msg, sizeof(msg), "Node device not found: no node device with matching name '%s'",
             name);
    error_set_message(ERR_NO_NODE_DEVICE, FROM_TEST, msg);
}

static struct ndev *get_dev(struct drv_conn *c, const char *name)
{
    struct ndev *d = find(state_of(c), name);
    if (!d)
        not_found(name);
    return d;
}

/* Adds d (taken over), replacing a device of the same name as libvirt's
 * object list does. */
static int add(struct nodedev_state *st, struct ndev *d)
{
    for (size_t i = 0; i < st->ndevs; i++)
        if (strcmp(st->devs[i]->name, d->name) == 0) {
            ndev_free(st->devs[i]);
            st->devs[i] = d;
            return 0;
        }
    if (st->ndevs == NODEDEV_MAX) {
        error_report(ERR_OPERATION_FAILED, FROM_TEST, "too many node devices");
        ndev_free(d);
        return -1;
    }
    struct ndev **p = realloc(st->devs, (st->ndevs + 1) * sizeof(*p));
    if (!p) {
        ndev_free(d);
        test_no_memory();
        return -1;
    }
    st->devs = p;
    st->devs[st->ndevs++] = d;
    return 0;
}

static void remove_dev(struct nodedev_state *st, struct ndev *d)
{
    for (size_t i = 0; i < st->ndevs; i++)
        if (st->devs[i] == d) {
            memmove(&st->devs[i], &st->devs[i + 1], (st->ndevs - i - 1) * sizeof(*st->devs));
            st->ndevs--;
            ndev_free(d);
            return;
        }
}

static void nodedev_clear(struct drv_conn *c, void *state)
{
    struct nodedev_state *st = state;
    (void)c;
    for (size_t i = 0; i < st->ndevs; i++)
        ndev_free(st->devs[i]);
    free(st->devs);
    st->devs = NULL;
    st->ndevs = 0;
}

/* Devices from text holding <device> documents one after the other, each
 * ended by a newline (the defaults, a saved state). */
static int load_list(struct nodedev_state *st, const char *p, size_t len)
{
    const char *end = p + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n;
        if (!nl || sscanf(p, "%zu", &n) != 1 || n > (size_t)(end - nl - 1)) {
            error_report(ERR_INTERNAL_ERROR, FROM_TEST,
                         "the shared state of test:///default is damaged: a node device");
            return -1;
        }
        struct ndev *d = ndev_parse_string(nl + 1, n, 0);
        if (!d || add(st, d) < 0)
            return -1;
        p = nl + 1 + n;
    }
    return 0;
}

static int nodedev_load_default(struct drv_conn *c, void *state)
{
    struct nodedev_state *st = state;
    (void)c;
    for (const char *p = default_devices; *p;) {
        const char *nl = strchr(p, '\n');
        struct ndev *d = ndev_parse_string(p, (size_t)(nl - p), 0);
        if (!d || add(st, d) < 0)
            return -1;
        p = nl + 1;
    }
    return 0;
}

static int nodedev_load_node(struct drv_conn *c, void *state, xmlDocPtr doc, xmlNodePtr n,
                             const char *dir)
{
    xmlDocPtr sub;
    xmlNodePtr root;
    (void)doc;
    if (test_node_file(c, n, dir, &sub, &root) < 0)
        return -1;
    struct ndev *d = ndev_parse_node(sub ? root : n, 0);
    xmlFreeDoc(sub);
    return d ? add(state, d) : -1;
}

/* Each device as "LEN\n" and its XML. */
static int nodedev_save(struct drv_conn *c, void *state, FILE *f)
{
    struct nodedev_state *st = state;
    (void)c;
    for (size_t i = 0; i < st->ndevs; i++) {
        char *x = ndev_format(st->devs[i]);
        if (!x)
            return -1;
        int ok = fprintf(f, "%zu\n%s", strlen(x), x) > 0;
        free(x);
        if (!ok) {
            test_no_memory();
            return -1;
        }
    }
    return 0;
}

static int nodedev_load(struct drv_conn *c, void *state, const char *data, size_t len)
{
    (void)c;
    return load_list(state, data, len);
}

/* An event record: the tag, the event and detail (one byte each), the
 * device's name. */
static void queue_event(struct drv_conn *c, const char *name, int event)
{
    size_t n = strlen(name);
    unsigned char rec[3 + 4096];
    if (n > sizeof(rec) - 3)
        return;
    rec[0] = NODEDEV_EVENT_TAG;
    rec[1] = (unsigned char)event;
    rec[2] = 0;
    memcpy(rec + 3, name, n);
    test_queue_event(c, rec, 3 + n);
}

static void nodedev_deliver(struct drv_conn *c, const unsigned char *rec, size_t len)
{
    if (len < 4 || len > 3 + 4096 || memchr(rec + 3, '\0', len - 3))
        return;
    char *name = strndup((const char *)rec + 3, len - 3);
    if (!name)
        return;
    remote_node_device_event_lifecycle_msg m = {
        .dev = {.name = name}, .event = rec[1], .detail = rec[2]};
    test_emit(c, DRV_EVENT_NODE_DEVICE, 0, (const unsigned char *)name, len - 3,
              (xdrproc_t)xdr_remote_node_device_event_lifecycle_msg, &m);
    free(name);
}

const struct test_kind test_nodedev_kind = {
    .name = "nodedev",
    .tag = NODEDEV_EVENT_TAG,
    .node_element = "device",
    .state_size = sizeof(struct nodedev_state),
    .clear = nodedev_clear,
    .load_default = nodedev_load_default,
    .load_node = nodedev_load_node,
    .save = nodedev_save,
    .load = nodedev_load,
    .deliver = nodedev_deliver,
};

/* ---- the operations ---- */

#define LIST_CAPS_ALL ((1u << NCAP_NAMES) - 1)

static int check_maxnames(int maxnames, int max, const char *what)
{
    if (maxnames < 0 || maxnames > max) {
        error_report(ERR_RPC, FROM_RPC, "maxnames > %s", what);
        return -1;
    }
    return 0;
}

static int op_num_of_devices(struct drv_conn *c, const remote_node_num_of_devices_args *args,
                             remote_node_num_of_devices_ret *ret)
{
    if (test_check_flags(args->flags, 0, "testNodeNumOfDevices") < 0 || test_sync(c) < 0)
        return -1;
    struct nodedev_state *st = state_of(c);
    for (size_t i = 0; i < st->ndevs; i++)
        ret->num += !args->cap || has_cap_named(st->devs[i], *args->cap);
    return 0;
}

static int op_list_devices(struct drv_conn *c, const remote_node_list_devices_args *args,
                           remote_node_list_devices_ret *ret)
{
    if (check_maxnames(args->maxnames, REMOTE_NODE_DEVICE_LIST_MAX,
                       "REMOTE_NODE_DEVICE_LIST_MAX") < 0 ||
        test_check_flags(args->flags, 0, "testNodeListDevices") < 0 || test_sync(c) < 0)
        return -1;
    struct nodedev_state *st = state_of(c);
    if (!(ret->names.names_val = calloc(st->ndevs + 1, sizeof(char *)))) {
        test_no_memory();
        return -1;
    }
    for (size_t i = 0; i < st->ndevs && ret->names.names_len < (u_int)args->maxnames; i++) {
        if (args->cap && !has_cap_named(st->devs[i], *args->cap))
            continue;
        if (drv_string(&ret->names.names_val[ret->names.names_len], st->devs[i]->name) < 0)
            return -1;
        ret->names.names_len++;
    }
    return 0;
}

static int op_lookup_by_name(struct drv_conn *c,
                             const remote_node_device_lookup_by_name_args *args,
                             remote_node_device_lookup_by_name_ret *ret)
{
    if (test_sync(c) < 0)
        return -1;
    struct ndev *d = get_dev(c, args->name);
    return d ? drv_string(&ret->dev.name, d->name) : -1;
}

static int op_get_xml_desc(struct drv_conn *c, const remote_node_device_get_xml_desc_args *args,
                           remote_node_device_get_xml_desc_ret *ret)
{
    if (test_check_flags(args->flags, 0, "testNodeDeviceGetXMLDesc") < 0 || test_sync(c) < 0)
        return -1;
    struct ndev *d = get_dev(c, args->name);
    return d && (ret->xml = ndev_format(d)) ? 0 : -1;
}

static int op_get_parent(struct drv_conn *c, const remote_node_device_get_parent_args *args,
                         remote_node_device_get_parent_ret *ret)
{
    if (test_sync(c) < 0)
        return -1;
    struct ndev *d = get_dev(c, args->name);
    if (!d)
        return -1;
    if (!d->parent)
        return 0;
    if (!(ret->parentName = malloc(sizeof(char *)))) {
        test_no_memory();
        return -1;
    }
    *ret->parentName = NULL;
    return drv_string(ret->parentName, d->parent);
}

static int op_num_of_caps(struct drv_conn *c, const remote_node_device_num_of_caps_args *args,
                          remote_node_device_num_of_caps_ret *ret)
{
    if (test_sync(c) < 0)
        return -1;
    struct ndev *d = get_dev(c, args->name);
    if (!d)
        return -1;
    ret->num = (int)d->ncaps;
    return 0;
}

static int op_list_caps(struct drv_conn *c, const remote_node_device_list_caps_args *args,
                        remote_node_device_list_caps_ret *ret)
{
    if (check_maxnames(args->maxnames, REMOTE_NODE_DEVICE_CAPS_LIST_MAX,
                       "REMOTE_NODE_DEVICE_CAPS_LIST_MAX") < 0 ||
        test_sync(c) < 0)
        return -1;
    struct ndev *d = get_dev(c, args->name);
    if (!d)
        return -1;
    if (!(ret->names.names_val = calloc(d->ncaps + 1, sizeof(char *)))) {
        test_no_memory();
        return -1;
    }
    for (size_t i = 0; i < d->ncaps && ret->names.names_len < (u_int)args->maxnames; i++) {
        const char *name =
            cap_names[d->caps[i].type == CAP_SYSTEM ? NAME_SYSTEM : NAME_SCSI_HOST];
        if (drv_string(&ret->names.names_val[ret->names.names_len], name) < 0)
            return -1;
        ret->names.names_len++;
    }
    return 0;
}

static int op_list_all(struct drv_conn *c,
                       const remote_connect_list_all_node_devices_args *args,
                       remote_connect_list_all_node_devices_ret *ret)
{
    if (test_check_flags(args->flags, LIST_CAPS_ALL, "testConnectListAllNodeDevices") < 0 ||
        test_sync(c) < 0)
        return -1;
    struct nodedev_state *st = state_of(c);
    size_t k = 0;
    if (args->need_results && !(ret->devices.devices_val = calloc(
                                    st->ndevs + 1, sizeof(remote_nonnull_node_device)))) {
        test_no_memory();
        return -1;
    }
    for (size_t i = 0; i < st->ndevs; i++) {
        int match = args->flags == 0;
        for (size_t b = 0; !match && b < NCAP_NAMES; b++)
            match = (args->flags & (1u << b)) && has_cap(st->devs[i], b);
        if (!match)
            continue;
        if (args->need_results) {
            if (drv_string(&ret->devices.devices_val[k].name, st->devs[i]->name) < 0)
                return -1;
            ret->devices.devices_len = (u_int)k + 1;
        }
        k++;
    }
    ret->ret = (u_int)k;
    return 0;
}

/* The vport-capable device that would host a new vHBA: the one the
 * definition names, else the first there is. */
static int find_parent_host(struct nodedev_state *st, const struct ndev *def)
{
    const struct ndev *p = NULL;
    if (def->parent) {
        p = find(st, def->parent);
        if (p && !has_cap(p, NAME_VPORTS)) {
            internal("Parent device %s is not capable of vport operations", p->name);
            return -1;
        }
    } else {
        for (size_t i = 0; !p && i < st->ndevs; i++)
            if (has_cap(st->devs[i], NAME_VPORTS))
                p = st->devs[i];
    }
    if (!p) {
        internal("Could not find parent device for '%s'", def->name);
        return -1;
    }
    return 0;
}

/* What real's mock makes of a new vHBA: scsi_host11 under the name
 * scsi_host12 with the definition's WWNN and WWPN. */
static struct ndev *mock_vport(struct nodedev_state *st, const struct ndcap *from)
{
    struct ndev *tmpl = find(st, "scsi_host11");
    if (!tmpl) {
        /* Real's mock fails without saying why: libvirt's generic text. */
        error_set_message(ERR_INTERNAL_ERROR, FROM_NONE,
                          "An error occurred, but the cause is unknown");
        return NULL;
    }
    char *x = ndev_format(tmpl);
    if (!x)
        return NULL;
    struct ndev *d = ndev_parse_string(x, strlen(x), 0);
    free(x);
    if (!d)
        return NULL;
    char *name = strdup("scsi_host12");
    if (!name)
        goto nomem;
    free(d->name);
    d->name = name;
    for (size_t i = 0; i < d->ncaps; i++) {
        struct ndcap *cap = &d->caps[i];
        if (cap->type != CAP_SCSI_HOST)
            continue;
        if (cap->flags & HBA_FC_HOST) {
            char *wwnn = strdup(from->wwnn), *wwpn = strdup(from->wwpn);
            if (!wwnn || !wwpn) {
                free(wwnn);
                free(wwpn);
                goto nomem;
            }
            free(cap->wwnn);
            free(cap->wwpn);
            cap->wwnn = wwnn;
            cap->wwpn = wwpn;
        } else {
            cap->host++;
            cap->unique_id++;
        }
    }
    return d;
nomem:
    ndev_free(d);
    test_no_memory();
    return NULL;
}

static int create_locked(struct drv_conn *c, const remote_node_device_create_xml_args *args,
                         remote_node_device_create_xml_ret *ret)
{
    struct nodedev_state *st = state_of(c);
    if ((args->flags & 1) && xml_validate_text(args->xml_desc, "(node_device_definition)",
                                               "device", "nodedev.rng", FROM_NODEDEV) < 0)
        return -1;
    struct ndev *def = ndev_parse_string(args->xml_desc, strlen(args->xml_desc), 1);
    if (!def)
        return -1;
    const struct ndcap *fc = scsi_host_cap(def);
    if (fc && !(fc->flags & HBA_FC_HOST))
        fc = NULL;
    struct ndev *d = NULL;
    if (!fc)
        internal("Device is not a fibre channel HBA");
    else if (find_parent_host(st, def) == 0)
        d = mock_vport(st, fc);
    ndev_free(def);
    if (!d)
        return -1;
    char *name = strdup(d->name);
    if (!name || add(st, d) < 0) {
        if (!name) {
            ndev_free(d);
            test_no_memory();
        }
        free(name);
        return -1;
    }
    queue_event(c, name, NODEDEV_EVENT_CREATED);
    ret->dev.name = name;
    return 0;
}

static int op_create_xml(struct drv_conn *c, const remote_node_device_create_xml_args *args,
                         remote_node_device_create_xml_ret *ret)
{
    /* VIR_NODE_DEVICE_CREATE_XML_VALIDATE */
    if (test_check_flags(args->flags, 1, "testNodeDeviceCreateXML") < 0 ||
        test_wr_begin(c, "virNodeDeviceCreateXML") < 0)
        return -1;
    return test_wr_end(c, create_locked(c, args, ret));
}

static int op_destroy(struct drv_conn *c, const remote_node_device_destroy_args *args)
{
    if (test_wr_begin(c, "virNodeDeviceDestroy") < 0)
        return -1;
    struct ndev *d = get_dev(c, args->name);
    /* Real's test driver removes only a Fibre Channel HBA whose parent
     * exists; for any other device it reports success and keeps it. */
    const struct ndcap *fc = d ? scsi_host_cap(d) : NULL;
    if (fc && (fc->flags & HBA_FC_HOST) && d->parent && find(state_of(c), d->parent)) {
        queue_event(c, d->name, NODEDEV_EVENT_DELETED);
        remove_dev(state_of(c), d);
    }
    return test_wr_end(c, d ? 0 : -1);
}

const struct drv_nodedev_ops test_nodedev_ops = {
    .node_num_of_devices = op_num_of_devices,
    .node_list_devices = op_list_devices,
    .node_device_lookup_by_name = op_lookup_by_name,
    .node_device_get_xml_desc = op_get_xml_desc,
    .node_device_get_parent = op_get_parent,
    .node_device_num_of_caps = op_num_of_caps,
    .node_device_list_caps = op_list_caps,
    .node_device_create_xml = op_create_xml,
    .node_device_destroy = op_destroy,
    .connect_list_all_node_devices = op_list_all,
};

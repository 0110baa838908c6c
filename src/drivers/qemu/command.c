/* The QEMU command line of a domain, option by option as real libvirt 9.0
 * writes it for QEMU 7.2 (compared with its log in tests/qemu/), and the
 * checks that keep out what it cannot express. What it supports: an x86
 * i440FX machine under TCG or KVM, memory, vCPUs (current and maximum),
 * the qemu64 cpu, kernel/initrd/cmdline or BIOS boot with <boot dev> or
 * per-device boot order, the acpi/apic/pae features, utc or localtime
 * clock (timers: rtc catchup, pit delay, hpet off), <pm> S3/S4, raw file
 * disks and cdroms on virtio or IDE, user and ethernet
 * (tap fd given) interfaces (rtl8139, e1000, virtio), serials of type
 * pty and file and the serial console, ps2 and USB tablet/keyboard/mouse
 * inputs, a VNC display, cirrus and VGA video, audio none, a virtio
 * memballoon. */
#include "command.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "error.h"
#include "uuid.h"

/* ---- a growing string ---- */

struct sb {
    char *s;
    size_t len, cap;
    int failed;
};

__attribute__((format(printf, 2, 3))) static void sb_printf(struct sb *b, const char *fmt, ...)
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
        size_t cap = (b->cap ? b->cap * 2 : 256) + (size_t)n;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
}

/* Takes the string (NULL when something failed). */
static char *sb_take(struct sb *b)
{
    char *s = b->failed ? NULL : b->s;

    if (b->failed)
        free(b->s);
    if (s == NULL && !b->failed)
        s = strdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
    return s;
}

/* ---- JSON objects, as libvirt writes a -device or -blockdev ---- */

struct json {
    struct sb b;
    int n;
};

static void j_key(struct json *j, const char *key)
{
    sb_printf(&j->b, "%s\"%s\":", j->n++ ? "," : "{", key);
}

static void j_str(struct json *j, const char *key, const char *v)
{
    j_key(j, key);
    sb_printf(&j->b, "\"");
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p == '"' || *p == '\\')
            sb_printf(&j->b, "\\%c", *p);
        else if (*p == '\n')
            sb_printf(&j->b, "\\n");
        else if (*p == '\t')
            sb_printf(&j->b, "\\t");
        else if (*p < 0x20)
            sb_printf(&j->b, "\\u%04x", *p);
        else
            sb_printf(&j->b, "%c", *p);
    }
    sb_printf(&j->b, "\"");
}

static void j_uint(struct json *j, const char *key, unsigned long long v)
{
    j_key(j, key);
    sb_printf(&j->b, "%llu", v);
}

static void j_bool(struct json *j, const char *key, int v)
{
    j_key(j, key);
    sb_printf(&j->b, "%s", v ? "true" : "false");
}

static void j_null(struct json *j, const char *key)
{
    j_key(j, key);
    sb_printf(&j->b, "null");
}

/* The object, malloc'd (NULL when out of memory); j is ready for the next. */
static char *j_end(struct json *j)
{
    sb_printf(&j->b, "%s", j->n ? "}" : "{}");
    j->n = 0;
    return sb_take(&j->b);
}

/* A device on bus 0 of pci-root: "bus":"pci.0","addr":"0x4" or "0x1.0x2". */
static void j_pci(struct json *j, const struct dx_addr *a)
{
    char addr[32];

    if (a->type != DX_ADDR_PCI)
        return;
    if (a->function)
        snprintf(addr, sizeof(addr), "0x%x.0x%x", a->slot, a->function);
    else
        snprintf(addr, sizeof(addr), "0x%x", a->slot);
    j_str(j, "bus", "pci.0");
    j_str(j, "addr", addr);
}

/* ---- validation ---- */

__attribute__((format(printf, 1, 2))) static int unsupported(const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU, "%s", msg);
    return -1;
}

/* Refuses what the model kept of an element without interpreting it. */
static int no_extra(const char *extra, const char *what)
{
    if (!extra)
        return 0;
    char *d = dx_extra_describe(extra);
    unsupported("%s: %s is not supported by this QEMU driver", what, d ? d : "something");
    free(d);
    return -1;
}

/* The element name of a kept element's text ("<numatune ..."). */
static void kept_name(const struct dx_kept *k, char *buf, size_t len)
{
    size_t n = strcspn(k->xml + 1, " />\n");

    if (n >= len)
        n = len - 1;
    memcpy(buf, k->xml + 1, n);
    buf[n] = '\0';
}

static int is(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

static int one_of(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (is(s, list[i]))
            return 1;
    return 0;
}

static int is_i440fx(const char *machine)
{
    return is(machine, "pc") || strncmp(machine, "pc-i440fx-", 10) == 0 ||
           (strncmp(machine, "pc-", 3) == 0 && machine[3] >= '0' && machine[3] <= '9');
}

/* ---- <pm> and <clock>'s timers (virt-install writes them) ----
 *
 * The model keeps both as written (<pm> a kept element, the timers the
 * clock's extra): read here, as far as the command line needs them. Only
 * what real libvirt 9.0 was seen to run (tests/data/qemu/pm-timers.xml)
 * is accepted: <suspend-to-mem>/<suspend-to-disk> enabled yes or no; an
 * rtc timer with tickpolicy catchup (-rtc driftfix=slew), a pit timer
 * with tickpolicy delay (-global kvm-pit.lost_tick_policy=delay), an hpet
 * timer with present no (-no-hpet). */
struct pm_timers {
    int s3, s4;             /* -1: not said, 0: disabled, 1: enabled */
    int rtc_slew;
    const char *args[8];    /* the timers' options, in their order */
    size_t nargs;
};

static int is_pm(const struct dx_kept *k)
{
    return strncmp(k->xml, "<pm>", 4) == 0 || strncmp(k->xml, "<pm ", 4) == 0 ||
           strncmp(k->xml, "<pm/>", 5) == 0;
}

static xmlNodePtr parse_snippet(const char *text, xmlDocPtr *doc)
{
    *doc = xmlReadMemory(text, (int)strlen(text), NULL, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    return *doc ? xmlDocGetRootElement(*doc) : NULL;
}

/* n has no attribute but those of names (NULL-terminated), no child. */
static int only_attrs(xmlNodePtr n, const char *const *names)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (a->ns || !one_of((const char *)a->name, names))
            return 0;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return 0;
    return 1;
}

static int read_pm(const char *xml, struct pm_timers *t)
{
    xmlDocPtr doc;
    xmlNodePtr root = parse_snippet(xml, &doc);
    static const char *const enabled[] = {"enabled", NULL};
    int ok = root && !root->properties;

    for (xmlNodePtr c = root ? root->children : NULL; ok && c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        int *which = strcmp((const char *)c->name, "suspend-to-mem") == 0    ? &t->s3
                     : strcmp((const char *)c->name, "suspend-to-disk") == 0 ? &t->s4
                                                                             : NULL;
        xmlChar *v = xmlGetProp(c, (const xmlChar *)"enabled");
        ok = which && *which < 0 && only_attrs(c, enabled) && v &&
             (is((const char *)v, "yes") || is((const char *)v, "no"));
        if (ok)
            *which = is((const char *)v, "yes");
        xmlFree(v);
    }
    xmlFreeDoc(doc);
    return ok ? 0 : unsupported("<pm> other than suspend-to-mem and suspend-to-disk enabled "
                                "yes or no is not supported by this QEMU driver");
}

/* The clock's extra: the <clock> as written, what the parser read of it
 * flagged in the lr namespace (domain_xml.c); only <timer>s may be unread. */
static int read_timers(const char *extra, struct pm_timers *t)
{
    xmlDocPtr doc;
    xmlNodePtr root = parse_snippet(extra, &doc);
    static const char *const tick[] = {"name", "tickpolicy", NULL};
    static const char *const pres[] = {"name", "present", NULL};
    int ok = root != NULL, rtc = 0, pit = 0, hpet = 0;
    xmlChar *read_attrs = root ? xmlGetNsProp(root, (const xmlChar *)"attrs",
                                              (const xmlChar *)"urn:x-libvirt-remote:read")
                               : NULL;

    for (xmlAttrPtr a = root ? root->properties : NULL; ok && a; a = a->next) {
        char word[80];
        snprintf(word, sizeof(word), " %s ", (const char *)a->name);
        ok = a->ns || (read_attrs && strstr((const char *)read_attrs, word));
    }
    xmlFree(read_attrs);
    for (xmlNodePtr c = root ? root->children : NULL; ok && c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *name = xmlGetProp(c, (const xmlChar *)"name");
        xmlChar *policy = xmlGetProp(c, (const xmlChar *)"tickpolicy");
        xmlChar *present = xmlGetProp(c, (const xmlChar *)"present");
        ok = strcmp((const char *)c->name, "timer") == 0 && name;
        if (ok && is((const char *)name, "rtc") && !rtc++) {
            ok = only_attrs(c, tick) && is((const char *)policy, "catchup");
            t->rtc_slew = 1;
        } else if (ok && is((const char *)name, "pit") && !pit++) {
            ok = only_attrs(c, tick) && is((const char *)policy, "delay") && t->nargs + 2 <= 8;
            if (ok) {
                t->args[t->nargs++] = "-global";
                t->args[t->nargs++] = "kvm-pit.lost_tick_policy=delay";
            }
        } else if (ok && is((const char *)name, "hpet") && !hpet++) {
            ok = only_attrs(c, pres) && is((const char *)present, "no") && t->nargs < 8;
            if (ok)
                t->args[t->nargs++] = "-no-hpet";
        } else {
            ok = 0;
        }
        xmlFree(name);
        xmlFree(policy);
        xmlFree(present);
    }
    xmlFreeDoc(doc);
    return ok ? 0 : unsupported("clock: timers other than rtc tickpolicy catchup, pit tickpolicy "
                                "delay and hpet present no are not supported by this QEMU "
                                "driver");
}

static int read_pm_timers(const struct dx_def *def, struct pm_timers *t)
{
    memset(t, 0, sizeof(*t));
    t->s3 = t->s4 = -1;
    for (size_t i = 0; i < def->kept.n; i++)
        if (is_pm(&def->kept.items[i]) && read_pm(def->kept.items[i].xml, t) < 0)
            return -1;
    return def->extra_clock ? read_timers(def->extra_clock, t) : 0;
}

static int validate_lifecycle(const struct dx_def *def)
{
    if (is(def->on_reboot, "preserve") || is(def->on_poweroff, "preserve")) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                     "qemu driver doesn't support the 'preserve' action for "
                     "'on_reboot'/'on_poweroff'");
        return -1;
    }
    if (is(def->on_reboot, "rename-restart") || is(def->on_poweroff, "rename-restart") ||
        is(def->on_crash, "rename-restart")) {
        error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                     "qemu driver doesn't support the 'rename-restart' action for "
                     "'on_reboot'/'on_poweroff'/'on_crash'");
        return -1;
    }
    static const char *const crash[] = {"destroy", "restart", "coredump-destroy", NULL};
    if (!one_of(def->on_crash, crash))
        return unsupported("on_crash action '%s' is not supported by this QEMU driver",
                           def->on_crash);
    return 0;
}

static int validate_domain(const struct dx_def *def)
{
    char name[64];

    if (!is(def->arch, "x86_64") && !is(def->arch, "i686"))
        return unsupported("architecture '%s' is not supported by this QEMU driver",
                           def->arch);
    if (!is_i440fx(def->machine))
        return unsupported("machine type '%s' is not supported by this QEMU driver (only "
                           "i440FX 'pc' machines are)",
                           def->machine);
    /* <metadata> is the user's, and /machine is the partition libvirt
     * writes for every running domain: nothing for QEMU to do. */
    struct pm_timers pt;
    if (read_pm_timers(def, &pt) < 0)
        return -1;
    for (size_t i = 0; i < def->kept.n; i++) {
        kept_name(&def->kept.items[i], name, sizeof(name));
        if (strcmp(name, "metadata") != 0 && strcmp(name, "pm") != 0 &&
            strcmp(def->kept.items[i].xml,
                   "<resource>\n    <partition>/machine</partition>\n  </resource>") != 0)
            return unsupported("<%s> is not supported by this QEMU driver", name);
    }
    for (size_t i = 0; i < def->kept_features.n; i++) {
        kept_name(&def->kept_features.items[i], name, sizeof(name));
        return unsupported("feature <%s> is not supported by this QEMU driver", name);
    }
    /* hap, viridian, privnet: Xen's, or Hyper-V's, not for this command line. */
    if (def->features & ~7u)
        return unsupported("features other than acpi, apic and pae are not supported by "
                           "this QEMU driver");
    if (def->cpuset)
        return unsupported("vcpu cpuset is not supported by this QEMU driver");
    if (no_extra(def->extra_memory, "memory") || no_extra(def->extra_cur_memory, "currentMemory") ||
        no_extra(def->extra_vcpu, "vcpu") || no_extra(def->extra_os, "os"))
        return -1;
    if (!is(def->clock_offset, "utc") && !is(def->clock_offset, "localtime"))
        return unsupported("clock offset '%s' is not supported by this QEMU driver",
                           def->clock_offset);
    if (def->clock_adjustment || def->clock_basis || def->clock_timezone)
        return unsupported("clock adjustment is not supported by this QEMU driver");
    for (size_t i = 0; i < def->nboot; i++) {
        static const char *const devs[] = {"hd", "cdrom", "network", "fd", NULL};
        if (!one_of(def->boot[i], devs))
            return unsupported("boot device '%s' is not supported by this QEMU driver",
                               def->boot[i]);
    }
    const struct dx_cpu *c = &def->cpu;
    if (!is(c->mode, "custom"))
        return unsupported("cpu mode '%s' is not supported by this QEMU driver", c->mode);
    if (!is(c->model, "qemu64"))
        return unsupported("cpu model '%s' is not supported by this QEMU driver (only "
                           "qemu64 is)",
                           c->model ? c->model : "");
    for (size_t i = 0; i < c->nfeatures; i++)
        if (!is(c->features[i].policy, "require") && !is(c->features[i].policy, "disable"))
            return unsupported("cpu feature policy '%s' is not supported by this QEMU driver "
                               "(require and disable are)",
                               c->features[i].policy);
    return no_extra(c->extra, "cpu");
}

static int validate_disks(const struct dx_def *def)
{
    int ide_disks = 0;

    for (size_t i = 0; i < def->ndisks; i++) {
        const struct dx_disk *d = &def->disks[i];
        char what[64];
        snprintf(what, sizeof(what), "disk '%s'", d->dst);
        if (!is(d->type, "file") && !is(d->type, "volume"))
            return unsupported("%s: disk type '%s' is not supported by this QEMU driver", what,
                               d->type);
        if (!is(d->device, "disk") && !is(d->device, "cdrom"))
            return unsupported("%s: disk device '%s' is not supported by this QEMU driver",
                               what, d->device);
        if (d->bus != DX_BUS_VIRTIO && d->bus != DX_BUS_IDE)
            return unsupported("%s: disk bus '%s' is not supported by this QEMU driver", what,
                               dx_bus_names[d->bus]);
        if (d->bus == DX_BUS_VIRTIO && is(d->device, "cdrom"))
            return unsupported("%s: a cdrom on the virtio bus is not supported by this QEMU "
                               "driver",
                               what);
        if (d->bus == DX_BUS_IDE) {
            if (d->addr.type != DX_ADDR_DRIVE || d->addr.controller != 0 || d->addr.dbus > 1 ||
                d->addr.target != 0 || d->addr.unit > 1) {
                error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                             "Only a single IDE controller is supported for this machine "
                             "type");
                return -1;
            }
            if (d->readonly && is(d->device, "disk")) {
                error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                             "readonly ide disks are not supported");
                return -1;
            }
            ide_disks++;
        }
        /* A volume's format is the volume's until it starts. */
        if (!is(d->drv_name, "qemu") ||
            !(is(d->drv_type, "raw") || is(d->drv_type, "qcow2") ||
              (!d->drv_type && is(d->type, "volume"))))
            return unsupported("%s: driver name '%s' type '%s' is not supported by this QEMU "
                               "driver (only qemu, raw or qcow2)",
                               what, d->drv_name ? d->drv_name : "", d->drv_type ? d->drv_type : "");
        if (d->drv_cache || d->drv_io || (d->drv_discard && !is(d->drv_discard, "unmap")))
            return unsupported("%s: driver cache, io and discard other than unmap are not "
                               "supported by this QEMU driver",
                               what);
        if (d->shareable || d->serial)
            return unsupported("%s: <%s> is not supported by this QEMU driver", what,
                               d->shareable ? "shareable" : "serial");
        if (no_extra(d->extra, what) < 0)
            return -1;
    }
    (void)ide_disks;
    return 0;
}

static int validate_controllers(const struct dx_def *def)
{
    for (size_t i = 0; i < def->nctrls; i++) {
        const struct dx_controller *c = &def->ctrls[i];
        char what[64];
        snprintf(what, sizeof(what), "controller type '%s' index '%d'",
                 dx_ctrl_names[c->type], c->index);
        int ok = (c->type == DX_CTRL_PCI && c->index == 0 && is(c->model, "pci-root")) ||
                 (c->type == DX_CTRL_IDE && c->index == 0 && !c->model) ||
                 (c->type == DX_CTRL_USB && c->index == 0 &&
                  (is(c->model, "piix3-uhci") || is(c->model, "none")));
        if (!ok)
            return unsupported("%s%s%s is not supported by this QEMU driver", what,
                               c->model ? " model " : "", c->model ? c->model : "");
        if (c->type == DX_CTRL_IDE &&
            (c->addr.type != DX_ADDR_PCI || c->addr.slot != 1 || c->addr.function != 1)) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                         "Primary IDE controller must have PCI address 0:0:1.1");
            return -1;
        }
        if (c->type == DX_CTRL_USB && is(c->model, "piix3-uhci") &&
            (c->addr.type != DX_ADDR_PCI || c->addr.slot != 1 || c->addr.function != 2)) {
            error_report(ERR_CONFIG_UNSUPPORTED, FROM_QEMU,
                         "PIIX3 USB controller at index 0 must have PCI address 0:0:1.2");
            return -1;
        }
        if (no_extra(c->extra, what) < 0)
            return -1;
    }
    return 0;
}

static int validate_nets(const struct dx_def *def, int when)
{
    static const char *const models[] = {"rtl8139", "e1000", "virtio", NULL};

    for (size_t i = 0; i < def->nnets; i++) {
        const struct dx_net *n = &def->nets[i];
        char what[64];
        snprintf(what, sizeof(what), "interface %zu", i);
        if (is(n->type, "network") || is(n->type, "bridge")) {
            if (when == QEMU_VALIDATE_START)
                return unsupported("%s: interface type '%s' needs a network or bridge that "
                                   "this QEMU driver does not set up",
                                   what, n->type);
        } else if (!is(n->type, "user") && !is(n->type, "ethernet")) {
            return unsupported("%s: interface type '%s' is not supported by this QEMU driver",
                               what, n->type);
        }
        if (!one_of(n->model, models))
            return unsupported("%s: interface model '%s' is not supported by this QEMU "
                               "driver",
                               what, n->model);
        if (n->ifname && !is(n->type, "ethernet"))
            return unsupported("%s: <target dev> is not supported by this QEMU driver", what);
        if (is(n->type, "ethernet") && n->ifname)
            return unsupported("%s: a chosen tap name is not supported by this QEMU driver",
                               what);
        if (no_extra(n->extra, what) < 0)
            return -1;
    }
    return 0;
}

static int validate_chardevs(const struct dx_def *def)
{
    for (size_t i = 0; i < def->nserials; i++) {
        const struct dx_chr *c = &def->serials[i];
        char what[64];
        snprintf(what, sizeof(what), "serial %zu", i);
        if (!is(c->type, "pty") && !is(c->type, "file"))
            return unsupported("%s: serial type '%s' is not supported by this QEMU driver",
                               what, c->type);
        if (is(c->type, "file") && !c->path) {
            error_report(ERR_XML_ERROR, FROM_DOMAIN,
                         "Missing source path attribute for char device");
            return -1;
        }
        if (!is(c->target_type, "isa-serial") || !is(c->target_model, "isa-serial"))
            return unsupported("%s: target type '%s' is not supported by this QEMU driver",
                               what, c->target_type ? c->target_type : "");
        if (c->port > 3)
            return unsupported("%s: isa-serial port %d is not supported (0 to 3 are)", what,
                               c->port);
        if (c->append && !is(c->append, "on") && !is(c->append, "off"))
            return unsupported("%s: append='%s' is not supported", what, c->append);
        if (no_extra(c->extra, what) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (def->serials[j].port == c->port)
                return unsupported("%s: port %d is used twice", what, c->port);
    }
    for (size_t i = 0; i < def->nconsoles; i++) {
        const struct dx_chr *c = &def->consoles[i];
        if (!is(c->target_type, "serial") || i > 0)
            return unsupported("console %zu: only the serial console (target type 'serial') "
                               "is supported by this QEMU driver",
                               i);
    }
    return 0;
}

static int validate_others(const struct dx_def *def)
{
    char name[64];

    for (size_t i = 0; i < def->ninputs; i++) {
        const struct dx_input *in = &def->inputs[i];
        int ps2 = is(in->bus, "ps2") && (is(in->type, "mouse") || is(in->type, "keyboard"));
        int usb = is(in->bus, "usb") &&
                  (is(in->type, "tablet") || is(in->type, "mouse") || is(in->type, "keyboard"));
        if (!ps2 && !usb)
            return unsupported("input type '%s' bus '%s' is not supported by this QEMU driver",
                               in->type, in->bus);
        if (usb && (in->addr.type != DX_ADDR_USB || in->addr.usb_bus != 0 ||
                    strchr(in->addr.usb_port, '.')))
            return unsupported("input %zu: a USB address other than a port of bus 0 is not "
                               "supported by this QEMU driver",
                               i);
        if (no_extra(in->extra, "input") < 0)
            return -1;
    }
    for (size_t i = 0; i < def->ngraphics; i++) {
        const struct dx_graphics *g = &def->graphics[i];
        if (!is(g->type, "vnc") || i > 0)
            return unsupported("graphics type '%s' is not supported by this QEMU driver (one "
                               "vnc is)",
                               g->type);
        if (!g->autoport && (g->port < 5900 || g->port > 65535))
            return unsupported("vnc port %d is not supported by this QEMU driver", g->port);
        if (no_extra(g->extra, "graphics") < 0)
            return -1;
    }
    for (size_t i = 0; i < def->nvideos; i++) {
        const struct dx_video *v = &def->videos[i];
        if ((!is(v->model, "cirrus") && !is(v->model, "vga")) || i > 0)
            return unsupported("video model '%s' is not supported by this QEMU driver (one "
                               "cirrus or vga is)",
                               v->model);
        if (v->heads != 1 || v->ram || v->vram != 16384)
            return unsupported("video: vram other than 16384, ram and heads are not "
                               "supported by this QEMU driver");
        if (no_extra(v->extra, "video") < 0)
            return -1;
    }
    for (size_t i = 0; i < def->naudios; i++)
        if (!is(def->audios[i].type, "none") || def->audios[i].id != 1 || i > 0 ||
            no_extra(def->audios[i].extra, "audio") < 0)
            return error_last() ? -1
                                : unsupported("audio type '%s' is not supported by this QEMU "
                                              "driver (only one, type none)",
                                              def->audios[i].type);
    if (!is(def->balloon_model, "virtio") && !is(def->balloon_model, "none"))
        return unsupported("memballoon model '%s' is not supported by this QEMU driver",
                           def->balloon_model);
    if (no_extra(def->balloon_extra, "memballoon") < 0)
        return -1;
    for (size_t i = 0; i < def->kept_devices.n; i++) {
        kept_name(&def->kept_devices.items[i], name, sizeof(name));
        return unsupported("device <%s> is not supported by this QEMU driver", name);
    }
    return 0;
}

int qemu_validate(const struct dx_def *def, int when)
{
    error_clear();
    if (def->driver != DX_DRIVER_QEMU) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "not a QEMU domain definition");
        return -1;
    }
    /* Devices before the controllers they imply (a virtio console's
     * virtio-serial), so that the message names what the user wrote. */
    if (validate_lifecycle(def) < 0 || validate_domain(def) < 0 || validate_disks(def) < 0 ||
        validate_nets(def, when) < 0 || validate_chardevs(def) < 0 ||
        validate_others(def) < 0 || validate_controllers(def) < 0)
        return -1;
    return 0;
}

/* ---- the command ---- */

int qemu_command_files(const struct dx_def *def, struct qemu_file **files, size_t *n)
{
    *files = NULL;
    *n = 0;
    for (size_t i = 0; i < def->nserials; i++) {
        const struct dx_chr *c = &def->serials[i];
        if (!is(c->type, "file"))
            continue;
        struct qemu_file *p = realloc(*files, (*n + 1) * sizeof(**files));
        if (!p) {
            free(*files);
            *files = NULL;
            *n = 0;
            error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
            return -1;
        }
        *files = p;
        p[*n].path = c->path;
        p[*n].flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (is(c->append, "on") ? 0 : O_TRUNC);
        p[*n].mode = 0600;
        (*n)++;
    }
    return 0;
}

struct cmd {
    struct qemu_command *out;
    int failed;
};

static void add(struct cmd *c, const char *arg)
{
    char *copy = arg ? strdup(arg) : NULL;
    char **p = copy ? realloc(c->out->argv, (c->out->argc + 2) * sizeof(char *)) : NULL;

    if (!p) {
        free(copy);
        c->failed = 1;
        return;
    }
    c->out->argv = p;
    p[c->out->argc++] = copy;
    p[c->out->argc] = NULL;
}

/* Adds an argument that was built (and may have failed to be). */
static void add_take(struct cmd *c, char *arg)
{
    if (!arg)
        c->failed = 1;
    else
        add(c, arg);
    free(arg);
}

__attribute__((format(printf, 2, 3))) static void addf(struct cmd *c, const char *fmt, ...)
{
    char *s = NULL;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    add_take(c, s);
}

static void pass_fd(struct cmd *c, int fd)
{
    int *p = realloc(c->out->fds, (c->out->nfds + 1) * sizeof(int));

    if (!p) {
        c->failed = 1;
        return;
    }
    c->out->fds = p;
    p[c->out->nfds++] = fd;
}

/* A value inside a QEMU option list (-name guest=...): commas doubled. */
static char *opt_escape(const char *s)
{
    struct sb b = {0};

    for (; *s; s++)
        sb_printf(&b, *s == ',' ? ",," : "%c", *s);
    return sb_take(&b);
}

/* The boot index of each disk and interface: <boot order> when a device
 * has one, otherwise each <boot dev> in turn given to the first device
 * of its kind (libvirt's effective boot index). */
static void boot_indexes(const struct dx_def *def, unsigned int *disk, unsigned int *net)
{
    unsigned int cd = 0, hd = 0, fd = 0, nw = 0;

    for (size_t i = 0; i < def->ndisks; i++)
        disk[i] = def->disks[i].boot_order;
    for (size_t i = 0; i < def->nnets; i++)
        net[i] = def->nets[i].boot_order;
    for (size_t i = 0; i < def->nboot; i++) {
        unsigned int at = (unsigned int)i + 1;
        if (is(def->boot[i], "cdrom"))
            cd = at;
        else if (is(def->boot[i], "hd"))
            hd = at;
        else if (is(def->boot[i], "fd"))
            fd = at;
        else if (is(def->boot[i], "network"))
            nw = at;
    }
    if (def->nboot == 0)
        return;
    for (size_t i = 0; i < def->ndisks; i++) {
        unsigned int *take = is(def->disks[i].device, "cdrom")    ? &cd
                             : is(def->disks[i].device, "floppy") ? &fd
                                                                  : &hd;
        disk[i] = *take;
        *take = 0;
    }
    if (def->nnets > 0)
        net[0] = nw;
}

static void build_disk(struct cmd *c, const struct dx_def *def, size_t i, unsigned int boot)
{
    const struct dx_disk *d = &def->disks[i];
    size_t node = def->ndisks - i;
    char storage[48], format[48], alias[64];
    struct json j = {0};

    snprintf(storage, sizeof(storage), "libvirt-%zu-storage", node);
    snprintf(format, sizeof(format), "libvirt-%zu-format", node);
    const char *file = d->src ? d->src : d->vol_path;
    if (file) {
        add(c, "-blockdev");
        j_str(&j, "driver", "file");
        j_str(&j, "filename", file);
        j_str(&j, "node-name", storage);
        j_bool(&j, "auto-read-only", 1);
        j_str(&j, "discard", "unmap");
        add_take(c, j_end(&j));
        add(c, "-blockdev");
        j_str(&j, "node-name", format);
        j_bool(&j, "read-only", d->readonly);
        if (d->drv_discard)
            j_str(&j, "discard", d->drv_discard);
        j_str(&j, "driver", d->drv_type);
        j_str(&j, "file", storage);
        /* No backing chain: libvirt says so for every qcow2 image it
         * finds none in. */
        if (is(d->drv_type, "qcow2"))
            j_null(&j, "backing");
        add_take(c, j_end(&j));
    }
    dx_alias(def, DX_DEV_DISK, i, alias, sizeof(alias));
    add(c, "-device");
    if (d->bus == DX_BUS_VIRTIO) {
        j_str(&j, "driver", "virtio-blk-pci");
        j_pci(&j, &d->addr);
        j_str(&j, "drive", format);
        j_str(&j, "id", alias);
    } else {
        char bus[16];
        snprintf(bus, sizeof(bus), "ide.%u", d->addr.dbus);
        j_str(&j, "driver", is(d->device, "cdrom") ? "ide-cd" : "ide-hd");
        j_str(&j, "bus", bus);
        j_uint(&j, "unit", d->addr.unit);
        if (file)
            j_str(&j, "drive", format);
        j_str(&j, "id", alias);
    }
    if (boot)
        j_uint(&j, "bootindex", boot);
    add_take(c, j_end(&j));
}

static int build_net(struct cmd *c, const struct dx_def *def, size_t i, unsigned int boot,
                     const struct qemu_start *st)
{
    const struct dx_net *n = &def->nets[i];
    char id[32], alias[64], mac[24];
    struct json j = {0};

    snprintf(id, sizeof(id), "hostnet%zu", i);
    add(c, "-netdev");
    if (is(n->type, "ethernet")) {
        char fd[16];
        if (!st->tap_fds || st->tap_fds[i] < 0) {
            error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "no tap device for interface %zu", i);
            return -1;
        }
        snprintf(fd, sizeof(fd), "%d", st->tap_fds[i]);
        j_str(&j, "type", "tap");
        j_str(&j, "fd", fd);
        pass_fd(c, st->tap_fds[i]);
    } else {
        j_str(&j, "type", "user");
    }
    j_str(&j, "id", id);
    add_take(c, j_end(&j));
    snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0], n->mac[1],
             n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
    add(c, "-device");
    j_str(&j, "driver", is(n->model, "virtio") ? "virtio-net-pci" : n->model);
    j_str(&j, "netdev", id);
    j_str(&j, "id", dx_alias(def, DX_DEV_NET, i, alias, sizeof(alias)));
    j_str(&j, "mac", mac);
    if (boot)
        j_uint(&j, "bootindex", boot);
    j_pci(&j, &n->addr);
    add_take(c, j_end(&j));
    return 0;
}

static void build_serials(struct cmd *c, const struct dx_def *def, const struct qemu_start *st)
{
    size_t file = 0;
    unsigned int fdset = 0;

    for (size_t i = 0; i < def->nserials; i++) {
        const struct dx_chr *s = &def->serials[i];
        char alias[64];
        struct json j = {0};

        dx_alias(def, DX_DEV_SERIAL, i, alias, sizeof(alias));
        if (is(s->type, "file")) {
            int fd = st->file_fds[file++];
            add(c, "-add-fd");
            addf(c, "set=%u,fd=%d,opaque=%s-source", fdset, fd, alias);
            pass_fd(c, fd);
            add(c, "-chardev");
            addf(c, "file,id=char%s,path=/dev/fdset/%u,append=on", alias, fdset);
            fdset++;
        } else {
            add(c, "-chardev");
            addf(c, "pty,id=char%s", alias);
        }
        char chardev[80];
        snprintf(chardev, sizeof(chardev), "char%s", alias);
        add(c, "-device");
        j_str(&j, "driver", "isa-serial");
        j_str(&j, "chardev", chardev);
        j_str(&j, "id", alias);
        j_uint(&j, "index", (unsigned int)s->port);
        add_take(c, j_end(&j));
    }
}

static void build_inputs(struct cmd *c, const struct dx_def *def)
{
    for (size_t i = 0; i < def->ninputs; i++) {
        const struct dx_input *in = &def->inputs[i];
        char alias[64];
        struct json j = {0};

        if (!is(in->bus, "usb"))
            continue;
        add(c, "-device");
        j_str(&j, "driver", is(in->type, "tablet")  ? "usb-tablet"
                            : is(in->type, "mouse") ? "usb-mouse"
                                                    : "usb-kbd");
        j_str(&j, "id", dx_alias(def, DX_DEV_INPUT, i, alias, sizeof(alias)));
        j_str(&j, "bus", "usb.0");
        j_str(&j, "port", in->addr.usb_port);
        add_take(c, j_end(&j));
    }
}

static void build_vnc(struct cmd *c, const struct dx_def *def, const struct qemu_start *st)
{
    for (size_t i = 0; i < def->ngraphics; i++) {
        const struct dx_graphics *g = &def->graphics[i];
        const char *listen = g->listen ? g->listen : st->vnc_listen ? st->vnc_listen : "127.0.0.1";
        int port = g->autoport ? st->vnc_port : g->port;
        int v6 = strchr(listen, ':') != NULL;

        add(c, "-vnc");
        addf(c, "%s%s%s:%d,audiodev=audio%u", v6 ? "[" : "", listen, v6 ? "]" : "", port - 5900,
             def->naudios ? def->audios[0].id : 1);
    }
}

static void build_video(struct cmd *c, const struct dx_def *def)
{
    for (size_t i = 0; i < def->nvideos; i++) {
        const struct dx_video *v = &def->videos[i];
        char alias[64];
        struct json j = {0};

        add(c, "-device");
        j_str(&j, "driver", is(v->model, "vga") ? "VGA" : "cirrus-vga");
        j_str(&j, "id", dx_alias(def, DX_DEV_VIDEO, i, alias, sizeof(alias)));
        if (is(v->model, "vga"))
            j_uint(&j, "vgamem_mb", v->vram / 1024);
        j_pci(&j, &v->addr);
        add_take(c, j_end(&j));
    }
}

/* -cpu: the model and each feature, on or off, by QEMU's name for it
 * (lahf_lm is lahf-lm). */
static char *cpu_option(const struct dx_cpu *c)
{
    struct sb b = {0};

    sb_printf(&b, "%s", c->model);
    for (size_t i = 0; i < c->nfeatures; i++) {
        sb_printf(&b, ",");
        for (const char *p = c->features[i].name; *p; p++)
            sb_printf(&b, "%c", *p == '_' ? '-' : *p);
        sb_printf(&b, "=%s", is(c->features[i].policy, "disable") ? "off" : "on");
    }
    return sb_take(&b);
}

int qemu_command_build(const struct dx_def *def, const struct qemu_start *st,
                       struct qemu_command *out)
{
    struct cmd c = {.out = out};
    struct json j = {0};
    char uuid[37];
    unsigned int *disk_boot = NULL, *net_boot = NULL;
    struct qemu_file *files = NULL;
    size_t nfiles = 0;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    if (qemu_validate(def, QEMU_VALIDATE_START) < 0 ||
        qemu_command_files(def, &files, &nfiles) < 0)
        goto out;
    if (st->monitor_fd < 0 || !st->master_key || (nfiles > 0 && !st->file_fds)) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU,
                     "the start gave no monitor socket, master key or serial file");
        goto out;
    }
    disk_boot = calloc(def->ndisks + 1, sizeof(*disk_boot));
    net_boot = calloc(def->nnets + 1, sizeof(*net_boot));
    if (!disk_boot || !net_boot)
        goto nomem;
    boot_indexes(def, disk_boot, net_boot);
    /* QEMU is given whole MiB: libvirt rounds the memory up so. */
    uint64_t mib = (def->max_kib + 1023) / 1024;

    add(&c, def->emulator);
    add(&c, "-name");
    char *name = opt_escape(def->name);
    if (name)
        addf(&c, "guest=%s,debug-threads=on", name);
    else
        c.failed = 1;
    free(name);
    add(&c, "-S");
    add(&c, "-object");
    j_str(&j, "qom-type", "secret");
    j_str(&j, "id", "masterKey0");
    j_str(&j, "format", "raw");
    j_str(&j, "file", st->master_key);
    add_take(&c, j_end(&j));
    add(&c, "-machine");
    addf(&c, "%s,usb=off,dump-guest-core=off,memory-backend=pc.ram", def->machine);
    add(&c, "-accel");
    add(&c, is(def->virt_type, "kvm") ? "kvm" : "tcg");
    add(&c, "-cpu");
    add_take(&c, cpu_option(&def->cpu));
    add(&c, "-m");
    addf(&c, "%llu", (unsigned long long)mib);
    add(&c, "-object");
    j_str(&j, "qom-type", "memory-backend-ram");
    j_str(&j, "id", "pc.ram");
    j_uint(&j, "size", (unsigned long long)mib * 1024 * 1024);
    add_take(&c, j_end(&j));
    add(&c, "-overcommit");
    add(&c, "mem-lock=off");
    add(&c, "-smp");
    if (def->vcpus != def->vcpus_max)
        addf(&c, "%u,maxcpus=%u,sockets=%u,cores=1,threads=1", def->vcpus, def->vcpus_max,
             def->vcpus_max);
    else
        addf(&c, "%u,sockets=%u,cores=1,threads=1", def->vcpus, def->vcpus);
    add(&c, "-uuid");
    uuid_format(def->uuid, uuid);
    add(&c, uuid);
    if (def->ngraphics == 0) {
        add(&c, "-display");
        add(&c, "none");
    }
    add(&c, "-no-user-config");
    add(&c, "-nodefaults");
    add(&c, "-chardev");
    addf(&c, "socket,id=charmonitor,fd=%d,server=on,wait=off", st->monitor_fd);
    pass_fd(&c, st->monitor_fd);
    add(&c, "-mon");
    add(&c, "chardev=charmonitor,id=monitor,mode=control");
    struct pm_timers pt;
    if (read_pm_timers(def, &pt) < 0)
        goto out;
    add(&c, "-rtc");
    addf(&c, "base=%s%s", def->clock_offset, pt.rtc_slew ? ",driftfix=slew" : "");
    for (size_t i = 0; i < pt.nargs; i++)
        add(&c, pt.args[i]);
    add(&c, "-no-shutdown");
    if (!(def->features & 1u))
        add(&c, "-no-acpi");
    if (pt.s3 >= 0) {
        add(&c, "-global");
        addf(&c, "PIIX4_PM.disable_s3=%d", !pt.s3);
    }
    if (pt.s4 >= 0) {
        add(&c, "-global");
        addf(&c, "PIIX4_PM.disable_s4=%d", !pt.s4);
    }
    add(&c, "-boot");
    add(&c, "strict=on");
    if (def->kernel) {
        add(&c, "-kernel");
        add(&c, def->kernel);
    }
    if (def->initrd) {
        add(&c, "-initrd");
        add(&c, def->initrd);
    }
    if (def->cmdline) {
        add(&c, "-append");
        add(&c, def->cmdline);
    }
    for (size_t i = 0; i < def->nctrls; i++) {
        const struct dx_controller *ct = &def->ctrls[i];
        char alias[64];
        if (ct->type != DX_CTRL_USB || !is(ct->model, "piix3-uhci"))
            continue;
        add(&c, "-device");
        j_str(&j, "driver", "piix3-usb-uhci");
        j_str(&j, "id", dx_alias(def, DX_DEV_CONTROLLER, i, alias, sizeof(alias)));
        j_pci(&j, &ct->addr);
        add_take(&c, j_end(&j));
    }
    for (size_t i = 0; i < def->ndisks; i++)
        build_disk(&c, def, i, disk_boot[i]);
    for (size_t i = 0; i < def->nnets; i++)
        if (build_net(&c, def, i, net_boot[i], st) < 0)
            goto out;
    build_serials(&c, def, st);
    build_inputs(&c, def);
    for (size_t i = 0; i < def->naudios; i++) {
        add(&c, "-audiodev");
        char id[32];
        snprintf(id, sizeof(id), "audio%u", def->audios[i].id);
        j_str(&j, "id", id);
        j_str(&j, "driver", def->audios[i].type);
        add_take(&c, j_end(&j));
    }
    build_vnc(&c, def, st);
    build_video(&c, def);
    if (is(def->balloon_model, "virtio")) {
        add(&c, "-device");
        j_str(&j, "driver", "virtio-balloon-pci");
        j_str(&j, "id", "balloon0");
        j_pci(&j, &def->balloon_addr);
        add_take(&c, j_end(&j));
    }
    add(&c, "-sandbox");
    add(&c, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    add(&c, "-msg");
    add(&c, "timestamp=on");
    if (c.failed)
        goto nomem;
    ret = 0;
    goto out;
nomem:
    error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
out:
    free(disk_boot);
    free(net_boot);
    free(files);
    return ret;
}

void qemu_command_free(struct qemu_command *cmd)
{
    for (size_t i = 0; i < cmd->argc; i++)
        free(cmd->argv[i]);
    free(cmd->argv);
    free(cmd->fds);
    memset(cmd, 0, sizeof(*cmd));
}

/* a b c, malloc'd, or NULL. */
static char *concat(const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);

    if (s) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb);
        memcpy(s + la + lb, c, lc + 1);
    }
    return s;
}

char **qemu_command_env(const char *libdir)
{
    static const char *const vars[][2] = {
        {"LC_ALL=C", NULL},
        {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL},
        {"HOME=", ""},
        {"XDG_DATA_HOME=", "/.local/share"},
        {"XDG_CACHE_HOME=", "/.cache"},
        {"XDG_CONFIG_HOME=", "/.config"},
    };
    size_t n = sizeof(vars) / sizeof(vars[0]);
    char **env = calloc(n + 1, sizeof(char *));

    for (size_t i = 0; env && i < n; i++) {
        env[i] = vars[i][1] ? concat(vars[i][0], libdir, vars[i][1]) : strdup(vars[i][0]);
        if (!env[i]) {
            qemu_command_env_free(env);
            env = NULL;
        }
    }
    return env;
}

void qemu_command_env_free(char **env)
{
    for (size_t i = 0; env && env[i]; i++)
        free(env[i]);
    free(env);
}

/* libvirt's shell quoting for its log: as is when nothing in it is special
 * to a shell, otherwise in single quotes. */
static void shell_quote(struct sb *b, const char *s)
{
    if (*s && !strpbrk(s, "\r\t\n !\"#$&'()*;<>?[\\]^`{|}~")) {
        sb_printf(b, "%s", s);
        return;
    }
    sb_printf(b, "'");
    for (; *s; s++)
        sb_printf(b, *s == '\'' ? "'\\''" : "%c", *s);
    sb_printf(b, "'");
}

char *qemu_command_format(char *const *env, const struct qemu_command *cmd)
{
    struct sb b = {0};

    for (size_t i = 0; env && env[i]; i++) {
        const char *eq = strchr(env[i], '=');
        size_t n = eq ? (size_t)(eq - env[i]) + 1 : strlen(env[i]);
        sb_printf(&b, "%.*s", (int)n, env[i]);
        if (eq)
            shell_quote(&b, eq + 1);
        sb_printf(&b, " \\\n");
    }
    /* An option and its value share a line. */
    for (size_t i = 0; i < cmd->argc; i++) {
        shell_quote(&b, cmd->argv[i]);
        sb_printf(&b, "%s", i + 1 == cmd->argc           ? "\n"
                            : cmd->argv[i + 1][0] == '-' ? " \\\n"
                                                         : " ");
    }
    return sb_take(&b);
}

const char *qemu_command_reboot_action(const struct dx_def *def)
{
    /* Real libvirt 9.0 sends {"reboot":"shutdown"} whenever on_reboot is
     * destroy (seen in its libvirtd.log with on_crash restart too). */
    return is(def->on_reboot, "destroy") ? "shutdown" : NULL;
}

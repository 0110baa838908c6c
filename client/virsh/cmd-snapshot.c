/* Snapshot and checkpoint commands. Wording, layout and the API calls made
 * follow real virsh 9.0's (what it prints, in which order it asks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "vsh.h"

#define OPT_DOMAIN {"domain", VSH_OT_DATA, VSH_OFLAG_REQ}
#define OPT_END {NULL, 0, 0}

enum { KIND_SNAPSHOT, KIND_CHECKPOINT };

static bool exclusive(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *a, const char *b)
{
    if (vsh_opt_bool(cmd, a) && vsh_opt_bool(cmd, b)) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", a, b);
        return false;
    }
    return true;
}

/* Text with XML's specials escaped, appended to *buf (a malloc'd string). */
static void append(char **buf, const char *s)
{
    size_t a = *buf ? strlen(*buf) : 0, b = strlen(s);
    char *p = realloc(*buf, a + b + 1);
    if (!p)
        return;
    memcpy(p + a, s, b + 1);
    *buf = p;
}

static void append_esc(char **buf, const char *s)
{
    char one[2] = {0, 0};
    for (; *s; s++) {
        switch (*s) {
        case '<': append(buf, "&lt;"); break;
        case '>': append(buf, "&gt;"); break;
        case '&': append(buf, "&amp;"); break;
        case '\'': append(buf, "&apos;"); break;
        case '"': append(buf, "&quot;"); break;
        default:
            one[0] = *s;
            append(buf, one);
        }
    }
}

/* An XML document's string at xpath, or NULL (caller frees). */
static char *xpath_string(const char *xml, const char *expr)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "snapshot.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    char *r = NULL;
    if (!doc)
        return NULL;
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = ctx ? xmlXPathEvalExpression((const xmlChar *)expr, ctx) : NULL;
    if (obj && obj->type == XPATH_STRING && obj->stringval && *obj->stringval)
        r = strdup((const char *)obj->stringval);
    else if (obj && obj->type == XPATH_BOOLEAN)
        r = strdup(obj->boolval ? "1" : "0");
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return r;
}

/* ---- what the two kinds share ---- */

/* A snapshot or checkpoint handle with the calls that differ by kind. */
struct moment {
    int kind;
    void *h;
};

static const char *m_name(struct moment m)
{
    return m.kind == KIND_SNAPSHOT ? virDomainSnapshotGetName(m.h)
                                   : virDomainCheckpointGetName(m.h);
}

static void m_free(struct moment m)
{
    if (!m.h)
        return;
    if (m.kind == KIND_SNAPSHOT)
        virDomainSnapshotFree(m.h);
    else
        virDomainCheckpointFree(m.h);
}

static char *m_xml(struct moment m, unsigned int flags)
{
    return m.kind == KIND_SNAPSHOT ? virDomainSnapshotGetXMLDesc(m.h, flags)
                                   : virDomainCheckpointGetXMLDesc(m.h, flags);
}

static const char *const kind_word[] = {"snapshot", "checkpoint"};

/* The moment the command names: the `arg` option, or --current (snapshots
 * only). 0, or -1 with the error printed. */
static int lookup(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, int kind, const char *arg,
                  bool exclusive_current, virDomainPtr dom, struct moment *out)
{
    const char *name = vsh_opt_string(cmd, arg);
    bool current = kind == KIND_SNAPSHOT && vsh_opt_bool(cmd, "current");

    out->kind = kind;
    out->h = NULL;
    if (current && name) {
        if (exclusive_current) {
            vsh_error(ctl, "--%s and --current are mutually exclusive", arg);
            return -1;
        }
    }
    if (name) {
        out->h = kind == KIND_SNAPSHOT ? (void *)virDomainSnapshotLookupByName(dom, name, 0)
                                       : (void *)virDomainCheckpointLookupByName(dom, name, 0);
    } else if (current) {
        out->h = virDomainSnapshotCurrent(dom, 0);
    } else {
        if (kind == KIND_SNAPSHOT)
            vsh_error(ctl, "--%s or --current is required", arg);
        else
            vsh_error(ctl, "--%s is required", arg);
        return -1;
    }
    if (!out->h) {
        vsh_report_error(ctl);
        return -1;
    }
    return 0;
}

/* The parent's name (caller frees), NULL when there is none; -1 with the
 * error printed when it cannot be told. */
static int parent_of(struct vsh_ctl *ctl, struct moment m, char **parent)
{
    void *p = m.kind == KIND_SNAPSHOT ? (void *)virDomainSnapshotGetParent(m.h, 0)
                                      : (void *)virDomainCheckpointGetParent(m.h, 0);
    *parent = NULL;
    if (p) {
        struct moment pm = {m.kind, p};
        *parent = strdup(m_name(pm));
        m_free(pm);
        return 0;
    }
    int none = m.kind == KIND_SNAPSHOT ? VIR_ERR_NO_DOMAIN_SNAPSHOT : VIR_ERR_NO_DOMAIN_CHECKPOINT;
    if (ctl->last_error && ctl->last_error->code == none) {
        vsh_reset_libvirt_error(ctl);
        return 0;
    }
    vsh_report_error(ctl);
    vsh_error(ctl, "unable to determine if %s has parent", kind_word[m.kind]);
    return -1;
}

/* ---- creating ---- */

static bool created(struct vsh_ctl *ctl, struct moment m, const char *from)
{
    const char *name = m_name(m);
    if (from)
        vsh_print_extra(ctl, "Domain %s %s created from '%s'", kind_word[m.kind], name, from);
    else
        vsh_print_extra(ctl, "Domain %s %s created", kind_word[m.kind], name);
    m_free(m);
    return true;
}

static const struct vsh_opt_def opts_snapshot_create[] = {
    OPT_DOMAIN,
    {"xmlfile", VSH_OT_STRING, 0},
    {"redefine", VSH_OT_BOOL, 0},
    {"current", VSH_OT_BOOL, 0},
    {"no-metadata", VSH_OT_BOOL, 0},
    {"halt", VSH_OT_BOOL, 0},
    {"disk-only", VSH_OT_BOOL, 0},
    {"reuse-external", VSH_OT_BOOL, 0},
    {"quiesce", VSH_OT_BOOL, 0},
    {"atomic", VSH_OT_BOOL, 0},
    {"live", VSH_OT_BOOL, 0},
    {"validate", VSH_OT_BOOL, 0},
    OPT_END,
};

static const struct {
    const char *opt;
    unsigned int flag;
} snap_create_flags[] = {
    {"redefine", VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE},
    {"current", VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT},
    {"no-metadata", VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA},
    {"halt", VIR_DOMAIN_SNAPSHOT_CREATE_HALT},
    {"disk-only", VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY},
    {"reuse-external", VIR_DOMAIN_SNAPSHOT_CREATE_REUSE_EXT},
    {"quiesce", VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE},
    {"atomic", VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC},
    {"live", VIR_DOMAIN_SNAPSHOT_CREATE_LIVE},
    {"validate", VIR_DOMAIN_SNAPSHOT_CREATE_VALIDATE},
};

static unsigned int snap_flags(const struct vsh_cmd *cmd)
{
    unsigned int flags = 0;
    for (size_t i = 0; i < sizeof(snap_create_flags) / sizeof(snap_create_flags[0]); i++)
        if (vsh_opt_bool(cmd, snap_create_flags[i].opt))
            flags |= snap_create_flags[i].flag;
    return flags;
}

static bool snap_create(struct vsh_ctl *ctl, virDomainPtr dom, const char *xml,
                        unsigned int flags, const char *from)
{
    virDomainSnapshotPtr s = virDomainSnapshotCreateXML(dom, xml, flags);
    if (!s)
        return false;
    return created(ctl, (struct moment){KIND_SNAPSHOT, s}, from);
}

static bool cmd_snapshot_create(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "xmlfile");
    char *xml = NULL;
    bool ok;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);

    if (!dom)
        return false;
    if (file) {
        xml = vsh_read_file(ctl, file);
        if (!xml) {
            virDomainFree(dom);
            return false;
        }
    }
    ok = snap_create(ctl, dom, xml ? xml : "<domainsnapshot/>", snap_flags(cmd), file);
    free(xml);
    virDomainFree(dom);
    return ok;
}

/* --diskspec disk[,snapshot=type][,checkpoint=type][,bitmap=name][,file=...]
 * as a <disk/> element (only the parts the test driver reads). */
static bool diskspec(struct vsh_ctl *ctl, const char *spec, int kind, char **buf)
{
    char *copy = strdup(spec), *save = NULL;
    const char *name = NULL, *mode = NULL, *bitmap = NULL, *file = NULL, *driver = NULL;
    const char *stype = NULL;
    bool ok = true;
    if (!copy)
        return false;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!name)
            name = tok;
        else if (kind == KIND_SNAPSHOT && strncmp(tok, "snapshot=", 9) == 0)
            mode = tok + 9;
        else if (kind == KIND_CHECKPOINT && strncmp(tok, "checkpoint=", 11) == 0)
            mode = tok + 11;
        else if (kind == KIND_CHECKPOINT && strncmp(tok, "bitmap=", 7) == 0)
            bitmap = tok + 7;
        else if (kind == KIND_SNAPSHOT && strncmp(tok, "file=", 5) == 0)
            file = tok + 5;
        else if (kind == KIND_SNAPSHOT && strncmp(tok, "driver=", 7) == 0)
            driver = tok + 7;
        else if (kind == KIND_SNAPSHOT && strncmp(tok, "stype=", 6) == 0)
            stype = tok + 6;
        else {
            ok = false;
            break;
        }
    }
    if (!ok || !name) {
        vsh_error(ctl, "unable to parse diskspec: %s", spec);
        free(copy);
        return false;
    }
    append(buf, "    <disk name='");
    append_esc(buf, name);
    append(buf, "'");
    if (mode) {
        append(buf, kind == KIND_SNAPSHOT ? " snapshot='" : " checkpoint='");
        append_esc(buf, mode);
        append(buf, "'");
    }
    if (bitmap) {
        append(buf, " bitmap='");
        append_esc(buf, bitmap);
        append(buf, "'");
    }
    if (stype) {
        append(buf, " type='");
        append_esc(buf, stype);
        append(buf, "'");
    }
    if (driver || file) {
        append(buf, ">\n");
        if (driver) {
            append(buf, "      <driver type='");
            append_esc(buf, driver);
            append(buf, "'/>\n");
        }
        if (file) {
            append(buf, stype && strcmp(stype, "block") == 0 ? "      <source dev='"
                                                             : "      <source file='");
            append_esc(buf, file);
            append(buf, "'/>\n");
        }
        append(buf, "    </disk>\n");
    } else {
        append(buf, "/>\n");
    }
    free(copy);
    return true;
}

/* --memspec [file=]name[,snapshot=type] as a <memory/> element. */
static bool memspec(struct vsh_ctl *ctl, const char *spec, char **buf)
{
    char *copy = strdup(spec), *save = NULL;
    const char *file = NULL, *mode = NULL;
    bool ok = true;
    if (!copy)
        return false;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strncmp(tok, "snapshot=", 9) == 0)
            mode = tok + 9;
        else if (strncmp(tok, "file=", 5) == 0)
            file = tok + 5;
        else if (!file && !strchr(tok, '='))
            file = tok;
        else
            ok = false;
    }
    if (!ok) {
        vsh_error(ctl, "unable to parse memspec: %s", spec);
        free(copy);
        return false;
    }
    append(buf, "  <memory");
    if (mode) {
        append(buf, " snapshot='");
        append_esc(buf, mode);
        append(buf, "'");
    }
    if (file) {
        append(buf, " file='");
        append_esc(buf, file);
        append(buf, "'");
    }
    append(buf, "/>\n");
    free(copy);
    return true;
}

/* The XML snapshot-create-as and checkpoint-create-as send. */
static char *as_xml(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, int kind)
{
    const char *name = vsh_opt_string(cmd, "name"), *desc = vsh_opt_string(cmd, "description");
    const char *mem = kind == KIND_SNAPSHOT ? vsh_opt_string(cmd, "memspec") : NULL;
    size_t ndisks;
    const char *const *disks = vsh_opt_argv(cmd, &ndisks);
    char *buf = NULL;

    append(&buf, kind == KIND_SNAPSHOT ? "<domainsnapshot>\n" : "<domaincheckpoint>\n");
    if (name) {
        append(&buf, "  <name>");
        append_esc(&buf, name);
        append(&buf, "</name>\n");
    }
    if (desc) {
        append(&buf, "  <description>");
        append_esc(&buf, desc);
        append(&buf, "</description>\n");
    }
    if (mem && !memspec(ctl, mem, &buf)) {
        free(buf);
        return NULL;
    }
    if (ndisks) {
        append(&buf, "  <disks>\n");
        for (size_t i = 0; i < ndisks; i++) {
            if (!diskspec(ctl, disks[i], kind, &buf)) {
                free(buf);
                return NULL;
            }
        }
        append(&buf, "  </disks>\n");
    }
    append(&buf, kind == KIND_SNAPSHOT ? "</domainsnapshot>\n" : "</domaincheckpoint>\n");
    return buf;
}

static const struct vsh_opt_def opts_snapshot_create_as[] = {
    OPT_DOMAIN,
    {"name", VSH_OT_STRING, 0},
    {"description", VSH_OT_STRING, 0},
    {"print-xml", VSH_OT_BOOL, 0},
    {"no-metadata", VSH_OT_BOOL, 0},
    {"halt", VSH_OT_BOOL, 0},
    {"disk-only", VSH_OT_BOOL, 0},
    {"reuse-external", VSH_OT_BOOL, 0},
    {"quiesce", VSH_OT_BOOL, 0},
    {"atomic", VSH_OT_BOOL, 0},
    {"live", VSH_OT_BOOL, 0},
    {"validate", VSH_OT_BOOL, 0},
    {"memspec", VSH_OT_STRING, 0},
    {"diskspec", VSH_OT_ARGV, 0},
    OPT_END,
};

static bool cmd_snapshot_create_as(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    bool ok = false;
    char *xml;

    if (!dom)
        return false;
    xml = as_xml(ctl, cmd, KIND_SNAPSHOT);
    if (xml) {
        if (vsh_opt_bool(cmd, "print-xml")) {
            vsh_print(ctl, "%s\n", xml);
            ok = true;
        } else {
            ok = snap_create(ctl, dom, xml, snap_flags(cmd), NULL);
        }
    }
    free(xml);
    virDomainFree(dom);
    return ok;
}

/* ---- one snapshot ---- */

static const struct vsh_opt_def opts_snapshot_current[] = {
    OPT_DOMAIN,
    {"name", VSH_OT_BOOL, 0},
    {"security-info", VSH_OT_BOOL, 0},
    {"snapshotname", VSH_OT_STRING, 0},
    OPT_END,
};

static bool cmd_snapshot_current(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *snapname = vsh_opt_string(cmd, "snapshotname");
    unsigned int flags = vsh_opt_bool(cmd, "security-info") ? VIR_DOMAIN_SNAPSHOT_XML_SECURE : 0;
    virDomainPtr dom;
    bool ok = false;

    if (vsh_opt_bool(cmd, "name") && snapname) {
        vsh_error(ctl, "%s", "Options --name and --snapshotname are mutually exclusive");
        return false;
    }
    dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (snapname) {
        virDomainSnapshotPtr s = virDomainSnapshotLookupByName(dom, snapname, 0), s2 = NULL;
        char *xml = s ? virDomainSnapshotGetXMLDesc(s, VIR_DOMAIN_SNAPSHOT_XML_SECURE) : NULL;
        if (xml) {
            unsigned int cf = VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE | VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT;
            if (strstr(xml, "<state>disk-snapshot</state>"))
                cf |= VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY;
            s2 = virDomainSnapshotCreateXML(dom, xml, cf);
        }
        if (s2) {
            vsh_print_extra(ctl, "Snapshot %s set as current", snapname);
            ok = true;
            virDomainSnapshotFree(s2);
        }
        free(xml);
        if (s)
            virDomainSnapshotFree(s);
        virDomainFree(dom);
        return ok;
    }
    int has = virDomainHasCurrentSnapshot(dom, 0);
    if (has == 0) {
        vsh_error(ctl, "domain '%s' has no current snapshot", virDomainGetName(dom));
    } else if (has > 0) {
        virDomainSnapshotPtr s = virDomainSnapshotCurrent(dom, 0);
        if (s) {
            if (vsh_opt_bool(cmd, "name")) {
                vsh_print(ctl, "%s", virDomainSnapshotGetName(s));
                ok = true;
            } else {
                char *xml = virDomainSnapshotGetXMLDesc(s, flags);
                if (xml) {
                    vsh_print(ctl, "%s", xml);
                    ok = true;
                }
                free(xml);
            }
            virDomainSnapshotFree(s);
        }
    }
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_snapshot_info[] = {
    OPT_DOMAIN,
    {"snapshotname", VSH_OT_STRING, 0},
    {"current", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_snapshot_info(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    struct moment m;
    bool ok = false;
    char *xml = NULL, *state = NULL, *parent = NULL, *ext = NULL;

    if (!dom)
        return false;
    if (lookup(ctl, cmd, KIND_SNAPSHOT, "snapshotname", true, dom, &m) < 0) {
        virDomainFree(dom);
        return false;
    }
    vsh_print(ctl, "%-15s %s\n", "Name:", m_name(m));
    vsh_print(ctl, "%-15s %s\n", "Domain:", virDomainGetName(dom));
    int cur = virDomainSnapshotIsCurrent(m.h, 0);
    if (cur < 0) {
        vsh_error(ctl, "%s", "unexpected problem querying snapshot state");
        goto out;
    }
    vsh_print(ctl, "%-15s %s\n", "Current:", cur ? "yes" : "no");
    xml = virDomainSnapshotGetXMLDesc(m.h, 0);
    if (!xml)
        goto out;
    state = xpath_string(xml, "string(/domainsnapshot/state)");
    if (!state) {
        vsh_error(ctl, "%s", "unexpected problem reading snapshot xml");
        goto out;
    }
    vsh_print(ctl, "%-15s %s\n", "State:", state);
    char *hasmem = xpath_string(xml, "boolean(/domainsnapshot/memory)");
    int external;
    if (hasmem && strcmp(hasmem, "1") == 0) {
        ext = xpath_string(xml, "boolean(/domainsnapshot/memory[@snapshot='external'] | "
                                "/domainsnapshot/disks/disk[@snapshot='external'])");
        external = ext && strcmp(ext, "1") == 0;
    } else {
        external = strcmp(state, "disk-snapshot") == 0;
    }
    free(hasmem);
    vsh_print(ctl, "%-15s %s\n", "Location:", external ? "external" : "internal");
    if (parent_of(ctl, m, &parent) < 0) {
        vsh_error(ctl, "%s", "unexpected problem querying snapshot state");
        goto out;
    }
    vsh_print(ctl, "%-15s %s\n", "Parent:", parent ? parent : "-");
    int children = virDomainSnapshotNumChildren(m.h, 0);
    int desc = children < 0 ? -1
                            : virDomainSnapshotNumChildren(m.h, VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS);
    if (children < 0 || desc < 0) {
        vsh_error(ctl, "%s", "unexpected problem querying snapshot state");
        goto out;
    }
    vsh_print(ctl, "%-15s %d\n", "Children:", children);
    vsh_print(ctl, "%-15s %d\n", "Descendants:", desc);
    int meta = virDomainSnapshotHasMetadata(m.h, 0);
    if (meta >= 0)
        vsh_print(ctl, "%-15s %s\n", "Metadata:", meta ? "yes" : "no");
    ok = true;
out:
    free(xml);
    free(state);
    free(parent);
    free(ext);
    m_free(m);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_snapshot_dumpxml[] = {
    OPT_DOMAIN,
    {"snapshotname", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"security-info", VSH_OT_BOOL, 0},
    {"xpath", VSH_OT_STRING, 0},
    {"wrap", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_snapshot_dumpxml(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int flags = vsh_opt_bool(cmd, "security-info") ? VIR_DOMAIN_SNAPSHOT_XML_SECURE : 0;
    virDomainPtr dom;
    virDomainSnapshotPtr s;
    char *xml = NULL;
    bool ok = false;

    dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    s = virDomainSnapshotLookupByName(dom, vsh_opt_string(cmd, "snapshotname"), 0);
    if (s)
        xml = virDomainSnapshotGetXMLDesc(s, flags);
    if (xml)
        ok = vsh_print_xml(ctl, cmd, xml);
    free(xml);
    if (s)
        virDomainSnapshotFree(s);
    virDomainFree(dom);
    return ok;
}

/* snapshot-parent and checkpoint-parent. */
static bool parent_cmd(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, int kind, const char *arg)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    struct moment m;
    char *parent = NULL;
    bool ok = false;

    if (!dom)
        return false;
    if (lookup(ctl, cmd, kind, arg, true, dom, &m) == 0) {
        if (parent_of(ctl, m, &parent) == 0) {
            if (parent) {
                vsh_print(ctl, "%s", parent);
                ok = true;
            } else {
                vsh_error(ctl, "%s '%s' has no parent", kind_word[kind], m_name(m));
            }
        }
        m_free(m);
    }
    free(parent);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_snapshot_parent[] = {
    OPT_DOMAIN,
    {"snapshotname", VSH_OT_STRING, 0},
    {"current", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_snapshot_parent(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return parent_cmd(ctl, cmd, KIND_SNAPSHOT, "snapshotname");
}

static const struct vsh_opt_def opts_snapshot_revert[] = {
    OPT_DOMAIN,
    {"snapshotname", VSH_OT_STRING, 0},
    {"current", VSH_OT_BOOL, 0},
    {"running", VSH_OT_BOOL, 0},
    {"paused", VSH_OT_BOOL, 0},
    {"force", VSH_OT_BOOL, 0},
    {"reset-nvram", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_snapshot_revert(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int flags = 0;
    virDomainPtr dom;
    struct moment m;
    bool force = vsh_opt_bool(cmd, "force");

    if (vsh_opt_bool(cmd, "running"))
        flags |= VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING;
    if (vsh_opt_bool(cmd, "paused"))
        flags |= VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED;
    if (vsh_opt_bool(cmd, "reset-nvram"))
        flags |= VIR_DOMAIN_SNAPSHOT_REVERT_RESET_NVRAM;
    dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (lookup(ctl, cmd, KIND_SNAPSHOT, "snapshotname", true, dom, &m) < 0) {
        virDomainFree(dom);
        return false;
    }
    /* --force is tried only when libvirt says the revert is risky. */
    int rc = virDomainRevertToSnapshot(m.h, flags);
    if (rc < 0 && force && ctl->last_error &&
        ctl->last_error->code == VIR_ERR_SNAPSHOT_REVERT_RISKY) {
        vsh_reset_libvirt_error(ctl);
        rc = virDomainRevertToSnapshot(m.h, flags | VIR_DOMAIN_SNAPSHOT_REVERT_FORCE);
    }
    if (rc < 0)
        vsh_error(ctl, "Failed to revert snapshot %s", m_name(m));
    else
        vsh_print_extra(ctl, "Domain snapshot %s reverted\n", m_name(m));
    m_free(m);
    virDomainFree(dom);
    return rc == 0;
}

/* snapshot-delete and checkpoint-delete. */
static bool delete_cmd(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, int kind, const char *arg)
{
    unsigned int flags = 0;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    struct moment m;
    int rc;

    if (!dom)
        return false;
    if (vsh_opt_bool(cmd, "children"))
        flags |= VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN;
    if (vsh_opt_bool(cmd, "children-only"))
        flags |= VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY;
    if (vsh_opt_bool(cmd, "metadata"))
        flags |= VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY;
    if (lookup(ctl, cmd, kind, arg, true, dom, &m) < 0) {
        virDomainFree(dom);
        return false;
    }
    rc = kind == KIND_SNAPSHOT ? virDomainSnapshotDelete(m.h, flags)
                               : virDomainCheckpointDelete(m.h, flags);
    if (rc < 0)
        vsh_error(ctl, "Failed to delete %s %s", kind_word[kind], m_name(m));
    else if (flags & VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY)
        vsh_print_extra(ctl, "Domain %s %s children deleted\n", kind_word[kind], m_name(m));
    else
        vsh_print_extra(ctl, "Domain %s %s deleted\n", kind_word[kind], m_name(m));
    m_free(m);
    virDomainFree(dom);
    return rc == 0;
}

static const struct vsh_opt_def opts_snapshot_delete[] = {
    OPT_DOMAIN,
    {"snapshotname", VSH_OT_STRING, 0},
    {"current", VSH_OT_BOOL, 0},
    {"children", VSH_OT_BOOL, 0},
    {"children-only", VSH_OT_BOOL, 0},
    {"metadata", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_snapshot_delete(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return delete_cmd(ctl, cmd, KIND_SNAPSHOT, "snapshotname");
}

/* ---- listing ---- */

struct item {
    struct moment m;
    char *name, *parent;
};

static int item_cmp(const void *a, const void *b)
{
    return strcasecmp(((const struct item *)a)->name, ((const struct item *)b)->name);
}

/* virsh's tree: each node, its children below it with "+- ", a "|" line
 * before the first child and a line closing the last branch. */
static void tree_node(struct vsh_ctl *ctl, struct item *items, size_t n, size_t me, size_t last,
                      bool root, char *indent, size_t cap)
{
    size_t len = strlen(indent), lastchild = (size_t)-1;

    vsh_print(ctl, "%s%s%s\n", indent, root ? "" : "+- ", items[me].name);
    /* A root counts as the last of its line: one without children is
     * followed by an empty line, as virsh's tree has it. */
    if (!root && len + 2 < cap) {
        indent[len] = me == last ? ' ' : '|';
        indent[len + 1] = ' ';
        indent[len + 2] = '\0';
    }
    for (size_t i = 0; i < n; i++)
        if (items[i].parent && strcmp(items[i].parent, items[me].name) == 0)
            lastchild = i;
    if (lastchild != (size_t)-1)
        vsh_print(ctl, "%s  |\n", indent);
    size_t l2 = strlen(indent);
    if (l2 + 2 < cap) {
        strcat(indent, "  ");
        for (size_t i = 0; i < n; i++)
            if (items[i].parent && strcmp(items[i].parent, items[me].name) == 0)
                tree_node(ctl, items, n, i, lastchild, false, indent, cap);
        indent[l2] = '\0';
    }
    if (lastchild == (size_t)-1 && me == last)
        vsh_print(ctl, "%s\n", indent);
    indent[len] = '\0';
}

static void tree_print(struct vsh_ctl *ctl, struct item *items, size_t n)
{
    /* Four characters per level ("| " and the two under the "+- "). */
    size_t cap = 4 * n + 8;
    char *indent = calloc(cap, 1);
    if (!indent)
        return;
    for (size_t i = 0; i < n; i++) {
        bool in_list = false;
        for (size_t k = 0; items[i].parent && k < n; k++)
            if (strcmp(items[k].name, items[i].parent) == 0)
                in_list = true;
        if (!in_list)
            tree_node(ctl, items, n, i, i, true, indent, cap);
    }
    free(indent);
}

static char *creation_time(const char *xml, const char *root)
{
    char expr[96], buf[64];
    snprintf(expr, sizeof(expr), "string(/%s/creationTime)", root);
    char *t = xpath_string(xml, expr);
    if (!t)
        return strdup("");
    time_t when = (time_t)strtoll(t, NULL, 10);
    struct tm tm;
    free(t);
    if (!localtime_r(&when, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %z", &tm))
        return strdup("");
    return strdup(buf);
}

static void free_items(struct item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        m_free(items[i].m);
        free(items[i].name);
        free(items[i].parent);
    }
    free(items);
}

/* snapshot-list and checkpoint-list. */
static bool list_cmd(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, int kind)
{
    bool tree = vsh_opt_bool(cmd, "tree"), show_parent = vsh_opt_bool(cmd, "parent");
    bool names_only = vsh_opt_bool(cmd, "name"), topo = vsh_opt_bool(cmd, "topological");
    bool descendants = vsh_opt_bool(cmd, "descendants");
    bool current = kind == KIND_SNAPSHOT && vsh_opt_bool(cmd, "current");
    const char *from = vsh_opt_string(cmd, "from");
    unsigned int flags = 0;
    static const struct {
        const char *opt;
        unsigned int snap, cp;
    } map[] = {
        {"leaves", VIR_DOMAIN_SNAPSHOT_LIST_LEAVES, VIR_DOMAIN_CHECKPOINT_LIST_LEAVES},
        {"no-leaves", VIR_DOMAIN_SNAPSHOT_LIST_NO_LEAVES, VIR_DOMAIN_CHECKPOINT_LIST_NO_LEAVES},
        {"metadata", VIR_DOMAIN_SNAPSHOT_LIST_METADATA, 0},
        {"no-metadata", VIR_DOMAIN_SNAPSHOT_LIST_NO_METADATA, 0},
        {"inactive", VIR_DOMAIN_SNAPSHOT_LIST_INACTIVE, 0},
        {"active", VIR_DOMAIN_SNAPSHOT_LIST_ACTIVE, 0},
        {"disk-only", VIR_DOMAIN_SNAPSHOT_LIST_DISK_ONLY, 0},
        {"internal", VIR_DOMAIN_SNAPSHOT_LIST_INTERNAL, 0},
        {"external", VIR_DOMAIN_SNAPSHOT_LIST_EXTERNAL, 0},
        {"topological", VIR_DOMAIN_SNAPSHOT_LIST_TOPOLOGICAL,
         VIR_DOMAIN_CHECKPOINT_LIST_TOPOLOGICAL},
    };
    const char *root_el = kind == KIND_SNAPSHOT ? "domainsnapshot" : "domaincheckpoint";

    if (!exclusive(ctl, cmd, "tree", "name") || !exclusive(ctl, cmd, "parent", "roots") ||
        !exclusive(ctl, cmd, "parent", "tree") || !exclusive(ctl, cmd, "roots", "tree"))
        return false;
    if (vsh_opt_bool(cmd, "roots") && from) {
        vsh_error(ctl, "%s", "Options --roots and --from are mutually exclusive");
        return false;
    }
    if (!exclusive(ctl, cmd, "roots", "current"))
        return false;
    if (descendants && !from && !current) {
        vsh_error(ctl, "%s", kind == KIND_SNAPSHOT
                                 ? "--descendants requires either --from or --current"
                                 : "--descendants requires --from");
        return false;
    }
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (vsh_opt_bool(cmd, map[i].opt))
            flags |= kind == KIND_SNAPSHOT ? map[i].snap : map[i].cp;
    if (vsh_opt_bool(cmd, "roots"))
        flags |= VIR_DOMAIN_SNAPSHOT_LIST_ROOTS;

    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;

    struct moment start = {kind, NULL};
    struct item *items = NULL;
    size_t n = 0;
    bool ok = false;
    void **list = NULL;
    int count;

    if (from || current) {
        if (from && current) {
            vsh_error(ctl, "%s", "--from and --current are mutually exclusive");
            goto out;
        }
        if (lookup(ctl, cmd, kind, "from", true, dom, &start) < 0)
            goto out;
        /* A tree shows the start and everything under it. */
        if (tree || descendants)
            flags |= VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS;
        count = kind == KIND_SNAPSHOT
                    ? virDomainSnapshotListAllChildren(start.h, (virDomainSnapshotPtr **)&list,
                                                       flags)
                    : virDomainCheckpointListAllChildren(
                          start.h, (virDomainCheckpointPtr **)&list, flags);
    } else {
        count = kind == KIND_SNAPSHOT
                    ? virDomainListAllSnapshots(dom, (virDomainSnapshotPtr **)&list, flags)
                    : virDomainListAllCheckpoints(dom, (virDomainCheckpointPtr **)&list, flags);
    }
    if (count < 0)
        goto out;
    items = calloc((size_t)count + 2, sizeof(*items));
    if (!items)
        goto out;
    if (start.h && tree) {
        items[n].m = start;
        start.h = NULL;
        items[n].name = strdup(m_name(items[n].m));
        n++;
    }
    for (int i = 0; i < count; i++) {
        items[n].m = (struct moment){kind, list[i]};
        items[n].name = strdup(m_name(items[n].m));
        n++;
    }
    free(list);
    list = NULL;
    if (!topo)
        qsort(items + (items[0].m.h && tree && (from || current) ? 1 : 0),
              n - (n && tree && (from || current) ? 1 : 0), sizeof(*items), item_cmp);
    if (tree || show_parent) {
        for (size_t i = 0; i < n; i++)
            if (parent_of(ctl, items[i].m, &items[i].parent) < 0)
                goto out;
        /* The start of a --from tree is its root. */
        if (tree && (from || current) && n) {
            free(items[0].parent);
            items[0].parent = NULL;
        }
    }

    if (tree) {
        tree_print(ctl, items, n);
    } else if (names_only) {
        for (size_t i = 0; i < n; i++)
            vsh_print(ctl, "%s\n", items[i].name);
    } else {
        struct vsh_table *t =
            kind == KIND_SNAPSHOT
                ? (show_parent ? vsh_table_new("Name", "Creation Time", "State", "Parent", NULL)
                               : vsh_table_new("Name", "Creation Time", "State", NULL))
                : (show_parent ? vsh_table_new("Name", "Creation Time", "Parent", NULL)
                               : vsh_table_new("Name", "Creation Time", NULL));
        for (size_t i = 0; i < n; i++) {
            char *xml = m_xml(items[i].m, 0);
            if (!xml) {
                vsh_table_free(t);
                goto out;
            }
            char *when = creation_time(xml, root_el);
            char *state = kind == KIND_SNAPSHOT
                              ? xpath_string(xml, "string(/domainsnapshot/state)")
                              : NULL;
            const char *p = items[i].parent ? items[i].parent : "";
            if (kind == KIND_SNAPSHOT && show_parent)
                vsh_table_row(t, items[i].name, when, state ? state : "", p, NULL);
            else if (kind == KIND_SNAPSHOT)
                vsh_table_row(t, items[i].name, when, state ? state : "", NULL);
            else if (show_parent)
                vsh_table_row(t, items[i].name, when, p, NULL);
            else
                vsh_table_row(t, items[i].name, when, NULL);
            free(xml);
            free(when);
            free(state);
        }
        vsh_table_print(ctl, t);
        vsh_table_free(t);
    }
    ok = true;
out:
    if (list) {
        for (int i = 0; i < count; i++)
            m_free((struct moment){kind, list[i]});
        free(list);
    }
    free_items(items, n);
    m_free(start);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_snapshot_list[] = {
    OPT_DOMAIN,
    {"parent", VSH_OT_BOOL, 0},
    {"roots", VSH_OT_BOOL, 0},
    {"leaves", VSH_OT_BOOL, 0},
    {"no-leaves", VSH_OT_BOOL, 0},
    {"metadata", VSH_OT_BOOL, 0},
    {"no-metadata", VSH_OT_BOOL, 0},
    {"inactive", VSH_OT_BOOL, 0},
    {"active", VSH_OT_BOOL, 0},
    {"disk-only", VSH_OT_BOOL, 0},
    {"internal", VSH_OT_BOOL, 0},
    {"external", VSH_OT_BOOL, 0},
    {"tree", VSH_OT_BOOL, 0},
    {"from", VSH_OT_STRING, 0},
    {"current", VSH_OT_BOOL, 0},
    {"descendants", VSH_OT_BOOL, 0},
    {"name", VSH_OT_BOOL, 0},
    {"topological", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_snapshot_list(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return list_cmd(ctl, cmd, KIND_SNAPSHOT);
}

/* ---- checkpoints ---- */

static bool cp_create(struct vsh_ctl *ctl, virDomainPtr dom, const char *xml, unsigned int flags,
                      const char *from)
{
    virDomainCheckpointPtr c = virDomainCheckpointCreateXML(dom, xml, flags);
    if (!c)
        return false;
    return created(ctl, (struct moment){KIND_CHECKPOINT, c}, from);
}

static const struct vsh_opt_def opts_checkpoint_create[] = {
    OPT_DOMAIN,
    {"xmlfile", VSH_OT_STRING, 0},
    {"redefine", VSH_OT_BOOL, 0},
    {"redefine-validate", VSH_OT_BOOL, 0},
    {"quiesce", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_checkpoint_create(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "xmlfile");
    unsigned int flags = 0;
    char *xml = NULL;
    bool ok;
    virDomainPtr dom;

    if (vsh_opt_bool(cmd, "redefine-validate") && !vsh_opt_bool(cmd, "redefine")) {
        vsh_error(ctl, "%s", "Option --redefine is required by option --redefine-validate");
        return false;
    }
    if (vsh_opt_bool(cmd, "redefine"))
        flags |= VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE;
    if (vsh_opt_bool(cmd, "quiesce"))
        flags |= VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE;
    if (vsh_opt_bool(cmd, "redefine-validate"))
        flags |= VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE;
    dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (file) {
        xml = vsh_read_file(ctl, file);
        if (!xml) {
            virDomainFree(dom);
            return false;
        }
    }
    ok = cp_create(ctl, dom, xml ? xml : "<domaincheckpoint/>", flags, file);
    free(xml);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_checkpoint_create_as[] = {
    OPT_DOMAIN,
    {"name", VSH_OT_STRING, 0},
    {"description", VSH_OT_STRING, 0},
    {"print-xml", VSH_OT_BOOL, 0},
    {"quiesce", VSH_OT_BOOL, 0},
    {"diskspec", VSH_OT_ARGV, 0},
    OPT_END,
};

static bool cmd_checkpoint_create_as(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    bool ok = false;
    char *xml;

    if (!dom)
        return false;
    xml = as_xml(ctl, cmd, KIND_CHECKPOINT);
    if (xml) {
        if (vsh_opt_bool(cmd, "print-xml")) {
            vsh_print(ctl, "%s\n", xml);
            ok = true;
        } else {
            ok = cp_create(ctl, dom, xml,
                           vsh_opt_bool(cmd, "quiesce") ? VIR_DOMAIN_CHECKPOINT_CREATE_QUIESCE : 0,
                           NULL);
        }
    }
    free(xml);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_checkpoint_list[] = {
    OPT_DOMAIN,
    {"parent", VSH_OT_BOOL, 0},
    {"roots", VSH_OT_BOOL, 0},
    {"leaves", VSH_OT_BOOL, 0},
    {"no-leaves", VSH_OT_BOOL, 0},
    {"tree", VSH_OT_BOOL, 0},
    {"from", VSH_OT_STRING, 0},
    {"descendants", VSH_OT_BOOL, 0},
    {"name", VSH_OT_BOOL, 0},
    {"topological", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_checkpoint_list(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return list_cmd(ctl, cmd, KIND_CHECKPOINT);
}

static const struct vsh_opt_def opts_checkpoint_info[] = {
    OPT_DOMAIN,
    {"checkpointname", VSH_OT_STRING, 0},
    OPT_END,
};

static bool cmd_checkpoint_info(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    struct moment m;
    char *parent = NULL;
    bool ok = false;

    if (!dom)
        return false;
    if (lookup(ctl, cmd, KIND_CHECKPOINT, "checkpointname", true, dom, &m) < 0) {
        virDomainFree(dom);
        return false;
    }
    vsh_print(ctl, "%-15s %s\n", "Name:", m_name(m));
    vsh_print(ctl, "%-15s %s\n", "Domain:", virDomainGetName(dom));
    if (parent_of(ctl, m, &parent) < 0) {
        vsh_error(ctl, "%s", "unexpected problem querying checkpoint state");
        goto out;
    }
    vsh_print(ctl, "%-15s %s\n", "Parent:", parent ? parent : "-");
    int children = virDomainCheckpointListAllChildren(m.h, NULL, 0);
    int desc = children < 0 ? -1
                            : virDomainCheckpointListAllChildren(
                                  m.h, NULL, VIR_DOMAIN_CHECKPOINT_LIST_DESCENDANTS);
    if (children < 0 || desc < 0) {
        vsh_error(ctl, "%s", "unexpected problem querying checkpoint state");
        goto out;
    }
    vsh_print(ctl, "%-15s %d\n", "Children:", children);
    vsh_print(ctl, "%-15s %d\n", "Descendants:", desc);
    ok = true;
out:
    free(parent);
    m_free(m);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_checkpoint_dumpxml[] = {
    OPT_DOMAIN,
    {"checkpointname", VSH_OT_STRING, 0},
    {"security-info", VSH_OT_BOOL, 0},
    {"no-domain", VSH_OT_BOOL, 0},
    {"size", VSH_OT_BOOL, 0},
    {"xpath", VSH_OT_STRING, 0},
    {"wrap", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_checkpoint_dumpxml(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int flags = 0;
    virDomainPtr dom;
    struct moment m;
    char *xml = NULL;
    bool ok = false;

    if (vsh_opt_bool(cmd, "security-info"))
        flags |= VIR_DOMAIN_CHECKPOINT_XML_SECURE;
    if (vsh_opt_bool(cmd, "no-domain"))
        flags |= VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN;
    if (vsh_opt_bool(cmd, "size"))
        flags |= VIR_DOMAIN_CHECKPOINT_XML_SIZE;
    dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (lookup(ctl, cmd, KIND_CHECKPOINT, "checkpointname", true, dom, &m) == 0) {
        xml = virDomainCheckpointGetXMLDesc(m.h, flags);
        m_free(m);
    }
    if (xml)
        ok = vsh_print_xml(ctl, cmd, xml);
    free(xml);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_checkpoint_parent[] = {
    OPT_DOMAIN,
    {"checkpointname", VSH_OT_STRING, 0},
    OPT_END,
};

static bool cmd_checkpoint_parent(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return parent_cmd(ctl, cmd, KIND_CHECKPOINT, "checkpointname");
}

static const struct vsh_opt_def opts_checkpoint_delete[] = {
    OPT_DOMAIN,
    {"checkpointname", VSH_OT_STRING, 0},
    {"children", VSH_OT_BOOL, 0},
    {"children-only", VSH_OT_BOOL, 0},
    {"metadata", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_checkpoint_delete(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return delete_cmd(ctl, cmd, KIND_CHECKPOINT, "checkpointname");
}

/* ---- snapshot-edit, checkpoint-edit ---- */

static const struct vsh_opt_def opts_snapshot_edit[] = {
    OPT_DOMAIN,
    {"snapshotname", VSH_OT_STRING, 0},
    {"current", VSH_OT_BOOL, 0},
    {"rename", VSH_OT_BOOL, 0},
    {"clone", VSH_OT_BOOL, 0},
    OPT_END,
};

static const struct vsh_opt_def opts_checkpoint_edit[] = {
    OPT_DOMAIN,
    {"checkpointname", VSH_OT_STRING, 0},
    OPT_END,
};

struct moment_edit {
    virDomainPtr dom;
    bool current;
    struct moment *e;
};

static bool moment_define(struct vsh_ctl *ctl, const char *xml, bool relaxed, void *opaque)
{
    struct moment_edit *me = opaque;

    (void)ctl;
    (void)relaxed;
    if (me->e->kind == KIND_SNAPSHOT)
        me->e->h = virDomainSnapshotCreateXML(
            me->dom, xml,
            VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE |
                (me->current ? VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT : 0));
    else
        me->e->h = virDomainCheckpointCreateXML(me->dom, xml, VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE);
    return me->e->h != NULL;
}

/* The moment redefined from the edited XML; its name changed means a
 * clone (--clone), a rename (--rename: the original's metadata goes) or,
 * for neither, the new one's metadata goes again and the edit fails. */
static bool edit_cmd(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, int kind)
{
    bool rename = kind == KIND_SNAPSHOT && vsh_opt_bool(cmd, "rename");
    bool clone = kind == KIND_SNAPSHOT && vsh_opt_bool(cmd, "clone");
    bool current = kind == KIND_SNAPSHOT && vsh_opt_bool(cmd, "current");
    const char *Kind = kind == KIND_SNAPSHOT ? "Snapshot" : "Checkpoint";
    struct moment m = {kind, NULL}, e = {kind, NULL};
    char *xml = NULL, *name = NULL;
    virDomainPtr dom;
    bool ok = false;

    if (rename && clone) {
        vsh_error(ctl, "%s", "Options --rename and --clone are mutually exclusive");
        return false;
    }
    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL)))
        return false;
    if (lookup(ctl, cmd, kind, kind == KIND_SNAPSHOT ? "snapshotname" : "checkpointname", false,
               dom, &m) < 0)
        goto out;
    if (!(name = strdup(m_name(m)))) {
        vsh_error(ctl, "%s", "out of memory");
        goto out;
    }
    if (!(xml = m_xml(m, kind == KIND_SNAPSHOT ? VIR_DOMAIN_SNAPSHOT_XML_SECURE
                                               : VIR_DOMAIN_CHECKPOINT_XML_SECURE)))
        goto failed;
    /* --current redefines even unchanged XML. */
    struct moment_edit me = {dom, current, &e};
    switch (vsh_edit_loop(ctl, xml, false, current, moment_define, &me)) {
    case VSH_EDIT_UNCHANGED:
        vsh_print_extra(ctl, "%s %s XML configuration not changed.\n", Kind, name);
        ok = true;
        goto out;
    case VSH_EDIT_DEFINED:
        break;
    case VSH_EDIT_REFUSED: /* real virsh 9.0 crashes here */
    case VSH_EDIT_ABANDONED:
    case VSH_EDIT_FAILED:
        goto failed;
    }
    const char *ename = m_name(e);
    if (strcmp(name, ename) == 0) {
        vsh_print_extra(ctl, "%s %s edited.\n", Kind, name);
    } else if (clone) {
        vsh_print_extra(ctl, "%s %s cloned to %s.\n", Kind, name, ename);
    } else {
        struct moment gone = rename ? m : e;
        int rc = kind == KIND_SNAPSHOT
                     ? virDomainSnapshotDelete(gone.h, VIR_DOMAIN_SNAPSHOT_DELETE_METADATA_ONLY)
                     : virDomainCheckpointDelete(gone.h,
                                                 VIR_DOMAIN_CHECKPOINT_DELETE_METADATA_ONLY);
        if (rc < 0) {
            vsh_report_error(ctl);
            vsh_error(ctl, "Failed to clean up %s", rename ? name : ename);
            goto failed;
        }
        if (!rename) {
            if (kind == KIND_SNAPSHOT)
                vsh_error(ctl, "Must use --rename or --clone to change %s to %s", name, ename);
            else
                vsh_error(ctl, "Cannot rename checkpoint %s to %s", name, ename);
            goto failed;
        }
    }
    ok = true;
    goto out;
failed:
    vsh_error(ctl, "Failed to update %s", name);
out:
    m_free(m);
    m_free(e);
    free(name);
    free(xml);
    virDomainFree(dom);
    return ok;
}

static bool cmd_snapshot_edit(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return edit_cmd(ctl, cmd, KIND_SNAPSHOT);
}

static bool cmd_checkpoint_edit(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return edit_cmd(ctl, cmd, KIND_CHECKPOINT);
}

const struct vsh_cmd_def vsh_snapshot_cmds[] = {
    {"snapshot-create", cmd_snapshot_create, opts_snapshot_create,
     "Create a snapshot from XML", false},
    {"snapshot-create-as", cmd_snapshot_create_as, opts_snapshot_create_as,
     "Create a snapshot from a set of args", false},
    {"snapshot-current", cmd_snapshot_current, opts_snapshot_current,
     "Get or set the current snapshot", false},
    {"snapshot-info", cmd_snapshot_info, opts_snapshot_info, "snapshot information", false},
    {"snapshot-dumpxml", cmd_snapshot_dumpxml, opts_snapshot_dumpxml,
     "Dump XML for a domain snapshot", false},
    {"snapshot-edit", cmd_snapshot_edit, opts_snapshot_edit,
     "edit XML for a snapshot", false},
    {"snapshot-parent", cmd_snapshot_parent, opts_snapshot_parent,
     "Get the name of the parent of a snapshot", false},
    {"snapshot-revert", cmd_snapshot_revert, opts_snapshot_revert,
     "Revert a domain to a snapshot", false},
    {"snapshot-delete", cmd_snapshot_delete, opts_snapshot_delete, "Delete a domain snapshot",
     false},
    {"snapshot-list", cmd_snapshot_list, opts_snapshot_list, "List snapshots for a domain",
     false},
    {"checkpoint-create", cmd_checkpoint_create, opts_checkpoint_create,
     "Create a checkpoint from XML", false},
    {"checkpoint-create-as", cmd_checkpoint_create_as, opts_checkpoint_create_as,
     "Create a checkpoint from a set of args", false},
    {"checkpoint-list", cmd_checkpoint_list, opts_checkpoint_list,
     "List checkpoints for a domain", false},
    {"checkpoint-info", cmd_checkpoint_info, opts_checkpoint_info, "checkpoint information",
     false},
    {"checkpoint-dumpxml", cmd_checkpoint_dumpxml, opts_checkpoint_dumpxml,
     "Dump XML for a domain checkpoint", false},
    {"checkpoint-edit", cmd_checkpoint_edit, opts_checkpoint_edit,
     "edit XML for a checkpoint", false},
    {"checkpoint-parent", cmd_checkpoint_parent, opts_checkpoint_parent,
     "Get the name of the parent of a checkpoint", false},
    {"checkpoint-delete", cmd_checkpoint_delete, opts_checkpoint_delete,
     "Delete a domain checkpoint", false},
    {NULL, NULL, NULL, NULL, false},
};

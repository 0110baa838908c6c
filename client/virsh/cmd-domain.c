/* Domain commands. Wording, layout and the API calls made (and so what
 * goes on the wire) follow real virsh 9.0. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "vsh.h"

#define OPT_DOMAIN {"domain", VSH_OT_DATA, VSH_OFLAG_REQ}
#define OPT_END {NULL, 0, 0}

/* "Options --a and --b are mutually exclusive" when both are given. */
static bool exclusive(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *a, const char *b)
{
    if (vsh_opt_bool(cmd, a) && vsh_opt_bool(cmd, b)) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", a, b);
        return false;
    }
    return true;
}

static const char *const state_names[] = {
    "no state", "running", "idle", "paused", "in shutdown", "shut off", "crashed", "pmsuspended",
};

static const char *state_string(int state)
{
    if (state >= 0 && (size_t)state < sizeof(state_names) / sizeof(state_names[0]))
        return state_names[state];
    return "no state";
}

static const char *const reason_nostate[] = {"unknown"};
static const char *const reason_running[] = {
    "unknown",       "booted",  "migrated",           "restored",      "from snapshot",
    "unpaused",      "migration canceled", "save canceled", "event wakeup", "crashed",
    "post-copy",     "post-copy failed",
};
static const char *const reason_blocked[] = {"unknown"};
static const char *const reason_paused[] = {
    "unknown",     "user",        "migrating",         "saving",  "dumping",
    "I/O error",   "watchdog",    "from snapshot",     "shutting down", "creating snapshot",
    "crashed",     "starting up", "post-copy",         "post-copy failed", "api error",
};
static const char *const reason_shutdown[] = {"unknown", "user"};
static const char *const reason_shutoff[] = {
    "unknown", "shutdown", "destroyed", "crashed", "migrated",
    "saved",   "failed",   "from snapshot", "daemon",
};
static const char *const reason_crashed[] = {"unknown", "panicked"};
static const char *const reason_pmsuspended[] = {"unknown"};

#define PICK(table, i) \
    ((i) >= 0 && (size_t)(i) < sizeof(table) / sizeof(table[0]) ? table[i] : NULL)

static const char *reason_string(int state, int reason)
{
    const char *s = NULL;

    switch (state) {
    case VIR_DOMAIN_NOSTATE: s = PICK(reason_nostate, reason); break;
    case VIR_DOMAIN_RUNNING: s = PICK(reason_running, reason); break;
    case VIR_DOMAIN_BLOCKED: s = PICK(reason_blocked, reason); break;
    case VIR_DOMAIN_PAUSED: s = PICK(reason_paused, reason); break;
    case VIR_DOMAIN_SHUTDOWN: s = PICK(reason_shutdown, reason); break;
    case VIR_DOMAIN_SHUTOFF: s = PICK(reason_shutoff, reason); break;
    case VIR_DOMAIN_CRASHED: s = PICK(reason_crashed, reason); break;
    case VIR_DOMAIN_PMSUSPENDED: s = PICK(reason_pmsuspended, reason); break;
    }
    return s ? s : "unknown";
}

/* State (and reason) of a domain, from GetState, falling back to GetInfo
 * on servers without it. */
static int domain_state(struct vsh_ctl *ctl, virDomainPtr dom, int *reason)
{
    int state;
    virDomainInfo info;

    if (reason)
        *reason = -1;
    if (virDomainGetState(dom, &state, reason, 0) == 0)
        return state;
    if (!ctl->last_error || ctl->last_error->code != VIR_ERR_NO_SUPPORT)
        return -1;
    vsh_reset_libvirt_error(ctl);
    if (virDomainGetInfo(dom, &info) < 0)
        return -1;
    return info.state;
}

/* libxml2 calls this at "<!DOCTYPE": the server's XML is libvirt's, which
 * has no DTD, so the parse ends before any declaration in it is read
 * (nothing can expand or be fetched when the text is read below). */
static void refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                           const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctx;

    (void)name;
    (void)external_id;
    (void)system_id;
    *(bool *)ctxt->_private = true;
    xmlStopParser(ctxt);
}

/* The domain's XML parsed, with an XPath context at its root. */
static bool domain_xml(struct vsh_ctl *ctl, virDomainPtr dom, unsigned int flags, xmlDocPtr *doc,
                       xmlXPathContextPtr *xp)
{
    char *xml = virDomainGetXMLDesc(dom, flags);
    xmlParserCtxtPtr ctxt;
    bool doctype = false;

    if (!xml)
        return false;
    *doc = NULL;
    ctxt = xmlNewParserCtxt();
    if (ctxt) {
        ctxt->_private = &doctype;
        ctxt->sax->internalSubset = refuse_doctype;
        *doc = xmlCtxtReadMemory(ctxt, xml, (int)strlen(xml), "domain.xml", NULL,
                                 XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
        xmlFreeParserCtxt(ctxt);
    }
    free(xml);
    if (*doc && doctype) {
        xmlFreeDoc(*doc);
        *doc = NULL;
    }
    if (!*doc) {
        vsh_error(ctl, "%s", "Failed to parse domain XML");
        return false;
    }
    *xp = xmlXPathNewContext(*doc);
    if (!*xp) {
        xmlFreeDoc(*doc);
        return false;
    }
    (*xp)->node = xmlDocGetRootElement(*doc);
    return true;
}

/* string(expr) relative to the context node; NULL when empty. */
static char *xpath_string(xmlXPathContextPtr xp, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, xp);
    char *s = NULL;

    if (o && o->type == XPATH_STRING && o->stringval && o->stringval[0])
        s = strdup((const char *)o->stringval);
    xmlXPathFreeObject(o);
    return s;
}

/* list */

static const struct vsh_opt_def opts_list[] = {
    {"inactive", VSH_OT_BOOL, 0},
    {"all", VSH_OT_BOOL, 0},
    {"transient", VSH_OT_BOOL, 0},
    {"persistent", VSH_OT_BOOL, 0},
    {"with-snapshot", VSH_OT_BOOL, 0},
    {"without-snapshot", VSH_OT_BOOL, 0},
    {"with-checkpoint", VSH_OT_BOOL, 0},
    {"without-checkpoint", VSH_OT_BOOL, 0},
    {"state-running", VSH_OT_BOOL, 0},
    {"state-paused", VSH_OT_BOOL, 0},
    {"state-shutoff", VSH_OT_BOOL, 0},
    {"state-other", VSH_OT_BOOL, 0},
    {"autostart", VSH_OT_BOOL, 0},
    {"no-autostart", VSH_OT_BOOL, 0},
    {"with-managed-save", VSH_OT_BOOL, 0},
    {"without-managed-save", VSH_OT_BOOL, 0},
    {"uuid", VSH_OT_BOOL, 0},
    {"name", VSH_OT_BOOL, 0},
    {"id", VSH_OT_BOOL, 0},
    {"table", VSH_OT_BOOL, 0},
    {"managed-save", VSH_OT_BOOL, 0},
    {"title", VSH_OT_BOOL, 0},
    OPT_END,
};

/* Running domains by id first, then inactive ones by name. */
static int domain_order(const void *a, const void *b)
{
    virDomainPtr da = *(virDomainPtr const *)a, db = *(virDomainPtr const *)b;
    unsigned int ida = virDomainGetID(da), idb = virDomainGetID(db);
    unsigned int none = (unsigned int)-1;

    if (ida == none && idb == none)
        return strcasecmp(virDomainGetName(da), virDomainGetName(db));
    if (ida != none && idb != none)
        return ida > idb ? 1 : ida < idb ? -1 : 0;
    return ida != none ? -1 : 1;
}

static char *domain_title(struct vsh_ctl *ctl, virDomainPtr dom)
{
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
    char *t;

    if (!domain_xml(ctl, dom, 0, &doc, &xp))
        return NULL;
    t = xpath_string(xp, "string(./title[1])");
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
    return t ? t : strdup("");
}

static bool cmd_list(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const struct {
        const char *opt;
        unsigned int flag;
    } filters[] = {
        {"persistent", VIR_CONNECT_LIST_DOMAINS_PERSISTENT},
        {"transient", VIR_CONNECT_LIST_DOMAINS_TRANSIENT},
        {"with-managed-save", VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE},
        {"without-managed-save", VIR_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE},
        {"autostart", VIR_CONNECT_LIST_DOMAINS_AUTOSTART},
        {"no-autostart", VIR_CONNECT_LIST_DOMAINS_NO_AUTOSTART},
        {"with-snapshot", VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT},
        {"without-snapshot", VIR_CONNECT_LIST_DOMAINS_NO_SNAPSHOT},
        {"with-checkpoint", VIR_CONNECT_LIST_DOMAINS_HAS_CHECKPOINT},
        {"without-checkpoint", VIR_CONNECT_LIST_DOMAINS_NO_CHECKPOINT},
        {"state-running", VIR_CONNECT_LIST_DOMAINS_RUNNING},
        {"state-paused", VIR_CONNECT_LIST_DOMAINS_PAUSED},
        {"state-shutoff", VIR_CONNECT_LIST_DOMAINS_SHUTOFF},
        {"state-other", VIR_CONNECT_LIST_DOMAINS_OTHER},
    };
    bool managed = vsh_opt_bool(cmd, "managed-save");
    bool title = vsh_opt_bool(cmd, "title");
    bool table_mode = vsh_opt_bool(cmd, "table");
    bool uuid_mode = vsh_opt_bool(cmd, "uuid");
    bool name_mode = vsh_opt_bool(cmd, "name");
    bool id_mode = vsh_opt_bool(cmd, "id");
    unsigned int flags = VIR_CONNECT_LIST_DOMAINS_ACTIVE;
    virDomainPtr *doms = NULL;
    struct vsh_table *t = NULL;
    bool ok = false;
    int n;

    if (vsh_opt_bool(cmd, "inactive") || vsh_opt_bool(cmd, "state-shutoff"))
        flags = VIR_CONNECT_LIST_DOMAINS_INACTIVE;
    if (vsh_opt_bool(cmd, "all"))
        flags = VIR_CONNECT_LIST_DOMAINS_INACTIVE | VIR_CONNECT_LIST_DOMAINS_ACTIVE;
    for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
        if (vsh_opt_bool(cmd, filters[i].opt))
            flags |= filters[i].flag;
    if (!exclusive(ctl, cmd, "table", "name") || !exclusive(ctl, cmd, "table", "uuid") ||
        !exclusive(ctl, cmd, "table", "id"))
        return false;
    if (!uuid_mode && !name_mode && !id_mode)
        table_mode = true;

    n = virConnectListAllDomains(ctl->conn, &doms, flags);
    if (n < 0) {
        vsh_error(ctl, "%s", "Failed to list domains");
        return false;
    }
    qsort(doms, (size_t)n, sizeof(*doms), domain_order);

    if (table_mode)
        t = title ? vsh_table_new("Id", "Name", "State", "Title", NULL)
                  : vsh_table_new("Id", "Name", "State", NULL);
    for (int i = 0; i < n; i++) {
        virDomainPtr dom = doms[i];
        unsigned int id = virDomainGetID(dom);
        char idbuf[32];
        const char *sep = "";

        if (id != (unsigned int)-1)
            snprintf(idbuf, sizeof(idbuf), "%d", (int)id);
        else
            strcpy(idbuf, "-");
        if (table_mode) {
            int state = domain_state(ctl, dom, NULL);
            const char *st;
            if (state < 0)
                continue;
            if (managed && state == VIR_DOMAIN_SHUTOFF && virDomainHasManagedSaveImage(dom, 0) > 0)
                st = "saved";
            else
                st = state_string(state);
            if (title) {
                char *tt = domain_title(ctl, dom);
                if (!tt)
                    goto out;
                vsh_table_row(t, idbuf, virDomainGetName(dom), st, tt, NULL);
                free(tt);
            } else {
                vsh_table_row(t, idbuf, virDomainGetName(dom), st, NULL);
            }
        } else {
            if (uuid_mode) {
                char uuid[VIR_UUID_STRING_BUFLEN];
                if (virDomainGetUUIDString(dom, uuid) < 0) {
                    vsh_error(ctl, "%s", "Failed to get domain's UUID");
                    goto out;
                }
                vsh_print(ctl, "%s", uuid);
                sep = " ";
            }
            if (id_mode) {
                if (id == (unsigned int)-1 && !uuid_mode && !name_mode)
                    continue;
                vsh_print(ctl, "%s%s", sep, idbuf);
                sep = " ";
            }
            if (name_mode)
                vsh_print(ctl, "%s%s", sep, virDomainGetName(dom));
            vsh_print(ctl, "\n");
        }
    }
    if (table_mode)
        vsh_table_print(ctl, t);
    ok = true;
out:
    vsh_table_free(t);
    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    return ok;
}

/* dominfo, domstate, domid, domname, domuuid */

static const struct vsh_opt_def opts_domain_only[] = {
    OPT_DOMAIN,
    OPT_END,
};

static bool cmd_dominfo(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    virDomainInfo info;
    virSecurityModel secmodel;
    char uuid[VIR_UUID_STRING_BUFLEN];
    char *ostype, **messages = NULL;
    unsigned int id;
    int persistent, autostart, managed, nmsg;
    bool ok = true;

    if (!dom)
        return false;
    id = virDomainGetID(dom);
    if (id == (unsigned int)-1)
        vsh_print(ctl, "%-15s %s\n", "Id:", "-");
    else
        vsh_print(ctl, "%-15s %d\n", "Id:", (int)id);
    vsh_print(ctl, "%-15s %s\n", "Name:", virDomainGetName(dom));
    if (virDomainGetUUIDString(dom, uuid) == 0)
        vsh_print(ctl, "%-15s %s\n", "UUID:", uuid);
    if ((ostype = virDomainGetOSType(dom)))
        vsh_print(ctl, "%-15s %s\n", "OS Type:", ostype);
    free(ostype);
    if (virDomainGetInfo(dom, &info) == 0) {
        vsh_print(ctl, "%-15s %s\n", "State:", state_string(info.state));
        vsh_print(ctl, "%-15s %d\n", "CPU(s):", info.nrVirtCpu);
        if (info.cpuTime != 0)
            vsh_print(ctl, "%-15s %.1lfs\n", "CPU time:", (double)info.cpuTime / 1000000000.0);
        if (info.maxMem != UINT_MAX)
            vsh_print(ctl, "%-15s %lu KiB\n", "Max memory:", info.maxMem);
        else
            vsh_print(ctl, "%-15s %s\n", "Max memory:", "no limit");
        vsh_print(ctl, "%-15s %lu KiB\n", "Used memory:", info.memory);
    } else {
        ok = false;
    }
    persistent = virDomainIsPersistent(dom);
    if (persistent < 0)
        vsh_print(ctl, "%-15s %s\n", "Persistent:", "unknown");
    else
        vsh_print(ctl, "%-15s %s\n", "Persistent:", persistent ? "yes" : "no");
    if (virDomainGetAutostart(dom, &autostart) == 0)
        vsh_print(ctl, "%-15s %s\n", "Autostart:", autostart ? "enable" : "disable");
    managed = virDomainHasManagedSaveImage(dom, 0);
    if (managed < 0)
        vsh_print(ctl, "%-15s %s\n", "Managed save:", "unknown");
    else
        vsh_print(ctl, "%-15s %s\n", "Managed save:", managed ? "yes" : "no");

    if (virNodeGetSecurityModel(ctl->conn, &secmodel) < 0) {
        if (!ctl->last_error || ctl->last_error->code != VIR_ERR_NO_SUPPORT) {
            virDomainFree(dom);
            return false;
        }
        vsh_reset_libvirt_error(ctl);
    } else if (secmodel.model[0] != '\0') {
        virSecurityLabelPtr label = calloc(1, sizeof(*label));
        vsh_print(ctl, "%-15s %s\n", "Security model:", secmodel.model);
        vsh_print(ctl, "%-15s %s\n", "Security DOI:", secmodel.doi);
        if (!label || virDomainGetSecurityLabel(dom, label) < 0) {
            free(label);
            virDomainFree(dom);
            return false;
        }
        if (label->label[0] != '\0')
            vsh_print(ctl, "%-15s %s (%s)\n", "Security label:", label->label,
                      label->enforcing ? "enforcing" : "permissive");
        free(label);
    }
    nmsg = virDomainGetMessages(dom, &messages, 0);
    if (nmsg > 0)
        for (int i = 0; messages[i]; i++)
            vsh_print(ctl, "%-15s %s\n", i == 0 ? "Messages:" : "", messages[i]);
    for (int i = 0; nmsg > 0 && messages[i]; i++)
        free(messages[i]);
    free(messages);
    if (nmsg < 0)
        vsh_reset_libvirt_error(ctl);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_domstate[] = {
    OPT_DOMAIN,
    {"reason", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_domstate(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    int state, reason;

    if (!dom)
        return false;
    state = domain_state(ctl, dom, &reason);
    virDomainFree(dom);
    if (state < 0)
        return false;
    if (vsh_opt_bool(cmd, "reason"))
        vsh_print(ctl, "%s (%s)\n", state_string(state), reason_string(state, reason));
    else
        vsh_print(ctl, "%s\n", state_string(state));
    return true;
}

static bool cmd_domid(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYNAME | VSH_BYUUID, NULL);
    unsigned int id;

    if (!dom)
        return false;
    id = virDomainGetID(dom);
    if (id == (unsigned int)-1)
        vsh_print(ctl, "%s\n", "-");
    else
        vsh_print(ctl, "%d\n", (int)id);
    virDomainFree(dom);
    return true;
}

static bool cmd_domname(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYID | VSH_BYUUID, NULL);

    if (!dom)
        return false;
    vsh_print(ctl, "%s\n", virDomainGetName(dom));
    virDomainFree(dom);
    return true;
}

static bool cmd_domuuid(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYID | VSH_BYNAME, NULL);
    char uuid[VIR_UUID_STRING_BUFLEN];
    bool ok = true;

    if (!dom)
        return false;
    if (virDomainGetUUIDString(dom, uuid) == 0) {
        vsh_print(ctl, "%s\n", uuid);
    } else {
        vsh_error(ctl, "%s", "failed to get domain UUID");
        ok = false;
    }
    virDomainFree(dom);
    return ok;
}

/* dumpxml, domblklist, domiflist */

static const struct vsh_opt_def opts_dumpxml[] = {
    OPT_DOMAIN,
    {"inactive", VSH_OT_BOOL, 0},
    {"security-info", VSH_OT_BOOL, 0},
    {"update-cpu", VSH_OT_BOOL, 0},
    {"migratable", VSH_OT_BOOL, 0},
    {"xpath", VSH_OT_STRING, 0},
    {"wrap", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_dumpxml(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int flags = 0;
    virDomainPtr dom;
    char *xml;

    if (vsh_opt_bool(cmd, "inactive"))
        flags |= VIR_DOMAIN_XML_INACTIVE;
    if (vsh_opt_bool(cmd, "security-info"))
        flags |= VIR_DOMAIN_XML_SECURE;
    if (vsh_opt_bool(cmd, "update-cpu"))
        flags |= VIR_DOMAIN_XML_UPDATE_CPU;
    if (vsh_opt_bool(cmd, "migratable"))
        flags |= VIR_DOMAIN_XML_MIGRATABLE;
    dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    xml = virDomainGetXMLDesc(dom, flags);
    virDomainFree(dom);
    if (!xml)
        return false;
    bool ok = vsh_print_xml(ctl, cmd, xml);
    free(xml);
    return ok;
}

static const struct vsh_opt_def opts_domblklist[] = {
    OPT_DOMAIN,
    {"inactive", VSH_OT_BOOL, 0},
    {"details", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_domblklist(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool details = vsh_opt_bool(cmd, "details");
    unsigned int flags = vsh_opt_bool(cmd, "inactive") ? VIR_DOMAIN_XML_INACTIVE : 0;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
    xmlXPathObjectPtr disks;
    struct vsh_table *t;
    bool ok = true;

    if (!dom)
        return false;
    if (!domain_xml(ctl, dom, flags, &doc, &xp)) {
        virDomainFree(dom);
        return false;
    }
    virDomainFree(dom);
    disks = xmlXPathEvalExpression((const xmlChar *)"./devices/disk", xp);
    t = details ? vsh_table_new("Type", "Device", "Target", "Source", NULL)
                : vsh_table_new("Target", "Source", NULL);
    for (int i = 0; disks && disks->nodesetval && i < disks->nodesetval->nodeNr; i++) {
        char *type, *device = NULL, *target, *source;

        xp->node = disks->nodesetval->nodeTab[i];
        type = xpath_string(xp, "string(./@type)");
        if (details) {
            device = xpath_string(xp, "string(./@device)");
            if (!type || !device) {
                vsh_print(ctl, "unable to query block list details");
                free(type);
                free(device);
                ok = false;
                break;
            }
        }
        target = xpath_string(xp, "string(./target/@dev)");
        if (!target) {
            vsh_error(ctl, "%s", "unable to query block list");
            free(type);
            free(device);
            ok = false;
            break;
        }
        source = xpath_string(xp, "string(./source/@file|./source/@dev|./source/@dir"
                                  "|./source/@name|./source/@volume|./source/@path)");
        if (details)
            vsh_table_row(t, type, device, target, source ? source : "-", NULL);
        else
            vsh_table_row(t, target, source ? source : "-", NULL);
        free(type);
        free(device);
        free(target);
        free(source);
    }
    if (ok)
        vsh_table_print(ctl, t);
    vsh_table_free(t);
    xmlXPathFreeObject(disks);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
    return ok;
}

static const struct vsh_opt_def opts_domiflist[] = {
    OPT_DOMAIN,
    {"inactive", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_domiflist(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int flags = vsh_opt_bool(cmd, "inactive") ? VIR_DOMAIN_XML_INACTIVE : 0;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
    xmlXPathObjectPtr ifs;
    struct vsh_table *t;

    if (!dom)
        return false;
    if (!domain_xml(ctl, dom, flags, &doc, &xp)) {
        virDomainFree(dom);
        return false;
    }
    virDomainFree(dom);
    ifs = xmlXPathEvalExpression((const xmlChar *)"./devices/interface", xp);
    t = vsh_table_new("Interface", "Type", "Source", "Model", "MAC", NULL);
    for (int i = 0; ifs && ifs->nodesetval && i < ifs->nodesetval->nodeNr; i++) {
        char *type, *source, *target, *model, *mac;

        xp->node = ifs->nodesetval->nodeTab[i];
        type = xpath_string(xp, "string(./@type)");
        source = xpath_string(xp, "string(./source/@bridge|./source/@dev|./source/@network"
                                  "|./source/@name|./source/@path)");
        target = xpath_string(xp, "string(./target/@dev)");
        model = xpath_string(xp, "string(./model/@type)");
        mac = xpath_string(xp, "string(./mac/@address)");
        vsh_table_row(t, target ? target : "-", type, source ? source : "-", model ? model : "-",
                      mac ? mac : "-", NULL);
        free(type);
        free(source);
        free(target);
        free(model);
        free(mac);
    }
    vsh_table_print(ctl, t);
    vsh_table_free(t);
    xmlXPathFreeObject(ifs);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
    return true;
}

/* vcpucount */

static const struct vsh_opt_def opts_vcpucount[] = {
    OPT_DOMAIN,
    {"maximum", VSH_OT_BOOL, 0},
    {"active", VSH_OT_BOOL, 0},
    {"live", VSH_OT_BOOL, 0},
    {"config", VSH_OT_BOOL, 0},
    {"current", VSH_OT_BOOL, 0},
    {"guest", VSH_OT_BOOL, 0},
    OPT_END,
};

/* A vcpu count, or -2 when it does not apply (live count of an inactive
 * domain, config count of a transient one), -1 on error. */
static int vcpu_count(virDomainPtr dom, unsigned int flags, bool check_state)
{
    if (check_state && (((flags & VIR_DOMAIN_AFFECT_LIVE) && virDomainIsActive(dom) < 1) ||
                        ((flags & VIR_DOMAIN_AFFECT_CONFIG) && virDomainIsPersistent(dom) < 1)))
        return -2;
    return virDomainGetVcpusFlags(dom, flags);
}

static bool cmd_vcpucount(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool maximum = vsh_opt_bool(cmd, "maximum"), active = vsh_opt_bool(cmd, "active");
    bool live = vsh_opt_bool(cmd, "live"), config = vsh_opt_bool(cmd, "config");
    bool current = vsh_opt_bool(cmd, "current"), guest = vsh_opt_bool(cmd, "guest");
    bool all = !maximum && !active && !live && !config && !current && !guest;
    unsigned int flags = 0;
    virDomainPtr dom;
    bool ok = true;

    if (!exclusive(ctl, cmd, "current", "live") || !exclusive(ctl, cmd, "current", "config") ||
        !exclusive(ctl, cmd, "active", "maximum") || !exclusive(ctl, cmd, "guest", "config"))
        return false;
    if (live)
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    if (config)
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (maximum)
        flags |= VIR_DOMAIN_VCPU_MAXIMUM;
    if (guest)
        flags |= VIR_DOMAIN_VCPU_GUEST;
    dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (all) {
        int conf_max = vcpu_count(dom, VIR_DOMAIN_AFFECT_CONFIG | VIR_DOMAIN_VCPU_MAXIMUM, true);
        int conf_cur = vcpu_count(dom, VIR_DOMAIN_AFFECT_CONFIG, true);
        int live_max = vcpu_count(dom, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_VCPU_MAXIMUM, true);
        int live_cur = vcpu_count(dom, VIR_DOMAIN_AFFECT_LIVE, true);

        if (conf_max == -1 || conf_cur == -1 || live_max == -1 || live_cur == -1) {
            ok = false;
        } else {
            if (conf_max > 0)
                vsh_print(ctl, "%-12s %-12s %3d\n", "maximum", "config", conf_max);
            if (live_max > 0)
                vsh_print(ctl, "%-12s %-12s %3d\n", "maximum", "live", live_max);
            if (conf_cur > 0)
                vsh_print(ctl, "%-12s %-12s %3d\n", "current", "config", conf_cur);
            if (live_cur > 0)
                vsh_print(ctl, "%-12s %-12s %3d\n", "current", "live", live_cur);
        }
    } else {
        int n = vcpu_count(dom, flags, false);
        if (n < 0)
            ok = false;
        else
            vsh_print(ctl, "%d\n", n);
    }
    virDomainFree(dom);
    return ok;
}

/* define, create, undefine, start */

static const struct vsh_opt_def opts_define[] = {
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"validate", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_define(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file");
    unsigned int flags = vsh_opt_bool(cmd, "validate") ? VIR_DOMAIN_DEFINE_VALIDATE : 0;
    char *xml = vsh_read_file(ctl, file);
    virDomainPtr dom;

    if (!xml)
        return false;
    dom = flags ? virDomainDefineXMLFlags(ctl->conn, xml, flags) : virDomainDefineXML(ctl->conn, xml);
    free(xml);
    if (!dom) {
        vsh_error(ctl, "Failed to define domain from %s", file);
        return false;
    }
    vsh_print_extra(ctl, "Domain '%s' defined from %s\n", virDomainGetName(dom), file);
    virDomainFree(dom);
    return true;
}

static const struct vsh_opt_def opts_create[] = {
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"console", VSH_OT_BOOL, 0},
    {"paused", VSH_OT_BOOL, 0},
    {"autodestroy", VSH_OT_BOOL, 0},
    {"pass-fds", VSH_OT_STRING, 0},
    {"validate", VSH_OT_BOOL, 0},
    {"reset-nvram", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool no_console(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    if (vsh_opt_bool(cmd, "console") || vsh_opt_string(cmd, "pass-fds")) {
        vsh_error(ctl, "%s", "--console and --pass-fds are not supported by this virsh");
        return false;
    }
    return true;
}

static bool cmd_create(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file");
    unsigned int flags = 0;
    virDomainPtr dom;
    char *xml;

    if (!no_console(ctl, cmd))
        return false;
    if (vsh_opt_bool(cmd, "paused"))
        flags |= VIR_DOMAIN_START_PAUSED;
    if (vsh_opt_bool(cmd, "autodestroy"))
        flags |= VIR_DOMAIN_START_AUTODESTROY;
    if (vsh_opt_bool(cmd, "validate"))
        flags |= VIR_DOMAIN_START_VALIDATE;
    if (vsh_opt_bool(cmd, "reset-nvram"))
        flags |= VIR_DOMAIN_START_RESET_NVRAM;
    xml = vsh_read_file(ctl, file);
    if (!xml)
        return false;
    dom = virDomainCreateXML(ctl->conn, xml, flags);
    free(xml);
    if (!dom) {
        vsh_error(ctl, "Failed to create domain from %s", file);
        return false;
    }
    vsh_print_extra(ctl, "Domain '%s' created from %s\n", virDomainGetName(dom), file);
    virDomainFree(dom);
    return true;
}

static const struct vsh_opt_def opts_undefine[] = {
    OPT_DOMAIN,
    {"managed-save", VSH_OT_BOOL, 0},
    {"storage", VSH_OT_STRING, 0},
    {"remove-all-storage", VSH_OT_BOOL, 0},
    {"delete-storage-volume-snapshots", VSH_OT_BOOL, 0},
    {"wipe-storage", VSH_OT_BOOL, 0},
    {"snapshots-metadata", VSH_OT_BOOL, 0},
    {"checkpoints-metadata", VSH_OT_BOOL, 0},
    {"nvram", VSH_OT_BOOL, 0},
    {"keep-nvram", VSH_OT_BOOL, 0},
    {"tpm", VSH_OT_BOOL, 0},
    {"keep-tpm", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_undefine(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const struct {
        const char *opt;
        unsigned int flag;
    } map[] = {
        {"managed-save", VIR_DOMAIN_UNDEFINE_MANAGED_SAVE},
        {"snapshots-metadata", VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA},
        {"checkpoints-metadata", VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA},
        {"nvram", VIR_DOMAIN_UNDEFINE_NVRAM},
        {"keep-nvram", VIR_DOMAIN_UNDEFINE_KEEP_NVRAM},
        {"tpm", VIR_DOMAIN_UNDEFINE_TPM},
        {"keep-tpm", VIR_DOMAIN_UNDEFINE_KEEP_TPM},
    };
    unsigned int flags = 0;
    const char *name;
    virDomainPtr dom;
    int rc;

    if (!exclusive(ctl, cmd, "nvram", "keep-nvram") || !exclusive(ctl, cmd, "tpm", "keep-tpm"))
        return false;
    if (vsh_opt_string(cmd, "storage") || vsh_opt_bool(cmd, "remove-all-storage") ||
        vsh_opt_bool(cmd, "wipe-storage") || vsh_opt_bool(cmd, "delete-storage-volume-snapshots")) {
        vsh_error(ctl, "%s", "storage removal is not supported by this virsh");
        return false;
    }
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (vsh_opt_bool(cmd, map[i].opt))
            flags |= map[i].flag;
    dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name);
    if (!dom)
        return false;
    /* virsh asks, to decide about managed save and storage. */
    int active = virDomainIsActive(dom);
    if (active < 0) {
        virDomainFree(dom);
        return false;
    }
    /* ... and how many snapshots' metadata it was asked to remove (a
     * failure here shows again in the undefine). */
    int nsnap = 0;
    if (vsh_opt_bool(cmd, "snapshots-metadata")) {
        nsnap = virDomainSnapshotNum(dom, VIR_DOMAIN_SNAPSHOT_LIST_METADATA);
        if (nsnap < 0) {
            vsh_reset_libvirt_error(ctl);
            nsnap = 0;
        }
    }
    rc = virDomainUndefineFlags(dom, flags);
    /* A driver that does not take the flags: virsh falls back to the
     * plain undefine, unless that would leave snapshots' metadata behind
     * or it was asked to remove what only the driver can (NVRAM, TPM). */
    if (rc < 0 && ctl->last_error &&
        (ctl->last_error->code == VIR_ERR_NO_SUPPORT ||
         (flags && ctl->last_error->code == VIR_ERR_INVALID_ARG &&
          !(flags & (VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_TPM))))) {
        vsh_reset_libvirt_error(ctl);
        if (!active && nsnap > 0) {
            vsh_error(ctl, "Unable to remove metadata of %d snapshots", nsnap);
            virDomainFree(dom);
            return false;
        }
        rc = virDomainUndefine(dom);
    }
    virDomainFree(dom);
    if (rc < 0) {
        vsh_error(ctl, "Failed to undefine domain '%s'", name);
        return false;
    }
    vsh_print_extra(ctl, "Domain '%s' has been undefined\n", name);
    return true;
}

static const struct vsh_opt_def opts_start[] = {
    OPT_DOMAIN,
    {"console", VSH_OT_BOOL, 0},
    {"paused", VSH_OT_BOOL, 0},
    {"autodestroy", VSH_OT_BOOL, 0},
    {"bypass-cache", VSH_OT_BOOL, 0},
    {"force-boot", VSH_OT_BOOL, 0},
    {"pass-fds", VSH_OT_STRING, 0},
    {"reset-nvram", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_start(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int flags = 0;
    virDomainPtr dom;
    int rc;

    if (!no_console(ctl, cmd))
        return false;
    if (vsh_opt_bool(cmd, "paused"))
        flags |= VIR_DOMAIN_START_PAUSED;
    if (vsh_opt_bool(cmd, "autodestroy"))
        flags |= VIR_DOMAIN_START_AUTODESTROY;
    if (vsh_opt_bool(cmd, "bypass-cache"))
        flags |= VIR_DOMAIN_START_BYPASS_CACHE;
    if (vsh_opt_bool(cmd, "force-boot"))
        flags |= VIR_DOMAIN_START_FORCE_BOOT;
    if (vsh_opt_bool(cmd, "reset-nvram"))
        flags |= VIR_DOMAIN_START_RESET_NVRAM;
    dom = vsh_command_domain(ctl, cmd, VSH_BYNAME | VSH_BYUUID, NULL);
    if (!dom)
        return false;
    if (virDomainGetID(dom) != (unsigned int)-1) {
        vsh_error(ctl, "%s", "Domain is already active");
        virDomainFree(dom);
        return false;
    }
    rc = flags ? virDomainCreateWithFlags(dom, flags) : virDomainCreate(dom);
    if (rc < 0)
        vsh_error(ctl, "Failed to start domain '%s'", virDomainGetName(dom));
    else
        vsh_print_extra(ctl, "Domain '%s' started\n", virDomainGetName(dom));
    virDomainFree(dom);
    return rc == 0;
}

/* suspend, resume, shutdown, reboot, destroy, autostart */

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
/* Runs op on the command's domain and prints virsh's success or failure
 * line, both naming the domain as the user wrote it. */
static bool simple_op(struct vsh_ctl *ctl, const struct vsh_cmd *cmd,
                      int (*op)(virDomainPtr, unsigned int), unsigned int flags,
                      const char *done_fmt, const char *fail_fmt)
{
    const char *name;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name);
    int rc;

    if (!dom)
        return false;
    rc = op(dom, flags);
    virDomainFree(dom);
    if (rc < 0) {
        vsh_error(ctl, fail_fmt, name);
        return false;
    }
    vsh_print_extra(ctl, done_fmt, name);
    return true;
}
#pragma GCC diagnostic pop

static int op_suspend(virDomainPtr d, unsigned int f)
{
    (void)f;
    return virDomainSuspend(d);
}

static int op_resume(virDomainPtr d, unsigned int f)
{
    (void)f;
    return virDomainResume(d);
}

static int op_shutdown(virDomainPtr d, unsigned int f)
{
    return f ? virDomainShutdownFlags(d, f) : virDomainShutdown(d);
}

static int op_reboot(virDomainPtr d, unsigned int f)
{
    return virDomainReboot(d, f);
}

static int op_destroy(virDomainPtr d, unsigned int f)
{
    return f ? virDomainDestroyFlags(d, f) : virDomainDestroy(d);
}

static int op_autostart_on(virDomainPtr d, unsigned int f)
{
    (void)f;
    return virDomainSetAutostart(d, 1);
}

static int op_autostart_off(virDomainPtr d, unsigned int f)
{
    (void)f;
    return virDomainSetAutostart(d, 0);
}

static bool cmd_suspend(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return simple_op(ctl, cmd, op_suspend, 0, "Domain '%s' suspended\n",
                     "Failed to suspend domain '%s'");
}

static bool cmd_resume(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return simple_op(ctl, cmd, op_resume, 0, "Domain '%s' resumed\n",
                     "Failed to resume domain '%s'");
}

static const struct vsh_opt_def opts_shutdown[] = {
    OPT_DOMAIN,
    {"mode", VSH_OT_STRING, 0},
    OPT_END,
};

/* --mode acpi,agent,...: shutdown and reboot flags share their values. */
static bool parse_mode(struct vsh_ctl *ctl, const char *mode, unsigned int *flags)
{
    static const char *const names[] = {"acpi", "agent", "initctl", "signal", "paravirt"};
    char *copy, *tok, *save = NULL;

    *flags = 0;
    if (!mode)
        return true;
    copy = strdup(mode);
    if (!copy)
        return false;
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        size_t i;
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (strcmp(tok, names[i]) == 0)
                break;
        if (i == sizeof(names) / sizeof(names[0])) {
            vsh_error(ctl,
                      "Unknown mode %s value, expecting 'acpi', 'agent', 'initctl', 'signal', "
                      "or 'paravirt'",
                      tok);
            free(copy);
            return false;
        }
        *flags |= 1u << i;
    }
    free(copy);
    return true;
}

static bool cmd_shutdown(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int flags;

    if (!parse_mode(ctl, vsh_opt_string(cmd, "mode"), &flags))
        return false;
    return simple_op(ctl, cmd, op_shutdown, flags, "Domain '%s' is being shutdown\n",
                     "Failed to shutdown domain '%s'");
}

static bool cmd_reboot(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int flags;

    if (!parse_mode(ctl, vsh_opt_string(cmd, "mode"), &flags))
        return false;
    return simple_op(ctl, cmd, op_reboot, flags, "Domain '%s' is being rebooted\n",
                     "Failed to reboot domain '%s'");
}

static const struct vsh_opt_def opts_destroy[] = {
    OPT_DOMAIN,
    {"graceful", VSH_OT_BOOL, 0},
    {"remove-logs", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_destroy(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int flags = 0;

    if (vsh_opt_bool(cmd, "graceful"))
        flags |= VIR_DOMAIN_DESTROY_GRACEFUL;
    if (vsh_opt_bool(cmd, "remove-logs"))
        flags |= VIR_DOMAIN_DESTROY_REMOVE_LOGS;
    return simple_op(ctl, cmd, op_destroy, flags, "Domain '%s' destroyed\n",
                     "Failed to destroy domain '%s'");
}

static const struct vsh_opt_def opts_autostart[] = {
    OPT_DOMAIN,
    {"disable", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_autostart(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    if (vsh_opt_bool(cmd, "disable"))
        return simple_op(ctl, cmd, op_autostart_off, 0, "Domain '%s' unmarked as autostarted\n",
                         "Failed to unmark domain '%s' as autostarted");
    return simple_op(ctl, cmd, op_autostart_on, 0, "Domain '%s' marked as autostarted\n",
                     "Failed to mark domain '%s' as autostarted");
}

/* setmem, setmaxmem, setvcpus */

static const struct vsh_opt_def opts_setmem[] = {
    OPT_DOMAIN,
    {"size", VSH_OT_INT, VSH_OFLAG_REQ},
    {"config", VSH_OT_BOOL, 0},
    {"live", VSH_OT_BOOL, 0},
    {"current", VSH_OT_BOOL, 0},
    OPT_END,
};

/* Parses --size (KiB by default) into KiB. */
static bool size_kib(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, unsigned long *kib)
{
    unsigned long long bytes = 0;

    if (vsh_opt_scaled(ctl, cmd, "size", &bytes, 1024, 1024ULL * ULONG_MAX) < 0)
        return false;
    *kib = (unsigned long)((bytes + 1023) / 1024);
    return true;
}

static bool cmd_setmem(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool config = vsh_opt_bool(cmd, "config"), live = vsh_opt_bool(cmd, "live");
    bool current = vsh_opt_bool(cmd, "current");
    unsigned int flags = 0;
    unsigned long kib;
    virDomainPtr dom;
    int rc;

    if (!exclusive(ctl, cmd, "current", "live") || !exclusive(ctl, cmd, "current", "config"))
        return false;
    if (config)
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (live)
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    /* Without options virsh 9.0 changes the running domain. */
    if (!current && !live && !config)
        flags = VIR_DOMAIN_AFFECT_LIVE;
    dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (!size_kib(ctl, cmd, &kib)) {
        virDomainFree(dom);
        return false;
    }
    rc = virDomainSetMemoryFlags(dom, kib, flags);
    virDomainFree(dom);
    return rc == 0;
}

static bool cmd_setmaxmem(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int flags = VIR_DOMAIN_MEM_MAXIMUM;
    unsigned long kib;
    virDomainPtr dom;
    int rc;

    if (!exclusive(ctl, cmd, "current", "live") || !exclusive(ctl, cmd, "current", "config"))
        return false;
    if (vsh_opt_bool(cmd, "config"))
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (vsh_opt_bool(cmd, "live"))
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (!size_kib(ctl, cmd, &kib)) {
        virDomainFree(dom);
        return false;
    }
    rc = virDomainSetMemoryFlags(dom, kib, flags);
    virDomainFree(dom);
    if (rc < 0) {
        vsh_error(ctl, "%s", "Unable to change MaxMemorySize");
        return false;
    }
    return true;
}

static const struct vsh_opt_def opts_setvcpus[] = {
    OPT_DOMAIN,
    {"count", VSH_OT_INT, VSH_OFLAG_REQ},
    {"maximum", VSH_OT_BOOL, 0},
    {"config", VSH_OT_BOOL, 0},
    {"live", VSH_OT_BOOL, 0},
    {"current", VSH_OT_BOOL, 0},
    {"guest", VSH_OT_BOOL, 0},
    {"hotpluggable", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_setvcpus(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool current = vsh_opt_bool(cmd, "current");
    unsigned int flags = 0;
    virDomainPtr dom;
    int count = 0, rc;

    if (!exclusive(ctl, cmd, "current", "live") || !exclusive(ctl, cmd, "current", "config") ||
        !exclusive(ctl, cmd, "guest", "config") || !exclusive(ctl, cmd, "hotpluggable", "guest"))
        return false;
    if (vsh_opt_bool(cmd, "config"))
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (vsh_opt_bool(cmd, "live"))
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    if (vsh_opt_bool(cmd, "guest"))
        flags |= VIR_DOMAIN_VCPU_GUEST;
    if (vsh_opt_bool(cmd, "maximum"))
        flags |= VIR_DOMAIN_VCPU_MAXIMUM;
    if (vsh_opt_bool(cmd, "hotpluggable"))
        flags |= VIR_DOMAIN_VCPU_HOTPLUGGABLE;
    dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    if (!dom)
        return false;
    if (vsh_opt_int(ctl, cmd, "count", &count) < 0 || count < 0) {
        if (count < 0)
            vsh_error(ctl, "Numeric value '%s' for <%s> option is malformed or out of range",
                      vsh_opt_string(cmd, "count"), "count");
        virDomainFree(dom);
        return false;
    }
    if (!current && flags == 0)
        rc = virDomainSetVcpus(dom, (unsigned int)count);
    else
        rc = virDomainSetVcpusFlags(dom, (unsigned int)count, flags);
    virDomainFree(dom);
    return rc == 0;
}

/* event */

static const char *const event_names[] = {
    "lifecycle",       "reboot",          "rtc-change",
    "watchdog",        "io-error",        "graphics",
    "io-error-reason", "control-error",   "block-job",
    "disk-change",     "tray-change",     "pm-wakeup",
    "pm-suspend",      "balloon-change",  "pm-suspend-disk",
    "device-removed",  "block-job-2",     "tunable",
    "agent-lifecycle", "device-added",    "migration-iteration",
    "job-completed",   "device-removal-failed", "metadata-change",
    "block-threshold", "memory-failure",  "memory-device-size-change",
};
#define NEVENTS ((int)(sizeof(event_names) / sizeof(event_names[0])))

static const char *const lifecycle_events[] = {
    "Defined", "Undefined", "Started", "Suspended", "Resumed",
    "Stopped", "Shutdown",  "PMSuspended", "Crashed",
};
static const char *const det_defined[] = {"Added", "Updated", "Renamed", "Snapshot"};
static const char *const det_undefined[] = {"Removed", "Renamed"};
static const char *const det_started[] = {"Booted", "Migrated", "Restored", "Snapshot",
                                          "Event wakeup"};
static const char *const det_suspended[] = {"Paused",    "Migrated",  "I/O Error",
                                            "Watchdog",  "Restored",  "Snapshot",
                                            "API error", "Post-copy", "Post-copy Error"};
static const char *const det_resumed[] = {"Unpaused", "Migrated", "Snapshot", "Post-copy",
                                          "Post-copy Error"};
static const char *const det_stopped[] = {"Shutdown", "Destroyed", "Crashed", "Migrated",
                                          "Saved",    "Failed",    "Snapshot"};
static const char *const det_shutdown[] = {"Finished", "Finished after guest request",
                                           "Finished after host request"};
static const char *const det_pmsuspended[] = {"Memory", "Disk"};
static const char *const det_crashed[] = {"Panicked", "Crashloaded"};

static const char *event_detail(int event, int detail)
{
    const char *s = NULL;

    switch (event) {
    case VIR_DOMAIN_EVENT_DEFINED: s = PICK(det_defined, detail); break;
    case VIR_DOMAIN_EVENT_UNDEFINED: s = PICK(det_undefined, detail); break;
    case VIR_DOMAIN_EVENT_STARTED: s = PICK(det_started, detail); break;
    case VIR_DOMAIN_EVENT_SUSPENDED: s = PICK(det_suspended, detail); break;
    case VIR_DOMAIN_EVENT_RESUMED: s = PICK(det_resumed, detail); break;
    case VIR_DOMAIN_EVENT_STOPPED: s = PICK(det_stopped, detail); break;
    case VIR_DOMAIN_EVENT_SHUTDOWN: s = PICK(det_shutdown, detail); break;
    case VIR_DOMAIN_EVENT_PMSUSPENDED: s = PICK(det_pmsuspended, detail); break;
    case VIR_DOMAIN_EVENT_CRASHED: s = PICK(det_crashed, detail); break;
    }
    return s ? s : "unknown";
}

static void on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    (void)conn;
    vsh_event_report(opaque, "event 'lifecycle' for domain '%s': %s %s", virDomainGetName(dom),
                     event >= 0 && event < (int)(sizeof(lifecycle_events) /
                                                 sizeof(lifecycle_events[0]))
                         ? lifecycle_events[event]
                         : "unknown",
                     event_detail(event, detail));
}

static void on_generic(virConnectPtr conn, virDomainPtr dom, void *opaque)
{
    struct vsh_event_reg *reg = opaque;

    (void)conn;
    vsh_event_report(reg, "event '%s' for domain '%s'", event_names[reg->event_id],
                     virDomainGetName(dom));
}

static void on_metadata_change(virConnectPtr conn, virDomainPtr dom, int type,
                               const char *nsuri, void *opaque)
{
    static const char *const types[] = {"description", "title", "element"};

    (void)conn;
    vsh_event_report(opaque, "event 'metadata-change' for domain '%s': type %s, uri %s",
                     virDomainGetName(dom), type >= 0 && type < 3 ? types[type] : "unknown",
                     nsuri ? nsuri : "<null>");
}

static int domain_event_register(virConnectPtr conn, void *obj, int event_id,
                                 struct vsh_event_reg *reg)
{
    virConnectDomainEventGenericCallback cb =
        event_id == VIR_DOMAIN_EVENT_ID_LIFECYCLE ? VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle)
        : event_id == VIR_DOMAIN_EVENT_ID_METADATA_CHANGE
            ? VIR_DOMAIN_EVENT_CALLBACK(on_metadata_change)
            : on_generic;

    return virConnectDomainEventRegisterAny(conn, obj, event_id, cb, reg, NULL);
}

static const struct vsh_event_kind domain_events = {
    event_names, NEVENTS, true, domain_event_register, virConnectDomainEventDeregisterAny,
};
_Static_assert(NEVENTS <= VSH_MAX_EVENTS, "VSH_MAX_EVENTS holds every domain event");

static const struct vsh_opt_def opts_event[] = {
    {"domain", VSH_OT_STRING, 0},
    {"event", VSH_OT_STRING, 0},
    {"all", VSH_OT_BOOL, 0},
    {"loop", VSH_OT_BOOL, 0},
    {"timeout", VSH_OT_INT, 0},
    {"list", VSH_OT_BOOL, 0},
    {"timestamp", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_event(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    struct vsh_events ev;
    virDomainPtr dom = NULL;
    bool ok;
    int r = vsh_events_prepare(ctl, cmd, &domain_events, &ev);

    if (r != 0)
        return r > 0;
    if (vsh_opt_string(cmd, "domain")) {
        dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
        if (!dom)
            return false;
    }
    ok = vsh_events_listen(&domain_events, &ev, dom);
    if (dom)
        virDomainFree(dom);
    return ok;
}

const struct vsh_cmd_def vsh_domain_cmds[] = {
    {"list", cmd_list, opts_list, "list domains", false},
    {"dominfo", cmd_dominfo, opts_domain_only, "domain information", false},
    {"domstate", cmd_domstate, opts_domstate, "domain state", false},
    {"domid", cmd_domid, opts_domain_only, "convert a domain name or UUID to domain id", false},
    {"domname", cmd_domname, opts_domain_only, "convert a domain id or UUID to domain name",
     false},
    {"domuuid", cmd_domuuid, opts_domain_only, "convert a domain name or id to domain UUID",
     false},
    {"dumpxml", cmd_dumpxml, opts_dumpxml, "domain information in XML", false},
    {"domblklist", cmd_domblklist, opts_domblklist, "list all domain blocks", false},
    {"domiflist", cmd_domiflist, opts_domiflist, "list all domain virtual interfaces", false},
    {"vcpucount", cmd_vcpucount, opts_vcpucount, "domain vcpu counts", false},
    {"define", cmd_define, opts_define, "define (but don't start) a domain from an XML file",
     false},
    {"create", cmd_create, opts_create, "create a domain from an XML file", false},
    {"undefine", cmd_undefine, opts_undefine, "undefine a domain", false},
    {"start", cmd_start, opts_start, "start a (previously defined) inactive domain", false},
    {"suspend", cmd_suspend, opts_domain_only, "suspend a domain", false},
    {"resume", cmd_resume, opts_domain_only, "resume a domain", false},
    {"shutdown", cmd_shutdown, opts_shutdown, "gracefully shutdown a domain", false},
    {"reboot", cmd_reboot, opts_shutdown, "reboot a domain", false},
    {"destroy", cmd_destroy, opts_destroy, "destroy (stop) a domain", false},
    {"autostart", cmd_autostart, opts_autostart, "autostart a domain", false},
    {"setmem", cmd_setmem, opts_setmem, "change memory allocation", false},
    {"setmaxmem", cmd_setmaxmem, opts_setmem, "change maximum memory limit", false},
    {"setvcpus", cmd_setvcpus, opts_setvcpus, "change number of virtual CPUs", false},
    {"event", cmd_event, opts_event, "Domain Events", false},
    {NULL, NULL, NULL, NULL, false},
};

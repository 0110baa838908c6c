/* Network commands (net-*). Wording, layout and the API calls made (and
 * so what goes on the wire) follow real virsh 9.0. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include "vsh.h"

#define OPT_NETWORK {"network", VSH_OT_DATA, VSH_OFLAG_REQ}
#define OPT_END {NULL, 0, 0}

enum { BY_UUID = 1, BY_NAME = 2 };

/* The command's "network" option looked up as virsh does: by UUID when it
 * has a UUID's length, then by name. */
static virNetworkPtr command_network(struct vsh_ctl *ctl, const struct vsh_cmd *cmd,
                                     unsigned int by)
{
    const char *n = vsh_opt_string(cmd, "network");
    virNetworkPtr net = NULL;

    if (!n)
        return NULL;
    if ((by & BY_UUID) && strlen(n) == VIR_UUID_STRING_BUFLEN - 1)
        net = virNetworkLookupByUUIDString(ctl->conn, n);
    if (!net && (by & BY_NAME))
        net = virNetworkLookupByName(ctl->conn, n);
    if (!net)
        vsh_error(ctl, "failed to get network '%s'", n);
    return net;
}

/* net-list */

static const struct vsh_opt_def opts_net_list[] = {
    {"inactive", VSH_OT_BOOL, 0},   {"all", VSH_OT_BOOL, 0},
    {"persistent", VSH_OT_BOOL, 0}, {"transient", VSH_OT_BOOL, 0},
    {"autostart", VSH_OT_BOOL, 0},  {"no-autostart", VSH_OT_BOOL, 0},
    {"uuid", VSH_OT_BOOL, 0},       {"name", VSH_OT_BOOL, 0},
    {"table", VSH_OT_BOOL, 0},      OPT_END,
};

static int network_order(const void *a, const void *b)
{
    return strcasecmp(virNetworkGetName(*(virNetworkPtr const *)a),
                      virNetworkGetName(*(virNetworkPtr const *)b));
}

static bool cmd_net_list(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool inactive = vsh_opt_bool(cmd, "inactive"), all = vsh_opt_bool(cmd, "all");
    bool uuid = vsh_opt_bool(cmd, "uuid"), name = vsh_opt_bool(cmd, "name");
    bool table = vsh_opt_bool(cmd, "table");
    unsigned int flags = VIR_CONNECT_LIST_NETWORKS_ACTIVE;
    virNetworkPtr *nets = NULL;
    struct vsh_table *t = NULL;
    int n;

    if ((int)uuid + (int)name + (int)table > 1) {
        vsh_error(ctl, "%s",
                  "Only one argument from --table, --name and --uuid may be specified.");
        return false;
    }
    if (inactive)
        flags = VIR_CONNECT_LIST_NETWORKS_INACTIVE;
    if (all)
        flags = VIR_CONNECT_LIST_NETWORKS_ACTIVE | VIR_CONNECT_LIST_NETWORKS_INACTIVE;
    if (vsh_opt_bool(cmd, "persistent"))
        flags |= VIR_CONNECT_LIST_NETWORKS_PERSISTENT;
    if (vsh_opt_bool(cmd, "transient"))
        flags |= VIR_CONNECT_LIST_NETWORKS_TRANSIENT;
    if (vsh_opt_bool(cmd, "autostart"))
        flags |= VIR_CONNECT_LIST_NETWORKS_AUTOSTART;
    if (vsh_opt_bool(cmd, "no-autostart"))
        flags |= VIR_CONNECT_LIST_NETWORKS_NO_AUTOSTART;

    n = virConnectListAllNetworks(ctl->conn, &nets, flags);
    if (n < 0) {
        vsh_error(ctl, "%s", "Failed to list networks");
        return false;
    }
    qsort(nets, (size_t)n, sizeof(*nets), network_order);
    if (!uuid && !name)
        t = vsh_table_new("Name", "State", "Autostart", "Persistent", NULL);
    for (int i = 0; i < n; i++) {
        virNetworkPtr net = nets[i];
        if (uuid) {
            char u[VIR_UUID_STRING_BUFLEN];
            if (virNetworkGetUUIDString(net, u) == 0)
                vsh_print(ctl, "%s\n", u);
        } else if (name) {
            vsh_print(ctl, "%s\n", virNetworkGetName(net));
        } else {
            int autostart = 0, persistent = virNetworkIsPersistent(net);
            const char *as = virNetworkGetAutostart(net, &autostart) < 0 ? "no autostart"
                             : autostart                               ? "yes"
                                                                       : "no";
            vsh_table_row(t, virNetworkGetName(net),
                          virNetworkIsActive(net) ? "active" : "inactive", as,
                          persistent < 0 ? "-" : persistent ? "yes" : "no", NULL);
        }
    }
    if (t)
        vsh_table_print(ctl, t);
    vsh_table_free(t);
    for (int i = 0; i < n; i++)
        virNetworkFree(nets[i]);
    free(nets);
    return true;
}

/* net-info */

static const struct vsh_opt_def opts_network_only[] = {OPT_NETWORK, OPT_END};

static bool cmd_net_info(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virNetworkPtr net = command_network(ctl, cmd, BY_UUID | BY_NAME);
    char uuid[VIR_UUID_STRING_BUFLEN];
    int active, persistent, autostart;
    char *bridge;

    if (!net)
        return false;
    vsh_print(ctl, "%-15s %s\n", "Name:", virNetworkGetName(net));
    if (virNetworkGetUUIDString(net, uuid) == 0)
        vsh_print(ctl, "%-15s %s\n", "UUID:", uuid);
    active = virNetworkIsActive(net);
    if (active >= 0)
        vsh_print(ctl, "%-15s %s\n", "Active:", active ? "yes" : "no");
    persistent = virNetworkIsPersistent(net);
    if (persistent < 0)
        vsh_print(ctl, "%-15s %s\n", "Persistent:", "unknown");
    else
        vsh_print(ctl, "%-15s %s\n", "Persistent:", persistent ? "yes" : "no");
    if (virNetworkGetAutostart(net, &autostart) < 0)
        vsh_print(ctl, "%-15s %s\n", "Autostart:", "no autostart");
    else
        vsh_print(ctl, "%-15s %s\n", "Autostart:", autostart ? "yes" : "no");
    bridge = virNetworkGetBridgeName(net);
    if (bridge)
        vsh_print(ctl, "%-15s %s\n", "Bridge:", bridge);
    free(bridge);
    /* A network without a bridge is not an error for net-info. */
    vsh_reset_libvirt_error(ctl);
    virNetworkFree(net);
    return true;
}

/* net-dumpxml */

static const struct vsh_opt_def opts_net_dumpxml[] = {
    OPT_NETWORK,
    {"inactive", VSH_OT_BOOL, 0},
    {"xpath", VSH_OT_STRING, 0},
    {"wrap", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_net_dumpxml(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int flags = vsh_opt_bool(cmd, "inactive") ? VIR_NETWORK_XML_INACTIVE : 0;
    virNetworkPtr net;
    char *xml;

    if (!(net = command_network(ctl, cmd, BY_UUID | BY_NAME)))
        return false;
    xml = virNetworkGetXMLDesc(net, flags);
    virNetworkFree(net);
    if (!xml)
        return false;
    bool ok = vsh_print_xml(ctl, cmd, xml);
    free(xml);
    return ok;
}

/* net-define, net-create */

static const struct vsh_opt_def opts_net_file[] = {
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"validate", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool from_file(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, bool define)
{
    const char *file = vsh_opt_string(cmd, "file");
    unsigned int flags = vsh_opt_bool(cmd, "validate") ? VIR_NETWORK_DEFINE_VALIDATE : 0;
    char *xml = vsh_read_file(ctl, file);
    virNetworkPtr net;

    if (!xml)
        return false;
    if (define)
        net = flags ? virNetworkDefineXMLFlags(ctl->conn, xml, flags)
                    : virNetworkDefineXML(ctl->conn, xml);
    else
        net = flags ? virNetworkCreateXMLFlags(ctl->conn, xml, flags)
                    : virNetworkCreateXML(ctl->conn, xml);
    free(xml);
    if (!net) {
        vsh_error(ctl, "Failed to %s network from %s", define ? "define" : "create", file);
        return false;
    }
    vsh_print_extra(ctl, "Network %s %s from %s\n", virNetworkGetName(net),
                    define ? "defined" : "created", file);
    virNetworkFree(net);
    return true;
}

static bool cmd_net_define(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return from_file(ctl, cmd, true);
}

static bool cmd_net_create(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return from_file(ctl, cmd, false);
}

/* net-start, net-destroy, net-undefine, net-autostart */

/* Runs op on the command's network: 1 done, 0 failed, -1 no such
 * network; *net stays for the message (caller frees). */
static int run_op(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, int (*op)(virNetworkPtr),
                  virNetworkPtr *net)
{
    if (!(*net = command_network(ctl, cmd, BY_UUID | BY_NAME)))
        return -1;
    return op(*net) == 0;
}

#define SIMPLE_OP(ctl, cmd, op, done, failed)                                            \
    do {                                                                                 \
        virNetworkPtr net_;                                                              \
        int r_ = run_op(ctl, cmd, op, &net_);                                            \
        if (r_ < 0)                                                                      \
            return false;                                                                \
        if (r_)                                                                          \
            vsh_print_extra(ctl, done, virNetworkGetName(net_));                         \
        else                                                                             \
            vsh_error(ctl, failed, virNetworkGetName(net_));                             \
        virNetworkFree(net_);                                                            \
        return r_ == 1;                                                                  \
    } while (0)

static bool cmd_net_start(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    SIMPLE_OP(ctl, cmd, virNetworkCreate, "Network %s started\n", "Failed to start network %s");
}

static bool cmd_net_destroy(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    SIMPLE_OP(ctl, cmd, virNetworkDestroy, "Network %s destroyed\n",
              "Failed to destroy network %s");
}

static bool cmd_net_undefine(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    SIMPLE_OP(ctl, cmd, virNetworkUndefine, "Network %s has been undefined\n",
              "Failed to undefine network %s");
}

static const struct vsh_opt_def opts_net_autostart[] = {
    OPT_NETWORK,
    {"disable", VSH_OT_BOOL, 0},
    OPT_END,
};

static int autostart_on(virNetworkPtr net)
{
    return virNetworkSetAutostart(net, 1);
}

static int autostart_off(virNetworkPtr net)
{
    return virNetworkSetAutostart(net, 0);
}

static bool cmd_net_autostart(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    if (vsh_opt_bool(cmd, "disable"))
        SIMPLE_OP(ctl, cmd, autostart_off, "Network %s unmarked as autostarted\n",
                  "failed to unmark network %s as autostarted");
    SIMPLE_OP(ctl, cmd, autostart_on, "Network %s marked as autostarted\n",
              "failed to mark network %s as autostarted");
}

/* net-uuid, net-name */

static bool cmd_net_uuid(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virNetworkPtr net = command_network(ctl, cmd, BY_NAME);
    char uuid[VIR_UUID_STRING_BUFLEN];
    bool ok;

    if (!net)
        return false;
    ok = virNetworkGetUUIDString(net, uuid) == 0;
    if (ok)
        vsh_print(ctl, "%s\n", uuid);
    else
        vsh_error(ctl, "%s", "failed to get network UUID");
    virNetworkFree(net);
    return ok;
}

static bool cmd_net_name(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virNetworkPtr net = command_network(ctl, cmd, BY_UUID);

    if (!net)
        return false;
    vsh_print(ctl, "%s\n", virNetworkGetName(net));
    virNetworkFree(net);
    return true;
}

/* net-update */

static const struct vsh_opt_def opts_net_update[] = {
    OPT_NETWORK,
    {"command", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"section", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"xml", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"parent-index", VSH_OT_INT, 0},
    {"config", VSH_OT_BOOL, 0},
    {"live", VSH_OT_BOOL, 0},
    {"current", VSH_OT_BOOL, 0},
    OPT_END,
};

static const char *const update_commands[] = {"none", "modify", "delete", "add-last",
                                              "add-first", NULL};
static const char *const update_sections[] = {
    "none",    "bridge",          "domain",     "ip",        "ip-dhcp-host",
    "ip-dhcp-range", "forward", "forward-interface", "forward-pf", "portgroup",
    "dns-host", "dns-txt",        "dns-srv",    NULL};

static int index_of(const char *const *list, const char *s)
{
    for (int i = 1; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return -1;
}

static bool cmd_net_update(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *command = vsh_opt_string(cmd, "command");
    const char *section = vsh_opt_string(cmd, "section");
    const char *xmlarg = vsh_opt_string(cmd, "xml");
    bool config = vsh_opt_bool(cmd, "config"), live = vsh_opt_bool(cmd, "live");
    bool current = vsh_opt_bool(cmd, "current");
    unsigned int flags = 0;
    int cmdnum, secnum, parent = -1;
    char *xml = NULL;
    virNetworkPtr net;
    bool ok = false;

    if ((current && live) || (current && config)) {
        vsh_error(ctl, "Options --current and --%s are mutually exclusive",
                  live ? "live" : "config");
        return false;
    }
    if (!(net = command_network(ctl, cmd, BY_UUID | BY_NAME)))
        return false;
    cmdnum = strcmp(command, "add") == 0 ? VIR_NETWORK_UPDATE_COMMAND_ADD_LAST
                                         : index_of(update_commands, command);
    if (cmdnum < 0) {
        vsh_error(ctl, "unrecognized command name '%s'", command);
        goto out;
    }
    if ((secnum = index_of(update_sections, section)) < 0) {
        vsh_error(ctl, "unrecognized section name '%s'", section);
        goto out;
    }
    if (vsh_opt_int(ctl, cmd, "parent-index", &parent) < 0)
        goto out;
    /* The xml argument is the XML itself when it starts with '<', else a
     * file holding it. */
    if (xmlarg[0] == '<') {
        if (!(xml = strdup(xmlarg))) {
            vsh_error(ctl, "%s", "out of memory");
            goto out;
        }
    } else if (!(xml = vsh_read_file(ctl, xmlarg))) {
        goto out;
    }
    if (config)
        flags |= VIR_NETWORK_UPDATE_AFFECT_CONFIG;
    if (live)
        flags |= VIR_NETWORK_UPDATE_AFFECT_LIVE;
    if (virNetworkUpdate(net, (unsigned int)cmdnum, (unsigned int)secnum, parent, xml, flags) <
        0) {
        vsh_error(ctl, "Failed to update network %s", virNetworkGetName(net));
        goto out;
    }
    const char *affected;
    if (config)
        affected = live ? "persistent config and live state" : "persistent config";
    else if (live)
        affected = "live state";
    else if (virNetworkIsActive(net))
        affected = "live state";
    else
        affected = "persistent config";
    vsh_print_extra(ctl, "Updated network %s %s", virNetworkGetName(net), affected);
    ok = true;
out:
    free(xml);
    virNetworkFree(net);
    return ok;
}

/* net-dhcp-leases */

static const struct vsh_opt_def opts_net_dhcp_leases[] = {
    OPT_NETWORK,
    {"mac", VSH_OT_STRING, 0},
    OPT_END,
};

static int lease_order(const void *a, const void *b)
{
    virNetworkDHCPLeasePtr la = *(virNetworkDHCPLeasePtr const *)a;
    virNetworkDHCPLeasePtr lb = *(virNetworkDHCPLeasePtr const *)b;
    return strcmp(la->mac ? la->mac : "", lb->mac ? lb->mac : "");
}

static bool cmd_net_dhcp_leases(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *mac = vsh_opt_string(cmd, "mac");
    virNetworkPtr net = command_network(ctl, cmd, BY_UUID | BY_NAME);
    virNetworkDHCPLeasePtr *leases = NULL;
    struct vsh_table *t;
    int n;

    if (!net)
        return false;
    n = virNetworkGetDHCPLeases(net, mac, &leases, 0);
    if (n < 0) {
        vsh_error(ctl, "Failed to get leases info for %s", virNetworkGetName(net));
        virNetworkFree(net);
        return false;
    }
    qsort(leases, (size_t)n, sizeof(*leases), lease_order);
    t = vsh_table_new("Expiry Time", "MAC address", "Protocol", "IP address", "Hostname",
                      "Client ID or DUID", NULL);
    for (int i = 0; i < n; i++) {
        virNetworkDHCPLeasePtr l = leases[i];
        time_t when = (time_t)l->expirytime;
        struct tm tm;
        char expiry[32], cidr[80];
        localtime_r(&when, &tm);
        strftime(expiry, sizeof(expiry), "%Y-%m-%d %H:%M:%S", &tm);
        snprintf(cidr, sizeof(cidr), "%s/%u", l->ipaddr, l->prefix);
        vsh_table_row(t, expiry, l->mac ? l->mac : "-",
                      l->type == VIR_IP_ADDR_TYPE_IPV4 ? "ipv4" : "ipv6", cidr,
                      l->hostname ? l->hostname : "-", l->clientid ? l->clientid : "-", NULL);
    }
    vsh_table_print(ctl, t);
    vsh_table_free(t);
    for (int i = 0; i < n; i++)
        virNetworkDHCPLeaseFree(leases[i]);
    free(leases);
    virNetworkFree(net);
    return true;
}

/* net-port-* */

static const struct vsh_opt_def opts_net_port_list[] = {
    OPT_NETWORK,
    {"uuid", VSH_OT_BOOL, 0},
    {"table", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_net_port_list(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool uuid = vsh_opt_bool(cmd, "uuid");
    virNetworkPortPtr *ports = NULL;
    virNetworkPtr net;
    struct vsh_table *t = NULL;
    int n;

    if (uuid && vsh_opt_bool(cmd, "table")) {
        vsh_error(ctl, "%s", "Only one argument from --table and --uuid may be specified.");
        return false;
    }
    if (!(net = command_network(ctl, cmd, BY_UUID | BY_NAME)))
        return false;
    n = virNetworkListAllPorts(net, &ports, 0);
    virNetworkFree(net);
    if (n < 0)
        return false;
    if (!uuid)
        t = vsh_table_new("UUID", NULL);
    for (int i = 0; i < n; i++) {
        char u[VIR_UUID_STRING_BUFLEN];
        if (virNetworkPortGetUUIDString(ports[i], u) == 0) {
            if (uuid)
                vsh_print(ctl, "%s\n", u);
            else
                vsh_table_row(t, u, NULL);
        }
    }
    if (t)
        vsh_table_print(ctl, t);
    vsh_table_free(t);
    for (int i = 0; i < n; i++)
        virNetworkPortFree(ports[i]);
    free(ports);
    return true;
}

static const struct vsh_opt_def opts_net_port_create[] = {
    OPT_NETWORK,
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"validate", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_net_port_create(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file");
    unsigned int flags = vsh_opt_bool(cmd, "validate") ? VIR_NETWORK_PORT_CREATE_VALIDATE : 0;
    virNetworkPtr net = command_network(ctl, cmd, BY_UUID | BY_NAME);
    virNetworkPortPtr port;
    char *xml;
    char u[VIR_UUID_STRING_BUFLEN];

    if (!net)
        return false;
    if (!(xml = vsh_read_file(ctl, file))) {
        virNetworkFree(net);
        return false;
    }
    port = virNetworkPortCreateXML(net, xml, flags);
    free(xml);
    virNetworkFree(net);
    if (!port) {
        /* real virsh's words */
        vsh_error(ctl, "Failed to create network from %s", file);
        return false;
    }
    if (virNetworkPortGetUUIDString(port, u) == 0)
        vsh_print_extra(ctl, "Network port %s created from %s\n", u, file);
    virNetworkPortFree(port);
    return true;
}

static const struct vsh_opt_def opts_net_port_dumpxml[] = {
    OPT_NETWORK,
    {"port", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"xpath", VSH_OT_STRING, 0},
    {"wrap", VSH_OT_BOOL, 0},
    OPT_END,
};

static const struct vsh_opt_def opts_net_port_delete[] = {
    OPT_NETWORK,
    {"port", VSH_OT_DATA, VSH_OFLAG_REQ},
    OPT_END,
};

/* The command's port of its network, as virsh looks it up. Real virsh
 * 9.0's net-port-dumpxml and net-port-delete report a failed lookup but
 * succeed all the same (exit 0, so without the library's error): their
 * callers return true when this returns NULL. */
static virNetworkPortPtr command_port(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virNetworkPtr net = command_network(ctl, cmd, BY_UUID | BY_NAME);
    const char *n = vsh_opt_string(cmd, "port");
    virNetworkPortPtr port;

    if (!net) {
        vsh_reset_libvirt_error(ctl);
        return NULL;
    }
    port = virNetworkPortLookupByUUIDString(net, n);
    virNetworkFree(net);
    if (!port) {
        vsh_reset_libvirt_error(ctl);
        vsh_error(ctl, "failed to get network port '%s'", n);
    }
    return port;
}

static bool cmd_net_port_dumpxml(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virNetworkPortPtr port;
    char *xml;

    if (!(port = command_port(ctl, cmd)))
        return true;
    xml = virNetworkPortGetXMLDesc(port, 0);
    virNetworkPortFree(port);
    if (!xml)
        return false;
    bool ok = vsh_print_xml(ctl, cmd, xml);
    free(xml);
    return ok;
}

static bool cmd_net_port_delete(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virNetworkPortPtr port = command_port(ctl, cmd);
    char u[VIR_UUID_STRING_BUFLEN] = "";
    bool ok;

    if (!port)
        return true;
    virNetworkPortGetUUIDString(port, u);
    ok = virNetworkPortDelete(port, 0) == 0;
    if (ok)
        vsh_print_extra(ctl, "Network port %s deleted\n", u);
    else
        vsh_error(ctl, "Failed to delete network port %s", u);
    virNetworkPortFree(port);
    return ok;
}

/* net-event */

static const char *const net_event_names[] = {"Defined", "Undefined", "Started", "Stopped"};

static void on_net_lifecycle(virConnectPtr conn, virNetworkPtr net, int event, int detail,
                             void *opaque)
{
    (void)conn;
    (void)detail;
    vsh_event_report(opaque, "event 'lifecycle' for network %s: %s", virNetworkGetName(net),
                     event >= 0 && event < 4 ? net_event_names[event] : "unknown");
}

static int net_event_register(virConnectPtr conn, void *obj, int event_id,
                              struct vsh_event_reg *reg)
{
    return virConnectNetworkEventRegisterAny(conn, obj, event_id,
                                             VIR_NETWORK_EVENT_CALLBACK(on_net_lifecycle), reg,
                                             NULL);
}

static const char *const net_event_types[] = {"lifecycle"};
static const struct vsh_event_kind net_events = {
    net_event_types, 1, false, net_event_register, virConnectNetworkEventDeregisterAny,
};

static const struct vsh_opt_def opts_net_event[] = {
    {"network", VSH_OT_STRING, 0},
    {"event", VSH_OT_STRING, 0},
    {"loop", VSH_OT_BOOL, 0},
    {"timeout", VSH_OT_INT, 0},
    {"list", VSH_OT_BOOL, 0},
    {"timestamp", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_net_event(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    struct vsh_events ev;
    virNetworkPtr net = NULL;
    bool ok;
    int r = vsh_events_prepare(ctl, cmd, &net_events, &ev);

    if (r != 0)
        return r > 0;
    /* Real virsh goes on without the filter when the network is not found. */
    if (vsh_opt_string(cmd, "network"))
        net = command_network(ctl, cmd, BY_UUID | BY_NAME);
    ok = vsh_events_listen(&net_events, &ev, net);
    if (net)
        virNetworkFree(net);
    return ok;
}

static bool net_edit_define(struct vsh_ctl *ctl, const char *xml, bool relaxed, void *opaque)
{
    (void)relaxed;
    *(virNetworkPtr *)opaque = virNetworkDefineXML(ctl->conn, xml);
    return *(virNetworkPtr *)opaque != NULL;
}

static bool cmd_net_edit(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virNetworkPtr net = command_network(ctl, cmd, BY_UUID | BY_NAME), n = NULL;
    char *xml;
    bool ok = false;

    if (!net)
        return false;
    /* A driver that refuses the flag gets asked without it, as virsh does. */
    if (!(xml = virNetworkGetXMLDesc(net, VIR_NETWORK_XML_INACTIVE))) {
        virErrorPtr e = virGetLastError();
        if (!e || e->code != VIR_ERR_INVALID_ARG)
            goto out;
        vsh_reset_libvirt_error(ctl);
        if (!(xml = virNetworkGetXMLDesc(net, 0)))
            goto out;
    }
    switch (vsh_edit_loop(ctl, xml, false, false, net_edit_define, &n)) {
    case VSH_EDIT_UNCHANGED:
        vsh_print_extra(ctl, "Network %s XML configuration not changed.\n",
                        virNetworkGetName(net));
        ok = true;
        break;
    case VSH_EDIT_DEFINED:
    case VSH_EDIT_REFUSED:
        vsh_print_extra(ctl, "Network %s XML configuration edited.\n",
                        n ? virNetworkGetName(n) : "(null)");
        ok = true;
        break;
    case VSH_EDIT_ABANDONED:
    case VSH_EDIT_FAILED:
        break;
    }
    if (n)
        virNetworkFree(n);
out:
    free(xml);
    virNetworkFree(net);
    return ok;
}

const struct vsh_cmd_def vsh_network_cmds[] = {
    {"net-list", cmd_net_list, opts_net_list, "list networks", false},
    {"net-info", cmd_net_info, opts_network_only, "network information", false},
    {"net-dumpxml", cmd_net_dumpxml, opts_net_dumpxml, "network information in XML", false},
    {"net-edit", cmd_net_edit, opts_network_only, "edit XML configuration for a network", false},
    {"net-define", cmd_net_define, opts_net_file,
     "define an inactive persistent virtual network or modify an existing persistent one from "
     "an XML file",
     false},
    {"net-create", cmd_net_create, opts_net_file, "create a network from an XML file", false},
    {"net-start", cmd_net_start, opts_network_only, "start a (previously defined) inactive network",
     false},
    {"net-destroy", cmd_net_destroy, opts_network_only, "destroy (stop) a network", false},
    {"net-undefine", cmd_net_undefine, opts_network_only,
     "undefine a persistent network", false},
    {"net-autostart", cmd_net_autostart, opts_net_autostart, "autostart a network", false},
    {"net-uuid", cmd_net_uuid, opts_network_only, "convert a network name to network UUID",
     false},
    {"net-name", cmd_net_name, opts_network_only, "convert a network UUID to network name",
     false},
    {"net-update", cmd_net_update, opts_net_update, "update parts of an existing network's "
     "configuration", false},
    {"net-dhcp-leases", cmd_net_dhcp_leases, opts_net_dhcp_leases,
     "print lease info for a given network", false},
    {"net-port-list", cmd_net_port_list, opts_net_port_list, "list network ports", false},
    {"net-port-create", cmd_net_port_create, opts_net_port_create,
     "create a network port from an XML file", false},
    {"net-port-dumpxml", cmd_net_port_dumpxml, opts_net_port_dumpxml,
     "network port information in XML", false},
    {"net-port-delete", cmd_net_port_delete, opts_net_port_delete, "delete the specified network port",
     false},
    {"net-event", cmd_net_event, opts_net_event, "Network Events", false},
    {NULL, NULL, NULL, NULL, false},
};

/* Host commands: version, uri, hostname, nodeinfo, capabilities, sysinfo.
 * Wording and layout are real virsh 9.0's. */
#include <stdio.h>
#include <stdlib.h>

#include "vsh.h"

static const struct vsh_opt_def opts_version[] = {
    {"daemon", VSH_OT_BOOL, 0},
    {NULL, 0, 0},
};

static void print_version(struct vsh_ctl *ctl, const char *what, unsigned long v)
{
    vsh_print(ctl, "%s %lu.%lu.%lu\n", what, v / 1000000, v / 1000 % 1000, v % 1000);
}

static bool cmd_version(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned long libver, apiver, hvver, daemonver;
    const char *type;
    char what[256];

    print_version(ctl, "Compiled against library: libvirt", LIBVIR_VERSION_NUMBER);
    if (virGetVersion(&libver, NULL, NULL) < 0) {
        vsh_error(ctl, "%s", "failed to get the library version");
        return false;
    }
    print_version(ctl, "Using library: libvirt", libver);
    type = virConnectGetType(ctl->conn);
    if (!type) {
        vsh_error(ctl, "%s", "failed to get hypervisor type");
        return false;
    }
    if (virGetVersion(&libver, type, &apiver) < 0) {
        vsh_error(ctl, "%s", "failed to get the library version");
        return false;
    }
    snprintf(what, sizeof(what), "Using API: %s", type);
    print_version(ctl, what, apiver);
    if (virConnectGetVersion(ctl->conn, &hvver) < 0) {
        vsh_error(ctl, "%s", "failed to get the hypervisor version");
        return false;
    }
    if (hvver == 0) {
        vsh_print(ctl, "Cannot extract running %s hypervisor version\n", type);
    } else {
        snprintf(what, sizeof(what), "Running hypervisor: %s", type);
        print_version(ctl, what, hvver);
    }
    if (vsh_opt_bool(cmd, "daemon")) {
        if (virConnectGetLibVersion(ctl->conn, &daemonver) < 0) {
            vsh_error(ctl, "%s", "failed to get the daemon version");
        } else {
            print_version(ctl, "Running against daemon:", daemonver);
        }
    }
    return true;
}

static bool cmd_uri(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    char *uri = virConnectGetURI(ctl->conn);

    (void)cmd;
    if (!uri) {
        vsh_error(ctl, "%s", "failed to get URI");
        return false;
    }
    vsh_print(ctl, "%s\n", uri);
    free(uri);
    return true;
}

static bool cmd_hostname(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    char *h = virConnectGetHostname(ctl->conn);

    (void)cmd;
    if (!h) {
        vsh_error(ctl, "%s", "failed to get hostname");
        return false;
    }
    vsh_print(ctl, "%s\n", h);
    free(h);
    return true;
}

static bool cmd_nodeinfo(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virNodeInfo info;

    (void)cmd;
    if (virNodeGetInfo(ctl->conn, &info) < 0) {
        vsh_error(ctl, "%s", "failed to get node information");
        return false;
    }
    vsh_print(ctl, "%-20s %s\n", "CPU model:", info.model);
    vsh_print(ctl, "%-20s %d\n", "CPU(s):", info.cpus);
    vsh_print(ctl, "%-20s %d MHz\n", "CPU frequency:", info.mhz);
    vsh_print(ctl, "%-20s %d\n", "CPU socket(s):", info.sockets);
    vsh_print(ctl, "%-20s %d\n", "Core(s) per socket:", info.cores);
    vsh_print(ctl, "%-20s %d\n", "Thread(s) per core:", info.threads);
    vsh_print(ctl, "%-20s %d\n", "NUMA cell(s):", info.nodes);
    vsh_print(ctl, "%-20s %lu KiB\n", "Memory size:", info.memory);
    return true;
}

static bool cmd_capabilities(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    char *caps = virConnectGetCapabilities(ctl->conn);

    (void)cmd;
    if (!caps) {
        vsh_error(ctl, "%s", "failed to get capabilities");
        return false;
    }
    vsh_print(ctl, "%s\n", caps);
    free(caps);
    return true;
}

static bool cmd_sysinfo(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    char *s = virConnectGetSysinfo(ctl->conn, 0);

    (void)cmd;
    if (!s) {
        vsh_error(ctl, "%s", "failed to get sysinfo");
        return false;
    }
    vsh_print(ctl, "%s", s);
    free(s);
    return true;
}

const struct vsh_cmd_def vsh_host_cmds[] = {
    {"version", cmd_version, opts_version, "show version", false},
    {"uri", cmd_uri, NULL, "print the hypervisor canonical URI", false},
    {"hostname", cmd_hostname, NULL, "print the hypervisor hostname", false},
    {"nodeinfo", cmd_nodeinfo, NULL, "node information", false},
    {"capabilities", cmd_capabilities, NULL, "capabilities", false},
    {"sysinfo", cmd_sysinfo, NULL, "print the hypervisor sysinfo", false},
    {NULL, NULL, NULL, NULL, false},
};

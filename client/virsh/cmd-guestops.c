/* cmd-guestops: virsh's guest-operation commands on domains (domtime,
 * domhostname, the file-system ones, inject-nmi, domrename, save, restore,
 * save-image-dumpxml/-define/-edit, managedsave, managedsave-remove, dump,
 * domifaddr, set-lifecycle-action, set-user-password, domcontrol, desc,
 * metadata, send-key, and dompmsuspend, dompmwakeup, domjobabort,
 * managedsave-dumpxml and -define, which real's test driver refuses), with
 * real virsh 9.0's options, messages and output.
 *
 * Not like real virsh yet: save, dump and managedsave do not show
 * progress (--verbose is accepted and ignored); send-key knows key names for the linux codeset only (the
 * kernel's KEY_* names; numbers work with every codeset). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "keycodes.h"
#include "vsh.h"

#define OPT_DOMAIN {"domain", VSH_OT_DATA, VSH_OFLAG_REQ}
#define OPT_END {NULL, 0, 0}

static bool exclusive(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *a, const char *b)
{
    if (vsh_opt_bool(cmd, a) && vsh_opt_bool(cmd, b)) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", a, b);
        return false;
    }
    return true;
}

/* A long long option: 0 not given, 1 parsed, -1 malformed (error printed). */
static int opt_llong(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *name,
                     long long *value)
{
    const char *s = vsh_opt_string(cmd, name);
    char *end;

    if (!s)
        return 0;
    errno = 0;
    *value = strtoll(s, &end, 10);
    if (!*s || *end || errno) {
        vsh_error(ctl, "Numeric value '%s' for <%s> option is malformed or out of range", s, name);
        return -1;
    }
    return 1;
}

static unsigned int affect_flags(const struct vsh_cmd *cmd)
{
    unsigned int flags = 0;
    if (vsh_opt_bool(cmd, "config"))
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    if (vsh_opt_bool(cmd, "live"))
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    return flags;
}

static bool current_exclusive(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return exclusive(ctl, cmd, "current", "live") && exclusive(ctl, cmd, "current", "config");
}

/* ---- domtime, domhostname, domcontrol ---- */

static const struct vsh_opt_def opts_domtime[] = {
    OPT_DOMAIN,
    {"now", VSH_OT_BOOL, 0},
    {"pretty", VSH_OT_BOOL, 0},
    {"sync", VSH_OT_BOOL, 0},
    {"time", VSH_OT_INT, 0},
    OPT_END,
};

static bool cmd_domtime(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool now = vsh_opt_bool(cmd, "now"), pretty = vsh_opt_bool(cmd, "pretty");
    bool sync = vsh_opt_bool(cmd, "sync"), set = false, ok = false;
    long long seconds = 0;
    unsigned int nseconds = 0;
    virDomainPtr dom;
    int r;

    if (vsh_opt_string(cmd, "time") && now) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", "time", "now");
        return false;
    }
    if (vsh_opt_string(cmd, "time") && sync) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", "time", "sync");
        return false;
    }
    if (!exclusive(ctl, cmd, "now", "sync"))
        return false;
    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL)))
        return false;
    if ((r = opt_llong(ctl, cmd, "time", &seconds)) < 0)
        goto out;
    set = r > 0;
    if (set || now || sync) {
        if (now)
            seconds = (long long)time(NULL);
        ok = virDomainSetTime(dom, seconds, nseconds, sync ? VIR_DOMAIN_TIME_SYNC : 0) == 0;
        goto out;
    }
    if (virDomainGetTime(dom, &seconds, &nseconds, 0) < 0)
        goto out;
    if (pretty) {
        time_t t = (time_t)seconds;
        struct tm tm;
        char buf[64];
        gmtime_r(&t, &tm);
        strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
        vsh_print(ctl, "Time: %s", buf);
    } else {
        vsh_print(ctl, "Time: %lld", seconds);
    }
    ok = true;
out:
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_domhostname[] = {
    OPT_DOMAIN,
    {"source", VSH_OT_STRING, 0},
    OPT_END,
};

static bool cmd_domhostname(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *source = vsh_opt_string(cmd, "source");
    unsigned int flags = 0;
    virDomainPtr dom;
    char *name;

    if (source) {
        if (strcmp(source, "lease") == 0) {
            flags = VIR_DOMAIN_GET_HOSTNAME_LEASE;
        } else if (strcmp(source, "agent") == 0) {
            flags = VIR_DOMAIN_GET_HOSTNAME_AGENT;
        } else {
            vsh_error(ctl, "Unknown data source '%s'", source);
            return false;
        }
    }
    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL)))
        return false;
    name = virDomainGetHostname(dom, flags);
    virDomainFree(dom);
    if (!name) {
        vsh_error(ctl, "%s", "failed to get hostname");
        return false;
    }
    vsh_print(ctl, "%s\n", name);
    free(name);
    return true;
}

static bool cmd_domcontrol(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const char *const states[] = {"ok", "background job", "occupied", "error"};
    static const char *const reasons[] = {"none", "unknown", "monitor failure",
                                          "internal (locking) error"};
    virDomainControlInfo info;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    int r;

    if (!dom)
        return false;
    r = virDomainGetControlInfo(dom, &info, 0);
    virDomainFree(dom);
    if (r < 0)
        return false;
    const char *state = info.state < 4 ? states[info.state] : "unknown";
    if (info.state != VIR_DOMAIN_CONTROL_OK && info.state != VIR_DOMAIN_CONTROL_ERROR)
        vsh_print(ctl, "%s (%0.3fs)\n", state, (double)info.stateTime / 1000.0);
    else if (info.state == VIR_DOMAIN_CONTROL_ERROR && info.details > 0)
        vsh_print(ctl, "%s: %s\n", state, info.details < 4 ? reasons[info.details] : "unknown");
    else
        vsh_print(ctl, "%s\n", state);
    return true;
}

/* ---- file systems ---- */

static const struct vsh_opt_def opts_domfsinfo[] = {
    OPT_DOMAIN,
    OPT_END,
};

static bool cmd_domfsinfo(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    virDomainFSInfoPtr *info = NULL;
    int n;

    if (!dom)
        return false;
    n = virDomainGetFSInfo(dom, &info, 0);
    virDomainFree(dom);
    if (n < 0) {
        vsh_error(ctl, "%s", "Unable to get filesystem information");
        return false;
    }
    if (n > 0) {
        struct vsh_table *t = vsh_table_new("Mountpoint", "Name", "Type", "Target", NULL);
        for (int i = 0; i < n; i++) {
            size_t len = 1;
            for (size_t j = 0; j < info[i]->ndevAlias; j++)
                len += strlen(info[i]->devAlias[j]) + 1;
            char *targets = calloc(1, len);
            for (size_t j = 0; targets && j < info[i]->ndevAlias; j++) {
                if (j)
                    strcat(targets, ",");
                strcat(targets, info[i]->devAlias[j]);
            }
            vsh_table_row(t, info[i]->mountpoint, info[i]->name, info[i]->fstype,
                          targets ? targets : "");
            free(targets);
        }
        vsh_table_print(ctl, t);
        vsh_table_free(t);
    }
    for (int i = 0; i < n; i++)
        virDomainFSInfoFree(info[i]);
    free(info);
    return true;
}

static const struct vsh_opt_def opts_domfsfreeze[] = {
    OPT_DOMAIN,
    {"mountpoint", VSH_OT_ARGV, 0},
    OPT_END,
};

static bool freeze_thaw(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, bool freeze)
{
    size_t nmounts;
    const char **mounts = (const char **)vsh_opt_argv(cmd, &nmounts);
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    int n;

    if (!dom)
        return false;
    n = freeze ? virDomainFSFreeze(dom, mounts, (unsigned int)nmounts, 0)
               : virDomainFSThaw(dom, mounts, (unsigned int)nmounts, 0);
    virDomainFree(dom);
    if (n < 0) {
        vsh_error(ctl, "%s", freeze ? "Unable to freeze filesystems" : "Unable to thaw filesystems");
        return false;
    }
    vsh_print(ctl, freeze ? "Froze %d filesystem(s)\n" : "Thawed %d filesystem(s)\n", n);
    return true;
}

static bool cmd_domfsfreeze(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return freeze_thaw(ctl, cmd, true);
}

static bool cmd_domfsthaw(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    return freeze_thaw(ctl, cmd, false);
}

static const struct vsh_opt_def opts_domfstrim[] = {
    OPT_DOMAIN,
    {"minimum", VSH_OT_INT, 0},
    {"mountpoint", VSH_OT_STRING, 0},
    OPT_END,
};

static bool cmd_domfstrim(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    long long minimum = 0;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    bool ok = false;

    if (!dom)
        return false;
    if (opt_llong(ctl, cmd, "minimum", &minimum) >= 0) {
        ok = virDomainFSTrim(dom, vsh_opt_string(cmd, "mountpoint"),
                             (unsigned long long)minimum, 0) == 0;
        if (!ok)
            vsh_error(ctl, "%s", "Unable to invoke fstrim");
    }
    virDomainFree(dom);
    return ok;
}

/* ---- inject-nmi, domrename, set-user-password ---- */

static const struct vsh_opt_def opts_domain_only[] = {
    OPT_DOMAIN,
    OPT_END,
};

static bool cmd_inject_nmi(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    int r;

    if (!dom)
        return false;
    r = virDomainInjectNMI(dom, 0);
    virDomainFree(dom);
    return r == 0;
}

/* ---- screenshot ---- */

static const struct vsh_opt_def opts_screenshot[] = {
    OPT_DOMAIN,
    {"file", VSH_OT_STRING, 0},
    {"screen", VSH_OT_INT, 0},
    OPT_END,
};

static int sink_to_fd(virStreamPtr st, const char *data, size_t n, void *opaque)
{
    (void)st;
    return vsh_write_all(*(int *)opaque, data, n) < 0 ? -1 : (int)n;
}

/* virsh's name for a screenshot file: the domain's name, the local time
 * and the extension of the image's type. */
static char *screenshot_name(virDomainPtr dom, const char *mime)
{
    char when[64], *name;
    time_t now = time(NULL);
    struct tm tm;
    const char *ext = strcmp(mime, "image/png") == 0                 ? ".png"
                      : strcmp(mime, "image/x-portable-pixmap") == 0 ? ".ppm"
                                                                     : "";

    localtime_r(&now, &tm);
    strftime(when, sizeof(when), "%Y-%m-%d-%H:%M:%S", &tm);
    if (asprintf(&name, "%s-%s%s", virDomainGetName(dom), when, ext) < 0)
        return NULL;
    return name;
}

static bool cmd_screenshot(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned long long screen = 0;
    const char *name = NULL, *given = vsh_opt_string(cmd, "file");
    char *file = NULL, *mime = NULL;
    virDomainPtr dom;
    virStreamPtr st = NULL;
    bool ok = false, created = false;
    int fd = -1;

    if (vsh_opt_ull(ctl, cmd, "screen", &screen, UINT_MAX) < 0)
        return false;
    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name)))
        return false;
    if (!(st = virStreamNew(ctl->conn, 0)))
        goto out;
    if (!(mime = virDomainScreenshot(dom, st, (unsigned int)screen, 0))) {
        vsh_error(ctl, "could not take a screenshot of %s", name);
        goto out;
    }
    file = given ? strdup(given) : screenshot_name(dom, mime);
    if (!file)
        goto out;
    if ((fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0666)) >= 0)
        created = true;
    else if (errno != EEXIST || (fd = open(file, O_WRONLY | O_TRUNC)) < 0) {
        vsh_error(ctl, "cannot create file %s", file);
        goto out;
    }
    if (virStreamRecvAll(st, sink_to_fd, &fd) < 0) {
        vsh_error(ctl, "could not receive data from domain %s", name);
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        vsh_error(ctl, "cannot close file %s", file);
        goto out;
    }
    fd = -1;
    if (virStreamFinish(st) < 0) {
        vsh_error(ctl, "cannot close stream on domain %s", name);
        goto out;
    }
    vsh_print_extra(ctl, "Screenshot saved to %s, with type of %s", file, mime);
    ok = true;
out:
    if (fd >= 0)
        close(fd);
    if (!ok && created)
        unlink(file);
    free(file);
    free(mime);
    if (st)
        virStreamFree(st);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_domrename[] = {
    OPT_DOMAIN,
    {"new-name", VSH_OT_DATA, VSH_OFLAG_REQ},
    OPT_END,
};

static bool cmd_domrename(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    int r;

    if (!dom)
        return false;
    r = virDomainRename(dom, vsh_opt_string(cmd, "new-name"), 0);
    virDomainFree(dom);
    if (r < 0)
        return false;
    vsh_print_extra(ctl, "Domain successfully renamed\n");
    return true;
}

static const struct vsh_opt_def opts_set_user_password[] = {
    OPT_DOMAIN,
    {"user", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"password", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"encrypted", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_set_user_password(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name, *user = vsh_opt_string(cmd, "user");
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name);
    int r;

    if (!dom)
        return false;
    r = virDomainSetUserPassword(dom, user, vsh_opt_string(cmd, "password"),
                                 vsh_opt_bool(cmd, "encrypted") ? VIR_DOMAIN_PASSWORD_ENCRYPTED
                                                                : 0);
    virDomainFree(dom);
    if (r < 0)
        return false;
    vsh_print_extra(ctl, "Password set successfully for %s in %s", user, name);
    return true;
}

/* ---- save, restore, save images, managed save, dump ---- */

static const struct vsh_opt_def opts_save[] = {
    OPT_DOMAIN,
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"bypass-cache", VSH_OT_BOOL, 0},
    {"xml", VSH_OT_STRING, 0},
    {"running", VSH_OT_BOOL, 0},
    {"paused", VSH_OT_BOOL, 0},
    {"verbose", VSH_OT_BOOL, 0},
    OPT_END,
};

static unsigned int save_flags(const struct vsh_cmd *cmd)
{
    unsigned int flags = 0;
    if (vsh_opt_bool(cmd, "bypass-cache"))
        flags |= VIR_DOMAIN_SAVE_BYPASS_CACHE;
    if (vsh_opt_bool(cmd, "running"))
        flags |= VIR_DOMAIN_SAVE_RUNNING;
    if (vsh_opt_bool(cmd, "paused"))
        flags |= VIR_DOMAIN_SAVE_PAUSED;
    return flags;
}

/* The --xml file's text (NULL when not given); false when unreadable. */
static bool xml_option(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, char **xml)
{
    const char *path = vsh_opt_string(cmd, "xml");
    *xml = NULL;
    if (!path)
        return true;
    *xml = vsh_read_file(ctl, path);
    return *xml != NULL;
}

static bool cmd_save(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file"), *name = NULL;
    unsigned int flags = save_flags(cmd);
    char *xml;
    virDomainPtr dom;
    int r;

    if (!exclusive(ctl, cmd, "running", "paused"))
        return false;
    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name)))
        return false;
    if (!xml_option(ctl, cmd, &xml)) {
        virDomainFree(dom);
        return false;
    }
    r = flags || xml ? virDomainSaveFlags(dom, file, xml, flags) : virDomainSave(dom, file);
    free(xml);
    if (r < 0) {
        vsh_error(ctl, "Failed to save domain '%s' to %s", name, file);
        virDomainFree(dom);
        return false;
    }
    vsh_print_extra(ctl, "\nDomain '%s' saved to %s\n", name, file);
    virDomainFree(dom);
    return true;
}

static const struct vsh_opt_def opts_restore[] = {
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"bypass-cache", VSH_OT_BOOL, 0},
    {"xml", VSH_OT_STRING, 0},
    {"running", VSH_OT_BOOL, 0},
    {"paused", VSH_OT_BOOL, 0},
    {"reset-nvram", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_restore(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file");
    unsigned int flags = save_flags(cmd);
    char *xml;
    int r;

    if (vsh_opt_bool(cmd, "reset-nvram"))
        flags |= VIR_DOMAIN_SAVE_RESET_NVRAM;
    if (!exclusive(ctl, cmd, "running", "paused") || !xml_option(ctl, cmd, &xml))
        return false;
    r = flags || xml ? virDomainRestoreFlags(ctl->conn, file, xml, flags)
                     : virDomainRestore(ctl->conn, file);
    free(xml);
    if (r < 0) {
        vsh_error(ctl, "Failed to restore domain from %s", file);
        return false;
    }
    vsh_print_extra(ctl, "Domain restored from %s\n", file);
    return true;
}

static const struct vsh_opt_def opts_save_image_dumpxml[] = {
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"security-info", VSH_OT_BOOL, 0},
    {"xpath", VSH_OT_STRING, 0},
    {"wrap", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_save_image_dumpxml(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    char *xml;

    if (vsh_opt_string(cmd, "xpath") || vsh_opt_bool(cmd, "wrap")) {
        vsh_error(ctl, "%s", "--xpath is not supported by this virsh");
        return false;
    }
    xml = virDomainSaveImageGetXMLDesc(
        ctl->conn, vsh_opt_string(cmd, "file"),
        vsh_opt_bool(cmd, "security-info") ? VIR_DOMAIN_SAVE_IMAGE_XML_SECURE : 0);
    if (!xml)
        return false;
    vsh_print(ctl, "%s", xml);
    free(xml);
    return true;
}

static const struct vsh_opt_def opts_save_image_define[] = {
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"xml", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"running", VSH_OT_BOOL, 0},
    {"paused", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_save_image_define(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file");
    char *xml;
    int r;

    if (!exclusive(ctl, cmd, "running", "paused") ||
        !(xml = vsh_read_file(ctl, vsh_opt_string(cmd, "xml"))))
        return false;
    r = virDomainSaveImageDefineXML(ctl->conn, file, xml, save_flags(cmd));
    free(xml);
    if (r < 0) {
        vsh_error(ctl, "Failed to update %s", file);
        return false;
    }
    vsh_print_extra(ctl, "State file %s updated.\n", file);
    return true;
}

static const struct vsh_opt_def opts_save_image_edit[] = {
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"running", VSH_OT_BOOL, 0},
    {"paused", VSH_OT_BOOL, 0},
    OPT_END,
};

/* The image's XML in the editor (cmd-edits.c's vsh_edit_xml). */
static bool cmd_save_image_edit(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *file = vsh_opt_string(cmd, "file");
    char *xml, *edited = NULL;
    bool ok = false;

    if (!exclusive(ctl, cmd, "running", "paused"))
        return false;
    if (!(xml = virDomainSaveImageGetXMLDesc(ctl->conn, file, VIR_DOMAIN_SAVE_IMAGE_XML_SECURE)))
        return false;
    int r = vsh_edit_xml(ctl, xml, &edited);
    if (r < 0)
        goto out;
    if (r == 0) {
        vsh_print_extra(ctl, "Saved image %s XML configuration not changed.\n", file);
        ok = true;
        goto out;
    }
    if (virDomainSaveImageDefineXML(ctl->conn, file, edited, save_flags(cmd)) < 0)
        vsh_edit_refused(ctl);
    vsh_print_extra(ctl, "State file %s edited.\n", file);
    ok = true;
out:
    free(xml);
    free(edited);
    return ok;
}

static const struct vsh_opt_def opts_managedsave[] = {
    OPT_DOMAIN,
    {"bypass-cache", VSH_OT_BOOL, 0},
    {"running", VSH_OT_BOOL, 0},
    {"paused", VSH_OT_BOOL, 0},
    {"verbose", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_managedsave(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name = NULL;
    virDomainPtr dom;
    int r;

    if (!exclusive(ctl, cmd, "running", "paused"))
        return false;
    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name)))
        return false;
    r = virDomainManagedSave(dom, save_flags(cmd));
    if (r < 0)
        vsh_error(ctl, "Failed to save domain '%s' state", name);
    else
        vsh_print_extra(ctl, "\nDomain '%s' state saved by libvirt\n", name);
    virDomainFree(dom);
    return r == 0;
}

static bool cmd_managedsave_remove(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name = NULL;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name);
    bool ok = false;
    int has;

    if (!dom)
        return false;
    has = virDomainHasManagedSaveImage(dom, 0);
    if (has < 0) {
        vsh_error(ctl, "%s", "Failed to check for domain managed save image");
    } else if (has == 0) {
        vsh_print_extra(ctl, "Domain '%s' has no manage save image; removal skipped", name);
        ok = true;
    } else if (virDomainManagedSaveRemove(dom, 0) < 0) {
        vsh_error(ctl, "Failed to remove managed save image for domain '%s'", name);
    } else {
        vsh_print_extra(ctl, "Removed managedsave image for domain '%s'", name);
        ok = true;
    }
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_dump[] = {
    OPT_DOMAIN,
    {"file", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"live", VSH_OT_BOOL, 0},
    {"crash", VSH_OT_BOOL, 0},
    {"bypass-cache", VSH_OT_BOOL, 0},
    {"reset", VSH_OT_BOOL, 0},
    {"verbose", VSH_OT_BOOL, 0},
    {"memory-only", VSH_OT_BOOL, 0},
    {"format", VSH_OT_STRING, 0},
    OPT_END,
};

static bool cmd_dump(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const char *const formats[] = {"raw", "kdump-zlib", "kdump-lzo", "kdump-snappy",
                                          "win-dmp"};
    const char *file = vsh_opt_string(cmd, "file"), *format = vsh_opt_string(cmd, "format");
    const char *name = NULL;
    unsigned int flags = 0, dumpformat = VIR_DOMAIN_CORE_DUMP_FORMAT_RAW;
    virDomainPtr dom;
    int r;

    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name)))
        return false;
    if (vsh_opt_bool(cmd, "live"))
        flags |= VIR_DUMP_LIVE;
    if (vsh_opt_bool(cmd, "crash"))
        flags |= VIR_DUMP_CRASH;
    if (vsh_opt_bool(cmd, "bypass-cache"))
        flags |= VIR_DUMP_BYPASS_CACHE;
    if (vsh_opt_bool(cmd, "reset"))
        flags |= VIR_DUMP_RESET;
    if (vsh_opt_bool(cmd, "memory-only"))
        flags |= VIR_DUMP_MEMORY_ONLY;
    if (format) {
        if (!(flags & VIR_DUMP_MEMORY_ONLY)) {
            vsh_error(ctl, "%s", "--format only works with --memory-only");
            virDomainFree(dom);
            return false;
        }
        for (dumpformat = 0; dumpformat < 5 && strcmp(formats[dumpformat], format) != 0;
             dumpformat++)
            ;
        if (dumpformat == 5) {
            vsh_error(ctl, "format '%s' is not supported, expecting 'kdump-zlib', "
                           "'kdump-lzo', 'kdump-snappy', 'win-dmp' or 'elf'",
                      format);
            virDomainFree(dom);
            return false;
        }
    }
    r = virDomainCoreDumpWithFormat(dom, file, dumpformat, flags);
    if (r < 0)
        vsh_error(ctl, "Failed to core dump domain '%s' to %s", name, file);
    else
        vsh_print_extra(ctl, "\nDomain '%s' dumped to %s\n", name, file);
    virDomainFree(dom);
    return r == 0;
}

/* ---- domifaddr, set-lifecycle-action ---- */

static const struct vsh_opt_def opts_domifaddr[] = {
    OPT_DOMAIN,
    {"interface", VSH_OT_STRING, 0},
    {"full", VSH_OT_BOOL, 0},
    {"source", VSH_OT_STRING, 0},
    OPT_END,
};

static bool cmd_domifaddr(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *want = vsh_opt_string(cmd, "interface"), *source = vsh_opt_string(cmd, "source");
    bool full = vsh_opt_bool(cmd, "full");
    unsigned int src = VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE;
    virDomainInterfacePtr *ifaces = NULL;
    virDomainPtr dom;
    int n;

    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL)))
        return false;
    if (source) {
        if (strcmp(source, "lease") == 0) {
            src = VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE;
        } else if (strcmp(source, "agent") == 0) {
            src = VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT;
        } else if (strcmp(source, "arp") == 0) {
            src = VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP;
        } else {
            vsh_error(ctl, "Unknown data source '%s'", source);
            virDomainFree(dom);
            return false;
        }
    }
    n = virDomainInterfaceAddresses(dom, &ifaces, src, 0);
    virDomainFree(dom);
    if (n < 0) {
        vsh_error(ctl, "%s", "Failed to query for interfaces addresses");
        return false;
    }
    vsh_print_extra(ctl, " %-10s %-20s %-8s     %s\n%s%s\n", "Name", "MAC address", "Protocol",
                    "Address", "-------------------------------------------------",
                    "------------------------------");
    for (int i = 0; i < n; i++) {
        virDomainInterfacePtr f = ifaces[i];
        const char *hw = f->hwaddr ? f->hwaddr : "";
        if (want && strcmp(want, f->name) != 0 && (!f->hwaddr || strcmp(want, f->hwaddr) != 0))
            continue;
        if (!f->naddrs)
            vsh_print(ctl, " %-10s %-17s    %-12s %s\n", f->name, hw, "N/A", "N/A");
        for (unsigned int j = 0; j < f->naddrs; j++) {
            char addr[128];
            snprintf(addr, sizeof(addr), "%s/%u", f->addrs[j].addr, f->addrs[j].prefix);
            vsh_print(ctl, " %-10s %-17s    %-12s %s\n", full || j == 0 ? f->name : "-",
                      full || j == 0 ? hw : "-",
                      f->addrs[j].type == VIR_IP_ADDR_TYPE_IPV6 ? "ipv6" : "ipv4", addr);
        }
    }
    for (int i = 0; i < n; i++)
        virDomainInterfaceFree(ifaces[i]);
    free(ifaces);
    return true;
}

static const struct vsh_opt_def opts_set_lifecycle_action[] = {
    OPT_DOMAIN,
    {"type", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"action", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"config", VSH_OT_BOOL, 0},
    {"live", VSH_OT_BOOL, 0},
    {"current", VSH_OT_BOOL, 0},
    OPT_END,
};

static int index_of(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static bool cmd_set_lifecycle_action(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const char *const types[] = {"poweroff", "reboot", "crash"};
    static const char *const actions[] = {"destroy",  "restart",          "rename-restart",
                                          "preserve", "coredump-destroy", "coredump-restart"};
    const char *type = vsh_opt_string(cmd, "type"), *action = vsh_opt_string(cmd, "action");
    virDomainPtr dom;
    int t, a, r;

    if (!current_exclusive(ctl, cmd))
        return false;
    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL)))
        return false;
    if ((t = index_of(types, 3, type)) < 0) {
        vsh_error(ctl, "Invalid lifecycle type '%s'.", type);
        virDomainFree(dom);
        return false;
    }
    if ((a = index_of(actions, 6, action)) < 0) {
        vsh_error(ctl, "Invalid lifecycle action '%s'.", action);
        virDomainFree(dom);
        return false;
    }
    r = virDomainSetLifecycleAction(dom, (unsigned int)t, (unsigned int)a, affect_flags(cmd));
    virDomainFree(dom);
    if (r < 0) {
        vsh_error(ctl, "%s", "Unable to change lifecycle action.");
        return false;
    }
    return true;
}

/* ---- desc, metadata ---- */

/* The title or description as virsh reads it: "" when there is none. */
static char *domain_description(struct vsh_ctl *ctl, virDomainPtr dom, bool title,
                                unsigned int flags)
{
    char *desc = virDomainGetMetadata(
        dom, title ? VIR_DOMAIN_METADATA_TITLE : VIR_DOMAIN_METADATA_DESCRIPTION, NULL, flags);
    if (!desc && virGetLastErrorCode() == VIR_ERR_NO_DOMAIN_METADATA) {
        vsh_reset_libvirt_error(ctl);
        desc = strdup("");
    }
    return desc;
}

static const struct vsh_opt_def opts_desc[] = {
    OPT_DOMAIN,
    {"live", VSH_OT_BOOL, 0},
    {"config", VSH_OT_BOOL, 0},
    {"current", VSH_OT_BOOL, 0},
    {"title", VSH_OT_BOOL, 0},
    {"edit", VSH_OT_BOOL, 0},
    {"new-desc", VSH_OT_ARGV, 0},
    OPT_END,
};

static bool cmd_desc(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    bool title = vsh_opt_bool(cmd, "title"), ok = false;
    size_t nwords, len = 1;
    const char *const *words = vsh_opt_argv(cmd, &nwords);
    char *text = NULL;
    unsigned int flags = affect_flags(cmd);
    virDomainInfo info;
    virDomainPtr dom;
    char *desc;

    /* The words of the new text, joined by single spaces. */
    for (size_t i = 0; i < nwords; i++)
        len += strlen(words[i]) + 1;
    if (nwords && (text = calloc(1, len)))
        for (size_t i = 0; i < nwords; i++) {
            if (i)
                strcat(text, " ");
            strcat(text, words[i]);
        }

    if (!current_exclusive(ctl, cmd) || (nwords && !text)) {
        free(text);
        return false;
    }
    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL))) {
        free(text);
        return false;
    }
    if (virDomainGetInfo(dom, &info) < 0)
        goto out;
    if (vsh_opt_bool(cmd, "edit")) {
        /* The given words, else the current text, in the editor. */
        char *edited = NULL;
        if (!text &&
            !(text = domain_description(ctl, dom, title, flags & VIR_DOMAIN_AFFECT_CONFIG)))
            goto out;
        if (vsh_edit_xml(ctl, text, &edited) < 0)
            goto out;
        if (!edited) {
            vsh_print_extra(ctl, "%s",
                            title ? "Domain title not changed\n"
                                  : "Domain description not changed\n");
            ok = true;
            goto out;
        }
        /* A title loses the newline an editor ends the file with. */
        size_t n = strlen(edited);
        if (title && n && edited[n - 1] == '\n')
            edited[n - 1] = '\0';
        if (strcmp(edited, text) == 0) {
            free(edited);
            vsh_print_extra(ctl, "%s",
                            title ? "Domain title not changed\n"
                                  : "Domain description not changed\n");
            ok = true;
            goto out;
        }
        free(text);
        text = edited;
    }
    if (text) {
        if (virDomainSetMetadata(dom,
                                 title ? VIR_DOMAIN_METADATA_TITLE
                                       : VIR_DOMAIN_METADATA_DESCRIPTION,
                                 text, NULL, NULL, flags) < 0) {
            vsh_error(ctl, "%s", "Failed to set new domain description");
            goto out;
        }
        vsh_print_extra(ctl, "%s",
                        title ? "Domain title updated successfully"
                              : "Domain description updated successfully");
        ok = true;
        goto out;
    }
    /* --config reads the persistent definition; otherwise the current one. */
    if (!(desc = domain_description(ctl, dom, title, flags & VIR_DOMAIN_AFFECT_CONFIG)))
        goto out;
    if (*desc)
        vsh_print(ctl, "%s", desc);
    else
        vsh_print_extra(ctl, title ? "No title for domain: %s" : "No description for domain: %s",
                        virDomainGetName(dom));
    free(desc);
    ok = true;
out:
    free(text);
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_metadata[] = {
    OPT_DOMAIN,
    {"uri", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"config", VSH_OT_BOOL, 0},
    {"live", VSH_OT_BOOL, 0},
    {"current", VSH_OT_BOOL, 0},
    {"edit", VSH_OT_BOOL, 0},
    {"key", VSH_OT_STRING, 0},
    {"set", VSH_OT_STRING, 0},
    {"remove", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_metadata(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *uri = vsh_opt_string(cmd, "uri"), *key = vsh_opt_string(cmd, "key");
    const char *set = vsh_opt_string(cmd, "set");
    bool edit = vsh_opt_bool(cmd, "edit"), rem = vsh_opt_bool(cmd, "remove"), ok = false;
    unsigned int flags = affect_flags(cmd);
    virDomainPtr dom;

    if (!current_exclusive(ctl, cmd))
        return false;
    if (edit && set) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", "edit", "set");
        return false;
    }
    if (rem && set) {
        vsh_error(ctl, "Options --%s and --%s are mutually exclusive", "remove", "set");
        return false;
    }
    if (!exclusive(ctl, cmd, "remove", "edit"))
        return false;
    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL)))
        return false;
    if ((set || edit) && !key) {
        vsh_error(ctl, "%s", "namespace key is required when modifying metadata");
        goto out;
    }
    if (edit) {
        /* The element (empty when there is none) in the editor. */
        char *data = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, uri, flags), *edited;
        if (!data) {
            vsh_reset_libvirt_error(ctl);
            if (!(data = strdup(""))) {
                vsh_error(ctl, "%s", "out of memory");
                goto out;
            }
        }
        int r = vsh_edit_xml(ctl, data, &edited);
        free(data);
        if (r < 0)
            goto out;
        if (r == 0) {
            vsh_print_extra(ctl, "%s", "Metadata not changed");
        } else {
            if (virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, edited, key, uri, flags) <
                0)
                vsh_edit_refused(ctl);
            vsh_print_extra(ctl, "%s\n", "Metadata modified");
        }
        free(edited);
    } else if (set || rem) {
        if (virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, set, key, uri, flags) < 0)
            goto out;
        vsh_print_extra(ctl, "%s\n", rem ? "Metadata removed" : "Metadata modified");
    } else {
        char *data = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, uri, flags);
        if (!data)
            goto out;
        vsh_print(ctl, "%s\n", data);
        free(data);
    }
    ok = true;
out:
    virDomainFree(dom);
    return ok;
}

/* ---- send-key ---- */


static const struct vsh_opt_def opts_send_key[] = {
    OPT_DOMAIN,
    {"codeset", VSH_OT_STRING, VSH_OFLAG_REQ_OPT},
    {"holdtime", VSH_OT_INT, VSH_OFLAG_REQ_OPT},
    {"keycode", VSH_OT_ARGV, VSH_OFLAG_REQ},
    OPT_END,
};

/* A key given as a number (any base strtol reads), or -1. */
static int keycode_number(const char *s)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 0);
    if (!*s || *end || errno || v < 0 || v > 0xffff)
        return -1;
    return (int)v;
}

static bool cmd_send_key(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const char *const codesets[] = {"linux", "xt",     "atset1", "atset2", "atset3",
                                           "os_x",  "xt_kbd", "usb",    "win32",  "qnum"};
    const char *codeset_name = vsh_opt_string(cmd, "codeset");
    unsigned int keycodes[VIR_DOMAIN_SEND_KEY_MAX_KEYS];
    int holdtime = 0, codeset, count = 0;
    size_t nwords;
    const char *const *words = vsh_opt_argv(cmd, &nwords);
    virDomainPtr dom;
    bool ok = false;

    if (vsh_opt_int(ctl, cmd, "holdtime", &holdtime) < 0)
        return false;
    if (holdtime < 0) {
        vsh_error(ctl, "Invalid value of %d for holdtime", holdtime);
        return false;
    }
    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL)))
        return false;
    codeset = codeset_name ? index_of(codesets, 10, codeset_name) : 0;
    if (codeset < 0) {
        vsh_error(ctl, "unknown codeset: '%s'", codeset_name);
        goto out;
    }
    for (size_t i = 0; i < nwords; i++) {
        int code = keycode_number(words[i]);
        if (count == VIR_DOMAIN_SEND_KEY_MAX_KEYS) {
            vsh_error(ctl, "%s", "too many keycodes");
            goto out;
        }
        /* Names are known for the linux codeset only. */
        for (size_t k = 0; code < 0 && codeset == VIR_KEYCODE_SET_LINUX && linux_keys[k].name; k++)
            if (strcmp(linux_keys[k].name, words[i]) == 0)
                code = (int)linux_keys[k].code;
        if (code < 0) {
            vsh_error(ctl, "invalid keycode: '%s'", words[i]);
            goto out;
        }
        keycodes[count++] = (unsigned int)code;
    }
    ok = virDomainSendKey(dom, (unsigned int)codeset, (unsigned int)holdtime, keycodes, count,
                          0) == 0;
out:
    virDomainFree(dom);
    return ok;
}

/* ---- what real's test driver does not serve: dompmsuspend, dompmwakeup,
 * domjobabort, managedsave-dumpxml, managedsave-define ---- */

static const struct vsh_opt_def opts_dompmsuspend[] = {
    OPT_DOMAIN,
    {"target", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"duration", VSH_OT_INT, VSH_OFLAG_REQ_OPT},
    OPT_END,
};

static bool cmd_dompmsuspend(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    static const char *const targets[] = {"mem", "disk", "hybrid"};
    const char *name = NULL, *target = vsh_opt_string(cmd, "target");
    long long duration = 0;
    virDomainPtr dom;
    bool ok = false;
    int t;

    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name)))
        return false;
    if (opt_llong(ctl, cmd, "duration", &duration) < 0)
        goto out;
    if ((t = index_of(targets, 3, target)) < 0) {
        vsh_error(ctl, "%s", "Invalid target");
        goto out;
    }
    if (virDomainPMSuspendForDuration(dom, (unsigned int)t, (unsigned long long)duration, 0) <
        0) {
        vsh_error(ctl, "Domain '%s' could not be suspended", virDomainGetName(dom));
        goto out;
    }
    vsh_print(ctl, "Domain '%s' successfully suspended", name);
    ok = true;
out:
    virDomainFree(dom);
    return ok;
}

static bool cmd_dompmwakeup(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name = NULL;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name);
    bool ok;

    if (!dom)
        return false;
    ok = virDomainPMWakeup(dom, 0) == 0;
    if (!ok)
        vsh_error(ctl, "Domain '%s' could not be woken up", virDomainGetName(dom));
    else
        vsh_print(ctl, "Domain '%s' successfully woken up", name);
    virDomainFree(dom);
    return ok;
}

static bool cmd_domjobabort(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    bool ok;

    if (!dom)
        return false;
    ok = virDomainAbortJob(dom) == 0;
    virDomainFree(dom);
    return ok;
}

static const struct vsh_opt_def opts_managedsave_dumpxml[] = {
    OPT_DOMAIN,
    {"security-info", VSH_OT_BOOL, 0},
    {"xpath", VSH_OT_STRING, 0},
    {"wrap", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_managedsave_dumpxml(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    virDomainPtr dom;
    char *xml;

    if (vsh_opt_string(cmd, "xpath") || vsh_opt_bool(cmd, "wrap")) {
        vsh_error(ctl, "%s", "--xpath is not supported by this virsh");
        return false;
    }
    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL)))
        return false;
    xml = virDomainManagedSaveGetXMLDesc(
        dom, vsh_opt_bool(cmd, "security-info") ? VIR_DOMAIN_XML_SECURE : 0);
    virDomainFree(dom);
    if (!xml)
        return false;
    vsh_print(ctl, "%s", xml);
    free(xml);
    return true;
}

static const struct vsh_opt_def opts_managedsave_define[] = {
    OPT_DOMAIN,
    {"xml", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"running", VSH_OT_BOOL, 0},
    {"paused", VSH_OT_BOOL, 0},
    OPT_END,
};

static bool cmd_managedsave_define(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    const char *name = NULL;
    virDomainPtr dom;
    char *xml;
    int r;

    if (!exclusive(ctl, cmd, "running", "paused"))
        return false;
    if (!(dom = vsh_command_domain(ctl, cmd, VSH_BYALL, &name)))
        return false;
    if (!(xml = vsh_read_file(ctl, vsh_opt_string(cmd, "xml")))) {
        virDomainFree(dom);
        return false;
    }
    r = virDomainManagedSaveDefineXML(dom, xml, save_flags(cmd));
    free(xml);
    virDomainFree(dom);
    if (r < 0) {
        vsh_error(ctl, "Failed to update %s XML configuration", name);
        return false;
    }
    vsh_print_extra(ctl, "Managed save state file of domain '%s' updated.\n", name);
    return true;
}

const struct vsh_cmd_def vsh_guestops_cmds[] = {
    {"domtime", cmd_domtime, opts_domtime, "domain time", false},
    {"domhostname", cmd_domhostname, opts_domhostname, "print the domain's hostname", false},
    {"domcontrol", cmd_domcontrol, opts_domain_only, "domain control interface state", false},
    {"domfsinfo", cmd_domfsinfo, opts_domfsinfo, "Get information of domain's mounted filesystems.",
     false},
    {"domfsfreeze", cmd_domfsfreeze, opts_domfsfreeze, "Freeze domain's mounted filesystems.",
     false},
    {"domfsthaw", cmd_domfsthaw, opts_domfsfreeze, "Thaw domain's mounted filesystems.", false},
    {"domfstrim", cmd_domfstrim, opts_domfstrim, "Invoke fstrim on domain's mounted filesystems.",
     false},
    {"dompmsuspend", cmd_dompmsuspend, opts_dompmsuspend,
     "suspend a domain gracefully using power management functions", false},
    {"dompmwakeup", cmd_dompmwakeup, opts_domain_only,
     "wakeup a domain from pmsuspended state", false},
    {"domjobabort", cmd_domjobabort, opts_domain_only, "abort active domain job", false},
    {"managedsave-dumpxml", cmd_managedsave_dumpxml, opts_managedsave_dumpxml,
     "Domain information of managed save state file in XML", false},
    {"managedsave-define", cmd_managedsave_define, opts_managedsave_define,
     "redefine the XML for a domain's managed save state file", false},
    {"send-key", cmd_send_key, opts_send_key, "Send keycodes to the guest", false},
    {"inject-nmi", cmd_inject_nmi, opts_domain_only, "Inject NMI to the guest", false},
    {"screenshot", cmd_screenshot, opts_screenshot,
     "take a screenshot of a current domain console and store it into a file", false},
    {"domrename", cmd_domrename, opts_domrename, "rename a domain", false},
    {"set-user-password", cmd_set_user_password, opts_set_user_password,
     "set the user password inside the domain", false},
    {"save", cmd_save, opts_save, "save a domain state to a file", false},
    {"restore", cmd_restore, opts_restore, "restore a domain from a saved state in a file", false},
    {"save-image-dumpxml", cmd_save_image_dumpxml, opts_save_image_dumpxml,
     "saved state domain information in XML", false},
    {"save-image-define", cmd_save_image_define, opts_save_image_define,
     "redefine the XML for a domain's saved state file", false},
    {"save-image-edit", cmd_save_image_edit, opts_save_image_edit,
     "edit XML for a domain's saved state file", false},
    {"managedsave", cmd_managedsave, opts_managedsave, "managed save of a domain state", false},
    {"managedsave-remove", cmd_managedsave_remove, opts_domain_only,
     "Remove managed save of a domain", false},
    {"dump", cmd_dump, opts_dump, "dump the core of a domain to a file for analysis", false},
    {"domifaddr", cmd_domifaddr, opts_domifaddr, "Get network interfaces' addresses for a running domain",
     false},
    {"set-lifecycle-action", cmd_set_lifecycle_action, opts_set_lifecycle_action,
     "change lifecycle actions", false},
    {"desc", cmd_desc, opts_desc, "show or set domain's description or title", false},
    {"metadata", cmd_metadata, opts_metadata, "show or set domain's custom XML metadata", false},
    {NULL, NULL, NULL, NULL, false},
};

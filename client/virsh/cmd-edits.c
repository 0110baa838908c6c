/* Editing an object's XML in an editor: the shared step (vsh_edit_xml) and
 * the domain's edit command; net-edit, pool-edit, snapshot-edit and
 * checkpoint-edit sit beside their areas' other commands.
 * Wording and exit statuses are real virsh 9.0's. With the edited XML
 * refused, real virsh asks "Failed. Try again?" on a terminal; with stdin
 * not a terminal it prints "error: Failed." and carries on as if the
 * object had been redefined (its name printed as "(null)", exit 0). Ours
 * does the latter whatever stdin is. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vsh.h"

/* A program name without a slash looked up in $PATH, as libvirt's
 * virCommand does; NULL when it is not there. */
static char *find_in_path(const char *name)
{
    if (strchr(name, '/'))
        return strdup(name);
    const char *path = getenv("PATH");
    if (!*name || !path)
        return NULL;
    for (const char *p = path;;) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *full = NULL;
        if (asprintf(&full, "%.*s/%s", (int)n, n ? p : ".", name) >= 0) {
            if (access(full, X_OK) == 0)
                return full;
            free(full);
        }
        if (!end)
            return NULL;
        p = end + 1;
    }
}

/* The editor: $VISUAL, else $EDITOR, else vi (an empty one is taken as it
 * is, as real virsh takes it). One with shell syntax or arguments in it
 * runs through sh -c. */
static int run_editor(struct vsh_ctl *ctl, const char *path)
{
    const char *editor = getenv("VISUAL");
    if (!editor)
        editor = getenv("EDITOR");
    if (!editor)
        editor = "vi";
    bool shell = editor[strcspn(editor, " \t\n|&;<>()$`\\\"'*?[#~=%")] != '\0';
    char *line = NULL, *prog = NULL;
    if (shell ? asprintf(&line, "sh -c '%s %s'", editor, path) < 0
              : asprintf(&line, "%s %s", editor, path) < 0) {
        vsh_error(ctl, "%s", "out of memory");
        return -1;
    }
    if (!shell && !(prog = find_in_path(editor))) {
        vsh_error(ctl, "Cannot find '%s' in path: %s", editor, strerror(ENOENT));
        free(line);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        vsh_error(ctl, "internal error: cannot fork child process: %s", strerror(errno));
        free(line);
        free(prog);
        return -1;
    }
    if (pid == 0) {
        if (shell) {
            char *cmd = NULL;
            if (asprintf(&cmd, "%s %s", editor, path) >= 0)
                execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        } else {
            execl(prog, editor, path, (char *)NULL);
        }
        int e = errno;
        fprintf(stderr, "libvirt:  error : cannot execute binary %s: %s\n",
                shell ? "/bin/sh" : prog, strerror(e));
        _exit(127);
    }
    free(prog);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            vsh_error(ctl, "internal error: cannot wait for child process: %s",
                      strerror(errno));
            free(line);
            return -1;
        }
    }
    int rc = 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        vsh_error(ctl, "internal error: Child process (%s) unexpected exit status %d", line,
                  WEXITSTATUS(status));
        rc = -1;
    } else if (WIFSIGNALED(status)) {
        vsh_error(ctl, "internal error: Child process (%s) unexpected fatal signal %d", line,
                  WTERMSIG(status));
        rc = -1;
    }
    free(line);
    return rc;
}

int vsh_edit_xml(struct vsh_ctl *ctl, const char *xml, char **edited)
{
    const char *dir = getenv("TMPDIR");
    char *path = NULL;
    int rc = -1;

    *edited = NULL;
    if (!dir || !*dir)
        dir = "/tmp";
    if (asprintf(&path, "%s/virshXXXXXX.xml", dir) < 0) {
        vsh_error(ctl, "%s", "out of memory");
        return -1;
    }
    int fd = mkstemps(path, 4);
    if (fd < 0) {
        vsh_error(ctl, "failed to create temporary file: %s", strerror(errno));
        free(path);
        return -1;
    }
    size_t len = strlen(xml), off = 0;
    while (off < len) {
        ssize_t n = write(fd, xml + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            vsh_error(ctl, "failed to write XML to temporary file '%s': %s", path,
                      strerror(errno));
            close(fd);
            goto out;
        }
        off += (size_t)n;
    }
    if (close(fd) < 0) {
        vsh_error(ctl, "unable to write %s: %s", path, strerror(errno));
        goto out;
    }
    if (run_editor(ctl, path) < 0)
        goto out;
    if (!(*edited = vsh_read_file(ctl, path)))
        goto out;
    rc = strcmp(xml, *edited) != 0;
    if (!rc) {
        free(*edited);
        *edited = NULL;
    }
out:
    unlink(path);
    free(path);
    return rc;
}

void vsh_edit_refused(struct vsh_ctl *ctl)
{
    vsh_reset_libvirt_error(ctl);
    vsh_error(ctl, "%s", "Failed.");
}

/* ---- edit ---- */

static const struct vsh_opt_def opts_edit[] = {
    {"domain", VSH_OT_DATA, VSH_OFLAG_REQ},
    {"skip-validate", VSH_OT_BOOL, 0},
    {NULL, 0, 0},
};

static bool cmd_edit(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    unsigned int flags = vsh_opt_bool(cmd, "skip-validate") ? 0 : VIR_DOMAIN_DEFINE_VALIDATE;
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    char *xml, *edited = NULL;
    bool ok = false;

    if (!dom)
        return false;
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE);
    if (!xml)
        goto out;
    int r = vsh_edit_xml(ctl, xml, &edited);
    if (r < 0)
        goto out;
    if (r == 0) {
        vsh_print_extra(ctl, "Domain '%s' XML configuration not changed.\n",
                        virDomainGetName(dom));
        ok = true;
        goto out;
    }
    virDomainPtr d = virDomainDefineXMLFlags(ctl->conn, edited, flags);
    if (!d)
        vsh_edit_refused(ctl);
    vsh_print_extra(ctl, "Domain '%s' XML configuration edited.\n",
                    d ? virDomainGetName(d) : "(null)");
    if (d)
        virDomainFree(d);
    ok = true;
out:
    free(xml);
    free(edited);
    virDomainFree(dom);
    return ok;
}

const struct vsh_cmd_def vsh_edit_cmds[] = {
    {"edit", cmd_edit, opts_edit, "edit XML configuration for a domain", false},
    {NULL, NULL, NULL, NULL, false},
};

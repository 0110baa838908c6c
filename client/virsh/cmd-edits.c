/* Editing an object's XML in an editor: the shared step (vsh_edit_xml) and
 * the domain's edit command; net-edit, pool-edit, snapshot-edit and
 * checkpoint-edit sit beside their areas' other commands.
 * Wording and exit statuses are real virsh 9.0's. With the edited XML
 * refused, real virsh asks "Failed. Try again?" on a terminal
 * (vsh_edit_loop); with stdin not a terminal it prints "error: Failed."
 * and carries on as if the object had been redefined (its name printed as
 * "(null)", exit 0). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
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

/* The editor on `start`; *edited the result when it differs from `orig`
 * (1), else 0; -1 with the error printed. */
static int edit_text(struct vsh_ctl *ctl, const char *orig, const char *start, char **edited)
{
    const char *xml = start;
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
    rc = strcmp(orig, *edited) != 0;
    if (!rc) {
        free(*edited);
        *edited = NULL;
    }
out:
    unlink(path);
    free(path);
    return rc;
}

int vsh_edit_xml(struct vsh_ctl *ctl, const char *xml, char **edited)
{
    return edit_text(ctl, xml, xml, edited);
}

/* Real virsh's question after a refused definition, on a terminal in raw
 * mode, one key at a time: y, n, f, and i while *relax is offered (it is
 * offered once); ? lists them. Returns the key. */
static int ask_again(struct vsh_ctl *ctl, bool relax)
{
    struct termios saved, raw;
    bool restore = tcgetattr(STDIN_FILENO, &saved) == 0;
    int c;

    if (restore) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
    }
    for (;;) {
        vsh_print(ctl, "\r%s %s %s: ", "Failed.", "Try again?",
                  relax ? "[y,n,i,f,?]" : "[y,n,f,?]");
        fflush(stdout);
        c = getchar();
        if (c == EOF) {
            c = 'n';
            break;
        }
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        if (c == '?') {
            vsh_print(ctl, "\r\n%s\r\n%s\r\n", "y - yes, start editor again",
                      "n - no, throw away my changes");
            if (relax)
                vsh_print(ctl, "%s\r\n", "i - turn off validation and try to redefine again");
            vsh_print(ctl, "%s\r\n%s\r\n", "f - force, try to redefine again",
                      "? - print this help");
        } else if (c == 'y' || c == 'n' || c == 'f' || (relax && c == 'i')) {
            break;
        }
    }
    fflush(stdout);
    if (restore)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    vsh_print(ctl, "%s", "\r\n");
    return c;
}

enum vsh_edit_result vsh_edit_loop(struct vsh_ctl *ctl, const char *xml, bool offer_relax,
                                   bool always_define, vsh_edit_define_fn define, void *opaque)
{
    char *edited = NULL;
    /* As real virsh: i is offered again after each new edit, while the
     * validation it turned off stays off. */
    bool relaxed = false, relax_offered = offer_relax;
    enum vsh_edit_result res = VSH_EDIT_FAILED;
    int r = vsh_edit_xml(ctl, xml, &edited);

    for (;;) {
        if (r < 0)
            goto out;
        if (r == 0 && !always_define) {
            res = VSH_EDIT_UNCHANGED;
            goto out;
        }
        if (define(ctl, edited ? edited : xml, relaxed, opaque)) {
            res = VSH_EDIT_DEFINED;
            goto out;
        }
        if (!isatty(STDIN_FILENO)) {
            vsh_edit_refused(ctl);
            res = VSH_EDIT_REFUSED;
            goto out;
        }
        vsh_report_error(ctl);
        switch (ask_again(ctl, relax_offered)) {
        case 'y': {
            relax_offered = offer_relax;
            /* The editor again on what the user wrote, compared with
             * the object's own XML as the first time. */
            char *again = NULL;
            r = edit_text(ctl, xml, edited ? edited : xml, &again);
            free(edited);
            edited = again;
            break;
        }
        case 'i':
            relaxed = true;
            relax_offered = false;
            break;
        case 'f':
            break;
        default:
            res = VSH_EDIT_ABANDONED;
            goto out;
        }
    }
out:
    free(edited);
    return res;
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

struct edit_domain {
    unsigned int flags;
    virDomainPtr defined;
};

/* 'i' takes VIR_DOMAIN_DEFINE_VALIDATE away. */
static bool edit_domain_define(struct vsh_ctl *ctl, const char *xml, bool relaxed, void *opaque)
{
    struct edit_domain *e = opaque;

    e->defined = virDomainDefineXMLFlags(
        ctl->conn, xml, relaxed ? e->flags & ~VIR_DOMAIN_DEFINE_VALIDATE : e->flags);
    return e->defined != NULL;
}

static bool cmd_edit(struct vsh_ctl *ctl, const struct vsh_cmd *cmd)
{
    struct edit_domain e = {vsh_opt_bool(cmd, "skip-validate") ? 0 : VIR_DOMAIN_DEFINE_VALIDATE,
                            NULL};
    virDomainPtr dom = vsh_command_domain(ctl, cmd, VSH_BYALL, NULL);
    char *xml;
    bool ok = false;

    if (!dom)
        return false;
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_INACTIVE);
    if (!xml)
        goto out;
    switch (vsh_edit_loop(ctl, xml, true, false, edit_domain_define, &e)) {
    case VSH_EDIT_UNCHANGED:
        vsh_print_extra(ctl, "Domain '%s' XML configuration not changed.\n",
                        virDomainGetName(dom));
        ok = true;
        break;
    case VSH_EDIT_DEFINED:
    case VSH_EDIT_REFUSED:
        vsh_print_extra(ctl, "Domain '%s' XML configuration edited.\n",
                        e.defined ? virDomainGetName(e.defined) : "(null)");
        ok = true;
        break;
    case VSH_EDIT_ABANDONED:
    case VSH_EDIT_FAILED:
        break;
    }
    if (e.defined)
        virDomainFree(e.defined);
out:
    free(xml);
    virDomainFree(dom);
    return ok;
}

const struct vsh_cmd_def vsh_edit_cmds[] = {
    {"edit", cmd_edit, opts_edit, "edit XML configuration for a domain", false},
    {NULL, NULL, NULL, NULL, false},
};

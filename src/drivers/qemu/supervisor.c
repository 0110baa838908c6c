/* supervisor: the starter's and readers' side of supervisor.h. */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/tree.h>

#include "clock.h"
#include "error.h"
#include "sup-util.h"
#include "conf/domain_xml.h"
#include "conf/xml.h"
#include "state/file.h"
#include "state/lock.h"

/* ---- the launch file: key=value lines, values escaped ---- */

static int put(FILE *f, const char *key, const char *value)
{
    fprintf(f, "%s=", key);
    for (const char *p = value ? value : ""; *p; p++) {
        if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\\')
            fputs("\\\\", f);
        else
            fputc(*p, f);
    }
    return fputc('\n', f) == EOF ? -1 : 0;
}

int sup_launch_write(const struct sup_launch *l, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    char id[16];
    int r;

    if (!f) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    snprintf(id, sizeof(id), "%d", l->id);
    put(f, "name", l->name);
    put(f, "uuid", l->uuid);
    put(f, "id", id);
    put(f, "run_dir", l->run_dir);
    put(f, "dom_dir", l->dom_dir);
    put(f, "log_file", l->log_file);
    put(f, "journal_dir", l->journal_dir);
    put(f, "on_poweroff", l->on_poweroff);
    put(f, "on_reboot", l->on_reboot);
    put(f, "on_crash", l->on_crash);
    put(f, "start_paused", l->start_paused ? "1" : "0");
    put(f, "domain_xml", l->domain_xml);
    if (l->volumes)
        put(f, "volumes", l->volumes);
    if (fclose(f) != 0 || !text) {
        free(text);
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    r = state_file_write_runtime(path, text, len, 0600);
    free(text);
    return r;
}

static char *unescape(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;

    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            i++;
            *o++ = s[i] == 'n' ? '\n' : s[i];
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

int sup_launch_read(const char *path, struct sup_launch *l)
{
    char *text = NULL;
    size_t len = 0;

    memset(l, 0, sizeof(*l));
    if (state_file_read(path, 64u << 20, &text, &len) < 0)
        return -1;
    for (char *p = text; p < text + len;) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p)), *eq;
        if (!nl)
            nl = text + len;
        eq = memchr(p, '=', (size_t)(nl - p));
        if (eq) {
            char *v = unescape(eq + 1, (size_t)(nl - eq - 1));
            size_t kl = (size_t)(eq - p);
            char **slot = NULL;
#define KEY(k) (kl == strlen(k) && memcmp(p, k, kl) == 0)
            if (KEY("name"))
                slot = &l->name;
            else if (KEY("uuid"))
                slot = &l->uuid;
            else if (KEY("run_dir"))
                slot = &l->run_dir;
            else if (KEY("dom_dir"))
                slot = &l->dom_dir;
            else if (KEY("log_file"))
                slot = &l->log_file;
            else if (KEY("journal_dir"))
                slot = &l->journal_dir;
            else if (KEY("on_poweroff"))
                slot = &l->on_poweroff;
            else if (KEY("on_reboot"))
                slot = &l->on_reboot;
            else if (KEY("on_crash"))
                slot = &l->on_crash;
            else if (KEY("domain_xml"))
                slot = &l->domain_xml;
            else if (KEY("volumes"))
                slot = &l->volumes;
            if (!v) {
                /* out of memory: fall through to the check below */
            } else if (slot) {
                free(*slot);
                *slot = v;
                v = NULL;
            } else if (KEY("id")) {
                l->id = atoi(v);
            } else if (KEY("start_paused")) {
                l->start_paused = strcmp(v, "1") == 0;
            }
#undef KEY
            free(v);
        }
        p = nl + 1;
    }
    free(text);
    if (!l->name || !l->run_dir || !l->dom_dir || !l->domain_xml) {
        sup_launch_clear(l);
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "incomplete launch file %s", path);
        return -1;
    }
    return 0;
}

void sup_launch_clear(struct sup_launch *l)
{
    free(l->name);
    free(l->uuid);
    free(l->run_dir);
    free(l->dom_dir);
    free(l->log_file);
    free(l->journal_dir);
    free(l->on_poweroff);
    free(l->on_reboot);
    free(l->on_crash);
    free(l->domain_xml);
    free(l->volumes);
    memset(l, 0, sizeof(*l));
}

/* ---- the status file ---- */

/* The <domain> element that starts at a line's start at or after from in
 * text (the status file, which our writer laid out so: supervisor.h),
 * verbatim up to its "</domain>" at a line's start; NULL when there is
 * none. Inside it every element is indented, so the first such end is
 * its own. Sets *end past it. */
static char *domain_text(const char *text, const char *from, const char **end)
{
    const char *b = from;

    while ((b = strstr(b, "<domain")) && ((b > text && b[-1] != '\n') ||
                                          (b[7] != ' ' && b[7] != '>')))
        b += 7;
    const char *e = b ? strstr(b, "\n</domain>") : NULL;
    if (!e)
        return NULL;
    e += strlen("\n</domain>");
    *end = e;
    /* and its newline, as dx_def_format ends it */
    return strndup(b, (size_t)(e - b) + (*e == '\n'));
}

void sup_status_clear(struct sup_status *st)
{
    free(st->domain_xml);
    free(st->def_xml);
    free(st->inactive_xml);
    free(st->ptys);
    memset(st, 0, sizeof(*st));
}

static int attr_int(xmlNodePtr n, const char *name, int fallback)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    int r = v ? atoi((const char *)v) : fallback;
    xmlFree(v);
    return r;
}

int sup_status_read(const char *run_dir, const char *name, struct sup_status *st, bool *alive)
{
    char path[4096], lock[4096];
    char *text = NULL;
    size_t len = 0;
    int r;

    memset(st, 0, sizeof(*st));
    *alive = false;
    snprintf(path, sizeof(path), "%s/%s.xml", run_dir, name);
    snprintf(lock, sizeof(lock), "%s/%s.sup", run_dir, name);
    if (state_file_read(path, 64u << 20, &text, &len) < 0) {
        if (errno != ENOENT)
            return -1;
        error_clear();
        return 0;
    }
    xmlDocPtr doc = xml_parse(text, len, path, FROM_QEMU);
    if (!doc) {
        free(text);
        return -1;
    }
    /* The live XML, the same <inactive>, the definition within <config>,
     * verbatim. */
    const char *cfg = strstr(text, "\n<config>\n"), *end = text;
    if (cfg && strncmp(text, "<domstatus", 10) == 0) {
        const char *inact = strstr(text, "\n<inactive>\n");
        if (inact && inact > cfg)
            inact = NULL;
        char *live = domain_text(text, text, &end);
        if (live && end <= (inact ? inact : cfg))
            st->domain_xml = live;
        else
            free(live);
        if (inact && st->domain_xml && (st->inactive_xml = domain_text(text, inact, &end)) &&
            end > cfg) {
            free(st->inactive_xml);
            st->inactive_xml = NULL;
        }
        st->def_xml = domain_text(text, cfg, &end);
    } else if (strncmp(text, "<domstatus", 10) == 0) {
        /* A status of an older supervisor: its one <domain> is the
         * definition (its live XML is formatted from it). */
        st->def_xml = domain_text(text, text, &end);
    }
    free(text);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlChar *state = xmlGetProp(root, (const xmlChar *)"state");
    xmlChar *reason = xmlGetProp(root, (const xmlChar *)"reason");
    st->state = sup_state_from_name((const char *)state);
    st->reason = sup_reason_from_name(st->state, (const char *)reason);
    xmlFree(state);
    xmlFree(reason);
    st->qemu_pid = attr_int(root, "pid", 0);
    st->sup_pid = attr_int(root, "supervisor", 0);
    st->id = attr_int(root, "id", -1);
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(c->name, (const xmlChar *)"ptys")) {
            xmlChar *t = xmlNodeGetContent(c);
            st->ptys = t ? strdup((const char *)t) : NULL;
            xmlFree(t);
        }
    }
    xmlFreeDoc(doc);
    r = state_lock_held(lock);
    if (r < 0)
        return -1;
    *alive = r == 1;
    return 1;
}

/* ---- starting a supervisor ---- */

int sup_spawn(const char *supervisor_path, const char *launch_path, int sup_lock, int job_lock)
{
    int p[2];
    pid_t child;

    if (pipe2(p, O_CLOEXEC) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot create pipe: %s", strerror(errno));
        return -1;
    }
    child = fork();
    if (child < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot fork: %s", strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (child == 0) {
        /* In between: a new session, then the supervisor is its child, so
         * that it is nobody's child here and no terminal can reach it. */
        setsid();
        pid_t sup = fork();
        if (sup == 0) {
            int null = open("/dev/null", O_RDWR);
            /* 3: the ready pipe, 4: the supervisor lock, 5: the job lock */
            int from[3] = {p[1], sup_lock, job_lock}, moved[3];
            for (int i = 0; i < 3; i++)
                moved[i] = fcntl(from[i], F_DUPFD, 10);
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
            for (int i = 0; i < 3; i++)
                dup2(moved[i], 3 + i);
            closefrom(6);
            execl(supervisor_path, "qemu-supervisor", launch_path, "3", "4", "5", (char *)NULL);
            _exit(127);
        }
        _exit(sup < 0 ? 1 : 0);
    }
    close(p[1]);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        close(p[0]);
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "%s", "cannot start the domain's supervisor");
        return -1;
    }
    return p[0];
}

/* ---- talking to one ---- */

/* Connects to dir/control.sock, through /proc/self/fd when the path is too
 * long for a socket address. */
static int connect_control(const char *dom_dir)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int dfd = -1, fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

    if (fd < 0)
        return -1;
    if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/control.sock", dom_dir) >=
        sizeof(sa.sun_path)) {
        dfd = open(dom_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/control.sock", dfd);
    }
    r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    if (dfd >= 0)
        close(dfd);
    if (r < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int sup_request(const char *dom_dir, const char *request, long long deadline_ms, sup_wait_fn wait,
                void *wait_opaque, char **reply)
{
    char buf[65536];
    size_t have = 0;
    int fd = connect_control(dom_dir), r = -1;

    *reply = NULL;
    if (fd < 0) {
        error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s", "domain is not running");
        return -1;
    }
    size_t rl = strlen(request);
    if (write(fd, request, rl) != (ssize_t)rl || write(fd, "\n", 1) != 1) {
        error_report(ERR_OPERATION_FAILED, FROM_QEMU, "%s",
                     "cannot send a request to the domain's supervisor");
        goto out;
    }
    for (;;) {
        char *nl = have ? memchr(buf, '\n', have) : NULL;
        if (nl) {
            *nl = '\0';
            if (strncmp(buf, "ok", 2) == 0) {
                *reply = strdup(buf[2] == ' ' ? buf + 3 : "");
                r = *reply ? 0 : -1;
                if (r < 0)
                    error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
            } else {
                sup_error_decode(buf);
            }
            goto out;
        }
        int w = wait(wait_opaque, fd, POLLIN, deadline_ms);
        if (w < 0) {
            error_report(ERR_OPERATION_FAILED, FROM_QEMU, "%s", "the client went away");
            goto out;
        }
        if (w == 0) {
            error_report(ERR_OPERATION_TIMEOUT, FROM_QEMU, "%s",
                         "no reply from the domain's supervisor");
            goto out;
        }
        ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
        if (n == 0 && have == 0) {
            /* It ended without a word: it was exiting (its QEMU gone). */
            error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s", "domain is not running");
            goto out;
        }
        if (n <= 0) {
            error_report(ERR_OPERATION_FAILED, FROM_QEMU, "%s",
                         "the domain's supervisor closed the connection");
            goto out;
        }
        have += (size_t)n;
        if (have >= sizeof(buf) - 1) {
            error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "%s", "reply from the supervisor too long");
            goto out;
        }
    }
out:
    close(fd);
    return r;
}

int sup_launch_apply_volumes(const char *volumes, struct dx_def *def)
{
    for (const char *p = volumes; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *end;
        unsigned long i = strtoul(p, &end, 10);
        if (end == p || *end != ' ' || i >= def->ndisks || !def->disks[i].src_volume ||
            end + 1 > p + len) {
            error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "bad volume line in the launch file");
            return -1;
        }
        free(def->disks[i].vol_path);
        if (!(def->disks[i].vol_path = strndup(end + 1, len - (size_t)(end + 1 - p)))) {
            error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
            return -1;
        }
        p += len + (nl ? 1 : 0);
    }
    return 0;
}

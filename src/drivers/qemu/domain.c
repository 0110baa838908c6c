/* The QEMU driver's domain operations over the shared files of qdrv.h.
 *
 * Reads (lists, lookups, info, state, XML) take no lock: every file is
 * written atomically, so a reader sees an old or a new version, and a
 * domain whose job is stuck still answers. State changes take the domain's
 * job lock (libvirt's state change lock) with a bounded wait; define,
 * undefine and id allocation take the driver lock. A running domain is its
 * supervisor's: changes to it are requests over its control socket. */
#include "qdrv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "conf/domain_xml.h"
#include "conf/xml.h"
#include "daemon-paths.h"
#include "error.h"
#include "command.h"
#include "console.h"
#include "log.h"
#include "state/file.h"
#include "state/journal.h"
#include "migratable.h"
#include "state/lock.h"
#include "storage.h"
#include "sup-util.h"
#include "supervisor.h"
#include "uuid.h"

/* libvirt's values (libvirt-domain.h). */
enum { ST_RUNNING = 1, ST_PAUSED = 3, ST_SHUTOFF = 5 };
enum { OFF_UNKNOWN = 0, OFF_CRASHED = 3 };
enum { EV_DEFINED = 0, EV_UNDEFINED = 1, EV_STOPPED = 5 };
enum { EV_DEFINED_ADDED = 0, EV_DEFINED_UPDATED = 1, EV_UNDEFINED_REMOVED = 0,
       EV_STOPPED_FAILED = 5 };
#define EVENT_ID_LIFECYCLE 0
#define EVENT_ID_REBOOT 1

#define JOB_WAIT_MS 30000     /* libvirt's job wait */
#define DRIVER_WAIT_MS 30000
#define START_WAIT_MS 60000
/* A request waits for its supervisor longer than a call queued behind it
 * waits for the job lock: as in libvirt, whose job waits on the monitor
 * without a limit, the queued call times out naming the holder, and the
 * holder still gets its answer, or the monitor's error when QEMU dies. */
#define REQUEST_WAIT_MS (10 * JOB_WAIT_MS)
/* How long a destroy waits for a busy job before it has QEMU killed: long
 * enough for a suspend or a resume in flight to end, short enough that a
 * destroy of a QEMU that answers nothing takes what real libvirt's does
 * (its 10 s of SIGTERM grace, then SIGKILL: 10.2 s in all, measured). */
#define DESTROY_JOB_WAIT_MS 500
#define CONFIG_MAX (4u << 20) /* a domain's config file */

static const char config_warning[] =
    "<!--\n"
    "WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
    "OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:\n"
    "  virsh edit %s\n"
    "or other application using the libvirt API.\n"
    "-->\n\n";

static char *path_of(const char *dir, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s%s", dir, name, suffix);
    else
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    return p;
}

/* ---- one domain, as the files tell it ---- */

struct qdom {
    char *name;
    unsigned char uuid[DRV_UUID_LEN];
    struct dx_def *config; /* the persistent definition, or NULL */
    struct dx_def *live;   /* the running one (from the status), or NULL */
    struct sup_status st;
    bool alive;            /* its supervisor runs */
    int state, reason, id;
    bool stale;            /* the status says running, its supervisor is dead */
    bool persistent;       /* it has a config (parsed into config unless light) */
};

static void qdom_clear(struct qdom *d)
{
    free(d->name);
    dx_def_free(d->config);
    dx_def_free(d->live);
    sup_status_clear(&d->st);
    memset(d, 0, sizeof(*d));
}

static bool qdom_active(const struct qdom *d)
{
    return d->state == ST_RUNNING || d->state == ST_PAUSED;
}

/* What is stored (a config, the definition a running domain was started
 * from) was completed by the QEMU rules at define: it reads back with them
 * and without asking the host anything. */
static const struct dx_env stored_env = {.driver = DX_DRIVER_QEMU};

/* A config file without libvirt's warning comment is read as it is. 1
 * with *def, 0 when there is none (an undefine may remove it at any
 * moment), -1 on error (recorded). */
static int read_config(const char *path, struct dx_def **def)
{
    char *text = NULL;
    size_t len = 0;

    *def = NULL;
    if (state_file_read(path, CONFIG_MAX, &text, &len) < 0) {
        if (errno != ENOENT)
            return -1;
        error_clear();
        return 0;
    }
    *def = dx_def_parse_string_env(text, &stored_env);
    free(text);
    return *def ? 1 : -1;
}

/* The <uuid> of a domain XML we wrote (libvirt's layout: right after
 * <name>), found without parsing it: 0, or -1 when it is not where we put
 * it (the caller parses then). */
static int peek_uuid(const char *xml, unsigned char *uuid)
{
    const char *u = xml ? strstr(xml, "<uuid>") : NULL;
    const char *m = xml ? strstr(xml, "<metadata") : NULL;
    char text[37];

    if (!u || (m && m < u) || strncmp(u + 6 + 36, "</uuid>", 7) != 0)
        return -1;
    memcpy(text, u + 6, 36);
    text[36] = '\0';
    return uuid_parse(text, uuid);
}

/* Loads domain `name`: 1 when it exists, 0 when not, -1 on error. A light
 * load is for the calls that need only its name, uuid, id and state (list,
 * lookups, domstate): the XML is not parsed (config and live stay NULL),
 * which makes `virsh list` of many domains cheap. */
static int qdom_load_as(struct qdrv *q, const char *name, struct qdom *d, bool light)
{
    char *cfg = NULL;
    int r;

    memset(d, 0, sizeof(*d));
    d->id = -1;
    if (dx_name_check(name) < 0) {
        error_clear();
        return 0;
    }
    if (!(d->name = strdup(name)) || !(cfg = path_of(q->conf_dir, name, ".xml")))
        goto oom;
    bool peeked = false;
    if (light) {
        char *text = NULL;
        size_t len = 0;
        if (state_file_read(cfg, CONFIG_MAX, &text, &len) == 0) {
            d->persistent = true;
            peeked = peek_uuid(text, d->uuid) == 0;
            free(text);
        } else if (errno == ENOENT) {
            error_clear();
        } else {
            free(cfg);
            qdom_clear(d);
            return -1;
        }
        light = peeked;
    }
    if (!light && read_config(cfg, &d->config) < 0) {
        free(cfg);
        qdom_clear(d);
        return -1;
    }
    free(cfg);
    if (d->config)
        d->persistent = true;
    r = sup_status_read(q->run_dir, name, &d->st, &d->alive);
    if (r < 0) {
        qdom_clear(d);
        return -1;
    }
    d->state = ST_SHUTOFF;
    d->reason = OFF_UNKNOWN;
    if (r > 0) {
        bool running = d->st.state == ST_RUNNING || d->st.state == ST_PAUSED;
        if (running && d->alive) {
            d->state = d->st.state;
            d->reason = d->st.reason;
            d->id = d->st.id;
            /* The definition it runs; its XML is the status' live one. */
            if (light && d->st.def_xml && peek_uuid(d->st.def_xml, d->uuid) == 0)
                peeked = true;
            else if (d->st.def_xml)
                d->live = dx_def_parse_string_env(d->st.def_xml, &stored_env);
        } else if (running) {
            /* Its supervisor died (and QEMU with it). */
            d->stale = true;
            d->reason = OFF_CRASHED;
        } else {
            d->reason = d->st.reason;
        }
    }
    bool running = d->live || (peeked && d->id >= 0 && qdom_active(d));
    if (!d->persistent && !running) {
        qdom_clear(d);
        return 0;
    }
    if (d->live || d->config)
        memcpy(d->uuid, d->live ? d->live->uuid : d->config->uuid, DRV_UUID_LEN);
    return 1;
oom:
    free(cfg);
    qdom_clear(d);
    error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    return -1;
}

static int qdom_load(struct qdrv *q, const char *name, struct qdom *d)
{
    return qdom_load_as(q, name, d, false);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of every domain there may be (configs and statuses), sorted
 * and each once. */
static int list_names(struct qdrv *q, char ***names, size_t *n)
{
    const char *dirs[2] = {q->conf_dir, q->run_dir};
    size_t cap = 0;

    *names = NULL;
    *n = 0;
    for (int k = 0; k < 2; k++) {
        DIR *dir = opendir(dirs[k]);
        struct dirent *e;
        if (!dir)
            continue;
        while ((e = readdir(dir))) {
            size_t l = strlen(e->d_name);
            if (l < 5 || strcmp(e->d_name + l - 4, ".xml") != 0 || e->d_name[0] == '.')
                continue;
            if (*n == cap) {
                size_t ncap = cap ? cap * 2 : 64;
                char **grown = realloc(*names, ncap * sizeof(char *));
                if (!grown)
                    break;
                *names = grown;
                cap = ncap;
            }
            char *nm = strndup(e->d_name, l - 4);
            if (nm)
                (*names)[(*n)++] = nm;
        }
        closedir(dir);
    }
    if (*n > 1) {
        qsort(*names, *n, sizeof(char *), cmp_names);
        size_t w = 1;
        for (size_t i = 1; i < *n; i++) {
            if (strcmp((*names)[i], (*names)[w - 1]) == 0)
                free((*names)[i]);
            else
                (*names)[w++] = (*names)[i];
        }
        *n = w;
    }
    return 0;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Finds the domain a client names, by uuid as libvirt does; its name is
 * tried first, the others only when that fails. 1, 0, -1. */
static int find_uuid_as(struct qdrv *q, const unsigned char *uuid, const char *hint,
                        struct qdom *d, bool light)
{
    char **names;
    size_t n;
    int r;

    /* Cleared here: with no domain at all, nothing below fills it, and the
     * caller clears it whatever was found. */
    memset(d, 0, sizeof(*d));
    if (hint && (r = qdom_load_as(q, hint, d, light)) != 0) {
        if (r < 0 || memcmp(d->uuid, uuid, DRV_UUID_LEN) == 0)
            return r;
        qdom_clear(d);
    }
    list_names(q, &names, &n);
    r = 0;
    for (size_t i = 0; i < n && r == 0; i++) {
        if (hint && strcmp(names[i], hint) == 0)
            continue;
        r = qdom_load_as(q, names[i], d, light);
        if (r > 0 && memcmp(d->uuid, uuid, DRV_UUID_LEN) != 0) {
            qdom_clear(d);
            r = 0;
        }
    }
    free_names(names, n);
    return r;
}

static int get_dom_as(struct qdrv *q, const remote_nonnull_domain *dom, struct qdom *d, bool light)
{
    int r = find_uuid_as(q, (const unsigned char *)dom->uuid, dom->name, d, light);
    if (r == 0) {
        char uuid[37];
        uuid_format((const unsigned char *)dom->uuid, uuid);
        error_report(ERR_NO_DOMAIN, FROM_QEMU, "no domain with matching uuid '%s' (%s)", uuid,
                     dom->name ? dom->name : "");
    }
    return r > 0 ? 0 : -1;
}

static int get_dom(struct qdrv *q, const remote_nonnull_domain *dom, struct qdom *d)
{
    return get_dom_as(q, dom, d, false);
}

/* The definition that describes d now: the live one while it runs. */
static const struct dx_def *current_def(const struct qdom *d)
{
    return d->live ? d->live : d->config;
}

static int fill_dom(const struct qdom *d, remote_nonnull_domain *out)
{
    return drv_domain(out, d->name, d->uuid, qdom_active(d) ? d->id : -1);
}

/* ---- events ---- */

static int wait_loop(void *opaque, long long deadline_ms);

static void emit(struct qdrv *q, const char *name, const unsigned char *uuid, int id, int event,
                 int detail)
{
    char u[37], rec[SUP_RECORD_MAX];

    uuid_format(uuid, u);
    snprintf(rec, sizeof(rec), "lifecycle %d %d %d %s %s", event, detail, id, u, name);
    qdrv_journal_append(q, rec);
}

void qdrv_journal_append(struct qdrv *q, const char *rec)
{
    if ((q->journal || sup_journal_open(q->run_dir, &q->journal) == 0) &&
        state_journal_append(q->journal, rec, strlen(rec), wait_loop, q, NULL) == 0)
        return;
    log_warn("cannot record the event %s: %s", rec, error_last_message());
    error_clear();
}

int qdrv_wait_loop(void *opaque, long long deadline_ms)
{
    return wait_loop(opaque, deadline_ms);
}

/* A journal record to the sink: "lifecycle EVENT DETAIL ID UUID NAME" or
 * "reboot ID UUID NAME", or a storage pool's ("pool ...", storage.c). */
static void deliver(struct qdrv *q, char *rec)
{
    char uuid_s[64];
    unsigned char uuid[DRV_UUID_LEN];
    int event = 0, detail = 0, id = -1, used = 0;

    if (strncmp(rec, "pool", 4) == 0) {
        qstorage_deliver(q, rec);
    } else if (sscanf(rec, "lifecycle %d %d %d %63s %n", &event, &detail, &id, uuid_s, &used) == 4 &&
        used > 0 && uuid_parse(uuid_s, uuid) == 0) {
        remote_domain_event_lifecycle_msg m = {
            .dom = {.name = rec + used, .id = id}, .event = event, .detail = detail};
        memcpy(m.dom.uuid, uuid, DRV_UUID_LEN);
        q->sink(q->sink_opaque, DRV_EVENT_DOMAIN, EVENT_ID_LIFECYCLE, uuid, DRV_UUID_LEN,
                (xdrproc_t)xdr_remote_domain_event_lifecycle_msg, &m);
    } else if (sscanf(rec, "reboot %d %63s %n", &id, uuid_s, &used) == 2 && used > 0 &&
               uuid_parse(uuid_s, uuid) == 0) {
        remote_domain_event_reboot_msg m = {.dom = {.name = rec + used, .id = id}};
        memcpy(m.dom.uuid, uuid, DRV_UUID_LEN);
        q->sink(q->sink_opaque, DRV_EVENT_DOMAIN, EVENT_ID_REBOOT, uuid, DRV_UUID_LEN,
                (xdrproc_t)xdr_remote_domain_event_reboot_msg, &m);
    }
}

/* Hands what the journal has gained since the last time to the sink. */
static void read_journal(void *opaque)
{
    struct qdrv *q = opaque;
    struct state_journal_record r;
    char rec[SUP_RECORD_MAX + 1];
    int got;

    while ((got = state_journal_reader_next(q->events, &r)) > 0) {
        if (r.lost)
            log_warn("the event journal of %s rotated past this connection: %llu events "
                     "lost before event %llu",
                     q->run_dir, (unsigned long long)r.lost, (unsigned long long)r.seq);
        if (r.len > SUP_RECORD_MAX || memchr(r.data, '\0', r.len)) {
            log_warn("the event journal of %s has a record that is not an event (%zu bytes)",
                     q->run_dir, r.len);
            continue;
        }
        memcpy(rec, r.data, r.len);
        rec[r.len] = '\0';
        if (q->sink)
            deliver(q, rec);
    }
    if (got < 0) {
        log_warn("cannot read the event journal of %s: %s", q->run_dir, error_last_message());
        error_clear();
    }
}

void qdrv_set_event_sink(struct qdrv *q, drv_event_fn fn, void *opaque)
{
    q->sink = fn;
    q->sink_opaque = opaque;
}

/* ---- locks ---- */

/* How the state library waits: the session's loop runs (keepalive, other
 * calls' replies) until the deadline, on an eventfd nobody writes. */
static int wait_loop(void *opaque, long long deadline_ms)
{
    struct qdrv *q = opaque;

    if (q->sleep_fd < 0 || !q->ctx.wait_fd) {
        long long left = deadline_ms - clock_mono_ms();
        if (left > 0)
            usleep((useconds_t)(left > 20 ? 20 : left) * 1000);
        return 0;
    }
    return q->ctx.wait_fd(q->ctx.wait_opaque, q->sleep_fd, POLLIN, deadline_ms) < 0 ? -1 : 0;
}

/* libvirt's job ("state change") lock of domain name, taken for the API
 * owner (libvirt's name of it, "remoteDispatchDomainSuspend", which a
 * waiter that times out names), waiting JOB_WAIT_MS at most. */
static struct state_lock *job_lock(struct qdrv *q, const char *name, const char *owner)
{
    char *p = path_of(q->run_dir, name, ".job");
    struct state_lock *l = NULL;

    if (p && state_lock_acquire(p, owner, JOB_WAIT_MS, wait_loop, q, &l) < 0) {
        const struct error *e = error_last();
        if (e && e->code == ERR_OPERATION_TIMEOUT)
            log_warn("Cannot start job in API %s for domain %s: %s", owner, name, e->message);
        l = NULL;
    }
    free(p);
    return l;
}

static struct state_lock *driver_lock(struct qdrv *q, const char *owner)
{
    char *p = path_of(q->run_dir, "driver", ".lock");
    struct state_lock *l = NULL;

    if (p && state_lock_acquire(p, owner, DRIVER_WAIT_MS, wait_loop, q, &l) < 0)
        l = NULL;
    free(p);
    return l;
}

/* A domain whose supervisor died is shut off (crashed); under its job
 * lock, the first to notice tidies its files and says so once. */
static void reap_stale(struct qdrv *q, struct qdom *d)
{
    char *status = path_of(q->run_dir, d->name, ".xml"), *pid = path_of(q->run_dir, d->name, ".pid");
    static const char text[] = "<domstatus state='shutoff' reason='crashed'>\n</domstatus>\n";

    if (status && pid) {
        state_file_remove(pid);
        if (d->config)
            state_file_write_runtime(status, text, sizeof(text) - 1, 0600);
        else
            state_file_remove(status);
        emit(q, d->name, d->uuid, -1, EV_STOPPED, EV_STOPPED_FAILED);
    }
    error_clear();
    free(status);
    free(pid);
}

static struct state_lock *reload_locked(struct qdrv *q, const remote_nonnull_domain *dom,
                                        struct qdom *d, struct state_lock *fd);

/* Loads and locks the domain a client names for a state change, for the
 * API owner. The job lock, or NULL with the error recorded. */
static struct state_lock *lock_dom(struct qdrv *q, const remote_nonnull_domain *dom,
                                   struct qdom *d, const char *owner)
{
    if (get_dom(q, dom, d) < 0)
        return NULL;
    struct state_lock *fd = job_lock(q, d->name, owner);
    if (!fd) {
        qdom_clear(d);
        return NULL;
    }
    return reload_locked(q, dom, d, fd);
}

/* With d's job lock held: loads d again (what it was before the lock may
 * have changed meanwhile) and tidies after a supervisor that died. The
 * lock, or NULL with the error recorded and the lock released. */
static struct state_lock *reload_locked(struct qdrv *q, const remote_nonnull_domain *dom,
                                        struct qdom *d, struct state_lock *fd)
{
    char *name = strdup(d->name);
    qdom_clear(d);
    int r = name ? qdom_load(q, name, d) : -1;
    free(name);
    if (r <= 0) {
        if (r == 0)
            error_report(ERR_NO_DOMAIN, FROM_QEMU, "no domain with matching name '%s'",
                         dom->name);
        state_lock_release(fd);
        return NULL;
    }
    if (d->stale) {
        reap_stale(q, d);
        d->stale = false;
        if (!d->config) {
            qdom_clear(d);
            state_lock_release(fd);
            error_report(ERR_NO_DOMAIN, FROM_QEMU, "no domain with matching name '%s'",
                         dom->name);
            return NULL;
        }
    }
    return fd;
}

/* libvirt's virDomainObjCheckActive, whose error is the domain
 * configuration's (VIR_FROM_DOMAIN); shutdown checks in the QEMU driver
 * itself, with VIR_FROM_QEMU: need_active_from. */
static int need_active_from(const struct qdom *d, int from)
{
    if (qdom_active(d))
        return 0;
    error_report(ERR_OPERATION_INVALID, from, "%s", "domain is not running");
    return -1;
}

static int need_active(const struct qdom *d)
{
    return need_active_from(d, FROM_DOMAIN);
}

/* ---- the control socket of a running domain ---- */

static char *dom_dir_of(struct qdrv *q, const char *name, int id)
{
    /* libvirt's domain-ID-NAME, the name cut at 20 characters. */
    char short_name[21];
    snprintf(short_name, sizeof(short_name), "%s", name);
    size_t n = strlen(q->lib_dir) + 64;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/domain-%d-%s", q->lib_dir, id, short_name);
    return p;
}

static int request(struct qdrv *q, const struct qdom *d, const char *what, char **reply)
{
    char *dir = dom_dir_of(q, d->name, d->id), *out = NULL;
    int r;

    if (!dir) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    r = sup_request(dir, what, clock_mono_ms() + REQUEST_WAIT_MS,
                    (sup_wait_fn)q->ctx.wait_fd, q->ctx.wait_opaque, &out);
    free(dir);
    if (reply)
        *reply = out;
    else
        free(out);
    return r;
}

/* ---- starting ---- */

static int next_id(struct qdrv *q)
{
    char *path = path_of(q->run_dir, "next-id", ""), *text = NULL, buf[32];
    size_t len;
    struct state_lock *lock = driver_lock(q, "remoteDispatchDomainCreate");
    int id = -1;

    if (lock && path) {
        id = 1;
        if (state_file_read(path, 64, &text, &len) == 0 && atoi(text) > 0)
            id = atoi(text);
        else
            error_clear(); /* none yet (or not a number): ids start again at 1 */
        snprintf(buf, sizeof(buf), "%d", id + 1);
        if (state_file_write_runtime(path, buf, strlen(buf), 0600) < 0)
            id = -1;
    }
    free(text);
    free(path);
    state_lock_release(lock);
    return id;
}

/* The status of a domain whose supervisor is being started: the
 * definition it starts from, no live XML yet (supervisor.h). */
static int write_starting(struct qdrv *q, const char *name, int id, const char *def_xml)
{
    char *path = path_of(q->run_dir, name, ".xml"), *text = NULL;
    int r = -1;

    if (path && asprintf(&text,
                         "<domstatus state='paused' reason='starting up' pid='0' "
                         "supervisor='0' id='%d'>\n<config>\n%s</config>\n</domstatus>\n",
                         id, def_xml) >= 0)
        r = state_file_write_runtime(path, text, strlen(text), 0600);
    else
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    free(path);
    free(text);
    return r;
}

/* Starts d from def, d's job lock held in *job; its supervisor reports
 * when it runs. Once the supervisor is started it holds the job lock too
 * (until the VM runs), and *job is left (state_lock_leave) and NULL: a
 * release here would end the supervisor's hold.
 *
 * The connection checks the definition (qemu_validate) and hands it over;
 * the supervisor does everything else of command.h's start: it opens the
 * serial files, creates the master key and the monitor socket in the
 * domain's private directory (which it creates and removes), builds the
 * command line, logs it and execs QEMU with the fds, and learns the ptys.
 * It has to: the fds must be QEMU's parent's to pass, the private
 * directory lives as long as the VM (the supervisor's life, not this
 * connection's), and the live XML needs what only the monitor tells. And
 * a failure anywhere comes back on the ready pipe with the error, as if
 * it were this process'. */
/* The files of def's type='volume' disks (storage.h), for the launch's
 * volumes; a disk without a format takes its volume's, as in libvirt. */
static int resolve_volumes(struct qdrv *q, struct dx_def *def, char **volumes)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = NULL;

    *volumes = NULL;
    /* Last disk first: which one a failure names, as in libvirt. */
    for (size_t i = def->ndisks; i-- > 0;) {
        struct dx_disk *dk = &def->disks[i];
        char *path = NULL;
        const char *format = NULL;
        if (!dk->src_volume)
            continue;
        if (qstorage_volume_file(q, dk->src_pool, dk->src_volume, &path, &format) < 0)
            goto fail;
        if (!dk->drv_type && !(dk->drv_type = strdup(format))) {
            free(path);
            goto nomem;
        }
        if (!f && !(f = open_memstream(&text, &len))) {
            free(path);
            goto nomem;
        }
        fprintf(f, "%zu %s\n", i, path);
        free(path);
    }
    if (f && fclose(f) != 0)
        goto nomem;
    *volumes = text;
    return 0;
nomem:
    error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
fail:
    if (f)
        fclose(f);
    free(text);
    return -1;
}

static int start(struct qdrv *q, struct qdom *d, const struct dx_def *def, bool paused,
                 struct state_lock **job)
{
    struct sup_launch l = {0};
    char uuid[37], *launch = NULL, line[4096];
    int id, ready = -1, r = -1;
    struct state_lock *sup = NULL;

    if (access(q->supervisor, X_OK) < 0) {
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "cannot run the QEMU supervisor %s: %s",
                     q->supervisor, strerror(errno));
        return -1;
    }
    /* What cannot start takes no id, as in libvirt; nor does a disk whose
     * volume is not there. */
    if (resolve_volumes(q, (struct dx_def *)def, &l.volumes) < 0)
        return -1;
    if (qemu_validate(def, QEMU_VALIDATE_START) < 0 || (id = next_id(q)) < 0) {
        free(l.volumes);
        return -1;
    }
    uuid_format(def->uuid, uuid);
    l.name = d->name;
    l.uuid = uuid;
    l.id = id;
    l.run_dir = q->run_dir;
    l.dom_dir = dom_dir_of(q, d->name, id);
    l.log_file = path_of(q->log_dir, d->name, ".log");
    l.journal_dir = q->run_dir;
    l.on_poweroff = def->on_poweroff;
    l.on_reboot = def->on_reboot;
    l.on_crash = def->on_crash;
    l.start_paused = paused;
    l.domain_xml = dx_def_format(def, -1);
    launch = path_of(q->run_dir, d->name, ".launch");
    if (!l.dom_dir || !l.log_file || !l.domain_xml || !launch) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        goto out;
    }
    if (sup_launch_write(&l, launch) < 0)
        goto out;
    /* From here the domain is starting: its supervisor lock is held (by us,
     * then by the supervisor), and its status says so. */
    char *sup_path = path_of(q->run_dir, d->name, ".sup");
    int got = sup_path ? state_lock_try(sup_path, NULL, &sup) : -1;
    free(sup_path);
    if (got <= 0) {
        if (got == 0)
            error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s", "domain is already running");
        goto out;
    }
    if (write_starting(q, d->name, id, l.domain_xml) < 0)
        goto out;
    ready = sup_spawn(q->supervisor, launch, state_lock_fd(sup), state_lock_fd(*job));
    if (ready >= 0) {
        /* Both locks are the supervisor's now. */
        state_lock_leave(sup);
        state_lock_leave(*job);
        sup = NULL;
        *job = NULL;
    }
    if (ready < 0) {
        /* No supervisor took the start over: it failed here. */
        static const char failed[] = "<domstatus state='shutoff' reason='failed'>\n</domstatus>\n";
        char *st = path_of(q->run_dir, d->name, ".xml");
        if (st && d->config)
            state_file_write_runtime(st, failed, sizeof(failed) - 1, 0600);
        else if (st)
            state_file_remove(st);
        free(st);
        goto out;
    }
    size_t have = 0;
    long long deadline = clock_mono_ms() + START_WAIT_MS;
    for (;;) {
        int w = q->ctx.wait_fd(q->ctx.wait_opaque, ready, POLLIN, deadline);
        if (w <= 0) {
            if (w == 0)
                error_report(ERR_OPERATION_TIMEOUT, FROM_QEMU, "%s",
                             "the domain's supervisor did not report");
            goto out;
        }
        ssize_t n = read(ready, line + have, sizeof(line) - 1 - have);
        if (n <= 0)
            break;
        have += (size_t)n;
        if (have >= sizeof(line) - 1)
            break;
    }
    line[have] = '\0';
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = '\0';
    if (strcmp(line, "ok") == 0)
        r = 0;
    else if (*line)
        sup_error_decode(line);
    else
        error_report(ERR_INTERNAL_ERROR, FROM_QEMU, "%s",
                     "the domain's supervisor ended without a word");
out:
    state_lock_release(sup);
    if (ready >= 0)
        close(ready);
    free(l.dom_dir);
    free(l.log_file);
    free(l.domain_xml);
    free(l.volumes);
    free(launch);
    return r;
}

/* ---- the operations ---- */

static int check_flags(unsigned int flags, unsigned int supported)
{
    if (flags & ~supported) {
        error_report(ERR_INVALID_ARG, FROM_QEMU, "unsupported flags (0x%x) in function",
                     flags & ~supported);
        return -1;
    }
    return 0;
}

static int q_lookup_by_name(struct drv_conn *c, const remote_domain_lookup_by_name_args *args,
                            remote_domain_lookup_by_name_ret *ret)
{
    struct qdom d;
    int r = qdom_load_as(qemu_conn_qdrv(c), args->name, &d, true);
    if (r == 0)
        error_report(ERR_NO_DOMAIN, FROM_QEMU, "no domain with matching name '%s'", args->name);
    if (r > 0)
        r = fill_dom(&d, &ret->dom) == 0 ? 1 : -1;
    qdom_clear(&d);
    return r > 0 ? 0 : -1;
}

static int q_lookup_by_uuid(struct drv_conn *c, const remote_domain_lookup_by_uuid_args *args,
                            remote_domain_lookup_by_uuid_ret *ret)
{
    struct qdom d;
    int r = find_uuid_as(qemu_conn_qdrv(c), (const unsigned char *)args->uuid, NULL, &d, true);
    if (r == 0) {
        char u[37];
        uuid_format((const unsigned char *)args->uuid, u);
        error_report(ERR_NO_DOMAIN, FROM_QEMU, "no domain with matching uuid '%s'", u);
    }
    if (r > 0)
        r = fill_dom(&d, &ret->dom) == 0 ? 1 : -1;
    qdom_clear(&d);
    return r > 0 ? 0 : -1;
}

/* Calls fn for every domain, as the files have them now. */
static int each_domain_as(struct qdrv *q, int (*fn)(void *opaque, struct qdom *d), void *opaque,
                          bool light)
{
    char **names;
    size_t n;
    int r = 0;

    list_names(q, &names, &n);
    for (size_t i = 0; i < n && r == 0; i++) {
        struct qdom d;
        int l = qdom_load_as(q, names[i], &d, light);
        if (l > 0)
            r = fn(opaque, &d);
        else if (l < 0)
            error_clear(); /* one unreadable file does not hide the rest */
        qdom_clear(&d);
    }
    free_names(names, n);
    return r;
}

static int each_domain(struct qdrv *q, int (*fn)(void *opaque, struct qdom *d), void *opaque)
{
    return each_domain_as(q, fn, opaque, false);
}

struct by_id {
    int id;
    remote_nonnull_domain *out;
    int found;
};

static int match_id(void *opaque, struct qdom *d)
{
    struct by_id *b = opaque;
    if (!qdom_active(d) || d->id != b->id)
        return 0;
    b->found = 1;
    return fill_dom(d, b->out) < 0 ? -1 : 1;
}

static int q_lookup_by_id(struct drv_conn *c, const remote_domain_lookup_by_id_args *args,
                          remote_domain_lookup_by_id_ret *ret)
{
    struct by_id b = {args->id, &ret->dom, 0};

    if (each_domain_as(qemu_conn_qdrv(c), match_id, &b, true) < 0)
        return -1;
    if (!b.found) {
        error_report(ERR_NO_DOMAIN, FROM_QEMU, "no domain with matching id %d", args->id);
        return -1;
    }
    return 0;
}

struct listing {
    unsigned int flags;
    remote_nonnull_domain *doms;
    size_t n, cap;
    int *ids;
    char **names;
    size_t max;
    int mode; /* 0 all (flags), 1 active ids, 2 inactive names, 3 count active, 4 count inactive */
    struct qdrv *q;
};

static bool autostart_on(struct qdrv *q, const char *name)
{
    char *p = path_of(q->autostart_dir, name, ".xml");
    bool on = p && access(p, F_OK) == 0;
    free(p);
    return on;
}

static bool matches(struct listing *l, struct qdom *d)
{
    unsigned int f = l->flags;
    bool active = qdom_active(d), persistent = d->persistent;

    if ((f & 3) && !((f & 1 && active) || (f & 2 && !active)))
        return false;
    if ((f & 12) && !((f & 4 && persistent) || (f & 8 && !persistent)))
        return false;
    if (f & 0xf0) {
        unsigned int bit = d->state == ST_RUNNING   ? 0x10
                           : d->state == ST_PAUSED  ? 0x20
                           : d->state == ST_SHUTOFF ? 0x40
                                                    : 0x80;
        if (!(f & bit))
            return false;
    }
    if ((f & 0x300) && !(f & 0x200))
        return false;
    if (f & 0xc00) {
        bool on = autostart_on(l->q, d->name);
        if (!((f & 0x400 && on) || (f & 0x800 && !on)))
            return false;
    }
    if ((f & 0x3000) && !(f & 0x2000))
        return false;
    if ((f & 0xc000) && !(f & 0x8000))
        return false;
    return true;
}

static int collect(void *opaque, struct qdom *d)
{
    struct listing *l = opaque;
    bool active = qdom_active(d);

    switch (l->mode) {
    case 0:
        if (!matches(l, d))
            return 0;
        if (l->doms) {
            if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 64;
                remote_nonnull_domain *g = realloc(l->doms, cap * sizeof(*g));
                if (!g)
                    goto oom;
                memset(g + l->cap, 0, (cap - l->cap) * sizeof(*g));
                l->doms = g;
                l->cap = cap;
            }
            if (fill_dom(d, &l->doms[l->n]) < 0)
                return -1;
        }
        l->n++;
        return 0;
    case 1:
        if (active && l->n < l->max)
            l->ids[l->n++] = d->id;
        return 0;
    case 2:
        if (!active && l->n < l->max) {
            if (!(l->names[l->n] = strdup(d->name)))
                goto oom;
            l->n++;
        }
        return 0;
    case 3:
        l->n += active;
        return 0;
    default:
        l->n += !active;
        return 0;
    }
oom:
    error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    return -1;
}

static int q_list_all(struct drv_conn *c, const remote_connect_list_all_domains_args *args,
                      remote_connect_list_all_domains_ret *ret)
{
    struct listing l = {.flags = args->flags, .q = qemu_conn_qdrv(c)};

    if (check_flags(args->flags, 0xffff) < 0)
        return -1;
    if (args->need_results && !(l.doms = calloc(1, sizeof(*l.doms)))) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    l.cap = args->need_results ? 1 : 0;
    int r = each_domain_as(l.q, collect, &l, true);
    ret->ret = (u_int)l.n;
    ret->domains.domains_val = l.doms;
    ret->domains.domains_len = l.doms ? (u_int)l.n : 0;
    return r < 0 ? -1 : 0;
}

static int q_list_domains(struct drv_conn *c, const remote_connect_list_domains_args *args,
                          remote_connect_list_domains_ret *ret)
{
    struct listing l = {.mode = 1, .max = (size_t)args->maxids, .q = qemu_conn_qdrv(c)};
    l.ids = calloc(l.max + 1, sizeof(int));
    if (!l.ids) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    int r = each_domain_as(l.q, collect, &l, true);
    ret->ids.ids_val = l.ids;
    ret->ids.ids_len = (u_int)l.n;
    return r;
}

static int q_list_defined(struct drv_conn *c, const remote_connect_list_defined_domains_args *args,
                          remote_connect_list_defined_domains_ret *ret)
{
    struct listing l = {.mode = 2, .max = (size_t)args->maxnames, .q = qemu_conn_qdrv(c)};
    l.names = calloc(l.max + 1, sizeof(char *));
    if (!l.names) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        return -1;
    }
    int r = each_domain_as(l.q, collect, &l, true);
    ret->names.names_val = l.names;
    ret->names.names_len = (u_int)l.n;
    return r;
}

static int q_num_of_domains(struct drv_conn *c, remote_connect_num_of_domains_ret *ret)
{
    struct listing l = {.mode = 3, .q = qemu_conn_qdrv(c)};
    int r = each_domain_as(l.q, collect, &l, true);
    ret->num = (int)l.n;
    return r;
}

static int q_num_of_defined(struct drv_conn *c, remote_connect_num_of_defined_domains_ret *ret)
{
    struct listing l = {.mode = 4, .q = qemu_conn_qdrv(c)};
    int r = each_domain_as(l.q, collect, &l, true);
    ret->num = (int)l.n;
    return r;
}

/* ---- define and undefine ---- */

static int write_config(struct qdrv *q, const struct dx_def *def)
{
    char *xml = dx_def_format(def, -1), *path = path_of(q->conf_dir, def->name, ".xml");
    size_t n = strlen(config_warning) + strlen(def->name) + (xml ? strlen(xml) : 0) + 1;
    char *text = malloc(n);
    int r = -1;

    if (xml && path && text) {
        int k = snprintf(text, n, config_warning, def->name);
        memcpy(text + k, xml, strlen(xml) + 1);
        r = state_file_write(path, text, strlen(text), 0600);
    } else {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    }
    free(xml);
    free(path);
    free(text);
    return r;
}

struct dup_check {
    const struct dx_def *def;
    int found; /* 1: same name, same uuid */
};

static int check_dup(void *opaque, struct qdom *d)
{
    struct dup_check *k = opaque;
    char u[37];
    bool same_uuid = memcmp(d->uuid, k->def->uuid, DRV_UUID_LEN) == 0;
    bool same_name = strcmp(d->name, k->def->name) == 0;

    /* virDomainObjListAdd's errors: the domain configuration's */
    if (same_uuid && !same_name) {
        uuid_format(d->uuid, u);
        error_report(ERR_OPERATION_FAILED, FROM_DOMAIN,
                     "domain '%s' is already defined with uuid %s", d->name, u);
        return -1;
    }
    if (same_name && !same_uuid) {
        uuid_format(d->uuid, u);
        error_report(ERR_OPERATION_FAILED, FROM_DOMAIN, "domain '%s' already exists with uuid %s",
                     d->name, u);
        return -1;
    }
    if (same_name)
        k->found = 1;
    return 0;
}

static int define(struct qdrv *q, const char *xml, unsigned int flags, remote_nonnull_domain *out)
{
    struct dx_def *def;
    struct dup_check k = {0};
    struct qdom d;
    struct state_lock *lock = NULL;
    int r = -1;

    /* VIR_DOMAIN_DEFINE_VALIDATE: libvirt's schema first. */
    if (check_flags(flags, 0x1) < 0 ||
        ((flags & 0x1) && xml_validate_text(xml, "(domain_definition)", "domain", "domain.rng",
                                            FROM_DOMAIN) < 0) ||
        !(def = dx_def_parse_string_env(xml, qdrv_env(q))))
        return -1;
    if (qemu_validate(def, QEMU_VALIDATE_DEFINE) < 0 ||
        !(lock = driver_lock(q, flags ? "remoteDispatchDomainDefineXMLFlags"
                                      : "remoteDispatchDomainDefineXML")))
        goto out;
    k.def = def;
    if (each_domain_as(q, check_dup, &k, true) < 0)
        goto out;
    if (!k.found) {
        /* A new domain: a last state left by an undefine that died before
         * it removed it is not this domain's. */
        char *st = path_of(q->run_dir, def->name, ".xml");
        if (!st || state_file_remove(st) < 0) {
            free(st);
            goto out;
        }
        free(st);
    }
    if (write_config(q, def) < 0)
        goto out;
    if (qdom_load(q, def->name, &d) > 0) {
        r = fill_dom(&d, out);
        qdom_clear(&d);
    }
    if (r == 0)
        emit(q, def->name, def->uuid, -1, EV_DEFINED,
             k.found ? EV_DEFINED_UPDATED : EV_DEFINED_ADDED);
out:
    state_lock_release(lock);
    dx_def_free(def);
    return r;
}

static int q_define(struct drv_conn *c, const remote_domain_define_xml_args *args,
                    remote_domain_define_xml_ret *ret)
{
    return define(qemu_conn_qdrv(c), args->xml, 0, &ret->dom);
}

static int q_define_flags(struct drv_conn *c, const remote_domain_define_xml_flags_args *args,
                          remote_domain_define_xml_flags_ret *ret)
{
    return define(qemu_conn_qdrv(c), args->xml, args->flags, &ret->dom);
}

static int undefine(struct qdrv *q, const remote_nonnull_domain *dom, unsigned int flags)
{
    struct qdom d;
    struct state_lock *lock;
    int r = -1;

    /* managed save, snapshot metadata, nvram, keep nvram, checkpoints, tpm */
    if (check_flags(flags, 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x40) < 0)
        return -1;
    if (!(lock = driver_lock(q, flags ? "remoteDispatchDomainUndefineFlags"
                                      : "remoteDispatchDomainUndefine")))
        return -1;
    if (get_dom(q, dom, &d) < 0)
        goto out;
    if (!d.config) {
        error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s", "cannot undefine transient domain");
        goto out_dom;
    }
    char *cfg = path_of(q->conf_dir, d.name, ".xml"), *link = path_of(q->autostart_dir, d.name, ".xml");
    /* The autostart link first: a link without its config is never left. */
    if (cfg && link && state_file_remove(link) == 0 && state_file_remove(cfg) == 0)
        r = 0;
    if (r == 0 && !qdom_active(&d)) {
        /* Its last state goes with it. */
        char *st = path_of(q->run_dir, d.name, ".xml");
        if (st && state_file_remove(st) < 0)
            error_clear();
        free(st);
    }
    free(cfg);
    free(link);
    if (r == 0)
        emit(q, d.name, d.uuid, -1, EV_UNDEFINED, EV_UNDEFINED_REMOVED);
out_dom:
    qdom_clear(&d);
out:
    state_lock_release(lock);
    return r;
}

static int q_undefine(struct drv_conn *c, const remote_domain_undefine_args *args)
{
    return undefine(qemu_conn_qdrv(c), &args->dom, 0);
}

static int q_undefine_flags(struct drv_conn *c, const remote_domain_undefine_flags_args *args)
{
    return undefine(qemu_conn_qdrv(c), &args->dom, args->flags);
}

/* ---- start, create ---- */

static int create(struct qdrv *q, const remote_nonnull_domain *dom, unsigned int flags,
                  const char *owner)
{
    struct qdom d;
    struct state_lock *lock;
    int r = -1;

    /* paused, autodestroy, bypass cache, force boot, validate, reset nvram */
    if (check_flags(flags, 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20) < 0)
        return -1;
    if (!(lock = lock_dom(q, dom, &d, owner)))
        return -1;
    if (qdom_active(&d))
        error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s", "domain is already running");
    else
        r = start(q, &d, d.config, (flags & 0x1) != 0, &lock);
    qdom_clear(&d);
    state_lock_release(lock);
    return r;
}

static int q_create(struct drv_conn *c, const remote_domain_create_args *args)
{
    return create(qemu_conn_qdrv(c), &args->dom, 0, "remoteDispatchDomainCreate");
}

static int q_create_with_flags(struct drv_conn *c, const remote_domain_create_with_flags_args *args,
                               remote_domain_create_with_flags_ret *ret)
{
    struct qdrv *q = qemu_conn_qdrv(c);
    struct qdom d;

    if (create(q, &args->dom, args->flags, "remoteDispatchDomainCreateWithFlags") < 0)
        return -1;
    if (get_dom(q, &args->dom, &d) < 0)
        return -1;
    int r = fill_dom(&d, &ret->dom);
    qdom_clear(&d);
    return r;
}

static int q_create_xml(struct drv_conn *c, const remote_domain_create_xml_args *args,
                        remote_domain_create_xml_ret *ret)
{
    struct qdrv *q = qemu_conn_qdrv(c);
    struct dx_def *def;
    struct qdom d = {0};
    struct state_lock *lock = NULL;
    int r = -1;

    /* 0x10: VIR_DOMAIN_START_VALIDATE */
    if (check_flags(args->flags, 0x1 | 0x2 | 0x4 | 0x10) < 0 ||
        ((args->flags & 0x10) && xml_validate_text(args->xml_desc, "(domain_definition)",
                                                   "domain", "domain.rng", FROM_DOMAIN) < 0) ||
        !(def = dx_def_parse_string_env(args->xml_desc, qdrv_env(q))))
        return -1;
    if (qemu_validate(def, QEMU_VALIDATE_DEFINE) < 0 ||
        !(lock = job_lock(q, def->name, "remoteDispatchDomainCreateXML")))
        goto out;
    int l = qdom_load(q, def->name, &d);
    if (l < 0)
        goto out;
    if (l > 0 && memcmp(d.uuid, def->uuid, DRV_UUID_LEN) != 0) {
        char u[37];
        uuid_format(d.uuid, u);
        error_report(ERR_OPERATION_FAILED, FROM_DOMAIN, "domain '%s' already exists with uuid %s",
                     d.name, u);
        goto out;
    }
    if (l > 0 && qdom_active(&d)) {
        error_report(ERR_OPERATION_INVALID, FROM_DOMAIN, "domain '%s' is already active", d.name);
        goto out;
    }
    if (l == 0 && !(d.name = strdup(def->name))) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        goto out;
    }
    memcpy(d.uuid, def->uuid, DRV_UUID_LEN);
    if (start(q, &d, def, (args->flags & 0x1) != 0, &lock) < 0)
        goto out;
    qdom_clear(&d);
    if (qdom_load(q, def->name, &d) > 0)
        r = fill_dom(&d, &ret->dom);
out:
    qdom_clear(&d);
    state_lock_release(lock);
    dx_def_free(def);
    return r;
}

/* ---- changes to a running domain ---- */

/* A request to a running domain's supervisor, under its job lock taken
 * for the API owner. */
static int simple_request(struct drv_conn *c, const remote_nonnull_domain *dom, const char *what,
                          const char *owner)
{
    struct qdrv *q = qemu_conn_qdrv(c);
    struct qdom d;
    struct state_lock *lock = lock_dom(q, dom, &d, owner);
    int r = -1;

    if (!lock)
        return -1;
    if (need_active_from(&d, strcmp(what, "powerdown") == 0 ? FROM_QEMU : FROM_DOMAIN) < 0)
        ;
    else if (strcmp(what, "resume") == 0 && d.state == ST_RUNNING)
        /* qemuDomainResume's own check */
        error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s", "domain is already running");
    else
        r = request(q, &d, what, NULL);
    qdom_clear(&d);
    state_lock_release(lock);
    return r;
}

static int q_suspend(struct drv_conn *c, const remote_domain_suspend_args *args)
{
    return simple_request(c, &args->dom, "suspend", "remoteDispatchDomainSuspend");
}

static int q_resume(struct drv_conn *c, const remote_domain_resume_args *args)
{
    return simple_request(c, &args->dom, "resume", "remoteDispatchDomainResume");
}

static int q_shutdown(struct drv_conn *c, const remote_domain_shutdown_args *args)
{
    return simple_request(c, &args->dom, "powerdown", "remoteDispatchDomainShutdown");
}

static int q_shutdown_flags(struct drv_conn *c, const remote_domain_shutdown_flags_args *args)
{
    /* default, ACPI power button; the guest agent is not supported */
    if (args->flags & ~0x1u) {
        error_report(ERR_ARGUMENT_UNSUPPORTED, FROM_QEMU, "%s",
                     "only the ACPI power button shutdown method is supported");
        return -1;
    }
    return simple_request(c, &args->dom, "powerdown", "remoteDispatchDomainShutdownFlags");
}

static int q_reboot(struct drv_conn *c, const remote_domain_reboot_args *args)
{
    if (args->flags & ~0x1u) {
        error_report(ERR_ARGUMENT_UNSUPPORTED, FROM_QEMU, "%s",
                     "only the ACPI power button reboot method is supported");
        return -1;
    }
    return simple_request(c, &args->dom, "reboot", "remoteDispatchDomainReboot");
}

/* libvirt's destroy does not queue behind a job stuck on QEMU (a monitor
 * that never answers): it kills QEMU first, which ends that job, and only
 * then takes the job. Here: a destroy waits DESTROY_JOB_WAIT_MS for the
 * job lock, as short jobs (a suspend, a resume) end well within it; a
 * running domain whose job is still busy then is destroyed by its
 * supervisor at once (the stuck call gets the monitor's error when QEMU is
 * gone). Otherwise, or when that fails, the usual way, under the job
 * lock. */
static int destroy(struct drv_conn *c, const remote_nonnull_domain *dom, unsigned int flags,
                   const char *owner)
{
    struct qdrv *q = qemu_conn_qdrv(c);
    const char *what = flags & 0x1 ? "destroy-graceful" : "destroy";
    struct state_lock *lock = NULL;
    struct qdom d;
    int busy;

    if (check_flags(flags, 0x1 | 0x2) < 0 || get_dom(q, dom, &d) < 0)
        return -1;
    char *path = path_of(q->run_dir, d.name, ".job");
    busy = !path ? -1
           : state_lock_acquire(path, owner, DESTROY_JOB_WAIT_MS, wait_loop, q, &lock) == 0 ? 1
           : error_last() && error_last()->code == ERR_OPERATION_TIMEOUT ? 0
                                                                         : -1;
    free(path);
    if (busy == 1) {
        /* Free: the usual way, with the lock held. */
        int r = -1;
        if (!(lock = reload_locked(q, dom, &d, lock)))
            return -1;
        if (need_active(&d) == 0)
            r = request(q, &d, what, NULL);
        qdom_clear(&d);
        state_lock_release(lock);
        return r;
    }
    if (busy == 0)
        error_clear();
    if (busy == 0 && qdom_active(&d)) {
        if (request(q, &d, what, NULL) == 0) {
            qdom_clear(&d);
            return 0;
        }
        error_clear(); /* gone meanwhile: the usual way says what it is now */
    }
    qdom_clear(&d);
    if (busy < 0)
        return -1;
    return simple_request(c, dom, what, owner);
}

static int q_destroy(struct drv_conn *c, const remote_domain_destroy_args *args)
{
    return destroy(c, &args->dom, 0, "remoteDispatchDomainDestroy");
}

static int q_destroy_flags(struct drv_conn *c, const remote_domain_destroy_flags_args *args)
{
    return destroy(c, &args->dom, args->flags, "remoteDispatchDomainDestroyFlags");
}

/* ---- reading ---- */

/* utime and stime of /proc/PID/stat or /proc/PID/task/TID/stat, in ns. */
static int proc_times(const char *path, unsigned long long *user, unsigned long long *sys)
{
    char buf[1024];
    unsigned long long ut, st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    long hz = sysconf(_SC_CLK_TCK);
    unsigned long long tick = 1000000000ull / (unsigned long long)(hz > 0 ? hz : 100);
    *user = ut * tick;
    *sys = st * tick;
    return 0;
}

/* QEMU's CPU time from /proc, in nanoseconds (0 when unknown). */
static unsigned long long cpu_time_ns(int pid)
{
    char path[64];
    unsigned long long user, sys;

    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    return proc_times(path, &user, &sys) == 0 ? user + sys : 0;
}

static int q_get_info(struct drv_conn *c, const remote_domain_get_info_args *args,
                      remote_domain_get_info_ret *ret)
{
    struct qdom d;

    if (get_dom(qemu_conn_qdrv(c), &args->dom, &d) < 0)
        return -1;
    const struct dx_def *def = current_def(&d);
    ret->state = (u_char)d.state;
    ret->max_mem = def->max_kib;
    ret->memory = def->cur_kib;
    ret->nr_virt_cpu = (u_short)def->vcpus;
    ret->cpu_time = qdom_active(&d) ? cpu_time_ns(d.st.qemu_pid) : 0;
    qdom_clear(&d);
    return 0;
}

static int q_get_state(struct drv_conn *c, const remote_domain_get_state_args *args,
                       remote_domain_get_state_ret *ret)
{
    struct qdom d;

    if (check_flags(args->flags, 0) < 0 || get_dom_as(qemu_conn_qdrv(c), &args->dom, &d, true) < 0)
        return -1;
    ret->state = d.state;
    ret->reason = d.reason;
    qdom_clear(&d);
    return 0;
}

static int q_get_xml_desc(struct drv_conn *c, const remote_domain_get_xml_desc_args *args,
                          remote_domain_get_xml_desc_ret *ret)
{
    struct qdom d;

    /* secure, inactive, update cpu, migratable */
    if (check_flags(args->flags, 0xf) < 0 || get_dom(qemu_conn_qdrv(c), &args->dom, &d) < 0)
        return -1;
    bool inactive = (args->flags & 0x2) != 0;
    if (qdom_active(&d) && !inactive && d.st.domain_xml) {
        /* The live XML, as its supervisor wrote it. */
        ret->xml = strdup(d.st.domain_xml);
        if (!ret->xml)
            error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    } else if (qdom_active(&d) && !d.config && d.st.inactive_xml) {
        /* A transient domain's: its live XML without this run's facts. */
        ret->xml = strdup(d.st.inactive_xml);
        if (!ret->xml)
            error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    } else {
        /* The persistent config (or, while a status has no live XML yet,
         * the definition it starts from). */
        const struct dx_def *def = inactive && d.config ? d.config : current_def(&d);
        ret->xml = dx_def_format(def, qdom_active(&d) && !inactive ? d.id : -1);
    }
    if (ret->xml && (args->flags & 0x8)) {
        /* Migratable: a running domain's CPU as it was defined. */
        const char *defined = qdom_active(&d) && !inactive ? d.st.def_xml : NULL;
        char *m = qemu_xml_migratable(ret->xml, defined);
        free(ret->xml);
        ret->xml = m;
    }
    qdom_clear(&d);
    return ret->xml ? 0 : -1;
}

static int q_get_os_type(struct drv_conn *c, const remote_domain_get_os_type_args *args,
                         remote_domain_get_os_type_ret *ret)
{
    struct qdom d;
    if (get_dom(qemu_conn_qdrv(c), &args->dom, &d) < 0)
        return -1;
    int r = drv_string(&ret->type, current_def(&d)->os_type);
    qdom_clear(&d);
    return r;
}

static int q_get_max_memory(struct drv_conn *c, const remote_domain_get_max_memory_args *args,
                            remote_domain_get_max_memory_ret *ret)
{
    struct qdom d;
    if (get_dom(qemu_conn_qdrv(c), &args->dom, &d) < 0)
        return -1;
    ret->memory = current_def(&d)->max_kib;
    qdom_clear(&d);
    return 0;
}

static int q_is_active(struct drv_conn *c, const remote_domain_is_active_args *args,
                       remote_domain_is_active_ret *ret)
{
    struct qdom d;
    if (get_dom(qemu_conn_qdrv(c), &args->dom, &d) < 0)
        return -1;
    ret->active = qdom_active(&d);
    qdom_clear(&d);
    return 0;
}

static int q_is_persistent(struct drv_conn *c, const remote_domain_is_persistent_args *args,
                           remote_domain_is_persistent_ret *ret)
{
    struct qdom d;
    if (get_dom(qemu_conn_qdrv(c), &args->dom, &d) < 0)
        return -1;
    ret->persistent = d.config != NULL;
    qdom_clear(&d);
    return 0;
}

/* qemuDomainIsUpdated answers virDomainObj's `updated` bit, which none of
 * the calls this driver serves sets in real libvirt 9.0: python.sh sees 0
 * for an inactive, a running, a transient domain and after a config change
 * of a running one. The domain must exist. */
static int q_is_updated(struct drv_conn *c, const remote_domain_is_updated_args *args,
                        remote_domain_is_updated_ret *ret)
{
    struct qdom d;
    if (get_dom(qemu_conn_qdrv(c), &args->dom, &d) < 0)
        return -1;
    ret->updated = 0;
    qdom_clear(&d);
    return 0;
}

static int q_has_managed_save(struct drv_conn *c,
                              const remote_domain_has_managed_save_image_args *args,
                              remote_domain_has_managed_save_image_ret *ret)
{
    struct qdom d;
    if (check_flags(args->flags, 0) < 0 || get_dom(qemu_conn_qdrv(c), &args->dom, &d) < 0)
        return -1;
    ret->result = 0;
    qdom_clear(&d);
    return 0;
}

static int q_get_autostart(struct drv_conn *c, const remote_domain_get_autostart_args *args,
                           remote_domain_get_autostart_ret *ret)
{
    struct qdrv *q = qemu_conn_qdrv(c);
    struct qdom d;
    if (get_dom(q, &args->dom, &d) < 0)
        return -1;
    ret->autostart = autostart_on(q, d.name);
    qdom_clear(&d);
    return 0;
}

static int q_set_autostart(struct drv_conn *c, const remote_domain_set_autostart_args *args)
{
    struct qdrv *q = qemu_conn_qdrv(c);
    struct qdom d;
    int r = -1;

    if (get_dom(q, &args->dom, &d) < 0)
        return -1;
    if (!d.config) {
        error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s",
                     "cannot set autostart for transient domain");
        qdom_clear(&d);
        return -1;
    }
    char *link = path_of(q->autostart_dir, d.name, ".xml"), *cfg = path_of(q->conf_dir, d.name, ".xml");
    if (link && cfg) {
        if (!args->autostart) {
            r = state_file_remove(link);
        } else if (state_file_mkdirs(q->autostart_dir, 0755) == 0) {
            r = symlink(cfg, link) == 0 || errno == EEXIST ? 0 : -1;
            if (r < 0)
                error_report(ERR_SYSTEM_ERROR, FROM_QEMU,
                             "Failed to create autostart link '%s': %s", link, strerror(errno));
        }
    }
    free(link);
    free(cfg);
    qdom_clear(&d);
    return r;
}

static int q_get_security_label(struct drv_conn *c,
                                const remote_domain_get_security_label_args *args,
                                remote_domain_get_security_label_ret *ret)
{
    struct qdom d;
    if (get_dom(qemu_conn_qdrv(c), &args->dom, &d) < 0)
        return -1;
    /* security_driver = "none": no label. */
    ret->enforcing = 0;
    qdom_clear(&d);
    return 0;
}

static int q_get_messages(struct drv_conn *c, const remote_domain_get_messages_args *args,
                          remote_domain_get_messages_ret *ret)
{
    struct qdom d;
    if (check_flags(args->flags, 0x3) < 0 || get_dom(qemu_conn_qdrv(c), &args->dom, &d) < 0)
        return -1;
    int r = 0;
    /* QEMU runs with the daemon's privileges, as libvirt's with user = "root". */
    if (qdom_active(&d) && geteuid() == 0 && (!args->flags || args->flags & 0x1)) {
        ret->msgs.msgs_val = calloc(1, sizeof(char *));
        r = ret->msgs.msgs_val ? drv_string(&ret->msgs.msgs_val[0],
                                           "tainted: running with undesirable elevated privileges")
                               : -1;
        if (r == 0)
            ret->msgs.msgs_len = 1;
        else if (!ret->msgs.msgs_val)
            error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
    }
    qdom_clear(&d);
    return r;
}

static int q_get_vcpus_flags(struct drv_conn *c, const remote_domain_get_vcpus_flags_args *args,
                             remote_domain_get_vcpus_flags_ret *ret)
{
    struct qdom d;
    /* live, config, maximum, guest */
    if (check_flags(args->flags, 0x1 | 0x2 | 0x4 | 0x8) < 0 ||
        get_dom(qemu_conn_qdrv(c), &args->dom, &d) < 0)
        return -1;
    /* virDomainObjGetOneDef: which definition, with its errors */
    int r = -1;
    bool live = args->flags & 0x1, config = args->flags & 0x2;
    if (live && config) {
        error_report(ERR_INVALID_ARG, FROM_DOMAIN, "%s",
                     "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually "
                     "exclusive");
        goto out;
    }
    if (!live && !config) {
        live = qdom_active(&d);
        config = !live;
    }
    if (live && need_active(&d) < 0)
        goto out;
    if (config && !d.config) {
        error_report(ERR_OPERATION_INVALID, FROM_DOMAIN, "%s",
                     "transient domains do not have any persistent config");
        goto out;
    }
    const struct dx_def *def = config ? d.config : current_def(&d);
    ret->num = (int)(args->flags & 0x4 ? def->vcpus_max : def->vcpus);
    r = 0;
out:
    qdom_clear(&d);
    return r;
}

/* virDomainGetMaxVcpus: qemuDomainGetMaxVcpus asks for the live maximum. */
static int q_get_max_vcpus(struct drv_conn *c, const remote_domain_get_max_vcpus_args *args,
                           remote_domain_get_max_vcpus_ret *ret)
{
    remote_domain_get_vcpus_flags_args a = {.dom = args->dom, .flags = 0x1 | 0x4};
    remote_domain_get_vcpus_flags_ret r = {0};
    if (q_get_vcpus_flags(c, &a, &r) < 0)
        return -1;
    ret->num = r.num;
    return 0;
}

/* ---- memory and vCPUs of the definition ---- */

/* virDomainModificationImpact and the flags of the calls below. */
enum { AFFECT_LIVE = 1, AFFECT_CONFIG = 2, MEM_MAXIMUM = 4, VCPU_MAXIMUM = 4, VCPU_GUEST = 8,
       VCPU_HOTPLUGGABLE = 16 };

/* Which definitions flags affect (AFFECT_CURRENT: the live one of an
 * active domain, else the persistent one), with libvirt's errors. */
static int affected(const struct qdom *d, unsigned int flags, bool *live, bool *config)
{
    if (!(flags & (AFFECT_LIVE | AFFECT_CONFIG)))
        flags |= qdom_active(d) ? AFFECT_LIVE : AFFECT_CONFIG;
    *live = flags & AFFECT_LIVE;
    *config = flags & AFFECT_CONFIG;
    if (*live && need_active(d) < 0)
        return -1;
    if (*config && !d->config) {
        error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s",
                     "cannot change persistent config of a transient domain");
        return -1;
    }
    return 0;
}

static int set_memory(struct drv_conn *c, const remote_nonnull_domain *dom, uint64_t kib,
                      unsigned int flags, const char *api)
{
    struct qdrv *q = qemu_conn_qdrv(c);
    struct qdom d;
    bool live, config;
    int r = -1;

    if (drv_nonzero(kib, "memory", api) < 0)
        return -1;
    if (check_flags(flags, AFFECT_LIVE | AFFECT_CONFIG | MEM_MAXIMUM) < 0)
        return -1;
    if (kib > UINT64_MAX / 2048) {
        error_report(ERR_OVERFLOW, FROM_DOMAIN, "%s", "size value too large");
        return -1;
    }
    /* libvirt names a job by the server's dispatcher of the API */
    char owner[96];
    snprintf(owner, sizeof(owner), "remoteDispatchDomain%s", api + strlen("virDomain"));
    struct state_lock *lock = lock_dom(q, dom, &d, owner);
    if (!lock)
        return -1;
    if (affected(&d, flags, &live, &config) < 0)
        goto out;
    if (flags & MEM_MAXIMUM) {
        if (live) {
            error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s",
                         "cannot resize the maximum memory on an active domain");
            goto out;
        }
        d.config->max_kib = kib;
        if (d.config->cur_kib > kib)
            d.config->cur_kib = kib;
        r = write_config(q, d.config);
        goto out;
    }
    if ((live && kib > d.live->max_kib) || (config && kib > d.config->max_kib)) {
        error_report(ERR_INVALID_ARG, FROM_QEMU, "%s", "cannot set memory higher than max memory");
        goto out;
    }
    if (live) {
        /* Changing a running guest's memory is the balloon's job. */
        if (!d.live->balloon_model || strcmp(d.live->balloon_model, "none") == 0)
            error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s",
                         "Unable to change memory of active domain without the balloon device "
                         "and guest OS balloon driver");
        else
            error_report(ERR_OPERATION_UNSUPPORTED, FROM_QEMU, "%s",
                         "changing the memory of a running domain (the balloon) is not "
                         "supported by this QEMU driver yet");
        goto out;
    }
    d.config->cur_kib = kib;
    r = write_config(q, d.config);
out:
    qdom_clear(&d);
    state_lock_release(lock);
    return r;
}

static int q_set_max_memory(struct drv_conn *c, const remote_domain_set_max_memory_args *args)
{
    return set_memory(c, &args->dom, args->memory, MEM_MAXIMUM, "virDomainSetMaxMemory");
}

static int q_set_memory(struct drv_conn *c, const remote_domain_set_memory_args *args)
{
    return set_memory(c, &args->dom, args->memory, AFFECT_LIVE, "virDomainSetMemory");
}

static int q_set_memory_flags(struct drv_conn *c, const remote_domain_set_memory_flags_args *args)
{
    return set_memory(c, &args->dom, args->memory, args->flags, "virDomainSetMemoryFlags");
}

static int set_vcpus(struct drv_conn *c, const remote_nonnull_domain *dom, unsigned int n,
                     unsigned int flags, const char *api)
{
    struct qdrv *q = qemu_conn_qdrv(c);
    struct qdom d;
    bool live, config;
    int r = -1;

    if (drv_nonzero(n, "nvcpus", api) < 0)
        return -1;
    if ((flags & VCPU_MAXIMUM) && !(flags & AFFECT_CONFIG)) {
        error_set_message(ERR_INVALID_ARG, FROM_DOMAIN,
                          "Flag 'VIR_DOMAIN_AFFECT_CONFIG' is required by flag "
                          "'VIR_DOMAIN_VCPU_MAXIMUM'");
        return -1;
    }
    if (check_flags(flags, AFFECT_LIVE | AFFECT_CONFIG | VCPU_MAXIMUM | VCPU_GUEST |
                               VCPU_HOTPLUGGABLE) < 0)
        return -1;
    if (flags & VCPU_GUEST) {
        error_report(ERR_OPERATION_UNSUPPORTED, FROM_QEMU, "%s",
                     "setting the guest's vCPUs needs the guest agent, which this QEMU driver "
                     "does not support");
        return -1;
    }
    if (n > DX_VCPUS_MAX) {
        error_report(ERR_INVALID_ARG, FROM_QEMU, "requested vcpus %u is more than the limit of %d",
                     n, DX_VCPUS_MAX);
        return -1;
    }
    /* libvirt names a job by the server's dispatcher of the API */
    char owner[96];
    snprintf(owner, sizeof(owner), "remoteDispatchDomain%s", api + strlen("virDomain"));
    struct state_lock *lock = lock_dom(q, dom, &d, owner);
    if (!lock)
        return -1;
    if (affected(&d, flags, &live, &config) < 0)
        goto out;
    if (live) {
        if (n > d.live->vcpus_max) {
            error_report(ERR_INVALID_ARG, FROM_QEMU,
                         "requested vcpus is greater than max allowable vcpus for the live "
                         "domain: %u > %u",
                         n, d.live->vcpus_max);
            goto out;
        }
        if (n != d.live->vcpus) {
            error_report(ERR_OPERATION_UNSUPPORTED, FROM_QEMU, "%s",
                         "adding or removing the vCPUs of a running domain is not supported by "
                         "this QEMU driver yet");
            goto out;
        }
    }
    if (config && !(flags & VCPU_MAXIMUM) && n > d.config->vcpus_max) {
        error_report(ERR_INVALID_ARG, FROM_QEMU,
                     "requested vcpus is greater than max allowable vcpus for the persistent "
                     "domain: %u > %u",
                     n, d.config->vcpus_max);
        goto out;
    }
    if (!config) {
        r = 0;
        goto out;
    }
    if (flags & VCPU_MAXIMUM) {
        d.config->vcpus_max = n;
        if (d.config->vcpus > n)
            d.config->vcpus = n;
    } else {
        d.config->vcpus = n;
    }
    r = write_config(q, d.config);
out:
    qdom_clear(&d);
    state_lock_release(lock);
    return r;
}

static int q_set_vcpus(struct drv_conn *c, const remote_domain_set_vcpus_args *args)
{
    return set_vcpus(c, &args->dom, args->nvcpus, AFFECT_LIVE, "virDomainSetVcpus");
}

static int q_set_vcpus_flags(struct drv_conn *c, const remote_domain_set_vcpus_flags_args *args)
{
    return set_vcpus(c, &args->dom, args->nvcpus, args->flags, "virDomainSetVcpusFlags");
}

static int q_reset(struct drv_conn *c, const remote_domain_reset_args *args)
{
    if (check_flags(args->flags, 0) < 0)
        return -1;
    return simple_request(c, &args->dom, "reset", "remoteDispatchDomainReset");
}

/* ---- statistics, from /proc (as libvirt reads them without cgroups) ---- */

/* A small text file read whole (at most 4 KiB), or -1. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, len - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n >= 0)
        buf[n] = '\0';
    return n;
}

/* VmRSS of a process, in KiB (0 when unknown). */
static unsigned long long rss_kib(int pid)
{
    char path[64], buf[4096];
    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    if (read_small(path, buf, sizeof(buf)) <= 0)
        return 0;
    char *p = strstr(buf, "\nVmRSS:");
    return p ? strtoull(p + 7, NULL, 10) : 0;
}

/* The thread of vCPU index of QEMU (named "CPU N/TCG" or "CPU N/KVM" with
 * debug-threads=on), or 0. */
static int vcpu_thread(int pid, unsigned int index)
{
    char path[64], want[32], comm[64];
    int found = 0;

    snprintf(path, sizeof(path), "/proc/%d/task", pid);
    snprintf(want, sizeof(want), "CPU %u/", index);
    DIR *dir = opendir(path);
    struct dirent *e;
    while (dir && !found && (e = readdir(dir))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        char p[320];
        snprintf(p, sizeof(p), "/proc/%d/task/%s/comm", pid, e->d_name);
        if (read_small(p, comm, sizeof(comm)) > 0 && strncmp(comm, want, strlen(want)) == 0)
            found = atoi(e->d_name);
    }
    if (dir)
        closedir(dir);
    return found;
}

static int q_memory_stats(struct drv_conn *c, const remote_domain_memory_stats_args *args,
                          remote_domain_memory_stats_ret *ret)
{
    enum { STAT_ACTUAL_BALLOON = 6, STAT_RSS = 7 };
    struct qdom d;
    int r = -1;

    if (check_flags(args->flags, 0) < 0 || get_dom(qemu_conn_qdrv(c), &args->dom, &d) < 0)
        return -1;
    if (need_active(&d) < 0)
        goto out;
    remote_domain_memory_stat *s = calloc(2, sizeof(*s));
    if (!s) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        goto out;
    }
    u_int n = 0;
    /* Without a balloon there is nothing to ask the guest: only the host's
     * view (what libvirt answers then). */
    const char *balloon = d.live ? d.live->balloon_model : NULL;
    if (balloon && strcmp(balloon, "none") != 0 && n < args->maxStats) {
        s[n].tag = STAT_ACTUAL_BALLOON;
        s[n++].val = d.live->cur_kib ? d.live->cur_kib : d.live->max_kib;
    }
    if (n < args->maxStats) {
        s[n].tag = STAT_RSS;
        s[n++].val = rss_kib(d.st.qemu_pid);
    }
    ret->stats.stats_val = s;
    ret->stats.stats_len = n;
    r = 0;
out:
    qdom_clear(&d);
    return r;
}

/* A typed-parameter list being filled. */
struct params {
    remote_typed_param *p;
    u_int n, cap;
    bool failed;
};

static remote_typed_param *param_add(struct params *l, const char *field, int type)
{
    if (l->failed)
        return NULL;
    if (l->n == l->cap) {
        u_int cap = l->cap ? l->cap * 2 : 16;
        remote_typed_param *g = cap <= REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX
                                    ? realloc(l->p, cap * sizeof(*g))
                                    : NULL;
        if (!g) {
            l->failed = true;
            return NULL;
        }
        l->p = g;
        l->cap = cap;
    }
    remote_typed_param *t = &l->p[l->n];
    memset(t, 0, sizeof(*t));
    if (!(t->field = strdup(field))) {
        l->failed = true;
        return NULL;
    }
    l->n++;
    t->value.type = type;
    return t;
}

static void param_int(struct params *l, const char *field, int v)
{
    remote_typed_param *t = param_add(l, field, VIR_TYPED_PARAM_INT);
    if (t)
        t->value.remote_typed_param_value_u.i = v;
}

static void param_uint(struct params *l, const char *field, unsigned int v)
{
    remote_typed_param *t = param_add(l, field, VIR_TYPED_PARAM_UINT);
    if (t)
        t->value.remote_typed_param_value_u.ui = v;
}

static void param_ullong(struct params *l, const char *field, unsigned long long v)
{
    remote_typed_param *t = param_add(l, field, VIR_TYPED_PARAM_ULLONG);
    if (t)
        t->value.remote_typed_param_value_u.ul = v;
}

static void param_string(struct params *l, const char *field, const char *v)
{
    remote_typed_param *t = param_add(l, field, VIR_TYPED_PARAM_STRING);
    if (t && !(t->value.remote_typed_param_value_u.s = strdup(v)))
        l->failed = true;
}

/* virDomainStatsTypes */
enum { STATS_STATE = 1, STATS_CPU_TOTAL = 2, STATS_BALLOON = 4, STATS_VCPU = 8,
       STATS_INTERFACE = 16, STATS_BLOCK = 32, STATS_PERF = 64, STATS_IOTHREAD = 128,
       STATS_MEMORY = 256, STATS_DIRTYRATE = 512, STATS_VM = 1024, STATS_ALL = 2047 };

/* One domain's record, the groups in libvirt's order. */
static void domain_stats(const struct qdom *d, unsigned int groups, struct params *l)
{
    const struct dx_def *def = current_def(d);
    bool active = qdom_active(d);
    int pid = active ? d->st.qemu_pid : 0;
    unsigned long long user = 0, sys = 0;
    char path[128], field[64];

    if (groups & STATS_STATE) {
        param_int(l, "state.state", d->state);
        param_int(l, "state.reason", d->reason);
    }
    if (groups & STATS_CPU_TOTAL) {
        /* Of an inactive domain real libvirt 9.0 reports the times of the
         * process asking (its own /proc/self): so do we. */
        if (pid)
            snprintf(path, sizeof(path), "/proc/%d/stat", pid);
        else
            snprintf(path, sizeof(path), "/proc/self/stat");
        if (proc_times(path, &user, &sys) == 0) {
            param_ullong(l, "cpu.time", user + sys);
            param_ullong(l, "cpu.user", user);
            param_ullong(l, "cpu.system", sys);
        }
        if (active) {
            /* No cache monitors, and haltpoll is KVM's. */
            param_uint(l, "cpu.cache.monitor.count", 0);
            param_ullong(l, "cpu.haltpoll.success.time", 0);
            param_ullong(l, "cpu.haltpoll.fail.time", 0);
        }
    }
    if (groups & STATS_BALLOON) {
        unsigned long long cur = active ? (def->cur_kib ? def->cur_kib : def->max_kib)
                                        : def->max_kib;
        param_ullong(l, "balloon.current", cur);
        param_ullong(l, "balloon.maximum", def->max_kib);
        if (active)
            param_ullong(l, "balloon.rss", rss_kib(pid));
    }
    if (groups & STATS_VCPU) {
        param_uint(l, "vcpu.current", def->vcpus);
        param_uint(l, "vcpu.maximum", def->vcpus_max);
        for (unsigned int i = 0; active && i < def->vcpus; i++) {
            int tid = vcpu_thread(pid, i);
            unsigned long long delay = 0;
            char buf[256];
            user = sys = 0;
            if (tid) {
                snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
                proc_times(path, &user, &sys);
                snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", pid, tid);
                if (read_small(path, buf, sizeof(buf)) > 0)
                    sscanf(buf, "%*u %llu", &delay);
            }
            snprintf(field, sizeof(field), "vcpu.%u.state", i);
            param_int(l, field, 1); /* VIR_VCPU_RUNNING */
            snprintf(field, sizeof(field), "vcpu.%u.time", i);
            param_ullong(l, field, user + sys);
            snprintf(field, sizeof(field), "vcpu.%u.wait", i);
            param_ullong(l, field, 0);
            snprintf(field, sizeof(field), "vcpu.%u.delay", i);
            param_ullong(l, field, delay);
        }
    }
    if ((groups & STATS_INTERFACE) && active)
        param_uint(l, "net.count", (unsigned int)def->nnets);
    if (groups & STATS_BLOCK)
        param_uint(l, "block.count", (unsigned int)def->ndisks);
    if ((groups & STATS_DIRTYRATE) && active) {
        /* Nothing ever asks QEMU to measure it (no calc-dirty-rate). */
        param_int(l, "dirtyrate.calc_status", 0);
        param_ullong(l, "dirtyrate.calc_start_time", 0);
        param_int(l, "dirtyrate.calc_period", 0);
        param_string(l, "dirtyrate.calc_mode", "page-sampling");
    }
}

struct stats_walk {
    unsigned int flags, groups;
    remote_domain_stats_record *recs;
    u_int n, cap;
    bool failed;
};

static bool stats_wanted(unsigned int f, const struct qdom *d)
{
    bool active = qdom_active(d), persistent = d->persistent;
    if ((f & 3) && !((f & 1 && active) || (f & 2 && !active)))
        return false;
    if ((f & 12) && !((f & 4 && persistent) || (f & 8 && !persistent)))
        return false;
    if (f & 0xf0) {
        unsigned int bit = d->state == ST_RUNNING   ? 0x10
                           : d->state == ST_PAUSED  ? 0x20
                           : d->state == ST_SHUTOFF ? 0x40
                                                    : 0x80;
        if (!(f & bit))
            return false;
    }
    return true;
}

static int stats_one(struct stats_walk *w, const struct qdom *d)
{
    if (w->n == w->cap) {
        u_int cap = w->cap ? w->cap * 2 : 8;
        remote_domain_stats_record *g =
            cap <= REMOTE_DOMAIN_LIST_MAX ? realloc(w->recs, cap * sizeof(*g)) : NULL;
        if (!g) {
            w->failed = true;
            return -1;
        }
        w->recs = g;
        w->cap = cap;
    }
    remote_domain_stats_record *r = &w->recs[w->n];
    struct params l = {0};
    memset(r, 0, sizeof(*r));
    domain_stats(d, w->groups, &l);
    r->params.params_val = l.p;
    r->params.params_len = l.n;
    w->n++;
    if (l.failed || fill_dom(d, &r->dom) < 0) {
        w->failed = true;
        return -1;
    }
    return 0;
}

static int stats_each(void *opaque, struct qdom *d)
{
    struct stats_walk *w = opaque;
    return stats_wanted(w->flags, d) ? stats_one(w, d) : 0;
}

static int q_get_all_stats(struct drv_conn *c, const remote_connect_get_all_domain_stats_args *args,
                           remote_connect_get_all_domain_stats_ret *ret)
{
    enum { NOWAIT = 1u << 29, BACKING = 1u << 30, ENFORCE = 1u << 31 };
    struct qdrv *q = qemu_conn_qdrv(c);
    struct stats_walk w = {.flags = args->flags & 0xff,
                           .groups = args->stats ? args->stats : STATS_ALL};
    int r = 0;

    if (check_flags(args->flags, 0xff | NOWAIT | BACKING | ENFORCE) < 0)
        return -1;
    if ((args->flags & ENFORCE) && (args->stats & ~STATS_ALL)) {
        error_report(ERR_ARGUMENT_UNSUPPORTED, FROM_QEMU,
                     "Stats types bits 0x%x are not supported by this daemon",
                     args->stats & ~STATS_ALL);
        return -1;
    }
    if (args->doms.doms_len) {
        if (args->flags & 0xff) {
            error_report(ERR_INVALID_ARG, FROM_QEMU,
                         "unsupported flags (0x%x) in function virDomainListGetStats",
                         args->flags & 0xff);
            return -1;
        }
        for (u_int i = 0; r == 0 && i < args->doms.doms_len; i++) {
            struct qdom d;
            if (get_dom(q, &args->doms.doms_val[i], &d) < 0) {
                r = -1;
                break;
            }
            r = stats_one(&w, &d);
            qdom_clear(&d);
        }
    } else {
        r = each_domain(q, stats_each, &w);
    }
    ret->retStats.retStats_val = w.recs;
    ret->retStats.retStats_len = w.n;
    if (w.failed && r == 0) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        r = -1;
    }
    return r;
}

/* ---- setup ---- */

static char *join(const char *root, const char *path)
{
    size_t n = strlen(root) + strlen(path) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s%s", root, path);
    return p;
}

/* The supervisor beside this program, else the installed one. */
static char *find_supervisor(void)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 32);

    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            strcpy(slash + 1, "qemu-supervisor");
            if (access(exe, X_OK) == 0)
                return strdup(exe);
        }
    }
    return strdup(QEMU_SUPERVISOR_PATH);
}

/* dir with its last up components replaced by leaf: ("/a/b/qemu", 1,
 * "storage") is "/a/b/storage". */
static char *sibling(const char *dir, int up, const char *leaf)
{
    size_t n = strlen(dir);
    for (int i = 0; i < up; i++) {
        while (n > 1 && dir[n - 1] != '/')
            n--;
        if (n > 1)
            n--;
    }
    char *s = NULL;
    if (asprintf(&s, "%.*s/%s", (int)n, dir, leaf) < 0)
        return NULL;
    return s;
}

int qdrv_open(struct qdrv *q, const struct qemu_paths *paths, const struct drv_context *ctx)
{
    memset(q, 0, sizeof(*q));
    q->watch_fd = -1;
    q->sleep_fd = -1;
    q->conf_dir = join(paths->config, "");
    q->autostart_dir = join(paths->autostart, "");
    q->run_dir = join(paths->state, "");
    q->lib_dir = join(paths->lib, "");
    q->log_dir = join(paths->log, "");
    q->supervisor = find_supervisor();
    /* Real libvirt's storage driver: /etc/libvirt/storage and
     * /run/libvirt/storage beside the QEMU driver's directories, or the
     * session's $XDG_CONFIG_HOME/libvirt/storage and
     * $XDG_RUNTIME_DIR/libvirt/storage/run. */
    q->pool_conf_dir = sibling(paths->config, 1, "storage");
    q->pool_autostart_dir = q->pool_conf_dir ? join(q->pool_conf_dir, "/autostart") : NULL;
    q->pool_run_dir = paths->privileged ? sibling(paths->state, 1, "storage")
                                        : sibling(paths->state, 2, "storage/run");
    if (ctx)
        q->ctx = *ctx;
    if (!q->conf_dir || !q->autostart_dir || !q->run_dir || !q->lib_dir || !q->log_dir ||
        !q->supervisor || !q->pool_conf_dir || !q->pool_autostart_dir || !q->pool_run_dir) {
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        goto fail;
    }
    const char *dirs[] = {q->conf_dir, q->run_dir, q->lib_dir, q->log_dir, q->pool_conf_dir,
                          q->pool_run_dir};
    for (size_t i = 0; i < 6; i++)
        if (state_file_mkdirs(dirs[i], i == 0 || i >= 4 ? 0755 : 0700) < 0)
            goto fail;
    q->sleep_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return 0;
fail:
    qdrv_close(q);
    return -1;
}

void qdrv_events_wanted(struct qdrv *q)
{
    char path[4096];

    /* Events from the first registration on: a connection that never
     * registers one never reads the journal (an inotify instance made and
     * dropped costs every open and close milliseconds). */
    if (q->events)
        return;
    snprintf(path, sizeof(path), "%s/" SUP_JOURNAL_NAME, q->run_dir);
    /* Without them the connection still works; its callbacks stay silent. */
    if (state_journal_reader_open(path, 0, &q->events) < 0 || !q->ctx.watch_fd ||
        q->ctx.watch_fd(q->ctx.wait_opaque, state_journal_reader_fd(q->events), read_journal,
                        q) < 0) {
        if (error_last())
            log_warn("events of %s will not be delivered: %s", q->run_dir,
                     error_last_message());
        error_clear();
    } else {
        q->watch_fd = state_journal_reader_fd(q->events);
    }
}

void qdrv_close(struct qdrv *q)
{
    if (q->watch_fd >= 0 && q->ctx.unwatch_fd)
        q->ctx.unwatch_fd(q->ctx.wait_opaque, q->watch_fd);
    state_journal_reader_close(q->events);
    state_journal_close(q->journal);
    if (q->sleep_fd >= 0)
        close(q->sleep_fd);
    free(q->conf_dir);
    free(q->autostart_dir);
    free(q->run_dir);
    free(q->lib_dir);
    free(q->log_dir);
    free(q->supervisor);
    free(q->pool_conf_dir);
    free(q->pool_autostart_dir);
    free(q->pool_run_dir);
    memset(q, 0, sizeof(*q));
    q->watch_fd = -1;
    q->sleep_fd = -1;
}

/* virDomainScreenshot: QEMU writes the screen as PNG into a file the
 * connection made in the domain's directory (through the supervisor,
 * which owns the monitor), which is then streamed and gone. */
static int q_screenshot(struct drv_conn *c, const remote_domain_screenshot_args *args,
                        remote_domain_screenshot_ret *ret)
{
    struct qdrv *q = qemu_conn_qdrv(c);
    struct drv_stream st = {.fd = -1, .dir = DRV_STREAM_SOURCE, .cancel_fd = -1};
    struct qdom d;
    char *dir = NULL, *path = NULL, *req = NULL;
    int r = -1, fd = -1;

    if (check_flags(args->flags, 0) < 0 || get_dom(q, &args->dom, &d) < 0)
        return -1;
    const struct dx_def *def = current_def(&d);
    if (need_active(&d) < 0)
        goto out;
    if (def->nvideos == 0) {
        error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s", "no screens to take screenshot from");
        goto out;
    }
    if (args->screen >= (def->videos[0].heads ? def->videos[0].heads : 1)) {
        error_report(ERR_OPERATION_INVALID, FROM_QEMU, "%s", "no such screen ID");
        goto out;
    }
    if (!(dir = dom_dir_of(q, d.name, d.id)) || asprintf(&path, "%s/qemu.screendump.XXXXXX", dir) < 0) {
        path = NULL;
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        goto out;
    }
    if ((fd = mkostemp(path, O_CLOEXEC)) < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_QEMU, "cannot create '%s': %s", path, strerror(errno));
        goto out;
    }
    if (asprintf(&req, "screendump %s", strrchr(path, '/') + 1) < 0) {
        req = NULL;
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        goto out;
    }
    if (request(q, &d, req, NULL) < 0)
        goto out;
    /* QEMU replaced the file: the stream reads what is there now. */
    st.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (st.fd < 0) {
        error_report(ERR_SYSTEM_ERROR, FROM_STREAMS, "Unable to open stream for '%s': %s", path,
                     strerror(errno));
        goto out;
    }
    if (!(ret->mime = malloc(sizeof(*ret->mime))) || !(*ret->mime = strdup("image/png"))) {
        free(ret->mime);
        ret->mime = NULL;
        close(st.fd);
        error_report(ERR_NO_MEMORY, FROM_QEMU, NULL);
        goto out;
    }
    r = q->ctx.open_stream ? q->ctx.open_stream(q->ctx.wait_opaque, &st) : -1;
out:
    if (fd >= 0)
        close(fd);
    if (path && fd >= 0)
        unlink(path);
    free(path);
    free(dir);
    free(req);
    qdom_clear(&d);
    return r;
}

static int q_open_console(struct drv_conn *c, const remote_domain_open_console_args *args)
{
    struct qdrv *q = qemu_conn_qdrv(c);
    struct drv_stream st;
    struct qdom d;
    int r = -1;

    /* VIR_DOMAIN_CONSOLE_FORCE, VIR_DOMAIN_CONSOLE_SAFE */
    if (check_flags(args->flags, 0x3) < 0 || get_dom(q, &args->dom, &d) < 0)
        return -1;
    if (need_active(&d) == 0) {
        struct qemu_console_req req = {
            .def = current_def(&d),
            .ptys = d.st.ptys,
            .run_dir = q->run_dir,
            .name = d.name,
            .dev_name = args->dev_name ? *args->dev_name : NULL,
            .flags = args->flags,
        };
        if (qemu_open_console(&req, &st) == 0)
            r = q->ctx.open_stream ? q->ctx.open_stream(q->ctx.wait_opaque, &st) : -1;
    }
    qdom_clear(&d);
    return r;
}

const struct drv_domain_ops qemu_domain_ops = {
    .domain_open_console = q_open_console,
    .domain_screenshot = q_screenshot,
    .domain_create = q_create,
    .domain_create_xml = q_create_xml,
    .domain_define_xml = q_define,
    .domain_destroy = q_destroy,
    .domain_get_xml_desc = q_get_xml_desc,
    .domain_get_autostart = q_get_autostart,
    .domain_get_info = q_get_info,
    .domain_get_max_memory = q_get_max_memory,
    .domain_get_os_type = q_get_os_type,
    .connect_list_defined_domains = q_list_defined,
    .domain_lookup_by_id = q_lookup_by_id,
    .domain_lookup_by_name = q_lookup_by_name,
    .domain_lookup_by_uuid = q_lookup_by_uuid,
    .connect_num_of_defined_domains = q_num_of_defined,
    .domain_reboot = q_reboot,
    .domain_resume = q_resume,
    .domain_set_autostart = q_set_autostart,
    .domain_shutdown = q_shutdown,
    .domain_suspend = q_suspend,
    .domain_undefine = q_undefine,
    .connect_list_domains = q_list_domains,
    .connect_num_of_domains = q_num_of_domains,
    .domain_get_security_label = q_get_security_label,
    .domain_is_active = q_is_active,
    .domain_is_persistent = q_is_persistent,
    .domain_is_updated = q_is_updated,
    .domain_has_managed_save_image = q_has_managed_save,
    .domain_create_with_flags = q_create_with_flags,
    .domain_get_vcpus_flags = q_get_vcpus_flags,
    .domain_get_max_vcpus = q_get_max_vcpus,
    .domain_get_state = q_get_state,
    .domain_undefine_flags = q_undefine_flags,
    .domain_destroy_flags = q_destroy_flags,
    .domain_shutdown_flags = q_shutdown_flags,
    .connect_list_all_domains = q_list_all,
    .domain_define_xml_flags = q_define_flags,
    .domain_get_messages = q_get_messages,
    .domain_set_max_memory = q_set_max_memory,
    .domain_set_memory = q_set_memory,
    .domain_set_memory_flags = q_set_memory_flags,
    .domain_set_vcpus = q_set_vcpus,
    .domain_set_vcpus_flags = q_set_vcpus_flags,
    .domain_reset = q_reset,
    .domain_memory_stats = q_memory_stats,
    .connect_get_all_domain_stats = q_get_all_stats,
    .connect_get_domain_capabilities = qemu_connect_get_domain_capabilities, /* driver.c */
};

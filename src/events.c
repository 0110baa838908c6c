#include "events.h"

#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "error.h"
#include "message.h"
#include "remote_protocol.h"

/* Each family: how libvirtd names it in its errors and how many event ids
 * it has in libvirt 9.0. */
static const struct family {
    const char *name;
    int last_id;
} families[] = {
    [DRV_EVENT_DOMAIN] = {"domain", EVENTS_DOMAIN_ID_LAST},
    [DRV_EVENT_NETWORK] = {"network", 1},
    [DRV_EVENT_STORAGE_POOL] = {"storage pool", 2},
    [DRV_EVENT_NODE_DEVICE] = {"node device", 2},
    [DRV_EVENT_SECRET] = {"secret", 2},
};
#define NFAMILIES (sizeof(families) / sizeof(families[0]))

/* How each event is delivered: by the legacy procedure (domain
 * registrations without ids; 0 for none) and by the callback one. Ids
 * without a row here may be registered (virsh event --all registers them
 * all) but nothing raises them yet. */
static const struct {
    int family, event_id;
    int legacy_proc, callback_proc;
} delivery[] = {
    {DRV_EVENT_DOMAIN, 0, REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE,
     REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE},
    {DRV_EVENT_DOMAIN, 1, REMOTE_PROC_DOMAIN_EVENT_REBOOT, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT},
    {DRV_EVENT_NETWORK, 0, 0, REMOTE_PROC_NETWORK_EVENT_LIFECYCLE},
    {DRV_EVENT_STORAGE_POOL, 0, 0, REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE},
    {DRV_EVENT_STORAGE_POOL, 1, 0, REMOTE_PROC_STORAGE_POOL_EVENT_REFRESH},
    {DRV_EVENT_NODE_DEVICE, 0, 0, REMOTE_PROC_NODE_DEVICE_EVENT_LIFECYCLE},
    {DRV_EVENT_NODE_DEVICE, 1, 0, REMOTE_PROC_NODE_DEVICE_EVENT_UPDATE},
    {DRV_EVENT_SECRET, 0, 0, REMOTE_PROC_SECRET_EVENT_LIFECYCLE},
    {DRV_EVENT_SECRET, 1, 0, REMOTE_PROC_SECRET_EVENT_VALUE_CHANGED},
};
#define NDELIVERY (sizeof(delivery) / sizeof(delivery[0]))

struct registration {
    int id; /* callbackID; -1 for legacy */
    int family, event_id;
    unsigned char *key; /* NULL: every object of the family */
    size_t key_len;
};

struct queued {
    int family, event_id;
    unsigned char *key;
    size_t key_len;
    struct msgbuf body;
};

struct events {
    struct registration regs[EVENTS_MAX_CALLBACKS];
    size_t nregs;
    int next_id;
    struct queued *queue; /* EVENTS_MAX_QUEUED, allocated on first use */
    size_t nqueued;
};

struct events *events_new(void)
{
    return calloc(1, sizeof(struct events));
}

static void queue_clear(struct events *ev)
{
    for (size_t i = 0; i < ev->nqueued; i++) {
        msgbuf_free(&ev->queue[i].body);
        free(ev->queue[i].key);
    }
    ev->nqueued = 0;
}

static void regs_clear(struct events *ev)
{
    for (size_t i = 0; i < ev->nregs; i++)
        free(ev->regs[i].key);
    ev->nregs = 0;
}

void events_free(struct events *ev)
{
    if (!ev)
        return;
    queue_clear(ev);
    regs_clear(ev);
    free(ev->queue);
    free(ev);
}

void events_clear(struct events *ev)
{
    queue_clear(ev);
    regs_clear(ev);
}

bool events_wanted(const struct events *ev)
{
    return ev->nregs > 0;
}

static bool same_key(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

int events_register(struct events *ev, int family, int event_id, bool legacy,
                    const unsigned char *key, size_t key_len)
{
    if (family < 0 || (size_t)family >= NFAMILIES || (legacy && family != DRV_EVENT_DOMAIN)) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "unsupported event family %d", family);
        return -1;
    }
    const struct family *f = &families[family];
    int max = legacy ? EVENTS_DOMAIN_ID_LEGACY_LAST : f->last_id - 1;
    if (event_id < 0 || event_id > max) {
        if (family == DRV_EVENT_DOMAIN)
            error_report(ERR_INTERNAL_ERROR, FROM_RPC, "unsupported event ID %d", event_id);
        else
            error_report(ERR_INTERNAL_ERROR, FROM_RPC, "unsupported %s event ID %d", f->name,
                         event_id);
        return -1;
    }
    if (key && (key_len == 0 || key_len > EVENTS_KEY_MAX)) {
        error_report(ERR_INVALID_ARG, FROM_RPC, "invalid %s to filter events on", f->name);
        return -1;
    }
    for (size_t i = 0; i < ev->nregs; i++) {
        const struct registration *r = &ev->regs[i];
        if (r->family == family && r->event_id == event_id && (r->key != NULL) == (key != NULL) &&
            (!key || same_key(r->key, r->key_len, key, key_len))) {
            error_report(ERR_INVALID_ARG, FROM_NONE, "event callback already tracked");
            return -1;
        }
    }
    if (ev->nregs >= EVENTS_MAX_CALLBACKS) {
        error_report(ERR_RPC, FROM_RPC, "too many event callbacks");
        return -1;
    }
    unsigned char *copy = NULL;
    if (key) {
        copy = malloc(key_len);
        if (!copy) {
            error_report(ERR_NO_MEMORY, FROM_RPC, "out of memory");
            return -1;
        }
        memcpy(copy, key, key_len);
    }
    struct registration *r = &ev->regs[ev->nregs++];
    r->id = legacy ? -1 : ev->next_id++;
    r->family = family;
    r->event_id = event_id;
    r->key = copy;
    r->key_len = key ? key_len : 0;
    return legacy ? 0 : r->id;
}

static void remove_at(struct events *ev, size_t i)
{
    free(ev->regs[i].key);
    memmove(&ev->regs[i], &ev->regs[i + 1], (ev->nregs - i - 1) * sizeof(ev->regs[0]));
    ev->nregs--;
}

int events_deregister_legacy(struct events *ev, int event_id)
{
    for (size_t i = 0; i < ev->nregs; i++)
        if (ev->regs[i].id < 0 && ev->regs[i].event_id == event_id) {
            remove_at(ev, i);
            return 0;
        }
    error_report(ERR_INTERNAL_ERROR, FROM_RPC, "domain event %d not registered", event_id);
    return -1;
}

int events_deregister(struct events *ev, int family, int callback_id)
{
    for (size_t i = 0; i < ev->nregs; i++)
        if (ev->regs[i].id >= 0 && ev->regs[i].id == callback_id &&
            ev->regs[i].family == family) {
            remove_at(ev, i);
            return 0;
        }
    const char *name =
        family >= 0 && (size_t)family < NFAMILIES ? families[family].name : "unknown";
    error_report(ERR_INTERNAL_ERROR, FROM_RPC, "%s event callback %d not registered", name,
                 callback_id);
    return -1;
}

int events_queue(struct events *ev, int family, int event_id, const unsigned char *key,
                 size_t key_len, xdrproc_t msg_fn, const void *msg)
{
    struct queued *q;

    if (ev->nregs == 0)
        return 0;
    if (ev->nqueued >= EVENTS_MAX_QUEUED || key_len > EVENTS_KEY_MAX)
        return -1;
    if (!ev->queue) {
        ev->queue = calloc(EVENTS_MAX_QUEUED, sizeof(*ev->queue));
        if (!ev->queue)
            return -1;
    }
    q = &ev->queue[ev->nqueued];
    q->family = family;
    q->event_id = event_id;
    q->key_len = key_len;
    q->key = malloc(key_len ? key_len : 1);
    if (!q->key)
        return -1;
    if (key_len)
        memcpy(q->key, key, key_len);
    if (message_encode_body(&q->body, msg_fn, msg) < 0) {
        free(q->key);
        return -1;
    }
    /* The other families' messages start with the callbackID, which
     * send_one writes for each registration. */
    if (family != DRV_EVENT_DOMAIN) {
        if (q->body.len < 4) {
            msgbuf_free(&q->body);
            free(q->key);
            return -1;
        }
        memmove(q->body.data, q->body.data + 4, q->body.len - 4);
        q->body.len -= 4;
    }
    ev->nqueued++;
    return 0;
}

static int send_one(struct events *ev, const struct queued *q, events_send_fn send,
                    void *opaque)
{
    size_t d = 0;

    while (d < NDELIVERY &&
           (delivery[d].family != q->family || delivery[d].event_id != q->event_id))
        d++;
    if (d == NDELIVERY)
        return 0;
    for (size_t i = 0; i < ev->nregs; i++) {
        const struct registration *r = &ev->regs[i];
        int32_t id = r->id;
        if (r->family != q->family || r->event_id != q->event_id ||
            (r->key && !same_key(r->key, r->key_len, q->key, q->key_len)))
            continue;
        int proc = r->id < 0 ? delivery[d].legacy_proc : delivery[d].callback_proc;
        if (proc && send(opaque, proc, r->id < 0 ? NULL : &id, q->body.data, q->body.len) < 0)
            return -1;
    }
    return 0;
}

int events_flush(struct events *ev, events_send_fn send, void *opaque)
{
    int r = 0;

    for (size_t i = 0; i < ev->nqueued && r == 0; i++)
        r = send_one(ev, &ev->queue[i], send, opaque);
    queue_clear(ev);
    return r;
}

#include "events.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "message.h"
#include "remote_protocol.h"

#define UUID_LEN 16

/* How each event id is delivered: by the legacy procedure (registrations
 * without ids) and by the callback one. Ids without a row here may be
 * registered (virsh event --all registers them all) but nothing raises
 * them yet. */
static const struct {
    int event_id;
    int legacy_proc, callback_proc;
} delivery[] = {
    {0, REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE},
    {1, REMOTE_PROC_DOMAIN_EVENT_REBOOT, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT},
};

struct registration {
    int id; /* callbackID; -1 for legacy */
    int event_id;
    bool has_uuid;
    unsigned char uuid[UUID_LEN];
};

struct queued {
    int event_id;
    unsigned char uuid[UUID_LEN];
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
    for (size_t i = 0; i < ev->nqueued; i++)
        msgbuf_free(&ev->queue[i].body);
    ev->nqueued = 0;
}

void events_free(struct events *ev)
{
    if (!ev)
        return;
    queue_clear(ev);
    free(ev->queue);
    free(ev);
}

void events_clear(struct events *ev)
{
    queue_clear(ev);
    ev->nregs = 0;
}

bool events_wanted(const struct events *ev)
{
    return ev->nregs > 0;
}

int events_register(struct events *ev, int event_id, bool legacy, const unsigned char *uuid)
{
    int max = legacy ? EVENTS_DOMAIN_ID_LEGACY_LAST : EVENTS_DOMAIN_ID_LAST - 1;

    if (event_id < 0 || event_id > max) {
        error_report(ERR_INTERNAL_ERROR, FROM_RPC, "unsupported event ID %d", event_id);
        return -1;
    }
    for (size_t i = 0; i < ev->nregs; i++) {
        const struct registration *r = &ev->regs[i];
        if (r->event_id == event_id && r->has_uuid == (uuid != NULL) &&
            (!uuid || memcmp(r->uuid, uuid, UUID_LEN) == 0)) {
            error_report(ERR_INVALID_ARG, FROM_NONE, "event callback already tracked");
            return -1;
        }
    }
    if (ev->nregs >= EVENTS_MAX_CALLBACKS) {
        error_report(ERR_RPC, FROM_RPC, "too many event callbacks");
        return -1;
    }
    struct registration *r = &ev->regs[ev->nregs++];
    r->id = legacy ? -1 : ev->next_id++;
    r->event_id = event_id;
    r->has_uuid = uuid != NULL;
    if (uuid)
        memcpy(r->uuid, uuid, UUID_LEN);
    return legacy ? 0 : r->id;
}

static void remove_at(struct events *ev, size_t i)
{
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

int events_deregister(struct events *ev, int callback_id)
{
    for (size_t i = 0; i < ev->nregs; i++)
        if (ev->regs[i].id >= 0 && ev->regs[i].id == callback_id) {
            remove_at(ev, i);
            return 0;
        }
    error_report(ERR_INTERNAL_ERROR, FROM_RPC, "domain event callback %d not registered",
                 callback_id);
    return -1;
}

int events_queue(struct events *ev, int event_id, const unsigned char uuid[16],
                 xdrproc_t msg_fn, const void *msg)
{
    struct queued *q;

    if (ev->nregs == 0)
        return 0;
    if (ev->nqueued >= EVENTS_MAX_QUEUED)
        return -1;
    if (!ev->queue) {
        ev->queue = calloc(EVENTS_MAX_QUEUED, sizeof(*ev->queue));
        if (!ev->queue)
            return -1;
    }
    q = &ev->queue[ev->nqueued];
    q->event_id = event_id;
    memcpy(q->uuid, uuid, UUID_LEN);
    if (message_encode_body(&q->body, msg_fn, msg) < 0)
        return -1;
    ev->nqueued++;
    return 0;
}

static int send_one(struct events *ev, const struct queued *q, events_send_fn send,
                    void *opaque)
{
    size_t d = 0;

    while (d < sizeof(delivery) / sizeof(delivery[0]) && delivery[d].event_id != q->event_id)
        d++;
    if (d == sizeof(delivery) / sizeof(delivery[0]))
        return 0;
    for (size_t i = 0; i < ev->nregs; i++) {
        const struct registration *r = &ev->regs[i];
        int32_t id = r->id;
        if (r->event_id != q->event_id ||
            (r->has_uuid && memcmp(r->uuid, q->uuid, UUID_LEN) != 0))
            continue;
        if (send(opaque, r->id < 0 ? delivery[d].legacy_proc : delivery[d].callback_proc,
                 r->id < 0 ? NULL : &id, q->body.data, q->body.len) < 0)
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

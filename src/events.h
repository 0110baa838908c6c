/* events: a connection's event registrations and the events waiting to be
 * sent to it. A driver raises an event as its family (domain, network,
 * storage pool, node device, secret: enum drv_event_family in driver.h),
 * an event id within it, the key of the object it concerns (the uuid; a
 * node device's name) and libvirt's message body for it; each
 * registration that matches gets it once, by the procedure its kind of
 * registration is delivered with (legacy, or callback with its callbackID
 * before the body), in the order the events were raised. Registrations
 * follow libvirtd's rules and words. */
#ifndef SRC_EVENTS_H
#define SRC_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rpc/rpc.h>

#define EVENTS_MAX_CALLBACKS 256
#define EVENTS_MAX_QUEUED 4096

/* The domain event ids of libvirt 9.0: 0..26; the legacy procedures take
 * them up to DEVICE_REMOVED (15). */
#define EVENTS_DOMAIN_ID_LAST 27
#define EVENTS_DOMAIN_ID_LEGACY_LAST 15

/* The longest key an event or a registration names (a node device name). */
#define EVENTS_KEY_MAX 4096

struct events;

/* A new, empty set; NULL when out of memory. */
struct events *events_new(void);
void events_free(struct events *ev);

/* Registers event_id of family, for one object when key is not NULL
 * (key_len bytes: a uuid, or a node device's name). legacy: the domain
 * procedures without callback ids (one registration per event id, its
 * events sent without an id). Returns the new callback id (0 for legacy),
 * or -1 with libvirtd's error recorded: "unsupported event ID N" ("...
 * network event ID N" and so on for the other families), "event callback
 * already tracked" (one registration per event and filter, whichever
 * kind), too many registrations. */
int events_register(struct events *ev, int family, int event_id, bool legacy,
                    const unsigned char *key, size_t key_len);

/* Removes the legacy registration of event_id, or the callback
 * registration callback_id. Returns 0, or -1 with libvirtd's "not
 * registered" error. */
int events_deregister_legacy(struct events *ev, int event_id);
int events_deregister(struct events *ev, int family, int callback_id);

/* Forgets every registration and queued event (the connection closed). */
void events_clear(struct events *ev);

/* Whether anything is registered (events nobody wants are not queued). */
bool events_wanted(const struct events *ev);

/* Queues an event for the registrations that want it: its family and
 * event_id, the key of the object it concerns and its body as msg_fn
 * encodes msg: for a domain a remote_domain_event_*_msg (without
 * callbackID), for the other families their remote_*_event_*_msg, whose
 * leading callbackID is left out here and filled in for each
 * registration. Returns 0, or -1 when it could not be kept (the queue is
 * full or memory ran out; logged by the caller). */
int events_queue(struct events *ev, int family, int event_id, const unsigned char *key,
                 size_t key_len, xdrproc_t msg_fn, const void *msg);

/* Where events_flush sends each event: its procedure, the callbackID to
 * put first (NULL for legacy registrations) and the encoded body. Returns
 * 0 or -1. */
typedef int (*events_send_fn)(void *opaque, int proc, const int32_t *callback_id,
                              const unsigned char *body, size_t len);

/* Sends every queued event to each matching registration, in order, then
 * forgets them. Returns 0, or -1 when a send failed (the rest are
 * dropped). */
int events_flush(struct events *ev, events_send_fn send, void *opaque);

#endif

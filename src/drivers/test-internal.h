/* test-internal: what the test driver's files share. test.c keeps the
 * connection, its domains and test:///default's sharing (test-share.h);
 * every other kind of object real libvirt's test driver serves (networks,
 * storage pools and volumes, node devices, host interfaces; it has no
 * secrets and no network filters) lives in a file of its own, test-KIND.c, which describes the
 * kind to test.c with a struct test_kind and serves its procedures with
 * the operation table of its module (driver-ops.h).
 *
 * How a kind's operations run, as the domain ones do:
 * - a call that only reads starts with test_sync(c): the connection's
 *   copy of the objects is then up to date with test:///default's shared
 *   state (another connection may have changed it);
 * - a call that changes something runs between test_wr_begin(c, API) and
 *   test_wr_end(c, rc): the shared state's lock and latest copy, then the
 *   new state saved (every kind's, through its save) and the events the
 *   call queued (test_queue_event) journalled, or, when rc is -1, nothing
 *   kept. On a node file (test:///PATH.xml) the connection's objects are
 *   its own and the same calls cost nothing.
 * Errors are recorded with rpc/error.h, as real's test driver words them. */
#ifndef SRC_DRIVERS_TEST_INTERNAL_H
#define SRC_DRIVERS_TEST_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include <libxml/tree.h>

#include "driver.h"
#include "identity.h"

/* The kinds besides domains, each with its state in every connection. */
enum test_kind_id {
    TEST_KIND_NETWORK,
    TEST_KIND_STORAGE,
    TEST_KIND_NODEDEV,
    TEST_KIND_INTERFACE,
    TEST_KIND_GUEST, /* what each domain's guest holds (test-guestops.h) */
    TEST_KIND_COUNT
};

struct test_kind {
    /* Its section's name in test:///default's state file. */
    const char *name;
    /* The first byte of its event records in the journal ('L' is the
     * domains'). */
    unsigned char tag;
    /* The element of a node file it reads (<network>, <pool>, ...), or NULL. */
    const char *node_element;
    /* Its per-connection state, allocated zeroed at open and passed to
     * every hook below; test_state(c, id) returns it to the operations. */
    size_t state_size;
    /* Drops every object (the state itself stays); also called at close. */
    void (*clear)(struct drv_conn *c, void *state);
    /* Adds the objects test:///default starts with. */
    int (*load_default)(struct drv_conn *c, void *state);
    /* Adds the object a node file's element describes: n in doc, or, when
     * n has file='...', the file test_node_file names (dir: the node
     * file's directory, for relative names). */
    int (*load_node)(struct drv_conn *c, void *state, xmlDocPtr doc, xmlNodePtr n,
                     const char *dir);
    /* Writes every object to f / rebuilds them from what save wrote (the
     * objects are cleared first). A section that is missing from the state
     * file means the kind's defaults. Data read back is checked as if
     * hostile: the file is private, but a bad one must not crash anyone. */
    int (*save)(struct drv_conn *c, void *state, FILE *f);
    int (*load)(struct drv_conn *c, void *state, const char *data, size_t len);
    /* Turns one of its event records (first byte its tag) into the event
     * for the session: test_emit. Records come from the journal: check
     * their length. */
    void (*deliver)(struct drv_conn *c, const unsigned char *rec, size_t len);
};

/* Each kind's description, defined in its file. */
extern const struct test_kind test_network_kind;
extern const struct test_kind test_storage_kind;
extern const struct test_kind test_nodedev_kind;
extern const struct test_kind test_interface_kind;
extern const struct test_kind test_guest_kind;

/* The kind's state in this connection (never NULL for a kind built in). */
void *test_state(struct drv_conn *c, enum test_kind_id id);

/* See above. test_sync and test_wr_begin return 0, or -1 recorded;
 * test_wr_end returns rc, or -1 when the new state could not be saved. */
int test_sync(struct drv_conn *c);
int test_wr_begin(struct drv_conn *c, const char *owner);
int test_wr_end(struct drv_conn *c, int rc);

/* Queues an event record (rec[0] the kind's tag, at most 64 KiB): to the
 * journal with the call's state when test:///default is shared, else
 * straight to the kind's deliver once the call's state is final. Call it
 * between test_wr_begin and test_wr_end. */
void test_queue_event(struct drv_conn *c, const void *rec, size_t len);

/* Hands an event to the session (driver.h's sink): nothing when no sink. */
void test_emit(struct drv_conn *c, int family, int event_id, const unsigned char *key,
               size_t key_len, xdrproc_t msg_fn, const void *msg);

/* libvirt's "unsupported flags (0x%x) in function %s" when flags has bits
 * outside supported: 0 or -1 recorded. */
int test_check_flags(unsigned int flags, unsigned int supported, const char *func);

/* libvirt's out-of-memory error, recorded. */
void test_no_memory(void);

/* Whether this is test:///default (its defaults; shared) or a node file. */
int test_is_default(const struct drv_conn *c);

/* Who opened the connection: files a client names are read with its
 * permissions (identity.h); NULL: the process's own. */
const struct identity *test_who(const struct drv_conn *c);

/* Hands the session a stream for the call being handled (driver.h:
 * drv_context's open_stream); fd is closed on failure. 0, or -1 with the
 * error recorded. */
int test_open_stream(struct drv_conn *c, const struct drv_stream *st);

/* A node file's element that names another file (file='...', relative to
 * dir): that file parsed (the hardened parser, bounded, read as the
 * client), returned in *sub with its root in *root; 0 with *sub NULL
 * when n has no file attribute; -1 recorded on error. */
int test_node_file(struct drv_conn *c, xmlNodePtr n, const char *dir, xmlDocPtr *sub,
                   xmlNodePtr *root);

/* ---- test.c's domains, for the files that act on them (test-guestops.c,
 * test-snapshot.c) ---- */

struct tdom;
struct dx_def;

/* The domain the client names (the state brought up to date first), or
 * NULL with libvirt's "no domain with matching uuid" error. */
struct tdom *test_dom_get(struct drv_conn *c, const remote_nonnull_domain *dom);
int test_dom_active(const struct tdom *d);
/* virDomainState, and its reason in *reason when not NULL. */
int test_dom_state(const struct tdom *d, int *reason);
int test_dom_persistent(const struct tdom *d);
int test_dom_id(const struct tdom *d);
const char *test_dom_name(const struct tdom *d);
const unsigned char *test_dom_uuid(const struct tdom *d);
/* The running definition (or the only one). */
struct dx_def *test_dom_def(struct tdom *d);
/* libvirt's virDomainObjGetDefs for flags AFFECT_LIVE (1) and
 * AFFECT_CONFIG (2): the definitions to change (NULL for the other), or
 * -1 with libvirt's error. */
int test_dom_defs(struct tdom *d, unsigned int flags, struct dx_def **live,
                  struct dx_def **config);
/* The domain's wire reference with its id. */
int test_dom_reference(const struct tdom *d, remote_nonnull_domain *out);
/* A lifecycle event of d (virDomainEventType, its detail). */
void test_dom_emit(struct drv_conn *c, struct tdom *d, int event, int detail);
/* Stops d for `reason` (virDomainShutoffReason) with a STOPPED/`detail`
 * event; a transient d is dropped (freed). */
void test_dom_stop(struct drv_conn *c, struct tdom *d, int reason, int detail);
/* Renames inactive d; -1 with libvirt's error when another domain has
 * the name. */
int test_dom_rename(struct drv_conn *c, struct tdom *d, const char *name);
/* Starts def (taken over, freed on error) as libvirt's restore does: the
 * domain of the same name and uuid keeps its config, another with either
 * is refused, an active one too; running for `reason` with a STARTED/
 * `detail` event. Returns the domain or NULL with the error recorded. */
struct tdom *test_dom_start_def(struct drv_conn *c, struct dx_def *def, int reason, int detail);

#endif

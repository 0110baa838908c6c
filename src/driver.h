/* driver: what a hypervisor driver offers the dispatcher. The dispatcher
 * decodes wire arguments into these plain types, calls one operation, and
 * encodes the result; drivers never see XDR. Every operation returns 0 (or a
 * count) on success and -1 with an error recorded (rpc/error.h) on failure.
 * Strings and arrays handed back are malloc'd and owned by the caller. */
#ifndef SRC_DRIVER_H
#define SRC_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "identity.h"

#define DRV_UUID_LEN 16

/* A domain as the wire names it: name, uuid and id (-1 when inactive). */
struct drv_dom_id {
    char *name;
    unsigned char uuid[DRV_UUID_LEN];
    int id;
};

struct drv_node_info {
    char model[32];
    uint64_t memory_kib;
    int cpus, mhz, nodes, sockets, cores, threads;
};

struct drv_dom_info {
    int state; /* virDomainState */
    uint64_t max_mem_kib;
    uint64_t memory_kib;
    int nr_vcpus;
    uint64_t cpu_time_ns;
};

struct drv_sec_label {
    char *label; /* NULL or "" when none */
    int enforcing;
};

struct drv_sec_model {
    char *model;
    char *doi;
};

/* Lifecycle event sink: the driver calls it for every state change it makes
 * (virDomainEventType and its detail), in the order they happen. */
typedef void (*drv_event_fn)(void *opaque, const struct drv_dom_id *dom, int event,
                             int detail);

struct drv_conn; /* one open hypervisor connection, private to its driver */

/* Who opens a connection: what a driver needs to decide what the client
 * may do and with whose permissions it reads files the client names. */
struct drv_context {
    const struct identity *who; /* NULL: the process's own */
    bool read_only;
};

struct driver {
    const char *name;

    /* Opens `uri` if this driver serves it. Returns 1 and sets *conn when it
     * does, 0 when the URI is not this driver's, -1 on error. */
    int (*open)(const char *uri, unsigned int flags, const struct drv_context *ctx,
                struct drv_conn **conn);
    void (*close)(struct drv_conn *conn);
    void (*set_event_sink)(struct drv_conn *conn, drv_event_fn fn, void *opaque);

    const char *(*get_type)(struct drv_conn *conn);
    int (*get_version)(struct drv_conn *conn, uint64_t *version);
    int (*get_hostname)(struct drv_conn *conn, char **hostname);
    int (*node_get_info)(struct drv_conn *conn, struct drv_node_info *info);
    int (*get_capabilities)(struct drv_conn *conn, char **xml);
    int (*get_sysinfo)(struct drv_conn *conn, unsigned int flags, char **xml);
    int (*node_get_security_model)(struct drv_conn *conn, struct drv_sec_model *model);
    int (*get_max_vcpus)(struct drv_conn *conn, const char *type);

    /* Domains matching virConnectListAllDomainsFlags `flags`, in the order
     * libvirt lists them. *doms is an array of *n entries. */
    int (*list_all_domains)(struct drv_conn *conn, unsigned int flags,
                            struct drv_dom_id **doms, size_t *n);
    int (*num_of_domains)(struct drv_conn *conn);
    int (*list_domains)(struct drv_conn *conn, int *ids, int max);
    int (*num_of_defined_domains)(struct drv_conn *conn);
    int (*list_defined_domains)(struct drv_conn *conn, char **names, int max);

    int (*lookup_by_id)(struct drv_conn *conn, int id, struct drv_dom_id *dom);
    int (*lookup_by_name)(struct drv_conn *conn, const char *name, struct drv_dom_id *dom);
    int (*lookup_by_uuid)(struct drv_conn *conn, const unsigned char *uuid,
                          struct drv_dom_id *dom);

    /* Creating and defining: *dom receives the new domain's identity. */
    int (*domain_create_xml)(struct drv_conn *conn, const char *xml, unsigned int flags,
                             struct drv_dom_id *dom);
    int (*domain_define_xml)(struct drv_conn *conn, const char *xml, unsigned int flags,
                             struct drv_dom_id *dom);

    /* Operations on one domain; `dom` is what the client sent (the driver
     * finds the domain by uuid and reports a missing one by libvirt's
     * message). Those that change the id update dom->id. */
    int (*domain_create)(struct drv_conn *conn, struct drv_dom_id *dom, unsigned int flags);
    int (*domain_undefine)(struct drv_conn *conn, const struct drv_dom_id *dom,
                           unsigned int flags);
    int (*domain_destroy)(struct drv_conn *conn, const struct drv_dom_id *dom,
                          unsigned int flags);
    int (*domain_suspend)(struct drv_conn *conn, const struct drv_dom_id *dom);
    int (*domain_resume)(struct drv_conn *conn, const struct drv_dom_id *dom);
    int (*domain_shutdown)(struct drv_conn *conn, const struct drv_dom_id *dom,
                           unsigned int flags);
    int (*domain_reboot)(struct drv_conn *conn, const struct drv_dom_id *dom,
                         unsigned int flags);
    int (*domain_get_info)(struct drv_conn *conn, const struct drv_dom_id *dom,
                           struct drv_dom_info *info);
    int (*domain_get_state)(struct drv_conn *conn, const struct drv_dom_id *dom,
                            unsigned int flags, int *state, int *reason);
    int (*domain_get_xml_desc)(struct drv_conn *conn, const struct drv_dom_id *dom,
                               unsigned int flags, char **xml);
    int (*domain_get_os_type)(struct drv_conn *conn, const struct drv_dom_id *dom,
                              char **type);
    int (*domain_get_max_memory)(struct drv_conn *conn, const struct drv_dom_id *dom,
                                 uint64_t *kib);
    int (*domain_set_max_memory)(struct drv_conn *conn, const struct drv_dom_id *dom,
                                 uint64_t kib);
    /* flags: virDomainMemoryModFlags (LIVE 1, CONFIG 2, MAXIMUM 4). */
    int (*domain_set_memory_flags)(struct drv_conn *conn, const struct drv_dom_id *dom,
                                   uint64_t kib, unsigned int flags);
    /* flags: virDomainVcpuFlags (LIVE 1, CONFIG 2, MAXIMUM 4, GUEST 8). */
    int (*domain_get_vcpus_flags)(struct drv_conn *conn, const struct drv_dom_id *dom,
                                  unsigned int flags);
    int (*domain_set_vcpus_flags)(struct drv_conn *conn, const struct drv_dom_id *dom,
                                  unsigned int nvcpus, unsigned int flags);
    int (*domain_get_autostart)(struct drv_conn *conn, const struct drv_dom_id *dom,
                                int *autostart);
    int (*domain_set_autostart)(struct drv_conn *conn, const struct drv_dom_id *dom,
                                int autostart);
    int (*domain_is_active)(struct drv_conn *conn, const struct drv_dom_id *dom);
    int (*domain_is_persistent)(struct drv_conn *conn, const struct drv_dom_id *dom);
    int (*domain_has_managed_save)(struct drv_conn *conn, const struct drv_dom_id *dom,
                                   unsigned int flags);
    int (*domain_get_security_label)(struct drv_conn *conn, const struct drv_dom_id *dom,
                                     struct drv_sec_label *label);
    /* virDomainGetMessages: *msgs is an array of *n strings. */
    int (*domain_get_messages)(struct drv_conn *conn, const struct drv_dom_id *dom,
                               unsigned int flags, char ***msgs, size_t *n);
};

/* The drivers built in, in the order open tries them; NULL-terminated. */
extern const struct driver *const drivers[];

void drv_dom_id_clear(struct drv_dom_id *dom);

#endif

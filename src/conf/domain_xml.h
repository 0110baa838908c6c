/* domain_xml: libvirt's domain XML, parsed with libxml2 and written back the
 * way libvirt 9.0's test driver writes it (canonical element order,
 * defaults filled in). What the model interprets is in struct dx_def; the
 * other elements libvirt knows under <domain>, <features> and <devices>
 * are kept as written and written back in their place; elements libvirt
 * does not know are dropped, as libvirt drops them. Inside the elements it
 * does interpret, what it does not (an attribute, a child) is kept too, as
 * a structure's `extra` (domain_xml.c, "extras"), and written back into the
 * element it came from. */
#ifndef SRC_DRIVERS_DOMAIN_XML_H
#define SRC_DRIVERS_DOMAIN_XML_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "driver.h"

enum { DX_ADDR_NONE, DX_ADDR_PCI, DX_ADDR_DRIVE };

struct dx_addr {
    int type;
    unsigned int domain, bus, slot, function;    /* pci */
    unsigned int controller, dbus, target, unit; /* drive */
};

struct dx_disk {
    char *type, *device;
    char *drv_name, *drv_type, *drv_cache, *drv_io, *drv_discard;
    char *src; /* file, dev or dir depending on type */
    char *dst;
    int bus; /* DX_BUS_* */
    int readonly, shareable;
    char *serial;
    unsigned int boot_order;
    struct dx_addr addr;
    char *extra; /* what the model did not interpret (domain_xml.c) */
};

struct dx_controller {
    int type; /* DX_CTRL_* */
    int index;
    char *model;
    struct dx_addr addr;
    char *extra; /* what the model did not interpret (domain_xml.c) */
};

struct dx_net {
    char *type;
    unsigned char mac[6];
    char *src;      /* network, bridge or dev */
    char *src_mode; /* direct */
    char *ifname;
    char *model;
    unsigned int boot_order;
    struct dx_addr addr;
    char *extra; /* what the model did not interpret (domain_xml.c) */
};

struct dx_chr {
    char *type;
    char *path;        /* <source path=> */
    char *target_type; /* consoles */
    int port;
    char *extra; /* what the model did not interpret (domain_xml.c) */
};

struct dx_input {
    char *type, *bus;
    char *extra; /* what the model did not interpret (domain_xml.c) */
};

struct dx_graphics {
    char *type;
    int port, autoport, has_port;
    char *listen;
    char *extra; /* what the model did not interpret (domain_xml.c) */
};

struct dx_video {
    char *model;
    unsigned int vram, ram, heads;
    int primary;
    char *extra; /* what the model did not interpret (domain_xml.c) */
};

/* An element of libvirt's domain XML that this model does not interpret,
 * kept as written (re-indented) and written back in libvirt's place for
 * it, so that nothing a user configured is dropped. */
struct dx_kept {
    int order; /* its place in libvirt's element order (domain_xml.c) */
    char *xml; /* the element, serialized without leading indentation */
};

struct dx_kept_list {
    struct dx_kept *items;
    size_t n;
};

struct dx_def {
    char *virt_type;
    char *name;
    unsigned char uuid[DRV_UUID_LEN];
    char *title, *description;
    uint64_t max_kib, cur_kib;
    unsigned int vcpus_max, vcpus;
    char *cpuset;
    char *os_type, *arch, *machine;
    char *kernel, *initrd, *cmdline;
    char **boot;
    size_t nboot;
    unsigned int features; /* bit per entry of domain_xml.c's feature list */
    char *clock_offset, *clock_adjustment, *clock_basis, *clock_timezone;
    char *on_poweroff, *on_reboot, *on_crash;
    char *emulator;
    struct dx_disk *disks;
    size_t ndisks;
    struct dx_controller *ctrls;
    size_t nctrls;
    struct dx_net *nets;
    size_t nnets;
    struct dx_chr *serials;
    size_t nserials;
    struct dx_chr *consoles;
    size_t nconsoles;
    struct dx_input *inputs;
    size_t ninputs;
    struct dx_graphics *graphics;
    size_t ngraphics;
    struct dx_video *videos;
    size_t nvideos;
    char *balloon_model;
    struct dx_addr balloon_addr;
    char *balloon_extra;
    /* What the model did not interpret in these elements (NULL: nothing). */
    char *extra_memory, *extra_cur_memory, *extra_vcpu, *extra_os, *extra_clock;
    /* What libvirt knows that this model does not: children of <domain>,
     * of <features> and of <devices>. */
    struct dx_kept_list kept, kept_features, kept_devices;
    int virtio_channels; /* kept channels with a virtio target */
};

/* Parses a domain document given as text. Returns the definition (caller
 * frees with dx_def_free) or NULL with an error recorded exactly as libvirt
 * reports it. */
struct dx_def *dx_def_parse_string(const char *xml);

/* Same, from an element of an already parsed document (node files). */
struct dx_def *dx_def_parse_node(xmlDocPtr doc, xmlNodePtr root);

/* Formats `def` as libvirt does; id >= 0 adds id='N'. `secure` includes
 * secrets (none kept today). Returns a malloc'd string or NULL. */
char *dx_def_format(const struct dx_def *def, int id);

/* Deep copy, or NULL with an error recorded. */
struct dx_def *dx_def_copy(const struct dx_def *def);

void dx_def_free(struct dx_def *def);

/* Domain names become file names (a driver's $confdir/NAME.xml), so on
 * top of libvirt's own rules (no '/', no newline) a name has no control
 * character, does not start with '.' and is at most DX_NAME_MAX bytes,
 * leaving room in a 255-byte file name for suffixes. Returns 0, or -1
 * with the error recorded. */
#define DX_NAME_MAX 200
int dx_name_check(const char *name);

/* The most vCPUs a domain may have: what libvirt's protocol can describe
 * in one virDomainGetVcpus reply (REMOTE_VCPUINFO_MAX). libvirt itself
 * has no bound (and allocates per vCPU until it runs out of memory). */
#define DX_VCPUS_MAX 16384


#endif

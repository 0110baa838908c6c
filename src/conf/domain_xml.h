/* domain_xml: libvirt's domain XML, parsed with libxml2 and written back the
 * way libvirt 9.0 writes it (canonical element order, defaults filled in):
 * with the test driver's defaults, or, given a struct dx_env for QEMU, with
 * the QEMU driver's (domain_qemu.c). What the model interprets is in struct dx_def; the
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

enum { DX_ADDR_NONE, DX_ADDR_PCI, DX_ADDR_DRIVE, DX_ADDR_USB };

struct dx_addr {
    int type;
    unsigned int domain, bus, slot, function;    /* pci */
    unsigned int controller, dbus, target, unit; /* drive */
    unsigned int usb_bus;                        /* usb (QEMU only) */
    char usb_port[16];                           /* "1", "1.2": up to 4 levels */
};

/* Disk buses (<target bus=>), in libvirt's order. */
enum {
    DX_BUS_NONE,
    DX_BUS_IDE,
    DX_BUS_FDC,
    DX_BUS_SCSI,
    DX_BUS_VIRTIO,
    DX_BUS_XEN,
    DX_BUS_USB,
    DX_BUS_UML,
    DX_BUS_SATA,
    DX_BUS_SD,
    DX_BUS_LAST
};

/* Controller types, in libvirt's order. */
enum {
    DX_CTRL_IDE,
    DX_CTRL_FDC,
    DX_CTRL_SCSI,
    DX_CTRL_SATA,
    DX_CTRL_VIRTIO_SERIAL,
    DX_CTRL_CCID,
    DX_CTRL_USB,
    DX_CTRL_PCI,
    DX_CTRL_XENBUS,
    DX_CTRL_ISA,
    DX_CTRL_LAST
};

/* Names by DX_BUS_* and DX_CTRL_*, as written in the XML. */
extern const char *const dx_bus_names[];
extern const char *const dx_ctrl_names[];

/* Which driver's rules complete a parsed definition and write it. */
enum { DX_DRIVER_TEST, DX_DRIVER_QEMU };

struct dx_disk {
    char *type, *device;
    char *drv_name, *drv_type, *drv_cache, *drv_io, *drv_discard;
    char *src; /* file, dev or dir depending on type */
    char *src_pool, *src_volume; /* type='volume' */
    char *vol_path; /* a volume's file, found at start (never in the XML) */
    char *dst;
    int bus; /* DX_BUS_* */
    int readonly, shareable;
    int backing_none; /* an empty <backingStore/>: no backing chain (QEMU only) */
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
    int ifname_generated; /* ifname is the test driver's testnetN, not the XML's */
    char *model;
    unsigned int boot_order;
    struct dx_addr addr;
    char *extra; /* what the model did not interpret (domain_xml.c) */
};

struct dx_chr {
    char *type;
    char *path;        /* <source path=> */
    char *append;      /* <source append=> (QEMU only) */
    char *target_type; /* consoles; serials too for QEMU */
    char *target_model; /* <target><model name=> of a serial (QEMU only) */
    int port;
    char *extra; /* what the model did not interpret (domain_xml.c) */
};

struct dx_input {
    char *type, *bus;
    struct dx_addr addr; /* QEMU only */
    char *extra;         /* what the model did not interpret (domain_xml.c) */
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
    struct dx_addr addr; /* QEMU only */
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

/* <audio> (QEMU only; the test driver keeps it as written). */
struct dx_audio {
    unsigned int id;
    char *type;
    char *extra; /* what the model did not interpret (domain_xml.c) */
};

struct dx_cpu_feature {
    char *policy, *name;
};

/* <cpu> (QEMU only; the test driver keeps it as written). mode NULL: none. */
struct dx_cpu {
    char *mode, *match, *check, *model, *fallback;
    struct dx_cpu_feature *features;
    size_t nfeatures;
    char *extra; /* what the model did not interpret (domain_xml.c) */
};

struct dx_def {
    int driver; /* DX_DRIVER_*: whose rules completed it, and write it */
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
    struct dx_audio *audios;
    size_t naudios;
    struct dx_cpu cpu;
    char *balloon_model;
    struct dx_addr balloon_addr;
    char *balloon_extra;
    /* What the model did not interpret in these elements (NULL: nothing). */
    char *extra_memory, *extra_cur_memory, *extra_vcpu, *extra_os, *extra_clock;
    /* What libvirt knows that this model does not: children of <domain>,
     * of <features> and of <devices>. */
    struct dx_kept_list kept, kept_features, kept_devices;
    int virtio_channels; /* kept channels with a virtio target */
    /* <seclabel type='dynamic' model='dac' relabel='yes'/>: QEMU's label
     * as libvirt's DAC driver gives it (QEMU only; other labels are kept). */
    int seclabel_dac;
};

/* What the QEMU driver's rules ask of the host, answered by the capability
 * probe (another module): each callback returns a malloc'd string, or
 * NULL with the error recorded (the error is the define's: libvirt's
 * "unsupported configuration: No emulator found for arch 'sparc'", ...).
 * A NULL callback keeps what the XML says (and fails when it says
 * nothing): enough to re-read a definition that was completed before. */
struct dx_env {
    int driver; /* DX_DRIVER_* */
    void *opaque;
    /* The architecture of a domain that names none (the host's). */
    char *(*default_arch)(void *opaque, const char *virt_type);
    /* The emulator of a domain that names none: /usr/bin/qemu-system-x86_64. */
    char *(*default_emulator)(void *opaque, const char *virt_type, const char *arch);
    /* The machine of a domain that names none: pc-i440fx-7.2. */
    char *(*default_machine)(void *opaque, const char *emulator, const char *virt_type,
                             const char *arch);
    /* The name a machine is written with: pc -> pc-i440fx-7.2 (itself when
     * it is canonical already). */
    char *(*canonical_machine)(void *opaque, const char *emulator, const char *virt_type,
                               const char *arch, const char *machine);
    /* The CPU model of a domain that names no CPU: the machine's default
     * (qemu64, qemu32 for qemu-system-i386); "" when the machine has none.
     * NULL callback: qemu64. */
    char *(*default_cpu)(void *opaque, const char *emulator, const char *virt_type,
                         const char *machine);
};

/* Parses a domain document given as text. Returns the definition (caller
 * frees with dx_def_free) or NULL with an error recorded exactly as libvirt
 * reports it. The test driver's rules. */
struct dx_def *dx_def_parse_string(const char *xml);

/* Same, from an element of an already parsed document (node files). */
struct dx_def *dx_def_parse_node(xmlDocPtr doc, xmlNodePtr root);

/* Same, with env's driver's rules (env NULL: the test driver's). With
 * DX_DRIVER_QEMU: what real libvirt 9.0's QEMU driver fills in at define
 * (canonical machine, emulator, cpu, implicit controllers, inputs, audio,
 * memballoon, PCI and USB addresses, ...) and what it refuses at parse
 * time; what the command line cannot honour is qemu_validate's. */
struct dx_def *dx_def_parse_string_env(const char *xml, const struct dx_env *env);
struct dx_def *dx_def_parse_node_env(xmlDocPtr doc, xmlNodePtr root, const struct dx_env *env);

/* Formats `def` as libvirt does (its driver's way); id >= 0 adds id='N'.
 * Returns a malloc'd string or NULL. For a QEMU domain this is the
 * inactive XML (dumpxml --inactive); a running one's is dx_def_format_live. */
char *dx_def_format(const struct dx_def *def, int id);

/* What a running QEMU domain's XML shows beyond its definition: the facts
 * of this run, which the supervisor learns (ids, ptys, ports). */
struct dx_live {
    int id;
    /* Per serial, in def->serials order: the pty QEMU opened (type pty),
     * NULL otherwise; the array may be NULL. */
    const char *const *serial_ptys;
    /* Per interface, in def->nets order: the host device (a tap's name
     * for type ethernet), NULL otherwise; the array may be NULL. */
    const char *const *net_ifnames;
    int vnc_port;           /* the port a VNC display listens on (autoport) */
    const char *vnc_listen; /* NULL: 127.0.0.1, qemu.conf's default */
    uint64_t cur_kib;       /* the balloon's size; 0: the memory size */
    /* The vCPU features QEMU reports for the cpu model; NULL: what qemu64
     * has on TCG (hypervisor, lahf_lm). NULL-terminated. */
    const char *const *cpu_features;
    unsigned int uid, gid; /* whom QEMU runs as: the DAC <seclabel> */
};

/* A running QEMU domain's XML (dumpxml): def, the definition it was
 * started with (as dx_def_parse_string_env left it), with each device's
 * alias, the run's facts, libvirt's live-only elements (<resource>, the
 * DAC <seclabel>, cpu check='full') and the memory as QEMU was given it.
 * Returns a malloc'd string or NULL with the error recorded. */
char *dx_def_format_live(const struct dx_def *def, const struct dx_live *live);

/* The kinds of device dx_alias names. */
enum {
    DX_DEV_DISK,
    DX_DEV_CONTROLLER,
    DX_DEV_NET,
    DX_DEV_SERIAL,
    DX_DEV_CONSOLE,
    DX_DEV_INPUT,
    DX_DEV_VIDEO,
    DX_DEV_BALLOON,
};

/* The alias libvirt's QEMU driver gives device i of a kind ("virtio-disk0",
 * "ide0-1-0", "usb", "pci.0", "net0", "serial0", "input1", "video0",
 * "balloon0"): the id of its -device and its live <alias>. Writes it into
 * buf (64 bytes are enough) and returns buf. */
char *dx_alias(const struct dx_def *def, int kind, size_t i, char *buf, size_t len);

/* The first thing of an element that the model did not interpret (its
 * `extra`), in words for a message: "<iotune>", "attribute 'foo'",
 * "<source> attribute 'startupPolicy'". Malloc'd; NULL when extra is NULL
 * or out of memory. */
char *dx_extra_describe(const char *extra);

/* libvirt's disk-name index: "vda" 0, "hdc" 2, "sdaa" 26; -1 if not a disk name. */
int dx_disk_name_index(const char *name);

/* The kept child of <domain> named `name` (<memtune>, <cputune>, ...):
 * its XML as kept (no leading indentation, its inner lines indented for a
 * child of <domain>), or NULL when the definition has none. */
const char *dx_kept_get(const struct dx_def *def, const char *name);

/* Replaces the kept child `name` by xml, in the form dx_kept_get returns
 * (NULL: removes it). Returns 0, or -1 with the error recorded. */
int dx_kept_put(struct dx_def *def, const char *name, const char *xml);

/* Deep copy (same driver's rules), or NULL with an error recorded. */
struct dx_def *dx_def_copy(const struct dx_def *def);

void dx_def_free(struct dx_def *def);

/* The child of <metadata> in namespace uri, without its namespace, as
 * libvirt's virDomainGetMetadata returns it (malloc'd); NULL with
 * libvirt's "metadata not found" error (code 80) or another recorded. */
char *dx_def_metadata_get(const struct dx_def *def, const char *uri);

/* libvirt's virDomainSetMetadata for an element: xml (parsed by the
 * hardened parser) goes under <metadata> in namespace uri with prefix
 * key, replacing what was there in that namespace; xml NULL removes it.
 * Returns 0, or -1 with the error recorded and def unchanged. */
int dx_def_metadata_set(struct dx_def *def, const char *uri, const char *key, const char *xml);

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

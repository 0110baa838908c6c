/* storage_xml: the storage pool and volume XML model the drivers share
 * (the test driver, test-storage.c, and the QEMU driver's storage,
 * qemu/storage.c): parse a <pool> or <volume> document as libvirt 9.0
 * checks it, and format one in libvirt's order. Errors are recorded
 * (error.h) in the storage domain; every returned string is malloc'd. */
#ifndef SRC_CONF_STORAGE_XML_H
#define SRC_CONF_STORAGE_XML_H

#include <stdio.h>
#include <time.h>

#include <libxml/tree.h>

#include "uuid.h"

/* Which parts of <source> a pool type reads and writes, and what it needs. */
enum {
    S_HOST = 1,
    S_DEVICE = 2,
    S_DIR = 4,
    S_ADAPTER = 8,
    S_NAME = 16,
    S_FORMAT = 32,
    S_NETWORK = 64, /* no <target> */
    S_IQN = 128,
    S_DEFNAME = 256,  /* the source name defaults to the pool's */
    S_NEED_DEV = 512, /* a device is required */
    S_AUTH = 1024,
    S_PROTOCOL = 2048, /* <protocol ver='N'/> */
};

enum vol_formats { VF_NONE, VF_FILE, VF_DISK };

/* A pool type, at its libvirt virStoragePoolType index in storage_pool_types. */
struct storage_pool_type {
    const char *name;
    unsigned int flags;
    const char *const *formats; /* of the pool's source, or NULL */
    int default_format;
    int vol_formats;
    unsigned int list_bit;
    int vol_info_type; /* what virStorageVolGetInfo says its volumes are */
};

#define STORAGE_NTYPES 14
extern const struct storage_pool_type storage_pool_types[STORAGE_NTYPES];

#define STORAGE_POOL_DIR 0
#define STORAGE_POOL_NETFS 2
#define STORAGE_POOL_LOGICAL 3
#define STORAGE_POOL_ISCSI 5
#define STORAGE_POOL_GLUSTER 11
#define STORAGE_POOL_ZFS 12

struct storage_perms {
    long mode, owner, group; /* -1: unset */
    char *label;
};

struct storage_host {
    char *name;
    int port; /* 0: none */
};

struct storage_adapter {
    char *type, *name, *parent, *managed, *wwnn, *wwpn;
};

struct storage_vol {
    char *name, *key, *path;
    int type;
    int format; /* -1: none */
    unsigned long long capacity, allocation;
    struct storage_perms perms;
    char *backing;      /* <backingStore><path>, or NULL */
    int backing_format; /* -1: none */
    /* What a real backend reads from the file (0: not shown): <physical>
     * and <timestamps>, as libvirt's storage driver reports them. */
    int has_physical, has_timestamps;
    unsigned long long physical;
    struct timespec atime, mtime, ctime;
    /* A qcow2 v3 image's header, as libvirt shows it: <compat> (NULL: not
     * shown), <clusterSize>, <features><lazy_refcounts/>. */
    const char *compat;
    unsigned long long cluster_size;
    int lazy_refcounts;
    /* The backing file's owner, mode and times (0: not shown). */
    int backing_has_stat;
    struct storage_perms backing_perms;
    struct timespec backing_atime, backing_mtime, backing_ctime;
};

struct storage_pool {
    int type;
    char *name;
    unsigned char uuid[UUID_LEN];
    struct storage_host *hosts;
    size_t nhosts;
    char **devices;
    size_t ndevices;
    char *src_dir, *src_name, *iqn, *vendor, *product, *protocol;
    char *auth_type, *auth_user, *secret_usage, *secret_uuid;
    struct storage_adapter adapter;
    int format; /* -1: none */
    char *target;
    struct storage_perms perms;
    unsigned long long capacity, allocation, available;
    int active, persistent, autostart;
    struct storage_vol **vols;
    size_t nvols;
};

/* A memory stream that storage_out_close turns into its text. */
struct out {
    FILE *f;
    char *buf;
    size_t len;
};

/* 0, or -1 recorded (out of memory). */
int storage_out_open(struct out *o);
/* Closes o: its text (malloc'd), or NULL recorded. */
char *storage_out_close(struct out *o);
/* fprintf where %E is an XML-escaped string, %s a string, %d an int, %l a
 * long, %o a long in octal (4 digits), %U an unsigned long long. */
void storage_put(FILE *f, const char *fmt, ...);

void storage_random_uuid(unsigned char *u);
void storage_vol_free(struct storage_vol *v);
/* What a pool's <source> holds (also a sources query's); p itself stays. */
void storage_source_free(struct storage_pool *p);
void storage_pool_free(struct storage_pool *p);

/* <source> of a pool of type t into p (also used for a sources query):
 * 0, or -1 recorded. */
int storage_parse_source(xmlNodePtr src, const struct storage_pool_type *t,
                         struct storage_pool *p);
/* A pool definition from its root element or its text, checked as libvirt
 * checks it (a random UUID when it has none), or NULL recorded. */
struct storage_pool *storage_pool_parse_node(xmlNodePtr root);
struct storage_pool *storage_pool_parse_string(const char *xml);
/* The pool's XML as virStoragePoolGetXMLDesc gives it, or NULL recorded. */
char *storage_pool_format(const struct storage_pool *p);

/* The volume format names of pool p's kind (NULL: it has none). */
const char *const *storage_vol_format_names(const struct storage_pool *p);
/* A volume of pool p from its root element or its text, or NULL recorded;
 * an absent allocation is the capacity. */
struct storage_vol *storage_vol_parse_node(const struct storage_pool *p, xmlNodePtr root);
struct storage_vol *storage_vol_parse_string(const struct storage_pool *p, const char *xml);
/* The volume's XML as virStorageVolGetXMLDesc gives it, or NULL recorded. */
char *storage_vol_format(const struct storage_pool *p, const struct storage_vol *v);

/* virStoragePoolObjIsDuplicate and virStoragePoolObjSourceFindDuplicate
 * over pools[0..npools): 0 with *existing the index of the pool def stands
 * for (same name and uuid) or npools for none; -1 recorded when it clashes
 * (another pool's name or uuid, or the same storage). check_active: a
 * transient start, refused when that pool runs. */
int storage_pool_check_duplicate(struct storage_pool *const *pools, size_t npools,
                                 const struct storage_pool *def, int check_active,
                                 size_t *existing);

#endif

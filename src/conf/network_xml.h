/* network_xml: libvirt's network XML as its test driver keeps it. A
 * definition is parsed (the hardened parser), checked the way libvirt
 * 9.0 checks it (name, uuid, forward mode, addresses, prefixes, bridge
 * options, DHCP ranges) and written back in libvirt's canonical form:
 * libvirt's element and attribute order, the uuid it generates when there
 * is none, the bridge's stp and delay defaults; what libvirt does not know
 * is dropped, as libvirt drops it. The canonical text is the definition:
 * the driver keeps it and parses it again when it needs to change it
 * (net-update). */
#ifndef SRC_CONF_NETWORK_XML_H
#define SRC_CONF_NETWORK_XML_H

#include <stddef.h>

#include <libxml/tree.h>

#define NX_UUID_LEN 16

struct nx_def {
    char *name;
    unsigned char uuid[NX_UUID_LEN];
    char *bridge; /* the bridge's name, or NULL */
    char *xml;    /* the canonical XML, to keep and parse again */
    char *shown;  /* what libvirt shows of it (virNetworkGetXMLDesc) */
};

/* Parses a client's XML text into *def (caller frees with nx_def_clear);
 * validate: refuse what libvirt's schema refuses at <network>'s level
 * (VIR_NETWORK_DEFINE_VALIDATE). 0, or -1 with libvirt's error recorded
 * and *def left empty. */
int nx_def_parse_string(const char *xml, int validate, struct nx_def *def);

/* The same from a parsed <network> element (a node file's). */
int nx_def_parse_node(xmlDocPtr doc, xmlNodePtr root, struct nx_def *def);

/* Frees what def holds and zeroes it. */
void nx_def_clear(struct nx_def *def);

/* *dst = a copy of src: 0, or -1 with the error recorded. */
int nx_def_copy(struct nx_def *dst, const struct nx_def *src);

/* virNetworkUpdate's change of one section (virNetworkUpdateSection: 4
 * ip-dhcp-host ... 12 dns-srv) by command (virNetworkUpdateCommand: 1
 * modify, 2 delete, 3 add-last, 4 add-first) with the element xml, in the
 * ip element parent_index names (-1: the first that fits), applied to def,
 * which is replaced by the result. 0, or -1 with libvirt's error recorded
 * and def unchanged. */
int nx_def_update(struct nx_def *def, int command, int section, int parent_index,
                  const char *xml);

#endif

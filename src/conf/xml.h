/* xml: the one way the daemon parses XML it is handed (domain XML from a
 * client, test-driver node files, and every object type after them).
 *
 * libvirt's XML has no use for a DTD, so a document with a <!DOCTYPE> is
 * refused the moment the parser reaches it, before any of its declarations
 * are read: no internal or external subset, no entity declarations, so
 * nothing can expand (the "billion laughs" and its one-big-entity variant)
 * and nothing is fetched (XML_PARSE_NONET as well). libxml2's own limits on
 * depth and text size stay on (no XML_PARSE_HUGE). */
#ifndef SRC_CONF_XML_H
#define SRC_CONF_XML_H

#include <stddef.h>

#include <libxml/tree.h>

/* Parses len bytes of text; url names the document in messages
 * ("(domain_definition)", a node file's path). Returns the document, whose
 * root element exists (caller frees with xmlFreeDoc), or NULL with the
 * error recorded (rpc/error.h) in libvirt's shape: a syntax error as
 * "URL:LINE: MESSAGE" with the offending line and a caret, a DOCTYPE as an
 * XML error; err_domain is the FROM_* they carry. */
xmlDocPtr xml_parse(const char *text, size_t len, const char *url, int err_domain);

#endif

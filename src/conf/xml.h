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

/* Validates doc against libvirt's RelaxNG schema named schema
 * ("domain.rng", ...) in the system's libvirt schema directory
 * (-Dlibvirt_schema_dir, Debian's libvirt0 puts them in
 * /usr/share/libvirt/schemas), as libvirt does for a *_VALIDATE flag.
 * 0, or -1 with libvirt's error recorded: "Unable to validate doc against
 * PATH" and libxml2's messages (VIR_ERR_XML_INVALID_SCHEMA), or the schema
 * that cannot be read (an internal error, err_domain). */
int xml_validate(xmlDocPtr doc, const char *schema, int err_domain);

/* For a parser that has no document to hand over: text parsed (url as in
 * xml_parse) and, when its root element is root, validated against schema.
 * A document that does not parse fails with xml_parse's error; one with
 * another root passes, for the object's own parser to refuse as libvirt
 * does ("expecting root element of ..."), which it checks before the
 * schema. */
int xml_validate_text(const char *text, const char *url, const char *root, const char *schema,
                      int err_domain);

#endif

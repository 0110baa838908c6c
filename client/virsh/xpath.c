/* The dumpxml commands' output (vsh_print_xml): the XML as the server sent
 * it, or with --xpath the nodes the expression selects, as real virsh 9.0
 * prints them: re-indented (the document is read without its blank text),
 * each on its line, or copies of them inside <nodes> with --wrap. An
 * expression libxml2 cannot compile gets libxml2's own message on stderr
 * and selects nothing, as with real virsh; one whose value is not nodes (a
 * number, a string) is real's "Incorrect xpath". The XML is the server's: read
 * without network access or entity expansion. */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "vsh.h"

static bool dump_xpath(struct vsh_ctl *ctl, const char *xml, const char *expr, bool wrap)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "(dumpxml)", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOWARNING |
                                      XML_PARSE_NOERROR);
    xmlXPathContextPtr xp = doc ? xmlXPathNewContext(doc) : NULL;
    xmlXPathObjectPtr res = xp ? xmlXPathEval((const xmlChar *)expr, xp) : NULL;
    xmlBufferPtr buf = xmlBufferCreate();
    xmlDocPtr out = NULL;
    bool ok = false;

    if (!doc || !xp || !buf) {
        vsh_error(ctl, "%s", "failed to parse the XML");
        goto done;
    }
    if (res && res->type != XPATH_NODESET) {
        vsh_error(ctl, "internal error: Incorrect xpath '%s'", expr);
        goto done;
    }
    int n = res && res->nodesetval ? res->nodesetval->nodeNr : 0;
    if (!wrap) {
        for (int i = 0; i < n; i++) {
            xmlBufferEmpty(buf);
            xmlNodeDump(buf, doc, res->nodesetval->nodeTab[i], 0, 1);
            vsh_print(ctl, "%s\n", (const char *)xmlBufferContent(buf));
        }
        ok = true;
        goto done;
    }
    out = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr root = out ? xmlNewNode(NULL, (const xmlChar *)"nodes") : NULL;
    if (!root)
        goto done;
    xmlDocSetRootElement(out, root);
    for (int i = 0; i < n; i++) {
        xmlNodePtr copy = xmlDocCopyNode(res->nodesetval->nodeTab[i], out, 1);
        if (copy && !xmlAddChild(root, copy))
            xmlFreeNode(copy);
    }
    xmlNodeDump(buf, out, root, 0, 1);
    vsh_print(ctl, "%s\n", (const char *)xmlBufferContent(buf));
    ok = true;
done:
    xmlFreeDoc(out);
    xmlBufferFree(buf);
    xmlXPathFreeObject(res);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
    return ok;
}

bool vsh_print_xml(struct vsh_ctl *ctl, const struct vsh_cmd *cmd, const char *xml)
{
    const char *expr = vsh_opt_string(cmd, "xpath");

    if (!expr) {
        vsh_print(ctl, "%s", xml);
        return true;
    }
    return dump_xpath(ctl, xml, expr, vsh_opt_bool(cmd, "wrap"));
}

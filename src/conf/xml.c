#include "xml.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/xmlerror.h>

#include "daemon-paths.h"
#include "error.h"

/* What one parse has seen, reached from the libxml2 context. */
struct parse_state {
    int err_domain;
    int error_seen;   /* the first fatal error is the one reported */
    int doctype_line; /* > 0: a <!DOCTYPE> was met there and the parse stopped */
};

/* libxml2 calls this at "<!DOCTYPE", before it reads anything declared
 * there: the parse ends here. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct parse_state *st = ctxt->_private;

    (void)name;
    (void)external_id;
    (void)system_id;
    st->doctype_line = ctxt->input ? ctxt->input->line : 1;
    if (st->doctype_line <= 0)
        st->doctype_line = 1;
    xmlStopParser(ctxt);
}

/* A fatal error as libvirt reports it: where, what, the line, a caret. */
static void on_error(void *ctx, const char *msg, ...)
{
    xmlParserCtxtPtr ctxt = ctx;
    struct parse_state *st = ctxt ? ctxt->_private : NULL;

    (void)msg;
    if (!st || st->error_seen || st->doctype_line || !ctxt->input ||
        ctxt->lastError.level != XML_ERR_FATAL || !ctxt->lastError.message)
        return;
    st->error_seen = 1;

    const xmlChar *base = ctxt->input->base, *cur = ctxt->input->cur;
    while (cur > base && (*cur == '\n' || *cur == '\r'))
        cur--;
    while (cur > base && *cur != '\n' && *cur != '\r')
        cur--;
    if (*cur == '\n' || *cur == '\r')
        cur++;
    size_t col = (size_t)(ctxt->input->cur - cur);
    size_t len = 0;
    while (cur[len] && cur[len] != '\n' && cur[len] != '\r')
        len++;
    char *line = strndup((const char *)cur, len);
    char *ptr = malloc(len + 2);
    if (!line || !ptr) {
        free(line);
        free(ptr);
        error_report(ERR_NO_MEMORY, st->err_domain, NULL);
        return;
    }
    size_t k = 0;
    for (; k < col && line[k]; k++)
        ptr[k] = line[k] == '\t' ? '\t' : '-';
    ptr[k++] = '^';
    ptr[k] = '\0';
    /* libvirt prints an empty context line as "(null)". */
    const char *ctxline = len ? line : "(null)";
    if (ctxt->lastError.file)
        error_report(ERR_XML_DETAIL, st->err_domain, "%s:%d: %s%s\n%s", ctxt->lastError.file,
                     ctxt->lastError.line, ctxt->lastError.message, ctxline, ptr);
    else
        error_report(ERR_XML_DETAIL, st->err_domain, "at line %d: %s%s\n%s",
                     ctxt->lastError.line, ctxt->lastError.message, ctxline, ptr);
    free(line);
    free(ptr);
}

xmlDocPtr xml_parse(const char *text, size_t len, const char *url, int err_domain)
{
    struct parse_state st = {.err_domain = err_domain};
    xmlParserCtxtPtr ctxt;
    xmlDocPtr doc;

    error_clear();
    if (len > INT_MAX) {
        error_report(ERR_XML_ERROR, err_domain, "document '%s' is too large", url);
        return NULL;
    }
    ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        error_report(ERR_NO_MEMORY, err_domain, NULL);
        return NULL;
    }
    ctxt->_private = &st;
    ctxt->sax->error = on_error;
    ctxt->sax->internalSubset = on_doctype;
    /* No XML_PARSE_NOENT (entities stay references), no DTD loading, no
     * network, no XML_PARSE_HUGE (libxml2's depth and size limits). */
    doc = xmlCtxtReadMemory(ctxt, text, (int)len, url, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOWARNING);
    if (st.doctype_line) {
        error_report(ERR_XML_ERROR, err_domain,
                     "%s:%d: a <!DOCTYPE> is not accepted: libvirt's XML has no DTD, "
                     "entities or other declarations",
                     url, st.doctype_line);
    } else if (doc && xmlDocGetRootElement(doc)) {
        xmlFreeParserCtxt(ctxt);
        return doc;
    } else if (!error_last()) {
        error_report(ERR_XML_ERROR, err_domain, "failed to parse xml document '%s'", url);
    }
    if (doc)
        xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return NULL;
}

/* What the validator said, gathered as libvirt gathers it: every message
 * libxml2 gives, one after the other, bounded. */
struct rng_messages {
    char text[4096];
    size_t len;
};

__attribute__((format(printf, 2, 3))) static void on_rng_error(void *ctx, const char *msg, ...)
{
    struct rng_messages *m = ctx;
    va_list ap;

    if (m->len >= sizeof(m->text) - 1)
        return;
    va_start(ap, msg);
    int n = vsnprintf(m->text + m->len, sizeof(m->text) - m->len, msg, ap);
    va_end(ap);
    /* vsnprintf says what it would have written: a cut message fills
     * the buffer, and nothing more is taken. */
    if (n > 0)
        m->len += (size_t)n;
    if (m->len > sizeof(m->text) - 1)
        m->len = sizeof(m->text) - 1;
}

static void on_rng_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* A connection process validates a handful of documents at most: each
 * schema is read once, on first use, and kept. */
static struct {
    char name[32];
    xmlRelaxNGPtr rng;
} schemas[8];

static xmlRelaxNGPtr schema_get(const char *path, const char *name, int err_domain)
{
    size_t i;

    for (i = 0; i < sizeof(schemas) / sizeof(schemas[0]) && schemas[i].rng; i++)
        if (strcmp(schemas[i].name, name) == 0)
            return schemas[i].rng;

    struct rng_messages m = {.len = 0};
    xmlRelaxNGParserCtxtPtr pctxt = xmlRelaxNGNewParserCtxt(path);
    if (!pctxt) {
        error_report(ERR_INTERNAL_ERROR, err_domain, "Unable to create RNG parser for %s",
                     path);
        return NULL;
    }
    xmlRelaxNGSetParserErrors(pctxt, on_rng_error, on_rng_quiet, &m);
    xmlRelaxNGPtr rng = xmlRelaxNGParse(pctxt);
    xmlRelaxNGFreeParserCtxt(pctxt);
    if (!rng) {
        error_report(ERR_INTERNAL_ERROR, err_domain, "Unable to parse RNG %s: %s", path,
                     m.len ? m.text : "");
        return NULL;
    }
    if (i < sizeof(schemas) / sizeof(schemas[0]) && strlen(name) < sizeof(schemas[i].name)) {
        snprintf(schemas[i].name, sizeof(schemas[i].name), "%s", name);
        schemas[i].rng = rng;
    }
    /* else: more schemas than slots: this one is leaked, once, for the
     * life of a short process. */
    return rng;
}

int xml_validate(xmlDocPtr doc, const char *schema, int err_domain)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", LIBVIRT_SCHEMA_DIR, schema);
    xmlRelaxNGPtr rng = schema_get(path, schema, err_domain);
    if (!rng)
        return -1;
    xmlRelaxNGValidCtxtPtr vctxt = xmlRelaxNGNewValidCtxt(rng);
    if (!vctxt) {
        error_report(ERR_NO_MEMORY, err_domain, NULL);
        return -1;
    }
    struct rng_messages m = {.len = 0};
    xmlRelaxNGSetValidErrors(vctxt, on_rng_error, on_rng_quiet, &m);
    int rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    if (rc != 0) {
        error_report(ERR_XML_INVALID_SCHEMA, FROM_XML, "Unable to validate doc against %s\n%s",
                     path, m.text);
        return -1;
    }
    return 0;
}

int xml_validate_text(const char *text, const char *url, const char *root, const char *schema,
                      int err_domain)
{
    xmlDocPtr doc = xml_parse(text, strlen(text), url, err_domain);
    if (!doc)
        return -1;
    xmlNodePtr top = xmlDocGetRootElement(doc);
    int rc = 0;
    if (top->type == XML_ELEMENT_NODE && top->name &&
        strcmp((const char *)top->name, root) == 0)
        rc = xml_validate(doc, schema, err_domain);
    xmlFreeDoc(doc);
    return rc;
}

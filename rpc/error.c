#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static __thread struct error last;

/* libvirt's texts for each code, as virsh prints them (facts taken from
 * libvirt 9.0's observable messages). */
static const struct {
    int code;
    const char *bare;
    const char *detail;
} templates[] = {
    {ERR_INTERNAL_ERROR, "internal error", "internal error: %s"},
    {ERR_NO_MEMORY, "out of memory", "out of memory: %s"},
    {ERR_NO_SUPPORT, "this function is not supported by the connection driver",
     "this function is not supported by the connection driver: %s"},
    {ERR_NO_CONNECT, "no connection driver available",
     "no connection driver available for %s"},
    {ERR_INVALID_CONN, "invalid connection pointer in", "invalid connection pointer in %s"},
    {ERR_INVALID_DOMAIN, "invalid domain pointer in", "invalid domain pointer in %s"},
    {ERR_INVALID_ARG, "invalid argument", "invalid argument: %s"},
    {ERR_OPERATION_FAILED, "operation failed", "operation failed: %s"},
    {ERR_NO_SOURCE, "missing source information", "missing source information for %s"},
    {ERR_NO_TARGET, "missing target information", "missing target information for %s"},
    {ERR_NO_NAME, "missing name information", "missing name information for %s"},
    {ERR_XML_ERROR, "XML description is invalid or not well formed",
     "XML error: %s"},
    {ERR_DOM_EXIST, "this domain exists already", "domain %s exists already"},
    {ERR_OPERATION_DENIED, "operation forbidden", "operation forbidden: %s"},
    {ERR_XML_DETAIL, "parser error", "%s"},
    {ERR_SYSTEM_ERROR, "", "%s"},
    {ERR_RPC, "RPC error", "%s"},
    {ERR_AUTH_FAILED, "authentication failed", "authentication failed: %s"},
    {ERR_NO_DOMAIN, "Domain not found", "Domain not found: %s"},
    {ERR_INVALID_STORAGE_POOL, "invalid storage pool pointer in",
     "invalid storage pool pointer in %s"},
    {ERR_INVALID_STORAGE_VOL, "invalid storage volume pointer in",
     "invalid storage volume pointer in %s"},
    {ERR_INVALID_NODE_DEVICE, "invalid node device pointer in",
     "invalid node device pointer in %s"},
    {ERR_INVALID_INTERFACE, "invalid interface pointer in", "invalid interface pointer in %s"},
    {ERR_NO_STORAGE_POOL, "Storage pool not found", "Storage pool not found: %s"},
    {ERR_NO_STORAGE_VOL, "Storage volume not found", "Storage volume not found: %s"},
    {ERR_OPERATION_INVALID, "Requested operation is not valid",
     "Requested operation is not valid: %s"},
    {ERR_CONFIG_UNSUPPORTED, "unsupported configuration",
     "unsupported configuration: %s"},
    {ERR_OPERATION_TIMEOUT, "Timed out during operation", "Timed out during operation: %s"},
    {ERR_ARGUMENT_UNSUPPORTED, "argument unsupported", "argument unsupported: %s"},
    {ERR_OPERATION_ABORTED, "operation aborted", "operation aborted: %s"},
    {ERR_OVERFLOW, "numerical overflow", "numerical overflow: %s"},
    {ERR_OPERATION_UNSUPPORTED, "Operation not supported", "Operation not supported: %s"},
    {ERR_NO_DOMAIN_SNAPSHOT, "Domain snapshot not found", "Domain snapshot not found: %s"},
    {ERR_STORAGE_VOL_EXIST, "this storage volume exists already",
     "storage volume %s exists already"},
    {ERR_XML_INVALID_SCHEMA, "XML document failed to validate against schema",
     "XML document failed to validate against schema: %s"},
    {ERR_NO_DOMAIN_CHECKPOINT, "Domain checkpoint not found", "Domain checkpoint not found: %s"},
};

const char *error_template(int code, int with_detail)
{
    for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++)
        if (templates[i].code == code)
            return with_detail ? templates[i].detail : templates[i].bare;
    return with_detail ? "unknown error: %s" : "unknown error";
}

void error_free_fields(struct error *err)
{
    free(err->message);
    free(err->str1);
    free(err->str2);
    free(err->str3);
    memset(err, 0, sizeof(*err));
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void error_set_message(int code, int domain, const char *message)
{
    error_free_fields(&last);
    last.code = code;
    last.domain = domain;
    last.level = ERR_LEVEL_ERROR;
    last.message = dup_or_null(message);
}

void error_report(int code, int domain, const char *fmt, ...)
{
    char detail[4096];
    char *msg = NULL;

    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof(detail), fmt, ap);
        va_end(ap);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        if (asprintf(&msg, error_template(code, 1), detail) < 0)
            msg = NULL;
#pragma GCC diagnostic pop
    } else {
        msg = strdup(error_template(code, 0));
    }
    error_free_fields(&last);
    last.code = code;
    last.domain = domain;
    last.level = ERR_LEVEL_ERROR;
    last.message = msg;
}

void error_set(const struct error *err)
{
    if (err == &last)
        return;
    error_free_fields(&last);
    last = *err;
    last.message = dup_or_null(err->message);
    last.str1 = dup_or_null(err->str1);
    last.str2 = dup_or_null(err->str2);
    last.str3 = dup_or_null(err->str3);
}

const struct error *error_last(void)
{
    return last.code ? &last : NULL;
}

const char *error_last_message(void)
{
    return last.code && last.message ? last.message : "unknown error";
}

void error_clear(void)
{
    error_free_fields(&last);
}

void error_save(struct error *saved)
{
    *saved = last;
    memset(&last, 0, sizeof(last));
}

void error_restore(struct error *saved)
{
    error_free_fields(&last);
    last = *saved;
    memset(saved, 0, sizeof(*saved));
}

/* errors: libvirt's error API on top of the thread-local record that
 * rpc/error keeps. Library code records an error (error_report) where it
 * happens; when a public function fails it calls api_fail, which copies
 * the record into this thread's virError, into the connection's copy, and
 * hands it to the error handler. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "error.h"

static __thread virError last_err;

static pthread_mutex_t handler_lock = PTHREAD_MUTEX_INITIALIZER;
static virErrorFunc handler;
static void *handler_data;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void virResetError(virErrorPtr err)
{
    if (!err)
        return;
    free(err->message);
    free(err->str1);
    free(err->str2);
    free(err->str3);
    memset(err, 0, sizeof(*err));
}

static int copy_error(virErrorPtr to, const virError *from)
{
    virResetError(to);
    to->code = from->code;
    to->domain = from->domain;
    to->level = from->level;
    to->int1 = from->int1;
    to->int2 = from->int2;
    to->message = dup_or_null(from->message);
    to->str1 = dup_or_null(from->str1);
    to->str2 = dup_or_null(from->str2);
    to->str3 = dup_or_null(from->str3);
    return to->code;
}

void api_enter(void)
{
    virResetError(&last_err);
    error_clear();
}

void api_fail(virConnectPtr conn)
{
    const struct error *rec = error_last();
    virErrorFunc fn;
    void *data;

    virResetError(&last_err);
    if (rec) {
        last_err.code = rec->code;
        last_err.domain = rec->domain;
        last_err.level = rec->level ? rec->level : VIR_ERR_ERROR;
        last_err.message = dup_or_null(rec->message);
        last_err.str1 = dup_or_null(rec->str1);
        last_err.str2 = dup_or_null(rec->str2);
        last_err.str3 = dup_or_null(rec->str3);
        last_err.int1 = rec->int1;
        last_err.int2 = rec->int2;
    } else {
        last_err.code = VIR_ERR_INTERNAL_ERROR;
        last_err.level = VIR_ERR_ERROR;
        last_err.message = strdup("An error occurred, but the cause is unknown");
    }
    if (conn) {
        pthread_mutex_lock(&conn->err_lock);
        copy_error(&conn->err, &last_err);
        pthread_mutex_unlock(&conn->err_lock);
    }
    pthread_mutex_lock(&handler_lock);
    fn = handler;
    data = handler_data;
    pthread_mutex_unlock(&handler_lock);
    /* Real libvirt prints to stderr when no handler is set; this library
     * never prints, the application asks virDefaultErrorFunc if it wants
     * that. */
    if (fn)
        fn(data, &last_err);
}

void api_invalid_conn(const char *func)
{
    error_report(ERR_INVALID_CONN, 13, "%s", func);
}

void api_invalid_conn_in(const char *func, int from)
{
    error_report(ERR_INVALID_CONN, from, "%s", func);
}

void api_invalid_arg_in(const char *func, const char *what, int from)
{
    char msg[256];

    snprintf(msg, sizeof(msg), "%s in %s must not be NULL", what, func);
    error_set_message(ERR_INVALID_ARG, from, msg);
}

void api_bad_event_id(const char *func, int from, int eventID, int nids)
{
    char msg[256];

    if (eventID < 0)
        snprintf(msg, sizeof(msg), "eventID in %s must be zero or greater", func);
    else if (from == VIR_FROM_DOMAIN)
        snprintf(msg, sizeof(msg), "eventID must be less than %d", nids);
    else
        snprintf(msg, sizeof(msg), "eventID in %s must be less than %d", func, nids);
    error_set_message(ERR_INVALID_ARG, from, msg);
}

void api_invalid_domain(const char *func)
{
    error_report(ERR_INVALID_DOMAIN, 6, "%s", func);
}

void api_invalid_arg(const char *func, const char *what)
{
    error_report(ERR_INVALID_ARG, 13, "%s in %s must not be NULL", what, func);
}

virErrorPtr virGetLastError(void)
{
    return last_err.code ? &last_err : NULL;
}

const char *virGetLastErrorMessage(void)
{
    if (!last_err.code)
        return "no error";
    return last_err.message ? last_err.message : "unknown error";
}

int virGetLastErrorCode(void)
{
    return last_err.code;
}

int virGetLastErrorDomain(void)
{
    return last_err.domain;
}

void virResetLastError(void)
{
    api_enter();
}

int virCopyLastError(virErrorPtr to)
{
    if (!to)
        return -1;
    if (!last_err.code) {
        virResetError(to);
        return 0;
    }
    return copy_error(to, &last_err);
}

virErrorPtr virSaveLastError(void)
{
    virErrorPtr e = calloc(1, sizeof(*e));

    if (e)
        copy_error(e, &last_err);
    return e;
}

void virFreeError(virErrorPtr err)
{
    virResetError(err);
    free(err);
}

virErrorPtr virConnGetLastError(virConnectPtr conn)
{
    if (!conn)
        return NULL;
    return conn->err.code ? &conn->err : NULL;
}

void virConnResetLastError(virConnectPtr conn)
{
    if (!conn)
        return;
    pthread_mutex_lock(&conn->err_lock);
    virResetError(&conn->err);
    pthread_mutex_unlock(&conn->err_lock);
}

int virConnCopyLastError(virConnectPtr conn, virErrorPtr to)
{
    int rc = 0;

    if (!conn || !to)
        return -1;
    pthread_mutex_lock(&conn->err_lock);
    if (conn->err.code)
        rc = copy_error(to, &conn->err);
    else
        virResetError(to);
    pthread_mutex_unlock(&conn->err_lock);
    return rc;
}

void virSetErrorFunc(void *userData, virErrorFunc fn)
{
    pthread_mutex_lock(&handler_lock);
    handler = fn;
    handler_data = userData;
    pthread_mutex_unlock(&handler_lock);
}

void virConnSetErrorFunc(virConnectPtr conn, void *userData, virErrorFunc fn)
{
    /* Per-connection handlers are deprecated in libvirt and never called
     * there either; the global handler is what gets errors. */
    (void)conn;
    (void)userData;
    (void)fn;
}

static const char *domain_name(int domain)
{
    switch (domain) {
    case VIR_FROM_XML: return "XML";
    case VIR_FROM_DOM: return "Domain";
    case VIR_FROM_RPC: return "RPC";
    case VIR_FROM_TEST: return "Test Driver";
    case VIR_FROM_REMOTE: return "Remote";
    case VIR_FROM_DOMAIN: return "Domain Config";
    case VIR_FROM_URI: return "URI";
    default: return "";
    }
}

void virDefaultErrorFunc(virErrorPtr err)
{
    const char *dom;

    if (!err || !err->code)
        return;
    dom = domain_name(err->domain);
    fprintf(stderr, "libvirt: %s%serror : %s\n", dom, *dom ? " " : "",
            err->message ? err->message : "unknown error");
}

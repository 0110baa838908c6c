/* error: one libvirt-style error (code, domain, message), recorded once where it
 * happens and read by whoever reports it: the daemon puts it in the reply, the
 * client library hands it to the application. One record per thread. */
#ifndef RPC_ERROR_H
#define RPC_ERROR_H

#include <stdarg.h>

/* The codes and domains we raise, with libvirt's numbers (virterror.h). */
enum {
    ERR_OK = 0,
    ERR_INTERNAL_ERROR = 1,
    ERR_NO_MEMORY = 2,
    ERR_NO_SUPPORT = 3,
    ERR_NO_CONNECT = 5,
    ERR_INVALID_CONN = 6,
    ERR_INVALID_DOMAIN = 7,
    ERR_INVALID_ARG = 8,
    ERR_OPERATION_FAILED = 9,
    ERR_NO_SOURCE = 19,
    ERR_NO_TARGET = 20,
    ERR_NO_NAME = 21,
    ERR_XML_ERROR = 27,
    ERR_CONF_SYNTAX = 33,
    ERR_DOM_EXIST = 28,
    ERR_OPERATION_DENIED = 29,
    ERR_XML_DETAIL = 35,
    ERR_RPC = 39,
    ERR_NO_DOMAIN = 42,
    ERR_NO_NETWORK = 43,
    ERR_INVALID_STORAGE_POOL = 46,
    ERR_INVALID_STORAGE_VOL = 47,
    ERR_NO_STORAGE_POOL = 49,
    ERR_NO_STORAGE_VOL = 50,
    ERR_INVALID_NODE_DEVICE = 52,
    ERR_INVALID_INTERFACE = 58,
    ERR_OPERATION_INVALID = 55,
    ERR_CONFIG_UNSUPPORTED = 67,
    ERR_OPERATION_TIMEOUT = 68,
    ERR_ARGUMENT_UNSUPPORTED = 74,
    ERR_OPERATION_ABORTED = 78,
    ERR_OVERFLOW = 82,
    ERR_OPERATION_UNSUPPORTED = 84,
    ERR_AUTH_FAILED = 45,
    ERR_SYSTEM_ERROR = 38,
    ERR_NO_DOMAIN_SNAPSHOT = 72,
    ERR_STORAGE_VOL_EXIST = 90,
    ERR_XML_INVALID_SCHEMA = 92,
    ERR_NO_DOMAIN_CHECKPOINT = 103,
};

enum {
    FROM_NONE = 0,
    FROM_XML = 5,
    FROM_CONF = 9,
    FROM_RPC = 7,
    FROM_QEMU = 10,
    FROM_TEST = 12,
    FROM_STORAGE = 18,
    FROM_NETWORK = 19,
    FROM_REMOTE = 13,
    FROM_DOMAIN = 20,
    FROM_CPU = 31,
    FROM_STREAMS = 38,
    FROM_DOMAIN_SNAPSHOT = 35,
    FROM_DOMAIN_CHECKPOINT = 69,
};

#define ERR_LEVEL_ERROR 2

struct error {
    int code;   /* ERR_*, 0 when nothing is recorded */
    int domain; /* FROM_* */
    int level;
    char *message;
    char *str1, *str2, *str3;
    int int1, int2;
};

/* Records an error whose message is libvirt's text for `code` followed by
 * ": " and the printf-formatted detail (or the bare text when fmt is NULL),
 * so that a client prints exactly what real libvirt prints. Replaces any
 * earlier record. */
void error_report(int code, int domain, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records an error with the message given whole. */
void error_set_message(int code, int domain, const char *message);

/* Records a copy of *err (used when an error arrives from the wire). */
void error_set(const struct error *err);

/* The current record, or NULL when none. Owned by this module. */
const struct error *error_last(void);

/* The current record's message, for a log line or stderr; never NULL
 * ("unknown error" when nothing, or no message, is recorded). */
const char *error_last_message(void);

/* Forgets the current record. */
void error_clear(void);

/* Moves the current record into *saved (this thread is left with none),
 * and back, replacing whatever was recorded in between: for code that
 * must call out (an application callback) without losing its error. */
void error_save(struct error *saved);
void error_restore(struct error *saved);

/* Frees what *err holds (not err itself) and zeroes it. */
void error_free_fields(struct error *err);

/* libvirt's message text for a code with or without detail ("Domain not
 * found" / "Domain not found: %s"); never NULL. */
const char *error_template(int code, int with_detail);

#endif

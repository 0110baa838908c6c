/* uri: a connection URI of the form
 *   driver[+transport]://[user@][server][:port]/[path][?var=value&...]
 * split into its parts, its query variables decoded, the ones the remote
 * driver understands picked out, and the name the server is asked to open
 * (CONNECT_OPEN) computed the way libvirt computes it. docs/uri.md lists
 * every variable. Pure code: no I/O except the documented warning on stderr
 * for a variable we do not know. */
#ifndef CLIENT_URI_H
#define CLIENT_URI_H

#include <stddef.h>
#include <stdio.h>

enum uri_transport {
    URI_TRANSPORT_TLS,
    URI_TRANSPORT_UNIX,
    URI_TRANSPORT_SSH,
    URI_TRANSPORT_EXT,
    URI_TRANSPORT_TCP,
    URI_TRANSPORT_LIBSSH2,
    URI_TRANSPORT_LIBSSH,
};

enum uri_mode { URI_MODE_AUTO, URI_MODE_DIRECT, URI_MODE_LEGACY };
enum uri_proxy { URI_PROXY_AUTO, URI_PROXY_NETCAT, URI_PROXY_NATIVE };

/* One query variable, name and value %-decoded ('+' in a value is a space). */
struct uri_param {
    char *name;
    char *value;
    int known; /* used by the remote driver, hence left out of remote_name */
};

struct uri {
    char *scheme;    /* as written, e.g. "test+tcp"; NULL for an empty URI */
    char *driver;    /* part before '+', e.g. "test" */
    char *transport_name; /* part after '+' as written, or NULL */
    enum uri_transport transport;
    int transport_given;  /* 1 when the scheme named the transport */
    int local;            /* neither server nor transport: the local daemon */

    char *user;   /* decoded, or NULL */
    char *server; /* decoded, IPv6 brackets removed, or NULL */
    int port;     /* as given, 0 when none */
    char *service; /* port to connect to: given, or 16514 (tls), 16509 (tcp),
                    * 22 (ssh); NULL for unix and ext */
    char *path;    /* decoded, or NULL when empty */
    char *fragment; /* decoded, or NULL */

    struct uri_param *params;
    size_t nparams;

    /* The variables the remote driver understands; the last of repeated
     * ones wins. Strings are NULL when not given. */
    char *name;
    char *command;
    char *socket;
    char *netcat;
    char *keyfile;
    char *sshauth;
    char *pkipath;
    char *known_hosts;
    char *known_hosts_verify;
    char *tls_priority;
    int no_verify;
    int no_tty;
    int reconnect; /* ours: reopen a lost connection (see rpc.c) */
    enum uri_mode mode;
    enum uri_proxy proxy;

    /* What CONNECT_OPEN asks the server to open: name= when given, else the
     * URI without transport, user, server, port and known variables. NULL
     * only when the input was NULL/empty (the server picks its default). */
    char *remote_name;
};

/* Parses `str` (NULL or "" gives a local URI with no name, for the server
 * to choose). Each variable not understood is reported with one line on
 * `warn` (the library passes stderr; NULL drops the warnings). Returns 0
 * and sets *out (free with uri_free), or -1 with an error recorded and
 * *out NULL. */
int uri_parse(const char *str, FILE *warn, struct uri **out);

void uri_free(struct uri *uri);

/* The value of the last variable named `name` (case-insensitive), or NULL. */
const char *uri_param_get(const struct uri *uri, const char *name);

/* "tls", "unix", ... */
const char *uri_transport_name(enum uri_transport t);

/* Decodes %XX escapes (and, when plus_is_space, '+') of s[0..len). Returns a
 * new string, or NULL when an escape is malformed or on no memory. */
char *uri_unescape(const char *s, size_t len, int plus_is_space);

#endif
